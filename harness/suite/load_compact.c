/* load_compact.c — while loading, keep only the YAML the model references.
 *
 * The parsed trees hold every node of the suite, but the model borrows only a
 * few subtrees (templates, request parts, auth values); the rest (scenario
 * mappings, their keys, names already copied out...) is dead once loading is
 * over: about 11 of the 17 nodes of a simple scenario, ~100 MB at 100,000
 * scenarios. Compaction copies the referenced subtrees into one fresh arena
 * (gt_node_arena_move: positions kept, aux data such as compiled !regex and
 * JSONPath moved along), re-points the model at the copies and frees the
 * originals.
 *
 * It runs while the scenarios load, so that the peak is the parsed tree and
 * not the parsed tree plus the copies (at 100,000 scenarios: ~175 MB instead
 * of ~255 MB): ld_compact_begin moves the suite-level and profile pointers
 * (all loaded before the scenarios); ld_compact_scenario moves scenario i
 * right after it is loaded, frees its subtree and, every few scenarios, gives
 * back the parsed arena's blocks that hold only finished scenarios (blocks
 * are filled in document order, see gt_node_arena_release_between). Nothing
 * reads a scenario's subtree after ld_compact_scenario: what the later steps
 * need (variable references for capture ordering, positions for errors) is
 * collected by load_scenarios before. This relies on a scenario's model
 * borrowing only from its own subtree (aliases are heap copies made inside
 * it, yaml_read.c) and from the suite level and profile, which are never
 * given back early. ld_compact_finish frees the rest of the parsed trees.
 *
 * What it moves is THE table of borrowed pointers, suite/borrowed.h: add a
 * new borrowed field there (the test in tests/unit/test_suite_compact.c
 * expands the same table). */
#include <stdint.h>
#include <stdlib.h>

#include "borrowed.h"
#include "load.h"

typedef struct path_key {
  const void *path; /* the compiled JSONPath: key->aux before compaction */
  gt_node *key;
} path_key;

static int by_path(const void *a, const void *b) {
  const path_key *x = a, *y = b;
  return x->path < y->path ? -1 : x->path > y->path;
}

/* Blocks are given back every this many scenarios (each time costs a walk
 * over the arena's block list, ~200 blocks at 100,000 scenarios). */
#define RELEASE_EVERY 64

struct ld_compactor {
  gt_node_arena *arena;  /* of holder: where the copies go */
  gt_node *holder;       /* in suite->trees (freed with the suite until finish) */
  gt_node_arena *parsed; /* the suite tree's arena: blocks given back as we go */
  gt_node *list;         /* the scenarios sequence of the parsed tree */
  gt_node *first;        /* its first item (an address only, once freed) */
  path_key *keys;        /* suite-level keys (profile), sorted by path */
  size_t n_keys;
  path_key *own; /* the current scenario's keys, in noting order (heap) */
  size_t n_own, cap_own;
  size_t moved; /* scenarios 0..moved-1 are compacted */
  bool off;     /* a scenario could not be compacted: the rest stays in the trees */
};

static gt_node *key_of(const ld_compactor *C, const gt_path_template *t) {
  for (size_t i = 0; i < C->n_own; i++)
    if (C->own[i].path == t->path && C->own[i].key->text == t->src) return C->own[i].key;
  path_key probe = {.path = t->path};
  path_key *k = C->n_keys ? bsearch(&probe, C->keys, C->n_keys, sizeof *C->keys, by_path) : NULL;
  return k && k->key->text == t->src ? k->key : NULL;
}

/* ---- check: every jsonpath entry has its key node (before anything moves) ---- */

static bool expect_ok(const ld_compactor *C, const gt_expect *e) {
  for (size_t i = 0; i < e->n_jsonpath; i++)
    if (!key_of(C, &e->jsonpath[i])) return false;
  for (size_t i = 0; e->if_status && i < e->if_status->count; i++) {
    const gt_expect_when *w = e->if_status->keys[i]->aux;
    if (!w || !expect_ok(C, &w->expect)) return false;
  }
  return true;
}

static bool refs_ok(const ld_compactor *C, const gt_fault_ref *refs, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!expect_ok(C, &refs[i].expect)) return false;
  return true;
}

static bool profile_ok(const ld_compactor *C, const gt_profile *p) {
  if (!refs_ok(C, p->default_faults, p->n_default_faults)) return false;
  for (int f = 0; f < GT_FAULT_COUNT; f++)
    if (!expect_ok(C, &p->fault_expect[f])) return false;
  return true;
}

/* ---- move ---- */

/* The one place the loader takes back write access to a node it lent: the
 * trees are the suite's, built mutable by the loader and still owned by it
 * (suite->trees); the model only sees them const. Moving takes the node's
 * aux data along, so the original is changed. */
static gt_node *lent_node(const gt_node *n) {
  return (gt_node *)(uintptr_t)n;
}

static void mv(const ld_compactor *C, const gt_node **slot) {
  *slot = gt_node_arena_move(C->arena, lent_node(*slot));
}

static void move_expect(const ld_compactor *C, gt_expect *e) {
  /* if_status entries first: their templates and jsonpath keys move one by
   * one, then the map (holding them) gets the same copies, and each key's
   * gt_expect_when (aux) travels with its key. */
  for (size_t i = 0; e->if_status && i < e->if_status->count; i++) {
    gt_expect_when *w = e->if_status->keys[i]->aux;
    if (w) move_expect(C, &w->expect);
  }
#define MOVE(field) mv(C, &e->field);
  GT_EXPECT_BORROWED(MOVE)
#undef MOVE
  for (size_t i = 0; i < e->n_jsonpath; i++) {
    gt_path_template *t = &e->jsonpath[i];
    gt_node *key = gt_node_arena_move(C->arena, key_of(C, t)); /* takes .path along (aux) */
    t->src = key->text;
    mv(C, &t->tmpl);
  }
}

static void move_refs(const ld_compactor *C, gt_fault_ref *refs, size_t n) {
  for (size_t i = 0; i < n; i++)
    move_expect(C, &refs[i].expect);
}

static void move_profile(const ld_compactor *C, gt_profile *p) {
#define MOVE(field) mv(C, &p->field);
  GT_PROFILE_BORROWED(MOVE)
#undef MOVE
  mv(C, &p->auth.params); /* outside the table: see borrowed.h */
  move_refs(C, p->default_faults, p->n_default_faults);
  for (int f = 0; f < GT_FAULT_COUNT; f++)
    move_expect(C, &p->fault_expect[f]);
}

static void move_scenario(const ld_compactor *C, gt_scenario *sc) {
#define MOVE(field) mv(C, &sc->field);
  GT_SCENARIO_BORROWED(MOVE)
#undef MOVE
  move_expect(C, &sc->expect);
  move_refs(C, sc->faults, sc->n_faults);
  if (sc->poll) move_expect(C, &sc->poll->until);
}

bool ld_compact_begin(loader *L, gt_node *list) {
  gt_suite *s = L->suite;
  if (L->opts->keep_trees || L->compact || s->n_trees == 0) return false;
  ld_compactor *C = gt_xcalloc(1, sizeof *C); /* freed by ld_compact_finish */
  C->n_keys = L->n_jsonpath_keys;
  C->keys = gt_xcalloc(C->n_keys ? C->n_keys : 1, sizeof *C->keys);
  for (size_t i = 0; i < C->n_keys; i++) {
    C->keys[i].path = L->jsonpath_keys[i]->aux;
    C->keys[i].key = L->jsonpath_keys[i];
  }
  qsort(C->keys, C->n_keys, sizeof *C->keys, by_path);
  if (!profile_ok(C, &s->profile)) {
    free(C->keys);
    free(C);
    return false; /* nothing moved: the suite keeps its trees */
  }
  /* The new arena's root is an empty holder: the copies are not its children
   * (a subtree may be referenced twice); freeing it frees them all. */
  C->holder = gt_node_arena_root(GT_NODE_SEQ, s->file, 1, 1);
  C->arena = gt_node_arena_of(C->holder);
  C->parsed = gt_node_arena_of(s->trees[0]);
  C->list = list;
  /* Blocks are given back from the suite's own first scenario on: those of
   * included files (load_include.c) come before it and live in other arenas. */
  C->first = L->n_included_scenarios < list->count ? list->items[L->n_included_scenarios] : NULL;
  ld_keep_tree(L, C->holder);
#define MOVE(field) mv(C, &s->field);
  GT_SUITE_BORROWED(MOVE)
#undef MOVE
  move_profile(C, &s->profile);
  /* Keys noted from here on are the current scenario's (see below). */
  L->n_jsonpath_keys = 0;
  L->compact = C;
  return true;
}

void ld_compact_scenario(loader *L, size_t i) {
  ld_compactor *C = L->compact;
  if (!C || C->off) return;
  gt_suite *s = L->suite;
  gt_scenario *sc = &s->scenarios[i];
  /* The scenario's keys, with their paths read before anything moves (a
   * moved key's aux points at its copy). */
  C->n_own = 0;
  for (size_t k = 0; k < L->n_jsonpath_keys; k++) {
    if (C->n_own == C->cap_own) {
      C->cap_own = C->cap_own ? C->cap_own * 2 : 8;
      C->own = gt_xrealloc(C->own, C->cap_own * sizeof *C->own);
    }
    C->own[C->n_own++] = (path_key){.path = L->jsonpath_keys[k]->aux, .key = L->jsonpath_keys[k]};
  }
  L->n_jsonpath_keys = 0;
  if (i != C->moved || i >= C->list->count || !expect_ok(C, &sc->expect) ||
      !refs_ok(C, sc->faults, sc->n_faults) || (sc->poll && !expect_ok(C, &sc->poll->until))) {
    C->off = true; /* this scenario and the rest borrow from the trees, which stay */
    return;
  }
  move_scenario(C, sc);
  C->moved = i + 1;
  /* Nothing references the subtree any more: free what it owns (aux data,
   * heap copies of aliases) and detach it, so freeing the tree later does
   * not walk into blocks given back below. */
  gt_node_free(C->list->items[i]);
  C->list->items[i] = NULL;
  if (C->moved % RELEASE_EVERY == 0 && C->moved < C->list->count)
    /* Between scenario 0's node and scenario `moved`'s: only finished
     * scenarios (the sequence's own tag, if any, comes before the first). */
    gt_node_arena_release_between(C->parsed, C->first, C->list->items[C->moved]);
}

void ld_compact_finish(loader *L, bool ok) {
  ld_compactor *C = L->compact;
  if (!C) return;
  gt_suite *s = L->suite;
  if (ok && !C->off && C->moved == s->n_scenarios) {
    /* Nothing in the model points into the parsed trees any more. */
    for (size_t i = 0; i < s->n_trees; i++)
      if (s->trees[i] != C->holder) gt_node_free(s->trees[i]);
    s->trees[0] = C->holder;
    s->n_trees = 1;
  }
  /* Otherwise the model borrows from both (the suite frees both). */
  free(C->keys);
  free(C->own);
  free(C);
  L->compact = NULL;
}

void ld_note_jsonpath_key(loader *L, gt_node *key) {
  if (L->n_jsonpath_keys == L->cap_jsonpath_keys) {
    L->cap_jsonpath_keys = L->cap_jsonpath_keys ? L->cap_jsonpath_keys * 2 : 64;
    L->jsonpath_keys =
        gt_xrealloc(L->jsonpath_keys, L->cap_jsonpath_keys * sizeof *L->jsonpath_keys);
  }
  L->jsonpath_keys[L->n_jsonpath_keys++] = key;
}
