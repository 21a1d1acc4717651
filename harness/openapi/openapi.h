/* openapi.h — OpenAPI 3.1 / 3.0 and Swagger 2.0 documents (docs/openapi.md).
 *
 * gt_openapi_load reads a document (YAML or JSON) and every file its $refs
 * name into one model: operations with their parameters, request bodies,
 * documented responses and security, the security schemes and the first
 * server. gt_openapi_suite_yaml turns the model into a suite (derived
 * scenarios, profile, faults: the rules of docs/openapi.md), which the
 * suite loader reads like any other; gt_openapi_attach hangs the document's
 * response contracts on the loaded suite so that every response is judged by
 * the `schema` check.
 *
 * Errors: a malformed or unsupported document is a GT_ERR_INPUT with
 * FILE:LINE:COL of the offending node. */
#ifndef GT_OPENAPI_OPENAPI_H
#define GT_OPENAPI_OPENAPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "../core/err.h"
#include "../core/model.h"
#include "../core/node.h"

typedef enum gt_oa_sec_kind {
  GT_OA_SEC_BEARER, /* http bearer, OAuth2, OpenID Connect */
  GT_OA_SEC_BASIC,
  GT_OA_SEC_APIKEY_HEADER,
  GT_OA_SEC_APIKEY_QUERY,
  GT_OA_SEC_APIKEY_COOKIE,
} gt_oa_sec_kind;

typedef struct gt_oa_scheme {
  char *name;  /* as in components.securitySchemes */
  char *var;   /* the variable holding its credential (docs/openapi.md naming rule) */
  char *param; /* apiKey: the header, query parameter or cookie name; else NULL */
  gt_oa_sec_kind kind;
  char *value; /* the credential (a secret; serve checks it), set by gt_openapi_set_credential */
} gt_oa_scheme;

/* A schema somewhere in the document set: the node (resolved) and where it
 * sits as an absolute URI with a JSON Pointer fragment, for the validator. */
typedef struct gt_oa_schema {
  const gt_node *node; /* NULL: no schema */
  char *uri;           /* "file:///abs/api.yaml#/paths/~1pets/get/..." (owned) */
} gt_oa_schema;

/* How an array or object parameter is written (style.c has the table). */
typedef enum gt_oa_style {
  GT_OA_STYLE_FORM,   /* query, cookie (the default there) */
  GT_OA_STYLE_SIMPLE, /* path, header (the default there) */
  GT_OA_STYLE_LABEL,
  GT_OA_STYLE_MATRIX,
  GT_OA_STYLE_DEEP_OBJECT,
  GT_OA_STYLE_PIPE,  /* pipeDelimited */
  GT_OA_STYLE_SPACE, /* spaceDelimited */
} gt_oa_style;

typedef struct gt_oa_param {
  char *name;
  char *in; /* path, query, header, cookie */
  bool required;
  gt_oa_style style;      /* `style` (2.0: from collectionFormat), else the default for `in` */
  bool explode;           /* `explode`, else true for form only */
  gt_oa_schema schema;    /* 2.0: the parameter itself (type, enum, ...) */
  const gt_node *example; /* example / first of examples / x-example, or NULL */
  long part;              /* as gt_oa_media.part */
  struct gt_schema *inline_schema; /* 2.0 query/header: compiled apart (contract.c owns it) */
} gt_oa_param;

typedef struct gt_oa_media {
  char *type; /* "application/json" */
  gt_oa_schema schema;
  const gt_node *example;
  const gt_node *encoding; /* a request body's `encoding` map (multipart, forms), or NULL */
  long part;               /* its index among the compiled schemas (contract.c); -1: none */
  /* 2.0 formData: the schema built from the parameters, compiled apart
   * (contract.c owns it); NULL otherwise */
  struct gt_schema *inline_schema;
} gt_oa_media;

typedef struct gt_oa_header {
  char *name;
  bool required;
  gt_oa_schema schema;
  long part; /* as gt_oa_media.part */
} gt_oa_header;

typedef struct gt_oa_response {
  char *status; /* "200", "4XX", "default" */
  gt_oa_media *media;
  size_t n_media;
  gt_oa_header *headers;
  size_t n_headers;
  const gt_node *links; /* MAP or NULL */
} gt_oa_response;

typedef struct gt_oa_op {
  char *method; /* upper case */
  char *path;   /* "/pets/{petId}" */
  char *op_id;  /* operationId or NULL */
  gt_oa_param *params;
  size_t n_params;
  gt_oa_media *body; /* request body per media type */
  size_t n_body;
  bool body_required;
  gt_oa_response *responses;
  size_t n_responses;
  int *security; /* indices into gt_openapi.schemes: the first requirement's schemes */
  size_t n_security;
  int *alts; /* the first scheme of each requirement (the alternatives) */
  size_t n_alts;
  bool is_public; /* `security: []` (or no security anywhere) */
  const gt_node *at;
  gt_node *form_schema; /* 2.0 formData parameters as one object schema (owned), or NULL */
} gt_oa_op;

typedef struct gt_openapi {
  int version;        /* 20, 30, 31 */
  char *version_text; /* "3.0.3" */
  char *title;
  char *file;       /* as given */
  char *server_url; /* the first server with its variables' defaults, or NULL */
  gt_oa_scheme *schemes;
  size_t n_schemes;
  gt_oa_op *ops;
  size_t n_ops;
  /* the documents read (the first is the root): trees and their file names */
  gt_node **trees;
  char **files;
  char **uris;
  size_t n_docs;
} gt_openapi;

/* true when the file's top level has an `openapi:` or `swagger:` key (a
 * quick look at the text; nothing is parsed fully). */
bool gt_openapi_sniff(const char *path);
/* Reads the document and the files it refers to. NULL + err (GT_ERR_INPUT
 * FILE:LINE:COL) on a malformed or unsupported document. Free with
 * gt_openapi_free. */
gt_openapi *gt_openapi_load(const char *path, gt_err *err);
void gt_openapi_free(gt_openapi *d);

typedef struct gt_oa_suite_opts {
  const char *base_url; /* written as the suite's base_url (NULL: the server's or a variable) */
  unsigned long seed;   /* choices in synthesized values */
  bool comments;        /* `# from: GET /pets/{petId}` comments (init) */
  bool var_defaults;    /* credentials as ${NAME:-} (list/check: nothing needs to be set) */
  bool serve;           /* for `gauntlet serve`: respond: blocks, an error shape, no negatives */
  const char *profile_file; /* `profile: FILE` instead of the profile inline (init) */
  const char *openapi_ref;  /* `openapi: FILE` written into the suite (init): its contract */
  /* n_ops flags: derive only these operations, plus every operation one of
   * them takes an identifier from (its producer). NULL: all of them. */
  const bool *only;
  /* Only the `scenarios:` list, as the fragment a suite includes (no suite
   * name, base_url or profile: the including suite's apply). */
  bool fragment;
} gt_oa_suite_opts;

/* The derived suite as YAML text (caller frees): profile, scenarios, faults.
 * Files that schemas refer to are read into d on the way. */
char *gt_openapi_suite_yaml(gt_openapi *d, const gt_oa_suite_opts *o);

/* The derived profile alone, as the text of a profile file (caller frees). */
char *gt_openapi_profile_yaml(gt_openapi *d, const gt_oa_suite_opts *o);

/* The response contracts: compiles every documented response schema and
 * points each scenario of s at its operation (a derived scenario by its
 * name, a hand-written one by its request's method and path), so
 * the `schema` check judges its responses. The suite takes ownership of d
 * (freed with it). false + err on a schema the validator rejects. */
bool gt_openapi_attach(gt_openapi *d, gt_suite *s, gt_err *err);

/* The scheme most operations accept among bearer, basic and header API keys
 * (the derived profile's credential), or -1. */
int gt_openapi_profile_scheme(const gt_openapi *d);
/* The scheme a derived request for op carries: the profile's when op accepts
 * it, else the first requirement's first scheme; -1 for a public operation. */
int gt_openapi_op_scheme(const gt_openapi *d, const gt_oa_op *op);
/* Keeps the credential of the scheme whose variable is var (copied). */
void gt_openapi_set_credential(gt_openapi *d, const char *var, const char *value);

/* The operations of the suite's document (attached) that no scenario
 * exercises, as "GET /pets/{petId}" (borrowed from the suite); returns how
 * many (only the first max are stored). */
size_t gt_openapi_uncovered(const gt_suite *s, const char **out, size_t max);

/* The document attached to s (gt_openapi_attach), or NULL. */
const gt_openapi *gt_openapi_of(const gt_suite *s);
/* The index (in gt_openapi_of(s)->ops) of the operation scenario i of s is
 * tied to, or -1. */
long gt_openapi_op_of(const gt_suite *s, size_t scenario);

/* A defect of the document (defects.c, docs/openapi.md "Document defects"):
 * something no server can give (a body schema no finite value satisfies, a
 * oneOf whose branches accept the same values), a body example its schema
 * rejects, a link that selects nothing. */
typedef struct gt_oa_warning {
  const char *file; /* FILE:LINE:COL of the offending node (file borrowed) */
  int line, col;
  char *message;         /* one line, owned */
  char *loc;             /* "#/json/pointer" of the keyword in the root document the
                            validator names in its errors, or NULL (owned) */
  const gt_oa_op *op;    /* the operation whose body no value satisfies, or NULL */
  const gt_node *schema; /* that body's schema node, or NULL */
  bool request_body;     /* op's request body (else a response's) */
} gt_oa_warning;
/* The defects of the document tied to suite s (computed when attached;
 * borrowed, valid while s lives); 0 when none or no document. */
size_t gt_openapi_warnings(const gt_suite *s, const gt_oa_warning **out);

/* "bearerAuth", "api_key" ...: the variable of each scheme some derived
 * request carries (borrowed). */
size_t gt_openapi_credential_vars(const gt_openapi *d, const char **out, size_t max);

/* ---- coverage.c: per operation, what a run exercised (docs/openapi.md
 * "Coverage") ----
 * Fed the suites and case results of a run (the CLI's report sink): for
 * every operation of every suite tied to a document, the documented statuses
 * observed and not observed, the undocumented statuses seen, and the faults
 * that ran. Statuses of cases that leave the operation (the paths and
 * methods faults) or that only the transport judges (wire_*, http_only) are
 * not counted; their faults are. Everything is copied: the suites may be
 * freed before the coverage is written. */
struct gt_case_result;
struct gt_property;
struct cJSON;
typedef struct gt_coverage gt_coverage;

gt_coverage *gt_coverage_new(void); /* free with gt_coverage_free */
void gt_coverage_free(gt_coverage *c);
/* The suite whose cases follow (a suite without a document is ignored). */
void gt_coverage_suite(gt_coverage *c, const gt_suite *s);
void gt_coverage_case(gt_coverage *c, const struct gt_case_result *r);
/* true when some suite so far is tied to a document. */
bool gt_coverage_any(const gt_coverage *c);
/* The current suite's coverage as JUnit properties ("coverage.operations",
 * "coverage.statuses", one "coverage.op.METHOD /path" per operation); props
 * freed with gt_properties_free. 0 when the suite has no document. */
size_t gt_coverage_properties(const gt_coverage *c, struct gt_property **props);
/* The console table (at most max_rows operations per suite, then a line
 * saying how many more); one summary line per suite when brief. */
void gt_coverage_print(const gt_coverage *c, FILE *out, size_t max_rows, bool brief);
/* The coverage document (docs/report.schema.json "$defs/coverage"); caller
 * frees. */
struct cJSON *gt_coverage_json(const gt_coverage *c);
/* --coverage FILE: the document, written atomically. */
bool gt_coverage_write(const gt_coverage *c, const char *path, gt_err *err);

#endif
