/* json_stream.c — a body of several JSON documents one after another
 * (NDJSON, InfluxDB's `chunked=true`, concatenated JSON), for a scenario's
 * `json: stream`: split at document boundaries, each parsed strictly. */
#include <stdlib.h>
#include <string.h>

#include "check.h"

static bool is_ws(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* End of the document starting at s[pos]: a balanced object or array
 * (strings and escapes skipped), a string, or a scalar up to whitespace or
 * the next document. */
static size_t doc_end(const char *s, size_t len, size_t pos) {
  if (s[pos] == '{' || s[pos] == '[') {
    int depth = 0;
    bool in_str = false;
    for (size_t i = pos; i < len; i++) {
      char c = s[i];
      if (in_str) {
        if (c == '\\')
          i++;
        else if (c == '"')
          in_str = false;
      } else if (c == '"') {
        in_str = true;
      } else if (c == '{' || c == '[') {
        depth++;
      } else if ((c == '}' || c == ']') && --depth == 0) {
        return i + 1;
      }
    }
    return len;
  }
  if (s[pos] == '"') {
    for (size_t i = pos + 1; i < len; i++) {
      if (s[i] == '\\')
        i++;
      else if (s[i] == '"')
        return i + 1;
    }
    return len;
  }
  size_t i = pos;
  while (i < len && !is_ws(s[i]) && s[i] != '{' && s[i] != '[' && s[i] != '"')
    i++;
  return i;
}

bool gt_json_stream_parse(const char *s, size_t len, cJSON ***docs, size_t *n, char **why) {
  *docs = NULL;
  *n = 0;
  *why = NULL;
  size_t pos = 0, cap = 0;
  for (;;) {
    while (pos < len && is_ws(s[pos]))
      pos++;
    if (pos >= len) break;
    size_t end = doc_end(s, len, pos);
    if (end == pos) end = pos + 1; /* a stray byte: parsed alone, reported */
    size_t at = 0;
    const char *reason = NULL;
    cJSON *doc = gt_json_parse_strict(s + pos, end - pos, &at, &reason);
    if (!doc) {
      char *near = gt_text_short(s + pos, end - pos < 60 ? end - pos : 60, 60);
      *why = gt_xasprintf("document %zu: invalid JSON at byte %zu (%s) near: %s", *n + 1, pos + at,
                          reason ? reason : "?", near);
      free(near);
      break;
    }
    if (*n == cap) {
      cap = cap ? cap * 2 : 8;
      *docs = gt_xrealloc(*docs, cap * sizeof **docs);
    }
    (*docs)[(*n)++] = doc;
    pos = end;
  }
  if (!*why && *n == 0) *why = gt_xstrdup("no JSON document in the body");
  if (*why) {
    for (size_t i = 0; i < *n; i++)
      cJSON_Delete((*docs)[i]);
    free(*docs);
    *docs = NULL;
    *n = 0;
    return false;
  }
  return true;
}
