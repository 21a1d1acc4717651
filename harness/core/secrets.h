/* secrets.h — the set of secret values of a run, and redaction.
 *
 * Every output path (console, --verbose dumps, repro curl lines, error
 * messages, JUnit) passes text through gt_secrets_redact before writing it.
 * A secret is shown as ${NAME} when it has a name, otherwise as ***.
 * Derived values (a forged JWT, a Basic credential's base64, a token with a
 * trailing extra) are registered too; gt_secrets_add_jwt also registers the
 * JWT's header.payload and signature parts so an altered token is still hidden.
 * Values shorter than 4 bytes are not registered (they would redact noise). */
#ifndef GT_CORE_SECRETS_H
#define GT_CORE_SECRETS_H

#include <stddef.h>

#include "buf.h"

typedef struct gt_secrets gt_secrets;

gt_secrets *gt_secrets_new(void);
void gt_secrets_free(gt_secrets *s);
/* name may be NULL. value is copied. Thread-compatible (not thread-safe).
 * When the environment variable `name` holds exactly `value`, the secret can
 * be written in a shell command as "${name}" (see gt_secrets_find). */
void gt_secrets_add(gt_secrets *s, const char *name, const char *value);
/* The same with an explicit shell word that expands to exactly value under the
 * documented environment (e.g. "${API_USER}":"${API_PASS}"); NULL: none. */
void gt_secrets_add_shell(gt_secrets *s, const char *name, const char *value, const char *shell);
void gt_secrets_add_jwt(gt_secrets *s, const char *name, const char *jwt);
/* Appends text to out with every occurrence of every secret replaced
 * (longest secrets first). */
void gt_secrets_redact(const gt_secrets *s, const char *text, size_t len, gt_buf *out);
/* A region of text covered by secrets, for callers that render it themselves
 * (the repro command splices shell references in). Regions do not overlap. */
typedef struct gt_secret_hit {
  size_t start, end; /* byte offsets, end exclusive */
  const char *label; /* "${NAME}" or "***" (borrowed from the set) */
  const char *shell; /* a shell word expanding to exactly these bytes from the
                        environment, or NULL when there is none (a minted token,
                        a derived encoding, a value not from the environment) */
} gt_secret_hit;
/* Regions in order; *hits is malloc'd (caller frees), NULL when none. */
size_t gt_secrets_find(const gt_secrets *s, const char *text, size_t len, gt_secret_hit **hits);

/* Convenience: returns a newly allocated redacted copy (caller frees). */
char *gt_secrets_redact_dup(const gt_secrets *s, const char *text, size_t len);

#endif
