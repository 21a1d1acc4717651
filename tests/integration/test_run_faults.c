/* test_run_faults.c — the fault catalogue (docs/faults.md) end to end: against the
 * conformant target_api every case passes; with one --defect, exactly the
 * cases of the matching fault (or universal check) fail, naming the check. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

/* One gauntlet run of a fixture suite against a fresh target_api. */
typedef ts_target_run fault_run;

static void run_suite(fault_run *r, const char *fixture, const char *const target_args[],
                      const char *const extra_args[], int raw) {
  cr_assert(ts_target_run_init(r));
  int url_port = 0;
  if (raw) {
    /* The raw listener is the one judged: target_api also needs its HTTP port. */
    int raw_port = ts_free_port();
    char *rp = ts_fmt("%d", raw_port);
    const char *args[16] = {"--raw-http-port", rp};
    size_t k = 2;
    for (size_t i = 0; target_args && target_args[i] && k < 15; i++)
      args[k++] = target_args[i];
    args[k] = NULL;
    cr_assert(ts_target_run_start(r, "target_api", "--http-port", args),
              "target_api did not start");
    cr_assert(ts_port_open(raw_port, 3000), "raw listener not up");
    url_port = raw_port;
    free(rp);
  } else {
    cr_assert(ts_target_run_start(r, "target_api", "--http-port", target_args),
              "target_api did not start");
    url_port = r->port;
  }
  char *suite = ts_fmt("%s/tests/fixtures/integration/%s", SOURCE_DIR, fixture);
  char *base = ts_fmt("BASE_URL=http://127.0.0.1:%d", url_port);
  char *jwt = ts_jwt_mint("{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
                          "{\"sub\":\"tester\",\"channel\":\"gauntlet\",\"exp\":4102444800}",
                          "jwt-test-secret-0123456789");
  char *jwt_env = ts_fmt("API_JWT=%s", jwt);
  const char *env[] = {base, "API_TOKEN=t0k3n-secret-value", jwt_env,
                       "API_JWT_SECRET=jwt-test-secret-0123456789", NULL};
  const char *args[] = {"-q", "--seed", "11", NULL};
  char *why = ts_target_run_gauntlet(r, args, extra_args, suite, env, 180000);
  cr_assert_null(why, "%s", why);
  free(suite);
  free(base);
  free(jwt);
  free(jwt_env);
}

static void run_free(fault_run *r) {
  cr_expect(ts_target_run_free(r), "target_api died during the run");
}

static void expect_all_pass(fault_run *r) {
  char *bad = ts_unexpected_failures(&r->j, NULL);
  cr_expect_null(bad, "unexpected failures:\n%s", bad);
  free(bad);
  cr_expect_eq(r->g.exit_code, 0, "exit %d\nstderr: %s", r->g.exit_code, r->g.err);
  cr_expect_eq(ts_junit_count(&r->j, TS_CASE_SKIPPED), 0, "no case should be skipped");
}

/* ---- conformant target: everything passes ---- */

static const char *const conformant_args[] = {"--max-body", "65536", NULL};

/* The CORS protocol answers a preflight (204), not the API: it is exempt from
 * documented_status; an API 404 outside the documented set is not. */
Test(run_faults, preflight_exempt_from_documented_status, .timeout = 120) {
  fault_run r;
  run_suite(&r, "cors_undocumented.yaml", conformant_args, NULL, 0);
  char *m = ts_prefix_mismatch(&r.j, "list items [cors_preflight]", TS_CASE_PASS, NULL);
  cr_expect_null(m, "%s", m);
  free(m);
  m = ts_prefix_mismatch(&r.j, "list items [unknown_path]", TS_CASE_FAILURE, "documented_status");
  cr_expect_null(m, "%s", m);
  free(m);
  run_free(&r);
}

Test(run_faults, conformant_target_passes_every_fault, .timeout = 240) {
  fault_run r;
  run_suite(&r, "faults.yaml", conformant_args, NULL, 0);
  expect_all_pass(&r);
  /* Every fault named in the suite produced at least one case. */
  static const char *const present[] = {"list items [unauthenticated]",
                                        "list items [invalid_token]",
                                        "list items [malformed_auth",
                                        "list items [token_in_query]",
                                        "list items [unknown_path]",
                                        "list items [wrong_method",
                                        "list items [bad_percent_encoding]",
                                        "list items [unversioned",
                                        "list items [cors_preflight]",
                                        "create item [malformed_json]",
                                        "create item [wrong_content_type]",
                                        "create item [invalid_utf8]",
                                        "create item [empty_body]",
                                        "create item [missing_field",
                                        "create item [wrong_type",
                                        "create item [oversized_body]",
                                        "create item on a slow link [truncated_body]",
                                        "create item on a slow link [slow_body]",
                                        "read item [unknown_path]",
                                        NULL};
  for (size_t i = 0; present[i]; i++) {
    char *m = ts_prefix_mismatch(&r.j, present[i], TS_CASE_PASS, NULL);
    cr_expect_null(m, "%s", m);
    free(m);
  }
  /* missing_field: one case per required field; wrong_type: every field at any depth. */
  cr_expect_null(ts_junit_find(&r.j, "create item [missing_field #4"), "only 3 required fields");
  run_free(&r);
}

/* ---- one defect at a time ---- */

typedef struct defect_case {
  const char *defect;
  const char *const *failing; /* prefixes of the cases that must fail */
  const char *checks;         /* the check their messages must name */
  bool others_pass;           /* every other case must still pass */
  const char *detail;         /* text the failure body must contain, or NULL */
} defect_case;

#define LIST(...) ((const char *const[]){__VA_ARGS__, NULL})

static void run_defect(const char *fixture, const defect_case *d, const char *const *extra_target,
                       int raw) {
  const char *targs[12];
  size_t k = 0;
  for (size_t i = 0; extra_target && extra_target[i]; i++)
    targs[k++] = extra_target[i];
  targs[k++] = "--defect";
  targs[k++] = d->defect;
  targs[k] = NULL;
  fault_run r;
  run_suite(&r, fixture, targs, NULL, raw);
  cr_expect_eq(r.g.exit_code, 1, "[%s] exit %d (a case failed: 1)\nstderr: %s", d->defect,
               r.g.exit_code, r.g.err);
  for (size_t i = 0; d->failing[i]; i++) {
    char *m = ts_prefix_mismatch(&r.j, d->failing[i], TS_CASE_FAILURE, d->checks);
    cr_expect_null(m, "[%s] %s", d->defect, m);
    free(m);
    for (size_t ci = 0; d->detail && ci < r.j.n; ci++) {
      const ts_case *c = &r.j.cases[ci];
      if (strncmp(c->name, d->failing[i], strlen(d->failing[i]))) continue;
      cr_expect(c->body && strstr(c->body, d->detail), "[%s] %s: failure text lacks \"%s\": %s",
                d->defect, c->name, d->detail, c->body ? c->body : "-");
    }
  }
  if (d->others_pass) {
    char *bad = ts_unexpected_failures(&r.j, d->failing);
    cr_expect_null(bad, "[%s] other cases failed too:\n%s", d->defect, bad);
    free(bad);
  }
  run_free(&r);
}

#define DEFECT_TEST_DETAIL(name, fixture, extra, raw, failing, checks, others_pass, detail)        \
  Test(run_faults, defect_##name, .timeout = 240) {                                                \
    const defect_case d = {#name, failing, checks, others_pass, detail};                           \
    run_defect(fixture, &d, extra, raw);                                                           \
  }
#define DEFECT_TEST(name, fixture, extra, raw, failing, checks, others_pass)                       \
  DEFECT_TEST_DETAIL(name, fixture, extra, raw, failing, checks, others_pass, NULL)

/* Request-level faults (faults.yaml). */
DEFECT_TEST(accept_no_token, "faults.yaml", conformant_args, 0,
            LIST("list items [unauthenticated]", "create item [unauthenticated]",
                 "read item [unauthenticated]"),
            "status", true)
DEFECT_TEST(accept_any_token, "faults.yaml", conformant_args, 0, LIST("list items [invalid_token]"),
            "status", true)
DEFECT_TEST(accept_malformed_auth, "faults.yaml", conformant_args, 0,
            LIST("list items [malformed_auth"), "status", true)
DEFECT_TEST(accept_query_token, "faults.yaml", conformant_args, 0,
            LIST("list items [token_in_query]"), "status", true)
DEFECT_TEST(malformed_json_500, "faults.yaml", conformant_args, 0,
            LIST("create item [malformed_json]"), "status|no_server_error", true)
DEFECT_TEST(accept_wrong_content_type, "faults.yaml", conformant_args, 0,
            LIST("create item [wrong_content_type]"), "status", true)
DEFECT_TEST(accept_invalid_utf8, "faults.yaml", conformant_args, 0,
            LIST("create item [invalid_utf8]"), "status", true)
DEFECT_TEST(accept_empty_body, "faults.yaml", conformant_args, 0, LIST("create item [empty_body]"),
            "status", true)
DEFECT_TEST(accept_missing_field, "faults.yaml", conformant_args, 0,
            LIST("create item [missing_field"), "status", true)
DEFECT_TEST(accept_wrong_type, "faults.yaml", conformant_args, 0, LIST("create item [wrong_type"),
            "status", true)
DEFECT_TEST(unknown_path_200, "faults.yaml", conformant_args, 0,
            LIST("list items [unknown_path]", "read item [unknown_path]"), "status", true)
DEFECT_TEST(wrong_method_200, "faults.yaml", conformant_args, 0, LIST("list items [wrong_method"),
            "status", true)
DEFECT_TEST(bad_percent_500, "faults.yaml", conformant_args, 0,
            LIST("list items [bad_percent_encoding]"), "status|no_server_error", true)
DEFECT_TEST(unversioned_200, "faults.yaml", conformant_args, 0, LIST("list items [unversioned"),
            "status", true)
DEFECT_TEST(accept_oversized, "faults.yaml", conformant_args, 0,
            LIST("create item [oversized_body]"), "status", true)
DEFECT_TEST(slow_body_500, "faults.yaml", conformant_args, 0,
            LIST("create item on a slow link [slow_body]"), "status|no_server_error", true)
DEFECT_TEST(no_cors, "faults.yaml", conformant_args, 0, LIST("list items [cors_preflight]"),
            "cors|headers", true)

/* Universal checks (faults.yaml): the named cases fail on that check. */
DEFECT_TEST(server_error_on_create, "faults.yaml", conformant_args, 0,
            LIST("create item [valid]", "create item on a slow link [valid]"),
            "status|no_server_error", false)
DEFECT_TEST(wrong_content_type, "faults.yaml", conformant_args, 0,
            LIST("list items [valid]", "list items [unauthenticated]", "read item [valid]"),
            "content_type", false)
DEFECT_TEST_DETAIL(invalid_json_body, "faults.yaml", conformant_args, 0,
                   LIST("list items [valid]", "read item [valid]", "create item [valid]"),
                   "json_parses|json", false, "json_parses")
DEFECT_TEST(error_shape_wrong, "faults.yaml", conformant_args, 0,
            LIST("list items [unauthenticated]", "list items [invalid_token]",
                 "create item [malformed_json]", "read item [unknown_path]"),
            "error_shape", false)
DEFECT_TEST(undocumented_status, "faults.yaml", conformant_args, 0, LIST("create item [wrong_type"),
            "documented_status", true)
DEFECT_TEST(missing_rate_headers, "faults.yaml", conformant_args, 0,
            LIST("list items [valid]", "read item [valid]", "list items [unauthenticated]"),
            "required_headers", false)
DEFECT_TEST(invalid_utf8_response, "faults.yaml", conformant_args, 0,
            LIST("read item [valid]", "create item [valid]"), "utf8", false)

/* Universal checks must not fire on valid cases when the rule holds: with
 * error_shape_wrong, valid cases still pass (errors only). */
Test(run_faults, error_shape_defect_spares_valid_cases, .timeout = 240) {
  const char *targs[] = {"--max-body", "65536", "--defect", "error_shape_wrong", NULL};
  fault_run r;
  run_suite(&r, "faults.yaml", targs, NULL, 0);
  char *m = ts_case_mismatch(&r.j, "list items [valid]", TS_CASE_PASS, NULL);
  cr_expect_null(m, "%s", m);
  free(m);
  run_free(&r);
}

/* ---- JWT faults ---- */
static const char *const jwt_args[] = {"--jwt-secret", "jwt-test-secret-0123456789", NULL};

Test(run_faults, jwt_conformant_passes, .timeout = 120) {
  fault_run r;
  run_suite(&r, "jwt.yaml", jwt_args, NULL, 0);
  expect_all_pass(&r);
  static const char *const present[] = {
      "list items [jwt_alg_none]", "list items [jwt_bad_signature]", "list items [jwt_expired]",
      "list items [jwt_missing_claim", NULL};
  for (size_t i = 0; present[i]; i++) {
    char *m = ts_prefix_mismatch(&r.j, present[i], TS_CASE_PASS, NULL);
    cr_expect_null(m, "%s", m);
    free(m);
  }
  run_free(&r);
}

DEFECT_TEST(accept_alg_none, "jwt.yaml", jwt_args, 0, LIST("list items [jwt_alg_none]"), "status",
            true)
DEFECT_TEST(accept_bad_signature, "jwt.yaml", jwt_args, 0, LIST("list items [jwt_bad_signature]"),
            "status", true)
DEFECT_TEST(accept_expired, "jwt.yaml", jwt_args, 0, LIST("list items [jwt_expired]"), "status",
            true)
DEFECT_TEST(accept_missing_claim, "jwt.yaml", jwt_args, 0, LIST("list items [jwt_missing_claim"),
            "status", true)

/* ---- wire faults against the strict raw listener ---- */
Test(run_faults, wire_conformant_passes, .timeout = 120) {
  fault_run r;
  run_suite(&r, "wire.yaml", NULL, NULL, 1);
  expect_all_pass(&r);
  static const char *const present[] = {"ping [wire_bare_lf]",
                                        "ping [wire_obs_fold]",
                                        "ping [wire_nul_header]",
                                        "ping [wire_huge_header]",
                                        "ping [wire_long_uri]",
                                        "post ping [wire_dup_content_length]",
                                        "post ping [wire_cl_te #1 CL.TE]",
                                        "post ping [wire_cl_te #2 TE.CL]",
                                        "post ping [wire_bad_chunk]",
                                        "post ping [truncated_body]",
                                        NULL};
  for (size_t i = 0; present[i]; i++) {
    char *m = ts_prefix_mismatch(&r.j, present[i], TS_CASE_PASS, NULL);
    cr_expect_null(m, "%s", m);
    free(m);
  }
  run_free(&r);
}

/* A front end that answers 200 to anything and answers twice to Content-Length
 * with Transfer-Encoding. RFC 9112 lets a server take a bare LF as a line end,
 * replace a NUL or obs-fold by SP, read a head of any size and answer without
 * reading a body it then drops with the connection: those pass. Two different
 * lengths answered 200 (§6.3: MUST 400), a second answer after CL+TE (§6.1:
 * MUST close) and a 2xx to a truncated body fail. */
Test(run_faults, wire_accept_all_fails_what_the_rfcs_forbid, .timeout = 120) {
  const char *targs[] = {"--defect", "wire_accept_all", NULL};
  fault_run r;
  run_suite(&r, "wire.yaml", targs, NULL, 1);
  cr_expect_eq(r.g.exit_code, 1);
  static const char *const failing[] = {
      "post ping [wire_dup_content_length]", "post ping [wire_cl_te #1 CL.TE]",
      "post ping [wire_cl_te #2 TE.CL]", "post ping [truncated_body]", NULL};
  for (size_t i = 0; failing[i]; i++) {
    char *m =
        ts_prefix_mismatch(&r.j, failing[i], TS_CASE_FAILURE, "refused|status|request_smuggling");
    cr_expect_null(m, "%s", m);
    free(m);
  }
  static const char *const passing[] = {"ping [wire_bare_lf]",
                                        "ping [wire_obs_fold]",
                                        "ping [wire_nul_header]",
                                        "ping [wire_huge_header]",
                                        "ping [wire_long_uri]",
                                        "post ping [wire_bad_chunk]",
                                        "ping [valid]",
                                        "post ping [valid]",
                                        NULL};
  for (size_t i = 0; passing[i]; i++) {
    char *m = ts_case_mismatch(&r.j, passing[i], TS_CASE_PASS, NULL);
    cr_expect_null(m, "%s", m);
    free(m);
  }
  /* Two answers to one CL+TE request: request_smuggling says so, with the
   * answers received. */
  const ts_case *c = ts_junit_find(&r.j, "post ping [wire_cl_te #1 CL.TE]");
  cr_expect(c && c->body && strstr(c->body, "request_smuggling") &&
                strstr(c->body, "received: 1) HTTP/1.1 200 OK, 2) HTTP/1.1 200 OK"),
            "wire_cl_te failure: %s", c && c->body ? c->body : "-");
  /* The raw request is dumped whole, its NUL made visible, and the answer
   * after it is not lost (a dump once ended at the NUL). */
  const char *nul = strstr(r.j.raw, "X-Gauntlet-Nul: a#x00b");
  cr_expect(nul, "the wire_nul_header dump does not show the NUL as #x00");
  const char *answer = nul ? strstr(nul, "&lt; HTTP/1.1 200") : NULL;
  const char *next_case = nul ? strstr(nul, "<testcase") : NULL;
  cr_expect(answer && (!next_case || answer < next_case),
            "the answer is missing from the wire_nul_header dump");
  char *bad = ts_unexpected_failures(&r.j, failing);
  cr_expect_null(bad, "other cases failed too:\n%s", bad);
  free(bad);
  run_free(&r);
}

typedef struct expected_case {
  const char *name;
  ts_outcome outcome;
  const char *checks;
} expected_case;

static void expect_cases(fault_run *r, const expected_case *e, size_t n) {
  for (size_t i = 0; i < n; i++) {
    char *m = ts_case_mismatch(&r->j, e[i].name, e[i].outcome, e[i].checks);
    cr_expect_null(m, "%s", m);
    free(m);
  }
  cr_expect_eq(r->j.n, n, "report has %zu cases", r->j.n);
}

/* unknown_path must not land on a documented route: a target that validates
 * the {id} of /v1/items/{id} (as an OpenAPI mock does) answers 400 to
 * /v1/items/gauntlet-..., a path one segment deeper than /v1/items. */
Test(run_faults, unknown_path_misses_every_documented_template, .timeout = 120) {
  const char *targs[] = {"--validate-ids", NULL};
  const char *gargs[] = {"--filter", "*[unknown_path]", NULL};
  fault_run r;
  run_suite(&r, "faults.yaml", targs, gargs, 0);
  static const expected_case e[] = {
      {"list items [unknown_path]", TS_CASE_PASS, NULL},
      {"read item [unknown_path]", TS_CASE_PASS, NULL},
  };
  expect_cases(&r, e, sizeof e / sizeof *e);
  run_free(&r);
}

/* ---- one refusal rule for the raw-mode faults ---- */

/* Real HTTP layers (node, gunicorn) refuse broken framing and a body cut
 * short with a bare 400: no body, none of the API's headers. In the refusal
 * set, the answer is judged by its status alone: every case passes. */
Test(run_faults, wire_bare_400_refusals_pass, .timeout = 120) {
  const char *targs[] = {"--raw-style", "bare_400", NULL};
  fault_run r;
  run_suite(&r, "wire.yaml", targs, NULL, 1);
  expect_all_pass(&r);
  run_free(&r);
}

/* RFC 9112 §5.2: a server may unfold obs-fold and serve the request. */
Test(run_faults, wire_obs_fold_unfolded_passes, .timeout = 120) {
  const char *targs[] = {"--raw-style", "unfold", NULL};
  fault_run r;
  run_suite(&r, "wire.yaml", targs, NULL, 1);
  expect_all_pass(&r);
  run_free(&r);
}

/* An answer outside the refusal set gets every universal check: the
 * unfolded obs-fold answer lacks a header the profile requires (as the
 * valid answer does), the bare-LF refusal (400) is judged by status alone. */
Test(run_faults, wire_answer_outside_refusal_set_gets_universal_checks, .timeout = 120) {
  const char *targs[] = {"--raw-style", "unfold", NULL};
  fault_run r;
  run_suite(&r, "wire_required_header.yaml", targs, NULL, 1);
  static const expected_case e[] = {
      {"ping [valid]", TS_CASE_FAILURE, "required_headers"},
      {"ping [wire_obs_fold]", TS_CASE_FAILURE, "required_headers"},
      {"ping [wire_bare_lf]", TS_CASE_PASS, NULL},
  };
  expect_cases(&r, e, sizeof e / sizeof *e);
  run_free(&r);
}

/* RFC 9112 §2.2: taking a bare LF as a line end is a MAY. A server that does
 * not waits for the rest of the head: no answer is not a defect when the
 * server still answers afterwards. */
Test(run_faults, wire_bare_lf_unanswered_passes, .timeout = 120) {
  const char *targs[] = {"--raw-style", "wait_bare_lf", NULL};
  const char *gargs[] = {"--timeout", "1s", NULL};
  fault_run r;
  run_suite(&r, "wire.yaml", targs, gargs, 1);
  expect_all_pass(&r);
  run_free(&r);
}

/* A server that never answers: the message states the fault's own
 * expectation, and the probe finds it dead. */
Test(run_faults, wire_hang_message_states_the_expectation, .timeout = 120) {
  const char *targs[] = {"--raw-style", "hang", NULL};
  const char *gargs[] = {"--timeout", "1s", NULL};
  fault_run r;
  run_suite(&r, "wire.yaml", targs, gargs, 1);
  const ts_case *c = ts_junit_find(&r.j, "ping [wire_nul_header]");
  cr_assert_not_null(c, "no case 'ping [wire_nul_header]' in the report");
  cr_expect(c->outcome == TS_CASE_FAILURE && c->message &&
                strstr(c->message, "refused connection: expected any answer but a 5xx, or a "
                                   "closed connection, got timed out"),
            "message: %s", c->message ? c->message : "-");
  cr_expect(c->body && strstr(c->body, "alive"), "the probe fails too: %s",
            c->body ? c->body : "-");
  c = ts_junit_find(&r.j, "ping [wire_bare_lf]");
  cr_assert_not_null(c, "no case 'ping [wire_bare_lf]' in the report");
  cr_expect(c->outcome == TS_CASE_FAILURE && c->type && !strcmp(c->type, "alive"),
            "an unanswered bare LF fails when the server is dead: %s",
            c->message ? c->message : "-");
  run_free(&r);
}

/* ---- the liveness probe after a transport fault ---- */
/* A valid case that fails its own checks is reported once, by itself: the
 * probe only needs an answer. */
Test(run_faults, liveness_needs_an_answer_not_a_passing_valid_case, .timeout = 120) {
  fault_run r;
  run_suite(&r, "alive.yaml", NULL, NULL, 1);
  static const expected_case e[] = {
      {"ping wrong json [valid]", TS_CASE_FAILURE, "json"},
      {"ping wrong json [wire_bare_lf]", TS_CASE_PASS, NULL},
      {"ping expects 503 [valid]", TS_CASE_FAILURE, "status"},
      {"ping expects 503 [wire_bare_lf]", TS_CASE_PASS, NULL},
  };
  expect_cases(&r, e, sizeof e / sizeof *e);
  run_free(&r);
}

/* A 5xx after the fault is not alive, unless the valid case expects it. */
Test(run_faults, liveness_fails_on_5xx_unless_expected, .timeout = 120) {
  const char *targs[] = {"--defect", "raw_503", NULL};
  fault_run r;
  run_suite(&r, "alive.yaml", targs, NULL, 1);
  static const expected_case e[] = {
      {"ping wrong json [valid]", TS_CASE_FAILURE, "status"},
      {"ping wrong json [wire_bare_lf]", TS_CASE_FAILURE, "alive"},
      {"ping expects 503 [valid]", TS_CASE_PASS, NULL},
      {"ping expects 503 [wire_bare_lf]", TS_CASE_PASS, NULL},
  };
  expect_cases(&r, e, sizeof e / sizeof *e);
  const ts_case *c = ts_junit_find(&r.j, "ping wrong json [wire_bare_lf]");
  cr_expect(c && c->message && strstr(c->message, "got HTTP 503"), "message: %s",
            c && c->message ? c->message : "-");
  run_free(&r);
}

/* ---- rate limit ---- */
static const char *const rate_args[] = {"--rate-limit", "5", NULL};

Test(run_faults, rate_limit_conformant_passes, .timeout = 120) {
  fault_run r;
  run_suite(&r, "rate.yaml", rate_args, NULL, 0);
  expect_all_pass(&r);
  char *m = ts_case_mismatch(&r.j, "list items [rate_limit]", TS_CASE_PASS, NULL);
  cr_expect_null(m, "%s", m);
  free(m);
  /* Bounded: valid (1) + at most twice the limit. */
  long n = ts_api_count(r.port);
  cr_expect(n > 0 && n <= 1 + 2 * 5 + 1, "sent %ld requests", n);
  run_free(&r);
}

DEFECT_TEST(no_rate_limit, "rate.yaml", rate_args, 0, LIST("list items [rate_limit]"),
            "rate_limit|status", true)

/* ---- envelope ---- */
static const char *const envelope_args[] = {"--envelope", NULL};

Test(run_faults, envelope_conformant_passes, .timeout = 120) {
  fault_run r;
  run_suite(&r, "envelope.yaml", envelope_args, NULL, 0);
  expect_all_pass(&r);
  run_free(&r);
}

DEFECT_TEST(envelope_missing, "envelope.yaml", envelope_args, 0,
            LIST("read item [valid]", "read item [unauthenticated]", "read item [unknown_path]"),
            "envelope", true)
