/* test_cli_version.c — `gauntlet --version` names gauntlet's version and the
 * versions of the libraries it runs with, as those libraries report them at
 * run time (so a bug report says what was really loaded). */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <libfyaml.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

/* The line of text that starts with prefix, copied (caller frees), or NULL. */
static char *line_starting(const char *text, const char *prefix) {
  for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
    if (strncmp(p, prefix, strlen(prefix))) continue;
    size_t n = strcspn(p, "\n");
    return strndup(p, n);
  }
  return NULL;
}

static void expect_version_output(const char *flag) {
  char *dir = ts_tempdir();
  cr_assert_not_null(dir);
  ts_gauntlet g;
  const char *args[] = {flag, NULL};
  ts_gauntlet_run(&g, dir, args, NULL, 10000);
  cr_expect_eq(g.exit_code, 0, "%s: exit %d, stderr: %s", flag, g.exit_code, g.err);

  char *want_first = ts_fmt("gauntlet %s\n", GAUNTLET_VERSION);
  cr_expect(!strncmp(g.out, want_first, strlen(want_first)), "%s: first line is not %s: %s", flag,
            want_first, g.out);
  free(want_first);

  const curl_version_info_data *curl = curl_version_info(CURLVERSION_NOW);
  const struct {
    const char *name, *version;
  } libs[] = {{"libcurl", curl->version},
              {"libfyaml", fy_library_version()},
              {"cJSON", cJSON_Version()},
              {"libmicrohttpd", MHD_get_version()}};
  for (size_t i = 0; i < sizeof libs / sizeof *libs; i++) {
    cr_assert(libs[i].version && *libs[i].version, "%s reports no version", libs[i].name);
    char *prefix = ts_fmt("%s ", libs[i].name);
    char *line = line_starting(g.out, prefix);
    cr_expect_not_null(line, "%s: no '%s' line in:\n%s", flag, libs[i].name, g.out);
    if (line) {
      char *want = ts_fmt("%s%s", prefix, libs[i].version);
      /* libcurl's line goes on with its TLS backend: "libcurl 7.88.1 (OpenSSL/3.0.15)". */
      cr_expect(!strncmp(line, want, strlen(want)) &&
                    (line[strlen(want)] == '\0' || line[strlen(want)] == ' '),
                "%s: expected '%s...', got '%s'", flag, want, line);
      free(want);
    }
    free(line);
    free(prefix);
  }
  ts_gauntlet_free(&g);
  ts_rmtree(dir);
  free(dir);
}

Test(cli_version, long_flag_names_gauntlet_and_runtime_library_versions) {
  expect_version_output("--version");
}

Test(cli_version, short_flag_is_the_same) {
  expect_version_output("-V");
}
