/* test_run_stop.c — a run stopped by --fail-fast still accounts for every
 * selected case: the ones it never finished are in the report as skipped,
 * with the reason, in every suite of the run; the console says so. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

Test(run_stop, fail_fast_reports_unstarted_cases_as_skipped, .timeout = 120) {
  char *dir = ts_tempdir();
  cr_assert(dir);
  ts_target t;
  int port;
  const char *targs[] = {"--defect", "accept_no_token", NULL};
  cr_assert(ts_api_start(&t, dir, &port, targs));
  char *junit = ts_fmt("%s/junit.xml", dir);
  char *faults = ts_fmt("%s/tests/fixtures/integration/faults.yaml", SOURCE_DIR);
  char *select = ts_fmt("%s/tests/fixtures/integration/select.yaml", SOURCE_DIR);
  char *base = ts_fmt("BASE_URL=http://127.0.0.1:%d", port);
  const char *env[] = {base, "API_TOKEN=t0k3n-secret-value", NULL};

  /* How many cases the two suites hold. */
  ts_gauntlet g;
  const char *list[] = {"list", faults, select, NULL};
  cr_assert_eq(ts_gauntlet_run(&g, dir, list, env, 30000), 0, "list: %s", g.err);
  size_t expected = 0;
  for (const char *p = g.out; (p = strchr(p, '\n')); p++)
    expected++;
  ts_gauntlet_free(&g);
  cr_assert_gt(expected, 20);

  const char *args[] = {"run", "-j", "1", "--fail-fast", "--junit", junit, faults, select, NULL};
  ts_gauntlet_run(&g, dir, args, env, 60000);
  cr_expect_eq(g.exit_code, 1, "exit %d\nstderr: %s", g.exit_code, g.err);
  ts_junit j;
  cr_assert(ts_junit_load(junit, &j), "no report");
  cr_expect(ts_junit_validates(junit));
  cr_expect_eq(j.n, expected, "report has %zu cases, the run selected %zu", j.n, expected);
  size_t failed = ts_junit_count(&j, TS_CASE_FAILURE) + ts_junit_count(&j, TS_CASE_ERROR);
  cr_expect_eq(failed, 1, "one failure stops the run (got %zu)", failed);
  size_t not_run = 0;
  for (size_t i = 0; i < j.n; i++) {
    if (j.cases[i].outcome != TS_CASE_SKIPPED) continue;
    const char *m = j.cases[i].message ? j.cases[i].message : "";
    if (strstr(m, "not run: --fail-fast stopped the run after faults \xe2\x80\xba ")) not_run++;
  }
  cr_expect_geq(not_run, expected / 2, "only %zu of %zu cases skipped as not run", not_run,
                expected);
  /* The second suite was never started: every case of it is there, skipped. */
  const ts_case *c = ts_junit_find(&j, "it's \"quoted\" [valid]");
  cr_expect(c && c->outcome == TS_CASE_SKIPPED, "the second suite's cases are reported");
  cr_expect(strstr(g.out, "--fail-fast stopped the run after"), "console: %s", g.out);
  char *note = ts_fmt("the %zu not run are reported as skipped", not_run);
  cr_expect(strstr(g.out, note), "console lacks \"%s\": %s", note, g.out);
  free(note);
  ts_junit_free(&j);
  ts_gauntlet_free(&g);
  cr_expect(ts_target_stop(&t));
  ts_rmtree(dir);
  free(dir);
  free(junit);
  free(faults);
  free(select);
  free(base);
}
