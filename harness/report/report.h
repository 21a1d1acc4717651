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

/* One failed check of a case, redacted (the reports' structured view). */
typedef struct gt_case_check {
  const char *check;    /* check name (check/names.c) */
  const char *where;    /* "$.error", "header Content-Type", "status", "" */
  const char *expected; /* human text */
  const char *actual;   /* human text: "missing", "200", "\"abc\"" */
  const char *context;  /* what was there: "body: {...}" / "keys: a, b; body: ..."; or NULL */
} gt_case_check;

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
  /* Structured view for findings and the JSON/SARIF/TAP/HTML reports (all
   * may be NULL/0: a case from a writer that does not know them). */
  const char *suite_file;  /* the suite's file as given */
  const char *scenario;    /* scenario name */
  const char *fault;       /* fault name ("valid" for the valid case) */
  int line, col;           /* of the scenario in suite_file (0: unknown) */
  int fault_line;          /* of the fault in the scenario's `faults:` (0: not listed there) */
  const char *const *tags; /* the scenario's tags */
  size_t n_tags;
  const gt_case_check *checks; /* every failed check (kind FAIL/ERROR) */
  size_t n_checks;
  const char *method, *url; /* the request (redacted), or NULL */
  int status;               /* response status, 0 when none */
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

/* ---- findings (findings.c): failures grouped by cause (docs/reports.md) ----
 * A cause is a failed check at a location, whatever the fault: the check's
 * name plus its location with array indices generalised ($.items[3].id ->
 * $.items[*].id); for status checks the location is the status class that
 * came back, plus what was expected. Failed checks at the same location of
 * one case are one cause (the first universal check names it: a missing
 * $.error fails both `json` and `error_shape`, and is one defect). A case
 * can belong to several findings; errors are grouped by their type. The id
 * is a hash of suite, check and location: the same defect has the same id in
 * every run, whatever the order, the seed or the number of cases. */
typedef struct gt_finding {
  char id[12];      /* 8 hex digits */
  char *suite;      /* suite name */
  char *suite_file; /* or NULL */
  char *check;      /* check name, or the error type */
  char *location;   /* normalised location ("$.error", "status 2xx", "header X-Y", "") */
  char *summary;    /* "error_shape $.error missing" */
  char *expected;   /* of the representative case */
  char *actual;     /* of the representative case */
  char *context;    /* what was there (or NULL) */
  bool error;       /* grouped errors (could not run), not failed checks */
  bool accepted;    /* listed in the --baseline file */
  size_t n_cases;   /* cases with this cause */
  char **scenarios; /* distinct scenario names, in first-seen order */
  size_t n_scenarios;
  char **faults; /* distinct fault names, in first-seen order */
  size_t n_faults;
  char **cases; /* the first GT_FINDING_CASES_KEPT case names */
  size_t n_cases_kept;
  /* the representative exchange: the first case seen with this cause */
  char *example; /* case name */
  char *example_message, *example_detail, *example_exchange, *example_repro;
  int line, col;  /* of the representative case's scenario */
  int fault_line; /* of its fault in `faults:` (0: none) */
} gt_finding;

#define GT_FINDING_CASES_KEPT 50

typedef struct gt_findings gt_findings;

gt_findings *gt_findings_new(void); /* freed by gt_findings_free */
void gt_findings_free(gt_findings *f);
/* Adds a case: nothing for passed/skipped ones. Returns true when the case
 * brought a cause not seen before (the console prints such a case in full). */
bool gt_findings_add(gt_findings *f, const gt_case_result *r);
/* The ids of the findings the last added case belongs to (valid until the
 * next add). */
size_t gt_findings_last_ids(const gt_findings *f, const char (**ids)[12]);
/* Sorted worst first (more cases, then more scenarios, errors before
 * failures, then by id); the pointer is valid until the next add. */
size_t gt_findings_count(const gt_findings *f);
const gt_finding *gt_findings_get(gt_findings *f, size_t i);
/* Cases that failed or errored (each counted once). */
size_t gt_findings_failed_cases(const gt_findings *f);
/* Findings not accepted by the baseline (a run fails on these). */
size_t gt_findings_new_count(gt_findings *f);
/* Marks the findings listed in a baseline file (--baseline). false with err
 * (FILE:LINE: message, GT_ERR_USAGE) when it cannot be read or a line is not
 * "ID [comment]". */
bool gt_findings_load_baseline(gt_findings *f, const char *path, gt_err *err);
/* Adds one id to the accepted set (the baseline loader calls it). */
void gt_findings_accept_id(gt_findings *f, const char *id);
/* true when id is in the loaded baseline (used before findings exist). */
bool gt_findings_baseline_has(const gt_findings *f, const char *id);
/* Writes every finding's id and summary to path atomically (--write-baseline). */
bool gt_findings_write_baseline(gt_findings *f, const char *path, gt_err *err);
/* The findings of one suite as JUnit properties "finding.<id>" = "<summary> —
 * N cases across M scenarios (e.g. CASE)[; accepted]" plus "findings" = count.
 * Fills props (freed with gt_properties_free) and returns their number. */
size_t gt_findings_properties(gt_findings *f, const char *suite, gt_property **props);
void gt_properties_free(gt_property *props, size_t n); /* names and values too */
/* One line: "error_shape $.error missing — 38 cases across 9 scenarios (e.g.
 * list apps [unauthenticated])". Caller frees. */
char *gt_finding_line(const gt_finding *x);

bool gt_report_make_parent_dirs(const char *path, gt_err *err); /* mkdir -p of its folder */

/* A report file being written (report_file.c). The text goes to
 * "<path>.tmp.<pid>", is synced and renamed onto path by commit, so an
 * interrupted run never leaves half a report under the real name; the
 * directories are created. A path that exists and is not a regular file
 * (/dev/null, /dev/stdout, a FIFO) is written in place instead: renaming
 * onto it would replace the device with a regular file (as root, /dev/null). */
typedef struct gt_report_file {
  FILE *fp;   /* write here */
  char *path; /* owned */
  char *tmp;  /* owned; NULL when written in place */
} gt_report_file;
bool gt_report_file_open(gt_report_file *f, const char *path, gt_err *err);
/* Flushes, syncs, closes and renames into place; on failure removes the
 * temporary. f is empty afterwards either way. */
bool gt_report_file_commit(gt_report_file *f, gt_err *err);
void gt_report_file_discard(gt_report_file *f); /* closes, removes the temporary */

/* Writes path as a gt_report_file; "-" is stdout. Used by the report writers
 * that build their text at the end; write is called with the open FILE. */
bool gt_report_write_atomic(const char *path, bool (*write)(FILE *out, void *ud), void *ud,
                            gt_err *err);

/* s as valid UTF-8 (bytes of invalid sequences written as the text "\xNN"),
 * for formats that require it (JSON, SARIF, HTML). Caller frees; NULL -> "". */
char *gt_report_utf8(const char *s);
/* cJSON string node of gt_report_utf8(s) (NULL s -> JSON null). */
struct cJSON *gt_report_json_str(const char *s);

/* ---- the run as a whole, for the reports written at its end ---- */
typedef struct gt_run_totals {
  unsigned long long seed;
  double elapsed;      /* seconds, wall clock */
  bool interrupted;    /* SIGINT/SIGTERM: the reports hold the finished cases */
  const char *stopped; /* why the run stopped early, or NULL */
  size_t total, passed, failed, errors, skipped;
} gt_run_totals;

/* ---- JSON report (json_report.c; docs/reports.md "JSON", schema in
 * docs/report.schema.json): cases stream to a spool, the document is
 * assembled at close and written atomically. ---- */
typedef struct gt_json_report gt_json_report;

gt_json_report *gt_json_report_open(const char *path, gt_err *err);
void gt_json_report_suite(gt_json_report *j, const char *name, const char *file,
                          const gt_property *props, size_t n_props);
/* ids: the findings the case belongs to (gt_findings_last_ids). */
bool gt_json_report_case(gt_json_report *j, const gt_case_result *r, const char (*ids)[12],
                         size_t n_ids, gt_err *err);
/* The run's OpenAPI coverage (openapi.h gt_coverage_json), written as the
 * report's "coverage" member; j takes it. */
void gt_json_report_coverage(gt_json_report *j, struct cJSON *coverage);
bool gt_json_report_close(gt_json_report *j, gt_findings *f, const gt_run_totals *t,
                          gt_err *err); /* writes and frees */
void gt_json_report_abort(gt_json_report *j);

/* ---- SARIF 2.1.0 (sarif.c; docs/reports.md "SARIF"): one result per
 * finding, located at its scenario in the suite file; rules = checks and
 * faults. Written atomically. ---- */
bool gt_sarif_write(const char *path, gt_findings *f, const gt_run_totals *t, gt_err *err);

/* ---- TAP 14 (tap.c; docs/reports.md "TAP"): FILE or "-" (stdout) ---- */
typedef struct gt_tap gt_tap;
gt_tap *gt_tap_open(const char *path, gt_err *err);
void gt_tap_suite(gt_tap *t, const char *name, const char *file); /* a comment line */
bool gt_tap_case(gt_tap *t, const gt_case_result *r, const char (*ids)[12], size_t n_ids,
                 gt_err *err);
/* The plan and the findings (as comments); renames the file into place. */
bool gt_tap_close(gt_tap *t, gt_findings *f, gt_err *err);
void gt_tap_abort(gt_tap *t);

/* ---- HTML (html.c; docs/reports.md "HTML"): one self-contained file ---- */
typedef struct gt_html gt_html;
gt_html *gt_html_open(const char *path, gt_err *err);
bool gt_html_case(gt_html *h, const gt_case_result *r, const char (*ids)[12], size_t n_ids,
                  gt_err *err);
bool gt_html_close(gt_html *h, gt_findings *f, const gt_run_totals *t, gt_err *err);
void gt_html_abort(gt_html *h);

/* ---- serve's client audit as HTML (html_audit.c; docs/serve.md "Reports"):
 * the same look, one block per audited request, streamed to a spool ---- */
typedef struct gt_audit_html gt_audit_html;
/* Requests that conformed (no rule, nothing injected, no retry) written in
 * full; later ones are only counted (the JUnit report has them all). */
#define GT_AUDIT_HTML_PASSED_CAP 10000
typedef struct gt_audit_entry {
  size_t seq;                /* #N, arrival order */
  const char *method, *path; /* path redacted */
  const char *suite;         /* the suite that answered, or "serve" */
  const char *route;         /* "POST /v1/apps/${app_id}/build", or NULL: not routed */
  int status;                /* answered status, 0: reset */
  bool failed;               /* broke a rule that fails the client (not only notes) */
  const char *const *rules;  /* names of the rules broken, notes included */
  size_t n_rules;
  const char *failures; /* "rule: detail" lines of the failures, or NULL */
  const char *injected; /* the --inject item that answered, or NULL */
  int retry_after;      /* seconds announced, 0 none */
  size_t retry_seq;     /* injected: the request that retried it, 0 none */
  double retry_delay;   /* seconds from this answer to that retry */
  size_t retry_of;      /* a retry of this request's #N, 0 none */
  unsigned attempt;
  double time;          /* seconds from arrival to answer */
  const char *exchange; /* the request and the answer as text, redacted */
} gt_audit_entry;
typedef struct gt_audit_rule {
  const char *name, *doc;
  bool note;
  size_t requests;
} gt_audit_rule;
typedef struct gt_audit_route {
  const char *name;
  size_t requests, failed, injected, retried;
} gt_audit_route;
typedef struct gt_audit_summary {
  size_t requests, failed, injected, retried;
  double elapsed, inject_rate;
  unsigned long long seed;
  const gt_audit_rule *rules; /* every rule, in table order */
  size_t n_rules;
  const gt_audit_route *routes; /* routes with requests */
  size_t n_routes;
  const char *retries; /* the retry statistics as lines of text */
} gt_audit_summary;
gt_audit_html *gt_audit_html_open(const char *path, gt_err *err);
bool gt_audit_html_entry(gt_audit_html *h, const gt_audit_entry *e, gt_err *err);
/* Writes the page (summary, rules, routes, retries, the spooled requests)
 * atomically; frees h. */
bool gt_audit_html_close(gt_audit_html *h, const gt_audit_summary *s, gt_err *err);
void gt_audit_html_abort(gt_audit_html *h);

/* ---- GitHub Actions (github.c; docs/reports.md "GitHub Actions") ---- */
/* `::error file=..,line=..,col=..,title=..::..` per finding, worst first (an
 * accepted one as ::notice), at most cap, then one ::warning saying how many
 * were left out. */
void gt_github_annotations(FILE *out, gt_findings *f, size_t cap);
/* Appends a Markdown summary (totals, findings table) to path
 * ($GITHUB_STEP_SUMMARY). */
bool gt_github_step_summary(const char *path, gt_findings *f, const gt_run_totals *t, gt_err *err);
#define GT_GITHUB_ANNOTATIONS_CAP 10

/* ---- console ---- */
typedef struct gt_console_opts {
  FILE *out;     /* stdout normally */
  bool color;    /* resolved from --color and isatty */
  bool progress; /* one updating progress line (TTY only) */
  bool quiet;    /* only the summary */
  bool verbose;  /* print system_out of every case */
  bool condense; /* print a failed case in full only when it brings a new cause */
} gt_console_opts;

typedef struct gt_console gt_console;

gt_console *gt_console_new(const gt_console_opts *o);
void gt_console_free(gt_console *c);
void gt_console_set_total(gt_console *c, size_t total);
void gt_console_case(gt_console *c, const gt_case_result *r);
/* The same, saying whether the case brought a cause not seen before
 * (gt_findings_add): with opts.condense, others are only counted. */
void gt_console_case_cause(gt_console *c, const gt_case_result *r, bool new_cause);
/* One line printed above the summary, even with --quiet (clears the progress line). */
void gt_console_note(gt_console *c, const char *line);
/* Prints the findings, worst first, above the summary (even with --quiet):
 * "N findings in M failed cases:" and one line each. */
void gt_console_findings(gt_console *c, gt_findings *f);
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
