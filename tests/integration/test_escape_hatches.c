/* test_escape_hatches.c — what a user needs on servers built otherwise:
 * per-scenario `checks:` (a check off, another content type, a matcher),
 * transport.content_type as a matcher, per-scenario `auth:` (Basic or a
 * header key inside a bearer API, or none), a valid request under a token
 * minted with custom claims (claim types as written), and `list --explain`.
 * Each against a real target_api with the defect that makes it necessary;
 * the exact outcome of every case is asserted. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#define TOKEN "t0k3n-secret-value"
#define JWT_SECRET "jwt-test-secret-0123456789"

typedef struct run {
  char *dir;
  ts_target t;
  int port;
  ts_gauntlet g;
  ts_junit j;
  char *log;
} run;

static void run_fixture(run *r, const char *fixture, const char *const targs[],
                        const char *const args_extra[]) {
  memset(r, 0, sizeof *r);
  r->dir = ts_tempdir();
  cr_assert(ts_api_start(&r->t, r->dir, &r->port, targs), "target_api did not start");
  char *base = ts_fmt("BASE_URL=http://127.0.0.1:%d", r->port);
  char *jwt =
      ts_jwt_mint("{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
                  "{\"sub\":\"tester\",\"channel\":\"gauntlet\",\"exp\":4102444800}", JWT_SECRET);
  char *jwt_env = ts_fmt("API_JWT=%s", jwt);
  const char *env[] = {base,
                       "API_TOKEN=" TOKEN,
                       jwt_env,
                       "API_JWT_SECRET=" JWT_SECRET,
                       "BASIC_CRED=alice:open sesame",
                       "OTHER_KEY=k-other-123",
                       NULL};
  char *junit = ts_fmt("%s/junit.xml", r->dir);
  char *suite = ts_fmt("%s/tests/fixtures/integration/%s", SOURCE_DIR, fixture);
  const char *args[16] = {"run", "-q", "--seed", "5", "--junit", junit};
  size_t k = 6;
  for (size_t i = 0; args_extra && args_extra[i]; i++)
    args[k++] = args_extra[i];
  args[k++] = suite;
  args[k] = NULL;
  ts_gauntlet_run(&r->g, r->dir, args, env, 120000);
  cr_assert(ts_junit_load(junit, &r->j), "no report\n%s\n%s", r->g.out, r->g.err);
  r->log = ts_read_file(r->t.log, NULL);
  free(base);
  free(jwt);
  free(jwt_env);
  free(junit);
  free(suite);
}

static void run_free(run *r) {
  cr_expect(ts_target_stop(&r->t));
  ts_junit_free(&r->j);
  ts_gauntlet_free(&r->g);
  free(r->log);
  ts_rmtree(r->dir);
  free(r->dir);
}

#define EXPECT(r, name, outcome, checks)                                                           \
  do {                                                                                             \
    char *m_ = ts_case_mismatch(&(r)->j, name, outcome, checks);                                   \
    cr_expect_null(m_, "%s\n%s", m_, (r)->j.raw);                                                  \
    free(m_);                                                                                      \
  } while (0)

Test(escape_hatches, scenario_checks_content_type_matchers_and_own_credentials, .timeout = 180) {
  const char *targs[] = {"--defect", "wrong_content_type", "--defect", "accept_malformed_auth",
                         "--defect", "accept_no_token",    NULL};
  run r;
  run_fixture(&r, "escape.yaml", targs, NULL);
  cr_expect_eq(r.g.exit_code, 1, "%s", r.g.err);
  /* text/html is not one of the profile's two JSON media types */
  EXPECT(&r, "profile content type [valid]", TS_CASE_FAILURE, "content_type");
  EXPECT(&r, "scenario content type [valid]", TS_CASE_PASS, NULL);
  EXPECT(&r, "scenario content type matcher [valid]", TS_CASE_PASS, NULL);
  /* the scenario's checks apply to its fault cases too: only the status fails */
  EXPECT(&r, "scenario content type matcher [unauthenticated]", TS_CASE_FAILURE, "status");
  EXPECT(&r, "content type off [valid]", TS_CASE_PASS, NULL);
  /* Basic, a header key and no credential, inside a bearer API */
  EXPECT(&r, "basic route [valid]", TS_CASE_PASS, NULL);
  EXPECT(&r, "key route [valid]", TS_CASE_PASS, NULL);
  EXPECT(&r, "no credential here [valid]", TS_CASE_PASS, NULL);
  /* faults follow the scenario's scheme: #2 is the Basic credential under
   * Bearer, which the target rejects (401) */
  char *m = ts_prefix_mismatch(&r.j, "basic route [malformed_auth #2", TS_CASE_PASS, NULL);
  cr_expect_null(m, "%s", m);
  free(m);
  cr_expect_eq(r.j.n, 11, "%zu cases", r.j.n);
  cr_expect_null(strstr(r.j.raw, "open sesame"), "the Basic password leaked");
  cr_expect_null(strstr(r.j.raw, "k-other-123"), "the other key leaked");
  run_free(&r);
}

Test(escape_hatches, json_parses_off_for_one_scenario, .timeout = 120) {
  const char *targs[] = {"--defect", "invalid_json_body", NULL};
  run r;
  run_fixture(&r, "escape_json.yaml", targs, NULL);
  EXPECT(&r, "stream-like endpoint [valid]", TS_CASE_PASS, NULL);
  EXPECT(&r, "json endpoint [valid]", TS_CASE_FAILURE, "json_parses");
  run_free(&r);
}

/* The payload of "Bearer h.p.s" in a log line, decoded (caller frees). */
static char *payload_of(const char *bearer) {
  const char *d1 = strchr(bearer, '.');
  const char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
  if (!d2) return NULL;
  static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  size_t n = (size_t)(d2 - d1 - 1);
  char *out = calloc(n, 1);
  unsigned acc = 0;
  int bits = 0;
  size_t k = 0;
  for (const char *p = d1 + 1; p < d2; p++) {
    const char *at = strchr(abc, *p);
    if (!at) break;
    acc = acc << 6 | (unsigned)(at - abc);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[k++] = (char)(acc >> bits & 0xff);
    }
  }
  return out;
}

Test(escape_hatches, a_valid_request_under_a_token_minted_with_custom_claims, .timeout = 120) {
  const char *targs[] = {"--jwt-secret", JWT_SECRET, "--log-auth", NULL};
  run r;
  run_fixture(&r, "escape_mint.yaml", targs, NULL);
  cr_expect_eq(r.g.exit_code, 0, "%s\n%s", r.g.out, r.j.raw);
  EXPECT(&r, "as another user [valid]", TS_CASE_PASS, NULL);
  EXPECT(&r, "as another user [jwt_expired]", TS_CASE_PASS, NULL);
  /* the valid token: signed with the secret, the claims as written */
  bool seen = false;
  for (const char *p = r.log; p && (p = strstr(p, "auth: [Bearer ")); p++) {
    char *payload = payload_of(p + 14);
    if (payload && strstr(payload, "\"role\":\"admin\"") && !strstr(payload, "\"exp\":17")) {
      seen = true;
      cr_expect(strstr(payload, "\"sub\":\"42\""), "sub is not the string \"42\": %s", payload);
      cr_expect(strstr(payload, "\"channel\":\"gauntlet\""), "%s", payload);
    }
    free(payload);
  }
  cr_expect(seen, "no minted token with the custom claims reached the target:\n%s", r.log);
  run_free(&r);
}

Test(escape_hatches, list_explain_names_where_each_expectation_comes_from, .timeout = 60) {
  char *dir = ts_tempdir();
  char *suite = ts_fmt("%s/tests/fixtures/integration/escape.yaml", SOURCE_DIR);
  const char *env[] = {"BASE_URL=http://127.0.0.1:1", "API_TOKEN=" TOKEN, "BASIC_CRED=a:b",
                       "OTHER_KEY=k", NULL};
  const char *args[] = {"list", "--explain", suite, NULL};
  ts_gauntlet g;
  ts_gauntlet_run(&g, dir, args, env, 30000);
  cr_expect_eq(g.exit_code, 0, "%s", g.err);
  const char *want[] = {"escape \xe2\x80\xba scenario content type matcher [unauthenticated]\n"
                        "    status       401  [catalogue]\n"
                        "    error_shape  4xx/5xx body has errors.shape  [catalogue]\n",
                        "    content_type text/html  [scenario checks]\n",
                        "    content_type off  [scenario checks]\n",
                        "escape.yaml:12:19  [profile transport]\n", /* the !one_of matcher */
                        "    status       200  [scenario expect]\n",
                        NULL};
  for (size_t i = 0; want[i]; i++)
    cr_expect(strstr(g.out, want[i]), "missing:\n%s\nin:\n%s", want[i], g.out);
  const char *bad[] = {"list", "--explain", "--faults", "none", "--case", "x", suite, NULL};
  ts_gauntlet_free(&g);
  ts_gauntlet_run(&g, dir, bad, env, 30000);
  cr_expect_eq(g.exit_code, 2, "no case matches: exit 2");
  ts_gauntlet_free(&g);
  free(suite);
  ts_rmtree(dir);
  free(dir);
}
