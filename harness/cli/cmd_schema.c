/* cmd_schema.c — `gauntlet schema [--dialect D] [--map URI-PREFIX=DIR]...
 * [--strict-formats] [--quiet] SCHEMA [INSTANCE...]`: compiles the schema
 * once and validates each instance (JSON or YAML; "-" is stdin), printing
 * every error. Exit 0 when all are valid, 1 when one is invalid, 2 for bad
 * usage, an unreadable/invalid instance file or a bad schema (FILE:LINE:COL). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "schema/schema.h"

static void schema_usage(FILE *out) {
  fputs("usage: gauntlet schema [--dialect D] [--map URI-PREFIX=DIR]... [--strict-formats]\n"
        "                       [--quiet] SCHEMA [INSTANCE...]\n"
        "  Validates each INSTANCE (JSON or YAML file, - for stdin) against SCHEMA.\n"
        "  --dialect D        2020-12 (default), draft-07, draft-06, draft-04 or openapi-3.0,\n"
        "                     used when the schema has no $schema\n"
        "  --map PREFIX=DIR   read $ref URIs starting with PREFIX from DIR (no network)\n"
        "  --strict-formats   `format` asserts (date-time, date, time, duration, email,\n"
        "                     hostname, ipv4, ipv6, uri, uri-reference, uuid, regex, ...;\n"
        "                     see docs/schema.md)\n"
        "  --quiet            print only errors\n"
        "  Exit: 0 all valid, 1 an instance is invalid, 2 bad schema, instance or usage.\n",
        out);
}

int cli_schema(int argc, char **argv) {
  gt_schema_opts opts = {0};
  gt_schema_map *maps = calloc((size_t)argc + 1, sizeof *maps);
  const char **files = calloc((size_t)argc + 1, sizeof *files);
  int n_files = 0, rc = EXIT_USAGE;
  bool quiet = false, only_files = false;
  if (!maps || !files) {
    free(maps);
    free(files);
    return EXIT_RUNTIME;
  }
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (only_files || a[0] != '-' || !strcmp(a, "-")) {
      files[n_files++] = a;
    } else if (!strcmp(a, "--")) {
      only_files = true;
    } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      schema_usage(stdout);
      rc = EXIT_PASS;
      goto out;
    } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
      quiet = true;
    } else if (!strcmp(a, "--strict-formats")) {
      opts.strict_formats = true;
    } else if (!strcmp(a, "--dialect") || !strcmp(a, "--map")) {
      if (i + 1 >= argc) {
        fprintf(stderr, "gauntlet schema: %s needs a value\n", a);
        goto out;
      }
      const char *v = argv[++i];
      if (!strcmp(a, "--dialect")) {
        if (!gt_schema_dialect_parse(v, &opts.dialect)) {
          fprintf(stderr,
                  "gauntlet schema: unknown dialect '%s' (2020-12, draft-07, draft-06, draft-04, "
                  "openapi-3.0)\n",
                  v);
          goto out;
        }
      } else {
        const char *eq = strchr(v, '=');
        if (!eq || eq == v || !eq[1]) {
          fprintf(stderr, "gauntlet schema: --map wants URI-PREFIX=DIR, got '%s'\n", v);
          goto out;
        }
        /* the prefix is cut at '=' in place: argv is ours to edit */
        argv[i][eq - v] = 0;
        maps[opts.n_maps++] = (gt_schema_map){v, eq + 1};
      }
    } else {
      fprintf(stderr, "gauntlet schema: unknown option '%s'\n", a);
      schema_usage(stderr);
      goto out;
    }
  }
  if (n_files < 1) {
    schema_usage(stderr);
    goto out;
  }
  int stdin_uses = 0;
  for (int i = 0; i < n_files; i++)
    stdin_uses += !strcmp(files[i], "-");
  if (stdin_uses > 1) {
    fprintf(stderr, "gauntlet schema: '-' (stdin) can be given once\n");
    goto out;
  }
  opts.maps = maps;

  gt_err err = {0};
  gt_schema *s = gt_schema_load_file(files[0], &opts, &err);
  if (!s) {
    rc = cli_print_err(NULL, &err); /* FILE:LINE:COL: message */
    goto out;
  }
  if (n_files == 1 && !quiet)
    printf("%s: a valid %s schema\n", files[0], gt_schema_dialect_name(gt_schema_dialect_of(s)));
  rc = EXIT_PASS;
  for (int i = 1; i < n_files; i++) {
    gt_err ie = {0};
    cJSON *inst = gt_schema_read_instance(files[i], &ie);
    if (!inst) {
      rc = cli_print_err(NULL, &ie);
      continue;
    }
    gt_schema_result r = {0};
    bool ok = gt_schema_validate(s, inst, &r);
    if (ok) {
      if (!quiet) printf("%s: valid\n", files[i]);
    } else {
      if (rc == EXIT_PASS) rc = EXIT_FAILED;
      printf("%s: invalid\n", files[i]);
      for (size_t k = 0; k < r.count; k++) {
        char line[4096];
        gt_schema_error_format(&r.errors[k], line, sizeof line);
        printf("  %s\n", line);
      }
      if (r.dropped) printf("  ... and %zu more errors\n", r.dropped);
    }
    gt_schema_result_free(&r);
    cJSON_Delete(inst);
  }
  gt_schema_free(s);
out:
  free(maps);
  free(files);
  return rc;
}
