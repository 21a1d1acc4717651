/* test_serve_inject.c — `gauntlet serve` audit modes as a libcurl client sees
 * them, beyond the injection kinds themselves (test_serve_cli.c): what serve
 * logs about its own injected faults, targeted injection, and undeclared
 * routes as notes (--unknown-routes). */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

#define FIXTURE SOURCE_DIR "/tests/fixtures/serve/items.yaml"

Test(serve_inject, an_injected_reset_logs_no_internal_error) {
  const char *suites[] = {FIXTURE, NULL};
  const char *args[] = {
      "--max-requests", "2", "--inject", "reset,reset_after", "--inject-rate", "1",
      "--seed",         "3", NULL};
  ts_serve s;
  bool started = ts_serve_start(&s, &(ts_serve_opts){.suites = suites, .args = args});
  char *err = ts_serve_stderr(&s);
  cr_assert(started, "serve did not start: %s", err);
  free(err);
  char *url = ts_fmt("http://127.0.0.1:%d/v1/health", s.port);
  for (int i = 0; i < 2; i++) {
    ts_http_reply r;
    ts_curl(&(ts_http_call){.url = url}, &r);
    cr_assert(r.code == CURLE_GOT_NOTHING || r.code == CURLE_RECV_ERROR, "reset: %s",
              curl_easy_strerror((CURLcode)r.code));
  }
  free(url);
  cr_assert_eq(ts_serve_stop(&s, false, 10000), 0);
  err = ts_serve_stderr(&s);
  cr_assert(strstr(err, "GET /v1/health -> 0 [inject reset"), "the reset is logged as such: %s",
            err);
  cr_assert_null(strstr(err, "internal error"), "no libmicrohttpd internal error: %s", err);
  free(err);
  ts_serve_free(&s);
}

/* --unknown-routes note:501: a client auditing only part of an API */
Test(serve_inject, unknown_routes_as_notes_with_a_status) {
  const char *suites[] = {FIXTURE, NULL};
  const char *args[] = {"--max-requests", "2", "--unknown-routes", "note:501", NULL};
  ts_serve s;
  bool started = ts_serve_start(&s, &(ts_serve_opts){.suites = suites, .args = args});
  char *err = ts_serve_stderr(&s);
  cr_assert(started, "serve did not start: %s", err);
  free(err);
  char *url = ts_fmt("http://127.0.0.1:%d/v1/widgets", s.port);
  ts_http_reply r;
  ts_curl(&(ts_http_call){.url = url, .bearer = "tok-0123456789abcdef"}, &r);
  cr_assert_eq(r.status, 501);
  cr_assert(strstr(r.body, "\"error\""), "the profile's error shape: %s", r.body);
  free(url);
  url = ts_fmt("http://127.0.0.1:%d/v1/health", s.port);
  ts_curl(&(ts_http_call){.method = "DELETE", .url = url, .bearer = "tok-0123456789abcdef"}, &r);
  cr_assert_eq(r.status, 501, "a method the path does not serve is undeclared too");
  free(url);
  cr_assert_eq(ts_serve_stop(&s, false, 10000), 0, "notes do not fail the client");
  ts_junit j;
  cr_assert(ts_junit_load(s.junit, &j));
  char *why = ts_case_mismatch(&j, "GET /v1/widgets #1", TS_CASE_PASS, NULL);
  cr_assert_null(why, "%s", why);
  cr_assert(strstr(j.raw, "note: undocumented_route: GET /v1/widgets is not a documented method"),
            "%s", j.raw);
  cr_assert(strstr(j.raw, "note: undocumented_route: DELETE /v1/health"), "%s", j.raw);
  ts_junit_free(&j);
  ts_serve_free(&s);
}

Test(serve_inject, unknown_routes_refuses_a_bad_value) {
  const char *argv[] = {GAUNTLET_BIN, "serve", "--unknown-routes", "maybe", FIXTURE, NULL};
  ts_proc p;
  int rc = ts_run(argv, NULL, NULL, NULL, 10000, &p);
  cr_assert_eq(rc, 2);
}

static long call_status(int port, const char *method, const char *path, const char *body,
                        double *seconds) {
  char *url = ts_fmt("http://127.0.0.1:%d%s", port, path);
  ts_http_reply r;
  ts_curl(&(ts_http_call){.method = method,
                          .url = url,
                          .bearer = "tok-0123456789abcdef",
                          .content_type = body ? "application/json" : NULL,
                          .body = body},
          &r);
  free(url);
  if (seconds) *seconds = r.total;
  return r.code == CURLE_OK ? r.status : -1; /* -1: no answer (reset) */
}

/* By route and method, on the Nth match, as a scripted sequence, and
 * per-route latency; untargeted routes are answered normally. */
Test(serve_inject, targeted_injection) {
  const char *suites[] = {FIXTURE, NULL};
  const char *args[] = {"--max-requests", "9", "--inject",
                        "status:503@POST /v1/items#2,[503,reset,200]@GET /v1/items,"
                        "slow:400ms@GET /v1/health",
                        NULL};
  ts_serve s;
  bool started = ts_serve_start(&s, &(ts_serve_opts){.suites = suites, .args = args});
  char *err = ts_serve_stderr(&s);
  cr_assert(started, "serve did not start: %s", err);
  free(err);
  /* three different items: none is a retry of another */
  cr_assert_eq(
      call_status(s.port, "POST", "/v1/items", "{\"name\":\"a\",\"size\":1,\"tags\":[]}", NULL),
      201);
  cr_assert_eq(
      call_status(s.port, "POST", "/v1/items", "{\"name\":\"b\",\"size\":1,\"tags\":[]}", NULL),
      503, "#2 only");
  cr_assert_eq(
      call_status(s.port, "POST", "/v1/items", "{\"name\":\"c\",\"size\":1,\"tags\":[]}", NULL),
      201);
  cr_assert_eq(call_status(s.port, "GET", "/v1/items", NULL, NULL), 503, "sequence: 503");
  cr_assert_eq(call_status(s.port, "GET", "/v1/items", NULL, NULL), -1, "sequence: reset");
  cr_assert_eq(call_status(s.port, "GET", "/v1/items", NULL, NULL), 200, "sequence: 200");
  cr_assert_eq(call_status(s.port, "GET", "/v1/items", NULL, NULL), 200, "after the script");
  double t = 0;
  cr_assert_eq(call_status(s.port, "GET", "/v1/health", NULL, &t), 200);
  cr_assert_geq(t, 0.4, "per-route latency");
  cr_assert_eq(call_status(s.port, "GET", "/v1/items/newest", NULL, &t), 200, "not targeted");
  cr_assert_lt(t, 0.4);
  /* the GET after the injected 503 came at once: it ignored Retry-After */
  cr_assert_eq(ts_serve_stop(&s, false, 10000), 1);
  ts_junit j;
  cr_assert(ts_junit_load(s.junit, &j));
  cr_assert_eq(j.n, 9);
  cr_assert_eq(ts_junit_count(&j, TS_CASE_FAILURE), 1, "%s", j.raw);
  char *why = ts_case_mismatch(&j, "GET /v1/items #4", TS_CASE_FAILURE, "retry_after");
  cr_assert_null(why, "%s", why);
  cr_assert(strstr(j.raw, "injected 503: retried as request #5"), "%s", j.raw);
  ts_junit_free(&j);
  ts_serve_free(&s);
}

Test(serve_inject, targeted_injection_refuses_bad_syntax) {
  const char *bad[] = {"status:503@items", "[]@GET /a", "status:503#0", "[503,7]", NULL};
  for (size_t i = 0; bad[i]; i++) {
    const char *argv[] = {GAUNTLET_BIN, "serve", "--inject", bad[i], FIXTURE, NULL};
    ts_proc p;
    cr_assert_eq(ts_run(argv, NULL, NULL, NULL, 10000, &p), 2, "--inject '%s'", bad[i]);
  }
}

static long post_keyed(int port, const char *body, const char *key_header) {
  char *url = ts_fmt("http://127.0.0.1:%d/v1/items", port);
  const char *headers[] = {key_header, NULL};
  ts_http_reply r;
  ts_curl(&(ts_http_call){.url = url,
                          .bearer = "tok-0123456789abcdef",
                          .content_type = "application/json",
                          .body = body,
                          .headers = headers},
          &r);
  free(url);
  return r.status;
}

/* An identical request with another Idempotency-Key is a new request, not an
 * early retry; the one with the same key is the retry. */
Test(serve_inject, retry_detection_follows_the_idempotency_key) {
  const char *suites[] = {FIXTURE, NULL};
  const char *args[] = {"--max-requests", "3",   "--inject", "status:503@POST /v1/items#1",
                        "--retry-window", "10s", NULL};
  ts_serve s;
  bool started = ts_serve_start(&s, &(ts_serve_opts){.suites = suites, .args = args});
  char *err = ts_serve_stderr(&s);
  cr_assert(started, "serve did not start: %s", err);
  free(err);
  const char *item = "{\"name\":\"k\",\"size\":1,\"tags\":[]}";
  cr_assert_eq(post_keyed(s.port, item, "Idempotency-Key: k1"), 503);
  cr_assert_eq(post_keyed(s.port, item, "Idempotency-Key: k2"), 201);
  usleep(1100 * 1000);
  cr_assert_eq(post_keyed(s.port, item, "Idempotency-Key: k1"), 201);
  cr_assert_eq(ts_serve_stop(&s, false, 10000), 0, "no early retry");
  ts_junit j;
  cr_assert(ts_junit_load(s.junit, &j));
  cr_assert(strstr(j.raw, "retried as request #3 after"), "%s", j.raw);
  cr_assert(strstr(j.raw, "Retry-After 1 honoured"), "%s", j.raw);
  ts_junit_free(&j);
  ts_serve_free(&s);
}

/* An injected status on the shipped RPC suite (an envelope profile whose
 * transport errors are bare) is the profile's `errors.answers` body for it,
 * 429 included, with a message saying it was injected where it has one. */
Test(serve_inject, injected_statuses_on_the_rpc_suite_are_its_error_answers) {
  const char *suites[] = {SOURCE_DIR "/suites/rpc.yaml", NULL};
  const char *args[] = {"--inject", "[503,429,500]@POST /api/v1/send/message", NULL};
  const char *env[] = {"RPC_URL=https://placeholder", "RPC_API_KEY=rpc-key-0123456789", NULL};
  ts_serve s;
  bool started = ts_serve_start(&s, &(ts_serve_opts){.suites = suites, .args = args, .env = env});
  char *err = ts_serve_stderr(&s);
  cr_assert(started, "serve did not start: %s", err);
  free(err);
  char *url = ts_fmt("http://127.0.0.1:%d/api/v1/send/message", s.port);
  const char *key[] = {"X-Server-API-Key: rpc-key-0123456789", NULL};
  static const struct {
    long status;
    const char *body;
  } want[] = {
      {503, "{\"status\":\"error\",\"time\":null,\"flags\":{},\"data\":{\"code\":"
            "\"ServiceUnavailable\",\"message\":\"injected 503 (gauntlet serve --inject 503)\"}}"},
      {429, "{\"status\":\"error\",\"time\":null,\"flags\":{},\"data\":{\"code\":"
            "\"TooManyRequests\",\"message\":\"injected 429 (gauntlet serve --inject 429)\"}}"},
      {500, "{\"status\":\"internal-server-error\"}"},
  };
  /* three different messages: none is a retry of another */
  const char *bodies[] = {"{\"to\":[\"a@example.com\"],\"from\":\"s@example.com\",\"subject\":"
                          "\"1\",\"plain_body\":\"b\"}",
                          "{\"to\":[\"a@example.com\"],\"from\":\"s@example.com\",\"subject\":"
                          "\"2\",\"plain_body\":\"b\"}",
                          "{\"to\":[\"a@example.com\"],\"from\":\"s@example.com\",\"subject\":"
                          "\"3\",\"plain_body\":\"b\"}"};
  for (size_t i = 0; i < 3; i++) {
    ts_http_reply r;
    ts_curl(&(ts_http_call){.method = "POST",
                            .url = url,
                            .headers = key,
                            .content_type = "application/json",
                            .body = bodies[i]},
            &r);
    cr_assert_eq(r.status, want[i].status);
    cr_assert_str_eq(r.body, want[i].body);
  }
  free(url);
  int rc = ts_serve_stop(&s, true, 10000);
  err = ts_serve_stderr(&s);
  cr_assert_eq(rc, 0, "%s", err);
  free(err);
  ts_serve_free(&s);
}
