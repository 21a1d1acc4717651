/* test_repro.c — the repro command of a request (report/repro_curl.c).
 *
 * Commands are executed by a real bash with `curl` replaced by a function that
 * prints one argument per line as [arg] (and the bytes of an @FILE body in
 * hex), so quoting and secret references are checked by the shell itself:
 * what the shell hands curl must be exactly what gauntlet sent. */
#include <stdint.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/secrets.h"
#include "http/http.h"
#include "report/report.h"

static char *run_repro(const char *cmd, const char *env) {
  char script[] = "/tmp/gt_repro_XXXXXX";
  int fd = mkstemp(script);
  cr_assert_geq(fd, 0);
  FILE *f = fdopen(fd, "w");
  fprintf(f,
          "curl() { for a in \"$@\"; do printf '[%%s]\\n' \"$a\";\n"
          "  case \"$a\" in @?*) od -An -v -tx1 \"${a#@}\" | tr -s ' \\n' ' ';; esac; done; }\n"
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

static gt_http_request req_of(const char *method, const char *url) {
  gt_http_request r;
  memset(&r, 0, sizeof r);
  r.method = (char *)(uintptr_t)method; /* borrowed: never freed nor written */
  r.url = (char *)(uintptr_t)url;
  return r;
}

static gt_header headers[8];

static void with_headers(gt_http_request *r, const char *const *nv, size_t n) {
  for (size_t i = 0; i < n; i++)
    headers[i] = (gt_header){(char *)(uintptr_t)nv[2 * i], (char *)(uintptr_t)nv[2 * i + 1]};
  r->headers = headers;
  r->n_headers = n;
}

/* What every curl line starts with: curl's User-Agent off, the executor's
 * Accept-Encoding on (when this libcurl decodes anything). */
static char prefix[256];
static const char *head_args(void) {
  const char *c = gt_http_accept_encoding();
  snprintf(prefix, sizeof prefix, "[-sS]\n[-i]\n[-A]\n[]\n%s%s%s",
           c[0] ? "[--compressed]\n[-H]\n" : "", c[0] ? "[Accept-Encoding: " : "", c[0] ? c : "");
  if (c[0]) strcat(prefix, "]\n");
  return prefix;
}
static char *with_head(const char *rest) {
  char *out = NULL;
  if (asprintf(&out, "%s%s", head_args(), rest) < 0) abort();
  return out;
}
#define ASSERT_OUT(out, lit, ...)                                                                  \
  do {                                                                                             \
    char *e_ = with_head(lit);                                                                     \
    cr_assert_str_eq(out, e_, __VA_ARGS__);                                                        \
    free(e_);                                                                                      \
  } while (0)

/* "curl -sS -i -A ''" and the Accept-Encoding arguments, as a command line. */
static char *curl_head(const char *rest) {
  const char *c = gt_http_accept_encoding();
  char *out = NULL;
  if (asprintf(&out, "curl -sS -i -A ''%s%s%s%s", c[0] ? " --compressed -H 'Accept-Encoding: " : "",
               c, c[0] ? "'" : "", rest) < 0)
    abort();
  return out;
}

Test(repro, simple_get) {
  gt_http_request r = req_of("GET", "http://127.0.0.1:8080/apps?a=1&b=2");
  gt_repro_opts o = {0};
  char *cmd = gt_repro_command(&r, &o);
  char *want = curl_head(" -X GET 'http://127.0.0.1:8080/apps?a=1&b=2'");
  cr_assert_str_eq(cmd, want);
  free(want);
  free(cmd);
}

Test(repro, head_uses_dash_i_and_tls_options) {
  gt_http_request r = req_of("HEAD", "https://h/");
  gt_repro_opts o = {.insecure = true, .cacert = "ca dir/ca.pem", .cert = "c.pem", .key = "k.pem"};
  char *cmd = gt_repro_command(&r, &o);
  char *want = curl_head(" --insecure --cacert 'ca dir/ca.pem' --cert 'c.pem' --key 'k.pem' -I "
                         "'https://h/'");
  cr_assert_str_eq(cmd, want);
  free(want);
  free(cmd);
}

Test(repro, single_quotes_survive_the_shell) {
  gt_http_request r = req_of("POST", "http://h/a'b");
  const char *h[] = {"X-Quote", "it's \"fine\"", "Content-Type", "application/json"};
  with_headers(&r, h, 2);
  char body[] = "{\"name\":\"O'Brien $HOME `id`\"}";
  r.body = body;
  r.body_len = strlen(body);
  gt_repro_opts o = {0};
  char *cmd = gt_repro_command(&r, &o);
  char *out = run_repro(cmd, NULL);
  ASSERT_OUT(out,
             "[-X]\n[POST]\n[http://h/a'b]\n[-H]\n[X-Quote: it's \"fine\"]\n"
             "[-H]\n[Content-Type: application/json]\n[--data-binary]\n"
             "[{\"name\":\"O'Brien $HOME `id`\"}]\n",
             "%s\n%s", cmd, out);
  free(out);
  free(cmd);
}

/* The old repro single-quoted "${TOKEN}": the shell sent the literal text.
 * Now the secret is a double-quoted reference the shell fills in, and a
 * "${...}" the request really carries stays literal. */
Test(repro, env_secrets_are_references_the_shell_fills_in) {
  setenv("GT_REPRO_TOKEN", "tok-123456", 1);
  gt_secrets *s = gt_secrets_new();
  gt_secrets_add(s, "GT_REPRO_TOKEN", "tok-123456");
  gt_http_request r = req_of("GET", "http://h/?k=tok-123456&lit=${HOME}");
  const char *h[] = {"Authorization", "Bearer tok-123456 extra"};
  with_headers(&r, h, 1);
  gt_repro_opts o = {.secrets = s};
  char *cmd = gt_repro_command(&r, &o);
  cr_assert_null(strstr(cmd, "tok-123456"), "the secret is printed: %s", cmd);
  cr_assert(strstr(cmd, "\"${GT_REPRO_TOKEN}\""), "%s", cmd);
  char *out = run_repro(cmd, "GT_REPRO_TOKEN=tok-123456");
  ASSERT_OUT(out,
             "[-X]\n[GET]\n[http://h/?k=tok-123456&lit=${HOME}]\n[-H]\n"
             "[Authorization: Bearer tok-123456 extra]\n",
             "%s\n%s", cmd, out);
  free(out);
  free(cmd);
  gt_secrets_free(s);
  unsetenv("GT_REPRO_TOKEN");
}

Test(repro, basic_credentials_become_dash_u) {
  setenv("GT_REPRO_BASIC", "alice:s3cr et", 1);
  gt_secrets *s = gt_secrets_new();
  gt_secrets_add(s, "GT_REPRO_BASIC", "alice:s3cr et");
  gt_secrets_add(s, "GT_REPRO_BASIC", "YWxpY2U6czNjciBldA=="); /* as the builder registers it */
  gt_http_request r = req_of("GET", "http://h/");
  const char *h[] = {"Authorization", "Basic YWxpY2U6czNjciBldA=="};
  with_headers(&r, h, 1);
  gt_repro_opts o = {.secrets = s};
  char *cmd = gt_repro_command(&r, &o);
  cr_assert_null(strstr(cmd, "YWxpY2U"), "%s", cmd);
  char *out = run_repro(cmd, "GT_REPRO_BASIC='alice:s3cr et'");
  ASSERT_OUT(out, "[-X]\n[GET]\n[http://h/]\n[-u]\n[alice:s3cr et]\n", "%s\n%s", cmd, out);
  free(out);
  free(cmd);
  gt_secrets_free(s);
  unsetenv("GT_REPRO_BASIC");
}

Test(repro, a_credential_made_of_two_variables_uses_its_shell_word) {
  gt_secrets *s = gt_secrets_new();
  gt_secrets_add_shell(s, "token", "bob:pw-9999", "\"${U}:${P}\"");
  gt_http_request r = req_of("GET", "http://h/");
  const char *h[] = {"Authorization", "Basic Ym9iOnB3LTk5OTk="};
  with_headers(&r, h, 1);
  gt_repro_opts o = {.secrets = s};
  char *cmd = gt_repro_command(&r, &o);
  char *out = run_repro(cmd, "U=bob; P=pw-9999");
  ASSERT_OUT(out, "[-X]\n[GET]\n[http://h/]\n[-u]\n[bob:pw-9999]\n", "%s\n%s", cmd, out);
  free(out);
  free(cmd);
  gt_secrets_free(s);
}

Test(repro, a_secret_the_environment_lacks_prints_the_replay) {
  unsetenv("GT_REPRO_ABSENT");
  gt_secrets *s = gt_secrets_new();
  gt_secrets_add_jwt(s, NULL, "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtaW50ZWQifQ.c2lnbmF0dXJlLXZhbHVl");
  gt_secrets_add(s, "GT_REPRO_ABSENT", "not-in-the-env");
  gt_http_request r = req_of("GET", "http://h/");
  const char *h[] = {"Authorization",
                     "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtaW50ZWQifQ.c2lnbmF0dXJlLXZhbHVl"};
  with_headers(&r, h, 1);
  gt_repro_opts o = {.secrets = s, .replay = "gauntlet run --seed 7 --case 's › a [valid]' s.yaml"};
  char *cmd = gt_repro_command(&r, &o);
  cr_assert(strncmp(cmd, o.replay, strlen(o.replay)) == 0, "%s", cmd);
  cr_assert_null(strstr(cmd, "eyJzdWIi"), "%s", cmd);
  free(cmd);
  h[1] = "Bearer not-in-the-env";
  with_headers(&r, h, 1);
  cmd = gt_repro_command(&r, &o);
  cr_assert(strncmp(cmd, o.replay, strlen(o.replay)) == 0, "%s", cmd);
  cr_assert_null(strstr(cmd, "not-in-the-env"), "%s", cmd);
  free(cmd);
  o.replay = NULL;
  cmd = gt_repro_command(&r, &o);
  cr_assert(strncmp(cmd, "# no curl command: ", 19) == 0, "%s", cmd);
  free(cmd);
  gt_secrets_free(s);
}

Test(repro, raw_requests_print_the_replay) {
  gt_http_request r = req_of("POST", "http://h/");
  r.raw = "POST / HTTP/1.1\r\nHost: h\r\n\r\n";
  r.raw_len = strlen(r.raw);
  gt_repro_opts o = {.replay = "gauntlet run --seed 1 --case 'x' s.yaml"};
  char *cmd = gt_repro_command(&r, &o);
  cr_assert(strstr(cmd, "gauntlet run --seed 1 --case 'x' s.yaml   # not curl: a raw request"),
            "%s", cmd);
  free(cmd);
}

Test(repro, a_case_one_request_cannot_reproduce_prints_the_replay) {
  gt_http_request r = req_of("GET", "http://h/");
  gt_repro_opts o = {.replay = "gauntlet run --case 'x' s.yaml",
                     .replay_only = "the rate limit is probed by repeating the request"};
  char *cmd = gt_repro_command(&r, &o);
  cr_assert_str_eq(cmd, "gauntlet run --case 'x' s.yaml   # not curl: the rate limit is probed by "
                        "repeating the request; this re-sends the same bytes");
  free(cmd);
}

Test(repro, control_characters_use_ansi_c_quoting) {
  gt_http_request r = req_of("PUT", "http://h/");
  const char *h[] = {"X-Evil", "a\r\nInjected: b", "Content-Type", "text/plain"};
  with_headers(&r, h, 2);
  char body[] = "line1\nline2\ttab \x01 \xff 'q' \\";
  r.body = body;
  r.body_len = strlen(body);
  gt_repro_opts o = {0};
  char *cmd = gt_repro_command(&r, &o);
  cr_assert(strstr(cmd, "$'X-Evil: a\\r\\nInjected: b'"), "%s", cmd);
  cr_assert_null(strchr(cmd, '\n'), "the command stays on one line");
  char *out = run_repro(cmd, NULL);
  ASSERT_OUT(out,
             "[-X]\n[PUT]\n[http://h/]\n[-H]\n[X-Evil: a\r\nInjected: b]\n"
             "[-H]\n[Content-Type: text/plain]\n[--data-binary]\n"
             "[line1\nline2\ttab \x01 \xff 'q' \\]\n",
             "%s", cmd);
  free(out);
  free(cmd);
}

/* libcurl sends no Content-Type of its own for gauntlet (and no Expect);
 * curl the command would: the repro switches both off. An empty header
 * value is curl's "Name;". */
Test(repro, curl_defaults_are_switched_off) {
  gt_http_request r = req_of("POST", "http://h/");
  const char *h[] = {"X-Empty", ""};
  with_headers(&r, h, 1);
  r.body = "";
  r.body_len = 0;
  gt_repro_opts o = {0};
  char *cmd = gt_repro_command(&r, &o);
  char *want = curl_head(" -X POST 'http://h/' -H 'X-Empty;' -H 'Content-Type:' --data-binary ''");
  cr_assert_str_eq(cmd, want);
  free(want);
  free(cmd);
}

Test(repro, large_and_binary_bodies_go_to_a_file_next_to_the_report) {
  char dir[] = "/tmp/gt_repro_dir_XXXXXX";
  cr_assert(mkdtemp(dir));
  char *path = gt_repro_body_path(dir, "s \xe2\x80\xba big [oversized_body]");
  cr_assert(strstr(path, "/s_big_oversized_body-"), "%s", path);
  cr_assert(strstr(path, ".body"), "%s", path);
  size_t n = 10000;
  char *body = malloc(n);
  memset(body, 'b', n);
  body[7] = 0; /* binary too */
  gt_http_request r = req_of("POST", "http://h/");
  const char *h[] = {"Content-Type", "application/octet-stream"};
  with_headers(&r, h, 1);
  r.body = body;
  r.body_len = n;
  gt_repro_opts o = {.body_file = path};
  char *cmd = gt_repro_command(&r, &o);
  cr_assert(strstr(cmd, "-H 'Expect:' --data-binary @'"), "%s", cmd);
  cr_assert_lt(strlen(cmd), 400, "the body is not inlined");
  FILE *f = fopen(path, "rb");
  cr_assert(f, "no body file %s", path);
  char *back = malloc(n + 1);
  cr_assert_eq(fread(back, 1, n + 1, f), n);
  fclose(f);
  cr_assert(memcmp(back, body, n) == 0, "the file holds the whole body");
  free(back);
  /* a body that starts with '@' would make curl read a file: it goes to one */
  r.body = "@/etc/passwd";
  r.body_len = strlen(r.body);
  free(cmd);
  cmd = gt_repro_command(&r, &o);
  char *out = run_repro(cmd, NULL);
  cr_assert(strstr(out, " 40 2f 65 74 63 2f 70 61 73 73 77 64 "), "%s\n%s", cmd, out);
  free(out);
  free(cmd);
  unlink(path);
  rmdir(dir);
  free(path);
  free(body);
}

Test(repro, a_large_body_with_a_secret_is_never_written) {
  char dir[] = "/tmp/gt_repro_dir_XXXXXX";
  cr_assert(mkdtemp(dir));
  char *path = gt_repro_body_path(dir, "case");
  setenv("GT_REPRO_SECRET", "client-secret-42", 1);
  gt_secrets *s = gt_secrets_new();
  gt_secrets_add(s, "GT_REPRO_SECRET", "client-secret-42");
  size_t n = 8000;
  char *body = malloc(n + 1);
  memset(body, 'x', n);
  memcpy(body + 100, "client-secret-42", 16);
  gt_http_request r = req_of("POST", "http://h/");
  r.body = body;
  r.body_len = n;
  gt_repro_opts o = {.secrets = s, .body_file = path, .replay = "gauntlet run --case c s.yaml"};
  char *cmd = gt_repro_command(&r, &o);
  cr_assert(strncmp(cmd, "gauntlet run --case c s.yaml", 28) == 0, "%s", cmd);
  cr_assert_neq(access(path, F_OK), 0, "a file holding a secret was written");
  free(cmd);
  rmdir(dir);
  free(path);
  free(body);
  gt_secrets_free(s);
  unsetenv("GT_REPRO_SECRET");
}

Test(repro, body_paths_are_unique_per_case) {
  char *a = gt_repro_body_path("reports/repro", "s \xe2\x80\xba a/b [x]");
  char *b = gt_repro_body_path("reports/repro", "s \xe2\x80\xba a b [x]");
  cr_assert_str_neq(a, b);
  cr_assert(strncmp(a, "reports/repro/s_a_b_x-", 22) == 0, "%s", a);
  free(a);
  free(b);
}
