/* suite.h — YAML suites and profiles to the model (docs/suite-format.md).
 *
 * Validation is complete at load time: unknown keys (with a "did you mean"),
 * wrong types, duplicate keys, undefined variables, bad regexes, bad JSONPath,
 * unknown tags/faults/checks, bad durations/statuses, capture cycles, two
 * bodies in one request, missing profile files. The first problem is returned
 * as GT_ERR_INPUT with FILE:LINE:COL in the gt_err. Nothing is sent. */
#ifndef GT_SUITE_SUITE_H
#define GT_SUITE_SUITE_H

#include "../core/err.h"
#include "../core/model.h"
#include "../core/secrets.h"
#include "../core/units.h" /* gt_parse_duration, gt_parse_size */
#include "../core/vars.h"

typedef struct gt_load_opts {
  const gt_cli_var *cli_vars; /* --var, may be NULL */
  int n_cli_vars;
  bool use_env;        /* true in the CLI; tests may turn it off */
  gt_secrets *secrets; /* secret values found while loading are added here; may be NULL */
  /* false (default): after loading, only the subtrees the model references
   * are kept (copied into one compact arena; suite->trees then holds that
   * arena's root, whose tree is empty). true: suite->trees are the parsed
   * trees, whole, for a caller that reads more of them than the model. */
  bool keep_trees;
  /* --strict-formats: `format` asserts in every schema of the suite, whatever
   * its strict_formats: key says (docs/schema.md). */
  bool strict_formats;
  /* serve reads only the path of base_url. true: a ${NAME} without a default
   * in base_url that nothing defines is not an error; NAME becomes a suite
   * variable with a placeholder value ("http://placeholder" when the URL
   * starts with it, else "placeholder") and on_placeholder (may be NULL) is
   * told, so the caller can say that the host is not used. */
  bool base_url_placeholders;
  void (*on_placeholder)(void *ud, const char *file, const char *name);
  void *placeholder_ud;
  /* A fragment (the mapping an included file holds: scenarios:, ...) given as
   * text, read as if the suite included it last, after its own `include:`
   * files: its scenarios come before the suite's own. extra_name stands for
   * its FILE in messages. NULL: none. (`openapi: {derive: missing}`: the
   * derived scenarios of the operations the suite does not cover.) */
  const char *extra_fragment;
  size_t extra_fragment_len;
  const char *extra_name;
} gt_load_opts;

/* Loads one suite file. Returns NULL and fills err on failure. Caller frees
 * with gt_suite_free. */
gt_suite *gt_suite_load(const char *path, const gt_load_opts *opts, gt_err *err);
/* Same from memory (tests, fuzzing); `name` is used as FILE in messages and
 * as the base for relative profile paths. */
gt_suite *gt_suite_load_string(const char *name, const char *yaml, size_t len,
                               const gt_load_opts *opts, gt_err *err);
void gt_suite_free(gt_suite *s);

/* YAML text (one document) to a gt_node tree whose nodes point at `file`
 * (which must outlive the tree). Rejects malformed UTF-8, NUL bytes, YAML
 * syntax errors (tabs as indentation...), duplicate keys, non-scalar keys and
 * more than one document, with FILE:LINE:COL. An empty document is a plain
 * empty scalar (null). Aliases are expanded into copies. Caller owns the tree
 * (gt_node_free). Used by the loader and by serve. */
gt_node *gt_yaml_parse(const char *file, const char *data, size_t len, gt_err *err);
/* The same tree from JSON text (RFC 8259, strict: a trailing comma, a
 * comment or a raw control character in a string is a "JSON syntax error"
 * at FILE:LINE:COL; duplicate keys are rejected), much faster than the YAML
 * reader on large documents (json_read.c). Strings are quoted scalars,
 * numbers/true/false/null plain ones. Caller owns the tree (gt_node_free). */
gt_node *gt_json_parse(const char *file, const char *data, size_t len, gt_err *err);

#endif
