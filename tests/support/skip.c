/* skip.c — what a test of third-party software does when that software is
 * not installed: a loud SKIP on a developer's machine, a failure in CI. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

int ts_not_installed(const char *test, const char *what, const char *install) {
  const char *ci = getenv("CI");
  bool in_ci = ci && !strcmp(ci, "true");
  fprintf(stderr,
          "\n************************************************************************\n"
          "%s %s: %s.\n"
          "%s\n"
          "%s"
          "************************************************************************\n\n",
          test, in_ci ? "FAILED" : "SKIPPED", what, install,
          in_ci ? "CI=true: CI installs it first, so a missing part is a failure.\n" : "");
  return in_ci ? 1 : TS_EXIT_SKIP;
}
