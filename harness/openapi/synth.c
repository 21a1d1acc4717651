/* synth.c — a valid value for a schema (docs/openapi.md "Deriving
 * scenarios"): the schema's example, else its default, const or first enum
 * value, else one built from its type: objects with their required
 * properties (every property when none is required), arrays of minItems
 * items (at least one), numbers inside minimum/maximum, strings of the
 * format's shape (date-time, uuid, email, uri...), matching a simple pattern,
 * within minLength/maxLength. Circular schemas stop at a depth. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../check/check.h"
#include "oa_internal.h"

#define MAX_SYNTH_DEPTH 8

/* Variants (tried in turn when a value is not valid, oa_synthesize_for):
 * bit 0 ignores examples and defaults, bit 1 includes every property near
 * the top, bit 2 only the required ones (none when none is required), the
 * rest picks the oneOf/anyOf branch. */
enum {
  V_NO_EXAMPLES = 1,
  V_ALL_PROPS = 2,
  V_REQUIRED_ONLY = 4,
  V_EXCLUSIVE = 8, /* a oneOf object made to fail the other branches (exclude()) */
  V_BRANCH_SHIFT = 4,
  N_VARIANTS = 96
};
#define ALL_PROPS_DEPTH 3 /* every property only this deep (circular schemas grow fast) */

typedef struct synther {
  oa_reader *R;
  uint64_t *rng;
  bool response; /* a response body: readOnly properties included, writeOnly ones not */
  int variant;
  bool allof_part; /* the next schema is a part of an allOf (its siblings may declare its required)
                    */
  const cJSON *allof_required; /* with allof_part: the names every part of that allOf requires */
  const char *prop_name;       /* the next schema is that of this object property (else NULL) */
} synther;

cJSON *oa_example_json(const gt_node *example) {
  return example ? gt_node_to_json(example) : NULL;
}

cJSON *oa_usable_example(const oa_reader *R, const gt_node *schema, cJSON *v, bool response) {
  if (!v || !R->verify || oa_verifier_check(R->verify, schema, v, response) != 0) return v;
  /* a stringified JSON example ("value: |- [ {...} ]"): its parsed value */
  cJSON *parsed = cJSON_IsString(v) ? cJSON_Parse(v->valuestring) : NULL;
  cJSON_Delete(v);
  if (parsed && oa_verifier_check(R->verify, schema, parsed, response) == 1) return parsed;
  cJSON_Delete(parsed);
  return NULL;
}

static bool num_of(const gt_node *n, double *out) {
  if (!n || n->kind != GT_NODE_SCALAR || !n->text || n->quoted) return false;
  char *end;
  *out = strtod(n->text, &end);
  return end != n->text && !*end;
}

static const char *type_of(const gt_node *s) {
  const gt_node *t = gt_node_get(s, "type");
  if (t && t->kind == GT_NODE_SCALAR) return t->text;
  if (t && t->kind == GT_NODE_SEQ) /* 3.1: ["string", "null"]: the first that is not null */
    for (size_t i = 0; i < t->count; i++)
      if (t->items[i]->kind == GT_NODE_SCALAR && strcmp(t->items[i]->text, "null"))
        return t->items[i]->text;
  if (gt_node_get(s, "properties") || gt_node_get(s, "additionalProperties")) return "object";
  if (gt_node_get(s, "items")) return "array";
  return NULL;
}

static char *by_format(const char *f) {
  static const struct {
    const char *format, *value;
  } FORMATS[] = {
      {"date-time", "2024-01-02T03:04:05Z"},
      {"date", "2024-01-02"},
      {"time", "03:04:05Z"},
      {"uuid", "3fa85f64-5717-4562-b3fc-2c963f66afa6"},
      {"email", "user@example.com"},
      {"idn-email", "user@example.com"},
      {"uri", "https://example.com/"},
      {"url", "https://example.com/"},
      {"iri", "https://example.com/"},
      {"uri-reference", "/example"},
      {"hostname", "example.com"},
      {"ipv4", "192.0.2.1"},
      {"ipv6", "2001:db8::1"},
      {"byte", "Z2F1bnRsZXQ="},
      {"duration", "P1D"},
      {"json-pointer", "/a"},
      {"regex", "^a$"},
  };
  for (size_t i = 0; f && i < sizeof FORMATS / sizeof *FORMATS; i++)
    if (!strcmp(FORMATS[i].format, f)) return gt_xstrdup(FORMATS[i].value);
  return NULL;
}

/* A string matching a simple pattern (the template synthesizer's example
 * maker), or NULL when it cannot make one. */
static char *by_pattern(const char *pattern) {
  gt_node *n = gt_node_new_scalar(pattern, true, "", 0, 0);
  n->tag = gt_xstrdup("!regex");
  gt_err e = {0};
  char *out = NULL;
  if (gt_template_compile(n, &e)) {
    cJSON *v = gt_template_synthesize(n, NULL);
    if (cJSON_IsString(v) && strcmp(v->valuestring, "string")) out = gt_xstrdup(v->valuestring);
    cJSON_Delete(v);
  }
  gt_node_free(n);
  return out;
}

/* true when a property name reads as the end of a range (endsAt, valid_to,
 * expires, until...): its date or date-time is synthesized in the far future
 * (2099-12-31), after every other synthesized date, so a synthesized range is
 * not empty and does not end in the past (servers reject both). */
static bool names_an_end(const char *name) {
  static const char *const ENDS[] = {"end", "until", "expir", "finish", "stop", "deadline", "due"};
  char low[64];
  size_t n = 0;
  for (; name && name[n] && n + 1 < sizeof low; n++)
    low[n] = (char)((name[n] >= 'A' && name[n] <= 'Z') ? name[n] - 'A' + 'a' : name[n]);
  low[n] = 0;
  for (size_t i = 0; i < sizeof ENDS / sizeof *ENDS; i++)
    if (strstr(low, ENDS[i])) return true;
  /* validTo, valid_to, dateTo */
  return n > 2 && (!strcmp(name + n - 2, "To") || !strcmp(name + n - 3, "_to"));
}

static char *by_range_end(const char *format, const char *prop) {
  if (!format || !prop || !names_an_end(prop)) return NULL;
  if (!strcmp(format, "date-time")) return gt_xstrdup("2099-12-31T23:59:59Z");
  if (!strcmp(format, "date")) return gt_xstrdup("2099-12-31");
  return NULL;
}

static cJSON *synth_string(synther *S, const gt_node *s, const char *prop) {
  const char *format = oa_text(s, "format");
  const char *pattern = oa_text(s, "pattern");
  double min = 0, max = 0;
  bool has_max = num_of(gt_node_get(s, "maxLength"), &max) && max >= 0;
  num_of(gt_node_get(s, "minLength"), &min);
  if (pattern) { /* within the length bounds already, when one fits */
    char *p = oa_pattern_example(pattern, min, has_max ? max : -1, *S->rng);
    if (p) {
      cJSON *j = cJSON_CreateString(p);
      free(p);
      return j;
    }
  }
  char *v = pattern ? by_pattern(pattern) : NULL;
  if (!v) v = by_range_end(format, prop);
  if (!v) v = by_format(format);
  if (!v) v = gt_xasprintf("gauntlet%04x", (unsigned)(gt_splitmix64(S->rng) & 0xffff));
  size_t len = strlen(v);
  if (has_max && (double)len > max) {
    v[(size_t)max] = 0;
    len = (size_t)max;
  }
  if ((double)len < min && min < 65536) {
    v = gt_xrealloc(v, (size_t)min + 1);
    while ((double)len < min)
      v[len++] = 'a';
    v[len] = 0;
  }
  cJSON *j = cJSON_CreateString(v);
  free(v);
  return j;
}

static cJSON *synth_number(const gt_node *s, bool integer) {
  double lo = -INFINITY, hi = INFINITY, x;
  if (num_of(gt_node_get(s, "minimum"), &x)) lo = x;
  if (num_of(gt_node_get(s, "maximum"), &x)) hi = x;
  const gt_node *emin = gt_node_get(s, "exclusiveMinimum");
  const gt_node *emax = gt_node_get(s, "exclusiveMaximum");
  double step = integer ? 1 : 0.5;
  if (num_of(emin, &x))
    lo = x + step; /* 3.1 / draft-06+: a number */
  else if (emin && emin->text && !strcmp(emin->text, "true") && isfinite(lo))
    lo += step;
  if (num_of(emax, &x))
    hi = x - step;
  else if (emax && emax->text && !strcmp(emax->text, "true") && isfinite(hi))
    hi -= step;
  double v = 1;
  if (isfinite(lo) && v < lo) v = lo;
  if (isfinite(hi) && v > hi) v = hi;
  if (integer) v = isfinite(lo) && ceil(v) > hi ? floor(v) : ceil(v);
  double mult;
  if (num_of(gt_node_get(s, "multipleOf"), &mult) && mult > 0) v = ceil(v / mult) * mult;
  return cJSON_CreateNumber(v);
}

static cJSON *synth(synther *S, const gt_node *s0, oa_at *at, int depth);

/* Resolves a sub-schema and synthesizes it (at restored afterwards). */
static cJSON *synth_sub(synther *S, const gt_node *sub, const oa_at *at, int depth) {
  oa_at w = oa_copy(at);
  cJSON *v = synth(S, sub, &w, depth + 1);
  oa_at_free(&w);
  return v;
}

static bool is_required(const gt_node *req, const char *name) {
  for (size_t i = 0; req && req->kind == GT_NODE_SEQ && i < req->count; i++)
    if (req->items[i]->text && !strcmp(req->items[i]->text, name)) return true;
  return false;
}

static bool in_names(const cJSON *names, const char *name) {
  for (const cJSON *c = names ? names->child : NULL; c; c = c->next)
    if (cJSON_IsString(c) && !strcmp(c->valuestring, name)) return true;
  return false;
}

void oa_collect_required(oa_reader *R, const gt_node *s0, const oa_at *at, cJSON *names,
                         int depth) {
  if (!s0 || depth > MAX_SYNTH_DEPTH) return;
  oa_at w = oa_copy(at);
  const gt_node *s = oa_resolve(R, s0, &w);
  const gt_node *req = s ? gt_node_get(s, "required") : NULL;
  for (size_t i = 0; req && req->kind == GT_NODE_SEQ && i < req->count; i++)
    if (req->items[i]->text && !in_names(names, req->items[i]->text))
      cJSON_AddItemToArray(names, cJSON_CreateString(req->items[i]->text));
  const gt_node *all = s ? gt_node_get(s, "allOf") : NULL;
  for (size_t i = 0; all && all->kind == GT_NODE_SEQ && i < all->count; i++)
    oa_collect_required(R, all->items[i], &w, names, depth + 1);
  oa_at_free(&w);
}

static bool flag(const gt_node *prop, const char *key) {
  const char *v = oa_text(prop, key);
  return v && !strcmp(v, "true");
}

/* inherited: the names the other parts of an allOf this object is part of
 * require (NULL outside an allOf): "required" is often declared in one part
 * and the properties in another. */
static cJSON *synth_object(synther *S, const gt_node *s, const oa_at *at, int depth, bool fill,
                           const cJSON *inherited) {
  cJSON *o = cJSON_CreateObject();
  const gt_node *props = gt_node_get(s, "properties");
  const gt_node *req = gt_node_get(s, "required");
  bool any_required =
      (req && req->kind == GT_NODE_SEQ && req->count) || cJSON_GetArraySize(inherited) > 0;
  for (size_t i = 0; props && props->kind == GT_NODE_MAP && i < props->count; i++) {
    const char *name = props->keys[i]->text;
    /* a request never carries readOnly properties, a response never writeOnly ones */
    if (flag(props->items[i], S->response ? "writeOnly" : "readOnly")) continue;
    bool all = (S->variant & V_ALL_PROPS) && depth < ALL_PROPS_DEPTH;
    bool required = is_required(req, name) || in_names(inherited, name);
    if (any_required && !all && !required) continue;
    if ((S->variant & V_REQUIRED_ONLY) && !required) continue;
    if (depth >= MAX_SYNTH_DEPTH && !required) continue;
    S->prop_name = name;
    cJSON *v = synth_sub(S, props->items[i], at, depth);
    if (v) cJSON_AddItemToObject(o, name, v);
  }
  /* a required property the schema does not describe: a value of
   * additionalProperties' schema, else any value */
  const gt_node *extra = gt_node_get(s, "additionalProperties");
  for (size_t i = 0; fill && req && req->kind == GT_NODE_SEQ && i < req->count; i++) {
    const char *name = req->items[i]->text;
    if (!name || cJSON_GetObjectItemCaseSensitive(o, name) || gt_node_get(props, name)) continue;
    cJSON_AddItemToObject(o, name,
                          extra && extra->kind == GT_NODE_MAP ? synth_sub(S, extra, at, depth)
                                                              : cJSON_CreateString("gauntlet"));
  }
  /* a map (no properties, a schema for the values: labels, tags, metadata)
   * gets one entry, or minProperties: an empty map is valid JSON Schema but
   * rarely a representative request (Alertmanager rejects an alert without
   * a label); the verify loop falls back to variants if it is invalid */
  double min_props = 0, max_props = 16;
  num_of(gt_node_get(s, "minProperties"), &min_props);
  num_of(gt_node_get(s, "maxProperties"), &max_props);
  bool is_map = (!props || !props->count) && extra && extra->kind == GT_NODE_MAP;
  if (is_map && min_props < 1 && !(S->variant & V_REQUIRED_ONLY)) min_props = 1;
  for (int k = 1; fill && depth < MAX_SYNTH_DEPTH && k <= 16 && cJSON_GetArraySize(o) < min_props &&
                  cJSON_GetArraySize(o) < max_props;
       k++) {
    char key[32];
    snprintf(key, sizeof key, k == 1 ? "gauntlet" : "gauntlet%d", k);
    if (cJSON_GetObjectItemCaseSensitive(o, key)) continue;
    cJSON_AddItemToObject(o, key,
                          extra && extra->kind == GT_NODE_MAP ? synth_sub(S, extra, at, depth)
                                                              : cJSON_CreateString("gauntlet"));
  }
  return o;
}

static cJSON *merge_all_of(synther *S, const gt_node *all, const cJSON *required, const oa_at *at,
                           int depth) {
  cJSON *merged = NULL;
  for (size_t i = 0; i < all->count; i++) {
    S->allof_part = true;
    S->allof_required = required;
    cJSON *part = synth_sub(S, all->items[i], at, depth);
    if (!part) continue;
    if (merged && cJSON_IsObject(merged) && cJSON_IsObject(part)) {
      merged = gt_json_merge_deep(merged, part);
      cJSON_Delete(part);
    } else if (!merged) {
      merged = part;
    } else {
      cJSON_Delete(part);
    }
  }
  return merged;
}

/* The name a discriminator gives a branch: the mapping key naming its
 * $ref, else the last segment of the $ref (the schema's name). */
static const char *branch_name(const gt_node *mapping, const char *ref) {
  for (size_t i = 0; mapping && mapping->kind == GT_NODE_MAP && i < mapping->count; i++)
    if (mapping->items[i]->kind == GT_NODE_SCALAR && mapping->items[i]->text &&
        !strcmp(mapping->items[i]->text, ref))
      return mapping->keys[i]->text;
  const char *slash = strrchr(ref, '/');
  return slash ? slash + 1 : ref;
}

static const gt_node *inherited_disc(oa_reader *R, const gt_node *branch, const oa_at *at,
                                     int depth) {
  oa_at w = oa_copy(at);
  const gt_node *s = depth < 4 ? oa_resolve(R, branch, &w) : NULL;
  const gt_node *d = s && s->kind == GT_NODE_MAP ? gt_node_get(s, "discriminator") : NULL;
  const gt_node *all = s && !d ? gt_node_get(s, "allOf") : NULL;
  for (size_t i = 0; all && all->kind == GT_NODE_SEQ && i < all->count && !d; i++)
    d = inherited_disc(R, all->items[i], &w, depth + 1);
  oa_at_free(&w);
  return d;
}

const gt_node *oa_branch_discriminator(oa_reader *R, const gt_node *branch, const oa_at *at) {
  return inherited_disc(R, branch, at, 0);
}

/* An object synthesized from a oneOf/anyOf branch of a schema with a
 * discriminator (its own, else one every branch inherits) carries the
 * branch's name in the discriminator property. */
static void discriminate(synther *S, const gt_node *s, const gt_node *alts, const gt_node *branch,
                         const oa_at *at, cJSON *v) {
  const gt_node *disc = gt_node_get(s, "discriminator");
  for (size_t i = 0; !disc && i < alts->count; i++) {
    const gt_node *d = inherited_disc(S->R, alts->items[i], at, 0);
    if (!d) return;
    if (i == alts->count - 1) disc = d;
  }
  const char *prop = disc ? oa_text(disc, "propertyName") : NULL;
  const char *ref = oa_text(branch, "$ref");
  if (!prop || !ref || !cJSON_IsObject(v)) return;
  const char *name = branch_name(gt_node_get(disc, "mapping"), ref);
  cJSON_DeleteItemFromObjectCaseSensitive(v, prop);
  cJSON_AddStringToObject(v, prop, name);
}

/* V_EXCLUSIVE: an object built from one oneOf branch that the other
 * branches also accept (objects without additionalProperties: false) gets,
 * for each other branch, a property that branch declares and the chosen one
 * does not, with a value of another type: it then matches the chosen branch
 * only (the verify loop keeps it when it is valid). */
static void exclude(synther *S, const gt_node *alts, const gt_node *chosen, const oa_at *at,
                    cJSON *v) {
  if (!cJSON_IsObject(v)) return;
  oa_at cw = oa_copy(at);
  const gt_node *c = oa_resolve(S->R, chosen, &cw);
  const gt_node *cprops = c ? gt_node_get(c, "properties") : NULL;
  oa_at_free(&cw);
  for (size_t i = 0; i < alts->count; i++) {
    if (alts->items[i] == chosen) continue;
    oa_at w = oa_copy(at);
    const gt_node *o = oa_resolve(S->R, alts->items[i], &w);
    const gt_node *props = o ? gt_node_get(o, "properties") : NULL;
    for (size_t k = 0; props && props->kind == GT_NODE_MAP && k < props->count; k++) {
      const char *name = props->keys[k]->text;
      if (!name || gt_node_get(cprops, name) || cJSON_GetObjectItemCaseSensitive(v, name)) continue;
      oa_at pw = oa_copy(&w);
      const gt_node *ps = oa_resolve(S->R, props->items[k], &pw);
      oa_at_free(&pw);
      const char *type = ps ? oa_text(ps, "type") : NULL;
      if (!type) continue; /* any value passes it */
      cJSON_AddItemToObject(v, name,
                            strcmp(type, "string") ? cJSON_CreateString("gauntlet-other-branch")
                                                   : cJSON_CreateNumber(0));
      break;
    }
    oa_at_free(&w);
  }
}

static cJSON *synth(synther *S, const gt_node *s0, oa_at *at, int depth) {
  bool allof_part = S->allof_part;
  const cJSON *inherited = allof_part ? S->allof_required : NULL;
  const char *prop = S->prop_name;
  S->allof_part = false;
  S->allof_required = NULL;
  S->prop_name = NULL;
  if (!s0) return cJSON_CreateNull();
  const gt_node *s = oa_resolve(S->R, s0, at);
  if (!s) return cJSON_CreateNull(); /* a broken $ref: the loader reports those it reads */
  if (s->kind != GT_NODE_MAP) return cJSON_CreateNull();
  const gt_node *ex = NULL;
  if (!(S->variant & V_NO_EXAMPLES)) {
    ex = gt_node_get(s, "example");
    if (!ex) ex = gt_node_get(s, "x-example");
    const gt_node *exs = gt_node_get(s, "examples"); /* 3.1: a list */
    if (!ex && exs && exs->kind == GT_NODE_SEQ && exs->count) ex = exs->items[0];
    if (!ex) ex = gt_node_get(s, "default");
  }
  if (!ex) ex = gt_node_get(s, "const");
  const gt_node *en = gt_node_get(s, "enum");
  if (!ex && en && en->kind == GT_NODE_SEQ && en->count) ex = en->items[0];
  if (ex) return gt_node_to_json(ex);
  if (depth > MAX_SYNTH_DEPTH * 2) return cJSON_CreateNull();
  const gt_node *all = gt_node_get(s, "allOf");
  if (all && all->kind == GT_NODE_SEQ && all->count) {
    /* owned here: the union of every part's required (and this schema's own) */
    cJSON *required = cJSON_CreateArray();
    oa_collect_required(S->R, s, at, required, 0);
    if (inherited)
      for (const cJSON *c = inherited->child; c; c = c->next)
        if (!in_names(required, c->valuestring))
          cJSON_AddItemToArray(required, cJSON_CreateString(c->valuestring));
    cJSON *m = merge_all_of(S, all, required, at, depth);
    cJSON *own =
        gt_node_get(s, "properties") ? synth_object(S, s, at, depth, false, required) : NULL;
    cJSON_Delete(required);
    if (own && m && cJSON_IsObject(m)) m = gt_json_merge_deep(m, own);
    cJSON_Delete(own);
    if (m) return m;
  }
  const char *alts[] = {"oneOf", "anyOf"};
  for (size_t i = 0; i < 2; i++) {
    const gt_node *a = gt_node_get(s, alts[i]);
    if (a && a->kind == GT_NODE_SEQ && a->count) {
      const gt_node *branch = a->items[(size_t)(S->variant >> V_BRANCH_SHIFT) % a->count];
      cJSON *v = synth_sub(S, branch, at, depth);
      const char *own_type = type_of(s);
      if (own_type && !strcmp(own_type, "object")) {
        /* the schema's own properties too; the branch adds to them (its
         * required list names which) */
        oa_at w = oa_copy(at);
        const gt_node *b = oa_resolve(S->R, branch, &w);
        oa_at_free(&w);
        const gt_node *breq = b ? gt_node_get(b, "required") : NULL;
        cJSON *names = cJSON_CreateArray(); /* the branch's required and the inherited ones */
        for (size_t k = 0; breq && breq->kind == GT_NODE_SEQ && k < breq->count; k++)
          if (breq->items[k]->text)
            cJSON_AddItemToArray(names, cJSON_CreateString(breq->items[k]->text));
        for (const cJSON *c = inherited ? inherited->child : NULL; c; c = c->next)
          cJSON_AddItemToArray(names, cJSON_Duplicate(c, false));
        cJSON *o = synth_object(S, s, at, depth, true, names);
        cJSON_Delete(names);
        if (cJSON_IsObject(v)) o = gt_json_merge_deep(o, v);
        cJSON_Delete(v);
        v = o;
      }
      if (i == 0 && (S->variant & V_EXCLUSIVE)) exclude(S, a, branch, at, v);
      discriminate(S, s, a, branch, at, v);
      return v;
    }
  }
  const char *type = type_of(s);
  if (!type) return cJSON_CreateString("gauntlet");
  if (!strcmp(type, "object")) return synth_object(S, s, at, depth, !allof_part, inherited);
  if (!strcmp(type, "array")) {
    cJSON *a = cJSON_CreateArray();
    double min = 1;
    num_of(gt_node_get(s, "minItems"), &min);
    if (min < 1) min = depth >= MAX_SYNTH_DEPTH ? 0 : 1;
    for (int i = 0; i < (int)min && i < 16; i++)
      cJSON_AddItemToArray(a, synth_sub(S, gt_node_get(s, "items"), at, depth));
    return a;
  }
  if (!strcmp(type, "integer")) return synth_number(s, true);
  if (!strcmp(type, "number")) return synth_number(s, false);
  if (!strcmp(type, "boolean")) return cJSON_CreateTrue();
  if (!strcmp(type, "null")) return cJSON_CreateNull();
  if (!strcmp(type, "file")) return cJSON_CreateString("gauntlet");
  return synth_string(S, s, prop);
}

size_t oa_doc_of(const gt_openapi *d, const gt_node *n) {
  for (size_t i = 0; n && i < d->n_docs; i++)
    if (d->files[i] == n->file) return i;
  return 0;
}

cJSON *oa_synthesize(oa_reader *R, const gt_node *schema, uint64_t *rng) {
  return oa_synthesize_for(R, schema, rng, false);
}

static cJSON *synth_variant(oa_reader *R, const gt_node *schema, uint64_t *rng, bool response,
                            int variant) {
  synther S = {R, rng, response, variant, false, NULL, NULL};
  oa_at at = {oa_doc_of(R->d, schema), gt_xstrdup("")};
  cJSON *v = synth(&S, schema, &at, 0);
  oa_at_free(&at);
  return v;
}

cJSON *oa_synthesize_for(oa_reader *R, const gt_node *schema, uint64_t *rng, bool response) {
  cJSON *first = synth_variant(R, schema, rng, response, 0);
  if (!R->verify || oa_verifier_check(R->verify, schema, first, response) != 0) return first;
  for (int variant = 1; variant < N_VARIANTS; variant++) {
    cJSON *v = synth_variant(R, schema, rng, response, variant);
    if (oa_verifier_check(R->verify, schema, v, response) == 1) {
      cJSON_Delete(first);
      return v;
    }
    cJSON_Delete(v);
  }
  return first; /* no valid value found: the schema may admit none (docs/openapi.md) */
}
