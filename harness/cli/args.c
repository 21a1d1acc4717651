/* args.c — option parsing for every subcommand: one table of options, each
 * row saying which subcommands take it. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <limits.h>
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
  OPT_ALLOW_PLAIN_HTTP,
  OPT_COLOR,
  OPT_VERBOSE,
  OPT_SEED,
  OPT_BODY_CAP,
  OPT_FOLLOW,
  OPT_NOW_MS,
  OPT_SKIP_FAULTS,
  OPT_CASE,
  OPT_LISTEN,
  OPT_TLS_LISTEN,
  OPT_INJECT,
  OPT_INJECT_RATE,
  OPT_MAX_REQUESTS,
  OPT_UNKNOWN_ROUTES,
  OPT_RETRY_WINDOW,
  OPT_EXPECT_RETRY,
  OPT_MAX_ATTEMPTS,
  OPT_BACKOFF_MIN,
  OPT_HAR,
  OPT_WAIT_FOR,
  OPT_EXPLAIN,
  OPT_STRICT_FORMATS,
  OPT_BASELINE,
  OPT_WRITE_BASELINE,
  OPT_JSON,
  OPT_SARIF,
  OPT_TAP,
  OPT_ANNOTATIONS,
  OPT_HTML,
  OPT_COVERAGE,
  OPT_STORE_LIMIT,
};

/* Which subcommands take an option (a bit per cli_command). */
#define FOR(c) (1u << (c))
#define FOR_SUITES (FOR(CLI_RUN) | FOR(CLI_LIST) | FOR(CLI_CHECK))
#define FOR_ALL (FOR_SUITES | FOR(CLI_SERVE))

typedef struct cli_option {
  struct option opt;
  unsigned commands;
} cli_option;

/* Every option of every subcommand: one row each. */
static const cli_option options[] = {
    {{"base-url", required_argument, 0, 'u'}, FOR_SUITES},
    {{"var", required_argument, 0, 'v'}, FOR_ALL},
    {{"jobs", required_argument, 0, 'j'}, FOR_SUITES},
    {{"rate", required_argument, 0, OPT_RATE}, FOR_SUITES},
    {{"timeout", required_argument, 0, OPT_TIMEOUT}, FOR_SUITES},
    {{"junit", required_argument, 0, OPT_JUNIT}, FOR_ALL},
    {{"filter", required_argument, 0, OPT_FILTER}, FOR_SUITES},
    {{"case", required_argument, 0, OPT_CASE}, FOR_SUITES},
    {{"tag", required_argument, 0, OPT_TAG}, FOR_SUITES},
    {{"faults", required_argument, 0, OPT_FAULTS}, FOR_SUITES},
    {{"skip-faults", required_argument, 0, OPT_SKIP_FAULTS}, FOR_SUITES},
    {{"shard", required_argument, 0, OPT_SHARD}, FOR_SUITES},
    {{"fail-fast", no_argument, 0, OPT_FAIL_FAST}, FOR_SUITES},
    {{"cacert", required_argument, 0, OPT_CACERT}, FOR_SUITES},
    {{"cert", required_argument, 0, OPT_CERT}, FOR_ALL},
    {{"key", required_argument, 0, OPT_KEY}, FOR_ALL},
    {{"insecure", no_argument, 0, OPT_INSECURE}, FOR_SUITES},
    {{"allow-plain-http", no_argument, 0, OPT_ALLOW_PLAIN_HTTP}, FOR(CLI_RUN)},
    {{"color", required_argument, 0, OPT_COLOR}, FOR_SUITES},
    {{"quiet", no_argument, 0, 'q'}, FOR_ALL},
    {{"verbose", no_argument, 0, OPT_VERBOSE}, FOR_SUITES},
    {{"seed", required_argument, 0, OPT_SEED}, FOR_ALL},
    {{"now-ms", required_argument, 0, OPT_NOW_MS}, FOR_SUITES},
    {{"body-cap", required_argument, 0, OPT_BODY_CAP}, FOR_SUITES},
    {{"follow-redirects", no_argument, 0, OPT_FOLLOW}, FOR_SUITES},
    {{"wait-for", required_argument, 0, OPT_WAIT_FOR}, FOR(CLI_RUN)},
    {{"listen", required_argument, 0, OPT_LISTEN}, FOR(CLI_SERVE)},
    {{"tls-listen", required_argument, 0, OPT_TLS_LISTEN}, FOR(CLI_SERVE)},
    {{"inject", required_argument, 0, OPT_INJECT}, FOR(CLI_SERVE)},
    {{"inject-rate", required_argument, 0, OPT_INJECT_RATE}, FOR(CLI_SERVE)},
    {{"max-requests", required_argument, 0, OPT_MAX_REQUESTS}, FOR(CLI_SERVE)},
    {{"unknown-routes", required_argument, 0, OPT_UNKNOWN_ROUTES}, FOR(CLI_SERVE)},
    {{"retry-window", required_argument, 0, OPT_RETRY_WINDOW}, FOR(CLI_SERVE)},
    {{"expect-retry", required_argument, 0, OPT_EXPECT_RETRY}, FOR(CLI_SERVE)},
    {{"max-attempts", required_argument, 0, OPT_MAX_ATTEMPTS}, FOR(CLI_SERVE)},
    {{"backoff-min", required_argument, 0, OPT_BACKOFF_MIN}, FOR(CLI_SERVE)},
    {{"har", required_argument, 0, OPT_HAR}, FOR(CLI_SERVE)},
    {{"explain", no_argument, 0, OPT_EXPLAIN}, FOR(CLI_LIST)},
    {{"strict-formats", no_argument, 0, OPT_STRICT_FORMATS}, FOR_SUITES},
    {{"baseline", required_argument, 0, OPT_BASELINE}, FOR(CLI_RUN)},
    {{"write-baseline", required_argument, 0, OPT_WRITE_BASELINE}, FOR(CLI_RUN)},
    {{"json", required_argument, 0, OPT_JSON}, FOR(CLI_RUN)},
    {{"sarif", required_argument, 0, OPT_SARIF}, FOR(CLI_RUN)},
    {{"tap", required_argument, 0, OPT_TAP}, FOR(CLI_RUN)},
    {{"annotations", required_argument, 0, OPT_ANNOTATIONS}, FOR(CLI_RUN)},
    {{"html", required_argument, 0, OPT_HTML}, FOR(CLI_RUN) | FOR(CLI_SERVE)},
    {{"store-limit", required_argument, 0, OPT_STORE_LIMIT}, FOR(CLI_SERVE)},
    {{"coverage", required_argument, 0, OPT_COVERAGE}, FOR(CLI_RUN)},
    {{"help", no_argument, 0, 'h'}, FOR_ALL},
};
#define N_OPTIONS (sizeof options / sizeof *options)

/* The getopt view of the rows `command` takes: long options and the short
 * ones among them. */
static void options_for(cli_command command, struct option longs[N_OPTIONS + 1],
                        char shorts[3 * N_OPTIONS + 1]) {
  size_t n = 0, k = 0;
  for (size_t i = 0; i < N_OPTIONS; i++) {
    if (!(options[i].commands & FOR(command))) continue;
    longs[n++] = options[i].opt;
    int val = options[i].opt.val;
    if (val < 128) {
      shorts[k++] = (char)val;
      if (options[i].opt.has_arg == required_argument) shorts[k++] = ':';
    }
  }
  longs[n] = (struct option){0, 0, 0, 0};
  shorts[k] = 0;
}

void cli_usage(FILE *out) {
  fputs("usage:\n"
        "  gauntlet run   [options] SUITE.yaml...   run suites against a target\n"
        "  gauntlet list  [options] SUITE.yaml...   print the expanded case ids, send nothing\n"
        "  gauntlet check SUITE.yaml...             validate suites and profiles, send nothing\n"
        "  gauntlet serve [options] SUITE.yaml...   profile-driven target / client auditor\n"
        "  gauntlet schema [options] SCHEMA [INSTANCE...]  JSON Schema validation (schema --help)\n"
        "  gauntlet init --openapi api.yaml [--out DIR]   suite + profile from a document (init "
        "--help)\n"
        "  gauntlet --help | --version\n"
        "\n"
        "run / list options:\n"
        "  -u, --base-url URL      override every suite's base_url\n"
        "  -v, --var NAME=VALUE    set a variable (repeatable; wins over suite variables)\n"
        "  -j, --jobs N            concurrent requests (default 8)\n"
        "      --rate N            at most N requests per second, evenly spaced\n"
        "      --timeout DURATION  per request (default 10s; 150ms, 2s, 1m)\n"
        "      --junit FILE        JUnit XML report (default reports/junit.xml)\n"
        "      --baseline FILE     accepted findings: reported, but only a new one fails\n"
        "      --write-baseline FILE  write this run's findings as a baseline\n"
        "      --json FILE         JSON report: cases, checks, findings, timings\n"
        "      --sarif FILE        SARIF 2.1.0: one result per finding, at its suite line\n"
        "      --html FILE         one self-contained HTML report (findings, matrix, cases)\n"
        "      --coverage FILE     OpenAPI coverage per operation as JSON: documented\n"
        "                          statuses observed / not observed, undocumented, faults\n"
        "      --tap FILE|-        TAP version 14 with YAML diagnostics (-: stdout; the\n"
        "                          console then goes to stderr)\n"
        "      --annotations github|none  GitHub Actions annotations for findings (default:\n"
        "                          github when GITHUB_ACTIONS=true)\n"
        "      --filter GLOB       only cases whose id matches (e.g. '*[valid]'; * and ? are\n"
        "                          wildcards, [ ] are literal, \\ escapes)\n"
        "      --case ID           only the case with exactly this id (repeatable)\n"
        "      --tag TAG           only scenarios with this tag (repeatable: any of)\n"
        "      --faults LIST       comma list of faults to keep, or all, or none;\n"
        "                          -NAME drops one (all,-wire_bare_lf)\n"
        "      --skip-faults LIST  comma list of faults never to run\n"
        "      --shard K/N         run the K-th of N deterministic shards\n"
        "      --fail-fast         stop at the first failed case\n"
        "      --seed N            seed of every random choice (printed in the summary)\n"
        "      --cacert FILE       trust this CA certificate\n"
        "      --cert FILE --key FILE  client certificate (mTLS)\n"
        "      --insecure          do not verify TLS certificates (warns)\n"
        "      --allow-plain-http  let credentials go over http:// to a non-loopback host\n"
        "      --body-cap SIZE     response bytes kept per case (default 1MiB)\n"
        "      --follow-redirects  follow 3xx answers (at most 5); default: judge the 3xx\n"
        "      --wait-for DURATION wait (with backoff) until the target accepts connections\n"
        "      --explain           (list) where each case's expectation comes from\n"
        "      --strict-formats    `format` asserts in expect.schema / errors.schema\n"
        "                          (as the suite's strict_formats: true)\n"
        "      --now-ms N          pin the clock (Unix ms) of minted tokens and ${gen.now_*}\n"
        "                          (repro lines set it to replay a case byte for byte)\n"
        "      --color auto|always|never\n"
        "  -q, --quiet             print only the summary\n"
        "      --verbose           dump every request and response (secrets redacted)\n"
        "  (check takes the same options; only --var and --faults change what it checks)\n"
        "\n"
        "serve options:\n"
        "      --listen HOST:PORT      plain HTTP listener (default 127.0.0.1:8080; port 0: any)\n"
        "      --tls-listen HOST:PORT  HTTPS listener (needs --cert and --key)\n"
        "      --cert FILE --key FILE  PEM certificate and key for --tls-listen\n"
        "      --junit FILE            client-conformance report (default "
        "reports/serve-junit.xml)\n"
        "      --inject LIST           status:429,status:500,status:503,malformed_json,truncated,\n"
        "                              reset,reset_after,slow:DURATION,empty; targeted:\n"
        "                              KIND@METHOD /path/*, KIND#N, [503,503,200]@POST /path\n"
        "      --inject-rate P         share of answers to fault, 0..1 (default 0; 1 with "
        "--inject\n"
        "                              when not given)\n"
        "      --seed N                seeds ids and injection draws (default: time)\n"
        "      --max-requests N        stop after N requests and write the report\n"
        "      --retry-window DURATION  how long after an injected answer a retry may come "
        "(30s)\n"
        "      --expect-retry LIST     failures the client must retry: 429,503,reset (or none);\n"
        "                              replaces the profiles' client.retry (retry_missing)\n"
        "      --max-attempts N        attempts of one request in all (client.max_attempts):\n"
        "                              owed until then (retry_missing), more is retry_storm\n"
        "      --backoff-min DURATION  a retry sooner than this is retry_too_soon "
        "(client.backoff_min)\n"
        "      --unknown-routes fail|note[:STATUS]  undeclared routes fail the client (default),\n"
        "                              or are notes (answered STATUS, default the profile's)\n"
        "      --har FILE              also write every exchange as HAR 1.2 (credentials "
        "redacted)\n"
        "      --html FILE             also write the client audit as one HTML page\n"
        "      --store-limit N         records a collection keeps (default 10000); one more\n"
        "                              drops the oldest\n"
        "  -v, --var NAME=VALUE        set a suite variable\n"
        "  -q, --quiet                 no per-request log lines\n"
        "  serve prints 'listening http://HOST:PORT' (and https) on stdout once ready and stops\n"
        "  on SIGINT/SIGTERM; exit 0 when the client conformed, 1 when it broke a rule.\n"
        "\n"
        "exit codes: 0 all passed, 1 a case failed, 2 bad usage/suite/profile (nothing sent),\n"
        "            3 runtime error, 130 interrupted (a valid partial report is written)\n",
        out);
}

__attribute__((format(printf, 1, 2))) static bool usage_error(const char *fmt, ...) {
  fprintf(stderr, "gauntlet: ");
  va_list ap;
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
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

static const char *const command_names[] = {"run", "list", "check", "serve"};

bool cli_parse(int argc, char **argv, cli_command command, cli_opts *o) {
  memset(o, 0, sizeof *o);
  o->command = command;
  o->command_name = command_names[command];
  bool serve = command == CLI_SERVE;
  o->run.timeout_ms = CLI_DEFAULT_TIMEOUT_MS;
  o->run.http.max_parallel = 8;
  o->run.http.body_cap = 1 << 20;
  o->serve.use_env = true;
  o->junit_path = serve ? "reports/serve-junit.xml" : "reports/junit.xml";
  const char *gha = getenv("GITHUB_ACTIONS");
  o->annotations = gha && !strcmp(gha, "true");
  o->vars = gt_xcalloc((size_t)argc, sizeof *o->vars);
  o->tags = gt_xcalloc((size_t)argc, sizeof *o->tags);
  o->case_ids = gt_xcalloc((size_t)argc, sizeof *o->case_ids);
  struct option longs[N_OPTIONS + 1];
  char shorts[3 * N_OPTIONS + 1];
  options_for(command, longs, shorts); /* options may follow the files (GNU order) */
  bool rate_given = false;
  optind = 1;
  opterr = 0;
  int c;
  while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
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
      if (!gt_parse_duration(optarg, &o->run.timeout_ms)) {
        char *why = gt_duration_error(optarg);
        bool r = usage_error("--timeout: %s", why);
        free(why);
        return r;
      }
      if (o->run.timeout_ms <= 0)
        return usage_error("--timeout expects a duration above zero, got '%s'", optarg);
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
    case OPT_CASE:
      o->case_ids[o->run.n_case_ids++] = optarg;
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
    case OPT_CERT: /* run: client certificate (mTLS); serve: the server's */
      *(serve ? &o->serve.cert : &o->run.http.cert) = optarg;
      break;
    case OPT_KEY:
      *(serve ? &o->serve.key : &o->run.http.key) = optarg;
      break;
    case OPT_LISTEN:
      o->serve.listen = optarg;
      break;
    case OPT_TLS_LISTEN:
      o->serve.tls_listen = optarg;
      break;
    case OPT_HAR:
      o->serve.har_path = optarg;
      break;
    case OPT_INJECT:
      o->serve.inject = optarg;
      break;
    case OPT_INJECT_RATE: {
      char *end;
      o->serve.inject_rate = strtod(optarg, &end);
      if (!*optarg || *end) /* the range is the library's to check */
        return usage_error("--inject-rate expects a number from 0 to 1, got '%s'", optarg);
      rate_given = true;
      break;
    }
    case OPT_RETRY_WINDOW:
      if (!gt_parse_duration(optarg, &o->serve.retry_window_ms) || o->serve.retry_window_ms <= 0)
        return usage_error("--retry-window expects a duration such as 30s, got '%s'", optarg);
      break;
    case OPT_EXPECT_RETRY:
      o->serve.expect_retry = optarg; /* checked by gt_serve_new (exit 2) */
      break;
    case OPT_MAX_ATTEMPTS:
      if (!parse_positive(optarg, 1000, &n))
        return usage_error("--max-attempts expects an integer from 1 to 1000, got '%s'", optarg);
      o->serve.max_attempts = (unsigned)n;
      break;
    case OPT_BACKOFF_MIN:
      if (!gt_parse_duration(optarg, &o->serve.backoff_min_ms) || o->serve.backoff_min_ms <= 0)
        return usage_error("--backoff-min expects a duration such as 200ms, got '%s'", optarg);
      break;
    case OPT_UNKNOWN_ROUTES:
      o->serve.unknown_routes = optarg;
      break;
    case OPT_STORE_LIMIT:
      if (!parse_positive(optarg, LONG_MAX, &n))
        return usage_error("--store-limit expects a positive integer, got '%s'", optarg);
      o->serve.store_limit = n;
      break;
    case OPT_MAX_REQUESTS:
      if (!parse_positive(optarg, LONG_MAX, &n))
        return usage_error("--max-requests expects a positive integer, got '%s'", optarg);
      o->serve.max_requests = n;
      break;
    case OPT_INSECURE:
      o->run.http.insecure = true;
      break;
    case OPT_ALLOW_PLAIN_HTTP:
      o->run.allow_plain_http = true;
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
      o->body_cap_given = true;
      break;
    }
    case OPT_STRICT_FORMATS:
      o->strict_formats = true;
      break;
    case OPT_EXPLAIN:
      o->explain = true;
      break;
    case OPT_BASELINE:
      o->baseline_path = optarg;
      break;
    case OPT_JSON:
      if (!*optarg) return usage_error("--json expects a file name");
      o->json_path = optarg;
      break;
    case OPT_SARIF:
      if (!*optarg) return usage_error("--sarif expects a file name");
      o->sarif_path = optarg;
      break;
    case OPT_TAP:
      if (!*optarg) return usage_error("--tap expects a file name or -");
      o->tap_path = optarg;
      break;
    case OPT_HTML:
      if (!*optarg) return usage_error("--html expects a file name");
      o->html_path = optarg;
      break;
    case OPT_COVERAGE:
      if (!*optarg) return usage_error("--coverage expects a file name");
      o->coverage_path = optarg;
      break;
    case OPT_ANNOTATIONS:
      if (!strcmp(optarg, "github"))
        o->annotations = 1;
      else if (!strcmp(optarg, "none"))
        o->annotations = 0;
      else
        return usage_error("--annotations expects github or none, got '%s'", optarg);
      break;
    case OPT_WRITE_BASELINE:
      if (!*optarg) return usage_error("--write-baseline expects a file name");
      o->write_baseline_path = optarg;
      break;
    case OPT_NOW_MS: {
      char *end;
      long long ms = strtoll(optarg, &end, 10);
      if (!*optarg || *end || ms <= 0)
        return usage_error("--now-ms expects Unix time in milliseconds, got '%s'", optarg);
      o->run.now_ms = ms;
      break;
    }
    case OPT_SKIP_FAULTS: {
      gt_err e = {0};
      if (!gt_skip_faults_option_valid(optarg, &e)) return usage_error("%s", e.msg);
      o->run.skip_faults = optarg;
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
  if (optind >= argc) return usage_error("%s: no SUITE.yaml given", o->command_name);
  o->files = argv + optind;
  o->n_files = argc - optind;
  o->run.vars = o->vars;
  o->run.tags = o->tags;
  o->serve.cli_vars = o->vars;
  o->serve.n_cli_vars = o->run.n_vars;
  if (o->serve.inject && !rate_given) o->serve.inject_rate = 1.0; /* --inject alone: every answer */
  o->run.case_ids = o->case_ids;
  if (!o->seed_given) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    o->run.seed = ((unsigned long long)ts.tv_nsec ^ ((unsigned long long)getpid() << 20) ^
                   (unsigned long long)ts.tv_sec) %
                  1000000000ULL;
  }
  o->serve.seed = o->run.seed;
  return true;
}

void cli_opts_free(cli_opts *o) {
  for (int i = 0; i < o->run.n_vars; i++) {
    free(o->vars[i].name);
    free(o->vars[i].value);
  }
  free(o->vars);
  free(o->tags);
  free(o->case_ids);
}
