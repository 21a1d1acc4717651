/* test_reports.c — what a person reads after a run (docs/reports.md): the
 * shipped buddybuild suite against refapi (tests/targets/refapi.c) with one
 * defect — error bodies use `message` instead of `error` — reads as ONE
 * finding on the console, with what was there instead; the finding is a
 * JUnit property of the suite; --write-baseline/--baseline accept it, and a
 * different defect still fails a run given that baseline. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <glob.h>
#include <signal.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

static char *dir, *cert, *key;

static void setup(void) {
  dir = ts_tempdir();
  cr_assert(dir);
  cr_assert(ts_make_cert(dir, &cert, &key), "self-signed certificate");
}

static void teardown(void) {
  ts_rmtree(dir);
  free(dir), free(cert), free(key);
}

#define TOKEN "bb-token-0123456789"

typedef struct bb_run {
  ts_target t;
  ts_gauntlet g;
  ts_junit j;
  char *env[3];
} bb_run;

/* Starts refapi (buddybuild, one defect or none), runs the shipped suite
 * with extra gauntlet options, stops refapi. */
static void run_bb(bb_run *r, const char *defect, const char *const extra[]) {
  memset(r, 0, sizeof *r);
  int https = ts_free_port(), http = ts_free_port();
  char hp[16], sp[16];
  snprintf(hp, sizeof hp, "%d", http);
  snprintf(sp, sizeof sp, "%d", https);
  const char *targs[16] = {"--api",  "buddybuild", "--http-port", hp,  "--https-port", sp,
                           "--cert", cert,         "--key",       key, "--token",      TOKEN};
  int n = 12;
  if (defect) targs[n++] = "--defect", targs[n++] = defect;
  targs[n] = NULL;
  cr_assert(ts_target_start(&r->t, "refapi", targs, https, dir), "refapi starts");
  r->env[0] = ts_fmt("BUDDYBUILD_URL=https://127.0.0.1:%d", https);
  r->env[1] = ts_fmt("BUDDYBUILD_TOKEN=%s", TOKEN);
  char *junit = ts_fmt("%s/junit.xml", dir);
  char *suite = ts_fmt("%s/suites/buddybuild.yaml", SOURCE_DIR);
  const char *args[32] = {"run", "--cacert", cert, "--color", "never", "--junit", junit};
  size_t k = 7;
  for (size_t i = 0; extra && extra[i]; i++)
    args[k++] = extra[i];
  args[k++] = suite;
  args[k] = NULL;
  ts_gauntlet_run(&r->g, dir, args, (const char *const *)r->env, 120000);
  ts_target_stop(&r->t);
  cr_assert(ts_junit_load(junit, &r->j), "report written; stdout:\n%s\nstderr:\n%s", r->g.out,
            r->g.err);
  free(junit), free(suite);
}

static void free_bb(bb_run *r) {
  ts_junit_free(&r->j);
  ts_gauntlet_free(&r->g);
  free(r->t.log);
  free(r->env[0]), free(r->env[1]);
}

Test(reports, one_defect_reads_as_one_finding, .init = setup, .fini = teardown, .timeout = 300) {
  bb_run r;
  run_bb(&r, "error_key_message", NULL);
  size_t failed = ts_junit_count(&r.j, TS_CASE_FAILURE);
  cr_expect_eq(r.g.exit_code, 1, "exit %d", r.g.exit_code);
  cr_expect_gt(failed, 10, "the defect fails many cases (%zu)", failed);
  cr_expect_eq(ts_junit_count(&r.j, TS_CASE_ERROR), 0);
  /* one finding, counting every failed case */
  char *want = ts_fmt("1 finding in %zu failed cases:\n", failed);
  cr_expect(strstr(r.g.out, want), "want '%s' in:\n%s", want, r.g.out);
  free(want);
  want = ts_fmt(" error_shape $.error missing \xe2\x80\x94 %zu cases across ", failed);
  cr_expect(strstr(r.g.out, want), "want '%s' in:\n%s", want, r.g.out);
  free(want);
  /* the failure shows what was there instead */
  cr_expect(strstr(r.g.out, "got missing (keys: message; body: {\"message\":\"No authorization "
                            "token was found\"})"),
            "%s", r.g.out);
  /* one full block (the first case of the cause), not one per failed case */
  size_t blocks = !strncmp(r.g.out, "FAIL ", 5);
  for (const char *p = r.g.out; (p = strstr(p, "\nFAIL ")); p++)
    blocks++;
  cr_expect_eq(blocks, 1, "FAIL blocks printed: %zu\n%s", blocks, r.g.out);
  char *more = ts_fmt("(%zu more failed cases with a cause shown above", failed - 1);
  cr_expect(strstr(r.g.out, more), "%s", r.g.out);
  free(more);
  /* the finding is a property of the suite, with the same id */
  const char *idline = strstr(r.g.out, "failed cases:\n  ");
  cr_assert(idline);
  char id[9] = {0};
  memcpy(id, idline + 16, 8);
  char *prop = ts_fmt("<property name=\"finding.%s\" value=\"error_shape $.error missing", id);
  cr_expect(strstr(r.j.raw, prop), "%s not in the JUnit report", prop);
  cr_expect(strstr(r.j.raw, "<property name=\"findings\" value=\"1\"/>"));
  free(prop);
  free_bb(&r);
}

Test(reports, findings_have_stable_ids_and_a_baseline_accepts_them, .init = setup, .fini = teardown,
     .timeout = 300) {
  char *base = ts_fmt("%s/base.txt", dir);
  bb_run r;
  const char *write[] = {"--write-baseline", base, "--seed", "1", NULL};
  run_bb(&r, "error_key_message", write);
  cr_expect_eq(r.g.exit_code, 1, "exit %d", r.g.exit_code);
  char *text = ts_read_file(base, NULL);
  cr_assert(text, "baseline written");
  cr_expect(strstr(text, " buddybuild: error_shape $.error missing"), "%s", text);
  free_bb(&r);

  /* same defect, another seed: the same id, accepted: exit 0 */
  const char *accept[] = {"--baseline", base, "--seed", "2", NULL};
  run_bb(&r, "error_key_message", accept);
  cr_expect_eq(r.g.exit_code, 0, "accepted finding fails the run: exit %d\n%s", r.g.exit_code,
               r.g.out);
  cr_expect(strstr(r.g.out, "(1 accepted in the baseline):"), "%s", r.g.out);
  cr_expect(strstr(r.g.out, "[accepted]"), "%s", r.g.out);
  cr_expect(strstr(r.j.raw, "[accepted in baseline]"));
  cr_expect_gt(ts_junit_count(&r.j, TS_CASE_FAILURE), 0, "the cases still fail in the report");
  free_bb(&r);

  /* a different defect is a new finding: exit 1 */
  run_bb(&r, "unknown_app_200", accept);
  cr_expect_eq(r.g.exit_code, 1, "new finding passes: exit %d\n%s", r.g.exit_code, r.g.out);
  cr_expect(strstr(r.g.out, "status: expected 404, got 2xx"), "%s", r.g.out);
  free_bb(&r);
  free(text);
  free(base);
}

/* Validates instance against schema with `gauntlet schema` (formats asserted). */
static void expect_schema_valid(const char *schema, const char *instance) {
  const char *args[] = {"schema", "--strict-formats", schema, instance, NULL};
  ts_gauntlet g;
  ts_gauntlet_run(&g, dir, args, NULL, 60000);
  cr_expect_eq(g.exit_code, 0, "%s does not validate against %s:\n%s%s", instance, schema, g.out,
               g.err);
  ts_gauntlet_free(&g);
}

Test(reports, json_report_validates_and_holds_cases_checks_findings, .init = setup,
     .fini = teardown, .timeout = 300) {
  char *json = ts_fmt("%s/out/report.json", dir);
  bb_run r;
  const char *extra[] = {"--json", json, NULL};
  run_bb(&r, "error_key_message", extra);
  cr_expect_eq(r.g.exit_code, 1);
  char *schema = ts_fmt("%s/docs/report.schema.json", SOURCE_DIR);
  expect_schema_valid(schema, json);
  char *text = ts_read_file(json, NULL);
  cr_assert(text, "JSON report written");
  cJSON *doc = cJSON_Parse(text);
  cr_assert(doc, "JSON report parses");
  size_t failed = ts_junit_count(&r.j, TS_CASE_FAILURE);
  cJSON *cases = cJSON_GetObjectItem(doc, "cases");
  cr_expect_eq((size_t)cJSON_GetArraySize(cases), r.j.n, "every case of the JUnit report");
  const cJSON *sum = cJSON_GetObjectItem(doc, "summary");
  cr_expect_eq(cJSON_GetObjectItem(sum, "failed")->valueint, (int)failed);
  cr_expect_eq(cJSON_GetObjectItem(sum, "findings")->valueint, 1);
  const cJSON *f0 = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "findings"), 0);
  cr_expect_str_eq(cJSON_GetObjectItem(f0, "summary")->valuestring, "error_shape $.error missing");
  cr_expect_eq(cJSON_GetObjectItem(f0, "cases")->valueint, (int)failed);
  const char *fid = cJSON_GetObjectItem(f0, "id")->valuestring;
  /* a failed case: its checks, what was there, and its finding's id */
  const cJSON *c;
  bool seen = false;
  cJSON_ArrayForEach(c, cases) {
    if (strcmp(cJSON_GetObjectItem(c, "name")->valuestring, "list apps [unauthenticated]"))
      continue;
    seen = true;
    cr_expect_str_eq(cJSON_GetObjectItem(c, "outcome")->valuestring, "fail");
    cr_expect_str_eq(cJSON_GetObjectItem(c, "fault")->valuestring, "unauthenticated");
    cr_expect_eq(cJSON_GetObjectItem(c, "status")->valueint, 401);
    const cJSON *k = cJSON_GetArrayItem(cJSON_GetObjectItem(c, "checks"), 1);
    cr_expect_str_eq(cJSON_GetObjectItem(k, "check")->valuestring, "error_shape");
    cr_expect_str_eq(cJSON_GetObjectItem(k, "actual")->valuestring, "missing");
    cr_expect(strstr(cJSON_GetObjectItem(k, "context")->valuestring, "No authorization token"));
    cr_expect_str_eq(cJSON_GetArrayItem(cJSON_GetObjectItem(c, "findings"), 0)->valuestring, fid);
    const cJSON *loc = cJSON_GetObjectItem(c, "location");
    cr_expect_gt(cJSON_GetObjectItem(loc, "line")->valueint, 1);
  }
  cr_expect(seen);
  /* no secret anywhere in it */
  cr_expect(!strstr(text, TOKEN), "the token is in the JSON report");
  cJSON_Delete(doc);
  free(text), free(schema), free(json);
  free_bb(&r);
}

Test(reports, bad_baseline_is_a_usage_error, .init = setup, .fini = teardown) {
  char *base = ts_fmt("%s/bad.txt", dir);
  const char *text = "# accepted\n81519ff1 fine\nnot-an-id here\n";
  cr_assert(ts_write_file(base, text, strlen(text)));
  char *suite = ts_fmt("%s/suites/buddybuild.yaml", SOURCE_DIR);
  const char *env[] = {"BUDDYBUILD_URL=https://127.0.0.1:9", "BUDDYBUILD_TOKEN=x", NULL};
  const char *args[] = {"run", "--baseline", base, suite, NULL};
  ts_gauntlet g;
  ts_gauntlet_run(&g, dir, args, env, 60000);
  cr_expect_eq(g.exit_code, 2, "exit %d", g.exit_code);
  char *want = ts_fmt("%s:3:1: expected a finding id", base);
  cr_expect(strstr(g.err, want), "want '%s' in:\n%s", want, g.err);
  free(want);
  ts_gauntlet_free(&g);
  free(suite), free(base);
}

/* Every report flag at once, then SIGINT: each file is complete and valid,
 * with the unfinished cases skipped, and no temporary file is left. */
Test(reports, every_report_is_valid_after_sigint, .init = setup, .fini = teardown, .timeout = 120) {
  ts_target t;
  int port;
  cr_assert(ts_api_start(&t, dir, &port, NULL));
  char *junit = ts_fmt("%s/r/junit.xml", dir), *json = ts_fmt("%s/r/report.json", dir);
  char *sarif = ts_fmt("%s/r/report.sarif", dir), *tap = ts_fmt("%s/r/report.tap", dir);
  char *html = ts_fmt("%s/r/report.html", dir), *base = ts_fmt("%s/r/baseline.txt", dir);
  char *suite = ts_fmt("%s/tests/fixtures/integration/slow.yaml", SOURCE_DIR);
  char *url = ts_fmt("BASE_URL=http://127.0.0.1:%d", port);
  char *out = ts_fmt("%s/out.txt", dir);
  const char *env[] = {url, "API_TOKEN=t0k3n-secret-value", NULL};
  const char *argv[] = {GAUNTLET_BIN,       "run", "--junit",   junit, "--json", json,
                        "--sarif",          sarif, "--tap",     tap,   "--html", html,
                        "--write-baseline", base,  "--timeout", "60s", suite,    NULL};
  ts_proc p;
  cr_assert(ts_spawn(argv, env, out, NULL, &p));
  for (int i = 0; i < 200 && ts_api_count(port) < 2; i++) {
    struct timespec ts = {0, 50 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  struct timespec settle = {0, 300 * 1000 * 1000};
  nanosleep(&settle, NULL);
  kill(p.pid, SIGINT);
  ts_wait(&p, 15000);
  cr_expect_eq(p.exit_code, 130, "exit %d", p.exit_code);

  char *schema = ts_fmt("%s/docs/report.schema.json", SOURCE_DIR);
  expect_schema_valid(schema, json);
  char *text = ts_read_file(json, NULL);
  cJSON *doc = text ? cJSON_Parse(text) : NULL;
  cr_assert(doc, "JSON report missing or not JSON");
  cr_expect(cJSON_IsTrue(cJSON_GetObjectItem(doc, "interrupted")));
  cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "cases")), 3);
  cr_expect_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "summary"), "skipped")->valueint, 2);
  cJSON_Delete(doc);
  free(text);

  text = ts_read_file(sarif, NULL);
  doc = text ? cJSON_Parse(text) : NULL;
  cr_assert(doc, "SARIF report missing or not JSON");
  cr_expect_str_eq(cJSON_GetObjectItem(doc, "version")->valuestring, "2.1.0");
  const cJSON *inv = cJSON_GetArrayItem(
      cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "runs"), 0), "invocations"),
      0);
  cr_expect(cJSON_IsFalse(cJSON_GetObjectItem(inv, "executionSuccessful")));
  cJSON_Delete(doc);
  free(text);

  text = ts_read_file(tap, NULL);
  cr_assert(text, "TAP report missing");
  cr_expect(!strncmp(text, "TAP version 14\n", 15));
  cr_expect(strstr(text, "\n1..3\n"), "%s", text);
  cr_expect(strstr(text, " # SKIP not run: the run was interrupted (SIGINT)"), "%s", text);
  free(text);

  text = ts_read_file(html, NULL);
  cr_assert(text, "HTML report missing");
  size_t blocks = 0;
  for (const char *q = text; (q = strstr(q, "<details class=\"case")); q++)
    blocks++;
  cr_expect_eq(blocks, 3);
  cr_expect(strstr(text, "</html>\n"), "HTML report is not complete");
  cr_expect(strstr(text, "stopped early"));
  cr_expect(!strstr(text, "t0k3n-secret-value"), "the token is in the HTML report");
  free(text);
  char *written = ts_read_file(base, NULL);
  cr_expect(written && !strncmp(written, "# gauntlet baseline", 19), "baseline not written");
  free(written);

  char *pattern = ts_fmt("%s/r/*.tmp.*", dir);
  glob_t gl;
  cr_expect_neq(glob(pattern, 0, NULL, &gl), 0, "temporary report left behind");
  globfree(&gl);
  free(pattern);
  cr_expect(ts_target_stop(&t));
  free(t.log);
  free(schema), free(junit), free(json), free(sarif), free(tap), free(html), free(base);
  free(suite), free(url), free(out);
}
