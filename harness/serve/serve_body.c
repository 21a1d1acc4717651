/* serve_body.c — judging a request body as a conformant server would:
 * size, content type, JSON syntax, UTF-8, required fields, field types. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "../check/check.h"
#include "../core/hex.h"
#include "serve_internal.h"

static bool media_is(const char *ct, const char *type) {
  if (!ct) return false;
  while (*ct == ' ')
    ct++;
  size_t n = strlen(type);
  return !strncasecmp(ct, type, n) && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* a=1&b=x%20y -> {"a": "1", "b": "x y"}; false on bad %-encoding. */
static bool parse_form(const char *s, size_t len, cJSON **out) {
  cJSON *o = cJSON_CreateObject();
  bool ok = true;
  size_t i = 0;
  while (i < len) {
    size_t end = i;
    while (end < len && s[end] != '&')
      end++;
    size_t eq = i;
    while (eq < end && s[eq] != '=')
      eq++;
    gt_buf k, v;
    gt_buf_init(&k);
    gt_buf_init(&v);
    char *raw_k = gt_xstrndup(s + i, eq - i),
         *raw_v = gt_xstrndup(eq < end ? s + eq + 1 : "", eq < end ? end - eq - 1 : 0);
    for (char *p = raw_k; *p; p++)
      if (*p == '+') *p = ' ';
    for (char *p = raw_v; *p; p++)
      if (*p == '+') *p = ' ';
    ok &= gt_percent_decode(raw_k, strlen(raw_k), &k);
    ok &= gt_percent_decode(raw_v, strlen(raw_v), &v);
    if (k.len) {
      cJSON_DeleteItemFromObjectCaseSensitive(o, k.data);
      cJSON_AddStringToObject(o, k.data, v.data);
    }
    free(raw_k);
    free(raw_v);
    gt_buf_free(&k);
    gt_buf_free(&v);
    i = end + 1;
  }
  *out = o;
  return ok;
}

static const char *json_type(const cJSON *j) {
  if (cJSON_IsString(j)) return "string";
  if (cJSON_IsNumber(j)) return "number";
  if (cJSON_IsBool(j)) return "boolean";
  if (cJSON_IsNull(j)) return "null";
  if (cJSON_IsArray(j)) return "array";
  return "object";
}

/* The type a body example node stands for, or NULL when it is open (a
 * variable, a tag, null). */
static const char *example_type(const gt_node *n) {
  if (n->kind == GT_NODE_MAP) return "object";
  if (n->kind == GT_NODE_SEQ) return "array";
  if (n->tag || strstr(n->text, "${")) return NULL;
  cJSON *j = gt_scalar_to_json(n->text, n->text_len, n->quoted);
  const char *t = cJSON_IsNull(j) ? NULL : json_type(j);
  cJSON_Delete(j);
  return t;
}

static bool types_match(const gt_node *ex, const cJSON *v, gt_buf *where, gt_buf *detail) {
  const char *want = example_type(ex);
  if (want && strcmp(want, json_type(v)) != 0) {
    gt_buf_printf(detail, "field %s must be %s, not %s", where->data, want, json_type(v));
    return false;
  }
  size_t mark = where->len;
  bool ok = true;
  if (ex->kind == GT_NODE_MAP && cJSON_IsObject(v)) {
    for (size_t i = 0; ok && i < ex->count; i++) {
      const cJSON *f = cJSON_GetObjectItemCaseSensitive(v, ex->keys[i]->text);
      if (!f) continue;
      gt_buf_printf(where, ".%s", ex->keys[i]->text);
      ok = types_match(ex->items[i], f, where, detail);
      where->len = mark;
      where->data[mark] = '\0';
    }
  } else if (ex->kind == GT_NODE_SEQ && cJSON_IsArray(v) && ex->count) {
    int i = 0;
    for (const cJSON *e = v->child; ok && e; e = e->next, i++) {
      gt_buf_printf(where, "[%d]", i);
      ok = types_match(ex->items[(size_t)i < ex->count ? (size_t)i : ex->count - 1], e, where,
                       detail);
      where->len = mark;
      where->data[mark] = '\0';
    }
  }
  return ok;
}

static bool required_present(serve_ctx *c, const serve_route *rt, gt_buf *detail) {
  const gt_scenario *sc = &c->ss->suite->scenarios[rt->scenario];
  const gt_node *req = rt->respond ? gt_node_get(rt->respond, "required") : NULL;
  if (req && req->kind == GT_NODE_SEQ) {
    for (size_t i = 0; i < req->count; i++) {
      gt_err e;
      gt_jsonpath *p = gt_jsonpath_compile(req->items[i]->text, &e);
      size_t n =
          p ? gt_jsonpath_count(p, c->body) : 1; /* a bad path was reported nowhere: ignore */
      gt_jsonpath_free(p);
      if (n == 0) {
        gt_buf_printf(detail, "missing field %s", req->items[i]->text);
        return false;
      }
    }
    return true;
  }
  if (sc->request.n_required) {
    for (size_t i = 0; i < sc->request.n_required; i++) {
      if (sc->request.required_paths && sc->request.required_paths[i] &&
          gt_jsonpath_count(sc->request.required_paths[i], c->body) == 0) {
        gt_buf_printf(detail, "missing field %s", sc->request.required[i]);
        return false;
      }
    }
    return true;
  }
  const gt_node *ex = sc->request.body;
  if (ex && ex->kind == GT_NODE_MAP && cJSON_IsObject(c->body)) {
    for (size_t i = 0; i < ex->count; i++)
      if (!cJSON_GetObjectItemCaseSensitive(c->body, ex->keys[i]->text)) {
        gt_buf_printf(detail, "missing field $.%s", ex->keys[i]->text);
        return false;
      }
  }
  return true;
}

gt_fault_id serve_body_check(serve_ctx *c, const serve_route *rt, gt_buf *detail) {
  const gt_serve_request *r = c->req;
  const gt_scenario *sc = &c->ss->suite->scenarios[rt->scenario];
  size_t max = c->ss->suite->profile.limits.max_body;
  if (!max) max = 8u << 20;
  if (r->body_total > max) {
    gt_buf_printf(detail, "body of %zu bytes is over the limit of %zu", r->body_total, max);
    return GT_FAULT_OVERSIZED_BODY;
  }
  const char *ct = serve_req_header(r, "Content-Type");
  bool has_body = r->body_total > 0;
  bool json = gt_media_is_json(ct), form = media_is(ct, "application/x-www-form-urlencoded");
  gt_body_kind kind = sc->request.body_kind;
  if (kind == GT_BODY_NONE || kind == GT_BODY_RAW) {
    /* Not judged; still readable as ${body...} (e.g. a secret sent in a JSON body). */
    if (has_body && json)
      c->body = gt_json_parse_strict(r->body, r->body_len, NULL, NULL);
    else if (has_body && form)
      parse_form(r->body, r->body_len, &c->body);
    return GT_FAULT_VALID;
  }
  const gt_node *opt = rt->respond ? gt_node_get(rt->respond, "body_optional") : NULL;
  if (!has_body) {
    if (opt && opt->kind == GT_NODE_SCALAR && !strcmp(opt->text, "true")) {
      c->body = cJSON_CreateObject();
      return GT_FAULT_VALID;
    }
    gt_buf_adds(detail, "a request body is required");
    return GT_FAULT_EMPTY_BODY;
  }
  if (form) {
    bool ok = parse_form(r->body, r->body_len, &c->body);
    if (!ok) {
      gt_buf_adds(detail, "bad percent-encoding in the form body");
      return GT_FAULT_MALFORMED_JSON;
    }
    if (!gt_utf8_valid(r->body, r->body_len)) {
      gt_buf_adds(detail, "the body is not valid UTF-8");
      return GT_FAULT_INVALID_UTF8;
    }
  } else if (json) {
    /* UTF-8 first: the strict parser would call bad bytes a syntax error. */
    if (!gt_utf8_valid(r->body, r->body_len)) {
      gt_buf_adds(detail, "the body is not valid UTF-8");
      return GT_FAULT_INVALID_UTF8;
    }
    const char *why = NULL;
    size_t at = 0;
    c->body = gt_json_parse_strict(r->body, r->body_len, &at, &why);
    if (!c->body) {
      gt_buf_printf(detail, "the body is not valid JSON (%s at byte %zu)", why ? why : "syntax",
                    at);
      return GT_FAULT_MALFORMED_JSON;
    }
  } else {
    gt_buf_printf(detail, "Content-Type must be application/json, not %s", ct ? ct : "(none)");
    return GT_FAULT_WRONG_CONTENT_TYPE;
  }
  const gt_node *ex = sc->request.body;
  if (json && ex && ex->kind == GT_NODE_MAP && !cJSON_IsObject(c->body)) {
    gt_buf_printf(detail, "the body must be a JSON object, not %s", json_type(c->body));
    return GT_FAULT_MALFORMED_JSON;
  }
  if (!required_present(c, rt, detail)) return GT_FAULT_MISSING_FIELD;
  if (json && ex && kind == GT_BODY_JSON) {
    gt_buf where;
    gt_buf_init(&where);
    gt_buf_adds(&where, "$");
    bool ok = types_match(ex, c->body, &where, detail);
    gt_buf_free(&where);
    if (!ok) return GT_FAULT_WRONG_TYPE;
  }
  return GT_FAULT_VALID;
}
