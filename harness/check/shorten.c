/* shorten.c — values in failure messages are cut to a readable size. A
 * multi-megabyte body must not end up whole in a report line. */
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* Largest cut <= max that does not split a UTF-8 sequence. */
static size_t utf8_cut(const char *s, size_t len, size_t max) {
  if (len <= max) return len;
  size_t cut = max;
  while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
    cut--;
  return cut;
}

char *gt_text_short(const char *s, size_t len, size_t max) {
  gt_buf b;
  gt_buf_init(&b);
  if (!s) {
    gt_buf_adds(&b, "(none)");
    return gt_buf_steal(&b);
  }
  size_t n = utf8_cut(s, len, max);
  /* Invalid UTF-8 is written as \xNN, the report's spelling, so a console
   * line (a `near:` snippet of a binary body) never carries raw bytes. */
  size_t valid_to = 0; /* s[i..valid_to) is known valid UTF-8 */
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (i >= valid_to) valid_to = i + gt_utf8_invalid_at(s + i, n - i);
    if (i == valid_to) {
      gt_buf_printf(&b, "\\x%02x", c);
      continue;
    }
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
      gt_buf_printf(&b, "\\x%02x", c);
    else if (c == 0x7f)
      gt_buf_adds(&b, "\\x7f");
    else
      gt_buf_addc(&b, (char)c);
  }
  if (n < len) gt_buf_printf(&b, "... (%zu bytes)", len);
  if (!b.data) gt_buf_adds(&b, "");
  return gt_buf_steal(&b);
}

char *gt_json_short(const cJSON *v, size_t max) {
  if (!v) return gt_xstrdup("(absent)");
  char *s = cJSON_PrintUnformatted(v);
  if (!s) return gt_xstrdup("(unprintable)");
  size_t len = strlen(s);
  if (len <= max) return s;
  size_t n = utf8_cut(s, len, max);
  char *out = gt_xasprintf("%.*s...", (int)n, s);
  free(s);
  return out;
}
