/* serve_mhd.c — the libmicrohttpd listeners feeding gt_serve_handle.
 * Thread per connection: a slow:DURATION injection sleeps in its own thread
 * without holding up other clients; gt_serve_handle serialises state. */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "../core/file.h"
#include "serve_internal.h"

typedef struct listener {
  gt_serve *s;
  bool tls;
} listener;

typedef struct conn_state {
  char *uri; /* raw request-target, from the URI log callback (owned) */
  bool started;
  bool handled; /* gt_serve_handle ran: count it when the connection is done */
  gt_buf body;  /* first body_cap bytes */
  size_t total; /* bytes received in all */
} conn_state;

typedef struct trunc_state {
  char *data;
  size_t len;
} trunc_state;

static void *uri_log(void *cls, const char *uri, struct MHD_Connection *con) {
  (void)cls;
  (void)con;
  conn_state *st = gt_xcalloc(1, sizeof *st);
  st->uri = gt_xstrdup(uri ? uri : "/");
  gt_buf_init(&st->body);
  return st;
}

/* The raw target is taken from uri_log; MHD's own decoding is switched off so
 * that %ZZ and friends reach the handler untouched. */
static size_t no_unescape(void *cls, struct MHD_Connection *c, char *s) {
  (void)cls;
  (void)c;
  return strlen(s);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe) {
  (void)c;
  (void)toe;
  conn_state *st = *con_cls;
  if (!st) return;
  if (st->handled) serve_note_completed(cls);
  free(st->uri);
  gt_buf_free(&st->body);
  free(st);
  *con_cls = NULL;
}

typedef struct header_vec {
  gt_header *items;
  size_t n;
  const char *framing;       /* what made the framing ambiguous, or NULL */
  gt_fault_id framing_fault; /* the wire_* fault it resembles */
  int content_length;        /* Content-Length headers seen */
  bool chunked;
} header_vec;

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                      size_t key_size, const char *value, size_t value_size) {
  (void)kind;
  header_vec *v = cls;
  if (strlen(key) != key_size || (value && strlen(value) != value_size)) {
    v->framing = "a NUL byte inside a header";
    v->framing_fault = GT_FAULT_WIRE_NUL_HEADER;
  }
  if (!strcasecmp(key, "Content-Length") && v->content_length++) {
    v->framing = "Content-Length given twice";
    v->framing_fault = GT_FAULT_WIRE_DUP_CONTENT_LENGTH;
  }
  if (!strcasecmp(key, "Transfer-Encoding")) v->chunked = true;
  v->items = gt_xrealloc(v->items, (v->n + 1) * sizeof *v->items);
  v->items[v->n].name = gt_xstrdup(key);
  v->items[v->n].value = gt_xstrdup(value ? value : "");
  v->n++;
  return MHD_YES;
}

static ssize_t trunc_reader(void *cls, uint64_t pos, char *buf, size_t max) {
  trunc_state *t = cls;
  if (pos >= t->len) return MHD_CONTENT_READER_END_WITH_ERROR; /* promised more: close */
  size_t n = t->len - (size_t)pos < max ? t->len - (size_t)pos : max;
  memcpy(buf, t->data + pos, n);
  return (ssize_t)n;
}

static void trunc_free(void *cls) {
  trunc_state *t = cls;
  free(t->data);
  free(t);
}

static void sleep_ms(long ms) {
  while (ms > 0) { /* in slices: bounded and interrupt-tolerant */
    long step = ms > 100 ? 100 : ms;
    usleep((useconds_t)step * 1000);
    ms -= step;
  }
}

/* Set by the request thread that closes a connection on purpose (an
 * injected reset): libmicrohttpd then logs "Application reported internal
 * error" from that same thread, which is no error of serve's. */
static _Thread_local bool closing_on_purpose;

static enum MHD_Result handler(void *cls, struct MHD_Connection *con, const char *url,
                               const char *method, const char *version, const char *upload_data,
                               size_t *upload_data_size, void **con_cls) {
  (void)url;
  (void)version;
  listener *l = cls;
  gt_serve *s = l->s;
  conn_state *st = *con_cls;
  if (!st) return MHD_NO;
  if (!st->started) {
    st->started = true;
    return MHD_YES;
  }
  if (*upload_data_size) {
    size_t n = *upload_data_size;
    if (st->body.len < s->body_cap) {
      size_t keep = s->body_cap - st->body.len < n ? s->body_cap - st->body.len : n;
      gt_buf_add(&st->body, upload_data, keep);
    }
    st->total += n;
    *upload_data_size = 0;
    return MHD_YES;
  }
  header_vec hv = {0};
  MHD_get_connection_values_n(con, MHD_HEADER_KIND, collect_header, &hv);
  if (hv.chunked && hv.content_length) {
    hv.framing = "Content-Length together with Transfer-Encoding";
    hv.framing_fault = GT_FAULT_WIRE_CL_TE;
  }
  char peer[INET6_ADDRSTRLEN] = "";
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(con, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (ci && ci->client_addr) {
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
      inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, peer,
                sizeof peer);
    else if (sa->sa_family == AF_INET6)
      inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, peer,
                sizeof peer);
  }
  gt_serve_request req = {.peer = peer,
                          .method = method,
                          .target = st->uri,
                          .headers = hv.items,
                          .n_headers = hv.n,
                          .body = st->body.data,
                          .body_len = st->body.len,
                          .body_total = st->total,
                          .tls = l->tls,
                          .framing = hv.framing,
                          .framing_fault = hv.framing_fault};
  gt_serve_response resp;
  gt_serve_response_init(&resp);
  gt_serve_handle(s, &req, &resp);
  st->handled = true;
  for (size_t i = 0; i < hv.n; i++) {
    free(hv.items[i].name);
    free(hv.items[i].value);
  }
  free(hv.items); /* hv.chunked stays valid */
  if (resp.delay_ms > 0) sleep_ms(resp.delay_ms);
  enum MHD_Result rc = MHD_NO;
  struct MHD_Response *r = NULL;
  if (resp.action == GT_SERVE_RESET) {
    rc = MHD_NO; /* MHD closes the connection without an answer */
    closing_on_purpose = true;
  } else if (resp.action == GT_SERVE_TRUNCATE) {
    trunc_state *t = gt_xcalloc(1, sizeof *t);
    t->len = resp.body.len;
    t->data = gt_buf_steal(&resp.body);
    r = MHD_create_response_from_callback(t->len + 64, 4096, trunc_reader, t, trunc_free);
  } else {
    r = MHD_create_response_from_buffer(resp.body.len, resp.body.data ? resp.body.data : "",
                                        MHD_RESPMEM_MUST_COPY);
  }
  if (r) {
    for (size_t i = 0; i < resp.n_headers; i++)
      MHD_add_response_header(r, resp.headers[i].name, resp.headers[i].value);
    /* After a chunked body, close: the next request on this connection would
     * be read by MHD alone, past the strict framing check of serve_accept.c. */
    if (resp.action == GT_SERVE_TRUNCATE || hv.chunked)
      MHD_add_response_header(r, "Connection", "close");
    rc = MHD_queue_response(con, (unsigned)resp.status, r);
    MHD_destroy_response(r);
  }
  gt_serve_response_free(&resp);
  return rc;
}

/* libmicrohttpd's format strings are its own literals. */
__attribute__((format(printf, 2, 0))) static void mhd_log(void *cls, const char *fmt, va_list ap) {
  gt_serve *s = cls;
  char line[512];
  vsnprintf(line, sizeof line, fmt, ap);
  if (closing_on_purpose && strstr(line, "Application reported internal error")) {
    closing_on_purpose = true;
    return;
  }
  if (!s->opts.log) return;
  size_t n = strlen(line);
  while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
    line[--n] = '\0';
  char *msg = gt_xasprintf("libmicrohttpd: %s", line);
  s->opts.log(s->opts.log_ud, msg);
  free(msg);
}

static bool resolve(const char *hostport, struct sockaddr_storage *ss, bool *v6, gt_err *err) {
  char host[256];
  const char *colon = strrchr(hostport, ':');
  if (!colon || colon == hostport || !colon[1])
    return gt_err_set(err, GT_ERR_USAGE, NULL, 0, 0, "listen address '%s': expected HOST:PORT",
                      hostport);
  size_t hl = (size_t)(colon - hostport);
  if (hostport[0] == '[' && hl >= 2 && hostport[hl - 1] == ']') {
    hostport++;
    hl -= 2;
  }
  if (hl >= sizeof host)
    return gt_err_set(err, GT_ERR_USAGE, NULL, 0, 0, "listen address too long");
  memcpy(host, hostport, hl);
  host[hl] = '\0';
  char *end;
  long port = strtol(colon + 1, &end, 10);
  if (*end || port < 0 || port > 65535)
    return gt_err_set(err, GT_ERR_USAGE, NULL, 0, 0, "listen address '%s': bad port", hostport);
  struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV}, *res = NULL;
  int rc = getaddrinfo(host, colon + 1, &hints, &res);
  if (rc || !res)
    return gt_err_set(err, GT_ERR_USAGE, NULL, 0, 0, "listen address '%s': %s", host,
                      gai_strerror(rc));
  memset(ss, 0, sizeof *ss);
  memcpy(ss, res->ai_addr, res->ai_addrlen);
  *v6 = res->ai_family == AF_INET6;
  freeaddrinfo(res);
  return true;
}

static char *read_file(const char *path, gt_err *err) {
  size_t len;
  int errnum = 0;
  char *data = gt_read_file(path, &len, &errnum);
  if (!data) gt_err_set(err, GT_ERR_USAGE, path, 0, 0, "cannot read: %s", strerror(errnum));
  return data;
}

/* The plain listener: serve_accept.c owns the socket and hands strictly
 * framed connections to a daemon that has none. The TLS listener cannot be
 * peeked at (the bytes are encrypted): MHD listens and parses there. */
static struct MHD_Daemon *start_one(gt_serve *s, const char *addr, bool tls, int *port,
                                    gt_err *err) {
  struct sockaddr_storage sa;
  bool v6 = false;
  if (!resolve(addr, &sa, &v6, err)) return NULL;
  bool own_socket = !tls;
  listener *l = gt_xcalloc(1, sizeof *l);
  l->s = s;
  l->tls = tls;
  s->listener_ctx[tls ? 1 : 0] = l;
  unsigned flags =
      MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
  if (v6) flags |= MHD_USE_IPv6;
  if (tls) flags |= MHD_USE_TLS;
  if (own_socket) flags |= MHD_USE_NO_LISTEN_SOCKET | MHD_USE_ITC;
  struct MHD_OptionItem tls_opts[] = {
      {MHD_OPTION_HTTPS_MEM_KEY, 0, s->key_pem},
      {MHD_OPTION_HTTPS_MEM_CERT, 0, s->cert_pem},
      {MHD_OPTION_END, 0, NULL},
  };
  struct MHD_Daemon *d = MHD_start_daemon(
      flags, 0, NULL, NULL, handler, l, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s,
      MHD_OPTION_SOCK_ADDR, own_socket ? NULL : (struct sockaddr *)&sa, MHD_OPTION_URI_LOG_CALLBACK,
      uri_log, NULL, MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, NULL, MHD_OPTION_NOTIFY_COMPLETED,
      completed, s, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30, MHD_OPTION_STRICT_FOR_CLIENT,
      (int)1, MHD_OPTION_ARRAY, tls ? tls_opts : &tls_opts[2], MHD_OPTION_END);
  if (!d) {
    gt_err_set(err, GT_ERR_RUNTIME, NULL, 0, 0,
               "cannot listen on %s%s (address in use, or bad certificate/key?)",
               tls ? "https://" : "http://", addr);
    return NULL;
  }
  if (own_socket) {
    socklen_t sl = v6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
    s->acceptor = serve_acceptor_start(s, d, (struct sockaddr *)&sa, sl, port, err);
    if (!s->acceptor) {
      MHD_stop_daemon(d);
      char why[sizeof err->msg];
      snprintf(why, sizeof why, "%s", err->msg);
      gt_err_set(err, GT_ERR_RUNTIME, NULL, 0, 0, "cannot listen on http://%s: %s", addr, why);
      return NULL;
    }
    return d;
  }
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
  *port = info ? info->port : 0;
  return d;
}

bool gt_serve_start(gt_serve *s, gt_err *err) {
  size_t cap = 0;
  for (size_t i = 0; i < s->n_suites; i++) {
    size_t m = s->suites[i].suite->profile.limits.max_body;
    if (!m) m = 8u << 20;
    if (m > cap) cap = m;
  }
  s->body_cap = cap + 1;
  if (s->tls_listen) {
    s->cert_pem = read_file(s->cert, err);
    if (!s->cert_pem) return false;
    s->key_pem = read_file(s->key, err);
    if (!s->key_pem) return false;
  }
  if (s->listen && !(s->http_daemon = start_one(s, s->listen, false, &s->http_port, err)))
    return false;
  if (s->tls_listen &&
      !(s->https_daemon = start_one(s, s->tls_listen, true, &s->https_port, err))) {
    gt_serve_stop(s);
    return false;
  }
  return true;
}

void gt_serve_stop(gt_serve *s) {
  serve_acceptor_stop(s->acceptor); /* first: its threads hand sockets to the daemon */
  s->acceptor = NULL;
  if (s->http_daemon) MHD_stop_daemon(s->http_daemon);
  if (s->https_daemon) MHD_stop_daemon(s->https_daemon);
  s->http_daemon = s->https_daemon = NULL;
  for (int i = 0; i < 2; i++) {
    free(s->listener_ctx[i]);
    s->listener_ctx[i] = NULL;
  }
  free(s->cert_pem);
  free(s->key_pem);
  s->cert_pem = s->key_pem = NULL;
}
