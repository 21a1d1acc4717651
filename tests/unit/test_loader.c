/* test_loader.c — gt_suite_load: every section of a suite and a profile into
 * the model, variables and secrets, capture ordering, and the exact
 * FILE:LINE:COL of load errors. (The broken-file corpus is test_bad_corpus.c.) */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "core/secrets.h"
#include "suite/suite.h"

#define GOOD SOURCE_DIR "/tests/fixtures/good"

static const gt_scenario *find(const gt_suite *s, const char *name, size_t *index) {
  for (size_t i = 0; i < s->n_scenarios; i++)
    if (!strcmp(s->scenarios[i].name, name)) {
      if (index) *index = i;
      return &s->scenarios[i];
    }
  cr_assert_fail("no scenario '%s'", name);
  return NULL;
}

static gt_suite *load_full(gt_secrets *secrets, const gt_cli_var *vars, int n_vars) {
  gt_load_opts o = {.cli_vars = vars, .n_cli_vars = n_vars, .use_env = false, .secrets = secrets};
  gt_err err = {0};
  gt_suite *s = gt_suite_load(GOOD "/full.yaml", &o, &err);
  char msg[2048];
  gt_err_format(&err, msg, sizeof msg);
  cr_assert_not_null(s, "load failed: %s", msg);
  return s;
}

Test(loader, suite_level_keys) {
  gt_suite *s = load_full(NULL, NULL, 0);
  cr_assert_str_eq(s->name, "buddybuild");
  cr_assert_str_eq(s->file, GOOD "/full.yaml");
  cr_assert_str_eq(s->base_url->text, "${BASE_URL:-https://127.0.0.1:8443}/v1");
  cr_assert_str_eq(gt_node_get(s->default_headers, "Accept")->text, "application/json");
  cr_assert_eq(s->default_timeout_ms, 5000);
  cr_assert_eq(s->n_scenarios, 5);
  cr_assert_eq(s->n_trees, 1, "compacted: one arena holds what the model references");
  gt_suite_free(s);
}

Test(loader, variables_are_expanded_with_type_fidelity) {
  gt_cli_var vars[] = {{"GT_LOADER_SECRET", "from-cli-secret"}};
  gt_suite *s = load_full(NULL, vars, 1);
  cJSON *app = cJSON_GetObjectItem(s->variables, "app_id");
  cr_assert(cJSON_IsString(app));
  cr_assert_str_eq(app->valuestring, "5730b3c9e5a5ad0100fd6a9f");
  cJSON *limit = cJSON_GetObjectItem(s->variables, "limit");
  cr_assert(cJSON_IsNumber(limit));
  cr_assert_eq(limit->valueint, 5);
  cr_assert_str_eq(cJSON_GetObjectItem(s->variables, "api_key")->valuestring, "from-cli-secret");
  cr_assert_eq(s->n_secret_vars, 1);
  cr_assert_str_eq(s->secret_vars[0], "api_key");
  gt_suite_free(s);
}

Test(loader, secrets_are_registered_under_their_names) {
  gt_secrets *sec = gt_secrets_new();
  gt_suite *s = load_full(sec, NULL, 0);
  const char *text = "k=s3cr3t-value t=tok-0123456789 j=literal-jwt-secret";
  char *red = gt_secrets_redact_dup(sec, text, strlen(text));
  cr_assert_null(strstr(red, "s3cr3t-value"), "%s", red);
  cr_assert_null(strstr(red, "tok-0123456789"), "%s", red);
  cr_assert_null(strstr(red, "literal-jwt-secret"), "%s", red);
  cr_assert(strstr(red, "api_key"), "%s", red);
  cr_assert(strstr(red, "GT_LOADER_TOKEN"), "the token is named after its variable: %s", red);
  cr_assert(strstr(red, "jwt_secret"), "a literal jwt_secret has a fixed name: %s", red);
  free(red);
  gt_suite_free(s);
  gt_secrets_free(sec);
}

Test(loader, captures_run_before_dependants_in_stable_order) {
  gt_suite *s = load_full(NULL, NULL, 0);
  const char *order[] = {"list apps", "trigger a build", "read the build back", "upload form",
                         "raw body"};
  for (size_t i = 0; i < 5; i++)
    cr_assert_str_eq(s->scenarios[i].name, order[i]);
  size_t trigger;
  find(s, "trigger a build", &trigger);
  const gt_scenario *read = find(s, "read the build back", NULL);
  cr_assert_eq(read->n_deps, 1);
  cr_assert_eq(read->deps[0], trigger, "deps index the execution order");
  const gt_scenario *raw = find(s, "raw body", NULL);
  cr_assert_eq(raw->n_deps, 1, "a defaulted reference to a capture still orders");
  cr_assert_eq(find(s, "list apps", NULL)->n_deps, 0);
  gt_suite_free(s);
}

Test(loader, request_section) {
  gt_suite *s = load_full(NULL, NULL, 0);
  const gt_scenario *read = find(s, "read the build back", NULL);
  cr_assert_str_eq(read->request.method->text, "GET", "methods are upper-cased");
  cr_assert_str_eq(read->request.path->text, "/builds/${build_id}");
  cr_assert(read->request.auth);
  cr_assert_eq(read->request.body_kind, GT_BODY_NONE);

  const gt_scenario *list = find(s, "list apps", NULL);
  cr_assert_eq(list->request.query->count, 2);
  cr_assert_str_eq(gt_node_get(list->request.headers, "X-Key")->text, "${api_key}");
  cr_assert_eq(list->n_tags, 1);
  cr_assert_str_eq(list->tags[0], "smoke");

  const gt_scenario *trig = find(s, "trigger a build", NULL);
  cr_assert_eq(trig->request.body_kind, GT_BODY_JSON);
  cr_assert(gt_node_get(trig->request.body, "name")->quoted);
  cr_assert_eq(trig->request.n_required, 1);
  cr_assert_str_eq(trig->request.required[0], "$.branch");
  cr_assert_not_null(trig->request.required_paths[0]);
  cr_assert_eq(trig->timeout_ms, 2000);

  const gt_scenario *up = find(s, "upload form", NULL);
  cr_assert_eq(up->request.body_kind, GT_BODY_FORM);
  cr_assert_not(up->request.auth);
  cr_assert_not_null(up->respond);
  cr_assert_eq(find(s, "raw body", NULL)->request.body_kind, GT_BODY_RAW);
  gt_suite_free(s);
}

Test(loader, expect_capture_and_faults_sections) {
  gt_suite *s = load_full(NULL, NULL, 0);
  const gt_scenario *read = find(s, "read the build back", NULL);
  cr_assert(read->expect.has_status);
  cr_assert(gt_status_has(&read->expect.status, 200));
  cr_assert_not(gt_status_has(&read->expect.status, 201));
  cr_assert_eq(read->expect.n_jsonpath, 2);
  cr_assert_str_eq(read->expect.jsonpath[0].src, "$.build_id");
  cr_assert_not_null(read->expect.jsonpath[1].path);
  cr_assert_str_eq(read->expect.jsonpath[1].tmpl->tag, "!integer");
  cr_assert_eq(read->expect.max_time_ms, -1, "unset stays unset");
  cr_assert_eq(read->expect.refused, -1);
  cr_assert_null(read->expect.json);
  cr_assert_not(read->faults_given);

  const gt_scenario *list = find(s, "list apps", NULL);
  cr_assert(gt_status_has(&list->expect.status, 204));
  cr_assert_not(gt_status_has(&list->expect.status, 301));
  cr_assert_str_eq(list->expect.json->tag, "!array");
  cr_assert_eq(list->expect.max_time_ms, 1500);
  cr_assert(list->faults_given);
  cr_assert_eq(list->n_faults, 3);
  cr_assert_eq(list->faults[2].id, GT_FAULT_HTTP_ONLY);

  const gt_scenario *trig = find(s, "trigger a build", NULL);
  cr_assert(gt_status_has(&trig->expect.status, 201));
  cr_assert_not_null(gt_node_get(trig->expect.headers, "Location"));
  cr_assert_eq(trig->n_captures, 2);
  cr_assert_str_eq(trig->captures[0].name, "build_id");
  cr_assert_str_eq(trig->captures[0].src, "$.build_id");
  cr_assert_not_null(trig->captures[0].path);
  cr_assert(trig->captures[1].from_header);
  cr_assert_str_eq(trig->captures[1].src, "ETag");
  cr_assert_eq(trig->n_faults, 2);
  cr_assert_eq(trig->faults[0].id, GT_FAULT_MALFORMED_JSON);
  cr_assert(trig->faults[0].has_expect);
  cr_assert(gt_status_has(&trig->faults[0].expect.status, 422));
  cr_assert_not(trig->faults[1].has_expect);

  const gt_scenario *up = find(s, "upload form", NULL);
  cr_assert(up->faults_given);
  cr_assert_eq(up->n_faults, 0, "faults: none");
  cr_assert_eq(find(s, "raw body", NULL)->n_faults, 0);
  cr_assert_str_eq(find(s, "raw body", NULL)->expect.body->tag, "!regex");
  gt_suite_free(s);
}

Test(loader, profile_section) {
  gt_suite *s = load_full(NULL, NULL, 0);
  const gt_profile *p = &s->profile;
  cr_assert_str_eq(p->name, "bitpaket");
  cr_assert(strstr(p->file, "profiles/full.yaml"));
  cr_assert_eq(p->auth.scheme, GT_AUTH_BEARER);
  cr_assert_str_eq(p->auth.token->text, "${GT_LOADER_TOKEN:-tok-0123456789}");
  cr_assert(p->auth.jwt);
  cr_assert_not_null(p->auth.jwt_secret);
  cr_assert_not_null(gt_node_get(p->auth.jwt_claims, "channel"));
  cr_assert(p->transport.https_only);
  cr_assert_eq(p->transport.http_port, 8080);
  cr_assert(p->transport.http_probe_real);
  cr_assert_str_eq(p->transport.content_type, "application/json");
  cr_assert_str_eq(p->transport.charset, "utf-8");
  cr_assert_not_null(gt_node_get(p->transport.headers, "X-RateLimit-Limit"));
  cr_assert_str_eq(p->version_prefix, "/v2");
  cr_assert(p->errors.has_statuses);
  cr_assert(gt_status_has(&p->errors.statuses, 429));
  cr_assert_not(gt_status_has(&p->errors.statuses, 502));
  cr_assert_not_null(gt_node_get(p->errors.shape, "error"));
  cr_assert_null(p->envelope);
  cr_assert_eq(p->limits.max_body, 1048576);
  cr_assert_not_null(p->limits.rate_limit);
  cr_assert_eq(p->n_default_faults, 3);
  cr_assert_eq(p->default_faults[2].id, GT_FAULT_TOKEN_IN_QUERY);
  cr_assert(p->has_fault_expect[GT_FAULT_INVALID_TOKEN]);
  cr_assert(gt_status_has(&p->fault_expect[GT_FAULT_INVALID_TOKEN].status, 401));
  cr_assert_not(p->has_fault_expect[GT_FAULT_UNAUTHENTICATED]);
  cr_assert(p->check_disabled[GT_CHECK_UTF8]);
  cr_assert(p->check_disabled[GT_CHECK_ENVELOPE]);
  cr_assert_not(p->check_disabled[GT_CHECK_CONTENT_TYPE]);
  gt_suite_free(s);
}

/* ---- from strings ---- */

static gt_suite *load_str(const char *yaml, gt_err *err, bool use_env) {
  gt_load_opts o = {.use_env = use_env};
  return gt_suite_load_string(GOOD "/inline.yaml", yaml, strlen(yaml), &o, err);
}

#define MIN_SCENARIO "scenarios:\n  - name: a\n    request: { method: GET, path: / }\n"

Test(loader, defaults_without_profile) {
  gt_err err = {0};
  gt_suite *s = load_str("suite: x\n" MIN_SCENARIO, &err, false);
  cr_assert_not_null(s, "%s", err.msg);
  cr_assert_null(s->base_url);
  cr_assert_eq(s->profile.auth.scheme, GT_AUTH_NONE);
  cr_assert_eq(s->profile.transport.http_port, 80);
  cr_assert_eq(s->profile.limits.max_body, 8u * 1024 * 1024);
  cr_assert_not_null(s->profile.name);
  cr_assert_eq(s->profile.n_default_faults, 0);
  cr_assert_eq(s->default_timeout_ms, 0);
  cr_assert_eq(s->scenarios[0].timeout_ms, 0);
  gt_suite_free(s);
}

Test(loader, inline_profile_and_header_scheme) {
  gt_err err = {0};
  gt_suite *s = load_str("suite: x\nprofile:\n  auth: { scheme: header, header: X-Api-Key, token: "
                         "abcd1234 }\n  errors: { statuses: [400] }\n" MIN_SCENARIO,
                         &err, false);
  cr_assert_not_null(s, "%s", err.msg);
  cr_assert_eq(s->profile.auth.scheme, GT_AUTH_HEADER);
  cr_assert_str_eq(s->profile.auth.header, "X-Api-Key");
  cr_assert_str_eq(s->profile.file, s->file);
  gt_suite_free(s);
}

Test(loader, env_is_consulted_only_when_asked) {
  setenv("GT_LOADER_ENV_URL", "http://127.0.0.1:9", 1);
  const char *yaml = "suite: x\nbase_url: ${GT_LOADER_ENV_URL}/v1\n" MIN_SCENARIO;
  gt_err err = {0};
  gt_suite *s = load_str(yaml, &err, true);
  cr_assert_not_null(s, "%s", err.msg);
  gt_suite_free(s);
  cr_assert_null(load_str(yaml, &err, false));
  cr_assert_eq(err.line, 2);
  cr_assert_eq(err.col, 11);
  cr_assert(strstr(err.msg, "undefined variable 'GT_LOADER_ENV_URL'"), "%s", err.msg);
}

Test(loader, references_to_later_captures_are_defined) {
  gt_err err = {0};
  gt_suite *s = load_str("suite: x\nscenarios:\n"
                         "  - name: use\n    request: { method: GET, path: \"/b/${id}\" }\n"
                         "  - name: make\n    request: { method: POST, path: /b }\n"
                         "    capture: { id: $.id }\n",
                         &err, false);
  cr_assert_not_null(s, "%s", err.msg);
  cr_assert_str_eq(s->scenarios[0].name, "make");
  cr_assert_str_eq(s->scenarios[1].name, "use");
  cr_assert_eq(s->scenarios[1].deps[0], 0);
  gt_suite_free(s);
}

static void expect_error(const char *yaml, int line, int col, const char *sub) {
  gt_err err = {0};
  gt_suite *s = load_str(yaml, &err, false);
  cr_assert_null(s, "expected a load error containing '%s'", sub);
  cr_assert_eq(err.kind, GT_ERR_INPUT);
  cr_assert_str_eq(err.file, GOOD "/inline.yaml");
  cr_assert(strstr(err.msg, sub), "'%s' not in '%s'", sub, err.msg);
  cr_assert_eq(err.line, line, "line %d, wanted %d: %s", err.line, line, err.msg);
  cr_assert_eq(err.col, col, "col %d, wanted %d: %s", err.col, col, err.msg);
}

Test(loader, error_positions) {
  expect_error("suite: x\nscenarios:\n  - name: a\n    requets: {}\n", 4, 5,
               "unknown key 'requets' in scenario (did you mean 'request'?)");
  expect_error("suite: x\nscenarios:\n  - name: a\n    request: { method: GET, path: /, jsn: 1 }\n",
               4, 38, "did you mean 'json'?");
  expect_error("suite: x\nscenarios:\n  - name: a\n    request: { method: GET }\n", 4, 14,
               "missing required key 'path'");
  expect_error("suite: x\nscenarios:\n  - name: a\n    request: { method: GET, path: / }\n"
               "    expect: { status: 600 }\n",
               5, 23, "status 600 is out of range");
  expect_error("suite: x\nscenarios:\n  - name: a\n    request: { method: GET, path: / }\n"
               "    timeout: 5 seconds\n",
               5, 14, "bad duration");
  expect_error("suite: x\nscenarios:\n  - name: a\n    request:\n      method: GET\n      path: /\n"
               "      json: {}\n      body: x\n",
               8, 7, "at most one body");
  expect_error("suite: x\nscenarios:\n  - name: a\n    request: { method: GET, path: / }\n"
               "    faults: [unauthenticated, invalid_tokn]\n",
               5, 31, "unknown fault 'invalid_tokn' (did you mean 'invalid_token'?)");
  expect_error("suite: x\nscenarios:\n  - name: a\n    request: { method: GET, path: / }\n"
               "    capture: { a: $.a }\n"
               "  - name: b\n    request: { method: GET, path: \"/${a}\" }\n"
               "    capture: { b: $.b }\n"
               "  - name: c\n    request: { method: GET, path: \"/${b}${c}\" }\n"
               "    capture: { c: $.c }\n",
               9, 5, "captures itself");
  expect_error("suite: x\nscenarios:\n"
               "  - name: a\n    request: { method: GET, path: \"/${b}\" }\n"
               "    capture: { a: $.a }\n"
               "  - name: b\n    request: { method: GET, path: \"/${a}\" }\n"
               "    capture: { b: $.b }\n",
               3, 5, "capture cycle: 'a' needs a capture of 'b', which");
  expect_error("suite: x\nbase_url: ftp://x\n" MIN_SCENARIO, 2, 11, "http:// or https://");
  expect_error("suite: x\nprofile: nope/missing.yaml\n" MIN_SCENARIO, 2, 10, "cannot read profile");
  expect_error("suite: x\nscenarios: []\n", 2, 12, "empty");
  expect_error("- a\n- b\n", 1, 1, "must be a mapping");
  expect_error("", 1, 1, "empty suite");
}

Test(loader, profile_errors_point_into_the_profile) {
  gt_err err = {0};
  gt_suite *s = load_str(
      "suite: x\nprofile:\n  auth:\n    scheme: bearr\n    token: t\n" MIN_SCENARIO, &err, false);
  cr_assert_null(s);
  cr_assert_eq(err.line, 4);
  cr_assert_eq(err.col, 13);
  cr_assert(strstr(err.msg, "unknown auth scheme 'bearr' (did you mean 'bearer'?)"), "%s", err.msg);
}

Test(loader, suite_file_errors) {
  gt_err err = {0};
  cr_assert_null(gt_suite_load(GOOD "/does-not-exist.yaml", NULL, &err));
  cr_assert_eq(err.kind, GT_ERR_INPUT);
  cr_assert(strstr(err.msg, "cannot read suite"));
}

Test(loader, durations_and_sizes) {
  long ms;
  cr_assert(gt_parse_duration("150ms", &ms) && ms == 150);
  cr_assert(gt_parse_duration("10s", &ms) && ms == 10000);
  cr_assert(gt_parse_duration("2m", &ms) && ms == 120000);
  cr_assert(gt_parse_duration("1.5s", &ms) && ms == 1500);
  cr_assert(gt_parse_duration("0s", &ms) && ms == 0);
  cr_assert_not(gt_parse_duration("10", &ms), "a unit is required");
  cr_assert_not(gt_parse_duration("-1s", &ms));
  cr_assert_not(gt_parse_duration("s", &ms));
  cr_assert_not(gt_parse_duration("10 s", &ms));
  cr_assert_not(gt_parse_duration("10sec", &ms));
  size_t b;
  cr_assert(gt_parse_size("8MiB", &b) && b == 8u * 1024 * 1024);
  cr_assert(gt_parse_size("512KiB", &b) && b == 512u * 1024);
  cr_assert(gt_parse_size("1MB", &b) && b == 1000000);
  cr_assert(gt_parse_size("1024", &b) && b == 1024);
  cr_assert(gt_parse_size("1.5KiB", &b) && b == 1536);
  cr_assert_not(gt_parse_size("8 MiB", &b));
  cr_assert_not(gt_parse_size("8XB", &b));
  cr_assert_not(gt_parse_size("", &b));
  cr_assert_not(gt_parse_size("0.5", &b), "no fractional bytes");
}

Test(loader, expect_merge_is_field_wise) {
  gt_expect base, over;
  gt_expect_init(&base);
  gt_expect_init(&over);
  cr_assert_eq(base.max_time_ms, -1);
  gt_status_add(&base.status, 401);
  base.has_status = true;
  base.status_text = strdup("401");
  base.error_shape = 1;
  gt_node *tmpl = gt_node_new_scalar("x", true, "f", 1, 1);
  over.json = tmpl;
  over.refused = 0;
  over.max_time_ms = 0;
  gt_expect_merge(&base, &over);
  cr_assert(gt_status_has(&base.status, 401), "unset status keeps the base");
  cr_assert_str_eq(base.status_text, "401");
  cr_assert_eq(base.json, tmpl);
  cr_assert_eq(base.refused, 0);
  cr_assert_eq(base.max_time_ms, 0);
  cr_assert_eq(base.error_shape, 1);
  gt_expect s2;
  gt_expect_init(&s2);
  s2.has_status = true;
  gt_status_add(&s2.status, 422);
  s2.status_text = strdup("422");
  gt_path_template pt[1] = {{"$.a", NULL, tmpl}};
  s2.jsonpath = pt;
  s2.n_jsonpath = 1;
  gt_expect_merge(&base, &s2);
  cr_assert(gt_status_has(&base.status, 422));
  cr_assert_not(gt_status_has(&base.status, 401), "a set status replaces the whole set");
  cr_assert_str_eq(base.status_text, "422");
  cr_assert_eq(base.n_jsonpath, 1);
  cr_assert_neq(base.jsonpath, pt, "the array is copied");
  free(s2.status_text);
  gt_expect_free(&base);
  cr_assert_null(base.status_text);
  cr_assert_eq(base.max_time_ms, -1);
  gt_expect_free(&over);
  gt_node_free(tmpl);
}

Test(loader, errors_in_a_profile_file_name_that_file) {
  const char *yaml = "suite: x\nprofile: profiles/broken.yaml\n" MIN_SCENARIO;
  gt_load_opts o = {.use_env = false};
  gt_err err = {0};
  const char *name = SOURCE_DIR "/tests/fixtures/bad/uses_broken_profile.yaml";
  cr_assert_null(gt_suite_load_string(name, yaml, strlen(yaml), &o, &err));
  cr_assert_str_eq(err.file, SOURCE_DIR "/tests/fixtures/bad/profiles/broken.yaml");
  cr_assert_eq(err.line, 6);
  cr_assert_eq(err.col, 13);
  cr_assert(strstr(err.msg, "bad size 'lots'"), "%s", err.msg);
}

/* A credential captured by a login scenario: every scenario that sends the
 * credential runs after the login, whatever the file order. */
Test(loader, captured_credential_orders_every_authenticated_scenario) {
  static const char yaml[] =
      "suite: login\n"
      "profile: {profile: p, auth: {scheme: bearer, token: \"${access_token}\"}}\n"
      "scenarios:\n"
      "  - name: list first\n"
      "    request: {method: GET, path: /items}\n"
      "  - name: public\n"
      "    request: {method: GET, path: /health, auth: false}\n"
      "  - name: login\n"
      "    request: {method: POST, path: /login, auth: false, json: {u: a}}\n"
      "    capture: {access_token: $.token}\n";
  gt_err err = {0};
  gt_suite *s = load_str(yaml, &err, false);
  cr_assert_not_null(s, "%s", err.msg);
  cr_assert_str_eq(s->scenarios[0].name, "public");
  cr_assert_str_eq(s->scenarios[1].name, "login");
  cr_assert_str_eq(s->scenarios[2].name, "list first");
  cr_assert_eq(s->scenarios[2].n_deps, 1);
  cr_assert_eq(s->scenarios[2].deps[0], 1);
  cr_assert_eq(s->scenarios[0].n_deps, 0);
  gt_suite_free(s);
}

Test(loader, login_scenario_must_not_send_the_credential_it_captures) {
  static const char yaml[] =
      "suite: login\n"
      "profile: {profile: p, auth: {scheme: bearer, token: \"${access_token}\"}}\n"
      "scenarios:\n"
      "  - name: login\n"
      "    request: {method: POST, path: /login, json: {u: a}}\n"
      "    capture: {access_token: $.token}\n";
  gt_err err = {0};
  gt_suite *s = load_str(yaml, &err, false);
  cr_assert_null(s);
  cr_assert_eq(err.kind, GT_ERR_INPUT);
  cr_assert_eq(err.line, 4);
  cr_assert_not_null(strstr(err.msg, "give it `auth: false`"), "%s", err.msg);
}
