/* test_include.c — `include:` fragment files (suite/load_include.c) and YAML
 * anchors, aliases and merge keys within a file (suite/yaml_read.c).
 *
 * Each test writes a small tree of files into a temp dir and loads the suite
 * from disk: what the fragments bring, in which order, and where every error
 * points (FILE:LINE:COL of the file that holds the text). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/buf.h"
#include "suite/suite.h"
#include "support.h"

static char *dir;

static void setup(void) {
  dir = ts_tempdir();
  cr_assert_not_null(dir);
  char *common = ts_fmt("%s/common", dir);
  cr_assert_eq(mkdir(common, 0700), 0);
  free(common);
}

static void teardown(void) {
  char *common = ts_fmt("%s/common", dir);
  ts_rmtree(common);
  free(common);
  ts_rmtree(dir);
  free(dir);
}

TestSuite(include, .init = setup, .fini = teardown);

/* Writes dir/NAME; returns the full path (caller frees). */
static char *put(const char *name, const char *text) {
  char *path = ts_fmt("%s/%s", dir, name);
  cr_assert(ts_write_file(path, text, strlen(text)), "cannot write %s", path);
  return path;
}

static gt_suite *load(const char *path, gt_err *err) {
  gt_load_opts opts = {.use_env = false};
  memset(err, 0, sizeof *err);
  return gt_suite_load(path, &opts, err);
}

/* Loading fails in dir/FILE at LINE:COL with a message holding `sub`. */
static void fails_at(const char *suite, const char *file, int line, int col, const char *sub) {
  gt_err err;
  gt_suite *s = load(suite, &err);
  char got[2048];
  gt_err_format(&err, got, sizeof got);
  cr_assert_null(s, "loaded, wanted an error at %s:%d:%d", file, line, col);
  char *want_file = ts_fmt("%s/%s", dir, file);
  cr_expect_eq(err.kind, GT_ERR_INPUT, "%s", got);
  cr_expect_str_eq(err.file, want_file, "%s", got);
  cr_expect_eq(err.line, line, "%s", got);
  cr_expect_eq(err.col, col, "%s", got);
  cr_expect_not_null(strstr(err.msg, sub), "wanted '%s' in: %s", sub, got);
  free(want_file);
}

static const char *var_text(const gt_suite *s, const char *name) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(s->variables, name);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const char suite_main[] = "suite: main\n"
                                 "include: [common/auth.yaml, common/errors.yaml]\n"
                                 "base_url: http://127.0.0.1:9\n"
                                 "variables:\n"
                                 "  MINE: ${SHARED}-own\n"
                                 "defaults:\n"
                                 "  headers: {Accept: application/json}\n"
                                 "scenarios:\n"
                                 "  - name: own\n"
                                 "    request: {method: GET, path: /own}\n";

static const char frag_auth[] = "include: [base.yaml]\n"
                                "profile:\n"
                                "  auth: {scheme: bearer, token: t0k}\n"
                                "variables:\n"
                                "  SHARED: s\n"
                                "defaults:\n"
                                "  headers: {X-Team: qa}\n"
                                "  timeout: 3s\n"
                                "scenarios:\n"
                                "  - name: login\n"
                                "    request: {method: POST, path: /login, auth: false}\n";

static const char frag_base[] = "variables:\n"
                                "  BASE: b\n"
                                "scenarios:\n"
                                "  - name: base\n"
                                "    request: {method: GET, path: /base}\n";

static const char frag_errors[] = "include: [base.yaml]\n" /* again: read once */
                                  "scenarios:\n"
                                  "  - name: not found\n"
                                  "    request: {method: GET, path: /nope}\n"
                                  "    expect: {status: 404}\n";

Test(include, fragments_bring_variables_defaults_profile_and_scenarios_in_file_order) {
  char *path = put("suite.yaml", suite_main);
  free(put("common/auth.yaml", frag_auth));
  free(put("common/base.yaml", frag_base));
  free(put("common/errors.yaml", frag_errors));
  gt_err err;
  gt_suite *s = load(path, &err);
  char msg[2048];
  gt_err_format(&err, msg, sizeof msg);
  cr_assert_not_null(s, "%s", msg);
  /* includes first (depth first: base.yaml inside auth.yaml), each file once */
  cr_assert_eq(s->n_scenarios, 4);
  cr_expect_str_eq(s->scenarios[0].name, "base");
  cr_expect_str_eq(s->scenarios[1].name, "login");
  cr_expect_str_eq(s->scenarios[2].name, "not found");
  cr_expect_str_eq(s->scenarios[3].name, "own");
  char *base_file = ts_fmt("%s/common/base.yaml", dir);
  cr_expect_str_eq(s->scenarios[0].file, base_file);
  cr_expect_eq(s->scenarios[0].line, 4);
  cr_expect_eq(s->scenarios[0].col, 5);
  free(base_file);
  cr_expect_str_eq(var_text(s, "BASE"), "b");
  cr_expect_str_eq(var_text(s, "MINE"), "s-own"); /* a suite variable uses a fragment's */
  cr_expect_eq(s->profile.auth.scheme, GT_AUTH_BEARER);
  cr_expect_eq(s->default_timeout_ms, 3000);
  cr_assert_not_null(s->default_headers);
  cr_assert_eq(s->default_headers->count, 2);
  cr_expect_str_eq(s->default_headers->keys[0]->text, "X-Team");
  cr_expect_str_eq(s->default_headers->keys[1]->text, "Accept");
  cr_expect_eq(s->default_headers->keys[1]->line, 7); /* positions kept in the merged copy */
  /* compaction still ran: only the compact arena is left */
  cr_expect_eq(s->n_trees, 1);
  gt_suite_free(s);
  free(path);
}

Test(include, suite_profile_wins_over_a_fragment_profile) {
  char *path = put("suite.yaml", "suite: main\n"
                                 "include: [common/p.yaml]\n"
                                 "profile:\n"
                                 "  auth: {scheme: none}\n"
                                 "scenarios:\n"
                                 "  - name: a\n"
                                 "    request: {method: GET, path: /}\n");
  free(put("common/p.yaml", "profile:\n  auth: {scheme: bearer, token: x}\n"));
  gt_err err;
  gt_suite *s = load(path, &err);
  cr_assert_not_null(s, "%s", err.msg);
  cr_expect_eq(s->profile.auth.scheme, GT_AUTH_NONE);
  gt_suite_free(s);
  free(path);
}

Test(include, a_suite_may_take_every_scenario_from_fragments) {
  char *path = put("suite.yaml", "suite: main\ninclude: common/base.yaml\n");
  free(put("common/base.yaml", frag_base));
  gt_err err;
  gt_suite *s = load(path, &err);
  cr_assert_not_null(s, "%s", err.msg);
  cr_expect_eq(s->n_scenarios, 1);
  cr_expect_str_eq(s->scenarios[0].name, "base");
  gt_suite_free(s);
  free(path);
}

Test(include, variable_defined_twice_names_both_places) {
  char *path = put("suite.yaml", "suite: main\n"
                                 "include: [common/base.yaml]\n"
                                 "variables:\n"
                                 "  BASE: again\n"
                                 "scenarios:\n"
                                 "  - name: a\n"
                                 "    request: {method: GET, path: /}\n");
  free(put("common/base.yaml", frag_base));
  char *want = ts_fmt("variable 'BASE' is defined twice: here and at %s/common/base.yaml:2:3", dir);
  fails_at(path, "suite.yaml", 4, 3, want);
  free(want);
  free(path);
}

Test(include, scenario_defined_twice_names_both_places) {
  char *path = put("suite.yaml", "suite: main\n"
                                 "include: [common/base.yaml]\n"
                                 "scenarios:\n"
                                 "  - name: base\n"
                                 "    request: {method: GET, path: /}\n");
  free(put("common/base.yaml", frag_base));
  char *want = ts_fmt("duplicate scenario name 'base' (first at %s/common/base.yaml:4:11)", dir);
  fails_at(path, "suite.yaml", 4, 11, want);
  free(want);
  free(path);
}

Test(include, default_header_defined_twice_ignoring_case) {
  char *path = put("suite.yaml", "suite: main\n"
                                 "include: [common/h.yaml]\n"
                                 "defaults:\n"
                                 "  headers:\n"
                                 "    x-team: b\n"
                                 "scenarios:\n"
                                 "  - name: a\n"
                                 "    request: {method: GET, path: /}\n");
  free(put("common/h.yaml", "defaults:\n  headers:\n    X-Team: a\n"));
  char *want =
      ts_fmt("default header 'x-team' is defined twice: here and at %s/common/h.yaml:3:5", dir);
  fails_at(path, "suite.yaml", 5, 5, want);
  free(want);
  free(path);
}

Test(include, two_fragment_profiles_are_an_error) {
  char *path = put("suite.yaml", "suite: main\n"
                                 "include: [common/p1.yaml, common/p2.yaml]\n"
                                 "scenarios:\n"
                                 "  - name: a\n"
                                 "    request: {method: GET, path: /}\n");
  free(put("common/p1.yaml", "profile:\n  auth: {scheme: none}\n"));
  free(put("common/p2.yaml", "# second\nprofile:\n  auth: {scheme: none}\n"));
  char *want = ts_fmt("the profile is defined twice: here and at %s/common/p1.yaml:2:3", dir);
  fails_at(path, "common/p2.yaml", 3, 3, want);
  free(want);
  free(path);
}

Test(include, cycle_is_an_error_naming_the_chain) {
  char *path = put("suite.yaml", "suite: main\n"
                                 "include: [common/a.yaml]\n"
                                 "scenarios:\n"
                                 "  - name: a\n"
                                 "    request: {method: GET, path: /}\n");
  free(put("common/a.yaml", "include: [b.yaml]\n"));
  free(put("common/b.yaml", "variables: {X: 1}\ninclude:\n  - a.yaml\n"));
  char *want = ts_fmt("include cycle: %s/common/a.yaml includes %s/common/b.yaml includes "
                      "%s/common/a.yaml",
                      dir, dir, dir);
  fails_at(path, "common/b.yaml", 3, 5, want);
  free(want);
  free(path);
}

Test(include, including_the_suite_itself_is_a_cycle) {
  char *path = put("suite.yaml", "suite: main\n"
                                 "include: [common/a.yaml]\n"
                                 "scenarios:\n"
                                 "  - name: a\n"
                                 "    request: {method: GET, path: /}\n");
  free(put("common/a.yaml", "include: [../suite.yaml]\n"));
  fails_at(path, "common/a.yaml", 1, 11, "include cycle: ");
  free(path);
}

Test(include, missing_file_points_at_the_include_entry) {
  char *path = put("suite.yaml", "suite: main\n"
                                 "include:\n"
                                 "  - common/nope.yaml\n"
                                 "scenarios:\n"
                                 "  - name: a\n"
                                 "    request: {method: GET, path: /}\n");
  char *want = ts_fmt("include: cannot read '%s/common/nope.yaml': No such file", dir);
  fails_at(path, "suite.yaml", 3, 5, want);
  free(want);
  free(path);
}

Test(include, errors_inside_a_fragment_point_into_the_fragment) {
  char *path = put("suite.yaml", "suite: main\n"
                                 "include: [common/bad.yaml]\n"
                                 "scenarios:\n"
                                 "  - name: a\n"
                                 "    request: {method: GET, path: /}\n");
  free(put("common/bad.yaml", "scenarios:\n"
                              "  - name: b\n"
                              "    request: {method: GET, path: /}\n"
                              "    expect: {status: 700}\n"));
  fails_at(path, "common/bad.yaml", 4, 22, "700");
  /* an unknown key in a fragment (a fragment cannot name the suite) */
  free(put("common/bad.yaml", "suite: other\n"));
  fails_at(path, "common/bad.yaml", 1, 1, "unknown key 'suite' in an included file");
  /* YAML syntax */
  free(put("common/bad.yaml", "variables:\n  A: [1\n"));
  gt_err err;
  cr_assert_null(load(path, &err));
  char *want_file = ts_fmt("%s/common/bad.yaml", dir);
  cr_expect_str_eq(err.file, want_file);
  free(want_file);
  /* not a mapping */
  free(put("common/bad.yaml", "- a\n"));
  fails_at(path, "common/bad.yaml", 1, 1, "an included file must be a mapping");
  free(path);
}

Test(include, undefined_variable_in_a_fragment_scenario_points_into_the_fragment) {
  char *path = put("suite.yaml", "suite: main\ninclude: [common/u.yaml]\n");
  free(put("common/u.yaml", "scenarios:\n"
                            "  - name: b\n"
                            "    request:\n"
                            "      method: GET\n"
                            "      path: /x/${NOPE}\n"));
  fails_at(path, "common/u.yaml", 5, 13, "undefined variable 'NOPE'");
  free(path);
}

/* ---- anchors, aliases and merge keys (within one file) ---- */

Test(include, anchors_aliases_and_merge_keys_within_a_file) {
  char *path = put("suite.yaml", "suite: anchors\n"
                                 "x-request: &get\n"
                                 "  method: GET\n"
                                 "  path: /default\n"
                                 "x-json: &hdr {Accept: application/json}\n"
                                 "scenarios:\n"
                                 "  - name: merged\n"
                                 "    request:\n"
                                 "      <<: *get\n"
                                 "      path: /explicit\n"
                                 "      headers: *hdr\n"
                                 "  - name: merged list\n"
                                 "    request:\n"
                                 "      <<: [*get, {path: /second, method: POST}]\n");
  gt_err err;
  gt_suite *s = load(path, &err);
  cr_assert_not_null(s, "%s", err.msg);
  cr_assert_eq(s->n_scenarios, 2);
  const gt_request *r = &s->scenarios[0].request;
  cr_expect_str_eq(r->method->text, "GET");
  cr_expect_str_eq(r->path->text, "/explicit"); /* explicit keys win */
  cr_expect_eq(r->method->line, 3);             /* the anchored text's position */
  cr_expect_str_eq(gt_node_get(r->headers, "Accept")->text, "application/json");
  r = &s->scenarios[1].request;
  cr_expect_str_eq(r->method->text, "GET"); /* earlier mappings of the list win */
  cr_expect_str_eq(r->path->text, "/default");
  gt_suite_free(s);
  free(path);
}

Test(include, merge_key_needs_a_mapping) {
  char *path = put("suite.yaml", "suite: m\n"
                                 "scenarios:\n"
                                 "  - name: a\n"
                                 "    request:\n"
                                 "      <<: [just text]\n"
                                 "      method: GET\n"
                                 "      path: /\n");
  fails_at(path, "suite.yaml", 5, 12, "merge key '<<' takes a mapping or a list of mappings");
  free(path);
}

Test(include, quoted_merge_key_is_an_ordinary_key) {
  char *path = put("suite.yaml", "suite: m\n"
                                 "scenarios:\n"
                                 "  - name: a\n"
                                 "    request:\n"
                                 "      '<<': {method: GET}\n"
                                 "      path: /\n");
  fails_at(path, "suite.yaml", 5, 7, "unknown key '<<' in request");
  free(path);
}

Test(include, anchors_do_not_cross_files) {
  char *path = put("suite.yaml", "suite: m\n"
                                 "include: [common/a.yaml]\n"
                                 "scenarios:\n"
                                 "  - name: a\n"
                                 "    request: *shared\n");
  free(put("common/a.yaml", "x-shared: &shared {method: GET, path: /}\n"));
  fails_at(path, "suite.yaml", 5, 14, "unknown anchor '*shared'");
  free(path);
}
