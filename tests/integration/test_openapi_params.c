/* test_openapi_params.c — parameters and bodies end to end: the suite
 * derived from tests/fixtures/openapi/params.yaml alone (path parameters
 * with bounds and a pattern, a required cookie, nested bodies, arrays with
 * minItems/maxItems/uniqueItems), against the shop target
 * (tests/targets/oa_params.c). Conformant: every case passes. With one
 * seeded defect: exactly the listed cases fail, each naming the check. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

typedef struct shop_run {
  char *dir;
  ts_target target;
  ts_gauntlet g;
  ts_junit j;
} shop_run;

static void run_shop(shop_run *r, const char *defect) {
  memset(r, 0, sizeof *r);
  r->dir = ts_tempdir();
  cr_assert(r->dir);
  int port = ts_free_port();
  char *p = ts_fmt("%d", port);
  const char *targs[] = {"--http-port", p, defect ? "--defect" : NULL, defect, NULL};
  cr_assert(ts_target_start(&r->target, "oa_params", targs, port, r->dir),
            "oa_params did not start");
  free(p);
  char *junit = ts_fmt("%s/junit.xml", r->dir);
  char *doc = ts_fmt("%s/tests/fixtures/openapi/params.yaml", SOURCE_DIR);
  char *base = ts_fmt("http://127.0.0.1:%d/v1", port);
  const char *args[] = {"run", "--seed", "7", "--junit", junit, "--base-url", base, doc, NULL};
  ts_gauntlet_run(&r->g, r->dir, args, NULL, 120000);
  cr_expect(!r->g.timed_out, "gauntlet did not finish in time");
  cr_assert(ts_junit_load(junit, &r->j), "no report\nstdout: %s\nstderr: %s", r->g.out, r->g.err);
  cr_expect(ts_junit_validates(junit), "report does not validate");
  free(junit);
  free(doc);
  free(base);
}

static void shop_free(shop_run *r) {
  cr_expect(ts_target_stop(&r->target), "oa_params died during the run");
  ts_junit_free(&r->j);
  ts_gauntlet_free(&r->g);
  ts_rmtree(r->dir);
  free(r->dir);
}

/* Exactly the cases listed ("NAME|check") fail, each with that check. */
static void expect_failures(const shop_run *r, const char *const expected[]) {
  size_t n_expected = 0;
  for (; expected[n_expected]; n_expected++) {
    const char *bar = strchr(expected[n_expected], '|');
    char *name = strndup(expected[n_expected], (size_t)(bar - expected[n_expected]));
    char *bad = ts_case_mismatch(&r->j, name, TS_CASE_FAILURE, bar + 1);
    cr_expect_null(bad, "%s", bad);
    free(bad);
    free(name);
  }
  size_t failed = ts_junit_count(&r->j, TS_CASE_FAILURE) + ts_junit_count(&r->j, TS_CASE_ERROR);
  cr_expect_eq(failed, n_expected, "%zu cases failed, %zu expected\n%s", failed, n_expected,
               r->g.err);
  cr_expect_eq(r->g.exit_code, n_expected ? 1 : 0);
}

Test(openapi_params, conformant_shop_passes_every_derived_case) {
  shop_run r;
  run_shop(&r, NULL);
  static const char *const none[] = {NULL};
  expect_failures(&r, none);
  cr_expect_eq(r.j.n, 56, "%zu cases", r.j.n);
  cr_expect_eq(ts_junit_count(&r.j, TS_CASE_SKIPPED), 0);
  static const char *const cases[] = {
      /* path parameters: bounds, length, pattern */
      "GET /items/{itemId} [out_of_range #1 path itemId above maximum 999]",
      "GET /items/{itemId} [out_of_range #2 path itemId below minimum 1]",
      "GET /orders/{orderId} [out_of_range #1 path orderId below minimum 1]",
      "GET /tags/{tag} [bad_length #1 path tag over maxLength 8]",
      "GET /tags/{tag} [pattern_mismatch #1 path tag]",
      /* a cookie parameter */
      "GET /items/{itemId} [not_in_enum #1 cookie region]",
      "GET /items/{itemId} [missing_param #1 cookie region]",
      /* nested properties, required at each level */
      "POST /orders [missing_field #2 $.customer.name]",
      "POST /orders [missing_field #4 $.customer.address.zip]",
      "POST /orders [bad_length #1 $.customer.name over maxLength 10]",
      "POST /orders [pattern_mismatch #1 $.customer.address.zip]",
      /* array items and counts */
      "POST /orders [not_in_enum #1 $.lines[0].sku]",
      "POST /orders [out_of_range #1 $.lines[0].qty above maximum 9]",
      "POST /orders [bad_length #3 $.lines under minItems 1]",
      "POST /orders [bad_length #4 $.lines over maxItems 3]",
      "POST /orders [bad_length #5 $.coupons over maxItems 2]",
      "POST /orders [duplicate_items #1 $.coupons]", NULL};
  for (size_t i = 0; cases[i]; i++) {
    char *bad = ts_case_mismatch(&r.j, cases[i], TS_CASE_PASS, NULL);
    cr_expect_null(bad, "%s", bad);
    free(bad);
  }
  shop_free(&r);
}

Test(openapi_params, accepted_out_of_range_path_id_is_caught) {
  shop_run r;
  run_shop(&r, "accepts_out_of_range_id");
  static const char *const want[] = {
      "GET /items/{itemId} [out_of_range #1 path itemId above maximum 999]|status",
      "GET /items/{itemId} [out_of_range #2 path itemId below minimum 1]|status", NULL};
  expect_failures(&r, want);
  shop_free(&r);
}

Test(openapi_params, missing_required_cookie_accepted_is_caught) {
  shop_run r;
  run_shop(&r, "ignores_cookie");
  static const char *const want[] = {"GET /items/{itemId} [missing_param #1 cookie region]|status",
                                     NULL};
  expect_failures(&r, want);
  shop_free(&r);
}

Test(openapi_params, path_pattern_ignored_is_caught) {
  shop_run r;
  run_shop(&r, "ignores_tag_pattern");
  static const char *const want[] = {
      "GET /tags/{tag} [bad_length #1 path tag over maxLength 8]|status",
      "GET /tags/{tag} [pattern_mismatch #1 path tag]|status", NULL};
  expect_failures(&r, want);
  shop_free(&r);
}

Test(openapi_params, nested_body_defects_are_caught) {
  shop_run r;
  run_shop(&r, "ignores_nested_pattern");
  static const char *const pattern[] = {
      "POST /orders [pattern_mismatch #1 $.customer.address.zip]|status", NULL};
  expect_failures(&r, pattern);
  shop_free(&r);
  run_shop(&r, "accepts_missing_nested");
  static const char *const missing[] = {"POST /orders [missing_field #2 $.customer.name]|status",
                                        NULL};
  expect_failures(&r, missing);
  shop_free(&r);
}

Test(openapi_params, array_count_and_uniqueness_defects_are_caught) {
  shop_run r;
  run_shop(&r, "ignores_max_items");
  static const char *const too_many[] = {
      "POST /orders [bad_length #4 $.lines over maxItems 3]|status", NULL};
  expect_failures(&r, too_many);
  shop_free(&r);
  run_shop(&r, "accepts_duplicates");
  static const char *const duplicates[] = {"POST /orders [duplicate_items #1 $.coupons]|status",
                                           NULL};
  expect_failures(&r, duplicates);
  shop_free(&r);
}
