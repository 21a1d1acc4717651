/* contract.c — the `schema` and `security_public` checks of suites derived
 * from a document (docs/checks.md): every documented response schema and
 * header schema is compiled once (one gt_schema holding them all as parts);
 * each scenario points at its operation's contract, which judges every
 * response of the scenario's cases. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../check/check.h"
#include "../core/base64.h"
#include "../http/http.h"
#include "../schema/parts.h"
#include "oa_internal.h"

typedef struct oa_contract {
  gt_contract base;       /* first: the scenario holds a pointer to it */
  struct oa_owner *owner; /* its lock is taken while answering */
  const gt_oa_op *op;
  gt_negative *negatives; /* owned; base.negatives points here */
  size_t n_negatives;
  gt_expect reject;      /* base.reject points here */
  gt_expect reject_path; /* base.reject_path: reject and 404 */
} oa_contract;

typedef struct oa_owner {
  pthread_mutex_t lock; /* error_answer: resolving may read a referenced file into d */
  gt_openapi *d;
  gt_schema *schema;
  oa_contract *contracts;  /* one per operation */
  char **labels;           /* "GET /pets/{petId}" per operation */
  gt_oa_warning *warnings; /* the document's defects (defects.c) */
  size_t n_warnings;
} oa_owner;

void oa_contract_free(void *p) {
  oa_owner *o = p;
  if (!o) return;
  for (size_t i = 0; i < o->d->n_ops; i++) {
    for (size_t k = 0; k < o->d->ops[i].n_params; k++)
      gt_schema_free(o->d->ops[i].params[k].inline_schema);
    for (size_t k = 0; k < o->d->ops[i].n_body; k++)
      gt_schema_free(o->d->ops[i].body[k].inline_schema);
  }
  gt_schema_free(o->schema);
  for (size_t i = 0; i < o->d->n_ops; i++) {
    free(o->labels[i]);
    oa_negatives_free(o->contracts[i].negatives, o->contracts[i].n_negatives);
    gt_expect_free(&o->contracts[i].reject);
    gt_expect_free(&o->contracts[i].reject_path);
  }
  free(o->labels);
  oa_defects_free(o->warnings, o->n_warnings);
  gt_openapi_free(o->d);
  free(o->contracts);
  pthread_mutex_destroy(&o->lock);
  free(o);
}

/* The response documenting status: the exact code, else its class (4XX),
 * else default; NULL when undocumented. */
static const gt_oa_response *documented(const gt_oa_op *op, int status) {
  char code[8];
  snprintf(code, sizeof code, "%d", status);
  const gt_oa_response *cls = NULL, *def = NULL;
  for (size_t i = 0; i < op->n_responses; i++) {
    const char *s = op->responses[i].status;
    if (!strcmp(s, code)) return &op->responses[i];
    if (s[0] == code[0] && (s[1] == 'X' || s[1] == 'x')) cls = &op->responses[i];
    if (!strcmp(s, "default")) def = &op->responses[i];
  }
  return cls ? cls : def;
}

static void list_statuses(const gt_oa_op *op, gt_buf *b) {
  for (size_t i = 0; i < op->n_responses; i++)
    gt_buf_printf(b, "%s%s", i ? ", " : "", op->responses[i].status);
}

static bool media_matches(const char *doc, const char *got) {
  size_t dn = strcspn(doc, ";"), gn = strcspn(got, ";");
  while (dn && doc[dn - 1] == ' ')
    dn--;
  while (gn && got[gn - 1] == ' ')
    gn--;
  if (dn == 3 && !strncmp(doc, "*/*", 3)) return true;
  if (dn > 2 && !strncmp(doc + dn - 2, "/*", 2))
    return gn >= dn - 1 && !strncasecmp(doc, got, dn - 1);
  return dn == gn && !strncasecmp(doc, got, dn);
}

/* The document's defect at schema location loc (a oneOf no value can
 * match exactly...), or NULL. */
static const gt_oa_warning *defect_at(const oa_owner *o, const char *loc) {
  for (size_t i = 0; i < o->n_warnings; i++)
    if (o->warnings[i].loc && !strcmp(o->warnings[i].loc, loc)) return &o->warnings[i];
  return NULL;
}

/* body: the body schema node being judged (its defect is named), or NULL. */
static void add_schema_errors(const oa_owner *o, long part, gt_schema_use use, const cJSON *value,
                              const gt_node *body, const char *what, const char *prefix,
                              gt_failures *out) {
  gt_schema_result res = {0};
  if (gt_schema_validate_part_as(o->schema, (size_t)part, use, value, &res)) {
    gt_schema_result_free(&res);
    return;
  }
  size_t shown = res.count < 5 ? res.count : 5;
  for (size_t i = 0; i < shown; i++) {
    const gt_schema_error *e = &res.errors[i];
    char *where = gt_xasprintf("%s%s", prefix, e->instance_path + (prefix[0] ? 1 : 0));
    char *exp = gt_xasprintf("valid against %s (%s)", what, e->schema_loc);
    /* the document asks for what no value can be: say so (gauntlet check warns) */
    const gt_oa_warning *w = defect_at(o, e->schema_loc);
    for (size_t k = 0; !w && body && k < o->n_warnings; k++)
      if (o->warnings[k].schema == body) w = &o->warnings[k];
    char *act = w ? gt_xasprintf("%s; a defect of the document (`gauntlet check` warns): %s",
                                 e->message, w->message)
                  : NULL;
    gt_failures_add(out, GT_CHECK_SCHEMA, where, exp, act ? act : e->message);
    free(act);
    free(where);
    free(exp);
  }
  if (!res.count) gt_failures_add(out, GT_CHECK_SCHEMA, prefix[0] ? prefix : "$", what, "invalid");
  gt_schema_result_free(&res);
}

static void check_headers(const oa_owner *o, const gt_oa_response *doc,
                          const gt_http_response *resp, gt_failures *out) {
  for (size_t i = 0; i < doc->n_headers; i++) {
    const gt_oa_header *h = &doc->headers[i];
    if (!strcasecmp(h->name, "Content-Type")) continue; /* described by content, not here */
    const char *v = gt_http_response_header(resp, h->name);
    char *where = gt_xasprintf("header %s", h->name);
    if (!v) {
      if (h->required)
        gt_failures_add(out, GT_CHECK_SCHEMA, where, "a documented required header", "absent");
    } else if (h->part >= 0) {
      /* a header is text: judged as the scalar it reads as, else as a string */
      cJSON *typed = gt_scalar_to_json(v, strlen(v), false);
      cJSON *text = cJSON_CreateString(v);
      if (!gt_schema_valid_part(o->schema, (size_t)h->part, typed) &&
          !gt_schema_valid_part(o->schema, (size_t)h->part, text)) {
        char *what = gt_xasprintf("the documented schema of header %s", h->name);
        add_schema_errors(o, h->part, GT_SCHEMA_USE_ANY, text, NULL, what, where, out);
        free(what);
      }
      cJSON_Delete(typed);
      cJSON_Delete(text);
    }
    free(where);
  }
}

static void judge(const gt_contract *c, const gt_http_response *resp, const cJSON *parsed,
                  const gt_expect *expect, bool is_head, gt_failures *out) {
  const oa_contract *k = (const oa_contract *)c;
  const gt_oa_op *op = k->op;
  int status = resp->status;
  if (op->is_public && k->owner->d->n_schemes && status == 401) {
    gt_failures_add(out, GT_CHECK_SECURITY_PUBLIC, "status",
                    "no credential demanded: the operation is documented as public "
                    "(security: [])",
                    "401");
  }
  bool expected = expect && expect->has_status && gt_status_has(&expect->status, status);
  /* a request body no value satisfies: the answer cannot be the expected
   * one, and that is the document's doing (gauntlet check warns) */
  for (size_t i = 0; !expected && i < k->owner->n_warnings; i++) {
    const gt_oa_warning *w = &k->owner->warnings[i];
    if (w->op != op || !w->request_body) continue;
    char *act = gt_xasprintf("a defect of the document (`gauntlet check` warns): %s", w->message);
    gt_failures_add(out, GT_CHECK_SCHEMA, "request body",
                    "a request body the document's schema admits", act);
    free(act);
    break;
  }
  const gt_oa_response *doc = documented(op, status);
  if (!doc) {
    if (expected) return;
    if (!op->n_responses) return; /* 3.1 allows an operation to document none: any status */
    gt_buf b;
    gt_buf_init(&b);
    gt_buf_printf(&b, "a status documented for %s %s (", op->method, op->path);
    list_statuses(op, &b);
    gt_buf_adds(&b, ")");
    char act[16];
    snprintf(act, sizeof act, "%d", status);
    gt_failures_add(out, GT_CHECK_SCHEMA, "status", b.data, act);
    gt_buf_free(&b);
    return;
  }
  check_headers(k->owner, doc, resp, out);
  if (is_head || !resp->body.len || !doc->n_media) return;
  const char *ct = gt_http_response_header(resp, "Content-Type");
  const gt_oa_media *m = NULL;
  for (size_t i = 0; ct && i < doc->n_media && !m; i++)
    if (media_matches(doc->media[i].type, ct)) m = &doc->media[i];
  if (!m) {
    gt_buf b;
    gt_buf_init(&b);
    gt_buf_printf(&b, "a media type documented for %d (", status);
    for (size_t i = 0; i < doc->n_media; i++)
      gt_buf_printf(&b, "%s%s", i ? ", " : "", doc->media[i].type);
    gt_buf_adds(&b, ")");
    gt_failures_add(out, GT_CHECK_SCHEMA, "header Content-Type", b.data, ct ? ct : "absent");
    gt_buf_free(&b);
    return;
  }
  if (m->part < 0 || !parsed) return; /* not JSON: json_parses says so when it should be */
  char *what =
      gt_xasprintf("the schema of %s %s %s %s", op->method, op->path, doc->status, m->type);
  /* a required writeOnly property is required in requests only */
  add_schema_errors(k->owner, m->part, GT_SCHEMA_USE_RESPONSE, parsed, m->schema.node, what, "",
                    out);
  free(what);
}

/* ---- requests (serve) ---- */

static bool valid_in(const oa_owner *o, long part, const gt_schema *own, const cJSON *x) {
  return own ? gt_schema_valid(own, x) : gt_schema_valid_part(o->schema, (size_t)part, x);
}

/* A parameter's text judged as the scalar it reads as, else as a string,
 * else (an array parameter) as a list of its comma-separated items. */
static bool text_valid_in(const oa_owner *o, long part, const gt_schema *own, const char *v) {
  cJSON *typed = gt_scalar_to_json(v, strlen(v), false);
  cJSON *text = cJSON_CreateString(v);
  bool ok = valid_in(o, part, own, typed) || valid_in(o, part, own, text);
  cJSON_Delete(typed);
  cJSON_Delete(text);
  if (ok) return true;
  cJSON *list = cJSON_CreateArray();
  for (const char *p = v;;) {
    size_t n = strcspn(p, ",");
    char *item = gt_xstrndup(p, n);
    cJSON *x = gt_scalar_to_json(item, n, false);
    cJSON_AddItemToArray(list, x);
    free(item);
    if (!p[n]) break;
    p += n + 1;
  }
  ok = valid_in(o, part, own, list);
  if (!ok) { /* items as strings */
    cJSON *strs = cJSON_CreateArray();
    for (const char *p = v;;) {
      size_t n = strcspn(p, ",");
      char *item = gt_xstrndup(p, n);
      cJSON_AddItemToArray(strs, cJSON_CreateString(item));
      free(item);
      if (!p[n]) break;
      p += n + 1;
    }
    ok = valid_in(o, part, own, strs);
    cJSON_Delete(strs);
  }
  cJSON_Delete(list);
  return ok;
}

static bool first_error(const oa_owner *o, long part, gt_schema_use use, const cJSON *value,
                        const char *what, char *why, size_t cap) {
  gt_schema_result res = {0};
  bool ok = gt_schema_validate_part_as(o->schema, (size_t)part, use, value, &res);
  if (!ok)
    snprintf(why, cap, "%s %s: %s", what, res.count ? res.errors[0].instance_path : "$",
             res.count ? res.errors[0].message : "invalid");
  gt_schema_result_free(&res);
  return ok;
}

static bool json_type(const char *t);
static const char *header_of(const cJSON *headers, const char *name);

static bool form_type(const char *t) {
  return !strncasecmp(t, "application/x-www-form-urlencoded", 33) ||
         !strncasecmp(t, "multipart/form-data", 19);
}

/* The documented body the request is read as: the media type its
 * Content-Type matches, else the first JSON one (serve parsed it as JSON);
 * NULL when none has a compiled schema. */
static const gt_oa_media *body_media(const gt_oa_op *op, const char *ct) {
  for (size_t i = 0; ct && i < op->n_body; i++)
    if ((op->body[i].part >= 0 || op->body[i].inline_schema) &&
        strncmp(op->body[i].type, "*/*", 3) && media_matches(op->body[i].type, ct))
      return &op->body[i];
  for (size_t i = 0; i < op->n_body; i++)
    if (op->body[i].part >= 0 && json_type(op->body[i].type)) return &op->body[i];
  return NULL;
}

/* One form field's text as its property schema types it: integer, number
 * and boolean as their scalar reading, an array as its comma-separated
 * items (typed likewise), an object as JSON text when it parses; else the
 * text. */
/* Schema s's type: `type` (3.1: the first of a list that is not null), else
 * the first its allOf/anyOf/oneOf branches name; NULL when none does. */
static const char *form_type_of(oa_reader *R, const gt_node *s0, int depth) {
  if (!s0 || depth > 8) return NULL;
  oa_at at = {oa_doc_of(R->d, s0), gt_xstrdup("")};
  const gt_node *s = oa_resolve(R, s0, &at);
  oa_at_free(&at);
  const gt_node *t = s ? gt_node_get(s, "type") : NULL;
  if (t && t->kind == GT_NODE_SCALAR) return t->text;
  for (size_t i = 0; t && t->kind == GT_NODE_SEQ && i < t->count; i++)
    if (t->items[i]->kind == GT_NODE_SCALAR && strcmp(t->items[i]->text, "null"))
      return t->items[i]->text;
  static const char *const branches[] = {"allOf", "anyOf", "oneOf"};
  const char *found = NULL;
  for (size_t b = 0; s && !found && b < 3; b++) {
    const gt_node *list = gt_node_get(s, branches[b]);
    for (size_t i = 0; !found && list && list->kind == GT_NODE_SEQ && i < list->count; i++)
      found = form_type_of(R, list->items[i], depth + 1);
  }
  return found;
}

static cJSON *typed_value(oa_reader *R, const gt_node *ps, size_t doc, const char *text,
                          int depth) {
  oa_at at = {doc, gt_xstrdup("")};
  const gt_node *s = ps ? oa_resolve(R, ps, &at) : NULL;
  const char *type = form_type_of(R, s, 0);
  cJSON *v = NULL;
  if (type && (!strcmp(type, "integer") || !strcmp(type, "number") || !strcmp(type, "boolean"))) {
    v = gt_scalar_to_json(text, strlen(text), false);
  } else if (type && !strcmp(type, "array") && depth < 2) {
    v = cJSON_CreateArray();
    const gt_node *items = gt_node_get(s, "items");
    for (const char *p = text; *p;) {
      size_t n = strcspn(p, ",");
      char *item = gt_xstrndup(p, n);
      cJSON_AddItemToArray(v, typed_value(R, items, at.doc, item, depth + 1));
      free(item);
      if (!p[n]) break;
      p += n + 1;
    }
  } else if (type && !strcmp(type, "object")) {
    v = cJSON_Parse(text);
  }
  oa_at_free(&at);
  return v ? v : cJSON_CreateString(text);
}

/* The schema of member key (NULL: the array items) of schema s, looked up
 * in its properties (else its additionalProperties schema) and, failing
 * that, in its allOf/anyOf/oneOf branches
 * (Stripe's `card: anyOf [object, string]`); NULL when none says. */
static const gt_node *member_schema(oa_reader *R, const gt_node *s0, const char *key, int depth) {
  if (!s0 || depth > 8) return NULL;
  oa_at at = {oa_doc_of(R->d, s0), gt_xstrdup("")};
  const gt_node *s = oa_resolve(R, s0, &at);
  oa_at_free(&at);
  if (!s) return NULL;
  const gt_node *m = key ? gt_node_get(gt_node_get(s, "properties"), key) : gt_node_get(s, "items");
  const gt_node *extra = key && !m ? gt_node_get(s, "additionalProperties") : NULL;
  if (extra && extra->kind == GT_NODE_MAP) m = extra; /* a map's entries */
  static const char *const branches[] = {"allOf", "anyOf", "oneOf"};
  for (size_t b = 0; !m && b < 3; b++) {
    const gt_node *list = gt_node_get(s, branches[b]);
    for (size_t i = 0; !m && list && list->kind == GT_NODE_SEQ && i < list->count; i++)
      m = member_schema(R, list->items[i], key, depth + 1);
  }
  return m;
}

/* A value read back from a form, typed as schema ps says: text through
 * typed_value, objects and arrays (deepObject keys nested by nest_form)
 * member by member. */
static cJSON *typed_tree(oa_reader *R, const gt_node *ps, size_t doc, const cJSON *v, int depth) {
  if (cJSON_IsString(v)) return typed_value(R, ps, doc, v->valuestring, 0);
  if (depth > 32 || (!cJSON_IsObject(v) && !cJSON_IsArray(v))) return cJSON_Duplicate(v, true);
  bool obj = cJSON_IsObject(v);
  cJSON *out = obj ? cJSON_CreateObject() : cJSON_CreateArray();
  for (const cJSON *c = v->child; c; c = c->next) {
    const gt_node *ms = member_schema(R, ps, obj ? c->string : NULL, 0);
    cJSON *t = typed_tree(R, ms, ms ? oa_doc_of(R->d, ms) : doc, c, depth + 1);
    if (obj)
      cJSON_AddItemToObject(out, c->string, t);
    else
      cJSON_AddItemToArray(out, t);
  }
  return out;
}

/* Objects whose keys are "0".."n-1" in order (deepObject indices) turned
 * into arrays, in place, at every depth. */
static void arrays_of_indices(cJSON *v) {
  int i = 0;
  bool indexed = cJSON_IsObject(v) && v->child;
  for (cJSON *c = v->child; c; c = c->next, i++) {
    arrays_of_indices(c);
    char want[24];
    snprintf(want, sizeof want, "%d", i);
    if (!c->string || strcmp(c->string, want)) indexed = false;
  }
  if (!indexed) return;
  for (cJSON *c = v->child; c; c = c->next) {
    cJSON_free(c->string);
    c->string = NULL;
  }
  v->type = (v->type & ~0xFF) | cJSON_Array;
}

/* Form fields with deepObject keys (`card[number]`, `items[0][price]`, as
 * derive writes nested values) nested back into objects and arrays; other
 * keys as they are. A copy (caller frees). */
static cJSON *nest_form(const cJSON *fields) {
  cJSON *out = cJSON_CreateObject();
  bool nested = false;
  for (const cJSON *f = fields->child; f; f = f->next) {
    const char *k = f->string, *br = strchr(k, '[');
    size_t len = strlen(k);
    if (!br || br == k || k[len - 1] != ']') {
      cJSON_DeleteItemFromObjectCaseSensitive(out, k);
      cJSON_AddItemToObject(out, k, cJSON_Duplicate(f, true));
      continue;
    }
    nested = true;
    cJSON *at = out;
    char *name = gt_xstrndup(k, (size_t)(br - k));
    for (const char *p = br;;) {
      cJSON *next = cJSON_GetObjectItemCaseSensitive(at, name);
      bool last = !*p;
      if (last) {
        if (next) cJSON_DeleteItemFromObjectCaseSensitive(at, name);
        cJSON_AddItemToObject(at, name, cJSON_Duplicate(f, true));
        free(name);
        break;
      }
      if (!cJSON_IsObject(next)) {
        if (next) cJSON_DeleteItemFromObjectCaseSensitive(at, name);
        next = cJSON_AddObjectToObject(at, name);
      }
      at = next;
      const char *close = strchr(p + 1, ']');
      free(name);
      name = gt_xstrndup(p + 1, (size_t)(close - p - 1));
      p = close + 1;
      if (*p && *p != '[') { /* "a[b]c]": not a deepObject key after all */
        free(name);
        break;
      }
    }
  }
  if (nested) arrays_of_indices(out);
  return out;
}

static cJSON *typed_fields(oa_owner *o, const gt_node *schema, const cJSON *fields) {
  if (!schema || !cJSON_IsObject(fields)) return NULL;
  pthread_mutex_lock(&o->lock);
  gt_err ignored = {0};
  oa_reader R = {o->d, &ignored, NULL};
  oa_at at = {oa_doc_of(o->d, schema), gt_xstrdup("")};
  const gt_node *s = oa_resolve(&R, schema, &at);
  cJSON *nested = nest_form(fields);
  cJSON *out = cJSON_CreateObject();
  for (const cJSON *f = nested->child; f; f = f->next) {
    const gt_node *ps = member_schema(&R, s, f->string, 0);
    cJSON_AddItemToObject(out, f->string,
                          typed_tree(&R, ps, ps ? oa_doc_of(R.d, ps) : at.doc, f, 0));
  }
  cJSON_Delete(nested);
  oa_at_free(&at);
  pthread_mutex_unlock(&o->lock);
  return out;
}

/* An array parameter's items (text): valid typed as scalars, or as strings. */
static bool list_valid(const oa_owner *o, const gt_oa_param *p, const cJSON *items) {
  cJSON *typed = cJSON_CreateArray();
  for (const cJSON *x = items->child; x; x = x->next)
    cJSON_AddItemToArray(
        typed, cJSON_IsString(x) ? gt_scalar_to_json(x->valuestring, strlen(x->valuestring), false)
                                 : cJSON_Duplicate(x, true));
  bool ok = valid_in(o, p->part, p->inline_schema, typed) ||
            valid_in(o, p->part, p->inline_schema, items);
  cJSON_Delete(typed);
  return ok;
}

static const char *header_of(const cJSON *headers, const char *name) {
  for (const cJSON *x = headers ? headers->child : NULL; x; x = x->next)
    if (!strcasecmp(x->string, name) && cJSON_IsString(x)) return x->valuestring;
  return NULL;
}

/* The value of cookie `name` in a Cookie header (caller frees), or NULL. */
static char *cookie_of(const char *cookies, const char *name) {
  size_t n = strlen(name);
  for (const char *p = cookies; p && *p;) {
    while (*p == ' ' || *p == ';')
      p++;
    size_t len = strcspn(p, ";");
    if (len > n && !strncmp(p, name, n) && p[n] == '=') return gt_xstrndup(p + n + 1, len - n - 1);
    p += len;
  }
  return NULL;
}

/* Parameter p as the request carries it, read as its style writes it (a
 * string, an array or an object of strings); NULL when absent. */
static cJSON *param_of_request(const gt_oa_op *op, const gt_oa_param *p,
                               const gt_contract_request *rq) {
  if (!strcmp(p->in, "query")) {
    if (rq->raw_query) return oa_style_read_query(p, rq->raw_query, op->params, op->n_params);
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(rq->query, p->name);
    return cJSON_IsString(x) ? cJSON_CreateString(x->valuestring) : NULL;
  }
  if (!strcmp(p->in, "header")) {
    const char *v = header_of(rq->headers, p->name);
    return v ? oa_style_read_text(p, v) : NULL;
  }
  if (!strcmp(p->in, "cookie")) {
    char *v = cookie_of(header_of(rq->headers, "Cookie"), p->name);
    cJSON *out = v ? oa_style_read_text(p, v) : NULL;
    free(v);
    return out;
  }
  if (!strcmp(p->in, "path") && rq->path) return oa_style_read_path(p, op->path, rq->path);
  return NULL;
}

/* Each part of a multipart body whose Content-Type the document names
 * (`encoding.contentType`, `contentMediaType`) carries one of those. */
static bool parts_valid(oa_owner *o, const gt_oa_media *m, const cJSON *parts, char *why,
                        size_t cap) {
  pthread_mutex_lock(&o->lock);
  gt_err ignored = {0};
  oa_reader R = {o->d, &ignored, NULL};
  oa_at at = {oa_doc_of(o->d, m->schema.node), gt_xstrdup("")};
  const gt_node *s = m->schema.node ? oa_resolve(&R, m->schema.node, &at) : NULL;
  const gt_node *props = s ? gt_node_get(s, "properties") : NULL;
  bool ok = true;
  for (const cJSON *x = parts->child; x && ok; x = x->next) {
    oa_at pat = oa_copy(&at);
    const gt_node *ps = props ? gt_node_get(props, x->string) : NULL;
    const gt_node *prop = ps ? oa_resolve(&R, ps, &pat) : NULL;
    oa_at_free(&pat);
    oa_part part;
    oa_part_of(m, x->string, prop, &part);
    const cJSON *ct = cJSON_GetObjectItemCaseSensitive(x, "content_type");
    const char *got = cJSON_IsString(ct) ? ct->valuestring : NULL;
    if (part.documented && !oa_part_type_allowed(part.type, got)) {
      snprintf(why, cap, "the part %s has Content-Type %s, the document says %s", x->string,
               got ? got : "(none: text/plain)", part.type);
      ok = false;
    }
  }
  oa_at_free(&at);
  pthread_mutex_unlock(&o->lock);
  return ok;
}

static bool check_request(const gt_contract *c, const gt_contract_request *rq, char *why,
                          size_t cap) {
  const cJSON *body = rq->body;
  const oa_contract *k = (const oa_contract *)c;
  const gt_oa_op *op = k->op;
  for (size_t i = 0; i < op->n_params; i++) {
    const gt_oa_param *p = &op->params[i];
    if (strcmp(p->in, "query") && strcmp(p->in, "header") && strcmp(p->in, "cookie") &&
        strcmp(p->in, "path"))
      continue; /* 2.0 body and formData: the body's */
    cJSON *v = param_of_request(op, p, rq);
    if (!v) {
      /* a path parameter the request path does not show is the router's business */
      if (p->required && strcmp(p->in, "path")) {
        snprintf(why, cap, "the required %s parameter %s is missing", p->in, p->name);
        return false;
      }
      continue;
    }
    bool ok = true;
    if (p->part >= 0 || p->inline_schema) {
      if (cJSON_IsString(v)) {
        ok = text_valid_in(k->owner, p->part, p->inline_schema, v->valuestring);
      } else if (cJSON_IsArray(v)) {
        ok = list_valid(k->owner, p, v);
      } else {
        cJSON *typed = typed_fields(k->owner, p->schema.node, v);
        ok = valid_in(k->owner, p->part, p->inline_schema, typed ? typed : v) ||
             valid_in(k->owner, p->part, p->inline_schema, v);
        cJSON_Delete(typed);
      }
    }
    cJSON_Delete(v);
    if (!ok) {
      snprintf(why, cap, "the %s parameter %s is not valid against its documented schema", p->in,
               p->name);
      return false;
    }
  }
  const gt_oa_media *m = body ? body_media(op, rq->content_type) : NULL;
  if (m) {
    oa_owner *o = k->owner;
    /* a form's fields are text: read as the schema's property types say */
    cJSON *typed = form_type(m->type) ? typed_fields(o, m->schema.node, body) : NULL;
    const cJSON *b = typed ? typed : body;
    bool ok;
    if (m->inline_schema) { /* 2.0 formData: no readOnly there */
      ok = gt_schema_valid(m->inline_schema, b);
      if (!ok) snprintf(why, cap, "the form body is not valid against its documented parameters");
    } else {
      /* a required readOnly property is required in responses only */
      ok = first_error(o, m->part, GT_SCHEMA_USE_REQUEST, b, "body", why, cap);
    }
    cJSON_Delete(typed);
    if (ok && rq->parts && !strncasecmp(m->type, "multipart/form-data", 19))
      ok = parts_valid(o, m, rq->parts, why, cap);
    return ok;
  }
  /* a body of a media type serve does not parse (octet-stream, CBOR, text)
   * is there when bytes were sent */
  const char *length = header_of(rq->headers, "Content-Length");
  bool sent =
      (length && strtol(length, NULL, 10) > 0) || header_of(rq->headers, "Transfer-Encoding");
  if (!body && !sent && op->body_required && op->n_body) {
    snprintf(why, cap, "the request body is required");
    return false;
  }
  return true;
}

/* gt_contract.typed_field: the request body schema (the first JSON media
 * type) walked along the path; true unless it shows that any value is valid
 * there (no schema for the field, or one without type, enum, const or
 * composition). Unsure (patternProperties, compositions on the way): true. */
static bool typed_field(const gt_contract *c, const char *const *path, size_t n) {
  const oa_contract *k = (const oa_contract *)c;
  const gt_oa_media *m = body_media(k->op, NULL);
  if (!m || !m->schema.node) return true;
  oa_owner *o = k->owner;
  pthread_mutex_lock(&o->lock);
  gt_err ignored = {0};
  oa_reader R = {o->d, &ignored, NULL};
  oa_at at = {oa_doc_of(o->d, m->schema.node), gt_xstrdup("")};
  const gt_node *s = m->schema.node;
  bool typed = true, known = true;
  for (size_t i = 0; i <= n && known; i++) {
    s = s ? oa_resolve(&R, s, &at) : NULL;
    if (!s || s->kind != GT_NODE_MAP) {
      typed = s != NULL; /* a false/true schema: not judged here */
      known = false;
      break;
    }
    static const char *const ASSERT[] = {"type",  "enum",  "const", "oneOf",
                                         "anyOf", "allOf", "not",   "if"};
    if (i == n) {
      typed = false;
      for (size_t a = 0; a < sizeof ASSERT / sizeof *ASSERT && !typed; a++)
        typed = gt_node_get(s, ASSERT[a]) != NULL;
      break;
    }
    if (gt_node_get(s, "oneOf") || gt_node_get(s, "anyOf") || gt_node_get(s, "allOf") ||
        gt_node_get(s, "patternProperties")) {
      known = false;
      break;
    }
    const gt_node *next;
    if (!path[i]) {
      next = gt_node_get(s, "items");
    } else {
      const gt_node *props = gt_node_get(s, "properties");
      next = props && props->kind == GT_NODE_MAP ? gt_node_get(props, path[i]) : NULL;
      const gt_node *extra = gt_node_get(s, "additionalProperties");
      if (!next && extra && extra->kind == GT_NODE_MAP) next = extra;
      if (!next && extra) { /* false: the field is refused whatever its type */
        known = false;
        break;
      }
    }
    if (!next) { /* nothing describes it: any value */
      typed = false;
      break;
    }
    s = next;
  }
  oa_at_free(&at);
  pthread_mutex_unlock(&o->lock);
  return typed;
}

static int check_credential(const gt_contract *c, const cJSON *query, const cJSON *headers) {
  const oa_contract *k = (const oa_contract *)c;
  const gt_openapi *d = k->owner->d;
  int si = gt_openapi_op_scheme(d, k->op);
  if (si < 0) return GT_FAULT_VALID;
  const gt_oa_scheme *s = &d->schemes[si];
  const char *want = s->value ? s->value : "";
  char *got = NULL;
  const char *auth = header_of(headers, "Authorization");
  switch (s->kind) {
  case GT_OA_SEC_BEARER:
    if (auth && !strncasecmp(auth, "Bearer ", 7)) got = gt_xstrdup(auth + 7);
    break;
  case GT_OA_SEC_BASIC:
    if (auth && !strncasecmp(auth, "Basic ", 6)) {
      size_t n = 0;
      unsigned char *raw =
          gt_base64_decode(auth + 6, strlen(auth + 6), GT_B64_STD, GT_B64_PAD_OPTIONAL, &n);
      if (raw) got = gt_xstrndup((const char *)raw, n);
      free(raw);
    }
    break;
  case GT_OA_SEC_APIKEY_HEADER:
    if (header_of(headers, s->param)) got = gt_xstrdup(header_of(headers, s->param));
    break;
  case GT_OA_SEC_APIKEY_QUERY: {
    const cJSON *q = cJSON_GetObjectItemCaseSensitive(query, s->param);
    if (cJSON_IsString(q)) got = gt_xstrdup(q->valuestring);
    break;
  }
  case GT_OA_SEC_APIKEY_COOKIE:
    got = cookie_of(header_of(headers, "Cookie"), s->param);
    break;
  }
  int verdict = !got || !*got            ? GT_FAULT_UNAUTHENTICATED
                : strcmp(got, want) != 0 ? GT_FAULT_INVALID_TOKEN
                                         : GT_FAULT_VALID;
  free(got);
  return verdict;
}

/* ---- compiling and attaching ---- */

typedef struct parts_list {
  const char **uris;
  size_t n, cap;
} parts_list;

static long add_part(parts_list *p, const gt_oa_schema *s) {
  if (!s->node || !s->uri) return -1;
  if (p->n == p->cap) {
    p->cap = p->cap ? p->cap * 2 : 64;
    p->uris = gt_xrealloc(p->uris, p->cap * sizeof *p->uris);
  }
  p->uris[p->n] = s->uri;
  return (long)p->n++;
}

static bool json_type(const char *t) {
  size_t n = strcspn(t, ";");
  return (n == 16 && !strncasecmp(t, "application/json", 16)) ||
         (n > 5 && !strncasecmp(t + n - 5, "+json", 5)) || !strncmp(t, "*/*", 3);
}

static bool error_answer(const gt_contract *c, int status, char **media, char **body) {
  const oa_contract *k = (const oa_contract *)c;
  const gt_oa_response *doc = documented(k->op, status);
  const gt_oa_media *m = NULL;
  for (size_t i = 0; doc && i < doc->n_media && !m; i++)
    if (json_type(doc->media[i].type) && strncmp(doc->media[i].type, "*/*", 3)) m = &doc->media[i];
  if (!m && doc && doc->n_media && strncmp(doc->media[0].type, "*/*", 3)) {
    /* documented in other media types only (400 as application/xml): the
     * first of them, with its example when it is text, else no body */
    const gt_oa_media *x = &doc->media[0];
    *media = gt_xstrndup(x->type, strcspn(x->type, ";"));
    bool text = x->example && x->example->kind == GT_NODE_SCALAR && x->example->text;
    *body = gt_xstrdup(text ? x->example->text : "");
    return true;
  }
  if (!m) return false;
  oa_owner *o = k->owner;
  pthread_mutex_lock(&o->lock);
  /* checked against the schema, another variant when not valid (synth.c) */
  gt_err ignored = {0};
  oa_verifier *verify = m->part >= 0 && m->schema.node
                            ? oa_verifier_part(o->schema, m->schema.node, (size_t)m->part)
                            : NULL;
  oa_reader R = {o->d, &ignored, verify};
  cJSON *v = oa_usable_example(&R, m->schema.node, oa_example_json(m->example), true);
  if (!v && m->schema.node) {
    uint64_t rng = (uint64_t)status * 2654435761u;
    v = oa_synthesize_for(&R, m->schema.node, &rng, true);
  }
  oa_verifier_free(verify);
  pthread_mutex_unlock(&o->lock);
  if (!v) v = cJSON_CreateObject();
  /* a problem details body says which status it is about */
  cJSON *st = cJSON_IsObject(v) ? cJSON_GetObjectItemCaseSensitive(v, "status") : NULL;
  if (cJSON_IsNumber(st)) cJSON_SetNumberValue(st, status);
  *body = cJSON_PrintUnformatted(v);
  cJSON_Delete(v);
  *media = gt_xstrndup(m->type, strcspn(m->type, ";"));
  return true;
}

/* Every documented status is 1xx (GET /status/100 documents only 100). */
static bool only_informational(const gt_oa_op *op) {
  for (size_t i = 0; i < op->n_responses; i++)
    if (op->responses[i].status[0] != '1') return false;
  return op->n_responses > 0;
}

/* 2.0 path, query and header parameters carry their schema keywords inline, next
 * to `name`, `in` and a boolean `required` no dialect accepts: each is
 * compiled apart from a copy holding only the schema keywords. */
static bool compile_inline_params(gt_openapi *d, const gt_schema_opts *so, gt_err *err) {
  for (size_t i = 0; i < d->n_ops; i++) {
    gt_oa_op *op = &d->ops[i];
    for (size_t k = 0; k < op->n_params; k++) {
      gt_oa_param *p = &op->params[k];
      if ((strcmp(p->in, "query") && strcmp(p->in, "header") && strcmp(p->in, "path")) ||
          !p->schema.node)
        continue;
      const gt_node *n = p->schema.node;
      gt_node *copy = oa_schema_keywords(n);
      gt_schema_opts o = *so;
      o.base_uri = d->uris[oa_doc_of(d, n)];
      p->inline_schema = gt_schema_compile(copy, &o, err);
      gt_node_free(copy);
      if (!p->inline_schema) return false;
    }
    /* the formData parameters' object schema (read.c built it) */
    for (size_t m = 0; m < op->n_body; m++) {
      if (!op->form_schema || op->body[m].schema.node != op->form_schema) continue;
      gt_schema_opts o = *so;
      o.base_uri = d->uris[oa_doc_of(d, op->form_schema)];
      op->body[m].inline_schema = gt_schema_compile(op->form_schema, &o, err);
      if (!op->body[m].inline_schema) return false;
    }
  }
  return true;
}

/* One segment of each path at a time: a `{param}` of the document and a
 * `${NAME}` of the suite match any one segment; others must be equal. */
static bool same_route(const char *doc, const char *suite) {
  for (;;) {
    while (*doc == '/')
      doc++;
    while (*suite == '/')
      suite++;
    if (!*doc || !*suite) return !*doc && !*suite;
    size_t dn = strcspn(doc, "/"), sn = strcspn(suite, "/?");
    bool wild = memchr(doc, '{', dn) || memchr(suite, '$', sn);
    if (!wild && (dn != sn || strncmp(doc, suite, dn))) return false;
    doc += dn;
    suite += sn;
    if (*suite == '?') suite += strlen(suite);
  }
}

/* The operation a scenario exercises: by its derived name ("METHOD /path",
 * "METHOD /path · what"), else (a hand-written suite) by its request's
 * method and path. */
static const gt_oa_op *op_of_scenario(const gt_openapi *d, const gt_scenario *sc) {
  const char *name = sc->name ? sc->name : "";
  for (size_t i = 0; i < d->n_ops; i++) {
    size_t ml = strlen(d->ops[i].method), pl = strlen(d->ops[i].path);
    if (strncmp(name, d->ops[i].method, ml) || name[ml] != ' ' ||
        strncmp(name + ml + 1, d->ops[i].path, pl))
      continue;
    const char *rest = name + ml + 1 + pl;
    if (!*rest || !strncmp(rest, " \xc2\xb7 ", 4)) return &d->ops[i];
  }
  const char *method = sc->request.method ? sc->request.method->text : NULL;
  const char *path = sc->request.path ? sc->request.path->text : NULL;
  if (!method || !path) return NULL;
  const gt_oa_op *wild = NULL;
  for (size_t i = 0; i < d->n_ops; i++) {
    if (strcasecmp(d->ops[i].method, method) || !same_route(d->ops[i].path, path)) continue;
    if (!strchr(d->ops[i].path, '{')) return &d->ops[i]; /* a literal route wins */
    if (!wild) wild = &d->ops[i];
  }
  return wild;
}

size_t gt_openapi_uncovered(const gt_suite *s, const char **out, size_t max) {
  const oa_owner *o = s ? s->contract_owner : NULL;
  if (!o || s->contract_owner_free != oa_contract_free) return 0;
  size_t n = 0;
  for (size_t i = 0; i < o->d->n_ops; i++) {
    bool covered = false;
    for (size_t k = 0; k < s->n_scenarios && !covered; k++)
      covered = s->scenarios[k].contract == &o->contracts[i].base;
    if (!covered) {
      if (n < max) out[n] = o->labels[i];
      n++;
    }
  }
  return n;
}

bool gt_openapi_attach(gt_openapi *d, gt_suite *s, gt_err *err) {
  parts_list P = {0};
  for (size_t i = 0; i < d->n_ops; i++)
    for (size_t r = 0; r < d->ops[i].n_responses; r++) {
      gt_oa_response *x = &d->ops[i].responses[r];
      for (size_t m = 0; m < x->n_media; m++)
        if (json_type(x->media[m].type)) x->media[m].part = add_part(&P, &x->media[m].schema);
      for (size_t h = 0; h < x->n_headers; h++)
        x->headers[h].part = add_part(&P, &x->headers[h].schema);
    }
  for (size_t i = 0; i < d->n_ops; i++) {
    gt_oa_op *op = &d->ops[i];
    for (size_t m = 0; m < op->n_body; m++)
      if (json_type(op->body[m].type) || form_type(op->body[m].type))
        op->body[m].part = add_part(&P, &op->body[m].schema);
    /* 2.0 parameters carry their schema keywords inline, next to a boolean
     * `required` no schema dialect accepts: compiled apart (compile_inline_params) */
    for (size_t k = 0; k < op->n_params && d->version != 20; k++)
      op->params[k].part = add_part(&P, &op->params[k].schema);
  }
  gt_schema_opts so = {.dialect = d->version == 31 ? GT_DIALECT_2020_12 : GT_DIALECT_OPENAPI30,
                       .openapi = true};
  /* 3.1: `jsonSchemaDialect` names the default dialect (the OpenAPI base
   * dialect is 2020-12 with annotations only) */
  const char *jd = d->version == 31 ? oa_text(d->trees[0], "jsonSchemaDialect") : NULL;
  gt_schema_dialect named;
  if (jd && gt_schema_dialect_parse(jd, &named)) so.dialect = named;
  if (d->version == 20 && !compile_inline_params(d, &so, err)) {
    free(P.uris);
    return false;
  }
  gt_schema *schema = gt_schema_compile_parts(d->trees[0], d->uris[0], P.uris, P.n, &so, err);
  free(P.uris);
  if (!schema) return false;
  oa_owner *o = gt_xcalloc(1, sizeof *o);
  pthread_mutex_init(&o->lock, NULL);
  o->d = d;
  o->schema = schema;
  o->contracts = gt_xcalloc(d->n_ops ? d->n_ops : 1, sizeof *o->contracts);
  o->labels = gt_xcalloc(d->n_ops ? d->n_ops : 1, sizeof *o->labels);
  gt_err ignored = {0};
  oa_reader R = {d, &ignored, NULL};
  for (size_t i = 0; i < d->n_ops; i++) {
    oa_contract *k = &o->contracts[i];
    *k = (oa_contract){.base = {judge, check_request, check_credential, error_answer, NULL, 0, NULL,
                                NULL,
                                only_informational(&d->ops[i])
                                    ? "the operation documents only 1xx statuses: HTTP has no "
                                      "final 1xx response, no answer can be the documented one"
                                    : NULL,
                                typed_field},
                       .owner = o,
                       .op = &d->ops[i]};
    oa_negatives(&R, &d->ops[i], &k->negatives, &k->n_negatives);
    gt_expect_init(&k->reject);
    oa_rejection(&d->ops[i], &k->reject);
    gt_expect_init(&k->reject_path);
    oa_rejection_path(&d->ops[i], &k->reject_path);
    k->base.negatives = k->negatives;
    k->base.n_negatives = k->n_negatives;
    k->base.reject = &k->reject;
    k->base.reject_path = &k->reject_path;
    o->labels[i] = gt_xasprintf("%s %s", d->ops[i].method, d->ops[i].path);
  }
  /* the document's defects, its body examples judged by the parts just compiled */
  oa_verifier *verify = oa_verifier_of_parts(schema, d);
  R.verify = verify;
  oa_find_defects(&R, &o->warnings, &o->n_warnings);
  R.verify = NULL;
  oa_verifier_free(verify);
  for (size_t k = 0; s && k < s->n_scenarios; k++) {
    const gt_oa_op *op = op_of_scenario(d, &s->scenarios[k]);
    if (op) s->scenarios[k].contract = &o->contracts[op - d->ops].base;
  }
  if (s) {
    s->contract_owner = o;
    s->contract_owner_free = oa_contract_free;
  } else {
    oa_contract_free(o);
  }
  return true;
}

const gt_openapi *gt_openapi_of(const gt_suite *s) {
  const oa_owner *o = s ? s->contract_owner : NULL;
  return o && s->contract_owner_free == oa_contract_free ? o->d : NULL;
}

long gt_openapi_op_of(const gt_suite *s, size_t scenario) {
  const oa_owner *o = s ? s->contract_owner : NULL;
  if (!o || s->contract_owner_free != oa_contract_free || scenario >= s->n_scenarios) return -1;
  const gt_contract *c = s->scenarios[scenario].contract;
  for (size_t i = 0; c && i < o->d->n_ops; i++)
    if (c == &o->contracts[i].base) return (long)i;
  return -1;
}

size_t gt_openapi_warnings(const gt_suite *s, const gt_oa_warning **out) {
  const oa_owner *o = s ? s->contract_owner : NULL;
  if (!o || s->contract_owner_free != oa_contract_free) return 0;
  *out = o->warnings;
  return o->n_warnings;
}
