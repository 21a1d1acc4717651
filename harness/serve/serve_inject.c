/* serve_inject.c — parsing --inject lists (status:N, malformed_json,
 * truncated, reset, reset_after, slow:DURATION, empty). */
#include <stdlib.h>
#include <string.h>

#include "../core/units.h"
#include "serve_internal.h"

#define MAX_SLOW_MS 3600000L

static bool parse_one(const char *item, serve_inject *out, gt_err *err) {
  memset(out, 0, sizeof *out);
  if (!strncmp(item, "status:", 7)) {
    char *end;
    long st = strtol(item + 7, &end, 10);
    if (*end || end == item + 7 || st < 400 || st > 599)
      return gt_err_set(err, GT_ERR_USAGE, NULL, 0, 0,
                        "--inject: '%s': status must be 4xx or 5xx (status:429)", item);
    out->kind = INJ_STATUS;
    out->status = (int)st;
  } else if (!strncmp(item, "slow:", 5)) {
    if (!gt_parse_duration(item + 5, &out->delay_ms)) {
      char *why = gt_duration_error(item + 5);
      gt_err_set(err, GT_ERR_USAGE, NULL, 0, 0, "--inject: '%s': %s", item, why);
      free(why);
      return false;
    }
    if (out->delay_ms > MAX_SLOW_MS)
      return gt_err_set(err, GT_ERR_USAGE, NULL, 0, 0,
                        "--inject: '%s': at most 1h (an hour is already absurd for a test)", item);
    out->kind = INJ_SLOW;
  } else if (!strcmp(item, "malformed_json")) {
    out->kind = INJ_MALFORMED_JSON;
  } else if (!strcmp(item, "truncated")) {
    out->kind = INJ_TRUNCATED;
  } else if (!strcmp(item, "reset")) {
    out->kind = INJ_RESET;
  } else if (!strcmp(item, "reset_after")) {
    out->kind = INJ_RESET_AFTER;
  } else if (!strcmp(item, "empty")) {
    out->kind = INJ_EMPTY;
  } else {
    return gt_err_set(err, GT_ERR_USAGE, NULL, 0, 0,
                      "--inject: unknown fault '%s' (status:N, malformed_json, truncated, "
                      "reset, reset_after, slow:DURATION, empty)",
                      item);
  }
  out->text = gt_xstrdup(item);
  return true;
}

/* One element of a scripted sequence: a status number (below 400: answer
 * normally), `pass`, or any kind. */
static bool parse_element(const char *item, serve_inject *out, gt_err *err) {
  char *end;
  long st = strtol(item, &end, 10);
  if (end != item && !*end) {
    memset(out, 0, sizeof *out);
    if (st < 100 || st > 599)
      return gt_err_set(err, GT_ERR_USAGE, NULL, 0, 0,
                        "--inject: '%s' in a sequence is not a status (100..599)", item);
    out->kind = st >= 400 ? INJ_STATUS : INJ_NONE;
    out->status = (int)st;
    out->text = gt_xstrdup(item);
    return true;
  }
  if (!strcmp(item, "pass")) {
    memset(out, 0, sizeof *out);
    out->text = gt_xstrdup(item);
    return true;
  }
  return parse_one(item, out, err);
}

/* Splits text at commas outside [ ] into a NULL-terminated array of
 * trimmed strings (caller frees each and the array). */
static char **split_top(const char *text) {
  char **parts = gt_xcalloc(strlen(text) + 2, sizeof *parts);
  size_t n = 0, depth = 0;
  const char *start = text;
  for (const char *p = text;; p++) {
    if (*p == '[') depth++;
    if (*p == ']' && depth) depth--;
    if (*p == '\0' || (*p == ',' && depth == 0)) {
      const char *b = start, *e = p;
      while (b < e && *b == ' ')
        b++;
      while (e > b && e[-1] == ' ')
        e--;
      if (e > b) parts[n++] = gt_xstrndup(b, (size_t)(e - b));
      if (!*p) break;
      start = p + 1;
    }
  }
  return parts;
}

static void free_parts(char **parts) {
  for (size_t i = 0; parts[i]; i++)
    free(parts[i]);
  free(parts);
}

/* KIND | [ELEMENT,...] , then optionally @[METHOD ]PATH, then optionally #N. */
static bool parse_item(const char *item, serve_inject *out, gt_err *err) {
  char *copy = gt_xstrdup(item);
  long nth = 0;
  char *hash = strrchr(copy, '#');
  if (hash && !strchr(hash, ']')) {
    char *end;
    nth = strtol(hash + 1, &end, 10);
    if (end == hash + 1 || *end || nth < 1) {
      free(copy);
      return gt_err_set(err, GT_ERR_USAGE, NULL, 0, 0,
                        "--inject: '%s': #N must be a request number from 1", item);
    }
    *hash = '\0';
  }
  char *at = strchr(copy, '@');
  char *method = NULL, *path = NULL;
  if (at) {
    *at = '\0';
    char *target = at + 1;
    while (*target == ' ')
      target++;
    char *sp = strchr(target, ' ');
    if (sp) {
      method = gt_xstrndup(target, (size_t)(sp - target));
      while (*sp == ' ')
        sp++;
      path = gt_xstrdup(sp);
    } else {
      path = gt_xstrdup(target);
    }
    if (path[0] != '/') {
      gt_err_set(err, GT_ERR_USAGE, NULL, 0, 0,
                 "--inject: '%s': the target is METHOD PATH or PATH, PATH starting with /", item);
      free(method);
      free(path);
      free(copy);
      return false;
    }
  }
  size_t klen = strlen(copy);
  while (klen && copy[klen - 1] == ' ')
    copy[--klen] = '\0';
  bool ok;
  if (copy[0] == '[') {
    memset(out, 0, sizeof *out);
    ok = klen >= 2 && copy[klen - 1] == ']';
    if (!ok)
      gt_err_set(err, GT_ERR_USAGE, NULL, 0, 0, "--inject: '%s': a sequence is [A,B,...]", item);
    copy[klen - 1] = '\0';
    char **els = ok ? split_top(copy + 1) : NULL;
    for (size_t i = 0; ok && els[i]; i++) {
      out->seq = gt_xrealloc(out->seq, (out->n_seq + 1) * sizeof *out->seq);
      ok = parse_element(els[i], &out->seq[out->n_seq], err);
      if (ok) out->n_seq++;
    }
    if (ok && !out->n_seq)
      ok = gt_err_set(err, GT_ERR_USAGE, NULL, 0, 0, "--inject: '%s': an empty sequence", item);
    if (els) free_parts(els);
    if (ok) out->text = gt_xstrdup(item);
  } else {
    ok = parse_one(copy, out, err);
  }
  free(copy);
  if (!ok) {
    serve_inject_free(out->seq, out->n_seq);
    out->seq = NULL;
    out->n_seq = 0;
    free(out->text);
    out->text = NULL;
    free(method);
    free(path);
    return false;
  }
  if (method && !strcmp(method, "*")) {
    free(method);
    method = NULL;
  }
  out->method = method;
  out->path = path;
  out->nth = nth;
  out->targeted = at || nth || out->n_seq;
  if (out->targeted) { /* reports name the whole item */
    free(out->text);
    out->text = gt_xstrdup(item);
  }
  return true;
}

bool serve_inject_parse(const char *list, serve_inject **out, size_t *n, gt_err *err) {
  *out = NULL;
  *n = 0;
  if (!list || !*list) return true;
  char **items = split_top(list);
  for (size_t i = 0; items[i]; i++) {
    *out = gt_xrealloc(*out, (*n + 1) * sizeof **out);
    if (!parse_item(items[i], &(*out)[*n], err)) {
      serve_inject_free(*out, *n);
      *out = NULL;
      *n = 0;
      free_parts(items);
      return false;
    }
    (*n)++;
  }
  free_parts(items);
  return true;
}

void serve_inject_free(serve_inject *v, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(v[i].text);
    free(v[i].method);
    free(v[i].path);
    serve_inject_free(v[i].seq, v[i].n_seq);
  }
  free(v);
}

bool gt_serve_inject_valid(const char *list, gt_err *err) {
  serve_inject *v;
  size_t n;
  if (!serve_inject_parse(list, &v, &n, err)) return false;
  serve_inject_free(v, n);
  return true;
}
