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
/* Replaces each node the path selects by a copy of value, in place (the root
 * too: its contents are swapped, so the caller's pointer stays valid). Returns
 * the number of nodes replaced (wrong_type). */
size_t gt_jsonpath_set(const gt_jsonpath *p, cJSON *doc, const cJSON *value);
/* Number of nodes the path selects (capped at GT_JSONPATH_MAX_NODES). */
size_t gt_jsonpath_count(const gt_jsonpath *p, const cJSON *doc);
/* true when the path can select at most one node (only names and single
 * indices, no wildcard, union or descendant): captures want one value. */
bool gt_jsonpath_is_singular(const gt_jsonpath *p);
/* Puts a copy of value at a names-only singular path ($.a.b, $['a']) in an
 * object doc, creating objects on the way; false (doc untouched) for any
 * other path or when an intermediate value is not an object. */
bool gt_jsonpath_put(const gt_jsonpath *p, cJSON *doc, const cJSON *value);
/* The expression as compiled (owned by p). */
const char *gt_jsonpath_source(const gt_jsonpath *p);
/* Evaluation stops growing a node list past this many entries, so hostile
 * expressions such as $..*..*..* stay bounded on big documents. */
#define GT_JSONPATH_MAX_NODES ((size_t)1 << 20)

/* ---- the check table (names.c): one row per gt_check_id ---- */
typedef enum gt_check_kind {
  GT_CHECK_KIND_UNIVERSAL, /* every response; a profile's `checks:` can disable it */
  GT_CHECK_KIND_SCENARIO,  /* from the case's expectation */
  GT_CHECK_KIND_RUNNER,    /* applied by the runner around the response */
} gt_check_kind;

typedef struct gt_check_info {
  gt_check_id id; /* equals the row's index (a unit test checks it) */
  const char *name;
  gt_check_kind kind;
  const char *rule; /* docs/checks.md: what it requires */
} gt_check_info;

const gt_check_info *gt_check_info_of(gt_check_id id); /* NULL when out of range */
int gt_check_from_name(const char *name);              /* -1 if unknown */
const char *gt_check_name(gt_check_id id);             /* "unknown" when out of range */

/* ---- failures ---- */
typedef struct gt_failure {
  gt_check_id check;
  char *where;    /* "$.error.code", "header X-RateLimit-Limit", "" */
  char *expected; /* human text */
  char *actual;
  /* NULL, or the failure told in one piece: the text after "CHECK WHERE: ".
   * Schema errors use it (`7.5 is not of type "integer" (#/properties/qty/type)`);
   * expected/actual then hold its parts (the keyword's location, the problem). */
  char *message;
} gt_failure;

typedef struct gt_failures {
  gt_failure *items;
  size_t count, cap;
} gt_failures;

void gt_failures_add(gt_failures *f, gt_check_id check, const char *where, const char *expected,
                     const char *actual);
/* The same with a whole-message text (see gt_failure.message). */
void gt_failures_add_message(gt_failures *f, gt_check_id check, const char *where,
                             const char *expected, const char *actual, const char *message);
void gt_failures_free(gt_failures *f);

/* ---- templates (docs/suite-format.md): a MAP matches an object having at least those keys;
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

/* The inverse of matching, for serve: a JSON value the template accepts.
 * Literals as written (expanded through scope; unexpandable text is kept as
 * written), !string -> "string", !integer -> 1, !number -> 1.5, !boolean ->
 * true, !null / !any -> null, !absent -> key omitted (NULL at top level),
 * !regex -> an example for simple patterns (character classes, literals,
 * {n} {n,m} + * ? quantifiers) verified against the regex, else "string",
 * !one_of -> the first option, !object -> {}, !array -> [], !exact -> the map,
 * !contains -> the listed elements, !len N -> an array of N "string"s.
 * Caller owns the result (cJSON_Delete). scope may be NULL. */
cJSON *gt_template_synthesize(const gt_node *tmpl, const gt_scope *scope);
/* Header-value form of synthesis: text the header template accepts
 * (!integer -> "1000" so rate-limit headers look plausible). Caller frees. */
char *gt_template_synthesize_text(const gt_node *tmpl, const gt_scope *scope);
/* Deep merge: objects merge key by key recursively; for anything else src
 * wins. Consumes dst (may be NULL), returns the merged tree (caller owns);
 * src is only read. */
cJSON *gt_json_merge_deep(cJSON *dst, const cJSON *src);
/* One-line description of what a template accepts ("an integer",
 * "a string matching /^a$/", "{\"code\": 5}") for messages. Caller frees. */
char *gt_template_describe(const gt_node *tmpl);

/* ---- JSON Schema (expect.schema, errors.schema) ---- */
/* true when doc is valid against s; otherwise appends one failure per schema
 * error under `check` (where: the instance path; message: `7.5 is not of type
 * "integer" (#/properties/qty/type)`; at most 20, then one counting the rest)
 * and returns false. */
bool gt_check_schema(const gt_schema *s, const cJSON *doc, gt_check_id check, gt_failures *out);

/* ---- status expectations ---- */
/* Parses an expect.status node: 200, [200, 201], "2xx", "4xx". Fills set and a
 * display text (caller frees). */
bool gt_status_parse(const gt_node *n, gt_status_set *set, char **text, gt_err *err);

/* ---- the whole verdict for one response ---- */
typedef struct gt_check_ctx {
  const gt_profile *profile;
  const gt_expect *expect; /* merged expectation for this case */
  const gt_scope *scope;   /* for ${..} in templates */
  bool is_head;            /* HEAD request: no body checks */
  bool transport_only;     /* http_only / wire_*: judged by the expectation only */
  /* The scenario's `json: stream`: the body is several JSON documents one
   * after another (NDJSON, concatenated); each is parsed, the first is judged
   * as the body (and captured from), every further one by the JSON checks
   * (expect json/jsonpath, error shape, envelope) as "document N". */
  bool json_stream;
  const gt_contract *contract; /* the scenario's API-description contract, or NULL */
} gt_check_ctx;

/* Applies the scenario-level expectation and every enabled universal check to
 * resp. Returns true when nothing failed. *parsed receives the parsed body
 * (caller frees) when it is JSON, for captures; may be NULL. */
bool gt_check_response(const gt_check_ctx *ctx, const gt_http_response *resp, gt_failures *out,
                       cJSON **parsed);

/* UTF-8 validation (strict: no overlongs, no surrogates, max U+10FFFF). */
bool gt_utf8_valid(const char *s, size_t len);
/* Offset of the first invalid byte, or len when valid. */
size_t gt_utf8_invalid_at(const char *s, size_t len);

/* Strict RFC 8259 parse (cJSON alone accepts "+1", "01", ".5" and raw control
 * characters in strings). Returns the parsed value (caller owns) or NULL with
 * *err_at = byte offset and *why = a static description. Trailing bytes other
 * than whitespace are an error. Nesting deeper than 512 is refused. */
cJSON *gt_json_parse_strict(const char *s, size_t len, size_t *err_at, const char **why);

/* A body of JSON documents one after another (whitespace or nothing between
 * objects and arrays): *docs (caller frees each and the array) and *n. False
 * with *why (caller frees) naming the first document that does not parse,
 * or an empty body. */
bool gt_json_stream_parse(const char *s, size_t len, cJSON ***docs, size_t *n, char **why);

/* Compact JSON of v (or "(absent)" for NULL) shortened to about max bytes at a
 * UTF-8 boundary with "..." appended. Caller frees. */
char *gt_json_short(const cJSON *v, size_t max);
/* Text shortened the same way; non-printable bytes as \xNN. Caller frees. */
char *gt_text_short(const char *s, size_t len, size_t max);

#endif
