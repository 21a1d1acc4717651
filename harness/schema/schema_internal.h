/* schema_internal.h — the compiled form shared by compile.c, resolve.c,
 * validate.c and the helpers. Not part of the public interface.
 *
 * A compiled schema object (sc_node) is an array of compiled keywords
 * (sc_kw), each tagged with the instance types it applies to, so validation
 * is one loop that skips what does not apply. Everything compiled lives in
 * the gt_schema's bump arena (sc_alloc) and dies with it; cJSON values and
 * PCRE2 codes are listed for freeing. */
#ifndef GT_SCHEMA_INTERNAL_H
#define GT_SCHEMA_INTERNAL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdatomic.h>
#include <stdint.h>

#include "schema.h"

/* Instance type bits. A number has T_NUM, and also T_INT when integral. */
enum {
  T_NULL = 1,
  T_BOOL = 2,
  T_INT = 4,
  T_NUM = 8,
  T_STR = 16,
  T_ARR = 32,
  T_OBJ = 64,
  T_ANY = 127,
};

typedef enum sc_op {
  OP_TYPE,
  OP_NULLABLE_TYPE, /* OpenAPI 3.0: type plus null */
  OP_ENUM,
  OP_CONST,
  OP_MULTIPLE_OF,
  OP_MAXIMUM,
  OP_EXCL_MAXIMUM,
  OP_MINIMUM,
  OP_EXCL_MINIMUM,
  OP_MAX_LENGTH,
  OP_MIN_LENGTH,
  OP_PATTERN,
  OP_FORMAT,
  OP_CONTENT, /* draft-07 contentEncoding/contentMediaType, strict formats only */
  OP_MAX_ITEMS,
  OP_MIN_ITEMS,
  OP_UNIQUE_ITEMS,
  OP_MAX_PROPS,
  OP_MIN_PROPS,
  OP_REQUIRED,
  OP_DEPS, /* dependencies / dependentRequired / dependentSchemas */
  OP_ALLOF,
  OP_ANYOF,
  OP_ONEOF,
  OP_NOT,
  OP_IF,
  OP_REF,
  OP_DYNREF,
  OP_ITEMS,    /* prefixItems/items, or draft items + additionalItems */
  OP_CONTAINS, /* with minContains/maxContains */
  OP_OBJECT,   /* properties + patternProperties + additionalProperties */
  OP_PROPERTY_NAMES,
  OP_UNEVAL_ITEMS,
  OP_UNEVAL_PROPS,
  /* OpenAPI annotations (opts.openapi): applies to no instance type, so
   * validation skips them; read by oneOf/anyOf and required (validate.c) */
  OP_DISCRIMINATOR,
  OP_ACCESS, /* u.types: SC_READ_ONLY | SC_WRITE_ONLY */
} sc_op;

enum { SC_READ_ONLY = 1, SC_WRITE_ONLY = 2 };

/* An OpenAPI discriminator: the property naming the branch and the
 * `mapping` (value -> a $ref as written, or a bare schema name). */
typedef struct sc_disc {
  const char *prop;
  const char **keys, **targets;
  uint32_t n;
} sc_disc;

typedef struct sc_node sc_node;
typedef struct sc_resource sc_resource;

typedef struct sc_regex {
  pcre2_code *code;
  const char *source;
} sc_regex;

typedef struct sc_prop {
  const char *name;
  uint32_t len, hash;
  sc_node *node;
} sc_prop;

typedef struct sc_pattern_prop {
  sc_regex re;
  sc_node *node;
} sc_pattern_prop;

typedef struct sc_object {
  sc_prop *table; /* open addressing, table_size a power of two; name NULL = empty */
  uint32_t table_size, n_props;
  sc_pattern_prop *pats;
  uint32_t n_pats;
  sc_node *additional; /* NULL: none */
  const char *props_loc, *pats_loc, *additional_loc;
} sc_object;

typedef struct sc_items {
  sc_node **prefix;
  uint32_t n_prefix;
  sc_node *rest; /* NULL: none */
  const char *prefix_loc, *rest_loc;
} sc_items;

typedef struct sc_contains {
  sc_node *sub;
  double min, max; /* max < 0: none */
  const char *min_loc, *max_loc;
} sc_contains;

typedef struct sc_dep {
  const char *name;
  const char **required; /* when not a schema */
  uint32_t n_required;
  sc_node *schema; /* when a schema */
  const char *loc;
} sc_dep;

typedef struct sc_cond {
  sc_node *if_, *then_, *else_;
  const char *then_loc, *else_loc;
} sc_cond;

typedef struct sc_ref {
  sc_node *target;          /* resolved at compile time */
  const char *dynamic_name; /* $dynamicRef whose target has this $dynamicAnchor; else NULL */
} sc_ref;

typedef struct sc_kw {
  uint8_t op;
  uint8_t applies; /* T_* bits of the instance types it looks at */
  const char *loc; /* schema location of the keyword */
  union {
    double num;
    unsigned types;
    sc_node *sub;
    struct {
      sc_node **v;
      uint32_t n;
    } subs;
    struct {
      cJSON **v;
      uint32_t n;
    } values;
    struct {
      const char **v;
      uint32_t n;
    } strs;
    struct {
      sc_dep *v;
      uint32_t n;
    } deps;
    sc_regex re;
    const char *format;
    sc_object *obj;
    sc_items *items;
    sc_contains *contains;
    sc_cond *cond;
    sc_ref *ref;
    const sc_disc *disc;
  } u;
} sc_kw;

enum { SC_TRUE, SC_FALSE, SC_OBJECT };

struct sc_node {
  sc_kw *kws;
  uint32_t n_kws;
  uint8_t kind;
  bool tracks; /* has unevaluatedItems/Properties: collects what its keywords evaluated */
  const char *loc;
  sc_resource *res;
};

typedef struct sc_dyn_anchor {
  const char *name;
  sc_node *node;
  struct sc_dyn_anchor *next;
} sc_dyn_anchor;

struct sc_resource {
  const char *uri;
  sc_dyn_anchor *dyn;
};

typedef struct sc_block sc_block;
typedef struct sc_free_item sc_free_item;

struct gt_schema {
  sc_node *root;
  gt_schema_dialect dialect;
  bool strict_formats;
  bool has_regex;
  bool openapi; /* compiled with opts.openapi */
  uint8_t use;  /* gt_schema_use of this view (parts.c) */
  unsigned max_depth;
  pcre2_match_context *mctx; /* match limits (shared read-only) */
  /* One spare PCRE2 match block that validations borrow (atomic exchange),
   * so a validation allocates none in the common case; a concurrent one
   * allocates its own. A pointer: the gt_schema itself is read-only. */
  _Atomic(pcre2_match_data *) *spare_md;
  sc_block *blocks;      /* bump arena */
  sc_free_item *to_free; /* cJSON values and PCRE2 codes */
};

/* ---- arena (compile time) ---- */
void *sc_alloc(gt_schema *s, size_t n); /* zeroed */
char *sc_strdup(gt_schema *s, const char *str);
char *sc_strndup(gt_schema *s, const char *str, size_t n);
char *sc_printf(gt_schema *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sc_own_json(gt_schema *s, cJSON *j);
void sc_own_regex(gt_schema *s, pcre2_code *c);
/* Frees what the arena and the free list hold (not s itself). */
void sc_release(gt_schema *s);

/* ---- uri.c ---- */
/* RFC 3986 reference resolution; malloc'd result. base may be NULL. */
char *sc_uri_resolve(const char *base, const char *ref);
/* true when the URI has a scheme (is absolute, fragment allowed). */
bool sc_uri_has_scheme(const char *uri);
/* "file:///abs/path" for a path (made absolute from the working directory). */
char *sc_file_uri(const char *path);
/* Percent-decodes s[0..n) into a malloc'd string. */
char *sc_pct_decode(const char *s, size_t n);
/* Appends a JSON Pointer token (~0 ~1 escaped) to a malloc'd location. */
char *sc_ptr_append(const char *loc, const char *token);
uint32_t sc_hash(const char *s, size_t n);

/* ---- regex.c ---- */
/* Compiles an ECMA-262 pattern with PCRE2 (see docs/schema.md for the
 * differences). false + a message in why on error. */
bool sc_regex_compile(gt_schema *s, const char *pattern, sc_regex *out, char *why, size_t cap);
/* Unanchored search; md is a match data block of the caller. */
bool sc_regex_search(const sc_regex *re, const char *subject, size_t len, pcre2_match_data *md,
                     pcre2_match_context *mc);

/* ---- format.c ---- */
/* true when the format is one strict mode asserts and the string is not valid. */
bool sc_format_known(const char *format);
bool sc_format_check(const char *format, const char *s, size_t len);

/* ---- content.c ---- */
enum { SC_CONTENT_BASE64 = 1, SC_CONTENT_JSON = 2 };
bool sc_content_check(unsigned flags, const char *s, size_t len);

/* ---- json helpers (validate.c) ---- */
bool sc_json_equal(const cJSON *a, const cJSON *b);
size_t sc_utf8_length(const char *s);

/* ---- meta.c (generated): built-in meta-schemas ---- */
typedef struct sc_builtin {
  const char *uri; /* without the trailing '#' */
  const char *text;
} sc_builtin;
extern const sc_builtin sc_builtins[];
extern const size_t sc_n_builtins;

#endif
