/* test_node.c — gt_node trees and the YAML 1.2 core-schema reading, through
 * the real YAML reader (gt_yaml_parse) where the source text matters. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "core/node.h"
#include "suite/suite.h"

static gt_node *parse(const char *yaml) {
  gt_err err = {0};
  gt_node *n = gt_yaml_parse("t.yaml", yaml, strlen(yaml), &err);
  cr_assert_not_null(n, "parse failed: %s at %d:%d", err.msg, err.line, err.col);
  return n;
}

static char *json_of(const char *yaml) {
  gt_node *n = parse(yaml);
  cJSON *j = gt_node_to_json(n);
  char *s = cJSON_PrintUnformatted(j);
  cJSON_Delete(j);
  gt_node_free(n);
  return s;
}

#define ASSERT_JSON(yaml, expected)                                                                \
  do {                                                                                             \
    char *got_ = json_of(yaml);                                                                    \
    cr_assert_str_eq(got_, expected, "yaml %s", yaml);                                             \
    free(got_);                                                                                    \
  } while (0)

Test(node, core_schema_plain_scalars) {
  ASSERT_JSON("[~, null, Null, NULL, '']", "[null,null,null,null,\"\"]");
  ASSERT_JSON("a:", "{\"a\":null}");
  ASSERT_JSON("[true, True, TRUE, false, False, FALSE, yes, no, on]",
              "[true,true,true,false,false,false,\"yes\",\"no\",\"on\"]");
  ASSERT_JSON("[0, -12, +7, 1.5, -0.25, 1e3, .5, 2.]", "[0,-12,7,1.5,-0.25,1000,0.5,2]");
  ASSERT_JSON("[0x1F, 1_000, 12abc, 1e, .inf, .nan]",
              "[\"0x1F\",\"1_000\",\"12abc\",\"1e\",\".inf\",\".nan\"]");
}

Test(node, quoted_and_block_scalars_are_strings) {
  ASSERT_JSON("[\"123\", '1.5', \"true\", 'null', \"\"]",
              "[\"123\",\"1.5\",\"true\",\"null\",\"\"]");
  ASSERT_JSON("a: |\n  42\n", "{\"a\":\"42\\n\"}");
  ASSERT_JSON("a: !!str 42\n", "{\"a\":\"42\"}");
}

Test(node, nested_structures_keep_order) {
  ASSERT_JSON("z: 1\na: {b: [1, {c: x}]}\n", "{\"z\":1,\"a\":{\"b\":[1,{\"c\":\"x\"}]}}");
}

Test(node, positions_are_one_based) {
  gt_node *n = parse("a: 1\nb:\n  c: \"x\"\n  d: [1, 2]\n");
  cr_assert_eq(n->line, 1);
  cr_assert_eq(n->col, 1);
  const gt_node *b = gt_node_get(n, "b");
  cr_assert_eq(b->kind, GT_NODE_MAP);
  cr_assert_eq(b->line, 3);
  cr_assert_eq(b->col, 3);
  const gt_node *c = gt_node_get(b, "c");
  cr_assert_eq(c->line, 3);
  cr_assert_eq(c->col, 6);
  cr_assert(c->quoted);
  const gt_node *d = gt_node_get(b, "d");
  cr_assert_eq(d->kind, GT_NODE_SEQ);
  cr_assert_eq(d->col, 6);
  cr_assert_eq(d->items[1]->col, 10);
  cr_assert_str_eq(n->file, "t.yaml");
  gt_node_free(n);
}

Test(node, tags_are_kept_with_the_tag_position) {
  gt_node *n = parse("a: !regex \"^x$\"\nb: !one_of [1, 2]\n");
  const gt_node *a = gt_node_get(n, "a");
  cr_assert_str_eq(a->tag, "!regex");
  cr_assert_str_eq(a->text, "^x$");
  cr_assert_eq(a->col, 4);
  const gt_node *b = gt_node_get(n, "b");
  cr_assert_str_eq(b->tag, "!one_of");
  cr_assert_eq(b->kind, GT_NODE_SEQ);
  cr_assert_eq(b->count, 2);
  gt_node_free(n);
}

Test(node, get_and_get_ci) {
  gt_node *n = parse("Content-Type: a\nX: b\n");
  cr_assert_null(gt_node_get(n, "content-type"));
  cr_assert_str_eq(gt_node_get_ci(n, "content-type")->text, "a");
  cr_assert_str_eq(gt_node_get(n, "X")->text, "b");
  cr_assert_null(gt_node_get(n->items[0], "X"), "a scalar has no keys");
  gt_node_free(n);
}

Test(node, clone_is_deep_and_drops_aux) {
  gt_node *n = parse("a: [1, {b: !len 2}]\n");
  n->items[0]->aux = strdup("x");
  n->items[0]->aux_free = free;
  gt_node *c = gt_node_clone(n);
  cr_assert_null(c->items[0]->aux);
  cr_assert_neq(c->items[0], n->items[0]);
  cr_assert_str_eq(c->items[0]->items[1]->items[0]->tag, "!len");
  gt_node_free(n); /* frees aux too (checked by ASan/valgrind runs) */
  cJSON *j = gt_node_to_json(c);
  char *s = cJSON_PrintUnformatted(j);
  cJSON_Delete(j);
  cr_assert_str_eq(s, "{\"a\":[1,{\"b\":2}]}");
  free(s);
  gt_node_free(c);
}

Test(node, many_items_grow) {
  gt_node *seq = gt_node_new(GT_NODE_SEQ, "f", 1, 1);
  gt_node *map = gt_node_new(GT_NODE_MAP, "f", 1, 1);
  for (int i = 0; i < 100; i++) {
    char t[16];
    snprintf(t, sizeof t, "%d", i);
    gt_node_append(seq, NULL, gt_node_new_scalar(t, false, "f", 1, 1));
    gt_node_append(map, gt_node_new_scalar(t, true, "f", 1, 1),
                   gt_node_new_scalar(t, false, "f", 1, 1));
  }
  cr_assert_eq(seq->count, 100);
  cr_assert_str_eq(seq->items[99]->text, "99");
  cr_assert_str_eq(gt_node_get(map, "57")->text, "57");
  gt_node_free(seq);
  gt_node_free(map);
}

Test(node, from_json_round_trip_keeps_types) {
  cJSON *j =
      cJSON_Parse("{\"s\":\"123\",\"n\":42,\"f\":1.25,\"b\":false,\"z\":null,\"a\":[1,\"x\"]}");
  gt_node *n = gt_node_from_json(j, "cap", 0, 0);
  cr_assert(gt_node_get(n, "s")->quoted);
  cr_assert_not(gt_node_get(n, "n")->quoted);
  cJSON *back = gt_node_to_json(n);
  cr_assert(cJSON_Compare(j, back, true));
  cJSON_Delete(j);
  cJSON_Delete(back);
  gt_node_free(n);
}

Test(node, aliases_expand_to_copies) {
  ASSERT_JSON("base: &h {Accept: json}\nother: *h\n",
              "{\"base\":{\"Accept\":\"json\"},\"other\":{\"Accept\":\"json\"}}");
}

Test(node, empty_document_is_null) {
  gt_node *n = parse("# only a comment\n");
  cr_assert_eq(n->kind, GT_NODE_SCALAR);
  cJSON *j = gt_node_to_json(n);
  cr_assert(cJSON_IsNull(j));
  cJSON_Delete(j);
  gt_node_free(n);
}

static void expect_parse_error(const char *yaml, size_t len, int line, int col, const char *sub) {
  gt_err err = {0};
  gt_node *n = gt_yaml_parse("e.yaml", yaml, len, &err);
  cr_assert_null(n, "expected an error for %s", yaml);
  cr_assert_eq(err.kind, GT_ERR_INPUT);
  cr_assert_str_eq(err.file, "e.yaml");
  cr_assert_eq(err.line, line, "line %d != %d (%s)", err.line, line, err.msg);
  cr_assert_eq(err.col, col, "col %d != %d (%s)", err.col, col, err.msg);
  cr_assert(strstr(err.msg, sub), "'%s' not in '%s'", sub, err.msg);
}

Test(node, yaml_errors_have_positions) {
  expect_parse_error("a: 1\na: 2\n", 10, 2, 1, "duplicate key 'a'");
  expect_parse_error("a:\n\t- x\n", 8, 2, 1, "tab");
  expect_parse_error("a: [1, 2\n", 9, 2, 1, "YAML syntax error");
  expect_parse_error("a: 1\nb: \"\xff\"\n", 11, 2, 5, "malformed UTF-8");
  expect_parse_error("a: 1\n# caf\xc3\n", 11, 2, 6, "malformed UTF-8");
  expect_parse_error("a: 1\n---\nb: 2\n", 14, 2, 1, "one YAML document");
  expect_parse_error("[1]: x\n", 7, 1, 1, "keys must be scalars");
  expect_parse_error("a: *nope\n", 9, 1, 4, "unknown anchor");
  expect_parse_error("a: b\0c\n", 7, 1, 5, "NUL byte");
}
