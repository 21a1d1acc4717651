/* junit.c — the JUnit XML writer (docs/ci.md, "Reports"), streaming with flat memory.
 *
 * Counts and times are attributes of the opening tags, known only at the
 * end, while cases must not be kept in memory. So each suite's cases go to a
 * spool (tmpfile) as they come; at suite end the <testsuite> tag is written
 * to a second spool holding the finished suites, followed by a copy of the
 * case spool. At close the document gets its <testsuites> tag with the
 * totals and a copy of the suites. It is "<path>.tmp.<pid>" until close
 * renames it onto path, so an interrupted or crashed run never leaves half a
 * report under the real name. */
#include "report.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../core/buf.h"

typedef struct counts {
  unsigned long long tests, failures, errors, skipped;
  double time;
} counts;

struct gt_junit {
  gt_report_file doc; /* the document, written at close (doc.fp NULL until opened) */
  char *name;         /* owned: the <testsuites> name */
  FILE *suites;       /* owned tmpfile: finished <testsuite> elements */
  counts total;
  /* the open suite, if any */
  FILE *spool;             /* owned tmpfile while a suite is open */
  char *suite_name;        /* owned */
  char timestamp[32];      /* suite start, UTC */
  struct timespec started; /* suite start, monotonic */
  counts suite;
  gt_buf props; /* the open suite's <property> elements, written at suite end */
};

static bool io_error(gt_err *err, const char *what, const char *path) {
  return gt_err_set(err, GT_ERR_RUNTIME, path, 0, 0, "%s: %s", what, strerror(errno));
}

static void attr(FILE *f, const char *name, const char *value) {
  fprintf(f, " %s=\"", name);
  if (value) gt_xml_escape(f, value, strlen(value), true, 0);
  fputc('"', f);
}

static void time_attr(FILE *f, double seconds) {
  char t[32];
  gt_format_decimal(t, seconds, 3);
  fprintf(f, " time=\"%s\"", t);
}

/* Creates path's directories and opens the temporary document. */
static bool open_document(gt_junit *j, const char *path, gt_err *err) {
  if (!path || !*path) return gt_err_set(err, GT_ERR_USAGE, NULL, 0, 0, "empty JUnit report path");
  if (!gt_report_make_parent_dirs(path, err)) return false;
  return gt_report_file_open(&j->doc, path, err);
}

gt_junit *gt_junit_open(const char *path, const char *name, gt_err *err) {
  if (path && !*path) {
    gt_err_set(err, GT_ERR_USAGE, NULL, 0, 0, "empty JUnit report path");
    return NULL;
  }
  gt_junit *j = gt_xcalloc(1, sizeof *j); /* freed by gt_junit_close / gt_junit_abort */
  j->name = gt_xstrdup(name ? name : "gauntlet");
  gt_buf_init(&j->props);
  /* Opened now so an unwritable location fails before anything is sent. */
  if (path && !open_document(j, path, err)) {
    gt_junit_abort(j);
    return NULL;
  }
  j->suites = tmpfile();
  if (!j->suites) {
    io_error(err, "cannot create spool file for report", NULL);
    gt_junit_abort(j);
    return NULL;
  }
  return j;
}

static void utc_timestamp(char out[32]) {
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm); /* numeric fields: locale-free */
}

bool gt_junit_suite_begin(gt_junit *j, const char *suite_name, const gt_property *props,
                          size_t n_props, gt_err *err) {
  if (j->spool && !gt_junit_suite_end(j, err)) return false;
  j->spool = tmpfile();
  if (!j->spool) return io_error(err, "cannot create spool file for report", NULL);
  j->suite_name = gt_xstrdup(suite_name ? suite_name : "");
  j->suite = (counts){0};
  utc_timestamp(j->timestamp);
  clock_gettime(CLOCK_MONOTONIC, &j->started);
  gt_buf_reset(&j->props);
  gt_junit_suite_properties(j, props, n_props);
  return true;
}

void gt_junit_suite_properties(gt_junit *j, const gt_property *props, size_t n_props) {
  if (n_props == 0) return;
  char *text = NULL;
  size_t len = 0;
  FILE *m = open_memstream(&text, &len); /* attr() escapes to a FILE */
  if (!m) gt_oom();
  for (size_t i = 0; i < n_props; i++) {
    fputs("      <property", m);
    attr(m, "name", props[i].name);
    attr(m, "value", props[i].value);
    fputs("/>\n", m);
  }
  fclose(m);
  gt_buf_add(&j->props, text, len);
  free(text);
}

/* A one-line message attribute: CR/LF/tab become spaces, capped at
 * GT_REPORT_MESSAGE_CAP bytes on a UTF-8 boundary. */
static void message_attr(FILE *f, const char *msg) {
  if (!msg) msg = "";
  size_t len = strlen(msg);
  bool cut = len > GT_REPORT_MESSAGE_CAP;
  if (cut) {
    len = GT_REPORT_MESSAGE_CAP;
    for (int k = 0; k < 3 && len > 0 && ((unsigned char)msg[len] & 0xC0) == 0x80; k++)
      len--;
  }
  char line[GT_REPORT_MESSAGE_CAP + 4];
  for (size_t i = 0; i < len; i++)
    line[i] = (msg[i] == '\r' || msg[i] == '\n' || msg[i] == '\t') ? ' ' : msg[i];
  if (cut) memcpy(line + len, "...", 3), len += 3;
  fputs(" message=\"", f);
  gt_xml_escape(f, line, len, true, 0);
  fputc('"', f);
}

static void text(FILE *f, const char *s) {
  if (s) gt_xml_escape(f, s, strlen(s), false, GT_REPORT_OUTPUT_CAP);
}

bool gt_junit_case(gt_junit *j, const gt_case_result *r, gt_err *err) {
  if (!j->spool)
    return gt_err_set(err, GT_ERR_RUNTIME, NULL, 0, 0, "JUnit case written outside a suite");
  FILE *f = j->spool;
  fputs("    <testcase", f);
  attr(f, "name", r->name ? r->name : "");
  attr(f, "classname", r->classname ? r->classname : j->suite_name);
  time_attr(f, r->time);
  bool has_out = (r->system_out && *r->system_out) || (r->repro && *r->repro);
  const char *tag = r->kind == GT_RESULT_FAIL    ? "failure"
                    : r->kind == GT_RESULT_ERROR ? "error"
                    : r->kind == GT_RESULT_SKIP  ? "skipped"
                                                 : NULL;
  if (!tag && !has_out) {
    fputs("/>\n", f);
  } else {
    fputs(">\n", f);
    if (tag) {
      fprintf(f, "      <%s", tag);
      message_attr(f, r->message);
      if (r->type && *r->type)
        attr(f, "type", r->type);
      else if (r->kind != GT_RESULT_SKIP)
        attr(f, "type", tag);
      /* The body lists every failed check; for an error or skip without
       * detail the message is all there is, and it is already the attribute. */
      if (r->detail && *r->detail) {
        fputc('>', f);
        text(f, r->detail);
        fprintf(f, "</%s>\n", tag);
      } else if (r->kind == GT_RESULT_FAIL && r->message && *r->message) {
        fputc('>', f);
        text(f, r->message);
        fprintf(f, "</%s>\n", tag);
      } else {
        fputs("/>\n", f);
      }
    }
    if (has_out) {
      fputs("      <system-out>", f);
      if (r->repro && *r->repro) {
        fputs("Reproduce with:\n", f);
        text(f, r->repro);
        fputs("\n\n", f);
      }
      text(f, r->system_out);
      fputs("</system-out>\n", f);
    }
    fputs("    </testcase>\n", f);
  }
  if (ferror(f)) return io_error(err, "cannot write report spool", NULL);
  j->suite.tests++;
  j->suite.failures += r->kind == GT_RESULT_FAIL;
  j->suite.errors += r->kind == GT_RESULT_ERROR;
  j->suite.skipped += r->kind == GT_RESULT_SKIP;
  return true;
}

static bool copy_spool(FILE *from, FILE *to, gt_err *err) {
  if (fflush(from) != 0 || fseek(from, 0, SEEK_SET) != 0)
    return io_error(err, "cannot read report spool", NULL);
  char chunk[16384];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, from)) > 0)
    fwrite(chunk, 1, n, to);
  if (ferror(from)) return io_error(err, "cannot read report spool", NULL);
  return true;
}

static void hostname(char out[256]) {
  if (gethostname(out, 255) != 0) strcpy(out, "localhost");
  out[255] = 0;
}

bool gt_junit_suite_end(gt_junit *j, gt_err *err) {
  if (!j->spool) return true;
  FILE *d = j->suites;
  /* Wall-clock time of the suite, not the sum of its cases: cases run
   * concurrently (--jobs), and the sum would overstate the duration. */
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  j->suite.time =
      (double)(now.tv_sec - j->started.tv_sec) + (double)(now.tv_nsec - j->started.tv_nsec) / 1e9;
  char host[256];
  hostname(host);
  fputs("  <testsuite", d);
  attr(d, "name", j->suite_name);
  fprintf(d, " tests=\"%llu\" failures=\"%llu\" errors=\"%llu\" skipped=\"%llu\"", j->suite.tests,
          j->suite.failures, j->suite.errors, j->suite.skipped);
  time_attr(d, j->suite.time);
  attr(d, "timestamp", j->timestamp);
  attr(d, "hostname", host);
  fputs(">\n", d);
  if (j->props.len) { /* properties first, as consumers expect */
    fputs("    <properties>\n", d);
    fwrite(j->props.data, 1, j->props.len, d);
    fputs("    </properties>\n", d);
  }
  gt_buf_reset(&j->props);
  bool ok = true;
  if (fflush(j->spool) != 0 || fseek(j->spool, 0, SEEK_SET) != 0) {
    ok = io_error(err, "cannot read report spool", NULL);
  } else {
    char chunk[16384];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, j->spool)) > 0)
      fwrite(chunk, 1, n, d);
    if (ferror(j->spool)) ok = io_error(err, "cannot read report spool", NULL);
  }
  fputs("  </testsuite>\n", d);
  if (ok && ferror(d)) ok = io_error(err, "cannot write report spool", NULL);
  j->total.tests += j->suite.tests;
  j->total.failures += j->suite.failures;
  j->total.errors += j->suite.errors;
  j->total.skipped += j->suite.skipped;
  j->total.time += j->suite.time;
  fclose(j->spool); /* a tmpfile disappears on close */
  j->spool = NULL;
  free(j->suite_name);
  j->suite_name = NULL;
  return ok;
}

static bool finish_document(gt_junit *j, gt_err *err) {
  FILE *d = j->doc.fp;
  fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", d);
  attr(d, "name", j->name);
  fprintf(d, " tests=\"%llu\" failures=\"%llu\" errors=\"%llu\"", j->total.tests, j->total.failures,
          j->total.errors);
  time_attr(d, j->total.time);
  fputs(">\n", d);
  if (!copy_spool(j->suites, d, err)) return false;
  fputs("</testsuites>\n", d);
  return true; /* flushed and synced by gt_report_file_commit */
}

bool gt_junit_close(gt_junit *j, gt_err *err) {
  return gt_junit_close_as(j, NULL, err);
}

bool gt_junit_close_as(gt_junit *j, const char *path, gt_err *err) {
  if (!j) return true;
  bool ok = true;
  if (!j->doc.fp) {
    ok = path ? open_document(j, path, err)
              : gt_err_set(err, GT_ERR_USAGE, NULL, 0, 0, "no JUnit report path");
    if (!ok) {
      gt_junit_abort(j);
      return false;
    }
  }
  ok = gt_junit_suite_end(j, err) && finish_document(j, err);
  if (ok)
    ok = gt_report_file_commit(&j->doc, err);
  else
    gt_report_file_discard(&j->doc);
  fclose(j->suites);
  gt_buf_free(&j->props);
  free(j->name), free(j);
  return ok;
}

void gt_junit_abort(gt_junit *j) {
  if (!j) return;
  if (j->spool) fclose(j->spool);
  if (j->suites) fclose(j->suites);
  gt_report_file_discard(&j->doc);
  gt_buf_free(&j->props);
  free(j->suite_name), free(j->name), free(j);
}
