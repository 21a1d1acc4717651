/* catalogue.c — fault names and their default expectations (SPEC §4).
 *
 * The defaults are built once, lazily, under a mutex: they hold a small gt_node
 * tree (cors_preflight's header template) and status texts, owned here and
 * released only by gt_fault_catalogue_free. */
#include "fault.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"

static const char *const fault_names[GT_FAULT_COUNT] = {
    [GT_FAULT_VALID] = "valid",
    [GT_FAULT_UNAUTHENTICATED] = "unauthenticated",
    [GT_FAULT_INVALID_TOKEN] = "invalid_token",
    [GT_FAULT_MALFORMED_AUTH] = "malformed_auth",
    [GT_FAULT_TOKEN_IN_QUERY] = "token_in_query",
    [GT_FAULT_JWT_ALG_NONE] = "jwt_alg_none",
    [GT_FAULT_JWT_BAD_SIGNATURE] = "jwt_bad_signature",
    [GT_FAULT_JWT_EXPIRED] = "jwt_expired",
    [GT_FAULT_JWT_MISSING_CLAIM] = "jwt_missing_claim",
    [GT_FAULT_HTTP_ONLY] = "http_only",
    [GT_FAULT_MALFORMED_JSON] = "malformed_json",
    [GT_FAULT_WRONG_CONTENT_TYPE] = "wrong_content_type",
    [GT_FAULT_INVALID_UTF8] = "invalid_utf8",
    [GT_FAULT_EMPTY_BODY] = "empty_body",
    [GT_FAULT_MISSING_FIELD] = "missing_field",
    [GT_FAULT_WRONG_TYPE] = "wrong_type",
    [GT_FAULT_UNKNOWN_PATH] = "unknown_path",
    [GT_FAULT_WRONG_METHOD] = "wrong_method",
    [GT_FAULT_BAD_PERCENT_ENCODING] = "bad_percent_encoding",
    [GT_FAULT_UNVERSIONED] = "unversioned",
    [GT_FAULT_OVERSIZED_BODY] = "oversized_body",
    [GT_FAULT_TRUNCATED_BODY] = "truncated_body",
    [GT_FAULT_SLOW_BODY] = "slow_body",
    [GT_FAULT_WIRE_DUP_CONTENT_LENGTH] = "wire_dup_content_length",
    [GT_FAULT_WIRE_CL_TE] = "wire_cl_te",
    [GT_FAULT_WIRE_BARE_LF] = "wire_bare_lf",
    [GT_FAULT_WIRE_OBS_FOLD] = "wire_obs_fold",
    [GT_FAULT_WIRE_NUL_HEADER] = "wire_nul_header",
    [GT_FAULT_WIRE_BAD_CHUNK] = "wire_bad_chunk",
    [GT_FAULT_WIRE_HUGE_HEADER] = "wire_huge_header",
    [GT_FAULT_WIRE_LONG_URI] = "wire_long_uri",
    [GT_FAULT_CORS_PREFLIGHT] = "cors_preflight",
    [GT_FAULT_RATE_LIMIT] = "rate_limit",
};

int gt_fault_from_name(const char *name) {
  if (!name) return -1;
  for (int i = 0; i < GT_FAULT_COUNT; i++)
    if (strcmp(fault_names[i], name) == 0) return i;
  return -1;
}

const char *gt_fault_name(gt_fault_id id) {
  if ((int)id < 0 || id >= GT_FAULT_COUNT) return "?";
  return fault_names[id];
}

static pthread_mutex_t catalogue_lock = PTHREAD_MUTEX_INITIALIZER;
static bool catalogue_built;
static gt_expect defaults[GT_FAULT_COUNT];
static gt_node *cors_headers; /* owned: MAP { Access-Control-Allow-Origin: !any } */

static void set_codes(gt_expect *e, const char *text, const int *codes, size_t n) {
  e->has_status = true;
  for (size_t i = 0; i < n; i++)
    gt_status_add(&e->status, codes[i]);
  e->status_text = gt_xstrdup(text);
}

static void set_range(gt_expect *e, const char *text, int lo, int hi) {
  e->has_status = true;
  for (int c = lo; c <= hi; c++)
    gt_status_add(&e->status, c);
  e->status_text = gt_xstrdup(text);
}

#define CODES(e, text, ...)                                                                        \
  do {                                                                                             \
    static const int codes_[] = {__VA_ARGS__};                                                     \
    set_codes((e), (text), codes_, sizeof codes_ / sizeof codes_[0]);                              \
  } while (0)

static gt_node *build_cors_headers(void) {
  gt_node *map = gt_node_new(GT_NODE_MAP, "<fault catalogue>", 0, 0);
  gt_node *key =
      gt_node_new_scalar("Access-Control-Allow-Origin", false, "<fault catalogue>", 0, 0);
  gt_node *val = gt_node_new_scalar("", false, "<fault catalogue>", 0, 0);
  val->tag = gt_xstrdup("!any");
  gt_node_append(map, key, val);
  return map;
}

static void build_defaults(void) {
  for (int i = 0; i < GT_FAULT_COUNT; i++)
    gt_expect_init(&defaults[i]);
  gt_expect *d = defaults;

  /* Authentication: 401 with the profile's error shape. */
  CODES(&d[GT_FAULT_UNAUTHENTICATED], "401", 401);
  CODES(&d[GT_FAULT_INVALID_TOKEN], "401", 401);
  CODES(&d[GT_FAULT_MALFORMED_AUTH], "401 or 400", 401, 400);
  CODES(&d[GT_FAULT_TOKEN_IN_QUERY], "401", 401);
  d[GT_FAULT_UNAUTHENTICATED].error_shape = 1;
  d[GT_FAULT_INVALID_TOKEN].error_shape = 1;
  d[GT_FAULT_MALFORMED_AUTH].error_shape = 1;
  d[GT_FAULT_TOKEN_IN_QUERY].error_shape = 1;
  /* JWT faults: 401 (SPEC does not require the error shape there). */
  CODES(&d[GT_FAULT_JWT_ALG_NONE], "401", 401);
  CODES(&d[GT_FAULT_JWT_BAD_SIGNATURE], "401", 401);
  CODES(&d[GT_FAULT_JWT_EXPIRED], "401", 401);
  CODES(&d[GT_FAULT_JWT_MISSING_CLAIM], "401", 401);

  /* Plain HTTP: refused, or any 3xx/4xx; never 2xx (nor 5xx). */
  set_range(&d[GT_FAULT_HTTP_ONLY], "3xx/4xx, or a refused or closed connection", 300, 499);
  d[GT_FAULT_HTTP_ONLY].refused = 1;

  /* Bodies. */
  CODES(&d[GT_FAULT_MALFORMED_JSON], "400", 400);
  CODES(&d[GT_FAULT_WRONG_CONTENT_TYPE], "400 or 415", 400, 415);
  CODES(&d[GT_FAULT_INVALID_UTF8], "400", 400);
  CODES(&d[GT_FAULT_EMPTY_BODY], "400", 400);
  CODES(&d[GT_FAULT_MISSING_FIELD], "400", 400);
  CODES(&d[GT_FAULT_WRONG_TYPE], "400 or 422", 400, 422);
  static const gt_fault_id shaped[] = {GT_FAULT_MALFORMED_JSON, GT_FAULT_WRONG_CONTENT_TYPE,
                                       GT_FAULT_INVALID_UTF8,   GT_FAULT_EMPTY_BODY,
                                       GT_FAULT_MISSING_FIELD,  GT_FAULT_WRONG_TYPE,
                                       GT_FAULT_UNKNOWN_PATH,   GT_FAULT_WRONG_METHOD};
  /* Paths and methods. */
  CODES(&d[GT_FAULT_UNKNOWN_PATH], "404", 404);
  CODES(&d[GT_FAULT_WRONG_METHOD], "404 or 405", 404, 405);
  for (size_t i = 0; i < sizeof shaped / sizeof shaped[0]; i++)
    d[shaped[i]].error_shape = 1;
  CODES(&d[GT_FAULT_BAD_PERCENT_ENCODING], "400 or 404", 400, 404);
  CODES(&d[GT_FAULT_UNVERSIONED], "404", 404);

  /* Sizes and timing. */
  CODES(&d[GT_FAULT_OVERSIZED_BODY], "413 or 400", 413, 400);
  {
    /* truncated_body: no 2xx; a close/reset is fine (the server may give up). */
    gt_expect *e = &d[GT_FAULT_TRUNCATED_BODY];
    set_range(e, "not 2xx, or a closed connection", 100, 199);
    for (int c = 300; c <= 599; c++)
      gt_status_add(&e->status, c);
    e->refused = 1;
  }
  /* slow_body: any non-5xx (408 included). */
  set_range(&d[GT_FAULT_SLOW_BODY], "not 5xx (408 allowed)", 100, 499);

  /* Framing: a rejection (the refusal set) or a closed connection; never 2xx.
   * wire_obs_fold also accepts the valid answer (the runner: RFC 9112 §5.2). */
  for (int f = GT_FAULT_WIRE_DUP_CONTENT_LENGTH; f <= GT_FAULT_WIRE_LONG_URI; f++) {
    CODES(&d[f], "400, 408, 413, 414, 431 or 501, or a closed connection", 400, 408, 413, 414, 431,
          501);
    d[f].refused = 1;
  }

  set_range(&d[GT_FAULT_CORS_PREFLIGHT], "2xx", 200, 299);
  cors_headers = build_cors_headers();
  d[GT_FAULT_CORS_PREFLIGHT].headers = cors_headers;

  CODES(&d[GT_FAULT_RATE_LIMIT], "429", 429);
  d[GT_FAULT_RATE_LIMIT].error_shape = 1;
}

const gt_expect *gt_fault_default_expect(gt_fault_id id) {
  if ((int)id < 0 || id >= GT_FAULT_COUNT) return NULL;
  pthread_mutex_lock(&catalogue_lock);
  if (!catalogue_built) {
    build_defaults();
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
