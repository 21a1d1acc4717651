/* variants.c — the cases of multi-case faults: one per credential malformation,
 * JWT claim, removable or retypable body field, unused method, or way of
 * leaving the version out. Pure: read from the suite only. */
#include "fault_internal.h"

#include <stdlib.h>
#include <string.h>

#define WRONG_TYPE_MAX 64

static void add_variant(gt_variant_vec *v, const char *label, const char *param_text, int param) {
  v->items = gt_xrealloc(v->items, (v->count + 1) * sizeof *v->items);
  v->items[v->count].label = gt_xstrdup(label);
  v->items[v->count].param_text = param_text ? gt_xstrdup(param_text) : NULL;
  v->items[v->count].param = param;
  v->count++;
}

void gt_variants_free(gt_variant_vec *v) {
  for (size_t i = 0; i < v->count; i++) {
    free(v->items[i].label);
    free(v->items[i].param_text);
  }
  free(v->items);
  v->items = NULL;
  v->count = 0;
}

void gt_variants_missing_field(const gt_suite *s, const gt_scenario *sc, gt_variant_vec *v) {
  (void)s;
  const gt_request *rq = &sc->request;
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

#define MAX_FIELD_DEPTH 64

/* Pre-order walk: every member and element at any depth, at most 64; a
 * field whose type the scenario's contract leaves open (any value valid)
 * has no case. tokens: the field's path from the top (NULL: an item). */
static void walk_fields(const gt_scenario *sc, const gt_node *n, gt_buf *path, const char **tokens,
                        size_t depth, gt_variant_vec *v) {
  for (size_t i = 0; n->kind != GT_NODE_SCALAR && i < n->count; i++) {
    if (v->count >= WRONG_TYPE_MAX || depth >= MAX_FIELD_DEPTH) return;
    size_t mark = path->len;
    if (n->kind == GT_NODE_MAP)
      gt_simple_path_add_key(path, n->keys[i]->text);
    else
      gt_buf_printf(path, "[%zu]", i);
    tokens[depth] = n->kind == GT_NODE_MAP ? n->keys[i]->text : NULL;
    const gt_contract *c = sc->contract;
    if (!c || !c->typed_field || c->typed_field(c, tokens, depth + 1))
      add_variant(v, path->data, path->data, -1);
    walk_fields(sc, n->items[i], path, tokens, depth + 1, v);
    path->len = mark;
    path->data[mark] = '\0';
  }
}

void gt_variants_wrong_type(const gt_suite *s, const gt_scenario *sc, gt_variant_vec *v) {
  (void)s;
  const gt_request *rq = &sc->request;
  gt_buf path;
  gt_buf_init(&path);
  gt_buf_addc(&path, '$');
  const char *tokens[MAX_FIELD_DEPTH];
  if (rq->body) walk_fields(sc, rq->body, &path, tokens, 0, v);
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

void gt_variants_wrong_method(const gt_suite *s, const gt_scenario *sc, gt_variant_vec *v) {
  static const char *const methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};
  const char *path = sc->request.path ? sc->request.path->text : "";
  for (size_t m = 0; m < sizeof methods / sizeof methods[0]; m++) {
    bool used = false;
    /* the profile's request.methods run every route: never a wrong method */
    for (size_t i = 0; i < s->profile.request.n_any_method && !used; i++)
      used = strcmp(s->profile.request.any_method[i], methods[m]) == 0;
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

void gt_variants_jwt_missing_claim(const gt_suite *s, const gt_scenario *sc, gt_variant_vec *v) {
  (void)sc;
  const gt_node *c = s->profile.auth.jwt_claims;
  for (size_t i = 0; c && c->kind == GT_NODE_MAP && i < c->count; i++)
    add_variant(v, c->keys[i]->text, c->keys[i]->text, -1);
}

/* Named after the profile's scheme: the first case sends the scheme with
 * nothing after it ("Bearer ", "Basic ") or an empty header value. */
void gt_variants_malformed_auth(const gt_suite *s, const gt_scenario *sc, gt_variant_vec *v) {
  (void)sc;
  const gt_profile *p = &s->profile;
  if (p->auth.scheme == GT_AUTH_QUERY && p->auth.params) {
    gt_buf label;
    gt_buf_init(&label);
    gt_buf_adds(&label, "empty");
    for (size_t i = 0; i < p->auth.params->count; i++)
      gt_buf_printf(&label, "%s%s", i ? ", " : " ", p->auth.params->keys[i]->text);
    add_variant(v, label.data, NULL, -1);
    gt_buf_free(&label);
    add_variant(v, "as a bearer header", NULL, -1);
    add_variant(v, "trailing extra", NULL, -1);
    return;
  }
  if (p->auth.scheme == GT_AUTH_BASIC) {
    add_variant(v, "empty basic", NULL, -1);
  } else if (p->auth.scheme == GT_AUTH_HEADER) {
    char *label = gt_xasprintf("empty %s", p->auth.header ? p->auth.header : "header");
    add_variant(v, label, NULL, -1);
    free(label);
  } else {
    add_variant(v, "empty bearer", NULL, -1);
  }
  add_variant(v, "wrong scheme", NULL, -1);
  add_variant(v, "trailing extra", NULL, -1);
}

/* Basic: a credential is a user and a password; a server that checks only
 * one of them must be caught, so #1 keeps the real user with a wrong
 * password and #2 sends an unknown user with the real password. Any other
 * scheme has one opaque credential: one case. */
void gt_variants_invalid_token(const gt_suite *s, const gt_scenario *sc, gt_variant_vec *v) {
  const gt_auth_with *a = &sc->request.auth_with;
  int scheme = a->given && a->scheme_given ? a->scheme : (int)s->profile.auth.scheme;
  const gt_node *params = s->profile.auth.params;
  if (scheme == GT_AUTH_QUERY && params && params->count >= 2) {
    /* ?u=USER&p=PASS: the last parameter forged, then the first */
    char *label = gt_xasprintf("wrong %s", params->keys[params->count - 1]->text);
    add_variant(v, label, NULL, 1);
    free(label);
    label = gt_xasprintf("wrong %s", params->keys[0]->text);
    add_variant(v, label, NULL, 2);
    free(label);
    return;
  }
  if (scheme != GT_AUTH_BASIC) {
    v->single = true;
    return;
  }
  add_variant(v, "wrong password", NULL, 1);
  add_variant(v, "wrong user", NULL, 2);
}

void gt_variants_unversioned(const gt_suite *s, const gt_scenario *sc, gt_variant_vec *v) {
  (void)s;
  (void)sc;
  add_variant(v, "prefix removed", NULL, -1);
  add_variant(v, "Accept-Version header", NULL, -1);
  add_variant(v, "X-API-Version header", NULL, -1);
}

/* Content-Length with Transfer-Encoding, both ways a front end and a back
 * end can disagree: #1 CL.TE (a request hidden after the chunked body), #2
 * TE.CL (a request inside the chunk). */
void gt_variants_cl_te(const gt_suite *s, const gt_scenario *sc, gt_variant_vec *v) {
  (void)s;
  (void)sc;
  add_variant(v, "CL.TE", NULL, 1);
  add_variant(v, "TE.CL", NULL, 2);
}
