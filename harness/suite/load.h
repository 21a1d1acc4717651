/* load.h — internals shared by the suite loader's files (not a public API).
 *
 * Each ld_* function validates one part of a suite or profile tree and fills
 * the model; on the first problem it fills L->err (GT_ERR_INPUT at the
 * offending node's FILE:LINE:COL) and returns false. Everything allocated
 * goes into L->suite, which gt_suite_free releases even when half-built. */
#ifndef GT_SUITE_LOAD_H
#define GT_SUITE_LOAD_H

#include <stdbool.h>

#include "../check/check.h"
#include "../core/file.h"
#include "../fault/fault.h"
#include "suite.h"

typedef struct ld_compactor ld_compactor; /* load_compact.c */

typedef struct loader {
  gt_suite *suite;
  const gt_load_opts *opts;
  gt_err *err;
  gt_scope scope;       /* --var, suite variables, env: what is known at load time */
  cJSON *capture_names; /* every name some scenario captures (array of strings) */
  bool in_request;      /* checking a request: ${gen.*} is allowed there only */
  /* Key nodes of expect.jsonpath maps: they hold the compiled path (aux) and
   * the src text the model borrows; compaction needs them (a
   * gt_path_template does not point at its key node). Heap array, freed by
   * load_text. */
  gt_node **jsonpath_keys;
  size_t n_jsonpath_keys, cap_jsonpath_keys;
  ld_compactor *compact; /* while scenarios load (load_compact.c); NULL otherwise */
  /* Collected by load_scenarios while each scenario's subtree still exists
   * (compaction frees it right after), for ld_order_scenarios and errors:
   * per scenario, the ${NAME}s it uses that some scenario captures (NULL
   * when none; the array itself is NULL when nothing is captured), and the
   * position of its `name:` value. Heap arrays, freed by load_text. */
  cJSON **dep_refs;
  int *name_pos; /* line, col pairs */
  /* How many scenarios at the start of the list came from included files
   * (load_include.c); the suite's own follow. */
  size_t n_included_scenarios;
  /* `{$ref: FILE}` schemas compiled so far, by resolved reference
   * (load_schema.c): each file is compiled once. Keys owned; schemas are the
   * suite's. Freed by ld_schema_cache_free. */
  struct ld_schema_cached {
    char *key;
    gt_schema *schema;
  } * schema_cache;
  size_t n_schema_cache;
} loader;

/* ---- load_util.c ---- */
bool ld_fail(loader *L, const gt_node *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
const char *ld_kind(const gt_node *n); /* "a mapping", "a list", "a string", "null" */
bool ld_is_null(const gt_node *n);     /* plain ~, null or empty */
bool ld_want_map(loader *L, const gt_node *n, const char *what);
bool ld_want_seq(loader *L, const gt_node *n, const char *what);
bool ld_want_scalar(loader *L, const gt_node *n, const char *what); /* non-null scalar */
/* Unknown keys, with "did you mean" among allowed (NULL-terminated; an
 * entry "x-*" allows every key starting with x-). */
bool ld_check_keys(loader *L, const gt_node *map, const char *const *allowed, const char *what);
/* `name` closest to one of `names` (edit distance <= 2), or NULL. */
const char *ld_suggest(const char *name, const char *const *names, size_t n);
bool ld_bool(loader *L, const gt_node *n, const char *what, bool *out);
bool ld_int(loader *L, const gt_node *n, const char *what, long min, long max, long *out);
bool ld_duration(loader *L, const gt_node *n, const char *what, long *ms);
bool ld_size(loader *L, const gt_node *n, const char *what, size_t *bytes);
/* No YAML tag anywhere in n (matcher tags belong in templates only), and
 * well-formed ${..} references in every scalar. */
bool ld_plain_data(loader *L, const gt_node *n, const char *what);
/* A template: ${..} syntax plus gt_template_compile (tags, regexes). */
bool ld_template(loader *L, gt_node *n);
/* Compiles the JSONPath in scalar n; the error points at n. */
gt_jsonpath *ld_jsonpath(loader *L, const gt_node *n);
char *ld_strdup_scalar(const gt_node *n);
/* Keeps an allocation in the suite's owned storage (freed with it). */
void ld_keep_file(loader *L, char *file);
/* Keeps a parsed tree in the suite's owned storage (suite->trees: freed with
 * the suite); the model may borrow nodes from it. */
void ld_keep_tree(loader *L, gt_node *tree);

/* Reads and parses the YAML file at path, kept with ld_keep_tree (borrowed
 * by the caller). NULL with the error set: "CANNOT_READ 'PATH': why" at `at`
 * when the file cannot be read, the parser's FILE:LINE:COL otherwise. */
gt_node *ld_read_tree(loader *L, const gt_node *at, const char *path, const char *cannot_read);

/* A path relative to the directory of `from` (a file); absolute paths stay.
 * Caller frees. */
char *ld_resolve_relative(const char *from, const char *path);

/* ---- load_include.c ---- */
/* Reads the files `include:` names (recursively; each once; cycles are
 * errors). *parts (heap, caller frees the array only) gets every fragment
 * root in load order, then root. Fragment trees go into suite->trees. */
bool ld_includes(loader *L, gt_node *root, gt_node ***parts, size_t *n_parts);
/* The scenarios of all parts as one sequence (root's own `scenarios`, which
 * takes over the fragments' items, fragments first); NULL with L->err set
 * when there is none or a part's is not a list. Sets n_included_scenarios. */
gt_node *ld_join_scenarios(loader *L, gt_node *root, gt_node *const *parts, size_t n_parts);
/* "WHAT is defined twice: here and at FILE:LINE:COL" at `again`. */
bool ld_defined_twice(loader *L, const gt_node *again, const gt_node *first, const char *what);
/* Keys of parts[*].section(.sub) that appear in two parts are errors. */
bool ld_unique_keys(loader *L, gt_node *const *parts, size_t n_parts, const char *section,
                    const char *sub, const char *what, bool ignore_case);

/* ---- load_compact.c ---- */
/* Compaction during loading (see load_compact.c): the suite's trees are
 * replaced by one arena holding copies of only what the model references.
 * begin: after the profile and suite-level keys are loaded, before the first
 * scenario (list: the scenarios sequence of suite->trees[0]); false if
 * compaction is off (keep_trees) or cannot account for a borrowed pointer
 * (nothing moved). scenario: right after scenarios[i] loaded, in order;
 * afterwards list->items[i] is NULL and must not be read. finish: always,
 * once (ok: the load succeeded); frees the parsed trees when everything was
 * moved, else leaves both in suite->trees. */
bool ld_compact_begin(loader *L, gt_node *list);
void ld_compact_scenario(loader *L, size_t i);
void ld_compact_finish(loader *L, bool ok);
void ld_note_jsonpath_key(loader *L, gt_node *key);

/* ---- load_expect.c ---- */
bool ld_status(loader *L, const gt_node *n, gt_status_set *set, char **text);
bool ld_expect(loader *L, gt_node *n, gt_expect *out, const char *what);
/* A `faults:` list (names or one-key maps) or `none`. */
bool ld_fault_list(loader *L, gt_node *n, gt_fault_ref **out, size_t *count);

/* A content type: a media type (*text) or a !one_of / !regex matcher (*match,
 * and *text = its first option when it has one). */
bool ld_content_type(loader *L, gt_node *v, char **text, const gt_node **match, const char *what);

/* ---- load_schema.c ---- */
/* A JSON Schema n (a mapping, or true/false; the value of `key`), compiled
 * now with the suite's schema_dialect / strict_formats; *out points at it
 * (the suite owns it). Bad schemas fail at the offending keyword's
 * FILE:LINE:COL (an empty value: at key). */
bool ld_schema(loader *L, const gt_node *key, const gt_node *n, const gt_schema **out,
               const char *what);
/* The suite keys schema_dialect: and strict_formats: of root (before anything
 * that holds a schema loads). */
bool ld_schema_options(loader *L, const gt_node *root);
void ld_schema_cache_free(loader *L);

/* ---- load_profile.c ---- */
bool ld_profile(loader *L, gt_node *value, const char *suite_file);
/* ---- load_liveness.c: the profile's `liveness:` request ---- */
bool ld_liveness(loader *L, gt_profile *p, gt_node *n);

/* ---- load_reading.c ---- */
/* The profile's `request:` block into r (owned strings: ld_param_reading_free). */
bool ld_param_reading(loader *L, gt_param_reading *r, gt_node *n);
void ld_param_reading_free(gt_param_reading *r);
/* `absent`, `value` or `invalid` (request.nulls, request.empty_strings). */
bool ld_null_reading(loader *L, const gt_node *v, const char *what, gt_null_reading *out);

/* ---- load_client.c: the profile's `client:` policy (owned: gt_client_policy_free) ---- */
bool ld_client_policy(loader *L, gt_client_policy *p, gt_node *n);

/* ---- load_scenario.c ---- */
bool ld_scenario(loader *L, gt_node *n, gt_scenario *out);

/* ---- load_run.c ---- */
bool ld_wait_for(loader *L, const gt_node *n);
bool ld_shard(loader *L, const gt_node *n);
/* Sets sc->poll (owned by the scenario, also when loading fails). */
bool ld_poll(loader *L, gt_node *n, gt_scenario *sc);

/* ---- load_openapi.c ---- */
/* `openapi: api.yaml` or `openapi: { file: api.yaml }` (n may be NULL). */
bool ld_openapi(loader *L, const gt_node *n);
/* true when the suite's root says `openapi: {derive: missing}` (read before
 * ld_openapi validates it: the document may give every scenario). */
bool ld_derives_missing(const gt_node *root);

/* ---- load_vars.c ---- */
bool ld_variables(loader *L, gt_node *vars);
/* Every ${NAME} without default in n is known (capture, --var, variable, env). */
bool ld_vars_defined(loader *L, const gt_node *n);
/* Computes deps (from L->dep_refs) and reorders suite->scenarios (captures
 * before dependants); the scenarios are in file order when called. */
bool ld_order_scenarios(loader *L);
/* Registers the secret value of a node that expands now (profile token...). */
void ld_register_secret(loader *L, const gt_node *n, const char *fallback_name);

#endif
