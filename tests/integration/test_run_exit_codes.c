/* test_run_exit_codes.c — the exit codes (docs/ci.md): 2 for bad usage or a bad suite
 * (FILE:LINE:COL on stderr, nothing sent: the target counts requests), 3 for a
 * runtime error, 0 / 1 for passed / failed; `list` and `check` send nothing. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

static char *dir;
static ts_target target;
static int port;
static char *base_env;

static void setup(void) {
  dir = ts_tempdir();
  cr_assert(dir);
  cr_assert(ts_api_start(&target, dir, &port, NULL), "target_api did not start");
  base_env = ts_fmt("BASE_URL=http://127.0.0.1:%d", port);
}

static void teardown(void) {
  cr_expect(ts_target_stop(&target), "target died");
  ts_rmtree(dir);
  free(dir);
  free(base_env);
}

static char *fixture(const char *name) {
  return ts_fmt("%s/tests/fixtures/integration/%s", SOURCE_DIR, name);
}

/* Runs gauntlet with args; returns exit code, g filled. */
static int run(ts_gauntlet *g, const char *const args[]) {
  const char *env[] = {base_env, "API_TOKEN=t0k3n-secret-value", NULL};
  return ts_gauntlet_run(g, dir, args, env, 60000);
}

static void expect_bad_suite(const char *name, const char *location) {
  char *suite = fixture(name);
  char *junit = ts_fmt("%s/junit.xml", dir);
  const char *args[] = {"run", "--junit", junit, suite, NULL};
  ts_gauntlet g;
  run(&g, args);
  cr_expect_eq(g.exit_code, 2, "[%s] exit %d\nstderr: %s", name, g.exit_code, g.err);
  cr_expect(strstr(g.err, location), "[%s] stderr lacks \"%s\": %s", name, location, g.err);
  cr_expect_eq(ts_api_count(port), 0, "[%s] requests were sent", name);
  ts_gauntlet_free(&g);
  free(suite);
  free(junit);
}

TestSuite(run_exit_codes, .init = setup, .fini = teardown, .timeout = 60);

Test(run_exit_codes, unknown_fault_is_a_load_error) {
  expect_bad_suite("bad_fault.yaml", "bad_fault.yaml:8:31:");
}
Test(run_exit_codes, yaml_syntax_error) {
  expect_bad_suite("bad_yaml.yaml", "bad_yaml.yaml:6:");
}
Test(run_exit_codes, undefined_variable) {
  expect_bad_suite("bad_variable.yaml", "bad_variable.yaml:10:");
}
Test(run_exit_codes, bad_status) {
  expect_bad_suite("bad_status.yaml", "bad_status.yaml:8:15:");
}

/* One bad suite among good ones: still nothing sent. */
Test(run_exit_codes, one_bad_suite_sends_nothing) {
  char *good = fixture("faults.yaml");
  char *bad = fixture("bad_fault.yaml");
  const char *args[] = {"run", good, bad, NULL};
  ts_gauntlet g;
  run(&g, args);
  cr_expect_eq(g.exit_code, 2, "exit %d", g.exit_code);
  cr_expect_eq(ts_api_count(port), 0, "requests were sent");
  ts_gauntlet_free(&g);
  free(good);
  free(bad);
}

Test(run_exit_codes, bad_usage) {
  char *suite = fixture("faults.yaml");
  const char *const cases[][6] = {
      {"run", "--no-such-option", suite, NULL},
      {"run", "--faults", "no_such_fault", suite, NULL},
      {"run", "--timeout", "soon", suite, NULL},
      {"run", "--seed", "abc", suite, NULL},
      {"run", NULL},
      {"frobnicate", suite, NULL},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    ts_gauntlet g;
    run(&g, cases[i]);
    cr_expect_eq(g.exit_code, 2, "`gauntlet %s %s`: exit %d\nstderr: %s", cases[i][0],
                 cases[i][1] ? cases[i][1] : "", g.exit_code, g.err);
    cr_expect(strlen(g.err) > 0, "bad usage explains itself on stderr");
    ts_gauntlet_free(&g);
  }
  cr_expect_eq(ts_api_count(port), 0, "requests were sent");
  free(suite);
}

Test(run_exit_codes, unwritable_report_is_a_runtime_error) {
  /* The parent is a regular file: no directory can be made there, even as
   * root (CI runs as root, so a missing directory would simply be created). */
  char *suite = fixture("faults.yaml");
  char *blocker = ts_fmt("%s/not-a-directory", dir);
  FILE *f = fopen(blocker, "w");
  cr_assert(f);
  fclose(f);
  char *junit = ts_fmt("%s/junit.xml", blocker);
  const char *args[] = {"run", "--junit", junit, suite, NULL};
  ts_gauntlet g;
  run(&g, args);
  cr_expect_eq(g.exit_code, 3, "exit %d\nstderr: %s", g.exit_code, g.err);
  cr_expect(strstr(g.err, "report") != NULL, "stderr names the report: %s", g.err);
  ts_gauntlet_free(&g);
  free(junit);
  free(blocker);
  free(suite);
}

Test(run_exit_codes, zero_when_all_pass_one_when_a_case_fails) {
  char *suite = fixture("faults.yaml");
  char *junit = ts_fmt("%s/junit.xml", dir);
  const char *ok[] = {"run", "--junit", junit, "--faults", "none", suite, NULL};
  ts_gauntlet g;
  run(&g, ok);
  cr_expect_eq(g.exit_code, 0, "exit %d\nstdout: %s", g.exit_code, g.out);
  ts_gauntlet_free(&g);
  /* -u overrides the suite's base_url: a path that 404s everywhere fails. */
  char *wrong = ts_fmt("http://127.0.0.1:%d/v9", port);
  const char *fail[] = {"run", "--junit", junit, "--faults", "none", "-u", wrong, suite, NULL};
  run(&g, fail);
  cr_expect_eq(g.exit_code, 1, "exit %d\nstdout: %s", g.exit_code, g.out);
  ts_gauntlet_free(&g);
  free(wrong);
  free(suite);
  free(junit);
}

Test(run_exit_codes, list_and_check_send_nothing) {
  char *suite = fixture("faults.yaml");
  const char *list[] = {"list", suite, NULL};
  ts_gauntlet g;
  run(&g, list);
  cr_expect_eq(g.exit_code, 0, "list exit %d: %s", g.exit_code, g.err);
  cr_expect(strstr(g.out, "list items [valid]") && strstr(g.out, "create item [missing_field #1"),
            "list prints case ids: %s", g.out);
  ts_gauntlet_free(&g);
  const char *check[] = {"check", suite, NULL};
  run(&g, check);
  cr_expect_eq(g.exit_code, 0, "check exit %d: %s", g.exit_code, g.err);
  ts_gauntlet_free(&g);
  char *bad = fixture("bad_fault.yaml");
  const char *check_bad[] = {"check", bad, NULL};
  run(&g, check_bad);
  cr_expect_eq(g.exit_code, 2, "check of a bad suite: exit %d", g.exit_code);
  cr_expect(strstr(g.err, "bad_fault.yaml:8:31:"), "stderr: %s", g.err);
  ts_gauntlet_free(&g);
  cr_expect_eq(ts_api_count(port), 0, "list/check sent requests");
  free(suite);
  free(bad);
}
