/* model.c — the field-wise "unset" semantics of gt_expect (see model.h).
 *
 * Ownership: an expectation owns its status_text and its jsonpath array; the
 * array's entries borrow src, path and tmpl from the suite's trees (the
 * compiled JSONPath hangs off the key node's aux), so a merged copy can share
 * them and gt_expect_free never frees them. */
#include "model.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

void gt_expect_init(gt_expect *e) {
  memset(e, 0, sizeof *e);
  e->max_time_ms = -1;
  e->refused = -1;
  e->error_shape = -1;
}

void gt_expect_merge(gt_expect *dst, const gt_expect *src) {
  if (src->has_status) {
    dst->has_status = true;
    dst->status = src->status;
    free(dst->status_text);
    dst->status_text = src->status_text ? gt_xstrdup(src->status_text) : NULL;
  }
  if (src->headers) dst->headers = src->headers;
  if (src->json) dst->json = src->json;
  if (src->n_jsonpath > 0) {
    free(dst->jsonpath);
    dst->jsonpath = gt_xmalloc(src->n_jsonpath * sizeof *dst->jsonpath);
    memcpy(dst->jsonpath, src->jsonpath, src->n_jsonpath * sizeof *dst->jsonpath);
    dst->n_jsonpath = src->n_jsonpath;
  }
  if (src->body) dst->body = src->body;
  if (src->max_time_ms >= 0) dst->max_time_ms = src->max_time_ms;
  if (src->refused >= 0) dst->refused = src->refused;
  if (src->error_shape >= 0) dst->error_shape = src->error_shape;
  if (src->if_status) dst->if_status = src->if_status;
}

void gt_expect_free(gt_expect *e) {
  if (!e) return;
  free(e->status_text);
  free(e->jsonpath);
  gt_expect_init(e);
}

const gt_profile *gt_profile_for_scenario(const gt_profile *p, const gt_scenario *sc,
                                          gt_profile *tmp) {
  const gt_check_switches *c = &sc->checks;
  bool any = c->content_type || c->content_type_match;
  for (int i = 0; i < GT_CHECK_UNIVERSAL_COUNT && !any; i++)
    any = c->on[i] != GT_SWITCH_PROFILE;
  if (!any) return p;
  *tmp = *p;
  for (int i = 0; i < GT_CHECK_UNIVERSAL_COUNT; i++)
    if (c->on[i] != GT_SWITCH_PROFILE) tmp->check_disabled[i] = c->on[i] == GT_SWITCH_OFF;
  if (c->content_type || c->content_type_match) {
    tmp->transport.content_type = c->content_type;
    tmp->transport.content_type_match = c->content_type_match;
  }
  return tmp;
}
