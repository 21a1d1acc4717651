/* uri.c — RFC 3986 reference resolution, file URIs, JSON Pointer tokens:
 * what $id and $ref need, nothing more (no normalisation beyond dot
 * segments: identifiers are compared as strings). */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/buf.h"
#include "../core/node.h"
#include "../core/hex.h"
#include "schema_internal.h"

typedef struct span {
  const char *p;
  size_t n;
  bool present;
} span;

typedef struct uri_parts {
  span scheme, authority, path, query, fragment;
} uri_parts;

static void split(const char *u, uri_parts *o) {
  memset(o, 0, sizeof *o);
  const char *p = u;
  /* scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" */
  const char *q = p;
  if (isalpha((unsigned char)*q)) {
    while (isalnum((unsigned char)*q) || *q == '+' || *q == '-' || *q == '.')
      q++;
    if (*q == ':') {
      o->scheme = (span){p, (size_t)(q - p), true};
      p = q + 1;
    }
  }
  if (p[0] == '/' && p[1] == '/') {
    const char *a = p + 2, *e = a;
    while (*e && *e != '/' && *e != '?' && *e != '#')
      e++;
    o->authority = (span){a, (size_t)(e - a), true};
    p = e;
  }
  const char *e = p;
  while (*e && *e != '?' && *e != '#')
    e++;
  o->path = (span){p, (size_t)(e - p), true};
  p = e;
  if (*p == '?') {
    e = ++p;
    while (*e && *e != '#')
      e++;
    o->query = (span){p, (size_t)(e - p), true};
    p = e;
  }
  if (*p == '#') o->fragment = (span){p + 1, strlen(p + 1), true};
}

/* RFC 3986 5.2.4 */
static void remove_dots(gt_buf *out, const char *in, size_t n) {
  char *tmp = gt_xstrndup(in, n);
  char *s = tmp;
  gt_buf_reset(out);
  while (*s) {
    if (!strncmp(s, "../", 3))
      s += 3;
    else if (!strncmp(s, "./", 2))
      s += 2;
    else if (!strncmp(s, "/./", 3))
      s += 2;
    else if (!strcmp(s, "/."))
      s[1] = 0;
    else if (!strncmp(s, "/../", 4) || !strcmp(s, "/..")) {
      if (s[3])
        s += 3;
      else
        s[2] = '/', s += 2;
      while (out->len && out->data[out->len - 1] != '/')
        out->len--;
      if (out->len) out->len--;
      out->data[out->len] = 0;
    } else if (!strcmp(s, ".") || !strcmp(s, ".."))
      s += strlen(s);
    else {
      char *e = s + (*s == '/');
      while (*e && *e != '/')
        e++;
      gt_buf_add(out, s, (size_t)(e - s));
      s = e;
    }
  }
  free(tmp);
}

static void add_span(gt_buf *b, const char *pre, span s) {
  if (!s.present) return;
  gt_buf_adds(b, pre);
  gt_buf_add(b, s.p, s.n);
}

char *sc_uri_resolve(const char *base, const char *ref) {
  uri_parts r, b;
  split(ref, &r);
  gt_buf out, path;
  gt_buf_init(&out);
  gt_buf_init(&path);
  gt_buf_adds(&path, "");
  if (r.scheme.present || !base || !*base) {
    remove_dots(&path, r.path.p, r.path.n);
    if (r.scheme.present) {
      gt_buf_add(&out, r.scheme.p, r.scheme.n);
      gt_buf_addc(&out, ':');
    }
    add_span(&out, "//", r.authority);
    gt_buf_add(&out, path.data, path.len);
    add_span(&out, "?", r.query);
    add_span(&out, "#", r.fragment);
  } else {
    split(base, &b);
    if (b.scheme.present) {
      gt_buf_add(&out, b.scheme.p, b.scheme.n);
      gt_buf_addc(&out, ':');
    }
    if (r.authority.present) {
      add_span(&out, "//", r.authority);
      remove_dots(&path, r.path.p, r.path.n);
      gt_buf_add(&out, path.data, path.len);
      add_span(&out, "?", r.query);
    } else {
      add_span(&out, "//", b.authority);
      if (!r.path.n) {
        gt_buf_add(&out, b.path.p, b.path.n);
        add_span(&out, "?", r.query.present ? r.query : b.query);
      } else {
        if (r.path.p[0] == '/') {
          remove_dots(&path, r.path.p, r.path.n);
        } else {
          gt_buf merged;
          gt_buf_init(&merged);
          if (b.authority.present && !b.path.n) {
            gt_buf_addc(&merged, '/');
          } else {
            size_t keep = b.path.n;
            while (keep && b.path.p[keep - 1] != '/')
              keep--;
            gt_buf_add(&merged, b.path.p, keep);
          }
          gt_buf_add(&merged, r.path.p, r.path.n);
          remove_dots(&path, merged.data, merged.len);
          gt_buf_free(&merged);
        }
        gt_buf_add(&out, path.data, path.len);
        add_span(&out, "?", r.query);
      }
    }
    add_span(&out, "#", r.fragment);
  }
  gt_buf_free(&path);
  if (!out.data) gt_buf_adds(&out, "");
  return gt_buf_steal(&out);
}

bool sc_uri_has_scheme(const char *uri) {
  uri_parts p;
  split(uri, &p);
  return p.scheme.present;
}

char *sc_file_uri(const char *path) {
  gt_buf b;
  gt_buf_init(&b);
  gt_buf_adds(&b, "file://");
  if (path[0] != '/') {
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof cwd)) {
      gt_buf_adds(&b, cwd);
      if (b.data[b.len - 1] != '/') gt_buf_addc(&b, '/');
    } else {
      gt_buf_addc(&b, '/');
    }
  }
  gt_buf_adds(&b, path);
  return gt_buf_steal(&b);
}

char *sc_pct_decode(const char *s, size_t n) {
  char *out = gt_xmalloc(n + 1);
  size_t j = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '%' && i + 2 < n && gt_hex_digit((unsigned char)s[i + 1]) >= 0 &&
        gt_hex_digit((unsigned char)s[i + 2]) >= 0) {
      out[j++] = (char)(gt_hex_digit((unsigned char)s[i + 1]) * 16 +
                        gt_hex_digit((unsigned char)s[i + 2]));
      i += 2;
    } else {
      out[j++] = s[i];
    }
  }
  out[j] = 0;
  return out;
}

char *sc_ptr_append(const char *loc, const char *token) {
  gt_buf b;
  gt_buf_init(&b);
  gt_buf_adds(&b, loc);
  gt_pointer_append_token(&b, token);
  return gt_buf_steal(&b);
}

uint32_t sc_hash(const char *s, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++)
    h = (h ^ (unsigned char)s[i]) * 16777619u;
  return h;
}
