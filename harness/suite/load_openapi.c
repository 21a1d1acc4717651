/* load_openapi.c — a suite's `openapi:` key (docs/openapi.md "openapi: in a
 * suite"): the document is read by the CLI after the suite loads (openapi/
 * builds on the suite loader, not the other way round); here the key is
 * validated and the path resolved. */
#include <stdlib.h>
#include <string.h>

#include "load.h"

bool ld_derives_missing(const gt_node *root) {
  const gt_node *derive = gt_node_get(gt_node_get(root, "openapi"), "derive");
  return derive && derive->kind == GT_NODE_SCALAR && derive->text &&
         !strcmp(derive->text, "missing");
}

bool ld_openapi(loader *L, const gt_node *n) {
  if (!n) return true;
  const gt_node *file = n;
  if (n->kind == GT_NODE_MAP) {
    static const char *const keys[] = {"file", "derive", NULL};
    if (!ld_check_keys(L, n, keys, "openapi")) return false;
    file = gt_node_get(n, "file");
    if (!file) return ld_fail(L, n, "openapi: `file` (the document's path) is required");
    const gt_node *derive = gt_node_get(n, "derive");
    if (derive && !ld_want_scalar(L, derive, "openapi.derive")) return false;
    if (derive && strcmp(derive->text, "none") && strcmp(derive->text, "missing"))
      return ld_fail(L, derive,
                     "openapi.derive: expected `none` (operations without a scenario are "
                     "reported as not covered) or `missing` (they are derived and run), got '%s'",
                     derive->text);
    L->suite->openapi.derive_missing = derive && !strcmp(derive->text, "missing");
  }
  if (!ld_want_scalar(L, file, "openapi")) return false;
  L->suite->openapi.file = ld_resolve_relative(L->suite->file, file->text);
  L->suite->openapi.line = file->line;
  L->suite->openapi.col = file->col;
  return true;
}
