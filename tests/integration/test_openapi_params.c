/* test_openapi_params.c — parameters and bodies end to end: the suite
 * derived from tests/fixtures/openapi/params.yaml alone (path parameters
 * with bounds and a pattern, a required cookie, nested bodies, arrays with
 * minItems/maxItems/uniqueItems), against the shop target
 * (tests/targets/oa_params.c). Conformant: every case passes. With one
 * seeded defect: exactly the listed cases fail, each naming the check. */
#include <cjson/cJSON.h>
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

/* gauntlet run of the suite derived from tests/fixtures/openapi/FILE against
 * the test target TARGET (with --defect defect when given) and extra
 * options; the JUnit report is loaded into r->j. */
static void run_target(shop_run *r, const char *target, const char *file, const char *defect,
                       const char *const extra[]) {
  memset(r, 0, sizeof *r);
  r->dir = ts_tempdir();
  cr_assert(r->dir);
  int port = ts_free_port();
  char *p = ts_fmt("%d", port);
  const char *targs[] = {"--http-port", p, defect ? "--defect" : NULL, defect, NULL};
  cr_assert(ts_target_start(&r->target, target, targs, port, r->dir), "%s did not start", target);
  free(p);
  char *junit = ts_fmt("%s/junit.xml", r->dir);
  char *doc = ts_fmt("%s/tests/fixtures/openapi/%s", SOURCE_DIR, file);
  char *base = ts_fmt("http://127.0.0.1:%d/v1", port);
  const char *args[24] = {"run", "--seed", "7", "--junit", junit, "--base-url", base};
  size_t k = 7;
  for (size_t i = 0; extra && extra[i] && k < 22; i++)
    args[k++] = extra[i];
  args[k++] = doc;
  args[k] = NULL;
  const char *env[] = {"bearerAuth=t0ken", NULL};
  ts_gauntlet_run(&r->g, r->dir, args, env, 120000);
  cr_expect(!r->g.timed_out, "gauntlet did not finish in time");
  cr_assert(ts_junit_load(junit, &r->j), "no report\nstdout: %s\nstderr: %s", r->g.out, r->g.err);
  cr_expect(ts_junit_validates(junit), "report does not validate");
  free(junit);
  free(doc);
  free(base);
}

static void run_shop(shop_run *r, const char *defect) {
  run_target(r, "oa_params", "params.yaml", defect, NULL);
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
  cr_expect_eq(r.j.n, 65, "%zu cases", r.j.n);
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

/* The coverage document (--coverage FILE), valid against
 * docs/coverage.schema.json (which refers to docs/report.schema.json). */
static cJSON *load_coverage(const char *dir, const char *path) {
  char *schema = ts_fmt("%s/docs/coverage.schema.json", SOURCE_DIR);
  char *map = ts_fmt("https://gauntlet.invalid/schemas/report-1.schema.json=%s/docs/"
                     "report.schema.json",
                     SOURCE_DIR);
  const char *args[] = {"schema", "--strict-formats", "--map", map, schema, path, NULL};
  ts_gauntlet g;
  ts_gauntlet_run(&g, dir, args, NULL, 60000);
  cr_expect_eq(g.exit_code, 0, "%s does not validate against %s:\n%s%s", path, schema, g.out,
               g.err);
  ts_gauntlet_free(&g);
  free(schema);
  free(map);
  char *text = ts_read_file(path, NULL);
  cr_assert_not_null(text, "no coverage file %s", path);
  cJSON *doc = cJSON_Parse(text);
  free(text);
  cr_assert_not_null(doc, "the coverage file is not JSON");
  return doc;
}

/* The parameters of operation label in a coverage document, one line:
 * "in name sent=N fault=N ..." per parameter, "; " between. */
static char *params_text(const cJSON *doc, const char *label) {
  const cJSON *suite = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "suites"), 0);
  const cJSON *op, *p, *f;
  char out[1024] = "";
  size_t n = 0;
  cJSON_ArrayForEach(op, cJSON_GetObjectItem(suite, "operations")) {
    if (strcmp(cJSON_GetObjectItem(op, "operation")->valuestring, label)) continue;
    cJSON_ArrayForEach(p, cJSON_GetObjectItem(op, "parameters")) {
      n += (size_t)snprintf(out + n, sizeof out - n, "%s%s %s sent=%d", n ? "; " : "",
                            cJSON_GetObjectItem(p, "in")->valuestring,
                            cJSON_GetObjectItem(p, "name")->valuestring,
                            cJSON_GetObjectItem(p, "sent")->valueint);
      cJSON_ArrayForEach(f, cJSON_GetObjectItem(p, "faults")) {
        n += (size_t)snprintf(out + n, sizeof out - n, " %s=%d", f->string, f->valueint);
      }
      if (n >= sizeof out) break;
    }
  }
  return strdup(out);
}

/* Parameter coverage: per operation, which documented parameters some case
 * sent and which a fault made invalid (JSON, JUnit properties, console). */
Test(openapi_params, coverage_names_the_parameters_sent_and_faulted) {
  shop_run r;
  const char *extra[] = {"--coverage", NULL, NULL};
  char *dir = ts_tempdir();
  char *cov = ts_fmt("%s/coverage.json", dir);
  extra[1] = cov;
  run_target(&r, "oa_params", "params.yaml", NULL, extra);
  cJSON *doc = load_coverage(dir, cov);
  const cJSON *t =
      cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "suites"), 0), "totals");
  cr_expect_eq(cJSON_GetObjectItem(t, "parameters")->valueint, 4);
  cr_expect_eq(cJSON_GetObjectItem(t, "parameters_sent")->valueint, 4);
  cr_expect_eq(cJSON_GetObjectItem(t, "parameters_faulted")->valueint, 4);
  /* the valid case and every fault case of the operation but missing_param
   * send the cookie; unknown_path and wrong_method leave the operation */
  char *got = params_text(doc, "GET /items/{itemId}");
  cr_expect_str_eq(got, "path itemId sent=5 out_of_range=2; "
                        "cookie region sent=4 not_in_enum=1 missing_param=1");
  free(got);
  got = params_text(doc, "GET /tags/{tag}");
  cr_expect_str_eq(got, "path tag sent=3 bad_length=1 pattern_mismatch=1");
  free(got);
  cr_expect(strstr(r.j.raw, "<property name=\"coverage.parameters\" value=\"4 of 4 documented "
                            "parameters sent, 4 faulted\"/>"),
            "%s", r.j.raw);
  cr_expect(strstr(r.j.raw, "<property name=\"coverage.parameters.GET /items/{itemId}\" "
                            "value=\"sent: path itemId, cookie region; not sent: -; faulted: "
                            "path itemId, cookie region\"/>"),
            "%s", r.j.raw);
  cr_expect(strstr(r.g.out, "9 of 12 documented statuses observed, 4 of 4 parameters sent (4 "
                            "faulted)"),
            "%s", r.g.out);
  cr_expect(strstr(r.g.out, "2/2 sent, 2 faulted"), "%s", r.g.out);
  cJSON_Delete(doc);
  shop_free(&r);
  /* pets: GET /pets's optional `kind` is sent by its not_in_enum case
   * only; without faults it is not sent at all */
  run_target(&r, "oa_pets", "pets.yaml", NULL, extra);
  doc = load_coverage(dir, cov);
  got = params_text(doc, "GET /pets");
  cr_expect_str_eq(got, "query limit sent=6 out_of_range=2 missing_param=1; "
                        "query kind sent=1 not_in_enum=1");
  free(got);
  cJSON_Delete(doc);
  shop_free(&r);
  const char *none[] = {"--coverage", cov, "--faults", "none", NULL};
  run_target(&r, "oa_pets", "pets.yaml", NULL, none);
  doc = load_coverage(dir, cov);
  got = params_text(doc, "GET /pets");
  cr_expect_str_eq(got, "query limit sent=1; query kind sent=0");
  free(got);
  cr_expect(strstr(r.j.raw, "value=\"sent: query limit; not sent: query kind; faulted: -\""), "%s",
            r.j.raw);
  cJSON_Delete(doc);
  shop_free(&r);
  ts_rmtree(dir);
  free(dir);
  free(cov);
}
