/* mutate_schema.c — the schema-driven faults (docs/faults.md "values
 * (OpenAPI)"): the valid request with one value replaced by the invalid one
 * the scenario's contract names (case param = its index), or a required
 * parameter left out. */
#include "fault_internal.h"

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
    if (!n->value)
      cJSON_DeleteItemFromObjectCaseSensitive(d->json, n->name);
    else if (cJSON_GetObjectItemCaseSensitive(d->json, n->name))
      cJSON_ReplaceItemInObjectCaseSensitive(d->json, n->name, cJSON_Duplicate(n->value, true));
    else
      cJSON_AddItemToObject(d->json, n->name, cJSON_Duplicate(n->value, true));
    break;
  case GT_NEG_FORM:
    form_remove(d, n->name);
    if (text) gt_headers_add(&d->form, &d->n_form, n->name, text);
    break;
  }
  free(text);
  return true;
}
