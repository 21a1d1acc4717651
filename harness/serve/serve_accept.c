/* serve_accept.c — the plain-HTTP listener's own accept loop. Each new
 * connection gets a short-lived thread that peeks (MSG_PEEK: nothing is
 * consumed) at the request head and checks its framing strictly
 * (gt_serve_framing_check). A bad head is answered here with the profile's
 * error answer and `Connection: close`; a good one is handed to libmicrohttpd
 * untouched with MHD_add_connection. Why: libmicrohttpd 0.9.75 accepts bare
 * LF, obs-fold, NUL bytes and doubled or conflicting lengths before serve
 * could refuse them (docs/serve.md, "Strict framing"). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "serve_internal.h"

#define PEEK_CAP (GT_SERVE_REQUEST_LINE_MAX + GT_SERVE_HEADER_BLOCK_MAX + 64)
#define HEAD_WAIT_MS 10000     /* a head not complete by then goes to MHD as is */
#define MAX_PENDING 256        /* connections being peeked at once; more are closed */
#define LINGER_MS 2000         /* after a refusal: read and drop what the client sends */
#define LINGER_BYTES (4 << 20) /* ... at most this much */
#define AUDIT_TEXT_MAX 1024    /* request-target / header value kept for the audit */
#define AUDIT_HEADERS_MAX 64

struct serve_acceptor {
  gt_serve *s;
  struct MHD_Daemon *daemon;
  int fd;      /* listening socket (owned) */
  int wake[2]; /* pipe: a byte wakes the accept loop to stop (owned) */
  pthread_t thread;
  pthread_mutex_t lock;     /* guards active, stopping */
  pthread_cond_t idle;      /* signalled when active drops */
  pthread_mutex_t add_lock; /* MHD_add_connection one at a time */
  int active;
  volatile bool stopping;
};

typedef struct pending {
  serve_acceptor *a;
  int fd;
  struct sockaddr_storage addr;
  socklen_t addr_len;
} pending;

static long ms_since(const struct timespec *t0) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (now.tv_sec - t0->tv_sec) * 1000L + (now.tv_nsec - t0->tv_nsec) / 1000000L;
}

static bool stopping(serve_acceptor *a) {
  pthread_mutex_lock(&a->lock);
  bool st = a->stopping;
  pthread_mutex_unlock(&a->lock);
  return st;
}

/* Peeks until the head is judged, the client goes quiet or away, or the wait
 * ends. Returns false when the connection should just be closed (EOF before
 * any byte, error, stopping); *v is MORE when the head was never completed. */
static bool peek_head(serve_acceptor *a, int fd, char *buf, size_t *len, gt_framing_verdict *v,
                      gt_framing_result *r) {
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  size_t prev = 0;
  long backoff = 1;
  *v = GT_FRAMING_MORE;
  for (;;) { /* bounded by HEAD_WAIT_MS */
    ssize_t n = recv(fd, buf, PEEK_CAP, MSG_PEEK | MSG_DONTWAIT);
    if (n == 0) return false; /* closed before sending anything */
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return false;
    size_t have = n > 0 ? (size_t)n : 0;
    if (have > 0) {
      *v = gt_serve_framing_check(buf, have, r);
      *len = have;
      if (*v != GT_FRAMING_MORE || have >= PEEK_CAP) return true;
    }
    long left = HEAD_WAIT_MS - ms_since(&t0);
    if (left <= 0) return true;
    if (stopping(a)) return false;
    /* With bytes waiting, poll() reports readable at once: sleep a little
     * instead (1, 2, 4 .. 32 ms), and learn from POLLRDHUP that the client
     * has finished sending. Without bytes, wait for them in 200 ms slices. */
    struct pollfd p = {.fd = fd, .events = POLLIN | POLLRDHUP};
    if (have == 0) {
      if (poll(&p, 1, left < 200 ? (int)left : 200) < 0 && errno != EINTR) return false;
      continue;
    }
    if (poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) && have == prev)
      return true; /* no more is coming: MHD judges the incomplete head */
    backoff = have == prev ? (backoff < 32 ? backoff * 2 : 32) : 1;
    prev = have;
    usleep((useconds_t)(backoff < left ? backoff : left) * 1000);
  }
}

/* A printable copy (CTLs and DEL as '?', at most max bytes) for the audit. */
static char *audit_text(const char *p, size_t n, size_t max) {
  if (n > max) n = max;
  char *t = gt_xstrndup(p, n);
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)t[i] < 0x20 || t[i] == 0x7f) t[i] = '?';
  return t;
}

/* Best-effort reading of a head that failed the check, so the refusal is
 * recorded like any request: method, target, the header lines that parse.
 * Everything allocated here is freed by free_audit_request. */
typedef struct audit_request {
  char *method, *target;
  gt_header *headers; /* owned: up to AUDIT_HEADERS_MAX */
  size_t n;
} audit_request;

static void read_head(const char *buf, size_t len, audit_request *ar) {
  memset(ar, 0, sizeof *ar);
  const char *end = buf + len, *p = buf;
  while (p < end && (*p == '\r' || *p == '\n'))
    p++;
  const char *eol = memchr(p, '\n', (size_t)(end - p));
  const char *line_end = eol ? eol : end;
  size_t m = strcspn(p, " \r\n");
  if (p + m > line_end) m = (size_t)(line_end - p);
  ar->method = m ? audit_text(p, m, 32) : gt_xstrdup("-");
  const char *t = p + m < line_end ? p + m + 1 : line_end;
  size_t tl = 0;
  while (t + tl < line_end && t[tl] != ' ' && t[tl] != '\r')
    tl++;
  ar->target = tl && *t == '/' ? audit_text(t, tl, AUDIT_TEXT_MAX) : gt_xstrdup("/");
  p = eol ? eol + 1 : end;
  while (p < end && ar->n < AUDIT_HEADERS_MAX) { /* bounded by both */
    eol = memchr(p, '\n', (size_t)(end - p));
    line_end = eol ? eol : end;
    size_t ll = (size_t)(line_end - p);
    if (ll && p[ll - 1] == '\r') ll--;
    if (ll == 0) break;
    const char *colon = memchr(p, ':', ll);
    if (colon && colon > p && *p != ' ' && *p != '\t') {
      const char *v = colon + 1;
      while (v < p + ll && (*v == ' ' || *v == '\t'))
        v++;
      char *name = audit_text(p, (size_t)(colon - p), 256);
      char *value = audit_text(v, (size_t)(p + ll - v), AUDIT_TEXT_MAX);
      gt_headers_add(&ar->headers, &ar->n, name, value);
      free(name);
      free(value);
    }
    p = eol ? eol + 1 : end;
  }
}

static void free_audit_request(audit_request *ar) {
  free(ar->method);
  free(ar->target);
  gt_headers_free(&ar->headers, &ar->n);
}

static const char *reason_phrase(int status) {
  switch (status) {
  case 400:
    return "Bad Request";
  case 401:
    return "Unauthorized";
  case 403:
    return "Forbidden";
  case 404:
    return "Not Found";
  case 413:
    return "Content Too Large";
  case 414:
    return "URI Too Long";
  case 422:
    return "Unprocessable Content";
  case 431:
    return "Request Header Fields Too Large";
  case 501:
    return "Not Implemented";
  case 505:
    return "HTTP Version Not Supported";
  default:
    return status < 300 ? "OK" : status < 500 ? "Client Error" : "Server Error";
  }
}

static bool send_all(int fd, const char *p, size_t n) {
  for (int tries = 0; n > 0 && tries < 1000; tries++) { /* SO_SNDTIMEO bounds each send */
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= (size_t)w;
  }
  return n == 0;
}

/* After the answer: stop sending, then read and drop what the client still
 * sends until it closes, so that closing with unread bytes does not reset the
 * connection before the client has read the answer. */
static void linger_close(serve_acceptor *a, int fd) {
  shutdown(fd, SHUT_WR);
  struct timeval tv = {.tv_sec = 0, .tv_usec = 200 * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  char sink[4096];
  size_t dropped = 0;
  while (dropped < LINGER_BYTES && ms_since(&t0) < LINGER_MS && !stopping(a)) {
    ssize_t n = recv(fd, sink, sizeof sink, 0);
    if (n == 0) break;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) break;
    if (n > 0) dropped += (size_t)n;
  }
  close(fd);
}

/* Answers a head that failed the framing check the way gt_serve_handle
 * answers ambiguous framing (profile error shape, required headers), records
 * it in the audit, and closes. */
static void refuse(serve_acceptor *a, int fd, const char *buf, size_t len,
                   const gt_framing_result *r) {
  audit_request ar;
  read_head(buf, len, &ar);
  gt_serve_request req = {.method = ar.method,
                          .target = ar.target,
                          .headers = ar.headers,
                          .n_headers = ar.n,
                          .framing = r->reason,
                          .framing_fault = r->fault,
                          .framing_status = r->status};
  gt_serve_response resp;
  gt_serve_response_init(&resp);
  gt_serve_handle(a->s, &req, &resp);
  free_audit_request(&ar);
  if (resp.action == GT_SERVE_RESET) { /* the profile says: refuse the connection */
    close(fd);
  } else {
    gt_buf out;
    gt_buf_init(&out);
    gt_buf_printf(&out, "HTTP/1.1 %d %s\r\n", resp.status, reason_phrase(resp.status));
    for (size_t i = 0; i < resp.n_headers; i++) {
      const char *name = resp.headers[i].name;
      if (!strcasecmp(name, "Content-Length") || !strcasecmp(name, "Connection")) continue;
      gt_buf_printf(&out, "%s: %s\r\n", name, resp.headers[i].value);
    }
    gt_buf_printf(&out, "Content-Length: %zu\r\nConnection: close\r\n\r\n", resp.body.len);
    gt_buf_add(&out, resp.body.data ? resp.body.data : "", resp.body.len);
    struct timeval tv = {.tv_sec = 2, .tv_usec = 0};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    send_all(fd, out.data, out.len);
    gt_buf_free(&out);
    linger_close(a, fd);
  }
  gt_serve_response_free(&resp);
  serve_note_completed(a->s);
}

static void *peek_main(void *arg) {
  pending *pc = arg; /* owned by this thread */
  serve_acceptor *a = pc->a;
  char *buf = gt_xcalloc(1, PEEK_CAP); /* freed below */
  size_t len = 0;
  gt_framing_verdict v;
  gt_framing_result r;
  if (!peek_head(a, pc->fd, buf, &len, &v, &r)) {
    close(pc->fd);
  } else if (v == GT_FRAMING_BAD) {
    refuse(a, pc->fd, buf, len, &r);
  } else {
    /* MHD owns (and closes) the socket from here, even on failure */
    pthread_mutex_lock(&a->add_lock);
    MHD_add_connection(a->daemon, pc->fd, (struct sockaddr *)&pc->addr, pc->addr_len);
    pthread_mutex_unlock(&a->add_lock);
  }
  free(buf);
  free(pc);
  pthread_mutex_lock(&a->lock);
  a->active--;
  pthread_cond_broadcast(&a->idle);
  pthread_mutex_unlock(&a->lock);
  return NULL;
}

static void spawn_peek(serve_acceptor *a, int fd, const struct sockaddr_storage *ss, socklen_t sl) {
  pthread_mutex_lock(&a->lock);
  bool room = a->active < MAX_PENDING && !a->stopping;
  if (room) a->active++;
  pthread_mutex_unlock(&a->lock);
  if (!room) {
    close(fd);
    return;
  }
  pending *pc = gt_xcalloc(1, sizeof *pc); /* freed by peek_main */
  pc->a = a;
  pc->fd = fd;
  pc->addr = *ss;
  pc->addr_len = sl;
  pthread_attr_t at;
  pthread_attr_init(&at);
  pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
  pthread_t t;
  if (pthread_create(&t, &at, peek_main, pc)) {
    close(fd);
    free(pc);
    pthread_mutex_lock(&a->lock);
    a->active--;
    pthread_mutex_unlock(&a->lock);
  }
  pthread_attr_destroy(&at);
}

static void *accept_main(void *arg) {
  serve_acceptor *a = arg;
  while (!stopping(a)) { /* runs until serve_acceptor_stop */
    struct pollfd p[2] = {{.fd = a->fd, .events = POLLIN}, {.fd = a->wake[0], .events = POLLIN}};
    int rc = poll(p, 2, 1000);
    if (rc <= 0 || p[1].revents) continue;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    int c = accept4(a->fd, (struct sockaddr *)&ss, &sl, SOCK_CLOEXEC);
    if (c < 0) {
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
        usleep(10 * 1000); /* out of descriptors: do not spin */
      continue;
    }
    spawn_peek(a, c, &ss, sl);
  }
  return NULL;
}

serve_acceptor *serve_acceptor_start(gt_serve *s, void *daemon, const struct sockaddr *sa,
                                     unsigned sa_len, int *port, gt_err *err) {
  int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  if (fd >= 0) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (fd < 0 || bind(fd, sa, sa_len) || listen(fd, 128)) {
    gt_err_set(err, GT_ERR_RUNTIME, NULL, 0, 0, "%s", strerror(errno));
    if (fd >= 0) close(fd);
    return NULL;
  }
  struct sockaddr_storage bound;
  socklen_t bl = sizeof bound;
  *port = 0;
  if (!getsockname(fd, (struct sockaddr *)&bound, &bl))
    *port = bound.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&bound)->sin6_port)
                                        : ntohs(((struct sockaddr_in *)&bound)->sin_port);
  serve_acceptor *a = gt_xcalloc(1, sizeof *a); /* freed by serve_acceptor_stop */
  a->s = s;
  a->daemon = daemon;
  a->fd = fd;
  if (pipe2(a->wake, O_CLOEXEC)) {
    gt_err_set(err, GT_ERR_RUNTIME, NULL, 0, 0, "cannot create a pipe: %s", strerror(errno));
    close(fd);
    free(a);
    return NULL;
  }
  pthread_mutex_init(&a->lock, NULL);
  pthread_mutex_init(&a->add_lock, NULL);
  pthread_cond_init(&a->idle, NULL);
  if (pthread_create(&a->thread, NULL, accept_main, a)) {
    gt_err_set(err, GT_ERR_RUNTIME, NULL, 0, 0, "cannot start the accept thread");
    a->thread = 0;
    serve_acceptor_stop(a);
    return NULL;
  }
  return a;
}

void serve_acceptor_stop(serve_acceptor *a) {
  if (!a) return;
  pthread_mutex_lock(&a->lock);
  a->stopping = true;
  pthread_mutex_unlock(&a->lock);
  if (a->thread) {
    ssize_t w = write(a->wake[1], "x", 1);
    (void)w; /* the loop also wakes every second */
    pthread_join(a->thread, NULL);
  }
  close(a->fd);
  /* Peek threads see `stopping` within ~200 ms; refusals linger at most
   * LINGER_MS. Wait for them: they use the daemon and the server. */
  pthread_mutex_lock(&a->lock);
  for (int i = 0; a->active > 0 && i < 100; i++) { /* <= ~10 s, then give up waiting */
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += 100 * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
      until.tv_sec++;
      until.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&a->idle, &a->lock, &until);
  }
  bool idle = a->active == 0;
  pthread_mutex_unlock(&a->lock);
  close(a->wake[0]);
  close(a->wake[1]);
  if (!idle) return; /* a stuck thread still uses a: leak it rather than crash */
  pthread_mutex_destroy(&a->lock);
  pthread_mutex_destroy(&a->add_lock);
  pthread_cond_destroy(&a->idle);
  free(a);
}
