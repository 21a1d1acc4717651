/* verify.c — the schemas a derived suite synthesizes bodies for (request
 * bodies, response bodies), compiled once so that synth.c can check a
 * synthesized value and try another when the first is not valid (an example
 * outside its enum, a null default, a oneOf value two branches accept). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../schema/parts.h"
#include "oa_internal.h"

struct oa_verifier {
  gt_schema *schema;
  bool borrowed;         /* oa_verifier_part: the schema belongs to someone else */
  const gt_node **nodes; /* nodes[i] is compiled as part i */
  size_t n, cap;
  const char **uris;
};

static void add(oa_verifier *v, const gt_oa_media *m) {
  size_t n = strcspn(m->type, ";");
  /* form bodies too: their fields are synthesized as typed JSON values */
  bool json = (n == 16 && !strncasecmp(m->type, "application/json", 16)) ||
              (n > 5 && !strncasecmp(m->type + n - 5, "+json", 5)) ||
              !strncasecmp(m->type, "application/x-www-form-urlencoded", 33) ||
              !strncasecmp(m->type, "multipart/form-data", 19);
  if (!json || !m->schema.node || !m->schema.uri) return;
  for (size_t i = 0; i < v->n; i++)
    if (v->nodes[i] == m->schema.node) return;
  if (v->n == v->cap) {
    v->cap = v->cap ? v->cap * 2 : 32;
    v->nodes = gt_xrealloc(v->nodes, v->cap * sizeof *v->nodes);
    v->uris = gt_xrealloc(v->uris, v->cap * sizeof *v->uris);
  }
  v->nodes[v->n] = m->schema.node;
  v->uris[v->n++] = m->schema.uri;
}

oa_verifier *oa_verifier_new(const gt_openapi *d) {
  oa_verifier *v = gt_xcalloc(1, sizeof *v);
  for (size_t i = 0; i < d->n_ops; i++) {
    const gt_oa_op *op = &d->ops[i];
    for (size_t m = 0; m < op->n_body; m++)
      add(v, &op->body[m]);
    for (size_t r = 0; r < op->n_responses; r++)
      for (size_t m = 0; m < op->responses[r].n_media; m++)
        add(v, &op->responses[r].media[m]);
  }
  gt_schema_opts so = {.dialect = d->version == 31 ? GT_DIALECT_2020_12 : GT_DIALECT_OPENAPI30,
                       .openapi = true};
  const char *jd = d->version == 31 ? oa_text(d->trees[0], "jsonSchemaDialect") : NULL;
  gt_schema_dialect named;
  if (jd && gt_schema_dialect_parse(jd, &named)) so.dialect = named;
  gt_err err = {0};
  /* a document whose schemas do not compile: nothing is checked here (the
   * contract reports the error when it is attached) */
  if (v->n) v->schema = gt_schema_compile_parts(d->trees[0], d->uris[0], v->uris, v->n, &so, &err);
  free(v->uris);
  v->uris = NULL;
  if (!v->schema) v->n = 0;
  return v;
}

int oa_verifier_check(const oa_verifier *v, const gt_node *schema, const cJSON *value,
                      bool response) {
  gt_schema_use use = response ? GT_SCHEMA_USE_RESPONSE : GT_SCHEMA_USE_REQUEST;
  for (size_t i = 0; v && schema && i < v->n; i++)
    if (v->nodes[i] == schema) return gt_schema_valid_part_as(v->schema, i, use, value) ? 1 : 0;
  return -1;
}

oa_verifier *oa_verifier_part(gt_schema *s, const gt_node *node, size_t part) {
  oa_verifier *v = gt_xcalloc(1, sizeof *v);
  v->schema = s;
  v->borrowed = true;
  v->nodes = gt_xcalloc(part + 1, sizeof *v->nodes);
  v->nodes[part] = node;
  v->n = part + 1;
  return v;
}

static void add_part(oa_verifier *v, const gt_oa_media *m) {
  if (m->part < 0 || !m->schema.node) return;
  size_t i = (size_t)m->part;
  if (i >= v->cap) {
    size_t cap = v->cap ? v->cap : 32;
    while (cap <= i)
      cap *= 2;
    v->nodes = gt_xrealloc(v->nodes, cap * sizeof *v->nodes);
    memset(v->nodes + v->cap, 0, (cap - v->cap) * sizeof *v->nodes);
    v->cap = cap;
  }
  v->nodes[i] = m->schema.node;
  if (i + 1 > v->n) v->n = i + 1;
}

oa_verifier *oa_verifier_of_parts(gt_schema *s, const gt_openapi *d) {
  oa_verifier *v = gt_xcalloc(1, sizeof *v);
  v->schema = s;
  v->borrowed = true;
  for (size_t i = 0; i < d->n_ops; i++) {
    const gt_oa_op *op = &d->ops[i];
    for (size_t m = 0; m < op->n_body; m++)
      add_part(v, &op->body[m]);
    for (size_t r = 0; r < op->n_responses; r++)
      for (size_t m = 0; m < op->responses[r].n_media; m++)
        add_part(v, &op->responses[r].media[m]);
  }
  return v;
}

void oa_verifier_free(oa_verifier *v) {
  if (!v) return;
  if (!v->borrowed) gt_schema_free(v->schema);
  free(v->nodes);
  free(v);
}
