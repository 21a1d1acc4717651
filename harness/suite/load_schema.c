/* load_schema.c — JSON Schemas in suites and profiles (docs/schema.md):
 * `expect.schema` (scenarios, fault expectations, profile faults.expect,
 * poll.until), profile `errors.schema`, and the suite keys that say how they
 * compile (`schema_dialect:`, `strict_formats:`).
 *
 * Each schema is compiled once, here, so that a bad one is a load error at its
 * FILE:LINE:COL (nothing is sent) and a response only costs a validation. A
 * `$ref` resolves against the file the schema is written in (the suite, an
 * included file or the profile). The compiled schemas belong to the suite
 * (suite->schemas); the model points at them. The common form
 * `schema: {$ref: schemas/item.json}` is compiled once per referenced file
 * however many scenarios use it. */
#include <stdlib.h>
#include <string.h>

#include "load.h"
#include "../schema/schema.h"

static void keep_schema(loader *L, gt_schema *s) {
  gt_suite *suite = L->suite;
  suite->schemas = gt_xrealloc(suite->schemas, (suite->n_schemas + 1) * sizeof *suite->schemas);
  suite->schemas[suite->n_schemas++] = s;
}

/* A YAML tag (a template matcher such as !string) in a schema is a mistake:
 * JSON Schema has no tags. */
static bool no_tags(loader *L, const gt_node *n, const char *what) {
  if (n->tag)
    return ld_fail(L, n,
                   "%s: YAML tag '%s' in a JSON Schema (use schema keywords such as "
                   "type: string)",
                   what, n->tag);
  for (size_t i = 0; n->kind != GT_NODE_SCALAR && i < n->count; i++)
    if (!no_tags(L, n->items[i], what)) return false;
  return true;
}

/* The key of the `{$ref: X}` form (X resolved against the schema's file), or
 * NULL for any other schema. Caller frees. */
static char *ref_only_key(const gt_node *n) {
  if (n->kind != GT_NODE_MAP || n->count != 1 || strcmp(n->keys[0]->text, "$ref") != 0) return NULL;
  const gt_node *ref = n->items[0];
  if (ref->kind != GT_NODE_SCALAR || ref->tag || !ref->text || !ref->text[0]) return NULL;
  if (ref->text[0] == '#') return NULL; /* a pointer into itself: nothing to share */
  if (strstr(ref->text, "://") || !strncmp(ref->text, "urn:", 4)) return gt_xstrdup(ref->text);
  /* The file's real path (./item.json and item.json are one file), then the
   * fragment as written. */
  char *full = ld_resolve_relative(n->file ? n->file : "", ref->text);
  char *hash = strchr(full, '#');
  if (hash) *hash = 0;
  char *real = realpath(full, NULL);
  char *key = real ? gt_xasprintf("%s%s%s", real, hash ? "#" : "", hash ? hash + 1 : "") : NULL;
  if (hash) *hash = '#';
  free(real);
  if (!key) return full;
  free(full);
  return key;
}

static gt_schema *cached(loader *L, const char *key) {
  for (size_t i = 0; i < L->n_schema_cache; i++)
    if (!strcmp(L->schema_cache[i].key, key)) return L->schema_cache[i].schema;
  return NULL;
}

static void remember(loader *L, char *key, gt_schema *s) {
  L->schema_cache = gt_xrealloc(L->schema_cache, (L->n_schema_cache + 1) * sizeof *L->schema_cache);
  L->schema_cache[L->n_schema_cache].key = key;
  L->schema_cache[L->n_schema_cache].schema = s;
  L->n_schema_cache++;
}

bool ld_schema(loader *L, const gt_node *key, const gt_node *n, const gt_schema **out,
               const char *what) {
  if (ld_is_null(n))
    return ld_fail(L, n->line > 0 ? n : key,
                   "%s: expected a JSON Schema (a mapping such as {type: object} or "
                   "{$ref: schemas/item.json}, or true/false), got null",
                   what);
  if (n->kind == GT_NODE_SEQ)
    return ld_fail(L, n, "%s: expected a JSON Schema (a mapping or true/false), got a list", what);
  if (!no_tags(L, n, what)) return false;
  char *ref_key = ref_only_key(n);
  gt_schema *s = ref_key ? cached(L, ref_key) : NULL;
  if (s) {
    free(ref_key);
    *out = s;
    return true;
  }
  gt_schema_opts o = {
      .dialect = (gt_schema_dialect)L->suite->schema_dialect,
      .strict_formats = L->suite->strict_formats || L->opts->strict_formats,
  };
  gt_err e = {0};
  s = gt_schema_compile(n, &o, &e);
  if (!s) {
    free(ref_key);
    /* The schema library's error points at the offending keyword, in the
     * suite or in a referenced file. */
    const char *file = e.file[0] ? e.file : n->file;
    int line = e.file[0] ? e.line : n->line, col = e.file[0] ? e.col : n->col;
    return gt_err_set(L->err, GT_ERR_INPUT, file, line, col, "%s: %s", what,
                      e.msg[0] ? e.msg : "bad schema");
  }
  keep_schema(L, s);
  if (ref_key) remember(L, ref_key, s);
  *out = s;
  return true;
}

bool ld_schema_options(loader *L, const gt_node *root) {
  const gt_node *d = gt_node_get(root, "schema_dialect");
  if (d && !ld_is_null(d)) {
    if (!ld_want_scalar(L, d, "schema_dialect")) return false;
    gt_schema_dialect dl;
    if (!gt_schema_dialect_parse(d->text, &dl))
      return ld_fail(L, d,
                     "schema_dialect: unknown dialect '%s' (expected 2020-12, draft-07, "
                     "draft-06, draft-04 or openapi-3.0)",
                     d->text);
    L->suite->schema_dialect = (int)dl;
  }
  const gt_node *sf = gt_node_get(root, "strict_formats");
  if (sf && !ld_is_null(sf) && !ld_bool(L, sf, "strict_formats", &L->suite->strict_formats))
    return false;
  return true;
}

void ld_schema_cache_free(loader *L) {
  for (size_t i = 0; i < L->n_schema_cache; i++)
    free(L->schema_cache[i].key);
  free(L->schema_cache);
  L->schema_cache = NULL;
  L->n_schema_cache = 0;
}
