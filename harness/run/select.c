/* select.c — which cases a run executes: --filter, --tag and --shard.
 *
 * Sharding. Every selected case is reported by exactly one shard. A capture
 * group (scenarios linked by captures, transitively) has one owner shard,
 * which runs its valid cases in order. The fault cases of a scenario may run
 * in another shard when the valid cases the scenario depends on can be
 * replayed there: reading scenarios (GET, HEAD, OPTIONS) always, writing ones
 * only when the suite says `shard: { replay_writes: true }` (each shard then
 * creates its own data). A replayed case runs for its captures only and is
 * reported by its owner shard alone. A scenario without dependencies needs
 * no replay: its fault cases go anywhere.
 *
 * Assignment is greedy and deterministic for a given command line on any
 * machine: groups by the cases they must keep together (largest first, ties
 * by name) to the least loaded shard, then each movable fault case (in case
 * order) to the shard where load + replays it would add is least (ties: the
 * owner, then the lower shard). Loads carry over from one suite to the next
 * (gt_shard_tally), so that several suites balance as a whole. */
#include "run.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

static bool is_reading(const gt_scenario *sc) {
  const char *m = sc->request.method ? sc->request.method->text : "GET";
  return !strcasecmp(m, "GET") || !strcasecmp(m, "HEAD") || !strcasecmp(m, "OPTIONS");
}

/* Everything the sharding pass keeps per suite (all heap, freed by plan_free). */
typedef struct plan {
  const gt_suite *s;
  const gt_case_list *l;
  size_t n_shards;
  size_t *parent;           /* union-find over scenarios */
  size_t *valid_of;         /* scenario -> its valid case index, or SIZE_MAX */
  size_t *closure;          /* scratch: the transitive deps of one scenario */
  size_t n_closure;         /* entries used in closure */
  size_t closure_of;        /* the scenario closure was computed for, or SIZE_MAX */
  bool closure_ok;          /* every dep in closure can be replayed */
  bool *mark;               /* scratch: visited scenarios */
  unsigned char **replayed; /* scenario -> per shard: 1 when replayed there (lazy) */
} plan;

/* The transitive dependencies of scenario i (cached for consecutive calls). */
static void deps_of(plan *p, size_t i) {
  if (p->closure_of == i) return;
  p->closure_of = i;
  p->n_closure = 0;
  p->closure_ok = true;
  size_t top = 0;
  /* closure doubles as the DFS stack: entries before `top` are done */
  for (size_t d = 0; d < p->s->scenarios[i].n_deps; d++) {
    size_t j = p->s->scenarios[i].deps[d];
    if (!p->mark[j]) p->mark[j] = true, p->closure[p->n_closure++] = j;
  }
  while (top < p->n_closure) {
    size_t j = p->closure[top++];
    const gt_scenario *dep = &p->s->scenarios[j];
    if (!is_reading(dep) && !p->s->shard_replay_writes) p->closure_ok = false;
    if (p->valid_of[j] == SIZE_MAX) p->closure_ok = false; /* nothing to replay */
    for (size_t d = 0; d < dep->n_deps; d++) {
      size_t k = dep->deps[d];
      if (!p->mark[k]) p->mark[k] = true, p->closure[p->n_closure++] = k;
    }
  }
  for (size_t k = 0; k < p->n_closure; k++)
    p->mark[p->closure[k]] = false;
}

/* Replays shard k would add for the current closure. */
static size_t replay_cost(const plan *p, size_t k) {
  size_t n = 0;
  for (size_t c = 0; c < p->n_closure; c++) {
    const unsigned char *r = p->replayed[p->closure[c]];
    n += !(r && r[k]);
  }
  return n;
}

static void plan_free(plan *p) {
  for (size_t i = 0; p->replayed && i < p->s->n_scenarios; i++)
    free(p->replayed[i]);
  free(p->replayed);
  free(p->parent);
  free(p->valid_of);
  free(p->closure);
  free(p->mark);
}

/* The shard (0-based) of every selected case: owner[] per case. Fills
 * replay_here (per scenario: replayed in shard `mine`) and the tally. */
static void assign(plan *p, const bool *sel, size_t *shard_of_case, gt_shard_tally *t) {
  const gt_suite *s = p->s;
  const gt_case_list *l = p->l;
  size_t n = s->n_scenarios, ns = p->n_shards;
  /* Which fault cases may move (their deps can be replayed elsewhere). */
  bool *movable = gt_xcalloc(l->count ? l->count : 1, sizeof *movable);
  size_t *fixed = gt_xcalloc(n ? n : 1, sizeof *fixed);
  for (size_t i = 0; i < l->count; i++) {
    if (!sel[i]) continue;
    const gt_case *c = &l->items[i];
    if (c->fault != GT_FAULT_VALID) {
      deps_of(p, c->scenario);
      movable[i] = p->closure_ok;
    }
    if (!movable[i]) fixed[find_root(p->parent, c->scenario)]++;
  }
  group *groups = gt_xcalloc(n ? n : 1, sizeof *groups);
  size_t ng = 0;
  for (size_t i = 0; i < n; i++)
    if (find_root(p->parent, i) == i && fixed[i])
      groups[ng++] = (group){.root = i, .cases = fixed[i], .name = s->scenarios[i].name};
  qsort(groups, ng, sizeof *groups, group_cmp);
  size_t *owner = gt_xcalloc(n ? n : 1, sizeof *owner); /* group root -> shard */
  for (size_t g = 0; g < ng; g++) {
    size_t best = 0;
    for (size_t k = 1; k < ns; k++)
      if (t->cases[k] + t->replayed[k] < t->cases[best] + t->replayed[best]) best = k;
    t->cases[best] += groups[g].cases;
    owner[groups[g].root] = best;
  }
  for (size_t i = 0; i < l->count; i++) {
    if (!sel[i]) continue;
    const gt_case *c = &l->items[i];
    size_t home = owner[find_root(p->parent, c->scenario)];
    if (!movable[i]) {
      shard_of_case[i] = home;
      continue;
    }
    deps_of(p, c->scenario);
    size_t best = home, best_cost = SIZE_MAX;
    for (size_t k = 0; k < ns; k++) {
      size_t extra = k == home && fixed[find_root(p->parent, c->scenario)] ? 0 : replay_cost(p, k);
      size_t cost = t->cases[k] + t->replayed[k] + extra;
      if (cost < best_cost || (cost == best_cost && k == home)) best = k, best_cost = cost;
    }
    shard_of_case[i] = best;
    t->cases[best]++;
    bool owned_here = best == home && fixed[find_root(p->parent, c->scenario)];
    for (size_t d = 0; d < p->n_closure && !owned_here; d++) {
      size_t j = p->closure[d];
      if (!p->replayed[j]) p->replayed[j] = gt_xcalloc(ns, 1);
      if (!p->replayed[j][best]) {
        p->replayed[j][best] = 1;
        t->replayed[best]++;
      }
    }
  }
  free(owner);
  free(groups);
  free(fixed);
  free(movable);
}

void gt_run_select_shard(const gt_suite *s, const gt_case_list *l, const gt_run_opts *o,
                         gt_shard_tally *tally, bool *sel, bool *replay) {
  for (size_t i = 0; i < l->count; i++) {
    const gt_case *c = &l->items[i];
    sel[i] = has_tag(&s->scenarios[c->scenario], o) && filter_ok(s, c, o) && case_ok(s, c, o);
    if (replay) replay[i] = false;
  }
  if (o->shard_n <= 1) return;

  size_t n = s->n_scenarios, ns = (size_t)o->shard_n;
  gt_shard_tally local = {0};
  if (!tally) {
    local.cases = gt_xcalloc(ns, sizeof *local.cases);
    local.replayed = gt_xcalloc(ns, sizeof *local.replayed);
    tally = &local;
  }
  plan p = {.s = s, .l = l, .n_shards = ns, .closure_of = SIZE_MAX};
  p.parent = gt_xcalloc(n ? n : 1, sizeof *p.parent);
  p.valid_of = gt_xcalloc(n ? n : 1, sizeof *p.valid_of);
  p.closure = gt_xcalloc(n ? n : 1, sizeof *p.closure);
  p.mark = gt_xcalloc(n ? n : 1, sizeof *p.mark);
  p.replayed = gt_xcalloc(n ? n : 1, sizeof *p.replayed);
  for (size_t i = 0; i < n; i++) {
    p.parent[i] = i;
    p.valid_of[i] = SIZE_MAX;
  }
  for (size_t i = 0; i < l->count; i++)
    if (l->items[i].fault == GT_FAULT_VALID) p.valid_of[l->items[i].scenario] = i;
  for (size_t i = 0; i < n; i++)
    for (size_t d = 0; d < s->scenarios[i].n_deps; d++) {
      size_t a = find_root(p.parent, i), b = find_root(p.parent, s->scenarios[i].deps[d]);
      if (a != b) p.parent[a < b ? b : a] = a < b ? a : b;
    }
  size_t *shard_of_case = gt_xcalloc(l->count ? l->count : 1, sizeof *shard_of_case);
  assign(&p, sel, shard_of_case, tally);
  size_t mine = (size_t)(o->shard_k - 1);
  for (size_t i = 0; i < l->count; i++)
    if (sel[i] && shard_of_case[i] != mine) sel[i] = false;
  for (size_t j = 0; replay && j < n; j++)
    if (p.replayed[j] && p.replayed[j][mine] && p.valid_of[j] != SIZE_MAX && !sel[p.valid_of[j]])
      replay[p.valid_of[j]] = true;
  free(shard_of_case);
  plan_free(&p);
  if (tally == &local) {
    free(local.cases);
    free(local.replayed);
  }
}

void gt_run_select(const gt_suite *s, const gt_case_list *l, const gt_run_opts *o, bool *sel) {
  gt_run_select_shard(s, l, o, NULL, sel, NULL);
}
