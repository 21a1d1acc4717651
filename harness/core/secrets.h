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
/* name may be NULL. value is copied. Thread-compatible (not thread-safe). */
void gt_secrets_add(gt_secrets *s, const char *name, const char *value);
void gt_secrets_add_jwt(gt_secrets *s, const char *name, const char *jwt);
/* Appends text to out with every occurrence of every secret replaced
 * (longest secrets first). */
void gt_secrets_redact(const gt_secrets *s, const char *text, size_t len, gt_buf *out);
/* Convenience: returns a newly allocated redacted copy (caller frees). */
char *gt_secrets_redact_dup(const gt_secrets *s, const char *text, size_t len);

#endif
