/* test_support_sanitizer.c — the test support notices a sanitizer report in a
 * child's stderr even when the child's exit code looks like an expected one
 * (under ASan a leak at exit is exit 1, gauntlet's "a case failed"). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

static int run_sh(const char *script, const char *err_path, ts_proc *p) {
  const char *argv[] = {"/bin/sh", "-c", script, NULL};
  return ts_run(argv, NULL, NULL, err_path, 10000, p);
}

Test(support_sanitizer, leak_report_overrides_exit_code) {
  ts_proc p;
  int rc = run_sh("echo '==7==ERROR: LeakSanitizer: detected memory leaks' >&2; exit 1", NULL, &p);
  cr_expect_eq(rc, TS_EXIT_SANITIZER);
  cr_expect(p.sanitizer_report);
}

Test(support_sanitizer, asan_and_ubsan_reports_in_a_kept_stderr) {
  char *dir = ts_tempdir();
  char *err = ts_fmt("%s/err", dir);
  ts_proc p;
  cr_expect_eq(run_sh("echo '==7==ERROR: AddressSanitizer: heap-use-after-free' >&2", err, &p),
               TS_EXIT_SANITIZER);
  cr_expect_eq(run_sh("echo 'x.c:3:9: runtime error: signed integer overflow' >&2", err, &p),
               TS_EXIT_SANITIZER);
  /* the file the test asked for is kept */
  char *text = ts_read_file(err, NULL);
  cr_expect(text && strstr(text, "runtime error"));
  free(text);
  ts_rmtree(dir);
  free(dir);
  free(err);
}

Test(support_sanitizer, clean_stderr_keeps_the_exit_code) {
  ts_proc p;
  /* gauntlet's usage text mentions "3 runtime error,": not a report */
  cr_expect_eq(run_sh("echo 'exit codes: 3 runtime error, 130 interrupted' >&2; exit 3", NULL, &p),
               3);
  cr_expect_not(p.sanitizer_report);
  cr_expect_null(ts_sanitizer_finding("all good\n"));
  const char *t = "line one\n==1==ERROR: LeakSanitizer: detected\n";
  cr_expect_eq(ts_sanitizer_finding(t), t + 9);
}
