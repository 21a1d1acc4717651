/* serve_answer.c — building answers: the conformant error answer for each
 * fault, the headers every answer carries, and the scenario's own answer
 * (respond: block or synthesized expect). docs/serve.md "The respond: block" is the contract. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../check/check.h"
#include "../fault/fault.h"
#include "../suite/suite.h" /* gt_parse_duration */
#include "serve_internal.h"

/* Without a respond: block, the answer also satisfies the scenario's
 * `jsonpath` expectations where the path names one place ($.qty: 3). */
static void add_jsonpath_values(const serve_ctx *c, cJSON *doc, const gt_expect *e) {
  for (size_t i = 0; i < e->n_jsonpath; i++) {
    const gt_path_template *pt = &e->jsonpath[i];
    if (!pt->path || !pt->tmpl || (pt->tmpl->tag && !strcmp(pt->tmpl->tag, "!absent"))) continue;
    cJSON *v = serve_value(c, pt->tmpl);
    if (v) gt_jsonpath_put(pt->path, doc, v);
    cJSON_Delete(v);
  }
}

/* The status a conformant server would pick when the expectation allows it. */
static int canonical_status(gt_fault_id f) {
  switch (f) {
  case GT_FAULT_UNAUTHENTICATED:
  case GT_FAULT_INVALID_TOKEN:
  case GT_FAULT_MALFORMED_AUTH:
  case GT_FAULT_TOKEN_IN_QUERY:
  case GT_FAULT_JWT_ALG_NONE:
  case GT_FAULT_JWT_BAD_SIGNATURE:
  case GT_FAULT_JWT_EXPIRED:
  case GT_FAULT_JWT_MISSING_CLAIM:
    return 401;
  case GT_FAULT_HTTP_ONLY:
    return 403;
  case GT_FAULT_UNKNOWN_PATH:
  case GT_FAULT_UNVERSIONED:
    return 404;
  case GT_FAULT_WRONG_METHOD:
    return 405;
  case GT_FAULT_SLOW_BODY:
    return 408;
  case GT_FAULT_OVERSIZED_BODY:
    return 413;
  case GT_FAULT_RATE_LIMIT:
    return 429;
  case GT_FAULT_WIRE_LONG_URI:
    return 414;
  case GT_FAULT_WIRE_HUGE_HEADER:
    return 431;
  case GT_FAULT_CORS_PREFLIGHT:
    return 204;
  default:
    return 400;
  }
}

static int lowest_status(const gt_status_set *set) {
  for (int code = 100; code <= 599; code++)
    if (gt_status_has(set, code)) return code;
  return 0;
}

static void set_json_body(gt_serve_response *resp, cJSON *body) {
  gt_buf_reset(&resp->body);
  if (!body) return;
  char *text = cJSON_PrintUnformatted(body);
  if (text) gt_buf_adds(&resp->body, text);
  free(text);
}

/* `json: !exact {...}`: the answer's body is that and nothing else (no
 * error shape, no envelope merged in): a bare body such as Moonrope's
 * `{"status": "invalid-controller-or-action"}`. */
static bool exact_body(const gt_node *json) {
  if (!json || !json->tag) return false;
  const char *t = json->tag;
  while (*t == '!')
    t++;
  return !strcmp(t, "exact");
}

/* envelope < body, when both are objects (every answer of an RPC API) and
 * the status is one the profile's `envelope_statuses` names (default: all). */
static cJSON *enveloped(const serve_ctx *c, int status, cJSON *body) {
  const gt_profile *p = &c->ss->suite->profile;
  const gt_node *env = p->envelope;
  if (!env || !cJSON_IsObject(body)) return body;
  if (p->has_envelope_statuses && !gt_status_has(&p->envelope_statuses, status)) return body;
  serve_ctx quiet = *c;
  quiet.message = NULL;
  cJSON *merged = gt_json_merge_deep(serve_value(&quiet, env), body);
  cJSON_Delete(body);
  return merged;
}

void serve_error_answer(serve_ctx *c, const serve_route *rt, gt_fault_id f,
                        gt_serve_response *resp) {
  const gt_profile *p = &c->ss->suite->profile;
  gt_expect e;
  gt_expect_init(&e);
  /* A mistyped parameter is answered like a missing one unless the profile
   * says otherwise: APIs document one "invalid parameter" answer. */
  if (f == GT_FAULT_WRONG_TYPE && !p->has_fault_expect[f] &&
      p->has_fault_expect[GT_FAULT_MISSING_FIELD])
    gt_expect_merge(&e, &p->fault_expect[GT_FAULT_MISSING_FIELD]);
  if (p->has_fault_expect[f]) gt_expect_merge(&e, &p->fault_expect[f]);
  if (rt) { /* the routed scenario's own override wins (docs/suite-format.md) */
    const gt_scenario *sc = &c->ss->suite->scenarios[rt->scenario];
    for (size_t i = 0; i < sc->n_faults; i++)
      if (sc->faults[i].id == f && sc->faults[i].has_expect) {
        gt_expect_merge(&e, &sc->faults[i].expect);
        break;
      }
  }
  c->answered_error = true;
  if (e.refused == 1) {
    resp->action = GT_SERVE_RESET;
    gt_expect_free(&e);
    return;
  }
  int status = canonical_status(f);
  if (e.has_status && !gt_status_has(&e.status, status)) status = lowest_status(&e.status);
  if (f == GT_FAULT_HTTP_ONLY && status < 300) status = 403; /* never 2xx over plain HTTP */
  if (c->injected_status) status = c->injected_status;
  resp->status = status;
  serve_ctx ec = *c;
  ec.error_status = status;
  cJSON *body;
  if (exact_body(e.json)) {
    body = serve_value(&ec, e.json);
  } else {
    body = p->errors.shape ? serve_value(&ec, p->errors.shape) : cJSON_CreateObject();
    if (e.json) {
      cJSON *over = serve_value(&ec, e.json);
      body = gt_json_merge_deep(body, over);
      cJSON_Delete(over);
    }
    body = enveloped(c, status, body);
  }
  if (status != 204 && status != 304) set_json_body(resp, body);
  cJSON_Delete(body);
  gt_expect_free(&e);
}

bool serve_status_answer(serve_ctx *c, int status, gt_serve_response *resp) {
  const gt_node *answers = c->ss->suite->profile.errors.answers;
  const gt_node *tmpl = NULL;
  for (size_t i = 0; answers && i < answers->count && !tmpl; i++)
    if (atoi(answers->keys[i]->text) == status) tmpl = answers->items[i];
  if (!tmpl) return false;
  c->answered_error = true;
  resp->status = status;
  serve_ctx ec = *c;
  ec.error_status = status;
  cJSON *body = serve_value(&ec, tmpl);
  if (!exact_body(tmpl)) {
    if (c->ss->suite->profile.errors.shape && cJSON_IsObject(body)) {
      cJSON *own = body;
      body = gt_json_merge_deep(serve_value(&ec, c->ss->suite->profile.errors.shape), own);
      cJSON_Delete(own);
    }
    body = enveloped(c, status, body);
  }
  set_json_body(resp, body);
  cJSON_Delete(body);
  return true;
}

static bool ends_with_ci(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && !strcasecmp(s + n - m, suffix);
}

void serve_common_headers(serve_ctx *c, const char *credential_key, gt_serve_response *resp) {
  (void)credential_key;
  const gt_profile *p = &c->ss->suite->profile;
  if (resp->status != 204 && resp->status != 304 &&
      !gt_serve_response_header(resp, "Content-Type")) {
    const char *ct = p->transport.content_type ? p->transport.content_type : "application/json";
    char *v = p->transport.charset ? gt_xasprintf("%s; charset=%s", ct, p->transport.charset)
                                   : gt_xstrdup(ct);
    serve_resp_add_header(resp, "Content-Type", v);
    free(v);
  }
  const gt_node *hs = p->transport.headers;
  for (size_t i = 0; hs && hs->kind == GT_NODE_MAP && i < hs->count; i++) {
    const char *name = hs->keys[i]->text;
    if (gt_serve_response_header(resp, name)) continue;
    /* A CORS header the profile describes by a matcher has no value of its
     * own: Access-Control-Allow-Origin is the request's Origin (below), and
     * without an Origin no CORS header is sent (never a placeholder). */
    if (!strncasecmp(name, "Access-Control-", 15) && hs->items[i]->tag) continue;
    char num[32];
    char *v = NULL;
    if (ends_with_ci(name, "ratelimit-limit"))
      snprintf(num, sizeof num, "%ld", c->rl_limit);
    else if (ends_with_ci(name, "ratelimit-remaining"))
      snprintf(num, sizeof num, "%ld", c->rl_remaining);
    else if (ends_with_ci(name, "ratelimit-reset"))
      snprintf(num, sizeof num, "%lld", (long long)c->rl_reset);
    else if (ends_with_ci(name, "request-id"))
      snprintf(num, sizeof num, "%s", "");
    else {
      serve_ctx quiet = *c;
      quiet.message = NULL;
      v = serve_value_text(&quiet, hs->items[i]);
    }
    if (!v && ends_with_ci(name, "request-id")) v = gt_xstrdup(c->new_uuid);
    serve_resp_add_header(resp, name, v ? v : num);
    free(v);
  }
  const char *origin = c->req ? serve_req_header(c->req, "Origin") : NULL;
  if (origin) {
    serve_resp_add_header(resp, "Access-Control-Allow-Origin", origin);
    serve_resp_add_header(resp, "Vary", "Origin");
  }
}

/* ---- respond: ---- */

static bool is_true(const char *s) {
  return s && !strcasecmp(s, "true");
}

static char *text_of(const serve_ctx *c, const gt_node *block, const char *key) {
  const gt_node *n = block ? gt_node_get(block, key) : NULL;
  return n ? serve_value_text(c, n) : NULL;
}

/* An explicit {status, json|body, headers} answer (conflict, missing, validate). */
static void explicit_answer(const serve_ctx *c, const gt_node *a, int default_status,
                            gt_serve_response *resp) {
  char *st = text_of(c, a, "status");
  resp->status = st && atoi(st) ? atoi(st) : default_status;
  free(st);
  const gt_node *json = gt_node_get(a, "json");
  const gt_node *body = gt_node_get(a, "body");
  if (body) {
    char *t = serve_value_text(c, body);
    gt_buf_reset(&resp->body);
    gt_buf_adds(&resp->body, t);
    free(t);
  } else {
    cJSON *v = json ? serve_value(c, json) : cJSON_CreateObject();
    if (!exact_body(json)) {
      if (resp->status >= 400 && c->ss->suite->profile.errors.shape && cJSON_IsObject(v)) {
        cJSON *answer = v;
        v = gt_json_merge_deep(serve_value(c, c->ss->suite->profile.errors.shape), answer);
        cJSON_Delete(answer);
      }
      v = enveloped(c, resp->status, v);
    }
    if (resp->status != 204 && resp->status != 304) set_json_body(resp, v);
    cJSON_Delete(v);
  }
  const gt_node *hs = gt_node_get(a, "headers");
  for (size_t i = 0; hs && hs->kind == GT_NODE_MAP && i < hs->count; i++) {
    char *v = serve_value_text(c, hs->items[i]);
    serve_resp_add_header(resp, hs->keys[i]->text, v);
    free(v);
  }
}

static void missing_answer(serve_ctx *c, const serve_route *rt, const gt_node *block,
                           const char *what, gt_serve_response *resp) {
  const gt_node *m = gt_node_get(block, "missing");
  char *msg = gt_xasprintf("%s not found", what);
  c->message = msg;
  if (m)
    explicit_answer(c, m, 404, resp);
  else
    serve_error_answer(c, rt, GT_FAULT_UNKNOWN_PATH, resp);
  c->answered_error = true;
  c->message = NULL;
  free(msg);
}

/* Whether a validate item's condition `{value: EXPR, match: TEMPLATE}`
 * (its `unless:` or `when:`) matches this request; `absent` when the item has
 * no such condition. */
static bool condition_holds(const serve_ctx *c, const gt_node *cond, bool absent) {
  const gt_node *value = cond ? gt_node_get(cond, "value") : NULL;
  const gt_node *match = cond ? gt_node_get(cond, "match") : NULL;
  if (!value || !match) return absent;
  gt_failures fails = {0};
  cJSON *val = serve_value(c, value);
  bool holds = gt_template_match(match, val, &c->ss->scope, GT_CHECK_JSON, "condition", &fails);
  cJSON_Delete(val);
  gt_failures_free(&fails);
  return holds;
}

/* True when a validate item does not apply to this request: its `unless`
 * holds, or its `when` does not (e.g. a payload format chosen by a token
 * claim: `when: {value: "${auth.claim.channel}", match: rasa}`). */
static bool validate_skipped(const serve_ctx *c, const gt_node *it) {
  if (condition_holds(c, gt_node_get(it, "unless"), false)) return true;
  return !condition_holds(c, gt_node_get(it, "when"), true);
}

/* One validate item against one value expression (`match:` a template, or
 * `equals:` another request expression, compared as text); on failure, the
 * message naming the field ("invalid body.to: expected ..., got ..."). */
static char *validate_one(const serve_ctx *c, const gt_node *value, const gt_node *match,
                          const gt_node *equals) {
  gt_failures fails = {0};
  bool ok;
  cJSON *val = serve_value(c, value);
  if (equals) { /* both sides are request expressions, compared as text */
    char *want = serve_value_text(c, equals), *got = serve_value_text(c, value);
    ok = !strcmp(want, got);
    if (!ok) gt_failures_add(&fails, GT_CHECK_JSON, value->text, "the expected value", got);
    free(want);
    free(got);
  } else if (match->tag && strstr(match->tag, "regex")) {
    gt_buf t;
    gt_buf_init(&t);
    if (cJSON_IsString(val))
      gt_buf_adds(&t, val->valuestring);
    else if (val && !cJSON_IsNull(val)) {
      char *s = cJSON_PrintUnformatted(val);
      gt_buf_adds(&t, s);
      free(s);
    } else
      gt_buf_adds(&t, "");
    ok = gt_template_match_text(match, t.data, &c->ss->scope, GT_CHECK_JSON, value->text, &fails);
    gt_buf_free(&t);
  } else {
    ok = gt_template_match(match, val, &c->ss->scope, GT_CHECK_JSON, value->text, &fails);
  }
  cJSON_Delete(val);
  char *msg = NULL;
  if (!ok) {
    const char *src = value->text;
    size_t n = strlen(src);
    char *field = (n > 3 && !strncmp(src, "${", 2)) ? gt_xstrndup(src + 2, strcspn(src + 2, ":}"))
                                                    : gt_xstrdup(src);
    msg = fails.count ? gt_xasprintf("invalid %s: expected %s, got %s", field,
                                     fails.items[0].expected, fails.items[0].actual)
                      : gt_xasprintf("invalid %s", field);
    free(field);
  }
  gt_failures_free(&fails);
  return msg;
}

/* Where a value expression names element 0 of an array of the request
 * ("${body.messages.0.message.timestamp}"), the item stands for every
 * element: the offset of that "0" segment and the array's size, else 0. */
static size_t element_index(const serve_ctx *c, const char *text, size_t *count) {
  *count = 0;
  const char *open = strstr(text, "${");
  if (!open) return 0;
  const char *end = open + 2 + strcspn(open + 2, ":}");
  for (const char *p = open + 2; p + 1 < end; p++) {
    if (p[0] != '.' || p[1] != '0' || (p + 2 < end && p[2] != '.')) continue;
    char *name = gt_xstrndup(open + 2, (size_t)(p - open - 2));
    cJSON *arr = serve_lookup(c, name);
    free(name);
    if (cJSON_IsArray(arr)) *count = (size_t)cJSON_GetArraySize(arr);
    cJSON_Delete(arr);
    if (*count) return (size_t)(p + 1 - text);
    return 0;
  }
  return 0;
}

/* The first failing element of a validate item (every element of an array
 * named by index 0), or NULL; NULL too when its `unless` holds. */
static char *validate_item(const serve_ctx *c, const gt_node *it) {
  if (validate_skipped(c, it)) return NULL;
  const gt_node *value = gt_node_get(it, "value"), *match = gt_node_get(it, "match");
  const gt_node *equals = gt_node_get(it, "equals");
  size_t count = 0;
  size_t at = value->kind == GT_NODE_SCALAR ? element_index(c, value->text, &count) : 0;
  if (!count) return validate_one(c, value, match, equals);
  char *msg = NULL;
  for (size_t i = 0; !msg && i < count; i++) {
    char *text = gt_xasprintf("%.*s%zu%s", (int)at, value->text, i, value->text + at + 1);
    gt_node each = *value;
    each.text = text;
    each.text_len = strlen(text);
    msg = validate_one(c, &each, match, equals);
    free(text);
  }
  return msg;
}

static bool run_validate(serve_ctx *c, const serve_route *rt, const gt_node *v,
                         gt_serve_response *resp, gt_buf *detail) {
  for (size_t i = 0; v && v->kind == GT_NODE_SEQ && i < v->count; i++) {
    const gt_node *it = v->items[i];
    char *msg = validate_item(c, it);
    if (!msg) continue;
    gt_buf_adds(detail, msg);
    free(c->invalid_detail);
    c->invalid_detail = gt_xstrdup(msg);
    c->message = msg;
    c->invalid = true;
    const gt_node *ans = gt_node_get(it, "answer");
    char *fname = text_of(c, it, "fault");
    int f = fname ? gt_fault_from_name(fname) : GT_FAULT_WRONG_TYPE;
    if (ans)
      explicit_answer(c, ans, 400, resp);
    else
      serve_error_answer(c, rt, f > 0 ? (gt_fault_id)f : GT_FAULT_WRONG_TYPE, resp);
    c->answered_error = true;
    c->message = NULL;
    free(fname);
    free(msg);
    return false;
  }
  return true;
}

char *serve_validate_probe(const serve_ctx *c, const serve_route *rt) {
  const gt_node *v = rt->respond ? gt_node_get(rt->respond, "validate") : NULL;
  for (size_t i = 0; v && v->kind == GT_NODE_SEQ && i < v->count; i++) {
    char *msg = validate_item(c, v->items[i]);
    if (msg) return msg;
  }
  return NULL;
}

/* What run_list collects: copies of the selected records, up to limit. */
typedef struct list_acc {
  cJSON *arr;
  long limit; /* < 0: no limit */
  long n;
} list_acc;

static bool collect(const cJSON *record, void *ud) {
  list_acc *acc = ud;
  cJSON_AddItemToArray(acc->arr, cJSON_Duplicate(record, true));
  return acc->limit < 0 || ++acc->n < acc->limit;
}

static bool run_list(serve_ctx *c, const serve_route *rt, const gt_node *l,
                     gt_serve_response *resp) {
  char *coll = text_of(c, l, "collection");
  char *order = text_of(c, l, "order");
  char *limit_t = text_of(c, l, "limit");
  char *single = text_of(c, l, "single");
  long limit = limit_t && *limit_t ? atol(limit_t) : -1;
  if (is_true(single)) limit = 1; /* only the first is answered */
  bool newest = order && !strcmp(order, "newest");
  serve_collection *col = coll ? serve_store_find(&c->s->store, coll) : NULL;
  /* the wanted values, expanded once (an empty one is no condition) */
  const gt_node *where = gt_node_get(l, "where");
  size_t n_where = where && where->kind == GT_NODE_MAP ? where->count : 0;
  serve_where *w = gt_xcalloc(n_where + 1, sizeof *w);
  char **wants = gt_xcalloc(n_where + 1, sizeof *wants);
  for (size_t i = 0; i < n_where; i++) {
    wants[i] = serve_value_text(c, where->items[i]);
    w[i].field = where->keys[i]->text;
    w[i].want = wants[i];
  }
  list_acc acc = {.arr = cJSON_CreateArray(), .limit = limit};
  if (col && limit != 0) serve_store_select(col, w, n_where, newest, collect, &acc);
  for (size_t i = 0; i < n_where; i++)
    free(wants[i]);
  free(wants);
  free(w);
  cJSON *arr = acc.arr;
  bool ok = true;
  if (is_true(single)) {
    if (!arr->child) {
      missing_answer(c, rt, l, coll ? coll : "record", resp);
      ok = false;
    } else {
      c->record = cJSON_Duplicate(arr->child, true);
      c->records = arr; /* owns the copy c->record came from; record freed by handle */
      arr = NULL;
    }
  } else {
    c->records = arr;
    arr = NULL;
  }
  cJSON_Delete(arr);
  free(coll);
  free(order);
  free(limit_t);
  free(single);
  return ok;
}

/* One record into its collection (respond.store), then its `later` change
 * if any. ${record} is then what was stored (the answer may echo it). */
static void store_one(serve_ctx *c, const gt_node *b) {
  char *coll = text_of(c, b, "collection"), *id = text_of(c, b, "id");
  const gt_node *rec = gt_node_get(b, "record");
  if (coll && id) {
    cJSON *stored = rec ? serve_value(c, rec) : cJSON_CreateObject();
    cJSON_Delete(c->record);
    c->record = cJSON_Duplicate(stored, true);
    serve_store_put(&c->s->store, coll, id, stored);
  }
  /* later: { after: 2s, record: {...} } — the record changes on its own */
  const gt_node *later = gt_node_get(b, "later");
  if (coll && id && later) {
    char *after = text_of(c, later, "after");
    long ms = 0;
    const gt_node *patch = gt_node_get(later, "record");
    if (after && gt_parse_duration(after, &ms) && patch)
      serve_store_later(&c->s->store, coll, id, serve_value(c, patch), ms);
    free(after);
  }
  free(coll);
  free(id);
}

/* store.each: EXPR (or a list of them, concatenated): one record per
 * distinct element (a send to three recipients stores three messages), with
 * ${item} the element and ${new.id}/${new.int} drawn afresh for each (the
 * caller holds s->lock); `entry:` is expanded per element too and the
 * entries merged into ${stored} ({} when there is no element). The request's
 * own ${new.*} are restored afterwards. */
static void store_each(serve_ctx *c, const gt_node *b) {
  const gt_node *each = gt_node_get(b, "each"), *entry = gt_node_get(b, "entry");
  cJSON *items = cJSON_CreateArray();
  for (size_t i = 0; i < (each->kind == GT_NODE_SEQ ? each->count : 1); i++) {
    cJSON *v = serve_value(c, each->kind == GT_NODE_SEQ ? each->items[i] : each);
    cJSON *e = cJSON_IsArray(v) ? v->child : v;
    for (; e; e = cJSON_IsArray(v) ? e->next : NULL) {
      bool seen = cJSON_IsNull(e);
      for (const cJSON *k = items->child; k && !seen; k = k->next)
        seen = cJSON_Compare(k, e, true);
      if (!seen) cJSON_AddItemToArray(items, cJSON_Duplicate(e, true));
    }
    cJSON_Delete(v);
  }
  char saved_id[sizeof c->new_id];
  memcpy(saved_id, c->new_id, sizeof saved_id);
  long long saved_int = c->new_int;
  cJSON_Delete(c->stored);
  c->stored = cJSON_CreateObject();
  for (const cJSON *e = items->child; e; e = e->next) {
    serve_random_hex(c->s, c->new_id, 24);
    c->new_int = ++c->s->next_int;
    c->item = e;
    store_one(c, b);
    cJSON *ent = entry ? serve_value(c, entry) : NULL;
    if (cJSON_IsObject(ent)) c->stored = gt_json_merge_deep(c->stored, ent);
    cJSON_Delete(ent);
  }
  c->item = NULL;
  memcpy(c->new_id, saved_id, sizeof saved_id);
  c->new_int = saved_int;
  cJSON_Delete(items);
}

/* respond.select: {at: data, always: [id, token], requested: EXPR} — the
 * answer's object at `at` keeps the `always` members plus those the request
 * names (an array of names, a comma-separated string, or true for every
 * member): sparse fieldsets and Moonrope's `_expansions`. */
static void select_members(serve_ctx *c, const gt_node *sel, cJSON *answer) {
  char *at = text_of(c, sel, "at");
  cJSON *obj = answer;
  char *save = NULL;
  for (char *seg = at ? strtok_r(at, ".", &save) : NULL; seg && obj;
       seg = strtok_r(NULL, ".", &save))
    obj = cJSON_GetObjectItemCaseSensitive(obj, seg);
  free(at);
  if (!cJSON_IsObject(obj)) return;
  const gt_node *always = gt_node_get(sel, "always");
  const gt_node *req_node = gt_node_get(sel, "requested");
  cJSON *req = req_node ? serve_value(c, req_node) : NULL;
  if (cJSON_IsTrue(req)) {
    cJSON_Delete(req);
    return;
  }
  cJSON *m = obj->child;
  while (m) {
    cJSON *next = m->next;
    bool keep = false;
    for (size_t i = 0; always && always->kind == GT_NODE_SEQ && i < always->count && !keep; i++)
      keep = !strcmp(always->items[i]->text, m->string);
    const cJSON *r;
    if (cJSON_IsArray(req)) cJSON_ArrayForEach(r, req) {
        keep |= cJSON_IsString(r) && !strcmp(r->valuestring, m->string);
      }
    if (cJSON_IsString(req)) {
      size_t n = strlen(m->string);
      for (const char *p = req->valuestring; *p && !keep; p += strcspn(p, ","), p += *p == ',') {
        while (*p == ' ')
          p++;
        keep = !strncmp(p, m->string, n) && (p[n] == ',' || p[n] == ' ' || !p[n]);
      }
    }
    if (!keep) cJSON_Delete(cJSON_DetachItemViaPointer(obj, m));
    m = next;
  }
  cJSON_Delete(req);
}

static int first_status(const gt_scenario *sc) {
  if (sc->expect.has_status) {
    /* a class such as 2xx: its first code; a set: its lowest member */
    int low = lowest_status(&sc->expect.status);
    if (low) return low;
  }
  return 200;
}

bool serve_respond(serve_ctx *c, const serve_route *rt, gt_serve_response *resp) {
  const gt_scenario *sc = &c->ss->suite->scenarios[rt->scenario];
  const gt_node *r = rt->respond;
  gt_buf detail;
  gt_buf_init(&detail);
  bool ok = true;
  const gt_node *b;
  if (r && (b = gt_node_get(r, "validate")) && !run_validate(c, rt, b, resp, &detail)) ok = false;
  /* The state steps run under the lock, as one step: a conflict check and
   * the store that follows it see the same collections. Expanding the
   * answer below needs no lock (it reads copies: ${record}, ${records}). */
  cJSON *dropped = NULL;
  bool stateful =
      r && (gt_node_get(r, "lookup") || gt_node_get(r, "conflict") || gt_node_get(r, "delete") ||
            gt_node_get(r, "store") || gt_node_get(r, "list"));
  if (ok && stateful) {
    pthread_mutex_lock(&c->s->lock);
    if ((b = gt_node_get(r, "lookup"))) {
      char *coll = text_of(c, b, "collection"), *id = text_of(c, b, "id");
      c->record = coll && id ? serve_store_get(&c->s->store, coll, id) : NULL;
      if (c->record)
        c->record = cJSON_Duplicate(c->record, true);
      else {
        missing_answer(c, rt, b, coll ? coll : "record", resp);
        ok = false;
      }
      free(coll);
      free(id);
    }
    if (ok && (b = gt_node_get(r, "conflict"))) {
      char *coll = text_of(c, b, "collection"), *id = text_of(c, b, "id"), *unless = NULL;
      const gt_node *un = gt_node_get(b, "unless");
      bool overridden;
      if (un && un->kind == GT_NODE_MAP) { /* unless: { value: EXPR, equals: EXPR } */
        char *v = text_of(c, un, "value"), *want = text_of(c, un, "equals");
        overridden = v && want && !strcmp(v, want);
        free(v);
        free(want);
      } else {
        unless = text_of(c, b, "unless");
        overridden = is_true(unless);
      }
      if (coll && id && serve_store_get(&c->s->store, coll, id) && !overridden) {
        const gt_node *a = gt_node_get(b, "answer");
        if (a)
          explicit_answer(c, a, 409, resp);
        else {
          resp->status = 409;
          set_json_body(resp, NULL);
        }
        c->answered_error = true;
        ok = false;
      }
      free(coll);
      free(id);
      free(unless);
    }
    if (ok && (b = gt_node_get(r, "delete"))) {
      char *coll = text_of(c, b, "collection"), *id = text_of(c, b, "id");
      if (!coll || !id || !serve_store_delete(&c->s->store, coll, id)) {
        missing_answer(c, rt, b, coll ? coll : "record", resp);
        ok = false;
      }
      free(coll);
      free(id);
    }
    if (ok && (b = gt_node_get(r, "store"))) {
      if (gt_node_get(b, "each"))
        store_each(c, b);
      else
        store_one(c, b);
    }
    if (ok && (b = gt_node_get(r, "list")) && !run_list(c, rt, b, resp)) ok = false;
    dropped = serve_store_take_dropped(&c->s->store);
    pthread_mutex_unlock(&c->s->lock);
  }
  cJSON_Delete(dropped); /* records the limit evicted: freed outside the lock */
  gt_buf_free(&detail);
  if (!ok) return false;
  /* the answer itself */
  char *st = text_of(c, r, "status");
  resp->status = st && atoi(st) ? atoi(st) : first_status(sc);
  free(st);
  const gt_node *json = r ? gt_node_get(r, "json") : NULL;
  const gt_node *body = r ? gt_node_get(r, "body") : NULL;
  if (body) {
    char *t = serve_value_text(c, body);
    gt_buf_adds(&resp->body, t);
    free(t);
  } else if (resp->status != 204 && resp->status != 304) {
    cJSON *v = json              ? serve_value(c, json)
               : sc->expect.json ? serve_value(c, sc->expect.json)
                                 : cJSON_CreateObject();
    if (!json) add_jsonpath_values(c, v, &sc->expect);
    const gt_node *sel = r ? gt_node_get(r, "select") : NULL;
    if (sel) select_members(c, sel, v);
    if (!exact_body(json)) v = enveloped(c, resp->status, v);
    set_json_body(resp, v);
    cJSON_Delete(v);
  }
  const gt_node *hs = r ? gt_node_get(r, "headers") : NULL;
  for (size_t i = 0; hs && hs->kind == GT_NODE_MAP && i < hs->count; i++) {
    char *v = serve_value_text(c, hs->items[i]);
    serve_resp_add_header(resp, hs->keys[i]->text, v);
    free(v);
  }
  /* expect.headers the answer must carry: synthesized when respond: does not set them */
  const gt_node *eh = sc->expect.headers;
  for (size_t i = 0; eh && eh->kind == GT_NODE_MAP && i < eh->count; i++) {
    if (gt_serve_response_header(resp, eh->keys[i]->text)) continue;
    if (eh->items[i]->tag && strstr(eh->items[i]->tag, "absent")) continue;
    char *v = serve_value_text(c, eh->items[i]);
    serve_resp_add_header(resp, eh->keys[i]->text, v);
    free(v);
  }
  return true;
}
