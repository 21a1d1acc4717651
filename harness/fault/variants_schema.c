/* variants_schema.c — the cases of the schema-driven faults (not_in_enum,
 * out_of_range, bad_length, pattern_mismatch, duplicate_items,
 * missing_param): one per invalid
 * value the scenario's API description gives (gt_contract.negatives, made by
 * openapi/negative.c) whose place the request has. Pure. */
#include "fault_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool map_has(const gt_node *m, const char *name, bool any_case) {
  for (size_t i = 0; m && m->kind == GT_NODE_MAP && i < m->count; i++) {
    const char *k = m->keys[i]->text ? m->keys[i]->text : "";
    if (any_case ? !strcasecmp(k, name) : !strcmp(k, name)) return true;
  }
  return false;
}

static const char *header_text(const gt_node *m, const char *name) {
  for (size_t i = 0; m && m->kind == GT_NODE_MAP && i < m->count; i++)
    if (m->keys[i]->text && !strcasecmp(m->keys[i]->text, name)) return m->items[i]->text;
  return NULL;
}

/* Does the Cookie header text carry cookie name? */
static bool has_cookie(const char *cookies, const char *name) {
  size_t nl = strlen(name);
  for (const char *p = cookies ? cookies : ""; *p;) {
    while (*p == ' ' || *p == ';')
      p++;
    size_t n = strcspn(p, ";");
    if (n > nl && !strncmp(p, name, nl) && p[nl] == '=') return true;
    p += n;
  }
  return false;
}

static int segments_of(const char *path) {
  int k = 0;
  for (const char *p = path ? path : ""; *p && *p != '?';) {
    while (*p == '/')
      p++;
    if (!*p || *p == '?') break;
    k++;
    p += strcspn(p, "/?");
  }
  return k;
}

/* A JSON body property's place: a member can be set or added where its
 * parent object is; an array item must be there. */
static bool json_place(const gt_node *body, const gt_negative *n) {
  if (!body || body->kind != GT_NODE_MAP) return false;
  cJSON *doc = gt_node_to_json(body);
  const cJSON *parent = gt_simple_path_get(doc, n->parent ? n->parent : "$");
  bool ok = n->key
                ? cJSON_IsObject(parent)
                : cJSON_IsArray(parent) && n->index >= 0 && n->index < cJSON_GetArraySize(parent);
  cJSON_Delete(doc);
  return ok;
}

/* Can the request carry negative n? A value goes into any query, header or
 * cookie (replacing or adding the parameter), into the path segment its
 * parameter holds and into an object body of its kind; a parameter can be
 * left out only when the request sends it. */
static bool applies(const gt_request *rq, const gt_negative *n) {
  switch (n->in) {
  case GT_NEG_QUERY:
    return n->value || map_has(rq->query, n->name, false);
  case GT_NEG_HEADER:
    return n->value || map_has(rq->headers, n->name, true);
  case GT_NEG_COOKIE:
    return n->value || has_cookie(header_text(rq->headers, "Cookie"), n->name);
  case GT_NEG_PATH:
    return rq->path && n->segment >= 0 && segments_of(rq->path->text) > n->segment;
  case GT_NEG_JSON:
    return rq->body_kind == GT_BODY_JSON && json_place(rq->body, n);
  case GT_NEG_FORM:
    return rq->body_kind == GT_BODY_FORM && rq->body && rq->body->kind == GT_NODE_MAP;
  }
  return false;
}

static void of_fault(const gt_scenario *sc, gt_fault_id f, const char *none, gt_variant_vec *v) {
  const gt_contract *k = sc->contract;
  size_t listed = 0;
  for (size_t i = 0; k && i < k->n_negatives; i++) {
    const gt_negative *n = &k->negatives[i];
    if (n->fault != f) continue;
    listed++;
    if (!applies(&sc->request, n)) continue;
    v->items = gt_xrealloc(v->items, (v->count + 1) * sizeof *v->items);
    v->items[v->count].label = gt_xstrdup(n->label);
    v->items[v->count].param_text = NULL;
    v->items[v->count].param = (int)i;
    v->count++;
  }
  if (!v->count)
    v->none_reason =
        listed ? "the request has none of the places the document constrains so" : none;
}

void gt_variants_not_in_enum(const gt_suite *s, const gt_scenario *sc, gt_variant_vec *v) {
  (void)s;
  of_fault(sc, GT_FAULT_NOT_IN_ENUM, "the operation documents no enum on a parameter or property",
           v);
}

void gt_variants_out_of_range(const gt_suite *s, const gt_scenario *sc, gt_variant_vec *v) {
  (void)s;
  of_fault(sc, GT_FAULT_OUT_OF_RANGE,
           "the operation documents no minimum or maximum on a parameter or property", v);
}

void gt_variants_bad_length(const gt_suite *s, const gt_scenario *sc, gt_variant_vec *v) {
  (void)s;
  of_fault(sc, GT_FAULT_BAD_LENGTH,
           "the operation documents no minLength or maxLength on a parameter or property", v);
}

void gt_variants_pattern_mismatch(const gt_suite *s, const gt_scenario *sc, gt_variant_vec *v) {
  (void)s;
  of_fault(sc, GT_FAULT_PATTERN_MISMATCH,
           "the operation documents no pattern on a parameter or property", v);
}

void gt_variants_duplicate_items(const gt_suite *s, const gt_scenario *sc, gt_variant_vec *v) {
  (void)s;
  of_fault(sc, GT_FAULT_DUPLICATE_ITEMS,
           "the operation documents no `uniqueItems` array in the request body", v);
}

void gt_variants_missing_param(const gt_suite *s, const gt_scenario *sc, gt_variant_vec *v) {
  (void)s;
  of_fault(sc, GT_FAULT_MISSING_PARAM,
           "the operation documents no required query, header or cookie parameter", v);
}
