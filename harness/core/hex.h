/* hex.h — the one hex-digit decoder, and percent-decoding built on it (used
 * by the JSONPath parser's \u escapes, the raw HTTP parser's chunk sizes,
 * serve's target and form decoding, and the schema module's URIs). */
#ifndef GT_CORE_HEX_H
#define GT_CORE_HEX_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* '0'..'9', 'a'..'f', 'A'..'F' -> 0..15; anything else -> -1. */
int gt_hex_digit(int c);
/* Appends s[0..len) to out with every %XX decoded. An invalid escape ('%'
 * not followed by two hex digits) is kept as written and makes the result
 * false (the caller decides). out holds "" at least. */
bool gt_percent_decode(const char *s, size_t len, gt_buf *out);

#endif
