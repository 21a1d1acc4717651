/* test_serve_params.c — `gauntlet serve` reading parameters the way the
 * profile's `request:` block says, driven by libcurl as a client library
 * would send them: moonrope-client's form field `params=<json>`, a `params`
 * query field on GET, postal-php's nulls for unset fields, a text/plain body
 * that is not read. The report must hold exactly the expected findings. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#define FIXTURE SOURCE_DIR "/tests/fixtures/serve/rpc_params.yaml"
#define KEY_HEADER "X-Server-API-Key: key-0123456789"

static void call(int port, const char *method, const char *path, const char *ctype,
                 const char *body, ts_http_reply *r) {
  char *url = ts_fmt("http://127.0.0.1:%d%s", port, path);
  const char *headers[] = {KEY_HEADER, NULL};
  ts_curl(
      &(ts_http_call){
          .method = method, .url = url, .content_type = ctype, .body = body, .headers = headers},
      r);
  free(url);
}

static void assert_case(const ts_junit *j, const char *name, ts_outcome o, const char *types) {
  char *why = ts_case_mismatch(j, name, o, types);
  cr_assert(why == NULL, "%s\n%s", why ? why : "", j->raw);
}

Test(serve_params, each_encoding_a_client_library_uses) {
  const char *suites[] = {FIXTURE, NULL};
  const char *args[] = {"--max-requests", "5", NULL};
  ts_serve s;
  bool started = ts_serve_start(&s, &(ts_serve_opts){.suites = suites, .args = args});
  char *err = ts_serve_stderr(&s);
  cr_assert(started, "serve did not start: %s", err);
  free(err);
  ts_http_reply r;
  /* moonrope-client: a form whose `params` field is the JSON object */
  call(s.port, "POST", "/api/v1/send/message", "application/x-www-form-urlencoded",
       "params=%7B%22to%22%3A%5B%22a%40example.com%22%5D%2C%22from%22%3A%22s%40example.com%22%7D",
       &r);
  cr_assert_eq(r.status, 200);
  cr_assert(strstr(r.body, "\"status\":\"success\""), "%s", r.body);
  /* the same as a query field on GET */
  call(s.port, "GET",
       "/api/v1/send/message?params=%7B%22to%22%3A%5B%22a%40example.com%22%5D%2C%22from%22%3A%"
       "22s%40example.com%22%7D",
       NULL, NULL, &r);
  cr_assert_eq(r.status, 200);
  cr_assert(strstr(r.body, "\"status\":\"success\""), "%s", r.body);
  /* postal-php: every unset field as null */
  call(s.port, "POST", "/api/v1/send/message", "application/json",
       "{\"to\":[\"a@example.com\"],\"from\":\"s@example.com\",\"cc\":null,\"subject\":null}", &r);
  cr_assert_eq(r.status, 200);
  cr_assert(strstr(r.body, "\"status\":\"success\""), "%s", r.body);
  /* a body of another content type is not read: no parameters, never 415 */
  call(s.port, "POST", "/api/v1/send/message", "text/plain", "to=a", &r);
  cr_assert_eq(r.status, 200);
  cr_assert(strstr(r.body, "\"status\":\"parameter-error\""), "%s", r.body);
  /* a required parameter sent as null is missing */
  call(s.port, "POST", "/api/v1/send/message", "application/json",
       "{\"to\":[\"a@example.com\"],\"from\":null}", &r);
  cr_assert_eq(r.status, 200);
  cr_assert(strstr(r.body, "missing field $.from"), "%s", r.body);
  cr_assert_eq(ts_serve_stop(&s, false, 10000), 1, "the last two requests broke a rule");
  ts_junit j;
  cr_assert(ts_junit_load(s.junit, &j));
  cr_assert_eq(j.n, 5);
  assert_case(&j, "POST /api/v1/send/message #1", TS_CASE_PASS, NULL);
  assert_case(&j, "GET /api/v1/send/message #2", TS_CASE_PASS, NULL);
  assert_case(&j, "POST /api/v1/send/message #3", TS_CASE_PASS, NULL);
  assert_case(&j, "POST /api/v1/send/message #4", TS_CASE_FAILURE, "request_body");
  assert_case(&j, "POST /api/v1/send/message #5", TS_CASE_FAILURE, "request_body");
  ts_junit_free(&j);
  ts_serve_free(&s);
}
