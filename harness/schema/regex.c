/* regex.c — JSON Schema regexes are ECMA-262 (with the "u" flag); PCRE2
 * runs them after a small rewrite so the common differences disappear:
 *   - \s means ECMA's Unicode white space set (PCRE2's is ASCII only),
 *   - \d, \w, \b stay ASCII (as in ECMA; PCRE2 runs without UCP),
 *   - $ matches only at the very end (ECMA has no "before a final newline"),
 *   - \uXXXX and \u{X...} are code points, \x takes exactly two hex digits,
 *   - \v is the vertical tab character (PCRE2: a class),
 *   - [^] is any character, [] never matches,
 *   - escapes that ECMA does not have in Unicode mode (\a \e \z \A \Z \h
 *     \R \Q \E \G \K \N \X \C \g \o \l \L \U ...) are errors.
 * Known remaining differences are listed in docs/schema.md. Matching runs
 * with a match limit: a catastrophic pattern fails the match instead of
 * hanging the run. */
#include <stdio.h>
#include <string.h>

#include "../core/buf.h"
#include "schema_internal.h"

#define ECMA_SPACES                                                                                \
  "\\t\\n\\x0B\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"

static bool letter_escape_ok(char c) {
  return strchr("dDwWsSbBfnrtvcxukpP", c) != NULL;
}

static bool translate(const char *src, gt_buf *out, char *why, size_t cap) {
  bool in_class = false;
  for (const char *p = src; *p; p++) {
    char c = *p;
    if (c == '\\') {
      char n = p[1];
      if (!n) {
        snprintf(why, cap, "pattern ends with a lone backslash");
        return false;
      }
      p++;
      if (((n >= 'a' && n <= 'z') || (n >= 'A' && n <= 'Z')) && !letter_escape_ok(n)) {
        snprintf(why, cap, "\\%c is not an ECMA-262 escape", n);
        return false;
      }
      if (n == 's') {
        gt_buf_adds(out, in_class ? ECMA_SPACES : "[" ECMA_SPACES "]");
      } else if (n == 'S' && !in_class) {
        gt_buf_adds(out, "[^" ECMA_SPACES "]");
      } else if (n == 'v') {
        gt_buf_adds(out, "\\x0B");
      } else {
        gt_buf_addc(out, '\\');
        gt_buf_addc(out, n);
      }
      continue;
    }
    if (!in_class && c == '[') {
      if (!strncmp(p, "[^]", 3)) {
        gt_buf_adds(out, "[\\s\\S]");
        p += 2;
        continue;
      }
      if (!strncmp(p, "[]", 2)) {
        gt_buf_adds(out, "(?!)");
        p += 1;
        continue;
      }
      in_class = true;
      gt_buf_addc(out, c);
      if (p[1] == '^') gt_buf_addc(out, *++p);
      continue;
    }
    if (in_class && c == ']') in_class = false;
    if (in_class && c == '[') {
      /* a literal '[' inside a class (PCRE2 would read [: as POSIX class) */
      gt_buf_adds(out, "\\[");
      continue;
    }
    gt_buf_addc(out, c);
  }
  if (!out->data) gt_buf_adds(out, "");
  return true;
}

bool sc_regex_compile(gt_schema *s, const char *pattern, sc_regex *out, char *why, size_t cap) {
  gt_buf b;
  gt_buf_init(&b);
  if (!translate(pattern, &b, why, cap)) {
    gt_buf_free(&b);
    return false;
  }
  int code;
  PCRE2_SIZE off;
  pcre2_compile_context *cc = pcre2_compile_context_create(NULL);
  pcre2_set_compile_extra_options(cc, PCRE2_EXTRA_ALT_BSUX);
  pcre2_code *re = pcre2_compile(
      (PCRE2_SPTR)b.data, b.len,
      PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_DOLLAR_ENDONLY | PCRE2_ALT_BSUX, &code, &off, cc);
  pcre2_compile_context_free(cc);
  gt_buf_free(&b);
  if (!re) {
    char msg[256];
    pcre2_get_error_message(code, (PCRE2_UCHAR *)msg, sizeof msg);
    snprintf(why, cap, "%s", msg);
    return false;
  }
  pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* optional speed-up; failure is fine */
  sc_own_regex(s, re);
  out->code = re;
  out->source = sc_strdup(s, pattern);
  s->has_regex = true;
  return true;
}

bool sc_regex_search(const sc_regex *re, const char *subject, size_t len, pcre2_match_data *md,
                     pcre2_match_context *mc) {
  int rc = pcre2_match(re->code, (PCRE2_SPTR)subject, len, 0, 0, md, mc);
  return rc >= 0;
}
