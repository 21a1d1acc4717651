#include "file.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "buf.h"

char *gt_read_file(const char *path, size_t *len, int *errnum) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    *errnum = errno;
    return NULL;
  }
  /* A regular file is read into one exact-size buffer: growing by doubling
   * would hold up to twice the file (and copy it) at the loader's peak. */
  struct stat st;
  if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 0) {
    size_t size = (size_t)st.st_size;
    char *data = gt_xmalloc(size + 1); /* caller frees */
    size_t got = fread(data, 1, size, f);
    bool failed = ferror(f);
    *errnum = failed ? errno : 0;
    fclose(f);
    if (failed) {
      free(data);
      return NULL;
    }
    data[got] = 0;
    *len = got;
    return data;
  }
  char *data = gt_read_stream(f, len, errnum);
  fclose(f);
  return data;
}

char *gt_read_stream(FILE *f, size_t *len, int *errnum) {
  gt_buf b;
  gt_buf_init(&b);
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
    gt_buf_add(&b, chunk, n);
  bool failed = ferror(f);
  *errnum = failed ? errno : 0;
  if (failed) {
    gt_buf_free(&b);
    return NULL;
  }
  if (!b.data) gt_buf_adds(&b, ""); /* empty input is an empty string, not NULL */
  *len = b.len;
  return gt_buf_steal(&b);
}
