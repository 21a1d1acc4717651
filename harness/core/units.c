/* units.c — the one parser of durations ("150ms", "10s", "2m", "1.5s") and
 * sizes ("8MiB", "512KiB", "1MB", "1024"), for suites, the CLI and serve. A
 * unit is required on durations: a bare number is ambiguous (seconds?
 * milliseconds?) and is rejected with a suggestion. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "units.h"

#include "buf.h"

/* A non-negative decimal number ("12", "1.5"); *end is what follows. */
static bool read_number(const char *text, double *v, const char **end) {
  const char *p = text;
  size_t digits = 0;
  while (*p >= '0' && *p <= '9')
    p++, digits++;
  if (*p == '.') {
    p++;
    while (*p >= '0' && *p <= '9')
      p++, digits++;
  }
  if (digits == 0) return false;
  *v = strtod(text, NULL);
  *end = p;
  return isfinite(*v);
}

bool gt_parse_duration(const char *text, long *ms) {
  if (!text) return false;
  double v;
  const char *unit;
  if (!read_number(text, &v, &unit)) return false;
  double scale;
  if (!strcmp(unit, "ms"))
    scale = 1;
  else if (!strcmp(unit, "s"))
    scale = 1000;
  else if (!strcmp(unit, "m"))
    scale = 60000;
  else if (!strcmp(unit, "h"))
    scale = 3600000;
  else
    return false;
  double r = v * scale;
  if (r > 1e12) return false; /* > 30 years: a typo, not a timeout */
  *ms = (long)llround(r);
  return true;
}

char *gt_duration_error(const char *text) {
  double v;
  const char *unit;
  if (text && read_number(text, &v, &unit) && !*unit)
    return gt_xasprintf("bad duration '%s': a unit is required (write %ss or %sms)", text, text,
                        text);
  return gt_xasprintf("bad duration '%s' (write e.g. 150ms, 10s, 2m)", text ? text : "");
}

bool gt_parse_size(const char *text, size_t *bytes) {
  if (!text) return false;
  double v;
  const char *unit;
  if (!read_number(text, &v, &unit)) return false;
  static const struct {
    const char *name;
    double scale;
  } units[] = {
      {"", 1},     {"B", 1},        {"KB", 1e3},        {"MB", 1e6},
      {"GB", 1e9}, {"KiB", 1024.0}, {"MiB", 1048576.0}, {"GiB", 1073741824.0},
  };
  for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
    if (strcasecmp(unit, units[i].name) != 0) continue;
    double r = v * units[i].scale;
    if (r > 1e15 || r != floor(r)) return false;
    *bytes = (size_t)r;
    return true;
  }
  return false;
}
