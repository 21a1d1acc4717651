/* coverage.c — what a run exercised of each documented operation
 * (docs/openapi.md "Coverage"): the documented statuses observed and not
 * observed, the undocumented statuses seen, the faults that ran, and per
 * documented parameter the cases that sent it and the faults that made it
 * invalid. Fed by the CLI's report sink one suite and one case result at a
 * time; one record per operation, nothing per case. */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../fault/fault.h"
#include "../report/report.h"
#include "openapi.h"

typedef struct cov_count {
  char *name; /* a status ("200") or a fault name */
  size_t n;
} cov_count;

typedef struct cov_list {
  cov_count *items;
  size_t n, cap;
} cov_list;

/* A documented parameter of an operation. */
typedef struct cov_param {
  char *name, *in; /* "limit", "query" */
  bool required;
  size_t sent;     /* cases that ran carrying it */
  cov_list faults; /* schema-driven faults that made it invalid (or left it out) */
} cov_param;

typedef struct cov_op {
  char *label; /* "GET /pets/{petId}" */
  char *method, *path, *op_id;
  char **documented; /* "200", "4XX", "default" as the document writes them */
  size_t *doc_seen;  /* cases per documented status */
  size_t n_documented;
  cov_list statuses;     /* every counted status, by number */
  cov_list undocumented; /* statuses no documented response covers */
  cov_list faults;
  size_t cases; /* that ran (not skipped) */
  cov_param *params;
  size_t n_params;
} cov_op;

/* A schema-driven fault case's invalid parameter value: by the fault and
 * the case label ("query limit above maximum 100"). */
typedef struct cov_neg {
  char *fault, *label;
  size_t param;  /* index into the operation's params */
  bool left_out; /* missing_param: the case does not send it */
} cov_neg;

typedef struct cov_scenario {
  char *name;
  long op;       /* index into ops, -1: not tied */
  bool *carries; /* per parameter of the operation: its request sends it */
  cov_neg *negs;
  size_t n_negs;
} cov_scenario;

typedef struct cov_suite {
  char *name, *file, *document;
  cov_op *ops;
  size_t n_ops;
  cov_scenario *scenarios; /* sorted by name */
  size_t n_scenarios;
} cov_suite;

struct gt_coverage {
  cov_suite *suites;
  size_t n;
  cov_suite *cur; /* the suite whose cases come in, or NULL (no document) */
};

gt_coverage *gt_coverage_new(void) {
  return gt_xcalloc(1, sizeof(gt_coverage));
}

static void list_free(cov_list *l) {
  for (size_t i = 0; i < l->n; i++)
    free(l->items[i].name);
  free(l->items);
}

static void list_add(cov_list *l, const char *name) {
  for (size_t i = 0; i < l->n; i++)
    if (!strcmp(l->items[i].name, name)) {
      l->items[i].n++;
      return;
    }
  if (l->n == l->cap) {
    l->cap = l->cap ? l->cap * 2 : 4;
    l->items = gt_xrealloc(l->items, l->cap * sizeof *l->items);
  }
  l->items[l->n++] = (cov_count){gt_xstrdup(name), 1};
}

static int by_number(const void *a, const void *b) {
  return strcmp(((const cov_count *)a)->name, ((const cov_count *)b)->name);
}

void gt_coverage_free(gt_coverage *c) {
  if (!c) return;
  for (size_t i = 0; i < c->n; i++) {
    cov_suite *s = &c->suites[i];
    for (size_t k = 0; k < s->n_ops; k++) {
      cov_op *o = &s->ops[k];
      free(o->label), free(o->method), free(o->path), free(o->op_id);
      for (size_t d = 0; d < o->n_documented; d++)
        free(o->documented[d]);
      free(o->documented);
      free(o->doc_seen);
      list_free(&o->statuses);
      list_free(&o->undocumented);
      list_free(&o->faults);
      for (size_t p = 0; p < o->n_params; p++) {
        free(o->params[p].name), free(o->params[p].in);
        list_free(&o->params[p].faults);
      }
      free(o->params);
    }
    free(s->ops);
    for (size_t k = 0; k < s->n_scenarios; k++) {
      cov_scenario *sc = &s->scenarios[k];
      free(sc->name);
      free(sc->carries);
      for (size_t g = 0; g < sc->n_negs; g++)
        free(sc->negs[g].fault), free(sc->negs[g].label);
      free(sc->negs);
    }
    free(s->scenarios);
    free(s->name), free(s->file), free(s->document);
  }
  free(c->suites);
  free(c);
}

static int by_name(const void *a, const void *b) {
  return strcmp(((const cov_scenario *)a)->name, ((const cov_scenario *)b)->name);
}

static int name_is(const void *name, const void *sc) {
  return strcmp(name, ((const cov_scenario *)sc)->name);
}

static bool is_parameter(const char *in) {
  return !strcmp(in, "path") || !strcmp(in, "query") || !strcmp(in, "header") ||
         !strcmp(in, "cookie");
}

static const char *map_text(const gt_node *m, const char *key) {
  for (size_t i = 0; m && m->kind == GT_NODE_MAP && i < m->count; i++)
    if (m->keys[i]->text && !strcasecmp(m->keys[i]->text, key)) return m->items[i]->text;
  return NULL;
}

/* Does a `name=...` pair (or a deepObject `name[...]=`) appear in text
 * split at sep ('&' a query, ';' a Cookie header)? */
static bool pair_named(const char *text, char sep, const char *name) {
  size_t n = strlen(name);
  for (const char *p = text ? text : ""; *p;) {
    while (*p == ' ' || *p == sep)
      p++;
    size_t len = strcspn(p, sep == '&' ? "&" : ";");
    if (len >= n && !strncmp(p, name, n) && (p[n] == '=' || p[n] == '[' || len == n)) return true;
    p += len;
  }
  return false;
}

/* Which of the operation's parameters the scenario's request sends (its
 * path, query, headers and Cookie header as written), and which parameter
 * each of its schema-driven invalid values is about. */
static void plan_scenario(const cov_op *o, const gt_scenario *sc, cov_scenario *out) {
  const gt_request *rq = &sc->request;
  const char *path = rq->path && rq->path->text ? rq->path->text : "";
  const char *q = strchr(path, '?');
  const char *cookies = map_text(rq->headers, "Cookie");
  out->carries = gt_xcalloc(o->n_params ? o->n_params : 1, sizeof *out->carries);
  for (size_t i = 0; i < o->n_params; i++) {
    const cov_param *p = &o->params[i];
    bool sent = false;
    if (!strcmp(p->in, "path")) {
      sent = true; /* the scenario is tied to the operation by its path */
    } else if (!strcmp(p->in, "query")) {
      for (size_t k = 0; rq->query && rq->query->kind == GT_NODE_MAP && k < rq->query->count; k++)
        sent = sent || pair_named(rq->query->keys[k]->text, '&', p->name);
      sent = sent || (q && pair_named(q + 1, '&', p->name));
    } else if (!strcmp(p->in, "header")) {
      sent = map_text(rq->headers, p->name) != NULL;
    } else {
      sent = pair_named(cookies, ';', p->name);
    }
    out->carries[i] = sent;
  }
  const gt_contract *k = sc->contract;
  for (size_t i = 0; k && i < k->n_negatives; i++) {
    const gt_negative *n = &k->negatives[i];
    const char *in = n->in == GT_NEG_PATH     ? "path"
                     : n->in == GT_NEG_QUERY  ? "query"
                     : n->in == GT_NEG_HEADER ? "header"
                     : n->in == GT_NEG_COOKIE ? "cookie"
                                              : NULL;
    for (size_t p = 0; in && p < o->n_params; p++) {
      bool same = !strcmp(o->params[p].in, in) &&
                  (n->in == GT_NEG_HEADER ? !strcasecmp(o->params[p].name, n->name)
                                          : !strcmp(o->params[p].name, n->name));
      if (!same) continue;
      out->negs = gt_xrealloc(out->negs, (out->n_negs + 1) * sizeof *out->negs);
      out->negs[out->n_negs++] =
          (cov_neg){gt_xstrdup(gt_fault_name(n->fault)), gt_xstrdup(n->label), p, n->value == NULL};
      break;
    }
  }
}

/* The variant label of a case named "SCENARIO [FAULT #N LABEL]", or NULL. */
static char *case_label(const gt_case_result *r) {
  const char *name = r->name ? r->name : "";
  size_t sl = strlen(r->scenario), fl = strlen(r->fault);
  if (strncmp(name, r->scenario, sl) || strncmp(name + sl, " [", 2) ||
      strncmp(name + sl + 2, r->fault, fl) || strncmp(name + sl + 2 + fl, " #", 2))
    return NULL;
  const char *p = name + sl + 2 + fl + 2;
  while (isdigit((unsigned char)*p))
    p++;
  size_t n = strlen(p);
  if (*p != ' ' || n < 2 || p[n - 1] != ']') return NULL;
  return gt_xstrndup(p + 1, n - 2);
}

/* The parameters a case sent and the one its schema-driven fault made
 * invalid. */
static void count_params(cov_op *o, const cov_scenario *sc, const gt_case_result *r) {
  const cov_neg *neg = NULL;
  char *label = sc->n_negs && r->fault ? case_label(r) : NULL;
  for (size_t i = 0; label && i < sc->n_negs && !neg; i++)
    if (!strcmp(sc->negs[i].fault, r->fault) && !strcmp(sc->negs[i].label, label))
      neg = &sc->negs[i];
  free(label);
  for (size_t i = 0; i < o->n_params; i++) {
    bool sent = sc->carries[i];
    if (neg && neg->param == i) {
      sent = !neg->left_out;
      list_add(&o->params[i].faults, neg->fault);
    }
    o->params[i].sent += sent;
  }
}

void gt_coverage_suite(gt_coverage *c, const gt_suite *s) {
  c->cur = NULL;
  const gt_openapi *d = gt_openapi_of(s);
  if (!d) return;
  c->suites = gt_xrealloc(c->suites, (c->n + 1) * sizeof *c->suites);
  cov_suite *cs = &c->suites[c->n++];
  memset(cs, 0, sizeof *cs);
  cs->name = gt_xstrdup(s->name ? s->name : "");
  cs->file = gt_xstrdup(s->file ? s->file : "");
  cs->document = gt_xstrdup(d->file ? d->file : "");
  cs->n_ops = d->n_ops;
  cs->ops = gt_xcalloc(d->n_ops ? d->n_ops : 1, sizeof *cs->ops);
  for (size_t i = 0; i < d->n_ops; i++) {
    const gt_oa_op *op = &d->ops[i];
    cov_op *o = &cs->ops[i];
    o->label = gt_xasprintf("%s %s", op->method, op->path);
    o->method = gt_xstrdup(op->method);
    o->path = gt_xstrdup(op->path);
    o->op_id = op->op_id ? gt_xstrdup(op->op_id) : NULL;
    o->n_documented = op->n_responses;
    o->documented = gt_xcalloc(op->n_responses ? op->n_responses : 1, sizeof *o->documented);
    o->doc_seen = gt_xcalloc(op->n_responses ? op->n_responses : 1, sizeof *o->doc_seen);
    for (size_t r = 0; r < op->n_responses; r++)
      o->documented[r] = gt_xstrdup(op->responses[r].status);
    o->params = gt_xcalloc(op->n_params ? op->n_params : 1, sizeof *o->params);
    for (size_t k = 0; k < op->n_params; k++) {
      const gt_oa_param *p = &op->params[k];
      if (!is_parameter(p->in)) continue;
      o->params[o->n_params++] = (cov_param){
          .name = gt_xstrdup(p->name), .in = gt_xstrdup(p->in), .required = p->required};
    }
  }
  cs->n_scenarios = s->n_scenarios;
  cs->scenarios = gt_xcalloc(s->n_scenarios ? s->n_scenarios : 1, sizeof *cs->scenarios);
  for (size_t k = 0; k < s->n_scenarios; k++) {
    cov_scenario *sc = &cs->scenarios[k];
    sc->name = gt_xstrdup(s->scenarios[k].name ? s->scenarios[k].name : "");
    sc->op = gt_openapi_op_of(s, k);
    if (sc->op >= 0) plan_scenario(&cs->ops[sc->op], &s->scenarios[k], sc);
  }
  qsort(cs->scenarios, cs->n_scenarios, sizeof *cs->scenarios, by_name);
  c->cur = cs;
}

bool gt_coverage_any(const gt_coverage *c) {
  return c && c->n > 0;
}

/* The documented response a status falls under, as the `schema` check reads
 * the document: the exact code, else its class (4XX), else default; -1. */
static long documented_index(const cov_op *o, int status) {
  char code[8];
  snprintf(code, sizeof code, "%d", status);
  long cls = -1, def = -1;
  for (size_t i = 0; i < o->n_documented; i++) {
    const char *s = o->documented[i];
    if (!strcmp(s, code)) return (long)i;
    if (s[0] == code[0] && (s[1] == 'X' || s[1] == 'x')) cls = (long)i;
    if (!strcmp(s, "default")) def = (long)i;
  }
  return cls >= 0 ? cls : def;
}

/* Faults whose request is not the operation's (another path or method) or
 * that only the transport judges: their statuses say nothing about it. */
static bool leaves_operation(const char *fault) {
  int id = gt_fault_from_name(fault);
  return id >= 0 && gt_fault_leaves_operation((gt_fault_id)id);
}

void gt_coverage_case(gt_coverage *c, const gt_case_result *r) {
  cov_suite *cs = c ? c->cur : NULL;
  if (!cs || !r->scenario || r->kind == GT_RESULT_SKIP) return;
  const cov_scenario *sc =
      bsearch(r->scenario, cs->scenarios, cs->n_scenarios, sizeof *cs->scenarios, name_is);
  if (!sc || sc->op < 0) return;
  cov_op *o = &cs->ops[sc->op];
  o->cases++;
  const char *fault = r->fault ? r->fault : "valid";
  if (strcmp(fault, "valid")) list_add(&o->faults, fault);
  if (!leaves_operation(fault)) count_params(o, sc, r);
  if (r->status < 100 || r->status > 599 || leaves_operation(fault)) return;
  char code[8];
  snprintf(code, sizeof code, "%d", r->status);
  list_add(&o->statuses, code);
  long i = documented_index(o, r->status);
  if (i >= 0)
    o->doc_seen[i]++;
  else
    list_add(&o->undocumented, code);
}

/* ---- totals and text ---- */

typedef struct cov_totals {
  size_t ops, exercised, documented, observed;
  size_t params, params_sent, params_faulted;
} cov_totals;

static cov_totals totals_of(const cov_suite *s) {
  cov_totals t = {.ops = s->n_ops};
  for (size_t i = 0; i < s->n_ops; i++) {
    for (size_t p = 0; p < s->ops[i].n_params; p++) {
      t.params++;
      t.params_sent += s->ops[i].params[p].sent > 0;
      t.params_faulted += s->ops[i].params[p].faults.n > 0;
    }
    t.exercised += s->ops[i].cases > 0;
    t.documented += s->ops[i].n_documented;
    for (size_t d = 0; d < s->ops[i].n_documented; d++)
      t.observed += s->ops[i].doc_seen[d] > 0;
  }
  return t;
}

/* The documented statuses observed (seen true) or not, space-separated. */
static void put_documented(gt_buf *b, const cov_op *o, bool seen, const char *none) {
  size_t n = 0;
  for (size_t d = 0; d < o->n_documented; d++)
    if ((o->doc_seen[d] > 0) == seen) gt_buf_printf(b, "%s%s", n++ ? " " : "", o->documented[d]);
  if (!n) gt_buf_adds(b, none);
}

static void put_list(gt_buf *b, const cov_list *l, const char *none) {
  for (size_t i = 0; i < l->n; i++)
    gt_buf_printf(b, "%s%s", i ? " " : "", l->items[i].name);
  if (!l->n) gt_buf_adds(b, none);
}

/* Faults in catalogue order (docs/faults.md): the order cases finish in
 * does not show. */
static int by_catalogue(const void *a, const void *b) {
  const char *x = ((const cov_count *)a)->name, *y = ((const cov_count *)b)->name;
  unsigned ix = (unsigned)gt_fault_from_name(x), iy = (unsigned)gt_fault_from_name(y);
  return ix != iy ? (ix < iy ? -1 : 1) : strcmp(x, y);
}

static void sort_list(cov_list *l, int (*cmp)(const void *, const void *)) {
  if (l->n > 1) qsort(l->items, l->n, sizeof *l->items, cmp); /* items is NULL when empty */
}

static void sort_lists(cov_op *o) {
  sort_list(&o->undocumented, by_number);
  sort_list(&o->statuses, by_number);
  sort_list(&o->faults, by_catalogue);
  for (size_t i = 0; i < o->n_params; i++)
    sort_list(&o->params[i].faults, by_catalogue);
}

/* "in name" of the parameters sent (sent true) or not, or faulted
 * (faulted true), comma-separated; none when there is none. */
static void put_params(gt_buf *b, const cov_op *o, bool sent, bool faulted, const char *none) {
  size_t n = 0;
  for (size_t i = 0; i < o->n_params; i++) {
    const cov_param *p = &o->params[i];
    bool in = faulted ? p->faults.n > 0 : (p->sent > 0) == sent;
    if (in) gt_buf_printf(b, "%s%s %s", n++ ? ", " : "", p->in, p->name);
  }
  if (!n) gt_buf_adds(b, none);
}

size_t gt_coverage_properties(const gt_coverage *c, gt_property **props) {
  *props = NULL;
  const cov_suite *s = c ? c->cur : NULL;
  if (!s) return 0;
  gt_property *p = gt_xcalloc(2 * s->n_ops + 4, sizeof *p);
  cov_totals t = totals_of(s);
  size_t n = 0;
  p[n].name = gt_xstrdup("coverage.document");
  p[n++].value = gt_xstrdup(s->document);
  p[n].name = gt_xstrdup("coverage.operations");
  p[n++].value = gt_xasprintf("%zu of %zu exercised", t.exercised, t.ops);
  p[n].name = gt_xstrdup("coverage.statuses");
  p[n++].value = gt_xasprintf("%zu of %zu documented statuses observed", t.observed, t.documented);
  p[n].name = gt_xstrdup("coverage.parameters");
  p[n++].value = gt_xasprintf("%zu of %zu documented parameters sent, %zu faulted", t.params_sent,
                              t.params, t.params_faulted);
  for (size_t i = 0; i < s->n_ops; i++) {
    cov_op *o = &s->ops[i];
    sort_lists(o);
    gt_buf b;
    gt_buf_init(&b);
    gt_buf_adds(&b, "observed: ");
    put_documented(&b, o, true, "-");
    gt_buf_adds(&b, "; not observed: ");
    put_documented(&b, o, false, "-");
    gt_buf_adds(&b, "; undocumented: ");
    put_list(&b, &o->undocumented, "-");
    gt_buf_adds(&b, "; faults: ");
    put_list(&b, &o->faults, "-");
    if (!o->cases) gt_buf_adds(&b, "; not exercised");
    p[n].name = gt_xasprintf("coverage.op.%s", o->label);
    p[n++].value = gt_buf_steal(&b);
    if (!o->n_params) continue;
    gt_buf_init(&b);
    gt_buf_adds(&b, "sent: ");
    put_params(&b, o, true, false, "-");
    gt_buf_adds(&b, "; not sent: ");
    put_params(&b, o, false, false, "-");
    gt_buf_adds(&b, "; faulted: ");
    put_params(&b, o, false, true, "-");
    p[n].name = gt_xasprintf("coverage.parameters.%s", o->label);
    p[n++].value = gt_buf_steal(&b);
  }
  *props = p;
  return n;
}

/* A cell of the console table: text cut to cap bytes with "..." */
static char *cell(gt_buf *b, size_t cap) {
  if (!b->len) gt_buf_adds(b, "-");
  if (b->len > cap) {
    b->data[cap - 3] = 0;
    b->len = cap - 3;
    gt_buf_adds(b, "...");
  }
  return gt_buf_steal(b);
}

enum { COL_CAP = 36, N_COLS = 6 };

void gt_coverage_print(const gt_coverage *c, FILE *out, size_t max_rows, bool brief) {
  for (size_t si = 0; c && si < c->n; si++) {
    const cov_suite *s = &c->suites[si];
    cov_totals t = totals_of(s);
    fprintf(out,
            "coverage of %s (suite %s): %zu of %zu operations exercised, %zu of %zu "
            "documented statuses observed, %zu of %zu parameters sent (%zu faulted)\n",
            s->document, s->name, t.exercised, t.ops, t.observed, t.documented, t.params_sent,
            t.params, t.params_faulted);
    if (brief) continue;
    size_t rows = s->n_ops < max_rows ? s->n_ops : max_rows;
    char **cells = gt_xcalloc((rows + 1) * N_COLS, sizeof *cells);
    static const char *const head[N_COLS] = {"operation",    "observed",   "not observed",
                                             "undocumented", "parameters", "faults"};
    size_t width[N_COLS] = {0};
    for (size_t k = 0; k < N_COLS; k++)
      cells[k] = gt_xstrdup(head[k]);
    for (size_t i = 0; i < rows; i++) {
      cov_op *o = &s->ops[i];
      sort_lists(o);
      char **row = &cells[(i + 1) * N_COLS];
      gt_buf b;
      gt_buf_init(&b);
      gt_buf_adds(&b, o->label);
      row[0] = cell(&b, 48);
      if (!o->cases) {
        row[1] = gt_xstrdup("(not exercised)");
        row[2] = row[3] = row[4] = row[5] = NULL;
        continue;
      }
      put_documented(&b, o, true, "");
      row[1] = cell(&b, COL_CAP);
      put_documented(&b, o, false, "");
      row[2] = cell(&b, COL_CAP);
      put_list(&b, &o->undocumented, "");
      row[3] = cell(&b, COL_CAP);
      size_t sent = 0, faulted = 0;
      for (size_t k = 0; k < o->n_params; k++) {
        sent += o->params[k].sent > 0;
        faulted += o->params[k].faults.n > 0;
      }
      if (o->n_params) gt_buf_printf(&b, "%zu/%zu sent, %zu faulted", sent, o->n_params, faulted);
      row[4] = cell(&b, COL_CAP);
      put_list(&b, &o->faults, "");
      row[5] = cell(&b, 60);
    }
    for (size_t i = 0; i <= rows; i++)
      for (size_t k = 0; k + 1 < N_COLS; k++) {
        const char *v = cells[i * N_COLS + k];
        size_t w = v ? strlen(v) : 0;
        if (w > width[k] && !(k == 1 && i && !cells[i * N_COLS + 2])) width[k] = w;
      }
    for (size_t i = 0; i <= rows; i++) {
      gt_buf line;
      gt_buf_init(&line);
      gt_buf_adds(&line, "  ");
      for (size_t k = 0; k < N_COLS; k++) {
        const char *v = cells[i * N_COLS + k];
        if (!v) break;
        bool last = k + 1 == N_COLS || !cells[i * N_COLS + k + 1];
        if (last)
          gt_buf_adds(&line, v);
        else
          gt_buf_printf(&line, "%-*s  ", (int)width[k], v);
      }
      while (line.len && line.data[line.len - 1] == ' ')
        line.data[--line.len] = 0;
      fprintf(out, "%s\n", line.data);
      gt_buf_free(&line);
    }
    if (s->n_ops > rows)
      fprintf(out, "  ... %zu more operations (all of them: --coverage FILE)\n", s->n_ops - rows);
    for (size_t i = 0; i < (rows + 1) * N_COLS; i++)
      free(cells[i]);
    free(cells);
  }
}

/* ---- JSON ---- */

static cJSON *counts_json(const cov_list *l) {
  cJSON *o = cJSON_CreateObject();
  for (size_t i = 0; i < l->n; i++)
    cJSON_AddNumberToObject(o, l->items[i].name, (double)l->items[i].n);
  return o;
}

static cJSON *op_json(cov_op *o) {
  sort_lists(o);
  cJSON *j = cJSON_CreateObject();
  cJSON_AddItemToObject(j, "operation", gt_report_json_str(o->label));
  cJSON_AddItemToObject(j, "method", gt_report_json_str(o->method));
  cJSON_AddItemToObject(j, "path", gt_report_json_str(o->path));
  cJSON_AddItemToObject(j, "operation_id", gt_report_json_str(o->op_id));
  cJSON_AddNumberToObject(j, "cases", (double)o->cases);
  cJSON *doc = cJSON_AddArrayToObject(j, "documented");
  cJSON *seen = cJSON_AddArrayToObject(j, "observed");
  cJSON *unseen = cJSON_AddArrayToObject(j, "not_observed");
  for (size_t d = 0; d < o->n_documented; d++) {
    cJSON_AddItemToArray(doc, gt_report_json_str(o->documented[d]));
    cJSON_AddItemToArray(o->doc_seen[d] ? seen : unseen, gt_report_json_str(o->documented[d]));
  }
  cJSON *undoc = cJSON_AddArrayToObject(j, "undocumented");
  for (size_t i = 0; i < o->undocumented.n; i++)
    cJSON_AddItemToArray(undoc, cJSON_CreateNumber(atoi(o->undocumented.items[i].name)));
  cJSON_AddItemToObject(j, "statuses", counts_json(&o->statuses));
  cJSON_AddItemToObject(j, "faults", counts_json(&o->faults));
  cJSON *params = cJSON_AddArrayToObject(j, "parameters");
  for (size_t i = 0; i < o->n_params; i++) {
    const cov_param *p = &o->params[i];
    cJSON *pj = cJSON_CreateObject();
    cJSON_AddItemToObject(pj, "name", gt_report_json_str(p->name));
    cJSON_AddStringToObject(pj, "in", p->in);
    cJSON_AddBoolToObject(pj, "required", p->required);
    cJSON_AddNumberToObject(pj, "sent", (double)p->sent);
    cJSON_AddItemToObject(pj, "faults", counts_json(&p->faults));
    cJSON_AddItemToArray(params, pj);
  }
  return j;
}

cJSON *gt_coverage_json(const gt_coverage *c) {
  cJSON *root = cJSON_CreateObject();
  cJSON_AddStringToObject(root, "format", "gauntlet-coverage");
  cJSON_AddNumberToObject(root, "version", 1);
  cJSON_AddStringToObject(root, "gauntlet", GAUNTLET_VERSION);
  cJSON *suites = cJSON_AddArrayToObject(root, "suites");
  for (size_t si = 0; c && si < c->n; si++) {
    const cov_suite *s = &c->suites[si];
    cov_totals t = totals_of(s);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddItemToObject(j, "suite", gt_report_json_str(s->name));
    cJSON_AddItemToObject(j, "file", gt_report_json_str(s->file));
    cJSON_AddItemToObject(j, "document", gt_report_json_str(s->document));
    cJSON *tj = cJSON_AddObjectToObject(j, "totals");
    cJSON_AddNumberToObject(tj, "operations", (double)t.ops);
    cJSON_AddNumberToObject(tj, "operations_exercised", (double)t.exercised);
    cJSON_AddNumberToObject(tj, "documented_statuses", (double)t.documented);
    cJSON_AddNumberToObject(tj, "observed_statuses", (double)t.observed);
    cJSON_AddNumberToObject(tj, "parameters", (double)t.params);
    cJSON_AddNumberToObject(tj, "parameters_sent", (double)t.params_sent);
    cJSON_AddNumberToObject(tj, "parameters_faulted", (double)t.params_faulted);
    cJSON *ops = cJSON_AddArrayToObject(j, "operations");
    for (size_t i = 0; i < s->n_ops; i++)
      cJSON_AddItemToArray(ops, op_json(&s->ops[i]));
    cJSON_AddItemToArray(suites, j);
  }
  return root;
}

static bool write_json(FILE *out, void *ud) {
  char *text = cJSON_Print(ud);
  if (!text) gt_oom();
  fputs(text, out);
  fputc('\n', out);
  free(text);
  return !ferror(out);
}

bool gt_coverage_write(const gt_coverage *c, const char *path, gt_err *err) {
  cJSON *doc = gt_coverage_json(c);
  bool ok = gt_report_write_atomic(path, write_json, doc, err);
  cJSON_Delete(doc);
  return ok;
}
