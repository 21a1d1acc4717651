/* atomic.c — every report file is written under a temporary name and
 * renamed into place once complete, so an interrupted or crashed run never
 * leaves half a report under the real name (docs/reports.md). */
#include "report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/buf.h"

static bool io_error(gt_err *err, const char *what, const char *path) {
  return gt_err_set(err, GT_ERR_RUNTIME, path, 0, 0, "%s: %s", what, strerror(errno));
}

/* mkdir -p of path's parent directory. */
bool gt_report_make_parent_dirs(const char *path, gt_err *err) {
  char *dir = gt_xstrdup(path); /* freed below */
  char *slash = strrchr(dir, '/');
  bool ok = true;
  if (slash && slash != dir) {
    *slash = 0;
    for (char *p = dir + 1; ok; p++) {
      if (*p != '/' && *p != 0) continue;
      char saved = *p;
      *p = 0;
      if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        ok = io_error(err, "cannot create directory", dir);
      *p = saved;
      if (!saved) break;
    }
  }
  free(dir);
  return ok;
}

bool gt_report_write_atomic(const char *path, bool (*write)(FILE *out, void *ud), void *ud,
                            gt_err *err) {
  if (!path || !*path) return gt_err_set(err, GT_ERR_USAGE, NULL, 0, 0, "empty report path");
  if (!strcmp(path, "-")) {
    bool ok = write(stdout, ud);
    if (fflush(stdout) != 0 || !ok) return io_error(err, "cannot write report", "(stdout)");
    return true;
  }
  if (!gt_report_make_parent_dirs(path, err)) return false;
  char *tmp = gt_xasprintf("%s.tmp.%ld", path, (long)getpid());
  FILE *out = fopen(tmp, "w");
  if (!out) {
    io_error(err, "cannot write report", tmp);
    free(tmp);
    return false;
  }
  bool ok = write(out, ud);
  if (!ok || fflush(out) != 0 || ferror(out) || fsync(fileno(out)) != 0) {
    ok = false;
    io_error(err, "cannot write report", tmp);
  }
  if (fclose(out) != 0 && ok) ok = io_error(err, "cannot write report", tmp);
  if (ok && rename(tmp, path) != 0) ok = io_error(err, "cannot rename report to", path);
  if (!ok) unlink(tmp);
  free(tmp);
  return ok;
}
