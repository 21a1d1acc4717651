/* regex_example.c — an example string for a simple regex, so that serve can
 * answer `build_id: !regex "^[0-9a-f]{24}$"` with something a client will
 * accept. Handles literals, escapes (\d \w \s and escaped punctuation), '.',
 * character classes with ranges, groups with alternation (first branch) and
 * the quantifiers ? * + {n} {n,} {n,m}. Anything else gives up (NULL); the
 * caller verifies the result against the real regex anyway. */
#include <stdlib.h>
#include <string.h>

#include "template_internal.h"

#define MAX_OUT 4096
#define MAX_REPEAT 256

typedef struct gen {
  const char *re;
  size_t pos;
  bool failed;
} gen;

/* One atom: the characters it may produce, cycled when repeated. */
typedef struct atom {
  char chars[128];
  size_t n;     /* class members; 0 with is_text for groups */
  bool is_text; /* a group: fixed text repeated */
  gt_buf text;
} atom;

static void gen_alt(gen *g, gt_buf *out, int depth);

static void atom_char(atom *a, char c) {
  if (a->n < sizeof a->chars) a->chars[a->n++] = c;
}

/* \d \w \s and escaped punctuation; returns false for what we do not handle. */
static bool escape_chars(char e, atom *a) {
  switch (e) {
  case 'd':
    for (char c = '0'; c <= '9'; c++)
      atom_char(a, c);
    return true;
  case 'w':
    for (char c = 'a'; c <= 'z'; c++)
      atom_char(a, c);
    for (char c = '0'; c <= '9'; c++)
      atom_char(a, c);
    return true;
  case 's':
    atom_char(a, ' ');
    return true;
  case 'D':
    atom_char(a, 'a');
    return true;
  case 'W':
    atom_char(a, '-');
    return true;
  case 'S':
    atom_char(a, 'a');
    return true;
  case 't':
    atom_char(a, '\t');
    return true;
  case 'n':
    atom_char(a, '\n');
    return true;
  default:
    if (e && strchr(".^$|()[]{}*+?\\/-:#@!\"'&%,;<>=~`_ ", e)) {
      atom_char(a, e);
      return true;
    }
    return false;
  }
}

static bool parse_class(gen *g, atom *a) {
  g->pos++; /* '[' */
  bool negated = g->re[g->pos] == '^';
  if (negated) g->pos++;
  bool member[128] = {false};
  bool first = true;
  for (int guard = 0; guard < 4096; guard++) {
    char c = g->re[g->pos];
    if (c == 0) return false;
    if (c == ']' && !first) {
      g->pos++;
      break;
    }
    first = false;
    if (c == '[') return false; /* POSIX classes: not handled */
    atom tmp = {0};
    if (c == '\\') {
      if (!escape_chars(g->re[g->pos + 1], &tmp)) return false;
      g->pos += 2;
      for (size_t i = 0; i < tmp.n; i++)
        member[(unsigned char)tmp.chars[i] & 0x7F] = true;
      continue;
    }
    if ((unsigned char)c >= 0x80) return false;
    g->pos++;
    if (g->re[g->pos] == '-' && g->re[g->pos + 1] != ']' && g->re[g->pos + 1] != 0) {
      char hi = g->re[g->pos + 1];
      if (hi == '\\' || (unsigned char)hi >= 0x80 || hi < c) return false;
      for (int k = c; k <= hi; k++)
        member[k] = true;
      g->pos += 2;
    } else {
      member[(unsigned char)c] = true;
    }
  }
  if (negated) {
    const char *cands = "a0Z_x";
    for (const char *p = cands; *p; p++)
      if (!member[(unsigned char)*p]) {
        atom_char(a, *p);
        return true;
      }
    return false;
  }
  for (int k = 32; k < 127; k++)
    if (member[k]) atom_char(a, (char)k);
  if (a->n == 0) return false;
  return true;
}

/* The repeat count a quantifier asks for (1 without one). */
static size_t quantifier(gen *g) {
  char c = g->re[g->pos];
  size_t count = 1;
  if (c == '?') {
    count = 1;
    g->pos++;
  } else if (c == '*' || c == '+') {
    count = 8; /* a plausible-looking length */
    g->pos++;
  } else if (c == '{') {
    size_t p = g->pos + 1, lo = 0, hi = 0;
    bool has_lo = false, has_comma = false, has_hi = false;
    while (g->re[p] >= '0' && g->re[p] <= '9' && lo < 100000)
      lo = lo * 10 + (size_t)(g->re[p++] - '0'), has_lo = true;
    if (g->re[p] == ',') {
      has_comma = true;
      p++;
      while (g->re[p] >= '0' && g->re[p] <= '9' && hi < 100000)
        hi = hi * 10 + (size_t)(g->re[p++] - '0'), has_hi = true;
    }
    if (g->re[p] != '}' || !has_lo) return 1; /* a literal '{' in PCRE2 */
    g->pos = p + 1;
    count = lo;
    if (has_comma && lo == 0) count = has_hi && hi < 8 ? hi : 8;
    if (count > MAX_REPEAT) {
      g->failed = true;
      return 0;
    }
  } else {
    return 1;
  }
  /* lazy / possessive suffixes change nothing for an example */
  if (g->re[g->pos] == '?' || g->re[g->pos] == '+') g->pos++;
  return count;
}

static void gen_seq(gen *g, gt_buf *out, int depth) {
  for (int guard = 0; guard < 4096 && !g->failed; guard++) {
    char c = g->re[g->pos];
    if (c == 0 || c == ')' || c == '|') return;
    if (c == '^' || c == '$') { /* anchors produce nothing */
      g->pos++;
      continue;
    }
    atom a = {0};
    gt_buf_init(&a.text);
    if (c == '[') {
      if (!parse_class(g, &a)) g->failed = true;
    } else if (c == '\\') {
      char e = g->re[g->pos + 1];
      if (e == 'A' || e == 'z' || e == 'Z') { /* anchors */
        g->pos += 2;
        continue;
      }
      if (!escape_chars(e, &a)) g->failed = true;
      g->pos += 2;
    } else if (c == '.') {
      atom_char(&a, 'x');
      g->pos++;
    } else if (c == '(') {
      g->pos++;
      if (g->re[g->pos] == '?') {
        if (g->re[g->pos + 1] != ':') {
          g->failed = true; /* lookaround, named groups, options */
        } else {
          g->pos += 2;
        }
      }
      if (!g->failed) {
        a.is_text = true;
        gen_alt(g, &a.text, depth + 1);
        if (g->re[g->pos] != ')')
          g->failed = true;
        else
          g->pos++;
      }
    } else if (c == '*' || c == '+' || c == '?' || c == '{' || c == ']' || c == '}') {
      if (c == '{' || c == ']' || c == '}') { /* literal in PCRE2 when not a quantifier */
        atom_char(&a, c);
        g->pos++;
      } else {
        g->failed = true;
      }
    } else {
      atom_char(&a, c);
      g->pos++;
    }
    size_t count = g->failed ? 0 : quantifier(g);
    for (size_t i = 0; i < count && !g->failed; i++) {
      if (out->len > MAX_OUT) {
        g->failed = true;
        break;
      }
      if (a.is_text)
        gt_buf_add(out, a.text.data ? a.text.data : "", a.text.len);
      else if (a.n)
        gt_buf_addc(out, a.chars[i % a.n]);
    }
    gt_buf_free(&a.text);
  }
}

/* First alternative; later ones are skipped up to the closing ')' or the end. */
static void gen_alt(gen *g, gt_buf *out, int depth) {
  if (depth > 32) {
    g->failed = true;
    return;
  }
  gen_seq(g, out, depth);
  while (!g->failed && g->re[g->pos] == '|') { /* skip the other branches */
    g->pos++;
    gt_buf scratch;
    gt_buf_init(&scratch);
    gen_seq(g, &scratch, depth);
    gt_buf_free(&scratch);
  }
}

char *tmpl_regex_example(const char *re) {
  if (!re) return NULL;
  gen g = {re, 0, false};
  gt_buf out;
  gt_buf_init(&out);
  gen_alt(&g, &out, 0);
  if (g.failed || g.re[g.pos] != 0) {
    gt_buf_free(&out);
    return NULL;
  }
  if (!out.data) gt_buf_adds(&out, "");
  return gt_buf_steal(&out);
}
