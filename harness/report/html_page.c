/* html_page.c — what the HTML reports share: escaping, the style sheet, the
 * page head and foot (html_page.h). */
#include "html_page.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/buf.h"
#include "report.h"

void gt_html_esc(FILE *f, const char *s) {
  if (!s) return;
  char *v = gt_report_utf8(s);
  for (const char *p = v; *p; p++) {
    switch (*p) {
    case '&':
      fputs("&amp;", f);
      break;
    case '<':
      fputs("&lt;", f);
      break;
    case '>':
      fputs("&gt;", f);
      break;
    case '"':
      fputs("&quot;", f);
      break;
    case '\'':
      fputs("&#39;", f);
      break;
    default:
      fputc(*p, f);
    }
  }
  free(v);
}

void gt_html_esc_capped(FILE *f, const char *s, size_t cap, const char *where) {
  if (!s) return;
  size_t len = strlen(s);
  if (len <= cap) {
    gt_html_esc(f, s);
    return;
  }
  while (cap > 0 && ((unsigned char)s[cap] & 0xC0) == 0x80)
    cap--;
  char *head = gt_xstrndup(s, cap);
  gt_html_esc(f, head);
  free(head);
  fprintf(f, "\n[... %zu more bytes in %s]", len - cap, where);
}

static const char STYLE[] =
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#1d2330;"
    "background:#f6f7f9}main{max-width:1200px;margin:0 auto;padding:16px 24px 64px}"
    "h1{font-size:22px;margin:8px 0}h2{font-size:18px;margin:28px 0 10px;border-bottom:1px solid "
    "#d8dce3;padding-bottom:4px}h4{margin:12px 0 4px;font-size:13px}"
    ".dim{color:#667085}code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace}"
    "pre{background:#fff;border:1px solid #d8dce3;padding:8px;overflow-x:auto;white-space:pre-wrap;"
    "word-break:break-all;max-height:480px}"
    ".totals{display:flex;gap:12px;flex-wrap:wrap}.totals div{background:#fff;border:1px solid "
    "#d8dce3;border-radius:6px;padding:8px 14px;min-width:90px}.totals "
    "b{display:block;font-size:22px}"
    ".badge{display:inline-block;border-radius:4px;padding:0 6px;font-size:12px;font-weight:600;"
    "text-transform:uppercase;color:#fff}"
    ".pass{--c:#1a7f37}.fail{--c:#cf222e}.error{--c:#bc4c00}.skip{--c:#8c959f}.badge{background:"
    "var(--c)}"
    "table{border-collapse:collapse;background:#fff}th,td{border:1px solid #d8dce3;padding:4px 8px;"
    "text-align:left;vertical-align:top}th{background:#eef1f5}"
    "table.findings td:nth-child(3),table.findings td:nth-child(4){text-align:right}"
    ".accepted{opacity:.65}"
    ".matrix{overflow-x:auto}.matrix th.f{writing-mode:vertical-rl;transform:rotate(180deg);"
    "white-space:nowrap;font-weight:500;font-size:12px}.matrix "
    "td.o{text-align:center;min-width:26px;"
    "padding:2px}.matrix td.o a{display:block;color:#fff;text-decoration:none;font-size:11px;"
    "background:var(--c);border-radius:3px;padding:2px}"
    ".legend span{margin-right:12px}"
    "details.case{background:#fff;border:1px solid #d8dce3;border-left:4px solid var(--c);"
    "border-radius:4px;margin:6px 0;padding:4px 10px}details.case>summary{cursor:pointer}"
    ".msg{margin:2px 0 0 4px;color:#424a57;font-size:13px;word-break:break-word}"
    ".body{padding:4px 0 8px}"
    "#filters{display:none;gap:14px;align-items:center;flex-wrap:wrap;background:#fff;border:1px "
    "solid "
    "#d8dce3;border-radius:6px;padding:8px 12px;margin:8px 0;position:sticky;top:0}"
    ".js #filters{display:flex}.hidden{display:none}";

void gt_html_page_begin(FILE *f, const char *title, const char *extra_style) {
  fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
        f);
  gt_html_esc(f, title);
  fputs("</title>\n<style>", f);
  fputs(STYLE, f);
  if (extra_style) fputs(extra_style, f);
  fputs("</style></head>\n<body><main>\n", f);
}

void gt_html_page_end(FILE *f, const char *script) {
  fputs("</main>\n", f);
  if (script) {
    fputs("<script>", f);
    fputs(script, f);
    fputs("</script>\n", f);
  }
  fputs("</body></html>\n", f);
}

void gt_html_total_box(FILE *f, const char *cls, const char *label, size_t n) {
  fprintf(f, "<div class=\"%s\"><b>%zu</b>%s</div>", cls, n, label);
}

bool gt_html_spool_open(const char *path, FILE **spool, char **path_copy, char started[32],
                        gt_err *err) {
  if (!path || !*path) return gt_err_set(err, GT_ERR_USAGE, NULL, 0, 0, "empty --html path");
  *spool = tmpfile();
  if (!*spool)
    return gt_err_set(err, GT_ERR_RUNTIME, NULL, 0, 0,
                      "cannot create spool file for the HTML report: %s", strerror(errno));
  *path_copy = gt_xstrdup(path);
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(started, 32, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return true;
}

bool gt_html_spool_finish(FILE *f, FILE *spool, const char *script) {
  if (fflush(spool) != 0 || fseek(spool, 0, SEEK_SET) != 0) return false;
  char chunk[16384];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, spool)) > 0)
    fwrite(chunk, 1, n, f);
  gt_html_page_end(f, script);
  return !ferror(spool) && !ferror(f);
}

void gt_html_option(FILE *f, const char *text) {
  fputs("<option>", f);
  gt_html_esc(f, text);
  fputs("</option>", f);
}
