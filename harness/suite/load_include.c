/* load_include.c — `include:` (fragment files a suite shares with others).
 *
 * A suite's `include: [common/auth.yaml, ...]` names fragment files
 * (relative to the including file). Each fragment is a mapping that may hold
 * variables:, defaults:, scenarios:, profile: and include: of its own. The
 * loader sees the suite as "parts": every fragment root, depth-first in file
 * order (a fragment's own includes before it), then the suite's root last.
 * Each part's nodes keep their own FILE:LINE:COL, so every diagnostic points
 * into the file where the text is.
 *
 * A file included twice (not a cycle: a.yaml and b.yaml both include
 * common.yaml) is read once, at its first place. A file that includes itself,
 * directly or through others, is a load error naming the chain.
 *
 * The scenarios of all parts become one list: the items move into the
 * suite's own `scenarios` sequence (fragments first), and the fragments'
 * sequences are emptied, so that each scenario node has exactly one parent
 * and the loader (and compaction, load_compact.c) sees one list as before.
 * The suite's tree is suite->trees[0] and is freed before the fragment trees,
 * whose arenas hold the moved items: the order in suite->trees matters. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "load.h"

#define MAX_INCLUDE_DEPTH 32

static const char *const fragment_keys[] = {"include", "variables", "defaults", "scenarios",
                                            "profile", "x-*",       NULL};

typedef struct includer {
  loader *L;
  char **seen; /* canonical paths of every file read so far (the suite's first) */
  size_t n_seen;
  const char *stack[MAX_INCLUDE_DEPTH + 1]; /* files on the current include chain (display) */
  char *stack_id[MAX_INCLUDE_DEPTH + 1];    /* their canonical paths */
  int depth;
  gt_node **parts; /* heap: fragment roots then the suite root */
  size_t n_parts;
} includer;

/* A stable identity for a file: its real path, or the name as given when it
 * has none (a suite loaded from memory). Caller frees. */
static char *file_id(const char *path) {
  char buf[PATH_MAX];
  return realpath(path, buf) ? gt_xstrdup(buf) : gt_xstrdup(path);
}

static bool seen_before(const includer *I, const char *id) {
  for (size_t i = 0; i < I->n_seen; i++)
    if (!strcmp(I->seen[i], id)) return true;
  return false;
}

static void add_part(includer *I, gt_node *root) {
  I->parts = gt_xrealloc(I->parts, (I->n_parts + 1) * sizeof *I->parts);
  I->parts[I->n_parts++] = root;
}

static bool report_cycle(includer *I, const gt_node *item, const char *id) {
  gt_buf chain;
  gt_buf_init(&chain);
  int from = 0;
  while (from < I->depth && strcmp(I->stack_id[from], id))
    from++;
  for (int d = from; d < I->depth; d++)
    gt_buf_printf(&chain, "%s%s", d == from ? "" : " includes ", I->stack[d]);
  gt_buf_printf(&chain, " includes %s", I->stack[from]);
  bool r = ld_fail(I->L, item, "include cycle: %s", chain.data);
  gt_buf_free(&chain);
  return r;
}

static bool include_list(includer *I, const gt_node *list);

/* Reads, parses and checks one fragment, then its own includes, then adds it. */
static bool include_file(includer *I, const gt_node *item) {
  loader *L = I->L;
  if (!ld_want_scalar(L, item, "include") || !ld_plain_data(L, item, "include")) return false;
  char *path = ld_resolve_relative(item->file, item->text);
  ld_keep_file(L, path); /* the suite owns it: the fragment's nodes point at it */
  char *id = file_id(path);
  for (int d = 0; d < I->depth; d++)
    if (!strcmp(I->stack_id[d], id)) {
      bool r = report_cycle(I, item, id);
      free(id);
      return r;
    }
  if (seen_before(I, id)) { /* already read at its first place */
    free(id);
    return true;
  }
  I->seen = gt_xrealloc(I->seen, (I->n_seen + 1) * sizeof *I->seen);
  I->seen[I->n_seen++] = id; /* freed with I->seen */
  if (I->depth >= MAX_INCLUDE_DEPTH)
    return ld_fail(L, item, "include: more than %d levels of nested includes", MAX_INCLUDE_DEPTH);
  gt_node *root = ld_read_tree(L, item, path, "include: cannot read");
  if (!root) return false; /* kept after the suite's tree: freed after it */
  if (root->kind != GT_NODE_MAP)
    return ld_fail(L, root,
                   "an included file must be a mapping (variables:, defaults:, scenarios:, "
                   "profile:, include:), got %s",
                   ld_kind(root));
  if (!ld_check_keys(L, root, fragment_keys, "an included file")) return false;
  I->stack[I->depth] = path;
  I->stack_id[I->depth] = id;
  I->depth++;
  bool ok = include_list(I, gt_node_get(root, "include"));
  I->depth--;
  if (ok) add_part(I, root);
  return ok;
}

/* The caller's fragment given as text (gt_load_opts.extra_fragment), as a
 * last included file. */
static bool include_text(includer *I) {
  loader *L = I->L;
  char *name = gt_xstrdup(L->opts->extra_name ? L->opts->extra_name : "(fragment)");
  ld_keep_file(L, name); /* the suite owns it: the fragment's nodes point at it */
  gt_node *root = gt_yaml_parse(name, L->opts->extra_fragment, L->opts->extra_fragment_len, L->err);
  if (!root) return false;
  ld_keep_tree(L, root); /* after the suite's tree: freed after it */
  if (root->kind != GT_NODE_MAP)
    return ld_fail(L, root, "a fragment must be a mapping (scenarios:, ...), got %s",
                   ld_kind(root));
  if (!ld_check_keys(L, root, fragment_keys, "a fragment")) return false;
  add_part(I, root);
  return true;
}

static bool include_list(includer *I, const gt_node *list) {
  if (!list || ld_is_null(list)) return true;
  if (list->kind == GT_NODE_SCALAR) return include_file(I, list); /* include: one.yaml */
  if (!ld_want_seq(I->L, list, "include")) return false;
  for (size_t i = 0; i < list->count; i++)
    if (!include_file(I, list->items[i])) return false;
  return true;
}

bool ld_includes(loader *L, gt_node *root, gt_node ***parts, size_t *n_parts) {
  includer I = {.L = L};
  char *id = file_id(L->suite->file);
  I.seen = gt_xcalloc(1, sizeof *I.seen);
  I.seen[I.n_seen++] = id;
  I.stack[0] = L->suite->file;
  I.stack_id[0] = id;
  I.depth = 1;
  bool ok = include_list(&I, gt_node_get(root, "include"));
  if (ok && L->opts->extra_fragment) ok = include_text(&I);
  for (size_t i = 0; i < I.n_seen; i++)
    free(I.seen[i]);
  free(I.seen);
  add_part(&I, root); /* the suite itself comes last */
  *parts = I.parts;
  *n_parts = I.n_parts;
  return ok;
}

/* ---- scenarios: one list ---- */

gt_node *ld_join_scenarios(loader *L, gt_node *root, gt_node *const *parts, size_t n_parts) {
  gt_node *own = gt_node_get_mut(root, "scenarios");
  if (own && !ld_want_seq(L, own, "scenarios")) return NULL;
  size_t from_fragments = 0;
  for (size_t p = 0; p + 1 < n_parts; p++) {
    const gt_node *list = gt_node_get(parts[p], "scenarios");
    if (!list || ld_is_null(list)) continue;
    if (!ld_want_seq(L, list, "scenarios")) return NULL;
    from_fragments += list->count;
  }
  L->n_included_scenarios = from_fragments;
  if (from_fragments == 0 && own) return own;
  if (from_fragments == 0 && !ld_derives_missing(root)) {
    ld_fail(L, root, "missing required key 'scenarios'");
    return NULL;
  }
  if (!own) { /* only fragments (or the document) have scenarios: the suite gets the list */
    own = gt_node_new(GT_NODE_SEQ, root->file, root->line, root->col);
    gt_node_append(root, gt_node_new_scalar("scenarios", false, root->file, root->line, root->col),
                   own);
  }
  size_t n_own = own->count;
  gt_node **mine = gt_xcalloc(n_own ? n_own : 1, sizeof *mine);
  if (n_own) memcpy(mine, own->items, n_own * sizeof *mine);
  own->count = 0;
  for (size_t p = 0; p + 1 < n_parts; p++) {
    gt_node *list = gt_node_get_mut(parts[p], "scenarios");
    if (!list || ld_is_null(list)) continue;
    for (size_t i = 0; i < list->count; i++)
      gt_node_append(own, NULL, list->items[i]);
    list->count = 0; /* the suite's list owns them now */
  }
  for (size_t i = 0; i < n_own; i++)
    gt_node_append(own, NULL, mine[i]);
  free(mine);
  return own;
}

/* ---- names defined twice ---- */

bool ld_defined_twice(loader *L, const gt_node *again, const gt_node *first, const char *what) {
  return ld_fail(L, again, "%s is defined twice: here and at %s:%d:%d", what, first->file,
                 first->line, first->col);
}

bool ld_unique_keys(loader *L, gt_node *const *parts, size_t n_parts, const char *section,
                    const char *sub, const char *what, bool ignore_case) {
  for (size_t p = 1; p < n_parts; p++) {
    const gt_node *map = gt_node_get(parts[p], section);
    if (sub) map = gt_node_get(map, sub);
    if (!map || map->kind != GT_NODE_MAP) continue;
    for (size_t q = 0; q < p; q++) {
      const gt_node *earlier = gt_node_get(parts[q], section);
      if (sub) earlier = gt_node_get(earlier, sub);
      if (!earlier || earlier->kind != GT_NODE_MAP) continue;
      for (size_t i = 0; i < map->count; i++)
        for (size_t j = 0; j < earlier->count; j++) {
          const char *a = map->keys[i]->text, *b = earlier->keys[j]->text;
          if (ignore_case ? strcasecmp(a, b) : strcmp(a, b)) continue;
          char *name = gt_xasprintf("%s '%s'", what, a);
          bool r = ld_defined_twice(L, map->keys[i], earlier->keys[j], name);
          free(name);
          return r;
        }
    }
  }
  return true;
}
