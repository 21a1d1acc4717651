/* contract.c — the `schema` and `security_public` checks of suites derived
 * from a document (docs/checks.md): every documented response schema and
 * header schema is compiled once (one gt_schema holding them all as parts);
 * each scenario points at its operation's contract, which judges every
 * response of the scenario's cases. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../check/check.h"
#include "../http/http.h"
#include "../schema/parts.h"
#include "oa_internal.h"

typedef struct oa_contract {
  gt_contract base; /* first: the scenario holds a pointer to it */
  const struct oa_owner *owner;
  const gt_oa_op *op;
} oa_contract;

typedef struct oa_owner {
  gt_openapi *d;
  gt_schema *schema;
  oa_contract *contracts; /* one per operation */
} oa_owner;

void oa_contract_free(void *p) {
  oa_owner *o = p;
  if (!o) return;
  gt_schema_free(o->schema);
  gt_openapi_free(o->d);
  free(o->contracts);
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

static void add_schema_errors(const oa_owner *o, long part, const cJSON *value, const char *what,
                              const char *prefix, gt_failures *out) {
  gt_schema_result res = {0};
  if (gt_schema_validate_part(o->schema, (size_t)part, value, &res)) {
    gt_schema_result_free(&res);
    return;
  }
  size_t shown = res.count < 5 ? res.count : 5;
  for (size_t i = 0; i < shown; i++) {
    const gt_schema_error *e = &res.errors[i];
    char *where = gt_xasprintf("%s%s", prefix, e->instance_path + (prefix[0] ? 1 : 0));
    char *exp = gt_xasprintf("valid against %s (%s)", what, e->schema_loc);
    gt_failures_add(out, GT_CHECK_SCHEMA, where, exp, e->message);
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
        add_schema_errors(o, h->part, text, what, where, out);
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
  const gt_oa_response *doc = documented(op, status);
  if (!doc) {
    if (expect && expect->has_status && gt_status_has(&expect->status, status)) return;
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
  add_schema_errors(k->owner, m->part, parsed, what, "", out);
  free(what);
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
  gt_schema_opts so = {.dialect = d->version == 31 ? GT_DIALECT_2020_12 : GT_DIALECT_OPENAPI30};
  gt_schema *schema = gt_schema_compile_parts(d->trees[0], d->uris[0], P.uris, P.n, &so, err);
  free(P.uris);
  if (!schema) return false;
  oa_owner *o = gt_xcalloc(1, sizeof *o);
  o->d = d;
  o->schema = schema;
  o->contracts = gt_xcalloc(d->n_ops ? d->n_ops : 1, sizeof *o->contracts);
  for (size_t i = 0; i < d->n_ops; i++)
    o->contracts[i] = (oa_contract){{judge}, o, &d->ops[i]};
  /* scenario names: "METHOD /path" or "METHOD /path · what" */
  for (size_t k = 0; s && k < s->n_scenarios; k++) {
    const char *name = s->scenarios[k].name;
    for (size_t i = 0; i < d->n_ops; i++) {
      size_t ml = strlen(d->ops[i].method), pl = strlen(d->ops[i].path);
      if (strncmp(name, d->ops[i].method, ml) || name[ml] != ' ' ||
          strncmp(name + ml + 1, d->ops[i].path, pl))
        continue;
      const char *rest = name + ml + 1 + pl;
      if (*rest && strncmp(rest, " \xc2\xb7 ", 4)) continue;
      s->scenarios[k].contract = &o->contracts[i].base;
      break;
    }
  }
  if (s) {
    s->contract_owner = o;
    s->contract_owner_free = oa_contract_free;
  } else {
    oa_contract_free(o);
  }
  return true;
}
