/* cmd_list.c — `gauntlet list` (case ids after filters) and `gauntlet check`. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

int cli_list(int argc, char **argv) {
  cli_opts o;
  if (!cli_parse(argc, argv, "list", &o)) {
    cli_opts_free(&o);
    return EXIT_USAGE;
  }
  gt_secrets *secrets = gt_secrets_new();
  gt_suite **suites = NULL;
  int rc = EXIT_USAGE;
  if (!cli_load_suites(&o, secrets, &suites)) goto out_nosuites;
  rc = EXIT_PASS;
  for (int i = 0; i < o.n_files && rc == EXIT_PASS; i++) {
    gt_case_list l = {0};
    gt_err e = {0};
    gt_scope scope = {.cli_vars = o.run.vars, .n_cli_vars = o.run.n_vars,
                      .suite_vars = suites[i]->variables, .use_env = true};
    gt_expand_opts eo = {.faults = o.run.faults, .scope = &scope};
    if (!gt_cases_expand(suites[i], &eo, &l, &e)) {
      char msg[2048];
      gt_err_format(&e, msg, sizeof msg);
      fprintf(stderr, "%s\n", msg);
      rc = EXIT_USAGE;
      break;
    }
    bool *sel = calloc(l.count ? l.count : 1, sizeof *sel);
    gt_run_select(suites[i], &l, &o.run, sel);
    for (size_t k = 0; k < l.count; k++) {
      if (!sel[k]) continue;
      const gt_case *c = &l.items[k];
      if (c->skip_reason)
        printf("%s \xe2\x80\xba %s  (skipped: %s)\n", suites[i]->name, c->name, c->skip_reason);
      else
        printf("%s \xe2\x80\xba %s\n", suites[i]->name, c->name);
    }
    free(sel);
    gt_case_list_free(&l);
  }
  cli_free_suites(suites, o.n_files);
out_nosuites:
  gt_secrets_free(secrets);
  cli_opts_free(&o);
  return rc;
}

int cli_check(int argc, char **argv) {
  cli_opts o;
  if (!cli_parse(argc, argv, "check", &o)) {
    cli_opts_free(&o);
    return EXIT_USAGE;
  }
  gt_secrets *secrets = gt_secrets_new();
  gt_suite **suites = NULL;
  int rc = EXIT_USAGE;
  if (cli_load_suites(&o, secrets, &suites)) {
    rc = EXIT_PASS;
    for (int i = 0; i < o.n_files; i++) {
      gt_case_list l = {0};
      gt_err e = {0};
      gt_expand_opts eo = {0};
      if (!gt_cases_expand(suites[i], &eo, &l, &e)) {
        char msg[2048];
        gt_err_format(&e, msg, sizeof msg);
        fprintf(stderr, "%s\n", msg);
        rc = EXIT_USAGE;
        break;
      }
      printf("ok: %s: suite '%s', %zu scenarios, %zu cases\n", o.files[i], suites[i]->name,
             suites[i]->n_scenarios, l.count);
      gt_case_list_free(&l);
    }
    cli_free_suites(suites, o.n_files);
  }
  gt_secrets_free(secrets);
  cli_opts_free(&o);
  return rc;
}
