/* test_console.c — the console reporter.
 *
 * Console output goes to a memory FILE. (The repro command: test_repro.c.) */
#include <criterion/criterion.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/report.h"

typedef struct capture {
  char *data;
  size_t len;
  FILE *f;
} capture;

static gt_console *console(capture *cap, bool color, bool progress, bool quiet, bool verbose) {
  cap->data = NULL, cap->len = 0;
  cap->f = open_memstream(&cap->data, &cap->len);
  gt_console_opts o = {
      .out = cap->f, .color = color, .progress = progress, .quiet = quiet, .verbose = verbose};
  return gt_console_new(&o);
}

static char *finish(capture *cap, gt_console *c) {
  gt_console_free(c);
  fclose(cap->f);
  return cap->data; /* caller frees */
}

static gt_case_result failure(void) {
  return (gt_case_result){.classname = "buddybuild",
                          .name = "list apps [unauthenticated]",
                          .kind = GT_RESULT_FAIL,
                          .message = "status: expected 401, got 200",
                          .type = "status",
                          .detail = "status: expected 401, got 200\nbody: expected an error object",
                          .system_out = "GET /apps HTTP/1.1",
                          .repro = "curl -sS -X GET 'http://127.0.0.1:1/apps'",
                          .time = 0.25};
}

static gt_case_result simple(gt_result_kind kind, const char *name) {
  return (gt_case_result){.classname = "buddybuild",
                          .name = name,
                          .kind = kind,
                          .message = kind == GT_RESULT_SKIP ? "needs jwt_secret" : "refused",
                          .system_out = "SYSTEM-OUT-TEXT",
                          .time = 0.042};
}

static const char *last_line(const char *s) {
  size_t n = strlen(s);
  cr_assert(n > 0 && s[n - 1] == '\n');
  const char *p = s + n - 1;
  while (p > s && p[-1] != '\n')
    p--;
  return p;
}

static bool ci_line_matches(const char *line) {
  regex_t re;
  cr_assert_eq(regcomp(&re, "^([[:alnum:]_]+: )?[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$",
                       REG_EXTENDED | REG_NOSUB),
               0);
  char buf[256];
  snprintf(buf, sizeof buf, "%s", line);
  buf[strcspn(buf, "\n")] = 0;
  bool ok = regexec(&re, buf, 0, NULL, 0) == 0;
  regfree(&re);
  return ok;
}

Test(console, failure_block_and_summary) {
  capture cap;
  gt_console *c = console(&cap, false, false, false, false);
  gt_console_set_total(c, 4);
  gt_case_result pass = simple(GT_RESULT_PASS, "list apps [valid]");
  gt_case_result fail = failure();
  gt_case_result err = simple(GT_RESULT_ERROR, "list apps [plain_http]");
  gt_case_result skip = simple(GT_RESULT_SKIP, "list apps [jwt_expired]");
  gt_console_case(c, &pass);
  gt_console_case(c, &fail);
  gt_console_case(c, &err);
  gt_console_case(c, &skip);
  gt_console_summary(c, 42, "reports/junit.xml", 1.2344);
  char *out = finish(&cap, c);
  const char *want_block = "FAIL buddybuild \xe2\x80\xba list apps [unauthenticated]\n"
                           "  status: expected 401, got 200\n"
                           "    status: expected 401, got 200\n"
                           "    body: expected an error object\n"
                           "  reproduce:\n"
                           "    curl -sS -X GET 'http://127.0.0.1:1/apps'\n";
  cr_assert(strstr(out, want_block), "got:\n%s", out);
  cr_assert(strstr(out, "ERROR buddybuild \xe2\x80\xba list apps [plain_http]\n  refused\n"));
  cr_assert_null(strstr(out, "[valid]"), "passes are silent unless verbose");
  cr_assert_null(strstr(out, "SKIP"), "skips are silent unless verbose");
  cr_assert_null(strstr(out, "SYSTEM-OUT-TEXT"), "system out only when verbose");
  cr_assert_null(strchr(out, '\033'), "no colour");
  cr_assert(strstr(out, "1 error in 1.234s (seed 42) \xe2\x80\x94 report: reports/junit.xml\n"
                        "gauntlet: 1 passed, 2 failed, 1 skipped\n"),
            "got:\n%s", out);
  cr_assert(ci_line_matches(last_line(out)));
  free(out);
}

Test(console, ci_regex_rejects_other_lines) {
  /* guards the regex used above */
  cr_assert_not(ci_line_matches("1 error in 1.234s (seed 42)"));
  cr_assert_not(ci_line_matches("gauntlet: 1 passed, 2 failed, 1 errors, 1 skipped"));
  cr_assert(ci_line_matches("gauntlet: 1 passed, 2 failed"));
}

Test(console, verbose_prints_passes_skips_and_output) {
  capture cap;
  gt_console *c = console(&cap, false, false, false, true);
  gt_case_result pass = simple(GT_RESULT_PASS, "list apps [valid]");
  gt_case_result skip = simple(GT_RESULT_SKIP, "list apps [jwt_expired]");
  gt_console_case(c, &pass);
  gt_console_case(c, &skip);
  gt_console_summary(c, 7, NULL, 0);
  char *out = finish(&cap, c);
  cr_assert(strstr(out, "ok buddybuild \xe2\x80\xba list apps [valid] (0.042s)\n"), "%s", out);
  cr_assert(
      strstr(out, "SKIP buddybuild \xe2\x80\xba list apps [jwt_expired]\n  needs jwt_secret\n"));
  cr_assert(strstr(out, "    SYSTEM-OUT-TEXT\n"));
  cr_assert(strstr(out, "0 errors in 0.000s (seed 7)\ngauntlet: 1 passed, 0 failed, 1 skipped\n"),
            "%s", out);
  free(out);
}

Test(console, quiet_prints_only_the_summary) {
  capture cap;
  gt_console *c = console(&cap, true, true, true, true);
  gt_case_result fail = failure();
  gt_console_case(c, &fail);
  gt_console_summary(c, 1, "r.xml", 2);
  char *out = finish(&cap, c);
  cr_assert_str_eq(out, "0 errors in 2.000s (seed 1) \xe2\x80\x94 report: r.xml\n"
                        "gauntlet: 0 passed, 1 failed, 0 skipped\n");
  free(out);
}

Test(console, colour_only_when_asked_and_never_on_the_ci_line) {
  capture cap;
  gt_console *c = console(&cap, true, false, false, true);
  gt_case_result fail = failure();
  gt_case_result pass = simple(GT_RESULT_PASS, "p");
  gt_console_case(c, &fail);
  gt_console_case(c, &pass);
  gt_console_summary(c, 1, NULL, 1);
  char *out = finish(&cap, c);
  cr_assert(strstr(out, "\033[1;31mFAIL\033[0m buddybuild"));
  cr_assert(strstr(out, "\033[32mok\033[0m buddybuild"));
  cr_assert(strstr(out, "\033[2m"), "details dimmed");
  cr_assert(ci_line_matches(last_line(out)));
  free(out);
}

Test(console, progress_line_is_cleared_before_blocks) {
  capture cap;
  gt_console *c = console(&cap, false, true, false, false);
  gt_console_set_total(c, 3);
  gt_case_result pass = simple(GT_RESULT_PASS, "p");
  gt_case_result fail = failure();
  gt_console_case(c, &pass);
  gt_console_case(c, &fail);
  gt_console_summary(c, 1, NULL, 1);
  char *out = finish(&cap, c);
  cr_assert(strstr(out, "\r\033[K[1/3] 0 failed, "), "%s", out);
  cr_assert(strstr(out, " cases/s\r\033[KFAIL buddybuild"), "%s", out);
  cr_assert(strstr(out, "\r\033[K[2/3] 1 failed, "));
  cr_assert(strstr(out, "\r\033[K0 errors in"), "summary clears the progress line");
  cr_assert(ci_line_matches(last_line(out)));
  free(out);
}
