/* test_run_secrets.c — secrets never appear: a failing --verbose run whose
 * target reflects every credential back in its responses. Neither stdout,
 * stderr nor the JUnit file may contain the token, the JWT secret, or any
 * part of a JWT that was sent (the target logs what it received). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#define JWT_SECRET "jwt-test-secret-0123456789"
#define TOKEN "t0k3n-secret-value"

static void expect_absent(const char *what, const char *needle, const char *out, const char *err,
                          const char *junit) {
  if (!needle || strlen(needle) < 8) return;
  cr_expect_null(strstr(out, needle), "%s appears on stdout", what);
  cr_expect_null(strstr(err, needle), "%s appears on stderr", what);
  cr_expect_null(strstr(junit, needle), "%s appears in the JUnit report", what);
}

/* Every credential the target received ("auth: [Bearer X] query: [Y]") that
 * verifies with the secret is a real credential (the valid token, or one
 * gauntlet minted for jwt_expired / jwt_missing_claim): none of its parts past
 * the header may appear. Forged tokens (random, altered signature, alg none)
 * carry no secret material beyond the parts checked elsewhere. */
static void expect_received_absent(const char *log, const char *out, const char *err,
                                   const char *junit) {
  const char *p = log;
  int guard = 0, checked = 0;
  while ((p = strstr(p, "auth: [")) && guard++ < 1000) {
    p += 7;
    const char *e = strchr(p, ']');
    if (!e) break;
    char *val = strndup(p, (size_t)(e - p));
    char *tok = strrchr(val, ' ') ? strrchr(val, ' ') + 1 : val;
    if (ts_jwt_signed_with(tok, JWT_SECRET)) {
      checked++;
      char *d1 = strchr(tok, '.');
      char *d2 = strchr(d1 + 1, '.');
      char *payload = strndup(d1 + 1, (size_t)(d2 - d1 - 1));
      expect_absent("the payload of a signed JWT that was sent", payload, out, err, junit);
      expect_absent("the signature of a signed JWT that was sent", d2 + 1, out, err, junit);
      expect_absent("a signed JWT that was sent", tok, out, err, junit);
      free(payload);
    }
    free(val);
  }
  cr_expect(checked >= 3, "expected the valid, expired and missing-claim tokens, saw %d", checked);
}

Test(run_secrets, failing_verbose_jwt_run_leaks_nothing, .timeout = 120) {
  char *dir = ts_tempdir();
  cr_assert(dir);
  ts_target t;
  int port;
  const char *targs[] = {"--jwt-secret",       JWT_SECRET, "--log-auth",           "--defect",
                         "accept_alg_none",    "--defect", "accept_bad_signature", "--defect",
                         "accept_expired",     "--defect", "accept_missing_claim", "--defect",
                         "accept_query_token", NULL};
  cr_assert(ts_api_start(&t, dir, &port, targs));
  /* A header unusual enough that its encoding cannot be a coincidence. */
  char *jwt =
      ts_jwt_mint("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"gauntlet-test-kid-7\"}",
                  "{\"sub\":\"tester\",\"channel\":\"gauntlet\",\"exp\":4102444800}", JWT_SECRET);
  char *jwt_env = ts_fmt("API_JWT=%s", jwt);
  char *base = ts_fmt("BASE_URL=http://127.0.0.1:%d", port);
  const char *env[] = {base, jwt_env, "API_JWT_SECRET=" JWT_SECRET, NULL};
  char *junit = ts_fmt("%s/junit.xml", dir);
  char *suite = ts_fmt("%s/tests/fixtures/integration/secrets.yaml", SOURCE_DIR);
  const char *args[] = {"run", "--verbose", "--junit", junit, suite, NULL};
  ts_gauntlet g;
  ts_gauntlet_run(&g, dir, args, env, 60000);
  cr_expect_eq(g.exit_code, 1, "exit %d\nstderr: %s", g.exit_code, g.err);
  char *report = ts_read_file(junit, NULL);
  cr_assert(report, "no report");
  cr_expect(ts_junit_validates(junit));
  ts_junit j;
  ts_junit_load(junit, &j);
  cr_expect(ts_junit_count(&j, TS_CASE_FAILURE) >= 5, "the run must fail (to print details)");
  ts_junit_free(&j);

  expect_absent("the JWT", jwt, g.out, g.err, report);
  expect_absent("the JWT secret", JWT_SECRET, g.out, g.err, report);
  char *d1 = strchr(jwt, '.');
  char *d2 = strchr(d1 + 1, '.');
  char *header = strndup(jwt, (size_t)(d1 - jwt));
  char *payload = strndup(d1 + 1, (size_t)(d2 - d1 - 1));
  expect_absent("the JWT header part", header, g.out, g.err, report);
  expect_absent("the JWT payload part", payload, g.out, g.err, report);
  expect_absent("the JWT signature part", d2 + 1, g.out, g.err, report);
  char *log = ts_read_file(t.log, NULL);
  cr_expect(log && strstr(log, "auth: ["), "target logged no credentials");
  if (log) expect_received_absent(log, g.out, g.err, report);

  free(log);
  free(header);
  free(payload);
  cr_expect(ts_target_stop(&t));
  free(report);
  ts_gauntlet_free(&g);
  ts_rmtree(dir);
  free(dir);
  free(jwt);
  free(jwt_env);
  free(base);
  free(junit);
  free(suite);
}

Test(run_secrets, failing_verbose_bearer_run_leaks_nothing, .timeout = 120) {
  char *dir = ts_tempdir();
  cr_assert(dir);
  ts_target t;
  int port;
  const char *targs[] = {
      "--log-auth", "--defect", "accept_query_token", "--defect", "accept_malformed_auth", NULL};
  cr_assert(ts_api_start(&t, dir, &port, targs));
  char *base = ts_fmt("BASE_URL=http://127.0.0.1:%d", port);
  const char *env[] = {base, "API_TOKEN=" TOKEN, NULL};
  char *junit = ts_fmt("%s/junit.xml", dir);
  char *suite = ts_fmt("%s/tests/fixtures/integration/secrets_bearer.yaml", SOURCE_DIR);
  const char *args[] = {"run", "--verbose", "--junit", junit, suite, NULL};
  ts_gauntlet g;
  ts_gauntlet_run(&g, dir, args, env, 60000);
  cr_expect_eq(g.exit_code, 1, "exit %d\nstderr: %s", g.exit_code, g.err);
  char *report = ts_read_file(junit, NULL);
  cr_assert(report, "no report");
  expect_absent("the bearer token", TOKEN, g.out, g.err, report);
  /* Percent-encoded in a URL, the token is still the token. */
  expect_absent("the bearer token", "t0k3n%2Dsecret%2Dvalue", g.out, g.err, report);
  cr_expect(ts_target_stop(&t));
  free(report);
  ts_gauntlet_free(&g);
  ts_rmtree(dir);
  free(dir);
  free(base);
  free(junit);
  free(suite);
}
