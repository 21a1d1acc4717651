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
  ts_serve_stop(&s, true, 10000);
  ts_serve_free(&s);
  free(tok);
}
