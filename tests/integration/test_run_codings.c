/* test_run_codings.c — compressed answers: gauntlet advertises the codings
 * its libcurl decodes (Accept-Encoding), judges the decoded body, sends a
 * request's own Accept-Encoding as written, and shows the coding in dumps.
 * The compression bomb is in test_run_hostile.c. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "support.h"

Test(run_codings, compressed_answers_are_decoded_and_judged, .timeout = 60) {
  ts_target_run r;
  cr_assert(ts_target_run_init(&r));
  cr_assert(ts_target_run_start(&r, "target_api", "--http-port", NULL));
  char *suite = ts_fmt("%s/tests/fixtures/integration/coded.yaml", SOURCE_DIR);
  char *base = ts_fmt("BASE_URL=http://127.0.0.1:%d", r.port);
  const char *env[] = {base, "API_TOKEN=t0k3n-secret-value", NULL};
  const char *args[] = {"--verbose", NULL};
  char *why = ts_target_run_gauntlet(&r, args, NULL, suite, env, 30000);
  cr_assert_null(why, "%s", why);
  const char *codings = gt_http_accept_encoding();
  bool zstd = strstr(codings, "zstd") != NULL;
  static const char *const names[] = {"gzip [valid]", "deflate [valid]", "br [valid]",
                                      "own accept-encoding is sent as written [valid]"};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
    char *m = ts_case_mismatch(&r.j, names[i], TS_CASE_PASS, NULL);
    cr_expect_null(m, "%s\nstdout: %s", m, r.g.out);
    free(m);
  }
  /* zstd is decoded where libcurl has it; otherwise it is not advertised and
   * the answer stays compressed (then json fails, as it should). */
  char *m = ts_case_mismatch(&r.j, "zstd [valid]", zstd ? TS_CASE_PASS : TS_CASE_FAILURE, NULL);
  cr_expect_null(m, "%s", m);
  free(m);
  cr_expect_eq(r.g.exit_code, zstd ? 0 : 1, "exit %d\nstdout: %s", r.g.exit_code, r.g.out);
  /* Dumps name the coding asked for and the coding decoded. */
  char *asked =
      ts_fmt("> Accept-Encoding: %s  (added by gauntlet: the answer is decoded)", codings);
  cr_expect(strstr(r.g.out, asked), "verbose output lacks '%s':\n%s", asked, r.g.out);
  free(asked);
  const char *br = strstr(r.g.out, "[body decoded from Content-Encoding: br]\n");
  cr_expect(br && !strncmp(strchr(br, '\n') + strspn(strchr(br, '\n'), "\n "),
                           "{\"coding\": \"br\", \"ok\": true}", 28),
            "verbose output lacks the decoded br body:\n%s", r.g.out);
  cr_expect(strstr(r.g.out, "> Accept-Encoding: identity\n"), "the request's own header is shown");
  cr_expect(ts_target_run_free(&r), "target_api died during the run");
  free(suite);
  free(base);
}
