/* node.c — the gt_node tree: construction, lookup, cloning and the YAML 1.2
 * core-schema reading of scalars into JSON (see node.h). */
#include "node.h"

#include <math.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"

/* gt_node.mem bits. A heap node (0) owns every pointer it holds. */
enum {
  MEM_ARENA = 1,        /* node, text and tag live in an arena */
  MEM_ARENA_ROOT = 2,   /* ... and the arena is this node's (it sits right before it) */
  MEM_ARENA_ARRAYS = 4, /* keys/items live in the arena (else heap, or NULL) */
};

gt_node *gt_node_new(gt_node_kind kind, const char *file, int line, int col) {
  gt_node *n = gt_xcalloc(1, sizeof *n);
  n->kind = kind;
  n->file = file;
  n->line = line;
  n->col = col;
  return n;
}

gt_node *gt_node_new_scalar(const char *text, bool quoted, const char *file, int line, int col) {
  gt_node *n = gt_node_new(GT_NODE_SCALAR, file, line, col);
  size_t len = strlen(text);
  n->text = gt_xstrndup(text, len);
  n->text_len = (uint32_t)len; /* scalars are bounded by the 4 GiB a suite file can hold */
  n->quoted = quoted;
  return n;
}

/* ---- arenas ---- */

typedef struct block {
  struct block *next;
  size_t used, cap;
  /* Sequence numbers (per arena, both chains) of the block's first and last
   * allocation: blocks are filled in allocation order, so these say which
   * blocks were filled entirely between two known allocations. */
  size_t first, last;
  _Alignas(max_align_t) char data[];
} block;

/* Two chains: nodes and pointer arrays need alignment, text does not (mixing
 * them would pad every string to 8 bytes). */
struct gt_node_arena {
  block *objs, *text;
  size_t bytes;
  size_t seq; /* allocations so far (block.first/last) */
  /* Copies made by gt_node_arena_move that carry an aux: the root runs
   * their aux_free (they are not its children). Heap array, freed with it. */
  gt_node **moved_aux;
  size_t n_moved_aux, cap_moved_aux;
};

#define FIRST_BLOCK ((size_t)4096)
#define MAX_BLOCK ((size_t)1 << 20)
#define ALIGN8(x) (((x) + 7) & ~(size_t)7)
/* The arena header and the root share the first block, in that order. */
#define ROOT_OFFSET ALIGN8(sizeof(gt_node_arena))

/* Blocks double up to 1 MiB: small trees (profiles, tests) stay small. */
static void *bump(gt_node_arena *a, block **chain, size_t size, size_t align) {
  block *b = *chain;
  size_t at = b ? (b->used + align - 1) & ~(align - 1) : 0;
  if (!b || at + size > b->cap) {
    size_t cap = b ? b->cap * 2 : FIRST_BLOCK;
    if (cap > MAX_BLOCK) cap = MAX_BLOCK;
    if (cap < size) cap = size;
    block *nb = gt_xmalloc(sizeof *nb + cap); /* freed by arena_release */
    nb->next = b;
    nb->used = 0;
    nb->cap = cap;
    nb->first = a->seq;
    a->bytes += sizeof *nb + cap;
    *chain = b = nb;
    at = 0;
  }
  b->used = at + size;
  b->last = a->seq++;
  return b->data + at;
}

static void free_chain(block *b) {
  while (b) {
    block *next = b->next;
    free(b);
    b = next;
  }
}

static void arena_release(gt_node_arena *a) {
  for (size_t i = 0; i < a->n_moved_aux; i++) {
    gt_node *c = a->moved_aux[i];
    c->aux_free(c->aux);
  }
  free(a->moved_aux);
  block *objs = a->objs; /* the header itself lives in the last block of this chain */
  free_chain(a->text);
  free_chain(objs);
}

static gt_node *arena_node(void *mem, gt_node_kind kind, const char *file, int line, int col) {
  gt_node *n = memset(mem, 0, sizeof *n);
  n->kind = kind;
  n->file = file;
  n->line = line;
  n->col = col;
  n->mem = MEM_ARENA;
  return n;
}

gt_node *gt_node_arena_root(gt_node_kind kind, const char *file, int line, int col) {
  gt_node_arena tmp = {0};
  char *first = bump(&tmp, &tmp.objs, ROOT_OFFSET + sizeof(gt_node), 8);
  gt_node_arena *a = (gt_node_arena *)first;
  *a = tmp;
  gt_node *root = arena_node(first + ROOT_OFFSET, kind, file, line, col);
  root->mem |= MEM_ARENA_ROOT;
  return root;
}

gt_node_arena *gt_node_arena_of(gt_node *root) {
  if (!root || !(root->mem & MEM_ARENA_ROOT)) return NULL;
  return (gt_node_arena *)((char *)root - ROOT_OFFSET);
}

gt_node *gt_node_arena_new(gt_node_arena *a, gt_node_kind kind, const char *file, int line,
                           int col) {
  return arena_node(bump(a, &a->objs, sizeof(gt_node), 8), kind, file, line, col);
}

char *gt_node_arena_strndup(gt_node_arena *a, const char *s, size_t len) {
  char *p = bump(a, &a->text, len + 1, 1);
  if (len) memcpy(p, s, len);
  p[len] = 0;
  return p;
}

void gt_node_arena_set_children(gt_node_arena *a, gt_node *parent, gt_node *const *keys,
                                gt_node *const *items, size_t n) {
  if (n == 0) return;
  parent->items = bump(a, &a->objs, n * sizeof *items, 8);
  memcpy(parent->items, items, n * sizeof *items);
  if (keys) {
    parent->keys = bump(a, &a->objs, n * sizeof *keys, 8);
    memcpy(parent->keys, keys, n * sizeof *keys);
  }
  parent->count = n;
  parent->mem |= MEM_ARENA_ARRAYS;
}

/* The objs block holding p, or NULL (p is not an arena node of a). */
static const block *block_of(const gt_node_arena *a, const void *p) {
  uintptr_t x = (uintptr_t)p;
  for (const block *b = a->objs; b; b = b->next)
    if (x >= (uintptr_t)b->data && x < (uintptr_t)b->data + b->used) return b;
  return NULL;
}

/* Frees the blocks of a chain filled entirely within (lo, hi) in sequence
 * numbers. The head is kept: later allocations still go there. */
static size_t release_chain(block *head, size_t lo, size_t hi) {
  size_t freed = 0;
  if (!head) return 0;
  block **link = &head->next;
  while (*link) {
    block *b = *link;
    if (b->first > lo && b->last < hi) {
      *link = b->next;
      freed += sizeof *b + b->cap;
      free(b);
    } else {
      link = &b->next;
    }
  }
  return freed;
}

size_t gt_node_arena_release_between(gt_node_arena *a, const gt_node *after,
                                     const gt_node *before) {
  if (!a || !after || !before) return 0;
  const block *lo = block_of(a, after), *hi = block_of(a, before);
  if (!lo || !hi) return 0;
  /* after was allocated at or before lo->last, before at or after hi->first:
   * a block filled within (lo->last, hi->first) holds only allocations made
   * between the two. lo and hi themselves never qualify, nor does the oldest
   * objs block (the header and root, allocation 0). */
  size_t freed = release_chain(a->objs, lo->last, hi->first);
  freed += release_chain(a->text, lo->last, hi->first);
  a->bytes -= freed;
  return freed;
}

size_t gt_node_arena_bytes(const gt_node_arena *a) {
  return a ? a->bytes : 0;
}

/* ---- compaction ---- */

/* The aux_free of a forwarded original: its aux is the copy, which it does
 * not own. */
static void forwarded(void *copy) {
  (void)copy;
}

bool gt_node_is_forwarded(const gt_node *n) {
  return n && n->aux_free == forwarded;
}

gt_node *gt_node_arena_move(gt_node_arena *a, gt_node *n) {
  if (!n) return NULL;
  if (n->aux_free == forwarded) return n->aux;
  gt_node *c = gt_node_arena_new(a, n->kind, n->file, n->line, n->col);
  c->quoted = n->quoted;
  c->typed = n->typed;
  if (n->tag) c->tag = gt_node_arena_strndup(a, n->tag, strlen(n->tag));
  if (n->text) {
    c->text = gt_node_arena_strndup(a, n->text, n->text_len);
    c->text_len = n->text_len;
  }
  if (n->aux) {
    c->aux = n->aux;
    c->aux_free = n->aux_free;
    if (c->aux_free) {
      if (a->n_moved_aux == a->cap_moved_aux) {
        a->cap_moved_aux = a->cap_moved_aux ? a->cap_moved_aux * 2 : 16;
        a->moved_aux = gt_xrealloc(a->moved_aux, a->cap_moved_aux * sizeof *a->moved_aux);
      }
      a->moved_aux[a->n_moved_aux++] = c;
    }
  }
  /* Forwarded before the children are copied: n is not reachable from them
   * (no parent links), so this only matters for later calls. */
  n->aux = c;
  n->aux_free = forwarded;
  if (n->count > 0) {
    c->items = bump(a, &a->objs, n->count * sizeof *c->items, 8);
    if (n->keys) c->keys = bump(a, &a->objs, n->count * sizeof *c->keys, 8);
    for (size_t i = 0; i < n->count; i++) {
      if (n->keys) c->keys[i] = gt_node_arena_move(a, n->keys[i]);
      c->items[i] = gt_node_arena_move(a, n->items[i]);
    }
    c->count = n->count;
    c->mem |= MEM_ARENA_ARRAYS;
  }
  return c;
}

void gt_node_free(gt_node *n) {
  if (!n) return;
  for (size_t i = 0; i < n->count; i++) {
    if (n->keys) gt_node_free(n->keys[i]);
    gt_node_free(n->items[i]);
  }
  if (n->aux && n->aux_free) n->aux_free(n->aux);
  if (!(n->mem & MEM_ARENA_ARRAYS)) {
    free(n->keys);
    free(n->items);
  }
  if (n->mem & MEM_ARENA) {
    /* Text, tag and the node itself go with the arena. */
    if (n->mem & MEM_ARENA_ROOT) arena_release(gt_node_arena_of(n));
    return;
  }
  free(n->tag);
  free(n->text);
  free(n);
}

gt_node *gt_node_clone(const gt_node *n) {
  if (!n) return NULL;
  gt_node *c = gt_node_new(n->kind, n->file, n->line, n->col);
  c->tag = n->tag ? gt_xstrdup(n->tag) : NULL;
  c->quoted = n->quoted;
  c->typed = n->typed;
  if (n->text) {
    c->text = gt_xstrndup(n->text, n->text_len); /* a heap copy, even of an arena node */
    c->text_len = n->text_len;
  }
  for (size_t i = 0; i < n->count; i++)
    gt_node_append(c, n->keys ? gt_node_clone(n->keys[i]) : NULL, gt_node_clone(n->items[i]));
  return c;
}

/* The arrays have no stored capacity: it is 4, then doubles, so it is implied
 * by count and grows exactly when count reaches 0, 4, 8, 16... */
static bool needs_growth(size_t count) {
  return count == 0 || (count >= 4 && (count & (count - 1)) == 0);
}

/* The capacity needs_growth implies for count n >= 1: 4, 8, 16... */
static size_t implied_cap(size_t n) {
  size_t cap = 4;
  while (cap < n)
    cap *= 2;
  return cap;
}

/* Arena arrays are exact-size and cannot grow: move them to the heap. */
static void arrays_to_heap(gt_node *parent) {
  size_t n = parent->count, cap = implied_cap(n);
  gt_node **items = gt_xcalloc(cap, sizeof *items);
  memcpy(items, parent->items, n * sizeof *items);
  parent->items = items;
  if (parent->keys) {
    gt_node **keys = gt_xcalloc(cap, sizeof *keys);
    memcpy(keys, parent->keys, n * sizeof *keys);
    parent->keys = keys;
  }
  parent->mem &= ~(unsigned)MEM_ARENA_ARRAYS;
}

void gt_node_append(gt_node *parent, gt_node *key, gt_node *value) {
  if (parent->mem & MEM_ARENA_ARRAYS) arrays_to_heap(parent);
  size_t n = parent->count;
  if (needs_growth(n)) {
    size_t cap = n ? n * 2 : 4;
    parent->items = gt_xrealloc(parent->items, cap * sizeof *parent->items);
    if (parent->kind == GT_NODE_MAP)
      parent->keys = gt_xrealloc(parent->keys, cap * sizeof *parent->keys);
  }
  if (parent->kind == GT_NODE_MAP) parent->keys[n] = key;
  parent->items[n] = value;
  parent->count = n + 1;
}

/* The index of key in map, or map->count. */
static size_t key_index(const gt_node *map, const char *key) {
  for (size_t i = 0; i < map->count; i++)
    if (map->keys[i]->text && strcmp(map->keys[i]->text, key) == 0) return i;
  return map->count;
}

const gt_node *gt_node_get(const gt_node *map, const char *key) {
  if (!map || map->kind != GT_NODE_MAP) return NULL;
  size_t i = key_index(map, key);
  return i < map->count ? map->items[i] : NULL;
}

gt_node *gt_node_get_mut(gt_node *map, const char *key) {
  if (!map || map->kind != GT_NODE_MAP) return NULL;
  size_t i = key_index(map, key);
  return i < map->count ? map->items[i] : NULL;
}

const gt_node *gt_node_get_ci(const gt_node *map, const char *key) {
  if (!map || map->kind != GT_NODE_MAP) return NULL;
  for (size_t i = 0; i < map->count; i++)
    if (map->keys[i]->text && strcasecmp(map->keys[i]->text, key) == 0) return map->items[i];
  return NULL;
}

/* ---- core schema ---- */

static bool is_null_word(const char *t, size_t len) {
  return len == 0 || (len == 1 && t[0] == '~') ||
         (len == 4 && (!memcmp(t, "null", 4) || !memcmp(t, "Null", 4) || !memcmp(t, "NULL", 4)));
}

static int bool_word(const char *t, size_t len) {
  if (len == 4 && (!memcmp(t, "true", 4) || !memcmp(t, "True", 4) || !memcmp(t, "TRUE", 4)))
    return 1;
  if (len == 5 && (!memcmp(t, "false", 5) || !memcmp(t, "False", 5) || !memcmp(t, "FALSE", 5)))
    return 0;
  return -1;
}

/* [-+]?[0-9]+ or [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
static bool is_number_text(const char *t, size_t len) {
  size_t i = 0, digits = 0;
  if (i < len && (t[i] == '-' || t[i] == '+')) i++;
  while (i < len && t[i] >= '0' && t[i] <= '9')
    i++, digits++;
  if (i < len && t[i] == '.') {
    i++;
    while (i < len && t[i] >= '0' && t[i] <= '9')
      i++, digits++;
  }
  if (digits == 0) return false;
  if (i < len && (t[i] == 'e' || t[i] == 'E')) {
    i++;
    if (i < len && (t[i] == '-' || t[i] == '+')) i++;
    size_t exp = 0;
    while (i < len && t[i] >= '0' && t[i] <= '9')
      i++, exp++;
    if (exp == 0) return false;
  }
  return i == len;
}

cJSON *gt_scalar_to_json(const char *text, size_t len, bool quoted) {
  if (!quoted) {
    if (is_null_word(text, len)) return cJSON_CreateNull();
    int b = bool_word(text, len);
    if (b >= 0) return cJSON_CreateBool(b);
    if (is_number_text(text, len)) {
      char tmp[128];
      if (len < sizeof tmp) {
        memcpy(tmp, text, len);
        tmp[len] = 0;
        double d = strtod(tmp, NULL);
        if (isfinite(d)) return cJSON_CreateNumber(d);
      }
    }
  }
  /* cJSON strings are NUL-terminated: text after an embedded NUL is lost. */
  char *s = gt_xstrndup(text, len);
  cJSON *j = cJSON_CreateString(s);
  free(s);
  return j;
}

cJSON *gt_node_to_json(const gt_node *n) {
  if (!n) return cJSON_CreateNull();
  switch (n->kind) {
  case GT_NODE_SCALAR:
    return gt_scalar_to_json(n->text ? n->text : "", n->text ? n->text_len : 0, n->quoted);
  case GT_NODE_SEQ: {
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < n->count; i++)
      cJSON_AddItemToArray(a, gt_node_to_json(n->items[i]));
    return a;
  }
  case GT_NODE_MAP: {
    cJSON *o = cJSON_CreateObject();
    for (size_t i = 0; i < n->count; i++)
      cJSON_AddItemToObject(o, n->keys[i]->text ? n->keys[i]->text : "",
                            gt_node_to_json(n->items[i]));
    return o;
  }
  }
  return cJSON_CreateNull();
}

gt_node *gt_node_from_json(const cJSON *j, const char *file, int line, int col) {
  if (!j || cJSON_IsNull(j)) return gt_node_new_scalar("null", false, file, line, col);
  if (cJSON_IsBool(j))
    return gt_node_new_scalar(cJSON_IsTrue(j) ? "true" : "false", false, file, line, col);
  if (cJSON_IsNumber(j)) {
    char tmp[64];
    double d = j->valuedouble;
    if (d == floor(d) && fabs(d) < 1e15)
      snprintf(tmp, sizeof tmp, "%.0f", d);
    else
      snprintf(tmp, sizeof tmp, "%.17g", d);
    return gt_node_new_scalar(tmp, false, file, line, col);
  }
  if (cJSON_IsString(j)) return gt_node_new_scalar(j->valuestring, true, file, line, col);
  if (cJSON_IsArray(j)) {
    gt_node *s = gt_node_new(GT_NODE_SEQ, file, line, col);
    for (const cJSON *c = j->child; c; c = c->next)
      gt_node_append(s, NULL, gt_node_from_json(c, file, line, col));
    return s;
  }
  if (cJSON_IsObject(j)) {
    gt_node *m = gt_node_new(GT_NODE_MAP, file, line, col);
    for (const cJSON *c = j->child; c; c = c->next)
      gt_node_append(m, gt_node_new_scalar(c->string ? c->string : "", true, file, line, col),
                     gt_node_from_json(c, file, line, col));
    return m;
  }
  /* cJSON_Raw and anything else: keep the text. */
  char *p = cJSON_PrintUnformatted(j);
  gt_node *n = gt_node_new_scalar(p ? p : "", true, file, line, col);
  free(p);
  return n;
}

const gt_node *gt_node_at_pointer(const gt_node *n, const char *ptr) {
  const char *p = ptr;
  while (n && *p == '/') {
    p++;
    const char *e = strchr(p, '/');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    char *tok = gt_xmalloc(len + 1); /* freed below */
    size_t j = 0;
    for (size_t i = 0; i < len; i++) {
      if (p[i] == '~' && i + 1 < len && (p[i + 1] == '0' || p[i + 1] == '1')) {
        tok[j++] = p[i + 1] == '0' ? '~' : '/';
        i++;
      } else {
        tok[j++] = p[i];
      }
    }
    tok[j] = 0;
    if (n->kind == GT_NODE_MAP) {
      n = gt_node_get(n, tok);
    } else if (n->kind == GT_NODE_SEQ) {
      char *end;
      unsigned long idx = strtoul(tok, &end, 10);
      n = (*tok && !*end && idx < n->count) ? n->items[idx] : NULL;
    } else {
      n = NULL;
    }
    free(tok);
    p += len;
  }
  return *p ? NULL : n;
}

void gt_pointer_append_token(gt_buf *b, const char *token) {
  gt_buf_addc(b, '/');
  for (const char *p = token; *p; p++) {
    if (*p == '~')
      gt_buf_adds(b, "~0");
    else if (*p == '/')
      gt_buf_adds(b, "~1");
    else
      gt_buf_addc(b, *p);
  }
}
