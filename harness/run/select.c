/* select.c — which cases a run executes: --filter, --tag and --shard.
 *
 * Sharding is by capture group (scenarios linked by captures, transitively),
 * so a dependant always runs in the same shard as the scenario it captures
 * from. Groups are assigned greedily, largest first (ties by name), to the
 * shard with the fewest cases: deterministic for a given suite on any machine
 * and balanced by case count. */
#include "run.h"

#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"

bool gt_glob_match(const char *p, const char *t) {
  /* Iterative matcher with single-star backtracking: linear in practice and
   * bounded by strlen(p) * strlen(t). Only '*' and '?' are special; '\' makes
   * the next character literal. '[' and ']' are literal because case names
   * carry the fault in brackets ("read 1 [valid]"). */
  const char *star_p = NULL, *star_t = NULL;
  while (*t) {
    if (*p == '*') {
      star_p = ++p;
      star_t = t;
      continue;
    }
    if (*p == '?') {
      p++;
      t++;
      continue;
    }
    const char *lit = (*p == '\\' && p[1]) ? p + 1 : p;
    if (*lit && *lit == *t) {
      p = lit + 1;
      t++;
      continue;
    }
    if (!star_p) return false;
    p = star_p;
    t = ++star_t;
  }
  while (*p == '*')
    p++;
  return *p == 0;
}

static bool has_tag(const gt_scenario *sc, const gt_run_opts *o) {
  if (!o->n_tags) return true;
  for (size_t i = 0; i < o->n_tags; i++)
    for (size_t k = 0; k < sc->n_tags; k++)
      if (!strcmp(o->tags[i], sc->tags[k])) return true;
  return false;
}

/* The case id as printed by `gauntlet list` and in repro lines: "suite › name". */
static bool id_is(const gt_suite *s, const gt_case *c, const char *id) {
  size_t n = strlen(s->name);
  return !strncmp(id, s->name, n) && !strncmp(id + n, " \xe2\x80\xba ", 5) &&
         !strcmp(id + n + 5, c->name);
}

static bool case_ok(const gt_suite *s, const gt_case *c, const gt_run_opts *o) {
  if (!o->n_case_ids) return true;
  for (size_t i = 0; i < o->n_case_ids; i++)
    if (id_is(s, c, o->case_ids[i]) || !strcmp(c->name, o->case_ids[i])) return true;
  return false;
}

static bool filter_ok(const gt_suite *s, const gt_case *c, const gt_run_opts *o) {
  if (!o->filter) return true;
  if (gt_glob_match(o->filter, c->name)) return true;
  char *full = gt_xasprintf("%s \xe2\x80\xba %s", s->name, c->name);
  bool ok = gt_glob_match(o->filter, full);
  free(full);
  return ok;
}

size_t gt_run_count_matching(const gt_suite *s, const gt_case_list *l, const gt_run_opts *o) {
  size_t n = 0;
  for (size_t i = 0; i < l->count; i++) {
    const gt_case *c = &l->items[i];
    n += has_tag(&s->scenarios[c->scenario], o) && filter_ok(s, c, o) && case_ok(s, c, o);
  }
  return n;
}

/* Union-find over scenarios, joined by capture dependencies. */
static size_t find_root(size_t *parent, size_t i) {
  while (parent[i] != i) {
    parent[i] = parent[parent[i]];
    i = parent[i];
  }
  return i;
}

typedef struct {
  size_t root;
  size_t cases;
  const char *name;
} group;

static int group_cmp(const void *a, const void *b) {
  const group *x = a, *y = b;
  if (x->cases != y->cases) return x->cases < y->cases ? 1 : -1;
  return strcmp(x->name, y->name);
}

void gt_run_select(const gt_suite *s, const gt_case_list *l, const gt_run_opts *o, bool *sel) {
  for (size_t i = 0; i < l->count; i++) {
    const gt_case *c = &l->items[i];
    sel[i] = has_tag(&s->scenarios[c->scenario], o) && filter_ok(s, c, o) && case_ok(s, c, o);
  }
  if (o->shard_n <= 1) return;

  size_t n = s->n_scenarios;
  size_t *parent = gt_xcalloc(n, sizeof *parent);
  size_t *count = gt_xcalloc(n, sizeof *count);
  size_t *shard_of = gt_xcalloc(n, sizeof *shard_of);
  for (size_t i = 0; i < n; i++)
    parent[i] = i;
  for (size_t i = 0; i < n; i++)
    for (size_t d = 0; d < s->scenarios[i].n_deps; d++) {
      size_t a = find_root(parent, i), b = find_root(parent, s->scenarios[i].deps[d]);
      if (a != b) parent[a < b ? b : a] = a < b ? a : b;
    }
  for (size_t i = 0; i < l->count; i++)
    if (sel[i]) count[find_root(parent, l->items[i].scenario)]++;

  group *groups = gt_xcalloc(n, sizeof *groups);
  size_t ng = 0;
  for (size_t i = 0; i < n; i++)
    if (find_root(parent, i) == i)
      groups[ng++] = (group){.root = i, .cases = count[i], .name = s->scenarios[i].name};
  qsort(groups, ng, sizeof *groups, group_cmp);

  size_t *load = gt_xcalloc((size_t)o->shard_n, sizeof *load);
  for (size_t g = 0; g < ng; g++) {
    size_t best = 0;
    for (size_t k = 1; k < (size_t)o->shard_n; k++)
      if (load[k] < load[best]) best = k;
    load[best] += groups[g].cases;
    shard_of[groups[g].root] = best;
  }
  for (size_t i = 0; i < l->count; i++)
    if (sel[i] && shard_of[find_root(parent, l->items[i].scenario)] != (size_t)(o->shard_k - 1))
      sel[i] = false;
  free(load);
  free(groups);
  free(shard_of);
  free(count);
  free(parent);
}
