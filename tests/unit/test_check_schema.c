/* JSON Schema in the model and the checks: expect.schema and errors.schema as
 * gt_check_response applies them (one failure per schema error, told as
 * `schema $.a: ... (#/...)`), and the loader's side (compiled once per
 * referenced file, schema_dialect, strict_formats, gt_expect_merge). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "run/result.h"
#include "schema/schema.h"
#include "suite/suite.h"
#include "support.h"

static gt_http_response R;
static gt_profile P;
static gt_expect E;
static gt_failures F;
static gt_schema *owned[8];
static size_t n_owned;

static void setup(void) {
  memset(&R, 0, sizeof R);
  memset(&P, 0, sizeof P);
  memset(&F, 0, sizeof F);
  gt_expect_init(&E);
}

static void teardown(void) {
  for (size_t i = 0; i < R.n_headers; i++) {
    free(R.headers[i].name);
    free(R.headers[i].value);
  }
  free(R.headers);
  gt_buf_free(&R.body);
  gt_failures_free(&F);
  for (size_t i = 0; i < n_owned; i++)
    gt_schema_free(owned[i]);
  n_owned = 0;
}

TestSuite(check_schema, .init = setup, .fini = teardown);

static const gt_schema *S(const char *json) {
  cJSON *j = cJSON_Parse(json);
  cr_assert_not_null(j, "bad test schema %s", json);
  gt_err err = {0};
  gt_schema *s = gt_schema_compile_json(j, "t.json", NULL, &err);
  cJSON_Delete(j);
  cr_assert_not_null(s, "compile %s: %s", json, err.msg);
  owned[n_owned++] = s;
  return s;
}

static void resp(int status, const char *body) {
  R.outcome = GT_HTTP_OK;
  R.status = status;
  gt_buf_add(&R.body, body, strlen(body));
  R.body_total = strlen(body);
}

static bool run(void) {
  gt_check_ctx ctx = {.profile = &P, .expect = &E};
  gt_failures_free(&F);
  bool ok = gt_check_response(&ctx, &R, &F, NULL);
  cr_expect_eq(ok, F.count == 0, "verdict agrees with the failure list");
  return ok;
}

static char *line(size_t i) {
  cr_assert_lt(i, F.count, "failure %zu of %zu", i, F.count);
  return gt_failure_line(&F.items[i]);
}

#define ORDER                                                                                      \
  "{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\",\"items\":{"                 \
  "\"type\":\"object\",\"required\":[\"qty\"],\"properties\":{\"qty\":{\"type\":"                  \
  "\"integer\"}}}}}}"

Test(check_schema, valid_body_passes) {
  E.schema = S(ORDER);
  resp(200, "{\"items\": [{\"qty\": 1}, {\"qty\": 2}]}");
  cr_expect(run());
}

Test(check_schema, each_error_is_one_failure_in_the_issue_s_words) {
  E.schema = S(ORDER);
  resp(200, "{\"items\": [{\"qty\": 1}, {\"qty\": 2}, {}, {\"qty\": 7.5}]}");
  cr_expect_not(run());
  cr_assert_eq(F.count, 2);
  char *a = line(0), *b = line(1);
  cr_expect_str_eq(a, "schema $.items[2]: required property \"qty\" is missing "
                      "(#/properties/items/items/required)");
  cr_expect_str_eq(b, "schema $.items[3].qty: 7.5 is not of type \"integer\" "
                      "(#/properties/items/items/properties/qty/type)");
  cr_expect_eq(F.items[1].check, GT_CHECK_SCHEMA);
  cr_expect_str_eq(F.items[1].where, "$.items[3].qty");
  cr_expect_str_eq(F.items[1].expected, "#/properties/items/items/properties/qty/type");
  cr_expect_str_eq(F.items[1].actual, "7.5 is not of type \"integer\"");
  free(a);
  free(b);
}

Test(check_schema, result_detail_lists_each_error_as_its_line) {
  E.schema = S(ORDER);
  resp(200, "{\"items\": [{}, {\"qty\": \"x\"}]}");
  cr_expect_not(run());
  gt_case_result r;
  gt_result_texts t;
  gt_result_build(&r, &t, NULL, NULL, &R, &F, NULL);
  cr_expect_str_eq(r.message, "schema $.items[0]: required property \"qty\" is missing "
                              "(#/properties/items/items/required)");
  cr_expect_str_eq(r.type, "schema");
  cr_expect_str_eq(r.detail, "schema $.items[0]: required property \"qty\" is missing "
                             "(#/properties/items/items/required)\n"
                             "schema $.items[1].qty: \"x\" is not of type \"integer\" "
                             "(#/properties/items/items/properties/qty/type)\n");
  gt_result_texts_free(&t);
}

Test(check_schema, many_errors_are_capped_with_a_count) {
  E.schema = S("{\"items\": {\"type\": \"string\"}}");
  gt_buf b;
  gt_buf_init(&b);
  gt_buf_adds(&b, "[");
  for (int i = 0; i < 30; i++)
    gt_buf_printf(&b, "%s%d", i ? "," : "", i);
  gt_buf_adds(&b, "]");
  resp(200, b.data);
  gt_buf_free(&b);
  cr_expect_not(run());
  cr_assert_eq(F.count, 21);
  char *last = line(20);
  cr_expect_str_eq(last, "schema $: 10 more schema errors not listed");
  free(last);
}

Test(check_schema, a_body_that_is_not_json_fails_the_schema_check) {
  E.schema = S("true");
  resp(200, "{\"a\": 1");
  cr_expect_not(run());
  cr_assert_eq(F.count, 1);
  cr_expect_eq(F.items[0].check, GT_CHECK_SCHEMA);
  cr_expect(strstr(F.items[0].actual, "invalid JSON"), "%s", F.items[0].actual);
}

Test(check_schema, no_body_fails_the_schema_check) {
  E.schema = S("true");
  R.outcome = GT_HTTP_OK;
  R.status = 204;
  cr_expect_not(run());
  cr_assert_eq(F.count, 1);
  cr_expect_eq(F.items[0].check, GT_CHECK_SCHEMA);
}

#define ERROR_SCHEMA "{\"required\": [\"error\"]}"

Test(check_schema, errors_schema_judges_4xx_and_5xx_only) {
  P.errors.schema = S(ERROR_SCHEMA);
  resp(404, "{\"message\": \"no\"}");
  cr_expect_not(run());
  cr_assert_eq(F.count, 1);
  char *l = line(0);
  cr_expect_str_eq(l, "error_shape $: required property \"error\" is missing (#/required)");
  free(l);
  gt_buf_reset(&R.body);
  R.status = 200;
  gt_buf_adds(&R.body, "{\"message\": \"fine\"}");
  cr_expect(run(), "a 2xx is not an error answer");
}

Test(check_schema, errors_schema_and_shape_both_apply) {
  P.errors.schema = S(ERROR_SCHEMA);
  resp(400, "{\"error\": {\"code\": 400}}");
  cr_expect(run());
  gt_err err = {0};
  gt_node *shape = gt_yaml_parse("t.yaml", "error: { message: !string }", 27, &err);
  cr_assert_not_null(shape);
  cr_assert(gt_template_compile(shape, &err));
  P.errors.shape = shape;
  cr_expect_not(run(), "the template still applies");
  cr_expect_eq(F.count, 1);
  cr_expect_eq(F.items[0].check, GT_CHECK_ERROR_SHAPE);
  gt_node_free(shape);
}

Test(check_schema, errors_schema_is_off_where_the_expectation_says_so) {
  P.errors.schema = S(ERROR_SCHEMA);
  resp(500, "{}");
  E.has_status = true;
  gt_status_add(&E.status, 500);
  E.error_shape = 0;
  cr_expect(run(), "expect.error_shape: false");
  E.error_shape = -1;
  P.check_disabled[GT_CHECK_ERROR_SHAPE] = true;
  cr_expect(run(), "checks: { error_shape: false }");
}

Test(check_schema, merge_carries_the_schema) {
  gt_expect a, b;
  gt_expect_init(&a);
  gt_expect_init(&b);
  const gt_schema *s = S("true");
  b.schema = s;
  gt_expect_merge(&a, &b);
  cr_expect_eq(a.schema, s);
  gt_expect c;
  gt_expect_init(&c);
  gt_expect_merge(&a, &c);
  cr_expect_eq(a.schema, s, "an unset schema does not clear it");
}

/* ---- loading ---- */

static gt_suite *load(const char *dir, const char *yaml, const gt_load_opts *opts, gt_err *err) {
  char *path = ts_fmt("%s/suite.yaml", dir);
  cr_assert(ts_write_file(path, yaml, strlen(yaml)));
  gt_suite *s = gt_suite_load(path, opts, err);
  free(path);
  return s;
}

Test(check_schema, a_referenced_file_is_compiled_once_per_suite) {
  char *dir = ts_tempdir();
  char *schema = ts_fmt("%s/item.json", dir);
  const char *item = "{\"type\": \"object\", \"required\": [\"id\"]}";
  cr_assert(ts_write_file(schema, item, strlen(item)));
  const char *yaml = "suite: s\n"
                     "base_url: http://127.0.0.1:1\n"
                     "scenarios:\n"
                     "  - name: a\n"
                     "    request: { method: GET, path: /a }\n"
                     "    expect: { schema: { $ref: item.json } }\n"
                     "  - name: b\n"
                     "    request: { method: GET, path: /b }\n"
                     "    expect: { schema: { $ref: ./item.json } }\n"
                     "  - name: c\n"
                     "    request: { method: GET, path: /c }\n"
                     "    expect: { schema: { $ref: item.json, minProperties: 1 } }\n";
  gt_err err = {0};
  gt_suite *s = load(dir, yaml, NULL, &err);
  cr_assert_not_null(s, "%s:%d:%d: %s", err.file, err.line, err.col, err.msg);
  cr_expect_eq(s->scenarios[0].expect.schema, s->scenarios[1].expect.schema);
  cr_expect_neq(s->scenarios[0].expect.schema, s->scenarios[2].expect.schema);
  cr_expect_eq(s->n_schemas, 2);
  cJSON *ok = cJSON_Parse("{\"id\": 1}"), *bad = cJSON_Parse("{}");
  for (size_t i = 0; i < 3; i++) {
    cr_expect(gt_schema_valid(s->scenarios[i].expect.schema, ok));
    cr_expect_not(gt_schema_valid(s->scenarios[i].expect.schema, bad));
  }
  cJSON_Delete(ok);
  cJSON_Delete(bad);
  gt_suite_free(s);
  ts_rmtree(dir);
  free(schema);
  free(dir);
}

Test(check_schema, schema_dialect_and_strict_formats_shape_the_compile) {
  char *dir = ts_tempdir();
  const char *yaml =
      "suite: s\n"
      "base_url: http://127.0.0.1:1\n"
      "schema_dialect: draft-04\n"
      "scenarios:\n"
      "  - name: a\n"
      "    request: { method: GET, path: /a }\n"
      "    expect: { schema: { format: ipv4, maximum: 5, exclusiveMaximum: true } }\n";
  gt_err err = {0};
  gt_suite *s = load(dir, yaml, NULL, &err);
  cr_assert_not_null(s, "%s:%d:%d: %s", err.file, err.line, err.col, err.msg);
  const gt_schema *sc = s->scenarios[0].expect.schema;
  cr_expect_eq(gt_schema_dialect_of(sc), GT_DIALECT_DRAFT4);
  cJSON *five = cJSON_Parse("5"), *host = cJSON_Parse("\"not-an-ip\"");
  cr_expect_not(gt_schema_valid(sc, five), "draft-04 boolean exclusiveMaximum");
  cr_expect(gt_schema_valid(sc, host), "format is an annotation by default");
  gt_suite_free(s);

  gt_load_opts strict = {.strict_formats = true};
  s = load(dir, yaml, &strict, &err);
  cr_assert_not_null(s, "%s", err.msg);
  cr_expect_not(gt_schema_valid(s->scenarios[0].expect.schema, host), "--strict-formats");
  cJSON_Delete(five);
  cJSON_Delete(host);
  gt_suite_free(s);
  ts_rmtree(dir);
  free(dir);
}

Test(check_schema, a_schema_per_status_under_if_status) {
  char *dir = ts_tempdir();
  const char *yaml = "suite: s\n"
                     "base_url: http://127.0.0.1:1\n"
                     "scenarios:\n"
                     "  - name: a\n"
                     "    request: { method: GET, path: /a }\n"
                     "    expect:\n"
                     "      status: [200, 404]\n"
                     "      if_status:\n"
                     "        404: { schema: { required: [error] } }\n";
  gt_err err = {0};
  gt_suite *s = load(dir, yaml, NULL, &err);
  cr_assert_not_null(s, "%s:%d:%d: %s", err.file, err.line, err.col, err.msg);
  gt_check_ctx ctx = {.profile = &s->profile, .expect = &s->scenarios[0].expect};
  resp(404, "{\"message\": \"no\"}");
  cr_expect_not(gt_check_response(&ctx, &R, &F, NULL), "the 404 entry's schema applies");
  cr_assert_eq(F.count, 1);
  char *l = line(0);
  cr_expect_str_eq(l, "schema $: required property \"error\" is missing (#/required)");
  free(l);
  gt_failures_free(&F);
  R.status = 200;
  cr_expect(gt_check_response(&ctx, &R, &F, NULL), "not on a 200");
  gt_suite_free(s);
  ts_rmtree(dir);
  free(dir);
}
