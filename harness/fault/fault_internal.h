/* fault_internal.h — shared between the fault module's own files only.
 *
 * A case is built in two stages: the scenario is expanded into a gt_draft (a
 * request still in pieces: base URL, path, query, headers, body as JSON/form/
 * raw, credential), the fault mutates the draft, and the draft is assembled
 * into a gt_http_request (raw bytes too for GT_MODE_RAW). */
#ifndef GT_FAULT_INTERNAL_H
#define GT_FAULT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/base64.h"
#include "../core/prng.h"
#include "fault.h"

/* ---- deterministic randomness: one stream per (seed, case name), from
 * core/prng.h ---- */
/* Same length and per-character class (digit, lower, upper) as src; other
 * characters ('.', '-', ':'...) kept; never equal to src when src has an
 * alphanumeric character. Caller frees. */
char *gt_random_like(uint64_t *state, const char *src);

/* ---- URLs ---- */
typedef struct gt_url_parts {
  size_t scheme_len; /* "https" */
  size_t host_start; /* offset of the authority's host (after userinfo) */
  size_t host_len;   /* including [] for IPv6 */
  size_t port_start; /* offset after ':' or 0 when no port */
  size_t port_len;
  size_t path_start; /* offset of the first '/', '?' or '#' after the authority (or strlen) */
} gt_url_parts;
bool gt_url_split(const char *url, gt_url_parts *p);

/* "${NAME}" or "${NAME:-default}" exactly -> NAME (caller frees), else NULL:
 * the name a secret is redacted as. */
char *gt_single_var_name(const char *text);

/* ---- the draft ---- */
typedef struct gt_draft {
  char *method;       /* owned */
  char *base;         /* owned: expanded base URL, no trailing '/' */
  char *path;         /* owned: expanded path */
  gt_buf query;       /* encoded "a=1&b=2" without '?' */
  gt_header *headers; /* owned: non-credential headers, in order */
  size_t n_headers;
  gt_body_kind body_kind;
  cJSON *json;     /* owned: GT_BODY_JSON */
  gt_header *form; /* owned: GT_BODY_FORM, decoded names/values */
  size_t n_form;
  char *body; /* owned: final body bytes when body_final, or raw text */
  size_t body_len;
  bool body_final;  /* body holds the bytes to send (no re-serialising) */
  char *token;      /* owned: expanded credential, NULL when none */
  char *token_name; /* owned: name used for redaction */
  char *auth_name;  /* owned: credential header as sent; NULL = none */
  char *auth_value; /* owned */
  /* scheme query: the credential's parameters (decoded names and values),
   * appended to the query when the request is assembled; owned */
  gt_header *auth_query;
  size_t n_auth_query;
  uint64_t rng;
} gt_draft;

void gt_draft_free(gt_draft *d);
const char *gt_draft_header(const gt_draft *d, const char *name);
/* Replaces the first header of that name (case-insensitive) or appends. */
void gt_draft_set_header(gt_draft *d, const char *name, const char *value);
void gt_draft_remove_header(gt_draft *d, const char *name);
void gt_draft_set_auth(gt_draft *d, const char *name, const char *value); /* NULL name: none */
/* Appends name=value (both percent-encoded) to the query. */
void gt_draft_add_query(gt_draft *d, const char *name, const char *value);
/* Replaces the body with final bytes (copied). */
void gt_draft_set_body(gt_draft *d, const char *bytes, size_t len);
/* The body bytes as they would be sent now (json/form serialised); caller frees.
 * Returns NULL when there is no body. */
char *gt_draft_body_bytes(const gt_draft *d, size_t *len);
/* The credential header value for token under the profile's scheme; caller frees. */
char *gt_auth_value(const gt_profile *p, const char *token);
const char *gt_auth_header_name(const gt_profile *p);

/* A JWT for `request.auth.mint`: HS256 with the profile's jwt_secret; claims
 * of the profile token (when a JWT), then jwt_claims, then `claims` (each as
 * written: a quoted "${id}" stays a string), then iat/exp (now, now + 1 h)
 * unless given. NULL + err on failure; caller frees. */
char *gt_mint_token(const gt_build_ctx *ctx, const gt_node *claims, gt_err *err);

/* ---- variants of multi-case faults (variants.c): one case each ---- */
typedef struct gt_variant {
  char *label;      /* owned: "$.user.id", "DELETE", "empty bearer" */
  char *param_text; /* owned or NULL: the field path, method or claim name */
  int param;        /* fault-specific selector, -1 when unused */
} gt_variant;

typedef struct gt_variant_vec {
  gt_variant *items;
  size_t count;
  const char *none_reason; /* static text: when count == 0, why (the skip reason) */
  bool single;             /* count == 0: one case without a variant (not a skip) */
} gt_variant_vec;

void gt_variants_free(gt_variant_vec *v);
void gt_variants_malformed_auth(const gt_suite *s, const gt_scenario *sc, gt_variant_vec *v);
void gt_variants_jwt_missing_claim(const gt_suite *s, const gt_scenario *sc, gt_variant_vec *v);
void gt_variants_missing_field(const gt_suite *s, const gt_scenario *sc, gt_variant_vec *v);
void gt_variants_wrong_type(const gt_suite *s, const gt_scenario *sc, gt_variant_vec *v);
void gt_variants_wrong_method(const gt_suite *s, const gt_scenario *sc, gt_variant_vec *v);
void gt_variants_unversioned(const gt_suite *s, const gt_scenario *sc, gt_variant_vec *v);
void gt_variants_invalid_token(const gt_suite *s, const gt_scenario *sc, gt_variant_vec *v);
void gt_variants_cl_te(const gt_suite *s, const gt_scenario *sc, gt_variant_vec *v);
/* not_in_enum ... duplicate_items, missing_param: one case per negative of the scenario's
 * contract for that fault (variants_schema.c) */
void gt_variants_not_in_enum(const gt_suite *s, const gt_scenario *sc, gt_variant_vec *v);
void gt_variants_out_of_range(const gt_suite *s, const gt_scenario *sc, gt_variant_vec *v);
void gt_variants_bad_length(const gt_suite *s, const gt_scenario *sc, gt_variant_vec *v);
void gt_variants_pattern_mismatch(const gt_suite *s, const gt_scenario *sc, gt_variant_vec *v);
void gt_variants_duplicate_items(const gt_suite *s, const gt_scenario *sc, gt_variant_vec *v);
void gt_variants_missing_param(const gt_suite *s, const gt_scenario *sc, gt_variant_vec *v);

/* ---- fault mutations (one file per family); each returns false + err ---- */
bool gt_mutate_auth(const gt_build_ctx *ctx, const gt_case *c, gt_draft *d, gt_err *err);
bool gt_mutate_body(const gt_build_ctx *ctx, const gt_case *c, gt_draft *d, gt_err *err);
bool gt_mutate_target(const gt_build_ctx *ctx, const gt_case *c, gt_draft *d, gt_err *err);
bool gt_mutate_schema(const gt_build_ctx *ctx, const gt_case *c, gt_draft *d, gt_err *err);
/* Raw mode: req is fully assembled; fills req->raw and friends. */
bool gt_build_raw(const gt_build_ctx *ctx, const gt_case *c, gt_http_request *req, gt_err *err);

/* "/v2" -> "2", "/api/v1.1" -> "1.1", "/beta" -> "beta". Caller frees. */
char *gt_version_digits(const char *prefix);

/* wrong_method: two path templates name the same route (${..} segments are
 * wildcards). */
bool gt_path_templates_match(const char *a, const char *b);

/* A JSON path of the restricted form this module generates for wrong_type:
 * "$", ".name", "['na\'me']", "[3]". Returns the node, or NULL. */
cJSON *gt_simple_path_get(cJSON *doc, const char *path);
/* Appends ".key" or "['key']" to out. */
void gt_simple_path_add_key(gt_buf *out, const char *key);

#endif
