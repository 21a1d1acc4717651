/* serve_record.c — what an audit record says about an exchange: the request
 * and the answer as text, redacted. The report's <system-out> and --har use
 * the same functions, so a secret hidden in one is hidden in the other.
 *
 * Redaction: the configured secrets (credential, jwt_secret...) wherever
 * they appear, and — because a client may send another valid-looking token
 * (a second JWT signed with the same secret, a stale key) — any value in the
 * credential's place, whole: the credential header of any loaded profile
 * (Authorization always) after its scheme word, and the `access_token` query
 * parameter. A value that is exactly a configured secret shows its name
 * ("Bearer ${credential}"); any other value shows "***". */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <microhttpd.h>

#include "serve_internal.h"

#define REQUEST_BODY_SHOWN 1024 /* bytes of a request body in the report */
#define ANSWER_BODY_SHOWN 4096  /* bytes of an answer's body in the report */
#define REDACT_SLACK 4096       /* redact this much past a cut: no secret is cut in half */

const char *serve_reason_phrase(int status) {
  const char *r = MHD_get_reason_phrase_for((unsigned)status);
  return r ? r : "";
}

void serve_redact_text(const gt_serve *s, const char *text, size_t len, gt_buf *out) {
  if (s->opts.secrets)
    gt_secrets_redact(s->opts.secrets, text, len, out);
  else
    gt_buf_add(out, text, len);
}

/* The credential value v (no scheme word): its secret's label when it is
 * exactly one configured secret, else "***". */
static void redact_whole(const gt_serve *s, const char *v, size_t len, gt_buf *out) {
  if (len == 0) return;
  gt_buf r;
  gt_buf_init(&r);
  serve_redact_text(s, v, len, &r);
  bool one_label = r.len >= 3 && r.data[0] == '$' && r.data[1] == '{' && r.data[r.len - 1] == '}' &&
                   memchr(r.data + 2, '}', r.len - 3) == NULL &&
                   (r.len != len || memcmp(r.data, v, len));
  gt_buf_adds(out, one_label ? r.data : "***");
  gt_buf_free(&r);
}

/* Whether name is a header that carries a credential in some loaded profile. */
static bool credential_header(const gt_serve *s, const char *name) {
  if (!strcasecmp(name, "Authorization") || !strcasecmp(name, "Proxy-Authorization")) return true;
  for (size_t i = 0; i < s->n_suites; i++) {
    const gt_profile *p = &s->suites[i].suite->profile;
    if (p->auth.scheme == GT_AUTH_HEADER && p->auth.header && !strcasecmp(p->auth.header, name))
      return true;
  }
  return false;
}

char *serve_redact_header(const gt_serve *s, const char *name, const char *value) {
  gt_buf out;
  gt_buf_init(&out);
  if (credential_header(s, name)) {
    /* keep a scheme word ("Bearer", "Basic") so the reader sees the form */
    size_t word = strcspn(value, " \t");
    bool scheme = value[word] != '\0' && word > 0 && word < 16 && strcspn(value, ".=") > word;
    if (scheme) {
      gt_buf_add(&out, value, word);
      size_t sp = word + strspn(value + word, " \t");
      gt_buf_add(&out, value + word, sp - word);
      redact_whole(s, value + sp, strlen(value + sp), &out);
    } else {
      redact_whole(s, value, strlen(value), &out);
    }
  } else {
    serve_redact_text(s, value, strlen(value), &out);
  }
  if (!out.data) gt_buf_adds(&out, "");
  return gt_buf_steal(&out);
}

/* Query parameters whose value is a credential whatever it is. */
static bool credential_param(const char *name, size_t len) {
  static const char *const names[] = {"access_token", "api_key", "apikey", "token"};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    if (strlen(names[i]) == len && !strncasecmp(names[i], name, len)) return true;
  return false;
}

char *serve_redact_target(const gt_serve *s, const char *target) {
  gt_buf out;
  gt_buf_init(&out);
  size_t plen = strcspn(target, "?");
  serve_redact_text(s, target, plen, &out);
  const char *q = target[plen] == '?' ? target + plen + 1 : NULL;
  if (q) gt_buf_addc(&out, '?');
  while (q && *q) {
    size_t n = strcspn(q, "&");
    size_t eq = strcspn(q, "=");
    if (eq < n && credential_param(q, eq)) {
      serve_redact_text(s, q, eq + 1, &out);
      redact_whole(s, q + eq + 1, n - eq - 1, &out);
    } else {
      serve_redact_text(s, q, n, &out);
    }
    q += n;
    if (*q == '&') {
      gt_buf_addc(&out, '&');
      q++;
    }
  }
  if (!out.data) gt_buf_adds(&out, "");
  return gt_buf_steal(&out);
}

/* The first `shown` bytes of body, redacted, with a note of the total size. */
static void capped_body(const gt_serve *s, const char *body, size_t len, size_t total, size_t shown,
                        gt_buf *out) {
  size_t scan = len < shown + REDACT_SLACK ? len : shown + REDACT_SLACK;
  gt_buf r;
  gt_buf_init(&r);
  serve_redact_text(s, body, scan, &r);
  size_t keep = r.len < shown ? r.len : shown;
  gt_buf_add(out, r.data, keep);
  if (total > keep) gt_buf_printf(out, "\n[%zu bytes in all]", total);
  gt_buf_addc(out, '\n');
  gt_buf_free(&r);
}

void serve_record_request(const gt_serve *s, const gt_serve_request *r, gt_buf *out) {
  char *target = serve_redact_target(s, r->target);
  gt_buf_printf(out, "%s %s%s\n", r->method, target, r->tls ? " (https)" : " (http)");
  free(target);
  for (size_t i = 0; i < r->n_headers; i++) {
    char *v = serve_redact_header(s, r->headers[i].name, r->headers[i].value);
    gt_buf_printf(out, "%s: %s\n", r->headers[i].name, v);
    free(v);
  }
  if (r->body_len) {
    gt_buf_addc(out, '\n');
    capped_body(s, r->body, r->body_len, r->body_total, REQUEST_BODY_SHOWN, out);
  }
}

void serve_record_answer(const gt_serve *s, const gt_serve_response *resp, gt_buf *out) {
  if (resp->action == GT_SERVE_RESET) {
    gt_buf_adds(out, "connection closed without an answer\n");
    return;
  }
  gt_buf_printf(out, "HTTP/1.1 %d %s\n", resp->status, serve_reason_phrase(resp->status));
  for (size_t i = 0; i < resp->n_headers; i++) {
    char *v = serve_redact_header(s, resp->headers[i].name, resp->headers[i].value);
    gt_buf_printf(out, "%s: %s\n", resp->headers[i].name, v);
    free(v);
  }
  if (resp->action == GT_SERVE_TRUNCATE)
    gt_buf_printf(out, "Content-Length: %zu (%zu bytes sent, then the connection closed)\n",
                  resp->body.len + 64, resp->body.len);
  else
    gt_buf_printf(out, "Content-Length: %zu\n", resp->body.len);
  if (resp->body.len) {
    gt_buf_addc(out, '\n');
    capped_body(s, resp->body.data, resp->body.len, resp->body.len, ANSWER_BODY_SHOWN, out);
  }
}
