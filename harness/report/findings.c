/* findings.c — failed cases grouped by cause (docs/reports.md, "Findings").
 *
 * One defect in a server makes many cases fail: every fault of every
 * scenario that reaches the broken rule. A reader wants the defect once,
 * with how far it reaches and one example. Grouping is by what failed and
 * where, never by fault. Memory: one record per finding, its distinct
 * scenario and fault names and at most GT_FINDING_CASES_KEPT case names;
 * nothing per passing case. */
#include "report.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"

enum { SUMMARY_VALUE_CAP = 90 };

struct gt_findings {
  gt_finding **items; /* owned */
  uint32_t *hashes;   /* of each item's key */
  char **keys;        /* owned */
  size_t n, cap;
  bool sorted;
  size_t failed_cases;
  char (*baseline)[12]; /* accepted ids (owned) */
  size_t n_baseline;
  char (*last)[12]; /* ids of the last case added (owned) */
  size_t n_last, cap_last;
};

gt_findings *gt_findings_new(void) {
  return gt_xcalloc(1, sizeof(gt_findings));
}

static void free_list(char **v, size_t n) {
  for (size_t i = 0; i < n; i++)
    free(v[i]);
  free(v);
}

static void finding_free(gt_finding *x) {
  free(x->suite), free(x->suite_file), free(x->check), free(x->location), free(x->summary);
  free(x->expected), free(x->actual), free(x->context), free(x->example);
  free(x->example_message), free(x->example_detail), free(x->example_exchange);
  free(x->example_repro);
  free_list(x->scenarios, x->n_scenarios);
  free_list(x->faults, x->n_faults);
  free_list(x->cases, x->n_cases_kept);
  free(x);
}

void gt_findings_free(gt_findings *f) {
  if (!f) return;
  for (size_t i = 0; i < f->n; i++) {
    finding_free(f->items[i]);
    free(f->keys[i]);
  }
  free(f->items), free(f->hashes), free(f->keys), free(f->baseline), free(f->last), free(f);
}

/* FNV-1a: stable across runs, platforms and versions (the ids are stored
 * in baseline files). */
static uint32_t fnv1a(const char *s) {
  uint32_t h = 2166136261u;
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 16777619u;
  return h;
}

static bool is_status_check(const char *check) {
  return !strcmp(check, "status") || !strcmp(check, "documented_status") ||
         !strcmp(check, "no_server_error");
}

static bool is_universal(const char *check) {
  static const char *const universal[] = {
      "no_server_error",   "content_type",     "json_parses", "error_shape",
      "documented_status", "required_headers", "utf8",        "envelope"};
  for (size_t i = 0; i < sizeof universal / sizeof *universal; i++)
    if (!strcmp(check, universal[i])) return true;
  return false;
}

/* $.items[3].id -> $.items[*].id: the same member of every element is one
 * location. Other locations are kept as written. Caller frees. */
static char *normalise(const char *where, const char *check, int status) {
  if (is_status_check(check)) {
    if (status >= 100 && status <= 599) return gt_xasprintf("status %dxx", status / 100);
    return gt_xstrdup("status none");
  }
  gt_buf b;
  gt_buf_init(&b);
  for (const char *p = where; *p; p++) {
    if (*p == '[' && where[0] == '$' && isdigit((unsigned char)p[1])) {
      const char *q = p + 1;
      while (isdigit((unsigned char)*q))
        q++;
      if (*q == ']') {
        gt_buf_adds(&b, "[*]");
        p = q;
        continue;
      }
    }
    gt_buf_addc(&b, *p);
  }
  if (!b.data) gt_buf_adds(&b, "");
  return gt_buf_steal(&b);
}

static char *shorten(const char *s) {
  size_t n = strlen(s);
  if (n <= SUMMARY_VALUE_CAP) return gt_xstrdup(s);
  size_t cut = SUMMARY_VALUE_CAP;
  while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
    cut--;
  return gt_xasprintf("%.*s...", (int)cut, s);
}

static char *summary_of(const char *check, const char *loc, const char *exp, const char *act,
                        bool error) {
  if (error) return gt_xasprintf("%s%s%s", check, *loc ? " " : "", loc);
  char *e = shorten(exp), *a = shorten(act), *out;
  if (is_status_check(check))
    out = gt_xasprintf("%s: expected %s, got %s", check, e, loc + 7 /* "status " */);
  else if (!strcmp(act, "missing"))
    out = gt_xasprintf("%s%s%s missing", check, *loc ? " " : "", loc);
  else
    out = gt_xasprintf("%s%s%s: expected %s, got %s", check, *loc ? " " : "", loc, e, a);
  free(e), free(a);
  return out;
}

static void add_distinct(char ***v, size_t *n, const char *s) {
  if (!s) return;
  for (size_t i = 0; i < *n; i++)
    if (!strcmp((*v)[i], s)) return;
  *v = gt_xrealloc(*v, (*n + 1) * sizeof **v);
  (*v)[(*n)++] = gt_xstrdup(s);
}

static char *dup_or_null(const char *s) {
  return s ? gt_xstrdup(s) : NULL;
}

bool gt_findings_baseline_has(const gt_findings *f, const char *id) {
  for (size_t i = 0; i < f->n_baseline; i++)
    if (!strcmp(f->baseline[i], id)) return true;
  return false;
}

/* One cause of case r: its finding (created on first sight). *is_new is set
 * when it was created. */
static gt_finding *cause(gt_findings *f, const gt_case_result *r, const char *check,
                         const char *where, const char *exp, const char *act, const char *ctx,
                         bool error, bool *is_new) {
  char *loc = normalise(where ? where : "", check, r->status);
  const char *suite = r->classname ? r->classname : "";
  /* For a status, what was expected is part of the rule: 401 where 2xx came
   * back (auth not enforced) and 404 where 2xx came back (unknown paths
   * served) are two defects. */
  char *key = is_status_check(check) && !error
                  ? gt_xasprintf("%s\x1f%s\x1f%s\x1f%s", suite, check, loc, exp ? exp : "")
                  : gt_xasprintf("%s\x1f%s\x1f%s", suite, check, loc);
  uint32_t h = fnv1a(key);
  for (size_t i = 0; i < f->n; i++) {
    if (f->hashes[i] == h && !strcmp(f->keys[i], key)) {
      free(key), free(loc);
      *is_new = false;
      return f->items[i];
    }
  }
  if (f->n == f->cap) {
    f->cap = f->cap ? f->cap * 2 : 16;
    f->items = gt_xrealloc(f->items, f->cap * sizeof *f->items);
    f->hashes = gt_xrealloc(f->hashes, f->cap * sizeof *f->hashes);
    f->keys = gt_xrealloc(f->keys, f->cap * sizeof *f->keys);
  }
  gt_finding *x = gt_xcalloc(1, sizeof *x);
  snprintf(x->id, sizeof x->id, "%08x", h);
  x->suite = gt_xstrdup(suite);
  x->suite_file = dup_or_null(r->suite_file);
  x->check = gt_xstrdup(check);
  x->location = loc;
  x->expected = gt_xstrdup(exp ? exp : "");
  x->actual = gt_xstrdup(act ? act : "");
  x->context = dup_or_null(ctx);
  x->summary = summary_of(check, loc, x->expected, x->actual, error);
  x->error = error;
  x->accepted = gt_findings_baseline_has(f, x->id);
  x->example = dup_or_null(r->name);
  x->example_message = dup_or_null(r->message);
  x->example_detail = dup_or_null(r->detail);
  x->example_exchange = dup_or_null(r->system_out);
  x->example_repro = dup_or_null(r->repro);
  x->line = r->line, x->col = r->col, x->fault_line = r->fault_line;
  f->items[f->n] = x;
  f->hashes[f->n] = h;
  f->keys[f->n] = key;
  f->n++;
  f->sorted = false;
  *is_new = true;
  return x;
}

static void count_case(gt_findings *f, gt_finding *x, const gt_case_result *r) {
  if (f->n_last == f->cap_last) {
    f->cap_last = f->cap_last ? f->cap_last * 2 : 4;
    f->last = gt_xrealloc(f->last, f->cap_last * sizeof *f->last);
  }
  memcpy(f->last[f->n_last++], x->id, sizeof x->id);
  x->n_cases++;
  add_distinct(&x->scenarios, &x->n_scenarios, r->scenario ? r->scenario : r->name);
  add_distinct(&x->faults, &x->n_faults, r->fault);
  if (x->n_cases_kept < GT_FINDING_CASES_KEPT && r->name) {
    x->cases = gt_xrealloc(x->cases, (x->n_cases_kept + 1) * sizeof *x->cases);
    x->cases[x->n_cases_kept++] = gt_xstrdup(r->name);
  }
}

/* Which failed checks of a case name its causes. A wrong status explains
 * everything else about the answer (a 200 where 401 was due has no error
 * body either), so when a status check failed it is the one cause: the
 * universal one (no_server_error, documented_status) if it failed, else the
 * scenario's `status`. Otherwise each location is one cause, named by its
 * universal check if one failed there (it states the API-wide rule the
 * scenario's own check repeats), else by its first failed check. */
static bool names_cause(const gt_case_result *r, size_t i) {
  const gt_case_check *c = &r->checks[i];
  size_t status_cause = SIZE_MAX;
  for (size_t j = 0; j < r->n_checks; j++) {
    if (!is_status_check(r->checks[j].check)) continue;
    if (status_cause == SIZE_MAX ||
        (is_universal(r->checks[j].check) && !is_universal(r->checks[status_cause].check)))
      status_cause = j;
  }
  if (status_cause != SIZE_MAX) return i == status_cause;
  bool mine_universal = is_universal(c->check);
  for (size_t j = 0; j < r->n_checks; j++) {
    if (j == i) continue;
    const gt_case_check *o = &r->checks[j];
    if (strcmp(o->where ? o->where : "", c->where ? c->where : "")) continue;
    bool other_universal = is_universal(o->check);
    if (other_universal && !mine_universal) return false;
    if (other_universal == mine_universal && j < i) return false;
  }
  return true;
}

bool gt_findings_add(gt_findings *f, const gt_case_result *r) {
  f->n_last = 0;
  if (r->kind != GT_RESULT_FAIL && r->kind != GT_RESULT_ERROR) return false;
  f->failed_cases++;
  f->sorted = false;
  bool any_new = false, is_new;
  bool error = r->kind == GT_RESULT_ERROR;
  if (r->n_checks == 0 || error) {
    /* An error (could not send, timed out) or a failure without checks:
     * grouped by its type and the location of its first check. */
    const gt_case_check *c = r->n_checks ? &r->checks[0] : NULL;
    gt_finding *x = cause(f, r,
                          r->type && *r->type ? r->type
                          : error             ? "error"
                                              : "failure",
                          c ? c->where : "", c ? c->expected : NULL, c ? c->actual : r->message,
                          NULL, true, &is_new);
    count_case(f, x, r);
    return is_new;
  }
  /* A case counts once in each finding even when two of its checks map to
   * the same one. */
  gt_finding **seen = gt_xcalloc(r->n_checks, sizeof *seen);
  size_t n_seen = 0;
  for (size_t i = 0; i < r->n_checks; i++) {
    if (!names_cause(r, i)) continue;
    const gt_case_check *c = &r->checks[i];
    gt_finding *x =
        cause(f, r, c->check, c->where, c->expected, c->actual, c->context, false, &is_new);
    any_new |= is_new;
    bool dup = false;
    for (size_t k = 0; k < n_seen; k++)
      dup |= seen[k] == x;
    if (dup) continue;
    seen[n_seen++] = x;
    count_case(f, x, r);
  }
  free(seen);
  return any_new;
}

static int worst_first(const void *pa, const void *pb) {
  const gt_finding *a = *(const gt_finding *const *)pa, *b = *(const gt_finding *const *)pb;
  if (a->n_cases != b->n_cases) return a->n_cases > b->n_cases ? -1 : 1;
  if (a->n_scenarios != b->n_scenarios) return a->n_scenarios > b->n_scenarios ? -1 : 1;
  if (a->error != b->error) return a->error ? -1 : 1;
  return strcmp(a->id, b->id);
}

size_t gt_findings_count(const gt_findings *f) {
  return f->n;
}

const gt_finding *gt_findings_get(gt_findings *f, size_t i) {
  if (!f->sorted) {
    /* keys and hashes stay in insertion order: they index the lookup, and
     * a sorted view is a copy of the pointers */
    gt_finding **view = gt_xmalloc((f->n ? f->n : 1) * sizeof *view);
    memcpy(view, f->items, f->n * sizeof *view);
    qsort(view, f->n, sizeof *view, worst_first);
    /* reorder items, hashes and keys together */
    uint32_t *hashes = gt_xmalloc((f->n ? f->n : 1) * sizeof *hashes);
    char **keys = gt_xmalloc((f->n ? f->n : 1) * sizeof *keys);
    for (size_t k = 0; k < f->n; k++) {
      size_t from = 0;
      while (f->items[from] != view[k])
        from++;
      hashes[k] = f->hashes[from];
      keys[k] = f->keys[from];
    }
    free(f->items), free(f->hashes), free(f->keys);
    f->items = view, f->hashes = hashes, f->keys = keys;
    f->cap = f->n ? f->n : 1;
    f->sorted = true;
  }
  return i < f->n ? f->items[i] : NULL;
}

size_t gt_findings_failed_cases(const gt_findings *f) {
  return f->failed_cases;
}

size_t gt_findings_new_count(gt_findings *f) {
  size_t n = 0;
  for (size_t i = 0; i < f->n; i++)
    n += !f->items[i]->accepted;
  return n;
}

char *gt_finding_line(const gt_finding *x) {
  gt_buf b;
  gt_buf_init(&b);
  gt_buf_printf(&b, "%s \xe2\x80\x94 %zu case%s across %zu scenario%s", x->summary, x->n_cases,
                x->n_cases == 1 ? "" : "s", x->n_scenarios, x->n_scenarios == 1 ? "" : "s");
  if (x->example) gt_buf_printf(&b, " (e.g. %s)", x->example);
  return gt_buf_steal(&b);
}

size_t gt_findings_properties(gt_findings *f, const char *suite, gt_property **props) {
  size_t n = 0;
  for (size_t i = 0; i < f->n; i++)
    n += !strcmp(gt_findings_get(f, i)->suite, suite ? suite : "");
  gt_property *p = gt_xcalloc(n + 1, sizeof *p);
  p[0].name = gt_xstrdup("findings");
  p[0].value = gt_xasprintf("%zu", n);
  size_t k = 1;
  for (size_t i = 0; i < f->n; i++) {
    const gt_finding *x = gt_findings_get(f, i);
    if (strcmp(x->suite, suite ? suite : "")) continue;
    char *line = gt_finding_line(x);
    p[k].name = gt_xasprintf("finding.%s", x->id);
    p[k].value = gt_xasprintf("%s%s", line, x->accepted ? " [accepted in baseline]" : "");
    free(line);
    k++;
  }
  *props = p;
  return k;
}

void gt_properties_free(gt_property *props, size_t n) {
  for (size_t i = 0; props && i < n; i++) {
    free((void *)(uintptr_t)props[i].name); /* allocated by gt_findings_properties */
    free((void *)(uintptr_t)props[i].value);
  }
  free(props);
}

void gt_findings_accept_id(gt_findings *f, const char *id) {
  if (gt_findings_baseline_has(f, id)) return;
  f->baseline = gt_xrealloc(f->baseline, (f->n_baseline + 1) * sizeof *f->baseline);
  snprintf(f->baseline[f->n_baseline++], sizeof *f->baseline, "%s", id);
  for (size_t i = 0; i < f->n; i++)
    if (!strcmp(f->items[i]->id, id)) f->items[i]->accepted = true;
}

size_t gt_findings_last_ids(const gt_findings *f, const char (**ids)[12]) {
  *ids = (const char(*)[12])f->last;
  return f->n_last;
}
