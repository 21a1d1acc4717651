/* test_serve_verdicts.c — serve's answers and audit findings that issue 10
 * found wrong, each asserted exactly: CORS headers without a placeholder,
 * injected answers in the profile's error shape with an injected message,
 * injection before the side effect (and reset_after after it), every rule a
 * request breaks recorded, every array element validated, request_valid
 * naming the parameter. Requests go straight into gt_serve_handle. */
#include <stdint.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/serve.h"
#include "serve/serve_internal.h"
#include "suite/suite.h"

#define FIXTURES SOURCE_DIR "/tests/fixtures/serve/"

static gt_suite *suite;
static gt_serve *srv;

static void open_fixture(const char *name, const char *inject) {
  gt_err err = {0};
  gt_load_opts lo = {.use_env = true};
  char *path = NULL;
  cr_assert(asprintf(&path, "%s%s", FIXTURES, name) > 0);
  suite = gt_suite_load(path, &lo, &err);
  free(path);
  cr_assert(suite, "load: %s", err.msg);
  gt_serve_opts o = {.use_env = true, .seed = 7, .inject = inject, .inject_rate = inject ? 1 : 0};
  srv = gt_serve_new(&suite, 1, &o, &err);
  cr_assert(srv, "serve: %s", err.msg);
}

static void teardown(void) {
  gt_serve_free(srv);
  gt_suite_free(suite);
  srv = NULL;
  suite = NULL;
}

/* One request; headers are "Name: value" strings (NULL-terminated list). */
static void send(gt_serve_response *resp, const char *method, const char *target,
                 const char *const *headers, const char *body) {
  gt_header h[8];
  char *copies[8];
  size_t n = 0;
  for (; headers && headers[n] && n < 8; n++) {
    copies[n] = strdup(headers[n]);
    char *colon = strchr(copies[n], ':');
    *colon = '\0';
    h[n] = (gt_header){copies[n], colon + 2};
  }
  gt_serve_request r = {.method = method,
                        .target = target,
                        .headers = h,
                        .n_headers = n,
                        .body = body,
                        .body_len = body ? strlen(body) : 0,
                        .body_total = body ? strlen(body) : 0};
  gt_serve_response_init(resp);
  gt_serve_handle(srv, &r, resp);
  for (size_t i = 0; i < n; i++)
    free(copies[i]);
}

static const char *text(const gt_serve_response *r) {
  return r->body.data ? r->body.data : "";
}

/* The rule lines of the last request (records are streamed, not kept). */
static const char *last_failed(void) {
  static char *last; /* the previous call's copy */
  free(last);
  last = serve_audit_last_failed(srv);
  return last;
}

static size_t stored(const char *collection) {
  serve_collection *c = serve_store_find(&srv->store, collection);
  return c ? c->count : 0;
}

#define ITEMS_AUTH "Authorization: Bearer tok-0123456789abcdef"
#define JSON_CT "Content-Type: application/json"

/* ---- item 1: no CORS placeholder ---- */

Test(verdicts, cors_headers_only_with_real_values, .fini = teardown) {
  open_fixture("cors.yaml", NULL);
  gt_serve_response r;
  const char *no_origin[] = {"Authorization: Bearer wrong", JSON_CT, NULL};
  send(&r, "POST", "/v2/messages", no_origin, "{\"a\":1}");
  cr_assert_eq(r.status, 401);
  cr_assert_null(gt_serve_response_header(&r, "Access-Control-Allow-Origin"),
                 "no Origin, no CORS header (was the placeholder 'string')");
  cr_assert_str_eq(gt_serve_response_header(&r, "Access-Control-Expose-Headers"), "X-Request-Id");
  gt_serve_response_free(&r);
  const char *origin[] = {"Authorization: Bearer wrong", "Origin: https://app.example.com", NULL};
  send(&r, "POST", "/v2/messages", origin, "{\"a\":1}");
  cr_assert_str_eq(gt_serve_response_header(&r, "Access-Control-Allow-Origin"),
                   "https://app.example.com");
  gt_serve_response_free(&r);
  const char *ok[] = {"Authorization: Bearer tok-cors-0123456789", JSON_CT, NULL};
  send(&r, "POST", "/v2/messages", ok, "{\"a\":1}");
  cr_assert_eq(r.status, 200);
  cr_assert_str_eq(gt_serve_response_header(&r, "Access-Control-Allow-Origin"), "*",
                   "the route's own value");
  gt_serve_response_free(&r);
}

/* ---- item 3: injected answers in the profile's error shape ---- */

static void rpc_injected(const char *inject, gt_serve_response *r) {
  open_fixture("rpc_params.yaml", inject);
  const char *h[] = {"X-Server-API-Key: key-0123456789", JSON_CT, NULL};
  send(r, "POST", "/api/v1/send/message", h, "{\"to\":[\"a@x\"],\"from\":\"b@x\"}");
}

Test(verdicts, injected_503_is_the_profiles_answer_with_an_injected_message, .fini = teardown) {
  gt_serve_response r;
  rpc_injected("status:503", &r);
  cr_assert_eq(r.status, 503);
  cr_assert_str_eq(text(&r), "{\"status\":\"error\",\"time\":1.5,\"flags\":{},\"data\":{\"code\":"
                             "\"Maintenance\",\"message\":\"injected 503 (gauntlet serve --inject "
                             "status:503)\"}}");
  cr_assert_str_eq(gt_serve_response_header(&r, "Retry-After"), "1");
  gt_serve_response_free(&r);
}

Test(verdicts, injected_500_is_the_bare_exact_answer, .fini = teardown) {
  gt_serve_response r;
  rpc_injected("status:500", &r);
  cr_assert_eq(r.status, 500);
  cr_assert_str_eq(text(&r), "{\"status\":\"internal-server-error\"}");
  gt_serve_response_free(&r);
}

Test(verdicts, injected_500_without_an_answer_uses_the_error_shape, .fini = teardown) {
  open_fixture("items.yaml", "status:500");
  gt_serve_response r;
  const char *h[] = {ITEMS_AUTH, NULL};
  send(&r, "GET", "/v1/items", h, NULL);
  cr_assert_eq(r.status, 500);
  cr_assert_str_eq(text(&r), "{\"error\":{\"code\":500,\"message\":\"injected 500 (gauntlet serve "
                             "--inject status:500)\"}}");
  gt_serve_response_free(&r);
}

/* ---- item 4: injection before the side effect; reset_after after it ---- */

static void create(gt_serve_response *r) {
  const char *h[] = {ITEMS_AUTH, JSON_CT, NULL};
  send(r, "POST", "/v1/items", h, "{\"name\":\"w\",\"size\":3,\"tags\":[\"x\"]}");
}

Test(verdicts, injected_status_and_reset_store_nothing, .fini = teardown) {
  gt_serve_response r;
  open_fixture("items.yaml", "status:503");
  create(&r);
  cr_assert_eq(r.status, 503);
  cr_assert_eq(stored("items"), 0, "an injected 503 must not create the item");
  gt_serve_response_free(&r);
  teardown();
  open_fixture("items.yaml", "reset");
  create(&r);
  cr_assert_eq(r.action, GT_SERVE_RESET);
  cr_assert_eq(stored("items"), 0, "an injected reset must not create the item");
  gt_serve_response_free(&r);
}

Test(verdicts, reset_after_acts_then_drops_the_connection, .fini = teardown) {
  gt_serve_response r;
  open_fixture("items.yaml", "reset_after");
  create(&r);
  cr_assert_eq(r.action, GT_SERVE_RESET);
  cr_assert_eq(stored("items"), 1, "reset_after acts on the request first");
  gt_serve_response_free(&r);
}

/* ---- item 7: every rule a request breaks ---- */

Test(verdicts, every_rule_is_recorded_not_only_the_deciding_one, .fini = teardown) {
  open_fixture("items.yaml", NULL);
  gt_serve_response r;
  const char *h[] = {JSON_CT, NULL}; /* no credential, and no name */
  send(&r, "POST", "/v1/items", h, "{\"size\":3,\"tags\":[]}");
  cr_assert_eq(r.status, 401, "the credential decides the answer");
  cr_assert_str_eq(last_failed(), "credential_present: no credential in the Authorization header\n"
                                  "request_body: missing field $.name\n");
  gt_serve_response_free(&r);
  /* a respond.validate item is judged too */
  const char *h2[] = {"Authorization: Bearer nope", NULL};
  send(&r, "GET", "/v1/items?limit=abc", h2, NULL);
  cr_assert_eq(r.status, 401);
  cr_assert(strstr(last_failed(), "\nrequest_valid: invalid query.limit:"), "%s", last_failed());
  gt_serve_response_free(&r);
}

/* ---- item 8: every element of an array ---- */

#define MSG_AUTH "Authorization: Bearer tok-messages-0123"
#define VALID_MSG                                                                                  \
  "{\"message\":{\"id\":\"m\",\"timestamp\":1,\"sender\":{\"id\":\"u\",\"type\":\"user\"}}}"

Test(verdicts, every_array_element_is_validated, .fini = teardown) {
  open_fixture("messages.yaml", NULL);
  gt_serve_response r;
  const char *h[] = {MSG_AUTH, JSON_CT, NULL};
  send(&r, "POST", "/v2/messages", h,
       "{\"messages\":[" VALID_MSG
       ",{\"message\":{\"sender\":{\"type\":\"robot\"},\"timestamp\":\"yesterday\"}}]}");
  cr_assert_eq(r.status, 400, "%s", text(&r));
  cr_assert_str_eq(last_failed(), "request_body: missing field $.messages[1].message.id\n");
  gt_serve_response_free(&r);
  send(&r, "POST", "/v2/messages", h,
       "{\"messages\":[" VALID_MSG
       ",{\"message\":{\"id\":\"m2\",\"timestamp\":2,\"sender\":{\"type\":\"robot\"}}}]}");
  cr_assert_eq(r.status, 400);
  cr_assert(strstr(text(&r), "unknown sender type"), "%s", text(&r));
  cr_assert(strstr(last_failed(),
                   "request_valid: invalid body.messages.1.message.sender.type: expected one of"),
            "%s", last_failed());
  gt_serve_response_free(&r);
  send(&r, "POST", "/v2/messages", h, "{\"messages\":[" VALID_MSG "," VALID_MSG "]}");
  cr_assert_eq(r.status, 200, "%s", text(&r));
  cr_assert_str_eq(last_failed(), "");
  gt_serve_response_free(&r);
}

/* ---- item 12: request_valid names the parameter ---- */

Test(verdicts, request_valid_names_the_parameter, .fini = teardown) {
  open_fixture("items.yaml", NULL);
  gt_serve_response r;
  const char *h[] = {ITEMS_AUTH, NULL};
  send(&r, "GET", "/v1/items?limit=abc", h, NULL);
  cr_assert_eq(r.status, 400);
  cr_assert(!strncmp(last_failed(), "request_valid: invalid query.limit: expected ", 45), "%s",
            last_failed());
  cr_assert(strstr(last_failed(), "(answered 400)"), "%s", last_failed());
  gt_serve_response_free(&r);
}
