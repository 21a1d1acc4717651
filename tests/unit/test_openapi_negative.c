/* test_openapi_negative.c — the schema-driven faults (not_in_enum,
 * out_of_range, bad_length, pattern_mismatch, missing_param) of a suite
 * derived from a document: which cases exist, what each expects (the
 * documented 4xx, else 400 or 422) and the exact value each sends. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fault/fault.h"
#include "openapi/openapi.h"
#include "suite/suite.h"

#define FIX SOURCE_DIR "/tests/fixtures/openapi/"

typedef struct derived {
  gt_suite *suite;
  gt_case_list cases;
  gt_secrets *secrets;
  gt_scope scope;
  gt_http_request req;
} derived;

static void derive(derived *D, const char *file, const char *faults) {
  memset(D, 0, sizeof *D);
  gt_err e = {0};
  gt_openapi *d = gt_openapi_load(file, &e);
  cr_assert_not_null(d, "%s", e.msg);
  gt_oa_suite_opts so = {.base_url = "http://127.0.0.1:9/v1", .seed = 3, .var_defaults = true};
  char *yaml = gt_openapi_suite_yaml(d, &so);
  gt_load_opts lo = {0};
  D->suite = gt_suite_load_string(file, yaml, strlen(yaml), &lo, &e);
  cr_assert_not_null(D->suite, "%s\n%s", e.msg, yaml);
  free(yaml);
  cr_assert(gt_openapi_attach(d, D->suite, &e), "%s", e.msg);
  gt_expand_opts o = {.faults = faults};
  cr_assert(gt_cases_expand(D->suite, &o, &D->cases, &e), "%s", e.msg);
  D->secrets = gt_secrets_new();
}

static void derived_free(derived *D) {
  gt_http_request_free(&D->req);
  gt_case_list_free(&D->cases);
  gt_suite_free(D->suite);
  gt_secrets_free(D->secrets);
  gt_fault_catalogue_free();
}

static const gt_case *find(const derived *D, const char *name) {
  for (size_t i = 0; i < D->cases.count; i++)
    if (!strcmp(D->cases.items[i].name, name)) return &D->cases.items[i];
  return NULL;
}

/* The names of the cases of one fault, "|"-joined, in order. */
static char *names_of(const derived *D, const char *scenario, gt_fault_id f) {
  gt_buf b;
  gt_buf_init(&b);
  for (size_t i = 0; i < D->cases.count; i++) {
    const gt_case *c = &D->cases.items[i];
    if (c->fault != f || strcmp(D->suite->scenarios[c->scenario].name, scenario)) continue;
    gt_buf_printf(&b, "%s%s", b.len ? "|" : "", c->label ? c->label : "-");
  }
  return b.data ? gt_buf_steal(&b) : gt_xstrdup("");
}

static const gt_http_request *build(derived *D, const char *name) {
  const gt_case *c = find(D, name);
  cr_assert_not_null(c, "no case %s", name);
  cr_assert_null(c->skip_reason, "%s skipped: %s", name, c->skip_reason);
  gt_http_request_free(&D->req);
  memset(&D->req, 0, sizeof D->req);
  gt_build_ctx ctx = {.suite = D->suite, .scope = &D->scope, .secrets = D->secrets, .seed = 3};
  gt_err e = {0};
  cr_assert(gt_case_build(&ctx, c, &D->req, &e), "%s: %s", name, e.msg);
  return &D->req;
}

static const char *header(const gt_http_request *r, const char *name) {
  for (size_t i = 0; i < r->n_headers; i++)
    if (!strcasecmp(r->headers[i].name, name)) return r->headers[i].value;
  return NULL;
}

static char *body_text(const gt_http_request *r) {
  return r->body ? strndup(r->body, r->body_len) : strdup("");
}

Test(openapi_negative, pets_cases_and_their_expectations) {
  derived D;
  derive(&D, FIX "pets.yaml", NULL);
  char *n;
  n = names_of(&D, "POST /pets", GT_FAULT_NOT_IN_ENUM);
  cr_expect_str_eq(n, "$.kind");
  free(n);
  n = names_of(&D, "POST /pets", GT_FAULT_OUT_OF_RANGE);
  cr_expect_str_eq(n, "$.age above maximum 30|$.age below minimum 0");
  free(n);
  n = names_of(&D, "POST /pets", GT_FAULT_BAD_LENGTH);
  cr_expect_str_eq(n, "$.name over maxLength 20|$.name under minLength 1");
  free(n);
  n = names_of(&D, "POST /pets", GT_FAULT_PATTERN_MISMATCH);
  cr_expect_str_eq(n, "$.name");
  free(n);
  n = names_of(&D, "GET /pets", GT_FAULT_MISSING_PARAM);
  cr_expect_str_eq(n, "query limit");
  free(n);
  n = names_of(&D, "GET /pets", GT_FAULT_NOT_IN_ENUM);
  cr_expect_str_eq(n, "query kind");
  free(n);
  n = names_of(&D, "GET /pets/{petId}", GT_FAULT_OUT_OF_RANGE); /* nothing to constrain */
  cr_expect_str_eq(n, "");
  free(n);
  /* POST documents 400 and 422; GET /pets 400 (401 is about credentials) */
  const gt_case *c = find(&D, "POST /pets [out_of_range #1 $.age above maximum 30]");
  cr_assert_not_null(c);
  cr_expect(c->expect.has_status);
  cr_expect(gt_status_has(&c->expect.status, 400) && gt_status_has(&c->expect.status, 422));
  cr_expect(!gt_status_has(&c->expect.status, 401));
  cr_expect_str_eq(c->expect.status_text, "400, 422");
  cr_expect_eq(c->expect.error_shape, 1);
  c = find(&D, "GET /pets [missing_param #1 query limit]");
  cr_assert_not_null(c);
  cr_expect_str_eq(c->expect.status_text, "400");
  cr_expect(!gt_status_has(&c->expect.status, 422));
  derived_free(&D);
}

Test(openapi_negative, pets_values_sent) {
  derived D;
  derive(&D, FIX "pets.yaml", NULL);
  char *b;
  b = body_text(build(&D, "POST /pets [out_of_range #1 $.age above maximum 30]"));
  cr_expect_str_eq(b, "{\"name\":\"Rex\",\"kind\":\"dog\",\"age\":31}");
  free(b);
  b = body_text(build(&D, "POST /pets [out_of_range #2 $.age below minimum 0]"));
  cr_expect_str_eq(b, "{\"name\":\"Rex\",\"kind\":\"dog\",\"age\":-1}");
  free(b);
  b = body_text(build(&D, "POST /pets [not_in_enum #1 $.kind]"));
  cr_expect_str_eq(b, "{\"name\":\"Rex\",\"kind\":\"gauntlet-not-in-enum\",\"age\":3}");
  free(b);
  /* the example stretched with its own last character: only the length is wrong */
  b = body_text(build(&D, "POST /pets [bad_length #1 $.name over maxLength 20]"));
  cr_expect_str_eq(b, "{\"name\":\"Rexxxxxxxxxxxxxxxxxxx\",\"kind\":\"dog\",\"age\":3}");
  free(b);
  b = body_text(build(&D, "POST /pets [bad_length #2 $.name under minLength 1]"));
  cr_expect_str_eq(b, "{\"name\":\"\",\"kind\":\"dog\",\"age\":3}");
  free(b);
  b = body_text(build(&D, "POST /pets [pattern_mismatch #1 $.name]"));
  cr_expect_str_eq(b, "{\"name\":\"~gauntlet~\",\"kind\":\"dog\",\"age\":3}");
  free(b);
  const gt_http_request *r = build(&D, "GET /pets [missing_param #1 query limit]");
  cr_expect(!strstr(r->url, "limit="), "%s", r->url);
  r = build(&D, "GET /pets [not_in_enum #1 query kind]");
  cr_expect(strstr(r->url, "/v1/pets?limit=10&kind=gauntlet-not-in-enum"), "%s", r->url);
  /* the same document gives the same values under another seed */
  derived E;
  derive(&E, FIX "pets.yaml", NULL);
  b = body_text(build(&E, "POST /pets [pattern_mismatch #1 $.name]"));
  cr_expect_str_eq(b, "{\"name\":\"~gauntlet~\",\"kind\":\"dog\",\"age\":3}");
  free(b);
  derived_free(&E);
  derived_free(&D);
}

Test(openapi_negative, every_kind_of_bound_in_31) {
  derived D;
  derive(&D, FIX "bounds.yaml", NULL);
  const char *op = "POST /items";
  char *n;
  n = names_of(&D, op, GT_FAULT_NOT_IN_ENUM);
  cr_expect_str_eq(n, "query size");
  free(n);
  n = names_of(&D, op, GT_FAULT_OUT_OF_RANGE);
  cr_expect_str_eq(n, "query ratio at exclusiveMaximum 1|query ratio at exclusiveMinimum 0|"
                      "header X-Level above maximum 10|header X-Level below minimum 0");
  free(n);
  n = names_of(&D, op, GT_FAULT_BAD_LENGTH);
  cr_expect_str_eq(n, "$.tag over maxLength 4|$.tag under minLength 2");
  free(n);
  n = names_of(&D, op, GT_FAULT_PATTERN_MISMATCH);
  cr_expect_str_eq(n, "header X-Code|$.tag");
  free(n);
  n = names_of(&D, op, GT_FAULT_MISSING_PARAM);
  cr_expect_str_eq(n, "query ratio|header X-Code");
  free(n);
  const gt_http_request *r = build(&D, "POST /items [not_in_enum #1 query size]");
  cr_expect(strstr(r->url, "size=6"), "%s", r->url);
  r = build(&D, "POST /items [out_of_range #1 query ratio at exclusiveMaximum 1]");
  cr_expect(strstr(r->url, "?ratio=1") && !strstr(r->url, "0.5"), "%s", r->url);
  r = build(&D, "POST /items [out_of_range #2 query ratio at exclusiveMinimum 0]");
  cr_expect(strstr(r->url, "?ratio=0") && !strstr(r->url, "0.5"), "%s", r->url);
  /* past the bound by multipleOf, so only the bound is broken */
  r = build(&D, "POST /items [out_of_range #3 header X-Level above maximum 10]");
  cr_expect_str_eq(header(r, "X-Level"), "15");
  r = build(&D, "POST /items [out_of_range #4 header X-Level below minimum 0]");
  cr_expect_str_eq(header(r, "X-Level"), "-5");
  r = build(&D, "POST /items [pattern_mismatch #1 header X-Code]");
  cr_expect_str_eq(header(r, "X-Code"), "~gauntlet~");
  r = build(&D, "POST /items [missing_param #2 header X-Code]");
  cr_expect_null(header(r, "X-Code"));
  cr_expect_str_eq(r->body, "{\"tag\":\"abc\"}");
  /* the pattern's counterexample keeps to the length bounds (2..4) */
  char *b = body_text(build(&D, "POST /items [pattern_mismatch #2 $.tag]"));
  cr_expect_str_eq(b, "{\"tag\":\"~~\"}");
  free(b);
  b = body_text(build(&D, "POST /items [bad_length #1 $.tag over maxLength 4]"));
  cJSON *j = cJSON_Parse(b);
  cr_expect_eq(strlen(cJSON_GetObjectItem(j, "tag")->valuestring), 5);
  cJSON_Delete(j);
  free(b);
  /* 409 and 422 documented: 401 is about credentials */
  const gt_case *c = find(&D, "POST /items [missing_param #1 query ratio]");
  cr_expect_str_eq(c->expect.status_text, "409, 422");
  derived_free(&D);
}

Test(openapi_negative, exclusive_booleans_of_30_and_a_4xx_class) {
  derived D;
  derive(&D, FIX "bounds30.yaml", NULL);
  char *n = names_of(&D, "GET /things", GT_FAULT_OUT_OF_RANGE);
  cr_expect_str_eq(n, "query ratio at exclusiveMaximum 1|query ratio at exclusiveMinimum 0");
  free(n);
  const gt_http_request *r =
      build(&D, "GET /things [out_of_range #1 query ratio at exclusiveMaximum 1]");
  cr_expect(strstr(r->url, "?ratio=1"), "%s", r->url);
  const gt_case *c = find(&D, "GET /things [out_of_range #2 query ratio at exclusiveMinimum 0]");
  cr_assert_not_null(c);
  cr_expect_str_eq(c->expect.status_text, "4xx");
  cr_expect(gt_status_has(&c->expect.status, 400) && gt_status_has(&c->expect.status, 418));
  cr_expect(!gt_status_has(&c->expect.status, 404) && !gt_status_has(&c->expect.status, 401));
  derived_free(&D);
}

Test(openapi_negative, selected_like_any_fault) {
  derived D;
  derive(&D, FIX "pets.yaml", "missing_param");
  size_t n = 0;
  for (size_t i = 0; i < D.cases.count; i++)
    if (D.cases.items[i].fault != GT_FAULT_VALID) {
      cr_expect_eq(D.cases.items[i].fault, GT_FAULT_MISSING_PARAM, "%s", D.cases.items[i].name);
      n++;
    }
  cr_expect_eq(n, 1);
  derived_free(&D);
  /* --faults all: only where the document gives a case (no skipped rows) */
  derive(&D, FIX "pets.yaml", "all");
  for (size_t i = 0; i < D.cases.count; i++) {
    const gt_case *c = &D.cases.items[i];
    if (c->fault >= GT_FAULT_NOT_IN_ENUM && c->fault <= GT_FAULT_MISSING_PARAM)
      cr_expect_null(c->skip_reason, "%s: %s", c->name, c->skip_reason);
  }
  cr_expect_not_null(find(&D, "GET /pets [missing_param #1 query limit]"));
  derived_free(&D);
}

Test(openapi_negative, without_a_document_the_faults_are_skipped) {
  gt_err e = {0};
  const char *yaml = "suite: plain\nbase_url: http://127.0.0.1:9\nscenarios:\n"
                     "  - name: list\n    request: { method: GET, path: /x, query: { a: \"1\" } }\n"
                     "    faults: [out_of_range, missing_param]\n";
  gt_load_opts lo = {0};
  gt_suite *s = gt_suite_load_string("plain.yaml", yaml, strlen(yaml), &lo, &e);
  cr_assert_not_null(s, "%s", e.msg);
  gt_case_list l = {0};
  gt_expand_opts o = {0};
  cr_assert(gt_cases_expand(s, &o, &l, &e));
  cr_assert_eq(l.count, 3);
  cr_expect_str_eq(l.items[1].name, "list [out_of_range]");
  cr_expect(l.items[1].skip_reason && strstr(l.items[1].skip_reason, "no OpenAPI operation"));
  gt_case_list_free(&l);
  /* and --faults all leaves them out */
  o.faults = "all";
  cr_assert(gt_cases_expand(s, &o, &l, &e));
  for (size_t i = 0; i < l.count; i++)
    cr_expect(l.items[i].fault < GT_FAULT_NOT_IN_ENUM || l.items[i].fault > GT_FAULT_MISSING_PARAM,
              "%s", l.items[i].name);
  gt_case_list_free(&l);
  gt_suite_free(s);
  gt_fault_catalogue_free();
}
