/* test_junit.c — the JUnit writer and XML escaping.
 *
 * Every generated report is validated with xmllint against the schema CI
 * consumers use (tests/fixtures/junit-10.xsd), including reports built from
 * hostile bytes. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/report.h"

#ifndef JUNIT_XSD
#define JUNIT_XSD "tests/fixtures/junit-10.xsd"
#endif

static char dir[256];

static void make_dir(void) {
  strcpy(dir, "/tmp/gt_junit_XXXXXX");
  cr_assert_not_null(mkdtemp(dir));
}

static void remove_dir(void) {
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  cr_assert_eq(system(cmd), 0);
}

TestSuite(junit, .init = make_dir, .fini = remove_dir);

static char *path_in_dir(const char *name) {
  static char p[512];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  return p;
}

static bool validates(const char *path) {
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "xmllint --noout --schema '%s' '%s' 2>/dev/null", JUNIT_XSD, path);
  return system(cmd) == 0;
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = malloc((size_t)n + 1);
  size_t got = fread(s, 1, (size_t)n, f);
  s[got] = 0;
  fclose(f);
  if (len) *len = got;
  return s;
}

static char *escaped(const char *s, size_t len, bool attribute, size_t cap) {
  char *out = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&out, &n);
  gt_xml_escape(f, s, len, attribute, cap);
  fclose(f);
  return out;
}

static gt_case_result result(gt_result_kind kind, const char *name) {
  return (gt_case_result){.classname = "buddybuild",
                          .name = name,
                          .kind = kind,
                          .message =
                              kind == GT_RESULT_PASS ? NULL : "status: expected 401, got 200",
                          .type = kind == GT_RESULT_FAIL    ? "status"
                                  : kind == GT_RESULT_ERROR ? "connection"
                                                            : NULL,
                          .detail = kind == GT_RESULT_FAIL ? "status: expected 401, got 200\n"
                                                             "body: expected error shape"
                                                           : NULL,
                          .system_out = "GET /apps HTTP/1.1\n\nHTTP/1.1 200 OK\n",
                          .repro = "curl -sS -X GET 'http://127.0.0.1:1/apps'",
                          .time = 0.042};
}

static void write_basic_report(const char *path) {
  gt_err err = {0};
  gt_junit *j = gt_junit_open(path, "gauntlet", &err);
  cr_assert_not_null(j, "%s", err.msg);
  gt_property props[] = {{"base_url", "http://127.0.0.1:1"},
                         {"profile", "buddybuild"},
                         {"gauntlet.version", "0.1.0"},
                         {"shard", "1/2"},
                         {"seed", "42"}};
  cr_assert(gt_junit_suite_begin(j, "buddybuild", props, 5, &err), "%s", err.msg);
  gt_case_result pass = result(GT_RESULT_PASS, "list apps [valid]");
  pass.system_out = NULL, pass.repro = NULL;
  cr_assert(gt_junit_case(j, &pass, &err));
  gt_case_result fail = result(GT_RESULT_FAIL, "list apps [unauthenticated]");
  cr_assert(gt_junit_case(j, &fail, &err));
  gt_case_result error = result(GT_RESULT_ERROR, "list apps [plain_http]");
  error.message = "connection refused";
  cr_assert(gt_junit_case(j, &error, &err));
  gt_case_result skip = result(GT_RESULT_SKIP, "list apps [jwt_expired]");
  skip.message = "needs jwt_secret";
  cr_assert(gt_junit_case(j, &skip, &err));
  cr_assert(gt_junit_suite_end(j, &err));
  cr_assert(gt_junit_suite_begin(j, "second", NULL, 0, &err));
  cr_assert(gt_junit_case(j, &pass, &err));
  cr_assert(gt_junit_close(j, &err), "%s", err.msg);
}

Test(junit, schema_check_can_fail) {
  /* guards the other tests: an invalid report must not validate */
  const char *p = path_in_dir("bad.xml");
  FILE *f = fopen(p, "w");
  fputs("<testsuites><testsuite name=\"x\"><testcase/></testsuite></testsuites>\n", f);
  fclose(f);
  cr_assert_not(validates(p));
}

Test(junit, report_with_every_kind_validates) {
  const char *p = path_in_dir("reports/junit.xml"); /* parent created on open */
  write_basic_report(p);
  cr_assert(validates(p));
  char *x = slurp(p, NULL);
  cr_assert(
      strstr(x, "<testsuites name=\"gauntlet\" tests=\"5\" failures=\"1\" errors=\"1\" time=\""));
  cr_assert(strstr(x, "<testsuite name=\"buddybuild\" tests=\"4\" failures=\"1\" errors=\"1\" "
                      "skipped=\"1\" time=\""));
  cr_assert(strstr(x, "<testsuite name=\"second\" tests=\"1\" failures=\"0\" errors=\"0\" "
                      "skipped=\"0\" time=\""));
  cr_assert(strstr(x, " timestamp=\"20"));
  cr_assert(strstr(x, " hostname=\""));
  /* properties come first in the suite */
  char *suite = strstr(x, "<testsuite name=\"buddybuild\"");
  char *props = strstr(suite, "<properties>");
  cr_assert(props && props < strstr(suite, "<testcase"));
  cr_assert(strstr(x, "<property name=\"shard\" value=\"1/2\"/>"));
  cr_assert(
      strstr(x, "<testcase name=\"list apps [valid]\" classname=\"buddybuild\" time=\"0.042\"/>"));
  cr_assert(strstr(x, "<failure message=\"status: expected 401, got 200\" type=\"status\">"
                      "status: expected 401, got 200\nbody: expected error shape</failure>"));
  cr_assert(strstr(x, "<error message=\"connection refused\" type=\"connection\"/>"));
  cr_assert(strstr(x, "<skipped message=\"needs jwt_secret\"/>"));
  cr_assert(strstr(x, "<system-out>Reproduce with:\ncurl -sS -X GET 'http://127.0.0.1:1/apps'"));
  cr_assert(strstr(x, "GET /apps HTTP/1.1\n\nHTTP/1.1 200 OK\n</system-out>"));
  cr_assert_null(strstr(x, "CDATA"));
  free(x);
}

Test(junit, timestamp_is_utc_without_zone) {
  const char *p = path_in_dir("junit.xml");
  write_basic_report(p);
  char *x = slurp(p, NULL);
  char *t = strstr(x, " timestamp=\"");
  cr_assert_not_null(t);
  t += strlen(" timestamp=\"");
  /* 2026-11-23T08:00:00" */
  cr_assert_eq(t[4], '-');
  cr_assert_eq(t[10], 'T');
  cr_assert_eq(t[19], '"', "no zone or fraction: %.24s", t);
  free(x);
}

Test(junit, hostile_bytes_still_validate_and_show_escapes) {
  char all[256 + 64];
  for (int i = 0; i < 256; i++)
    all[i] = (char)(i ? i : 1); /* NUL would end the C string */
  const char tail[] = "]]> \xef\xbf\xbe \xef\xbf\xbf \xed\xa0\x80 \xc0\xaf <x> & \"q\" 'a'";
  memcpy(all + 256, tail, sizeof tail);
  all[0] = 'a';
  char with_ctl[] = "a\x01 b\x1f c\x7f";
  const char *p = path_in_dir("hostile.xml");
  gt_err err = {0};
  gt_junit *j = gt_junit_open(p, all, &err);
  cr_assert_not_null(j);
  gt_property props[] = {{all, all}};
  cr_assert(gt_junit_suite_begin(j, all, props, 1, &err));
  gt_case_result r = {.classname = all,
                      .name = all,
                      .kind = GT_RESULT_FAIL,
                      .message = all,
                      .type = with_ctl,
                      .detail = all,
                      .system_out = all,
                      .repro = all,
                      .time = 1.5};
  cr_assert(gt_junit_case(j, &r, &err));
  r.kind = GT_RESULT_SKIP;
  cr_assert(gt_junit_case(j, &r, &err));
  r.kind = GT_RESULT_ERROR;
  cr_assert(gt_junit_case(j, &r, &err));
  cr_assert(gt_junit_close(j, &err));
  cr_assert(validates(p));
  char *x = slurp(p, NULL);
  cr_assert(strstr(x, "#x01"));
  cr_assert(strstr(x, "#x1F"));
  cr_assert(strstr(x, "\\xff"));
  cr_assert(strstr(x, "#xFFFE"));
  cr_assert(strstr(x, "#xFFFF"));
  cr_assert(strstr(x, "#xD800"));
  cr_assert(strstr(x, "\\xc0\\xaf"));
  cr_assert(strstr(x, "]]&gt;"));
  cr_assert_null(strstr(x, "]]>"));
  free(x);
}

Test(junit, huge_output_is_truncated_with_marker) {
  size_t big = 1 << 20;
  char *out = malloc(big + 1);
  memset(out, 'o', big);
  memcpy(out, "HEAD-START", 10);
  memcpy(out + big - 8, "TAIL-END", 8);
  out[big] = 0;
  const char *p = path_in_dir("big.xml");
  gt_err err = {0};
  gt_junit *j = gt_junit_open(p, "big", &err);
  cr_assert(gt_junit_suite_begin(j, "big", NULL, 0, &err));
  gt_case_result r = result(GT_RESULT_FAIL, "huge");
  r.system_out = out;
  r.detail = out;
  r.message = out;
  cr_assert(gt_junit_case(j, &r, &err));
  cr_assert(gt_junit_close(j, &err));
  cr_assert(validates(p));
  size_t len;
  char *x = slurp(p, &len);
  cr_assert_lt(len, 3 * GT_REPORT_OUTPUT_CAP, "report size %zu", len);
  char marker[64];
  snprintf(marker, sizeof marker, "[truncated %zu bytes]", big - GT_REPORT_OUTPUT_CAP);
  cr_assert(strstr(x, marker), "marker %s missing", marker);
  cr_assert(strstr(x, "HEAD-START"));
  cr_assert(strstr(x, "TAIL-END</system-out>"));
  /* the message attribute is capped and one line */
  char *msg = strstr(x, "message=\"");
  cr_assert_lt(strchr(msg + 9, '"') - (msg + 9), GT_REPORT_MESSAGE_CAP + 8);
  free(x);
  free(out);
}

Test(junit, message_is_one_line) {
  const char *p = path_in_dir("oneline.xml");
  gt_err err = {0};
  gt_junit *j = gt_junit_open(p, "x", &err);
  cr_assert(gt_junit_suite_begin(j, "x", NULL, 0, &err));
  gt_case_result r = result(GT_RESULT_FAIL, "c");
  r.message = "first line\r\nsecond\tline";
  cr_assert(gt_junit_case(j, &r, &err));
  cr_assert(gt_junit_close(j, &err));
  char *x = slurp(p, NULL);
  cr_assert(strstr(x, "message=\"first line  second line\""));
  free(x);
}

static int count_entries(const char *d) {
  DIR *dp = opendir(d);
  int n = 0;
  for (struct dirent *e; (e = readdir(dp));)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
  closedir(dp);
  return n;
}

Test(junit, written_atomically) {
  const char *p = path_in_dir("junit.xml");
  gt_err err = {0};
  gt_junit *j = gt_junit_open(p, "x", &err);
  cr_assert(gt_junit_suite_begin(j, "s", NULL, 0, &err));
  gt_case_result r = result(GT_RESULT_PASS, "c");
  cr_assert(gt_junit_case(j, &r, &err));
  struct stat st;
  cr_assert_neq(stat(p, &st), 0, "the report must not exist before close");
  cr_assert_eq(count_entries(dir), 1, "only the temporary file exists");
  /* close with the suite still open: it is closed for us */
  cr_assert(gt_junit_close(j, &err));
  cr_assert_eq(stat(p, &st), 0);
  cr_assert_eq(count_entries(dir), 1, "no temporary file is left behind");
  cr_assert(validates(p));
}

Test(junit, abort_leaves_nothing) {
  const char *p = path_in_dir("junit.xml");
  gt_err err = {0};
  gt_junit *j = gt_junit_open(p, "x", &err);
  cr_assert(gt_junit_suite_begin(j, "s", NULL, 0, &err));
  gt_junit_abort(j);
  cr_assert_eq(count_entries(dir), 0);
}

Test(junit, unwritable_path_is_a_runtime_error) {
  gt_err err = {0};
  cr_assert_null(gt_junit_open("/proc/no/such/dir/junit.xml", "x", &err));
  cr_assert_eq(err.kind, GT_ERR_RUNTIME);
}

Test(junit, case_outside_suite_is_an_error) {
  gt_err err = {0};
  gt_junit *j = gt_junit_open(path_in_dir("x.xml"), "x", &err);
  gt_case_result r = result(GT_RESULT_PASS, "c");
  cr_assert_not(gt_junit_case(j, &r, &err));
  gt_junit_abort(j);
}

Test(junit, times_use_a_dot_whatever_the_locale) {
  const char *locales[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8", NULL};
  const char *got = NULL;
  for (int i = 0; locales[i] && !got; i++)
    got = setlocale(LC_ALL, locales[i]);
  if (!got) {
    /* Not installed: compile de_DE into the test dir if the sources are there. */
    char cmd[600];
    snprintf(cmd, sizeof cmd, "localedef -i de_DE -f UTF-8 '%s/de_DE.UTF-8' >/dev/null 2>&1", dir);
    if (system(cmd) == 0 || access(path_in_dir("de_DE.UTF-8/LC_NUMERIC"), R_OK) == 0) {
      setenv("LOCPATH", dir, 1);
      got = setlocale(LC_ALL, "de_DE.UTF-8");
    }
  }
  if (!got) cr_skip_test("no locale with a decimal comma is available");
  char probe[32];
  snprintf(probe, sizeof probe, "%.1f", 1.5);
  cr_assert_str_eq(probe, "1,5", "the locale really uses a comma");
  const char *p = path_in_dir("reports/locale.xml");
  write_basic_report(p);
  setlocale(LC_ALL, "C");
  unsetenv("LOCPATH");
  cr_assert(validates(p));
  char *x = slurp(p, NULL);
  cr_assert(strstr(x, "time=\"0.042\""));
  free(x);
}

Test(junit, format_decimal) {
  char t[32];
  gt_format_decimal(t, 0.042, 3);
  cr_assert_str_eq(t, "0.042");
  gt_format_decimal(t, 1234.5678, 3);
  cr_assert_str_eq(t, "1234.568");
  gt_format_decimal(t, 0.0005, 3);
  cr_assert_str_eq(t, "0.001");
  gt_format_decimal(t, -3, 3);
  cr_assert_str_eq(t, "0.000");
  gt_format_decimal(t, 0.0 / 0.0, 3);
  cr_assert_str_eq(t, "0.000");
  gt_format_decimal(t, 12.34, 1);
  cr_assert_str_eq(t, "12.3");
  gt_format_decimal(t, 7.6, 0);
  cr_assert_str_eq(t, "8");
}

Test(junit, memory_stays_flat_in_the_number_of_cases) {
  struct rusage before, after;
  const char *p = path_in_dir("many.xml");
  gt_err err = {0};
  gt_junit *j = gt_junit_open(p, "many", &err);
  cr_assert(gt_junit_suite_begin(j, "many", NULL, 0, &err));
  char out[1024];
  memset(out, 'x', sizeof out - 1);
  out[sizeof out - 1] = 0;
  gt_case_result r = result(GT_RESULT_FAIL, "case");
  r.system_out = out;
  for (int i = 0; i < 1000; i++)
    cr_assert(gt_junit_case(j, &r, &err)); /* warm up */
  getrusage(RUSAGE_SELF, &before);
  for (int i = 0; i < 30000; i++)
    cr_assert(gt_junit_case(j, &r, &err)); /* ~35 MB of XML */
  cr_assert(gt_junit_close(j, &err));
  getrusage(RUSAGE_SELF, &after);
  long grown_kb = after.ru_maxrss - before.ru_maxrss;
  cr_assert_lt(grown_kb, 8 * 1024, "peak memory grew by %ld KiB", grown_kb);
}

/* ---- gt_xml_escape, exact outputs ---- */

static void expect_escape(const char *in, size_t len, bool attr, const char *want) {
  char *got = escaped(in, len, attr, 0);
  cr_assert_str_eq(got, want);
  free(got);
}

Test(xml_escape, markup_characters) {
  expect_escape("a<b&c>\"d'e", 10, false, "a&lt;b&amp;c&gt;&quot;d'e");
  expect_escape("a<b&c>\"d'e", 10, true, "a&lt;b&amp;c&gt;&quot;d&apos;e");
  expect_escape("]]>", 3, false, "]]&gt;");
}

Test(xml_escape, whitespace) {
  expect_escape("a\tb\nc\rd", 7, false, "a\tb\nc&#13;d");
  expect_escape("a\tb\nc\rd", 7, true, "a&#9;b&#10;c&#13;d");
}

Test(xml_escape, forbidden_characters_become_visible_text) {
  expect_escape("\x00\x01\x1f", 3, false, "#x00#x01#x1F");
  expect_escape("\xef\xbf\xbe\xef\xbf\xbf", 6, false, "#xFFFE#xFFFF");
  expect_escape("\xed\xa0\x80\xed\xbf\xbf", 6, false, "#xD800#xDFFF");
}

Test(xml_escape, invalid_utf8_becomes_backslash_x) {
  expect_escape("\xff\xfe", 2, false, "\\xff\\xfe");
  expect_escape("\xc0\xaf", 2, false, "\\xc0\\xaf");                   /* overlong '/' */
  expect_escape("\xe0\x80\xaf", 3, false, "\\xe0\\x80\\xaf");          /* overlong */
  expect_escape("\xf4\x90\x80\x80", 4, false, "\\xf4\\x90\\x80\\x80"); /* > U+10FFFF */
  expect_escape("ab\xe2\x82", 4, false, "ab\\xe2\\x82");               /* cut short */
}

Test(xml_escape, valid_utf8_is_kept) {
  const char *s = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xc2\x85";
  expect_escape(s, strlen(s), false, s);
}

Test(xml_escape, cap_keeps_head_and_tail_on_character_boundaries) {
  /* 10 x "é" (2 bytes each) = 20 bytes; cap 9 -> 4 bytes kept each side */
  char in[21];
  for (int i = 0; i < 10; i++)
    in[2 * i] = '\xc3', in[2 * i + 1] = '\xa9';
  in[20] = 0;
  char *got = escaped(in, 20, false, 9);
  cr_assert_str_eq(got, "\xc3\xa9\xc3\xa9\n[truncated 12 bytes]\n\xc3\xa9\xc3\xa9");
  free(got);
  got = escaped("0123456789", 10, true, 4);
  cr_assert_str_eq(got, "01 [truncated 6 bytes] 89");
  free(got);
  got = escaped("0123456789", 10, false, 10);
  cr_assert_str_eq(got, "0123456789");
  free(got);
}
