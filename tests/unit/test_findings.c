/* test_findings.c — failures grouped by cause (report/findings.c,
 * docs/reports.md "Findings"), the baseline file, and "what was there"
 * (run/context.c). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "run/result.h"
#include "support.h"

static gt_case_result failed(const char *name, const char *scenario, const char *fault, int status,
                             const gt_case_check *checks, size_t n) {
  gt_case_result r = {.classname = "api",
                      .name = name,
                      .kind = GT_RESULT_FAIL,
                      .type = checks[0].check,
                      .message = "m",
                      .scenario = scenario,
                      .fault = fault,
                      .status = status,
                      .checks = checks,
                      .n_checks = n};
  return r;
}

static const gt_case_check missing_error[] = {
    {.check = "json", .where = "$.error", .expected = "\"No token\"", .actual = "missing"},
    {.check = "error_shape", .where = "$.error", .expected = "a string", .actual = "missing"},
};
static const gt_case_check shape_only[] = {
    {.check = "error_shape", .where = "$.error", .expected = "a string", .actual = "missing"},
};

Test(findings, same_check_and_location_whatever_the_fault_is_one_finding) {
  gt_findings *f = gt_findings_new();
  gt_case_result a =
      failed("list [unauthenticated]", "list", "unauthenticated", 401, missing_error, 2);
  gt_case_result b = failed("list [unknown_path]", "list", "unknown_path", 404, shape_only, 1);
  gt_case_result c =
      failed("get [wrong_method #1 POST]", "get", "wrong_method", 404, shape_only, 1);
  cr_expect(gt_findings_add(f, &a), "a new cause");
  cr_expect(!gt_findings_add(f, &b), "the same cause");
  cr_expect(!gt_findings_add(f, &c));
  gt_case_result pass = {.classname = "api", .name = "x [valid]", .kind = GT_RESULT_PASS};
  cr_expect(!gt_findings_add(f, &pass));
  cr_assert_eq(gt_findings_count(f), 1);
  cr_expect_eq(gt_findings_failed_cases(f), 3);
  const gt_finding *x = gt_findings_get(f, 0);
  cr_expect_str_eq(x->check, "error_shape", "the universal check names the cause");
  cr_expect_str_eq(x->location, "$.error");
  cr_expect_str_eq(x->summary, "error_shape $.error missing");
  cr_expect_eq(x->n_cases, 3);
  cr_expect_eq(x->n_scenarios, 2);
  cr_expect_eq(x->n_faults, 3);
  cr_expect_str_eq(x->example, "list [unauthenticated]");
  char *line = gt_finding_line(x);
  cr_expect_str_eq(line, "error_shape $.error missing \xe2\x80\x94 3 cases across 2 scenarios "
                         "(e.g. list [unauthenticated])");
  free(line);
  gt_findings_free(f);
}

Test(findings, array_indices_are_one_location_and_status_explains_the_rest) {
  gt_findings *f = gt_findings_new();
  gt_case_check i0[] = {
      {.check = "jsonpath", .where = "$.items[0].id", .expected = "a string", .actual = "42"}};
  gt_case_check i7[] = {
      {.check = "jsonpath", .where = "$.items[7].id", .expected = "a string", .actual = "43"}};
  gt_case_result a = failed("a", "s1", "valid", 200, i0, 1);
  gt_case_result b = failed("b", "s2", "valid", 200, i7, 1);
  gt_findings_add(f, &a);
  gt_findings_add(f, &b);
  cr_assert_eq(gt_findings_count(f), 1);
  cr_expect_str_eq(gt_findings_get(f, 0)->location, "$.items[*].id");
  /* a 200 where 401 was due: the status is the cause, the missing error
   * body a consequence */
  gt_case_check st[] = {
      {.check = "status", .where = "", .expected = "401", .actual = "200"},
      {.check = "error_shape", .where = "$.error", .expected = "a string", .actual = "missing"}};
  gt_case_result c = failed("c [unauthenticated]", "s1", "unauthenticated", 200, st, 2);
  gt_case_check st2[] = {{.check = "status", .where = "", .expected = "401", .actual = "204"}};
  gt_case_result d = failed("d [invalid_token]", "s2", "invalid_token", 204, st2, 1);
  /* 404 expected where 2xx came back is another rule */
  gt_case_check st3[] = {{.check = "status", .where = "", .expected = "404", .actual = "200"}};
  gt_case_result e = failed("e [unknown_path]", "s2", "unknown_path", 200, st3, 1);
  gt_findings_add(f, &c);
  gt_findings_add(f, &d);
  gt_findings_add(f, &e);
  cr_assert_eq(gt_findings_count(f), 3);
  const gt_finding *auth = NULL;
  for (size_t i = 0; i < 3; i++)
    if (!strcmp(gt_findings_get(f, i)->summary, "status: expected 401, got 2xx"))
      auth = gt_findings_get(f, i);
  cr_assert(auth, "no 'status: expected 401, got 2xx' finding");
  cr_expect_eq(auth->n_cases, 2, "the missing error body is not a cause of its own");
  gt_findings_free(f);
}

Test(findings, ids_do_not_depend_on_order_and_errors_group_by_type) {
  gt_findings *f1 = gt_findings_new(), *f2 = gt_findings_new();
  gt_case_result a = failed("a", "s", "valid", 400, shape_only, 1);
  gt_case_check ct[] = {{.check = "content_type",
                         .where = "header Content-Type",
                         .expected = "application/json",
                         .actual = "text/html"}};
  gt_case_result b = failed("b", "s", "valid", 400, ct, 1);
  gt_case_result err = {.classname = "api",
                        .name = "c",
                        .kind = GT_RESULT_ERROR,
                        .type = "timeout",
                        .message = "timeout: after 10s"};
  gt_case_result err2 = err;
  err2.name = "d";
  gt_findings_add(f1, &a), gt_findings_add(f1, &b), gt_findings_add(f1, &err);
  gt_findings_add(f2, &err), gt_findings_add(f2, &b), gt_findings_add(f2, &a);
  gt_findings_add(f2, &err2);
  cr_assert_eq(gt_findings_count(f1), 3);
  cr_assert_eq(gt_findings_count(f2), 3);
  cr_expect_str_eq(gt_findings_get(f2, 0)->check, "timeout", "2 cases: worst first");
  cr_expect(gt_findings_get(f2, 0)->error);
  for (size_t i = 0; i < 3; i++) {
    const gt_finding *x = gt_findings_get(f1, i);
    bool found = false;
    for (size_t k = 0; k < 3; k++)
      found |= !strcmp(gt_findings_get(f2, k)->id, x->id) &&
               !strcmp(gt_findings_get(f2, k)->summary, x->summary);
    cr_expect(found, "%s (%s) has another id in the other order", x->id, x->summary);
    cr_expect_eq(strlen(x->id), 8);
  }
  gt_findings_free(f1), gt_findings_free(f2);
}

Test(findings, baseline_round_trip_and_properties) {
  char *dir = ts_tempdir();
  char *path = ts_fmt("%s/sub/base.txt", dir);
  gt_findings *f = gt_findings_new();
  gt_case_result a = failed("a", "s", "valid", 400, shape_only, 1);
  gt_case_check ct[] = {{.check = "content_type",
                         .where = "header Content-Type",
                         .expected = "application/json",
                         .actual = "text/html"}};
  gt_case_result b = failed("b", "s", "valid", 400, ct, 1);
  gt_findings_add(f, &a);
  gt_err err = {0};
  cr_assert(gt_findings_write_baseline(f, path, &err), "%s", err.msg);
  char id[12];
  strcpy(id, gt_findings_get(f, 0)->id);
  gt_findings_free(f);

  f = gt_findings_new();
  cr_assert(gt_findings_load_baseline(f, path, &err), "%s", err.msg);
  gt_findings_add(f, &a);
  gt_findings_add(f, &b);
  cr_expect_eq(gt_findings_count(f), 2);
  cr_expect_eq(gt_findings_new_count(f), 1, "the content_type finding is new");
  for (size_t i = 0; i < 2; i++) {
    const gt_finding *x = gt_findings_get(f, i);
    cr_expect_eq(x->accepted, !strcmp(x->id, id));
  }
  gt_property *props;
  size_t n = gt_findings_properties(f, "api", &props);
  cr_assert_eq(n, 3);
  cr_expect_str_eq(props[0].name, "findings");
  cr_expect_str_eq(props[0].value, "2");
  gt_properties_free(props, n);
  n = gt_findings_properties(f, "other suite", &props);
  cr_expect_eq(n, 1);
  cr_expect_str_eq(props[0].value, "0");
  gt_properties_free(props, n);
  gt_findings_free(f);

  /* a line that is not an id: FILE:LINE:COL */
  ts_write_file(path, "# c\n\n  12345678 ok\n  xyz\n", 24);
  f = gt_findings_new();
  cr_expect(!gt_findings_load_baseline(f, path, &err));
  cr_expect_eq(err.line, 4);
  cr_expect_eq(err.col, 3);
  gt_findings_free(f);
  ts_rmtree(dir);
  free(dir), free(path);
}

static gt_http_response with_body(const char *body) {
  gt_http_response resp;
  memset(&resp, 0, sizeof resp);
  resp.outcome = GT_HTTP_OK;
  resp.status = 401;
  gt_buf_init(&resp.body);
  gt_buf_adds(&resp.body, body);
  resp.body_total = strlen(body);
  return resp;
}

Test(findings, a_failure_shows_what_was_there) {
  gt_http_response resp = with_body("{\n  \"message\": \"No authorization token was found\"\n}");
  gt_failure f = {.check = GT_CHECK_ERROR_SHAPE,
                  .where = "$.error",
                  .expected = "a string",
                  .actual = "missing"};
  char *ctx = gt_failure_context(&f, &resp);
  cr_expect_str_eq(ctx,
                   "keys: message; body: { \"message\": \"No authorization token was found\" }");
  free(ctx);
  /* a deeper member: the keys of its parent object */
  gt_http_response r2 = with_body("{\"error\":{\"msg\":\"x\",\"id\":1}}");
  gt_failure g = {.check = GT_CHECK_JSON,
                  .where = "$.error.code",
                  .expected = "an integer",
                  .actual = "missing"};
  ctx = gt_failure_context(&g, &r2);
  cr_expect_str_eq(ctx, "keys: msg, id; body: {\"error\":{\"msg\":\"x\",\"id\":1}}");
  free(ctx);
  /* a present value: the body only; control bytes escaped; long bodies cut */
  gt_buf_reset(&r2.body);
  gt_buf_adds(&r2.body, "{\"error\":\"a\x01\"}");
  g.actual = "\"a\\x01\"";
  g.where = "$.error";
  ctx = gt_failure_context(&g, &r2);
  cr_expect_str_eq(ctx, "body: {\"error\":\"a\\x01\"}");
  free(ctx);
  gt_buf_reset(&r2.body);
  for (int i = 0; i < 100; i++)
    gt_buf_adds(&r2.body, "{\"k\":1}");
  ctx = gt_failure_context(&g, &r2);
  cr_expect(strstr(ctx, "... (700 bytes)"), "%s", ctx);
  cr_expect_lt(strlen(ctx), 200);
  free(ctx);
  /* not a body location: nothing */
  g.where = "header X-Id";
  cr_expect_null(gt_failure_context(&g, &r2));
  g.where = "$";
  cr_expect_null(gt_failure_context(&g, &r2));
  gt_http_response_free(&resp);
  gt_http_response_free(&r2);
}
