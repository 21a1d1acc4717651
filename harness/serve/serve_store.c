/* serve_store.c — named collections of JSON records keyed by id, in insertion
 * order (docs/serve.md "State"). The caller holds gt_serve.lock.
 *
 * Every operation costs what it touches, not what the collection holds: a
 * client's test suite may POST for hours against serve (bench/serve), so
 * - ids are found through a hash table;
 * - a `list` with `where` walks only the records that have the wanted value
 *   of one field: each field a `where` asks about gets an index (value ->
 *   its records, oldest first) the first time it is asked about, kept up to
 *   date from then on;
 * - pending `store.later` changes wait in a heap ordered by due time;
 * - a collection holds at most `limit` records: storing one more drops the
 *   oldest, as if it had been deleted, so memory stays bounded. */
#include <string.h>
#include <time.h>

#include "../core/prng.h"
#include "serve_internal.h"

typedef struct ix_entry ix_entry;
typedef struct ix_group ix_group;

/* One record. */
struct store_rec {
  char *id;
  uint64_t id_hash;
  cJSON *record; /* owned */
  cJSON *later;  /* pending change, or NULL (owned) */
  long due_ms;
  size_t heap_pos;                 /* index in the collection's heap, or NO_POS */
  uint64_t age;                    /* insertion number: its place in every order */
  struct store_rec *older, *newer; /* insertion order */
  struct store_rec *id_next;       /* hash chain */
  ix_entry **entries;              /* per index: its entry, NULL when it lacks the field */
};

/* The records that have one value of an indexed field, oldest first. */
struct ix_group {
  char *value;
  uint64_t hash;
  ix_entry *oldest, *newest;
  size_t count;
  ix_group *chain;
};

struct ix_entry {
  store_rec *rec;
  ix_group *group;
  ix_entry *older, *newer;
};

/* An index over one field (a `where` key: "app_id", "commit_info.branch"). */
struct store_index {
  char *field;
  ix_group **buckets; /* power of two */
  size_t n_buckets, n_groups;
};

#define NO_POS ((size_t)-1)

static long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long)ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

const cJSON *serve_store_field(const cJSON *rec, const char *key) {
  if (!strchr(key, '.')) return cJSON_GetObjectItemCaseSensitive(rec, key);
  const cJSON *node = rec;
  const char *p = key;
  while (node && *p) {
    size_t n = strcspn(p, ".");
    if (!cJSON_IsObject(node)) return NULL;
    const cJSON *next = NULL;
    for (const cJSON *f = node->child; f; f = f->next)
      if (f->string && strlen(f->string) == n && !memcmp(f->string, p, n)) {
        next = f;
        break;
      }
    node = next;
    p += n;
    if (*p == '.') p++;
  }
  return node;
}

char *serve_store_value_text(const cJSON *v) {
  if (!v) return NULL;
  if (cJSON_IsString(v)) return gt_xstrdup(v->valuestring);
  char *t = cJSON_PrintUnformatted(v);
  if (!t) return NULL;
  char *own = gt_xstrdup(t); /* cJSON's allocator is not necessarily ours */
  cJSON_free(t);
  return own;
}

/* ---- the heap of pending changes ---- */

static void heap_swap(serve_collection *c, size_t i, size_t j) {
  store_rec *t = c->heap[i];
  c->heap[i] = c->heap[j];
  c->heap[j] = t;
  c->heap[i]->heap_pos = i;
  c->heap[j]->heap_pos = j;
}

static void heap_up(serve_collection *c, size_t i) {
  while (i > 0 && c->heap[(i - 1) / 2]->due_ms > c->heap[i]->due_ms) {
    heap_swap(c, i, (i - 1) / 2);
    i = (i - 1) / 2;
  }
}

static void heap_down(serve_collection *c, size_t i) {
  for (;;) {
    size_t l = 2 * i + 1, r = l + 1, m = i;
    if (l < c->n_heap && c->heap[l]->due_ms < c->heap[m]->due_ms) m = l;
    if (r < c->n_heap && c->heap[r]->due_ms < c->heap[m]->due_ms) m = r;
    if (m == i) return;
    heap_swap(c, i, m);
    i = m;
  }
}

static void heap_remove(serve_collection *c, store_rec *r) {
  size_t i = r->heap_pos;
  if (i == NO_POS) return;
  r->heap_pos = NO_POS;
  c->n_heap--;
  if (i == c->n_heap) return;
  c->heap[i] = c->heap[c->n_heap];
  c->heap[i]->heap_pos = i;
  heap_down(c, i);
  heap_up(c, i);
}

static void heap_add(serve_collection *c, store_rec *r) {
  if (c->n_heap == c->heap_cap) {
    c->heap_cap = c->heap_cap ? c->heap_cap * 2 : 16;
    c->heap = gt_xrealloc(c->heap, c->heap_cap * sizeof *c->heap);
  }
  r->heap_pos = c->n_heap;
  c->heap[c->n_heap++] = r;
  heap_up(c, r->heap_pos);
}

/* ---- indexes ---- */

static ix_group **group_slot(store_index *ix, const char *value, uint64_t h) {
  ix_group **g = &ix->buckets[h & (ix->n_buckets - 1)];
  while (*g && ((*g)->hash != h || strcmp((*g)->value, value)))
    g = &(*g)->chain;
  return g;
}

static void index_grow(store_index *ix) {
  size_t n = ix->n_buckets ? ix->n_buckets * 2 : 64;
  ix_group **b = gt_xcalloc(n, sizeof *b);
  for (size_t i = 0; i < ix->n_buckets; i++)
    for (ix_group *g = ix->buckets[i], *next; g; g = next) {
      next = g->chain;
      g->chain = b[g->hash & (n - 1)];
      b[g->hash & (n - 1)] = g;
    }
  free(ix->buckets);
  ix->buckets = b;
  ix->n_buckets = n;
}

/* Files r under its current value of ix's field (nothing when it lacks it),
 * in age order within the group. */
static ix_entry *index_add(store_index *ix, store_rec *r) {
  char *value = serve_store_value_text(serve_store_field(r->record, ix->field));
  if (!value) return NULL;
  if (ix->n_groups >= ix->n_buckets) index_grow(ix);
  uint64_t h = gt_fnv1a(value);
  ix_group **slot = group_slot(ix, value, h);
  ix_group *g = *slot;
  if (!g) {
    g = gt_xcalloc(1, sizeof *g);
    g->value = value;
    g->hash = h;
    *slot = g;
    ix->n_groups++;
  } else {
    free(value);
  }
  ix_entry *e = gt_xcalloc(1, sizeof *e);
  e->rec = r;
  e->group = g;
  /* usually the newest; a record changed by `later` may be older (walk back) */
  ix_entry *after = g->newest;
  while (after && after->rec->age > r->age)
    after = after->older;
  e->older = after;
  e->newer = after ? after->newer : g->oldest;
  if (e->older)
    e->older->newer = e;
  else
    g->oldest = e;
  if (e->newer)
    e->newer->older = e;
  else
    g->newest = e;
  g->count++;
  return e;
}

static void index_drop(store_index *ix, ix_entry *e) {
  if (!e) return;
  ix_group *g = e->group;
  if (e->older)
    e->older->newer = e->newer;
  else
    g->oldest = e->newer;
  if (e->newer)
    e->newer->older = e->older;
  else
    g->newest = e->older;
  free(e);
  if (--g->count) return;
  ix_group **slot = group_slot(ix, g->value, g->hash);
  *slot = g->chain;
  ix->n_groups--;
  free(g->value);
  free(g);
}

/* After r's record changed: every index files it under its new values. */
static void reindex(serve_collection *c, store_rec *r) {
  for (size_t i = 0; i < c->n_indexes; i++) {
    index_drop(&c->indexes[i], r->entries[i]);
    r->entries[i] = index_add(&c->indexes[i], r);
  }
}

static void index_free(store_index *ix) {
  for (size_t i = 0; i < ix->n_buckets; i++)
    for (ix_group *g = ix->buckets[i], *next; g; g = next) {
      next = g->chain;
      for (ix_entry *e = g->oldest, *en; e; e = en) {
        en = e->newer;
        free(e);
      }
      free(g->value);
      free(g);
    }
  free(ix->buckets);
  free(ix->field);
}

/* The index over field, built on first use. */
static store_index *index_for(serve_collection *c, const char *field) {
  for (size_t i = 0; i < c->n_indexes; i++)
    if (!strcmp(c->indexes[i].field, field)) return &c->indexes[i];
  c->indexes = gt_xrealloc(c->indexes, (c->n_indexes + 1) * sizeof *c->indexes);
  store_index *ix = &c->indexes[c->n_indexes++];
  memset(ix, 0, sizeof *ix);
  ix->field = gt_xstrdup(field);
  for (store_rec *r = c->oldest; r; r = r->newer) {
    r->entries = gt_xrealloc(r->entries, c->n_indexes * sizeof *r->entries);
    r->entries[c->n_indexes - 1] = index_add(ix, r);
  }
  return ix;
}

/* ---- records ---- */

static store_rec **id_slot(serve_collection *c, const char *id, uint64_t h) {
  store_rec **p = &c->by_id[h & (c->n_buckets - 1)];
  while (*p && ((*p)->id_hash != h || strcmp((*p)->id, id)))
    p = &(*p)->id_next;
  return p;
}

static store_rec *find_rec(serve_collection *c, const char *id) {
  if (!c->n_buckets) return NULL;
  return *id_slot(c, id, gt_fnv1a(id));
}

static void ids_grow(serve_collection *c) {
  size_t n = c->n_buckets ? c->n_buckets * 2 : 64;
  store_rec **b = gt_xcalloc(n, sizeof *b);
  for (store_rec *r = c->oldest; r; r = r->newer) {
    r->id_next = b[r->id_hash & (n - 1)];
    b[r->id_hash & (n - 1)] = r;
  }
  free(c->by_id);
  c->by_id = b;
  c->n_buckets = n;
}

static void rec_free(serve_collection *c, store_rec *r) {
  for (size_t i = 0; i < c->n_indexes; i++)
    index_drop(&c->indexes[i], r->entries[i]);
  free(r->entries);
  free(r->id);
  cJSON_Delete(r->record);
  cJSON_Delete(r->later);
  free(r);
}

/* Unlinks r from the collection and frees it. */
static void remove_rec(serve_collection *c, store_rec *r) {
  store_rec **slot = id_slot(c, r->id, r->id_hash);
  *slot = r->id_next;
  if (r->older)
    r->older->newer = r->newer;
  else
    c->oldest = r->newer;
  if (r->newer)
    r->newer->older = r->older;
  else
    c->newest = r->older;
  heap_remove(c, r);
  c->count--;
  rec_free(c, r);
}

/* Pending `later` changes whose time has come are merged in (top-level
 * fields replaced or added), once, earliest first. */
static void settle(serve_collection *c) {
  if (!c->n_heap) return;
  long now = now_ms();
  while (c->n_heap && c->heap[0]->due_ms <= now) {
    store_rec *r = c->heap[0];
    heap_remove(c, r);
    cJSON *patch = r->later;
    r->later = NULL;
    for (cJSON *f = patch->child; f; f = f->next) {
      if (!f->string) continue;
      cJSON *copy = cJSON_Duplicate(f, true);
      if (cJSON_GetObjectItemCaseSensitive(r->record, f->string))
        cJSON_ReplaceItemInObjectCaseSensitive(r->record, f->string, copy);
      else
        cJSON_AddItemToObject(r->record, f->string, copy);
    }
    cJSON_Delete(patch);
    reindex(c, r);
  }
}

static serve_collection *lookup_coll(serve_store *st, const char *coll) {
  for (size_t i = 0; i < st->count; i++)
    if (!strcmp(st->items[i]->name, coll)) return st->items[i];
  return NULL;
}

serve_collection *serve_store_find(serve_store *st, const char *coll) {
  serve_collection *c = lookup_coll(st, coll);
  if (c) settle(c);
  return c;
}

static serve_collection *find_or_add(serve_store *st, const char *coll) {
  serve_collection *c = serve_store_find(st, coll);
  if (c) return c;
  st->items = gt_xrealloc(st->items, (st->count + 1) * sizeof *st->items);
  c = gt_xcalloc(1, sizeof *c);
  c->name = gt_xstrdup(coll);
  st->items[st->count++] = c;
  return c;
}

cJSON *serve_store_get(serve_store *st, const char *coll, const char *id) {
  serve_collection *c = serve_store_find(st, coll);
  store_rec *r = c ? find_rec(c, id) : NULL;
  return r ? r->record : NULL;
}

size_t serve_store_limit(const serve_store *st) {
  return st->limit ? st->limit : SERVE_STORE_LIMIT_DEFAULT;
}

void serve_store_put(serve_store *st, const char *coll, const char *id, cJSON *record) {
  serve_collection *c = find_or_add(st, coll);
  store_rec *r = find_rec(c, id);
  if (r) { /* replace in place: keeps its age for `order: newest` */
    cJSON_Delete(r->record);
    r->record = record;
    heap_remove(c, r); /* a new record: the old one's pending change is void */
    cJSON_Delete(r->later);
    r->later = NULL;
    reindex(c, r);
    return;
  }
  while (c->count >= serve_store_limit(st) && c->oldest) {
    if (!st->dropped) st->dropped = cJSON_CreateArray();
    cJSON_AddItemToArray(st->dropped, c->oldest->record); /* freed by the caller, unlocked */
    c->oldest->record = NULL;
    remove_rec(c, c->oldest);
    c->evicted++;
  }
  if (c->count >= c->n_buckets) ids_grow(c);
  r = gt_xcalloc(1, sizeof *r);
  r->id = gt_xstrdup(id);
  r->id_hash = gt_fnv1a(id);
  r->record = record;
  r->heap_pos = NO_POS;
  r->age = ++c->ages;
  r->older = c->newest;
  if (c->newest)
    c->newest->newer = r;
  else
    c->oldest = r;
  c->newest = r;
  store_rec **slot = &c->by_id[r->id_hash & (c->n_buckets - 1)];
  r->id_next = *slot;
  *slot = r;
  c->count++;
  if (c->n_indexes) {
    r->entries = gt_xcalloc(c->n_indexes, sizeof *r->entries);
    for (size_t i = 0; i < c->n_indexes; i++)
      r->entries[i] = index_add(&c->indexes[i], r);
  }
}

void serve_store_later(serve_store *st, const char *coll, const char *id, cJSON *patch,
                       long after_ms) {
  serve_collection *c = serve_store_find(st, coll);
  store_rec *r = c ? find_rec(c, id) : NULL;
  if (!r || !cJSON_IsObject(patch)) {
    cJSON_Delete(patch);
    return;
  }
  heap_remove(c, r);
  cJSON_Delete(r->later);
  r->later = patch;
  r->due_ms = now_ms() + after_ms;
  heap_add(c, r);
  settle(c); /* after: 0 applies at once */
}

bool serve_store_delete(serve_store *st, const char *coll, const char *id) {
  serve_collection *c = serve_store_find(st, coll);
  store_rec *r = c ? find_rec(c, id) : NULL;
  if (!r) return false;
  remove_rec(c, r);
  return true;
}

size_t serve_store_select(serve_collection *c, const serve_where *w, size_t n_where, bool newest,
                          serve_store_visit visit, void *ud) {
  /* walk the smallest group among the indexed fields asked about; none asked: all records */
  ix_group *best = NULL;
  size_t best_k = n_where;
  for (size_t k = 0; k < n_where; k++) {
    if (!w[k].want || !*w[k].want) continue;
    store_index *ix = index_for(c, w[k].field);
    ix_group *g = ix->n_buckets ? *group_slot(ix, w[k].want, gt_fnv1a(w[k].want)) : NULL;
    if (!g) return 0; /* no record has that value */
    if (!best || g->count < best->count) {
      best = g;
      best_k = k;
    }
  }
  size_t visited = 0;
  if (best) {
    for (ix_entry *e = newest ? best->newest : best->oldest; e; e = newest ? e->older : e->newer) {
      bool ok = true;
      for (size_t k = 0; k < n_where && ok; k++) {
        if (k == best_k || !w[k].want || !*w[k].want) continue;
        char *v = serve_store_value_text(serve_store_field(e->rec->record, w[k].field));
        ok = v && !strcmp(v, w[k].want);
        free(v);
      }
      if (!ok) continue;
      visited++;
      if (!visit(e->rec->record, ud)) break;
    }
    return visited;
  }
  for (store_rec *r = newest ? c->newest : c->oldest; r; r = newest ? r->older : r->newer) {
    visited++;
    if (!visit(r->record, ud)) break;
  }
  return visited;
}

cJSON *serve_store_take_dropped(serve_store *st) {
  cJSON *d = st->dropped;
  st->dropped = NULL;
  return d;
}

void serve_store_free(serve_store *st) {
  cJSON_Delete(st->dropped);
  for (size_t i = 0; i < st->count; i++) {
    serve_collection *c = st->items[i];
    for (store_rec *r = c->oldest, *next; r; r = next) {
      next = r->newer;
      free(r->entries);
      free(r->id);
      cJSON_Delete(r->record);
      cJSON_Delete(r->later);
      free(r);
    }
    for (size_t k = 0; k < c->n_indexes; k++)
      index_free(&c->indexes[k]);
    free(c->indexes);
    free(c->by_id);
    free(c->heap);
    free(c->name);
    free(c);
  }
  free(st->items);
  size_t limit = st->limit;
  memset(st, 0, sizeof *st);
  st->limit = limit;
}
