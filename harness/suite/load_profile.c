/* load_profile.c — a profile (docs/suite-format.md), from a file next to the suite or
 * inline, into gt_profile. Credentials are registered as secrets as soon as
 * they expand. The `serve:` section belongs to serve, which reads the tree. */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "load.h"
#include "../core/buf.h"

/* auth.also_accept: [Token] — scheme words accepted instead of Bearer. A
 * word is one HTTP token (no space) and never Bearer itself. */
static bool load_also_accept(loader *L, gt_profile *p, const gt_node *also) {
  if (p->auth.scheme != GT_AUTH_BEARER)
    return ld_fail(L, also, "auth.also_accept: only with scheme bearer");
  if (also->kind != GT_NODE_SEQ || also->count == 0)
    return ld_fail(L, also, "auth.also_accept: expected a list of scheme words, e.g. [Token]");
  for (size_t i = 0; i < also->count; i++) {
    const gt_node *w = also->items[i];
    if (w->kind != GT_NODE_SCALAR || !w->text_len || strpbrk(w->text, " \t,:$"))
      return ld_fail(L, w, "auth.also_accept: expected a scheme word such as Token");
    if (!strcasecmp(w->text, "Bearer"))
      return ld_fail(L, w, "auth.also_accept: Bearer is the scheme itself");
  }
  p->auth.also_accept = gt_xcalloc(also->count + 1, sizeof *p->auth.also_accept);
  for (size_t i = 0; i < also->count; i++)
    p->auth.also_accept[i] = ld_strdup_scalar(also->items[i]);
  return true;
}

static bool load_auth(loader *L, gt_profile *p, gt_node *n) {
  static const char *const keys[] = {"scheme",     "token",  "header",      "format", "jwt_secret",
                                     "jwt_claims", "params", "also_accept", NULL};
  if (!ld_want_map(L, n, "auth") || !ld_check_keys(L, n, keys, "auth")) return false;
  const gt_node *scheme = gt_node_get(n, "scheme");
  const gt_node *token = gt_node_get(n, "token");
  if (scheme) {
    static const char *const schemes[] = {"bearer", "header", "basic", "query", "none"};
    static const gt_auth_scheme ids[] = {GT_AUTH_BEARER, GT_AUTH_HEADER, GT_AUTH_BASIC,
                                         GT_AUTH_QUERY, GT_AUTH_NONE};
    if (!ld_want_scalar(L, scheme, "auth.scheme")) return false;
    size_t i = 0;
    while (i < 5 && strcmp(scheme->text, schemes[i]) != 0)
      i++;
    if (i == 5) {
      const char *hint = ld_suggest(scheme->text, schemes, 5);
      return ld_fail(
          L, scheme,
          "unknown auth scheme '%s'%s%s%s (expected bearer, header, basic, query or none)",
          scheme->text, hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
    }
    p->auth.scheme = ids[i];
  } else {
    p->auth.scheme = token ? GT_AUTH_BEARER : GT_AUTH_NONE;
  }
  const gt_node *params = gt_node_get(n, "params");
  if (p->auth.scheme == GT_AUTH_QUERY || params) {
    if (p->auth.scheme != GT_AUTH_QUERY)
      return ld_fail(L, params, "auth.params: only with scheme query");
    if (!params) return ld_fail(L, n, "auth: scheme query needs 'params:' (name: value)");
    if (token)
      return ld_fail(L, token, "auth.token: scheme query takes its credential from 'params:'");
    if (!ld_want_map(L, params, "auth.params") || !ld_plain_data(L, params, "auth.params"))
      return false;
    if (params->count == 0)
      return ld_fail(L, params, "auth.params: at least one parameter (name: value)");
    for (size_t k = 0; k < params->count; k++)
      if (params->items[k]->kind != GT_NODE_SCALAR)
        return ld_fail(L, params->items[k], "auth.params.%s: expected a value, got %s",
                       params->keys[k]->text, ld_kind(params->items[k]));
    p->auth.params = params;
  } else if (token) {
    if (!ld_want_scalar(L, token, "auth.token") || !ld_plain_data(L, token, "auth.token"))
      return false;
    p->auth.token = token;
  } else if (p->auth.scheme != GT_AUTH_NONE) {
    return ld_fail(L, n, "auth: scheme %s needs a token", scheme ? scheme->text : "bearer");
  }
  const gt_node *header = gt_node_get(n, "header");
  if (header) {
    if (!ld_want_scalar(L, header, "auth.header")) return false;
    p->auth.header = ld_strdup_scalar(header);
  } else if (p->auth.scheme == GT_AUTH_HEADER) {
    return ld_fail(L, n, "auth: scheme header needs 'header:' (the header's name)");
  }
  const gt_node *format = gt_node_get(n, "format");
  if (format) {
    if (!ld_want_scalar(L, format, "auth.format")) return false;
    if (strcmp(format->text, "jwt") != 0)
      return ld_fail(L, format, "auth.format: unknown format '%s' (expected jwt)", format->text);
    p->auth.jwt = true;
  }
  const gt_node *secret = gt_node_get(n, "jwt_secret");
  if (secret) {
    if (!ld_want_scalar(L, secret, "auth.jwt_secret") ||
        !ld_plain_data(L, secret, "auth.jwt_secret"))
      return false;
    p->auth.jwt_secret = secret;
  }
  const gt_node *claims = gt_node_get(n, "jwt_claims");
  if (claims) {
    if (!ld_want_map(L, claims, "auth.jwt_claims") || !ld_plain_data(L, claims, "auth.jwt_claims"))
      return false;
    p->auth.jwt_claims = claims;
  }
  const gt_node *also = gt_node_get(n, "also_accept");
  if (also && !load_also_accept(L, p, also)) return false;
  if (!ld_vars_defined(L, n)) return false;
  if (p->auth.token) ld_register_secret(L, p->auth.token, "token");
  for (size_t k = 0; p->auth.params && k < p->auth.params->count; k++)
    ld_register_secret(L, p->auth.params->items[k], p->auth.params->keys[k]->text);
  if (p->auth.jwt_secret) ld_register_secret(L, p->auth.jwt_secret, "jwt_secret");
  return true;
}

/* http_port is an int in the model, so a ${VAR} there is expanded now (it
 * may name a port that differs per environment). */
static bool load_port(loader *L, const gt_node *v, long *port) {
  if (v->kind != GT_NODE_SCALAR || !memchr(v->text, '$', v->text_len))
    return ld_int(L, v, "transport.http_port", 1, 65535, port);
  if (!ld_vars_defined(L, v)) return false;
  gt_buf text;
  gt_buf_init(&text);
  bool ok =
      gt_expand_text(&L->scope, v->text, v->text_len, &text, v->file, v->line, v->col, L->err);
  if (ok) {
    char *end;
    *port = strtol(text.data, &end, 10);
    if (!*text.data || *end || *port < 1 || *port > 65535)
      ok = ld_fail(L, v, "transport.http_port: '%s' is not a port (1..65535)", text.data);
  }
  gt_buf_free(&text);
  return ok;
}

static bool load_transport(loader *L, gt_profile *p, gt_node *n) {
  static const char *const keys[] = {"https_only", "http_port", "http_probe", "content_type",
                                     "charset",    "headers",   NULL};
  if (!ld_want_map(L, n, "transport") || !ld_check_keys(L, n, keys, "transport")) return false;
  for (size_t i = 0; i < n->count; i++) {
    const char *k = n->keys[i]->text;
    gt_node *v = n->items[i];
    long port;
    if (!strcmp(k, "https_only")) {
      if (!ld_bool(L, v, "transport.https_only", &p->transport.https_only)) return false;
      p->transport.https_only_given = true;
    } else if (!strcmp(k, "http_port")) {
      if (!load_port(L, v, &port)) return false;
      p->transport.http_port = (int)port;
    } else if (!strcmp(k, "http_probe")) {
      if (!ld_want_scalar(L, v, "transport.http_probe")) return false;
      if (strcmp(v->text, "real") && strcmp(v->text, "decoy"))
        return ld_fail(L, v, "transport.http_probe: expected real or decoy, got '%s'", v->text);
      p->transport.http_probe_real = !strcmp(v->text, "real");
    } else if (!strcmp(k, "content_type")) {
      if (!ld_content_type(L, v, &p->transport.content_type, &p->transport.content_type_match,
                           "transport.content_type"))
        return false;
    } else if (!strcmp(k, "charset")) {
      if (!ld_want_scalar(L, v, "transport.charset")) return false;
      p->transport.charset = ld_strdup_scalar(v);
    } else if (!strcmp(k, "headers")) {
      if (!ld_want_map(L, v, "transport.headers")) return false;
      for (size_t j = 0; j < v->count; j++)
        if (!ld_template(L, v->items[j])) return false;
      p->transport.headers = v;
    }
  }
  return true;
}

static bool load_versioning(loader *L, gt_profile *p, gt_node *n) {
  static const char *const keys[] = {"prefix", NULL};
  if (!ld_want_map(L, n, "versioning") || !ld_check_keys(L, n, keys, "versioning")) return false;
  const gt_node *prefix = gt_node_get(n, "prefix");
  if (!prefix) return true;
  if (!ld_want_scalar(L, prefix, "versioning.prefix")) return false;
  if (prefix->text[0] != '/' || prefix->text_len < 2)
    return ld_fail(L, prefix, "versioning.prefix: expected a path such as /v2, got '%s'",
                   prefix->text);
  p->version_prefix = ld_strdup_scalar(prefix);
  return true;
}

static bool load_errors(loader *L, gt_profile *p, gt_node *n) {
  static const char *const keys[] = {"statuses", "shape", "answers", "schema", NULL};
  if (!ld_want_map(L, n, "errors") || !ld_check_keys(L, n, keys, "errors")) return false;
  gt_node *answers = gt_node_get_mut(n, "answers");
  if (answers && !ld_is_null(answers)) {
    if (!ld_want_map(L, answers, "errors.answers")) return false;
    for (size_t i = 0; i < answers->count; i++) {
      long code;
      if (!ld_int(L, answers->keys[i], "errors.answers", 400, 599, &code) ||
          !ld_template(L, answers->items[i]))
        return false;
    }
    p->errors.answers = answers;
  }
  gt_node *statuses = gt_node_get_mut(n, "statuses");
  if (statuses) {
    char *text = NULL;
    if (!ld_want_seq(L, statuses, "errors.statuses")) return false;
    bool ok = ld_status(L, statuses, &p->errors.statuses, &text);
    free(text);
    if (!ok) return false;
    p->errors.has_statuses = true;
  }
  gt_node *shape = gt_node_get_mut(n, "shape");
  if (shape && !ld_is_null(shape)) {
    if (!ld_template(L, shape)) return false;
    p->errors.shape = shape;
  }
  for (size_t i = 0; i < n->count; i++)
    if (!strcmp(n->keys[i]->text, "schema") &&
        !ld_schema(L, n->keys[i], n->items[i], &p->errors.schema, "errors.schema"))
      return false;
  return true;
}

static bool load_limits(loader *L, gt_profile *p, gt_node *n) {
  static const char *const keys[] = {"max_body", "rate_limit", NULL};
  if (!ld_want_map(L, n, "limits") || !ld_check_keys(L, n, keys, "limits")) return false;
  const gt_node *max_body = gt_node_get(n, "max_body");
  if (max_body) {
    if (!ld_size(L, max_body, "limits.max_body", &p->limits.max_body)) return false;
    if (p->limits.max_body == 0) return ld_fail(L, max_body, "limits.max_body: must be > 0");
  }
  const gt_node *rate = gt_node_get(n, "rate_limit");
  if (rate && !ld_is_null(rate)) {
    long v;
    if (!ld_want_scalar(L, rate, "limits.rate_limit") ||
        !ld_plain_data(L, rate, "limits.rate_limit") || !ld_vars_defined(L, rate))
      return false;
    if (!memchr(rate->text, '$', rate->text_len) &&
        !ld_int(L, rate, "limits.rate_limit", 1, 1000000, &v))
      return false;
    p->limits.rate_limit = rate;
  }
  return true;
}

static bool load_fault_section(loader *L, gt_profile *p, gt_node *n) {
  static const char *const keys[] = {"default", "expect", NULL};
  if (!ld_want_map(L, n, "faults") || !ld_check_keys(L, n, keys, "profile faults")) return false;
  gt_node *def = gt_node_get_mut(n, "default");
  if (def && !ld_fault_list(L, def, &p->default_faults, &p->n_default_faults)) return false;
  gt_node *exp = gt_node_get_mut(n, "expect");
  if (!exp || ld_is_null(exp)) return true;
  if (!ld_want_map(L, exp, "faults.expect")) return false;
  for (size_t i = 0; i < exp->count; i++) {
    const gt_node *name = exp->keys[i];
    int id = gt_fault_from_name(name->text);
    if (id < 0) {
      const char *names[GT_FAULT_COUNT];
      for (int f = 0; f < GT_FAULT_COUNT; f++)
        names[f] = gt_fault_name((gt_fault_id)f);
      const char *hint = ld_suggest(name->text, names, GT_FAULT_COUNT);
      if (hint)
        return ld_fail(L, name, "unknown fault '%s' (did you mean '%s'?)", name->text, hint);
      return ld_fail(L, name, "unknown fault '%s'", name->text);
    }
    if (!ld_expect(L, exp->items[i], &p->fault_expect[id], "faults.expect")) return false;
    p->has_fault_expect[id] = true;
  }
  return true;
}

static bool disable_check(loader *L, gt_profile *p, const gt_node *name) {
  if (!ld_want_scalar(L, name, "checks")) return false;
  int id = gt_check_from_name(name->text);
  if (id >= 0 && gt_check_info_of((gt_check_id)id)->kind == GT_CHECK_KIND_UNIVERSAL) {
    p->check_disabled[id] = true;
    return true;
  }
  const char *names[GT_CHECK_UNIVERSAL_COUNT];
  gt_buf list;
  gt_buf_init(&list);
  for (int c = 0; c < GT_CHECK_UNIVERSAL_COUNT; c++) {
    names[c] = gt_check_name((gt_check_id)c);
    gt_buf_printf(&list, "%s%s", c ? ", " : "", names[c]);
  }
  const char *hint = ld_suggest(name->text, names, GT_CHECK_UNIVERSAL_COUNT);
  bool r = hint ? ld_fail(L, name, "unknown check '%s' (did you mean '%s'?)", name->text, hint)
                : ld_fail(L, name, "unknown check '%s' (checks that can be disabled: %s)",
                          name->text, list.data);
  gt_buf_free(&list);
  return r;
}

/* `checks: { utf8: false }` or `checks: { disable: [utf8] }` */
static bool load_checks(loader *L, gt_profile *p, gt_node *n) {
  if (!ld_want_map(L, n, "checks")) return false;
  for (size_t i = 0; i < n->count; i++) {
    const gt_node *k = n->keys[i], *v = n->items[i];
    if (!strcmp(k->text, "disable")) {
      if (!ld_want_seq(L, v, "checks.disable")) return false;
      for (size_t j = 0; j < v->count; j++)
        if (!disable_check(L, p, v->items[j])) return false;
      continue;
    }
    bool enabled;
    if (!disable_check(L, p, k)) return false;
    if (!ld_bool(L, v, "checks", &enabled)) return false;
    p->check_disabled[gt_check_from_name(k->text)] = !enabled;
  }
  return true;
}

static bool load_profile_map(loader *L, gt_profile *p, gt_node *n, const char *what) {
  static const char *const keys[] = {
      "profile", "auth",   "transport", "versioning", "errors",  "envelope",          "limits",
      "faults",  "checks", "serve",     "liveness",   "request", "envelope_statuses", "client",
      NULL};
  if (!ld_want_map(L, n, what) || !ld_check_keys(L, n, keys, what)) return false;
  for (size_t i = 0; i < n->count; i++) {
    const char *k = n->keys[i]->text;
    gt_node *v = n->items[i];
    bool ok = true;
    if (!strcmp(k, "profile")) {
      if (!ld_want_scalar(L, v, "profile name")) return false;
      free(p->name);
      p->name = ld_strdup_scalar(v);
    } else if (!strcmp(k, "auth")) {
      ok = load_auth(L, p, v);
    } else if (!strcmp(k, "transport")) {
      ok = load_transport(L, p, v);
    } else if (!strcmp(k, "versioning")) {
      ok = load_versioning(L, p, v);
    } else if (!strcmp(k, "errors")) {
      ok = load_errors(L, p, v);
    } else if (!strcmp(k, "envelope")) {
      if (!ld_is_null(v)) {
        ok = ld_template(L, v);
        p->envelope = v;
      }
    } else if (!strcmp(k, "envelope_statuses")) {
      char *text = NULL;
      ok = ld_status(L, v, &p->envelope_statuses, &text);
      free(text);
      p->has_envelope_statuses = ok;
    } else if (!strcmp(k, "limits")) {
      ok = load_limits(L, p, v);
    } else if (!strcmp(k, "faults")) {
      ok = load_fault_section(L, p, v);
    } else if (!strcmp(k, "checks")) {
      ok = load_checks(L, p, v);
    } else if (!strcmp(k, "liveness")) {
      ok = ld_liveness(L, p, v);
    } else if (!strcmp(k, "request")) {
      ok = ld_param_reading(L, &p->request, v);
    } else if (!strcmp(k, "client")) {
      ok = ld_client_policy(L, &p->client, v);
    } /* serve: read by serve from the tree */
    if (!ok) return false;
  }
  return true;
}

static char *default_name(const char *file) {
  const char *base = strrchr(file, '/');
  base = base ? base + 1 : file;
  const char *dot = strrchr(base, '.');
  return dot && dot != base ? gt_xstrndup(base, (size_t)(dot - base)) : gt_xstrdup(base);
}

bool ld_profile(loader *L, gt_node *value, const char *suite_file) {
  gt_profile *p = &L->suite->profile;
  if (ld_is_null(value)) return true;
  if (value->kind == GT_NODE_MAP) {
    p->file = suite_file;
    return load_profile_map(L, p, value, "profile");
  }
  if (!ld_want_scalar(L, value, "profile") || !ld_plain_data(L, value, "profile")) return false;
  char *path = ld_resolve_relative(suite_file, value->text);
  ld_keep_file(L, path); /* the suite owns it: nodes and p->file point at it */
  gt_node *tree = ld_read_tree(L, value, path, "cannot read profile");
  if (!tree) return false;
  p->file = path;
  free(p->name);
  p->name = default_name(path);
  return load_profile_map(L, p, tree, "profile");
}
