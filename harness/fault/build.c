/* build.c — a case to the exact request to send: the scenario expanded into a
 * draft, mutated by the case's fault, then assembled (and, for raw-mode
 * faults, serialised to wire bytes by raw.c). */
#include "fault_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_TIMEOUT_MS 10000L

static bool expand_scalar(const gt_scope *scope, const gt_node *n, gt_buf *out, gt_err *err) {
  if (!n) return true;
  if (n->kind != GT_NODE_SCALAR)
    return gt_err_set(err, GT_ERR_INPUT, n->file, n->line, n->col, "expected a scalar");
  return gt_expand_text(scope, n->text, n->text_len, out, n->file, n->line, n->col, err);
}

/* Text of a value for a query string or form field: strings as they are,
 * anything else as compact JSON. Caller frees. */
static char *json_as_text(const cJSON *v) {
  if (cJSON_IsString(v)) return gt_xstrdup(v->valuestring);
  if (cJSON_IsNull(v)) return gt_xstrdup("");
  char *t = cJSON_PrintUnformatted(v);
  if (!t) gt_oom();
  return t;
}

char *gt_single_var_name(const char *text) {
  size_t n = strlen(text);
  if (n < 4 || strncmp(text, "${", 2) != 0 || text[n - 1] != '}') return NULL;
  size_t end = 2;
  while (end < n - 1 && (isalnum((unsigned char)text[end]) || strchr("_.-", text[end])))
    end++;
  if (end == 2) return NULL;
  if (end == n - 1 || strncmp(text + end, ":-", 2) == 0) {
    if (strchr(text + 2, '$')) return NULL; /* a second ${..} inside the default */
    return gt_xstrndup(text + 2, end - 2);
  }
  return NULL;
}

static bool add_query(const gt_scope *scope, const gt_node *q, gt_draft *d, gt_err *err) {
  for (size_t i = 0; q && q->kind == GT_NODE_MAP && i < q->count; i++) {
    gt_buf name;
    gt_buf_init(&name);
    if (!expand_scalar(scope, q->keys[i], &name, err)) {
      gt_buf_free(&name);
      return false;
    }
    cJSON *v = gt_expand_node(scope, q->items[i], err);
    if (!v) {
      gt_buf_free(&name);
      return false;
    }
    /* A list repeats the parameter: ids: [1, 2] -> ids=1&ids=2. */
    if (cJSON_IsArray(v)) {
      const cJSON *item;
      cJSON_ArrayForEach(item, v) {
        char *t = json_as_text(item);
        gt_draft_add_query(d, name.data ? name.data : "", t);
        free(t);
      }
    } else {
      char *t = json_as_text(v);
      gt_draft_add_query(d, name.data ? name.data : "", t);
      free(t);
    }
    cJSON_Delete(v);
    gt_buf_free(&name);
  }
  return true;
}

static bool add_headers(const gt_scope *scope, const gt_node *h, gt_draft *d, gt_err *err) {
  for (size_t i = 0; h && h->kind == GT_NODE_MAP && i < h->count; i++) {
    gt_buf v;
    gt_buf_init(&v);
    bool ok;
    if (h->items[i]->kind == GT_NODE_SCALAR) {
      ok = expand_scalar(scope, h->items[i], &v, err);
    } else {
      cJSON *j = gt_expand_node(scope, h->items[i], err);
      ok = j != NULL;
      if (ok) {
        char *t = json_as_text(j);
        gt_buf_adds(&v, t);
        free(t);
      }
      cJSON_Delete(j);
    }
    if (ok) gt_draft_set_header(d, h->keys[i]->text, v.data ? v.data : "");
    gt_buf_free(&v);
    if (!ok) return false;
  }
  return true;
}

static bool add_body(const gt_scope *scope, const gt_request *rq, gt_draft *d, gt_err *err) {
  d->body_kind = rq->body_kind;
  switch (rq->body_kind) {
  case GT_BODY_NONE:
    return true;
  case GT_BODY_JSON:
    d->json = gt_expand_node(scope, rq->body, err);
    if (!d->json) return false;
    if (!gt_draft_header(d, "Content-Type"))
      gt_draft_set_header(d, "Content-Type", "application/json");
    return true;
  case GT_BODY_FORM: {
    const gt_node *f = rq->body;
    for (size_t i = 0; f && f->kind == GT_NODE_MAP && i < f->count; i++) {
      gt_buf name;
      gt_buf_init(&name);
      cJSON *v = NULL;
      if (!expand_scalar(scope, f->keys[i], &name, err) ||
          !(v = gt_expand_node(scope, f->items[i], err))) {
        gt_buf_free(&name);
        return false;
      }
      d->form = gt_xrealloc(d->form, (d->n_form + 1) * sizeof *d->form);
      d->form[d->n_form].name = gt_buf_steal(&name);
      if (!d->form[d->n_form].name) d->form[d->n_form].name = gt_xstrdup("");
      d->form[d->n_form].value = json_as_text(v);
      d->n_form++;
      cJSON_Delete(v);
    }
    if (!gt_draft_header(d, "Content-Type"))
      gt_draft_set_header(d, "Content-Type", "application/x-www-form-urlencoded");
    return true;
  }
  case GT_BODY_RAW: {
    gt_buf b;
    gt_buf_init(&b);
    if (!expand_scalar(scope, rq->body, &b, err)) {
      gt_buf_free(&b);
      return false;
    }
    d->body_len = b.len;
    d->body = b.data ? gt_buf_steal(&b) : gt_xstrdup("");
    return true;
  }
  }
  return true;
}

static void register_secret(gt_secrets *s, const char *name, const char *value) {
  if (!s || !value) return;
  cJSON *h = NULL;
  if (gt_jwt_decode(value, &h, NULL))
    gt_secrets_add_jwt(s, name, value);
  else
    gt_secrets_add(s, name, value);
  cJSON_Delete(h);
}

/* scheme query: every parameter expanded (each a secret, redacted by its
 * variable's name, its percent-encoded form too); the last one is "the
 * token" the credential faults mutate. */
static bool add_query_credential(const gt_build_ctx *ctx, gt_draft *d, gt_err *err) {
  const gt_node *params = ctx->suite->profile.auth.params;
  for (size_t i = 0; i < params->count; i++) {
    gt_buf v;
    gt_buf_init(&v);
    if (!expand_scalar(ctx->scope, params->items[i], &v, err)) {
      gt_buf_free(&v);
      return false;
    }
    const char *value = v.data ? v.data : "";
    gt_headers_add(&d->auth_query, &d->n_auth_query, params->keys[i]->text, value);
    char *name = gt_single_var_name(params->items[i]->text);
    if (ctx->secrets && *value) {
      gt_secrets_add(ctx->secrets, name ? name : params->keys[i]->text, value);
      gt_buf enc;
      gt_buf_init(&enc);
      gt_url_encode(&enc, value, strlen(value));
      if (enc.len != v.len)
        gt_secrets_add(ctx->secrets, name ? name : params->keys[i]->text, enc.data);
      gt_buf_free(&enc);
    }
    if (i + 1 == params->count) {
      free(d->token);
      d->token = gt_xstrdup(value);
      d->token_name = name ? name : gt_xstrdup(params->keys[i]->text);
      name = NULL;
    }
    free(name);
    gt_buf_free(&v);
  }
  return true;
}

static bool add_credential(const gt_build_ctx *ctx, const gt_scenario *sc, gt_draft *d,
                           gt_err *err) {
  const gt_profile *p = &ctx->suite->profile;
  const gt_node *mint = sc->request.auth_with.mint;
  if (p->auth.scheme == GT_AUTH_QUERY)
    return !sc->request.auth || !p->auth.params || add_query_credential(ctx, d, err);
  if (p->auth.scheme == GT_AUTH_NONE || !sc->request.auth || (!p->auth.token && !mint)) return true;
  if (mint) { /* minted now: a working credential nobody may see (no name: ***) */
    d->token = gt_mint_token(ctx, mint, err);
    if (!d->token) return false;
    d->token_name = gt_xstrdup("minted");
    if (ctx->secrets) gt_secrets_add_jwt(ctx->secrets, NULL, d->token);
  } else {
    gt_buf t;
    gt_buf_init(&t);
    if (!expand_scalar(ctx->scope, p->auth.token, &t, err)) {
      gt_buf_free(&t);
      return false;
    }
    d->token = t.data ? gt_buf_steal(&t) : gt_xstrdup("");
    d->token_name = gt_single_var_name(p->auth.token->text);
    if (!d->token_name) d->token_name = gt_xstrdup("token");
    register_secret(ctx->secrets, d->token_name, d->token);
  }
  d->auth_name = gt_xstrdup(gt_auth_header_name(p));
  d->auth_value = gt_auth_value(p, d->token);
  /* Basic: the base64 form is as secret as the password it encodes, and the
   * password alone is secret too (invalid_token #2 sends it with another
   * user). Written "${USER}:${PASS}", it is redacted as ${PASS}. */
  if (p->auth.scheme == GT_AUTH_BASIC && ctx->secrets) {
    gt_secrets_add(ctx->secrets, d->token_name, d->auth_value + strlen("Basic "));
    const char *colon = strchr(d->token, ':');
    const char *sep = mint ? NULL : strstr(p->auth.token->text, "}:${");
    char *pass_name = sep ? gt_single_var_name(sep + 2) : NULL;
    if (colon && colon[1])
      gt_secrets_add(ctx->secrets, pass_name ? pass_name : d->token_name, colon + 1);
    free(pass_name);
  }
  return true;
}

static bool expand_base(const gt_build_ctx *ctx, gt_draft *d, gt_err *err) {
  gt_buf b;
  gt_buf_init(&b);
  if (ctx->base_url) {
    gt_buf_adds(&b, ctx->base_url);
  } else if (ctx->suite->base_url) {
    if (!expand_scalar(ctx->scope, ctx->suite->base_url, &b, err)) {
      gt_buf_free(&b);
      return false;
    }
  } else {
    return gt_err_set(err, GT_ERR_INPUT, ctx->suite->file, 0, 0,
                      "no base_url: set one in the suite or pass --base-url");
  }
  while (b.len > 0 && b.data[b.len - 1] == '/')
    b.data[--b.len] = '\0';
  d->base = b.data ? gt_buf_steal(&b) : gt_xstrdup("");
  return true;
}

static bool draft_init(const gt_build_ctx *ctx, const gt_scenario *sc, const char *case_name,
                       gt_draft *d, gt_err *err) {
  memset(d, 0, sizeof *d);
  gt_buf_init(&d->query);
  d->rng = ctx->seed ^ gt_fnv1a(case_name);
  const gt_request *rq = &sc->request;
  d->method = gt_xstrdup(rq->method && rq->method->text ? rq->method->text : "GET");
  if (!expand_base(ctx, d, err)) return false;
  gt_buf path;
  gt_buf_init(&path);
  if (!expand_scalar(ctx->scope, rq->path, &path, err)) {
    gt_buf_free(&path);
    return false;
  }
  d->path = path.data ? gt_buf_steal(&path) : gt_xstrdup("");
  return add_query(ctx->scope, rq->query, d, err) &&
         add_headers(ctx->scope, ctx->suite->default_headers, d, err) &&
         add_headers(ctx->scope, rq->headers, d, err) && add_body(ctx->scope, rq, d, err) &&
         add_credential(ctx, sc, d, err);
}

static void assemble(const gt_build_ctx *ctx, const gt_scenario *sc, const gt_draft *d,
                     gt_http_request *out) {
  out->method = gt_xstrdup(d->method);
  gt_buf q; /* the scenario's query, then the credential's parameters */
  gt_buf_init(&q);
  gt_buf_add(&q, d->query.data ? d->query.data : "", d->query.len);
  for (size_t i = 0; i < d->n_auth_query; i++) {
    if (q.len) gt_buf_addc(&q, '&');
    gt_url_encode(&q, d->auth_query[i].name, strlen(d->auth_query[i].name));
    gt_buf_addc(&q, '=');
    gt_url_encode(&q, d->auth_query[i].value, strlen(d->auth_query[i].value));
  }
  out->url = q.len ? gt_xasprintf("%s%s?%s", d->base, d->path, q.data)
                   : gt_xasprintf("%s%s", d->base, d->path);
  gt_buf_free(&q);
  for (size_t i = 0; i < d->n_headers; i++)
    gt_http_request_add_header(out, d->headers[i].name, d->headers[i].value);
  if (d->auth_name) gt_http_request_add_header(out, d->auth_name, d->auth_value);
  out->body = gt_draft_body_bytes(d, &out->body_len);
  long t = sc->timeout_ms > 0 ? sc->timeout_ms : ctx->timeout_ms;
  if (t <= 0)
    t = ctx->suite->default_timeout_ms > 0 ? ctx->suite->default_timeout_ms : DEFAULT_TIMEOUT_MS;
  out->timeout_ms = t;
  out->follow_redirects = false; /* a 3xx is itself the answer (http_only) */
}

/* The case's clock: pinned (--now-ms, tests) or read once per case. */
static int64_t case_clock(const gt_build_ctx *ctx) {
  if (ctx->now_ms) return ctx->now_ms;
  if (ctx->now) return ctx->now * 1000;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ctx with ${gen.*} available through its scope, backed by g (the caller's),
 * and the scenario's own credential (request.auth mapping) in place of the
 * profile's, in *su (a shallow copy borrowing everything). */
static void with_gen(const gt_build_ctx *ctx, const gt_scenario *sc, const char *case_name,
                     gt_gen_state *g, gt_scope *scope, gt_suite *su, gt_build_ctx *cx) {
  gt_gen_init(g, ctx->seed, case_name, case_clock(ctx));
  if (ctx->scope)
    *scope = *ctx->scope;
  else
    memset(scope, 0, sizeof *scope);
  scope->gen = gt_gen_value;
  scope->gen_ud = g;
  *cx = *ctx;
  cx->scope = scope;
  cx->gen = g;
  const gt_auth_with *a = &sc->request.auth_with;
  if (!a->given) return;
  *su = *ctx->suite;
  su->profile.auth.scheme = (gt_auth_scheme)a->scheme;
  if (a->token) su->profile.auth.token = a->token;
  if (a->header) su->profile.auth.header = a->header;
  if (a->mint) su->profile.auth.jwt = true;
  cx->suite = su;
}

bool gt_case_build(const gt_build_ctx *octx, const gt_case *c, gt_http_request *out, gt_err *err) {
  memset(out, 0, sizeof *out);
  if (!octx || !octx->suite || !c || c->scenario >= octx->suite->n_scenarios)
    return gt_err_set(err, GT_ERR_RUNTIME, NULL, 0, 0, "gt_case_build: bad arguments");
  if (c->skip_reason)
    return gt_err_set(err, GT_ERR_INPUT, NULL, 0, 0, "%s: not applicable: %s", c->name,
                      c->skip_reason);
  gt_gen_state g;
  gt_scope scope;
  gt_suite su;
  gt_build_ctx cx;
  const gt_scenario *sc = &octx->suite->scenarios[c->scenario];
  with_gen(octx, sc, c->name ? c->name : "", &g, &scope, &su, &cx);
  const gt_build_ctx *ctx = &cx;
  gt_draft d;
  bool ok = draft_init(ctx, sc, c->name ? c->name : "", &d, err);
  const gt_fault_info *row = gt_fault_info_of(c->fault);
  if (ok && row && row->mutate) ok = row->mutate(ctx, c, &d, err);
  if (ok) assemble(ctx, sc, &d, out);
  gt_draft_free(&d);
  if (ok && c->mode == GT_MODE_RAW) ok = gt_build_raw(ctx, c, out, err);
  if (ok) out->clock_ms = g.clock_used ? (long long)g.now_ms : 0;
  if (!ok) gt_http_request_free(out);
  return ok;
}

bool gt_case_build_valid(const gt_build_ctx *octx, const gt_case *c, gt_http_request *out,
                         gt_err *err) {
  memset(out, 0, sizeof *out);
  if (!octx || !octx->suite || !c || c->scenario >= octx->suite->n_scenarios)
    return gt_err_set(err, GT_ERR_RUNTIME, NULL, 0, 0, "gt_case_build_valid: bad arguments");
  const gt_scenario *sc = &octx->suite->scenarios[c->scenario];
  gt_gen_state g;
  gt_scope scope;
  gt_suite su;
  gt_build_ctx cx;
  with_gen(octx, sc, sc->name ? sc->name : "", &g, &scope, &su, &cx);
  const gt_build_ctx *ctx = &cx;
  gt_draft d;
  bool ok = draft_init(ctx, sc, sc->name ? sc->name : "", &d, err);
  if (ok) assemble(ctx, sc, &d, out);
  if (ok) out->clock_ms = g.clock_used ? (long long)g.now_ms : 0;
  gt_draft_free(&d);
  if (!ok) gt_http_request_free(out);
  return ok;
}

bool gt_method_is_safe(const char *m) {
  return m && (!strcmp(m, "GET") || !strcmp(m, "HEAD") || !strcmp(m, "OPTIONS"));
}

gt_liveness_kind gt_liveness_kind_of(const gt_suite *s, const gt_scenario *sc) {
  const char *m = sc->request.method && sc->request.method->text ? sc->request.method->text : "GET";
  if (gt_method_is_safe(m)) return GT_LIVENESS_VALID;
  return s->profile.liveness.given ? GT_LIVENESS_PROFILE : GT_LIVENESS_BASE_URL;
}

bool gt_case_build_liveness(const gt_build_ctx *octx, const gt_case *c, gt_http_request *out,
                            gt_err *err) {
  memset(out, 0, sizeof *out);
  if (!octx || !octx->suite || !c || c->scenario >= octx->suite->n_scenarios)
    return gt_err_set(err, GT_ERR_RUNTIME, NULL, 0, 0, "gt_case_build_liveness: bad arguments");
  const gt_suite *su = octx->suite;
  const gt_scenario *sc = &su->scenarios[c->scenario];
  gt_liveness_kind kind = gt_liveness_kind_of(su, sc);
  if (kind == GT_LIVENESS_VALID) return gt_case_build_valid(octx, c, out, err);
  /* A scenario of its own: the profile's liveness request, or a GET of the
   * base URL; no body, the scenario's timeout, the profile's credential
   * unless the scenario or the liveness request goes without. */
  gt_scenario probe = {.name = sc->name, .file = sc->file, .timeout_ms = sc->timeout_ms};
  probe.request.auth = sc->request.auth;
  if (kind == GT_LIVENESS_PROFILE) {
    probe.request.method = su->profile.liveness.method;
    probe.request.path = su->profile.liveness.path;
    probe.request.query = su->profile.liveness.query;
    probe.request.headers = su->profile.liveness.headers;
    probe.request.auth = probe.request.auth && su->profile.liveness.auth;
  }
  char *name = gt_xasprintf("%s [liveness]", sc->name ? sc->name : "");
  gt_gen_state g;
  gt_scope scope;
  gt_suite su_copy;
  gt_build_ctx cx;
  with_gen(octx, &probe, name, &g, &scope, &su_copy, &cx);
  gt_draft d;
  bool ok = draft_init(&cx, &probe, name, &d, err);
  if (ok) assemble(&cx, &probe, &d, out);
  if (ok) out->clock_ms = g.clock_used ? (long long)g.now_ms : 0;
  gt_draft_free(&d);
  free(name);
  if (!ok) gt_http_request_free(out);
  return ok;
}
