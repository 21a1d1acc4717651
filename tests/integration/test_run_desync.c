/* test_run_desync.c — desync detection (docs/faults.md): every framing fault
 * is sent keep-alive with the liveness request pipelined behind it, and the
 * ambiguous ones hide a request in their body. Against
 * tests/targets/wire_target.c in each --framing mode, over HTTP and HTTPS,
 * the exact outcome of every case is asserted: conformant servers (strict,
 * lenient) pass everything the RFCs allow; a server that answers the hidden
 * request, reads a GET's body as the next request or keeps the connection
 * open after Content-Length with Transfer-Encoding fails request_smuggling
 * with the bytes sent and the answers received. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

enum { P = TS_CASE_PASS, F = TS_CASE_FAILURE };

static const char *const case_names[] = {
    "read health [valid]",
    "read health [wire_bare_lf]",
    "read health [wire_obs_fold]",
    "read health [wire_nul_header]",
    "read health [wire_huge_header]",
    "read health [wire_long_uri]",
    "read health [wire_bad_chunk]",
    "put a key [valid]",
    "put a key [wire_dup_content_length]",
    "put a key [wire_cl_te #1 CL.TE]",
    "put a key [wire_cl_te #2 TE.CL]",
    "put a key [wire_bad_chunk]",
};
#define N_CASES (sizeof case_names / sizeof *case_names)

typedef ts_target_run desync_run;

static void run_mode(desync_run *r, const char *framing, bool tls) {
  cr_assert(ts_target_run_init(r));
  char *cert = NULL, *key = NULL;
  if (tls) cr_assert(ts_make_cert(r->dir, &cert, &key), "openssl could not make a certificate");
  const char *args[] = {"--log", r->log,      "--framing", framing, "--tls-cert",
                        cert,    "--tls-key", key,         NULL};
  if (!tls) args[4] = NULL;
  cr_assert(ts_target_run_start(r, "wire_target", "--port", args), "wire_target did not start");
  char *base = ts_fmt("BASE_URL=%s://127.0.0.1:%d", tls ? "https" : "http", r->port);
  const char *env[] = {base, NULL};
  const char *suite = SOURCE_DIR "/tests/fixtures/integration/keys_wire.yaml";
  const char *gargs[] = {"-q", "--seed", "3", "--timeout", "5s", tls ? "--cacert" : NULL,
                         cert, NULL};
  char *why = ts_target_run_gauntlet(r, gargs, NULL, suite, env, 240000);
  cr_assert_null(why, "%s", why);
  free(cert);
  free(key);
  free(base);
}

static void run_free(desync_run *r) {
  cr_expect(ts_target_run_free(r), "wire_target died during the run");
}

/* Every case has its outcome; failures name request_smuggling. */
static void expect_outcomes(desync_run *r, const char *mode, const int outcome[N_CASES]) {
  for (size_t i = 0; i < N_CASES; i++) {
    char *m = ts_case_mismatch(&r->j, case_names[i], (ts_outcome)outcome[i],
                               outcome[i] == F ? "request_smuggling|status" : NULL);
    if (m) {
      const ts_case *c = ts_junit_find(&r->j, case_names[i]);
      cr_expect_null(m, "[%s] %s\n%s", mode, m, c && c->body ? c->body : "-");
    }
    free(m);
  }
  cr_expect_eq(r->j.n, N_CASES, "[%s] report has %zu cases", mode, r->j.n);
}

/* The failure text of a case holds every one of the fragments. */
static void expect_text(desync_run *r, const char *name, const char *const *fragments) {
  const ts_case *c = ts_junit_find(&r->j, name);
  cr_assert(c && c->body, "%s: no failure text", name);
  for (size_t i = 0; fragments[i]; i++)
    cr_expect(strstr(c->body, fragments[i]), "%s: \"%s\" not in:\n%s", name, fragments[i], c->body);
}

static bool log_has(const desync_run *r, const char *text) {
  char *t = ts_read_file(r->log, NULL);
  bool has = t && strstr(t, text);
  free(t);
  return has;
}

static const int all_pass[N_CASES] = {P, P, P, P, P, P, P, P, P, P, P, P};
/* the hidden requests answered, a GET body read as a request */
static const int smuggler[N_CASES] = {P, P, P, P, P, P, F, P, F, F, F, P};
/* only Content-Length with Transfer-Encoding leaves the connection open */
static const int idle_after_cl_te[N_CASES] = {P, P, P, P, P, P, P, P, P, F, F, P};

static void conformant(const char *mode, bool tls) {
  desync_run r;
  run_mode(&r, mode, tls);
  expect_outcomes(&r, mode, all_pass);
  cr_expect_eq(r.g.exit_code, 0, "[%s] exit %d\n%s", mode, r.g.exit_code, r.g.err);
  cr_expect(!log_has(&r, "/gauntlet-smuggled-"), "[%s] a hidden request reached the app", mode);
  run_free(&r);
}

/* Strict: every framing fault refused, the connection closed. */
Test(run_desync, strict_server_passes_every_case, .timeout = 300) {
  conformant("strict", false);
}

/* Lenient where RFC 9112 allows it (bare LF, obs-fold unfolded, NUL as SP,
 * no head bound, CL+TE read by chunked then closed, a GET body never read
 * then closed): nothing of it is a finding. */
Test(run_desync, lenient_server_passes_every_case, .timeout = 300) {
  conformant("lenient", false);
}

Test(run_desync, lenient_server_over_tls_passes_every_case, .timeout = 300) {
  conformant("lenient", true);
}

static void smuggling(const char *mode, bool tls) {
  desync_run r;
  run_mode(&r, mode, tls);
  expect_outcomes(&r, mode, smuggler);
  cr_expect_eq(r.g.exit_code, 1, "[%s] exit %d", mode, r.g.exit_code);
  static const char *const hidden[] = {
      "hidden request was answered", "sent: ", "/gauntlet-smuggled-", "received: 1) HTTP/1.1 ",
      "3) HTTP/1.1 200 OK",          NULL};
  expect_text(&r, "put a key [wire_dup_content_length]", hidden);
  static const char *const get_body[] = {
      "is not what the pipelined request gets on a connection of its own (200)",
      "2) HTTP/1.1 400 Bad Request", NULL};
  expect_text(&r, "read health [wire_bad_chunk]", get_body);
  run_free(&r);
}

/* Reads CL+TE by chunked and keeps the connection: the request hidden after
 * the chunked body (CL.TE) is answered; TE.CL answers the pipelined request
 * on the same connection; two lengths use the first, so the hidden request
 * after the body is answered; a GET's unread body is read as a request. */
Test(run_desync, te_keepalive_server_answers_the_hidden_request, .timeout = 300) {
  smuggling("te-keepalive", false);
  desync_run r;
  run_mode(&r, "te-keepalive", false);
  static const char *const cl_te[] = {"CL.TE: Content-Length covers a chunked body",
                                      "hidden request was answered", "2) HTTP/1.1 404 Not Found",
                                      NULL};
  expect_text(&r, "put a key [wire_cl_te #1 CL.TE]", cl_te);
  static const char *const te_cl[] = {"TE.CL", "a second request was answered", NULL};
  expect_text(&r, "put a key [wire_cl_te #2 TE.CL]", te_cl);
  cr_expect(log_has(&r, "GET /gauntlet-smuggled-"), "the hidden GET never reached the app");
  run_free(&r);
}

Test(run_desync, te_keepalive_server_over_tls_fails_too, .timeout = 300) {
  smuggling("te-keepalive", true);
}

/* Reads CL+TE by Content-Length: TE.CL's chunk becomes a request. */
Test(run_desync, cl_keepalive_server_answers_the_request_in_the_chunk, .timeout = 300) {
  smuggling("cl-keepalive", false);
  desync_run r;
  run_mode(&r, "cl-keepalive", false);
  static const char *const te_cl[] = {"hidden request was answered", NULL};
  expect_text(&r, "put a key [wire_cl_te #2 TE.CL]", te_cl);
  cr_expect(log_has(&r, "POST /gauntlet-smuggled-"), "the request in the chunk was not read");
  run_free(&r);
}

/* Answers CL+TE and then leaves the connection open (RFC 9112 §6.1 requires
 * close): a finding even though nothing more was answered. */
Test(run_desync, server_keeping_the_connection_open_after_cl_te_fails, .timeout = 300) {
  desync_run r;
  run_mode(&r, "te-idle", false);
  expect_outcomes(&r, "te-idle", idle_after_cl_te);
  static const char *const open[] = {"the connection stayed open after the answer",
                                     "1) HTTP/1.1 201 Created; then the connection stayed open",
                                     NULL};
  expect_text(&r, "put a key [wire_cl_te #1 CL.TE]", open);
  run_free(&r);
}
