/* test_run_interrupt.c — SIGINT during a run: exit 130 soon after, and a
 * valid partial report with the cases finished so far. */
#include <criterion/criterion.h>
#include <glob.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "support.h"

Test(run_interrupt, sigint_exits_130_with_a_valid_partial_report, .timeout = 90) {
  char *dir = ts_tempdir();
  cr_assert(dir);
  ts_target t;
  int port;
  cr_assert(ts_api_start(&t, dir, &port, NULL));
  char *junit = ts_fmt("%s/junit.xml", dir);
  char *suite = ts_fmt("%s/tests/fixtures/integration/slow.yaml", SOURCE_DIR);
  char *base = ts_fmt("BASE_URL=http://127.0.0.1:%d", port);
  char *out = ts_fmt("%s/out.txt", dir);
  char *err = ts_fmt("%s/err.txt", dir);
  const char *env[] = {base, "API_TOKEN=t0k3n-secret-value", NULL};
  const char *argv[] = {GAUNTLET_BIN, "run", "--junit", junit, "--timeout", "60s", suite, NULL};
  ts_proc p;
  cr_assert(ts_spawn(argv, env, out, err, &p));
  /* Wait (bounded) until the slow request is in flight: fast + one slow. */
  for (int i = 0; i < 200 && ts_api_count(port) < 2; i++) {
    struct timespec ts = {0, 50 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  cr_expect(ts_api_count(port) >= 2, "the slow request never started");
  struct timespec settle = {0, 300 * 1000 * 1000};
  nanosleep(&settle, NULL);
  kill(p.pid, SIGINT);
  ts_wait(&p, 15000);
  cr_expect(!p.timed_out, "gauntlet did not stop within 15 s of SIGINT");
  cr_expect_eq(p.exit_code, 130, "exit %d (signal %d)", p.exit_code, p.term_signal);
  cr_expect(p.elapsed < 15.0, "took %.1f s (the slow request lasts 20 s)", p.elapsed);
  ts_junit j;
  cr_assert(ts_junit_load(junit, &j), "no partial report written");
  cr_expect(ts_junit_validates(junit), "partial report does not validate");
  char *m = ts_case_mismatch(&j, "fast [valid]", TS_CASE_PASS, NULL);
  cr_expect_null(m, "%s", m);
  free(m);
  /* The rest is in the report, skipped because the run was interrupted. */
  cr_expect_eq(j.n, 3, "every selected case is reported (%zu)", j.n);
  static const char *const rest[] = {"slow one [valid]", "slow two [valid]"};
  for (size_t i = 0; i < 2; i++) {
    const ts_case *c = ts_junit_find(&j, rest[i]);
    cr_expect(c && c->outcome == TS_CASE_SKIPPED && c->message &&
                  strstr(c->message, "not run: the run was interrupted (SIGINT)"),
              "%s: %s %s", rest[i], c ? ts_outcome_name(c->outcome) : "missing",
              c && c->message ? c->message : "");
  }
  char *console = ts_read_file(out, NULL);
  cr_expect(console && strstr(console, "gauntlet: the run was interrupted (SIGINT): 1 of 3 cases "
                                       "finished; the 2 not run are reported as skipped"),
            "console: %s", console ? console : "(none)");
  cr_expect(console && strstr(console, "gauntlet: 1 passed, 0 failed, 2 skipped"), "console: %s",
            console ? console : "(none)");
  free(console);
  /* No stray temporary file next to the report. */
  char *pattern = ts_fmt("%s.tmp*", junit);
  glob_t gl;
  cr_expect_neq(glob(pattern, 0, NULL, &gl), 0, "temporary report left behind");
  globfree(&gl);
  free(pattern);
  ts_junit_free(&j);
  cr_expect(ts_target_stop(&t));
  ts_rmtree(dir);
  free(dir);
  free(junit);
  free(suite);
  free(base);
  free(out);
  free(err);
}
