/* support.h — helpers shared by integration tests and test target servers:
 * temp dirs, free loopback ports, spawning processes with a deadline, starting
 * and stopping target servers and `gauntlet serve`, self-signed certificates,
 * and reading the JUnit files gauntlet writes.
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

/* ---- tests of third-party software ---- */
#define TS_EXIT_SKIP 77 /* CTest's SKIP_RETURN_CODE of such tests */
/* The software a test needs is missing: prints a loud banner (the test's
 * name, what is missing, how to install it) and returns the test's exit code:
 * TS_EXIT_SKIP, or 1 under CI=true (CI installs everything first, so a
 * missing part there is a failure). */
int ts_not_installed(const char *test, const char *what, const char *install);

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
 * ts_proc.sanitizer_report. The child is SIGKILLed by the kernel when the
 * thread that spawned it ends (PR_SET_PDEATHSIG): a test that aborts or
 * crashes leaves no server behind. Spawn from the thread that outlives the
 * child (a test's own thread). */
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

/* How long a target may take to listen (a target that exits is noticed at once). */
#define TS_TARGET_START_MS 30000
/* Starts TARGETS_DIR/<name> with args (NULL-terminated) and waits (at most
 * TS_TARGET_START_MS) until 127.0.0.1:wait_port accepts connections. */
bool ts_target_start(ts_target *t, const char *name, const char *const args[], int wait_port,
                     const char *log_dir);
/* Starts TARGETS_DIR/<name> with `port_flag PORT args...` on a free port
 * (*port gets it): three tries, since a port can be taken by someone else
 * between ts_free_port and the target's bind. */
bool ts_target_start_any_port(ts_target *t, const char *name, const char *port_flag,
                              const char *const args[], const char *log_dir, int *port);
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

/* ---- one gauntlet run against one target server ---- */
/* The shape most end-to-end tests share: a fresh directory, a target server
 * on a free port, `gauntlet run` writing DIR/junit.xml, its report loaded.
 * A test that needs nothing more typedefs it as its own run type. */
typedef struct ts_target_run {
  char *dir;        /* fresh temp dir (owned; removed by ts_target_run_free) */
  ts_target target; /* started by ts_target_run_start */
  int port;         /* the target's port */
  char *log;        /* DIR/requests.log, for targets that log requests (owned) */
  char *junit;      /* DIR/junit.xml, the report (owned) */
  ts_gauntlet g;    /* the run: exit code, stdout, stderr */
  ts_junit j;       /* the report, once loaded */
} ts_target_run;

/* A fresh directory and the paths in it. False when no directory could be made. */
bool ts_target_run_init(ts_target_run *r);
/* Starts TARGETS_DIR/<name> with `port_flag PORT args...` on a free port
 * (see ts_target_start_any_port); r->port gets it. */
bool ts_target_run_start(ts_target_run *r, const char *name, const char *port_flag,
                         const char *const args[]);
/* Runs `gauntlet run --junit JUNIT ARGS... EXTRA... SUITE` in r->dir with the
 * extra environment (args, extra, env: NULL-terminated, may be NULL) and loads
 * the report into r->j. NULL when gauntlet finished within timeout_ms and its
 * report loaded and validates against the JUnit schema; else what went wrong,
 * with gauntlet's output (caller frees). */
char *ts_target_run_gauntlet(ts_target_run *r, const char *const args[], const char *const extra[],
                             const char *suite, const char *const env[], long timeout_ms);
/* Stops the target, removes the directory, frees. True when the target was
 * still running (it did not crash during the run). */
bool ts_target_run_free(ts_target_run *r);

/* ---- gauntlet serve ---- */
typedef struct ts_serve_opts {
  const char *const *suites; /* suite paths, NULL-terminated */
  const char *const *args;   /* extra options, NULL-terminated; may be NULL */
  const char *const *env;    /* extra environment ("NAME=VALUE"), NULL-terminated; may be NULL */
  const char *listen;        /* --listen; NULL: 127.0.0.1:0 */
  bool tls;                  /* also listen for HTTPS */
  const char *tls_listen;    /* with tls; NULL: 127.0.0.1:0 */
  const char *cert, *key;    /* with tls; NULL: a fresh self-signed pair in dir */
  const char *dir;           /* where its files go; NULL: a fresh temp dir (removed at free) */
  const char *name;          /* prefix of its files in dir (NAME.out/.err/.xml); NULL: "serve" */
} ts_serve_opts;

typedef struct ts_serve {
  ts_proc proc;
  char *dir; /* owned string; the directory is removed at free when own_dir */
  bool own_dir;
  char *out, *err, *junit; /* stdout, stderr and report paths (owned) */
  char *cacert;            /* with tls: the certificate a client trusts (owned) */
  int port, tls_port;      /* from serve's "listening" lines */
} ts_serve;

/* Spawns `gauntlet serve --listen ... --junit DIR/NAME.xml [TLS] [args] suites`
 * and waits (<= 10 s) for its listening lines. False when it did not start
 * (ts_serve_stderr says why); free with ts_serve_free either way. */
bool ts_serve_start(ts_serve *s, const ts_serve_opts *o);
/* Sends SIGTERM when term, waits up to timeout_ms. Returns the exit code, -1
 * when it had to be killed (see s->proc, e.g. sanitizer_report). */
int ts_serve_stop(ts_serve *s, bool term, long timeout_ms);
/* serve's stderr so far (caller frees; "" when none). */
char *ts_serve_stderr(const ts_serve *s);
/* Kills it if still running, removes its temp dir, frees. */
void ts_serve_free(ts_serve *s);

/* ---- a libcurl client ---- */
typedef struct ts_http_call {
  const char *method; /* NULL: GET, or POST with a body */
  const char *url;
  const char *bearer;         /* "Authorization: Bearer X" when set */
  const char *content_type;   /* Content-Type when set */
  const char *body;           /* NUL-terminated, or NULL */
  const char *cacert;         /* trust this CA (HTTPS), or NULL */
  const char *const *headers; /* more "Name: value" lines, NULL-terminated; may be NULL */
} ts_http_call;

typedef struct ts_http_reply {
  int code;        /* CURLcode of the transfer */
  long status;     /* 0 when no answer */
  char body[4096]; /* first bytes, NUL-terminated */
  size_t len;
  char retry_after[32], remaining[32]; /* Retry-After, X-RateLimit-Remaining ("" when absent) */
  double total;                        /* seconds */
  char head[4096]; /* every response header line as received (first bytes, NUL-terminated) */
} ts_http_reply;

/* One request through libcurl (10 s timeout), as an API client makes it. */
void ts_curl(const ts_http_call *call, ts_http_reply *reply);

/* ---- JWT (independent of the product) ---- */
/* HS256 JWT "h.p.s" from header and payload JSON texts; caller frees. */
char *ts_jwt_mint(const char *header_json, const char *payload_json, const char *secret);
/* True when jwt's HS256 signature verifies with secret (a real credential). */
bool ts_jwt_signed_with(const char *jwt, const char *secret);

#endif
