/* base64.c — RFC 4648 base64 (Basic credentials) and base64url without
 * padding (JWT segments). */
#include "fault_internal.h"

#include <stdlib.h>
#include <string.h>

static void encode(gt_buf *out, const unsigned char *d, size_t len, const char *alphabet,
                   bool pad) {
  size_t i = 0;
  for (; i + 2 < len; i += 3) {
    uint32_t v = (uint32_t)d[i] << 16 | (uint32_t)d[i + 1] << 8 | d[i + 2];
    char q[4] = {alphabet[v >> 18 & 63], alphabet[v >> 12 & 63], alphabet[v >> 6 & 63],
                 alphabet[v & 63]};
    gt_buf_add(out, q, 4);
  }
  size_t rest = len - i;
  if (rest == 0) return;
  uint32_t v = (uint32_t)d[i] << 16 | (rest == 2 ? (uint32_t)d[i + 1] << 8 : 0);
  gt_buf_addc(out, alphabet[v >> 18 & 63]);
  gt_buf_addc(out, alphabet[v >> 12 & 63]);
  if (rest == 2) gt_buf_addc(out, alphabet[v >> 6 & 63]);
  if (pad) gt_buf_adds(out, rest == 2 ? "=" : "==");
}

void gt_base64_encode(gt_buf *out, const unsigned char *data, size_t len) {
  encode(out, data, len, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", true);
}

void gt_base64url_encode(gt_buf *out, const unsigned char *data, size_t len) {
  encode(out, data, len, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", false);
}

static int url_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

unsigned char *gt_base64url_decode(const char *s, size_t len, size_t *out_len) {
  while (len > 0 && s[len - 1] == '=')
    len--;
  if (len % 4 == 1) return NULL;
  unsigned char *out = gt_xmalloc(len / 4 * 3 + 3);
  size_t o = 0;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < len; i++) {
    int v = url_value(s[i]);
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
  *out_len = o;
  return out;
}
