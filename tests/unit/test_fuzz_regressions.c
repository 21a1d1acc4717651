/* test_fuzz_regressions.c — every input a fuzz target once crashed on
 * (tests/fixtures/fuzz-regressions/<target>-<what>.yaml) is loaded again the
 * way fuzz_loader loads it. Under the ASan build (scripts/test.sh --sanitize)
 * an over-read or leak here fails the test; in the plain build the load must
 * at least return (a suite or an error with a position). */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "suite/suite.h"
#include "support.h"

#define DIR_ SOURCE_DIR "/tests/fixtures/fuzz-regressions"

Test(fuzz_regressions, loader_inputs_load_or_fail_cleanly) {
  DIR *d = opendir(DIR_);
  cr_assert(d, "no %s", DIR_);
  int seen = 0;
  struct dirent *e;
  while ((e = readdir(d)) && seen < 10000) {
    if (strncmp(e->d_name, "loader-", 7) != 0) continue;
    char *path = ts_fmt("%s/%s", DIR_, e->d_name);
    size_t len = 0;
    char *data = ts_read_file(path, &len);
    cr_assert(data, "cannot read %s", path);
    gt_load_opts opts = {0};
    gt_err err = {0};
    gt_suite *s = gt_suite_load_string("fuzz.yaml", data, len, &opts, &err);
    cr_expect(s || (err.kind != GT_OK && err.line > 0), "%s: no suite and no positioned error",
              e->d_name);
    gt_suite_free(s);
    free(data);
    free(path);
    seen++;
  }
  closedir(d);
  cr_expect(seen > 0, "no loader-* inputs");
}
