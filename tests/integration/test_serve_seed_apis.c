/* test_serve_seed_apis.c — `gauntlet serve` with the shipped suites answers
 * as the seed APIs' contract says, request by request (the shipped suites'
 * own runs against serve are in test_shipped_suites.c; these requests are the
 * ones a suite cannot send, or whose exact answer matters to a client):
 * Botanalytics' `Token <JWT>` scheme beside Bearer and its per-channel payload
 * formats; Postal's legacy API keyed by the real recipients, `_expansions`
 * only when asked, and send/message's errors in their order. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#define BOT_SUITE SOURCE_DIR "/suites/botanalytics.yaml"
#define RPC_SUITE SOURCE_DIR "/suites/rpc.yaml"
#define SECRET "seed-apis-secret"

/* Stops serve; its exit code says whether the client conformed (0 or 1):
 * anything else (a sanitizer's report) fails the test. */
static void stop_clean(ts_serve *s) {
  int rc = ts_serve_stop(s, true, 10000);
  char *err = ts_serve_stderr(s);
  cr_expect(rc == 0 || rc == 1, "serve exit %d:\n%s", rc, err);
  free(err);
}

/* ---- Botanalytics ---- */

static char *mint(const char *channel) {
  char *payload = ts_fmt("{\"channel\":\"%s\"}", channel);
  char *t = ts_jwt_mint("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", payload, SECRET);
  free(payload);
  return t;
}

static bool start_bot(ts_serve *s, char **universal) {
  *universal = mint("universal");
  char *tok_env = ts_fmt("BOTANALYTICS_TOKEN=%s", *universal);
  const char *suites[] = {BOT_SUITE, NULL};
  const char *env[] = {"BOTANALYTICS_URL=https://127.0.0.1", "BOTANALYTICS_JWT_SECRET=" SECRET,
                       tok_env, NULL};
  bool ok = ts_serve_start(s, &(ts_serve_opts){.suites = suites, .env = env, .tls = true});
  free(tok_env);
  if (!ok) {
    char *err = ts_serve_stderr(s);
    cr_log_error("serve did not start: %s", err);
    free(err);
  }
  return ok;
}

/* POST /v2/messages with this Authorization value and body. */
static void post_messages(const ts_serve *s, const char *authorization, const char *body,
                          ts_http_reply *r) {
  char *url = ts_fmt("https://127.0.0.1:%d/v2/messages", s->tls_port);
  char *auth = authorization ? ts_fmt("Authorization: %s", authorization) : NULL;
  const char *headers[] = {"Origin: https://app.example.com", auth, NULL};
  ts_curl(&(ts_http_call){.method = "POST",
                          .url = url,
                          .content_type = "application/json",
                          .body = body,
                          .cacert = s->cacert,
                          .headers = headers},
          r);
  free(auth);
  free(url);
}

#define MINIMAL "{\"messages\":[{\"message\":{\"timestamp\":1795420800000}}]}"

Test(serve_seed_apis, botanalytics_accepts_the_token_scheme_beside_bearer) {
  ts_serve s;
  char *tok;
  cr_assert(start_bot(&s, &tok));
  ts_http_reply r;
  char *bearer = ts_fmt("Bearer %s", tok), *token = ts_fmt("Token %s", tok);
  char *basic = ts_fmt("Basic %s", tok), *extra = ts_fmt("Token %s extra", tok);
  post_messages(&s, bearer, MINIMAL, &r);
  cr_expect_eq(r.status, 200, "Bearer: %ld %s", r.status, r.body);
  post_messages(&s, token, MINIMAL, &r);
  cr_expect_eq(r.status, 200, "Token: %ld %s", r.status, r.body);
  cr_expect(strstr(r.body, "\"request_id\""), "%s", r.body);
  /* the auth faults stay what they were: an empty Token, another scheme, an extra word */
  post_messages(&s, "Token ", MINIMAL, &r);
  cr_expect_eq(r.status, 401, "empty Token: %ld %s", r.status, r.body);
  post_messages(&s, basic, MINIMAL, &r);
  cr_expect_eq(r.status, 401, "Basic: %ld %s", r.status, r.body);
  post_messages(&s, extra, MINIMAL, &r);
  cr_expect_eq(r.status, 401, "Token with an extra word: %ld %s", r.status, r.body);
  post_messages(&s, "Token not-a-jwt", MINIMAL, &r);
  cr_expect_eq(r.status, 401, "Token not a JWT: %ld %s", r.status, r.body);
  cr_expect_eq(ts_serve_stop(&s, true, 10000), 1, "the last four requests broke a rule");
  ts_junit j;
  cr_assert(ts_junit_load(s.junit, &j));
  cr_expect_eq(j.n, 6);
  cr_expect_eq(ts_junit_count(&j, TS_CASE_FAILURE), 4, "%s", j.raw);
  ts_junit_free(&j);
  ts_serve_free(&s);
  free(bearer), free(token), free(basic), free(extra), free(tok);
}

/* One native payload per channel: accepted under its channel's token,
 * refused (400 naming the message) when not shaped like the platform's. */
typedef struct channel_case {
  const char *channel;
  const char *valid;   /* the message object of a payload shaped like the channel page's */
  const char *invalid; /* one that is not */
  bool not_universal;  /* valid has no top-level timestamp: 400 under a universal token */
} channel_case;

static const channel_case channels[] = {
    {"facebook-messenger",
     "{\"id\":\"1\",\"time\":1795420804000,\"messaging\":[{\"sender\":{\"id\":\"u1\"},"
     "\"recipient\":{\"id\":\"1\"},\"timestamp\":1795420804000,\"message\":{\"mid\":\"m\","
     "\"text\":\"hi\"}}]}",
     "{\"text\":\"hi\"}", true},
    {"facebook-messenger",
     "{\"messaging_type\":\"RESPONSE\",\"recipient\":{\"id\":\"1\"},\"message\":{\"text\":\"hi\"},"
     "\"timestamp\":1795420804000}",
     "{\"recipient\":\"1\",\"message\":{\"text\":\"hi\"}}", false},
    {"amazon-alexa",
     "{\"version\":\"1.0\",\"session\":{\"new\":true},\"request\":{\"type\":\"LaunchRequest\","
     "\"timestamp\":\"2026-11-23T08:00:00Z\"}}",
     "{\"version\":\"1.0\",\"session\":{\"new\":true}}", true},
    {"amazon-alexa",
     "{\"outputSpeech\":{\"type\":\"PlainText\",\"text\":\"hi\"},\"timestamp\":1795420804000,"
     "\"request\":{\"version\":\"1.0\",\"request\":{\"type\":\"LaunchRequest\"}}}",
     "{\"outputSpeech\":{\"type\":\"PlainText\",\"text\":\"hi\"},\"timestamp\":\"soon\","
     "\"request\":{\"version\":\"1.0\"}}",
     false},
    {"microsoft-bot-framework",
     "{\"activity\":{\"type\":\"message\",\"text\":\"hi\"},\"timestamp\":1795420804000}",
     "{\"activity\":{\"type\":\"message\",\"text\":\"hi\"}}", false},
    {"rasa", "{\"event\":\"user\",\"text\":\"Hey\",\"parse_data\":{\"entities\":[]}}",
     "{\"text\":\"Hey\"}", true},
    {"samsung-bixby",
     "{\"timestamp\":1795420804000,\"inputs\":{\"searchTerm\":\"fruits\"},\"intent\":\"test\","
     "\"$vivContext\":{\"userId\":\"u1\"}}",
     "{\"inputs\":{\"searchTerm\":\"fruits\"},\"intent\":\"test\"}", false},
};

Test(serve_seed_apis, botanalytics_validates_each_channel_payload) {
  ts_serve s;
  char *tok;
  cr_assert(start_bot(&s, &tok));
  ts_http_reply r;
  size_t n = sizeof channels / sizeof channels[0];
  for (size_t i = 0; i < n; i++) {
    char *t = mint(channels[i].channel), *auth = ts_fmt("Bearer %s", t);
    char *ok = ts_fmt("{\"messages\":[{\"message\":%s}]}", channels[i].valid);
    char *bad = ts_fmt("{\"messages\":[{\"message\":%s},{\"message\":%s}]}", channels[i].valid,
                       channels[i].invalid);
    post_messages(&s, auth, ok, &r);
    cr_expect_eq(r.status, 200, "%s valid: %ld %s", channels[i].channel, r.status, r.body);
    post_messages(&s, auth, bad, &r);
    cr_expect_eq(r.status, 400, "%s invalid (second message): %ld %s", channels[i].channel,
                 r.status, r.body);
    cr_expect(strstr(r.body, "\"errors\"") && strstr(r.body, "message"), "%s: %s",
              channels[i].channel, r.body);
    /* the native payload is not the universal format: under a universal token it is 400 */
    char *uni = ts_fmt("Bearer %s", tok);
    post_messages(&s, uni, ok, &r);
    if (channels[i].not_universal)
      cr_expect_eq(r.status, 400, "%s payload under a universal token: %ld %s", channels[i].channel,
                   r.status, r.body);
    free(uni), free(t), free(auth), free(ok), free(bad);
  }
  /* the universal format under a native channel's token is not that channel's format */
  char *t = mint("rasa"), *auth = ts_fmt("Bearer %s", t);
  post_messages(&s, auth,
                "{\"messages\":[{\"message\":{\"timestamp\":1795420800000,\"content\":{\"texts\":"
                "[{\"text\":\"hi\"}]}}}]}",
                &r);
  cr_expect_eq(r.status, 400, "universal message under a rasa token: %ld %s", r.status, r.body);
  free(t), free(auth);
  stop_clean(&s);
  ts_serve_free(&s);
  free(tok);
}

/* ---- Postal's legacy API ---- */

#include <cjson/cJSON.h>

static bool start_rpc_as(ts_serve *s, const char *generation) {
  const char *suites[] = {RPC_SUITE, NULL};
  const char *env[] = {"RPC_URL=http://127.0.0.1", "RPC_API_KEY=rpc-key-0123456789",
                       "RPC_SEND_TIME=1h", generation, NULL};
  bool ok = ts_serve_start(s, &(ts_serve_opts){.suites = suites, .env = env});
  if (!ok) {
    char *err = ts_serve_stderr(s);
    cr_log_error("serve did not start: %s", err);
    free(err);
  }
  return ok;
}

/* POST /api/v1/ACTION with a JSON body; the parsed answer (caller frees). */
static cJSON *rpc(const ts_serve *s, const char *action, const char *json) {
  char *url = ts_fmt("http://127.0.0.1:%d/api/v1/%s", s->port, action);
  const char *headers[] = {"X-Server-API-Key: rpc-key-0123456789", NULL};
  ts_http_reply r;
  ts_curl(&(ts_http_call){.method = "POST",
                          .url = url,
                          .content_type = "application/json",
                          .body = json,
                          .headers = headers},
          &r);
  free(url);
  cr_assert_eq(r.status, 200, "%s %s: HTTP %ld %s", action, json, r.status, r.body);
  cJSON *j = cJSON_Parse(r.body);
  cr_assert(j, "%s: not JSON: %s", action, r.body);
  return j;
}

/* j as one line, for messages (a static buffer: one use per message). */
static const char *text(const cJSON *j) {
  static char buf[8192];
  cJSON *copy = j ? cJSON_Duplicate(j, true) : NULL;
  if (!copy || !cJSON_PrintPreallocated(copy, buf, sizeof buf, false))
    snprintf(buf, sizeof buf, "%s", copy ? "(too long)" : "(none)");
  cJSON_Delete(copy);
  return buf;
}

static const char *status_of(const cJSON *j) {
  const cJSON *st = cJSON_GetObjectItemCaseSensitive(j, "status");
  return cJSON_IsString(st) ? st->valuestring : "";
}

/* data.code of an error answer, "" otherwise */
static const char *code_of(const cJSON *j) {
  const cJSON *code =
      cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "data"), "code");
  return cJSON_IsString(code) ? code->valuestring : "";
}

static const cJSON *data_of(const cJSON *j, const char *member) {
  const cJSON *d = cJSON_GetObjectItemCaseSensitive(j, "data");
  return member ? cJSON_GetObjectItemCaseSensitive(d, member) : d;
}

/* A JSON array of n distinct addresses: ["r0@example.com", ...] (caller frees). */
static char *address_list(int n) {
  char *out = ts_fmt("[");
  for (int i = 0; i < n; i++) {
    char *next = ts_fmt("%s%s\"r%d@example.com\"", out, i ? "," : "", i);
    free(out);
    out = next;
  }
  char *done = ts_fmt("%s]", out);
  free(out);
  return done;
}

static void expect_code(const ts_serve *s, const char *json, const char *code) {
  cJSON *j = rpc(s, "send/message", json);
  if (*code) {
    cr_expect_str_eq(status_of(j), "error", "%s", json);
    cr_expect_str_eq(code_of(j), code, "%s", json);
  } else {
    cr_expect_str_eq(status_of(j), "success", "%s: %s %s", json, status_of(j), code_of(j));
  }
  cJSON_Delete(j);
}

static bool start_rpc(ts_serve *s) {
  return start_rpc_as(s, NULL);
}

#define FROM "\"from\":\"bot@example.com\""
#define BODY "\"plain_body\":\"Hello.\""

Test(serve_seed_apis, rpc_send_message_errors_in_postal_order) {
  ts_serve s;
  cr_assert(start_rpc(&s));
  char *l50 = address_list(50), *l51 = address_list(51), *json;
  /* NoRecipients: none in to, cc or bcc — an empty `to` with a cc is not that */
  expect_code(&s, "{" FROM "," BODY "}", "NoRecipients");
  expect_code(&s, "{\"to\":[],\"cc\":[]," FROM "," BODY "}", "NoRecipients");
  expect_code(&s, "{\"to\":[],\"cc\":[\"c@example.com\"]," FROM "," BODY "}", "");
  /* at most 50 each: before NoContent, To before CC before BCC */
  json = ts_fmt("{\"to\":%s," FROM "," BODY "}", l50);
  expect_code(&s, json, "");
  free(json);
  json = ts_fmt("{\"to\":%s," FROM "}", l51);
  expect_code(&s, json, "TooManyToAddresses");
  free(json);
  json = ts_fmt("{\"to\":[\"a@example.com\"],\"cc\":%s,\"bcc\":%s}", l51, l51);
  expect_code(&s, json, "TooManyCCAddresses");
  free(json);
  json = ts_fmt("{\"bcc\":%s," FROM "," BODY "}", l51);
  expect_code(&s, json, "TooManyBCCAddresses");
  free(json);
  /* a blank body is no content; a blank from is missing */
  expect_code(&s, "{\"to\":[\"a@example.com\"]," FROM ",\"plain_body\":\"  \"}", "NoContent");
  expect_code(&s, "{\"to\":[\"a@example.com\"],\"from\":\" \"," BODY "}", "FromAddressMissing");
  /* attachments: after the from checks; entries that are not objects are ignored */
  expect_code(&s,
              "{\"to\":[\"a@example.com\"],\"from\":\"bot@x.invalid\"," BODY
              ",\"attachments\":[{\"data\":\"aGk=\"}]}",
              "UnauthenticatedFromAddress");
  expect_code(&s,
              "{\"to\":[\"a@example.com\"]," FROM "," BODY
              ",\"attachments\":[{\"name\":\"a.txt\",\"data\":\"aGk=\"},{\"data\":\"aGk=\"}]}",
              "AttachmentMissingName");
  expect_code(&s,
              "{\"to\":[\"a@example.com\"]," FROM "," BODY
              ",\"attachments\":[{\"name\":\"a.txt\"},{\"data\":\"aGk=\"}]}",
              "AttachmentMissingName");
  expect_code(
      &s, "{\"to\":[\"a@example.com\"]," FROM "," BODY ",\"attachments\":[{\"name\":\"a.txt\"}]}",
      "AttachmentMissingData");
  expect_code(&s,
              "{\"to\":[\"a@example.com\"]," FROM "," BODY
              ",\"attachments\":[\"junk\",{\"name\":\"a.txt\",\"data\":\"aGk=\"}]}",
              "");
  stop_clean(&s);
  ts_serve_free(&s);
  free(l50), free(l51);
}

Test(serve_seed_apis, rpc_messages_keyed_by_recipient_with_expansions_only_when_asked) {
  ts_serve s;
  cr_assert(start_rpc(&s));
  cJSON *j = rpc(&s, "send/message",
                 "{\"to\":[\"Ann <ann@example.com>\",\"bob@example.com\"],\"cc\":"
                 "\"carol@example.com, dan@example.com\",\"bcc\":[\"bob@example.com\"]," FROM
                 "," BODY "}");
  cr_assert_str_eq(status_of(j), "success");
  const cJSON *msgs = data_of(j, "messages");
  cr_expect_eq(cJSON_GetArraySize(msgs), 4, "one entry per distinct recipient: %s", text(msgs));
  const char *want[] = {"ann@example.com", "bob@example.com", "carol@example.com",
                        "dan@example.com"};
  double ids[4] = {0};
  for (int i = 0; i < 4; i++) {
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(msgs, want[i]);
    cr_assert(cJSON_IsObject(m), "messages has %s", want[i]);
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(m, "id");
    cr_assert(cJSON_IsNumber(id));
    cr_expect(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(m, "token")));
    ids[i] = id->valuedouble;
    for (int k = 0; k < i; k++)
      cr_expect_neq(ids[k], ids[i], "each recipient has its own message");
  }
  cr_expect(cJSON_IsString(data_of(j, "message_id")));
  /* the message of ann: {id, token} only, then the expansions asked for */
  const char *ann_token =
      cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(msgs, want[0]), "token")
          ->valuestring;
  char *q = ts_fmt("{\"id\":%.0f}", ids[0]);
  cJSON *m = rpc(&s, "messages/message", q);
  cr_expect_eq(cJSON_GetArraySize(data_of(m, NULL)), 2, "only id and token: %s", text(m));
  cr_expect_str_eq(cJSON_GetObjectItemCaseSensitive(data_of(m, NULL), "token")->valuestring,
                   ann_token);
  cJSON_Delete(m);
  free(q);
  q = ts_fmt("{\"id\":%.0f,\"_expansions\":[\"details\"]}", ids[0]);
  m = rpc(&s, "messages/message", q);
  const cJSON *details = data_of(m, "details");
  cr_expect_str_eq(cJSON_GetObjectItemCaseSensitive(details, "rcpt_to")->valuestring,
                   "ann@example.com");
  cr_expect_eq(cJSON_GetArraySize(data_of(m, NULL)), 3, "id, token and details: %s", text(m));
  cJSON_Delete(m);
  free(q);
  q = ts_fmt("{\"id\":%.0f,\"_expansions\":true}", ids[2]);
  m = rpc(&s, "messages/message", q);
  cr_expect(cJSON_IsObject(data_of(m, "status")) && cJSON_IsObject(data_of(m, "inspection")) &&
                cJSON_IsObject(data_of(m, "activity_entries")),
            "every expansion: %s", text(m));
  cr_expect_str_eq(cJSON_GetObjectItemCaseSensitive(data_of(m, "details"), "rcpt_to")->valuestring,
                   "carol@example.com");
  cJSON_Delete(m);
  free(q);
  cJSON_Delete(j);
  /* send/raw: rcpt_to de-duplicated, keyed as given; an empty one sends nothing */
  j = rpc(&s, "send/raw",
          "{\"mail_from\":\"bot@example.com\",\"rcpt_to\":[\"x@example.com\",\"y@example.com\","
          "\"x@example.com\"],\"data\":\"RnJvbTogYm90QGV4YW1wbGUuY29tDQoNCkhpLg0K\"}");
  cr_expect_str_eq(status_of(j), "success");
  cr_expect_eq(cJSON_GetArraySize(data_of(j, "messages")), 2, "%s", text(j));
  cr_expect(cJSON_GetObjectItemCaseSensitive(data_of(j, "messages"), "y@example.com"));
  cJSON_Delete(j);
  j = rpc(&s, "send/raw",
          "{\"mail_from\":\"bot@example.com\",\"rcpt_to\":[],\"data\":"
          "\"RnJvbTogYm90QGV4YW1wbGUuY29tDQoNCkhpLg0K\"}");
  cr_expect_str_eq(status_of(j), "success");
  cr_expect(cJSON_IsNull(data_of(j, "message_id")), "%s", text(j));
  cr_expect(cJSON_IsObject(data_of(j, "messages")) && !data_of(j, "messages")->child);
  cJSON_Delete(j);
  stop_clean(&s);
  ts_serve_free(&s);
}

/* Where the generations differ, serve answers like Postal >= 3.3.1 unless
 * RPC_GENERATION=moonrope: a string `to` is split at commas or refused as a
 * parameter-error, a string id looked up or refused. */
Test(serve_seed_apis, rpc_generation_decides_how_parameters_are_typed) {
  static const char *const generations[] = {NULL, "RPC_GENERATION=moonrope"};
  for (int g = 0; g < 2; g++) {
    ts_serve s;
    cr_assert(start_rpc_as(&s, generations[g]));
    bool moonrope = g == 1;
    cJSON *j =
        rpc(&s, "send/message", "{\"to\":\"a@example.com, b@example.com\"," FROM "," BODY "}");
    cr_expect_str_eq(status_of(j), moonrope ? "parameter-error" : "success", "%s", text(j));
    if (!moonrope)
      cr_expect_eq(cJSON_GetArraySize(data_of(j, "messages")), 2, "split at commas: %s", text(j));
    cJSON_Delete(j);
    j = rpc(&s, "send/message",
            "{\"to\":[\"a@example.com\"],\"cc\":\"c@example.com\"," FROM "," BODY "}");
    cr_expect_str_eq(status_of(j), moonrope ? "parameter-error" : "success", "%s", text(j));
    cJSON_Delete(j);
    j = rpc(&s, "send/message", "{\"to\":[\"a@example.com\"]," FROM "," BODY "}");
    cr_assert_str_eq(status_of(j), "success");
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(data_of(j, "messages"), "a@example.com");
    char *q = ts_fmt("{\"id\":\"%.0f\"}", cJSON_GetObjectItemCaseSensitive(a, "id")->valuedouble);
    cJSON *m = rpc(&s, "messages/message", q);
    cr_expect_str_eq(status_of(m), moonrope ? "parameter-error" : "success", "%s", text(m));
    cJSON_Delete(m);
    free(q);
    cJSON_Delete(j);
    stop_clean(&s);
    ts_serve_free(&s);
  }
}
