/* test_support_proc.c — what ts_spawn promises about the processes it starts:
 * a program that cannot be executed is a false return (not a child exiting
 * 127 later), and a child dies with the process that spawned it, however that
 * process ends (a failed assertion, a crash, CTest's timeout kill), so that no
 * test leaves a server running. */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

Test(support_proc, a_missing_program_is_a_false_return) {
  const char *argv[] = {"/nonexistent/program", NULL};
  ts_proc p;
  cr_expect_not(ts_spawn(argv, NULL, NULL, NULL, &p));
  cr_expect_eq(p.pid, 0);
}

Test(support_proc, output_goes_to_the_given_files) {
  char *dir = ts_tempdir();
  cr_assert(dir);
  char *out = ts_fmt("%s/out", dir), *err = ts_fmt("%s/err", dir);
  const char *argv[] = {"/bin/sh", "-c", "echo to-out; echo to-err >&2; exit 3", NULL};
  ts_proc p;
  cr_expect_eq(ts_run(argv, NULL, out, err, 10000, &p), 3);
  char *o = ts_read_file(out, NULL), *e = ts_read_file(err, NULL);
  cr_expect_str_eq(o ? o : "", "to-out\n");
  cr_expect_str_eq(e ? e : "", "to-err\n");
  free(o);
  free(e);
  free(out);
  free(err);
  ts_rmtree(dir);
  free(dir);
}

/* Waits up to timeout_ms for pid (a child of this process) to end. */
static bool reaped(pid_t pid, long timeout_ms, int *status) {
  for (long waited = 0; waited < timeout_ms; waited += 10) {
    pid_t r = waitpid(pid, status, WNOHANG);
    if (r == pid) return true;
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  return false;
}

/* A "test process" (a forked child) starts a long-running server with
 * ts_spawn, hands its pid over and dies without stopping it. This process is
 * the subreaper of the orphan: it sees the server end, killed by SIGKILL. */
Test(support_proc, a_child_dies_with_the_process_that_spawned_it) {
  cr_assert_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
  int fds[2];
  cr_assert_eq(pipe(fds), 0);
  pid_t test_process = fork();
  cr_assert_geq(test_process, 0);
  if (test_process == 0) {
    close(fds[0]);
    const char *argv[] = {"/bin/sleep", "60", NULL};
    ts_proc p;
    pid_t server = ts_spawn(argv, NULL, NULL, NULL, &p) ? p.pid : -1;
    ssize_t w = write(fds[1], &server, sizeof server);
    _exit(w == (ssize_t)sizeof server ? 0 : 1); /* "aborted": the server is not stopped */
  }
  close(fds[1]);
  pid_t server = -1;
  cr_assert_eq(read(fds[0], &server, sizeof server), (ssize_t)sizeof server);
  close(fds[0]);
  int st = 0;
  cr_assert(reaped(test_process, 10000, &st));
  cr_assert_gt(server, 0, "the server did not start");
  bool gone = reaped(server, 10000, &st);
  if (!gone) {
    kill(server, SIGKILL);
    waitpid(server, NULL, 0);
  }
  cr_assert(gone, "the server outlived the process that spawned it");
  cr_expect(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "status %d", st);
}
