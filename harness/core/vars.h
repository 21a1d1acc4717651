/* vars.h — ${NAME} / ${NAME:-default} expansion.
 *
 * Lookup order (docs/suite-format.md): captures, --var, suite `variables`, environment.
 * A scope is a chain of those four layers; the runner owns captures (one JSON
 * object per suite run), the CLI owns --var, the suite owns its variables.
 *
 * Secrets: a variable declared `{ value: ..., secret: true }`, a profile
 * credential, jwt_secret, and everything derived from them are registered in a
 * gt_secrets set (secrets.h) so that every output can redact them. */
#ifndef GT_CORE_VARS_H
#define GT_CORE_VARS_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "err.h"
#include "node.h"

typedef struct gt_cli_var {
  char *name;
  char *value;
} gt_cli_var;

/* ${gen.NAME}: built-in generated values, only while a request is built.
 * The callback returns a new cJSON for a known NAME (without "gen."), or
 * NULL. The `gen.` prefix is reserved: it is never looked up anywhere else,
 * so no capture, --var, suite variable or environment variable can shadow it
 * (and serve's request expressions use other prefixes). */
typedef cJSON *(*gt_gen_fn)(void *ud, const char *name, size_t len);

/* The generated values gauntlet knows ("uuid", "hex16", "now_ms", ...),
 * NULL-terminated; docs/suite-format.md "Generated values". */
extern const char *const gt_gen_names[];
/* True when name (without "gen.") is one of gt_gen_names. */
bool gt_gen_known(const char *name, size_t len);

typedef struct gt_scope {
  const cJSON *captures;      /* object name -> value, or NULL */
  const gt_cli_var *cli_vars; /* --var, in command-line order (last wins) */
  int n_cli_vars;
  const cJSON *suite_vars; /* object name -> value (already expanded), or NULL */
  bool use_env;            /* consult getenv() last */
  gt_gen_fn gen;           /* ${gen.*} while a request is built, else NULL */
  bool quoted_is_text;     /* a quoted sole "${NAME}" stays a string (JWT claims: as written) */
  void *gen_ud;
} gt_scope;

/* Looks NAME up through the chain. Returns a new cJSON (caller frees) or NULL
 * when undefined. Values from --var / env are strings. */
cJSON *gt_scope_lookup(const gt_scope *s, const char *name);

/* Expands every ${..} in text (length len) into out (appended). `$${` is a
 * literal `${`. Undefined variable without default: fails with GT_ERR_INPUT
 * naming the variable; `file/line/col` are used for the message (may be NULL/0).
 * Non-string values are rendered as compact JSON (numbers as JSON numbers). */
bool gt_expand_text(const gt_scope *s, const char *text, size_t len, gt_buf *out, const char *file,
                    int line, int col, gt_err *err);

/* A scalar node's text expanded (gt_expand_text at the node's position):
 * a new string the caller frees, or NULL when n is not a scalar or does not
 * expand (an undefined variable). */
char *gt_expand_scalar(const gt_scope *s, const gt_node *n);

/* Node -> JSON with expansion and type fidelity: a scalar that is exactly one
 * ${NAME} (unquoted or quoted) takes the JSON type of the variable's value;
 * other scalars are expanded as text then read with the core schema when
 * unquoted (so `count: ${N}` where N is "5" from --var yields the number 5 only
 * if plain; quoted stays a string). Tags are ignored. Caller owns result. */
cJSON *gt_expand_node(const gt_scope *s, const gt_node *n, gt_err *err);

/* Validates the ${..} syntax of text: an unterminated `${`, or a name that is
 * not [A-Za-z_][A-Za-z0-9_.-]*, fails with GT_ERR_INPUT at file/line/col. */
bool gt_check_var_syntax(const char *text, size_t len, const char *file, int line, int col,
                         gt_err *err);

/* Appends to `names` (a cJSON array of strings, no duplicates) every variable
 * name referenced by text without a default. Used to find capture dependencies
 * and undefined variables at load time. */
void gt_collect_var_refs(const char *text, size_t len, cJSON *names, bool include_defaulted);
/* Same over a whole tree (scalars and map keys). */
void gt_collect_node_var_refs(const gt_node *n, cJSON *names, bool include_defaulted);

/* A shell word that expands to exactly `value` from the environment alone,
 * written after the template text ("${USER}:${PASS}" -> "${USER}":"${PASS}",
 * literal parts single-quoted), or NULL when the template does not give value
 * from the environment (it uses a capture, a --var or a suite variable, or a
 * name the shell cannot spell). Used to reference secrets in repro commands.
 * Caller frees. */
char *gt_template_shell_word(const char *text, size_t len, const char *value);

#endif
