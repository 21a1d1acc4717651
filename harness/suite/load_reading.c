/* load_reading.c — how the API reads request parameters: the profile's
 * `request:` block (encodings, nulls, empty strings, other content types,
 * methods every route runs for) and a scenario's `request.nulls` /
 * `request.empty_strings` overrides (docs/suite-format.md "Profile keys"). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"

/* absent | value | invalid */
bool ld_null_reading(loader *L, const gt_node *v, const char *what, gt_null_reading *out) {
  static const char *const names[] = {"value", "absent", "invalid"};
  static const gt_null_reading ids[] = {GT_NULLS_VALUE, GT_NULLS_ABSENT, GT_NULLS_INVALID};
  if (!ld_want_scalar(L, v, what)) return false;
  for (size_t i = 0; i < 3; i++)
    if (!strcmp(v->text, names[i])) {
      *out = ids[i];
      return true;
    }
  const char *hint = ld_suggest(v->text, names, 3);
  return ld_fail(L, v, "%s: expected absent, value or invalid, got '%s'%s%s%s", what, v->text,
                 hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
}

/* A field name after `form:` / `query:`: what a form or query key can be. */
static bool field_name_ok(const char *s) {
  if (!*s) return false;
  for (; *s; s++)
    if (!isalnum((unsigned char)*s) && !strchr("_-.[]", *s)) return false;
  return true;
}

static bool load_encoding(loader *L, gt_param_reading *r, const gt_node *v) {
  if (!ld_want_scalar(L, v, "request.encodings")) return false;
  const char *t = v->text;
  unsigned bit = 0;
  char **field = NULL;
  if (!strcmp(t, "json")) {
    bit = GT_ENC_JSON;
  } else if (!strcmp(t, "form")) {
    bit = GT_ENC_FORM;
  } else if (!strncmp(t, "form:", 5)) {
    bit = GT_ENC_FORM_FIELD;
    field = &r->form_field;
  } else if (!strncmp(t, "query:", 6)) {
    bit = GT_ENC_QUERY_FIELD;
    field = &r->query_field;
  } else {
    return ld_fail(L, v,
                   "request.encodings: unknown encoding '%s' (json, form, form:FIELD or "
                   "query:FIELD, e.g. form:params)",
                   t);
  }
  if (r->encodings & bit)
    return ld_fail(L, v, "request.encodings: '%s' is listed twice (one %s encoding at most)", t,
                   field ? (bit == GT_ENC_FORM_FIELD ? "form:FIELD" : "query:FIELD") : t);
  if (field) {
    const char *name = strchr(t, ':') + 1;
    if (!field_name_ok(name))
      return ld_fail(L, v, "request.encodings: '%s' needs a field name after ':' (e.g. %.*sparams)",
                     t, (int)(name - t), t);
    *field = gt_xstrdup(name);
  }
  r->encodings |= bit;
  return true;
}

static bool load_methods(loader *L, gt_param_reading *r, const gt_node *v) {
  if (!ld_want_seq(L, v, "request.methods")) return false;
  r->any_method = gt_xcalloc(v->count ? v->count : 1, sizeof *r->any_method);
  for (size_t i = 0; i < v->count; i++) {
    const gt_node *m = v->items[i];
    if (!ld_want_scalar(L, m, "request.methods")) return false;
    char *up = ld_strdup_scalar(m);
    for (char *p = up; *p; p++) {
      if (!isalpha((unsigned char)*p)) {
        free(up);
        return ld_fail(L, m, "request.methods: '%s' is not an HTTP method", m->text);
      }
      *p = (char)toupper((unsigned char)*p);
    }
    r->any_method[r->n_any_method++] = up;
  }
  return true;
}

bool ld_param_reading(loader *L, gt_param_reading *r, gt_node *n) {
  static const char *const keys[] = {
      "encodings", "other_content_type", "nulls", "empty_strings", "methods", NULL};
  if (!ld_want_map(L, n, "request") || !ld_check_keys(L, n, keys, "profile request")) return false;
  for (size_t i = 0; i < n->count; i++) {
    const char *k = n->keys[i]->text;
    const gt_node *v = n->items[i];
    if (!strcmp(k, "encodings")) {
      if (!ld_want_seq(L, v, "request.encodings")) return false;
      if (!v->count)
        return ld_fail(L, v,
                       "request.encodings: list at least one (json, form, form:FIELD, "
                       "query:FIELD)");
      for (size_t j = 0; j < v->count; j++)
        if (!load_encoding(L, r, v->items[j])) return false;
    } else if (!strcmp(k, "other_content_type")) {
      if (!ld_want_scalar(L, v, "request.other_content_type")) return false;
      if (strcmp(v->text, "refuse") && strcmp(v->text, "ignore"))
        return ld_fail(L, v, "request.other_content_type: expected refuse or ignore, got '%s'",
                       v->text);
      r->ignore_other = !strcmp(v->text, "ignore");
    } else if (!strcmp(k, "nulls")) {
      if (!ld_null_reading(L, v, "request.nulls", &r->nulls)) return false;
    } else if (!strcmp(k, "empty_strings")) {
      if (!ld_null_reading(L, v, "request.empty_strings", &r->empty_strings)) return false;
    } else if (!strcmp(k, "methods")) {
      if (!load_methods(L, r, v)) return false;
    }
  }
  return true;
}

void ld_param_reading_free(gt_param_reading *r) {
  free(r->form_field);
  free(r->query_field);
  for (size_t i = 0; i < r->n_any_method; i++)
    free(r->any_method[i]);
  free(r->any_method);
}
