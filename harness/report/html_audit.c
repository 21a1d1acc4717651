/* html_audit.c — `gauntlet serve --html FILE`: the client audit as one
 * self-contained HTML page in the style of `run --html` (docs/reports.md
 * "HTML", docs/serve.md "Reports"): a summary, the rules broken (with what a
 * conforming client does), a table per route, the retries of injected
 * answers, and every audited request with the rules it broke, the fault
 * injected into its answer, the retry it was or got, and the exchange.
 *
 * Streamed like the JUnit report: each request's block goes to a spool file
 * as serve settles it, and only a few counters stay in memory, so a soak of a
 * million requests does not grow serve. Conformed requests past
 * GT_AUDIT_HTML_PASSED_CAP are counted, not written (the page would no
 * longer open in a browser); every request that broke a rule, had its
 * answer injected or retried one is written. Texts arrive redacted (serve's
 * one redaction); everything is HTML-escaped. Readable without JavaScript;
 * with it, filters (outcome, rule, route, injected). Written atomically. */
#include "report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/buf.h"
#include "html_page.h"

enum { AUDIT_EXCHANGE_CAP = 16 * 1024 };

typedef struct first_seen {
  char *name;
  size_t seq; /* the first request that broke it */
} first_seen;

struct gt_audit_html {
  char *path;
  FILE *spool; /* owned tmpfile: the request blocks */
  size_t written, passed_written, passed_left_out;
  first_seen *rules; /* rules seen, first-seen order */
  size_t n_rules;
  char **routes; /* routes seen (filter options) */
  size_t n_routes;
  char started[32];
};

gt_audit_html *gt_audit_html_open(const char *path, gt_err *err) {
  gt_audit_html *h = gt_xcalloc(1, sizeof *h); /* freed by close/abort */
  if (!gt_html_spool_open(path, &h->spool, &h->path, h->started, err)) {
    free(h);
    return NULL;
  }
  return h;
}

static void note_rule(gt_audit_html *h, const char *name, size_t seq) {
  for (size_t i = 0; i < h->n_rules; i++)
    if (!strcmp(h->rules[i].name, name)) return;
  h->rules = gt_xrealloc(h->rules, (h->n_rules + 1) * sizeof *h->rules);
  h->rules[h->n_rules++] = (first_seen){gt_xstrdup(name), seq};
}

static void note_route(gt_audit_html *h, const char *name) {
  for (size_t i = 0; i < h->n_routes; i++)
    if (!strcmp(h->routes[i], name)) return;
  h->routes = gt_xrealloc(h->routes, (h->n_routes + 1) * sizeof *h->routes);
  h->routes[h->n_routes++] = gt_xstrdup(name);
}

static void status_text(FILE *f, int status) {
  if (status)
    fprintf(f, "%d", status);
  else
    fputs("reset", f);
}

bool gt_audit_html_entry(gt_audit_html *h, const gt_audit_entry *e, gt_err *err) {
  const char *route = e->route ? e->route : "(no documented route)";
  for (size_t i = 0; i < e->n_rules; i++)
    note_rule(h, e->rules[i], e->seq);
  note_route(h, route);
  bool plain = !e->failed && !e->n_rules && !e->injected && !e->retry_of;
  if (plain && h->passed_written >= GT_AUDIT_HTML_PASSED_CAP) {
    h->passed_left_out++;
    return true;
  }
  h->passed_written += plain;
  h->written++;
  FILE *f = h->spool;
  const char *outcome = e->failed ? "fail" : "pass";
  fprintf(f,
          "<details class=\"case %s\" id=\"r%zu\" data-outcome=\"%s\" data-injected=\"%s\" "
          "data-rules=\" ",
          outcome, e->seq, outcome, e->injected ? "yes" : "no");
  for (size_t i = 0; i < e->n_rules; i++) {
    gt_html_esc(f, e->rules[i]);
    fputc(' ', f);
  }
  fputs("\" data-route=\"", f);
  gt_html_esc(f, route);
  fprintf(f, "\"><summary><span class=\"badge %s\">%s</span> ", outcome,
          e->failed ? "broke a rule" : "conformed");
  gt_html_esc(f, e->method);
  fputc(' ', f);
  gt_html_esc(f, e->path);
  fprintf(f, " <a href=\"#r%zu\" class=\"dim\">#%zu</a> &rarr; ", e->seq, e->seq);
  status_text(f, e->status);
  if (e->injected) {
    fputs(" <span class=\"badge injected\">injected ", f);
    gt_html_esc(f, e->injected);
    fputs("</span>", f);
  }
  if (e->retry_of) fprintf(f, " <span class=\"dim\">retry of #%zu</span>", e->retry_of);
  if (e->n_rules) {
    fputs("<div class=\"msg\">", f);
    for (size_t i = 0; i < e->n_rules; i++) {
      if (i) fputs(", ", f);
      gt_html_esc(f, e->rules[i]);
    }
    fputs("</div>", f);
  }
  fputs("</summary>\n<div class=\"body\"><p class=\"dim\">", f);
  gt_html_esc(f, e->suite);
  fputs(" &middot; route ", f);
  gt_html_esc(f, route);
  char t[32];
  gt_format_decimal(t, e->time, 3);
  fprintf(f, " &middot; answered in %ss</p>", t);
  if (e->failures && *e->failures) {
    fputs("<h4>Rules broken</h4><pre>", f);
    gt_html_esc(f, e->failures);
    fputs("</pre>", f);
  }
  if (e->injected) {
    fputs("<h4>Injected fault</h4><p>", f);
    gt_html_esc(f, e->injected);
    if (e->retry_after) fprintf(f, " (Retry-After: %d s)", e->retry_after);
    if (e->retry_seq) {
      gt_format_decimal(t, e->retry_delay, 3);
      fprintf(f, "; retried by <a href=\"#r%zu\">#%zu</a> %ss after the answer", e->retry_seq,
              e->retry_seq, t);
    } else {
      fputs("; not retried", f);
    }
    fputs("</p>", f);
  }
  if (e->retry_of)
    fprintf(f, "<h4>Retry</h4><p>attempt %u, a retry of <a href=\"#r%zu\">#%zu</a></p>", e->attempt,
            e->retry_of, e->retry_of);
  if (e->exchange && *e->exchange) {
    fputs("<h4>Request and answer</h4><pre>", f);
    gt_html_esc_capped(f, e->exchange, AUDIT_EXCHANGE_CAP, "the JUnit report");
    fputs("</pre>", f);
  }
  fputs("</div></details>\n", f);
  if (ferror(f))
    return gt_err_set(err, GT_ERR_RUNTIME, NULL, 0, 0, "cannot write the HTML report spool: %s",
                      strerror(errno));
  return true;
}

static const char AUDIT_STYLE[] = ".injected{--c:#8250df}"
                                  "table.rules td:nth-child(3),table.routes td{text-align:right}"
                                  "table.routes td:first-child{text-align:left}";

/* Filters: shown only when this runs (the page is complete without it). */
static const char AUDIT_SCRIPT[] =
    "(function(){'use strict';"
    "document.documentElement.classList.add('js');"
    "var boxes=document.querySelectorAll('#filters input[type=checkbox][name=o]');"
    "var inj=document.getElementById('f-injected');"
    "var rule=document.getElementById('f-rule'),route=document.getElementById('f-route');"
    "var count=document.getElementById('f-count');"
    "function apply(){var on={};boxes.forEach(function(b){on[b.value]=b.checked;});"
    "var rv=rule.value,tv=route.value,shown=0,all=document.querySelectorAll('details.case');"
    "all.forEach(function(d){var ok=on[d.dataset.outcome]&&(!inj.checked||"
    "d.dataset.injected==='yes')&&(!rv||d.dataset.rules.indexOf(' '+rv+' ')>=0)&&"
    "(!tv||d.dataset.route===tv);d.classList.toggle('hidden',!ok);if(ok)shown++;});"
    "count.textContent=shown+' of '+all.length+' requests shown';}"
    "boxes.forEach(function(b){b.addEventListener('change',apply);});"
    "inj.addEventListener('change',apply);rule.addEventListener('change',apply);"
    "route.addEventListener('change',apply);"
    "document.querySelectorAll('a[href^=\"#r\"]').forEach(function(a){a.addEventListener('click',"
    "function(){var d=document.getElementById(a.getAttribute('href').slice(1));"
    "if(d){d.classList.remove('hidden');d.open=true;}});});"
    "apply();document.body.setAttribute('data-js','ready');})();";

typedef struct audit_parts {
  gt_audit_html *h;
  const gt_audit_summary *s;
} audit_parts;

static size_t first_seq(const gt_audit_html *h, const char *rule) {
  for (size_t i = 0; i < h->n_rules; i++)
    if (!strcmp(h->rules[i].name, rule)) return h->rules[i].seq;
  return 0;
}

static void write_rules(FILE *f, const gt_audit_html *h, const gt_audit_summary *s) {
  size_t broken = 0;
  for (size_t i = 0; i < s->n_rules; i++)
    broken += s->rules[i].requests > 0;
  fprintf(f, "<h2 id=\"rules\">%zu rule%s broken</h2>\n", broken, broken == 1 ? "" : "s");
  if (!broken) {
    fputs("<p>No request broke a rule.</p>\n", f);
    return;
  }
  fputs("<table class=\"rules\"><tr><th>rule</th><th>kind</th><th>requests</th><th>first</th>"
        "<th>what a conforming client does</th></tr>\n",
        f);
  for (size_t i = 0; i < s->n_rules; i++) {
    const gt_audit_rule *r = &s->rules[i];
    if (!r->requests) continue;
    fputs("<tr><td><code>", f);
    gt_html_esc(f, r->name);
    fprintf(f, "</code></td><td>%s</td><td>%zu</td><td>", r->note ? "note" : "failure",
            r->requests);
    size_t seq = first_seq(h, r->name);
    if (seq) fprintf(f, "<a href=\"#r%zu\">#%zu</a>", seq, seq);
    fputs("</td><td>", f);
    gt_html_esc(f, r->doc);
    fputs("</td></tr>\n", f);
  }
  fputs("</table>\n", f);
}

static void write_routes(FILE *f, const gt_audit_summary *s) {
  fputs("<h2 id=\"routes\">Routes</h2>\n<table class=\"routes\"><tr><th>route</th><th>requests"
        "</th><th>broke a rule</th><th>injected</th><th>retried</th></tr>\n",
        f);
  for (size_t i = 0; i < s->n_routes; i++) {
    const gt_audit_route *r = &s->routes[i];
    fputs("<tr><td><code>", f);
    gt_html_esc(f, r->name);
    fprintf(f, "</code></td><td>%zu</td><td>%zu</td><td>%zu</td><td>%zu</td></tr>\n", r->requests,
            r->failed, r->injected, r->retried);
  }
  if (!s->n_routes) fputs("<tr><td colspan=\"5\">no request</td></tr>\n", f);
  fputs("</table>\n", f);
}

static bool write_page(FILE *f, void *ud) {
  audit_parts *p = ud;
  gt_audit_html *h = p->h;
  const gt_audit_summary *s = p->s;
  gt_html_page_begin(f, "gauntlet serve: client audit", AUDIT_STYLE);
  fprintf(f,
          "<h1>gauntlet serve: %zu request%s, %zu broke a rule</h1>\n<p class=\"dim\">client "
          "audit &middot; started %s &middot; seed %llu &middot; inject rate ",
          s->requests, s->requests == 1 ? "" : "s", s->failed, h->started, s->seed);
  char v[32];
  gt_format_decimal(v, s->inject_rate, 3);
  fprintf(f, "%s &middot; gauntlet %s", v, GAUNTLET_VERSION);
  gt_format_decimal(v, s->elapsed, 3);
  fprintf(f, " &middot; %ss</p>\n<div class=\"totals\">", v);
  gt_html_total_box(f, "", "requests", s->requests);
  gt_html_total_box(f, "pass", "conformed", s->requests - s->failed);
  gt_html_total_box(f, "fail", "broke a rule", s->failed);
  gt_html_total_box(f, "injected", "injected", s->injected);
  gt_html_total_box(f, "", "retried", s->retried);
  fputs("</div>\n<p><a href=\"#rules\">Rules broken</a> &middot; <a href=\"#routes\">Routes</a> "
        "&middot; <a href=\"#retries\">Retries</a> &middot; <a href=\"#requests\">Requests</a>"
        "</p>\n",
        f);
  write_rules(f, h, s);
  write_routes(f, s);
  fputs("<h2 id=\"retries\">Retries of injected answers</h2>\n<pre>", f);
  gt_html_esc(f, s->retries && *s->retries ? s->retries : "no answer was injected\n");
  fputs("</pre>\n", f);
  fprintf(f, "<h2 id=\"requests\">Requests</h2>\n");
  if (h->passed_left_out)
    fprintf(f,
            "<p class=\"dim\">%zu more requests conformed and are not shown here (past the first "
            "%d that conformed); the JUnit report has every request.</p>\n",
            h->passed_left_out, GT_AUDIT_HTML_PASSED_CAP);
  fputs("<div id=\"filters\"><b>Show</b>", f);
  fputs("<label><input type=\"checkbox\" name=\"o\" value=\"fail\" checked> broke a rule</label>"
        "<label><input type=\"checkbox\" name=\"o\" value=\"pass\"> conformed</label>"
        "<label><input type=\"checkbox\" id=\"f-injected\"> injected only</label>",
        f);
  fputs("<label>rule <select id=\"f-rule\"><option value=\"\">any</option>", f);
  for (size_t i = 0; i < h->n_rules; i++) {
    gt_html_option(f, h->rules[i].name);
  }
  fputs("</select></label><label>route <select id=\"f-route\"><option value=\"\">any</option>", f);
  for (size_t i = 0; i < h->n_routes; i++) {
    gt_html_option(f, h->routes[i]);
  }
  fputs("</select></label><span id=\"f-count\" class=\"dim\"></span></div>\n", f);
  return gt_html_spool_finish(f, h->spool, AUDIT_SCRIPT);
}

static void audit_free(gt_audit_html *h) {
  if (h->spool) fclose(h->spool);
  for (size_t i = 0; i < h->n_rules; i++)
    free(h->rules[i].name);
  for (size_t i = 0; i < h->n_routes; i++)
    free(h->routes[i]);
  free(h->rules), free(h->routes), free(h->path), free(h);
}

bool gt_audit_html_close(gt_audit_html *h, const gt_audit_summary *s, gt_err *err) {
  if (!h) return true;
  audit_parts p = {h, s};
  bool ok = gt_report_write_atomic(h->path, write_page, &p, err);
  audit_free(h);
  return ok;
}

void gt_audit_html_abort(gt_audit_html *h) {
  if (h) audit_free(h);
}
