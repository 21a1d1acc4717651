/* serve_handle.c — one request, in the order a careful server works:
 * route -> authenticate -> validate -> answer -> record, one function each.
 *
 * Locking: what gt_serve_new built (suites, routes, injections, secrets) is
 * read-only while serving and read without a lock; the exchange below is the
 * request's own. Only the steps that touch shared state lock, for just that:
 * s->lock around the random draws, the rate windows and respond:'s state
 * steps (lookup, conflict, delete, store, list: serve_respond), never around
 * the expansion of an answer; s->audit_lock around appending the record
 * (record). Parsing, routing, checks, answers and logging run unlocked,
 * concurrently. */
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../check/check.h"
#include "../fault/fault.h"
#include "../core/hex.h"
#include "../core/prng.h"
#include "serve_internal.h"

/* Everything one request needs, private to the thread that handles it. */
typedef struct exchange {
  gt_serve *s;
  const gt_serve_request *req;
  serve_ctx c;            /* answers and ${..} read it (its owned fields: see serve_ctx) */
  serve_audit a;          /* this request's record; record() hands it to the stream */
  char *raw_path;         /* the target up to '?' (owned) */
  gt_buf dpath;           /* raw_path percent-decoded */
  bool path_ok, query_ok; /* valid percent-encoding */
  const serve_route *rt;  /* NULL: not routed; why says which fault */
  gt_fault_id why;        /* VALID, UNKNOWN_PATH, WRONG_METHOD or UNVERSIONED */
  size_t si;              /* the suite that answers */
  bool preflight;         /* a CORS preflight */
  bool needs_auth;        /* the route (or, unrouted, the profile) needs a credential */
  gt_fault_id auth_fault; /* VALID or what the credential shows */
  char *presented;        /* the credential presented, keys the rate window (owned) */
  gt_fault_id body_fault; /* VALID or what the body shows (routed requests only) */
  cJSON *body;            /* the parsed body (owned until answer() hands it to c) */
  cJSON *parts;           /* a multipart body's parts: filename, content type (owned) */
  gt_buf body_detail;     /* why the body was refused */
  bool contract_rejected; /* the API description's check_request refused it */
} exchange;

/* Counts a request against its credential's window; true when past the limit.
 * Locks s->lock (the rate windows). */
static bool rate_account(gt_serve *s, serve_ctx *c, size_t suite, const char *key, bool count) {
  const serve_suite *ss = c->ss;
  pthread_mutex_lock(&s->lock);
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
  bool over = ss->rate_limit > 0 && s->rates[i].count > ss->rate_limit;
  pthread_mutex_unlock(&s->lock);
  return over;
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
    *pct_ok &= gt_percent_decode(rk, strlen(rk), &k);
    *pct_ok &= gt_percent_decode(rv, strlen(rv), &v);
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

/* The rule a refused body broke; none for the two judged on the body itself,
 * whatever the answer (audit_body). */
static serve_rule_id rule_for_refused_body(gt_fault_id f) {
  switch (f) {
  case GT_FAULT_WRONG_CONTENT_TYPE:
  case GT_FAULT_INVALID_UTF8:
    return SERVE_RULE_NONE;
  case GT_FAULT_MALFORMED_JSON:
    return RULE_JSON_PARSES;
  case GT_FAULT_OVERSIZED_BODY:
    return RULE_BODY_SIZE;
  default:
    return RULE_REQUEST_BODY;
  }
}

/* Rules that do not depend on the route: what the body says about the client. */
static void audit_body(const gt_serve_request *r, serve_audit *a) {
  if (!r->body_len) return;
  const char *ct = serve_req_header(r, "Content-Type");
  bool json_label = gt_media_is_json(ct);
  bool textual = json_label || !ct || strcasestr(ct, "text/") || strcasestr(ct, "form-urlencoded");
  if (textual && !gt_utf8_valid(r->body, r->body_len))
    serve_rule(a, RULE_UTF8, "the %s body is not valid UTF-8", ct ? ct : "unlabelled");
  if (!json_label) {
    cJSON *j = gt_json_parse_strict(r->body, r->body_len, NULL, NULL);
    if (j && (cJSON_IsObject(j) || cJSON_IsArray(j)))
      serve_rule(a, RULE_JSON_CONTENT_TYPE, "a JSON body labelled %s",
                 ct ? ct : "(no Content-Type)");
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

static bool inject_targets(const serve_inject *in, const char *method, const char *path) {
  return (!in->method || !strcasecmp(in->method, method)) &&
         (!in->path || fnmatch(in->path, path, 0) == 0);
}

/* --inject: whether this answer is faulted, and how (locks s->lock for the
 * counters and draws). The first targeted item that matches decides (its Nth
 * match, its sequence's next element); else the untargeted items at
 * --inject-rate, drawn from --seed. NULL: answered as a conformant server. */
static const serve_inject *draw_inject(gt_serve *s, const char *method, const char *path) {
  if (!s->n_injects) return NULL;
  const serve_inject *in = NULL;
  size_t untargeted = 0;
  pthread_mutex_lock(&s->lock);
  for (size_t i = 0; i < s->n_injects; i++) {
    const serve_inject *t = &s->injects[i];
    if (!t->targeted) {
      untargeted++;
      continue;
    }
    if (!inject_targets(t, method, path)) continue;
    long seen = ++s->inject_seen[i];
    if (t->nth && seen != t->nth) continue;
    if (t->n_seq) {
      if ((size_t)seen > t->n_seq) continue; /* the script is over: answered as usual */
      in = &t->seq[seen - 1];
    } else {
      in = t;
    }
    pthread_mutex_unlock(&s->lock);
    return in->kind == INJ_NONE ? NULL : in; /* a script's 200: a conformant answer */
  }
  if (untargeted && s->opts.inject_rate > 0) {
    double draw = (double)(gt_splitmix64(&s->prng) >> 11) / 9007199254740992.0;
    if (draw < s->opts.inject_rate) {
      size_t k = (size_t)(gt_splitmix64(&s->prng) % untargeted);
      for (size_t i = 0; i < s->n_injects && !in; i++)
        if (!s->injects[i].targeted && k-- == 0) in = &s->injects[i];
    }
  }
  pthread_mutex_unlock(&s->lock);
  return in;
}

/* Faults that replace the answer happen before the request is acted on: an
 * injected 503 stores nothing, so a client that retries it creates nothing
 * twice. */
static bool injected_before(const serve_inject *in) {
  return in && (in->kind == INJ_STATUS || in->kind == INJ_RESET);
}

/* An injected status: the profile's error answer for that status, with a
 * message saying it was injected where the shape has one. */
static void injected_status(exchange *x, const serve_inject *in, gt_serve_response *resp) {
  serve_ctx *c = &x->c;
  char *msg = gt_xasprintf("injected %d (gauntlet serve --inject %s)", in->status, in->text);
  c->message = msg;
  c->injected_status = in->status;
  /* the profile's own answer for the status first (errors.answers), 429
   * included; else the rate_limit expectation for 429, the error shape */
  if (!serve_status_answer(c, in->status, resp))
    serve_error_answer(c, x->rt, in->status == 429 ? GT_FAULT_RATE_LIMIT : GT_FAULT_VALID, resp);
  c->message = NULL;
  c->injected_status = 0;
  free(msg);
  resp->status = in->status;
  resp->action = GT_SERVE_ANSWER;
  rate_account(x->s, c, x->si, x->presented, false);
  if (in->status == 429) {
    c->rl_remaining = 0;
    char num[32];
    snprintf(num, sizeof num, "%ld", c->rl_limit);
    serve_resp_add_header(resp, "X-RateLimit-Limit", num);
    serve_resp_add_header(resp, "X-RateLimit-Remaining", "0");
    snprintf(num, sizeof num, "%lld", (long long)c->rl_reset);
    serve_resp_add_header(resp, "X-RateLimit-Reset", num);
  }
  if (in->status == 429 || in->status == 503) {
    serve_resp_add_header(resp, "Retry-After", "1");
    x->a.retry_after = 1;
  }
}

/* Faults that spoil the answer of a request that was acted on. */
static void spoil(const serve_inject *in, gt_serve_response *resp) {
  switch (in->kind) {
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
  case INJ_RESET_AFTER:
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

/* What tells one client's request from another's, for retry detection:
 * the credential (whatever is in its place), the peer IP, an idempotency key
 * (Idempotency-Key, or the header the answering suite's client policy names). */
static void identify_client(const gt_serve *s, const serve_suite *ss, const gt_serve_request *req,
                            serve_audit *a) {
  const char *cred = NULL;
  for (size_t i = 0; i < s->n_suites && !cred; i++) {
    const gt_profile *p = &s->suites[i].suite->profile;
    const char *h =
        p->auth.scheme == GT_AUTH_HEADER && p->auth.header ? p->auth.header : "Authorization";
    cred = serve_req_header(req, h);
  }
  const char *q = strstr(req->target, "access_token=");
  if (cred || q) {
    a->cred_hash = gt_fnv1a_bytes(cred ? cred : "", cred ? strlen(cred) : 0);
    if (q) a->cred_hash ^= gt_fnv1a_bytes(q, strcspn(q, "&"));
  }
  snprintf(a->peer, sizeof a->peer, "%s", req->peer ? req->peer : "");
  a->policy = &ss->policy;
  const char *key =
      ss->policy.idempotency_header ? serve_req_header(req, ss->policy.idempotency_header) : NULL;
  if (!key) key = serve_req_header(req, "Idempotency-Key");
  snprintf(a->idem_key, sizeof a->idem_key, "%s", key ? key : "");
}

/* Route: parse the target, find the route and the suite that answers, and
 * the rules about where the request went. */
static void route(exchange *x) {
  gt_serve *s = x->s;
  const gt_serve_request *req = x->req;
  serve_audit *a = &x->a;
  gt_buf_init(&a->failed);
  gt_buf_init(&a->out);
  a->t_in = serve_now_mono();
  a->method = gt_xstrdup(req->method);
  size_t plen = strcspn(req->target, "?");
  x->raw_path = gt_xstrndup(req->target, plen);
  a->path = s->opts.secrets ? gt_secrets_redact_dup(s->opts.secrets, x->raw_path, plen)
                            : gt_xstrdup(x->raw_path);
  a->body_hash = gt_fnv1a_bytes(req->body ? req->body : "", req->body_len);
  serve_record_request(s, req, &a->out);

  serve_ctx *c = &x->c;
  *c = (serve_ctx){.s = s, .req = req, .now = time(NULL)};
  c->query = cJSON_CreateObject();
  c->path_vars = cJSON_CreateObject();
  x->query_ok = true;
  parse_query(req->target[plen] == '?' ? req->target + plen + 1 : NULL, c->query, &x->query_ok);
  gt_buf_init(&x->dpath);
  x->path_ok = gt_percent_decode(x->raw_path, plen, &x->dpath);
  long ri = serve_route_find(s, req->method, x->dpath.data, &x->why, &x->si, c->path_vars);
  c->ss = &s->suites[x->si];
  identify_client(s, c->ss, req, a);
  x->rt = ri >= 0 ? &s->routes[ri] : NULL;
  a->suite = gt_xstrdup(c->ss->suite->name ? c->ss->suite->name : "serve");
  size_t blen = strlen(c->ss->base_path);
  c->path = gt_xstrdup(!strncmp(x->dpath.data, c->ss->base_path, blen) ? x->dpath.data + blen
                                                                       : x->dpath.data);
  x->preflight = !strcasecmp(req->method, "OPTIONS") && serve_req_header(req, "Origin") &&
                 serve_req_header(req, "Access-Control-Request-Method");

  const gt_profile *p = &c->ss->suite->profile;
  if (!x->path_ok || !x->query_ok)
    serve_rule(a, RULE_PERCENT_ENCODING, "invalid percent-encoding in %s",
               !x->path_ok ? "the path" : "the query");
  if (p->transport.https_only && !req->tls)
    serve_rule(a, RULE_HTTPS_REQUIRED, "%s requires HTTPS; the request came over plain HTTP",
               c->ss->suite->name);
  const char *base = c->ss->base_path;
  bool outside = *base && (strncmp(x->dpath.data, base, blen) ||
                           (x->dpath.data[blen] && x->dpath.data[blen] != '/'));
  if (!x->rt && !x->preflight)
    serve_rule(a, s->unknown_note ? RULE_UNDOCUMENTED_ROUTE : RULE_DOCUMENTED_ROUTE,
               "%s %s is not a documented method and path%s%s%s", req->method, a->path,
               outside ? " (the API is mounted under " : "", outside ? base : "",
               outside ? ")" : "");
}

/* A scenario derived from an API description whose operation requires a
 * credential other than the profile's: its contract checks it. */
static void check_contract_credential(exchange *x) {
  const gt_contract *k = x->rt ? x->c.ss->suite->scenarios[x->rt->scenario].contract : NULL;
  if (!k || !k->check_credential) return;
  cJSON *headers = cJSON_CreateObject();
  for (size_t i = 0; i < x->req->n_headers; i++)
    cJSON_AddStringToObject(headers, x->req->headers[i].name, x->req->headers[i].value);
  gt_fault_id f = (gt_fault_id)k->check_credential(k, x->c.query, headers);
  cJSON_Delete(headers);
  if (f == GT_FAULT_VALID) return;
  x->needs_auth = true;
  x->auth_fault = f;
  if (f == GT_FAULT_UNAUTHENTICATED)
    serve_rule(&x->a, RULE_CREDENTIAL_PRESENT, "no credential for the operation's security scheme");
  else
    serve_rule(&x->a, RULE_CREDENTIAL_VALID, "the credential was rejected (%s)", gt_fault_name(f));
}

/* Authenticate: the credential the request presents, and the rules about it. */
static void authenticate(exchange *x) {
  const serve_suite *ss = x->c.ss;
  const gt_profile *p = &ss->suite->profile;
  x->needs_auth = p->auth.scheme != GT_AUTH_NONE &&
                  (!x->rt || ss->suite->scenarios[x->rt->scenario].request.auth);
  x->auth_fault = GT_FAULT_VALID;
  if (x->preflight) return; /* a browser's preflight carries no credential */
  x->auth_fault = serve_auth_check(ss, x->req, x->c.query, &x->presented);
  if (!x->needs_auth) {
    check_contract_credential(x);
    return;
  }
  if (cJSON_GetObjectItemCaseSensitive(x->c.query, "access_token"))
    serve_rule(&x->a, RULE_CREDENTIAL_IN_HEADER,
               "the credential was sent in the query (access_token), not in the header");
  if (x->auth_fault == GT_FAULT_UNAUTHENTICATED || x->auth_fault == GT_FAULT_TOKEN_IN_QUERY)
    serve_rule(&x->a, RULE_CREDENTIAL_PRESENT, "no credential in the %s header",
               p->auth.scheme == GT_AUTH_HEADER && p->auth.header ? p->auth.header
                                                                  : "Authorization");
  else if (x->auth_fault != GT_FAULT_VALID)
    serve_rule(&x->a, RULE_CREDENTIAL_VALID, "the credential was rejected (%s)",
               gt_fault_name(x->auth_fault));
}

/* A scenario derived from an API description (openapi/): the request must
 * also be valid for the documented operation (path, query, header and
 * cookie parameters, body schema). An
 * invalid one is answered like a body missing a field (its expected 4xx). */
static void check_contract(exchange *x) {
  const gt_contract *k = x->c.ss->suite->scenarios[x->rt->scenario].contract;
  if (!k || !k->check_request) return;
  cJSON *headers = cJSON_CreateObject();
  for (size_t i = 0; i < x->req->n_headers; i++)
    cJSON_AddStringToObject(headers, x->req->headers[i].name, x->req->headers[i].value);
  char why[512];
  const char *qmark = strchr(x->req->target, '?');
  gt_contract_request rq = {.path = x->req->target,
                            .query = x->c.query,
                            .raw_query = qmark ? qmark + 1 : "",
                            .headers = headers,
                            .body = x->body,
                            .content_type = serve_req_header(x->req, "Content-Type"),
                            .parts = x->parts};
  if (!k->check_request(k, &rq, why, sizeof why)) {
    x->body_fault = GT_FAULT_MISSING_FIELD;
    x->contract_rejected = true;
    gt_buf_reset(&x->body_detail);
    gt_buf_adds(&x->body_detail, why);
  }
  cJSON_Delete(headers);
}

/* Validate: the body and the framing. The body is checked against the route
 * here; whether that decides the answer is answer()'s call. */
static void validate(exchange *x) {
  audit_body(x->req, &x->a);
  if (x->req->framing) serve_rule(&x->a, RULE_HTTP_FRAMING, "%s", x->req->framing);
  gt_buf_init(&x->body_detail);
  x->body_fault = GT_FAULT_VALID;
  if (x->rt && !x->req->framing) {
    serve_ctx probe = x->c; /* serve_body_check fills probe.body (and parts) */
    probe.body = NULL;
    probe.parts = NULL;
    x->body_fault = serve_body_check(&probe, x->rt, &x->body_detail);
    x->body = probe.body;
    x->parts = probe.parts;
    if (x->body_fault == GT_FAULT_VALID) check_contract(x);
  }
}

/* The answer to a request whose framing is ambiguous: never served, a proxy
 * may have read it otherwise. */
static void refuse_framing(exchange *x, gt_serve_response *resp) {
  const gt_serve_request *req = x->req;
  const gt_profile *p = &x->c.ss->suite->profile;
  gt_fault_id ff =
      req->framing_fault != GT_FAULT_VALID ? req->framing_fault : GT_FAULT_WIRE_DUP_CONTENT_LENGTH;
  x->c.message = req->framing;
  serve_error_answer(&x->c, NULL, ff, resp);
  /* the precise status (414, 431, 501) unless the profile pins another */
  bool pinned = p->has_fault_expect[ff] && p->fault_expect[ff].has_status &&
                !gt_status_has(&p->fault_expect[ff].status, req->framing_status);
  if (req->framing_status && resp->action == GT_SERVE_ANSWER && !pinned)
    resp->status = req->framing_status;
  serve_resp_add_header(resp, "Connection", "close");
}

/* 404 / 405 (with Allow) / unversioned for a request no route takes. */
static void answer_unrouted(exchange *x, gt_serve_response *resp) {
  gt_serve *s = x->s;
  x->c.message = x->why == GT_FAULT_WRONG_METHOD ? "method not allowed on this path" : "not found";
  /* a path outside the API's base path (the document's server /v2): say
   * where the API is mounted */
  char outside[300];
  const char *base = x->c.ss->base_path;
  size_t bl = strlen(base);
  if (x->why == GT_FAULT_UNKNOWN_PATH && bl &&
      (strncmp(x->dpath.data, base, bl) || (x->dpath.data[bl] && x->dpath.data[bl] != '/'))) {
    snprintf(outside, sizeof outside, "not found: the API is mounted under %.256s", base);
    x->c.message = outside;
  }
  x->c.injected_status = s->unknown_status; /* --unknown-routes note:STATUS */
  serve_error_answer(&x->c, NULL, x->why, resp);
  x->c.injected_status = 0;
  if (x->why != GT_FAULT_WRONG_METHOD || resp->status != 405) return;
  gt_buf allow;
  gt_buf_init(&allow);
  for (size_t i = 0; i < s->n_routes; i++)
    if (s->routes[i].suite == x->si && gt_serve_path_match(s->routes[i].tmpl, x->c.path, NULL) &&
        !(allow.data && strstr(allow.data, s->routes[i].method)))
      gt_buf_printf(&allow, "%s%s", allow.len ? ", " : "", s->routes[i].method);
  if (allow.data) serve_resp_add_header(resp, "Allow", allow.data);
  gt_buf_free(&allow);
}

/* The status an API description's operation rejects an invalid request
 * with: 400 when it documents it (or documents no rejection), else its
 * lowest documented rejection status. */
static int contract_reject_status(const gt_contract *k) {
  const gt_expect *r = k->reject;
  if (!r || !r->has_status || gt_status_has(&r->status, 400)) return 400;
  for (int s = 400; s < 500; s++)
    if (gt_status_has(&r->status, s)) return s;
  return 400;
}

/* An error answer on a route derived from an API description is the
 * operation's documented response for that status (its media type, such as
 * application/problem+json, and its example or a body of its schema), when
 * the document describes one. */
static void documented_error(const gt_contract *k, gt_serve_response *resp) {
  char *media = NULL, *body = NULL;
  if (!k || !k->error_answer || resp->status == 204 || resp->status == 304 ||
      !k->error_answer(k, resp->status, &media, &body))
    return;
  gt_buf_reset(&resp->body);
  gt_buf_adds(&resp->body, body);
  gt_headers_remove(&resp->headers, &resp->n_headers, "Content-Type");
  serve_resp_add_header(resp, "Content-Type", media);
  free(media);
  free(body);
}

/* The contract of the route nearest an unrouted path: the longest leading
 * part of the path a route of the answering suite matches (that method's
 * first), so that a 404 under /pets/{petId} is answered as that operation
 * documents its 404. NULL when no route has a contract. */
static const gt_contract *nearest_contract(const exchange *x) {
  const gt_serve *s = x->s;
  const gt_suite *su = x->c.ss->suite;
  char *path = gt_xstrdup(x->c.path);
  const gt_contract *found = NULL;
  for (size_t len = strlen(path); !found;) {
    path[len] = '\0';
    for (int pass = 0; pass < 2 && !found; pass++)
      for (size_t i = 0; i < s->n_routes && !found; i++) {
        const serve_route *r = &s->routes[i];
        if (r->suite != x->si || (pass == 0 && strcasecmp(r->method, x->req->method)) ||
            !gt_serve_path_match(r->tmpl, *path ? path : "/", NULL))
          continue;
        found = su->scenarios[r->scenario].contract;
      }
    char *slash = strrchr(path, '/');
    if (!slash || slash == path) break;
    len = (size_t)(slash - path);
  }
  free(path);
  return found;
}

/* Every rule the request breaks is recorded, not only the one that decided
 * the answer: when an earlier finding (plain HTTP, the credential, an
 * injected answer...) answered, the body and the respond.validate items are
 * still judged (without answering). */
static void judge_unanswered(exchange *x, bool body_answered) {
  if (!x->rt || x->req->framing || x->preflight || body_answered) return;
  serve_ctx *c = &x->c;
  if (x->body_fault != GT_FAULT_VALID) {
    serve_rule_id broken = rule_for_refused_body(x->body_fault);
    if (broken != SERVE_RULE_NONE) serve_rule(&x->a, broken, "%s", x->body_detail.data);
    return;
  }
  if (!c->body) {
    c->body = x->body;
    x->body = NULL;
  }
  char *why = serve_validate_probe(c, x->rt);
  if (why) serve_rule(&x->a, RULE_REQUEST_VALID, "%s", why);
  free(why);
}

/* Answer: the first finding that decides the answer, in the order a careful
 * server checks; else the route's respond:. Then the common headers and
 * --inject. */
static void answer(exchange *x, gt_serve_response *resp) {
  gt_serve *s = x->s;
  serve_ctx *c = &x->c;
  const gt_profile *p = &c->ss->suite->profile;
  pthread_mutex_lock(&s->lock); /* the ids a respond: may use */
  serve_random_hex(s, c->new_id, 24);
  serve_random_uuid(s, c->new_uuid);
  c->new_int = ++s->next_int;
  pthread_mutex_unlock(&s->lock);
  /* a refusal stays a refusal: framing is never injected */
  const serve_inject *in = x->req->framing ? NULL : draw_inject(s, x->req->method, x->dpath.data);
  x->a.inject = in;
  bool body_answered = false;

  if (x->req->framing) {
    refuse_framing(x, resp);
  } else if (injected_before(in)) {
    if (in->kind == INJ_STATUS)
      injected_status(x, in, resp);
    else
      resp->action = GT_SERVE_RESET;
  } else if (x->preflight) {
    cors_preflight(c, x->dpath.data, resp);
  } else if (!x->path_ok || !x->query_ok) {
    c->message = "invalid percent-encoding";
    serve_error_answer(c, x->rt, GT_FAULT_BAD_PERCENT_ENCODING, resp);
  } else if (p->transport.https_only && !x->req->tls) {
    c->message = "HTTPS is required";
    serve_error_answer(c, x->rt, GT_FAULT_HTTP_ONLY, resp);
  } else if (!x->rt) {
    answer_unrouted(x, resp);
  } else if (x->needs_auth && x->auth_fault != GT_FAULT_VALID) {
    c->message = x->auth_fault == GT_FAULT_UNAUTHENTICATED ? "no credential was found"
                 : x->auth_fault == GT_FAULT_TOKEN_IN_QUERY
                     ? "credentials are not accepted in the query"
                     : "the credential is invalid";
    serve_error_answer(c, x->rt, x->auth_fault, resp);
  } else if (rate_account(s, c, x->si, x->presented, true)) {
    c->message = "rate limit exceeded";
    serve_error_answer(c, x->rt, GT_FAULT_RATE_LIMIT, resp);
    char ra[32];
    snprintf(ra, sizeof ra, "%lld",
             (long long)(c->rl_reset - c->now > 0 ? c->rl_reset - c->now : 1));
    serve_resp_add_header(resp, "Retry-After", ra);
    x->a.retry_after = atoi(ra);
  } else {
    body_answered = true;
    c->body = x->body; /* the body is read from here on */
    x->body = NULL;
    if (x->body_fault != GT_FAULT_VALID) {
      c->message = x->body_detail.data;
      serve_error_answer(c, x->rt, x->body_fault, resp);
      if (x->contract_rejected && resp->action == GT_SERVE_ANSWER)
        resp->status = contract_reject_status(c->ss->suite->scenarios[x->rt->scenario].contract);
      serve_rule_id broken = rule_for_refused_body(x->body_fault);
      if (broken != SERVE_RULE_NONE) serve_rule(&x->a, broken, "%s", x->body_detail.data);
    } else {
      bool served = serve_respond(c, x->rt, resp); /* locks for its state steps */
      if (!served && c->invalid)
        serve_rule(&x->a, RULE_REQUEST_VALID, "%s (answered %d)",
                   c->invalid_detail ? c->invalid_detail : "a parameter was refused", resp->status);
    }
  }
  if (c->answered_error && resp->action == GT_SERVE_ANSWER && resp->status >= 400 &&
      !injected_before(in) && !x->req->framing && !x->preflight)
    documented_error(
        x->rt ? c->ss->suite->scenarios[x->rt->scenario].contract : nearest_contract(x), resp);
  judge_unanswered(x, body_answered);
  c->message = NULL;
  if (!c->rl_limit) rate_account(s, c, x->si, x->presented, false);
  serve_common_headers(c, x->presented, resp);
  if (in && !injected_before(in)) spoil(in, resp);
}

/* Record: hand the record to the audit stream (serve_audit.c), which adds
 * the answer, counts it (for --max-requests), writes it and logs. */
static void record(exchange *x, const gt_serve_response *resp) {
  serve_audit_record(x->s, &x->a, x->rt, x->req, resp);
}

static void exchange_free(exchange *x) {
  free(x->presented);
  cJSON_Delete(x->body);
  cJSON_Delete(x->parts);
  gt_buf_free(&x->body_detail);
  gt_buf_free(&x->dpath);
  free(x->raw_path);
  free(x->c.path);
  free(x->c.invalid_detail);
  cJSON_Delete(x->c.path_vars);
  cJSON_Delete(x->c.query);
  cJSON_Delete(x->c.body);
  cJSON_Delete(x->c.record);
  cJSON_Delete(x->c.records);
  cJSON_Delete(x->c.stored);
}

void gt_serve_handle(gt_serve *s, const gt_serve_request *req, gt_serve_response *resp) {
  exchange x = {.s = s, .req = req};
  route(&x);
  authenticate(&x);
  validate(&x);
  answer(&x, resp);
  record(&x, resp);
  exchange_free(&x);
}
