/* expand.c — scenarios to cases (docs/faults.md): the valid case, then each fault of
 * the scenario's set in catalogue order, one case per variant; rate_limit
 * cases after every other case of the suite. Pure and deterministic. */
#include "fault_internal.h"
#include "../core/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* ---- applicability: one row per GT_NEED_* bit, in bit order ---- */

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

/* Each returns NULL when the need is met, else the skip reason. */
typedef const char *(*need_test)(const gt_suite *s, const gt_scenario *sc, const gt_scope *scope);

static const char *has_credential(const gt_suite *s, const gt_scenario *sc, const gt_scope *scope) {
  (void)scope;
  const gt_profile *p = &s->profile;
  if (p->auth.scheme == GT_AUTH_NONE || (!p->auth.token && !p->auth.params))
    return "no credential: the profile's auth.scheme is none";
  return sc->request.auth ? NULL : "no credential: the request has auth: false";
}

static const char *has_jwt(const gt_suite *s, const gt_scenario *sc, const gt_scope *scope) {
  (void)sc, (void)scope;
  return s->profile.auth.jwt ? NULL : "no JWT: auth.format is not jwt";
}

static const char *has_jwt_secret(const gt_suite *s, const gt_scenario *sc, const gt_scope *scope) {
  (void)sc;
  return expands_empty(s->profile.auth.jwt_secret, scope)
             ? "no auth.jwt_secret to mint tokens with (absent or empty)"
             : NULL;
}

static const char *has_jwt_claims(const gt_suite *s, const gt_scenario *sc, const gt_scope *scope) {
  (void)sc, (void)scope;
  const gt_node *c = s->profile.auth.jwt_claims;
  return c && c->kind == GT_NODE_MAP && c->count > 0 ? NULL : "no auth.jwt_claims";
}

static const char *has_json_body(const gt_suite *s, const gt_scenario *sc, const gt_scope *scope) {
  (void)s, (void)scope;
  return body_is(&sc->request, GT_BODY_JSON) ? NULL : "no JSON body";
}

static const char *has_fields_body(const gt_suite *s, const gt_scenario *sc,
                                   const gt_scope *scope) {
  (void)s, (void)scope;
  const gt_request *rq = &sc->request;
  return body_is(rq, GT_BODY_JSON) || body_is(rq, GT_BODY_FORM) ? NULL : "no JSON or form body";
}

static const char *has_body(const gt_suite *s, const gt_scenario *sc, const gt_scope *scope) {
  (void)s, (void)scope;
  return sc->request.body_kind != GT_BODY_NONE ? NULL : "no body";
}

/* A profile that says plain HTTP serves the API makes "plain HTTP must fail"
 * wrong; unset keeps the catalogue's expectation. */
static const char *is_https_api(const gt_suite *s, const gt_scenario *sc, const gt_scope *scope) {
  (void)sc, (void)scope;
  const gt_profile *p = &s->profile;
  return p->transport.https_only_given && !p->transport.https_only
             ? "transport.https_only is false: the API serves plain HTTP"
             : NULL;
}

static const char *has_version_prefix(const gt_suite *s, const gt_scenario *sc,
                                      const gt_scope *scope) {
  (void)sc, (void)scope;
  const char *v = s->profile.version_prefix;
  return v && *v ? NULL : "no versioning.prefix in the profile";
}

static const char *has_rate_limit(const gt_suite *s, const gt_scenario *sc, const gt_scope *scope) {
  (void)sc, (void)scope;
  return s->profile.limits.rate_limit ? NULL : "no limits.rate_limit in the profile";
}

/* token_in_query moves a header credential into ?access_token=: with
 * scheme query the credential is in the query already. */
static const char *has_header_credential(const gt_suite *s, const gt_scenario *sc,
                                         const gt_scope *scope) {
  (void)scope;
  const gt_auth_with *a = &sc->request.auth_with;
  int scheme = a->given && a->scheme_given ? a->scheme : (int)s->profile.auth.scheme;
  return scheme == GT_AUTH_QUERY
             ? "the credential already travels in the query (auth.scheme: query)"
             : NULL;
}

static const char *has_openapi(const gt_suite *s, const gt_scenario *sc, const gt_scope *scope) {
  (void)s, (void)scope;
  return sc->contract ? NULL
                      : "no OpenAPI operation: the suite is not derived from a document and "
                        "has no `openapi:`, or no operation has this method and path";
}

static const struct {
  need_test test;
  const char *doc; /* docs/faults.md: when a case is skipped */
} needs[GT_NEED_COUNT] = {
    {has_credential, "the profile has no credential (`auth.scheme: none`), or the request says "
                     "`auth: false`"},
    {has_jwt, "`auth.format` is not `jwt`"},
    {has_jwt_secret, "`auth.jwt_secret` is absent or expands to an empty string"},
    {has_jwt_claims, "`auth.jwt_claims` is absent or empty"},
    {has_json_body, "the request has no JSON body"},
    {has_fields_body, "the request has neither a JSON nor a form body"},
    {has_body, "the request has no body"},
    {is_https_api, "the profile says `transport.https_only: false` (the API serves plain HTTP)"},
    {has_version_prefix, "the profile has no `versioning.prefix`"},
    {has_rate_limit, "the profile has no `limits.rate_limit`"},
    {has_header_credential, "the credential already travels in the query (`auth.scheme: query`)"},
    {has_openapi, "the scenario is tied to no OpenAPI operation (the suite is not derived from "
                  "a document and has no `openapi:`)"},
};

const char *gt_fault_need_doc(unsigned need) {
  for (unsigned i = 0; i < GT_NEED_COUNT; i++)
    if (need == 1u << i) return needs[i].doc;
  return NULL;
}

static const char *skip_reason(const gt_suite *s, const gt_scenario *sc, gt_fault_id f,
                               const gt_scope *scope) {
  unsigned want = gt_fault_info_of(f)->needs;
  for (unsigned i = 0; i < GT_NEED_COUNT; i++) {
    if (!(want & 1u << i)) continue;
    const char *why = needs[i].test(s, sc, scope);
    if (why) return why;
  }
  return NULL;
}

/* ---- expectations ---- */

static const gt_fault_ref *find_ref(const gt_fault_ref *refs, size_t n, gt_fault_id f) {
  for (size_t i = 0; i < n; i++)
    if (refs[i].id == f) return &refs[i];
  return NULL;
}

/* catalogue default < profile faults.expect < profile default-list entry
 * < scenario faults entry. */
/* negative: the index of the contract's invalid value the case sends (-1:
 * none); one in a path parameter may also be answered 404 (reject_path). */
static void fault_expect(const gt_suite *s, const gt_scenario *sc, gt_fault_id f, int negative,
                         gt_expect *e) {
  const gt_profile *p = &s->profile;
  gt_expect_merge(e, gt_fault_default_expect(f));
  const gt_contract *k = sc->contract;
  if (gt_fault_info_of(f)->expect_from_contract && k && k->reject) {
    bool in_path = negative >= 0 && (size_t)negative < k->n_negatives &&
                   k->negatives[negative].in == GT_NEG_PATH && k->reject_path;
    gt_expect_merge(e, in_path ? k->reject_path : k->reject);
  }
  if (p->has_fault_expect[f]) gt_expect_merge(e, &p->fault_expect[f]);
  const gt_fault_ref *r = find_ref(p->default_faults, p->n_default_faults, f);
  if (r && r->has_expect) gt_expect_merge(e, &r->expect);
  r = sc->faults_given ? find_ref(sc->faults, sc->n_faults, f) : NULL;
  if (r && r->has_expect) gt_expect_merge(e, &r->expect);
}

static bool in_set(const gt_suite *s, const gt_scenario *sc, const selection *sel, gt_fault_id f,
                   const gt_scope *scope) {
  if (sel->kind == SEL_NONE || sel->drop[f]) return false;
  if (sel->kind == SEL_ALL) {
    const gt_fault_info *row = gt_fault_info_of(f);
    if (!row->all_only_when_needed) return true;
    if (skip_reason(s, sc, f, scope)) return false;
    if (!row->variants) return true;
    gt_variant_vec v = {0};
    row->variants(s, sc, &v);
    bool applies = v.count || v.single;
    gt_variants_free(&v);
    return applies;
  }
  if (sel->kind == SEL_LIST && !sel->want[f]) return false;
  return sc->faults_given
             ? find_ref(sc->faults, sc->n_faults, f) != NULL
             : find_ref(s->profile.default_faults, s->profile.n_default_faults, f) != NULL;
}

static void add_fault_cases(const gt_suite *s, size_t si, gt_fault_id f, const gt_scope *scope,
                            case_vec *out) {
  const gt_fault_info *row = gt_fault_info_of(f);
  const gt_scenario *sc = &s->scenarios[si];
  const char *reason = skip_reason(s, sc, f, scope);
  gt_variant_vec v = {0};
  if (!reason && row->variants) {
    row->variants(s, sc, &v);
    if (!v.count && !v.single) reason = v.none_reason ? v.none_reason : "no variant applies";
  }
  bool single = reason || !row->variants || (!v.count && v.single);
  size_t n = single ? 1 : v.count;
  for (size_t i = 0; i < n; i++) {
    gt_case *c = push(out);
    c->scenario = si;
    c->fault = f;
    fault_expect(s, sc, f, single ? -1 : v.items[i].param, &c->expect);
    c->mode = row->mode;
    c->needs_alive = row->needs_alive;
    c->transport_only = row->transport_only;
    if (single) {
      c->name = name_printf("%s [%s]", sc->name, row->name);
      if (reason) c->skip_reason = gt_xstrdup(reason);
      continue;
    }
    c->index = (int)i + 1;
    c->label = gt_xstrdup(v.items[i].label);
    c->param_text = v.items[i].param_text ? gt_xstrdup(v.items[i].param_text) : NULL;
    c->param = v.items[i].param;
    c->name = name_printf("%s [%s #%d %s]", sc->name, row->name, c->index, c->label);
  }
  gt_variants_free(&v);
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
    if (sc->contract && sc->contract->valid_skip)
      c->skip_reason = gt_xstrdup(sc->contract->valid_skip);
    const gt_scope *scope = o ? o->scope : NULL;
    for (int f = GT_FAULT_VALID + 1; f < GT_FAULT_COUNT; f++) {
      if (!in_set(s, sc, &sel, (gt_fault_id)f, scope)) continue;
      bool runs_last = gt_fault_info_of((gt_fault_id)f)->mode == GT_MODE_RATE_LIMIT;
      add_fault_cases(s, si, (gt_fault_id)f, scope, runs_last ? &last : &cases);
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
