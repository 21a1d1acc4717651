/* test_openapi_pattern.c — strings synthesized for a schema `pattern`
 * (harness/openapi/pattern.c): every result must match the pattern as the
 * validator reads it (PCRE2, unanchored search as JSON Schema says) and fit
 * the length bounds; patterns from real documents (ReadMe's API URIs with
 * alternation, non-ASCII classes, optional groups), escapes (\d \w \s \x
 * \u, escaped punctuation), negated classes, backreferences, lookaheads
 * and anchors; NULL for what it cannot read (the caller falls back). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "openapi/oa_internal.h"
#include "schema/schema.h"

static bool matches(const char *pattern, const char *value, double min, double max) {
  cJSON *sj = cJSON_CreateObject();
  cJSON_AddStringToObject(sj, "pattern", pattern);
  if (min > 0) cJSON_AddNumberToObject(sj, "minLength", min);
  if (max >= 0) cJSON_AddNumberToObject(sj, "maxLength", max);
  gt_err err = {0};
  gt_schema *s = gt_schema_compile_json(sj, "t", NULL, &err);
  cJSON_Delete(sj);
  cr_assert(s, "%s", err.msg);
  cJSON *v = cJSON_CreateString(value);
  bool ok = gt_schema_valid(s, v);
  cJSON_Delete(v);
  gt_schema_free(s);
  return ok;
}

static void expect_example(const char *pattern, double min, double max) {
  char *v = oa_pattern_example(pattern, min, max, 7);
  cr_expect_not_null(v, "no example for %s", pattern);
  if (v) cr_expect(matches(pattern, v, min, max), "%s does not match %s", v, pattern);
  free(v);
}

Test(openapi_pattern, real_world_patterns_get_a_matching_string) {
  /* ReadMe's API (3.1/yaml/readme.yaml), as written in the document */
  expect_example("\\/changelogs\\/([a-f\\d]{24}|([a-z0-9-_ ]|[^\\\\x00-\\\\x7F])+)", 0, -1);
  expect_example(
      "\\/(versions|branches)\\/((v{0,1})(stable|([0-9]+)(?:\\.([0-9]+))?(?:\\.([0-9]+))?"
      "(-.*)?)(_(.*))?)\\/apis\\/((([a-z0-9-_ ]|[^\\\\x00-\\\\x7F])+.(json|yaml|yml)))",
      0, -1);
  expect_example("^[A-Z]{2}-\\d{4}$", 0, -1);
  expect_example("^\\+?[1-9]\\d{1,14}$", 0, -1); /* E.164 */
  expect_example("^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\.[a-zA-Z]{2,}$", 0, -1);
  expect_example("^#([A-Fa-f0-9]{6}|[A-Fa-f0-9]{3})$", 0, -1);
  expect_example("^(?!-)[a-z0-9-]{1,63}(?<!-)$", 0, -1);
}

Test(openapi_pattern, escapes_classes_and_backreferences) {
  expect_example("^\\x41\\u00e9\\s\\S\\W\\D\\.\\/$", 0, -1);
  expect_example("^[^a-z0-9]{3}$", 0, -1);
  expect_example("^[^\\x00-\\x7F]+$", 0, -1); /* only non-ASCII */
  expect_example("^(ab|cd)-\\1$", 0, -1);
  expect_example("^(?<year>\\d{4})-(?<month>0[1-9]|1[0-2])$", 0, -1);
  expect_example("\\bword\\b", 0, -1);
  expect_example("^[\\w.-]+$", 0, -1);
}

Test(openapi_pattern, length_bounds_are_met) {
  expect_example("^[a-z]+$", 10, 12);
  expect_example("^[a-z]*$", 0, 0);
  expect_example("^x(ab)*$", 7, -1);
  /* no string of the pattern fits: NULL */
  cr_expect_null(oa_pattern_example("^[a-z]{5}$", 0, 3, 1));
}

Test(openapi_pattern, unreadable_patterns_give_null) {
  cr_expect_null(oa_pattern_example("(?i)abc", 0, -1, 1)); /* inline flags */
  cr_expect_null(oa_pattern_example("a**", 0, -1, 1));
  cr_expect_null(oa_pattern_example("[abc", 0, -1, 1));
}
