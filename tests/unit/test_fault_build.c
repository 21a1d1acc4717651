/* test_fault_build.c — the exact request bytes of the valid case and of each
 * fault's mutation, determinism for a seed, and the http_only decoy. */
#include <criterion/criterion.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check/check.h"
#include "fault/fault.h"
#include "fault/fault_internal.h"
#include "fixture.h"
#include "suite/suite.h"

#define TOKEN "abcDEF123xyz"
static ts_fixture fx;
static gt_case_list cases;
static gt_secrets *secrets;
static cJSON *vars;
static gt_scope scope;
static gt_build_ctx ctx;
static gt_http_request req;

static const gt_node *Y(const char *yaml) {
  const gt_node *n = ts_fixture_yaml(&fx, yaml);
  cr_assert_not_null(n, "yaml: %s", fx.err.msg);
  return n;
}

static gt_scenario *scenario(const char *name, const char *method, const char *path) {
  return ts_fixture_scenario(&fx, name, Y(method), Y(path));
}

static void setup(void) {
  ts_fixture_init(&fx, "https://api.example.com/v2/");
  memset(&req, 0, sizeof req);
  memset(&cases, 0, sizeof cases);
  fx.suite.default_headers = Y("{Accept: application/json, X-Client: gauntlet}");
  fx.suite.profile.transport.http_port = 8080;
  fx.suite.profile.version_prefix = "/v2";
  vars = cJSON_Parse("{\"TOKEN\":\"" TOKEN "\",\"app\":\"42\",\"n\":5}");
  scope = (gt_scope){.suite_vars = vars};
  secrets = gt_secrets_new();
  ctx = (gt_build_ctx){.suite = &fx.suite,
                       .scope = &scope,
                       .secrets = secrets,
                       .seed = 7,
                       .timeout_ms = 3000,
                       .now = 1700000000};

  gt_scenario *sc = scenario("create", "POST", "/apps/${app}/users");
  sc->request.query = Y("{q: \"a b&c\", ids: [1, 2]}");
  sc->request.headers = Y("{accept: text/html, X-Trace: t1}");
  sc->request.body_kind = GT_BODY_JSON;
  sc->request.body = Y("{user: {id: 7, name: ann}, count: \"${n}\", active: true, note: null}");
  scenario("list", "GET", "/apps");
}

static void teardown(void) {
  gt_http_request_free(&req);
  gt_case_list_free(&cases);
  ts_fixture_free(&fx);
  gt_secrets_free(secrets);
  cJSON_Delete(vars);
  gt_fault_catalogue_free();
}

TestSuite(fault_build, .init = setup, .fini = teardown);

static const gt_case *find(const char *name) {
  gt_err err = {0};
  gt_expand_opts o = {.faults = "all"};
  gt_case_list_free(&cases);
  cr_assert(gt_cases_expand(&fx.suite, &o, &cases, &err), "%s", err.msg);
  for (size_t i = 0; i < cases.count; i++)
    if (strcmp(cases.items[i].name, name) == 0) return &cases.items[i];
  cr_assert_fail("no case named '%s'", name);
  return NULL;
}

static void build(const char *name) {
  gt_err err = {0};
  gt_http_request_free(&req);
  memset(&req, 0, sizeof req);
  const gt_case *c = find(name);
  cr_assert(gt_case_build(&ctx, c, &req, &err), "build %s: %s", name, err.msg);
}

static const char *hdr(const char *name) {
  return gt_http_request_header(&req, name);
}
static void body_is(const char *want) {
  cr_assert_not_null(req.body);
  cr_assert_eq(req.body_len, strlen(want), "body: %.*s", (int)req.body_len, req.body);
  cr_assert_eq(memcmp(req.body, want, req.body_len), 0, "body: %.*s", (int)req.body_len, req.body);
}

#define VALID_BODY                                                                                 \
  "{\"user\":{\"id\":7,\"name\":\"ann\"},\"count\":5,\"active\":true,\"note\":null}"
#define VALID_URL "https://api.example.com/v2/apps/42/users?q=a%20b%26c&ids=1&ids=2"

Test(fault_build, valid_request) {
  build("create [valid]");
  cr_assert_str_eq(req.method, "POST");
  cr_assert_str_eq(req.url, VALID_URL);
  cr_assert_eq(req.n_headers, 5, "%zu headers, [0] %s", req.n_headers, req.headers[0].name);
  cr_assert_str_eq(req.headers[0].name, "Accept"); /* default overridden case-insensitively */
  cr_assert_str_eq(req.headers[0].value, "text/html");
  cr_assert_str_eq(hdr("X-Client"), "gauntlet");
  cr_assert_str_eq(hdr("X-Trace"), "t1");
  cr_assert_str_eq(hdr("Content-Type"), "application/json");
  cr_assert_str_eq(hdr("Authorization"), "Bearer " TOKEN);
  body_is(VALID_BODY);
  cr_assert_eq(req.timeout_ms, 3000);
  cr_assert_null(req.raw);
  /* the credential is now a named secret */
  char *red = gt_secrets_redact_dup(secrets, "x " TOKEN " y", strlen(TOKEN) + 4);
  cr_assert_str_eq(red, "x ${TOKEN} y");
  free(red);
  /* gt_case_build_valid gives the same request */
  gt_http_request v = {0};
  gt_err err = {0};
  cr_assert(gt_case_build_valid(&ctx, find("create [wrong_type #1 $.user]"), &v, &err));
  cr_assert_str_eq(v.url, VALID_URL);
  cr_assert_eq(v.body_len, strlen(VALID_BODY));
  gt_http_request_free(&v);
}

Test(fault_build, base_url_override_timeout_and_form) {
  ctx.base_url = "http://127.0.0.1:9999/v2///";
  fx.suite.scenarios[0].timeout_ms = 1234;
  fx.suite.scenarios[0].request.body_kind = GT_BODY_FORM;
  fx.suite.scenarios[0].request.body = Y("{name: \"a&b c\", n: 5}");
  build("create [valid]");
  cr_assert_str_eq(req.url, "http://127.0.0.1:9999/v2/apps/42/users?q=a%20b%26c&ids=1&ids=2");
  cr_assert_eq(req.timeout_ms, 1234);
  cr_assert_str_eq(hdr("Content-Type"), "application/x-www-form-urlencoded");
  body_is("name=a%26b%20c&n=5");
  build("create [missing_field #1 $.name]");
  body_is("n=5");
  build("create [invalid_utf8]");
  body_is("name=a%26%C3%28b%20c&n=5");
}

Test(fault_build, credential_schemes) {
  fx.suite.profile.auth.scheme = GT_AUTH_BASIC;
  cJSON *old = vars; /* setup's, which scope.suite_vars reads */
  vars = cJSON_Parse("{\"TOKEN\":\"Aladdin:open sesame\",\"app\":\"42\",\"n\":5}");
  scope.suite_vars = vars;
  build("list [valid]");
  cr_assert_str_eq(hdr("Authorization"), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  char *red = gt_secrets_redact_dup(secrets, "QWxhZGRpbjpvcGVuIHNlc2FtZQ==", 28);
  cr_assert_str_eq(red, "${TOKEN}");
  free(red);
  build("list [malformed_auth #2 wrong scheme]");
  cr_assert_str_eq(hdr("Authorization"), "Bearer QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  build("list [malformed_auth #1 empty basic]"); /* named after the scheme */
  cr_assert_str_eq(hdr("Authorization"), "Basic ");
  cJSON_Delete(old);

  fx.suite.profile.auth.scheme = GT_AUTH_HEADER;
  fx.suite.profile.auth.header = "X-Api-Key";
  build("list [valid]");
  cr_assert_str_eq(hdr("X-Api-Key"), "Aladdin:open sesame");
  cr_assert_null(hdr("Authorization"));
  build("list [malformed_auth #1 empty X-Api-Key]");
  cr_assert_str_eq(hdr("X-Api-Key"), "");
  build("list [malformed_auth #2 wrong scheme]");
  cr_assert_str_eq(hdr("X-Api-Key"), "Bearer Aladdin:open sesame");
  build("list [malformed_auth #3 trailing extra]");
  cr_assert_str_eq(hdr("X-Api-Key"), "Aladdin:open sesame extra");

  fx.suite.scenarios[1].request.auth = false;
  gt_http_request v = {0};
  gt_err err = {0};
  cr_assert(gt_case_build_valid(&ctx, find("list [valid]"), &v, &err));
  cr_assert_null(gt_http_request_header(&v, "X-Api-Key"));
  gt_http_request_free(&v);
}

Test(fault_build, auth_mutations_bearer) {
  build("list [unauthenticated]");
  cr_assert_null(hdr("Authorization"));
  cr_assert_str_eq(req.url, "https://api.example.com/v2/apps");

  build("list [invalid_token]");
  const char *v = hdr("Authorization");
  cr_assert_eq(strncmp(v, "Bearer ", 7), 0);
  const char *forged = v + 7;
  cr_assert_eq(strlen(forged), strlen(TOKEN));
  cr_assert_str_neq(forged, TOKEN);
  for (size_t i = 0; i < strlen(TOKEN); i++) { /* same class per character */
    char a = TOKEN[i], b = forged[i];
    cr_assert((a >= 'a' && a <= 'z') == (b >= 'a' && b <= 'z'));
    cr_assert((a >= 'A' && a <= 'Z') == (b >= 'A' && b <= 'Z'));
    cr_assert((a >= '0' && a <= '9') == (b >= '0' && b <= '9'));
  }

  build("list [malformed_auth #1 empty bearer]");
  cr_assert_str_eq(hdr("Authorization"), "Bearer ");
  build("list [malformed_auth #2 wrong scheme]");
  cr_assert_str_eq(hdr("Authorization"), "Basic " TOKEN);
  build("list [malformed_auth #3 trailing extra]");
  cr_assert_str_eq(hdr("Authorization"), "Bearer " TOKEN " extra");

  build("list [token_in_query]");
  cr_assert_null(hdr("Authorization"));
  cr_assert_str_eq(req.url, "https://api.example.com/v2/apps?access_token=" TOKEN);
  build("create [token_in_query]");
  cr_assert_str_eq(req.url, VALID_URL "&access_token=" TOKEN);
}

/* A JWT credential signed with "k" carrying sub and channel. */
static char *setup_jwt(void) {
  cJSON *claims = cJSON_Parse("{\"sub\":\"u1\",\"channel\":\"old\"}");
  char *jwt = gt_jwt_mint(NULL, claims, "k");
  cJSON_Delete(claims);
  cJSON_ReplaceItemInObject(vars, "TOKEN", cJSON_CreateString(jwt));
  cJSON_AddStringToObject(vars, "SECRET", "k");
  fx.suite.profile.auth.jwt = true;
  fx.suite.profile.auth.jwt_secret = Y("${SECRET}");
  fx.suite.profile.auth.jwt_claims = Y("{channel: web, tenant: t9}");
  return jwt;
}

static char *sent_jwt(void) {
  const char *v = hdr("Authorization");
  cr_assert_not_null(v);
  cr_assert_eq(strncmp(v, "Bearer ", 7), 0);
  return strdup(v + 7);
}

Test(fault_build, jwt_forgeries) {
  char *jwt = setup_jwt();
  build("list [valid]");
  char *t = sent_jwt();
  cr_assert_str_eq(t, jwt);
  cr_assert(gt_jwt_verify(t, "k"));
  free(t);

  build("list [jwt_alg_none]");
  t = sent_jwt();
  const char *payload = strchr(jwt, '.'); /* ".payload.sig" */
  size_t plen = (size_t)(strrchr(jwt, '.') - payload) + 1;
  cr_assert_eq(strncmp(t, "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0", 35), 0);
  cr_assert_eq(strncmp(t + 35, payload, plen), 0);
  cr_assert_eq(strlen(t), 35 + plen); /* empty signature */
  free(t);

  build("list [jwt_bad_signature]");
  t = sent_jwt();
  cr_assert_eq(strlen(t), strlen(jwt));
  const char *sig = strrchr(jwt, '.');
  cr_assert_eq(strncmp(t, jwt, (size_t)(sig - jwt) + 1), 0); /* header.payload kept */
  cr_assert_str_neq(t, jwt);
  cr_assert_not(gt_jwt_verify(t, "k"));
  cr_assert(gt_jwt_decode(t, NULL, NULL));
  free(t);

  build("list [jwt_expired]");
  t = sent_jwt();
  cr_assert(gt_jwt_verify(t, "k"));
  cJSON *p = NULL;
  cr_assert(gt_jwt_decode(t, NULL, &p));
  cr_assert_eq(cJSON_GetObjectItem(p, "exp")->valuedouble, 1700000000 - 3600);
  cr_assert_eq(cJSON_GetObjectItem(p, "iat")->valuedouble, 1700000000 - 7200);
  cr_assert_str_eq(cJSON_GetObjectItem(p, "sub")->valuestring, "u1");      /* from the token */
  cr_assert_str_eq(cJSON_GetObjectItem(p, "channel")->valuestring, "web"); /* jwt_claims win */
  cr_assert_str_eq(cJSON_GetObjectItem(p, "tenant")->valuestring, "t9");
  cJSON_Delete(p);
  /* a minted token is registered as a secret */
  char *red = gt_secrets_redact_dup(secrets, t, strlen(t));
  cr_assert_null(strstr(red, t));
  free(red);
  free(t);

  build("list [jwt_missing_claim #1 channel]");
  t = sent_jwt();
  cr_assert(gt_jwt_verify(t, "k"));
  cr_assert(gt_jwt_decode(t, NULL, &p));
  cr_assert_null(cJSON_GetObjectItem(p, "channel"));
  cr_assert_str_eq(cJSON_GetObjectItem(p, "tenant")->valuestring, "t9");
  cr_assert_eq(cJSON_GetObjectItem(p, "exp")->valuedouble, 1700000000 + 3600);
  cJSON_Delete(p);
  free(t);
  build("list [jwt_missing_claim #2 tenant]");
  t = sent_jwt();
  cr_assert(gt_jwt_decode(t, NULL, &p));
  cr_assert_null(cJSON_GetObjectItem(p, "tenant"));
  cr_assert_str_eq(cJSON_GetObjectItem(p, "channel")->valuestring, "web");
  cJSON_Delete(p);
  free(t);

  build("list [invalid_token]"); /* dots kept where the JWT has them */
  t = sent_jwt();
  cr_assert_eq(strlen(t), strlen(jwt));
  cr_assert_eq(strchr(t, '.') - t, strchr(jwt, '.') - jwt);
  cr_assert_eq(strrchr(t, '.') - t, strrchr(jwt, '.') - jwt);
  free(t);
  free(jwt);
}

Test(fault_build, http_only_loopback_keeps_credential) {
  ctx.base_url = "https://127.0.0.1:8443/v2";
  build("list [http_only]");
  cr_assert_str_eq(req.url, "http://127.0.0.1:8080/v2/apps");
  cr_assert_str_eq(hdr("Authorization"), "Bearer " TOKEN);
  fx.suite.profile.transport.http_port = 80;
  build("list [http_only]");
  cr_assert_str_eq(req.url, "http://127.0.0.1/v2/apps");
}

static bool contains(const char *hay, size_t len, const char *needle) {
  return hay && memmem(hay, len, needle, strlen(needle)) != NULL;
}

Test(fault_build, http_only_remote_sends_a_decoy) {
  fx.suite.scenarios[0].request.headers = Y("{X-Echo: \"k=${TOKEN}\"}");
  fx.suite.scenarios[0].request.body = Y("{token: \"${TOKEN}\", x: 1}");
  build("create [http_only]");
  cr_assert_str_eq(req.url, "http://api.example.com:8080/v2/apps/42/users?q=a%20b%26c&ids=1&ids=2");
  const char *a = hdr("Authorization");
  cr_assert_eq(strlen(a), strlen("Bearer " TOKEN));
  cr_assert_null(strstr(a, TOKEN));
  /* the real token appears nowhere in the request */
  cr_assert_not(contains(req.url, strlen(req.url), TOKEN));
  for (size_t i = 0; i < req.n_headers; i++)
    cr_assert_not(contains(req.headers[i].value, strlen(req.headers[i].value), TOKEN), "%s",
                  req.headers[i].name);
  cr_assert_not(contains(req.body, req.body_len, TOKEN));
  /* ... unless the profile asks for the real credential */
  fx.suite.profile.transport.http_probe_real = true;
  build("create [http_only]");
  cr_assert_str_eq(hdr("Authorization"), "Bearer " TOKEN);
}

Test(fault_build, body_mutations) {
  build("create [malformed_json]");
  size_t n = strlen(VALID_BODY);
  cr_assert_eq(req.body_len, n / 2);
  cr_assert_eq(memcmp(req.body, VALID_BODY, n / 2), 0);
  cr_assert_str_eq(hdr("Content-Type"), "application/json");

  build("create [wrong_content_type]");
  cr_assert_str_eq(hdr("Content-Type"), "text/plain");
  body_is(VALID_BODY);

  build("create [invalid_utf8]"); /* inside the first string value, "ann" */
  body_is(
      "{\"user\":{\"id\":7,\"name\":\"a\xC3\x28nn\"},\"count\":5,\"active\":true,\"note\":null}");

  build("create [empty_body]");
  cr_assert_not_null(req.body);
  cr_assert_eq(req.body_len, 0);
  cr_assert_str_eq(hdr("Content-Type"), "application/json");

  build("create [missing_field #1 $.user]");
  body_is("{\"count\":5,\"active\":true,\"note\":null}");
  build("create [missing_field #4 $.note]");
  body_is("{\"user\":{\"id\":7,\"name\":\"ann\"},\"count\":5,\"active\":true}");

  build("create [wrong_type #1 $.user]");
  body_is("{\"user\":[],\"count\":5,\"active\":true,\"note\":null}");
  build("create [wrong_type #2 $.user.id]");
  body_is("{\"user\":{\"id\":\"not-a-number\",\"name\":\"ann\"},\"count\":5,\"active\":true,"
          "\"note\":null}");
  build("create [wrong_type #3 $.user.name]");
  body_is("{\"user\":{\"id\":7,\"name\":12345},\"count\":5,\"active\":true,\"note\":null}");
  build("create [wrong_type #5 $.active]");
  body_is("{\"user\":{\"id\":7,\"name\":\"ann\"},\"count\":5,\"active\":\"true\",\"note\":null}");
  build("create [wrong_type #6 $.note]");
  body_is("{\"user\":{\"id\":7,\"name\":\"ann\"},\"count\":5,\"active\":true,\"note\":12345}");
}

Test(fault_build, invalid_utf8_without_strings_and_raw) {
  fx.suite.scenarios[0].request.body = Y("{a: 1}");
  build("create [invalid_utf8]");
  body_is("{\"a\":1,\"gauntlet_probe\":\"\xC3\x28\"}");
  fx.suite.scenarios[0].request.body_kind = GT_BODY_RAW;
  fx.suite.scenarios[0].request.body = Y("abcd");
  build("create [invalid_utf8]");
  body_is("ab\xC3\x28"
          "cd");
}

Test(fault_build, missing_field_required_path) {
  gt_scenario *sc = &fx.suite.scenarios[0];
  gt_err err = {0};
  sc->request.n_required = 1;
  sc->request.required = calloc(1, sizeof(char *));
  sc->request.required_paths = calloc(1, sizeof(gt_jsonpath *));
  sc->request.required[0] = strdup("$.user.name");
  sc->request.required_paths[0] = gt_jsonpath_compile("$.user.name", &err);
  cr_assert_not_null(sc->request.required_paths[0], "%s", err.msg);
  build("create [missing_field #1 $.user.name]");
  body_is("{\"user\":{\"id\":7},\"count\":5,\"active\":true,\"note\":null}");
}

Test(fault_build, oversized_body) {
  fx.suite.profile.limits.max_body = 1000;
  build("create [oversized_body]");
  cr_assert_eq(req.body_len, 1001);
  /* a real string field grows (user.name: the body has no top-level string);
   * every other field is kept, no padding field is added */
  cJSON *j = cJSON_ParseWithLength(req.body, req.body_len);
  cr_assert_not_null(j);
  const cJSON *name = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "user"), "name");
  cr_assert(cJSON_IsString(name));
  cr_assert_eq(strncmp(name->valuestring, "annaaaa", 7), 0);
  cr_assert_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "user"), "id")->valueint, 7);
  cr_assert_eq(cJSON_GetObjectItem(j, "count")->valueint, 5);
  cr_assert_null(cJSON_GetObjectItem(j, "gauntlet_padding"));
  cJSON_Delete(j);
  cr_assert_str_eq(hdr("Content-Type"), "application/json");
  fx.suite.profile.limits.max_body = 0; /* default 8 MiB */
  build("create [oversized_body]");
  cr_assert_eq(req.body_len, ((size_t)8 << 20) + 1);
}

/* A required string field is padded first; a body without any string gets a
 * padding field next to its own; a form grows its first field. */
Test(fault_build, oversized_body_field_choice) {
  gt_scenario *sc = &fx.suite.scenarios[0];
  gt_err err = {0};
  fx.suite.profile.limits.max_body = 200;
  sc->request.body = Y("{key: k1, value: v1, owner: {id: u1}}");
  sc->request.n_required = 1;
  sc->request.required = calloc(1, sizeof(char *));
  sc->request.required_paths = calloc(1, sizeof(gt_jsonpath *));
  sc->request.required[0] = strdup("$.owner.id");
  sc->request.required_paths[0] = gt_jsonpath_compile("$.owner.id", &err);
  build("create [oversized_body]");
  cr_assert_eq(req.body_len, 201);
  cJSON *j = cJSON_ParseWithLength(req.body, req.body_len);
  cr_assert_str_eq(cJSON_GetObjectItem(j, "key")->valuestring, "k1");
  cr_assert_eq(
      strncmp(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "owner"), "id")->valuestring, "u1aaa", 5),
      0);
  cJSON_Delete(j);
  gt_http_request_free(&req);
  sc->request.body = Y("{n: 1, ok: true}");
  build("create [oversized_body]");
  cr_assert_eq(req.body_len, 201);
  j = cJSON_ParseWithLength(req.body, req.body_len);
  cr_assert_eq(cJSON_GetObjectItem(j, "n")->valueint, 1);
  cr_assert(cJSON_IsString(cJSON_GetObjectItem(j, "gauntlet_padding")));
  cJSON_Delete(j);
  gt_http_request_free(&req);
  sc->request.body_kind = GT_BODY_FORM;
  sc->request.body = Y("{name: ann, n: 5}");
  build("create [oversized_body]");
  cr_assert_eq(req.body_len, 201);
  cr_assert_eq(strncmp(req.body, "name=annaaa", 11), 0, "%.40s", req.body);
  cr_assert(strstr(req.body, "&n=5"));
}

Test(fault_build, target_mutations) {
  build("list [unknown_path]");
  regex_t re;
  /* Deeper than the suite's deepest path (/apps/${app}/users): no template matches. */
  cr_assert_eq(regcomp(&re,
                       "^https://api\\.example\\.com/v2/apps/gauntlet-[0-9a-f]{8}/unknown/unknown$",
                       REG_EXTENDED | REG_NOSUB),
               0);
  cr_assert_eq(regexec(&re, req.url, 0, NULL, 0), 0, "%s", req.url);
  regfree(&re);

  build("list [wrong_method #1 POST]");
  cr_assert_str_eq(req.method, "POST");
  cr_assert_str_eq(req.url, "https://api.example.com/v2/apps");
  build("create [wrong_method #1 GET]");
  cr_assert_str_eq(req.method, "GET");

  build("list [bad_percent_encoding]");
  cr_assert_str_eq(req.url, "https://api.example.com/v2/apps%ZZ");
  build("create [bad_percent_encoding]");
  cr_assert_str_eq(req.url, "https://api.example.com/v2/apps/42/users%ZZ?q=a%20b%26c&ids=1&ids=2");

  build("create [unversioned #1 prefix removed]");
  cr_assert_str_eq(req.url, "https://api.example.com/apps/42/users?q=a%20b%26c&ids=1&ids=2");
  cr_assert_null(hdr("Accept-Version"));
  build("create [unversioned #2 Accept-Version header]");
  cr_assert_str_eq(req.url, "https://api.example.com/apps/42/users?q=a%20b%26c&ids=1&ids=2");
  cr_assert_str_eq(hdr("Accept-Version"), "2");
  build("create [unversioned #3 X-API-Version header]");
  cr_assert_str_eq(hdr("X-API-Version"), "2");

  ctx.base_url = "https://h.example/api/v2";
  fx.suite.scenarios[1].request.path = Y("/");
  build("list [unversioned #1 prefix removed]");
  cr_assert_str_eq(req.url, "https://h.example/api/");
}

Test(fault_build, version_digits) {
  char *d = gt_version_digits("/v2");
  cr_assert_str_eq(d, "2");
  free(d);
  d = gt_version_digits("/api/v1.10");
  cr_assert_str_eq(d, "1.10");
  free(d);
  d = gt_version_digits("/beta");
  cr_assert_str_eq(d, "beta");
  free(d);
}

Test(fault_build, cors_preflight) {
  build("create [cors_preflight]");
  cr_assert_str_eq(req.method, "OPTIONS");
  cr_assert_str_eq(req.url, VALID_URL);
  cr_assert_null(hdr("Authorization"));
  cr_assert_null(hdr("Content-Type"));
  cr_assert_null(req.body);
  cr_assert_str_eq(hdr("Origin"), "https://gauntlet.example");
  cr_assert_str_eq(hdr("Access-Control-Request-Method"), "POST");
  cr_assert_str_eq(hdr("Access-Control-Request-Headers"), "authorization,content-type");
}

Test(fault_build, rate_limit_is_the_valid_request) {
  fx.suite.profile.limits.rate_limit = Y("3");
  build("create [rate_limit]");
  cr_assert_str_eq(req.url, VALID_URL);
  body_is(VALID_BODY);
}

#define HEAD_START                                                                                 \
  "POST /v2/apps/42/users?q=a%20b%26c&ids=1&ids=2 HTTP/1.1\r\nHost: api.example.com\r\n"
#define HEAD_HEADERS                                                                               \
  "Accept: text/html\r\nX-Client: gauntlet\r\nX-Trace: t1\r\nContent-Type: "                       \
  "application/json\r\nAuthorization: Bearer " TOKEN "\r\n"

static void raw_is(const char *want, size_t len) {
  cr_assert_not_null(req.raw);
  cr_assert_eq(req.raw_len, len, "raw (%zu): %.*s", req.raw_len, (int)req.raw_len, req.raw);
  cr_assert_eq(memcmp(req.raw, want, len), 0, "raw: %.*s", (int)req.raw_len, req.raw);
}
#define RAW_IS(lit) raw_is(lit, sizeof(lit) - 1)

Test(fault_build, raw_truncated_and_slow) {
  build("create [truncated_body]");
  char cl[64];
  snprintf(cl, sizeof cl, "%zu", strlen(VALID_BODY) + 100);
  cr_assert_str_eq(cl, "166");
  RAW_IS(HEAD_START HEAD_HEADERS "Content-Length: 166\r\nConnection: close\r\n\r\n" VALID_BODY);
  cr_assert(req.raw_close_after);
  cr_assert_str_eq(req.url, VALID_URL); /* where to connect */

  build("create [slow_body]");
  RAW_IS(HEAD_START HEAD_HEADERS "Content-Length: 66\r\nConnection: close\r\n\r\n" VALID_BODY);
  cr_assert_not(req.raw_close_after);
  cr_assert_eq(req.raw_split_at, req.raw_len - strlen(VALID_BODY));
  cr_assert(req.raw_chunk >= 1 && req.raw_chunk <= 16);
  size_t steps = (strlen(VALID_BODY) + req.raw_chunk - 1) / req.raw_chunk;
  long total = (long)steps * req.raw_delay_ms;
  cr_assert(total >= 1000 && total <= 2000, "trickle %ld ms", total);
  ctx.timeout_ms = 400; /* bounded by the timeout */
  build("create [slow_body]");
  total = (long)((strlen(VALID_BODY) + req.raw_chunk - 1) / req.raw_chunk) * req.raw_delay_ms;
  cr_assert_leq(total, 200);
}

/* The request pipelined behind every wire_* fault: the liveness request,
 * `Connection: close`. "create" is a POST: a GET of the base URL; "list" is a
 * GET: its own valid request. */
#define PIPELINED_CREATE                                                                           \
  "GET /v2 HTTP/1.1\r\nHost: api.example.com\r\nAccept: application/json\r\nX-Client: "            \
  "gauntlet\r\nAuthorization: Bearer " TOKEN "\r\nConnection: close\r\n\r\n"
#define PIPELINED_LIST                                                                             \
  "GET /v2/apps HTTP/1.1\r\nHost: api.example.com\r\nAccept: application/json\r\nX-Client: "       \
  "gauntlet\r\nAuthorization: Bearer " TOKEN "\r\nConnection: close\r\n\r\n"

/* The hidden request's path in req.raw: /gauntlet-smuggled- and 8 hex digits. */
static void hidden_path(char out[64]) {
  const char *p = memmem(req.raw, req.raw_len, "/gauntlet-smuggled-", 19);
  cr_assert_not_null(p, "no hidden request");
  cr_assert_eq(strspn(p + 19, "0123456789abcdef"), 8);
  snprintf(out, 64, "%.27s", p);
}

static void pipelined_at_end(const char *pipelined) {
  size_t n = strlen(pipelined);
  cr_assert_geq(req.raw_len, n);
  cr_assert_eq(req.raw_pipelined_at, req.raw_len - n);
  cr_assert_eq(memcmp(req.raw + req.raw_pipelined_at, pipelined, n), 0, "raw: %.*s",
               (int)req.raw_len, req.raw);
  cr_assert_not_null(req.raw_note);
}

Test(fault_build, raw_wire_framing) {
  char path[64], want[4096], hidden[256];
  build("create [wire_dup_content_length]");
  hidden_path(path);
  snprintf(hidden, sizeof hidden, "GET %s HTTP/1.1\r\nHost: api.example.com\r\n\r\n", path);
  snprintf(want, sizeof want, "%s%sContent-Length: 66\r\nContent-Length: %zu\r\n\r\n%s%s%s",
           HEAD_START, HEAD_HEADERS, 66 + strlen(hidden), VALID_BODY, hidden, PIPELINED_CREATE);
  raw_is(want, strlen(want));
  pipelined_at_end(PIPELINED_CREATE);
  cr_assert(strstr(req.raw_note, path), "%s", req.raw_note);

  build("create [wire_cl_te #1 CL.TE]");
  hidden_path(path);
  snprintf(hidden, sizeof hidden, "GET %s HTTP/1.1\r\nHost: api.example.com\r\n\r\n", path);
  {
    char payload[1024];
    snprintf(payload, sizeof payload, "42\r\n%s\r\n0\r\n\r\n%s", VALID_BODY, hidden);
    snprintf(want, sizeof want, "%s%sContent-Length: %zu\r\nTransfer-Encoding: chunked\r\n\r\n%s%s",
             HEAD_START, HEAD_HEADERS, strlen(payload), payload, PIPELINED_CREATE);
    raw_is(want, strlen(want));
  }

  build("create [wire_cl_te #2 TE.CL]");
  hidden_path(path);
  {
    char chunk[512], size_line[16];
    snprintf(chunk, sizeof chunk,
             "POST %s HTTP/1.1\r\nHost: api.example.com\r\nContent-Type: text/plain\r\n"
             "Content-Length: 7\r\n\r\n",
             path);
    snprintf(size_line, sizeof size_line, "%zx\r\n", strlen(chunk));
    snprintf(want, sizeof want,
             "%s%sContent-Length: %zu\r\nTransfer-Encoding: chunked\r\n\r\n%s%s\r\n0\r\n\r\n%s",
             HEAD_START, HEAD_HEADERS, strlen(size_line), size_line, chunk, PIPELINED_CREATE);
    raw_is(want, strlen(want));
  }

  build("create [wire_bad_chunk]");
  RAW_IS(HEAD_START HEAD_HEADERS "Transfer-Encoding: chunked\r\n\r\nzz\r\n" VALID_BODY
                                 "\r\n0\r\n\r\n" PIPELINED_CREATE);

  build("create [wire_bare_lf]"); /* the pipelined request keeps its CRLFs */
  RAW_IS("POST /v2/apps/42/users?q=a%20b%26c&ids=1&ids=2 HTTP/1.1\nHost: api.example.com\n"
         "Accept: text/html\nX-Client: gauntlet\nX-Trace: t1\nContent-Type: application/json\n"
         "Authorization: Bearer " TOKEN "\nContent-Length: 66\n\n" VALID_BODY PIPELINED_CREATE);

  build("create [wire_obs_fold]");
  RAW_IS(HEAD_START HEAD_HEADERS "X-Gauntlet-Fold: first\r\n second\r\nContent-Length: "
                                 "66\r\n\r\n" VALID_BODY PIPELINED_CREATE);

  build("create [wire_nul_header]");
  RAW_IS(HEAD_START HEAD_HEADERS
         "X-Gauntlet-Nul: a\0b\r\nContent-Length: 66\r\n\r\n" VALID_BODY PIPELINED_CREATE);

  build("list [wire_huge_header]");
  const char *h = memmem(req.raw, req.raw_len, "X-Gauntlet-Huge: ", 17);
  cr_assert_not_null(h);
  cr_assert_eq(strspn(h + 17, "a"), 65536);
  cr_assert_eq(memcmp(h + 17 + 65536, "\r\n\r\n" PIPELINED_LIST, 4 + sizeof PIPELINED_LIST - 1), 0);
  pipelined_at_end(PIPELINED_LIST);

  build("list [wire_long_uri]");
  cr_assert_eq(strncmp(req.raw, "GET /v2/apps/aaaa", 17), 0);
  cr_assert_eq(strspn(req.raw + 13, "a"), 65536);
  cr_assert_eq(strncmp(req.raw + 13 + 65536, " HTTP/1.1\r\nHost: api.example.com\r\n", 34), 0);
  pipelined_at_end(PIPELINED_LIST);

  /* truncated_body and slow_body close after themselves: nothing pipelined */
  build("create [truncated_body]");
  cr_assert_eq(req.raw_pipelined_at, 0);
  cr_assert(memmem(req.raw, req.raw_len, "Connection: close\r\n\r\n", 21));
}

Test(fault_build, raw_wire_without_body_sends_a_small_one) {
  build("list [wire_bad_chunk]");
  RAW_IS("GET /v2/apps HTTP/1.1\r\nHost: api.example.com\r\nAccept: application/json\r\n"
         "X-Client: gauntlet\r\nAuthorization: Bearer " TOKEN "\r\n"
         "Transfer-Encoding: "
         "chunked\r\n\r\nzz\r\n{\"gauntlet\":\"probe\"}\r\n0\r\n\r\n" PIPELINED_LIST);
  build("list [wire_bare_lf]"); /* no body: no Content-Length */
  cr_assert_null(memmem(req.raw, req.raw_pipelined_at, "Content-Length", 14));
  cr_assert_null(memchr(req.raw, '\r', req.raw_pipelined_at));
}

Test(fault_build, same_seed_same_bytes) {
  static const char *const names[] = {
      "list [invalid_token]", "list [unknown_path]", "create [wire_cl_te #1 CL.TE]",
      "create [wire_cl_te #2 TE.CL]", "create [wrong_type #2 $.user.id]"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    build(names[i]);
    char *url1 = strdup(req.url);
    char *auth1 = strdup(hdr("Authorization") ? hdr("Authorization") : "");
    size_t raw_len = req.raw_len;
    build(names[i]);
    cr_assert_str_eq(req.url, url1);
    cr_assert_str_eq(hdr("Authorization") ? hdr("Authorization") : "", auth1);
    cr_assert_eq(req.raw_len, raw_len);
    free(url1);
    free(auth1);
  }
  build("list [invalid_token]");
  char *a = strdup(hdr("Authorization"));
  build("list [unknown_path]");
  char *u = strdup(req.url);
  ctx.seed = 8;
  build("list [invalid_token]");
  cr_assert_str_neq(hdr("Authorization"), a);
  build("list [unknown_path]");
  cr_assert_str_neq(req.url, u);
  free(a);
  free(u);
}

/* Everything a request puts on the wire, in one string (caller frees). */
static char *wire_of(const gt_http_request *r) {
  char *out = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&out, &n);
  fprintf(f, "%s %s\n", r->method, r->url);
  for (size_t i = 0; i < r->n_headers; i++)
    fprintf(f, "%s: %s\n", r->headers[i].name, r->headers[i].value);
  if (r->body) fwrite(r->body, 1, r->body_len, f);
  fputs("\n--raw--\n", f);
  if (r->raw) fwrite(r->raw, 1, r->raw_len, f);
  fclose(f);
  return out;
}

/* The repro guarantee: `gauntlet run --seed N --now-ms T --case ID` builds the
 * same bytes as the run that printed it. Every case of the whole catalogue,
 * minted tokens and ${gen.*} values included, built once on the real clock,
 * then again with the clock pinned to what the first build reported. */
Test(fault_build, replay_with_seed_and_clock_is_byte_identical) {
  char *jwt = setup_jwt();
  fx.suite.scenarios[0].request.body =
      Y("{user: {id: 7, name: ann}, count: \"${n}\", ref: \"${gen.uuid}\", "
        "key: \"k-${gen.hex16}\", at: \"${gen.now_ms}\", iso: \"${gen.now_iso}\"}");
  fx.suite.profile.limits.rate_limit = Y("5");
  ctx.now = 0;
  gt_err err = {0};
  gt_expand_opts o = {.faults = "all"};
  gt_case_list_free(&cases);
  cr_assert(gt_cases_expand(&fx.suite, &o, &cases, &err), "%s", err.msg);
  size_t built = 0, clocked = 0;
  for (size_t i = 0; i < cases.count; i++) {
    const gt_case *c = &cases.items[i];
    if (c->skip_reason) continue;
    ctx.now_ms = 0;
    gt_http_request_free(&req);
    cr_assert(gt_case_build(&ctx, c, &req, &err), "%s: %s", c->name, err.msg);
    char *first = wire_of(&req);
    long long clock = req.clock_ms;
    bool minted = c->fault == GT_FAULT_JWT_EXPIRED || c->fault == GT_FAULT_JWT_MISSING_CLAIM;
    bool gen_body = c->scenario == 0;
    if (minted || gen_body)
      cr_assert_gt(clock, 0, "%s: the clock it used is not reported", c->name);
    clocked += clock != 0;
    ctx.now_ms = clock;
    usleep(2000); /* the real clock moved on: only the pinned one can give the same bytes */
    gt_http_request_free(&req);
    cr_assert(gt_case_build(&ctx, c, &req, &err), "%s: %s", c->name, err.msg);
    char *again = wire_of(&req);
    cr_assert_str_eq(again, first, "%s: the replay sends other bytes", c->name);
    free(first);
    free(again);
    built++;
  }
  cr_assert_gt(built, 40, "only %zu cases built", built);
  cr_assert_gt(clocked, 20);
  /* and a generated value differs between seeds */
  const gt_case *v = find("create [valid]");
  ctx.now_ms = 1700000000123;
  gt_http_request_free(&req);
  cr_assert(gt_case_build(&ctx, v, &req, &err));
  char *a = wire_of(&req);
  cr_assert(strstr(a, "\"at\":1700000000123"), "%s", a);
  cr_assert(strstr(a, "\"iso\":\"2023-11-14T22:13:20.123Z\""), "%s", a);
  ctx.seed = 8;
  gt_http_request_free(&req);
  cr_assert(gt_case_build(&ctx, v, &req, &err));
  char *b = wire_of(&req);
  cr_assert_str_neq(a, b);
  free(a);
  free(b);
  free(jwt);
}

Test(fault_build, errors_are_values) {
  gt_err err = {0};
  const gt_case *c = find("list [jwt_alg_none]"); /* skipped: not a JWT profile */
  cr_assert_not_null(c->skip_reason);
  cr_assert_not(gt_case_build(&ctx, c, &req, &err));
  fx.suite.profile.auth.jwt = true; /* but the token is not a JWT */
  c = find("list [jwt_alg_none]");
  cr_assert_not(gt_case_build(&ctx, c, &req, &err));
  cr_assert_eq(err.kind, GT_ERR_INPUT);
  cr_assert_not_null(strstr(err.msg, "not a JWT"));
  fx.suite.scenarios[1].request.path = Y("/apps/${undefined_var}");
  c = find("list [valid]");
  cr_assert_not(gt_case_build(&ctx, c, &req, &err));
  cr_assert_eq(err.kind, GT_ERR_INPUT);
  fx.suite.base_url = NULL;
  fx.suite.scenarios[1].request.path = Y("/apps");
  c = find("list [valid]");
  cr_assert_not(gt_case_build(&ctx, c, &req, &err));
  cr_assert_not_null(strstr(err.msg, "base_url"));
}
