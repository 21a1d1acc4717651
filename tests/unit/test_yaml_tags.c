/* test_yaml_tags.c — tags glued to `]`, `}` or `,` in flow collections
 * (libfyaml 0.7.12 reads `[[!integer]]` as the tag "!integer]" or fails):
 * gt_yaml_parse reads what was meant and keeps every FILE:LINE:COL as written. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "core/node.h"
#include "suite/suite.h"
#include "suite/yaml_tagfix.h"

static gt_node *parse(const char *yaml) {
  gt_err err = {0};
  gt_node *n = gt_yaml_parse("t.yaml", yaml, strlen(yaml), &err);
  cr_assert_not_null(n, "`%s`: %s at %d:%d", yaml, err.msg, err.line, err.col);
  return n;
}

/* 1-based column of the first occurrence of needle on its line. */
static int col_of(const char *text, const char *needle) {
  const char *p = strstr(text, needle);
  cr_assert(p, "%s not in %s", needle, text);
  const char *bol = p;
  while (bol > text && bol[-1] != '\n')
    bol--;
  return (int)(p - bol) + 1;
}

static void expect_tag(const gt_node *n, const char *tag, int col) {
  cr_assert_not_null(n);
  cr_expect_str_eq(n->tag ? n->tag : "(none)", tag);
  cr_expect_eq(n->col, col, "%s at column %d, expected %d", tag, n->col, col);
}

Test(yaml_tags, seq_in_map) {
  const char *y = "{a: [1, !integer], b: !regex x}";
  gt_node *n = parse(y);
  const gt_node *a = gt_node_get(n, "a");
  cr_assert_eq(a->count, 2);
  expect_tag(a->items[1], "!integer", col_of(y, "!integer"));
  /* after the insertion point on the same line, columns are as written */
  expect_tag(gt_node_get(n, "b"), "!regex", col_of(y, "!regex"));
  cr_expect_str_eq(gt_node_get(n, "b")->text, "x");
  gt_node_free(n);
}

Test(yaml_tags, nested_seqs_and_commas) {
  gt_node *n = parse("[[!integer]]");
  cr_assert_eq(n->count, 1);
  cr_assert_eq(n->items[0]->count, 1);
  expect_tag(n->items[0]->items[0], "!integer", 3);
  gt_node_free(n);

  const char *y = "json: [!string,!integer]\nx: [[!a], [!b,!c]]";
  n = parse(y);
  const gt_node *j = gt_node_get(n, "json");
  cr_assert_eq(j->count, 2);
  expect_tag(j->items[0], "!string", col_of(y, "!string"));
  expect_tag(j->items[1], "!integer", col_of(y, "!integer"));
  const gt_node *x = gt_node_get(n, "x");
  cr_assert_eq(x->count, 2);
  expect_tag(x->items[1]->items[1], "!c", col_of(y, "!c"));
  cr_expect_eq(x->items[1]->items[1]->line, 2);
  gt_node_free(n);
}

Test(yaml_tags, trailing_comma_is_not_part_of_the_tag) {
  gt_node *n = parse("[!integer,]");
  cr_assert_eq(n->count, 1);
  expect_tag(n->items[0], "!integer", 2);
  gt_node_free(n);
}

Test(yaml_tags, columns_count_characters) {
  /* Eight 2-byte characters: counted in bytes, the insertion would sit past
   * "b" and leave its column shifted. */
  const char *e8 = "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9";
  char y[128];
  snprintf(y, sizeof y, "{%s: [[!a]], b: !regex x}", e8);
  gt_node *n = parse(y);
  expect_tag(gt_node_get(n, e8)->items[0]->items[0], "!a", 14);
  cr_expect_eq(n->keys[1]->col, 20, "key b at column %d", n->keys[1]->col);
  expect_tag(gt_node_get(n, "b"), "!regex", 23);
  gt_node_free(n);
}

Test(yaml_tags, errors_after_the_fix_point_where_written) {
  /* The fixed text still has an error: it is reported at the column of the
   * text as written (the stray ':' of "b: :"?) — compare with the same error
   * without any glued tag. */
  const char *glued = "{a: [[!integer]], b: [1, 2}";
  const char *plain = "{a: [[!integer ]], b: [1, 2}";
  gt_err e1 = {0}, e2 = {0};
  cr_assert_null(gt_yaml_parse("t.yaml", glued, strlen(glued), &e1));
  cr_assert_null(gt_yaml_parse("t.yaml", plain, strlen(plain), &e2));
  cr_expect_eq(e1.line, e2.line);
  cr_expect_eq(e1.col, e2.col - 1, "glued %d:%d, spaced %d:%d", e1.line, e1.col, e2.line, e2.col);
  cr_expect_str_eq(e1.msg, e2.msg);
}

Test(yaml_tags, quoted_comments_and_block_scalars_untouched) {
  gt_tagfix fix;
  const char *y = "a: \"[[!x]]\"\nb: '[[!y]]'\nc: [1] # [[!z]]\nd: |\n  [[!w]]\n  x\ne: [a!b]\n";
  cr_expect_eq(gt_yaml_tagfix(y, strlen(y), &fix), 0);
  cr_expect_str_eq(fix.text, y);
  gt_tagfix_free(&fix);
  gt_node *n = parse(y);
  cr_expect_str_eq(gt_node_get(n, "a")->text, "[[!x]]");
  cr_expect_str_eq(gt_node_get(n, "d")->text, "[[!w]]\nx\n");
  cr_expect_str_eq(gt_node_get(n, "e")->items[0]->text, "a!b");
  gt_node_free(n);
}

Test(yaml_tags, fix_inserts_one_space_per_glued_tag) {
  gt_tagfix fix;
  const char *y = "k: {a: [1, !integer], b: [[!x]], c: &anc !y}\n";
  cr_assert_eq(gt_yaml_tagfix(y, strlen(y), &fix), 3);
  cr_expect_str_eq(fix.text, "k: {a: [1, !integer ], b: [[!x ]], c: &anc !y }\n");
  cr_expect_eq(fix.line[0], 1);
  cr_expect_eq(fix.col[0], col_of(y, "], b"));
  /* a column of the fixed text maps back to the text as written */
  cr_expect_eq(gt_tagfix_col(&fix, 1, col_of(fix.text, "b:")), col_of(y, "b:"));
  cr_expect_eq(gt_tagfix_col(&fix, 1, col_of(fix.text, "c:")), col_of(y, "c:"));
  cr_expect_eq(gt_tagfix_col(&fix, 2, 5), 5);
  gt_tagfix_free(&fix);
}

Test(yaml_tags, suite_fixture_loads) {
  gt_load_opts o = {0};
  gt_err err = {0};
  gt_suite *s = gt_suite_load(SOURCE_DIR "/tests/fixtures/yaml-tags/glued_tags.yaml", &o, &err);
  cr_assert_not_null(s, "%s:%d:%d: %s", err.file, err.line, err.col, err.msg);
  gt_suite_free(s);
}
