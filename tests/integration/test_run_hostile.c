/* test_run_hostile.c — hostile servers: each answer makes the case fail or
 * error with a reason, within a bounded time, and the report still validates. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

static void run_hostile(const char *mode, bool raw) {
  char *dir = ts_tempdir();
  cr_assert(dir);
  ts_target t;
  int port, url_port;
  int raw_port = raw ? ts_free_port() : 0;
  char rp[16];
  snprintf(rp, sizeof rp, "%d", raw_port);
  const char *args[] = {"--hostile", mode, raw ? "--raw-http-port" : NULL, rp, NULL};
  cr_assert(ts_api_start(&t, dir, &port, args), "target_api did not start");
  url_port = raw ? raw_port : port;
  if (raw) cr_assert(ts_port_open(raw_port, 3000));
  char *junit = ts_fmt("%s/junit.xml", dir);
  char *suite = ts_fmt("%s/tests/fixtures/integration/hostile.yaml", SOURCE_DIR);
  char *base = ts_fmt("BASE_URL=http://127.0.0.1:%d", url_port);
  const char *env[] = {base, NULL};
  const char *gargs[] = {"run", "--junit", junit, "--timeout", "3s", suite, NULL};
  ts_gauntlet g;
  ts_gauntlet_run(&g, dir, gargs, env, 90000);
  cr_expect(!g.timed_out, "[%s] gauntlet hung", mode);
  cr_expect(g.elapsed < 45.0, "[%s] took %.1f s", mode, g.elapsed);
  cr_expect_eq(g.exit_code, 1, "[%s] exit %d\nstderr: %s", mode, g.exit_code, g.err);
  ts_junit j;
  if (ts_junit_load(junit, &j)) {
    const ts_case *c = ts_junit_find(&j, "hostile [valid]");
    cr_expect(c, "[%s] case missing", mode);
    if (c) {
      cr_expect(c->outcome == TS_CASE_FAILURE || c->outcome == TS_CASE_ERROR,
                "[%s] expected a failure or error, got %s", mode, ts_outcome_name(c->outcome));
      cr_expect(c->message && *c->message, "[%s] no reason given", mode);
    }
    cr_expect(ts_junit_validates(junit), "[%s] report does not validate", mode);
    ts_junit_free(&j);
  } else {
    cr_expect_fail("[%s] no report written\nstderr: %s", mode, g.err);
  }
  cr_expect(ts_target_stop(&t), "[%s] target died", mode);
  ts_gauntlet_free(&g);
  ts_rmtree(dir);
  free(dir);
  free(junit);
  free(suite);
  free(base);
}

Test(run_hostile, huge_body, .timeout = 120) {
  run_hostile("huge_body", false);
}
Test(run_hostile, binary_json, .timeout = 120) {
  run_hostile("binary_json", false);
}
Test(run_hostile, control_chars, .timeout = 120) {
  run_hostile("control_chars", false);
}
Test(run_hostile, trickle_body, .timeout = 120) {
  run_hostile("trickle_body", false);
}
Test(run_hostile, reset_mid_body, .timeout = 120) {
  run_hostile("reset_mid_body", false);
}
Test(run_hostile, redirect_loop, .timeout = 120) {
  run_hostile("redirect_loop", false);
}
Test(run_hostile, gzip_bomb, .timeout = 120) {
  run_hostile("gzip_bomb", false);
}
Test(run_hostile, trailing_garbage, .timeout = 120) {
  run_hostile("trailing_garbage", false);
}
Test(run_hostile, slow_headers, .timeout = 120) {
  run_hostile("slow_headers", true);
}
