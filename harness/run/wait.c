/* wait.c — `--wait-for DURATION` and a suite's `wait_for:`: before the
 * first case, wait until the target is up.
 *
 * In CI the target is usually started in the background next to gauntlet;
 * without this the first cases race its start-up. Ready means: the base
 * URL's host:port accepts a TCP connection, or, with `wait_for.path`, a GET
 * of base URL + path answers with a status in `wait_for.status` (default
 * 2xx). Attempts are spaced 100ms, 200ms, 400ms ... (at most 2s) until the
 * timeout; then the run stops with a runtime error (exit 3) that says what
 * was tried and the last answer. This is the only retry gauntlet does on its
 * own: a transport error during the run is a reported case error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/buf.h"
#include "run.h"

#define FIRST_DELAY_MS 100L
#define MAX_DELAY_MS 2000L
#define MAX_ATTEMPT_MS 5000L

static long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long)ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static bool was_interrupted(const gt_run_opts *o) {
  return o->interrupted && *o->interrupted;
}

/* Sleeps ms in short slices so that an interrupt is seen quickly. */
static void pause_ms(const gt_run_opts *o, long ms) {
  long end = now_ms() + ms;
  for (long left = ms; left > 0 && !was_interrupted(o); left = end - now_ms()) {
    long step = left < 50 ? left : 50;
    struct timespec ts = {.tv_sec = 0, .tv_nsec = step * 1000000L};
    nanosleep(&ts, NULL);
  }
}

/* One attempt; true when ready. last gets what was seen otherwise. */
static bool attempt(const gt_wait_for *w, const char *base, const gt_run_opts *o, long budget_ms,
                    char *last, size_t cap) {
  if (!w->path) return gt_http_tcp_probe(base, budget_ms, last, cap) == GT_HTTP_OK;
  gt_http_request req = {0};
  req.method = gt_xstrdup("GET");
  size_t bl = strlen(base);
  while (bl > 0 && base[bl - 1] == '/')
    bl--;
  req.url = gt_xasprintf("%.*s%s", (int)bl, base, w->path);
  req.timeout_ms = budget_ms;
  gt_http_response resp;
  gt_err e = {0};
  bool ready = false;
  if (!gt_http_perform(&o->http, &req, &resp, &e)) {
    snprintf(last, cap, "%.300s", e.msg);
  } else if (resp.outcome != GT_HTTP_OK) {
    snprintf(last, cap, "%s", resp.error[0] ? resp.error : gt_http_outcome_name(resp.outcome));
  } else {
    ready = gt_status_has(&w->status, resp.status);
    snprintf(last, cap, "status %d", resp.status);
  }
  gt_http_response_free(&resp);
  gt_http_request_free(&req);
  return ready;
}

static bool wait_loop(const gt_wait_for *w, const char *base_url, const gt_run_opts *o,
                      const gt_secrets *secrets, gt_run_stats *stats, gt_err *err) {
  long start = now_ms(), deadline = start + w->timeout_ms, delay = FIRST_DELAY_MS;
  char last[512] = "";
  unsigned attempts = 0;
  for (;;) {
    if (was_interrupted(o)) {
      stats->interrupted = true;
      return true; /* the caller stops: exit 130, like any interrupt */
    }
    long left = deadline - now_ms();
    long budget = left < MAX_ATTEMPT_MS ? left : MAX_ATTEMPT_MS;
    attempts++;
    if (budget > 0 && attempt(w, base_url, o, budget, last, sizeof last)) return true;
    left = deadline - now_ms();
    if (left <= 0) break;
    pause_ms(o, delay < left ? delay : left);
    delay = delay * 2 < MAX_DELAY_MS ? delay * 2 : MAX_DELAY_MS;
  }
  /* Secrets never show, not even in a base URL or an error text. */
  char *url = gt_xasprintf("%s%s", base_url, w->path ? w->path : "");
  char *shown = secrets ? gt_secrets_redact_dup(secrets, url, strlen(url)) : gt_xstrdup(url);
  char *last_shown =
      secrets ? gt_secrets_redact_dup(secrets, last, strlen(last)) : gt_xstrdup(last);
  double secs = (double)(now_ms() - start) / 1000.0;
  const char *what = o->wait_for_ms > 0 ? "--wait-for" : "wait_for";
  if (w->path)
    gt_err_set(err, GT_ERR_RUNTIME, NULL, 0, 0,
               "target not ready: GET %s did not answer %s within %.1fs (%s: %u attempts; last: "
               "%s)",
               shown, w->status_text ? w->status_text : "2xx", secs, what, attempts, last_shown);
  else
    gt_err_set(err, GT_ERR_RUNTIME, NULL, 0, 0,
               "target not ready: %s did not accept a TCP connection within %.1fs (%s: %u "
               "attempts; last: %s)",
               shown, secs, what, attempts, last_shown);
  free(url);
  free(shown);
  free(last_shown);
  return false;
}

/* -u, else the suite's base_url expanded (NULL when there is none). Caller frees. */
static char *base_url_of(const gt_suite *s, const gt_scope *scope, const gt_run_opts *o) {
  if (o->base_url) return gt_xstrdup(o->base_url);
  return gt_expand_scalar(scope, s->base_url);
}

bool gt_wait_ready(const gt_suite *s, const gt_scope *scope, const gt_run_opts *o,
                   const gt_secrets *secrets, gt_run_stats *stats, gt_err *err) {
  gt_wait_for w = s->wait_for;
  if (o->wait_for_ms > 0) w.timeout_ms = o->wait_for_ms; /* --wait-for wins for the time */
  if (w.timeout_ms <= 0) return true;
  char *base_url = base_url_of(s, scope, o);
  if (!base_url) return true; /* no target to wait for: the cases report that themselves */
  bool ok = wait_loop(&w, base_url, o, secrets, stats, err);
  free(base_url);
  return ok;
}
