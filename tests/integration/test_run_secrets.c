/* test_run_secrets.c — secrets never appear: a failing --verbose run whose
 * target reflects every credential back in its responses. Neither stdout,
 * stderr nor the JUnit file may contain the token, the JWT secret, or any
 * part of a JWT that was sent (the target logs what it received). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* ---- header scheme, `secret: true` variables, Basic, load errors ---- */

#define API_KEY "k3y-s3cret-hdr-value"
/* A space, '/', '+', '&', '=' and '"': its percent-encoded, form-encoded and
 * JSON-escaped forms all differ from the value. */
#define CLIENT_SECRET "cl1ent-s3cret value/+&=\"x"
#define BASIC_CRED "alice:pa55w0rd-secret-42"

typedef struct secret_run {
  char *dir;
  ts_target t;
  ts_gauntlet g;
  char *junit;  /* path */
  char *report; /* JUnit text, "" when none */
} secret_run;

static void secret_run_start(secret_run *r, const char *fixture, const char *const targs[]) {
  r->dir = ts_tempdir();
  cr_assert(r->dir);
  int port;
  cr_assert(ts_api_start(&r->t, r->dir, &port, targs));
  char *base = ts_fmt("BASE_URL=http://127.0.0.1:%d", port);
  const char *env[] = {base, "API_KEY=" API_KEY, "CLIENT_SECRET=" CLIENT_SECRET,
                       "BASIC_CRED=" BASIC_CRED, NULL};
  r->junit = ts_fmt("%s/junit.xml", r->dir);
  char *suite = ts_fmt("%s/tests/fixtures/integration/%s", SOURCE_DIR, fixture);
  const char *args[] = {"run", "--verbose", "--color", "never", "--junit", r->junit, suite, NULL};
  ts_gauntlet_run(&r->g, r->dir, args, env, 60000);
  r->report = ts_read_file(r->junit, NULL);
  if (!r->report) r->report = strdup("");
  free(base);
  free(suite);
}

static void secret_run_end(secret_run *r) {
  cr_expect(ts_target_stop(&r->t));
  ts_gauntlet_free(&r->g);
  free(r->report);
  free(r->junit);
  ts_rmtree(r->dir);
  free(r->dir);
}

/* The value and every encoding under which it could travel. */
static void expect_secret_absent(const secret_run *r, const char *what, const char *const forms[]) {
  for (size_t i = 0; forms[i]; i++) {
    char *label = ts_fmt("%s (form %zu: %s)", what, i, forms[i]);
    expect_absent(label, forms[i], r->g.out, r->g.err, r->report);
    free(label);
  }
}

static const char *const client_secret_forms[] = {
    CLIENT_SECRET,
    "cl1ent-s3cret%20value%2F%2B%26%3D%22x", /* percent-encoded (query string) */
    "cl1ent-s3cret%20value%2f%2b%26%3d%22x",
    "cl1ent-s3cret+value%2F%2B%26%3D%22x", /* form-encoded */
    "cl1ent-s3cret value/+&=\\\"x",        /* JSON-escaped (body, echo) */
    "cl1ent-s3cret value\\/+&=\\\"x",      /* JSON-escaped with \/ */
    "cl1ent-s3cret value/+&amp;=&quot;x",  /* XML-escaped (JUnit) */
    NULL};

Test(run_secrets, header_key_and_secret_variable_in_query_and_body, .timeout = 120) {
  const char *targs[] = {"--defect", "accept_no_token", NULL};
  secret_run r;
  secret_run_start(&r, "secrets_header.yaml", targs);
  cr_expect_eq(r.g.exit_code, 1, "exit %d\nstderr: %s", r.g.exit_code, r.g.err);
  /* the paths under test did run: repro lines, dumps and the echo came back */
  cr_expect(strstr(r.g.out, "client_secret=${client_secret}"), "no dump with the placeholder:\n%s",
            r.g.out);
  /* The secret travels percent-encoded / JSON-escaped, forms the shell cannot
   * produce from ${CLIENT_SECRET}: the repro re-runs the case instead. */
  cr_expect(strstr(r.g.out, "--case 'secrets_header \xe2\x80\xba query [valid]'"),
            "no replay line:\n%s", r.g.out);
  cr_expect(strstr(r.g.out, "X-Api-Key: ${API_KEY}"), "no request dump:\n%s", r.g.out);
  cr_expect(strstr(r.g.out, "\"json\":{\"client_secret\":\"${client_secret}\""),
            "the reflected body was not dumped:\n%s", r.g.out);
  cr_expect(ts_junit_validates(r.junit), "the report does not validate");
  cr_expect(strstr(r.report, "${client_secret}"), "the JUnit report lacks the failure details");
  const char *const key_forms[] = {API_KEY, NULL};
  expect_secret_absent(&r, "the API key", key_forms);
  expect_secret_absent(&r, "the client secret", client_secret_forms);
  secret_run_end(&r);
}

Test(run_secrets, basic_credential_and_its_base64, .timeout = 120) {
  secret_run r;
  secret_run_start(&r, "secrets_basic.yaml", NULL);
  cr_expect_eq(r.g.exit_code, 1, "exit %d\nstderr: %s", r.g.exit_code, r.g.err);
  cr_expect(strstr(r.g.out, "Authorization: Basic ${BASIC_CRED}"), "no dump of the header:\n%s",
            r.g.out);
  /* base64("alice:pa55w0rd-secret-42"), padded and not */
  const char *const forms[] = {BASIC_CRED, "YWxpY2U6cGE1NXcwcmQtc2VjcmV0LTQy", "pa55w0rd-secret-42",
                               "alice%3Apa55w0rd-secret-42", NULL};
  expect_secret_absent(&r, "the Basic credential", forms);
  secret_run_end(&r);
}

Test(run_secrets, load_error_about_a_secret_value_shows_its_name, .timeout = 60) {
  secret_run r;
  secret_run_start(&r, "secrets_load_error.yaml", NULL);
  cr_expect_eq(r.g.exit_code, 2, "exit %d\nstderr: %s", r.g.exit_code, r.g.err);
  cr_expect(strstr(r.g.err, "secrets_load_error.yaml:10:15:") &&
                strstr(r.g.err, "${client_secret}"),
            "stderr: %s", r.g.err);
  expect_secret_absent(&r, "the client secret", client_secret_forms);
  secret_run_end(&r);
}

/* serve loads suites through the same loader: its load errors are redacted
 * the same way (they were printed raw before). BASE_URL is unset: serve gives
 * it a placeholder and reaches the error about the secret. */
Test(run_secrets, serve_load_error_about_a_secret_value_shows_its_name, .timeout = 60) {
  char *dir = ts_tempdir();
  cr_assert(dir);
  char *suite = ts_fmt("%s/tests/fixtures/integration/secrets_load_error.yaml", SOURCE_DIR);
  const char *env[] = {"CLIENT_SECRET=" CLIENT_SECRET, NULL};
  const char *args[] = {"serve", "--listen", "127.0.0.1:0", "--max-requests", "1", suite, NULL};
  ts_gauntlet g;
  ts_gauntlet_run(&g, dir, args, env, 20000);
  cr_expect_eq(g.exit_code, 2, "exit %d\nstderr: %s", g.exit_code, g.err);
  cr_expect(strstr(g.err, "secrets_load_error.yaml:10:15:") && strstr(g.err, "${client_secret}"),
            "stderr: %s", g.err);
  for (size_t i = 0; client_secret_forms[i]; i++)
    expect_absent("the client secret", client_secret_forms[i], g.out, g.err, "");
  ts_gauntlet_free(&g);
  ts_rmtree(dir);
  free(dir);
  free(suite);
}

/* A base URL of plain http:// to a host that is not loopback: the run stops
 * before sending (exit 2, the base_url's position), names neither token nor
 * password, and writes no report; --allow-plain-http would let it go (the
 * decision itself: tests/unit/test_cleartext.c). */
Test(run_secrets, a_credential_is_never_sent_in_clear_to_another_host, .timeout = 60) {
  char *dir = ts_tempdir();
  char *suite = ts_fmt("%s/clear.yaml", dir);
  const char *text = "suite: clear\n"
                     "base_url: http://192.0.2.1:8080/v1\n"
                     "profile:\n  auth: { scheme: bearer, token: \"${API_TOKEN}\" }\n"
                     "scenarios:\n  - name: a\n    request: { method: GET, path: /x }\n";
  cr_assert(ts_write_file(suite, text, strlen(text)));
  char *junit = ts_fmt("%s/junit.xml", dir);
  const char *args[] = {"run", "--junit", junit, suite, NULL};
  const char *env[] = {"API_TOKEN=" TOKEN, NULL};
  ts_gauntlet g;
  ts_gauntlet_run(&g, dir, args, env, 30000);
  cr_expect_eq(g.exit_code, 2, "%s", g.err);
  char *where = ts_fmt("%s:2:11: ", suite);
  cr_expect(strstr(g.err, where) && strstr(g.err, "plain HTTP to http://192.0.2.1:8080") &&
                strstr(g.err, "nothing was sent"),
            "%s", g.err);
  cr_expect_null(strstr(g.err, TOKEN));
  cr_expect_null(strstr(g.out, TOKEN));
  cr_expect_neq(access(junit, F_OK), 0, "a report was written");
  ts_gauntlet_free(&g);
  ts_rmtree(dir);
  free(dir), free(suite), free(junit), free(where);
}
