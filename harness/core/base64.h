/* base64.h — RFC 4648 base64 and base64url, the one codec every folder uses
 * (Basic credentials, JWT segments, secret renderings, contentEncoding). */
#ifndef GT_CORE_BASE64_H
#define GT_CORE_BASE64_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

typedef enum {
  GT_B64_STD, /* "+/" (RFC 4648 §4) */
  GT_B64_URL  /* "-_" (RFC 4648 §5) */
} gt_b64_alphabet;

typedef enum {
  GT_B64_PAD_OPTIONAL, /* trailing '=' tolerated, never required (JWT, lenient peers) */
  GT_B64_PAD_REQUIRED  /* length a multiple of 4, '=' only closing the last quantum */
} gt_b64_padding;

/* Appends the encoding of data to out; pad adds the closing '='s. */
void gt_base64_encode_as(gt_buf *out, const void *data, size_t len, gt_b64_alphabet alphabet,
                         bool pad);
/* Standard alphabet, padded (HTTP Basic). */
void gt_base64_encode(gt_buf *out, const void *data, size_t len);
/* URL alphabet, unpadded (JWT segments). */
void gt_base64url_encode(gt_buf *out, const void *data, size_t len);

/* Decodes s[0..len) into a NUL-terminated buffer the caller frees, its byte
 * count in *out_len; NULL when s is not valid in that alphabet and padding. */
unsigned char *gt_base64_decode(const char *s, size_t len, gt_b64_alphabet alphabet,
                                gt_b64_padding padding, size_t *out_len);
/* URL alphabet, padding optional (JWT segments). */
unsigned char *gt_base64url_decode(const char *s, size_t len, size_t *out_len);

#endif
