/* test_serve_policy.c — the client policy `gauntlet serve` audits a client
 * library against (profile `client:`, `--expect-retry`): retry_missing,
 * retry_too_soon, retry_storm, and duplicate_side_effect after an injected
 * `reset_after`. Each flow is a libcurl client behaving like a library with
 * (or without) retries, against a real serve, with targeted injection; the
 * exact outcome of every request in the report is asserted. */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "support.h"

#define ITEMS SOURCE_DIR "/tests/fixtures/serve/items.yaml"
#define ORDERS SOURCE_DIR "/tests/fixtures/serve/policy.yaml"
#define TOKEN "tok-0123456789abcdef"
#define ORDER "{\"item\":\"widget\",\"qty\":1}"

static void start(ts_serve *s, const char *suite, const char *const *args) {
  const char *suites[] = {suite, NULL};
  bool started = ts_serve_start(s, &(ts_serve_opts){.suites = suites, .args = args});
  char *err = ts_serve_stderr(s);
  cr_assert(started, "serve did not start: %s", err);
  free(err);
}

/* One request as a client library sends it; the status, or -1 when the
 * connection was dropped without an answer. */
static long call(const ts_serve *s, const char *method, const char *path, const char *body,
                 const char *header) {
  char *url = ts_fmt("http://127.0.0.1:%d%s", s->port, path);
  const char *headers[] = {header, NULL};
  ts_http_reply r;
  ts_curl(&(ts_http_call){.method = method,
                          .url = url,
                          .bearer = TOKEN,
                          .content_type = body ? "application/json" : NULL,
                          .body = body,
                          .headers = header ? headers : NULL},
          &r);
  free(url);
  return r.code == CURLE_OK ? r.status : -1;
}

static void wait_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/* Stops serve and loads its report; asserts the exit code. */
static void finish(ts_serve *s, int want_exit, ts_junit *j) {
  int rc = ts_serve_stop(s, true, 20000);
  char *err = ts_serve_stderr(s);
  cr_assert_eq(rc, want_exit, "serve exit %d, want %d: %s", rc, want_exit, err);
  free(err);
  cr_assert(ts_junit_load(s->junit, j), "no report");
}

static void expect_case(const ts_junit *j, const char *name, ts_outcome o, const char *type) {
  char *why = ts_case_mismatch(j, name, o, type);
  cr_assert_null(why, "%s\n%s", why, j->raw);
}

/* Without a policy nothing must be retried (the old verdict); with
 * --expect-retry 503 the same client, which gives up at the first 503, has
 * broken it: retry_missing, and serve no longer says it conformed. */
Test(serve_policy, a_client_that_never_retries_breaks_expect_retry) {
  for (int with_policy = 0; with_policy < 2; with_policy++) {
    const char *plain[] = {"--inject", "status:503@GET /v1/items#1", NULL};
    const char *policy[] = {"--inject", "status:503@GET /v1/items#1", "--expect-retry",
                            "429,503,reset", NULL};
    ts_serve s;
    start(&s, ITEMS, with_policy ? policy : plain);
    cr_assert_eq(call(&s, "GET", "/v1/items", NULL, NULL), 503);
    ts_junit j;
    finish(&s, with_policy ? 1 : 0, &j);
    cr_assert_eq(j.n, 1);
    if (with_policy) {
      expect_case(&j, "GET /v1/items #1", TS_CASE_FAILURE, "retry_missing");
      cr_assert(strstr(j.raw, "retry_missing: injected status:503@GET /v1/items#1 was not "
                              "retried before serve stopped"),
                "%s", j.raw);
      cr_assert(strstr(j.raw, "<property name=\"rule.retry_missing\" value=\"1\"/>"), "%s", j.raw);
    } else {
      expect_case(&j, "GET /v1/items #1", TS_CASE_PASS, NULL);
    }
    ts_junit_free(&j);
    ts_serve_free(&s);
  }
}

/* The retry window passing while serve runs decides too (not only the stop). */
Test(serve_policy, retry_missing_is_decided_when_the_window_expires) {
  const char *args[] = {
      "--inject", "status:503@GET /v1/items#1", "--expect-retry", "503", "--retry-window", "300ms",
      NULL};
  ts_serve s;
  start(&s, ITEMS, args);
  cr_assert_eq(call(&s, "GET", "/v1/items", NULL, NULL), 503);
  wait_ms(600);
  cr_assert_eq(call(&s, "GET", "/v1/items", NULL, NULL), 200, "too late to be its retry");
  ts_junit j;
  finish(&s, 1, &j);
  cr_assert_eq(j.n, 2);
  expect_case(&j, "GET /v1/items #1", TS_CASE_FAILURE, "retry_missing");
  expect_case(&j, "GET /v1/items #2", TS_CASE_PASS, NULL);
  cr_assert(strstr(j.raw, "retry_missing: injected status:503@GET /v1/items#1 was not retried "
                          "within the 0.3 s retry window; the client policy expects a retry"),
            "%s", j.raw);
  ts_junit_free(&j);
  ts_serve_free(&s);
}

/* A conformant retrying client (the profile's policy: 503 retried, at most 3
 * attempts, Retry-After honoured, 200 ms apart) against a scripted
 * 503,503,200: three requests, nothing broken. */
Test(serve_policy, a_conformant_retrying_flow_passes) {
  const char *args[] = {"--inject", "[503,503,200]@POST /v1/orders", NULL};
  ts_serve s;
  start(&s, ORDERS, args);
  cr_assert_eq(call(&s, "POST", "/v1/orders", ORDER, NULL), 503);
  wait_ms(1050); /* Retry-After: 1 */
  cr_assert_eq(call(&s, "POST", "/v1/orders", ORDER, NULL), 503);
  wait_ms(1050);
  cr_assert_eq(call(&s, "POST", "/v1/orders", ORDER, NULL), 201);
  ts_junit j;
  finish(&s, 0, &j);
  cr_assert_eq(j.n, 3);
  cr_assert_eq(ts_junit_count(&j, TS_CASE_FAILURE), 0, "%s", j.raw);
  cr_assert(strstr(j.raw, "<property name=\"retry.retried\" value=\"2\"/>"), "%s", j.raw);
  cr_assert(strstr(j.raw, "<property name=\"retry.max_attempts\" value=\"3\"/>"), "%s", j.raw);
  cr_assert(strstr(j.raw, "<property name=\"policy.orders\" value=\"retry 503,reset; at most 3 "
                          "attempts; backoff_min 200 ms; Retry-After honoured\"/>"),
            "the policy judged by is in the report: %s", j.raw);
  ts_junit_free(&j);
  ts_serve_free(&s);
}

/* The same script, a client that gives up after its second attempt: the
 * policy expects up to 3, so the second 503 was owed a retry. */
Test(serve_policy, giving_up_before_max_attempts_is_retry_missing) {
  const char *args[] = {"--inject", "[503,503,200]@POST /v1/orders", NULL};
  ts_serve s;
  start(&s, ORDERS, args);
  cr_assert_eq(call(&s, "POST", "/v1/orders", ORDER, NULL), 503);
  wait_ms(1050);
  cr_assert_eq(call(&s, "POST", "/v1/orders", ORDER, NULL), 503);
  ts_junit j;
  finish(&s, 1, &j);
  cr_assert_eq(j.n, 2);
  expect_case(&j, "POST /v1/orders #1", TS_CASE_PASS, NULL);
  expect_case(&j, "POST /v1/orders #2", TS_CASE_FAILURE, "retry_missing");
  cr_assert(strstr(j.raw, "(attempt 2; the client policy expects up to 3) was not retried"), "%s",
            j.raw);
  ts_junit_free(&j);
  ts_serve_free(&s);
}

/* A dropped GET (no Retry-After) retried after 50 ms breaks the policy's
 * 200 ms backoff minimum; the next retry after 300 ms does not. */
Test(serve_policy, a_retry_sooner_than_backoff_min_is_retry_too_soon) {
  const char *args[] = {"--inject", "[reset,reset]@GET /v1/orders", NULL};
  ts_serve s;
  start(&s, ORDERS, args);
  cr_assert_eq(call(&s, "GET", "/v1/orders", NULL, NULL), -1);
  wait_ms(50);
  cr_assert_eq(call(&s, "GET", "/v1/orders", NULL, NULL), -1);
  wait_ms(300);
  cr_assert_eq(call(&s, "GET", "/v1/orders", NULL, NULL), 200);
  ts_junit j;
  finish(&s, 1, &j);
  cr_assert_eq(j.n, 3);
  expect_case(&j, "GET /v1/orders #1", TS_CASE_FAILURE, "retry_too_soon");
  expect_case(&j, "GET /v1/orders #2", TS_CASE_PASS, NULL);
  expect_case(&j, "GET /v1/orders #3", TS_CASE_PASS, NULL);
  cr_assert(strstr(j.raw, "retry_too_soon: retried as request #2 after 0.0"), "%s", j.raw);
  cr_assert(strstr(j.raw, "the client policy's backoff_min is 0.200 s"), "%s", j.raw);
  ts_junit_free(&j);
  ts_serve_free(&s);
}

/* A client that keeps retrying a dropped GET: the 4th attempt is one more
 * than the policy's max_attempts 3. */
Test(serve_policy, more_attempts_than_allowed_is_retry_storm) {
  const char *args[] = {"--inject", "reset@GET /v1/orders", NULL};
  ts_serve s;
  start(&s, ORDERS, args);
  for (int i = 0; i < 4; i++) {
    if (i) wait_ms(250);
    cr_assert_eq(call(&s, "GET", "/v1/orders", NULL, NULL), -1);
  }
  ts_junit j;
  finish(&s, 1, &j);
  cr_assert_eq(j.n, 4);
  expect_case(&j, "GET /v1/orders #1", TS_CASE_PASS, NULL);
  expect_case(&j, "GET /v1/orders #2", TS_CASE_PASS, NULL);
  expect_case(&j, "GET /v1/orders #3", TS_CASE_PASS, NULL);
  expect_case(&j, "GET /v1/orders #4", TS_CASE_FAILURE, "retry_storm");
  cr_assert(strstr(j.raw, "retry_storm: attempt 4 of GET /v1/orders (a retry of #3); the client "
                          "policy allows 3 attempts"),
            "%s", j.raw);
  ts_junit_free(&j);
  ts_serve_free(&s);
}

/* reset_after: the order is placed, then the connection drops. Resending the
 * POST without an idempotency key places it twice: duplicate_side_effect on
 * the resend, and the store shows two orders. With the profile's
 * X-Request-Key (or Idempotency-Key) the resend is the client's safe retry. */
Test(serve_policy, a_resend_after_reset_after_is_duplicate_side_effect) {
  const char *keys[] = {NULL, "X-Request-Key: order-1", "Idempotency-Key: order-1"};
  for (size_t k = 0; k < 3; k++) {
    const char *args[] = {"--inject", "reset_after@POST /v1/orders#1", NULL};
    ts_serve s;
    start(&s, ORDERS, args);
    cr_assert_eq(call(&s, "POST", "/v1/orders", ORDER, keys[k]), -1);
    wait_ms(250);
    cr_assert_eq(call(&s, "POST", "/v1/orders", ORDER, keys[k]), 201);
    char *url = ts_fmt("http://127.0.0.1:%d/v1/orders", s.port);
    ts_http_reply r;
    ts_curl(&(ts_http_call){.url = url, .bearer = TOKEN}, &r);
    free(url);
    cr_assert_eq(r.status, 200);
    cr_assert_eq(strstr(strstr(r.body, "widget") + 1, "widget") != NULL, true,
                 "reset_after acted: two orders stored: %s", r.body);
    ts_junit j;
    finish(&s, keys[k] ? 0 : 1, &j);
    cr_assert_eq(j.n, 3);
    expect_case(&j, "POST /v1/orders #1", TS_CASE_PASS, NULL);
    if (keys[k]) {
      expect_case(&j, "POST /v1/orders #2", TS_CASE_PASS, NULL);
    } else {
      expect_case(&j, "POST /v1/orders #2", TS_CASE_FAILURE, "duplicate_side_effect");
      cr_assert(strstr(j.raw, "duplicate_side_effect: POST /v1/orders resent after #1 was acted "
                              "on and its connection dropped (injected reset_after@POST "
                              "/v1/orders#1), without an Idempotency-Key or X-Request-Key "
                              "header"),
                "%s", j.raw);
    }
    expect_case(&j, "GET /v1/orders #3", TS_CASE_PASS, NULL);
    ts_junit_free(&j);
    ts_serve_free(&s);
  }
}

/* An injected reset happens before the request is acted on: resending that
 * POST duplicates nothing (and a POST's dropped connection is not owed a
 * retry without a key: the client cannot know it was not acted on). */
Test(serve_policy, a_resend_after_a_plain_reset_is_no_duplicate) {
  const char *args[] = {"--inject", "reset@POST /v1/orders#1", NULL};
  ts_serve s;
  start(&s, ORDERS, args);
  cr_assert_eq(call(&s, "POST", "/v1/orders", ORDER, NULL), -1);
  wait_ms(250);
  cr_assert_eq(call(&s, "POST", "/v1/orders", ORDER, NULL), 201);
  ts_junit j;
  finish(&s, 0, &j);
  cr_assert_eq(j.n, 2);
  cr_assert_eq(ts_junit_count(&j, TS_CASE_FAILURE), 0, "%s", j.raw);
  ts_junit_free(&j);
  ts_serve_free(&s);
}

/* Bad policy input: usage (exit 2) for the option, FILE:LINE:COL for the
 * profile key. */
Test(serve_policy, bad_policies_are_refused) {
  const char *argv[] = {GAUNTLET_BIN, "serve", "--expect-retry", "503,200", ITEMS, NULL};
  char *dir = ts_tempdir();
  char *err = ts_fmt("%s/err", dir);
  ts_proc p;
  cr_assert_eq(ts_run(argv, NULL, NULL, err, 10000, &p), 2);
  char *text = ts_read_file(err, NULL);
  cr_assert(strstr(text, "--expect-retry: '200' is not a failure serve injects"), "%s", text);
  free(text);
  char *suite = ts_fmt("%s/bad.yaml", dir);
  const char *yaml = "suite: bad\n"
                     "base_url: http://127.0.0.1:1\n"
                     "profile:\n"
                     "  client:\n"
                     "    retry: [503, timeout]\n"
                     "scenarios:\n"
                     "  - request: { method: GET, path: /x }\n"
                     "    expect: { status: 200 }\n";
  cr_assert(ts_write_file(suite, yaml, strlen(yaml)));
  const char *argv2[] = {GAUNTLET_BIN, "serve", suite, NULL};
  cr_assert_eq(ts_run(argv2, NULL, NULL, err, 10000, &p), 2);
  text = ts_read_file(err, NULL);
  char *want = ts_fmt("%s:5:18: client.retry: 'timeout' is not a failure serve injects", suite);
  cr_assert(strstr(text, want), "want %s in: %s", want, text);
  free(want);
  free(text);
  free(suite);
  free(err);
  ts_rmtree(dir);
  free(dir);
}
