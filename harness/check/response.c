/* response.c — the verdict for one response: the scenario's expectation first
 * (status, headers, json, jsonpath, body, max_time, refused), then the
 * profile's universal checks (docs/checks.md) unless disabled or the case is judged
 * by its expectation only (http_only, wire_*).
 *
 * The body is untrusted: it may be binary, cut at the cap, or hostile JSON.
 * It is parsed once, strictly, and every check works from that result. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "template_internal.h"

#define SHORT 200
#define MAX_PATH_NODES 1000

typedef struct body_info {
  bool has_body;      /* a body is due and present (not HEAD/204/304/empty) */
  bool empty_but_due; /* status that normally carries a body, but nothing came */
  cJSON *json;        /* strict parse, or NULL */
  char *why_not_json; /* reason text when json == NULL and has_body (owned) */
} body_info;

/* The charset parameter's value (unquoted), or NULL. Caller frees. */
static char *charset_param(const char *ct) {
  const char *p = strchr(ct, ';');
  while (p) { /* each round moves past one ';' */
    p++;
    while (*p == ' ' || *p == '\t')
      p++;
    if (strncasecmp(p, "charset", 7) == 0) {
      const char *q = p + 7;
      while (*q == ' ' || *q == '\t')
        q++;
      if (*q == '=') {
        q++;
        while (*q == ' ' || *q == '\t')
          q++;
        if (*q == '"') {
          q++;
          size_t n = strcspn(q, "\"");
          return gt_xstrndup(q, n);
        }
        size_t n = strcspn(q, "; \t");
        return gt_xstrndup(q, n);
      }
    }
    p = strchr(p, ';');
  }
  return NULL;
}

/* Bodies of these types are bytes, not text: no UTF-8 requirement. */
static bool media_is_binary(const char *media) {
  static const char *const prefixes[] = {"image/", "audio/", "video/", "font/"};
  static const char *const exact[] = {"application/octet-stream", "application/zip",
                                      "application/gzip",         "application/pdf",
                                      "application/x-protobuf",   "application/protobuf",
                                      "application/msgpack",      "application/cbor"};
  for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++)
    if (strncmp(media, prefixes[i], strlen(prefixes[i])) == 0) return true;
  for (size_t i = 0; i < sizeof exact / sizeof *exact; i++)
    if (strcmp(media, exact[i]) == 0) return true;
  return false;
}

static void add_fail(gt_failures *out, gt_check_id c, const char *where, const char *exp,
                     const char *act) {
  gt_failures_add(out, c, where, exp, act);
}

static void study_body(const gt_check_ctx *ctx, const gt_http_response *r, body_info *bi) {
  memset(bi, 0, sizeof *bi);
  bool no_body_status =
      r->status == 204 || r->status == 304 || (r->status >= 100 && r->status < 200);
  if (ctx->is_head || no_body_status) return;
  if (r->body.len == 0 && r->body_total == 0) {
    bi->empty_but_due = true;
    bi->why_not_json = gt_xstrdup("empty body");
    return;
  }
  bi->has_body = true;
  if (r->body_decode_stopped) {
    const char *coding = gt_http_response_header(r, "Content-Encoding");
    bi->why_not_json = gt_xasprintf("body decoded from Content-Encoding %s grew past the cap "
                                    "(%zu bytes): decoding stopped (a compression bomb?)",
                                    coding ? coding : "?", r->body.len);
    return;
  }
  if (r->body_truncated) {
    bi->why_not_json = gt_xasprintf("body larger than cap (%zu bytes)", r->body_total);
    return;
  }
  size_t at = 0;
  const char *why = NULL;
  bi->json = gt_json_parse_strict(r->body.data, r->body.len, &at, &why);
  if (!bi->json) {
    size_t from = at > 20 ? at - 20 : 0;
    size_t n = r->body.len - from < 60 ? r->body.len - from : 60;
    char *near = gt_text_short(r->body.data + from, n, 60);
    bi->why_not_json =
        gt_xasprintf("invalid JSON at byte %zu (%s) near: %s", at, why ? why : "?", near);
    free(near);
  }
}

static void fail_no_json(gt_failures *out, gt_check_id c, const char *exp, const body_info *bi) {
  add_fail(out, c, "$", exp, bi->why_not_json ? bi->why_not_json : "no JSON body");
}

static void check_status(const gt_check_ctx *ctx, const gt_http_response *r, gt_failures *out) {
  const gt_expect *e = ctx->expect;
  if (!e->has_status || gt_status_has(&e->status, r->status)) return;
  char act[32];
  snprintf(act, sizeof act, "%d", r->status);
  add_fail(out, GT_CHECK_STATUS, "", e->status_text ? e->status_text : "(status set)", act);
}

static void check_header_map(const gt_node *map, const gt_http_response *r, const gt_scope *scope,
                             gt_check_id id, gt_failures *out) {
  if (!map || map->kind != GT_NODE_MAP) return;
  for (size_t i = 0; i < map->count; i++) {
    const char *name = map->keys[i]->text ? map->keys[i]->text : "";
    char *where = gt_xasprintf("header %s", name);
    gt_template_match_text(map->items[i], gt_http_response_header(r, name), scope, id, where, out);
    free(where);
  }
}

static void check_jsonpaths(const gt_check_ctx *ctx, const body_info *bi, gt_failures *out) {
  const gt_expect *e = ctx->expect;
  for (size_t i = 0; i < e->n_jsonpath; i++) {
    const gt_path_template *pt = &e->jsonpath[i];
    const char *src = pt->src ? pt->src : "$";
    if (!bi->json) {
      char *exp = gt_template_describe(pt->tmpl);
      char *where = gt_xstrdup(src);
      add_fail(out, GT_CHECK_JSONPATH, where, exp,
               bi->why_not_json ? bi->why_not_json : "no JSON body");
      free(exp);
      free(where);
      continue;
    }
    gt_jsonpath *owned = NULL;
    const gt_jsonpath *jp = pt->path;
    if (!jp) {
      gt_err err;
      jp = owned = gt_jsonpath_compile(src, &err);
      if (!jp) {
        add_fail(out, GT_CHECK_JSONPATH, src, "a valid JSONPath", err.msg);
        continue;
      }
    }
    const cJSON **nodes = gt_xcalloc(MAX_PATH_NODES, sizeof *nodes);
    size_t n = gt_jsonpath_eval(jp, bi->json, nodes, MAX_PATH_NODES);
    size_t shown = n < MAX_PATH_NODES ? n : MAX_PATH_NODES;
    if (n == 0 && gt_jsonpath_is_singular(jp)) {
      /* A singular path ($.a.b, $[0]) names one node: `$.x: !absent` passes
       * when it is missing, anything else fails. A path that can select
       * several nodes ([*], .., unions) states "every selected node
       * matches", which holds vacuously for none (e.g. a filtered list that
       * came back empty); assert non-emptiness on the parent with !len or
       * !contains. */
      gt_template_match(pt->tmpl, NULL, ctx->scope, GT_CHECK_JSONPATH, src, out);
    }
    for (size_t k = 0; k < shown; k++) {
      char *where = n > 1 ? gt_xasprintf("%s (node %zu of %zu)", src, k + 1, n) : gt_xstrdup(src);
      gt_template_match(pt->tmpl, nodes[k], ctx->scope, GT_CHECK_JSONPATH, where, out);
      free(where);
    }
    free(nodes);
    gt_jsonpath_free(owned);
  }
}

static void check_body(const gt_check_ctx *ctx, const gt_http_response *r, const body_info *bi,
                       gt_failures *out) {
  const gt_node *t = ctx->expect->body;
  if (!t) return;
  const char *data = r->body.data ? r->body.data : "";
  size_t len = r->body.len;
  if (t->kind != GT_NODE_SCALAR) { /* a structured template: the body as JSON */
    if (!bi->json)
      fail_no_json(out, GT_CHECK_BODY, "a JSON body", bi);
    else
      gt_template_match(t, bi->json, ctx->scope, GT_CHECK_BODY, "$", out);
    return;
  }
  tmpl_kind k = tmpl_classify(t);
  if (k != TK_PLAIN && k != TK_STR) {
    if (memchr(data, 0, len)) {
      add_fail(out, GT_CHECK_BODY, "body", "text", "binary body (holds NUL bytes)");
      return;
    }
    gt_template_match_text(t, data, ctx->scope, GT_CHECK_BODY, "body", out);
    return;
  }
  gt_buf want;
  gt_buf_init(&want);
  gt_err err = {0};
  if (ctx->scope) {
    if (!gt_expand_text(ctx->scope, t->text ? t->text : "", t->text ? t->text_len : 0, &want,
                        t->file, t->line, t->col, &err)) {
      add_fail(out, GT_CHECK_BODY, "body", "an expandable body text", err.msg);
      gt_buf_free(&want);
      return;
    }
  } else {
    gt_buf_add(&want, t->text ? t->text : "", t->text ? t->text_len : 0);
  }
  if (r->body_truncated || want.len != len || memcmp(want.data ? want.data : "", data, len) != 0) {
    char *exp = gt_text_short(want.data ? want.data : "", want.len, SHORT);
    char *act = gt_text_short(data, len, SHORT);
    add_fail(out, GT_CHECK_BODY, "body", exp, act);
    free(exp);
    free(act);
  }
  gt_buf_free(&want);
}

static void scenario_checks(const gt_check_ctx *ctx, const gt_http_response *r, const body_info *bi,
                            gt_failures *out) {
  const gt_expect *e = ctx->expect;
  check_status(ctx, r, out);
  check_header_map(e->headers, r, ctx->scope, GT_CHECK_HEADERS, out);
  if (e->json) {
    if (!bi->json)
      fail_no_json(out, GT_CHECK_JSON, "a JSON body", bi);
    else
      gt_template_match(e->json, bi->json, ctx->scope, GT_CHECK_JSON, "$", out);
  }
  if (e->schema) {
    if (!bi->json)
      fail_no_json(out, GT_CHECK_SCHEMA, "a JSON body valid against the schema", bi);
    else
      gt_check_schema(e->schema, bi->json, GT_CHECK_SCHEMA, out);
  }
  check_jsonpaths(ctx, bi, out);
  check_body(ctx, r, bi, out);
  /* if_status: the entries whose status the answer has (no status of their own). */
  for (size_t i = 0; e->if_status && i < e->if_status->count; i++) {
    const gt_expect_when *w = e->if_status->keys[i]->aux;
    if (!w || !gt_status_has(&w->status, r->status)) continue;
    gt_check_ctx sub = *ctx;
    sub.expect = &w->expect;
    scenario_checks(&sub, r, bi, out);
  }
  if (e->max_time_ms >= 0) {
    double ms = r->timing.total * 1000.0;
    if (ms > (double)e->max_time_ms) {
      char exp[64], act[64];
      snprintf(exp, sizeof exp, "at most %ld ms", e->max_time_ms);
      snprintf(act, sizeof act, "%.0f ms", ms);
      add_fail(out, GT_CHECK_MAX_TIME, "time", exp, act);
    }
  }
}

static bool enabled(const gt_profile *p, gt_check_id id) {
  return !(id < GT_CHECK_UNIVERSAL_COUNT && p->check_disabled[id]);
}

static void check_content_type(const gt_check_ctx *ctx, const gt_profile *p,
                               const gt_http_response *r, gt_failures *out) {
  const char *want = p->transport.content_type;
  const gt_node *match = p->transport.content_type_match;
  if (!want && !match) return;
  const char *ct = gt_http_response_header(r, "Content-Type");
  char *want_media = match ? gt_xstrdup("a Content-Type the profile allows") : gt_media_type(want);
  if (!ct) {
    add_fail(out, GT_CHECK_CONTENT_TYPE, "header Content-Type", want_media, "missing");
    free(want_media);
    return;
  }
  char *media = gt_media_type(ct);
  bool ok;
  if (match) { /* the media type without parameters, as the matcher's text */
    size_t before = out->count;
    ok = gt_template_match_text(match, media, ctx->scope, GT_CHECK_CONTENT_TYPE,
                                "header Content-Type", out);
    ok = ok && out->count == before;
  } else {
    ok = strcmp(media, want_media) == 0;
  }
  if (match && !ok) {
    /* the matcher said why */
  } else if (!ok) {
    char *act = gt_text_short(ct, strlen(ct), SHORT);
    add_fail(out, GT_CHECK_CONTENT_TYPE, "header Content-Type", want_media, act);
    free(act);
  } else if (p->transport.charset) {
    /* A charset the response states must be the profile's; none stated is fine. */
    char *cs = charset_param(ct);
    if (cs && strcasecmp(cs, p->transport.charset) != 0) {
      char *exp = gt_xasprintf("%s; charset=%s", media, p->transport.charset);
      char *act = gt_text_short(ct, strlen(ct), SHORT);
      add_fail(out, GT_CHECK_CONTENT_TYPE, "header Content-Type", exp, act);
      free(exp);
      free(act);
    }
    free(cs);
  }
  free(media);
  free(want_media);
}

static void universal_checks(const gt_check_ctx *ctx, const gt_http_response *r,
                             const body_info *bi, gt_failures *out) {
  const gt_profile *p = ctx->profile;
  const gt_expect *e = ctx->expect;
  int st = r->status;
  const char *ct = gt_http_response_header(r, "Content-Type");
  char *media = ct ? gt_media_type(ct) : gt_xstrdup("");
  char *profile_media = p->transport.content_type ? gt_media_type(p->transport.content_type) : NULL;

  if (enabled(p, GT_CHECK_NO_SERVER_ERROR) && st >= 500 && st <= 599 &&
      !(e->has_status && gt_status_has(&e->status, st))) {
    char act[32];
    snprintf(act, sizeof act, "%d", st);
    add_fail(out, GT_CHECK_NO_SERVER_ERROR, "status",
             e->has_status && e->status_text ? e->status_text : "no 5xx", act);
  }
  if (enabled(p, GT_CHECK_CONTENT_TYPE) && bi->has_body) check_content_type(ctx, p, r, out);

  bool json_due = (profile_media && gt_media_is_json(profile_media)) || gt_media_is_json(media);
  if (enabled(p, GT_CHECK_JSON_PARSES)) {
    if (bi->has_body && json_due && !bi->json)
      fail_no_json(out, GT_CHECK_JSON_PARSES, "valid JSON", bi);
    else if (bi->empty_but_due && e->json)
      add_fail(out, GT_CHECK_JSON_PARSES, "$", "a JSON body", "empty body");
  }
  if (enabled(p, GT_CHECK_UTF8) && bi->has_body && !media_is_binary(media)) {
    size_t len = r->body.len;
    size_t bad = gt_utf8_invalid_at(r->body.data ? r->body.data : "", len);
    /* A body cut at the cap may end inside a character. */
    bool cut_tail = r->body_truncated && bad + 4 > len;
    if (bad < len && !cut_tail) {
      char *act =
          gt_xasprintf("invalid byte 0x%02x at offset %zu", (unsigned char)r->body.data[bad], bad);
      add_fail(out, GT_CHECK_UTF8, "body", "valid UTF-8", act);
      free(act);
    }
  }
  if (enabled(p, GT_CHECK_ERROR_SHAPE) && (p->errors.shape || p->errors.schema) &&
      e->error_shape != 0 && st >= 400 && st <= 599 && !ctx->is_head) {
    if (!bi->json) {
      fail_no_json(out, GT_CHECK_ERROR_SHAPE, "a JSON body with the error shape", bi);
    } else {
      if (p->errors.shape)
        gt_template_match(p->errors.shape, bi->json, ctx->scope, GT_CHECK_ERROR_SHAPE, "$", out);
      if (p->errors.schema) gt_check_schema(p->errors.schema, bi->json, GT_CHECK_ERROR_SHAPE, out);
    }
  }
  if (enabled(p, GT_CHECK_DOCUMENTED_STATUS) && p->errors.has_statuses &&
      !gt_status_has(&p->errors.statuses, st)) {
    char act[32];
    snprintf(act, sizeof act, "%d", st);
    add_fail(out, GT_CHECK_DOCUMENTED_STATUS, "status", "a documented status (errors.statuses)",
             act);
  }
  if (enabled(p, GT_CHECK_REQUIRED_HEADERS))
    check_header_map(p->transport.headers, r, ctx->scope, GT_CHECK_REQUIRED_HEADERS, out);
  if (enabled(p, GT_CHECK_ENVELOPE) && p->envelope && bi->has_body &&
      (!p->has_envelope_statuses || gt_status_has(&p->envelope_statuses, st))) {
    if (bi->json)
      gt_template_match(p->envelope, bi->json, ctx->scope, GT_CHECK_ENVELOPE, "$", out);
    else
      fail_no_json(out, GT_CHECK_ENVELOPE, "a JSON body with the envelope", bi);
  }
  /* schema / security_public: the API description's contract (openapi/). */
  if (ctx->contract && (enabled(p, GT_CHECK_SCHEMA) || enabled(p, GT_CHECK_SECURITY_PUBLIC))) {
    size_t from = out->count;
    ctx->contract->judge(ctx->contract, r, bi->json, e, ctx->is_head, out);
    /* drop what a profile or scenario switched off */
    size_t k = from;
    for (size_t i = from; i < out->count; i++) {
      if (enabled(p, out->items[i].check)) {
        out->items[k++] = out->items[i];
      } else {
        free(out->items[i].where);
        free(out->items[i].expected);
        free(out->items[i].actual);
      }
    }
    out->count = k;
  }
  free(media);
  free(profile_media);
}

/* The report's one-line message names the first failure, so put the root
 * cause first: a wrong status, then a body that is not JSON (otherwise the
 * scenario's json template would be named for what is really json_parses).
 * Stable within each rank. */
static int failure_rank(gt_check_id id) {
  return id == GT_CHECK_STATUS ? 0 : id == GT_CHECK_JSON_PARSES ? 1 : 2;
}

static void lead_with_root_causes(gt_failures *f, size_t from) {
  for (size_t i = from + 1; i < f->count; i++) {
    gt_failure x = f->items[i];
    size_t k = i;
    while (k > from && failure_rank(f->items[k - 1].check) > failure_rank(x.check)) {
      f->items[k] = f->items[k - 1];
      k--;
    }
    f->items[k] = x;
  }
}

/* json: stream: document n (2, 3, ...) gets the checks that read JSON; its
 * failures say which document. */
static void document_checks(const gt_check_ctx *ctx, const gt_http_response *r, cJSON *doc,
                            size_t n, gt_failures *out) {
  size_t from = out->count;
  body_info bi = {.has_body = true, .json = doc};
  const gt_expect *e = ctx->expect;
  if (e->json) gt_template_match(e->json, doc, ctx->scope, GT_CHECK_JSON, "$", out);
  check_jsonpaths(ctx, &bi, out);
  const gt_profile *p = ctx->profile;
  if (p && !ctx->transport_only) {
    if (enabled(p, GT_CHECK_ERROR_SHAPE) && p->errors.shape && e->error_shape != 0 &&
        r->status >= 400 && r->status <= 599 && !ctx->is_head)
      gt_template_match(p->errors.shape, doc, ctx->scope, GT_CHECK_ERROR_SHAPE, "$", out);
    if (enabled(p, GT_CHECK_ENVELOPE) && p->envelope)
      gt_template_match(p->envelope, doc, ctx->scope, GT_CHECK_ENVELOPE, "$", out);
  }
  for (size_t i = from; i < out->count; i++) {
    char *w = gt_xasprintf("document %zu: %s", n, out->items[i].where ? out->items[i].where : "");
    free(out->items[i].where);
    out->items[i].where = w;
  }
}

bool gt_check_response(const gt_check_ctx *ctx, const gt_http_response *resp, gt_failures *out,
                       cJSON **parsed) {
  if (parsed) *parsed = NULL;
  gt_expect unset; /* for a NULL expect: all unset, nothing allocated, nothing to free */
  gt_expect_init(&unset);
  gt_check_ctx c = *ctx;
  if (!c.expect) c.expect = &unset;
  const gt_expect *e = c.expect;
  size_t before = out->count;

  if (resp->outcome != GT_HTTP_OK) {
    char *act = resp->error[0]
                    ? gt_xasprintf("%s: %s", gt_http_outcome_name(resp->outcome), resp->error)
                    : gt_xstrdup(gt_http_outcome_name(resp->outcome));
    if (e->refused == 1) {
      /* The expectation in the fault's own words ("400, 413 ... or a closed
       * connection"), not just the refusal half of it. */
      if (resp->outcome != GT_HTTP_REFUSED && resp->outcome != GT_HTTP_RESET)
        add_fail(out, GT_CHECK_REFUSED, "connection",
                 e->has_status && e->status_text ? e->status_text : "connection refused or reset",
                 act);
    } else {
      char *exp = e->has_status && e->status_text
                      ? gt_xasprintf("a response with status %s", e->status_text)
                      : gt_xstrdup("a response");
      add_fail(out, GT_CHECK_TRANSPORT, "connection", exp, act);
      free(exp);
    }
    free(act);
    return out->count == before;
  }

  /* refused: 1 with a status set (the catalogue's http_only, truncated_body,
   * wire_*) reads "a refusal is acceptable; an answer must be in the set",
   * and the set is judged by check_status below. Without a status set (a
   * user's bare `refused: true`) only a refusal passes, or, for plain-HTTP
   * and framing cases, any non-2xx answer. */
  if (e->refused == 1 && !e->has_status) {
    bool non_2xx = resp->status < 200 || resp->status > 299;
    if (!(c.transport_only && non_2xx)) {
      char act[48];
      snprintf(act, sizeof act, "HTTP %d", resp->status);
      add_fail(out, GT_CHECK_REFUSED, "connection",
               c.transport_only ? "connection refused or reset, or a non-2xx answer"
                                : "connection refused or reset",
               act);
    }
  }

  body_info bi;
  study_body(&c, resp, &bi);
  cJSON **docs = NULL; /* json: stream: every document (docs[0] is bi.json) */
  size_t n_docs = 0;
  if (c.json_stream && bi.has_body && !bi.json && !resp->body_truncated &&
      !resp->body_decode_stopped) {
    char *why = NULL;
    if (gt_json_stream_parse(resp->body.data, resp->body.len, &docs, &n_docs, &why)) {
      bi.json = docs[0];
      free(bi.why_not_json);
      bi.why_not_json = NULL;
    } else {
      free(bi.why_not_json);
      bi.why_not_json = why;
    }
  }
  scenario_checks(&c, resp, &bi, out);
  if (!c.transport_only && c.profile) universal_checks(&c, resp, &bi, out);
  for (size_t i = 1; i < n_docs; i++) {
    document_checks(&c, resp, docs[i], i + 1, out);
    cJSON_Delete(docs[i]);
  }
  free(docs);
  lead_with_root_causes(out, before);

  if (parsed)
    *parsed = bi.json;
  else
    cJSON_Delete(bi.json);
  free(bi.why_not_json);
  return out->count == before;
}
