/* http.h — concrete requests and responses, and the executor over libcurl.
 *
 * A gt_http_request is fully expanded (no ${..}): the runner builds it from a
 * scenario, the fault engine mutates it. Requests whose bytes libcurl cannot
 * produce (wire_* framing faults, truncated/slow bodies) carry `raw` bytes and
 * are sent over a raw connection (CURLOPT_CONNECT_ONLY, so TLS still works).
 *
 * The executor runs many requests at once on one curl multi handle with
 * connection reuse; the caller feeds it and collects completions. */
#ifndef GT_HTTP_HTTP_H
#define GT_HTTP_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/buf.h"
#include "../core/err.h"
#include "../core/headers.h"

typedef struct gt_http_request {
  char *method;       /* owned */
  char *url;          /* owned; absolute, already percent-encoded */
  gt_header *headers; /* owned array; sent in order */
  size_t n_headers;
  char *body; /* owned, may hold any bytes; NULL = no body */
  size_t body_len;
  /* Raw mode: when raw != NULL, these exact bytes are written on a fresh
   * connection to url's host:port (TLS when https) instead of a normal
   * request. raw_split_at/raw_delay_ms trickle the bytes after that offset
   * one chunk per delay (slow_body); raw_close_after closes the write side
   * right after sending (truncated_body). */
  char *raw;
  size_t raw_len;
  size_t raw_split_at;
  long raw_delay_ms;
  size_t raw_chunk;
  bool raw_close_after;
  /* Desync detection (wire_*): raw holds the faulted request sent keep-alive,
   * then at raw_pipelined_at a well-formed request (the liveness request,
   * `Connection: close`); 0 = nothing pipelined. raw_note (owned, or NULL)
   * says in words what the bytes are, for a request_smuggling finding. */
  size_t raw_pipelined_at;
  char *raw_note;
  long timeout_ms; /* whole exchange */
  bool follow_redirects;
  /* A new connection, not one from the pool: a poll attempt after a wait
   * (the server may have closed the idle one meanwhile). */
  bool fresh_connect;
  /* Not sent: the clock (Unix ms) a minted token or ${gen.now_*} took its
   * time from, 0 when none; a replay pins it (--now-ms) to send the same bytes. */
  long long clock_ms;
} gt_http_request;

typedef struct gt_http_timing {
  double total, connect, tls, first_byte; /* seconds; 0 when unknown */
  /* CLOCK_MONOTONIC seconds when the request was started, after any wait
   * for --rate; 0 when unknown (not sent through gt_http_exec). */
  double started;
} gt_http_timing;

typedef enum {
  GT_HTTP_OK = 0,  /* a response was received (any status) */
  GT_HTTP_REFUSED, /* connection refused */
  GT_HTTP_RESET,   /* reset / closed before a complete response */
  GT_HTTP_TIMEOUT,
  GT_HTTP_TLS, /* TLS handshake or verification failure */
  GT_HTTP_DNS,
  GT_HTTP_OTHER,
} gt_http_outcome;

#define GT_HTTP_MAX_ANSWERS 6

typedef struct gt_http_response {
  gt_http_outcome outcome;
  char error[256];    /* human text for outcome != OK (from libcurl) */
  int status;         /* 0 when no response */
  char *http_version; /* "HTTP/1.1", "HTTP/2" */
  gt_header *headers; /* owned; names as received */
  size_t n_headers;
  gt_buf body;         /* first body_cap bytes, decoded when the answer has a
                          Content-Encoding libcurl supports (see accept_encoding) */
  size_t body_total;   /* body bytes (decoded) received in all (may exceed body.len) */
  bool body_truncated; /* body_total > cap */
  /* A Content-Encoding body is only decoded up to the cap: past it the
   * transfer is stopped (a compression bomb is never inflated further) and
   * body_total is a lower bound. */
  bool body_decode_stopped;
  bool body_decoded; /* body holds the decoded form of its Content-Encoding */
  /* The Accept-Encoding the executor added (a static string such as
   * "gzip, deflate, br, zstd": what this libcurl decodes), or NULL when the
   * request named its own or was sent raw. */
  const char *accept_encoding;
  int extra_responses; /* raw mode: complete responses seen after the first (smuggling) */
  /* Raw mode: the status line of every response on the connection, in order
   * (the first is the one above), at most GT_HTTP_MAX_ANSWERS kept; n_answers
   * counts them all. conn_open: the peer had not closed the connection when
   * gauntlet stopped listening (nothing more came for a while). */
  int n_answers;
  struct {
    int status;
    char line[64]; /* "HTTP/1.1 404 Not Found", cut */
  } answers[GT_HTTP_MAX_ANSWERS];
  bool conn_open;
  gt_http_timing timing;
} gt_http_response;

void gt_http_request_free(gt_http_request *r);
void gt_http_request_add_header(gt_http_request *r, const char *name, const char *value);
/* Removes every header with that name (case-insensitive); returns how many. */
size_t gt_http_request_remove_header(gt_http_request *r, const char *name);
const char *gt_http_request_header(const gt_http_request *r, const char *name);
void gt_http_response_free(gt_http_response *r);
/* First header with that name (case-insensitive), or NULL. */
const char *gt_http_response_header(const gt_http_response *r, const char *name);

typedef struct gt_http_opts {
  const char *cacert;     /* --cacert */
  const char *cert, *key; /* --cert/--key (mTLS) */
  bool insecure;          /* --insecure: no TLS verification */
  size_t body_cap;        /* bytes of body kept (default 1 MiB); rest counted */
  int max_parallel;       /* concurrent transfers (--jobs) */
  double rate;            /* max requests per second across jobs; 0 = unlimited */
  bool verbose;           /* unused by the library; the CLI dumps */
} gt_http_opts;

typedef struct gt_http_exec gt_http_exec;

gt_http_exec *gt_http_exec_new(const gt_http_opts *opts, gt_err *err);
void gt_http_exec_free(gt_http_exec *x);
/* Queues a request. `tag` comes back with its completion. Ownership of req
 * stays with the caller, who must keep it alive until the completion. */
void gt_http_exec_add(gt_http_exec *x, const gt_http_request *req, void *tag);
/* Number of queued + running requests. */
size_t gt_http_exec_pending(const gt_http_exec *x);
/* Drives transfers for up to wait_ms; returns the next finished request's tag
 * and fills *resp (caller frees with gt_http_response_free), or NULL if
 * nothing finished in time. Honors the rate limit. wait_ms < 0 waits until
 * something finishes; with nothing pending it returns NULL at once. */
void *gt_http_exec_next(gt_http_exec *x, gt_http_response *resp, int wait_ms);
/* Aborts everything in flight (interrupt). Their tags are dropped. */
void gt_http_exec_cancel_all(gt_http_exec *x);

/* Blocking single request (serve's tests, liveness probes in simple paths).
 * Returns true when the exchange ran (whatever resp->outcome says); false only
 * when the executor could not be set up (err filled). */
bool gt_http_perform(const gt_http_opts *opts, const gt_http_request *req, gt_http_response *resp,
                     gt_err *err);

/* Does url's host:port accept a TCP connection within timeout_ms (nothing is
 * sent, no TLS)? GT_HTTP_OK when it does; otherwise REFUSED, TIMEOUT, DNS or
 * OTHER, with a human reason in detail (probe.c). */
gt_http_outcome gt_http_tcp_probe(const char *url, long timeout_ms, char *detail, size_t cap);

/* The media type of a Content-Type value: lower-cased, without parameters
 * or surrounding blanks ("Application/JSON; charset=utf-8" ->
 * "application/json"). NULL reads as "". Caller frees. */
char *gt_media_type(const char *content_type);
/* True for application/json and any type with the +json suffix (RFC 6839,
 * e.g. application/problem+json), parameters ignored, case-insensitive. */
bool gt_media_is_json(const char *content_type);

/* Percent-encodes for a query value (RFC 3986 unreserved kept). Appends. */
void gt_url_encode(gt_buf *out, const char *s, size_t len);

/* The content codings this libcurl decodes, as an Accept-Encoding value
 * ("gzip, deflate, br, zstd" when all are built in); static, "" when none. */
const char *gt_http_accept_encoding(void);

/* How a transport outcome reads in a failure message: "response",
 * "connection refused", "connection reset", "timed out", "TLS failure", "DNS
 * failure", "transport error". */
const char *gt_http_outcome_name(gt_http_outcome o);
/* Its one-word kind in reports' exchange dumps: "ok", "connection",
 * "timeout", "tls", "dns", "transport". */
const char *gt_http_outcome_kind(gt_http_outcome o);

#endif
