/* support.h — helpers shared by integration tests and test target servers:
 * temp dirs, free loopback ports, spawning processes with a deadline, starting
 * and stopping target servers, self-signed certificates, and reading the JUnit
 * files gauntlet writes.
 *
 * Everything returns values (no asserts here) so a test decides what a
 * failure means. Strings returned are malloc'd; the caller frees them. */
#ifndef TS_SUPPORT_H
#define TS_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* ---- files and dirs ---- */
/* mkdtemp under $TMPDIR or /tmp; caller frees the string, ts_rmtree removes the dir. */
char *ts_tempdir(void);
void ts_rmtree(const char *dir); /* bounded: only removes regular files + one level of dirs */
/* Reads a whole file; NULL if missing. *len gets the size (may be NULL). Caller frees. */
char *ts_read_file(const char *path, size_t *len);
bool ts_write_file(const char *path, const char *data, size_t len);
/* printf into a new string; caller frees. */
char *ts_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Copies SOURCE_DIR/tests/fixtures/integration/NAME into dir, replacing each
 * "@KEY@" by its value (subs: KEY, VALUE, KEY, VALUE, ..., NULL). Returns the
 * new path (caller frees) or NULL. */
char *ts_fixture_copy(const char *name, const char *dir, const char *const *subs);

/* ---- ports ---- */
/* A loopback TCP port that was free a moment ago (bind to port 0). */
int ts_free_port(void);
/* True if 127.0.0.1:port accepts a TCP connection within timeout_ms. */
bool ts_port_open(int port, long timeout_ms);

/* ---- processes ---- */
typedef struct ts_proc {
  pid_t pid;
  int exit_code;   /* valid when exited */
  int term_signal; /* non-zero when killed by a signal */
  bool exited;
  bool timed_out;  /* we killed it at the deadline */
  double elapsed;  /* seconds from spawn to reap */
  long max_rss_kb; /* peak resident set of the child (wait4), 0 when unknown */
  double started;  /* monotonic seconds at spawn */
  /* A sanitizer (ASan, LeakSanitizer, UBSan) reported in the child's stderr.
   * The exit code is then forced to TS_EXIT_SANITIZER so that every test
   * asserting an exit code fails: under ASan a leak at exit turns into exit 1,
   * which is also gauntlet's "a case failed", and would pass unnoticed. */
  bool sanitizer_report;
  char err_path[512];  /* where stderr went ("" = not kept) */
  bool err_is_scratch; /* err_path is ours: removed once scanned */
} ts_proc;

#define TS_EXIT_SANITIZER (-2)

/* The first sanitizer report line in text ("ERROR: AddressSanitizer",
 * "ERROR: LeakSanitizer", "...: runtime error: "), or NULL when clean. Borrowed
 * pointer into text. */
const char *ts_sanitizer_finding(const char *text);

/* Spawns argv (argv[0] is a path) with the current environment plus env_extra
 * ("NAME=VALUE" entries, NULL-terminated, may be NULL; they override). stdout
 * goes to out_path (NULL: /dev/null), stderr to err_path (NULL: a scratch file
 * that is scanned for sanitizer reports at reap, then removed). Returns false
 * on failure. When the child is reaped by ts_wait, its stderr is scanned: see
 * ts_proc.sanitizer_report. */
bool ts_spawn(const char *const argv[], const char *const env_extra[], const char *out_path,
              const char *err_path, ts_proc *p);
/* Waits up to timeout_ms; at the deadline sends SIGKILL and reaps. */
void ts_wait(ts_proc *p, long timeout_ms);
/* spawn + wait. Returns exit code, or -1 when killed/timed out. */
int ts_run(const char *const argv[], const char *const env_extra[], const char *out_path,
           const char *err_path, long timeout_ms, ts_proc *p);

/* ---- target servers ---- */
typedef struct ts_target {
  ts_proc proc;
  int port;  /* the port waited on */
  char *log; /* stderr of the target (owned) */
} ts_target;

/* Starts TARGETS_DIR/<name> with args (NULL-terminated) and waits (<= 5 s)
 * until 127.0.0.1:wait_port accepts connections. */
bool ts_target_start(ts_target *t, const char *name, const char *const args[], int wait_port,
                     const char *log_dir);
/* SIGTERM, then SIGKILL after 2 s; reaps. Returns true if it was still running
 * when asked to stop (it did not crash). */
bool ts_target_stop(ts_target *t);
/* Simple HTTP GET on loopback with a raw socket (no TLS): returns the body of
 * the response or NULL; *status gets the status code. Caller frees. */
char *ts_http_get(int port, const char *path, const char *extra_headers, int *status);

/* ---- TLS material ---- */
/* Generates cert.pem/key.pem (CN and SAN 127.0.0.1 + localhost) into dir.
 * Paths returned are owned by the caller. */
bool ts_make_cert(const char *dir, char **cert_path, char **key_path);

/* ---- JUnit ---- */
typedef enum {
  TS_CASE_MISSING = 0,
  TS_CASE_PASS,
  TS_CASE_FAILURE,
  TS_CASE_ERROR,
  TS_CASE_SKIPPED
} ts_outcome;

typedef struct ts_case {
  char *name;
  char *classname;
  ts_outcome outcome;
  char *message; /* failure/error/skipped message (unescaped) or NULL */
  char *type;    /* failure/error type or NULL */
  char *body;    /* text inside failure/error (unescaped) or NULL */
  char *out;     /* text of <system-out> (unescaped) or NULL */
} ts_case;

typedef struct ts_junit {
  ts_case *cases;
  size_t n;
  char *raw; /* the whole file */
} ts_junit;

/* Parses the file (our own output: a tolerant scan, not a full XML parser). */
bool ts_junit_load(const char *path, ts_junit *j);
void ts_junit_free(ts_junit *j);
const ts_case *ts_junit_find(const ts_junit *j, const char *name);
const char *ts_outcome_name(ts_outcome o);
/* Counts cases with the given outcome. */
size_t ts_junit_count(const ts_junit *j, ts_outcome o);
/* NULL when case `name` has outcome o and, for a failure or error, its type
 * or message names one of `checks` ("status|no_server_error"; NULL = any);
 * else a description of the mismatch (caller frees). */
char *ts_case_mismatch(const ts_junit *j, const char *name, ts_outcome o, const char *checks);
/* The same for every case whose name starts with prefix (at least one must exist). */
char *ts_prefix_mismatch(const ts_junit *j, const char *prefix, ts_outcome o, const char *checks);
/* Names of failed/errored cases that start with none of the prefixes
 * (NULL-terminated), one per line; NULL when there is none. Caller frees. */
char *ts_unexpected_failures(const ts_junit *j, const char *const prefixes[]);
/* `xmllint --noout --schema JUNIT_XSD path`; true if valid. */
bool ts_junit_validates(const char *path);

/* ---- running gauntlet ---- */
typedef struct ts_gauntlet {
  int exit_code; /* -1 when killed at the deadline, TS_EXIT_SANITIZER (-2) when
                    a sanitizer reported in the child (see ts_proc) */
  bool timed_out;
  double elapsed;  /* seconds */
  long max_rss_kb; /* peak resident set of the gauntlet process, kB (wait4) */
  char *out;       /* stdout (owned) */
  char *err;       /* stderr (owned) */
} ts_gauntlet;

/* Runs GAUNTLET_BIN with args (NULL-terminated, without argv[0]) and extra
 * environment, capturing output into files under dir. */
int ts_gauntlet_run(ts_gauntlet *g, const char *dir, const char *const args[],
                    const char *const env[], long timeout_ms);
void ts_gauntlet_free(ts_gauntlet *g);

/* Starts target_api on a free HTTP port with extra args (NULL-terminated);
 * *port gets the port. */
bool ts_api_start(ts_target *t, const char *log_dir, int *port, const char *const extra[]);
/* GET /__count on the target: requests it has seen, -1 on failure. */
long ts_api_count(int port);

/* ---- JWT (independent of the product) ---- */
/* HS256 JWT "h.p.s" from header and payload JSON texts; caller frees. */
char *ts_jwt_mint(const char *header_json, const char *payload_json, const char *secret);
/* True when jwt's HS256 signature verifies with secret (a real credential). */
bool ts_jwt_signed_with(const char *jwt, const char *secret);

#endif
