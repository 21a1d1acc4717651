/* test_openapi_styles.c — how a request derived from a document writes its
 * parameters (`style`/`explode`: form, spaceDelimited, pipeDelimited,
 * deepObject, simple, label, matrix) and its form and multipart/form-data
 * bodies (file parts too), and where the schema-driven faults put their
 * invalid values (a path segment, a cookie, a nested property): the exact
 * bytes sent. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fault/fault.h"
#include "openapi/openapi.h"
#include "suite/suite.h"

#define FIX SOURCE_DIR "/tests/fixtures/openapi/"

static gt_suite *suite;
static gt_case_list cases;
static gt_secrets *secrets;
static gt_http_request req;

/* The suite derived from a fixture, attached, expanded with faults. */
static void load(const char *file, const char *faults) {
  gt_err e = {0};
  gt_openapi *d = gt_openapi_load(file, &e);
  cr_assert_not_null(d, "%s", e.msg);
  gt_oa_suite_opts so = {.base_url = "http://127.0.0.1:9", .var_defaults = true};
  char *yaml = gt_openapi_suite_yaml(d, &so);
  gt_load_opts lo = {0};
  suite = gt_suite_load_string(file, yaml, strlen(yaml), &lo, &e);
  cr_assert_not_null(suite, "%s\n%s", e.msg, yaml);
  free(yaml);
  cr_assert(gt_openapi_attach(d, suite, &e), "%s", e.msg);
  gt_expand_opts o = {.faults = faults};
  cr_assert(gt_cases_expand(suite, &o, &cases, &e), "%s", e.msg);
}

static void setup(void) {
  load(FIX "styles.yaml", "none");
  secrets = gt_secrets_new();
  memset(&req, 0, sizeof req);
}

static void teardown(void) {
  gt_http_request_free(&req);
  gt_case_list_free(&cases);
  gt_suite_free(suite);
  gt_secrets_free(secrets);
  gt_fault_catalogue_free();
}

TestSuite(openapi_styles, .init = setup, .fini = teardown);

static const gt_http_request *build(const char *name) {
  const gt_case *c = NULL;
  for (size_t i = 0; i < cases.count && !c; i++)
    if (!strcmp(cases.items[i].name, name)) c = &cases.items[i];
  cr_assert_not_null(c, "no case %s", name);
  gt_http_request_free(&req);
  memset(&req, 0, sizeof req);
  gt_scope scope = {0};
  gt_build_ctx ctx = {.suite = suite, .scope = &scope, .secrets = secrets};
  gt_err e = {0};
  cr_assert(gt_case_build(&ctx, c, &req, &e), "%s: %s", name, e.msg);
  return &req;
}

static const char *header(const gt_http_request *r, const char *name) {
  for (size_t i = 0; i < r->n_headers; i++)
    if (!strcasecmp(r->headers[i].name, name)) return r->headers[i].value;
  return NULL;
}

Test(openapi_styles, query_and_header_styles) {
  const gt_http_request *r = build("GET /search [valid]");
  /* form exploded, form, spaceDelimited, pipeDelimited, deepObject */
  cr_expect_str_eq(r->url, "http://127.0.0.1:9/search?tags=red&tags=blue&ids=1%2C2&sizes=3%204"
                           "&codes=x%7Cy&filter%5Bcolor%5D=red&filter%5Bsize%5D=2");
  cr_expect_str_eq(header(r, "X-Ids"), "7,8"); /* simple */
}

Test(openapi_styles, path_styles) {
  cr_expect_str_eq(build("GET /items/{ids} [valid]")->url, "http://127.0.0.1:9/items/.5,6");
  cr_expect_str_eq(build("GET /points/{pt} [valid]")->url, "http://127.0.0.1:9/points/;x=1;y=2");
}

Test(openapi_styles, form_and_multipart_bodies) {
  const gt_http_request *r = build("POST /orders [valid]");
  cr_expect_str_eq(header(r, "Content-Type"), "application/x-www-form-urlencoded");
  cr_expect_str_eq(r->body, "qty=2&kind=box");
  r = build("POST /uploads [valid]");
  cr_expect_str_eq(header(r, "Content-Type"),
                   "multipart/form-data; boundary=gauntlet-form-boundary-7d3f");
  cr_expect_str_eq(r->body, "--gauntlet-form-boundary-7d3f\r\n"
                            "Content-Disposition: form-data; name=\"name\"\r\n\r\nphoto\r\n"
                            "--gauntlet-form-boundary-7d3f\r\n"
                            "Content-Disposition: form-data; name=\"count\"\r\n\r\n2\r\n"
                            "--gauntlet-form-boundary-7d3f\r\n"
                            "Content-Disposition: form-data; name=\"labels\"\r\n\r\na,b\r\n"
                            "--gauntlet-form-boundary-7d3f--\r\n");
}

Test(openapi_styles, file_parts_and_invalid_values_in_paths_cookies_and_nested_bodies) {
  gt_case_list_free(&cases);
  gt_suite_free(suite);
  load(FIX "params.yaml", NULL);
  const gt_http_request *r = build("POST /photos [valid]");
  cr_expect_str_eq(r->body, "--gauntlet-form-boundary-7d3f\r\n"
                            "Content-Disposition: form-data; name=\"title\"\r\n\r\n"
                            "gauntleta368\r\n"
                            "--gauntlet-form-boundary-7d3f\r\n"
                            "Content-Disposition: form-data; name=\"photo\"; "
                            "filename=\"photo.png\"\r\nContent-Type: image/png\r\n\r\n"
                            "gauntletf6a8\r\n"
                            "--gauntlet-form-boundary-7d3f--\r\n");
  /* a path segment, percent-encoded; the rest of the path as it was */
  cr_expect_str_eq(build("GET /tags/{tag} [pattern_mismatch #1 path tag]")->url,
                   "http://127.0.0.1:9/tags/%21");
  cr_expect_str_eq(
      build("GET /items/{itemId} [out_of_range #1 path itemId above maximum 999]")->url,
      "http://127.0.0.1:9/items/1000");
  /* a cookie replaced, then left out */
  r = build("GET /items/{itemId} [not_in_enum #1 cookie region]");
  cr_expect_str_eq(header(r, "Cookie"), "region=gauntlet-not-in-enum");
  r = build("GET /items/{itemId} [missing_param #1 cookie region]");
  cr_expect_null(header(r, "Cookie"));
  /* nested properties and array items, the rest of the body unchanged */
  r = build("POST /orders [pattern_mismatch #1 $.customer.address.zip]");
  cr_expect(strstr(r->body, "\"address\":{\"zip\":\"~gauntlet~\"}"), "%s", r->body);
  cr_expect(strstr(r->body, "\"name\":\"Ann\""), "%s", r->body);
  r = build("POST /orders [out_of_range #1 $.lines[0].qty above maximum 9]");
  cr_expect(strstr(r->body, "\"lines\":[{\"sku\":\"apple\",\"qty\":10}]"), "%s", r->body);
  r = build("POST /orders [duplicate_items #1 $.coupons]");
  cr_expect(strstr(r->body, "\"coupons\":[\"SAVE5\",\"SAVE5\"]"), "%s", r->body);
  r = build("POST /orders [bad_length #5 $.coupons over maxItems 2]");
  cr_expect(strstr(r->body, "\"coupons\":[\"SAVE5\",\"SAVE5-1\",\"SAVE5-2\"]"), "%s", r->body);
  r = build("POST /orders [missing_field #4 $.customer.address.zip]");
  cr_expect(strstr(r->body, "\"address\":{}"), "%s", r->body);
}
