/* pattern.c — a string matching a schema's `pattern` (docs/openapi.md
 * "Deriving scenarios"), for the values synth.c builds: the pattern
 * (ECMA-262 syntax, as JSON Schema reads it) is parsed into a small tree —
 * literals, escapes (\d \w \s and their negations, \t \n \xHH \uHHHH,
 * escaped punctuation, backreferences), '.', character classes with ranges
 * and negation, groups (capturing, (?:...), named), lookarounds and anchors
 * (which produce nothing), alternation and the quantifiers ? * + {n}
 * {n,} {n,m} (lazy or possessive) — and candidates are generated from it
 * (other alternatives, other repeat counts) until one matches the pattern,
 * checked by the schema validator's own regex engine (PCRE2), within the
 * length bounds. Anything it cannot read gives NULL: the caller falls back. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../schema/schema.h"
#include "oa_internal.h"

#define MAX_NODES 512
#define MAX_GROUPS 32
#define MAX_OUT 2048
#define N_CANDIDATES 48

typedef enum { P_SEQ, P_ALT, P_REPEAT, P_SET, P_TEXT, P_GROUP, P_BACKREF, P_EMPTY } p_kind;

typedef struct p_node {
  p_kind kind;
  struct p_node **kids; /* SEQ, ALT: children; REPEAT, GROUP: kids[0] */
  size_t n;
  unsigned min, max; /* REPEAT (max UINT32_MAX: unbounded); BACKREF, GROUP: min = index */
  uint8_t set[16];   /* SET: ASCII members (bit per code point) */
  bool non_ascii;    /* SET: a code point above 127 is a member */
  char text[8];      /* TEXT: one character, UTF-8 */
} p_node;

typedef struct parser {
  const char *re;
  size_t pos;
  bool failed;
  p_node *pool[MAX_NODES];
  size_t n_pool;
  unsigned groups;
} parser;

static p_node *new_node(parser *P, p_kind kind) {
  if (P->n_pool == MAX_NODES) {
    P->failed = true;
    return NULL;
  }
  p_node *n = gt_xcalloc(1, sizeof *n);
  n->kind = kind;
  P->pool[P->n_pool++] = n;
  return n;
}

static void add_kid(p_node *parent, p_node *kid) {
  parent->kids = gt_xrealloc(parent->kids, (parent->n + 1) * sizeof *parent->kids);
  parent->kids[parent->n++] = kid;
}

static void set_add(p_node *s, unsigned c) {
  if (c < 128)
    s->set[c / 8] |= (uint8_t)(1u << (c % 8));
  else
    s->non_ascii = true;
}

static bool set_has(const p_node *s, unsigned c) {
  return c < 128 ? (s->set[c / 8] >> (c % 8)) & 1 : s->non_ascii;
}

static void set_range(p_node *s, unsigned lo, unsigned hi) {
  for (unsigned c = lo; c <= hi && c < 128; c++)
    set_add(s, c);
  if (hi >= 128) s->non_ascii = true;
}

/* \d \w \s and their negations into s; false for another letter. */
static bool class_escape(p_node *s, char e) {
  p_node tmp = {0};
  switch (e) {
  case 'd':
  case 'D':
    set_range(&tmp, '0', '9');
    break;
  case 'w':
  case 'W':
    set_range(&tmp, 'a', 'z');
    set_range(&tmp, 'A', 'Z');
    set_range(&tmp, '0', '9');
    set_add(&tmp, '_');
    break;
  case 's':
  case 'S':
    set_add(&tmp, ' ');
    set_range(&tmp, '\t', '\r');
    tmp.non_ascii = true; /* U+00A0, U+2028... */
    break;
  default:
    return false;
  }
  bool negate = e == 'D' || e == 'W' || e == 'S';
  for (unsigned c = 0; c < 128; c++)
    if (set_has(&tmp, c) != negate) set_add(s, c);
  /* above ASCII: no digit or word character, some spaces and non-spaces */
  if (negate || tmp.non_ascii) s->non_ascii = true;
  return true;
}

static int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* The code point of a one-character escape after the backslash at P->pos
 * (P->pos moves past it); -1 when it is not one. */
static long char_escape(parser *P) {
  const char *r = P->re + P->pos;
  switch (r[1]) {
  case 't':
    P->pos += 2;
    return '\t';
  case 'n':
    P->pos += 2;
    return '\n';
  case 'r':
    P->pos += 2;
    return '\r';
  case 'f':
    P->pos += 2;
    return '\f';
  case 'v':
    P->pos += 2;
    return '\v';
  case '0':
    P->pos += 2;
    return 0;
  case 'x':
  case 'u': {
    int digits = r[1] == 'x' ? 2 : 4;
    long v = 0;
    size_t i = 2;
    bool braces = r[1] == 'u' && r[2] == '{';
    if (braces) i = 3;
    for (int k = 0; braces ? r[i] != '}' : k < digits; k++, i++) {
      int h = hex_digit(r[i]);
      if (h < 0 || k > 6) return -1;
      v = v * 16 + h;
    }
    P->pos += i + (braces ? 1 : 0);
    return v;
  }
  default:
    if (r[1] && !((r[1] >= 'a' && r[1] <= 'z') || (r[1] >= 'A' && r[1] <= 'Z') ||
                  (r[1] >= '0' && r[1] <= '9'))) {
      P->pos += 2; /* escaped punctuation: itself */
      return (unsigned char)r[1];
    }
    return -1;
  }
}

/* One UTF-8 character at P->pos as a code point (P->pos moves past it). */
static long utf8_char(parser *P) {
  const unsigned char *s = (const unsigned char *)P->re + P->pos;
  if (s[0] < 0x80) {
    P->pos++;
    return s[0];
  }
  int n = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2 : 0;
  if (!n) return -1;
  long v = s[0] & (0x3F >> (n - 1));
  for (int i = 1; i < n; i++) {
    if ((s[i] & 0xC0) != 0x80) return -1;
    v = (v << 6) | (s[i] & 0x3F);
  }
  P->pos += (size_t)n;
  return v;
}

static void put_utf8(char *out, long cp) {
  unsigned long c = (unsigned long)cp;
  if (c < 0x80) {
    out[0] = (char)c;
    out[1] = 0;
  } else if (c < 0x800) {
    out[0] = (char)(0xC0 | (c >> 6));
    out[1] = (char)(0x80 | (c & 0x3F));
    out[2] = 0;
  } else if (c < 0x10000) {
    out[0] = (char)(0xE0 | (c >> 12));
    out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
    out[2] = (char)(0x80 | (c & 0x3F));
    out[3] = 0;
  } else {
    out[0] = (char)(0xF0 | (c >> 18));
    out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
    out[3] = (char)(0x80 | (c & 0x3F));
    out[4] = 0;
  }
}

static p_node *text_node(parser *P, long cp) {
  p_node *t = new_node(P, P_TEXT);
  if (t) put_utf8(t->text, cp);
  return t;
}

/* [...] at P->pos. */
static p_node *parse_class(parser *P) {
  p_node *s = new_node(P, P_SET);
  if (!s) return NULL;
  P->pos++;
  bool negated = P->re[P->pos] == '^';
  if (negated) P->pos++;
  p_node members = {0};
  for (bool first = true;; first = false) {
    char c = P->re[P->pos];
    if (!c) {
      P->failed = true;
      return NULL;
    }
    if (c == ']' && !first) {
      P->pos++;
      break;
    }
    long lo;
    if (c == '\\') {
      if (class_escape(&members, P->re[P->pos + 1])) {
        P->pos += 2;
        continue;
      }
      if (P->re[P->pos + 1] == 'b') { /* backspace in a class */
        P->pos += 2;
        lo = '\b';
      } else if ((lo = char_escape(P)) < 0) {
        P->failed = true;
        return NULL;
      }
    } else if ((lo = utf8_char(P)) < 0) {
      P->failed = true;
      return NULL;
    }
    long hi = lo;
    if (P->re[P->pos] == '-' && P->re[P->pos + 1] && P->re[P->pos + 1] != ']') {
      P->pos++;
      if (P->re[P->pos] == '\\')
        hi = char_escape(P);
      else
        hi = utf8_char(P);
      if (hi < lo) {
        P->failed = true;
        return NULL;
      }
    }
    set_range(&members, (unsigned)lo, (unsigned)(hi > 0x10FFFF ? 0x10FFFF : hi));
  }
  for (unsigned c = 0; c < 128; c++)
    if (set_has(&members, c) != negated) set_add(s, c);
  /* a negated class admits some character above ASCII unless it names them
   * all (approximated: a range reaching past 127 excludes them) */
  s->non_ascii = negated ? !members.non_ascii : members.non_ascii;
  return s;
}

static p_node *parse_alt(parser *P, int depth);

static p_node *parse_atom(parser *P, int depth) {
  char c = P->re[P->pos];
  if (c == '^' || c == '$') {
    P->pos++;
    return new_node(P, P_EMPTY);
  }
  if (c == '[') return parse_class(P);
  if (c == '.') {
    P->pos++;
    p_node *s = new_node(P, P_SET);
    if (s) {
      set_range(s, 32, 126);
      s->non_ascii = true;
    }
    return s;
  }
  if (c == '(') {
    P->pos++;
    bool capture = true, look = false;
    if (P->re[P->pos] == '?') {
      char k = P->re[P->pos + 1];
      if (k == ':') {
        capture = false;
        P->pos += 2;
      } else if (k == '=' || k == '!') {
        look = true;
        P->pos += 2;
      } else if (k == '<' && (P->re[P->pos + 2] == '=' || P->re[P->pos + 2] == '!')) {
        look = true;
        P->pos += 3;
      } else if (k == '<') { /* (?<name>...) */
        const char *end = strchr(P->re + P->pos, '>');
        if (!end) {
          P->failed = true;
          return NULL;
        }
        P->pos = (size_t)(end - P->re) + 1;
      } else {
        P->failed = true; /* flags and the like */
        return NULL;
      }
    }
    unsigned index = capture ? ++P->groups : 0;
    p_node *inner = parse_alt(P, depth + 1);
    if (P->failed || P->re[P->pos] != ')') {
      P->failed = true;
      return NULL;
    }
    P->pos++;
    if (look) return new_node(P, P_EMPTY); /* produces nothing; the check decides */
    p_node *g = new_node(P, P_GROUP);
    if (!g) return NULL;
    g->min = index;
    add_kid(g, inner);
    return g;
  }
  if (c == '\\') {
    char e = P->re[P->pos + 1];
    if (e == 'b' || e == 'B') {
      P->pos += 2;
      return new_node(P, P_EMPTY);
    }
    if (e >= '1' && e <= '9') {
      P->pos++;
      unsigned n = 0;
      while (P->re[P->pos] >= '0' && P->re[P->pos] <= '9' && n < 1000)
        n = n * 10 + (unsigned)(P->re[P->pos++] - '0');
      p_node *b = new_node(P, P_BACKREF);
      if (b) b->min = n;
      return b;
    }
    p_node *s = new_node(P, P_SET);
    if (s && class_escape(s, e)) {
      P->pos += 2;
      return s;
    }
    long cp = char_escape(P);
    if (cp < 0) {
      P->failed = true;
      return NULL;
    }
    return text_node(P, cp);
  }
  if (c == '*' || c == '+' || c == '?' || c == ')' || c == '|') {
    P->failed = true;
    return NULL;
  }
  long cp = utf8_char(P);
  if (cp < 0) {
    P->failed = true;
    return NULL;
  }
  return text_node(P, cp);
}

/* A quantifier after an atom: true with the bounds in min and max, else
 * false (P->pos kept). */
static bool parse_quantifier(parser *P, unsigned *min, unsigned *max) {
  char c = P->re[P->pos];
  if (c == '?' || c == '*' || c == '+') {
    *min = c == '+' ? 1 : 0;
    *max = c == '?' ? 1 : UINT32_MAX;
    P->pos++;
  } else if (c == '{') {
    size_t p = P->pos + 1;
    unsigned lo = 0, hi = 0;
    bool has_lo = false, comma = false, has_hi = false;
    while (P->re[p] >= '0' && P->re[p] <= '9' && lo < 100000)
      lo = lo * 10 + (unsigned)(P->re[p++] - '0'), has_lo = true;
    if (P->re[p] == ',') {
      comma = true;
      p++;
      while (P->re[p] >= '0' && P->re[p] <= '9' && hi < 100000)
        hi = hi * 10 + (unsigned)(P->re[p++] - '0'), has_hi = true;
    }
    if (P->re[p] != '}' || !has_lo) return false; /* a literal '{' */
    P->pos = p + 1;
    *min = lo;
    *max = !comma ? lo : has_hi ? hi : UINT32_MAX;
  } else {
    return false;
  }
  if (P->re[P->pos] == '?' || P->re[P->pos] == '+') P->pos++; /* lazy, possessive */
  return true;
}

static p_node *parse_seq(parser *P, int depth) {
  p_node *seq = new_node(P, P_SEQ);
  while (seq && !P->failed) {
    char c = P->re[P->pos];
    if (!c || c == '|' || c == ')') break;
    p_node *a = parse_atom(P, depth);
    if (!a) break;
    unsigned min, max;
    if (parse_quantifier(P, &min, &max)) {
      p_node *r = new_node(P, P_REPEAT);
      if (!r) break;
      r->min = min;
      r->max = max;
      add_kid(r, a);
      a = r;
    }
    add_kid(seq, a);
  }
  return seq;
}

static p_node *parse_alt(parser *P, int depth) {
  if (depth > 32) {
    P->failed = true;
    return NULL;
  }
  p_node *first = parse_seq(P, depth);
  if (P->failed || P->re[P->pos] != '|') return first;
  p_node *alt = new_node(P, P_ALT);
  if (!alt) return NULL;
  add_kid(alt, first);
  while (!P->failed && P->re[P->pos] == '|') {
    P->pos++;
    add_kid(alt, parse_seq(P, depth));
  }
  return alt;
}

/* ---- generating ---- */

typedef struct gen {
  uint64_t rng;
  int variant;    /* 0: first alternatives, fewest repeats; then more varied */
  unsigned extra; /* repeats added to each unbounded or ranged quantifier */
  gt_buf groups[MAX_GROUPS + 1];
  bool too_long;
} gen;

/* A member of the set: letters and digits first, the rest after. */
static void gen_set(gen *G, const p_node *s, unsigned i, gt_buf *out) {
  static const char PREFERRED[] = "abcdefghijklmnopqrstuvwxyz0123456789"
                                  "ABCDEFGHIJKLMNOPQRSTUVWXYZ-_. ~!@#$%&*+=:;,/?|^'\"`<>()[]{}\\";
  char pick[128];
  size_t n = 0;
  for (const char *p = PREFERRED; *p; p++)
    if (set_has(s, (unsigned char)*p)) pick[n++] = *p;
  if (n) {
    gt_buf_addc(out, pick[(i + (G->variant > 1 ? G->rng % n : 0)) % n]);
    return;
  }
  if (s->non_ascii) {
    gt_buf_adds(out, "\xc3\xa9"); /* é */
    return;
  }
  for (unsigned c = 0; c < 128; c++)
    if (set_has(s, c)) {
      gt_buf_addc(out, (char)c);
      return;
    }
}

static void gen_node(gen *G, const p_node *n, gt_buf *out, unsigned index) {
  if (!n || out->len > MAX_OUT) {
    G->too_long = G->too_long || out->len > MAX_OUT;
    return;
  }
  switch (n->kind) {
  case P_SEQ:
    for (size_t i = 0; i < n->n; i++)
      gen_node(G, n->kids[i], out, index);
    return;
  case P_ALT: {
    uint64_t r = gt_splitmix64(&G->rng);
    size_t pick = G->variant == 0 ? 0 : (size_t)(r % n->n);
    gen_node(G, n->kids[pick], out, index);
    return;
  }
  case P_REPEAT: {
    unsigned count = n->min;
    if (n->max > n->min) {
      unsigned room = n->max - n->min;
      unsigned add = G->extra;
      if (G->variant % 2 == 1 && count == 0) add++; /* an optional part present */
      count += add < room ? add : room;
    }
    if (count > 256) count = 256;
    for (unsigned i = 0; i < count; i++)
      gen_node(G, n->kids[0], out, i);
    return;
  }
  case P_SET:
    gen_set(G, n, index, out);
    return;
  case P_TEXT:
    gt_buf_adds(out, n->text);
    return;
  case P_GROUP: {
    size_t start = out->len;
    gen_node(G, n->kids[0], out, index);
    if (n->min && n->min <= MAX_GROUPS) {
      gt_buf *g = &G->groups[n->min];
      g->len = 0;
      gt_buf_add(g, out->data ? out->data + start : "", out->len - start);
    }
    return;
  }
  case P_BACKREF:
    if (n->min <= MAX_GROUPS && G->groups[n->min].len)
      gt_buf_add(out, G->groups[n->min].data, G->groups[n->min].len);
    return;
  case P_EMPTY:
    return;
  }
}

static size_t utf8_len(const char *s) {
  size_t n = 0;
  for (; *s; s++)
    if (((unsigned char)*s & 0xC0) != 0x80) n++;
  return n;
}

char *oa_pattern_example(const char *pattern, double min_len, double max_len, uint64_t seed) {
  if (!pattern) return NULL;
  parser P = {.re = pattern};
  p_node *root = parse_alt(&P, 0);
  char *found = NULL;
  gt_schema *check = NULL;
  if (!P.failed && root && !P.re[P.pos]) {
    /* the validator's own reading of the pattern (ECMA-262 via PCRE2) */
    cJSON *sj = cJSON_CreateObject();
    cJSON_AddStringToObject(sj, "type", "string");
    cJSON_AddStringToObject(sj, "pattern", pattern);
    if (max_len >= 0) cJSON_AddNumberToObject(sj, "maxLength", max_len);
    if (min_len > 0) cJSON_AddNumberToObject(sj, "minLength", min_len);
    gt_err err = {0};
    gt_schema_opts so = {.dialect = GT_DIALECT_2020_12, .no_files = true};
    check = gt_schema_compile_json(sj, "pattern", &so, &err);
    cJSON_Delete(sj);
  }
  for (int v = 0; check && v < N_CANDIDATES && !found; v++) {
    gen G = {.rng = seed ^ ((uint64_t)v * 0x9E3779B97F4A7C15ULL), .variant = v};
    /* more repeats in later candidates: one by one, then sized for minLength */
    G.extra = v < 4    ? (unsigned)(v / 2)
              : v < 36 ? (unsigned)(v - 4)
                       : (unsigned)(min_len * (v - 35) / 8);
    for (size_t i = 0; i <= MAX_GROUPS; i++)
      gt_buf_init(&G.groups[i]);
    gt_buf out;
    gt_buf_init(&out);
    gen_node(&G, root, &out, 0);
    gt_buf_adds(&out, "");
    for (size_t i = 0; i <= MAX_GROUPS; i++)
      gt_buf_free(&G.groups[i]);
    cJSON *s = G.too_long ? NULL : cJSON_CreateString(out.data);
    if (s && gt_schema_valid(check, s) && (max_len < 0 || (double)utf8_len(out.data) <= max_len))
      found = gt_buf_steal(&out);
    cJSON_Delete(s);
    gt_buf_free(&out);
  }
  gt_schema_free(check);
  for (size_t i = 0; i < P.n_pool; i++) {
    free(P.pool[i]->kids);
    free(P.pool[i]);
  }
  return found;
}
