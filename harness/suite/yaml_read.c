/* yaml_read.c — YAML text to a gt_node tree with libfyaml's event parser.
 *
 * The event API (not the document API) is used because libfyaml 0.7 exposes
 * no start mark for document nodes, and every diagnostic needs FILE:LINE:COL
 * for maps and sequences too. The input is checked for malformed UTF-8 and
 * NUL bytes first (with a position), libfyaml's own errors are collected
 * through a quiet diag object, duplicate keys are rejected here, and aliases
 * are resolved by cloning (bounded, against alias bombs). */
#include <libfyaml.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"
#include "../core/utf8.h"
#include "suite.h"
#include "yaml_squote.h"
#include "yaml_tagfix.h" /* gt_yaml_parse (yaml_tagfix.c) wraps gt_yaml_parse_exact */

#define MAX_DEPTH 200
#define MAX_NODES 1000000 /* after alias expansion */

static void silent_output(struct fy_diag *d, void *user, const char *buf, size_t len) {
  (void)d, (void)user, (void)buf, (void)len;
}

/* Columns count characters, as libfyaml's do. */
static bool check_bytes(const char *file, const char *data, size_t len, gt_err *err) {
  int line = 1, col = 1;
  size_t i = 0;
  while (i < len) {
    const unsigned char *p = (const unsigned char *)data + i;
    if (*p == 0) return gt_err_set(err, GT_ERR_INPUT, file, line, col, "NUL byte in YAML input");
    size_t k = gt_utf8_seq(p, len - i);
    if (k == 0)
      return gt_err_set(err, GT_ERR_INPUT, file, line, col,
                        "malformed UTF-8 (byte 0x%02x); suites and profiles must be UTF-8", *p);
    if (*p == '\n')
      line++, col = 1;
    else
      col++;
    i += k;
  }
  return true;
}

/* ---- tree building ---- */

typedef struct anchor {
  char *name;
  gt_node *node; /* borrowed from the tree being built */
} anchor;

/* The children of every open collection wait on one shared stack (a
 * collection's children are contiguous on it: nothing else is pushed until
 * it ends) and are copied once, at its end, into exact-size arena arrays. */
typedef struct pending {
  gt_node *key;   /* MAP entries; NULL in a SEQ */
  gt_node *value; /* NULL while a MAP key waits for its value */
} pending;

typedef struct builder {
  const char *file;
  const char *data; /* the parsed text: single-quoted scalars are decoded from it */
  size_t len;
  gt_node_arena *arena; /* owned by root once root exists (see gt_node_arena_root) */
  gt_node *stack[MAX_DEPTH];
  size_t first_child[MAX_DEPTH]; /* where each open collection's children start in kids */
  int depth;
  pending *kids;
  size_t n_kids, cap_kids;
  gt_node **scratch; /* keys then values of the collection being closed */
  size_t cap_scratch;
  gt_node *root;
  anchor *anchors;
  size_t n_anchors;
  size_t n_nodes;
  int documents;
  char *text; /* decoding buffer for single-quoted scalars (owned; freed at the end) */
  size_t cap_text;
  gt_err *err;
} builder;

static size_t count_nodes(const gt_node *n) {
  size_t c = 1;
  for (size_t i = 0; i < n->count; i++)
    c += count_nodes(n->items[i]) + (n->keys ? count_nodes(n->keys[i]) : 0);
  return c;
}

static void mark_pos(const struct fy_mark *m, int *line, int *col) {
  *line = m ? m->line + 1 : 0;
  *col = m ? m->column + 1 : 0;
}

static void push_kid(builder *b, gt_node *key, gt_node *value) {
  if (b->n_kids == b->cap_kids) {
    b->cap_kids = b->cap_kids ? b->cap_kids * 2 : 64;
    b->kids = gt_xrealloc(b->kids, b->cap_kids * sizeof *b->kids);
  }
  b->kids[b->n_kids++] = (pending){key, value};
}

static bool attach(builder *b, gt_node *n) {
  if (b->depth == 0) {
    if (b->root) {
      int line = n->line, col = n->col;
      gt_node_free(n);
      return gt_err_set(b->err, GT_ERR_INPUT, b->file, line, col,
                        "only one YAML document per file");
    }
    b->root = n;
    return true;
  }
  gt_node *top = b->stack[b->depth - 1];
  if (top->kind == GT_NODE_SEQ) {
    push_kid(b, NULL, n);
    return true;
  }
  size_t first = b->first_child[b->depth - 1];
  if (b->n_kids > first && !b->kids[b->n_kids - 1].value) {
    b->kids[b->n_kids - 1].value = n;
    return true;
  }
  if (n->kind != GT_NODE_SCALAR) {
    int line = n->line, col = n->col;
    gt_node_free(n);
    return gt_err_set(b->err, GT_ERR_INPUT, b->file, line, col,
                      "mapping keys must be scalars (strings)");
  }
  for (size_t i = first; i < b->n_kids; i++) {
    const gt_node *k = b->kids[i].key;
    if (k->text_len == n->text_len && memcmp(k->text, n->text, n->text_len) == 0) {
      int line = n->line, col = n->col;
      gt_err_set(b->err, GT_ERR_INPUT, b->file, line, col,
                 "duplicate key '%s' (first defined at line %d)", n->text, k->line);
      gt_node_free(n);
      return false;
    }
  }
  push_kid(b, n, NULL);
  return true;
}

/* The collection on top of the stack ends: its children move off the stack. */
static void close_collection(builder *b) {
  gt_node *top = b->stack[--b->depth];
  size_t first = b->first_child[b->depth], n = b->n_kids - first;
  if (n == 0) return;
  if (2 * n > b->cap_scratch) {
    b->cap_scratch = 2 * n;
    b->scratch = gt_xrealloc(b->scratch, b->cap_scratch * sizeof *b->scratch);
  }
  gt_node **keys = b->scratch, **items = b->scratch + n;
  for (size_t i = 0; i < n; i++) {
    keys[i] = b->kids[first + i].key;
    items[i] = b->kids[first + i].value;
  }
  gt_node_arena_set_children(b->arena, top, top->kind == GT_NODE_MAP ? keys : NULL, items, n);
  b->n_kids = first;
}

/* YAML merge keys, as YAML users expect them from 1.1 (`<<: *base` or
 * `<<: [*a, *b]`): when the mapping being closed has a plain `<<` key, the
 * entries of the merged mapping(s) take its place, except keys the mapping
 * itself gives (explicit keys win; in a list, earlier mappings win). The
 * merged entries are copies that keep the position of the anchored text. */
static bool is_merge_key(const gt_node *k) {
  return k && !k->quoted && !k->tag && k->text_len == 2 && !memcmp(k->text, "<<", 2);
}

static bool has_key(const pending *kids, size_t from, size_t to, const gt_node *key) {
  for (size_t i = from; i < to; i++)
    if (kids[i].key && !is_merge_key(kids[i].key) && kids[i].key->text_len == key->text_len &&
        !memcmp(kids[i].key->text, key->text, key->text_len))
      return true;
  return false;
}

static bool merge_keys(builder *b) {
  size_t first = b->first_child[b->depth - 1], end = b->n_kids, at = end;
  for (size_t i = first; i < end && at == end; i++)
    if (is_merge_key(b->kids[i].key)) at = i;
  if (at == end) return true;
  gt_node *key = b->kids[at].key, *value = b->kids[at].value;
  size_t n_src = value->kind == GT_NODE_SEQ ? value->count : 1;
  for (size_t s = 0; s < n_src; s++) {
    const gt_node *src = value->kind == GT_NODE_SEQ ? value->items[s] : value;
    if (src->kind != GT_NODE_MAP)
      return gt_err_set(b->err, GT_ERR_INPUT, b->file, src->line, src->col,
                        "merge key '<<' takes a mapping or a list of mappings (e.g. *defaults), "
                        "got %s",
                        src->kind == GT_NODE_SEQ ? "a list" : "a scalar");
  }
  /* The entries after `<<` move to a side list; merged copies go in its place. */
  size_t n_after = end - at - 1;
  pending *after = gt_xcalloc(n_after ? n_after : 1, sizeof *after);
  memcpy(after, b->kids + at + 1, n_after * sizeof *after);
  b->n_kids = at;
  bool ok = true;
  for (size_t s = 0; s < n_src && ok; s++) {
    const gt_node *src = value->kind == GT_NODE_SEQ ? value->items[s] : value;
    for (size_t i = 0; i < src->count && ok; i++) {
      const gt_node *k = src->keys[i];
      if (has_key(b->kids, first, b->n_kids, k) || has_key(after, 0, n_after, k)) continue;
      b->n_nodes += count_nodes(k) + count_nodes(src->items[i]);
      if (b->n_nodes > MAX_NODES)
        ok = gt_err_set(b->err, GT_ERR_INPUT, b->file, key->line, key->col,
                        "too many nodes after expanding merge keys (more than %d)", MAX_NODES);
      else
        push_kid(b, gt_node_clone(k), gt_node_clone(src->items[i]));
    }
  }
  for (size_t i = 0; i < n_after; i++)
    push_kid(b, after[i].key, after[i].value);
  free(after);
  gt_node_free(key); /* heap parts only: arena memory goes with the tree */
  gt_node_free(value);
  return ok;
}

static bool remember_anchor(builder *b, struct fy_token *tok, gt_node *n) {
  if (!tok) return true;
  size_t len;
  const char *name = fy_token_get_text(tok, &len);
  if (!name) return true;
  b->anchors = gt_xrealloc(b->anchors, (b->n_anchors + 1) * sizeof *b->anchors);
  b->anchors[b->n_anchors].name = gt_xstrndup(name, len);
  b->anchors[b->n_anchors].node = n;
  b->n_anchors++;
  return true;
}

/* "!regex" for local tags; "!!str" style for the YAML core ones. */
static char *tag_text(builder *b, struct fy_token *tag) {
  const char *h = fy_tag_token_handle0(tag);
  const char *s = fy_tag_token_suffix0(tag);
  if (h && s && *h) { /* tags are rare: a heap detour costs nothing */
    char *joined = gt_xasprintf("%s%s", h, s);
    char *t = gt_node_arena_strndup(b->arena, joined, strlen(joined));
    free(joined);
    return t;
  }
  size_t len;
  const char *t = fy_token_get_text(tag, &len);
  return t ? gt_node_arena_strndup(b->arena, t, len) : gt_node_arena_strndup(b->arena, "!", 1);
}

static gt_node *new_node(builder *b, struct fy_event *e, gt_node_kind kind, struct fy_token *tag) {
  int line, col;
  mark_pos(fy_event_start_mark(e), &line, &col);
  gt_node *n;
  if (!b->arena) { /* the first node is the root (nothing else can come first) */
    n = gt_node_arena_root(kind, b->file, line, col);
    b->arena = gt_node_arena_of(n);
  } else {
    n = gt_node_arena_new(b->arena, kind, b->file, line, col);
  }
  if (tag) {
    /* A node's position is where its properties start: errors about the tag
     * then point at the tag. */
    const struct fy_mark *tm = fy_token_start_mark(tag);
    if (tm) mark_pos(tm, &n->line, &n->col);
    n->tag = tag_text(b, tag);
  }
  b->n_nodes++;
  return n;
}

/* The scalar's value into n->text (arena memory). Single-quoted scalars are
 * decoded here from the source (see yaml_squote.h for why). */
static bool scalar_text(builder *b, struct fy_token *value, enum fy_scalar_style style,
                        gt_node *n) {
  const struct fy_mark *start = fy_token_start_mark(value), *end = fy_token_end_mark(value);
  if (style == FYSS_SINGLE_QUOTED && start && end && start->input_pos <= end->input_pos &&
      (size_t)end->input_pos <= b->len) {
    size_t raw_len = (size_t)(end->input_pos - start->input_pos);
    if (raw_len > b->cap_text) {
      char *grown = realloc(b->text, raw_len);
      if (!grown)
        return gt_err_set(b->err, GT_ERR_RUNTIME, b->file, n->line, n->col, "out of memory");
      b->text = grown, b->cap_text = raw_len;
    }
    size_t len = gt_yaml_single_quoted(b->data + start->input_pos, raw_len, b->text);
    n->text = gt_node_arena_strndup(b->arena, b->text ? b->text : "", len);
    n->text_len = (uint32_t)len; /* the input is < 4 GiB */
    return true;
  }
  size_t len = 0;
  const char *t = fy_token_get_text(value, &len);
  n->text = gt_node_arena_strndup(b->arena, t ? t : "", t ? len : 0);
  n->text_len = (uint32_t)(t ? len : 0);
  return true;
}

static bool on_scalar(builder *b, struct fy_event *e) {
  struct fy_token *tag = e->scalar.tag;
  gt_node *n = new_node(b, e, GT_NODE_SCALAR, tag);
  enum fy_scalar_style style = fy_token_scalar_style(e->scalar.value);
  if (!scalar_text(b, e->scalar.value, style, n)) return false;
  n->quoted = style != FYSS_PLAIN;
  /* libfyaml marks a quoted scalar at its content: point at the quote. */
  if (!tag && (style == FYSS_SINGLE_QUOTED || style == FYSS_DOUBLE_QUOTED) && n->col > 1) n->col--;
  if (n->tag && strcmp(n->tag, "!!str") == 0) { /* !!str: a string, nothing more */
    n->tag = NULL;                              /* arena text: goes with the tree */
    n->quoted = true;
    n->typed = GT_TYPED_STR; /* also once a ${NAME} in it is expanded */
  } else if (n->tag && (!strcmp(n->tag, "!!int") || !strcmp(n->tag, "!!float") ||
                        !strcmp(n->tag, "!!bool"))) {
    n->typed = n->tag[2] == 'i' ? GT_TYPED_INT : n->tag[2] == 'f' ? GT_TYPED_FLOAT : GT_TYPED_BOOL;
    n->tag = NULL;
  }
  remember_anchor(b, e->scalar.anchor, n);
  return attach(b, n);
}

static bool on_start(builder *b, struct fy_event *e, gt_node_kind kind) {
  struct fy_token *tag = kind == GT_NODE_MAP ? e->mapping_start.tag : e->sequence_start.tag;
  struct fy_token *anc = kind == GT_NODE_MAP ? e->mapping_start.anchor : e->sequence_start.anchor;
  gt_node *n = new_node(b, e, kind, tag);
  if (b->depth >= MAX_DEPTH) {
    int line = n->line, col = n->col;
    gt_node_free(n);
    return gt_err_set(b->err, GT_ERR_INPUT, b->file, line, col, "nesting deeper than %d levels",
                      MAX_DEPTH);
  }
  if (!attach(b, n)) return false;
  remember_anchor(b, anc, n);
  b->stack[b->depth] = n;
  b->first_child[b->depth] = b->n_kids;
  b->depth++;
  return true;
}

static bool on_alias(builder *b, struct fy_event *e) {
  int line, col;
  mark_pos(fy_event_start_mark(e), &line, &col);
  if (col > 1) col--; /* libfyaml marks the anchor name, after the '*' */
  size_t len = 0;
  const char *name = fy_token_get_text(e->alias.anchor, &len);
  for (size_t i = b->n_anchors; i-- > 0;) {
    anchor *a = &b->anchors[i];
    if (!name || strlen(a->name) != len || memcmp(a->name, name, len) != 0) continue;
    for (int d = 0; d < b->depth; d++)
      if (b->stack[d] == a->node)
        return gt_err_set(b->err, GT_ERR_INPUT, b->file, line, col,
                          "alias '*%s' refers to a node that contains it", a->name);
    b->n_nodes += count_nodes(a->node);
    if (b->n_nodes > MAX_NODES)
      return gt_err_set(b->err, GT_ERR_INPUT, b->file, line, col,
                        "too many nodes after expanding aliases (more than %d)", MAX_NODES);
    gt_node *c = gt_node_clone(a->node); /* a heap copy inside the arena tree */
    c->line = line, c->col = col;
    return attach(b, c);
  }
  return gt_err_set(b->err, GT_ERR_INPUT, b->file, line, col, "unknown anchor '*%.*s'", (int)len,
                    name ? name : "");
}

static bool on_event(builder *b, struct fy_event *e) {
  switch (e->type) {
  case FYET_DOCUMENT_START:
    if (++b->documents > 1) {
      int line, col;
      mark_pos(fy_event_start_mark(e), &line, &col);
      return gt_err_set(b->err, GT_ERR_INPUT, b->file, line, col,
                        "only one YAML document per file");
    }
    return true;
  case FYET_SCALAR:
    return on_scalar(b, e);
  case FYET_MAPPING_START:
    return on_start(b, e, GT_NODE_MAP);
  case FYET_SEQUENCE_START:
    return on_start(b, e, GT_NODE_SEQ);
  case FYET_MAPPING_END:
    if (b->depth > 0 && !merge_keys(b)) return false;
    if (b->depth > 0) close_collection(b);
    return true;
  case FYET_SEQUENCE_END:
    if (b->depth > 0) close_collection(b);
    return true;
  case FYET_ALIAS:
    return on_alias(b, e);
  default:
    return true;
  }
}

/* The first error libfyaml collected, as FILE:LINE:COL (its marks here are 1-based). */
static bool parser_error(builder *b, struct fy_diag *diag) {
  void *it = NULL;
  struct fy_diag_error *de;
  while ((de = fy_diag_errors_iterate(diag, &it)) != NULL) {
    if (de->type < FYET_ERROR) continue;
    return gt_err_set(b->err, GT_ERR_INPUT, b->file, de->line > 0 ? de->line : 1,
                      de->column > 0 ? de->column : 1, "YAML syntax error: %s",
                      de->msg ? de->msg : "invalid YAML");
  }
  return gt_err_set(b->err, GT_ERR_INPUT, b->file, 1, 1, "YAML syntax error");
}

gt_node *gt_yaml_parse_exact(const char *file, const char *data, size_t len, gt_err *err) {
  if (!check_bytes(file, data, len, err)) return NULL;

  struct fy_diag_cfg dcfg;
  fy_diag_cfg_default(&dcfg);
  dcfg.fp = NULL;
  dcfg.output_fn = silent_output;
  dcfg.colorize = false;
  struct fy_diag *diag = fy_diag_create(&dcfg);
  if (!diag) {
    gt_err_set(err, GT_ERR_RUNTIME, file, 0, 0, "cannot create the YAML diagnostics");
    return NULL;
  }
  fy_diag_set_collect_errors(diag, true);
  struct fy_parse_cfg pcfg = {0};
  pcfg.flags = FYPCF_QUIET | FYPCF_DEFAULT_VERSION_1_2;
  pcfg.diag = diag;
  struct fy_parser *fyp = fy_parser_create(&pcfg);
  if (!fyp || fy_parser_set_string(fyp, data, len) != 0) {
    if (fyp) fy_parser_destroy(fyp);
    fy_diag_destroy(diag);
    gt_err_set(err, GT_ERR_RUNTIME, file, 0, 0, "cannot create the YAML parser");
    return NULL;
  }

  builder b = {.file = file, .data = data, .len = len, .err = err};
  bool ok = true;
  struct fy_event *e;
  while (ok && (e = fy_parser_parse(fyp)) != NULL) {
    ok = on_event(&b, e);
    fy_parser_event_free(fyp, e);
  }
  if (ok && fy_parser_get_stream_error(fyp)) ok = parser_error(&b, diag);

  /* Children of collections an aborted parse left open belong to no tree
   * yet (arena nodes: this only releases heap clones and aux data). */
  for (size_t i = 0; i < b.n_kids; i++) {
    gt_node_free(b.kids[i].key);
    gt_node_free(b.kids[i].value);
  }
  free(b.kids);
  free(b.scratch);
  free(b.text);
  for (size_t i = 0; i < b.n_anchors; i++)
    free(b.anchors[i].name);
  free(b.anchors);
  fy_parser_destroy(fyp);
  fy_diag_destroy(diag);
  if (!ok) {
    gt_node_free(b.root);
    return NULL;
  }
  if (!b.root) b.root = gt_node_new_scalar("", false, file, 1, 1); /* empty document */
  return b.root;
}
