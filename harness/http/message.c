/* message.c — request/response value helpers: freeing, header lists, URL encoding. */
#include "http.h"
#include "http_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void gt_http_request_free(gt_http_request *r) {
  if (!r) return;
  free(r->method);
  free(r->url);
  gt_headers_free(&r->headers, &r->n_headers);
  free(r->body);
  free(r->raw);
  free(r->raw_note);
  memset(r, 0, sizeof *r);
}

void gt_http_request_add_header(gt_http_request *r, const char *name, const char *value) {
  gt_headers_add(&r->headers, &r->n_headers, name, value);
}

size_t gt_http_request_remove_header(gt_http_request *r, const char *name) {
  return gt_headers_remove(&r->headers, &r->n_headers, name);
}

const char *gt_http_request_header(const gt_http_request *r, const char *name) {
  return gt_headers_get(r->headers, r->n_headers, name);
}

void gt_http_response_free(gt_http_response *r) {
  if (!r) return;
  free(r->http_version);
  gt_headers_free(&r->headers, &r->n_headers);
  gt_buf_free(&r->body);
  memset(r, 0, sizeof *r);
}

const char *gt_http_response_header(const gt_http_response *r, const char *name) {
  return gt_headers_get(r->headers, r->n_headers, name);
}

void gt_http_response_add_header(gt_http_response *r, const char *name, size_t name_len,
                                 const char *value, size_t value_len) {
  gt_headers_addn(&r->headers, &r->n_headers, name, name_len, value, value_len);
}

void gt_http_response_clear_headers(gt_http_response *r) {
  gt_headers_free(&r->headers, &r->n_headers);
}

void gt_http_response_add_body(gt_http_response *r, size_t cap, const char *data, size_t n) {
  if (r->body.len < cap) {
    size_t keep = cap - r->body.len;
    gt_buf_add(&r->body, data, n < keep ? n : keep);
  }
  r->body_total += n;
  if (r->body_total > cap) r->body_truncated = true;
}

void gt_url_encode(gt_buf *out, const char *s, size_t len) {
  static const char hex[] = "0123456789ABCDEF";
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      gt_buf_addc(out, (char)c);
    } else {
      char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
      gt_buf_add(out, esc, 3);
    }
  }
  if (!out->data) gt_buf_add(out, "", 0);
}
