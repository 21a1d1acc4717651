/* result.c — turns a request, its response and the failed checks into the
 * redacted texts of a gt_case_result: the one-line message, the detail of
 * every failed check, the system-out dump and the repro curl command. */
#include "result.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"

enum {
  DUMP_BODY_BYTES = 4096,
  /* A raw request up to this size is dumped whole; a longer one (a 64 KiB
   * header, a long URI) keeps its head and tail so the answer after it stays
   * in the report's per-case cap. */
  DUMP_RAW_WHOLE = 8192,
  DUMP_RAW_HEAD = 4096,
  DUMP_RAW_TAIL = 1024,
};

static char *redact(const gt_secrets *s, const char *text, size_t len) {
  return s ? gt_secrets_redact_dup(s, text, len) : gt_xstrndup(text, len);
}

/* The dump becomes a C string: a NUL byte would silently end it (and hide the
 * rest of the body from the report), so it is written as the visible "#x00",
 * the spelling the JUnit escaper uses for the other forbidden controls. */
static void add_without_nul(gt_buf *b, const char *s, size_t n) {
  size_t from = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] != '\0') continue;
    gt_buf_add(b, s + from, i - from);
    gt_buf_adds(b, "#x00");
    from = i + 1;
  }
  gt_buf_add(b, s + from, n - from);
}

static void dump_body(gt_buf *b, const char *body, size_t len, size_t total) {
  size_t n = len < DUMP_BODY_BYTES ? len : DUMP_BODY_BYTES;
  add_without_nul(b, body, n);
  if (n && body[n - 1] != '\n') gt_buf_addc(b, '\n');
  if (total > n) gt_buf_printf(b, "[... %zu more bytes of body not shown]\n", total - n);
}

static void dump_request(gt_buf *b, const gt_http_request *req, const gt_http_response *resp) {
  gt_buf_printf(b, "> %s %s\n", req->method, req->url);
  if (req->raw) {
    /* The bytes on the wire, NULs made visible: a wire_nul_header dump once
     * ended at the NUL and lost the answer that followed. */
    gt_buf_printf(b, "> (raw request, %zu bytes)\n", req->raw_len);
    if (req->raw_len <= DUMP_RAW_WHOLE) {
      add_without_nul(b, req->raw, req->raw_len);
    } else {
      add_without_nul(b, req->raw, DUMP_RAW_HEAD);
      gt_buf_printf(b, "\n[... %zu bytes of the raw request not shown ...]\n",
                    req->raw_len - DUMP_RAW_HEAD - DUMP_RAW_TAIL);
      add_without_nul(b, req->raw + req->raw_len - DUMP_RAW_TAIL, DUMP_RAW_TAIL);
    }
    gt_buf_adds(b, "\n");
    return;
  }
  for (size_t i = 0; i < req->n_headers; i++)
    gt_buf_printf(b, "> %s: %s\n", req->headers[i].name, req->headers[i].value);
  if (resp && resp->accept_encoding)
    gt_buf_printf(b, "> Accept-Encoding: %s  (added by gauntlet: the answer is decoded)\n",
                  resp->accept_encoding);
  if (req->body) {
    gt_buf_printf(b, "> [body: %zu bytes]\n", req->body_len);
    dump_body(b, req->body, req->body_len, req->body_len);
  }
}

static void dump_response(gt_buf *b, const gt_http_response *resp) {
  if (resp->outcome != GT_HTTP_OK)
    gt_buf_printf(b, "< (%s) %s\n", gt_http_outcome_kind(resp->outcome), resp->error);
  if (!resp->status) return;
  gt_buf_printf(b, "< %s %d\n", resp->http_version ? resp->http_version : "HTTP", resp->status);
  for (size_t i = 0; i < resp->n_headers; i++)
    gt_buf_printf(b, "< %s: %s\n", resp->headers[i].name, resp->headers[i].value);
  gt_buf_adds(b, "<\n");
  const char *coding = gt_http_response_header(resp, "Content-Encoding");
  if (coding && resp->body_decoded)
    gt_buf_printf(b, "[body decoded from Content-Encoding: %s%s]\n", coding,
                  resp->body_decode_stopped ? "; decoding stopped at the cap" : "");
  dump_body(b, resp->body.data ? resp->body.data : "", resp->body.len, resp->body_total);
  gt_buf_printf(b, "time: total %.3fs, connect %.3fs, tls %.3fs, first byte %.3fs\n",
                resp->timing.total, resp->timing.connect, resp->timing.tls,
                resp->timing.first_byte);
}

/* The structured, redacted copy of every failed check (t owns it). */
static void add_checks(gt_result_texts *t, const gt_secrets *secrets, const gt_failures *failures,
                       const gt_http_response *resp) {
  if (!failures->count) return;
  t->checks = gt_xcalloc(failures->count, sizeof *t->checks);
  t->n_checks = failures->count;
  for (size_t i = 0; i < failures->count; i++) {
    const gt_failure *f = &failures->items[i];
    gt_case_check *c = &t->checks[i];
    const char *where = f->where ? f->where : "";
    const char *exp = f->expected ? f->expected : "";
    const char *act = f->actual ? f->actual : "";
    c->check = gt_check_name(f->check); /* static table text */
    c->where = redact(secrets, where, strlen(where));
    c->expected = redact(secrets, exp, strlen(exp));
    c->actual = redact(secrets, act, strlen(act));
    char *ctx = gt_failure_context(f, resp);
    if (ctx) c->context = redact(secrets, ctx, strlen(ctx));
    free(ctx);
  }
}

void gt_result_build(gt_case_result *r, gt_result_texts *t, const gt_secrets *secrets,
                     const gt_http_request *req, const gt_http_response *resp,
                     const gt_failures *failures, const gt_repro_opts *repro) {
  memset(t, 0, sizeof *t);
  gt_buf b;
  gt_buf_init(&b);

  bool transport_error = resp && resp->outcome != GT_HTTP_OK && failures->count == 1 &&
                         failures->items[0].check == GT_CHECK_TRANSPORT;
  if (!failures->count) {
    r->kind = GT_RESULT_PASS;
  } else if (transport_error) {
    r->kind = GT_RESULT_ERROR;
    t->type = gt_xstrdup(gt_http_outcome_kind(resp->outcome));
    gt_buf_printf(&b, "%s: %s", t->type, resp->error[0] ? resp->error : failures->items[0].actual);
    t->message = redact(secrets, b.data, b.len);
  } else {
    r->kind = GT_RESULT_FAIL;
    const gt_failure *f = &failures->items[0];
    t->type = gt_xstrdup(gt_check_name(f->check));
    char *line = gt_failure_line(f);
    char *ctx = gt_failure_context(f, resp);
    if (ctx) {
      char *with = gt_xasprintf("%s (%s)", line, ctx);
      free(line);
      line = with;
    }
    t->message = redact(secrets, line, strlen(line));
    free(line);
    free(ctx);
  }
  add_checks(t, secrets, failures, resp);

  gt_buf_reset(&b);
  for (size_t i = 0; i < failures->count; i++) {
    const gt_failure *f = &failures->items[i];
    if (f->message) { /* told in one piece: the same line as the message */
      char *line = gt_failure_line(f);
      gt_buf_printf(&b, "%s\n", line);
      free(line);
      continue;
    }
    gt_buf_printf(&b, "%s%s%s\n  expected: %s\n  actual:   %s\n", gt_check_name(f->check),
                  f->where && f->where[0] ? " at " : "", f->where ? f->where : "", f->expected,
                  f->actual);
    if (t->checks[i].context) gt_buf_printf(&b, "  there:    %s\n", t->checks[i].context);
  }
  if (b.len) t->detail = redact(secrets, b.data, b.len);

  gt_buf_reset(&b);
  if (req) dump_request(&b, req, resp);
  if (resp) dump_response(&b, resp);
  if (b.len) t->system_out = redact(secrets, b.data, b.len);

  if (req && repro) {
    gt_repro_opts ro = *repro;
    ro.secrets = secrets;
    if (r->kind == GT_RESULT_PASS) ro.body_file = NULL; /* files only for what failed */
    char *cmd = gt_repro_command(req, &ro);
    /* Built to hold no secret; redacted anyway, as every output is. */
    t->repro = redact(secrets, cmd, strlen(cmd));
    free(cmd);
  }
  gt_buf_free(&b);

  r->message = t->message;
  r->type = t->type;
  r->detail = t->detail;
  r->system_out = t->system_out;
  r->repro = t->repro;
  r->time = resp ? resp->timing.total : 0;
  r->checks = t->checks;
  r->n_checks = t->n_checks;
  if (req) {
    t->method = req->method ? gt_xstrdup(req->method) : NULL;
    t->url = req->url ? redact(secrets, req->url, strlen(req->url)) : NULL;
  }
  r->method = t->method;
  r->url = t->url;
  r->status = resp ? resp->status : 0;
}

char *gt_failure_line(const gt_failure *f) {
  bool where = f->where && f->where[0];
  if (f->message)
    return gt_xasprintf("%s%s%s: %s", gt_check_name(f->check), where ? " " : "",
                        where ? f->where : "", f->message);
  return gt_xasprintf("%s%s%s: expected %s, got %s", gt_check_name(f->check), where ? " " : "",
                      where ? f->where : "", f->expected, f->actual);
}

void gt_result_simple(gt_case_result *r, gt_result_texts *t, const gt_secrets *secrets,
                      gt_result_kind kind, const char *type, const char *message) {
  memset(t, 0, sizeof *t);
  t->message = redact(secrets, message, strlen(message));
  t->type = gt_xstrdup(type);
  r->kind = kind;
  r->message = t->message;
  r->type = t->type;
  r->detail = r->system_out = r->repro = NULL;
  r->time = 0;
  r->checks = NULL;
  r->n_checks = 0;
  r->method = r->url = NULL;
  r->status = 0;
}

void gt_result_texts_free(gt_result_texts *t) {
  free(t->message);
  free(t->type);
  free(t->detail);
  free(t->system_out);
  free(t->repro);
  free(t->method);
  free(t->url);
  for (size_t i = 0; i < t->n_checks; i++) {
    /* check names are the table's; the rest was allocated by add_checks */
    free((char *)(uintptr_t)t->checks[i].where);
    free((char *)(uintptr_t)t->checks[i].expected);
    free((char *)(uintptr_t)t->checks[i].actual);
    free((char *)(uintptr_t)t->checks[i].context);
  }
  free(t->checks);
  memset(t, 0, sizeof *t);
}
