/* html_page.h — what the HTML reports share (html_page.c): escaping, the
 * style sheet and the page head, so `run --html` (html.c) and `serve --html`
 * (html_audit.c) look alike. Internal to report/. */
#ifndef GT_REPORT_HTML_PAGE_H
#define GT_REPORT_HTML_PAGE_H

#include <stdbool.h>
#include <stdio.h>

#include "../core/err.h"

/* s HTML-escaped (made valid UTF-8 first); NULL writes nothing. */
void gt_html_esc(FILE *f, const char *s);
/* The same, at most cap bytes (head kept, a marker naming what was left
 * out and where to find it: `where`). */
void gt_html_esc_capped(FILE *f, const char *s, size_t cap, const char *where);
/* <!DOCTYPE> to <main>: charset, a Content-Security-Policy allowing only the
 * inline style and script, the title (escaped), the shared style sheet plus
 * extra_style (may be NULL). */
void gt_html_page_begin(FILE *f, const char *title, const char *extra_style);
/* </main>, the inline script (may be NULL), </body></html>. */
void gt_html_page_end(FILE *f, const char *script);
/* What both reports do when opened: check path, create the spool file the
 * streamed blocks go to (*spool, owned by the caller: fclose), copy path
 * (*path_copy, caller frees) and write the start time, UTC, into
 * started[32]. False with err set (nothing to free) when it fails. */
bool gt_html_spool_open(const char *path, FILE **spool, char **path_copy, char started[32],
                        gt_err *err);
/* The streamed blocks (spool, rewound here) after the page written so far,
 * then gt_html_page_end with script. False on a read or write error. */
bool gt_html_spool_finish(FILE *f, FILE *spool, const char *script);
/* One <option> of a filter <select>, its text escaped. */
void gt_html_option(FILE *f, const char *text);
/* One box of the totals row: <div class="cls"><b>n</b>label</div>. */
void gt_html_total_box(FILE *f, const char *cls, const char *label, size_t n);

#endif
