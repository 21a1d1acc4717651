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

#include "../core/buf.h"
#include "../core/err.h"
#include "../core/secrets.h"
#include "../http/http.h"

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

/* path NULL: the report's path is given to gt_junit_close_as (a writer that
 * streams before it knows where the report goes). */
gt_junit *gt_junit_open(const char *path, const char *name, gt_err *err);
bool gt_junit_suite_begin(gt_junit *j, const char *suite_name, const gt_property *props,
                          size_t n_props, gt_err *err);
/* More properties of the open suite, known only later (a summary): they are
 * written with the suite's opening tag, before its cases, at suite end. */
void gt_junit_suite_properties(gt_junit *j, const gt_property *props, size_t n_props);
bool gt_junit_case(gt_junit *j, const gt_case_result *r, gt_err *err);
bool gt_junit_suite_end(gt_junit *j, gt_err *err);
/* Writes the final file atomically (rename). Closes any open suite. */
bool gt_junit_close(gt_junit *j, gt_err *err);
/* The same, to path when gt_junit_open had none (else path is ignored). */
bool gt_junit_close_as(gt_junit *j, const char *path, gt_err *err);
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

/* ---- the repro command (repro_curl.c) ---- */
typedef struct gt_repro_opts {
  const gt_secrets *secrets; /* the run's secrets (may be NULL) */
  bool insecure;             /* --insecure */
  const char *cacert;        /* --cacert, or NULL */
  const char *cert, *key;    /* --cert/--key, or NULL */
  /* The `gauntlet run ... --case ID SUITE` command that re-sends this case
   * byte for byte (shell-quoted, no secret in it), or NULL. */
  const char *replay;
  /* Where a body too large or binary to inline may be written (the file is
   * created, its folder too); NULL: such a body makes curl unusable. */
  const char *body_file;
  /* Why one curl request cannot reproduce this case (the rate_limit probe
   * repeats the request), or NULL: then the replay is printed. */
  const char *replay_only;
} gt_repro_opts;

/* The command reproducing req, as one line (caller frees): a curl command
 * sending the same bytes, with every secret written as the shell word that
 * expands to it from the environment ("${NAME}"); or, when curl cannot send
 * the request without printing a secret (minted tokens, captured
 * credentials) or cannot produce it at all (raw requests), o->replay with a
 * comment saying why. Never contains a secret. */
char *gt_repro_command(const gt_http_request *req, const gt_repro_opts *o);
/* Appends s as one shell word (single quotes, or $'...' for control bytes
 * and invalid UTF-8; plain words such as GET unquoted). */
void gt_shell_quote(gt_buf *out, const char *s, size_t n);
/* The same with every secret in s written as its shell word ("${NAME}");
 * false (nothing appended) when a secret in s has none. */
bool gt_shell_quote_secrets(gt_buf *out, const gt_secrets *secrets, const char *s, size_t n);
/* "reports/repro/<slug>-<hash>.body" for a case id under dir (caller frees):
 * only [A-Za-z0-9._-] in the name, unique per case id. */
char *gt_repro_body_path(const char *dir, const char *case_id);

#endif
