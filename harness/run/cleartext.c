/* cleartext.c — a run never sends a real credential in clear to a host
 * that is not this machine: a suite whose base URL is plain http:// to a
 * non-loopback host and whose profile carries a credential is refused
 * before anything is sent, unless the profile says the API is served over
 * plain HTTP (`transport.https_only: false`) or the run allows it
 * (--allow-plain-http). docs/ci.md "Exit codes" (2), README "Safety". */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "run.h"

/* An undefined variable (no value) counts as empty: the cases report it. */
static bool non_empty(const gt_scope *scope, const gt_node *n) {
  char *v = gt_expand_scalar(scope, n);
  bool yes = v && *v;
  free(v);
  return yes;
}

/* true when the profile's credential has a value (an empty one, such as a
 * derived suite's `${bearerAuth:-}` left unset, sends nothing secret). */
static bool has_credential(const gt_profile *p, const gt_scope *scope) {
  if (p->auth.scheme == GT_AUTH_NONE) return false;
  if (p->auth.scheme == GT_AUTH_QUERY) {
    for (size_t i = 0; p->auth.params && i < p->auth.params->count; i++)
      if (non_empty(scope, p->auth.params->items[i])) return true;
    return false;
  }
  return non_empty(scope, p->auth.token) || (p->auth.jwt && non_empty(scope, p->auth.jwt_secret));
}

bool gt_run_check_cleartext(gt_suite *const *suites, size_t n_suites, const gt_run_opts *o,
                            gt_err *err) {
  if (o->allow_plain_http) return true;
  for (size_t i = 0; i < n_suites; i++) {
    const gt_suite *s = suites[i];
    const gt_profile *p = &s->profile;
    if (p->transport.https_only_given && !p->transport.https_only) continue;
    gt_scope scope = {
        .cli_vars = o->vars, .n_cli_vars = o->n_vars, .suite_vars = s->variables, .use_env = true};
    char *base = o->base_url ? strdup(o->base_url) : gt_expand_scalar(&scope, s->base_url);
    bool clear = base && !strncasecmp(base, "http://", 7) && !gt_url_is_loopback(base);
    bool refuse = clear && has_credential(p, &scope);
    if (refuse) {
      /* the URL is not a secret, but may hold one (user:password@): shown
       * up to its host only */
      const char *host = base + 7;
      size_t n = strcspn(host, "/?#");
      const char *at = memchr(host, '@', n);
      if (at) n -= (size_t)(at + 1 - host), host = at + 1;
      const gt_node *u = o->base_url ? NULL : s->base_url;
      gt_err_set(err, o->base_url ? GT_ERR_USAGE : GT_ERR_INPUT, u ? u->file : NULL,
                 u ? u->line : 0, u ? u->col : 0,
                 "suite '%s': the base URL is plain HTTP to http://%.*s, which is not this "
                 "machine, and the profile's credential would travel unencrypted: nothing was "
                 "sent. Use https://, or allow it: `transport: { https_only: false }` in the "
                 "profile (the API is served over plain HTTP) or --allow-plain-http",
                 s->name, (int)n, host);
    }
    free(base);
    if (refuse) return false;
  }
  return true;
}
