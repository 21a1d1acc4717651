/* serve.c — the server's lifecycle and the pure request handler
 * (gt_serve_handle): decides the answer, applies injection, records the audit. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../check/check.h"
#include "../fault/fault.h"
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
  ss->scope = (gt_scope){.cli_vars = s->opts.cli_vars,
                         .n_cli_vars = s->opts.n_cli_vars,
                         .suite_vars = su->variables,
                         .use_env = s->opts.use_env};
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
  pthread_mutex_init(&s->lock, NULL);
  s->suites = gt_xcalloc(n_suites, sizeof *s->suites);
  s->n_suites = n_suites;
  bool ok = serve_inject_parse(o->inject, &s->injects, &s->n_injects, err);
  for (size_t i = 0; ok && i < n_suites; i++)
    ok = prepare_suite(s, &s->suites[i], suites[i], err);
  if (ok) ok = serve_routes_build(s, err);
  if (ok && s->tls_listen && (!s->cert || !s->key))
    ok = gt_err_set(err, GT_ERR_USAGE, NULL, 0, 0, "--tls-listen needs --cert and --key");
  if (!ok) {
    gt_serve_free(s);
    return NULL;
  }
  return s;
}

static void audit_free(serve_audit *a) {
  free(a->method);
  free(a->path);
  free(a->suite);
  free(a->first_rule);
  gt_buf_free(&a->failed);
  gt_buf_free(&a->out);
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
  for (size_t i = 0; i < s->n_audit; i++)
    audit_free(&s->audit[i]);
  free(s->audit);
  serve_inject_free(s->injects, s->n_injects);
  free(s->listen);
  free(s->tls_listen);
  free(s->cert);
  free(s->key);
  pthread_mutex_destroy(&s->lock);
  free(s);
}

bool gt_serve_done(const gt_serve *s) {
  /* --max-requests: done once the last answer has left, not when decided */
  pthread_mutex_lock((pthread_mutex_t *)&s->lock);
  bool d = s->done && s->completed >= s->answered;
  pthread_mutex_unlock((pthread_mutex_t *)&s->lock);
  return d;
}

void serve_note_completed(gt_serve *s) {
  pthread_mutex_lock(&s->lock);
  s->completed++;
  pthread_mutex_unlock(&s->lock);
}
int gt_serve_http_port(const gt_serve *s) {
  return s->http_port;
}
int gt_serve_https_port(const gt_serve *s) {
  return s->https_port;
}

size_t gt_serve_request_count(const gt_serve *s) {
  pthread_mutex_lock((pthread_mutex_t *)&s->lock);
  size_t n = s->n_audit;
  pthread_mutex_unlock((pthread_mutex_t *)&s->lock);
  return n;
}

/* ---- the handler ---- */

static void rule(serve_audit *a, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void rule(serve_audit *a, const char *name, const char *fmt, ...) {
  if (!a->first_rule) a->first_rule = gt_xstrdup(name);
  gt_buf_printf(&a->failed, "%s: ", name);
  va_list ap;
  va_start(ap, fmt);
  gt_buf_vprintf(&a->failed, fmt, ap);
  va_end(ap);
  gt_buf_addc(&a->failed, '\n');
}

/* Counts a request against its credential's window; true when past the limit. */
static bool rate_account(gt_serve *s, serve_ctx *c, size_t suite, const char *key, bool count) {
  const serve_suite *ss = c->ss;
  long limit = ss->rate_limit > 0 ? ss->rate_limit : 1000; /* nominal when the profile has none */
  char *k = gt_xasprintf("%zu\n%s", suite, key ? key : "-");
  size_t i = 0;
  while (i < s->n_rates && strcmp(s->rates[i].key, k))
    i++;
  if (i == s->n_rates) {
    s->rates = gt_xrealloc(s->rates, (s->n_rates + 1) * sizeof *s->rates);
    s->rates[i].key = k;
    s->rates[i].window = c->now;
    s->rates[i].count = 0;
    s->n_rates++;
  } else {
    free(k);
  }
  if (c->now >= s->rates[i].window + 60) { /* fixed 60 s windows */
    s->rates[i].window = c->now;
    s->rates[i].count = 0;
  }
  if (count) s->rates[i].count++;
  c->rl_limit = limit;
  c->rl_remaining = limit - s->rates[i].count > 0 ? limit - s->rates[i].count : 0;
  c->rl_reset = s->rates[i].window + 60;
  return ss->rate_limit > 0 && s->rates[i].count > ss->rate_limit;
}

static void parse_query(const char *q, cJSON *out, bool *pct_ok) {
  while (q && *q) {
    size_t n = strcspn(q, "&");
    size_t eq = strcspn(q, "=");
    if (eq > n) eq = n;
    gt_buf k, v;
    gt_buf_init(&k);
    gt_buf_init(&v);
    char *rk = gt_xstrndup(q, eq),
         *rv = gt_xstrndup(eq < n ? q + eq + 1 : "", eq < n ? n - eq - 1 : 0);
    for (char *p = rv; *p; p++)
      if (*p == '+') *p = ' ';
    *pct_ok &= serve_percent_decode(rk, strlen(rk), &k);
    *pct_ok &= serve_percent_decode(rv, strlen(rv), &v);
    if (k.len && !cJSON_GetObjectItemCaseSensitive(out, k.data))
      cJSON_AddStringToObject(out, k.data, v.data);
    free(rk);
    free(rv);
    gt_buf_free(&k);
    gt_buf_free(&v);
    q += n;
    if (*q == '&') q++;
  }
}

static const char *rule_for_body_fault(gt_fault_id f) {
  switch (f) {
  case GT_FAULT_WRONG_CONTENT_TYPE:
    return "json_content_type";
  case GT_FAULT_INVALID_UTF8:
    return "utf8";
  case GT_FAULT_MALFORMED_JSON:
    return "json_parses";
  case GT_FAULT_OVERSIZED_BODY:
    return "body_size";
  default:
    return "request_body";
  }
}

static bool media_json(const char *ct) {
  return ct && (strcasestr(ct, "application/json") || strcasestr(ct, "+json"));
}

/* Rules that do not depend on the route: what the body says about the client. */
static void audit_body(const gt_serve_request *r, serve_audit *a) {
  if (!r->body_len) return;
  const char *ct = serve_req_header(r, "Content-Type");
  bool json_label = media_json(ct);
  bool textual = json_label || !ct || strcasestr(ct, "text/") || strcasestr(ct, "form-urlencoded");
  if (textual && !gt_utf8_valid(r->body, r->body_len))
    rule(a, "utf8", "the %s body is not valid UTF-8", ct ? ct : "unlabelled");
  if (!json_label) {
    cJSON *j = gt_json_parse_strict(r->body, r->body_len, NULL, NULL);
    if (j && (cJSON_IsObject(j) || cJSON_IsArray(j)))
      rule(a, "json_content_type", "a JSON body labelled %s", ct ? ct : "(no Content-Type)");
    cJSON_Delete(j);
  }
}

static void cors_preflight(serve_ctx *c, const char *path, gt_serve_response *resp) {
  gt_buf methods;
  gt_buf_init(&methods);
  for (size_t i = 0; i < c->s->n_routes; i++) {
    const serve_route *r = &c->s->routes[i];
    const char *base = c->s->suites[r->suite].base_path;
    if (strncmp(path, base, strlen(base)) ||
        !gt_serve_path_match(r->tmpl, path + strlen(base), NULL))
      continue;
    if (methods.data && strstr(methods.data, r->method)) continue;
    gt_buf_printf(&methods, "%s%s", methods.len ? ", " : "", r->method);
  }
  gt_buf_printf(&methods, "%sOPTIONS", methods.len ? ", " : "");
  resp->status = 204;
  serve_resp_add_header(resp, "Access-Control-Allow-Methods", methods.data);
  const char *asked = serve_req_header(c->req, "Access-Control-Request-Headers");
  const gt_profile *p = &c->ss->suite->profile;
  const char *auth =
      p->auth.scheme == GT_AUTH_HEADER && p->auth.header ? p->auth.header : "Authorization";
  char *h = asked && *asked ? gt_xasprintf("%s, %s, Content-Type", asked, auth)
                            : gt_xasprintf("%s, Content-Type", auth);
  serve_resp_add_header(resp, "Access-Control-Allow-Headers", h);
  serve_resp_add_header(resp, "Access-Control-Max-Age", "600");
  free(h);
  gt_buf_free(&methods);
}

static void inject(gt_serve *s, serve_ctx *c, const serve_route *rt, serve_audit *a,
                   gt_serve_response *resp) {
  if (!s->n_injects || s->opts.inject_rate <= 0) return;
  double draw = (double)(serve_rand(s) >> 11) / 9007199254740992.0;
  if (draw >= s->opts.inject_rate) return;
  const serve_inject *in = &s->injects[serve_rand(s) % s->n_injects];
  a->inject = in;
  switch (in->kind) {
  case INJ_STATUS: {
    gt_serve_response fresh;
    gt_serve_response_init(&fresh);
    c->message = in->status == 429 ? "rate limit exceeded (injected)" : "injected server error";
    serve_error_answer(c, rt, in->status == 429 ? GT_FAULT_RATE_LIMIT : GT_FAULT_VALID, &fresh);
    c->message = NULL;
    fresh.status = in->status;
    fresh.action = GT_SERVE_ANSWER;
    if (in->status == 429) c->rl_remaining = 0;
    serve_common_headers(c, NULL, &fresh);
    if (in->status == 429) {
      char num[32];
      snprintf(num, sizeof num, "%ld", c->rl_limit);
      serve_resp_add_header(&fresh, "X-RateLimit-Limit", num);
      serve_resp_add_header(&fresh, "X-RateLimit-Remaining", "0");
      snprintf(num, sizeof num, "%lld", (long long)c->rl_reset);
      serve_resp_add_header(&fresh, "X-RateLimit-Reset", num);
    }
    if (in->status == 429 || in->status == 503) {
      serve_resp_add_header(&fresh, "Retry-After", "1");
      a->retry_after = 1;
    }
    gt_serve_response_free(resp);
    *resp = fresh;
    break;
  }
  case INJ_MALFORMED_JSON:
    if (resp->status == 204 || resp->status == 304) resp->status = 200;
    if (resp->body.len >= 2) {
      resp->body.len /= 2;
      resp->body.data[resp->body.len] = '\0';
    } else {
      gt_buf_reset(&resp->body);
      gt_buf_adds(&resp->body, "{\"");
    }
    break;
  case INJ_TRUNCATED:
    if (resp->status == 204 || resp->status == 304) resp->status = 200;
    if (!resp->body.len) gt_buf_adds(&resp->body, "{\"truncated\": true}");
    resp->action = GT_SERVE_TRUNCATE;
    break;
  case INJ_RESET:
    resp->action = GT_SERVE_RESET;
    break;
  case INJ_SLOW:
    resp->delay_ms = in->delay_ms;
    break;
  case INJ_EMPTY:
    resp->status = 200;
    gt_buf_reset(&resp->body);
    break;
  default:
    break;
  }
}

static void describe_request(gt_serve *s, const gt_serve_request *r, serve_audit *a) {
  gt_buf raw;
  gt_buf_init(&raw);
  gt_buf_printf(&raw, "%s %s%s\n", r->method, r->target, r->tls ? " (https)" : " (http)");
  for (size_t i = 0; i < r->n_headers; i++)
    gt_buf_printf(&raw, "%s: %s\n", r->headers[i].name, r->headers[i].value);
  if (r->body_len) {
    gt_buf_addc(&raw, '\n');
    gt_buf_add(&raw, r->body, r->body_len < 1024 ? r->body_len : 1024);
    if (r->body_total > 1024) gt_buf_printf(&raw, "\n[%zu bytes in all]", r->body_total);
    gt_buf_addc(&raw, '\n');
  }
  if (s->opts.secrets)
    gt_secrets_redact(s->opts.secrets, raw.data, raw.len, &a->out);
  else
    gt_buf_add(&a->out, raw.data, raw.len);
  gt_buf_free(&raw);
}

void gt_serve_handle(gt_serve *s, const gt_serve_request *req, gt_serve_response *resp) {
  pthread_mutex_lock(&s->lock);
  if (s->n_audit == s->cap_audit) {
    s->cap_audit = s->cap_audit ? s->cap_audit * 2 : 64;
    s->audit = gt_xrealloc(s->audit, s->cap_audit * sizeof *s->audit);
  }
  serve_audit *a = &s->audit[s->n_audit++];
  memset(a, 0, sizeof *a);
  gt_buf_init(&a->failed);
  gt_buf_init(&a->out);
  a->t_in = serve_now_mono();
  a->method = gt_xstrdup(req->method);
  size_t plen = strcspn(req->target, "?");
  char *raw_path = gt_xstrndup(req->target, plen);
  a->path = s->opts.secrets ? gt_secrets_redact_dup(s->opts.secrets, raw_path, plen)
                            : gt_xstrdup(raw_path);
  a->body_hash = serve_hash(req->body ? req->body : "", req->body_len);
  describe_request(s, req, a);

  serve_ctx c = {.s = s, .req = req, .now = time(NULL)};
  serve_random_hex(s, c.new_id, 24);
  serve_random_uuid(s, c.new_uuid);
  c.new_int = ++s->next_int;
  c.query = cJSON_CreateObject();
  c.path_vars = cJSON_CreateObject();
  bool pct_ok = true;
  parse_query(req->target[plen] == '?' ? req->target + plen + 1 : NULL, c.query, &pct_ok);
  gt_buf dpath;
  gt_buf_init(&dpath);
  bool path_ok = serve_percent_decode(raw_path, plen, &dpath);
  gt_fault_id why;
  size_t si;
  long ri = serve_route_find(s, req->method, dpath.data, &why, &si, c.path_vars);
  c.ss = &s->suites[si];
  const serve_route *rt = ri >= 0 ? &s->routes[ri] : NULL;
  const gt_profile *p = &c.ss->suite->profile;
  a->suite = gt_xstrdup(c.ss->suite->name ? c.ss->suite->name : "serve");
  size_t blen = strlen(c.ss->base_path);
  c.path = gt_xstrdup(!strncmp(dpath.data, c.ss->base_path, blen) ? dpath.data + blen : dpath.data);

  gt_buf detail;
  gt_buf_init(&detail);
  char *presented = NULL;
  const char *origin = serve_req_header(req, "Origin");
  bool preflight = !strcasecmp(req->method, "OPTIONS") && origin &&
                   serve_req_header(req, "Access-Control-Request-Method");
  bool needs_auth =
      p->auth.scheme != GT_AUTH_NONE && (!rt || c.ss->suite->scenarios[rt->scenario].request.auth);
  gt_fault_id authf = GT_FAULT_VALID;
  if (!preflight) authf = serve_auth_check(c.ss, req, c.query, &presented);

  /* audit rules, whatever the answer */
  if (!path_ok || !pct_ok)
    rule(a, "percent_encoding", "invalid percent-encoding in %s",
         !path_ok ? "the path" : "the query");
  if (p->transport.https_only && !req->tls)
    rule(a, "https_required", "%s requires HTTPS; the request came over plain HTTP",
         c.ss->suite->name);
  if (!rt && !preflight)
    rule(a, "documented_route", "%s %s is not a documented method and path", req->method, a->path);
  if (needs_auth && !preflight) {
    if (cJSON_GetObjectItemCaseSensitive(c.query, "access_token"))
      rule(a, "credential_in_header",
           "the credential was sent in the query (access_token), not in the header");
    if (authf == GT_FAULT_UNAUTHENTICATED || authf == GT_FAULT_TOKEN_IN_QUERY)
      rule(a, "credential_present", "no credential in the %s header",
           p->auth.scheme == GT_AUTH_HEADER && p->auth.header ? p->auth.header : "Authorization");
    else if (authf != GT_FAULT_VALID)
      rule(a, "credential_valid", "the credential was rejected (%s)", gt_fault_name(authf));
  }
  audit_body(req, a);

  /* the answer, in the order a careful server checks */
  if (req->framing) rule(a, "http_framing", "%s", req->framing);
  if (req->framing) {
    /* ambiguous framing is never served: a proxy may have read it otherwise */
    gt_fault_id ff = req->framing_fault != GT_FAULT_VALID ? req->framing_fault
                                                          : GT_FAULT_WIRE_DUP_CONTENT_LENGTH;
    c.message = req->framing;
    serve_error_answer(&c, NULL, ff, resp);
    /* the precise status (414, 431, 501) unless the profile pins another */
    bool pinned = p->has_fault_expect[ff] && p->fault_expect[ff].has_status &&
                  !gt_status_has(&p->fault_expect[ff].status, req->framing_status);
    if (req->framing_status && resp->action == GT_SERVE_ANSWER && !pinned)
      resp->status = req->framing_status;
    serve_resp_add_header(resp, "Connection", "close");
  } else if (preflight) {
    cors_preflight(&c, dpath.data, resp);
  } else if (!path_ok || !pct_ok) {
    c.message = "invalid percent-encoding";
    serve_error_answer(&c, rt, GT_FAULT_BAD_PERCENT_ENCODING, resp);
  } else if (p->transport.https_only && !req->tls) {
    c.message = "HTTPS is required";
    serve_error_answer(&c, rt, GT_FAULT_HTTP_ONLY, resp);
  } else if (!rt) {
    c.message = why == GT_FAULT_WRONG_METHOD ? "method not allowed on this path" : "not found";
    serve_error_answer(&c, NULL, why, resp);
    if (why == GT_FAULT_WRONG_METHOD && resp->status == 405) {
      gt_buf allow;
      gt_buf_init(&allow);
      for (size_t i = 0; i < s->n_routes; i++)
        if (s->routes[i].suite == si && gt_serve_path_match(s->routes[i].tmpl, c.path, NULL) &&
            !(allow.data && strstr(allow.data, s->routes[i].method)))
          gt_buf_printf(&allow, "%s%s", allow.len ? ", " : "", s->routes[i].method);
      if (allow.data) serve_resp_add_header(resp, "Allow", allow.data);
      gt_buf_free(&allow);
    }
  } else if (needs_auth && authf != GT_FAULT_VALID) {
    c.message = authf == GT_FAULT_UNAUTHENTICATED  ? "no credential was found"
                : authf == GT_FAULT_TOKEN_IN_QUERY ? "credentials are not accepted in the query"
                                                   : "the credential is invalid";
    serve_error_answer(&c, rt, authf, resp);
  } else if (rate_account(s, &c, si, presented, true)) {
    c.message = "rate limit exceeded";
    serve_error_answer(&c, rt, GT_FAULT_RATE_LIMIT, resp);
    char ra[32];
    snprintf(ra, sizeof ra, "%lld", (long long)(c.rl_reset - c.now > 0 ? c.rl_reset - c.now : 1));
    serve_resp_add_header(resp, "Retry-After", ra);
    a->retry_after = atoi(ra);
  } else {
    gt_fault_id bf = serve_body_check(&c, rt, &detail);
    if (bf != GT_FAULT_VALID) {
      c.message = detail.data;
      serve_error_answer(&c, rt, bf, resp);
      if (strcmp(rule_for_body_fault(bf), "json_content_type") &&
          strcmp(rule_for_body_fault(bf), "utf8"))
        rule(a, rule_for_body_fault(bf), "%s", detail.data);
    } else if (!serve_respond(&c, rt, resp) && c.invalid) {
      rule(a, "request_valid", "a parameter was refused as invalid (answered %d)", resp->status);
    }
  }
  c.message = NULL;
  if (!c.rl_limit) rate_account(s, &c, si, presented, false);
  serve_common_headers(&c, presented, resp);
  if (!req->framing) inject(s, &c, rt, a, resp); /* a refusal stays a refusal */
  a->status = resp->action == GT_SERVE_RESET ? 0 : resp->status;
  a->t_out = serve_now_mono() + (double)resp->delay_ms / 1000.0;
  gt_buf_printf(&a->out, "-> %s %d%s%s\n", resp->action == GT_SERVE_RESET ? "reset" : "answered",
                a->status, a->inject ? " injected " : "", a->inject ? a->inject->text : "");
  if (s->opts.log) {
    char *line = gt_xasprintf("%s %s -> %d%s%s%s%s", req->method, a->path, a->status,
                              a->inject ? " [inject " : "", a->inject ? a->inject->text : "",
                              a->inject ? "]" : "", a->first_rule ? " (client broke a rule)" : "");
    s->opts.log(s->opts.log_ud, line);
    free(line);
  }
  s->answered++;
  if (s->opts.max_requests > 0 && (long)s->answered >= s->opts.max_requests) s->done = true;
  pthread_mutex_unlock(&s->lock);

  free(presented);
  gt_buf_free(&detail);
  gt_buf_free(&dpath);
  free(raw_path);
  free(c.path);
  cJSON_Delete(c.path_vars);
  cJSON_Delete(c.query);
  cJSON_Delete(c.body);
  cJSON_Delete(c.record);
  cJSON_Delete(c.records);
}
