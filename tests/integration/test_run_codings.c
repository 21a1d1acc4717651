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
  char *dir = ts_tempdir();
  cr_assert(dir);
  ts_target t;
  int port;
  cr_assert(ts_api_start(&t, dir, &port, NULL));
  char *junit = ts_fmt("%s/junit.xml", dir);
  char *suite = ts_fmt("%s/tests/fixtures/integration/coded.yaml", SOURCE_DIR);
  char *base = ts_fmt("BASE_URL=http://127.0.0.1:%d", port);
  const char *env[] = {base, "API_TOKEN=t0k3n-secret-value", NULL};
  const char *args[] = {"run", "--verbose", "--junit", junit, suite, NULL};
  ts_gauntlet g;
  ts_gauntlet_run(&g, dir, args, env, 30000);
  const char *codings = gt_http_accept_encoding();
  bool zstd = strstr(codings, "zstd") != NULL;
  ts_junit j;
  cr_assert(ts_junit_load(junit, &j), "no report: %s", g.err);
  static const char *const names[] = {"gzip [valid]", "deflate [valid]", "br [valid]",
                                      "own accept-encoding is sent as written [valid]"};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
    char *m = ts_case_mismatch(&j, names[i], TS_CASE_PASS, NULL);
    cr_expect_null(m, "%s\nstdout: %s", m, g.out);
    free(m);
  }
  /* zstd is decoded where libcurl has it; otherwise it is not advertised and
   * the answer stays compressed (then json fails, as it should). */
  char *m = ts_case_mismatch(&j, "zstd [valid]", zstd ? TS_CASE_PASS : TS_CASE_FAILURE, NULL);
  cr_expect_null(m, "%s", m);
  free(m);
  cr_expect_eq(g.exit_code, zstd ? 0 : 1, "exit %d\nstdout: %s", g.exit_code, g.out);
  /* Dumps name the coding asked for and the coding decoded. */
  char *asked =
      ts_fmt("> Accept-Encoding: %s  (added by gauntlet: the answer is decoded)", codings);
  cr_expect(strstr(g.out, asked), "verbose output lacks '%s':\n%s", asked, g.out);
  free(asked);
  const char *br = strstr(g.out, "[body decoded from Content-Encoding: br]\n");
  cr_expect(br && !strncmp(strchr(br, '\n') + strspn(strchr(br, '\n'), "\n "),
                           "{\"coding\": \"br\", \"ok\": true}", 28),
            "verbose output lacks the decoded br body:\n%s", g.out);
  cr_expect(strstr(g.out, "> Accept-Encoding: identity\n"), "the request's own header is shown");
  ts_junit_free(&j);
  ts_gauntlet_free(&g);
  cr_expect(ts_target_stop(&t));
  ts_rmtree(dir);
  free(dir);
  free(junit);
  free(suite);
  free(base);
}
