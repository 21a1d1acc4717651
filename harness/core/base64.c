/* base64.c — RFC 4648 base64 and base64url encode/decode. */
#include "base64.h"

#include <stdint.h>
#include <stdlib.h>

static const char std_abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char url_abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void gt_base64_encode_as(gt_buf *out, const void *data, size_t len, gt_b64_alphabet alphabet,
                         bool pad) {
  const unsigned char *d = data;
  const char *abc = alphabet == GT_B64_URL ? url_abc : std_abc;
  size_t i = 0;
  for (; i + 2 < len; i += 3) {
    uint32_t v = (uint32_t)d[i] << 16 | (uint32_t)d[i + 1] << 8 | d[i + 2];
    char q[4] = {abc[v >> 18 & 63], abc[v >> 12 & 63], abc[v >> 6 & 63], abc[v & 63]};
    gt_buf_add(out, q, 4);
  }
  size_t rest = len - i;
  if (rest == 0) return;
  uint32_t v = (uint32_t)d[i] << 16 | (rest == 2 ? (uint32_t)d[i + 1] << 8 : 0);
  gt_buf_addc(out, abc[v >> 18 & 63]);
  gt_buf_addc(out, abc[v >> 12 & 63]);
  if (rest == 2) gt_buf_addc(out, abc[v >> 6 & 63]);
  if (pad) gt_buf_adds(out, rest == 2 ? "=" : "==");
}

void gt_base64_encode(gt_buf *out, const void *data, size_t len) {
  gt_base64_encode_as(out, data, len, GT_B64_STD, true);
}

void gt_base64url_encode(gt_buf *out, const void *data, size_t len) {
  gt_base64_encode_as(out, data, len, GT_B64_URL, false);
}

static int value_of(char c, gt_b64_alphabet alphabet) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == (alphabet == GT_B64_URL ? '-' : '+')) return 62;
  if (c == (alphabet == GT_B64_URL ? '_' : '/')) return 63;
  return -1;
}

unsigned char *gt_base64_decode(const char *s, size_t len, gt_b64_alphabet alphabet,
                                gt_b64_padding padding, size_t *out_len) {
  size_t data_len = len;
  while (data_len > 0 && s[data_len - 1] == '=')
    data_len--;
  size_t pad = len - data_len;
  if (padding == GT_B64_PAD_REQUIRED && (len % 4 != 0 || pad > 2)) return NULL;
  /* One leftover character carries 6 bits: never a whole byte. */
  if (data_len % 4 == 1) return NULL;
  unsigned char *out = gt_xmalloc(data_len / 4 * 3 + 3); /* caller frees */
  size_t o = 0;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < data_len; i++) {
    int v = value_of(s[i], alphabet);
    if (v < 0) {
      free(out);
      return NULL;
    }
    acc = acc << 6 | (uint32_t)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (unsigned char)(acc >> bits & 0xff);
    }
  }
  out[o] = 0;
  *out_len = o;
  return out;
}

unsigned char *gt_base64url_decode(const char *s, size_t len, size_t *out_len) {
  return gt_base64_decode(s, len, GT_B64_URL, GT_B64_PAD_OPTIONAL, out_len);
}
