#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

bool gt_err_set(gt_err *e, enum gt_err_kind kind, const char *file, int line, int col,
                const char *fmt, ...) {
  if (!e) return false;
  e->kind = kind;
  snprintf(e->file, sizeof e->file, "%s", file ? file : "");
  e->line = line;
  e->col = col;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(e->msg, sizeof e->msg, fmt, ap);
  va_end(ap);
  return false;
}

void gt_err_format(const gt_err *e, char *out, unsigned long cap) {
  if (e->file[0] && e->line > 0)
    snprintf(out, cap, "%s:%d:%d: %s", e->file, e->line, e->col, e->msg);
  else if (e->file[0])
    snprintf(out, cap, "%s: %s", e->file, e->msg);
  else
    snprintf(out, cap, "%s", e->msg);
}
