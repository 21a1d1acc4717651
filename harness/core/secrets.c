/* secrets.c — the set of secret values of a run, and redaction.
 *
 * Entries are kept sorted longest first, so that when one secret contains
 * another the longer one names the redacted region. Redaction finds every
 * occurrence of every secret in the original text (memmem per secret: tens of
 * secrets over KB of text is cheap), merges overlapping occurrences into
 * regions and replaces each region; nothing is ever searched in already
 * redacted text, so a secret equal to a placeholder cannot cascade. */
#include "secrets.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"

#define MIN_SECRET_LEN 4

typedef struct entry {
  char *value; /* owned */
  size_t len;
  char *label; /* owned: "${NAME}" or "***" */
  char *shell; /* owned: a shell word that expands to exactly value from the
                  environment ("${NAME}"), or NULL when there is none */
} entry;

struct gt_secrets {
  entry *v; /* owned array, sorted by len descending */
  size_t n, cap;
};

gt_secrets *gt_secrets_new(void) {
  return gt_xcalloc(1, sizeof(gt_secrets));
}

void gt_secrets_free(gt_secrets *s) {
  if (!s) return;
  for (size_t i = 0; i < s->n; i++)
    free(s->v[i].value), free(s->v[i].label), free(s->v[i].shell);
  free(s->v);
  free(s);
}

static char *make_label(const char *name) {
  return name && *name ? gt_xasprintf("${%s}", name) : gt_xstrdup("***");
}

/* A shell variable name: [A-Za-z_][A-Za-z0-9_]*. */
static bool shell_name(const char *name) {
  if (!name || !((*name >= 'A' && *name <= 'Z') || (*name >= 'a' && *name <= 'z') || *name == '_'))
    return false;
  for (const char *p = name; *p; p++)
    if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
          *p == '_'))
      return false;
  return true;
}

/* "${NAME}" when the environment variable NAME holds exactly these bytes: a
 * repro command can then let the shell fill the secret in. Caller frees. */
static char *env_reference(const char *name, const char *value, size_t len) {
  if (!shell_name(name)) return NULL;
  const char *env = getenv(name);
  if (!env || strlen(env) != len || memcmp(env, value, len) != 0) return NULL;
  return gt_xasprintf("\"${%s}\"", name);
}

/* Inserts one literal value (no derived forms). A value already present keeps
 * its entry, except that a name replaces "***" (a later, named registration
 * tells the reader more) and a shell reference fills a missing one. Takes
 * ownership of shell (may be NULL). */
static void add_literal(gt_secrets *s, const char *name, const char *value, size_t len,
                        char *shell) {
  if (len < MIN_SECRET_LEN) {
    free(shell);
    return;
  }
  for (size_t i = 0; i < s->n; i++) {
    if (s->v[i].len == len && memcmp(s->v[i].value, value, len) == 0) {
      if (name && *name && strcmp(s->v[i].label, "***") == 0) {
        free(s->v[i].label);
        s->v[i].label = make_label(name);
      }
      if (!s->v[i].shell)
        s->v[i].shell = shell;
      else
        free(shell);
      return;
    }
  }
  if (s->n == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 16;
    s->v = gt_xrealloc(s->v, s->cap * sizeof(entry));
  }
  size_t at = 0; /* first entry strictly shorter: keeps insertion order among equals */
  while (at < s->n && s->v[at].len >= len)
    at++;
  memmove(&s->v[at + 1], &s->v[at], (s->n - at) * sizeof(entry));
  s->v[at] = (entry){gt_xstrndup(value, len), len, make_label(name), shell};
  s->n++;
}

static void percent_encode(const unsigned char *in, size_t len, bool lower, gt_buf *out) {
  const char *hex = lower ? "0123456789abcdef" : "0123456789ABCDEF";
  for (size_t i = 0; i < len; i++) {
    unsigned char c = in[i];
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      gt_buf_addc(out, (char)c);
    } else {
      char q[3] = {'%', hex[c >> 4], hex[c & 15]};
      gt_buf_add(out, q, 3);
    }
  }
}

/* The value as it appears inside a JSON string (request bodies, reflected
 * responses): cJSON's escaping, and the `\/` variant some servers use. */
static void json_escape(const char *in, size_t len, bool slash, gt_buf *out) {
  char *z = gt_xstrndup(in, len); /* cJSON needs a C string; owned here */
  cJSON *j = cJSON_CreateString(z);
  char *txt = j ? cJSON_PrintUnformatted(j) : NULL; /* owned here */
  size_t n = txt ? strlen(txt) : 0;
  for (size_t i = 1; i + 1 < n; i++) { /* without the quotes */
    if (slash && txt[i] == '/') gt_buf_addc(out, '\\');
    gt_buf_addc(out, txt[i]);
  }
  free(txt);
  cJSON_Delete(j);
  free(z);
}

/* application/x-www-form-urlencoded: a space is '+'. */
static void form_encode(const unsigned char *in, size_t len, gt_buf *out) {
  for (size_t i = 0; i < len; i++) {
    if (in[i] == ' ')
      gt_buf_addc(out, '+');
    else
      percent_encode(in + i, 1, false, out);
  }
}

/* A value and the encodings under which it can leak into a URL, a Basic
 * header, a query string, a form or a JSON body. */
static void add_with_derived(gt_secrets *s, const char *name, const char *value, size_t len,
                             const char *shell) {
  if (len < MIN_SECRET_LEN) return;
  add_literal(s, name, value, len, shell ? gt_xstrdup(shell) : env_reference(name, value, len));
  const unsigned char *u = (const unsigned char *)value;
  gt_buf b;
  gt_buf_init(&b);
  for (int form = 0; form < 7; form++) {
    gt_buf_reset(&b);
    if (form < 2) /* No padding: the unpadded prefix matches padded and unpadded renderings. */
      gt_base64_encode_as(&b, u, len, form == 1 ? GT_B64_URL : GT_B64_STD, false);
    else if (form < 4)
      percent_encode(u, len, form == 3, &b);
    else if (form == 4)
      form_encode(u, len, &b);
    else
      json_escape(value, len, form == 6, &b);
    add_literal(s, name, b.data, b.len, NULL); /* duplicates are ignored */
  }
  gt_buf_free(&b);
}

void gt_secrets_add(gt_secrets *s, const char *name, const char *value) {
  if (!s || !value) return;
  add_with_derived(s, name, value, strlen(value), NULL);
}

void gt_secrets_add_shell(gt_secrets *s, const char *name, const char *value, const char *shell) {
  if (!s || !value) return;
  add_with_derived(s, name, value, strlen(value), shell);
}

void gt_secrets_add_jwt(gt_secrets *s, const char *name, const char *jwt) {
  if (!s || !jwt) return;
  size_t len = strlen(jwt);
  add_with_derived(s, name, jwt, len, NULL);
  /* A token whose signature was altered still carries header.payload; one
   * re-signed or re-encoded with alg none still carries the payload. */
  const char *dot1 = memchr(jwt, '.', len);
  if (dot1) {
    const char *dot2 = memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - jwt));
    if (dot2) add_literal(s, name, jwt, (size_t)(dot2 - jwt), NULL);
  }
  const char *p = jwt, *end = jwt + len;
  while (p < end) {
    const char *dot = memchr(p, '.', (size_t)(end - p));
    const char *stop = dot ? dot : end;
    if ((size_t)(stop - p) >= 8) add_literal(s, name, p, (size_t)(stop - p), NULL);
    p = stop + 1;
  }
}

typedef struct match {
  size_t start, end;
  const char *label;
  const char *shell;
} match;

static int by_start_then_longest(const void *a, const void *b) {
  const match *x = a, *y = b;
  if (x->start != y->start) return x->start < y->start ? -1 : 1;
  if (x->end != y->end) return x->end > y->end ? -1 : 1;
  return 0;
}

/* Every occurrence of every secret in text, sorted by start then longest;
 * *out is malloc'd (caller frees), NULL when none. */
static size_t find_matches(const gt_secrets *s, const char *text, size_t len, match **out) {
  match *m = NULL;
  size_t n = 0, cap = 0;
  for (size_t i = 0; i < s->n; i++) {
    const entry *e = &s->v[i];
    size_t from = 0;
    while (from + e->len <= len) {
      const char *hit = memmem(text + from, len - from, e->value, e->len);
      if (!hit) break;
      if (n == cap) {
        cap = cap ? cap * 2 : 16;
        m = gt_xrealloc(m, cap * sizeof(match));
      }
      size_t at = (size_t)(hit - text);
      m[n++] = (match){at, at + e->len, e->label, e->shell};
      /* Continue after the occurrence: an overlapping occurrence of the same
       * value ("aaaa" in "aaaaa") shares its region anyway except for its
       * tail, which the next search from at+1 would find. */
      from = at + 1;
    }
  }
  if (n) qsort(m, n, sizeof(match), by_start_then_longest);
  *out = m;
  return n;
}

size_t gt_secrets_find(const gt_secrets *s, const char *text, size_t len, gt_secret_hit **hits) {
  *hits = NULL;
  if (!s || !text || s->n == 0) return 0;
  match *m = NULL; /* owned here */
  size_t n = find_matches(s, text, len, &m), k = 0;
  gt_secret_hit *h = n ? gt_xcalloc(n, sizeof *h) : NULL;
  for (size_t i = 0; i < n; i++) {
    if (k && m[i].start < h[k - 1].end) { /* overlaps the current region */
      if (m[i].end > h[k - 1].end) {
        h[k - 1].end = m[i].end;
        h[k - 1].shell = NULL; /* no single secret spans it: no shell word either */
      }
      continue;
    }
    h[k++] = (gt_secret_hit){m[i].start, m[i].end, m[i].label, m[i].shell};
  }
  free(m);
  *hits = h;
  return k;
}

void gt_secrets_redact(const gt_secrets *s, const char *text, size_t len, gt_buf *out) {
  if (!text) return;
  if (!s || s->n == 0) {
    gt_buf_add(out, text, len);
    return;
  }
  match *m = NULL; /* owned here, freed below */
  size_t n = find_matches(s, text, len, &m);
  if (n == 0) {
    gt_buf_add(out, text, len);
    return;
  }
  size_t copied = 0, region_end = 0;
  const char *last_label = NULL;
  for (size_t i = 0; i < n; i++) {
    if (m[i].start >= region_end) { /* a new region: copy the clear text before it */
      gt_buf_add(out, text + copied, m[i].start - copied);
      gt_buf_adds(out, m[i].label);
      last_label = m[i].label;
      region_end = m[i].end;
    } else if (m[i].end > region_end) {
      /* Overlaps and extends the region: name the extending secret too,
       * unless the region already ends with the same label. */
      if (strcmp(m[i].label, last_label) != 0) gt_buf_adds(out, m[i].label);
      last_label = m[i].label;
      region_end = m[i].end;
    } /* else contained in the region: already hidden */
    copied = region_end;
  }
  gt_buf_add(out, text + copied, len - copied);
  free(m);
}

char *gt_secrets_redact_dup(const gt_secrets *s, const char *text, size_t len) {
  gt_buf b;
  gt_buf_init(&b);
  gt_secrets_redact(s, text ? text : "", text ? len : 0, &b);
  return gt_buf_steal(&b);
}
