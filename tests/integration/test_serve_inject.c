/* test_serve_inject.c — `gauntlet serve --inject` as a libcurl client sees
 * it, beyond the kinds themselves (test_serve_cli.c): what serve logs about
 * its own injected faults. */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#define FIXTURE SOURCE_DIR "/tests/fixtures/serve/items.yaml"

Test(serve_inject, an_injected_reset_logs_no_internal_error) {
  const char *suites[] = {FIXTURE, NULL};
  const char *args[] = {
      "--max-requests", "2", "--inject", "reset,reset_after", "--inject-rate", "1",
      "--seed",         "3", NULL};
  ts_serve s;
  bool started = ts_serve_start(&s, &(ts_serve_opts){.suites = suites, .args = args});
  char *err = ts_serve_stderr(&s);
  cr_assert(started, "serve did not start: %s", err);
  free(err);
  char *url = ts_fmt("http://127.0.0.1:%d/v1/health", s.port);
  for (int i = 0; i < 2; i++) {
    ts_http_reply r;
    ts_curl(&(ts_http_call){.url = url}, &r);
    cr_assert(r.code == CURLE_GOT_NOTHING || r.code == CURLE_RECV_ERROR, "reset: %s",
              curl_easy_strerror((CURLcode)r.code));
  }
  free(url);
  cr_assert_eq(ts_serve_stop(&s, false, 10000), 0);
  err = ts_serve_stderr(&s);
  cr_assert(strstr(err, "GET /v1/health -> 0 [inject reset"), "the reset is logged as such: %s",
            err);
  cr_assert_null(strstr(err, "internal error"), "no libmicrohttpd internal error: %s", err);
  free(err);
  ts_serve_free(&s);
}
