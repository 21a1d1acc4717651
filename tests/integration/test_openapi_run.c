/* test_openapi_run.c — `gauntlet run --base-url URL api.yaml`: the suite
 * derived from tests/fixtures/openapi/pets.yaml alone, against the pets
 * target (tests/targets/oa_pets.c). Conformant: every case passes. With one
 * seeded defect: exactly the listed cases fail, each naming the check. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

typedef struct oa_run {
  char *dir;
  ts_target target;
  int port;
  ts_gauntlet g;
  ts_junit j;
  char *junit;
} oa_run;

static void run_file(oa_run *r, const char *file, const char *defect, const char *const extra[]);

static void run_doc(oa_run *r, const char *defect, const char *const extra[]) {
  run_file(r, "pets.yaml", defect, extra);
}

static void run_file(oa_run *r, const char *file, const char *defect, const char *const extra[]) {
  memset(r, 0, sizeof *r);
  r->dir = ts_tempdir();
  cr_assert(r->dir);
  r->port = ts_free_port();
  char *p = ts_fmt("%d", r->port);
  const char *targs[] = {"--http-port", p, defect ? "--defect" : NULL, defect, NULL};
  cr_assert(ts_target_start(&r->target, "oa_pets", targs, r->port, r->dir),
            "oa_pets did not start");
  free(p);
  r->junit = ts_fmt("%s/junit.xml", r->dir);
  char *doc = ts_fmt("%s/tests/fixtures/openapi/%s", SOURCE_DIR, file);
  char *base = ts_fmt("http://127.0.0.1:%d/v1", r->port);
  const char *args[24] = {"run", "--seed", "7", "--junit", r->junit, "--base-url", base};
  size_t k = 7;
  for (size_t i = 0; extra && extra[i] && k < 22; i++)
    args[k++] = extra[i];
  args[k++] = doc;
  args[k] = NULL;
  const char *env[] = {"bearerAuth=t0ken", NULL};
  ts_gauntlet_run(&r->g, r->dir, args, env, 120000);
  cr_expect(!r->g.timed_out, "gauntlet did not finish in time");
  cr_assert(ts_junit_load(r->junit, &r->j), "no report\nstdout: %s\nstderr: %s", r->g.out,
            r->g.err);
  cr_expect(ts_junit_validates(r->junit), "report does not validate");
  free(doc);
  free(base);
}

static void run_free(oa_run *r) {
  cr_expect(ts_target_stop(&r->target), "oa_pets died during the run");
  ts_junit_free(&r->j);
  ts_gauntlet_free(&r->g);
  ts_rmtree(r->dir);
  free(r->dir);
  free(r->junit);
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
  cr_expect_eq(r.j.n, 35, "%zu cases", r.j.n);
  /* the identifier flows from POST /pets to /pets/{petId}; negatives ran */
  cr_expect_not_null(ts_junit_find(&r.j, "GET /pets/{petId} [valid]"));
  cr_expect_not_null(ts_junit_find(&r.j, "POST /pets \xc2\xb7 maximum $.age [valid]"));
  cr_expect_not_null(ts_junit_find(&r.j, "GET /pets \xc2\xb7 missing query limit [valid]"));
  run_free(&r);
}

Test(openapi_run, wrong_error_schema_is_caught_by_the_schema_check) {
  oa_run r;
  run_doc(&r, "wrong_error_schema", NULL);
  static const char *const want[] = {"POST /pets [unauthenticated]|schema",
                                     "POST /pets [invalid_token]|schema",
                                     "POST /pets [missing_field #1 $.name]|schema",
                                     "POST /pets [wrong_type #1 $.name]|schema",
                                     "POST /pets [wrong_type #2 $.kind]|schema",
                                     "POST /pets [wrong_type #3 $.age]|schema",
                                     "POST /pets \xc2\xb7 maxLength $.name [valid]|schema",
                                     "POST /pets \xc2\xb7 enum $.kind [valid]|schema",
                                     "POST /pets \xc2\xb7 maximum $.age [valid]|schema",
                                     "GET /pets [unauthenticated]|schema",
                                     "GET /pets [invalid_token]|schema",
                                     "GET /pets \xc2\xb7 missing query limit [valid]|schema",
                                     "GET /pets \xc2\xb7 maximum query limit [valid]|schema",
                                     "GET /pets/{petId} [unauthenticated]|schema",
                                     "GET /pets/{petId} [invalid_token]|schema",
                                     "GET /pets/{petId} [unknown_path]|schema",
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
      "POST /pets \xc2\xb7 maximum $.age [valid]|status",
      /* the pet it created is then listed, and its age breaks the list's schema */
      "GET /pets [valid]|schema", NULL};
  expect_failures(&r, want);
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
  cr_expect_eq(j.n, 35, "%zu cases", j.n);
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
