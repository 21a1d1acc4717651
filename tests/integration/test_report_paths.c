/* test_report_paths.c — a report path that is not a regular file is written
 * in place. Reports go to "<path>.tmp.<pid>" and are renamed onto the path;
 * renamed onto /dev/null (run as root) that replaced the device with a
 * regular file, breaking every later `>/dev/null` on the machine. Here a FIFO
 * stands in for the device: after the run it must still be a FIFO, and what
 * its reader got must be the whole report. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "support.h"

static char *dir;

static void setup(void) {
  dir = ts_tempdir();
  cr_assert(dir);
}

static void teardown(void) {
  ts_rmtree(dir);
  free(dir);
}

TestSuite(report_paths, .init = setup, .fini = teardown, .timeout = 60);

/* Runs a one-scenario suite against a closed port with OPTION FIFO, the FIFO
 * read by cat; returns what cat read (caller frees). */
static char *report_through_fifo(const char *option) {
  char *suite = ts_fmt("%s/suite.yaml", dir);
  const char *text = "suite: paths\n"
                     "base_url: http://127.0.0.1:1\n"
                     "scenarios:\n"
                     "  - name: one\n"
                     "    request: { method: GET, path: /x }\n"
                     "    expect: { status: 200 }\n";
  cr_assert(ts_write_file(suite, text, strlen(text)));
  char *fifo = ts_fmt("%s/report.fifo", dir), *got = ts_fmt("%s/got", dir);
  cr_assert(mkfifo(fifo, 0600) == 0);
  ts_proc reader;
  const char *cat[] = {"/bin/cat", fifo, NULL};
  cr_assert(ts_spawn(cat, NULL, got, NULL, &reader), "cat starts");

  char *junit = ts_fmt("%s/junit.xml", dir);
  const char *args[] = {"run", "--faults", "none", "--junit", junit, option, fifo, suite, NULL};
  char *json = ts_fmt("%s/r.json", dir); /* the other report, when the FIFO is the JUnit one */
  if (!strcmp(option, "--junit")) args[3] = "--json", args[4] = json;
  ts_gauntlet g;
  ts_gauntlet_run(&g, dir, args, NULL, 30000);
  cr_expect_eq(g.exit_code, 1, "one failed case (nothing listens): exit 1, got %d\n%s", g.exit_code,
               g.err);
  ts_wait(&reader, 10000);
  cr_expect(reader.exited && reader.exit_code == 0, "cat read the FIFO to its end");

  struct stat st;
  cr_assert(lstat(fifo, &st) == 0, "%s is gone", fifo);
  cr_expect(S_ISFIFO(st.st_mode), "%s %s is no longer a FIFO", option, fifo);
  char *out = ts_read_file(got, NULL);
  cr_assert(out, "no output from cat");
  ts_gauntlet_free(&g);
  free(junit), free(json), free(fifo), free(got), free(suite);
  return out;
}

Test(report_paths, junit_to_a_fifo_is_written_in_place) {
  char *out = report_through_fifo("--junit");
  cr_expect(strstr(out, "<testsuites") && strstr(out, "</testsuites>"), "whole JUnit:\n%s", out);
  free(out);
}

Test(report_paths, json_report_to_a_fifo_is_written_in_place) {
  char *out = report_through_fifo("--json");
  cr_expect(out[0] == '{' && strstr(out, "\"cases\""), "whole JSON report:\n%.400s", out);
  free(out);
}

Test(report_paths, tap_to_a_fifo_is_written_in_place) {
  char *out = report_through_fifo("--tap");
  cr_expect(!strncmp(out, "TAP version 14\n", 15) && strstr(out, "1..1"), "whole TAP:\n%s", out);
  free(out);
}
