/* test_report_formats.c — the writers of report/ on hostile texts: GitHub
 * annotations (escaping, the cap and its note), the job summary, TAP names
 * with '#', HTML escaping, SARIF paths, valid UTF-8 everywhere. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "support.h"

static gt_case_result hostile(const char *name, const char *where, const gt_case_check *c) {
  gt_case_result r = {.classname = "api",
                      .name = name,
                      .kind = GT_RESULT_FAIL,
                      .type = c->check,
                      .message = "m <b>",
                      .scenario = name,
                      .fault = "valid",
                      .suite_file = "suites/a,b:c.yaml",
                      .line = 7,
                      .col = 5,
                      .status = 400,
                      .checks = c,
                      .n_checks = 1};
  (void)where;
  return r;
}

static char *read_all(FILE *f) {
  fflush(f);
  long n = ftell(f);
  rewind(f);
  char *s = calloc(1, (size_t)n + 1);
  cr_assert(fread(s, 1, (size_t)n, f) == (size_t)n);
  return s;
}

Test(report_formats, annotations_are_escaped_and_capped) {
  gt_findings *f = gt_findings_new();
  gt_case_check checks[12];
  char wheres[12][32];
  gt_case_result rs[12];
  for (int i = 0; i < 12; i++) {
    snprintf(wheres[i], sizeof wheres[i], "$.k%d", i);
    checks[i] = (gt_case_check){
        .check = "json", .where = wheres[i], .expected = "a, b: c", .actual = "50%\nnext line"};
    rs[i] = hostile("s", wheres[i], &checks[i]);
    gt_findings_add(f, &rs[i]);
  }
  FILE *out = tmpfile();
  gt_github_annotations(out, f, 10);
  char *s = read_all(out);
  size_t errors = 0, lines = 0;
  for (const char *p = s; (p = strstr(p, "::error ")); p++)
    errors++;
  for (const char *p = s; *p; p++)
    lines += *p == '\n';
  cr_expect_eq(errors, 10, "%s", s);
  cr_expect_eq(lines, 11, "one line per annotation and the note:\n%s", s);
  cr_expect(strstr(s, "::warning title=gauntlet::2 more findings not annotated"), "%s", s);
  cr_expect(strstr(s, "file=suites/a%2Cb%3Ac.yaml,line=7,col=5,title=gauntlet "), "%s", s);
  cr_expect(strstr(s, "got 50%25%0Anext line"), "%s", s);
  free(s);
  fclose(out);

  char *dir = ts_tempdir();
  char *path = ts_fmt("%s/summary.md", dir);
  ts_write_file(path, "earlier step\n", 13);
  gt_run_totals t = {.seed = 5, .total = 12, .failed = 12};
  gt_err err = {0};
  cr_assert(gt_github_step_summary(path, f, &t, &err), "%s", err.msg);
  s = ts_read_file(path, NULL);
  cr_expect(!strncmp(s, "earlier step\n## gauntlet: 0 passed, 12 failed, 0 skipped\n",
                     strlen("earlier step\n## gauntlet: 0 passed, 12 failed, 0 skipped\n")),
            "%s", s);
  cr_expect(strstr(s, "| 12 | 0 | 12 | 0 | 0 | 12 | 5 |"), "%s", s);
  cr_expect(strstr(s, "| suites/a,b:c.yaml:7 |"), "%s", s);
  free(s);
  ts_rmtree(dir);
  free(dir), free(path);
  gt_findings_free(f);
}

Test(report_formats, tap_escapes_hash_and_html_escapes_markup) {
  gt_case_check c = {.check = "status", .where = "", .expected = "404", .actual = "200"};
  gt_case_result r = hostile("list [wrong_method #1 POST] <script>alert(1)</script>", "", &c);
  char *dir = ts_tempdir();
  char *tap_path = ts_fmt("%s/t.tap", dir), *html_path = ts_fmt("%s/h/r.html", dir);
  gt_err err = {0};
  gt_findings *f = gt_findings_new();
  gt_findings_add(f, &r);
  const char(*ids)[12];
  size_t n = gt_findings_last_ids(f, &ids);
  gt_tap *tap = gt_tap_open(tap_path, &err);
  gt_html *html = gt_html_open(html_path, &err);
  cr_assert(tap && html, "%s", err.msg);
  cr_assert(gt_tap_case(tap, &r, ids, n, &err));
  cr_assert(gt_html_case(html, &r, ids, n, &err));
  gt_run_totals t = {.total = 1, .failed = 1};
  cr_assert(gt_tap_close(tap, f, &err), "%s", err.msg);
  cr_assert(gt_html_close(html, f, &t, &err), "%s", err.msg);
  char *s = ts_read_file(tap_path, NULL);
  cr_expect(strstr(s, "not ok 1 - api \xe2\x80\xba list [wrong_method \\#1 POST] <script>"), "%s",
            s);
  cr_expect(strstr(s, "\n1..1\n"), "%s", s);
  free(s);
  s = ts_read_file(html_path, NULL);
  cr_expect(!strstr(s, "<script>alert"), "markup from a case name reached the HTML");
  cr_expect(strstr(s, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  cr_expect(strstr(s, "m &lt;b&gt;"));
  free(s);
  gt_findings_free(f);
  ts_rmtree(dir);
  free(dir), free(tap_path), free(html_path);
}

Test(report_formats, invalid_utf8_becomes_visible_text) {
  char *s = gt_report_utf8("ok \xff\xfe end \xc3\xa9");
  cr_expect_str_eq(s, "ok \\xff\\xfe end \xc3\xa9");
  free(s);
  cJSON *n = gt_report_json_str(NULL);
  cr_expect(cJSON_IsNull(n));
  cJSON_Delete(n);
}

Test(report_formats, sarif_locates_findings_in_the_suite) {
  gt_case_check c = {
      .check = "error_shape", .where = "$.error", .expected = "a string", .actual = "missing"};
  gt_case_result r = hostile("s [unauthenticated]", "", &c);
  r.suite_file = "suites/my api.yaml";
  r.fault_line = 9;
  gt_findings *f = gt_findings_new();
  gt_findings_add(f, &r);
  char *dir = ts_tempdir();
  char *path = ts_fmt("%s/r.sarif", dir);
  gt_run_totals t = {.total = 1, .failed = 1};
  gt_err err = {0};
  cr_assert(gt_sarif_write(path, f, &t, &err), "%s", err.msg);
  char *text = ts_read_file(path, NULL);
  cJSON *doc = cJSON_Parse(text);
  cr_assert(doc);
  const cJSON *run = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "runs"), 0);
  const cJSON *res = cJSON_GetArrayItem(cJSON_GetObjectItem(run, "results"), 0);
  cr_expect_str_eq(cJSON_GetObjectItem(res, "ruleId")->valuestring, "check/error_shape");
  const cJSON *ph = cJSON_GetObjectItem(
      cJSON_GetArrayItem(cJSON_GetObjectItem(res, "locations"), 0), "physicalLocation");
  cr_expect_str_eq(
      cJSON_GetObjectItem(cJSON_GetObjectItem(ph, "artifactLocation"), "uri")->valuestring,
      "suites/my%20api.yaml");
  const cJSON *reg = cJSON_GetObjectItem(ph, "region");
  cr_expect_eq(cJSON_GetObjectItem(reg, "startLine")->valueint, 7);
  cr_expect_eq(cJSON_GetObjectItem(reg, "startColumn")->valueint, 5);
  const cJSON *rel = cJSON_GetArrayItem(cJSON_GetObjectItem(res, "relatedLocations"), 0);
  cr_expect_eq(
      cJSON_GetObjectItem(
          cJSON_GetObjectItem(cJSON_GetObjectItem(rel, "physicalLocation"), "region"), "startLine")
          ->valueint,
      9);
  int idx = cJSON_GetObjectItem(res, "ruleIndex")->valueint;
  const cJSON *rule = cJSON_GetArrayItem(
      cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(run, "tool"), "driver"), "rules"),
      idx);
  cr_expect_str_eq(cJSON_GetObjectItem(rule, "id")->valuestring, "check/error_shape");
  cr_expect(strstr(cJSON_GetObjectItem(cJSON_GetObjectItem(rule, "help"), "text")->valuestring,
                   "docs/checks.md"));
  cJSON_Delete(doc);
  free(text);
  gt_findings_free(f);
  ts_rmtree(dir);
  free(dir), free(path);
}

/* serve --html: hostile texts escaped, the injected answer and its retry
 * linked both ways, conformed requests past the cap counted, not written. */
Test(report_formats, serve_audit_page_escapes_links_retries_and_caps_conformed) {
  char *dir = ts_tempdir();
  char *path = ts_fmt("%s/a/serve.html", dir);
  gt_err err = {0};
  gt_audit_html *h = gt_audit_html_open(path, &err);
  cr_assert(h, "%s", err.msg);
  const char *rules[] = {"credential_present"};
  gt_audit_entry injected = {.seq = 1,
                             .method = "GET",
                             .path = "/v1/<img src=x>",
                             .suite = "api",
                             .route = "GET /v1/${id}",
                             .status = 503,
                             .injected = "status:503",
                             .retry_after = 1,
                             .retry_seq = 2,
                             .retry_delay = 1.25,
                             .attempt = 1,
                             .exchange = "GET /v1/<img src=x> HTTP/1.1\nAuthorization: Bearer ***"};
  gt_audit_entry retry = {.seq = 2,
                          .method = "GET",
                          .path = "/v1/x",
                          .suite = "api",
                          .route = "GET /v1/${id}",
                          .status = 401,
                          .failed = true,
                          .rules = rules,
                          .n_rules = 1,
                          .failures =
                              "credential_present: no credential in the Authorization header\n",
                          .retry_of = 1,
                          .attempt = 2};
  cr_assert(gt_audit_html_entry(h, &injected, &err), "%s", err.msg);
  cr_assert(gt_audit_html_entry(h, &retry, &err), "%s", err.msg);
  gt_audit_entry plain = {.method = "GET", .path = "/v1/y", .suite = "api", .status = 200};
  for (size_t i = 0; i < GT_AUDIT_HTML_PASSED_CAP + 5; i++) {
    plain.seq = 3 + i;
    cr_assert(gt_audit_html_entry(h, &plain, &err), "%s", err.msg);
  }
  gt_audit_rule table[] = {{"credential_present", "a route that needs auth <gets> one", false, 1},
                           {"utf8", "valid UTF-8", false, 0}};
  gt_audit_route routes[] = {{"GET /v1/${id}", 2, 1, 1, 1}};
  size_t total = GT_AUDIT_HTML_PASSED_CAP + 7;
  gt_audit_summary sum = {.requests = total,
                          .failed = 1,
                          .injected = 1,
                          .retried = 1,
                          .rules = table,
                          .n_rules = 2,
                          .routes = routes,
                          .n_routes = 1,
                          .retries = "retries: 1 injected answer, 1 retried\n"};
  cr_assert(gt_audit_html_close(h, &sum, &err), "%s", err.msg);
  char *s = ts_read_file(path, NULL);
  cr_assert(s);
  cr_expect(!strstr(s, "<img src"), "markup from a request path reached the page");
  cr_expect(strstr(s, "/v1/&lt;img src=x&gt;"));
  cr_expect(strstr(s, "auth &lt;gets&gt; one"), "the rule's doc is escaped");
  cr_expect(strstr(s, "retried by <a href=\"#r2\">#2</a> 1.250s after the answer"));
  cr_expect(strstr(s, "attempt 2, a retry of <a href=\"#r1\">#1</a>"));
  cr_expect(strstr(s, "<h2 id=\"rules\">1 rule broken</h2>"));
  cr_expect(!strstr(s, "<code>utf8</code>"), "a rule nobody broke is not listed");
  cr_expect(strstr(s, "<td><a href=\"#r2\">#2</a></td>"), "the first request that broke it");
  cr_expect(strstr(s, "5 more requests conformed and are not shown"), "the note on the cap");
  size_t blocks = 0;
  for (const char *p = s; (p = strstr(p, "<details class=\"case")); p++)
    blocks++;
  cr_expect_eq(blocks, (size_t)GT_AUDIT_HTML_PASSED_CAP + 2);
  free(s);
  ts_rmtree(dir);
  free(dir), free(path);
}
