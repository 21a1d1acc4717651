/* serve_multipart.c — a multipart/form-data body (RFC 7578) read into its
 * fields: each part's `name` from Content-Disposition, its content as a
 * string (a file part's bytes too, when they hold no NUL). Used to judge such
 * a body against an API description's schema (openapi/contract.c). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "serve_internal.h"

/* The boundary parameter of a multipart Content-Type (caller frees), or NULL. */
static char *boundary_of(const char *ct) {
  const char *b = ct ? strcasestr(ct, "boundary=") : NULL;
  if (!b) return NULL;
  b += 9;
  if (*b == '"') {
    const char *end = strchr(b + 1, '"');
    return end && end > b + 1 ? gt_xstrndup(b + 1, (size_t)(end - b - 1)) : NULL;
  }
  size_t n = strcspn(b, "; \t");
  return n && n <= 70 ? gt_xstrndup(b, n) : NULL;
}

static const char *find(const char *hay, size_t len, const char *needle, size_t n) {
  if (n > len) return NULL;
  for (size_t i = 0; i + n <= len; i++)
    if (hay[i] == needle[0] && !memcmp(hay + i, needle, n)) return hay + i;
  return NULL;
}

/* name="..." of a Content-Disposition value (caller frees), or NULL. */
static char *part_name(const char *head, size_t len) {
  const char *cd = NULL;
  for (const char *p = head; p < head + len;) {
    const char *eol = find(p, (size_t)(head + len - p), "\r\n", 2);
    size_t n = eol ? (size_t)(eol - p) : (size_t)(head + len - p);
    if (n > 20 && !strncasecmp(p, "Content-Disposition:", 20)) {
      cd = p;
      len = (size_t)(p - head) + n; /* the value ends with this line */
      break;
    }
    p += n + 2;
  }
  if (!cd) return NULL;
  const char *end = head + len;
  for (const char *p = cd; p + 6 <= end; p++) {
    if (strncasecmp(p, "name=\"", 6) || (p > cd && (p[-1] != ' ' && p[-1] != ';'))) continue;
    const char *q = memchr(p + 6, '"', (size_t)(end - p - 6));
    return q ? gt_xstrndup(p + 6, (size_t)(q - p - 6)) : NULL;
  }
  return NULL;
}

bool serve_parse_multipart(const char *ct, const char *body, size_t len, cJSON **out) {
  *out = NULL;
  char *b = boundary_of(ct);
  if (!b) return false;
  char *delim = gt_xasprintf("\r\n--%s", b);
  size_t dn = strlen(delim);
  free(b);
  cJSON *o = cJSON_CreateObject();
  bool ok = false;
  /* the first delimiter may start the body (no CRLF before it) */
  const char *p = len >= dn - 2 && !memcmp(body, delim + 2, dn - 2) ? body + dn - 2 : NULL;
  if (!p) {
    const char *d = find(body, len, delim, dn);
    p = d ? d + dn : NULL;
  }
  const char *end = body + len;
  while (p) {
    if (end - p >= 2 && !memcmp(p, "--", 2)) {
      ok = true; /* the close delimiter */
      break;
    }
    if (end - p < 2 || memcmp(p, "\r\n", 2)) break;
    p += 2;
    const char *blank = find(p, (size_t)(end - p), "\r\n\r\n", 4);
    if (!blank) break;
    char *name = part_name(p, (size_t)(blank - p));
    const char *content = blank + 4;
    const char *next = find(content, (size_t)(end - content), delim, dn);
    if (!next || !name) {
      free(name);
      break;
    }
    size_t cl = (size_t)(next - content);
    if (!cJSON_GetObjectItemCaseSensitive(o, name) && !memchr(content, '\0', cl)) {
      char *v = gt_xstrndup(content, cl);
      cJSON_AddStringToObject(o, name, v);
      free(v);
    }
    free(name);
    p = next + dn;
  }
  free(delim);
  if (!ok) {
    cJSON_Delete(o);
    return false;
  }
  *out = o;
  return true;
}
