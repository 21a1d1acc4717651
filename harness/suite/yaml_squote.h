/* yaml_squote.h — the value of a YAML single-quoted scalar from its source text.
 *
 * Why not libfyaml's fy_token_get_text: in libfyaml 0.7.12 (Debian 12) that
 * call leaks a 512-byte buffer for every single-quoted scalar with several
 * '' escapes (its chunk iterator grows and the grown array is never freed),
 * and its token iterator returns wrong text for the same scalars. Single
 * quotes have one escape and YAML's flow folding, so the loader decodes them
 * itself (YAML 1.2.2 §7.3.2). */
#ifndef GT_YAML_SQUOTE_H
#define GT_YAML_SQUOTE_H

#include <stddef.h>

/* Decodes the content between the quotes, raw[0..len), into out, which must
 * hold len bytes (the value is never longer than its source). Returns the
 * value's length; out is not NUL-terminated. */
size_t gt_yaml_single_quoted(const char *raw, size_t len, char *out);

#endif
