/* json_strict.c — RFC 8259 validation before handing the bytes to cJSON.
 *
 * json_parses is a conformance check: a body cJSON tolerates ("+1", "01",
 * raw tabs inside strings, "1.") is still not JSON, and clients in other
 * languages will reject it. The validator is iterative-free recursive with a
 * depth bound, so hostile nesting cannot exhaust the stack. */
#include <string.h>

#include "check.h"

#define MAX_DEPTH 512

typedef struct {
  const unsigned char *s;
  size_t len, pos;
  const char *why;
} vstate;

static void skip_ws(vstate *v) {
  while (v->pos < v->len) {
    unsigned char c = v->s[v->pos];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
    v->pos++;
  }
}

static bool fail(vstate *v, const char *why) {
  v->why = why;
  return false;
}

static bool is_digit(unsigned char c) {
  return c >= '0' && c <= '9';
}

static bool lit(vstate *v, const char *word) {
  size_t n = strlen(word);
  if (v->len - v->pos < n || memcmp(v->s + v->pos, word, n) != 0) return fail(v, "invalid literal");
  v->pos += n;
  return true;
}

static bool number(vstate *v) {
  if (v->pos < v->len && v->s[v->pos] == '-') v->pos++;
  if (v->pos >= v->len) return fail(v, "truncated number");
  if (v->s[v->pos] == '0') {
    v->pos++;
  } else if (is_digit(v->s[v->pos])) {
    while (v->pos < v->len && is_digit(v->s[v->pos]))
      v->pos++;
  } else {
    return fail(v, "invalid number");
  }
  if (v->pos < v->len && v->s[v->pos] == '.') {
    v->pos++;
    if (v->pos >= v->len || !is_digit(v->s[v->pos])) return fail(v, "digit expected after '.'");
    while (v->pos < v->len && is_digit(v->s[v->pos]))
      v->pos++;
  }
  if (v->pos < v->len && (v->s[v->pos] == 'e' || v->s[v->pos] == 'E')) {
    v->pos++;
    if (v->pos < v->len && (v->s[v->pos] == '+' || v->s[v->pos] == '-')) v->pos++;
    if (v->pos >= v->len || !is_digit(v->s[v->pos])) return fail(v, "digit expected in exponent");
    while (v->pos < v->len && is_digit(v->s[v->pos]))
      v->pos++;
  }
  return true;
}

static bool string(vstate *v) {
  v->pos++; /* opening quote */
  while (v->pos < v->len) {
    unsigned char c = v->s[v->pos];
    if (c == '"') {
      v->pos++;
      return true;
    }
    if (c < 0x20) return fail(v, "control character in string");
    if (c == '\\') {
      v->pos++;
      if (v->pos >= v->len) break;
      c = v->s[v->pos];
      if (c == 'u') {
        for (int k = 1; k <= 4; k++) {
          if (v->pos + k >= v->len) return fail(v, "truncated \\u escape");
          unsigned char h = v->s[v->pos + k];
          if (!is_digit(h) && !((h | 0x20) >= 'a' && (h | 0x20) <= 'f'))
            return fail(v, "invalid \\u escape");
        }
        v->pos += 5;
        continue;
      }
      if (!strchr("\"\\/bfnrt", c) || c == 0) return fail(v, "invalid escape");
      v->pos++;
      continue;
    }
    v->pos++;
  }
  return fail(v, "unterminated string");
}

static bool value(vstate *v, int depth);

static bool container(vstate *v, int depth, bool is_object) {
  if (depth >= MAX_DEPTH) return fail(v, "nesting too deep");
  unsigned char close = is_object ? '}' : ']';
  v->pos++;
  skip_ws(v);
  if (v->pos < v->len && v->s[v->pos] == close) {
    v->pos++;
    return true;
  }
  for (;;) { /* each round consumes input, so bounded by len */
    skip_ws(v);
    if (is_object) {
      if (v->pos >= v->len || v->s[v->pos] != '"') return fail(v, "expected a string key");
      if (!string(v)) return false;
      skip_ws(v);
      if (v->pos >= v->len || v->s[v->pos] != ':') return fail(v, "expected ':'");
      v->pos++;
    }
    if (!value(v, depth + 1)) return false;
    skip_ws(v);
    if (v->pos >= v->len) return fail(v, is_object ? "expected ',' or '}'" : "expected ',' or ']'");
    if (v->s[v->pos] == ',') {
      v->pos++;
      continue;
    }
    if (v->s[v->pos] == close) {
      v->pos++;
      return true;
    }
    return fail(v, is_object ? "expected ',' or '}'" : "expected ',' or ']'");
  }
}

static bool value(vstate *v, int depth) {
  skip_ws(v);
  if (v->pos >= v->len) return fail(v, "unexpected end of input");
  switch (v->s[v->pos]) {
  case '{':
    return container(v, depth, true);
  case '[':
    return container(v, depth, false);
  case '"':
    return string(v);
  case 't':
    return lit(v, "true");
  case 'f':
    return lit(v, "false");
  case 'n':
    return lit(v, "null");
  default:
    if (v->s[v->pos] == '-' || is_digit(v->s[v->pos])) return number(v);
    return fail(v, "unexpected character");
  }
}

cJSON *gt_json_parse_strict(const char *s, size_t len, size_t *err_at, const char **why) {
  vstate v = {(const unsigned char *)s, len, 0, NULL};
  size_t dummy_at;
  const char *dummy_why;
  if (!err_at) err_at = &dummy_at;
  if (!why) why = &dummy_why;
  if (!s) {
    *err_at = 0;
    *why = "no body";
    return NULL;
  }
  bool ok = value(&v, 0);
  if (ok) {
    skip_ws(&v);
    if (v.pos < v.len) ok = fail(&v, "trailing data after the JSON value");
  }
  if (!ok) {
    *err_at = v.pos;
    *why = v.why;
    return NULL;
  }
  /* Valid per RFC 8259, so cJSON agrees on the structure; it only fails on
   * memory exhaustion or its own nesting limit. */
  cJSON *j = cJSON_ParseWithLength(s, len);
  if (!j) {
    *err_at = 0;
    *why = "JSON too large or too deep to hold";
  }
  return j;
}
