/* defects.c — what a document asks that no server can give (docs/openapi.md
 * "Document defects"): `gauntlet check` prints each as a warning, and the
 * `schema` check names the defect in the failure it causes (contract.c), so
 * that a derived run against a faithful server (`gauntlet serve` of the same
 * document) fails only where the document is at fault, and says so:
 *
 * - a body schema no finite value satisfies: a cycle of required properties
 *   (TreeNode.parent is a required TreeNode), allOf parts of disjoint types;
 * - a oneOf two of whose branches accept the same values (they differ in
 *   annotations only) and no discriminator picks between them: no value
 *   matches exactly one;
 * - a body example its own schema rejects (not sent: a synthesized value is);
 * - a link whose `$response.body#/...` pointer the response's schema says
 *   selects nothing (derive.c does not use it).
 *
 * Everything here is bounded (depth, a node budget): a document too large or
 * too tangled to judge gives no warning rather than a slow load. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oa_internal.h"

#define MAX_DEPTH 24
#define SAT_BUDGET 20000

typedef struct finder {
  oa_reader *R;
  gt_oa_warning *list;
  size_t n, cap;
  long budget;
  const gt_node *stack[MAX_DEPTH + 1]; /* schemas being judged (cycle detection) */
  int depth;
  /* schemas known to admit a finite value (open addressing by pointer):
   * each is judged once however many bodies use it */
  const gt_node **good;
  size_t good_cap, good_n;
} finder;

static size_t slot_of(const gt_node *n, size_t cap) {
  uintptr_t h = (uintptr_t)n;
  h ^= h >> 17;
  h *= 0x9E3779B97F4A7C15u;
  return (size_t)(h >> 7) & (cap - 1);
}

static bool known_good(const finder *F, const gt_node *n) {
  if (!F->good_cap) return false;
  for (size_t i = slot_of(n, F->good_cap);; i = (i + 1) & (F->good_cap - 1)) {
    if (!F->good[i]) return false;
    if (F->good[i] == n) return true;
  }
}

static void remember_good(finder *F, const gt_node *n) {
  if (F->good_n * 2 >= F->good_cap) {
    size_t cap = F->good_cap ? F->good_cap * 2 : 256;
    const gt_node **t = gt_xcalloc(cap, sizeof *t);
    for (size_t i = 0; i < F->good_cap; i++)
      if (F->good[i]) {
        size_t k = slot_of(F->good[i], cap);
        while (t[k])
          k = (k + 1) & (cap - 1);
        t[k] = F->good[i];
      }
    free(F->good);
    F->good = t;
    F->good_cap = cap;
  }
  size_t k = slot_of(n, F->good_cap);
  while (F->good[k] && F->good[k] != n)
    k = (k + 1) & (F->good_cap - 1);
  if (!F->good[k]) {
    F->good[k] = n;
    F->good_n++;
  }
}

static void warn(finder *F, const gt_node *at, const char *loc, const gt_oa_op *op,
                 const gt_node *schema, bool request, char *message) {
  for (size_t i = 0; i < F->n; i++) /* once per place and message */
    if (F->list[i].op == op && !strcmp(F->list[i].message, message)) {
      free(message);
      return;
    }
  if (F->n == F->cap) {
    F->cap = F->cap ? F->cap * 2 : 8;
    F->list = gt_xrealloc(F->list, F->cap * sizeof *F->list);
  }
  F->list[F->n++] = (gt_oa_warning){.file = at && at->file ? at->file : F->R->d->file,
                                    .line = at ? at->line : 1,
                                    .col = at ? at->col : 1,
                                    .message = message,
                                    .loc = loc ? gt_xstrdup(loc) : NULL,
                                    .op = op,
                                    .schema = schema,
                                    .request_body = request};
}

/* "#/components/schemas/TreeNode" for a place in the root document, the
 * file's name before the '#' elsewhere. Caller frees. */
static char *place(const finder *F, const oa_at *at) {
  if (at->doc == 0) return gt_xasprintf("#%s", at->ptr);
  return gt_xasprintf("%s#%s", F->R->d->files[at->doc], at->ptr);
}

/* ---- satisfiable: does some finite value pass the schema? ---- */

static unsigned type_bits(const gt_node *s) {
  static const char *const NAMES[] = {"null",   "boolean", "integer", "number",
                                      "string", "array",   "object"};
  const gt_node *t = gt_node_get(s, "type");
  if (!t) return 0x7f;
  unsigned bits = 0;
  size_t n = t->kind == GT_NODE_SEQ ? t->count : 1;
  for (size_t i = 0; i < n; i++) {
    const gt_node *x = t->kind == GT_NODE_SEQ ? t->items[i] : t;
    for (unsigned k = 0; x->kind == GT_NODE_SCALAR && x->text && k < 7; k++)
      if (!strcmp(x->text, NAMES[k])) bits |= 1u << k;
  }
  if (bits & (1u << 3)) bits |= 1u << 2; /* a number type admits integers */
  const char *nullable = oa_text(s, "nullable");
  if (nullable && !strcmp(nullable, "true")) bits |= 1u;
  return bits;
}

static bool sat(finder *F, const gt_node *s0, const oa_at *at0, char **why);

/* The schema of required property `name` as s declares it (properties,
 * else additionalProperties), resolved from at; NULL when undescribed. */
static const gt_node *prop_schema(const gt_node *s, const char *name) {
  const gt_node *props = gt_node_get(s, "properties");
  const gt_node *p = props && props->kind == GT_NODE_MAP ? gt_node_get(props, name) : NULL;
  if (p) return p;
  const gt_node *extra = gt_node_get(s, "additionalProperties");
  return extra && extra->kind == GT_NODE_MAP ? extra : NULL;
}

static bool sat_sub(finder *F, const gt_node *sub, const oa_at *at, char **why) {
  if (!sub || sub->kind != GT_NODE_MAP) return true; /* true/false/absent: not judged */
  return sat(F, sub, at, why);
}

/* The object a schema of type object must be: each required property's
 * schema satisfiable (at: the schema's place). */
static bool sat_object(finder *F, const gt_node *s, const oa_at *at, char **why) {
  const gt_node *req = gt_node_get(s, "required");
  for (size_t i = 0; req && req->kind == GT_NODE_SEQ && i < req->count; i++) {
    const char *name = req->items[i]->text;
    const gt_node *ps = name ? prop_schema(s, name) : NULL;
    char *w = NULL;
    if (!ps || sat_sub(F, ps, at, &w)) continue;
    char *p = place(F, at);
    *why = gt_xasprintf("%s requires `%s`, %s", p, name, w ? w : "which admits no value");
    free(p);
    free(w);
    return false;
  }
  return true;
}

static bool sat_array(finder *F, const gt_node *s, const oa_at *at, char **why) {
  const gt_node *mi = gt_node_get(s, "minItems");
  if (!mi || !mi->text || strtod(mi->text, NULL) < 1) return true;
  char *w = NULL;
  if (sat_sub(F, gt_node_get(s, "items"), at, &w)) return true;
  char *p = place(F, at);
  *why = gt_xasprintf("%s requires items, %s", p, w ? w : "which admit no value");
  free(p);
  free(w);
  return false;
}

enum { T_SCALARS = 0x1f, T_ARRAY = 0x20, T_OBJECT = 0x40 };

static bool sat(finder *F, const gt_node *s0, const oa_at *at0, char **why) {
  if (--F->budget < 0 || F->depth >= MAX_DEPTH) return true; /* too much: no verdict */
  oa_at at = oa_copy(at0);
  gt_err *saved = F->R->err, ignored = {0};
  F->R->err = &ignored;
  const gt_node *s = oa_resolve(F->R, s0, &at);
  F->R->err = saved;
  bool ok = true;
  if (!s || s->kind != GT_NODE_MAP || known_good(F, s)) goto done;
  for (int i = 0; i < F->depth; i++)
    if (F->stack[i] == s) { /* back to a schema being judged: no finite value this way */
      char *p = place(F, &at);
      *why = gt_xasprintf("%s again", p);
      free(p);
      ok = false;
      goto done;
    }
  if (gt_node_get(s, "enum") || gt_node_get(s, "const") || gt_node_get(s, "example") ||
      gt_node_get(s, "default"))
    goto done; /* a value the document names */
  F->stack[F->depth++] = s;
  /* the types every allOf part admits */
  unsigned common = type_bits(s);
  const gt_node *all = gt_node_get(s, "allOf");
  for (size_t i = 0; ok && all && all->kind == GT_NODE_SEQ && i < all->count; i++) {
    oa_at w = oa_copy(&at);
    const gt_node *part = oa_resolve(F->R, all->items[i], &w);
    if (part && part->kind == GT_NODE_MAP) common &= type_bits(part);
    oa_at_free(&w);
    ok = sat_sub(F, all->items[i], &at, why);
  }
  if (ok && !common) {
    char *p = place(F, &at);
    *why = gt_xasprintf("%s: its allOf parts have no type in common", p);
    free(p);
    ok = false;
  }
  const char *alts[] = {"oneOf", "anyOf"};
  bool has_alts = false;
  for (size_t k = 0; ok && k < 2; k++) {
    const gt_node *a = gt_node_get(s, alts[k]);
    if (!a || a->kind != GT_NODE_SEQ || !a->count) continue;
    has_alts = true;
    bool any = false;
    char *first = NULL;
    for (size_t i = 0; i < a->count && !any; i++) {
      char *w = NULL;
      any = sat_sub(F, a->items[i], &at, &w);
      if (!first)
        first = w;
      else
        free(w);
    }
    if (!any) {
      *why = first;
      first = NULL;
      ok = false;
    }
    free(first);
  }
  /* a scalar type (null, a string...) is enough unless branches constrain
   * it; else an array or an object that can be finite */
  if (ok && !((common & T_SCALARS) && !has_alts)) {
    char *wa = NULL, *wo = NULL;
    bool arr = (common & T_ARRAY) && sat_array(F, s, &at, &wa);
    bool obj = !arr && (common & T_OBJECT) && sat_object(F, s, &at, &wo);
    if (!arr && !obj && (common & (T_ARRAY | T_OBJECT)) && !(common & T_SCALARS)) {
      *why = wo ? wo : wa;
      if (wo) free(wa);
      ok = false;
    } else {
      free(wa);
      free(wo);
    }
  }
  F->depth--;
  /* a finite value found is one whatever was assumed on the way (an
   * assumption only ever says "no"): safe to remember */
  if (ok) remember_good(F, s);
done:
  oa_at_free(&at);
  return ok;
}

/* ---- oneOf branches that accept the same values ---- */

static bool annotation(const char *key) {
  static const char *const KEYS[] = {
      "description", "title", "default",      "example",    "examples",
      "$comment",    "xml",   "externalDocs", "deprecated", "x-readme-ref-name"};
  if (!strncmp(key, "x-", 2)) return true;
  for (size_t i = 0; i < sizeof KEYS / sizeof *KEYS; i++)
    if (!strcmp(key, KEYS[i])) return true;
  return false;
}

static bool same_node(const gt_node *a, const gt_node *b, int depth) {
  if (a == b) return true;
  if (!a || !b || a->kind != b->kind || depth > MAX_DEPTH) return false;
  if (a->kind == GT_NODE_SCALAR) return a->text && b->text && !strcmp(a->text, b->text);
  if (a->count != b->count) return false;
  for (size_t i = 0; i < a->count; i++) {
    if (a->kind == GT_NODE_MAP) {
      const gt_node *y = gt_node_get(b, a->keys[i]->text);
      if (!y || !same_node(a->items[i], y, depth + 1)) return false;
    } else if (!same_node(a->items[i], b->items[i], depth + 1)) {
      return false;
    }
  }
  return true;
}

static bool same_schema(finder *F, const gt_node *a0, const oa_at *aat, const gt_node *b0,
                        const oa_at *bat, int depth);

static size_t significant_keys(const gt_node *s) {
  size_t n = 0;
  for (size_t i = 0; s->kind == GT_NODE_MAP && i < s->count; i++)
    n += s->keys[i]->text && !annotation(s->keys[i]->text);
  return n;
}

/* Two schema values of keyword `key`: schemas compared as schemas, lists
 * and maps of schemas item by item, anything else as data. */
static bool same_value(finder *F, const char *key, const gt_node *a, const oa_at *aat,
                       const gt_node *b, const oa_at *bat, int depth) {
  static const char *const SCHEMA_MAPS[] = {"properties", "patternProperties", "$defs",
                                            "definitions", "dependentSchemas"};
  static const char *const SCHEMA_LISTS[] = {"allOf", "anyOf", "oneOf", "prefixItems"};
  static const char *const SCHEMAS[] = {"items",
                                        "additionalProperties",
                                        "not",
                                        "contains",
                                        "propertyNames",
                                        "if",
                                        "then",
                                        "else",
                                        "additionalItems",
                                        "unevaluatedItems",
                                        "unevaluatedProperties"};
  for (size_t i = 0; i < sizeof SCHEMA_MAPS / sizeof *SCHEMA_MAPS; i++)
    if (!strcmp(key, SCHEMA_MAPS[i])) {
      if (a->kind != GT_NODE_MAP || b->kind != GT_NODE_MAP || a->count != b->count) return false;
      for (size_t k = 0; k < a->count; k++) {
        const gt_node *y = gt_node_get(b, a->keys[k]->text);
        if (!y || !same_schema(F, a->items[k], aat, y, bat, depth + 1)) return false;
      }
      return true;
    }
  for (size_t i = 0; i < sizeof SCHEMA_LISTS / sizeof *SCHEMA_LISTS; i++)
    if (!strcmp(key, SCHEMA_LISTS[i])) {
      if (a->kind != GT_NODE_SEQ || b->kind != GT_NODE_SEQ || a->count != b->count) return false;
      for (size_t k = 0; k < a->count; k++)
        if (!same_schema(F, a->items[k], aat, b->items[k], bat, depth + 1)) return false;
      return true;
    }
  for (size_t i = 0; i < sizeof SCHEMAS / sizeof *SCHEMAS; i++)
    if (!strcmp(key, SCHEMAS[i]))
      return a->kind == GT_NODE_MAP && b->kind == GT_NODE_MAP
                 ? same_schema(F, a, aat, b, bat, depth + 1)
                 : same_node(a, b, 0);
  return same_node(a, b, 0);
}

/* true when a and b certainly accept the same values: equal but for
 * annotations (after following $refs). false when unsure. */
static bool same_schema(finder *F, const gt_node *a0, const oa_at *aat, const gt_node *b0,
                        const oa_at *bat, int depth) {
  if (depth > 12 || --F->budget < 0) return false;
  oa_at a_at = oa_copy(aat), b_at = oa_copy(bat);
  gt_err *saved = F->R->err, ignored = {0};
  F->R->err = &ignored;
  const gt_node *a = oa_resolve(F->R, a0, &a_at);
  const gt_node *b = oa_resolve(F->R, b0, &b_at);
  F->R->err = saved;
  bool same = a && b && a == b;
  if (!same && a && b && a->kind == GT_NODE_MAP && b->kind == GT_NODE_MAP &&
      significant_keys(a) == significant_keys(b)) {
    same = true;
    for (size_t i = 0; same && i < a->count; i++) {
      const char *key = a->keys[i]->text;
      if (!key || annotation(key)) continue;
      const gt_node *y = gt_node_get(b, key);
      same = y && same_value(F, key, a->items[i], &a_at, y, &b_at, depth);
    }
  }
  oa_at_free(&a_at);
  oa_at_free(&b_at);
  return same;
}

/* A oneOf (at `at`, the schema holding it) whose branches i and j accept the
 * same values, unless a discriminator picks between them. */
static void check_one_of(finder *F, const gt_node *s, const oa_at *at) {
  const gt_node *one = gt_node_get(s, "oneOf");
  if (!one || one->kind != GT_NODE_SEQ || one->count < 2 || gt_node_get(s, "discriminator")) return;
  bool inherited = true;
  for (size_t i = 0; i < one->count && inherited; i++)
    inherited = oa_branch_discriminator(F->R, one->items[i], at) != NULL;
  if (inherited) return;
  for (size_t i = 0; i < one->count; i++)
    for (size_t j = i + 1; j < one->count; j++) {
      if (!same_schema(F, one->items[i], at, one->items[j], at, 0)) continue;
      oa_at kw = oa_child(at, "oneOf");
      char *loc = place(F, &kw);
      const char *ri = oa_text(one->items[i], "$ref"), *rj = oa_text(one->items[j], "$ref");
      char *msg = gt_xasprintf("%s: branches %zu%s%s%s and %zu%s%s%s accept the same values (they "
                               "differ in annotations only) and no discriminator picks one: no "
                               "value matches exactly one branch",
                               loc, i, ri ? " (" : "", ri ? ri : "", ri ? ")" : "", j,
                               rj ? " (" : "", rj ? rj : "", rj ? ")" : "");
      warn(F, one, loc, NULL, NULL, false, msg);
      free(loc);
      oa_at_free(&kw);
      return;
    }
}

/* Every oneOf of the root document; path holds the JSON Pointer of n (one
 * buffer, cut back on the way up: the document may be large). */
static void walk(finder *F, const gt_node *n, gt_buf *path, int depth) {
  if (!n || depth > 64 || n->kind == GT_NODE_SCALAR) return;
  if (n->kind == GT_NODE_MAP && gt_node_get(n, "oneOf")) {
    oa_at at = {0, gt_xstrdup(path->data ? path->data : "")};
    check_one_of(F, n, &at);
    oa_at_free(&at);
  }
  for (size_t i = 0; i < n->count; i++) {
    const gt_node *kid = n->items[i];
    if (!kid || kid->kind == GT_NODE_SCALAR) continue;
    size_t mark = path->len;
    if (n->kind == GT_NODE_SEQ) {
      gt_buf_printf(path, "/%zu", i);
    } else {
      const char *token = n->keys[i]->text;
      if (!token || !strncmp(token, "x-", 2)) continue;
      gt_pointer_append_token(path, token);
    }
    walk(F, kid, path, depth + 1);
    path->len = mark;
    path->data[mark] = 0;
  }
}

/* ---- the document's bodies ---- */

/* The place of a body schema: its document and the pointer of its URI. */
static oa_at schema_at(const gt_openapi *d, const gt_oa_schema *s) {
  const char *hash = s->uri ? strchr(s->uri, '#') : NULL;
  gt_buf b;
  gt_buf_init(&b);
  gt_buf_adds(&b, "");
  for (const char *p = hash ? hash + 1 : ""; *p; p++) { /* oa_uri percent-encoded a few */
    int hi, lo;
    if (p[0] == '%' && p[1] && p[2] && (hi = (p[1] >= 'A' ? p[1] - 'A' + 10 : p[1] - '0')) >= 0 &&
        (lo = (p[2] >= 'A' ? p[2] - 'A' + 10 : p[2] - '0')) >= 0) {
      gt_buf_addc(&b, (char)(hi * 16 + lo));
      p += 2;
    } else {
      gt_buf_addc(&b, *p);
    }
  }
  return (oa_at){oa_doc_of(d, s->node), gt_buf_steal(&b)};
}

static void check_body(finder *F, const gt_oa_op *op, const gt_oa_media *m, const char *status) {
  if (!m->schema.node) return;
  oa_at at = schema_at(F->R->d, &m->schema);
  char *why = NULL;
  F->budget = SAT_BUDGET;
  F->depth = 0;
  if (!sat(F, m->schema.node, &at, &why)) {
    char *msg =
        gt_xasprintf("no finite value is valid against the %s%s%s body schema of %s %s "
                     "(%s): %s",
                     status ? "" : "request", status ? status : "", status ? " response" : "",
                     op->method, op->path, m->type, why ? why : "");
    warn(F, m->schema.node, NULL, op, m->schema.node, !status, msg);
  }
  free(why);
  /* an example the schema rejects (not sent: synth.c synthesizes instead);
   * a $ref Example Object (components/examples) is the reader's to follow,
   * not judged here */
  bool ref = m->example && m->example->kind == GT_NODE_MAP && gt_node_get(m->example, "$ref");
  if (m->example && !ref && F->R->verify) {
    cJSON *ex = oa_example_json(m->example);
    if (oa_verifier_check(F->R->verify, m->schema.node, ex, status != NULL) == 0) {
      char *msg = gt_xasprintf("the example of the %s%s%s body of %s %s (%s) is not valid against "
                               "its schema: %s",
                               status ? "" : "request", status ? status : "",
                               status ? " response" : "", op->method, op->path, m->type,
                               status ? "serve answers a synthesized body"
                                      : "a synthesized body is sent instead");
      warn(F, m->example, NULL, NULL, NULL, false, msg);
    }
    cJSON_Delete(ex);
  }
  oa_at_free(&at);
}

/* Links reading the body by a pointer the response's schema cannot hold. */
static void check_links(finder *F, const gt_oa_op *op, const gt_oa_response *r) {
  const gt_node *links = r->links;
  const gt_oa_media *json = NULL;
  for (size_t i = 0; i < r->n_media && !json; i++)
    if (strstr(r->media[i].type, "json")) json = &r->media[i];
  for (size_t l = 0; json && links && links->kind == GT_NODE_MAP && l < links->count; l++) {
    oa_at at = {oa_doc_of(F->R->d, links->items[l]), gt_xstrdup("")};
    gt_err *saved = F->R->err, ignored = {0};
    F->R->err = &ignored;
    const gt_node *link = oa_resolve(F->R, links->items[l], &at);
    F->R->err = saved;
    oa_at_free(&at);
    const gt_node *params = link ? gt_node_get(link, "parameters") : NULL;
    for (size_t p = 0; params && params->kind == GT_NODE_MAP && p < params->count; p++) {
      const char *expr = params->items[p]->text;
      char why[256];
      if (!expr || strncmp(expr, "$response.body#/", 16) ||
          oa_pointer_may_select(F->R, json->schema.node, expr + 15, why, sizeof why))
        continue;
      char *msg = gt_xasprintf("link %s of %s %s %s reads %s, which selects nothing: %s (derived "
                               "suites do not use it)",
                               links->keys[l]->text, op->method, op->path, r->status, expr, why);
      warn(F, params->items[p], NULL, NULL, NULL, false, msg);
    }
  }
}

bool oa_pointer_may_select(oa_reader *R0, const gt_node *schema, const char *pointer, char *why,
                           size_t cap) {
  gt_err ignored = {0}; /* a broken $ref on the way: "may", the loader reports those */
  oa_reader L = {R0->d, &ignored, R0->verify}, *R = &L;
  oa_at at = {oa_doc_of(R->d, schema), gt_xstrdup("")};
  const gt_node *s = schema;
  bool ok = true;
  for (const char *p = pointer; ok && s && *p == '/';) {
    p++;
    size_t n = strcspn(p, "/");
    char *tok = gt_xstrndup(p, n);
    p += n;
    s = oa_resolve(R, s, &at);
    if (!s || s->kind != GT_NODE_MAP || gt_node_get(s, "oneOf") || gt_node_get(s, "anyOf") ||
        gt_node_get(s, "allOf")) {
      free(tok);
      break; /* not sure: it may */
    }
    const char *type = oa_text(s, "type");
    bool index = n && strspn(tok, "0123456789") == n;
    if (type && !strcmp(type, "array")) {
      if (!index) {
        snprintf(why, cap, "the body there is an array, `%s` is not an index", tok);
        ok = false;
      }
      s = gt_node_get(s, "items");
    } else if (type && strcmp(type, "object")) {
      snprintf(why, cap, "the body there is of type %s, which has no `%s`", type, tok);
      ok = false;
    } else {
      const gt_node *props = gt_node_get(s, "properties");
      const gt_node *p2 = props ? gt_node_get(props, tok) : NULL;
      const gt_node *extra = gt_node_get(s, "additionalProperties");
      bool open = (extra && extra->kind == GT_NODE_MAP) || gt_node_get(s, "patternProperties") ||
                  (extra && extra->text && !strcmp(extra->text, "true"));
      if (!p2 && !open && (props || (extra && extra->text && !strcmp(extra->text, "false")))) {
        /* a property the schema does not describe: a faithful server (a
         * mock) never sends it, and a client cannot count on it */
        snprintf(why, cap, "the response schema describes no property `%s` there", tok);
        ok = false;
      }
      s = p2 ? p2 : extra && extra->kind == GT_NODE_MAP ? extra : NULL;
    }
    free(tok);
  }
  oa_at_free(&at);
  return ok;
}

void oa_find_defects(oa_reader *R, gt_oa_warning **out, size_t *n) {
  finder F = {.R = R};
  const gt_openapi *d = R->d;
  for (size_t i = 0; i < d->n_ops; i++) {
    const gt_oa_op *op = &d->ops[i];
    for (size_t m = 0; m < op->n_body; m++)
      check_body(&F, op, &op->body[m], NULL);
    for (size_t r = 0; r < op->n_responses; r++) {
      for (size_t m = 0; m < op->responses[r].n_media; m++)
        check_body(&F, op, &op->responses[r].media[m], op->responses[r].status);
      check_links(&F, op, &op->responses[r]);
    }
  }
  gt_buf path;
  gt_buf_init(&path);
  gt_buf_adds(&path, "");
  F.budget = SAT_BUDGET * 10;
  walk(&F, d->trees[0], &path, 0);
  gt_buf_free(&path);
  free(F.good);
  *out = F.list;
  *n = F.n;
}

void oa_defects_free(gt_oa_warning *list, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(list[i].message);
    free(list[i].loc);
  }
  free(list);
}
