/* test_http_raw.c — hostile servers and raw mode, against a tiny plain-socket
 * server thread: it accepts one connection, records every byte it receives,
 * writes canned bytes, and then closes, resets or keeps the connection open.
 * Also the raw-mode response parser on its own. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http/http_internal.h"
#include "support.h"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the socket server ---- */

typedef struct srv {
  int lfd, port;
  pthread_t th;
  /* behaviour */
  const char *reply; /* written once the request is read (NULL: nothing) */
  size_t reply_len;
  size_t expect_len; /* read until this many bytes; 0: until the end of the head */
  bool read_to_eof;  /* read until the client closes its write side */
  bool silent;       /* never answer, keep the connection until stopped */
  long pause_ms;     /* after the reply, before closing */
  bool rst;          /* close with a reset instead of a FIN */
  /* results (read after srv_stop) */
  gt_buf got;
  int accepted;
  atomic_bool stop;
} srv;

#define SRV_LIMIT_S 10.0 /* every server phase is bounded by this */

static bool head_complete(const gt_buf *b) {
  return b->data && memmem(b->data, b->len, "\r\n\r\n", 4) != NULL;
}

static void pause_ms(srv *s, long ms) {
  double until = now_s() + ms / 1000.0;
  while (!atomic_load(&s->stop) && now_s() < until)
    usleep(10000);
}

static void *srv_main(void *arg) {
  srv *s = arg;
  double deadline = now_s() + SRV_LIMIT_S;
  struct pollfd pfd = {.fd = s->lfd, .events = POLLIN};
  while (!atomic_load(&s->stop) && now_s() < deadline && poll(&pfd, 1, 50) == 0) {
  }
  if (atomic_load(&s->stop) || !(pfd.revents & POLLIN)) return NULL;
  int fd = accept(s->lfd, NULL, NULL);
  if (fd < 0) return NULL;
  s->accepted++;
  char buf[4096];
  for (;;) {
    if (atomic_load(&s->stop) || now_s() > deadline) break;
    if (!s->read_to_eof && !s->silent) {
      if (s->expect_len ? s->got.len >= s->expect_len : head_complete(&s->got)) break;
    }
    struct pollfd cp = {.fd = fd, .events = POLLIN};
    if (poll(&cp, 1, 50) <= 0) continue;
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    gt_buf_add(&s->got, buf, (size_t)n);
  }
  if (s->reply && !s->silent) {
    size_t off = 0;
    while (off < s->reply_len) {
      ssize_t n = send(fd, s->reply + off, s->reply_len - off, MSG_NOSIGNAL);
      if (n <= 0) break;
      off += (size_t)n;
    }
  }
  pause_ms(s, s->silent ? (long)(SRV_LIMIT_S * 1000) : s->pause_ms);
  if (s->rst) {
    struct linger lg = {.l_onoff = 1, .l_linger = 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  }
  close(fd);
  return NULL;
}

static void srv_start(srv *s) {
  gt_buf_init(&s->got);
  s->lfd = socket(AF_INET, SOCK_STREAM, 0);
  cr_assert_geq(s->lfd, 0);
  int one = 1;
  setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  cr_assert_eq(bind(s->lfd, (struct sockaddr *)&a, sizeof a), 0);
  cr_assert_eq(listen(s->lfd, 8), 0);
  socklen_t len = sizeof a;
  getsockname(s->lfd, (struct sockaddr *)&a, &len);
  s->port = ntohs(a.sin_port);
  cr_assert_eq(pthread_create(&s->th, NULL, srv_main, s), 0);
}

static void srv_stop(srv *s) {
  atomic_store(&s->stop, true);
  pthread_join(s->th, NULL);
  close(s->lfd);
}

static void srv_free(srv *s) {
  gt_buf_free(&s->got);
}

static void set_reply(srv *s, const char *r) {
  s->reply = r;
  s->reply_len = strlen(r);
}

static gt_http_request make_req(int port, long timeout_ms) {
  gt_http_request r;
  memset(&r, 0, sizeof r);
  r.method = gt_xstrdup("GET");
  r.url = gt_xasprintf("http://127.0.0.1:%d/x", port);
  r.timeout_ms = timeout_ms;
  return r;
}

static void set_raw(gt_http_request *r, const char *bytes, size_t len) {
  r->raw = gt_xmalloc(len);
  memcpy(r->raw, bytes, len);
  r->raw_len = len;
}

static gt_http_response run_one(const gt_http_request *req) {
  gt_http_opts o = {0};
  gt_http_response resp;
  gt_err err;
  cr_assert(gt_http_perform(&o, req, &resp, &err));
  return resp;
}

/* ---- hostile servers, normal requests ---- */

Test(http_hostile, silent_server_times_out_in_bounded_time, .timeout = 30) {
  srv s = {.silent = true};
  srv_start(&s);
  gt_http_request req = make_req(s.port, 500);
  double t0 = now_s();
  gt_http_response resp = run_one(&req);
  double took = now_s() - t0;
  cr_assert_eq(resp.outcome, GT_HTTP_TIMEOUT, "%d %s", resp.outcome, resp.error);
  cr_assert_geq(took, 0.45);
  cr_assert_lt(took, 3.0, "took %.2fs", took);
  gt_http_response_free(&resp);
  gt_http_request_free(&req);
  srv_stop(&s);
  srv_free(&s);
}

Test(http_hostile, reset_mid_body_keeps_status_and_headers, .timeout = 30) {
  static char reply[256];
  snprintf(reply, sizeof reply, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nX-A: b\r\n\r\n%0100d",
           0);
  srv s = {.pause_ms = 200, .rst = true};
  set_reply(&s, reply);
  srv_start(&s);
  gt_http_request req = make_req(s.port, 5000);
  gt_http_response resp = run_one(&req);
  cr_assert_eq(resp.outcome, GT_HTTP_RESET, "%d %s", resp.outcome, resp.error);
  cr_assert_eq(resp.status, 200);
  cr_assert_str_eq(gt_http_response_header(&resp, "X-A"), "b");
  cr_assert_eq(resp.body_total, 100);
  gt_http_response_free(&resp);
  gt_http_request_free(&req);
  srv_stop(&s);
  srv_free(&s);
}

Test(http_hostile, close_mid_body_is_a_reset, .timeout = 30) {
  srv s = {0};
  set_reply(&s, "HTTP/1.1 503 Busy\r\nContent-Length: 50\r\n\r\nshort");
  srv_start(&s);
  gt_http_request req = make_req(s.port, 5000);
  gt_http_response resp = run_one(&req);
  cr_assert_eq(resp.outcome, GT_HTTP_RESET, "%d %s", resp.outcome, resp.error);
  cr_assert_eq(resp.status, 503);
  cr_assert_str_eq(resp.body.data, "short");
  gt_http_response_free(&resp);
  gt_http_request_free(&req);
  srv_stop(&s);
  srv_free(&s);
}

Test(http_hostile, corrupt_compressed_body_is_a_transport_error, .timeout = 30) {
  /* Labelled gzip, not gzip: the answer cannot be decoded, and says why. */
  srv s = {0};
  set_reply(&s, "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\nzzzz");
  srv_start(&s);
  gt_http_request req = make_req(s.port, 5000);
  gt_http_response resp = run_one(&req);
  cr_assert_eq(resp.outcome, GT_HTTP_OTHER, "%d %s", resp.outcome, resp.error);
  cr_assert_eq(resp.status, 200);
  cr_assert(strstr(resp.error, "Content"), "%s", resp.error);
  gt_http_response_free(&resp);
  gt_http_request_free(&req);
  srv_stop(&s);
  srv_free(&s);
}

/* ---- raw mode ---- */

static const char RAW_REQ[] = "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
                              "Content-Length: 5\r\n\r\nab\0\xff\n";

Test(http_raw, exact_bytes_arrive, .timeout = 30) {
  srv s = {.expect_len = sizeof RAW_REQ - 1};
  set_reply(&s, "HTTP/1.1 400 Bad Request\r\nContent-Length: 3\r\nX-Why: dup\r\n\r\nbad");
  srv_start(&s);
  gt_http_request req = make_req(s.port, 5000);
  set_raw(&req, RAW_REQ, sizeof RAW_REQ - 1);
  gt_http_response resp = run_one(&req);
  srv_stop(&s);
  cr_assert_eq(resp.outcome, GT_HTTP_OK, "%d %s", resp.outcome, resp.error);
  cr_assert_eq(resp.status, 400);
  cr_assert_str_eq(resp.http_version, "HTTP/1.1");
  cr_assert_str_eq(gt_http_response_header(&resp, "x-why"), "dup");
  cr_assert_str_eq(resp.body.data, "bad");
  cr_assert_eq(resp.extra_responses, 0);
  cr_assert_eq(s.got.len, sizeof RAW_REQ - 1);
  cr_assert_eq(memcmp(s.got.data, RAW_REQ, s.got.len), 0);
  gt_http_response_free(&resp);
  gt_http_request_free(&req);
  srv_free(&s);
}

Test(http_raw, second_response_counted_as_smuggled, .timeout = 30) {
  srv s = {.expect_len = sizeof RAW_REQ - 1};
  set_reply(&s,
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
            "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
  srv_start(&s);
  gt_http_request req = make_req(s.port, 5000);
  set_raw(&req, RAW_REQ, sizeof RAW_REQ - 1);
  gt_http_response resp = run_one(&req);
  cr_assert_eq(resp.outcome, GT_HTTP_OK, "%s", resp.error);
  cr_assert_eq(resp.status, 200);
  cr_assert_str_eq(resp.body.data, "ok");
  cr_assert_eq(resp.extra_responses, 1);
  gt_http_response_free(&resp);
  gt_http_request_free(&req);
  srv_stop(&s);
  srv_free(&s);
}

Test(http_raw, slow_trickle_delivers_every_byte, .timeout = 30) {
  static char body[64];
  memset(body, 'q', 30);
  char *bytes = gt_xasprintf("POST / HTTP/1.1\r\nContent-Length: 30\r\n\r\n%.30s", body);
  size_t len = strlen(bytes);
  srv s = {.expect_len = len};
  set_reply(&s, "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
  srv_start(&s);
  gt_http_request req = make_req(s.port, 10000);
  set_raw(&req, bytes, len);
  req.raw_split_at = len - 30;
  req.raw_delay_ms = 20;
  req.raw_chunk = 3;
  double t0 = now_s();
  gt_http_response resp = run_one(&req);
  double took = now_s() - t0;
  srv_stop(&s);
  cr_assert_eq(resp.outcome, GT_HTTP_OK, "%s", resp.error);
  cr_assert_eq(resp.status, 201);
  cr_assert_eq(s.got.len, len);
  cr_assert_eq(memcmp(s.got.data, bytes, len), 0);
  cr_assert_geq(took, 0.19, "10 chunks 20 ms apart took %.3fs", took);
  gt_http_response_free(&resp);
  gt_http_request_free(&req);
  free(bytes);
  srv_free(&s);
}

Test(http_raw, close_after_half_closes_and_still_reads, .timeout = 30) {
  const char bytes[] = "POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\nonly-part";
  srv s = {.read_to_eof = true};
  set_reply(&s, "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\ntruncated!");
  srv_start(&s);
  gt_http_request req = make_req(s.port, 5000);
  set_raw(&req, bytes, sizeof bytes - 1);
  req.raw_close_after = true;
  gt_http_response resp = run_one(&req);
  srv_stop(&s);
  cr_assert_eq(resp.outcome, GT_HTTP_OK, "%d %s", resp.outcome, resp.error);
  cr_assert_eq(resp.status, 400);
  cr_assert_str_eq(resp.body.data, "truncated!", "body delimited by the close");
  cr_assert_eq(s.got.len, sizeof bytes - 1, "the server saw our EOF after the bytes");
  gt_http_response_free(&resp);
  gt_http_request_free(&req);
  srv_free(&s);
}

Test(http_raw, open_connection_after_response_does_not_wait_for_timeout, .timeout = 30) {
  srv s = {.pause_ms = 4000};
  set_reply(&s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  srv_start(&s);
  gt_http_request req = make_req(s.port, 8000);
  set_raw(&req, "GET / HTTP/1.1\r\n\r\n", 18);
  double t0 = now_s();
  gt_http_response resp = run_one(&req);
  double took = now_s() - t0;
  cr_assert_eq(resp.outcome, GT_HTTP_OK, "%s", resp.error);
  cr_assert_lt(took, 3.0, "took %.2fs", took);
  gt_http_response_free(&resp);
  gt_http_request_free(&req);
  srv_stop(&s);
  srv_free(&s);
}

Test(http_raw, close_without_answer_is_reset, .timeout = 30) {
  srv s = {0}; /* reads the head, answers nothing, closes */
  srv_start(&s);
  gt_http_request req = make_req(s.port, 5000);
  set_raw(&req, "GET / HTTP/1.1\r\n\r\n", 18);
  gt_http_response resp = run_one(&req);
  cr_assert_eq(resp.outcome, GT_HTTP_RESET, "%d %s", resp.outcome, resp.error);
  cr_assert_eq(resp.status, 0);
  gt_http_response_free(&resp);
  gt_http_request_free(&req);
  srv_stop(&s);
  srv_free(&s);
}

Test(http_raw, silent_server_times_out, .timeout = 30) {
  srv s = {.silent = true};
  srv_start(&s);
  gt_http_request req = make_req(s.port, 400);
  set_raw(&req, "GET / HTTP/1.1\r\n\r\n", 18);
  double t0 = now_s();
  gt_http_response resp = run_one(&req);
  double took = now_s() - t0;
  cr_assert_eq(resp.outcome, GT_HTTP_TIMEOUT, "%d %s", resp.outcome, resp.error);
  cr_assert_lt(took, 2.0);
  gt_http_response_free(&resp);
  gt_http_request_free(&req);
  srv_stop(&s);
  srv_free(&s);
}

Test(http_raw, refused, .timeout = 30) {
  gt_http_request req = make_req(ts_free_port(), 2000);
  set_raw(&req, "GET / HTTP/1.1\r\n\r\n", 18);
  gt_http_response resp = run_one(&req);
  cr_assert_eq(resp.outcome, GT_HTTP_REFUSED, "%d %s", resp.outcome, resp.error);
  gt_http_response_free(&resp);
  gt_http_request_free(&req);
}

Test(http_raw, runs_in_executor_alongside_normal_requests, .timeout = 30) {
  srv slow = {.expect_len = 18};
  set_reply(&slow, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nraw");
  srv_start(&slow);
  srv fast = {0};
  set_reply(&fast, "HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nnormal");
  srv_start(&fast);
  gt_http_request raw = make_req(slow.port, 5000);
  set_raw(&raw, "GET / HTTP/1.1\r\n\r\n", 18);
  raw.raw_split_at = 0;
  raw.raw_delay_ms = 30; /* ~0.5 s of trickle: the normal request must not wait */
  raw.raw_chunk = 1;
  gt_http_request normal = make_req(fast.port, 5000);
  gt_http_opts o = {.max_parallel = 4};
  gt_err err;
  gt_http_exec *x = gt_http_exec_new(&o, &err);
  gt_http_exec_add(x, &raw, &raw);
  gt_http_exec_add(x, &normal, &normal);
  void *order[2] = {0};
  int got = 0;
  for (int spins = 0; got < 2 && spins < 200; spins++) {
    gt_http_response resp;
    void *tag = gt_http_exec_next(x, &resp, 50);
    if (!tag) continue;
    cr_assert_eq(resp.outcome, GT_HTTP_OK, "%s", resp.error);
    cr_assert_str_eq(resp.body.data, tag == &raw ? "raw" : "normal");
    order[got++] = tag;
    gt_http_response_free(&resp);
  }
  cr_assert_eq(got, 2);
  cr_assert_eq(order[0], &normal, "the normal request finished first");
  gt_http_exec_free(x);
  gt_http_request_free(&raw);
  gt_http_request_free(&normal);
  srv_stop(&slow);
  srv_stop(&fast);
  srv_free(&slow);
  srv_free(&fast);
}

/* ---- the raw response parser ---- */

static gt_http_response parse(const char *bytes, size_t cap, bool head, bool eof, size_t step,
                              bool *done) {
  gt_http_response r;
  memset(&r, 0, sizeof r);
  gt_http_raw_parser *p = gt_http_raw_parser_new(&r, cap, head);
  size_t len = strlen(bytes);
  for (size_t off = 0; off < len; off += step)
    gt_http_raw_parser_feed(p, bytes + off, len - off < step ? len - off : step);
  if (eof) gt_http_raw_parser_eof(p);
  *done = gt_http_raw_parser_first_done(p);
  cr_assert_not(gt_http_raw_parser_malformed(p));
  gt_http_raw_parser_free(p);
  return r;
}

Test(http_raw_parser, chunked_capped_byte_by_byte) {
  const char *in = "HTTP/1.1 100 Continue\r\n\r\n"
                   "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                   "5;ext=1\r\nhello\r\nA\r\n0123456789\r\n0\r\nTrailer: t\r\n\r\n";
  bool done;
  gt_http_response r = parse(in, 8, false, false, 1, &done);
  cr_assert(done);
  cr_assert_eq(r.status, 200);
  cr_assert_str_eq(r.body.data, "hello012");
  cr_assert_eq(r.body_total, 15);
  cr_assert(r.body_truncated);
  gt_http_response_free(&r);
}

Test(http_raw_parser, head_and_204_have_no_body) {
  bool done;
  gt_http_response r =
      parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", 100, true, false, 7, &done);
  cr_assert(done);
  cr_assert_eq(r.body_total, 0);
  gt_http_response_free(&r);
  r = parse("HTTP/1.0 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\n\r\n", 100, false, true, 100, &done);
  cr_assert(done);
  cr_assert_eq(r.status, 204);
  cr_assert_str_eq(r.http_version, "HTTP/1.0");
  cr_assert_eq(r.extra_responses, 1);
  gt_http_response_free(&r);
}

Test(http_raw_parser, incomplete_and_until_close) {
  bool done;
  gt_http_response r =
      parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 100, false, true, 100, &done);
  cr_assert_not(done, "the body was cut short");
  cr_assert_eq(r.status, 200);
  gt_http_response_free(&r);
  r = parse("HTTP/1.1 200 OK\nX: y\n\nuntil close", 100, false, true, 3, &done);
  cr_assert(done, "bare LF lines and a close-delimited body");
  cr_assert_str_eq(r.body.data, "until close");
  cr_assert_str_eq(gt_http_response_header(&r, "x"), "y");
  gt_http_response_free(&r);
}

Test(http_raw_parser, garbage_is_malformed) {
  gt_http_response r;
  memset(&r, 0, sizeof r);
  gt_http_raw_parser *p = gt_http_raw_parser_new(&r, 10, false);
  gt_http_raw_parser_feed(p, "SSH-2.0-OpenSSH\r\n", 17);
  cr_assert(gt_http_raw_parser_malformed(p));
  gt_http_raw_parser_free(p);
  gt_http_response_free(&r);
}
