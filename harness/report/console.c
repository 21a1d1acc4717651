/* console.c — the human-facing reporter (docs/ci.md, "Console").
 *
 * One progress line rewritten in place on a terminal; a block per failure or
 * error (case id, message, every failed check, the repro curl command); a
 * summary whose last line CI scripts parse:
 *   gauntlet: 12 passed, 1 failed, 3 skipped
 * (matching ^(\w+: )?N passed, N failed(, N skipped)?$; errors count as
 * failed there, and are detailed on the line before). That last line is never
 * coloured, so the pattern matches even with --color always. */
#include "report.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/buf.h"

#define RED "\033[31m"
#define BOLD_RED "\033[1;31m"
#define YELLOW "\033[33m"
#define GREEN "\033[32m"
#define DIM "\033[2m"
#define RESET "\033[0m"
#define CLEAR_LINE "\r\033[K"

/* Redraw at most this often: a fast run would otherwise spend its time
 * writing to the terminal. */
#define PROGRESS_INTERVAL_NS 100000000LL

struct gt_console {
  gt_console_opts o;
  size_t total, done;
  unsigned long long passed, failed, errors, skipped;
  struct timespec started, last_draw;
  bool progress_shown;          /* a progress line is on screen and must be cleared */
  unsigned long long condensed; /* failed cases not printed: their cause was shown */
};

static long long ns_between(const struct timespec *a, const struct timespec *b) {
  return (long long)(b->tv_sec - a->tv_sec) * 1000000000LL + (b->tv_nsec - a->tv_nsec);
}

gt_console *gt_console_new(const gt_console_opts *o) {
  gt_console *c = gt_xcalloc(1, sizeof *c); /* freed by gt_console_free */
  c->o = *o;
  if (!c->o.out) c->o.out = stdout;
  clock_gettime(CLOCK_MONOTONIC, &c->started);
  return c;
}

void gt_console_free(gt_console *c) {
  free(c);
}

void gt_console_set_total(gt_console *c, size_t total) {
  c->total = total;
}

static const char *col(const gt_console *c, const char *code) {
  return c->o.color ? code : "";
}

static void clear_progress(gt_console *c) {
  if (!c->progress_shown) return;
  fputs(CLEAR_LINE, c->o.out);
  c->progress_shown = false;
}

static void draw_progress(gt_console *c, bool force) {
  if (!c->o.progress || c->o.quiet) return;
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  if (!force && c->progress_shown && ns_between(&c->last_draw, &now) < PROGRESS_INTERVAL_NS &&
      c->done != c->total)
    return;
  c->last_draw = now;
  double secs = (double)ns_between(&c->started, &now) / 1e9;
  char rate[32];
  gt_format_decimal(rate, secs > 0 ? (double)c->done / secs : 0, 1);
  FILE *f = c->o.out;
  fputs(CLEAR_LINE, f);
  if (c->total)
    fprintf(f, "[%zu/%zu]", c->done, c->total);
  else
    fprintf(f, "[%zu]", c->done);
  unsigned long long bad = c->failed + c->errors;
  fprintf(f, " %s%llu failed%s, %s cases/s", bad ? col(c, RED) : "", bad, bad ? col(c, RESET) : "",
          rate);
  fflush(f);
  c->progress_shown = true;
}

/* Writes text with every line prefixed by indent (and dimmed with colour). */
static void indented(gt_console *c, const char *text, const char *indent) {
  if (!text || !*text) return;
  FILE *f = c->o.out;
  const char *p = text;
  while (*p) {
    const char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p) : strlen(p);
    if (n && p[n - 1] == '\r') n--;
    fprintf(f, "%s%s%.*s%s\n", indent, col(c, DIM), (int)n, p, col(c, RESET));
    if (!nl) break;
    p = nl + 1;
  }
}

static void case_id(gt_console *c, const gt_case_result *r) {
  fprintf(c->o.out, "%s \xe2\x80\xba %s", r->classname ? r->classname : "", r->name ? r->name : "");
}

static void print_block(gt_console *c, const gt_case_result *r) {
  FILE *f = c->o.out;
  const char *label, *colour;
  switch (r->kind) {
  case GT_RESULT_FAIL:
    label = "FAIL", colour = BOLD_RED;
    break;
  case GT_RESULT_ERROR:
    label = "ERROR", colour = YELLOW;
    break;
  case GT_RESULT_SKIP:
    label = "SKIP", colour = YELLOW;
    break;
  default:
    label = "ok", colour = GREEN;
    break;
  }
  fprintf(f, "%s%s%s ", col(c, colour), label, col(c, RESET));
  case_id(c, r);
  if (r->kind == GT_RESULT_PASS) {
    char t[32];
    gt_format_decimal(t, r->time, 3);
    fprintf(f, " %s(%ss)%s\n", col(c, DIM), t, col(c, RESET));
  } else {
    fputc('\n', f);
    if (r->message && *r->message) {
      /* the message is one line by contract; keep it so if it is not */
      fputs("  ", f);
      for (const char *p = r->message; *p; p++)
        fputc(*p == '\n' || *p == '\r' ? ' ' : *p, f);
      fputc('\n', f);
    }
    indented(c, r->detail, "    ");
    if (r->repro && *r->repro && r->kind != GT_RESULT_SKIP) {
      fputs("  reproduce:\n", f);
      indented(c, r->repro, "    ");
    }
  }
  if (c->o.verbose && r->system_out && *r->system_out) {
    fputs("  output:\n", f);
    indented(c, r->system_out, "    ");
  }
}

void gt_console_case(gt_console *c, const gt_case_result *r) {
  gt_console_case_cause(c, r, true);
}

void gt_console_case_cause(gt_console *c, const gt_case_result *r, bool new_cause) {
  c->done++;
  switch (r->kind) {
  case GT_RESULT_PASS:
    c->passed++;
    break;
  case GT_RESULT_FAIL:
    c->failed++;
    break;
  case GT_RESULT_ERROR:
    c->errors++;
    break;
  case GT_RESULT_SKIP:
    c->skipped++;
    break;
  }
  bool bad = r->kind == GT_RESULT_FAIL || r->kind == GT_RESULT_ERROR;
  /* Without --verbose a failure is printed in full once per cause; the
   * findings at the end count the rest. */
  bool shown_cause = bad && c->o.condense && !new_cause && !c->o.verbose;
  if (shown_cause && !c->o.quiet) c->condensed++;
  bool show = !c->o.quiet && ((bad && !shown_cause) || c->o.verbose);
  if (show) {
    clear_progress(c);
    print_block(c, r);
  }
  draw_progress(c, show);
}

void gt_console_note(gt_console *c, const char *line) {
  clear_progress(c);
  fprintf(c->o.out, "%s\n", line);
}

void gt_console_findings(gt_console *c, gt_findings *f) {
  FILE *out = c->o.out;
  clear_progress(c);
  size_t n = gt_findings_count(f);
  if (!n) return;
  size_t failed = gt_findings_failed_cases(f), accepted = n - gt_findings_new_count(f);
  if (c->condensed)
    fprintf(out, "(%llu more failed case%s with a cause shown above: --verbose prints each)\n",
            c->condensed, c->condensed == 1 ? "" : "s");
  fprintf(out, "%s%zu finding%s%s in %zu failed case%s", col(c, BOLD_RED), n, n == 1 ? "" : "s",
          col(c, RESET), failed, failed == 1 ? "" : "s");
  if (accepted) fprintf(out, " (%zu accepted in the baseline)", accepted);
  fputs(":\n", out);
  for (size_t i = 0; i < n; i++) {
    const gt_finding *x = gt_findings_get(f, i);
    char *line = gt_finding_line(x);
    fprintf(out, "  %s%s%s %s%s\n", col(c, DIM), x->id, col(c, RESET), line,
            x->accepted ? " [accepted]" : "");
    free(line);
  }
}

void gt_console_summary(gt_console *c, unsigned long long seed, const char *junit_path,
                        double elapsed) {
  FILE *f = c->o.out;
  clear_progress(c);
  char t[32];
  gt_format_decimal(t, elapsed, 3);
  fprintf(f, "%llu error%s in %ss (seed %llu)", c->errors, c->errors == 1 ? "" : "s", t, seed);
  if (junit_path && *junit_path) fprintf(f, " \xe2\x80\x94 report: %s", junit_path);
  fputc('\n', f);
  fprintf(f, "gauntlet: %llu passed, %llu failed, %llu skipped\n", c->passed, c->failed + c->errors,
          c->skipped);
  fflush(f);
}
