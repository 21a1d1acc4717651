/* serve_util.c — small helpers shared by serve/: randomness, time, percent
 * decoding, headers, hashing. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "serve_internal.h"

/* splitmix64: small, seedable, good enough for ids and injection draws. */
uint64_t serve_rand(gt_serve *s) {
  uint64_t z = (s->prng += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void serve_random_hex(gt_serve *s, char *out, size_t n) {
  static const char hex[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++)
    out[i] = hex[serve_rand(s) & 15];
  out[n] = '\0';
}

void serve_random_uuid(gt_serve *s, char out[37]) {
  char h[33];
  serve_random_hex(s, h, 32);
  h[12] = '4';                       /* version 4 */
  h[16] = "89ab"[serve_rand(s) & 3]; /* RFC 4122 variant */
  snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16, h + 20);
}

double serve_now_mono(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool serve_percent_decode(const char *s, size_t len, gt_buf *out) {
  bool ok = true;
  for (size_t i = 0; i < len; i++) {
    if (s[i] == '%') {
      int a = i + 1 < len ? hexval(s[i + 1]) : -1;
      int b = i + 2 < len ? hexval(s[i + 2]) : -1;
      if (a < 0 || b < 0) {
        ok = false; /* keep the text as is, the caller decides */
        gt_buf_addc(out, s[i]);
        continue;
      }
      gt_buf_addc(out, (char)(a * 16 + b));
      i += 2;
    } else {
      gt_buf_addc(out, s[i]);
    }
  }
  if (!out->data) gt_buf_adds(out, "");
  return ok;
}

const char *serve_req_header(const gt_serve_request *r, const char *name) {
  for (size_t i = 0; i < r->n_headers; i++)
    if (!strcasecmp(r->headers[i].name, name)) return r->headers[i].value;
  return NULL;
}

void serve_resp_add_header(gt_serve_response *r, const char *name, const char *value) {
  for (size_t i = 0; i < r->n_headers; i++) {
    if (!strcasecmp(r->headers[i].name, name)) { /* one value per name: last wins */
      free(r->headers[i].value);
      r->headers[i].value = gt_xstrdup(value);
      return;
    }
  }
  r->headers = gt_xrealloc(r->headers, (r->n_headers + 1) * sizeof *r->headers);
  r->headers[r->n_headers].name = gt_xstrdup(name);
  r->headers[r->n_headers].value = gt_xstrdup(value);
  r->n_headers++;
}

uint64_t serve_hash(const char *data, size_t len) {
  uint64_t h = 1469598103934665603ULL; /* FNV-1a */
  for (size_t i = 0; i < len; i++)
    h = (h ^ (unsigned char)data[i]) * 1099511628211ULL;
  return h;
}

void gt_serve_response_init(gt_serve_response *r) {
  memset(r, 0, sizeof *r);
  gt_buf_init(&r->body);
}

void gt_serve_response_free(gt_serve_response *r) {
  for (size_t i = 0; i < r->n_headers; i++) {
    free(r->headers[i].name);
    free(r->headers[i].value);
  }
  free(r->headers);
  gt_buf_free(&r->body);
  memset(r, 0, sizeof *r);
}

const char *gt_serve_response_header(const gt_serve_response *r, const char *name) {
  for (size_t i = 0; i < r->n_headers; i++)
    if (!strcasecmp(r->headers[i].name, name)) return r->headers[i].value;
  return NULL;
}

bool serve_parse_duration(const char *text, long *ms) {
  char *end;
  double v = strtod(text, &end);
  if (end == text || v < 0) return false;
  double mult;
  if (!strcmp(end, "ms"))
    mult = 1;
  else if (!strcmp(end, "s") || !*end)
    mult = 1000;
  else if (!strcmp(end, "m"))
    mult = 60000;
  else
    return false;
  if (v * mult > 3600000.0) return false; /* an hour is already absurd for a test */
  *ms = (long)(v * mult);
  return true;
}
