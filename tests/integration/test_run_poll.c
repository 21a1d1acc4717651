/* test_run_poll.c — a scenario's `poll:` against a real target
 * (tests/targets/async_api.c) whose jobs finish after N requests, after a
 * delay, or never: exact case outcomes, the attempts the target saw, their
 * spacing (every, backoff, --rate), captures from the final answer and the
 * attempt list in the report. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
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

TestSuite(run_poll, .init = setup, .fini = teardown, .timeout = 120);

static void start_target(const char *const extra[]) {
  port = ts_free_port();
  char *p = ts_fmt("%d", port);
  const char *args[12] = {"--http-port", p};
  size_t n = 2;
  for (size_t i = 0; extra && extra[i] && n < 11; i++)
    args[n++] = extra[i];
  cr_assert(ts_target_start(&target, "async_api", args, port, dir), "async_api did not start");
  free(p);
}

/* A suite: create a job, poll it with `poll` (a flow mapping), then use a
 * capture of the final answer. */
static char *write_suite(const char *poll, const char *expect) {
  char *path = ts_fmt("%s/suite.yaml", dir);
  char *text = ts_fmt("suite: poll\n"
                      "base_url: http://127.0.0.1:%d\n"
                      "scenarios:\n"
                      "  - name: create\n"
                      "    request: {method: POST, path: /jobs, json: {}}\n"
                      "    expect: {status: 201}\n"
                      "    capture: {job: $.id}\n"
                      "    faults: none\n"
                      "  - name: wait\n"
                      "    request:\n"
                      "      method: GET\n"
                      "      path: /jobs/${job}\n"
                      "    poll: %s\n"
                      "    expect: %s\n"
                      "    capture: {polls: $.polls}\n"
                      "    faults: [wrong_method]\n"
                      "  - name: after\n"
                      "    request:\n"
                      "      method: GET\n"
                      "      path: /after/${polls}\n"
                      "    expect: {status: 404}\n"
                      "    faults: none\n",
                      port, poll, expect);
  cr_assert(ts_write_file(path, text, strlen(text)));
  free(text);
  return path;
}

static int run(ts_gauntlet *g, const char *suite, const char *rate) {
  char *junit = ts_fmt("%s/junit.xml", dir);
  const char *args[10] = {"run", "-q", "--junit", junit};
  size_t n = 4;
  if (rate) {
    args[n++] = "--rate";
    args[n++] = rate;
  }
  args[n++] = suite;
  int rc = ts_gauntlet_run(g, dir, args, NULL, 60000);
  free(junit);
  return rc;
}

static void load_junit(ts_junit *j) {
  char *junit = ts_fmt("%s/junit.xml", dir);
  cr_assert(ts_junit_load(junit, j), "no JUnit at %s", junit);
  free(junit);
}

static cJSON *target_log(void) {
  int status = 0;
  char *body = ts_http_get(port, "/__log", NULL, &status);
  cr_assert_eq(status, 200);
  cJSON *j = cJSON_Parse(body);
  free(body);
  cr_assert_not_null(j);
  return j;
}

/* Times (ms) of the GETs of path, in order; returns the count. */
static int gets_of(const cJSON *log, const char *path, long *ms, int cap) {
  int n = 0;
  const cJSON *r;
  cJSON_ArrayForEach(r, cJSON_GetObjectItem(log, "requests")) {
    if (strcmp(cJSON_GetObjectItem(r, "method")->valuestring, "GET") ||
        strcmp(cJSON_GetObjectItem(r, "path")->valuestring, path))
      continue;
    if (n < cap) ms[n] = (long)cJSON_GetObjectItem(r, "ms")->valuedouble;
    n++;
  }
  return n;
}

static bool logged(const cJSON *log, const char *path) {
  long ms[1];
  return gets_of(log, path, ms, 1) > 0;
}

/* When gauntlet sent each attempt of case name (seconds since polling
 * started), from the attempt list of the report; returns the count. */
static int attempt_times(const ts_junit *j, const char *name, double *at, int cap) {
  const ts_case *c = ts_junit_find(j, name);
  int n = 0;
  for (const char *line = c && c->out ? c->out : ""; (line = strstr(line, "  #")); line++) {
    int k;
    double t;
    if (sscanf(line, "  #%d at +%lfs:", &k, &t) == 2 && k == n + 1 && n < cap) at[n++] = t;
  }
  return n;
}

Test(run_poll, ready_after_n_requests_passes_with_captures_from_the_last_answer) {
  const char *extra[] = {"--done-after-polls", "3", NULL};
  start_target(extra);
  char *suite = write_suite("{until: {jsonpath: {$.finished: true}}, every: 200ms, timeout: 10s}",
                            "{status: 200, jsonpath: {$.finished: true}}");
  ts_gauntlet g;
  run(&g, suite, NULL);
  cr_expect_eq(g.exit_code, 0, "exit %d\nstdout: %s\nstderr: %s", g.exit_code, g.out, g.err);
  ts_junit j;
  load_junit(&j);
  cr_expect_eq(j.n, 7, "cases: %zu", j.n); /* create, wait + 4 wrong_method, after */
  char *m = ts_case_mismatch(&j, "wait [valid]", TS_CASE_PASS, NULL);
  cr_expect_null(m, "%s", m);
  free(m);
  /* the fault case was sent once, and judged on its own answer */
  m = ts_prefix_mismatch(&j, "wait [wrong_method", TS_CASE_PASS, NULL);
  cr_expect_null(m, "%s", m);
  free(m);
  cJSON *log = target_log();
  long ms[16];
  int n = gets_of(log, "/jobs/j1", ms, 16);
  cr_expect_eq(n, 3, "the target saw %d polls", n);
  for (int i = 1; i < n && i < 16; i++)
    cr_expect_geq(ms[i] - ms[i - 1], 180, "attempt %d came %ldms after the one before", i + 1,
                  ms[i] - ms[i - 1]);
  /* captures come from the final answer (polls = 3) */
  cr_expect(logged(log, "/after/3"), "the dependant did not use the final answer's capture");
  cJSON_Delete(log);
  ts_junit_free(&j);
  ts_gauntlet_free(&g);
  free(suite);
}

Test(run_poll, report_lists_attempts_with_status_and_timing_not_bodies) {
  const char *extra[] = {"--done-after-polls", "2", NULL};
  start_target(extra);
  char *suite = write_suite("{until: {jsonpath: {$.finished: true}}, every: 100ms, timeout: 10s}",
                            "{status: 200}");
  ts_gauntlet g;
  run(&g, suite, NULL);
  cr_expect_eq(g.exit_code, 0, "exit %d\nstderr: %s", g.exit_code, g.err);
  char *junit = ts_fmt("%s/junit.xml", dir);
  char *xml = ts_read_file(junit, NULL);
  cr_assert_not_null(xml);
  cr_expect(strstr(xml, "poll: 2 attempts in "), "no attempt summary in:\n%s", xml);
  cr_expect(strstr(xml, "  #1 at +0.0"), "no first attempt in:\n%s", xml);
  cr_expect(strstr(xml, "s: 200 in 0."), "no status and time in:\n%s", xml);
  cr_expect(strstr(xml, "  #2 at +0."), "no second attempt in:\n%s", xml);
  /* only the last answer's body is in the report */
  cr_expect(strstr(xml, "&quot;polls&quot;: 2"), "last body missing");
  cr_expect_null(strstr(xml, "&quot;polls&quot;: 1"), "an intermediate body is in the report");
  cr_expect(ts_junit_validates(junit));
  free(xml);
  free(junit);
  ts_gauntlet_free(&g);
  free(suite);
}

Test(run_poll, ready_after_a_delay_with_exponential_backoff) {
  const char *extra[] = {"--done-after-ms", "1000", NULL};
  start_target(extra);
  char *suite = write_suite(
      "{until: {jsonpath: {$.finished: true}}, every: 100ms, backoff: exponential, timeout: 20s}",
      "{status: 200}");
  ts_gauntlet g;
  run(&g, suite, NULL);
  cr_expect_eq(g.exit_code, 0, "exit %d\nstderr: %s", g.exit_code, g.err);
  cJSON *log = target_log();
  long ms[16];
  int n = gets_of(log, "/jobs/j1", ms, 16);
  /* waits of 100, 200, 400, 800 ms: the 5th attempt (at ~1.5 s) is the first after 1 s */
  /* a late attempt (a loaded machine) may see it already finished */
  cr_expect(n == 4 || n == 5, "the target saw %d polls", n);
  /* The waits, on gauntlet's own clock (arrivals at the target bunch up on a
   * loaded machine): each attempt starts at least the doubled wait after the
   * one before (the report rounds to the millisecond, due times are whole ms). */
  ts_junit j;
  load_junit(&j);
  double at[16];
  int k = attempt_times(&j, "wait [valid]", at, 16);
  cr_expect_eq(k, n, "the report lists %d attempts, the target saw %d", k, n);
  double wait = 0.100;
  for (int i = 1; i < k; i++, wait *= 2)
    cr_expect_geq(at[i] - at[i - 1], wait - 0.002,
                  "no backoff: attempt %d started %.3fs after the one before, the wait is %.3fs",
                  i + 1, at[i] - at[i - 1], wait);
  cJSON_Delete(log);
  ts_junit_free(&j);
  ts_gauntlet_free(&g);
  free(suite);
}

Test(run_poll, never_ready_fails_with_attempts_and_time_and_skips_dependants) {
  const char *extra[] = {"--never-done", NULL};
  start_target(extra);
  char *suite = write_suite(
      "{until: {jsonpath: {$.finished: true}}, every: 250ms, timeout: 1200ms}", "{status: 200}");
  ts_gauntlet g;
  run(&g, suite, NULL);
  cr_expect_eq(g.exit_code, 1, "exit %d\nstderr: %s", g.exit_code, g.err);
  ts_junit j;
  load_junit(&j);
  char *m = ts_case_mismatch(&j, "wait [valid]", TS_CASE_FAILURE, "poll");
  cr_expect_null(m, "%s", m);
  free(m);
  const ts_case *c = ts_junit_find(&j, "wait [valid]");
  cr_assert_not_null(c);
  cJSON *log = target_log();
  long ms[16];
  int n = gets_of(log, "/jobs/j1", ms, 16);
  /* at 0, 250, 500, 750 and 1000 ms; the next (1250) would pass the timeout (1200) */
  /* attempts start 250 ms after the start of the one before: a late one
   * (a loaded machine) leaves room for one fewer */
  cr_expect(n == 4 || n == 5, "the target saw %d polls", n);
  char *want = ts_fmt("poll.until: expected an answer matching poll.until within 1.2s, got not met "
                      "after %d attempts in 1.",
                      n);
  cr_expect(c->message && strstr(c->message, want), "message: %s", c->message);
  cr_expect(c->message && strstr(c->message, "last answer: jsonpath $.finished"), "message: %s",
            c->message);
  free(want);
  /* the capture came from the final answer all the same (it exists), so the
   * dependant runs */
  cr_expect(logged(log, "/after/5"), "dependant did not run with polls=5");
  cJSON_Delete(log);
  ts_junit_free(&j);
  ts_gauntlet_free(&g);
  free(suite);
}

/* The spacing is measured where --rate acts: gauntlet's own start times of
 * the attempts (the report), not their arrival at the target, which a loaded
 * machine can bunch up (a delayed first request arrives close to the next). */
Test(run_poll, attempts_count_against_rate) {
  const char *extra[] = {"--done-after-polls", "3", NULL};
  start_target(extra);
  char *suite = write_suite("{until: {jsonpath: {$.finished: true}}, every: 50ms, timeout: 20s}",
                            "{status: 200}");
  ts_gauntlet g;
  run(&g, suite, "4");
  cr_expect_eq(g.exit_code, 0, "exit %d\nstderr: %s", g.exit_code, g.err);
  cJSON *log = target_log();
  long ms[16];
  cr_expect_eq(gets_of(log, "/jobs/j1", ms, 16), 3, "the target saw other than 3 polls");
  ts_junit j;
  load_junit(&j);
  double at[16];
  int n = attempt_times(&j, "wait [valid]", at, 16);
  cr_expect_eq(n, 3, "the report lists %d attempts", n);
  /* 250 ms apart at least; the report rounds to the millisecond */
  for (int i = 1; i < n; i++)
    cr_expect_geq(at[i] - at[i - 1], 0.249,
                  "--rate 4 allows one request per 250 ms, attempt %d started %.3fs after the one "
                  "before",
                  i + 1, at[i] - at[i - 1]);
  cJSON_Delete(log);
  ts_junit_free(&j);
  ts_gauntlet_free(&g);
  free(suite);
}

Test(run_poll, bad_poll_blocks_are_load_errors) {
  port = 9;
  struct {
    const char *poll, *where;
  } bad[] = {
      {"{every: 1s}", "suite.yaml:13:11: poll: missing required key 'until'"},
      {"{until: {status: 200}, every: 5s, timeout: 1s}",
       "suite.yaml:13:41: poll.every (5000ms) is longer than poll.timeout (1000ms)"},
      {"{until: {status: 200}, backoff: linear}",
       "suite.yaml:13:43: poll.backoff: expected exponential or constant, got 'linear'"},
      {"{until: {status: 999}}", "suite.yaml:13:28: status 999 is out of range 100..599"},
      {"{until: {stauts: 200}}", "unknown key 'stauts' in poll.until (did you mean 'status'?)"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    char *suite = write_suite(bad[i].poll, "{status: 200}");
    ts_gauntlet g;
    run(&g, suite, NULL);
    cr_expect_eq(g.exit_code, 2, "[%s] exit %d", bad[i].poll, g.exit_code);
    cr_expect(strstr(g.err, bad[i].where), "[%s] stderr: %s", bad[i].poll, g.err);
    ts_gauntlet_free(&g);
    free(suite);
  }
}

/* gauntlet serve as the target: `store.later` makes a stored job finish
 * 600 ms after it was created; the suite polls it every 200 ms. The first
 * answers say finished: false, then true: the case passes after 4 or 5
 * attempts, and a second run against a never-finishing job (later: 1h)
 * fails with the poll check. */
Test(run_poll, serve_store_later_finishes_a_job_after_a_delay) {
  char *suite = ts_fmt("%s/serve.yaml", dir);
  const char *text =
      "suite: later\n"
      "base_url: http://127.0.0.1:1\n"
      "scenarios:\n"
      "  - name: create\n"
      "    request: {method: POST, path: /jobs, json: {}}\n"
      "    expect: {status: 201, json: {id: !string}}\n"
      "    capture: {job: $.id}\n"
      "    faults: none\n"
      "    respond:\n"
      "      store:\n"
      "        collection: jobs\n"
      "        id: ${new.id}\n"
      "        record: {id: \"${new.id}\", finished: false}\n"
      "        later: {after: \"${JOB_TIME:-600ms}\", record: {finished: true}}\n"
      "      status: 201\n"
      "      json: {id: \"${new.id}\"}\n"
      "  - name: wait\n"
      "    request: {method: GET, path: \"/jobs/${job}\"}\n"
      "    poll: {until: {jsonpath: {$.finished: true}}, every: 200ms, timeout: 5s}\n"
      "    expect: {status: 200, json: {finished: true}}\n"
      "    faults: none\n"
      "    respond:\n"
      "      lookup: {collection: jobs, id: \"${path.job}\"}\n"
      "      json: ${record}\n";
  cr_assert(ts_write_file(suite, text, strlen(text)));
  for (int never = 0; never < 2; never++) {
    const char *suites[] = {suite, NULL};
    const char *env[] = {never ? "JOB_TIME=1h" : "JOB_TIME=600ms", NULL};
    ts_serve_opts so = {.suites = suites, .env = env, .dir = dir, .name = never ? "s2" : "s1"};
    ts_serve sv;
    cr_assert(ts_serve_start(&sv, &so), "serve did not start");
    char *base = ts_fmt("--base-url=http://127.0.0.1:%d", sv.port);
    char *junit = ts_fmt("%s/serve-%d.xml", dir, never);
    const char *args[] = {"run", "-q", base, "--junit", junit, suite, NULL};
    ts_gauntlet g;
    ts_gauntlet_run(&g, dir, args, NULL, 60000);
    cr_expect_eq(g.exit_code, never ? 1 : 0, "exit %d\n%s%s", g.exit_code, g.out, g.err);
    ts_junit j;
    cr_assert(ts_junit_load(junit, &j));
    char *m = ts_case_mismatch(&j, "wait [valid]", never ? TS_CASE_FAILURE : TS_CASE_PASS,
                               never ? "poll" : NULL);
    cr_expect_null(m, "%s", m);
    free(m);
    char *xml = ts_read_file(junit, NULL);
    /* 200 ms from the start of one attempt to the next: 25 on an idle
     * machine, fewer when attempts start late (a loaded machine) */
    if (never) {
      const char *at = strstr(xml, "poll: ");
      int attempts = at ? atoi(at + 6) : 0;
      cr_expect(attempts >= 12 && attempts <= 26, "%d attempts", attempts);
      cr_expect(strstr(xml, "until not met (timeout 5.0s)"), "%s", xml);
    } else {
      cr_expect(strstr(xml, "poll: 4 attempts in ") || strstr(xml, "poll: 5 attempts in "), "%s",
                xml);
    }
    free(xml);
    ts_junit_free(&j);
    ts_gauntlet_free(&g);
    free(base);
    free(junit);
    ts_serve_stop(&sv, true, 5000);
    ts_serve_free(&sv);
  }
  free(suite);
}
