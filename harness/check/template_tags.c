/* template_tags.c — what a template node is, how it reads in a message, and
 * the small helpers the matcher and the synthesizer share. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "template_internal.h"

static const struct {
  const char *tag;
  tmpl_kind kind;
} tags[] = {
    {"!string", TK_STRING},     {"!integer", TK_INTEGER}, {"!number", TK_NUMBER},
    {"!boolean", TK_BOOLEAN},   {"!null", TK_NULL},       {"!object", TK_OBJECT},
    {"!array", TK_ARRAY},       {"!any", TK_ANY},         {"!absent", TK_ABSENT},
    {"!regex", TK_REGEX},       {"!one_of", TK_ONE_OF},   {"!exact", TK_EXACT},
    {"!contains", TK_CONTAINS}, {"!len", TK_LEN},
};

tmpl_kind tmpl_classify(const gt_node *n) {
  if (!n || !n->tag || !n->tag[0] || strcmp(n->tag, "!") == 0) return TK_PLAIN;
  for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
    if (strcmp(n->tag, tags[i].tag) == 0) return tags[i].kind;
  /* YAML core-schema tags keep their YAML meaning. */
  if (strcmp(n->tag, "!!str") == 0 || strcmp(n->tag, "tag:yaml.org,2002:str") == 0) return TK_STR;
  if (strncmp(n->tag, "!!", 2) == 0 || strncmp(n->tag, "tag:yaml.org,2002:", 18) == 0)
    return TK_PLAIN;
  return TK_UNKNOWN;
}

bool tmpl_is_type_tag(tmpl_kind k) {
  return k >= TK_STRING && k <= TK_ABSENT;
}

void tmpl_regex_free(void *p) {
  pcre2_code_free((pcre2_code *)p);
}

void *tmpl_regex_compile(const gt_node *n, int *errcode, size_t *erroffset) {
  PCRE2_SIZE off = 0;
  int code = 0;
  pcre2_code *re = pcre2_compile((PCRE2_SPTR)(n->text ? n->text : ""), n->text ? n->text_len : 0,
                                 PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &code, &off, NULL);
  if (errcode) *errcode = code;
  if (erroffset) *erroffset = off;
  return re;
}

int tmpl_regex_match(const gt_node *n, const char *subject, size_t len) {
  pcre2_code *re = n->aux;
  bool owned = false;
  if (!re) {
    re = tmpl_regex_compile(n, NULL, NULL);
    if (!re) return -1;
    owned = true;
  }
  pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
  if (!md) gt_oom();
  int rc = pcre2_match(re, (PCRE2_SPTR)(subject ? subject : ""), subject ? len : 0, 0, 0, md, NULL);
  pcre2_match_data_free(md);
  if (owned) pcre2_code_free(re);
  return rc >= 0 ? 1 : 0;
}

bool tmpl_len_arg(const gt_node *n, size_t *out) {
  if (!n || n->kind != GT_NODE_SCALAR || !n->text || !n->text[0]) return false;
  size_t v = 0;
  for (const char *p = n->text; *p; p++) {
    if (*p < '0' || *p > '9') return false;
    if (v > (size_t)1 << 40) return false; /* absurd lengths are a typo */
    v = v * 10 + (size_t)(*p - '0');
  }
  *out = v;
  return true;
}

size_t tmpl_utf8_length(const char *s, size_t len) {
  size_t n = 0;
  for (size_t i = 0; i < len; i++)
    if (((unsigned char)s[i] & 0xC0) != 0x80) n++;
  return n;
}

static void render_scalar_text(gt_buf *b, const gt_node *n) {
  if (n->quoted) {
    cJSON *s = cJSON_CreateString(n->text ? n->text : "");
    char *t = cJSON_PrintUnformatted(s);
    gt_buf_adds(b, t ? t : "\"\"");
    free(t);
    cJSON_Delete(s);
  } else {
    gt_buf_adds(b, n->text ? n->text : "");
  }
}

static void render(gt_buf *b, const gt_node *n, size_t max, int depth) {
  if (b->len > max) return;
  if (depth > 32) {
    gt_buf_adds(b, "...");
    return;
  }
  if (n->tag && tmpl_classify(n) != TK_PLAIN) {
    gt_buf_adds(b, n->tag);
    if (n->kind == GT_NODE_SCALAR && n->text_len == 0 && !n->quoted) return;
    gt_buf_addc(b, ' ');
  }
  if (n->kind == GT_NODE_SCALAR) {
    if (n->kind == GT_NODE_SCALAR && tmpl_classify(n) == TK_REGEX) {
      cJSON *s = cJSON_CreateString(n->text ? n->text : "");
      char *t = cJSON_PrintUnformatted(s);
      gt_buf_adds(b, t ? t : "\"\"");
      free(t);
      cJSON_Delete(s);
      return;
    }
    render_scalar_text(b, n);
    return;
  }
  bool map = n->kind == GT_NODE_MAP;
  gt_buf_adds(b, map ? "{" : "[");
  for (size_t i = 0; i < n->count; i++) {
    if (b->len > max) break;
    if (i) gt_buf_adds(b, ", ");
    if (map) {
      render_scalar_text(b, n->keys[i]);
      gt_buf_adds(b, ": ");
    }
    render(b, n->items[i], max, depth + 1);
  }
  gt_buf_adds(b, map ? "}" : "]");
}

void tmpl_render(gt_buf *b, const gt_node *n, size_t max) {
  size_t start = b->len;
  if (!n) {
    gt_buf_adds(b, "(nothing)");
    return;
  }
  render(b, n, start + max, 0);
  if (b->len > start + max) {
    /* cut at a UTF-8 boundary */
    size_t cut = start + max;
    while (cut > start && ((unsigned char)b->data[cut] & 0xC0) == 0x80)
      cut--;
    b->len = cut;
    b->data[cut] = 0;
    gt_buf_adds(b, "...");
  }
}

char *gt_template_describe(const gt_node *n) {
  gt_buf b;
  gt_buf_init(&b);
  switch (tmpl_classify(n)) {
  case TK_STRING:
    gt_buf_adds(&b, "a string");
    break;
  case TK_INTEGER:
    gt_buf_adds(&b, "an integer");
    break;
  case TK_NUMBER:
    gt_buf_adds(&b, "a number");
    break;
  case TK_BOOLEAN:
    gt_buf_adds(&b, "a boolean");
    break;
  case TK_NULL:
    gt_buf_adds(&b, "null");
    break;
  case TK_OBJECT:
    gt_buf_adds(&b, "an object");
    break;
  case TK_ARRAY:
    gt_buf_adds(&b, "an array");
    break;
  case TK_ANY:
    gt_buf_adds(&b, "any value");
    break;
  case TK_ABSENT:
    gt_buf_adds(&b, "absent");
    break;
  case TK_REGEX:
    gt_buf_adds(&b, "a string matching /");
    gt_buf_adds(&b, n->text ? n->text : "");
    gt_buf_adds(&b, "/");
    break;
  case TK_ONE_OF:
    gt_buf_adds(&b, "one of ");
    if (n->kind == GT_NODE_SEQ) {
      gt_node plain = *n;
      plain.tag = NULL;
      tmpl_render(&b, &plain, 200);
    }
    break;
  case TK_EXACT: {
    gt_buf_adds(&b, "exactly ");
    gt_node plain = *n;
    plain.tag = NULL;
    tmpl_render(&b, &plain, 200);
    break;
  }
  case TK_CONTAINS: {
    gt_buf_adds(&b, "an array containing ");
    gt_node plain = *n;
    plain.tag = NULL;
    tmpl_render(&b, &plain, 200);
    break;
  }
  case TK_LEN:
    gt_buf_printf(&b, "length %s", n->text ? n->text : "?");
    break;
  default:
    tmpl_render(&b, n, 200);
    break;
  }
  if (!b.data) gt_buf_adds(&b, "");
  return gt_buf_steal(&b);
}

cJSON *tmpl_expand_scalar(const gt_node *n, const gt_scope *scope, gt_err *err) {
  if (tmpl_classify(n) == TK_STR) {
    if (!scope) return cJSON_CreateString(n->text ? n->text : "");
    gt_buf b;
    gt_buf_init(&b);
    if (!gt_expand_text(scope, n->text ? n->text : "", n->text ? n->text_len : 0, &b, n->file,
                        n->line, n->col, err)) {
      gt_buf_free(&b);
      return NULL;
    }
    cJSON *s = cJSON_CreateString(b.data ? b.data : "");
    gt_buf_free(&b);
    return s;
  }
  if (!scope) return gt_node_to_json(n);
  return gt_expand_node(scope, n, err);
}

bool tmpl_json_equal(const cJSON *a, const cJSON *b) {
  if (!a || !b) return a == b;
  if (cJSON_IsNumber(a) && cJSON_IsNumber(b)) return a->valuedouble == b->valuedouble;
  if ((a->type & 0xFF) != (b->type & 0xFF)) return false;
  if (cJSON_IsString(a))
    return a->valuestring && b->valuestring && strcmp(a->valuestring, b->valuestring) == 0;
  if (cJSON_IsArray(a)) {
    const cJSON *x = a->child, *y = b->child;
    for (; x && y; x = x->next, y = y->next)
      if (!tmpl_json_equal(x, y)) return false;
    return !x && !y;
  }
  if (cJSON_IsObject(a)) {
    if (cJSON_GetArraySize(a) != cJSON_GetArraySize(b)) return false;
    for (const cJSON *x = a->child; x; x = x->next) {
      const cJSON *y = cJSON_GetObjectItemCaseSensitive(b, x->string);
      if (!y || !tmpl_json_equal(x, y)) return false;
    }
    return true;
  }
  return true; /* null, true, false: same type */
}
