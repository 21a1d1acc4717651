/* serve_store.c — named collections of JSON records keyed by id, in insertion
 * order (docs/serve.md "State"). The caller holds gt_serve.lock. Linear search:
 * a test target holds hundreds of records, not millions. */
#include <string.h>

#include "serve_internal.h"

serve_collection *serve_store_find(serve_store *st, const char *coll) {
  for (size_t i = 0; i < st->count; i++)
    if (!strcmp(st->items[i].name, coll)) return &st->items[i];
  return NULL;
}

static serve_collection *find_or_add(serve_store *st, const char *coll) {
  serve_collection *c = serve_store_find(st, coll);
  if (c) return c;
  st->items = gt_xrealloc(st->items, (st->count + 1) * sizeof *st->items);
  c = &st->items[st->count++];
  memset(c, 0, sizeof *c);
  c->name = gt_xstrdup(coll);
  return c;
}

static long index_of(const serve_collection *c, const char *id) {
  for (size_t i = 0; i < c->count; i++)
    if (!strcmp(c->ids[i], id)) return (long)i;
  return -1;
}

cJSON *serve_store_get(serve_store *st, const char *coll, const char *id) {
  serve_collection *c = serve_store_find(st, coll);
  if (!c) return NULL;
  long i = index_of(c, id);
  return i < 0 ? NULL : c->records[i];
}

void serve_store_put(serve_store *st, const char *coll, const char *id, cJSON *record) {
  serve_collection *c = find_or_add(st, coll);
  long i = index_of(c, id);
  if (i >= 0) { /* replace in place: keeps its age for `order: newest` */
    cJSON_Delete(c->records[i]);
    c->records[i] = record;
    return;
  }
  if (c->count == c->cap) {
    c->cap = c->cap ? c->cap * 2 : 8;
    c->ids = gt_xrealloc(c->ids, c->cap * sizeof *c->ids);
    c->records = gt_xrealloc(c->records, c->cap * sizeof *c->records);
  }
  c->ids[c->count] = gt_xstrdup(id);
  c->records[c->count] = record;
  c->count++;
}

bool serve_store_delete(serve_store *st, const char *coll, const char *id) {
  serve_collection *c = serve_store_find(st, coll);
  if (!c) return false;
  long i = index_of(c, id);
  if (i < 0) return false;
  free(c->ids[i]);
  cJSON_Delete(c->records[i]);
  memmove(&c->ids[i], &c->ids[i + 1], (c->count - (size_t)i - 1) * sizeof *c->ids);
  memmove(&c->records[i], &c->records[i + 1], (c->count - (size_t)i - 1) * sizeof *c->records);
  c->count--;
  return true;
}

void serve_store_free(serve_store *st) {
  for (size_t i = 0; i < st->count; i++) {
    serve_collection *c = &st->items[i];
    for (size_t k = 0; k < c->count; k++) {
      free(c->ids[k]);
      cJSON_Delete(c->records[k]);
    }
    free(c->ids);
    free(c->records);
    free(c->name);
  }
  free(st->items);
  memset(st, 0, sizeof *st);
}
