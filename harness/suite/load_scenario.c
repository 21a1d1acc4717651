/* load_scenario.c — one entry of `scenarios:` (docs/suite-format.md) into gt_scenario:
 * request, expect, capture, faults, respond, timeout. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"

static bool scalar_values(loader *L, const gt_node *map, const char *what, bool allow_lists) {
  for (size_t i = 0; i < map->count; i++) {
    const gt_node *v = map->items[i];
    if (v->kind == GT_NODE_MAP || (v->kind == GT_NODE_SEQ && !allow_lists))
      return ld_fail(L, v, "%s.%s: expected a value, got %s", what, map->keys[i]->text, ld_kind(v));
    for (size_t j = 0; v->kind == GT_NODE_SEQ && j < v->count; j++)
      if (v->items[j]->kind != GT_NODE_SCALAR)
        return ld_fail(L, v->items[j], "%s.%s: expected a list of values", what,
                       map->keys[i]->text);
  }
  return true;
}

static bool load_method(loader *L, gt_request *r, gt_node *m) {
  if (!ld_want_scalar(L, m, "request.method")) return false;
  for (size_t i = 0; i < m->text_len; i++) {
    unsigned char c = (unsigned char)m->text[i];
    if (!isalpha(c) && c != '-' && c != '_')
      return ld_fail(L, m, "request.method: '%s' is not an HTTP method", m->text);
    m->text[i] = (char)toupper(c); /* the model promises upper case */
  }
  r->method = m;
  return true;
}

static bool load_required(loader *L, gt_request *r, const gt_node *list) {
  if (!ld_want_seq(L, list, "request.required")) return false;
  r->required = gt_xcalloc(list->count ? list->count : 1, sizeof *r->required);
  r->required_paths = gt_xcalloc(list->count ? list->count : 1, sizeof *r->required_paths);
  for (size_t i = 0; i < list->count; i++) {
    gt_jsonpath *p = ld_jsonpath(L, list->items[i]);
    if (!p) return false;
    r->required[i] = ld_strdup_scalar(list->items[i]);
    r->required_paths[i] = p;
    r->n_required = i + 1;
  }
  return true;
}

static bool load_body(loader *L, gt_request *r, const gt_node *key, gt_node *v,
                      const gt_node **first_body_key) {
  if (*first_body_key)
    return ld_fail(L, key, "request: at most one body: '%s' given after '%s' (json, form or body)",
                   key->text, (*first_body_key)->text);
  *first_body_key = key;
  if (!ld_plain_data(L, v, "request body")) return false;
  if (!strcmp(key->text, "json")) {
    r->body_kind = GT_BODY_JSON;
  } else if (!strcmp(key->text, "form")) {
    if (!ld_want_map(L, v, "request.form") || !scalar_values(L, v, "request.form", true))
      return false;
    r->body_kind = GT_BODY_FORM;
  } else {
    if (v->kind != GT_NODE_SCALAR)
      return ld_fail(L, v, "request.body: expected text, got %s", ld_kind(v));
    r->body_kind = GT_BODY_RAW;
  }
  r->body = v;
  return true;
}

static bool load_scheme(loader *L, const gt_node *scheme, int *out) {
  static const char *const schemes[] = {"bearer", "header", "basic", "none"};
  static const gt_auth_scheme ids[] = {GT_AUTH_BEARER, GT_AUTH_HEADER, GT_AUTH_BASIC, GT_AUTH_NONE};
  if (!ld_want_scalar(L, scheme, "request.auth.scheme")) return false;
  for (size_t i = 0; i < 4; i++)
    if (!strcmp(scheme->text, schemes[i])) {
      *out = (int)ids[i];
      return true;
    }
  const char *hint = ld_suggest(scheme->text, schemes, 4);
  return ld_fail(L, scheme,
                 "unknown auth scheme '%s'%s%s%s (expected bearer, header, basic or none)",
                 scheme->text, hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
}

/* `auth: { scheme, token, header, mint }`: this scenario's own credential. */
static bool load_auth_with(loader *L, gt_request *r, gt_node *n) {
  static const char *const keys[] = {"scheme", "token", "header", "mint", NULL};
  if (!ld_check_keys(L, n, keys, "request.auth")) return false;
  const gt_profile *p = &L->suite->profile;
  gt_auth_with *a = &r->auth_with;
  a->given = true;
  a->scheme = (int)p->auth.scheme;
  const gt_node *scheme = gt_node_get(n, "scheme"), *token = gt_node_get(n, "token");
  const gt_node *header = gt_node_get(n, "header"), *mint = gt_node_get(n, "mint");
  if (scheme) {
    if (!load_scheme(L, scheme, &a->scheme)) return false;
    a->scheme_given = true;
  }
  if (token) {
    if (!ld_want_scalar(L, token, "request.auth.token") ||
        !ld_plain_data(L, token, "request.auth.token"))
      return false;
    a->token = token;
    ld_register_secret(L, token, "token");
  }
  if (header) {
    if (!ld_want_scalar(L, header, "request.auth.header")) return false;
    a->header = ld_strdup_scalar(header);
  }
  if (mint) {
    if (token)
      return ld_fail(L, mint, "request.auth: give mint or token, not both (mint makes the token)");
    if (!ld_want_map(L, mint, "request.auth.mint") || !ld_plain_data(L, mint, "request.auth.mint"))
      return false;
    if (!p->auth.jwt_secret)
      return ld_fail(L, mint,
                     "request.auth.mint: the profile has no auth.jwt_secret to sign the token "
                     "with");
    a->mint = mint;
    if (!scheme && a->scheme != GT_AUTH_HEADER) a->scheme = GT_AUTH_BEARER;
  }
  if (a->scheme == GT_AUTH_HEADER && !a->header && !p->auth.header)
    return ld_fail(L, n, "request.auth: scheme header needs 'header:' (the header's name)");
  if (a->scheme != GT_AUTH_NONE && !a->token && !a->mint && !p->auth.token)
    return ld_fail(L, n, "request.auth: scheme %s needs a token (or mint:)",
                   scheme ? scheme->text : "bearer");
  if (a->scheme == GT_AUTH_NONE) r->auth = false;
  return true;
}

static bool load_request(loader *L, gt_request *r, gt_node *n) {
  static const char *const keys[] = {"method",   "path",  "query",         "headers",
                                     "json",     "form",  "body",          "auth",
                                     "required", "nulls", "empty_strings", NULL};
  if (!ld_want_map(L, n, "request") || !ld_check_keys(L, n, keys, "request")) return false;
  r->auth = true;
  const gt_node *first_body_key = NULL;
  for (size_t i = 0; i < n->count; i++) {
    const gt_node *key = n->keys[i];
    const char *k = key->text;
    gt_node *v = n->items[i];
    if (!strcmp(k, "method")) {
      if (!load_method(L, r, v)) return false;
    } else if (!strcmp(k, "path")) {
      if (!ld_want_scalar(L, v, "request.path") || !ld_plain_data(L, v, "request.path"))
        return false;
      r->path = v;
    } else if (!strcmp(k, "query") || !strcmp(k, "headers")) {
      bool q = k[0] == 'q';
      const char *what = q ? "request.query" : "request.headers";
      if (!ld_want_map(L, v, what) || !scalar_values(L, v, what, q) || !ld_plain_data(L, v, what))
        return false;
      if (q)
        r->query = v;
      else
        r->headers = v;
    } else if (!strcmp(k, "json") || !strcmp(k, "form") || !strcmp(k, "body")) {
      if (!load_body(L, r, key, v, &first_body_key)) return false;
    } else if (!strcmp(k, "auth")) {
      if (v->kind == GT_NODE_MAP) {
        if (!load_auth_with(L, r, v)) return false;
      } else if (!ld_bool(L, v, "request.auth", &r->auth)) {
        return false;
      }
    } else if (!strcmp(k, "required")) {
      if (!load_required(L, r, v)) return false;
    } else if (!strcmp(k, "nulls")) {
      if (!ld_null_reading(L, v, "request.nulls", &r->nulls)) return false;
    } else if (!strcmp(k, "empty_strings")) {
      if (!ld_null_reading(L, v, "request.empty_strings", &r->empty_strings)) return false;
    }
  }
  if (!r->method) return ld_fail(L, n, "request: missing required key 'method'");
  if (!r->path) return ld_fail(L, n, "request: missing required key 'path'");
  L->in_request = true;
  bool ok = ld_vars_defined(L, n);
  L->in_request = false;
  return ok;
}

static bool capture_name_ok(const char *s) {
  if (!(isalpha((unsigned char)*s) || *s == '_')) return false;
  for (; *s; s++)
    if (!isalnum((unsigned char)*s) && *s != '_') return false;
  return true;
}

static bool load_captures(loader *L, gt_scenario *sc, const gt_node *n) {
  if (!ld_want_map(L, n, "capture")) return false;
  sc->captures = gt_xcalloc(n->count ? n->count : 1, sizeof *sc->captures);
  for (size_t i = 0; i < n->count; i++) {
    const gt_node *k = n->keys[i], *v = n->items[i];
    gt_capture *c = &sc->captures[i];
    if (!capture_name_ok(k->text))
      return ld_fail(L, k, "capture: '%s' is not a valid variable name (letters, digits, _)",
                     k->text);
    if (!strcmp(k->text, "gen"))
      return ld_fail(L, k, "capture: 'gen' is reserved for generated values (${gen.uuid}, ...)");
    c->line = k->line, c->col = k->col;
    if (v->kind == GT_NODE_MAP) {
      static const char *const keys[] = {"header", NULL};
      const gt_node *h = gt_node_get(v, "header");
      if (!ld_check_keys(L, v, keys, "capture")) return false;
      if (!h) return ld_fail(L, v, "capture.%s: expected a JSONPath or {header: Name}", k->text);
      if (!ld_want_scalar(L, h, "capture header")) return false;
      c->name = ld_strdup_scalar(k);
      c->src = ld_strdup_scalar(h);
      c->from_header = true;
    } else {
      gt_jsonpath *p = ld_jsonpath(L, v);
      if (!p) return false;
      c->name = ld_strdup_scalar(k);
      c->src = ld_strdup_scalar(v);
      c->path = p;
    }
    sc->n_captures = i + 1;
  }
  return true;
}

static bool switch_value(const gt_node *v, unsigned char *out) {
  if (v->kind != GT_NODE_SCALAR || v->tag || v->quoted) return false;
  static const char *const off[] = {"off", "false", "no"}, *const on[] = {"on", "true", "yes"};
  for (size_t i = 0; i < 3; i++) {
    if (!strcmp(v->text, off[i])) *out = GT_SWITCH_OFF;
    if (!strcmp(v->text, on[i])) *out = GT_SWITCH_ON;
  }
  return *out != GT_SWITCH_PROFILE;
}

/* `checks: { json_parses: off, content_type: text/plain }` */
static bool load_checks(loader *L, gt_scenario *sc, gt_node *n) {
  if (!ld_want_map(L, n, "checks")) return false;
  for (size_t i = 0; i < n->count; i++) {
    const gt_node *k = n->keys[i];
    gt_node *v = n->items[i];
    int id = gt_check_from_name(k->text);
    if (id < 0 || id >= GT_CHECK_UNIVERSAL_COUNT) {
      const char *names[GT_CHECK_UNIVERSAL_COUNT];
      for (int c = 0; c < GT_CHECK_UNIVERSAL_COUNT; c++)
        names[c] = gt_check_name((gt_check_id)c);
      const char *hint = ld_suggest(k->text, names, GT_CHECK_UNIVERSAL_COUNT);
      if (hint)
        return ld_fail(L, k, "checks: unknown check '%s' (did you mean '%s'?)", k->text, hint);
      return ld_fail(L, k,
                     "checks: unknown check '%s' (universal checks: no_server_error, "
                     "content_type, json_parses, error_shape, documented_status, "
                     "required_headers, utf8, envelope)",
                     k->text);
    }
    unsigned char sw = GT_SWITCH_PROFILE;
    if (switch_value(v, &sw)) {
      sc->checks.on[id] = sw;
    } else if (id == GT_CHECK_CONTENT_TYPE) {
      if (sc->checks.content_type || sc->checks.content_type_match)
        return ld_fail(L, v, "checks.content_type: given twice");
      if (!ld_content_type(L, v, &sc->checks.content_type, &sc->checks.content_type_match,
                           "checks.content_type"))
        return false;
      sc->checks.on[id] = GT_SWITCH_ON;
    } else {
      return ld_fail(L, v, "checks.%s: expected on or off, got %s", k->text,
                     v->kind == GT_NODE_SCALAR ? v->text : ld_kind(v));
    }
  }
  return true;
}

static bool load_tags(loader *L, gt_scenario *sc, const gt_node *n) {
  if (n->kind == GT_NODE_SCALAR) {
    if (!ld_want_scalar(L, n, "tags")) return false;
    sc->tags = gt_xcalloc(1, sizeof *sc->tags);
    sc->tags[0] = ld_strdup_scalar(n);
    sc->n_tags = 1;
    return true;
  }
  if (!ld_want_seq(L, n, "tags")) return false;
  sc->tags = gt_xcalloc(n->count ? n->count : 1, sizeof *sc->tags);
  for (size_t i = 0; i < n->count; i++) {
    if (!ld_want_scalar(L, n->items[i], "tags")) return false;
    sc->tags[i] = ld_strdup_scalar(n->items[i]);
    sc->n_tags = i + 1;
  }
  return true;
}

bool ld_scenario(loader *L, gt_node *n, gt_scenario *sc) {
  static const char *const keys[] = {"name",    "tags",    "request", "expect", "capture", "faults",
                                     "respond", "timeout", "checks",  "poll",   "json",    NULL};
  gt_expect_init(&sc->expect);
  sc->request.auth = true;
  if (!ld_want_map(L, n, "scenario") || !ld_check_keys(L, n, keys, "scenario")) return false;
  sc->file = n->file;
  sc->line = n->line, sc->col = n->col;
  const gt_node *name = gt_node_get(n, "name");
  if (!name) return ld_fail(L, n, "scenario: missing required key 'name'");
  if (!ld_want_scalar(L, name, "scenario name")) return false;
  sc->name = ld_strdup_scalar(name);
  for (size_t i = 0; i < n->count; i++) {
    const char *k = n->keys[i]->text;
    gt_node *v = n->items[i];
    bool ok = true;
    if (!strcmp(k, "tags"))
      ok = load_tags(L, sc, v);
    else if (!strcmp(k, "request"))
      ok = load_request(L, &sc->request, v);
    else if (!strcmp(k, "expect"))
      ok = ld_expect(L, v, &sc->expect, "expect") && ld_vars_defined(L, v);
    else if (!strcmp(k, "capture"))
      ok = load_captures(L, sc, v);
    else if (!strcmp(k, "checks"))
      ok = load_checks(L, sc, v);
    else if (!strcmp(k, "faults")) {
      sc->faults_given = true;
      ok = ld_fault_list(L, v, &sc->faults, &sc->n_faults) && ld_vars_defined(L, v);
    } else if (!strcmp(k, "respond")) {
      if (!ld_want_map(L, v, "respond")) return false;
      sc->respond = v; /* interpreted by serve */
    } else if (!strcmp(k, "poll")) {
      ok = ld_poll(L, v, sc);
    } else if (!strcmp(k, "json")) {
      /* json: stream: the answer is several JSON documents (NDJSON) */
      ok = ld_want_scalar(L, v, "json");
      if (ok && strcmp(v->text, "stream") && strcmp(v->text, "document"))
        ok = ld_fail(L, v, "json: expected stream or document, got '%s'", v->text);
      if (ok) sc->json_stream = !strcmp(v->text, "stream");
    } else if (!strcmp(k, "timeout")) {
      ok = ld_duration(L, v, "timeout", &sc->timeout_ms);
      if (ok && sc->timeout_ms <= 0) ok = ld_fail(L, v, "timeout: must be more than 0");
    }
    if (!ok) return false;
  }
  if (!gt_node_get(n, "request"))
    return ld_fail(L, n, "scenario '%s': missing required key 'request'", sc->name);
  return true;
}
