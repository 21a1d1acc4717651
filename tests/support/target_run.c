/* target_run.c — one gauntlet run against one target server, with its report
 * (the setup and teardown most end-to-end tests share). */
#include <stdlib.h>
#include <string.h>

#include "support.h"

bool ts_target_run_init(ts_target_run *r) {
  memset(r, 0, sizeof *r);
  r->dir = ts_tempdir();
  if (!r->dir) return false;
  r->junit = ts_fmt("%s/junit.xml", r->dir);
  r->log = ts_fmt("%s/requests.log", r->dir);
  return r->junit && r->log;
}

bool ts_target_run_start(ts_target_run *r, const char *name, const char *port_flag,
                         const char *const args[]) {
  return ts_target_start_any_port(&r->target, name, port_flag, args, r->dir, &r->port);
}

static size_t count(const char *const list[]) {
  size_t n = 0;
  while (list && list[n])
    n++;
  return n;
}

char *ts_target_run_gauntlet(ts_target_run *r, const char *const args[], const char *const extra[],
                             const char *suite, const char *const env[], long timeout_ms) {
  size_t n_args = count(args), n_extra = count(extra);
  const char **argv = calloc(n_args + n_extra + 5, sizeof *argv);
  if (!argv) return strdup("out of memory");
  size_t k = 0;
  argv[k++] = "run";
  argv[k++] = "--junit";
  argv[k++] = r->junit;
  for (size_t i = 0; i < n_args; i++)
    argv[k++] = args[i];
  for (size_t i = 0; i < n_extra; i++)
    argv[k++] = extra[i];
  argv[k++] = suite;
  argv[k] = NULL;
  ts_gauntlet_run(&r->g, r->dir, argv, env, timeout_ms);
  free(argv);
  if (r->g.timed_out)
    return ts_fmt("gauntlet did not finish within %ld ms\nstdout: %s\nstderr: %s", timeout_ms,
                  r->g.out, r->g.err);
  if (!ts_junit_load(r->junit, &r->j))
    return ts_fmt("no report (exit %d)\nstdout: %s\nstderr: %s", r->g.exit_code, r->g.out,
                  r->g.err);
  if (!ts_junit_validates(r->junit)) return ts_fmt("%s does not validate", r->junit);
  return NULL;
}

bool ts_target_run_free(ts_target_run *r) {
  bool alive = ts_target_stop(&r->target);
  ts_junit_free(&r->j);
  ts_gauntlet_free(&r->g);
  if (r->dir) ts_rmtree(r->dir);
  free(r->dir);
  free(r->junit);
  free(r->log);
  memset(r, 0, sizeof *r);
  return alive;
}
