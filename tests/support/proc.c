/* proc.c — spawning processes with a deadline, and target server lifecycle. */
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

extern char **environ;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* environ with env_extra entries overriding same-named ones; the array is
 * owned by the caller (strings borrowed). */
static char **merged_env(const char *const env_extra[]) {
  size_t n_env = 0, n_extra = 0;
  while (environ[n_env])
    n_env++;
  while (env_extra && env_extra[n_extra])
    n_extra++;
  char **out = calloc(n_env + n_extra + 1, sizeof *out);
  if (!out) return NULL;
  size_t k = 0;
  for (size_t i = 0; i < n_env; i++) {
    bool overridden = false;
    for (size_t j = 0; j < n_extra; j++) {
      const char *eq = strchr(env_extra[j], '=');
      size_t nl = eq ? (size_t)(eq - env_extra[j]) : strlen(env_extra[j]);
      if (!strncmp(environ[i], env_extra[j], nl) && environ[i][nl] == '=') overridden = true;
    }
    if (!overridden) out[k++] = environ[i];
  }
  for (size_t j = 0; j < n_extra; j++)
    out[k++] = (char *)(uintptr_t)env_extra[j]; /* environ type; never written */
  return out;
}

/* Undoes what ts_spawn set up when no child runs. */
static bool spawn_failed(ts_proc *p) {
  p->pid = 0;
  if (p->err_is_scratch) unlink(p->err_path);
  p->err_is_scratch = false;
  return false;
}

/* Opens path on fd (stdin/stdout/stderr of the child). */
static bool open_on(int fd, const char *path, int flags) {
  int o = open(path, flags, 0644);
  if (o < 0) return false;
  if (o != fd) {
    if (dup2(o, fd) < 0) return false;
    close(o);
  }
  return true;
}

/* In the forked child: only async-signal-safe calls (the test process may
 * have threads). PR_SET_PDEATHSIG makes the kernel SIGKILL the child when the
 * test process dies, however it dies (an aborted assertion, a crash, CTest's
 * timeout kill): no target server or gauntlet outlives its test. The parent
 * may already be gone before prctl ran (the signal would then never come):
 * getppid() no longer names it, so give up. Never returns. */
static void exec_child(const char *const argv[], char **env, const char *out_path,
                       const char *err_path, pid_t parent, int report) {
  int err = 0;
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent) _exit(127);
  if (!open_on(0, "/dev/null", O_RDONLY) ||
      !open_on(1, out_path ? out_path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC) ||
      !open_on(2, err_path[0] ? err_path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC)) {
    err = errno;
  } else {
    execve(argv[0], (char *const *)(uintptr_t)argv, env);
    err = errno;
  }
  ssize_t ignored = write(report, &err, sizeof err);
  (void)ignored;
  _exit(127);
}

bool ts_spawn(const char *const argv[], const char *const env_extra[], const char *out_path,
              const char *err_path, ts_proc *p) {
  memset(p, 0, sizeof *p);
  if (err_path) {
    snprintf(p->err_path, sizeof p->err_path, "%s", err_path);
  } else {
    /* Kept only to be scanned: a sanitizer report must not vanish into
     * /dev/null just because the test does not look at stderr. */
    const char *tmp = getenv("TMPDIR");
    snprintf(p->err_path, sizeof p->err_path, "%s/ts-stderr-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(p->err_path);
    if (fd >= 0) {
      close(fd);
      p->err_is_scratch = true;
    } else {
      p->err_path[0] = '\0';
    }
  }
  char **env = merged_env(env_extra);
  /* The child reports a failed open or exec through this pipe (closed on a
   * successful exec), so that a missing program fails here as posix_spawn
   * would, instead of as an exit code later. */
  int report[2];
  if (!env || pipe2(report, O_CLOEXEC) != 0) {
    free(env);
    return spawn_failed(p);
  }
  pid_t parent = getpid();
  p->started = now_s();
  pid_t pid = fork();
  if (pid == 0) exec_child(argv, env, out_path, p->err_path, parent, report[1]);
  free(env);
  close(report[1]);
  int child_errno = 0;
  ssize_t got;
  do
    got = read(report[0], &child_errno, sizeof child_errno);
  while (got < 0 && errno == EINTR);
  close(report[0]);
  if (pid < 0) return spawn_failed(p);
  if (got > 0) { /* the exec did not happen: reap the child */
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
    }
    return spawn_failed(p);
  }
  p->pid = pid;
  return true;
}

const char *ts_sanitizer_finding(const char *text) {
  if (!text) return NULL;
  static const char *const marks[] = {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                                      ": runtime error: ", "WARNING: AddressSanitizer"};
  const char *first = NULL;
  for (size_t i = 0; i < sizeof marks / sizeof *marks; i++) {
    const char *hit = strstr(text, marks[i]);
    if (hit && (!first || hit < first)) first = hit;
  }
  if (!first) return NULL;
  while (first > text && first[-1] != '\n') /* the whole line */
    first--;
  return first;
}

/* Reads the child's stderr once it is gone; a report there overrides the exit
 * code (see ts_proc.sanitizer_report). */
static void scan_stderr(ts_proc *p) {
  if (!p->err_path[0]) return;
  char *err = ts_read_file(p->err_path, NULL);
  const char *hit = ts_sanitizer_finding(err);
  if (hit) {
    p->sanitizer_report = true;
    /* Visible in the test log even when the test prints nothing of stderr. */
    fprintf(stderr, "ts: sanitizer report in the stderr of pid %d (%s):\n%.4000s\n", (int)p->pid,
            p->err_is_scratch ? "scratch file" : p->err_path, hit);
  }
  free(err);
  if (p->err_is_scratch) unlink(p->err_path);
  p->err_is_scratch = false;
}

static void record_status(ts_proc *p, int st, const struct rusage *ru) {
  p->exited = true;
  /* Linux reports kilobytes. The child's peak also counts the pages of the
   * test process it was forked from (resident until its exec): a few MB, far
   * below the limits tests compare it with. A target reaped by
   * ts_target_stop's first poll gets 0. */
  if (ru) p->max_rss_kb = ru->ru_maxrss;
  p->elapsed = now_s() - p->started;
  if (WIFEXITED(st)) p->exit_code = WEXITSTATUS(st);
  if (WIFSIGNALED(st)) {
    p->term_signal = WTERMSIG(st);
    p->exit_code = -1;
  }
  scan_stderr(p);
  if (p->sanitizer_report) p->exit_code = TS_EXIT_SANITIZER;
}

void ts_wait(ts_proc *p, long timeout_ms) {
  if (p->pid <= 0 || p->exited) return;
  double deadline = now_s() + timeout_ms / 1000.0;
  int st = 0;
  while (now_s() < deadline) {
    struct rusage ru;
    pid_t r = wait4(p->pid, &st, WNOHANG, &ru);
    if (r == p->pid) {
      record_status(p, st, &ru);
      return;
    }
    if (r < 0) {
      p->exited = true;
      p->exit_code = -1;
      return;
    }
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  p->timed_out = true;
  kill(p->pid, SIGKILL);
  struct rusage ru;
  if (wait4(p->pid, &st, 0, &ru) == p->pid) record_status(p, st, &ru);
  if (!p->sanitizer_report) p->exit_code = -1;
}

int ts_run(const char *const argv[], const char *const env_extra[], const char *out_path,
           const char *err_path, long timeout_ms, ts_proc *p) {
  ts_proc local;
  if (!p) p = &local;
  if (!ts_spawn(argv, env_extra, out_path, err_path, p)) return -1;
  ts_wait(p, timeout_ms);
  return p->timed_out ? -1 : p->exit_code;
}

bool ts_target_start(ts_target *t, const char *name, const char *const args[], int wait_port,
                     const char *log_dir) {
  memset(t, 0, sizeof *t);
  size_t n = 0;
  while (args && args[n])
    n++;
  const char **argv = calloc(n + 2, sizeof *argv);
  char *bin = ts_fmt("%s/%s", TARGETS_DIR, name);
  t->log = ts_fmt("%s/%s-%d.log", log_dir ? log_dir : "/tmp", name, wait_port);
  if (!argv || !bin || !t->log) {
    free(argv);
    free(bin);
    return false;
  }
  argv[0] = bin;
  for (size_t i = 0; i < n; i++)
    argv[i + 1] = args[i];
  bool ok = ts_spawn(argv, NULL, NULL, t->log, &t->proc);
  free(argv);
  free(bin);
  t->port = wait_port;
  if (!ok) return false;
  /* Bounded wait for the listener; give up early if the target died. The
   * bound is generous: on a loaded machine a target that prepares something
   * (target_api's gzip bomb) can take seconds. */
  double deadline = now_s() + TS_TARGET_START_MS / 1000.0;
  while (now_s() < deadline) {
    if (ts_port_open(wait_port, 20)) return true;
    int st;
    if (waitpid(t->proc.pid, &st, WNOHANG) == t->proc.pid) {
      record_status(&t->proc, st, NULL);
      return false;
    }
  }
  ts_target_stop(t);
  return false;
}

bool ts_target_start_any_port(ts_target *t, const char *name, const char *port_flag,
                              const char *const args[], const char *log_dir, int *port) {
  size_t n = 0;
  while (args && args[n])
    n++;
  const char **all = calloc(n + 3, sizeof *all);
  if (!all) return false;
  bool ok = false;
  for (int attempt = 0; attempt < 3 && !ok; attempt++) {
    *port = ts_free_port();
    char ps[16];
    snprintf(ps, sizeof ps, "%d", *port);
    all[0] = port_flag;
    all[1] = ps;
    if (n) memcpy(all + 2, args, n * sizeof *all);
    ok = ts_target_start(t, name, all, *port, log_dir);
  }
  free(all);
  return ok;
}

bool ts_target_stop(ts_target *t) {
  if (t->proc.pid <= 0) return false;
  bool alive = false;
  if (!t->proc.exited) {
    int st;
    pid_t r = waitpid(t->proc.pid, &st, WNOHANG);
    if (r == t->proc.pid) {
      record_status(&t->proc, st, NULL);
    } else {
      alive = true;
      kill(t->proc.pid, SIGTERM);
      ts_wait(&t->proc, 2000); /* SIGKILL at the deadline */
    }
  }
  t->proc.pid = 0;
  free(t->log);
  t->log = NULL;
  return alive;
}
