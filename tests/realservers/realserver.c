/* realserver.c — `realserver NAME`: starts the third-party server NAME on
 * 127.0.0.1 (a free port), runs `gauntlet run` with examples/NAME/suite.yaml
 * and checks the outcome of every case against servers.c.
 *
 * Exit: 0 every case as expected; 1 a mismatch (each one printed) or the
 * server could not be started; 77 the server is not installed (CTest
 * SKIP_RETURN_CODE) — but 1 when CI=true: CI installs the servers
 * (scripts/install-real-servers.sh), so a missing one there is a failure. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "realserver.h"

static void free_argv(char **v) {
  for (size_t i = 0; v && v[i]; i++)
    free(v[i]);
  free(v);
}

/* The first executable of the server that is missing, or NULL. Borrowed. */
static const char *missing_part(const rs_server *s, char *buf, size_t len) {
  for (size_t i = 0; s->needs[i]; i++) {
    const char *p = s->needs[i];
    if (p[0] == '/')
      snprintf(buf, len, "%s", p);
    else
      snprintf(buf, len, "%s/%s", SOURCE_DIR, p);
    if (access(buf, R_OK) != 0) return buf;
  }
  return NULL;
}

static int not_installed(const rs_server *s, const char *what) {
  char *test = ts_fmt("realserver/%s", s->name);
  char *missing = ts_fmt("%s is missing", what);
  int rc = ts_not_installed(test, missing,
                            "Install the real servers with scripts/install-real-servers.sh (root, "
                            "the\nDebian package registry and the npm registry).");
  free(test);
  free(missing);
  return rc;
}

static bool copy_data(const rs_server *s, const char *scratch) {
  for (size_t i = 0; s->data_files && s->data_files[i]; i++) {
    char *src = ts_fmt("%s/examples/%s/%s", SOURCE_DIR, s->name, s->data_files[i]);
    char *dst = ts_fmt("%s/%s", scratch, s->data_files[i]);
    size_t len = 0;
    char *text = src ? ts_read_file(src, &len) : NULL;
    bool ok = text && dst && ts_write_file(dst, text, len);
    if (!ok) fprintf(stderr, "realserver: cannot copy %s to %s\n", src, dst);
    free(text), free(src), free(dst);
    if (!ok) return false;
  }
  return true;
}

static bool exited(ts_proc *p) {
  if (p->exited) return true;
  int st;
  if (waitpid(p->pid, &st, WNOHANG) == p->pid) {
    p->exited = true;
    p->exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    p->term_signal = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
  }
  return p->exited;
}

/* SIGINT (gunicorn's and node's quick shutdown), SIGKILL after 5 s. */
static void stop(ts_proc *p) {
  if (p->pid <= 0 || exited(p)) return;
  kill(p->pid, SIGINT);
  ts_wait(p, 5000);
}

static void print_tail(const char *label, const char *path) {
  size_t len = 0;
  char *text = ts_read_file(path, &len);
  if (!text) return;
  const char *from = len > 4000 ? text + len - 4000 : text;
  fprintf(stderr, "---- %s (last %zu bytes of %s)\n%s\n----\n", label, strlen(from), path, from);
  free(text);
}

/* Starts the server and waits until it accepts: on *port when it is set (a
 * restart), else on a free port (three tries: a port can be taken between
 * ts_free_port and the server's bind). */
static bool start(const rs_server *s, const char *scratch, ts_proc *p, int *port) {
  int fixed = *port;
  char *out = ts_fmt("%s/server.out", scratch);
  char *err = ts_fmt("%s/server.err", scratch);
  /* json-server-auth writes a routes file into os.tmpdir(): keep it ours. */
  char *tmpdir = ts_fmt("TMPDIR=%s", scratch);
  const char *env[] = {tmpdir, NULL};
  bool up = false;
  for (int attempt = 0; attempt < (fixed ? 1 : 3) && !up; attempt++) {
    *port = fixed ? fixed : ts_free_port();
    char **argv = s->argv(*port, scratch);
    if (!argv || !ts_spawn((const char *const *)argv, env, out, err, p)) {
      free_argv(argv);
      break;
    }
    free_argv(argv);
    struct timespec t0, now;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
      if (ts_port_open(*port, 200)) {
        up = true;
        break;
      }
      if (exited(p)) break;
      clock_gettime(CLOCK_MONOTONIC, &now);
      long ms = (now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000;
      if (ms > s->start_ms) {
        fprintf(stderr, "realserver: %s did not listen within %ld ms\n", s->name, s->start_ms);
        stop(p);
        break;
      }
      usleep(100 * 1000);
    }
  }
  if (!up) print_tail("server stderr", err);
  free(out), free(err), free(tmpdir);
  return up;
}

/* True when the case's first failed check is one of checks ("a|b"). */
static bool type_in(const ts_case *c, const char *checks) {
  if (!checks) return true;
  size_t tl = c->type ? strlen(c->type) : 0;
  for (const char *p = checks; *p;) {
    size_t n = strcspn(p, "|");
    if (c->type && n == tl && !strncmp(p, c->type, n)) return true;
    p += n + (p[n] == '|');
  }
  return false;
}

/* Prints every difference between the report and the table; returns their number. */
static int compare(const rs_server *s, const ts_junit *j) {
  int bad = 0;
  for (size_t i = 0; i < s->n_expect; i++) {
    const rs_expect *e = &s->expect[i];
    const ts_case *c = ts_junit_find(j, e->name);
    if (!c) {
      fprintf(stderr, "MISSING   %s (expected %s)\n", e->name, ts_outcome_name(e->outcome));
      bad++;
    } else if (c->outcome != e->outcome || !type_in(c, e->checks)) {
      fprintf(stderr, "MISMATCH  %s: expected %s%s%s, got %s%s%s: %s\n", e->name,
              ts_outcome_name(e->outcome), e->checks ? " of " : "", e->checks ? e->checks : "",
              ts_outcome_name(c->outcome), c->type ? " of " : "", c->type ? c->type : "",
              c->message ? c->message : "");
      bad++;
    }
  }
  for (size_t i = 0; i < j->n; i++) {
    bool listed = false;
    for (size_t k = 0; k < s->n_expect && !listed; k++)
      listed = j->cases[i].name && !strcmp(j->cases[i].name, s->expect[k].name);
    if (!listed) {
      fprintf(stderr, "UNLISTED  %s: %s%s%s\n", j->cases[i].name ? j->cases[i].name : "?",
              ts_outcome_name(j->cases[i].outcome), j->cases[i].type ? " of " : "",
              j->cases[i].type ? j->cases[i].type : "");
      bad++;
    }
  }
  return bad;
}

static bool expects_failure(const rs_server *s) {
  for (size_t i = 0; i < s->n_expect; i++)
    if (s->expect[i].outcome == TS_CASE_FAILURE || s->expect[i].outcome == TS_CASE_ERROR)
      return true;
  return false;
}

static int run(const rs_server *s) {
  char buf[1024];
  const char *what = missing_part(s, buf, sizeof buf);
  if (what) return not_installed(s, what);

  char *scratch = ts_tempdir();
  if (!scratch || !copy_data(s, scratch)) return 1;
  ts_proc server;
  int port = 0;
  if (!start(s, scratch, &server, &port)) {
    fprintf(stderr, "realserver: %s could not be started\n", s->name);
    ts_rmtree(scratch), free(scratch);
    return 1;
  }
  if (s->prepare && !s->prepare(port)) {
    fprintf(stderr, "realserver: %s could not be prepared\n", s->name);
    stop(&server);
    ts_rmtree(scratch), free(scratch);
    return 1;
  }

  char *junit = ts_fmt("%s/junit.xml", scratch);
  char *suite = ts_fmt("%s/examples/%s/suite.yaml", SOURCE_DIR, s->name);
  /* The suite's documented environment, as a user exports it (the repro
   * commands rely on it too). */
  const char *env[8] = {NULL};
  size_t n_env = 0;
  char *url = ts_fmt("%s=http://127.0.0.1:%d", s->url_var, port);
  env[n_env++] = url;
  for (size_t i = 0; s->env && s->env[i] && n_env < 7; i++)
    env[n_env++] = s->env[i];
  /* A fixed seed: the same tokens and path segments on every run. */
  const char *args[] = {"run", "--seed", "9", "-j", "4", "--junit", junit, suite, NULL};
  ts_gauntlet g;
  ts_gauntlet_run(&g, scratch, args, env, 300000);
  bool server_gone = exited(&server);

  int bad = 0;
  ts_junit j;
  if (!ts_junit_load(junit, &j)) {
    fprintf(stderr, "realserver: no JUnit report at %s\n", junit);
    bad++;
  } else {
    bad += compare(s, &j);
    if (!ts_junit_validates(junit)) {
      fprintf(stderr, "realserver: %s does not validate against junit-10.xsd\n", junit);
      bad++;
    }
    /* The server a finding killed comes back on the same port: the curl
     * repro commands name it. */
    if (server_gone && s->dies && !start(s, scratch, &server, &port)) {
      fprintf(stderr, "realserver: %s could not be restarted for the repro commands\n", s->name);
      bad++;
    } else {
      bad += rs_check_repros(&j, scratch, env, s->dies, s->repro_pending);
    }
    ts_junit_free(&j);
  }
  int want_exit = expects_failure(s) ? 1 : 0;
  if (g.exit_code != want_exit) {
    fprintf(stderr, "realserver: gauntlet exited %d, expected %d\n", g.exit_code, want_exit);
    bad++;
  }
  if (server_gone != s->dies) {
    fprintf(stderr, "realserver: %s %s after the run\n", s->name,
            server_gone ? "was gone" : "was still running, but its finding should kill it");
    bad++;
  }
  if (bad) {
    fprintf(stderr, "realserver/%s: %d difference(s) from the expected outcomes\n", s->name, bad);
    fprintf(stderr, "---- gauntlet stdout\n%s\n---- gauntlet stderr\n%s\n----\n", g.out, g.err);
    char *err = ts_fmt("%s/server.err", scratch);
    print_tail("server stderr", err);
    free(err);
  } else {
    printf("realserver/%s: all %zu cases as expected (gauntlet %.1f s)\n", s->name, s->n_expect,
           g.elapsed);
  }
  stop(&server);
  ts_gauntlet_free(&g);
  ts_rmtree(scratch);
  free(scratch), free(junit), free(url), free(suite);
  return bad ? 1 : 0;
}

int main(int argc, char **argv) {
  const rs_server *s = argc == 2 ? rs_find(argv[1]) : NULL;
  if (!s) {
    fprintf(stderr, "usage: realserver NAME   (one of: %s)\n", rs_names());
    return 2;
  }
  return run(s);
}
