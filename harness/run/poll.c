/* poll.c — re-sending a scenario's request until the answer matches
 * `poll.until` (see poll.h for the contract with the runner). */
#include "poll.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/buf.h"

typedef struct attempt {
  int status; /* 0: no HTTP answer */
  double secs;
  double at; /* seconds since polling started, when the attempt was sent */
} attempt;

struct gt_poll_run {
  const gt_poll *spec;
  long start_ms, due_ms, delay_ms;
  attempt *attempts;
  size_t n, cap;
  bool timed_out;
  char *last_miss; /* why the last answer did not match until (owned) */
};

long gt_poll_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long)ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

gt_poll_run *gt_poll_run_new(const gt_poll *spec) {
  gt_poll_run *p = gt_xcalloc(1, sizeof *p);
  p->spec = spec;
  p->start_ms = gt_poll_now_ms();
  p->delay_ms = spec->every_ms;
  return p;
}

void gt_poll_run_free(gt_poll_run *p) {
  if (!p) return;
  free(p->attempts);
  free(p->last_miss);
  free(p);
}

long gt_poll_due(const gt_poll_run *p) {
  return p->due_ms;
}

static void record(gt_poll_run *p, const gt_http_response *resp, long now) {
  if (p->n == p->cap) {
    p->cap = p->cap ? p->cap * 2 : 8;
    p->attempts = gt_xrealloc(p->attempts, p->cap * sizeof *p->attempts);
  }
  /* When it was sent: the executor's start time (after any wait for --rate),
   * else estimated as the answer's arrival minus its duration. */
  double at = resp->timing.started > 0 ? resp->timing.started - (double)p->start_ms / 1000.0
                                       : (double)(now - p->start_ms) / 1000.0 - resp->timing.total;
  p->attempts[p->n++] = (attempt){.status = resp->outcome == GT_HTTP_OK ? resp->status : 0,
                                  .secs = resp->timing.total,
                                  .at = at};
  if (p->attempts[p->n - 1].at < 0) p->attempts[p->n - 1].at = 0;
}

bool gt_poll_again(gt_poll_run *p, const gt_scope *scope, bool is_head,
                   const gt_http_response *resp) {
  long now = gt_poll_now_ms();
  record(p, resp, now);
  /* A transport error is never retried silently: it is the answer judged. */
  if (resp->outcome != GT_HTTP_OK) return false;
  /* `until` alone: no universal checks on an intermediate answer. */
  gt_check_ctx ctx = {
      .profile = NULL, .expect = &p->spec->until, .scope = scope, .is_head = is_head};
  gt_failures miss = {0};
  bool matched = gt_check_response(&ctx, resp, &miss, NULL);
  free(p->last_miss);
  p->last_miss = miss.count ? gt_failure_line(&miss.items[0]) : NULL;
  gt_failures_free(&miss);
  if (matched) return false;
  /* Measured from the start of this attempt: the next one is `delay` after it. */
  long waited = (long)(p->attempts[p->n - 1].at * 1000.0);
  if (waited + p->delay_ms > p->spec->timeout_ms) {
    p->timed_out = true;
    return false;
  }
  p->due_ms = p->start_ms + waited + p->delay_ms;
  if (p->spec->exponential) p->delay_ms *= 2;
  return true;
}

void gt_poll_failures(const gt_poll_run *p, gt_failures *f) {
  if (!p->timed_out) return;
  char *expected = gt_xasprintf("an answer matching poll.until within %.1fs",
                                (double)p->spec->timeout_ms / 1000.0);
  double waited = p->n ? p->attempts[p->n - 1].at : 0;
  char *actual = gt_xasprintf("not met after %zu attempts in %.1fs; last answer: %s", p->n, waited,
                              p->last_miss ? p->last_miss : "(no detail)");
  gt_failures_add(f, GT_CHECK_POLL, "poll.until", expected, actual);
  free(expected);
  free(actual);
}

void gt_poll_annotate(const gt_poll_run *p, gt_result_texts *t, gt_case_result *r) {
  gt_buf b;
  gt_buf_init(&b);
  double waited = p->n ? p->attempts[p->n - 1].at : 0.0;
  if (p->timed_out)
    gt_buf_printf(&b, "poll: %zu attempt%s in %.1fs, until not met (timeout %.1fs)\n", p->n,
                  p->n == 1 ? "" : "s", waited, (double)p->spec->timeout_ms / 1000.0);
  else
    gt_buf_printf(&b, "poll: %zu attempt%s in %.1fs\n", p->n, p->n == 1 ? "" : "s", waited);
  for (size_t i = 0; i < p->n; i++) {
    const attempt *a = &p->attempts[i];
    if (a->status)
      gt_buf_printf(&b, "  #%zu at +%.3fs: %d in %.3fs\n", i + 1, a->at, a->status, a->secs);
    else
      gt_buf_printf(&b, "  #%zu at +%.3fs: no answer\n", i + 1, a->at);
  }
  gt_buf_adds(&b, "\n");
  if (t->system_out) gt_buf_adds(&b, t->system_out);
  free(t->system_out);
  t->system_out = gt_buf_steal(&b);
  gt_buf_free(&b);
  r->system_out = t->system_out;
}
