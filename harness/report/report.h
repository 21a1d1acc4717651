/* report.h — case results, the JUnit XML writer and the console reporter.
 *
 * Results are reduced to what the reports need as soon as a case finishes
 * (gt_case_result), then handed to every reporter and freed: memory stays
 * flat in the number of cases. All text is redacted before it gets here
 * (the runner redacts with secrets.h), and the JUnit writer additionally makes
 * any byte sequence valid XML 1.0. */
#ifndef GT_REPORT_REPORT_H
#define GT_REPORT_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "../core/err.h"

/* Per-case cap on each block of text in the report (detail, system-out):
 * head and tail are kept around a "[truncated N bytes]" marker. */
#define GT_REPORT_OUTPUT_CAP (64 * 1024)
/* A failure/error/skip message is one line of at most this many bytes. */
#define GT_REPORT_MESSAGE_CAP 300

typedef enum { GT_RESULT_PASS, GT_RESULT_FAIL, GT_RESULT_ERROR, GT_RESULT_SKIP } gt_result_kind;

typedef struct gt_case_result {
  const char *classname; /* suite name */
  const char *name;      /* "scenario [fault]" */
  gt_result_kind kind;
  const char *message;    /* one line: the first failed check, the error, or the skip reason */
  const char *type;       /* failure/error type: the check name, "connection", "timeout" */
  const char *detail;     /* every failed check, expected vs actual (may be NULL) */
  const char *system_out; /* request line, response status/headers, first 4 KiB of body */
  const char *repro;      /* curl command reproducing the request (secrets as ${NAME}) */
  double time;            /* seconds */
} gt_case_result;

typedef struct gt_property {
  const char *name, *value;
} gt_property;

/* ---- JUnit: streams testcases to a spool, writes <path>.tmp, renames. ---- */
typedef struct gt_junit gt_junit;

gt_junit *gt_junit_open(const char *path, const char *name, gt_err *err);
bool gt_junit_suite_begin(gt_junit *j, const char *suite_name, const gt_property *props,
                          size_t n_props, gt_err *err);
bool gt_junit_case(gt_junit *j, const gt_case_result *r, gt_err *err);
bool gt_junit_suite_end(gt_junit *j, gt_err *err);
/* Writes the final file atomically (rename). Closes any open suite. */
bool gt_junit_close(gt_junit *j, gt_err *err);
/* Frees without writing (a run that never started). */
void gt_junit_abort(gt_junit *j);

/* XML escaping used by the writer (exposed for tests and fuzzing): text made
 * valid XML 1.0 character data / attribute value; forbidden characters become
 * "#xNN", invalid UTF-8 bytes "\xNN". `cap` bytes of input at most, with head
 * and tail kept and "[truncated N bytes]" in between (0 = no cap). */
void gt_xml_escape(FILE *out, const char *s, size_t len, bool attribute, size_t cap);

/* Writes v (>= 0; negative, NaN and infinities are written as 0) with
 * `decimals` digits after a '.', whatever the locale: "0.042". out must hold
 * 32 bytes. Used for report times and console rates. */
void gt_format_decimal(char out[32], double v, int decimals);

/* ---- console ---- */
typedef struct gt_console_opts {
  FILE *out;     /* stdout normally */
  bool color;    /* resolved from --color and isatty */
  bool progress; /* one updating progress line (TTY only) */
  bool quiet;    /* only the summary */
  bool verbose;  /* print system_out of every case */
} gt_console_opts;

typedef struct gt_console gt_console;

gt_console *gt_console_new(const gt_console_opts *o);
void gt_console_free(gt_console *c);
void gt_console_set_total(gt_console *c, size_t total);
void gt_console_case(gt_console *c, const gt_case_result *r);
/* One line printed above the summary, even with --quiet (clears the progress line). */
void gt_console_note(gt_console *c, const char *line);
/* Final summary: passed, failed, errors, skipped, time, seed, report path. */
void gt_console_summary(gt_console *c, unsigned long long seed, const char *junit_path,
                        double elapsed);

/* Builds a curl command line reproducing a request (shell-quoted). Secrets
 * must already be replaced by the caller; returns malloc'd text. */
char *gt_repro_curl(const char *method, const char *url, const char *const *header_lines,
                    size_t n_headers, const char *body, size_t body_len, bool insecure);

#endif
