/* baseline.c — accepted findings (--baseline FILE, --write-baseline FILE;
 * docs/reports.md "Baseline"). The file is text a team commits and reviews:
 * one finding per line, its id first, the rest of the line a comment that
 * says what it is; '#' lines and blank lines are ignored. */
#include "report.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"

static bool is_id(const char *s, size_t n) {
  if (n != 8) return false;
  for (size_t i = 0; i < n; i++)
    if (!isxdigit((unsigned char)s[i])) return false;
  return true;
}

bool gt_findings_load_baseline(gt_findings *f, const char *path, gt_err *err) {
  FILE *in = fopen(path, "r");
  if (!in)
    return gt_err_set(err, GT_ERR_USAGE, path, 0, 0, "cannot read baseline: %s", strerror(errno));
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  int lineno = 0;
  bool ok = true;
  while (ok && (len = getline(&line, &cap, in)) >= 0) {
    lineno++;
    const char *p = line;
    while (*p == ' ' || *p == '\t')
      p++;
    if (*p == '#' || *p == '\n' || *p == '\r' || *p == 0) continue;
    size_t n = strcspn(p, " \t\r\n");
    if (!is_id(p, n)) {
      ok = gt_err_set(err, GT_ERR_USAGE, path, lineno, (int)(p - line) + 1,
                      "expected a finding id (8 hex digits, as --write-baseline writes), got "
                      "'%.*s'",
                      (int)(n > 40 ? 40 : n), p);
      break;
    }
    char id[12];
    for (size_t i = 0; i < n; i++)
      id[i] = (char)tolower((unsigned char)p[i]);
    id[n] = 0;
    gt_findings_accept_id(f, id);
  }
  free(line);
  fclose(in);
  return ok;
}

static bool write_baseline(FILE *out, void *ud) {
  gt_findings *f = ud;
  fputs("# gauntlet baseline: accepted findings (written by gauntlet run --write-baseline).\n"
        "# One per line: the finding id, then what it is (a comment). A run given\n"
        "# --baseline with this file reports these findings but does not fail on them.\n",
        out);
  for (size_t i = 0; i < gt_findings_count(f); i++) {
    const gt_finding *x = gt_findings_get(f, i);
    char *line = gt_finding_line(x);
    /* one line whatever the summary holds */
    for (char *c = line; *c; c++)
      if (*c == '\n' || *c == '\r') *c = ' ';
    fprintf(out, "%s %s: %s\n", x->id, x->suite, line);
    free(line);
  }
  return !ferror(out);
}

bool gt_findings_write_baseline(gt_findings *f, const char *path, gt_err *err) {
  return gt_report_write_atomic(path, write_baseline, f, err);
}
