/* test_docs_tables.c — the fault and check tables are consistent, and the
 * generated parts of docs/faults.md and docs/checks.md are what the tables
 * say, so the documentation cannot drift from the code.
 *
 * The generated part of each page sits between the BEGIN and END marker
 * lines below. After changing a table, regenerate it with
 *   GT_UPDATE_DOCS=1 build/tests/unit_test_docs_tables
 * (the tests then rewrite the pages instead of comparing them). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "core/buf.h"
#include "fault/fault.h"
#include "support.h"

#define BEGIN_MARK "<!-- BEGIN generated from the table: do not edit by hand -->\n"
#define END_MARK "<!-- END generated -->\n"

/* ---- the tables ---- */

Test(fault_table, rows_are_in_id_order_with_unique_names_and_docs) {
  for (int i = 0; i < GT_FAULT_COUNT; i++) {
    const gt_fault_info *f = gt_fault_info_of((gt_fault_id)i);
    cr_assert_not_null(f);
    cr_expect_eq((int)f->id, i, "row %d holds id %d", i, (int)f->id);
    cr_assert_not_null(f->name, "row %d has no name", i);
    cr_expect_not_null(f->family, "%s: no family", f->name);
    cr_expect(f->sends && *f->sends, "%s: no 'sends' text", f->name);
    cr_expect(f->expect_doc && *f->expect_doc, "%s: no expectation text", f->name);
    cr_expect_eq(gt_fault_from_name(f->name), i, "%s: name not unique", f->name);
    cr_expect_str_eq(gt_fault_name((gt_fault_id)i), f->name);
  }
  cr_expect_null(gt_fault_info_of(GT_FAULT_COUNT));
  cr_expect_null(gt_fault_info_of((gt_fault_id)-1));
  cr_expect_str_eq(gt_fault_name(GT_FAULT_COUNT), "?");
}

Test(fault_table, rows_are_coherent) {
  for (int i = 1; i < GT_FAULT_COUNT; i++) {
    const gt_fault_info *f = gt_fault_info_of((gt_fault_id)i);
    /* A raw-mode fault is built by gt_build_raw, and is followed by a probe. */
    if (f->mode == GT_MODE_RAW) {
      cr_expect_null(f->mutate, "%s: raw mode with a draft mutation", f->name);
      cr_expect(f->needs_alive, "%s: raw mode without a liveness probe", f->name);
    } else if (f->mode == GT_MODE_NORMAL) {
      cr_expect_not_null(f->mutate, "%s: nothing mutates the request", f->name);
    }
    /* Every non-valid fault has a default status expectation. */
    cr_expect_not_null(f->expect.status_text, "%s: no default status", f->name);
    cr_expect_neq(f->expect.status[0].lo, 0, "%s: empty status set", f->name);
    for (int k = 0; k < 6 && f->expect.status[k].lo; k++)
      cr_expect_leq(f->expect.status[k].lo, f->expect.status[k].hi, "%s", f->name);
    /* Only a multi-case fault can lack a variant beyond its needs. */
    if (f->skip_doc) cr_expect_not_null(f->variants, "%s: skip_doc without variants", f->name);
    for (unsigned b = 0; b < GT_NEED_COUNT; b++)
      if (f->needs & 1u << b)
        cr_expect_not_null(gt_fault_need_doc(1u << b), "%s: need bit %u has no doc", f->name, b);
    cr_expect_eq(f->needs >> GT_NEED_COUNT, 0u, "%s: unknown need bits", f->name);
  }
}

/* The defaults built from the rows: the sets the catalogue has always had. */
Test(fault_table, default_expectations_follow_the_rows) {
  const gt_expect *e = gt_fault_default_expect(GT_FAULT_MALFORMED_AUTH);
  cr_expect(gt_status_has(&e->status, 400) && gt_status_has(&e->status, 401));
  cr_expect(!gt_status_has(&e->status, 402) && !gt_status_has(&e->status, 399));
  /* wire_dup_content_length: the refusal set (RFC 9112 §6.3 requires a 400) */
  e = gt_fault_default_expect(GT_FAULT_WIRE_DUP_CONTENT_LENGTH);
  int wire[] = {400, 408, 413, 414, 431, 501}; /* the refusal set */
  int n_in = 0;
  for (int c = 100; c <= 599; c++) {
    n_in += gt_status_has(&e->status, c);
    cr_expect_eq(gt_status_has(&e->status, c), gt_status_in_refusal_set(c), "%d", c);
  }
  cr_expect_eq(n_in, 6);
  for (size_t i = 0; i < sizeof wire / sizeof *wire; i++)
    cr_expect(gt_status_has(&e->status, wire[i]), "%d", wire[i]);
  cr_expect_eq(e->refused, 1);
  cr_expect_eq(e->error_shape, -1);
  /* every other wire_* fault: any answer but a 5xx (RFC latitude) */
  e = gt_fault_default_expect(GT_FAULT_WIRE_LONG_URI);
  for (int c = 100; c <= 599; c++)
    cr_expect_eq(gt_status_has(&e->status, c), c < 500, "%d", c);
  cr_expect_eq(e->refused, 1);
  e = gt_fault_default_expect(GT_FAULT_TRUNCATED_BODY);
  cr_expect(gt_status_has(&e->status, 199) && gt_status_has(&e->status, 300));
  cr_expect(!gt_status_has(&e->status, 200) && !gt_status_has(&e->status, 299));
  cr_expect(gt_status_has(&e->status, 599));
  e = gt_fault_default_expect(GT_FAULT_RATE_LIMIT);
  cr_expect(gt_status_has(&e->status, 429));
  cr_expect_eq(e->error_shape, 1);
  cr_expect_str_eq(e->status_text, "429");
  gt_fault_catalogue_free();
}

Test(check_table, rows_are_in_id_order_and_universal_ones_first) {
  for (int i = 0; i < GT_CHECK_COUNT; i++) {
    const gt_check_info *c = gt_check_info_of((gt_check_id)i);
    cr_assert_not_null(c);
    cr_expect_eq((int)c->id, i, "row %d holds id %d", i, (int)c->id);
    cr_assert_not_null(c->name, "row %d has no name", i);
    cr_expect(c->rule && *c->rule, "%s: no rule text", c->name);
    cr_expect_eq(gt_check_from_name(c->name), i, "%s: name not unique", c->name);
    /* profile.check_disabled is indexed by the universal ids. */
    cr_expect_eq(c->kind == GT_CHECK_KIND_UNIVERSAL, i < GT_CHECK_UNIVERSAL_COUNT, "%s", c->name);
  }
  cr_expect_null(gt_check_info_of(GT_CHECK_COUNT));
  cr_expect_str_eq(gt_check_name(GT_CHECK_COUNT), "unknown");
  cr_expect_eq(gt_check_from_name("nope"), -1);
}

/* ---- the generated documentation ---- */

static void render_faults(gt_buf *b) {
  const char *family = NULL;
  for (int i = 0; i < GT_FAULT_COUNT; i++) {
    const gt_fault_info *f = gt_fault_info_of((gt_fault_id)i);
    if (!family || strcmp(family, f->family) != 0) {
      family = f->family;
      gt_buf_printf(b, "%s### %c%s\n\n", i ? "\n" : "",
                    family[0] >= 'a' && family[0] <= 'z' ? family[0] - 'a' + 'A' : family[0],
                    family + 1);
      gt_buf_adds(b, "| fault | what is sent | default expectation | skipped when |\n"
                     "|---|---|---|---|\n");
    }
    gt_buf skip;
    gt_buf_init(&skip);
    for (unsigned k = 0; k < GT_NEED_COUNT; k++)
      if (f->needs & 1u << k)
        gt_buf_printf(&skip, "%s%s", skip.len ? "; or " : "", gt_fault_need_doc(1u << k));
    if (f->skip_doc) gt_buf_printf(&skip, "%s%s", skip.len ? "; or " : "", f->skip_doc);
    gt_buf_printf(b, "| `%s` | %s | %s | %s |\n", f->name, f->sends, f->expect_doc,
                  skip.len ? skip.data : "never");
    gt_buf_free(&skip);
  }
}

static const char *kind_text(gt_check_kind k) {
  switch (k) {
  case GT_CHECK_KIND_UNIVERSAL:
    return "universal (can be disabled)";
  case GT_CHECK_KIND_SCENARIO:
    return "the case's expectation";
  default:
    return "the runner";
  }
}

static void render_checks(gt_buf *b) {
  gt_buf_adds(b, "| check | applied by | rule |\n|---|---|---|\n");
  for (int i = 0; i < GT_CHECK_COUNT; i++) {
    const gt_check_info *c = gt_check_info_of((gt_check_id)i);
    gt_buf_printf(b, "| `%s` | %s | %s |\n", c->name, kind_text(c->kind), c->rule);
  }
}

/* Compares (or, with GT_UPDATE_DOCS set, rewrites) the generated block of
 * SOURCE_DIR/page. */
static void check_page(const char *page, void (*render)(gt_buf *)) {
  char *path = ts_fmt("%s/%s", SOURCE_DIR, page);
  size_t len = 0;
  char *text = ts_read_file(path, &len);
  cr_assert_not_null(text, "%s is missing", path);
  char *begin = strstr(text, BEGIN_MARK);
  cr_assert_not_null(begin, "%s: no line '%.*s'", page, (int)strlen(BEGIN_MARK) - 1, BEGIN_MARK);
  char *body = begin + strlen(BEGIN_MARK);
  char *end = strstr(body, END_MARK);
  cr_assert_not_null(end, "%s: no END marker after the BEGIN marker", page);
  gt_buf want;
  gt_buf_init(&want);
  render(&want);
  const char *update = getenv("GT_UPDATE_DOCS");
  if (update && *update) {
    gt_buf out;
    gt_buf_init(&out);
    gt_buf_add(&out, text, (size_t)(body - text));
    gt_buf_add(&out, want.data, want.len);
    gt_buf_adds(&out, end);
    cr_assert(ts_write_file(path, out.data, out.len), "cannot write %s", path);
    gt_buf_free(&out);
  } else {
    size_t have = (size_t)(end - body);
    cr_expect(have == want.len && memcmp(body, want.data, have) == 0,
              "%s is out of date with the table; regenerate it with\n"
              "  GT_UPDATE_DOCS=1 build/tests/unit_test_docs_tables\n"
              "--- expected ---\n%s",
              page, want.data);
  }
  gt_buf_free(&want);
  free(text);
  free(path);
}

Test(docs, faults_md_matches_the_fault_table) {
  check_page("docs/faults.md", render_faults);
}

Test(docs, checks_md_matches_the_check_table) {
  check_page("docs/checks.md", render_checks);
}
