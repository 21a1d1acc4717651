/* serve_store.c — named collections of JSON records keyed by id, in insertion
 * order (docs/serve.md "State"). The caller holds gt_serve.lock. Linear search:
 * a test target holds hundreds of records, not millions. */
#include <string.h>
#include <time.h>

#include "serve_internal.h"

static long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long)ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Pending `later` changes whose time has come are merged in (top-level
 * fields replaced or added), once. */
static void settle(serve_collection *c) {
  long now = -1;
  for (size_t i = 0; i < c->count; i++) {
    if (!c->later[i]) continue;
    if (now < 0) now = now_ms();
    if (now < c->due_ms[i]) continue;
    cJSON *patch = c->later[i];
    c->later[i] = NULL;
    for (cJSON *f = patch->child; f; f = f->next) {
      if (!f->string) continue;
      cJSON *copy = cJSON_Duplicate(f, true);
      if (cJSON_GetObjectItemCaseSensitive(c->records[i], f->string))
        cJSON_ReplaceItemInObjectCaseSensitive(c->records[i], f->string, copy);
      else
        cJSON_AddItemToObject(c->records[i], f->string, copy);
    }
    cJSON_Delete(patch);
  }
}

serve_collection *serve_store_find(serve_store *st, const char *coll) {
  for (size_t i = 0; i < st->count; i++)
    if (!strcmp(st->items[i].name, coll)) {
      settle(&st->items[i]);
      return &st->items[i];
    }
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
    cJSON_Delete(c->later[i]); /* a new record: the old one's pending change is void */
    c->later[i] = NULL;
    return;
  }
  if (c->count == c->cap) {
    c->cap = c->cap ? c->cap * 2 : 8;
    c->ids = gt_xrealloc(c->ids, c->cap * sizeof *c->ids);
    c->records = gt_xrealloc(c->records, c->cap * sizeof *c->records);
    c->later = gt_xrealloc(c->later, c->cap * sizeof *c->later);
    c->due_ms = gt_xrealloc(c->due_ms, c->cap * sizeof *c->due_ms);
  }
  c->ids[c->count] = gt_xstrdup(id);
  c->records[c->count] = record;
  c->later[c->count] = NULL;
  c->due_ms[c->count] = 0;
  c->count++;
}

void serve_store_later(serve_store *st, const char *coll, const char *id, cJSON *patch,
                       long after_ms) {
  serve_collection *c = serve_store_find(st, coll);
  long i = c ? index_of(c, id) : -1;
  if (i < 0 || !cJSON_IsObject(patch)) {
    cJSON_Delete(patch);
    return;
  }
  cJSON_Delete(c->later[i]);
  c->later[i] = patch;
  c->due_ms[i] = now_ms() + after_ms;
  settle(c); /* after: 0 applies at once */
}

bool serve_store_delete(serve_store *st, const char *coll, const char *id) {
  serve_collection *c = serve_store_find(st, coll);
  if (!c) return false;
  long i = index_of(c, id);
  if (i < 0) return false;
  free(c->ids[i]);
  cJSON_Delete(c->records[i]);
  cJSON_Delete(c->later[i]);
  size_t rest = c->count - (size_t)i - 1;
  memmove(&c->ids[i], &c->ids[i + 1], rest * sizeof *c->ids);
  memmove(&c->records[i], &c->records[i + 1], rest * sizeof *c->records);
  memmove(&c->later[i], &c->later[i + 1], rest * sizeof *c->later);
  memmove(&c->due_ms[i], &c->due_ms[i + 1], rest * sizeof *c->due_ms);
  c->count--;
  return true;
}

void serve_store_free(serve_store *st) {
  for (size_t i = 0; i < st->count; i++) {
    serve_collection *c = &st->items[i];
    for (size_t k = 0; k < c->count; k++) {
      free(c->ids[k]);
      cJSON_Delete(c->records[k]);
      cJSON_Delete(c->later[k]);
    }
    free(c->ids);
    free(c->records);
    free(c->later);
    free(c->due_ms);
    free(c->name);
  }
  free(st->items);
  memset(st, 0, sizeof *st);
}
