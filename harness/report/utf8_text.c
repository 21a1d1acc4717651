/* utf8_text.c — report texts hold what servers sent, byte for byte; JSON,
 * SARIF and HTML must be valid UTF-8, so invalid bytes are written as the
 * visible text "\xNN", the spelling every other report uses. */
#include "report.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "../check/check.h"
#include "../core/buf.h"

char *gt_report_utf8(const char *s) {
  if (!s) return gt_xstrdup("");
  size_t len = strlen(s);
  gt_buf b;
  gt_buf_init(&b);
  size_t i = 0;
  while (i < len) {
    size_t ok = gt_utf8_invalid_at(s + i, len - i);
    gt_buf_add(&b, s + i, ok);
    i += ok;
    if (i < len) {
      gt_buf_printf(&b, "\\x%02x", (unsigned char)s[i]);
      i++;
    }
  }
  if (!b.data) gt_buf_adds(&b, "");
  return gt_buf_steal(&b);
}

cJSON *gt_report_json_str(const char *s) {
  if (!s) return cJSON_CreateNull();
  char *v = gt_report_utf8(s);
  cJSON *n = cJSON_CreateString(v);
  free(v);
  return n;
}
