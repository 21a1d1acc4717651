/* utf8.h — strict UTF-8 decoding shared by the YAML and JSON readers. */
#ifndef GT_CORE_UTF8_H
#define GT_CORE_UTF8_H

#include <stddef.h>

/* Length (1-4) of the valid UTF-8 sequence at s, of which n bytes are
 * readable; 0 when it is invalid (strict: no overlong forms, no surrogates,
 * nothing above U+10FFFF, no truncated sequence). n must be at least 1. */
size_t gt_utf8_seq(const unsigned char *s, size_t n);

#endif
