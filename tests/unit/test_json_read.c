/* test_json_read.c — the JSON reader (harness/suite/json_read.c) builds the
 * tree the YAML reader builds from the same text (kinds, quoting, text,
 * positions), and rejects what is not strict JSON at FILE:LINE:COL. */
#include <criterion/criterion.h>
#include <string.h>

#include "suite/suite.h"

/* Both trees: same shape, scalar text and quoting, same positions. */
static void same_tree(const gt_node *a, const gt_node *b, const char *where) {
  cr_assert_eq(a->kind, b->kind, "%s: kind", where);
  cr_expect_eq(a->line, b->line, "%s: line %d vs %d", where, a->line, b->line);
  cr_expect_eq(a->col, b->col, "%s: col %d vs %d", where, a->col, b->col);
  if (a->kind == GT_NODE_SCALAR) {
    cr_expect_eq(a->text_len, b->text_len, "%s: length", where);
    cr_expect(!memcmp(a->text, b->text, a->text_len), "%s: '%s' vs '%s'", where, a->text, b->text);
    cr_expect_eq(a->quoted, b->quoted, "%s: quoted", where);
    return;
  }
  cr_assert_eq(a->count, b->count, "%s: count", where);
  for (size_t i = 0; i < a->count; i++) {
    if (a->keys) same_tree(a->keys[i], b->keys[i], a->keys[i]->text);
    same_tree(a->items[i], b->items[i], a->keys ? a->keys[i]->text : where);
  }
}

Test(json_read, same_tree_as_the_yaml_reader) {
  static const char text[] = "{\n"
                             "  \"openapi\": \"3.0.3\",\n"
                             "  \"n\": [1, -2.5e3, 0, true, false, null, \"\"],\n"
                             "  \"s\": \"caf\xc3\xa9 \\u00e9\\n\\\"\\\\\\/\\ud83d\\ude00\",\n"
                             "  \"nested\": {\"a\": {\"b\": []}, \"c\": {}},\n"
                             "\t\"tab\": \"x\"\r\n"
                             "}\n";
  gt_err e;
  gt_node *j = gt_json_parse("a.json", text, strlen(text), &e);
  cr_assert_not_null(j, "%d:%d: %s", e.line, e.col, e.msg);
  gt_node *y = gt_yaml_parse("a.json", text, strlen(text), &e);
  cr_assert_not_null(y, "%d:%d: %s", e.line, e.col, e.msg);
  same_tree(j, y, "root");
  cr_expect_str_eq(gt_node_get(j, "s")->text, "caf\xc3\xa9 \xc3\xa9\n\"\\/\xf0\x9f\x98\x80");
  gt_node_free(j);
  gt_node_free(y);
}

static void expect_error(const char *text, const char *want) {
  gt_err e;
  gt_node *n = gt_json_parse("bad.json", text, strlen(text), &e);
  if (n) gt_node_free(n);
  cr_assert_null(n, "accepted: %s", text);
  char got[1200];
  gt_err_format(&e, got, sizeof got);
  cr_expect(strstr(got, want), "%s: got %s", text, got);
}

Test(json_read, what_is_not_json_is_an_error_at_line_and_column) {
  expect_error("{\"a\": 1,}", "bad.json:1:9: JSON syntax error: a trailing comma before '}'");
  expect_error("[1, 2,]", "bad.json:1:7: JSON syntax error: a trailing comma before ']'");
  expect_error("{\n  \"a\": [1, 2",
               "bad.json:2:13: JSON syntax error: the text ends inside an array");
  expect_error("{\"a\": \"x\ty\"}", "bad.json:1:9: JSON syntax error: a control character");
  expect_error("{\"a\": \"\\ud800\"}", "bad.json:1:8: JSON syntax error: a \\u high surrogate");
  expect_error("{\"a\": 'x'}",
               "bad.json:1:7: JSON syntax error: single-quoted strings are not JSON");
  expect_error("{a: 1}", "bad.json:1:2: JSON syntax error: expected a string key");
  expect_error("{\"a\": 01}", "bad.json:1:8: JSON syntax error: expected ',' or '}'");
  expect_error("{\"a\": 1.}",
               "bad.json:1:7: JSON syntax error: a digit must follow the decimal point");
  expect_error("{\"a\": 1} x", "bad.json:1:10: JSON syntax error: text after the value");
  expect_error("// c\n{}", "bad.json:1:1: JSON syntax error: expected a value");
  expect_error("", "bad.json:1:1: JSON syntax error: expected a value, got the end of the text");
  expect_error("{\"a\": 1,\n \"a\": 2}",
               "bad.json:2:2: duplicate key 'a' (first defined at line 1)");
  expect_error("{\"a\": \"\xc3\x28\"}",
               "bad.json:1:8: JSON syntax error: malformed UTF-8 in a string");
  /* nesting is bounded (no stack exhaustion on hostile input) */
  char deep[512];
  memset(deep, '[', sizeof deep - 1);
  deep[sizeof deep - 1] = 0;
  expect_error(deep, "JSON syntax error: nested deeper than 200 levels");
}
