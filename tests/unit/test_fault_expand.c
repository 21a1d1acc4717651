/* test_fault_expand.c — scenarios to cases: names, counts, skip reasons, fault
 * sets and filters, expectation merge order, rate_limit last, wrong_method. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "fault/fault.h"
#include "fault/fault_internal.h"
#include "fixture.h"
#include "suite/suite.h"

/* ---- a hand-built fx.suite (tests/support/fixture.h) ---- */

static ts_fixture fx;
static gt_case_list cases;

static const gt_node *Y(const char *yaml) {
  const gt_node *n = ts_fixture_yaml(&fx, yaml);
  cr_assert_not_null(n, "yaml: %s", fx.err.msg);
  return n;
}

static gt_fault_ref ref(gt_fault_id id) {
  gt_fault_ref r = {.id = id};
  gt_expect_init(&r.expect);
  return r;
}

static gt_scenario *scenario(const char *name, const char *method, const char *path) {
  return ts_fixture_scenario(&fx, name, Y(method), Y(path));
}

static void set_faults(gt_scenario *sc, const gt_fault_id *ids, size_t n) {
  sc->faults_given = true;
  sc->faults = calloc(n ? n : 1, sizeof *sc->faults);
  for (size_t i = 0; i < n; i++)
    sc->faults[i] = ref(ids[i]);
  sc->n_faults = n;
}

static void setup(void) {
  ts_fixture_init(&fx, "https://api.example.com/v2");
  memset(&cases, 0, sizeof cases);
}

static void teardown(void) {
  gt_case_list_free(&cases);
  ts_fixture_free(&fx);
  gt_fault_catalogue_free();
}

TestSuite(fault_expand, .init = setup, .fini = teardown);

static void expand(const char *faults) {
  gt_err err = {0};
  gt_expand_opts o = {.faults = faults};
  gt_case_list_free(&cases);
  cr_assert(gt_cases_expand(&fx.suite, &o, &cases, &err), "expand: %s", err.msg);
}

static const gt_case *find(const char *name) {
  for (size_t i = 0; i < cases.count; i++)
    if (strcmp(cases.items[i].name, name) == 0) return &cases.items[i];
  cr_assert_fail("no case named '%s'", name);
  return NULL;
}

static size_t count_fault(gt_fault_id f) {
  size_t n = 0;
  for (size_t i = 0; i < cases.count; i++)
    n += cases.items[i].fault == f;
  return n;
}

/* ---- catalogue ---- */

Test(fault_expand, names_round_trip) {
  for (int i = 0; i < GT_FAULT_COUNT; i++) {
    const char *n = gt_fault_name((gt_fault_id)i);
    cr_assert_eq(gt_fault_from_name(n), i, "%s", n);
  }
  cr_assert_eq(gt_fault_from_name("wire_cl_te"), GT_FAULT_WIRE_CL_TE);
  cr_assert_eq(gt_fault_from_name("rate_limit"), GT_FAULT_RATE_LIMIT);
  cr_assert_eq(gt_fault_from_name("nope"), -1);
  cr_assert_eq(gt_fault_from_name(NULL), -1);
}

Test(fault_expand, catalogue_defaults) {
  const gt_expect *e = gt_fault_default_expect(GT_FAULT_UNAUTHENTICATED);
  cr_assert(e->has_status && gt_status_has(&e->status, 401) && !gt_status_has(&e->status, 400));
  cr_assert_eq(e->error_shape, 1);
  e = gt_fault_default_expect(GT_FAULT_MALFORMED_AUTH);
  cr_assert(gt_status_has(&e->status, 400) && gt_status_has(&e->status, 401));
  e = gt_fault_default_expect(GT_FAULT_JWT_EXPIRED);
  cr_assert(gt_status_has(&e->status, 401));
  cr_assert_eq(e->error_shape, -1);
  e = gt_fault_default_expect(GT_FAULT_HTTP_ONLY);
  cr_assert_eq(e->refused, 1);
  cr_assert(gt_status_has(&e->status, 301) && gt_status_has(&e->status, 403));
  cr_assert(!gt_status_has(&e->status, 200) && !gt_status_has(&e->status, 503));
  /* RFC 9112 §6.1: CL+TE may be read by chunked: any answer but a 5xx */
  e = gt_fault_default_expect(GT_FAULT_WIRE_CL_TE);
  cr_assert_eq(e->refused, 1);
  cr_assert(gt_status_has(&e->status, 431) && gt_status_has(&e->status, 201));
  cr_assert(!gt_status_has(&e->status, 500) && !gt_status_has(&e->status, 501));
  /* §6.3: two different lengths MUST get a 400: the refusal set */
  e = gt_fault_default_expect(GT_FAULT_WIRE_DUP_CONTENT_LENGTH);
  cr_assert(gt_status_has(&e->status, 400) && gt_status_has(&e->status, 501));
  cr_assert(!gt_status_has(&e->status, 200) && !gt_status_has(&e->status, 500));
  e = gt_fault_default_expect(GT_FAULT_SLOW_BODY);
  cr_assert(gt_status_has(&e->status, 200) && gt_status_has(&e->status, 408));
  cr_assert(!gt_status_has(&e->status, 500));
  e = gt_fault_default_expect(GT_FAULT_TRUNCATED_BODY);
  cr_assert(!gt_status_has(&e->status, 200) && gt_status_has(&e->status, 400));
  cr_assert_eq(e->refused, 1);
  e = gt_fault_default_expect(GT_FAULT_CORS_PREFLIGHT);
  cr_assert(gt_status_has(&e->status, 204));
  cr_assert_not_null(e->headers);
  const gt_node *acao = gt_node_get_ci(e->headers, "access-control-allow-origin");
  cr_assert_not_null(acao);
  cr_assert_str_eq(acao->tag, "!any");
  e = gt_fault_default_expect(GT_FAULT_WRONG_TYPE);
  cr_assert(gt_status_has(&e->status, 422) && gt_status_has(&e->status, 400));
  e = gt_fault_default_expect(GT_FAULT_VALID);
  cr_assert(!e->has_status && e->refused == -1);
}

/* ---- expansion ---- */

Test(fault_expand, valid_then_faults_in_catalogue_order) {
  gt_scenario *sc = scenario("list apps", "GET", "/apps");
  static const gt_fault_id f[] = {GT_FAULT_HTTP_ONLY, GT_FAULT_UNAUTHENTICATED,
                                  GT_FAULT_INVALID_TOKEN};
  set_faults(sc, f, 3);
  expand(NULL);
  cr_assert_eq(cases.count, 4);
  cr_assert_str_eq(cases.items[0].name, "list apps [valid]");
  cr_assert_str_eq(cases.items[1].name, "list apps [unauthenticated]");
  cr_assert_str_eq(cases.items[2].name, "list apps [invalid_token]");
  cr_assert_str_eq(cases.items[3].name, "list apps [http_only]");
  cr_assert(cases.items[3].transport_only);
  cr_assert(!cases.items[1].transport_only);
  cr_assert_eq(cases.items[1].index, 0);
  cr_assert_null(cases.items[1].skip_reason);
}

Test(fault_expand, profile_default_set_when_not_given) {
  static gt_fault_ref defaults[2];
  defaults[0] = ref(GT_FAULT_UNKNOWN_PATH);
  defaults[1] = ref(GT_FAULT_UNAUTHENTICATED);
  fx.suite.profile.default_faults = malloc(sizeof defaults);
  memcpy(fx.suite.profile.default_faults, defaults, sizeof defaults);
  fx.suite.profile.n_default_faults = 2;
  scenario("a", "GET", "/a");
  gt_scenario *b = scenario("b", "GET", "/b");
  set_faults(b, NULL, 0); /* faults: [] -> valid only */
  expand(NULL);
  cr_assert_eq(cases.count, 4);
  cr_assert_str_eq(cases.items[1].name, "a [unauthenticated]");
  cr_assert_str_eq(cases.items[2].name, "a [unknown_path]");
  cr_assert_str_eq(cases.items[3].name, "b [valid]");
}

Test(fault_expand, filters_all_none_list) {
  gt_scenario *sc = scenario("s", "POST", "/things");
  sc->request.body_kind = GT_BODY_JSON;
  sc->request.body = Y("{name: x}");
  static const gt_fault_id f[] = {GT_FAULT_UNAUTHENTICATED, GT_FAULT_MALFORMED_JSON};
  set_faults(sc, f, 2);

  expand("none");
  cr_assert_eq(cases.count, 1);
  cr_assert_eq(cases.items[0].fault, GT_FAULT_VALID);

  expand("malformed_json, unknown_path"); /* kept to the scenario's own set */
  cr_assert_eq(cases.count, 2);
  cr_assert_str_eq(cases.items[1].name, "s [malformed_json]");

  expand("all");
  /* every fault but rate_limit (limits.rate_limit unset) and the schema-driven
   * ones (no OpenAPI operation) appears at least once */
  for (int i = 1; i < GT_FAULT_COUNT; i++) {
    if (i == GT_FAULT_RATE_LIMIT || (i >= GT_FAULT_NOT_IN_ENUM && i <= GT_FAULT_MISSING_PARAM))
      cr_assert_eq(count_fault(i), 0);
    else
      cr_assert_geq(count_fault(i), 1, "%s", gt_fault_name(i));
  }
  cr_assert_eq(count_fault(GT_FAULT_MALFORMED_AUTH), 3);
  cr_assert_eq(count_fault(GT_FAULT_UNVERSIONED), 1); /* no prefix: one skipped case */
  cr_assert_str_eq(find("s [unversioned]")->skip_reason, "no versioning.prefix in the profile");

  fx.suite.profile.limits.rate_limit = Y("10");
  expand("all");
  cr_assert_eq(count_fault(GT_FAULT_RATE_LIMIT), 1);
}

Test(fault_expand, option_validation) {
  gt_err err = {0};
  cr_assert(gt_faults_option_valid(NULL, &err));
  cr_assert(gt_faults_option_valid("all", &err));
  cr_assert(gt_faults_option_valid("none", &err));
  cr_assert(gt_faults_option_valid("wire_cl_te,unauthenticated", &err));
  cr_assert_not(gt_faults_option_valid("unauthenticated,bogus", &err));
  cr_assert_eq(err.kind, GT_ERR_USAGE);
  cr_assert_not_null(strstr(err.msg, "bogus"));
  cr_assert_not(gt_faults_option_valid("", &err));
  cr_assert_not(gt_faults_option_valid("valid", &err));
  gt_expand_opts o = {.faults = "nope"};
  scenario("s", "GET", "/s");
  cr_assert_not(gt_cases_expand(&fx.suite, &o, &cases, &err));
}

Test(fault_expand, skip_reasons) {
  gt_scenario *sc = scenario("open", "GET", "/open");
  sc->request.auth = false;
  static const gt_fault_id f[] = {GT_FAULT_UNAUTHENTICATED, GT_FAULT_MALFORMED_JSON,
                                  GT_FAULT_EMPTY_BODY,      GT_FAULT_RATE_LIMIT,
                                  GT_FAULT_HTTP_ONLY,       GT_FAULT_MISSING_FIELD};
  set_faults(sc, f, 6);
  gt_scenario *jw = scenario("jwt", "GET", "/jwt");
  static const gt_fault_id j[] = {GT_FAULT_JWT_ALG_NONE, GT_FAULT_JWT_EXPIRED,
                                  GT_FAULT_JWT_MISSING_CLAIM};
  set_faults(jw, j, 3);
  expand(NULL);
  cr_assert_str_eq(find("open [unauthenticated]")->skip_reason,
                   "no credential: the request has auth: false");
  cr_assert_str_eq(find("open [malformed_json]")->skip_reason, "no JSON body");
  cr_assert_str_eq(find("open [empty_body]")->skip_reason, "no body");
  cr_assert_str_eq(find("open [missing_field]")->skip_reason, "no JSON or form body");
  cr_assert_str_eq(find("open [rate_limit]")->skip_reason, "no limits.rate_limit in the profile");
  cr_assert_null(find("open [http_only]")->skip_reason);
  fx.suite.profile.transport.https_only_given = true; /* https_only: false written */
  expand(NULL);
  cr_assert_str_eq(find("open [http_only]")->skip_reason,
                   "transport.https_only is false: the API serves plain HTTP");
  fx.suite.profile.transport.https_only = true;
  expand(NULL);
  cr_assert_null(find("open [http_only]")->skip_reason);
  fx.suite.profile.transport.https_only_given = false;
  fx.suite.profile.transport.https_only = false;
  cr_assert_str_eq(find("jwt [jwt_alg_none]")->skip_reason, "no JWT: auth.format is not jwt");

  fx.suite.profile.auth.jwt = true;
  expand(NULL);
  cr_assert_null(find("jwt [jwt_alg_none]")->skip_reason);
  cr_assert_str_eq(find("jwt [jwt_expired]")->skip_reason,
                   "no auth.jwt_secret to mint tokens with (absent or empty)");
  fx.suite.profile.auth.jwt_secret = Y("${JWT_SECRET}");
  expand(NULL);
  cr_assert_null(find("jwt [jwt_expired]")->skip_reason);

  /* A secret that expands to "" (an optional ${VAR:-} left unset) is no
   * secret: minting with an empty key would pass for the wrong reason. */
  fx.suite.profile.auth.jwt_secret = Y("${GT_TEST_UNSET_JWT_SECRET:-}");
  gt_scope scope = {.use_env = true};
  gt_expand_opts with_scope = {.scope = &scope};
  gt_err err = {0};
  gt_case_list_free(&cases);
  cr_assert(gt_cases_expand(&fx.suite, &with_scope, &cases, &err), "expand: %s", err.msg);
  cr_assert_str_eq(find("jwt [jwt_expired]")->skip_reason,
                   "no auth.jwt_secret to mint tokens with (absent or empty)");
  setenv("GT_TEST_SET_JWT_SECRET", "s3cret-key", 1);
  fx.suite.profile.auth.jwt_secret = Y("${GT_TEST_SET_JWT_SECRET:-}");
  gt_case_list_free(&cases);
  cr_assert(gt_cases_expand(&fx.suite, &with_scope, &cases, &err), "expand: %s", err.msg);
  cr_assert_null(find("jwt [jwt_expired]")->skip_reason);
  cr_assert_str_eq(find("jwt [jwt_missing_claim]")->skip_reason, "no auth.jwt_claims");
  fx.suite.profile.auth.jwt_claims = Y("{channel: web, sub: u1}");
  expand(NULL);
  cr_assert_eq(count_fault(GT_FAULT_JWT_MISSING_CLAIM), 2);
  const gt_case *c = find("jwt [jwt_missing_claim #2 sub]");
  cr_assert_str_eq(c->param_text, "sub");
  cr_assert_eq(c->index, 2);

  fx.suite.profile.auth.scheme = GT_AUTH_NONE;
  expand(NULL);
  cr_assert_str_eq(find("jwt [jwt_alg_none]")->skip_reason,
                   "no credential: the profile's auth.scheme is none");
}

Test(fault_expand, merge_order_catalogue_profile_scenario) {
  gt_scenario *sc = scenario("s", "GET", "/s");
  static const gt_fault_id f[] = {GT_FAULT_UNAUTHENTICATED, GT_FAULT_INVALID_TOKEN,
                                  GT_FAULT_UNKNOWN_PATH};
  set_faults(sc, f, 3);
  /* profile: invalid_token -> 403 with a json template; unknown_path -> 410 */
  gt_expect *pe = &fx.suite.profile.fault_expect[GT_FAULT_INVALID_TOKEN];
  fx.suite.profile.has_fault_expect[GT_FAULT_INVALID_TOKEN] = true;
  pe->has_status = true;
  gt_status_add(&pe->status, 403);
  pe->status_text = strdup("403");
  pe->json = Y("{success: false}");
  gt_expect *pu = &fx.suite.profile.fault_expect[GT_FAULT_UNKNOWN_PATH];
  fx.suite.profile.has_fault_expect[GT_FAULT_UNKNOWN_PATH] = true;
  pu->has_status = true;
  gt_status_add(&pu->status, 410);
  pu->status_text = strdup("410");
  /* scenario: unknown_path -> 404 again, and max_time */
  gt_fault_ref *r = &sc->faults[2];
  r->has_expect = true;
  r->expect.has_status = true;
  gt_status_add(&r->expect.status, 404);
  r->expect.status_text = strdup("404 (scenario)");
  r->expect.max_time_ms = 250;
  expand(NULL);

  const gt_case *u = find("s [unauthenticated]"); /* catalogue only */
  cr_assert(gt_status_has(&u->expect.status, 401));
  cr_assert_eq(u->expect.error_shape, 1);
  const gt_case *i = find("s [invalid_token]"); /* profile over catalogue */
  cr_assert(gt_status_has(&i->expect.status, 403) && !gt_status_has(&i->expect.status, 401));
  cr_assert_str_eq(i->expect.status_text, "403");
  cr_assert_eq(i->expect.json, pe->json);
  cr_assert_eq(i->expect.error_shape, 1);      /* unset in the profile: the catalogue's stays */
  const gt_case *p = find("s [unknown_path]"); /* scenario over profile */
  cr_assert(gt_status_has(&p->expect.status, 404) && !gt_status_has(&p->expect.status, 410));
  cr_assert_str_eq(p->expect.status_text, "404 (scenario)");
  cr_assert_eq(p->expect.max_time_ms, 250);
}

Test(fault_expand, valid_case_takes_scenario_expect) {
  gt_scenario *sc = scenario("s", "GET", "/s");
  sc->expect.has_status = true;
  gt_status_add(&sc->expect.status, 200);
  sc->expect.status_text = strdup("200");
  set_faults(sc, NULL, 0);
  expand(NULL);
  cr_assert_eq(cases.count, 1);
  cr_assert(gt_status_has(&cases.items[0].expect.status, 200));
  cr_assert_str_eq(cases.items[0].expect.status_text, "200");
  cr_assert_eq(cases.items[0].mode, GT_MODE_NORMAL);
}

Test(fault_expand, rate_limit_after_every_other_case) {
  fx.suite.profile.limits.rate_limit = Y("5");
  static const gt_fault_id f[] = {GT_FAULT_RATE_LIMIT, GT_FAULT_UNAUTHENTICATED};
  set_faults(scenario("a", "GET", "/a"), f, 2);
  set_faults(scenario("b", "GET", "/b"), f, 2);
  expand(NULL);
  cr_assert_eq(cases.count, 6);
  cr_assert_str_eq(cases.items[3].name, "b [unauthenticated]");
  cr_assert_str_eq(cases.items[4].name, "a [rate_limit]");
  cr_assert_str_eq(cases.items[5].name, "b [rate_limit]");
  cr_assert_eq(cases.items[4].mode, GT_MODE_RATE_LIMIT);
  cr_assert_eq(cases.items[4].scenario, 0);
  cr_assert_eq(cases.items[5].scenario, 1);
}

Test(fault_expand, modes_and_flags) {
  static const gt_fault_id f[] = {GT_FAULT_WIRE_BARE_LF, GT_FAULT_SLOW_BODY,
                                  GT_FAULT_TRUNCATED_BODY, GT_FAULT_CORS_PREFLIGHT};
  gt_scenario *sc = scenario("s", "POST", "/s");
  sc->request.body_kind = GT_BODY_RAW;
  sc->request.body = Y("hello");
  set_faults(sc, f, 4);
  expand(NULL);
  const gt_case *w = find("s [wire_bare_lf]");
  cr_assert(w->mode == GT_MODE_RAW && w->needs_alive && w->transport_only);
  const gt_case *s = find("s [slow_body]");
  cr_assert(s->mode == GT_MODE_RAW && s->needs_alive && !s->transport_only);
  const gt_case *t = find("s [truncated_body]");
  cr_assert(t->mode == GT_MODE_RAW && t->needs_alive);
  const gt_case *c = find("s [cors_preflight]");
  cr_assert(c->mode == GT_MODE_NORMAL && !c->needs_alive && !c->transport_only);
}

Test(fault_expand, multi_case_names_and_counts) {
  fx.suite.profile.version_prefix = "/v2";
  gt_scenario *sc = scenario("create user", "POST", "/users");
  sc->request.body_kind = GT_BODY_JSON;
  sc->request.body = Y("{user: {id: 7, name: ann}, tags: [a, b], \"odd key\": true}");
  static const gt_fault_id f[] = {GT_FAULT_MALFORMED_AUTH, GT_FAULT_MISSING_FIELD,
                                  GT_FAULT_WRONG_TYPE, GT_FAULT_UNVERSIONED};
  set_faults(sc, f, 4);
  expand(NULL);
  cr_assert_not_null(find("create user [malformed_auth #1 empty bearer]"));
  cr_assert_not_null(find("create user [malformed_auth #2 wrong scheme]"));
  cr_assert_not_null(find("create user [malformed_auth #3 trailing extra]"));
  /* The first variant is named after the profile's scheme. */
  fx.suite.profile.auth.scheme = GT_AUTH_BASIC;
  expand(NULL);
  cr_assert_not_null(find("create user [malformed_auth #1 empty basic]"));
  for (size_t i = 0; i < cases.count; i++)
    cr_assert_null(strstr(cases.items[i].name, "empty bearer"), "%s", cases.items[i].name);
  fx.suite.profile.auth.scheme = GT_AUTH_HEADER;
  fx.suite.profile.auth.header = "X-Api-Key";
  expand(NULL);
  cr_assert_not_null(find("create user [malformed_auth #1 empty X-Api-Key]"));
  cr_assert_not_null(find("create user [malformed_auth #2 wrong scheme]"));
  fx.suite.profile.auth.header = NULL;
  fx.suite.profile.auth.scheme = GT_AUTH_BEARER;
  expand(NULL);
  /* missing_field without request.required: one per top-level field */
  cr_assert_eq(count_fault(GT_FAULT_MISSING_FIELD), 3);
  const gt_case *m = find("create user [missing_field #3 $['odd key']]");
  cr_assert_str_eq(m->param_text, "odd key");
  cr_assert_eq(m->param, -1);
  /* wrong_type: every field at any depth, pre-order */
  cr_assert_eq(count_fault(GT_FAULT_WRONG_TYPE), 7);
  cr_assert_not_null(find("create user [wrong_type #1 $.user]"));
  cr_assert_not_null(find("create user [wrong_type #2 $.user.id]"));
  cr_assert_not_null(find("create user [wrong_type #3 $.user.name]"));
  cr_assert_not_null(find("create user [wrong_type #4 $.tags]"));
  cr_assert_not_null(find("create user [wrong_type #5 $.tags[0]]"));
  cr_assert_not_null(find("create user [wrong_type #7 $['odd key']]"));
  cr_assert_eq(count_fault(GT_FAULT_UNVERSIONED), 3);
  cr_assert_not_null(find("create user [unversioned #2 Accept-Version header]"));
}

Test(fault_expand, missing_field_uses_required_paths) {
  gt_scenario *sc = scenario("create", "POST", "/users");
  sc->request.body_kind = GT_BODY_JSON;
  sc->request.body = Y("{user: {id: 7, name: ann}}");
  sc->request.n_required = 2;
  sc->request.required = calloc(2, sizeof(char *));
  sc->request.required_paths = calloc(2, sizeof(gt_jsonpath *));
  sc->request.required[0] = strdup("$.user.name");
  sc->request.required[1] = strdup("$.user.id");
  static const gt_fault_id f[] = {GT_FAULT_MISSING_FIELD};
  set_faults(sc, f, 1);
  expand(NULL);
  cr_assert_eq(cases.count, 3);
  const gt_case *c = find("create [missing_field #2 $.user.id]");
  cr_assert_eq(c->param, 1);
  cr_assert_str_eq(c->label, "$.user.id");
}

Test(fault_expand, wrong_type_capped_at_64) {
  gt_scenario *sc = scenario("big", "POST", "/big");
  sc->request.body_kind = GT_BODY_JSON;
  char yaml[4096] = "[";
  for (int i = 0; i < 100; i++)
    strcat(yaml, i ? ", 1" : "1");
  strcat(yaml, "]");
  sc->request.body = Y(yaml);
  static const gt_fault_id f[] = {GT_FAULT_WRONG_TYPE};
  set_faults(sc, f, 1);
  expand(NULL);
  cr_assert_eq(count_fault(GT_FAULT_WRONG_TYPE), 64);
  cr_assert_not_null(find("big [wrong_type #64 $[63]]"));
}

Test(fault_expand, wrong_method_only_unused_methods) {
  static const gt_fault_id f[] = {GT_FAULT_WRONG_METHOD};
  set_faults(scenario("get app", "GET", "/apps/${app_id}"), f, 1);
  scenario("delete app", "DELETE", "/apps/${other}/");
  scenario("update app", "PATCH", "/apps/123");
  scenario("list builds", "POST", "/apps/${app_id}/builds"); /* another route */
  expand(NULL);
  cr_assert_eq(count_fault(GT_FAULT_WRONG_METHOD), 2);
  cr_assert_str_eq(find("get app [wrong_method #1 POST]")->param_text, "POST");
  cr_assert_not_null(find("get app [wrong_method #2 PUT]"));

  scenario("replace app", "PUT", "/apps/x");
  scenario("create app", "POST", "/apps/x");
  expand(NULL);
  const gt_case *c = find("get app [wrong_method]");
  cr_assert_not_null(c->skip_reason);
}

Test(fault_expand, wrong_method_leaves_out_the_profiles_request_methods) {
  static const gt_fault_id f[] = {GT_FAULT_WRONG_METHOD};
  set_faults(scenario("send", "POST", "/send/message"), f, 1);
  static char *rpc[] = {"GET", "POST", "PUT", "PATCH"};
  fx.suite.profile.request.any_method = rpc; /* borrowed: reset before teardown */
  fx.suite.profile.request.n_any_method = 4;
  expand(NULL);
  fx.suite.profile.request.any_method = NULL;
  fx.suite.profile.request.n_any_method = 0;
  cr_assert_eq(count_fault(GT_FAULT_WRONG_METHOD), 1);
  cr_assert_str_eq(find("send [wrong_method #1 DELETE]")->param_text, "DELETE");
}

Test(fault_expand, path_template_matching) {
  cr_assert(gt_path_templates_match("/a/${x}/b", "/a/1/b"));
  cr_assert(gt_path_templates_match("/a/", "/a"));
  cr_assert(gt_path_templates_match("/a/v-${x}", "/a/${y}"));
  cr_assert_not(gt_path_templates_match("/a/${x}", "/a/1/b"));
  cr_assert_not(gt_path_templates_match("/a/b", "/a/c"));
  cr_assert_not(gt_path_templates_match("/ab", "/a"));
}

Test(fault_expand, expansion_is_deterministic) {
  static const gt_fault_id f[] = {GT_FAULT_WRONG_METHOD, GT_FAULT_INVALID_TOKEN};
  set_faults(scenario("a", "GET", "/a"), f, 2);
  expand("all");
  size_t n = cases.count;
  char **names = calloc(n, sizeof *names);
  for (size_t i = 0; i < n; i++)
    names[i] = strdup(cases.items[i].name);
  expand("all");
  cr_assert_eq(cases.count, n);
  for (size_t i = 0; i < n; i++) {
    cr_assert_str_eq(cases.items[i].name, names[i]);
    free(names[i]);
  }
  free(names);
}

/* The same expansion from a YAML fx.suite through the real loader. */
Test(fault_expand, from_loaded_yaml) {
  static const char yaml[] = "suite: demo\n"
                             "base_url: https://127.0.0.1:8443/v2\n"
                             "profile:\n"
                             "  profile: p\n"
                             "  auth: { scheme: bearer, token: tok-123456 }\n"
                             "  versioning: { prefix: /v2 }\n"
                             "  faults:\n"
                             "    default: [unauthenticated, unversioned]\n"
                             "    expect:\n"
                             "      unauthenticated: { status: 403 }\n"
                             "scenarios:\n"
                             "  - name: create user\n"
                             "    request:\n"
                             "      method: POST\n"
                             "      path: /users\n"
                             "      json: { user: { id: 1, name: ann } }\n"
                             "      required: [$.user.id]\n"
                             "    expect: { status: 201 }\n"
                             "    faults:\n"
                             "      - missing_field\n"
                             "      - unauthenticated: { status: 401 }\n"
                             "  - name: list users\n"
                             "    request: { method: GET, path: /users }\n"
                             "    expect: { status: 200 }\n";
  gt_err err = {0};
  gt_load_opts lo = {0};
  gt_suite *s = gt_suite_load_string("demo.yaml", yaml, sizeof yaml - 1, &lo, &err);
  cr_assert_not_null(s, "load: %s:%d:%d: %s", err.file, err.line, err.col, err.msg);
  gt_case_list l = {0};
  gt_expand_opts o = {0};
  cr_assert(gt_cases_expand(s, &o, &l, &err), "%s", err.msg);
  static const char *const want[] = {"create user [valid]",
                                     "create user [unauthenticated]",
                                     "create user [missing_field #1 $.user.id]",
                                     "list users [valid]",
                                     "list users [unauthenticated]",
                                     "list users [unversioned #1 prefix removed]",
                                     "list users [unversioned #2 Accept-Version header]",
                                     "list users [unversioned #3 X-API-Version header]"};
  cr_assert_eq(l.count, sizeof want / sizeof want[0]);
  for (size_t i = 0; i < l.count; i++)
    cr_assert_str_eq(l.items[i].name, want[i]);
  cr_assert(gt_status_has(&l.items[1].expect.status, 401)); /* scenario over profile */
  cr_assert(gt_status_has(&l.items[4].expect.status, 403)); /* profile over catalogue */
  cr_assert_not(gt_status_has(&l.items[4].expect.status, 401));
  cr_assert_eq(l.items[2].param, 0);
  gt_case_list_free(&l);
  gt_suite_free(s);
}

static void expand_skip(const char *faults, const char *skip) {
  gt_err err = {0};
  gt_expand_opts o = {.faults = faults, .skip_faults = skip};
  gt_case_list_free(&cases);
  cr_assert(gt_cases_expand(&fx.suite, &o, &cases, &err), "expand: %s", err.msg);
}

Test(fault_expand, dropping_faults_from_the_command_line) {
  gt_scenario *sc = scenario("s", "POST", "/things");
  sc->request.body_kind = GT_BODY_JSON;
  sc->request.body = Y("{name: x}");
  static const gt_fault_id f[] = {GT_FAULT_UNAUTHENTICATED, GT_FAULT_MALFORMED_JSON};
  set_faults(sc, f, 2);

  expand("all");
  size_t all = cases.count;
  cr_assert_eq(count_fault(GT_FAULT_WIRE_BARE_LF), 1);
  expand("all,-wire_bare_lf");
  cr_assert_eq(cases.count, all - 1);
  cr_assert_eq(count_fault(GT_FAULT_WIRE_BARE_LF), 0);
  expand("all, -wire_bare_lf, -malformed_auth");
  cr_assert_eq(cases.count, all - 4);

  expand("-malformed_json"); /* the scenario's own set, minus one */
  cr_assert_eq(cases.count, 2);
  cr_assert_str_eq(cases.items[1].name, "s [unauthenticated]");

  expand_skip("all", "wire_bare_lf,slow_body");
  cr_assert_eq(cases.count, all - 2);
  expand_skip(NULL, "unauthenticated");
  cr_assert_eq(cases.count, 2);
  cr_assert_str_eq(cases.items[1].name, "s [malformed_json]");

  gt_err e = {0};
  cr_assert_not(gt_faults_option_valid("all,-nope", &e));
  cr_assert(strstr(e.msg, "unknown fault 'nope'"), "%s", e.msg);
  cr_assert_not(gt_faults_option_valid("all,unauthenticated", &e));
  cr_assert(strstr(e.msg, "after all/none"), "%s", e.msg);
  cr_assert_not(gt_skip_faults_option_valid("-x", &e));
  cr_assert_not(gt_skip_faults_option_valid("all", &e));
  cr_assert(gt_skip_faults_option_valid("slow_body, wire_cl_te", &e));
}
