/* test_run_shard.c — --shard with replays against a real target
 * (tests/targets/async_api.c): a shard that runs fault cases of a capture
 * chain it does not own first replays the valid cases they depend on (sent,
 * not reported); over all shards every case is reported exactly once. */
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
  port = ts_free_port();
  char *p = ts_fmt("%d", port);
  const char *args[] = {"--http-port", p, NULL};
  cr_assert(ts_target_start(&target, "async_api", args, port, dir), "async_api did not start");
  free(p);
}

static void teardown(void) {
  cr_expect(ts_target_stop(&target), "target died");
  ts_rmtree(dir);
  free(dir);
}

TestSuite(run_shard, .init = setup, .fini = teardown, .timeout = 120);

static int count_posts(void) {
  int status = 0;
  char *body = ts_http_get(port, "/__log", NULL, &status);
  cr_assert_eq(status, 200);
  cJSON *log = cJSON_Parse(body);
  free(body);
  int n = 0;
  const cJSON *r;
  cJSON_ArrayForEach(r, cJSON_GetObjectItem(log, "requests")) {
    n += !strcmp(cJSON_GetObjectItem(r, "method")->valuestring, "POST") &&
         !strcmp(cJSON_GetObjectItem(r, "path")->valuestring, "/jobs");
  }
  cJSON_Delete(log);
  return n;
}

Test(run_shard, replayed_dependencies_run_but_every_case_is_reported_once) {
  char *suite = ts_fmt("%s/suite.yaml", dir);
  char *text = ts_fmt("suite: shard\n"
                      "base_url: http://127.0.0.1:%d\n"
                      "shard: {replay_writes: true}\n"
                      "scenarios:\n"
                      "  - name: create\n"
                      "    request: {method: POST, path: /jobs, json: {}}\n"
                      "    expect: {status: 201}\n"
                      "    capture: {job: $.id}\n"
                      "    faults: none\n"
                      "  - name: read\n"
                      "    request: {method: GET, path: \"/jobs/${job}\"}\n"
                      "    expect: {status: 200, jsonpath: {$.id: \"${job}\"}}\n"
                      "    faults: [wrong_method]\n",
                      port);
  cr_assert(ts_write_file(suite, text, strlen(text)));
  free(text);
  /* 6 cases: create, read and read's 4 wrong_method cases */
  int seen[6] = {0};
  const char *names[6] = {"create [valid]",
                          "read [valid]",
                          "read [wrong_method #1 POST]",
                          "read [wrong_method #2 PUT]",
                          "read [wrong_method #3 PATCH]",
                          "read [wrong_method #4 DELETE]"};
  int shards_with_read_faults_not_owning = 0;
  for (int k = 1; k <= 3; k++) {
    char *junit = ts_fmt("%s/junit-%d.xml", dir, k);
    char *shard = ts_fmt("%d/3", k);
    const char *args[] = {"run", "-q", "--junit", junit, "--shard", shard, suite, NULL};
    ts_gauntlet g;
    ts_gauntlet_run(&g, dir, args, NULL, 60000);
    cr_expect_eq(g.exit_code, 0, "shard %d: exit %d\n%s%s", k, g.exit_code, g.out, g.err);
    ts_junit j;
    cr_assert(ts_junit_load(junit, &j));
    bool owns_create = false, has_fault = false;
    for (size_t i = 0; i < j.n; i++) {
      cr_expect_eq(j.cases[i].outcome, TS_CASE_PASS, "shard %d: %s: %s", k, j.cases[i].name,
                   j.cases[i].message);
      for (int c = 0; c < 6; c++)
        if (!strcmp(j.cases[i].name, names[c])) seen[c]++;
      if (!strcmp(j.cases[i].name, "create [valid]")) owns_create = true;
      if (!strncmp(j.cases[i].name, "read [wrong", 11)) has_fault = true;
    }
    shards_with_read_faults_not_owning += has_fault && !owns_create;
    ts_junit_free(&j);
    ts_gauntlet_free(&g);
    free(junit);
    free(shard);
  }
  for (int c = 0; c < 6; c++)
    cr_expect_eq(seen[c], 1, "'%s' reported %d times over the shards", names[c], seen[c]);
  /* the owner creates the job once; each other shard with read faults replays it */
  cr_expect_geq(shards_with_read_faults_not_owning, 1, "nothing was replayed: no test");
  cr_expect_eq(count_posts(), 1 + shards_with_read_faults_not_owning);
  free(suite);
}
