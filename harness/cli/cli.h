/* cli.h — the gauntlet command line: option parsing and the subcommands.
 * Only this folder prints and decides exit codes (see README "Exit codes"). */
#ifndef GT_CLI_CLI_H
#define GT_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "../run/run.h"
#include "../suite/suite.h"

enum { EXIT_PASS = 0, EXIT_FAILED = 1, EXIT_USAGE = 2, EXIT_RUNTIME = 3, EXIT_INTERRUPTED = 130 };

typedef enum { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER } cli_color;

typedef struct cli_opts {
  gt_run_opts run;
  const char *junit_path;
  cli_color color;
  bool quiet, verbose;
  bool seed_given;
  char **files;
  int n_files;
  /* storage behind run.vars / run.tags (owned) */
  gt_cli_var *vars;
  const char **tags;
  const char **case_ids;
} cli_opts;

/* Parses argv after the subcommand. Prints the problem and returns false on
 * bad usage. `which` is "run", "list" or "check" (check takes no options). */
bool cli_parse(int argc, char **argv, const char *which, cli_opts *o);
void cli_opts_free(cli_opts *o);
void cli_usage(FILE *out);

/* Loads every suite file, printing FILE:LINE:COL for each one that fails.
 * Returns true when all loaded; *out then holds them (free with
 * cli_free_suites). */
bool cli_load_suites(const cli_opts *o, gt_secrets *secrets, gt_suite ***out);
void cli_free_suites(gt_suite **s, int n);

/* With --filter, --tag or --case: true when at least one case of the loaded
 * suites matches them (before sharding); otherwise prints what matched nothing
 * and a hint, and returns false (the caller exits 2, nothing sent). */
bool cli_selection_matches(const cli_opts *o, gt_suite *const *suites);

int cli_run(int argc, char **argv);
int cli_list(int argc, char **argv);
int cli_check(int argc, char **argv);
/* `gauntlet schema` (cmd_schema.c) */
int cli_schema(int argc, char **argv);

#endif
