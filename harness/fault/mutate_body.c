/* mutate_body.c — body faults: cut, mislabelled, invalid UTF-8, empty,
 * missing or mistyped fields, oversized. */
#include "fault_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../check/check.h"

static const char invalid_utf8[] = "\xC3\x28"; /* a lead byte followed by ASCII */

static cJSON *first_string(cJSON *j) {
  if (cJSON_IsString(j)) return j;
  for (cJSON *c = j ? j->child : NULL; c; c = c->next) {
    cJSON *s = first_string(c);
    if (s) return s;
  }
  return NULL;
}

/* s with the invalid bytes inserted at its middle (on a character boundary). */
static char *inject_middle(const char *s, size_t len, size_t *out_len) {
  size_t mid = len / 2;
  while (mid > 0 && mid < len && ((unsigned char)s[mid] & 0xC0) == 0x80)
    mid--;
  char *out = gt_xmalloc(len + sizeof invalid_utf8);
  memcpy(out, s, mid);
  memcpy(out + mid, invalid_utf8, 2);
  memcpy(out + mid + 2, s + mid, len - mid);
  out[len + 2] = '\0';
  if (out_len) *out_len = len + 2;
  return out;
}

static void inject_utf8(gt_draft *d) {
  if (d->body_kind == GT_BODY_JSON && d->json) {
    cJSON *s = first_string(d->json);
    if (s) {
      char *v = inject_middle(s->valuestring, strlen(s->valuestring), NULL);
      free(s->valuestring); /* cJSON_SetValuestring refuses to grow a string */
      s->valuestring = v;
    } else if (cJSON_IsObject(d->json)) {
      cJSON_AddStringToObject(d->json, "gauntlet_probe", invalid_utf8);
    } else if (cJSON_IsArray(d->json)) {
      cJSON_AddItemToArray(d->json, cJSON_CreateString(invalid_utf8));
    } else {
      cJSON_Delete(d->json);
      d->json = cJSON_CreateString(invalid_utf8);
    }
    return;
  }
  if (d->body_kind == GT_BODY_FORM && d->n_form > 0) {
    /* Decoded bytes: the form encoder sends them as %C3%28. */
    char *v = inject_middle(d->form[0].value, strlen(d->form[0].value), NULL);
    free(d->form[0].value);
    d->form[0].value = v;
    return;
  }
  size_t len = 0;
  char *body = gt_draft_body_bytes(d, &len);
  size_t out_len = 0;
  char *v = inject_middle(body ? body : "", len, &out_len);
  gt_draft_set_body(d, v, out_len);
  free(v);
  free(body);
}

static const char *form_name(const char *path) {
  return strncmp(path, "$.", 2) == 0 ? path + 2 : path;
}

static bool missing_field(const gt_scenario *sc, const gt_case *c, gt_draft *d, gt_err *err) {
  if (d->body_kind == GT_BODY_FORM) {
    const char *name = form_name(c->param_text ? c->param_text : "");
    size_t kept = 0;
    for (size_t i = 0; i < d->n_form; i++) {
      if (strcmp(d->form[i].name, name) == 0) {
        free(d->form[i].name);
        free(d->form[i].value);
        continue;
      }
      d->form[kept++] = d->form[i];
    }
    d->n_form = kept;
    return true;
  }
  if (!d->json) return gt_err_set(err, GT_ERR_INPUT, NULL, 0, 0, "%s: no JSON body", c->name);
  if (c->param >= 0) {
    if ((size_t)c->param >= sc->request.n_required || !sc->request.required_paths)
      return gt_err_set(err, GT_ERR_RUNTIME, NULL, 0, 0, "%s: bad required index", c->name);
    gt_jsonpath_delete(sc->request.required_paths[c->param], d->json);
    return true;
  }
  cJSON_DeleteItemFromObjectCaseSensitive(d->json, c->param_text ? c->param_text : "");
  return true;
}

/* A value of another JSON type than v (docs/faults.md, wrong_type). */
static cJSON *other_type(const cJSON *v) {
  if (cJSON_IsString(v)) return cJSON_CreateNumber(12345);
  if (cJSON_IsNumber(v)) return cJSON_CreateString("not-a-number");
  if (cJSON_IsBool(v)) return cJSON_CreateString(cJSON_IsTrue(v) ? "true" : "false");
  if (cJSON_IsObject(v)) return cJSON_CreateArray();
  if (cJSON_IsArray(v)) return cJSON_CreateString("not-an-array");
  return cJSON_CreateNumber(12345); /* null */
}

/* Replaces target (somewhere under parent) by repl, keeping its key and
 * position. Recursion depth is the document's depth. */
static bool replace_under(cJSON *parent, cJSON *target, cJSON *repl) {
  for (cJSON *c = parent->child; c; c = c->next) {
    if (c == target) {
      /* ReplaceItemViaPointer keeps the position but not the member name. */
      if (target->string && !repl->string) repl->string = gt_xstrdup(target->string);
      return cJSON_ReplaceItemViaPointer(parent, target, repl);
    }
    if (replace_under(c, target, repl)) return true;
  }
  return false;
}

static bool wrong_type(const gt_case *c, gt_draft *d, gt_err *err) {
  cJSON *target = gt_simple_path_get(d->json, c->param_text);
  if (!target)
    return gt_err_set(err, GT_ERR_INPUT, NULL, 0, 0, "%s: field %s is not in the expanded body",
                      c->name, c->param_text ? c->param_text : "?");
  cJSON *repl = other_type(target);
  if (target == d->json) {
    cJSON_Delete(d->json);
    d->json = repl;
  } else if (!replace_under(d->json, target, repl)) {
    cJSON_Delete(repl);
    return gt_err_set(err, GT_ERR_RUNTIME, NULL, 0, 0, "%s: cannot replace %s", c->name,
                      c->param_text);
  }
  return true;
}

/* {"gauntlet_padding":"aaa..."} of exactly limit + 1 bytes (at least the
 * smallest such document), written straight into one allocation: for a body
 * that has no field to pad (a raw body, a JSON array or scalar). */
static void padding_document(size_t limit, gt_draft *d) {
  static const char head[] = "{\"gauntlet_padding\":\"";
  static const char tail[] = "\"}";
  size_t fixed = sizeof head - 1 + sizeof tail - 1;
  size_t total = limit + 1 > fixed + 1 ? limit + 1 : fixed + 1;
  char *b = gt_xmalloc(total + 1);
  memcpy(b, head, sizeof head - 1);
  memset(b + sizeof head - 1, 'a', total - fixed);
  memcpy(b + total - (sizeof tail - 1), tail, sizeof tail - 1);
  b[total] = '\0';
  free(d->body);
  d->body = b;
  d->body_len = total;
  d->body_final = true;
  gt_draft_set_header(d, "Content-Type", "application/json");
}

/* Where padding goes: a marker no real value holds, appended to the padded
 * string and replaced by the padding once the document is serialised. */
static const char pad_marker[] = "gauntlet-oversized-9f27c1e4-padding";

/* The string field to pad: the first required field that is a string, else
 * the first top-level string member, else the first string at any depth;
 * NULL when the body has none. */
static cJSON *field_to_pad(const gt_scenario *sc, cJSON *json) {
  for (size_t i = 0; i < sc->request.n_required; i++) {
    const cJSON *hit[1];
    if (sc->request.required_paths[i] &&
        gt_jsonpath_eval(sc->request.required_paths[i], json, hit, 1) >= 1 &&
        cJSON_IsString(hit[0]))
      return (cJSON *)(uintptr_t)hit[0];
  }
  for (cJSON *m = cJSON_IsObject(json) ? json->child : NULL; m; m = m->next)
    if (cJSON_IsString(m)) return m;
  return first_string(json);
}

/* A JSON body one byte over the limit, grown in a real string field so the
 * server's size limit is what refuses it (a server that drops unknown
 * fields would answer "field missing" to a padding field and never reach
 * its size check). Without a string field, one is added to an object. */
static bool oversized_json(const gt_scenario *sc, size_t limit, gt_draft *d) {
  cJSON *field = field_to_pad(sc, d->json);
  if (!field && !cJSON_IsObject(d->json)) return false;
  char *value = gt_xasprintf("%s%s", field ? field->valuestring : "", pad_marker);
  if (field) {
    free(field->valuestring); /* cJSON_SetValuestring refuses to grow a string */
    field->valuestring = value;
  } else {
    cJSON_AddStringToObject(d->json, "gauntlet_padding", value);
    free(value);
  }
  char *text = cJSON_PrintUnformatted(d->json);
  if (!text) gt_oom();
  char *at = strstr(text, pad_marker);
  size_t len = strlen(text), mark = sizeof pad_marker - 1;
  size_t rest = len - mark, pad = limit + 1 > rest ? limit + 1 - rest : 0;
  size_t before = (size_t)(at - text), total = rest + pad;
  char *b = gt_xmalloc(total + 1);
  memcpy(b, text, before);
  memset(b + before, 'a', pad);
  memcpy(b + before + pad, at + mark, len - before - mark);
  b[total] = '\0';
  free(text);
  free(d->body);
  d->body = b;
  d->body_len = total;
  d->body_final = true;
  return true;
}

/* A form body: its first field grown the same way. */
static bool oversized_form(size_t limit, gt_draft *d) {
  if (!d->n_form) return false;
  size_t len = 0;
  free(gt_draft_body_bytes(d, &len));
  size_t pad = limit + 1 > len ? limit + 1 - len : 0;
  size_t old = strlen(d->form[0].value);
  char *v = gt_xmalloc(old + pad + 1);
  memcpy(v, d->form[0].value, old);
  memset(v + old, 'a', pad); /* unreserved: one byte each once encoded */
  v[old + pad] = '\0';
  free(d->form[0].value);
  d->form[0].value = v;
  return true;
}

static void oversized(const gt_scenario *sc, const gt_profile *p, gt_draft *d) {
  size_t limit = p->limits.max_body ? p->limits.max_body : (size_t)8 << 20;
  if (d->body_kind == GT_BODY_JSON && d->json && oversized_json(sc, limit, d)) return;
  if (d->body_kind == GT_BODY_FORM && oversized_form(limit, d)) return;
  padding_document(limit, d);
}

bool gt_mutate_body(const gt_build_ctx *ctx, const gt_case *c, gt_draft *d, gt_err *err) {
  const gt_scenario *sc = &ctx->suite->scenarios[c->scenario];
  switch (c->fault) {
  case GT_FAULT_MALFORMED_JSON: {
    size_t len = 0;
    char *body = gt_draft_body_bytes(d, &len);
    gt_draft_set_body(d, body ? body : "", len / 2); /* len 1 -> 0: drops the last byte */
    free(body);
    return true;
  }
  case GT_FAULT_WRONG_CONTENT_TYPE:
    gt_draft_set_header(d, "Content-Type", "text/plain");
    return true;
  case GT_FAULT_INVALID_UTF8:
    inject_utf8(d);
    return true;
  case GT_FAULT_EMPTY_BODY:
    gt_draft_set_body(d, "", 0);
    return true;
  case GT_FAULT_MISSING_FIELD:
    return missing_field(sc, c, d, err);
  case GT_FAULT_WRONG_TYPE:
    if (!d->json) return gt_err_set(err, GT_ERR_INPUT, NULL, 0, 0, "%s: no JSON body", c->name);
    return wrong_type(c, d, err);
  case GT_FAULT_OVERSIZED_BODY:
    oversized(sc, &ctx->suite->profile, d);
    return true;
  default:
    return true;
  }
}
