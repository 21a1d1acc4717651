/* clientaudit.c — `clientaudit CLIENT`: audits a real third-party client
 * library with `gauntlet serve` and the shipped suites, the way a maintainer
 * would in CI: for each flow, serve starts on 127.0.0.1, the client (an
 * unmodified library from a package registry, driven by a small script in
 * tests/clients/) talks to it, serve is stopped, and the outcome of every
 * audited request in serve's report must be exactly the expected one.
 *
 * CLIENT: botanalytics (npm @botanalytics/core), postal (npm @atech/postal:
 * always HTTPS on port 443, so serve listens there: needs root; CTest
 * serialises it with a RESOURCE_LOCK), requests (Debian python3-requests).
 * Installed by scripts/install-clients.sh.
 *
 * Exit: 0 every flow as expected; 1 a mismatch (each printed); 77 the client
 * is not installed (CTest SKIP_RETURN_CODE) — 1 under CI=true, where
 * .ci/run installs the clients first. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

#define CLIENTS_DIR SOURCE_DIR "/tests/clients"
#define JWT_SECRET "client-audit-jwt-secret-0123456789"
#define POSTAL_KEY "postal-server-key-0123456789"
#define BUDDYBUILD_TOKEN "buddybuild-token-0123456789"
#define APP "5730b3c9e5a5ad0100fd6a9f"

typedef struct expect_case {
  const char *name; /* testcase name; a trailing '*' matches any rest */
  ts_outcome outcome;
  const char *type; /* failure type(s) "a|b", NULL: any */
} expect_case;

typedef struct flow {
  const char *what;
  const char *suite;         /* under suites/ */
  const char *serve_args[8]; /* extra serve options */
  bool tls, port443, har;    /* HTTPS listener; on port 443; --har checked by har-validator */
  const char *client[6];     /* argv; {http} {https} {clients} are substituted */
  const char *client_env[4]; /* extra env; {jwt} {other_jwt} {cacert} are substituted */
  int client_exit;           /* the driver's expected exit code */
  const char *client_says;   /* expected in the driver's output, or NULL */
  int serve_exit;            /* 0 conformed, 1 broke a rule */
  size_t n_cases;            /* testcases in the report */
  expect_case cases[6];
  const char *props[6]; /* "name=value" properties of the report */
} flow;

/* ---- the flows ---- */

#define NODE "/usr/bin/env", "node"
#define PY "/usr/bin/python3", "{clients}/requests_flows.py"
/* The client of each table and the suite that audits it. */
#define BOTANALYTICS_SDK(url)                                                                      \
  .suite = "botanalytics.yaml", .tls = true, .client = {NODE, "{clients}/botanalytics.cjs", url}
#define POSTAL_SDK                                                                                 \
  .suite = "rpc.yaml", .tls = true, .port443 = true,                                               \
  .client = {NODE, "{clients}/postal.cjs", "127.0.0.1"}
#define REQUESTS(flow) .suite = "buddybuild.yaml", .client = {PY, flow, "{http}/v1"}

static const flow botanalytics[] = {
    {.what = "conformant: log a message over HTTPS",
     BOTANALYTICS_SDK("{https}/v2"),
     .har = true,
     .client_env = {"BA_API_KEY={jwt}"},
     .n_cases = 1,
     .cases = {{"POST /v2/messages #1", TS_CASE_PASS, NULL}},
     .props = {"summary.broke_rules=0", "route.POST /v2/messages=requests=1 broke_rules=0 "
                                        "injected=0 retried=0"}},
    {.what = "plain HTTP to an HTTPS-only API",
     BOTANALYTICS_SDK("{http}/v2"),
     .client_env = {"BA_API_KEY={jwt}"},
     .serve_exit = 1,
     .n_cases = 1,
     .cases = {{"POST /v2/messages #1", TS_CASE_FAILURE, "https_required"}},
     .props = {"rule.https_required=1", "summary.broke_rules=1"}},
    {.what = "a wrong credential (a JWT signed with another secret)",
     BOTANALYTICS_SDK("{https}/v2"),
     .client_env = {"BA_API_KEY={other_jwt}"},
     .serve_exit = 1,
     .n_cases = 1,
     .cases = {{"POST /v2/messages #1", TS_CASE_FAILURE, "credential_valid"}},
     .props = {"rule.credential_valid=1"}},
    /* got (inside the SDK) retries a 503 after the announced Retry-After:
     * a scripted 503,503,200 is three requests, nothing broken. */
    {.what = "503, 503, then 200 with --expect-retry 503: retried, Retry-After honoured",
     BOTANALYTICS_SDK("{https}/v2"),
     .serve_args = {"--expect-retry", "503", "--max-attempts", "4", "--inject",
                    "[503,503,200]@POST /v2/messages"},
     .client_env = {"BA_API_KEY={jwt}"},
     .n_cases = 3,
     .cases = {{"POST /v2/messages #1", TS_CASE_PASS, NULL},
               {"POST /v2/messages #2", TS_CASE_PASS, NULL},
               {"POST /v2/messages #3", TS_CASE_PASS, NULL}},
     .props = {"summary.broke_rules=0", "retry.retried=2", "retry.retry_after_honoured=2",
               "retry.max_attempts=3", "rule.retry_missing=0"}},
    /* A 503 that never ends: got gives up after its limit of 10 retries
     * (11 attempts, each after Retry-After); a policy of at most 4 attempts
     * makes attempts 5..11 a retry storm. */
    {.what = "503 on every answer, at most 4 attempts: a retry storm from attempt 5",
     BOTANALYTICS_SDK("{https}/v2"),
     .serve_args = {"--expect-retry", "503", "--max-attempts", "4", "--inject",
                    "status:503@POST /v2/messages"},
     .client_env = {"BA_API_KEY={jwt}"},
     .serve_exit = 1,
     .n_cases = 11,
     .cases = {{"POST /v2/messages #4", TS_CASE_PASS, NULL},
               {"POST /v2/messages #5", TS_CASE_FAILURE, "retry_storm"},
               {"POST /v2/messages #11", TS_CASE_FAILURE, "retry_storm"}},
     .props = {"summary.broke_rules=7", "rule.retry_storm=7", "rule.retry_missing=0",
               "retry.max_attempts=11"}},
    /* reset_after: the message is stored, then the connection drops; the
     * SDK resends the POST (no Idempotency-Key): the message is logged twice. */
    {.what = "reset_after on the first POST: the SDK resends it, a duplicate",
     BOTANALYTICS_SDK("{https}/v2"),
     .serve_args = {"--inject", "reset_after@POST /v2/messages#1"},
     .client_env = {"BA_API_KEY={jwt}"},
     .serve_exit = 1,
     .n_cases = 2,
     .cases = {{"POST /v2/messages #1", TS_CASE_PASS, NULL},
               {"POST /v2/messages #2", TS_CASE_FAILURE, "duplicate_side_effect"}},
     .props = {"rule.duplicate_side_effect=1", "summary.broke_rules=1"}},
};

static const flow postal[] = {
    {.what = "conformant: send a message",
     POSTAL_SDK,
     .client_env = {"POSTAL_KEY=" POSTAL_KEY},
     .client_says = "sent {\"message_id\":",
     .n_cases = 1,
     .cases = {{"POST /api/v1/send/message #1", TS_CASE_PASS, NULL}},
     .props = {"summary.broke_rules=0"}},
    {.what = "a wrong server API key",
     POSTAL_SDK,
     .client_env = {"POSTAL_KEY=not-the-" POSTAL_KEY},
     .client_exit = 3,
     .client_says = "InvalidServerAPIKey",
     .serve_exit = 1,
     .n_cases = 1,
     .cases = {{"POST /api/v1/send/message #1", TS_CASE_FAILURE, "credential_valid"}}},
    /* The client never retries: the 503 rejects the send. Without a
     * policy that is no finding; with --expect-retry 503 it is. */
    {.what = "injected 503, no policy: not retried, no finding",
     POSTAL_SDK,
     .serve_args = {"--inject", "status:503@POST /api/v1/send/message#1"},
     .client_env = {"POSTAL_KEY=" POSTAL_KEY},
     .client_exit = 3,
     .client_says = "rejected",
     .n_cases = 1,
     .cases = {{"POST /api/v1/send/message #1", TS_CASE_PASS, NULL}},
     .props = {"retry.injected=1", "retry.not_retried=1"}},
    {.what = "injected 503 with --expect-retry 503: retry_missing",
     POSTAL_SDK,
     .serve_args = {"--expect-retry", "429,503,reset", "--inject",
                    "status:503@POST /api/v1/send/message#1"},
     .client_env = {"POSTAL_KEY=" POSTAL_KEY},
     .client_exit = 3,
     .client_says = "rejected",
     .serve_exit = 1,
     .n_cases = 1,
     .cases = {{"POST /api/v1/send/message #1", TS_CASE_FAILURE, "retry_missing"}},
     .props = {"rule.retry_missing=1", "summary.broke_rules=1"}},
    /* A genuine client defect: JSON.parse of the answer is not guarded, so
     * a malformed body crashes the application (uncaught SyntaxError). */
    {.what = "injected malformed JSON: the client crashes",
     POSTAL_SDK,
     .serve_args = {"--inject", "malformed_json@POST /api/v1/send/message#1"},
     .client_env = {"POSTAL_KEY=" POSTAL_KEY},
     .client_exit = 1,
     .client_says = "SyntaxError",
     .n_cases = 1,
     .cases = {{"POST /api/v1/send/message #1", TS_CASE_PASS, NULL}},
     .props = {"summary.injected=1"}},
};

static const flow requests_flows[] = {
    {.what = "conformant: list, read, build, read the build",
     REQUESTS("buddybuild"),
     .har = true,
     .client_env = {"API_TOKEN=" BUDDYBUILD_TOKEN},
     .n_cases = 4,
     .cases = {{"GET /v1/apps #1", TS_CASE_PASS, NULL},
               {"GET /v1/apps/" APP " #2", TS_CASE_PASS, NULL},
               {"POST /v1/apps/" APP "/build #3", TS_CASE_PASS, NULL},
               {"GET /v1/builds/*", TS_CASE_PASS, NULL}},
     .props = {"summary.broke_rules=0"}},
    {.what = "the token in the query instead of the header",
     REQUESTS("query_token"),
     .client_env = {"API_TOKEN=" BUDDYBUILD_TOKEN},
     .serve_exit = 1,
     .n_cases = 1,
     .cases = {{"GET /v1/apps #1", TS_CASE_FAILURE, "credential_in_header"}},
     .props = {"rule.credential_in_header=1"}},
    {.what = "a wrong token",
     REQUESTS("buddybuild"),
     .client_env = {"API_TOKEN=wrong-" BUDDYBUILD_TOKEN},
     .client_exit = 1,
     .serve_exit = 1,
     .n_cases = 3,
     .cases = {{"GET /v1/apps #1", TS_CASE_FAILURE, "credential_valid"},
               {"GET /v1/apps/" APP " #2", TS_CASE_FAILURE, "credential_valid"},
               {"POST /v1/apps/" APP "/build #3", TS_CASE_FAILURE, "credential_valid"}},
     .props = {"rule.credential_valid=3"}},
    /* urllib3's Retry(total=3) honours Retry-After: 503, 503, then 200. */
    {.what = "503, 503, then 200 with --expect-retry 503: retried, Retry-After honoured",
     REQUESTS("retry"),
     .serve_args = {"--expect-retry", "503", "--max-attempts", "4", "--inject",
                    "[503,503,200]@GET /v1/apps/*"},
     .client_env = {"API_TOKEN=" BUDDYBUILD_TOKEN},
     .n_cases = 3,
     .cases = {{"GET /v1/apps/" APP " #1", TS_CASE_PASS, NULL},
               {"GET /v1/apps/" APP " #2", TS_CASE_PASS, NULL},
               {"GET /v1/apps/" APP " #3", TS_CASE_PASS, NULL}},
     .props = {"summary.broke_rules=0", "retry.retried=2", "retry.retry_after_honoured=2"}},
    /* Retry(total=3) on a 503 that never ends: four attempts, then
     * MaxRetryError; a policy of 2 attempts makes #3 and #4 a storm. */
    {.what = "503 on every answer, at most 2 attempts: retry_storm on attempts 3 and 4",
     REQUESTS("retry"),
     .serve_args = {"--expect-retry", "503", "--max-attempts", "2", "--inject",
                    "status:503@GET /v1/apps/*"},
     .client_env = {"API_TOKEN=" BUDDYBUILD_TOKEN},
     .client_exit = 1,
     .client_says = "MaxRetryError",
     .serve_exit = 1,
     .n_cases = 4,
     .cases = {{"GET /v1/apps/" APP " #1", TS_CASE_PASS, NULL},
               {"GET /v1/apps/" APP " #2", TS_CASE_PASS, NULL},
               {"GET /v1/apps/" APP " #3", TS_CASE_FAILURE, "retry_storm"},
               {"GET /v1/apps/" APP " #4", TS_CASE_FAILURE, "retry_storm"}},
     .props = {"rule.retry_storm=2", "summary.broke_rules=2", "rule.retry_missing=0"}},
    /* A dropped connection retried at once (backoff_factor 0) by a client
     * whose promise is at least 500 ms between attempts. */
    {.what = "a reset retried at once, --backoff-min 500ms: retry_too_soon",
     REQUESTS("retry"),
     .serve_args = {"--expect-retry", "reset", "--backoff-min", "500ms", "--inject",
                    "reset@GET /v1/apps/*#1"},
     .client_env = {"API_TOKEN=" BUDDYBUILD_TOKEN},
     .serve_exit = 1,
     .n_cases = 2,
     .cases = {{"GET /v1/apps/" APP " #1", TS_CASE_FAILURE, "retry_too_soon"},
               {"GET /v1/apps/" APP " #2", TS_CASE_PASS, NULL}},
     .props = {"rule.retry_too_soon=1", "summary.broke_rules=1"}},
    /* Retry(allowed_methods=None) also retries a POST whose connection
     * dropped after the build was started: started twice. */
    {.what = "reset_after on POST build, a Retry that covers POST: duplicate_side_effect",
     REQUESTS("retry_post"),
     .serve_args = {"--inject", "reset_after@POST /v1/apps/*/build#1"},
     .client_env = {"API_TOKEN=" BUDDYBUILD_TOKEN},
     .serve_exit = 1,
     .n_cases = 2,
     .cases = {{"POST /v1/apps/" APP "/build #1", TS_CASE_PASS, NULL},
               {"POST /v1/apps/" APP "/build #2", TS_CASE_FAILURE, "duplicate_side_effect"}},
     .props = {"rule.duplicate_side_effect=1", "summary.broke_rules=1"}},
    {.what = "the same with an Idempotency-Key: a safe retry",
     REQUESTS("retry_post"),
     .serve_args = {"--inject", "reset_after@POST /v1/apps/*/build#1"},
     .client_env = {"API_TOKEN=" BUDDYBUILD_TOKEN, "IDEMPOTENCY_KEY=build-main-1"},
     .n_cases = 2,
     .cases = {{"POST /v1/apps/" APP "/build #1", TS_CASE_PASS, NULL},
               {"POST /v1/apps/" APP "/build #2", TS_CASE_PASS, NULL}},
     .props = {"rule.duplicate_side_effect=0", "summary.broke_rules=0", "retry.retried=1"}},
    {.what = "plain HTTP to an HTTPS-only API",
     .suite = "botanalytics.yaml",
     .client = {PY, "botanalytics", "{http}/v2"},
     .client_env = {"API_TOKEN={jwt}"},
     .client_exit = 1,
     .serve_exit = 1,
     .n_cases = 1,
     .cases = {{"POST /v2/messages #1", TS_CASE_FAILURE, "https_required"}}},
};

/* ---- running one flow ---- */

typedef struct ctx {
  char *jwt, *other_jwt; /* Botanalytics API keys: ours, and one signed with another secret */
  char *dir;             /* scratch */
  char *cert, *key;
} ctx;

/* text with {name} replaced (caller frees). */
static char *subst(const char *text, const ctx *c, const ts_serve *s) {
  char *http = ts_fmt("http://127.0.0.1:%d", s->port);
  char *https = ts_fmt("https://127.0.0.1:%d", s->tls_port);
  struct {
    const char *key, *value;
  } map[] = {{"{http}", http},
             {"{https}", https},
             {"{clients}", CLIENTS_DIR},
             {"{jwt}", c->jwt},
             {"{other_jwt}", c->other_jwt},
             {"{cacert}", c->cert}};
  char *out = strdup(text);
  for (size_t i = 0; i < sizeof map / sizeof *map; i++) {
    char *at;
    while ((at = strstr(out, map[i].key))) {
      char *next = ts_fmt("%.*s%s%s", (int)(at - out), out, map[i].value, at + strlen(map[i].key));
      free(out);
      out = next;
    }
  }
  free(http);
  free(https);
  return out;
}

static bool case_matches(const ts_junit *j, const expect_case *e, char **why) {
  size_t n = strlen(e->name);
  if (n && e->name[n - 1] == '*') {
    char *prefix = strndup(e->name, n - 1);
    *why = ts_prefix_mismatch(j, prefix, e->outcome, e->type);
    free(prefix);
  } else {
    *why = ts_case_mismatch(j, e->name, e->outcome, e->type);
  }
  return *why == NULL;
}

static char *property(const ts_junit *j, const char *name) {
  char *key = ts_fmt("<property name=\"%s\" value=\"", name);
  const char *at = strstr(j->raw, key);
  char *v = at ? strndup(at + strlen(key), strcspn(at + strlen(key), "\"")) : NULL;
  free(key);
  return v;
}

/* Starts serve for the flow; port 443 may be busy for a while (another
 * test run on this machine): retried for up to a minute. */
static bool start_serve(ts_serve *s, const flow *f, const ctx *c, const char *har) {
  const char *suites[] = {NULL, NULL};
  char *suite = ts_fmt("%s/suites/%s", SOURCE_DIR, f->suite);
  suites[0] = suite;
  const char *args[16] = {"--seed", "1"};
  size_t n = 2;
  for (size_t i = 0; i < 8 && f->serve_args[i]; i++)
    args[n++] = f->serve_args[i];
  if (har) args[n++] = "--har", args[n++] = har;
  char *bot_token = ts_fmt("BOTANALYTICS_TOKEN=%s", c->jwt);
  const char *env[] = {"BOTANALYTICS_URL=https://placeholder",
                       bot_token,
                       "BOTANALYTICS_JWT_SECRET=" JWT_SECRET,
                       "RPC_URL=https://placeholder",
                       "RPC_API_KEY=" POSTAL_KEY,
                       "BUDDYBUILD_URL=http://placeholder",
                       "BUDDYBUILD_TOKEN=" BUDDYBUILD_TOKEN,
                       NULL};
  ts_serve_opts o = {.suites = suites,
                     .args = args,
                     .env = env,
                     .tls = f->tls,
                     .tls_listen = f->port443 ? "127.0.0.1:443" : NULL,
                     .cert = c->cert,
                     .key = c->key};
  bool ok = false;
  for (int attempt = 0; attempt < 30 && !ok; attempt++) {
    ok = ts_serve_start(s, &o);
    if (ok || !f->port443) break;
    char *err = ts_serve_stderr(s);
    bool busy = strstr(err, "cannot listen on https://127.0.0.1:443") != NULL;
    free(err);
    if (!busy) break;
    ts_serve_free(s);
    sleep(2);
  }
  if (!ok) {
    char *err = ts_serve_stderr(s);
    fprintf(stderr, "  serve did not start: %s\n", err);
    free(err);
  }
  free(bot_token);
  free(suite);
  return ok;
}

static int run_flow(const flow *f, const ctx *c, const char *client) {
  printf("%s: %s\n", client, f->what);
  int bad = 0;
  char *har = f->har ? ts_fmt("%s/exchanges.har", c->dir) : NULL;
  ts_serve s;
  if (!start_serve(&s, f, c, har)) {
    free(har);
    return 1;
  }
  const char *argv[8] = {0};
  char *own[8] = {0};
  for (size_t i = 0; i < 6 && f->client[i]; i++)
    argv[i] = own[i] = subst(f->client[i], c, &s);
  const char *env[8] = {0};
  char *own_env[8] = {0};
  size_t k = 0;
  for (; k < 4 && f->client_env[k]; k++)
    env[k] = own_env[k] = subst(f->client_env[k], c, &s);
  own_env[k] = ts_fmt("NODE_EXTRA_CA_CERTS=%s", c->cert);
  env[k] = own_env[k];
  k++;
  env[k] = "NODE_PATH=" CLIENTS_DIR "/node_modules";
  char *out = ts_fmt("%s/client.out", c->dir);
  ts_proc p;
  int rc = ts_run(argv, env, out, out, 120000, &p);
  char *said = ts_read_file(out, NULL);
  if (rc != f->client_exit) {
    printf("  MISMATCH client exit: want %d, got %d\n", f->client_exit, rc);
    bad++;
  }
  if (f->client_says && (!said || !strstr(said, f->client_says))) {
    printf("  MISMATCH client output: want \"%s\" in it\n", f->client_says);
    bad++;
  }
  int serve_rc = ts_serve_stop(&s, true, 20000);
  if (serve_rc != f->serve_exit) {
    printf("  MISMATCH serve exit: want %d, got %d\n", f->serve_exit, serve_rc);
    bad++;
  }
  ts_junit j;
  if (!ts_junit_load(s.junit, &j)) {
    printf("  MISMATCH no report at %s\n", s.junit);
    bad++;
  } else {
    if (j.n != f->n_cases) {
      printf("  MISMATCH %zu testcases, want %zu\n", j.n, f->n_cases);
      bad++;
    }
    for (size_t i = 0; i < 6 && f->cases[i].name; i++) {
      char *why = NULL;
      if (!case_matches(&j, &f->cases[i], &why)) {
        printf("  MISMATCH %s\n", why);
        bad++;
      }
      free(why);
    }
    for (size_t i = 0; i < 6 && f->props[i]; i++) {
      const char *eq = strchr(f->props[i], '=');
      char *name = strndup(f->props[i], (size_t)(eq - f->props[i]));
      char *v = property(&j, name);
      if (!v || strcmp(v, eq + 1)) {
        printf("  MISMATCH property %s: want \"%s\", got \"%s\"\n", name, eq + 1,
               v ? v : "(absent)");
        bad++;
      }
      free(v);
      free(name);
    }
    if (!ts_junit_validates(s.junit)) {
      printf("  MISMATCH the report is not valid JUnit\n");
      bad++;
    }
    if (bad) printf("--- report ---\n%s\n", j.raw);
    ts_junit_free(&j);
  }
  if (har) { /* a real HAR consumer: har-validator's HAR 1.2 JSON Schema */
    const char *check[] = {"/usr/bin/env", "node", CLIENTS_DIR "/har_check.cjs", har, NULL};
    char *hout = ts_fmt("%s/har.out", c->dir);
    int hrc = ts_run(check, (const char *const[]){"NODE_PATH=" CLIENTS_DIR "/node_modules", NULL},
                     hout, hout, 60000, &p);
    if (hrc != 0) {
      char *text = ts_read_file(hout, NULL);
      printf("  MISMATCH --har is not valid HAR 1.2: %s\n", text ? text : "");
      free(text);
      bad++;
    }
    free(hout);
  }
  if (bad) {
    char *err = ts_serve_stderr(&s);
    printf("--- client output ---\n%s\n--- serve stderr ---\n%s\n", said ? said : "", err);
    free(err);
  }
  free(said);
  free(out);
  for (size_t i = 0; i < 8; i++)
    free(own[i]), free(own_env[i]);
  ts_serve_free(&s);
  free(har);
  return bad;
}

/* ---- what must be installed ---- */

static int not_installed(const char *client, const char *what) {
  char *test = ts_fmt("realserver/client-%s", client);
  int rc = ts_not_installed(test, what,
                            "Install the clients with scripts/install-clients.sh (root, the "
                            "Debian\npackage registry and the npm registry).");
  free(test);
  return rc;
}

static bool installed_node_package(const char *pkg) {
  char *path = ts_fmt("%s/node_modules/%s/package.json", CLIENTS_DIR, pkg);
  bool ok = access(path, R_OK) == 0;
  free(path);
  return ok;
}

static bool have_command(const char *cmd) {
  const char *argv[] = {"/bin/sh", "-c", cmd, NULL};
  ts_proc p;
  return ts_run(argv, NULL, NULL, NULL, 20000, &p) == 0;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: clientaudit botanalytics|postal|requests\n");
    return 2;
  }
  const char *client = argv[1];
  const flow *flows;
  size_t n;
  if (!strcmp(client, "botanalytics")) {
    flows = botanalytics, n = sizeof botanalytics / sizeof *botanalytics;
    if (!have_command("command -v node") || !installed_node_package("@botanalytics/core"))
      return not_installed(client, "node or npm @botanalytics/core is missing");
  } else if (!strcmp(client, "postal")) {
    flows = postal, n = sizeof postal / sizeof *postal;
    if (!have_command("command -v node") || !installed_node_package("@atech/postal"))
      return not_installed(client, "node or npm @atech/postal is missing");
    if (geteuid() != 0)
      return not_installed(client, "the Postal client needs serve on port 443, which needs root");
  } else if (!strcmp(client, "requests")) {
    flows = requests_flows, n = sizeof requests_flows / sizeof *requests_flows;
    if (!have_command("/usr/bin/python3 -c 'import requests'"))
      return not_installed(client, "Debian's python3-requests is missing");
  } else {
    fprintf(stderr, "clientaudit: unknown client %s\n", client);
    return 2;
  }
  if (!installed_node_package("har-validator"))
    return not_installed(client, "npm har-validator (tests/clients) is missing");
  setvbuf(stdout, NULL, _IONBF, 0);
  ctx c = {.dir = ts_tempdir()};
  if (!c.dir || !ts_make_cert(c.dir, &c.cert, &c.key)) {
    fprintf(stderr, "clientaudit: cannot make a scratch dir and certificate\n");
    return 1;
  }
  /* The SDK insists on a JWT whose `channel` claim is its client's. */
  char *claims = ts_fmt("{\"channel\":\"universal\",\"exp\":%lld}", (long long)time(NULL) + 3600);
  c.jwt = ts_jwt_mint("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", claims, JWT_SECRET);
  c.other_jwt =
      ts_jwt_mint("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", claims, "another-secret-0123456789");
  free(claims);
  int bad = 0;
  for (size_t i = 0; i < n; i++)
    bad += run_flow(&flows[i], &c, client);
  printf("%s: %s\n", client, bad ? "MISMATCHES (see above)" : "every flow as expected");
  ts_rmtree(c.dir);
  free(c.dir), free(c.cert), free(c.key), free(c.jwt), free(c.other_jwt);
  return bad ? 1 : 0;
}
