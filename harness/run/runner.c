/* runner.c — schedules the cases of each suite on the HTTP executor, checks
 * each response, records captures and hands one result per case to the sink.
 * The ordering rules are described in run.h. */
#include "run.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../check/check.h"
#include "../core/buf.h"
#include "desync.h"
#include "poll.h"
#include "result.h"

enum { SC_PENDING, SC_FAULTS, SC_VALID, SC_DONE };

typedef struct sc_state {
  int state;
  size_t *faults; /* selected fault case indices (not rate_limit) */
  size_t n_faults;
  size_t valid;   /* case index of the valid case, or SIZE_MAX */
  bool run_valid; /* selected, or needed for a selected dependant's captures */
  size_t outstanding;
  bool capture_ok;
  bool mutating;
} sc_state;

/* One in-flight case (or its liveness probe). */
typedef struct slot {
  size_t case_idx;
  bool probing;
  gt_http_request req;
  gt_http_request probe_req;
  gt_http_response resp; /* kept across the probe */
  gt_failures failures;
  gt_poll_run *poll;        /* the valid case of a polling scenario (poll.c); owned */
  bool poll_waiting;        /* sent again at gt_poll_due(poll) */
  struct slot *prev, *next; /* the runner's list of live slots (owned by it) */
} slot;

typedef struct runner {
  const gt_suite *suite;
  const gt_run_opts *o;
  gt_secrets *secrets;
  const gt_run_sink *sink;
  gt_run_stats *stats;
  gt_http_exec *exec;
  gt_case_list cases;
  bool *selected;
  bool *replay;          /* valid cases run for their captures only (another shard reports them) */
  gt_shard_tally *tally; /* --shard: loads over the suites so far */
  bool *reported;        /* per case: handed to the sink */
  bool not_run;          /* an earlier suite stopped the run: report every case as not run */
  sc_state *sc;
  cJSON *captures;
  gt_scope scope;
  gt_build_ctx build;
  size_t first_open;
  bool stop; /* interrupted or fail-fast */
  gt_err *err;
  bool sink_failed;
  slot *live; /* every slot in flight; freed on cancel */
} runner;

static bool is_mutating(const gt_scenario *s) {
  const char *m = s->request.method ? s->request.method->text : "GET";
  return strcasecmp(m, "GET") && strcasecmp(m, "HEAD") && strcasecmp(m, "OPTIONS");
}

static bool interrupted(const runner *r) {
  return r->o->interrupted && *r->o->interrupted;
}

/* ---- reporting ---- */

static void count(runner *r, gt_result_kind k) {
  switch (k) {
  case GT_RESULT_PASS:
    r->stats->passed++;
    break;
  case GT_RESULT_FAIL:
    r->stats->failed++;
    break;
  case GT_RESULT_ERROR:
    r->stats->errors++;
    break;
  case GT_RESULT_SKIP:
    r->stats->skipped++;
    break;
  }
  r->stats->total++;
  if (r->o->fail_fast && (k == GT_RESULT_FAIL || k == GT_RESULT_ERROR)) {
    r->stop = true;
    r->stats->stopped_early = true;
  }
}

static void emit(runner *r, size_t ci, gt_case_result *res) {
  if (r->replay && r->replay[ci]) return; /* its owner shard reports it */
  const gt_case *c = &r->cases.items[ci];
  res->classname = r->suite->name;
  res->name = c->name;
  const gt_scenario *sc = &r->suite->scenarios[c->scenario];
  res->suite_file = r->suite->file;
  res->scenario = sc->name;
  res->fault = gt_fault_name(c->fault);
  res->line = sc->line;
  res->col = sc->col;
  res->fault_line = 0;
  for (size_t i = 0; i < sc->n_faults; i++)
    if (sc->faults[i].id == c->fault) res->fault_line = sc->faults[i].line;
  res->tags = (const char *const *)sc->tags;
  res->n_tags = sc->n_tags;
  r->reported[ci] = true;
  bool was_stopped = r->stats->stopped_early;
  count(r, res->kind);
  if (r->stats->stopped_early && !was_stopped)
    snprintf(r->stats->stop_reason, sizeof r->stats->stop_reason,
             "not run: --fail-fast stopped the run after %s \xe2\x80\xba %s %s", r->suite->name,
             c->name, res->kind == GT_RESULT_ERROR ? "errored" : "failed");
  if (!r->sink_failed && r->sink->case_done && !r->sink->case_done(r->sink->ud, res, r->err))
    r->sink_failed = r->stop = true;
}

static void emit_simple(runner *r, size_t ci, gt_result_kind kind, const char *type,
                        const char *msg) {
  gt_case_result res;
  gt_result_texts t;
  gt_result_simple(&res, &t, r->secrets, kind, type, msg);
  emit(r, ci, &res);
  gt_result_texts_free(&t);
}

/* ---- captures ---- */

static bool take_captures(runner *r, const gt_scenario *sc, const gt_http_response *resp,
                          const cJSON *body, gt_failures *f) {
  bool ok = true;
  for (size_t i = 0; i < sc->n_captures; i++) {
    const gt_capture *cap = &sc->captures[i];
    cJSON *value = NULL;
    if (cap->from_header) {
      const char *h = gt_http_response_header(resp, cap->src);
      if (h) value = cJSON_CreateString(h);
    } else if (body) {
      const cJSON *hit[1];
      if (gt_jsonpath_eval(cap->path, body, hit, 1) >= 1) value = cJSON_Duplicate(hit[0], 1);
    }
    if (!value) {
      char *where = gt_xasprintf("%s <- %s", cap->name, cap->src);
      gt_failures_add(f, GT_CHECK_CAPTURE, where, "a value to capture", "nothing selected");
      free(where);
      ok = false;
      continue;
    }
    cJSON_DeleteItemFromObjectCaseSensitive(r->captures, cap->name);
    cJSON_AddItemToObject(r->captures, cap->name, value);
  }
  return ok;
}

/* ---- case completion ---- */

static slot *slot_new(runner *r, size_t ci) {
  slot *s = gt_xcalloc(1, sizeof *s);
  s->case_idx = ci;
  s->next = r->live;
  if (r->live) r->live->prev = s;
  r->live = s;
  return s;
}

static void slot_free(runner *r, slot *s) {
  if (s->prev)
    s->prev->next = s->next;
  else
    r->live = s->next;
  if (s->next) s->next->prev = s->prev;
  gt_http_request_free(&s->req);
  gt_http_request_free(&s->probe_req);
  gt_http_response_free(&s->resp);
  gt_failures_free(&s->failures);
  gt_poll_run_free(s->poll);
  free(s);
}

/* The `gauntlet run ... --case ID SUITE` line that re-sends case c (the CLI
 * gives the options part); caller frees. */
static char *replay_line(const runner *r, const gt_case *c, const gt_http_request *req,
                         const char *case_id) {
  if (!r->o->replay_prefix) return NULL;
  gt_buf b;
  gt_buf_init(&b);
  gt_buf_adds(&b, r->o->replay_prefix);
  if (req->clock_ms) gt_buf_printf(&b, " --now-ms %lld", req->clock_ms);
  gt_buf_adds(&b, " --case ");
  gt_shell_quote(&b, case_id, strlen(case_id));
  gt_buf_addc(&b, ' ');
  const char *file = r->suite->file ? r->suite->file : "SUITE.yaml";
  gt_shell_quote(&b, file, strlen(file));
  (void)c;
  return gt_buf_steal(&b);
}

static void finish_case(runner *r, slot *s) {
  const gt_case *c = &r->cases.items[s->case_idx];
  gt_case_result res;
  gt_result_texts t;
  char *case_id = gt_xasprintf("%s \xe2\x80\xba %s", r->suite->name, c->name);
  char *replay = replay_line(r, c, &s->req, case_id);
  char *body_file = r->o->repro_dir ? gt_repro_body_path(r->o->repro_dir, case_id) : NULL;
  gt_repro_opts ro = {.insecure = r->o->http.insecure,
                      .cacert = r->o->http.cacert,
                      .cert = r->o->http.cert,
                      .key = r->o->http.key,
                      .replay = replay,
                      .body_file = body_file,
                      .replay_only = c->mode == GT_MODE_RATE_LIMIT
                                         ? "the rate limit is probed by repeating the request"
                                         : NULL};
  gt_result_build(&res, &t, r->secrets, &s->req, &s->resp, &s->failures, &ro);
  if (s->poll) gt_poll_annotate(s->poll, &t, &res);
  free(case_id);
  free(replay);
  free(body_file);
  emit(r, s->case_idx, &res);
  gt_result_texts_free(&t);

  sc_state *st = &r->sc[c->scenario];
  if (st->outstanding) st->outstanding--;
  slot_free(r, s);
}

/* A refused-or-answered fault (truncated_body, slow_body, wire_*) also
 * accepts the status the scenario's valid case expects when it is 401, 403
 * or a 5xx: the server answered as it does for the valid request. */
static bool own_refusal(const gt_expect *valid, int status) {
  return valid->has_status && gt_status_has(&valid->status, status) &&
         (status == 401 || status == 403 || (status >= 500 && status <= 599));
}

static void check_into(runner *r, const gt_case *c, const gt_expect *e, bool transport_only,
                       const gt_http_request *req, const gt_http_response *resp, gt_failures *f,
                       cJSON **parsed) {
  gt_profile adjusted; /* the scenario's `checks:` applied (borrows everything) */
  const gt_profile *p =
      gt_profile_for_scenario(&r->suite->profile, &r->suite->scenarios[c->scenario], &adjusted);
  gt_check_ctx ctx = {
      .profile = p,
      .expect = e,
      .scope = &r->scope,
      .is_head = req->method && !strcasecmp(req->method, "HEAD"),
      .transport_only = transport_only,
      .json_stream = r->suite->scenarios[c->scenario].json_stream,
      /* a request to another path or method is not the operation: its
       * documented answers do not govern the router's 404/405 */
      .contract =
          gt_fault_leaves_operation(c->fault) ? NULL : r->suite->scenarios[c->scenario].contract,
  };
  /* A CORS preflight is answered by the CORS protocol (204 is usual), not by
   * the API: its status need not be in the API's documented set. */
  gt_profile preflight;
  if (c->fault == GT_FAULT_CORS_PREFLIGHT) {
    preflight = *p;
    preflight.check_disabled[GT_CHECK_DOCUMENTED_STATUS] = true;
    ctx.profile = &preflight;
  }
  const gt_fault_info *row = gt_fault_info_of(c->fault);
  gt_expect unfolded;
  char *own_text = NULL; /* owned: the status text of an accepted own answer */
  if (row && row->refusal_rule && resp->outcome == GT_HTTP_OK) {
    /* One rule for refused-or-answered faults: an answer in the refusal set
     * comes from the HTTP layer refusing a broken message before the
     * application sees it, so it is judged by its status alone (no error
     * shape, no content type); any other answer gets every universal check. */
    ctx.transport_only = gt_status_in_refusal_set(resp->status);
    const gt_expect *valid = &r->suite->scenarios[c->scenario].expect;
    if (!ctx.transport_only && own_refusal(valid, resp->status) &&
        !(e->has_status && gt_status_has(&e->status, resp->status))) {
      /* The server answered as it does for the valid request (a 401 before
       * it reads the body, the scenario's own 500): that status passes too,
       * with every universal check. */
      unfolded = *e; /* shallow: nothing in it is freed through this copy */
      gt_status_add(&unfolded.status, resp->status);
      unfolded.has_status = true;
      own_text = gt_xasprintf("%s, or the scenario's own %d", e->status_text ? e->status_text : "",
                              resp->status);
      unfolded.status_text = own_text;
      ctx.expect = &unfolded;
    }
  }
  /* wire_bare_lf (RFC 9112 §2.2: recognising a bare LF as a line end is a
   * MAY): a server that does not still waits for the end of the head. No
   * answer within the timeout is not a defect; the liveness probe that
   * follows shows whether it still serves. */
  if (row && row->accepts_no_answer && resp->outcome == GT_HTTP_TIMEOUT && resp->status == 0) {
    free(own_text);
    return;
  }
  gt_check_response(&ctx, resp, f, parsed);
  free(own_text);
}

/* The probe after a transport fault asks "does the server still answer?",
 * not "does the valid case pass?" (its own case judges that, once): a
 * complete response within the timeout that is not a 5xx, unless the probe is
 * the valid request and the valid case itself expects that 5xx. The probe is
 * a safe request (gt_case_build_liveness): a DELETE is never repeated. */
static void judge_liveness(const gt_suite *su, const gt_scenario *sc, const gt_http_request *probe,
                           const gt_http_response *resp, gt_failures *f) {
  gt_liveness_kind kind = gt_liveness_kind_of(su, sc);
  const char *which = kind == GT_LIVENESS_VALID     ? "the valid request"
                      : kind == GT_LIVENESS_PROFILE ? "the profile's liveness request"
                                                    : "a GET of the base URL";
  char *expected =
      gt_xasprintf("a complete answer to %s (%s %s), not a 5xx", which,
                   probe->method ? probe->method : "GET", probe->url ? probe->url : "");
  if (resp->outcome != GT_HTTP_OK) {
    char *act = gt_xasprintf("%s%s%s", gt_http_outcome_name(resp->outcome),
                             resp->error[0] ? ": " : "", resp->error);
    gt_failures_add(f, GT_CHECK_ALIVE, "", expected, act);
    free(act);
  } else {
    bool expected_5xx = kind == GT_LIVENESS_VALID && sc->expect.has_status &&
                        gt_status_has(&sc->expect.status, resp->status);
    if (resp->status >= 500 && resp->status <= 599 && !expected_5xx) {
      char act[32];
      snprintf(act, sizeof act, "HTTP %d", resp->status);
      gt_failures_add(f, GT_CHECK_ALIVE, "", expected, act);
    }
  }
  free(expected);
}

static void on_response(runner *r, slot *s, gt_http_response *resp) {
  const gt_case *c = &r->cases.items[s->case_idx];
  const gt_scenario *sc = &r->suite->scenarios[c->scenario];

  if (s->probing) {
    judge_liveness(r->suite, sc, &s->probe_req, resp, &s->failures);
    gt_judge_desync(c, &s->req, &s->resp, resp->outcome == GT_HTTP_OK ? resp->status : 0,
                    &s->failures);
    gt_http_response_free(resp);
    finish_case(r, s);
    return;
  }

  if (s->poll && gt_poll_again(s->poll, &r->scope, !strcasecmp(s->req.method, "HEAD"), resp)) {
    gt_http_response_free(resp); /* an intermediate answer: nothing judges it */
    s->poll_waiting = true;
    return;
  }
  if (s->poll) gt_poll_failures(s->poll, &s->failures);
  s->resp = *resp;
  memset(resp, 0, sizeof *resp);
  cJSON *parsed = NULL;
  check_into(r, c, &c->expect, c->transport_only, &s->req, &s->resp, &s->failures, &parsed);

  if (c->fault == GT_FAULT_VALID) {
    sc_state *st = &r->sc[c->scenario];
    st->capture_ok =
        s->resp.outcome == GT_HTTP_OK && take_captures(r, sc, &s->resp, parsed, &s->failures);
  }
  cJSON_Delete(parsed);

  if (c->needs_alive && !r->stop) {
    gt_err e = {0};
    if (gt_case_build_liveness(&r->build, c, &s->probe_req, &e)) {
      s->probe_req.follow_redirects = r->o->follow_redirects;
      s->probing = true;
      gt_http_exec_add(r->exec, &s->probe_req, s);
      return;
    }
    gt_failures_add(&s->failures, GT_CHECK_ALIVE, "", "a liveness probe", e.msg);
  }
  if (c->mode == GT_MODE_RAW) gt_judge_desync(c, &s->req, &s->resp, 0, &s->failures);
  finish_case(r, s);
}

/* ---- starting cases ---- */

static void start_case(runner *r, size_t ci) {
  const gt_case *c = &r->cases.items[ci];
  sc_state *st = &r->sc[c->scenario];
  if (c->skip_reason) {
    emit_simple(r, ci, GT_RESULT_SKIP, "not_applicable", c->skip_reason);
    return;
  }
  slot *s = slot_new(r, ci);
  gt_err e = {0};
  bool built = gt_case_build(&r->build, c, &s->req, &e);
  s->req.follow_redirects = r->o->follow_redirects;
  if (!built) {
    char msg[1200];
    gt_err_format(&e, msg, sizeof msg);
    emit_simple(r, ci, GT_RESULT_ERROR, "build", msg);
    slot_free(r, s);
    return;
  }
  st->outstanding++;
  if (c->fault == GT_FAULT_VALID && r->suite->scenarios[c->scenario].poll)
    s->poll = gt_poll_run_new(r->suite->scenarios[c->scenario].poll);
  gt_http_exec_add(r->exec, &s->req, s);
}

/* Polling cases whose next attempt is due go back to the executor. With
 * nothing in flight, sleeps until the next one is due (at most 100 ms). */
static void resend_due_polls(runner *r) {
  long now = gt_poll_now_ms(), next = now + 100;
  bool waiting = false;
  for (slot *s = r->live; s; s = s->next) {
    if (!s->poll_waiting) continue;
    long due = gt_poll_due(s->poll);
    if (due <= now) {
      s->poll_waiting = false;
      s->req.fresh_connect = true; /* the pooled connection may have idled out */
      gt_http_exec_add(r->exec, &s->req, s);
    } else {
      waiting = true;
      if (due < next) next = due;
    }
  }
  if (waiting && gt_http_exec_pending(r->exec) == 0 && next > now) {
    struct timespec ts = {.tv_sec = (next - now) / 1000, .tv_nsec = (next - now) % 1000 * 1000000L};
    nanosleep(&ts, NULL);
  }
}

static bool deps_ready(runner *r, size_t i, bool *skip) {
  const gt_scenario *sc = &r->suite->scenarios[i];
  *skip = false;
  for (size_t d = 0; d < sc->n_deps; d++) {
    const sc_state *dep = &r->sc[sc->deps[d]];
    if (dep->state != SC_DONE) return false;
    if (!dep->capture_ok) *skip = true;
  }
  return true;
}

static void skip_scenario(runner *r, size_t i) {
  sc_state *st = &r->sc[i];
  const gt_scenario *sc = &r->suite->scenarios[i];
  char *msg = gt_xasprintf("skipped: a capture this scenario uses (%s) failed",
                           sc->n_deps ? r->suite->scenarios[sc->deps[0]].name : "?");
  for (size_t k = 0; k < st->n_faults; k++)
    emit_simple(r, st->faults[k], GT_RESULT_SKIP, "capture", msg);
  if (st->valid != SIZE_MAX && r->selected[st->valid])
    emit_simple(r, st->valid, GT_RESULT_SKIP, "capture", msg);
  free(msg);
  st->capture_ok = false;
  st->state = SC_DONE;
}

/* Advances scenario i as far as it can go now. */
static void advance(runner *r, size_t i) {
  sc_state *st = &r->sc[i];
  if (st->state == SC_PENDING) {
    bool skip;
    if (!deps_ready(r, i, &skip)) return;
    if (skip) {
      skip_scenario(r, i);
      return;
    }
    st->state = SC_FAULTS;
    for (size_t k = 0; k < st->n_faults && !r->stop; k++)
      start_case(r, st->faults[k]);
  }
  if (st->state == SC_FAULTS && st->outstanding == 0) {
    st->state = SC_VALID;
    if (st->run_valid && st->valid != SIZE_MAX && !r->stop)
      start_case(r, st->valid);
    else
      st->capture_ok = true;
  }
  if (st->state == SC_VALID && st->outstanding == 0) st->state = SC_DONE;
}

/* Starts whatever the ordering rules allow. */
static void schedule(runner *r) {
  size_t n = r->suite->n_scenarios;
  while (r->first_open < n && r->sc[r->first_open].state == SC_DONE)
    r->first_open++;
  size_t budget = (size_t)(r->o->http.max_parallel > 0 ? r->o->http.max_parallel : 8) * 4;
  for (size_t i = r->first_open; i < n && !r->stop; i++) {
    sc_state *st = &r->sc[i];
    if (st->state != SC_DONE) {
      if (st->mutating && i != r->first_open) break; /* waits for everything before it */
      advance(r, i);
      if (st->state != SC_DONE && st->mutating) break; /* holds back everything after it */
    }
    if (gt_http_exec_pending(r->exec) >= budget) break;
  }
  while (r->first_open < n && r->sc[r->first_open].state == SC_DONE)
    r->first_open++;
}

static bool all_done(const runner *r) {
  return r->first_open >= r->suite->n_scenarios;
}

/* ---- rate_limit: the valid request repeated until a 429, at most 2 x limit ---- */

static void run_rate_limit(runner *r, size_t ci) {
  const gt_case *c = &r->cases.items[ci];
  if (c->skip_reason) {
    emit_simple(r, ci, GT_RESULT_SKIP, "not_applicable", c->skip_reason);
    return;
  }
  long limit = 0;
  const gt_node *rl = r->suite->profile.limits.rate_limit;
  if (rl) {
    gt_buf b;
    gt_buf_init(&b);
    gt_err e = {0};
    if (gt_expand_text(&r->scope, rl->text, rl->text_len, &b, rl->file, rl->line, rl->col, &e) &&
        b.len)
      limit = strtol(b.data, NULL, 10);
    gt_buf_free(&b);
  }
  if (limit <= 0) {
    emit_simple(r, ci, GT_RESULT_SKIP, "not_applicable",
                "limits.rate_limit is not set to a positive integer");
    return;
  }
  slot *s = slot_new(r, ci);
  r->sc[c->scenario].outstanding++;
  for (long i = 0; i < 2 * limit && !interrupted(r); i++) {
    gt_http_request_free(&s->req);
    gt_err e = {0};
    if (!gt_case_build(&r->build, c, &s->req, &e)) {
      gt_failures_add(&s->failures, GT_CHECK_RATE_LIMIT, "", "a request", e.msg);
      break;
    }
    gt_http_exec_add(r->exec, &s->req, s);
    gt_http_response resp = {0};
    void *tag = NULL;
    for (int guard = 0; !tag && guard < 100000 && !interrupted(r); guard++)
      tag = gt_http_exec_next(r->exec, &resp, 100);
    if (!tag) break;
    bool last = i == 2 * limit - 1;
    if (resp.status == 429 || last || resp.outcome != GT_HTTP_OK) {
      gt_http_response_free(&s->resp);
      s->resp = resp;
      if (resp.status == 429) {
        check_into(r, c, &c->expect, false, &s->req, &s->resp, &s->failures, NULL);
      } else {
        char *exp = gt_xasprintf("a 429 within %ld requests (twice the limit)", 2 * limit);
        char *act = resp.outcome != GT_HTTP_OK
                        ? gt_xasprintf("request %ld: %s", i + 1, resp.error)
                        : gt_xasprintf("%ld requests, last status %d", i + 1, resp.status);
        gt_failures_add(&s->failures, GT_CHECK_RATE_LIMIT, "", exp, act);
        free(exp);
        free(act);
      }
      break;
    }
    gt_http_response_free(&resp);
  }
  finish_case(r, s);
}

/* ---- one suite ---- */

static size_t group_root(size_t *parent, size_t i) {
  while (parent[i] != i) {
    parent[i] = parent[parent[i]];
    i = parent[i];
  }
  return i;
}

/* What a selected scenario needs from the ones a filter left out, in state
 * order: the valid case of every scenario it captures from (transitively),
 * and of every writing scenario before it in its capture group (scenarios
 * linked by captures share the state they create): create -> delete ->
 * read-deleted, filtered to the last, still deletes before it reads. Pulled
 * back cases are reported too. */
static void mark_needed_valids(runner *r) {
  const gt_suite *su = r->suite;
  size_t n = su->n_scenarios;
  size_t *parent = gt_xcalloc(n ? n : 1, sizeof *parent);
  bool *later_used = gt_xcalloc(n ? n : 1, sizeof *later_used); /* per group root */
  for (size_t i = 0; i < n; i++)
    parent[i] = i;
  for (size_t i = 0; i < n; i++)
    for (size_t d = 0; d < su->scenarios[i].n_deps; d++) {
      size_t a = group_root(parent, i), b = group_root(parent, su->scenarios[i].deps[d]);
      if (a != b) parent[a < b ? b : a] = a < b ? a : b;
    }
  for (size_t i = n; i-- > 0;) {
    sc_state *st = &r->sc[i];
    size_t root = group_root(parent, i);
    bool used = st->run_valid || st->n_faults;
    if (!used && st->mutating && later_used[root] && st->valid != SIZE_MAX) {
      st->run_valid = true; /* a write between the kept scenario and its providers */
      r->selected[st->valid] = true;
      used = true;
    }
    if (!used) continue;
    later_used[root] = true;
    for (size_t d = 0; d < su->scenarios[i].n_deps; d++) {
      size_t dep = su->scenarios[i].deps[d];
      if (r->sc[dep].valid != SIZE_MAX && !r->sc[dep].run_valid) {
        r->sc[dep].run_valid = true;
        r->selected[r->sc[dep].valid] = true; /* reported: a dependency pulled in */
      }
    }
  }
  free(later_used);
  free(parent);
}

static void suite_props(runner *r, gt_property *p, char **owned, size_t *n) {
  gt_buf b;
  gt_buf_init(&b);
  gt_err e = {0};
  if (r->o->base_url)
    gt_buf_adds(&b, r->o->base_url);
  else if (r->suite->base_url) {
    const gt_node *u = r->suite->base_url;
    if (!gt_expand_text(&r->scope, u->text, u->text_len, &b, u->file, u->line, u->col, &e))
      gt_buf_adds(&b, u->text);
  }
  owned[0] = r->secrets ? gt_secrets_redact_dup(r->secrets, b.data ? b.data : "", b.len)
                        : gt_buf_steal(&b);
  gt_buf_free(&b);
  owned[1] = gt_xasprintf("%d/%d", r->o->shard_n > 1 ? r->o->shard_k : 1,
                          r->o->shard_n > 1 ? r->o->shard_n : 1);
  owned[2] = gt_xasprintf("%llu", (unsigned long long)r->o->seed);
  size_t k = 0;
  p[k++] = (gt_property){"base_url", owned[0]};
  p[k++] = (gt_property){"profile", r->suite->profile.name ? r->suite->profile.name : "(none)"};
  p[k++] = (gt_property){"gauntlet.version", GAUNTLET_VERSION};
  p[k++] = (gt_property){"shard", owned[1]};
  p[k++] = (gt_property){"seed", owned[2]};
  *n = k;
}

static void note_interrupted(runner *r) {
  if (r->stats->interrupted) return;
  r->stats->interrupted = true;
  int sig = (int)*r->o->interrupted;
  snprintf(r->stats->stop_reason, sizeof r->stats->stop_reason,
           "not run: the run was interrupted (%s)",
           sig == SIGTERM  ? "SIGTERM"
           : sig == SIGINT ? "SIGINT"
                           : "signal");
}

/* After a stop (--fail-fast, a signal, or an earlier suite's stop), every
 * selected case that did not finish is reported as skipped with the reason,
 * so the report accounts for the whole selection. */
static void report_not_run(runner *r) {
  if (r->sink_failed) return;
  for (size_t ci = 0; ci < r->cases.count && !r->sink_failed; ci++) {
    if (!r->selected[ci] || r->reported[ci]) continue;
    emit_simple(r, ci, GT_RESULT_SKIP, "not_run", r->stats->stop_reason);
    r->stats->not_run++;
  }
}

/* A selected fault case scheduled with its scenario (rate_limit runs last). */
static bool runs_as_fault(const gt_case *c, bool selected) {
  return selected && c->fault != GT_FAULT_VALID && c->mode != GT_MODE_RATE_LIMIT;
}

static bool run_suite(runner *r) {
  const gt_suite *su = r->suite;
  gt_expand_opts eo = {
      .faults = r->o->faults, .skip_faults = r->o->skip_faults, .scope = &r->scope};
  if (!gt_cases_expand(su, &eo, &r->cases, r->err)) return false;
  r->selected = gt_xcalloc(r->cases.count ? r->cases.count : 1, sizeof *r->selected);
  r->replay = gt_xcalloc(r->cases.count ? r->cases.count : 1, sizeof *r->replay);
  r->reported = gt_xcalloc(r->cases.count ? r->cases.count : 1, sizeof *r->reported);
  gt_run_select_shard(su, &r->cases, r->o, r->tally, r->selected, r->replay);

  r->sc = gt_xcalloc(su->n_scenarios ? su->n_scenarios : 1, sizeof *r->sc);
  size_t *fault_store = gt_xcalloc(r->cases.count ? r->cases.count : 1, sizeof *fault_store);
  size_t used = 0;
  for (size_t i = 0; i < su->n_scenarios; i++) {
    r->sc[i].valid = SIZE_MAX;
    r->sc[i].mutating = is_mutating(&su->scenarios[i]);
  }
  /* Cases of one scenario are contiguous after expansion except rate_limit
   * ones; collect per scenario without assuming it. */
  for (size_t ci = 0; ci < r->cases.count; ci++) {
    const gt_case *c = &r->cases.items[ci];
    sc_state *st = &r->sc[c->scenario];
    if (c->fault == GT_FAULT_VALID) {
      st->valid = ci;
      st->run_valid = r->selected[ci] || r->replay[ci];
    }
  }
  /* Two linear passes (count, then fill in case order): a scan of every case
   * per scenario was quadratic, 10^10 steps at 100,000 scenarios. */
  for (size_t ci = 0; ci < r->cases.count; ci++)
    if (runs_as_fault(&r->cases.items[ci], r->selected[ci]))
      r->sc[r->cases.items[ci].scenario].n_faults++;
  for (size_t i = 0; i < su->n_scenarios; i++) {
    r->sc[i].faults = fault_store + used;
    used += r->sc[i].n_faults;
    r->sc[i].n_faults = 0;
  }
  for (size_t ci = 0; ci < r->cases.count; ci++) {
    sc_state *st = &r->sc[r->cases.items[ci].scenario];
    if (runs_as_fault(&r->cases.items[ci], r->selected[ci])) st->faults[st->n_faults++] = ci;
  }
  mark_needed_valids(r);

  size_t n_selected = 0;
  for (size_t ci = 0; ci < r->cases.count; ci++)
    n_selected += r->selected[ci];

  gt_property props[8];
  char *owned[3] = {0};
  size_t n_props = 0;
  suite_props(r, props, owned, &n_props);
  bool ok = !r->sink->suite_begin ||
            r->sink->suite_begin(r->sink->ud, su, props, n_props, n_selected, r->err);
  for (int i = 0; i < 3; i++)
    free(owned[i]);
  if (!ok) goto out;

  while (!r->stop && !r->not_run) {
    if (interrupted(r)) break;
    schedule(r);
    if (all_done(r)) break;
    resend_due_polls(r);
    gt_http_response resp = {0};
    void *tag = gt_http_exec_next(r->exec, &resp, 100);
    if (tag) on_response(r, (slot *)tag, &resp);
    if (r->stop && r->o->fail_fast) break;
  }
  for (size_t ci = 0; ci < r->cases.count && !r->stop && !r->not_run && !interrupted(r); ci++)
    if (r->selected[ci] && r->cases.items[ci].mode == GT_MODE_RATE_LIMIT) run_rate_limit(r, ci);

  if (interrupted(r)) note_interrupted(r);
  if (r->stop || interrupted(r) || r->not_run) {
    gt_http_exec_cancel_all(r->exec);
    while (r->live)
      slot_free(r, r->live); /* cut off in flight: reported as not run below */
    report_not_run(r);
  }
  if (!r->sink_failed && r->sink->suite_end && !r->sink->suite_end(r->sink->ud, su, r->err))
    r->sink_failed = true;
out:
  free(fault_store);
  free(r->sc);
  r->sc = NULL;
  free(r->selected);
  r->selected = NULL;
  free(r->replay);
  r->replay = NULL;
  free(r->reported);
  r->reported = NULL;
  gt_case_list_free(&r->cases);
  return !r->sink_failed && ok;
}

bool gt_run(gt_suite *const *suites, size_t n_suites, const gt_run_opts *o, gt_secrets *secrets,
            const gt_run_sink *sink, gt_run_stats *stats, gt_err *err) {
  memset(stats, 0, sizeof *stats);
  gt_http_exec *x = gt_http_exec_new(&o->http, err);
  if (!x) return false;
  bool ok = true;
  size_t ns = o->shard_n > 1 ? (size_t)o->shard_n : 1;
  gt_shard_tally tally = {gt_xcalloc(ns, sizeof(size_t)), gt_xcalloc(ns, sizeof(size_t))};
  for (size_t i = 0; i < n_suites && ok; i++) {
    runner r = {0};
    r.suite = suites[i];
    r.o = o;
    r.secrets = secrets;
    r.sink = sink;
    r.stats = stats;
    r.exec = x;
    r.err = err;
    r.tally = &tally;
    r.not_run = stats->interrupted || stats->stopped_early;
    r.captures = cJSON_CreateObject();
    r.scope = (gt_scope){.captures = r.captures,
                         .cli_vars = o->vars,
                         .n_cli_vars = o->n_vars,
                         .suite_vars = suites[i]->variables,
                         .use_env = true};
    long timeout = suites[i]->default_timeout_ms ? suites[i]->default_timeout_ms : o->timeout_ms;
    r.build = (gt_build_ctx){.suite = suites[i],
                             .scope = &r.scope,
                             .base_url = o->base_url,
                             .secrets = secrets,
                             .seed = o->seed,
                             .now_ms = o->now_ms,
                             .timeout_ms = timeout};
    /* Wait for the target only when this suite's cases will run. */
    ok = r.not_run || gt_wait_ready(suites[i], &r.scope, o, secrets, stats, err);
    if (ok && stats->interrupted) r.not_run = true; /* interrupted while waiting */
    if (ok) ok = run_suite(&r);
    cJSON_Delete(r.captures);
  }
  gt_http_exec_free(x);
  free(tally.cases);
  free(tally.replayed);
  return ok;
}
