/* template_internal.h — shared by the template files of check/ only. */
#ifndef GT_CHECK_TEMPLATE_INTERNAL_H
#define GT_CHECK_TEMPLATE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "check.h"

typedef enum tmpl_kind {
  TK_PLAIN = 0, /* untagged, or a YAML core tag such as !!int */
  TK_STR,       /* !!str: the scalar is a string whatever it looks like */
  TK_STRING,
  TK_INTEGER,
  TK_NUMBER,
  TK_BOOLEAN,
  TK_NULL,
  TK_OBJECT,
  TK_ARRAY,
  TK_ANY,
  TK_ABSENT,
  TK_REGEX,
  TK_ONE_OF,
  TK_EXACT,
  TK_CONTAINS,
  TK_LEN,
  TK_UNKNOWN,
} tmpl_kind;

tmpl_kind tmpl_classify(const gt_node *n);
/* Type tags take no value: !string, !integer, ..., !absent. */
bool tmpl_is_type_tag(tmpl_kind k);

/* PCRE2 (UTF, invalid subjects allowed) code for n->text, or NULL with the
 * PCRE2 error code and the offset in the pattern. Free with tmpl_regex_free. */
void *tmpl_regex_compile(const gt_node *n, int *errcode, size_t *erroffset);
void tmpl_regex_free(void *code);
/* Regex of a !regex node: the compiled code in aux, or compiled now when the
 * template was never passed through gt_template_compile. Returns 1 on match,
 * 0 on no match, -1 when the pattern does not compile. */
int tmpl_regex_match(const gt_node *n, const char *subject, size_t len);

/* !len argument; false when not a non-negative integer. */
bool tmpl_len_arg(const gt_node *n, size_t *out);

/* Number of UTF-8 code points (invalid bytes count one each). */
size_t tmpl_utf8_length(const char *s, size_t len);

/* The template as written, flow style, shortened ("{code: !integer}"). Appends. */
void tmpl_render(gt_buf *b, const gt_node *n, size_t max);

/* Literal scalar expanded through scope with type fidelity (TK_STR forces a
 * string). NULL with err filled when a variable is undefined. Caller owns. */
cJSON *tmpl_expand_scalar(const gt_node *n, const gt_scope *scope, gt_err *err);

/* Deep equality with number comparison by value (5 == 5.0). */
bool tmpl_json_equal(const cJSON *a, const cJSON *b);

/* A string matching the regex when it is simple enough, else NULL. Caller frees. */
char *tmpl_regex_example(const char *re);

#endif
