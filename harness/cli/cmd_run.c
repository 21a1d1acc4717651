/* cmd_run.c — `gauntlet run`: load, run, report to the console and JUnit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../openapi/openapi.h"
#include "cli.h"

typedef struct run_sinks {
  gt_junit *junit;
  gt_console *console;
  gt_findings *findings;
  gt_json_report *json;  /* or NULL */
  gt_tap *tap;           /* or NULL */
  gt_html *html;         /* or NULL */
  gt_coverage *coverage; /* OpenAPI coverage of suites tied to a document */
} run_sinks;

static bool sink_suite_begin(void *ud, const gt_suite *s, const gt_property *props, size_t n,
                             size_t n_cases, gt_err *err) {
  run_sinks *k = ud;
  gt_console_set_total(k->console, n_cases);
  gt_coverage_suite(k->coverage, s);
  if (k->json) gt_json_report_suite(k->json, s->name, s->file, props, n);
  if (k->tap) gt_tap_suite(k->tap, s->name, s->file);
  return gt_junit_suite_begin(k->junit, s->name, props, n, err);
}

static bool sink_case(void *ud, const gt_case_result *r, gt_err *err) {
  run_sinks *k = ud;
  gt_coverage_case(k->coverage, r);
  bool new_cause = gt_findings_add(k->findings, r);
  gt_console_case_cause(k->console, r, new_cause);
  const char(*ids)[12];
  size_t n_ids = gt_findings_last_ids(k->findings, &ids);
  if (k->json && !gt_json_report_case(k->json, r, ids, n_ids, err)) return false;
  if (k->tap && !gt_tap_case(k->tap, r, ids, n_ids, err)) return false;
  if (k->html && !gt_html_case(k->html, r, ids, n_ids, err)) return false;
  return gt_junit_case(k->junit, r, err);
}

static bool sink_suite_end(void *ud, const gt_suite *s, gt_err *err) {
  run_sinks *k = ud;
  /* The suite's findings as properties (JUnit has no run-level ones). */
  gt_property *props;
  size_t n = gt_findings_properties(k->findings, s->name, &props);
  gt_junit_suite_properties(k->junit, props, n);
  gt_properties_free(props, n);
  n = gt_coverage_properties(k->coverage, &props);
  gt_junit_suite_properties(k->junit, props, n);
  gt_properties_free(props, n);
  return gt_junit_suite_end(k->junit, err);
}

/* The report files beyond JUnit (docs/reports.md), opened before anything
 * is sent so an unwritable path fails first. */
static bool open_reports(const cli_opts *o, run_sinks *k, gt_err *err) {
  if (o->json_path && !(k->json = gt_json_report_open(o->json_path, err))) return false;
  if ((o->tap_path && !(k->tap = gt_tap_open(o->tap_path, err))) ||
      (o->html_path && !(k->html = gt_html_open(o->html_path, err)))) {
    gt_json_report_abort(k->json);
    gt_tap_abort(k->tap);
    k->json = NULL, k->tap = NULL;
    return false;
  }
  return true;
}

/* Writes every report (each atomically); false when one could not be. */
static bool close_reports(const cli_opts *o, const gt_secrets *secrets, run_sinks *k,
                          const gt_run_totals *t) {
  bool ok = true;
  gt_err e = {0};
  if (o->sarif_path && !gt_sarif_write(o->sarif_path, k->findings, t, &e)) {
    cli_print_err(secrets, &e);
    ok = false;
  }
  if (o->coverage_path && !gt_coverage_write(k->coverage, o->coverage_path, &e)) {
    cli_print_err(secrets, &e);
    ok = false;
  }
  if (k->json && gt_coverage_any(k->coverage))
    gt_json_report_coverage(k->json, gt_coverage_json(k->coverage));
  if (k->json && !gt_json_report_close(k->json, k->findings, t, &e)) {
    cli_print_err(secrets, &e);
    ok = false;
  }
  k->json = NULL;
  if (k->tap && !gt_tap_close(k->tap, k->findings, &e)) {
    cli_print_err(secrets, &e);
    ok = false;
  }
  k->tap = NULL;
  if (k->html && !gt_html_close(k->html, k->findings, t, &e)) {
    cli_print_err(secrets, &e);
    ok = false;
  }
  k->html = NULL;
  const char *summary = getenv("GITHUB_STEP_SUMMARY");
  if (summary && *summary && !gt_github_step_summary(summary, k->findings, t, &e)) {
    cli_print_err(secrets, &e);
    ok = false;
  }
  return ok;
}

/* Operations per suite in the console's coverage table (the rest: --coverage). */
#define COVERAGE_ROWS 40

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int cli_run(int argc, char **argv) {
  cli_opts o;
  gt_secrets *secrets;
  gt_suite **suites;
  int rc = cli_open(argc, argv, CLI_RUN, &o, &secrets, &suites);
  if (rc != EXIT_PASS) return rc;
  if (!cli_selection_matches(&o, suites)) {
    cli_close(&o, secrets, suites);
    return EXIT_USAGE;
  }
  gt_err clear_err = {0};
  if (!gt_run_check_cleartext(suites, (size_t)o.n_files, &o.run, &clear_err)) {
    rc = cli_print_err(secrets, &clear_err);
    cli_close(&o, secrets, suites);
    return rc;
  }
  /* Repro lines: bodies too large to inline go next to the report, and a
   * case curl cannot send is re-run by `gauntlet run ... --case`. */
  char *repro_dir = cli_repro_dir(o.junit_path);
  char *replay = cli_replay_prefix(&o, secrets, repro_dir);
  o.run.repro_dir = repro_dir;
  o.run.replay_prefix = replay;
  if (o.run.http.insecure)
    fprintf(stderr, "gauntlet: WARNING: --insecure: TLS certificates are NOT verified; "
                    "anyone on the path can read and alter this run's traffic\n");

  rc = EXIT_RUNTIME;
  gt_err err = {0};
  gt_findings *findings = gt_findings_new();
  if (o.baseline_path && !gt_findings_load_baseline(findings, o.baseline_path, &err)) {
    rc = cli_print_err(secrets, &err);
    gt_findings_free(findings);
    goto out;
  }
  const char *report_name = o.n_files == 1 ? suites[0]->name : "gauntlet";
  gt_junit *junit = gt_junit_open(o.junit_path, report_name, &err);
  if (!junit) {
    cli_print_err(secrets, &err);
    gt_findings_free(findings);
    goto out;
  }
  run_sinks sinks = {.junit = junit, .findings = findings, .coverage = gt_coverage_new()};
  if (!open_reports(&o, &sinks, &err)) {
    rc = cli_print_err(secrets, &err);
    gt_junit_abort(junit);
    gt_findings_free(findings);
    gt_coverage_free(sinks.coverage);
    goto out;
  }
  bool tty = isatty(o.tap_path && !strcmp(o.tap_path, "-") ? STDERR_FILENO : STDOUT_FILENO);
  gt_console_opts co = {
      /* --tap -: stdout is the TAP stream, the console goes to stderr */
      .out = o.tap_path && !strcmp(o.tap_path, "-") ? stderr : stdout,
      .color = o.color == COLOR_ALWAYS || (o.color == COLOR_AUTO && tty),
      .progress = tty && !o.quiet && !o.verbose,
      .quiet = o.quiet,
      .verbose = o.verbose,
      .condense = true,
  };
  gt_console *console = gt_console_new(&co);

  o.run.interrupted = cli_catch_interrupts();

  sinks.console = console;
  gt_run_sink sink = {.suite_begin = sink_suite_begin,
                      .case_done = sink_case,
                      .suite_end = sink_suite_end,
                      .ud = &sinks};
  gt_run_stats stats;
  double t0 = now_s();
  bool ok = gt_run(suites, (size_t)o.n_files, &o.run, secrets, &sink, &stats, &err);
  if (!ok) cli_print_err(secrets, &err);
  gt_err close_err = {0};
  bool written = gt_junit_close(junit, &close_err);
  if (!written) cli_print_err(secrets, &close_err);
  if (stats.stop_reason[0]) {
    char note[800];
    size_t finished = stats.total - stats.not_run;
    const char *why = stats.stop_reason;
    if (!strncmp(why, "not run: ", 9)) why += 9;
    snprintf(note, sizeof note,
             "gauntlet: %s: %zu of %zu cases finished; the %zu not run are reported as skipped",
             why, finished, stats.total, stats.not_run);
    gt_console_note(console, note);
  }
  if (o.write_baseline_path) {
    gt_err base_err = {0};
    if (!gt_findings_write_baseline(findings, o.write_baseline_path, &base_err)) {
      cli_print_err(secrets, &base_err);
      written = false;
    }
  }
  gt_run_totals totals = {.seed = (unsigned long long)o.run.seed,
                          .elapsed = now_s() - t0,
                          .interrupted = stats.interrupted,
                          .stopped = stats.stop_reason[0] ? stats.stop_reason : NULL,
                          .total = stats.total,
                          .passed = stats.passed,
                          .failed = stats.failed,
                          .errors = stats.errors,
                          .skipped = stats.skipped};
  if (!close_reports(&o, secrets, &sinks, &totals)) written = false;
  if (gt_coverage_any(sinks.coverage))
    gt_coverage_print(sinks.coverage, co.out, COVERAGE_ROWS, o.quiet);
  gt_coverage_free(sinks.coverage);
  gt_console_findings(console, findings);
  if (o.annotations) gt_github_annotations(co.out, findings, GT_GITHUB_ANNOTATIONS_CAP);
  gt_console_summary(console, (unsigned long long)o.run.seed, written ? o.junit_path : NULL,
                     now_s() - t0);
  gt_console_free(console);
  /* With a baseline, accepted findings do not fail the run; a new one does. */
  bool failing =
      o.baseline_path ? gt_findings_new_count(findings) > 0 : (stats.failed || stats.errors);
  gt_findings_free(findings);

  if (stats.interrupted)
    rc = EXIT_INTERRUPTED;
  else if (!ok || !written)
    rc = EXIT_RUNTIME;
  else if (failing)
    rc = EXIT_FAILED;
  else
    rc = EXIT_PASS;
out:
  free(replay);
  free(repro_dir);
  cli_close(&o, secrets, suites);
  return rc;
}
