/* mutate_target.c — faults on where the request goes and how: unknown path,
 * wrong method, bad percent-encoding, unversioned URL, CORS preflight. */
#include "fault_internal.h"

#include <stdlib.h>
#include <string.h>

/* Non-empty '/'-separated segments of a path ("${id}" counts as one). */
static size_t segments(const char *p, size_t n) {
  size_t count = 0;
  bool in_segment = false;
  for (size_t i = 0; i < n; i++) {
    if (p[i] == '/') {
      in_segment = false;
    } else if (!in_segment) {
      in_segment = true;
      count++;
    }
  }
  return count;
}

/* A path no documented route can match. Appending one segment to a
 * collection ("/posts/gauntlet-1a2b") lands on "/posts/{id}", which a
 * server may answer 422 or 200. So the path is made deeper than every
 * scenario path of the suite (the documented templates, a "${..}" being one
 * segment): a template has a fixed number of segments and cannot match it. */
static void unknown_path(const gt_build_ctx *ctx, gt_draft *d) {
  size_t n = strlen(d->path);
  while (n > 0 && d->path[n - 1] == '/')
    n--;
  size_t deepest = 0;
  for (size_t i = 0; ctx->suite && i < ctx->suite->n_scenarios; i++) {
    const gt_node *t = ctx->suite->scenarios[i].request.path;
    size_t k = t && t->text ? segments(t->text, t->text_len) : 0;
    if (k > deepest) deepest = k;
  }
  uint64_t r = gt_splitmix64(&d->rng);
  gt_buf b;
  gt_buf_init(&b);
  gt_buf_printf(&b, "%.*s/gauntlet-%08x", (int)n, d->path, (unsigned)(r & 0xffffffffu));
  while (segments(b.data, b.len) <= deepest)
    gt_buf_adds(&b, "/unknown");
  free(d->path);
  d->path = gt_buf_steal(&b);
}

static void bad_percent(gt_draft *d) {
  char *p = gt_xasprintf("%s%s%%ZZ", d->path[0] ? "" : "/", d->path);
  free(d->path);
  d->path = p;
}

/* "/v2" -> "2", "/api/v1.1" -> "1.1", "/beta" -> "beta". Caller frees. */
char *gt_version_digits(const char *prefix) {
  size_t n = strlen(prefix);
  size_t end = n;
  while (end > 0 && !((prefix[end - 1] >= '0' && prefix[end - 1] <= '9')))
    end--;
  size_t start = end;
  while (start > 0 &&
         ((prefix[start - 1] >= '0' && prefix[start - 1] <= '9') || prefix[start - 1] == '.'))
    start--;
  while (start < end && prefix[start] == '.')
    start++;
  if (start < end) return gt_xstrndup(prefix + start, end - start);
  const char *seg = strrchr(prefix, '/');
  return gt_xstrdup(seg ? seg + 1 : prefix);
}

static bool unversioned(const gt_build_ctx *ctx, const gt_case *c, gt_draft *d, gt_err *err) {
  const char *raw = ctx->suite->profile.version_prefix;
  if (!raw || !*raw)
    return gt_err_set(err, GT_ERR_INPUT, NULL, 0, 0, "%s: no versioning.prefix", c->name);
  /* Normalised: one leading '/', no trailing '/'. */
  gt_buf pre;
  gt_buf_init(&pre);
  if (raw[0] != '/') gt_buf_addc(&pre, '/');
  gt_buf_adds(&pre, raw);
  while (pre.len > 1 && pre.data[pre.len - 1] == '/')
    pre.data[--pre.len] = '\0';

  char *url = gt_xasprintf("%s%s", d->base, d->path);
  gt_url_parts u;
  bool ok = false;
  if (gt_url_split(url, &u)) {
    /* The first occurrence that is whole segments: "/v2" in "/api/v2/x", not in "/v20". */
    const char *found = gt_url_find_segment(url + u.path_start, pre.data);
    if (found) {
      char *at = url + (found - url);
      memmove(at, at + pre.len, strlen(at + pre.len) + 1);
      ok = true;
    }
  }
  if (!ok) {
    free(url);
    gt_err_set(err, GT_ERR_INPUT, NULL, 0, 0, "%s: the URL has no version prefix %s", c->name,
               pre.data);
    gt_buf_free(&pre);
    return false;
  }
  /* Keep a path: "https://h/v2" -> "https://h/", "https://h/v2?x" -> "https://h/?x". */
  char next = url[u.path_start];
  if (next == '\0' || next == '?' || next == '#') {
    char *fixed = gt_xasprintf("%.*s/%s", (int)u.path_start, url, url + u.path_start);
    free(url);
    url = fixed;
  }
  free(d->base);
  d->base = url;
  d->path[0] = '\0';
  if (c->index == 2 || c->index == 3) {
    char *v = gt_version_digits(pre.data);
    gt_draft_set_header(d, c->index == 2 ? "Accept-Version" : "X-API-Version", v);
    free(v);
  }
  gt_buf_free(&pre);
  return true;
}

static void cors_preflight(gt_draft *d) {
  gt_draft_set_header(d, "Origin", "https://gauntlet.example");
  gt_draft_set_header(d, "Access-Control-Request-Method", d->method);
  gt_draft_set_header(d, "Access-Control-Request-Headers", "authorization,content-type");
  free(d->method);
  d->method = gt_xstrdup("OPTIONS");
  gt_draft_set_auth(d, NULL, NULL); /* a preflight never carries credentials */
  gt_draft_remove_header(d, "Content-Type");
  cJSON_Delete(d->json);
  d->json = NULL;
  gt_headers_free(&d->form, &d->n_form);
  free(d->body);
  d->body = NULL;
  d->body_len = 0;
  d->body_final = false;
  d->body_kind = GT_BODY_NONE;
}

bool gt_mutate_target(const gt_build_ctx *ctx, const gt_case *c, gt_draft *d, gt_err *err) {
  switch (c->fault) {
  case GT_FAULT_UNKNOWN_PATH:
    unknown_path(ctx, d);
    return true;
  case GT_FAULT_WRONG_METHOD:
    if (c->param_text) {
      free(d->method);
      d->method = gt_xstrdup(c->param_text);
    }
    return true;
  case GT_FAULT_BAD_PERCENT_ENCODING:
    bad_percent(d);
    return true;
  case GT_FAULT_UNVERSIONED:
    return unversioned(ctx, c, d, err);
  case GT_FAULT_CORS_PREFLIGHT:
    cors_preflight(d);
    return true;
  default:
    return true;
  }
}
