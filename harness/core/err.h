/* err.h — errors as values.
 *
 * Every fallible library function takes a gt_err* and returns false / NULL on
 * failure after filling it. The CLI decides how to print and which exit code.
 * Messages never contain secret values (callers redact before gt_err_set). */
#ifndef GT_CORE_ERR_H
#define GT_CORE_ERR_H

#include <stdbool.h>

enum gt_err_kind {
  GT_OK = 0,
  GT_ERR_USAGE,   /* bad command line              -> exit 2 */
  GT_ERR_INPUT,   /* bad suite / profile (FILE:LINE:COL) -> exit 2 */
  GT_ERR_RUNTIME, /* I/O, OOM, report not writable -> exit 3 */
};

typedef struct gt_err {
  enum gt_err_kind kind;
  char file[512]; /* empty when not about a file */
  int line, col;  /* 1-based; 0 when unknown */
  char msg[1024];
} gt_err;

/* printf-style; file may be NULL. Returns false so callers can `return gt_err_set(...)`. */
bool gt_err_set(gt_err *e, enum gt_err_kind kind, const char *file, int line, int col,
                const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* "FILE:LINE:COL: msg" (or just "msg") into out. */
void gt_err_format(const gt_err *e, char *out, unsigned long cap);

#endif
