/* names.c — the check table: one row per check id with the name used in
 * profiles (`checks:`) and failures, who applies it, and its rule as
 * docs/checks.md states it (checked against these rows by
 * tests/unit/test_docs_tables.c). */
#include <string.h>

#include "check.h"

#define UNIVERSAL GT_CHECK_KIND_UNIVERSAL
#define SCENARIO GT_CHECK_KIND_SCENARIO
#define RUNNER GT_CHECK_KIND_RUNNER

static const gt_check_info checks[GT_CHECK_COUNT] = {
    [GT_CHECK_NO_SERVER_ERROR] = {GT_CHECK_NO_SERVER_ERROR, "no_server_error", UNIVERSAL,
                                  "no 5xx unless the expectation allows it"},
    [GT_CHECK_CONTENT_TYPE] = {GT_CHECK_CONTENT_TYPE, "content_type", UNIVERSAL,
                               "the media type is `transport.content_type` (and the charset is "
                               "`transport.charset` when the response names one); responses "
                               "with a body only"},
    [GT_CHECK_JSON_PARSES] = {GT_CHECK_JSON_PARSES, "json_parses", UNIVERSAL,
                              "a body labelled JSON (`application/json` or any `+json` type), "
                              "or due as JSON by `transport.content_type`, is one strict JSON "
                              "document with nothing after it; responses with a body only"},
    [GT_CHECK_ERROR_SHAPE] = {GT_CHECK_ERROR_SHAPE, "error_shape", UNIVERSAL,
                              "every 4xx/5xx body matches `errors.shape` and is valid against "
                              "`errors.schema` where the expectation asks for it (the fault "
                              "defaults marked \"+ error shape\")"},
    [GT_CHECK_DOCUMENTED_STATUS] = {GT_CHECK_DOCUMENTED_STATUS, "documented_status", UNIVERSAL,
                                    "the status is in `errors.statuses` (not applied to "
                                    "`cors_preflight`)"},
    [GT_CHECK_REQUIRED_HEADERS] = {GT_CHECK_REQUIRED_HEADERS, "required_headers", UNIVERSAL,
                                   "every `transport.headers` entry is present and matches, "
                                   "errors included"},
    [GT_CHECK_UTF8] = {GT_CHECK_UTF8, "utf8", UNIVERSAL,
                       "the body is valid UTF-8 (binary media types such as `image/*` or "
                       "`application/octet-stream` excepted); responses with a body only"},
    [GT_CHECK_ENVELOPE] = {GT_CHECK_ENVELOPE, "envelope", UNIVERSAL,
                           "every body matches `envelope`; responses with a body only"},
    [GT_CHECK_SCHEMA] = {GT_CHECK_SCHEMA, "schema", UNIVERSAL,
                         "the body is valid against `expect.schema` (docs/schema.md; one "
                         "failure per schema error); and in suites derived from or tied to "
                         "an OpenAPI document: the status is documented "
                         "for the operation (`default` and classes such as `4XX` count; a "
                         "status the case's expectation names passes), the body is valid "
                         "against that status's schema for its media type, and every "
                         "documented required response header is present and valid"},
    [GT_CHECK_SECURITY_PUBLIC] = {GT_CHECK_SECURITY_PUBLIC, "security_public", UNIVERSAL,
                                  "suites derived from an OpenAPI document: an operation "
                                  "documented as public (`security: []`) does not answer 401 "
                                  "to a request without a credential"},
    [GT_CHECK_STATUS] = {GT_CHECK_STATUS, "status", SCENARIO, "`expect.status`"},
    [GT_CHECK_HEADERS] = {GT_CHECK_HEADERS, "headers", SCENARIO,
                          "`expect.headers` (names case-insensitive)"},
    [GT_CHECK_JSON] = {GT_CHECK_JSON, "json", SCENARIO, "`expect.json`: the body as a template"},
    [GT_CHECK_JSONPATH] = {GT_CHECK_JSONPATH, "jsonpath", SCENARIO,
                           "`expect.jsonpath`: every selected node matches its template"},
    [GT_CHECK_BODY] = {GT_CHECK_BODY, "body", SCENARIO,
                       "`expect.body`: exact text, a matcher, or a JSON template"},
    [GT_CHECK_MAX_TIME] = {GT_CHECK_MAX_TIME, "max_time", SCENARIO,
                           "`expect.max_time`: the whole exchange took at most that long"},
    [GT_CHECK_REFUSED] = {GT_CHECK_REFUSED, "refused", SCENARIO,
                          "`refused: true`: the connection was refused or reset (or, for "
                          "`http_only` and `wire_*`, answered with a non-2xx status)"},
    [GT_CHECK_CAPTURE] = {GT_CHECK_CAPTURE, "capture", RUNNER,
                          "every `capture` JSONPath or header selected a value"},
    [GT_CHECK_ALIVE] = {GT_CHECK_ALIVE, "alive", RUNNER,
                        "after `truncated_body`, `slow_body` and `wire_*`, the valid request "
                        "is sent again and passes"},
    [GT_CHECK_SMUGGLING] =
        {GT_CHECK_SMUGGLING, "request_smuggling", RUNNER,
         "a framing fault's kept-alive connection carried back no more "
         "answers than its framing allows and was closed where the RFCs "
         "require it (desync detection, [faults.md](faults.md#desync-detection))"},
    [GT_CHECK_TRANSPORT] = {GT_CHECK_TRANSPORT, "transport", RUNNER,
                            "a response came (no refusal, reset, timeout, TLS or DNS failure) "
                            "where one was due"},
    [GT_CHECK_RATE_LIMIT] = {GT_CHECK_RATE_LIMIT, "rate_limit", RUNNER,
                             "`rate_limit`: a 429 came before twice `limits.rate_limit` "
                             "requests"},
    [GT_CHECK_CORS] = {GT_CHECK_CORS, "cors", RUNNER,
                       "reserved: a missing `Access-Control-Allow-Origin` on `cors_preflight` "
                       "is reported under `headers` today"},
    [GT_CHECK_POLL] = {GT_CHECK_POLL, "poll", RUNNER,
                       "`poll:`: an answer matched `poll.until` before `poll.timeout`"},
};

const gt_check_info *gt_check_info_of(gt_check_id id) {
  if ((int)id < 0 || id >= GT_CHECK_COUNT) return NULL;
  return &checks[id];
}

int gt_check_from_name(const char *name) {
  if (!name) return -1;
  for (int i = 0; i < GT_CHECK_COUNT; i++)
    if (strcmp(checks[i].name, name) == 0) return i;
  return -1;
}

const char *gt_check_name(gt_check_id id) {
  const gt_check_info *c = gt_check_info_of(id);
  return c ? c->name : "unknown";
}
