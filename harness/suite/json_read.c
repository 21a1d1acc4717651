/* json_read.c — JSON text (RFC 8259) to the same gt_node tree the YAML
 * reader builds, without libfyaml.
 *
 * Large API descriptions are published as JSON (GitHub's is 13 MB); reading
 * them through the YAML scanner spent most of `gauntlet list`'s time there.
 * This reader is strict JSON: a trailing comma, a comment, a single-quoted
 * string, a raw control character in a string or a lone surrogate escape is
 * a "JSON syntax error" at FILE:LINE:COL (columns count characters, as the
 * YAML reader's do), as are duplicate keys (the YAML reader rejects them
 * too). Strings become quoted scalars; numbers, true, false and null plain
 * ones with their text, so a tree reads the same whichever reader made it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"
#include "../core/utf8.h"
#include "suite.h"

#define MAX_DEPTH 200

typedef struct jreader {
  const char *file;
  const unsigned char *p, *end;
  int line, col;
  gt_node_arena *arena;
  gt_node *root;
  /* children of the open containers, contiguous per container (as in
   * yaml_read.c): copied into exact-size arena arrays when it closes */
  gt_node **kids;
  size_t n_kids, cap_kids;
  gt_buf text; /* a string's decoded bytes */
  gt_err *err;
} jreader;

static bool fail(jreader *r, const char *what) {
  return gt_err_set(r->err, GT_ERR_INPUT, r->file, r->line, r->col, "JSON syntax error: %s", what);
}

static void skip_blanks(jreader *r) {
  while (r->p < r->end) {
    unsigned char c = *r->p;
    if (c == '\n') {
      r->line++;
      r->col = 1;
    } else if (c == ' ' || c == '\t' || c == '\r') {
      r->col++;
    } else {
      return;
    }
    r->p++;
  }
}

static gt_node *new_node(jreader *r, gt_node_kind kind, int line, int col) {
  if (!r->root) {
    r->root = gt_node_arena_root(kind, r->file, line, col);
    r->arena = gt_node_arena_of(r->root);
    return r->root;
  }
  return gt_node_arena_new(r->arena, kind, r->file, line, col);
}

static void push_kid(jreader *r, gt_node *n) {
  if (r->n_kids == r->cap_kids) {
    r->cap_kids = r->cap_kids ? r->cap_kids * 2 : 256;
    r->kids = gt_xrealloc(r->kids, r->cap_kids * sizeof *r->kids);
  }
  r->kids[r->n_kids++] = n;
}

static int hex4(const unsigned char *p) {
  int v = 0;
  for (int i = 0; i < 4; i++) {
    int c = p[i], d = c >= '0' && c <= '9'   ? c - '0'
                      : c >= 'a' && c <= 'f' ? c - 'a' + 10
                      : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                             : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

static void put_utf8(gt_buf *b, unsigned cp) {
  if (cp < 0x80) {
    gt_buf_addc(b, (char)cp);
  } else if (cp < 0x800) {
    gt_buf_addc(b, (char)(0xC0 | (cp >> 6)));
    gt_buf_addc(b, (char)(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    gt_buf_addc(b, (char)(0xE0 | (cp >> 12)));
    gt_buf_addc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
    gt_buf_addc(b, (char)(0x80 | (cp & 0x3F)));
  } else {
    gt_buf_addc(b, (char)(0xF0 | (cp >> 18)));
    gt_buf_addc(b, (char)(0x80 | ((cp >> 12) & 0x3F)));
    gt_buf_addc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
    gt_buf_addc(b, (char)(0x80 | (cp & 0x3F)));
  }
}

/* A string at r->p (the opening quote) into r->text. */
static bool read_string(jreader *r) {
  gt_buf_reset(&r->text);
  r->p++, r->col++;
  for (;;) {
    const unsigned char *start = r->p;
    while (r->p < r->end && *r->p >= 0x20 && *r->p < 0x80 && *r->p != '"' && *r->p != '\\')
      r->p++;
    gt_buf_add(&r->text, (const char *)start, (size_t)(r->p - start));
    r->col += (int)(r->p - start);
    if (r->p >= r->end) return fail(r, "a string without its closing quote");
    unsigned char c = *r->p;
    if (c == '"') {
      r->p++, r->col++;
      return true;
    }
    if (c < 0x20) return fail(r, "a control character in a string (escape it)");
    if (c >= 0x80) {
      size_t k = gt_utf8_seq(r->p, (size_t)(r->end - r->p));
      if (!k) return fail(r, "malformed UTF-8 in a string");
      gt_buf_add(&r->text, (const char *)r->p, k);
      r->p += k, r->col++;
      continue;
    }
    /* a backslash escape */
    if (r->end - r->p < 2) return fail(r, "a string without its closing quote");
    char e = (char)r->p[1];
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *at = e ? strchr(from, e) : NULL;
    if (at) {
      gt_buf_addc(&r->text, to[at - from]);
      r->p += 2, r->col += 2;
      continue;
    }
    if (e != 'u') return fail(r, "an unknown escape in a string");
    int hi = r->end - r->p >= 6 ? hex4(r->p + 2) : -1;
    if (hi < 0) return fail(r, "\\u needs four hex digits");
    unsigned cp = (unsigned)hi;
    size_t used = 6;
    if (cp >= 0xD800 && cp <= 0xDBFF) { /* a surrogate pair */
      int lo = r->end - r->p >= 12 && r->p[6] == '\\' && r->p[7] == 'u' ? hex4(r->p + 8) : -1;
      if (lo < 0xDC00 || lo > 0xDFFF) return fail(r, "a \\u high surrogate without its low half");
      cp = 0x10000 + ((cp - 0xD800) << 10) + ((unsigned)lo - 0xDC00);
      used = 12;
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
      return fail(r, "a lone \\u low surrogate");
    }
    if (cp == 0) return fail(r, "\\u0000 in a string");
    put_utf8(&r->text, cp);
    r->p += used, r->col += (int)used;
  }
}

static gt_node *scalar(jreader *r, const char *text, size_t len, bool quoted, int line, int col) {
  gt_node *n = new_node(r, GT_NODE_SCALAR, line, col);
  n->text = gt_node_arena_strndup(r->arena, text, len);
  n->text_len = (uint32_t)len;
  n->quoted = quoted;
  return n;
}

/* A number as RFC 8259's grammar has it; its text kept as written. */
static gt_node *read_number(jreader *r) {
  const unsigned char *s = r->p, *p = r->p;
  if (p < r->end && *p == '-') p++;
  if (p < r->end && *p == '0') {
    p++;
  } else if (p < r->end && *p >= '1' && *p <= '9') {
    while (p < r->end && *p >= '0' && *p <= '9')
      p++;
  } else {
    fail(r, "expected a value");
    return NULL;
  }
  if (p < r->end && *p == '.') {
    p++;
    if (p >= r->end || *p < '0' || *p > '9') {
      fail(r, "a digit must follow the decimal point");
      return NULL;
    }
    while (p < r->end && *p >= '0' && *p <= '9')
      p++;
  }
  if (p < r->end && (*p == 'e' || *p == 'E')) {
    p++;
    if (p < r->end && (*p == '+' || *p == '-')) p++;
    if (p >= r->end || *p < '0' || *p > '9') {
      fail(r, "a digit must follow the exponent");
      return NULL;
    }
    while (p < r->end && *p >= '0' && *p <= '9')
      p++;
  }
  gt_node *n = scalar(r, (const char *)s, (size_t)(p - s), false, r->line, r->col);
  r->col += (int)(p - s);
  r->p = p;
  return n;
}

static gt_node *read_value(jreader *r, int depth);

/* The container's children (from kids[first]) into exact-size arena arrays. */
static void close_container(jreader *r, gt_node *n, size_t first) {
  size_t count = r->n_kids - first;
  if (n->kind == GT_NODE_MAP)
    gt_node_arena_set_children(r->arena, n, r->kids + first, r->kids + first + count / 2,
                               count / 2);
  else
    gt_node_arena_set_children(r->arena, n, NULL, r->kids + first, count);
  r->n_kids = first;
}

static bool duplicate_key(jreader *r, size_t first, const gt_node *key) {
  /* keys sit at even offsets from first while the object is open */
  for (size_t i = first; i + 1 < r->n_kids; i += 2) {
    const gt_node *k = r->kids[i];
    if (k->text_len == key->text_len && !memcmp(k->text, key->text, key->text_len)) {
      gt_err_set(r->err, GT_ERR_INPUT, r->file, key->line, key->col,
                 "duplicate key '%s' (first defined at line %d)", key->text, k->line);
      return true;
    }
  }
  return false;
}

static gt_node *read_container(jreader *r, int depth) {
  bool map = *r->p == '{';
  if (depth >= MAX_DEPTH) {
    fail(r, "nested deeper than 200 levels");
    return NULL;
  }
  gt_node *n = new_node(r, map ? GT_NODE_MAP : GT_NODE_SEQ, r->line, r->col);
  r->p++, r->col++;
  size_t first = r->n_kids;
  /* a map's keys and values are pushed as pairs (k0 v0 k1 v1 ...), split
   * into keys then values when it closes */
  skip_blanks(r);
  if (r->p < r->end && *r->p == (map ? '}' : ']')) {
    r->p++, r->col++;
    return n;
  }
  for (;;) {
    skip_blanks(r);
    if (map) {
      if (r->p >= r->end || *r->p != '"') {
        fail(r, r->p < r->end && *r->p == '}' ? "a trailing comma before '}'"
                                              : "expected a string key");
        return NULL;
      }
      int line = r->line, col = r->col;
      if (!read_string(r)) return NULL;
      gt_node *key = scalar(r, r->text.data ? r->text.data : "", r->text.len, true, line, col);
      if (duplicate_key(r, first, key)) return NULL;
      push_kid(r, key);
      skip_blanks(r);
      if (r->p >= r->end || *r->p != ':') {
        fail(r, "expected ':' after a key");
        return NULL;
      }
      r->p++, r->col++;
      skip_blanks(r);
    } else if (r->p < r->end && *r->p == ']') {
      fail(r, "a trailing comma before ']'");
      return NULL;
    }
    gt_node *v = read_value(r, depth + 1);
    if (!v) return NULL;
    push_kid(r, v);
    skip_blanks(r);
    if (r->p < r->end && *r->p == ',') {
      r->p++, r->col++;
      continue;
    }
    if (r->p < r->end && *r->p == (map ? '}' : ']')) {
      r->p++, r->col++;
      break;
    }
    if (r->p >= r->end)
      fail(r, map ? "the text ends inside an object (no closing '}')"
                  : "the text ends inside an array (no closing ']')");
    else
      fail(r, map ? "expected ',' or '}'" : "expected ',' or ']'");
    return NULL;
  }
  if (map) { /* pairs (k0 v0 k1 v1 ...) to keys then values */
    size_t count = (r->n_kids - first) / 2;
    gt_node **tmp = gt_xmalloc(2 * count * sizeof *tmp);
    for (size_t i = 0; i < count; i++) {
      tmp[i] = r->kids[first + 2 * i];
      tmp[count + i] = r->kids[first + 2 * i + 1];
    }
    memcpy(r->kids + first, tmp, 2 * count * sizeof *tmp);
    free(tmp);
  }
  close_container(r, n, first);
  return n;
}

static gt_node *read_value(jreader *r, int depth) {
  skip_blanks(r);
  if (r->p >= r->end) {
    fail(r, "expected a value, got the end of the text");
    return NULL;
  }
  unsigned char c = *r->p;
  if (c == '{' || c == '[') return read_container(r, depth);
  if (c == '"') {
    int line = r->line, col = r->col;
    if (!read_string(r)) return NULL;
    return scalar(r, r->text.data ? r->text.data : "", r->text.len, true, line, col);
  }
  static const char *const words[] = {"true", "false", "null"};
  for (size_t i = 0; i < 3; i++) {
    size_t n = strlen(words[i]);
    if ((size_t)(r->end - r->p) >= n && !memcmp(r->p, words[i], n)) {
      gt_node *v = scalar(r, words[i], n, false, r->line, r->col);
      r->p += n, r->col += (int)n;
      return v;
    }
  }
  if (c == '-' || (c >= '0' && c <= '9')) return read_number(r);
  fail(r, c == '\'' ? "single-quoted strings are not JSON" : "expected a value");
  return NULL;
}

gt_node *gt_json_parse(const char *file, const char *data, size_t len, gt_err *err) {
  jreader r = {.file = file,
               .p = (const unsigned char *)data,
               .end = (const unsigned char *)data + len,
               .line = 1,
               .col = 1,
               .err = err};
  gt_buf_init(&r.text);
  if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) r.p += 3; /* a UTF-8 byte order mark */
  gt_node *v = read_value(&r, 0);
  if (v) {
    skip_blanks(&r);
    if (r.p < r.end) {
      fail(&r, "text after the value");
      v = NULL;
    }
  }
  free(r.kids);
  gt_buf_free(&r.text);
  if (!v) {
    gt_node_free(r.root);
    return NULL;
  }
  return v;
}
