/* hex.c — hex digits and percent-decoding (see hex.h). */
#include "hex.h"

int gt_hex_digit(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool gt_percent_decode(const char *s, size_t len, gt_buf *out) {
  bool ok = true;
  for (size_t i = 0; i < len; i++) {
    int hi = s[i] == '%' && i + 1 < len ? gt_hex_digit((unsigned char)s[i + 1]) : -1;
    int lo = hi >= 0 && i + 2 < len ? gt_hex_digit((unsigned char)s[i + 2]) : -1;
    if (s[i] == '%' && lo < 0) ok = false; /* kept as written */
    if (lo < 0) {
      gt_buf_addc(out, s[i]);
      continue;
    }
    gt_buf_addc(out, (char)(hi * 16 + lo));
    i += 2;
  }
  if (!out->data) gt_buf_adds(out, "");
  return ok;
}
