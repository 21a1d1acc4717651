/* test_run_select.c — which cases `gauntlet run` sends: --filter treats '['
 * and ']' literally ('*' and '?' are wildcards, '\' escapes), a selection
 * that matches nothing exits 2 before anything is sent, an empty shard exits
 * 0, and --case keeps exactly one case id (names with '*', '?' and quotes). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

static char *dir;
static ts_target target;
static int port;
static char *base_env;
static char *suite;
static char *junit;

static void setup(void) {
  dir = ts_tempdir();
  cr_assert(dir);
  cr_assert(ts_api_start(&target, dir, &port, NULL), "target_api did not start");
  base_env = ts_fmt("BASE_URL=http://127.0.0.1:%d", port);
  suite = ts_fmt("%s/tests/fixtures/integration/select.yaml", SOURCE_DIR);
  junit = ts_fmt("%s/junit.xml", dir);
}

static void teardown(void) {
  cr_expect(ts_target_stop(&target), "target died");
  ts_rmtree(dir);
  free(dir);
  free(base_env);
  free(suite);
  free(junit);
}

TestSuite(run_select, .init = setup, .fini = teardown, .timeout = 60);

/* Runs `gauntlet run --junit J <extra...> SUITE`; returns the exit code. */
static int run_with(ts_gauntlet *g, const char *a1, const char *a2, const char *a3,
                    const char *a4) {
  const char *args[9] = {"run", "--junit", junit};
  size_t n = 3;
  const char *extra[] = {a1, a2, a3, a4};
  for (size_t i = 0; i < 4 && extra[i]; i++)
    args[n++] = extra[i];
  args[n++] = suite;
  args[n] = NULL;
  const char *env[] = {base_env, "API_TOKEN=t0k3n-secret-value", NULL};
  return ts_gauntlet_run(g, dir, args, env, 30000);
}

static int by_name(const void *a, const void *b) {
  return strcmp(((const ts_case *)a)->name, ((const ts_case *)b)->name);
}

/* The names of the report's cases in byte order (cases finish in any order),
 * one per line. */
static char *names(void) {
  ts_junit j;
  if (!ts_junit_load(junit, &j)) return strdup("(no report)");
  if (j.n) qsort(j.cases, j.n, sizeof *j.cases, by_name);
  char *out = strdup("");
  for (size_t i = 0; i < j.n; i++) {
    char *next = ts_fmt("%s%s\n", out, j.cases[i].name);
    free(out);
    out = next;
  }
  ts_junit_free(&j);
  return out;
}

Test(run_select, filter_brackets_are_literal) {
  ts_gauntlet g;
  run_with(&g, "--filter", "*[valid]", NULL, NULL);
  cr_expect_eq(g.exit_code, 0, "exit %d\nstderr: %s", g.exit_code, g.err);
  char *n = names();
  cr_expect_str_eq(n, "it's \"quoted\" [valid]\nlist * items? [valid]\nlist items [valid]\n");
  free(n);
  ts_gauntlet_free(&g);
}

Test(run_select, filter_wildcards_and_escapes) {
  ts_gauntlet g;
  /* '\*' is a literal star: only the scenario whose name has one. */
  run_with(&g, "--filter", "list \\** [unauth?nticated]", NULL, NULL);
  cr_expect_eq(g.exit_code, 0, "exit %d\nstderr: %s", g.exit_code, g.err);
  char *n = names();
  cr_expect_str_eq(n, "list * items? [unauthenticated]\n");
  free(n);
  ts_gauntlet_free(&g);
}

Test(run_select, filter_matching_nothing_exits_2_with_a_hint_and_sends_nothing) {
  ts_gauntlet g;
  run_with(&g, "--filter", "*[no such fault]", NULL, NULL);
  cr_expect_eq(g.exit_code, 2, "exit %d\nstderr: %s", g.exit_code, g.err);
  cr_expect(strstr(g.err, "no case matches --filter '*[no such fault]'"), "stderr: %s", g.err);
  cr_expect(strstr(g.err, "gauntlet list"), "the hint names `gauntlet list`: %s", g.err);
  cr_expect_eq(ts_api_count(port), 0, "requests were sent");
  ts_gauntlet_free(&g);

  const char *args[] = {"list", "--case", "select \xe2\x80\xba nothing [valid]", suite, NULL};
  ts_gauntlet_run(&g, dir, args, NULL, 30000);
  cr_expect_eq(g.exit_code, 2, "list: exit %d\nstderr: %s", g.exit_code, g.err);
  ts_gauntlet_free(&g);
}

Test(run_select, empty_shard_exits_0) {
  /* Six cases in 12 shards (cases spread one by one): shards 7 to 12 hold none. */
  ts_gauntlet g;
  run_with(&g, "--shard", "12/12", NULL, NULL);
  cr_expect_eq(g.exit_code, 0, "exit %d\nstdout: %s\nstderr: %s", g.exit_code, g.out, g.err);
  char *n = names();
  cr_expect_str_eq(n, "");
  free(n);
  cr_expect(ts_junit_validates(junit), "the empty report is valid JUnit");
  cr_expect_eq(ts_api_count(port), 0, "requests were sent");
  ts_gauntlet_free(&g);
  /* A filter that matches before sharding but not in this shard is an empty shard too. */
  run_with(&g, "--filter", "list items*", "--shard", "12/12");
  cr_expect_eq(g.exit_code, 0, "exit %d\nstderr: %s", g.exit_code, g.err);
  ts_gauntlet_free(&g);
}

Test(run_select, case_selects_exactly_one_id) {
  ts_gauntlet g;
  run_with(&g, "--case", "select \xe2\x80\xba list * items? [unauthenticated]", NULL, NULL);
  cr_expect_eq(g.exit_code, 0, "exit %d\nstderr: %s", g.exit_code, g.err);
  char *n = names();
  cr_expect_str_eq(n, "list * items? [unauthenticated]\n");
  free(n);
  ts_gauntlet_free(&g);

  /* Repeatable, quotes are plain characters, the bare name works too. */
  run_with(&g, "--case", "it's \"quoted\" [valid]", "--case",
           "select \xe2\x80\xba list items [invalid_token]");
  cr_expect_eq(g.exit_code, 0, "exit %d\nstderr: %s", g.exit_code, g.err);
  n = names();
  cr_expect_str_eq(n, "it's \"quoted\" [valid]\nlist items [invalid_token]\n");
  free(n);
  ts_gauntlet_free(&g);

  /* No wildcard meaning: '*' in --case is a star, so this id matches nothing. */
  run_with(&g, "--case", "select \xe2\x80\xba list * [valid]", NULL, NULL);
  cr_expect_eq(g.exit_code, 2, "exit %d\nstderr: %s", g.exit_code, g.err);
  ts_gauntlet_free(&g);
}

/* Filtered to the last of create -> delete -> read-deleted, the run still
 * deletes before it reads: the writing scenario between the kept one and its
 * capture provider is pulled back in state order (and reported); a writing
 * scenario outside the capture group is not. */
Test(run_select, filter_pulls_back_writes_in_state_order) {
  char *state = ts_fmt("%s/tests/fixtures/integration/state.yaml", SOURCE_DIR);
  const char *args[] = {"run", "--junit", junit, "--filter", "read deleted*", state, NULL};
  const char *env[] = {base_env, "API_TOKEN=t0k3n-secret-value", NULL};
  ts_gauntlet g;
  ts_gauntlet_run(&g, dir, args, env, 30000);
  cr_expect_eq(g.exit_code, 0, "exit %d\nstdout: %s\nstderr: %s", g.exit_code, g.out, g.err);
  char *n = names();
  cr_expect_str_eq(n, "create [valid]\ndelete [valid]\nread deleted [unauthenticated]\n"
                      "read deleted [valid]\n");
  free(n);
  ts_gauntlet_free(&g);
  free(state);
}
