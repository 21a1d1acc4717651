/* cli_serve.c — `gauntlet serve`: options, signals, printing. The server
 * itself lives in serve/ (no printing there: it logs through a callback). */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/secrets.h"
#include "../serve/serve.h"
#include "../suite/suite.h"
#include "cli_serve.h"

enum { SERVE_PASS = 0, SERVE_FAIL = 1, SERVE_USAGE = 2, SERVE_RUNTIME = 3 };

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig) {
  (void)sig;
  stop_requested = 1;
}

static void serve_usage(FILE *out) {
  fputs("usage: gauntlet serve [options] SUITE.yaml...\n"
        "  --listen HOST:PORT        plain HTTP listener (default 127.0.0.1:8080; port 0: any)\n"
        "  --tls-listen HOST:PORT    HTTPS listener (needs --cert and --key)\n"
        "  --cert FILE --key FILE    PEM certificate and key for --tls-listen\n"
        "  --junit FILE              client-conformance report (default reports/serve-junit.xml)\n"
        "  --inject LIST             status:429,status:500,status:503,malformed_json,truncated,\n"
        "                            reset,slow:DURATION,empty\n"
        "  --inject-rate P           share of answers to fault, 0..1 (default 0; 1 with --inject\n"
        "                            when not given)\n"
        "  --seed N                  seeds ids and injection draws (default: time)\n"
        "  --max-requests N          stop after N requests and write the report\n"
        "  -v, --var NAME=VALUE      set a suite variable\n"
        "  -q, --quiet               no per-request log lines\n"
        "Prints 'listening http://HOST:PORT' (and https) on stdout once ready; stops on\n"
        "SIGINT/SIGTERM. Exit 0 when the client conformed, 1 when it broke a rule,\n"
        "2 bad usage or suite, 3 runtime error.\n",
        out);
}

static void log_line(void *ud, const char *line) {
  (void)ud;
  fprintf(stderr, "serve: %s\n", line);
}

static void print_err(const gt_err *e) {
  char msg[2048];
  gt_err_format(e, msg, sizeof msg);
  fprintf(stderr, "gauntlet serve: %s\n", msg);
}

static int code_of(const gt_err *e) {
  return e->kind == GT_ERR_RUNTIME ? SERVE_RUNTIME : SERVE_USAGE;
}

/* "127.0.0.1:0" + bound port -> "127.0.0.1:PORT" */
static void print_listening(const char *scheme, const char *addr, int port) {
  const char *colon = strrchr(addr, ':');
  int hl = colon ? (int)(colon - addr) : (int)strlen(addr);
  printf("listening %s://%.*s:%d\n", scheme, hl, addr, port);
}

static bool has_var(const gt_cli_var *vars, int n, const char *name) {
  for (int i = 0; i < n; i++)
    if (!strcmp(vars[i].name, name)) return true;
  return false;
}

/* serve needs only the path of a suite's base_url, but the loader refuses an
 * undefined variable in it. For each ${NAME} (without a default) of base_url
 * that neither --var, the suite's variables nor the environment defines, adds
 * --var NAME=http://placeholder (at the start of the URL, else "placeholder")
 * so serve starts; the host is never used. A file that does not parse is left
 * to the loader, which reports it. */
static void placeholder_base_urls(char **paths, int n_paths, gt_cli_var **vars, int *n_vars,
                                  bool quiet) {
  for (int i = 0; i < n_paths; i++) {
    FILE *f = fopen(paths[i], "rb");
    if (!f) continue;
    char *data = NULL;
    size_t len = 0, cap = 0, got;
    char chunk[8192];
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) { /* bounded by the file */
      if (len + got > cap) {
        cap = (len + got) * 2;
        data = realloc(data, cap);
        if (!data) gt_oom();
      }
      memcpy(data + len, chunk, got);
      len += got;
    }
    fclose(f);
    gt_err e;
    gt_node *root = data ? gt_yaml_parse(paths[i], data, len, &e) : NULL;
    free(data);
    const gt_node *base = root && root->kind == GT_NODE_MAP ? gt_node_get(root, "base_url") : NULL;
    const gt_node *svars =
        root && root->kind == GT_NODE_MAP ? gt_node_get(root, "variables") : NULL;
    const char *t = base && base->kind == GT_NODE_SCALAR && base->text ? base->text : "";
    for (const char *p = strstr(t, "${"); p; p = strstr(p + 2, "${")) { /* bounded by t */
      size_t nl = strcspn(p + 2, ":}");
      if (p[2 + nl] != '}' || nl == 0) continue; /* has a default, or malformed */
      char *name = gt_xstrndup(p + 2, nl);
      bool defined = has_var(*vars, *n_vars, name) || getenv(name) ||
                     (svars && svars->kind == GT_NODE_MAP && gt_node_get(svars, name));
      if (!defined) {
        *vars = realloc(*vars, (size_t)(*n_vars + 1) * sizeof **vars);
        if (!*vars) gt_oom();
        (*vars)[*n_vars].name = name;
        (*vars)[*n_vars].value = gt_xstrdup(p == t ? "http://placeholder" : "placeholder");
        (*n_vars)++;
        if (!quiet)
          fprintf(stderr, "serve: %s: %s is not set; base_url's host is not used, only its path\n",
                  paths[i], name);
      } else {
        free(name);
      }
    }
    gt_node_free(root);
  }
}

int gt_cli_serve(int argc, char **argv) {
  static const struct option longopts[] = {{"listen", required_argument, NULL, 'L'},
                                           {"tls-listen", required_argument, NULL, 'T'},
                                           {"cert", required_argument, NULL, 'c'},
                                           {"key", required_argument, NULL, 'k'},
                                           {"junit", required_argument, NULL, 'J'},
                                           {"inject", required_argument, NULL, 'I'},
                                           {"inject-rate", required_argument, NULL, 'R'},
                                           {"seed", required_argument, NULL, 'S'},
                                           {"max-requests", required_argument, NULL, 'M'},
                                           {"var", required_argument, NULL, 'v'},
                                           {"quiet", no_argument, NULL, 'q'},
                                           {"help", no_argument, NULL, 'h'},
                                           {NULL, 0, NULL, 0}};
  gt_serve_opts o = {.use_env = true, .seed = (uint64_t)time(NULL)};
  const char *junit = "reports/serve-junit.xml";
  bool rate_given = false, quiet = false;
  gt_cli_var *vars = NULL;
  int n_vars = 0, rc = SERVE_USAGE;
  optind = 1;
  opterr = 1;
  int ch;
  while ((ch = getopt_long(argc, argv, "v:qh", longopts, NULL)) != -1) {
    char *end = NULL;
    switch (ch) {
    case 'L':
      o.listen = optarg;
      break;
    case 'T':
      o.tls_listen = optarg;
      break;
    case 'c':
      o.cert = optarg;
      break;
    case 'k':
      o.key = optarg;
      break;
    case 'J':
      junit = optarg;
      break;
    case 'I':
      o.inject = optarg;
      break;
    case 'R':
      o.inject_rate = strtod(optarg, &end);
      if (*end || o.inject_rate < 0 || o.inject_rate > 1) {
        fprintf(stderr, "gauntlet serve: --inject-rate must be a number from 0 to 1\n");
        goto out;
      }
      rate_given = true;
      break;
    case 'S':
      o.seed = strtoull(optarg, &end, 10);
      if (*end || !*optarg) {
        fprintf(stderr, "gauntlet serve: --seed must be a non-negative integer\n");
        goto out;
      }
      break;
    case 'M':
      o.max_requests = strtol(optarg, &end, 10);
      if (*end || o.max_requests <= 0) {
        fprintf(stderr, "gauntlet serve: --max-requests must be a positive integer\n");
        goto out;
      }
      break;
    case 'v': {
      const char *eq = strchr(optarg, '=');
      if (!eq || eq == optarg) {
        fprintf(stderr, "gauntlet serve: --var wants NAME=VALUE\n");
        goto out;
      }
      vars = realloc(vars, (size_t)(n_vars + 1) * sizeof *vars);
      if (!vars) gt_oom();
      vars[n_vars].name = gt_xstrndup(optarg, (size_t)(eq - optarg));
      vars[n_vars].value = gt_xstrdup(eq + 1);
      n_vars++;
      break;
    }
    case 'q':
      quiet = true;
      break;
    case 'h':
      serve_usage(stdout);
      rc = SERVE_PASS;
      goto out;
    default:
      serve_usage(stderr);
      goto out;
    }
  }
  if (optind >= argc) {
    fprintf(stderr, "gauntlet serve: no suite given\n");
    serve_usage(stderr);
    goto out;
  }
  if (o.inject && !rate_given) o.inject_rate = 1.0; /* --inject alone: every answer */
  gt_err err = {0};
  if (o.inject && !gt_serve_inject_valid(o.inject, &err)) {
    print_err(&err);
    goto out;
  }
  if (o.tls_listen && (!o.cert || !o.key)) {
    fprintf(stderr, "gauntlet serve: --tls-listen needs --cert and --key\n");
    goto out;
  }

  placeholder_base_urls(argv + optind, argc - optind, &vars, &n_vars, quiet);
  gt_secrets *secrets = gt_secrets_new();
  int n_suites = argc - optind;
  gt_suite **suites = calloc((size_t)n_suites, sizeof *suites);
  if (!suites) gt_oom();
  gt_load_opts lo = {.cli_vars = vars, .n_cli_vars = n_vars, .use_env = true, .secrets = secrets};
  gt_serve *s = NULL;
  for (int i = 0; i < n_suites; i++) {
    suites[i] = gt_suite_load(argv[optind + i], &lo, &err);
    if (!suites[i]) {
      print_err(&err);
      rc = code_of(&err);
      goto cleanup;
    }
  }
  o.cli_vars = vars;
  o.n_cli_vars = n_vars;
  o.secrets = secrets;
  o.log = quiet ? NULL : log_line;
  s = gt_serve_new(suites, (size_t)n_suites, &o, &err);
  if (!s) {
    print_err(&err);
    rc = code_of(&err);
    goto cleanup;
  }

  struct sigaction sa = {0};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);

  if (!gt_serve_start(s, &err)) {
    print_err(&err);
    rc = code_of(&err) == SERVE_USAGE ? SERVE_USAGE : SERVE_RUNTIME;
    goto cleanup;
  }
  if (gt_serve_http_port(s))
    print_listening("http", o.listen ? o.listen : "127.0.0.1:8080", gt_serve_http_port(s));
  if (gt_serve_https_port(s)) print_listening("https", o.tls_listen, gt_serve_https_port(s));
  fflush(stdout);

  /* The flag is checked every 50 ms: a signal ends the wait promptly. */
  while (!stop_requested && !gt_serve_done(s)) {
    struct timespec ts = {0, 50 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  gt_serve_stop(s);
  bool conformed = false;
  if (!gt_serve_write_junit(s, junit, &conformed, &err)) {
    print_err(&err);
    rc = SERVE_RUNTIME;
    goto cleanup;
  }
  size_t n = gt_serve_request_count(s);
  if (!quiet)
    fprintf(stderr, "serve: %zu request%s; client %s; report %s; seed %llu\n", n, n == 1 ? "" : "s",
            conformed ? "conformed" : "broke rules", junit, (unsigned long long)o.seed);
  rc = conformed ? SERVE_PASS : SERVE_FAIL;

cleanup:
  gt_serve_free(s);
  for (int i = 0; i < n_suites; i++)
    if (suites[i]) gt_suite_free(suites[i]);
  free(suites);
  gt_secrets_free(secrets);
out:
  for (int i = 0; i < n_vars; i++) {
    free(vars[i].name);
    free(vars[i].value);
  }
  free(vars);
  return rc;
}
