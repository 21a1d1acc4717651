/* test_serve_output.c — what `gauntlet serve` writes about the exchanges it
 * audited: each testcase's <system-out> holds the answer (status line,
 * headers, body), credentials are redacted whole (a second valid-looking JWT
 * too), the summary at exit (stderr and JUnit properties), --har FILE as HAR
 * 1.2, the report renamed into place only at the end, and no record lost
 * when many clients send at once. */
#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <pthread.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

#define TOKEN "tok-0123456789abcdef"
#define FIXTURE SOURCE_DIR "/tests/fixtures/serve/items.yaml"
/* A JWT-looking credential that is not the configured one: its parts must
 * not appear anywhere serve writes. */
#define OTHER_JWT_PAYLOAD "eyJjaGFubmVsIjoic2Vjb25kIn0"
#define OTHER_JWT_SIG "c2Vjb25kLXNpZ25hdHVyZS0xMjM0NTY3ODkw"
#define OTHER_JWT "eyJhbGciOiJIUzI1NiJ9." OTHER_JWT_PAYLOAD "." OTHER_JWT_SIG

static void serve_start(ts_serve *s, const char *const extra[]) {
  const char *suites[] = {FIXTURE, NULL};
  const char *args[16] = {"--seed", "1"};
  size_t n = 2;
  for (size_t i = 0; extra && extra[i] && n < 15; i++)
    args[n++] = extra[i];
  ts_serve_opts o = {.suites = suites, .args = args};
  bool started = ts_serve_start(s, &o);
  char *err = ts_serve_stderr(s);
  cr_assert(started, "serve did not start; stderr: %s", err);
  free(err);
}

static int serve_finish(ts_serve *s) {
  int rc = ts_serve_stop(s, true, 20000);
  cr_assert(s->proc.exited, "serve did not exit");
  cr_expect(!s->proc.sanitizer_report, "sanitizer report in serve's stderr (see the log above)");
  return rc;
}

static void call(ts_http_reply *g, const char *method, const char *url, const char *bearer,
                 const char *body) {
  ts_curl(&(ts_http_call){.method = method,
                          .url = url,
                          .bearer = bearer,
                          .content_type = body ? "application/json" : NULL,
                          .body = body},
          g);
}

/* The value of property name in the report, or NULL (points into raw). */
static char *property(const ts_junit *j, const char *name) {
  char *key = ts_fmt("<property name=\"%s\" value=\"", name);
  const char *at = strstr(j->raw, key);
  char *v = NULL;
  if (at) {
    at += strlen(key);
    v = strndup(at, strcspn(at, "\""));
  }
  free(key);
  return v;
}

static void expect_property(const ts_junit *j, const char *name, const char *want) {
  char *v = property(j, name);
  cr_expect(v && !strcmp(v, want), "property %s: want \"%s\", got \"%s\"", name, want,
            v ? v : "(absent)");
  free(v);
}

/* ---- HAR 1.2 structure (http://www.softwareishard.com/blog/har-12-spec/) ---- */

static const char *need(const cJSON *o, const char *key, int type_mask) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
  if (!v) return key;
  if ((v->type & 0xFF & type_mask) == 0) return key;
  return NULL;
}

#define STR cJSON_String
#define NUM cJSON_Number
#define ARR cJSON_Array
#define OBJ cJSON_Object

static char *pairs_ok(const cJSON *arr, const char *where) {
  const cJSON *p;
  cJSON_ArrayForEach(p, arr) {
    if (need(p, "name", STR) || need(p, "value", STR))
      return ts_fmt("%s: an entry without string name/value", where);
  }
  return NULL;
}

/* NULL when har is a HAR 1.2 document with n entries; else why not. */
static char *har_problem(const cJSON *har, size_t n) {
  const cJSON *log = cJSON_GetObjectItemCaseSensitive(har, "log");
  if (!cJSON_IsObject(log)) return strdup("no log object");
  const cJSON *version = cJSON_GetObjectItemCaseSensitive(log, "version");
  if (!cJSON_IsString(version) || strcmp(version->valuestring, "1.2"))
    return strdup("log.version is not \"1.2\"");
  const cJSON *creator = cJSON_GetObjectItemCaseSensitive(log, "creator");
  if (!cJSON_IsObject(creator) || need(creator, "name", STR) || need(creator, "version", STR))
    return strdup("log.creator needs string name and version");
  const cJSON *entries = cJSON_GetObjectItemCaseSensitive(log, "entries");
  if (!cJSON_IsArray(entries)) return strdup("log.entries is not an array");
  if ((size_t)cJSON_GetArraySize(entries) != n)
    return ts_fmt("%d entries, want %zu", cJSON_GetArraySize(entries), n);
  regex_t iso;
  regcomp(&iso,
          "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{"
          "2})$",
          REG_EXTENDED | REG_NOSUB);
  char *why = NULL;
  const cJSON *e;
  cJSON_ArrayForEach(e, entries) {
    const char *miss = need(e, "startedDateTime", STR);
    if (!miss) miss = need(e, "time", NUM);
    if (!miss) miss = need(e, "request", OBJ);
    if (!miss) miss = need(e, "response", OBJ);
    if (!miss) miss = need(e, "cache", OBJ);
    if (!miss) miss = need(e, "timings", OBJ);
    if (miss) {
      why = ts_fmt("entry without %s", miss);
      break;
    }
    if (regexec(&iso, cJSON_GetObjectItem(e, "startedDateTime")->valuestring, 0, NULL, 0)) {
      why = strdup("startedDateTime is not ISO 8601");
      break;
    }
    const cJSON *rq = cJSON_GetObjectItem(e, "request"), *rs = cJSON_GetObjectItem(e, "response");
    const char *rq_keys[] = {"method", "url", "httpVersion"};
    const char *rs_keys[] = {"statusText", "httpVersion", "redirectURL"};
    for (size_t i = 0; !miss && i < 3; i++)
      miss = need(rq, rq_keys[i], STR) ? rq_keys[i] : need(rs, rs_keys[i], STR) ? rs_keys[i] : NULL;
    if (!miss) miss = need(rq, "cookies", ARR) ?: need(rq, "headers", ARR);
    if (!miss) miss = need(rq, "queryString", ARR) ?: need(rq, "headersSize", NUM);
    if (!miss) miss = need(rq, "bodySize", NUM) ?: need(rs, "status", NUM);
    if (!miss) miss = need(rs, "cookies", ARR) ?: need(rs, "headers", ARR);
    if (!miss) miss = need(rs, "content", OBJ) ?: need(rs, "headersSize", NUM);
    if (!miss) miss = need(rs, "bodySize", NUM);
    const cJSON *content = cJSON_GetObjectItem(rs, "content");
    if (!miss) miss = need(content, "size", NUM) ?: need(content, "mimeType", STR);
    const cJSON *t = cJSON_GetObjectItem(e, "timings");
    if (!miss) miss = need(t, "send", NUM) ?: need(t, "wait", NUM) ?: need(t, "receive", NUM);
    const cJSON *pd = cJSON_GetObjectItem(rq, "postData");
    if (!miss && pd) miss = need(pd, "mimeType", STR) ?: need(pd, "text", STR);
    if (miss) {
      why = ts_fmt("request/response without %s", miss);
      break;
    }
    if (strncmp(cJSON_GetObjectItem(rq, "url")->valuestring, "http", 4)) {
      why = strdup("request.url is not absolute");
      break;
    }
    if ((why = pairs_ok(cJSON_GetObjectItem(rq, "headers"), "request.headers")) ||
        (why = pairs_ok(cJSON_GetObjectItem(rq, "queryString"), "request.queryString")) ||
        (why = pairs_ok(cJSON_GetObjectItem(rs, "headers"), "response.headers")))
      break;
  }
  regfree(&iso);
  return why;
}

Test(serve_output, answers_summary_har_and_redaction) {
  char *dir = ts_tempdir();
  char *har = ts_fmt("%s/exchanges.har", dir);
  char *html = ts_fmt("%s/audit.html", dir);
  const char *extra[] = {"--har", har, "--html", html, NULL};
  ts_serve s;
  serve_start(&s, extra);
  char *items = ts_fmt("http://127.0.0.1:%d/v1/items", s.port);
  char *nothing = ts_fmt("http://127.0.0.1:%d/v1/nothing", s.port);
  ts_http_reply g;
  call(&g, "POST", items, TOKEN, "{\"name\":\"w\",\"size\":1,\"tags\":[]}");
  cr_assert_eq(g.status, 201, "%s", g.body);
  call(&g, "GET", items, OTHER_JWT, NULL);
  cr_assert_eq(g.status, 401);
  call(&g, "GET", nothing, TOKEN, NULL);
  cr_assert_eq(g.status, 404);
  /* written atomically: nothing under the report's name until serve stops */
  cr_assert_neq(access(s.junit, F_OK), 0, "the report appears only when it is complete");
  cr_assert_neq(access(har, F_OK), 0, "the HAR appears only when it is complete");
  cr_assert_neq(access(html, F_OK), 0, "the HTML page appears only when it is complete");
  cr_assert_eq(serve_finish(&s), 1, "the client broke rules");

  ts_junit j;
  cr_assert(ts_junit_load(s.junit, &j));
  cr_assert(ts_junit_validates(s.junit), "%s", j.raw);
  cr_assert_eq(j.n, 3);
  const ts_case *c = ts_junit_find(&j, "POST /v1/items #1");
  cr_assert(c && c->outcome == TS_CASE_PASS && c->out, "%s", j.raw);
  /* the answer itself: status line, headers, body */
  cr_expect(strstr(c->out, "-> HTTP/1.1 201 Created\n"), "%s", c->out);
  cr_expect(strstr(c->out, "\nContent-Type: application/json; charset=utf-8\n"), "%s", c->out);
  cr_expect(strstr(c->out, "\nX-Request-Id: "), "%s", c->out);
  cr_expect(strstr(c->out, "\"name\":\"w\""), "the answer's body: %s", c->out);
  cr_expect(strstr(c->out, "Authorization: Bearer ${credential}") ||
                strstr(c->out, "Authorization: Bearer ${ITEMS_TOKEN}"),
            "the configured credential shows its name: %s", c->out);
  c = ts_junit_find(&j, "GET /v1/items #2");
  cr_assert(c && c->outcome == TS_CASE_FAILURE, "%s", j.raw);
  cr_expect_str_eq(c->type, "credential_valid");
  cr_expect(strstr(c->out, "Authorization: Bearer ***\n"), "another credential: %s", c->out);
  cr_expect(strstr(c->out, "-> HTTP/1.1 401 Unauthorized\n"), "%s", c->out);
  c = ts_junit_find(&j, "GET /v1/nothing #3");
  cr_assert(c && c->outcome == TS_CASE_FAILURE);
  cr_expect_str_eq(c->type, "documented_route");
  cr_expect(strstr(c->out, "-> HTTP/1.1 404 Not Found\n"), "%s", c->out);

  /* the summary, as properties */
  expect_property(&j, "summary.requests", "3");
  expect_property(&j, "summary.broke_rules", "2");
  expect_property(&j, "rule.credential_valid", "1");
  expect_property(&j, "rule.documented_route", "1");
  expect_property(&j, "rule.json_parses", "0");
  expect_property(&j, "route.POST /v1/items", "requests=1 broke_rules=0 injected=0 retried=0");
  expect_property(&j, "route.GET /v1/items", "requests=1 broke_rules=1 injected=0 retried=0");
  expect_property(&j, "route.(no documented route)",
                  "requests=1 broke_rules=1 injected=0 retried=0");
  expect_property(&j, "retry.injected", "0");
  cr_expect(!strstr(j.raw, "time=\"0.000\" timestamp"), "the suite's time is serve's: %s", j.raw);

  /* and on stderr */
  char *err = ts_serve_stderr(&s);
  cr_expect(strstr(err, "3 requests, 2 broke a rule, 0 answers injected\n"), "%s", err);
  cr_expect(strstr(err, "  credential_valid              1\n"), "%s", err);
  regex_t row;
  cr_assert_eq(regcomp(&row, "\nPOST /v1/items +1 +0 +0 +0\n", REG_EXTENDED | REG_NOSUB), 0);
  cr_expect_eq(regexec(&row, err, 0, NULL, 0), 0, "the route table: %s", err);
  regfree(&row);
  cr_expect(strstr(err, "retries: no answer was injected\n"), "%s", err);

  /* the HAR */
  size_t len = 0;
  char *text = ts_read_file(har, &len);
  cr_assert(text, "the HAR is written");
  cJSON *doc = cJSON_ParseWithLength(text, len);
  cr_assert(doc, "the HAR is JSON");
  char *why = har_problem(doc, 3);
  cr_assert_null(why, "HAR 1.2: %s\n%s", why, text);
  const cJSON *e0 =
      cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "log"), "entries"), 0);
  const cJSON *rq = cJSON_GetObjectItem(e0, "request"), *rs = cJSON_GetObjectItem(e0, "response");
  cr_expect_str_eq(cJSON_GetObjectItem(rq, "method")->valuestring, "POST");
  cr_expect_eq(cJSON_GetObjectItem(rs, "status")->valueint, 201);
  cr_expect_str_eq(cJSON_GetObjectItem(rs, "statusText")->valuestring, "Created");
  cr_expect(strstr(cJSON_GetObjectItem(cJSON_GetObjectItem(rq, "postData"), "text")->valuestring,
                   "\"size\":1"));
  cr_expect(strstr(cJSON_GetObjectItem(cJSON_GetObjectItem(rs, "content"), "text")->valuestring,
                   "\"name\":\"w\""));
  cJSON_Delete(doc);

  /* the HTML page: the same requests and verdicts (tests/reports/serve-html-in-chromium.sh
   * loads such a page in a browser) */
  char *page = ts_read_file(html, NULL);
  cr_assert(page, "the HTML page is written");
  cr_expect(strstr(page, "<h1>gauntlet serve: 3 requests, 2 broke a rule</h1>"), "%s", page);
  cr_expect(strstr(page, "<details class=\"case pass\" id=\"r1\""), "%s", page);
  cr_expect(strstr(page, "<details class=\"case fail\" id=\"r2\""), "%s", page);
  cr_expect(strstr(page, "<tr><td><code>credential_valid</code></td><td>failure</td><td>1</td>"),
            "%s", page);
  cr_expect(strstr(page, "<tr><td><code>POST /v1/items</code></td><td>1</td><td>0</td>"), "%s",
            page);
  cr_expect(strstr(page, "Authorization: Bearer ***\n"), "another credential, redacted");

  /* no credential anywhere: neither the configured one nor the other JWT's parts */
  const char *outputs[] = {j.raw, text, err, page};
  for (size_t i = 0; i < 4; i++) {
    cr_expect_null(strstr(outputs[i], TOKEN), "output %zu shows the credential", i);
    cr_expect_null(strstr(outputs[i], OTHER_JWT_PAYLOAD), "output %zu shows a JWT payload", i);
    cr_expect_null(strstr(outputs[i], OTHER_JWT_SIG), "output %zu shows a JWT signature", i);
  }
  free(text);
  free(page);
  free(err);
  ts_junit_free(&j);
  free(items);
  free(nothing);
  ts_serve_free(&s);
  free(har);
  free(html);
  free(dir);
}

Test(serve_output, retry_statistics) {
  const char *extra[] = {"--inject", "status:503", "--inject-rate", "1", NULL};
  ts_serve s;
  serve_start(&s, extra);
  char *items = ts_fmt("http://127.0.0.1:%d/v1/items", s.port);
  ts_http_reply g;
  call(&g, "GET", items, TOKEN, NULL); /* injected 503, Retry-After: 1 */
  cr_assert_eq(g.status, 503);
  cr_assert_str_eq(g.retry_after, "1");
  call(&g, "GET", items, TOKEN, NULL); /* at once: a retry that did not wait */
  cr_assert_eq(g.status, 503);
  usleep(1100 * 1000);
  call(&g, "GET", items, TOKEN, NULL); /* after Retry-After: honoured */
  cr_assert_eq(g.status, 503);
  cr_assert_eq(serve_finish(&s), 1, "an early retry breaks retry_after");
  ts_junit j;
  cr_assert(ts_junit_load(s.junit, &j));
  cr_assert(ts_junit_validates(s.junit));
  cr_assert_eq(j.n, 3);
  const ts_case *c = ts_junit_find(&j, "GET /v1/items #2");
  cr_assert(c && c->out);
  cr_expect(strstr(c->out, "a retry of #1 (injected status:503), attempt 2"), "%s", c->out);
  cr_expect(strstr(c->out, "-> injected status:503: HTTP/1.1 503 Service Unavailable\n"), "%s",
            c->out);
  expect_property(&j, "retry.injected", "3");
  expect_property(&j, "retry.retried", "2");
  expect_property(&j, "retry.not_retried", "1");
  expect_property(&j, "retry.max_attempts", "3");
  expect_property(&j, "retry.retry_after_announced", "2");
  expect_property(&j, "retry.retry_after_honoured", "1");
  expect_property(&j, "retry.retry_after_early", "1");
  expect_property(&j, "rule.retry_after", "1");
  expect_property(&j, "route.GET /v1/items", "requests=3 broke_rules=1 injected=3 retried=2");
  char *err = ts_serve_stderr(&s);
  cr_expect(strstr(err, "retries: 3 injected answers, 2 retried, 1 not retried within 30 s; "
                        "most attempts of one request: 3\n"),
            "%s", err);
  cr_expect(strstr(err, "Retry-After announced on 2 retried answers: 1 honoured, 1 early"), "%s",
            err);
  free(err);
  ts_junit_free(&j);
  free(items);
  ts_serve_free(&s);
}

/* ---- many clients at once: every request has its record, exactly once ---- */
#define CLIENTS 4
#define PER_CLIENT 150

static int shared_port;

static void *client(void *arg) {
  (void)arg;
  char *url = ts_fmt("http://127.0.0.1:%d/v1/items", shared_port);
  ts_http_reply g;
  for (int i = 0; i < PER_CLIENT; i++)
    call(&g, i % 2 ? "GET" : "POST", url, TOKEN,
         i % 2 ? NULL : "{\"name\":\"w\",\"size\":1,\"tags\":[]}");
  free(url);
  return NULL;
}

Test(serve_output, no_record_lost_under_concurrency) {
  const char *extra[] = {"-q", "--inject", "status:503,reset", "--inject-rate", "0.3", NULL};
  ts_serve s;
  serve_start(&s, extra);
  shared_port = s.port;
  pthread_t t[CLIENTS];
  for (int i = 0; i < CLIENTS; i++)
    cr_assert_eq(pthread_create(&t[i], NULL, client, NULL), 0);
  for (int i = 0; i < CLIENTS; i++)
    pthread_join(t[i], NULL);
  serve_finish(&s);
  ts_junit j;
  cr_assert(ts_junit_load(s.junit, &j));
  cr_assert(ts_junit_validates(s.junit));
  size_t total = CLIENTS * PER_CLIENT;
  cr_assert_eq(j.n, total, "%zu testcases for %zu requests", j.n, total);
  /* #1..#N each exactly once */
  char *seen = calloc(total + 1, 1);
  for (size_t i = 0; i < j.n; i++) {
    const char *hash = strrchr(j.cases[i].name, '#');
    long k = hash ? atol(hash + 1) : 0;
    cr_assert(k >= 1 && (size_t)k <= total, "%s", j.cases[i].name);
    cr_assert(!seen[k], "#%ld twice", k);
    seen[k] = 1;
  }
  free(seen);
  char *n = ts_fmt("%zu", total);
  expect_property(&j, "summary.requests", n);
  free(n);
  ts_junit_free(&j);
  ts_serve_free(&s);
}
