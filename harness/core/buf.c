#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

_Noreturn void gt_oom(void) {
  static const char msg[] = "gauntlet: out of memory\n";
  ssize_t r = write(2, msg, sizeof msg - 1);
  (void)r;
  _exit(3);
}

void *gt_xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) gt_oom();
  return p;
}

void *gt_xcalloc(size_t n, size_t m) {
  void *p = calloc(n ? n : 1, m ? m : 1);
  if (!p) gt_oom();
  return p;
}

void *gt_xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) gt_oom();
  return q;
}

char *gt_xstrdup(const char *s) {
  return gt_xstrndup(s, strlen(s));
}

char *gt_xstrndup(const char *s, size_t n) {
  char *p = gt_xmalloc(n + 1);
  memcpy(p, s, n);
  p[n] = 0;
  return p;
}

char *gt_xasprintf(const char *fmt, ...) {
  gt_buf b;
  gt_buf_init(&b);
  va_list ap;
  va_start(ap, fmt);
  gt_buf_vprintf(&b, fmt, ap);
  va_end(ap);
  if (!b.data) gt_buf_add(&b, "", 0);
  return gt_buf_steal(&b);
}

void gt_buf_init(gt_buf *b) {
  b->data = NULL, b->len = 0, b->cap = 0;
}

void gt_buf_free(gt_buf *b) {
  free(b->data);
  gt_buf_init(b);
}

void gt_buf_reset(gt_buf *b) {
  b->len = 0;
  if (b->data) b->data[0] = 0;
}

static void reserve(gt_buf *b, size_t extra) {
  if (b->len + extra + 1 <= b->cap) return;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < b->len + extra + 1)
    cap *= 2;
  b->data = gt_xrealloc(b->data, cap);
  b->cap = cap;
}

void gt_buf_add(gt_buf *b, const void *data, size_t n) {
  reserve(b, n);
  if (n) memcpy(b->data + b->len, data, n);
  b->len += n;
  b->data[b->len] = 0;
}

void gt_buf_adds(gt_buf *b, const char *s) {
  gt_buf_add(b, s, strlen(s));
}
void gt_buf_addc(gt_buf *b, char c) {
  gt_buf_add(b, &c, 1);
}

void gt_buf_vprintf(gt_buf *b, const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n < 0) return;
  reserve(b, (size_t)n);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  b->len += (size_t)n;
}

void gt_buf_printf(gt_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  gt_buf_vprintf(b, fmt, ap);
  va_end(ap);
}

char *gt_buf_steal(gt_buf *b) {
  if (!b->data) gt_buf_add(b, "", 0);
  char *p = b->data;
  gt_buf_init(b);
  return p;
}
