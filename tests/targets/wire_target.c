/* wire_target.c — a keep-alive HTTP/1.1 JSON API on raw sockets (and TLS
 * with GnuTLS) whose request framing is configurable: the targets of the
 * transport-fault and desync tests (tests/integration/test_run_desync.c). It
 * never uses the gauntlet library: it must stay an independent judge.
 *
 * Usage:
 *   wire_target --port P [--tls-cert F --tls-key F] [--framing MODE]
 *               [--bearer TOKEN | --basic USER:PASS [--basic-check password] |
 *                --query-auth USER:PASS]
 *               [--max-body N] [--log FILE]
 *
 * Framing modes (how the head and body of a request are read):
 *   strict        conformant and strict: bare LF, obs-fold, NUL in the head,
 *                 a head over 16 KiB (431), a request line over 8 KiB (414),
 *                 two Content-Length, Content-Length with Transfer-Encoding and
 *                 a bad chunk size are refused with `Connection: close`, then
 *                 the connection is closed
 *   lenient       conformant and lenient (RFC 9112 latitude): a bare LF ends a
 *                 line, obs-fold is unfolded, a NUL becomes SP, any head size
 *                 is read, CL+TE is read by Transfer-Encoding and the
 *                 connection closed after the answer, the body of a GET/HEAD
 *                 is never read (and the connection closed after the answer);
 *                 two different Content-Length: 400 and close (a MUST)
 *   te-keepalive  smuggling-prone: lenient, but CL+TE is read by chunked and
 *                 the connection kept, two Content-Length use the first, and a
 *                 GET body left unread is read as the next request
 *   cl-keepalive  smuggling-prone: as te-keepalive but CL+TE is read by
 *                 Content-Length (Transfer-Encoding ignored)
 *   te-idle       lenient, but after answering a CL+TE request it keeps the
 *                 connection open and reads nothing more (until its deadline)
 *
 * Endpoints (JSON; errors {"error": {"code": N, "message": "..."}}):
 *   GET    /v1                 {"service": "wire_target"}
 *   GET    /v1/health          {"ok": true}
 *   GET    /v1/status/NNN      that status (error shape for >= 400)
 *   GET    /v1/series          three JSON documents, one per line (NDJSON, as InfluxDB's
 *                              chunked=true); ?broken=true: the third cut short;
 *                              ?wrong=true: the third is {"error": "partial"}
 *   POST   /v1/keys            {"key": str, "value": str}: unknown fields are dropped
 *                              (as etcd does); no key -> 400 "key is not provided";
 *                              a body over --max-body -> 413 (no limit without it);
 *                              201 {"key", "value"}
 *   GET    /v1/keys/{key}      200 {"key", "value"}, 404 unknown
 *   DELETE /v1/keys/{key}      200 {"deleted": "1"}, 404 unknown
 *   anything else              404
 * Every request needs the credential when --bearer/--basic is given (401
 * otherwise). --basic-check password: the user is not checked (a defect).
 * --query-auth USER:PASS: the credential is ?u=USER&p=PASS (InfluxDB 1.x);
 * an Authorization header does not replace it.
 * --log FILE: one line per request answered, "METHOD TARGET STATUS". */
#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <gnutls/gnutls.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum framing { STRICT, LENIENT, TE_KEEPALIVE, CL_KEEPALIVE, TE_IDLE };

static struct {
  int port;
  enum framing framing;
  const char *bearer, *basic, *query_auth;
  bool basic_password_only;
  size_t max_body;
  const char *log;
  const char *cert, *key;
} opt;

static volatile sig_atomic_t stop_requested;
static gnutls_certificate_credentials_t creds;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static cJSON *store; /* key -> value */
static FILE *log_file;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- one connection: plain or TLS ---- */

typedef struct conn {
  int fd;
  gnutls_session_t tls; /* NULL: plain */
  char *buf;
  size_t n, cap;
  double deadline; /* idle limit: the connection is closed after it */
} conn;

/* Reads more bytes (false: closed, error or past the deadline). */
static bool conn_more(conn *c) {
  if (c->n + 65536 > c->cap) {
    c->cap = (c->n + 65536) * 2;
    c->buf = realloc(c->buf, c->cap + 1);
    if (!c->buf) return false;
  }
  while (!stop_requested && now_s() < c->deadline) {
    if (!(c->tls && gnutls_record_check_pending(c->tls))) {
      struct pollfd p = {.fd = c->fd, .events = POLLIN};
      if (poll(&p, 1, 100) <= 0) continue;
    }
    ssize_t got = c->tls ? gnutls_record_recv(c->tls, c->buf + c->n, c->cap - c->n)
                         : recv(c->fd, c->buf + c->n, c->cap - c->n, 0);
    if (c->tls && (got == GNUTLS_E_AGAIN || got == GNUTLS_E_INTERRUPTED)) continue;
    if (got <= 0) return false;
    c->n += (size_t)got;
    c->buf[c->n] = '\0';
    return true;
  }
  return false;
}

static void conn_write(conn *c, const char *s, size_t n) {
  while (n) {
    ssize_t w = c->tls ? gnutls_record_send(c->tls, s, n) : send(c->fd, s, n, MSG_NOSIGNAL);
    if (c->tls && (w == GNUTLS_E_AGAIN || w == GNUTLS_E_INTERRUPTED)) continue;
    if (w <= 0) return;
    s += w;
    n -= (size_t)w;
  }
}

/* Drops the first k bytes of the buffer (a request that was read). */
static void conn_consume(conn *c, size_t k) {
  memmove(c->buf, c->buf + k, c->n - k);
  c->n -= k;
  c->buf[c->n] = '\0';
}

/* ---- answers ---- */

static void answer(conn *c, int status, const char *body, bool close_after) {
  const char *reason = status == 200   ? "OK"
                       : status == 201 ? "Created"
                       : status == 400 ? "Bad Request"
                       : status == 401 ? "Unauthorized"
                       : status == 404 ? "Not Found"
                       : status == 413 ? "Content Too Large"
                       : status == 414 ? "URI Too Long"
                       : status == 431 ? "Request Header Fields Too Large"
                                       : "Status";
  char head[512];
  int hl = snprintf(head, sizeof head,
                    "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
                    "%s\r\n",
                    status, reason, strlen(body), close_after ? "Connection: close\r\n" : "");
  conn_write(c, head, (size_t)hl);
  conn_write(c, body, strlen(body));
}

static void answer_error(conn *c, int status, const char *message, bool close_after) {
  char body[512];
  snprintf(body, sizeof body, "{\"error\": {\"code\": %d, \"message\": \"%s\"}}", status, message);
  answer(c, status, body, close_after);
}

/* ---- the application ---- */

typedef struct request {
  char method[16];
  char *target; /* owned */
  char *authorization;
  const char *body;
  size_t body_len;
} request;

static bool b64_equals(const char *b64, const char *plain, bool password_only) {
  static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  char out[512];
  size_t o = 0;
  unsigned acc = 0;
  int bits = 0;
  for (const char *p = b64; *p && *p != '=' && o + 1 < sizeof out; p++) {
    const char *at = strchr(tbl, *p);
    if (!at || !*p) return false;
    acc = (acc << 6) | (unsigned)(at - tbl);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (char)((acc >> bits) & 0xff);
    }
  }
  out[o] = '\0';
  if (!password_only) return strcmp(out, plain) == 0;
  const char *a = strchr(out, ':'), *b = strchr(plain, ':');
  return a && b && strcmp(a, b) == 0;
}

/* The value of query parameter name in target (not decoded: the test
 * credentials are unreserved characters), or NULL. */
static char *query_param(const char *target, const char *name) {
  const char *q = strchr(target, '?');
  size_t nl = strlen(name);
  for (const char *p = q ? q + 1 : NULL; p && *p;) {
    const char *amp = strchr(p, '&');
    size_t len = amp ? (size_t)(amp - p) : strlen(p);
    if (len > nl && !strncmp(p, name, nl) && p[nl] == '=') return strndup(p + nl + 1, len - nl - 1);
    p = amp ? amp + 1 : NULL;
  }
  return NULL;
}

static bool authorized(const request *r) {
  const char *a = r->authorization;
  if (opt.query_auth) {
    char *u = query_param(r->target, "u"), *p = query_param(r->target, "p");
    char *both = u && p ? malloc(strlen(u) + strlen(p) + 2) : NULL;
    if (both) sprintf(both, "%s:%s", u, p);
    bool ok = both && !strcmp(both, opt.query_auth);
    free(u);
    free(p);
    free(both);
    return ok;
  }
  if (opt.bearer) return a && !strncmp(a, "Bearer ", 7) && !strcmp(a + 7, opt.bearer);
  if (opt.basic)
    return a && !strncmp(a, "Basic ", 6) && b64_equals(a + 6, opt.basic, opt.basic_password_only);
  return true;
}

static int app(const request *r, char **body) {
  *body = NULL;
  if (!authorized(r)) return 401;
  char *t = r->target;
  char *q = strchr(t, '?');
  if (!strncmp(t, "/v1/series", 10) && (!t[10] || t[10] == '?')) {
    /* three JSON documents one after another, as InfluxDB's chunked=true;
     * ?broken=true cuts the third short, ?wrong=true makes it an error */
    const char *third = q && strstr(q, "broken=true") ? "{\"results\":[{\"series\":\"cpu\",\"n\":3}"
                        : q && strstr(q, "wrong=true")
                            ? "{\"error\":\"partial\"}"
                            : "{\"results\":[{\"series\":\"cpu\",\"n\":3}]}";
    *body = malloc(256);
    snprintf(*body, 256,
             "{\"results\":[{\"series\":\"cpu\",\"n\":1}]}\n{\"results\":[{\"series\":"
             "\"cpu\",\"n\":2}]}\n%s\n",
             third);
    return 200;
  }
  if (q) *q = '\0';
  if (!strcmp(t, "/v1") && !strcmp(r->method, "GET")) {
    *body = strdup("{\"service\": \"wire_target\"}");
    return 200;
  }
  if (!strcmp(t, "/v1/health") && !strcmp(r->method, "GET")) {
    *body = strdup("{\"ok\": true}");
    return 200;
  }
  if (!strncmp(t, "/v1/status/", 11)) return atoi(t + 11) >= 100 ? atoi(t + 11) : 400;
  if (!strcmp(t, "/v1/keys") && !strcmp(r->method, "POST")) {
    if (opt.max_body && r->body_len > opt.max_body) return 413;
    cJSON *doc = cJSON_ParseWithLength(r->body, r->body_len);
    const cJSON *k = cJSON_GetObjectItemCaseSensitive(doc, "key");
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, "value");
    int st = 400;
    if (cJSON_IsString(k) && k->valuestring[0]) { /* unknown fields dropped */
      pthread_mutex_lock(&mu);
      cJSON_DeleteItemFromObjectCaseSensitive(store, k->valuestring);
      cJSON_AddStringToObject(store, k->valuestring, cJSON_IsString(v) ? v->valuestring : "");
      pthread_mutex_unlock(&mu);
      cJSON *out = cJSON_CreateObject();
      cJSON_AddStringToObject(out, "key", k->valuestring);
      cJSON_AddStringToObject(out, "value", cJSON_IsString(v) ? v->valuestring : "");
      *body = cJSON_PrintUnformatted(out);
      cJSON_Delete(out);
      st = 201;
    }
    cJSON_Delete(doc);
    return st;
  }
  if (!strncmp(t, "/v1/keys/", 9) && t[9]) {
    const char *key = t + 9;
    pthread_mutex_lock(&mu);
    cJSON *v = cJSON_GetObjectItemCaseSensitive(store, key);
    int st = 404;
    if (v && !strcmp(r->method, "GET")) {
      cJSON *out = cJSON_CreateObject();
      cJSON_AddStringToObject(out, "key", key);
      cJSON_AddStringToObject(out, "value", v->valuestring);
      *body = cJSON_PrintUnformatted(out);
      cJSON_Delete(out);
      st = 200;
    } else if (v && !strcmp(r->method, "DELETE")) {
      cJSON_DeleteItemFromObjectCaseSensitive(store, key);
      *body = strdup("{\"deleted\": \"1\"}");
      st = 200;
    }
    pthread_mutex_unlock(&mu);
    return st;
  }
  return 404;
}

static void serve_request(conn *c, request *r, bool close_after) {
  char *target = strdup(r->target);
  char *body = NULL;
  int st = app(r, &body);
  if (body)
    answer(c, st, body, close_after);
  else
    answer_error(c, st,
                 st == 401   ? "unauthorized"
                 : st == 413 ? "body too large"
                 : st == 404 ? "not found"
                 : st == 400 ? "key is not provided"
                             : "status",
                 close_after);
  if (log_file) {
    pthread_mutex_lock(&mu);
    fprintf(log_file, "%s %s %d\n", r->method, target, st);
    fflush(log_file);
    pthread_mutex_unlock(&mu);
  }
  free(body);
  free(target);
}

/* ---- reading one request ---- */

/* What to do after an answer. */
enum next { NEXT_CONTINUE, NEXT_CLOSE, NEXT_IDLE };

static bool lenient_head(void) {
  return opt.framing != STRICT;
}

/* End of the head: CRLF CRLF, or for a lenient reader also LF LF / LF CRLF. */
static char *head_end(conn *c, size_t *head_len) {
  for (size_t i = 0; i + 1 < c->n; i++) {
    if (c->buf[i] != '\n') continue;
    if (c->buf[i + 1] == '\n' && lenient_head()) {
      *head_len = i + 2;
      return c->buf + i;
    }
    if (i + 2 < c->n && c->buf[i + 1] == '\r' && c->buf[i + 2] == '\n' &&
        (i > 0 && c->buf[i - 1] == '\r' ? true : lenient_head())) {
      *head_len = i + 3;
      return c->buf + i;
    }
  }
  return NULL;
}

typedef struct head {
  request req;
  long cl[4];
  int n_cl;
  bool chunked;
  bool close;
  bool expect_continue;
} head;

/* Parses the head (buf[0..len)); 0 or the status that refuses it. */
static int parse_head(conn *c, size_t len, head *h) {
  char *p = c->buf;
  for (size_t i = 0; i < len; i++) {
    if (p[i] == '\0') {
      if (!lenient_head()) return 400;
      p[i] = ' ';
    }
    if (p[i] == '\n' && (i == 0 || p[i - 1] != '\r') && !lenient_head()) return 400;
  }
  char *eol = memchr(p, '\n', len);
  if (!eol) return 400;
  if (eol - p > 8192 && !lenient_head()) return 414;
  if (len > 16384 && !lenient_head()) return 431;
  char *sp1 = memchr(p, ' ', (size_t)(eol - p));
  char *sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1)) : NULL;
  if (!sp1 || !sp2 || sp1 - p >= (long)sizeof h->req.method) return 400;
  memcpy(h->req.method, p, (size_t)(sp1 - p));
  h->req.target = strndup(sp1 + 1, (size_t)(sp2 - sp1 - 1));
  char *line = eol + 1;
  char *end = p + len;
  char *prev_value = NULL;
  while (line < end) {
    char *le = memchr(line, '\n', (size_t)(end - line));
    if (!le) break;
    char *ve = le > line && le[-1] == '\r' ? le - 1 : le;
    if (ve == line) break;               /* the blank line */
    if (*line == ' ' || *line == '\t') { /* obs-fold */
      if (!lenient_head() || !prev_value) return 400;
      line = le + 1;
      continue; /* unfolded: the continuation joins the previous value (ignored here) */
    }
    char *colon = memchr(line, ':', (size_t)(ve - line));
    if (!colon) return 400;
    char *v = colon + 1;
    while (v < ve && (*v == ' ' || *v == '\t'))
      v++;
    size_t nl = (size_t)(colon - line), vl = (size_t)(ve - v);
    if (nl == 14 && !strncasecmp(line, "content-length", 14) && h->n_cl < 4)
      h->cl[h->n_cl++] = strtol(v, NULL, 10);
    else if (nl == 17 && !strncasecmp(line, "transfer-encoding", 17))
      h->chunked = vl >= 7 && !strncasecmp(v + vl - 7, "chunked", 7);
    else if (nl == 10 && !strncasecmp(line, "connection", 10))
      h->close = vl >= 5 && !strncasecmp(v, "close", 5);
    else if (nl == 6 && !strncasecmp(line, "expect", 6))
      h->expect_continue = true;
    else if (nl == 13 && !strncasecmp(line, "authorization", 13)) {
      free(h->req.authorization);
      h->req.authorization = strndup(v, vl);
    }
    prev_value = v;
    line = le + 1;
  }
  return 0;
}

/* Reads a chunked body starting at buf[*pos]; its bytes are gathered in out.
 * 0 when complete (*pos after it), 400 on a bad chunk, -1 when the peer went. */
static int read_chunked(conn *c, size_t *pos, char **out, size_t *out_len) {
  for (int guard = 0; guard < 100000; guard++) {
    char *le;
    while (!(le = memchr(c->buf + *pos, '\n', c->n - *pos)))
      if (!conn_more(c)) return -1;
    char *stop;
    if (!isxdigit((unsigned char)c->buf[*pos])) return 400;
    long size = strtol(c->buf + *pos, &stop, 16);
    if (stop != le && *stop != '\r' && *stop != ';') return 400;
    *pos = (size_t)(le - c->buf) + 1;
    if (size == 0) { /* trailers up to the blank line */
      for (;;) {
        while (!(le = memchr(c->buf + *pos, '\n', c->n - *pos)))
          if (!conn_more(c)) return -1;
        bool blank = le == c->buf + *pos || (le == c->buf + *pos + 1 && c->buf[*pos] == '\r');
        *pos = (size_t)(le - c->buf) + 1;
        if (blank) return 0;
      }
    }
    while (c->n < *pos + (size_t)size + 2)
      if (!conn_more(c)) return -1;
    *out = realloc(*out, *out_len + (size_t)size + 1);
    memcpy(*out + *out_len, c->buf + *pos, (size_t)size);
    *out_len += (size_t)size;
    *pos += (size_t)size;
    if (c->buf[*pos] == '\r') (*pos)++;
    if (c->buf[*pos] != '\n') return 400;
    (*pos)++;
  }
  return 400;
}

static enum next one_request(conn *c) {
  size_t head_len = 0;
  while (!head_end(c, &head_len)) {
    if (c->n > 4 * 1024 * 1024) return NEXT_CLOSE;
    if (!conn_more(c)) return NEXT_CLOSE;
  }
  head h = {0};
  int bad = parse_head(c, head_len, &h);
  if (bad) {
    answer_error(c, bad, "bad request framing", true);
    free(h.req.target);
    free(h.req.authorization);
    return NEXT_CLOSE;
  }
  bool smuggler = opt.framing == TE_KEEPALIVE || opt.framing == CL_KEEPALIVE;
  bool differ = h.n_cl > 1 && h.cl[0] != h.cl[1];
  enum next after = h.close ? NEXT_CLOSE : NEXT_CONTINUE;
  bool use_chunked = h.chunked;
  long cl = h.n_cl ? h.cl[0] : 0;
  int refuse = 0;
  if (differ && !smuggler) refuse = 400; /* RFC 9112 §6.3: MUST 400 and close */
  if (h.chunked && h.n_cl) {
    if (opt.framing == STRICT) refuse = 400;
    if (opt.framing == LENIENT) after = NEXT_CLOSE; /* §6.1: read by TE, then close */
    if (opt.framing == TE_IDLE) after = NEXT_IDLE;
    if (opt.framing == CL_KEEPALIVE) use_chunked = false;
  }
  if (refuse) {
    answer_error(c, refuse, "bad request framing", true);
    free(h.req.target);
    free(h.req.authorization);
    return NEXT_CLOSE;
  }
  size_t pos = head_len;
  char *body = NULL;
  size_t body_len = 0;
  bool safe = !strcmp(h.req.method, "GET") || !strcmp(h.req.method, "HEAD");
  bool has_body = use_chunked || cl > 0;
  if (safe && has_body && opt.framing != STRICT) {
    /* The body of a GET is never read: lenient servers close after the
     * answer; the smuggling-prone ones read it as the next request. */
    if (!smuggler) after = NEXT_CLOSE;
  } else if (use_chunked) {
    if (h.expect_continue) conn_write(c, "HTTP/1.1 100 Continue\r\n\r\n", 25);
    int rc = read_chunked(c, &pos, &body, &body_len);
    if (rc) {
      if (rc > 0) answer_error(c, 400, "bad chunk", true);
      free(body);
      free(h.req.target);
      free(h.req.authorization);
      return NEXT_CLOSE;
    }
  } else if (cl > 0) {
    if (h.expect_continue) conn_write(c, "HTTP/1.1 100 Continue\r\n\r\n", 25);
    while (c->n < pos + (size_t)cl)
      if (!conn_more(c)) {
        free(h.req.target);
        free(h.req.authorization);
        return NEXT_CLOSE; /* cut short: nothing to answer */
      }
    body = malloc((size_t)cl + 1);
    memcpy(body, c->buf + pos, (size_t)cl);
    body_len = (size_t)cl;
    pos += (size_t)cl;
  }
  h.req.body = body ? body : "";
  h.req.body_len = body_len;
  serve_request(c, &h.req, after != NEXT_CONTINUE);
  conn_consume(c, pos);
  free(body);
  free(h.req.target);
  free(h.req.authorization);
  return after;
}

static void *connection(void *arg) {
  conn c = {.fd = (int)(intptr_t)arg, .deadline = now_s() + 20.0};
  c.cap = 65536;
  c.buf = malloc(c.cap + 1);
  if (opt.cert) {
    gnutls_init(&c.tls, GNUTLS_SERVER);
    gnutls_priority_set_direct(c.tls, "NORMAL", NULL);
    gnutls_credentials_set(c.tls, GNUTLS_CRD_CERTIFICATE, creds);
    gnutls_transport_set_int(c.tls, c.fd);
    gnutls_handshake_set_timeout(c.tls, 5000);
    int rc;
    do
      rc = gnutls_handshake(c.tls);
    while (rc < 0 && !gnutls_error_is_fatal(rc));
    if (rc < 0) goto out;
  }
  for (;;) {
    enum next n = one_request(&c);
    if (n == NEXT_CLOSE || stop_requested) break;
    if (n == NEXT_IDLE) { /* keep the connection, read nothing */
      while (!stop_requested && now_s() < c.deadline)
        usleep(50000);
      break;
    }
    c.deadline = now_s() + 20.0;
  }
  if (c.tls) gnutls_bye(c.tls, GNUTLS_SHUT_WR);
  shutdown(c.fd, SHUT_WR);
  /* Drain briefly so the peer reads our answer rather than a reset. */
  char sink[4096];
  for (int i = 0; i < 10; i++) {
    struct pollfd p = {.fd = c.fd, .events = POLLIN};
    if (poll(&p, 1, 50) <= 0 || recv(c.fd, sink, sizeof sink, 0) <= 0) break;
  }
out:
  if (c.tls) gnutls_deinit(c.tls);
  close(c.fd);
  free(c.buf);
  return NULL;
}

static void on_signal(int sig) {
  (void)sig;
  stop_requested = 1;
}

static int usage(const char *why) {
  fprintf(stderr, "wire_target: %s\n", why);
  return 2;
}

int main(int argc, char **argv) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const char *k = argv[i], *v = argv[i + 1];
    if (!strcmp(k, "--port"))
      opt.port = atoi(v);
    else if (!strcmp(k, "--tls-cert"))
      opt.cert = v;
    else if (!strcmp(k, "--tls-key"))
      opt.key = v;
    else if (!strcmp(k, "--bearer"))
      opt.bearer = v;
    else if (!strcmp(k, "--basic"))
      opt.basic = v;
    else if (!strcmp(k, "--query-auth"))
      opt.query_auth = v;
    else if (!strcmp(k, "--basic-check"))
      opt.basic_password_only = !strcmp(v, "password");
    else if (!strcmp(k, "--max-body"))
      opt.max_body = strtoul(v, NULL, 10);
    else if (!strcmp(k, "--log"))
      opt.log = v;
    else if (!strcmp(k, "--framing")) {
      static const char *const names[] = {"strict", "lenient", "te-keepalive", "cl-keepalive",
                                          "te-idle"};
      int f = -1;
      for (int j = 0; j < 5; j++)
        if (!strcmp(v, names[j])) f = j;
      if (f < 0) return usage("unknown --framing");
      opt.framing = (enum framing)f;
    } else
      return usage("unknown option");
  }
  if (!opt.port) return usage("no --port");
  signal(SIGPIPE, SIG_IGN);
  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);
  store = cJSON_CreateObject();
  if (opt.log && !(log_file = fopen(opt.log, "w"))) return usage("cannot write --log");
  if (opt.cert) {
    gnutls_global_init();
    gnutls_certificate_allocate_credentials(&creds);
    if (gnutls_certificate_set_x509_key_file(creds, opt.cert, opt.key, GNUTLS_X509_FMT_PEM) < 0)
      return usage("cannot read --tls-cert/--tls-key");
  }
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)opt.port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, (struct sockaddr *)&a, sizeof a) || listen(fd, 64)) return usage("cannot listen");
  fprintf(stderr, "wire_target: ready on %d\n", opt.port);
  while (!stop_requested) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, 100) <= 0) continue;
    int cfd = accept(fd, NULL, NULL);
    if (cfd < 0) continue;
    pthread_t t;
    if (pthread_create(&t, NULL, connection, (void *)(intptr_t)cfd) == 0)
      pthread_detach(t);
    else
      close(cfd);
  }
  close(fd);
  if (log_file) fclose(log_file);
  cJSON_Delete(store);
  if (opt.cert) gnutls_certificate_free_credentials(creds);
  return 0;
}
