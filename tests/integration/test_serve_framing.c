/* test_serve_framing.c — `gauntlet serve` refuses malformed request framing on
 * its plain listener: `gauntlet run` sends every wire_* fault to it and every
 * case passes (valid cases too); raw sockets check what a client sees (one
 * answer, the profile's error shape, Connection: close, nothing smuggled),
 * that valid pipelined and chunked requests are still served, and that the
 * refusals are in serve's audit report. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "support.h"

#define FIXTURE SOURCE_DIR "/tests/fixtures/serve/wire.yaml"
#define TOKEN "tok-wire-0123456789"
#define WIRE_FAULTS                                                                                \
  "wire_dup_content_length,wire_cl_te,wire_bare_lf,wire_obs_fold,wire_nul_header,wire_bad_chunk,"  \
  "wire_huge_header,wire_long_uri"

static void serve_start(ts_serve *s) {
  const char *suites[] = {FIXTURE, NULL};
  ts_serve_opts o = {.suites = suites};
  cr_assert(ts_serve_start(s, &o), "serve did not print its port");
}

static int serve_finish(ts_serve *s) {
  int rc = ts_serve_stop(s, true, 15000);
  cr_assert(s->proc.exited, "serve did not exit on SIGTERM");
  cr_expect(!s->proc.sanitizer_report, "sanitizer report in serve's stderr (see the log above)");
  return rc;
}

/* Sends data on a fresh connection and reads until the server closes (or
 * 5 s pass). Returns what came back (caller frees). */
static char *exchange(int port, const char *data, size_t len, size_t *got) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  cr_assert(fd >= 0);
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
  struct timeval tv = {.tv_sec = 5};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  for (size_t off = 0; off < len;) {
    ssize_t w = send(fd, data + off, len - off, MSG_NOSIGNAL);
    if (w <= 0) break; /* the server may refuse before reading it all */
    off += (size_t)w;
  }
  size_t cap = 65536, n = 0;
  char *buf = malloc(cap + 1);
  for (int i = 0; i < 1000 && n < cap; i++) { /* bounded by reads and SO_RCVTIMEO */
    ssize_t r = recv(fd, buf + n, cap - n, 0);
    if (r <= 0) break;
    n += (size_t)r;
  }
  buf[n] = '\0';
  close(fd);
  *got = n;
  return buf;
}

static int count_responses(const char *text) {
  int n = 0;
  for (const char *p = text; (p = strstr(p, "HTTP/1.1 ")); p++) /* a body may run into it */
    if (p[9] >= '1' && p[9] <= '5' && strspn(p + 10, "0123456789") == 2 && p[12] == ' ') n++;
  return n;
}

/* gauntlet run's wire_* faults against serve (plain: serve's own framing
 * guard; TLS: libmicrohttpd's parser and serve's header checks): every case
 * passes, desync detection included (each sent keep-alive with a request
 * pipelined behind it, the ambiguous ones with a request hidden in the body). */
static void run_wire_faults(bool tls) {
  ts_serve s;
  const char *suites[] = {FIXTURE, NULL};
  ts_serve_opts o = {.suites = suites, .tls = tls};
  cr_assert(ts_serve_start(&s, &o), "serve did not print its port");
  char *report = ts_fmt("%s/run.xml", s.dir);
  char *url = tls ? ts_fmt("WIRE_URL=https://127.0.0.1:%d", s.tls_port)
                  : ts_fmt("WIRE_URL=http://127.0.0.1:%d", s.port);
  const char *args[] = {"run",
                        "--faults",
                        WIRE_FAULTS,
                        "--junit",
                        report,
                        tls ? "--cacert" : FIXTURE,
                        tls ? s.cacert : NULL,
                        tls ? FIXTURE : NULL,
                        NULL};
  const char *env[] = {url, NULL};
  ts_gauntlet g;
  int rc = ts_gauntlet_run(&g, s.dir, args, env, 120000);
  ts_junit j;
  cr_assert(ts_junit_load(report, &j));
  const char *names[] = {"create a note [valid]",
                         "read the status [valid]",
                         "create a note [wire_dup_content_length]",
                         "create a note [wire_cl_te #1 CL.TE]",
                         "create a note [wire_cl_te #2 TE.CL]",
                         "read the status [wire_dup_content_length]",
                         "read the status [wire_cl_te #1 CL.TE]",
                         "read the status [wire_cl_te #2 TE.CL]",
                         "read the status [wire_bare_lf]",
                         "read the status [wire_obs_fold]",
                         "read the status [wire_nul_header]",
                         "create a note [wire_bad_chunk]",
                         "read the status [wire_huge_header]",
                         "read the status [wire_long_uri]"};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
    char *m = ts_case_mismatch(&j, names[i], TS_CASE_PASS, NULL);
    const ts_case *c = ts_junit_find(&j, names[i]);
    cr_expect_null(m, "[%s] %s\n%s", tls ? "tls" : "plain", m, c && c->body ? c->body : "-");
    free(m);
  }
  /* 2 scenarios x (valid + 7 wire faults + wire_cl_te's two variants) */
  cr_expect_eq(j.n, 20, "%zu cases", j.n);
  cr_expect_eq(ts_junit_count(&j, TS_CASE_PASS), 20);
  cr_expect_eq(rc, 0, "gauntlet run exit %d\nstdout:\n%s\nstderr:\n%s", rc, g.out, g.err);
  ts_junit_free(&j);
  ts_gauntlet_free(&g);
  /* the client sent malformed framing on purpose: serve's audit says so */
  cr_assert_eq(serve_finish(&s), 1, "serve should report a non-conforming client");
  char *audit = ts_read_file(s.junit, NULL);
  cr_assert(audit && strstr(audit, "http_framing"), "no http_framing rule in the audit");
  free(audit);
  free(report);
  free(url);
  ts_serve_free(&s);
}

Test(serve_framing, gauntlet_run_wire_faults_all_pass) {
  run_wire_faults(false);
}

Test(serve_framing, gauntlet_run_wire_faults_over_tls_all_pass) {
  run_wire_faults(true);
}

Test(serve_framing, refusal_is_one_answer_with_the_error_shape) {
  ts_serve s;
  serve_start(&s);
  /* wire_cl_te as raw.c writes it: a smuggled GET after the chunked body */
  static const char smuggle[] = "POST /v1/notes HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer " TOKEN
                                "\r\nContent-Type: application/json\r\nContent-Length: 67\r\n"
                                "Transfer-Encoding: chunked\r\n\r\n"
                                "14\r\n{\"gauntlet\":\"probe\"}\r\n0\r\n\r\n"
                                "GET /gauntlet-smuggled HTTP/1.1\r\nHost: h\r\n\r\n";
  size_t n;
  char *got = exchange(s.port, smuggle, sizeof smuggle - 1, &n);
  cr_assert_eq(strncmp(got, "HTTP/1.1 400 ", 13), 0, "got: %s", got);
  cr_assert_eq(count_responses(got), 1, "a second response was smuggled: %s", got);
  cr_assert(strcasestr(got, "\r\nConnection: close\r\n"), "%s", got);
  cr_assert(strcasestr(got, "\r\nContent-Type: application/json; charset=utf-8\r\n"), "%s", got);
  cr_assert(strcasestr(got, "\r\nX-Request-Id: "), "%s", got);
  cr_assert(strstr(got, "{\"error\":{\"code\":"), "no error shape: %s", got);
  cr_assert(strstr(got, "Transfer-Encoding"), "the message should say why: %s", got);
  free(got);

  /* the precise statuses: 431 for a huge field block, 414 for a long target */
  char *big = malloc(40000);
  int h = snprintf(big, 40000, "GET /v1/status HTTP/1.1\r\nHost: h\r\nX-Huge: ");
  memset(big + h, 'a', 30000);
  memcpy(big + h + 30000, "\r\n\r\n", 4);
  got = exchange(s.port, big, (size_t)h + 30004, &n);
  cr_assert_eq(strncmp(got, "HTTP/1.1 431 ", 13), 0, "got: %.200s", got);
  free(got);
  memcpy(big, "GET /v1/", 8);
  memset(big + 8, 'a', 20000);
  memcpy(big + 20008, " HTTP/1.1\r\nHost: h\r\n\r\n", 22);
  got = exchange(s.port, big, 20030, &n);
  cr_assert_eq(strncmp(got, "HTTP/1.1 414 ", 13), 0, "got: %.200s", got);
  free(got);
  free(big);

  /* and the server is still there */
  int status = 0;
  char *body = ts_http_get(s.port, "/v1/status", "Authorization: Bearer " TOKEN "\r\n", &status);
  cr_assert_eq(status, 200, "%s", body ? body : "(none)");
  free(body);
  serve_finish(&s);
  ts_serve_free(&s);
}

Test(serve_framing, valid_pipelined_and_chunked_requests_are_served) {
  ts_serve s;
  serve_start(&s);
  static const char two[] =
      "GET /v1/status HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer " TOKEN "\r\n\r\n"
      "GET /v1/status HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer " TOKEN
      "\r\nConnection: close\r\n\r\n";
  size_t n;
  char *got = exchange(s.port, two, sizeof two - 1, &n);
  cr_assert_eq(count_responses(got), 2, "got: %s", got);
  cr_assert_eq(strncmp(got, "HTTP/1.1 200 ", 13), 0, "got: %s", got);
  cr_assert(strstr(strstr(got, "\r\n\r\n"), "HTTP/1.1 200 "), "got: %s", got);
  free(got);

  /* a chunked body is served, and the connection closes after it: a request
   * pipelined behind it is not answered by a parser that skipped the check */
  static const char chunked[] =
      "POST /v1/notes HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer " TOKEN
      "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
      "1d\r\n{\"text\": \"hello\", \"pages\": 2}\r\n0\r\n\r\n"
      "GET /v1/status HTTP/1.1\nHost: h\nAuthorization: Bearer " TOKEN "\n\n";
  got = exchange(s.port, chunked, sizeof chunked - 1, &n);
  cr_assert_eq(strncmp(got, "HTTP/1.1 201 ", 13), 0, "got: %s", got);
  cr_assert(strcasestr(got, "\r\nConnection: close\r\n"), "%s", got);
  cr_assert(strstr(got, "\"text\":\"hello\""), "%s", got);
  cr_assert_eq(count_responses(got), 1, "the bare-LF request behind it was answered: %s", got);
  free(got);
  serve_finish(&s);
  ts_serve_free(&s);
}
