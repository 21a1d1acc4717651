/* load_compact.c — after loading, keep only the YAML the model references.
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
 * A borrowed pointer missed here dangles, so this is THE list of what the
 * loader lends from the trees to the model (model.h), kept with the code that
 * moves it:
 *   gt_suite:    base_url, default_headers
 *   gt_profile:  auth.token, auth.jwt_secret, auth.jwt_claims,
 *                transport.headers, errors.shape, envelope, limits.rate_limit,
 *                default_faults[*].expect, fault_expect[*]
 *   gt_scenario: request.method/path/query/headers/body, expect,
 *                faults[*].expect, respond
 *   gt_expect:   headers, json, body, jsonpath[*].tmpl, and jsonpath[*].src:
 *                the text of the map's KEY node, whose aux owns
 *                jsonpath[*].path (load_expect.c); the key nodes are noted in
 *                L->jsonpath_keys because an entry does not point at its key.
 * Everything else in the model is owned (strdup'd names, tags, capture
 * sources, required paths, compiled paths) or points at suite->file/files.
 * If you add a borrowed pointer to the loader, add it here (and to the test
 * in tests/unit/test_suite_compact.c). */
#include <stdlib.h>

#include "load.h"

typedef struct path_key {
  const void *path; /* the compiled JSONPath: key->aux before compaction */
  gt_node *key;
} path_key;

static int by_path(const void *a, const void *b) {
  const path_key *x = a, *y = b;
  return x->path < y->path ? -1 : x->path > y->path;
}

typedef struct compactor {
  gt_node_arena *arena;
  path_key *keys; /* sorted by path */
  size_t n_keys;
} compactor;

static gt_node *key_of(const compactor *C, const gt_path_template *t) {
  path_key probe = {.path = t->path};
  path_key *k = bsearch(&probe, C->keys, C->n_keys, sizeof *C->keys, by_path);
  return k && k->key->text == t->src ? k->key : NULL;
}

/* ---- check: every jsonpath entry has its key node (before anything moves) ---- */

static bool expect_ok(const compactor *C, const gt_expect *e) {
  for (size_t i = 0; i < e->n_jsonpath; i++)
    if (!key_of(C, &e->jsonpath[i])) return false;
  return true;
}

static bool refs_ok(const compactor *C, const gt_fault_ref *refs, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!expect_ok(C, &refs[i].expect)) return false;
  return true;
}

static bool all_ok(const compactor *C, const gt_suite *s) {
  const gt_profile *p = &s->profile;
  if (!refs_ok(C, p->default_faults, p->n_default_faults)) return false;
  for (int f = 0; f < GT_FAULT_COUNT; f++)
    if (!expect_ok(C, &p->fault_expect[f])) return false;
  for (size_t i = 0; i < s->n_scenarios; i++) {
    const gt_scenario *sc = &s->scenarios[i];
    if (!expect_ok(C, &sc->expect) || !refs_ok(C, sc->faults, sc->n_faults)) return false;
  }
  return true;
}

/* ---- move ---- */

/* The trees are the suite's (built mutable by the loader); the model only
 * sees them const. */
static void mv(const compactor *C, const gt_node **slot) {
  *slot = gt_node_arena_move(C->arena, (gt_node *)*slot);
}

static void move_expect(const compactor *C, gt_expect *e) {
  mv(C, &e->headers);
  mv(C, &e->json);
  mv(C, &e->body);
  for (size_t i = 0; i < e->n_jsonpath; i++) {
    gt_path_template *t = &e->jsonpath[i];
    gt_node *key = gt_node_arena_move(C->arena, key_of(C, t)); /* takes .path along (aux) */
    t->src = key->text;
    mv(C, &t->tmpl);
  }
}

static void move_refs(const compactor *C, gt_fault_ref *refs, size_t n) {
  for (size_t i = 0; i < n; i++)
    move_expect(C, &refs[i].expect);
}

static void move_profile(const compactor *C, gt_profile *p) {
  mv(C, &p->auth.token);
  mv(C, &p->auth.jwt_secret);
  mv(C, &p->auth.jwt_claims);
  mv(C, &p->transport.headers);
  mv(C, &p->errors.shape);
  mv(C, &p->envelope);
  mv(C, &p->limits.rate_limit);
  move_refs(C, p->default_faults, p->n_default_faults);
  for (int f = 0; f < GT_FAULT_COUNT; f++)
    move_expect(C, &p->fault_expect[f]);
}

static void move_scenario(const compactor *C, gt_scenario *sc) {
  gt_request *r = &sc->request;
  mv(C, &r->method);
  mv(C, &r->path);
  mv(C, &r->query);
  mv(C, &r->headers);
  mv(C, &r->body);
  move_expect(C, &sc->expect);
  move_refs(C, sc->faults, sc->n_faults);
  mv(C, &sc->respond);
}

bool ld_compact(loader *L) {
  gt_suite *s = L->suite;
  compactor C = {.n_keys = L->n_jsonpath_keys};
  C.keys = gt_xcalloc(C.n_keys ? C.n_keys : 1, sizeof *C.keys); /* freed below */
  for (size_t i = 0; i < C.n_keys; i++) {
    C.keys[i].path = L->jsonpath_keys[i]->aux;
    C.keys[i].key = L->jsonpath_keys[i];
  }
  qsort(C.keys, C.n_keys, sizeof *C.keys, by_path);
  if (!all_ok(&C, s)) {
    free(C.keys);
    return false; /* nothing moved yet: the suite keeps its trees */
  }
  /* The new arena's root is an empty holder: the copies are not its children
   * (a subtree may be referenced twice); freeing it frees them all. */
  gt_node *holder = gt_node_arena_root(GT_NODE_SEQ, s->file, 1, 1);
  C.arena = gt_node_arena_of(holder);
  mv(&C, &s->base_url);
  mv(&C, &s->default_headers);
  move_profile(&C, &s->profile);
  for (size_t i = 0; i < s->n_scenarios; i++)
    move_scenario(&C, &s->scenarios[i]);
  free(C.keys);
  /* Nothing in the model points into the originals any more. */
  for (size_t i = 0; i < s->n_trees; i++)
    gt_node_free(s->trees[i]);
  s->trees[0] = holder;
  s->n_trees = 1;
  free(L->jsonpath_keys);
  L->jsonpath_keys = NULL;
  L->n_jsonpath_keys = L->cap_jsonpath_keys = 0;
  return true;
}

void ld_note_jsonpath_key(loader *L, gt_node *key) {
  if (L->n_jsonpath_keys == L->cap_jsonpath_keys) {
    L->cap_jsonpath_keys = L->cap_jsonpath_keys ? L->cap_jsonpath_keys * 2 : 64;
    L->jsonpath_keys =
        gt_xrealloc(L->jsonpath_keys, L->cap_jsonpath_keys * sizeof *L->jsonpath_keys);
  }
  L->jsonpath_keys[L->n_jsonpath_keys++] = key;
}
