/* arena.c — the compiled schema's memory: one bump arena for the compiled
 * nodes, keywords and strings (freed as a whole), plus a list of the cJSON
 * values and PCRE2 codes it owns. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"
#include "schema_internal.h"

struct sc_block {
  sc_block *next;
  size_t used, cap;
  _Alignas(16) unsigned char data[];
};

struct sc_free_item {
  sc_free_item *next;
  cJSON *json;
  pcre2_code *re;
};

void *sc_alloc(gt_schema *s, size_t n) {
  n = (n + 15) & ~(size_t)15;
  sc_block *b = s->blocks;
  if (!b || b->cap - b->used < n) {
    size_t cap = n > 16384 ? n : 16384;
    b = gt_xmalloc(sizeof *b + cap);
    b->used = 0;
    b->cap = cap;
    b->next = s->blocks;
    s->blocks = b;
  }
  void *p = b->data + b->used;
  b->used += n;
  memset(p, 0, n);
  return p;
}

char *sc_strndup(gt_schema *s, const char *str, size_t n) {
  char *p = sc_alloc(s, n + 1);
  memcpy(p, str, n);
  p[n] = 0;
  return p;
}

char *sc_strdup(gt_schema *s, const char *str) {
  return sc_strndup(s, str, strlen(str));
}

char *sc_printf(gt_schema *s, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *p = sc_alloc(s, (size_t)n + 1);
  va_start(ap, fmt);
  vsnprintf(p, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return p;
}

void sc_own_json(gt_schema *s, cJSON *j) {
  sc_free_item *f = gt_xcalloc(1, sizeof *f);
  f->json = j;
  f->next = s->to_free;
  s->to_free = f;
}

void sc_own_regex(gt_schema *s, pcre2_code *c) {
  sc_free_item *f = gt_xcalloc(1, sizeof *f);
  f->re = c;
  f->next = s->to_free;
  s->to_free = f;
}

void sc_release(gt_schema *s) {
  for (sc_free_item *f = s->to_free, *n; f; f = n) {
    n = f->next;
    cJSON_Delete(f->json);
    pcre2_code_free(f->re);
    free(f);
  }
  s->to_free = NULL;
  for (sc_block *b = s->blocks, *n; b; b = n) {
    n = b->next;
    free(b);
  }
  s->blocks = NULL;
  pcre2_match_context_free(s->mctx);
  s->mctx = NULL;
  if (s->spare_md) {
    pcre2_match_data_free(atomic_load(s->spare_md));
    free(s->spare_md);
    s->spare_md = NULL;
  }
}

void gt_schema_free(gt_schema *s) {
  if (!s) return;
  sc_release(s);
  free(s);
}

gt_schema_dialect gt_schema_dialect_of(const gt_schema *s) {
  return s->dialect;
}
