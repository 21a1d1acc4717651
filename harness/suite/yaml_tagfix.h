/* yaml_tagfix.h — a workaround for libfyaml 0.7.12 reading a tag glued to a
 * flow indicator as part of the tag: `[200, !integer]}`, `[[!integer]]`,
 * `[!integer,]`. libfyaml then either fails ("flow sequence without a closing
 * bracket", far from the cause) or, worse, succeeds with a tag "!integer]".
 *
 * gt_yaml_parse (yaml_tagfix.c) parses the text as written first; only when
 * that fails or yields a tag holding a flow indicator does it insert one space
 * between each such tag and the indicator and parse again. Every position in
 * the second tree and error is mapped back to the text as written, so
 * FILE:LINE:COL stays exact. */
#ifndef GT_SUITE_YAML_TAGFIX_H
#define GT_SUITE_YAML_TAGFIX_H

#include <stddef.h>

#include "../core/err.h"
#include "../core/node.h"

/* The libfyaml reader itself (yaml_read.c): gt_yaml_parse without the fix. */
gt_node *gt_yaml_parse_exact(const char *file, const char *data, size_t len, gt_err *err);

/* The text with a space inserted after each tag glued to `]`, `}` or `,` in
 * a flow collection (outside quoted scalars, comments and block scalars), and
 * where the insertions went: line[i], col[i] is the 1-based position (columns
 * counted in characters, as libfyaml counts them) of the indicator that moved
 * right, in the text as written; sorted. */
typedef struct gt_tagfix {
  char *text; /* owned; NUL-terminated */
  size_t len;
  size_t n;  /* insertions */
  int *line; /* owned, n entries */
  int *col;  /* owned, n entries */
} gt_tagfix;

/* Fills fix (always: free it with gt_tagfix_free) and returns fix->n. */
size_t gt_yaml_tagfix(const char *data, size_t len, gt_tagfix *fix);
/* A column on `line` of fix->text back to the text as written. */
int gt_tagfix_col(const gt_tagfix *fix, int line, int col);
void gt_tagfix_free(gt_tagfix *fix);

#endif
