/* load_client.c — the profile's `client:` block: what `gauntlet serve`
 * expects of a client library after a failure (which injected failures it
 * must retry, how many attempts in all, whether it waits the Retry-After, the
 * shortest backoff, the header that makes a resend safe; docs/serve.md
 * "Client policy", docs/suite-format.md "Profile keys"). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"

static bool load_retry(loader *L, gt_client_policy *p, const gt_node *v) {
  if (!ld_want_seq(L, v, "client.retry")) return false;
  p->retry_given = true;
  for (size_t i = 0; i < v->count; i++) {
    const gt_node *item = v->items[i];
    if (!ld_want_scalar(L, item, "client.retry")) return false;
    if (!gt_client_policy_add_retry(p, item->text))
      return ld_fail(L, item,
                     "client.retry: '%s' is not a failure serve injects (a status 400..599 "
                     "such as 429 or 503, or reset)",
                     item->text);
  }
  return true;
}

/* A header name: RFC 9110 token characters. */
static bool header_name_ok(const char *s) {
  if (!*s) return false;
  for (; *s; s++)
    if (!isalnum((unsigned char)*s) && !strchr("!#$%&'*+-.^_`|~", *s)) return false;
  return true;
}

bool ld_client_policy(loader *L, gt_client_policy *p, gt_node *n) {
  static const char *const keys[] = {"retry",       "max_attempts",       "retry_after",
                                     "backoff_min", "idempotency_header", NULL};
  if (!ld_want_map(L, n, "client") || !ld_check_keys(L, n, keys, "client")) return false;
  for (size_t i = 0; i < n->count; i++) {
    const char *k = n->keys[i]->text;
    const gt_node *v = n->items[i];
    if (!strcmp(k, "retry")) {
      if (!load_retry(L, p, v)) return false;
    } else if (!strcmp(k, "max_attempts")) {
      long attempts;
      if (!ld_int(L, v, "client.max_attempts", 1, 1000, &attempts)) return false;
      p->max_attempts = (unsigned)attempts;
    } else if (!strcmp(k, "retry_after")) {
      if (!ld_want_scalar(L, v, "client.retry_after")) return false;
      if (strcmp(v->text, "honour") && strcmp(v->text, "ignore"))
        return ld_fail(L, v, "client.retry_after: expected honour or ignore, got '%s'", v->text);
      p->ignore_retry_after = !strcmp(v->text, "ignore");
    } else if (!strcmp(k, "backoff_min")) {
      if (!ld_duration(L, v, "client.backoff_min", &p->backoff_min_ms)) return false;
    } else if (!strcmp(k, "idempotency_header")) {
      if (!ld_want_scalar(L, v, "client.idempotency_header")) return false;
      if (!header_name_ok(v->text))
        return ld_fail(L, v, "client.idempotency_header: '%s' is not a header name", v->text);
      free(p->idempotency_header);
      p->idempotency_header = ld_strdup_scalar(v);
    }
  }
  return true;
}
