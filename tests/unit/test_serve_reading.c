/* test_serve_reading.c — how serve reads request parameters as the profile's
 * `request:` block says (docs/suite-format.md): encodings (JSON body, a form
 * field or query field holding JSON, plain forms), bodies of another content
 * type (refused or not read), what null and "" mean, the methods every route
 * runs for, and bare `!exact` error bodies. Requests go straight into
 * gt_serve_handle; each assertion names the exact answer and audit finding. */
#include <stdint.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/serve.h"
#include "serve/serve_internal.h"
#include "suite/suite.h"

#define KEY "key-0123456789"
#define RPC SOURCE_DIR "/tests/fixtures/serve/rpc_params.yaml"
#define ITEMS SOURCE_DIR "/tests/fixtures/serve/items.yaml"

static gt_suite *suite;
static gt_serve *srv;

static void open_fixture(const char *path) {
  gt_err err = {0};
  gt_load_opts lo = {.use_env = true};
  suite = gt_suite_load(path, &lo, &err);
  cr_assert(suite, "load: %s", err.msg);
  gt_serve_opts o = {.use_env = true, .seed = 7};
  srv = gt_serve_new(&suite, 1, &o, &err);
  cr_assert(srv, "serve: %s", err.msg);
}

static void setup_rpc(void) {
  open_fixture(RPC);
}

static void setup_items(void) {
  unsetenv("ITEMS_RATE_LIMIT");
  open_fixture(ITEMS);
}

static void teardown(void) {
  gt_serve_free(srv);
  gt_suite_free(suite);
}

/* One request with the API key (rpc) or bearer token (items) and an optional
 * content type; resp must be freed by the caller. */
static void send(gt_serve_response *resp, const char *method, const char *target, const char *ctype,
                 const char *body) {
  gt_header h[2];
  size_t n = 0;
  if (strstr(target, "/api/v1/"))
    h[n++] = (gt_header){"X-Server-API-Key", (char *)(uintptr_t)KEY};
  else
    h[n++] = (gt_header){"Authorization", (char *)(uintptr_t) "Bearer tok-0123456789abcdef"};
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

static const char *text(const gt_serve_response *r) {
  return r->body.data ? r->body.data : "";
}

/* The failure lines recorded for the last request ("" when it conformed). */
static const char *last_failed(void) {
  static char *last; /* the previous call's copy */
  free(last);
  last = serve_audit_last_failed(srv);
  return last;
}

#define SEND_OK                                                                                    \
  "{\"to\":[\"a@example.com\"],\"from\":\"s@example.com\",\"subject\":\"hi\",\"plain_body\":"      \
  "\"b\"}"
/* SEND_OK percent-encoded as a form/query value */
#define SEND_OK_PCT                                                                                \
  "%7B%22to%22%3A%5B%22a%40example.com%22%5D%2C%22from%22%3A%22s%40example.com%22%7D"

TestSuite(reading, .init = setup_rpc, .fini = teardown);

Test(reading, json_body) {
  gt_serve_response r;
  send(&r, "POST", "/api/v1/send/message", "application/json", SEND_OK);
  cr_assert_eq(r.status, 200);
  cr_assert_str_eq(text(&r),
                   "{\"status\":\"success\",\"time\":0.01,\"flags\":{},\"data\":{\"to\":[\"a@"
                   "example.com\"],\"subject\":\"hi\"}}");
  cr_assert_str_eq(last_failed(), "");
  gt_serve_response_free(&r);
}

Test(reading, form_field_holding_json_is_decoded_and_typed) {
  gt_serve_response r;
  send(&r, "POST", "/api/v1/send/message", "application/x-www-form-urlencoded",
       "params=" SEND_OK_PCT);
  cr_assert_eq(r.status, 200, "%s", text(&r));
  cr_assert(strstr(text(&r), "\"to\":[\"a@example.com\"]"), "decoded as JSON: %s", text(&r));
  cr_assert_str_eq(last_failed(), "");
  gt_serve_response_free(&r);
  /* the decoded value is validated: `to` must be an array like the example */
  send(&r, "POST", "/api/v1/send/message", "application/x-www-form-urlencoded",
       "params=%7B%22to%22%3A%22a%40example.com%22%2C%22from%22%3A%22s%40x%22%7D");
  cr_assert_eq(r.status, 200);
  cr_assert(strstr(text(&r), "\"status\":\"parameter-error\""), "%s", text(&r));
  cr_assert(strstr(text(&r), "field $.to must be array, not string"), "%s", text(&r));
  cr_assert_str_eq(last_failed(), "request_body: field $.to must be array, not string\n");
  gt_serve_response_free(&r);
}

Test(reading, malformed_json_in_the_field_is_a_bare_400) {
  gt_serve_response r;
  send(&r, "POST", "/api/v1/send/message", "application/x-www-form-urlencoded", "params=%7Bnope");
  cr_assert_eq(r.status, 400);
  cr_assert_str_eq(text(&r), "{\"status\":\"invalid-json\",\"details\":\"the form field `params` "
                             "is not valid JSON (expected a string key at byte 1)\"}");
  cr_assert(strstr(last_failed(), "json_parses: the form field `params` is not valid JSON"), "%s",
            last_failed());
  gt_serve_response_free(&r);
}

Test(reading, query_field_on_get_runs_the_action) {
  gt_serve_response r;
  send(&r, "GET", "/api/v1/send/message?params=" SEND_OK_PCT, NULL, NULL);
  cr_assert_eq(r.status, 200, "GET runs the action (request.methods): %s", text(&r));
  cr_assert(strstr(text(&r), "\"status\":\"success\""), "%s", text(&r));
  cr_assert_str_eq(last_failed(), "");
  gt_serve_response_free(&r);
  send(&r, "PATCH", "/api/v1/send/message?params=" SEND_OK_PCT, NULL, NULL);
  cr_assert_eq(r.status, 200);
  gt_serve_response_free(&r);
}

Test(reading, method_not_listed_is_refused) {
  gt_serve_response r;
  send(&r, "DELETE", "/api/v1/send/message", "application/json", SEND_OK);
  cr_assert_eq(r.status, 405, "DELETE is not in request.methods: %s", text(&r));
  gt_serve_response_free(&r);
}

Test(reading, other_content_type_is_not_read) {
  gt_serve_response r;
  send(&r, "POST", "/api/v1/send/message", "text/plain", SEND_OK);
  cr_assert_eq(r.status, 200, "never 400/415: %s", text(&r));
  cr_assert(strstr(text(&r), "\"status\":\"parameter-error\""), "no parameters: %s", text(&r));
  cr_assert(strstr(text(&r), "missing field $.to"), "%s", text(&r));
  /* the client still labelled a JSON body as text/plain: that is audited */
  cr_assert(strstr(last_failed(), "json_content_type: a JSON body labelled text/plain"), "%s",
            last_failed());
  gt_serve_response_free(&r);
  /* a form without the params field: no parameters either (plain form is not listed) */
  send(&r, "POST", "/api/v1/send/message", "application/x-www-form-urlencoded", "to=a&from=b");
  cr_assert_eq(r.status, 200);
  cr_assert(strstr(text(&r), "missing field $.to"), "%s", text(&r));
  gt_serve_response_free(&r);
}

Test(reading, null_and_empty_string_mean_absent) {
  gt_serve_response r;
  send(&r, "POST", "/api/v1/send/message", "application/json",
       "{\"to\":[\"a@example.com\"],\"from\":\"s@example.com\",\"subject\":null,\"plain_body\":"
       "\"\"}");
  cr_assert_eq(r.status, 200);
  cr_assert(strstr(text(&r), "\"subject\":\"(none)\""), "null is not sent: %s", text(&r));
  cr_assert_str_eq(last_failed(), "");
  gt_serve_response_free(&r);
  send(&r, "POST", "/api/v1/send/message", "application/json",
       "{\"to\":[\"a@example.com\"],\"from\":null}");
  cr_assert(strstr(text(&r), "\"status\":\"parameter-error\""), "%s", text(&r));
  cr_assert_str_eq(last_failed(), "request_body: missing field $.from\n");
  gt_serve_response_free(&r);
  send(&r, "POST", "/api/v1/send/message", "application/json",
       "{\"to\":[\"a@example.com\"],\"from\":\"\"}");
  cr_assert_str_eq(last_failed(), "request_body: missing field $.from\n");
  gt_serve_response_free(&r);
}

Test(reading, scenario_overrides_nulls_invalid) {
  gt_serve_response r;
  send(&r, "POST", "/api/v1/messages/message", "application/json", "{\"id\":null}");
  cr_assert_eq(r.status, 200);
  cr_assert(strstr(text(&r), "\"status\":\"parameter-error\""), "%s", text(&r));
  cr_assert_str_eq(last_failed(), "request_body: field $.id must not be null\n");
  gt_serve_response_free(&r);
  /* "" stays absent (the profile's), so id is missing */
  send(&r, "POST", "/api/v1/messages/message", "application/json", "{\"id\":\"\"}");
  cr_assert_str_eq(last_failed(), "request_body: missing field $.id\n");
  gt_serve_response_free(&r);
}

Test(reading, unknown_action_gets_the_bare_exact_body) {
  gt_serve_response r;
  send(&r, "POST", "/api/v1/send/raw2", "application/json", "{}");
  cr_assert_eq(r.status, 400);
  cr_assert_str_eq(text(&r), "{\"status\":\"invalid-controller-or-action\"}");
  gt_serve_response_free(&r);
}

TestSuite(reading_defaults, .init = setup_items, .fini = teardown);

Test(reading_defaults, json_and_form_only_others_refused_naming_both) {
  gt_serve_response r;
  send(&r, "POST", "/v1/items", "text/plain", "{\"name\":\"w\",\"size\":3,\"tags\":[]}");
  cr_assert_eq(r.status, 400);
  cr_assert(strstr(text(&r),
                   "Content-Type must be application/json or application/x-www-form-urlencoded, "
                   "not text/plain"),
            "%s", text(&r));
  gt_serve_response_free(&r);
}

Test(reading_defaults, null_is_a_value_of_its_own_type) {
  gt_serve_response r;
  send(&r, "POST", "/v1/items", "application/json", "{\"name\":\"w\",\"size\":null,\"tags\":[]}");
  cr_assert_eq(r.status, 400, "%s", text(&r));
  cr_assert_str_eq(last_failed(), "request_body: field $.size must be number, not null\n");
  gt_serve_response_free(&r);
}
