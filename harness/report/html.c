/* html.c — `--html FILE`: one self-contained HTML report (docs/reports.md
 * "HTML"): the summary, the findings, a matrix of scenarios x faults coloured
 * by outcome, and every case with its request, response, failed checks and
 * repro command. No network and no external asset (inline style and script,
 * and a Content-Security-Policy that forbids anything else); readable without
 * JavaScript — every section is plain HTML — and filterable with it (outcome,
 * fault, tag). Case blocks stream to a spool as cases finish; the matrix keeps
 * one cell per scenario and fault. Texts arrive redacted; everything is
 * HTML-escaped and made valid UTF-8. Written atomically at close. */
#include "report.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/buf.h"
#include "html_page.h"

enum { EXCHANGE_CAP = 16 * 1024 };

typedef struct cell {
  char *fault;
  unsigned counts[4]; /* by gt_result_kind */
  char anchor[16];    /* of the worst case in the cell */
  int worst;          /* rank: error 3, fail 2, pass 1, skip 0 */
} cell;

typedef struct row {
  char *suite, *scenario;
  cell *cells;
  size_t n_cells;
} row;

struct gt_html {
  char *path;
  FILE *cases; /* owned tmpfile: the case blocks */
  row *rows;
  size_t n_rows;
  char **faults; /* columns, first-seen order */
  size_t n_faults;
  char **tags;
  size_t n_tags;
  char started[32];
};

/* "c" + 8 hex digits of the case id: stable, usable as an id attribute. */
static void anchor_of(char out[16], const char *suite, const char *name) {
  uint32_t h = 2166136261u;
  for (const char *p = suite ? suite : ""; *p; p++)
    h = (h ^ (unsigned char)*p) * 16777619u;
  h = (h ^ 0x1f) * 16777619u;
  for (const char *p = name ? name : ""; *p; p++)
    h = (h ^ (unsigned char)*p) * 16777619u;
  snprintf(out, 16, "c%08x", h);
}

static const char *kind_name(gt_result_kind k) {
  return k == GT_RESULT_PASS    ? "pass"
         : k == GT_RESULT_FAIL  ? "fail"
         : k == GT_RESULT_ERROR ? "error"
                                : "skip";
}

static int rank(gt_result_kind k) {
  return k == GT_RESULT_ERROR ? 3 : k == GT_RESULT_FAIL ? 2 : k == GT_RESULT_PASS ? 1 : 0;
}

static void add_distinct(char ***v, size_t *n, const char *s) {
  for (size_t i = 0; i < *n; i++)
    if (!strcmp((*v)[i], s)) return;
  *v = gt_xrealloc(*v, (*n + 1) * sizeof **v);
  (*v)[(*n)++] = gt_xstrdup(s);
}

gt_html *gt_html_open(const char *path, gt_err *err) {
  gt_html *h = gt_xcalloc(1, sizeof *h); /* freed by close/abort */
  if (!gt_html_spool_open(path, &h->cases, &h->path, h->started, err)) {
    free(h);
    return NULL;
  }
  return h;
}

static cell *cell_for(gt_html *h, const char *suite, const char *scenario, const char *fault) {
  row *r = NULL;
  for (size_t i = 0; i < h->n_rows && !r; i++)
    if (!strcmp(h->rows[i].suite, suite) && !strcmp(h->rows[i].scenario, scenario)) r = &h->rows[i];
  if (!r) {
    h->rows = gt_xrealloc(h->rows, (h->n_rows + 1) * sizeof *h->rows);
    r = &h->rows[h->n_rows++];
    memset(r, 0, sizeof *r);
    r->suite = gt_xstrdup(suite);
    r->scenario = gt_xstrdup(scenario);
  }
  for (size_t i = 0; i < r->n_cells; i++)
    if (!strcmp(r->cells[i].fault, fault)) return &r->cells[i];
  r->cells = gt_xrealloc(r->cells, (r->n_cells + 1) * sizeof *r->cells);
  cell *c = &r->cells[r->n_cells++];
  memset(c, 0, sizeof *c);
  c->fault = gt_xstrdup(fault);
  c->worst = -1;
  add_distinct(&h->faults, &h->n_faults, fault);
  return c;
}

bool gt_html_case(gt_html *h, const gt_case_result *r, const char (*ids)[12], size_t n_ids,
                  gt_err *err) {
  const char *suite = r->classname ? r->classname : "";
  const char *scenario = r->scenario ? r->scenario : (r->name ? r->name : "");
  const char *fault = r->fault ? r->fault : "?";
  char anchor[16];
  anchor_of(anchor, suite, r->name);
  cell *c = cell_for(h, suite, scenario, fault);
  c->counts[r->kind]++;
  if (rank(r->kind) > c->worst) {
    c->worst = rank(r->kind);
    memcpy(c->anchor, anchor, sizeof anchor);
  }
  for (size_t i = 0; i < r->n_tags; i++)
    add_distinct(&h->tags, &h->n_tags, r->tags[i]);

  FILE *f = h->cases;
  bool bad = r->kind == GT_RESULT_FAIL || r->kind == GT_RESULT_ERROR;
  fprintf(f, "<details class=\"case %s\" id=\"%s\" data-outcome=\"%s\" data-fault=\"",
          kind_name(r->kind), anchor, kind_name(r->kind));
  gt_html_esc(f, fault);
  fputs("\" data-tags=\"", f);
  for (size_t i = 0; i < r->n_tags; i++) {
    fputc(' ', f);
    gt_html_esc(f, r->tags[i]);
  }
  fputs(" \"><summary><span class=\"badge ", f);
  fprintf(f, "%s\">%s</span> ", kind_name(r->kind), kind_name(r->kind));
  gt_html_esc(f, suite);
  fputs(" \xe2\x80\xba ", f);
  gt_html_esc(f, r->name);
  if (!bad && r->kind == GT_RESULT_PASS) {
    char t[32];
    gt_format_decimal(t, r->time, 3);
    fprintf(f, " <span class=\"dim\">%ss</span>", t);
  }
  if (r->message && *r->message && r->kind != GT_RESULT_PASS) {
    fputs("<div class=\"msg\">", f);
    gt_html_esc(f, r->message);
    fputs("</div>", f);
  }
  fputs("</summary>\n<div class=\"body\">", f);
  if (r->suite_file) {
    fputs("<p class=\"dim\">", f);
    gt_html_esc(f, r->suite_file);
    fprintf(f, ":%d:%d", r->line, r->col);
    for (size_t i = 0; i < n_ids; i++)
      fprintf(f, " &middot; finding <a href=\"#f%s\">%s</a>", ids[i], ids[i]);
    fputs("</p>", f);
  }
  if (r->n_checks) {
    fputs("<h4>Failed checks</h4><table class=\"checks\"><tr><th>check</th><th>where</th>"
          "<th>expected</th><th>actual</th><th>what was there</th></tr>",
          f);
    for (size_t i = 0; i < r->n_checks; i++) {
      const gt_case_check *k = &r->checks[i];
      fputs("<tr><td>", f);
      gt_html_esc(f, k->check);
      fputs("</td><td><code>", f);
      gt_html_esc(f, k->where);
      fputs("</code></td><td>", f);
      gt_html_esc(f, k->expected);
      fputs("</td><td>", f);
      gt_html_esc(f, k->actual);
      fputs("</td><td><code>", f);
      gt_html_esc(f, k->context);
      fputs("</code></td></tr>", f);
    }
    fputs("</table>", f);
  }
  if (r->system_out && *r->system_out) {
    fputs("<h4>Request and response</h4><pre>", f);
    gt_html_esc_capped(f, r->system_out, EXCHANGE_CAP, "the JSON and JUnit reports");
    fputs("</pre>", f);
  }
  if (r->repro && *r->repro && r->kind != GT_RESULT_SKIP) {
    fputs("<h4>Reproduce</h4><pre class=\"repro\">", f);
    gt_html_esc(f, r->repro);
    fputs("</pre>", f);
  }
  fputs("</div></details>\n", f);
  if (ferror(f))
    return gt_err_set(err, GT_ERR_RUNTIME, NULL, 0, 0, "cannot write the HTML report spool: %s",
                      strerror(errno));
  return true;
}

/* Filters: shown only when this runs (the page is complete without it). */
static const char SCRIPT[] =
    "(function(){'use strict';"
    "document.documentElement.classList.add('js');"
    "var boxes=document.querySelectorAll('#filters input[type=checkbox]');"
    "var fault=document.getElementById('f-fault'),tag=document.getElementById('f-tag');"
    "var count=document.getElementById('f-count');"
    "function apply(){var on={};boxes.forEach(function(b){on[b.value]=b.checked;});"
    "var fv=fault.value,tv=tag.value,shown=0,all=document.querySelectorAll('details.case');"
    "all.forEach(function(d){var ok=on[d.dataset.outcome]&&(!fv||d.dataset.fault===fv)&&"
    "(!tv||d.dataset.tags.indexOf(' '+tv+' "
    "')>=0);d.classList.toggle('hidden',!ok);if(ok)shown++;});"
    "count.textContent=shown+' of '+all.length+' cases shown';}"
    "boxes.forEach(function(b){b.addEventListener('change',apply);});"
    "fault.addEventListener('change',apply);tag.addEventListener('change',apply);"
    "document.querySelectorAll('a[href^=\"#c\"]').forEach(function(a){a.addEventListener('click',"
    "function(){var d=document.getElementById(a.getAttribute('href').slice(1));"
    "if(d){d.classList.remove('hidden');d.open=true;}});});"
    "apply();document.body.setAttribute('data-js','ready');})();";

typedef struct html_parts {
  gt_html *h;
  gt_findings *f;
  const gt_run_totals *t;
} html_parts;

static void write_findings(FILE *f, gt_findings *fs) {
  size_t n = gt_findings_count(fs);
  fprintf(f, "<h2 id=\"findings\">%zu finding%s in %zu failed case%s</h2>\n", n, n == 1 ? "" : "s",
          gt_findings_failed_cases(fs), gt_findings_failed_cases(fs) == 1 ? "" : "s");
  if (!n) {
    fputs("<p>No case failed.</p>\n", f);
    return;
  }
  fputs("<p class=\"dim\">Failed cases grouped by cause: the failed check and its location, "
        "whatever the fault. Worst first.</p>\n<table class=\"findings\"><tr><th>id</th><th>finding"
        "</th><th>cases</th><th>scenarios</th><th>example</th><th>suite line</th></tr>\n",
        f);
  for (size_t i = 0; i < n; i++) {
    const gt_finding *x = gt_findings_get(fs, i);
    char anchor[16];
    anchor_of(anchor, x->suite, x->example);
    fprintf(f, "<tr id=\"f%s\"%s><td><code>%s</code>%s</td><td><b>", x->id,
            x->accepted ? " class=\"accepted\"" : "", x->id, x->accepted ? " (accepted)" : "");
    gt_html_esc(f, x->suite);
    fputs(":</b> ", f);
    gt_html_esc(f, x->summary);
    if (x->context) {
      fputs("<div class=\"dim\"><code>", f);
      gt_html_esc(f, x->context);
      fputs("</code></div>", f);
    }
    fprintf(f, "</td><td>%zu</td><td>%zu</td><td><a href=\"#%s\">", x->n_cases, x->n_scenarios,
            anchor);
    gt_html_esc(f, x->example);
    fputs("</a></td><td>", f);
    if (x->suite_file) {
      gt_html_esc(f, x->suite_file);
      fprintf(f, ":%d", x->line);
    }
    fputs("</td></tr>\n", f);
  }
  fputs("</table>\n", f);
}

static void write_matrix(FILE *f, gt_html *h) {
  fputs("<h2 id=\"matrix\">Scenarios &times; faults</h2>\n<p class=\"legend\">"
        "<span><span class=\"badge pass\">pass</span></span><span><span class=\"badge fail\">fail"
        "</span></span><span><span class=\"badge error\">error</span></span><span><span class=\""
        "badge skip\">skip</span></span><span class=\"dim\">a cell shows the worst outcome of the "
        "scenario's cases for that fault (passed/total when it has several); click it for the "
        "case</span></p>\n<div class=\"matrix\"><table><tr><th>suite</th><th>scenario</th>",
        f);
  /* the valid case first, then the faults as first seen */
  for (size_t i = 0; i < h->n_faults; i++)
    if (!strcmp(h->faults[i], "valid") && i > 0) {
      char *v = h->faults[i];
      memmove(&h->faults[1], &h->faults[0], i * sizeof *h->faults);
      h->faults[0] = v;
    }
  for (size_t i = 0; i < h->n_faults; i++) {
    fputs("<th class=\"f\">", f);
    gt_html_esc(f, h->faults[i]);
    fputs("</th>", f);
  }
  fputs("</tr>\n", f);
  for (size_t i = 0; i < h->n_rows; i++) {
    const row *r = &h->rows[i];
    fputs("<tr><td>", f);
    gt_html_esc(f, r->suite);
    fputs("</td><td>", f);
    gt_html_esc(f, r->scenario);
    fputs("</td>", f);
    for (size_t k = 0; k < h->n_faults; k++) {
      const cell *c = NULL;
      for (size_t j = 0; j < r->n_cells && !c; j++)
        if (!strcmp(r->cells[j].fault, h->faults[k])) c = &r->cells[j];
      if (!c || c->worst < 0) {
        fputs("<td class=\"o\"></td>", f);
        continue;
      }
      static const char *const by_rank[] = {"skip", "pass", "fail", "error"};
      const char *cls = by_rank[c->worst];
      unsigned total = c->counts[0] + c->counts[1] + c->counts[2] + c->counts[3];
      fprintf(f, "<td class=\"o %s\"><a href=\"#%s\" title=\"", cls, c->anchor);
      gt_html_esc(f, r->scenario);
      fputs(" [", f);
      gt_html_esc(f, c->fault);
      fprintf(f, "]: %u passed, %u failed, %u errors, %u skipped\">", c->counts[GT_RESULT_PASS],
              c->counts[GT_RESULT_FAIL], c->counts[GT_RESULT_ERROR], c->counts[GT_RESULT_SKIP]);
      if (total > 1)
        fprintf(f, "%u/%u", c->counts[GT_RESULT_PASS], total);
      else
        fputs(cls[0] == 'p' ? "&#10003;" : cls[0] == 's' ? "&ndash;" : "&#10007;", f);
      fputs("</a></td>", f);
    }
    fputs("</tr>\n", f);
  }
  fputs("</table></div>\n", f);
}

static bool write_html(FILE *f, void *ud) {
  html_parts *p = ud;
  gt_html *h = p->h;
  const gt_run_totals *t = p->t;
  gt_html_page_begin(f, "gauntlet report", NULL);
  fprintf(f,
          "<h1>gauntlet: %zu passed, %zu failed, %zu skipped</h1>\n<p class=\"dim\">started %s "
          "&middot; seed %llu &middot; gauntlet %s",
          t->passed, t->failed + t->errors, t->skipped, h->started, t->seed, GAUNTLET_VERSION);
  char el[32];
  gt_format_decimal(el, t->elapsed, 3);
  fprintf(f, " &middot; %ss</p>\n", el);
  if (t->stopped || t->interrupted) {
    fputs("<p><span class=\"badge error\">stopped early</span> ", f);
    gt_html_esc(f, t->stopped ? t->stopped : "interrupted");
    fputs("</p>\n", f);
  }
  fputs("<div class=\"totals\">", f);
  gt_html_total_box(f, "", "cases", t->total);
  gt_html_total_box(f, "pass", "passed", t->passed);
  gt_html_total_box(f, "fail", "failed", t->failed);
  gt_html_total_box(f, "error", "errors", t->errors);
  gt_html_total_box(f, "skip", "skipped", t->skipped);
  gt_html_total_box(f, "", "findings", gt_findings_count(p->f));
  fputs("</div>\n<p><a href=\"#findings\">Findings</a> &middot; <a href=\"#matrix\">Scenarios "
        "&times; faults</a> &middot; <a href=\"#cases\">Cases</a></p>\n",
        f);
  write_findings(f, p->f);
  write_matrix(f, h);
  fputs("<h2 id=\"cases\">Cases</h2>\n<div id=\"filters\"><b>Show</b>", f);
  static const char *const outcomes[] = {"fail", "error", "skip", "pass"};
  for (int i = 0; i < 4; i++)
    fprintf(f, "<label><input type=\"checkbox\" value=\"%s\"%s> %s</label>", outcomes[i],
            i < 3 ? " checked" : "", outcomes[i]);
  fputs("<label>fault <select id=\"f-fault\"><option value=\"\">any</option>", f);
  for (size_t i = 0; i < h->n_faults; i++) {
    gt_html_option(f, h->faults[i]);
  }
  fputs("</select></label><label>tag <select id=\"f-tag\"><option value=\"\">any</option>", f);
  for (size_t i = 0; i < h->n_tags; i++) {
    gt_html_option(f, h->tags[i]);
  }
  fputs("</select></label><span id=\"f-count\" class=\"dim\"></span></div>\n", f);
  return gt_html_spool_finish(f, h->cases, SCRIPT);
}

static void html_free(gt_html *h) {
  if (h->cases) fclose(h->cases);
  for (size_t i = 0; i < h->n_rows; i++) {
    for (size_t k = 0; k < h->rows[i].n_cells; k++)
      free(h->rows[i].cells[k].fault);
    free(h->rows[i].cells), free(h->rows[i].suite), free(h->rows[i].scenario);
  }
  free(h->rows);
  for (size_t i = 0; i < h->n_faults; i++)
    free(h->faults[i]);
  for (size_t i = 0; i < h->n_tags; i++)
    free(h->tags[i]);
  free(h->faults), free(h->tags), free(h->path), free(h);
}

bool gt_html_close(gt_html *h, gt_findings *f, const gt_run_totals *t, gt_err *err) {
  if (!h) return true;
  html_parts p = {h, f, t};
  bool ok = gt_report_write_atomic(h->path, write_html, &p, err);
  html_free(h);
  return ok;
}

void gt_html_abort(gt_html *h) {
  if (h) html_free(h);
}
