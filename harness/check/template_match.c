/* template_match.c — does a JSON value (or a header's text) fit a template?
 *
 * Every mismatch is recorded with where it happened, so one run shows all the
 * differences in a body rather than the first. Alternatives (!one_of,
 * !contains) try their options against a scratch list and discard it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "template_internal.h"

#define SHORT 200

typedef struct mctx {
  const gt_scope *scope;
  gt_check_id check;
  gt_failures *out;
} mctx;

static bool match(const gt_node *t, const cJSON *a, const mctx *m, const char *where, int depth);

static void fail_json(const mctx *m, const char *where, const char *expected, const cJSON *a) {
  char *act = a ? gt_json_short(a, SHORT) : gt_xstrdup("missing");
  gt_failures_add(m->out, m->check, where, expected, act);
  free(act);
}

static void fail_desc(const mctx *m, const char *where, const gt_node *t, const cJSON *a) {
  char *exp = gt_template_describe(t);
  fail_json(m, where, exp, a);
  free(exp);
}

/* `$.name` when name is a plain member name, else `$['na me']`. */
static char *child_where(const char *where, const char *key) {
  bool simple = key[0] && !(key[0] >= '0' && key[0] <= '9');
  for (const char *p = key; *p && simple; p++) {
    unsigned char c = (unsigned char)*p;
    simple = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '_' || c >= 0x80;
  }
  if (simple) return gt_xasprintf("%s.%s", where, key);
  gt_buf b;
  gt_buf_init(&b);
  gt_buf_printf(&b, "%s['", where);
  for (const char *p = key; *p; p++) {
    if (*p == '\'' || *p == '\\') gt_buf_addc(&b, '\\');
    gt_buf_addc(&b, *p);
  }
  gt_buf_adds(&b, "']");
  return gt_buf_steal(&b);
}

static bool is_integer(const cJSON *a) {
  return cJSON_IsNumber(a) && isfinite(a->valuedouble) && floor(a->valuedouble) == a->valuedouble;
}

static bool match_map(const gt_node *t, const cJSON *a, const mctx *m, const char *where, int depth,
                      bool exact) {
  if (!cJSON_IsObject(a)) {
    fail_json(m, where, "an object", a);
    return false;
  }
  bool ok = true;
  for (size_t i = 0; i < t->count; i++) {
    const char *key = t->keys[i]->text ? t->keys[i]->text : "";
    const cJSON *child = cJSON_GetObjectItemCaseSensitive(a, key);
    char *w = child_where(where, key);
    if (!match(t->items[i], child, m, w, depth + 1)) ok = false;
    free(w);
  }
  if (exact) {
    for (const cJSON *c = a->child; c; c = c->next) {
      if (c->string && gt_node_get(t, c->string)) continue;
      char *w = child_where(where, c->string ? c->string : "");
      fail_json(m, w, "no such key (!exact)", c);
      free(w);
      ok = false;
    }
  }
  return ok;
}

static bool match_seq(const gt_node *t, const cJSON *a, const mctx *m, const char *where,
                      int depth) {
  if (!cJSON_IsArray(a)) {
    char *exp = gt_xasprintf("an array of %zu items", t->count);
    fail_json(m, where, exp, a);
    free(exp);
    return false;
  }
  size_t n = (size_t)cJSON_GetArraySize(a);
  if (n != t->count) {
    char *exp = gt_xasprintf("an array of %zu items", t->count);
    char *js = gt_json_short(a, SHORT);
    char *act = gt_xasprintf("%zu items: %s", n, js);
    gt_failures_add(m->out, m->check, where, exp, act);
    free(exp);
    free(js);
    free(act);
    return false;
  }
  bool ok = true;
  size_t i = 0;
  for (const cJSON *c = a->child; c; c = c->next, i++) {
    char *w = gt_xasprintf("%s[%zu]", where, i);
    if (!match(t->items[i], c, m, w, depth + 1)) ok = false;
    free(w);
  }
  return ok;
}

static bool match_scalar(const gt_node *t, const cJSON *a, const mctx *m, const char *where) {
  gt_err err = {0};
  cJSON *want = tmpl_expand_scalar(t, m->scope, &err);
  if (!want) {
    char *exp = gt_xasprintf("a value for %s (%s)", t->text ? t->text : "", err.msg);
    fail_json(m, where, exp, a);
    free(exp);
    return false;
  }
  bool ok = a && tmpl_json_equal(want, a);
  if (!ok) {
    char *exp = gt_json_short(want, SHORT);
    fail_json(m, where, exp, a);
    free(exp);
  }
  cJSON_Delete(want);
  return ok;
}

static size_t json_len(const cJSON *a, bool *has_len) {
  *has_len = true;
  if (cJSON_IsArray(a) || cJSON_IsObject(a)) return (size_t)cJSON_GetArraySize(a);
  if (cJSON_IsString(a) && a->valuestring)
    return tmpl_utf8_length(a->valuestring, strlen(a->valuestring));
  *has_len = false;
  return 0;
}

static bool match(const gt_node *t, const cJSON *a, const mctx *m, const char *where, int depth) {
  tmpl_kind k = tmpl_classify(t);
  if (depth > 256) {
    fail_json(m, where, "a shallower document (nesting limit)", a);
    return false;
  }
  if (!a) { /* the key is missing */
    if (k == TK_ABSENT) return true;
    if (k == TK_ONE_OF && t->kind == GT_NODE_SEQ)
      for (size_t i = 0; i < t->count; i++)
        if (tmpl_classify(t->items[i]) == TK_ABSENT) return true;
    fail_desc(m, where, t, NULL);
    return false;
  }
  bool ok;
  switch (k) {
  case TK_ABSENT:
    fail_json(m, where, "absent", a);
    return false;
  case TK_STRING:
    ok = cJSON_IsString(a);
    break;
  case TK_INTEGER:
    ok = is_integer(a);
    break;
  case TK_NUMBER:
    ok = cJSON_IsNumber(a);
    break;
  case TK_BOOLEAN:
    ok = cJSON_IsBool(a);
    break;
  case TK_NULL:
    ok = cJSON_IsNull(a);
    break;
  case TK_OBJECT:
    ok = cJSON_IsObject(a);
    break;
  case TK_ARRAY:
    ok = cJSON_IsArray(a);
    break;
  case TK_ANY:
    ok = true;
    break;
  case TK_REGEX:
    ok = cJSON_IsString(a) && a->valuestring &&
         tmpl_regex_match(t, a->valuestring, strlen(a->valuestring)) == 1;
    break;
  case TK_LEN: {
    size_t want = 0, have;
    bool has_len;
    tmpl_len_arg(t, &want);
    have = json_len(a, &has_len);
    ok = has_len && have == want;
    if (!ok) {
      char *exp = has_len ? gt_xasprintf("length %zu", want)
                          : gt_xasprintf("a string, array or object of length %zu", want);
      char *js = gt_json_short(a, SHORT);
      char *act = has_len ? gt_xasprintf("length %zu: %s", have, js) : gt_xstrdup(js);
      gt_failures_add(m->out, m->check, where, exp, act);
      free(exp);
      free(js);
      free(act);
    }
    return ok;
  }
  case TK_ONE_OF: {
    ok = false;
    for (size_t i = 0; i < t->count && !ok; i++) {
      gt_failures scratch = {0};
      mctx sub = {m->scope, m->check, &scratch};
      ok = match(t->items[i], a, &sub, where, depth + 1);
      gt_failures_free(&scratch);
    }
    break;
  }
  case TK_CONTAINS: {
    if (!cJSON_IsArray(a)) {
      fail_desc(m, where, t, a);
      return false;
    }
    ok = true;
    for (size_t i = 0; i < t->count; i++) {
      bool found = false;
      for (const cJSON *c = a->child; c && !found; c = c->next) {
        gt_failures scratch = {0};
        mctx sub = {m->scope, m->check, &scratch};
        found = match(t->items[i], c, &sub, where, depth + 1);
        gt_failures_free(&scratch);
      }
      if (!found) {
        gt_buf b;
        gt_buf_init(&b);
        gt_buf_adds(&b, "an array containing ");
        tmpl_render(&b, t->items[i], SHORT);
        fail_json(m, where, b.data, a);
        gt_buf_free(&b);
        ok = false;
      }
    }
    return ok;
  }
  case TK_EXACT:
    if (t->kind == GT_NODE_MAP) return match_map(t, a, m, where, depth, true);
    if (t->kind == GT_NODE_SEQ) return match_seq(t, a, m, where, depth);
    return match_scalar(t, a, m, where);
  case TK_UNKNOWN: {
    char *exp = gt_xasprintf("a known tag (not '%s')", t->tag);
    fail_json(m, where, exp, a);
    free(exp);
    return false;
  }
  default: /* TK_PLAIN, TK_STR */
    if (t->kind == GT_NODE_MAP) return match_map(t, a, m, where, depth, false);
    if (t->kind == GT_NODE_SEQ) return match_seq(t, a, m, where, depth);
    return match_scalar(t, a, m, where);
  }
  if (!ok) fail_desc(m, where, t, a);
  return ok;
}

bool gt_template_match(const gt_node *tmpl, const cJSON *actual, const gt_scope *scope,
                       gt_check_id check, const char *where, gt_failures *out) {
  if (!tmpl) return true;
  gt_failures scratch = {0};
  mctx m = {scope, check, out ? out : &scratch};
  bool ok = match(tmpl, actual, &m, where ? where : "$", 0);
  gt_failures_free(&scratch);
  return ok;
}

/* ---------- header values ---------- */

static void fail_text(const mctx *m, const char *where, const char *expected, const char *a) {
  char *act = a ? gt_text_short(a, strlen(a), SHORT) : gt_xstrdup("missing");
  gt_failures_add(m->out, m->check, where, expected, act);
  free(act);
}

static void trim(const char *s, const char **start, size_t *len) {
  size_t n = strlen(s);
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
    n--;
  while (n && (*s == ' ' || *s == '\t'))
    s++, n--;
  *start = s;
  *len = n;
}

static bool text_is_integer(const char *s, size_t n) {
  size_t i = 0;
  if (i < n && s[i] == '-') i++;
  if (i == n) return false;
  for (; i < n; i++)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

/* The text as a JSON value (strict), or NULL. */
static cJSON *text_json(const char *s, size_t n) {
  return gt_json_parse_strict(s, n, NULL, NULL);
}

static bool match_text(const gt_node *t, const char *a, const mctx *m, const char *where,
                       int depth) {
  tmpl_kind k = tmpl_classify(t);
  if (!a) {
    if (k == TK_ABSENT) return true;
    if (k == TK_ONE_OF && t->kind == GT_NODE_SEQ)
      for (size_t i = 0; i < t->count; i++)
        if (tmpl_classify(t->items[i]) == TK_ABSENT) return true;
    char *exp = gt_template_describe(t);
    fail_text(m, where, exp, NULL);
    free(exp);
    return false;
  }
  if (depth > 64) {
    fail_text(m, where, "a simpler template (nesting limit)", a);
    return false;
  }
  const char *s;
  size_t n;
  trim(a, &s, &n);
  bool ok;
  switch (k) {
  case TK_ABSENT:
    fail_text(m, where, "absent", a);
    return false;
  case TK_STRING:
  case TK_ANY:
    ok = true;
    break;
  case TK_INTEGER:
    ok = text_is_integer(s, n);
    break;
  case TK_NUMBER: {
    cJSON *j = text_json(s, n);
    ok = cJSON_IsNumber(j);
    cJSON_Delete(j);
    break;
  }
  case TK_BOOLEAN:
    ok = (n == 4 && !memcmp(s, "true", 4)) || (n == 5 && !memcmp(s, "false", 5));
    break;
  case TK_NULL:
    ok = n == 0 || (n == 4 && !memcmp(s, "null", 4));
    break;
  case TK_OBJECT:
  case TK_ARRAY: {
    cJSON *j = text_json(s, n);
    ok = k == TK_OBJECT ? cJSON_IsObject(j) : cJSON_IsArray(j);
    cJSON_Delete(j);
    break;
  }
  case TK_REGEX:
    ok = tmpl_regex_match(t, a, strlen(a)) == 1;
    break;
  case TK_LEN: {
    size_t want = 0;
    tmpl_len_arg(t, &want);
    ok = tmpl_utf8_length(a, strlen(a)) == want;
    break;
  }
  case TK_ONE_OF:
    ok = false;
    for (size_t i = 0; i < t->count && !ok; i++) {
      gt_failures scratch = {0};
      mctx sub = {m->scope, m->check, &scratch};
      ok = match_text(t->items[i], a, &sub, where, depth + 1);
      gt_failures_free(&scratch);
    }
    break;
  case TK_EXACT:
  case TK_CONTAINS:
  case TK_UNKNOWN:
  default:
    if (k == TK_UNKNOWN || k == TK_EXACT || k == TK_CONTAINS || t->kind != GT_NODE_SCALAR) {
      /* Structured templates on a header: the value must be JSON text. */
      cJSON *j = text_json(s, n);
      if (!j) {
        fail_text(m, where, "a JSON value in the header", a);
        return false;
      }
      ok = match(t, j, m, where, depth + 1);
      cJSON_Delete(j);
      return ok;
    }
    /* Plain scalar: compared as text, after ${..} expansion. */
    gt_buf want;
    gt_buf_init(&want);
    gt_err err = {0};
    bool expanded =
        m->scope ? gt_expand_text(m->scope, t->text ? t->text : "", t->text ? t->text_len : 0,
                                  &want, t->file, t->line, t->col, &err)
                 : (gt_buf_add(&want, t->text ? t->text : "", t->text ? t->text_len : 0), true);
    if (!expanded) {
      char *exp = gt_xasprintf("a value for %s (%s)", t->text ? t->text : "", err.msg);
      fail_text(m, where, exp, a);
      free(exp);
      gt_buf_free(&want);
      return false;
    }
    const char *w = want.data ? want.data : "";
    ok = n == want.len && memcmp(s, w, n) == 0; /* surrounding blanks are not content */
    if (!ok) {
      char *exp = gt_text_short(w, want.len, SHORT);
      fail_text(m, where, exp, a);
      free(exp);
    }
    gt_buf_free(&want);
    return ok;
  }
  if (!ok) {
    char *exp = gt_template_describe(t);
    fail_text(m, where, exp, a);
    free(exp);
  }
  return ok;
}

bool gt_template_match_text(const gt_node *tmpl, const char *actual, const gt_scope *scope,
                            gt_check_id check, const char *where, gt_failures *out) {
  if (!tmpl) return true;
  gt_failures scratch = {0};
  mctx m = {scope, check, out ? out : &scratch};
  bool ok = match_text(tmpl, actual, &m, where ? where : "", 0);
  gt_failures_free(&scratch);
  return ok;
}
