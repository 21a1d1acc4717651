/* synthesize.c — the inverse of matching: a value a template accepts. serve
 * uses it to answer from a scenario's `expect` and to build error bodies from
 * the profile's error shape. */
#include <stdlib.h>
#include <string.h>

#include "template_internal.h"

static cJSON *synth(const gt_node *t, const gt_scope *scope, int depth);

static cJSON *synth_literal(const gt_node *t, const gt_scope *scope) {
  gt_err err = {0};
  cJSON *v = tmpl_expand_scalar(t, scope, &err);
  /* Undefined variables (serve fills ${path.x} itself): keep the text. */
  if (!v) v = tmpl_expand_scalar(t, NULL, &err);
  if (!v) v = cJSON_CreateString(t->text ? t->text : "");
  if (!v) gt_oom();
  return v;
}

static cJSON *regex_example_json(const gt_node *t) {
  char *ex = tmpl_regex_example(t->text);
  if (ex && tmpl_regex_match(t, ex, strlen(ex)) == 1) {
    cJSON *s = cJSON_CreateString(ex);
    free(ex);
    return s;
  }
  free(ex);
  return cJSON_CreateString("string");
}

static cJSON *synth_map(const gt_node *t, const gt_scope *scope, int depth) {
  cJSON *o = cJSON_CreateObject();
  for (size_t i = 0; i < t->count; i++) {
    cJSON *v = synth(t->items[i], scope, depth + 1);
    if (!v) continue; /* !absent: the key is left out */
    cJSON_AddItemToObject(o, t->keys[i]->text ? t->keys[i]->text : "", v);
  }
  return o;
}

static cJSON *synth_seq(const gt_node *t, const gt_scope *scope, int depth) {
  cJSON *a = cJSON_CreateArray();
  for (size_t i = 0; i < t->count; i++) {
    cJSON *v = synth(t->items[i], scope, depth + 1);
    cJSON_AddItemToArray(a, v ? v : cJSON_CreateNull());
  }
  return a;
}

static cJSON *synth(const gt_node *t, const gt_scope *scope, int depth) {
  if (!t) return NULL;
  if (depth > 256) return cJSON_CreateNull();
  switch (tmpl_classify(t)) {
  case TK_STRING:
    return cJSON_CreateString("string");
  case TK_INTEGER:
    return cJSON_CreateNumber(1);
  case TK_NUMBER:
    return cJSON_CreateNumber(1.5);
  case TK_BOOLEAN:
    return cJSON_CreateTrue();
  case TK_NULL:
  case TK_ANY:
  case TK_UNKNOWN:
    return cJSON_CreateNull();
  case TK_ABSENT:
    return NULL;
  case TK_OBJECT:
    return cJSON_CreateObject();
  case TK_ARRAY:
    return cJSON_CreateArray();
  case TK_REGEX:
    return regex_example_json(t);
  case TK_ONE_OF:
    if (t->kind == GT_NODE_SEQ && t->count > 0) return synth(t->items[0], scope, depth + 1);
    return cJSON_CreateNull();
  case TK_LEN: {
    size_t n = 0;
    tmpl_len_arg(t, &n);
    if (n > 4096) n = 4096;
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++)
      cJSON_AddItemToArray(a, cJSON_CreateString("string"));
    return a;
  }
  case TK_CONTAINS:
  case TK_EXACT:
  default:
    if (t->kind == GT_NODE_MAP) return synth_map(t, scope, depth);
    if (t->kind == GT_NODE_SEQ) return synth_seq(t, scope, depth);
    return synth_literal(t, scope);
  }
}

cJSON *gt_template_synthesize(const gt_node *tmpl, const gt_scope *scope) {
  return synth(tmpl, scope, 0);
}

char *gt_template_synthesize_text(const gt_node *t, const gt_scope *scope) {
  if (!t) return NULL;
  switch (tmpl_classify(t)) {
  case TK_INTEGER:
    return gt_xstrdup("1000"); /* e.g. X-RateLimit-*: plausible, not 1 */
  case TK_NUMBER:
    return gt_xstrdup("1.5");
  case TK_STRING:
    return gt_xstrdup("string");
  case TK_BOOLEAN:
    return gt_xstrdup("true");
  case TK_NULL:
  case TK_ANY:
    return gt_xstrdup("");
  case TK_ABSENT:
    return NULL;
  case TK_ONE_OF:
    if (t->kind == GT_NODE_SEQ && t->count > 0)
      return gt_template_synthesize_text(t->items[0], scope);
    return gt_xstrdup("");
  case TK_LEN: {
    size_t n = 0;
    tmpl_len_arg(t, &n);
    if (n > 4096) n = 4096;
    char *s = gt_xmalloc(n + 1);
    memset(s, 'x', n);
    s[n] = 0;
    return s;
  }
  default:
    break;
  }
  if (t->kind == GT_NODE_SCALAR && tmpl_classify(t) != TK_REGEX) {
    gt_buf b;
    gt_buf_init(&b);
    gt_err err = {0};
    if (!scope || !gt_expand_text(scope, t->text ? t->text : "", t->text ? t->text_len : 0, &b,
                                  t->file, t->line, t->col, &err)) {
      gt_buf_reset(&b);
      gt_buf_add(&b, t->text ? t->text : "", t->text ? t->text_len : 0);
    }
    if (!b.data) gt_buf_adds(&b, "");
    return gt_buf_steal(&b);
  }
  cJSON *j = gt_template_synthesize(t, scope);
  char *s;
  if (cJSON_IsString(j))
    s = gt_xstrdup(j->valuestring);
  else
    s = j ? cJSON_PrintUnformatted(j) : gt_xstrdup("");
  cJSON_Delete(j);
  return s ? s : gt_xstrdup("");
}

cJSON *gt_json_merge_deep(cJSON *dst, const cJSON *src) {
  if (!src) return dst;
  if (!cJSON_IsObject(dst) || !cJSON_IsObject(src)) {
    cJSON_Delete(dst);
    cJSON *copy = cJSON_Duplicate(src, true);
    if (!copy) gt_oom();
    return copy;
  }
  for (const cJSON *s = src->child; s; s = s->next) {
    if (!s->string) continue;
    cJSON *d = cJSON_GetObjectItemCaseSensitive(dst, s->string);
    if (d && cJSON_IsObject(d) && cJSON_IsObject(s)) {
      gt_json_merge_deep(d, s); /* objects merge in place: d stays the same node */
      continue;
    }
    cJSON *copy = cJSON_Duplicate(s, true);
    if (!copy) gt_oom();
    if (d)
      cJSON_ReplaceItemViaPointer(dst, d, copy);
    else
      cJSON_AddItemToObject(dst, s->string, copy);
  }
  return dst;
}
