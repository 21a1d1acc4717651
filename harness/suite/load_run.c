/* load_run.c — the keys that say how a run proceeds rather than what it
 * sends: a suite's `wait_for:` and `shard:`, a scenario's `poll:`. */
#include <stdlib.h>
#include <string.h>

#include "load.h"

#define DEFAULT_WAIT_MS 30000L
#define DEFAULT_POLL_EVERY_MS 1000L
#define DEFAULT_POLL_TIMEOUT_MS 60000L

static bool positive_duration(loader *L, const gt_node *n, const char *what, long *ms) {
  if (!ld_duration(L, n, what, ms)) return false;
  return *ms > 0 || ld_fail(L, n, "%s: must be more than 0", what);
}

/* wait_for: 30s | { path: /health, status: 200, timeout: 30s } */
bool ld_wait_for(loader *L, const gt_node *n) {
  static const char *const keys[] = {"path", "status", "timeout", NULL};
  gt_wait_for *w = &L->suite->wait_for;
  if (ld_is_null(n)) return true;
  if (n->kind == GT_NODE_SCALAR) return positive_duration(L, n, "wait_for", &w->timeout_ms);
  if (!ld_want_map(L, n, "wait_for") || !ld_check_keys(L, n, keys, "wait_for")) return false;
  w->timeout_ms = DEFAULT_WAIT_MS;
  const gt_node *timeout = gt_node_get(n, "timeout");
  if (timeout && !positive_duration(L, timeout, "wait_for.timeout", &w->timeout_ms)) return false;
  const gt_node *path = gt_node_get(n, "path");
  if (path) {
    if (!ld_want_scalar(L, path, "wait_for.path") || !ld_plain_data(L, path, "wait_for.path") ||
        !ld_vars_defined(L, path))
      return false;
    gt_buf b;
    gt_buf_init(&b);
    gt_err e;
    bool ok = gt_expand_text(&L->scope, path->text, path->text_len, &b, path->file, path->line,
                             path->col, &e);
    if (ok && b.data[0] != '/')
      ok = ld_fail(L, path, "wait_for.path must start with / (got '%s')", b.data);
    else if (!ok)
      ld_fail(L, path, "wait_for.path: %s", e.msg);
    if (ok) w->path = gt_buf_steal(&b);
    gt_buf_free(&b);
    if (!ok) return false;
  }
  const gt_node *status = gt_node_get(n, "status");
  if (status) {
    if (!path)
      return ld_fail(L, status, "wait_for.status needs a path: (what to ask for the status)");
    if (!ld_status(L, status, &w->status, &w->status_text)) return false;
    w->has_status = true;
  } else if (path) {
    for (int c = 200; c < 300; c++)
      gt_status_add(&w->status, c);
    w->status_text = gt_xstrdup("2xx");
    w->has_status = true;
  }
  return true;
}

/* shard: { replay_writes: true } */
bool ld_shard(loader *L, const gt_node *n) {
  static const char *const keys[] = {"replay_writes", NULL};
  if (ld_is_null(n)) return true;
  if (!ld_want_map(L, n, "shard") || !ld_check_keys(L, n, keys, "shard")) return false;
  const gt_node *rw = gt_node_get(n, "replay_writes");
  return !rw || ld_bool(L, rw, "shard.replay_writes", &L->suite->shard_replay_writes);
}

/* poll: { until: <expectation>, every: 1s, timeout: 2m, backoff: exponential } */
bool ld_poll(loader *L, gt_node *n, gt_scenario *sc) {
  static const char *const keys[] = {"until", "every", "timeout", "backoff", NULL};
  if (!ld_want_map(L, n, "poll") || !ld_check_keys(L, n, keys, "poll")) return false;
  gt_poll *p = gt_xcalloc(1, sizeof *p); /* freed with the scenario */
  gt_expect_init(&p->until);
  p->every_ms = DEFAULT_POLL_EVERY_MS;
  p->timeout_ms = DEFAULT_POLL_TIMEOUT_MS;
  p->line = n->line, p->col = n->col;
  sc->poll = p;
  gt_node *until = gt_node_get_mut(n, "until");
  if (!until) return ld_fail(L, n, "poll: missing required key 'until' (the answer to wait for)");
  if (!ld_expect(L, until, &p->until, "poll.until") || !ld_vars_defined(L, until)) return false;
  const gt_node *every = gt_node_get(n, "every");
  if (every && !positive_duration(L, every, "poll.every", &p->every_ms)) return false;
  const gt_node *timeout = gt_node_get(n, "timeout");
  if (timeout && !positive_duration(L, timeout, "poll.timeout", &p->timeout_ms)) return false;
  if (p->every_ms > p->timeout_ms)
    return ld_fail(L, every ? every : n, "poll.every (%ldms) is longer than poll.timeout (%ldms)",
                   p->every_ms, p->timeout_ms);
  const gt_node *backoff = gt_node_get(n, "backoff");
  if (backoff) {
    if (!ld_want_scalar(L, backoff, "poll.backoff")) return false;
    if (!strcmp(backoff->text, "exponential"))
      p->exponential = true;
    else if (strcmp(backoff->text, "none") && strcmp(backoff->text, "constant"))
      return ld_fail(L, backoff, "poll.backoff: expected exponential or constant, got '%s'",
                     backoff->text);
  }
  return true;
}
