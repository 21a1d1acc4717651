/* test_repro_commands.c — every failure's printed repro command reproduces.
 *
 * gauntlet runs a suite against target_api with single-rule defects; for every
 * failed case, the command printed under "reproduce:" is pasted into bash
 * (real curl, or the `gauntlet run --case` replay) with the documented
 * environment exported, against the same target, and must get the status the
 * case got. Minted-token replays must also send the very same token (the
 * target logs each credential it receives). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#define TOKEN "t0k3n-secret-value"
#define JWT_SECRET "jwt-test-secret-0123456789"

typedef struct failure {
  char *id;
  char *cmd;
  int status; /* from the run's own dump; 0 when none was printed */
} failure;

static char *line_after(const char *p, const char *prefix) {
  size_t n = strlen(prefix);
  if (strncmp(p, prefix, n) != 0) return NULL;
  const char *e = strchr(p, '\n');
  return strndup(p + n, e ? (size_t)(e - p) - n : strlen(p + n));
}

/* The first "HTTP/x NNN" status (not 100) at the start of a line of text,
 * after `lead` ("" for curl -i output, "< " in a gauntlet dump). */
static int first_status(const char *text, const char *lead) {
  for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
    while (*p == ' ')
      p++;
    if (strncmp(p, lead, strlen(lead)) != 0) continue;
    int code = 0;
    if (sscanf(p + strlen(lead), "HTTP/%*s %d", &code) == 1 && code != 100) return code;
  }
  return 0;
}

/* FAIL/ERROR blocks of a --verbose console: the id, the repro line, and the
 * status in the dump. */
static size_t parse_failures(const char *out, failure *f, size_t max) {
  size_t n = 0;
  for (const char *p = out; p && *p && n < max; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
    char *id = line_after(p, "FAIL ");
    if (!id) id = line_after(p, "ERROR ");
    if (!id) continue;
    failure *cur = &f[n++];
    memset(cur, 0, sizeof *cur);
    cur->id = id;
    const char *q = strchr(p, '\n');
    while (q && q[1] == ' ') { /* the block's indented lines */
      q++;
      if (!strncmp(q, "  reproduce:\n", 13)) cur->cmd = line_after(q + 13, "    ");
      if (!strncmp(q, "    < HTTP/", 11) && !cur->status) cur->status = first_status(q, "< ");
      q = strchr(q, '\n');
    }
  }
  return n;
}

/* Runs cmd with bash in dir with env; returns its stdout (caller frees). */
static char *run_bash(const char *dir, const char *cmd, const char *const env[]) {
  char *script = ts_fmt("%s/repro.sh", dir);
  char *text = ts_fmt("cd '%s'\n%s\n", dir, cmd);
  cr_assert(ts_write_file(script, text, strlen(text)));
  char *out_path = ts_fmt("%s/repro.out", dir);
  const char *argv[] = {"/bin/bash", script, NULL};
  ts_proc p;
  ts_run(argv, env, out_path, NULL, 60000, &p);
  char *out = ts_read_file(out_path, NULL);
  free(script);
  free(text);
  free(out_path);
  return out ? out : strdup("");
}

typedef struct repro_run {
  char *dir;
  ts_target t;
  int port;
  ts_gauntlet g;
  failure f[64];
  size_t n;
  const char *env[6];
  char *owned_env[3];
} repro_run;

static void start(repro_run *r, const char *fixture, const char *const targs[]) {
  memset(r, 0, sizeof *r);
  r->dir = ts_tempdir();
  cr_assert(r->dir);
  cr_assert(ts_api_start(&r->t, r->dir, &r->port, targs), "target_api did not start");
  char *jwt =
      ts_jwt_mint("{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
                  "{\"sub\":\"tester\",\"channel\":\"gauntlet\",\"exp\":4102444800}", JWT_SECRET);
  r->owned_env[0] = ts_fmt("BASE_URL=http://127.0.0.1:%d", r->port);
  r->owned_env[1] = ts_fmt("API_JWT=%s", jwt);
  free(jwt);
  r->env[0] = r->owned_env[0];
  r->env[1] = r->owned_env[1];
  r->env[2] = "API_TOKEN=" TOKEN;
  r->env[3] = "API_JWT_SECRET=" JWT_SECRET;
  r->env[4] = NULL;
  char *junit = ts_fmt("%s/reports/junit.xml", r->dir);
  char *suite = ts_fmt("%s/tests/fixtures/integration/%s", SOURCE_DIR, fixture);
  const char *args[] = {"run", "--verbose", "--junit", junit, suite, NULL};
  ts_gauntlet_run(&r->g, r->dir, args, r->env, 120000);
  cr_assert_eq(r->g.exit_code, 1, "exit %d\nstderr: %s", r->g.exit_code, r->g.err);
  r->n = parse_failures(r->g.out, r->f, 64);
  free(junit);
  free(suite);
}

static void stop(repro_run *r) {
  for (size_t i = 0; i < r->n; i++)
    free(r->f[i].id), free(r->f[i].cmd);
  cr_expect(ts_target_stop(&r->t));
  ts_gauntlet_free(&r->g);
  for (int i = 0; i < 3; i++)
    free(r->owned_env[i]);
  ts_rmtree(r->dir);
  free(r->dir);
}

/* Every failure's command, run by bash, gets the status the case got. */
static void expect_each_reproduces(repro_run *r, size_t *n_curl, size_t *n_replay) {
  *n_curl = *n_replay = 0;
  for (size_t i = 0; i < r->n; i++) {
    failure *f = &r->f[i];
    cr_assert(f->cmd, "%s: no repro command\n%s", f->id, r->g.out);
    cr_assert(f->status, "%s: no status in the dump\n%s", f->id, r->g.out);
    cr_expect_null(strstr(f->cmd, TOKEN), "%s: the token is printed: %s", f->id, f->cmd);
    bool curl = strncmp(f->cmd, "curl ", 5) == 0;
    char *out = run_bash(r->dir, f->cmd, r->env);
    int got = first_status(out, curl ? "" : "< ");
    cr_expect_eq(got, f->status, "%s: the case got %d, its repro %d\n  %s\n%s", f->id, f->status,
                 got, f->cmd, out);
    if (!curl) cr_expect(strstr(out, f->id), "%s: the replay ran another case:\n%s", f->id, out);
    free(out);
    ++*(curl ? n_curl : n_replay);
  }
}

/* The failure whose id starts with prefix. */
static const failure *find(const repro_run *r, const char *prefix) {
  for (size_t i = 0; i < r->n; i++)
    if (!strncmp(r->f[i].id, prefix, strlen(prefix))) return &r->f[i];
  return NULL;
}

Test(repro_commands, curl_lines_reproduce_against_a_defective_target, .timeout = 240) {
  const char *targs[] = {"--max-body", "65536",
                         "--defect",   "accept_malformed_auth",
                         "--defect",   "accept_query_token",
                         "--defect",   "unknown_path_200",
                         "--defect",   "malformed_json_500",
                         "--defect",   "accept_wrong_content_type",
                         "--defect",   "accept_oversized",
                         NULL};
  repro_run r;
  start(&r, "repro.yaml", targs);
  size_t n_curl, n_replay;
  expect_each_reproduces(&r, &n_curl, &n_replay);
  /* the three malformed_auth variants, token_in_query, unknown_path,
   * wrong_content_type, malformed_json, oversized_body, read item [valid] */
  cr_expect_eq(r.n, 9, "%zu failures:\n%s", r.n, r.g.out);
  cr_expect_eq(n_curl, 9, "every one of these is a curl command (%zu replays)", n_replay);
  /* the example: the extra travels after the token the shell fills in */
  const failure *m = find(&r, "repro \xe2\x80\xba list items [malformed_auth #3 ");
  cr_assert(m, "no malformed_auth #3 failure:\n%s", r.g.out);
  cr_expect(strstr(m->cmd, "'Authorization: Bearer '\"${API_TOKEN}\"' extra'"), "%s", m->cmd);
  /* the large body is sent from a file next to the report */
  const failure *o = find(&r, "repro \xe2\x80\xba create item [oversized_body]");
  cr_assert(o, "no oversized_body failure:\n%s", r.g.out);
  cr_expect(strstr(o->cmd, "--data-binary @'") && strstr(o->cmd, "/reports/repro/"), "%s", o->cmd);
  /* the captured id is inline */
  const failure *v = find(&r, "repro \xe2\x80\xba read item [valid]");
  cr_assert(v, "no read item failure:\n%s", r.g.out);
  cr_expect(strstr(v->cmd, "/v1/items/") && !strstr(v->cmd, "${item_id}"), "%s", v->cmd);
  stop(&r);
}

Test(repro_commands, minted_token_replays_send_the_same_token, .timeout = 240) {
  const char *targs[] = {"--jwt-secret",   JWT_SECRET, "--log-auth",           "--defect",
                         "accept_expired", "--defect", "accept_missing_claim", NULL};
  repro_run r;
  start(&r, "repro_jwt.yaml", targs);
  cr_expect_eq(r.n, 2, "%zu failures:\n%s", r.n, r.g.out);
  size_t n_curl, n_replay;
  expect_each_reproduces(&r, &n_curl, &n_replay);
  cr_expect_eq(n_replay, 2, "minted tokens are replayed, not printed");
  for (size_t i = 0; i < r.n; i++)
    cr_expect(strstr(r.f[i].cmd, " --now-ms ") && strstr(r.f[i].cmd, " --seed "), "%s", r.f[i].cmd);
  /* The target logged each credential: the tokens the replays sent are
   * exactly those of the original run (byte-identical requests). */
  char *log = ts_read_file(r.t.log, NULL);
  cr_assert(log);
  size_t seen = 0, repeated = 0;
  for (const char *p = log; (p = strstr(p, "auth: [Bearer ")); p++) {
    const char *e = strchr(p, ']');
    char *tok = strndup(p + 14, (size_t)(e - p - 14));
    char *needle = ts_fmt("auth: [Bearer %s]", tok);
    if (strstr(log, needle) != p) repeated++;
    seen++;
    free(needle);
    free(tok);
  }
  /* original run: 2 minted + 1 valid; each replay re-sends its minted token */
  cr_expect_geq(seen, 5, "%s", log);
  cr_expect_geq(repeated, 2, "the replays did not send the original tokens:\n%s", log);
  free(log);
  stop(&r);
}
