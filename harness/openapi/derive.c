/* derive.c — the suite derived from a document, as YAML text the suite
 * loader reads (the same text `gauntlet init --openapi` writes). The rules
 * are docs/openapi.md "Deriving scenarios":
 * - one scenario per operation, named "METHOD /path", in create -> read ->
 *   update -> delete order (POST, GET/HEAD, PUT/PATCH, then DELETE; shorter
 *   paths first within each);
 * - a valid request from the document's examples, else synthesized;
 * - path identifiers from `links`, else from the producer: the POST on the
 *   parent collection (its answer's `id` or the parameter's name), else the
 *   GET of that collection (its first element);
 * - the documented success statuses as expectation; auth faults only where
 *   security is required; body faults where a JSON body is sent; the
 *   schema-driven faults (not_in_enum, out_of_range, bad_length,
 *   pattern_mismatch, missing_param) where the document constrains a value
 *   the request carries. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../check/check.h"
#include "../fault/fault.h"
#include "oa_internal.h"

/* The boundary of derived multipart/form-data bodies. */
#define MULTIPART_BOUNDARY "gauntlet-form-boundary-7d3f"

typedef struct deriver {
  oa_reader R;
  const gt_oa_suite_opts *o;
  uint64_t rng;
  gt_buf out;
  int profile_scheme; /* index of the profile's scheme, or -1 */
  bool *sel;          /* per operation: derived (gt_oa_suite_opts.only and producers) */
  cJSON *captured;    /* capture name -> "producer op index" (number) */
  /* lookups made once for infer_producer (NULL / false: scan everything):
   * operation indices sorted by path (then document order), and whether any
   * response has `links` at all */
  size_t *by_path;
  bool any_links;
  char *version;     /* the API's version path segment ("/v2"), or NULL (version_prefix) */
  bool version_sent; /* the base URL or the paths carry it: `unversioned` is derived */
  bool version_done; /* the one scenario with `unversioned` was written */
} deriver;

/* true when a path segment reads as an API version: v1, V2, v2.1, v1_1, 2.0 */
static bool version_segment(const char *s, size_t n) {
  size_t i = 0;
  bool v = n > 1 && (s[0] == 'v' || s[0] == 'V');
  if (v) i = 1;
  size_t digits = 0, dots = 0;
  for (; i < n; i++) {
    if (s[i] >= '0' && s[i] <= '9')
      digits++;
    else if ((s[i] == '.' || s[i] == '_') && digits && i + 1 < n)
      dots++;
    else
      return false;
  }
  return digits && (v || dots);
}

/* The last version segment of a URL's (or path's) path, as "/v2"; NULL when
 * none. Caller frees. */
static char *version_in(const char *url) {
  if (!url) return NULL;
  const char *p = strstr(url, "://");
  p = p ? strchr(p + 3, '/') : url;
  char *found = NULL;
  while (p && *p == '/') {
    size_t n = strcspn(p + 1, "/?#");
    if (version_segment(p + 1, n)) {
      free(found);
      found = gt_xasprintf("/%.*s", (int)n, p + 1);
    }
    p += 1 + n; /* at the next '/', or the end of the path */
  }
  return found;
}

/* The API's version (docs/openapi.md "Deriving scenarios"): the first
 * server's, else the first segment every documented path starts with. */
static char *version_prefix(const gt_openapi *d) {
  char *v = version_in(d->server_url);
  if (v || !d->n_ops) return v;
  const char *first = d->ops[0].path;
  size_t n = first[0] == '/' ? strcspn(first + 1, "/") : 0;
  if (!n || !version_segment(first + 1, n)) return NULL;
  for (size_t i = 1; i < d->n_ops; i++)
    if (strncmp(d->ops[i].path, first, n + 1) ||
        (d->ops[i].path[n + 1] && d->ops[i].path[n + 1] != '/'))
      return NULL;
  return gt_xasprintf("%.*s", (int)n + 1, first);
}

/* true when the URL carries the segment (whole segments only) */
static bool carries(const char *url, const char *seg) {
  return url && gt_url_find_segment(url, seg);
}

/* ---- YAML text helpers ---- */

/* A JSON value as YAML flow text, with `${` written `$${` (literal). */
static void put_json(gt_buf *b, const cJSON *v) {
  char *t = cJSON_PrintUnformatted(v);
  for (const char *p = t; p && *p; p++) {
    if (p[0] == '$' && p[1] == '{') gt_buf_addc(b, '$');
    gt_buf_addc(b, *p);
  }
  free(t);
}

static void put_str(gt_buf *b, const char *s) {
  cJSON *j = cJSON_CreateString(s);
  put_json(b, j);
  cJSON_Delete(j);
}

/* A string that may hold our own ${NAME} references (not escaped). */
static void put_template(gt_buf *b, const char *s) {
  cJSON *j = cJSON_CreateString(s);
  char *t = cJSON_PrintUnformatted(j);
  gt_buf_adds(b, t);
  free(t);
  cJSON_Delete(j);
}

static bool is_json_media(const char *t) {
  size_t n = strcspn(t, ";");
  return (n == 16 && !strncasecmp(t, "application/json", 16)) ||
         (n > 5 && !strncasecmp(t + n - 5, "+json", 5)) || !strncmp(t, "*/*", 3);
}

static const gt_oa_media *json_media(const gt_oa_media *m, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (is_json_media(m[i].type)) return &m[i];
  return NULL;
}

static int status_num(const char *s) {
  return isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) ? atoi(s) : 0;
}

/* The success response: the lowest documented 2xx (201 before 200 for a
 * POST does not matter: every documented 2xx is accepted). */
static const gt_oa_response *success(const gt_oa_op *op) {
  const gt_oa_response *best = NULL;
  for (size_t i = 0; i < op->n_responses; i++)
    if (op->responses[i].status[0] == '2' &&
        (!best || strcmp(op->responses[i].status, best->status) < 0))
      best = &op->responses[i];
  return best;
}

static int method_rank(const char *m) {
  if (!strcmp(m, "POST")) return 0;
  if (!strcmp(m, "GET") || !strcmp(m, "HEAD") || !strcmp(m, "OPTIONS")) return 1;
  if (!strcmp(m, "PUT") || !strcmp(m, "PATCH")) return 2;
  if (!strcmp(m, "DELETE")) return 3;
  return 1;
}

static size_t depth_of(const char *path) {
  size_t n = 0;
  for (; *path; path++)
    n += *path == '/';
  return n;
}

static const gt_openapi *g_sort_doc;
static int by_crud(const void *a, const void *b) {
  const gt_oa_op *x = &g_sort_doc->ops[*(const size_t *)a];
  const gt_oa_op *y = &g_sort_doc->ops[*(const size_t *)b];
  int r = method_rank(x->method) - method_rank(y->method);
  if (r) return r;
  /* deletes of items before their collections; everything else parents first */
  long dx = (long)depth_of(x->path), dy = (long)depth_of(y->path);
  if (dx != dy) return method_rank(x->method) == 3 ? (int)(dy - dx) : (int)(dx - dy);
  r = strcmp(x->path, y->path);
  return r ? r
           : (*(const size_t *)a > *(const size_t *)b) - (*(const size_t *)a < *(const size_t *)b);
}

static int by_path_then_index(const void *a, const void *b) {
  size_t i = *(const size_t *)a, j = *(const size_t *)b;
  int r = strcmp(g_sort_doc->ops[i].path, g_sort_doc->ops[j].path);
  return r ? r : (i > j) - (i < j);
}

static bool is_required_name(const gt_node *req, const char *name) {
  for (size_t i = 0; req && req->kind == GT_NODE_SEQ && i < req->count; i++)
    if (req->items[i]->text && !strcmp(req->items[i]->text, name)) return true;
  return false;
}

/* ---- producers ---- */

/* The parent collection of "/pets/{petId}" is "/pets" when {petId} is the
 * last segment (caller frees), else NULL. */
static char *collection_of(const char *path, const char *param) {
  char *seg = gt_xasprintf("/{%s}", param);
  size_t n = strlen(path), m = strlen(seg);
  char *out = n > m && !strcmp(path + n - m, seg) ? gt_xstrndup(path, n - m) : NULL;
  free(seg);
  return out;
}

/* true when schema s (or one of its allOf parts) has property name. */
/* The schema of property `name` of schema s (through allOf), or NULL. */
static const gt_node *property_of(deriver *D, const gt_node *s, const oa_at *at, const char *name,
                                  int depth) {
  if (!s || depth > 8) return NULL;
  oa_at w = oa_copy(at);
  s = oa_resolve(&D->R, s, &w);
  const gt_node *found = s ? gt_node_get(gt_node_get(s, "properties"), name) : NULL;
  const gt_node *all = s ? gt_node_get(s, "allOf") : NULL;
  for (size_t i = 0; !found && all && all->kind == GT_NODE_SEQ && i < all->count; i++)
    found = property_of(D, all->items[i], &w, name, depth + 1);
  oa_at_free(&w);
  return found;
}

/* Whether a property's schema can hold an identifier for a path: not an
 * object or an array (DigitalOcean answers `{"floating_ip": {...}}`: the
 * property named like the parameter is the whole resource). */
static bool scalar_schema(deriver *D, const gt_node *ps) {
  oa_at at = {oa_doc_of(D->R.d, ps), gt_xstrdup("")};
  const gt_node *s = oa_resolve(&D->R, ps, &at);
  oa_at_free(&at);
  if (!s) return false;
  const char *type = oa_text(s, "type");
  if (type) return strcmp(type, "object") && strcmp(type, "array");
  return !gt_node_get(s, "properties") && !gt_node_get(s, "items");
}

/* The property of a success body that names the identifier: the
 * parameter's own name, else `id`, `ID`, `_id` or `uuid` (a scalar one). */
static const char *id_property(deriver *D, const gt_oa_response *r, const char *param, bool list,
                               char *buf, size_t cap) {
  const gt_oa_media *m = r ? json_media(r->media, r->n_media) : NULL;
  if (!m || !m->schema.node) return NULL;
  oa_at at = {oa_doc_of(D->R.d, m->schema.node), gt_xstrdup("")};
  const gt_node *s = oa_resolve(&D->R, m->schema.node, &at);
  if (s && list) s = gt_node_get(s, "items");
  const char *found = NULL;
  const char *cands[] = {param, "id", "ID", "_id", "uuid"};
  for (size_t i = 0; s && !found && i < sizeof cands / sizeof *cands; i++) {
    const gt_node *ps = property_of(D, s, &at, cands[i], 0);
    if (ps && scalar_schema(D, ps)) {
      snprintf(buf, cap, "%s", cands[i]);
      found = buf;
    }
  }
  oa_at_free(&at);
  return found;
}

/* For path parameter p of op: the capture "NAME: $.x" its value comes from,
 * registered on the producing operation; returns the capture name or NULL. */
typedef struct capture_plan {
  size_t producer;
  char *param; /* the parameter it feeds */
  char *name;  /* the variable: the parameter's name, made unique per producer */
  char *path;  /* JSONPath */
} capture_plan;

typedef struct plan {
  capture_plan *caps;
  size_t n_caps;
  size_t (*edges)[2]; /* consumer, producer */
  size_t n_edges;
} plan;

/* true when op `from` already depends, through planned captures, on `to`. */
static bool depends_on(const plan *P, size_t from, size_t to, int depth) {
  if (from == to) return true;
  if (depth > 64) return true; /* deeper than any real chain: refuse */
  for (size_t i = 0; i < P->n_edges; i++)
    if (P->edges[i][0] == from && depends_on(P, P->edges[i][1], to, depth + 1)) return true;
  return false;
}

/* The capture of `param` by `producer` for `consumer` (planned once per
 * producer and parameter); NULL when it would make a cycle. */
static const char *plan_capture(plan *P, size_t consumer, size_t producer, const char *param,
                                const char *jpath) {
  if (depends_on(P, producer, consumer, 0)) return NULL;
  const char *name = NULL;
  for (size_t i = 0; i < P->n_caps && !name; i++)
    if (P->caps[i].producer == producer && !strcmp(P->caps[i].param, param)) name = P->caps[i].name;
  if (!name) {
    char *base = oa_var_name(param);
    char *var = gt_xstrdup(base);
    for (int n = 2;; n++) {
      bool taken = false;
      for (size_t i = 0; i < P->n_caps && !taken; i++)
        taken = !strcmp(P->caps[i].name, var);
      if (!taken) break;
      free(var);
      var = gt_xasprintf("%s_%d", base, n);
    }
    free(base);
    P->caps = gt_xrealloc(P->caps, (P->n_caps + 1) * sizeof *P->caps);
    P->caps[P->n_caps] = (capture_plan){producer, gt_xstrdup(param), var, gt_xstrdup(jpath)};
    name = P->caps[P->n_caps++].name;
  }
  bool known = false;
  for (size_t i = 0; i < P->n_edges && !known; i++)
    known = P->edges[i][0] == consumer && P->edges[i][1] == producer;
  if (!known) {
    P->edges = gt_xrealloc(P->edges, (P->n_edges + 1) * sizeof *P->edges);
    P->edges[P->n_edges][0] = consumer;
    P->edges[P->n_edges++][1] = producer;
  }
  return name;
}

/* `links` of any operation's response that names op (operationId) and sets
 * parameter `param` from `$response.body#/x`. */
static const char *from_links(deriver *D, plan *P, size_t self, const char *param) {
  const gt_openapi *d = D->R.d;
  const gt_oa_op *op = &d->ops[self];
  if (!op->op_id) return NULL;
  for (size_t i = 0; i < d->n_ops; i++)
    for (size_t r = 0; r < d->ops[i].n_responses; r++) {
      const gt_node *links = d->ops[i].responses[r].links;
      if (i == self || !links || links->kind != GT_NODE_MAP ||
          d->ops[i].responses[r].status[0] != '2')
        continue;
      for (size_t l = 0; l < links->count; l++) {
        oa_at at = {oa_doc_of(d, links->items[l]), gt_xstrdup("")};
        const gt_node *link = oa_resolve(&D->R, links->items[l], &at);
        oa_at_free(&at);
        const char *target = link ? oa_text(link, "operationId") : NULL;
        const char *expr = target && !strcmp(target, op->op_id)
                               ? oa_text(gt_node_get(link, "parameters"), param)
                               : NULL;
        if (!expr || strncmp(expr, "$response.body#/", 16)) continue;
        /* a pointer the answer's schema cannot hold selects nothing: not
         * used (`gauntlet check` warns, defects.c) */
        const gt_oa_response *resp = &d->ops[i].responses[r];
        const gt_oa_media *jm = json_media(resp->media, resp->n_media);
        char why[256];
        if (jm && jm->schema.node &&
            !oa_pointer_may_select(&D->R, jm->schema.node, expr + 15, why, sizeof why))
          continue;
        gt_buf jp;
        gt_buf_init(&jp);
        gt_buf_adds(&jp, "$");
        for (const char *p = expr + 16; *p;) {
          size_t n = strcspn(p, "/");
          char *tok = gt_xstrndup(p, n);
          bool idx = n && strspn(tok, "0123456789") == n;
          if (idx)
            gt_buf_printf(&jp, "[%s]", tok);
          else
            gt_buf_printf(&jp, "['%s']", tok);
          free(tok);
          p += n;
          if (*p == '/') p++;
        }
        const char *name = plan_capture(P, self, i, param, jp.data);
        gt_buf_free(&jp);
        if (name) return name;
      }
    }
  return NULL;
}

/* true when path many is path one with a plural ending: /silences of
 * /silence, /boxes of /box, /policies of /policy. */
static bool plural_of(const char *many, const char *one) {
  size_t n = strlen(one), m = strlen(many);
  if (m <= n || strncmp(many, one, n - (n && one[n - 1] == 'y'))) return false;
  const char *tail = many + n;
  if (n && one[n - 1] == 'y' && !strcmp(many + n - 1, "ies")) return true;
  return !strcmp(tail, "s") || !strcmp(tail, "es");
}

/* Whether schema s (or one of its allOf parts) lists `name` as required. */
static bool property_required(deriver *D, const gt_node *s, const oa_at *at, const char *name,
                              int depth) {
  if (!s || depth > 8) return false;
  oa_at w = oa_copy(at);
  s = oa_resolve(&D->R, s, &w);
  bool found = s && is_required_name(gt_node_get(s, "required"), name);
  const gt_node *all = s ? gt_node_get(s, "allOf") : NULL;
  for (size_t i = 0; !found && all && all->kind == GT_NODE_SEQ && i < all->count; i++)
    found = property_required(D, all->items[i], &w, name, depth + 1);
  oa_at_free(&w);
  return found;
}

/* The parameter's own name when the success body (an object) has that
 * property, a scalar the schema requires (a loose match on any POST: an
 * optional property may well be absent, as Stripe's account `country`),
 * else NULL. */
static const char *exact_id_property(deriver *D, const gt_oa_response *r, const char *param) {
  const gt_oa_media *m = r ? json_media(r->media, r->n_media) : NULL;
  if (!m || !m->schema.node) return NULL;
  oa_at at = {oa_doc_of(D->R.d, m->schema.node), gt_xstrdup("")};
  const gt_node *ps = property_of(D, m->schema.node, &at, param, 0);
  bool ok = ps && scalar_schema(D, ps) && property_required(D, m->schema.node, &at, param, 0);
  oa_at_free(&at);
  return ok ? param : NULL;
}

static const char *infer_producer(deriver *D, plan *P, size_t self, const char *param) {
  const gt_openapi *d = D->R.d;
  const gt_oa_op *op = &d->ops[self];
  const char *linked = D->any_links || !D->by_path ? from_links(D, P, self, param) : NULL;
  if (linked) return linked;
  char *coll = collection_of(op->path, param);
  if (!coll) return NULL;
  /* the operations on the collection's path: a binary search in by_path
   * (every operation when there is no index) */
  size_t from = 0, to = d->n_ops;
  if (D->by_path) {
    size_t lo = 0, hi = d->n_ops;
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (strcmp(d->ops[D->by_path[mid]].path, coll) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
    from = to = lo;
    while (to < d->n_ops && !strcmp(d->ops[D->by_path[to]].path, coll))
      to++;
  }
  const char *name = NULL;
  char prop[256];
  /* pass 0: POST on the collection; 1: GET of it (its first element);
   * 2: POST on its plural or singular (/silence/{silenceID} is created by
   * POST /silences); 3: any POST whose answer has a property named exactly
   * like the parameter. Passes 0 and 1 look only at the collection's path. */
  for (int pass = 0; pass < 4 && !name; pass++)
    for (size_t k = pass < 2 ? from : 0, end = pass < 2 ? to : d->n_ops; k < end && !name; k++) {
      size_t i = pass < 2 && D->by_path ? D->by_path[k] : k;
      const gt_oa_op *p = &d->ops[i];
      if (i == self || strcmp(p->method, pass == 1 ? "GET" : "POST")) continue;
      if (pass < 2 && strcmp(p->path, coll)) continue;
      if (pass == 2 && !plural_of(p->path, coll) && !plural_of(coll, p->path)) continue;
      if (pass == 3 && !strcmp(p->path, coll)) continue;
      const char *id = pass == 3 ? exact_id_property(D, success(p), param)
                                 : id_property(D, success(p), param, pass == 1, prop, sizeof prop);
      if (!id) continue;
      char *jp = gt_xasprintf(pass == 1 ? "$[0].%s" : "$.%s", id);
      name = plan_capture(P, self, i, param, jp);
      free(jp);
    }
  free(coll);
  return name;
}

/* ---- values ---- */

static cJSON *param_value(deriver *D, const gt_oa_param *p) {
  cJSON *v = oa_example_json(p->example);
  if (!v) v = oa_synthesize(&D->R, p->schema.node, &D->rng);
  return v;
}

/* Text of a scalar JSON value for a path, query or header. */
static char *as_text(const cJSON *v) {
  if (cJSON_IsString(v)) return gt_xstrdup(v->valuestring);
  if (cJSON_IsArray(v) && cJSON_GetArraySize(v) > 0) return as_text(cJSON_GetArrayItem(v, 0));
  if (cJSON_IsObject(v) || cJSON_IsNull(v) || !v) return gt_xstrdup("gauntlet");
  return cJSON_PrintUnformatted(v);
}

/* A path segment's value: RFC 3986 unreserved characters and the
 * sub-delimiters the label and matrix styles write (, ; =) as they are. */
static void pct_encode(gt_buf *b, const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (isalnum(*p) || strchr("-._~,;=", *p))
      gt_buf_addc(b, (char)*p);
    else if (*p == '$')
      gt_buf_adds(b, "%24");
    else
      gt_buf_printf(b, "%%%02X", *p);
  }
}

static const gt_oa_param *find_param(const gt_oa_op *op, const char *name, const char *in) {
  for (size_t i = 0; i < op->n_params; i++)
    if (!strcmp(op->params[i].name, name) && !strcmp(op->params[i].in, in)) return &op->params[i];
  return NULL;
}

/* The request path with each {param} replaced by its capture or value; a
 * `#fragment` in the path's key (documents list variants of one path as
 * `/cookies#formExploded`) is not part of it: a client never sends one. */
static char *request_path(deriver *D, plan *P, size_t self) {
  const gt_oa_op *op = &D->R.d->ops[self];
  gt_buf b;
  gt_buf_init(&b);
  gt_buf_adds(&b, "");
  for (const char *p = op->path; *p && *p != '#'; p++) {
    const char *close = *p == '{' ? strchr(p, '}') : NULL;
    if (!close) {
      if (*p == '$') gt_buf_addc(&b, '$');
      gt_buf_addc(&b, *p);
      continue;
    }
    char *name = gt_xstrndup(p + 1, (size_t)(close - p - 1));
    const char *cap = infer_producer(D, P, self, name);
    if (cap) {
      gt_buf_printf(&b, "${%s}", cap);
    } else {
      /* ${NAME:-value}: --var NAME=... sets it; as a template segment, the
       * fault engine and serve see it as "any one segment" */
      const gt_oa_param *pp = find_param(op, name, "path");
      cJSON *v = pp ? param_value(D, pp) : cJSON_CreateString("1");
      char *t = pp ? oa_style_write_text(pp, v) : as_text(v);
      char *var = oa_var_name(name);
      /* never the name of a capture: that would read the captured value */
      for (bool taken = true; taken;) {
        taken = false;
        for (size_t i = 0; i < P->n_caps && !taken; i++)
          taken = !strcmp(P->caps[i].name, var);
        if (taken) {
          char *longer = gt_xasprintf("path_%s", var);
          free(var);
          var = longer;
        }
      }
      gt_buf_printf(&b, "${%s:-", var);
      pct_encode(&b, t);
      gt_buf_addc(&b, '}');
      free(var);
      free(t);
      cJSON_Delete(v);
    }
    free(name);
    p = close;
  }
  return gt_buf_steal(&b);
}

/* ---- credentials ---- */

static bool sendable(gt_oa_sec_kind k) {
  return k == GT_OA_SEC_BEARER || k == GT_OA_SEC_BASIC || k == GT_OA_SEC_APIKEY_HEADER;
}

static const char *scheme_word(gt_oa_sec_kind k) {
  return k == GT_OA_SEC_BASIC ? "basic" : k == GT_OA_SEC_APIKEY_HEADER ? "header" : "bearer";
}

static void put_cred_ref(deriver *D, const gt_oa_scheme *s) {
  char *t = gt_xasprintf(D->o->var_defaults ? "${%s:-}" : "${%s}", s->var);
  put_template(&D->out, t);
  free(t);
}

static void emit_error_shape(deriver *D);

static void emit_profile(deriver *D) {
  const gt_openapi *d = D->R.d;
  gt_buf *b = &D->out;
  if (D->o->comments)
    gt_buf_adds(b,
                "# The API's conventions (docs/suite-format.md \"Profile keys\"): the credential\n"
                "# is the security scheme most operations accept; add transport, errors and\n"
                "# faults.default as you learn them.\n");
  gt_buf_adds(b, "profile:\n  profile: ");
  put_str(b, d->title);
  gt_buf_addc(b, '\n');
  if (D->profile_scheme >= 0) {
    const gt_oa_scheme *s = &d->schemes[D->profile_scheme];
    gt_buf_printf(b, "  auth:\n    scheme: %s\n    token: ", scheme_word(s->kind));
    put_cred_ref(D, s);
    gt_buf_addc(b, '\n');
    if (s->kind == GT_OA_SEC_APIKEY_HEADER) {
      gt_buf_adds(b, "    header: ");
      put_str(b, s->param);
      gt_buf_addc(b, '\n');
    }
  }
  if (D->version) {
    gt_buf_adds(b, "  versioning: { prefix: ");
    put_str(b, D->version);
    gt_buf_adds(b, " }\n");
  }
  if (D->o->serve) emit_error_shape(D);
  gt_buf_adds(b, "  faults:\n    default: []\n");
}

/* ---- scenarios ---- */

typedef struct request_parts {
  char *path;
  cJSON *query;     /* object of text values */
  cJSON *headers;   /* object of text values */
  cJSON *json;      /* JSON body or NULL */
  cJSON *form;      /* form body or NULL */
  cJSON *multipart; /* multipart/form-data fields or NULL (sent as a raw body) */
  char *raw;        /* another media type's body as text (its example, a string) or NULL */
  cJSON *parts;     /* multipart: per field {"type": Content-Type, "file": true} when it has
                       one (parts.c), or NULL */
  int auth;         /* -1: profile's; -2: none; else a scheme index given per request */
  cJSON *required;  /* JSON paths of the required body properties sent (nested too) */
} request_parts;

static void parts_free(request_parts *r) {
  free(r->path);
  cJSON_Delete(r->query);
  cJSON_Delete(r->headers);
  cJSON_Delete(r->json);
  cJSON_Delete(r->form);
  cJSON_Delete(r->multipart);
  free(r->raw);
  cJSON_Delete(r->parts);
  cJSON_Delete(r->required);
}

/* Each operation's values come from its own stream (the seed and its method
 * and path), so they do not depend on the order or on what else is derived. */
static void seed_for(deriver *D, const gt_oa_op *op, uint64_t salt) {
  D->rng = D->o->seed ^ gt_fnv1a(op->method) ^ (gt_fnv1a(op->path) * 31) ^ salt;
}

/* Whether array a holds an object or an array (written with indices). */
static bool has_containers(const cJSON *a) {
  for (const cJSON *x = a->child; x; x = x->next)
    if (cJSON_IsObject(x) || cJSON_IsArray(x)) return true;
  return false;
}

/* Adds v under key to out, nested objects and arrays of them written as
 * deepObject keys (`card[number]`, `items[0][price]`), the convention of
 * form APIs (Stripe, Rails, PHP) that serve reads back (contract.c); an
 * array of scalars as indexed keys too when deep (a deepObject encoding),
 * else as one comma-separated field (style form, explode false); null is
 * left out (a form has no null). */
static void add_form_field(cJSON *out, const char *key, const cJSON *v, bool deep) {
  if (cJSON_IsNull(v)) return;
  if (cJSON_IsObject(v) || (cJSON_IsArray(v) && (deep || has_containers(v)))) {
    int i = 0;
    for (const cJSON *c = v->child; c; c = c->next, i++) {
      char *sub = cJSON_IsObject(v) ? gt_xasprintf("%s[%s]", key, c->string)
                                    : gt_xasprintf("%s[%d]", key, i);
      add_form_field(out, sub, c, true);
      free(sub);
    }
    return;
  }
  if (cJSON_IsArray(v)) {
    gt_buf b;
    gt_buf_init(&b);
    for (const cJSON *x = v->child; x; x = x->next) {
      char *t = as_text(x);
      gt_buf_printf(&b, "%s%s", x == v->child ? "" : ",", t);
      free(t);
    }
    cJSON_AddStringToObject(out, key, b.data ? b.data : "");
    gt_buf_free(&b);
    return;
  }
  cJSON_AddItemToObject(out, key, cJSON_Duplicate(v, true));
}

/* A synthesized or example form body as the suite's flat `form:` mapping
 * (takes v); a property whose `encoding` says `style: deepObject` is
 * written with indexed keys throughout. */
static cJSON *flat_form(cJSON *v, const gt_oa_media *m) {
  cJSON *out = cJSON_CreateObject();
  for (const cJSON *c = v->child; c; c = c->next) {
    const char *style = oa_text(gt_node_get(m->encoding, c->string), "style");
    add_form_field(out, c->string, c, style && !strcmp(style, "deepObject"));
  }
  cJSON_Delete(v);
  return out;
}

/* A required body documented only in other media types (binary uploads,
 * CBOR, plain text, XML): sent as text with the first such type (a `*`
 * wildcard made concrete), its example when that is a string, else a
 * synthesized string; left out when the example or schema is structured
 * (gauntlet does not write XML from a schema). */
static void raw_body(deriver *D, const gt_oa_op *op, request_parts *r) {
  const gt_oa_media *m = &op->body[0];
  cJSON *v = oa_example_json(m->example);
  if (!v) v = oa_synthesize(&D->R, m->schema.node, &D->rng);
  if (cJSON_IsString(v)) {
    const char *type = m->type;
    if (!strcmp(type, "*/*") || !strncmp(type, "*/", 2) || strstr(type, "/*"))
      type = "application/octet-stream";
    r->raw = gt_xstrdup(v->valuestring);
    cJSON_DeleteItemFromObjectCaseSensitive(r->headers, "Content-Type");
    cJSON_AddStringToObject(r->headers, "Content-Type", type);
  }
  cJSON_Delete(v);
}

static bool simple_name(const char *s) {
  if (!isalpha((unsigned char)s[0]) && s[0] != '_') return false;
  for (; *s; s++)
    if (!isalnum((unsigned char)*s) && *s != '_') return false;
  return true;
}

/* Per field of a multipart body: the Content-Type its part carries and
 * whether it is a file part (parts.c); NULL when no field has either. */
static cJSON *part_types(deriver *D, const gt_oa_media *m, const cJSON *fields) {
  oa_at at = {oa_doc_of(D->R.d, m->schema.node), gt_xstrdup("")};
  const gt_node *s = m->schema.node ? oa_resolve(&D->R, m->schema.node, &at) : NULL;
  const gt_node *props = s ? gt_node_get(s, "properties") : NULL;
  cJSON *out = NULL;
  for (const cJSON *f = fields->child; f; f = f->next) {
    oa_at pat = oa_copy(&at);
    const gt_node *ps = props ? gt_node_get(props, f->string) : NULL;
    const gt_node *prop = ps ? oa_resolve(&D->R, ps, &pat) : NULL;
    oa_at_free(&pat);
    oa_part part;
    oa_part_of(m, f->string, prop, &part);
    if (!part.type && !part.file) continue;
    if (!out) out = cJSON_CreateObject();
    cJSON *x = cJSON_AddObjectToObject(out, f->string);
    if (part.type) {
      char *t = oa_part_type_to_send(part.type);
      cJSON_AddStringToObject(x, "type", t);
      free(t);
    }
    if (part.file) cJSON_AddTrueToObject(x, "file");
  }
  oa_at_free(&at);
  return out;
}

/* The schema of property name of s0 (at its place at): in its
 * `properties`, else in those of an allOf part; *where moves to it. NULL
 * when none describes it. */
static const gt_node *property_schema(deriver *D, const gt_node *s0, const oa_at *at,
                                      const char *name, oa_at *where, int depth) {
  oa_at w = oa_copy(at);
  const gt_node *s = s0 && depth < 4 ? oa_resolve(&D->R, s0, &w) : NULL;
  const gt_node *props = s ? gt_node_get(s, "properties") : NULL;
  const gt_node *p = props ? gt_node_get(props, name) : NULL;
  if (p) {
    *where = w;
    return p;
  }
  const gt_node *all = s ? gt_node_get(s, "allOf") : NULL;
  for (size_t i = 0; all && all->kind == GT_NODE_SEQ && i < all->count && !p; i++)
    p = property_schema(D, all->items[i], &w, name, where, depth + 1);
  oa_at_free(&w);
  return p;
}

/* The JSON paths of the required properties the body value sends: those
 * s0 requires (its allOf parts too), and, inside each of them that is an
 * object, those its own schema requires (depth 4): a required property of
 * an optional one is not required of every body. */
static void required_paths(deriver *D, const gt_node *s0, const oa_at *at, const cJSON *value,
                           gt_buf *path, int depth, cJSON *out) {
  cJSON *names = cJSON_CreateArray();
  oa_collect_required(&D->R, s0, at, names, 0);
  for (const cJSON *c = names->child; c; c = c->next) {
    const char *name = c->valuestring;
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(value, name);
    if (!x) continue;
    size_t mark = path->len;
    if (simple_name(name)) {
      gt_buf_printf(path, ".%s", name);
    } else {
      gt_buf_adds(path, "['");
      for (const char *k = name; *k; k++) {
        if (*k == '\'' || *k == '\\') gt_buf_addc(path, '\\');
        gt_buf_addc(path, *k);
      }
      gt_buf_adds(path, "']");
    }
    cJSON_AddItemToArray(out, cJSON_CreateString(path->data));
    oa_at where = {0, NULL};
    const gt_node *ps =
        cJSON_IsObject(x) && depth < 4 ? property_schema(D, s0, at, name, &where, 0) : NULL;
    if (ps) required_paths(D, ps, &where, x, path, depth + 1, out);
    oa_at_free(&where);
    path->len = mark;
    path->data[mark] = '\0';
  }
  cJSON_Delete(names);
}

static void build_request(deriver *D, plan *P, size_t self, request_parts *r) {
  const gt_oa_op *op = &D->R.d->ops[self];
  memset(r, 0, sizeof *r);
  seed_for(D, op, 1);
  r->path = request_path(D, P, self);
  r->query = cJSON_CreateObject();
  r->headers = cJSON_CreateObject();
  gt_buf cookies;
  gt_buf_init(&cookies);
  for (size_t i = 0; i < op->n_params; i++) {
    const gt_oa_param *p = &op->params[i];
    bool q = !strcmp(p->in, "query"), h = !strcmp(p->in, "header"), c = !strcmp(p->in, "cookie");
    if (!(q || h || c) || (!p->required && !p->example)) continue;
    if (h && (!strcasecmp(p->name, "Authorization") || !strcasecmp(p->name, "Content-Type") ||
              !strcasecmp(p->name, "Accept")))
      continue;
    cJSON *v = param_value(D, p);
    if (c) {
      char *t = as_text(v);
      gt_buf_printf(&cookies, "%s%s=%s", cookies.len ? "; " : "", p->name, t);
      free(t);
    } else if (q) {
      oa_style_write_query(p, v, r->query);
    } else {
      char *t = oa_style_write_text(p, v);
      cJSON_AddStringToObject(r->headers, p->name, t);
      free(t);
    }
    cJSON_Delete(v);
  }
  /* credentials */
  r->auth = op->is_public ? -2 : -1;
  int s = gt_openapi_op_scheme(D->R.d, op);
  if (s >= 0) {
    const gt_oa_scheme *sc = &D->R.d->schemes[s];
    if (!sendable(sc->kind)) {
      r->auth = -2; /* carried as a parameter: no auth faults (docs/openapi.md) */
      char *ref = gt_xasprintf(D->o->var_defaults ? "${%s:-}" : "${%s}", sc->var);
      if (sc->kind == GT_OA_SEC_APIKEY_QUERY)
        cJSON_AddStringToObject(r->query, sc->param, ref);
      else
        gt_buf_printf(&cookies, "%s%s=%s", cookies.len ? "; " : "", sc->param, ref);
      free(ref);
    } else if (s != D->profile_scheme) {
      /* serve checks the profile's credential itself, this one through the
       * operation's contract (check_credential) */
      r->auth = D->o->serve ? -2 : s;
    }
  }
  if (cookies.len) cJSON_AddStringToObject(r->headers, "Cookie", cookies.data);
  /* A success documented in JSON and in other media types: ask for the JSON
   * one (a server may pick the first documented type, e.g. XML, that the
   * `schema` check and the captures cannot read). */
  const gt_oa_response *ok = success(op);
  const gt_oa_media *ok_json = ok ? json_media(ok->media, ok->n_media) : NULL;
  if (ok_json && ok->n_media > 1 && !cJSON_GetObjectItemCaseSensitive(r->headers, "Accept"))
    cJSON_AddStringToObject(r->headers, "Accept", ok_json->type);
  gt_buf_free(&cookies);
  /* body */
  const gt_oa_media *m = json_media(op->body, op->n_body);
  const gt_oa_media *form = NULL;
  for (size_t i = 0; !m && i < op->n_body; i++)
    if (!strncasecmp(op->body[i].type, "application/x-www-form-urlencoded", 33))
      form = &op->body[i];
  const gt_oa_media *multi = NULL;
  for (size_t i = 0; !m && !form && !multi && i < op->n_body; i++)
    if (!strncasecmp(op->body[i].type, "multipart/form-data", 19)) multi = &op->body[i];
  const gt_oa_media *use = m ? m : form ? form : multi;
  if (use) {
    cJSON *v = oa_usable_example(&D->R, use->schema.node, oa_example_json(use->example), false);
    if (!v) v = oa_synthesize(&D->R, use->schema.node, &D->rng);
    if (m) {
      r->json = v;
      /* required also where an allOf part declares it (Swagger 2.0 and
       * go-swagger documents put `required` in one part, properties in another) */
      oa_at at = {oa_doc_of(D->R.d, use->schema.node), gt_xstrdup("")};
      if (use->schema.node && cJSON_IsObject(v)) {
        r->required = cJSON_CreateArray();
        gt_buf path;
        gt_buf_init(&path);
        gt_buf_addc(&path, '$');
        required_paths(D, use->schema.node, &at, v, &path, 0, r->required);
        gt_buf_free(&path);
      }
      oa_at_free(&at);
    } else if (cJSON_IsObject(v) && use == multi) {
      r->multipart = v;
      r->parts = part_types(D, multi, v);
      cJSON_DeleteItemFromObjectCaseSensitive(r->headers, "Content-Type");
      cJSON_AddStringToObject(r->headers, "Content-Type",
                              "multipart/form-data; boundary=" MULTIPART_BOUNDARY);
    } else if (cJSON_IsObject(v)) {
      r->form = flat_form(v, form);
    } else {
      cJSON_Delete(v);
    }
  } else if (op->body_required && op->n_body) {
    raw_body(D, op, r);
  }
}

/* multipart/form-data (RFC 7578): one part per field, its value as text (an
 * array as comma-separated items, an object as JSON); a file field as a
 * file part (a filename), each part with the Content-Type parts names.
 * Caller frees. */
static char *multipart_text(const cJSON *fields, const cJSON *parts) {
  gt_buf b;
  gt_buf_init(&b);
  for (const cJSON *f = fields->child; f; f = f->next) {
    const cJSON *part = cJSON_GetObjectItemCaseSensitive(parts, f->string);
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(part, "type");
    gt_buf_printf(&b, "--%s\r\nContent-Disposition: form-data; name=\"%s\"", MULTIPART_BOUNDARY,
                  f->string);
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(part, "file")))
      gt_buf_printf(&b, "; filename=\"%s%s\"", f->string,
                    oa_part_filename_ext(cJSON_IsString(type) ? type->valuestring : NULL));
    if (cJSON_IsString(type)) gt_buf_printf(&b, "\r\nContent-Type: %s", type->valuestring);
    gt_buf_adds(&b, "\r\n\r\n");
    if (cJSON_IsArray(f)) {
      for (const cJSON *x = f->child; x; x = x->next) {
        char *t = as_text(x);
        gt_buf_printf(&b, "%s%s", x == f->child ? "" : ",", t);
        free(t);
      }
    } else {
      char *t = cJSON_IsObject(f) ? cJSON_PrintUnformatted(f) : as_text(f);
      gt_buf_adds(&b, t);
      free(t);
    }
    gt_buf_adds(&b, "\r\n");
  }
  gt_buf_printf(&b, "--%s--\r\n", MULTIPART_BOUNDARY);
  return gt_buf_steal(&b);
}

static void emit_kv_map(gt_buf *b, const char *key, const cJSON *obj, bool templates) {
  if (!obj || !cJSON_GetArraySize(obj)) return;
  gt_buf_printf(b, "      %s: {", key);
  bool first = true;
  for (const cJSON *c = obj->child; c; c = c->next) {
    gt_buf_adds(b, first ? "" : ", ");
    put_str(b, c->string);
    gt_buf_adds(b, ": ");
    if (cJSON_IsArray(c)) { /* a repeated query parameter */
      gt_buf_addc(b, '[');
      for (const cJSON *x = c->child; x; x = x->next) {
        gt_buf_adds(b, x == c->child ? "" : ", ");
        put_str(b, x->valuestring);
      }
      gt_buf_addc(b, ']');
    } else if (templates) {
      put_template(b, c->valuestring);
    } else {
      put_str(b, c->valuestring);
    }
    first = false;
  }
  gt_buf_adds(b, "}\n");
}

/* Query and header values are text the deriver made: credentials among
 * them are ${NAME} references, everything else is literal. */
static void emit_request(deriver *D, const gt_oa_op *op, const request_parts *r,
                         const cJSON *json) {
  gt_buf *b = &D->out;
  gt_buf_printf(b, "    request:\n      method: %s\n      path: ", op->method);
  put_template(b, r->path);
  gt_buf_addc(b, '\n');
  emit_kv_map(b, "query", r->query, true);
  emit_kv_map(b, "headers", r->headers, true);
  if (json) {
    gt_buf_adds(b, "      json: ");
    put_json(b, json);
    gt_buf_addc(b, '\n');
    if (r->required && cJSON_GetArraySize(r->required)) {
      gt_buf_adds(b, "      required: [");
      bool first = true;
      for (const cJSON *c = r->required->child; c; c = c->next) {
        gt_buf_adds(b, first ? "" : ", ");
        put_str(b, c->valuestring);
        first = false;
      }
      gt_buf_adds(b, "]\n");
    }
  } else if (r->form) {
    gt_buf_adds(b, "      form: ");
    put_json(b, r->form);
    gt_buf_addc(b, '\n');
  } else if (r->multipart) {
    char *text = multipart_text(r->multipart, r->parts);
    gt_buf_adds(b, "      body: ");
    put_str(b, text);
    gt_buf_addc(b, '\n');
    free(text);
  } else if (r->raw) {
    gt_buf_adds(b, "      body: ");
    put_str(b, r->raw);
    gt_buf_addc(b, '\n');
  }
  if (r->auth == -2) {
    gt_buf_adds(b, "      auth: false\n");
  } else if (r->auth >= 0) {
    const gt_oa_scheme *s = &D->R.d->schemes[r->auth];
    gt_buf_printf(b, "      auth: { scheme: %s, token: ", scheme_word(s->kind));
    put_cred_ref(D, s);
    if (s->kind == GT_OA_SEC_APIKEY_HEADER) {
      gt_buf_adds(b, ", header: ");
      put_str(b, s->param);
    }
    gt_buf_adds(b, " }\n");
  }
}

/* The documented statuses of op matching class c ('2', '4'): explicit codes
 * and classes, as an expect.status list text; NULL when none. */
static char *documented(const gt_oa_op *op, char c) {
  gt_buf b;
  gt_buf_init(&b);
  for (size_t i = 0; i < op->n_responses; i++) {
    const char *s = op->responses[i].status;
    if (s[0] != c) continue;
    gt_buf_adds(&b, b.len ? ", " : "[");
    if (status_num(s))
      gt_buf_adds(&b, s);
    else
      gt_buf_printf(&b, "\"%cxx\"", c);
  }
  if (!b.len) {
    gt_buf_free(&b);
    return NULL;
  }
  gt_buf_addc(&b, ']');
  return gt_buf_steal(&b);
}

/* True when every explicit status op documents is of class c (1..5), and
 * there is one. */
static bool documented_only(const gt_oa_op *op, char c) {
  bool any = false;
  for (size_t i = 0; i < op->n_responses; i++) {
    const char *s = op->responses[i].status;
    if (!strcmp(s, "default")) continue;
    if (s[0] != c) return false;
    any = true;
  }
  return any;
}

/* What a rejected request must get: the operation's documented 4xx
 * statuses other than the ones about credentials, paths and rate (401, 403,
 * 404, 405, 429), else 400 or 422. Caller frees. */
static char *rejection(const gt_oa_op *op) {
  gt_buf b;
  gt_buf_init(&b);
  for (size_t i = 0; i < op->n_responses; i++) {
    const char *s = op->responses[i].status;
    if (s[0] != '4') continue;
    int n = status_num(s);
    if (n == 401 || n == 403 || n == 404 || n == 405 || n == 429) continue;
    gt_buf_adds(&b, b.len ? ", " : "[");
    if (n)
      gt_buf_adds(&b, s);
    else
      gt_buf_adds(&b, "\"4xx\"");
  }
  if (!b.len) gt_buf_adds(&b, "[400, 422");
  gt_buf_addc(&b, ']');
  return gt_buf_steal(&b);
}

static void emit_name(deriver *D, const gt_oa_op *op, const char *suffix) {
  char *name = suffix ? gt_xasprintf("%s %s \xc2\xb7 %s", op->method, op->path, suffix)
                      : gt_xasprintf("%s %s", op->method, op->path);
  gt_buf_adds(&D->out, "  - name: ");
  put_str(&D->out, name);
  gt_buf_addc(&D->out, '\n');
  free(name);
}

/* serve: the documented success answer, from its example or synthesized. */
static void emit_respond(deriver *D, const gt_oa_op *op) {
  /* the documented success; else `default`; else the first documented status */
  const gt_oa_response *ok = success(op);
  for (size_t i = 0; !ok && i < op->n_responses; i++)
    if (!strcmp(op->responses[i].status, "default")) ok = &op->responses[i];
  if (!ok && op->n_responses) ok = &op->responses[0];
  if (!ok) return;
  seed_for(D, op, 2);
  gt_buf *b = &D->out;
  int status = status_num(ok->status) ? status_num(ok->status) : 200;
  gt_buf_printf(b, "    respond:\n      status: %d\n", status);
  /* a request body the document does not require may be absent (or an
   * empty form) */
  if (op->n_body && !op->body_required) gt_buf_adds(b, "      body_optional: true\n");
  /* a form's fields: the document's schema (the contract) says which are
   * required, not the derived example's keys */
  if (op->n_body && !json_media(op->body, op->n_body)) gt_buf_adds(b, "      required: []\n");
  /* the documented media type: JSON ones as JSON (a `+json` type named),
   * else the first one as text (its example when a string, else a
   * synthesized string or nothing: a binary or XML body is not made up) */
  const gt_oa_media *m = json_media(ok->media, ok->n_media);
  const gt_oa_media *text = !m && ok->n_media ? &ok->media[0] : NULL;
  const char *ct = m ? m->type : text ? text->type : NULL;
  if (ct && (!strcmp(ct, "application/json") || !strncmp(ct, "*/", 2) || strstr(ct, "/*")))
    ct = m ? NULL : "application/octet-stream";
  bool first = true;
  if (ct && status != 204 && status != 304) {
    gt_buf_adds(b, "      headers: { \"Content-Type\": ");
    put_str(b, ct);
    first = false;
  }
  for (size_t i = 0; i < ok->n_headers; i++) {
    const gt_oa_header *h = &ok->headers[i];
    if (!h->required || !strcasecmp(h->name, "Content-Type")) continue;
    cJSON *v = oa_synthesize_for(&D->R, h->schema.node, &D->rng, true);
    char *t = as_text(v);
    gt_buf_adds(b, first ? "      headers: { " : ", ");
    put_str(b, h->name);
    gt_buf_adds(b, ": ");
    put_str(b, t);
    free(t);
    cJSON_Delete(v);
    first = false;
  }
  if (!first) gt_buf_adds(b, " }\n");
  if (status == 204 || status == 304) return;
  if (text) {
    cJSON *v = oa_example_json(text->example);
    if (!v) v = oa_synthesize_for(&D->R, text->schema.node, &D->rng, true);
    gt_buf_adds(b, "      body: ");
    put_str(b, cJSON_IsString(v) ? v->valuestring : "");
    gt_buf_addc(b, '\n');
    cJSON_Delete(v);
    return;
  }
  if (!m) return;
  cJSON *body = oa_usable_example(&D->R, m->schema.node, oa_example_json(m->example), true);
  if (!body) body = oa_synthesize_for(&D->R, m->schema.node, &D->rng, true);
  gt_buf_adds(b, "      json: ");
  put_json(b, body);
  gt_buf_addc(b, '\n');
  cJSON_Delete(body);
}

/* The template of a schema (serve's error answers): objects with their
 * required properties, typed by matchers; the first enum value. */
static void put_template_of(deriver *D, const gt_node *s0, const oa_at *at0, int depth) {
  gt_buf *b = &D->out;
  oa_at at = oa_copy(at0);
  const gt_node *s = s0 ? oa_resolve(&D->R, s0, &at) : NULL;
  const gt_node *all = s ? gt_node_get(s, "allOf") : NULL;
  if (all && all->kind == GT_NODE_SEQ && all->count == 1) s = oa_resolve(&D->R, all->items[0], &at);
  const char *type = s ? oa_text(s, "type") : NULL;
  const gt_node *en = s ? gt_node_get(s, "enum") : NULL;
  if (en && en->kind == GT_NODE_SEQ && en->count) {
    cJSON *v = gt_node_to_json(en->items[0]);
    put_json(b, v);
    cJSON_Delete(v);
  } else if (type && !strcmp(type, "object") && depth < 4) {
    const gt_node *props = gt_node_get(s, "properties");
    const gt_node *req = gt_node_get(s, "required");
    gt_buf_adds(b, "{");
    bool first = true;
    for (size_t i = 0; props && props->kind == GT_NODE_MAP && i < props->count; i++) {
      if (req && !is_required_name(req, props->keys[i]->text)) continue;
      gt_buf_adds(b, first ? "" : ", ");
      put_str(b, props->keys[i]->text);
      gt_buf_adds(b, ": ");
      put_template_of(D, props->items[i], &at, depth + 1);
      first = false;
    }
    gt_buf_adds(b, "}");
  } else if (type && !strcmp(type, "integer")) {
    gt_buf_adds(b, "!integer");
  } else if (type && !strcmp(type, "number")) {
    gt_buf_adds(b, "!number");
  } else if (type && !strcmp(type, "boolean")) {
    gt_buf_adds(b, "!boolean");
  } else if (type && !strcmp(type, "array")) {
    gt_buf_adds(b, "!array");
  } else if (type && !strcmp(type, "string")) {
    gt_buf_adds(b, "!string");
  } else {
    gt_buf_adds(b, "!any");
  }
  oa_at_free(&at);
}

/* serve: the schema most 4xx responses document becomes errors.shape. */
static void emit_error_shape(deriver *D) {
  const gt_openapi *d = D->R.d;
  const gt_node *best = NULL;
  size_t best_n = 0;
  for (size_t i = 0; i < d->n_ops; i++)
    for (size_t r = 0; r < d->ops[i].n_responses; r++) {
      const gt_oa_response *x = &d->ops[i].responses[r];
      const gt_oa_media *m = x->status[0] == '4' ? json_media(x->media, x->n_media) : NULL;
      if (!m || !m->schema.node) continue;
      size_t n = 0;
      for (size_t k = 0; k < d->n_ops; k++)
        for (size_t q = 0; q < d->ops[k].n_responses; q++) {
          const gt_oa_response *y = &d->ops[k].responses[q];
          const gt_oa_media *mm = y->status[0] == '4' ? json_media(y->media, y->n_media) : NULL;
          n += mm && mm->schema.node == m->schema.node;
        }
      if (n > best_n) {
        best = m->schema.node;
        best_n = n;
      }
    }
  if (!best) return;
  oa_at at = {oa_doc_of(d, best), gt_xstrdup("")};
  gt_buf_adds(&D->out, "  errors:\n    shape: ");
  put_template_of(D, best, &at, 0);
  gt_buf_addc(&D->out, '\n');
  oa_at_free(&at);
}

/* The schema-driven faults (not_in_enum ... missing_param) that have a case
 * for this request: their values come from the operation's contract when
 * the suite runs (openapi/negative.c), their expectation too. */
/* Does the derived body have negative x's place (its parent object, or
 * its array item)? */
static bool body_has_place(const cJSON *json, const gt_negative *x) {
  gt_err ignored = {0};
  gt_jsonpath *jp = gt_jsonpath_compile(x->parent ? x->parent : "$", &ignored);
  const cJSON *hit[1] = {NULL};
  bool ok = jp && gt_jsonpath_eval(jp, json, hit, 1) == 1 &&
            (x->key ? cJSON_IsObject(hit[0])
                    : cJSON_IsArray(hit[0]) && x->index < cJSON_GetArraySize(hit[0]));
  gt_jsonpath_free(jp);
  return ok;
}

static bool has_cookie(const cJSON *headers, const char *name) {
  const cJSON *c = cJSON_GetObjectItemCaseSensitive(headers, "Cookie");
  size_t n = strlen(name);
  for (const char *p = cJSON_IsString(c) ? c->valuestring : ""; *p;) {
    while (*p == ' ' || *p == ';')
      p++;
    size_t len = strcspn(p, ";");
    if (len > n && !strncmp(p, name, n) && p[n] == '=') return true;
    p += len;
  }
  return false;
}

static void emit_schema_faults(deriver *D, const gt_oa_op *op, const request_parts *r,
                               const char *sep) {
  gt_negative *negs = NULL;
  size_t n = 0;
  oa_negatives(&D->R, op, &negs, &n);
  bool listed[GT_FAULT_COUNT] = {0};
  for (size_t i = 0; i < n; i++) {
    const gt_negative *x = &negs[i];
    bool fits = false;
    switch (x->in) {
    case GT_NEG_QUERY:
      fits = x->value || cJSON_GetObjectItemCaseSensitive(r->query, x->name);
      break;
    case GT_NEG_HEADER:
      fits = x->value || cJSON_GetObjectItemCaseSensitive(r->headers, x->name);
      break;
    case GT_NEG_COOKIE:
      fits = x->value || has_cookie(r->headers, x->name);
      break;
    case GT_NEG_PATH:
      fits = true;
      break;
    case GT_NEG_JSON:
      fits = cJSON_IsObject(r->json) && body_has_place(r->json, x);
      break;
    case GT_NEG_FORM:
      fits = cJSON_IsObject(r->form);
      break;
    }
    if (!fits || listed[x->fault]) continue;
    listed[x->fault] = true;
  }
  for (int f = 0; f < GT_FAULT_COUNT; f++) {
    if (!listed[f]) continue;
    gt_buf_printf(&D->out, "%s%s", sep, gt_fault_name((gt_fault_id)f));
    sep = ", ";
  }
  oa_negatives_free(negs, n);
}

static bool path_seen_before(const deriver *D, const size_t *order, size_t k) {
  const gt_openapi *d = D->R.d;
  for (size_t j = 0; j < k; j++)
    if (D->sel[order[j]] && !strcmp(d->ops[order[j]].path, d->ops[order[k]].path)) return true;
  return false;
}

static void emit_scenario(deriver *D, plan *P, const size_t *order, size_t k) {
  size_t self = order[k];
  const gt_oa_op *op = &D->R.d->ops[self];
  gt_buf *b = &D->out;
  request_parts r;
  build_request(D, P, self, &r);
  if (D->o->comments) gt_buf_printf(b, "  # from: %s %s\n", op->method, op->path);
  emit_name(D, op, NULL);
  emit_request(D, op, &r, r.json);
  char *st = documented(op, '2');
  /* no documented success (GET /status/500 documents only 500): the statuses
   * it documents, so a documented 5xx is expected, not a no_server_error */
  for (const char *c = "1345"; !st && *c; c++)
    if (documented_only(op, *c)) st = documented(op, *c);
  if (st) gt_buf_printf(b, "    expect: { status: %s }\n", st);
  free(st);
  bool first_cap = true;
  for (size_t i = 0; i < P->n_caps; i++) {
    if (P->caps[i].producer != self) continue;
    gt_buf_adds(b, first_cap ? "    capture: { " : ", ");
    gt_buf_printf(b, "%s: ", P->caps[i].name);
    put_str(b, P->caps[i].path);
    first_cap = false;
  }
  if (!first_cap) gt_buf_adds(b, " }\n");
  gt_buf_adds(b, "    faults: [");
  const char *sep = "";
  if (r.auth != -2) {
    gt_buf_adds(b, "unauthenticated, invalid_token");
    sep = ", ";
  }
  if (r.json && cJSON_IsObject(r.json) && cJSON_GetArraySize(r.json)) {
    /* missing_field only for the properties the schema requires: without
     * them the body stays valid and the server is right to accept it */
    char *rej = rejection(op);
    if (r.required && cJSON_GetArraySize(r.required))
      gt_buf_printf(b, "%s{ missing_field: { status: %s } }, ", sep, rej);
    else
      gt_buf_adds(b, sep);
    gt_buf_printf(b, "{ wrong_type: { status: %s } }", rej);
    free(rej);
    sep = ", ";
  }
  if (!path_seen_before(D, order, k)) {
    gt_buf_printf(b, "%sunknown_path, wrong_method", sep);
    sep = ", ";
    /* once per suite: the API's URL without its version answers 404 */
    if (D->version_sent && !D->version_done) {
      gt_buf_adds(b, ", unversioned");
      D->version_done = true;
    }
  }
  emit_schema_faults(D, op, &r, sep);
  gt_buf_adds(b, "]\n");
  if (D->o->serve) emit_respond(D, op);
  parts_free(&r);
}

char *gt_openapi_profile_yaml(gt_openapi *d, const gt_oa_suite_opts *o) {
  static const gt_oa_suite_opts defaults;
  gt_err ignored = {0};
  deriver D = {.R = {d, &ignored, NULL}, .o = o ? o : &defaults};
  gt_buf_init(&D.out);
  D.profile_scheme = gt_openapi_profile_scheme(d);
  D.version = version_prefix(d);
  gt_buf_printf(&D.out, "# derived by gauntlet from %s (%s %s): docs/openapi.md\n", d->file,
                d->version == 20 ? "Swagger" : "OpenAPI", d->version_text);
  emit_profile(&D);
  free(D.version);
  /* a profile file is the mapping itself: the lines under `profile:` */
  char *text = gt_buf_steal(&D.out);
  gt_buf out;
  gt_buf_init(&out);
  for (char *line = text; *line;) {
    size_t n = strcspn(line, "\n");
    if (!strncmp(line, "profile:", 8) && n == 8) {
      /* dropped: the mapping's own key */
    } else if (!strncmp(line, "  ", 2)) {
      gt_buf_add(&out, line + 2, n - 2);
      gt_buf_addc(&out, '\n');
    } else {
      gt_buf_add(&out, line, n);
      gt_buf_addc(&out, '\n');
    }
    line += n + (line[n] == '\n');
  }
  free(text);
  return gt_buf_steal(&out);
}

/* The suite's name, base_url and profile. */
static void emit_head(deriver *D) {
  gt_buf *b = &D->out;
  gt_buf_adds(b, "suite: ");
  put_str(b, D->R.d->title);
  gt_buf_adds(b, "\nbase_url: ");
  if (D->o->base_url) {
    put_str(b, D->o->base_url);
  } else {
    /* the default keeps the server's path (/v2): BASE_URL replaces it whole */
    const char *u = D->R.d->server_url;
    const char *p = u ? strstr(u, "://") : NULL;
    p = p ? strchr(p + 3, '/') : u && u[0] == '/' && u[1] != '/' ? u : NULL;
    size_t n = p ? strcspn(p, "?#") : 0;
    while (n > 0 && p[n - 1] == '/')
      n--;
    char *t = gt_xasprintf("${BASE_URL:-http://127.0.0.1:8080%.*s}", (int)n, p ? p : "");
    put_template(b, t);
    free(t);
  }
  gt_buf_addc(b, '\n');
  if (D->o->openapi_ref) {
    if (D->o->comments)
      gt_buf_adds(b, "# every answer is judged against the document (the `schema` check), and\n"
                     "# the schema-driven faults take their values from it\n");
    gt_buf_adds(b, "openapi: ");
    put_str(b, D->o->openapi_ref);
    gt_buf_addc(b, '\n');
  }
  if (D->o->profile_file) {
    gt_buf_adds(b, "profile: ");
    put_str(b, D->o->profile_file);
    gt_buf_addc(b, '\n');
  } else {
    emit_profile(D);
  }
}

char *gt_openapi_suite_yaml(gt_openapi *d, const gt_oa_suite_opts *o) {
  static const gt_oa_suite_opts defaults;
  gt_err ignored = {0};
  deriver D = {.R = {d, &ignored, NULL}, .o = o ? o : &defaults};
  D.rng = D.o->seed ^ 0x6f70656e617069ULL;
  gt_buf_init(&D.out);
  /* synthesized bodies are checked against their schema (synth.c) */
  oa_verifier *verify = oa_verifier_new(d);
  D.R.verify = verify;
  D.profile_scheme = gt_openapi_profile_scheme(d);
  D.version = version_prefix(d);
  /* derived only where the requests carry it: a base URL without it (Prism
   * serves at the root) has nothing to remove. No base URL (init): the
   * written default carries the server's path. */
  char *server_version = version_in(d->server_url);
  /* a fragment (derive: missing) runs under the suite's own profile, whose
   * versioning it does not write: no `unversioned` there */
  D.version_sent = D.version && !D.o->fragment &&
                   (!D.o->base_url || carries(D.o->base_url, D.version) || !server_version);
  free(server_version);
  gt_buf *b = &D.out;
  gt_buf_printf(b, "# derived by gauntlet from %s (%s %s): docs/openapi.md\n", d->file,
                d->version == 20 ? "Swagger" : "OpenAPI", d->version_text);
  if (!D.o->fragment) emit_head(&D); /* a fragment: the including suite's apply */
  size_t *order = gt_xcalloc(d->n_ops ? d->n_ops : 1, sizeof *order);
  for (size_t i = 0; i < d->n_ops; i++)
    order[i] = i;
  g_sort_doc = d;
  qsort(order, d->n_ops, sizeof *order, by_crud);
  D.by_path = gt_xcalloc(d->n_ops ? d->n_ops : 1, sizeof *D.by_path);
  for (size_t i = 0; i < d->n_ops; i++) {
    D.by_path[i] = i;
    for (size_t r = 0; r < d->ops[i].n_responses; r++)
      D.any_links |= d->ops[i].responses[r].links != NULL;
  }
  qsort(D.by_path, d->n_ops, sizeof *D.by_path, by_path_then_index);
  /* every capture is known before the first scenario is written */
  plan P = {0};
  for (size_t k = 0; k < d->n_ops; k++) {
    char *p = request_path(&D, &P, order[k]);
    free(p);
  }
  /* the operations asked for, and (repeatedly) the producers they need */
  D.sel = gt_xcalloc(d->n_ops ? d->n_ops : 1, sizeof *D.sel);
  size_t n_sel = 0;
  for (size_t i = 0; i < d->n_ops; i++)
    n_sel += D.sel[i] = !D.o->only || D.o->only[i];
  for (bool grew = true; grew;) {
    grew = false;
    for (size_t e = 0; e < P.n_edges; e++)
      if (D.sel[P.edges[e][0]] && !D.sel[P.edges[e][1]]) {
        D.sel[P.edges[e][1]] = grew = true;
        n_sel++;
      }
  }
  gt_buf_adds(b, n_sel ? "scenarios:\n" : "scenarios: []\n");
  for (size_t k = 0; k < d->n_ops; k++)
    if (D.sel[order[k]]) emit_scenario(&D, &P, order, k);
  free(D.sel);
  free(D.by_path);
  for (size_t i = 0; i < P.n_caps; i++) {
    free(P.caps[i].param);
    free(P.caps[i].name);
    free(P.caps[i].path);
  }
  free(P.caps);
  free(P.edges);
  free(order);
  free(D.version);
  oa_verifier_free(verify);
  return gt_buf_steal(b);
}
