/* status.c — `status:` expectations: 200, [200, 201], "2xx", [2xx, 404]. */
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* One item: a code 100..599 or a class "2xx"/"2XX". Appends its display text. */
static bool parse_item(const gt_node *n, gt_status_set *set, gt_buf *text, gt_err *err) {
  if (n->kind != GT_NODE_SCALAR)
    return gt_err_set(err, GT_ERR_INPUT, n->file, n->line, n->col,
                      "status: expected a code (200), a class (\"2xx\") or a list of them");
  if (n->tag && strcmp(n->tag, "!!int") != 0 && strcmp(n->tag, "!!str") != 0 &&
      strncmp(n->tag, "tag:yaml.org,2002:", 18) != 0)
    return gt_err_set(err, GT_ERR_INPUT, n->file, n->line, n->col,
                      "status: tag '%s' is not allowed here", n->tag);
  const char *s = n->text ? n->text : "";
  size_t len = strlen(s);
  if (len == 3 && s[0] >= '1' && s[0] <= '5' && (s[1] == 'x' || s[1] == 'X') &&
      (s[2] == 'x' || s[2] == 'X')) {
    int base = (s[0] - '0') * 100;
    for (int c = base; c < base + 100; c++)
      gt_status_add(set, c);
    gt_buf_printf(text, "%cxx", s[0]);
    return true;
  }
  bool digits = len > 0 && len <= 3;
  for (size_t i = 0; i < len && digits; i++)
    digits = s[i] >= '0' && s[i] <= '9';
  int code = digits ? atoi(s) : 0;
  if (!digits || code < 100 || code > 599)
    return gt_err_set(err, GT_ERR_INPUT, n->file, n->line, n->col,
                      "status: '%s' is not an HTTP status (100..599) or a class such as 2xx", s);
  gt_status_add(set, code);
  gt_buf_printf(text, "%d", code);
  return true;
}

bool gt_status_parse(const gt_node *n, gt_status_set *set, char **text, gt_err *err) {
  gt_err dummy;
  if (!err) err = &dummy;
  gt_status_set tmp;
  memset(&tmp, 0, sizeof tmp);
  gt_buf b;
  gt_buf_init(&b);
  if (!n) {
    gt_err_set(err, GT_ERR_INPUT, NULL, 0, 0, "status: missing value");
    return false;
  }
  bool ok = true;
  if (n->kind == GT_NODE_SEQ) {
    if (n->count == 0) {
      ok = gt_err_set(err, GT_ERR_INPUT, n->file, n->line, n->col, "status: empty list");
    } else {
      if (n->count > 1) gt_buf_adds(&b, "one of [");
      for (size_t i = 0; i < n->count && ok; i++) {
        if (i) gt_buf_adds(&b, ", ");
        ok = parse_item(n->items[i], &tmp, &b, err);
      }
      if (n->count > 1) gt_buf_adds(&b, "]");
    }
  } else {
    ok = parse_item(n, &tmp, &b, err);
  }
  if (!ok) {
    gt_buf_free(&b);
    return false;
  }
  if (set) *set = tmp;
  if (text)
    *text = gt_buf_steal(&b);
  else
    gt_buf_free(&b);
  return true;
}
