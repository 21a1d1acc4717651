/* node.c — the gt_node tree: construction, lookup, cloning and the YAML 1.2
 * core-schema reading of scalars into JSON (see node.h). */
#include "node.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"

gt_node *gt_node_new(gt_node_kind kind, const char *file, int line, int col) {
  gt_node *n = gt_xcalloc(1, sizeof *n);
  n->kind = kind;
  n->file = file;
  n->line = line;
  n->col = col;
  return n;
}

gt_node *gt_node_new_scalar(const char *text, bool quoted, const char *file, int line, int col) {
  gt_node *n = gt_node_new(GT_NODE_SCALAR, file, line, col);
  n->text_len = strlen(text);
  n->text = gt_xstrndup(text, n->text_len);
  n->quoted = quoted;
  return n;
}

void gt_node_free(gt_node *n) {
  if (!n) return;
  for (size_t i = 0; i < n->count; i++) {
    if (n->keys) gt_node_free(n->keys[i]);
    gt_node_free(n->items[i]);
  }
  free(n->keys);
  free(n->items);
  free(n->tag);
  free(n->text);
  if (n->aux && n->aux_free) n->aux_free(n->aux);
  free(n);
}

gt_node *gt_node_clone(const gt_node *n) {
  if (!n) return NULL;
  gt_node *c = gt_node_new(n->kind, n->file, n->line, n->col);
  c->tag = n->tag ? gt_xstrdup(n->tag) : NULL;
  c->quoted = n->quoted;
  if (n->text) {
    c->text = gt_xstrndup(n->text, n->text_len);
    c->text_len = n->text_len;
  }
  for (size_t i = 0; i < n->count; i++)
    gt_node_append(c, n->keys ? gt_node_clone(n->keys[i]) : NULL, gt_node_clone(n->items[i]));
  return c;
}

/* The arrays have no stored capacity: it is 4, then doubles, so it is implied
 * by count and grows exactly when count reaches 0, 4, 8, 16... */
static bool needs_growth(size_t count) {
  return count == 0 || (count >= 4 && (count & (count - 1)) == 0);
}

void gt_node_append(gt_node *parent, gt_node *key, gt_node *value) {
  size_t n = parent->count;
  if (needs_growth(n)) {
    size_t cap = n ? n * 2 : 4;
    parent->items = gt_xrealloc(parent->items, cap * sizeof *parent->items);
    if (parent->kind == GT_NODE_MAP)
      parent->keys = gt_xrealloc(parent->keys, cap * sizeof *parent->keys);
  }
  if (parent->kind == GT_NODE_MAP) parent->keys[n] = key;
  parent->items[n] = value;
  parent->count = n + 1;
}

const gt_node *gt_node_get(const gt_node *map, const char *key) {
  if (!map || map->kind != GT_NODE_MAP) return NULL;
  for (size_t i = 0; i < map->count; i++)
    if (map->keys[i]->text && strcmp(map->keys[i]->text, key) == 0) return map->items[i];
  return NULL;
}

const gt_node *gt_node_get_ci(const gt_node *map, const char *key) {
  if (!map || map->kind != GT_NODE_MAP) return NULL;
  for (size_t i = 0; i < map->count; i++)
    if (map->keys[i]->text && strcasecmp(map->keys[i]->text, key) == 0) return map->items[i];
  return NULL;
}

/* ---- core schema ---- */

static bool is_null_word(const char *t, size_t len) {
  return len == 0 || (len == 1 && t[0] == '~') ||
         (len == 4 && (!memcmp(t, "null", 4) || !memcmp(t, "Null", 4) || !memcmp(t, "NULL", 4)));
}

static int bool_word(const char *t, size_t len) {
  if (len == 4 && (!memcmp(t, "true", 4) || !memcmp(t, "True", 4) || !memcmp(t, "TRUE", 4)))
    return 1;
  if (len == 5 && (!memcmp(t, "false", 5) || !memcmp(t, "False", 5) || !memcmp(t, "FALSE", 5)))
    return 0;
  return -1;
}

/* [-+]?[0-9]+ or [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
static bool is_number_text(const char *t, size_t len) {
  size_t i = 0, digits = 0;
  if (i < len && (t[i] == '-' || t[i] == '+')) i++;
  while (i < len && t[i] >= '0' && t[i] <= '9')
    i++, digits++;
  if (i < len && t[i] == '.') {
    i++;
    while (i < len && t[i] >= '0' && t[i] <= '9')
      i++, digits++;
  }
  if (digits == 0) return false;
  if (i < len && (t[i] == 'e' || t[i] == 'E')) {
    i++;
    if (i < len && (t[i] == '-' || t[i] == '+')) i++;
    size_t exp = 0;
    while (i < len && t[i] >= '0' && t[i] <= '9')
      i++, exp++;
    if (exp == 0) return false;
  }
  return i == len;
}

cJSON *gt_scalar_to_json(const char *text, size_t len, bool quoted) {
  if (!quoted) {
    if (is_null_word(text, len)) return cJSON_CreateNull();
    int b = bool_word(text, len);
    if (b >= 0) return cJSON_CreateBool(b);
    if (is_number_text(text, len)) {
      char tmp[128];
      if (len < sizeof tmp) {
        memcpy(tmp, text, len);
        tmp[len] = 0;
        double d = strtod(tmp, NULL);
        if (isfinite(d)) return cJSON_CreateNumber(d);
      }
    }
  }
  /* cJSON strings are NUL-terminated: text after an embedded NUL is lost. */
  char *s = gt_xstrndup(text, len);
  cJSON *j = cJSON_CreateString(s);
  free(s);
  return j;
}

cJSON *gt_node_to_json(const gt_node *n) {
  if (!n) return cJSON_CreateNull();
  switch (n->kind) {
  case GT_NODE_SCALAR:
    return gt_scalar_to_json(n->text ? n->text : "", n->text ? n->text_len : 0, n->quoted);
  case GT_NODE_SEQ: {
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < n->count; i++)
      cJSON_AddItemToArray(a, gt_node_to_json(n->items[i]));
    return a;
  }
  case GT_NODE_MAP: {
    cJSON *o = cJSON_CreateObject();
    for (size_t i = 0; i < n->count; i++)
      cJSON_AddItemToObject(o, n->keys[i]->text ? n->keys[i]->text : "",
                            gt_node_to_json(n->items[i]));
    return o;
  }
  }
  return cJSON_CreateNull();
}

gt_node *gt_node_from_json(const cJSON *j, const char *file, int line, int col) {
  if (!j || cJSON_IsNull(j)) return gt_node_new_scalar("null", false, file, line, col);
  if (cJSON_IsBool(j))
    return gt_node_new_scalar(cJSON_IsTrue(j) ? "true" : "false", false, file, line, col);
  if (cJSON_IsNumber(j)) {
    char tmp[64];
    double d = j->valuedouble;
    if (d == floor(d) && fabs(d) < 1e15)
      snprintf(tmp, sizeof tmp, "%.0f", d);
    else
      snprintf(tmp, sizeof tmp, "%.17g", d);
    return gt_node_new_scalar(tmp, false, file, line, col);
  }
  if (cJSON_IsString(j)) return gt_node_new_scalar(j->valuestring, true, file, line, col);
  if (cJSON_IsArray(j)) {
    gt_node *s = gt_node_new(GT_NODE_SEQ, file, line, col);
    for (const cJSON *c = j->child; c; c = c->next)
      gt_node_append(s, NULL, gt_node_from_json(c, file, line, col));
    return s;
  }
  if (cJSON_IsObject(j)) {
    gt_node *m = gt_node_new(GT_NODE_MAP, file, line, col);
    for (const cJSON *c = j->child; c; c = c->next)
      gt_node_append(m, gt_node_new_scalar(c->string ? c->string : "", true, file, line, col),
                     gt_node_from_json(c, file, line, col));
    return m;
  }
  /* cJSON_Raw and anything else: keep the text. */
  char *p = cJSON_PrintUnformatted(j);
  gt_node *n = gt_node_new_scalar(p ? p : "", true, file, line, col);
  free(p);
  return n;
}
