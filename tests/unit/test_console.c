/* test_console.c — the console reporter and the repro curl command.
 *
 * Console output goes to a memory FILE; repro commands are executed by a real
 * shell with `curl` replaced by a function that prints its arguments, so the
 * quoting is checked by the shell itself, not by string comparison. */
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

/* ---- repro curl ---- */

/* Runs cmd with bash, curl replaced by a function printing one argument per
 * line as [arg], then the piped stdin (if @-) in hex. Returns the output. */
static char *run_repro(const char *cmd, const char *env) {
  char script[] = "/tmp/gt_repro_XXXXXX";
  int fd = mkstemp(script);
  cr_assert_geq(fd, 0);
  FILE *f = fdopen(fd, "w");
  fprintf(f,
          "curl() { for a in \"$@\"; do printf '[%%s]\\n' \"$a\"; done;\n"
          "  case \"$*\" in *@-*) od -An -v -tx1 | tr -s ' \\n' ' ';; esac; }\n"
          "%s\n%s\n",
          env ? env : "", cmd);
  fclose(f);
  char run[128];
  snprintf(run, sizeof run, "bash %s 2>&1", script);
  FILE *p = popen(run, "r");
  char *out = NULL;
  size_t n = 0;
  FILE *m = open_memstream(&out, &n);
  char buf[4096];
  size_t got;
  while ((got = fread(buf, 1, sizeof buf, p)) > 0)
    fwrite(buf, 1, got, m);
  pclose(p);
  fclose(m);
  unlink(script);
  return out;
}

Test(repro, simple_get) {
  char *cmd = gt_repro_curl("GET", "http://127.0.0.1:8080/apps?a=1&b=2", NULL, 0, NULL, 0, false);
  cr_assert_str_eq(cmd, "curl -sS -X GET 'http://127.0.0.1:8080/apps?a=1&b=2'");
  free(cmd);
}

Test(repro, head_uses_dash_i_and_insecure) {
  char *cmd = gt_repro_curl("HEAD", "https://h/", NULL, 0, NULL, 0, true);
  cr_assert_str_eq(cmd, "curl -sS --insecure -I 'https://h/'");
  free(cmd);
}

Test(repro, single_quotes_survive_the_shell) {
  const char *headers[] = {"X-Quote: it's \"fine\"", "Accept: */*"};
  const char body[] = "{\"name\":\"O'Brien $HOME `id`\"}";
  char *cmd = gt_repro_curl("POST", "http://h/a'b", headers, 2, body, sizeof body - 1, false);
  cr_assert(strstr(cmd, "'X-Quote: it'\\''s \"fine\"'"), "%s", cmd);
  char *out = run_repro(cmd, NULL);
  cr_assert_str_eq(out, "[-sS]\n[-X]\n[POST]\n[http://h/a'b]\n[-H]\n[X-Quote: it's \"fine\"]\n"
                        "[-H]\n[Accept: */*]\n[--data-binary]\n"
                        "[{\"name\":\"O'Brien $HOME `id`\"}]\n");
  free(out);
  free(cmd);
}

Test(repro, placeholders_expand_from_the_environment) {
  const char *headers[] = {"Authorization: Bearer ${TOKEN}"};
  char *cmd =
      gt_repro_curl("GET", "http://h/?k=${API_KEY}&x=${not a name}", headers, 1, NULL, 0, false);
  char *out = run_repro(cmd, "TOKEN=tok123; API_KEY=\"k'ey\"");
  cr_assert_str_eq(out,
                   "[-sS]\n[-X]\n[GET]\n[http://h/?k=k'ey&x=${not a name}]\n[-H]\n"
                   "[Authorization: Bearer tok123]\n",
                   "%s\n%s", cmd, out);
  free(out);
  free(cmd);
}

Test(repro, control_characters_use_ansi_c_quoting) {
  const char *headers[] = {"X-Evil: a\r\nInjected: b"};
  const char body[] = "line1\nline2\ttab \x01 \xff 'q' \\";
  char *cmd = gt_repro_curl("PUT", "http://h/", headers, 1, body, sizeof body - 1, false);
  cr_assert(strstr(cmd, "$'X-Evil: a\\r\\nInjected: b'"), "%s", cmd);
  cr_assert_null(strchr(cmd, '\n'), "the command stays on one line");
  char *out = run_repro(cmd, NULL);
  cr_assert_str_eq(out, "[-sS]\n[-X]\n[PUT]\n[http://h/]\n[-H]\n[X-Evil: a\r\nInjected: b]\n"
                        "[--data-binary]\n[line1\nline2\ttab \x01 \xff 'q' \\]\n");
  free(out);
  free(cmd);
}

Test(repro, nul_bytes_are_piped_with_printf) {
  const char body[] = {'a', 0, '%', '\'', '\\', (char)0xff, 'z'};
  char *cmd = gt_repro_curl("POST", "http://h/", NULL, 0, body, sizeof body, false);
  cr_assert(strncmp(cmd, "printf '", 8) == 0, "%s", cmd);
  char *out = run_repro(cmd, NULL);
  cr_assert_str_eq(out,
                   "[-sS]\n[-X]\n[POST]\n[http://h/]\n[--data-binary]\n[@-]\n"
                   " 61 00 25 27 5c ff 7a ",
                   "%s\n%s", cmd, out);
  free(out);
  free(cmd);
}

Test(repro, long_bodies_are_truncated_with_a_note) {
  size_t n = 10000;
  char *body = malloc(n);
  memset(body, 'b', n);
  char *cmd = gt_repro_curl("POST", "http://h/", NULL, 0, body, n, false);
  cr_assert(strstr(cmd, " # body truncated: first 4096 of 10000 bytes shown"), "%.80s", cmd);
  cr_assert_lt(strlen(cmd), 4096 + 200);
  body[5] = 0;
  free(cmd);
  cmd = gt_repro_curl("POST", "http://h/", NULL, 0, body, n, false);
  cr_assert(strstr(cmd, "(10000 bytes of binary body omitted)"), "%.200s", cmd);
  cr_assert_null(strstr(cmd, "bbbbbbbb"));
  free(cmd);
  free(body);
}

Test(repro, empty_body_is_sent_as_empty) {
  char *cmd = gt_repro_curl("POST", "http://h/", NULL, 0, "", 0, false);
  cr_assert_str_eq(cmd, "curl -sS -X POST 'http://h/' --data-binary ''");
  free(cmd);
}
