/* selection.c — a --filter / --tag / --case that selects no case is a usage
 * error (exit 2), caught before anything is sent. An empty shard is not: a
 * small suite split over many CI jobs leaves some shards empty, and those
 * pass. */
#include <stdio.h>

#include "cli.h"

bool cli_selection_matches(const cli_opts *o, gt_suite *const *suites) {
  if (!o->run.filter && !o->run.n_tags && !o->run.n_case_ids) return true;
  size_t matching = 0;
  for (int i = 0; i < o->n_files && !matching; i++) {
    gt_scope scope = {.cli_vars = o->run.vars,
                      .n_cli_vars = o->run.n_vars,
                      .suite_vars = suites[i]->variables,
                      .use_env = true};
    gt_expand_opts eo = {.faults = o->run.faults, .scope = &scope};
    gt_case_list l = {0};
    gt_err e = {0};
    if (!gt_cases_expand(suites[i], &eo, &l, &e)) return true; /* the run reports it */
    matching += gt_run_count_matching(suites[i], &l, &o->run);
    gt_case_list_free(&l);
  }
  if (matching) return true;
  fputs("gauntlet: no case matches", stderr);
  if (o->run.filter) fprintf(stderr, " --filter '%s'", o->run.filter);
  for (size_t i = 0; i < o->run.n_tags; i++)
    fprintf(stderr, " --tag '%s'", o->run.tags[i]);
  for (size_t i = 0; i < o->run.n_case_ids; i++)
    fprintf(stderr, " --case '%s'", o->run.case_ids[i]);
  fputs("\nhint: `gauntlet list SUITE.yaml` prints every case id; in --filter only * and ? are "
        "wildcards ('[' and ']' are literal, \\ escapes), and a filter matches the case name "
        "('scenario [fault]') or the whole id ('suite \xe2\x80\xba scenario [fault]'); --case "
        "takes one of them exactly\n",
        stderr);
  return false;
}
