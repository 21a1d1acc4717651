/* cmd_list.c — `gauntlet list` (case ids after filters) and `gauntlet check`
 * (validation only). Both load every suite and expand it; neither sends. */
#include <stdio.h>
#include <stdlib.h>

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

static int print_ids(const cli_opts *o, int i, const gt_suite *s, const gt_case_list *l) {
  (void)i;
  bool *sel = calloc(l->count ? l->count : 1, sizeof *sel);
  if (!sel) return EXIT_RUNTIME;
  gt_run_select(s, l, &o->run, sel);
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
  printf("ok: %s: suite '%s', %zu scenarios, %zu cases\n", o->files[i], s->name, s->n_scenarios,
         l->count);
  return EXIT_PASS;
}

int cli_list(int argc, char **argv) {
  return for_each_expanded_suite(argc, argv, CLI_LIST, print_ids);
}

int cli_check(int argc, char **argv) {
  return for_each_expanded_suite(argc, argv, CLI_CHECK, print_ok);
}
