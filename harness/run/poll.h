/* poll.h — a scenario's `poll:` while its valid case runs (internal to run/).
 *
 * The runner sends the valid case as usual; each answer goes through
 * gt_poll_again first. While the answer does not match `poll.until` and time
 * is left, the runner re-sends the same request at gt_poll_due (through the
 * executor, so every attempt counts against --rate) and nothing else looks
 * at that answer: no checks, no faults, no captures. The last answer (a
 * match, the one at the timeout, or a transport error, which is never
 * retried) is then judged by `expect` and the universal checks like any
 * other, captures are taken from it, and the report lists every attempt
 * (status and timing, not bodies). */
#ifndef GT_RUN_POLL_H
#define GT_RUN_POLL_H

#include <stdbool.h>

#include "../check/check.h"
#include "../core/model.h"
#include "../http/http.h"
#include "result.h"

typedef struct gt_poll_run gt_poll_run;

/* Starts polling for spec (the clock starts now). Caller frees. */
gt_poll_run *gt_poll_run_new(const gt_poll *spec);
void gt_poll_run_free(gt_poll_run *p);
/* Records the answer; true when the request must be sent again (at
 * gt_poll_due), false when this answer is the last one. */
bool gt_poll_again(gt_poll_run *p, const gt_scope *scope, bool is_head,
                   const gt_http_response *resp);
/* Monotonic milliseconds at which the next attempt is due. */
long gt_poll_due(const gt_poll_run *p);
long gt_poll_now_ms(void);
/* After the last answer: a failure when `until` was never met (timeout). */
void gt_poll_failures(const gt_poll_run *p, gt_failures *f);
/* Puts the list of attempts in front of the case's system-out (t owns the
 * new text; r->system_out points at it). */
void gt_poll_annotate(const gt_poll_run *p, gt_result_texts *t, gt_case_result *r);

#endif
