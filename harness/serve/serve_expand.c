/* serve_expand.c — ${..} expressions inside respond: blocks, and template
 * synthesis (a value that a template would accept). Our own expander rather
 * than vars.h because respond: names (path.x, body.a.b, new.id...) exist only
 * per request, and defaults may nest ${..}. Synthesis lives here too (named
 * serve_* so it cannot clash with check/'s planned gt_template_synthesize). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <openssl/evp.h>
#include <pcre2.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../core/base64.h"
#include "../fault/fault.h" /* gt_jwt_decode */
#include "serve_internal.h"

/* Walks "a.b.0.c" into j; returns a borrowed node or NULL. */
static const cJSON *walk(const cJSON *j, const char *dotted) {
  char *copy = gt_xstrdup(dotted), *save = NULL;
  for (char *seg = strtok_r(copy, ".", &save); seg && j; seg = strtok_r(NULL, ".", &save)) {
    if (cJSON_IsArray(j) && isdigit((unsigned char)seg[0]))
      j = cJSON_GetArrayItem(j, atoi(seg));
    else if (cJSON_IsObject(j))
      j = cJSON_GetObjectItemCaseSensitive(j, seg);
    else
      j = NULL;
  }
  free(copy);
  return j;
}

/* The SHA-256 of the body, lowercase hex (what upload APIs echo as a checksum). */
static cJSON *body_sha256(const gt_serve_request *req) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (!EVP_Digest(req->body ? req->body : "", req->body ? req->body_len : 0, md, &n, EVP_sha256(),
                  NULL))
    return NULL;
  char hex[2 * EVP_MAX_MD_SIZE + 1];
  for (unsigned int i = 0; i < n; i++)
    snprintf(hex + 2 * i, 3, "%02x", md[i]);
  return cJSON_CreateString(hex);
}

/* A claim of the request's bearer JWT (`auth.claim.channel`), read without
 * verifying it: authentication has judged the token before respond: runs. */
static cJSON *bearer_claim(const gt_serve_request *req, const char *claim) {
  const char *h = serve_req_header(req, "Authorization");
  const char *sp = h ? strchr(h, ' ') : NULL;
  cJSON *payload = NULL;
  if (!sp || !gt_jwt_decode(sp + 1, NULL, &payload)) return NULL;
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(payload, claim);
  cJSON *out = v ? cJSON_Duplicate(v, true) : NULL;
  cJSON_Delete(payload);
  return out;
}

static cJSON *dup_or_null(const cJSON *j) {
  return j ? cJSON_Duplicate(j, true) : NULL;
}

static void iso_time(time_t t, char out[32]) {
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* `base64.NAME`: the text that the base64 string NAME decodes to (e.g. a raw
 * RFC 2822 message a client sends base64-encoded); NULL when it is not one. */
static cJSON *base64_text(const serve_ctx *c, const char *name) {
  cJSON *v = serve_lookup(c, name);
  cJSON *out = NULL;
  if (cJSON_IsString(v)) {
    size_t n = 0;
    unsigned char *raw = gt_base64_decode(v->valuestring, strlen(v->valuestring), GT_B64_STD,
                                          GT_B64_PAD_OPTIONAL, &n);
    if (raw) out = cJSON_CreateString((const char *)raw);
    free(raw);
  }
  cJSON_Delete(v);
  return out;
}

/* One address without its display name, trimmed: "Ann <ann@x>" -> "ann@x"
 * (how Postal keys a message by its recipient). */
static void add_bare_address(cJSON *out, const char *a, size_t n) {
  const char *lt = memchr(a, '<', n);
  const char *gt = lt ? memchr(lt, '>', n - (size_t)(lt - a)) : NULL;
  if (lt && gt) {
    a = lt + 1;
    n = (size_t)(gt - lt - 1);
  }
  while (n && isspace((unsigned char)*a))
    a++, n--;
  while (n && isspace((unsigned char)a[n - 1]))
    n--;
  if (!n) return;
  char *t = gt_xstrndup(a, n);
  cJSON_AddItemToArray(out, cJSON_CreateString(t));
  free(t);
}

/* `addresses.NAME[,NAME...]`: the addresses of each named value, in order,
 * display names stripped: an array's string elements, or a string split at
 * commas (Postal >= 3.3.1 reads `to: "a@x, b@y"` so); nothing for null or
 * absent. Always an array. */
static cJSON *addresses(const serve_ctx *c, const char *names) {
  cJSON *out = cJSON_CreateArray();
  char *copy = gt_xstrdup(names), *save = NULL;
  for (char *name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
    cJSON *v = serve_lookup(c, name);
    if (cJSON_IsString(v)) {
      const char *p = v->valuestring;
      while (*p) {
        size_t n = strcspn(p, ",");
        add_bare_address(out, p, n);
        p += n;
        if (*p == ',') p++;
      }
    }
    const cJSON *e;
    if (cJSON_IsArray(v)) cJSON_ArrayForEach(e, v) {
        if (cJSON_IsString(e)) add_bare_address(out, e->valuestring, strlen(e->valuestring));
      }
    cJSON_Delete(v);
  }
  free(copy);
  return out;
}

/* `count.NAME`: the elements of an array, the members of an object; 0 for
 * null, absent or ""; 1 for any other value. */
static cJSON *count_of(const serve_ctx *c, const char *name) {
  cJSON *v = serve_lookup(c, name);
  int n = 0;
  if (cJSON_IsArray(v) || cJSON_IsObject(v))
    n = cJSON_GetArraySize(v);
  else if (v && !cJSON_IsNull(v) && !(cJSON_IsString(v) && !*v->valuestring))
    n = 1;
  cJSON_Delete(v);
  return cJSON_CreateNumber(n);
}

cJSON *serve_lookup(const serve_ctx *c, const char *name) {
  if (!strncmp(name, "base64.", 7)) return base64_text(c, name + 7);
  if (!strncmp(name, "addresses.", 10)) return addresses(c, name + 10);
  if (!strncmp(name, "count.", 6)) return count_of(c, name + 6);
  if (!strcmp(name, "item")) return dup_or_null(c->item);
  if (!strncmp(name, "item.", 5)) return dup_or_null(c->item ? walk(c->item, name + 5) : NULL);
  if (!strcmp(name, "stored")) return dup_or_null(c->stored);
  if (!strncmp(name, "path.", 5))
    return dup_or_null(c->path_vars ? cJSON_GetObjectItemCaseSensitive(c->path_vars, name + 5)
                                    : NULL);
  if (!strncmp(name, "query.", 6))
    return dup_or_null(c->query ? cJSON_GetObjectItemCaseSensitive(c->query, name + 6) : NULL);
  if (!strncmp(name, "header.", 7)) {
    const char *v = c->req ? serve_req_header(c->req, name + 7) : NULL;
    return v ? cJSON_CreateString(v) : NULL;
  }
  if (!strcmp(name, "body")) return dup_or_null(c->body);
  if (!strncmp(name, "body.", 5)) return dup_or_null(c->body ? walk(c->body, name + 5) : NULL);
  if (!strcmp(name, "request.method")) return c->req ? cJSON_CreateString(c->req->method) : NULL;
  if (!strcmp(name, "request.path")) return c->path ? cJSON_CreateString(c->path) : NULL;
  if (!strcmp(name, "request.body_size"))
    return c->req ? cJSON_CreateNumber((double)c->req->body_total) : NULL;
  if (!strcmp(name, "request.body_sha256")) return c->req ? body_sha256(c->req) : NULL;
  if (!strncmp(name, "auth.claim.", 11)) return c->req ? bearer_claim(c->req, name + 11) : NULL;
  if (!strcmp(name, "new.id")) return cJSON_CreateString(c->new_id);
  if (!strcmp(name, "new.uuid")) return cJSON_CreateString(c->new_uuid);
  if (!strcmp(name, "new.int")) return cJSON_CreateNumber((double)c->new_int);
  if (!strcmp(name, "now")) {
    char t[32];
    iso_time(c->now, t);
    return cJSON_CreateString(t);
  }
  if (!strcmp(name, "now.unix")) return cJSON_CreateNumber((double)c->now);
  if (!strcmp(name, "record")) return dup_or_null(c->record);
  if (!strncmp(name, "record.", 7))
    return dup_or_null(c->record ? walk(c->record, name + 7) : NULL);
  if (!strcmp(name, "records")) return dup_or_null(c->records);
  return c->ss ? gt_scope_lookup(&c->ss->scope, name) : NULL;
}

/* Position of the '}' closing the "${" at text[start], or -1. */
static long closing_brace(const char *text, size_t len, size_t start) {
  int depth = 0;
  for (size_t i = start; i < len; i++) {
    if (text[i] == '$' && i + 1 < len && text[i + 1] == '{') {
      depth++;
      i++;
    } else if (text[i] == '}') {
      if (--depth == 0) return (long)i;
    }
  }
  return -1;
}

static void json_as_text(const cJSON *v, gt_buf *out) {
  if (cJSON_IsString(v)) {
    gt_buf_adds(out, v->valuestring);
  } else if (cJSON_IsNull(v)) {
    /* null renders as nothing inside text */
  } else {
    char *s = cJSON_PrintUnformatted(v);
    if (s) gt_buf_adds(out, s);
    free(s);
  }
}

static bool is_empty_value(const cJSON *v) {
  return !v || cJSON_IsNull(v) || (cJSON_IsString(v) && !*v->valuestring) ||
         ((cJSON_IsArray(v) || cJSON_IsObject(v)) && !v->child);
}

/* inner = the text between "${" and "}": NAME, NAME:-default or NAME:+alt.
 * Returns the value, or NULL when unset; *use_def says whether the caller
 * expands def instead: for `:-` when NAME is unset or "", for `:+` when NAME
 * is set and not empty (not null, "", [] or {}); `:+` otherwise is unset. */
static cJSON *resolve(const serve_ctx *c, const char *inner, size_t len, bool *use_def,
                      const char **def, size_t *def_len) {
  const char *sep = NULL;
  for (size_t i = 0; i + 1 < len; i++)
    if (inner[i] == ':' && (inner[i + 1] == '-' || inner[i + 1] == '+')) {
      sep = inner + i;
      break;
    }
  size_t name_len = sep ? (size_t)(sep - inner) : len;
  char *name = gt_xstrndup(inner, name_len);
  cJSON *v = serve_lookup(c, name);
  free(name);
  *def = sep ? sep + 2 : NULL;
  *def_len = sep ? len - name_len - 2 : 0;
  if (sep && sep[1] == '+') {
    *use_def = !is_empty_value(v);
    cJSON_Delete(v);
    return NULL;
  }
  /* ${X:-d}: an empty string counts as unset, as in the shell */
  if (v && sep && cJSON_IsString(v) && !*v->valuestring) {
    cJSON_Delete(v);
    v = NULL;
  }
  *use_def = !v && sep;
  return v;
}

void serve_expand_text(const serve_ctx *c, const char *text, size_t len, gt_buf *out) {
  for (size_t i = 0; i < len; i++) {
    if (text[i] == '$' && i + 2 < len && text[i + 1] == '$' && text[i + 2] == '{') {
      gt_buf_adds(out, "${");
      i += 2;
      continue;
    }
    if (text[i] == '$' && i + 1 < len && text[i + 1] == '{') {
      long end = closing_brace(text, len, i);
      if (end < 0) { /* unbalanced: literal */
        gt_buf_add(out, text + i, len - i);
        return;
      }
      bool use_def;
      const char *def;
      size_t def_len;
      cJSON *v = resolve(c, text + i + 2, (size_t)end - i - 2, &use_def, &def, &def_len);
      if (v)
        json_as_text(v, out);
      else if (use_def)
        serve_expand_text(c, def, def_len, out);
      cJSON_Delete(v);
      i = (size_t)end;
      continue;
    }
    gt_buf_addc(out, text[i]);
  }
  if (!out->data) gt_buf_adds(out, "");
}

/* A scalar that is exactly one ${..}: its JSON value (type fidelity; null
 * when unset). */
static bool exact_ref(const serve_ctx *c, const char *text, size_t len, cJSON **out) {
  if (len < 3 || strncmp(text, "${", 2) || closing_brace(text, len, 0) != (long)len - 1)
    return false;
  bool use_def;
  const char *def;
  size_t def_len;
  cJSON *v = resolve(c, text + 2, len - 3, &use_def, &def, &def_len);
  if (!v && use_def) {
    if (!exact_ref(c, def, def_len, &v)) {
      gt_buf b;
      gt_buf_init(&b);
      serve_expand_text(c, def, def_len, &b);
      v = gt_scalar_to_json(b.data, b.len, false);
      gt_buf_free(&b);
    }
    *out = v ? v : cJSON_CreateNull();
    return true;
  }
  *out = v ? v : cJSON_CreateNull();
  return true;
}

static const char *tag_name(const char *tag) {
  if (!tag) return NULL;
  while (*tag == '!')
    tag++;
  return tag;
}

static bool regex_accepts(pcre2_code *re, const char *s) {
  pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
  int rc = pcre2_match(re, (PCRE2_SPTR)s, strlen(s), 0, 0, md, NULL);
  pcre2_match_data_free(md);
  return rc >= 0;
}

/* A text a regex accepts: the literal when the regex is one, else the first
 * fitting candidate among common shapes of API values. */
static cJSON *synth_regex(const serve_ctx *c, const char *re_text) {
  gt_buf lit;
  gt_buf_init(&lit);
  const char *p = re_text;
  if (*p == '^') p++;
  size_t n = strlen(p);
  if (n && p[n - 1] == '$') n--;
  if (!strpbrk(p, ".*+?()[]{}|\\") || strcspn(p, ".*+?()[]{}|\\") >= n) gt_buf_add(&lit, p, n);
  int ec;
  PCRE2_SIZE eo;
  pcre2_code *re =
      pcre2_compile((PCRE2_SPTR)re_text, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &ec, &eo, NULL);
  char hex[25], uuid[37];
  memcpy(hex, c->new_id, sizeof hex);
  memcpy(uuid, c->new_uuid, sizeof uuid);
  char now[32];
  iso_time(c->now ? c->now : time(NULL), now);
  const char *cands[] = {lit.data ? lit.data : "",
                         "string",
                         hex,
                         uuid,
                         now,
                         "1",
                         "a",
                         "A",
                         "0123456789abcdef",
                         "user@example.com",
                         "https://example.com/",
                         "x-1",
                         "queued",
                         ""};
  const char *pick = "string";
  if (re) {
    for (size_t i = 0; i < sizeof cands / sizeof *cands; i++)
      if ((i > 0 || lit.len) && regex_accepts(re, cands[i])) {
        pick = cands[i];
        break;
      }
    pcre2_code_free(re);
  }
  cJSON *r = cJSON_CreateString(pick);
  gt_buf_free(&lit);
  return r;
}

static cJSON *untagged(const serve_ctx *c, const gt_node *n);

static cJSON *synth(const serve_ctx *c, const gt_node *n, const char *t, bool *absent) {
  if (!strcmp(t, "string")) return cJSON_CreateString(c->message ? c->message : "string");
  /* In an error body an integer code reads best as the HTTP status. */
  if (!strcmp(t, "integer")) return cJSON_CreateNumber(c->error_status ? c->error_status : 1);
  if (!strcmp(t, "number")) return cJSON_CreateNumber(1.5);
  if (!strcmp(t, "boolean")) return cJSON_CreateTrue();
  if (!strcmp(t, "null") || !strcmp(t, "any")) return cJSON_CreateNull();
  if (!strcmp(t, "absent")) {
    *absent = true;
    return NULL;
  }
  if (!strcmp(t, "array")) return cJSON_CreateArray();
  if (!strcmp(t, "object")) return cJSON_CreateObject();
  if (!strcmp(t, "regex")) return synth_regex(c, n->kind == GT_NODE_SCALAR ? n->text : "");
  if (!strcmp(t, "one_of")) {
    if (n->kind == GT_NODE_SEQ && n->count) {
      cJSON *v = serve_value(c, n->items[0]);
      return v ? v : cJSON_CreateNull();
    }
    return cJSON_CreateNull();
  }
  if (!strcmp(t, "contains")) {
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; n->kind == GT_NODE_SEQ && i < n->count; i++) {
      cJSON *v = serve_value(c, n->items[i]);
      if (v) cJSON_AddItemToArray(a, v);
    }
    return a;
  }
  if (!strcmp(t, "len")) {
    long k = n->kind == GT_NODE_SCALAR ? atol(n->text) : 0;
    cJSON *a = cJSON_CreateArray();
    for (long i = 0; i < k && i < 1000; i++)
      cJSON_AddItemToArray(a, cJSON_CreateString(c->message ? c->message : "string"));
    return a;
  }
  return untagged(c, n); /* !exact and YAML core tags: the value as written */
}

static cJSON *untagged(const serve_ctx *c, const gt_node *n) {
  if (n->kind == GT_NODE_MAP) {
    cJSON *o = cJSON_CreateObject();
    for (size_t i = 0; i < n->count; i++) {
      gt_buf k;
      gt_buf_init(&k);
      serve_expand_text(c, n->keys[i]->text, n->keys[i]->text_len, &k);
      cJSON *v = serve_value(c, n->items[i]);
      if (v) {
        cJSON_DeleteItemFromObjectCaseSensitive(o, k.data);
        cJSON_AddItemToObject(o, k.data, v);
      }
      gt_buf_free(&k);
    }
    return o;
  }
  if (n->kind == GT_NODE_SEQ) {
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < n->count; i++) {
      cJSON *v = serve_value(c, n->items[i]);
      if (v) cJSON_AddItemToArray(a, v);
    }
    return a;
  }
  cJSON *v;
  if (exact_ref(c, n->text, n->text_len, &v)) return v;
  gt_buf b;
  gt_buf_init(&b);
  serve_expand_text(c, n->text, n->text_len, &b);
  bool str_tag = n->tag && strstr(n->tag, "str");
  v = (n->quoted || str_tag) ? cJSON_CreateString(b.data) : gt_scalar_to_json(b.data, b.len, false);
  gt_buf_free(&b);
  return v;
}

cJSON *serve_value(const serve_ctx *c, const gt_node *n) {
  if (!n) return cJSON_CreateNull();
  const char *t = tag_name(n->tag);
  if (t && *t) {
    bool absent = false;
    cJSON *v = synth(c, n, t, &absent);
    return absent ? NULL : v;
  }
  return untagged(c, n);
}

char *serve_value_text(const serve_ctx *c, const gt_node *n) {
  cJSON *v = serve_value(c, n);
  gt_buf b;
  gt_buf_init(&b);
  if (v) json_as_text(v, &b);
  if (!b.data) gt_buf_adds(&b, "");
  cJSON_Delete(v);
  return gt_buf_steal(&b);
}
