/* junit.c — reads the JUnit files gauntlet writes: a tolerant scan for
 * <testcase> elements and their one failure/error/skipped child. Our own
 * output has no CDATA, comments or nested testcases, so a scan suffices; the
 * schema check is xmllint's job (ts_junit_validates). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

/* Decodes the five predefined entities and numeric references (ASCII range
 * kept; others left as written, tests only compare ASCII). */
static char *unescape(const char *s, size_t len) {
  char *out = malloc(len + 1);
  if (!out) return NULL;
  size_t k = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] != '&') {
      out[k++] = s[i];
      continue;
    }
    static const struct {
      const char *ent;
      char c;
    } ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    bool done = false;
    for (size_t e = 0; e < 5 && !done; e++) {
      size_t el = strlen(ents[e].ent);
      if (i + el <= len && !strncmp(s + i, ents[e].ent, el)) {
        out[k++] = ents[e].c;
        i += el - 1;
        done = true;
      }
    }
    if (!done && i + 2 < len && s[i + 1] == '#') {
      const char *semi = memchr(s + i, ';', len - i);
      long v = s[i + 2] == 'x' ? strtol(s + i + 3, NULL, 16) : strtol(s + i + 2, NULL, 10);
      if (semi && v > 0 && v < 128) {
        out[k++] = (char)v;
        i = (size_t)(semi - s);
        done = true;
      }
    }
    if (!done) out[k++] = '&';
  }
  out[k] = '\0';
  return out;
}

/* Value of attribute `name` inside the start tag [tag, end). */
static char *attr(const char *tag, const char *end, const char *name) {
  size_t nl = strlen(name);
  for (const char *p = tag; p && p + nl + 2 < end; p++) {
    if ((p[-1] == ' ' || p[-1] == '\t' || p[-1] == '\n' || p[-1] == '\r') &&
        !strncmp(p, name, nl) && p[nl] == '=' && (p[nl + 1] == '"' || p[nl + 1] == '\'')) {
      char q = p[nl + 1];
      const char *v = p + nl + 2;
      const char *ve = memchr(v, q, (size_t)(end - v));
      if (!ve) return NULL;
      return unescape(v, (size_t)(ve - v));
    }
  }
  return NULL;
}

/* End of a start tag (the '>'), honouring quoted attribute values. */
static const char *tag_end(const char *p) {
  char q = 0;
  for (; *p; p++) {
    if (q) {
      if (*p == q) q = 0;
    } else if (*p == '"' || *p == '\'') {
      q = *p;
    } else if (*p == '>') {
      return p;
    }
  }
  return NULL;
}

static void parse_child(ts_case *c, const char *body, const char *body_end) {
  static const struct {
    const char *tag;
    ts_outcome o;
  } kids[] = {
      {"<failure", TS_CASE_FAILURE}, {"<error", TS_CASE_ERROR}, {"<skipped", TS_CASE_SKIPPED}};
  for (size_t k = 0; k < 3; k++) {
    const char *p = body;
    size_t tl = strlen(kids[k].tag);
    while ((p = strstr(p, kids[k].tag)) && p < body_end) {
      if (p[tl] == ' ' || p[tl] == '>' || p[tl] == '/') break;
      p += tl;
    }
    if (!p || p >= body_end) continue;
    const char *te = tag_end(p);
    if (!te || te > body_end) continue;
    c->outcome = kids[k].o;
    c->message = attr(p, te, "message");
    c->type = attr(p, te, "type");
    if (te[-1] != '/') {
      char close[16];
      snprintf(close, sizeof close, "</%s>", kids[k].tag + 1);
      const char *ce = strstr(te, close);
      if (ce && ce <= body_end) c->body = unescape(te + 1, (size_t)(ce - te - 1));
    }
    return;
  }
}

/* The case's <system-out> text, if any, between body and body_end. */
static void parse_out(ts_case *c, const char *body, const char *body_end) {
  const char *o = strstr(body, "<system-out>");
  if (!o || o >= body_end) return;
  o += strlen("<system-out>");
  const char *oe = strstr(o, "</system-out>");
  if (oe && oe <= body_end) c->out = unescape(o, (size_t)(oe - o));
}

bool ts_junit_load(const char *path, ts_junit *j) {
  memset(j, 0, sizeof *j);
  j->raw = ts_read_file(path, NULL);
  if (!j->raw) return false;
  size_t cap = 0;
  const char *p = j->raw;
  while ((p = strstr(p, "<testcase"))) {
    const char *te = tag_end(p);
    if (!te) break;
    if (j->n == cap) {
      cap = cap ? cap * 2 : 64;
      ts_case *nc = realloc(j->cases, cap * sizeof *nc);
      if (!nc) break;
      j->cases = nc;
    }
    ts_case *c = &j->cases[j->n++];
    memset(c, 0, sizeof *c);
    c->name = attr(p, te, "name");
    c->classname = attr(p, te, "classname");
    c->outcome = TS_CASE_PASS;
    if (te[-1] != '/') {
      const char *ce = strstr(te, "</testcase>");
      if (!ce) ce = te + strlen(te);
      parse_child(c, te + 1, ce);
      parse_out(c, te + 1, ce);
      p = ce;
    } else {
      p = te;
    }
  }
  return true;
}

void ts_junit_free(ts_junit *j) {
  for (size_t i = 0; i < j->n; i++) {
    free(j->cases[i].name);
    free(j->cases[i].classname);
    free(j->cases[i].message);
    free(j->cases[i].type);
    free(j->cases[i].body);
    free(j->cases[i].out);
  }
  free(j->cases);
  free(j->raw);
  memset(j, 0, sizeof *j);
}

const ts_case *ts_junit_find(const ts_junit *j, const char *name) {
  for (size_t i = 0; i < j->n; i++)
    if (j->cases[i].name && !strcmp(j->cases[i].name, name)) return &j->cases[i];
  return NULL;
}

size_t ts_junit_count(const ts_junit *j, ts_outcome o) {
  size_t n = 0;
  for (size_t i = 0; i < j->n; i++)
    n += j->cases[i].outcome == o;
  return n;
}

const char *ts_outcome_name(ts_outcome o) {
  switch (o) {
  case TS_CASE_PASS:
    return "pass";
  case TS_CASE_FAILURE:
    return "failure";
  case TS_CASE_ERROR:
    return "error";
  case TS_CASE_SKIPPED:
    return "skipped";
  default:
    return "missing";
  }
}

bool ts_junit_validates(const char *path) {
  const char *argv[] = {"/usr/bin/xmllint", "--noout", "--schema", JUNIT_XSD, path, NULL};
  return ts_run(argv, NULL, NULL, NULL, 30000, NULL) == 0;
}

static bool names_check(const ts_case *c, const char *checks) {
  if (!checks) return true;
  const char *p = checks;
  while (*p) {
    size_t n = strcspn(p, "|");
    char want[64];
    snprintf(want, sizeof want, "%.*s", (int)n, p);
    if (c->type && !strcmp(c->type, want)) return true;
    if (c->message && strstr(c->message, want)) return true;
    p += n;
    if (*p == '|') p++;
  }
  return false;
}

static char *one_mismatch(const ts_case *c, const char *name, ts_outcome o, const char *checks) {
  if (!c) return ts_fmt("case \"%s\" missing from the report", name);
  if (c->outcome != o)
    return ts_fmt("case \"%s\": expected %s, got %s (type=%s message=%s)", name, ts_outcome_name(o),
                  ts_outcome_name(c->outcome), c->type ? c->type : "-",
                  c->message ? c->message : "-");
  if ((o == TS_CASE_FAILURE || o == TS_CASE_ERROR) && !names_check(c, checks))
    return ts_fmt("case \"%s\": expected a %s naming %s, got type=%s message=%s", name,
                  ts_outcome_name(o), checks, c->type ? c->type : "-",
                  c->message ? c->message : "-");
  return NULL;
}

char *ts_case_mismatch(const ts_junit *j, const char *name, ts_outcome o, const char *checks) {
  return one_mismatch(ts_junit_find(j, name), name, o, checks);
}

char *ts_prefix_mismatch(const ts_junit *j, const char *prefix, ts_outcome o, const char *checks) {
  size_t found = 0;
  for (size_t i = 0; i < j->n; i++) {
    const ts_case *c = &j->cases[i];
    if (!c->name || strncmp(c->name, prefix, strlen(prefix))) continue;
    found++;
    char *m = one_mismatch(c, c->name, o, checks);
    if (m) return m;
  }
  return found ? NULL : ts_fmt("no case starts with \"%s\"", prefix);
}

char *ts_unexpected_failures(const ts_junit *j, const char *const prefixes[]) {
  char *acc = NULL;
  for (size_t i = 0; i < j->n; i++) {
    const ts_case *c = &j->cases[i];
    if (c->outcome != TS_CASE_FAILURE && c->outcome != TS_CASE_ERROR) continue;
    bool expected = false;
    for (size_t k = 0; prefixes && prefixes[k] && !expected; k++)
      expected = c->name && !strncmp(c->name, prefixes[k], strlen(prefixes[k]));
    if (expected) continue;
    char *next =
        ts_fmt("%s%s [%s] %s: %s\n", acc ? acc : "", c->name ? c->name : "?",
               ts_outcome_name(c->outcome), c->type ? c->type : "-", c->message ? c->message : "-");
    free(acc);
    acc = next;
  }
  return acc;
}
