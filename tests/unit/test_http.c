/* test_http.c — the executor against a real libmicrohttpd server on loopback.
 *
 * The server echoes what it received (method, body, selected headers) so the
 * tests can check requests leave byte-exact, and counts connections so
 * keep-alive is observable. Hostile servers (resets, silence) and raw mode
 * are in test_http_raw.c. */
#include <stdint.h>
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "http/http_internal.h"
#include "support.h"

#define BIG_SIZE (5 * 1024 * 1024)

static atomic_int connections;
static char *big_body; /* BIG_SIZE bytes of a known pattern; freed at exit */

typedef struct upload {
  gt_buf body;
} upload;

static const char *hdr_or(struct MHD_Connection *c, const char *name, const char *dflt) {
  const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
  return v ? v : dflt;
}

static enum MHD_Result reply(struct MHD_Connection *c, int status, const char *data, size_t len,
                             enum MHD_ResponseMemoryMode mode, const char *const *headers) {
  struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)(uintptr_t)data, mode);
  for (size_t i = 0; headers && headers[i]; i += 2)
    MHD_add_response_header(r, headers[i], headers[i + 1]);
  enum MHD_Result ok = MHD_queue_response(c, (unsigned)status, r);
  MHD_destroy_response(r);
  return ok;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
                               const char *method, const char *version, const char *data,
                               size_t *data_size, void **con_cls) {
  (void)cls, (void)version;
  upload *u = *con_cls;
  if (!u) {
    u = calloc(1, sizeof *u); /* freed in completed() */
    gt_buf_init(&u->body);
    *con_cls = u;
    return MHD_YES;
  }
  if (*data_size) {
    gt_buf_add(&u->body, data, *data_size);
    *data_size = 0;
    return MHD_YES;
  }
  if (strcmp(url, "/big") == 0)
    return reply(c, 200, big_body, BIG_SIZE, MHD_RESPMEM_PERSISTENT, NULL);
  if (strncmp(url, "/status/", 8) == 0) {
    const char *h[] = {"X-One", "1", "Set-Cookie", "a=1", "Set-Cookie", "b=2", NULL};
    return reply(c, atoi(url + 8), "st", 2, MHD_RESPMEM_PERSISTENT, h);
  }
  if (strcmp(url, "/redirect") == 0) {
    const char *h[] = {"Location", "/echo", NULL};
    return reply(c, 302, "moved", 5, MHD_RESPMEM_PERSISTENT, h);
  }
  /* /echo: "METHOD\n" + body; request headers reflected as X-Got-* */
  gt_buf out;
  gt_buf_init(&out);
  gt_buf_printf(&out, "%s\n", method);
  gt_buf_add(&out, u->body.data ? u->body.data : "", u->body.len);
  /* MHD will not send an empty header value: bracket it. */
  char empty[64];
  snprintf(empty, sizeof empty, "[%s]", hdr_or(c, "X-Empty", "(none)"));
  char blen[32];
  snprintf(blen, sizeof blen, "%zu", u->body.len);
  const char *h[] = {"X-Got-Content-Type",
                     hdr_or(c, "Content-Type", "(none)"),
                     "X-Got-Content-Length",
                     hdr_or(c, "Content-Length", "(none)"),
                     "X-Got-Expect",
                     hdr_or(c, "Expect", "(none)"),
                     "X-Got-Accept",
                     hdr_or(c, "Accept", "(none)"),
                     "X-Got-Accept-Encoding",
                     hdr_or(c, "Accept-Encoding", "(none)"),
                     "X-Got-Custom",
                     hdr_or(c, "X-Custom", "(none)"),
                     "X-Got-Empty",
                     empty,
                     "X-Body-Len",
                     blen,
                     NULL};
  enum MHD_Result ok = reply(c, 200, out.data, out.len, MHD_RESPMEM_MUST_COPY, h);
  gt_buf_free(&out);
  return ok;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe) {
  (void)cls, (void)c, (void)toe;
  upload *u = *con_cls;
  if (u) {
    gt_buf_free(&u->body);
    free(u);
  }
  *con_cls = NULL;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe) {
  (void)cls, (void)c, (void)socket_context;
  if (toe == MHD_CONNECTION_NOTIFY_STARTED) atomic_fetch_add(&connections, 1);
}

static struct MHD_Daemon *start_server(int *port, const char *cert_pem, const char *key_pem) {
  if (!big_body) {
    big_body = malloc(BIG_SIZE);
    for (size_t i = 0; i < BIG_SIZE; i++)
      big_body[i] = (char)('a' + i % 26);
  }
  atomic_store(&connections, 0);
  /* Loopback only, port chosen by the kernel. */
  struct sockaddr_in loopback = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
  struct MHD_Daemon *d;
  if (cert_pem)
    d = MHD_start_daemon(flags | MHD_USE_TLS, 0, NULL, NULL, handler, NULL,
                         MHD_OPTION_NOTIFY_COMPLETED, completed, NULL, MHD_OPTION_NOTIFY_CONNECTION,
                         on_connection, NULL, MHD_OPTION_HTTPS_MEM_CERT, cert_pem,
                         MHD_OPTION_HTTPS_MEM_KEY, key_pem, MHD_OPTION_SOCK_ADDR, &loopback,
                         MHD_OPTION_END);
  else
    d = MHD_start_daemon(flags, 0, NULL, NULL, handler, NULL, MHD_OPTION_NOTIFY_COMPLETED,
                         completed, NULL, MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
                         MHD_OPTION_SOCK_ADDR, &loopback, MHD_OPTION_END);
  cr_assert_not_null(d, "MHD did not start");
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
  cr_assert_not_null(info);
  *port = info->port;
  return d;
}

static gt_http_request make_req(const char *method, int port, const char *path) {
  gt_http_request r;
  memset(&r, 0, sizeof r);
  r.method = gt_xstrdup(method);
  r.url = gt_xasprintf("http://127.0.0.1:%d%s", port, path);
  r.timeout_ms = 5000;
  return r;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static gt_http_response run_one(const gt_http_opts *o, const gt_http_request *req) {
  gt_http_response resp;
  gt_err err;
  cr_assert(gt_http_perform(o, req, &resp, &err));
  return resp;
}

/* ---- value helpers ---- */

Test(http_values, headers_case_insensitive) {
  gt_http_request r;
  memset(&r, 0, sizeof r);
  gt_http_request_add_header(&r, "X-A", "1");
  gt_http_request_add_header(&r, "x-a", "2");
  gt_http_request_add_header(&r, "Other", "3");
  cr_assert_str_eq(gt_http_request_header(&r, "X-A"), "1");
  cr_assert_eq(gt_http_request_remove_header(&r, "X-a"), 2);
  cr_assert_null(gt_http_request_header(&r, "x-a"));
  cr_assert_str_eq(gt_http_request_header(&r, "OTHER"), "3");
  cr_assert_eq(r.n_headers, 1);
  gt_http_request_free(&r);
}

Test(http_values, url_encode_keeps_unreserved_only) {
  gt_buf b;
  gt_buf_init(&b);
  const char in[] = "feature/find&replace a~b-c_d.e\xc3\xa9\n";
  gt_url_encode(&b, in, sizeof in - 1);
  cr_assert_str_eq(b.data, "feature%2Ffind%26replace%20a~b-c_d.e%C3%A9%0A");
  gt_buf_reset(&b);
  gt_url_encode(&b, "", 0);
  cr_assert_str_eq(b.data, "");
  gt_buf_free(&b);
}

Test(http_values, header_lines_fold_and_reset) {
  gt_http_response r;
  memset(&r, 0, sizeof r);
  cr_assert(gt_http_response_header_line(&r, "HTTP/1.1 301 Moved\r\n", 20));
  cr_assert(gt_http_response_header_line(&r, "Location: /x\r\n", 14));
  cr_assert(gt_http_response_header_line(&r, "HTTP/1.1 200 OK\r\n", 17));
  cr_assert_eq(r.status, 200);
  cr_assert_null(gt_http_response_header(&r, "location"), "headers reset on a new response");
  cr_assert(gt_http_response_header_line(&r, "X-V:  a b \r\n", 12));
  cr_assert(gt_http_response_header_line(&r, "\tcontinued\r\n", 12));
  cr_assert_str_eq(gt_http_response_header(&r, "x-v"), "a b  continued");
  cr_assert_not(gt_http_response_header_line(&r, "garbage\r\n", 9));
  cr_assert_str_eq(r.http_version, "HTTP/1.1");
  gt_http_response_free(&r);
}

/* ---- requests leave byte-exact ---- */

Test(http_exec, methods_and_binary_bodies_echoed, .timeout = 30) {
  int port;
  struct MHD_Daemon *d = start_server(&port, NULL, NULL);
  gt_http_opts o = {0};
  const char *methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PROPFIND"};
  const char bin[] = "a\0b\r\n\xff{\"x\":1}";
  for (size_t i = 0; i < sizeof methods / sizeof *methods; i++) {
    gt_http_request req = make_req(methods[i], port, "/echo");
    bool with_body = i % 2 == 1;
    if (with_body) {
      req.body = gt_xstrndup(bin, sizeof bin - 1);
      req.body_len = sizeof bin - 1;
    }
    gt_http_response resp = run_one(&o, &req);
    cr_assert_eq(resp.outcome, GT_HTTP_OK, "%s: %s", methods[i], resp.error);
    cr_assert_eq(resp.status, 200);
    size_t mlen = strlen(methods[i]);
    cr_assert_eq(memcmp(resp.body.data, methods[i], mlen), 0, "method %s", methods[i]);
    cr_assert_eq(resp.body.data[mlen], '\n');
    size_t got = resp.body.len - mlen - 1;
    if (with_body) {
      cr_assert_eq(got, sizeof bin - 1, "%s body length", methods[i]);
      cr_assert_eq(memcmp(resp.body.data + mlen + 1, bin, got), 0);
      cr_assert_str_eq(gt_http_response_header(&resp, "X-Got-Content-Type"), "(none)",
                       "libcurl's form content type must not be added");
    } else {
      cr_assert_eq(got, 0);
      cr_assert_str_eq(gt_http_response_header(&resp, "X-Got-Content-Length"), "(none)");
    }
    cr_assert_str_eq(gt_http_response_header(&resp, "X-Got-Expect"), "(none)");
    /* What libcurl decodes is advertised (answers are judged decoded). */
    const char *codings = gt_http_accept_encoding();
    cr_assert_str_eq(gt_http_response_header(&resp, "X-Got-Accept-Encoding"),
                     codings[0] ? codings : "(none)");
    gt_http_response_free(&resp);
    gt_http_request_free(&req);
  }
  MHD_stop_daemon(d);
}

Test(http_exec, empty_body_sends_content_length_zero, .timeout = 30) {
  int port;
  struct MHD_Daemon *d = start_server(&port, NULL, NULL);
  gt_http_opts o = {0};
  gt_http_request req = make_req("POST", port, "/echo");
  req.body = gt_xstrdup("");
  req.body_len = 0;
  gt_http_response resp = run_one(&o, &req);
  cr_assert_eq(resp.outcome, GT_HTTP_OK, "%s", resp.error);
  cr_assert_str_eq(gt_http_response_header(&resp, "X-Got-Content-Length"), "0");
  cr_assert_str_eq(resp.body.data, "POST\n");
  gt_http_response_free(&resp);
  gt_http_request_free(&req);
  MHD_stop_daemon(d);
}

Test(http_exec, request_headers_sent_as_given, .timeout = 30) {
  int port;
  struct MHD_Daemon *d = start_server(&port, NULL, NULL);
  gt_http_opts o = {0};
  gt_http_request req = make_req("POST", port, "/echo");
  gt_http_request_add_header(&req, "X-Custom", "v a l;ue");
  gt_http_request_add_header(&req, "X-Empty", "");
  gt_http_request_add_header(&req, "Content-Type", "application/json");
  gt_http_request_add_header(&req, "Accept", "application/json");
  req.body = gt_xstrdup("{}");
  req.body_len = 2;
  gt_http_response resp = run_one(&o, &req);
  cr_assert_eq(resp.outcome, GT_HTTP_OK, "%s", resp.error);
  cr_assert_str_eq(gt_http_response_header(&resp, "X-Got-Custom"), "v a l;ue");
  cr_assert_str_eq(gt_http_response_header(&resp, "X-Got-Empty"), "[]");
  cr_assert_str_eq(gt_http_response_header(&resp, "X-Got-Content-Type"), "application/json");
  cr_assert_str_eq(gt_http_response_header(&resp, "X-Got-Accept"), "application/json");
  cr_assert_str_eq(resp.http_version, "HTTP/1.1");
  gt_http_response_free(&resp);
  gt_http_request_free(&req);
  MHD_stop_daemon(d);
}

Test(http_exec, status_and_repeated_headers_received, .timeout = 30) {
  int port;
  struct MHD_Daemon *d = start_server(&port, NULL, NULL);
  gt_http_opts o = {0};
  gt_http_request req = make_req("GET", port, "/status/418");
  gt_http_response resp = run_one(&o, &req);
  cr_assert_eq(resp.outcome, GT_HTTP_OK);
  cr_assert_eq(resp.status, 418);
  cr_assert_str_eq(resp.body.data, "st");
  cr_assert_eq(resp.body_total, 2);
  cr_assert_str_eq(gt_http_response_header(&resp, "x-one"), "1");
  int cookies = 0;
  for (size_t i = 0; i < resp.n_headers; i++)
    if (strcmp(resp.headers[i].name, "Set-Cookie") == 0) cookies++;
  cr_assert_eq(cookies, 2);
  cr_assert_gt(resp.timing.total, 0);
  gt_http_response_free(&resp);
  gt_http_request_free(&req);
  MHD_stop_daemon(d);
}

Test(http_exec, redirects_only_when_asked, .timeout = 30) {
  int port;
  struct MHD_Daemon *d = start_server(&port, NULL, NULL);
  gt_http_opts o = {0};
  gt_http_request req = make_req("GET", port, "/redirect");
  gt_http_response resp = run_one(&o, &req);
  cr_assert_eq(resp.status, 302);
  cr_assert_str_eq(resp.body.data, "moved");
  gt_http_response_free(&resp);
  req.follow_redirects = true;
  resp = run_one(&o, &req);
  cr_assert_eq(resp.status, 200);
  cr_assert_str_eq(resp.body.data, "GET\n");
  cr_assert_null(gt_http_response_header(&resp, "Location"), "only the final headers remain");
  gt_http_response_free(&resp);
  gt_http_request_free(&req);
  MHD_stop_daemon(d);
}

Test(http_exec, body_capped_and_counted, .timeout = 60) {
  int port;
  struct MHD_Daemon *d = start_server(&port, NULL, NULL);
  gt_http_opts o = {0}; /* default cap: 1 MiB */
  gt_http_request req = make_req("GET", port, "/big");
  gt_http_response resp = run_one(&o, &req);
  cr_assert_eq(resp.outcome, GT_HTTP_OK, "%s", resp.error);
  cr_assert_eq(resp.body.len, 1024 * 1024);
  cr_assert_eq(resp.body_total, BIG_SIZE);
  cr_assert(resp.body_truncated);
  cr_assert_eq(memcmp(resp.body.data, big_body, resp.body.len), 0);
  gt_http_response_free(&resp);
  o.body_cap = 10;
  resp = run_one(&o, &req);
  cr_assert_eq(resp.body.len, 10);
  cr_assert_eq(resp.body_total, BIG_SIZE);
  gt_http_response_free(&resp);
  o.body_cap = BIG_SIZE;
  resp = run_one(&o, &req);
  cr_assert_eq(resp.body.len, BIG_SIZE);
  cr_assert_not(resp.body_truncated);
  gt_http_response_free(&resp);
  gt_http_request_free(&req);
  MHD_stop_daemon(d);
}

Test(http_exec, refused_connection, .timeout = 30) {
  int port = ts_free_port();
  cr_assert_gt(port, 0);
  gt_http_opts o = {0};
  gt_http_request req = make_req("GET", port, "/");
  gt_http_response resp = run_one(&o, &req);
  cr_assert_eq(resp.outcome, GT_HTTP_REFUSED, "%d %s", resp.outcome, resp.error);
  cr_assert_eq(resp.status, 0);
  cr_assert_neq(resp.error[0], 0);
  gt_http_response_free(&resp);
  gt_http_request_free(&req);
}

/* ---- the executor ---- */

Test(http_exec, parallel_all_complete_with_tags, .timeout = 60) {
  int port;
  struct MHD_Daemon *d = start_server(&port, NULL, NULL);
  gt_http_opts o = {.max_parallel = 8};
  gt_err err;
  gt_http_exec *x = gt_http_exec_new(&o, &err);
  cr_assert_not_null(x);
  enum { N = 50 };
  gt_http_request reqs[N];
  int tags[N], seen[N] = {0};
  for (int i = 0; i < N; i++) {
    reqs[i] = make_req("POST", port, "/echo");
    reqs[i].body = gt_xasprintf("%d", i);
    reqs[i].body_len = strlen(reqs[i].body);
    tags[i] = i;
    gt_http_exec_add(x, &reqs[i], &tags[i]);
  }
  cr_assert_eq(gt_http_exec_pending(x), N);
  int got = 0;
  for (int spins = 0; got < N && spins < 1000; spins++) {
    gt_http_response resp;
    int *tag = gt_http_exec_next(x, &resp, 100);
    if (!tag) continue;
    cr_assert_eq(resp.outcome, GT_HTTP_OK, "%s", resp.error);
    char want[32];
    snprintf(want, sizeof want, "POST\n%d", *tag);
    cr_assert_str_eq(resp.body.data, want, "the response belongs to its tag");
    seen[*tag]++;
    got++;
    gt_http_response_free(&resp);
  }
  cr_assert_eq(got, N);
  for (int i = 0; i < N; i++)
    cr_assert_eq(seen[i], 1);
  cr_assert_eq(gt_http_exec_pending(x), 0);
  gt_http_response resp;
  cr_assert_null(gt_http_exec_next(x, &resp, 10));
  cr_assert_leq(atomic_load(&connections), 8, "at most max_parallel connections");
  gt_http_exec_free(x);
  for (int i = 0; i < N; i++)
    gt_http_request_free(&reqs[i]);
  MHD_stop_daemon(d);
}

Test(http_exec, sequential_requests_reuse_one_connection, .timeout = 60) {
  int port;
  struct MHD_Daemon *d = start_server(&port, NULL, NULL);
  gt_http_opts o = {0};
  gt_err err;
  gt_http_exec *x = gt_http_exec_new(&o, &err);
  gt_http_request req = make_req("GET", port, "/status/200");
  for (int i = 0; i < 100; i++) {
    gt_http_exec_add(x, &req, &req);
    gt_http_response resp;
    void *tag = gt_http_exec_next(x, &resp, 5000);
    cr_assert_eq(tag, &req);
    cr_assert_eq(resp.status, 200);
    gt_http_response_free(&resp);
  }
  cr_assert_eq(atomic_load(&connections), 1, "connections: %d", atomic_load(&connections));
  gt_http_exec_free(x);
  gt_http_request_free(&req);
  MHD_stop_daemon(d);
}

Test(http_exec, rate_limit_spaces_starts, .timeout = 60) {
  int port;
  struct MHD_Daemon *d = start_server(&port, NULL, NULL);
  gt_http_opts o = {.max_parallel = 8, .rate = 10};
  gt_err err;
  gt_http_exec *x = gt_http_exec_new(&o, &err);
  gt_http_request req = make_req("GET", port, "/status/204");
  double t0 = now_s();
  for (int i = 0; i < 20; i++)
    gt_http_exec_add(x, &req, &req);
  int got = 0;
  for (int spins = 0; got < 20 && spins < 1000; spins++) {
    gt_http_response resp;
    if (gt_http_exec_next(x, &resp, 100)) {
      cr_assert_eq(resp.status, 204);
      got++;
      gt_http_response_free(&resp);
    }
  }
  double took = now_s() - t0;
  cr_assert_eq(got, 20);
  cr_assert_geq(took, 1.8, "20 requests at 10/s took %.3fs", took);
  gt_http_exec_free(x);
  gt_http_request_free(&req);
  MHD_stop_daemon(d);
}

Test(http_exec, cancel_all_drops_everything, .timeout = 30) {
  int port;
  struct MHD_Daemon *d = start_server(&port, NULL, NULL);
  gt_http_opts o = {.max_parallel = 2};
  gt_err err;
  gt_http_exec *x = gt_http_exec_new(&o, &err);
  gt_http_request req = make_req("GET", port, "/big");
  for (int i = 0; i < 10; i++)
    gt_http_exec_add(x, &req, &req);
  gt_http_response resp;
  (void)gt_http_exec_next(x, &resp, 0); /* starts two transfers */
  gt_http_exec_cancel_all(x);
  cr_assert_eq(gt_http_exec_pending(x), 0);
  cr_assert_null(gt_http_exec_next(x, &resp, 50));
  /* Still usable afterwards. */
  gt_http_request ok = make_req("GET", port, "/status/200");
  gt_http_exec_add(x, &ok, &ok);
  cr_assert_eq(gt_http_exec_next(x, &resp, 5000), &ok);
  cr_assert_eq(resp.status, 200);
  gt_http_response_free(&resp);
  gt_http_exec_free(x);
  gt_http_request_free(&req);
  gt_http_request_free(&ok);
  MHD_stop_daemon(d);
}

/* ---- TLS ---- */

Test(http_tls, verification_and_cacert, .timeout = 60) {
  cr_assert(MHD_is_feature_supported(MHD_FEATURE_TLS) == MHD_YES, "MHD without TLS");
  char *dir = ts_tempdir(), *cert = NULL, *key = NULL;
  cr_assert_not_null(dir);
  cr_assert(ts_make_cert(dir, &cert, &key), "openssl could not make a certificate");
  char *cert_pem = ts_read_file(cert, NULL), *key_pem = ts_read_file(key, NULL);
  int port;
  struct MHD_Daemon *d = start_server(&port, cert_pem, key_pem);
  gt_http_request req = make_req("POST", port, "/echo");
  free(req.url);
  req.url = gt_xasprintf("https://127.0.0.1:%d/echo", port);
  req.body = gt_xstrdup("tls");
  req.body_len = 3;

  gt_http_opts o = {0};
  gt_http_response resp = run_one(&o, &req);
  cr_assert_eq(resp.outcome, GT_HTTP_TLS, "without cacert: %d %s", resp.outcome, resp.error);
  gt_http_response_free(&resp);

  o.cacert = cert;
  resp = run_one(&o, &req);
  cr_assert_eq(resp.outcome, GT_HTTP_OK, "with cacert: %s", resp.error);
  cr_assert_str_eq(resp.body.data, "POST\ntls");
  cr_assert_gt(resp.timing.tls, 0);
  gt_http_response_free(&resp);

  gt_http_opts insecure = {.insecure = true};
  resp = run_one(&insecure, &req);
  cr_assert_eq(resp.outcome, GT_HTTP_OK, "insecure: %s", resp.error);
  gt_http_response_free(&resp);

  /* Raw mode over TLS: exact bytes inside the TLS stream, answer parsed. */
  const char raw[] = "GET /status/202 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  req.raw = gt_xstrdup(raw);
  req.raw_len = sizeof raw - 1;
  resp = run_one(&o, &req);
  cr_assert_eq(resp.outcome, GT_HTTP_OK, "raw TLS: %d %s", resp.outcome, resp.error);
  cr_assert_eq(resp.status, 202);
  cr_assert_str_eq(resp.body.data, "st");
  gt_http_response_free(&resp);
  gt_http_opts no_ca = {0};
  resp = run_one(&no_ca, &req);
  cr_assert_eq(resp.outcome, GT_HTTP_TLS, "raw TLS without cacert: %d %s", resp.outcome,
               resp.error);
  gt_http_response_free(&resp);

  gt_http_request_free(&req);
  MHD_stop_daemon(d);
  free(cert_pem);
  free(key_pem);
  free(cert);
  free(key);
  ts_rmtree(dir);
  free(dir);
}
