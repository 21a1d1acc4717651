/* cmd_init.c — `gauntlet init --openapi api.yaml [--out DIR]`: writes the
 * suite derived from a document as editable files (docs/openapi.md "init"):
 * DIR/profile.yaml and DIR/suite.yaml, one commented scenario per
 * operation, ready to commit and refine. Existing files are not replaced
 * unless --force. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../openapi/openapi.h"
#include "cli.h"

/* The document's path as the written suite names it: relative to the
 * output directory when both resolve and share a directory below the root,
 * else absolute (caller frees). */
static char *relative_to(const char *dir, const char *file) {
  char *d = realpath(dir, NULL), *f = realpath(file, NULL);
  char *out = NULL;
  size_t common = 0; /* the end of the shared leading directories ("/" only: 0) */
  if (d && f && strcmp(d, "/")) {
    size_t i = 0;
    for (; d[i] && d[i] == f[i]; i++)
      if (d[i] == '/') common = i;
    if (!d[i] && f[i] == '/') common = i;
  }
  if (common > 0) { /* only "/" shared: ../../work/... would say less than /work/... */
    gt_buf b;
    gt_buf_init(&b);
    for (const char *p = d + common; *p; p++)
      if (*p == '/') gt_buf_adds(&b, "../");
    gt_buf_adds(&b, f + common + 1);
    out = gt_buf_steal(&b);
  }
  if (!out) out = gt_xstrdup(f ? f : file);
  free(d);
  free(f);
  return out;
}

static void init_usage(FILE *out) {
  fputs("usage: gauntlet init --openapi api.yaml [--out DIR] [--seed N] [--force]\n"
        "  writes DIR/profile.yaml and DIR/suite.yaml derived from the document\n"
        "      --openapi FILE  the OpenAPI 3.x / Swagger 2.0 document\n"
        "      --out DIR       where to write (default: the current directory; created)\n"
        "      --seed N        seed of synthesized values (default 0)\n"
        "      --force         replace files that exist\n",
        out);
}

static bool write_text(const char *path, const char *text, bool force) {
  struct stat st;
  if (!force && stat(path, &st) == 0) {
    fprintf(stderr, "gauntlet: %s exists (--force replaces it)\n", path);
    return false;
  }
  FILE *f = fopen(path, "w");
  if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
    fprintf(stderr, "gauntlet: cannot write %s: %s\n", path, strerror(errno));
    return false;
  }
  return true;
}

int cli_init(int argc, char **argv) {
  static const struct option longs[] = {
      {"openapi", required_argument, 0, 'o'}, {"out", required_argument, 0, 'd'},
      {"seed", required_argument, 0, 's'},    {"force", no_argument, 0, 'f'},
      {"help", no_argument, 0, 'h'},          {0, 0, 0, 0}};
  const char *doc = NULL, *out = ".";
  unsigned long seed = 0;
  bool force = false;
  optind = 1;
  int c;
  while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
    switch (c) {
    case 'o':
      doc = optarg;
      break;
    case 'd':
      out = optarg;
      break;
    case 'f':
      force = true;
      break;
    case 's': {
      char *end;
      seed = strtoul(optarg, &end, 10);
      if (!*optarg || *end) {
        fprintf(stderr, "gauntlet: --seed expects a non-negative integer, got '%s'\n", optarg);
        return EXIT_USAGE;
      }
      break;
    }
    case 'h':
      init_usage(stdout);
      return EXIT_PASS;
    default:
      init_usage(stderr);
      return EXIT_USAGE;
    }
  }
  if (!doc || optind != argc) {
    fprintf(stderr, "gauntlet: init needs --openapi FILE%s\n",
            optind != argc ? " and no other argument" : "");
    init_usage(stderr);
    return EXIT_USAGE;
  }
  gt_err e = {0};
  gt_openapi *d = gt_openapi_load(doc, &e);
  if (!d) return cli_print_err(NULL, &e);
  if (mkdir(out, 0777) != 0 && errno != EEXIST) {
    fprintf(stderr, "gauntlet: cannot create %s: %s\n", out, strerror(errno));
    gt_openapi_free(d);
    return EXIT_RUNTIME;
  }
  char *ref = relative_to(out, doc);
  gt_oa_suite_opts so = {
      .seed = seed, .comments = true, .profile_file = "profile.yaml", .openapi_ref = ref};
  char *profile = gt_openapi_profile_yaml(d, &so);
  char *suite = gt_openapi_suite_yaml(d, &so);
  char *ppath = gt_xasprintf("%s/profile.yaml", out);
  char *spath = gt_xasprintf("%s/suite.yaml", out);
  bool ok = write_text(ppath, profile, force) && write_text(spath, suite, force);
  if (ok) {
    printf("wrote %s and %s: %zu operations\n", spath, ppath, d->n_ops);
    cli_print_credentials(d, stdout);
  }
  free(ref);
  free(profile);
  free(suite);
  free(ppath);
  free(spath);
  gt_openapi_free(d);
  return ok ? EXIT_PASS : EXIT_RUNTIME;
}
