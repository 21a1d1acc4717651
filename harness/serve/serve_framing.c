/* serve_framing.c — strict HTTP/1.1 request-head framing (RFC 9112), checked
 * on the bytes serve peeks before libmicrohttpd reads them. libmicrohttpd
 * 0.9.75 is lenient where a front proxy may read the same bytes otherwise
 * (bare LF, obs-fold, NUL, doubled Content-Length, CL with TE): a conformant
 * target refuses those instead of guessing. Pure: no sockets, no state. */
#include <string.h>
#include <strings.h>

#include "serve.h"

static bool is_tchar(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* field-vchar / SP / HTAB / obs-text: every byte but the CTLs and DEL. */
static bool is_value_byte(unsigned char c) {
  return c == '\t' || (c >= 0x20 && c != 0x7f);
}

static gt_framing_verdict bad(gt_framing_result *r, int status, gt_fault_id fault,
                              const char *reason) {
  r->status = status;
  r->fault = fault;
  r->reason = reason;
  return GT_FRAMING_BAD;
}

/* Finds the end of the line starting at p: *eol is the LF, *content_len the
 * bytes before the CRLF. Returns 0 when no LF yet, -1 for a bare LF or a CR
 * inside the line, 1 for a line ending CRLF. */
static int take_line(const char *p, const char *end, const char **eol, size_t *content_len) {
  const char *lf = memchr(p, '\n', (size_t)(end - p));
  const char *cr = memchr(p, '\r', (size_t)((lf ? lf : end) - p));
  if (cr && cr + 1 < end && cr[1] != '\n') return -1; /* a CR alone */
  if (!lf) return 0;
  if (lf == p || lf[-1] != '\r') return -1; /* a LF alone */
  if (cr != lf - 1) return -1;              /* a CR earlier in the line */
  *eol = lf;
  *content_len = (size_t)(lf - 1 - p);
  return 1;
}

static gt_framing_verdict check_request_line(const char *p, size_t n, int *minor,
                                             gt_framing_result *r) {
  const char *end = p + n, *q = p;
  while (q < end && is_tchar((unsigned char)*q))
    q++;
  if (q == p || q == end || *q != ' ')
    return bad(r, 400, GT_FAULT_WIRE_BARE_LF, "malformed request line (method)");
  const char *t = ++q;
  while (q < end && (unsigned char)*q > 0x20 && (unsigned char)*q < 0x7f)
    q++;
  if (q == t || q == end || *q != ' ')
    return bad(r, 400, GT_FAULT_WIRE_BARE_LF, "malformed request line (target)");
  q++;
  if (end - q != 8 || memcmp(q, "HTTP/", 5) || q[5] < '0' || q[5] > '9' || q[6] != '.' ||
      q[7] < '0' || q[7] > '9')
    return bad(r, 400, GT_FAULT_WIRE_BARE_LF, "malformed request line (version)");
  if (q[5] != '1') return bad(r, 505, GT_FAULT_WIRE_BARE_LF, "HTTP version not supported");
  *minor = q[7] - '0';
  return GT_FRAMING_OK;
}

/* OWS-trimmed value of a field line "name:value" (name_len bytes of name). */
static void field_value(const char *line, size_t n, size_t name_len, const char **v, size_t *vl) {
  const char *a = line + name_len + 1, *b = line + n;
  while (a < b && (*a == ' ' || *a == '\t'))
    a++;
  while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
    b--;
  *v = a;
  *vl = (size_t)(b - a);
}

static bool named(const char *line, size_t name_len, const char *name) {
  return name_len == strlen(name) && !strncasecmp(line, name, name_len);
}

gt_framing_verdict gt_serve_framing_check(const char *data, size_t len, gt_framing_result *r) {
  memset(r, 0, sizeof *r);
  const char *p = data, *end = data + len;
  /* RFC 9112 §2.2: empty lines before the request-line are ignored (bounded
   * by len: each step consumes two bytes). */
  while (end - p >= 2 && p[0] == '\r' && p[1] == '\n')
    p += 2;
  const char *eol;
  size_t n;
  int got = take_line(p, end, &eol, &n);
  if (got < 0) return bad(r, 400, GT_FAULT_WIRE_BARE_LF, "a line not ended by CRLF");
  if (got == 0) {
    if ((size_t)(end - p) > GT_SERVE_REQUEST_LINE_MAX)
      return bad(r, 414, GT_FAULT_WIRE_LONG_URI, "request line too long");
    return GT_FRAMING_MORE;
  }
  if (n > GT_SERVE_REQUEST_LINE_MAX)
    return bad(r, 414, GT_FAULT_WIRE_LONG_URI, "request line too long");
  int minor = 1;
  if (check_request_line(p, n, &minor, r) == GT_FRAMING_BAD) return GT_FRAMING_BAD;

  const char *fields = eol + 1;
  int content_length = 0, transfer_encoding = 0, host = 0;
  bool te_chunked = true;
  p = fields;
  for (;;) { /* bounded: every turn consumes one line of the finite input */
    got = take_line(p, end, &eol, &n);
    if (got < 0) return bad(r, 400, GT_FAULT_WIRE_BARE_LF, "a line not ended by CRLF");
    if (got == 0) {
      if ((size_t)(end - fields) > GT_SERVE_HEADER_BLOCK_MAX)
        return bad(r, 431, GT_FAULT_WIRE_HUGE_HEADER, "request header fields too large");
      return GT_FRAMING_MORE;
    }
    if ((size_t)(eol + 1 - fields) > GT_SERVE_HEADER_BLOCK_MAX)
      return bad(r, 431, GT_FAULT_WIRE_HUGE_HEADER, "request header fields too large");
    if (n == 0) break; /* the empty line: end of the head */
    if (*p == ' ' || *p == '\t')
      return bad(r, 400, GT_FAULT_WIRE_OBS_FOLD, "obsolete line folding (obs-fold)");
    size_t name_len = 0;
    while (name_len < n && is_tchar((unsigned char)p[name_len]))
      name_len++;
    if (name_len == n || p[name_len] != ':' || name_len == 0) {
      if (memchr(p, '\0', n))
        return bad(r, 400, GT_FAULT_WIRE_NUL_HEADER, "a NUL byte in a header");
      return bad(r, 400, GT_FAULT_WIRE_OBS_FOLD, "malformed header field name");
    }
    for (size_t i = name_len + 1; i < n; i++)
      if (!is_value_byte((unsigned char)p[i]))
        return bad(r, 400, GT_FAULT_WIRE_NUL_HEADER,
                   p[i] ? "a control character in a header value" : "a NUL byte in a header");
    const char *v;
    size_t vl;
    field_value(p, n, name_len, &v, &vl);
    if (named(p, name_len, "Content-Length")) {
      if (content_length++)
        return bad(r, 400, GT_FAULT_WIRE_DUP_CONTENT_LENGTH, "Content-Length given twice");
      if (vl == 0 || vl > 18 || strspn(v, "0123456789") < vl)
        return bad(r, 400, GT_FAULT_WIRE_DUP_CONTENT_LENGTH, "Content-Length is not a number");
    } else if (named(p, name_len, "Transfer-Encoding")) {
      transfer_encoding++;
      te_chunked = te_chunked && vl == 7 && !strncasecmp(v, "chunked", 7);
    } else if (named(p, name_len, "Host")) {
      host++;
    }
    p = eol + 1;
  }
  r->head_len = (size_t)(eol + 1 - data);
  if (content_length && transfer_encoding)
    return bad(r, 400, GT_FAULT_WIRE_CL_TE, "Content-Length together with Transfer-Encoding");
  if (transfer_encoding && minor == 0)
    return bad(r, 400, GT_FAULT_WIRE_CL_TE, "Transfer-Encoding in an HTTP/1.0 request");
  if (transfer_encoding > 1)
    return bad(r, 400, GT_FAULT_WIRE_CL_TE, "Transfer-Encoding given twice");
  if (transfer_encoding && !te_chunked)
    return bad(r, 501, GT_FAULT_WIRE_CL_TE, "a transfer coding other than chunked");
  if (minor >= 1 && host != 1)
    return bad(r, 400, GT_FAULT_WIRE_DUP_CONTENT_LENGTH,
               host ? "Host given twice" : "no Host header in an HTTP/1.1 request");
  r->chunked = transfer_encoding > 0;
  return GT_FRAMING_OK;
}
