/* JSONPath: each syntax form, document order, negative indices, descendants,
 * compile errors with positions, delete and set. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"

static const char *DOC =
    "{\"store\":{\"book\":[{\"title\":\"A\",\"price\":8},{\"title\":\"B\",\"price\":12},"
    "{\"title\":\"C\",\"price\":9,\"isbn\":\"x\"}],\"bicycle\":{\"color\":\"red\",\"price\":19}},"
    "\"a b\":1,\"it's\":2,\"q\\\"\":3,\"\xc3\xa9t\xc3\xa9\":4,\"empty\":[]}";

/* Evaluates src on DOC and returns the selected values rendered as compact
 * JSON joined by " | " (caller frees). */
static char *sel(const char *src) {
  gt_err err = {0};
  gt_jsonpath *p = gt_jsonpath_compile(src, &err);
  cr_assert_not_null(p, "compile %s: %s (col %d)", src, err.msg, err.col);
  cJSON *doc = cJSON_Parse(DOC);
  cr_assert_not_null(doc);
  const cJSON *out[64];
  size_t n = gt_jsonpath_eval(p, doc, out, 64);
  cr_assert_leq(n, 64);
  gt_buf b;
  gt_buf_init(&b);
  gt_buf_adds(&b, "");
  for (size_t i = 0; i < n; i++) {
    char *s = cJSON_PrintUnformatted(out[i]);
    if (i) gt_buf_adds(&b, " | ");
    gt_buf_adds(&b, s);
    free(s);
  }
  cJSON_Delete(doc);
  gt_jsonpath_free(p);
  return gt_buf_steal(&b);
}

#define EXPECT_SEL(src, want)                                                                      \
  do {                                                                                             \
    char *got_ = sel(src);                                                                         \
    cr_expect_str_eq(got_, want, "%s", src);                                                       \
    free(got_);                                                                                    \
  } while (0)

Test(jsonpath, root) {
  EXPECT_SEL("$.empty", "[]");
}

Test(jsonpath, dot_names) {
  EXPECT_SEL("$.store.bicycle.color", "\"red\"");
  EXPECT_SEL("$.store.nothing", "");
  EXPECT_SEL("$.store.book.title", ""); /* a name on an array selects nothing */
  EXPECT_SEL("$.\xc3\xa9t\xc3\xa9", "4");
}

Test(jsonpath, bracket_names_and_escapes) {
  EXPECT_SEL("$['a b']", "1");
  EXPECT_SEL("$[\"a b\"]", "1");
  EXPECT_SEL("$['it\\'s']", "2");
  EXPECT_SEL("$[\"it's\"]", "2");
  EXPECT_SEL("$['q\"']", "3");
  EXPECT_SEL("$[\"q\\\"\"]", "3");
  EXPECT_SEL("$['\\u00e9t\\u00E9']", "4");
  EXPECT_SEL("$['store']['bicycle']['price']", "19");
}

Test(jsonpath, indices) {
  EXPECT_SEL("$.store.book[0].title", "\"A\"");
  EXPECT_SEL("$.store.book[2].title", "\"C\"");
  EXPECT_SEL("$.store.book[3]", "");
  EXPECT_SEL("$.store.book[-1].title", "\"C\"");
  EXPECT_SEL("$.store.book[-3].title", "\"A\"");
  EXPECT_SEL("$.store.book[-4]", "");
  EXPECT_SEL("$.store[0]", ""); /* an index on an object selects nothing */
}

Test(jsonpath, wildcards_in_document_order) {
  EXPECT_SEL("$.store.book[*].price", "8 | 12 | 9");
  EXPECT_SEL("$.store.book.*.title", "\"A\" | \"B\" | \"C\"");
  EXPECT_SEL("$.store.bicycle.*", "\"red\" | 19");
  EXPECT_SEL("$.empty[*]", "");
}

Test(jsonpath, unions_keep_selector_order) {
  EXPECT_SEL("$.store.book[2,0].title", "\"C\" | \"A\"");
  EXPECT_SEL("$.store.book[0,0].price", "8 | 8");
  EXPECT_SEL("$.store.bicycle['price','color']", "19 | \"red\"");
  EXPECT_SEL("$.store.book[ -1 , 'x' ].title", "\"C\"");
}

Test(jsonpath, descendants) {
  EXPECT_SEL("$..price", "8 | 12 | 9 | 19");
  EXPECT_SEL("$..isbn", "\"x\"");
  EXPECT_SEL("$.store..title", "\"A\" | \"B\" | \"C\"");
  EXPECT_SEL("$..book[1].title", "\"B\"");
  EXPECT_SEL("$..['color','isbn']", "\"x\" | \"red\"");
  char *all = sel("$.store.bicycle..*");
  cr_expect_str_eq(all, "\"red\" | 19");
  free(all);
  char *star = sel("$..[*]");
  char *dot = sel("$..*");
  cr_expect_str_eq(star, dot);
  cr_expect(strstr(star, "\"red\"") != NULL);
  free(star);
  free(dot);
}

Test(jsonpath, count_and_cap) {
  gt_jsonpath *p = gt_jsonpath_compile("$..price", NULL);
  cJSON *doc = cJSON_Parse(DOC);
  const cJSON *out[2];
  cr_expect_eq(gt_jsonpath_eval(p, doc, out, 2), 4); /* total, only 2 stored */
  cr_expect_eq(out[1]->valuedouble, 12);
  cr_expect_eq(gt_jsonpath_count(p, doc), 4);
  cr_expect_eq(gt_jsonpath_eval(p, NULL, out, 2), 0);
  cJSON_Delete(doc);
  gt_jsonpath_free(p);
}

Test(jsonpath, singular_and_source) {
  gt_jsonpath *a = gt_jsonpath_compile("$.a[0]['b']", NULL);
  gt_jsonpath *b = gt_jsonpath_compile("$.a[*]", NULL);
  gt_jsonpath *c = gt_jsonpath_compile("$..a", NULL);
  gt_jsonpath *d = gt_jsonpath_compile("$[0,1]", NULL);
  cr_expect(gt_jsonpath_is_singular(a));
  cr_expect_not(gt_jsonpath_is_singular(b));
  cr_expect_not(gt_jsonpath_is_singular(c));
  cr_expect_not(gt_jsonpath_is_singular(d));
  cr_expect_str_eq(gt_jsonpath_source(a), "$.a[0]['b']");
  gt_jsonpath_free(a);
  gt_jsonpath_free(b);
  gt_jsonpath_free(c);
  gt_jsonpath_free(d);
}

static void expect_error(const char *src, int col, const char *fragment) {
  gt_err err = {0};
  gt_jsonpath *p = gt_jsonpath_compile(src, &err);
  cr_expect_null(p, "%s should not compile", src);
  gt_jsonpath_free(p);
  cr_expect_eq(err.kind, GT_ERR_INPUT, "%s", src);
  cr_expect_eq(err.col, col, "%s: col %d, want %d (%s)", src, err.col, col, err.msg);
  cr_expect(strstr(err.msg, fragment) != NULL, "%s: '%s' lacks '%s'", src, err.msg, fragment);
}

Test(jsonpath, errors_with_positions) {
  expect_error("", 1, "start with '$'");
  expect_error("store.book", 1, "start with '$'");
  expect_error("$.", 3, "expected a name");
  expect_error("$.a.", 5, "expected a name");
  expect_error("$.1abc", 3, "cannot start with a digit");
  expect_error("$.x-request-id", 4, "['the-name']");
  expect_error("$[", 3, "unterminated");
  expect_error("$['a'", 6, "unterminated");
  expect_error("$['abc", 3, "unterminated string");
  expect_error("$[abc]", 3, "must be quoted");
  expect_error("$[01]", 3, "leading zeros");
  expect_error("$[-0]", 3, "-0");
  expect_error("$[1:2]", 4, "slices");
  expect_error("$[?@.a]", 3, "filter");
  expect_error("$[]", 3, "empty brackets");
  expect_error("$[0 1]", 5, "expected ',' or ']'");
  expect_error("$['\\q']", 4, "invalid escape");
  expect_error("$['\\u12']", 8, "four hex digits"); /* at the first non-hex char */
  expect_error("$['\\ud800']", 4, "surrogate");
  expect_error("$[99999999999999999]", 3, "out of range");
  expect_error("$a", 2, "expected '.', '..' or '['");
  expect_error("$.a ", 4, "trailing blank");
  expect_error("$...a", 4, "expected a name");
  expect_error("$.a-b", 4, "(at character 4)"); /* the loader shows the message as is */
}

Test(jsonpath, delete_nodes) {
  cJSON *doc = cJSON_Parse(DOC);
  gt_jsonpath *p = gt_jsonpath_compile("$.store.book[*].price", NULL);
  cr_expect_eq(gt_jsonpath_delete(p, doc), 3);
  cr_expect_eq(gt_jsonpath_count(p, doc), 0);
  gt_jsonpath_free(p);
  /* overlapping selections (parents and children, duplicates) are safe */
  p = gt_jsonpath_compile("$..*", NULL);
  size_t before = gt_jsonpath_count(p, doc);
  cr_expect_eq(gt_jsonpath_delete(p, doc), before);
  cr_expect_eq(cJSON_GetArraySize(doc), 0);
  gt_jsonpath_free(p);
  p = gt_jsonpath_compile("$", NULL);
  cr_expect_eq(gt_jsonpath_delete(p, doc), 0); /* the root stays */
  gt_jsonpath_free(p);
  cJSON_Delete(doc);

  doc = cJSON_Parse("[1,2,3]");
  p = gt_jsonpath_compile("$[0,0,-1]", NULL);
  cr_expect_eq(gt_jsonpath_delete(p, doc), 2);
  char *s = cJSON_PrintUnformatted(doc);
  cr_expect_str_eq(s, "[2]");
  free(s);
  gt_jsonpath_free(p);
  cJSON_Delete(doc);
}

Test(jsonpath, set_nodes) {
  cJSON *doc = cJSON_Parse("{\"a\":{\"b\":[1,2]},\"c\":\"x\"}");
  cJSON *val = cJSON_Parse("{\"t\":true}");
  gt_jsonpath *p = gt_jsonpath_compile("$..*", NULL);
  cr_expect_eq(gt_jsonpath_set(p, doc, val), 5);
  char *s = cJSON_PrintUnformatted(doc);
  cr_expect_str_eq(s, "{\"a\":{\"t\":true},\"c\":{\"t\":true}}");
  free(s);
  gt_jsonpath_free(p);

  p = gt_jsonpath_compile("$", NULL);
  cJSON *num = cJSON_CreateNumber(7);
  cr_expect_eq(gt_jsonpath_set(p, doc, num), 1);
  cr_expect(cJSON_IsNumber(doc));
  cr_expect_eq(doc->valuedouble, 7);
  gt_jsonpath_free(p);

  cJSON_Delete(doc);
  cJSON_Delete(val);
  cJSON_Delete(num);
}

Test(jsonpath, set_keeps_keys) {
  cJSON *doc = cJSON_Parse("{\"n\":5,\"s\":\"x\"}");
  cJSON *val = cJSON_CreateString("wrong");
  gt_jsonpath *p = gt_jsonpath_compile("$.n", NULL);
  cr_expect_eq(gt_jsonpath_set(p, doc, val), 1);
  char *s = cJSON_PrintUnformatted(doc);
  cr_expect_str_eq(s, "{\"n\":\"wrong\",\"s\":\"x\"}");
  free(s);
  gt_jsonpath_free(p);
  cJSON_Delete(doc);
  cJSON_Delete(val);
}

Test(jsonpath, hostile_growth_is_bounded) {
  /* A wide doc and nested descendant segments: must finish and stay capped. */
  gt_buf b;
  gt_buf_init(&b);
  gt_buf_adds(&b, "[");
  for (int i = 0; i < 2000; i++)
    gt_buf_printf(&b, "%s[[[1,2,3]]]", i ? "," : "");
  gt_buf_adds(&b, "]");
  cJSON *doc = cJSON_Parse(b.data);
  gt_buf_free(&b);
  gt_jsonpath *p = gt_jsonpath_compile("$..*..*..*..*", NULL);
  size_t n = gt_jsonpath_count(p, doc);
  cr_expect_gt(n, 0);
  gt_jsonpath_free(p);
  cJSON_Delete(doc);
}

Test(jsonpath, put_creates_objects_on_a_names_only_path) {
  gt_err err = {0};
  cJSON *doc = cJSON_Parse("{\"a\":{\"x\":1},\"s\":\"t\"}");
  cJSON *v = cJSON_CreateNumber(3);
  gt_jsonpath *p = gt_jsonpath_compile("$.a['b c'].d", &err);
  cr_assert(p, "%s", err.msg);
  cr_assert(gt_jsonpath_put(p, doc, v));
  gt_jsonpath_free(p);
  char *out = cJSON_PrintUnformatted(doc);
  cr_assert_str_eq(out, "{\"a\":{\"x\":1,\"b c\":{\"d\":3}},\"s\":\"t\"}");
  free(out);
  /* Not names only, or through a non-object: false, doc untouched. */
  const char *refused[] = {"$.list[0]", "$..a", "$.a[*]", "$.s.deeper", "$"};
  for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
    p = gt_jsonpath_compile(refused[i], &err);
    cr_assert(p, "%s: %s", refused[i], err.msg);
    cr_assert_not(gt_jsonpath_put(p, doc, v), "%s", refused[i]);
    gt_jsonpath_free(p);
  }
  out = cJSON_PrintUnformatted(doc);
  cr_assert_str_eq(out, "{\"a\":{\"x\":1,\"b c\":{\"d\":3}},\"s\":\"t\"}");
  free(out);
  cJSON_Delete(v);
  cJSON_Delete(doc);
}
