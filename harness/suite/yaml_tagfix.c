/* yaml_tagfix.c — parse YAML, working around libfyaml 0.7.12 gluing a tag to
 * the flow indicator right after it (see yaml_tagfix.h for the why).
 *
 * The scan below is not a YAML parser: it only needs to know, byte by byte,
 * whether it is inside a flow collection, a quoted scalar, a comment or a
 * block scalar, and whether a node may start here (so that the `!` of a plain
 * scalar like `a!b` is not taken for a tag). It is used only on text libfyaml
 * already got wrong, so a rare misjudgement costs a missed fix, never a
 * changed reading of a document libfyaml reads correctly. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"
#include "suite.h"
#include "yaml_tagfix.h"

typedef struct scan {
  const char *s;
  size_t len, i;
  int line, col; /* of s[i] in the text as written */
  int indent;    /* leading spaces of the current line */
  int depth;     /* flow collection nesting */
  bool node_start;
  gt_buf out;
  size_t n, cap;
  int *lines, *cols;
} scan;

static bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}
static bool is_flow(char c) {
  return c == ',' || c == '[' || c == ']' || c == '{' || c == '}';
}
static char peek(const scan *sc, size_t ahead) {
  return sc->i + ahead < sc->len ? sc->s[sc->i + ahead] : '\0';
}

/* Copies s[i] to the output and moves the position past it. */
static void adv(scan *sc) {
  char c = sc->s[sc->i++];
  gt_buf_addc(&sc->out, c);
  if (c == '\n') {
    sc->line++;
    sc->col = 1;
    sc->indent = 0;
    while (sc->i + (size_t)sc->indent < sc->len && sc->s[sc->i + sc->indent] == ' ')
      sc->indent++;
  } else if (((unsigned char)c & 0xC0) != 0x80) {
    sc->col++; /* libfyaml counts characters, not bytes */
  } else {
    /* a continuation byte: the character was counted at its first byte */
  }
}

static void insert_space(scan *sc) {
  if (sc->n == sc->cap) {
    sc->cap = sc->cap ? sc->cap * 2 : 8;
    sc->lines = gt_xrealloc(sc->lines, sc->cap * sizeof *sc->lines);
    sc->cols = gt_xrealloc(sc->cols, sc->cap * sizeof *sc->cols);
  }
  sc->lines[sc->n] = sc->line;
  sc->cols[sc->n] = sc->col;
  sc->n++;
  gt_buf_addc(&sc->out, ' ');
}

static void copy_to_eol(scan *sc) {
  while (sc->i < sc->len && sc->s[sc->i] != '\n')
    adv(sc);
}

static void copy_quoted(scan *sc) {
  char q = sc->s[sc->i];
  adv(sc);
  while (sc->i < sc->len) {
    char c = sc->s[sc->i];
    if (q == '"' && c == '\\' && sc->i + 1 < sc->len) {
      adv(sc);
      adv(sc);
    } else if (c == q && q == '\'' && peek(sc, 1) == '\'') {
      adv(sc);
      adv(sc);
    } else if (c == q) {
      adv(sc);
      return;
    } else {
      adv(sc);
    }
  }
}

/* `|` or `>` at a node start in block context: its content is every following
 * line that is blank or indented at least as far as its first non-blank line,
 * which must be indented deeper than the indicator's line. */
static void copy_block_scalar(scan *sc) {
  int parent = sc->indent, content = 0;
  copy_to_eol(sc);
  while (sc->i < sc->len) {
    size_t j = sc->i + 1; /* s[i] is '\n' */
    int ind = 0;
    while (j < sc->len && sc->s[j] == ' ')
      j++, ind++;
    bool blank = j >= sc->len || sc->s[j] == '\n' || sc->s[j] == '\r';
    if (!blank) {
      if (ind <= parent || (content && ind < content)) return;
      if (!content) content = ind;
    }
    adv(sc); /* the '\n' */
    copy_to_eol(sc);
  }
}

/* A `!tag` at a node start; in a flow collection, a space goes between the
 * tag and a `]`, `}` or `,` glued to it. */
static void copy_tag(scan *sc) {
  if (peek(sc, 1) == '<') { /* verbatim !<...>: libfyaml reads these right */
    while (sc->i < sc->len && sc->s[sc->i] != '>' && !is_space(sc->s[sc->i]))
      adv(sc);
    if (sc->i < sc->len && sc->s[sc->i] == '>') adv(sc);
    return;
  }
  while (sc->i < sc->len && !is_space(sc->s[sc->i]) && !(sc->depth > 0 && is_flow(sc->s[sc->i])))
    adv(sc);
  if (sc->depth > 0 && sc->i < sc->len) {
    char c = sc->s[sc->i];
    if (c == ']' || c == '}' || c == ',') insert_space(sc);
  }
}

/* An anchor at a node start: the node still starts after it. */
static void copy_anchor(scan *sc) {
  adv(sc);
  while (sc->i < sc->len && !is_space(sc->s[sc->i]) && !(sc->depth > 0 && is_flow(sc->s[sc->i])))
    adv(sc);
}

/* A tag or an anchor where a node starts (in flow or block context alike):
 * copied whole; true when it was one. */
static bool node_property(scan *sc, char c) {
  if (!sc->node_start || (c != '!' && c != '&')) return false;
  if (c == '!')
    copy_tag(sc);
  else
    copy_anchor(sc);
  return true;
}

static void step_flow(scan *sc, char c) {
  char next = peek(sc, 1);
  if (c == '[' || c == '{') {
    sc->depth++;
    sc->node_start = true;
  } else if (c == ']' || c == '}') {
    sc->depth--;
    sc->node_start = false;
  } else if (c == ',') {
    sc->node_start = true;
  } else if ((c == ':' || c == '?') && (is_space(next) || is_flow(next) || next == '\0')) {
    sc->node_start = true;
  } else {
    sc->node_start = false;
  }
  adv(sc);
}

static void step_block(scan *sc, char c) {
  char next = peek(sc, 1);
  bool spaced = is_space(next) || next == '\0';
  if (sc->node_start && (c == '[' || c == '{')) {
    sc->depth = 1;
  } else if (sc->node_start && (c == '|' || c == '>')) {
    copy_block_scalar(sc);
    sc->node_start = true; /* the next line starts a node */
    return;
  } else if ((c == ':' && spaced) || (sc->node_start && (c == '-' || c == '?') && spaced)) {
    sc->node_start = true;
  } else {
    sc->node_start = false;
  }
  adv(sc);
}

size_t gt_yaml_tagfix(const char *data, size_t len, gt_tagfix *fix) {
  scan sc = {.s = data, .len = len, .line = 1, .col = 1, .node_start = true};
  gt_buf_init(&sc.out);
  gt_buf_addc(&sc.out, '\0'); /* data is never NULL, even for empty text */
  sc.out.len = 0;
  while (sc.i < len) { /* every step consumes at least one byte */
    char c = data[sc.i];
    char prev = sc.i ? data[sc.i - 1] : '\n';
    if (c == '\n') {
      if (sc.depth == 0) sc.node_start = true;
      adv(&sc);
    } else if (c == ' ' || c == '\t' || c == '\r') {
      adv(&sc);
    } else if (c == '#' && is_space(prev)) {
      copy_to_eol(&sc);
    } else if (c == '"' || c == '\'') {
      copy_quoted(&sc);
      sc.node_start = false;
    } else if (node_property(&sc, c)) {
      /* copied whole; the node still starts after an anchor */
    } else if (sc.depth > 0) {
      step_flow(&sc, c);
    } else {
      step_block(&sc, c);
    }
  }
  fix->len = sc.out.len;
  fix->text = gt_buf_steal(&sc.out);
  fix->n = sc.n;
  fix->line = sc.lines;
  fix->col = sc.cols;
  return fix->n;
}

int gt_tagfix_col(const gt_tagfix *fix, int line, int col) {
  int moved = 0, k = 0;
  for (size_t i = 0; i < fix->n; i++) {
    if (fix->line[i] != line) continue;
    /* the k-th space on this line sits at column col[i] + k of the fixed text */
    if (fix->col[i] + k < col) moved++;
    k++;
  }
  return col - moved;
}

void gt_tagfix_free(gt_tagfix *fix) {
  free(fix->text);
  free(fix->line);
  free(fix->col);
  memset(fix, 0, sizeof *fix);
}

static bool glued_tag(const gt_node *n) {
  if (!n) return false;
  if (n->tag && strpbrk(n->tag, ",[]{}")) return true;
  for (size_t i = 0; n->kind != GT_NODE_SCALAR && i < n->count; i++) {
    if (n->keys && glued_tag(n->keys[i])) return true;
    if (glued_tag(n->items[i])) return true;
  }
  return false;
}

static void remap(gt_node *n, const gt_tagfix *fix) {
  if (!n) return;
  n->col = gt_tagfix_col(fix, n->line, n->col);
  for (size_t i = 0; n->kind != GT_NODE_SCALAR && i < n->count; i++) {
    if (n->keys) remap(n->keys[i], fix);
    remap(n->items[i], fix);
  }
}

gt_node *gt_yaml_parse(const char *file, const char *data, size_t len, gt_err *err) {
  /* err is only written on failure, never read: callers need not clear it */
  gt_err first = {0};
  gt_node *root = gt_yaml_parse_exact(file, data, len, &first);
  if (root && !glued_tag(root)) return root; /* the common case: one parse */
  gt_tagfix fix;
  if (gt_yaml_tagfix(data, len, &fix) == 0) {
    gt_tagfix_free(&fix);
    if (!root) *err = first;
    return root;
  }
  gt_err second = {0};
  gt_node *fixed = gt_yaml_parse_exact(file, fix.text, fix.len, &second);
  if (fixed) {
    remap(fixed, &fix);
    gt_node_free(root);
  } else if (!root) {
    /* Both failed: the second error is the one past the glued tags. */
    if (second.line > 0) second.col = gt_tagfix_col(&fix, second.line, second.col);
    *err = second;
  } else {
    fixed = root; /* keep the first reading: the loader names the odd tag */
  }
  gt_tagfix_free(&fix);
  return fixed;
}
