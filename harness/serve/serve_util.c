/* serve_util.c — small helpers shared by serve/: randomness, time, percent
 * decoding, headers, hashing. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../core/prng.h"
#include "serve_internal.h"

void serve_random_hex(gt_serve *s, char *out, size_t n) {
  static const char hex[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++)
    out[i] = hex[gt_splitmix64(&s->prng) & 15];
  out[n] = '\0';
}

void serve_random_uuid(gt_serve *s, char out[37]) {
  char h[33];
  serve_random_hex(s, h, 32);
  h[12] = '4';                                 /* version 4 */
  h[16] = "89ab"[gt_splitmix64(&s->prng) & 3]; /* RFC 4122 variant */
  snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16, h + 20);
}

double serve_now_mono(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

const char *serve_req_header(const gt_serve_request *r, const char *name) {
  return gt_headers_get(r->headers, r->n_headers, name);
}

void serve_resp_add_header(gt_serve_response *r, const char *name, const char *value) {
  gt_headers_set(&r->headers, &r->n_headers, name, value); /* one value per name: last wins */
}

void gt_serve_response_init(gt_serve_response *r) {
  memset(r, 0, sizeof *r);
  gt_buf_init(&r->body);
}

void gt_serve_response_free(gt_serve_response *r) {
  gt_headers_free(&r->headers, &r->n_headers);
  gt_buf_free(&r->body);
  memset(r, 0, sizeof *r);
}

const char *gt_serve_response_header(const gt_serve_response *r, const char *name) {
  return gt_headers_get(r->headers, r->n_headers, name);
}
