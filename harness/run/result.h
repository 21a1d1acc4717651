/* result.h — reducing one finished case to the text the reports need.
 * Internal to run/. Every string is redacted through the run's secrets. */
#ifndef GT_RUN_RESULT_H
#define GT_RUN_RESULT_H

#include "../check/check.h"
#include "../core/secrets.h"
#include "../http/http.h"
#include "../report/report.h"

/* Owned texts behind a gt_case_result; freed with gt_result_texts_free. */
typedef struct gt_result_texts {
  char *message, *type, *detail, *system_out, *repro;
  char *method, *url;    /* the request, redacted */
  gt_case_check *checks; /* every failed check; its strings are owned too */
  size_t n_checks;
} gt_result_texts;

/* Fills r (pointing into t) for a case that ran. resp may be NULL (not sent).
 * repro (NULL: no repro command) gives the replay line and body file; its
 * body file is written only for a case that did not pass. */
void gt_result_build(gt_case_result *r, gt_result_texts *t, const gt_secrets *secrets,
                     const gt_http_request *req, const gt_http_response *resp,
                     const gt_failures *failures, const gt_repro_opts *repro);
/* A skipped case, or an error before sending (message only). */
void gt_result_simple(gt_case_result *r, gt_result_texts *t, const gt_secrets *secrets,
                      gt_result_kind kind, const char *type, const char *message);
void gt_result_texts_free(gt_result_texts *t);
/* "check where: expected X, got Y", the one-line form of a failure (caller
 * frees). Not redacted: callers redact what they output. */
char *gt_failure_line(const gt_failure *f);

/* What was there at a failed check's location, one line, for messages:
 * "body: {...}" (an escaped excerpt of the body), with "keys: a, b; " first
 * when the location is a missing object member; NULL when the location is
 * not inside a JSON body or there is no body. Caller frees; not redacted. */
char *gt_failure_context(const gt_failure *f, const gt_http_response *resp);

#endif
