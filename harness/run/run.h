/* run.h — the runner: executes the cases of loaded suites and reports them.
 *
 * Scheduling (documented in docs/suite-format.md "Execution order"):
 *  - a scenario's cases start once every scenario it captures from is done;
 *    a failed capture skips its dependants;
 *  - within a scenario, fault cases run first (concurrently), then the valid
 *    case, so a faulted DELETE still finds its object;
 *  - reading scenarios (GET, HEAD, OPTIONS) run concurrently with each other;
 *    a writing scenario (any other method) waits for every earlier scenario and
 *    holds back every later one: state changes happen in file order;
 *  - transport faults are followed by their liveness probe;
 *  - rate_limit cases run last, one at a time.
 * Results are reduced to gt_case_result as soon as a case finishes and handed
 * to the sink; nothing per case is retained. */
#ifndef GT_RUN_RUN_H
#define GT_RUN_RUN_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "../core/err.h"
#include "../core/model.h"
#include "../core/secrets.h"
#include "../core/vars.h"
#include "../fault/fault.h"
#include "../http/http.h"
#include "../report/report.h"

typedef struct gt_run_sink {
  /* Called once per suite before its cases (props: base URL, profile, version, shard, seed). */
  bool (*suite_begin)(void *ud, const gt_suite *s, const gt_property *props, size_t n,
                      size_t n_cases, gt_err *err);
  bool (*case_done)(void *ud, const gt_case_result *r, gt_err *err);
  bool (*suite_end)(void *ud, const gt_suite *s, gt_err *err);
  void *ud;
} gt_run_sink;

typedef struct gt_run_opts {
  const char *base_url;   /* -u, overrides every suite's base_url */
  const gt_cli_var *vars; /* -v */
  int n_vars;
  const char *faults;          /* --faults */
  const char *skip_faults;     /* --skip-faults */
  const char *filter;          /* --filter GLOB on "suite › name" and on name */
  const char *const *case_ids; /* --case ID (any of): exactly "suite › name" or "name" */
  size_t n_case_ids;
  const char *const *tags; /* --tag (any of) */
  size_t n_tags;
  int shard_k, shard_n; /* --shard K/N (1-based K); n == 0: no sharding */
  bool fail_fast;
  bool follow_redirects; /* --follow-redirects: at most 5, then the case errors */
  long timeout_ms;       /* default per request */
  uint64_t seed;
  int64_t now_ms; /* --now-ms: pins every case's clock (minted tokens, ${gen.now_*}); 0: real */
  /* Repro: "gauntlet run --seed N [options]" that, with " --case ID SUITE"
   * appended, re-sends one case (NULL: no replay line), and the folder where
   * bodies too large or binary for a command line are written (NULL: none). */
  const char *replay_prefix;
  const char *repro_dir;
  gt_http_opts http;
  volatile sig_atomic_t *interrupted; /* set by the CLI's signal handler to the signal number */
  long wait_for_ms;                   /* --wait-for: 0 = only a suite's wait_for (run/wait.c) */
  bool allow_plain_http; /* --allow-plain-http: credentials may go over http:// (cleartext.c) */
} gt_run_opts;

typedef struct gt_run_stats {
  size_t total, passed, failed, errors, skipped;
  bool interrupted;
  bool stopped_early; /* --fail-fast */
  /* Selected cases a stopped run never finished (not started, or cut off in
   * flight): each is reported as skipped with the reason below, and counted
   * in `skipped` too. */
  size_t not_run;
  char stop_reason[640]; /* "" unless interrupted or stopped early */
} gt_run_stats;

/* false (err set: exit 2) when a suite would send its profile's credential
 * over plain http:// to a host that is not loopback and neither the profile
 * (`transport.https_only: false`) nor the run (allow_plain_http) allows it;
 * checked before anything is sent (cleartext.c). */
bool gt_run_check_cleartext(gt_suite *const *suites, size_t n_suites, const gt_run_opts *o,
                            gt_err *err);

/* Runs every suite in order. Returns false only on a runtime error (report
 * not writable, ...); failed cases are counted in stats, not errors. */
bool gt_run(gt_suite *const *suites, size_t n_suites, const gt_run_opts *o, gt_secrets *secrets,
            const gt_run_sink *sink, gt_run_stats *stats, gt_err *err);

/* Cases (reported) and replayed valid cases per shard, summed over the
 * suites selected so far: arrays of shard_n entries, zeroed by the caller,
 * who frees them. */
typedef struct gt_shard_tally {
  size_t *cases;
  size_t *replayed;
} gt_shard_tally;

/* gt_run_select with --shard across several suites (see select.c): tally
 * (may be NULL: this suite alone) carries the loads from one suite to the
 * next; replay (may be NULL) gets, per case, true for a valid case this shard
 * must run only for its captures (reported by its owner shard). */
void gt_run_select_shard(const gt_suite *s, const gt_case_list *l, const gt_run_opts *o,
                         gt_shard_tally *tally, bool *sel, bool *replay);

/* Selection shared by `run` and `list`: marks which cases of a suite are
 * selected by filter, tags and shard. sel must hold l->count entries. */
void gt_run_select(const gt_suite *s, const gt_case_list *l, const gt_run_opts *o, bool *sel);

/* --wait-for / a suite's wait_for: before the suite's first case, waits (with
 * backoff) until its base URL accepts TCP or answers as wait_for says. false
 * with err (GT_ERR_RUNTIME, what was tried, the last answer) on timeout; true
 * at once when there is nothing to wait for, and when interrupted (then
 * stats->interrupted is set). */
bool gt_wait_ready(const gt_suite *s, const gt_scope *scope, const gt_run_opts *o,
                   const gt_secrets *secrets, gt_run_stats *stats, gt_err *err);

/* Cases of the suite kept by --filter, --tag and --case, before sharding. */
size_t gt_run_count_matching(const gt_suite *s, const gt_case_list *l, const gt_run_opts *o);

/* --filter's glob: '*' any run, '?' one byte, '\' makes the next character
 * literal; everything else, '[' and ']' included, is literal. */
bool gt_glob_match(const char *pattern, const char *text);

#endif
