/* mutate_schema.c — the schema-driven faults (docs/faults.md "values
 * (OpenAPI)"): the valid request with one value replaced by the invalid one
 * the scenario's contract names (case param = its index), or a required
 * parameter left out. Places: a path segment, a query parameter, a header,
 * a cookie, a JSON body property at any depth, a form field. */
#include "fault_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "../core/hex.h"

/* A JSON value as the text of a parameter, header or form field. Caller frees. */
static char *as_text(const cJSON *v) {
  if (cJSON_IsString(v)) return gt_xstrdup(v->valuestring);
  char *t = cJSON_PrintUnformatted(v);
  return t ? t : gt_xstrdup("");
}

/* Removes every `name=...` pair (name compared decoded) from an encoded query. */
static void query_remove(gt_buf *q, const char *name) {
  gt_buf out, key;
  gt_buf_init(&out);
  gt_buf_init(&key);
  const char *p = q->data ? q->data : "";
  while (*p) {
    size_t n = strcspn(p, "&");
    size_t kn = strcspn(p, "=");
    if (kn > n) kn = n;
    gt_buf_reset(&key);
    gt_percent_decode(p, kn, &key);
    for (size_t i = 0; i < key.len; i++)
      if (key.data[i] == '+') key.data[i] = ' ';
    if (strcmp(key.data ? key.data : "", name) != 0) {
      if (out.len) gt_buf_addc(&out, '&');
      gt_buf_add(&out, p, n);
    }
    p += n + (p[n] == '&');
  }
  gt_buf_free(&key);
  gt_buf_free(q);
  *q = out;
}

static void form_remove(gt_draft *d, const char *name) {
  size_t kept = 0;
  for (size_t i = 0; i < d->n_form; i++) {
    if (!strcmp(d->form[i].name, name)) {
      free(d->form[i].name);
      free(d->form[i].value);
      continue;
    }
    d->form[kept++] = d->form[i];
  }
  d->n_form = kept;
}

/* Sets (value) or removes (NULL) negative n's member in the JSON body; its
 * parent must be there. */
static bool json_put(cJSON *doc, const gt_negative *n) {
  cJSON *parent = gt_simple_path_get(doc, n->parent ? n->parent : "$");
  if (n->key && cJSON_IsObject(parent)) {
    if (!n->value)
      cJSON_DeleteItemFromObjectCaseSensitive(parent, n->key);
    else if (cJSON_GetObjectItemCaseSensitive(parent, n->key))
      cJSON_ReplaceItemInObjectCaseSensitive(parent, n->key, cJSON_Duplicate(n->value, true));
    else
      cJSON_AddItemToObject(parent, n->key, cJSON_Duplicate(n->value, true));
    return true;
  }
  if (n->key || !cJSON_IsArray(parent) || n->index < 0 || n->index >= cJSON_GetArraySize(parent))
    return false;
  if (!n->value)
    cJSON_DeleteItemFromArray(parent, n->index);
  else
    cJSON_ReplaceItemInArray(parent, n->index, cJSON_Duplicate(n->value, true));
  return true;
}

/* The path with segment k (0: the first) replaced by text, percent-encoded
 * but for RFC 3986 unreserved characters and the sub-delimiters the label
 * and matrix styles write. */
static void path_replace(gt_draft *d, int k, const char *prefix, const char *text,
                         const char *suffix) {
  gt_buf out;
  gt_buf_init(&out);
  const char *p = d->path;
  size_t query = strcspn(p, "?");
  int seg = 0;
  for (size_t i = 0; i < query;) {
    if (p[i] == '/') {
      gt_buf_addc(&out, '/');
      i++;
      continue;
    }
    size_t n = strcspn(p + i, "/?");
    if (seg++ != k) {
      gt_buf_add(&out, p + i, n);
    } else {
      gt_buf_adds(&out, prefix);
      for (const unsigned char *t = (const unsigned char *)text; *t; t++)
        if (isalnum(*t) || strchr("-._~,;=", *t))
          gt_buf_addc(&out, (char)*t);
        else
          gt_buf_printf(&out, "%%%02X", *t);
      gt_buf_adds(&out, suffix);
    }
    i += n;
  }
  gt_buf_adds(&out, p + query);
  free(d->path);
  d->path = out.data ? gt_buf_steal(&out) : gt_xstrdup("");
}

/* The Cookie header without cookie name, and with name=text when text. */
static void cookie_replace(gt_draft *d, const char *name, const char *text) {
  const char *old = gt_draft_header(d, "Cookie");
  gt_buf out;
  gt_buf_init(&out);
  size_t nl = strlen(name);
  for (const char *p = old ? old : ""; *p;) {
    while (*p == ' ' || *p == ';')
      p++;
    size_t n = strcspn(p, ";");
    if (n && !(n > nl && !strncmp(p, name, nl) && p[nl] == '=') &&
        !(n == nl && !strncmp(p, name, nl))) {
      if (out.len) gt_buf_adds(&out, "; ");
      gt_buf_add(&out, p, n);
    }
    p += n;
  }
  if (text) gt_buf_printf(&out, "%s%s=%s", out.len ? "; " : "", name, text);
  if (out.len)
    gt_draft_set_header(d, "Cookie", out.data);
  else
    gt_draft_remove_header(d, "Cookie");
  gt_buf_free(&out);
}

bool gt_mutate_schema(const gt_build_ctx *ctx, const gt_case *c, gt_draft *d, gt_err *err) {
  const gt_contract *k = ctx->suite->scenarios[c->scenario].contract;
  if (!k || c->param < 0 || (size_t)c->param >= k->n_negatives)
    return gt_err_set(err, GT_ERR_INPUT, NULL, 0, 0, "%s: no OpenAPI operation", c->name);
  const gt_negative *n = &k->negatives[c->param];
  char *text = n->value ? as_text(n->value) : NULL;
  switch (n->in) {
  case GT_NEG_QUERY:
    query_remove(&d->query, n->name);
    if (text) gt_draft_add_query(d, n->name, text);
    break;
  case GT_NEG_HEADER:
    gt_draft_remove_header(d, n->name);
    if (text) gt_draft_set_header(d, n->name, text);
    break;
  case GT_NEG_JSON:
    if (!cJSON_IsObject(d->json)) {
      free(text);
      return gt_err_set(err, GT_ERR_INPUT, NULL, 0, 0, "%s: the body is not a JSON object",
                        c->name);
    }
    if (!json_put(d->json, n)) {
      free(text);
      return gt_err_set(err, GT_ERR_INPUT, NULL, 0, 0, "%s: %s is not in the expanded body",
                        c->name, n->name);
    }
    break;
  case GT_NEG_FORM:
    form_remove(d, n->name);
    if (text) gt_headers_add(&d->form, &d->n_form, n->name, text);
    break;
  case GT_NEG_PATH:
    path_replace(d, n->segment, n->prefix ? n->prefix : "", n->text ? n->text : "",
                 n->suffix ? n->suffix : "");
    break;
  case GT_NEG_COOKIE:
    cookie_replace(d, n->name, text);
    break;
  }
  free(text);
  return true;
}
