/* serve_body.c — judging a request body as a conformant server would:
 * size, content type, JSON syntax, UTF-8, required fields, field types. */
#include <ctype.h>
#include <stdio.h>
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

/* A required path is present in body; an index [0] (from `from` on) stands
 * for every element of that array, so each element must have the field.
 * On a miss, detail names the path with the element's index. */
static bool present_each(const char *src, size_t from, const cJSON *body, gt_buf *detail) {
  const char *z = strstr(src + from, "[0]");
  gt_err e;
  if (z) {
    char *prefix = gt_xstrndup(src, (size_t)(z - src));
    gt_jsonpath *pp = gt_jsonpath_compile(prefix, &e);
    const cJSON *arr = NULL;
    if (pp) gt_jsonpath_eval(pp, body, &arr, 1);
    gt_jsonpath_free(pp);
    free(prefix);
    int n = cJSON_IsArray(arr) ? cJSON_GetArraySize(arr) : 0;
    for (int i = 0; i < n; i++) {
      char *each = gt_xasprintf("%.*s[%d]%s", (int)(z - src), src, i, z + 3);
      size_t next = (size_t)(z - src) + (size_t)snprintf(NULL, 0, "[%d]", i);
      bool ok = present_each(each, next, body, detail);
      free(each);
      if (!ok) return false;
    }
    if (n) return true; /* else: judged as written (an absent or empty array) */
  }
  gt_jsonpath *p = gt_jsonpath_compile(src, &e);
  size_t n = p ? gt_jsonpath_count(p, body) : 1; /* a bad path was reported nowhere: ignore */
  gt_jsonpath_free(p);
  if (n == 0) gt_buf_printf(detail, "missing field %s", src);
  return n != 0;
}

static bool required_present(serve_ctx *c, const serve_route *rt, gt_buf *detail) {
  const gt_scenario *sc = &c->ss->suite->scenarios[rt->scenario];
  const gt_node *req = rt->respond ? gt_node_get(rt->respond, "required") : NULL;
  if (req && req->kind == GT_NODE_SEQ) {
    for (size_t i = 0; i < req->count; i++)
      if (!present_each(req->items[i]->text, 0, c->body, detail)) return false;
    return true;
  }
  if (sc->request.n_required) {
    for (size_t i = 0; i < sc->request.n_required; i++) {
      const char *src = sc->request.required[i];
      if (src && strstr(src, "[0]")) {
        if (!present_each(src, 0, c->body, detail)) return false;
      } else if (sc->request.required_paths && sc->request.required_paths[i] &&
                 gt_jsonpath_count(sc->request.required_paths[i], c->body) == 0) {
        gt_buf_printf(detail, "missing field %s", src);
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

/* The profile's reading with the scenario's overrides; defaults filled in. */
typedef struct reading {
  unsigned encodings;
  const char *form_field, *query_field;
  bool ignore_other;
  gt_null_reading nulls, empty_strings;
} reading;

static reading reading_of(const serve_ctx *c, const gt_scenario *sc) {
  const gt_param_reading *pr = &c->ss->suite->profile.request;
  reading r = {.encodings = pr->encodings ? pr->encodings : GT_ENC_JSON | GT_ENC_FORM,
               .form_field = pr->form_field,
               .query_field = pr->query_field,
               .ignore_other = pr->ignore_other,
               .nulls = sc->request.nulls ? sc->request.nulls : pr->nulls,
               .empty_strings =
                   sc->request.empty_strings ? sc->request.empty_strings : pr->empty_strings};
  if (!r.nulls) r.nulls = GT_NULLS_VALUE;
  if (!r.empty_strings) r.empty_strings = GT_NULLS_VALUE;
  return r;
}

/* "application/json, application/x-www-form-urlencoded or a `params` query
 * field": what the API reads, for messages. */
static void describe_encodings(const reading *r, gt_buf *out) {
  const char *parts[3];
  char *field = NULL;
  size_t n = 0;
  if (r->encodings & GT_ENC_JSON) parts[n++] = "application/json";
  if (r->encodings & (GT_ENC_FORM | GT_ENC_FORM_FIELD))
    parts[n++] = "application/x-www-form-urlencoded";
  if (r->encodings & GT_ENC_QUERY_FIELD)
    parts[n++] = field = gt_xasprintf("a `%s` query field", r->query_field);
  for (size_t i = 0; i < n; i++)
    gt_buf_printf(out, "%s%s", i == 0 ? "" : i + 1 == n ? " or " : ", ", parts[i]);
  free(field);
}

/* Parses JSON text held in a form or query field; NULL with detail when it
 * is not JSON. */
static cJSON *json_field(const char *text, const char *where, gt_buf *detail) {
  const char *why = NULL;
  size_t at = 0;
  cJSON *j = gt_json_parse_strict(text, strlen(text), &at, &why);
  if (!j)
    gt_buf_printf(detail, "%s is not valid JSON (%s at byte %zu)", where, why ? why : "syntax", at);
  return j;
}

/* nulls / empty_strings: absent -> the member is removed (as if not sent),
 * at any depth of objects; invalid -> the first one found is reported.
 * Array elements are values, never "absent". Returns false on invalid. */
static bool apply_nulls(cJSON *v, const reading *r, gt_buf *where, gt_buf *detail) {
  if (!cJSON_IsObject(v) && !cJSON_IsArray(v)) return true;
  size_t mark = where->len;
  int i = 0;
  for (cJSON *m = v->child, *next; m; m = next, i++) {
    next = m->next;
    bool is_null = cJSON_IsNull(m), is_empty = cJSON_IsString(m) && !*m->valuestring;
    gt_null_reading how = is_null ? r->nulls : is_empty ? r->empty_strings : GT_NULLS_VALUE;
    if (cJSON_IsObject(v))
      gt_buf_printf(where, ".%s", m->string);
    else
      gt_buf_printf(where, "[%d]", i);
    bool ok = true;
    if (how == GT_NULLS_INVALID) {
      gt_buf_printf(detail, "field %s must not be %s", where->data, is_null ? "null" : "empty");
      ok = false;
    } else if (how == GT_NULLS_ABSENT && cJSON_IsObject(v)) {
      cJSON_Delete(cJSON_DetachItemViaPointer(v, m));
    } else {
      ok = apply_nulls(m, r, where, detail);
    }
    where->len = mark;
    where->data[mark] = '\0';
    if (!ok) return false;
  }
  return true;
}

/* Decodes the parameters the request carries, as the profile's encodings
 * say, into c->body (typed: JSON values, else form strings). GT_FAULT_VALID,
 * or the fault with detail. c->body stays NULL when nothing was read. */
static gt_fault_id decode_params(serve_ctx *c, const reading *r, bool *typed, gt_buf *detail) {
  const gt_serve_request *q = c->req;
  const char *ct = serve_req_header(q, "Content-Type");
  bool has_body = q->body_total > 0;
  bool json = gt_media_is_json(ct), form = media_is(ct, "application/x-www-form-urlencoded");
  *typed = false;
  if (has_body && json && (r->encodings & GT_ENC_JSON)) {
    /* UTF-8 first: the strict parser would call bad bytes a syntax error. */
    if (!gt_utf8_valid(q->body, q->body_len)) {
      gt_buf_adds(detail, "the body is not valid UTF-8");
      return GT_FAULT_INVALID_UTF8;
    }
    const char *why = NULL;
    size_t at = 0;
    c->body = gt_json_parse_strict(q->body, q->body_len, &at, &why);
    if (!c->body) {
      gt_buf_printf(detail, "the body is not valid JSON (%s at byte %zu)", why ? why : "syntax",
                    at);
      return GT_FAULT_MALFORMED_JSON;
    }
    *typed = true;
  } else if (has_body && form && (r->encodings & (GT_ENC_FORM | GT_ENC_FORM_FIELD))) {
    cJSON *fields = NULL;
    bool ok = parse_form(q->body, q->body_len, &fields);
    if (!ok) {
      cJSON_Delete(fields);
      gt_buf_adds(detail, "bad percent-encoding in the form body");
      return GT_FAULT_MALFORMED_JSON;
    }
    if (!gt_utf8_valid(q->body, q->body_len)) {
      cJSON_Delete(fields);
      gt_buf_adds(detail, "the body is not valid UTF-8");
      return GT_FAULT_INVALID_UTF8;
    }
    const cJSON *field = (r->encodings & GT_ENC_FORM_FIELD)
                             ? cJSON_GetObjectItemCaseSensitive(fields, r->form_field)
                             : NULL;
    if (cJSON_IsString(field)) {
      char *where = gt_xasprintf("the form field `%s`", r->form_field);
      c->body = json_field(field->valuestring, where, detail);
      free(where);
      cJSON_Delete(fields);
      if (!c->body) return GT_FAULT_MALFORMED_JSON;
      *typed = true;
    } else if (r->encodings & GT_ENC_FORM) {
      c->body = fields;
    } else {
      cJSON_Delete(fields); /* a form without the field: no parameters in the body */
    }
  } else if (has_body && !r->ignore_other) {
    gt_buf_printf(detail, "Content-Type must be ");
    describe_encodings(r, detail);
    gt_buf_printf(detail, ", not %s", ct ? ct : "(none)");
    return GT_FAULT_WRONG_CONTENT_TYPE;
  } /* else: a body of another content type, not read */
  if (!c->body && (r->encodings & GT_ENC_QUERY_FIELD)) {
    const cJSON *qf = cJSON_GetObjectItemCaseSensitive(c->query, r->query_field);
    if (cJSON_IsString(qf)) {
      char *where = gt_xasprintf("the query field `%s`", r->query_field);
      c->body = json_field(qf->valuestring, where, detail);
      free(where);
      if (!c->body) return GT_FAULT_MALFORMED_JSON;
      *typed = true;
    }
  }
  return GT_FAULT_VALID;
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
    else if (has_body && media_is(ct, "multipart/form-data") &&
             !serve_parse_multipart(ct, r->body, r->body_len, &c->body, &c->parts) &&
             sc->contract) {
      /* judged only where an API description says what the parts are */
      gt_buf_adds(detail, "the multipart/form-data body is not well formed");
      return GT_FAULT_MALFORMED_JSON;
    }
    return GT_FAULT_VALID;
  }
  reading rd = reading_of(c, sc);
  bool typed = false;
  gt_fault_id f = decode_params(c, &rd, &typed, detail);
  if (f != GT_FAULT_VALID) return f;
  if (!c->body) {
    const gt_node *opt = rt->respond ? gt_node_get(rt->respond, "body_optional") : NULL;
    bool optional = opt && opt->kind == GT_NODE_SCALAR && !strcmp(opt->text, "true");
    /* Parameters that may come from the query, or a body that is not read,
     * leave the action without parameters: not an empty body. */
    if (!has_body && !optional && !(rd.encodings & GT_ENC_QUERY_FIELD)) {
      gt_buf_adds(detail, "a request body is required");
      return GT_FAULT_EMPTY_BODY;
    }
    c->body = cJSON_CreateObject();
    if (!has_body && optional) return GT_FAULT_VALID; /* the defaults apply */
  }
  const gt_node *ex = sc->request.body;
  if (typed && ex && ex->kind == GT_NODE_MAP && !cJSON_IsObject(c->body)) {
    gt_buf_printf(detail, "the body must be a JSON object, not %s", json_type(c->body));
    return GT_FAULT_MALFORMED_JSON;
  }
  gt_buf where;
  gt_buf_init(&where);
  gt_buf_adds(&where, "$");
  bool ok = apply_nulls(c->body, &rd, &where, detail);
  if (!ok) {
    gt_buf_free(&where);
    return GT_FAULT_WRONG_TYPE;
  }
  if (!required_present(c, rt, detail)) {
    gt_buf_free(&where);
    return GT_FAULT_MISSING_FIELD;
  }
  /* respond.example_types: false — respond.validate types the parameters
   * itself (Postal >= 3.3.1 takes `to` as an array or a string). */
  const gt_node *et = rt->respond ? gt_node_get(rt->respond, "example_types") : NULL;
  bool by_example = !(et && et->kind == GT_NODE_SCALAR && !strcmp(et->text, "false"));
  if (typed && ex && kind == GT_BODY_JSON && by_example)
    ok = types_match(ex, c->body, &where, detail);
  gt_buf_free(&where);
  return ok ? GT_FAULT_VALID : GT_FAULT_WRONG_TYPE;
}
