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

bool serve_inject_parse(const char *list, serve_inject **out, size_t *n, gt_err *err) {
  *out = NULL;
  *n = 0;
  if (!list || !*list) return true;
  char *copy = gt_xstrdup(list), *save = NULL;
  for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    while (*tok == ' ')
      tok++;
    if (!*tok) continue;
    *out = gt_xrealloc(*out, (*n + 1) * sizeof **out);
    if (!parse_one(tok, &(*out)[*n], err)) {
      serve_inject_free(*out, *n);
      *out = NULL;
      *n = 0;
      free(copy);
      return false;
    }
    (*n)++;
  }
  free(copy);
  return true;
}

void serve_inject_free(serve_inject *v, size_t n) {
  for (size_t i = 0; i < n; i++)
    free(v[i].text);
  free(v);
}

bool gt_serve_inject_valid(const char *list, gt_err *err) {
  serve_inject *v;
  size_t n;
  if (!serve_inject_parse(list, &v, &n, err)) return false;
  serve_inject_free(v, n);
  return true;
}
