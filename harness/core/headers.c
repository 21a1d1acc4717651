/* headers.c — the header list (see headers.h). */
#include "headers.h"

#include <stdlib.h>
#include <strings.h>

#include "buf.h"

const char *gt_headers_get(const gt_header *h, size_t n, const char *name) {
  for (size_t i = 0; i < n; i++)
    if (h[i].name && strcasecmp(h[i].name, name) == 0) return h[i].value ? h[i].value : "";
  return NULL;
}

void gt_headers_addn(gt_header **h, size_t *n, const char *name, size_t name_len, const char *value,
                     size_t value_len) {
  *h = gt_xrealloc(*h, (*n + 1) * sizeof **h);
  (*h)[*n].name = gt_xstrndup(name, name_len);
  (*h)[*n].value = gt_xstrndup(value, value_len);
  (*n)++;
}

void gt_headers_add(gt_header **h, size_t *n, const char *name, const char *value) {
  *h = gt_xrealloc(*h, (*n + 1) * sizeof **h);
  (*h)[*n].name = gt_xstrdup(name);
  (*h)[*n].value = gt_xstrdup(value ? value : "");
  (*n)++;
}

void gt_headers_set(gt_header **h, size_t *n, const char *name, const char *value) {
  for (size_t i = 0; i < *n; i++) {
    if (!(*h)[i].name || strcasecmp((*h)[i].name, name) != 0) continue;
    free((*h)[i].value);
    (*h)[i].value = gt_xstrdup(value ? value : "");
    return;
  }
  gt_headers_add(h, n, name, value);
}

size_t gt_headers_remove(gt_header **h, size_t *n, const char *name) {
  size_t kept = 0, removed = 0;
  for (size_t i = 0; i < *n; i++) {
    if ((*h)[i].name && strcasecmp((*h)[i].name, name) == 0) {
      free((*h)[i].name);
      free((*h)[i].value);
      removed++;
    } else {
      (*h)[kept++] = (*h)[i];
    }
  }
  *n = kept;
  return removed;
}

void gt_headers_free(gt_header **h, size_t *n) {
  for (size_t i = 0; i < *n; i++) {
    free((*h)[i].name);
    free((*h)[i].value);
  }
  free(*h);
  *h = NULL;
  *n = 0;
}
