/* load_util.c — shape checks shared by every part of the loader: types, key
 * sets with "did you mean", scalars read as bool/int/duration/size, tags
 * allowed only in templates, and positions for errors from other modules. */
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"

bool ld_fail(loader *L, const gt_node *at, const char *fmt, ...) {
  char msg[sizeof L->err->msg];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return gt_err_set(L->err, GT_ERR_INPUT, at ? at->file : L->suite->file, at ? at->line : 0,
                    at ? at->col : 0, "%s", msg);
}

bool ld_is_null(const gt_node *n) {
  if (!n) return true;
  if (n->kind != GT_NODE_SCALAR || n->quoted || n->tag) return false;
  const char *t = n->text ? n->text : "";
  return !*t || !strcmp(t, "~") || !strcmp(t, "null") || !strcmp(t, "Null") || !strcmp(t, "NULL");
}

const char *ld_kind(const gt_node *n) {
  if (ld_is_null(n)) return "null";
  if (n->kind == GT_NODE_MAP) return "a mapping";
  if (n->kind == GT_NODE_SEQ) return "a list";
  return "a scalar";
}

bool ld_want_map(loader *L, const gt_node *n, const char *what) {
  if (n && n->kind == GT_NODE_MAP) return true;
  return ld_fail(L, n, "%s: expected a mapping, got %s", what, ld_kind(n));
}

bool ld_want_seq(loader *L, const gt_node *n, const char *what) {
  if (n && n->kind == GT_NODE_SEQ) return true;
  return ld_fail(L, n, "%s: expected a list, got %s", what, ld_kind(n));
}

bool ld_want_scalar(loader *L, const gt_node *n, const char *what) {
  if (n && n->kind == GT_NODE_SCALAR && !ld_is_null(n)) {
    if (n->tag) return ld_fail(L, n, "%s: tag '%s' is not allowed here", what, n->tag);
    return true;
  }
  return ld_fail(L, n, "%s: expected a string, got %s", what, ld_kind(n));
}

static size_t edit_distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > 64 || lb > 64) return 99;
  size_t prev[65], cur[65];
  for (size_t j = 0; j <= lb; j++)
    prev[j] = j;
  for (size_t i = 1; i <= la; i++) {
    cur[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
      size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
      cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
    }
    memcpy(prev, cur, (lb + 1) * sizeof *prev);
  }
  return prev[lb];
}

const char *ld_suggest(const char *name, const char *const *names, size_t n) {
  const char *best = NULL;
  size_t best_d = 3;
  for (size_t i = 0; i < n; i++) {
    if (!names[i]) continue;
    size_t d = edit_distance(name, names[i]);
    if (d < best_d) best = names[i], best_d = d;
  }
  return best;
}

bool ld_check_keys(loader *L, const gt_node *map, const char *const *allowed, const char *what) {
  size_t n_allowed = 0;
  while (allowed[n_allowed])
    n_allowed++;
  for (size_t i = 0; i < map->count; i++) {
    const gt_node *k = map->keys[i];
    bool known = false;
    for (size_t j = 0; j < n_allowed && !known; j++)
      known = !strcmp(k->text, allowed[j]) ||
              /* "x-*" allows any x- key (a place for YAML anchors) */
              (!strcmp(allowed[j], "x-*") && !strncmp(k->text, "x-", 2));
    if (known) continue;
    const char *hint = ld_suggest(k->text, allowed, n_allowed);
    if (hint)
      return ld_fail(L, k, "unknown key '%s' in %s (did you mean '%s'?)", k->text, what, hint);
    return ld_fail(L, k, "unknown key '%s' in %s", k->text, what);
  }
  return true;
}

bool ld_bool(loader *L, const gt_node *n, const char *what, bool *out) {
  if (n && n->kind == GT_NODE_SCALAR && !n->quoted && !n->tag) {
    cJSON *j = gt_scalar_to_json(n->text, n->text_len, false);
    bool is_bool = cJSON_IsBool(j);
    if (is_bool) *out = cJSON_IsTrue(j);
    cJSON_Delete(j);
    if (is_bool) return true;
  }
  return ld_fail(L, n, "%s: expected true or false", what);
}

bool ld_int(loader *L, const gt_node *n, const char *what, long min, long max, long *out) {
  if (n && n->kind == GT_NODE_SCALAR && !n->quoted && !n->tag && n->text_len > 0) {
    char *end;
    long v = strtol(n->text, &end, 10);
    if (*end == 0) {
      if (v < min || v > max)
        return ld_fail(L, n, "%s: %ld is out of range %ld..%ld", what, v, min, max);
      *out = v;
      return true;
    }
  }
  return ld_fail(L, n, "%s: expected an integer", what);
}

bool ld_duration(loader *L, const gt_node *n, const char *what, long *ms) {
  if (n && n->kind == GT_NODE_SCALAR && !n->tag && gt_parse_duration(n->text, ms)) return true;
  char *why = gt_duration_error(n && n->text ? n->text : "");
  bool r = ld_fail(L, n, "%s: %s", what, why);
  free(why);
  return r;
}

bool ld_size(loader *L, const gt_node *n, const char *what, size_t *bytes) {
  if (n && n->kind == GT_NODE_SCALAR && !n->tag && gt_parse_size(n->text, bytes)) return true;
  return ld_fail(L, n, "%s: bad size '%s' (write e.g. 8MiB, 512KiB, 1MB, 1024)", what,
                 n && n->text ? n->text : "");
}

static const char *const matcher_tags[] = {
    "!string", "!integer", "!number", "!boolean", "!null",  "!object",   "!array",
    "!any",    "!absent",  "!regex",  "!one_of",  "!exact", "!contains", "!len",
};

static bool vars_syntax(loader *L, const gt_node *n) {
  if (n->kind == GT_NODE_SCALAR)
    return gt_check_var_syntax(n->text, n->text_len, n->file, n->line, n->col, L->err);
  for (size_t i = 0; i < n->count; i++) {
    if (n->keys && !vars_syntax(L, n->keys[i])) return false;
    if (!vars_syntax(L, n->items[i])) return false;
  }
  return true;
}

bool ld_plain_data(loader *L, const gt_node *n, const char *what) {
  if (!n) return true;
  if (n->tag) {
    size_t n_tags = sizeof matcher_tags / sizeof *matcher_tags;
    for (size_t i = 0; i < n_tags; i++)
      if (!strcmp(n->tag, matcher_tags[i]))
        return ld_fail(L, n, "%s: matcher tag '%s' is only allowed in expect templates", what,
                       n->tag);
    return ld_fail(L, n, "%s: unknown tag '%s'", what, n->tag);
  }
  if (n->kind == GT_NODE_SCALAR)
    return gt_check_var_syntax(n->text, n->text_len, n->file, n->line, n->col, L->err);
  for (size_t i = 0; i < n->count; i++) {
    if (n->keys && !ld_plain_data(L, n->keys[i], what)) return false;
    if (!ld_plain_data(L, n->items[i], what)) return false;
  }
  return true;
}

/* Errors from other modules may lack a position: the node's is the best one. */
static bool relocate(loader *L, const gt_node *n, const gt_err *e, const char *prefix) {
  const char *file = e->file[0] ? e->file : n->file;
  int line = e->line > 0 ? e->line : n->line;
  int col = e->line > 0 ? e->col : n->col;
  return gt_err_set(L->err, GT_ERR_INPUT, file, line, col, "%s%s", prefix, e->msg);
}

bool ld_template(loader *L, gt_node *n) {
  if (!n) return true;
  if (!vars_syntax(L, n)) return false;
  gt_err e = {0};
  if (gt_template_compile(n, &e)) return true;
  return relocate(L, n, &e, "");
}

gt_jsonpath *ld_jsonpath(loader *L, const gt_node *n) {
  if (!ld_want_scalar(L, n, "JSONPath")) return NULL;
  gt_err e = {0};
  gt_jsonpath *p = gt_jsonpath_compile(n->text, &e);
  if (p) return p;
  /* The JSONPath module reports an offset in the expression, not a position
   * in the file: point at the expression. */
  gt_err_set(L->err, GT_ERR_INPUT, n->file, n->line, n->col, "bad JSONPath '%s': %s", n->text,
             e.msg[0] ? e.msg : "invalid");
  return NULL;
}

char *ld_strdup_scalar(const gt_node *n) {
  return gt_xstrndup(n->text, n->text_len);
}

void ld_keep_file(loader *L, char *file) {
  gt_suite *s = L->suite;
  s->files = gt_xrealloc(s->files, (s->n_files + 1) * sizeof *s->files);
  s->files[s->n_files++] = file;
}

void ld_keep_tree(loader *L, gt_node *tree) {
  gt_suite *s = L->suite;
  s->trees = gt_xrealloc(s->trees, (s->n_trees + 1) * sizeof *s->trees);
  s->trees[s->n_trees++] = tree;
}

gt_node *ld_read_tree(loader *L, const gt_node *at, const char *path, const char *cannot_read) {
  size_t len = 0;
  int errnum = 0;
  char *data = gt_read_file(path, &len, &errnum);
  if (!data) {
    ld_fail(L, at, "%s '%s': %s", cannot_read, path, strerror(errnum));
    return NULL;
  }
  gt_node *tree = gt_yaml_parse(path, data, len, L->err);
  free(data);
  if (tree) ld_keep_tree(L, tree);
  return tree;
}

char *ld_resolve_relative(const char *from, const char *path) {
  if (path[0] == '/') return gt_xstrdup(path);
  char *copy = gt_xstrdup(from);
  char *dir = dirname(copy);
  char *full = strcmp(dir, ".") == 0 ? gt_xstrdup(path) : gt_xasprintf("%s/%s", dir, path);
  free(copy);
  return full;
}
