/* node.h — the YAML value tree gauntlet keeps after loading.
 *
 * Suites and profiles hold request bodies, templates, `respond:` blocks and
 * variable values as gt_node trees rather than cJSON because they carry what
 * JSON cannot: YAML tags (matchers such as !regex), whether a scalar was quoted
 * (type fidelity: "123" is a string, 123 a number), unexpanded ${VAR}
 * references, and FILE:LINE:COL for diagnostics.
 *
 * Ownership: a tree is owned by whoever built it (the loaded gt_suite); free
 * it with gt_node_free. `file` points at a string owned by the suite. */
#ifndef GT_CORE_NODE_H
#define GT_CORE_NODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

typedef enum { GT_NODE_SCALAR, GT_NODE_MAP, GT_NODE_SEQ } gt_node_kind;

typedef struct gt_node gt_node;

/* A YAML core tag that forces a scalar's type once expanded (`!!str ${id}`,
 * `!!int "${n}"`): kept as bits, the tag itself is cleared. */
enum { GT_TYPED_NONE = 0, GT_TYPED_STR, GT_TYPED_INT, GT_TYPED_FLOAT, GT_TYPED_BOOL };
/* Field order and sizes keep a node at 80 bytes: a 100,000-scenario suite
 * holds about two million of them. */
struct gt_node {
  const char *file;
  char *tag;       /* "!regex", "!integer", ... or NULL (owned) */
  char *text;      /* GT_NODE_SCALAR: the scalar's text, NUL-terminated (owned) */
  size_t count;    /* MAP: number of pairs; SEQ: number of items */
  gt_node **keys;  /* MAP only: scalar key nodes (owned) */
  gt_node **items; /* MAP: values; SEQ: items (owned) */
  /* Data compiled at load time for matchers (e.g. a pcre2_code* for !regex, a
   * compiled JSONPath). Freed with aux_free when set. */
  void *aux;
  void (*aux_free)(void *);
  int line, col;     /* 1-based position of the node's start */
  uint32_t text_len; /* may be < strlen if the scalar holds "\0" escapes */
  gt_node_kind kind : 8;
  bool quoted : 1;    /* quoted or block scalar: always a string, never null/bool/number */
  unsigned typed : 3; /* GT_TYPED_* */
  /* Where the memory lives (GT_NODE_MEM_* bits; node.c's business only):
   * loaded trees come from an arena, see gt_node_arena below. */
  unsigned mem : 3;
};

gt_node *gt_node_new(gt_node_kind kind, const char *file, int line, int col);
gt_node *gt_node_new_scalar(const char *text, bool quoted, const char *file, int line, int col);
void gt_node_free(gt_node *n);
/* Deep copy (aux is not copied: the copy has aux == NULL). */
gt_node *gt_node_clone(const gt_node *n);
/* MAP: append (takes ownership of key and value). SEQ: key is NULL. */
void gt_node_append(gt_node *parent, gt_node *key, gt_node *value);

/* ---- arenas: one loaded tree in a few big blocks ----
 *
 * The YAML reader allocates a tree's nodes, scalar text, tags and child
 * arrays from an arena instead of one malloc each: no per-allocation header,
 * exact-size arrays, and one free per block. The arena belongs to the tree's
 * root (the first node allocated from it, made by gt_node_arena_root):
 * gt_node_free(root) runs every aux_free and releases the arena. Arena nodes
 * may hold heap children (gt_node_clone, gt_node_from_json, gt_node_append on
 * an arena node moves its arrays to the heap) and those are freed normally.
 * gt_node_free on an arena node that is not a root only runs aux_free in its
 * subtree and frees its heap descendants: the memory goes with the arena. */
typedef struct gt_node_arena gt_node_arena;

/* A new arena and its root node (counts as allocation number one). */
gt_node *gt_node_arena_root(gt_node_kind kind, const char *file, int line, int col);
/* The arena a root made by gt_node_arena_root owns; NULL for any other node. */
gt_node_arena *gt_node_arena_of(gt_node *root);
gt_node *gt_node_arena_new(gt_node_arena *a, gt_node_kind kind, const char *file, int line,
                           int col);
/* A NUL-terminated copy of s[0..len) in the arena. */
char *gt_node_arena_strndup(gt_node_arena *a, const char *s, size_t len);
/* Sets parent's children to exact-size arena copies of keys/items (keys NULL
 * for a SEQ); parent must have none yet. Takes ownership of the nodes. */
void gt_node_arena_set_children(gt_node_arena *a, gt_node *parent, gt_node *const *keys,
                                gt_node *const *items, size_t n);
/* Compaction (the loader keeps only what its model references): a deep copy
 * of n in arena a that keeps FILE:LINE:COL, tags, quoting and text_len, and
 * MOVES aux/aux_free to the copy; a's root runs that aux_free when freed
 * (copies are never freed one by one: gt_node_free of a's root frees them
 * all). n is left forwarded to its copy, so moving n again, or moving a tree
 * that holds n, gives the same copy: shared references stay shared and each
 * aux has one owner. The original tree is still freed with gt_node_free (its
 * forwarded nodes hold nothing) and must not be read otherwise afterwards. */
gt_node *gt_node_arena_move(gt_node_arena *a, gt_node *n);
/* Progressive compaction: frees every block of a (nodes, arrays, text) whose
 * allocations were all made after `after` and before `before` were allocated
 * (both nodes of a; otherwise nothing is freed). The caller guarantees that
 * nothing allocated in between is read again, not even by gt_node_free of
 * a's root: subtrees allocated there must already be freed with gt_node_free
 * and detached from their parents. The newest block of each chain is kept.
 * Returns the bytes given back. */
size_t gt_node_arena_release_between(gt_node_arena *a, const gt_node *after, const gt_node *before);
/* true if n was moved by gt_node_arena_move (tests). */
bool gt_node_is_forwarded(const gt_node *n);
/* Bytes the arena took from malloc (for tests and measurements). */
size_t gt_node_arena_bytes(const gt_node_arena *a);

/* MAP lookup by exact key text; NULL if absent or n is not a map. */
const gt_node *gt_node_get(const gt_node *map, const char *key);
/* The same for the tree's builder (the loader), which may still change it. */
gt_node *gt_node_get_mut(gt_node *map, const char *key);
/* Case-insensitive variant (HTTP header names). */
const gt_node *gt_node_get_ci(const gt_node *map, const char *key);

/* The YAML 1.2 core-schema reading of an unquoted, untagged scalar:
 * null/~/empty -> cJSON null, true/false -> bool, integers and floats -> number,
 * anything else (and any quoted scalar) -> string. Maps/seqs convert recursively.
 * Does NOT expand ${VAR}: see vars.h for that. Tagged nodes convert as if
 * untagged. Caller owns the result (cJSON_Delete). */
cJSON *gt_node_to_json(const gt_node *n);
/* The same reading for a single scalar. */
cJSON *gt_scalar_to_json(const char *text, size_t len, bool quoted);

/* Build a node tree from JSON (used for captured values and serve). Caller owns. */
gt_node *gt_node_from_json(const cJSON *j, const char *file, int line, int col);

/* The node an RFC 6901 JSON Pointer (already percent-decoded, "" = n
 * itself) selects below n; NULL when there is none. Borrowed from n. */
const gt_node *gt_node_at_pointer(const gt_node *n, const char *ptr);

/* Appends "/" and token, escaped as an RFC 6901 reference token (~ as ~0,
 * / as ~1), to b: one step down a JSON Pointer. */
struct gt_buf;
void gt_pointer_append_token(struct gt_buf *b, const char *token);

#endif
