/* parts.c — schemas inside a larger document (parts.h). The document is
 * registered as a resource without being compiled as a schema; each part is
 * a pending $ref that the resolver compiles like any other target. The
 * compiled root is an object whose keywords are those refs, in order. */
#include <string.h>

#include "../core/buf.h"
#include "compile_internal.h"
#include "parts.h"

char *gt_schema_file_uri(const char *path) {
  return sc_file_uri(path);
}

gt_schema *gt_schema_compile_parts(const gt_node *doc, const char *doc_uri,
                                   const char *const *parts, size_t n, const gt_schema_opts *opts,
                                   gt_err *err) {
  static const gt_schema_opts defaults;
  gt_err local;
  if (!opts) opts = &defaults;
  if (!err) err = &local;
  memset(err, 0, sizeof *err);
  gt_schema *s = sc_schema_new(opts);
  s->dialect = opts->dialect ? opts->dialect : GT_DIALECT_2020_12;
  sc_cc c = {.s = s, .opts = opts, .err = err};
  sc_doc *d = gt_xcalloc(1, sizeof *d);
  d->display = gt_xstrdup("");
  c.docs = gt_xmalloc(sizeof *c.docs);
  c.docs[c.n_docs++] = d;
  sc_where w = {sc_keep(&c, gt_xstrdup(doc_uri)), NULL, d, s->dialect, "", false, VOC_DEFAULT};
  sc_resource *r = sc_alloc(s, sizeof *r);
  r->uri = sc_strdup(s, doc_uri);
  w.res = r;
  sc_add_ident(&c, gt_xstrdup(doc_uri), doc, &w, false);

  sc_node *root = sc_alloc(s, sizeof *root);
  root->kind = SC_OBJECT;
  root->loc = "#";
  root->res = r;
  root->kws = sc_alloc(s, (n + 1) * sizeof *root->kws);
  for (size_t i = 0; i < n; i++) {
    sc_kw *k = &root->kws[root->n_kws++];
    k->op = OP_REF;
    k->applies = T_ANY;
    k->loc = "#";
    k->u.ref = sc_alloc(s, sizeof *k->u.ref);
    sc_add_pending(&c, k->u.ref, false, parts[i], doc, &w);
  }
  s->root = root;
  bool ok = sc_resolve_all(&c);
  sc_cc_free(&c);
  if (!ok) {
    if (err->kind == GT_OK) gt_err_set(err, GT_ERR_INPUT, NULL, 0, 0, "invalid schema");
    gt_schema_free(s);
    return NULL;
  }
  return s;
}

/* A view of s whose root is part i (shares everything; nothing to free). */
static bool view_of(const gt_schema *s, size_t i, gt_schema *view) {
  if (!s || i >= s->root->n_kws) return false;
  *view = *s;
  view->root = s->root->kws[i].u.ref->target;
  return view->root != NULL;
}

bool gt_schema_valid_part(const gt_schema *s, size_t i, const cJSON *instance) {
  return gt_schema_validate_part_as(s, i, GT_SCHEMA_USE_ANY, instance, NULL);
}

bool gt_schema_validate_part(const gt_schema *s, size_t i, const cJSON *instance,
                             gt_schema_result *out) {
  return gt_schema_validate_part_as(s, i, GT_SCHEMA_USE_ANY, instance, out);
}

bool gt_schema_valid_part_as(const gt_schema *s, size_t i, gt_schema_use use,
                             const cJSON *instance) {
  return gt_schema_validate_part_as(s, i, use, instance, NULL);
}

bool gt_schema_validate_part_as(const gt_schema *s, size_t i, gt_schema_use use,
                                const cJSON *instance, gt_schema_result *out) {
  gt_schema view;
  if (!view_of(s, i, &view)) return false;
  view.use = (uint8_t)use;
  return out ? gt_schema_validate(&view, instance, out) : gt_schema_valid(&view, instance);
}
