/* gt_check_response: scenario checks and every universal check, passing and
 * failing, on hand-built responses and profiles (templates parsed from YAML as
 * a suite would write them). */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "suite/suite.h"

static gt_node *trees[64];
static size_t n_trees;
static gt_http_response R;
static gt_profile P;
static gt_expect E;
static gt_failures F;
static cJSON *parsed;

static void setup(void) {
  memset(&R, 0, sizeof R);
  memset(&P, 0, sizeof P);
  memset(&E, 0, sizeof E);
  memset(&F, 0, sizeof F);
  E.max_time_ms = -1;
  E.refused = -1;
  E.error_shape = -1;
  parsed = NULL;
}

static void teardown(void) {
  for (size_t i = 0; i < n_trees; i++)
    gt_node_free(trees[i]);
  n_trees = 0;
  for (size_t i = 0; i < R.n_headers; i++) {
    free(R.headers[i].name);
    free(R.headers[i].value);
  }
  free(R.headers);
  gt_buf_free(&R.body);
  free(E.status_text);
  for (size_t i = 0; i < E.n_jsonpath; i++)
    gt_jsonpath_free(E.jsonpath[i].path);
  free(E.jsonpath);
  gt_failures_free(&F);
  cJSON_Delete(parsed);
}

TestSuite(checks, .init = setup, .fini = teardown);

static gt_node *T(const char *yaml) {
  gt_err err = {0};
  gt_node *n = gt_yaml_parse("t.yaml", yaml, strlen(yaml), &err);
  cr_assert_not_null(n, "yaml %s: %s", yaml, err.msg);
  cr_assert(gt_template_compile(n, &err), "compile %s: %s", yaml, err.msg);
  trees[n_trees++] = n;
  return n;
}

/* A response: status, body, then header name/value pairs ending with NULL. */
static void resp(int status, const char *body, ...) {
  R.outcome = GT_HTTP_OK;
  R.status = status;
  if (body) {
    gt_buf_add(&R.body, body, strlen(body));
    R.body_total = strlen(body);
  }
  va_list ap;
  va_start(ap, body);
  for (int guard = 0; guard < 32; guard++) {
    const char *name = va_arg(ap, const char *);
    if (!name) break;
    const char *value = va_arg(ap, const char *);
    R.headers = gt_xrealloc(R.headers, (R.n_headers + 1) * sizeof *R.headers);
    R.headers[R.n_headers].name = gt_xstrdup(name);
    R.headers[R.n_headers].value = gt_xstrdup(value);
    R.n_headers++;
  }
  va_end(ap);
}

static void expect_status(const char *yaml) {
  cr_assert(gt_status_parse(T(yaml), &E.status, &E.status_text, NULL));
  E.has_status = true;
}

static void add_jsonpath(const char *src, const char *tmpl) {
  E.jsonpath = gt_xrealloc(E.jsonpath, (E.n_jsonpath + 1) * sizeof *E.jsonpath);
  gt_path_template *pt = &E.jsonpath[E.n_jsonpath++];
  pt->path = gt_jsonpath_compile(src, NULL);
  cr_assert_not_null(pt->path);
  pt->src = gt_jsonpath_source(pt->path); /* borrowed, as the loader's are */
  pt->tmpl = T(tmpl);
}

static bool run_opts(bool transport_only, bool is_head) {
  gt_check_ctx ctx = {&P, &E, NULL, is_head, transport_only, false, NULL};
  gt_failures_free(&F);
  cJSON_Delete(parsed);
  parsed = NULL;
  bool ok = gt_check_response(&ctx, &R, &F, &parsed);
  cr_expect_eq(ok, F.count == 0, "verdict agrees with the failure list");
  return ok;
}
static bool run(void) {
  return run_opts(false, false);
}

/* Index of the first failure of that check, or -1. */
static int failed(gt_check_id id) {
  for (size_t i = 0; i < F.count; i++)
    if (F.items[i].check == id) return (int)i;
  return -1;
}

static void dump(void) {
  for (size_t i = 0; i < F.count; i++)
    cr_log_info("%s %s: expected %s, got %s", gt_check_name(F.items[i].check), F.items[i].where,
                F.items[i].expected, F.items[i].actual);
}

/* Fatal: the lines after it read F.items[0]. */
#define ONLY_FAILS(id)                                                                             \
  do {                                                                                             \
    dump();                                                                                        \
    cr_assert_eq(F.count, 1, "one failure, got %zu", F.count);                                     \
    cr_assert_geq(failed(id), 0, "expected a %s failure", gt_check_name(id));                      \
  } while (0)

/* A conformant JSON API profile, as in docs/suite-format.md. */
static void json_profile(void) {
  P.transport.content_type = "application/json";
  P.transport.charset = "utf-8";
  P.transport.headers = T("X-RateLimit-Limit: !integer\nX-RateLimit-Remaining: !integer\n");
  P.errors.shape = T("success: false\nerror: { code: !integer, message: !string }\n");
  P.errors.has_statuses = true;
  int documented[] = {200, 201, 204, 400, 401, 404, 429, 500};
  for (size_t i = 0; i < sizeof documented / sizeof *documented; i++)
    gt_status_add(&P.errors.statuses, documented[i]);
}

#define RL "X-RateLimit-Limit", "100", "X-RateLimit-Remaining", "99"
#define JSON_CT "Content-Type", "application/json; charset=utf-8"

Test(checks, names_round_trip) {
  for (int i = 0; i < GT_CHECK_COUNT; i++) {
    cr_expect_str_neq(gt_check_name((gt_check_id)i), "unknown");
    cr_expect_eq(gt_check_from_name(gt_check_name((gt_check_id)i)), i);
  }
  cr_expect_eq(gt_check_from_name("no_server_error"), GT_CHECK_NO_SERVER_ERROR);
  cr_expect_eq(gt_check_from_name("cors"), GT_CHECK_CORS);
  cr_expect_eq(gt_check_from_name("nope"), -1);
  cr_expect_eq(gt_check_from_name(NULL), -1);
}

Test(checks, conformant_response_passes_and_is_parsed) {
  json_profile();
  expect_status("200");
  E.json = T("{id: !integer}");
  resp(200, "{\"id\": 7}", JSON_CT, RL, NULL);
  cr_expect(run());
  dump();
  cr_assert_not_null(parsed);
  cr_expect_eq(cJSON_GetObjectItem(parsed, "id")->valuedouble, 7);
}

Test(checks, status) {
  expect_status("[200, 201]");
  resp(202, NULL, NULL);
  cr_expect_not(run());
  ONLY_FAILS(GT_CHECK_STATUS);
  cr_expect_str_eq(F.items[0].expected, "one of [200, 201]");
  cr_expect_str_eq(F.items[0].actual, "202");
}

Test(checks, scenario_headers_case_insensitive) {
  E.headers = T("x-request-id: !regex '^[0-9a-f]{8}$'\nETag: '\"v1\"'\nX-Gone: !absent\n");
  resp(200, NULL, "X-Request-ID", "deadbeef", "etag", "\"v1\"", NULL);
  cr_expect(run());
  dump();
  teardown();
  setup();
  E.headers = T("x-request-id: !regex '^[0-9a-f]{8}$'\nX-Gone: !absent\n");
  resp(200, NULL, "X-Request-ID", "nothex!!", "X-GONE", "here", NULL);
  cr_expect_not(run());
  cr_assert_eq(F.count, 2);
  cr_expect_str_eq(F.items[0].where, "header x-request-id");
  cr_expect_eq(F.items[0].check, GT_CHECK_HEADERS);
  cr_expect_str_eq(F.items[1].where, "header X-Gone");
}

Test(checks, json_template) {
  E.json = T("{build_status: queued}");
  resp(200, "{\"build_status\":\"failed\"}", NULL);
  cr_expect_not(run());
  ONLY_FAILS(GT_CHECK_JSON);
  cr_expect_str_eq(F.items[0].where, "$.build_status");
  resp(200, NULL, NULL);
  teardown();
  setup();
  E.json = T("{a: 1}");
  resp(200, "not json", NULL);
  cr_expect_not(run());
  cr_assert_geq(failed(GT_CHECK_JSON), 0);
  cr_expect(strstr(F.items[failed(GT_CHECK_JSON)].actual, "invalid JSON at byte 0") != NULL);
}

Test(checks, jsonpath_every_node_must_match) {
  add_jsonpath("$.items[*].id", "!integer");
  resp(200, "{\"items\":[{\"id\":1},{\"id\":2}]}", NULL);
  cr_expect(run());
  teardown();
  setup();
  add_jsonpath("$.items[*].id", "!integer");
  resp(200, "{\"items\":[{\"id\":1},{\"id\":\"2\"},{\"id\":3}]}", NULL);
  cr_expect_not(run());
  ONLY_FAILS(GT_CHECK_JSONPATH);
  cr_expect_str_eq(F.items[0].where, "$.items[*].id (node 2 of 3)");
}

Test(checks, jsonpath_selecting_nothing) {
  add_jsonpath("$.build_id", "!string");
  add_jsonpath("$.secret", "!absent");
  resp(200, "{\"other\":1}", NULL);
  cr_expect_not(run());
  ONLY_FAILS(GT_CHECK_JSONPATH);
  cr_expect_str_eq(F.items[0].where, "$.build_id");
  cr_expect_str_eq(F.items[0].actual, "missing");
  teardown();
  setup();
  add_jsonpath("$.secret", "!absent");
  resp(200, "{\"secret\":\"x\"}", NULL);
  cr_expect_not(run());
  ONLY_FAILS(GT_CHECK_JSONPATH);
}

Test(checks, body_exact_and_matcher) {
  E.body = T("'OK'");
  resp(200, "OK", NULL);
  cr_expect(run());
  teardown();
  setup();
  E.body = T("'OK'");
  resp(200, "OK\n", NULL);
  cr_expect_not(run());
  ONLY_FAILS(GT_CHECK_BODY);
  teardown();
  setup();
  E.body = T("!regex '^pong'");
  resp(200, "pong 12", NULL);
  cr_expect(run());
  teardown();
  setup();
  E.body = T("!regex '^pong'");
  resp(200, "ping", NULL);
  cr_expect_not(run());
  ONLY_FAILS(GT_CHECK_BODY);
}

Test(checks, max_time) {
  E.max_time_ms = 100;
  resp(200, NULL, NULL);
  R.timing.total = 0.05;
  cr_expect(run());
  R.timing.total = 0.25;
  cr_expect_not(run());
  ONLY_FAILS(GT_CHECK_MAX_TIME);
  cr_expect_str_eq(F.items[0].actual, "250 ms");
}

Test(checks, transport_failure_when_a_response_was_due) {
  expect_status("200");
  R.outcome = GT_HTTP_TIMEOUT;
  strcpy(R.error, "Operation timed out after 5000 ms");
  cr_expect_not(run());
  ONLY_FAILS(GT_CHECK_TRANSPORT);
  cr_expect(strstr(F.items[0].actual, "timed out") != NULL);
  cr_expect_str_eq(F.items[0].expected, "a response with status 200");
  cr_expect_null(parsed);
}

Test(checks, refused_passes_on_refused_or_reset) {
  E.refused = 1;
  R.outcome = GT_HTTP_REFUSED;
  cr_expect(run());
  R.outcome = GT_HTTP_RESET;
  cr_expect(run());
  R.outcome = GT_HTTP_TIMEOUT;
  cr_expect_not(run());
  ONLY_FAILS(GT_CHECK_REFUSED);
}

Test(checks, refused_and_a_response) {
  json_profile();
  E.refused = 1;
  resp(403, "{\"success\":false,\"error\":{\"code\":1,\"message\":\"use https\"}}", JSON_CT, RL,
       NULL);
  cr_expect_not(run()); /* a normal case: only refusal passes */
  cr_expect_geq(failed(GT_CHECK_REFUSED), 0);
  cr_expect(run_opts(true, false)); /* http_only: a non-2xx answer is fine */
  R.status = 200;
  cr_expect_not(run_opts(true, false));
  ONLY_FAILS(GT_CHECK_REFUSED);
}

/* The catalogue's truncated_body: refusal acceptable, else any non-2xx. An
 * answer is judged by the status set, not failed as "not refused". */
Test(checks, refused_with_a_status_set_judges_the_answer) {
  json_profile();
  E.refused = 1;
  expect_status("4xx");
  resp(400, "{\"success\":false,\"error\":{\"code\":1,\"message\":\"short body\"}}", JSON_CT, RL,
       NULL);
  cr_expect(run());
  R.status = 201;
  cr_expect_not(run());
  ONLY_FAILS(GT_CHECK_STATUS);
  R.outcome = GT_HTTP_RESET;
  cr_expect(run());
  free(E.status_text);
  E.status_text = NULL;
}

Test(checks, transport_only_skips_universal_checks) {
  json_profile();
  resp(400, "<html>bad request</html>", "Content-Type", "text/html", NULL);
  cr_expect(run_opts(true, false));
  cr_expect_not(run());
}

Test(checks, no_server_error) {
  resp(503, NULL, NULL);
  cr_expect_not(run());
  ONLY_FAILS(GT_CHECK_NO_SERVER_ERROR);
  expect_status("503");
  cr_expect(run());
  free(E.status_text);
  expect_status("5xx");
  cr_expect(run());
  free(E.status_text);
  E.status_text = NULL;
  E.has_status = false;
  P.check_disabled[GT_CHECK_NO_SERVER_ERROR] = true;
  cr_expect(run());
}

Test(checks, content_type) {
  P.transport.content_type = "application/json";
  P.transport.charset = "utf-8";
  resp(200, "{}", "Content-Type", "Application/JSON; Charset=\"UTF-8\"", NULL);
  cr_expect(run());
  R.headers[0].value[0] = 0;
  free(R.headers[0].value);
  R.headers[0].value = gt_xstrdup("application/json");
  cr_expect(run()); /* no charset stated: fine */
  free(R.headers[0].value);
  R.headers[0].value = gt_xstrdup("application/json; charset=iso-8859-1");
  cr_expect_not(run());
  ONLY_FAILS(GT_CHECK_CONTENT_TYPE);
  free(R.headers[0].value);
  R.headers[0].value = gt_xstrdup("text/plain");
  cr_expect_not(run());
  ONLY_FAILS(GT_CHECK_CONTENT_TYPE);
  free(R.headers[0].name);
  R.headers[0].name = gt_xstrdup("X-Other");
  cr_expect_not(run());
  ONLY_FAILS(GT_CHECK_CONTENT_TYPE);
  cr_expect_str_eq(F.items[0].actual, "missing");
  P.check_disabled[GT_CHECK_CONTENT_TYPE] = true;
  cr_expect(run());
}

Test(checks, content_type_only_with_a_body) {
  P.transport.content_type = "application/json";
  resp(204, NULL, NULL);
  cr_expect(run());
  resp(200, NULL, NULL); /* empty 200 */
  cr_expect(run());
  R.status = 200;
  gt_buf_adds(&R.body, "{}");
  R.body_total = 2;
  cr_expect(run_opts(false, true)); /* HEAD */
  cr_expect_not(run());
  ONLY_FAILS(GT_CHECK_CONTENT_TYPE);
}

Test(checks, json_parses) {
  P.transport.content_type = "application/json";
  const char *bad[] = {"{\"a\":1", "{\"a\":1} x", "+1", "01",    "[1,]",    "{'a':1}",   ".5",
                       "\"a\tb\"", "nul",         "1.", "[1 2]", "\"\\x\"", "{\"a\" 1}", "\xff"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    teardown();
    setup();
    P.transport.content_type = "application/json";
    P.check_disabled[GT_CHECK_UTF8] = true;
    resp(200, bad[i], "Content-Type", "application/json", NULL);
    cr_expect_not(run(), "%s is not JSON", bad[i]);
    ONLY_FAILS(GT_CHECK_JSON_PARSES);
    cr_expect_null(parsed);
  }
  const char *good[] = {"{}", " [1, -0.5e+3, \"\\u00e9\", true, null] \n", "0", "\"x\""};
  for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
    teardown();
    setup();
    P.transport.content_type = "application/json";
    resp(200, good[i], "Content-Type", "application/json", NULL);
    cr_expect(run(), "%s is JSON", good[i]);
    cr_expect_not_null(parsed);
  }
}

Test(checks, json_parses_by_response_content_type) {
  /* No profile content type: a body labelled JSON must still be JSON. */
  resp(200, "{oops", "Content-Type", "application/problem+json", NULL);
  cr_expect_not(run());
  ONLY_FAILS(GT_CHECK_JSON_PARSES);
  teardown();
  setup();
  resp(200, "plain text", "Content-Type", "text/plain", NULL);
  cr_expect(run());
  cr_expect_null(parsed);
}

Test(checks, json_parses_empty_body) {
  P.transport.content_type = "application/json";
  resp(200, NULL, NULL);
  cr_expect(run()); /* nothing promised */
  E.json = T("{id: !integer}");
  cr_expect_not(run());
  cr_expect_geq(failed(GT_CHECK_JSON_PARSES), 0);
  cr_expect_geq(failed(GT_CHECK_JSON), 0);
  R.status = 204;
  cr_expect_not(run()); /* the template still wants a body */
  cr_expect_eq(failed(GT_CHECK_JSON_PARSES), -1);
}

Test(checks, truncated_body_is_not_judged_as_json) {
  P.transport.content_type = "application/json";
  resp(200, "[1,2,3", "Content-Type", "application/json", NULL);
  R.body_truncated = true;
  R.body_total = 50u << 20;
  cr_expect_not(run());
  ONLY_FAILS(GT_CHECK_JSON_PARSES);
  cr_expect(strstr(F.items[0].actual, "larger than cap") != NULL, "%s", F.items[0].actual);
}

Test(checks, utf8) {
  resp(200, "caf\xc3\xa9", "Content-Type", "text/plain", NULL);
  cr_expect(run());
  teardown();
  setup();
  resp(200, "caf\xe9", "Content-Type", "text/plain", NULL);
  cr_expect_not(run());
  ONLY_FAILS(GT_CHECK_UTF8);
  cr_expect(strstr(F.items[0].actual, "offset 3") != NULL, "%s", F.items[0].actual);
  free(R.headers[0].value);
  R.headers[0].value = gt_xstrdup("image/png");
  cr_expect(run()); /* binary types are bytes */
  free(R.headers[0].value);
  R.headers[0].value = gt_xstrdup("text/plain");
  P.check_disabled[GT_CHECK_UTF8] = true;
  cr_expect(run());
}

Test(checks, utf8_cut_at_the_cap) {
  resp(200, "ab\xc3", "Content-Type", "text/plain", NULL);
  R.body_truncated = true;
  R.body_total = 10;
  cr_expect(run()); /* a character split by the cap is not an error */
}

Test(checks, error_shape) {
  json_profile();
  resp(404, "{\"success\":false,\"error\":{\"code\":404,\"message\":\"no such app\"}}", JSON_CT, RL,
       NULL);
  cr_expect(run());
  dump();
  teardown();
  setup();
  json_profile();
  resp(404, "{\"error\":\"not found\"}", JSON_CT, RL, NULL);
  cr_expect_not(run());
  cr_assert_eq(F.count, 2); /* success missing, error not an object */
  cr_expect_eq(F.items[0].check, GT_CHECK_ERROR_SHAPE);
  cr_expect_str_eq(F.items[0].where, "$.success");
  E.error_shape = 0;
  cr_expect(run());
  E.error_shape = 1;
  R.status = 200; /* success responses are not error-shaped */
  cr_expect(run());
}

Test(checks, error_shape_needs_a_body) {
  json_profile();
  resp(401, NULL, RL, NULL);
  cr_expect_not(run());
  ONLY_FAILS(GT_CHECK_ERROR_SHAPE);
  cr_expect(run_opts(false, true)); /* HEAD: no body possible */
  P.check_disabled[GT_CHECK_ERROR_SHAPE] = true;
  cr_expect(run());
}

Test(checks, documented_status) {
  json_profile();
  resp(418, "{\"success\":false,\"error\":{\"code\":418,\"message\":\"teapot\"}}", JSON_CT, RL,
       NULL);
  cr_expect_not(run());
  ONLY_FAILS(GT_CHECK_DOCUMENTED_STATUS);
  P.check_disabled[GT_CHECK_DOCUMENTED_STATUS] = true;
  cr_expect(run());
}

Test(checks, required_headers_on_every_response) {
  json_profile();
  resp(400, "{\"success\":false,\"error\":{\"code\":1,\"message\":\"m\"}}", JSON_CT,
       "x-ratelimit-limit", "100", "X-RateLimit-Remaining", "many", NULL);
  cr_expect_not(run());
  ONLY_FAILS(GT_CHECK_REQUIRED_HEADERS);
  cr_expect_str_eq(F.items[0].where, "header X-RateLimit-Remaining");
  cr_expect_str_eq(F.items[0].actual, "many");
  teardown();
  setup();
  json_profile();
  resp(204, NULL, "X-RateLimit-Limit", "100", NULL);
  cr_expect_not(run());
  ONLY_FAILS(GT_CHECK_REQUIRED_HEADERS);
  cr_expect_str_eq(F.items[0].actual, "missing");
  P.check_disabled[GT_CHECK_REQUIRED_HEADERS] = true;
  cr_expect(run());
}

Test(checks, envelope) {
  P.envelope = T("{jsonrpc: '2.0', id: !any}");
  resp(200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[]}", NULL);
  cr_expect(run());
  teardown();
  setup();
  P.envelope = T("{jsonrpc: '2.0', id: !any}");
  resp(200, "{\"result\":[]}", NULL);
  cr_expect_not(run());
  cr_assert_eq(F.count, 2);
  cr_expect_eq(F.items[0].check, GT_CHECK_ENVELOPE);
  resp(204, NULL, NULL);
  R.status = 204;
  gt_buf_reset(&R.body);
  R.body_total = 0;
  cr_expect(run()); /* no body, no envelope */
  P.check_disabled[GT_CHECK_ENVELOPE] = true;
  R.status = 200;
  gt_buf_adds(&R.body, "[]");
  R.body_total = 2;
  cr_expect(run());
}

Test(checks, null_expectation_and_profile) {
  resp(200, "{}", NULL);
  gt_check_ctx ctx = {NULL, NULL, NULL, false, false, false, NULL};
  cr_expect(gt_check_response(&ctx, &R, &F, NULL));
}

Test(checks, hostile_bodies_do_not_crash) {
  json_profile();
  E.json = T("{a: !integer}");
  add_jsonpath("$..a", "!integer");
  /* deep nesting */
  size_t depth = 200000;
  char *deep = gt_xmalloc(2 * depth + 1);
  memset(deep, '[', depth);
  memset(deep + depth, ']', depth);
  deep[2 * depth] = 0;
  resp(200, deep, JSON_CT, RL, NULL);
  free(deep);
  cr_expect_not(run());
  cr_assert_geq(failed(GT_CHECK_JSON_PARSES), 0);
  cr_expect(strstr(F.items[failed(GT_CHECK_JSON_PARSES)].actual, "too deep") != NULL);
  /* binary with NUL bytes */
  gt_buf_reset(&R.body);
  const char bin[] = "\x00\x01\xff{\"a\":1}\x00";
  gt_buf_add(&R.body, bin, sizeof bin);
  R.body_total = sizeof bin;
  cr_expect_not(run());
  cr_expect_geq(failed(GT_CHECK_UTF8), 0);
  for (size_t i = 0; i < F.count; i++)
    cr_expect_lt(strlen(F.items[i].actual), 400);
}

Test(checks, utf8_strict) {
  struct {
    const char *s;
    size_t len;
    bool valid;
  } cases[] = {
      {"", 0, true},
      {"plain ascii", 11, true},
      {"\xc3\xa9", 2, true},          /* U+00E9 */
      {"\xe2\x82\xac", 3, true},      /* U+20AC */
      {"\xf0\x9f\x98\x80", 4, true},  /* U+1F600 */
      {"\xf4\x8f\xbf\xbf", 4, true},  /* U+10FFFF */
      {"\xed\x9f\xbf", 3, true},      /* U+D7FF */
      {"\xee\x80\x80", 3, true},      /* U+E000 */
      {"a\0b", 3, true},              /* NUL is valid UTF-8 */
      {"\xc0\xaf", 2, false},         /* overlong '/' */
      {"\xc1\xbf", 2, false},         /* overlong */
      {"\xe0\x80\xaf", 3, false},     /* overlong 3-byte */
      {"\xe0\x9f\xbf", 3, false},     /* overlong 3-byte (max) */
      {"\xf0\x80\x80\xaf", 4, false}, /* overlong 4-byte */
      {"\xf0\x8f\xbf\xbf", 4, false}, /* overlong 4-byte (max) */
      {"\xed\xa0\x80", 3, false},     /* U+D800 surrogate */
      {"\xed\xbf\xbf", 3, false},     /* U+DFFF surrogate */
      {"\xf4\x90\x80\x80", 4, false}, /* U+110000 */
      {"\xf5\x80\x80\x80", 4, false}, /* lead byte past F4 */
      {"\xff", 1, false},
      {"\x80", 1, false},     /* lone continuation */
      {"\xc3", 1, false},     /* truncated */
      {"\xe2\x82", 2, false}, /* truncated */
      {"\xc3\x28", 2, false}, /* bad continuation */
      {"\xe2\x28\xa1", 3, false},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
    cr_expect_eq(gt_utf8_valid(cases[i].s, cases[i].len), cases[i].valid, "case %zu", i);
  cr_expect_eq(gt_utf8_invalid_at("ab\xff"
                                  "cd",
                                  5),
               2);
  cr_expect_eq(gt_utf8_invalid_at("abc", 3), 3);
}
