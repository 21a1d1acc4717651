/* serve.c — the server's lifecycle: construction from the suites, the counts
 * the CLI polls, freeing. One request is handled in serve_handle.c. */
#include <string.h>

#include "serve_internal.h"

/* ---- construction ---- */

static char *expand_scalar(gt_serve *s, serve_suite *ss, const gt_node *n) {
  if (!n) return NULL;
  serve_ctx c = {.s = s, .ss = ss};
  char *v = serve_value_text(&c, n);
  if (!*v) {
    free(v);
    return NULL;
  }
  return v;
}

static bool prepare_suite(gt_serve *s, serve_suite *ss, const gt_suite *su, gt_err *err) {
  const gt_profile *p = &su->profile;
  ss->suite = su;
  ss->policy = p->client; /* its idempotency_header stays the profile's */
  ss->scope = (gt_scope){.cli_vars = s->opts.cli_vars,
                         .n_cli_vars = s->opts.n_cli_vars,
                         .suite_vars = su->variables,
                         .use_env = s->opts.use_env};
  if (p->auth.scheme == GT_AUTH_QUERY)
    return gt_err_set(err, GT_ERR_INPUT, p->file, p->auth.params ? p->auth.params->line : 0,
                      p->auth.params ? p->auth.params->col : 0,
                      "%s: auth.scheme query is not served yet: gauntlet serve checks header "
                      "credentials only",
                      su->name);
  ss->credential = expand_scalar(s, ss, p->auth.token);
  if (p->auth.scheme != GT_AUTH_NONE && !ss->credential)
    return gt_err_set(err, GT_ERR_INPUT, p->file, p->auth.token ? p->auth.token->line : 0,
                      p->auth.token ? p->auth.token->col : 0,
                      "%s: auth.token expands to nothing: serve needs the credential clients "
                      "must present (set its variable)",
                      su->name);
  ss->jwt_secret = expand_scalar(s, ss, p->auth.jwt_secret);
  if (p->auth.jwt_claims) {
    serve_ctx c = {.s = s, .ss = ss};
    ss->jwt_claims = serve_value(&c, p->auth.jwt_claims);
  }
  char *rl = expand_scalar(s, ss, p->limits.rate_limit);
  ss->rate_limit = rl ? atol(rl) : 0;
  free(rl);
  if (s->opts.secrets) {
    if (ss->credential) {
      if (p->auth.jwt)
        gt_secrets_add_jwt(s->opts.secrets, "credential", ss->credential);
      else
        gt_secrets_add(s->opts.secrets, "credential", ss->credential);
    }
    if (ss->jwt_secret) gt_secrets_add(s->opts.secrets, "jwt_secret", ss->jwt_secret);
  }
  return true;
}

/* --expect-retry 429,503,reset (or none): the failures every suite's
 * clients must retry, instead of the profiles' `client.retry`. */
static bool parse_expect_retry(const char *v, gt_client_policy *out, gt_err *err) {
  out->retry_given = true;
  if (!strcmp(v, "none")) return true;
  const char *p = v;
  for (;;) {
    size_t n = strcspn(p, ",");
    char *item = gt_xstrndup(p, n);
    bool ok = gt_client_policy_add_retry(out, item);
    if (!ok)
      gt_err_set(err, GT_ERR_USAGE, NULL, 0, 0,
                 "--expect-retry: '%s' is not a failure serve injects (a status 400..599 such "
                 "as 429 or 503, or reset; 'none' for nothing), in '%s'",
                 item, v);
    free(item);
    if (!ok) return false;
    if (!p[n]) return true;
    p += n + 1;
  }
}

/* --unknown-routes fail | note | note:STATUS */
static bool parse_unknown_routes(gt_serve *s, const char *v, gt_err *err) {
  if (!v || !strcmp(v, "fail")) return true;
  if (strncmp(v, "note", 4) || (v[4] && v[4] != ':'))
    return gt_err_set(err, GT_ERR_USAGE, NULL, 0, 0,
                      "--unknown-routes: expected fail, note or note:STATUS, got '%s'", v);
  s->unknown_note = true;
  if (!v[4]) return true;
  char *end;
  long st = strtol(v + 5, &end, 10);
  if (end == v + 5 || *end || st < 200 || st > 599)
    return gt_err_set(err, GT_ERR_USAGE, NULL, 0, 0,
                      "--unknown-routes: '%s': the status must be 200..599 (note:501)", v);
  s->unknown_status = (int)st;
  return true;
}

gt_serve *gt_serve_new(gt_suite *const *suites, size_t n_suites, const gt_serve_opts *o,
                       gt_err *err) {
  if (n_suites == 0) {
    gt_err_set(err, GT_ERR_USAGE, NULL, 0, 0, "serve needs at least one suite");
    return NULL;
  }
  if (o->inject_rate < 0 || o->inject_rate > 1) {
    gt_err_set(err, GT_ERR_USAGE, NULL, 0, 0, "--inject-rate must be between 0 and 1");
    return NULL;
  }
  if (o->store_limit < 0) {
    gt_err_set(err, GT_ERR_USAGE, NULL, 0, 0, "--store-limit must be a positive number");
    return NULL;
  }
  gt_serve *s = gt_xcalloc(1, sizeof *s);
  s->opts = *o;
  s->listen = o->listen ? gt_xstrdup(o->listen) : NULL;
  s->tls_listen = o->tls_listen ? gt_xstrdup(o->tls_listen) : NULL;
  s->cert = o->cert ? gt_xstrdup(o->cert) : NULL;
  s->key = o->key ? gt_xstrdup(o->key) : NULL;
  if (!s->listen && !s->tls_listen) s->listen = gt_xstrdup("127.0.0.1:8080");
  s->opts.listen = s->listen;
  s->opts.tls_listen = s->tls_listen;
  s->opts.cert = s->cert;
  s->opts.key = s->key;
  s->opts.inject = NULL; /* not kept: parsed below */
  s->prng = o->seed ^ 0x5eed5eed5eedULL;
  s->store.limit = (size_t)o->store_limit;
  pthread_mutex_init(&s->lock, NULL);
  pthread_mutex_init(&s->audit_lock, NULL);
  s->suites = gt_xcalloc(n_suites, sizeof *s->suites);
  s->n_suites = n_suites;
  bool ok = serve_inject_parse(o->inject, &s->injects, &s->n_injects, err);
  if (ok) ok = parse_unknown_routes(s, o->unknown_routes, err);
  gt_client_policy expect = {0};
  if (ok && o->expect_retry) ok = parse_expect_retry(o->expect_retry, &expect, err);
  s->inject_seen = gt_xcalloc(s->n_injects ? s->n_injects : 1, sizeof *s->inject_seen);
  for (size_t i = 0; ok && i < n_suites; i++)
    ok = prepare_suite(s, &s->suites[i], suites[i], err);
  for (size_t i = 0; ok && i < n_suites; i++) { /* the command line wins over the profiles */
    gt_client_policy *pol = &s->suites[i].policy;
    if (o->expect_retry) {
      pol->retry_given = true;
      pol->retry_reset = expect.retry_reset;
      pol->n_retry_statuses = expect.n_retry_statuses;
      memcpy(pol->retry_statuses, expect.retry_statuses, sizeof pol->retry_statuses);
    }
    if (o->max_attempts) pol->max_attempts = o->max_attempts;
    if (o->backoff_min_ms > 0) pol->backoff_min_ms = o->backoff_min_ms;
  }
  if (ok) ok = serve_routes_build(s, err);
  if (ok && s->tls_listen && (!s->cert || !s->key))
    ok = gt_err_set(err, GT_ERR_USAGE, NULL, 0, 0, "--tls-listen needs --cert and --key");
  if (ok) ok = serve_audit_open(s, err); /* last: it creates the report's temporary file */
  if (!ok) {
    gt_serve_free(s);
    return NULL;
  }
  return s;
}

void gt_serve_free(gt_serve *s) {
  if (!s) return;
  gt_serve_stop(s);
  for (size_t i = 0; i < s->n_suites; i++) {
    free(s->suites[i].base_path);
    free(s->suites[i].credential);
    free(s->suites[i].jwt_secret);
    cJSON_Delete(s->suites[i].jwt_claims);
  }
  free(s->suites);
  for (size_t i = 0; i < s->n_routes; i++) {
    free(s->routes[i].method);
    free(s->routes[i].tmpl);
    gt_node_free(s->routes[i].respond);
  }
  free(s->routes);
  serve_store_free(&s->store);
  for (size_t i = 0; i < s->n_rates; i++)
    free(s->rates[i].key);
  free(s->rates);
  serve_audit_free(s);
  serve_inject_free(s->injects, s->n_injects);
  free(s->inject_seen);
  free(s->listen);
  free(s->tls_listen);
  free(s->cert);
  free(s->key);
  pthread_mutex_destroy(&s->lock);
  pthread_mutex_destroy(&s->audit_lock);
  free(s);
}

bool gt_serve_done(gt_serve *s) {
  /* --max-requests: done once the last answer has left, not when decided */
  pthread_mutex_lock(&s->audit_lock);
  bool d = s->done && s->completed >= s->answered;
  pthread_mutex_unlock(&s->audit_lock);
  return d;
}

void serve_note_completed(gt_serve *s) {
  pthread_mutex_lock(&s->audit_lock);
  s->completed++;
  pthread_mutex_unlock(&s->audit_lock);
}
int gt_serve_http_port(const gt_serve *s) {
  return s->http_port;
}
int gt_serve_https_port(const gt_serve *s) {
  return s->https_port;
}
const char *gt_serve_base_path(const gt_serve *s, size_t i) {
  return i < s->n_suites ? s->suites[i].base_path : NULL;
}
