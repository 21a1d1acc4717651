/* serve_har.c — `--har FILE`: every exchange serve saw, as HAR 1.2 (the
 * HTTP Archive format browsers' devtools and HAR viewers open), redacted
 * like the report (serve_record.c).
 *
 * Streamed: the document's head is written when serve starts, each entry as
 * its answer is decided, the tail at the end; the file is "<path>.tmp.<pid>"
 * until then and renamed into place, so a reader never sees half a HAR.
 * Entries are in the order answers were decided. Bodies are kept up to
 * HAR_BODY_CAP bytes (content.size / bodySize still say the full size); a
 * body that is not UTF-8 is stored base64 (content.encoding). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "../check/check.h"
#include "../core/base64.h"
#include "../report/report.h"
#include "serve_internal.h"

#define HAR_BODY_CAP (64 * 1024)

struct serve_har {
  FILE *f; /* file.fp */
  gt_report_file file;
  size_t entries;
};

serve_har *serve_har_open(const char *path, gt_err *err) {
  serve_har *h = gt_xcalloc(1, sizeof *h);
  if (!gt_report_file_open(&h->file, path, err)) {
    free(h);
    return NULL;
  }
  h->f = h->file.fp;
  fprintf(
      h->f,
      "{\"log\":{\"version\":\"1.2\",\"creator\":{\"name\":\"gauntlet serve\",\"version\":\"%s\"},"
      "\"pages\":[],\"entries\":[",
      GAUNTLET_VERSION);
  return h;
}

static void add_pair(cJSON *arr, const char *name, const char *value) {
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "name", name);
  cJSON_AddStringToObject(o, "value", value);
  cJSON_AddItemToArray(arr, o);
}

static cJSON *headers_json(const gt_serve *s, const gt_header *h, size_t n) {
  cJSON *arr = cJSON_CreateArray();
  for (size_t i = 0; i < n; i++) {
    char *v = serve_redact_header(s, h[i].name, h[i].value);
    add_pair(arr, h[i].name, v);
    free(v);
  }
  return arr;
}

/* Text (redacted, capped) of a body into obj under "text" (+ "encoding"). */
static void body_text(const gt_serve *s, cJSON *obj, const char *body, size_t len) {
  size_t keep = len < HAR_BODY_CAP ? len : HAR_BODY_CAP;
  if (gt_utf8_valid(body, keep)) {
    gt_buf r;
    gt_buf_init(&r);
    serve_redact_text(s, body, keep, &r);
    cJSON_AddStringToObject(obj, "text", r.data ? r.data : "");
    gt_buf_free(&r);
  } else {
    gt_buf b;
    gt_buf_init(&b);
    gt_base64_encode(&b, body, keep);
    cJSON_AddStringToObject(obj, "text", b.data ? b.data : "");
    cJSON_AddStringToObject(obj, "encoding", "base64");
    gt_buf_free(&b);
  }
  if (keep < len) cJSON_AddStringToObject(obj, "comment", "body truncated by gauntlet serve");
}

static const char *header_of(const gt_header *h, size_t n, const char *name) {
  for (size_t i = 0; i < n; i++)
    if (!strcasecmp(h[i].name, name)) return h[i].value;
  return NULL;
}

static cJSON *request_json(const gt_serve *s, const gt_serve_request *req) {
  cJSON *r = cJSON_CreateObject();
  cJSON_AddStringToObject(r, "method", req->method);
  const char *host = header_of(req->headers, req->n_headers, "Host");
  char *target = serve_redact_target(s, req->target);
  char *url =
      gt_xasprintf("%s://%s%s", req->tls ? "https" : "http", host ? host : "localhost", target);
  cJSON_AddStringToObject(r, "url", url);
  free(url);
  cJSON_AddStringToObject(r, "httpVersion", "HTTP/1.1");
  cJSON_AddItemToObject(r, "cookies", cJSON_CreateArray());
  cJSON_AddItemToObject(r, "headers", headers_json(s, req->headers, req->n_headers));
  cJSON *qs = cJSON_CreateArray();
  const char *q = strchr(target, '?');
  for (q = q ? q + 1 : ""; *q;) { /* names and values as sent (still percent-encoded) */
    size_t n = strcspn(q, "&"), eq = strcspn(q, "=");
    if (eq > n) eq = n;
    char *name = gt_xstrndup(q, eq);
    char *value = gt_xstrndup(eq < n ? q + eq + 1 : "", eq < n ? n - eq - 1 : 0);
    if (n) add_pair(qs, name, value);
    free(name), free(value);
    q += n;
    if (*q == '&') q++;
  }
  free(target);
  cJSON_AddItemToObject(r, "queryString", qs);
  if (req->body_len) {
    cJSON *pd = cJSON_CreateObject();
    const char *ct = header_of(req->headers, req->n_headers, "Content-Type");
    cJSON_AddStringToObject(pd, "mimeType", ct ? ct : "");
    body_text(s, pd, req->body, req->body_len);
    cJSON_AddItemToObject(r, "postData", pd);
  }
  cJSON_AddNumberToObject(r, "headersSize", -1);
  cJSON_AddNumberToObject(r, "bodySize", (double)req->body_total);
  return r;
}

static cJSON *response_json(const gt_serve *s, const gt_serve_response *resp) {
  cJSON *r = cJSON_CreateObject();
  bool reset = resp->action == GT_SERVE_RESET;
  cJSON_AddNumberToObject(r, "status", reset ? 0 : resp->status);
  cJSON_AddStringToObject(r, "statusText", reset ? "" : serve_reason_phrase(resp->status));
  cJSON_AddStringToObject(r, "httpVersion", reset ? "" : "HTTP/1.1");
  cJSON_AddItemToObject(r, "cookies", cJSON_CreateArray());
  cJSON *hs = reset ? cJSON_CreateArray() : headers_json(s, resp->headers, resp->n_headers);
  if (!reset) {
    char len[32];
    snprintf(len, sizeof len, "%zu", resp->body.len + (resp->action == GT_SERVE_TRUNCATE ? 64 : 0));
    add_pair(hs, "Content-Length", len);
  }
  cJSON_AddItemToObject(r, "headers", hs);
  cJSON *content = cJSON_CreateObject();
  cJSON_AddNumberToObject(content, "size", (double)resp->body.len);
  const char *ct = header_of(resp->headers, resp->n_headers, "Content-Type");
  cJSON_AddStringToObject(content, "mimeType", ct ? ct : "");
  if (!reset && resp->body.len) body_text(s, content, resp->body.data, resp->body.len);
  cJSON_AddItemToObject(r, "content", content);
  cJSON_AddStringToObject(r, "redirectURL", "");
  cJSON_AddNumberToObject(r, "headersSize", -1);
  cJSON_AddNumberToObject(r, "bodySize", reset ? -1 : (double)resp->body.len);
  if (reset) cJSON_AddStringToObject(r, "_error", "connection closed without an answer");
  if (resp->action == GT_SERVE_TRUNCATE)
    cJSON_AddStringToObject(r, "_error", "body shorter than Content-Length, then closed");
  return r;
}

char *serve_har_entry(const gt_serve *s, const serve_audit *a, const gt_serve_request *req,
                      const gt_serve_response *resp) {
  /* the wall-clock start: now, minus how long ago (monotonic) it arrived */
  struct timespec wall;
  clock_gettime(CLOCK_REALTIME, &wall);
  double ago = serve_now_mono() - a->t_in;
  double start = (double)wall.tv_sec + (double)wall.tv_nsec / 1e9 - (ago > 0 ? ago : 0);
  time_t secs = (time_t)start;
  struct tm tm;
  gmtime_r(&secs, &tm);
  char when[48];
  size_t n = strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(when + n, sizeof when - n, ".%03dZ", (int)((start - (double)secs) * 1000.0) % 1000);
  double ms = (a->t_out - a->t_in) * 1000.0;
  if (ms < 0) ms = 0;

  cJSON *e = cJSON_CreateObject();
  cJSON_AddStringToObject(e, "startedDateTime", when);
  cJSON_AddNumberToObject(e, "time", ms);
  cJSON_AddItemToObject(e, "request", request_json(s, req));
  cJSON_AddItemToObject(e, "response", response_json(s, resp));
  cJSON_AddItemToObject(e, "cache", cJSON_CreateObject());
  cJSON *t = cJSON_CreateObject();
  cJSON_AddNumberToObject(t, "send", 0);
  cJSON_AddNumberToObject(t, "wait", ms);
  cJSON_AddNumberToObject(t, "receive", 0);
  cJSON_AddItemToObject(e, "timings", t);
  if (a->inject) cJSON_AddStringToObject(e, "_injected", a->inject->text);
  char *text = cJSON_PrintUnformatted(e);
  cJSON_Delete(e);
  if (!text) gt_oom();
  return text;
}

bool serve_har_write(serve_har *h, const char *entry) {
  if (h->entries++) fputc(',', h->f);
  fputc('\n', h->f);
  fputs(entry, h->f);
  return !ferror(h->f);
}

bool serve_har_close(serve_har *h, gt_err *err) {
  if (!h) return true;
  fputs("\n]}}\n", h->f);
  bool ok = gt_report_file_commit(&h->file, err);
  free(h);
  return ok;
}

void serve_har_abort(serve_har *h) {
  if (!h) return;
  gt_report_file_discard(&h->file);
  free(h);
}
