/* test_openapi_run.c — `gauntlet run --base-url URL api.yaml`: the suite
 * derived from tests/fixtures/openapi/pets.yaml alone, against the pets
 * target (tests/targets/oa_pets.c). Conformant: every case passes. With one
 * seeded defect: exactly the listed cases fail, each naming the check. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

typedef ts_target_run oa_run;

static void run_file(oa_run *r, const char *file, const char *defect, const char *const extra[]);

static void run_doc(oa_run *r, const char *defect, const char *const extra[]) {
  run_file(r, "pets.yaml", defect, extra);
}

static void run_file(oa_run *r, const char *file, const char *defect, const char *const extra[]) {
  cr_assert(ts_target_run_init(r));
  const char *targs[] = {defect ? "--defect" : NULL, defect, NULL};
  cr_assert(ts_target_run_start(r, "oa_pets", "--http-port", targs), "oa_pets did not start");
  char *doc = ts_fmt("%s/tests/fixtures/openapi/%s", SOURCE_DIR, file);
  char *base = ts_fmt("http://127.0.0.1:%d/v1", r->port);
  const char *args[] = {"--seed", "7", "--base-url", base, NULL};
  const char *env[] = {"bearerAuth=t0ken", NULL};
  char *why = ts_target_run_gauntlet(r, args, extra, doc, env, 120000);
  cr_assert_null(why, "%s", why);
  free(doc);
  free(base);
}

static void run_free(oa_run *r) {
  cr_expect(ts_target_run_free(r), "oa_pets died during the run");
}

/* Exactly the cases listed ("NAME|check") fail, each with that check. */
static void expect_failures(const oa_run *r, const char *const expected[]) {
  size_t n_expected = 0;
  for (; expected[n_expected]; n_expected++) {
    const char *bar = strchr(expected[n_expected], '|');
    char *name = strndup(expected[n_expected], (size_t)(bar - expected[n_expected]));
    char *bad = ts_case_mismatch(&r->j, name, TS_CASE_FAILURE, bar + 1);
    cr_expect_null(bad, "%s", bad);
    free(bad);
    free(name);
  }
  size_t failed = ts_junit_count(&r->j, TS_CASE_FAILURE) + ts_junit_count(&r->j, TS_CASE_ERROR);
  cr_expect_eq(failed, n_expected, "%zu cases failed, %zu expected\n%s", failed, n_expected,
               r->g.err);
  cr_expect_eq(r->g.exit_code, n_expected ? 1 : 0);
}

static const char *const NONE[] = {NULL};

Test(openapi_run, conformant_target_passes_every_derived_case) {
  oa_run r;
  run_doc(&r, NULL, NULL);
  expect_failures(&r, NONE);
  cr_expect_eq(r.j.n, 43, "%zu cases", r.j.n);
  /* the server's /v1 removed: 404 (once per suite, three variants) */
  cr_expect_not_null(ts_junit_find(&r.j, "POST /pets [unversioned #1 prefix removed]"));
  /* the identifier flows from POST /pets to /pets/{petId}; the schema-driven faults ran */
  cr_expect_not_null(ts_junit_find(&r.j, "GET /pets/{petId} [valid]"));
  static const char *const schema_cases[] = {
      "POST /pets [not_in_enum #1 $.kind]",
      "POST /pets [out_of_range #1 $.age above maximum 30]",
      "POST /pets [out_of_range #2 $.age below minimum 0]",
      "POST /pets [bad_length #1 $.name over maxLength 20]",
      "POST /pets [bad_length #2 $.name under minLength 1]",
      "POST /pets [pattern_mismatch #1 $.name]",
      "GET /pets [not_in_enum #1 query kind]",
      "GET /pets [out_of_range #1 query limit above maximum 100]",
      "GET /pets [out_of_range #2 query limit below minimum 1]",
      "GET /pets [missing_param #1 query limit]",
      NULL};
  for (size_t i = 0; schema_cases[i]; i++) {
    char *bad = ts_case_mismatch(&r.j, schema_cases[i], TS_CASE_PASS, NULL);
    cr_expect_null(bad, "%s", bad);
    free(bad);
  }
  run_free(&r);
}

Test(openapi_run, wrong_error_schema_is_caught_by_the_schema_check) {
  oa_run r;
  run_doc(&r, "wrong_error_schema", NULL);
  static const char *const want[] = {
      "POST /pets [unauthenticated]|schema",
      "POST /pets [invalid_token]|schema",
      "POST /pets [missing_field #1 $.name]|schema",
      "POST /pets [wrong_type #1 $.name]|schema",
      "POST /pets [wrong_type #2 $.kind]|schema",
      "POST /pets [wrong_type #3 $.age]|schema",
      "POST /pets [not_in_enum #1 $.kind]|schema",
      "POST /pets [out_of_range #1 $.age above maximum 30]|schema",
      "POST /pets [out_of_range #2 $.age below minimum 0]|schema",
      "POST /pets [bad_length #1 $.name over maxLength 20]|schema",
      "POST /pets [bad_length #2 $.name under minLength 1]|schema",
      "POST /pets [pattern_mismatch #1 $.name]|schema",
      "GET /pets [unauthenticated]|schema",
      "GET /pets [invalid_token]|schema",
      "GET /pets [not_in_enum #1 query kind]|schema",
      "GET /pets [out_of_range #1 query limit above maximum 100]|schema",
      "GET /pets [out_of_range #2 query limit below minimum 1]|schema",
      "GET /pets [missing_param #1 query limit]|schema",
      "GET /pets/{petId} [unauthenticated]|schema",
      "GET /pets/{petId} [invalid_token]|schema",
      "DELETE /pets/{petId} [unauthenticated]|schema",
      "DELETE /pets/{petId} [invalid_token]|schema",
      NULL};
  expect_failures(&r, want);
  const ts_case *c = ts_junit_find(&r.j, "GET /pets [unauthenticated]");
  cr_assert_not_null(c);
  cr_expect(c->body && strstr(c->body, "required property \"code\""), "%s", c->body);
  run_free(&r);
}

Test(openapi_run, undocumented_status_is_caught) {
  oa_run r;
  run_doc(&r, "undocumented_status", NULL);
  static const char *const want[] = {"DELETE /pets/{petId} [valid]|status", NULL};
  expect_failures(&r, want);
  const ts_case *c = ts_junit_find(&r.j, "DELETE /pets/{petId} [valid]");
  cr_assert_not_null(c);
  cr_expect(c->body &&
                strstr(c->body, "a status documented for DELETE /pets/{petId} (204, 401, 404)"),
            "%s", c->body);
  run_free(&r);
}

Test(openapi_run, accepted_out_of_range_value_is_caught) {
  oa_run r;
  run_doc(&r, "accepts_out_of_range", NULL);
  static const char *const want[] = {
      /* 201 instead of 400/422, and the answer's age breaks the Pet schema too */
      "POST /pets [out_of_range #1 $.age above maximum 30]|status|schema",
      /* the pet it created is then listed, and its age breaks the list's schema */
      "GET /pets [valid]|schema", NULL};
  expect_failures(&r, want);
  const ts_case *c = ts_junit_find(&r.j, "POST /pets [out_of_range #1 $.age above maximum 30]");
  cr_assert_not_null(c);
  cr_expect(c->message && strstr(c->message, "status: expected 400, 422, got 201"), "%s",
            c->message);
  run_free(&r);
}

Test(openapi_run, accepted_enum_violation_is_caught) {
  oa_run r;
  run_doc(&r, "accepts_enum_violation", NULL);
  static const char *const want[] = {"GET /pets [not_in_enum #1 query kind]|status", NULL};
  expect_failures(&r, want);
  run_free(&r);
}

Test(openapi_run, ignored_required_parameter_is_caught) {
  oa_run r;
  run_doc(&r, "ignores_required_param", NULL);
  static const char *const want[] = {"GET /pets [missing_param #1 query limit]|status", NULL};
  expect_failures(&r, want);
  /* the repro command sends the request without the parameter */
  char *curl = ts_fmt("curl -sS -i -A '' --compressed -H 'Accept-Encoding: gzip, deflate, br, "
                      "zstd' -X GET 'http://127.0.0.1:%d/v1/pets' -H 'Authorization: Bearer "
                      "'\"${bearerAuth}\"",
                      r.port);
  cr_expect(strstr(r.g.out, curl), "%s", r.g.out);
  free(curl);
  run_free(&r);
}

Test(openapi_run, ignored_pattern_is_caught) {
  oa_run r;
  run_doc(&r, "ignores_pattern", NULL);
  static const char *const want[] = {"POST /pets [pattern_mismatch #1 $.name]|status",
                                     /* the stored name then breaks the list's schema */
                                     "GET /pets [valid]|schema", NULL};
  expect_failures(&r, want);
  run_free(&r);
}

Test(openapi_run, accepted_value_under_min_length_is_caught) {
  oa_run r;
  run_doc(&r, "accepts_empty_name", NULL);
  static const char *const want[] = {"POST /pets [bad_length #2 $.name under minLength 1]|status",
                                     "GET /pets [valid]|schema", NULL};
  expect_failures(&r, want);
  run_free(&r);
}

Test(openapi_run, schema_faults_are_selected_like_any_fault) {
  oa_run r;
  const char *extra[] = {"--faults", "missing_param,out_of_range", NULL};
  run_doc(&r, "ignores_required_param", extra);
  static const char *const want[] = {"GET /pets [missing_param #1 query limit]|status", NULL};
  expect_failures(&r, want);
  /* 5 valid cases, 4 out_of_range, 1 missing_param */
  cr_expect_eq(r.j.n, 10, "%zu cases", r.j.n);
  run_free(&r);
}

Test(openapi_run, missing_auth_is_caught) {
  oa_run r;
  run_doc(&r, "missing_auth", NULL);
  static const char *const want[] = {"GET /pets/{petId} [unauthenticated]|status",
                                     "GET /pets/{petId} [invalid_token]|status", NULL};
  expect_failures(&r, want);
  run_free(&r);
}

Test(openapi_run, base_url_and_credentials_are_required) {
  char *dir = ts_tempdir();
  char *doc = ts_fmt("%s/tests/fixtures/openapi/pets.yaml", SOURCE_DIR);
  ts_gauntlet g;
  const char *a1[] = {"run", doc, NULL};
  ts_gauntlet_run(&g, dir, a1, NULL, 30000);
  cr_expect_eq(g.exit_code, 2);
  cr_expect(strstr(g.err, "--base-url URL is required"), "%s", g.err);
  ts_gauntlet_free(&g);
  const char *a2[] = {"run", "--base-url", "http://127.0.0.1:9/v1", doc, NULL};
  ts_gauntlet_run(&g, dir, a2, NULL, 30000);
  cr_expect_eq(g.exit_code, 2);
  cr_expect(strstr(g.err, "the credential variable bearerAuth is not set"), "%s", g.err);
  ts_gauntlet_free(&g);
  /* check and list name the variables and send nothing */
  const char *a3[] = {"check", doc, NULL};
  ts_gauntlet_run(&g, dir, a3, NULL, 30000);
  cr_expect_eq(g.exit_code, 0, "%s", g.err);
  cr_expect(strstr(g.out, "bearerAuth  (security scheme 'bearerAuth': bearer token)"), "%s", g.out);
  cr_expect(strstr(g.out, "ok: "), "%s", g.out);
  ts_gauntlet_free(&g);
  ts_rmtree(dir);
  free(dir);
  free(doc);
}

Test(openapi_run, the_secret_is_never_printed) {
  oa_run r;
  const char *extra[] = {"--verbose", NULL};
  run_doc(&r, NULL, extra);
  cr_expect_null(strstr(r.g.out, "t0ken"), "the token appears on stdout");
  cr_expect_null(strstr(r.g.err, "t0ken"), "the token appears on stderr");
  cr_expect_null(strstr(r.j.raw, "t0ken"), "the token appears in the report");
  run_free(&r);
}

Test(openapi_run, a_hand_written_suite_with_openapi_is_checked_against_the_document) {
  oa_run r;
  run_file(&r, "handwritten.yaml", NULL, NULL);
  expect_failures(&r, NONE);
  cr_expect_eq(r.j.n, 3, "%zu cases", r.j.n);
  cr_expect(strstr(r.g.err, "3 operations of ") &&
                strstr(r.g.err, "not covered by a scenario: GET /health, GET /pets, "
                                "DELETE /pets/{petId}"),
            "%s", r.g.err);
  run_free(&r);
  run_file(&r, "handwritten.yaml", "wrong_error_schema", NULL);
  static const char *const want[] = {"create a cat [unauthenticated]|schema", NULL};
  expect_failures(&r, want);
  run_free(&r);
}

Test(openapi_run, init_writes_an_editable_suite_that_runs) {
  char *dir = ts_tempdir();
  char *doc = ts_fmt("%s/tests/fixtures/openapi/pets.yaml", SOURCE_DIR);
  char *out = ts_fmt("%s/suite", dir);
  ts_gauntlet g;
  const char *a1[] = {"init", "--openapi", doc, "--out", out, NULL};
  ts_gauntlet_run(&g, dir, a1, NULL, 30000);
  cr_expect_eq(g.exit_code, 0, "%s", g.err);
  cr_expect(strstr(g.out, "bearerAuth"), "%s", g.out);
  ts_gauntlet_free(&g);
  char *suite_path = ts_fmt("%s/suite.yaml", out);
  char *suite = ts_read_file(suite_path, NULL);
  cr_assert_not_null(suite);
  cr_expect(strstr(suite, "profile: \"profile.yaml\"\n"), "%s", suite);
  /* the document stays the suite's contract, relative to the suite */
  cr_expect(strstr(suite, "openapi: \"") && strstr(suite, "tests/fixtures/openapi/pets.yaml\"\n"),
            "%s", suite);
  cr_expect(strstr(suite, "not_in_enum, out_of_range, bad_length, pattern_mismatch"), "%s", suite);
  cr_expect(strstr(suite, "  # from: GET /pets/{petId}\n  - name: \"GET /pets/{petId}\""), "%s",
            suite);
  free(suite);
  /* not replaced without --force */
  ts_gauntlet_run(&g, dir, a1, NULL, 30000);
  cr_expect_eq(g.exit_code, 3);
  cr_expect(strstr(g.err, "exists (--force replaces it)"), "%s", g.err);
  ts_gauntlet_free(&g);
  /* the written suite runs against the pets target: every case passes */
  ts_target t;
  int port = ts_free_port();
  char *p = ts_fmt("%d", port);
  const char *targs[] = {"--http-port", p, NULL};
  cr_assert(ts_target_start(&t, "oa_pets", targs, port, dir));
  char *base = ts_fmt("http://127.0.0.1:%d/v1", port);
  char *junit = ts_fmt("%s/junit.xml", dir);
  const char *a2[] = {"run", "-q", "--junit", junit, "--base-url", base, suite_path, NULL};
  const char *env[] = {"bearerAuth=t0ken", NULL};
  ts_gauntlet_run(&g, dir, a2, env, 60000);
  cr_expect_eq(g.exit_code, 0, "%s%s", g.out, g.err);
  ts_junit j;
  cr_assert(ts_junit_load(junit, &j));
  cr_expect_eq(j.n, 43, "%zu cases", j.n);
  ts_junit_free(&j);
  ts_gauntlet_free(&g);
  cr_expect(ts_target_stop(&t));
  ts_rmtree(out);
  ts_rmtree(dir);
  free(dir);
  free(doc);
  free(out);
  free(suite_path);
  free(p);
  free(base);
  free(junit);
}

/* The coverage document of a run (--coverage FILE): valid against
 * docs/coverage.schema.json (which refers to docs/report.schema.json). */
static cJSON *load_coverage(const char *dir, const char *path) {
  char *schema = ts_fmt("%s/docs/coverage.schema.json", SOURCE_DIR);
  char *map = ts_fmt("https://gauntlet.invalid/schemas/report-1.schema.json=%s/docs/"
                     "report.schema.json",
                     SOURCE_DIR);
  const char *args[] = {"schema", "--strict-formats", "--map", map, schema, path, NULL};
  ts_gauntlet g;
  ts_gauntlet_run(&g, dir, args, NULL, 60000);
  cr_expect_eq(g.exit_code, 0, "%s does not validate against %s:\n%s%s", path, schema, g.out,
               g.err);
  ts_gauntlet_free(&g);
  free(schema);
  free(map);
  char *text = ts_read_file(path, NULL);
  cr_assert_not_null(text, "no coverage file %s", path);
  cJSON *doc = cJSON_Parse(text);
  free(text);
  cr_assert_not_null(doc, "the coverage file is not JSON");
  return doc;
}

/* The operation `label` of the first suite of a coverage document. */
static const cJSON *coverage_op(const cJSON *doc, const char *label) {
  const cJSON *suite = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "suites"), 0);
  const cJSON *op;
  cJSON_ArrayForEach(op, cJSON_GetObjectItem(suite, "operations")) {
    if (!strcmp(cJSON_GetObjectItem(op, "operation")->valuestring, label)) return op;
  }
  cr_assert_fail("no operation %s in the coverage", label);
  return NULL;
}

/* A list member of an operation as one line ("200 401", "unknown_path=1"). */
static char *member_text(const cJSON *op, const char *key) {
  char out[1024] = "";
  size_t n = 0;
  const cJSON *m = cJSON_GetObjectItem(op, key), *x;
  cJSON_ArrayForEach(x, m) {
    const char *sep = n ? " " : "";
    if (cJSON_IsString(x))
      n += (size_t)snprintf(out + n, sizeof out - n, "%s%s", sep, x->valuestring);
    else if (cJSON_IsArray(m))
      n += (size_t)snprintf(out + n, sizeof out - n, "%s%d", sep, x->valueint);
    else
      n += (size_t)snprintf(out + n, sizeof out - n, "%s%s=%d", sep, x->string, x->valueint);
    if (n >= sizeof out) break;
  }
  return strdup(out);
}

static void expect_member(const cJSON *op, const char *key, const char *want) {
  char *got = member_text(op, key);
  cr_expect_str_eq(got, want, "%s of %s", key, cJSON_GetObjectItem(op, "operation")->valuestring);
  free(got);
}

Test(openapi_run, coverage_reports_statuses_and_faults_per_operation) {
  oa_run r;
  char *dir = ts_tempdir();
  char *cov = ts_fmt("%s/out/coverage.json", dir);
  char *json = ts_fmt("%s/out/report.json", dir);
  const char *extra[] = {"--color", "never", "--coverage", cov, "--json", json, NULL};
  run_doc(&r, NULL, extra);
  expect_failures(&r, NONE);
  cJSON *doc = load_coverage(dir, cov);
  const cJSON *suite = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "suites"), 0);
  const cJSON *t = cJSON_GetObjectItem(suite, "totals");
  cr_expect_eq(cJSON_GetObjectItem(t, "operations")->valueint, 5);
  cr_expect_eq(cJSON_GetObjectItem(t, "operations_exercised")->valueint, 5);
  cr_expect_eq(cJSON_GetObjectItem(t, "documented_statuses")->valueint, 14);
  cr_expect_eq(cJSON_GetObjectItem(t, "observed_statuses")->valueint, 11);
  const cJSON *op = coverage_op(doc, "POST /pets");
  expect_member(op, "documented", "201 400 401 422");
  /* the body and schema-driven faults get 422 from oa_pets: 400 is never seen */
  expect_member(op, "observed", "201 401 422");
  expect_member(op, "not_observed", "400");
  expect_member(op, "undocumented", "");
  expect_member(op, "faults",
                "unauthenticated=1 invalid_token=1 missing_field=1 wrong_type=3 not_in_enum=1 "
                "out_of_range=2 bad_length=2 pattern_mismatch=1 unknown_path=1 wrong_method=3 "
                "unversioned=3");
  /* unknown_path's 404 is not an answer of GET /pets/{petId}: not counted */
  op = coverage_op(doc, "GET /pets/{petId}");
  expect_member(op, "observed", "200 401");
  expect_member(op, "not_observed", "404");
  expect_member(op, "statuses", "200=1 401=2");
  op = coverage_op(doc, "GET /health");
  expect_member(op, "faults", "unknown_path=1 wrong_method=4");
  /* the JSON report holds the same document, and validates */
  char *schema = ts_fmt("%s/docs/report.schema.json", SOURCE_DIR);
  const char *args[] = {"schema", "--strict-formats", schema, json, NULL};
  ts_gauntlet g;
  ts_gauntlet_run(&g, dir, args, NULL, 60000);
  cr_expect_eq(g.exit_code, 0, "%s%s", g.out, g.err);
  ts_gauntlet_free(&g);
  char *text = ts_read_file(json, NULL);
  cJSON *rep = text ? cJSON_Parse(text) : NULL;
  cr_assert_not_null(rep);
  cJSON *in_report = cJSON_GetObjectItem(rep, "coverage");
  cJSON_DeleteItemFromObject(in_report, "gauntlet");
  cJSON_DeleteItemFromObject(doc, "gauntlet");
  cr_expect(cJSON_Compare(in_report, doc, true), "the report's coverage differs from the file's");
  /* JUnit: the suite's properties; the console: the table */
  cr_expect(strstr(r.j.raw, "<property name=\"coverage.operations\" value=\"5 of 5 exercised\"/>"),
            "%s", r.j.raw);
  cr_expect(strstr(r.j.raw, "<property name=\"coverage.op.GET /pets/{petId}\" value=\"observed: "
                            "200 401; not observed: 404; undocumented: -; faults: "
                            "unauthenticated invalid_token unknown_path wrong_method\"/>"),
            "%s", r.j.raw);
  cr_expect(strstr(r.g.out, "5 of 5 operations exercised, 11 of 14 documented statuses observed"),
            "%s", r.g.out);
  cr_expect(strstr(r.g.out, "  GET /pets/{petId}     200 401      404 "), "%s", r.g.out);
  cJSON_Delete(rep);
  free(text);
  free(schema);
  cJSON_Delete(doc);
  run_free(&r);
  ts_rmtree(dir);
  free(dir), free(cov), free(json);
}

Test(openapi_run, coverage_shows_an_undocumented_status) {
  oa_run r;
  char *dir = ts_tempdir();
  char *cov = ts_fmt("%s/coverage.json", dir);
  const char *extra[] = {"--coverage", cov, NULL};
  run_doc(&r, "undocumented_status", extra);
  cJSON *doc = load_coverage(dir, cov);
  const cJSON *op = coverage_op(doc, "DELETE /pets/{petId}");
  expect_member(op, "observed", "401");
  expect_member(op, "not_observed", "204 404");
  expect_member(op, "undocumented", "200");
  cJSON_Delete(doc);
  run_free(&r);
  ts_rmtree(dir);
  free(dir), free(cov);
}

Test(openapi_run, coverage_of_a_hand_written_suite_names_what_it_did_not_exercise) {
  oa_run r;
  char *dir = ts_tempdir();
  char *cov = ts_fmt("%s/coverage.json", dir);
  const char *extra[] = {"--coverage", cov, NULL};
  run_file(&r, "handwritten.yaml", NULL, extra);
  expect_failures(&r, NONE);
  cJSON *doc = load_coverage(dir, cov);
  const cJSON *t =
      cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "suites"), 0), "totals");
  cr_expect_eq(cJSON_GetObjectItem(t, "operations_exercised")->valueint, 2);
  const cJSON *op = coverage_op(doc, "GET /pets");
  cr_expect_eq(cJSON_GetObjectItem(op, "cases")->valueint, 0);
  expect_member(op, "not_observed", "200 400 401");
  op = coverage_op(doc, "POST /pets");
  expect_member(op, "observed", "201 401");
  expect_member(op, "faults", "unauthenticated=1");
  cr_expect(strstr(r.g.out, "  GET /pets             (not exercised)"), "%s", r.g.out);
  cJSON_Delete(doc);
  run_free(&r);
  ts_rmtree(dir);
  free(dir), free(cov);
}

Test(openapi_run, derive_missing_derives_and_runs_the_operations_no_scenario_covers) {
  oa_run r;
  char *dir = ts_tempdir();
  char *cov = ts_fmt("%s/coverage.json", dir);
  const char *extra[] = {"--coverage", cov, NULL};
  run_file(&r, "derive-missing.yaml", NULL, extra);
  expect_failures(&r, NONE);
  /* the suite's own scenario, then the derived ones: GET /health, GET /pets,
   * GET and DELETE /pets/{petId} and the POST /pets they take the id from */
  cr_expect_not_null(ts_junit_find(&r.j, "create a cat [valid]"));
  cr_expect_not_null(ts_junit_find(&r.j, "create a cat [unauthenticated]"));
  static const char *const derived[] = {"GET /health [valid]",
                                        "GET /pets [valid]",
                                        "GET /pets [invalid_token]",
                                        "GET /pets [missing_param #1 query limit]",
                                        "POST /pets [valid]",
                                        "GET /pets/{petId} [valid]",
                                        "DELETE /pets/{petId} [valid]",
                                        "DELETE /pets/{petId} [unauthenticated]",
                                        NULL};
  for (size_t i = 0; derived[i]; i++)
    cr_expect_not_null(ts_junit_find(&r.j, derived[i]), "no case %s", derived[i]);
  /* 40 derived cases (every operation: POST /pets feeds the others) + the suite's 2 */
  cr_expect_eq(r.j.n, 42, "%zu cases", r.j.n);
  cr_expect(strstr(r.g.err, "4 operations of ") &&
                strstr(r.g.err, "not covered by a scenario: derived (openapi.derive: missing)"),
            "%s", r.g.err);
  cJSON *doc = load_coverage(dir, cov);
  const cJSON *t =
      cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "suites"), 0), "totals");
  cr_expect_eq(cJSON_GetObjectItem(t, "operations_exercised")->valueint, 5);
  cJSON_Delete(doc);
  run_free(&r);
  /* the derived scenarios find defects as in a derived run */
  run_file(&r, "derive-missing.yaml", "missing_auth", NULL);
  static const char *const want[] = {"GET /pets/{petId} [unauthenticated]|status",
                                     "GET /pets/{petId} [invalid_token]|status", NULL};
  expect_failures(&r, want);
  run_free(&r);
  ts_rmtree(dir);
  free(dir), free(cov);
}

Test(openapi_run, derive_has_two_values) {
  char *dir = ts_tempdir();
  char *suite = ts_fmt("%s/bad.yaml", dir);
  char *doc = ts_fmt("%s/tests/fixtures/openapi/pets.yaml", SOURCE_DIR);
  char *text = ts_fmt("suite: s\nbase_url: http://127.0.0.1:9\nopenapi: { file: %s, derive: "
                      "some }\nscenarios:\n  - name: a\n    request: { method: GET, path: /x }\n",
                      doc);
  cr_assert(ts_write_file(suite, text, strlen(text)));
  const char *args[] = {"check", suite, NULL};
  ts_gauntlet g;
  ts_gauntlet_run(&g, dir, args, NULL, 30000);
  cr_expect_eq(g.exit_code, 2);
  char *want = ts_fmt("%s:3:%d: openapi.derive: expected `none`", suite, (int)strlen(doc) + 28);
  cr_expect(strstr(g.err, want), "want %s in %s", want, g.err);
  ts_gauntlet_free(&g);
  ts_rmtree(dir);
  free(dir), free(suite), free(doc), free(text), free(want);
}

/* `derive: missing` with no scenario of its own: the document gives them all
 * (examples/alertmanager/suite.yaml); without `derive: missing` an empty or
 * absent list is still a load error. */
Test(openapi_run, derive_missing_needs_no_scenario_of_the_suite) {
  char *dir = ts_tempdir();
  char *suite = ts_fmt("%s/only-doc.yaml", dir);
  char *doc = ts_fmt("%s/tests/fixtures/openapi/pets.yaml", SOURCE_DIR);
  const char *lists[] = {"", "scenarios: []\n"};
  for (size_t i = 0; i < 2; i++) {
    char *text = ts_fmt("suite: s\nbase_url: http://127.0.0.1:9/v1\nopenapi: { file: %s, derive: "
                        "missing }\n%s",
                        doc, lists[i]);
    cr_assert(ts_write_file(suite, text, strlen(text)));
    const char *args[] = {"list", suite, NULL};
    ts_gauntlet g;
    ts_gauntlet_run(&g, dir, args, NULL, 30000);
    cr_expect_eq(g.exit_code, 0, "%s", g.err);
    cr_expect(strstr(g.out, "s › POST /pets [valid]") && strstr(g.out, "s › GET /health [valid]"),
              "%s", g.out);
    ts_gauntlet_free(&g);
    free(text);
    text = ts_fmt("suite: s\nbase_url: http://127.0.0.1:9/v1\nopenapi: %s\n%s", doc, lists[i]);
    cr_assert(ts_write_file(suite, text, strlen(text)));
    ts_gauntlet_run(&g, dir, args, NULL, 30000);
    cr_expect_eq(g.exit_code, 2, "%s", g.err);
    cr_expect(strstr(g.err, i ? "the list is empty" : "missing required key 'scenarios'"), "%s",
              g.err);
    ts_gauntlet_free(&g);
    free(text);
  }
  ts_rmtree(dir);
  free(dir), free(suite), free(doc);
}
