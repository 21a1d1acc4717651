/* yaml_squote.c — YAML single-quoted scalar decoding (see yaml_squote.h).
 *
 * The rules (YAML 1.2.2 §7.3.2, §6.5 line folding): '' is one quote; a line
 * break inside the scalar, together with the spaces and tabs around it,
 * folds to one space; n > 1 consecutive breaks (lines holding only white
 * space in between) fold to n - 1 newlines. */
#include "yaml_squote.h"

#include <stdbool.h>

static bool is_white(char c) {
  return c == ' ' || c == '\t';
}

/* Length of the line break at s[0..n) (\r\n, \n or \r), or 0. */
static size_t break_len(const char *s, size_t n) {
  if (n >= 2 && s[0] == '\r' && s[1] == '\n') return 2;
  return (s[0] == '\n' || s[0] == '\r') ? 1 : 0;
}

size_t gt_yaml_single_quoted(const char *raw, size_t len, char *out) {
  size_t o = 0, i = 0;
  while (i < len) {
    size_t br = break_len(raw + i, len - i);
    if (br) {
      /* Drop the white space before the break, count the breaks of this run
       * (white-only lines included), skip the next line's leading white. */
      while (o > 0 && is_white(out[o - 1]))
        o--;
      size_t breaks = 0;
      for (;;) {
        breaks++;
        i += br;
        while (i < len && is_white(raw[i]))
          i++;
        br = i < len ? break_len(raw + i, len - i) : 0;
        if (!br) break;
      }
      if (breaks == 1)
        out[o++] = ' ';
      else
        for (size_t k = 1; k < breaks; k++)
          out[o++] = '\n';
      continue;
    }
    if (raw[i] == '\'' && i + 1 < len && raw[i + 1] == '\'') i++; /* '' is one quote */
    out[o++] = raw[i++];
  }
  return o;
}
