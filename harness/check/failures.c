/* failures.c — the list every check appends to. Owns copies of the strings. */
#include <stdlib.h>

#include "check.h"

void gt_failures_add_message(gt_failures *f, gt_check_id check, const char *where,
                             const char *expected, const char *actual, const char *message) {
  if (f->count == f->cap) {
    f->cap = f->cap ? f->cap * 2 : 8;
    f->items = gt_xrealloc(f->items, f->cap * sizeof *f->items);
  }
  gt_failure *it = &f->items[f->count++];
  it->check = check;
  it->where = gt_xstrdup(where ? where : "");
  it->expected = gt_xstrdup(expected ? expected : "");
  it->actual = gt_xstrdup(actual ? actual : "");
  it->message = message ? gt_xstrdup(message) : NULL;
}

void gt_failures_add(gt_failures *f, gt_check_id check, const char *where, const char *expected,
                     const char *actual) {
  gt_failures_add_message(f, check, where, expected, actual, NULL);
}

void gt_failures_free(gt_failures *f) {
  for (size_t i = 0; i < f->count; i++) {
    free(f->items[i].where);
    free(f->items[i].expected);
    free(f->items[i].actual);
    free(f->items[i].message);
  }
  free(f->items);
  f->items = NULL;
  f->count = f->cap = 0;
}
