/* test_serve_core.c — serve's pure core: path templates, routing, respond:
 * expansion and state, and the conformant answer to each request fault.
 * Requests go straight into gt_serve_handle (no sockets needed). */
#include <stdint.h>
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/serve.h"
#include "serve/serve_internal.h"
#include "suite/suite.h"

#define TOKEN "tok-0123456789abcdef"
#define FIXTURE SOURCE_DIR "/tests/fixtures/serve/items.yaml"

static gt_suite *suite;
static gt_serve *srv;

static void start(const char *inject, double rate) {
  gt_err err = {0};
  gt_load_opts lo = {.use_env = true};
  suite = gt_suite_load(FIXTURE, &lo, &err);
  cr_assert(suite, "load: %s", err.msg);
  gt_serve_opts o = {.use_env = true, .seed = 7, .inject = inject, .inject_rate = rate};
  srv = gt_serve_new(&suite, 1, &o, &err);
  cr_assert(srv, "serve: %s", err.msg);
}

static void setup(void) {
  unsetenv("ITEMS_RATE_LIMIT");
  start(NULL, 0);
}

static void teardown(void) {
  gt_serve_free(srv);
  gt_suite_free(suite);
}

/* One request; resp must be freed by the caller. */
static void req(gt_serve_response *resp, const char *method, const char *target, const char *auth,
                const char *ctype, const char *body) {
  gt_header h[3];
  size_t n = 0;
  if (auth) h[n++] = (gt_header){"Authorization", (char *)(uintptr_t)auth};
  if (ctype) h[n++] = (gt_header){"Content-Type", (char *)(uintptr_t)ctype};
  gt_serve_request r = {.method = method,
                        .target = target,
                        .headers = h,
                        .n_headers = n,
                        .body = body,
                        .body_len = body ? strlen(body) : 0,
                        .body_total = body ? strlen(body) : 0};
  gt_serve_response_init(resp);
  gt_serve_handle(srv, &r, resp);
}

static cJSON *body_json(const gt_serve_response *r) {
  cJSON *j = cJSON_Parse(r->body.data ? r->body.data : "");
  cr_assert(j, "body is not JSON: %s", r->body.data ? r->body.data : "(none)");
  return j;
}

static char *create_item(const char *name) {
  gt_serve_response r;
  char *body = NULL;
  cr_assert(asprintf(&body, "{\"name\":\"%s\",\"size\":3,\"tags\":[\"x\"]}", name) > 0);
  req(&r, "POST", "/v1/items", "Bearer " TOKEN, "application/json", body);
  free(body);
  cr_assert_eq(r.status, 201, "create: %d %s", r.status, r.body.data);
  cJSON *j = body_json(&r);
  char *id = strdup(cJSON_GetObjectItem(j, "id")->valuestring);
  cJSON_Delete(j);
  gt_serve_response_free(&r);
  return id;
}

Test(path_match, variables_literals_and_segment_counts) {
  cJSON *v = cJSON_CreateObject();
  cr_assert(gt_serve_path_match("/apps/${app_id}/build", "/apps/abc%2Fd/build", v));
  cr_assert_str_eq(cJSON_GetObjectItem(v, "app_id")->valuestring, "abc/d"); /* decoded once */
  cr_assert_not(gt_serve_path_match("/apps/${app_id}/build", "/apps/abc/builds", NULL));
  cr_assert_not(gt_serve_path_match("/apps/${app_id}", "/apps/abc/build", NULL));
  cr_assert_not(gt_serve_path_match("/apps/${app_id}", "/apps/", NULL)); /* empty segment */
  cr_assert(gt_serve_path_match("/metadata", "/metadata", NULL));
  cJSON_Delete(v);
}

Test(inject, parses_the_documented_kinds_and_refuses_others) {
  gt_err e;
  cr_assert(gt_serve_inject_valid(
      "status:429,status:500,status:503,malformed_json,truncated,reset,slow:200ms,empty", &e));
  cr_assert_not(gt_serve_inject_valid("status:200", &e));
  cr_assert_not(gt_serve_inject_valid("slow:fast", &e));
  cr_assert_not(gt_serve_inject_valid("explode", &e));
}

TestSuite(core, .init = setup, .fini = teardown);

Test(core, state_create_read_list_delete) {
  char *id = create_item("widget");
  char *other = create_item("gadget");
  gt_serve_response r;
  char *path = NULL;
  cr_assert(asprintf(&path, "/v1/items/%s", id) > 0);
  req(&r, "GET", path, "Bearer " TOKEN, NULL, NULL);
  cr_assert_eq(r.status, 200);
  cJSON *j = body_json(&r);
  cr_assert_str_eq(cJSON_GetObjectItem(j, "name")->valuestring, "widget");
  cr_assert(cJSON_IsNumber(cJSON_GetObjectItem(j, "size")), "type fidelity: size stays a number");
  cr_assert_eq(cJSON_GetObjectItem(j, "n")->valueint, 1);
  char *etag = NULL;
  cr_assert(asprintf(&etag, "\"%s\"", id) > 0);
  cr_assert_str_eq(gt_serve_response_header(&r, "ETag"), etag);
  free(etag);
  cJSON_Delete(j);
  gt_serve_response_free(&r);

  req(&r, "GET", "/v1/items?name=gadget", "Bearer " TOKEN, NULL, NULL); /* filtered */
  j = body_json(&r);
  cr_assert_eq(cJSON_GetArraySize(j), 1);
  cr_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(j, 0), "id")->valuestring, other);
  cJSON_Delete(j);
  gt_serve_response_free(&r);

  req(&r, "GET", "/v1/items?limit=1", "Bearer " TOKEN, NULL, NULL); /* newest first, limited */
  j = body_json(&r);
  cr_assert_eq(cJSON_GetArraySize(j), 1);
  cr_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(j, 0), "id")->valuestring, other);
  cJSON_Delete(j);
  gt_serve_response_free(&r);

  req(&r, "GET", "/v1/items/newest", "Bearer " TOKEN, NULL, NULL); /* literal beats ${item_id} */
  j = body_json(&r);
  cr_assert_str_eq(cJSON_GetObjectItem(j, "id")->valuestring, other);
  cJSON_Delete(j);
  gt_serve_response_free(&r);

  req(&r, "DELETE", path, "Bearer " TOKEN, NULL, NULL);
  cr_assert_eq(r.status, 204);
  cr_assert_eq(r.body.len, 0);
  gt_serve_response_free(&r);
  req(&r, "GET", path, "Bearer " TOKEN, NULL, NULL);
  cr_assert_eq(r.status, 404);
  j = body_json(&r);
  cr_assert(cJSON_IsNumber(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "error"), "code")));
  cJSON_Delete(j);
  gt_serve_response_free(&r);
  req(&r, "DELETE", path, "Bearer " TOKEN, NULL, NULL);
  cr_assert_eq(r.status, 404, "a second delete finds nothing");
  gt_serve_response_free(&r);
  free(path);
  free(id);
  free(other);
}

Test(core, synthesized_answer_and_required_headers) {
  gt_serve_response r;
  req(&r, "GET", "/v1/health", NULL, NULL, NULL); /* auth: false */
  cr_assert_eq(r.status, 200);
  cr_assert_str_eq(r.body.data, "{\"ok\":true,\"version\":\"2\",\"up\":1}");
  cr_assert_str_eq(gt_serve_response_header(&r, "Content-Type"), "application/json; charset=utf-8");
  cr_assert_str_eq(gt_serve_response_header(&r, "X-RateLimit-Limit"), "1000");
  cr_assert_eq(strlen(gt_serve_response_header(&r, "X-Request-Id")), 36);
  cr_assert(atol(gt_serve_response_header(&r, "X-RateLimit-Reset")) > 1700000000L);
  gt_serve_response_free(&r);
}

static void expect_error(const char *method, const char *target, const char *auth, const char *ct,
                         const char *body, int status, int code) {
  gt_serve_response r;
  req(&r, method, target, auth, ct, body);
  cr_assert_eq(r.status, status, "%s %s: got %d %s", method, target, r.status, r.body.data);
  cJSON *j = body_json(&r);
  cJSON *err = cJSON_GetObjectItem(j, "error");
  cr_assert(cJSON_IsObject(err), "error shape: %s", r.body.data);
  cr_assert(cJSON_IsString(cJSON_GetObjectItem(err, "message")));
  if (code) cr_assert_eq(cJSON_GetObjectItem(err, "code")->valueint, code, "%s", r.body.data);
  cr_assert(gt_serve_response_header(&r, "X-Request-Id"), "profile headers on errors too");
  cJSON_Delete(j);
  gt_serve_response_free(&r);
}

Test(core, every_request_fault_gets_its_conformant_answer) {
  const char *ok = "{\"name\":\"w\",\"size\":1,\"tags\":[]}";
  expect_error("GET", "/v1/items", NULL, NULL, NULL, 401, 40101); /* profile faults.expect */
  expect_error("GET", "/v1/items", "Bearer wrong-0123456789ab", NULL, NULL, 401, 0);
  expect_error("GET", "/v1/items", "Bearer ", NULL, NULL, 401, 0);
  expect_error("GET", "/v1/items", "Basic " TOKEN, NULL, NULL, 401, 0);
  expect_error("GET", "/v1/items", "Bearer " TOKEN " extra", NULL, NULL, 401, 0);
  expect_error("GET", "/v1/items?access_token=" TOKEN, NULL, NULL, NULL, 401, 0); /* even valid */
  expect_error("POST", "/v1/items", "Bearer " TOKEN, "application/json", "{\"name\": \"w\", ", 400,
               0);
  expect_error("POST", "/v1/items", "Bearer " TOKEN, "text/plain", ok, 400, 0);
  expect_error("POST", "/v1/items", "Bearer " TOKEN, "application/json",
               "{\"name\":\"\xff\",\"size\":1,\"tags\":[]}", 400, 0);
  expect_error("POST", "/v1/items", "Bearer " TOKEN, "application/json", "{\"size\":1,\"tags\":[]}",
               400, 0);
  expect_error("POST", "/v1/items", "Bearer " TOKEN, "application/json",
               "{\"name\":\"w\",\"size\":1,\"tags\":{}}", 400, 0);
  expect_error("POST", "/v1/items", "Bearer " TOKEN, NULL, NULL, 400, 0); /* empty body */
  expect_error("GET", "/v1/items/a/b", "Bearer " TOKEN, NULL, NULL, 404, 0);
  expect_error("GET", "/items", "Bearer " TOKEN, NULL, NULL, 404, 0); /* unversioned */
  expect_error("PUT", "/v1/items", "Bearer " TOKEN, NULL, NULL, 405, 0);
  expect_error("GET", "/v1/it%ZZems", "Bearer " TOKEN, NULL, NULL, 400, 0);
  expect_error("GET", "/v1/items?limit=0", "Bearer " TOKEN, NULL, NULL, 400, 0); /* validate */
  char big[1100];
  memset(big, 'a', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  expect_error("POST", "/v1/items", "Bearer " TOKEN, "application/json", big, 413, 0);
}

Test(core, cors_preflight_and_origin) {
  gt_header h[] = {{"Origin", "https://app.example"}, {"Access-Control-Request-Method", "POST"}};
  gt_serve_request r = {.method = "OPTIONS", .target = "/v1/items", .headers = h, .n_headers = 2};
  gt_serve_response resp;
  gt_serve_response_init(&resp);
  gt_serve_handle(srv, &r, &resp);
  cr_assert_eq(resp.status, 204);
  cr_assert_str_eq(gt_serve_response_header(&resp, "Access-Control-Allow-Origin"),
                   "https://app.example");
  cr_assert(strstr(gt_serve_response_header(&resp, "Access-Control-Allow-Methods"), "POST"));
  cr_assert(
      strstr(gt_serve_response_header(&resp, "Access-Control-Allow-Headers"), "Authorization"));
  gt_serve_response_free(&resp);
  /* an ordinary request with Origin, even an error, carries the header */
  r = (gt_serve_request){.method = "GET", .target = "/v1/items", .headers = h, .n_headers = 1};
  gt_serve_response_init(&resp);
  gt_serve_handle(srv, &r, &resp);
  cr_assert_eq(resp.status, 401);
  cr_assert_str_eq(gt_serve_response_header(&resp, "Access-Control-Allow-Origin"),
                   "https://app.example");
  gt_serve_response_free(&resp);
}

Test(rate, answers_429_past_the_limit_per_credential) {
  setenv("ITEMS_RATE_LIMIT", "3", 1);
  start(NULL, 0);
  gt_serve_response r;
  for (int i = 0; i < 3; i++) {
    req(&r, "GET", "/v1/items", "Bearer " TOKEN, NULL, NULL);
    cr_assert_eq(r.status, 200);
    cr_assert_eq(atoi(gt_serve_response_header(&r, "X-RateLimit-Remaining")), 2 - i);
    gt_serve_response_free(&r);
  }
  req(&r, "GET", "/v1/items", "Bearer " TOKEN, NULL, NULL);
  cr_assert_eq(r.status, 429);
  cr_assert(gt_serve_response_header(&r, "Retry-After"));
  cr_assert_str_eq(gt_serve_response_header(&r, "X-RateLimit-Limit"), "3");
  cr_assert(strstr(r.body.data, "\"error\""));
  gt_serve_response_free(&r);
  teardown();
  unsetenv("ITEMS_RATE_LIMIT");
}

Test(inject, every_answer_faulted_at_rate_one) {
  start("reset", 1.0);
  gt_serve_response r;
  req(&r, "GET", "/v1/health", NULL, NULL, NULL);
  cr_assert_eq(r.action, GT_SERVE_RESET);
  gt_serve_response_free(&r);
  teardown();
  start("status:503", 1.0);
  req(&r, "GET", "/v1/health", NULL, NULL, NULL);
  cr_assert_eq(r.status, 503);
  cr_assert_str_eq(gt_serve_response_header(&r, "Retry-After"), "1");
  cr_assert(strstr(r.body.data, "\"error\""), "error shape: %s", r.body.data);
  gt_serve_response_free(&r);
  teardown();
  start("malformed_json", 0.0); /* rate 0: never */
  req(&r, "GET", "/v1/health", NULL, NULL, NULL);
  cr_assert_eq(r.status, 200);
  cJSON *j = cJSON_Parse(r.body.data);
  cr_assert(j != NULL);
  cJSON_Delete(j);
  gt_serve_response_free(&r);
  teardown();
}

/* --store-limit: a collection keeps its newest N records; the oldest is
 * gone as if deleted (404 to a read), memory stays bounded. */
Test(core, store_limit_drops_the_oldest_record) {
  gt_serve_free(srv);
  gt_err err = {0};
  gt_serve_opts o = {.use_env = true, .seed = 7, .store_limit = 2};
  srv = gt_serve_new(&suite, 1, &o, &err);
  cr_assert(srv, "serve: %s", err.msg);
  char *first = create_item("one"), *second = create_item("two"), *third = create_item("three");
  const char *want[] = {"404", "200", "200"};
  char *ids[] = {first, second, third};
  for (int i = 0; i < 3; i++) {
    char *path = NULL;
    cr_assert(asprintf(&path, "/v1/items/%s", ids[i]) > 0);
    gt_serve_response r;
    req(&r, "GET", path, "Bearer " TOKEN, NULL, NULL);
    cr_assert_eq(r.status, atoi(want[i]), "%s: %d", path, r.status);
    gt_serve_response_free(&r);
    free(path);
    free(ids[i]);
  }
  gt_serve_response r;
  req(&r, "GET", "/v1/items", "Bearer " TOKEN, NULL, NULL);
  cJSON *j = body_json(&r);
  cr_assert_eq(cJSON_GetArraySize(j), 2, "the list shows the two kept");
  cJSON_Delete(j);
  gt_serve_response_free(&r);
  gt_serve_opts bad = {.store_limit = -1};
  cr_assert_null(gt_serve_new(&suite, 1, &bad, &err));
  cr_assert_eq(err.kind, GT_ERR_USAGE);
}

/* ---- concurrency: libmicrohttpd calls gt_serve_handle from one thread per
 * connection; the store, the ids, the rate windows and the audit are shared. */
#define N_THREADS 8
#define N_CREATES 40

typedef struct worker {
  char *ids[N_CREATES];
  int failures;
} worker;

static void *create_and_read(void *arg) {
  worker *w = arg;
  for (int i = 0; i < N_CREATES; i++) {
    gt_serve_response r;
    req(&r, "POST", "/v1/items", "Bearer " TOKEN, "application/json",
        "{\"name\":\"w\",\"size\":1,\"tags\":[]}");
    cJSON *j = r.status == 201 ? cJSON_Parse(r.body.data) : NULL;
    cJSON *id = cJSON_GetObjectItem(j, "id");
    w->ids[i] = cJSON_IsString(id) ? strdup(id->valuestring) : NULL;
    if (!w->ids[i]) w->failures++;
    cJSON_Delete(j);
    gt_serve_response_free(&r);
    req(&r, "GET", "/v1/items?limit=5", "Bearer " TOKEN, NULL, NULL);
    if (r.status != 200) w->failures++;
    gt_serve_response_free(&r);
  }
  return NULL;
}

Test(core, concurrent_requests_share_the_store_and_the_audit) {
  static worker w[N_THREADS];
  pthread_t t[N_THREADS];
  for (int i = 0; i < N_THREADS; i++)
    cr_assert_eq(pthread_create(&t[i], NULL, create_and_read, &w[i]), 0);
  for (int i = 0; i < N_THREADS; i++)
    pthread_join(t[i], NULL);
  cr_assert_eq(gt_serve_request_count(srv), (size_t)N_THREADS * N_CREATES * 2,
               "every request has its audit record");
  /* every create got its own id, and every record is there to read */
  cJSON *seen = cJSON_CreateObject();
  for (int i = 0; i < N_THREADS; i++) {
    cr_assert_eq(w[i].failures, 0, "thread %d: %d requests failed", i, w[i].failures);
    for (int k = 0; k < N_CREATES; k++) {
      cr_assert_null(cJSON_GetObjectItem(seen, w[i].ids[k]), "id %s given twice", w[i].ids[k]);
      cJSON_AddTrueToObject(seen, w[i].ids[k]);
      char *path = NULL;
      cr_assert(asprintf(&path, "/v1/items/%s", w[i].ids[k]) > 0);
      gt_serve_response r;
      req(&r, "GET", path, "Bearer " TOKEN, NULL, NULL);
      cr_assert_eq(r.status, 200, "%s: %d", path, r.status);
      gt_serve_response_free(&r);
      free(path);
      free(w[i].ids[k]);
    }
  }
  cJSON_Delete(seen);
}

/* ---- the audit rules: one table, documented verbatim ---- */
Test(rules, table_rows_are_in_id_order_with_unique_names) {
  for (int i = 0; i < SERVE_RULE_COUNT; i++) {
    cr_assert_eq((int)serve_rules[i].id, i, "row %d holds rule %d", i, (int)serve_rules[i].id);
    cr_assert(serve_rules[i].name && *serve_rules[i].name && serve_rules[i].doc &&
                  *serve_rules[i].doc,
              "row %d", i);
    for (int k = 0; k < i; k++)
      cr_assert_str_neq(serve_rules[i].name, serve_rules[k].name);
  }
}

Test(rules, docs_serve_md_lists_every_rule_as_in_the_table) {
  char *doc = NULL;
  FILE *f = fopen(SOURCE_DIR "/docs/serve.md", "rb");
  cr_assert(f, "docs/serve.md is missing");
  size_t cap = 0;
  cr_assert_gt(getdelim(&doc, &cap, '\0', f), 0);
  fclose(f);
  char *section = strstr(doc, "\n## Audit rules\n");
  cr_assert(section, "docs/serve.md has no '## Audit rules' section");
  char *next = strstr(section + 1, "\n## ");
  if (next) next[1] = '\0'; /* only this section's rows count */
  size_t rows = 0;
  for (const char *p = strstr(section, "\n| `"); p; p = strstr(p + 1, "\n| `"))
    rows++;
  cr_assert_eq(rows, (size_t)SERVE_RULE_COUNT, "docs/serve.md has %zu rule rows, the table %d",
               rows, (int)SERVE_RULE_COUNT);
  for (int i = 0; i < SERVE_RULE_COUNT; i++) {
    char *row = NULL;
    cr_assert(asprintf(&row, "\n| `%s` | %s | %s |\n", serve_rules[i].name,
                       serve_rules[i].severity == SERVE_RULE_NOTE ? "note" : "failure",
                       serve_rules[i].doc) > 0);
    cr_assert(strstr(section, row), "docs/serve.md's Audit rules lack the row%s", row);
    free(row);
  }
  free(doc);
}

__attribute__((format(printf, 3, 4))) static void
record_rule(serve_audit *a, const serve_rule_info *r, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  serve_rule_vrecord(a, r, fmt, ap);
  va_end(ap);
}

Test(rules, a_failure_fails_the_request_a_note_is_only_reported) {
  serve_audit a = {0};
  gt_buf_init(&a.failed);
  gt_buf_init(&a.out);
  const serve_rule_info note = {SERVE_RULE_COUNT, "some_note", SERVE_RULE_NOTE, "a note"};
  record_rule(&a, &note, "seen %d", 1);
  cr_assert_null(a.first_rule, "a note does not fail the request");
  cr_assert_eq(a.failed.len, 0);
  cr_assert_str_eq(a.out.data, "note: some_note: seen 1\n");
  serve_rule(&a, RULE_UTF8, "bad %s", "bytes");
  serve_rule(&a, RULE_JSON_PARSES, "no");
  cr_assert_str_eq(a.first_rule, "utf8", "the first failed rule is the report's type");
  cr_assert_str_eq(a.failed.data, "utf8: bad bytes\njson_parses: no\n");
  gt_buf_free(&a.failed);
  gt_buf_free(&a.out);
}
