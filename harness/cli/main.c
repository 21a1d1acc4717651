/* main.c — dispatches `gauntlet SUBCOMMAND ...`. */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "version.h"

int main(int argc, char **argv) {
  if (argc < 2) {
    cli_usage(stderr);
    return EXIT_USAGE;
  }
  cli_program = argv[0];
  const char *cmd = argv[1];
  if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
    cli_usage(stdout);
    return EXIT_PASS;
  }
  if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
    cli_version(stdout);
    return EXIT_PASS;
  }
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    fprintf(stderr, "gauntlet: cannot initialise libcurl\n");
    return EXIT_RUNTIME;
  }
  int rc;
  if (!strcmp(cmd, "run"))
    rc = cli_run(argc - 1, argv + 1);
  else if (!strcmp(cmd, "list"))
    rc = cli_list(argc - 1, argv + 1);
  else if (!strcmp(cmd, "check"))
    rc = cli_check(argc - 1, argv + 1);
  else if (!strcmp(cmd, "serve"))
    rc = cli_serve(argc - 1, argv + 1);
  else if (!strcmp(cmd, "schema"))
    rc = cli_schema(argc - 1, argv + 1);
  else if (!strcmp(cmd, "init"))
    rc = cli_init(argc - 1, argv + 1);
  else {
    fprintf(stderr,
            "gauntlet: unknown command '%s' (try: run, list, check, serve, schema, init, --help)\n",
            cmd);
    rc = EXIT_USAGE;
  }
  curl_global_cleanup();
  return rc;
}
