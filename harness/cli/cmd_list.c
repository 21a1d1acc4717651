/* cmd_list.c — `gauntlet list` (case ids after filters) and `gauntlet check`
 * (validation only). Both load every suite and expand it; neither sends. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"
#include "../openapi/openapi.h"

#include "cli.h"

typedef int (*per_suite_fn)(const cli_opts *o, int i, const gt_suite *s, const gt_case_list *l);

/* Parses options, loads the suites, expands each and calls fn on it.
 * Returns the exit code: 2 on bad usage, suite or expansion. */
static int for_each_expanded_suite(int argc, char **argv, cli_command which, per_suite_fn fn) {
  cli_opts o;
  gt_secrets *secrets;
  gt_suite **suites;
  int rc = cli_open(argc, argv, which, &o, &secrets, &suites);
  if (rc != EXIT_PASS) return rc;
  rc = cli_selection_matches(&o, suites) ? EXIT_PASS : EXIT_USAGE;
  for (int i = 0; i < o.n_files && rc == EXIT_PASS; i++) {
    gt_scope scope = {.cli_vars = o.run.vars,
                      .n_cli_vars = o.run.n_vars,
                      .suite_vars = suites[i]->variables,
                      .use_env = true};
    gt_expand_opts eo = {.faults = o.run.faults, .skip_faults = o.run.skip_faults, .scope = &scope};
    gt_case_list l = {0};
    gt_err e = {0};
    if (!gt_cases_expand(suites[i], &eo, &l, &e)) {
      cli_print_err(secrets, &e);
      rc = EXIT_USAGE; /* nothing is sent: a suite that does not expand is bad input */
    } else {
      rc = fn(&o, i, suites[i], &l);
    }
    gt_case_list_free(&l);
  }
  cli_close(&o, secrets, suites);
  return rc;
}

/* --shard: the split over every suite listed, reported on stderr at the end
 * (stdout stays one case id per line). */
typedef struct shard_report {
  gt_shard_tally tally;
  gt_buf replayed; /* ids of the valid cases this shard replays */
  size_t n_replayed;
  int k, n; /* --shard K/N */
} shard_report;

static shard_report g_shards;

static int print_ids(const cli_opts *o, int i, const gt_suite *s, const gt_case_list *l) {
  (void)i;
  bool *sel = calloc(l->count ? l->count : 1, sizeof *sel);
  bool *replay = calloc(l->count ? l->count : 1, sizeof *replay);
  if (!sel || !replay) {
    free(sel);
    free(replay);
    return EXIT_RUNTIME;
  }
  if (o->run.shard_n > 1 && !g_shards.tally.cases) {
    g_shards.tally.cases = gt_xcalloc((size_t)o->run.shard_n, sizeof(size_t));
    g_shards.tally.replayed = gt_xcalloc((size_t)o->run.shard_n, sizeof(size_t));
    gt_buf_init(&g_shards.replayed);
    g_shards.k = o->run.shard_k;
    g_shards.n = o->run.shard_n;
  }
  gt_run_select_shard(s, l, &o->run, o->run.shard_n > 1 ? &g_shards.tally : NULL, sel, replay);
  for (size_t k = 0; k < l->count; k++)
    if (replay[k]) {
      gt_buf_printf(&g_shards.replayed, "  %s \xe2\x80\xba %s\n", s->name, l->items[k].name);
      g_shards.n_replayed++;
    }
  free(replay);
  for (size_t k = 0; k < l->count; k++) {
    if (!sel[k]) continue;
    const gt_case *c = &l->items[k];
    if (c->skip_reason)
      printf("%s \xe2\x80\xba %s  (skipped: %s)\n", s->name, c->name, c->skip_reason);
    else
      printf("%s \xe2\x80\xba %s\n", s->name, c->name);
    if (o->explain) cli_explain_case(s, c);
  }
  free(sel);
  return EXIT_PASS;
}

static int print_ok(const cli_opts *o, int i, const gt_suite *s, const gt_case_list *l) {
  /* the OpenAPI document's defects (docs/openapi.md "Document defects"):
   * warnings, the document still loads */
  const gt_oa_warning *w = NULL;
  size_t n = gt_openapi_warnings(s, &w);
  for (size_t k = 0; k < n; k++)
    printf("%s:%d:%d: warning: %s\n", w[k].file, w[k].line, w[k].col, w[k].message);
  printf("ok: %s: suite '%s', %zu scenarios, %zu cases\n", o->files[i], s->name, s->n_scenarios,
         l->count);
  return EXIT_PASS;
}

/* "shard 2/4: 734 cases, 3 replayed ...; cases per shard: ..." on stderr. */
static void print_split(int k, int n) {
  size_t total = 0, largest = 0;
  for (int i = 0; i < n; i++) {
    size_t load = g_shards.tally.cases[i] + g_shards.tally.replayed[i];
    total += load;
    if (load > largest) largest = load;
  }
  fprintf(stderr,
          "shard %d/%d: %zu cases, %zu replayed valid cases (run for their captures, "
          "reported by their own shard)%s\n",
          k, n, g_shards.tally.cases[k - 1], g_shards.n_replayed, g_shards.n_replayed ? ":" : "");
  if (g_shards.n_replayed) fputs(g_shards.replayed.data, stderr);
  fprintf(stderr, "cases per shard:");
  for (int i = 0; i < n; i++)
    fprintf(stderr, " %zu", g_shards.tally.cases[i]);
  fprintf(stderr, "; replayed per shard:");
  for (int i = 0; i < n; i++)
    fprintf(stderr, " %zu", g_shards.tally.replayed[i]);
  fprintf(stderr, "; largest shard %.2fx the mean (cases + replayed)\n",
          total ? (double)largest * n / (double)total : 0.0);
}

int cli_list(int argc, char **argv) {
  int rc = for_each_expanded_suite(argc, argv, CLI_LIST, print_ids);
  if (rc == EXIT_PASS && g_shards.tally.cases) print_split(g_shards.k, g_shards.n);
  free(g_shards.tally.cases);
  free(g_shards.tally.replayed);
  gt_buf_free(&g_shards.replayed);
  memset(&g_shards, 0, sizeof g_shards);
  return rc;
}

int cli_check(int argc, char **argv) {
  return for_each_expanded_suite(argc, argv, CLI_CHECK, print_ok);
}
