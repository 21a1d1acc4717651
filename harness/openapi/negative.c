/* negative.c — the invalid values of an operation's request, one keyword of
 * one schema broken at a time (docs/faults.md "values (OpenAPI)"): a value
 * outside an `enum`, a number past `minimum`/`maximum` (or on an exclusive
 * bound), a string over `maxLength` or under `minLength`, a string against
 * `pattern`, an array with fewer than `minItems` or more than `maxItems`
 * items, an array with a repeated item (`uniqueItems`), a required query,
 * header or cookie parameter left out. Places: path, query, header and
 * cookie parameters, the properties of a JSON object body at any depth
 * (objects in objects, the first item of an array) and the fields of a form
 * body. Pure: the same document gives the same values. */
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
  n->segment = -1;
  n->prefix = n->suffix = n->text = NULL;
  n->parent = n->key = NULL;
  n->index = -1;
}

/* The body negatives added since from sit at parent (a path) under key, or
 * at item index when key is NULL. */
static void place_in_body(neg_vec *v, size_t from, const char *parent, size_t parent_len,
                          const char *key, int index) {
  for (size_t i = from; i < v->count; i++) {
    v->items[i].parent = gt_xstrndup(parent, parent_len);
    v->items[i].key = key ? gt_xstrdup(key) : NULL;
    v->items[i].index = key ? -1 : index;
  }
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

/* ".name" or "['a b']" appended to a JSON path (the form the fault module
 * reads back, fault/simple_path.c). */
static void path_add_key(gt_buf *b, const char *key) {
  bool simple = isalpha((unsigned char)key[0]) || key[0] == '_';
  for (const char *p = key; simple && *p; p++)
    simple = isalnum((unsigned char)*p) || *p == '_';
  if (simple) {
    gt_buf_printf(b, ".%s", key);
    return;
  }
  gt_buf_adds(b, "['");
  for (const char *k = key; *k; k++) {
    if (*k == '\'' || *k == '\\') gt_buf_addc(b, '\\');
    gt_buf_addc(b, *k);
  }
  gt_buf_adds(b, "']");
}

/* The item of an array made distinct from the others by its index k (a
 * string gets "-k", a number +k); a copy otherwise. */
static cJSON *varied(const cJSON *x, int k) {
  if (cJSON_IsString(x)) {
    char *t = gt_xasprintf("%s-%d", x->valuestring, k);
    cJSON *v = cJSON_CreateString(t);
    free(t);
    return v;
  }
  if (cJSON_IsNumber(x)) return cJSON_CreateNumber(x->valuedouble + k);
  return cJSON_Duplicate(x, true);
}

/* The array negatives of schema s (resolved, `type: array`) at path: one
 * item under minItems, one over maxItems (items made distinct when
 * uniqueItems), the first item twice (uniqueItems). base: a valid array
 * (the example, else synthesized). */
static void of_array(oa_reader *R, const gt_node *s, const char *path, const cJSON *example,
                     neg_vec *v) {
  double minn = -1, maxn = -1;
  bool has_min = has_number(s, "minItems", &minn) && minn > 0 && minn <= 64;
  bool has_max = has_number(s, "maxItems", &maxn) && maxn >= 0 && maxn < 64;
  bool unique = is_true(s, "uniqueItems");
  if (!has_min && !has_max && !unique) return;
  uint64_t rng = gt_fnv1a(path);
  cJSON *base = cJSON_IsArray(example) ? cJSON_Duplicate(example, true) : oa_synthesize(R, s, &rng);
  if (!cJSON_IsArray(base)) {
    cJSON_Delete(base);
    return;
  }
  /* an item to repeat: the first, else one synthesized from `items` */
  cJSON *item = cJSON_GetArraySize(base) ? cJSON_Duplicate(cJSON_GetArrayItem(base, 0), true)
                                         : oa_synthesize(R, gt_node_get(s, "items"), &rng);
  if (has_min) {
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; i < (int)minn - 1; i++) {
      const cJSON *x = cJSON_GetArrayItem(base, i);
      cJSON_AddItemToArray(a, x ? cJSON_Duplicate(x, true) : varied(item, i));
    }
    char *d = gt_xasprintf("under minItems %ld", (long)minn);
    add(v, GT_FAULT_BAD_LENGTH, GT_NEG_JSON, path, a, path, d);
    free(d);
  }
  if (has_max) {
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; i < (int)maxn + 1; i++) {
      const cJSON *x = cJSON_GetArrayItem(base, i);
      cJSON_AddItemToArray(a, x        ? cJSON_Duplicate(x, true)
                              : unique ? varied(item, i)
                                       : cJSON_Duplicate(item, true));
    }
    char *d = gt_xasprintf("over maxItems %ld", (long)maxn);
    add(v, GT_FAULT_BAD_LENGTH, GT_NEG_JSON, path, a, path, d);
    free(d);
  }
  if (unique && (!has_max || maxn >= 2)) {
    /* the valid array with its first item repeated (padded to minItems) */
    cJSON *a = cJSON_Duplicate(base, true);
    cJSON_AddItemToArray(a, cJSON_Duplicate(item, true));
    if (cJSON_GetArraySize(a) < 2) cJSON_AddItemToArray(a, cJSON_Duplicate(item, true));
    while (has_max && cJSON_GetArraySize(a) > (int)maxn && cJSON_GetArraySize(a) > 2)
      cJSON_DeleteItemFromArray(a, 1);
    add(v, GT_FAULT_DUPLICATE_ITEMS, GT_NEG_JSON, path, a, path, NULL);
  }
  cJSON_Delete(item);
  cJSON_Delete(base);
}

/* Every negative of the value at path (a JSON body; its parent is the
 * first parent_len characters, it is member key there or item 0): its own
 * keywords, then those of its properties and of its first item, down to
 * depth 4. example: the document's valid value there, or NULL. */
static void of_value(oa_reader *R, const gt_node *s0, const oa_at *at0, bool openapi30,
                     gt_buf *path, size_t parent_len, const char *key, const cJSON *example,
                     int depth, neg_vec *v) {
  oa_at at = oa_copy(at0);
  const gt_node *s = s0 ? oa_resolve(R, s0, &at) : NULL;
  if (!s || s->kind != GT_NODE_MAP || is_true(s, "readOnly") || depth > 4) {
    oa_at_free(&at);
    return;
  }
  const char *type = oa_text(s, "type");
  const gt_node *props = gt_node_get(s, "properties");
  size_t from = v->count;
  if (depth > 0 && scalar_type(type) && !(props && props->kind == GT_NODE_MAP))
    of_schema(R, s, openapi30, GT_NEG_JSON, path->data, path->data, example, v);
  if (depth > 0 && type && !strcmp(type, "array")) of_array(R, s, path->data, example, v);
  if (depth > 0) place_in_body(v, from, path->data, parent_len, key, 0);
  size_t mark = path->len;
  if (type && !strcmp(type, "array")) {
    gt_buf_adds(path, "[0]");
    of_value(R, gt_node_get(s, "items"), &at, openapi30, path, mark, NULL,
             cJSON_IsArray(example) ? cJSON_GetArrayItem(example, 0) : NULL, depth + 1, v);
    path->len = mark;
    path->data[mark] = '\0';
  }
  for (size_t i = 0; props && props->kind == GT_NODE_MAP && i < props->count; i++) {
    path_add_key(path, props->keys[i]->text);
    of_value(R, props->items[i], &at, openapi30, path, mark, props->keys[i]->text,
             cJSON_GetObjectItemCaseSensitive(example, props->keys[i]->text), depth + 1, v);
    path->len = mark;
    path->data[mark] = '\0';
  }
  oa_at_free(&at);
}

/* The properties of a form body, one place each. */
static void of_form(oa_reader *R, const gt_oa_media *m, bool openapi30, neg_vec *v) {
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
    char *where = gt_xasprintf("form %s", name);
    of_schema(R, ps, openapi30, GT_NEG_FORM, name, where,
              cJSON_GetObjectItemCaseSensitive(example, name), v);
    free(where);
  }
  cJSON_Delete(example);
  oa_at_free(&at);
}

static void of_json_body(oa_reader *R, const gt_oa_media *m, bool openapi30, neg_vec *v) {
  if (!m || !m->schema.node) return;
  oa_at at = {oa_doc_of(R->d, m->schema.node), gt_xstrdup("")};
  cJSON *example = oa_example_json(m->example);
  gt_buf path;
  gt_buf_init(&path);
  gt_buf_addc(&path, '$');
  of_value(R, m->schema.node, &at, openapi30, &path, 1, NULL, example, 0, v);
  gt_buf_free(&path);
  cJSON_Delete(example);
  oa_at_free(&at);
}

/* Path negatives: each written as the parameter's style writes it; one
 * whose text is empty (it would leave the segment out) is dropped. */
static void place_in_path(const gt_oa_param *p, const char *path, neg_vec *v, size_t from) {
  int segment;
  char *prefix = NULL, *suffix = NULL;
  bool placed = oa_path_place(path, p->name, &segment, &prefix, &suffix);
  size_t kept = from;
  for (size_t i = from; i < v->count; i++) {
    gt_negative *n = &v->items[i];
    char *text = placed && n->value ? oa_style_write_text(p, n->value) : NULL;
    if (!text || !*text) {
      free(text);
      v->per_fault[n->fault]--;
      free(n->name);
      free(n->label);
      cJSON_Delete(n->value);
      continue;
    }
    n->segment = segment;
    n->prefix = gt_xstrdup(prefix);
    n->suffix = gt_xstrdup(suffix);
    n->text = text;
    v->items[kept++] = *n;
  }
  v->count = kept;
  free(prefix);
  free(suffix);
}

void oa_negatives(oa_reader *R, const gt_oa_op *op, gt_negative **out, size_t *n) {
  neg_vec v = {0};
  bool openapi30 = R->d->version != 31;
  for (size_t i = 0; i < op->n_params; i++) {
    const gt_oa_param *p = &op->params[i];
    gt_negative_place in;
    if (!strcmp(p->in, "query"))
      in = GT_NEG_QUERY;
    else if (!strcmp(p->in, "header") && !skipped_header(p->name))
      in = GT_NEG_HEADER;
    else if (!strcmp(p->in, "cookie"))
      in = GT_NEG_COOKIE;
    else if (!strcmp(p->in, "path"))
      in = GT_NEG_PATH;
    else
      continue;
    size_t from = v.count;
    char *where = gt_xasprintf("%s %s", p->in, p->name);
    /* a path parameter cannot be left out: the path would name another route */
    if (p->required && in != GT_NEG_PATH)
      add(&v, GT_FAULT_MISSING_PARAM, in, p->name, NULL, where, NULL);
    if (p->schema.node) {
      oa_at at = {oa_doc_of(R->d, p->schema.node), gt_xstrdup("")};
      const gt_node *s = oa_resolve(R, p->schema.node, &at);
      oa_at_free(&at);
      cJSON *example = oa_example_json(p->example);
      if (s) of_schema(R, s, openapi30, in, p->name, where, example, &v);
      cJSON_Delete(example);
    }
    free(where);
    if (in == GT_NEG_PATH) place_in_path(p, op->path, &v, from);
  }
  const gt_oa_media *json = NULL, *form = NULL;
  for (size_t i = 0; i < op->n_body; i++) {
    if (!json && is_json_type(op->body[i].type)) json = &op->body[i];
    if (!form && !strncasecmp(op->body[i].type, "application/x-www-form-urlencoded", 33))
      form = &op->body[i];
  }
  /* the body a derived request sends: JSON when documented, else the form */
  if (json)
    of_json_body(R, json, openapi30, &v);
  else if (form)
    of_form(R, form, openapi30, &v);
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
    free(list[i].prefix);
    free(list[i].suffix);
    free(list[i].text);
    free(list[i].parent);
    free(list[i].key);
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

void oa_rejection_path(const gt_oa_op *op, gt_expect *e) {
  oa_rejection(op, e);
  gt_status_add(&e->status, 404);
  char *text = gt_xasprintf("%s or 404", e->status_text);
  free(e->status_text);
  e->status_text = text;
}
