/* github.c — GitHub Actions output (docs/reports.md "GitHub Actions"):
 * workflow-command annotations for findings, so each shows on the suite
 * line that states the broken rule, and a Markdown job summary appended to
 * $GITHUB_STEP_SUMMARY. */
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/buf.h"

/* Workflow-command escaping: data escapes % CR LF; a property value also
 * ':' and ','. */
static void escaped(FILE *f, const char *s, bool property) {
  for (; s && *s; s++) {
    switch (*s) {
    case '%':
      fputs("%25", f);
      break;
    case '\r':
      fputs("%0D", f);
      break;
    case '\n':
      fputs("%0A", f);
      break;
    case ':':
      fputs(property ? "%3A" : ":", f);
      break;
    case ',':
      fputs(property ? "%2C" : ",", f);
      break;
    default:
      fputc(*s, f);
    }
  }
}

void gt_github_annotations(FILE *out, gt_findings *f, size_t cap) {
  size_t n = gt_findings_count(f), shown = 0;
  for (size_t i = 0; i < n && shown < cap; i++, shown++) {
    const gt_finding *x = gt_findings_get(f, i);
    /* accepted findings are reported, not failures: a notice */
    fputs(x->accepted ? "::notice " : "::error ", out);
    if (x->suite_file) {
      fputs("file=", out);
      escaped(out, x->suite_file, true);
      if (x->line > 0) fprintf(out, ",line=%d", x->line);
      if (x->col > 0) fprintf(out, ",col=%d", x->col);
      fputc(',', out);
    }
    fputs("title=", out);
    char *title = gt_xasprintf("gauntlet %s: %s", x->id, x->summary);
    escaped(out, title, true);
    free(title);
    fputs("::", out);
    char *line = gt_finding_line(x);
    gt_buf msg;
    gt_buf_init(&msg);
    gt_buf_printf(&msg, "%s: %s", x->suite, line);
    if (x->context) gt_buf_printf(&msg, "\nthere: %s", x->context);
    if (x->example_repro) gt_buf_printf(&msg, "\nreproduce: %s", x->example_repro);
    if (x->accepted) gt_buf_adds(&msg, "\n(accepted in the baseline)");
    escaped(out, msg.data, false);
    gt_buf_free(&msg);
    free(line);
    fputc('\n', out);
  }
  if (n > shown)
    fprintf(out,
            "::warning title=gauntlet::%zu more finding%s not annotated (at most %zu are); "
            "the job summary and the reports list every finding\n",
            n - shown, n - shown == 1 ? "" : "s", cap);
  fflush(out);
}

/* A Markdown table cell: one line, '|' escaped, code spans kept closed. */
static void cell(gt_buf *b, const char *s) {
  for (; s && *s; s++) {
    if (*s == '|')
      gt_buf_adds(b, "\\|");
    else if (*s == '\n' || *s == '\r')
      gt_buf_addc(b, ' ');
    else if (*s == '<')
      gt_buf_adds(b, "&lt;");
    else if (*s == '>')
      gt_buf_adds(b, "&gt;");
    else if (*s == '`')
      gt_buf_addc(b, '\'');
    else
      gt_buf_addc(b, *s);
  }
}

bool gt_github_step_summary(const char *path, gt_findings *f, const gt_run_totals *t, gt_err *err) {
  gt_buf b;
  gt_buf_init(&b);
  size_t n = gt_findings_count(f), accepted = n - gt_findings_new_count(f);
  gt_buf_printf(&b, "## gauntlet: %zu passed, %zu failed, %zu skipped\n\n", t->passed,
                t->failed + t->errors, t->skipped);
  if (t->interrupted || t->stopped) {
    gt_buf_adds(&b, "> **Stopped early:** ");
    cell(&b, t->stopped ? t->stopped : "interrupted");
    gt_buf_adds(&b, "\n\n");
  }
  gt_buf_printf(&b,
                "| cases | passed | failed | errors | skipped | findings | seed |\n"
                "|---:|---:|---:|---:|---:|---:|---:|\n"
                "| %zu | %zu | %zu | %zu | %zu | %zu%s | %llu |\n\n",
                t->total, t->passed, t->failed, t->errors, t->skipped, n,
                accepted ? " (some accepted)" : "", t->seed);
  if (n) {
    gt_buf_printf(&b, "### %zu finding%s in %zu failed case%s%s\n\n", n, n == 1 ? "" : "s",
                  gt_findings_failed_cases(f), gt_findings_failed_cases(f) == 1 ? "" : "s",
                  accepted ? " (accepted ones marked)" : "");
    gt_buf_adds(&b, "| id | suite | finding | cases | scenarios | example | where |\n"
                    "|---|---|---|---:|---:|---|---|\n");
    for (size_t i = 0; i < n; i++) {
      const gt_finding *x = gt_findings_get(f, i);
      gt_buf_printf(&b, "| `%s`%s | ", x->id, x->accepted ? " (accepted)" : "");
      cell(&b, x->suite);
      gt_buf_adds(&b, " | ");
      cell(&b, x->summary);
      gt_buf_printf(&b, " | %zu | %zu | ", x->n_cases, x->n_scenarios);
      cell(&b, x->example);
      gt_buf_adds(&b, " | ");
      if (x->suite_file) {
        cell(&b, x->suite_file);
        if (x->line > 0) gt_buf_printf(&b, ":%d", x->line);
      }
      gt_buf_adds(&b, " |\n");
    }
    gt_buf_addc(&b, '\n');
  }
  /* GitHub appends the file's content to the job summary: append, in one
   * write, so a concurrent step's lines do not interleave with ours. */
  int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
  bool ok = fd >= 0;
  if (ok) {
    char *text = gt_report_utf8(b.data ? b.data : "");
    size_t len = strlen(text);
    ok = write(fd, text, len) == (ssize_t)len;
    free(text);
    if (close(fd) != 0) ok = false;
  }
  gt_buf_free(&b);
  if (!ok)
    return gt_err_set(err, GT_ERR_RUNTIME, path, 0, 0, "cannot write the job summary: %s",
                      strerror(errno));
  return true;
}
