/* test_bad_corpus.c — every file in tests/fixtures/bad/ is a broken suite
 * whose first line says what loading it must report:
 *   # expect: LINE:COL: substring of the message
 *   # expect: @include/frag.yaml:LINE:COL: substring   (the error is in that
 *             file, relative to tests/fixtures/bad: an included fragment)
 * "@DIR@" in the substring stands for the corpus directory. Each must fail
 * with GT_ERR_INPUT, in that file, at that position. All mismatches are
 * listed together so one run shows every broken case. Files in
 * subdirectories (profiles/, include/) are the parts those suites use. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "suite/suite.h"

#define BAD_DIR SOURCE_DIR "/tests/fixtures/bad"
#define MAX_FILES 500

typedef struct expectation {
  char file[512]; /* "" = the suite itself */
  int line, col;
  char sub[1024];
} expectation;

/* text with every "@DIR@" replaced by BAD_DIR, into out. */
static void expand_dir(const char *text, char *out, size_t cap) {
  gt_buf b;
  gt_buf_init(&b);
  for (const char *p = text; *p;) {
    const char *at = strstr(p, "@DIR@");
    if (!at) {
      gt_buf_printf(&b, "%s", p);
      break;
    }
    gt_buf_printf(&b, "%.*s%s", (int)(at - p), p, BAD_DIR);
    p = at + 5;
  }
  snprintf(out, cap, "%s", b.data ? b.data : "");
  gt_buf_free(&b);
}

static bool read_expectation(const char *path, expectation *x) {
  FILE *f = fopen(path, "rb");
  if (!f) return false;
  char first[1024] = {0};
  bool got = fgets(first, sizeof first, f) != NULL;
  fclose(f);
  if (!got) return false;
  first[strcspn(first, "\n")] = 0;
  int used = 0;
  const char *rest = first;
  x->file[0] = 0;
  if (!strncmp(first, "# expect: @", 11)) {
    const char *colon = strchr(first + 11, ':');
    if (!colon) return false;
    snprintf(x->file, sizeof x->file, "%s/%.*s", BAD_DIR, (int)(colon - first - 11), first + 11);
    rest = colon + 1;
    if (sscanf(rest, "%d:%d: %n", &x->line, &x->col, &used) != 2 || used == 0) return false;
  } else if (sscanf(first, "# expect: %d:%d: %n", &x->line, &x->col, &used) != 2 || used == 0) {
    return false;
  }
  expand_dir(rest + used, x->sub, sizeof x->sub);
  return x->sub[0] != 0;
}

/* "" when the file behaves as announced, else what went wrong. */
static void check_file(const char *path, gt_buf *problems) {
  expectation x;
  if (!read_expectation(path, &x)) {
    gt_buf_printf(problems, "%s: first line is not '# expect: LINE:COL: text'\n", path);
    return;
  }
  gt_load_opts opts = {.use_env = false};
  gt_err err = {0};
  gt_suite *s = gt_suite_load(path, &opts, &err);
  if (s) {
    gt_suite_free(s);
    gt_buf_printf(problems, "%s: loaded without error (wanted %d:%d: %s)\n", path, x.line, x.col,
                  x.sub);
    return;
  }
  char got[2048];
  gt_err_format(&err, got, sizeof got);
  const char *want_file = x.file[0] ? x.file : path;
  if (err.kind != GT_ERR_INPUT || strcmp(err.file, want_file) != 0 || err.line != x.line ||
      err.col != x.col || !strstr(err.msg, x.sub))
    gt_buf_printf(problems, "%s:\n    wanted %s:%d:%d: ...%s...\n    got    %s (kind %d)\n", path,
                  want_file, x.line, x.col, x.sub, got, err.kind);
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

Test(bad_corpus, every_file_fails_where_it_says) {
  DIR *d = opendir(BAD_DIR);
  cr_assert_not_null(d, "cannot open %s", BAD_DIR);
  char *files[MAX_FILES] = {0};
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL && n < MAX_FILES) {
    size_t len = strlen(e->d_name);
    if (len > 5 && !strcmp(e->d_name + len - 5, ".yaml"))
      files[n++] = gt_xasprintf("%s/%s", BAD_DIR, e->d_name);
  }
  closedir(d);
  qsort(files, n, sizeof *files, by_name);
  cr_assert_geq(n, 30, "the corpus must hold at least 30 broken suites (has %zu)", n);

  gt_buf problems;
  gt_buf_init(&problems);
  for (size_t i = 0; i < n; i++) {
    check_file(files[i], &problems);
    free(files[i]);
  }
  cr_assert_eq(problems.len, 0, "%zu files, mismatches:\n%s", n, problems.data);
  gt_buf_free(&problems);
}

Test(bad_corpus, error_messages_format_as_file_line_col) {
  gt_err err = {0};
  gt_load_opts opts = {.use_env = false};
  cr_assert_null(gt_suite_load(BAD_DIR "/status_99.yaml", &opts, &err));
  char out[2048];
  gt_err_format(&err, out, sizeof out);
  cr_assert_str_eq(out, BAD_DIR "/status_99.yaml:7:15: status 99 is out of range 100..599");
}
