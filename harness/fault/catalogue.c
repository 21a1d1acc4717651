/* catalogue.c — the fault table: one row per fault (docs/faults.md), read by
 * expansion (applicability, variants, mode), the builder (which mutation),
 * the default expectations below and docs/faults.md (checked against these
 * rows by tests/unit/test_docs_tables.c).
 *
 * The default expectations are built from the rows once, lazily, under a
 * mutex: they hold a small gt_node tree (cors_preflight's header template)
 * and status texts, owned here and released only by gt_fault_catalogue_free. */
#include "fault_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"

#define CREDENTIAL GT_NEED_CREDENTIAL
#define JWT (GT_NEED_CREDENTIAL | GT_NEED_JWT)
/* RFC 9112 leaves a server latitude on most framing faults (a bare LF may end
 * a line, obs-fold may be unfolded, a NUL replaced by SP, no bound on a head):
 * any answer but a 5xx passes, and what fails is a hang, a second answer or a
 * desync (check request_smuggling, run/desync.c). */
#define WIRE_EXPECT                                                                                \
  {                                                                                                \
    .status_text = "any answer but a 5xx, or a closed connection", .status = {{100, 499}},         \
    .refused = true                                                                                \
  }
#define REFUSAL_EXPECT                                                                             \
  {                                                                                                \
    .status_text = "400, 408, 413, 414, 431 or 501, or a closed connection",                       \
    .status = {{400, 400}, {408, 408}, {413, 414}, {431, 431}, {501, 501}}, .refused = true        \
  }
#define WIRE_DOC                                                                                   \
  "any answer but a 5xx (400, 408, 413, 414, 431 or 501 judged by status alone), or a closed "     \
  "connection; no hang; no desync on the kept-alive connection; target alive afterwards"
#define WIRE_ROW_WITH(ID, NAME, SENDS, DOC, EXPECT, ...)                                           \
  [ID] = {.id = ID,                                                                                \
          .name = NAME,                                                                            \
          .family = "framing (raw connection, TLS too)",                                           \
          .mode = GT_MODE_RAW,                                                                     \
          .transport_only = true,                                                                  \
          .needs_alive = true,                                                                     \
          .refusal_rule = true,                                                                    \
          .expect = EXPECT,                                                                        \
          .sends = SENDS,                                                                          \
          .expect_doc = DOC,                                                                       \
          __VA_ARGS__}
#define WIRE_ROW(ID, NAME, SENDS)                                                                  \
  WIRE_ROW_WITH(ID, NAME, SENDS, WIRE_DOC, WIRE_EXPECT, .accepts_no_answer = false)

#define SCHEMA_ROW(ID, NAME, VARIANTS, SENDS, SKIP)                                                \
  [ID] = {.id = ID,                                                                                \
          .name = NAME,                                                                            \
          .family = "values (OpenAPI)",                                                            \
          .needs = GT_NEED_OPENAPI,                                                                \
          .all_only_when_needed = true,                                                            \
          .expect_from_contract = true,                                                            \
          .mutate = gt_mutate_schema,                                                              \
          .variants = VARIANTS,                                                                    \
          .expect = {"400 or 422", {{400, 400}, {422, 422}}, .error_shape = true},                 \
          .sends = SENDS,                                                                          \
          .expect_doc = "the operation's documented 4xx statuses (but 401, 403, 404, 405 and "     \
                        "429), else 400 or 422 (a path parameter: those or 404); + error shape",   \
          .skip_doc = SKIP}

bool gt_status_in_refusal_set(int status) {
  return status == 400 || status == 408 || status == 413 || status == 414 || status == 431 ||
         status == 501;
}

static const gt_fault_info faults[GT_FAULT_COUNT] = {
    [GT_FAULT_VALID] = {.id = GT_FAULT_VALID,
                        .name = "valid",
                        .family = "valid",
                        .sends = "the scenario as written",
                        .expect_doc = "the scenario's `expect`"},

    /* Credentials: 401 with the profile's error shape. */
    [GT_FAULT_UNAUTHENTICATED] = {.id = GT_FAULT_UNAUTHENTICATED,
                                  .name = "unauthenticated",
                                  .family = "credentials",
                                  .needs = CREDENTIAL,
                                  .mutate = gt_mutate_auth,
                                  .expect = {"401", {{401, 401}}, .error_shape = true},
                                  .sends = "no credential",
                                  .expect_doc = "401 + error shape"},
    [GT_FAULT_INVALID_TOKEN] = {.id = GT_FAULT_INVALID_TOKEN,
                                .name = "invalid_token",
                                .family = "credentials",
                                .needs = CREDENTIAL,
                                .mutate = gt_mutate_auth,
                                .variants = gt_variants_invalid_token,
                                .expect = {"401", {{401, 401}}, .error_shape = true},
                                .sends = "a random credential of the same length and character "
                                         "classes; with `scheme: basic` two cases: #1 the real "
                                         "user with a wrong password, #2 an unknown user with the "
                                         "real password; with `scheme: query` and two or more "
                                         "parameters, #1 the last forged, #2 the first",
                                .expect_doc = "401 + error shape"},
    [GT_FAULT_MALFORMED_AUTH] = {.id = GT_FAULT_MALFORMED_AUTH,
                                 .name = "malformed_auth",
                                 .family = "credentials",
                                 .needs = CREDENTIAL,
                                 .mutate = gt_mutate_auth,
                                 .variants = gt_variants_malformed_auth,
                                 .expect = {"401 or 400", {{400, 401}}, .error_shape = true},
                                 .sends = "#1 the scheme with an empty credential, named after "
                                          "it (`empty bearer`, `empty basic`, `empty "
                                          "X-Api-Key`), #2 wrong scheme (`Basic` for a bearer "
                                          "token, never one of `auth.also_accept`), #3 the "
                                          "credential with "
                                          "a trailing extra; with `scheme: query`: #1 empty "
                                          "values, #2 the last as a `Bearer` header, #3 the last "
                                          "with a trailing extra",
                                 .expect_doc = "401 or 400 + error shape"},
    [GT_FAULT_TOKEN_IN_QUERY] = {.id = GT_FAULT_TOKEN_IN_QUERY,
                                 .name = "token_in_query",
                                 .family = "credentials",
                                 .needs = CREDENTIAL | GT_NEED_HEADER_CREDENTIAL,
                                 .mutate = gt_mutate_auth,
                                 .expect = {"401", {{401, 401}}, .error_shape = true},
                                 .sends = "the credential in `?access_token=` instead of the "
                                          "header",
                                 .expect_doc = "401 + error shape"},
    /* JWT forgeries: 401 (no error shape required there). */
    [GT_FAULT_JWT_ALG_NONE] = {.id = GT_FAULT_JWT_ALG_NONE,
                               .name = "jwt_alg_none",
                               .family = "JWT",
                               .needs = JWT,
                               .mutate = gt_mutate_auth,
                               .expect = {.status_text = "401", .status = {{401, 401}}},
                               .sends = "the JWT re-encoded with `alg: none`, no signature",
                               .expect_doc = "401"},
    [GT_FAULT_JWT_BAD_SIGNATURE] = {.id = GT_FAULT_JWT_BAD_SIGNATURE,
                                    .name = "jwt_bad_signature",
                                    .family = "JWT",
                                    .needs = JWT,
                                    .mutate = gt_mutate_auth,
                                    .expect = {.status_text = "401", .status = {{401, 401}}},
                                    .sends = "the JWT with its signature altered",
                                    .expect_doc = "401"},
    [GT_FAULT_JWT_EXPIRED] = {.id = GT_FAULT_JWT_EXPIRED,
                              .name = "jwt_expired",
                              .family = "JWT",
                              .needs = JWT | GT_NEED_JWT_SECRET,
                              .mutate = gt_mutate_auth,
                              .expect = {.status_text = "401", .status = {{401, 401}}},
                              .sends = "a JWT minted (HS256, `auth.jwt_secret`) with `exp` an hour "
                                       "in the past",
                              .expect_doc = "401"},
    [GT_FAULT_JWT_MISSING_CLAIM] = {.id = GT_FAULT_JWT_MISSING_CLAIM,
                                    .name = "jwt_missing_claim",
                                    .family = "JWT",
                                    .needs = JWT | GT_NEED_JWT_SECRET | GT_NEED_JWT_CLAIMS,
                                    .mutate = gt_mutate_auth,
                                    .variants = gt_variants_jwt_missing_claim,
                                    .expect = {.status_text = "401", .status = {{401, 401}}},
                                    .sends = "one case per `auth.jwt_claims` key: a valid JWT "
                                             "minted without that claim",
                                    .expect_doc = "401"},

    /* Plain HTTP: refused, or any 3xx/4xx; never 2xx (nor 5xx). */
    [GT_FAULT_HTTP_ONLY] = {.id = GT_FAULT_HTTP_ONLY,
                            .name = "http_only",
                            .family = "transport",
                            .needs = GT_NEED_HTTPS_API,
                            .transport_only = true,
                            .mutate = gt_mutate_auth,
                            .expect = {"3xx/4xx, or a refused or closed connection",
                                       {{300, 499}},
                                       .refused = true},
                            .sends = "the request over `http://` to `transport.http_port`; a "
                                     "**decoy** credential (and other secrets redacted) unless "
                                     "the host is loopback or `http_probe: real`",
                            .expect_doc = "refused, or 3xx/4xx; never 2xx"},

    /* Bodies: a client error with the profile's error shape. */
    [GT_FAULT_MALFORMED_JSON] = {.id = GT_FAULT_MALFORMED_JSON,
                                 .name = "malformed_json",
                                 .family = "bodies",
                                 .needs = GT_NEED_JSON_BODY,
                                 .mutate = gt_mutate_body,
                                 .expect = {"400", {{400, 400}}, .error_shape = true},
                                 .sends = "the JSON body cut mid-document",
                                 .expect_doc = "400 + error shape"},
    [GT_FAULT_WRONG_CONTENT_TYPE] = {.id = GT_FAULT_WRONG_CONTENT_TYPE,
                                     .name = "wrong_content_type",
                                     .family = "bodies",
                                     .needs = GT_NEED_FIELDS_BODY,
                                     .mutate = gt_mutate_body,
                                     .expect = {"400 or 415",
                                                {{400, 400}, {415, 415}},
                                                .error_shape = true},
                                     .sends = "the body labelled `text/plain`",
                                     .expect_doc = "400 or 415 + error shape"},
    [GT_FAULT_INVALID_UTF8] = {.id = GT_FAULT_INVALID_UTF8,
                               .name = "invalid_utf8",
                               .family = "bodies",
                               .needs = GT_NEED_BODY,
                               .mutate = gt_mutate_body,
                               .expect = {"400", {{400, 400}}, .error_shape = true},
                               .sends = "invalid UTF-8 bytes inside a string value (JSON), a "
                                        "form value, or the raw body",
                               .expect_doc = "400 + error shape"},
    [GT_FAULT_EMPTY_BODY] = {.id = GT_FAULT_EMPTY_BODY,
                             .name = "empty_body",
                             .family = "bodies",
                             .needs = GT_NEED_BODY,
                             .mutate = gt_mutate_body,
                             .expect = {"400", {{400, 400}}, .error_shape = true},
                             .sends = "no body (`Content-Length: 0`)",
                             .expect_doc = "400 + error shape"},
    [GT_FAULT_MISSING_FIELD] = {.id = GT_FAULT_MISSING_FIELD,
                                .name = "missing_field",
                                .family = "bodies",
                                .needs = GT_NEED_FIELDS_BODY,
                                .mutate = gt_mutate_body,
                                .variants = gt_variants_missing_field,
                                .expect = {"400", {{400, 400}}, .error_shape = true},
                                .sends = "one case per `request.required` path (else per "
                                         "top-level field), removed",
                                .expect_doc = "400 + error shape",
                                .skip_doc = "the body has no field to remove"},
    [GT_FAULT_WRONG_TYPE] = {.id = GT_FAULT_WRONG_TYPE,
                             .name = "wrong_type",
                             .family = "bodies",
                             .needs = GT_NEED_JSON_BODY,
                             .mutate = gt_mutate_body,
                             .variants = gt_variants_wrong_type,
                             .expect = {"400 or 422",
                                        {{400, 400}, {422, 422}},
                                        .error_shape = true},
                             .sends = "one case per body field at any depth (at most 64), its "
                                      "value replaced by one of another JSON type",
                             .expect_doc = "400 or 422 + error shape",
                             .skip_doc = "the body has no field"},

    /* Values against the API description (OpenAPI): the operation's documented
     * rejection (its 4xx, else 400 or 422) with the profile's error shape. */
    SCHEMA_ROW(GT_FAULT_NOT_IN_ENUM, "not_in_enum", gt_variants_not_in_enum,
               "one case per parameter (path, query, header, cookie) and body property (at "
               "any depth) with an `enum`: a value outside it (a string, or a number past the "
               "largest when the members are numbers)",
               "the operation documents no `enum` there"),
    SCHEMA_ROW(GT_FAULT_OUT_OF_RANGE, "out_of_range", gt_variants_out_of_range,
               "one case per bound of a number (parameter, body property at any depth): "
               "above `maximum` (by `multipleOf`, else 1), below `minimum`, or on an exclusive "
               "bound (`exclusiveMaximum`/`exclusiveMinimum`, 3.0 booleans and 3.1 numbers)",
               "the operation documents no `minimum`/`maximum` there"),
    SCHEMA_ROW(GT_FAULT_BAD_LENGTH, "bad_length", gt_variants_bad_length,
               "one case per length bound of a string (parameter, body property at any "
               "depth): one character over `maxLength`, one under `minLength`, made from a "
               "valid value; and of a body array: one item over `maxItems`, one under "
               "`minItems`",
               "the operation documents no `minLength`/`maxLength`/`minItems`/`maxItems` "
               "there"),
    SCHEMA_ROW(GT_FAULT_PATTERN_MISMATCH, "pattern_mismatch", gt_variants_pattern_mismatch,
               "one case per string with a `pattern` (parameter, body property at any "
               "depth): a string the pattern does not match (within the length bounds when "
               "one fits)",
               "the operation documents no `pattern` there"),
    SCHEMA_ROW(GT_FAULT_DUPLICATE_ITEMS, "duplicate_items", gt_variants_duplicate_items,
               "one case per body array with `uniqueItems: true`: the valid array with its "
               "first item repeated",
               "the operation documents no `uniqueItems` array in the request body"),
    SCHEMA_ROW(GT_FAULT_MISSING_PARAM, "missing_param", gt_variants_missing_param,
               "one case per required query, header or cookie parameter the request sends: "
               "the request without it",
               "the operation documents no required query, header or cookie parameter the "
               "request sends"),

    /* Paths and methods. */
    [GT_FAULT_UNKNOWN_PATH] = {.id = GT_FAULT_UNKNOWN_PATH,
                               .name = "unknown_path",
                               .family = "paths and methods",
                               .mutate = gt_mutate_target,
                               .expect = {"404", {{404, 404}}, .error_shape = true},
                               .sends = "the path with a random segment `gauntlet-XXXXXXXX` "
                                        "appended, then `/unknown` segments until it is deeper "
                                        "than every scenario path of the suite (so it cannot "
                                        "match a documented route such as `/items/{id}`)",
                               .expect_doc = "404 + error shape"},
    [GT_FAULT_WRONG_METHOD] =
        {.id = GT_FAULT_WRONG_METHOD,
         .name = "wrong_method",
         .family = "paths and methods",
         .mutate = gt_mutate_target,
         .variants = gt_variants_wrong_method,
         .expect = {"404 or 405", {{404, 405}}, .error_shape = true},
         .sends = "one case per method of GET, POST, PUT, PATCH, DELETE "
                  "that no scenario uses on that path and the profile's "
                  "`request.methods` does not list",
         .expect_doc = "404 or 405 + error shape",
         .skip_doc = "every one of GET, POST, PUT, PATCH and DELETE is used on that path"},
    [GT_FAULT_BAD_PERCENT_ENCODING] = {.id = GT_FAULT_BAD_PERCENT_ENCODING,
                                       .name = "bad_percent_encoding",
                                       .family = "paths and methods",
                                       .mutate = gt_mutate_target,
                                       .expect = {.status_text = "400 or 404",
                                                  .status = {{400, 400}, {404, 404}}},
                                       .sends = "`%ZZ` inside the path",
                                       .expect_doc = "400 or 404, never 5xx"},
    [GT_FAULT_UNVERSIONED] = {.id = GT_FAULT_UNVERSIONED,
                              .name = "unversioned",
                              .family = "paths and methods",
                              .needs = GT_NEED_VERSION_PREFIX,
                              .mutate = gt_mutate_target,
                              .variants = gt_variants_unversioned,
                              .expect = {.status_text = "404", .status = {{404, 404}}},
                              .sends = "#1 the version prefix removed; #2 and #3 also with "
                                       "`Accept-Version` / `X-API-Version` headers (a version "
                                       "given only in a header)",
                              .expect_doc = "404"},

    /* Sizes and timing. */
    [GT_FAULT_OVERSIZED_BODY] = {.id = GT_FAULT_OVERSIZED_BODY,
                                 .name = "oversized_body",
                                 .family = "sizes and timing",
                                 .needs = GT_NEED_BODY,
                                 .mutate = gt_mutate_body,
                                 .expect = {.status_text = "413 or 400",
                                            .status = {{400, 400}, {413, 413}}},
                                 .sends = "the body grown to one byte over `limits.max_body` "
                                          "(default 8 MiB) by padding a real string field (the "
                                          "first required one, else the first top-level one, "
                                          "else any; a form's first field), so the size limit is "
                                          "what is tested; a `gauntlet_padding` field only when "
                                          "the body has no string field",
                                 .expect_doc = "413 or 400"},
    /* A close/reset is fine (the server may give up); never 2xx. */
    [GT_FAULT_TRUNCATED_BODY] = {.id = GT_FAULT_TRUNCATED_BODY,
                                 .name = "truncated_body",
                                 .family = "sizes and timing",
                                 .needs = GT_NEED_BODY,
                                 .mode = GT_MODE_RAW,
                                 .needs_alive = true,
                                 .refusal_rule = true,
                                 .expect = {"not 2xx, or a closed connection",
                                            {{100, 199}, {300, 599}},
                                            .refused = true},
                                 .sends = "`Content-Length` 100 bytes larger than the body sent, "
                                          "then the connection closed",
                                 .expect_doc = "any non-2xx (400, 408, 413, 414, 431 or 501 "
                                               "judged by status alone), or a closed connection; "
                                               "target alive afterwards"},
    [GT_FAULT_SLOW_BODY] = {.id = GT_FAULT_SLOW_BODY,
                            .name = "slow_body",
                            .family = "sizes and timing",
                            .needs = GT_NEED_BODY,
                            .mode = GT_MODE_RAW,
                            .needs_alive = true,
                            .refusal_rule = true,
                            .expect = {.status_text = "not 5xx (408 allowed)",
                                       .status = {{100, 499}}},
                            .sends = "the body trickled over about 2 s (at most half the timeout)",
                            .expect_doc = "any non-5xx (400, 408, 413, 414, 431 or 501 judged by "
                                          "status alone); target alive afterwards"},

    /* Framing: a rejection or a closed connection; never 2xx. */
    /* RFC 9112 §6.3: two different lengths MUST get a 400 and a close. */
    WIRE_ROW_WITH(GT_FAULT_WIRE_DUP_CONTENT_LENGTH, "wire_dup_content_length",
                  "two `Content-Length` headers: the first covers the body, the second also a "
                  "request hidden after it; kept alive, a request pipelined behind",
                  "400, 408, 413, 414, 431 or 501 (judged by status alone), or a closed "
                  "connection; never 2xx; one answer, then the connection closed (RFC 9112 "
                  "§6.3); target alive afterwards",
                  REFUSAL_EXPECT, .accepts_no_answer = false),
    /* RFC 9112 §6.1: reject, or read by Transfer-Encoding alone; close either way. */
    WIRE_ROW_WITH(GT_FAULT_WIRE_CL_TE, "wire_cl_te",
                  "`Content-Length` and `Transfer-Encoding: chunked` together: #1 CL.TE (a "
                  "request hidden after the chunked body, inside the Content-Length), #2 TE.CL "
                  "(Content-Length covers the chunk-size line only, the chunk is a request); kept "
                  "alive, a request pipelined behind",
                  "any answer but a 5xx (read by Transfer-Encoding, or refused), or a closed "
                  "connection; one answer, then the connection closed (RFC 9112 §6.1); target "
                  "alive afterwards",
                  WIRE_EXPECT, .variants = gt_variants_cl_te),
    /* RFC 9112 §2.2: taking a bare LF as a line end is a MAY; a server that
     * does not still waits for the end of the head. */
    WIRE_ROW_WITH(GT_FAULT_WIRE_BARE_LF, "wire_bare_lf",
                  "every CRLF of the head replaced by a bare LF; kept alive, a request "
                  "pipelined behind",
                  WIRE_DOC "; no answer within the timeout also passes (recognising a bare LF is "
                           "optional: such a server still waits for the end of the head)",
                  WIRE_EXPECT, .accepts_no_answer = true),
    /* RFC 9112 §5.2: a server may reject obs-fold or replace it with SP. */
    WIRE_ROW(GT_FAULT_WIRE_OBS_FOLD, "wire_obs_fold",
             "a header continued on the next line (obsolete line folding); kept alive, a "
             "request pipelined behind"),
    /* RFC 9110 §5.5: reject, or replace the NUL with SP. */
    WIRE_ROW(GT_FAULT_WIRE_NUL_HEADER, "wire_nul_header",
             "a NUL byte inside a header value; kept alive, a request pipelined behind"),
    WIRE_ROW(GT_FAULT_WIRE_BAD_CHUNK, "wire_bad_chunk",
             "a chunked body whose chunk size is not hexadecimal; kept alive, a request "
             "pipelined behind"),
    /* No RFC bound on a head or a URI: 431/414 are allowed, not required. */
    WIRE_ROW(GT_FAULT_WIRE_HUGE_HEADER, "wire_huge_header",
             "a header value of 64 KiB; kept alive, a request pipelined behind"),
    WIRE_ROW(GT_FAULT_WIRE_LONG_URI, "wire_long_uri",
             "a path 64 KiB long; kept alive, a request pipelined behind"),

    [GT_FAULT_CORS_PREFLIGHT] = {.id = GT_FAULT_CORS_PREFLIGHT,
                                 .name = "cors_preflight",
                                 .family = "CORS and rate limits",
                                 .mutate = gt_mutate_target,
                                 .expect = {"2xx", {{200, 299}}, .cors_origin = true},
                                 .sends = "`OPTIONS` with `Origin` and "
                                          "`Access-Control-Request-Method`, no credential, no body",
                                 .expect_doc = "2xx with `Access-Control-Allow-Origin` "
                                               "(`documented_status` does not apply: the CORS "
                                               "protocol answers it)"},
    [GT_FAULT_RATE_LIMIT] = {.id = GT_FAULT_RATE_LIMIT,
                             .name = "rate_limit",
                             .family = "CORS and rate limits",
                             .needs = GT_NEED_RATE_LIMIT,
                             .mode = GT_MODE_RATE_LIMIT,
                             .all_only_when_needed = true,
                             .expect = {"429", {{429, 429}}, .error_shape = true},
                             .sends = "the valid request repeated, at most twice the limit, "
                                      "after every other case of the suite",
                             .expect_doc = "a 429 before the bound, with the profile's headers "
                                           "and error shape"},
};

const gt_fault_info *gt_fault_info_of(gt_fault_id id) {
  if ((int)id < 0 || id >= GT_FAULT_COUNT) return NULL;
  return &faults[id];
}

bool gt_fault_leaves_operation(gt_fault_id id) {
  const gt_fault_info *fi = gt_fault_info_of(id);
  return fi && (fi->transport_only || (fi->family && !strcmp(fi->family, "paths and methods")));
}

int gt_fault_from_name(const char *name) {
  if (!name) return -1;
  for (int i = 0; i < GT_FAULT_COUNT; i++)
    if (strcmp(faults[i].name, name) == 0) return i;
  return -1;
}

const char *gt_fault_name(gt_fault_id id) {
  const gt_fault_info *f = gt_fault_info_of(id);
  return f ? f->name : "?";
}

static pthread_mutex_t catalogue_lock = PTHREAD_MUTEX_INITIALIZER;
static bool catalogue_built;
static gt_expect defaults[GT_FAULT_COUNT];
static gt_node *cors_headers; /* owned: MAP { Access-Control-Allow-Origin: !any } */

static gt_node *build_cors_headers(void) {
  gt_node *map = gt_node_new(GT_NODE_MAP, "<fault catalogue>", 0, 0);
  gt_node *key =
      gt_node_new_scalar("Access-Control-Allow-Origin", false, "<fault catalogue>", 0, 0);
  gt_node *val = gt_node_new_scalar("", false, "<fault catalogue>", 0, 0);
  val->tag = gt_xstrdup("!any");
  gt_node_append(map, key, val);
  return map;
}

static void build_default(const gt_fault_info *f, gt_expect *e) {
  gt_expect_init(e);
  if (f->expect.status_text) {
    e->has_status = true;
    e->status_text = gt_xstrdup(f->expect.status_text);
    for (const gt_fault_status_range *r = f->expect.status; r->lo; r++)
      for (int c = r->lo; c <= r->hi; c++)
        gt_status_add(&e->status, c);
  }
  if (f->expect.refused) e->refused = 1;
  if (f->expect.error_shape) e->error_shape = 1;
  if (f->expect.cors_origin) {
    if (!cors_headers) cors_headers = build_cors_headers();
    e->headers = cors_headers;
  }
}

const gt_expect *gt_fault_default_expect(gt_fault_id id) {
  if ((int)id < 0 || id >= GT_FAULT_COUNT) return NULL;
  pthread_mutex_lock(&catalogue_lock);
  if (!catalogue_built) {
    for (int i = 0; i < GT_FAULT_COUNT; i++)
      build_default(&faults[i], &defaults[i]);
    catalogue_built = true;
  }
  pthread_mutex_unlock(&catalogue_lock);
  return &defaults[id];
}

void gt_fault_catalogue_free(void) {
  pthread_mutex_lock(&catalogue_lock);
  if (catalogue_built) {
    for (int i = 0; i < GT_FAULT_COUNT; i++) {
      defaults[i].headers = NULL; /* borrowed from cors_headers, freed below */
      gt_expect_free(&defaults[i]);
    }
    gt_node_free(cors_headers);
    cors_headers = NULL;
    catalogue_built = false;
  }
  pthread_mutex_unlock(&catalogue_lock);
}
