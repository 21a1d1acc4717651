/* realserver.h — gauntlet against third-party servers (issue: real servers in
 * the project's own tests). Each server is started on 127.0.0.1 on a free
 * port, gauntlet runs its example suite (examples/<name>/suite.yaml), and the
 * outcome of every case in the JUnit report must be exactly the expected one.
 *
 * The servers are installed by scripts/install-real-servers.sh (Debian
 * packages and npm ci from tests/realservers/package-lock.json). A server
 * that is not installed makes its test SKIP (exit 77) with a loud reason on a
 * developer's machine and FAIL when CI=true. */
#ifndef REALSERVER_H
#define REALSERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "support.h"

/* What one case of the report must be. A failed case names the checks its
 * first failure may be reported under ("status|no_server_error"), and why the
 * failure is a genuine finding (the same words as examples/README.md). */
typedef struct rs_expect {
  const char *name; /* "scenario [fault]", as in the JUnit testcase name */
  ts_outcome outcome;
  const char *checks; /* failures/errors only; NULL = any check */
} rs_expect;

/* A third-party server and the suite the project wrote for it. */
typedef struct rs_server {
  const char *name;              /* CTest name and examples/ folder */
  const char *url_var;           /* the suite's base URL variable */
  const char *const *env;        /* the rest of the suite's environment ("NAME=VALUE") */
  const char *const *data_files; /* copied from examples/<name>/ into a scratch dir */
  /* Executables that must exist (absolute, or relative to SOURCE_DIR). */
  const char *const *needs;
  /* The server's command line for the port and the scratch dir holding the
   * data files: a NULL-terminated array; the caller frees every string and
   * the array. NULL when out of memory. */
  char **(*argv)(int port, const char *scratch);
  /* Run once the server listens, before the suite (etcd: the root user and
   * auth enabled through its own API); NULL when nothing is needed. */
  bool (*prepare)(int port);
  long start_ms; /* how long the server may take to listen */
  /* The server's process is expected to be gone after the run (a genuine
   * finding kills it), instead of still serving. */
  bool dies;
  const rs_expect *expect;
  size_t n_expect;
  /* Failed cases whose printed repro is known not to reproduce yet, each
   * with the issue that fixes it; NULL-terminated or NULL. Such a case that
   * does reproduce fails the test: take it off the list. */
  const char *const *repro_pending;
} rs_server;

/* Runs the repro command printed for every failed or errored case of the
 * report in bash (cwd dir, environment env) against the same server and
 * compares the status it gets with the one gauntlet saw; with
 * unanswered_last, cases that got no answer go last (they may kill the
 * server). A case named in pending must NOT reproduce (a known defect).
 * Prints each difference; returns their number (repro.c). */
int rs_check_repros(const ts_junit *j, const char *dir, const char *const env[],
                    bool unanswered_last, const char *const *pending);

/* The servers (servers.c). NULL when name is unknown. */
const rs_server *rs_find(const char *name);
/* "httpbin, json-server, ..." for the usage message. */
const char *rs_names(void);

#endif
