/* parts.h — compiling the schemas that sit inside a larger document (an
 * OpenAPI description): the document is not itself a schema; each part is
 * named by an absolute URI with a JSON Pointer fragment and compiled with
 * every $ref resolved against the document it is in. Used by openapi/.
 * (An addition to schema.h's interface, kept apart so the validator's own
 * header stays as its owner keeps it.) */
#ifndef GT_SCHEMA_PARTS_H
#define GT_SCHEMA_PARTS_H

#include "schema.h"

/* Compiles the n parts (absolute URIs with "#/json/pointer" fragments; the
 * root tree `doc` is the document at doc_uri, other documents are read from
 * disk). One gt_schema holds them all; validate part i with
 * gt_schema_valid_part / gt_schema_validate_part. NULL + err (FILE:LINE:COL)
 * when a part is missing or not a valid schema. Free with gt_schema_free. */
gt_schema *gt_schema_compile_parts(const gt_node *doc, const char *doc_uri,
                                   const char *const *parts, size_t n, const gt_schema_opts *opts,
                                   gt_err *err);
bool gt_schema_valid_part(const gt_schema *s, size_t i, const cJSON *instance);
bool gt_schema_validate_part(const gt_schema *s, size_t i, const cJSON *instance,
                             gt_schema_result *out);

/* Where an OpenAPI body travels (compiled with opts.openapi): in a request a
 * missing `required` property whose schema is readOnly is not an error, in a
 * response one that is writeOnly (OpenAPI 3.0/3.1 "readOnly", "writeOnly"). */
typedef enum gt_schema_use {
  GT_SCHEMA_USE_ANY = 0,
  GT_SCHEMA_USE_REQUEST,
  GT_SCHEMA_USE_RESPONSE,
} gt_schema_use;
bool gt_schema_valid_part_as(const gt_schema *s, size_t i, gt_schema_use use,
                             const cJSON *instance);
/* out may be NULL (the verdict only). */
bool gt_schema_validate_part_as(const gt_schema *s, size_t i, gt_schema_use use,
                                const cJSON *instance, gt_schema_result *out);
/* "file:///abs/path" as the compiler names a file (caller frees). */
char *gt_schema_file_uri(const char *path);

#endif
