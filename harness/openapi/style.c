/* style.c — parameter serialization (OpenAPI `style` and `explode`, 2.0
 * `collectionFormat`): how a derived request writes an array or object
 * parameter, and how serve reads one back (docs/openapi.md "Parameter
 * styles"):
 *
 *   style          in            array [3,4]           object {a: 1, b: x}
 *   form           query cookie  id=3&id=4 | id=3,4     a=1&b=x | id=a,1,b,x
 *   spaceDelimited query         id=3%204               -
 *   pipeDelimited  query         id=3|4                 -
 *   deepObject     query         -                      id[a]=1&id[b]=x
 *   simple         path header   3,4                    a=1,b=x | a,1,b,x
 *   label          path          .3.4 | .3,4            .a=1.b=x | .a,1,b,x
 *   matrix         path          ;id=3;id=4 | ;id=3,4   ;a=1;b=x | ;id=a,1,b,x
 *   (cookies are written as form, not exploded: id=3,4)
 *
 * (exploded | not exploded). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/hex.h"
#include "oa_internal.h"

bool oa_style_parse(const char *text, gt_oa_style *out) {
  static const struct {
    const char *name;
    gt_oa_style style;
  } names[] = {{"form", GT_OA_STYLE_FORM},
               {"simple", GT_OA_STYLE_SIMPLE},
               {"label", GT_OA_STYLE_LABEL},
               {"matrix", GT_OA_STYLE_MATRIX},
               {"deepObject", GT_OA_STYLE_DEEP_OBJECT},
               {"pipeDelimited", GT_OA_STYLE_PIPE},
               {"spaceDelimited", GT_OA_STYLE_SPACE}};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    if (!strcmp(text, names[i].name)) {
      *out = names[i].style;
      return true;
    }
  return false;
}

/* A scalar's text: strings as they are, others as JSON. Caller frees. */
static char *scalar_text(const cJSON *v) {
  if (cJSON_IsString(v)) return gt_xstrdup(v->valuestring);
  if (!v || cJSON_IsNull(v)) return gt_xstrdup("");
  char *t = cJSON_PrintUnformatted(v);
  return t ? t : gt_xstrdup("");
}

static char delimiter(gt_oa_style s) {
  return s == GT_OA_STYLE_SPACE ? ' ' : s == GT_OA_STYLE_PIPE ? '|' : ',';
}

/* "3,4" / "a,1,b,x" / "a=1,b=x" with the style's delimiter. */
static void join(gt_buf *b, const cJSON *v, char sep, bool pairs_with_eq) {
  bool first = true;
  for (const cJSON *x = v->child; x; x = x->next) {
    if (!first) gt_buf_addc(b, sep);
    first = false;
    if (cJSON_IsObject(v)) {
      gt_buf_adds(b, x->string);
      gt_buf_addc(b, pairs_with_eq ? '=' : sep);
    }
    char *t = scalar_text(x);
    gt_buf_adds(b, t);
    free(t);
  }
}

void oa_style_write_query(const gt_oa_param *p, const cJSON *v, cJSON *query) {
  if (cJSON_IsArray(v)) {
    if (p->style == GT_OA_STYLE_FORM && p->explode) { /* id=3&id=4 */
      cJSON *list = cJSON_CreateArray();
      for (const cJSON *x = v->child; x; x = x->next) {
        char *t = scalar_text(x);
        cJSON_AddItemToArray(list, cJSON_CreateString(t));
        free(t);
      }
      cJSON_AddItemToObject(query, p->name, list);
      return;
    }
    gt_buf b;
    gt_buf_init(&b);
    join(&b, v, delimiter(p->style), false);
    cJSON_AddStringToObject(query, p->name, b.data ? b.data : "");
    gt_buf_free(&b);
    return;
  }
  if (cJSON_IsObject(v)) {
    if (p->style == GT_OA_STYLE_DEEP_OBJECT || (p->style == GT_OA_STYLE_FORM && p->explode)) {
      for (const cJSON *x = v->child; x; x = x->next) {
        char *key = p->style == GT_OA_STYLE_DEEP_OBJECT ? gt_xasprintf("%s[%s]", p->name, x->string)
                                                        : gt_xstrdup(x->string);
        char *t = scalar_text(x);
        cJSON_AddStringToObject(query, key, t);
        free(t);
        free(key);
      }
      return;
    }
    gt_buf b;
    gt_buf_init(&b);
    join(&b, v, delimiter(p->style), false);
    cJSON_AddStringToObject(query, p->name, b.data ? b.data : "");
    gt_buf_free(&b);
    return;
  }
  char *t = scalar_text(v);
  cJSON_AddStringToObject(query, p->name, t);
  free(t);
}

char *oa_style_write_text(const gt_oa_param *p, const cJSON *v) {
  gt_buf b;
  gt_buf_init(&b);
  bool composite = cJSON_IsArray(v) || cJSON_IsObject(v);
  switch (p->style) {
  case GT_OA_STYLE_LABEL:
    gt_buf_addc(&b, '.');
    if (composite) join(&b, v, p->explode ? '.' : ',', p->explode);
    break;
  case GT_OA_STYLE_MATRIX:
    if (cJSON_IsArray(v) && p->explode) {
      for (const cJSON *x = v->child; x; x = x->next) {
        char *t = scalar_text(x);
        gt_buf_printf(&b, ";%s=%s", p->name, t);
        free(t);
      }
    } else if (cJSON_IsObject(v) && p->explode) {
      for (const cJSON *x = v->child; x; x = x->next) {
        char *t = scalar_text(x);
        gt_buf_printf(&b, ";%s=%s", x->string, t);
        free(t);
      }
    } else {
      gt_buf_printf(&b, ";%s=", p->name);
      if (composite) join(&b, v, ',', false);
    }
    break;
  default: /* simple */
    if (composite) join(&b, v, ',', p->explode);
    break;
  }
  if (!composite) {
    char *t = scalar_text(v);
    gt_buf_adds(&b, t);
    free(t);
  }
  return gt_buf_steal(&b);
}

/* ---- reading (serve) ---- */

/* Every `name=value` pair of a raw query, decoded ('+' is a space). */
typedef struct qpair {
  char *name, *value;
} qpair;

static size_t query_pairs(const char *q, qpair **out) {
  size_t n = 0;
  *out = NULL;
  while (q && *q) {
    size_t len = strcspn(q, "&"), eq = strcspn(q, "=");
    if (eq > len) eq = len;
    gt_buf k, v;
    gt_buf_init(&k);
    gt_buf_init(&v);
    char *rk = gt_xstrndup(q, eq),
         *rv = gt_xstrndup(eq < len ? q + eq + 1 : "", eq < len ? len - eq - 1 : 0);
    for (char *p = rk; *p; p++)
      if (*p == '+') *p = ' ';
    for (char *p = rv; *p; p++)
      if (*p == '+') *p = ' ';
    gt_percent_decode(rk, strlen(rk), &k);
    gt_percent_decode(rv, strlen(rv), &v);
    free(rk);
    free(rv);
    *out = gt_xrealloc(*out, (n + 1) * sizeof **out);
    (*out)[n].name = gt_buf_steal(&k);
    (*out)[n].value = gt_buf_steal(&v);
    n++;
    q += len + (q[len] == '&');
  }
  return n;
}

static void pairs_free(qpair *p, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(p[i].name);
    free(p[i].value);
  }
  free(p);
}

/* "a,b,c" split on sep into an array of strings. */
static cJSON *split(const char *text, char sep) {
  cJSON *a = cJSON_CreateArray();
  for (const char *p = text; *p;) {
    const char *e = strchr(p, sep);
    size_t n = e ? (size_t)(e - p) : strlen(p);
    char *item = gt_xstrndup(p, n);
    cJSON_AddItemToArray(a, cJSON_CreateString(item));
    free(item);
    if (!e) break;
    p = e + 1;
  }
  return a;
}

/* "a,1,b,x" (pairs) or "a=1,b=x" (with_eq) into an object of strings. */
static cJSON *split_object(const char *text, char sep, bool with_eq) {
  cJSON *items = split(text, sep);
  cJSON *o = cJSON_CreateObject();
  if (with_eq) {
    for (const cJSON *x = items->child; x; x = x->next) {
      const char *eq = strchr(x->valuestring, '=');
      char *k = eq ? gt_xstrndup(x->valuestring, (size_t)(eq - x->valuestring))
                   : gt_xstrdup(x->valuestring);
      cJSON_AddStringToObject(o, k, eq ? eq + 1 : "");
      free(k);
    }
  } else {
    for (const cJSON *x = items->child; x && x->next; x = x->next->next)
      cJSON_AddStringToObject(o, x->valuestring, x->next->valuestring);
  }
  cJSON_Delete(items);
  return o;
}

static const char *type_of(const gt_oa_param *p) {
  return p->schema.node ? oa_text(p->schema.node, "type") : NULL;
}

cJSON *oa_style_read_query(const gt_oa_param *p, const char *raw_query, const gt_oa_param *others,
                           size_t n_others) {
  qpair *q;
  size_t n = query_pairs(raw_query, &q);
  const char *type = type_of(p);
  bool array = type && !strcmp(type, "array"), object = type && !strcmp(type, "object");
  cJSON *out = NULL;
  if (object && p->style == GT_OA_STYLE_DEEP_OBJECT) {
    size_t nl = strlen(p->name);
    for (size_t i = 0; i < n; i++) {
      size_t kl = strlen(q[i].name);
      if (kl > nl + 2 && !strncmp(q[i].name, p->name, nl) && q[i].name[nl] == '[' &&
          q[i].name[kl - 1] == ']') {
        if (!out) out = cJSON_CreateObject();
        char *k = gt_xstrndup(q[i].name + nl + 1, kl - nl - 2);
        if (!cJSON_GetObjectItemCaseSensitive(out, k)) cJSON_AddStringToObject(out, k, q[i].value);
        free(k);
      }
    }
  } else if (object && p->style == GT_OA_STYLE_FORM && p->explode) {
    /* its properties are top-level pairs: those no other parameter names */
    for (size_t i = 0; i < n; i++) {
      bool other = false;
      for (size_t k = 0; k < n_others && !other; k++)
        other =
            &others[k] != p && !strcmp(others[k].in, "query") && !strcmp(others[k].name, q[i].name);
      if (other) continue;
      if (!out) out = cJSON_CreateObject();
      if (!cJSON_GetObjectItemCaseSensitive(out, q[i].name))
        cJSON_AddStringToObject(out, q[i].name, q[i].value);
    }
  } else if (array && p->style == GT_OA_STYLE_FORM && p->explode) {
    for (size_t i = 0; i < n; i++)
      if (!strcmp(q[i].name, p->name)) {
        if (!out) out = cJSON_CreateArray();
        cJSON_AddItemToArray(out, cJSON_CreateString(q[i].value));
      }
  } else {
    for (size_t i = 0; i < n && !out; i++)
      if (!strcmp(q[i].name, p->name))
        out = array    ? split(q[i].value, delimiter(p->style))
              : object ? split_object(q[i].value, delimiter(p->style), false)
                       : cJSON_CreateString(q[i].value);
  }
  pairs_free(q, n);
  return out;
}

cJSON *oa_style_read_text(const gt_oa_param *p, const char *text) {
  const char *type = type_of(p);
  bool array = type && !strcmp(type, "array"), object = type && !strcmp(type, "object");
  if (!array && !object) return cJSON_CreateString(text);
  return array ? split(text, ',') : split_object(text, ',', p->explode);
}

bool oa_path_place(const char *path, const char *name, int *segment, char **prefix, char **suffix) {
  int k = 0;
  size_t nl = strlen(name);
  for (const char *p = path; *p;) {
    while (*p == '/')
      p++;
    if (!*p) break;
    size_t n = strcspn(p, "/");
    const char *open = memchr(p, '{', n);
    if (open && (size_t)(p + n - open) >= nl + 2 && !strncmp(open + 1, name, nl) &&
        open[nl + 1] == '}') {
      const char *close = open + nl + 1;
      if (memchr(p, '{', (size_t)(open - p)) || memchr(close, '{', (size_t)(p + n - close)))
        return false;
      *segment = k;
      *prefix = gt_xstrndup(p, (size_t)(open - p));
      *suffix = gt_xstrndup(close + 1, (size_t)(p + n - close - 1));
      return true;
    }
    k++;
    p += n;
  }
  return false;
}

/* The non-empty segments of a path (up to '?'), borrowed as (start, length). */
static size_t path_segments(const char *path, const char ***start, size_t **len) {
  size_t n = 0;
  *start = NULL;
  *len = NULL;
  for (const char *p = path; *p && *p != '?';) {
    while (*p == '/')
      p++;
    if (!*p || *p == '?') break;
    size_t l = strcspn(p, "/?");
    *start = gt_xrealloc(*start, (n + 1) * sizeof **start);
    *len = gt_xrealloc(*len, (n + 1) * sizeof **len);
    (*start)[n] = p;
    (*len)[n] = l;
    n++;
    p += l;
  }
  return n;
}

/* ";name=a;name=b" (exploded matrix array) -> the values; ";a=1;b=x"
 * (exploded matrix object) -> the pairs. */
static cJSON *matrix_exploded(const char *text, const char *name, bool object) {
  cJSON *out = object ? cJSON_CreateObject() : cJSON_CreateArray();
  cJSON *items = split(text[0] == ';' ? text + 1 : text, ';');
  size_t nl = strlen(name);
  for (const cJSON *x = items->child; x; x = x->next) {
    const char *t = x->valuestring, *eq = strchr(t, '=');
    if (object) {
      char *k = eq ? gt_xstrndup(t, (size_t)(eq - t)) : gt_xstrdup(t);
      cJSON_AddStringToObject(out, k, eq ? eq + 1 : "");
      free(k);
    } else {
      cJSON_AddItemToArray(
          out, cJSON_CreateString(!strncmp(t, name, nl) && t[nl] == '=' ? t + nl + 1 : t));
    }
  }
  cJSON_Delete(items);
  return out;
}

cJSON *oa_style_read_path(const gt_oa_param *p, const char *op_path, const char *req_path) {
  int k;
  char *prefix = NULL, *suffix = NULL;
  if (!oa_path_place(op_path, p->name, &k, &prefix, &suffix)) return NULL;
  const char **op_start, **rq_start;
  size_t *op_len, *rq_len;
  size_t n_op = path_segments(op_path, &op_start, &op_len);
  size_t n_rq = path_segments(req_path, &rq_start, &rq_len);
  cJSON *out = NULL;
  /* k < n_op unless the parameter sits after a '?' in the document's path */
  if (n_rq >= n_op && (size_t)k < n_op) {
    /* the operation's path is the end of the request's (a base path before it) */
    const char *seg = rq_start[n_rq - n_op + (size_t)k];
    size_t len = rq_len[n_rq - n_op + (size_t)k];
    size_t pl = strlen(prefix), sl = strlen(suffix);
    if (len >= pl + sl && !strncmp(seg, prefix, pl) && !strncmp(seg + len - sl, suffix, sl)) {
      gt_buf v;
      gt_buf_init(&v);
      gt_percent_decode(seg + pl, len - pl - sl, &v);
      const char *text = v.data ? v.data : "";
      const char *type = type_of(p);
      bool array = type && !strcmp(type, "array"), object = type && !strcmp(type, "object");
      if (p->style == GT_OA_STYLE_LABEL) {
        const char *t = text[0] == '.' ? text + 1 : text;
        char sep = p->explode ? '.' : ',';
        out = array    ? split(t, sep)
              : object ? split_object(t, sep, p->explode)
                       : cJSON_CreateString(t);
      } else if (p->style == GT_OA_STYLE_MATRIX) {
        size_t nl = strlen(p->name);
        if ((array || object) && p->explode) {
          out = matrix_exploded(text, p->name, object);
        } else {
          const char *t = text;
          if (t[0] == ';' && !strncmp(t + 1, p->name, nl) && t[nl + 1] == '=') t += nl + 2;
          out = array    ? split(t, ',')
                : object ? split_object(t, ',', false)
                         : cJSON_CreateString(t);
        }
      } else {
        out = oa_style_read_text(p, text);
      }
      gt_buf_free(&v);
    }
  }
  free(op_start);
  free(op_len);
  free(rq_start);
  free(rq_len);
  free(prefix);
  free(suffix);
  return out;
}
