/* load_expect.c — `expect:` blocks (scenarios, fault overrides, profile
 * faults.expect), status sets and `faults:` lists. Unset fields stay unset
 * (gt_expect_init) so the catalogue, profile and scenario merge field-wise. */
#include <stdlib.h>
#include <string.h>

#include "load.h"

static bool plain_int(const gt_node *n, long *v) {
  if (n->kind != GT_NODE_SCALAR || n->quoted || n->tag || n->text_len == 0) return false;
  char *end;
  *v = strtol(n->text, &end, 10);
  return *end == 0;
}

static bool status_in_range(loader *L, const gt_node *n) {
  long v;
  if (n->kind == GT_NODE_SCALAR && plain_int(n, &v) && (v < 100 || v > 599))
    return ld_fail(L, n, "status %ld is out of range 100..599", v);
  return true;
}

bool ld_status(loader *L, const gt_node *n, gt_status_set *set, char **text) {
  if (!n || ld_is_null(n))
    return ld_fail(L, n, "status: expected an integer, a list or a class like 2xx");
  if (n->tag) return ld_fail(L, n, "status: tag '%s' is not allowed here", n->tag);
  if (n->kind == GT_NODE_MAP)
    return ld_fail(L, n, "status: expected an integer, a list or a class like 2xx, got a mapping");
  if (!status_in_range(L, n)) return false;
  for (size_t i = 0; n->kind == GT_NODE_SEQ && i < n->count; i++) {
    if (n->items[i]->kind != GT_NODE_SCALAR || n->items[i]->tag)
      return ld_fail(L, n->items[i], "status: expected an integer or a class like 2xx");
    if (!status_in_range(L, n->items[i])) return false;
  }
  memset(set, 0, sizeof *set);
  gt_err e = {0};
  if (gt_status_parse(n, set, text, &e)) {
    /* Exact-size copy: the parser's buffer is 128 bytes, kept per scenario. */
    char *t = *text;
    *text = t ? gt_xstrdup(t) : NULL;
    free(t);
    return true;
  }
  const char *file = e.file[0] ? e.file : n->file;
  int line = e.line > 0 ? e.line : n->line, col = e.line > 0 ? e.col : n->col;
  return gt_err_set(L->err, GT_ERR_INPUT, file, line, col, "%s", e.msg[0] ? e.msg : "bad status");
}

static void free_jsonpath(void *p) {
  gt_jsonpath_free(p);
}

static bool load_jsonpaths(loader *L, gt_node *map, gt_expect *out) {
  if (!ld_want_map(L, map, "expect.jsonpath")) return false;
  if (map->count == 0) return true;
  out->jsonpath = gt_xcalloc(map->count, sizeof *out->jsonpath);
  for (size_t i = 0; i < map->count; i++) {
    gt_node *key = map->keys[i];
    gt_jsonpath *p = ld_jsonpath(L, key);
    if (!p) return false;
    /* The compiled path lives on the key node so that merged copies of this
     * expectation can share it; the tree frees it. */
    key->aux = p;
    key->aux_free = free_jsonpath;
    ld_note_jsonpath_key(L, key);
    if (!ld_template(L, map->items[i])) return false;
    out->jsonpath[i].src = key->text;
    out->jsonpath[i].path = p;
    out->jsonpath[i].tmpl = map->items[i];
    out->n_jsonpath = i + 1;
  }
  return true;
}

static bool load_header_templates(loader *L, gt_node *map, const char *what) {
  if (!ld_want_map(L, map, what)) return false;
  for (size_t i = 0; i < map->count; i++)
    if (!ld_template(L, map->items[i])) return false;
  return true;
}

static void free_when(void *p) {
  gt_expect_when *w = p;
  gt_expect_free(&w->expect);
  free(w);
}

/* `if_status: { 200: {json: ...}, 4xx: {...} }`: each key a status, a class or
 * a list; each value an expectation without status/refused/if_status. The
 * compiled entry hangs on the key node (aux) so that merged copies share it. */
static bool load_if_status(loader *L, gt_node *map, gt_expect *out) {
  if (!ld_want_map(L, map, "expect.if_status")) return false;
  for (size_t i = 0; i < map->count; i++) {
    gt_node *key = map->keys[i], *v = map->items[i];
    gt_expect_when *w = gt_xcalloc(1, sizeof *w);
    gt_expect_init(&w->expect);
    key->aux = w;
    key->aux_free = free_when;
    char *text = NULL;
    bool ok = ld_status(L, key, &w->status, &text);
    free(text);
    if (!ok) return false;
    if (!ld_expect(L, v, &w->expect, "expect.if_status entry")) return false;
    if (w->expect.has_status || w->expect.refused >= 0 || w->expect.if_status)
      return ld_fail(L, v,
                     "expect.if_status entry: status, refused and if_status are not allowed here "
                     "(the key is the status)");
  }
  out->if_status = map;
  return true;
}

bool ld_expect(loader *L, gt_node *n, gt_expect *out, const char *what) {
  static const char *const keys[] = {"status",   "headers", "json",        "jsonpath",  "body",
                                     "max_time", "refused", "error_shape", "if_status", NULL};
  if (!ld_want_map(L, n, what) || !ld_check_keys(L, n, keys, what)) return false;
  for (size_t i = 0; i < n->count; i++) {
    const char *k = n->keys[i]->text;
    gt_node *v = n->items[i];
    bool b;
    if (!strcmp(k, "status")) {
      if (!ld_status(L, v, &out->status, &out->status_text)) return false;
      out->has_status = true;
    } else if (!strcmp(k, "headers")) {
      if (!load_header_templates(L, v, "expect.headers")) return false;
      out->headers = v;
    } else if (!strcmp(k, "json")) {
      if (!ld_template(L, v)) return false;
      out->json = v;
    } else if (!strcmp(k, "jsonpath")) {
      if (!load_jsonpaths(L, v, out)) return false;
    } else if (!strcmp(k, "body")) {
      if (v->kind == GT_NODE_MAP || (v->kind == GT_NODE_SEQ && !v->tag))
        return ld_fail(L, v, "expect.body: expected text or a matcher, got %s", ld_kind(v));
      if (!ld_template(L, v)) return false;
      out->body = v;
    } else if (!strcmp(k, "max_time")) {
      if (!ld_duration(L, v, "expect.max_time", &out->max_time_ms)) return false;
    } else if (!strcmp(k, "refused")) {
      if (!ld_bool(L, v, "expect.refused", &b)) return false;
      out->refused = b;
    } else if (!strcmp(k, "error_shape")) {
      if (!ld_bool(L, v, "expect.error_shape", &b)) return false;
      out->error_shape = b;
    } else if (!strcmp(k, "if_status")) {
      if (!load_if_status(L, v, out)) return false;
    }
  }
  return true;
}

/* ---- faults ---- */

static bool fault_id(loader *L, const gt_node *name, gt_fault_id *id) {
  if (!ld_want_scalar(L, name, "fault")) return false;
  int r = gt_fault_from_name(name->text);
  if (r >= 0) {
    *id = (gt_fault_id)r;
    return true;
  }
  const char *names[GT_FAULT_COUNT];
  for (int i = 0; i < GT_FAULT_COUNT; i++)
    names[i] = gt_fault_name((gt_fault_id)i);
  const char *hint = ld_suggest(name->text, names, GT_FAULT_COUNT);
  if (hint) return ld_fail(L, name, "unknown fault '%s' (did you mean '%s'?)", name->text, hint);
  return ld_fail(L, name, "unknown fault '%s'", name->text);
}

bool ld_fault_list(loader *L, gt_node *n, gt_fault_ref **out, size_t *count) {
  *out = NULL;
  *count = 0;
  if (ld_is_null(n) ||
      (n->kind == GT_NODE_SCALAR && !n->quoted && !n->tag && !strcmp(n->text, "none")))
    return true;
  if (n->kind == GT_NODE_SCALAR && !n->tag)
    return ld_fail(L, n, "faults: expected a list of fault names or 'none', got '%s'", n->text);
  if (!ld_want_seq(L, n, "faults")) return false;
  if (n->count == 0) return true;
  *out = gt_xcalloc(n->count, sizeof **out);
  for (size_t i = 0; i < n->count; i++) {
    gt_node *item = n->items[i];
    gt_fault_ref *ref = &(*out)[i];
    gt_expect_init(&ref->expect);
    ref->line = item->line, ref->col = item->col;
    *count = i + 1; /* so that a half-filled list is still freed */
    if (item->kind == GT_NODE_MAP) {
      if (item->count != 1)
        return ld_fail(L, item,
                       "faults: expected a fault name or a one-key mapping {fault: expectation}");
      if (!fault_id(L, item->keys[0], &ref->id)) return false;
      gt_node *v = item->items[0];
      if (ld_is_null(v)) continue;
      ref->has_expect = true;
      if (!ld_expect(L, v, &ref->expect, "fault expectation")) return false;
    } else {
      if (!fault_id(L, item, &ref->id)) return false;
    }
  }
  return true;
}

bool ld_content_type(loader *L, gt_node *v, char **text, const gt_node **match, const char *what) {
  if (!v->tag) {
    if (!ld_want_scalar(L, v, what)) return false;
    *text = ld_strdup_scalar(v);
    return true;
  }
  if (strcmp(v->tag, "!one_of") != 0 && strcmp(v->tag, "!regex") != 0)
    return ld_fail(L, v, "%s: expected a media type, !one_of [..] or !regex \"..\", got '%s'", what,
                   v->tag);
  if (!ld_template(L, v)) return false;
  *match = v;
  if (v->kind == GT_NODE_SEQ && v->count && v->items[0]->kind == GT_NODE_SCALAR)
    *text = ld_strdup_scalar(v->items[0]);
  return true;
}
