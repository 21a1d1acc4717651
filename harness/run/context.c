/* context.c — "show what was there": a failed check at a JSON location gets
 * an escaped one-line excerpt of the body and, for a missing member, the
 * keys its parent object had, so `got missing` tells the reader what the
 * server sent instead (docs/cli.md, "Console"). */
#include "result.h"

#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"

enum {
  EXCERPT_BYTES = 160, /* of the body, after whitespace is folded */
  MAX_KEYS = 12,       /* keys listed for a missing member */
};

/* The body on one line: runs of whitespace (newlines included) become one
 * space, then non-printable bytes and invalid UTF-8 are escaped as \xNN. */
static char *excerpt(const char *body, size_t len) {
  gt_buf folded;
  gt_buf_init(&folded);
  bool space = false;
  size_t i = 0;
  for (; i < len && folded.len < EXCERPT_BYTES; i++) {
    char c = body[i];
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      space = folded.len > 0;
      continue;
    }
    if (space) gt_buf_addc(&folded, ' ');
    space = false;
    gt_buf_addc(&folded, c);
  }
  while (i < len && (body[i] == ' ' || body[i] == '\n' || body[i] == '\r' || body[i] == '\t'))
    i++;
  char *esc = gt_text_short(folded.data ? folded.data : "", folded.len, folded.len);
  gt_buf_free(&folded);
  if (i >= len) return esc;
  char *out = gt_xasprintf("%s... (%zu bytes)", esc, len);
  free(esc);
  return out;
}

/* "$.a.b" -> "$.a", "$.a[0]" -> "$.a", "$['x']" -> "$"; NULL for "$" or
 * anything this simple split cannot shorten. Caller frees. */
static char *parent_path(const char *where) {
  size_t n = strlen(where);
  if (n < 2 || where[0] != '$') return NULL;
  size_t cut = n;
  if (where[n - 1] == ']') {
    const char *open = strrchr(where, '[');
    if (!open) return NULL;
    cut = (size_t)(open - where);
  } else {
    const char *dot = strrchr(where, '.');
    if (!dot) return NULL;
    cut = (size_t)(dot - where);
    if (cut > 0 && where[cut - 1] == '.') return NULL; /* "..name": no single parent */
  }
  if (cut == 0) return NULL;
  return gt_xstrndup(where, cut);
}

/* "a, b, c" of the object at the parent of where, or NULL. Caller frees. */
static char *present_keys(const char *where, const char *body, size_t len) {
  char *parent = parent_path(where);
  if (!parent) return NULL;
  char *out = NULL;
  gt_err err = {0};
  gt_jsonpath *p = gt_jsonpath_compile(parent, &err);
  cJSON *doc = p ? cJSON_ParseWithLength(body, len) : NULL;
  const cJSON *hit[1];
  if (doc && gt_jsonpath_eval(p, doc, hit, 1) == 1) {
    gt_buf b;
    gt_buf_init(&b);
    if (cJSON_IsObject(hit[0])) {
      int n = 0;
      for (const cJSON *k = hit[0]->child; k; k = k->next, n++) {
        if (n == MAX_KEYS) {
          gt_buf_adds(&b, ", ...");
          break;
        }
        char *name = gt_text_short(k->string, strlen(k->string), 40);
        gt_buf_printf(&b, "%s%s", n ? ", " : "", name);
        free(name);
      }
      out = gt_xasprintf("keys: %s", b.len ? b.data : "(none)");
    } else {
      out = gt_xasprintf("%s is %s", parent,
                         cJSON_IsArray(hit[0])    ? "an array"
                         : cJSON_IsString(hit[0]) ? "a string"
                         : cJSON_IsNumber(hit[0]) ? "a number"
                         : cJSON_IsBool(hit[0])   ? "a boolean"
                                                  : "null");
    }
    gt_buf_free(&b);
  }
  cJSON_Delete(doc);
  gt_jsonpath_free(p);
  free(parent);
  return out;
}

char *gt_failure_context(const gt_failure *f, const gt_http_response *resp) {
  /* Only locations inside the body: "$" itself already shows the body (or
   * why it is not JSON) as its actual value. */
  if (!f->where || f->where[0] != '$' || !f->where[1]) return NULL;
  /* A complete message (a JSON Schema error) names the value and the keyword
   * itself, in the one-line form docs/schema.md promises. */
  if (f->message) return NULL;
  if (!resp || resp->outcome != GT_HTTP_OK || !resp->body.data || !resp->body.len) return NULL;
  char *body = excerpt(resp->body.data, resp->body.len);
  char *keys = f->actual && !strcmp(f->actual, "missing")
                   ? present_keys(f->where, resp->body.data, resp->body.len)
                   : NULL;
  char *out = keys ? gt_xasprintf("%s; body: %s", keys, body) : gt_xasprintf("body: %s", body);
  free(keys);
  free(body);
  return out;
}
