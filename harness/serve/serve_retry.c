/* serve_retry.c — retries of injected answers: which later request retries
 * an injected answer, and the verdict once it is settled. The audit stream
 * (serve_audit.c) calls these as records arrive; a record with an injected
 * answer waits in memory until it is retried or its window passes. */
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

/* Did the client retry, and did it wait the Retry-After it was told? */
void serve_retry_judge(const gt_serve *s, serve_audit *a) {
  if (!a->retry_seq) {
    gt_buf_printf(&a->out, "injected %s: the client did not retry within %.0f s\n", a->inject->text,
                  serve_retry_window(s));
    return;
  }
  double after = a->retry_delay;
  gt_buf_printf(&a->out, "injected %s: retried as request #%zu after %.3f s", a->inject->text,
                a->retry_seq, after);
  if (a->retry_after <= 0) {
    gt_buf_addc(&a->out, '\n');
    return;
  }
  /* 10 ms of slack for clock granularity between answer and retry */
  bool honoured = after + 0.010 >= (double)a->retry_after;
  gt_buf_printf(&a->out, "; Retry-After %d %s\n", a->retry_after,
                honoured ? "honoured" : "NOT honoured");
  if (!honoured)
    serve_rule(a, RULE_RETRY_AFTER, "retried after %.3f s, Retry-After said %d s", after,
               a->retry_after);
}
