/* buf.h — a growable byte buffer. The struct's owner frees it with gt_buf_free.
 * Allocation failure aborts via gt_oom() (the only place the library stops the
 * process: there is no sane way to continue a run without memory). */
#ifndef GT_CORE_BUF_H
#define GT_CORE_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct gt_buf {
  char *data; /* always NUL-terminated when non-NULL */
  size_t len;
  size_t cap;
} gt_buf;

void gt_buf_init(gt_buf *b);
void gt_buf_free(gt_buf *b);
void gt_buf_reset(gt_buf *b); /* len = 0, keeps memory */
void gt_buf_add(gt_buf *b, const void *data, size_t n);
void gt_buf_adds(gt_buf *b, const char *s);
void gt_buf_addc(gt_buf *b, char c);
void gt_buf_printf(gt_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void gt_buf_vprintf(gt_buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Hands the bytes to the caller (who frees them with free()); b is reset empty. */
char *gt_buf_steal(gt_buf *b);

/* Allocation helpers that never return NULL. */
void *gt_xmalloc(size_t n);
void *gt_xcalloc(size_t n, size_t m);
void *gt_xrealloc(void *p, size_t n);
char *gt_xstrdup(const char *s);
char *gt_xstrndup(const char *s, size_t n);
char *gt_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void gt_oom(void);

#endif
