/* test_yaml_squote.c — single-quoted YAML scalars are decoded by the loader
 * itself (libfyaml 0.7.12 leaks on them; see harness/suite/yaml_squote.h):
 * the decoder against YAML 1.2.2's rules and examples, and through a load. */
#include <criterion/criterion.h>
#include <string.h>

#include "suite/yaml_squote.h"
#include "suite/suite.h"

static void expect_decoded(const char *raw, const char *want) {
  size_t len = strlen(raw);
  char out[256];
  cr_assert(len <= sizeof out);
  size_t n = gt_yaml_single_quoted(raw, len, out);
  cr_expect(n == strlen(want) && memcmp(out, want, n) == 0, "'%s' decoded to [%.*s], want [%s]",
            raw, (int)n, out, want);
}

Test(yaml_squote, escapes_and_plain_text) {
  expect_decoded("", "");
  expect_decoded("it''s", "it's");
  expect_decoded("''''''", "'''");
  expect_decoded("  kept  white  ", "  kept  white  ");
  expect_decoded("a \"double\" \\n", "a \"double\" \\n"); /* no other escapes in single quotes */
}

Test(yaml_squote, line_folding) {
  expect_decoded("a\n  b", "a b");
  expect_decoded("a  \n\t b", "a b");
  expect_decoded("a\n\nb", "a\nb");
  expect_decoded("a  \n  \n \n  b", "a\n\nb");
  expect_decoded("a\r\nb", "a b");
  expect_decoded("a\n  ", "a ");
  /* YAML 1.2.2 example 7.9 */
  expect_decoded(" 1st non-empty\n\n 2nd non-empty \n\t3rd non-empty ",
                 " 1st non-empty\n2nd non-empty 3rd non-empty ");
}

Test(yaml_squote, loaded_values_match_the_decoder) {
  const char *text =
      "a: 'it''s'\n"
      "b: ''''''''''''''''''''''''''''''''\n" /* 15 escapes: the fuzz input's shape */
      "c: 'one\n  two\n\n  three'\n"
      "d: !!str '7'\n";
  gt_err err = {0};
  gt_node *root = gt_yaml_parse("t.yaml", text, strlen(text), &err);
  cr_assert(root, "%s", err.msg);
  const char *want[][2] = {
      {"a", "it's"}, {"b", "'''''''''''''''"}, {"c", "one two\nthree"}, {"d", "7"}};
  for (size_t i = 0; i < 4; i++) {
    const gt_node *v = gt_node_get(root, want[i][0]);
    cr_assert(v, "no %s", want[i][0]);
    cr_expect_str_eq(v->text, want[i][1], "%s", want[i][0]);
  }
  gt_node_free(root);
}
