/* units.h — durations and sizes as written in suites, on the command line and
 * in serve's --inject: one parser for all of them. */
#ifndef GT_CORE_UNITS_H
#define GT_CORE_UNITS_H

#include <stdbool.h>
#include <stddef.h>

/* Parses "150ms", "10s", "2m", "1.5s", "1h" into milliseconds. false if
 * invalid; a bare number ("2") is invalid: the unit is required. */
bool gt_parse_duration(const char *text, long *ms);
/* Why text is not a duration, for messages: "bad duration '2': a unit is
 * required (write 2s or 2ms)". Caller frees. */
char *gt_duration_error(const char *text);
/* Parses "8MiB", "512KiB", "1MB", "1024" into bytes. */
bool gt_parse_size(const char *text, size_t *bytes);

#endif
