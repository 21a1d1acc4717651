/* client_policy.c — the retry items of a client policy, shared by the
 * profile's `client.retry` list and serve's `--expect-retry 429,503,reset`
 * so both accept exactly the same words. */
#include <stdlib.h>
#include <string.h>

#include "model.h"

bool gt_client_policy_add_retry(gt_client_policy *p, const char *item) {
  if (!strcmp(item, "reset")) {
    p->retry_reset = true;
    return true;
  }
  if (strlen(item) != 3 || strspn(item, "0123456789") != 3) return false;
  int status = atoi(item);
  if (status < 400 || status > 599) return false;
  for (size_t i = 0; i < p->n_retry_statuses; i++)
    if (p->retry_statuses[i] == status) return true;
  if (p->n_retry_statuses == GT_POLICY_STATUSES_MAX) return false;
  p->retry_statuses[p->n_retry_statuses++] = status;
  return true;
}

bool gt_client_policy_expects(const gt_client_policy *p, int status) {
  if (status == 0) return p->retry_reset;
  for (size_t i = 0; i < p->n_retry_statuses; i++)
    if (p->retry_statuses[i] == status) return true;
  return false;
}

void gt_client_policy_free(gt_client_policy *p) {
  free(p->idempotency_header);
  p->idempotency_header = NULL;
}
