/* header_line.c — folding one received header-block line into a response.
 * Shared by the libcurl header callback and the raw-mode parser so both see
 * headers the same way: a status line starts a fresh block (redirects, 1xx),
 * values keep their bytes except the line ending and the leading OWS. */
#include "http_internal.h"

#include <stdlib.h>
#include <string.h>

static size_t trim_eol(const char *line, size_t len) {
  while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
    len--;
  return len;
}

bool gt_http_response_header_line(gt_http_response *r, const char *line, size_t len) {
  len = trim_eol(line, len);
  if (len == 0) return true; /* end of the block */
  if (len >= 5 && memcmp(line, "HTTP/", 5) == 0) {
    gt_http_response_clear_headers(r);
    const char *sp = memchr(line, ' ', len);
    size_t vlen = sp ? (size_t)(sp - line) : len;
    free(r->http_version);
    r->http_version = gt_xstrndup(line, vlen);
    r->status = 0;
    if (sp) {
      const char *p = sp + 1, *end = line + len;
      int st = 0, digits = 0;
      while (p < end && *p >= '0' && *p <= '9' && digits < 3)
        st = st * 10 + (*p++ - '0'), digits++;
      if (digits == 3) r->status = st;
    }
    return true;
  }
  if ((line[0] == ' ' || line[0] == '\t') && r->n_headers > 0) {
    /* obs-fold: a continuation of the previous value, joined with one space. */
    gt_header *h = &r->headers[r->n_headers - 1];
    size_t skip = 0;
    while (skip < len && (line[skip] == ' ' || line[skip] == '\t'))
      skip++;
    size_t old = strlen(h->value);
    h->value = gt_xrealloc(h->value, old + 1 + (len - skip) + 1);
    h->value[old] = ' ';
    memcpy(h->value + old + 1, line + skip, len - skip);
    h->value[old + 1 + len - skip] = 0;
    return true;
  }
  const char *colon = memchr(line, ':', len);
  if (!colon) return false; /* not a header: the caller decides (raw: malformed) */
  size_t nlen = (size_t)(colon - line);
  const char *v = colon + 1, *end = line + len;
  while (v < end && (*v == ' ' || *v == '\t'))
    v++;
  gt_http_response_add_header(r, line, nlen, v, (size_t)(end - v));
  return true;
}
