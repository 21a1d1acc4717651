/* draft.c — the request in pieces, as faults mutate it (see fault_internal.h). */
#include "fault_internal.h"

#include <stdlib.h>
#include <string.h>

void gt_draft_free(gt_draft *d) {
  free(d->method);
  free(d->base);
  free(d->path);
  gt_buf_free(&d->query);
  gt_headers_free(&d->headers, &d->n_headers);
  cJSON_Delete(d->json);
  gt_headers_free(&d->form, &d->n_form);
  free(d->body);
  free(d->token);
  free(d->token_name);
  free(d->auth_name);
  free(d->auth_value);
  gt_headers_free(&d->auth_query, &d->n_auth_query);
  memset(d, 0, sizeof *d);
}

const char *gt_draft_header(const gt_draft *d, const char *name) {
  return gt_headers_get(d->headers, d->n_headers, name);
}

void gt_draft_set_header(gt_draft *d, const char *name, const char *value) {
  gt_headers_set(&d->headers, &d->n_headers, name, value);
}

void gt_draft_remove_header(gt_draft *d, const char *name) {
  gt_headers_remove(&d->headers, &d->n_headers, name);
}

void gt_draft_set_auth(gt_draft *d, const char *name, const char *value) {
  free(d->auth_name);
  free(d->auth_value);
  d->auth_name = name ? gt_xstrdup(name) : NULL;
  d->auth_value = name ? gt_xstrdup(value ? value : "") : NULL;
}

void gt_draft_add_query(gt_draft *d, const char *name, const char *value) {
  if (d->query.len) gt_buf_addc(&d->query, '&');
  gt_url_encode(&d->query, name, strlen(name));
  gt_buf_addc(&d->query, '=');
  gt_url_encode(&d->query, value, strlen(value));
}

void gt_draft_set_body(gt_draft *d, const char *bytes, size_t len) {
  char *copy = gt_xmalloc(len + 1);
  memcpy(copy, bytes, len);
  copy[len] = '\0';
  free(d->body);
  d->body = copy;
  d->body_len = len;
  d->body_final = true;
}

char *gt_draft_body_bytes(const gt_draft *d, size_t *len) {
  *len = 0;
  if (d->body_final || d->body_kind == GT_BODY_RAW) {
    if (!d->body) return NULL;
    *len = d->body_len;
    char *copy = gt_xmalloc(d->body_len + 1);
    memcpy(copy, d->body, d->body_len);
    copy[d->body_len] = '\0';
    return copy;
  }
  if (d->body_kind == GT_BODY_JSON && d->json) {
    char *text = cJSON_PrintUnformatted(d->json);
    if (!text) gt_oom();
    *len = strlen(text);
    return text;
  }
  if (d->body_kind == GT_BODY_FORM) {
    gt_buf b;
    gt_buf_init(&b);
    for (size_t i = 0; i < d->n_form; i++) {
      if (i) gt_buf_addc(&b, '&');
      gt_url_encode(&b, d->form[i].name, strlen(d->form[i].name));
      gt_buf_addc(&b, '=');
      gt_url_encode(&b, d->form[i].value, strlen(d->form[i].value));
    }
    gt_buf_addc(&b, '\0'); /* an empty form is still a (zero-length) body */
    *len = b.len - 1;
    return gt_buf_steal(&b);
  }
  return NULL;
}

const char *gt_auth_header_name(const gt_profile *p) {
  if (p->auth.scheme == GT_AUTH_HEADER && p->auth.header) return p->auth.header;
  return "Authorization";
}

char *gt_auth_value(const gt_profile *p, const char *token) {
  switch (p->auth.scheme) {
  case GT_AUTH_BEARER:
    return gt_xasprintf("Bearer %s", token);
  case GT_AUTH_BASIC: {
    gt_buf b;
    gt_buf_init(&b);
    gt_buf_adds(&b, "Basic ");
    gt_base64_encode(&b, (const unsigned char *)token, strlen(token));
    return gt_buf_steal(&b);
  }
  case GT_AUTH_HEADER:
    return gt_xstrdup(token);
  case GT_AUTH_QUERY: /* parameters, not a header value (fault/build.c) */
  case GT_AUTH_NONE:
    break;
  }
  return NULL;
}
