/* template_compile.c — load-time validation of templates, so that a typo in
 * a suite is a FILE:LINE:COL error before anything is sent, and each !regex is
 * compiled once rather than per response. */
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "template_internal.h"

/* A macro, so that the compiler checks each message against its arguments. */
#define node_err(err, n, ...)                                                                      \
  gt_err_set(err, GT_ERR_INPUT, (n)->file, (n)->line, (n)->col, __VA_ARGS__)

static bool compile_node(gt_node *n, gt_err *err, int depth) {
  if (depth > 256) return node_err(err, n, "%s", "template nested too deeply");
  tmpl_kind k = tmpl_classify(n);
  if (k == TK_UNKNOWN)
    return node_err(err, n,
                    "unknown tag '%s' (known: !string !integer !number !boolean !null !object "
                    "!array !any !absent !regex !one_of !exact !contains !len)",
                    n->tag);
  if (tmpl_is_type_tag(k)) {
    if (n->kind != GT_NODE_SCALAR || n->text_len != 0)
      return node_err(err, n, "'%s' takes no value", n->tag);
    return true;
  }
  switch (k) {
  case TK_REGEX: {
    if (n->kind != GT_NODE_SCALAR) return node_err(err, n, "%s", "'!regex' needs a pattern");
    int code = 0;
    size_t off = 0;
    void *re = tmpl_regex_compile(n, &code, &off);
    if (!re) {
      PCRE2_UCHAR msg[256];
      if (pcre2_get_error_message(code, msg, sizeof msg) < 0) strcpy((char *)msg, "error");
      /* The node's position is its tag's; the pattern usually follows after
       * one space, and a quoted one a column later. */
      int col = n->col + (int)strlen(n->tag) + 1 + (n->quoted ? 1 : 0) + (int)off;
      return gt_err_set(err, GT_ERR_INPUT, n->file, n->line, col, "invalid regex at offset %zu: %s",
                        off, (const char *)msg);
    }
    if (n->aux && n->aux_free) n->aux_free(n->aux);
    n->aux = re;
    n->aux_free = tmpl_regex_free;
    return true;
  }
  case TK_LEN: {
    size_t len;
    if (!tmpl_len_arg(n, &len))
      return node_err(err, n, "%s", "'!len' needs a non-negative integer");
    return true;
  }
  case TK_ONE_OF:
    if (n->kind != GT_NODE_SEQ || n->count == 0)
      return node_err(err, n, "%s", "'!one_of' needs a non-empty sequence of templates");
    break;
  case TK_CONTAINS:
    if (n->kind != GT_NODE_SEQ)
      return node_err(err, n, "%s", "'!contains' needs a sequence of templates");
    break;
  case TK_EXACT:
    if (n->kind != GT_NODE_MAP) return node_err(err, n, "%s", "'!exact' needs a mapping");
    break;
  default:
    break;
  }
  for (size_t i = 0; i < n->count; i++)
    if (!compile_node(n->items[i], err, depth + 1)) return false;
  return true;
}

bool gt_template_compile(gt_node *tmpl, gt_err *err) {
  gt_err dummy;
  if (!err) err = &dummy;
  if (!tmpl) return true;
  return compile_node(tmpl, err, 0);
}
