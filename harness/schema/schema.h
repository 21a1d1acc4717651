/* schema.h — JSON Schema validation (2020-12, draft-07, draft-06, draft-04,
 * and the OpenAPI 3.0 schema object).
 *
 * A schema is compiled once into a gt_schema: every $ref is resolved at
 * compile time (other files are read from disk, through --map style prefix
 * maps, through a caller's loader, or from the built-in meta-schemas; never
 * from the network), every keyword is checked and turned into a compact
 * array of compiled keywords per schema object. The compiled schema is
 * immutable: validate as many cJSON instances as you like, from several
 * threads. Validation allocates nothing per keyword; recursion is bounded
 * (max_depth) so cyclic schemas ($ref: "#") cannot exhaust the stack.
 *
 * Errors: a bad schema is a GT_ERR_INPUT with FILE:LINE:COL of the offending
 * keyword. An invalid instance gives a list of gt_schema_error, each with the
 * instance location (JSON Pointer and a $.a[0] path), the schema location of
 * the failing keyword (#/properties/a/type) and a one-line message. */
#ifndef GT_SCHEMA_SCHEMA_H
#define GT_SCHEMA_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "../core/err.h"
#include "../core/node.h"

typedef enum gt_schema_dialect {
  GT_DIALECT_DEFAULT = 0, /* "use the context": 2020-12 unless the caller says otherwise */
  GT_DIALECT_2020_12,
  GT_DIALECT_DRAFT7,
  GT_DIALECT_DRAFT6,
  GT_DIALECT_DRAFT4,
  GT_DIALECT_OPENAPI30, /* draft-04 + nullable (discriminator: opts.openapi) */
} gt_schema_dialect;

/* "2020-12", "draft-07"/"draft7"/"7", "draft-06", "draft-04", "openapi-3.0"
 * (also "openapi3.0", "oas30"), or a $schema URI. false when unknown. */
bool gt_schema_dialect_parse(const char *text, gt_schema_dialect *out);
/* "2020-12", "draft-07", ... */
const char *gt_schema_dialect_name(gt_schema_dialect d);

/* URIs starting with prefix are read from dir + the rest of the URI. */
typedef struct gt_schema_map {
  const char *prefix;
  const char *dir;
} gt_schema_map;

/* Asked for an absolute URI (no fragment) the compiler cannot find itself.
 * Returns a tree the compiler takes ownership of (gt_node_free), whose nodes'
 * `file` must stay valid until gt_schema_compile returns (e.g. a string the
 * loader keeps). Returns NULL with err untouched for "not mine" (the compiler
 * then reports the reference as unresolvable), or NULL with err filled. */
typedef gt_node *(*gt_schema_loader_fn)(void *ctx, const char *uri, gt_err *err);

typedef struct gt_schema_opts {
  gt_schema_dialect dialect; /* when the root schema has no $schema */
  /* The root document's URI (relative refs resolve against it). NULL: the
   * file URI of the root node's `file`, or "urn:gauntlet:schema" when the
   * root has no file. */
  const char *base_uri;
  const gt_schema_map *maps;
  size_t n_maps;
  gt_schema_loader_fn loader;
  void *loader_ctx;
  bool strict_formats; /* `format` asserts (see docs/schema.md for the list) */
  bool no_files;       /* never read files (file: URIs, --map): fuzzing, untrusted schemas */
  unsigned max_depth;  /* nested schema evaluations; 0 = GT_SCHEMA_MAX_DEPTH */
  /* OpenAPI's schema keywords (docs/openapi.md "Schemas"): a `discriminator`
   * next to a oneOf/anyOf (or inherited by every branch through allOf) picks
   * the one branch its property's value names (`mapping`, else the schema
   * name), as ajv's `discriminator` option does; readOnly/writeOnly are
   * kept so that parts.h's request/response validation can relax
   * `required` for them. */
  bool openapi;
} gt_schema_opts;

#define GT_SCHEMA_MAX_DEPTH 256u

typedef struct gt_schema gt_schema;

/* Compiles a schema tree (e.g. a suite's inline `schema:` or a parsed file).
 * The tree is only read during the call. NULL + err (GT_ERR_INPUT with
 * FILE:LINE:COL) on a bad schema or an unresolvable $ref. Free with
 * gt_schema_free. opts may be NULL. */
gt_schema *gt_schema_compile(const gt_node *root, const gt_schema_opts *opts, gt_err *err);
/* The same for a cJSON schema; `name` stands for FILE in messages. */
gt_schema *gt_schema_compile_json(const cJSON *root, const char *name, const gt_schema_opts *opts,
                                  gt_err *err);
/* Reads and compiles a JSON or YAML file ("-" reads stdin). */
gt_schema *gt_schema_load_file(const char *path, const gt_schema_opts *opts, gt_err *err);
void gt_schema_free(gt_schema *s);
/* Reads an instance: JSON (strict RFC 8259) or YAML; "-" reads stdin.
 * NULL + err (GT_ERR_INPUT, FILE:LINE:COL) when unreadable or malformed.
 * Caller owns the result (cJSON_Delete). */
cJSON *gt_schema_read_instance(const char *path, gt_err *err);
/* The dialect the root was compiled with. */
gt_schema_dialect gt_schema_dialect_of(const gt_schema *s);

typedef struct gt_schema_error {
  char *instance_ptr;  /* JSON Pointer into the instance; "" is the root */
  char *instance_path; /* the same as a path: $, $.items[3].qty, $['a b'] */
  char *schema_loc;    /* "#/properties/qty/type"; other documents: "FILE#/..." */
  char *message;       /* one line, e.g. 7.5 is not of type "integer" */
} gt_schema_error;

typedef struct gt_schema_result {
  gt_schema_error *errors;
  size_t count, cap;
  size_t dropped; /* errors past GT_SCHEMA_MAX_ERRORS, not stored */
} gt_schema_result;

#define GT_SCHEMA_MAX_ERRORS 1000u

/* true when the instance is valid. The fastest form: stops at the first
 * failing keyword and builds no messages. */
bool gt_schema_valid(const gt_schema *s, const cJSON *instance);
/* The same verdict, appending every error to out (which the caller zeroes
 * first and frees with gt_schema_result_free). anyOf/oneOf/not/if report
 * one error at their keyword rather than every failing branch. */
bool gt_schema_validate(const gt_schema *s, const cJSON *instance, gt_schema_result *out);
void gt_schema_result_free(gt_schema_result *r);

/* `schema $.items[3].qty: 7.5 is not of type "integer" (#/properties/...)` */
void gt_schema_error_format(const gt_schema_error *e, char *out, size_t cap);

#endif
