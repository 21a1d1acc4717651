/* fs.c — temp dirs, whole-file reads/writes and fixture copies for tests. */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"

char *ts_fmt(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *s = NULL;
  if (vasprintf(&s, fmt, ap) < 0) s = NULL;
  va_end(ap);
  return s;
}

char *ts_tempdir(void) {
  const char *base = getenv("TMPDIR");
  char *tmpl = ts_fmt("%s/gauntlet-test-XXXXXX", base && *base ? base : "/tmp");
  if (!tmpl) return NULL;
  if (!mkdtemp(tmpl)) {
    free(tmpl);
    return NULL;
  }
  return tmpl;
}

/* Removes files and at most two levels of subdirectories: test dirs are flat. */
static void rmtree_depth(const char *dir, int depth) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    char *p = ts_fmt("%s/%s", dir, e->d_name);
    struct stat st;
    if (p && lstat(p, &st) == 0) {
      if (S_ISDIR(st.st_mode) && depth > 0)
        rmtree_depth(p, depth - 1);
      else
        unlink(p);
    }
    free(p);
  }
  closedir(d);
  rmdir(dir);
}

void ts_rmtree(const char *dir) {
  if (dir) rmtree_depth(dir, 2);
}

char *ts_read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap + 1);
  while (buf) {
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (n < cap) break;
    cap *= 2;
    char *nb = realloc(buf, cap + 1);
    if (!nb) {
      free(buf);
      buf = NULL;
    } else {
      buf = nb;
    }
  }
  fclose(f);
  if (!buf) return NULL;
  buf[n] = '\0';
  if (len) *len = n;
  return buf;
}

bool ts_write_file(const char *path, const char *data, size_t len) {
  FILE *f = fopen(path, "wb");
  if (!f) return false;
  bool ok = fwrite(data, 1, len, f) == len;
  return fclose(f) == 0 && ok;
}

char *ts_fixture_copy(const char *name, const char *dir, const char *const *subs) {
  char *src = ts_fmt("%s/tests/fixtures/integration/%s", SOURCE_DIR, name);
  size_t len = 0;
  char *text = src ? ts_read_file(src, &len) : NULL;
  free(src);
  if (!text) return NULL;
  for (size_t i = 0; subs && subs[i] && subs[i + 1]; i += 2) {
    char *key = ts_fmt("@%s@", subs[i]);
    char *at;
    int guard = 0; /* bounded: a fixture has few placeholders */
    while (key && (at = strstr(text, key)) && guard++ < 1000) {
      *at = '\0';
      char *next = ts_fmt("%s%s%s", text, subs[i + 1], at + strlen(key));
      free(text);
      text = next;
      if (!text) break;
    }
    free(key);
    if (!text) return NULL;
  }
  char *dst = ts_fmt("%s/%s", dir, name);
  bool ok = dst && ts_write_file(dst, text, strlen(text));
  free(text);
  if (!ok) {
    free(dst);
    return NULL;
  }
  return dst;
}
