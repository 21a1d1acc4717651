/* mutate_auth.c — credential faults: missing, forged, malformed, misplaced,
 * JWT forgeries, and the plain-HTTP variant (with its decoy credential). */
#include "fault_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static const gt_profile *profile_of(const gt_build_ctx *ctx) {
  return &ctx->suite->profile;
}

static bool need_token(const gt_build_ctx *ctx, const gt_case *c, const gt_draft *d, gt_err *err) {
  if (d->token) return true;
  return gt_err_set(err, GT_ERR_INPUT, profile_of(ctx)->file, 0, 0,
                    "%s: no credential to mutate (auth.token)", c->name);
}

static bool need_jwt(const gt_build_ctx *ctx, const gt_case *c, const gt_draft *d, gt_err *err) {
  if (!need_token(ctx, c, d, err)) return false;
  if (gt_jwt_decode(d->token, NULL, NULL)) return true;
  return gt_err_set(err, GT_ERR_INPUT, profile_of(ctx)->file, 0, 0,
                    "%s: auth.token is not a JWT (header.payload.signature)", c->name);
}

/* scheme query: the value of parameter i replaced. */
static void set_query_value(gt_draft *d, size_t i, const char *value) {
  if (i >= d->n_auth_query) return;
  free(d->auth_query[i].value);
  d->auth_query[i].value = gt_xstrdup(value);
}

static void set_token_value(const gt_build_ctx *ctx, gt_draft *d, const char *token) {
  if (profile_of(ctx)->auth.scheme == GT_AUTH_QUERY) { /* the last parameter is the token */
    if (d->n_auth_query) set_query_value(d, d->n_auth_query - 1, token);
    return;
  }
  char *v = gt_auth_value(profile_of(ctx), token);
  gt_draft_set_auth(d, gt_auth_header_name(profile_of(ctx)), v);
  free(v);
}

/* A scheme word the API refuses for its bearer token: Basic, unless the
 * profile's auth.also_accept lists it. */
static const char *wrong_bearer_scheme(const gt_profile *p) {
  static const char *const words[] = {"Basic", "Digest", "Negotiate"};
  for (size_t w = 0; w < 3; w++) {
    bool accepted = false;
    for (size_t i = 0; p->auth.also_accept && p->auth.also_accept[i]; i++)
      accepted |= !strcasecmp(p->auth.also_accept[i], words[w]);
    if (!accepted) return words[w];
  }
  return "Unknown";
}

static void malformed_auth(const gt_build_ctx *ctx, const gt_case *c, gt_draft *d) {
  const gt_profile *p = profile_of(ctx);
  const char *name = gt_auth_header_name(p);
  char *v = NULL;
  switch (c->index) {
  case 1: /* empty credential after the scheme */
    v = gt_xstrdup(p->auth.scheme == GT_AUTH_BASIC    ? "Basic "
                   : p->auth.scheme == GT_AUTH_HEADER ? ""
                                                      : "Bearer ");
    break;
  case 2: /* the right credential under the wrong scheme */
    if (p->auth.scheme == GT_AUTH_BEARER)
      v = gt_xasprintf("%s %s", wrong_bearer_scheme(p), d->token);
    else if (p->auth.scheme == GT_AUTH_BASIC)
      v = gt_xasprintf("Bearer %s", d->auth_value + strlen("Basic "));
    else
      v = gt_xasprintf("Bearer %s", d->token);
    break;
  default: /* a trailing space-separated extra */
    v = gt_xasprintf("%s extra", d->auth_value);
    break;
  }
  gt_draft_set_auth(d, name, v);
  free(v);
}

/* Each signature character moved one step along the base64url alphabet; the
 * last one is kept so the encoding stays canonical (its low bits are padding). */
static void alter_signature(char *sig) {
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  size_t n = strlen(sig);
  for (size_t i = 0; i + 1 < n; i++) {
    const char *at = strchr(alphabet, sig[i]);
    sig[i] = at && *at ? alphabet[(at - alphabet + 1) % 64] : 'A';
  }
}

static char *alg_none(const char *jwt) {
  const char *dot1 = strchr(jwt, '.');
  const char *dot2 = strchr(dot1 + 1, '.');
  static const char header[] = "{\"alg\":\"none\",\"typ\":\"JWT\"}";
  gt_buf b;
  gt_buf_init(&b);
  gt_base64url_encode(&b, (const unsigned char *)header, strlen(header));
  gt_buf_add(&b, dot1, (size_t)(dot2 - dot1) + 1); /* ".payload." */
  return gt_buf_steal(&b);
}

static char *expand_secret(const gt_build_ctx *ctx, gt_err *err) {
  const gt_node *n = profile_of(ctx)->auth.jwt_secret;
  if (!n || n->kind != GT_NODE_SCALAR) {
    gt_err_set(err, GT_ERR_INPUT, profile_of(ctx)->file, 0, 0, "auth.jwt_secret is not set");
    return NULL;
  }
  gt_buf b;
  gt_buf_init(&b);
  if (!gt_expand_text(ctx->scope, n->text, n->text_len, &b, n->file, n->line, n->col, err)) {
    gt_buf_free(&b);
    return NULL;
  }
  char *s = b.data ? gt_buf_steal(&b) : gt_xstrdup("");
  if (ctx->secrets) {
    char *name = gt_single_var_name(n->text);
    gt_secrets_add(ctx->secrets, name ? name : "jwt_secret", s);
    free(name);
  }
  return s;
}

/* Claims of a minted token: those of the profile token when it is a JWT, then
 * auth.jwt_claims on top, then exp/iat. */
/* Claims from a YAML mapping into claims (replacing), each with the type
 * written: a quoted "${user_id}" is a string even for a numeric capture. */
static bool merge_claims(const gt_build_ctx *ctx, const gt_node *extra, cJSON *claims,
                         gt_err *err) {
  if (!extra) return true;
  gt_scope as_written = ctx->scope ? *ctx->scope : (gt_scope){0};
  as_written.quoted_is_text = true;
  cJSON *e = gt_expand_node(&as_written, extra, err);
  if (!e) return false;
  cJSON *item = e->child;
  while (item) {
    cJSON *next = item->next;
    cJSON_DetachItemViaPointer(e, item);
    cJSON_DeleteItemFromObjectCaseSensitive(claims, item->string);
    cJSON_AddItemToObject(claims, item->string, item);
    item = next;
  }
  cJSON_Delete(e);
  return true;
}

static cJSON *mint_claims(const gt_build_ctx *ctx, const gt_draft *d, int64_t exp, int64_t iat,
                          gt_err *err) {
  cJSON *claims = NULL;
  if (!gt_jwt_decode(d->token, NULL, &claims)) claims = cJSON_CreateObject();
  if (!merge_claims(ctx, profile_of(ctx)->auth.jwt_claims, claims, err)) {
    cJSON_Delete(claims);
    return NULL;
  }
  cJSON_DeleteItemFromObjectCaseSensitive(claims, "exp");
  cJSON_DeleteItemFromObjectCaseSensitive(claims, "iat");
  cJSON_AddNumberToObject(claims, "exp", (double)exp);
  cJSON_AddNumberToObject(claims, "iat", (double)iat);
  return claims;
}

static int64_t clock_s(const gt_build_ctx *ctx) {
  if (ctx->gen) ctx->gen->clock_used = true;
  return ctx->gen ? ctx->gen->now_ms / 1000 : ctx->now ? ctx->now : (int64_t)time(NULL);
}

char *gt_mint_token(const gt_build_ctx *ctx, const gt_node *extra, gt_err *err) {
  int64_t now = clock_s(ctx);
  char *secret = expand_secret(ctx, err);
  if (!secret) return NULL;
  cJSON *claims = NULL;
  const gt_node *tok = profile_of(ctx)->auth.token;
  if (tok && tok->kind == GT_NODE_SCALAR) { /* the profile token's claims, when it is a JWT */
    gt_buf b;
    gt_buf_init(&b);
    gt_err ignored = {0};
    if (gt_expand_text(ctx->scope, tok->text, tok->text_len, &b, tok->file, tok->line, tok->col,
                       &ignored) &&
        b.data)
      gt_jwt_decode(b.data, NULL, &claims);
    gt_buf_free(&b);
  }
  if (!claims) claims = cJSON_CreateObject();
  bool ok = merge_claims(ctx, profile_of(ctx)->auth.jwt_claims, claims, err) &&
            merge_claims(ctx, extra, claims, err);
  char *jwt = NULL;
  if (ok) {
    if (!cJSON_GetObjectItemCaseSensitive(claims, "iat"))
      cJSON_AddNumberToObject(claims, "iat", (double)now);
    if (!cJSON_GetObjectItemCaseSensitive(claims, "exp"))
      cJSON_AddNumberToObject(claims, "exp", (double)(now + 3600));
    jwt = gt_jwt_mint(NULL, claims, secret);
    if (!jwt) gt_err_set(err, GT_ERR_RUNTIME, NULL, 0, 0, "HS256 signing failed");
  }
  cJSON_Delete(claims);
  free(secret);
  return jwt;
}

static bool minted(const gt_build_ctx *ctx, const gt_case *c, gt_draft *d, gt_err *err) {
  int64_t now = clock_s(ctx);
  bool expired = c->fault == GT_FAULT_JWT_EXPIRED;
  char *secret = expand_secret(ctx, err);
  if (!secret) return false;
  cJSON *claims = expired ? mint_claims(ctx, d, now - 3600, now - 7200, err)
                          : mint_claims(ctx, d, now + 3600, now, err);
  if (!claims) {
    free(secret);
    return false;
  }
  if (!expired && c->param_text) cJSON_DeleteItemFromObjectCaseSensitive(claims, c->param_text);
  char *jwt = gt_jwt_mint(NULL, claims, secret);
  cJSON_Delete(claims);
  free(secret);
  if (!jwt) return gt_err_set(err, GT_ERR_RUNTIME, NULL, 0, 0, "HS256 signing failed");
  /* A freshly signed token is a working credential in all but one claim. */
  if (ctx->secrets) gt_secrets_add_jwt(ctx->secrets, NULL, jwt);
  set_token_value(ctx, d, jwt);
  free(jwt);
  return true;
}

/* Replaces any registered secret in s by its redacted form; returns a new
 * string when something changed, else NULL. */
static char *scrub(const gt_secrets *secrets, const char *s, size_t len, size_t *out_len) {
  if (!secrets || !s) return NULL;
  gt_buf b;
  gt_buf_init(&b);
  gt_secrets_redact(secrets, s, len, &b);
  if (b.len == len && (len == 0 || memcmp(b.data, s, len) == 0)) {
    gt_buf_free(&b);
    return NULL;
  }
  if (out_len) *out_len = b.len;
  return gt_buf_steal(&b);
}

static void http_only(const gt_build_ctx *ctx, gt_draft *d) {
  const gt_profile *p = profile_of(ctx);
  gt_url_parts u;
  if (gt_url_split(d->base, &u)) {
    int port = p->transport.http_port > 0 ? p->transport.http_port : 80;
    gt_buf b;
    gt_buf_init(&b);
    gt_buf_adds(&b, "http://"); /* userinfo dropped: it would travel in clear too */
    gt_buf_add(&b, d->base + u.host_start, u.host_len);
    if (port != 80) gt_buf_printf(&b, ":%d", port);
    gt_buf_adds(&b, d->base + u.path_start);
    free(d->base);
    d->base = gt_buf_steal(&b);
  }
  if (gt_url_is_loopback(d->base) || p->transport.http_probe_real) return;
  /* Never the real credential over plain HTTP to another host: a decoy of the
   * same shape, and any other secret in headers, query or body redacted. */
  if (d->token && !d->n_auth_query) {
    char *decoy = gt_random_like(&d->rng, d->token);
    set_token_value(ctx, d, decoy);
    free(decoy);
  }
  for (size_t i = 0; i < d->n_auth_query; i++) { /* scheme query: every parameter */
    char *decoy = gt_random_like(&d->rng, d->auth_query[i].value);
    set_query_value(d, i, decoy);
    free(decoy);
  }
  for (size_t i = 0; i < d->n_headers; i++) {
    char *v = scrub(ctx->secrets, d->headers[i].value, strlen(d->headers[i].value), NULL);
    if (v) {
      free(d->headers[i].value);
      d->headers[i].value = v;
    }
  }
  if (d->query.len) {
    char *q = scrub(ctx->secrets, d->query.data, d->query.len, NULL);
    if (q) {
      gt_buf_reset(&d->query);
      gt_buf_adds(&d->query, q);
      free(q);
    }
  }
  size_t blen = 0;
  char *body = gt_draft_body_bytes(d, &blen);
  size_t slen = 0;
  char *scrubbed = scrub(ctx->secrets, body, blen, &slen);
  if (scrubbed) gt_draft_set_body(d, scrubbed, slen);
  free(scrubbed);
  free(body);
}

/* Credential faults when the credential is query parameters (scheme query):
 * none of them; forged values (#1 the last, #2 the first, when there are
 * two or more); malformed: #1 empty values, #2 the token as a bearer header
 * instead, #3 the token with a trailing extra. False: not a credential
 * fault of this scheme (the caller goes on). */
static bool query_credential_fault(const gt_case *c, gt_draft *d) {
  switch (c->fault) {
  case GT_FAULT_UNAUTHENTICATED:
    gt_headers_free(&d->auth_query, &d->n_auth_query);
    return true;
  case GT_FAULT_INVALID_TOKEN: {
    size_t i = c->index == 2 ? 0 : d->n_auth_query - 1;
    char *forged = gt_random_like(&d->rng, d->auth_query[i].value);
    set_query_value(d, i, forged);
    free(forged);
    return true;
  }
  case GT_FAULT_MALFORMED_AUTH:
    if (c->index == 1) {
      for (size_t i = 0; i < d->n_auth_query; i++)
        set_query_value(d, i, "");
    } else if (c->index == 2) {
      char *v = gt_xasprintf("Bearer %s", d->token);
      gt_headers_free(&d->auth_query, &d->n_auth_query);
      gt_draft_set_auth(d, "Authorization", v);
      free(v);
    } else {
      char *v = gt_xasprintf("%s extra", d->token);
      set_query_value(d, d->n_auth_query - 1, v);
      free(v);
    }
    return true;
  default:
    return false;
  }
}

bool gt_mutate_auth(const gt_build_ctx *ctx, const gt_case *c, gt_draft *d, gt_err *err) {
  if (profile_of(ctx)->auth.scheme == GT_AUTH_QUERY && d->n_auth_query &&
      query_credential_fault(c, d))
    return true;
  switch (c->fault) {
  case GT_FAULT_UNAUTHENTICATED:
    gt_draft_set_auth(d, NULL, NULL);
    return true;
  case GT_FAULT_INVALID_TOKEN: {
    if (!need_token(ctx, c, d, err)) return false;
    char *colon = strchr(d->token, ':');
    if (profile_of(ctx)->auth.scheme == GT_AUTH_BASIC && c->index && colon) {
      /* #1 the real user, a wrong password; #2 an unknown user, the real password */
      char *user = gt_xstrndup(d->token, (size_t)(colon - d->token));
      char *forged =
          c->index == 1 ? gt_random_like(&d->rng, colon + 1) : gt_random_like(&d->rng, user);
      char *cred = c->index == 1 ? gt_xasprintf("%s:%s", user, forged)
                                 : gt_xasprintf("%s:%s", forged, colon + 1);
      set_token_value(ctx, d, cred);
      /* #2 still carries the real password: its base64 form is as secret. */
      if (ctx->secrets && d->auth_value && !strncmp(d->auth_value, "Basic ", 6))
        gt_secrets_add(ctx->secrets, d->token_name, d->auth_value + 6);
      free(cred);
      free(forged);
      free(user);
      return true;
    }
    char *forged = gt_random_like(&d->rng, d->token);
    set_token_value(ctx, d, forged);
    free(forged);
    return true;
  }
  case GT_FAULT_MALFORMED_AUTH:
    if (!need_token(ctx, c, d, err)) return false;
    malformed_auth(ctx, c, d);
    return true;
  case GT_FAULT_TOKEN_IN_QUERY:
    if (!need_token(ctx, c, d, err)) return false;
    gt_draft_set_auth(d, NULL, NULL);
    gt_draft_add_query(d, "access_token", d->token);
    return true;
  case GT_FAULT_JWT_ALG_NONE: {
    if (!need_jwt(ctx, c, d, err)) return false;
    char *jwt = alg_none(d->token);
    set_token_value(ctx, d, jwt);
    free(jwt);
    return true;
  }
  case GT_FAULT_JWT_BAD_SIGNATURE: {
    if (!need_jwt(ctx, c, d, err)) return false;
    char *jwt = gt_xstrdup(d->token);
    alter_signature(strrchr(jwt, '.') + 1);
    set_token_value(ctx, d, jwt);
    free(jwt);
    return true;
  }
  case GT_FAULT_JWT_EXPIRED:
  case GT_FAULT_JWT_MISSING_CLAIM:
    if (!need_token(ctx, c, d, err)) return false;
    return minted(ctx, c, d, err);
  case GT_FAULT_HTTP_ONLY:
    http_only(ctx, d);
    return true;
  default:
    return true;
  }
}
