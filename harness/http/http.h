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

typedef struct gt_header {
  char *name;
  char *value;
} gt_header;

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
  long timeout_ms; /* whole exchange */
  bool follow_redirects;
  /* Not sent: the clock (Unix ms) a minted token or ${gen.now_*} took its
   * time from, 0 when none; a replay pins it (--now-ms) to send the same bytes. */
  long long clock_ms;
} gt_http_request;

typedef struct gt_http_timing {
  double total, connect, tls, first_byte; /* seconds; 0 when unknown */
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

/* Percent-encodes for a query value (RFC 3986 unreserved kept). Appends. */
void gt_url_encode(gt_buf *out, const char *s, size_t len);

/* ---- Lower-level pieces (used by the executor and raw mode; serve and tests
 * may use them too). ---- */

/* The content codings this libcurl decodes, as an Accept-Encoding value
 * ("gzip, deflate, br, zstd" when all are built in); static, "" when none. */
const char *gt_http_accept_encoding(void);

/* "connection refused", "timeout", ... for messages and reports. */
const char *gt_http_outcome_name(gt_http_outcome o);
/* Maps a CURLcode (passed as int to keep curl out of this header). */
gt_http_outcome gt_http_outcome_from_curl(int curlcode);
/* "curl_easy_strerror: detail" cut to fit out[cap]. */
void gt_http_error_text(char *out, size_t cap, int curlcode, const char *detail);
/* Appends a header (copies name_len/value_len bytes). */
void gt_http_response_add_header(gt_http_response *r, const char *name, size_t name_len,
                                 const char *value, size_t value_len);
void gt_http_response_clear_headers(gt_http_response *r);
/* Appends body bytes: keeps up to cap in r->body, counts all in body_total. */
void gt_http_response_add_body(gt_http_response *r, size_t cap, const char *data, size_t n);
/* Folds one header-block line (CRLF optional) into r: a status line resets the
 * headers and sets status/http_version; "Name: value" appends; a line starting
 * with SP/HTAB continues the previous value. False when the line is neither. */
bool gt_http_response_header_line(gt_http_response *r, const char *line, size_t len);

/* Raw mode, blocking: one exchange of req->raw bytes on a fresh connection
 * (see gt_http_request). `cancel` (may be NULL) is polled every ~50 ms and
 * ends the exchange early with outcome OTHER. extra_responses counts status
 * lines of further responses after the first one ended (smuggling). */
void gt_http_raw_exchange(const gt_http_opts *opts, const gt_http_request *req,
                          gt_http_response *resp, const _Atomic bool *cancel);

/* Incremental HTTP/1.x response parser for raw mode. */
typedef struct gt_http_raw_parser gt_http_raw_parser;
/* head_request: the request was HEAD (the response has no body). */
gt_http_raw_parser *gt_http_raw_parser_new(gt_http_response *resp, size_t body_cap,
                                           bool head_request);
/* Feeds received bytes. */
void gt_http_raw_parser_feed(gt_http_raw_parser *p, const char *data, size_t n);
/* The peer closed: a body delimited by the close is complete now. */
void gt_http_raw_parser_eof(gt_http_raw_parser *p);
/* True once a status line of the first final response was parsed. */
bool gt_http_raw_parser_has_status(const gt_http_raw_parser *p);
/* True once the first final response is complete. */
bool gt_http_raw_parser_first_done(const gt_http_raw_parser *p);
/* True when the bytes could not be parsed as HTTP/1.x. */
bool gt_http_raw_parser_malformed(const gt_http_raw_parser *p);
void gt_http_raw_parser_free(gt_http_raw_parser *p);

#endif
