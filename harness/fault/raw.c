/* raw.c — wire bytes for the raw-mode faults (truncated_body, slow_body,
 * wire_*): a request libcurl would refuse to send, written byte for byte. */
#include "fault_internal.h"

#include <stdio.h>
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

/* The request hidden in a body by wire_dup_content_length and wire_cl_te: a
 * path no scenario uses, so an answer to it shows the server read the framing
 * the other way. Its 8 hex digits come from the seed and the case. */
static void smuggled_path(const gt_build_ctx *ctx, const gt_case *c, char out[40]) {
  uint64_t h = gt_fnv1a(c->name ? c->name : "") ^ ctx->seed;
  snprintf(out, 40, "/gauntlet-smuggled-%08x", (unsigned)(h & 0xffffffffu));
}

/* The liveness request as wire bytes, `Connection: close` (it is the last
 * request on the connection): the well-formed request pipelined behind a
 * framing fault. False + err when it cannot be built. */
static bool pipelined_bytes(const gt_build_ctx *ctx, const gt_case *c, gt_buf *out, char **line,
                            gt_err *err) {
  gt_http_request probe;
  if (!gt_case_build_liveness(ctx, c, &probe, err)) return false;
  gt_url_parts u;
  bool ok = gt_url_split(probe.url, &u);
  if (ok) {
    const char *host = probe.url + u.host_start;
    size_t host_len =
        (u.port_start ? u.port_start + u.port_len : u.host_start + u.host_len) - u.host_start;
    const char *target = probe.url + u.path_start;
    size_t target_len = strcspn(target, "#");
    size_t start = out->len;
    gt_buf_printf(out, "%s %s", probe.method, *target == '/' ? "" : "/");
    gt_buf_add(out, target, target_len);
    *line = gt_xstrndup(out->data + start, out->len - start);
    gt_buf_adds(out, " HTTP/1.1\r\nHost: ");
    gt_buf_add(out, host, host_len);
    gt_buf_adds(out, "\r\n");
    for (size_t i = 0; i < probe.n_headers; i++)
      if (!framing_header(probe.headers[i].name))
        add_line(out, probe.headers[i].name, probe.headers[i].value);
    gt_buf_adds(out, "Connection: close\r\n\r\n");
  } else {
    gt_err_set(err, GT_ERR_INPUT, NULL, 0, 0, "%s: cannot parse the liveness URL", c->name);
  }
  gt_http_request_free(&probe);
  return ok;
}

static bool is_wire(gt_fault_id f) {
  return f >= GT_FAULT_WIRE_DUP_CONTENT_LENGTH && f <= GT_FAULT_WIRE_LONG_URI;
}

bool gt_build_raw(const gt_build_ctx *ctx, const gt_case *c, gt_http_request *req, gt_err *err) {
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
  char hidden_path[40];
  smuggled_path(ctx, c, hidden_path);
  gt_buf hidden; /* the smuggled request, when the fault hides one */
  gt_buf_init(&hidden);
  gt_buf_printf(&hidden, "GET %s HTTP/1.1\r\nHost: ", hidden_path);
  gt_buf_add(&hidden, host, host_len);
  gt_buf_adds(&hidden, "\r\n\r\n");
  bool te_cl = c->fault == GT_FAULT_WIRE_CL_TE && c->index == 2;
  const char *note = NULL; /* the framing in words */

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
    /* Two lengths that disagree: the body alone, and the body with a request
     * hidden after it. A server reading the first answers the hidden one. */
    gt_buf_printf(&b, "Content-Length: %zu\r\nContent-Length: %zu\r\n", body_len,
                  body_len + hidden.len);
    gt_buf_add(&payload, body, body_len);
    gt_buf_add(&payload, hidden.data, hidden.len);
    note = "two Content-Length headers: the first covers the body, the second also a request "
           "hidden after it";
    break;
  case GT_FAULT_WIRE_CL_TE:
    if (!te_cl) {
      /* CL.TE: Content-Length covers the chunked body and a request hidden
       * after it; read by Transfer-Encoding, the hidden request is next. */
      chunked(&payload, body, body_len, NULL);
      gt_buf_add(&payload, hidden.data, hidden.len);
      gt_buf_printf(&b, "Content-Length: %zu\r\nTransfer-Encoding: chunked\r\n", payload.len);
      note = "CL.TE: Content-Length covers a chunked body and a request hidden after it";
    } else {
      /* TE.CL: Content-Length covers only the chunk-size line; the chunk is a
       * request whose own Content-Length (7) takes the chunked body's end
       * ("\r\n0\r\n\r\n"): read by Content-Length, it is a request. */
      gt_buf_reset(&hidden);
      gt_buf_printf(&hidden, "POST %s HTTP/1.1\r\nHost: ", hidden_path);
      gt_buf_add(&hidden, host, host_len);
      gt_buf_adds(&hidden, "\r\nContent-Type: text/plain\r\nContent-Length: 7\r\n\r\n");
      gt_buf_printf(&payload, "%zx\r\n", hidden.len);
      size_t size_line = payload.len;
      gt_buf_add(&payload, hidden.data, hidden.len);
      gt_buf_adds(&payload, "\r\n0\r\n\r\n");
      gt_buf_printf(&b, "Content-Length: %zu\r\nTransfer-Encoding: chunked\r\n", size_line);
      note = "TE.CL: Content-Length covers only the chunk-size line; the chunk is a request";
    }
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
  /* A framing fault is sent keep-alive with a well-formed request pipelined
   * behind it (desync detection); the others close after themselves. */
  bool pipeline = is_wire(c->fault);
  gt_buf_adds(&b, pipeline ? "\r\n" : "Connection: close\r\n\r\n");

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
  size_t hidden_line = strcspn(hidden.data, "\r");
  char *hidden_text = gt_xstrndup(hidden.data, hidden_line);
  gt_buf_free(&hidden);
  if (pipeline) {
    req->raw_pipelined_at = b.len;
    char *line = NULL;
    if (!pipelined_bytes(ctx, c, &b, &line, err)) {
      gt_buf_free(&b);
      free(hidden_text);
      return false;
    }
    req->raw_note = note
                        ? gt_xasprintf("%s (`%s`), then `%s` pipelined", note, hidden_text, line)
                        : gt_xasprintf("the faulted request kept alive, then `%s` pipelined", line);
    free(line);
  }
  free(hidden_text);

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
