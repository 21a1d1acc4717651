/* perform.c — one blocking request: a one-job executor. */
#include "http_internal.h"

#include <string.h>

bool gt_http_perform(const gt_http_opts *opts, const gt_http_request *req, gt_http_response *resp,
                     gt_err *err) {
  memset(resp, 0, sizeof *resp);
  gt_http_opts o = *opts;
  o.max_parallel = 1;
  o.rate = 0;
  gt_http_exec *x = gt_http_exec_new(&o, err); /* freed below */
  if (!x) return false;
  int tag = 0;
  gt_http_exec_add(x, req, &tag);
  /* exec_next returns NULL only when nothing is pending, which cannot happen
   * before our one job completes; the request timeout bounds the wait. */
  while (gt_http_exec_pending(x) > 0 && !gt_http_exec_next(x, resp, -1)) {
  }
  gt_http_exec_free(x);
  return true;
}
