/* content.c — draft-07's contentEncoding / contentMediaType as assertions
 * (only with strict formats: the draft says implementations MAY validate
 * them; 2019-09 and later make them annotations only). Understood: base64
 * (RFC 4648, padded) and application/json. */
#include <stdlib.h>
#include <string.h>

#include "../check/check.h"
#include "schema_internal.h"

static int b64val(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

/* Decodes padded base64; NULL when malformed. Caller frees. */
static unsigned char *b64_decode(const char *s, size_t n, size_t *out_len) {
  if (n % 4) return NULL;
  unsigned char *out = malloc(n / 4 * 3 + 1);
  if (!out) return NULL;
  size_t o = 0;
  for (size_t i = 0; i < n; i += 4) {
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; k++) {
      unsigned char c = (unsigned char)s[i + k];
      if (c == '=' && i + 4 == n && k >= 2) {
        v[k] = 0;
        pad++;
      } else if (pad || (v[k] = b64val(c)) < 0) {
        free(out);
        return NULL;
      }
    }
    unsigned bits =
        ((unsigned)v[0] << 18) | ((unsigned)v[1] << 12) | ((unsigned)v[2] << 6) | (unsigned)v[3];
    out[o++] = (unsigned char)(bits >> 16);
    if (pad < 2) out[o++] = (unsigned char)(bits >> 8);
    if (pad < 1) out[o++] = (unsigned char)bits;
  }
  *out_len = o;
  return out;
}

bool sc_content_check(unsigned flags, const char *s, size_t len) {
  const char *data = s;
  size_t n = len;
  unsigned char *decoded = NULL;
  if (flags & SC_CONTENT_BASE64) {
    decoded = b64_decode(s, len, &n);
    if (!decoded) return false;
    data = (const char *)decoded;
  }
  bool ok = true;
  if (flags & SC_CONTENT_JSON) {
    cJSON *j = gt_json_parse_strict(data, n, NULL, NULL);
    ok = j != NULL;
    cJSON_Delete(j);
  }
  free(decoded);
  return ok;
}
