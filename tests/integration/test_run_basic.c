/* test_run_basic.c — every assertion kind of docs/suite-format.md, passing and failing,
 * through the real gauntlet binary against target_api (fixture basic.yaml). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

static char *dir;
static ts_target target;
static int port;

static void setup(void) {
  dir = ts_tempdir();
  cr_assert(dir);
  cr_assert(ts_api_start(&target, dir, &port, NULL), "target_api did not start");
}

static void teardown(void) {
  cr_expect(ts_target_stop(&target), "target_api died during the test");
  ts_rmtree(dir);
  free(dir);
}

typedef struct expected_case {
  const char *name;
  ts_outcome outcome;
  const char *check; /* for failures: the check the message must name */
} expected_case;

static const expected_case basic_cases[] = {
    {"pass status int [valid]", TS_CASE_PASS, NULL},
    {"pass status list [valid]", TS_CASE_PASS, NULL},
    {"pass status class [valid]", TS_CASE_PASS, NULL},
    {"fail status int [valid]", TS_CASE_FAILURE, "status"},
    {"fail status list [valid]", TS_CASE_FAILURE, "status"},
    {"fail status class [valid]", TS_CASE_FAILURE, "status"},
    {"pass headers [valid]", TS_CASE_PASS, NULL},
    {"fail headers value [valid]", TS_CASE_FAILURE, "headers"},
    {"fail headers missing [valid]", TS_CASE_FAILURE, "headers"},
    {"pass json tags [valid]", TS_CASE_PASS, NULL},
    {"pass json literals [valid]", TS_CASE_PASS, NULL},
    {"fail json type [valid]", TS_CASE_FAILURE, "json"},
    {"fail json quoted number is not a number [valid]", TS_CASE_FAILURE, "json"},
    {"fail json exact [valid]", TS_CASE_FAILURE, "json"},
    {"fail json sequence length [valid]", TS_CASE_FAILURE, "json"},
    {"fail json len [valid]", TS_CASE_FAILURE, "json"},
    {"fail json contains [valid]", TS_CASE_FAILURE, "json"},
    {"fail json absent [valid]", TS_CASE_FAILURE, "json"},
    {"fail json one_of [valid]", TS_CASE_FAILURE, "json"},
    {"fail json regex [valid]", TS_CASE_FAILURE, "json"},
    {"pass jsonpath [valid]", TS_CASE_PASS, NULL},
    {"fail jsonpath multi-node [valid]", TS_CASE_FAILURE, "jsonpath"},
    {"fail jsonpath selects nothing [valid]", TS_CASE_FAILURE, "jsonpath"},
    {"pass body exact [valid]", TS_CASE_PASS, NULL},
    {"pass body matcher [valid]", TS_CASE_PASS, NULL},
    {"fail body exact [valid]", TS_CASE_FAILURE, "body"},
    {"pass max_time [valid]", TS_CASE_PASS, NULL},
    {"fail max_time [valid]", TS_CASE_FAILURE, "max_time"},
    {"pass variables [valid]", TS_CASE_PASS, NULL},
    {"pass create and capture [valid]", TS_CASE_PASS, NULL},
    {"pass read back captured [valid]", TS_CASE_PASS, NULL},
    {"pass type fidelity [valid]", TS_CASE_PASS, NULL},
    {"fail capture selects nothing [valid]", TS_CASE_FAILURE, "capture"},
    {"skip dependant of failed capture [valid]", TS_CASE_SKIPPED, NULL},
};

Test(run_basic, every_assertion_kind_passes_and_fails_as_written, .init = setup, .fini = teardown,
     .timeout = 120) {
  char *junit = ts_fmt("%s/junit.xml", dir);
  char *suite = ts_fmt("%s/tests/fixtures/integration/basic.yaml", SOURCE_DIR);
  char *base = ts_fmt("BASE_URL=http://127.0.0.1:%d", port);
  const char *env[] = {base, "API_TOKEN=t0k3n-secret-value", "GT_TEST_ENV=from-env", NULL};
  const char *args[] = {"run",    "--junit", junit, "-v", "cli_var=from-cli",
                        "--seed", "7",       suite, NULL};
  ts_gauntlet g;
  ts_gauntlet_run(&g, dir, args, env, 90000);
  cr_expect_eq(g.exit_code, 1, "exit code %d (a case failed: 1)\nstderr: %s", g.exit_code, g.err);

  ts_junit j;
  cr_assert(ts_junit_load(junit, &j), "no JUnit report at %s", junit);
  size_t n = sizeof basic_cases / sizeof basic_cases[0];
  for (size_t i = 0; i < n; i++) {
    char *m =
        ts_case_mismatch(&j, basic_cases[i].name, basic_cases[i].outcome, basic_cases[i].check);
    cr_expect_null(m, "%s", m);
    free(m);
  }
  cr_expect_eq(j.n, n, "report has %zu cases, expected %zu", j.n, n);
  for (size_t i = 0; i < j.n; i++)
    cr_expect_str_eq(j.cases[i].classname ? j.cases[i].classname : "", "basic", "classname of %s",
                     j.cases[i].name);
  cr_expect(ts_junit_validates(junit), "report does not validate against junit-10.xsd");
  /* The failure message is one line and the body lists expected vs actual. */
  const ts_case *c = ts_junit_find(&j, "fail status int [valid]");
  cr_assert_not_null(c, "no case 'fail status int [valid]' in the report");
  cr_assert_not_null(c->message, "the failure has no message");
  cr_expect_null(strchr(c->message, '\n'), "message is one line");
  cr_expect(c->body && strstr(c->body, "201") && strstr(c->body, "200"),
            "failure text shows expected 201 and actual 200: %s", c->body ? c->body : "(none)");
  ts_junit_free(&j);
  ts_gauntlet_free(&g);
  free(junit);
  free(suite);
  free(base);
}

Test(run_basic, all_passing_subset_exits_zero, .init = setup, .fini = teardown, .timeout = 60) {
  char *junit = ts_fmt("%s/junit.xml", dir);
  char *suite = ts_fmt("%s/tests/fixtures/integration/basic.yaml", SOURCE_DIR);
  char *base = ts_fmt("BASE_URL=http://127.0.0.1:%d", port);
  const char *env[] = {base, "API_TOKEN=t0k3n-secret-value", "GT_TEST_ENV=from-env", NULL};
  const char *args[] = {"run",      "--junit", junit, "-v", "cli_var=from-cli",
                        "--filter", "pass *",  suite, NULL};
  ts_gauntlet g;
  ts_gauntlet_run(&g, dir, args, env, 60000);
  cr_expect_eq(g.exit_code, 0, "exit code %d\nstdout: %s\nstderr: %s", g.exit_code, g.out, g.err);
  ts_junit j;
  cr_assert(ts_junit_load(junit, &j));
  cr_expect_eq(ts_junit_count(&j, TS_CASE_FAILURE) + ts_junit_count(&j, TS_CASE_ERROR), 0);
  cr_expect(ts_junit_count(&j, TS_CASE_PASS) >= 10, "only %zu passed",
            ts_junit_count(&j, TS_CASE_PASS));
  cr_expect(ts_junit_validates(junit));
  ts_junit_free(&j);
  ts_gauntlet_free(&g);
  free(junit);
  free(suite);
  free(base);
}
