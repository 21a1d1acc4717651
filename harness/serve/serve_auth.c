/* serve_auth.c — judging the credential of a request as the profile's
 * conformant server would (docs/faults.md, auth faults). Returns which fault the
 * request shows so the answer uses that fault's expectation. */
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../core/base64.h"
#include "../fault/fault.h"
#include "serve_internal.h"

/* The padded standard base64 of s (HTTP Basic); the caller frees. */
static char *base64(const char *s) {
  gt_buf b;
  gt_buf_init(&b);
  gt_base64_encode(&b, s, strlen(s));
  if (!b.data) gt_buf_adds(&b, "");
  return gt_buf_steal(&b);
}

/* "Scheme token" with exactly one space and a non-empty token without spaces. */
static bool split_scheme(const char *h, const char *scheme, const char **token) {
  size_t n = strlen(scheme);
  if (strncasecmp(h, scheme, n) || h[n] != ' ') return false;
  *token = h + n + 1;
  return **token && !strpbrk(*token, " \t");
}

/* Bearer, or one of the profile's auth.also_accept words (Botanalytics also
 * takes `Token <JWT>`): the same strict "Scheme token" form for each. */
static bool split_bearer(const gt_profile *p, const char *h, const char **token) {
  if (split_scheme(h, "Bearer", token)) return true;
  for (size_t i = 0; p->auth.also_accept && p->auth.also_accept[i]; i++)
    if (split_scheme(h, p->auth.also_accept[i], token)) return true;
  return false;
}

static size_t prefix_len(const char *jwt) {
  const char *d1 = strchr(jwt, '.');
  const char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
  return d2 ? (size_t)(d2 - jwt) : 0;
}

static gt_fault_id judge_jwt(const serve_suite *ss, const char *tok) {
  cJSON *hdr = NULL, *claims = NULL;
  if (!gt_jwt_decode(tok, &hdr, &claims)) return GT_FAULT_INVALID_TOKEN;
  gt_fault_id f = GT_FAULT_VALID;
  const cJSON *alg = cJSON_GetObjectItemCaseSensitive(hdr, "alg");
  if (!cJSON_IsString(alg) || strcasecmp(alg->valuestring, "HS256") != 0) {
    /* alg none (or anything we cannot verify) never authenticates */
    f = cJSON_IsString(alg) && !strcasecmp(alg->valuestring, "none") ? GT_FAULT_JWT_ALG_NONE
                                                                     : GT_FAULT_INVALID_TOKEN;
    if (ss->credential && !strcmp(tok, ss->credential) && f == GT_FAULT_INVALID_TOKEN)
      f = GT_FAULT_VALID; /* the configured token itself (not HS256): trusted as given */
  } else if (ss->jwt_secret) {
    if (!gt_jwt_verify(tok, ss->jwt_secret)) f = GT_FAULT_JWT_BAD_SIGNATURE;
  } else if (!ss->credential || strcmp(tok, ss->credential) != 0) {
    size_t a = prefix_len(tok), b = ss->credential ? prefix_len(ss->credential) : 0;
    f = a && a == b && !strncmp(tok, ss->credential, a) ? GT_FAULT_JWT_BAD_SIGNATURE
                                                        : GT_FAULT_INVALID_TOKEN;
  }
  if (f == GT_FAULT_VALID) {
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(claims, "exp");
    /* exp is optional (long-lived API keys carry none); when present it is
     * a number in the future. */
    if (cJSON_IsNumber(exp) && exp->valuedouble <= (double)time(NULL))
      f = GT_FAULT_JWT_EXPIRED;
    else if (exp && !cJSON_IsNumber(exp))
      f = GT_FAULT_JWT_EXPIRED;
  }
  if (f == GT_FAULT_VALID && ss->jwt_claims) {
    for (const cJSON *c = ss->jwt_claims->child; c && f == GT_FAULT_VALID; c = c->next) {
      const cJSON *t = cJSON_GetObjectItemCaseSensitive(claims, c->string);
      if (!t)
        f = GT_FAULT_JWT_MISSING_CLAIM;
      else if (cJSON_IsString(c) && (!cJSON_IsString(t) || !*t->valuestring))
        f = GT_FAULT_INVALID_TOKEN; /* a text claim (channel) that is not a text */
    }
  }
  cJSON_Delete(hdr);
  cJSON_Delete(claims);
  return f;
}

gt_fault_id serve_auth_check(const serve_suite *ss, const gt_serve_request *req, const cJSON *query,
                             char **presented) {
  const gt_profile *p = &ss->suite->profile;
  *presented = NULL;
  if (p->auth.scheme == GT_AUTH_NONE) return GT_FAULT_VALID;
  /* A credential in the query is refused even when it is valid: it leaks
   * into logs and Referer headers. */
  if (cJSON_GetObjectItemCaseSensitive(query, "access_token")) return GT_FAULT_TOKEN_IN_QUERY;
  const char *hname =
      p->auth.scheme == GT_AUTH_HEADER && p->auth.header ? p->auth.header : "Authorization";
  const char *h = serve_req_header(req, hname);
  if (!h) return GT_FAULT_UNAUTHENTICATED;
  *presented = gt_xstrdup(h);
  const char *tok = NULL;
  switch (p->auth.scheme) {
  case GT_AUTH_HEADER:
    if (!*h || strpbrk(h, " \t")) return GT_FAULT_MALFORMED_AUTH;
    if (ss->credential && !strcmp(h, ss->credential)) return GT_FAULT_VALID;
    return GT_FAULT_INVALID_TOKEN;
  case GT_AUTH_BASIC: {
    if (!split_scheme(h, "Basic", &tok)) return GT_FAULT_MALFORMED_AUTH;
    char *want = ss->credential ? base64(ss->credential) : NULL;
    bool ok = want && !strcmp(tok, want);
    free(want);
    return ok ? GT_FAULT_VALID : GT_FAULT_INVALID_TOKEN;
  }
  default: /* bearer */
    if (!split_bearer(p, h, &tok)) return GT_FAULT_MALFORMED_AUTH;
    if (p->auth.jwt) return judge_jwt(ss, tok);
    return ss->credential && !strcmp(tok, ss->credential) ? GT_FAULT_VALID : GT_FAULT_INVALID_TOKEN;
  }
}
