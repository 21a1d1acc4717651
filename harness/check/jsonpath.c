/* jsonpath.c — an RFC 9535 subset: $ .name .* ..name ..* ..[..] and bracketed
 * selector lists of 'name', "name", n, -n and *.
 *
 * Compiled once at load time (positions of syntax errors go back to the
 * suite file), evaluated per response. Evaluation keeps each selected node's
 * parent and depth so that the same code serves delete (missing_field) and
 * set (wrong_type). */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../core/hex.h"
#include "check.h"

typedef enum { SEL_NAME, SEL_INDEX, SEL_WILD } sel_kind;

typedef struct selector {
  sel_kind kind;
  char *name;      /* SEL_NAME, NUL-terminated (owned) */
  bool name_nul;   /* the name holds U+0000: no cJSON key can equal it */
  long long index; /* SEL_INDEX */
} selector;

typedef struct segment {
  bool descendant;
  selector *sels; /* owned */
  size_t n;
} segment;

struct gt_jsonpath {
  char *src; /* owned */
  segment *segs;
  size_t n;
};

/* ---------- compile ---------- */

typedef struct parser {
  const char *s;
  size_t pos;
  gt_err *err;
} parser;

static bool perr(parser *p, size_t at, const char *msg) {
  gt_err_set(p->err, GT_ERR_INPUT, NULL, 0, (int)at + 1, "%s (at character %zu)", msg, at + 1);
  return false;
}

static void skip_blank(parser *p) {
  while (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' || p->s[p->pos] == '\n' ||
         p->s[p->pos] == '\r')
    p->pos++;
}

static bool name_first(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}
static bool name_char(unsigned char c) {
  return name_first(c) || (c >= '0' && c <= '9');
}

static void seg_add(segment *seg, selector sel) {
  seg->sels = gt_xrealloc(seg->sels, (seg->n + 1) * sizeof *seg->sels);
  seg->sels[seg->n++] = sel;
}

static bool read_hex4(parser *p, size_t at, unsigned *out) {
  unsigned v = 0;
  for (int k = 0; k < 4; k++) {
    int h = gt_hex_digit((unsigned char)p->s[at + k]);
    if (h < 0) return perr(p, at + k, "\\u needs four hex digits");
    v = v * 16 + (unsigned)h;
  }
  *out = v;
  return true;
}

static void put_utf8(gt_buf *b, unsigned cp) {
  if (cp < 0x80) {
    gt_buf_addc(b, (char)cp);
  } else if (cp < 0x800) {
    gt_buf_addc(b, (char)(0xC0 | cp >> 6));
    gt_buf_addc(b, (char)(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    gt_buf_addc(b, (char)(0xE0 | cp >> 12));
    gt_buf_addc(b, (char)(0x80 | (cp >> 6 & 0x3F)));
    gt_buf_addc(b, (char)(0x80 | (cp & 0x3F)));
  } else {
    gt_buf_addc(b, (char)(0xF0 | cp >> 18));
    gt_buf_addc(b, (char)(0x80 | (cp >> 12 & 0x3F)));
    gt_buf_addc(b, (char)(0x80 | (cp >> 6 & 0x3F)));
    gt_buf_addc(b, (char)(0x80 | (cp & 0x3F)));
  }
}

/* A quoted name inside brackets; p->pos is on the quote. */
static bool parse_string(parser *p, selector *out) {
  char q = p->s[p->pos];
  size_t start = p->pos;
  gt_buf b;
  gt_buf_init(&b);
  bool has_nul = false;
  p->pos++;
  for (;;) { /* each round consumes at least one byte; ends at NUL */
    unsigned char c = (unsigned char)p->s[p->pos];
    if (c == 0) {
      gt_buf_free(&b);
      return perr(p, start, "unterminated string");
    }
    if (c == (unsigned char)q) {
      p->pos++;
      break;
    }
    if (c < 0x20) {
      gt_buf_free(&b);
      return perr(p, p->pos, "control character in string (escape it)");
    }
    if (c != '\\') {
      gt_buf_addc(&b, (char)c);
      p->pos++;
      continue;
    }
    size_t esc = p->pos;
    char e = p->s[p->pos + 1];
    p->pos += 2;
    switch (e) {
    case 'b':
      gt_buf_addc(&b, '\b');
      break;
    case 'f':
      gt_buf_addc(&b, '\f');
      break;
    case 'n':
      gt_buf_addc(&b, '\n');
      break;
    case 'r':
      gt_buf_addc(&b, '\r');
      break;
    case 't':
      gt_buf_addc(&b, '\t');
      break;
    case '/':
      gt_buf_addc(&b, '/');
      break;
    case '\\':
      gt_buf_addc(&b, '\\');
      break;
    case '\'':
    case '"':
      /* RFC 9535: only the enclosing quote may be escaped */
      if (e != q) {
        gt_buf_free(&b);
        return perr(p, esc, "this quote needs no escape here");
      }
      gt_buf_addc(&b, e);
      break;
    case 'u': {
      unsigned cp;
      if (!read_hex4(p, p->pos, &cp)) {
        gt_buf_free(&b);
        return false;
      }
      p->pos += 4;
      if (cp >= 0xDC00 && cp <= 0xDFFF) {
        gt_buf_free(&b);
        return perr(p, esc, "lone low surrogate in \\u escape");
      }
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        unsigned lo;
        if (p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u') {
          gt_buf_free(&b);
          return perr(p, esc, "high surrogate must be followed by a \\u low surrogate");
        }
        if (!read_hex4(p, p->pos + 2, &lo)) {
          gt_buf_free(&b);
          return false;
        }
        if (lo < 0xDC00 || lo > 0xDFFF) {
          gt_buf_free(&b);
          return perr(p, p->pos, "expected a low surrogate");
        }
        p->pos += 6;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
      }
      if (cp == 0) has_nul = true;
      put_utf8(&b, cp);
      break;
    }
    default:
      gt_buf_free(&b);
      return perr(p, esc, "invalid escape in string");
    }
  }
  out->kind = SEL_NAME;
  out->name = b.data ? gt_buf_steal(&b) : gt_xstrdup("");
  out->name_nul = has_nul;
  return true;
}

/* An integer per RFC 9535: -?(0|[1-9][0-9]*), no -0, within +-(2^53-1). */
static bool parse_index(parser *p, selector *out) {
  size_t start = p->pos;
  bool neg = false;
  if (p->s[p->pos] == '-') {
    neg = true;
    p->pos++;
  }
  if (p->s[p->pos] < '0' || p->s[p->pos] > '9') return perr(p, p->pos, "expected a digit");
  if (p->s[p->pos] == '0' && p->s[p->pos + 1] >= '0' && p->s[p->pos + 1] <= '9')
    return perr(p, start, "leading zeros are not allowed in an index");
  if (neg && p->s[p->pos] == '0') return perr(p, start, "-0 is not a valid index");
  long long v = 0;
  const long long limit = 9007199254740991LL; /* 2^53 - 1 */
  while (p->s[p->pos] >= '0' && p->s[p->pos] <= '9') {
    v = v * 10 + (p->s[p->pos] - '0');
    if (v > limit) return perr(p, start, "index out of range");
    p->pos++;
  }
  out->kind = SEL_INDEX;
  out->index = neg ? -v : v;
  return true;
}

static bool parse_bracket(parser *p, segment *seg) {
  p->pos++;  /* '[' */
  for (;;) { /* each round consumes a selector or fails */
    skip_blank(p);
    char c = p->s[p->pos];
    selector sel = {0};
    if (c == '\'' || c == '"') {
      if (!parse_string(p, &sel)) return false;
    } else if (c == '*') {
      sel.kind = SEL_WILD;
      p->pos++;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      if (!parse_index(p, &sel)) return false;
      if (p->s[p->pos] == ':') return perr(p, p->pos, "array slices are not supported");
    } else if (c == '?') {
      return perr(p, p->pos, "filter expressions are not supported");
    } else if (c == ']') {
      return perr(p, p->pos, "empty brackets");
    } else if (c == 0) {
      return perr(p, p->pos, "unterminated '['");
    } else if (c == ':') {
      return perr(p, p->pos, "array slices are not supported");
    } else {
      return perr(p, p->pos,
                  "expected a quoted name, an index or '*' (names in brackets "
                  "must be quoted)");
    }
    seg_add(seg, sel);
    skip_blank(p);
    c = p->s[p->pos];
    if (c == ']') {
      p->pos++;
      return true;
    }
    if (c == ',') {
      p->pos++;
      continue;
    }
    if (c == 0) return perr(p, p->pos, "unterminated '['");
    return perr(p, p->pos, "expected ',' or ']'");
  }
}

/* After '.' or '..': a member name or '*'. */
static bool parse_dot_member(parser *p, segment *seg) {
  unsigned char c = (unsigned char)p->s[p->pos];
  selector sel = {0};
  if (c == '*') {
    sel.kind = SEL_WILD;
    p->pos++;
  } else if (name_first(c)) {
    size_t start = p->pos;
    while (name_char((unsigned char)p->s[p->pos]))
      p->pos++;
    sel.kind = SEL_NAME;
    sel.name = gt_xstrndup(p->s + start, p->pos - start);
  } else if (c >= '0' && c <= '9') {
    return perr(p, p->pos,
                "a name after '.' cannot start with a digit (use [n] for an index "
                "or ['name'])");
  } else if (c == 0) {
    return perr(p, p->pos, "expected a name or '*' after '.'");
  } else {
    return perr(p, p->pos, "expected a name or '*' after '.'");
  }
  seg_add(seg, sel);
  /* Names with characters outside the shorthand set need brackets: say so
   * rather than reporting an unexpected character. */
  c = (unsigned char)p->s[p->pos];
  if (sel.kind == SEL_NAME && (c == '-' || c == ':' || c == '@' || c == '/' || c == '$'))
    return perr(p, p->pos, "this character cannot appear in a .name: write ['the-name']");
  return true;
}

static void segments_free(segment *segs, size_t n) {
  for (size_t i = 0; i < n; i++) {
    for (size_t k = 0; k < segs[i].n; k++)
      free(segs[i].sels[k].name);
    free(segs[i].sels);
  }
  free(segs);
}

gt_jsonpath *gt_jsonpath_compile(const char *src, gt_err *err) {
  gt_err dummy;
  if (!err) err = &dummy;
  if (!src) src = "";
  parser p = {src, 0, err};
  if (src[0] != '$') {
    perr(&p, 0, "must start with '$'");
    return NULL;
  }
  p.pos = 1;
  segment *segs = NULL;
  size_t n = 0;
  for (;;) { /* each round consumes one segment or fails */
    size_t before = p.pos;
    skip_blank(&p);
    char c = p.s[p.pos];
    if (c == 0) {
      if (p.pos != before) {
        perr(&p, before, "trailing blank space");
        goto fail;
      }
      break;
    }
    segment seg = {0};
    if (c == '.' && p.s[p.pos + 1] == '.') {
      seg.descendant = true;
      p.pos += 2;
      bool ok = p.s[p.pos] == '[' ? parse_bracket(&p, &seg) : parse_dot_member(&p, &seg);
      segs = gt_xrealloc(segs, (n + 1) * sizeof *segs);
      segs[n++] = seg;
      if (!ok) goto fail;
    } else if (c == '.') {
      p.pos++;
      bool ok = parse_dot_member(&p, &seg);
      segs = gt_xrealloc(segs, (n + 1) * sizeof *segs);
      segs[n++] = seg;
      if (!ok) goto fail;
    } else if (c == '[') {
      bool ok = parse_bracket(&p, &seg);
      segs = gt_xrealloc(segs, (n + 1) * sizeof *segs);
      segs[n++] = seg;
      if (!ok) goto fail;
    } else {
      perr(&p, p.pos, "expected '.', '..' or '['");
      goto fail;
    }
  }
  gt_jsonpath *jp = gt_xcalloc(1, sizeof *jp);
  jp->src = gt_xstrdup(src);
  jp->segs = segs;
  jp->n = n;
  return jp;
fail:
  segments_free(segs, n);
  return NULL;
}

void gt_jsonpath_free(gt_jsonpath *p) {
  if (!p) return;
  segments_free(p->segs, p->n);
  free(p->src);
  free(p);
}

const char *gt_jsonpath_source(const gt_jsonpath *p) {
  return p ? p->src : "";
}

bool gt_jsonpath_is_singular(const gt_jsonpath *p) {
  if (!p) return false;
  for (size_t i = 0; i < p->n; i++) {
    if (p->segs[i].descendant || p->segs[i].n != 1 || p->segs[i].sels[0].kind == SEL_WILD)
      return false;
  }
  return true;
}

bool gt_jsonpath_put(const gt_jsonpath *p, cJSON *doc, const cJSON *value) {
  if (!p || !value || !cJSON_IsObject(doc) || p->n == 0) return false;
  /* Check the whole path first: nothing is created for one that is not
   * names only. */
  for (size_t i = 0; i < p->n; i++)
    if (p->segs[i].descendant || p->segs[i].n != 1 || p->segs[i].sels[0].kind != SEL_NAME ||
        p->segs[i].sels[0].name_nul)
      return false;
  cJSON *at = doc;
  for (size_t i = 0; i + 1 < p->n; i++) {
    const char *name = p->segs[i].sels[0].name;
    cJSON *next = cJSON_GetObjectItemCaseSensitive(at, name);
    if (!next) next = cJSON_AddObjectToObject(at, name);
    if (!cJSON_IsObject(next)) return false;
    at = next;
  }
  const char *last = p->segs[p->n - 1].sels[0].name;
  cJSON_DeleteItemFromObjectCaseSensitive(at, last);
  cJSON_AddItemToObject(at, last, cJSON_Duplicate(value, 1));
  return true;
}

/* ---------- evaluate ---------- */

typedef struct hit {
  cJSON *node, *parent; /* parent NULL for the root */
  size_t depth;
} hit;

typedef struct hitlist {
  hit *items;
  size_t n, cap;
  size_t total; /* what would have been selected without the cap */
} hitlist;

static void hits_add(hitlist *l, cJSON *node, cJSON *parent, size_t depth) {
  l->total++;
  if (l->n >= GT_JSONPATH_MAX_NODES) return;
  if (l->n == l->cap) {
    l->cap = l->cap ? l->cap * 2 : 16;
    l->items = gt_xrealloc(l->items, l->cap * sizeof *l->items);
  }
  l->items[l->n++] = (hit){node, parent, depth};
}

static void apply_selector(const selector *s, const hit *in, hitlist *out) {
  cJSON *node = in->node;
  if (s->kind == SEL_WILD) {
    if (!cJSON_IsArray(node) && !cJSON_IsObject(node)) return;
    for (cJSON *c = node->child; c; c = c->next)
      hits_add(out, c, node, in->depth + 1);
  } else if (s->kind == SEL_NAME) {
    if (!cJSON_IsObject(node) || s->name_nul) return;
    for (cJSON *c = node->child; c; c = c->next) {
      if (c->string && strcmp(c->string, s->name) == 0) {
        hits_add(out, c, node, in->depth + 1);
        return; /* duplicate keys: the first one, as cJSON lookups do */
      }
    }
  } else {
    if (!cJSON_IsArray(node)) return;
    long long len = cJSON_GetArraySize(node);
    long long i = s->index < 0 ? len + s->index : s->index;
    if (i < 0 || i >= len) return;
    cJSON *c = node->child;
    for (long long k = 0; k < i && c; k++)
      c = c->next;
    if (c) hits_add(out, c, node, in->depth + 1);
  }
}

static void apply_segment_at(const segment *seg, const hit *in, hitlist *out) {
  for (size_t k = 0; k < seg->n; k++)
    apply_selector(&seg->sels[k], in, out);
}

/* Visits in and all its descendants in document order; recursion depth is
 * bounded by the document's nesting (cJSON refuses to parse past 1000). */
static void apply_descendant(const segment *seg, const hit *in, hitlist *out) {
  if (out->n >= GT_JSONPATH_MAX_NODES) {
    out->total++; /* keep counting cheaply: the list is full anyway */
    return;
  }
  apply_segment_at(seg, in, out);
  if (!cJSON_IsArray(in->node) && !cJSON_IsObject(in->node)) return;
  for (cJSON *c = in->node->child; c; c = c->next) {
    hit h = {c, in->node, in->depth + 1};
    apply_descendant(seg, &h, out);
  }
}

static void eval_hits(const gt_jsonpath *p, cJSON *doc, hitlist *result) {
  hitlist cur = {0};
  memset(result, 0, sizeof *result);
  if (!p || !doc) return;
  hits_add(&cur, doc, NULL, 0);
  for (size_t i = 0; i < p->n && cur.n > 0; i++) {
    hitlist next = {0};
    for (size_t k = 0; k < cur.n; k++) {
      if (p->segs[i].descendant)
        apply_descendant(&p->segs[i], &cur.items[k], &next);
      else
        apply_segment_at(&p->segs[i], &cur.items[k], &next);
    }
    /* A capped list keeps the larger total so callers see the overflow. */
    if (cur.total > cur.n && next.total < cur.total) next.total = cur.total;
    free(cur.items);
    cur = next;
  }
  *result = cur;
}

size_t gt_jsonpath_eval(const gt_jsonpath *p, const cJSON *doc, const cJSON **out, size_t max) {
  hitlist l;
  /* The evaluator is shared with delete/set, which change the document and
   * so take it mutable; here the hits are only read (const again below). */
  eval_hits(p, (cJSON *)(uintptr_t)doc, &l);
  for (size_t i = 0; i < l.n && i < max; i++)
    out[i] = l.items[i].node;
  size_t total = l.total > l.n ? l.total : l.n;
  free(l.items);
  return total;
}

size_t gt_jsonpath_count(const gt_jsonpath *p, const cJSON *doc) {
  return gt_jsonpath_eval(p, doc, NULL, 0);
}

/* Deepest first, so freeing a node never frees another we still have to
 * visit; identical nodes end up adjacent and are handled once. */
static int cmp_deepest_first(const void *a, const void *b) {
  const hit *x = a, *y = b;
  if (x->depth != y->depth) return x->depth > y->depth ? -1 : 1;
  uintptr_t px = (uintptr_t)x->node, py = (uintptr_t)y->node;
  return px < py ? -1 : px > py;
}

static void sort_unique(hitlist *l) {
  if (l->n < 2) return;
  qsort(l->items, l->n, sizeof *l->items, cmp_deepest_first);
  size_t w = 1;
  for (size_t r = 1; r < l->n; r++)
    if (l->items[r].node != l->items[w - 1].node) l->items[w++] = l->items[r];
  l->n = w;
}

size_t gt_jsonpath_delete(const gt_jsonpath *p, cJSON *doc) {
  hitlist l;
  eval_hits(p, doc, &l);
  sort_unique(&l);
  size_t removed = 0;
  for (size_t i = 0; i < l.n; i++) {
    if (!l.items[i].parent) continue; /* the root cannot be removed from itself */
    cJSON_Delete(cJSON_DetachItemViaPointer(l.items[i].parent, l.items[i].node));
    removed++;
  }
  free(l.items);
  return removed;
}

/* Replaces node's value by a copy of value, keeping its place and key. */
static void replace_in_place(cJSON *node, const cJSON *value) {
  cJSON *dup = cJSON_Duplicate(value, true);
  if (!dup) gt_oom();
  if (!(node->type & cJSON_IsReference)) {
    if (node->child) cJSON_Delete(node->child); /* deletes the whole sibling chain */
    if (node->valuestring) free(node->valuestring);
  }
  node->type = (dup->type & 0xFF) | (node->type & cJSON_StringIsConst);
  node->child = dup->child;
  node->valuestring = dup->valuestring;
  node->valueint = dup->valueint;
  node->valuedouble = dup->valuedouble;
  dup->child = NULL;
  dup->valuestring = NULL;
  dup->type &= ~(cJSON_IsReference);
  cJSON_Delete(dup); /* frees only dup itself (and its key copy, if any) */
}

size_t gt_jsonpath_set(const gt_jsonpath *p, cJSON *doc, const cJSON *value) {
  if (!value) return 0;
  hitlist l;
  eval_hits(p, doc, &l);
  sort_unique(&l);
  for (size_t i = 0; i < l.n; i++)
    replace_in_place(l.items[i].node, value);
  size_t n = l.n;
  free(l.items);
  return n;
}
