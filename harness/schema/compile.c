/* compile.c — one schema object to an sc_node: checks each keyword's type
 * (a wrong type is a FILE:LINE:COL load error), compiles subschemas, regexes
 * and property tables, and orders the keywords so unevaluated* run last.
 * Which keywords exist depends on the dialect. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"
#include "compile_internal.h"

#define MAX_NESTING 200
#define MAX_KWS 48

bool sc_compile_fail(sc_cc *c, const gt_node *at, const char *fmt, ...) {
  if (c->err->kind != GT_OK) return false; /* keep the first */
  char msg[900];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  gt_err_set(c->err, GT_ERR_INPUT, at ? at->file : NULL, at ? at->line : 0, at ? at->col : 0, "%s",
             msg);
  return false;
}

const char *sc_keep(sc_cc *c, char *owned) {
  if (c->n_strings == c->cap_strings) {
    c->cap_strings = c->cap_strings ? c->cap_strings * 2 : 64;
    c->strings = gt_xrealloc(c->strings, c->cap_strings * sizeof *c->strings);
  }
  c->strings[c->n_strings++] = owned;
  return owned;
}

/* ---- scalar readers ---- */

typedef enum { V_NULL, V_BOOL, V_NUM, V_STR, V_MAP, V_SEQ } vkind;

static vkind kind_of(const gt_node *n, double *num, bool *b) {
  if (n->kind == GT_NODE_MAP) return V_MAP;
  if (n->kind == GT_NODE_SEQ) return V_SEQ;
  cJSON *j = gt_scalar_to_json(n->text ? n->text : "", n->text ? n->text_len : 0, n->quoted);
  vkind k = V_STR;
  if (cJSON_IsNull(j))
    k = V_NULL;
  else if (cJSON_IsBool(j)) {
    k = V_BOOL;
    if (b) *b = cJSON_IsTrue(j);
  } else if (cJSON_IsNumber(j)) {
    k = V_NUM;
    if (num) *num = j->valuedouble;
  }
  cJSON_Delete(j);
  return k;
}

static bool read_number(sc_cc *c, const gt_node *n, const char *name, double *out) {
  if (kind_of(n, out, NULL) != V_NUM) return sc_compile_fail(c, n, "%s must be a number", name);
  return true;
}

static bool read_count(sc_cc *c, const gt_node *n, const char *name, double *out) {
  if (kind_of(n, out, NULL) != V_NUM || *out < 0 || floor(*out) != *out)
    return sc_compile_fail(c, n, "%s must be a non-negative integer", name);
  return true;
}

static bool read_bool(sc_cc *c, const gt_node *n, const char *name, bool *out) {
  if (kind_of(n, NULL, out) != V_BOOL)
    return sc_compile_fail(c, n, "%s must be true or false", name);
  return true;
}

static const char *read_string(sc_cc *c, const gt_node *n, const char *name) {
  if (kind_of(n, NULL, NULL) != V_STR) {
    sc_compile_fail(c, n, "%s must be a string", name);
    return NULL;
  }
  return n->text ? n->text : "";
}

static bool read_strings(sc_cc *c, const gt_node *n, const char *name, const char ***v,
                         uint32_t *count) {
  if (n->kind != GT_NODE_SEQ) return sc_compile_fail(c, n, "%s must be an array of strings", name);
  *v = sc_alloc(c->s, (n->count + 1) * sizeof **v);
  *count = (uint32_t)n->count;
  for (size_t i = 0; i < n->count; i++) {
    const char *t = read_string(c, n->items[i], name);
    if (!t) return false;
    (*v)[i] = sc_strdup(c->s, t);
  }
  return true;
}

/* ---- locations ---- */

static const char *child_ptr(sc_cc *c, const char *ptr, const char *token) {
  return sc_keep(c, sc_ptr_append(ptr, token));
}

static const char *loc_of(sc_cc *c, const sc_where *w, const char *ptr) {
  return sc_printf(c->s, "%s#%s", w->doc->display, ptr);
}

static const char *kw_loc(sc_cc *c, const sc_where *w, const char *name) {
  char *p = sc_ptr_append(w->ptr, name);
  const char *l = loc_of(c, w, p);
  free(p);
  return l;
}

static sc_node *sub_at(sc_cc *c, const gt_node *n, const sc_where *w, const char *token,
                       const char *token2, int depth) {
  sc_where cw = *w;
  cw.bool_ok = !strcmp(token, "additionalProperties") || !strcmp(token, "additionalItems");
  cw.ptr = child_ptr(c, w->ptr, token);
  if (token2) cw.ptr = child_ptr(c, cw.ptr, token2);
  return sc_compile_node(c, n, &cw, depth + 1);
}

static bool sub_array(sc_cc *c, const gt_node *n, const sc_where *w, const char *name, int depth,
                      bool nonempty, sc_node ***v, uint32_t *count) {
  if (n->kind != GT_NODE_SEQ || (nonempty && n->count == 0))
    return sc_compile_fail(c, n, "%s must be a%s array of schemas", name,
                           nonempty ? " non-empty" : "n");
  *v = sc_alloc(c->s, (n->count + 1) * sizeof **v);
  *count = (uint32_t)n->count;
  for (size_t i = 0; i < n->count; i++) {
    char idx[24];
    snprintf(idx, sizeof idx, "%zu", i);
    if (!((*v)[i] = sub_at(c, n->items[i], w, name, idx, depth))) return false;
  }
  return true;
}

/* ---- type ---- */

static bool type_bit(const char *t, unsigned *bits) {
  static const struct {
    const char *name;
    unsigned bits;
  } T[] = {{"null", T_NULL},  {"boolean", T_BOOL}, {"integer", T_INT}, {"number", T_INT | T_NUM},
           {"string", T_STR}, {"array", T_ARR},    {"object", T_OBJ}};
  for (size_t i = 0; i < sizeof T / sizeof *T; i++)
    if (!strcmp(t, T[i].name)) {
      *bits |= T[i].bits;
      return true;
    }
  return false;
}

static bool read_type(sc_cc *c, const gt_node *n, unsigned *bits) {
  *bits = 0;
  if (n->kind == GT_NODE_SEQ) {
    for (size_t i = 0; i < n->count; i++) {
      const char *t = read_string(c, n->items[i], "type");
      if (!t) return false;
      if (!type_bit(t, bits)) return sc_compile_fail(c, n->items[i], "unknown type \"%s\"", t);
    }
    return true;
  }
  const char *t = read_string(c, n, "type");
  if (!t) return false;
  if (!type_bit(t, bits)) return sc_compile_fail(c, n, "unknown type \"%s\"", t);
  return true;
}

/* ---- properties table ---- */

static void props_insert(sc_object *o, const char *name, sc_node *node) {
  uint32_t len = (uint32_t)strlen(name), h = sc_hash(name, len);
  uint32_t mask = o->table_size - 1;
  for (uint32_t i = h & mask;; i = (i + 1) & mask) {
    sc_prop *p = &o->table[i];
    if (!p->name) {
      *p = (sc_prop){name, len, h, node};
      o->n_props++;
      return;
    }
    if (p->len == len && !memcmp(p->name, name, len)) return; /* duplicate: first wins */
  }
}

static bool compile_object_kw(sc_cc *c, const gt_node *n, const sc_where *w, int depth,
                              sc_object *o) {
  const gt_node *props = gt_node_get(n, "properties");
  const gt_node *pats = gt_node_get(n, "patternProperties");
  const gt_node *add = gt_node_get(n, "additionalProperties");
  if (props) {
    if (props->kind != GT_NODE_MAP)
      return sc_compile_fail(c, props, "properties must be an object of schemas");
    o->table_size = 4;
    while (o->table_size < props->count * 2)
      o->table_size *= 2;
    o->table = sc_alloc(c->s, o->table_size * sizeof *o->table);
    for (size_t i = 0; i < props->count; i++) {
      const char *name = props->keys[i]->text ? props->keys[i]->text : "";
      sc_node *sub = sub_at(c, props->items[i], w, "properties", name, depth);
      if (!sub) return false;
      props_insert(o, sc_strdup(c->s, name), sub);
    }
    o->props_loc = kw_loc(c, w, "properties");
  }
  if (pats) {
    if (pats->kind != GT_NODE_MAP)
      return sc_compile_fail(c, pats, "patternProperties must be an object of schemas");
    o->pats = sc_alloc(c->s, (pats->count + 1) * sizeof *o->pats);
    o->n_pats = (uint32_t)pats->count;
    for (size_t i = 0; i < pats->count; i++) {
      const char *src = pats->keys[i]->text ? pats->keys[i]->text : "";
      char why[256];
      if (!sc_regex_compile(c->s, src, &o->pats[i].re, why, sizeof why))
        return sc_compile_fail(c, pats->keys[i], "invalid regex \"%s\": %s", src, why);
      if (!(o->pats[i].node = sub_at(c, pats->items[i], w, "patternProperties", src, depth)))
        return false;
    }
    o->pats_loc = kw_loc(c, w, "patternProperties");
  }
  if (add) {
    if (!(o->additional = sub_at(c, add, w, "additionalProperties", NULL, depth))) return false;
    o->additional_loc = kw_loc(c, w, "additionalProperties");
  }
  return true;
}

/* ---- the keywords of one schema object ---- */

typedef struct kwlist {
  sc_kw v[MAX_KWS];
  uint32_t n;
} kwlist;

static sc_kw *add_kw(kwlist *l, sc_cc *c, const sc_where *w, sc_op op, unsigned applies,
                     const char *name) {
  sc_kw *k = &l->v[l->n++];
  memset(k, 0, sizeof *k);
  k->op = (uint8_t)op;
  k->applies = (uint8_t)applies;
  k->loc = kw_loc(c, w, name);
  return k;
}

/* `$ref` or (dynamic) `$dynamicRef`: a keyword whose target is resolved once
 * the whole document set is compiled (sc_add_pending). */
static bool compile_ref(sc_cc *c, kwlist *l, const sc_where *w, const gt_node *v, bool dynamic) {
  const char *name = dynamic ? "$dynamicRef" : "$ref";
  const char *r = read_string(c, v, name);
  if (!r) return false;
  sc_kw *k = add_kw(l, c, w, dynamic ? OP_DYNREF : OP_REF, T_ANY, name);
  k->u.ref = sc_alloc(c->s, sizeof *k->u.ref);
  sc_add_pending(c, k->u.ref, dynamic, r, v, w);
  return true;
}

static bool is_modern(gt_schema_dialect d) {
  return d == GT_DIALECT_2020_12;
}
static bool is_draft4(gt_schema_dialect d) {
  return d == GT_DIALECT_DRAFT4 || d == GT_DIALECT_OPENAPI30;
}

static bool compile_numeric(sc_cc *c, const gt_node *n, const sc_where *w, kwlist *l) {
  const gt_node *v;
  double d;
  if ((v = gt_node_get(n, "multipleOf"))) {
    if (!read_number(c, v, "multipleOf", &d)) return false;
    if (d <= 0) return sc_compile_fail(c, v, "multipleOf must be greater than 0");
    add_kw(l, c, w, OP_MULTIPLE_OF, T_INT | T_NUM, "multipleOf")->u.num = d;
  }
  const char *bound[2] = {"maximum", "minimum"};
  const char *excl[2] = {"exclusiveMaximum", "exclusiveMinimum"};
  sc_op op[2] = {OP_MAXIMUM, OP_MINIMUM}, xop[2] = {OP_EXCL_MAXIMUM, OP_EXCL_MINIMUM};
  for (int i = 0; i < 2; i++) {
    const gt_node *b = gt_node_get(n, bound[i]), *x = gt_node_get(n, excl[i]);
    bool exclusive_flag = false;
    if (x && is_draft4(w->dialect)) {
      if (!read_bool(c, x, excl[i], &exclusive_flag)) return false;
    } else if (x) {
      if (!read_number(c, x, excl[i], &d)) return false;
      add_kw(l, c, w, xop[i], T_INT | T_NUM, excl[i])->u.num = d;
    }
    if (b) {
      if (!read_number(c, b, bound[i], &d)) return false;
      if (exclusive_flag)
        add_kw(l, c, w, xop[i], T_INT | T_NUM, excl[i])->u.num = d;
      else
        add_kw(l, c, w, op[i], T_INT | T_NUM, bound[i])->u.num = d;
    }
  }
  return true;
}

static bool compile_counts(sc_cc *c, const gt_node *n, const sc_where *w, kwlist *l) {
  static const struct {
    const char *name;
    sc_op op;
    unsigned applies;
  } C[] = {{"maxLength", OP_MAX_LENGTH, T_STR},    {"minLength", OP_MIN_LENGTH, T_STR},
           {"maxItems", OP_MAX_ITEMS, T_ARR},      {"minItems", OP_MIN_ITEMS, T_ARR},
           {"maxProperties", OP_MAX_PROPS, T_OBJ}, {"minProperties", OP_MIN_PROPS, T_OBJ}};
  for (size_t i = 0; i < sizeof C / sizeof *C; i++) {
    const gt_node *v = gt_node_get(n, C[i].name);
    double d;
    if (!v) continue;
    if (!read_count(c, v, C[i].name, &d)) return false;
    add_kw(l, c, w, C[i].op, C[i].applies, C[i].name)->u.num = d;
  }
  return true;
}

static bool compile_string(sc_cc *c, const gt_node *n, const sc_where *w, kwlist *l) {
  const gt_node *v;
  if ((v = gt_node_get(n, "pattern")) && (w->vocab & VOC_VALIDATION)) {
    const char *src = read_string(c, v, "pattern");
    if (!src) return false;
    sc_kw *k = add_kw(l, c, w, OP_PATTERN, T_STR, "pattern");
    char why[256];
    if (!sc_regex_compile(c->s, src, &k->u.re, why, sizeof why))
      return sc_compile_fail(c, v, "invalid regex \"%s\": %s", src, why);
  }
  if ((v = gt_node_get(n, "format"))) {
    const char *f = read_string(c, v, "format");
    if (!f) return false;
    if ((c->opts->strict_formats || (w->vocab & VOC_FORMAT_ASSERTION)) && sc_format_known(f))
      add_kw(l, c, w, OP_FORMAT, T_STR, "format")->u.format = sc_strdup(c->s, f);
  }
  if (c->opts->strict_formats && w->dialect == GT_DIALECT_DRAFT7) {
    const gt_node *enc = gt_node_get(n, "contentEncoding");
    const gt_node *media = gt_node_get(n, "contentMediaType");
    unsigned flags = 0;
    if (enc && enc->kind == GT_NODE_SCALAR && enc->text && !strcmp(enc->text, "base64"))
      flags |= SC_CONTENT_BASE64;
    if (media && media->kind == GT_NODE_SCALAR && media->text &&
        !strcmp(media->text, "application/json"))
      flags |= SC_CONTENT_JSON;
    if (flags)
      add_kw(l, c, w, OP_CONTENT, T_STR,
             flags & SC_CONTENT_JSON ? "contentMediaType" : "contentEncoding")
          ->u.types = flags;
  }
  return true;
}

static bool compile_values(sc_cc *c, const gt_node *n, const sc_where *w, kwlist *l) {
  const gt_node *v;
  if ((v = gt_node_get(n, "enum"))) {
    if (v->kind != GT_NODE_SEQ) return sc_compile_fail(c, v, "enum must be an array");
    sc_kw *k = add_kw(l, c, w, OP_ENUM, T_ANY, "enum");
    k->u.values.v = sc_alloc(c->s, (v->count + 1) * sizeof(cJSON *));
    k->u.values.n = (uint32_t)v->count;
    for (size_t i = 0; i < v->count; i++) {
      cJSON *j = gt_node_to_json(v->items[i]);
      sc_own_json(c->s, j);
      k->u.values.v[i] = j;
    }
  }
  if ((v = gt_node_get(n, "const")) && !is_draft4(w->dialect)) {
    sc_kw *k = add_kw(l, c, w, OP_CONST, T_ANY, "const");
    cJSON *j = gt_node_to_json(v);
    sc_own_json(c->s, j);
    k->u.values.v = sc_alloc(c->s, sizeof(cJSON *));
    k->u.values.v[0] = j;
    k->u.values.n = 1;
  }
  return true;
}

static bool compile_arrays(sc_cc *c, const gt_node *n, const sc_where *w, int depth, kwlist *l) {
  bool app = w->vocab & VOC_APPLICATOR, val = w->vocab & VOC_VALIDATION;
  const gt_node *items = app ? gt_node_get(n, "items") : NULL, *v;
  sc_items *it = NULL;
  if (is_modern(w->dialect)) {
    const gt_node *prefix = app ? gt_node_get(n, "prefixItems") : NULL;
    if (prefix || items) {
      it = sc_alloc(c->s, sizeof *it);
      if (prefix) {
        if (!sub_array(c, prefix, w, "prefixItems", depth, true, &it->prefix, &it->n_prefix))
          return false;
        it->prefix_loc = kw_loc(c, w, "prefixItems");
      }
      if (items) {
        if (items->kind == GT_NODE_SEQ)
          return sc_compile_fail(c, items,
                                 "items must be a schema in 2020-12 (a tuple is prefixItems)");
        if (!(it->rest = sub_at(c, items, w, "items", NULL, depth))) return false;
        it->rest_loc = kw_loc(c, w, "items");
      }
    }
  } else if (items) {
    it = sc_alloc(c->s, sizeof *it);
    if (items->kind == GT_NODE_SEQ) {
      if (!sub_array(c, items, w, "items", depth, false, &it->prefix, &it->n_prefix)) return false;
      it->prefix_loc = kw_loc(c, w, "items");
      if ((v = gt_node_get(n, "additionalItems"))) {
        if (!(it->rest = sub_at(c, v, w, "additionalItems", NULL, depth))) return false;
        it->rest_loc = kw_loc(c, w, "additionalItems");
      }
    } else {
      if (!(it->rest = sub_at(c, items, w, "items", NULL, depth))) return false;
      it->rest_loc = kw_loc(c, w, "items");
    }
  }
  if (it)
    add_kw(l, c, w, OP_ITEMS, T_ARR,
           it->prefix_loc && is_modern(w->dialect) ? "prefixItems" : "items")
        ->u.items = it;

  if (app && (v = gt_node_get(n, "contains")) && !is_draft4(w->dialect)) {
    sc_contains *ct = sc_alloc(c->s, sizeof *ct);
    if (!(ct->sub = sub_at(c, v, w, "contains", NULL, depth))) return false;
    ct->min = 1;
    ct->max = -1;
    const gt_node *m;
    if (val && is_modern(w->dialect) && (m = gt_node_get(n, "minContains"))) {
      if (!read_count(c, m, "minContains", &ct->min)) return false;
      ct->min_loc = kw_loc(c, w, "minContains");
    }
    if (val && is_modern(w->dialect) && (m = gt_node_get(n, "maxContains"))) {
      if (!read_count(c, m, "maxContains", &ct->max)) return false;
      ct->max_loc = kw_loc(c, w, "maxContains");
    }
    add_kw(l, c, w, OP_CONTAINS, T_ARR, "contains")->u.contains = ct;
  }
  if (val && (v = gt_node_get(n, "uniqueItems"))) {
    bool b;
    if (!read_bool(c, v, "uniqueItems", &b)) return false;
    if (b) add_kw(l, c, w, OP_UNIQUE_ITEMS, T_ARR, "uniqueItems");
  }
  return true;
}

static bool compile_deps(sc_cc *c, const gt_node *v, const sc_where *w, int depth, kwlist *l,
                         const char *name, bool allow_arrays, bool allow_schemas) {
  if (v->kind != GT_NODE_MAP) return sc_compile_fail(c, v, "%s must be an object", name);
  sc_kw *k = add_kw(l, c, w, OP_DEPS, T_OBJ, name);
  k->u.deps.v = sc_alloc(c->s, (v->count + 1) * sizeof(sc_dep));
  k->u.deps.n = (uint32_t)v->count;
  for (size_t i = 0; i < v->count; i++) {
    sc_dep *d = &k->u.deps.v[i];
    const char *key = v->keys[i]->text ? v->keys[i]->text : "";
    d->name = sc_strdup(c->s, key);
    char *p = sc_ptr_append(w->ptr, name), *p2 = sc_ptr_append(p, key);
    d->loc = loc_of(c, w, p2);
    free(p);
    free(p2);
    if (v->items[i]->kind == GT_NODE_SEQ && allow_arrays) {
      if (!read_strings(c, v->items[i], name, &d->required, &d->n_required)) return false;
    } else if (allow_schemas) {
      if (!(d->schema = sub_at(c, v->items[i], w, name, key, depth))) return false;
    } else {
      return sc_compile_fail(c, v->items[i], "%s values must be arrays of property names", name);
    }
  }
  return true;
}

static bool compile_objects(sc_cc *c, const gt_node *n, const sc_where *w, int depth, kwlist *l) {
  bool app = w->vocab & VOC_APPLICATOR, val = w->vocab & VOC_VALIDATION;
  const gt_node *v;
  if (val && (v = gt_node_get(n, "required"))) {
    /* draft-03 style `required: true` inside properties is not JSON Schema 4+ */
    sc_kw *k = add_kw(l, c, w, OP_REQUIRED, T_OBJ, "required");
    if (!read_strings(c, v, "required", &k->u.strs.v, &k->u.strs.n)) return false;
  }
  if (app && (gt_node_get(n, "properties") || gt_node_get(n, "patternProperties") ||
              gt_node_get(n, "additionalProperties"))) {
    sc_object *o = sc_alloc(c->s, sizeof *o);
    if (!compile_object_kw(c, n, w, depth, o)) return false;
    add_kw(l, c, w, OP_OBJECT, T_OBJ, o->table ? "properties" : "additionalProperties")->u.obj = o;
  }
  if (app && (v = gt_node_get(n, "propertyNames")) && !is_draft4(w->dialect)) {
    sc_node *sub = sub_at(c, v, w, "propertyNames", NULL, depth);
    if (!sub) return false;
    add_kw(l, c, w, OP_PROPERTY_NAMES, T_OBJ, "propertyNames")->u.sub = sub;
  }
  if (is_modern(w->dialect)) {
    if (val && (v = gt_node_get(n, "dependentRequired")) &&
        !compile_deps(c, v, w, depth, l, "dependentRequired", true, false))
      return false;
    if (app && (v = gt_node_get(n, "dependentSchemas")) &&
        !compile_deps(c, v, w, depth, l, "dependentSchemas", false, true))
      return false;
  } else if ((v = gt_node_get(n, "dependencies")) &&
             !compile_deps(c, v, w, depth, l, "dependencies", true, true)) {
    return false;
  }
  return true;
}

static bool compile_applicators(sc_cc *c, const gt_node *n, const sc_where *w, int depth,
                                kwlist *l) {
  static const struct {
    const char *name;
    sc_op op;
  } LISTS[] = {{"allOf", OP_ALLOF}, {"anyOf", OP_ANYOF}, {"oneOf", OP_ONEOF}};
  const gt_node *v;
  for (size_t i = 0; i < 3; i++) {
    if (!(v = gt_node_get(n, LISTS[i].name))) continue;
    sc_kw *k = add_kw(l, c, w, LISTS[i].op, T_ANY, LISTS[i].name);
    if (!sub_array(c, v, w, LISTS[i].name, depth, true, &k->u.subs.v, &k->u.subs.n)) return false;
  }
  if ((v = gt_node_get(n, "not"))) {
    sc_node *sub = sub_at(c, v, w, "not", NULL, depth);
    if (!sub) return false;
    add_kw(l, c, w, OP_NOT, T_ANY, "not")->u.sub = sub;
  }
  if ((v = gt_node_get(n, "if")) && w->dialect != GT_DIALECT_DRAFT6 && !is_draft4(w->dialect)) {
    sc_cond *cd = sc_alloc(c->s, sizeof *cd);
    if (!(cd->if_ = sub_at(c, v, w, "if", NULL, depth))) return false;
    const gt_node *t = gt_node_get(n, "then"), *e = gt_node_get(n, "else");
    if (t) {
      if (!(cd->then_ = sub_at(c, t, w, "then", NULL, depth))) return false;
      cd->then_loc = kw_loc(c, w, "then");
    }
    if (e) {
      if (!(cd->else_ = sub_at(c, e, w, "else", NULL, depth))) return false;
      cd->else_loc = kw_loc(c, w, "else");
    }
    add_kw(l, c, w, OP_IF, T_ANY, "if")->u.cond = cd;
  }
  return true;
}

/* OpenAPI annotations (opts.openapi): readOnly/writeOnly (also beside a
 * $ref, as documents write them) and a discriminator. Malformed ones are
 * ignored: they are annotations, the document still loads. */
static bool compile_openapi(sc_cc *c, const gt_node *n, const sc_where *w, kwlist *l) {
  unsigned access = 0;
  const gt_node *v;
  if ((v = gt_node_get(n, "readOnly")) && v->text && !strcmp(v->text, "true"))
    access |= SC_READ_ONLY;
  if ((v = gt_node_get(n, "writeOnly")) && v->text && !strcmp(v->text, "true"))
    access |= SC_WRITE_ONLY;
  if (access) add_kw(l, c, w, OP_ACCESS, 0, "readOnly")->u.types = access;
  const gt_node *d = gt_node_get(n, "discriminator");
  const gt_node *prop = d && d->kind == GT_NODE_MAP ? gt_node_get(d, "propertyName") : NULL;
  if (!prop || prop->kind != GT_NODE_SCALAR || !prop->text) return true;
  sc_disc *disc = sc_alloc(c->s, sizeof *disc);
  disc->prop = sc_strdup(c->s, prop->text);
  const gt_node *m = gt_node_get(d, "mapping");
  size_t n_map = m && m->kind == GT_NODE_MAP ? m->count : 0;
  disc->keys = sc_alloc(c->s, (n_map + 1) * sizeof *disc->keys);
  disc->targets = sc_alloc(c->s, (n_map + 1) * sizeof *disc->targets);
  for (size_t i = 0; i < n_map; i++) {
    if (!m->keys[i]->text || m->items[i]->kind != GT_NODE_SCALAR || !m->items[i]->text) continue;
    disc->keys[disc->n] = sc_strdup(c->s, m->keys[i]->text);
    disc->targets[disc->n++] = sc_strdup(c->s, m->items[i]->text);
  }
  add_kw(l, c, w, OP_DISCRIMINATOR, 0, "discriminator")->u.disc = disc;
  return true;
}

/* $defs / definitions: compiled so identifiers inside them are known (their
 * content is only used through $ref). */
static bool compile_defs(sc_cc *c, const gt_node *n, const sc_where *w, int depth) {
  const char *names[2] = {"$defs", "definitions"};
  for (int i = 0; i < 2; i++) {
    const gt_node *v = gt_node_get(n, names[i]);
    if (!v) continue;
    if (v->kind != GT_NODE_MAP)
      return sc_compile_fail(c, v, "%s must be an object of schemas", names[i]);
    for (size_t j = 0; j < v->count; j++)
      if (!sub_at(c, v->items[j], w, names[i], v->keys[j]->text ? v->keys[j]->text : "", depth))
        return false;
  }
  return true;
}

static bool anchor_name_ok(const char *a) {
  if (!((*a >= 'A' && *a <= 'Z') || (*a >= 'a' && *a <= 'z') || *a == '_')) return false;
  for (const char *p = a + 1; *p; p++)
    if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
          *p == '-' || *p == '.' || *p == '_'))
      return false;
  return true;
}

/* $id / id, $anchor, $dynamicAnchor: may start a new resource (*w is
 * updated) and register identifiers for this node. */
static bool compile_ids(sc_cc *c, const gt_node *n, sc_where *w, bool is_doc_root) {
  const char *idkw = is_draft4(w->dialect) ? "id" : "$id";
  const gt_node *v = gt_node_get(n, idkw);
  if (v && !is_doc_root) {
    const char *id = read_string(c, v, idkw);
    if (!id) return false;
    char *abs = sc_uri_resolve(w->base, id);
    char *hash = strchr(abs, '#');
    if (hash && hash[1] && is_modern(w->dialect)) {
      free(abs);
      return sc_compile_fail(c, v, "$id must not have a fragment in 2020-12 (use $anchor)");
    }
    if (hash && hash[1]) { /* draft-06/07 "$id": "#name" is an anchor */
      char *anchor = gt_xstrdup(abs);
      *hash = 0;
      if (strcmp(abs, w->base)) { /* and a new base */
        w->base = sc_keep(c, gt_xstrdup(abs));
        sc_resource *r = sc_alloc(c->s, sizeof *r);
        r->uri = sc_strdup(c->s, abs);
        w->res = r;
        sc_add_ident(c, gt_xstrdup(abs), n, w, false);
      }
      sc_add_ident(c, anchor, n, w, false);
      free(abs);
    } else {
      if (hash) *hash = 0;
      w->base = sc_keep(c, abs);
      sc_resource *r = sc_alloc(c->s, sizeof *r);
      r->uri = sc_strdup(c->s, abs);
      w->res = r;
      sc_add_ident(c, gt_xstrdup(abs), n, w, false);
    }
  }
  if (!is_modern(w->dialect)) return true;
  const char *akw[2] = {"$anchor", "$dynamicAnchor"};
  for (int i = 0; i < 2; i++) {
    if (!(v = gt_node_get(n, akw[i]))) continue;
    const char *a = read_string(c, v, akw[i]);
    if (!a) return false;
    if (!anchor_name_ok(a))
      return sc_compile_fail(c, v, "%s \"%s\" is not a valid anchor name", akw[i], a);
    sc_add_ident(c, gt_xasprintf("%s#%s", w->base, a), n, w, i == 1);
  }
  return true;
}

static int kw_rank(const sc_kw *k) {
  if (k->op == OP_UNEVAL_ITEMS || k->op == OP_UNEVAL_PROPS) return 2;
  if (k->op == OP_TYPE || k->op == OP_NULLABLE_TYPE) return 0;
  return 1;
}

sc_node *sc_compile_node(sc_cc *c, const gt_node *n, const sc_where *w0, int depth) {
  sc_node *memo = sc_memo_get(c, n);
  if (memo) return memo;
  if (depth > MAX_NESTING) {
    sc_compile_fail(c, n, "schema nested deeper than %d levels", MAX_NESTING);
    return NULL;
  }
  sc_where wv = *w0, *w = &wv;
  sc_node *s = sc_alloc(c->s, sizeof *s);
  if (n->kind != GT_NODE_MAP) {
    bool b;
    if (n->kind != GT_NODE_SCALAR || kind_of(n, NULL, &b) != V_BOOL) {
      sc_compile_fail(c, n, "a schema must be an object%s",
                      is_draft4(w->dialect) ? "" : " or a boolean");
      return NULL;
    }
    if (is_draft4(w->dialect) && !w->bool_ok) {
      sc_compile_fail(c, n, "boolean schemas need draft-06 or later (this schema is %s)",
                      gt_schema_dialect_name(w->dialect));
      return NULL;
    }
    s->kind = b ? SC_TRUE : SC_FALSE;
    s->loc = loc_of(c, w, w->ptr);
    s->res = w->res;
    sc_memo_put(c, n, s);
    return s;
  }
  s->kind = SC_OBJECT;
  sc_memo_put(c, n, s);
  bool is_doc_root = depth == 0 && !*w->ptr;

  const gt_node *v = gt_node_get(n, "$schema");
  if (v && !is_doc_root) {
    const char *uri = read_string(c, v, "$schema");
    gt_schema_dialect d;
    if (!uri) return NULL;
    if (!sc_dialect_of_uri(uri, &d)) {
      sc_compile_fail(
          c, v, "unknown dialect \"%s\" (supported: 2020-12, draft-07, draft-06, draft-04)", uri);
      return NULL;
    }
    w->dialect = d;
  }
  kwlist *l = gt_xmalloc(sizeof *l);
  l->n = 0;
  const gt_node *ref = gt_node_get(n, "$ref");
  bool only_ref = ref && !is_modern(w->dialect); /* draft-04..07: $ref hides its siblings */

  bool ok = true;
  if (!only_ref) ok = compile_ids(c, n, w, is_doc_root);
  s->loc = loc_of(c, w, w->ptr);
  s->res = w->res;
  if (ok && ref) {
    ok = compile_ref(c, l, w, ref, false);
  }
  if (ok && !only_ref) {
    bool val = w->vocab & VOC_VALIDATION;
    if (val && (v = gt_node_get(n, "type"))) {
      unsigned bits;
      ok = read_type(c, v, &bits);
      const gt_node *nl = w->dialect == GT_DIALECT_OPENAPI30 ? gt_node_get(n, "nullable") : NULL;
      bool nullable = false;
      if (ok && nl) ok = read_bool(c, nl, "nullable", &nullable);
      if (ok) add_kw(l, c, w, OP_TYPE, T_ANY, "type")->u.types = bits | (nullable ? T_NULL : 0);
    }
    ok = ok &&
         (!val || (compile_values(c, n, w, l) && compile_numeric(c, n, w, l) &&
                   compile_counts(c, n, w, l))) &&
         compile_string(c, n, w, l) && compile_arrays(c, n, w, depth, l) &&
         compile_objects(c, n, w, depth, l) &&
         (!(w->vocab & VOC_APPLICATOR) || compile_applicators(c, n, w, depth, l)) &&
         compile_defs(c, n, w, depth);
    if (ok && is_modern(w->dialect)) {
      if ((v = gt_node_get(n, "$dynamicRef"))) ok = compile_ref(c, l, w, v, true);
      bool unev = w->vocab & VOC_UNEVALUATED;
      if (ok && unev && (v = gt_node_get(n, "unevaluatedItems"))) {
        sc_node *sub = sub_at(c, v, w, "unevaluatedItems", NULL, depth);
        ok = sub != NULL;
        if (ok) add_kw(l, c, w, OP_UNEVAL_ITEMS, T_ARR, "unevaluatedItems")->u.sub = sub;
        s->tracks = c->has_uneval = true;
      }
      if (ok && unev && (v = gt_node_get(n, "unevaluatedProperties"))) {
        sc_node *sub = sub_at(c, v, w, "unevaluatedProperties", NULL, depth);
        ok = sub != NULL;
        if (ok) add_kw(l, c, w, OP_UNEVAL_PROPS, T_OBJ, "unevaluatedProperties")->u.sub = sub;
        s->tracks = c->has_uneval = true;
      }
    }
  }
  if (ok && c->opts->openapi) ok = compile_openapi(c, n, w, l);
  if (!ok) {
    free(l);
    return NULL;
  }
  /* stable order: type first, unevaluated* last */
  s->kws = sc_alloc(c->s, (l->n + 1) * sizeof *s->kws);
  for (int rank = 0; rank < 3; rank++)
    for (uint32_t i = 0; i < l->n; i++)
      if (kw_rank(&l->v[i]) == rank) s->kws[s->n_kws++] = l->v[i];
  free(l);
  return s;
}
