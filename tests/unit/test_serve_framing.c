/* test_serve_framing.c — gt_serve_framing_check, the strict request-head
 * check serve's plain listener applies before libmicrohttpd: every wire_*
 * shape that harness/fault/raw.c writes, byte for byte, and valid heads
 * (chunked bodies, pipelined requests, leading empty lines). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "fault/fault.h"
#include "serve/serve.h"

static gt_framing_verdict check(const char *data, size_t len, gt_framing_result *r) {
  return gt_serve_framing_check(data, len, r);
}
#define CHECK_LIT(lit, r) check(lit, sizeof lit - 1, r)

static void expect_bad(const char *data, size_t len, int status, gt_fault_id fault,
                       const char *reason_part) {
  gt_framing_result r;
  gt_framing_verdict v = check(data, len, &r);
  cr_assert_eq(v, GT_FRAMING_BAD, "accepted: %.*s", (int)(len < 200 ? len : 200), data);
  cr_assert_eq(r.status, status, "status %d, want %d (%s)", r.status, status, r.reason);
  cr_assert_eq(r.fault, fault, "fault %d, want %d (%s)", r.fault, fault, r.reason);
  cr_assert(r.reason && strstr(r.reason, reason_part), "reason '%s' lacks '%s'", r.reason,
            reason_part);
}
#define BAD_LIT(lit, status, fault, part) expect_bad(lit, sizeof lit - 1, status, fault, part)

/* ---- the raw.c shapes ---- */

Test(framing, dup_content_length) {
  BAD_LIT("POST /v1/notes HTTP/1.1\r\nHost: h:1\r\nContent-Length: 20\r\nContent-Length: 19\r\n"
          "Connection: close\r\n\r\n{\"gauntlet\":\"probe\"}",
          400, GT_FAULT_WIRE_DUP_CONTENT_LENGTH, "twice");
  /* identical values are refused too: one Content-Length at most */
  BAD_LIT("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\ncontent-length: 2\r\n\r\n{}", 400,
          GT_FAULT_WIRE_DUP_CONTENT_LENGTH, "twice");
}

Test(framing, content_length_not_digits) {
  BAD_LIT("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2, 2\r\n\r\n{}", 400,
          GT_FAULT_WIRE_DUP_CONTENT_LENGTH, "not a number");
  BAD_LIT("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", 400,
          GT_FAULT_WIRE_DUP_CONTENT_LENGTH, "not a number");
  BAD_LIT("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +5\r\n\r\n", 400,
          GT_FAULT_WIRE_DUP_CONTENT_LENGTH, "not a number");
  BAD_LIT("POST / HTTP/1.1\r\nHost: h\r\nContent-Length:\r\n\r\n", 400,
          GT_FAULT_WIRE_DUP_CONTENT_LENGTH, "not a number");
  BAD_LIT("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 9999999999999999999\r\n\r\n", 400,
          GT_FAULT_WIRE_DUP_CONTENT_LENGTH, "not a number");
}

Test(framing, cl_te_with_smuggled_request) {
  static const char req[] = "POST /v1/notes HTTP/1.1\r\nHost: h:1\r\nContent-Length: 67\r\n"
                            "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                            "14\r\n{\"gauntlet\":\"probe\"}\r\n0\r\n\r\n"
                            "GET /gauntlet-smuggled HTTP/1.1\r\nHost: h:1\r\n\r\n";
  BAD_LIT(req, 400, GT_FAULT_WIRE_CL_TE, "Content-Length together with Transfer-Encoding");
  /* order does not matter */
  BAD_LIT("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n",
          400, GT_FAULT_WIRE_CL_TE, "together");
}

Test(framing, transfer_encoding_other_than_chunked) {
  BAD_LIT("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501,
          GT_FAULT_WIRE_CL_TE, "other than chunked");
  BAD_LIT("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
          "Transfer-Encoding: chunked\r\n\r\n",
          400, GT_FAULT_WIRE_CL_TE, "twice");
  BAD_LIT("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400, GT_FAULT_WIRE_CL_TE,
          "HTTP/1.0");
}

Test(framing, bare_lf_everywhere) {
  BAD_LIT("GET /v1/status HTTP/1.1\nHost: h:1\nAuthorization: Bearer t\nConnection: close\n\n", 400,
          GT_FAULT_WIRE_BARE_LF, "CRLF");
}

Test(framing, bare_lf_in_one_header_line) {
  BAD_LIT("GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\nX-B: 2\r\n\r\n", 400, GT_FAULT_WIRE_BARE_LF,
          "CRLF");
  /* the empty line itself must be CRLF too */
  BAD_LIT("GET / HTTP/1.1\r\nHost: h\r\n\n", 400, GT_FAULT_WIRE_BARE_LF, "CRLF");
}

Test(framing, bare_cr) {
  BAD_LIT("GET / HTTP/1.1\r\nHost: h\rX-A: 1\r\n\r\n", 400, GT_FAULT_WIRE_BARE_LF, "CRLF");
  BAD_LIT("GET / HTTP/1.1\rHost: h\r\n\r\n", 400, GT_FAULT_WIRE_BARE_LF, "CRLF");
}

Test(framing, obs_fold) {
  BAD_LIT("GET /v1/status HTTP/1.1\r\nHost: h:1\r\nX-Gauntlet-Fold: first\r\n second\r\n"
          "Connection: close\r\n\r\n",
          400, GT_FAULT_WIRE_OBS_FOLD, "obs-fold");
  BAD_LIT("GET / HTTP/1.1\r\nHost: h\r\nX-Fold: a\r\n\tb\r\n\r\n", 400, GT_FAULT_WIRE_OBS_FOLD,
          "obs-fold");
}

Test(framing, nul_in_header) {
  static const char req[] = "GET /v1/status HTTP/1.1\r\nHost: h:1\r\nX-Gauntlet-Nul: a\0b\r\n"
                            "Connection: close\r\n\r\n";
  BAD_LIT(req, 400, GT_FAULT_WIRE_NUL_HEADER, "NUL");
  static const char in_name[] = "GET / HTTP/1.1\r\nHost: h\r\nX-N\0ul: a\r\n\r\n";
  BAD_LIT(in_name, 400, GT_FAULT_WIRE_NUL_HEADER, "NUL");
}

Test(framing, other_control_bytes) {
  BAD_LIT("GET / HTTP/1.1\r\nHost: h\r\nX-Bell: a\x07z\r\n\r\n", 400, GT_FAULT_WIRE_NUL_HEADER,
          "control character");
  BAD_LIT("GET / HTTP/1.1\r\nHost: h\r\nX-Del: a\x7fz\r\n\r\n", 400, GT_FAULT_WIRE_NUL_HEADER,
          "control character");
}

Test(framing, malformed_field_names) {
  BAD_LIT("GET / HTTP/1.1\r\nHost: h\r\nX-Space : a\r\n\r\n", 400, GT_FAULT_WIRE_OBS_FOLD,
          "field name");
  BAD_LIT("GET / HTTP/1.1\r\nHost: h\r\nno colon here\r\n\r\n", 400, GT_FAULT_WIRE_OBS_FOLD,
          "field name");
  BAD_LIT("GET / HTTP/1.1\r\nHost: h\r\n: empty\r\n\r\n", 400, GT_FAULT_WIRE_OBS_FOLD,
          "field name");
}

Test(framing, huge_header) {
  /* raw.c: one 64 KiB header value; refused as soon as 16 KiB of fields are seen */
  size_t n = 70000;
  char *req = malloc(n);
  int h = snprintf(req, n, "GET /v1/status HTTP/1.1\r\nHost: h:1\r\nX-Gauntlet-Huge: ");
  memset(req + h, 'a', n - (size_t)h);
  expect_bad(req, GT_SERVE_HEADER_BLOCK_MAX + 100, 431, GT_FAULT_WIRE_HUGE_HEADER, "too large");
  expect_bad(req, n, 431, GT_FAULT_WIRE_HUGE_HEADER, "too large");
  /* many small fields add up the same way */
  char *many = malloc(40000);
  size_t o = (size_t)snprintf(many, 40000, "GET / HTTP/1.1\r\nHost: h\r\n");
  for (int i = 0; i < 1200; i++)
    o += (size_t)snprintf(many + o, 40000 - o, "X-F%04d: 0123456789\r\n", i);
  o += (size_t)snprintf(many + o, 40000 - o, "\r\n");
  expect_bad(many, o, 431, GT_FAULT_WIRE_HUGE_HEADER, "too large");
  free(many);
  free(req);
}

Test(framing, long_uri) {
  /* raw.c: the path plus "/" and 64 KiB of 'a'; refused before the LF arrives */
  size_t n = 70000;
  char *req = malloc(n);
  memcpy(req, "GET /v1/status/", 15);
  memset(req + 15, 'a', n - 15);
  expect_bad(req, GT_SERVE_REQUEST_LINE_MAX + 1, 414, GT_FAULT_WIRE_LONG_URI, "too long");
  /* complete but too long */
  int tail = snprintf(req + 9000, n - 9000, " HTTP/1.1\r\nHost: h\r\n\r\n");
  expect_bad(req, 9000 + (size_t)tail, 414, GT_FAULT_WIRE_LONG_URI, "too long");
  free(req);
}

Test(framing, malformed_request_lines) {
  BAD_LIT("GET  / HTTP/1.1\r\nHost: h\r\n\r\n", 400, GT_FAULT_WIRE_BARE_LF, "request line");
  BAD_LIT("GET / HTTP/1.1 \r\nHost: h\r\n\r\n", 400, GT_FAULT_WIRE_BARE_LF, "request line");
  BAD_LIT("GET /a b HTTP/1.1\r\nHost: h\r\n\r\n", 400, GT_FAULT_WIRE_BARE_LF, "request line");
  BAD_LIT("GET / HTTX/1.1\r\nHost: h\r\n\r\n", 400, GT_FAULT_WIRE_BARE_LF, "request line");
  BAD_LIT("G(T / HTTP/1.1\r\nHost: h\r\n\r\n", 400, GT_FAULT_WIRE_BARE_LF, "request line");
  BAD_LIT("GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505, GT_FAULT_WIRE_BARE_LF, "version");
}

Test(framing, host_rules) {
  BAD_LIT("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", 400, GT_FAULT_WIRE_DUP_CONTENT_LENGTH,
          "no Host");
  BAD_LIT("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, GT_FAULT_WIRE_DUP_CONTENT_LENGTH,
          "Host given twice");
  gt_framing_result r;
  cr_assert_eq(CHECK_LIT("GET / HTTP/1.0\r\n\r\n", &r), GT_FRAMING_OK, "HTTP/1.0 needs no Host");
}

/* ---- valid heads ---- */

Test(framing, valid_get) {
  static const char req[] =
      "GET /v1/status?x=%41 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: curl/8\r\n"
      "Accept: */*\r\nAuthorization: Bearer abc.def-ghi\r\nX-Tab:\tvalue with\ttab \r\n"
      "X-Utf8: caf\xc3\xa9\r\nX-Empty:\r\n\r\n";
  gt_framing_result r;
  cr_assert_eq(CHECK_LIT(req, &r), GT_FRAMING_OK, "%s", r.reason ? r.reason : "");
  cr_assert_eq(r.head_len, sizeof req - 1);
  cr_assert_not(r.chunked);
}

Test(framing, valid_post_with_body) {
  static const char head[] =
      "POST /v1/notes HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n"
      "Content-Length:  20 \r\n\r\n";
  char req[256];
  snprintf(req, sizeof req, "%s{\"gauntlet\":\"probe\"}", head);
  gt_framing_result r;
  cr_assert_eq(check(req, strlen(req), &r), GT_FRAMING_OK, "%s", r.reason ? r.reason : "");
  cr_assert_eq(r.head_len, sizeof head - 1);
}

Test(framing, valid_chunked) {
  static const char head[] = "POST /v1/notes HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n"
                             "Content-Type: application/json\r\n\r\n";
  char req[256];
  snprintf(req, sizeof req, "%s14\r\n{\"gauntlet\":\"probe\"}\r\n0\r\n\r\n", head);
  gt_framing_result r;
  cr_assert_eq(check(req, strlen(req), &r), GT_FRAMING_OK, "%s", r.reason ? r.reason : "");
  cr_assert_eq(r.head_len, sizeof head - 1);
  cr_assert(r.chunked);
}

Test(framing, valid_pipelined) {
  /* only the first head is judged; what follows it is the next request */
  static const char first[] = "GET /v1/status HTTP/1.1\r\nHost: h\r\n\r\n";
  static const char both[] = "GET /v1/status HTTP/1.1\r\nHost: h\r\n\r\n"
                             "GET /v1/status HTTP/1.1\r\nHost: h\r\n\r\n";
  gt_framing_result r;
  cr_assert_eq(CHECK_LIT(both, &r), GT_FRAMING_OK);
  cr_assert_eq(r.head_len, sizeof first - 1);
}

Test(framing, leading_empty_lines) {
  static const char req[] = "\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n";
  gt_framing_result r;
  cr_assert_eq(CHECK_LIT(req, &r), GT_FRAMING_OK);
  cr_assert_eq(r.head_len, sizeof req - 1);
}

Test(framing, incomplete_heads_ask_for_more) {
  static const char full[] = "POST /v1/notes HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n";
  gt_framing_result r;
  /* every proper prefix is MORE (a CR at the end may still be followed by LF) */
  for (size_t n = 1; n < sizeof full - 1; n++)
    cr_assert_eq(check(full, n, &r), GT_FRAMING_MORE, "prefix of %zu bytes: %d (%s)", n,
                 check(full, n, &r), r.reason ? r.reason : "");
  cr_assert_eq(check(full, sizeof full - 1, &r), GT_FRAMING_OK);
}

Test(framing, limits_are_inclusive) {
  /* a request line of exactly the limit passes; one byte more is 414 */
  size_t cap = GT_SERVE_REQUEST_LINE_MAX + 64;
  char *req = malloc(cap);
  size_t line = GT_SERVE_REQUEST_LINE_MAX;
  memcpy(req, "GET /", 5);
  memset(req + 5, 'a', line - 5 - 9);
  memcpy(req + line - 9, " HTTP/1.1", 9);
  memcpy(req + line, "\r\nHost: h\r\n\r\n", 13);
  gt_framing_result r;
  cr_assert_eq(check(req, line + 13, &r), GT_FRAMING_OK, "%s", r.reason ? r.reason : "");
  memcpy(req + line - 9, "a HTTP/1.1", 10);
  memcpy(req + line + 1, "\r\nHost: h\r\n\r\n", 13);
  cr_assert_eq(check(req, line + 14, &r), GT_FRAMING_BAD);
  cr_assert_eq(r.status, 414);
  free(req);
}
