/* serve_retry.c — retries of injected answers: which later request retries
 * an injected answer, and the verdict once it is settled. The audit stream
 * (serve_audit.c) calls these as records arrive; a record with an injected
 * answer waits in memory until it is retried or its window passes. */
#include <stdio.h>
#include <string.h>

#include "serve_internal.h"

#define RETRY_WINDOW_S 30.0

double serve_retry_window(const gt_serve *s) {
  return s->opts.retry_window_ms > 0 ? (double)s->opts.retry_window_ms / 1000.0 : RETRY_WINDOW_S;
}

/* A retry of an injected answer (only those are pending): within the window,
 * the same method and path, and an Idempotency-Key decides when either
 * request has one (the same key: a retry); without keys, the same body,
 * credential and peer IP. Independent identical requests cannot be told from
 * a retry otherwise, which is why only a request after an injected failure
 * can be one. */
bool serve_retry_matches(const gt_serve *s, const serve_audit *injected, const serve_audit *later) {
  if (later->t_in - injected->t_out > serve_retry_window(s) ||
      strcmp(injected->method, later->method) || strcmp(injected->path, later->path))
    return false;
  if (injected->idem_key[0] || later->idem_key[0])
    return !strcmp(injected->idem_key, later->idem_key);
  return injected->body_hash == later->body_hash && injected->cred_hash == later->cred_hash &&
         !strcmp(injected->peer, later->peer);
}

/* RFC 9110 9.2.2: sending these twice has the effect of sending them once. */
static bool idempotent_method(const char *m) {
  static const char *const methods[] = {"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"};
  for (size_t i = 0; i < sizeof methods / sizeof *methods; i++)
    if (!strcmp(m, methods[i])) return true;
  return false;
}

/* "Idempotency-Key" (and the policy's own header when it names one) */
static char *idempotency_headers(const serve_audit *a) {
  return a->policy && a->policy->idempotency_header
             ? gt_xasprintf("Idempotency-Key or %s", a->policy->idempotency_header)
             : gt_xstrdup("Idempotency-Key");
}

/* Must the client retry this injected answer? When the policy lists its
 * failure (a status, or `reset` for a dropped connection) and the request
 * has attempts left: up to max_attempts, or without it, the first attempt
 * only. A dropped connection of a non-idempotent request without an
 * idempotency key is never owed a retry: the client cannot know whether it
 * was acted on, and resending could do it twice. */
static bool retry_owed(const serve_audit *a) {
  const gt_client_policy *p = a->policy;
  if (!p || !p->retry_given) return false;
  int failure;
  if (a->inject->kind == INJ_STATUS)
    failure = a->inject->status;
  else if (a->inject->kind == INJ_RESET || a->inject->kind == INJ_RESET_AFTER)
    failure = 0;
  else
    return false;
  if (!gt_client_policy_expects(p, failure)) return false;
  if (failure == 0 && !idempotent_method(a->method) && !a->idem_key[0]) return false;
  return p->max_attempts ? a->attempt < p->max_attempts : a->attempt == 1;
}

static void judge_not_retried(const gt_serve *s, serve_audit *a) {
  double window = serve_retry_window(s);
  double waited = serve_now_mono() - a->t_out;
  bool stopped = waited < window; /* settled early: serve stopped */
  if (stopped)
    gt_buf_printf(&a->out, "injected %s: the client did not retry before serve stopped (%.3f s)\n",
                  a->inject->text, waited);
  else
    gt_buf_printf(&a->out, "injected %s: the client did not retry within %g s\n", a->inject->text,
                  window);
  if (!retry_owed(a)) return;
  char within[64];
  if (stopped)
    snprintf(within, sizeof within, "before serve stopped, %.3f s later", waited);
  else
    snprintf(within, sizeof within, "within the %g s retry window", window);
  if (a->policy->max_attempts)
    serve_rule(a, RULE_RETRY_MISSING,
               "injected %s (attempt %u; the client policy expects up to %u) was not retried %s",
               a->inject->text, a->attempt, a->policy->max_attempts, within);
  else
    serve_rule(a, RULE_RETRY_MISSING,
               "injected %s was not retried %s; the client policy expects a retry", a->inject->text,
               within);
}

/* Did the client retry, and did it wait as long as it was told to? */
void serve_retry_judge(const gt_serve *s, serve_audit *a) {
  if (!a->retry_seq) {
    judge_not_retried(s, a);
    return;
  }
  double after = a->retry_delay;
  gt_buf_printf(&a->out, "injected %s: retried as request #%zu after %.3f s", a->inject->text,
                a->retry_seq, after);
  const gt_client_policy *p = a->policy;
  bool judge_retry_after = a->retry_after > 0 && !(p && p->ignore_retry_after);
  /* 10 ms of slack for clock granularity between answer and retry */
  bool honoured = after + 0.010 >= (double)a->retry_after;
  if (a->retry_after > 0)
    gt_buf_printf(&a->out, "; Retry-After %d %s%s", a->retry_after,
                  honoured ? "honoured" : "NOT honoured",
                  judge_retry_after ? "" : " (the client policy ignores it)");
  gt_buf_addc(&a->out, '\n');
  if (judge_retry_after && !honoured)
    serve_rule(a, RULE_RETRY_AFTER, "retried after %.3f s, Retry-After said %d s", after,
               a->retry_after);
  double backoff = p ? (double)p->backoff_min_ms / 1000.0 : 0;
  if (backoff > 0 && after + 0.010 < backoff)
    serve_rule(a, RULE_RETRY_TOO_SOON,
               "retried as request #%zu after %.3f s; the client policy's backoff_min is %.3f s",
               a->retry_seq, after, backoff);
}

void serve_retry_linked(const gt_serve *s, const serve_audit *injected, serve_audit *later) {
  (void)s;
  const gt_client_policy *p = injected->policy;
  if (p && p->max_attempts && later->attempt > p->max_attempts)
    serve_rule(later, RULE_RETRY_STORM,
               "attempt %u of %s %s (a retry of #%zu); the client policy allows %u attempts",
               later->attempt, later->method, later->path, injected->seq, p->max_attempts);
  if (injected->inject->kind == INJ_RESET_AFTER && !idempotent_method(injected->method) &&
      !injected->idem_key[0]) {
    char *headers = idempotency_headers(injected);
    serve_rule(later, RULE_DUPLICATE_SIDE_EFFECT,
               "%s %s resent after #%zu was acted on and its connection dropped (injected %s), "
               "without an %s header: the server has now done it twice",
               later->method, later->path, injected->seq, injected->inject->text, headers);
    free(headers);
  }
}

char *serve_retry_policy_text(const gt_client_policy *p) {
  if (!p->retry_given && !p->max_attempts && !p->backoff_min_ms && !p->ignore_retry_after)
    return NULL;
  gt_buf t;
  gt_buf_init(&t);
  gt_buf_adds(&t, "retry ");
  for (size_t i = 0; i < p->n_retry_statuses; i++)
    gt_buf_printf(&t, "%s%d", i ? "," : "", p->retry_statuses[i]);
  if (p->retry_reset) gt_buf_printf(&t, "%sreset", p->n_retry_statuses ? "," : "");
  if (!p->n_retry_statuses && !p->retry_reset) gt_buf_adds(&t, "none");
  if (p->max_attempts) gt_buf_printf(&t, "; at most %u attempts", p->max_attempts);
  if (p->backoff_min_ms) gt_buf_printf(&t, "; backoff_min %ld ms", p->backoff_min_ms);
  gt_buf_printf(&t, "; Retry-After %s", p->ignore_retry_after ? "ignored" : "honoured");
  return gt_buf_steal(&t);
}
