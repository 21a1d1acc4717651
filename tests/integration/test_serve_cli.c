/* test_serve_cli.c — `gauntlet serve` as a process: listeners (HTTP, HTTPS,
 * port 0 printed on stdout), the client audit with a good and a bad libcurl
 * client, Retry-After judgement, every --inject kind as a libcurl client sees
 * it, and the report written on SIGTERM. */
#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

#define TOKEN "tok-0123456789abcdef"
#define FIXTURE SOURCE_DIR "/tests/fixtures/serve/items.yaml"

/* Starts serve on the fixture with extra args (NULL-terminated); waits for
 * its listening lines. */
static void serve_start(ts_serve *s, const char *const extra[], bool tls) {
  const char *suites[] = {FIXTURE, NULL};
  const char *args[16] = {"--seed", "1"};
  size_t n = 2;
  for (size_t i = 0; extra && extra[i] && n < 15; i++)
    args[n++] = extra[i];
  ts_serve_opts o = {.suites = suites, .args = args, .tls = tls};
  bool started = ts_serve_start(s, &o);
  char *err = ts_serve_stderr(s);
  cr_assert(started, "serve did not start; stderr: %s", err);
  free(err);
}

static int serve_finish(ts_serve *s, bool term) {
  int rc = ts_serve_stop(s, term, 10000);
  cr_assert(s->proc.exited, "serve did not exit");
  cr_expect(!s->proc.sanitizer_report, "sanitizer report in serve's stderr (see the log above)");
  return rc;
}

static int run_client(const char *name, int port, const char *mode) {
  char *bin = ts_fmt("%s/%s", TARGETS_DIR, name);
  char *base = ts_fmt("http://127.0.0.1:%d", port);
  const char *argv[] = {bin, base, TOKEN, mode, NULL};
  ts_proc p;
  int rc = ts_run(argv, NULL, NULL, NULL, 20000, &p);
  free(bin);
  free(base);
  return rc;
}

typedef ts_http_reply got;

static void fetch(got *g, const char *url, const char *cacert) {
  ts_curl(&(ts_http_call){.url = url, .bearer = TOKEN, .cacert = cacert}, g);
}

static void assert_case(const ts_junit *j, const char *name, ts_outcome o, const char *types) {
  char *why = ts_case_mismatch(j, name, o, types);
  cr_assert(why == NULL, "%s\n%s", why ? why : "", j->raw);
}

Test(serve_cli, good_client_conforms) {
  ts_serve s;
  const char *extra[] = {"--max-requests", "2", NULL};
  serve_start(&s, extra, false);
  cr_assert_eq(run_client("client_good", s.port, "crud"), 0);
  cr_assert_eq(serve_finish(&s, false), 0, "a conforming client: exit 0");
  ts_junit j;
  cr_assert(ts_junit_load(s.junit, &j));
  cr_assert_eq(j.n, 2);
  assert_case(&j, "POST /v1/items #1", TS_CASE_PASS, NULL);
  assert_case(&j, "GET /v1/items #2", TS_CASE_PASS, NULL);
  cr_assert(ts_junit_validates(s.junit));
  ts_junit_free(&j);
  ts_serve_free(&s);
}

Test(serve_cli, bad_client_is_reported_per_request) {
  ts_serve s;
  const char *extra[] = {"--max-requests", "2", NULL};
  serve_start(&s, extra, false);
  cr_assert_eq(run_client("client_bad", s.port, "crud"), 0);
  cr_assert_eq(serve_finish(&s, false), 1, "a client that broke rules: exit 1");
  ts_junit j;
  cr_assert(ts_junit_load(s.junit, &j));
  assert_case(&j, "GET /v1/items #1", TS_CASE_FAILURE, "credential_in_header");
  cr_assert(strstr(ts_junit_find(&j, "GET /v1/items #1")->body, "credential_present"));
  assert_case(&j, "POST /v1/items #2", TS_CASE_FAILURE, "json_content_type");
  cr_assert_null(strstr(j.raw, TOKEN), "the credential is redacted from the report");
  ts_junit_free(&j);
  ts_serve_free(&s);
}

Test(serve_cli, retry_after_honoured_or_not) {
  const char *extra[] = {"--max-requests", "2", "--inject", "status:429",
                         "--inject-rate",  "1", NULL};
  ts_serve s;
  serve_start(&s, extra, false);
  cr_assert_eq(run_client("client_good", s.port, "retry"), 0);
  cr_assert_eq(serve_finish(&s, false), 0);
  ts_junit j;
  cr_assert(ts_junit_load(s.junit, &j));
  assert_case(&j, "GET /v1/items #1", TS_CASE_PASS, NULL);
  cr_assert(strstr(j.raw, "Retry-After 1 honoured"), "%s", j.raw);
  ts_junit_free(&j);
  ts_serve_free(&s);

  serve_start(&s, extra, false);
  cr_assert_eq(run_client("client_bad", s.port, "retry"), 0);
  cr_assert_eq(serve_finish(&s, false), 1);
  cr_assert(ts_junit_load(s.junit, &j));
  assert_case(&j, "GET /v1/items #1", TS_CASE_FAILURE, "retry_after");
  ts_junit_free(&j);
  ts_serve_free(&s);
}

static void injected(const char *kind, got *g) {
  ts_serve s;
  const char *extra[] = {"--max-requests", "1", "--inject", kind, "--inject-rate", "1", NULL};
  serve_start(&s, extra, false);
  char *url = ts_fmt("http://127.0.0.1:%d/v1/items", s.port);
  fetch(g, url, NULL);
  free(url);
  serve_finish(&s, false);
  ts_junit j;
  cr_assert(ts_junit_load(s.junit, &j), "the report is written after --max-requests");
  cr_assert(strstr(j.raw, kind), "the report names the injected fault %s", kind);
  ts_junit_free(&j);
  ts_serve_free(&s);
}

Test(serve_cli, each_injection_as_a_client_sees_it) {
  got g;
  injected("status:429", &g);
  cr_assert_eq(g.status, 429);
  cr_assert_str_eq(g.retry_after, "1");
  cr_assert_str_eq(g.remaining, "0");
  cr_assert(strstr(g.body, "\"error\""), "error shape: %s", g.body);
  injected("status:500", &g);
  cr_assert_eq(g.status, 500);
  injected("status:503", &g);
  cr_assert_eq(g.status, 503);
  cr_assert_str_eq(g.retry_after, "1");
  injected("malformed_json", &g);
  cr_assert_eq(g.status, 200);
  cJSON *parsed = cJSON_Parse(g.body);
  cr_assert_null(parsed, "malformed_json must not parse: %s", g.body);
  injected("truncated", &g);
  cr_assert_eq(g.code, CURLE_PARTIAL_FILE, "truncated: %s", curl_easy_strerror((CURLcode)g.code));
  injected("reset", &g);
  cr_assert(g.code == CURLE_GOT_NOTHING || g.code == CURLE_RECV_ERROR, "reset: %s",
            curl_easy_strerror((CURLcode)g.code));
  injected("slow:600ms", &g);
  cr_assert_eq(g.status, 200);
  cr_assert_geq(g.total, 0.6);
  injected("empty", &g);
  cr_assert_eq(g.status, 200);
  cr_assert_eq(g.len, 0);
}

Test(serve_cli, https_on_port_zero_and_report_on_sigterm) {
  ts_serve s;
  serve_start(&s, NULL, true);
  cr_assert_gt(s.tls_port, 0);
  char *url = ts_fmt("https://127.0.0.1:%d/v1/health", s.tls_port);
  got g;
  fetch(&g, url, s.cacert);
  cr_assert_eq(g.code, CURLE_OK, "%s", curl_easy_strerror((CURLcode)g.code));
  cr_assert_eq(g.status, 200);
  cr_assert(strstr(g.body, "\"ok\":true"), "%s", g.body);
  free(url);
  url = ts_fmt("http://127.0.0.1:%d/v1/items?access_token=" TOKEN, s.port);
  fetch(&g, url, NULL);
  cr_assert_eq(g.status, 401, "a credential in the query is refused even when valid");
  int rc = serve_finish(&s, true);
  cr_assert_eq(rc, 1, "the client broke a rule");
  ts_junit j;
  cr_assert(ts_junit_load(s.junit, &j));
  cr_assert_eq(j.n, 2);
  assert_case(&j, "GET /v1/health #1", TS_CASE_PASS, NULL);
  cr_assert(ts_junit_validates(s.junit));
  ts_junit_free(&j);
  free(url);
  ts_serve_free(&s);
}
