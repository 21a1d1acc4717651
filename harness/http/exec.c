/* exec.c — the request executor: many transfers on one libcurl multi handle.
 *
 * Why this shape:
 * - One multi handle keeps the connection cache, so keep-alive (HTTP/1.1) and
 *   multiplexing (HTTP/2 over TLS) happen across requests.
 * - Easy handles come from a free pool and are curl_easy_reset between uses:
 *   creating one per request costs more than the request on loopback.
 * - A share handle keeps DNS answers and TLS sessions across easy handles.
 * - Queues are intrusive FIFO lists and running jobs sit in an array with
 *   swap-remove: O(1) add, start and completion.
 * - Raw-mode requests each run in their own thread (they block on purpose,
 *   e.g. trickling a body) and post their completion back, waking the poll.
 * - The rate limit is a token bucket of capacity 1: starts are spaced 1/rate
 *   apart, and the poll wait is capped so the next start is not late. */
#include "http_internal.h"

#include <curl/curl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define DEFAULT_PARALLEL 8
#define DEFAULT_BODY_CAP (1024 * 1024)
#define DEFAULT_TIMEOUT_MS 30000L
/* Low-speed guard: abort a transfer that moves under 1 byte/s this long. */
#define LOW_SPEED_TIME_S 30L
#define MAX_REDIRECTS 5L

typedef struct job {
  const gt_http_request *req; /* the caller's; alive until completion */
  void *tag;
  gt_http_response resp; /* moved to the caller on completion */
  size_t cap;
  CURL *easy;                 /* borrowed from the pool while running */
  struct curl_slist *headers; /* owned; freed with the job */
  char errbuf[CURL_ERROR_SIZE];
  size_t run_idx; /* position in x->running */
  bool encoded;   /* the answer has a Content-Encoding: the cap bounds decoding */
  double started; /* now_s() when it left the queue (after the rate limit) */
  /* raw mode */
  bool raw;
  pthread_t thread;
  _Atomic bool cancel;
  struct gt_http_exec *x;
  struct job *next; /* link in queued, posted or done */
} job;

typedef struct job_list {
  job *head, *tail;
} job_list;

struct gt_http_exec {
  gt_http_opts opts;
  char *cacert, *cert, *key; /* owned copies of the option strings */
  CURLM *multi;
  CURLSH *share;
  CURL **pool; /* free easy handles (owned), already reset */
  size_t pool_len, pool_cap;
  job **running; /* started, not yet completed (owned jobs) */
  size_t n_running, running_cap;
  job_list queued;
  size_t n_queued;
  job_list posted; /* raw threads' completions; guarded by mu */
  pthread_mutex_t mu;
  job_list done; /* completions not yet handed out */
  size_t n_done;
  double next_start; /* rate limit: earliest start of the next request */
};

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void list_push(job_list *l, job *j) {
  j->next = NULL;
  if (l->tail)
    l->tail->next = j;
  else
    l->head = j;
  l->tail = j;
}

static job *list_pop(job_list *l) {
  job *j = l->head;
  if (!j) return NULL;
  l->head = j->next;
  if (!l->head) l->tail = NULL;
  j->next = NULL;
  return j;
}

static void running_add(gt_http_exec *x, job *j) {
  if (x->n_running == x->running_cap) {
    x->running_cap = x->running_cap ? x->running_cap * 2 : 16;
    x->running = gt_xrealloc(x->running, x->running_cap * sizeof *x->running);
  }
  j->run_idx = x->n_running;
  x->running[x->n_running++] = j;
}

static void running_remove(gt_http_exec *x, job *j) {
  job *last = x->running[--x->n_running];
  x->running[j->run_idx] = last;
  last->run_idx = j->run_idx;
}

static char *dup_or_null(const char *s) {
  return s ? gt_xstrdup(s) : NULL;
}

gt_http_exec *gt_http_exec_new(const gt_http_opts *opts, gt_err *err) {
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    gt_err_set(err, GT_ERR_RUNTIME, NULL, 0, 0, "libcurl initialisation failed");
    return NULL;
  }
  gt_http_exec *x = gt_xcalloc(1, sizeof *x);
  x->opts = *opts;
  x->cacert = dup_or_null(opts->cacert);
  x->cert = dup_or_null(opts->cert);
  x->key = dup_or_null(opts->key);
  x->opts.cacert = x->cacert, x->opts.cert = x->cert, x->opts.key = x->key;
  if (x->opts.max_parallel <= 0) x->opts.max_parallel = DEFAULT_PARALLEL;
  if (x->opts.body_cap == 0) x->opts.body_cap = DEFAULT_BODY_CAP;
  pthread_mutex_init(&x->mu, NULL);
  x->multi = curl_multi_init();
  x->share = curl_share_init();
  if (!x->multi || !x->share) {
    gt_err_set(err, GT_ERR_RUNTIME, NULL, 0, 0, "libcurl multi handle could not be created");
    gt_http_exec_free(x);
    return NULL;
  }
  /* Only this thread uses the share (raw threads never do): no lock callbacks. */
  curl_share_setopt(x->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl_share_setopt(x->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  long par = x->opts.max_parallel;
  curl_multi_setopt(x->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
  curl_multi_setopt(x->multi, CURLMOPT_MAX_HOST_CONNECTIONS, par);
  curl_multi_setopt(x->multi, CURLMOPT_MAXCONNECTS, par + 4);
  return x;
}

static void job_free(job *j) {
  gt_http_response_free(&j->resp);
  curl_slist_free_all(j->headers);
  free(j);
}

/* Returns an easy handle to the pool, reset so it holds no pointers into a job. */
static void easy_release(gt_http_exec *x, CURL *e) {
  curl_easy_reset(e);
  if (x->pool_len == x->pool_cap) {
    x->pool_cap = x->pool_cap ? x->pool_cap * 2 : 16;
    x->pool = gt_xrealloc(x->pool, x->pool_cap * sizeof *x->pool);
  }
  x->pool[x->pool_len++] = e;
}

static CURL *easy_acquire(gt_http_exec *x) {
  if (x->pool_len > 0) return x->pool[--x->pool_len];
  return curl_easy_init();
}

void gt_http_exec_cancel_all(gt_http_exec *x) {
  job *j;
  while ((j = list_pop(&x->queued)))
    job_free(j);
  x->n_queued = 0;
  /* Raw threads first get the word, then are waited for (each notices within
   * one poll slice). */
  for (size_t i = 0; i < x->n_running; i++)
    if (x->running[i]->raw) x->running[i]->cancel = true;
  for (size_t i = 0; i < x->n_running; i++) {
    j = x->running[i];
    if (j->raw) {
      pthread_join(j->thread, NULL);
    } else {
      curl_multi_remove_handle(x->multi, j->easy);
      easy_release(x, j->easy);
    }
  }
  /* Every raw job has posted by now and all are in running: forget the list. */
  pthread_mutex_lock(&x->mu);
  x->posted.head = x->posted.tail = NULL;
  pthread_mutex_unlock(&x->mu);
  for (size_t i = 0; i < x->n_running; i++)
    job_free(x->running[i]);
  x->n_running = 0;
  while ((j = list_pop(&x->done)))
    job_free(j);
  x->n_done = 0;
}

void gt_http_exec_free(gt_http_exec *x) {
  if (!x) return;
  gt_http_exec_cancel_all(x);
  for (size_t i = 0; i < x->pool_len; i++)
    curl_easy_cleanup(x->pool[i]);
  free(x->pool);
  free(x->running);
  if (x->multi) curl_multi_cleanup(x->multi);
  if (x->share) curl_share_cleanup(x->share);
  pthread_mutex_destroy(&x->mu);
  free(x->cacert);
  free(x->cert);
  free(x->key);
  free(x);
  curl_global_cleanup();
}

void gt_http_exec_add(gt_http_exec *x, const gt_http_request *req, void *tag) {
  job *j = gt_xcalloc(1, sizeof *j); /* owned by the executor until handed out */
  j->req = req;
  j->tag = tag;
  j->x = x;
  j->cap = x->opts.body_cap;
  j->raw = req->raw != NULL;
  gt_buf_init(&j->resp.body);
  list_push(&x->queued, j);
  x->n_queued++;
}

size_t gt_http_exec_pending(const gt_http_exec *x) {
  return x->n_queued + x->n_running + x->n_done;
}

/* ---- curl callbacks ---- */

static size_t on_header(char *data, size_t size, size_t n, void *userp) {
  job *j = userp;
  size_t len = size * n;
  if (len >= 5 && memcmp(data, "HTTP/", 5) == 0) {
    /* A new response (redirect hop, 1xx): only the final one's body counts. */
    gt_buf_reset(&j->resp.body);
    j->resp.body_total = 0;
    j->resp.body_truncated = false;
    j->encoded = false;
  }
  gt_http_response_header_line(&j->resp, data, len);
  if (len > 17 && strncasecmp(data, "Content-Encoding:", 17) == 0) {
    const char *v = data + 17;
    while (v < data + len && (*v == ' ' || *v == '\t'))
      v++;
    j->encoded = strncasecmp(v, "identity", 8) != 0;
  }
  return len;
}

static size_t on_body(char *data, size_t size, size_t n, void *userp) {
  job *j = userp;
  gt_http_response_add_body(&j->resp, j->cap, data, size * n);
  /* Decoded bytes past the cap are not worth inflating: a few hundred KB of
   * gzip can expand to gigabytes. Returning short stops the transfer. */
  if (j->encoded && j->resp.body_truncated) {
    j->resp.body_decode_stopped = true;
    return 0;
  }
  return size * n;
}

const char *gt_http_accept_encoding(void) {
  /* Literals indexed by (zlib, brotli, zstd) support bits. */
  static const char *const lists[8] = {
      "",     "gzip, deflate",       "br",       "gzip, deflate, br",
      "zstd", "gzip, deflate, zstd", "br, zstd", "gzip, deflate, br, zstd"};
  const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
  int bits = 0;
  if (v->features & CURL_VERSION_LIBZ) bits |= 1;
#ifdef CURL_VERSION_BROTLI
  if (v->features & CURL_VERSION_BROTLI) bits |= 2;
#endif
#ifdef CURL_VERSION_ZSTD
  if (v->features & CURL_VERSION_ZSTD) bits |= 4;
#endif
  return lists[bits];
}

/* ---- starting ---- */

static struct curl_slist *build_headers(const gt_http_request *req) {
  struct curl_slist *l = NULL;
  gt_buf line;
  gt_buf_init(&line);
  for (size_t i = 0; i < req->n_headers; i++) {
    gt_buf_reset(&line);
    const gt_header *h = &req->headers[i];
    /* "Name;" is libcurl's spelling of a header with an empty value
     * ("Name:" would remove it). */
    if (h->value && h->value[0])
      gt_buf_printf(&line, "%s: %s", h->name, h->value);
    else
      gt_buf_printf(&line, "%s;", h->name);
    l = curl_slist_append(l, line.data);
  }
  gt_buf_free(&line);
  /* Suppress what libcurl would add on its own and the request did not ask for. */
  if (!gt_http_request_header(req, "Expect")) l = curl_slist_append(l, "Expect:");
  if (req->body && !gt_http_request_header(req, "Content-Type"))
    l = curl_slist_append(l, "Content-Type:");
  return l;
}

static void setup_easy(gt_http_exec *x, job *j, CURL *e) {
  const gt_http_request *req = j->req;
  curl_easy_setopt(e, CURLOPT_URL, req->url);
  curl_easy_setopt(e, CURLOPT_PRIVATE, j);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, j->errbuf);
  curl_easy_setopt(e, CURLOPT_SHARE, x->share);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, j);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, j);
  curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
  /* Wait for a connection being set up rather than opening another, so
   * HTTP/2 streams share it. Plain http cannot multiplex: don't wait there. */
  if (strncasecmp(req->url, "https:", 6) == 0) curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);

  const char *method = req->method ? req->method : "GET";
  bool head = strcasecmp(method, "HEAD") == 0;
  if (head) curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
  if (req->body && !head) {
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
    /* A zero-length body still needs a valid pointer for Content-Length: 0. */
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, req->body);
  }
  curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
  /* No Accept-Encoding would make any coding acceptable (RFC 9110 §12.5.3),
   * and servers do compress then: advertise what libcurl decodes and judge
   * the decoded body. A request's own Accept-Encoding is sent as written;
   * whatever coding comes back is still decoded. */
  const char *codings = gt_http_accept_encoding();
  if (codings[0]) {
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, codings);
    if (!gt_http_request_header(req, "Accept-Encoding")) j->resp.accept_encoding = codings;
  }
  j->headers = build_headers(req);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, j->headers);
  if (req->fresh_connect) curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
  if (req->follow_redirects) {
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, MAX_REDIRECTS);
  }
  long timeout = req->timeout_ms > 0 ? req->timeout_ms : DEFAULT_TIMEOUT_MS;
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout);
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, LOW_SPEED_TIME_S);
  gt_http_set_tls(e, &x->opts);
}

static void complete(gt_http_exec *x, job *j) {
  list_push(&x->done, j);
  x->n_done++;
}

static void fail_job(gt_http_exec *x, job *j, const char *msg) {
  j->resp.outcome = GT_HTTP_OTHER;
  snprintf(j->resp.error, sizeof j->resp.error, "%s", msg);
  complete(x, j);
}

static void *raw_main(void *arg) {
  job *j = arg;
  gt_http_exec *x = j->x; /* read before posting: j belongs to the main thread after */
  gt_http_raw_exchange(&x->opts, j->req, &j->resp, &j->cancel);
  pthread_mutex_lock(&x->mu);
  list_push(&x->posted, j);
  pthread_mutex_unlock(&x->mu);
  curl_multi_wakeup(x->multi); /* x outlives us: it joins every raw thread */
  return NULL;
}

/* now: the time start_queued decided to start it (the rate limit's clock). */
static void start_job(gt_http_exec *x, job *j, double now) {
  j->started = now;
  if (j->raw) {
    if (pthread_create(&j->thread, NULL, raw_main, j) != 0)
      return fail_job(x, j, "could not start a thread for the raw request");
    running_add(x, j);
    return;
  }
  CURL *e = easy_acquire(x);
  if (!e) return fail_job(x, j, "curl_easy_init failed");
  setup_easy(x, j, e);
  j->easy = e;
  if (curl_multi_add_handle(x->multi, e) != CURLM_OK) {
    j->easy = NULL;
    easy_release(x, e);
    return fail_job(x, j, "curl_multi_add_handle failed");
  }
  running_add(x, j);
}

/* Starts queued jobs as slots and the rate allow. Returns seconds until the
 * rate lets the next one start, or -1 when nothing waits on the rate. */
static double start_queued(gt_http_exec *x) {
  while (x->queued.head && x->n_running < (size_t)x->opts.max_parallel) {
    double now = now_s();
    if (x->opts.rate > 0) {
      if (now < x->next_start) return x->next_start - now;
      x->next_start = (now > x->next_start ? now : x->next_start) + 1.0 / x->opts.rate;
    }
    job *j = list_pop(&x->queued);
    x->n_queued--;
    start_job(x, j, now);
  }
  return -1;
}

/* ---- finishing ---- */

static double info_seconds(CURL *e, CURLINFO what) {
  curl_off_t us = 0;
  if (curl_easy_getinfo(e, what, &us) != CURLE_OK) return 0;
  return (double)us / 1e6;
}

static void finish_curl(gt_http_exec *x, CURL *e, CURLcode rc) {
  job *j = NULL;
  curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&j);
  gt_http_response *r = &j->resp;
  long code = 0;
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
  if (r->status == 0 && code > 0) r->status = (int)code;
  r->timing.total = info_seconds(e, CURLINFO_TOTAL_TIME_T);
  r->timing.connect = info_seconds(e, CURLINFO_CONNECT_TIME_T);
  r->timing.tls = info_seconds(e, CURLINFO_APPCONNECT_TIME_T);
  r->timing.first_byte = info_seconds(e, CURLINFO_STARTTRANSFER_TIME_T);
  /* Stopped on purpose at the decoded cap: the answer itself is complete enough. */
  if (rc == CURLE_WRITE_ERROR && r->body_decode_stopped) rc = CURLE_OK;
  r->body_decoded = j->encoded;
  r->outcome = gt_http_outcome_from_curl(rc);
  if (rc != CURLE_OK) gt_http_error_text(r->error, sizeof r->error, rc, j->errbuf);
  curl_multi_remove_handle(x->multi, e);
  j->easy = NULL;
  easy_release(x, e);
  running_remove(x, j);
  complete(x, j);
}

static void read_messages(gt_http_exec *x) {
  CURLMsg *m;
  int left;
  while ((m = curl_multi_info_read(x->multi, &left)))
    if (m->msg == CURLMSG_DONE) finish_curl(x, m->easy_handle, m->data.result);
}

/* Moves raw threads' completions to the done list, joining each thread. */
static void collect_posted(gt_http_exec *x) {
  pthread_mutex_lock(&x->mu);
  job *j = x->posted.head;
  x->posted.head = x->posted.tail = NULL;
  pthread_mutex_unlock(&x->mu);
  while (j) {
    job *next = j->next;
    pthread_join(j->thread, NULL);
    running_remove(x, j);
    complete(x, j);
    j = next;
  }
}

static void *hand_out(gt_http_exec *x, gt_http_response *resp) {
  job *j = list_pop(&x->done);
  x->n_done--;
  *resp = j->resp; /* moved: the caller frees it */
  resp->timing.started = j->started;
  memset(&j->resp, 0, sizeof j->resp);
  void *tag = j->tag;
  job_free(j);
  return tag;
}

void *gt_http_exec_next(gt_http_exec *x, gt_http_response *resp, int wait_ms) {
  double deadline = wait_ms < 0 ? INFINITY : now_s() + wait_ms / 1000.0;
  for (;;) {
    collect_posted(x);
    if (x->done.head) return hand_out(x, resp);
    if (x->n_queued == 0 && x->n_running == 0) return NULL;
    double rate_wait = start_queued(x);
    int still = 0;
    curl_multi_perform(x->multi, &still);
    read_messages(x);
    collect_posted(x);
    if (x->done.head) return hand_out(x, resp);
    double left = deadline - now_s();
    if (left <= 0) return NULL;
    if (rate_wait >= 0 && rate_wait < left) left = rate_wait;
    double ms = ceil(left * 1000.0);
    if (ms > 1000) ms = 1000; /* bounded slices; the loop re-checks everything */
    curl_multi_poll(x->multi, NULL, 0, (int)ms, NULL);
  }
}
