/* report_file.c — how every report file reaches the disk (see report.h,
 * docs/reports.md): under a temporary name, renamed into place once
 * complete, so an interrupted or crashed run never leaves half a report under
 * the real name; in place for a path that is not a regular file. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/buf.h"
#include "report.h"

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
  gt_report_file f;
  if (!gt_report_file_open(&f, path, err)) return false;
  if (!write(f.fp, ud)) {
    io_error(err, "cannot write report", f.tmp ? f.tmp : f.path);
    gt_report_file_discard(&f);
    return false;
  }
  return gt_report_file_commit(&f, err);
}

/* True when path names something other than a regular file (stat follows
 * links: /dev/stdout is whatever it points at). */
static bool is_special(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && !S_ISREG(st.st_mode);
}

bool gt_report_file_open(gt_report_file *f, const char *path, gt_err *err) {
  memset(f, 0, sizeof *f);
  if (!path || !*path) return gt_err_set(err, GT_ERR_USAGE, NULL, 0, 0, "empty report path");
  if (is_special(path)) {
    f->fp = fopen(path, "w");
    if (!f->fp) return io_error(err, "cannot write report", path);
    f->path = gt_xstrdup(path);
    return true;
  }
  if (!gt_report_make_parent_dirs(path, err)) return false;
  f->tmp = gt_xasprintf("%s.tmp.%ld", path, (long)getpid());
  f->fp = fopen(f->tmp, "w");
  if (!f->fp) {
    io_error(err, "cannot write report", f->tmp);
    free(f->tmp);
    f->tmp = NULL;
    return false;
  }
  f->path = gt_xstrdup(path);
  return true;
}

bool gt_report_file_commit(gt_report_file *f, gt_err *err) {
  if (!f->fp) return true;
  const char *where = f->tmp ? f->tmp : f->path;
  bool ok = true;
  /* fsync only what is renamed into place: a device may refuse it (EINVAL). */
  if (fflush(f->fp) != 0 || ferror(f->fp) || (f->tmp && fsync(fileno(f->fp)) != 0))
    ok = io_error(err, "cannot write report", where);
  if (fclose(f->fp) != 0 && ok) ok = io_error(err, "cannot write report", where);
  f->fp = NULL;
  if (f->tmp) {
    if (ok && rename(f->tmp, f->path) != 0) ok = io_error(err, "cannot rename report to", f->path);
    if (!ok) unlink(f->tmp);
  }
  free(f->tmp), free(f->path);
  f->tmp = f->path = NULL;
  return ok;
}

void gt_report_file_discard(gt_report_file *f) {
  if (f->fp) fclose(f->fp);
  if (f->tmp) unlink(f->tmp);
  free(f->tmp), free(f->path);
  memset(f, 0, sizeof *f);
}
