/* raw.c — raw mode: hand-made request bytes on a fresh connection.
 *
 * libcurl only connects (CURLOPT_CONNECT_ONLY, so TLS is its job); the bytes
 * are written with curl_easy_send exactly as given, optionally trickled, and
 * the answer is read with curl_easy_recv and parsed by raw_parse.c. Blocking,
 * but every wait is bounded by the request timeout and sliced so `cancel` is
 * noticed quickly. */
#include "http_internal.h"

#include <curl/curl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

/* After the first response is complete, keep listening this long for a second
 * (smuggled) response; a server that keeps the connection open would
 * otherwise hold every raw case for the whole timeout. */
#define LINGER_MS 750
/* With a request pipelined behind the faulted one (desync detection), a
 * server that keeps the connection open after an ambiguous framing is a
 * finding: wait longer before calling the connection "left open" (a quarter
 * of the timeout, 1.5 s to 5 s), so a slow answer to the pipelined request
 * is not mistaken for silence. A conformant server closes at once. */
#define LINGER_PIPELINED_MIN_MS 1500L
#define LINGER_PIPELINED_MAX_MS 5000L
/* Poll slices, so cancellation is seen promptly. */
#define SLICE_MS 50
#define DEFAULT_TIMEOUT_MS 30000L
#define DEFAULT_BODY_CAP (1024 * 1024)

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool cancelled(const _Atomic bool *cancel) {
  return cancel && *cancel;
}

/* Waits until sock is ready for `events`, the deadline passes or cancel is
 * set. Returns true when ready. */
static bool wait_sock(curl_socket_t sock, short events, double deadline,
                      const _Atomic bool *cancel) {
  for (;;) {
    if (cancelled(cancel)) return false;
    double left = deadline - now_s();
    if (left <= 0) return false;
    int ms = (int)(left * 1000) + 1;
    if (ms > SLICE_MS) ms = SLICE_MS;
    struct pollfd pfd = {.fd = sock, .events = events};
    int r = poll(&pfd, 1, ms);
    if (r > 0) return true;
  }
}

static void sleep_until(double until, const _Atomic bool *cancel) {
  while (!cancelled(cancel)) {
    double left = until - now_s();
    if (left <= 0) return;
    double slice = left < SLICE_MS / 1000.0 ? left : SLICE_MS / 1000.0;
    struct timespec ts = {(time_t)slice, (long)((slice - (double)(time_t)slice) * 1e9)};
    nanosleep(&ts, NULL);
  }
}

/* Sends all n bytes. False when the peer stopped accepting them (closed,
 * reset), the deadline passed or the exchange was cancelled. */
static bool send_all(CURL *easy, curl_socket_t sock, const char *data, size_t n, double deadline,
                     const _Atomic bool *cancel) {
  size_t off = 0;
  while (off < n) {
    size_t sent = 0;
    CURLcode rc = curl_easy_send(easy, data + off, n - off, &sent);
    if (rc == CURLE_AGAIN) {
      if (!wait_sock(sock, POLLOUT, deadline, cancel)) return false;
      continue;
    }
    if (rc != CURLE_OK) return false;
    off += sent;
  }
  return true;
}

static bool is_head(const gt_http_request *req) {
  return req->raw_len >= 5 && memcmp(req->raw, "HEAD ", 5) == 0;
}

static void set_error(gt_http_response *resp, gt_http_outcome o, const char *msg) {
  resp->outcome = o;
  snprintf(resp->error, sizeof resp->error, "%s", msg);
}

/* Reads and parses until the peer closes, the deadline passes, or the first
 * response is complete and nothing more came for LINGER_MS. */
static void read_answer(CURL *easy, curl_socket_t sock, gt_http_raw_parser *p,
                        gt_http_response *resp, bool tls, double start, double deadline,
                        long linger_ms, const _Atomic bool *cancel) {
  char buf[16384];
  double linger_until = 0;
  bool got_bytes = false;
  for (;;) {
    double limit = deadline;
    if (gt_http_raw_parser_first_done(p) && linger_until > 0 && linger_until < limit)
      limit = linger_until;
    if (cancelled(cancel)) return set_error(resp, GT_HTTP_OTHER, "cancelled");
    size_t n = 0;
    CURLcode rc = curl_easy_recv(easy, buf, sizeof buf, &n);
    if (rc == CURLE_AGAIN) {
      if (wait_sock(sock, POLLIN, limit, cancel)) continue;
      if (cancelled(cancel)) return set_error(resp, GT_HTTP_OTHER, "cancelled");
      if (gt_http_raw_parser_first_done(p)) { /* answered; linger over, still open */
        resp->conn_open = true;
        return;
      }
      return set_error(resp, GT_HTTP_TIMEOUT, "timed out waiting for the response");
    }
    if (rc != CURLE_OK) { /* reset, or a TLS error mid-stream */
      /* Many TLS servers close without close_notify, which OpenSSL reports
       * as an error: there it still ends a close-delimited body. */
      if (tls) gt_http_raw_parser_eof(p);
      if (gt_http_raw_parser_first_done(p)) return;
      char msg[200];
      snprintf(msg, sizeof msg, "%s while reading the response", curl_easy_strerror(rc));
      return set_error(resp, GT_HTTP_RESET, msg);
    }
    if (n == 0) { /* orderly close */
      gt_http_raw_parser_eof(p);
      if (gt_http_raw_parser_first_done(p)) return;
      return set_error(resp, GT_HTTP_RESET,
                       gt_http_raw_parser_has_status(p)
                           ? "connection closed before the response was complete"
                           : "connection closed without a response");
    }
    if (!got_bytes) resp->timing.first_byte = now_s() - start;
    got_bytes = true;
    gt_http_raw_parser_feed(p, buf, n);
    if (gt_http_raw_parser_malformed(p))
      return set_error(resp, GT_HTTP_OTHER, "malformed HTTP response");
    if (gt_http_raw_parser_first_done(p)) linger_until = now_s() + (double)linger_ms / 1000.0;
  }
}

void gt_http_raw_exchange(const gt_http_opts *opts, const gt_http_request *req,
                          gt_http_response *resp, const _Atomic bool *cancel) {
  memset(resp, 0, sizeof *resp);
  gt_buf_init(&resp->body);
  long timeout_ms = req->timeout_ms > 0 ? req->timeout_ms : DEFAULT_TIMEOUT_MS;
  size_t cap = opts->body_cap ? opts->body_cap : DEFAULT_BODY_CAP;
  double start = now_s(), deadline = start + (double)timeout_ms / 1000.0;

  CURL *easy = curl_easy_init(); /* owned here; cleaned up below */
  if (!easy) return set_error(resp, GT_HTTP_OTHER, "curl_easy_init failed");
  char errbuf[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(easy, CURLOPT_URL, req->url);
  curl_easy_setopt(easy, CURLOPT_CONNECT_ONLY, 1L);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  /* The bytes are HTTP/1.x: ALPN must not talk the server into h2. */
  curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
  curl_easy_setopt(easy, CURLOPT_FRESH_CONNECT, 1L);
  gt_http_set_tls(easy, opts);

  CURLcode rc = curl_easy_perform(easy);
  curl_off_t t = 0;
  if (curl_easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &t) == CURLE_OK)
    resp->timing.connect = (double)t / 1e6;
  if (curl_easy_getinfo(easy, CURLINFO_APPCONNECT_TIME_T, &t) == CURLE_OK)
    resp->timing.tls = (double)t / 1e6;
  curl_socket_t sock = CURL_SOCKET_BAD;
  if (rc == CURLE_OK) rc = curl_easy_getinfo(easy, CURLINFO_ACTIVESOCKET, &sock);
  if (rc != CURLE_OK || sock == CURL_SOCKET_BAD) {
    resp->outcome = rc == CURLE_OK ? GT_HTTP_OTHER : gt_http_outcome_from_curl(rc);
    gt_http_error_text(resp->error, sizeof resp->error, rc, errbuf);
    curl_easy_cleanup(easy);
    resp->timing.total = now_s() - start;
    return;
  }

  /* Send: everything up to raw_split_at at once, then the rest trickled. */
  bool trickle = req->raw_delay_ms > 0 && req->raw_split_at < req->raw_len;
  size_t first = trickle ? req->raw_split_at : req->raw_len;
  size_t chunk = req->raw_chunk ? req->raw_chunk : 1;
  bool ok = send_all(easy, sock, req->raw, first, deadline, cancel);
  for (size_t off = first; ok && off < req->raw_len; off += chunk) {
    sleep_until(now_s() + (double)req->raw_delay_ms / 1000.0, cancel);
    if (cancelled(cancel) || now_s() >= deadline) break;
    size_t n = req->raw_len - off < chunk ? req->raw_len - off : chunk;
    ok = send_all(easy, sock, req->raw + off, n, deadline, cancel);
  }
  /* truncated_body: tell the server no more is coming. TLS has no half-close
   * without close_notify killing the read side too, so there we just stop. */
  bool tls = strncasecmp(req->url, "https:", 6) == 0;
  if (req->raw_close_after && !tls) shutdown(sock, SHUT_WR);

  gt_http_raw_parser *p = gt_http_raw_parser_new(resp, cap, is_head(req)); /* freed below */
  resp->outcome = GT_HTTP_OK;
  long linger = LINGER_MS;
  if (req->raw_pipelined_at) {
    linger = timeout_ms / 4;
    if (linger < LINGER_PIPELINED_MIN_MS) linger = LINGER_PIPELINED_MIN_MS;
    if (linger > LINGER_PIPELINED_MAX_MS) linger = LINGER_PIPELINED_MAX_MS;
  }
  read_answer(easy, sock, p, resp, tls, start, deadline, linger, cancel);
  gt_http_raw_parser_free(p);
  curl_easy_cleanup(easy);
  resp->timing.total = now_s() - start;
}
