/* negative.c — the invalid values of an operation's request, one keyword of
 * one schema broken at a time (docs/faults.md "values (OpenAPI)"): a value
 * outside an `enum`, a number past `minimum`/`maximum` (or on an exclusive
 * bound), a string over `maxLength` or under `minLength`, a string against
 * `pattern`, a required query or header parameter left out. Places: query
 * and header parameters, the top-level properties of a JSON object body and
 * the fields of a form body. Pure: the same document gives the same values. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../schema/schema.h"
#include "oa_internal.h"

/* At most this many negatives of one fault per operation. */
#define PER_FAULT_MAX 32

typedef struct neg_vec {
  gt_negative *items;
  size_t count;
  size_t per_fault[GT_FAULT_COUNT];
} neg_vec;

static void add(neg_vec *v, gt_fault_id f, gt_negative_place in, const char *name, cJSON *value,
                const char *where, const char *detail) {
  if (v->per_fault[f] >= PER_FAULT_MAX) {
    cJSON_Delete(value);
    return;
  }
  v->per_fault[f]++;
  v->items = gt_xrealloc(v->items, (v->count + 1) * sizeof *v->items);
  gt_negative *n = &v->items[v->count++];
  n->fault = f;
  n->in = in;
  n->name = gt_xstrdup(name);
  n->value = value;
  n->label = detail ? gt_xasprintf("%s %s", where, detail) : gt_xstrdup(where);
}

static bool has_number(const gt_node *s, const char *key, double *out) {
  const gt_node *n = gt_node_get(s, key);
  if (!n || n->kind != GT_NODE_SCALAR || !n->text || !*n->text) return false;
  char *end = NULL;
  double x = strtod(n->text, &end);
  if (*end || !isfinite(x)) return false;
  *out = x;
  return true;
}

static bool is_true(const gt_node *s, const char *key) {
  const char *t = oa_text(s, key);
  return t && !strcmp(t, "true");
}

/* "30", "0.5": a bound as the document writes it. */
static char *num_text(double x) {
  if (x == floor(x) && fabs(x) < 1e15) return gt_xasprintf("%.0f", x);
  return gt_xasprintf("%.17g", x);
}

static bool in_enum(const gt_node *en, const cJSON *v) {
  for (size_t i = 0; i < en->count; i++) {
    cJSON *e = gt_node_to_json(en->items[i]);
    bool same = cJSON_Compare(e, v, true);
    cJSON_Delete(e);
    if (same) return true;
  }
  return false;
}

/* A value no member of the enum equals: a number past the largest numeric
 * member when every member is a number, else a string. */
static cJSON *outside_enum(const gt_node *en) {
  bool numbers = true;
  double top = 0;
  for (size_t i = 0; i < en->count; i++) {
    const gt_node *e = en->items[i];
    char *end = NULL;
    double x = e->kind == GT_NODE_SCALAR && e->text && *e->text && !e->quoted
                   ? strtod(e->text, &end)
                   : NAN;
    if (!end || *end || !isfinite(x)) {
      numbers = false;
      break;
    }
    if (i == 0 || x > top) top = x;
  }
  cJSON *v =
      numbers ? cJSON_CreateNumber(floor(top) + 1) : cJSON_CreateString("gauntlet-not-in-enum");
  for (int k = 2; in_enum(en, v) && k < 100; k++) {
    cJSON_Delete(v);
    char t[48];
    snprintf(t, sizeof t, "gauntlet-not-in-enum-%d", k);
    v = numbers ? cJSON_CreateNumber(floor(top) + k) : cJSON_CreateString(t);
  }
  return v;
}

/* A string of exactly n characters made from a valid value (so that only
 * the length is wrong, as far as can be): cut, or padded with its own last
 * character. */
static cJSON *string_of_length(const char *base, long n) {
  if (!base || !*base) base = "gauntlet";
  size_t bl = strlen(base);
  char *t = gt_xmalloc((size_t)n + 1);
  for (long i = 0; i < n; i++)
    t[i] = (size_t)i < bl ? base[i] : base[bl - 1];
  t[n] = 0;
  /* do not cut inside a UTF-8 sequence */
  long end = n;
  while (end > 0 && ((unsigned char)t[end] & 0xC0) == 0x80)
    end--;
  for (long i = end; i < n; i++)
    t[i] = 'a';
  cJSON *v = cJSON_CreateString(t);
  free(t);
  return v;
}

/* A string the pattern does not match, within the schema's length bounds
 * when one is; NULL when no candidate fails the pattern. */
static cJSON *against_pattern(const char *pattern, long min_len, long max_len) {
  cJSON *sch = cJSON_CreateObject();
  cJSON_AddStringToObject(sch, "pattern", pattern);
  gt_schema_opts so = {.dialect = GT_DIALECT_2020_12, .no_files = true};
  gt_err ignored = {0};
  gt_schema *s = gt_schema_compile_json(sch, "<pattern>", &so, &ignored);
  cJSON_Delete(sch);
  if (!s) return NULL;
  static const char *const cands[] = {"~gauntlet~",
                                      "!",
                                      "gauntlet pattern",
                                      "0",
                                      "A",
                                      "a",
                                      "-",
                                      "~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~",
                                      ""};
  /* and '~' repeated to the shortest length allowed */
  char tildes[64];
  size_t fit = min_len > 0 && min_len < (long)sizeof tildes ? (size_t)min_len : 1;
  memset(tildes, '~', fit);
  tildes[fit] = 0;
  cJSON *out = NULL;
  for (int pass = 0; pass < 2 && !out; pass++)
    for (size_t i = 0; i <= sizeof cands / sizeof *cands && !out; i++) {
      const char *cand = i < sizeof cands / sizeof *cands ? cands[i] : tildes;
      long len = (long)strlen(cand);
      if (pass == 0 && ((min_len >= 0 && len < min_len) || (max_len >= 0 && len > max_len)))
        continue;
      cJSON *v = cJSON_CreateString(cand);
      if (!gt_schema_valid(s, v))
        out = v;
      else
        cJSON_Delete(v);
    }
  gt_schema_free(s);
  return out;
}

static bool scalar_type(const char *type) {
  return !type || !strcmp(type, "string") || !strcmp(type, "integer") || !strcmp(type, "number") ||
         !strcmp(type, "boolean");
}

/* Every negative of one schema s (resolved) at one place. */
static void of_schema(oa_reader *R, const gt_node *s, bool openapi30, gt_negative_place in,
                      const char *name, const char *where, const cJSON *example, neg_vec *v) {
  const char *type = oa_text(s, "type");
  if (!scalar_type(type)) return;
  const gt_node *en = gt_node_get(s, "enum");
  if (en && en->kind == GT_NODE_SEQ && en->count)
    add(v, GT_FAULT_NOT_IN_ENUM, in, name, outside_enum(en), where, NULL);
  bool numeric = !type || !strcmp(type, "integer") || !strcmp(type, "number");
  double x, step = 1;
  if (!has_number(s, "multipleOf", &step) || step <= 0) step = 1;
  if (numeric) {
    /* 3.0 and 2.0: exclusiveMaximum: true makes `maximum` itself invalid;
     * 3.1: exclusiveMaximum is the bound */
    if (has_number(s, "maximum", &x)) {
      bool excl = openapi30 && is_true(s, "exclusiveMaximum");
      char *t = num_text(x),
           *d = gt_xasprintf(excl ? "at exclusiveMaximum %s" : "above maximum %s", t);
      add(v, GT_FAULT_OUT_OF_RANGE, in, name,
          cJSON_CreateNumber(excl ? x : floor(x / step) * step + step), where, d);
      free(t);
      free(d);
    } else if (!openapi30 && has_number(s, "exclusiveMaximum", &x)) {
      char *t = num_text(x), *d = gt_xasprintf("at exclusiveMaximum %s", t);
      add(v, GT_FAULT_OUT_OF_RANGE, in, name, cJSON_CreateNumber(x), where, d);
      free(t);
      free(d);
    }
    if (has_number(s, "minimum", &x)) {
      bool excl = openapi30 && is_true(s, "exclusiveMinimum");
      char *t = num_text(x),
           *d = gt_xasprintf(excl ? "at exclusiveMinimum %s" : "below minimum %s", t);
      add(v, GT_FAULT_OUT_OF_RANGE, in, name,
          cJSON_CreateNumber(excl ? x : ceil(x / step) * step - step), where, d);
      free(t);
      free(d);
    } else if (!openapi30 && has_number(s, "exclusiveMinimum", &x)) {
      char *t = num_text(x), *d = gt_xasprintf("at exclusiveMinimum %s", t);
      add(v, GT_FAULT_OUT_OF_RANGE, in, name, cJSON_CreateNumber(x), where, d);
      free(t);
      free(d);
    }
  }
  if (type && strcmp(type, "string")) return;
  double maxl = -1, minl = -1;
  bool has_max = has_number(s, "maxLength", &maxl) && maxl >= 0 && maxl < 4096;
  bool has_min = has_number(s, "minLength", &minl) && minl > 0 && minl < 4096;
  const char *pattern = oa_text(s, "pattern");
  if (has_max || has_min) {
    /* a valid value to stretch or cut: the document's example of the
     * parameter or body, else the schema's own example, default or synthesis */
    uint64_t rng = gt_fnv1a(where);
    cJSON *valid =
        cJSON_IsString(example) ? cJSON_Duplicate(example, true) : oa_synthesize(R, s, &rng);
    const char *base = cJSON_IsString(valid) ? valid->valuestring : NULL;
    if (has_max) {
      char *d = gt_xasprintf("over maxLength %ld", (long)maxl);
      add(v, GT_FAULT_BAD_LENGTH, in, name, string_of_length(base, (long)maxl + 1), where, d);
      free(d);
    }
    if (has_min) {
      char *d = gt_xasprintf("under minLength %ld", (long)minl);
      add(v, GT_FAULT_BAD_LENGTH, in, name, string_of_length(base, (long)minl - 1), where, d);
      free(d);
    }
    cJSON_Delete(valid);
  }
  if (pattern) {
    cJSON *bad = against_pattern(pattern, has_min ? (long)minl : -1, has_max ? (long)maxl : -1);
    if (bad) add(v, GT_FAULT_PATTERN_MISMATCH, in, name, bad, where, NULL);
  }
}

static bool skipped_header(const char *name) {
  return !strcasecmp(name, "Authorization") || !strcasecmp(name, "Content-Type") ||
         !strcasecmp(name, "Accept");
}

static bool is_json_type(const char *t) {
  size_t n = strcspn(t, ";");
  return (n == 16 && !strncasecmp(t, "application/json", 16)) ||
         (n > 5 && !strncasecmp(t + n - 5, "+json", 5)) || !strncmp(t, "*/*", 3);
}

/* The properties of a body schema, one place each. */
static void of_body(oa_reader *R, const gt_oa_media *m, bool openapi30, gt_negative_place in,
                    neg_vec *v) {
  if (!m || !m->schema.node) return;
  oa_at at = {oa_doc_of(R->d, m->schema.node), gt_xstrdup("")};
  const gt_node *s = oa_resolve(R, m->schema.node, &at);
  cJSON *example = oa_example_json(m->example);
  const gt_node *props = s ? gt_node_get(s, "properties") : NULL;
  for (size_t i = 0; props && props->kind == GT_NODE_MAP && i < props->count; i++) {
    const char *name = props->keys[i]->text;
    oa_at pat = oa_copy(&at);
    const gt_node *ps = oa_resolve(R, props->items[i], &pat);
    oa_at_free(&pat);
    if (!ps || is_true(ps, "readOnly")) continue;
    gt_buf where;
    gt_buf_init(&where);
    if (in == GT_NEG_JSON) {
      gt_buf_addc(&where, '$');
      bool simple = (isalpha((unsigned char)name[0]) || name[0] == '_');
      for (const char *p = name; simple && *p; p++)
        simple = isalnum((unsigned char)*p) || *p == '_';
      if (simple)
        gt_buf_printf(&where, ".%s", name);
      else
        gt_buf_printf(&where, "['%s']", name);
    } else {
      gt_buf_printf(&where, "form %s", name);
    }
    of_schema(R, ps, openapi30, in, name, where.data,
              cJSON_GetObjectItemCaseSensitive(example, name), v);
    gt_buf_free(&where);
  }
  cJSON_Delete(example);
  oa_at_free(&at);
}

void oa_negatives(oa_reader *R, const gt_oa_op *op, gt_negative **out, size_t *n) {
  neg_vec v = {0};
  bool openapi30 = R->d->version != 31;
  for (size_t i = 0; i < op->n_params; i++) {
    const gt_oa_param *p = &op->params[i];
    bool q = !strcmp(p->in, "query"), h = !strcmp(p->in, "header");
    if (!(q || h) || (h && skipped_header(p->name))) continue;
    gt_negative_place in = q ? GT_NEG_QUERY : GT_NEG_HEADER;
    char *where = gt_xasprintf("%s %s", p->in, p->name);
    if (p->required) add(&v, GT_FAULT_MISSING_PARAM, in, p->name, NULL, where, NULL);
    if (p->schema.node) {
      oa_at at = {oa_doc_of(R->d, p->schema.node), gt_xstrdup("")};
      const gt_node *s = oa_resolve(R, p->schema.node, &at);
      oa_at_free(&at);
      cJSON *example = oa_example_json(p->example);
      if (s) of_schema(R, s, openapi30, in, p->name, where, example, &v);
      cJSON_Delete(example);
    }
    free(where);
  }
  const gt_oa_media *json = NULL, *form = NULL;
  for (size_t i = 0; i < op->n_body; i++) {
    if (!json && is_json_type(op->body[i].type)) json = &op->body[i];
    if (!form && !strncasecmp(op->body[i].type, "application/x-www-form-urlencoded", 33))
      form = &op->body[i];
  }
  /* the body a derived request sends: JSON when documented, else the form */
  if (json)
    of_body(R, json, openapi30, GT_NEG_JSON, &v);
  else if (form)
    of_body(R, form, openapi30, GT_NEG_FORM, &v);
  /* grouped by fault, in catalogue order; places in document order within */
  gt_negative *sorted = v.count ? gt_xmalloc(v.count * sizeof *sorted) : NULL;
  size_t k = 0;
  for (int f = 0; f < GT_FAULT_COUNT; f++)
    for (size_t i = 0; i < v.count; i++)
      if ((int)v.items[i].fault == f) sorted[k++] = v.items[i];
  free(v.items);
  *out = sorted;
  *n = k;
}

void oa_negatives_free(gt_negative *list, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(list[i].name);
    free(list[i].label);
    cJSON_Delete(list[i].value);
  }
  free(list);
}

static bool about_other_things(int status) {
  return status == 401 || status == 403 || status == 404 || status == 405 || status == 429;
}

void oa_rejection(const gt_oa_op *op, gt_expect *e) {
  gt_buf text;
  gt_buf_init(&text);
  size_t n = 0;
  for (size_t i = 0; i < op->n_responses; i++) {
    const char *s = op->responses[i].status;
    if (s[0] != '4') continue;
    if (isdigit((unsigned char)s[1])) {
      int code = atoi(s);
      if (about_other_things(code)) continue;
      gt_status_add(&e->status, code);
      gt_buf_printf(&text, "%s%d", n ? ", " : "", code);
    } else {
      for (int code = 400; code < 500; code++)
        if (!about_other_things(code)) gt_status_add(&e->status, code);
      gt_buf_printf(&text, "%s4xx", n ? ", " : "");
    }
    n++;
  }
  if (!n) {
    gt_status_add(&e->status, 400);
    gt_status_add(&e->status, 422);
    gt_buf_adds(&text, "400 or 422");
  }
  e->has_status = true;
  free(e->status_text);
  e->status_text = gt_buf_steal(&text);
}
