/* vars.c — ${NAME} / ${NAME:-default} expansion through a gt_scope (see vars.h).
 *
 * Text is read as a stream of tokens: literal runs, and references. `$${` is
 * the escape for a literal `${`. A default runs up to the first `}` (no
 * nesting) and is literal text. */
#include "vars.h"

#include <stdlib.h>
#include <string.h>

typedef enum { TOK_END, TOK_TEXT, TOK_REF, TOK_BAD } tok_kind;

typedef struct tok {
  tok_kind kind;
  const char *p; /* TOK_TEXT: the literal bytes */
  size_t n;
  const char *name; /* TOK_REF */
  size_t name_len;
  bool has_default;
  const char *def;
  size_t def_len;
  const char *why; /* TOK_BAD: what is wrong */
} tok;

static bool name_char(char c, bool first) {
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_') return true;
  return !first && ((c >= '0' && c <= '9') || c == '.' || c == '-');
}

static bool starts_ref(const char *t, size_t len, size_t i) {
  return i + 1 < len && t[i] == '$' && t[i + 1] == '{';
}
static bool starts_escape(const char *t, size_t len, size_t i) {
  return i + 2 < len && t[i] == '$' && t[i + 1] == '$' && t[i + 2] == '{';
}

static tok next_tok(const char *t, size_t len, size_t *pos) {
  tok k = {0};
  size_t i = *pos;
  if (i >= len) return k;
  if (starts_escape(t, len, i)) {
    k.kind = TOK_TEXT, k.p = t + i + 1, k.n = 2;
    *pos = i + 3;
    return k;
  }
  if (starts_ref(t, len, i)) {
    const char *close = memchr(t + i + 2, '}', len - i - 2);
    if (!close) {
      k.kind = TOK_BAD, k.why = "unterminated '${' (write '$${' for a literal '${')";
      return k;
    }
    const char *in = t + i + 2;
    size_t in_len = (size_t)(close - in);
    size_t name_len = in_len;
    for (size_t j = 0; j + 1 < in_len; j++)
      if (in[j] == ':' && in[j + 1] == '-') {
        name_len = j;
        k.has_default = true;
        k.def = in + j + 2;
        k.def_len = in_len - j - 2;
        break;
      }
    bool ok = name_len > 0;
    for (size_t j = 0; ok && j < name_len; j++)
      ok = name_char(in[j], j == 0);
    if (!ok) {
      k.kind = TOK_BAD, k.why = "invalid variable reference (expected ${NAME} or ${NAME:-default})";
      return k;
    }
    k.kind = TOK_REF, k.name = in, k.name_len = name_len;
    *pos = (size_t)(close - t) + 1;
    return k;
  }
  size_t j = i + 1;
  while (j < len && !starts_ref(t, len, j) && !starts_escape(t, len, j))
    j++;
  k.kind = TOK_TEXT, k.p = t + i, k.n = j - i;
  *pos = j;
  return k;
}

/* ---- lookup ---- */

typedef enum { SRC_NONE, SRC_CAPTURE, SRC_CLI, SRC_SUITE, SRC_ENV, SRC_GEN } var_source;

const char *const gt_gen_names[] = {"uuid",   "hex8",  "hex16",   "hex32", "int",
                                    "now_ms", "now_s", "now_iso", NULL};

bool gt_gen_known(const char *name, size_t len) {
  for (size_t i = 0; gt_gen_names[i]; i++)
    if (strlen(gt_gen_names[i]) == len && memcmp(gt_gen_names[i], name, len) == 0) return true;
  return false;
}

static bool is_gen_ref(const char *name, size_t len) {
  return len > 4 && memcmp(name, "gen.", 4) == 0;
}

static const cJSON *child_n(const cJSON *obj, const char *key, size_t len) {
  if (cJSON_IsObject(obj)) {
    for (const cJSON *c = obj->child; c; c = c->next)
      if (c->string && strlen(c->string) == len && memcmp(c->string, key, len) == 0) return c;
  } else if (cJSON_IsArray(obj) && len > 0 && len < 10) {
    int idx = 0;
    for (size_t i = 0; i < len; i++) {
      if (key[i] < '0' || key[i] > '9') return NULL;
      idx = idx * 10 + (key[i] - '0');
    }
    return cJSON_GetArrayItem(obj, idx);
  }
  return NULL;
}

/* The whole name as a key first, then walks objects segment by segment, so
 * both {"path.app_id": ..} and {"path": {"app_id": ..}} answer ${path.app_id}. */
static const cJSON *lookup_dotted(const cJSON *obj, const char *name, size_t len) {
  if (!obj) return NULL;
  const cJSON *hit = child_n(obj, name, len);
  if (hit) return hit;
  for (size_t i = 0; i < len; i++) {
    if (name[i] != '.') continue;
    const cJSON *c = child_n(obj, name, i);
    if (c && (cJSON_IsObject(c) || cJSON_IsArray(c))) {
      hit = lookup_dotted(c, name + i + 1, len - i - 1);
      if (hit) return hit;
    }
  }
  return NULL;
}

static cJSON *lookup(const gt_scope *s, const char *name, size_t len, var_source *src) {
  *src = SRC_NONE;
  if (!s) return NULL;
  if (is_gen_ref(name, len)) { /* reserved: never looked up elsewhere */
    cJSON *v = s->gen ? s->gen(s->gen_ud, name + 4, len - 4) : NULL;
    if (v) *src = SRC_GEN;
    return v;
  }
  const cJSON *hit = lookup_dotted(s->captures, name, len);
  if (hit) {
    *src = SRC_CAPTURE;
    return cJSON_Duplicate(hit, true);
  }
  for (int i = s->n_cli_vars - 1; i >= 0; i--) { /* last --var wins */
    const gt_cli_var *v = &s->cli_vars[i];
    if (v->name && strlen(v->name) == len && memcmp(v->name, name, len) == 0) {
      *src = SRC_CLI;
      return cJSON_CreateString(v->value ? v->value : "");
    }
  }
  hit = lookup_dotted(s->suite_vars, name, len);
  if (hit) {
    *src = SRC_SUITE;
    return cJSON_Duplicate(hit, true);
  }
  if (s->use_env) {
    char *key = gt_xstrndup(name, len);
    const char *v = getenv(key);
    free(key);
    if (v) {
      *src = SRC_ENV;
      return cJSON_CreateString(v);
    }
  }
  return NULL;
}

cJSON *gt_scope_lookup(const gt_scope *s, const char *name) {
  var_source src;
  return lookup(s, name, strlen(name), &src);
}

/* ---- expansion ---- */

static void render(const cJSON *v, gt_buf *out) {
  if (cJSON_IsString(v)) {
    gt_buf_adds(out, v->valuestring);
    return;
  }
  char *p = cJSON_PrintUnformatted(v);
  if (p) gt_buf_adds(out, p);
  free(p);
}

static bool undefined(const tok *k, const char *file, int line, int col, gt_err *err) {
  if (is_gen_ref(k->name, k->name_len))
    return gt_err_set(
        err, GT_ERR_INPUT, file, line, col,
        "${%.*s}: generated values exist only in a scenario's request%s", (int)k->name_len, k->name,
        gt_gen_known(k->name + 4, k->name_len - 4) ? "" : " (and this one is unknown)");
  return gt_err_set(err, GT_ERR_INPUT, file, line, col,
                    "undefined variable '%.*s' (define it under variables:, pass --var %.*s=..., "
                    "or write ${%.*s:-default})",
                    (int)k->name_len, k->name, (int)k->name_len, k->name, (int)k->name_len,
                    k->name);
}

bool gt_expand_text(const gt_scope *s, const char *text, size_t len, gt_buf *out, const char *file,
                    int line, int col, gt_err *err) {
  size_t pos = 0;
  if (!out->data) gt_buf_add(out, "", 0);
  for (;;) {
    tok k = next_tok(text, len, &pos);
    switch (k.kind) {
    case TOK_END:
      return true;
    case TOK_BAD:
      return gt_err_set(err, GT_ERR_INPUT, file, line, col, "%s", k.why);
    case TOK_TEXT:
      gt_buf_add(out, k.p, k.n);
      break;
    case TOK_REF: {
      var_source src;
      cJSON *v = lookup(s, k.name, k.name_len, &src);
      if (v) {
        render(v, out);
        cJSON_Delete(v);
      } else if (k.has_default) {
        gt_buf_add(out, k.def, k.def_len);
      } else {
        return undefined(&k, file, line, col, err);
      }
      break;
    }
    }
  }
}

bool gt_check_var_syntax(const char *text, size_t len, const char *file, int line, int col,
                         gt_err *err) {
  size_t pos = 0;
  for (;;) {
    tok k = next_tok(text, len, &pos);
    if (k.kind == TOK_END) return true;
    if (k.kind == TOK_BAD) return gt_err_set(err, GT_ERR_INPUT, file, line, col, "%s", k.why);
  }
}

/* Text that came from the command line, the environment or a default has no
 * type of its own: a plain scalar reads it with the core schema, a quoted one
 * keeps it a string. Empty text stays an empty string (not null). */
static cJSON *untyped_text(const char *t, size_t n, bool quoted) {
  if (n == 0) return cJSON_CreateString("");
  return gt_scalar_to_json(t, n, quoted);
}

static cJSON *expand_scalar(const gt_scope *s, const gt_node *n, gt_err *err) {
  const char *t = n->text ? n->text : "";
  size_t len = n->text ? n->text_len : 0;
  if (!memchr(t, '$', len)) return gt_scalar_to_json(t, len, n->quoted);

  size_t pos = 0;
  tok first = next_tok(t, len, &pos);
  size_t after = pos;
  if (first.kind == TOK_REF && next_tok(t, len, &after).kind == TOK_END) {
    /* Exactly one ${NAME}: the value's own JSON type (type fidelity). */
    var_source src;
    cJSON *v = lookup(s, first.name, first.name_len, &src);
    if (v && (src == SRC_CAPTURE || src == SRC_SUITE || src == SRC_GEN)) {
      if (!(n->quoted && s && s->quoted_is_text) || cJSON_IsString(v)) return v;
      gt_buf text; /* as written: quoted is text */
      gt_buf_init(&text);
      render(v, &text);
      cJSON_Delete(v);
      cJSON *r = cJSON_CreateString(text.data ? text.data : "");
      gt_buf_free(&text);
      return r;
    }
    if (v) {
      cJSON *r = untyped_text(v->valuestring, strlen(v->valuestring), n->quoted);
      cJSON_Delete(v);
      return r;
    }
    if (first.has_default) return untyped_text(first.def, first.def_len, n->quoted);
    undefined(&first, n->file, n->line, n->col, err);
    return NULL;
  }

  gt_buf b;
  gt_buf_init(&b);
  if (!gt_expand_text(s, t, len, &b, n->file, n->line, n->col, err)) {
    gt_buf_free(&b);
    return NULL;
  }
  cJSON *r = n->quoted ? cJSON_CreateString(b.data) : untyped_text(b.data, b.len, false);
  gt_buf_free(&b);
  return r;
}

/* `!!str`, `!!int`, `!!float`, `!!bool` on a scalar: the value converted to
 * that type (a sole ${NAME} included), or an error at the node. Takes v. */
static cJSON *as_typed(const gt_node *n, cJSON *v, gt_err *err) {
  if (!v || n->typed == GT_TYPED_NONE) return v;
  gt_buf t;
  gt_buf_init(&t);
  render(v, &t);
  const char *text = t.data ? t.data : "";
  cJSON *r = NULL;
  char *end = NULL;
  switch (n->typed) {
  case GT_TYPED_STR:
    r = cJSON_CreateString(text);
    break;
  case GT_TYPED_INT: {
    long long i = strtoll(text, &end, 10);
    if (*text && !*end) r = cJSON_CreateNumber((double)i);
    break;
  }
  case GT_TYPED_FLOAT: {
    double d = strtod(text, &end);
    if (*text && !*end) r = cJSON_CreateNumber(d);
    break;
  }
  case GT_TYPED_BOOL:
    if (!strcmp(text, "true") || !strcmp(text, "false")) r = cJSON_CreateBool(text[0] == 't');
    break;
  default:
    break;
  }
  if (!r) {
    static const char *const names[] = {"", "!!str", "!!int", "!!float", "!!bool"};
    gt_err_set(err, GT_ERR_INPUT, n->file, n->line, n->col, "%s: '%s' is not of that type",
               names[n->typed & 7], text);
  }
  gt_buf_free(&t);
  cJSON_Delete(v);
  return r;
}

cJSON *gt_expand_node(const gt_scope *s, const gt_node *n, gt_err *err) {
  if (!n) return cJSON_CreateNull();
  if (n->kind == GT_NODE_SCALAR) return as_typed(n, expand_scalar(s, n, err), err);
  cJSON *out = n->kind == GT_NODE_MAP ? cJSON_CreateObject() : cJSON_CreateArray();
  for (size_t i = 0; i < n->count; i++) {
    cJSON *v = gt_expand_node(s, n->items[i], err);
    if (!v) {
      cJSON_Delete(out);
      return NULL;
    }
    if (n->kind == GT_NODE_SEQ) {
      cJSON_AddItemToArray(out, v);
      continue;
    }
    const gt_node *k = n->keys[i];
    gt_buf key;
    gt_buf_init(&key);
    if (!gt_expand_text(s, k->text ? k->text : "", k->text ? k->text_len : 0, &key, k->file,
                        k->line, k->col, err)) {
      gt_buf_free(&key);
      cJSON_Delete(v);
      cJSON_Delete(out);
      return NULL;
    }
    cJSON_AddItemToObject(out, key.data, v);
    gt_buf_free(&key);
  }
  return out;
}

/* ---- reference collection ---- */

static void add_unique(cJSON *names, const char *name, size_t len) {
  for (const cJSON *c = names->child; c; c = c->next)
    if (cJSON_IsString(c) && strlen(c->valuestring) == len && !memcmp(c->valuestring, name, len))
      return;
  char *s = gt_xstrndup(name, len);
  cJSON_AddItemToArray(names, cJSON_CreateString(s));
  free(s);
}

void gt_collect_var_refs(const char *text, size_t len, cJSON *names, bool include_defaulted) {
  size_t pos = 0;
  for (;;) {
    tok k = next_tok(text, len, &pos);
    if (k.kind == TOK_END || k.kind == TOK_BAD) return;
    if (k.kind == TOK_REF && (!k.has_default || include_defaulted))
      add_unique(names, k.name, k.name_len);
  }
}

void gt_collect_node_var_refs(const gt_node *n, cJSON *names, bool include_defaulted) {
  if (!n) return;
  if (n->kind == GT_NODE_SCALAR && n->text)
    gt_collect_var_refs(n->text, n->text_len, names, include_defaulted);
  for (size_t i = 0; i < n->count; i++) {
    if (n->kind == GT_NODE_MAP) gt_collect_node_var_refs(n->keys[i], names, include_defaulted);
    gt_collect_node_var_refs(n->items[i], names, include_defaulted);
  }
}

/* ---- shell words for secrets ---- */

static bool shell_ident(const char *s, size_t n) {
  if (n == 0 || (s[0] >= '0' && s[0] <= '9')) return false;
  for (size_t i = 0; i < n; i++)
    if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
          (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
      return false;
  return true;
}

static bool single_quote(gt_buf *out, const char *s, size_t n) {
  if (n == 0) return true;
  gt_buf_addc(out, '\'');
  for (size_t i = 0; i < n; i++) {
    if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) return false;
    if (s[i] == '\'')
      gt_buf_adds(out, "'\\''");
    else
      gt_buf_addc(out, s[i]);
  }
  gt_buf_addc(out, '\'');
  return true;
}

char *gt_template_shell_word(const char *text, size_t len, const char *value) {
  gt_buf word, got;
  gt_buf_init(&word);
  gt_buf_init(&got);
  size_t pos = 0;
  bool ok = true, any_ref = false;
  while (ok) {
    tok k = next_tok(text, len, &pos);
    if (k.kind == TOK_END) break;
    if (k.kind == TOK_BAD) {
      ok = false;
    } else if (k.kind == TOK_TEXT) {
      ok = single_quote(&word, k.p, k.n);
      gt_buf_add(&got, k.p, k.n);
    } else {
      char *name = gt_xstrndup(k.name, k.name_len);
      const char *env = getenv(name);
      if (env && shell_ident(k.name, k.name_len)) {
        gt_buf_printf(&word, "\"${%s}\"", name);
        gt_buf_adds(&got, env);
        any_ref = true;
      } else if (!env && k.has_default) {
        ok = single_quote(&word, k.def, k.def_len);
        gt_buf_add(&got, k.def, k.def_len);
      } else {
        ok = false;
      }
      free(name);
    }
  }
  ok = ok && any_ref && value && got.len == strlen(value) && !memcmp(got.data, value, got.len);
  gt_buf_free(&got);
  if (!ok) {
    gt_buf_free(&word);
    return NULL;
  }
  return gt_buf_steal(&word);
}

char *gt_expand_scalar(const gt_scope *s, const gt_node *n) {
  if (!n || n->kind != GT_NODE_SCALAR || !n->text) return NULL;
  gt_buf b;
  gt_buf_init(&b);
  gt_err e = {0};
  if (!gt_expand_text(s, n->text, n->text_len, &b, n->file, n->line, n->col, &e)) {
    gt_buf_free(&b);
    return NULL;
  }
  return gt_buf_steal(&b);
}
