/* compile_internal.h — the compiler's working state, shared by compile.c
 * (keywords) and resolve.c (documents, identifiers, $ref resolution). It
 * lives only during gt_schema_compile. */
#ifndef GT_SCHEMA_COMPILE_INTERNAL_H
#define GT_SCHEMA_COMPILE_INTERNAL_H

#include "schema_internal.h"

typedef struct sc_doc {
  gt_node *tree; /* owned when loaded by the compiler (NULL for the caller's root) */
  char *file;    /* FILE for the tree's nodes (owned) */
  char *display; /* prefix of schema locations: "" for the root document */
} sc_doc;

/* Where a schema object sits: its base URI, resource, document, dialect and
 * its JSON Pointer inside the document. */
typedef struct sc_where {
  const char *base; /* absolute URI without fragment (owned by the compiler state) */
  sc_resource *res;
  sc_doc *doc;
  gt_schema_dialect dialect;
  const char *ptr; /* "" or "/properties/a" */
  bool bool_ok;    /* draft-04: true/false allowed here (additionalItems/Properties) */
  unsigned vocab;  /* VOC_* bits: the vocabularies in force (a custom meta-schema's) */
} sc_where;

enum {
  VOC_APPLICATOR = 1,
  VOC_VALIDATION = 2,
  VOC_UNEVALUATED = 4,
  VOC_FORMAT_ASSERTION = 8,
  VOC_DEFAULT = VOC_APPLICATOR | VOC_VALIDATION | VOC_UNEVALUATED,
};

typedef struct sc_ident {
  char *uri; /* resource: no fragment; anchor: with "#name" */
  const gt_node *node;
  sc_where where;
  bool dynamic; /* a $dynamicAnchor */
} sc_ident;

typedef struct sc_pending {
  sc_ref *ref;
  bool dynamic;
  char *uri;  /* absolute, maybe with a fragment */
  char *text; /* as written, for messages */
  const gt_node *at;
  sc_where where;
} sc_pending;

typedef struct sc_memo {
  const gt_node *key;
  sc_node *node;
} sc_memo;

typedef struct sc_cc {
  gt_schema *s;
  const gt_schema_opts *opts;
  gt_err *err;
  sc_doc **docs;
  size_t n_docs;
  sc_ident *ids;
  size_t n_ids, cap_ids;
  sc_pending *pending;
  size_t n_pending, cap_pending;
  sc_memo *memo; /* open addressing by node pointer */
  size_t memo_cap, memo_n;
  char **strings; /* owned strings (base URIs, pointers) */
  size_t n_strings, cap_strings;
  bool has_uneval;
  struct {
    char *prefix, *dir; /* the root's $id folder and the root file's folder */
  } sibling;
} sc_cc;

/* compile.c */
sc_node *sc_compile_node(sc_cc *c, const gt_node *n, const sc_where *w, int depth);
bool sc_compile_fail(sc_cc *c, const gt_node *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
const char *sc_keep(sc_cc *c, char *owned);

/* resolve.c */
sc_node *sc_memo_get(sc_cc *c, const gt_node *n);
void sc_memo_put(sc_cc *c, const gt_node *n, sc_node *v);
void sc_add_ident(sc_cc *c, char *uri, const gt_node *node, const sc_where *w, bool dynamic);
void sc_add_pending(sc_cc *c, sc_ref *ref, bool dynamic, const char *text, const gt_node *at,
                    const sc_where *w);
/* Loads (when needed) and compiles every document the pending refs name,
 * and points each ref at its target. */
bool sc_resolve_all(sc_cc *c);
/* A document tree as a new resource (root or loaded). */
sc_node *sc_compile_document(sc_cc *c, sc_doc *d, const gt_node *root, const char *uri,
                             gt_schema_dialect fallback, gt_schema_dialect *used);
/* The dialect a $schema value names; false when unknown. */
bool sc_dialect_of_uri(const char *uri, gt_schema_dialect *out);
void sc_cc_free(sc_cc *c);
/* A whole file, or stdin for "-"; NULL + err. Caller frees. */
char *sc_read_all(const char *path, size_t *len, gt_err *err);
/* A JSON document (text starting with '{' or '['): true with *out (caller
 * frees); false with err set when malformed (FILE:LINE:COL); false with err
 * untouched when the text is not JSON-looking. */
bool sc_parse_json(const char *file, const char *text, size_t len, cJSON **out, gt_err *err);
/* JSON (checked strictly, errors at LINE:COL) or YAML text to a tree. */
gt_node *sc_parse_text(const char *file, const char *text, size_t len, gt_err *err);
/* An empty compiled schema with opts' limits and its regex match context
 * (the caller compiles into it; gt_schema_free frees it). */
gt_schema *sc_schema_new(const gt_schema_opts *opts);
/* sc_read_all then sc_parse_text; the caller frees the tree. */
gt_node *sc_load_tree(const char *path, gt_err *err);

#endif
