/* gauntlet.c — running the real gauntlet binary and target_api from tests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

int ts_gauntlet_run(ts_gauntlet *g, const char *dir, const char *const args[],
                    const char *const env[], long timeout_ms) {
  memset(g, 0, sizeof *g);
  size_t n = 0;
  while (args[n])
    n++;
  const char **argv = calloc(n + 2, sizeof *argv);
  char *out = ts_fmt("%s/gauntlet.stdout", dir);
  char *err = ts_fmt("%s/gauntlet.stderr", dir);
  if (!argv || !out || !err) {
    free(argv);
    free(out);
    free(err);
    return g->exit_code = -1;
  }
  argv[0] = GAUNTLET_BIN;
  memcpy(argv + 1, args, n * sizeof *argv);
  ts_proc p;
  g->exit_code = ts_run(argv, env, out, err, timeout_ms, &p);
  g->timed_out = p.timed_out;
  g->elapsed = p.elapsed;
  g->max_rss_kb = p.max_rss_kb;
  g->out = ts_read_file(out, NULL);
  g->err = ts_read_file(err, NULL);
  if (!g->out) g->out = strdup("");
  if (!g->err) g->err = strdup("");
  free(argv);
  free(out);
  free(err);
  return g->exit_code;
}

void ts_gauntlet_free(ts_gauntlet *g) {
  free(g->out);
  free(g->err);
  memset(g, 0, sizeof *g);
}

bool ts_api_start(ts_target *t, const char *log_dir, int *port, const char *const extra[]) {
  return ts_target_start_any_port(t, "target_api", "--http-port", extra, log_dir, port);
}

long ts_api_count(int port) {
  int status = 0;
  char *body = ts_http_get(port, "/__count", NULL, &status);
  long n = -1;
  if (body && status == 200) {
    const char *c = strstr(body, "\"count\":");
    if (c) n = strtol(c + 8, NULL, 10);
  }
  free(body);
  return n;
}
