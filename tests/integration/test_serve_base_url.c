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

/* Writes text as DIR/NAME.yaml and starts serve on it (dir: its own). */
static void start(ts_serve *s, const char *name, const char *text, size_t len) {
  char *dir = ts_tempdir();
  char *path = ts_fmt("%s/%s.yaml", dir, name);
  cr_assert(ts_write_file(path, text, len));
  const char *suites[] = {path, NULL};
  ts_serve_opts o = {.suites = suites, .dir = dir};
  bool started = ts_serve_start(s, &o);
  s->own_dir = true; /* removed with the server */
  free(path);
  free(dir);
  char *err = ts_serve_stderr(s);
  cr_assert(started, "serve did not start: %s", err);
  free(err);
}

Test(serve_base_url, undefined_base_url_variable_gets_a_placeholder) {
  cr_assert_null(getenv(UNSET));
  ts_serve s;
  start(&s, "nourl", suite_text, sizeof suite_text - 1);
  char *err = ts_serve_stderr(&s);
  cr_assert(strstr(err, UNSET), "no note about " UNSET ": %s", err);
  free(err);
  int status = 0;
  char *body = ts_http_get(s.port, "/v3/ping", NULL, &status);
  cr_assert_eq(status, 200, "%s", body ? body : "(none)");
  cr_assert(body && strstr(body, "\"pong\":true"), "%s", body ? body : "(none)");
  free(body);
  cr_assert_eq(ts_serve_stop(&s, true, 10000), 0);
  cr_expect(!s.proc.sanitizer_report, "sanitizer report in serve's stderr");
  ts_serve_free(&s);
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
  ts_serve s;
  start(&s, "withvar", text, sizeof text - 1);
  char *err = ts_serve_stderr(&s);
  cr_assert(!strstr(err, "is not set"), "%s", err);
  free(err);
  int status = 0;
  char *body = ts_http_get(s.port, "/v9/ping", NULL, &status);
  cr_assert_eq(status, 200, "%s", body ? body : "(none)");
  free(body);
  cr_assert_eq(ts_serve_stop(&s, true, 10000), 0);
  cr_expect(!s.proc.sanitizer_report, "sanitizer report in serve's stderr");
  ts_serve_free(&s);
}
