/* test_select.c — which cases a run executes: --filter globs, --tag, and
 * --shard (a deterministic, balanced partition that keeps capture groups). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "fault/fault.h"
#include "run/run.h"
#include "suite/suite.h"

static gt_suite *suite;
static gt_case_list cases;

/* 24 scenarios: 20 independent reads tagged by parity, and a chain of four
 * linked by captures (create -> read -> update -> delete). */
static void setup(void) {
  gt_buf y;
  gt_buf_init(&y);
  gt_buf_adds(&y, "suite: sel\nbase_url: http://127.0.0.1:9/v1\n"
                  "profile: {profile: p, auth: {scheme: bearer, token: abcdefgh},\n"
                  "          faults: {default: [unauthenticated, invalid_token]}}\n"
                  "scenarios:\n");
  for (int i = 0; i < 20; i++)
    gt_buf_printf(&y,
                  "  - name: read %d\n    tags: [%s]\n    request: {method: GET, path: /r/%d}\n"
                  "    expect: {status: 200}\n",
                  i, i % 2 ? "odd" : "even", i);
  gt_buf_adds(
      &y,
      "  - name: create\n    request: {method: POST, path: /c, json: {a: 1}}\n"
      "    expect: {status: 201}\n    capture: {id: $.id}\n"
      "  - name: read created\n    request: {method: GET, path: \"/c/${id}\"}\n"
      "    expect: {status: 200}\n    capture: {etag: {header: ETag}}\n"
      "  - name: update\n    request: {method: PUT, path: \"/c/${id}\", json: {e: \"${etag}\"}}\n"
      "    expect: {status: 200}\n"
      "  - name: delete\n    request: {method: DELETE, path: \"/c/${id}\"}\n"
      "    expect: {status: 204}\n");
  gt_load_opts lo = {.use_env = false};
  gt_err err = {0};
  suite = gt_suite_load_string("sel.yaml", y.data, y.len, &lo, &err);
  gt_buf_free(&y);
  cr_assert_not_null(suite, "load: %s", err.msg);
  gt_expand_opts eo = {0};
  cr_assert(gt_cases_expand(suite, &eo, &cases, &err), "expand: %s", err.msg);
  cr_assert_eq(cases.count, 24 * 3);
}

static void teardown(void) {
  gt_case_list_free(&cases);
  gt_suite_free(suite);
}

TestSuite(select, .init = setup, .fini = teardown);

static size_t count_selected(const gt_run_opts *o, bool *sel) {
  gt_run_select(suite, &cases, o, sel);
  size_t n = 0;
  for (size_t i = 0; i < cases.count; i++)
    n += sel[i];
  return n;
}

Test(select, glob) {
  cr_assert(gt_glob_match("*", ""));
  cr_assert(gt_glob_match("read *[valid]", "read 12 [valid]")); /* brackets are literal */
  cr_assert_not(gt_glob_match("read *[valid]", "read 12 v"));
  cr_assert(gt_glob_match("read *\\[valid]", "read 12 [valid]")); /* \ escapes any char */
  cr_assert(gt_glob_match("a\\*b", "a*b"));
  cr_assert_not(gt_glob_match("a\\*b", "axxb"));
  cr_assert(gt_glob_match("a\\?b", "a?b"));
  cr_assert_not(gt_glob_match("a\\?b", "axb"));
  cr_assert(gt_glob_match("a\\\\b", "a\\b"));
  cr_assert(gt_glob_match("read ?? *", "read 12 [valid]"));
  cr_assert(gt_glob_match("*unauth*", "read 1 [unauthenticated]"));
  cr_assert_not(gt_glob_match("*unauth", "read 1 [unauthenticated]"));
  cr_assert_not(gt_glob_match("[a-c]*", "create [valid]"));
  cr_assert(gt_glob_match("[a-c]*", "[a-c] x"));
  cr_assert(gt_glob_match("trailing\\", "trailing\\")); /* a lone final \ is itself */
}

Test(select, filter_and_tags) {
  bool sel[72];
  gt_run_opts o = {.filter = "*[valid]"};
  cr_assert_eq(count_selected(&o, sel), 24);
  o.filter = "sel \xe2\x80\xba read 1? *"; /* the full id form */
  cr_assert_eq(count_selected(&o, sel), 10 * 3);
  const char *tags[] = {"odd"};
  gt_run_opts t = {.tags = tags, .n_tags = 1};
  cr_assert_eq(count_selected(&t, sel), 10 * 3);
  const char *ids[] = {"sel \xe2\x80\xba read 12 [valid]", "delete [invalid_token]"};
  gt_run_opts c = {.case_ids = ids, .n_case_ids = 2};
  cr_assert_eq(count_selected(&c, sel), 2);
  cr_assert_eq(gt_run_count_matching(suite, &cases, &c), 2);
}

Test(select, shards_partition_balance_and_keep_capture_groups) {
  for (int n = 1; n <= 6; n++) {
    int *owner = calloc(cases.count, sizeof *owner);
    size_t min = (size_t)-1, max = 0;
    for (int k = 1; k <= n; k++) {
      bool sel[72], again[72];
      gt_run_opts o = {.shard_k = k, .shard_n = n};
      size_t got = count_selected(&o, sel);
      gt_run_select(suite, &cases, &o, again);
      cr_assert_eq(memcmp(sel, again, sizeof sel), 0, "shard %d/%d is deterministic", k, n);
      for (size_t i = 0; i < cases.count; i++)
        if (sel[i]) {
          cr_assert_eq(owner[i], 0, "case %zu in two shards (n=%d)", i, n);
          owner[i] = k;
        }
      if (got < min) min = got;
      if (got > max) max = got;
    }
    for (size_t i = 0; i < cases.count; i++)
      cr_assert_neq(owner[i], 0, "case '%s' in no shard (n=%d)", cases.items[i].name, n);
    /* The four linked scenarios are one group: its valid cases, and the
     * fault cases of the three that depend on `create` (a POST, which this
     * suite does not allow to replay), stay in one shard. `create` itself
     * depends on nothing: its fault cases may go anywhere. */
    int chain = 0;
    for (size_t i = 0; i < cases.count; i++) {
      const char *sc = suite->scenarios[cases.items[i].scenario].name;
      bool create_fault = !strcmp(sc, "create") && cases.items[i].fault != GT_FAULT_VALID;
      if (!create_fault && (!strcmp(sc, "create") || !strcmp(sc, "read created") ||
                            !strcmp(sc, "update") || !strcmp(sc, "delete"))) {
        if (!chain) chain = owner[i];
        cr_assert_eq(owner[i], chain, "capture group split across shards (n=%d)", n);
      }
    }
    cr_assert_leq(max - min, 10, "shards balanced by case count (n=%d: %zu..%zu)", n, min, max);
    free(owner);
  }
}

/* With `shard: { replay_writes: true }` fault cases of the chain may run in
 * any shard: that shard then replays (runs, does not report) the valid cases
 * they depend on. Every case is still reported by exactly one shard. */
Test(select, replay_writes_moves_chain_faults_and_replays_their_dependencies) {
  gt_suite_free(suite);
  gt_case_list_free(&cases);
  gt_buf y;
  gt_buf_init(&y);
  gt_buf_adds(&y, "suite: rw\nbase_url: http://127.0.0.1:9/v1\nshard: {replay_writes: true}\n"
                  "profile: {profile: p, auth: {scheme: bearer, token: abcdefgh},\n"
                  "          faults: {default: [unauthenticated, invalid_token]}}\n"
                  "scenarios:\n"
                  "  - name: create\n    request: {method: POST, path: /c, json: {a: 1}}\n"
                  "    capture: {id: $.id}\n");
  for (int i = 0; i < 8; i++)
    gt_buf_printf(&y, "  - name: use %d\n    request: {method: GET, path: \"/c/${id}/%d\"}\n", i,
                  i);
  gt_load_opts lo = {.use_env = false};
  gt_err err = {0};
  suite = gt_suite_load_string("rw.yaml", y.data, y.len, &lo, &err);
  gt_buf_free(&y);
  cr_assert_not_null(suite, "load: %s", err.msg);
  gt_expand_opts eo = {0};
  cr_assert(gt_cases_expand(suite, &eo, &cases, &err), "expand: %s", err.msg);
  cr_assert_eq(cases.count, 27);
  int n = 3;
  int owner[27] = {0};
  size_t replays = 0, min = 99, max = 0;
  for (int k = 1; k <= n; k++) {
    bool sel[27], replay[27];
    gt_run_opts o = {.shard_k = k, .shard_n = n};
    gt_run_select_shard(suite, &cases, &o, NULL, sel, replay);
    size_t here = 0;
    for (size_t i = 0; i < cases.count; i++) {
      if (sel[i]) {
        cr_assert_eq(owner[i], 0, "case %zu in two shards", i);
        owner[i] = k;
        here++;
      }
      cr_assert(!(sel[i] && replay[i]), "a case both reported and replayed");
      if (replay[i]) {
        cr_assert_str_eq(cases.items[i].name, "create [valid]", "only create is replayed");
        replays++;
      }
    }

    /* a shard that reports a `use` fault case but not create's valid case replays it */
    bool has_use = false, has_create = false, replays_create = false;
    for (size_t i = 0; i < cases.count; i++) {
      const char *sc = suite->scenarios[cases.items[i].scenario].name;
      if (sel[i] && !strncmp(sc, "use", 3)) has_use = true;
      if (sel[i] && !strcmp(cases.items[i].name, "create [valid]")) has_create = true;
      if (replay[i]) replays_create = true;
    }
    cr_assert_eq(replays_create, has_use && !has_create, "shard %d: replay of create", k);
    size_t work = here + replays_create; /* balanced on what a shard sends */
    if (work < min) min = work;
    if (work > max) max = work;
  }
  for (size_t i = 0; i < cases.count; i++)
    cr_assert_neq(owner[i], 0, "case '%s' in no shard", cases.items[i].name);
  cr_assert_eq(replays, 2, "create is replayed by the two shards that do not own it");
  cr_assert_leq(max - min, 1, "shards balanced: %zu..%zu", min, max);
}
