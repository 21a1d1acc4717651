/* test_shipped_suites.c — the four shipped suites (suites/NAME.yaml) against
 * refapi, an independent conformant implementation (tests/targets/refapi.c):
 * every suite passes on the conformant server, and for every defect refapi
 * knows (one broken rule each) the suite fails, with the case we expect among
 * the failures. Then the suites against `gauntlet serve` of themselves.
 *
 * Each run is a real `gauntlet run` process with the environment variables of
 * suites/README.md; HTTPS targets use a generated self-signed cert
 * trusted with --cacert. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

typedef struct env_set {
  char *items[16]; /* "NAME=VALUE", owned */
  int n;
} env_set;

static void env_add(env_set *e, const char *name, const char *value) {
  if (e->n < 15) e->items[e->n++] = ts_fmt("%s=%s", name, value);
  e->items[e->n] = NULL;
}

static void env_free(env_set *e) {
  for (int i = 0; i < e->n; i++)
    free(e->items[i]);
  e->n = 0;
}

static char *dir, *cert, *key;

static void setup(void) {
  dir = ts_tempdir();
  cr_assert(dir, "tempdir");
  cr_assert(ts_make_cert(dir, &cert, &key), "self-signed certificate");
}

static void teardown(void) {
  ts_rmtree(dir);
  free(dir), free(cert), free(key);
}

/* A running target (refapi or gauntlet serve) and the env the suite reads. */
typedef struct target {
  ts_target t;
  ts_serve serve; /* when the target is gauntlet serve */
  bool is_serve;
  env_set env;
} target;

static const char *suite_path(const char *api) {
  static char buf[512];
  snprintf(buf, sizeof buf, "%s/suites/%s.yaml", SOURCE_DIR, api);
  return buf;
}

static char *mint_jwt(const char *secret) {
  char *out = ts_fmt("%s/jwt.txt", dir);
  char *bin = ts_fmt("%s/refapi", TARGETS_DIR);
  const char *argv[] = {bin, "--api", "botanalytics", "--jwt-secret", secret, "--mint-jwt", NULL};
  ts_proc p;
  int rc = ts_run(argv, NULL, out, NULL, 5000, &p);
  char *tok = rc == 0 ? ts_read_file(out, NULL) : NULL;
  if (tok) tok[strcspn(tok, "\r\n")] = '\0';
  free(out), free(bin);
  return tok;
}

/* Starts refapi for api with an optional defect (and extra options, a
 * NULL-terminated list or NULL) and fills the suite's env. */
static bool start_refapi_once(target *tg, const char *api, const char *defect,
                              const char *const *extra) {
  memset(tg, 0, sizeof *tg);
  int http = ts_free_port(), https = ts_free_port();
  char hp[16], sp[16];
  snprintf(hp, sizeof hp, "%d", http);
  snprintf(sp, sizeof sp, "%d", https);
  const char *args[24] = {"--api", api,      "--http-port", hp,      "--https-port",
                          sp,      "--cert", cert,          "--key", key};
  int n = 10;
  char *url = ts_fmt("https://127.0.0.1:%d", https);
  if (!strcmp(api, "botanalytics")) {
    args[n++] = "--jwt-secret", args[n++] = "suite-secret";
    char *tok = mint_jwt("suite-secret");
    if (!tok) return false;
    env_add(&tg->env, "BOTANALYTICS_URL", url);
    env_add(&tg->env, "BOTANALYTICS_HTTP_PORT", hp);
    env_add(&tg->env, "BOTANALYTICS_TOKEN", tok);
    env_add(&tg->env, "BOTANALYTICS_JWT_SECRET", "suite-secret");
    free(tok);
  } else if (!strcmp(api, "buddybuild")) {
    args[n++] = "--token", args[n++] = "bb-token-0123456789";
    env_add(&tg->env, "BUDDYBUILD_URL", url);
    env_add(&tg->env, "BUDDYBUILD_TOKEN", "bb-token-0123456789");
  } else if (!strcmp(api, "bitpaket")) {
    args[n++] = "--token", args[n++] = "bp-token-0123456789";
    args[n++] = "--client-secret", args[n++] = "bp-client-secret";
    args[n++] = "--rate-limit", args[n++] = "120";
    env_add(&tg->env, "BITPAKET_URL", url);
    env_add(&tg->env, "BITPAKET_TOKEN", "bp-token-0123456789");
    env_add(&tg->env, "BITPAKET_CLIENT_SECRET", "bp-client-secret");
    env_add(&tg->env, "BITPAKET_RATE_LIMIT", "120");
  } else {
    args[n++] = "--token", args[n++] = "rpc-key-0123456789";
    env_add(&tg->env, "RPC_URL", url);
    env_add(&tg->env, "RPC_API_KEY", "rpc-key-0123456789");
  }
  if (defect) args[n++] = "--defect", args[n++] = defect;
  for (size_t i = 0; extra && extra[i] && n < 22; i++)
    args[n++] = extra[i];
  args[n] = NULL;
  free(url);
  return ts_target_start(&tg->t, "refapi", args, https, dir);
}

static void stop_target(target *tg);

/* ts_free_port() hands out a port that another test running at the same time
 * may take before refapi binds it: a start that fails is tried again on
 * fresh ports (twice at most). */
static bool start_refapi(target *tg, const char *api, const char *defect,
                         const char *const *extra) {
  for (int attempt = 0; attempt < 3; attempt++) {
    if (start_refapi_once(tg, api, defect, extra)) return true;
    stop_target(tg);
  }
  return false;
}

static void stop_target(target *tg) {
  if (tg->is_serve) {
    ts_serve_stop(&tg->serve, true, 3000);
    cr_expect(!tg->serve.proc.sanitizer_report, "sanitizer report in serve's stderr (see above)");
    ts_serve_free(&tg->serve);
  } else {
    ts_target_stop(&tg->t);
    free(tg->t.log);
  }
  env_free(&tg->env);
}

/* Runs `gauntlet run` on the api's suite; returns its exit code and loads the report. */
static int run_suite(target *tg, const char *api, ts_junit *j, const char *tag) {
  char *junit = ts_fmt("%s/%s-%s.xml", dir, api, tag);
  char *out = ts_fmt("%s/%s-%s.out", dir, api, tag);
  const char *argv[] = {GAUNTLET_BIN, "run",   "--cacert",      cert, "--junit", junit,
                        "--color",    "never", suite_path(api), NULL};
  ts_proc p;
  int rc = ts_run(argv, (const char *const *)tg->env.items, out, out, 120000, &p);
  memset(j, 0, sizeof *j);
  if (!ts_junit_load(junit, j)) {
    char *text = ts_read_file(out, NULL);
    cr_log_error("%s [%s]: no report; gauntlet said:\n%s", api, tag, text ? text : "");
    free(text);
  }
  free(junit), free(out);
  return rc;
}

/* extra: refapi options choosing among conformant behaviours (NULL: none). */
static void expect_conformant_pass(const char *api, const char *const *extra) {
  target tg;
  cr_assert(start_refapi(&tg, api, NULL, extra), "refapi %s starts", api);
  ts_junit j;
  int rc = run_suite(&tg, api, &j, extra ? extra[1] : "conformant");
  stop_target(&tg);
  for (size_t i = 0; i < j.n; i++)
    if (j.cases[i].outcome == TS_CASE_FAILURE || j.cases[i].outcome == TS_CASE_ERROR)
      cr_log_error("%s: %s: %s", api, j.cases[i].name,
                   j.cases[i].message ? j.cases[i].message : "");
  cr_expect_eq(rc, 0, "%s suite on conformant refapi: exit %d", api, rc);
  cr_expect_gt(j.n, 10, "%s: report has cases", api);
  cr_expect_eq(ts_junit_count(&j, TS_CASE_FAILURE), 0);
  cr_expect_eq(ts_junit_count(&j, TS_CASE_ERROR), 0);
  cr_expect_eq(ts_junit_count(&j, TS_CASE_SKIPPED), 0, "%s: nothing skipped", api);
  ts_junit_free(&j);
}

/* defect -> a case that must be among the failures ("scenario [fault]"). */
typedef struct defect_case {
  const char *defect;
  const char *must_fail;
} defect_case;

static void expect_defects_fail(const char *api, const defect_case *dc, size_t n,
                                const char *const *extra) {
  for (size_t i = 0; i < n; i++) {
    target tg;
    cr_assert(start_refapi(&tg, api, dc[i].defect, extra), "refapi %s --defect %s starts", api,
              dc[i].defect);
    ts_junit j;
    int rc = run_suite(&tg, api, &j, dc[i].defect);
    stop_target(&tg);
    cr_expect_eq(rc, 1, "%s --defect %s: exit %d, want 1", api, dc[i].defect, rc);
    cr_expect_gt(ts_junit_count(&j, TS_CASE_FAILURE), 0, "%s --defect %s: a case fails", api,
                 dc[i].defect);
    const ts_case *c = ts_junit_find(&j, dc[i].must_fail);
    cr_expect(c && c->outcome == TS_CASE_FAILURE, "%s --defect %s: '%s' fails (got %s)", api,
              dc[i].defect, dc[i].must_fail, c ? ts_outcome_name(c->outcome) : "no such case");
    /* Errors (could not run) make a defect run fail for the wrong reason:
     * show them so a flaky environment is told apart from a suite bug. */
    for (size_t k = 0; k < j.n; k++)
      if (j.cases[k].outcome == TS_CASE_ERROR)
        cr_log_warn("%s --defect %s: error in '%s': %s", api, dc[i].defect, j.cases[k].name,
                    j.cases[k].message ? j.cases[k].message : "");
    ts_junit_free(&j);
  }
}

TestSuite(shipped, .init = setup, .fini = teardown, .timeout = 600);

/* ---- Botanalytics ---- */

static const defect_case bot_defects[] = {
    {"http_serves_api", "log a message [http_only]"},
    {"accept_alg_none", "log a message [jwt_alg_none]"},
    {"accept_bad_signature", "log a message [jwt_bad_signature]"},
    {"accept_expired", "log a message [jwt_expired]"},
    {"accept_no_channel", "log a message [jwt_missing_claim #1 channel]"},
    {"accept_query_token", "log a message [token_in_query]"},
    {"wrong_error_shape", "reject a request without a token [valid]"},
    {"no_cors_header", "log a message [valid]"},
    {"preflight_needs_auth", "answer a CORS preflight without credentials [valid]"},
    {"preflight_missing_allow_headers", "answer a CORS preflight without credentials [valid]"},
    {"preflight_not_2xx", "answer a CORS preflight without credentials [valid]"},
    {"accept_any_sender_type", "reject an unknown sender type [valid]"},
    {"accept_bad_timestamp", "reject a timestamp that is not a number [valid]"},
    {"accept_empty_messages", "reject an empty messages array [valid]"},
    {"require_thread", "log a minimal message [valid]"},
    {"require_sender", "log a minimal message [valid]"},
    {"reject_human_agent", "log a message from a human agent [valid]"},
    {"error_not_naming_field", "reject a message without a timestamp [valid]"},
    {"500_on_bad_json", "log a message [malformed_json]"},
    {"accept_invalid_utf8", "log a message [invalid_utf8]"},
    {"text_content_type_on_error", "reject a request without a token [valid]"},
    {"created_201", "log a message [valid]"},
    {"ms_timestamps_refused", "log a message [valid]"},
    {"accept_wrong_types", "reject a locale that is not a string [valid]"},
    {"require_exp", "log a message [valid]"},
    {"channel_payloads_refused",
     "log a Messenger webhook entry under a facebook-messenger token [valid]"},
    {"token_scheme_500", "log a message with the Token scheme [valid]"},
    {"alexa_payload_refused", "log an Alexa request envelope under an amazon-alexa token [valid]"},
    {"bot_framework_payload_refused",
     "log a Bot Framework activity under a microsoft-bot-framework token [valid]"},
    {"rasa_payload_refused", "log a Rasa event under a rasa token [valid]"},
    {"send_api_refused",
     "log a Messenger Send API message under a facebook-messenger token [valid]"},
    {"accept_string_exp", "reject a token whose exp is not a number [valid]"},
    {"accept_non_string_channel", "reject a token whose channel is not a string [valid]"},
};

Test(shipped, botanalytics_conformant) {
  expect_conformant_pass("botanalytics", NULL);
}
Test(shipped, botanalytics_defects) {
  expect_defects_fail("botanalytics", bot_defects, sizeof bot_defects / sizeof bot_defects[0],
                      NULL);
}

/* ---- buddybuild ---- */

static const defect_case bb_defects[] = {
    {"wrong_no_token_message", "reject a request without a token [valid]"},
    {"wrong_invalid_token_message", "reject an invalid token [valid]"},
    {"accept_query_token", "list apps [token_in_query]"},
    {"double_percent_decode", "list builds of a branch with a percent sign [valid]"},
    {"decode_before_split", "list builds of a branch with reserved characters [valid]"},
    {"ignore_limit", "list builds with limit 1 [valid]"},
    {"accept_bad_limit", "reject limit 101 [valid]"},
    {"accept_bad_status", "reject an unknown build status filter [valid]"},
    {"ignore_status_filter", "list builds filtered by status [valid]"},
    {"oldest_first", "list builds with limit 2 [valid]"},
    {"form_not_supported", "trigger a build with a form body [valid]"},
    {"form_double_decode", "read the form build back [valid]"},
    {"body_required", "trigger a build without a body [valid]"},
    {"unknown_app_200", "get an unknown app [valid]"},
    {"unknown_build_500", "read an unknown build [valid]"},
    {"wrong_method_200", "reject a method the app path does not serve [valid]"},
    {"wrong_method_405", "reject a method the app path does not serve [valid]"},
    {"serve_unversioned", "list apps [unversioned #1 prefix removed]"},
    {"error_key_message", "get an unknown app [valid]"},
    {"latest_ignores_branch", "latest build of a branch [valid]"},
    {"bad_platform", "list apps [valid]"},
    {"accept_invalid_utf8", "trigger a build with a JSON body [invalid_utf8]"},
    {"commit_info_missing", "read the JSON build back [valid]"},
    {"ignore_scheme_filter", "list builds filtered by a scheme never built [valid]"},
    {"latest_ignores_status", "latest build of a branch with a status it does not have [valid]"},
    {"latest_ignores_scheme", "latest build of a scheme never built [valid]"},
};

Test(shipped, buddybuild_conformant) {
  expect_conformant_pass("buddybuild", NULL);
}
/* The docs give two default limits (5 and 10): a server using 10 conforms too. */
Test(shipped, buddybuild_conformant_default_limit_10) {
  static const char *const limit10[] = {"--default-limit", "10", NULL};
  expect_conformant_pass("buddybuild", limit10);
}
Test(shipped, buddybuild_defects) {
  expect_defects_fail("buddybuild", bb_defects, sizeof bb_defects / sizeof bb_defects[0], NULL);
}

/* ---- BitPaket ---- */

static const defect_case bp_defects[] = {
    {"accept_query_token", "refuse a valid token in the query string [valid]"},
    {"accept_v1", "reject the deprecated v1 path [valid]"},
    {"accept_unversioned", "reject an unversioned path [valid]"},
    {"accept_header_version", "reject a version given in Accept-Version only [valid]"},
    {"missing_ratelimit_on_errors", "reject the deprecated v1 path [valid]"},
    {"relative_ratelimit_reset", "server metadata [valid]"},
    {"no_request_id", "server metadata [valid]"},
    {"no_429", "server metadata [rate_limit]"},
    {"wrong_401_code", "object metadata [unauthenticated]"},
    {"wrong_401_message", "object metadata [invalid_token]"},
    {"upload_wrong_error_shape", "upload an object [unauthenticated]"},
    {"overwrite_ignored", "overwrite with X-Bit-Overwrite [valid]"},
    {"overwrite_without_header", "refuse to overwrite without X-Bit-Overwrite [valid]"},
    {"timestamps_without_z", "object metadata [valid]"},
    {"no_etag", "server metadata [valid]"},
    {"client_secret_optional", "refuse a delete without client_secret [valid]"},
    {"wrong_client_secret_ok", "refuse a delete with a wrong client_secret [valid]"},
    {"client_secret_body_ignored", "delete an object with client_secret in the body [valid]"},
    {"require_user_agent", "server metadata without a User-Agent [valid]"},
    {"wrong_size", "object metadata [valid]"},
    {"overwrite_needs_true", "overwrite with X-Bit-Overwrite [valid]"},
    {"overwrite_any_value", "refuse to overwrite with X-Bit-Overwrite other than 1 [valid]"},
    {"exists_ns_shape", "refuse to overwrite without X-Bit-Overwrite [valid]"},
    {"upload_summary_only", "upload an object [valid]"},
    {"no_sha256_header", "upload an object [valid]"},
    {"no_unix_timestamps", "object metadata [valid]"},
    {"old_delete_shape", "delete an object with client_secret in the body [valid]"},
    {"ignore_verify_sha256", "refuse an upload whose checksum does not match [valid]"},
};

Test(shipped, bitpaket_conformant) {
  expect_conformant_pass("bitpaket", NULL);
}
/* An unknown object's DELETE may be 200 with the id under data.objects.invalid. */
Test(shipped, bitpaket_conformant_unknown_delete_200) {
  static const char *const del200[] = {"--unknown-delete", "200", NULL};
  expect_conformant_pass("bitpaket", del200);
}
Test(shipped, bitpaket_defects) {
  expect_defects_fail("bitpaket", bp_defects, sizeof bp_defects / sizeof bp_defects[0], NULL);
}

/* ---- RPC ---- */

static const defect_case rpc_defects[] = {
    {"http_400_on_error", "read an unknown message [valid]"},
    {"missing_time", "send a message [valid]"},
    {"access_denied_for_wrong_key", "reject a wrong key [valid]"},
    {"invalid_key_for_missing_key", "reject a request without a key [valid]"},
    {"accept_query_key", "send a message [token_in_query]"},
    {"invalid_json_200", "reject a body that is not JSON [valid]"},
    {"array_body_500", "a JSON body that is not an object [valid]"},
    {"unknown_action_200", "reject an unknown action [valid]"},
    {"parameter_error_as_error", "read the message [missing_field #1 $.id]"},
    {"not_found_code", "read an unknown message [valid]"},
    {"form_params_refused", "send a message with form params [valid]"},
    {"send_raw_missing", "send a raw message [valid]"},
    {"nulls_refused", "send a message with null fields [valid]"},
    {"deliveries_wrapped", "list the deliveries of the message [valid]"},
    {"to_required", "reject a message without recipients [valid]"},
    {"error_order", "reject a message without recipients [valid]"},
    {"from_not_checked", "reject a from address on an unauthenticated domain [valid]"},
    {"raw_from_not_checked", "reject a raw message from an unauthenticated domain [valid]"},
    {"expansions_ignored", "read the message with expansions [valid]"},
    {"display_name_kept", "send a message to an address with a display name [valid]"},
    {"query_params_refused", "read the message with GET and query params [valid]"},
    {"other_content_type_400", "a body of another content type is not read [valid]"},
    {"get_not_routed", "read the message with GET and query params [valid]"},
    {"type_error_500", "reject a message id that is not an integer [valid]"},
    {"no_address_limit", "reject a message to more than 50 addresses [valid]"},
    {"attachments_unchecked", "reject an attachment without a name [valid]"},
    {"expansions_always", "read the message [valid]"},
    {"only_to_recipients", "send a message to several recipients [valid]"},
    {"raw_empty_rcpt_refused", "send a raw message to no recipient [valid]"},
    {"deliveries_unknown_empty", "list the deliveries of an unknown message [valid]"},
    {"unknown_param_refused", "send a message with an unknown parameter [valid]"},
    {"params_before_auth", "reject a wrong key [valid]"},
    {"put_not_routed", "read the message with PUT [valid]"},
};

static const char *const rails[] = {"--rpc", "rails", NULL};

/* Postal <= 3.3.0 (Moonrope) and >= 3.3.1 (Rails): both conformant. */
Test(shipped, rpc_conformant) {
  expect_conformant_pass("rpc", NULL);
}
Test(shipped, rpc_conformant_rails) {
  expect_conformant_pass("rpc", rails);
}
Test(shipped, rpc_defects) {
  expect_defects_fail("rpc", rpc_defects, sizeof rpc_defects / sizeof rpc_defects[0], NULL);
}
Test(shipped, rpc_defects_rails) {
  expect_defects_fail("rpc", rpc_defects, sizeof rpc_defects / sizeof rpc_defects[0], rails);
}

/* ---- every defect refapi knows is covered by a table above ---- */

Test(shipped, every_defect_is_tested) {
  struct {
    const char *api;
    const defect_case *dc;
    size_t n;
  } t[] = {
      {"botanalytics", bot_defects, sizeof bot_defects / sizeof bot_defects[0]},
      {"buddybuild", bb_defects, sizeof bb_defects / sizeof bb_defects[0]},
      {"bitpaket", bp_defects, sizeof bp_defects / sizeof bp_defects[0]},
      {"rpc", rpc_defects, sizeof rpc_defects / sizeof rpc_defects[0]},
  };
  for (size_t a = 0; a < 4; a++) {
    char *out = ts_fmt("%s/defects-%s.txt", dir, t[a].api);
    char *bin = ts_fmt("%s/refapi", TARGETS_DIR);
    const char *argv[] = {bin, "--api", t[a].api, "--list-defects", NULL};
    ts_proc p;
    cr_assert_eq(ts_run(argv, NULL, out, NULL, 5000, &p), 0);
    char *list = ts_read_file(out, NULL);
    cr_assert(list);
    size_t listed = 0;
    for (char *save = NULL, *line = strtok_r(list, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save), listed++) {
      bool found = false;
      for (size_t i = 0; i < t[a].n; i++)
        found |= !strcmp(t[a].dc[i].defect, line);
      cr_expect(found, "%s defect %s has no test", t[a].api, line);
    }
    cr_expect_eq(listed, t[a].n, "%s: %zu defects listed, %zu tested", t[a].api, listed, t[a].n);
    free(list), free(out), free(bin);
  }
}

/* ---- the suites against `gauntlet serve` of themselves ---- */

/* extra_env: one more NAME=VALUE for serve (a suite variable), or NULL. */
static bool start_serve(target *tg, const char *api, const char *extra_env) {
  memset(tg, 0, sizeof *tg);
  tg->is_serve = true;
  int http = ts_free_port(), https = ts_free_port();
  char listen[64], tls[64], hp[16];
  snprintf(listen, sizeof listen, "127.0.0.1:%d", http);
  snprintf(tls, sizeof tls, "127.0.0.1:%d", https);
  snprintf(hp, sizeof hp, "%d", http);
  char *url = ts_fmt("https://127.0.0.1:%d", https);
  if (!strcmp(api, "botanalytics")) {
    char *tok = mint_jwt("serve-secret");
    if (!tok) return false;
    env_add(&tg->env, "BOTANALYTICS_URL", url);
    env_add(&tg->env, "BOTANALYTICS_HTTP_PORT", hp);
    env_add(&tg->env, "BOTANALYTICS_TOKEN", tok);
    env_add(&tg->env, "BOTANALYTICS_JWT_SECRET", "serve-secret");
    free(tok);
  } else if (!strcmp(api, "buddybuild")) {
    env_add(&tg->env, "BUDDYBUILD_URL", url);
    env_add(&tg->env, "BUDDYBUILD_TOKEN", "bb-serve-token-42");
  } else if (!strcmp(api, "bitpaket")) {
    env_add(&tg->env, "BITPAKET_URL", url);
    env_add(&tg->env, "BITPAKET_TOKEN", "bp-serve-token-42");
    env_add(&tg->env, "BITPAKET_CLIENT_SECRET", "bp-serve-secret");
  } else {
    env_add(&tg->env, "RPC_URL", url);
    env_add(&tg->env, "RPC_API_KEY", "rpc-serve-key-42");
  }
  if (extra_env) {
    char *name = ts_fmt("%.*s", (int)strcspn(extra_env, "="), extra_env);
    env_add(&tg->env, name, extra_env + strlen(name) + 1);
    free(name);
  }
  free(url);
  char *name = ts_fmt("serve-%s", api);
  const char *suites[] = {suite_path(api), NULL};
  ts_serve_opts o = {.suites = suites,
                     .env = (const char *const *)tg->env.items,
                     .listen = listen, /* the suite's http_only probe needs this port */
                     .tls = true,
                     .tls_listen = tls,
                     .cert = cert,
                     .key = key,
                     .dir = dir,
                     .name = name};
  bool ok = ts_serve_start(&tg->serve, &o);
  if (!ok) {
    char *text = ts_serve_stderr(&tg->serve);
    cr_log_error("gauntlet serve %s did not start:\n%s", api, text);
    free(text);
  }
  free(name);
  return ok;
}

/* must_pass: a case that must have run and passed (not skipped), or NULL. */
static void expect_serve_pass(const char *api, const char *must_pass, const char *extra_env) {
  target tg;
  cr_assert(start_serve(&tg, api, extra_env), "gauntlet serve %s starts", api);
  ts_junit j;
  int rc = run_suite(&tg, api, &j, "serve");
  stop_target(&tg);
  for (size_t i = 0; i < j.n; i++)
    if (j.cases[i].outcome == TS_CASE_FAILURE || j.cases[i].outcome == TS_CASE_ERROR)
      cr_log_error("serve %s: %s: %s", api, j.cases[i].name,
                   j.cases[i].message ? j.cases[i].message : "");
  cr_expect_eq(rc, 0, "%s suite against gauntlet serve: exit %d", api, rc);
  cr_expect_eq(ts_junit_count(&j, TS_CASE_FAILURE), 0);
  cr_expect_eq(ts_junit_count(&j, TS_CASE_ERROR), 0);
  if (must_pass) {
    const ts_case *c = ts_junit_find(&j, must_pass);
    cr_expect(c && c->outcome == TS_CASE_PASS, "serve %s: '%s' passes (got %s)", api, must_pass,
              c ? ts_outcome_name(c->outcome) : "no such case");
  }
  ts_junit_free(&j);
}

Test(shipped, botanalytics_serve) {
  expect_serve_pass("botanalytics",
                    "log a Messenger webhook entry under a facebook-messenger token [valid]", NULL);
}
Test(shipped, buddybuild_serve) {
  expect_serve_pass("buddybuild", "list builds filtered by a scheme never built [valid]", NULL);
}
Test(shipped, bitpaket_serve) {
  expect_serve_pass("bitpaket", "refuse an upload whose checksum does not match [valid]", NULL);
}
Test(shipped, rpc_serve) {
  expect_serve_pass("rpc", "send a message to several recipients [valid]", NULL);
}
/* serve answering like Moonrope (Postal <= 3.3.0) where the generations differ */
Test(shipped, rpc_serve_moonrope) {
  expect_serve_pass("rpc", "send a message with a to given as a string [valid]",
                    "RPC_GENERATION=moonrope");
}
