/* Templates: every matcher passing and failing, type fidelity, failure
 * locations, header-text matching, load-time validation, synthesis, merge,
 * status sets. Templates are written in YAML exactly as suites write them. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "suite/suite.h"

static gt_node *trees[64];
static size_t n_trees;

static void free_trees(void) {
  for (size_t i = 0; i < n_trees; i++)
    gt_node_free(trees[i]);
  n_trees = 0;
}

TestSuite(template, .fini = free_trees);
TestSuite(template_text, .fini = free_trees);
TestSuite(template_compile, .fini = free_trees);
TestSuite(synthesize, .fini = free_trees);
TestSuite(status, .fini = free_trees);

/* Parses and compiles a template; freed after the test. */
static gt_node *T(const char *yaml) {
  gt_err err = {0};
  gt_node *n = gt_yaml_parse("t.yaml", yaml, strlen(yaml), &err);
  cr_assert_not_null(n, "yaml %s: %s", yaml, err.msg);
  cr_assert(gt_template_compile(n, &err), "compile %s: %s", yaml, err.msg);
  cr_assert_lt(n_trees, 64);
  trees[n_trees++] = n;
  return n;
}

static const gt_scope *scope(void) {
  static cJSON *vars;
  static gt_scope s;
  if (!vars) {
    vars = cJSON_Parse("{\"id\":\"abc\",\"n\":5,\"obj\":{\"k\":[1,2]}}");
    s.suite_vars = vars;
  }
  return &s;
}

/* Matches JSON text against a template; failures go to *f (may be NULL). */
static bool M(const gt_node *t, const char *json, gt_failures *f) {
  cJSON *a = cJSON_Parse(json);
  cr_assert_not_null(a, "bad test JSON %s", json);
  gt_failures local = {0};
  bool ok = gt_template_match(t, a, scope(), GT_CHECK_JSON, "$", f ? f : &local);
  cr_expect_eq(ok, (f ? f : &local)->count == 0, "result agrees with the failure list");
  gt_failures_free(&local);
  cJSON_Delete(a);
  return ok;
}

#define PASS(t, json) cr_expect(M(t, json, NULL), "%s should match", json)
#define FAIL(t, json) cr_expect_not(M(t, json, NULL), "%s should not match", json)

Test(template, scalars_with_type_fidelity) {
  gt_node *five = T("5");
  PASS(five, "5");
  PASS(five, "5.0");
  FAIL(five, "\"5\"");
  FAIL(five, "6");
  gt_node *qfive = T("\"5\"");
  PASS(qfive, "\"5\"");
  FAIL(qfive, "5");
  PASS(T("true"), "true");
  FAIL(T("true"), "\"true\"");
  FAIL(T("false"), "true");
  PASS(T("~"), "null");
  FAIL(T("~"), "0");
  PASS(T("queued"), "\"queued\"");
  FAIL(T("queued"), "\"Queued\"");
  PASS(T("1.5e3"), "1500");
}

Test(template, variables_keep_their_type) {
  PASS(T("${n}"), "5");
  FAIL(T("${n}"), "\"5\"");
  PASS(T("\"${n}\""), "5"); /* exactly one ${..}: the variable's type */
  PASS(T("id-${id}"), "\"id-abc\"");
  FAIL(T("id-${id}"), "\"id-abd\"");
  PASS(T("${obj}"), "{\"k\":[1,2]}");
  FAIL(T("${obj}"), "{\"k\":[1,2],\"x\":1}");
  PASS(T("${missing:-dflt}"), "\"dflt\"");
  gt_failures f = {0};
  cr_expect_not(M(T("${missing}"), "\"x\"", &f));
  cr_assert_eq(f.count, 1);
  cr_expect(strstr(f.items[0].expected, "missing") != NULL, "%s", f.items[0].expected);
  gt_failures_free(&f);
}

Test(template, type_tags) {
  PASS(T("!string"), "\"\"");
  FAIL(T("!string"), "1");
  PASS(T("!integer"), "42");
  PASS(T("!integer"), "-3.0");
  FAIL(T("!integer"), "4.5");
  FAIL(T("!integer"), "\"4\"");
  PASS(T("!number"), "4.5");
  FAIL(T("!number"), "\"4.5\"");
  PASS(T("!boolean"), "false");
  FAIL(T("!boolean"), "0");
  PASS(T("!null"), "null");
  FAIL(T("!null"), "false");
  PASS(T("!object"), "{}");
  FAIL(T("!object"), "[]");
  PASS(T("!array"), "[]");
  FAIL(T("!array"), "{}");
  PASS(T("!any"), "null");
  PASS(T("!any"), "[1]");
}

Test(template, maps_are_open_and_absent_means_missing) {
  gt_node *t = T("{a: 1, b: !string, gone: !absent}");
  PASS(t, "{\"a\":1,\"b\":\"x\",\"extra\":true}");
  FAIL(t, "{\"a\":1}");
  FAIL(t, "{\"a\":1,\"b\":\"x\",\"gone\":null}");
  FAIL(t, "[1]");
}

Test(template, sequences_are_exact_length) {
  gt_node *t = T("[1, !string]");
  PASS(t, "[1,\"a\"]");
  FAIL(t, "[1]");
  FAIL(t, "[1,\"a\",2]");
  FAIL(t, "[\"a\",1]");
  PASS(T("[]"), "[]");
  FAIL(T("[]"), "[0]");
}

Test(template, regex) {
  gt_node *t = T("!regex \"^[0-9a-f]{24}$\"");
  PASS(t, "\"5730b3c9e5a5ad0100fd6a9f\"");
  FAIL(t, "\"5730b3c9e5a5ad0100fd6a9\"");
  FAIL(t, "\"5730B3C9E5A5AD0100FD6A9F\"");
  FAIL(t, "12");
  PASS(T("!regex caf\xc3\xa9"), "\"un caf\xc3\xa9\""); /* unanchored search, UTF-8 */
  PASS(T("!regex ^.$"), "\"\xc3\xa9\"");               /* one code point */
  gt_failures f = {0};
  cr_expect_not(M(t, "12", &f));
  cr_assert_eq(f.count, 1);
  cr_expect_str_eq(f.items[0].expected, "a string matching /^[0-9a-f]{24}$/");
  cr_expect_str_eq(f.items[0].actual, "12");
  gt_failures_free(&f);
}

Test(template, regex_on_invalid_utf8_subject_does_not_crash) {
  gt_node *t = T("!regex ^a");
  cJSON *s = cJSON_CreateString("a\xff\xfe");
  gt_failures f = {0};
  cr_expect(gt_template_match(t, s, NULL, GT_CHECK_JSON, "$", &f));
  cJSON_SetValuestring(s, "\xff"
                          "a");
  cr_expect_not(gt_template_match(t, s, NULL, GT_CHECK_JSON, "$", &f));
  gt_failures_free(&f);
  cJSON_Delete(s);
}

Test(template, one_of) {
  gt_node *t = T("!one_of [1, !string, {k: !integer}]");
  PASS(t, "1");
  PASS(t, "\"x\"");
  PASS(t, "{\"k\":2}");
  FAIL(t, "2");
  FAIL(t, "{\"k\":\"2\"}");
  gt_failures f = {0};
  cr_expect_not(M(t, "true", &f));
  cr_assert_eq(f.count, 1, "the options' own failures are not reported");
  cr_expect_str_eq(f.items[0].expected, "one of [1, !string, {k: !integer}]");
  gt_failures_free(&f);
  /* an optional key */
  gt_node *opt = T("{x: !one_of [!absent, !integer ] }");
  PASS(opt, "{}");
  PASS(opt, "{\"x\":3}");
  FAIL(opt, "{\"x\":\"3\"}");
}

Test(template, exact) {
  gt_node *t = T("!exact {a: 1, b: !any}");
  PASS(t, "{\"a\":1,\"b\":null}");
  FAIL(t, "{\"a\":1}");
  gt_failures f = {0};
  cr_expect_not(M(t, "{\"a\":1,\"b\":2,\"c\":3}", &f));
  cr_assert_eq(f.count, 1);
  cr_expect_str_eq(f.items[0].where, "$.c");
  gt_failures_free(&f);
}

Test(template, contains) {
  gt_node *t = T("!contains [{id: 2}, !string]");
  PASS(t, "[{\"id\":1},{\"id\":2,\"x\":0},\"s\"]");
  FAIL(t, "[{\"id\":1},\"s\"]");
  FAIL(t, "[{\"id\":2}]");
  FAIL(t, "{\"id\":2}");
  PASS(T("!contains []"), "[]");
}

Test(template, len) {
  gt_node *three = T("!len 3");
  PASS(three, "[1,2,3]");
  PASS(three, "{\"a\":1,\"b\":2,\"c\":3}");
  PASS(three, "\"abc\"");
  PASS(three, "\"\xc3\xa9t\xc3\xa9\""); /* code points, not bytes */
  FAIL(three, "\"ab\"");
  FAIL(three, "[]");
  FAIL(three, "3");
  PASS(T("!len 0"), "[]");
}

Test(template, failure_locations) {
  gt_node *t = T("{error: {code: !integer, message: !string}, items: [{id: 1}], 'a b': 1}");
  gt_failures f = {0};
  cr_expect_not(M(t, "{\"error\":{\"code\":\"E1\"},\"items\":[{\"id\":2}],\"a b\":2}", &f));
  cr_assert_eq(f.count, 4);
  cr_expect_str_eq(f.items[0].where, "$.error.code");
  cr_expect_str_eq(f.items[0].expected, "an integer");
  cr_expect_str_eq(f.items[0].actual, "\"E1\"");
  cr_expect_eq(f.items[0].check, GT_CHECK_JSON);
  cr_expect_str_eq(f.items[1].where, "$.error.message");
  cr_expect_str_eq(f.items[1].actual, "missing");
  cr_expect_str_eq(f.items[2].where, "$.items[0].id");
  cr_expect_str_eq(f.items[2].expected, "1");
  cr_expect_str_eq(f.items[2].actual, "2");
  cr_expect_str_eq(f.items[3].where, "$['a b']");
  gt_failures_free(&f);
}

Test(template, actual_is_shortened) {
  gt_buf b;
  gt_buf_init(&b);
  gt_buf_adds(&b, "\"");
  for (int i = 0; i < 5000; i++)
    gt_buf_addc(&b, 'x');
  gt_buf_adds(&b, "\"");
  gt_failures f = {0};
  cr_expect_not(M(T("!integer"), b.data, &f));
  cr_assert_eq(f.count, 1);
  cr_expect_lt(strlen(f.items[0].actual), 260);
  cr_expect(strstr(f.items[0].actual, "...") != NULL);
  gt_failures_free(&f);
  gt_buf_free(&b);
}

Test(template, null_template_and_null_out) {
  cJSON *a = cJSON_CreateNumber(1);
  cr_expect(gt_template_match(NULL, a, NULL, GT_CHECK_JSON, "$", NULL));
  cr_expect_not(gt_template_match(T("2"), a, NULL, GT_CHECK_JSON, "$", NULL));
  cJSON_Delete(a);
}

/* ---- header text ---- */

static bool MT(const gt_node *t, const char *text) {
  gt_failures f = {0};
  bool ok = gt_template_match_text(t, text, scope(), GT_CHECK_HEADERS, "header X", &f);
  cr_assert_eq(ok, f.count == 0); /* fatal: items[0] is read below */
  if (!ok) cr_expect_str_eq(f.items[0].where, "header X");
  gt_failures_free(&f);
  return ok;
}

Test(template_text, type_tags_read_the_text) {
  cr_expect(MT(T("!integer"), "5000"));
  cr_expect(MT(T("!integer"), " 5000 "));
  cr_expect_not(MT(T("!integer"), "50.5"));
  cr_expect_not(MT(T("!integer"), "abc"));
  cr_expect_not(MT(T("!integer"), ""));
  cr_expect(MT(T("!number"), "50.5"));
  cr_expect_not(MT(T("!number"), "1x"));
  cr_expect(MT(T("!boolean"), "true"));
  cr_expect_not(MT(T("!boolean"), "yes"));
  cr_expect(MT(T("!string"), "anything"));
  cr_expect(MT(T("!object"), "{\"a\":1}"));
  cr_expect_not(MT(T("!object"), "[1]"));
  cr_expect(MT(T("!any"), ""));
}

Test(template_text, plain_scalars_compare_as_text) {
  cr_expect(MT(T("5000"), "5000"));
  cr_expect_not(MT(T("5000"), "5000.0"));
  cr_expect(MT(T("application/json"), "application/json"));
  cr_expect_not(MT(T("application/json"), "Application/JSON")); /* case-sensitive */
  cr_expect(MT(T("${id}"), "abc"));
  cr_expect(MT(T("\"${n}\""), "5"));
}

Test(template_text, regex_len_one_of_absent) {
  cr_expect(MT(T("!regex ^W/\"[0-9a-f]+\"$"), "W/\"abc1\""));
  cr_expect_not(MT(T("!regex ^[0-9]+$"), "12a"));
  cr_expect(MT(T("!len 4"), "abcd"));
  cr_expect_not(MT(T("!len 4"), "abc"));
  cr_expect(MT(T("!one_of [!integer, none]"), "none"));
  cr_expect_not(MT(T("!one_of [!integer, none]"), "some"));
  cr_expect(MT(T("!absent"), NULL));
  cr_expect_not(MT(T("!absent"), "x"));
  cr_expect_not(MT(T("!string"), NULL));
  gt_failures f = {0};
  cr_expect_not(
      gt_template_match_text(T("!integer"), NULL, NULL, GT_CHECK_HEADERS, "header Y", &f));
  cr_expect_str_eq(f.items[0].actual, "missing");
  cr_expect_str_eq(f.items[0].expected, "an integer");
  gt_failures_free(&f);
}

/* ---- compile ---- */

static void compile_error(const char *yaml, int line, int col, const char *fragment) {
  gt_err err = {0};
  gt_node *n = gt_yaml_parse("t.yaml", yaml, strlen(yaml), &err);
  cr_assert_not_null(n, "%s", err.msg);
  trees[n_trees++] = n;
  cr_expect_not(gt_template_compile(n, &err), "%s should not compile", yaml);
  cr_expect_eq(err.kind, GT_ERR_INPUT);
  cr_expect_str_eq(err.file, "t.yaml");
  cr_expect_eq(err.line, line, "%s: line %d (%s)", yaml, err.line, err.msg);
  cr_expect_eq(err.col, col, "%s: col %d (%s)", yaml, err.col, err.msg);
  cr_expect(strstr(err.msg, fragment) != NULL, "%s: '%s' lacks '%s'", yaml, err.msg, fragment);
}

Test(template_compile, errors_point_at_the_node) {
  compile_error("a:\n  b: !foo 1\n", 2, 6, "unknown tag '!foo'");
  compile_error("x: !regex \"(ab\"\n", 1, 15, "invalid regex at offset 3");
  compile_error("x: !regex \"a{2,1}\"\n", 1, 17, "invalid regex");
  compile_error("!len -1", 1, 1, "non-negative integer");
  compile_error("!len abc", 1, 1, "non-negative integer");
  compile_error("!one_of []", 1, 1, "non-empty");
  compile_error("!one_of 1", 1, 1, "non-empty");
  compile_error("!contains {a: 1}", 1, 1, "sequence");
  compile_error("!exact [1]", 1, 1, "mapping");
  compile_error("!integer 5", 1, 1, "takes no value");
  compile_error("!string {a: 1}", 1, 1, "takes no value");
  compile_error("[1, !one_of [!bogus ]]", 1, 14, "unknown tag '!bogus'");
}

Test(template_compile, accepts_valid_templates_and_core_tags) {
  T("{a: !!int 5, b: !!str 5, c: !regex x, d: !one_of [!absent, !null ], e: !exact {}, "
    "f: !contains [], g: !len 0}");
  gt_node *t = T("!regex ^a$");
  cr_expect_not_null(t->aux, "compiled regex kept in aux");
  cr_expect(gt_template_compile(t, NULL), "compiling twice is fine");
  PASS(T("!!str 5"), "\"5\"");
  FAIL(T("!!str 5"), "5");
}

/* ---- synthesis ---- */

static char *S(const char *yaml) {
  cJSON *j = gt_template_synthesize(T(yaml), scope());
  char *s = j ? cJSON_PrintUnformatted(j) : gt_xstrdup("(none)");
  cJSON_Delete(j);
  return s;
}

#define EXPECT_SYNTH(yaml, want)                                                                   \
  do {                                                                                             \
    char *got_ = S(yaml);                                                                          \
    cr_expect_str_eq(got_, want, "%s", yaml);                                                      \
    free(got_);                                                                                    \
  } while (0)

Test(synthesize, each_tag) {
  EXPECT_SYNTH("{s: !string, i: !integer, n: !number, b: !boolean, z: !null, a: !any, "
               "gone: !absent, o: !object, r: !array}",
               "{\"s\":\"string\",\"i\":1,\"n\":1.5,\"b\":true,\"z\":null,\"a\":null,\"o\":{},"
               "\"r\":[]}");
  EXPECT_SYNTH("{x: 5, y: '5', v: \"${id}\", t: \"${n}\", u: \"${undefined_var}\"}",
               "{\"x\":5,\"y\":\"5\",\"v\":\"abc\",\"t\":5,\"u\":\"${undefined_var}\"}");
  EXPECT_SYNTH("!one_of [!integer, !string]", "1");
  EXPECT_SYNTH("!exact {a: 1}", "{\"a\":1}");
  EXPECT_SYNTH("!contains [{id: 1}]", "[{\"id\":1}]");
  EXPECT_SYNTH("!len 2", "[\"string\",\"string\"]");
  EXPECT_SYNTH("[1, !boolean]", "[1,true]");
  EXPECT_SYNTH("!absent", "(none)");
}

Test(synthesize, regex_examples_match) {
  const char *res[] = {"^[0-9a-f]{24}$",
                       "^[A-Z]{2}-\\d{4}$",
                       "^(GET|POST)$",
                       "^a+b*c?$",
                       "^[a-z0-9._-]+@example\\.com$",
                       "^v\\d+\\.\\d+(\\.\\d+)?$",
                       "queued",
                       "^[^0-9]{3}$",
                       "^(?:ab){2,5}$"};
  for (size_t i = 0; i < sizeof res / sizeof *res; i++) {
    char yaml[128];
    snprintf(yaml, sizeof yaml, "!regex '%s'", res[i]);
    gt_node *t = T(yaml);
    cJSON *j = gt_template_synthesize(t, NULL);
    cr_assert(cJSON_IsString(j));
    cr_expect_str_neq(j->valuestring, "string", "%s: a real example", res[i]);
    cr_expect(gt_template_match(t, j, NULL, GT_CHECK_JSON, "$", NULL), "%s -> %s", res[i],
              j->valuestring);
    cJSON_Delete(j);
  }
  char *hex = S("!regex '^[0-9a-f]{24}$'");
  cr_expect_eq(strlen(hex), 26);
  free(hex);
  /* beyond the simple subset: the fallback */
  EXPECT_SYNTH("!regex '^(?=x)x$'", "\"string\"");
  EXPECT_SYNTH("!regex '^(a)\\1$'", "\"string\"");
}

Test(synthesize, synthesized_values_match_their_template) {
  const char *tmpls[] = {"{a: !integer, b: {c: !regex '^[a-z]{3}$', d: [!null, !number ] }}",
                         "!one_of [{x: !boolean}, !null]",
                         "{error: {code: !integer, message: !string}}", "!contains [!string, 3]"};
  for (size_t i = 0; i < sizeof tmpls / sizeof *tmpls; i++) {
    gt_node *t = T(tmpls[i]);
    cJSON *j = gt_template_synthesize(t, NULL);
    cr_expect(gt_template_match(t, j, NULL, GT_CHECK_JSON, "$", NULL), "%s", tmpls[i]);
    cJSON_Delete(j);
  }
}

Test(synthesize, text_form) {
  char *s = gt_template_synthesize_text(T("!integer"), NULL);
  cr_expect(MT(T("!integer"), s));
  free(s);
  s = gt_template_synthesize_text(T("${id}"), scope());
  cr_expect_str_eq(s, "abc");
  free(s);
  s = gt_template_synthesize_text(T("!regex '^[0-9]{3}$'"), NULL);
  cr_expect_str_eq(s, "012");
  free(s);
  cr_expect_null(gt_template_synthesize_text(T("!absent"), NULL));
}

Test(synthesize, merge_deep) {
  cJSON *dst =
      cJSON_Parse("{\"success\":false,\"error\":{\"code\":1,\"message\":\"m\"},\"k\":[1]}");
  cJSON *src = cJSON_Parse("{\"error\":{\"code\":10401},\"k\":{\"x\":1},\"new\":true}");
  dst = gt_json_merge_deep(dst, src);
  char *s = cJSON_PrintUnformatted(dst);
  cr_expect_str_eq(
      s, "{\"success\":false,\"error\":{\"code\":10401,\"message\":\"m\"},\"k\":{\"x\":1},"
         "\"new\":true}");
  free(s);
  cJSON *num = cJSON_CreateNumber(3);
  dst = gt_json_merge_deep(dst, num); /* non-object src wins */
  cr_expect(cJSON_IsNumber(dst));
  cJSON_Delete(dst);
  dst = gt_json_merge_deep(NULL, src);
  cr_expect(cJSON_IsObject(dst));
  dst = gt_json_merge_deep(dst, NULL);
  cr_expect(cJSON_IsObject(dst));
  cJSON_Delete(dst);
  cJSON_Delete(src);
  cJSON_Delete(num);
}

/* ---- status ---- */

Test(status, forms) {
  gt_status_set set;
  char *text = NULL;
  gt_err err = {0};
  cr_assert(gt_status_parse(T("200"), &set, &text, &err), "%s", err.msg);
  cr_expect(gt_status_has(&set, 200));
  cr_expect_not(gt_status_has(&set, 201));
  cr_expect_str_eq(text, "200");
  free(text);
  cr_assert(gt_status_parse(T("[200, 201]"), &set, &text, &err));
  cr_expect(gt_status_has(&set, 201));
  cr_expect_not(gt_status_has(&set, 202));
  cr_expect_str_eq(text, "one of [200, 201]");
  free(text);
  cr_assert(gt_status_parse(T("4XX"), &set, &text, &err));
  cr_expect(gt_status_has(&set, 400) && gt_status_has(&set, 499));
  cr_expect_not(gt_status_has(&set, 500));
  cr_expect_str_eq(text, "4xx");
  free(text);
  cr_assert(gt_status_parse(T("[2xx, 404]"), &set, &text, &err));
  cr_expect(gt_status_has(&set, 204) && gt_status_has(&set, 404));
  cr_expect_str_eq(text, "one of [2xx, 404]");
  free(text);
  cr_assert(gt_status_parse(T("\"201\""), &set, NULL, &err));
  cr_expect(gt_status_has(&set, 201));
}

Test(status, errors) {
  const char *bad[] = {"99",     "600",        "2xy",      "abc",  "[]",
                       "{a: 1}", "[200, 7xx]", "!integer", "-200", "20"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    gt_err err = {0};
    gt_status_set set;
    char *text = NULL;
    cr_expect_not(gt_status_parse(T(bad[i]), &set, &text, &err), "%s", bad[i]);
    cr_expect_null(text);
    cr_expect_eq(err.kind, GT_ERR_INPUT, "%s", bad[i]);
    cr_expect_eq(err.line, 1, "%s", bad[i]);
  }
}
