/* expand.c — scenarios to cases (SPEC §4): the valid case, then each fault of
 * the scenario's set in catalogue order, one case per variant; rate_limit
 * cases after every other case of the suite. Pure and deterministic. */
#include "fault_internal.h"
#include "../core/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WRONG_TYPE_MAX 64

typedef struct case_vec {
  gt_case *items;
  size_t count, cap;
} case_vec;

static gt_case *push(case_vec *v) {
  if (v->count == v->cap) {
    v->cap = v->cap ? v->cap * 2 : 16;
    v->items = gt_xrealloc(v->items, v->cap * sizeof *v->items);
  }
  gt_case *c = &v->items[v->count++];
  memset(c, 0, sizeof *c);
  c->param = -1;
  gt_expect_init(&c->expect);
  return c;
}

/* Case names are exact-size: gt_xasprintf's buffers start at 128 bytes, and
 * a 100,000-scenario suite keeps 100,000 names for the whole run. */
static char *name_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *name_printf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) return gt_xstrdup("");
  char *p = gt_xmalloc((size_t)n + 1); /* owned by the case */
  va_start(ap, fmt);
  vsnprintf(p, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return p;
}

static void case_free(gt_case *c) {
  free(c->label);
  free(c->name);
  free(c->skip_reason);
  free(c->param_text);
  gt_expect_free(&c->expect);
}

void gt_case_list_free(gt_case_list *l) {
  if (!l) return;
  for (size_t i = 0; i < l->count; i++)
    case_free(&l->items[i]);
  free(l->items);
  l->items = NULL;
  l->count = 0;
}

/* ---- --faults ---- */

typedef enum { SEL_OWN, SEL_ALL, SEL_NONE, SEL_LIST } selection_kind;

typedef struct selection {
  selection_kind kind;
  bool want[GT_FAULT_COUNT];
  bool drop[GT_FAULT_COUNT]; /* "-name" items and --skip-faults: never run */
} selection;

/* Items of a comma list, trimmed; calls fn(name, len, ud) for each. */
static bool each_item(const char *list, const char *opt, bool (*fn)(const char *, void *, gt_err *),
                      void *ud, gt_err *err) {
  const char *p = list;
  for (int guard = 0; guard <= GT_FAULT_COUNT * 4; guard++) {
    while (*p == ' ')
      p++;
    size_t n = strcspn(p, ",");
    size_t t = n;
    while (t > 0 && p[t - 1] == ' ')
      t--;
    char *name = gt_xstrndup(p, t);
    bool ok = fn(name, ud, err);
    free(name);
    if (!ok) return false;
    if (!p[n]) return true;
    p += n + 1;
  }
  return gt_err_set(err, GT_ERR_USAGE, NULL, 0, 0, "%s: too many names", opt);
}

static int fault_id_or_fail(const char *name, const char *opt, gt_err *err) {
  int id = gt_fault_from_name(name);
  if (id <= GT_FAULT_VALID)
    gt_err_set(err, GT_ERR_USAGE, NULL, 0, 0,
               "%s: unknown fault '%s' (a comma list of fault names, all or none; -NAME "
               "drops one)",
               opt, name);
  return id;
}

typedef struct parse_state {
  selection *sel;
  bool first;
} parse_state;

static bool faults_item(const char *name, void *ud, gt_err *err) {
  parse_state *ps = ud;
  bool first = ps->first;
  ps->first = false;
  if (first && (!strcmp(name, "all") || !strcmp(name, "none"))) {
    ps->sel->kind = !strcmp(name, "all") ? SEL_ALL : SEL_NONE;
    return true;
  }
  bool drop = name[0] == '-';
  int id = fault_id_or_fail(drop ? name + 1 : name, "--faults", err);
  if (id <= GT_FAULT_VALID) return false;
  if (drop) {
    ps->sel->drop[id] = true;
    return true;
  }
  if (ps->sel->kind == SEL_ALL || ps->sel->kind == SEL_NONE)
    return gt_err_set(err, GT_ERR_USAGE, NULL, 0, 0,
                      "--faults: '%s' after all/none: write all,-NAME to drop one, or list "
                      "the names to keep",
                      name);
  ps->sel->kind = SEL_LIST;
  ps->sel->want[id] = true;
  return true;
}

static bool skip_item(const char *name, void *ud, gt_err *err) {
  int id = fault_id_or_fail(name, "--skip-faults", err);
  if (id <= GT_FAULT_VALID) return false;
  ((selection *)ud)->drop[id] = true;
  return true;
}

/* --faults: "all" or "none" first, then names to keep and -names to drop;
 * only -names leaves each scenario's own set, minus those. */
static bool parse_selection(const char *faults, const char *skip, selection *sel, gt_err *err) {
  memset(sel, 0, sizeof *sel);
  if (faults) {
    parse_state ps = {sel, true};
    if (!each_item(faults, "--faults", faults_item, &ps, err)) return false;
  }
  return !skip || each_item(skip, "--skip-faults", skip_item, sel, err);
}

bool gt_faults_option_valid(const char *faults, gt_err *err) {
  selection sel;
  return parse_selection(faults, NULL, &sel, err);
}

bool gt_skip_faults_option_valid(const char *skip, gt_err *err) {
  selection sel;
  return parse_selection(NULL, skip, &sel, err);
}

/* ---- applicability ---- */

static bool is_credential_fault(gt_fault_id f) {
  return f >= GT_FAULT_UNAUTHENTICATED && f <= GT_FAULT_JWT_MISSING_CLAIM;
}

/* True when the body is a tree whose shape is known before run time. */
static bool body_is(const gt_request *rq, gt_body_kind kind) {
  return rq->body_kind == kind && rq->body;
}

/* True when n is absent or, expanded through scope, is the empty string. */
static bool expands_empty(const gt_node *n, const gt_scope *scope) {
  if (!n) return true;
  if (!scope || n->kind != GT_NODE_SCALAR) return false;
  gt_buf b;
  gt_buf_init(&b);
  gt_err e = {0};
  bool ok = gt_expand_text(scope, n->text, n->text_len, &b, n->file, n->line, n->col, &e);
  bool empty = ok && b.len == 0;
  gt_buf_free(&b);
  return empty;
}

static const char *skip_reason(const gt_suite *s, const gt_scenario *sc, gt_fault_id f,
                               const gt_scope *scope) {
  const gt_profile *p = &s->profile;
  const gt_request *rq = &sc->request;
  if (is_credential_fault(f)) {
    if (p->auth.scheme == GT_AUTH_NONE || !p->auth.token)
      return "no credential: the profile's auth.scheme is none";
    if (!rq->auth) return "no credential: the request has auth: false";
    if (f >= GT_FAULT_JWT_ALG_NONE && !p->auth.jwt) return "no JWT: auth.format is not jwt";
    if ((f == GT_FAULT_JWT_EXPIRED || f == GT_FAULT_JWT_MISSING_CLAIM) &&
        expands_empty(p->auth.jwt_secret, scope))
      return "no auth.jwt_secret to mint tokens with (absent or empty)";
    if (f == GT_FAULT_JWT_MISSING_CLAIM &&
        (!p->auth.jwt_claims || p->auth.jwt_claims->kind != GT_NODE_MAP ||
         p->auth.jwt_claims->count == 0))
      return "no auth.jwt_claims";
    return NULL;
  }
  bool json = body_is(rq, GT_BODY_JSON), form = body_is(rq, GT_BODY_FORM);
  bool any = rq->body_kind != GT_BODY_NONE;
  switch (f) {
  case GT_FAULT_MALFORMED_JSON:
  case GT_FAULT_WRONG_TYPE:
    return json ? NULL : "no JSON body";
  case GT_FAULT_WRONG_CONTENT_TYPE:
  case GT_FAULT_MISSING_FIELD:
    return json || form ? NULL : "no JSON or form body";
  case GT_FAULT_INVALID_UTF8:
  case GT_FAULT_EMPTY_BODY:
  case GT_FAULT_OVERSIZED_BODY:
  case GT_FAULT_TRUNCATED_BODY:
  case GT_FAULT_SLOW_BODY:
    return any ? NULL : "no body";
  case GT_FAULT_HTTP_ONLY:
    /* A profile that says plain HTTP serves the API makes "plain HTTP must
     * fail" wrong; unset keeps the catalogue's expectation. */
    return p->transport.https_only_given && !p->transport.https_only
               ? "transport.https_only is false: the API serves plain HTTP"
               : NULL;
  case GT_FAULT_UNVERSIONED:
    return p->version_prefix && *p->version_prefix ? NULL : "no versioning.prefix in the profile";
  case GT_FAULT_RATE_LIMIT:
    return p->limits.rate_limit ? NULL : "no limits.rate_limit in the profile";
  default:
    return NULL;
  }
}

/* ---- variants of multi-case faults ---- */

typedef struct variant {
  char *label;      /* owned */
  char *param_text; /* owned */
  int param;
} variant;

typedef struct variant_vec {
  variant *items;
  size_t count;
  const char *none_reason; /* when count == 0: why */
} variant_vec;

static void add_variant(variant_vec *v, const char *label, const char *param_text, int param) {
  v->items = gt_xrealloc(v->items, (v->count + 1) * sizeof *v->items);
  v->items[v->count].label = gt_xstrdup(label);
  v->items[v->count].param_text = param_text ? gt_xstrdup(param_text) : NULL;
  v->items[v->count].param = param;
  v->count++;
}

static void free_variants(variant_vec *v) {
  for (size_t i = 0; i < v->count; i++) {
    free(v->items[i].label);
    free(v->items[i].param_text);
  }
  free(v->items);
}

static void missing_field_variants(const gt_request *rq, variant_vec *v) {
  for (size_t i = 0; i < rq->n_required; i++)
    add_variant(v, rq->required[i], rq->required[i], (int)i);
  if (rq->n_required) return;
  const gt_node *b = rq->body;
  if (!b || b->kind != GT_NODE_MAP) {
    v->none_reason = "the body has no top-level fields (list them in request.required)";
    return;
  }
  gt_buf label;
  gt_buf_init(&label);
  for (size_t i = 0; i < b->count; i++) {
    gt_buf_reset(&label);
    gt_buf_addc(&label, '$');
    gt_simple_path_add_key(&label, b->keys[i]->text);
    add_variant(v, label.data, b->keys[i]->text, -1);
  }
  gt_buf_free(&label);
  if (!v->count) v->none_reason = "the body has no fields";
}

/* Pre-order walk: every member and element at any depth, at most 64. */
static void walk_fields(const gt_node *n, gt_buf *path, variant_vec *v) {
  for (size_t i = 0; n->kind != GT_NODE_SCALAR && i < n->count; i++) {
    if (v->count >= WRONG_TYPE_MAX) return;
    size_t mark = path->len;
    if (n->kind == GT_NODE_MAP)
      gt_simple_path_add_key(path, n->keys[i]->text);
    else
      gt_buf_printf(path, "[%zu]", i);
    add_variant(v, path->data, path->data, -1);
    walk_fields(n->items[i], path, v);
    path->len = mark;
    path->data[mark] = '\0';
  }
}

static void wrong_type_variants(const gt_request *rq, variant_vec *v) {
  gt_buf path;
  gt_buf_init(&path);
  gt_buf_addc(&path, '$');
  if (rq->body) walk_fields(rq->body, &path, v);
  gt_buf_free(&path);
  if (!v->count) v->none_reason = "the body has no fields";
}

/* Path templates compared segment by segment; a segment holding ${..} matches
 * any segment; empty segments (doubled or trailing '/') are ignored. */
static bool next_segment(const char **p, const char **seg, size_t *len) {
  while (**p == '/')
    (*p)++;
  if (!**p || **p == '?' || **p == '#') return false;
  *seg = *p;
  *len = strcspn(*p, "/?#");
  *p += *len;
  return true;
}

static bool wildcard(const char *seg, size_t len) {
  for (size_t i = 0; i + 1 < len; i++)
    if (seg[i] == '$' && seg[i + 1] == '{') return true;
  return false;
}

bool gt_path_templates_match(const char *a, const char *b) {
  const char *sa, *sb;
  size_t la, lb;
  for (;;) {
    bool ha = next_segment(&a, &sa, &la), hb = next_segment(&b, &sb, &lb);
    if (!ha || !hb) return ha == hb;
    if (wildcard(sa, la) || wildcard(sb, lb)) continue;
    if (la != lb || memcmp(sa, sb, la) != 0) return false;
  }
}

static void wrong_method_variants(const gt_suite *s, const gt_scenario *sc, variant_vec *v) {
  static const char *const methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};
  const char *path = sc->request.path ? sc->request.path->text : "";
  for (size_t m = 0; m < sizeof methods / sizeof methods[0]; m++) {
    bool used = false;
    for (size_t i = 0; i < s->n_scenarios && !used; i++) {
      const gt_request *o = &s->scenarios[i].request;
      const char *om = o->method && o->method->text ? o->method->text : "GET";
      used = strcmp(om, methods[m]) == 0 &&
             gt_path_templates_match(path, o->path ? o->path->text : "");
    }
    if (!used) add_variant(v, methods[m], methods[m], -1);
  }
  if (!v->count)
    v->none_reason = "every method of GET, POST, PUT, PATCH, DELETE is used on this path";
}

static void claim_variants(const gt_profile *p, variant_vec *v) {
  const gt_node *c = p->auth.jwt_claims;
  for (size_t i = 0; c && c->kind == GT_NODE_MAP && i < c->count; i++)
    add_variant(v, c->keys[i]->text, c->keys[i]->text, -1);
}

static bool multi_case(gt_fault_id f) {
  return f == GT_FAULT_MALFORMED_AUTH || f == GT_FAULT_JWT_MISSING_CLAIM ||
         f == GT_FAULT_MISSING_FIELD || f == GT_FAULT_WRONG_TYPE || f == GT_FAULT_WRONG_METHOD ||
         f == GT_FAULT_UNVERSIONED;
}

static void variants_of(const gt_suite *s, const gt_scenario *sc, gt_fault_id f, variant_vec *v) {
  switch (f) {
  case GT_FAULT_MALFORMED_AUTH:
    add_variant(v, "empty bearer", NULL, -1);
    add_variant(v, "wrong scheme", NULL, -1);
    add_variant(v, "trailing extra", NULL, -1);
    break;
  case GT_FAULT_JWT_MISSING_CLAIM:
    claim_variants(&s->profile, v);
    break;
  case GT_FAULT_MISSING_FIELD:
    missing_field_variants(&sc->request, v);
    break;
  case GT_FAULT_WRONG_TYPE:
    wrong_type_variants(&sc->request, v);
    break;
  case GT_FAULT_WRONG_METHOD:
    wrong_method_variants(s, sc, v);
    break;
  case GT_FAULT_UNVERSIONED:
    add_variant(v, "prefix removed", NULL, -1);
    add_variant(v, "Accept-Version header", NULL, -1);
    add_variant(v, "X-API-Version header", NULL, -1);
    break;
  default:
    break;
  }
}

/* ---- expectations ---- */

static const gt_fault_ref *find_ref(const gt_fault_ref *refs, size_t n, gt_fault_id f) {
  for (size_t i = 0; i < n; i++)
    if (refs[i].id == f) return &refs[i];
  return NULL;
}

/* catalogue default < profile faults.expect < profile default-list entry
 * < scenario faults entry. */
static void fault_expect(const gt_suite *s, const gt_scenario *sc, gt_fault_id f, gt_expect *e) {
  const gt_profile *p = &s->profile;
  gt_expect_merge(e, gt_fault_default_expect(f));
  if (p->has_fault_expect[f]) gt_expect_merge(e, &p->fault_expect[f]);
  const gt_fault_ref *r = find_ref(p->default_faults, p->n_default_faults, f);
  if (r && r->has_expect) gt_expect_merge(e, &r->expect);
  r = sc->faults_given ? find_ref(sc->faults, sc->n_faults, f) : NULL;
  if (r && r->has_expect) gt_expect_merge(e, &r->expect);
}

static bool in_set(const gt_suite *s, const gt_scenario *sc, const selection *sel, gt_fault_id f) {
  if (sel->kind == SEL_NONE || sel->drop[f]) return false;
  if (sel->kind == SEL_ALL) return f != GT_FAULT_RATE_LIMIT || s->profile.limits.rate_limit != NULL;
  if (sel->kind == SEL_LIST && !sel->want[f]) return false;
  return sc->faults_given
             ? find_ref(sc->faults, sc->n_faults, f) != NULL
             : find_ref(s->profile.default_faults, s->profile.n_default_faults, f) != NULL;
}

static void set_mode(gt_case *c) {
  gt_fault_id f = c->fault;
  bool wire = f >= GT_FAULT_WIRE_DUP_CONTENT_LENGTH && f <= GT_FAULT_WIRE_LONG_URI;
  if (wire || f == GT_FAULT_TRUNCATED_BODY || f == GT_FAULT_SLOW_BODY) {
    c->mode = GT_MODE_RAW;
    c->needs_alive = true;
  } else if (f == GT_FAULT_RATE_LIMIT) {
    c->mode = GT_MODE_RATE_LIMIT;
  }
  c->transport_only = wire || f == GT_FAULT_HTTP_ONLY;
}

static void add_fault_cases(const gt_suite *s, size_t si, gt_fault_id f, const gt_scope *scope,
                            case_vec *out) {
  const gt_scenario *sc = &s->scenarios[si];
  const char *reason = skip_reason(s, sc, f, scope);
  variant_vec v = {0};
  if (!reason && multi_case(f)) {
    variants_of(s, sc, f, &v);
    if (!v.count) reason = v.none_reason ? v.none_reason : "no variant applies";
  }
  size_t n = reason || !multi_case(f) ? 1 : v.count;
  for (size_t i = 0; i < n; i++) {
    gt_case *c = push(out);
    c->scenario = si;
    c->fault = f;
    fault_expect(s, sc, f, &c->expect);
    set_mode(c);
    if (reason || !multi_case(f)) {
      c->name = name_printf("%s [%s]", sc->name, gt_fault_name(f));
      if (reason) c->skip_reason = gt_xstrdup(reason);
      continue;
    }
    c->index = (int)i + 1;
    c->label = gt_xstrdup(v.items[i].label);
    c->param_text = v.items[i].param_text ? gt_xstrdup(v.items[i].param_text) : NULL;
    c->param = v.items[i].param;
    c->name = name_printf("%s [%s #%d %s]", sc->name, gt_fault_name(f), c->index, c->label);
  }
  free_variants(&v);
}

bool gt_cases_expand(const gt_suite *s, const gt_expand_opts *o, gt_case_list *out, gt_err *err) {
  out->items = NULL;
  out->count = 0;
  selection sel;
  if (!parse_selection(o ? o->faults : NULL, o ? o->skip_faults : NULL, &sel, err)) return false;
  case_vec cases = {0}, last = {0};
  for (size_t si = 0; si < s->n_scenarios; si++) {
    const gt_scenario *sc = &s->scenarios[si];
    gt_case *c = push(&cases);
    c->scenario = si;
    c->fault = GT_FAULT_VALID;
    c->name = name_printf("%s [valid]", sc->name);
    gt_expect_merge(&c->expect, &sc->expect);
    for (int f = GT_FAULT_VALID + 1; f < GT_FAULT_COUNT; f++) {
      if (!in_set(s, sc, &sel, (gt_fault_id)f)) continue;
      add_fault_cases(s, si, (gt_fault_id)f, o ? o->scope : NULL,
                      f == GT_FAULT_RATE_LIMIT ? &last : &cases);
    }
  }
  for (size_t i = 0; i < last.count; i++)
    *push(&cases) = last.items[i];
  free(last.items);
  /* Drop the doubling slack: the list lives as long as the run. */
  if (cases.count && cases.count < cases.cap)
    cases.items = gt_xrealloc(cases.items, cases.count * sizeof *cases.items);
  out->items = cases.items;
  out->count = cases.count;
  return true;
}
