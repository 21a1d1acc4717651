/* serve_audit.c — the audit stream: one JUnit testcase per request
 * ("METHOD /path #N", failed with the client-side rules it broke), the
 * --har entries, and the counts the summary is made of.
 *
 * Memory stays flat however long serve runs: a record is written to the
 * report's spool (report/junit.c streams) as soon as nothing can change it.
 * Only a record whose answer was injected waits, in `pending`, until its
 * retry window has passed (then serve_retry.c judges it, knowing which
 * requests retried it); so testcases are in the order records settle, and
 * #N is the order of arrival. All of it is guarded by s->audit_lock. */
#include <stdio.h>
#include <string.h>

#include "../core/prng.h"
#include "../report/report.h"
#include "serve_internal.h"

typedef struct route_stats {
  size_t requests, failed, injected, retried;
} route_stats;

typedef struct retry_stats {
  size_t injected, retried, not_retried;
  unsigned max_attempt;
  double delay_min, delay_max, delay_sum;
  size_t with_retry_after, honoured, early;
  double early_shortest; /* the shortest wait of an early retry, seconds */
  int early_announced;   /* the Retry-After that retry ignored */
} retry_stats;

/* A record with an injected answer, waiting for its retry window to pass. */
typedef struct pending_rec {
  serve_audit a;
  /* While no request retried it: in the candidate list of its bucket (method
   * and path), oldest first, so matching a request costs what the bucket holds. */
  struct pending_rec *prev, *next;
  size_t bucket;
  bool candidate;
} pending_rec;

#define BUCKETS 1024

struct serve_stream {
  gt_junit *junit;       /* owned; NULL once written */
  serve_har *har;        /* owned, or NULL */
  gt_audit_html *html;   /* --html: owned, or NULL */
  char **route_names;    /* with html: n_routes + 1 names, the last "not routed" (owned) */
  double t_open;         /* when serve_audit_open ran (monotonic seconds) */
  char *retries_text;    /* the summary's retry lines, once finished (owned) */
  pending_rec **pending; /* arrival order; [head, n_pending) are live (owned) */
  size_t head, n_pending, cap_pending;
  pending_rec *oldest[BUCKETS], *newest[BUCKETS]; /* candidate lists */
  size_t recorded;                                /* records handed over: the last #N */
  size_t failed;                                  /* records that broke a rule */
  size_t injected;
  size_t rule_counts[SERVE_RULE_COUNT]; /* records that broke each rule */
  route_stats *routes;                  /* n_routes + 1: the last is "not routed" */
  retry_stats retry;
  gt_buf last_failed; /* the last record's rule lines when recorded (serve_audit_last_failed) */
  gt_err io_err;      /* the first write error, reported when the report is finished */
  bool io_failed, finished;
  char *summary; /* owned, once finished */
};

static char *route_name(const gt_serve *s, size_t i) {
  if (i == s->n_routes) return gt_xstrdup("(no documented route)");
  const serve_route *r = &s->routes[i];
  return gt_xasprintf("%s %s%s", r->method, s->suites[r->suite].base_path, r->tmpl);
}

bool serve_audit_open(gt_serve *s, gt_err *err) {
  struct serve_stream *st = gt_xcalloc(1, sizeof *st);
  s->stream = st;
  st->routes = gt_xcalloc(s->n_routes + 1, sizeof *st->routes);
  st->junit = gt_junit_open(s->opts.junit_path, "gauntlet serve", err);
  if (!st->junit) return false;
  char inject_rate[32], seed[32];
  snprintf(inject_rate, sizeof inject_rate, "%g", s->opts.inject_rate);
  snprintf(seed, sizeof seed, "%llu", (unsigned long long)s->opts.seed);
  gt_property props[] = {
      {"gauntlet.version", GAUNTLET_VERSION}, {"inject.rate", inject_rate}, {"seed", seed}};
  /* begun now: the suite's time is how long serve listened */
  if (!gt_junit_suite_begin(st->junit, "serve client audit", props, sizeof props / sizeof *props,
                            err))
    return false;
  if (s->opts.har_path && !(st->har = serve_har_open(s->opts.har_path, err))) return false;
  st->t_open = serve_now_mono();
  if (s->opts.html_path) {
    if (!(st->html = gt_audit_html_open(s->opts.html_path, err))) return false;
    st->route_names = gt_xcalloc(s->n_routes + 1, sizeof *st->route_names);
    for (size_t i = 0; i <= s->n_routes; i++)
      st->route_names[i] = route_name(s, i);
  }
  return true;
}

static void record_free(serve_audit *a) {
  free(a->method);
  free(a->path);
  free(a->suite);
  gt_buf_free(&a->failed);
  gt_buf_free(&a->out);
}

void serve_audit_free(gt_serve *s) {
  struct serve_stream *st = s->stream;
  if (!st) return;
  for (size_t i = st->head; i < st->n_pending; i++) {
    record_free(&st->pending[i]->a);
    free(st->pending[i]);
  }
  free(st->pending);
  gt_junit_abort(st->junit);
  serve_har_abort(st->har);
  gt_audit_html_abort(st->html);
  for (size_t i = 0; st->route_names && i <= s->n_routes; i++)
    free(st->route_names[i]);
  free(st->route_names);
  free(st->retries_text);
  free(st->routes);
  free(st->summary);
  gt_buf_free(&st->last_failed);
  free(st);
  s->stream = NULL;
}

static void count(gt_serve *s, const serve_audit *a) {
  struct serve_stream *st = s->stream;
  for (size_t r = 0; r < SERVE_RULE_COUNT; r++)
    if (a->rules & (UINT64_C(1) << r)) st->rule_counts[r]++;
  st->failed += a->first_rule != NULL;
  route_stats *rs = &st->routes[a->route >= 0 ? (size_t)a->route : s->n_routes];
  rs->requests++;
  rs->failed += a->first_rule != NULL;
  rs->injected += a->inject != NULL;
  rs->retried += a->retry_of != 0;
  retry_stats *t = &st->retry;
  if (a->attempt > t->max_attempt) t->max_attempt = a->attempt;
  if (!a->inject) return;
  st->injected++;
  t->injected++;
  if (!a->retry_seq) {
    t->not_retried++;
    return;
  }
  double d = a->retry_delay;
  if (!t->retried || d < t->delay_min) t->delay_min = d;
  if (!t->retried || d > t->delay_max) t->delay_max = d;
  t->delay_sum += d;
  t->retried++;
  if (a->retry_after <= 0) return;
  t->with_retry_after++;
  if (d + 0.010 >= (double)a->retry_after) { /* the slack serve_retry.c allows */
    t->honoured++;
  } else {
    if (!t->early || d < t->early_shortest) {
      t->early_shortest = d;
      t->early_announced = a->retry_after;
    }
    t->early++;
  }
}

/* The record's block of the --html page. */
static bool html_record(gt_serve *s, const serve_audit *a, gt_err *err) {
  struct serve_stream *st = s->stream;
  const char *rules[SERVE_RULE_COUNT];
  size_t n_rules = 0;
  for (size_t r = 0; r < SERVE_RULE_COUNT; r++)
    if (a->rules & (UINT64_C(1) << r)) rules[n_rules++] = serve_rules[r].name;
  gt_audit_entry e = {.seq = a->seq,
                      .method = a->method,
                      .path = a->path,
                      .suite = a->suite,
                      .route = a->route >= 0 ? st->route_names[a->route] : NULL,
                      .status = a->status,
                      .failed = a->first_rule != NULL,
                      .rules = rules,
                      .n_rules = n_rules,
                      .failures = a->failed.data,
                      .injected = a->inject ? a->inject->text : NULL,
                      .retry_after = a->retry_after,
                      .retry_seq = a->retry_seq,
                      .retry_delay = a->retry_delay,
                      .retry_of = a->retry_of,
                      .attempt = a->attempt,
                      .time = a->t_out - a->t_in,
                      .exchange = a->out.data};
  return gt_audit_html_entry(st->html, &e, err);
}

/* Writes a settled record as its testcase and frees its fields. */
static void write_record(gt_serve *s, serve_audit *a) {
  struct serve_stream *st = s->stream;
  count(s, a);
  char *name = gt_xasprintf("%s %s #%zu", a->method, a->path, a->seq);
  char *msg = a->first_rule ? gt_xstrndup(a->failed.data, strcspn(a->failed.data, "\n")) : NULL;
  gt_case_result r = {.classname = a->suite,
                      .name = name,
                      .kind = a->first_rule ? GT_RESULT_FAIL : GT_RESULT_PASS,
                      .message = msg,
                      .type = a->first_rule,
                      .detail = a->first_rule ? a->failed.data : NULL,
                      .system_out = a->out.data,
                      .time = a->t_out - a->t_in};
  gt_err err = {0};
  if (st->junit && !gt_junit_case(st->junit, &r, &err) && !st->io_failed) {
    st->io_failed = true;
    st->io_err = err;
  }
  if (st->html && !html_record(s, a, &err) && !st->io_failed) {
    st->io_failed = true;
    st->io_err = err;
  }
  free(name);
  free(msg);
  record_free(a);
}

static size_t bucket_of(const serve_audit *a) {
  return (size_t)((gt_fnv1a(a->method) * 31 + gt_fnv1a(a->path)) % BUCKETS);
}

static void uncandidate(struct serve_stream *st, pending_rec *p) {
  if (!p->candidate) return;
  p->candidate = false;
  if (p->prev)
    p->prev->next = p->next;
  else
    st->oldest[p->bucket] = p->next;
  if (p->next)
    p->next->prev = p->prev;
  else
    st->newest[p->bucket] = p->prev;
  p->prev = p->next = NULL;
}

/* Judges and writes the pending records whose retry window has passed at
 * `now` (all of them when `all`), oldest first. A record stays pending for
 * its whole window even once retried: the retry rules may look at every
 * attempt within it (serve_retry.c). */
static void settle(gt_serve *s, double now, bool all) {
  struct serve_stream *st = s->stream;
  double window = serve_retry_window(s);
  while (st->head < st->n_pending) {
    pending_rec *p = st->pending[st->head];
    if (!all && now - p->a.t_out <= window) break;
    st->head++;
    uncandidate(st, p);
    serve_retry_judge(s, &p->a);
    write_record(s, &p->a);
    free(p);
  }
  if (st->head == st->n_pending) st->head = st->n_pending = 0;
}

/* a retries the oldest pending injected answer it matches that no request
 * retried yet, if any. Only requests with the same method and path are
 * looked at (one bucket). */
static void link_retry(gt_serve *s, serve_audit *a) {
  struct serve_stream *st = s->stream;
  for (pending_rec *p = st->oldest[bucket_of(a)]; p; p = p->next) {
    if (!serve_retry_matches(s, &p->a, a)) continue;
    p->a.retry_seq = a->seq;
    p->a.retry_delay = a->t_in - p->a.t_out;
    a->retry_of = p->a.seq;
    a->attempt = p->a.attempt + 1;
    gt_buf_printf(&a->out, "a retry of #%zu (injected %s), attempt %u, %.3f s after its answer\n",
                  p->a.seq, p->a.inject->text, a->attempt, p->a.retry_delay);
    serve_retry_linked(s, &p->a, a);
    uncandidate(st, p);
    return;
  }
}

static void hold(struct serve_stream *st, pending_rec *p) {
  if (st->n_pending == st->cap_pending) {
    if (st->head > 0) { /* reuse the settled front */
      memmove(st->pending, st->pending + st->head,
              (st->n_pending - st->head) * sizeof *st->pending);
      st->n_pending -= st->head;
      st->head = 0;
    }
    if (st->n_pending == st->cap_pending) {
      st->cap_pending = st->cap_pending ? st->cap_pending * 2 : 16;
      st->pending = gt_xrealloc(st->pending, st->cap_pending * sizeof *st->pending);
    }
  }
  st->pending[st->n_pending++] = p;
  p->bucket = bucket_of(&p->a);
  p->candidate = true;
  p->next = NULL;
  p->prev = st->newest[p->bucket];
  if (p->prev)
    p->prev->next = p;
  else
    st->oldest[p->bucket] = p;
  st->newest[p->bucket] = p;
}

void serve_audit_record(gt_serve *s, serve_audit *a, const serve_route *rt,
                        const gt_serve_request *req, const gt_serve_response *resp) {
  struct serve_stream *st = s->stream;
  a->status = resp->action == GT_SERVE_RESET ? 0 : resp->status;
  a->t_out = serve_now_mono() + (double)resp->delay_ms / 1000.0;
  a->route = rt ? (long)(rt - s->routes) : -1;
  a->attempt = 1;
  /* the answer as the client got it (item: the report holds the answer) */
  gt_buf_adds(&a->out, "\n-> ");
  if (a->inject) gt_buf_printf(&a->out, "injected %s: ", a->inject->text);
  serve_record_answer(s, resp, &a->out);
  char *har = st->har ? serve_har_entry(s, a, req, resp) : NULL;
  char *line = NULL;
  if (s->opts.log)
    line = gt_xasprintf("%s %s -> %d%s%s%s%s", req->method, a->path, a->status,
                        a->inject ? " [inject " : "", a->inject ? a->inject->text : "",
                        a->inject ? "]" : "", a->first_rule ? " (client broke a rule)" : "");
  pending_rec *held = NULL;
  if (a->inject) { /* waits for its retry window: on the heap, in pending */
    held = gt_xcalloc(1, sizeof *held);
    held->a = *a;
    memset(a, 0, sizeof *a);
    a = &held->a;
  }

  pthread_mutex_lock(&s->audit_lock);
  a->seq = ++st->recorded;
  link_retry(s, a); /* may add the rules judged on a resend */
  gt_buf_reset(&st->last_failed);
  if (a->failed.len) gt_buf_add(&st->last_failed, a->failed.data, a->failed.len);
  s->answered++;
  if (s->opts.max_requests > 0 && (long)s->answered >= s->opts.max_requests) s->done = true;
  if (har && st->har && !serve_har_write(st->har, har) && !st->io_failed) {
    st->io_failed = true;
    gt_err_set(&st->io_err, GT_ERR_RUNTIME, s->opts.har_path, 0, 0, "cannot write the HAR file");
  }
  double now = a->t_in;
  if (held) {
    hold(st, held);
  } else {
    write_record(s, a);
  }
  settle(s, now, false);
  pthread_mutex_unlock(&s->audit_lock);
  if (!held) memset(a, 0, sizeof *a);

  free(har);
  if (line) s->opts.log(s->opts.log_ud, line);
  free(line);
}

/* ---- the summary ---- */

static void fmt_seconds(char out[32], double v) {
  gt_format_decimal(out, v, 3);
}

/* The summary as text (st->summary) and as properties of the report. */
static void summarise(gt_serve *s) {
  struct serve_stream *st = s->stream;
  gt_buf t;
  gt_buf_init(&t);
  gt_buf props_text; /* name\0value\0 pairs: the properties point into it */
  gt_buf_init(&props_text);
#define PROP(name_fmt, ...)                                                                        \
  do {                                                                                             \
    gt_buf_printf(&props_text, name_fmt, __VA_ARGS__);                                             \
    gt_buf_addc(&props_text, '\0');                                                                \
  } while (0)

  gt_buf_printf(&t, "%zu request%s, %zu broke a rule, %zu answer%s injected\n", st->recorded,
                st->recorded == 1 ? "" : "s", st->failed, st->injected,
                st->injected == 1 ? "" : "s");
  PROP("summary.requests%s", "");
  PROP("%zu", st->recorded);
  PROP("summary.broke_rules%s", "");
  PROP("%zu", st->failed);
  PROP("summary.injected%s", "");
  PROP("%zu", st->injected);

  bool any_rule = false;
  for (size_t r = 0; r < SERVE_RULE_COUNT; r++) {
    PROP("rule.%s", serve_rules[r].name);
    PROP("%zu", st->rule_counts[r]);
    if (!st->rule_counts[r]) continue;
    if (!any_rule) gt_buf_adds(&t, "rules broken (requests):\n");
    any_rule = true;
    gt_buf_printf(&t, "  %-22s %8zu%s\n", serve_rules[r].name, st->rule_counts[r],
                  serve_rules[r].severity == SERVE_RULE_NOTE ? " (note)" : "");
  }
  if (!any_rule) gt_buf_adds(&t, "rules broken: none\n");

  size_t width = 5;
  for (size_t i = 0; i <= s->n_routes; i++) {
    char *n = route_name(s, i);
    if (strlen(n) > width) width = strlen(n);
    free(n);
  }
  gt_buf_printf(&t, "%-*s %8s %12s %8s %8s\n", (int)width, "route", "requests", "rules broken",
                "injected", "retried");
  for (size_t i = 0; i <= s->n_routes; i++) {
    const route_stats *r = &st->routes[i];
    if (!r->requests) continue;
    char *n = route_name(s, i);
    gt_buf_printf(&t, "%-*s %8zu %12zu %8zu %8zu\n", (int)width, n, r->requests, r->failed,
                  r->injected, r->retried);
    PROP("route.%s", n);
    PROP("requests=%zu broke_rules=%zu injected=%zu retried=%zu", r->requests, r->failed,
         r->injected, r->retried);
    free(n);
  }

  const retry_stats *rt = &st->retry;
  char mn[32], mean[32], mx[32], early[32];
  fmt_seconds(mn, rt->delay_min);
  fmt_seconds(mean, rt->retried ? rt->delay_sum / (double)rt->retried : 0);
  fmt_seconds(mx, rt->delay_max);
  fmt_seconds(early, rt->early_shortest);
  size_t retries_from = t.len;
  if (rt->injected) {
    gt_buf_printf(&t,
                  "retries: %zu injected answer%s, %zu retried, %zu not retried within %g s; "
                  "most attempts of one request: %u\n",
                  rt->injected, rt->injected == 1 ? "" : "s", rt->retried, rt->not_retried,
                  serve_retry_window(s), rt->max_attempt);
    if (rt->retried)
      gt_buf_printf(&t, "  delay before the retry: min %s s, mean %s s, max %s s\n", mn, mean, mx);
    if (rt->with_retry_after)
      gt_buf_printf(&t, "  Retry-After announced on %zu retried answer%s: %zu honoured, %zu early",
                    rt->with_retry_after, rt->with_retry_after == 1 ? "" : "s", rt->honoured,
                    rt->early);
    if (rt->early)
      gt_buf_printf(&t, " (shortest wait %s s where Retry-After said %d s)", early,
                    rt->early_announced);
    if (rt->with_retry_after) gt_buf_addc(&t, '\n');
  } else {
    gt_buf_adds(&t, "retries: no answer was injected\n");
  }
  for (size_t i = 0; i < s->n_suites; i++) { /* the client policy the retries were judged by */
    char *pol = serve_retry_policy_text(&s->suites[i].policy);
    if (!pol) continue;
    const char *suite = s->suites[i].suite->name ? s->suites[i].suite->name : "serve";
    gt_buf_printf(&t, "client policy (%s): %s\n", suite, pol);
    PROP("policy.%s", suite);
    PROP("%s", pol);
    free(pol);
  }
  st->retries_text = gt_xstrndup(t.data + retries_from, t.len - retries_from);
  PROP("retry.injected%s", "");
  PROP("%zu", rt->injected);
  PROP("retry.retried%s", "");
  PROP("%zu", rt->retried);
  PROP("retry.not_retried%s", "");
  PROP("%zu", rt->not_retried);
  PROP("retry.max_attempts%s", "");
  PROP("%u", rt->max_attempt);
  PROP("retry.delay_min_s%s", "");
  PROP("%s", mn);
  PROP("retry.delay_mean_s%s", "");
  PROP("%s", mean);
  PROP("retry.delay_max_s%s", "");
  PROP("%s", mx);
  PROP("retry.retry_after_announced%s", "");
  PROP("%zu", rt->with_retry_after);
  PROP("retry.retry_after_honoured%s", "");
  PROP("%zu", rt->honoured);
  PROP("retry.retry_after_early%s", "");
  PROP("%zu", rt->early);
#undef PROP

  /* name/value pairs -> properties */
  size_t n = 0;
  for (size_t i = 0; i < props_text.len; i++)
    n += props_text.data[i] == '\0';
  gt_property *props = gt_xcalloc(n / 2 + 1, sizeof *props);
  size_t k = 0;
  for (const char *p = props_text.data; p && p < props_text.data + props_text.len && k < n / 2;
       k++) {
    props[k].name = p;
    p += strlen(p) + 1;
    props[k].value = p;
    p += strlen(p) + 1;
  }
  gt_junit_suite_properties(st->junit, props, k);
  free(props);
  gt_buf_free(&props_text);
  st->summary = gt_buf_steal(&t);
}

/* The --html page: the summary's numbers and the spooled requests. */
static bool write_html(gt_serve *s, gt_err *err) {
  struct serve_stream *st = s->stream;
  if (!st->html) return true;
  gt_audit_rule rules[SERVE_RULE_COUNT];
  for (size_t r = 0; r < SERVE_RULE_COUNT; r++)
    rules[r] = (gt_audit_rule){serve_rules[r].name, serve_rules[r].doc,
                               serve_rules[r].severity == SERVE_RULE_NOTE, st->rule_counts[r]};
  gt_audit_route *routes = gt_xcalloc(s->n_routes + 1, sizeof *routes);
  size_t n_routes = 0;
  for (size_t i = 0; i <= s->n_routes; i++) {
    const route_stats *r = &st->routes[i];
    if (r->requests)
      routes[n_routes++] =
          (gt_audit_route){st->route_names[i], r->requests, r->failed, r->injected, r->retried};
  }
  gt_audit_summary sum = {.requests = st->recorded,
                          .failed = st->failed,
                          .injected = st->injected,
                          .retried = st->retry.retried,
                          .elapsed = serve_now_mono() - st->t_open,
                          .inject_rate = s->opts.inject_rate,
                          .seed = (unsigned long long)s->opts.seed,
                          .rules = rules,
                          .n_rules = SERVE_RULE_COUNT,
                          .routes = routes,
                          .n_routes = n_routes,
                          .retries = st->retries_text};
  bool ok = gt_audit_html_close(st->html, &sum, err);
  free(routes);
  return ok;
}

bool gt_serve_write_junit(gt_serve *s, const char *path, bool *conformed, gt_err *err) {
  struct serve_stream *st = s->stream;
  pthread_mutex_lock(&s->audit_lock);
  bool ok = true;
  *conformed = false;
  if (st->finished) {
    ok = gt_err_set(err, GT_ERR_RUNTIME, NULL, 0, 0, "the serve report was already written");
  } else {
    st->finished = true;
    settle(s, 0, true);
    summarise(s);
    *conformed = st->failed == 0;
    if (st->io_failed) {
      *err = st->io_err;
      ok = false;
      gt_junit_abort(st->junit);
    } else {
      ok = gt_junit_close_as(st->junit, path, err);
    }
    st->junit = NULL;
    gt_err har_err = {0};
    bool har_ok = serve_har_close(st->har, &har_err);
    st->har = NULL;
    if (ok && !har_ok) {
      *err = har_err;
      ok = false;
    }
    gt_err html_err = {0};
    bool html_ok = ok ? write_html(s, &html_err) : true;
    if (!ok) gt_audit_html_abort(st->html);
    st->html = NULL;
    if (ok && !html_ok) {
      *err = html_err;
      ok = false;
    }
  }
  pthread_mutex_unlock(&s->audit_lock);
  return ok;
}

char *serve_audit_last_failed(gt_serve *s) {
  pthread_mutex_lock(&s->audit_lock);
  const gt_buf *b = &s->stream->last_failed;
  char *t = gt_xstrndup(b->data ? b->data : "", b->len);
  pthread_mutex_unlock(&s->audit_lock);
  return t;
}

char *gt_serve_summary(gt_serve *s) {
  pthread_mutex_lock(&s->audit_lock);
  char *t = gt_xstrdup(s->stream && s->stream->summary ? s->stream->summary : "");
  pthread_mutex_unlock(&s->audit_lock);
  return t;
}

size_t gt_serve_request_count(gt_serve *s) {
  pthread_mutex_lock(&s->audit_lock);
  size_t n = s->stream ? s->stream->recorded : 0;
  pthread_mutex_unlock(&s->audit_lock);
  return n;
}
