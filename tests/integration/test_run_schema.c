/* test_run_schema.c — JSON Schema in suites (docs/schema.md "In suites"), through the
 * real gauntlet binary against target_api: expect.schema inline and by $ref,
 * schema_dialect and $schema, errors.schema, schemas in fault expectations,
 * strict_formats / --strict-formats, and a bad schema as a load error (exit 2).
 * Fixtures: tests/fixtures/integration/schema/. Every case's outcome and every
 * failure's message is asserted exactly. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#define FIXTURES SOURCE_DIR "/tests/fixtures/integration/schema"

static char *dir;
static ts_target target;
static int port;

static void start(const char *const extra[]) {
  dir = ts_tempdir();
  cr_assert(dir);
  cr_assert(ts_api_start(&target, dir, &port, extra), "target_api did not start");
}

static void setup(void) {
  start(NULL);
}

static void setup_wrong_errors(void) {
  static const char *const extra[] = {"--defect", "error_shape_wrong", NULL};
  start(extra);
}

static void teardown(void) {
  cr_expect(ts_target_stop(&target), "target_api died during the test");
  ts_rmtree(dir);
  free(dir);
}

typedef struct expected_case {
  const char *name;
  ts_outcome outcome;
  const char *message; /* the failure's one-line message, exactly; NULL for a pass */
} expected_case;

/* Runs suite with extra args; the JUnit report goes to *j. Returns the exit code. */
static int run_suite(const char *suite, const char *const extra[], ts_junit *j) {
  char *junit = ts_fmt("%s/junit.xml", dir);
  char *base = ts_fmt("BASE_URL=http://127.0.0.1:%d", port);
  const char *env[] = {base, "API_TOKEN=t0k3n-secret-value", NULL};
  const char *args[16] = {"run", "-q", "--seed", "7", "--junit", junit};
  size_t n = 6;
  for (size_t i = 0; extra && extra[i] && n < 14; i++)
    args[n++] = extra[i];
  args[n++] = suite;
  args[n] = NULL;
  ts_gauntlet g;
  ts_gauntlet_run(&g, dir, args, env, 90000);
  int code = g.exit_code;
  cr_assert(ts_junit_load(junit, j), "no JUnit report\nstderr: %s", g.err);
  cr_expect(ts_junit_validates(junit), "report does not validate against junit-10.xsd");
  ts_gauntlet_free(&g);
  free(junit);
  free(base);
  return code;
}

static void expect_cases(const ts_junit *j, const expected_case *cases, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const ts_case *c = ts_junit_find(j, cases[i].name);
    cr_assert_not_null(c, "no case '%s' in the report", cases[i].name);
    cr_expect_eq(c->outcome, cases[i].outcome, "%s: %s, expected %s", cases[i].name,
                 ts_outcome_name(c->outcome), ts_outcome_name(cases[i].outcome));
    if (cases[i].message)
      cr_expect_str_eq(c->message ? c->message : "(none)", cases[i].message, "message of %s",
                       cases[i].name);
  }
  cr_expect_eq(j->n, n, "report has %zu cases, expected %zu", j->n, n);
}

#define WRONG_TYPE_422                                                                             \
  "schema $.error.code: 400 is not the constant 422 (#/properties/error/properties/code/const)"

Test(run_schema, every_case_passes_or_fails_as_written, .init = setup, .fini = teardown,
     .timeout = 120) {
  ts_junit j;
  int code = run_suite(FIXTURES "/schema.yaml", NULL, &j);
  cr_expect_eq(code, 1, "exit code %d (cases fail: 1)", code);
  const expected_case cases[] = {
      {"pass inline schema [valid]", TS_CASE_PASS, NULL},
      {"fail inline schema [valid]", TS_CASE_FAILURE,
       "schema $.json.items[3].qty: 7.5 is not of type \"integer\" "
       "(#/properties/json/properties/items/items/properties/qty/type)"},
      {"pass schema ref [valid]", TS_CASE_PASS, NULL},
      /* the first of two errors, in the file the $ref chain ends in */
      {"fail schema ref [valid]", TS_CASE_FAILURE,
       "schema $.json.items[1].sku: \"abc\" does not match the pattern \"^[A-Z]{3}-[0-9]{3}$\" "
       "(" FIXTURES "/schemas/defs.yaml#/definitions/sku/pattern)"},
      {"pass draft-07 tuple items [valid]", TS_CASE_PASS, NULL},
      {"pass 2020-12 by $schema [valid]", TS_CASE_PASS, NULL},
      {"fail 2020-12 unevaluatedProperties [valid]", TS_CASE_FAILURE,
       "schema $.o: property \"deep\" is not allowed (unevaluated) "
       "(#/properties/o/unevaluatedProperties)"},
      {"pass format is an annotation [valid]", TS_CASE_PASS, NULL},
      {"pass boolean schema true [valid]", TS_CASE_PASS, NULL},
      {"fail boolean schema false [valid]", TS_CASE_FAILURE,
       "schema $: no value is allowed here (the schema is false) (#)"},
      {"pass errors.schema on a 404 [valid]", TS_CASE_PASS, NULL},
      {"create item [valid]", TS_CASE_PASS, NULL},
      {"create item [unauthenticated]", TS_CASE_PASS, NULL},
      {"create item [missing_field #1 $.qty]", TS_CASE_PASS, NULL},
      {"create item [wrong_type #1 $.name]", TS_CASE_FAILURE, WRONG_TYPE_422},
      {"create item [wrong_type #2 $.qty]", TS_CASE_FAILURE, WRONG_TYPE_422},
      {"create item [wrong_type #3 $.owner]", TS_CASE_FAILURE, WRONG_TYPE_422},
      {"create item [wrong_type #4 $.owner.id]", TS_CASE_FAILURE, WRONG_TYPE_422},
  };
  expect_cases(&j, cases, sizeof cases / sizeof *cases);

  /* Every schema error of a response is listed in the failure's text. */
  const ts_case *c = ts_junit_find(&j, "fail schema ref [valid]");
  cr_assert_not_null(c);
  cr_expect(c->body && strstr(c->body, "schema $.json.items[1].qty: 0 is less than the minimum 1 "
                                       "(" FIXTURES "/schemas/order.json#/properties/items/items/"
                                       "properties/qty/minimum)"),
            "the second error is listed: %s", c->body ? c->body : "(none)");
  ts_junit_free(&j);
}

Test(run_schema, errors_schema_judges_every_error_answer, .init = setup_wrong_errors,
     .fini = teardown, .timeout = 120) {
  /* target_api --defect error_shape_wrong answers errors as {"message": ...}. */
  ts_junit j;
  int code = run_suite(FIXTURES "/schema.yaml", NULL, &j);
  cr_expect_eq(code, 1, "exit code %d", code);
#define NO_ERROR_KEY                                                                               \
  "required property \"error\" is missing (" FIXTURES "/schemas/error.json#/required)"
  const expected_case cases[] = {
      {"pass inline schema [valid]", TS_CASE_PASS, NULL},
      {"fail inline schema [valid]", TS_CASE_FAILURE, NULL},
      {"pass schema ref [valid]", TS_CASE_PASS, NULL},
      {"fail schema ref [valid]", TS_CASE_FAILURE, NULL},
      {"pass draft-07 tuple items [valid]", TS_CASE_PASS, NULL},
      {"pass 2020-12 by $schema [valid]", TS_CASE_PASS, NULL},
      {"fail 2020-12 unevaluatedProperties [valid]", TS_CASE_FAILURE, NULL},
      {"pass format is an annotation [valid]", TS_CASE_PASS, NULL},
      {"pass boolean schema true [valid]", TS_CASE_PASS, NULL},
      {"fail boolean schema false [valid]", TS_CASE_FAILURE, NULL},
      /* profile errors.schema (a $ref relative to the profile file) */
      {"pass errors.schema on a 404 [valid]", TS_CASE_FAILURE, "error_shape $: " NO_ERROR_KEY},
      {"create item [valid]", TS_CASE_PASS, NULL},
      /* the fault expectation's own schema is named first */
      {"create item [unauthenticated]", TS_CASE_FAILURE, "schema $: " NO_ERROR_KEY},
      {"create item [missing_field #1 $.qty]", TS_CASE_FAILURE, "error_shape $: " NO_ERROR_KEY},
      {"create item [wrong_type #1 $.name]", TS_CASE_FAILURE, "error_shape $: " NO_ERROR_KEY},
      {"create item [wrong_type #2 $.qty]", TS_CASE_FAILURE, "error_shape $: " NO_ERROR_KEY},
      {"create item [wrong_type #3 $.owner]", TS_CASE_FAILURE, "error_shape $: " NO_ERROR_KEY},
      {"create item [wrong_type #4 $.owner.id]", TS_CASE_FAILURE, "error_shape $: " NO_ERROR_KEY},
  };
  expect_cases(&j, cases, sizeof cases / sizeof *cases);
  ts_junit_free(&j);
}

#define BAD_EMAIL                                                                                  \
  "schema $.json.email: \"not-an-email\" is not a valid \"email\" "                                \
  "(#/properties/json/properties/email/format)"

Test(run_schema, strict_formats_suite_key_makes_format_assert, .init = setup, .fini = teardown,
     .timeout = 60) {
  ts_junit j;
  int code = run_suite(FIXTURES "/strict.yaml", NULL, &j);
  cr_expect_eq(code, 1, "exit code %d", code);
  const expected_case cases[] = {
      {"fail format asserts [valid]", TS_CASE_FAILURE, BAD_EMAIL},
      {"pass valid formats [valid]", TS_CASE_PASS, NULL},
  };
  expect_cases(&j, cases, sizeof cases / sizeof *cases);
  ts_junit_free(&j);
}

Test(run_schema, strict_formats_option_makes_format_assert, .init = setup, .fini = teardown,
     .timeout = 60) {
  /* The case that passes in schema.yaml (format is an annotation) fails with the option. */
  static const char *const extra[] = {"--strict-formats", "--filter", "pass format*", NULL};
  ts_junit j;
  int code = run_suite(FIXTURES "/schema.yaml", extra, &j);
  cr_expect_eq(code, 1, "exit code %d", code);
  const expected_case cases[] = {
      {"pass format is an annotation [valid]", TS_CASE_FAILURE, BAD_EMAIL},
  };
  expect_cases(&j, cases, sizeof cases / sizeof *cases);
  ts_junit_free(&j);
}

Test(run_schema, bad_schema_is_a_load_error_and_nothing_is_sent, .init = setup, .fini = teardown,
     .timeout = 60) {
  char *suite = ts_fmt("%s/bad.yaml", dir);
  char *body = ts_fmt("suite: bad\n"
                      "base_url: http://127.0.0.1:%d/v1\n"
                      "scenarios:\n"
                      "  - name: a\n"
                      "    request: { method: GET, path: /types }\n"
                      "    expect:\n"
                      "      schema: { properties: { s: { pattern: \"([a-z\" } } }\n",
                      port);
  cr_assert(ts_write_file(suite, body, strlen(body)));
  const char *args[] = {"run", "-q", "--junit", "junit.xml", suite, NULL};
  ts_gauntlet g;
  ts_gauntlet_run(&g, dir, args, NULL, 30000);
  cr_expect_eq(g.exit_code, 2, "exit code %d\nstderr: %s", g.exit_code, g.err);
  char *want = ts_fmt("%s:7:45: expect.schema: invalid regex \"([a-z\"", suite);
  cr_expect(g.err && strstr(g.err, want), "stderr names FILE:LINE:COL: %s\n(wanted %s)", g.err,
            want);
  cr_expect_eq(ts_api_count(port), 0, "a request was sent");
  ts_gauntlet_free(&g);
  free(want);
  free(body);
  free(suite);
}
