/* test_node_arena.c — the arena behind loaded trees: progressive release of
 * blocks between two allocations (what lets a 100k-scenario suite load
 * under 200 MB), and that what lies outside the range stays intact. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/node.h"

static gt_node *text_node(gt_node_arena *a, const char *text) {
  gt_node *n = gt_node_arena_new(a, GT_NODE_SCALAR, "t.yaml", 1, 1);
  n->text = gt_node_arena_strndup(a, text, strlen(text));
  n->text_len = strlen(text);
  return n;
}

Test(node_arena, release_between_frees_the_middle_blocks_only) {
  gt_node *root = gt_node_arena_root(GT_NODE_MAP, "t.yaml", 1, 1);
  gt_node_arena *a = gt_node_arena_of(root);
  cr_assert_not_null(a);
  gt_node *before = text_node(a, "kept before");
  char filler[1000];
  memset(filler, 'x', sizeof filler - 1);
  filler[sizeof filler - 1] = 0;
  for (int i = 0; i < 4000; i++)
    text_node(a, filler); /* several blocks, never read again */
  gt_node *after = text_node(a, "kept after");
  size_t full = gt_node_arena_bytes(a);

  cr_assert_eq(gt_node_arena_release_between(a, after, before), 0, "reversed range frees nothing");
  size_t freed = gt_node_arena_release_between(a, before, after);
  cr_assert_gt(freed, 2u * 1000 * 1000, "most of the ~4 MB filler is given back (%zu)", freed);
  cr_assert_eq(gt_node_arena_bytes(a), full - freed);
  cr_assert_str_eq(before->text, "kept before");
  cr_assert_str_eq(after->text, "kept after");
  /* More allocations after a release still work. */
  gt_node *later = text_node(a, "later");
  cr_assert_str_eq(later->text, "later");
  gt_node_free(root); /* ASan: no double free, no leak */
}
