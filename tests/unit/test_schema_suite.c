/* test_schema_suite.c — the official JSON-Schema-Test-Suite (Debian's
 * json-schema-test-suite package, installed by scripts/install-deps.sh) for
 * draft-04, draft-06 and draft-07, plus the project's own 2020-12 tests in
 * the same format (tests/fixtures/schema/2020-12/).
 *
 * Every required test must pass. Optional tests (optional/: format, bignum,
 * ecmascript-regex, ...) run with strict formats; their pass counts are
 * printed and every failure is listed by name with the reason, and the pass
 * count may not drop below the recorded one (a regression guard).
 *
 * Each test runs both ways (gt_schema_valid, the verdict-only fast path, and
 * gt_schema_validate with errors) and the two must agree; an invalid verdict
 * must come with at least one error. The suite's remotes (URIs under
 * http://localhost:1234/) are read through a map to its remotes/ folder. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/buf.h"
#include "schema/schema.h"

#define SUITE_DEFAULT "/usr/share/json-schema-test-suite"
#define OWN_DIR SOURCE_DIR "/tests/fixtures/schema"

static const char *suite_dir(void) {
  const char *e = getenv("JSON_SCHEMA_TEST_SUITE");
  return e && *e ? e : SUITE_DEFAULT;
}

typedef struct tally {
  int passed, failed;
  gt_buf failures; /* one line per failure */
} tally;

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  gt_buf b;
  gt_buf_init(&b);
  char chunk[8192];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
    gt_buf_add(&b, chunk, n);
  fclose(f);
  if (!b.data) gt_buf_adds(&b, "");
  return gt_buf_steal(&b);
}

static void fail(tally *t, const char *file, const char *group, const char *test,
                 const char *reason) {
  t->failed++;
  gt_buf_printf(&t->failures, "  FAIL %s | %s | %s: %s\n", file, group, test, reason);
}

static const char *remotes_dir; /* what http://localhost:1234/ maps to */

static void run_file(const char *path, const char *name, gt_schema_dialect d, bool strict,
                     tally *t) {
  char *text = slurp(path);
  cr_assert(text, "cannot read %s", path);
  cJSON *groups = cJSON_Parse(text);
  free(text);
  cr_assert(groups && cJSON_IsArray(groups), "%s is not a JSON array", path);
  char remotes[1024];
  snprintf(remotes, sizeof remotes, "%s/remotes", suite_dir());
  gt_schema_map map = {"http://localhost:1234/", remotes_dir ? remotes_dir : remotes};
  gt_schema_opts o = {.dialect = d, .maps = &map, .n_maps = 1, .strict_formats = strict};
  const cJSON *g;
  cJSON_ArrayForEach(g, groups) {
    const char *gdesc = cJSON_GetStringValue(cJSON_GetObjectItem(g, "description"));
    const cJSON *tests = cJSON_GetObjectItem(g, "tests"), *tc;
    gt_err err = {0};
    gt_schema *s = gt_schema_compile_json(cJSON_GetObjectItem(g, "schema"), name, &o, &err);
    cJSON_ArrayForEach(tc, tests) {
      const char *tdesc = cJSON_GetStringValue(cJSON_GetObjectItem(tc, "description"));
      bool want = cJSON_IsTrue(cJSON_GetObjectItem(tc, "valid"));
      const cJSON *data = cJSON_GetObjectItem(tc, "data");
      char reason[1400];
      if (!s) {
        char msg[1200];
        gt_err_format(&err, msg, sizeof msg);
        snprintf(reason, sizeof reason, "schema rejected: %s", msg);
        fail(t, name, gdesc, tdesc, reason);
        continue;
      }
      bool fast = gt_schema_valid(s, data);
      gt_schema_result r = {0};
      bool full = gt_schema_validate(s, data, &r);
      if (fast != full) {
        snprintf(reason, sizeof reason, "fast path says %s, full validation says %s",
                 fast ? "valid" : "invalid", full ? "valid" : "invalid");
        fail(t, name, gdesc, tdesc, reason);
      } else if (!full && r.count == 0) {
        fail(t, name, gdesc, tdesc, "invalid without any error message");
      } else if (full != want) {
        if (full)
          snprintf(reason, sizeof reason, "expected invalid, got valid");
        else {
          char line[1024];
          gt_schema_error_format(&r.errors[0], line, sizeof line);
          snprintf(reason, sizeof reason, "expected valid, got: %s", line);
        }
        fail(t, name, gdesc, tdesc, reason);
      } else {
        t->passed++;
      }
      gt_schema_result_free(&r);
    }
    gt_schema_free(s);
  }
  cJSON_Delete(groups);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every *.json under dir (recursively); rel is the name shown in reports. */
static void run_dir(const char *dir, const char *rel, gt_schema_dialect d, bool strict, tally *t) {
  DIR *dp = opendir(dir);
  cr_assert(dp, "cannot open %s (is json-schema-test-suite installed? scripts/install-deps.sh)",
            dir);
  char *names[512] = {0};
  int n = 0;
  struct dirent *de;
  while ((de = readdir(dp)) && n < 512)
    if (de->d_name[0] != '.') names[n++] = strdup(de->d_name);
  closedir(dp);
  qsort(names, (size_t)n, sizeof *names, cmp_str);
  for (int i = 0; i < n; i++) {
    char path[2048], name[1024];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    snprintf(name, sizeof name, "%s%s%s", rel, *rel ? "/" : "", names[i]);
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
      run_dir(path, name, d, strict, t);
    else if (strlen(names[i]) > 5 && !strcmp(names[i] + strlen(names[i]) - 5, ".json"))
      run_file(path, name, d, strict, t);
    free(names[i]);
  }
}

/* Required: every file directly in the dialect folder. */
static void run_required(const char *dir, gt_schema_dialect d, const char *label) {
  tally t = {0};
  DIR *dp = opendir(dir);
  cr_assert(dp, "cannot open %s (is json-schema-test-suite installed? scripts/install-deps.sh)",
            dir);
  /* only the files directly in the folder: optional/ is run separately */
  char *names[512] = {0};
  int n = 0;
  struct dirent *de;
  while ((de = readdir(dp)) && n < 512)
    if (strlen(de->d_name) > 5 && !strcmp(de->d_name + strlen(de->d_name) - 5, ".json"))
      names[n++] = strdup(de->d_name);
  closedir(dp);
  qsort(names, (size_t)n, sizeof *names, cmp_str);
  for (int i = 0; i < n; i++) {
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    run_file(path, names[i], d, false, &t);
    free(names[i]);
  }
  printf("%s required: %d passed, %d failed\n%s", label, t.passed, t.failed,
         t.failures.data ? t.failures.data : "");
  fflush(stdout);
  cr_expect(t.passed > 0, "%s: no tests found in %s", label, dir);
  cr_expect(t.failed == 0, "%s: %d required tests failed:\n%s", label, t.failed,
            t.failures.data ? t.failures.data : "");
  gt_buf_free(&t.failures);
}

static void run_optional(const char *dir, gt_schema_dialect d, const char *label, int baseline) {
  tally t = {0};
  run_dir(dir, "optional", d, true, &t);
  printf("%s optional: %d passed, %d failed (of %d)\n%s", label, t.passed, t.failed,
         t.passed + t.failed, t.failures.data ? t.failures.data : "");
  fflush(stdout);
  cr_expect(t.passed >= baseline, "%s optional: %d passed, fewer than the recorded %d", label,
            t.passed, baseline);
  gt_buf_free(&t.failures);
}

static void dialect_tests(const char *folder, gt_schema_dialect d, const char *label,
                          int optional_baseline) {
  char dir[1024];
  snprintf(dir, sizeof dir, "%s/tests/%s", suite_dir(), folder);
  run_required(dir, d, label);
  snprintf(dir, sizeof dir, "%s/tests/%s/optional", suite_dir(), folder);
  run_optional(dir, d, label, optional_baseline);
}

/* Optional baselines: the pass counts recorded when this test was written. */
Test(schema_suite, draft4) {
  dialect_tests("draft4", GT_DIALECT_DRAFT4, "draft-04", 53);
}
Test(schema_suite, draft6) {
  dialect_tests("draft6", GT_DIALECT_DRAFT6, "draft-06", 97);
}
Test(schema_suite, draft7) {
  dialect_tests("draft7", GT_DIALECT_DRAFT7, "draft-07", 128);
}

/* The project's own 2020-12 tests (written from the 2020-12 Core and
 * Validation specifications): all required. */
Test(schema_suite, own_2020_12) {
  remotes_dir = OWN_DIR "/remotes";
  run_required(OWN_DIR "/2020-12", GT_DIALECT_2020_12, "2020-12 (own)");
}

/* Where ajv and gauntlet disagreed in the differential test (tests/schema-diff/):
 * each case says which side the specification supports (here: gauntlet's), so
 * the verdicts are pinned without ajv. */
Test(schema_suite, ajv_diff_regressions) {
  run_required(OWN_DIR "/diff-regressions/2020-12", GT_DIALECT_2020_12, "ajv regressions 2020-12");
  run_required(OWN_DIR "/diff-regressions/draft-07", GT_DIALECT_DRAFT7, "ajv regressions draft-07");
}
