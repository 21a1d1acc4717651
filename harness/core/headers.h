/* headers.h — the one header-list implementation: an owned array of
 * name/value pairs and its count, kept side by side in the owning struct
 * (gt_http_request, gt_http_response, the fault draft, serve's request and
 * response). Names compare case-insensitively (RFC 9110); order is kept.
 *
 * Every string in a list is owned by the list; gt_headers_free releases them
 * and the array. */
#ifndef GT_CORE_HEADERS_H
#define GT_CORE_HEADERS_H

#include <stddef.h>

typedef struct gt_header {
  char *name;  /* owned */
  char *value; /* owned */
} gt_header;

/* The value of the first header named name, "" for a NULL value; NULL when
 * there is none. Borrowed from the list. */
const char *gt_headers_get(const gt_header *h, size_t n, const char *name);
/* Appends name: value (copied; NULL value -> ""), even when the name is there. */
void gt_headers_add(gt_header **h, size_t *n, const char *name, const char *value);
/* Appends name[0..name_len): value[0..value_len) (copied). */
void gt_headers_addn(gt_header **h, size_t *n, const char *name, size_t name_len, const char *value,
                     size_t value_len);
/* Replaces the value of the first header of that name, or appends one. */
void gt_headers_set(gt_header **h, size_t *n, const char *name, const char *value);
/* Removes every header of that name; returns how many. */
size_t gt_headers_remove(gt_header **h, size_t *n, const char *name);
/* Frees every pair and the array; *h = NULL, *n = 0. */
void gt_headers_free(gt_header **h, size_t *n);

#endif
