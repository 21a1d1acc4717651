/* repro_curl.c — the command that reproduces one request: a curl command line
 * when curl can send the same bytes without a secret appearing in it, else the
 * `gauntlet run ... --case` replay the runner composed.
 *
 * Quoting: single quotes ('\'' for a quote) for printable text, ANSI-C $'...'
 * (bash, zsh, ksh) when a value holds control characters or invalid UTF-8.
 * Secrets are never written: a secret the environment provides is spliced in
 * as its shell word ("${NAME}", double-quoted, outside the single quotes), so
 * the command runs as-is after `export NAME=...`; a secret the environment
 * cannot provide (a minted token, a derived encoding, a captured credential)
 * makes curl unusable and the replay is printed instead. Literal text is
 * always single-quoted, so a `${...}` the request really carries stays text.
 *
 * curl's own additions are switched off so the bytes match what gauntlet sent
 * through libcurl: no User-Agent (-A ''), no default Content-Type or Expect
 * on a body gauntlet sent without them; and what the executor adds is added
 * too: the Accept-Encoding it advertises, with --compressed so curl decodes
 * the answer as gauntlet did. Bodies over BODY_INLINE_MAX bytes, or
 * with NUL bytes, or starting with '@' (curl would read a file), go to a file
 * written next to the report and are sent with --data-binary @FILE. */
#include "report.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "../core/base64.h"
#include "../core/buf.h"

#define BODY_INLINE_MAX 4096
/* curl asks for 100-continue above this body size unless told not to (older
 * versions from 1 KiB, newer from 1 MiB); gauntlet never does. */
#define EXPECT_FROM 1024

/* Bytes needing $'...': controls, DEL, and bytes that are not well-formed UTF-8. */
static bool needs_ansi_c(const unsigned char *s, size_t n) {
  for (size_t i = 0; i < n;) {
    unsigned char c = s[i];
    if (c < 0x20 || c == 0x7f) return true;
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t need = c >= 0xC2 && c <= 0xDF   ? 1
                  : c >= 0xE0 && c <= 0xEF ? 2
                  : c >= 0xF0 && c <= 0xF4 ? 3
                                           : 0;
    if (need == 0 || i + need >= n) return true;
    for (size_t k = 1; k <= need; k++)
      if ((s[i + k] & 0xC0) != 0x80) return true;
    i += need + 1;
  }
  return false;
}

static void quote_segment(gt_buf *out, const unsigned char *s, size_t n, bool ansi_c) {
  static const char hex[] = "0123456789abcdef";
  if (n == 0) return;
  gt_buf_adds(out, ansi_c ? "$'" : "'");
  for (size_t i = 0; i < n; i++) {
    unsigned char c = s[i];
    if (!ansi_c) {
      if (c == '\'')
        gt_buf_adds(out, "'\\''");
      else
        gt_buf_addc(out, (char)c);
      continue;
    }
    switch (c) {
    case '\\':
      gt_buf_adds(out, "\\\\");
      break;
    case '\'':
      gt_buf_adds(out, "\\'");
      break;
    case '\n':
      gt_buf_adds(out, "\\n");
      break;
    case '\r':
      gt_buf_adds(out, "\\r");
      break;
    case '\t':
      gt_buf_adds(out, "\\t");
      break;
    default:
      /* Every byte >= 0x7f is escaped too: in $'' mode the value is not
       * valid UTF-8 anyway, and escapes keep the line plain ASCII. */
      if (c < 0x20 || c >= 0x7f) {
        char e[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
        gt_buf_add(out, e, 4);
      } else {
        gt_buf_addc(out, (char)c);
      }
    }
  }
  gt_buf_addc(out, '\'');
}

static bool plain_word(const char *s, size_t n) {
  if (n == 0) return false;
  for (size_t i = 0; i < n; i++)
    if (!(s[i] == '_' || s[i] == '-' || (s[i] >= 'A' && s[i] <= 'Z') ||
          (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')))
      return false;
  return true;
}

void gt_shell_quote(gt_buf *out, const char *s, size_t n) {
  if (n == 0) {
    gt_buf_adds(out, "''");
  } else if (plain_word(s, n)) { /* GET, POST read better unquoted */
    gt_buf_add(out, s, n);
  } else {
    quote_segment(out, (const unsigned char *)s, n, needs_ansi_c((const unsigned char *)s, n));
  }
}

/* One shell word for text with every secret spliced in as its shell word.
 * False (nothing usable appended) when a secret has no shell word; *why then
 * says which. */
static bool secret_word(gt_buf *out, const gt_secrets *secrets, const char *s, size_t n,
                        const char **why) {
  gt_secret_hit *hits = NULL; /* owned here */
  size_t nh = gt_secrets_find(secrets, s, n, &hits);
  if (nh == 0) {
    gt_shell_quote(out, s, n);
    return true;
  }
  for (size_t i = 0; i < nh; i++)
    if (!hits[i].shell) {
      *why = "it carries a secret the environment does not hold (a minted or derived "
             "credential, or one from a capture)";
      free(hits);
      return false;
    }
  bool ansi_c = needs_ansi_c((const unsigned char *)s, n);
  size_t from = 0;
  for (size_t i = 0; i < nh; i++) {
    quote_segment(out, (const unsigned char *)s + from, hits[i].start - from, ansi_c);
    gt_buf_adds(out, hits[i].shell);
    from = hits[i].end;
  }
  quote_segment(out, (const unsigned char *)s + from, n - from, ansi_c);
  free(hits);
  return true;
}

bool gt_shell_quote_secrets(gt_buf *out, const gt_secrets *secrets, const char *s, size_t n) {
  const char *why = NULL;
  size_t before = out->len;
  if (secret_word(out, secrets, s, n, &why)) return true;
  out->len = before;
  if (out->data) out->data[before] = 0;
  return false;
}

/* `Authorization: Basic B64` whose user:password comes from the environment:
 * curl -u WORD sends exactly that header. */
static bool basic_as_user(gt_buf *out, const gt_secrets *secrets, const gt_header *h) {
  if (strcasecmp(h->name, "Authorization") != 0 || strncmp(h->value, "Basic ", 6) != 0)
    return false;
  gt_secret_hit *hits = NULL;
  size_t nh = gt_secrets_find(secrets, h->value, strlen(h->value), &hits);
  free(hits);
  if (nh == 0) return false; /* no secret in it: the header is written as it is */
  size_t plain_len = 0;
  char *plain = (char *)gt_base64_decode(h->value + 6, strlen(h->value + 6), GT_B64_STD,
                                         GT_B64_PAD_OPTIONAL, &plain_len);
  bool ok = plain && plain_len == strlen(plain) && memchr(plain, ':', plain_len);
  gt_buf word;
  gt_buf_init(&word);
  const char *why = NULL;
  if (ok) ok = secret_word(&word, secrets, plain, plain_len, &why);
  if (ok) {
    gt_buf_adds(out, " -u ");
    gt_buf_add(out, word.data, word.len);
  }
  gt_buf_free(&word);
  free(plain);
  return ok;
}

static bool write_body_file(const char *path, const char *body, size_t len) {
  const char *slash = strrchr(path, '/');
  if (slash && slash != path) {
    char *dir = gt_xstrndup(path, (size_t)(slash - path));
    int rc = mkdir(dir, 0755);
    free(dir);
    if (rc != 0 && errno != EEXIST) return false;
  }
  FILE *f = fopen(path, "wb");
  if (!f) return false;
  bool ok = fwrite(body, 1, len, f) == len;
  return (fclose(f) == 0) && ok;
}

/* Appends the body arguments; false (with *why) when curl cannot carry it. */
static bool add_body(gt_buf *b, const gt_http_request *req, const gt_repro_opts *o,
                     const char **why) {
  const char *body = req->body;
  size_t len = req->body_len;
  bool inline_ok = len <= BODY_INLINE_MAX && !memchr(body, 0, len) && !(len && body[0] == '@');
  if (inline_ok) {
    gt_buf_adds(b, " --data-binary ");
    return secret_word(b, o->secrets, body, len, why);
  }
  gt_secret_hit *hits = NULL;
  size_t nh = gt_secrets_find(o->secrets, body, len, &hits);
  free(hits);
  if (nh) {
    *why = "its body is too large or binary to inline and carries a secret";
    return false;
  }
  if (!o->body_file) {
    *why = "its body is too large or binary to inline";
    return false;
  }
  if (!write_body_file(o->body_file, body, len)) {
    *why = "its body could not be written next to the report";
    return false;
  }
  gt_buf_adds(b, " --data-binary @");
  gt_shell_quote(b, o->body_file, strlen(o->body_file));
  return true;
}

static bool curl_command(gt_buf *b, const gt_http_request *req, const gt_repro_opts *o,
                         const char **why) {
  gt_buf_adds(b, "curl -sS -i -A ''");
  const char *codings = gt_http_accept_encoding();
  if (codings[0]) {
    gt_buf_adds(b, " --compressed");
    if (!gt_http_request_header(req, "Accept-Encoding")) {
      char *h = gt_xasprintf("Accept-Encoding: %s", codings);
      gt_buf_adds(b, " -H ");
      gt_shell_quote(b, h, strlen(h));
      free(h);
    }
  }
  if (o->insecure) gt_buf_adds(b, " --insecure");
  if (o->cacert) {
    gt_buf_adds(b, " --cacert ");
    gt_shell_quote(b, o->cacert, strlen(o->cacert));
  }
  if (o->cert && o->key) {
    gt_buf_adds(b, " --cert ");
    gt_shell_quote(b, o->cert, strlen(o->cert));
    gt_buf_adds(b, " --key ");
    gt_shell_quote(b, o->key, strlen(o->key));
  }
  if (req->follow_redirects) gt_buf_adds(b, " -L --max-redirs 5");
  const char *method = req->method && *req->method ? req->method : "GET";
  if (strcmp(method, "HEAD") == 0) {
    gt_buf_adds(b, " -I");
  } else {
    gt_buf_adds(b, " -X ");
    if (!secret_word(b, o->secrets, method, strlen(method), why)) return false;
  }
  gt_buf_addc(b, ' ');
  const char *url = req->url ? req->url : "";
  if (!secret_word(b, o->secrets, url, strlen(url), why)) return false;
  gt_buf line;
  gt_buf_init(&line);
  bool ok = true;
  for (size_t i = 0; i < req->n_headers && ok; i++) {
    const gt_header *h = &req->headers[i];
    if (basic_as_user(b, o->secrets, h)) continue;
    gt_buf_reset(&line);
    /* "Name;" is curl's spelling of a header sent with an empty value. */
    if (h->value && h->value[0])
      gt_buf_printf(&line, "%s: %s", h->name, h->value);
    else
      gt_buf_printf(&line, "%s;", h->name);
    gt_buf_adds(b, " -H ");
    ok = secret_word(b, o->secrets, line.data, line.len, why);
  }
  gt_buf_free(&line);
  if (!ok) return false;
  if (req->body && strcmp(method, "HEAD") != 0) {
    if (!gt_http_request_header(req, "Content-Type")) gt_buf_adds(b, " -H 'Content-Type:'");
    if (!gt_http_request_header(req, "Expect") && req->body_len >= EXPECT_FROM)
      gt_buf_adds(b, " -H 'Expect:'");
    if (!add_body(b, req, o, why)) return false;
  }
  return true;
}

char *gt_repro_command(const gt_http_request *req, const gt_repro_opts *o) {
  gt_buf b; /* its bytes are handed to the caller, who frees them */
  gt_buf_init(&b);
  const char *why = NULL;
  if (req->raw)
    why = "a raw request (framing curl cannot produce)";
  else if (o->replay_only)
    why = o->replay_only;
  else if (curl_command(&b, req, o, &why))
    return gt_buf_steal(&b);
  gt_buf_reset(&b);
  if (o->replay)
    gt_buf_printf(&b, "%s   # not curl: %s; this re-sends the same bytes", o->replay, why);
  else
    gt_buf_printf(&b, "# no curl command: %s", why);
  return gt_buf_steal(&b);
}

char *gt_repro_body_path(const char *dir, const char *case_id) {
  uint64_t h = 1469598103934665603ULL; /* FNV-1a: the slug alone may collide */
  for (const unsigned char *p = (const unsigned char *)case_id; *p; p++)
    h = (h ^ *p) * 1099511628211ULL;
  gt_buf b;
  gt_buf_init(&b);
  gt_buf_printf(&b, "%s/", dir && *dir ? dir : ".");
  size_t slug = 0;
  bool sep = false;
  for (const char *p = case_id; *p && slug < 60; p++) {
    char c = *p;
    bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                c == '.' || c == '-' || c == '_';
    if (keep && !(c == '.' && slug == 0)) {
      if (sep && slug) gt_buf_addc(&b, '_'), slug++;
      gt_buf_addc(&b, c);
      slug++;
      sep = false;
    } else {
      sep = true;
    }
  }
  gt_buf_printf(&b, "-%08llx.body", (unsigned long long)(h & 0xffffffffULL));
  return gt_buf_steal(&b);
}
