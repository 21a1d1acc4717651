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
    /* The four linked scenarios (12 cases) are one group; the rest are 3 each. */
    int chain = 0;
    for (size_t i = 0; i < cases.count; i++) {
      const char *sc = suite->scenarios[cases.items[i].scenario].name;
      if (!strcmp(sc, "create") || !strcmp(sc, "read created") || !strcmp(sc, "update") ||
          !strcmp(sc, "delete")) {
        if (!chain) chain = owner[i];
        cr_assert_eq(owner[i], chain, "capture group split across shards (n=%d)", n);
      }
    }
    cr_assert_leq(max - min, 12, "shards balanced by case count (n=%d: %zu..%zu)", n, min, max);
    free(owner);
  }
}
