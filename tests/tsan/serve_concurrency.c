/* serve_concurrency.c — gt_serve_handle from 8 threads at once, as
 * libmicrohttpd calls it (one thread per connection): creates, lists, reads,
 * unknown routes and injected answers, then the report. Run under
 * ThreadSanitizer (GAUNTLET_TSAN=ON): any data race between the steps of a
 * request fails it; without TSan it still checks that no request was lost
 * and every id was given once. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/serve.h"
#include "suite/suite.h"

#define TOKEN "tok-0123456789abcdef"
#define N_THREADS 8
#define N_ROUNDS 100
#define PER_ROUND 4

static gt_serve *srv;

typedef struct worker {
  char *ids[N_ROUNDS];
  int created;
} worker;

static void handle(gt_serve_response *resp, const char *method, const char *target,
                   const char *body) {
  gt_header h[2] = {{"Authorization", "Bearer " TOKEN}, {"Content-Type", "application/json"}};
  gt_serve_request r = {.method = method,
                        .target = target,
                        .headers = h,
                        .n_headers = body ? 2 : 1,
                        .body = body,
                        .body_len = body ? strlen(body) : 0,
                        .body_total = body ? strlen(body) : 0};
  gt_serve_response_init(resp);
  gt_serve_handle(srv, &r, resp);
}

static void *work(void *arg) {
  worker *w = arg;
  for (int i = 0; i < N_ROUNDS; i++) {
    gt_serve_response r;
    handle(&r, "POST", "/v1/items", "{\"name\":\"w\",\"size\":1,\"tags\":[]}");
    cJSON *j = r.status == 201 ? cJSON_Parse(r.body.data) : NULL; /* or injected */
    cJSON *id = cJSON_GetObjectItem(j, "id");
    if (cJSON_IsString(id)) w->ids[w->created++] = strdup(id->valuestring);
    cJSON_Delete(j);
    gt_serve_response_free(&r);
    handle(&r, "GET", "/v1/items?limit=5", NULL);
    gt_serve_response_free(&r);
    handle(&r, "GET", "/v1/items/newest", NULL);
    gt_serve_response_free(&r);
    handle(&r, "GET", "/v1/nope", NULL);
    gt_serve_response_free(&r);
  }
  return NULL;
}

static void log_line(void *ud, const char *line) {
  (void)line;
  __atomic_add_fetch((long *)ud, 1, __ATOMIC_RELAXED);
}

int main(void) {
  gt_err err = {0};
  gt_load_opts lo = {.use_env = true};
  gt_suite *suite = gt_suite_load(SOURCE_DIR "/tests/fixtures/serve/items.yaml", &lo, &err);
  if (!suite) {
    fprintf(stderr, "load: %s\n", err.msg);
    return 1;
  }
  gt_secrets *secrets = gt_secrets_new();
  long logged = 0;
  gt_serve_opts o = {.use_env = true,
                     .seed = 7,
                     .inject = "status:503,slow:1ms,malformed_json",
                     .inject_rate = 0.3,
                     .secrets = secrets,
                     .log = log_line,
                     .log_ud = &logged};
  srv = gt_serve_new(&suite, 1, &o, &err);
  if (!srv) {
    fprintf(stderr, "serve: %s\n", err.msg);
    return 1;
  }
  static worker w[N_THREADS];
  pthread_t t[N_THREADS];
  for (int i = 0; i < N_THREADS; i++)
    pthread_create(&t[i], NULL, work, &w[i]);
  for (int i = 0; i < N_THREADS; i++)
    pthread_join(t[i], NULL);

  int failures = 0;
  size_t want = (size_t)N_THREADS * N_ROUNDS * PER_ROUND;
  if (gt_serve_request_count(srv) != want || logged != (long)want) {
    fprintf(stderr, "%zu audit records and %ld log lines for %zu requests\n",
            gt_serve_request_count(srv), logged, want);
    failures++;
  }
  cJSON *seen = cJSON_CreateObject();
  for (int i = 0; i < N_THREADS; i++)
    for (int k = 0; k < w[i].created; k++) {
      if (cJSON_GetObjectItem(seen, w[i].ids[k])) {
        fprintf(stderr, "id %s given twice\n", w[i].ids[k]);
        failures++;
      }
      cJSON_AddTrueToObject(seen, w[i].ids[k]);
      free(w[i].ids[k]);
    }
  cJSON_Delete(seen);
  bool conformed = false;
  if (!gt_serve_write_junit(srv, "/dev/null", &conformed, &err)) {
    fprintf(stderr, "report: %s\n", err.msg);
    failures++;
  }
  gt_serve_free(srv);
  gt_secrets_free(secrets);
  gt_suite_free(suite);
  if (!failures) printf("ok: %zu requests from %d threads\n", want, N_THREADS);
  return failures ? 1 : 0;
}
