/* content.c — draft-07's contentEncoding / contentMediaType as assertions
 * (only with strict formats: the draft says implementations MAY validate
 * them; 2019-09 and later make them annotations only). Understood: base64
 * (RFC 4648, padded) and application/json. */
#include <stdlib.h>
#include <string.h>

#include "../check/check.h"
#include "../core/base64.h"
#include "schema_internal.h"

bool sc_content_check(unsigned flags, const char *s, size_t len) {
  const char *data = s;
  size_t n = len;
  unsigned char *decoded = NULL;
  if (flags & SC_CONTENT_BASE64) {
    decoded = gt_base64_decode(s, len, GT_B64_STD, GT_B64_PAD_REQUIRED, &n);
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
