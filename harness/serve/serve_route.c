/* serve_route.c — the routing table: scenarios by method and path template,
 * under each suite's base path (docs/serve.md "Routing"). */
#include <string.h>
#include <strings.h>

#include "../check/check.h"
#include "../core/hex.h"
#include "serve_internal.h"

/* Next segment of a path at *p (after a '/'); returns its length, advances. */
static size_t next_seg(const char **p, const char **seg) {
  if (**p == '/') (*p)++;
  *seg = *p;
  size_t n = strcspn(*p, "/");
  *p += n;
  return n;
}

static int count_segs(const char *p) {
  int n = 0;
  const char *seg;
  while (*p) {
    next_seg(&p, &seg);
    n++;
  }
  return n;
}

bool gt_serve_path_match(const char *tmpl, const char *path, cJSON *vars) {
  /* "/a/" and "/a" are the same resource for routing purposes */
  if (count_segs(tmpl) != count_segs(path)) return false;
  const char *t = tmpl, *p = path;
  while (*t && *p) {
    const char *ts, *ps;
    size_t tn = next_seg(&t, &ts), pn = next_seg(&p, &ps);
    bool is_var = memmem(ts, tn, "${", 2) != NULL;
    if (is_var) {
      if (pn == 0) return false; /* a variable matches one non-empty segment */
      if (vars && tn > 3 && ts[0] == '$' && ts[tn - 1] == '}') {
        char *name = gt_xstrndup(ts + 2, tn - 3);
        char *def = strstr(name, ":-");
        if (def) *def = '\0';
        gt_buf v;
        gt_buf_init(&v);
        gt_percent_decode(ps, pn, &v);
        cJSON_DeleteItemFromObjectCaseSensitive(vars, name);
        cJSON_AddStringToObject(vars, name, v.data);
        gt_buf_free(&v);
        free(name);
      }
      continue;
    }
    gt_buf v;
    gt_buf_init(&v);
    gt_percent_decode(ps, pn, &v);
    bool eq = v.len == tn && !memcmp(v.data, ts, tn);
    gt_buf_free(&v);
    if (!eq) return false;
  }
  return *t == *p; /* both consumed */
}

static int literal_segments(const char *tmpl) {
  int n = 0;
  const char *seg;
  while (*tmpl) {
    size_t len = next_seg(&tmpl, &seg);
    if (!memmem(seg, len, "${", 2)) n++;
  }
  return n;
}

/* The path of a URL ("https://h:1/v1/" -> "/v1"), without a trailing '/'. */
static char *url_path(const char *url) {
  const char *p = strstr(url, "://");
  p = p ? p + 3 : url;
  p = strchr(p, '/');
  if (!p) return gt_xstrdup("");
  size_t n = strcspn(p, "?#");
  while (n > 0 && p[n - 1] == '/')
    n--;
  return gt_xstrndup(p, n);
}

static void seed_route(gt_serve *s, serve_suite *ss, const gt_node *seed) {
  if (!seed || seed->kind != GT_NODE_SEQ) return;
  serve_ctx c = {.s = s, .ss = ss, .now = time(NULL)};
  for (size_t i = 0; i < seed->count; i++) {
    const gt_node *it = seed->items[i];
    const gt_node *coll = gt_node_get(it, "collection"), *id = gt_node_get(it, "id"),
                  *rec = gt_node_get(it, "record");
    if (!coll || !id || !rec) continue;
    serve_random_hex(s, c.new_id, 24);
    serve_random_uuid(s, c.new_uuid);
    c.new_int = ++s->next_int;
    char *cn = serve_value_text(&c, coll), *idt = serve_value_text(&c, id);
    serve_store_put(&s->store, cn, idt, serve_value(&c, rec));
    free(cn);
    free(idt);
  }
}

static bool compile_validate(gt_node *respond, gt_err *err) {
  gt_node *v = gt_node_get_mut(respond, "validate");
  if (!v) return true;
  if (v->kind != GT_NODE_SEQ)
    return gt_err_set(err, GT_ERR_INPUT, v->file, v->line, v->col,
                      "respond.validate must be a list of {value, match|equals}");
  for (size_t i = 0; i < v->count; i++) {
    gt_node *m = gt_node_get_mut(v->items[i], "match");
    bool equals = gt_node_get(v->items[i], "equals") != NULL;
    if (!gt_node_get(v->items[i], "value") || (!m && !equals) || (m && equals))
      return gt_err_set(err, GT_ERR_INPUT, v->items[i]->file, v->items[i]->line, v->items[i]->col,
                        "respond.validate item needs value: and one of match: or equals:");
    if (m && !gt_template_compile(m, err)) return false;
    static const char *const conditions[] = {"unless", "when"};
    for (size_t k = 0; k < 2; k++) {
      gt_node *un = gt_node_get_mut(v->items[i], conditions[k]);
      gt_node *um = un ? gt_node_get_mut(un, "match") : NULL;
      if (un && (!um || !gt_node_get(un, "value")))
        return gt_err_set(err, GT_ERR_INPUT, un->file, un->line, un->col,
                          "respond.validate %s: needs value: and match:", conditions[k]);
      if (um && !gt_template_compile(um, err)) return false;
    }
  }
  return true;
}

bool serve_routes_build(gt_serve *s, gt_err *err) {
  for (size_t si = 0; si < s->n_suites; si++) {
    serve_suite *ss = &s->suites[si];
    const gt_suite *su = ss->suite;
    serve_ctx c = {.s = s, .ss = ss};
    if (su->base_url) {
      gt_buf b;
      gt_buf_init(&b);
      serve_expand_text(&c, su->base_url->text, su->base_url->text_len, &b);
      ss->base_path = url_path(b.data);
      gt_buf_free(&b);
    } else {
      ss->base_path = gt_xstrdup("");
    }
    for (size_t k = 0; k < su->n_scenarios; k++) {
      const gt_scenario *sc = &su->scenarios[k];
      if (!sc->request.path || !sc->request.method) continue;
      serve_route r = {.suite = si, .scenario = k};
      r.method = gt_xstrdup(sc->request.method->text);
      r.tmpl = gt_xstrndup(sc->request.path->text, strcspn(sc->request.path->text, "?"));
      r.literals = literal_segments(r.tmpl);
      if (sc->respond) {
        r.respond = gt_node_clone(sc->respond);
        if (!compile_validate(r.respond, err)) {
          gt_node_free(r.respond);
          free(r.method);
          free(r.tmpl);
          return false;
        }
        seed_route(s, ss, gt_node_get(r.respond, "seed"));
      }
      s->routes = gt_xrealloc(s->routes, (s->n_routes + 1) * sizeof *s->routes);
      s->routes[s->n_routes++] = r;
    }
  }
  return true;
}

/* The route's own method (HEAD for GET), or one the profile says every
 * route runs for (`request.methods`: an RPC action runs for GET and POST). */
static bool method_matches(const serve_suite *ss, const char *route, const char *req) {
  if (!strcasecmp(route, req) || (!strcasecmp(req, "HEAD") && !strcasecmp(route, "GET")))
    return true;
  const gt_param_reading *pr = &ss->suite->profile.request;
  for (size_t i = 0; i < pr->n_any_method; i++)
    if (!strcasecmp(pr->any_method[i], req)) return true;
  return false;
}

/* Path under a base ("/v1/apps" under "/v1" -> "/apps"), or NULL. */
static const char *under(const char *path, const char *base) {
  size_t n = strlen(base);
  if (strncmp(path, base, n)) return NULL;
  if (path[n] != '/' && path[n] != '\0') return NULL;
  return path + n;
}

static bool any_route_matches(gt_serve *s, size_t si, const char *rest) {
  for (size_t i = 0; i < s->n_routes; i++)
    if (s->routes[i].suite == si && gt_serve_path_match(s->routes[i].tmpl, rest, NULL)) return true;
  return false;
}

long serve_route_find(gt_serve *s, const char *method, const char *path, gt_fault_id *why,
                      size_t *suite, cJSON *path_vars) {
  long wrong_method_suite = -1;
  for (size_t si = 0; si < s->n_suites; si++) {
    const char *rest = under(path, s->suites[si].base_path);
    if (!rest) continue;
    long best = -1;
    for (size_t i = 0; i < s->n_routes; i++) {
      serve_route *r = &s->routes[i];
      if (r->suite != si || !gt_serve_path_match(r->tmpl, rest, NULL)) continue;
      if (!method_matches(&s->suites[si], r->method, method)) {
        if (wrong_method_suite < 0) wrong_method_suite = (long)si;
        continue;
      }
      if (best < 0 || r->literals > s->routes[best].literals) best = (long)i;
    }
    if (best >= 0) {
      gt_serve_path_match(s->routes[best].tmpl, rest, path_vars);
      *why = GT_FAULT_VALID;
      *suite = si;
      return best;
    }
  }
  if (wrong_method_suite >= 0) {
    *why = GT_FAULT_WRONG_METHOD;
    *suite = (size_t)wrong_method_suite;
    return -1;
  }
  /* Unversioned: the path would route with the version prefix put back. */
  for (size_t si = 0; si < s->n_suites; si++) {
    const serve_suite *ss = &s->suites[si];
    if (!*ss->base_path) continue;
    const char *vp = ss->suite->profile.version_prefix;
    char *reduced = NULL;
    if (vp && *vp) {
      const char *at = strstr(ss->base_path, vp);
      if (at) {
        reduced = gt_xasprintf("%.*s%s", (int)(at - ss->base_path), ss->base_path, at + strlen(vp));
        size_t n = strlen(reduced);
        while (n > 0 && reduced[n - 1] == '/')
          reduced[--n] = '\0';
      }
    }
    const char *rest = reduced ? under(path, reduced) : path;
    bool hit = rest && any_route_matches(s, si, rest);
    if (!hit && reduced) hit = any_route_matches(s, si, path);
    free(reduced);
    if (hit) {
      *why = GT_FAULT_UNVERSIONED;
      *suite = si;
      return -1;
    }
  }
  /* Unknown path: answered by the suite whose routes share the longest
   * leading segments with it (suites may share a base path such as /v2). */
  *why = GT_FAULT_UNKNOWN_PATH;
  *suite = 0;
  int best = -1;
  for (size_t i = 0; i < s->n_routes; i++) {
    const serve_suite *ss = &s->suites[s->routes[i].suite];
    const char *rest = under(path, ss->base_path);
    if (!rest) continue;
    int score = (int)strlen(ss->base_path) > 0 ? 1 : 0;
    const char *t = s->routes[i].tmpl, *p = rest;
    while (*t && *p) {
      const char *ts, *ps;
      size_t tn = next_seg(&t, &ts), pn = next_seg(&p, &ps);
      if (tn != pn || memcmp(ts, ps, tn) || memmem(ts, tn, "${", 2)) break;
      score++;
    }
    if (score > best) {
      best = score;
      *suite = s->routes[i].suite;
    }
  }
  return -1;
}
