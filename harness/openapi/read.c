/* read.c — an OpenAPI 3.1 / 3.0 or Swagger 2.0 document into the model of
 * openapi.h. Both generations end in the same shapes: parameters (2.0 keeps
 * the schema keywords on the parameter itself, which the model points at),
 * request bodies per media type (2.0: the `body` parameter under each
 * `consumes` type), responses per status with media types (2.0: `produces`),
 * headers and links, and security requirements resolved to schemes. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/file.h"
#include "oa_internal.h"

static const char *const METHODS[] = {"get",     "put",  "post",  "delete",
                                      "options", "head", "patch", "trace"};
#define N_METHODS (sizeof METHODS / sizeof *METHODS)

typedef struct op_ctx {
  oa_reader *R;
  const gt_node *root;
  const gt_node *consumes, *produces; /* 2.0 globals */
} op_ctx;

/* ---- security schemes ---- */

char *oa_var_name(const char *name) {
  gt_buf b;
  gt_buf_init(&b);
  if (isdigit((unsigned char)name[0]) || !name[0]) gt_buf_addc(&b, '_');
  for (const char *p = name; *p; p++)
    gt_buf_addc(&b, (isalnum((unsigned char)*p) || *p == '_') ? *p : '_');
  return gt_buf_steal(&b);
}

static bool read_scheme(oa_reader *R, const char *name, const gt_node *n, gt_oa_scheme *out) {
  const char *type = oa_text(n, "type");
  if (!type) return oa_fail(R, n, "security scheme '%s' has no type", name);
  out->name = gt_xstrdup(name);
  out->var = oa_var_name(name);
  if (!strcmp(type, "http") || !strcmp(type, "basic")) {
    const char *scheme = !strcmp(type, "basic") ? "basic" : oa_text(n, "scheme");
    if (scheme && !strcasecmp(scheme, "basic")) {
      out->kind = GT_OA_SEC_BASIC;
    } else if (scheme && !strcasecmp(scheme, "bearer")) {
      out->kind = GT_OA_SEC_BEARER;
    } else {
      return oa_fail(R, n,
                     "security scheme '%s': http scheme '%s' is not supported (supported: "
                     "bearer, basic, apiKey, oauth2 and openIdConnect as a bearer token)",
                     name, scheme ? scheme : "(none)");
    }
  } else if (!strcmp(type, "oauth2") || !strcmp(type, "openIdConnect")) {
    out->kind = GT_OA_SEC_BEARER;
  } else if (!strcmp(type, "apiKey")) {
    const char *in = oa_text(n, "in");
    const char *pname = oa_text(n, "name");
    if (!in || !pname)
      return oa_fail(R, n, "security scheme '%s': apiKey needs `in` and `name`", name);
    out->param = gt_xstrdup(pname);
    if (!strcmp(in, "header"))
      out->kind = GT_OA_SEC_APIKEY_HEADER;
    else if (!strcmp(in, "query"))
      out->kind = GT_OA_SEC_APIKEY_QUERY;
    else if (!strcmp(in, "cookie"))
      out->kind = GT_OA_SEC_APIKEY_COOKIE;
    else
      return oa_fail(R, n, "security scheme '%s': apiKey in '%s' is not supported", name, in);
  } else {
    return oa_fail(R, n,
                   "security scheme '%s': type '%s' is not supported (supported: http bearer "
                   "and basic, apiKey, oauth2 and openIdConnect as a bearer token)",
                   name, type);
  }
  return true;
}

static bool read_schemes(oa_reader *R, const gt_node *root) {
  const gt_node *map = R->d->version == 20
                           ? gt_node_get(root, "securityDefinitions")
                           : gt_node_get(gt_node_get(root, "components"), "securitySchemes");
  if (!map) return true;
  if (map->kind != GT_NODE_MAP) return oa_fail(R, map, "security schemes must be a mapping");
  R->d->schemes = gt_xcalloc(map->count ? map->count : 1, sizeof *R->d->schemes);
  oa_at where = {0, gt_xstrdup("")};
  for (size_t i = 0; i < map->count; i++) {
    oa_at at = oa_copy(&where);
    const gt_node *n = oa_resolve(R, map->items[i], &at);
    oa_at_free(&at);
    if (!n || !read_scheme(R, map->keys[i]->text, n, &R->d->schemes[R->d->n_schemes])) {
      oa_at_free(&where);
      return false;
    }
    R->d->n_schemes++;
    for (size_t k = 0; k + 1 < R->d->n_schemes; k++)
      if (!strcmp(R->d->schemes[k].var, R->d->schemes[i].var)) {
        oa_at_free(&where);
        return oa_fail(R, map->keys[i],
                       "security schemes '%s' and '%s' both map to the variable %s; rename one",
                       R->d->schemes[k].name, R->d->schemes[i].name, R->d->schemes[i].var);
      }
  }
  oa_at_free(&where);
  return true;
}

/* `security:` (a list of requirements: alternatives). The first one is used;
 * an empty list, or a first requirement `{}`, is a public operation. */
static bool read_security(oa_reader *R, const gt_node *sec, gt_oa_op *op) {
  if (!sec) {
    op->is_public = true;
    return true;
  }
  if (sec->kind != GT_NODE_SEQ) return oa_fail(R, sec, "security must be a list");
  if (sec->count == 0 || (sec->items[0]->kind == GT_NODE_MAP && sec->items[0]->count == 0)) {
    op->is_public = true;
    return true;
  }
  op->alts = gt_xcalloc(sec->count, sizeof *op->alts);
  for (size_t a = 0; a < sec->count; a++) {
    const gt_node *alt = sec->items[a];
    if (alt->kind != GT_NODE_MAP)
      return oa_fail(R, alt, "a security requirement must be a mapping");
    if (!alt->count) continue;
    size_t k = 0;
    while (k < R->d->n_schemes && strcmp(R->d->schemes[k].name, alt->keys[0]->text))
      k++;
    if (k == R->d->n_schemes)
      return oa_fail(R, alt->keys[0], "security scheme '%s' is not defined", alt->keys[0]->text);
    op->alts[op->n_alts++] = (int)k;
  }
  const gt_node *req = sec->items[0];
  op->security = gt_xcalloc(req->count, sizeof *op->security);
  for (size_t i = 0; i < req->count; i++) {
    size_t k = 0;
    while (k < R->d->n_schemes && strcmp(R->d->schemes[k].name, req->keys[i]->text))
      k++;
    if (k == R->d->n_schemes)
      return oa_fail(R, req->keys[i], "security scheme '%s' is not defined", req->keys[i]->text);
    op->security[op->n_security++] = (int)k;
  }
  return true;
}

/* ---- parameters ---- */

/* The value of the first usable example of n: `example`, `x-example`, else
 * the first Example Object of `examples` (a $ref to components/examples
 * followed) that has a `value`. Example Objects with only a summary (a
 * "no value" case some documents list first) or an externalValue are
 * skipped. *out NULL when there is none; false + err on a broken $ref. */
static bool first_example(op_ctx *C, const gt_node *n, const oa_at *where, const gt_node **out) {
  *out = gt_node_get(n, "example");
  if (!*out) *out = gt_node_get(n, "x-example");
  const gt_node *exs = *out ? NULL : gt_node_get(n, "examples");
  if (!exs || exs->kind != GT_NODE_MAP) return true;
  oa_at xat = oa_child(where, "examples");
  bool ok = true;
  for (size_t i = 0; ok && !*out && i < exs->count; i++) {
    oa_at at = oa_child(&xat, exs->keys[i]->text);
    const gt_node *ex = oa_resolve(C->R, exs->items[i], &at);
    ok = ex != NULL;
    if (ok && ex->kind == GT_NODE_MAP) *out = gt_node_get(ex, "value");
    oa_at_free(&at);
  }
  oa_at_free(&xat);
  return ok;
}

/* `style` and `explode` (2.0: `collectionFormat`), or the defaults for
 * the parameter's place. */
static bool read_style(op_ctx *C, const gt_node *n, gt_oa_param *out) {
  bool query = !strcmp(out->in, "query") || !strcmp(out->in, "cookie");
  out->style = query ? GT_OA_STYLE_FORM : GT_OA_STYLE_SIMPLE;
  const gt_node *st = gt_node_get(n, "style");
  const gt_node *cf = C->R->d->version == 20 ? gt_node_get(n, "collectionFormat") : NULL;
  out->explode = false;
  if (cf && cf->text) {
    if (!strcmp(cf->text, "ssv"))
      out->style = GT_OA_STYLE_SPACE;
    else if (!strcmp(cf->text, "pipes"))
      out->style = GT_OA_STYLE_PIPE;
    else if (!strcmp(cf->text, "multi"))
      out->explode = true;
    else if (strcmp(cf->text, "csv"))
      return oa_fail(C->R, cf, "collectionFormat '%s' is not supported (csv, ssv, pipes, multi)",
                     cf->text);
    return true;
  }
  if (st && (!st->text || !oa_style_parse(st->text, &out->style)))
    return oa_fail(C->R, st,
                   "parameter style '%s' is not one of form, simple, label, matrix, deepObject, "
                   "pipeDelimited, spaceDelimited",
                   st->text ? st->text : "");
  const gt_node *ex = gt_node_get(n, "explode");
  out->explode = ex && ex->text ? !strcmp(ex->text, "true") : out->style == GT_OA_STYLE_FORM;
  return true;
}

/* The parameter locations of the version (2.0 has body and formData, 3.x
 * cookie): another one would be silently never sent nor checked. */
static bool known_location(int version, const char *in) {
  static const char *const v3[] = {"query", "header", "path", "cookie", NULL};
  static const char *const v2[] = {"query", "header", "path", "formData", "body", NULL};
  for (const char *const *l = version == 20 ? v2 : v3; *l; l++)
    if (!strcmp(*l, in)) return true;
  return false;
}

static bool read_param(op_ctx *C, const gt_node *n0, const oa_at *where0, gt_oa_param *out) {
  oa_at where = oa_copy(where0);
  const gt_node *n = oa_resolve(C->R, n0, &where);
  bool ok = n != NULL;
  if (ok && n->kind != GT_NODE_MAP) ok = oa_fail(C->R, n, "a parameter must be a mapping");
  const char *name = ok ? oa_text(n, "name") : NULL;
  const char *in = ok ? oa_text(n, "in") : NULL;
  if (ok && (!name || !in)) ok = oa_fail(C->R, n, "a parameter needs `name` and `in`");
  if (ok && !known_location(C->R->d->version, in)) {
    const gt_node *at = gt_node_get(n, "in");
    ok = oa_fail(C->R, at ? at : n,
                 "parameter '%s': `in: %s` is not a parameter location of %s (%s)", name, in,
                 C->R->d->version == 20 ? "Swagger 2.0" : "OpenAPI 3",
                 C->R->d->version == 20 ? "query, header, path, formData or body"
                                        : "query, header, path or cookie; a body is `requestBody`");
  }
  if (ok) {
    out->name = gt_xstrdup(name);
    out->in = gt_xstrdup(in);
    const gt_node *req = gt_node_get(n, "required");
    out->required = !strcmp(in, "path") || (req && req->text && !strcmp(req->text, "true"));
    ok = first_example(C, n, &where, &out->example) && read_style(C, n, out);
    oa_at sat;
    const gt_node *schema = gt_node_get(n, "schema");
    if (C->R->d->version == 20 && strcmp(in, "body")) {
      schema = n; /* 2.0: type, format, enum, minimum... sit on the parameter */
      sat = oa_copy(&where);
    } else if (schema) {
      sat = oa_child(&where, "schema");
    } else {
      const gt_node *content = gt_node_get(n, "content");
      if (content && content->kind == GT_NODE_MAP && content->count) {
        oa_at cat = oa_child(&where, "content");
        oa_at mat = oa_child(&cat, content->keys[0]->text);
        oa_at_free(&cat);
        schema = gt_node_get(content->items[0], "schema");
        sat = oa_child(&mat, "schema");
        oa_at_free(&mat);
      } else {
        sat = oa_copy(&where);
      }
    }
    if (schema) {
      const gt_node *s = oa_resolve(C->R, schema, &sat);
      ok = s != NULL && ok;
      if (ok) {
        out->schema.node = s;
        out->schema.uri = oa_uri(C->R->d, &sat);
      }
    }
    oa_at_free(&sat);
  }
  oa_at_free(&where);
  return ok;
}

/* Path-level then operation-level parameters (an operation's wins for the
 * same name and location). */
static bool read_params(op_ctx *C, const gt_node *list, const oa_at *where, gt_oa_op *op) {
  if (!list) return true;
  if (list->kind != GT_NODE_SEQ) return oa_fail(C->R, list, "parameters must be a list");
  oa_at lat = oa_child(where, "parameters");
  bool ok = true;
  for (size_t i = 0; ok && i < list->count; i++) {
    char idx[24];
    snprintf(idx, sizeof idx, "%zu", i);
    oa_at pat = oa_child(&lat, idx);
    gt_oa_param p = {.part = -1};
    ok = read_param(C, list->items[i], &pat, &p);
    oa_at_free(&pat);
    if (!ok) {
      free(p.name);
      free(p.in);
      free(p.schema.uri);
      break;
    }
    /* OpenAPI 3: a header parameter named Accept, Content-Type or
     * Authorization is ignored (the media types and security say those);
     * read the same way for 2.0 (docs/openapi.md) */
    if (!strcmp(p.in, "header") &&
        (!strcasecmp(p.name, "Accept") || !strcasecmp(p.name, "Content-Type") ||
         !strcasecmp(p.name, "Authorization"))) {
      free(p.name);
      free(p.in);
      free(p.schema.uri);
      continue;
    }
    size_t k = 0;
    while (k < op->n_params &&
           !(!strcmp(op->params[k].name, p.name) && !strcmp(op->params[k].in, p.in)))
      k++;
    if (k < op->n_params) {
      free(op->params[k].name);
      free(op->params[k].in);
      free(op->params[k].schema.uri);
    } else {
      op->params = gt_xrealloc(op->params, (op->n_params + 1) * sizeof *op->params);
      op->n_params++;
    }
    op->params[k] = p;
  }
  oa_at_free(&lat);
  return ok;
}

/* ---- media types, bodies, responses ---- */

static void add_media(gt_oa_media **v, size_t *n, const char *type, const gt_node *schema,
                      char *uri, const gt_node *example) {
  *v = gt_xrealloc(*v, (*n + 1) * sizeof **v);
  (*v)[(*n)++] = (gt_oa_media){
      .type = gt_xstrdup(type), .schema = {schema, uri}, .example = example, .part = -1};
}

/* A 3.x `content:` mapping. */
static bool read_content(op_ctx *C, const gt_node *content, const oa_at *where, gt_oa_media **v,
                         size_t *n) {
  if (!content) return true;
  if (content->kind != GT_NODE_MAP) return oa_fail(C->R, content, "content must be a mapping");
  oa_at cat = oa_child(where, "content");
  bool ok = true;
  for (size_t i = 0; ok && i < content->count; i++) {
    oa_at mat = oa_child(&cat, content->keys[i]->text);
    const gt_node *m = oa_resolve(C->R, content->items[i], &mat);
    ok = m != NULL;
    const gt_node *schema = ok ? gt_node_get(m, "schema") : NULL;
    char *uri = NULL;
    if (schema) {
      oa_at sat = oa_child(&mat, "schema");
      schema = oa_resolve(C->R, schema, &sat);
      ok = schema != NULL;
      if (ok) uri = oa_uri(C->R->d, &sat);
      oa_at_free(&sat);
    }
    const gt_node *example = NULL;
    if (ok) ok = first_example(C, m, &mat, &example);
    if (ok) {
      add_media(v, n, content->keys[i]->text, schema, uri, example);
      const gt_node *enc = gt_node_get(m, "encoding");
      (*v)[*n - 1].encoding = enc && enc->kind == GT_NODE_MAP ? enc : NULL;
    } else {
      free(uri);
    }
    oa_at_free(&mat);
  }
  oa_at_free(&cat);
  return ok;
}

static void each_type(const gt_node *types, const char *fallback,
                      void (*fn)(void *ud, const char *type), void *ud) {
  if (types && types->kind == GT_NODE_SEQ && types->count) {
    for (size_t i = 0; i < types->count; i++)
      if (types->items[i]->kind == GT_NODE_SCALAR) fn(ud, types->items[i]->text);
  } else {
    fn(ud, fallback);
  }
}

typedef struct media_add {
  gt_oa_media **v;
  size_t *n;
  const gt_node *schema;
  const char *uri;
  const gt_node *examples; /* 2.0 response examples: media type -> value */
  const gt_node *example;
} media_add;

static void add_one(void *ud, const char *type) {
  media_add *a = ud;
  const gt_node *ex = a->examples ? gt_node_get(a->examples, type) : NULL;
  add_media(a->v, a->n, type, a->schema, a->uri ? gt_xstrdup(a->uri) : NULL, ex ? ex : a->example);
}

static bool read_headers(op_ctx *C, const gt_node *headers, const oa_at *where, gt_oa_response *r) {
  if (!headers) return true;
  if (headers->kind != GT_NODE_MAP) return oa_fail(C->R, headers, "headers must be a mapping");
  oa_at hat = oa_child(where, "headers");
  bool ok = true;
  for (size_t i = 0; ok && i < headers->count; i++) {
    oa_at at = oa_child(&hat, headers->keys[i]->text);
    const gt_node *h = oa_resolve(C->R, headers->items[i], &at);
    ok = h != NULL;
    if (ok) {
      gt_oa_header x = {gt_xstrdup(headers->keys[i]->text), false, {NULL, NULL}, -1};
      const gt_node *req = gt_node_get(h, "required");
      x.required = req && req->text && !strcmp(req->text, "true");
      const gt_node *schema = C->R->d->version == 20 ? h : gt_node_get(h, "schema");
      if (schema) {
        oa_at sat = C->R->d->version == 20 ? oa_copy(&at) : oa_child(&at, "schema");
        schema = oa_resolve(C->R, schema, &sat);
        ok = schema != NULL;
        if (ok) {
          x.schema.node = schema;
          x.schema.uri = oa_uri(C->R->d, &sat);
        }
        oa_at_free(&sat);
      }
      r->headers = gt_xrealloc(r->headers, (r->n_headers + 1) * sizeof *r->headers);
      r->headers[r->n_headers++] = x;
    }
    oa_at_free(&at);
  }
  oa_at_free(&hat);
  return ok;
}

static bool status_key_ok(const char *k) {
  if (!strcmp(k, "default")) return true;
  if (strlen(k) != 3 || k[0] < '1' || k[0] > '5') return false;
  if ((k[1] == 'X' || k[1] == 'x') && (k[2] == 'X' || k[2] == 'x')) return true;
  return isdigit((unsigned char)k[1]) && isdigit((unsigned char)k[2]);
}

static bool read_responses(op_ctx *C, const gt_node *op_node, const gt_node *responses,
                           const oa_at *where, gt_oa_op *op) {
  if (!responses) return true; /* 3.1 allows none */
  if (responses->kind != GT_NODE_MAP)
    return oa_fail(C->R, responses, "responses must be a mapping");
  op->responses = gt_xcalloc(responses->count ? responses->count : 1, sizeof *op->responses);
  oa_at rat = oa_child(where, "responses");
  bool ok = true;
  for (size_t i = 0; ok && i < responses->count; i++) {
    const char *key = responses->keys[i]->text;
    if (!strncmp(key, "x-", 2)) continue;
    if (!status_key_ok(key)) {
      ok = oa_fail(C->R, responses->keys[i],
                   "response key '%s' is not a status (100-599, 1XX-5XX or default)", key);
      break;
    }
    oa_at at = oa_child(&rat, key);
    const gt_node *r = oa_resolve(C->R, responses->items[i], &at);
    ok = r != NULL;
    if (ok && r->kind != GT_NODE_MAP) ok = oa_fail(C->R, r, "a response must be a mapping");
    if (ok) {
      gt_oa_response *x = &op->responses[op->n_responses++];
      x->status = gt_xstrdup(key);
      x->links = gt_node_get(r, "links");
      if (C->R->d->version == 20) {
        const gt_node *schema = gt_node_get(r, "schema");
        char *uri = NULL;
        if (schema) {
          oa_at sat = oa_child(&at, "schema");
          schema = oa_resolve(C->R, schema, &sat);
          ok = schema != NULL;
          if (ok) uri = oa_uri(C->R->d, &sat);
          oa_at_free(&sat);
        }
        if (ok && schema) {
          const gt_node *produces = gt_node_get(op_node, "produces");
          media_add a = {&x->media, &x->n_media, schema, uri, gt_node_get(r, "examples"), NULL};
          each_type(produces ? produces : C->produces, "application/json", add_one, &a);
        }
        free(uri);
      } else {
        ok = read_content(C, gt_node_get(r, "content"), &at, &x->media, &x->n_media);
      }
      if (ok) ok = read_headers(C, gt_node_get(r, "headers"), &at, x);
    }
    oa_at_free(&at);
  }
  oa_at_free(&rat);
  return ok;
}

gt_node *oa_schema_keywords(const gt_node *n) {
  static const char *const KEYS[] = {"type",
                                     "format",
                                     "enum",
                                     "minimum",
                                     "maximum",
                                     "exclusiveMinimum",
                                     "exclusiveMaximum",
                                     "minLength",
                                     "maxLength",
                                     "pattern",
                                     "items",
                                     "multipleOf",
                                     "minItems",
                                     "maxItems",
                                     "uniqueItems"};
  gt_node *copy = gt_node_new(GT_NODE_MAP, n->file, n->line, n->col);
  for (size_t j = 0; j < sizeof KEYS / sizeof *KEYS; j++) {
    const gt_node *v = gt_node_get(n, KEYS[j]);
    if (!v) continue;
    gt_node *key = gt_node_new_scalar(KEYS[j], false, n->file, v->line, v->col);
    gt_node_append(copy, key, gt_node_clone(v));
  }
  return copy;
}

static void add_scalar(gt_node *map, const char *key, const char *value, const gt_node *at) {
  gt_node_append(map, gt_node_new_scalar(key, false, at->file, at->line, at->col),
                 gt_node_new_scalar(value, false, at->file, at->line, at->col));
}

/* 2.0: the formData parameters as one object schema, the body of a form or
 * multipart/form-data request: each parameter's schema keywords under its
 * name (`type: file` read as a binary string: a file part), `required` from
 * theirs. NULL when the operation has none. */
static gt_node *form_data_schema(const gt_oa_op *op) {
  gt_node *props = NULL, *req = NULL, *out = NULL;
  for (size_t i = 0; i < op->n_params; i++) {
    const gt_oa_param *p = &op->params[i];
    const gt_node *n = p->schema.node;
    if (strcmp(p->in, "formData") || !n) continue;
    if (!out) {
      out = gt_node_new(GT_NODE_MAP, n->file, n->line, n->col);
      add_scalar(out, "type", "object", n);
      props = gt_node_new(GT_NODE_MAP, n->file, n->line, n->col);
      req = gt_node_new(GT_NODE_SEQ, n->file, n->line, n->col);
    }
    gt_node *schema = oa_schema_keywords(n);
    const char *type = oa_text(n, "type");
    if (type && !strcmp(type, "file")) {
      gt_node_free(schema);
      schema = gt_node_new(GT_NODE_MAP, n->file, n->line, n->col);
      add_scalar(schema, "type", "string", n);
      add_scalar(schema, "format", "binary", n);
    }
    gt_node_append(props, gt_node_new_scalar(p->name, true, n->file, n->line, n->col), schema);
    if (p->required)
      gt_node_append(req, NULL, gt_node_new_scalar(p->name, true, n->file, n->line, n->col));
  }
  if (!out) return NULL;
  gt_node_append(out, gt_node_new_scalar("properties", false, out->file, out->line, out->col),
                 props);
  if (req->count)
    gt_node_append(out, gt_node_new_scalar("required", false, out->file, out->line, out->col), req);
  else
    gt_node_free(req);
  return out;
}

static bool has_file_param(const gt_oa_op *op) {
  for (size_t i = 0; i < op->n_params; i++) {
    const char *type =
        op->params[i].schema.node ? oa_text(op->params[i].schema.node, "type") : NULL;
    if (!strcmp(op->params[i].in, "formData") && type && !strcmp(type, "file")) return true;
  }
  return false;
}

static void add_form_type(void *ud, const char *type) {
  if (strncasecmp(type, "application/x-www-form-urlencoded", 33) &&
      strncasecmp(type, "multipart/form-data", 19))
    return;
  add_one(ud, type);
}

static bool read_body(op_ctx *C, const gt_node *op_node, const oa_at *where, gt_oa_op *op) {
  if (C->R->d->version == 20) {
    const gt_node *consumes = gt_node_get(op_node, "consumes");
    op->form_schema = form_data_schema(op);
    if (op->form_schema) {
      /* the form types it consumes; none listed: multipart for a file, else
       * a URL-encoded form */
      media_add a = {&op->body, &op->n_body, op->form_schema, NULL, NULL, NULL};
      each_type(consumes ? consumes : C->consumes,
                has_file_param(op) ? "multipart/form-data" : "application/x-www-form-urlencoded",
                add_form_type, &a);
      if (!op->n_body)
        add_one(&a,
                has_file_param(op) ? "multipart/form-data" : "application/x-www-form-urlencoded");
      for (size_t i = 0; i < op->n_params; i++)
        op->body_required |= !strcmp(op->params[i].in, "formData") && op->params[i].required;
    }
    /* the `body` parameter, read as a parameter, becomes the request body */
    for (size_t i = 0; i < op->n_params; i++) {
      gt_oa_param *p = &op->params[i];
      if (strcmp(p->in, "body")) continue;
      media_add a = {&op->body, &op->n_body, p->schema.node, p->schema.uri, NULL, p->example};
      each_type(consumes ? consumes : C->consumes, "application/json", add_one, &a);
      op->body_required = p->required;
    }
    return true;
  }
  const gt_node *rb = gt_node_get(op_node, "requestBody");
  if (!rb) return true;
  oa_at at = oa_child(where, "requestBody");
  const gt_node *b = oa_resolve(C->R, rb, &at);
  bool ok = b != NULL;
  if (ok) {
    const gt_node *req = gt_node_get(b, "required");
    op->body_required = req && req->text && !strcmp(req->text, "true");
    ok = read_content(C, gt_node_get(b, "content"), &at, &op->body, &op->n_body);
  }
  oa_at_free(&at);
  return ok;
}

static bool read_op(op_ctx *C, const char *path, const char *method, const gt_node *item,
                    const oa_at *item_at, const gt_node *op_node, gt_oa_op *op) {
  oa_at at = oa_child(item_at, method);
  op->method = gt_xstrdup(method);
  for (char *p = op->method; *p; p++)
    *p = (char)toupper((unsigned char)*p);
  op->path = gt_xstrdup(path);
  op->at = op_node;
  const char *id = oa_text(op_node, "operationId");
  op->op_id = id ? gt_xstrdup(id) : NULL;
  const gt_node *sec = gt_node_get(op_node, "security");
  if (!sec) sec = gt_node_get(C->root, "security");
  bool ok = op_node->kind == GT_NODE_MAP ||
            oa_fail(C->R, op_node, "operation %s %s must be a mapping", op->method, path);
  ok = ok && read_params(C, gt_node_get(item, "parameters"), item_at, op) &&
       read_params(C, gt_node_get(op_node, "parameters"), &at, op) &&
       read_body(C, op_node, &at, op) &&
       read_responses(C, op_node, gt_node_get(op_node, "responses"), &at, op) &&
       read_security(C->R, sec, op);
  oa_at_free(&at);
  return ok;
}

static bool read_paths(op_ctx *C, const gt_node *paths) {
  if (!paths) return true;
  if (paths->kind != GT_NODE_MAP) return oa_fail(C->R, paths, "paths must be a mapping");
  gt_openapi *d = C->R->d;
  oa_at pat = {0, gt_xstrdup("/paths")};
  bool ok = true;
  for (size_t i = 0; ok && i < paths->count; i++) {
    const char *path = paths->keys[i]->text;
    if (!strncmp(path, "x-", 2)) continue;
    if (path[0] != '/') {
      ok = oa_fail(C->R, paths->keys[i], "path '%s' must start with /", path);
      break;
    }
    oa_at at = oa_child(&pat, path);
    const gt_node *item = oa_resolve(C->R, paths->items[i], &at);
    ok = item != NULL;
    if (ok && item->kind != GT_NODE_MAP) ok = oa_fail(C->R, item, "a path item must be a mapping");
    for (size_t m = 0; ok && m < N_METHODS; m++) {
      const gt_node *op_node = gt_node_get(item, METHODS[m]);
      if (!op_node) continue;
      d->ops = gt_xrealloc(d->ops, (d->n_ops + 1) * sizeof *d->ops);
      gt_oa_op *op = &d->ops[d->n_ops++];
      memset(op, 0, sizeof *op);
      ok = read_op(C, path, METHODS[m], item, &at, op_node, op);
    }
    oa_at_free(&at);
  }
  oa_at_free(&pat);
  return ok;
}

/* ---- servers ---- */

/* A server URL as an absolute http(s) URL (url is taken): OpenAPI 3 allows
 * references relative to the document's location, so "//host/v1" gets the
 * https scheme and "/v1" or "v1" the loopback host (only its path matters:
 * `run` needs --base-url, serve mounts the API under that path). Another
 * scheme: NULL (no server). */
static char *absolute_server(char *url) {
  char *out = NULL;
  if (!strncmp(url, "http://", 7) || !strncmp(url, "https://", 8)) return url;
  if (!strncmp(url, "//", 2))
    out = gt_xasprintf("https:%s", url);
  else if (!strstr(url, "://"))
    out = gt_xasprintf("http://127.0.0.1%s%s", *url == '/' ? "" : "/", url);
  free(url);
  return out;
}

/* The first server's URL with every {variable} replaced by its default. */
static char *server_url(oa_reader *R, const gt_node *root) {
  if (R->d->version == 20) {
    const char *host = oa_text(root, "host");
    const char *base = oa_text(root, "basePath");
    if (!host) /* served from the document's host: only the base path is known */
      return base ? absolute_server(gt_xstrdup(base)) : NULL;
    const gt_node *schemes = gt_node_get(root, "schemes");
    const char *scheme = schemes && schemes->kind == GT_NODE_SEQ && schemes->count &&
                                 schemes->items[0]->kind == GT_NODE_SCALAR
                             ? schemes->items[0]->text
                             : "https";
    return gt_xasprintf("%s://%s%s", scheme, host, base ? base : "");
  }
  const gt_node *servers = gt_node_get(root, "servers");
  if (!servers || servers->kind != GT_NODE_SEQ || !servers->count) return NULL;
  const gt_node *s = servers->items[0];
  const char *url = oa_text(s, "url");
  if (!url) return NULL;
  const gt_node *vars = gt_node_get(s, "variables");
  gt_buf b;
  gt_buf_init(&b);
  for (const char *p = url; *p; p++) {
    const char *close = *p == '{' ? strchr(p, '}') : NULL;
    if (!close) {
      gt_buf_addc(&b, *p);
      continue;
    }
    char *name = gt_xstrndup(p + 1, (size_t)(close - p - 1));
    const char *def = oa_text(gt_node_get(vars, name), "default");
    gt_buf_adds(&b, def ? def : "");
    free(name);
    p = close;
  }
  return absolute_server(gt_buf_steal(&b));
}

/* ---- entry points ---- */

/* After `key` and its colon: optional blanks and a quote, then a digit (a
 * version: "3.0.3", 2.0), so a suite's `openapi: api.yaml` is not one. */
static bool version_follows(const char *p) {
  p += strspn(p, " \t\"'");
  if (*p != ':') return false;
  p++;
  p += strspn(p, " \t\"'");
  return *p >= '0' && *p <= '9';
}

bool gt_openapi_sniff(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return false;
  char head[4096];
  size_t n = fread(head, 1, sizeof head - 1, f);
  fclose(f);
  head[n] = 0;
  /* YAML: a top-level `openapi:` / `swagger:` line with a version */
  for (char *p = head; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
    if ((!strncmp(p, "openapi", 7) || !strncmp(p, "swagger", 7)) && version_follows(p + 7))
      return true;
  /* JSON: "openapi": "3..." anywhere in the head */
  for (const char *k = head; (k = strchr(k, '"')) != NULL; k++)
    if ((!strncmp(k, "\"openapi\"", 9) || !strncmp(k, "\"swagger\"", 9)) && version_follows(k + 9))
      return true;
  return false;
}

static bool read_version(oa_reader *R, const gt_node *root) {
  const gt_node *v = gt_node_get(root, "openapi");
  const gt_node *sw = gt_node_get(root, "swagger");
  const gt_node *at = v ? v : sw;
  if (!at) return oa_fail(R, root, "not an OpenAPI document: no `openapi` or `swagger` key");
  if (at->kind != GT_NODE_SCALAR || !at->text)
    return oa_fail(R, at, "the version must be a string");
  R->d->version_text = gt_xstrdup(at->text);
  if (sw && !strcmp(at->text, "2.0"))
    R->d->version = 20;
  else if (v && !strncmp(at->text, "3.0.", 4))
    R->d->version = 30;
  else if (v && !strncmp(at->text, "3.1.", 4))
    R->d->version = 31;
  else
    return oa_fail(R, at, "unsupported version '%s' (supported: OpenAPI 3.1.x, 3.0.x, Swagger 2.0)",
                   at->text);
  return true;
}

gt_openapi *gt_openapi_load(const char *path, gt_err *err) {
  gt_openapi *d = gt_xcalloc(1, sizeof *d);
  d->file = gt_xstrdup(path);
  oa_reader R = {d, err, NULL};
  memset(err, 0, sizeof *err);
  if (oa_doc_load(&R, path, NULL) < 0) {
    gt_openapi_free(d);
    return NULL;
  }
  const gt_node *root = d->trees[0];
  bool ok = root->kind == GT_NODE_MAP || oa_fail(&R, root, "an OpenAPI document must be a mapping");
  ok = ok && read_version(&R, root);
  if (ok) {
    const char *title = oa_text(gt_node_get(root, "info"), "title");
    d->title = gt_xstrdup(title && *title ? title : "api");
    d->server_url = server_url(&R, root);
  }
  op_ctx C = {&R, root, gt_node_get(root, "consumes"), gt_node_get(root, "produces")};
  ok = ok && read_schemes(&R, root) && read_paths(&C, gt_node_get(root, "paths"));
  if (!ok) {
    gt_openapi_free(d);
    return NULL;
  }
  return d;
}

static void free_media(gt_oa_media *m, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(m[i].type);
    free(m[i].schema.uri);
  }
  free(m);
}

void gt_openapi_free(gt_openapi *d) {
  if (!d) return;
  for (size_t i = 0; i < d->n_ops; i++) {
    gt_oa_op *op = &d->ops[i];
    free(op->method);
    free(op->path);
    free(op->op_id);
    for (size_t k = 0; k < op->n_params; k++) {
      free(op->params[k].name);
      free(op->params[k].in);
      free(op->params[k].schema.uri);
    }
    free(op->params);
    free_media(op->body, op->n_body);
    for (size_t k = 0; k < op->n_responses; k++) {
      gt_oa_response *r = &op->responses[k];
      free(r->status);
      free_media(r->media, r->n_media);
      for (size_t h = 0; h < r->n_headers; h++) {
        free(r->headers[h].name);
        free(r->headers[h].schema.uri);
      }
      free(r->headers);
    }
    free(op->responses);
    free(op->security);
    free(op->alts);
    gt_node_free(op->form_schema);
  }
  free(d->ops);
  for (size_t i = 0; i < d->n_schemes; i++) {
    free(d->schemes[i].name);
    free(d->schemes[i].var);
    free(d->schemes[i].param);
    free(d->schemes[i].value);
  }
  free(d->schemes);
  for (size_t i = 0; i < d->n_docs; i++) {
    gt_node_free(d->trees[i]);
    free(d->files[i]);
    free(d->uris[i]);
  }
  free(d->trees);
  free(d->files);
  free(d->uris);
  free(d->version_text);
  free(d->title);
  free(d->file);
  free(d->server_url);
  free(d);
}

static bool sendable(gt_oa_sec_kind k) {
  return k == GT_OA_SEC_BEARER || k == GT_OA_SEC_BASIC || k == GT_OA_SEC_APIKEY_HEADER;
}

static bool accepts(const gt_oa_op *op, int scheme) {
  for (size_t i = 0; i < op->n_alts; i++)
    if (op->alts[i] == scheme) return true;
  return false;
}

int gt_openapi_profile_scheme(const gt_openapi *d) {
  int best = -1;
  size_t best_n = 0;
  for (size_t s = 0; s < d->n_schemes; s++) {
    if (!sendable(d->schemes[s].kind)) continue;
    size_t n = 0;
    for (size_t i = 0; i < d->n_ops; i++)
      n += !d->ops[i].is_public && accepts(&d->ops[i], (int)s);
    if (n > best_n) {
      best = (int)s;
      best_n = n;
    }
  }
  return best;
}

int gt_openapi_op_scheme(const gt_openapi *d, const gt_oa_op *op) {
  if (op->is_public || !op->n_alts) return -1;
  int p = gt_openapi_profile_scheme(d);
  return p >= 0 && accepts(op, p) ? p : op->alts[0];
}

void gt_openapi_set_credential(gt_openapi *d, const char *var, const char *value) {
  for (size_t i = 0; i < d->n_schemes; i++)
    if (!strcmp(d->schemes[i].var, var)) {
      free(d->schemes[i].value);
      d->schemes[i].value = gt_xstrdup(value);
    }
}

size_t gt_openapi_credential_vars(const gt_openapi *d, const char **out, size_t max) {
  size_t n = 0;
  int profile = gt_openapi_profile_scheme(d);
  for (size_t i = 0; i < d->n_schemes; i++) {
    bool used = false;
    for (size_t k = 0; k < d->n_ops && !used; k++)
      used = gt_openapi_op_scheme(d, &d->ops[k]) == (int)i;
    if (!used && (int)i == profile) used = true;
    if (used && n < max) out[n++] = d->schemes[i].var;
  }
  return n;
}
