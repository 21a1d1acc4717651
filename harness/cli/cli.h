/* cli.h — the gauntlet command line: one options struct, one option parser,
 * one suite loader and one error printer for every subcommand (run, list,
 * check, serve). Only this folder prints and decides exit codes (see docs/cli.md
 * "Exit codes"). */
#ifndef GT_CLI_CLI_H
#define GT_CLI_CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "../run/run.h"
#include "../serve/serve.h"
#include "../suite/suite.h"

enum { EXIT_PASS = 0, EXIT_FAILED = 1, EXIT_USAGE = 2, EXIT_RUNTIME = 3, EXIT_INTERRUPTED = 130 };

typedef enum { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER } cli_color;

#define CLI_DEFAULT_TIMEOUT_MS 10000L

typedef enum { CLI_RUN, CLI_LIST, CLI_CHECK, CLI_SERVE } cli_command;

typedef struct cli_opts {
  cli_command command;
  const char *command_name;        /* "run", "list", "check", "serve" */
  gt_run_opts run;                 /* run, list, check; run.vars / run.n_vars: every --var */
  gt_serve_opts serve;             /* serve; serve.cli_vars points at the same --var list */
  const char *junit_path;          /* run: reports/junit.xml, serve: reports/serve-junit.xml */
  const char *baseline_path;       /* run --baseline: accepted findings, or NULL */
  const char *write_baseline_path; /* run --write-baseline, or NULL */
  const char *json_path;           /* run --json, or NULL */
  const char *sarif_path;          /* run --sarif, or NULL */
  const char *tap_path;            /* run --tap (FILE or "-"), or NULL */
  const char *html_path;           /* run --html, or NULL */
  const char *coverage_path;       /* run --coverage (OpenAPI coverage JSON), or NULL */
  bool annotations; /* run: GitHub annotations (--annotations, or GITHUB_ACTIONS=true) */
  cli_color color;
  bool quiet, verbose;
  bool seed_given;
  bool explain;        /* list --explain */
  bool strict_formats; /* --strict-formats */
  bool body_cap_given;
  char **files; /* borrowed from argv */
  int n_files;
  /* storage behind run.vars / run.tags (owned) */
  gt_cli_var *vars;
  const char **tags;
  const char **case_ids;
} cli_opts;

/* Parses argv after the subcommand (argv[0] is the subcommand's name) into o
 * (always free with cli_opts_free). Prints the problem and returns false on
 * bad usage. Only syntax is checked here: values the library validates
 * (--inject, listen addresses...) are reported by the library. */
bool cli_parse(int argc, char **argv, cli_command command, cli_opts *o);
void cli_opts_free(cli_opts *o);
void cli_usage(FILE *out);

/* Loads every suite file (each parsed once), printing each one that fails as
 * FILE:LINE:COL: message, secrets redacted. Returns true when all loaded;
 * *out then holds them (free with cli_free_suites). For serve, an undefined
 * variable in base_url gets a placeholder (only the path is used), with a
 * note on stderr unless --quiet. */
bool cli_load_suites(const cli_opts *o, gt_secrets *secrets, gt_suite ***out);
void cli_free_suites(gt_suite **s, int n);

/* What every subcommand starts with: parses argv into *o, makes the secrets
 * set and loads the suites into *suites. Returns EXIT_PASS, or the exit code
 * of the usage or suite error it printed (then everything is freed already).
 * After EXIT_PASS, end with cli_close. */
int cli_open(int argc, char **argv, cli_command command, cli_opts *o, gt_secrets **secrets,
             gt_suite ***suites);
void cli_close(cli_opts *o, gt_secrets *secrets, gt_suite **suites);

/* Prints e on stderr with secrets redacted (secrets may be NULL): a suite or
 * profile error as "FILE:LINE:COL: message", anything else as
 * "gauntlet: message". Returns the exit code the error's kind means. */
int cli_print_err(const gt_secrets *secrets, const gt_err *e);

/* Installs SIGINT/SIGTERM handlers that set the returned flag, so that a run
 * writes its partial report and a server stops cleanly. */
volatile sig_atomic_t *cli_catch_interrupts(void);

/* With --filter, --tag or --case: true when at least one case of the loaded
 * suites matches them (before sharding); otherwise prints what matched nothing
 * and a hint, and returns false (the caller exits 2, nothing sent). */
bool cli_selection_matches(const cli_opts *o, gt_suite *const *suites);

/* ---- replay.c: repro lines that re-run one case ---- */
/* How gauntlet was started (main sets argv[0]); repro lines start with it. */
extern const char *cli_program;
/* "<dir of junit_path>/repro" (caller frees): bodies and replay reports go there. */
char *cli_repro_dir(const char *junit_path);
/* "gauntlet run --seed N --verbose --junit DIR/replay.xml [options]" (caller frees). */
char *cli_replay_prefix(const cli_opts *o, const gt_secrets *secrets, const char *repro_dir);

/* ---- explain.c ---- */
/* `list --explain`: where case c's expectation and checks come from (stdout). */
void cli_explain_case(const gt_suite *s, const gt_case *c);

/* ---- openapi_load.c: an OpenAPI document read as a suite (docs/openapi.md) ---- */
struct gt_openapi;
/* The derived suite (NULL + e): --base-url is required for run, and every
 * credential variable must be set; list/check print the variables needed. */
gt_suite *cli_load_openapi(const cli_opts *o, const char *path, const gt_load_opts *lo, gt_err *e);
void cli_print_credentials(const struct gt_openapi *d, FILE *out);
/* A suite's `openapi:` document: read it, tie every scenario to its
 * operation (the `schema` check), report uncovered operations on stderr;
 * with `derive: missing` (run, list, check) *s is replaced by the suite
 * loaded again with those operations derived (lo: how it was loaded). */
bool cli_attach_openapi(const cli_opts *o, const gt_load_opts *lo, gt_suite **s, gt_err *e);

int cli_run(int argc, char **argv);
int cli_list(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_serve(int argc, char **argv);
/* `gauntlet schema` (cmd_schema.c) */
int cli_schema(int argc, char **argv);
/* `gauntlet init --openapi` (cmd_init.c) */
int cli_init(int argc, char **argv);

#endif
