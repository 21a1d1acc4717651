/* sarif.c — `--sarif FILE`: findings as SARIF 2.1.0 (docs/reports.md
 * "SARIF"), so GitHub code scanning and other SARIF viewers show each
 * finding on the suite line that states the broken rule. One result per
 * finding; its location is the suite file and the line and column of the
 * representative case's scenario, with the fault's line in `faults:` as a
 * related location. The rules are gauntlet's checks and faults, with their
 * documented rule as help text. Written at the end of the run from the
 * findings alone, atomically. */
#include "report.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "../check/check.h"
#include "../core/buf.h"
#include "../fault/fault.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"

/* A suite path as a URI reference: relative paths stay relative (resolved
 * against the checkout, %SRCROOT%), absolute ones become file:// URIs;
 * bytes outside the unreserved set and '/' are percent-encoded. Caller frees. */
static char *path_uri(const char *path) {
  gt_buf b;
  gt_buf_init(&b);
  if (path[0] == '/') gt_buf_adds(&b, "file://");
  for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
        strchr("-._~/", *p))
      gt_buf_addc(&b, (char)*p);
    else
      gt_buf_printf(&b, "%%%02X", *p);
  }
  if (!b.data) gt_buf_adds(&b, "");
  return gt_buf_steal(&b);
}

static cJSON *text_obj(const char *text) {
  cJSON *o = cJSON_CreateObject();
  cJSON_AddItemToObject(o, "text", gt_report_json_str(text));
  return o;
}

static cJSON *rule(const char *id, const char *name, const char *short_text, const char *help,
                   const char *doc_page) {
  cJSON *r = cJSON_CreateObject();
  cJSON_AddStringToObject(r, "id", id);
  cJSON_AddStringToObject(r, "name", name);
  cJSON_AddItemToObject(r, "shortDescription", text_obj(short_text));
  cJSON_AddItemToObject(r, "fullDescription", text_obj(help));
  /* the project has no canonical web address: the help names the page of
   * the repository's docs/ instead of a helpUri */
  char *with_page = gt_xasprintf("%s (gauntlet docs/%s)", help, doc_page);
  cJSON_AddItemToObject(r, "help", text_obj(with_page));
  free(with_page);
  cJSON *conf = cJSON_AddObjectToObject(r, "defaultConfiguration");
  cJSON_AddStringToObject(conf, "level", "error");
  return r;
}

/* Every check and every fault as rules; extra rule ids (error types) are
 * appended by rule_index when a finding needs one. */
static cJSON *all_rules(void) {
  cJSON *rules = cJSON_CreateArray();
  for (int i = 0; i < GT_CHECK_COUNT; i++) {
    const gt_check_info *ci = gt_check_info_of((gt_check_id)i);
    if (!ci) continue;
    char *id = gt_xasprintf("check/%s", ci->name);
    char *short_text = gt_xasprintf("check %s", ci->name);
    cJSON_AddItemToArray(rules, rule(id, ci->name, short_text, ci->rule, "checks.md"));
    free(id), free(short_text);
  }
  for (int i = 0; i < GT_FAULT_COUNT; i++) {
    const gt_fault_info *fi = gt_fault_info_of((gt_fault_id)i);
    if (!fi) continue;
    char *id = gt_xasprintf("fault/%s", fi->name);
    char *short_text = gt_xasprintf("fault %s", fi->name);
    char *help = gt_xasprintf("Sends: %s Expected: %s", fi->sends ? fi->sends : "",
                              fi->expect_doc ? fi->expect_doc : "");
    cJSON_AddItemToArray(rules, rule(id, fi->name, short_text, help, "faults.md"));
    free(id), free(short_text), free(help);
  }
  return rules;
}

static int rule_index(cJSON *rules, const char *id, const char *name) {
  int i = 0;
  const cJSON *r;
  cJSON_ArrayForEach(r, rules) {
    if (!strcmp(cJSON_GetObjectItem(r, "id")->valuestring, id)) return i;
    i++;
  }
  char *short_text = gt_xasprintf("the case could not run: %s", name);
  cJSON_AddItemToArray(rules, rule(id, name, short_text,
                                   "A case errors when no answer could be judged: the connection "
                                   "failed, timed out or broke.",
                                   "cli.md"));
  free(short_text);
  return i;
}

static cJSON *physical(const char *uri, int line, int col) {
  cJSON *loc = cJSON_CreateObject();
  cJSON *ph = cJSON_AddObjectToObject(loc, "physicalLocation");
  cJSON *art = cJSON_AddObjectToObject(ph, "artifactLocation");
  cJSON_AddStringToObject(art, "uri", uri);
  if (uri[0] != 'f' || strncmp(uri, "file://", 7))
    cJSON_AddStringToObject(art, "uriBaseId", "%SRCROOT%");
  if (line > 0) {
    cJSON *reg = cJSON_AddObjectToObject(ph, "region");
    cJSON_AddNumberToObject(reg, "startLine", line);
    if (col > 0) cJSON_AddNumberToObject(reg, "startColumn", col);
  }
  return loc;
}

static cJSON *result(cJSON *rules, const gt_finding *x) {
  cJSON *r = cJSON_CreateObject();
  char *id = x->error ? gt_xasprintf("error/%s", x->check) : gt_xasprintf("check/%s", x->check);
  int idx = rule_index(rules, id, x->check);
  cJSON_AddStringToObject(r, "ruleId", id);
  cJSON_AddNumberToObject(r, "ruleIndex", idx);
  free(id);
  /* accepted in the baseline: still reported, as a note */
  cJSON_AddStringToObject(r, "level", x->accepted ? "note" : "error");
  char *line = gt_finding_line(x);
  gt_buf msg;
  gt_buf_init(&msg);
  gt_buf_printf(&msg, "%s: %s", x->suite, line);
  if (x->context) gt_buf_printf(&msg, ". There: %s", x->context);
  if (x->accepted) gt_buf_adds(&msg, " [accepted in the baseline]");
  cJSON_AddItemToObject(r, "message", text_obj(msg.data));
  gt_buf_free(&msg);
  free(line);
  if (x->suite_file) {
    char *uri = path_uri(x->suite_file);
    cJSON *locs = cJSON_AddArrayToObject(r, "locations");
    cJSON_AddItemToArray(locs, physical(uri, x->line, x->col));
    if (x->fault_line > 0) {
      cJSON *rel = cJSON_AddArrayToObject(r, "relatedLocations");
      cJSON *l = physical(uri, x->fault_line, 0);
      cJSON_AddNumberToObject(l, "id", 1);
      cJSON_AddItemToObject(l, "message", text_obj("the fault of the example case"));
      cJSON_AddItemToArray(rel, l);
    }
    free(uri);
  }
  cJSON *fp = cJSON_AddObjectToObject(r, "partialFingerprints");
  cJSON_AddStringToObject(fp, "gauntletFinding/v1", x->id);
  if (x->accepted) cJSON_AddStringToObject(r, "baselineState", "unchanged");
  cJSON *props = cJSON_AddObjectToObject(r, "properties");
  cJSON_AddItemToObject(props, "suite", gt_report_json_str(x->suite));
  cJSON_AddItemToObject(props, "location", gt_report_json_str(x->location));
  cJSON_AddNumberToObject(props, "cases", (double)x->n_cases);
  cJSON *sc = cJSON_AddArrayToObject(props, "scenarios");
  for (size_t i = 0; i < x->n_scenarios; i++)
    cJSON_AddItemToArray(sc, gt_report_json_str(x->scenarios[i]));
  cJSON *fa = cJSON_AddArrayToObject(props, "faults");
  for (size_t i = 0; i < x->n_faults; i++)
    cJSON_AddItemToArray(fa, gt_report_json_str(x->faults[i]));
  cJSON_AddItemToObject(props, "example", gt_report_json_str(x->example));
  cJSON_AddItemToObject(props, "repro", gt_report_json_str(x->example_repro));
  return r;
}

typedef struct sarif_parts {
  gt_findings *f;
  const gt_run_totals *t;
} sarif_parts;

static bool write_sarif(FILE *out, void *ud) {
  sarif_parts *p = ud;
  cJSON *doc = cJSON_CreateObject();
  cJSON_AddStringToObject(doc, "$schema", SARIF_SCHEMA);
  cJSON_AddStringToObject(doc, "version", "2.1.0");
  cJSON *runs = cJSON_AddArrayToObject(doc, "runs");
  cJSON *run = cJSON_CreateObject();
  cJSON_AddItemToArray(runs, run);
  cJSON *driver = cJSON_AddObjectToObject(cJSON_AddObjectToObject(run, "tool"), "driver");
  cJSON_AddStringToObject(driver, "name", "gauntlet");
  cJSON_AddStringToObject(driver, "version", GAUNTLET_VERSION);
  cJSON_AddStringToObject(driver, "semanticVersion", GAUNTLET_VERSION);
  cJSON *rules = all_rules();
  cJSON *results = cJSON_CreateArray();
  for (size_t i = 0; i < gt_findings_count(p->f); i++)
    cJSON_AddItemToArray(results, result(rules, gt_findings_get(p->f, i)));
  cJSON_AddItemToObject(driver, "rules", rules);
  cJSON *inv = cJSON_CreateObject();
  /* false only when the run could not complete (a signal, --fail-fast):
   * failed cases are results, not a failed execution */
  cJSON_AddBoolToObject(inv, "executionSuccessful", !p->t->interrupted);
  if (p->t->stopped) {
    cJSON *notes = cJSON_AddArrayToObject(inv, "toolExecutionNotifications");
    cJSON *n = cJSON_CreateObject();
    cJSON_AddItemToObject(n, "message", text_obj(p->t->stopped));
    cJSON_AddStringToObject(n, "level", "warning");
    cJSON_AddItemToArray(notes, n);
  }
  cJSON *invs = cJSON_AddArrayToObject(run, "invocations");
  cJSON_AddItemToArray(invs, inv);
  cJSON *bases = cJSON_AddObjectToObject(run, "originalUriBaseIds");
  cJSON *root = cJSON_AddObjectToObject(bases, "%SRCROOT%");
  cJSON_AddItemToObject(root, "description", text_obj("the directory gauntlet ran in"));
  cJSON_AddItemToObject(run, "results", results);
  cJSON *props = cJSON_AddObjectToObject(run, "properties");
  cJSON_AddNumberToObject(props, "seed", (double)p->t->seed);
  cJSON_AddNumberToObject(props, "cases", (double)p->t->total);
  cJSON_AddNumberToObject(props, "failed", (double)p->t->failed);
  cJSON_AddNumberToObject(props, "errors", (double)p->t->errors);
  char *text = cJSON_Print(doc);
  cJSON_Delete(doc);
  if (!text) gt_oom();
  fputs(text, out);
  fputc('\n', out);
  free(text);
  return !ferror(out);
}

bool gt_sarif_write(const char *path, gt_findings *f, const gt_run_totals *t, gt_err *err) {
  sarif_parts p = {f, t};
  return gt_report_write_atomic(path, write_sarif, &p, err);
}
