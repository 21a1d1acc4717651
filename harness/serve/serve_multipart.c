/* serve_multipart.c — a multipart/form-data body (RFC 7578) read into its
 * fields: each part's `name` from Content-Disposition, its content as a
 * string (a file part's bytes too, a NUL read as '?'), and each part's
 * `filename` and Content-Type. Used to judge such a body against an API
 * description's schema and encoding (openapi/contract.c). */
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

/* The value of header `name` among a part's header lines (borrowed start
 * and length), or NULL. */
static const char *part_header(const char *head, size_t len, const char *name, size_t *vlen) {
  size_t nl = strlen(name);
  for (const char *p = head; p < head + len;) {
    const char *eol = find(p, (size_t)(head + len - p), "\r\n", 2);
    size_t n = eol ? (size_t)(eol - p) : (size_t)(head + len - p);
    if (n > nl && !strncasecmp(p, name, nl) && p[nl] == ':') {
      const char *v = p + nl + 1;
      while (v < p + n && (*v == ' ' || *v == '\t'))
        v++;
      *vlen = (size_t)(p + n - v);
      return v;
    }
    p += n + 2;
  }
  return NULL;
}

/* The quoted parameter key="..." of a Content-Disposition value (caller
 * frees), or NULL. */
static char *disposition_param(const char *cd, size_t len, const char *key) {
  size_t kl = strlen(key);
  const char *end = cd + len;
  for (const char *p = cd; p + kl + 2 <= end; p++) {
    if (strncasecmp(p, key, kl) || p[kl] != '=' || p[kl + 1] != '"' ||
        (p > cd && (p[-1] != ' ' && p[-1] != ';')))
      continue;
    const char *q = memchr(p + kl + 2, '"', (size_t)(end - p - kl - 2));
    return q ? gt_xstrndup(p + kl + 2, (size_t)(q - p - kl - 2)) : NULL;
  }
  return NULL;
}

/* name="..." of the part's Content-Disposition (caller frees), or NULL. */
static char *part_name(const char *head, size_t len) {
  size_t n = 0;
  const char *cd = part_header(head, len, "Content-Disposition", &n);
  return cd ? disposition_param(cd, n, "name") : NULL;
}

/* {"filename": ..., "content_type": ...} of a part (members it has). */
static cJSON *part_meta(const char *head, size_t len) {
  cJSON *m = cJSON_CreateObject();
  size_t n = 0;
  const char *cd = part_header(head, len, "Content-Disposition", &n);
  char *filename = cd ? disposition_param(cd, n, "filename") : NULL;
  if (filename) cJSON_AddStringToObject(m, "filename", filename);
  free(filename);
  const char *ct = part_header(head, len, "Content-Type", &n);
  if (ct) {
    char *t = gt_xstrndup(ct, n);
    cJSON_AddStringToObject(m, "content_type", t);
    free(t);
  }
  return m;
}

bool serve_parse_multipart(const char *ct, const char *body, size_t len, cJSON **out,
                           cJSON **parts) {
  *out = NULL;
  if (parts) *parts = NULL;
  char *b = boundary_of(ct);
  if (!b) return false;
  char *delim = gt_xasprintf("\r\n--%s", b);
  size_t dn = strlen(delim);
  free(b);
  cJSON *o = cJSON_CreateObject();
  cJSON *meta = cJSON_CreateObject();
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
    if (!cJSON_GetObjectItemCaseSensitive(o, name)) {
      char *v = gt_xmalloc(cl + 1);
      for (size_t i = 0; i < cl; i++)
        v[i] = content[i] ? content[i] : '?';
      v[cl] = '\0';
      cJSON_AddStringToObject(o, name, v);
      free(v);
      cJSON_AddItemToObject(meta, name, part_meta(p, (size_t)(blank - p)));
    }
    free(name);
    p = next + dn;
  }
  free(delim);
  if (!ok) {
    cJSON_Delete(o);
    cJSON_Delete(meta);
    return false;
  }
  *out = o;
  if (parts)
    *parts = meta;
  else
    cJSON_Delete(meta);
  return true;
}
