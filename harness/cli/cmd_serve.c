/* cmd_serve.c — `gauntlet serve`: load, start the server, wait for a signal
 * or --max-requests, write the client-conformance report. The server itself
 * lives in serve/ (no printing there: it logs through a callback). */
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static void log_line(void *ud, const char *line) {
  (void)ud;
  fprintf(stderr, "serve: %s\n", line);
}

/* "127.0.0.1:0" + bound port -> "127.0.0.1:PORT"; then, for each suite
 * whose base_url has a path (an OpenAPI document's server: /v2), the URL its
 * API is mounted at, once per distinct path. */
static void print_listening(const gt_serve *s, const char *scheme, const char *addr, int port) {
  const char *colon = strrchr(addr, ':');
  int hl = colon ? (int)(colon - addr) : (int)strlen(addr);
  printf("listening %s://%.*s:%d\n", scheme, hl, addr, port);
  const char *base;
  for (size_t i = 0; (base = gt_serve_base_path(s, i)) != NULL; i++) {
    bool seen = !*base;
    for (size_t k = 0; k < i && !seen; k++)
      seen = !strcmp(gt_serve_base_path(s, k), base);
    if (!seen) printf("api %s://%.*s:%d%s\n", scheme, hl, addr, port, base);
  }
}

/* Serves until interrupted or done; returns the exit code. */
static int serve_until_stopped(gt_serve *s, const cli_opts *o, const gt_secrets *secrets) {
  volatile sig_atomic_t *stop = cli_catch_interrupts();
  signal(SIGPIPE, SIG_IGN); /* a client that hangs up is not our end */
  gt_err err = {0};
  if (!gt_serve_start(s, &err)) return cli_print_err(secrets, &err);
  if (gt_serve_http_port(s))
    print_listening(s, "http", o->serve.listen ? o->serve.listen : "127.0.0.1:8080",
                    gt_serve_http_port(s));
  if (gt_serve_https_port(s))
    print_listening(s, "https", o->serve.tls_listen, gt_serve_https_port(s));
  fflush(stdout);

  /* The flag is checked every 50 ms: a signal ends the wait promptly. */
  while (!*stop && !gt_serve_done(s)) {
    struct timespec ts = {0, 50 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  gt_serve_stop(s);
  bool conformed = false;
  if (!gt_serve_write_junit(s, o->junit_path, &conformed, &err)) {
    cli_print_err(secrets, &err);
    return EXIT_RUNTIME;
  }
  size_t n = gt_serve_request_count(s);
  char *summary = gt_serve_summary(s); /* printed even with -q: it is the result */
  fputs(summary, stderr);
  free(summary);
  if (!o->quiet)
    fprintf(stderr, "serve: %zu request%s; client %s; report %s; seed %llu\n", n, n == 1 ? "" : "s",
            conformed ? "conformed" : "broke rules", o->junit_path,
            (unsigned long long)o->serve.seed);
  return conformed ? EXIT_PASS : EXIT_FAILED;
}

int cli_serve(int argc, char **argv) {
  cli_opts o;
  gt_secrets *secrets;
  gt_suite **suites;
  int rc = cli_open(argc, argv, CLI_SERVE, &o, &secrets, &suites);
  if (rc != EXIT_PASS) return rc;
  o.serve.secrets = secrets;
  o.serve.junit_path = o.junit_path;
  o.serve.html_path = o.html_path;
  o.serve.log = o.quiet ? NULL : log_line;
  gt_err err = {0};
  gt_serve *s = gt_serve_new(suites, (size_t)o.n_files, &o.serve, &err);
  rc = s ? serve_until_stopped(s, &o, secrets) : cli_print_err(secrets, &err);
  gt_serve_free(s);
  cli_close(&o, secrets, suites);
  return rc;
}
