/* validate.c — runs a compiled schema over a cJSON instance.
 *
 * One loop per schema object over its compiled keywords, skipping those that
 * do not apply to the instance's type. The hot path allocates nothing: the
 * instance path and the dynamic scope live in fixed arrays on the stack,
 * error texts are built only when the caller asked for errors, and the
 * "evaluated" sets that unevaluatedItems/Properties need are kept only below
 * a schema object that has one (inline bits up to 128 children).
 *
 * Annotation rule: a subschema that fails contributes nothing. In-place
 * applicators (allOf, $ref, then/else, dependentSchemas) share the caller's
 * set since their failure fails the caller too; anyOf/oneOf/if collect into a
 * scratch set and merge it only when the branch passed; not never merges. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"
#include "../core/node.h"
#include "parts.h"
#include "schema_internal.h"

#define MAX_STACK 1024

typedef struct evals {
  uint64_t *bits;
  uint32_t n;
  uint64_t inline_bits[2];
} evals;

typedef struct pseg {
  const char *key; /* NULL: array index */
  size_t idx;
} pseg;

typedef struct vctx {
  const gt_schema *s;
  gt_schema_result *out; /* NULL: verdict only */
  unsigned depth, max_depth;
  unsigned plen, nscope;
  pcre2_match_data *md;
  bool overflow;
  uint8_t use; /* gt_schema_use: relaxes required for readOnly/writeOnly (OpenAPI) */
  /* the schema objects whose allOf is being evaluated, innermost last: a
   * required property may be declared readOnly in a sibling allOf part */
  const sc_node *owners[8];
  unsigned n_owners;
  pseg path[MAX_STACK + 1];
  const sc_resource *scope[MAX_STACK + 1];
} vctx;

/* ---- evaluated sets ---- */

static void ev_init(evals *e, uint32_t n) {
  e->n = n;
  e->inline_bits[0] = e->inline_bits[1] = 0;
  e->bits = n <= 128 ? e->inline_bits : gt_xcalloc((n + 63) / 64, sizeof(uint64_t));
}
static void ev_free(evals *e) {
  if (e->bits != e->inline_bits) free(e->bits);
}
static void ev_set(evals *e, uint32_t i) {
  if (i < e->n) e->bits[i / 64] |= (uint64_t)1 << (i % 64);
}
static bool ev_has(const evals *e, uint32_t i) {
  return i < e->n && (e->bits[i / 64] >> (i % 64)) & 1;
}
static void ev_merge(evals *into, const evals *from) {
  uint32_t words = (from->n + 63) / 64;
  for (uint32_t i = 0; i < words && i * 64 < into->n; i++)
    into->bits[i] |= from->bits[i];
}

static uint32_t child_count(const cJSON *x) {
  uint32_t n = 0;
  for (const cJSON *c = x->child; c; c = c->next)
    n++;
  return n;
}

/* ---- instance helpers ---- */

static unsigned type_of(const cJSON *x) {
  switch (x->type & 0xFF) {
  case cJSON_NULL:
    return T_NULL;
  case cJSON_False:
  case cJSON_True:
    return T_BOOL;
  case cJSON_Number: {
    double d = x->valuedouble;
    return (isfinite(d) && floor(d) == d) ? (T_NUM | T_INT) : T_NUM;
  }
  case cJSON_String:
    return T_STR;
  case cJSON_Array:
    return T_ARR;
  case cJSON_Object:
    return T_OBJ;
  default:
    return 0;
  }
}

bool sc_json_equal(const cJSON *a, const cJSON *b) {
  int ta = a->type & 0xFF, tb = b->type & 0xFF;
  if (ta != tb) return false;
  switch (ta) {
  case cJSON_Number:
    return a->valuedouble == b->valuedouble;
  case cJSON_String:
  case cJSON_Raw:
    return !strcmp(a->valuestring ? a->valuestring : "", b->valuestring ? b->valuestring : "");
  case cJSON_Array: {
    const cJSON *x = a->child, *y = b->child;
    for (; x && y; x = x->next, y = y->next)
      if (!sc_json_equal(x, y)) return false;
    return !x && !y;
  }
  case cJSON_Object: {
    if (child_count(a) != child_count(b)) return false;
    for (const cJSON *x = a->child; x; x = x->next) {
      const cJSON *y = cJSON_GetObjectItemCaseSensitive(b, x->string);
      if (!y || !sc_json_equal(x, y)) return false;
    }
    return true;
  }
  default:
    return true;
  }
}

static uint64_t json_hash(const cJSON *x) {
  uint64_t h = (uint64_t)(x->type & 0xFF) * 0x9E3779B97F4A7C15ULL;
  switch (x->type & 0xFF) {
  case cJSON_Number: {
    double d = x->valuedouble == 0 ? 0.0 : x->valuedouble;
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    return h ^ (bits * 0xff51afd7ed558ccdULL);
  }
  case cJSON_String:
    return h ^ sc_hash(x->valuestring, strlen(x->valuestring));
  case cJSON_Array:
    for (const cJSON *c = x->child; c; c = c->next)
      h = (h ^ json_hash(c)) * 0x100000001b3ULL;
    return h;
  case cJSON_Object:
    for (const cJSON *c = x->child; c; c = c->next)
      h += (sc_hash(c->string, strlen(c->string)) + 1) * (json_hash(c) | 1);
    return h;
  default:
    return h;
  }
}

size_t sc_utf8_length(const char *s) {
  size_t n = 0;
  for (; *s; s++)
    if (((unsigned char)*s & 0xC0) != 0x80) n++;
  return n;
}

/* ---- errors ---- */

static void short_json(const cJSON *x, char *out, size_t cap) {
  char *p = cJSON_PrintUnformatted(x);
  if (!p) {
    snprintf(out, cap, "(value)");
    return;
  }
  if (strlen(p) > 60)
    snprintf(out, cap, "%.57s...", p);
  else
    snprintf(out, cap, "%s", p);
  free(p);
}

static bool is_ident(const char *k) {
  if (!*k || (*k >= '0' && *k <= '9')) return false;
  for (const char *p = k; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
          *p == '_' || *p == '-'))
      return false;
  return true;
}

static void report(vctx *c, const char *loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void report(vctx *c, const char *loc, const char *fmt, ...) {
  gt_schema_result *r = c->out;
  if (!r) return;
  if (r->count >= GT_SCHEMA_MAX_ERRORS) {
    r->dropped++;
    return;
  }
  if (r->count == r->cap) {
    r->cap = r->cap ? r->cap * 2 : 8;
    r->errors = gt_xrealloc(r->errors, r->cap * sizeof *r->errors);
  }
  gt_buf ptr, path;
  gt_buf_init(&ptr);
  gt_buf_init(&path);
  gt_buf_adds(&ptr, "");
  gt_buf_adds(&path, "$");
  for (unsigned i = 0; i < c->plen; i++) {
    const pseg *s = &c->path[i];
    if (!s->key) {
      gt_buf_printf(&ptr, "/%zu", s->idx);
      gt_buf_printf(&path, "[%zu]", s->idx);
      continue;
    }
    gt_pointer_append_token(&ptr, s->key);
    if (is_ident(s->key)) {
      gt_buf_printf(&path, ".%s", s->key);
    } else {
      gt_buf_adds(&path, "['");
      for (const char *p = s->key; *p; p++) {
        if (*p == '\'' || *p == '\\') gt_buf_addc(&path, '\\');
        gt_buf_addc(&path, *p);
      }
      gt_buf_adds(&path, "']");
    }
  }
  gt_schema_error *e = &r->errors[r->count++];
  e->instance_ptr = gt_buf_steal(&ptr);
  e->instance_path = gt_buf_steal(&path);
  e->schema_loc = gt_xstrdup(loc);
  gt_buf msg;
  gt_buf_init(&msg);
  va_list ap;
  va_start(ap, fmt);
  gt_buf_vprintf(&msg, fmt, ap);
  va_end(ap);
  e->message = gt_buf_steal(&msg);
}

/* ---- the validator ---- */

static bool v_node(vctx *c, const sc_node *s, const cJSON *x, unsigned xt, evals *ev);

static bool v_child(vctx *c, const sc_node *s, const cJSON *x, const char *key, size_t idx) {
  c->path[c->plen++] = (pseg){key, idx};
  bool ok = v_node(c, s, x, type_of(x), NULL);
  c->plen--;
  return ok;
}

static void type_names(unsigned t, char *out, size_t cap) {
  static const struct {
    unsigned bit;
    const char *name;
  } N[] = {{T_NULL, "null"},  {T_BOOL, "boolean"}, {T_INT | T_NUM, "number"}, {T_INT, "integer"},
           {T_STR, "string"}, {T_ARR, "array"},    {T_OBJ, "object"}};
  out[0] = 0;
  size_t len = 0;
  for (size_t i = 0; i < sizeof N / sizeof *N; i++) {
    bool has = (t & N[i].bit) == N[i].bit;
    if (N[i].bit == T_INT && (t & T_NUM)) has = false; /* "number" covers it */
    if (!has) continue;
    len += (size_t)snprintf(out + len, len < cap ? cap - len : 0, "%s\"%s\"", len ? " or " : "",
                            N[i].name);
  }
}

typedef struct hashed_item {
  uint64_t h;
  const cJSON *v;
  uint32_t i;
} hashed_item;

static int by_hash(const void *x, const void *y) {
  const hashed_item *a = x, *b = y;
  if (a->h != b->h) return a->h < b->h ? -1 : 1;
  return a->i < b->i ? -1 : a->i > b->i;
}

/* Hash every item, sort by hash, compare only items with equal hashes:
 * O(n log n) for big arrays. Small arrays stay on the stack. */
static bool v_unique(vctx *c, const sc_kw *k, const cJSON *x) {
  uint32_t n = child_count(x);
  if (n < 2) return true;
  hashed_item stackbuf[32];
  hashed_item *a = n <= 32 ? stackbuf : gt_xmalloc(n * sizeof *a);
  uint32_t i = 0;
  for (const cJSON *it = x->child; it; it = it->next, i++)
    a[i] = (hashed_item){json_hash(it), it, i};
  qsort(a, n, sizeof *a, by_hash);
  bool ok = true;
  for (uint32_t p = 0; p < n && ok; p++)
    for (uint32_t q = p + 1; q < n && a[q].h == a[p].h; q++)
      if (sc_json_equal(a[p].v, a[q].v)) {
        report(c, k->loc, "array items %u and %u are equal (uniqueItems)", a[p].i, a[q].i);
        ok = false;
        break;
      }
  if (a != stackbuf) free(a);
  return ok;
}

static const sc_node *dynamic_target(vctx *c, const sc_ref *r) {
  if (!r->dynamic_name) return r->target;
  for (unsigned i = 0; i < c->nscope; i++) /* outermost first */
    for (const sc_dyn_anchor *a = c->scope[i]->dyn; a; a = a->next)
      if (!strcmp(a->name, r->dynamic_name) && a->node) return a->node;
  return r->target;
}

static bool v_items(vctx *c, const sc_kw *k, const cJSON *x, evals *ev) {
  const sc_items *it = k->u.items;
  bool ok = true;
  uint32_t i = 0;
  for (const cJSON *e = x->child; e; e = e->next, i++) {
    const sc_node *s = i < it->n_prefix ? it->prefix[i] : it->rest;
    if (!s) break;
    if (s->kind == SC_FALSE && s == it->rest) {
      report(c, it->rest_loc, "array has %u items, at most %u are allowed", child_count(x),
             it->n_prefix);
      return false;
    }
    if (!v_child(c, s, e, NULL, i)) {
      ok = false;
      if (!c->out) return false;
    }
    if (ev) ev_set(ev, i);
  }
  return ok;
}

static bool v_contains(vctx *c, const sc_kw *k, const cJSON *x, evals *ev) {
  const sc_contains *ct = k->u.contains;
  gt_schema_result *saved = c->out;
  c->out = NULL;
  double count = 0;
  uint32_t i = 0;
  for (const cJSON *e = x->child; e; e = e->next, i++) {
    if (v_child(c, ct->sub, e, NULL, i)) {
      count++;
      if (ev)
        ev_set(ev, i);
      else if (ct->max < 0 && count >= ct->min)
        break;
    }
  }
  c->out = saved;
  if (count < ct->min) {
    if (ct->min_loc)
      report(c, ct->min_loc, "%.0f items match \"contains\", fewer than minContains %.0f", count,
             ct->min);
    else
      report(c, k->loc, "no item matches the \"contains\" schema");
    return false;
  }
  if (ct->max >= 0 && count > ct->max) {
    report(c, ct->max_loc, "%.0f items match \"contains\", more than maxContains %.0f", count,
           ct->max);
    return false;
  }
  return true;
}

static const sc_prop *lookup(const sc_object *o, const char *key, size_t len) {
  uint32_t h = sc_hash(key, len), mask = o->table_size - 1;
  for (uint32_t i = h & mask;; i = (i + 1) & mask) {
    const sc_prop *p = &o->table[i];
    if (!p->name) return NULL;
    if (p->hash == h && p->len == len && !memcmp(p->name, key, len)) return p;
  }
}

static pcre2_match_data *match_data(vctx *c) {
  if (!c->md) c->md = atomic_exchange(c->s->spare_md, NULL);
  if (!c->md) c->md = pcre2_match_data_create(1, NULL);
  if (!c->md) gt_oom();
  return c->md;
}

static bool v_object(vctx *c, const sc_kw *k, const cJSON *x, evals *ev) {
  const sc_object *o = k->u.obj;
  bool ok = true;
  uint32_t i = 0;
  for (const cJSON *e = x->child; e; e = e->next, i++) {
    const char *key = e->string ? e->string : "";
    size_t len = strlen(key);
    bool matched = false;
    if (o->table) {
      const sc_prop *p = lookup(o, key, len);
      if (p) {
        matched = true;
        if (!v_child(c, p->node, e, key, 0)) ok = false;
      }
    }
    for (uint32_t j = 0; j < o->n_pats && (ok || c->out); j++) {
      if (!sc_regex_search(&o->pats[j].re, key, len, match_data(c), c->s->mctx)) continue;
      matched = true;
      if (!v_child(c, o->pats[j].node, e, key, 0)) ok = false;
    }
    if (!matched && o->additional) {
      if (o->additional->kind == SC_FALSE) {
        report(c, o->additional_loc, "property \"%s\" is not allowed", key);
        ok = false;
      } else if (!v_child(c, o->additional, e, key, 0)) {
        ok = false;
      }
    }
    if (ev && (matched || o->additional)) ev_set(ev, i);
    if (!ok && !c->out) return false;
  }
  return ok;
}

static bool v_uneval(vctx *c, const sc_kw *k, const cJSON *x, evals *ev, bool props) {
  bool ok = true;
  uint32_t i = 0;
  for (const cJSON *e = x->child; e; e = e->next, i++) {
    if (ev_has(ev, i)) continue;
    if (k->u.sub->kind == SC_FALSE) {
      if (props)
        report(c, k->loc, "property \"%s\" is not allowed (unevaluated)", e->string);
      else
        report(c, k->loc, "item %u is not allowed (unevaluated)", i);
      ok = false;
    } else if (!v_child(c, k->u.sub, e, props ? e->string : NULL, i)) {
      ok = false;
    }
    ev_set(ev, i);
    if (!ok && !c->out) return false;
  }
  return ok;
}

/* ---- OpenAPI: readOnly / writeOnly and discriminator (opts.openapi) ---- */

static const sc_kw *find_kw(const sc_node *s, sc_op op) {
  for (uint32_t i = 0; s && s->kind == SC_OBJECT && i < s->n_kws; i++)
    if (s->kws[i].op == op) return &s->kws[i];
  return NULL;
}

/* A schema object through its $ref chain (a branch `$ref: '#/.../Cat'`). */
static const sc_node *deref(const sc_node *s) {
  for (int hops = 0; s && hops < 16; hops++) {
    const sc_kw *r = find_kw(s, OP_REF);
    if (!r || find_kw(s, OP_DISCRIMINATOR) || find_kw(s, OP_ACCESS)) return s;
    s = r->u.ref->target;
  }
  return s;
}

static unsigned access_of(const sc_node *s) {
  for (int hops = 0; s && hops < 16; hops++) {
    const sc_kw *a = find_kw(s, OP_ACCESS);
    if (a) return a->u.types;
    const sc_kw *r = find_kw(s, OP_REF);
    s = r ? r->u.ref->target : NULL;
  }
  return 0;
}

/* The readOnly/writeOnly bits of property `name` as s declares it: its own
 * properties, else those of its allOf parts and $ref targets. */
static unsigned prop_access(const sc_node *s, const char *name, int depth) {
  if (!s || s->kind != SC_OBJECT || depth > 6) return 0;
  const sc_kw *o = find_kw(s, OP_OBJECT);
  if (o && o->u.obj->table) {
    const sc_prop *p = lookup(o->u.obj, name, strlen(name));
    if (p) return access_of(p->node);
  }
  for (uint32_t i = 0; i < s->n_kws; i++) {
    const sc_kw *k = &s->kws[i];
    unsigned a = 0;
    if (k->op == OP_REF)
      a = prop_access(k->u.ref->target, name, depth + 1);
    else if (k->op == OP_ALLOF)
      for (uint32_t j = 0; j < k->u.subs.n && !a; j++)
        a = prop_access(k->u.subs.v[j], name, depth + 1);
    if (a) return a;
  }
  return 0;
}

/* A required property this body may leave out: readOnly in a request,
 * writeOnly in a response. */
static bool may_omit(const vctx *c, const sc_node *s, const char *name) {
  if (c->use == GT_SCHEMA_USE_ANY) return false;
  unsigned skip = c->use == GT_SCHEMA_USE_REQUEST ? SC_READ_ONLY : SC_WRITE_ONLY;
  if (prop_access(s, name, 0) & skip) return true;
  for (unsigned i = c->n_owners; i-- > 0;)
    if (prop_access(c->owners[i], name, 0) & skip) return true;
  return false;
}

/* The discriminator a schema object declares, itself or through its allOf
 * parts ($ref'd: `Cat: allOf: [$ref: Pet, ...]`, Pet has it). */
static const sc_disc *disc_of(const sc_node *s, int depth) {
  s = deref(s);
  if (!s || s->kind != SC_OBJECT || depth > 4) return NULL;
  const sc_kw *d = find_kw(s, OP_DISCRIMINATOR);
  if (d) return d->u.disc;
  const sc_kw *all = find_kw(s, OP_ALLOF);
  for (uint32_t i = 0; all && i < all->u.subs.n; i++) {
    const sc_disc *x = disc_of(all->u.subs.v[i], depth + 1);
    if (x) return x;
  }
  return NULL;
}

/* The `#/...` part of a schema location or $ref ("" when none). */
static const char *fragment_of(const char *loc) {
  const char *h = strchr(loc, '#');
  return h ? h : "";
}

/* Does a mapping target or a value (a schema name) name branch b? A branch
 * is named by its $ref: "#/components/schemas/Cat" or "Cat". */
static bool names_branch(const sc_node *b, const char *name, bool is_target) {
  const sc_kw *r = find_kw(b, OP_REF);
  if (!r || !r->u.ref->target || !r->u.ref->target->loc) return false;
  const char *loc = fragment_of(r->u.ref->target->loc);
  if (is_target && strchr(name, '#')) return !strcmp(fragment_of(name), loc);
  const char *slash = strrchr(loc, '/');
  const char *last = slash ? slash + 1 : loc;
  const char *nslash = strrchr(name, '/'); /* "schemas.yaml#/Cat" was handled; "./Cat.yaml" */
  const char *nlast = nslash ? nslash + 1 : name;
  size_t n = strlen(last);
  /* the schema name, or a file named after it (Cat.yaml) */
  return !strncmp(nlast, last, n) && (!nlast[n] || (is_target && nlast[n] == '.'));
}

/* Which branch of a oneOf/anyOf in s the discriminator picks for x: its
 * index; -1 when no discriminator applies (plain JSON Schema semantics);
 * -2 when the value names no branch (reported). */
static int disc_pick(vctx *c, const sc_node *s, const sc_kw *k, const cJSON *x) {
  if (!c->s->openapi || !cJSON_IsObject(x)) return -1;
  const sc_kw *own = find_kw(s, OP_DISCRIMINATOR);
  const sc_disc *d = own ? own->u.disc : NULL;
  if (!d) { /* inherited: every branch declares the same one through allOf */
    for (uint32_t i = 0; i < k->u.subs.n; i++) {
      const sc_disc *b = disc_of(k->u.subs.v[i], 0);
      if (!b || (d && strcmp(b->prop, d->prop))) return -1;
      if (!d) d = b;
    }
  }
  if (!d) return -1;
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(x, d->prop);
  if (!cJSON_IsString(v)) return -1; /* absent: `required` says so when it must be there */
  for (uint32_t m = 0; m < d->n; m++) {
    if (strcmp(d->keys[m], v->valuestring)) continue;
    for (uint32_t i = 0; i < k->u.subs.n; i++)
      if (names_branch(k->u.subs.v[i], d->targets[m], true)) return (int)i;
    return -1; /* mapped to a schema that is not a branch: judged as JSON Schema */
  }
  for (uint32_t i = 0; i < k->u.subs.n; i++)
    if (names_branch(k->u.subs.v[i], v->valuestring, false)) return (int)i;
  for (uint32_t i = 0; i < k->u.subs.n; i++) /* an inline branch has no name: it may be meant */
    if (!find_kw(k->u.subs.v[i], OP_REF)) return -1;
  if (c->out) {
    char buf[128];
    short_json(v, buf, sizeof buf);
    c->path[c->plen++] = (pseg){d->prop, 0};
    report(c, k->loc, "the discriminator %s names none of the %u %s schemas", buf, k->u.subs.n,
           k->op == OP_ONEOF ? "oneOf" : "anyOf");
    c->plen--;
  }
  return -2;
}

static bool v_kw(vctx *c, const sc_node *s, const sc_kw *k, const cJSON *x, unsigned xt,
                 evals *ev) {
  char buf[128], buf2[128];
  switch ((sc_op)k->op) {
  case OP_TYPE:
  case OP_NULLABLE_TYPE:
    if (k->u.types & xt) return true;
    if (c->out) {
      short_json(x, buf, sizeof buf);
      type_names(k->u.types, buf2, sizeof buf2);
      report(c, k->loc, "%s is not of type %s", buf, buf2);
    }
    return false;
  case OP_ENUM:
    for (uint32_t i = 0; i < k->u.values.n; i++)
      if (sc_json_equal(x, k->u.values.v[i])) return true;
    if (c->out) {
      short_json(x, buf, sizeof buf);
      report(c, k->loc, "%s is not one of the enum values", buf);
    }
    return false;
  case OP_CONST:
    if (sc_json_equal(x, k->u.values.v[0])) return true;
    if (c->out) {
      short_json(x, buf, sizeof buf);
      short_json(k->u.values.v[0], buf2, sizeof buf2);
      report(c, k->loc, "%s is not the constant %s", buf, buf2);
    }
    return false;
  case OP_MULTIPLE_OF: {
    double v = x->valuedouble, m = k->u.num;
    bool ok;
    if ((xt & T_INT) && floor(m) == m && fabs(v) < 9e15 && m < 9e15) {
      ok = fmod(v, m) == 0;
    } else {
      double q = v / m;
      ok = isfinite(q) && fabs(q - nearbyint(q)) < 1e-9;
    }
    if (!ok) report(c, k->loc, "%.17g is not a multiple of %.17g", v, m);
    return ok;
  }
  case OP_MAXIMUM:
    if (x->valuedouble <= k->u.num) return true;
    report(c, k->loc, "%.17g is greater than the maximum %.17g", x->valuedouble, k->u.num);
    return false;
  case OP_EXCL_MAXIMUM:
    if (x->valuedouble < k->u.num) return true;
    report(c, k->loc, "%.17g is not less than %.17g (exclusive maximum)", x->valuedouble, k->u.num);
    return false;
  case OP_MINIMUM:
    if (x->valuedouble >= k->u.num) return true;
    report(c, k->loc, "%.17g is less than the minimum %.17g", x->valuedouble, k->u.num);
    return false;
  case OP_EXCL_MINIMUM:
    if (x->valuedouble > k->u.num) return true;
    report(c, k->loc, "%.17g is not greater than %.17g (exclusive minimum)", x->valuedouble,
           k->u.num);
    return false;
  case OP_MAX_LENGTH:
  case OP_MIN_LENGTH: {
    size_t n = sc_utf8_length(x->valuestring);
    bool max = k->op == OP_MAX_LENGTH;
    if (max ? n <= k->u.num : n >= k->u.num) return true;
    if (c->out) {
      short_json(x, buf, sizeof buf);
      report(c, k->loc, "%s has %zu characters, %s than %.0f", buf, n, max ? "more" : "fewer",
             k->u.num);
    }
    return false;
  }
  case OP_PATTERN:
    if (sc_regex_search(&k->u.re, x->valuestring, strlen(x->valuestring), match_data(c),
                        c->s->mctx))
      return true;
    if (c->out) {
      short_json(x, buf, sizeof buf);
      report(c, k->loc, "%s does not match the pattern \"%s\"", buf, k->u.re.source);
    }
    return false;
  case OP_FORMAT:
    if (sc_format_check(k->u.format, x->valuestring, strlen(x->valuestring))) return true;
    if (c->out) {
      short_json(x, buf, sizeof buf);
      report(c, k->loc, "%s is not a valid \"%s\"", buf, k->u.format);
    }
    return false;
  case OP_CONTENT:
    if (sc_content_check(k->u.types, x->valuestring, strlen(x->valuestring))) return true;
    if (c->out) {
      short_json(x, buf, sizeof buf);
      report(c, k->loc, "%s is not %s", buf,
             k->u.types == SC_CONTENT_BASE64 ? "valid base64"
             : k->u.types == SC_CONTENT_JSON ? "a JSON document"
                                             : "base64-encoded JSON");
    }
    return false;
  case OP_MAX_ITEMS:
  case OP_MIN_ITEMS:
  case OP_MAX_PROPS:
  case OP_MIN_PROPS: {
    uint32_t n = child_count(x);
    bool max = k->op == OP_MAX_ITEMS || k->op == OP_MAX_PROPS;
    if (max ? n <= k->u.num : n >= k->u.num) return true;
    report(c, k->loc, "%s has %u %s, %s than %.0f", xt == T_ARR ? "array" : "object", n,
           xt == T_ARR ? "items" : "properties", max ? "more" : "fewer", k->u.num);
    return false;
  }
  case OP_UNIQUE_ITEMS:
    return v_unique(c, k, x);
  case OP_REQUIRED: {
    bool ok = true;
    for (uint32_t i = 0; i < k->u.strs.n; i++)
      if (!cJSON_GetObjectItemCaseSensitive(x, k->u.strs.v[i]) && !may_omit(c, s, k->u.strs.v[i])) {
        report(c, k->loc, "required property \"%s\" is missing", k->u.strs.v[i]);
        ok = false;
        if (!c->out) return false;
      }
    return ok;
  }
  case OP_DEPS: {
    bool ok = true;
    for (uint32_t i = 0; i < k->u.deps.n; i++) {
      const sc_dep *d = &k->u.deps.v[i];
      if (!cJSON_GetObjectItemCaseSensitive(x, d->name)) continue;
      if (d->schema) {
        if (!v_node(c, d->schema, x, xt, ev)) ok = false;
      } else {
        for (uint32_t j = 0; j < d->n_required; j++)
          if (!cJSON_GetObjectItemCaseSensitive(x, d->required[j])) {
            report(c, d->loc, "property \"%s\" is required when \"%s\" is present", d->required[j],
                   d->name);
            ok = false;
          }
      }
      if (!ok && !c->out) return false;
    }
    return ok;
  }
  case OP_ALLOF: {
    bool ok = true;
    bool owner = c->use != GT_SCHEMA_USE_ANY && c->n_owners < 8;
    if (owner) c->owners[c->n_owners++] = s;
    for (uint32_t i = 0; i < k->u.subs.n; i++)
      if (!v_node(c, k->u.subs.v[i], x, xt, ev)) {
        ok = false;
        if (!c->out) break;
      }
    if (owner) c->n_owners--;
    return ok;
  }
  case OP_ANYOF:
  case OP_ONEOF: {
    int pick = disc_pick(c, s, k, x);
    if (pick == -2) return false;
    if (pick >= 0) return v_node(c, k->u.subs.v[pick], x, xt, ev);
    gt_schema_result *saved = c->out;
    c->out = NULL;
    uint32_t valid = 0, first = 0, second = 0;
    for (uint32_t i = 0; i < k->u.subs.n; i++) {
      bool ok;
      if (ev) {
        evals tmp;
        ev_init(&tmp, ev->n);
        ok = v_node(c, k->u.subs.v[i], x, xt, &tmp);
        if (ok) ev_merge(ev, &tmp); /* oneOf: only kept when exactly one passes */
        ev_free(&tmp);
      } else {
        ok = v_node(c, k->u.subs.v[i], x, xt, NULL);
      }
      if (ok) {
        if (valid == 0)
          first = i;
        else if (valid == 1)
          second = i;
        valid++;
        if (!ev && (k->op == OP_ANYOF || valid > 1)) break;
      }
    }
    c->out = saved;
    if (k->op == OP_ANYOF) {
      if (valid) return true;
      report(c, k->loc, "the value matches none of the %u anyOf schemas", k->u.subs.n);
      return false;
    }
    if (valid == 1) return true;
    if (valid == 0)
      report(c, k->loc, "the value matches none of the %u oneOf schemas", k->u.subs.n);
    else
      report(c, k->loc, "the value matches oneOf schemas %u and %u; exactly one must match", first,
             second);
    return false;
  }
  case OP_NOT: {
    gt_schema_result *saved = c->out;
    c->out = NULL;
    bool ok = !v_node(c, k->u.sub, x, xt, NULL);
    c->out = saved;
    if (!ok) report(c, k->loc, "the value must not match the \"not\" schema");
    return ok;
  }
  case OP_IF: {
    const sc_cond *cd = k->u.cond;
    gt_schema_result *saved = c->out;
    c->out = NULL;
    bool cond;
    if (ev) {
      evals tmp;
      ev_init(&tmp, ev->n);
      cond = v_node(c, cd->if_, x, xt, &tmp);
      if (cond) ev_merge(ev, &tmp);
      ev_free(&tmp);
    } else {
      cond = v_node(c, cd->if_, x, xt, NULL);
    }
    c->out = saved;
    const sc_node *next = cond ? cd->then_ : cd->else_;
    return !next || v_node(c, next, x, xt, ev);
  }
  case OP_REF:
    return v_node(c, k->u.ref->target, x, xt, ev);
  case OP_DYNREF:
    return v_node(c, dynamic_target(c, k->u.ref), x, xt, ev);
  case OP_ITEMS:
    return v_items(c, k, x, ev);
  case OP_CONTAINS:
    return v_contains(c, k, x, ev);
  case OP_OBJECT:
    return v_object(c, k, x, ev);
  case OP_PROPERTY_NAMES: {
    bool ok = true;
    for (const cJSON *e = x->child; e; e = e->next) {
      cJSON name;
      memset(&name, 0, sizeof name);
      name.type = cJSON_String;
      name.valuestring = e->string ? e->string : (char *)"";
      c->path[c->plen++] = (pseg){name.valuestring, 0};
      bool one = v_node(c, k->u.sub, &name, T_STR, NULL);
      c->plen--;
      if (!one) {
        ok = false;
        if (!c->out) return false;
      }
    }
    return ok;
  }
  case OP_UNEVAL_ITEMS:
    return v_uneval(c, k, x, ev, false);
  case OP_UNEVAL_PROPS:
    return v_uneval(c, k, x, ev, true);
  case OP_DISCRIMINATOR:
  case OP_ACCESS:
    return true; /* annotations (applies to no type: never reached) */
  }
  return true;
}

static bool v_node(vctx *c, const sc_node *s, const cJSON *x, unsigned xt, evals *ev) {
  if (s->kind == SC_TRUE) return true;
  if (s->kind == SC_FALSE) {
    report(c, s->loc, "no value is allowed here (the schema is false)");
    return false;
  }
  if (c->depth >= c->max_depth) {
    if (!c->overflow) report(c, s->loc, "validation nested deeper than %u levels", c->max_depth);
    c->overflow = true;
    return false;
  }
  c->depth++;
  bool pushed = false;
  if (s->res && (!c->nscope || c->scope[c->nscope - 1] != s->res)) {
    c->scope[c->nscope++] = s->res;
    pushed = true;
  }
  evals own, *use = ev;
  if (s->tracks) {
    ev_init(&own, (xt & (T_ARR | T_OBJ)) ? child_count(x) : 0);
    use = &own;
  }
  bool ok = true;
  for (uint32_t i = 0; i < s->n_kws; i++) {
    const sc_kw *k = &s->kws[i];
    if (!(k->applies & xt)) continue;
    if (!v_kw(c, s, k, x, xt, use)) {
      ok = false;
      if (!c->out) break;
    }
  }
  if (s->tracks) {
    if (ok && ev) ev_merge(ev, &own);
    ev_free(&own);
  }
  if (pushed) c->nscope--;
  c->depth--;
  return ok;
}

static bool run(const gt_schema *s, const cJSON *x, gt_schema_result *out) {
  vctx ctx, *c = &ctx; /* ~24 KiB of fixed stacks: no allocation per call */
  c->s = s;
  c->out = out;
  c->depth = c->plen = c->nscope = 0;
  c->max_depth = s->max_depth < MAX_STACK ? s->max_depth : MAX_STACK;
  c->md = NULL;
  c->overflow = false;
  c->use = s->use;
  c->n_owners = 0;
  bool ok = x ? v_node(c, s->root, x, type_of(x), NULL) : false;
  if (c->overflow) ok = false;
  if (c->md) { /* back to the spare slot, or freed when another got there first */
    pcre2_match_data *none = NULL;
    if (!atomic_compare_exchange_strong(s->spare_md, &none, c->md)) pcre2_match_data_free(c->md);
  }
  return ok;
}

bool gt_schema_valid(const gt_schema *s, const cJSON *instance) {
  return run(s, instance, NULL);
}

bool gt_schema_validate(const gt_schema *s, const cJSON *instance, gt_schema_result *out) {
  return run(s, instance, out);
}

void gt_schema_result_free(gt_schema_result *r) {
  for (size_t i = 0; i < r->count; i++) {
    free(r->errors[i].instance_ptr);
    free(r->errors[i].instance_path);
    free(r->errors[i].schema_loc);
    free(r->errors[i].message);
  }
  free(r->errors);
  memset(r, 0, sizeof *r);
}

void gt_schema_error_format(const gt_schema_error *e, char *out, size_t cap) {
  snprintf(out, cap, "schema %s: %s (%s)", e->instance_path, e->message, e->schema_loc);
}
