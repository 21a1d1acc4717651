/* repro_curl.c — a curl command line that reproduces a request.
 *
 * Values are shell-quoted: single quotes ('\'' for a quote) for printable
 * text, ANSI-C $'...' quoting (bash, zsh, ksh, dash >= 0.5.12) when a value
 * holds control characters or invalid UTF-8. A secret placeholder "${NAME}"
 * (put there by redaction) is spliced in double quotes, outside the single
 * quotes, so the command runs as-is after `export NAME=...`. */
#include "report.h"

#include <stdint.h>
#include <string.h>

#include "../core/buf.h"

#define BODY_SHOWN_MAX 4096

/* Length of "${IDENT}" at s, or 0. */
static size_t placeholder_len(const char *s, size_t n) {
  if (n < 4 || s[0] != '$' || s[1] != '{') return 0;
  size_t i = 2;
  for (; i < n; i++) {
    char c = s[i];
    bool ident = c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                 (i > 2 && c >= '0' && c <= '9');
    if (!ident) break;
  }
  return (i > 2 && i < n && s[i] == '}') ? i + 1 : 0;
}

/* Bytes needing $'...': controls, DEL, and bytes that are not well-formed UTF-8. */
static bool needs_ansi_c(const unsigned char *s, size_t n) {
  for (size_t i = 0; i < n;) {
    unsigned char c = s[i];
    if (c < 0x20 || c == 0x7f) return true;
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t need = c >= 0xC2 && c <= 0xDF   ? 1
                  : c >= 0xE0 && c <= 0xEF ? 2
                  : c >= 0xF0 && c <= 0xF4 ? 3
                                           : 0;
    if (need == 0 || i + need >= n) return true;
    for (size_t k = 1; k <= need; k++)
      if ((s[i + k] & 0xC0) != 0x80) return true;
    i += need + 1;
  }
  return false;
}

static void quote_segment(gt_buf *out, const unsigned char *s, size_t n, bool ansi_c) {
  static const char hex[] = "0123456789abcdef";
  if (n == 0) return;
  gt_buf_adds(out, ansi_c ? "$'" : "'");
  for (size_t i = 0; i < n; i++) {
    unsigned char c = s[i];
    if (!ansi_c) {
      if (c == '\'')
        gt_buf_adds(out, "'\\''");
      else
        gt_buf_addc(out, (char)c);
      continue;
    }
    switch (c) {
    case '\\':
      gt_buf_adds(out, "\\\\");
      break;
    case '\'':
      gt_buf_adds(out, "\\'");
      break;
    case '\n':
      gt_buf_adds(out, "\\n");
      break;
    case '\r':
      gt_buf_adds(out, "\\r");
      break;
    case '\t':
      gt_buf_adds(out, "\\t");
      break;
    default:
      /* Every byte >= 0x7f is escaped too: in $'' mode the value is not
       * valid UTF-8 anyway, and escapes keep the line plain ASCII. */
      if (c < 0x20 || c >= 0x7f) {
        char e[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
        gt_buf_add(out, e, 4);
      } else {
        gt_buf_addc(out, (char)c);
      }
    }
  }
  gt_buf_addc(out, '\'');
}

static void shell_quote(gt_buf *out, const char *s, size_t n) {
  /* Plain words (GET, POST) read better unquoted. */
  size_t plain = 0;
  while (plain < n &&
         (s[plain] == '_' || s[plain] == '-' || (s[plain] >= 'A' && s[plain] <= 'Z') ||
          (s[plain] >= 'a' && s[plain] <= 'z') || (s[plain] >= '0' && s[plain] <= '9')))
    plain++;
  if (n > 0 && plain == n) {
    gt_buf_add(out, s, n);
    return;
  }
  if (n == 0) {
    gt_buf_adds(out, "''");
    return;
  }
  bool ansi_c = needs_ansi_c((const unsigned char *)s, n);
  size_t seg = 0;
  for (size_t i = 0; i < n;) {
    size_t p = placeholder_len(s + i, n - i);
    if (p == 0) {
      i++;
      continue;
    }
    quote_segment(out, (const unsigned char *)s + seg, i - seg, ansi_c);
    gt_buf_addc(out, '"');
    gt_buf_add(out, s + i, p);
    gt_buf_addc(out, '"');
    i += p;
    seg = i;
  }
  quote_segment(out, (const unsigned char *)s + seg, n - seg, ansi_c);
}

/* A body with NUL bytes cannot be a shell argument at all (C strings end at
 * NUL): it is piped in with POSIX printf, every odd byte as an octal escape. */
static void printf_quote(gt_buf *out, const unsigned char *s, size_t n) {
  gt_buf_adds(out, "printf '");
  for (size_t i = 0; i < n; i++) {
    unsigned char c = s[i];
    if (c == '%')
      gt_buf_adds(out, "%%");
    else if (c == '\\')
      gt_buf_adds(out, "\\\\");
    else if (c == '\'')
      gt_buf_adds(out, "'\\''");
    else if (c < 0x20 || c >= 0x7f)
      gt_buf_printf(out, "\\%03o", c);
    else
      gt_buf_addc(out, (char)c);
  }
  gt_buf_adds(out, "' | ");
}

char *gt_repro_curl(const char *method, const char *url, const char *const *header_lines,
                    size_t n_headers, const char *body, size_t body_len, bool insecure) {
  gt_buf b; /* its bytes are handed to the caller, who frees them */
  gt_buf_init(&b);
  bool piped = body && body_len > 0 && body_len <= BODY_SHOWN_MAX && memchr(body, 0, body_len);
  if (piped) printf_quote(&b, (const unsigned char *)body, body_len);
  gt_buf_adds(&b, "curl -sS");
  if (insecure) gt_buf_adds(&b, " --insecure");
  if (!method || !*method) method = "GET";
  if (strcmp(method, "HEAD") == 0) {
    gt_buf_adds(&b, " -I");
  } else {
    gt_buf_adds(&b, " -X ");
    shell_quote(&b, method, strlen(method));
  }
  gt_buf_addc(&b, ' ');
  shell_quote(&b, url ? url : "", url ? strlen(url) : 0);
  for (size_t i = 0; i < n_headers; i++) {
    if (!header_lines[i]) continue;
    gt_buf_adds(&b, " -H ");
    shell_quote(&b, header_lines[i], strlen(header_lines[i]));
  }
  if (piped) {
    gt_buf_adds(&b, " --data-binary @-");
  } else if (body) {
    bool binary = memchr(body, 0, body_len) != NULL;
    if (binary) {
      gt_buf_printf(&b, " # (%zu bytes of binary body omitted)", body_len);
    } else if (body_len > BODY_SHOWN_MAX) {
      size_t shown = BODY_SHOWN_MAX;
      /* cut on a UTF-8 boundary so the shown part stays text */
      for (int k = 0; k < 3 && shown > 0 && ((unsigned char)body[shown] & 0xC0) == 0x80; k++)
        shown--;
      gt_buf_adds(&b, " --data-binary ");
      shell_quote(&b, body, shown);
      gt_buf_printf(&b, " # body truncated: first %zu of %zu bytes shown", shown, body_len);
    } else {
      gt_buf_adds(&b, " --data-binary ");
      shell_quote(&b, body, body_len);
    }
  }
  return gt_buf_steal(&b);
}
