/* serve_audit.c — the client-conformance JUnit report: one testcase per
 * request ("METHOD /path #N"), failed with the client-side rules it broke;
 * injected faults report whether the client retried and honoured Retry-After. */
#include <stdio.h>
#include <string.h>

#include "../report/report.h"
#include "serve_internal.h"

/* A retry: the same method, path and body within 30 s after the answer. */
static long find_retry(const gt_serve *s, size_t i) {
  const serve_audit *a = &s->audit[i];
  for (size_t j = i + 1; j < s->n_audit; j++) {
    const serve_audit *b = &s->audit[j];
    if (b->t_in - a->t_out > 30.0) break;
    if (!strcmp(a->method, b->method) && !strcmp(a->path, b->path) && a->body_hash == b->body_hash)
      return (long)j;
  }
  return -1;
}

/* After an injected answer: did the client retry, and did it wait the
 * Retry-After it was told? Adds to v (out, and the retry_after rule). */
static void judge_retry(const gt_serve *s, size_t i, serve_audit *v) {
  const serve_audit *a = &s->audit[i];
  long r = find_retry(s, i);
  if (r < 0) {
    gt_buf_printf(&v->out, "injected %s: the client did not retry within 30 s\n", a->inject->text);
    return;
  }
  double after = s->audit[r].t_in - a->t_out;
  gt_buf_printf(&v->out, "injected %s: retried as request #%ld after %.3f s", a->inject->text,
                r + 1, after);
  if (a->retry_after <= 0) {
    gt_buf_addc(&v->out, '\n');
    return;
  }
  /* 10 ms of slack for clock granularity between answer and retry */
  bool honoured = after + 0.010 >= (double)a->retry_after;
  gt_buf_printf(&v->out, "; Retry-After %d %s\n", a->retry_after,
                honoured ? "honoured" : "NOT honoured");
  if (!honoured)
    serve_rule(v, RULE_RETRY_AFTER, "retried after %.3f s, Retry-After said %d s", after,
               a->retry_after);
}

bool gt_serve_write_junit(gt_serve *s, const char *path, bool *conformed, gt_err *err) {
  pthread_mutex_lock(&s->audit_lock);
  *conformed = true;
  gt_junit *j = gt_junit_open(path, "gauntlet serve", err);
  bool ok = j != NULL;
  char inject_rate[32];
  snprintf(inject_rate, sizeof inject_rate, "%g", s->opts.inject_rate);
  char seed[32];
  snprintf(seed, sizeof seed, "%llu", (unsigned long long)s->opts.seed);
  gt_property props[] = {
      {"gauntlet.version", GAUNTLET_VERSION}, {"inject.rate", inject_rate}, {"seed", seed}};
  if (ok)
    ok = gt_junit_suite_begin(j, "serve client audit", props, sizeof props / sizeof *props, err);
  for (size_t i = 0; ok && i < s->n_audit; i++) {
    const serve_audit *a = &s->audit[i];
    /* The request's record plus what only the requests after it tell (the
     * retry rules), recorded like any rule. A copy: the report may be
     * written again. */
    serve_audit v = {.first_rule = a->first_rule};
    gt_buf_init(&v.failed);
    gt_buf_init(&v.out);
    gt_buf_add(&v.failed, a->failed.data ? a->failed.data : "", a->failed.len);
    gt_buf_add(&v.out, a->out.data ? a->out.data : "", a->out.len);
    if (a->inject) judge_retry(s, i, &v);
    char *name = gt_xasprintf("%s %s #%zu", a->method, a->path, i + 1);
    char *msg = NULL;
    if (v.first_rule) {
      size_t n = strcspn(v.failed.data, "\n");
      msg = gt_xstrndup(v.failed.data, n);
      *conformed = false;
    }
    gt_case_result r = {.classname = a->suite,
                        .name = name,
                        .kind = v.first_rule ? GT_RESULT_FAIL : GT_RESULT_PASS,
                        .message = msg,
                        .type = v.first_rule,
                        .detail = v.first_rule ? v.failed.data : NULL,
                        .system_out = v.out.data,
                        .time = a->t_out - a->t_in};
    ok = gt_junit_case(j, &r, err);
    free(name);
    free(msg);
    gt_buf_free(&v.failed);
    gt_buf_free(&v.out);
  }
  if (ok) ok = gt_junit_suite_end(j, err);
  if (ok)
    ok = gt_junit_close(j, err);
  else if (j)
    gt_junit_abort(j);
  pthread_mutex_unlock(&s->audit_lock);
  return ok;
}
