/* async_api.c — a test target that is slow to start and does work in the
 * background, for --wait-for / wait_for and poll: (tests only; independent of
 * the gauntlet library so that it judges what the runner sends).
 *
 * Usage:
 *   async_api --http-port P [--listen-after-ms N] [--ready-after-ms N | --never-ready]
 *             [--done-after-polls N | --done-after-ms N | --never-done]
 *
 *   --listen-after-ms N   the port accepts connections only N ms after start
 *   --ready-after-ms N    GET /health answers 503 until N ms after start, then 200
 *   --never-ready         GET /health always answers 503
 *   --done-after-polls N  a job is finished from its N-th GET on (default 3)
 *   --done-after-ms N     a job is finished N ms after it was created
 *   --never-done          jobs never finish
 *
 * Endpoints (JSON, Content-Type: application/json):
 *   GET  /health      {"ok": true} or 503 {"error": {"code": 503, "message": ...}}
 *   POST /jobs        201 {"id": "jN", "finished": false}
 *   GET  /jobs/{id}   200 {"id": "jN", "finished": bool, "polls": n}; 404 unknown
 *   GET  /__log       {"requests": [{"method", "path", "ms"}...]}: every request
 *                     seen (except /__log), ms since start
 */
#include <stdint.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_JOBS 256
#define MAX_LOG 4096

typedef struct job {
  long created_ms;
  int polls;
} job;

static struct {
  long ready_after_ms;
  bool never_ready;
  int done_after_polls;
  long done_after_ms;
  bool never_done;
} opt = {.done_after_polls = 3, .done_after_ms = -1};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static job jobs[MAX_JOBS];
static int n_jobs;
static struct {
  char method[8];
  char path[64];
  long ms;
} log_[MAX_LOG];
static int n_log;
static long start_ms;
static volatile sig_atomic_t stop_requested;

static long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long)ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static enum MHD_Result answer(struct MHD_Connection *c, unsigned status, const char *body) {
  struct MHD_Response *r =
      MHD_create_response_from_buffer(strlen(body), (void *)(uintptr_t)body, MHD_RESPMEM_MUST_COPY);
  MHD_add_response_header(r, "Content-Type", "application/json");
  enum MHD_Result ret = MHD_queue_response(c, status, r);
  MHD_destroy_response(r);
  return ret;
}

static enum MHD_Result error(struct MHD_Connection *c, unsigned status, const char *msg) {
  char body[256];
  snprintf(body, sizeof body, "{\"error\": {\"code\": %u, \"message\": \"%s\"}}", status, msg);
  return answer(c, status, body);
}

static enum MHD_Result send_log(struct MHD_Connection *c) {
  size_t cap = 64 + (size_t)n_log * 128, len = 0;
  char *body = malloc(cap);
  len += (size_t)snprintf(body + len, cap - len, "{\"requests\": [");
  for (int i = 0; i < n_log; i++)
    len += (size_t)snprintf(body + len, cap - len,
                            "%s{\"method\": \"%s\", \"path\": \"%s\", \"ms\": %ld}", i ? ", " : "",
                            log_[i].method, log_[i].path, log_[i].ms);
  snprintf(body + len, cap - len, "]}");
  enum MHD_Result r = answer(c, 200, body);
  free(body);
  return r;
}

static enum MHD_Result route(struct MHD_Connection *c, const char *method, const char *url) {
  long t = now_ms() - start_ms;
  if (!strcmp(url, "/__log")) return send_log(c);
  if (n_log < MAX_LOG) {
    snprintf(log_[n_log].method, sizeof log_[n_log].method, "%s", method);
    snprintf(log_[n_log].path, sizeof log_[n_log].path, "%s", url);
    log_[n_log].ms = t;
    n_log++;
  }
  char body[256];
  if (!strcmp(url, "/health")) {
    if (strcmp(method, "GET")) return error(c, 405, "method not allowed");
    if (opt.never_ready || t < opt.ready_after_ms) return error(c, 503, "starting");
    return answer(c, 200, "{\"ok\": true}");
  }
  if (!strcmp(url, "/jobs")) {
    if (strcmp(method, "POST")) return error(c, 405, "method not allowed");
    if (n_jobs == MAX_JOBS) return error(c, 503, "too many jobs");
    jobs[n_jobs] = (job){.created_ms = t};
    n_jobs++;
    snprintf(body, sizeof body, "{\"id\": \"j%d\", \"finished\": false}", n_jobs);
    return answer(c, 201, body);
  }
  int id;
  char tail;
  if (sscanf(url, "/jobs/j%d%c", &id, &tail) == 1) {
    if (strcmp(method, "GET")) return error(c, 405, "method not allowed");
    if (id < 1 || id > n_jobs) return error(c, 404, "no such job");
    job *j = &jobs[id - 1];
    j->polls++;
    bool done = !opt.never_done && (opt.done_after_ms >= 0 ? t - j->created_ms >= opt.done_after_ms
                                                           : j->polls >= opt.done_after_polls);
    snprintf(body, sizeof body, "{\"id\": \"j%d\", \"finished\": %s, \"polls\": %d}", id,
             done ? "true" : "false", j->polls);
    return answer(c, 200, body);
  }
  return error(c, 404, "not found");
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
                               const char *method, const char *version, const char *upload_data,
                               size_t *upload_data_size, void **state) {
  (void)cls, (void)version, (void)upload_data;
  if (!*state) { /* first call: headers only */
    *state = (void *)1;
    return MHD_YES;
  }
  if (*upload_data_size) { /* bodies are not read */
    *upload_data_size = 0;
    return MHD_YES;
  }
  pthread_mutex_lock(&mu);
  enum MHD_Result r = route(c, method, url);
  pthread_mutex_unlock(&mu);
  return r;
}

static void on_signal(int sig) {
  (void)sig;
  stop_requested = 1;
}

int main(int argc, char **argv) {
  int port = 0;
  long listen_after_ms = 0;
  for (int i = 1; i < argc; i++) {
    const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : "";
    if (!strcmp(k, "--never-ready")) {
      opt.never_ready = true;
    } else if (!strcmp(k, "--never-done")) {
      opt.never_done = true;
    } else if (!strcmp(k, "--http-port")) {
      port = atoi(v), i++;
    } else if (!strcmp(k, "--listen-after-ms")) {
      listen_after_ms = atol(v), i++;
    } else if (!strcmp(k, "--ready-after-ms")) {
      opt.ready_after_ms = atol(v), i++;
    } else if (!strcmp(k, "--done-after-polls")) {
      opt.done_after_polls = atoi(v), i++;
    } else if (!strcmp(k, "--done-after-ms")) {
      opt.done_after_ms = atol(v), i++;
    } else {
      fprintf(stderr, "async_api: unknown option %s\n", k);
      return 2;
    }
  }
  if (port <= 0) {
    fprintf(stderr, "async_api: --http-port is required\n");
    return 2;
  }
  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);
  start_ms = now_ms();
  while (!stop_requested && now_ms() - start_ms < listen_after_ms)
    usleep(10000);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  struct MHD_Daemon *d = MHD_start_daemon(
      MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG,
      (uint16_t)port, NULL, NULL, handler, NULL, MHD_OPTION_SOCK_ADDR, &a,
      MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_END);
  if (!d) {
    fprintf(stderr, "async_api: cannot listen on 127.0.0.1:%d\n", port);
    return 1;
  }
  while (!stop_requested)
    usleep(20000);
  MHD_stop_daemon(d);
  return 0;
}
