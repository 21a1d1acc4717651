/* test_serve_base_url.c — `gauntlet serve` starts when a suite's base_url
 * variable is undefined (it needs only the path), answers on that path, and
 * says on stderr which variable got a placeholder; a suite variable of the
 * same name is not overridden. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

#define UNSET "GT_SERVE_TEST_NEVER_SET_URL"

static const char suite_text[] = "suite: nourl\n"
                                 "base_url: ${" UNSET "}/v3\n"
                                 "profile:\n"
                                 "  profile: nourl\n"
                                 "  auth: { scheme: none }\n"
                                 "  transport: { content_type: application/json }\n"
                                 "scenarios:\n"
                                 "  - name: ping\n"
                                 "    request: { method: GET, path: /ping }\n"
                                 "    expect: { status: 200, json: { pong: true } }\n"
                                 "    respond: { json: { pong: true } }\n";

/* Starts serve on suite_path; returns the port (0 when it did not start). */
static int start(ts_proc *p, const char *dir, const char *suite_path, char **err_path) {
  char *out = ts_fmt("%s/out", dir);
  *err_path = ts_fmt("%s/err", dir);
  char *junit = ts_fmt("%s/serve.xml", dir);
  const char *argv[] = {GAUNTLET_BIN, "serve", "--listen", "127.0.0.1:0",
                        "--junit",    junit,   suite_path, NULL};
  cr_assert(ts_spawn(argv, NULL, out, *err_path, p));
  int port = 0;
  for (int i = 0; i < 100 && !port; i++) { /* <= 5 s */
    usleep(50 * 1000);
    char *text = ts_read_file(out, NULL);
    const char *at = text ? strstr(text, "listening http://127.0.0.1:") : NULL;
    if (at) port = atoi(at + strlen("listening http://127.0.0.1:"));
    free(text);
    if (!port && kill(p->pid, 0) != 0) break;
  }
  free(out);
  free(junit);
  return port;
}

Test(serve_base_url, undefined_base_url_variable_gets_a_placeholder) {
  cr_assert_null(getenv(UNSET));
  char *dir = ts_tempdir();
  char *path = ts_fmt("%s/nourl.yaml", dir);
  cr_assert(ts_write_file(path, suite_text, sizeof suite_text - 1));
  ts_proc p;
  char *err_path;
  int port = start(&p, dir, path, &err_path);
  char *err = ts_read_file(err_path, NULL);
  cr_assert(port > 0, "serve did not start: %s", err ? err : "");
  cr_assert(err && strstr(err, UNSET), "no note about " UNSET ": %s", err ? err : "");
  free(err);
  int status = 0;
  char *body = ts_http_get(port, "/v3/ping", NULL, &status);
  cr_assert_eq(status, 200, "%s", body ? body : "(none)");
  cr_assert(body && strstr(body, "\"pong\":true"), "%s", body ? body : "(none)");
  free(body);
  kill(p.pid, SIGTERM);
  ts_wait(&p, 10000);
  cr_assert(p.exited);
  cr_assert_eq(p.exit_code, 0);
  free(err_path);
  free(path);
  ts_rmtree(dir);
  free(dir);
}

Test(serve_base_url, suite_variable_is_not_overridden) {
  /* base_url's variable defined under variables: keeps its value (its path) */
  static const char text[] = "suite: withvar\n"
                             "variables: { " UNSET ": \"http://h/v9\" }\n"
                             "base_url: ${" UNSET "}\n"
                             "profile:\n"
                             "  profile: withvar\n"
                             "  auth: { scheme: none }\n"
                             "scenarios:\n"
                             "  - name: ping\n"
                             "    request: { method: GET, path: /ping }\n"
                             "    expect: { status: 200 }\n";
  char *dir = ts_tempdir();
  char *path = ts_fmt("%s/withvar.yaml", dir);
  cr_assert(ts_write_file(path, text, sizeof text - 1));
  ts_proc p;
  char *err_path;
  int port = start(&p, dir, path, &err_path);
  char *err = ts_read_file(err_path, NULL);
  cr_assert(port > 0, "serve did not start: %s", err ? err : "");
  cr_assert(!err || !strstr(err, "is not set"), "%s", err);
  free(err);
  int status = 0;
  char *body = ts_http_get(port, "/v9/ping", NULL, &status);
  cr_assert_eq(status, 200, "%s", body ? body : "(none)");
  free(body);
  kill(p.pid, SIGTERM);
  ts_wait(&p, 10000);
  free(err_path);
  free(path);
  ts_rmtree(dir);
  free(dir);
}
