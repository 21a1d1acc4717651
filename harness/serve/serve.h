/* serve.h — `gauntlet serve`: a profile-driven target that answers like a
 * conformant server, audits the requests a client sends, and injects faulty
 * responses (docs/serve.md, which also specifies the `respond:` block).
 *
 * Split: gt_serve_handle is the pure core (request in, response out, no
 * sockets) so routing, answers, state and the audit are unit-testable; the
 * libmicrohttpd glue (serve_mhd.c) feeds it. Nothing here prints or exits:
 * the CLI passes a log callback. */
#ifndef GT_SERVE_SERVE_H
#define GT_SERVE_SERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/buf.h"
#include "../core/err.h"
#include "../core/model.h"
#include "../core/secrets.h"
#include "../core/vars.h"
#include "../http/http.h"

typedef void (*gt_serve_log_fn)(void *ud, const char *line);

typedef struct gt_serve_opts {
  const char *listen; /* "127.0.0.1:8080" (port 0: any); NULL with tls_listen NULL: the default */
  const char *tls_listen;     /* "127.0.0.1:8443" or NULL */
  const char *cert, *key;     /* PEM files, required with tls_listen */
  const char *inject;         /* "status:429,reset,slow:2s" or NULL */
  double inject_rate;         /* 0..1 */
  const char *unknown_routes; /* "fail" (NULL: the default), "note" or "note:STATUS" */
  long retry_window_ms;       /* --retry-window: how long a retry may follow (0: 30 s) */
  const char *expect_retry;   /* --expect-retry "429,503,reset" or "none": replaces every
                                 profile's client.retry; NULL: the profiles' */
  unsigned max_attempts;      /* --max-attempts: replaces client.max_attempts; 0: the profiles' */
  long backoff_min_ms;        /* --backoff-min: replaces client.backoff_min; 0: the profiles' */
  uint64_t seed;
  long max_requests;          /* 0 = unlimited; then gt_serve_done() turns true */
  long store_limit;           /* --store-limit: records a collection keeps (0: 10000); storing
                                 one more drops the oldest */
  const gt_cli_var *cli_vars; /* --var (borrowed) */
  int n_cli_vars;
  bool use_env;
  gt_secrets *secrets;    /* borrowed; credentials are added; may be NULL */
  const char *junit_path; /* the report, streamed while serving (its directory is created and
                             its temporary file opened by gt_serve_new); NULL: the path is
                             given to gt_serve_write_junit */
  const char *har_path;   /* --har: every exchange as HAR 1.2 (redacted), or NULL */
  const char *html_path;  /* --html: the client audit as one HTML page (redacted), or NULL */
  gt_serve_log_fn log;    /* one line per request and per notable event; may be NULL. Called
                             from the request threads, concurrently: it must be thread-safe */
  void *log_ud;
} gt_serve_opts;

typedef struct gt_serve gt_serve;

/* Builds the routing table and the seeded state. suites are borrowed and must
 * outlive the server. Fails with GT_ERR_USAGE (bad --inject, listen address)
 * or GT_ERR_INPUT (a respond: block or credential that cannot be used). */
gt_serve *gt_serve_new(gt_suite *const *suites, size_t n_suites, const gt_serve_opts *o,
                       gt_err *err);
/* Starts the listeners (libmicrohttpd, thread per connection). */
bool gt_serve_start(gt_serve *s, gt_err *err);
int gt_serve_http_port(const gt_serve *s); /* bound port, 0 when no listener */
int gt_serve_https_port(const gt_serve *s);
/* The path the i-th suite's API is mounted under ("/v2", "" for the root;
 * NULL past the last suite). Owned by s. */
const char *gt_serve_base_path(const gt_serve *s, size_t i);
/* True once --max-requests requests were answered. */
bool gt_serve_done(gt_serve *s); /* locks: not const */
size_t gt_serve_request_count(gt_serve *s);
/* Stops the listeners (idempotent). */
void gt_serve_stop(gt_serve *s);
/* Finishes the client-conformance JUnit report (and the --har file): the
 * records still waiting for a retry are judged, the summary is added as
 * properties, the files are renamed into place. path: where the report goes
 * when opts.junit_path was NULL (else ignored). Once only; call after
 * gt_serve_stop. *conformed is true when no request broke a rule. */
bool gt_serve_write_junit(gt_serve *s, const char *path, bool *conformed, gt_err *err);
/* The human summary (per rule, per route, retries) as lines of text, after
 * gt_serve_write_junit; caller frees. */
char *gt_serve_summary(gt_serve *s);
void gt_serve_free(gt_serve *s);

/* ---- the pure core ---- */
typedef struct gt_serve_request {
  const char *method;
  const char *target; /* raw request-target: "/v1/apps?x=1" (not decoded) */
  const gt_header *headers;
  size_t n_headers;
  const char *body;          /* may be NULL */
  size_t body_len;           /* bytes kept (at most max_body + 1) */
  size_t body_total;         /* bytes received in all */
  bool tls;                  /* arrived on the HTTPS listener */
  const char *peer;          /* the client's IP address as text, or NULL when unknown */
  const char *framing;       /* non-NULL: the HTTP layer saw ambiguous framing (why) */
  gt_fault_id framing_fault; /* with framing: the wire_* fault it resembles (VALID: dup CL) */
  int framing_status;        /* with framing: the status to answer when the profile allows
                                it (414, 431, 501...); 0: the fault's */
} gt_serve_request;

typedef enum gt_serve_action {
  GT_SERVE_ANSWER = 0, /* send status/headers/body */
  GT_SERVE_RESET,      /* close without answering */
  GT_SERVE_TRUNCATE,   /* Content-Length larger than body, then close */
} gt_serve_action;

typedef struct gt_serve_response {
  gt_serve_action action;
  int status;
  gt_header *headers; /* owned */
  size_t n_headers;
  gt_buf body;
  long delay_ms; /* slow:DURATION injection: wait before answering */
} gt_serve_response;

void gt_serve_response_init(gt_serve_response *r);
void gt_serve_response_free(gt_serve_response *r);
const char *gt_serve_response_header(const gt_serve_response *r, const char *name);

/* Decides the answer to one request and records it in the audit. Thread-safe:
 * libmicrohttpd calls it from one thread per connection (serve_handle.c says
 * what each step locks). */
void gt_serve_handle(gt_serve *s, const gt_serve_request *req, gt_serve_response *resp);

/* Matches a decoded path against a scenario path template ("/apps/${id}"):
 * fills vars (may be NULL) with name -> segment. Exposed for tests. */
bool gt_serve_path_match(const char *tmpl, const char *path, cJSON *vars);

/* Parses "--inject" text; false with err on a bad item. Exposed for tests. */
bool gt_serve_inject_valid(const char *list, gt_err *err);

/* ---- strict request framing (serve_framing.c) ----
 * The plain-HTTP listener peeks at each new connection's request head and
 * refuses what RFC 9112 calls invalid before libmicrohttpd reads it. */
#define GT_SERVE_REQUEST_LINE_MAX 8192  /* longer: 414 */
#define GT_SERVE_HEADER_BLOCK_MAX 16384 /* header fields + empty line; larger: 431 */

typedef enum gt_framing_verdict {
  GT_FRAMING_OK = 0, /* a complete head, strictly framed */
  GT_FRAMING_MORE,   /* no violation in the bytes so far; the head is incomplete */
  GT_FRAMING_BAD,    /* refuse: status/fault/reason say why */
} gt_framing_verdict;

typedef struct gt_framing_result {
  int status;         /* BAD: 400, 414, 431, 501 or 505 */
  gt_fault_id fault;  /* BAD: the wire_* fault whose expectation the answer follows */
  const char *reason; /* BAD: static text */
  size_t head_len;    /* OK: bytes of the head, leading empty lines and the final CRLF included */
  bool chunked;       /* OK: the body is framed by Transfer-Encoding: chunked */
} gt_framing_result;

/* Checks the first request head in data[0..len) (it may be followed by a body
 * or more requests): every line ends CRLF, no obs-fold, no CTL in field names
 * or values, one all-digit Content-Length at most, not with Transfer-Encoding,
 * Transfer-Encoding only "chunked", one Host in HTTP/1.1, size limits above. */
gt_framing_verdict gt_serve_framing_check(const char *data, size_t len, gt_framing_result *r);

#endif
