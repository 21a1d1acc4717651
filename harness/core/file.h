/* file.h — reading a whole file into memory. */
#ifndef GT_CORE_FILE_H
#define GT_CORE_FILE_H

#include <stddef.h>
#include <stdio.h>

/* Reads path into a NUL-terminated buffer the caller frees; *len gets the
 * byte count. On failure returns NULL with *errnum set (errno value). A
 * regular file is read into one exact-size buffer (no doubling copies: the
 * loader reads suites of 100,000 scenarios). */
char *gt_read_file(const char *path, size_t *len, int *errnum);

/* Reads f to its end (a pipe, stdin) the same way; f stays open. */
char *gt_read_stream(FILE *f, size_t *len, int *errnum);

#endif
