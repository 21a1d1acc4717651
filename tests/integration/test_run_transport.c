/* test_run_transport.c — raw-connection faults against tests/targets/wire_target.c
 * (a keep-alive JSON key store with configurable framing): the liveness probe
 * never repeats a side effect, a raw fault accepts the scenario's own 401/500,
 * oversized_body tests the size limit of a server that drops unknown fields,
 * and invalid_token on Basic changes the password and the user separately.
 * The exact outcome of every case is asserted. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#define TOKEN "k3ys-t0ken-0123"

typedef struct expected_case {
  const char *name;
  ts_outcome outcome;
  const char *checks; /* for a failure: the checks its message may name */
} expected_case;

typedef ts_target_run transport_run;

/* Starts wire_target with args, runs gauntlet on the fixture, loads the report. */
static void run_keys(transport_run *r, const char *fixture, const char *const target_args[],
                     const char *const extra_env[]) {
  cr_assert(ts_target_run_init(r));
  const char *args[24] = {"--log", r->log};
  size_t k = 2;
  for (size_t i = 0; target_args && target_args[i] && k < 23; i++)
    args[k++] = target_args[i];
  args[k] = NULL;
  cr_assert(ts_target_run_start(r, "wire_target", "--port", args), "wire_target did not start");
  char *suite = ts_fmt("%s/tests/fixtures/integration/%s", SOURCE_DIR, fixture);
  char *base = ts_fmt("BASE_URL=http://127.0.0.1:%d", r->port);
  const char *env[8] = {base, "KEYS_TOKEN=" TOKEN};
  size_t e = 2;
  for (size_t i = 0; extra_env && extra_env[i] && e < 7; i++)
    env[e++] = extra_env[i];
  env[e] = NULL;
  const char *gargs[] = {"-q", "--seed", "5", "--timeout", "5s", NULL};
  char *why = ts_target_run_gauntlet(r, gargs, NULL, suite, env, 180000);
  cr_assert_null(why, "%s", why);
  free(suite);
  free(base);
}

static void run_free(transport_run *r) {
  cr_expect(ts_target_run_free(r), "wire_target died during the run");
}

static void expect_cases(transport_run *r, const expected_case *e, size_t n) {
  for (size_t i = 0; i < n; i++) {
    char *m = ts_case_mismatch(&r->j, e[i].name, e[i].outcome, e[i].checks);
    cr_expect_null(m, "%s\n(report: %s)", m, r->junit);
    if (m) {
      const ts_case *c = ts_junit_find(&r->j, e[i].name);
      cr_log_error("%s: %s", e[i].name, c && c->body ? c->body : "-");
    }
    free(m);
  }
  cr_expect_eq(r->j.n, n, "report has %zu cases, expected %zu", r->j.n, n);
}

/* Lines of the target's request log that start with prefix. */
static int log_count(const transport_run *r, const char *prefix) {
  char *text = ts_read_file(r->log, NULL);
  int n = 0;
  size_t pl = strlen(prefix);
  for (char *line = text; line && *line;) {
    char *nl = strchr(line, '\n');
    if (!strncmp(line, prefix, pl)) n++;
    line = nl ? nl + 1 : line + strlen(line);
  }
  free(text);
  return n;
}

/* The bytes of the request log, for failure messages (caller frees). */
static char *log_text(const transport_run *r) {
  char *t = ts_read_file(r->log, NULL);
  return t ? t : strdup("(no log)");
}

static const expected_case keys_all_pass[] = {
    {"put a key [valid]", TS_CASE_PASS, NULL},
    {"put a key [oversized_body]", TS_CASE_PASS, NULL},
    {"delete the key [valid]", TS_CASE_PASS, NULL},
    {"delete the key [wire_dup_content_length]", TS_CASE_PASS, NULL},
    {"delete the key [wire_bad_chunk]", TS_CASE_PASS, NULL},
    {"a wrong token [valid]", TS_CASE_PASS, NULL},
    {"a wrong token [wire_bare_lf]", TS_CASE_PASS, NULL},
    {"a wrong token [wire_obs_fold]", TS_CASE_PASS, NULL},
    {"a wrong token [wire_nul_header]", TS_CASE_PASS, NULL},
    {"a server error [valid]", TS_CASE_PASS, NULL},
    {"a server error [wire_bare_lf]", TS_CASE_PASS, NULL},
    {"a server error [wire_nul_header]", TS_CASE_PASS, NULL},
};
#define N_KEYS (sizeof keys_all_pass / sizeof *keys_all_pass)

/* A DELETE scenario's raw faults are followed by a liveness probe: a GET of
 * the base URL (no `liveness:` in the profile), never the DELETE again, so
 * the valid case still finds its key. */
Test(run_transport, liveness_probe_never_repeats_a_delete, .timeout = 240) {
  transport_run r;
  const char *targs[] = {"--framing", "strict", "--bearer", TOKEN, "--max-body", "4096", NULL};
  run_keys(&r, "keys.yaml", targs, NULL);
  expect_cases(&r, keys_all_pass, N_KEYS);
  char *log = log_text(&r);
  cr_expect_eq(log_count(&r, "DELETE /v1/keys/k1 "), 1, "the DELETE was sent more than once:\n%s",
               log);
  cr_expect_eq(log_count(&r, "DELETE /v1/keys/k1 200"), 1, "%s", log);
  /* one probe per raw fault of the DELETE scenario: GET /v1 */
  cr_expect_eq(log_count(&r, "GET /v1 200"), 2, "%s", log);
  free(log);
  run_free(&r);
}

/* With `liveness: { path: /health }` in the profile that request is the probe
 * of a writing scenario; on a lenient server (obs-fold unfolded, NUL replaced,
 * bare LF taken as a line end) the raw faults of scenarios whose own answer
 * is 401 or 500 get that answer, and it passes. */
Test(run_transport, profile_liveness_and_own_answers, .timeout = 240) {
  transport_run r;
  const char *targs[] = {"--framing", "lenient", "--bearer", TOKEN, "--max-body", "4096", NULL};
  run_keys(&r, "keys_liveness.yaml", targs, NULL);
  expect_cases(&r, keys_all_pass, N_KEYS);
  char *log = log_text(&r);
  cr_expect_eq(log_count(&r, "DELETE /v1/keys/k1 "), 1, "%s", log);
  cr_expect_eq(log_count(&r, "GET /v1/health 200"), 2, "%s", log);
  cr_expect_eq(log_count(&r, "GET /v1 "), 0, "%s", log);
  /* the raw faults were answered by the application, not refused */
  cr_expect_geq(log_count(&r, "GET /v1/health 401"), 4, "%s", log);
  cr_expect_geq(log_count(&r, "GET /v1/status/500 500"), 3, "%s", log);
  free(log);
  run_free(&r);
}

/* A server without a body limit that drops unknown fields: a padding field
 * alone would get 400 "key is not provided" and pass without testing the
 * size; padding the real `key` field gets 201, and the case fails. */
Test(run_transport, oversized_body_pads_a_real_field, .timeout = 240) {
  transport_run r;
  const char *targs[] = {"--framing", "strict", "--bearer", TOKEN, NULL};
  run_keys(&r, "keys.yaml", targs, NULL);
  expected_case e[N_KEYS];
  memcpy(e, keys_all_pass, sizeof e);
  e[1].outcome = TS_CASE_FAILURE;
  e[1].checks = "status";
  expect_cases(&r, e, N_KEYS);
  const ts_case *c = ts_junit_find(&r.j, "put a key [oversized_body]");
  cr_expect(c && c->body && strstr(c->body, "actual:   201"), "%s", c && c->body ? c->body : "-");
  cr_expect_eq(log_count(&r, "POST /v1/keys 400"), 0, "the padded body lost its key");
  run_free(&r);
}

/* invalid_token on Basic: #1 keeps the user, #2 keeps the password. A server
 * that checks only the password fails #2 alone. */
static void basic_run(const char *check, ts_outcome second) {
  transport_run r;
  const char *targs[] = {"--framing",     "strict", "--basic", "alice:s3cret-pw",
                         "--basic-check", check,    NULL};
  const char *env[] = {"KEYS_USER=alice", "KEYS_PASS=s3cret-pw", NULL};
  run_keys(&r, "keys_basic.yaml", targs, env);
  expected_case e[] = {
      {"health [valid]", TS_CASE_PASS, NULL},
      {"health [invalid_token #1 wrong password]", TS_CASE_PASS, NULL},
      {"health [invalid_token #2 wrong user]", second, "status"},
  };
  expect_cases(&r, e, sizeof e / sizeof *e);
  /* the real password never shows, not even inside #2's credential */
  cr_expect_null(strstr(r.j.raw, "s3cret-pw"), "the password is in the report");
  cr_expect_null(strstr(r.j.raw, "YWxpY2U6czNjcmV0LXB3"), "the credential is in the report");
  run_free(&r);
}

Test(run_transport, invalid_token_basic_conformant, .timeout = 120) {
  basic_run("both", TS_CASE_PASS);
}

Test(run_transport, invalid_token_basic_password_only_check_fails_wrong_user, .timeout = 120) {
  basic_run("password", TS_CASE_FAILURE);
}

/* auth.scheme query (InfluxDB's ?u=&p=): the credential faults change the
 * parameters; token_in_query does not apply and says why; the password is
 * never in the report. */
Test(run_transport, query_parameter_credentials, .timeout = 120) {
  transport_run r;
  const char *targs[] = {"--framing", "strict", "--query-auth", "alice:s3cret-pw", NULL};
  const char *env[] = {"KEYS_USER=alice", "KEYS_PASS=s3cret-pw", NULL};
  run_keys(&r, "keys_query.yaml", targs, env);
  expected_case e[] = {
      {"health [valid]", TS_CASE_PASS, NULL},
      {"health [unauthenticated]", TS_CASE_PASS, NULL},
      {"health [invalid_token #1 wrong p]", TS_CASE_PASS, NULL},
      {"health [invalid_token #2 wrong u]", TS_CASE_PASS, NULL},
      {"health [malformed_auth #1 empty u, p]", TS_CASE_PASS, NULL},
      {"health [malformed_auth #2 as a bearer header]", TS_CASE_PASS, NULL},
      {"health [malformed_auth #3 trailing extra]", TS_CASE_PASS, NULL},
      {"health [token_in_query]", TS_CASE_SKIPPED, NULL},
  };
  expect_cases(&r, e, sizeof e / sizeof *e);
  const ts_case *c = ts_junit_find(&r.j, "health [token_in_query]");
  cr_expect(c && c->message && strstr(c->message, "already travels in the query"), "%s",
            c && c->message ? c->message : "-");
  char *log = log_text(&r);
  cr_expect_eq(log_count(&r, "GET /v1/health?pretty=true&u=alice&p=s3cret-pw 200"), 1, "%s", log);
  cr_expect_eq(log_count(&r, "GET /v1/health"), 7, "%s", log); /* token_in_query: none */
  free(log);
  cr_expect_null(strstr(r.j.raw, "s3cret-pw"), "the password is in the report");
  cr_expect_null(strstr(r.g.out, "s3cret-pw"), "the password is on the console");
  run_free(&r);
}

/* json: stream: every document is parsed and checked (the first is captured
 * from); without it the same answer fails json_parses; a broken or wrong
 * document is named by its number. */
Test(run_transport, json_stream_checks_every_document, .timeout = 120) {
  transport_run r;
  const char *targs[] = {"--framing", "strict", NULL};
  run_keys(&r, "keys_stream.yaml", targs, NULL);
  expected_case e[] = {
      {"a stream [valid]", TS_CASE_PASS, NULL},
      {"the capture came from the first document [valid]", TS_CASE_PASS, NULL},
      {"a stream read as one document [valid]", TS_CASE_FAILURE, "json_parses"},
      {"a stream cut short [valid]", TS_CASE_FAILURE, "json_parses"},
      {"a stream with a wrong document [valid]", TS_CASE_FAILURE, "json"},
  };
  expect_cases(&r, e, sizeof e / sizeof *e);
  const ts_case *c = ts_junit_find(&r.j, "a stream cut short [valid]");
  cr_expect(c && c->body && strstr(c->body, "document 3: invalid JSON"), "%s",
            c && c->body ? c->body : "-");
  c = ts_junit_find(&r.j, "a stream with a wrong document [valid]");
  cr_expect(c && c->body && strstr(c->body, "document 3: $"), "%s", c && c->body ? c->body : "-");
  cr_expect(c && c->body && !strstr(c->body, "document 2"), "%s", c && c->body ? c->body : "-");
  cr_expect_eq(log_count(&r, "GET /v1/keys/n-1 404"), 1, "the capture is not the first document's");
  run_free(&r);
}
