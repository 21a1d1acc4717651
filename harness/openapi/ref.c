/* ref.c — the document set and $ref resolution: references inside the
 * document, to relative files (read once each) and chains of references,
 * with a cycle of pure references reported instead of followed forever.
 * Schemas may be circular: those are the validator's and the synthesizer's
 * business (they stop at a depth), not resolved here. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/file.h"
#include "../core/node.h"
#include "../schema/parts.h"
#include "../suite/suite.h"
#include "oa_internal.h"

#define MAX_REF_HOPS 64

bool oa_fail(oa_reader *R, const gt_node *at, const char *fmt, ...) {
  char msg[900];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  gt_err_set(R->err, GT_ERR_INPUT, at ? at->file : R->d->file, at ? at->line : 1, at ? at->col : 1,
             "%s", msg);
  return false;
}

const char *oa_text(const gt_node *map, const char *key) {
  const gt_node *v = gt_node_get(map, key);
  return v && v->kind == GT_NODE_SCALAR ? v->text : NULL;
}

oa_at oa_copy(const oa_at *where) {
  return (oa_at){where->doc, gt_xstrdup(where->ptr)};
}

oa_at oa_child(const oa_at *where, const char *token) {
  gt_buf b;
  gt_buf_init(&b);
  gt_buf_adds(&b, where->ptr);
  gt_pointer_append_token(&b, token);
  return (oa_at){where->doc, gt_buf_steal(&b)};
}

void oa_at_free(oa_at *a) {
  free(a->ptr);
  a->ptr = NULL;
}

char *oa_uri(const gt_openapi *d, const oa_at *where) {
  gt_buf b;
  gt_buf_init(&b);
  gt_buf_adds(&b, d->uris[where->doc]);
  gt_buf_addc(&b, '#');
  /* the validator percent-decodes fragments */
  for (const unsigned char *p = (const unsigned char *)where->ptr; *p; p++) {
    if (*p <= ' ' || *p == '%' || *p == '#' || *p >= 0x7f || *p == '"' || *p == '\\')
      gt_buf_printf(&b, "%%%02X", *p);
    else
      gt_buf_addc(&b, (char)*p);
  }
  return gt_buf_steal(&b);
}

/* The folder part of path (with its slash), or "" (caller frees). */
static char *dir_of(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? gt_xstrndup(path, (size_t)(slash - path) + 1) : gt_xstrdup("");
}

long oa_doc_load(oa_reader *R, const char *path, const gt_node *at) {
  gt_openapi *d = R->d;
  char real[PATH_MAX];
  const char *key = realpath(path, real) ? real : path;
  for (size_t i = 0; i < d->n_docs; i++)
    if (!strcmp(d->uris[i] + strlen("file://"), key)) return (long)i;
  size_t len = 0;
  int errnum = 0;
  char *text = gt_read_file(path, &len, &errnum);
  if (!text) {
    if (at)
      oa_fail(R, at, "cannot read %s: %s", path, strerror(errnum));
    else
      gt_err_set(R->err, GT_ERR_INPUT, path, 0, 0, "cannot read: %s", strerror(errnum));
    return -1;
  }
  char *file = gt_xstrdup(path);
  /* a .json document through the JSON reader: strict, and several times
   * faster than the YAML scanner on large descriptions */
  size_t n = strlen(path);
  bool json = n > 5 && !strcasecmp(path + n - 5, ".json");
  gt_node *tree =
      json ? gt_json_parse(file, text, len, R->err) : gt_yaml_parse(file, text, len, R->err);
  free(text);
  if (!tree) {
    free(file);
    return -1;
  }
  d->trees = gt_xrealloc(d->trees, (d->n_docs + 1) * sizeof *d->trees);
  d->files = gt_xrealloc(d->files, (d->n_docs + 1) * sizeof *d->files);
  d->uris = gt_xrealloc(d->uris, (d->n_docs + 1) * sizeof *d->uris);
  d->trees[d->n_docs] = tree;
  d->files[d->n_docs] = file;
  d->uris[d->n_docs] = gt_schema_file_uri(key);
  return (long)d->n_docs++;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static char *pct_decode(const char *s) {
  char *out = gt_xmalloc(strlen(s) + 1);
  size_t j = 0;
  for (size_t i = 0; s[i]; i++) {
    if (s[i] == '%' && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
      out[j++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
      i += 2;
    } else {
      out[j++] = s[i];
    }
  }
  out[j] = 0;
  return out;
}

const gt_node *oa_resolve(oa_reader *R, const gt_node *n, oa_at *where) {
  for (int hops = 0; n && n->kind == GT_NODE_MAP; hops++) {
    const gt_node *ref = gt_node_get(n, "$ref");
    if (!ref) return n;
    if (ref->kind != GT_NODE_SCALAR || !ref->text) {
      oa_fail(R, ref, "$ref must be a string");
      return NULL;
    }
    if (hops == MAX_REF_HOPS) {
      oa_fail(R, ref, "$ref \"%s\": a cycle of references (more than %d in a row)", ref->text,
              MAX_REF_HOPS);
      return NULL;
    }
    const char *text = ref->text;
    const char *hash = strchr(text, '#');
    size_t doc = where->doc;
    if (hash != text) {
      char *file = hash ? gt_xstrndup(text, (size_t)(hash - text)) : gt_xstrdup(text);
      if (strstr(file, "://")) {
        oa_fail(R, ref,
                "$ref \"%s\": only references inside the document and to relative "
                "files are supported (gauntlet never fetches from the network)",
                text);
        free(file);
        return NULL;
      }
      char *decoded = pct_decode(file);
      free(file);
      char *dir = dir_of(R->d->files[where->doc]);
      char *path = decoded[0] == '/' ? gt_xstrdup(decoded) : gt_xasprintf("%s%s", dir, decoded);
      free(dir);
      free(decoded);
      long idx = oa_doc_load(R, path, ref);
      free(path);
      if (idx < 0) return NULL;
      doc = (size_t)idx;
    }
    char *frag = pct_decode(hash ? hash + 1 : "");
    if (*frag && *frag != '/') {
      oa_fail(R, ref, "$ref \"%s\": only JSON Pointer fragments are supported here", text);
      free(frag);
      return NULL;
    }
    const gt_node *target = gt_node_at_pointer(R->d->trees[doc], frag);
    if (!target) {
      oa_fail(R, ref, "$ref \"%s\": nothing at \"#%s\" in %s", text, frag, R->d->files[doc]);
      free(frag);
      return NULL;
    }
    free(where->ptr);
    where->ptr = frag;
    where->doc = doc;
    n = target;
  }
  return n;
}
