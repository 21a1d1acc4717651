/* tap.c — `--tap FILE|-`: TAP version 14 (docs/reports.md "TAP") for the TAP
 * ecosystem: one test point per case as it finishes, YAML diagnostics under
 * each failure, the plan at the end (TAP allows a trailing plan, and the
 * number of cases is only final then), the findings as comments. To a file it
 * streams into "<path>.tmp.<pid>", renamed into place at close (an
 * interrupted run still gets a complete document: the runner reports every
 * case it did not finish as skipped). "-" streams to stdout. */
#include "report.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/buf.h"

struct gt_tap {
  FILE *out;           /* file.fp, or stdout */
  gt_report_file file; /* empty for stdout */
  size_t n;
};

static bool io_error(gt_err *err, const char *what, const char *path) {
  return gt_err_set(err, GT_ERR_RUNTIME, path, 0, 0, "%s: %s", what, strerror(errno));
}

/* A description on one line, '#' and '\' escaped as TAP 14 requires. */
static void description(FILE *f, const char *s) {
  for (; s && *s; s++) {
    if (*s == '#' || *s == '\\') fputc('\\', f);
    fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
  }
}

/* A YAML scalar: a JSON string is a valid YAML 1.2 double-quoted scalar. */
static void yaml_str(FILE *f, const char *s) {
  char *v = gt_report_utf8(s ? s : "");
  cJSON *n = cJSON_CreateString(v);
  char *text = cJSON_PrintUnformatted(n);
  if (!text) gt_oom();
  fputs(text, f);
  free(text);
  cJSON_Delete(n);
  free(v);
}

static void yaml_field(FILE *f, const char *indent, const char *key, const char *value) {
  if (!value) return;
  fprintf(f, "%s%s: ", indent, key);
  yaml_str(f, value);
  fputc('\n', f);
}

gt_tap *gt_tap_open(const char *path, gt_err *err) {
  if (!path || !*path) {
    gt_err_set(err, GT_ERR_USAGE, NULL, 0, 0, "empty --tap path");
    return NULL;
  }
  gt_tap *t = gt_xcalloc(1, sizeof *t); /* freed by gt_tap_close / gt_tap_abort */
  if (!strcmp(path, "-")) {
    t->out = stdout;
  } else {
    if (!gt_report_file_open(&t->file, path, err)) {
      free(t);
      return NULL;
    }
    t->out = t->file.fp;
  }
  fputs("TAP version 14\n", t->out);
  return t;
}

void gt_tap_suite(gt_tap *t, const char *name, const char *file) {
  fputs("# suite ", t->out);
  description(t->out, name);
  if (file) {
    fputs(" (", t->out);
    description(t->out, file);
    fputc(')', t->out);
  }
  fputc('\n', t->out);
}

bool gt_tap_case(gt_tap *t, const gt_case_result *r, const char (*ids)[12], size_t n_ids,
                 gt_err *err) {
  FILE *f = t->out;
  t->n++;
  bool bad = r->kind == GT_RESULT_FAIL || r->kind == GT_RESULT_ERROR;
  fprintf(f, "%s %zu - ", bad ? "not ok" : "ok", t->n);
  description(f, r->classname);
  fputs(" \xe2\x80\xba ", f);
  description(f, r->name);
  if (r->kind == GT_RESULT_SKIP) {
    fputs(" # SKIP ", f);
    description(f, r->message ? r->message : "");
  }
  fputc('\n', f);
  if (bad) {
    fputs("  ---\n", f);
    yaml_field(f, "  ", "message", r->message ? r->message : "");
    yaml_field(f, "  ", "severity", r->kind == GT_RESULT_ERROR ? "error" : "fail");
    yaml_field(f, "  ", "scenario", r->scenario);
    yaml_field(f, "  ", "fault", r->fault);
    if (r->n_checks) {
      fputs("  failures:\n", f);
      for (size_t i = 0; i < r->n_checks; i++) {
        const gt_case_check *c = &r->checks[i];
        fputs("    - check: ", f);
        yaml_str(f, c->check);
        fputc('\n', f);
        yaml_field(f, "      ", "where", c->where);
        yaml_field(f, "      ", "expected", c->expected);
        yaml_field(f, "      ", "actual", c->actual);
        yaml_field(f, "      ", "there", c->context);
      }
    }
    if (n_ids) {
      fputs("  findings:", f);
      for (size_t i = 0; i < n_ids; i++)
        fprintf(f, " %s\"%s\"", i ? "," : "[", ids[i]);
      fputs("]\n", f);
    }
    if (r->suite_file) {
      fputs("  at:\n", f);
      yaml_field(f, "    ", "file", r->suite_file);
      fprintf(f, "    line: %d\n    column: %d\n", r->line, r->col);
    }
    if (r->status) fprintf(f, "  status: %d\n", r->status);
    yaml_field(f, "  ", "request", r->url ? r->url : NULL);
    yaml_field(f, "  ", "repro", r->repro);
    fputs("  ...\n", f);
  }
  if (ferror(f)) return io_error(err, "cannot write report", t->file.path ? t->file.path : "-");
  return true;
}

static void tap_free(gt_tap *t) {
  gt_report_file_discard(&t->file); /* nothing left to discard after a commit */
  free(t);
}

bool gt_tap_close(gt_tap *t, gt_findings *fs, gt_err *err) {
  if (!t) return true;
  FILE *f = t->out;
  fprintf(f, "1..%zu\n", t->n);
  size_t n = gt_findings_count(fs);
  if (n) {
    fprintf(f, "# %zu finding%s in %zu failed case%s\n", n, n == 1 ? "" : "s",
            gt_findings_failed_cases(fs), gt_findings_failed_cases(fs) == 1 ? "" : "s");
    for (size_t i = 0; i < n; i++) {
      const gt_finding *x = gt_findings_get(fs, i);
      char *line = gt_finding_line(x);
      fprintf(f, "# %s ", x->id);
      description(f, line);
      fputs(x->accepted ? " [accepted]\n" : "\n", f);
      free(line);
    }
  }
  bool ok = true;
  if (fflush(f) != 0 || ferror(f))
    ok = io_error(err, "cannot write report", t->file.path ? t->file.path : "-");
  if (t->file.fp && ok) ok = gt_report_file_commit(&t->file, err); /* else discarded below */
  tap_free(t);
  return ok;
}

void gt_tap_abort(gt_tap *t) {
  if (!t) return;
  tap_free(t);
}
