/* raw_parse.c — an incremental HTTP/1.x response parser for raw mode.
 *
 * libcurl cannot be used to read the answer to hand-made bytes, so this parses
 * the byte stream itself: the first final response goes into the caller's
 * gt_http_response (body capped like normal transfers); every further response
 * on the same stream is parsed only to be counted (a second response to one
 * request means the server saw two requests: smuggling). */
#include "http_internal.h"

#include "../core/hex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A header line longer than this is not a response we want to buffer. */
#define MAX_LINE (1024 * 1024)

enum state {
  S_STATUS,
  S_HEADERS,
  S_BODY_LENGTH,
  S_BODY_CLOSE,
  S_CHUNK_SIZE,
  S_CHUNK_DATA,
  S_CHUNK_END,
  S_TRAILERS,
  S_STOP, /* malformed, or garbage after the first response: ignore the rest */
};

struct gt_http_raw_parser {
  gt_http_response *resp;   /* the caller's; receives the first response */
  gt_http_response scratch; /* later responses, parsed only to be counted; owned */
  size_t cap;
  bool head_request;
  enum state st;
  bool first_done;
  bool malformed;
  unsigned long long remaining; /* body or chunk bytes left */
  gt_buf in;                    /* unconsumed input; owned */
  char status_line[64];         /* of the response being parsed */
  size_t pos;
};

static gt_http_response *cur(gt_http_raw_parser *p) {
  return p->first_done ? &p->scratch : p->resp;
}

gt_http_raw_parser *gt_http_raw_parser_new(gt_http_response *resp, size_t body_cap,
                                           bool head_request) {
  gt_http_raw_parser *p = gt_xcalloc(1, sizeof *p);
  p->resp = resp;
  p->cap = body_cap;
  p->head_request = head_request;
  p->st = S_STATUS;
  gt_buf_init(&p->in);
  return p;
}

void gt_http_raw_parser_free(gt_http_raw_parser *p) {
  if (!p) return;
  gt_http_response_free(&p->scratch);
  gt_buf_free(&p->in);
  free(p);
}

bool gt_http_raw_parser_has_status(const gt_http_raw_parser *p) {
  return p->resp->status > 0;
}
bool gt_http_raw_parser_first_done(const gt_http_raw_parser *p) {
  return p->first_done;
}
bool gt_http_raw_parser_malformed(const gt_http_raw_parser *p) {
  return p->malformed;
}

static void stop(gt_http_raw_parser *p) {
  /* Garbage after a complete first response is not our business; before it,
   * the answer is malformed. */
  if (!p->first_done) p->malformed = true;
  p->st = S_STOP;
}

static void response_complete(gt_http_raw_parser *p) {
  if (!p->first_done) {
    p->first_done = true;
  }
  gt_http_response_free(&p->scratch);
  p->st = S_STATUS;
}

/* The last Transfer-Encoding coding is chunked (RFC 9112 §6.3). */
static bool is_chunked(const gt_http_response *r) {
  const char *last = NULL;
  for (size_t i = 0; i < r->n_headers; i++)
    if (strcasecmp(r->headers[i].name, "Transfer-Encoding") == 0) last = r->headers[i].value;
  if (!last) return false;
  const char *comma = strrchr(last, ',');
  const char *tok = comma ? comma + 1 : last;
  while (*tok == ' ' || *tok == '\t')
    tok++;
  return strncasecmp(tok, "chunked", 7) == 0;
}

static bool content_length(const gt_http_response *r, unsigned long long *out) {
  const char *v = gt_http_response_header(r, "Content-Length");
  if (!v) return false;
  unsigned long long n = 0;
  int digits = 0;
  for (; *v >= '0' && *v <= '9' && digits < 19; v++, digits++)
    n = n * 10 + (unsigned)(*v - '0');
  while (*v == ' ' || *v == '\t')
    v++;
  if (digits == 0 || *v) return false;
  *out = n;
  return true;
}

static void headers_end(gt_http_raw_parser *p) {
  gt_http_response *r = cur(p);
  if (r->status >= 100 && r->status < 200) { /* interim: the final one follows */
    p->st = S_STATUS;
    return;
  }
  if (p->first_done) p->resp->extra_responses++;
  gt_http_response *to = p->resp;
  if (to->n_answers < GT_HTTP_MAX_ANSWERS) {
    to->answers[to->n_answers].status = r->status;
    snprintf(to->answers[to->n_answers].line, sizeof to->answers[0].line, "%s", p->status_line);
  }
  to->n_answers++;
  bool no_body = r->status == 204 || r->status == 304 || (!p->first_done && p->head_request);
  unsigned long long n;
  if (no_body) {
    response_complete(p);
  } else if (is_chunked(r)) {
    p->st = S_CHUNK_SIZE;
  } else if (content_length(r, &n)) {
    p->remaining = n;
    if (n == 0)
      response_complete(p);
    else
      p->st = S_BODY_LENGTH;
  } else {
    p->st = S_BODY_CLOSE;
  }
}

static void body(gt_http_raw_parser *p, const char *d, size_t n) {
  if (!p->first_done) gt_http_response_add_body(p->resp, p->cap, d, n);
}

static void on_line(gt_http_raw_parser *p, const char *line, size_t len) {
  size_t l = len;
  while (l > 0 && (line[l - 1] == '\n' || line[l - 1] == '\r'))
    l--;
  switch (p->st) {
  case S_STATUS:
    if (l == 0) return; /* tolerate stray blank lines between responses */
    if (l < 7 || memcmp(line, "HTTP/1.", 7) != 0) return stop(p);
    if (p->first_done) gt_http_response_free(&p->scratch);
    gt_http_response_header_line(cur(p), line, l);
    /* kept for the list of answers: printable bytes only */
    size_t k = 0;
    for (; k < l && k + 1 < sizeof p->status_line; k++)
      p->status_line[k] = line[k] >= 0x20 && line[k] < 0x7f ? line[k] : '?';
    p->status_line[k] = '\0';
    p->st = S_HEADERS;
    return;
  case S_HEADERS:
    if (l == 0) return headers_end(p);
    gt_http_response_header_line(cur(p), line, l); /* a line without ':' is ignored */
    return;
  case S_CHUNK_SIZE: {
    unsigned long long n = 0;
    size_t i = 0;
    for (; i < l && i < 16; i++) {
      int v = gt_hex_digit((unsigned char)line[i]);
      if (v < 0) break;
      n = n * 16 + (unsigned)v;
    }
    if (i == 0 || (i < l && line[i] != ';' && line[i] != ' ' && line[i] != '\t')) return stop(p);
    if (n == 0) {
      p->st = S_TRAILERS;
    } else {
      p->remaining = n;
      p->st = S_CHUNK_DATA;
    }
    return;
  }
  case S_CHUNK_END:
    if (l != 0) return stop(p);
    p->st = S_CHUNK_SIZE;
    return;
  case S_TRAILERS:
    if (l == 0) response_complete(p);
    return;
  default:
    return;
  }
}

static bool line_state(enum state st) {
  return st == S_STATUS || st == S_HEADERS || st == S_CHUNK_SIZE || st == S_CHUNK_END ||
         st == S_TRAILERS;
}

void gt_http_raw_parser_feed(gt_http_raw_parser *p, const char *data, size_t n) {
  if (p->st == S_STOP) return;
  gt_buf_add(&p->in, data, n);
  for (;;) {
    const char *buf = p->in.data + p->pos;
    size_t avail = p->in.len - p->pos;
    if (avail == 0 || p->st == S_STOP) break;
    if (line_state(p->st)) {
      const char *nl = memchr(buf, '\n', avail);
      if (!nl) {
        if (avail > MAX_LINE) stop(p);
        break;
      }
      size_t len = (size_t)(nl - buf) + 1;
      p->pos += len;
      on_line(p, buf, len);
    } else if (p->st == S_BODY_CLOSE) {
      body(p, buf, avail);
      p->pos += avail;
    } else { /* S_BODY_LENGTH, S_CHUNK_DATA */
      size_t take = avail < p->remaining ? avail : (size_t)p->remaining;
      body(p, buf, take);
      p->pos += take;
      p->remaining -= take;
      if (p->remaining == 0) {
        if (p->st == S_CHUNK_DATA)
          p->st = S_CHUNK_END;
        else
          response_complete(p);
      }
    }
  }
  /* Compact so the buffer holds only the unconsumed tail. */
  if (p->pos > 0) {
    memmove(p->in.data, p->in.data + p->pos, p->in.len - p->pos);
    p->in.len -= p->pos;
    p->in.data[p->in.len] = 0;
    p->pos = 0;
  }
}

void gt_http_raw_parser_eof(gt_http_raw_parser *p) {
  if (p->st == S_BODY_CLOSE) response_complete(p);
}
