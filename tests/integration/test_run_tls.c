/* test_run_tls.c — HTTPS: --cacert trusts the target, no CA is a TLS error
 * (an <error>, not a failure), --insecure works and warns, and the plain-HTTP
 * variant (http_only) must never be served. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

typedef struct tls_env {
  char *dir, *cert, *key, *suite, *junit;
  int http_port, https_port;
  ts_target target;
  ts_gauntlet g;
  ts_junit j;
} tls_env;

static void tls_start(tls_env *e, const char *plain_mode, const char *defect) {
  memset(e, 0, sizeof *e);
  e->dir = ts_tempdir();
  cr_assert(e->dir);
  cr_assert(ts_make_cert(e->dir, &e->cert, &e->key), "openssl could not make a certificate");
  e->https_port = ts_free_port();
  char hp[16];
  snprintf(hp, sizeof hp, "%d", e->https_port);
  const char *args[12] = {"--https-port", hp,     "--cert",       e->cert,
                          "--key",        e->key, "--https-only", plain_mode};
  size_t k = 8;
  if (defect) {
    args[k++] = "--defect";
    args[k++] = defect;
  }
  args[k] = NULL;
  cr_assert(ts_api_start(&e->target, e->dir, &e->http_port, args), "target_api did not start");
  cr_assert(ts_port_open(e->https_port, 3000));
  char port_text[16];
  snprintf(port_text, sizeof port_text, "%d", e->http_port);
  const char *subs[] = {"HTTP_PORT", port_text, NULL};
  e->suite = ts_fixture_copy("tls.yaml", e->dir, subs);
  cr_assert(e->suite);
  e->junit = ts_fmt("%s/junit.xml", e->dir);
}

static void tls_run(tls_env *e, const char *const extra[]) {
  char *base = ts_fmt("BASE_URL=https://127.0.0.1:%d", e->https_port);
  const char *env[] = {base, "API_TOKEN=t0k3n-secret-value", NULL};
  const char *args[16] = {"run", "--junit", e->junit, "--timeout", "5s"};
  size_t k = 5;
  for (size_t i = 0; extra && extra[i]; i++)
    args[k++] = extra[i];
  args[k++] = e->suite;
  args[k] = NULL;
  ts_gauntlet_run(&e->g, e->dir, args, env, 60000);
  free(base);
  cr_assert(ts_junit_load(e->junit, &e->j), "no report\nstderr: %s", e->g.err);
  cr_expect(ts_junit_validates(e->junit), "report does not validate");
}

static void tls_stop(tls_env *e) {
  cr_expect(ts_target_stop(&e->target), "target died");
  ts_junit_free(&e->j);
  ts_gauntlet_free(&e->g);
  ts_rmtree(e->dir);
  free(e->dir);
  free(e->cert);
  free(e->key);
  free(e->suite);
  free(e->junit);
}

static void expect_case(tls_env *e, const char *name, ts_outcome o, const char *checks) {
  char *m = ts_case_mismatch(&e->j, name, o, checks);
  cr_expect_null(m, "%s\nstdout: %s", m, e->g.out);
  free(m);
}

Test(run_tls, cacert_trusts_the_target_and_http_only_is_refused, .timeout = 120) {
  tls_env e;
  tls_start(&e, "refuse", NULL);
  const char *extra[] = {"--cacert", e.cert, NULL};
  tls_run(&e, extra);
  cr_expect_eq(e.g.exit_code, 0, "exit %d\nstdout: %s\nstderr: %s", e.g.exit_code, e.g.out,
               e.g.err);
  expect_case(&e, "list items [valid]", TS_CASE_PASS, NULL);
  expect_case(&e, "list items [unauthenticated]", TS_CASE_PASS, NULL);
  expect_case(&e, "list items [http_only]", TS_CASE_PASS, NULL);
  tls_stop(&e);
}

Test(run_tls, http_only_answered_403_passes, .timeout = 120) {
  tls_env e;
  tls_start(&e, "403", NULL);
  const char *extra[] = {"--cacert", e.cert, NULL};
  tls_run(&e, extra);
  cr_expect_eq(e.g.exit_code, 0, "exit %d\nstdout: %s", e.g.exit_code, e.g.out);
  expect_case(&e, "list items [http_only]", TS_CASE_PASS, NULL);
  tls_stop(&e);
}

Test(run_tls, plain_http_served_fails_http_only, .timeout = 120) {
  tls_env e;
  tls_start(&e, "refuse", "serve_plain_http");
  const char *extra[] = {"--cacert", e.cert, NULL};
  tls_run(&e, extra);
  cr_expect_eq(e.g.exit_code, 1, "exit %d", e.g.exit_code);
  expect_case(&e, "list items [http_only]", TS_CASE_FAILURE, "refused|status");
  expect_case(&e, "list items [valid]", TS_CASE_PASS, NULL);
  tls_stop(&e);
}

Test(run_tls, untrusted_certificate_is_an_error_case, .timeout = 120) {
  tls_env e;
  tls_start(&e, "refuse", NULL);
  tls_run(&e, NULL);
  cr_expect_eq(e.g.exit_code, 1, "exit %d (a case could not run: 1)\nstderr: %s", e.g.exit_code,
               e.g.err);
  expect_case(&e, "list items [valid]", TS_CASE_ERROR, NULL);
  expect_case(&e, "list items [unauthenticated]", TS_CASE_ERROR, NULL);
  const ts_case *c = ts_junit_find(&e.j, "list items [valid]");
  cr_expect(c && c->message && *c->message, "the error has a message");
  tls_stop(&e);
}

Test(run_tls, insecure_skips_verification_and_warns, .timeout = 120) {
  tls_env e;
  tls_start(&e, "refuse", NULL);
  const char *extra[] = {"--insecure", NULL};
  tls_run(&e, extra);
  cr_expect_eq(e.g.exit_code, 0, "exit %d\nstdout: %s\nstderr: %s", e.g.exit_code, e.g.out,
               e.g.err);
  expect_case(&e, "list items [valid]", TS_CASE_PASS, NULL);
  cr_expect(strcasestr(e.g.err, "insecure") || strcasestr(e.g.out, "insecure"),
            "--insecure must warn loudly\nstdout: %s\nstderr: %s", e.g.out, e.g.err);
  tls_stop(&e);
}
