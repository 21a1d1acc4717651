/* raw.c — wire bytes for the raw-mode faults (truncated_body, slow_body,
 * wire_*): a request libcurl would refuse to send, written byte for byte. */
#include "fault_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HUGE_LEN 65536        /* wire_huge_header / wire_long_uri: 64 KiB */
#define TRICKLE_MAX 1600      /* slow_body: at most this many bytes trickled */
#define TRICKLE_STEPS 100     /* ... in about this many writes */
#define TRICKLE_TIME_MS 2000L /* ... over about this long */
static const char small_body[] = "{\"gauntlet\":\"probe\"}"; /* when a wire fault needs a body */

/* Framing headers are written by this file, never copied from the request. */
static bool framing_header(const char *name) {
  return strcasecmp(name, "Host") == 0 || strcasecmp(name, "Content-Length") == 0 ||
         strcasecmp(name, "Transfer-Encoding") == 0 || strcasecmp(name, "Connection") == 0;
}

static void add_line(gt_buf *b, const char *name, const char *value) {
  gt_buf_printf(b, "%s: %s\r\n", name, value);
}

static void chunked(gt_buf *b, const char *body, size_t len, const char *size_line) {
  if (size_line)
    gt_buf_printf(b, "%s\r\n", size_line);
  else
    gt_buf_printf(b, "%zx\r\n", len);
  gt_buf_add(b, body, len);
  gt_buf_adds(b, "\r\n0\r\n\r\n");
}

bool gt_build_raw(const gt_build_ctx *ctx, const gt_case *c, gt_http_request *req, gt_err *err) {
  (void)ctx;
  gt_url_parts u;
  if (!gt_url_split(req->url, &u))
    return gt_err_set(err, GT_ERR_INPUT, NULL, 0, 0, "%s: cannot parse URL", c->name);
  const char *host = req->url + u.host_start;
  size_t host_len =
      (u.port_start ? u.port_start + u.port_len : u.host_start + u.host_len) - u.host_start;
  const char *target = req->url + u.path_start;

  const char *body = req->body;
  size_t body_len = req->body_len;
  bool needs_body = c->fault == GT_FAULT_WIRE_DUP_CONTENT_LENGTH ||
                    c->fault == GT_FAULT_WIRE_CL_TE || c->fault == GT_FAULT_WIRE_BAD_CHUNK;
  if (needs_body && (!body || body_len < 2)) {
    body = small_body;
    body_len = sizeof small_body - 1;
  }

  gt_buf b;
  gt_buf_init(&b);
  gt_buf_printf(&b, "%s ", req->method);
  if (*target != '/') gt_buf_addc(&b, '/');
  if (c->fault == GT_FAULT_WIRE_LONG_URI) {
    size_t path_len = strcspn(target, "?#");
    gt_buf_add(&b, target, path_len);
    gt_buf_addc(&b, '/');
    for (size_t i = 0; i < HUGE_LEN; i++)
      gt_buf_addc(&b, 'a');
    gt_buf_adds(&b, target + path_len);
  } else {
    gt_buf_adds(&b, target);
  }
  gt_buf_adds(&b, " HTTP/1.1\r\nHost: ");
  gt_buf_add(&b, host, host_len);
  gt_buf_adds(&b, "\r\n");
  for (size_t i = 0; i < req->n_headers; i++)
    if (!framing_header(req->headers[i].name))
      add_line(&b, req->headers[i].name, req->headers[i].value);

  gt_buf payload; /* what follows the head */
  gt_buf_init(&payload);
  switch (c->fault) {
  case GT_FAULT_TRUNCATED_BODY:
    /* Promise 100 bytes more than will ever come, then close. */
    gt_buf_printf(&b, "Content-Length: %zu\r\n", body_len + 100);
    gt_buf_add(&payload, body ? body : "", body_len);
    req->raw_close_after = true;
    break;
  case GT_FAULT_WIRE_DUP_CONTENT_LENGTH:
    /* Two lengths that disagree; the second one short so a server that trusts
     * it sees a stray byte (a second, smuggled request) rather than waiting. */
    gt_buf_printf(&b, "Content-Length: %zu\r\nContent-Length: %zu\r\n", body_len, body_len - 1);
    gt_buf_add(&payload, body, body_len);
    break;
  case GT_FAULT_WIRE_CL_TE:
    chunked(&payload, body, body_len, NULL);
    gt_buf_adds(&payload, "GET /gauntlet-smuggled HTTP/1.1\r\nHost: ");
    gt_buf_add(&payload, host, host_len);
    gt_buf_adds(&payload, "\r\n\r\n");
    gt_buf_printf(&b, "Content-Length: %zu\r\nTransfer-Encoding: chunked\r\n", payload.len);
    break;
  case GT_FAULT_WIRE_BAD_CHUNK:
    gt_buf_adds(&b, "Transfer-Encoding: chunked\r\n");
    chunked(&payload, body, body_len, "zz");
    break;
  case GT_FAULT_WIRE_OBS_FOLD:
    gt_buf_adds(&b, "X-Gauntlet-Fold: first\r\n second\r\n");
    break;
  case GT_FAULT_WIRE_NUL_HEADER:
    gt_buf_add(&b, "X-Gauntlet-Nul: a\0b\r\n", 21);
    break;
  case GT_FAULT_WIRE_HUGE_HEADER:
    gt_buf_adds(&b, "X-Gauntlet-Huge: ");
    for (size_t i = 0; i < HUGE_LEN; i++)
      gt_buf_addc(&b, 'a');
    gt_buf_adds(&b, "\r\n");
    break;
  default:
    break;
  }
  bool plain_body = c->fault == GT_FAULT_SLOW_BODY || c->fault == GT_FAULT_WIRE_BARE_LF ||
                    c->fault == GT_FAULT_WIRE_OBS_FOLD || c->fault == GT_FAULT_WIRE_NUL_HEADER ||
                    c->fault == GT_FAULT_WIRE_HUGE_HEADER || c->fault == GT_FAULT_WIRE_LONG_URI;
  if (plain_body && body) {
    gt_buf_printf(&b, "Content-Length: %zu\r\n", body_len);
    gt_buf_add(&payload, body, body_len);
  }
  gt_buf_adds(&b, "Connection: close\r\n\r\n");

  if (c->fault == GT_FAULT_WIRE_BARE_LF) {
    /* Every CRLF of the head becomes a bare LF; the body is left alone. */
    size_t o = 0;
    for (size_t i = 0; i < b.len; i++) {
      if (b.data[i] == '\r' && i + 1 < b.len && b.data[i + 1] == '\n') continue;
      b.data[o++] = b.data[i];
    }
    b.len = o;
    b.data[o] = '\0';
  }
  gt_buf_add(&b, payload.data ? payload.data : "", payload.len);
  gt_buf_free(&payload);

  if (c->fault == GT_FAULT_SLOW_BODY) {
    /* Trickle the last part of the body (all of it when small) over ~2 s,
     * bounded by half the timeout, 1..16 bytes a write. */
    size_t trickle = body_len < TRICKLE_MAX ? body_len : TRICKLE_MAX;
    size_t chunk = (trickle + TRICKLE_STEPS - 1) / TRICKLE_STEPS;
    if (chunk < 1) chunk = 1;
    if (chunk > 16) chunk = 16;
    size_t steps = trickle ? (trickle + chunk - 1) / chunk : 1;
    long budget = TRICKLE_TIME_MS;
    if (req->timeout_ms > 0 && req->timeout_ms / 2 < budget) budget = req->timeout_ms / 2;
    long delay = budget / (long)steps;
    req->raw_split_at = b.len - trickle;
    req->raw_chunk = chunk;
    req->raw_delay_ms = delay > 0 ? delay : 1;
  }
  req->raw_len = b.len;
  req->raw = b.data ? gt_buf_steal(&b) : gt_xstrdup("");
  return true;
}
