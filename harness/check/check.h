/* check.h — JSONPath, template matching, and the checks applied to a response.
 *
 * Matching never throws: each failure is appended to a gt_failures list with
 * the check's name, a path into the document, what was expected and what came
 * back (values shortened to ~200 bytes). */
#ifndef GT_CHECK_CHECK_H
#define GT_CHECK_CHECK_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "../core/err.h"
#include "../core/model.h"
#include "../core/vars.h"
#include "../http/http.h"

/* ---- JSONPath (RFC 9535 subset: $ .name ['name'] ["name"] [n] [-n] [*] .* ..name ..[*] [a,b]) */
gt_jsonpath *gt_jsonpath_compile(const char *src, gt_err *err); /* err->col = offset+1 in src */
void gt_jsonpath_free(gt_jsonpath *p);
/* Fills out with borrowed pointers to the selected nodes (up to max); returns
 * the number selected (may exceed max: then only max are stored). */
size_t gt_jsonpath_eval(const gt_jsonpath *p, const cJSON *doc, const cJSON **out, size_t max);
/* Removes the node(s) the path selects from doc (missing_field). Returns count removed. */
size_t gt_jsonpath_delete(const gt_jsonpath *p, cJSON *doc);

/* ---- failures ---- */
typedef struct gt_failure {
  gt_check_id check;
  char *where;    /* "$.error.code", "header X-RateLimit-Limit", "" */
  char *expected; /* human text */
  char *actual;
} gt_failure;

typedef struct gt_failures {
  gt_failure *items;
  size_t count, cap;
} gt_failures;

void gt_failures_add(gt_failures *f, gt_check_id check, const char *where, const char *expected,
                     const char *actual);
void gt_failures_free(gt_failures *f);

/* ---- templates (SPEC §2): a MAP matches an object having at least those keys;
 * a SEQ matches an array of the same length element-wise; a scalar must be
 * equal (after ${..} expansion through scope, with type fidelity). Tags:
 * !string !integer !number !boolean !null !object !array !any !absent
 * !regex RE !one_of [..] !exact {..} !contains [..] !len N.
 * Returns true on match; otherwise appends failures (check id given) and
 * returns false. `where` is the JSONPath of `actual` for messages ("$"). */
bool gt_template_match(const gt_node *tmpl, const cJSON *actual, const gt_scope *scope,
                       gt_check_id check, const char *where, gt_failures *out);
/* Header-value form: actual is text; type tags match what the text parses as
 * ("5000" matches !integer); plain scalars compare as text. */
bool gt_template_match_text(const gt_node *tmpl, const char *actual, const gt_scope *scope,
                            gt_check_id check, const char *where, gt_failures *out);
/* Load-time validation of a template tree: known tags, compiles !regex (PCRE2,
 * stored in node->aux), checks !len / !one_of / !exact / !contains arguments. */
bool gt_template_compile(gt_node *tmpl, gt_err *err);

/* ---- status expectations ---- */
/* Parses an expect.status node: 200, [200, 201], "2xx", "4xx". Fills set and a
 * display text (caller frees). */
bool gt_status_parse(const gt_node *n, gt_status_set *set, char **text, gt_err *err);

/* ---- the whole verdict for one response ---- */
typedef struct gt_check_ctx {
  const gt_profile *profile;
  const gt_expect *expect;   /* merged expectation for this case */
  const gt_scope *scope;     /* for ${..} in templates */
  bool is_head;              /* HEAD request: no body checks */
  bool transport_only;       /* http_only / wire_*: judged by the expectation only */
} gt_check_ctx;

/* Applies the scenario-level expectation and every enabled universal check to
 * resp. Returns true when nothing failed. *parsed receives the parsed body
 * (caller frees) when it is JSON, for captures; may be NULL. */
bool gt_check_response(const gt_check_ctx *ctx, const gt_http_response *resp,
                       gt_failures *out, cJSON **parsed);

/* UTF-8 validation (strict: no overlongs, no surrogates). */
bool gt_utf8_valid(const char *s, size_t len);

#endif
