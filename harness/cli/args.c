/* args.c — option parsing for run / list / check (SPEC §1). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../core/buf.h"
#include "../fault/fault.h"
#include "cli.h"

enum {
  OPT_RATE = 1000,
  OPT_TIMEOUT,
  OPT_JUNIT,
  OPT_FILTER,
  OPT_TAG,
  OPT_FAULTS,
  OPT_SHARD,
  OPT_FAIL_FAST,
  OPT_CACERT,
  OPT_CERT,
  OPT_KEY,
  OPT_INSECURE,
  OPT_COLOR,
  OPT_VERBOSE,
  OPT_SEED,
  OPT_BODY_CAP,
  OPT_FOLLOW,
  OPT_WAIT_FOR,
};

static const struct option long_opts[] = {
    {"base-url", required_argument, 0, 'u'},
    {"var", required_argument, 0, 'v'},
    {"jobs", required_argument, 0, 'j'},
    {"rate", required_argument, 0, OPT_RATE},
    {"timeout", required_argument, 0, OPT_TIMEOUT},
    {"junit", required_argument, 0, OPT_JUNIT},
    {"filter", required_argument, 0, OPT_FILTER},
    {"tag", required_argument, 0, OPT_TAG},
    {"faults", required_argument, 0, OPT_FAULTS},
    {"shard", required_argument, 0, OPT_SHARD},
    {"fail-fast", no_argument, 0, OPT_FAIL_FAST},
    {"cacert", required_argument, 0, OPT_CACERT},
    {"cert", required_argument, 0, OPT_CERT},
    {"key", required_argument, 0, OPT_KEY},
    {"insecure", no_argument, 0, OPT_INSECURE},
    {"color", required_argument, 0, OPT_COLOR},
    {"quiet", no_argument, 0, 'q'},
    {"verbose", no_argument, 0, OPT_VERBOSE},
    {"seed", required_argument, 0, OPT_SEED},
    {"body-cap", required_argument, 0, OPT_BODY_CAP},
    {"follow-redirects", no_argument, 0, OPT_FOLLOW},
    {"wait-for", required_argument, 0, OPT_WAIT_FOR},
    {"help", no_argument, 0, 'h'},
    {0, 0, 0, 0},
};

void cli_usage(FILE *out) {
  fputs("usage:\n"
        "  gauntlet run   [options] SUITE.yaml...   run suites against a target\n"
        "  gauntlet list  [options] SUITE.yaml...   print the expanded case ids, send nothing\n"
        "  gauntlet check SUITE.yaml...             validate suites and profiles, send nothing\n"
        "  gauntlet serve [options] SUITE.yaml...   profile-driven target / client auditor\n"
        "  gauntlet --help | --version\n"
        "\n"
        "run / list options:\n"
        "  -u, --base-url URL      override every suite's base_url\n"
        "  -v, --var NAME=VALUE    set a variable (repeatable; wins over suite variables)\n"
        "  -j, --jobs N            concurrent requests (default 8)\n"
        "      --rate N            at most N requests per second, evenly spaced\n"
        "      --timeout DURATION  per request (default 10s; 150ms, 2s, 1m)\n"
        "      --junit FILE        JUnit XML report (default reports/junit.xml)\n"
        "      --filter GLOB       only cases whose id matches (e.g. '*[valid]')\n"
        "      --tag TAG           only scenarios with this tag (repeatable: any of)\n"
        "      --faults LIST       comma list of faults to keep, or all, or none\n"
        "      --shard K/N         run the K-th of N deterministic shards\n"
        "      --fail-fast         stop at the first failed case\n"
        "      --seed N            seed of every random choice (printed in the summary)\n"
        "      --cacert FILE       trust this CA certificate\n"
        "      --cert FILE --key FILE  client certificate (mTLS)\n"
        "      --insecure          do not verify TLS certificates (warns)\n"
        "      --body-cap SIZE     response bytes kept per case (default 1MiB)\n"
        "      --follow-redirects  follow 3xx answers (at most 5); default: judge the 3xx\n"
        "      --wait-for DURATION wait (with backoff) until the target accepts connections\n"
        "      --color auto|always|never\n"
        "  -q, --quiet             print only the summary\n"
        "      --verbose           dump every request and response (secrets redacted)\n"
        "\n"
        "exit codes: 0 all passed, 1 a case failed, 2 bad usage/suite/profile (nothing sent),\n"
        "            3 runtime error, 130 interrupted (a valid partial report is written)\n",
        out);
}

static bool usage_error(const char *fmt, const char *arg) {
  fprintf(stderr, "gauntlet: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\n(see gauntlet --help)\n");
  return false;
}

static bool parse_positive(const char *s, long max, long *out) {
  char *end;
  long v = strtol(s, &end, 10);
  if (*s == 0 || *end || v <= 0 || v > max) return false;
  *out = v;
  return true;
}

bool cli_parse(int argc, char **argv, const char *which, cli_opts *o) {
  memset(o, 0, sizeof *o);
  o->run.timeout_ms = 10000;
  o->run.http.max_parallel = 8;
  o->run.http.body_cap = 1 << 20;
  o->junit_path = "reports/junit.xml";
  o->vars = gt_xcalloc((size_t)argc, sizeof *o->vars);
  o->tags = gt_xcalloc((size_t)argc, sizeof *o->tags);
  optind = 1;
  opterr = 0;
  bool check_only = !strcmp(which, "check");
  int c;
  while ((c = getopt_long(argc, argv, check_only ? "+h" : "+u:v:j:qh", long_opts, NULL)) != -1) {
    long n;
    switch (c) {
    case 'u':
      o->run.base_url = optarg;
      break;
    case 'v': {
      char *eq = strchr(optarg, '=');
      if (!eq || eq == optarg) return usage_error("--var expects NAME=VALUE, got '%s'", optarg);
      o->vars[o->run.n_vars].name = gt_xstrndup(optarg, (size_t)(eq - optarg));
      o->vars[o->run.n_vars].value = gt_xstrdup(eq + 1);
      o->run.n_vars++;
      break;
    }
    case 'j':
      if (!parse_positive(optarg, 1024, &n))
        return usage_error("--jobs expects 1..1024, got '%s'", optarg);
      o->run.http.max_parallel = (int)n;
      break;
    case OPT_RATE: {
      char *end;
      double r = strtod(optarg, &end);
      if (*end || !(r > 0) || r > 1e6)
        return usage_error("--rate expects a positive number, got '%s'", optarg);
      o->run.http.rate = r;
      break;
    }
    case OPT_TIMEOUT:
      if (!gt_parse_duration(optarg, &o->run.timeout_ms) || o->run.timeout_ms <= 0)
        return usage_error("--timeout expects a duration such as 500ms, 10s or 1m, got '%s'",
                           optarg);
      break;
    case OPT_WAIT_FOR:
      if (!gt_parse_duration(optarg, &o->run.wait_for_ms) || o->run.wait_for_ms <= 0)
        return usage_error("--wait-for expects a duration such as 30s or 2m, got '%s'", optarg);
      break;
    case OPT_JUNIT:
      o->junit_path = optarg;
      break;
    case OPT_FILTER:
      o->run.filter = optarg;
      break;
    case OPT_TAG:
      o->tags[o->run.n_tags++] = optarg;
      break;
    case OPT_FAULTS: {
      gt_err e = {0};
      if (!gt_faults_option_valid(optarg, &e)) return usage_error("%s", e.msg);
      o->run.faults = optarg;
      break;
    }
    case OPT_SHARD: {
      int k, m;
      char tail;
      if (sscanf(optarg, "%d/%d%c", &k, &m, &tail) != 2 || m < 1 || k < 1 || k > m || m > 10000)
        return usage_error("--shard expects K/N with 1 <= K <= N, got '%s'", optarg);
      o->run.shard_k = k;
      o->run.shard_n = m;
      break;
    }
    case OPT_FAIL_FAST:
      o->run.fail_fast = true;
      break;
    case OPT_FOLLOW:
      o->run.follow_redirects = true;
      break;
    case OPT_CACERT:
      o->run.http.cacert = optarg;
      break;
    case OPT_CERT:
      o->run.http.cert = optarg;
      break;
    case OPT_KEY:
      o->run.http.key = optarg;
      break;
    case OPT_INSECURE:
      o->run.http.insecure = true;
      break;
    case OPT_COLOR:
      if (!strcmp(optarg, "auto"))
        o->color = COLOR_AUTO;
      else if (!strcmp(optarg, "always"))
        o->color = COLOR_ALWAYS;
      else if (!strcmp(optarg, "never"))
        o->color = COLOR_NEVER;
      else
        return usage_error("--color expects auto, always or never, got '%s'", optarg);
      break;
    case 'q':
      o->quiet = true;
      break;
    case OPT_VERBOSE:
      o->verbose = true;
      o->run.http.verbose = true;
      break;
    case OPT_SEED: {
      char *end;
      unsigned long long s = strtoull(optarg, &end, 10);
      if (!*optarg || *end)
        return usage_error("--seed expects a non-negative integer, got '%s'", optarg);
      o->run.seed = s;
      o->seed_given = true;
      break;
    }
    case OPT_BODY_CAP: {
      size_t cap;
      if (!gt_parse_size(optarg, &cap) || cap == 0)
        return usage_error("--body-cap expects a size such as 64KiB or 1MiB, got '%s'", optarg);
      o->run.http.body_cap = cap;
      break;
    }
    case 'h':
      cli_usage(stdout);
      exit(0);
    default:
      return usage_error("unknown or incomplete option '%s'", argv[optind - 1]);
    }
  }
  if ((o->run.http.cert == NULL) != (o->run.http.key == NULL))
    return usage_error("%s", "--cert and --key go together");
  if (optind >= argc) return usage_error("%s: no SUITE.yaml given", which);
  o->files = argv + optind;
  o->n_files = argc - optind;
  o->run.vars = o->vars;
  o->run.tags = o->tags;
  if (!o->seed_given) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    o->run.seed = ((unsigned long long)ts.tv_nsec ^ ((unsigned long long)getpid() << 20) ^
                   (unsigned long long)ts.tv_sec) %
                  1000000000ULL;
  }
  return true;
}

void cli_opts_free(cli_opts *o) {
  for (int i = 0; i < o->run.n_vars; i++) {
    free(o->vars[i].name);
    free(o->vars[i].value);
  }
  free(o->vars);
  free(o->tags);
}

bool cli_load_suites(const cli_opts *o, gt_secrets *secrets, gt_suite ***out) {
  gt_suite **suites = gt_xcalloc((size_t)o->n_files, sizeof *suites);
  gt_load_opts lo = {
      .cli_vars = o->run.vars, .n_cli_vars = o->run.n_vars, .use_env = true, .secrets = secrets};
  /* Every file is loaded even after a failure, so one run reports every
   * broken file at once. */
  bool ok = true;
  for (int i = 0; i < o->n_files; i++) {
    gt_err e = {0};
    suites[i] = gt_suite_load(o->files[i], &lo, &e);
    if (!suites[i]) {
      char msg[2048];
      gt_err_format(&e, msg, sizeof msg);
      char *red = secrets ? gt_secrets_redact_dup(secrets, msg, strlen(msg)) : gt_xstrdup(msg);
      fprintf(stderr, "%s\n", red);
      free(red);
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
  for (int i = 0; i < n; i++)
    gt_suite_free(s[i]);
  free(s);
}
