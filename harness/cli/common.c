/* common.c — what every subcommand does around its work: load the suites,
 * print an error, catch interrupts. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../openapi/openapi.h"
#include "cli.h"

int cli_print_err(const gt_secrets *secrets, const gt_err *e) {
  char msg[2048];
  gt_err_format(e, msg, sizeof msg);
  char *shown = secrets ? gt_secrets_redact_dup(secrets, msg, strlen(msg)) : gt_xstrdup(msg);
  /* a suite or profile error already starts with FILE:LINE:COL */
  fprintf(stderr, "%s%s\n", e->kind == GT_ERR_INPUT ? "" : "gauntlet: ", shown);
  free(shown);
  return e->kind == GT_ERR_RUNTIME ? EXIT_RUNTIME : EXIT_USAGE;
}

static void note_placeholder(void *ud, const char *file, const char *name) {
  (void)ud;
  fprintf(stderr, "serve: %s: %s is not set; base_url's host is not used, only its path\n", file,
          name);
}

bool cli_load_suites(const cli_opts *o, gt_secrets *secrets, gt_suite ***out) {
  gt_suite **suites = gt_xcalloc((size_t)o->n_files, sizeof *suites);
  gt_load_opts lo = {.cli_vars = o->run.vars,
                     .n_cli_vars = o->run.n_vars,
                     .use_env = true,
                     .secrets = secrets,
                     .strict_formats = o->strict_formats,
                     /* serve uses only base_url's path: its host may stay unset */
                     .base_url_placeholders = o->command == CLI_SERVE,
                     .on_placeholder = o->quiet ? NULL : note_placeholder};
  /* Every file is loaded even after a failure, so one run reports every
   * broken file at once. */
  bool ok = true;
  for (int i = 0; i < o->n_files; i++) {
    gt_err e = {0};
    suites[i] = gt_openapi_sniff(o->files[i]) ? cli_load_openapi(o, o->files[i], &lo, &e)
                                              : gt_suite_load(o->files[i], &lo, &e);
    if (suites[i] && !cli_attach_openapi(o, &lo, &suites[i], &e)) {
      gt_suite_free(suites[i]);
      suites[i] = NULL;
    }
    if (!suites[i]) {
      cli_print_err(secrets, &e);
      ok = false;
    }
  }
  if (!ok) {
    cli_free_suites(suites, o->n_files);
    return false;
  }
  *out = suites;
  return true;
}

void cli_free_suites(gt_suite **s, int n) {
  for (int i = 0; s && i < n; i++)
    gt_suite_free(s[i]);
  free(s);
}

int cli_open(int argc, char **argv, cli_command command, cli_opts *o, gt_secrets **secrets,
             gt_suite ***suites) {
  *secrets = NULL;
  *suites = NULL;
  if (!cli_parse(argc, argv, command, o)) {
    cli_opts_free(o);
    return EXIT_USAGE;
  }
  *secrets = gt_secrets_new();
  if (!cli_load_suites(o, *secrets, suites)) {
    gt_secrets_free(*secrets);
    cli_opts_free(o);
    return EXIT_USAGE;
  }
  return EXIT_PASS;
}

void cli_close(cli_opts *o, gt_secrets *secrets, gt_suite **suites) {
  cli_free_suites(suites, o->n_files);
  gt_secrets_free(secrets);
  cli_opts_free(o);
}

static volatile sig_atomic_t g_interrupted;

static void on_signal(int sig) {
  g_interrupted = sig; /* which one: a stopped run says "interrupted (SIGINT)" */
}

volatile sig_atomic_t *cli_catch_interrupts(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  return &g_interrupted;
}
