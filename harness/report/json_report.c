/* json_report.c — `--json FILE`: the whole run as one JSON document
 * (docs/reports.md "JSON report"; its schema: docs/report.schema.json,
 * versioned by "version"). Cases are streamed to a spool as they finish
 * (memory stays flat); suites, findings, totals and timings are known at the
 * end, when the document is assembled and written atomically. */
#include "report.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/buf.h"

/* Bumped on any change that can break a reader (a field removed, renamed or
 * retyped); adding a field does not. */
#define JSON_REPORT_VERSION 1
#define SLOWEST_KEPT 10

typedef struct slow_case {
  char *id;
  double time;
} slow_case;

struct gt_json_report {
  char *path;
  FILE *cases; /* owned tmpfile: one compact JSON object per line */
  size_t n_cases;
  cJSON *suites;   /* array, small */
  cJSON *coverage; /* or NULL */
  char started[32];
  double case_time_sum;
  slow_case slowest[SLOWEST_KEPT]; /* by time, descending */
};

static void utc_now(char out[32]) {
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

gt_json_report *gt_json_report_open(const char *path, gt_err *err) {
  if (!path || !*path) {
    gt_err_set(err, GT_ERR_USAGE, NULL, 0, 0, "empty --json report path");
    return NULL;
  }
  gt_json_report *j = gt_xcalloc(1, sizeof *j); /* freed by close/abort */
  j->cases = tmpfile();
  if (!j->cases) {
    gt_err_set(err, GT_ERR_RUNTIME, NULL, 0, 0, "cannot create spool file for the JSON report: %s",
               strerror(errno));
    free(j);
    return NULL;
  }
  j->path = gt_xstrdup(path);
  j->suites = cJSON_CreateArray();
  utc_now(j->started);
  return j;
}

void gt_json_report_suite(gt_json_report *j, const char *name, const char *file,
                          const gt_property *props, size_t n_props) {
  cJSON *s = cJSON_CreateObject();
  cJSON_AddItemToObject(s, "name", gt_report_json_str(name ? name : ""));
  cJSON_AddItemToObject(s, "file", gt_report_json_str(file));
  cJSON *p = cJSON_AddObjectToObject(s, "properties");
  for (size_t i = 0; i < n_props; i++) {
    char *k = gt_report_utf8(props[i].name);
    cJSON_AddItemToObject(p, k, gt_report_json_str(props[i].value ? props[i].value : ""));
    free(k);
  }
  cJSON_AddItemToArray(j->suites, s);
}

static const char *outcome_name(gt_result_kind k) {
  switch (k) {
  case GT_RESULT_PASS:
    return "pass";
  case GT_RESULT_FAIL:
    return "fail";
  case GT_RESULT_ERROR:
    return "error";
  default:
    return "skip";
  }
}

static void keep_slowest(gt_json_report *j, const char *id, double time) {
  int at = -1;
  for (int i = 0; i < SLOWEST_KEPT; i++) {
    if (!j->slowest[i].id || time > j->slowest[i].time) {
      at = i;
      break;
    }
  }
  if (at < 0) return;
  free(j->slowest[SLOWEST_KEPT - 1].id);
  memmove(&j->slowest[at + 1], &j->slowest[at],
          (size_t)(SLOWEST_KEPT - 1 - at) * sizeof(slow_case));
  j->slowest[at].id = gt_xstrdup(id);
  j->slowest[at].time = time;
}

static cJSON *string_array(const char *const *v, size_t n) {
  cJSON *a = cJSON_CreateArray();
  for (size_t i = 0; i < n; i++)
    cJSON_AddItemToArray(a, gt_report_json_str(v[i]));
  return a;
}

bool gt_json_report_case(gt_json_report *j, const gt_case_result *r, const char (*ids)[12],
                         size_t n_ids, gt_err *err) {
  cJSON *c = cJSON_CreateObject();
  char *id =
      gt_xasprintf("%s \xe2\x80\xba %s", r->classname ? r->classname : "", r->name ? r->name : "");
  cJSON_AddItemToObject(c, "id", gt_report_json_str(id));
  cJSON_AddItemToObject(c, "suite", gt_report_json_str(r->classname ? r->classname : ""));
  cJSON_AddItemToObject(c, "name", gt_report_json_str(r->name ? r->name : ""));
  cJSON_AddItemToObject(c, "scenario", gt_report_json_str(r->scenario));
  cJSON_AddItemToObject(c, "fault", gt_report_json_str(r->fault));
  cJSON_AddItemToObject(c, "tags", string_array(r->tags, r->n_tags));
  cJSON_AddStringToObject(c, "outcome", outcome_name(r->kind));
  cJSON_AddNumberToObject(c, "time", r->time >= 0 ? r->time : 0);
  cJSON *loc = cJSON_AddObjectToObject(c, "location");
  cJSON_AddItemToObject(loc, "file", gt_report_json_str(r->suite_file));
  cJSON_AddNumberToObject(loc, "line", r->line);
  cJSON_AddNumberToObject(loc, "column", r->col);
  if (r->fault_line) cJSON_AddNumberToObject(loc, "fault_line", r->fault_line);
  if (r->method || r->url) {
    cJSON *req = cJSON_AddObjectToObject(c, "request");
    cJSON_AddItemToObject(req, "method", gt_report_json_str(r->method));
    cJSON_AddItemToObject(req, "url", gt_report_json_str(r->url));
  }
  if (r->status)
    cJSON_AddNumberToObject(c, "status", r->status);
  else
    cJSON_AddNullToObject(c, "status");
  cJSON_AddItemToObject(c, "message", gt_report_json_str(r->message));
  cJSON_AddItemToObject(c, "type", gt_report_json_str(r->type));
  cJSON *checks = cJSON_AddArrayToObject(c, "checks");
  for (size_t i = 0; i < r->n_checks; i++) {
    const gt_case_check *k = &r->checks[i];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "check", gt_report_json_str(k->check));
    cJSON_AddItemToObject(o, "where", gt_report_json_str(k->where ? k->where : ""));
    cJSON_AddItemToObject(o, "expected", gt_report_json_str(k->expected ? k->expected : ""));
    cJSON_AddItemToObject(o, "actual", gt_report_json_str(k->actual ? k->actual : ""));
    cJSON_AddItemToObject(o, "context", gt_report_json_str(k->context));
    cJSON_AddItemToArray(checks, o);
  }
  cJSON *fi = cJSON_AddArrayToObject(c, "findings");
  for (size_t i = 0; i < n_ids; i++)
    cJSON_AddItemToArray(fi, cJSON_CreateString(ids[i]));
  cJSON_AddItemToObject(c, "exchange", gt_report_json_str(r->system_out));
  cJSON_AddItemToObject(c, "repro", gt_report_json_str(r->repro));
  char *text = cJSON_PrintUnformatted(c);
  cJSON_Delete(c);
  if (!text) gt_oom();
  fprintf(j->cases, "%s%s\n", j->n_cases ? "," : "", text);
  free(text);
  j->n_cases++;
  j->case_time_sum += r->time > 0 ? r->time : 0;
  if (r->kind != GT_RESULT_SKIP) keep_slowest(j, id, r->time);
  free(id);
  if (ferror(j->cases))
    return gt_err_set(err, GT_ERR_RUNTIME, NULL, 0, 0, "cannot write the JSON report spool: %s",
                      strerror(errno));
  return true;
}

static cJSON *finding_json(const gt_finding *x) {
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "id", x->id);
  cJSON_AddItemToObject(o, "suite", gt_report_json_str(x->suite));
  cJSON_AddItemToObject(o, "check", gt_report_json_str(x->check));
  cJSON_AddItemToObject(o, "location", gt_report_json_str(x->location));
  cJSON_AddItemToObject(o, "summary", gt_report_json_str(x->summary));
  cJSON_AddStringToObject(o, "kind", x->error ? "error" : "failure");
  cJSON_AddBoolToObject(o, "accepted", x->accepted);
  cJSON_AddNumberToObject(o, "cases", (double)x->n_cases);
  cJSON_AddItemToObject(o, "case_names",
                        string_array((const char *const *)x->cases, x->n_cases_kept));
  cJSON_AddItemToObject(o, "scenarios",
                        string_array((const char *const *)x->scenarios, x->n_scenarios));
  cJSON_AddItemToObject(o, "faults", string_array((const char *const *)x->faults, x->n_faults));
  cJSON_AddItemToObject(o, "expected", gt_report_json_str(x->expected));
  cJSON_AddItemToObject(o, "actual", gt_report_json_str(x->actual));
  cJSON_AddItemToObject(o, "context", gt_report_json_str(x->context));
  cJSON *loc = cJSON_AddObjectToObject(o, "location_in_suite");
  cJSON_AddItemToObject(loc, "file", gt_report_json_str(x->suite_file));
  cJSON_AddNumberToObject(loc, "line", x->line);
  cJSON_AddNumberToObject(loc, "column", x->col);
  cJSON *ex = cJSON_AddObjectToObject(o, "example");
  cJSON_AddItemToObject(ex, "case", gt_report_json_str(x->example));
  cJSON_AddItemToObject(ex, "message", gt_report_json_str(x->example_message));
  cJSON_AddItemToObject(ex, "detail", gt_report_json_str(x->example_detail));
  cJSON_AddItemToObject(ex, "exchange", gt_report_json_str(x->example_exchange));
  cJSON_AddItemToObject(ex, "repro", gt_report_json_str(x->example_repro));
  return o;
}

typedef struct doc_parts {
  gt_json_report *j;
  gt_findings *f;
  const gt_run_totals *t;
} doc_parts;

/* The head (everything but the cases, small) is built with cJSON; the
 * cases are copied from the spool into its "cases" array. */
static bool write_doc(FILE *out, void *ud) {
  doc_parts *d = ud;
  gt_json_report *j = d->j;
  const gt_run_totals *t = d->t;
  cJSON *head = cJSON_CreateObject();
  cJSON_AddStringToObject(head, "format", "gauntlet-report");
  cJSON_AddNumberToObject(head, "version", JSON_REPORT_VERSION);
  cJSON_AddStringToObject(head, "gauntlet", GAUNTLET_VERSION);
  cJSON_AddStringToObject(head, "started", j->started);
  cJSON_AddNumberToObject(head, "seed", (double)t->seed);
  cJSON_AddBoolToObject(head, "interrupted", t->interrupted);
  cJSON_AddItemToObject(head, "stopped", gt_report_json_str(t->stopped));
  cJSON *sum = cJSON_AddObjectToObject(head, "summary");
  cJSON_AddNumberToObject(sum, "cases", (double)t->total);
  cJSON_AddNumberToObject(sum, "passed", (double)t->passed);
  cJSON_AddNumberToObject(sum, "failed", (double)t->failed);
  cJSON_AddNumberToObject(sum, "errors", (double)t->errors);
  cJSON_AddNumberToObject(sum, "skipped", (double)t->skipped);
  cJSON_AddNumberToObject(sum, "findings", (double)gt_findings_count(d->f));
  cJSON_AddNumberToObject(sum, "new_findings", (double)gt_findings_new_count(d->f));
  cJSON *tm = cJSON_AddObjectToObject(head, "timings");
  cJSON_AddNumberToObject(tm, "elapsed", t->elapsed > 0 ? t->elapsed : 0);
  cJSON_AddNumberToObject(tm, "case_time_total", j->case_time_sum);
  cJSON *slow = cJSON_AddArrayToObject(tm, "slowest");
  for (int i = 0; i < SLOWEST_KEPT && j->slowest[i].id; i++) {
    cJSON *s = cJSON_CreateObject();
    cJSON_AddItemToObject(s, "id", gt_report_json_str(j->slowest[i].id));
    cJSON_AddNumberToObject(s, "time", j->slowest[i].time);
    cJSON_AddItemToArray(slow, s);
  }
  cJSON_AddItemReferenceToObject(head, "suites", j->suites);
  if (j->coverage) cJSON_AddItemReferenceToObject(head, "coverage", j->coverage);
  cJSON *fs = cJSON_AddArrayToObject(head, "findings");
  for (size_t i = 0; i < gt_findings_count(d->f); i++)
    cJSON_AddItemToArray(fs, finding_json(gt_findings_get(d->f, i)));
  char *text = cJSON_Print(head);
  cJSON_Delete(head);
  if (!text) gt_oom();
  /* the head without its closing brace, then the streamed cases */
  size_t len = strlen(text);
  while (len && text[len - 1] != '}')
    len--;
  if (len) len--;
  fwrite(text, 1, len, out);
  free(text);
  fputs(",\n\t\"cases\": [\n", out);
  if (fflush(j->cases) != 0 || fseek(j->cases, 0, SEEK_SET) != 0) return false;
  char chunk[16384];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, j->cases)) > 0)
    fwrite(chunk, 1, n, out);
  fputs("\t]\n}\n", out);
  return !ferror(j->cases) && !ferror(out);
}

static void json_free(gt_json_report *j) {
  if (j->cases) fclose(j->cases);
  cJSON_Delete(j->suites);
  cJSON_Delete(j->coverage);
  for (int i = 0; i < SLOWEST_KEPT; i++)
    free(j->slowest[i].id);
  free(j->path);
  free(j);
}

void gt_json_report_coverage(gt_json_report *j, cJSON *coverage) {
  cJSON_Delete(j->coverage);
  j->coverage = coverage;
}

bool gt_json_report_close(gt_json_report *j, gt_findings *f, const gt_run_totals *t, gt_err *err) {
  if (!j) return true;
  doc_parts d = {j, f, t};
  bool ok = gt_report_write_atomic(j->path, write_doc, &d, err);
  json_free(j);
  return ok;
}

void gt_json_report_abort(gt_json_report *j) {
  if (j) json_free(j);
}
