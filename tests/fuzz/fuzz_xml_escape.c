/* fuzz_xml_escape.c — arbitrary bytes through gt_xml_escape must always give
 * text that is valid inside an XML 1.0 element or attribute value.
 *
 * The first input byte picks the mode: bit 0 = attribute, bits 1-7 = cap
 * (0 = none, else a small cap so truncation at odd UTF-8 boundaries is
 * exercised). The rest is the text. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

static void fail(const char *why, const unsigned char *out, size_t len, size_t at) {
  fprintf(stderr, "fuzz_xml_escape: %s at byte %zu of %zu\n", why, at, len);
  (void)out;
  abort();
}

/* Length of the well-formed UTF-8 sequence at s, or 0; *cp the code point. */
static size_t utf8_len(const unsigned char *s, size_t n, uint32_t *cp) {
  unsigned char c = s[0];
  size_t need;
  uint32_t min;
  if (c < 0x80) return *cp = c, 1;
  if ((c & 0xE0) == 0xC0)
    need = 1, *cp = c & 0x1F, min = 0x80;
  else if ((c & 0xF0) == 0xE0)
    need = 2, *cp = c & 0x0F, min = 0x800;
  else if ((c & 0xF8) == 0xF0)
    need = 3, *cp = c & 0x07, min = 0x10000;
  else
    return 0;
  if (n <= need) return 0;
  for (size_t i = 1; i <= need; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    *cp = *cp << 6 | (s[i] & 0x3F);
  }
  if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF)) return 0;
  return need + 1;
}

static size_t entity_len(const unsigned char *s, size_t n) {
  static const char *const named[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
  for (size_t k = 0; k < sizeof named / sizeof *named; k++) {
    size_t l = strlen(named[k]);
    if (n >= l && memcmp(s, named[k], l) == 0) return l;
  }
  if (n >= 4 && s[1] == '#') {
    size_t i = 2;
    while (i < n && i < 10 && s[i] >= '0' && s[i] <= '9')
      i++;
    if (i > 2 && i < n && s[i] == ';') return i + 1;
  }
  return 0;
}

static void check(const unsigned char *out, size_t len, bool attribute) {
  for (size_t i = 0; i < len;) {
    unsigned char c = out[i];
    if (c == '&') {
      size_t e = entity_len(out + i, len - i);
      if (!e) fail("'&' that does not start an entity", out, len, i);
      i += e;
      continue;
    }
    if (c == '<') fail("raw '<'", out, len, i);
    if (attribute && (c == '"' || c == '\t' || c == '\n' || c == '\r'))
      fail("raw quote or whitespace in attribute", out, len, i);
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') fail("control character", out, len, i);
    uint32_t cp;
    size_t n = utf8_len(out + i, len - i, &cp);
    if (!n) fail("invalid UTF-8", out, len, i);
    if (cp == 0xFFFE || cp == 0xFFFF) fail("U+FFFE/U+FFFF", out, len, i);
    i += n;
  }
}

/* libFuzzer's entry point (libFuzzer ships no header declaring it). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  bool attribute = data[0] & 1;
  size_t cap = data[0] >> 1; /* 0..127 */
  char *out = NULL;
  size_t out_len = 0;
  FILE *f = open_memstream(&out, &out_len);
  if (!f) return 0;
  gt_xml_escape(f, (const char *)data + 1, size - 1, attribute, cap);
  fclose(f);
  check((const unsigned char *)out, out_len, attribute);
  if (cap == 0 && size - 1 > 0 && out_len < size - 1) fail("output lost bytes", NULL, out_len, 0);
  free(out);
  return 0;
}
