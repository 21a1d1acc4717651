/* version.h — `gauntlet --version`. */
#ifndef GT_CLI_VERSION_H
#define GT_CLI_VERSION_H

#include <stdio.h>

/* Writes gauntlet's version, then one line per library with the version it
 * runs with (asked of the library at run time, not the headers it was built
 * against: a bug report then names what was really loaded). */
void cli_version(FILE *out);

#endif
