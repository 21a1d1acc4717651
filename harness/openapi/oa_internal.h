/* oa_internal.h — shared by the files of openapi/ (not a public API). */
#ifndef GT_OPENAPI_OA_INTERNAL_H
#define GT_OPENAPI_OA_INTERNAL_H

#include <cjson/cJSON.h>

#include "../core/buf.h"
#include "../core/prng.h"
#include "openapi.h"

/* A place in the document set: which document and the JSON Pointer there. */
typedef struct oa_at {
  size_t doc;
  char *ptr; /* "" or "/paths/~1pets" (owned) */
} oa_at;

typedef struct oa_verifier oa_verifier;

typedef struct oa_reader {
  gt_openapi *d;
  gt_err *err;
  const oa_verifier *verify; /* NULL: synthesized bodies are not checked (verify.c) */
} oa_reader;

/* ---- ref.c ---- */
/* Reads path as one more document of the set (once); its index, or -1 + err. */
long oa_doc_load(oa_reader *R, const char *path, const gt_node *at);
/* Follows n's $ref chain (n itself when it has none); *where moves along.
 * NULL + err on a missing target or a cycle of $refs. */
const gt_node *oa_resolve(oa_reader *R, const gt_node *n, oa_at *where);
/* where + "/" + token, escaped (caller frees the result's ptr). */
oa_at oa_child(const oa_at *where, const char *token);
oa_at oa_copy(const oa_at *where);
void oa_at_free(oa_at *a);
/* The absolute URI of a place: "file:///abs/api.yaml#/paths/~1pets" (caller frees). */
char *oa_uri(const gt_openapi *d, const oa_at *where);
bool oa_fail(oa_reader *R, const gt_node *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The scalar text of key in map, or NULL. */
const char *oa_text(const gt_node *map, const char *key);
/* A suite variable name for a document name (a security scheme, a
 * parameter): the name when it is a valid variable name, else the name with
 * every other character replaced by `_` (a leading digit gets a `_` before
 * it). Caller frees. (read.c) */
char *oa_var_name(const char *name);
/* A copy of a 2.0 parameter node holding only its schema keywords (type,
 * format, enum, bounds, lengths, pattern, items...): the schema the
 * parameter describes inline. Caller frees with gt_node_free. (read.c) */
gt_node *oa_schema_keywords(const gt_node *param);

/* ---- synth.c ---- */
/* A value for schema node s (resolved through the document set; NULL gives
 * null): its example, default, first enum value, or one synthesized from its
 * type and format with bounds respected. Caller owns. */
cJSON *oa_synthesize(oa_reader *R, const gt_node *schema, uint64_t *rng);
/* Appends to names (a cJSON array the caller owns) the property names schema
 * s requires, its own `required` and its allOf parts' (recursively). */
void oa_collect_required(oa_reader *R, const gt_node *s, const oa_at *at, cJSON *names, int depth);
/* The same for a response body (response: readOnly included, writeOnly not).
 * With R->verify and a body schema it knows, a value the schema rejects is
 * replaced by the first valid one of a few variants (examples and defaults
 * ignored, every property, other oneOf/anyOf branches); none valid: the
 * first. */
cJSON *oa_synthesize_for(oa_reader *R, const gt_node *schema, uint64_t *rng, bool response);
/* The index of the document node n belongs to. */
size_t oa_doc_of(const gt_openapi *d, const gt_node *n);
/* An example node as JSON (example, examples.X.value); NULL when none. */
cJSON *oa_example_json(const gt_node *example);
/* v (owned, may be NULL) when R->verify does not reject it for schema (as a
 * response body when response, else a request body); else the JSON a string
 * v holds when that is valid (a stringified example); else NULL (v freed):
 * synthesize instead. */
cJSON *oa_usable_example(const oa_reader *R, const gt_node *schema, cJSON *v, bool response);

/* The discriminator (its node) a oneOf/anyOf branch declares itself or
 * through its allOf parts (`Cat: allOf: [$ref: Pet, ...]`, Pet has one), as
 * the validator reads an inherited one; NULL when none. */
const gt_node *oa_branch_discriminator(oa_reader *R, const gt_node *branch, const oa_at *at);

/* ---- defects.c ---- */
/* The document's defects (gt_oa_warning, openapi.h), with R->verify (may be
 * NULL: examples are not judged) for the body examples. *out owned by the
 * caller: oa_defects_free. */
void oa_find_defects(oa_reader *R, gt_oa_warning **out, size_t *n);
void oa_defects_free(gt_oa_warning *list, size_t n);
/* false (why filled) when the body schema says `pointer` ("/owner/name", a
 * JSON Pointer into a response body) can select nothing: an array where a
 * property is named, a string where an object is read, a property an
 * object forbids; true when it may. */
bool oa_pointer_may_select(oa_reader *R, const gt_node *schema, const char *pointer, char *why,
                           size_t cap);

/* ---- pattern.c ---- */
/* A string the ECMA-262 `pattern` matches (checked with the validator's
 * regex engine) of min_len..max_len characters (max_len < 0: no bound);
 * seed varies the choices. NULL when the pattern uses what pattern.c does
 * not read or no candidate fits. Caller frees. */
char *oa_pattern_example(const char *pattern, double min_len, double max_len, uint64_t seed);

/* ---- style.c ---- */
/* "form", "simple", ... -> the style; false for another word. */
bool oa_style_parse(const char *text, gt_oa_style *out);
/* Adds parameter p with value v to a derived request's query (an object of
 * text values; an exploded array as a list of texts, an exploded or
 * deepObject object as its own keys). */
void oa_style_write_query(const gt_oa_param *p, const cJSON *v, cJSON *query);
/* A path or header parameter's text (simple, label, matrix). Caller frees. */
char *oa_style_write_text(const gt_oa_param *p, const cJSON *v);
/* serve: parameter p read from a raw query as its style says (a string, an
 * array or an object of strings), NULL when absent. others: the operation's
 * parameters (an exploded form object takes the pairs none of them names). */
cJSON *oa_style_read_query(const gt_oa_param *p, const char *raw_query, const gt_oa_param *others,
                           size_t n_others);
/* serve: a header's (simple) text as its schema's type: string, array or object. */
cJSON *oa_style_read_text(const gt_oa_param *p, const char *text);
/* Where path parameter name sits in an operation's path: the index of its
 * segment (0: the first) and the literal text around `{name}` there
 * ("{id}.json": "" and ".json"; caller frees both); false when it is not
 * there or its segment holds another parameter too. */
bool oa_path_place(const char *op_path, const char *name, int *segment, char **prefix,
                   char **suffix);
/* serve: path parameter p read from a request path (as sent; its last
 * segments are op_path's, a base path may come before) as its style says (a
 * string, an array or an object of strings); NULL when it cannot be found. */
cJSON *oa_style_read_path(const gt_oa_param *p, const char *op_path, const char *req_path);

/* ---- verify.c ---- */
/* The document's request and response body schemas (JSON media types)
 * compiled together; an empty verifier when they do not compile. Caller
 * frees with oa_verifier_free. */
oa_verifier *oa_verifier_new(const gt_openapi *d);
/* 1: value is valid against schema (a body schema node of the document) as
 * a response body (response) or a request body (readOnly / writeOnly
 * required properties may be left out, parts.h), 0: it is not, -1: that
 * schema is not one the verifier knows. */
int oa_verifier_check(const oa_verifier *v, const gt_node *schema, const cJSON *value,
                      bool response);
/* A verifier knowing one schema node, compiled elsewhere as part `part` of s
 * (borrowed: s must outlive it). */
oa_verifier *oa_verifier_part(struct gt_schema *s, const gt_node *node, size_t part);
/* A verifier knowing every body schema the contract compiled as a part of s
 * (gt_oa_media.part >= 0; borrowed: s must outlive it). */
oa_verifier *oa_verifier_of_parts(struct gt_schema *s, const gt_openapi *d);
void oa_verifier_free(oa_verifier *v);

/* ---- negative.c ---- */
/* The invalid values of op's request for the schema-driven faults, grouped
 * by fault in catalogue order (*out owned by the caller: oa_negatives_free). */
void oa_negatives(oa_reader *R, const gt_oa_op *op, gt_negative **out, size_t *n);
void oa_negatives_free(gt_negative *list, size_t n);

/* What a rejected request of op must get (e initialised by the caller):
 * the documented 4xx statuses other than 401, 403, 404, 405 and 429 (a
 * `4XX` class: every 4xx but those), else 400 or 422. */
void oa_rejection(const gt_oa_op *op, gt_expect *e);
/* The same for an invalid path parameter: those statuses or 404 (a server
 * may answer that no resource has that identifier; docs/openapi.md). */
void oa_rejection_path(const gt_oa_op *op, gt_expect *e);

/* ---- parts.c: multipart/form-data parts ---- */
typedef struct oa_part {
  bool file;        /* the property is a file (binary, base64, contentMediaType, 2.0 file) */
  const char *type; /* the part's Content-Type to send (borrowed; may be a list or a
                       range: oa_part_type_to_send), or NULL: none */
  bool documented;  /* type comes from the document (encoding.contentType or
                       contentMediaType), not the file default */
} oa_part;
/* Part `name` of multipart media m, its property schema prop (resolved, or
 * NULL). */
void oa_part_of(const gt_oa_media *m, const char *name, const gt_node *prop, oa_part *out);
/* Does a part's Content-Type (NULL: none, read as text/plain) fall in the
 * documented list of types and ranges ("image/png, image/jpeg", a range is a
 * major type and a star)? */
bool oa_part_type_allowed(const char *documented, const char *got);
/* The type a derived request gives a part: the list's first entry, a range
 * made concrete (the image range gives image/png). Caller frees. */
char *oa_part_type_to_send(const char *documented);
/* ".png" for image/png ... ".bin" otherwise: a file part's filename ending. */
const char *oa_part_filename_ext(const char *type);

/* ---- contract.c ---- */
void oa_contract_free(void *owner);

#endif
