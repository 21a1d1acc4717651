/* test_vars.c — ${NAME} / ${NAME:-default} expansion: lookup order, defaults,
 * the $${ escape, type fidelity, dotted names, reference collection. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "core/vars.h"
#include "suite/suite.h"

static gt_cli_var cli[] = {
    {"ORDER", "from-cli"}, {"N", "5"}, {"ORDER", "cli-last-wins"}, {"EMPTY", ""}};

typedef struct fixture {
  cJSON *captures, *suite_vars;
  gt_scope scope;
} fixture;

static fixture fx;

static void setup(void) {
  fx.captures = cJSON_Parse("{\"build_id\":\"abc\",\"count\":3,\"ratio\":1.5,\"ok\":true,"
                            "\"str_num\":\"123\",\"obj\":{\"a\":[1,2]},"
                            "\"path\":{\"app_id\":\"A1\",\"deep\":{\"x\":\"X\"}},"
                            "\"path.app_id\":\"whole-key-first\",\"ORDER\":\"from-capture\"}");
  fx.suite_vars = cJSON_Parse("{\"app\":\"from-suite\",\"ORDER\":\"from-suite\",\"num\":7,"
                              "\"GT_TEST_ENV_SHADOW\":\"suite-beats-env\"}");
  fx.scope = (gt_scope){.captures = fx.captures,
                        .cli_vars = cli,
                        .n_cli_vars = 4,
                        .suite_vars = fx.suite_vars,
                        .use_env = true};
  setenv("GT_TEST_ENV", "from-env", 1);
  setenv("GT_TEST_ENV_SHADOW", "env", 1);
}

static void teardown(void) {
  cJSON_Delete(fx.captures);
  cJSON_Delete(fx.suite_vars);
}

TestSuite(vars, .init = setup, .fini = teardown);

static char *expand(const gt_scope *s, const char *text, gt_err *err) {
  gt_buf b;
  gt_buf_init(&b);
  if (!gt_expand_text(s, text, strlen(text), &b, "f.yaml", 3, 7, err)) {
    gt_buf_free(&b);
    return NULL;
  }
  return gt_buf_steal(&b);
}

#define ASSERT_EXPANDS(text, expected)                                                             \
  do {                                                                                             \
    gt_err e_ = {0};                                                                               \
    char *got_ = expand(&fx.scope, text, &e_);                                                     \
    cr_assert_not_null(got_, "%s: %s", text, e_.msg);                                              \
    cr_assert_str_eq(got_, expected);                                                              \
    free(got_);                                                                                    \
  } while (0)

Test(vars, lookup_order_captures_cli_suite_env) {
  ASSERT_EXPANDS("${ORDER}", "from-capture");
  gt_scope no_caps = fx.scope;
  no_caps.captures = NULL;
  gt_err e = {0};
  char *s = expand(&no_caps, "${ORDER}", &e);
  cr_assert_str_eq(s, "cli-last-wins");
  free(s);
  no_caps.n_cli_vars = 0;
  s = expand(&no_caps, "${ORDER}", &e);
  cr_assert_str_eq(s, "from-suite");
  free(s);
  ASSERT_EXPANDS("${GT_TEST_ENV}", "from-env");
  ASSERT_EXPANDS("${GT_TEST_ENV_SHADOW}", "suite-beats-env");
  no_caps.use_env = false;
  cr_assert_null(expand(&no_caps, "${GT_TEST_ENV}", &e), "env must be off");
}

Test(vars, text_rendering_of_typed_values) {
  ASSERT_EXPANDS("/builds/${build_id}?n=${count}&r=${ratio}&ok=${ok}",
                 "/builds/abc?n=3&r=1.5&ok=true");
  ASSERT_EXPANDS("${obj}", "{\"a\":[1,2]}");
  ASSERT_EXPANDS("no refs at all", "no refs at all");
  ASSERT_EXPANDS("", "");
}

Test(vars, defaults) {
  ASSERT_EXPANDS("${MISSING:-https://127.0.0.1:8443}/v1", "https://127.0.0.1:8443/v1");
  ASSERT_EXPANDS("[${MISSING:-}]", "[]");
  ASSERT_EXPANDS("${MISSING:-two words, and: colons}", "two words, and: colons");
  ASSERT_EXPANDS("${app:-unused}", "from-suite");
  ASSERT_EXPANDS("${EMPTY:-unused}", ""); /* defined but empty: not the default */
}

Test(vars, escape_is_literal) {
  ASSERT_EXPANDS("$${app}", "${app}");
  ASSERT_EXPANDS("a$$b $ {x} $", "a$$b $ {x} $");
  ASSERT_EXPANDS("$${app} ${app}", "${app} from-suite");
}

Test(vars, dotted_names) {
  ASSERT_EXPANDS("${path.app_id}", "whole-key-first");
  ASSERT_EXPANDS("${path.deep.x}", "X");
  ASSERT_EXPANDS("${obj.a.1}", "2");
  gt_err e = {0};
  cr_assert_null(expand(&fx.scope, "${path.nope}", &e));
  cr_assert(strstr(e.msg, "path.nope"));
}

Test(vars, undefined_and_malformed_fail_with_position) {
  gt_err e = {0};
  cr_assert_null(expand(&fx.scope, "x ${NOPE} y", &e));
  cr_assert_eq(e.kind, GT_ERR_INPUT);
  cr_assert_str_eq(e.file, "f.yaml");
  cr_assert_eq(e.line, 3);
  cr_assert_eq(e.col, 7);
  cr_assert(strstr(e.msg, "undefined variable 'NOPE'"), "%s", e.msg);
  cr_assert_null(expand(&fx.scope, "${app", &e));
  cr_assert(strstr(e.msg, "unterminated"), "%s", e.msg);
  cr_assert_null(expand(&fx.scope, "${1abc}", &e));
  cr_assert(strstr(e.msg, "invalid variable reference"), "%s", e.msg);
  cr_assert_null(expand(&fx.scope, "${}", &e));
  cr_assert_not(gt_check_var_syntax("${a b}", 6, "f", 1, 1, &e));
  cr_assert(gt_check_var_syntax("$${a b} ${x:-y z}", 17, "f", 1, 1, &e));
}

Test(vars, scope_lookup_types) {
  cJSON *v = gt_scope_lookup(&fx.scope, "count");
  cr_assert(cJSON_IsNumber(v));
  cJSON_Delete(v);
  v = gt_scope_lookup(&fx.scope, "N"); /* --var values are text */
  cr_assert(cJSON_IsString(v));
  cr_assert_str_eq(v->valuestring, "5");
  cJSON_Delete(v);
  cr_assert_null(gt_scope_lookup(&fx.scope, "nothing"));
  cr_assert_null(gt_scope_lookup(NULL, "x"));
}

static char *expand_yaml(const gt_scope *s, const char *yaml, gt_err *e) {
  gt_node *n = gt_yaml_parse("y.yaml", yaml, strlen(yaml), e);
  cr_assert_not_null(n, "%s", e->msg);
  cJSON *j = gt_expand_node(s, n, e);
  gt_node_free(n);
  if (!j) return NULL;
  char *out = cJSON_PrintUnformatted(j);
  cJSON_Delete(j);
  return out;
}

#define ASSERT_NODE(yaml, expected)                                                                \
  do {                                                                                             \
    gt_err e_ = {0};                                                                               \
    char *got_ = expand_yaml(&fx.scope, yaml, &e_);                                                \
    cr_assert_not_null(got_, "%s: %s", yaml, e_.msg);                                              \
    cr_assert_str_eq(got_, expected, "yaml: %s", yaml);                                            \
    free(got_);                                                                                    \
  } while (0)

Test(vars, type_fidelity_for_sole_references) {
  ASSERT_NODE("n: ${count}", "{\"n\":3}");
  ASSERT_NODE("n: \"${count}\"", "{\"n\":3}");     /* quoted or not: the value's type */
  ASSERT_NODE("s: ${str_num}", "{\"s\":\"123\"}"); /* a captured string stays a string */
  ASSERT_NODE("o: ${obj}", "{\"o\":{\"a\":[1,2]}}");
  ASSERT_NODE("b: ${ok}", "{\"b\":true}");
  ASSERT_NODE("v: ${num}", "{\"v\":7}");
}

Test(vars, untyped_text_reads_with_core_schema_only_when_plain) {
  ASSERT_NODE("n: ${N}", "{\"n\":5}");         /* --var N=5, plain: a number */
  ASSERT_NODE("n: \"${N}\"", "{\"n\":\"5\"}"); /* quoted: a string */
  ASSERT_NODE("n: ${MISSING:-12}", "{\"n\":12}");
  ASSERT_NODE("n: ${MISSING:-}", "{\"n\":\"\"}"); /* empty default: empty string, not null */
  ASSERT_NODE("e: ${EMPTY}", "{\"e\":\"\"}");
}

Test(vars, longer_strings_are_text) {
  ASSERT_NODE("p: /apps/${count}", "{\"p\":\"/apps/3\"}");
  ASSERT_NODE("p: \"${count}${count}\"", "{\"p\":\"33\"}");
  ASSERT_NODE("p: ${count}${count}", "{\"p\":33}");
  ASSERT_NODE("p: 'lit $${count}'", "{\"p\":\"lit ${count}\"}");
  ASSERT_NODE("\"k_${build_id}\": [1, \"${build_id}\", null, plain]",
              "{\"k_abc\":[1,\"abc\",null,\"plain\"]}");
}

Test(vars, expand_node_reports_position) {
  gt_err e = {0};
  cr_assert_null(expand_yaml(&fx.scope, "a:\n  b: [1, \"${NOPE}\"]\n", &e));
  cr_assert_eq(e.line, 2);
  cr_assert_eq(e.col, 10);
  cr_assert(strstr(e.msg, "NOPE"));
}

Test(vars, collect_refs) {
  cJSON *names = cJSON_CreateArray();
  const char *t = "${a} ${b:-x} $${c} ${a} ${d.e}";
  gt_collect_var_refs(t, strlen(t), names, false);
  char *s = cJSON_PrintUnformatted(names);
  cr_assert_str_eq(s, "[\"a\",\"d.e\"]");
  free(s);
  gt_collect_var_refs(t, strlen(t), names, true);
  s = cJSON_PrintUnformatted(names);
  cr_assert_str_eq(s, "[\"a\",\"d.e\",\"b\"]");
  free(s);
  cJSON_Delete(names);

  gt_err e = {0};
  const char *yaml = "\"${k}\": [\"${x}\", {y: \"${z:-1}\"}]";
  gt_node *n = gt_yaml_parse("y", yaml, strlen(yaml), &e);
  cr_assert_not_null(n, "%s", e.msg);
  names = cJSON_CreateArray();
  gt_collect_node_var_refs(n, names, false);
  s = cJSON_PrintUnformatted(names);
  cr_assert_str_eq(s, "[\"k\",\"x\"]");
  free(s);
  cJSON_Delete(names);
  gt_node_free(n);
}

/* `!!str`, `!!int`, `!!float`, `!!bool`: the value converted, a sole ${NAME}
 * included; a value that does not convert is an error at the node. */
Test(vars, yaml_core_tags_force_the_type) {
  ASSERT_NODE("s: !!str ${count}", "{\"s\":\"3\"}"); /* a numeric capture, as text */
  ASSERT_NODE("n: !!int \"${N}\"", "{\"n\":5}");     /* --var text, as a number */
  ASSERT_NODE("n: !!int ${str_num}", "{\"n\":123}");
  ASSERT_NODE("f: !!float \"${ratio}\"", "{\"f\":1.5}");
  ASSERT_NODE("b: !!bool \"${ok}\"", "{\"b\":true}");
  ASSERT_NODE("s: !!str 12", "{\"s\":\"12\"}");
  gt_err e = {0};
  cr_assert_null(expand_yaml(&fx.scope, "a:\n  n: !!int \"${build_id}\"\n", &e));
  cr_assert_eq(e.line, 2);
  cr_assert(strstr(e.msg, "!!int: 'abc' is not of that type"), "%s", e.msg);
}

/* JWT claims are expanded as written: a quoted sole reference stays a string. */
Test(vars, quoted_references_as_written) {
  gt_scope s = fx.scope;
  s.quoted_is_text = true;
  gt_err e = {0};
  char *got =
      expand_yaml(&s, "sub: \"${count}\"\nn: ${count}\no: \"${obj}\"\nt: \"${str_num}\"\n", &e);
  cr_assert_not_null(got, "%s", e.msg);
  cr_assert_str_eq(got, "{\"sub\":\"3\",\"n\":3,\"o\":\"{\\\"a\\\":[1,2]}\",\"t\":\"123\"}");
  free(got);
}

/* The shell word a repro command references a secret with: it must expand,
 * from the environment alone, to exactly the value sent. */
Test(vars, template_shell_words_for_repro_commands) {
  setenv("GT_SW_USER", "alice", 1);
  setenv("GT_SW_PASS", "pa ss'w", 1);
  const char *t = "${GT_SW_USER}:${GT_SW_PASS}";
  char *w = gt_template_shell_word(t, strlen(t), "alice:pa ss'w");
  cr_assert_str_eq(w, "\"${GT_SW_USER}\"':'\"${GT_SW_PASS}\"");
  free(w);
  /* a value that is not what the environment gives (a --var won): none */
  cr_assert_null(gt_template_shell_word(t, strlen(t), "bob:other"));
  /* a default the environment does not override is literal text */
  t = "${GT_SW_UNSET:-lit'x}-${GT_SW_USER}";
  w = gt_template_shell_word(t, strlen(t), "lit'x-alice");
  cr_assert_str_eq(w, "'lit'\\''x''-'\"${GT_SW_USER}\"");
  free(w);
  /* no reference at all, or a name the shell cannot spell: none */
  cr_assert_null(gt_template_shell_word("plain", 5, "plain"));
  setenv("GT-SW", "v", 1);
  cr_assert_null(gt_template_shell_word("${GT-SW}", 8, "v"));
  unsetenv("GT_SW_USER");
  unsetenv("GT_SW_PASS");
  unsetenv("GT-SW");
}
