/* xml_escape.c — any byte sequence made valid XML 1.0 text or attribute value.
 *
 * Responses under test are hostile: NUL bytes, invalid UTF-8, "]]>", U+FFFE.
 * A report that does not parse is worse than useless in CI (the consumer
 * silently drops it), so every input byte ends up as something XML accepts,
 * and what could not be kept is shown visibly ("#x01", "\xff") rather than
 * dropped, so the reader still sees that something odd came back. */
#include "report.h"

#include <stdint.h>
#include <string.h>

/* Length of the well-formed UTF-8 sequence at s (1-4) and its code point, or
 * 0 when s does not start one. Surrogates (ED A0..BF xx) are decoded so the
 * caller can show them as "#xD800" like other forbidden characters. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp) {
  unsigned char c = s[0];
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  size_t need;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    need = 1, *cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    need = 2, *cp = c & 0x0F;
    if (c == 0xE0) lo = 0xA0; /* overlong */
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 3, *cp = c & 0x07;
    if (c == 0xF0) lo = 0x90; /* overlong */
    if (c == 0xF4) hi = 0x8F; /* above U+10FFFF */
  } else {
    return 0;
  }
  if (n < need + 1) return 0;
  for (size_t i = 1; i <= need; i++) {
    unsigned char b = s[i];
    if (i == 1 ? (b < lo || b > hi) : (b & 0xC0) != 0x80) return 0;
    *cp = (*cp << 6) | (b & 0x3F);
  }
  return need + 1;
}

static int xml_forbidden(uint32_t cp) {
  if (cp < 0x20) return cp != 0x09 && cp != 0x0A && cp != 0x0D;
  return (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF;
}

/* The replacement for a single-byte character, or NULL when it is kept. */
static const char *entity_for(unsigned char c, bool attribute) {
  switch (c) {
  case '&':
    return "&amp;";
  case '<':
    return "&lt;";
  case '>':
    return "&gt;"; /* also defuses "]]>" */
  case '"':
    return "&quot;";
  case '\'':
    return attribute ? "&apos;" : NULL;
  /* Parsers normalise CR LF to LF in text and every whitespace to a space in
   * attributes; character references survive both. */
  case '\r':
    return "&#13;";
  case '\t':
    return attribute ? "&#9;" : NULL;
  case '\n':
    return attribute ? "&#10;" : NULL;
  default:
    return NULL;
  }
}

static void escape_range(FILE *out, const unsigned char *s, size_t len, bool attribute) {
  static const char hex[] = "0123456789abcdef";
  size_t run = 0; /* start of the pending run of bytes written as they are */
  size_t i = 0;
  while (i < len) {
    uint32_t cp;
    size_t n = utf8_decode(s + i, len - i, &cp);
    const char *rep = NULL;
    char tmp[16];
    if (n == 0) {
      /* Invalid byte: shown as the text \xNN. A literal backslash stays as
       * it is, so "\xff" in the input and a raw 0xFF byte read the same; the
       * report is for humans and this keeps ordinary backslashes readable. */
      tmp[0] = '\\', tmp[1] = 'x', tmp[2] = hex[s[i] >> 4], tmp[3] = hex[s[i] & 15], tmp[4] = 0;
      rep = tmp, n = 1;
    } else if (xml_forbidden(cp)) {
      snprintf(tmp, sizeof tmp, cp < 0x100 ? "#x%02X" : "#x%04X", (unsigned)cp);
      rep = tmp;
    } else if (n == 1) {
      rep = entity_for(s[i], attribute);
    }
    if (rep) {
      if (i > run) fwrite(s + run, 1, i - run, out);
      fputs(rep, out);
      run = i + n;
    }
    i += n;
  }
  if (len > run) fwrite(s + run, 1, len - run, out);
}

void gt_xml_escape(FILE *out, const char *s, size_t len, bool attribute, size_t cap) {
  if (!s || len == 0) return;
  const unsigned char *u = (const unsigned char *)s;
  if (cap == 0 || len <= cap) {
    escape_range(out, u, len, attribute);
    return;
  }
  /* Keep head and tail (where the status and the end of an error usually
   * are), cut on UTF-8 boundaries so no character is split in two. */
  size_t head = cap / 2, tail = len - cap / 2;
  for (int k = 0; k < 3 && head > 0 && (u[head] & 0xC0) == 0x80; k++)
    head--;
  for (int k = 0; k < 3 && tail < len && (u[tail] & 0xC0) == 0x80; k++)
    tail++;
  escape_range(out, u, head, attribute);
  fprintf(out, attribute ? " [truncated %zu bytes] " : "\n[truncated %zu bytes]\n", tail - head);
  escape_range(out, u + tail, len - tail, attribute);
}
