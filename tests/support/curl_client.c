/* curl_client.c — one libcurl request as an API client makes it, for the test
 * clients of serve (targets/client_*.c) and tests that talk to serve. */
#include <ctype.h>
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "support.h"

static size_t on_body(char *b, size_t size, size_t n, void *ud) {
  ts_http_reply *r = ud;
  size_t len = size * n, room = sizeof r->body - 1 - r->len;
  memcpy(r->body + r->len, b, len < room ? len : room);
  r->len += len < room ? len : room;
  r->body[r->len] = '\0';
  return len;
}

/* Copies the value of header `name` (with its colon) from a header line. */
static void header_value(const char *line, size_t len, const char *name, char *out, size_t cap) {
  size_t n = strlen(name);
  if (len <= n || strncasecmp(line, name, n)) return;
  /* The first word after the colon, bounded by len: libcurl's header line is
   * not NUL-terminated. */
  size_t i = n, k = 0;
  while (i < len && (line[i] == ' ' || line[i] == '\t'))
    i++;
  while (i < len && k + 1 < cap && !isspace((unsigned char)line[i]))
    out[k++] = line[i++];
  out[k] = '\0';
}

static size_t on_header(char *b, size_t size, size_t n, void *ud) {
  ts_http_reply *r = ud;
  size_t len = size * n;
  header_value(b, len, "Retry-After:", r->retry_after, sizeof r->retry_after);
  header_value(b, len, "X-RateLimit-Remaining:", r->remaining, sizeof r->remaining);
  size_t have = strlen(r->head), room = sizeof r->head - 1 - have;
  memcpy(r->head + have, b, len < room ? len : room);
  r->head[have + (len < room ? len : room)] = '\0';
  return len;
}

void ts_curl(const ts_http_call *call, ts_http_reply *r) {
  memset(r, 0, sizeof *r);
  CURL *c = curl_easy_init();
  struct curl_slist *h = NULL;
  char line[1024];
  if (call->bearer) {
    snprintf(line, sizeof line, "Authorization: Bearer %s", call->bearer);
    h = curl_slist_append(h, line);
  }
  if (call->content_type) {
    snprintf(line, sizeof line, "Content-Type: %s", call->content_type);
    h = curl_slist_append(h, line);
  }
  for (size_t i = 0; call->headers && call->headers[i]; i++)
    h = curl_slist_append(h, call->headers[i]);
  curl_easy_setopt(c, CURLOPT_URL, call->url);
  if (call->method) curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, call->method);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
  if (call->body) curl_easy_setopt(c, CURLOPT_POSTFIELDS, call->body);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
  if (call->cacert) curl_easy_setopt(c, CURLOPT_CAINFO, call->cacert);
  r->code = (int)curl_easy_perform(c);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
  curl_easy_getinfo(c, CURLINFO_TOTAL_TIME, &r->total);
  curl_slist_free_all(h);
  curl_easy_cleanup(c);
}
