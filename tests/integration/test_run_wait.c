/* test_run_wait.c — --wait-for and a suite's wait_for: against a real target
 * (tests/targets/async_api.c) that starts listening late, that answers
 * /health 503 for a while, or never gets ready; exact exit codes, case
 * outcomes and what reached the target. */
#include <cjson/cJSON.h>
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
  memset(&target, 0, sizeof target);
}

static void teardown(void) {
  if (target.proc.pid > 0) cr_expect(ts_target_stop(&target), "target died");
  ts_rmtree(dir);
  free(dir);
}

TestSuite(run_wait, .init = setup, .fini = teardown, .timeout = 120);

/* Starts async_api without waiting for its port (it may listen late). */
static void start_target(const char *const extra[]) {
  port = ts_free_port();
  cr_assert_gt(port, 0);
  char *bin = ts_fmt("%s/async_api", TARGETS_DIR);
  char *p = ts_fmt("%d", port);
  const char *argv[16] = {bin, "--http-port", p};
  size_t n = 3;
  for (size_t i = 0; extra && extra[i] && n < 15; i++)
    argv[n++] = extra[i];
  target.log = ts_fmt("%s/async_api.log", dir);
  target.port = port;
  cr_assert(ts_spawn(argv, NULL, NULL, target.log, &target.proc));
  free(bin);
  free(p);
}

static char *write_suite(const char *yaml) {
  char *path = ts_fmt("%s/suite.yaml", dir);
  char *text = ts_fmt("suite: wait\n"
                      "base_url: http://127.0.0.1:%d\n"
                      "%s"
                      "scenarios:\n"
                      "  - name: health\n"
                      "    request: {method: GET, path: /health}\n"
                      "    expect: {status: 200}\n"
                      "    faults: none\n",
                      port, yaml);
  cr_assert(ts_write_file(path, text, strlen(text)));
  free(text);
  return path;
}

static int run(ts_gauntlet *g, const char *suite, const char *wait) {
  char *junit = ts_fmt("%s/junit.xml", dir);
  const char *args[8] = {"run", "-q", "--junit", junit};
  size_t n = 4;
  if (wait) {
    args[n++] = "--wait-for";
    args[n++] = wait;
  }
  args[n++] = suite;
  int rc = ts_gauntlet_run(g, dir, args, NULL, 60000);
  free(junit);
  return rc;
}

static ts_outcome health_outcome(void) {
  char *junit = ts_fmt("%s/junit.xml", dir);
  ts_junit j;
  ts_outcome o = TS_CASE_MISSING;
  if (ts_junit_load(junit, &j)) {
    const ts_case *c = ts_junit_find(&j, "health [valid]");
    if (c) o = c->outcome;
    ts_junit_free(&j);
  }
  free(junit);
  return o;
}

/* The target's request log: method+path per request, in order. */
static cJSON *target_log(void) {
  int status = 0;
  char *body = ts_http_get(port, "/__log", NULL, &status);
  cr_assert_eq(status, 200, "no /__log (status %d)", status);
  cJSON *j = cJSON_Parse(body);
  free(body);
  cr_assert_not_null(j);
  return j;
}

static int count_requests(const cJSON *log, const char *path) {
  int n = 0;
  const cJSON *r;
  cJSON_ArrayForEach(r, cJSON_GetObjectItem(log, "requests")) {
    if (!strcmp(cJSON_GetObjectItem(r, "path")->valuestring, path)) n++;
  }
  return n;
}

Test(run_wait, wait_for_flag_waits_until_the_port_accepts) {
  const char *extra[] = {"--listen-after-ms", "1500", NULL};
  start_target(extra);
  char *suite = write_suite("");
  ts_gauntlet g;
  run(&g, suite, "20s");
  cr_expect_eq(g.exit_code, 0, "exit %d\nstdout: %s\nstderr: %s", g.exit_code, g.out, g.err);
  cr_expect_eq(health_outcome(), TS_CASE_PASS);
  cr_expect_geq(g.elapsed, 1.4, "did not wait: %.2fs", g.elapsed);
  cJSON *log = target_log();
  cr_expect_eq(count_requests(log, "/health"), 1, "only the case itself reached the target");
  cJSON_Delete(log);
  ts_gauntlet_free(&g);
  free(suite);
}

Test(run_wait, without_waiting_the_first_case_errors_and_is_not_retried) {
  const char *extra[] = {"--listen-after-ms", "1500", NULL};
  start_target(extra);
  char *suite = write_suite("");
  ts_gauntlet g;
  run(&g, suite, NULL);
  cr_expect_eq(g.exit_code, 1, "exit %d\nstderr: %s", g.exit_code, g.err);
  cr_expect_eq(health_outcome(), TS_CASE_ERROR);
  cr_expect_lt(g.elapsed, 1.4, "a silent retry waited for the target: %.2fs", g.elapsed);
  ts_gauntlet_free(&g);
  free(suite);
}

Test(run_wait, suite_wait_for_polls_health_until_200) {
  const char *extra[] = {"--ready-after-ms", "1200", NULL};
  start_target(extra);
  char *suite = write_suite("wait_for: {path: /health, status: 200, timeout: 20s}\n");
  cr_assert(ts_port_open(port, 5000));
  ts_gauntlet g;
  run(&g, suite, NULL);
  cr_expect_eq(g.exit_code, 0, "exit %d\nstderr: %s", g.exit_code, g.err);
  cr_expect_eq(health_outcome(), TS_CASE_PASS);
  cJSON *log = target_log();
  /* 100, 200, 400, 800 ms backoff: at least 3 polls answered 503, then the
   * 200 poll, then the case: never more than ~8 polls in 1.2 s */
  int n = count_requests(log, "/health");
  cr_expect(n >= 4 && n <= 9, "%d /health requests", n);
  cJSON_Delete(log);
  ts_gauntlet_free(&g);
  free(suite);
}

Test(run_wait, never_ready_is_exit_3_and_sends_no_case) {
  const char *extra[] = {"--never-ready", NULL};
  start_target(extra);
  cr_assert(ts_port_open(port, 5000));
  char *suite = write_suite("wait_for: {path: /health, status: 200, timeout: 1s}\n");
  ts_gauntlet g;
  run(&g, suite, NULL);
  cr_expect_eq(g.exit_code, 3, "exit %d\nstderr: %s", g.exit_code, g.err);
  char *want = ts_fmt("gauntlet: target not ready: GET http://127.0.0.1:%d/health did not answer "
                      "200 within 1.",
                      port);
  cr_expect(strstr(g.err, want), "stderr: %s", g.err);
  cr_expect(strstr(g.err, "(wait_for: "), "stderr: %s", g.err);
  cr_expect(strstr(g.err, "last: status 503)"), "stderr: %s", g.err);
  cr_expect_eq(health_outcome(), TS_CASE_MISSING, "a case ran");
  free(want);
  ts_gauntlet_free(&g);
  free(suite);
}

Test(run_wait, nothing_listening_is_exit_3_with_the_reason) {
  port = ts_free_port(); /* nobody listens there */
  char *suite = write_suite("");
  ts_gauntlet g;
  run(&g, suite, "1s");
  cr_expect_eq(g.exit_code, 3, "exit %d\nstderr: %s", g.exit_code, g.err);
  char *want = ts_fmt("gauntlet: target not ready: http://127.0.0.1:%d did not accept a TCP "
                      "connection within 1.",
                      port);
  cr_expect(strstr(g.err, want), "stderr: %s", g.err);
  cr_expect(strstr(g.err, "Connection refused)"), "stderr: %s", g.err);
  cr_expect(strstr(g.err, "(--wait-for: "), "stderr: %s", g.err);
  cr_expect_geq(g.elapsed, 0.9);
  free(want);
  ts_gauntlet_free(&g);
  free(suite);
}

Test(run_wait, bad_wait_for_values_are_load_errors) {
  port = 9;
  char *suite = write_suite("wait_for: {path: health}\n");
  ts_gauntlet g;
  run(&g, suite, NULL);
  cr_expect_eq(g.exit_code, 2, "exit %d", g.exit_code);
  cr_expect(strstr(g.err, "suite.yaml:3:18: wait_for.path must start with / (got 'health')"),
            "stderr: %s", g.err);
  ts_gauntlet_free(&g);
  free(suite);
  suite = write_suite("wait_for: {status: 200}\n");
  run(&g, suite, NULL);
  cr_expect_eq(g.exit_code, 2, "exit %d", g.exit_code);
  cr_expect(strstr(g.err, "suite.yaml:3:20: wait_for.status needs a path"), "stderr: %s", g.err);
  ts_gauntlet_free(&g);
  free(suite);
  suite = write_suite("");
  run(&g, suite, "soon");
  cr_expect_eq(g.exit_code, 2, "exit %d", g.exit_code);
  cr_expect(strstr(g.err, "--wait-for expects a duration"), "stderr: %s", g.err);
  ts_gauntlet_free(&g);
  free(suite);
}
