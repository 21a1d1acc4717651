/* resolve.c — documents, identifiers and $ref resolution at compile time.
 *
 * Compiling a document registers every resource ($id) and anchor it holds;
 * each $ref is recorded as pending. sc_resolve_all then finds each target
 * (loading other documents on the way: the built-in meta-schemas, --map
 * prefixes, file: URIs, the caller's loader — never the network) and points
 * the ref at the target's compiled node. A JSON Pointer that lands outside
 * anything compiled so far (inside an unknown keyword, say) is compiled on
 * demand; every node is compiled once (memo by tree node), so cycles are
 * just pointers between compiled nodes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/buf.h"
#include "../check/check.h"
#include "../core/file.h"
#include "../suite/suite.h"
#include "compile_internal.h"

/* ---- memo: tree node -> compiled node ---- */

static size_t ptr_hash(const void *p) {
  uintptr_t x = (uintptr_t)p;
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return (size_t)x;
}

sc_node *sc_memo_get(sc_cc *c, const gt_node *n) {
  if (!c->memo_cap) return NULL;
  for (size_t i = ptr_hash(n) & (c->memo_cap - 1);; i = (i + 1) & (c->memo_cap - 1)) {
    if (!c->memo[i].key) return NULL;
    if (c->memo[i].key == n) return c->memo[i].node;
  }
}

void sc_memo_put(sc_cc *c, const gt_node *n, sc_node *v) {
  if ((c->memo_n + 1) * 2 > c->memo_cap) {
    size_t old_cap = c->memo_cap;
    sc_memo *old = c->memo;
    c->memo_cap = old_cap ? old_cap * 2 : 256;
    c->memo = gt_xcalloc(c->memo_cap, sizeof *c->memo);
    c->memo_n = 0;
    for (size_t i = 0; i < old_cap; i++)
      if (old[i].key) sc_memo_put(c, old[i].key, old[i].node);
    free(old);
  }
  for (size_t i = ptr_hash(n) & (c->memo_cap - 1);; i = (i + 1) & (c->memo_cap - 1)) {
    if (!c->memo[i].key) {
      c->memo[i] = (sc_memo){n, v};
      c->memo_n++;
      return;
    }
    if (c->memo[i].key == n) return;
  }
}

/* ---- identifiers ---- */

static sc_ident *find_ident(sc_cc *c, const char *uri) {
  for (size_t i = 0; i < c->n_ids; i++)
    if (!strcmp(c->ids[i].uri, uri)) return &c->ids[i];
  return NULL;
}

void sc_add_ident(sc_cc *c, char *uri, const gt_node *node, const sc_where *w, bool dynamic) {
  if (find_ident(c, uri)) { /* first definition wins */
    free(uri);
    return;
  }
  if (c->n_ids == c->cap_ids) {
    c->cap_ids = c->cap_ids ? c->cap_ids * 2 : 32;
    c->ids = gt_xrealloc(c->ids, c->cap_ids * sizeof *c->ids);
  }
  c->ids[c->n_ids++] = (sc_ident){uri, node, *w, dynamic};
  if (dynamic && w->res) {
    sc_dyn_anchor *a = sc_alloc(c->s, sizeof *a);
    const char *hash = strchr(uri, '#');
    a->name = sc_strdup(c->s, hash ? hash + 1 : "");
    a->node = sc_memo_get(c, node);
    a->next = w->res->dyn;
    w->res->dyn = a;
  }
}

void sc_add_pending(sc_cc *c, sc_ref *ref, bool dynamic, const char *text, const gt_node *at,
                    const sc_where *w) {
  if (c->n_pending == c->cap_pending) {
    c->cap_pending = c->cap_pending ? c->cap_pending * 2 : 32;
    c->pending = gt_xrealloc(c->pending, c->cap_pending * sizeof *c->pending);
  }
  c->pending[c->n_pending++] =
      (sc_pending){ref, dynamic, sc_uri_resolve(w->base, text), gt_xstrdup(text), at, *w};
}

/* ---- dialects ---- */

static const struct {
  const char *uri;
  gt_schema_dialect d;
} DIALECT_URIS[] = {
    {"https://json-schema.org/draft/2020-12/schema", GT_DIALECT_2020_12},
    {"http://json-schema.org/draft-07/schema", GT_DIALECT_DRAFT7},
    {"http://json-schema.org/draft-06/schema", GT_DIALECT_DRAFT6},
    {"http://json-schema.org/draft-04/schema", GT_DIALECT_DRAFT4},
};

/* Compares ignoring http/https and a trailing '#'. */
static bool same_uri(const char *a, const char *b) {
  if (!strncmp(a, "https://", 8))
    a += 8;
  else if (!strncmp(a, "http://", 7))
    a += 7;
  if (!strncmp(b, "https://", 8))
    b += 8;
  else if (!strncmp(b, "http://", 7))
    b += 7;
  size_t la = strlen(a), lb = strlen(b);
  if (la && a[la - 1] == '#') la--;
  if (lb && b[lb - 1] == '#') lb--;
  return la == lb && !memcmp(a, b, la);
}

bool sc_dialect_of_uri(const char *uri, gt_schema_dialect *out) {
  for (size_t i = 0; i < sizeof DIALECT_URIS / sizeof *DIALECT_URIS; i++)
    if (same_uri(uri, DIALECT_URIS[i].uri)) {
      *out = DIALECT_URIS[i].d;
      return true;
    }
  return false;
}

bool gt_schema_dialect_parse(const char *t, gt_schema_dialect *out) {
  static const struct {
    const char *name;
    gt_schema_dialect d;
  } NAMES[] = {{"2020-12", GT_DIALECT_2020_12},
               {"draft2020-12", GT_DIALECT_2020_12},
               {"draft-07", GT_DIALECT_DRAFT7},
               {"draft7", GT_DIALECT_DRAFT7},
               {"7", GT_DIALECT_DRAFT7},
               {"draft-06", GT_DIALECT_DRAFT6},
               {"draft6", GT_DIALECT_DRAFT6},
               {"6", GT_DIALECT_DRAFT6},
               {"draft-04", GT_DIALECT_DRAFT4},
               {"draft4", GT_DIALECT_DRAFT4},
               {"4", GT_DIALECT_DRAFT4},
               {"openapi-3.0", GT_DIALECT_OPENAPI30},
               {"openapi3.0", GT_DIALECT_OPENAPI30},
               {"oas30", GT_DIALECT_OPENAPI30}};
  for (size_t i = 0; i < sizeof NAMES / sizeof *NAMES; i++)
    if (!strcmp(t, NAMES[i].name)) {
      *out = NAMES[i].d;
      return true;
    }
  return sc_dialect_of_uri(t, out);
}

const char *gt_schema_dialect_name(gt_schema_dialect d) {
  switch (d) {
  case GT_DIALECT_DEFAULT:
  case GT_DIALECT_2020_12:
    return "2020-12";
  case GT_DIALECT_DRAFT7:
    return "draft-07";
  case GT_DIALECT_DRAFT6:
    return "draft-06";
  case GT_DIALECT_DRAFT4:
    return "draft-04";
  case GT_DIALECT_OPENAPI30:
    return "openapi-3.0";
  }
  return "?";
}

/* ---- documents ---- */

static sc_doc *new_doc(sc_cc *c, gt_node *tree, const char *file, const char *display) {
  sc_doc *d = gt_xcalloc(1, sizeof *d);
  d->tree = tree;
  d->file = file ? gt_xstrdup(file) : NULL;
  d->display = gt_xstrdup(display);
  c->docs = gt_xrealloc(c->docs, (c->n_docs + 1) * sizeof *c->docs);
  c->docs[c->n_docs++] = d;
  return d;
}

static bool meta_dialect(sc_cc *c, const gt_node *at, const char *uri, int hops,
                         gt_schema_dialect *dl, unsigned *vocab);

sc_node *sc_compile_document(sc_cc *c, sc_doc *d, const gt_node *root, const char *uri,
                             gt_schema_dialect fallback, gt_schema_dialect *used) {
  gt_schema_dialect dl = fallback;
  unsigned vocab = VOC_DEFAULT;
  const gt_node *v = root->kind == GT_NODE_MAP ? gt_node_get(root, "$schema") : NULL;
  if (v) {
    /* A YAML schema writes it unquoted: any scalar that reads as a string. */
    cJSON *as = v->kind == GT_NODE_SCALAR
                    ? gt_scalar_to_json(v->text ? v->text : "", v->text_len, v->quoted)
                    : NULL;
    bool is_string = cJSON_IsString(as);
    cJSON_Delete(as);
    if (!is_string) {
      sc_compile_fail(c, v, "$schema must be a string");
      return NULL;
    }
    if (!meta_dialect(c, v, v->text, 0, &dl, &vocab)) return NULL;
  }
  if (used) *used = dl;
  char *base = gt_xstrdup(uri);
  char *hash = strchr(base, '#');
  if (hash) *hash = 0;
  sc_where w = {sc_keep(c, base), NULL, d, dl, "", false, vocab};
  sc_resource *r = sc_alloc(c->s, sizeof *r);
  r->uri = sc_strdup(c->s, base);
  w.res = r;
  sc_add_ident(c, gt_xstrdup(base), root, &w, false);
  const char *idkw = (dl == GT_DIALECT_DRAFT4 || dl == GT_DIALECT_OPENAPI30) ? "id" : "$id";
  v = root->kind == GT_NODE_MAP ? gt_node_get(root, idkw) : NULL;
  if (v && v->kind == GT_NODE_SCALAR && v->text &&
      !(dl != GT_DIALECT_2020_12 && gt_node_get(root, "$ref"))) {
    char *abs = sc_uri_resolve(base, v->text);
    char *h = strchr(abs, '#');
    if (h && h[1] && dl != GT_DIALECT_2020_12) sc_add_ident(c, gt_xstrdup(abs), root, &w, false);
    if (h) *h = 0;
    if (strcmp(abs, base)) {
      w.base = sc_keep(c, abs);
      r->uri = sc_strdup(c->s, abs);
      sc_add_ident(c, gt_xstrdup(abs), root, &w, false);
    } else {
      free(abs);
    }
  }
  return sc_compile_node(c, root, &w, 0);
}

static const sc_builtin *find_builtin(const char *uri) {
  for (size_t i = 0; i < sc_n_builtins; i++)
    if (same_uri(uri, sc_builtins[i].uri)) return &sc_builtins[i];
  return NULL;
}

static char *mapped_path(sc_cc *c, const char *uri) {
  const gt_schema_map *best = NULL;
  for (size_t i = 0; i < c->opts->n_maps; i++) {
    const gt_schema_map *m = &c->opts->maps[i];
    if (!strncmp(uri, m->prefix, strlen(m->prefix)) &&
        (!best || strlen(m->prefix) > strlen(best->prefix)))
      best = m;
  }
  /* the root file's own folder stands for its $id's folder, when such a
   * sibling file exists (see gt_schema_compile) */
  if (!best && c->sibling.prefix && !strncmp(uri, c->sibling.prefix, strlen(c->sibling.prefix))) {
    char *p = gt_xasprintf("%s/%s", c->sibling.dir, uri + strlen(c->sibling.prefix));
    char *decoded = sc_pct_decode(p, strlen(p));
    free(p);
    struct stat st;
    if (stat(decoded, &st) == 0) return decoded;
    free(decoded);
  }
  if (best) {
    const char *rest = uri + strlen(best->prefix);
    size_t dl = strlen(best->dir);
    bool slash = (dl && best->dir[dl - 1] == '/') || rest[0] == '/';
    char *p = gt_xasprintf("%s%s%s", best->dir, slash || !*rest ? "" : "/", rest);
    char *decoded = sc_pct_decode(p, strlen(p));
    free(p);
    return decoded;
  }
  if (!strncmp(uri, "file://", 7)) {
    const char *p = uri + 7;
    if (!strncmp(p, "localhost/", 10)) p += 9;
    if (*p == '/') return sc_pct_decode(p, strlen(p));
  }
  return NULL;
}

/* How messages name a file read for a $ref: relative to the working
 * directory when it is below it (as the user wrote the suite's or schema's
 * path), else absolute. Caller frees. */
static char *shown_path(const char *path) {
  char cwd[4096];
  if (!getcwd(cwd, sizeof cwd)) return gt_xstrdup(path);
  size_t n = strlen(cwd);
  if (n > 1 && !strncmp(path, cwd, n) && path[n] == '/' && path[n + 1])
    return gt_xstrdup(path + n + 1);
  return gt_xstrdup(path);
}

/* Only regular files: a $ref to /dev/zero or a FIFO must not hang the load. */
static bool regular_file(const char *path) {
  struct stat st;
  return stat(path, &st) != 0 || S_ISREG(st.st_mode); /* missing: the read reports it */
}

/* Reads the document a URI names (built-in, --map/file:, loader) into a new
 * sc_doc. NULL with *missing = true when nobody knows the URI (c->err
 * untouched); NULL with c->err set on a read or parse error. */
static sc_doc *fetch_doc(sc_cc *c, const char *uri, const char *what, const char *text,
                         const gt_node *at, bool *missing) {
  *missing = false;
  const sc_builtin *b = find_builtin(uri);
  if (b) {
    sc_doc *d = new_doc(c, NULL, b->uri, b->uri);
    gt_err e = {0};
    d->tree = gt_yaml_parse(d->file, b->text, strlen(b->text), &e);
    if (!d->tree) *c->err = e;
    return d->tree ? d : NULL;
  }
  char *path = c->opts->no_files ? NULL : mapped_path(c, uri);
  if (path) {
    sc_doc *d = NULL;
    size_t len;
    int errnum = 0;
    char *body = regular_file(path) ? gt_read_file(path, &len, &errnum) : NULL;
    if (!body) {
      sc_compile_fail(c, at, "%s \"%s\": cannot read %s: %s", what, text, path,
                      errnum ? strerror(errnum) : "not a regular file");
    } else {
      char *shown = shown_path(path);
      d = new_doc(c, NULL, shown, shown);
      free(shown);
      d->tree = sc_parse_text(d->file, body, len, c->err);
      free(body);
    }
    free(path);
    return d && d->tree ? d : NULL;
  }
  if (c->opts->loader) {
    gt_err e = {0};
    gt_node *tree = c->opts->loader(c->opts->loader_ctx, uri, &e);
    if (!tree && e.kind != GT_OK) {
      *c->err = e;
      return NULL;
    }
    if (tree) {
      sc_doc *d = new_doc(c, NULL, NULL, uri);
      d->tree = tree;
      return d;
    }
  }
  *missing = true;
  return NULL;
}

static sc_doc *load_doc(sc_cc *c, const char *uri, const char *text, const gt_node *at,
                        gt_schema_dialect fallback) {
  bool missing;
  sc_doc *d = fetch_doc(c, uri, "$ref", text, at, &missing);
  if (!d) {
    if (!missing) return NULL;
    if (!strncmp(uri, "http://", 7) || !strncmp(uri, "https://", 8))
      sc_compile_fail(c, at,
                      "$ref \"%s\" is remote and never fetched (no network): map its prefix to "
                      "a local directory with --map URI-PREFIX=DIR",
                      uri);
    else
      sc_compile_fail(c, at, "$ref \"%s\": no schema is known as %s", text, uri);
    return NULL;
  }
  if (!sc_compile_document(c, d, d->tree, uri, fallback, NULL)) return NULL;
  return d;
}

/* A $schema that is not a built-in dialect names a custom meta-schema: it is
 * read (never from the network) and its own $schema gives the dialect; its
 * $vocabulary (2020-12) says which vocabularies apply. */
static bool meta_dialect(sc_cc *c, const gt_node *at, const char *uri, int hops,
                         gt_schema_dialect *dl, unsigned *vocab) {
  if (sc_dialect_of_uri(uri, dl)) return true;
  char *base = gt_xstrdup(uri);
  char *hash = strchr(base, '#');
  if (hash) *hash = 0;
  bool missing = false;
  sc_doc *d = hops < 4 ? fetch_doc(c, base, "$schema", uri, at, &missing) : NULL;
  free(base);
  if (!d) {
    if (c->err->kind == GT_OK)
      sc_compile_fail(c, at,
                      "unknown dialect \"%s\" (supported: 2020-12, draft-07, draft-06, draft-04; "
                      "a custom meta-schema must be local: --map URI-PREFIX=DIR)",
                      uri);
    return false;
  }
  const gt_node *voc = d->tree->kind == GT_NODE_MAP ? gt_node_get(d->tree, "$vocabulary") : NULL;
  if (voc && voc->kind == GT_NODE_MAP) {
    static const struct {
      const char *suffix;
      unsigned bit;
    } V[] = {{"/vocab/applicator", VOC_APPLICATOR},
             {"/vocab/validation", VOC_VALIDATION},
             {"/vocab/unevaluated", VOC_UNEVALUATED},
             {"/vocab/format-assertion", VOC_FORMAT_ASSERTION}};
    *vocab = 0;
    for (size_t i = 0; i < voc->count; i++) {
      const char *k = voc->keys[i]->text ? voc->keys[i]->text : "";
      for (size_t j = 0; j < sizeof V / sizeof *V; j++) {
        size_t kl = strlen(k), sl = strlen(V[j].suffix);
        if (kl >= sl && !strcmp(k + kl - sl, V[j].suffix)) *vocab |= V[j].bit;
      }
    }
  }
  const gt_node *v = d->tree->kind == GT_NODE_MAP ? gt_node_get(d->tree, "$schema") : NULL;
  if (!v || v->kind != GT_NODE_SCALAR || !v->text) {
    sc_compile_fail(c, at, "unknown dialect \"%s\": the meta-schema has no $schema", uri);
    return false;
  }
  unsigned ignored = 0;
  return meta_dialect(c, at, v->text, hops + 1, dl, &ignored);
}

static void offset_to_line_col(const char *text, size_t off, int *line, int *col) {
  *line = 1;
  *col = 1;
  for (size_t i = 0; i < off && text[i]; i++) {
    if (text[i] == '\n')
      (*line)++, *col = 1;
    else if (((unsigned char)text[i] & 0xC0) != 0x80)
      (*col)++;
  }
}

bool sc_parse_json(const char *file, const char *text, size_t len, cJSON **out, gt_err *err) {
  size_t i = 0;
  while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r'))
    i++;
  if (i >= len || (text[i] != '{' && text[i] != '[')) return false;
  size_t at = 0;
  const char *why = NULL;
  *out = gt_json_parse_strict(text, len, &at, &why);
  if (*out) return true;
  int line, col;
  offset_to_line_col(text, at, &line, &col);
  gt_err_set(err, GT_ERR_INPUT, file, line, col, "invalid JSON: %s", why ? why : "syntax error");
  return false;
}

gt_node *sc_parse_text(const char *file, const char *text, size_t len, gt_err *err) {
  /* JSON is held to RFC 8259 (YAML would accept more), then read by the YAML
   * reader, which keeps each value's line and column for schema errors. */
  cJSON *j = NULL;
  if (sc_parse_json(file, text, len, &j, err)) cJSON_Delete(j);
  if (err->kind != GT_OK) return NULL;
  return gt_yaml_parse(file, text, len, err);
}

static bool resolve_one(sc_cc *c, size_t i) {
  sc_pending p = c->pending[i];
  char *base = gt_xstrdup(p.uri);
  char *hash = strchr(base, '#');
  char *frag = NULL;
  if (hash) {
    *hash = 0;
    frag = sc_pct_decode(hash + 1, strlen(hash + 1));
  }
  bool ok = false;
  sc_ident *id = find_ident(c, base);
  if (!id) {
    if (!load_doc(c, base, p.text, p.at, p.where.dialect)) goto out;
    id = find_ident(c, base);
    if (!id) {
      sc_compile_fail(c, p.at, "$ref \"%s\": the document does not define it", p.text);
      goto out;
    }
  }
  const gt_node *target = NULL;
  /* id is set here: both paths without one jumped to out (cppcheck loses that). */
  /* cppcheck-suppress nullPointerRedundantCheck */
  sc_where tw = id->where;
  sc_ident *anchor = NULL;
  if (!frag || !*frag) {
    target = id->node;
  } else if (frag[0] == '/') {
    target = gt_node_at_pointer(id->node, frag);
    if (!target) {
      sc_compile_fail(c, p.at, "$ref \"%s\": nothing at \"#%s\" in %s", p.text, frag, base);
      goto out;
    }
    char *ptr = gt_xasprintf("%s%s", id->where.ptr, frag);
    tw.ptr = sc_keep(c, ptr);
  } else {
    char *full = gt_xasprintf("%s#%s", base, frag);
    anchor = find_ident(c, full);
    free(full);
    if (!anchor) {
      sc_compile_fail(c, p.at, "$ref \"%s\": no anchor \"%s\" in %s", p.text, frag, base);
      goto out;
    }
    target = anchor->node;
    tw = anchor->where;
  }
  sc_node *t = sc_memo_get(c, target);
  if (!t) t = sc_compile_node(c, target, &tw, 1);
  if (!t) goto out;
  p.ref->target = t;
  if (p.dynamic && anchor && anchor->dynamic) p.ref->dynamic_name = sc_strdup(c->s, frag);
  ok = true;
out:
  free(base);
  free(frag);
  return ok;
}

bool sc_resolve_all(sc_cc *c) {
  for (size_t i = 0; i < c->n_pending; i++) /* n_pending grows as documents load */
    if (!resolve_one(c, i)) return false;
  return true;
}

void sc_cc_free(sc_cc *c) {
  for (size_t i = 0; i < c->n_docs; i++) {
    gt_node_free(c->docs[i]->tree);
    free(c->docs[i]->file);
    free(c->docs[i]->display);
    free(c->docs[i]);
  }
  free(c->docs);
  for (size_t i = 0; i < c->n_ids; i++)
    free(c->ids[i].uri);
  free(c->ids);
  for (size_t i = 0; i < c->n_pending; i++) {
    free(c->pending[i].uri);
    free(c->pending[i].text);
  }
  free(c->pending);
  free(c->memo);
  for (size_t i = 0; i < c->n_strings; i++)
    free(c->strings[i]);
  free(c->strings);
}

/* ---- entry points ---- */

/* A schema file whose $id is, say, https://example.com/schemas/order.json
 * usually sits next to the files its relative refs name: URIs under
 * https://example.com/schemas/ are then read from the root file's folder
 * when the file exists there (no --map needed; never the network). */
static void set_sibling_map(sc_cc *c, const gt_node *root) {
  if (c->opts->base_uri || !root->file || !*root->file || !strcmp(root->file, "-") ||
      root->kind != GT_NODE_MAP)
    return;
  const gt_node *id = gt_node_get(root, "$id");
  if (!id) id = gt_node_get(root, "id");
  if (!id || id->kind != GT_NODE_SCALAR || !id->text || !sc_uri_has_scheme(id->text)) return;
  const char *slash = strrchr(id->text, '/');
  const char *fslash = strrchr(root->file, '/');
  if (!slash) return;
  c->sibling.prefix = gt_xstrndup(id->text, (size_t)(slash - id->text) + 1);
  c->sibling.dir =
      fslash ? gt_xstrndup(root->file, (size_t)(fslash - root->file)) : gt_xstrdup(".");
}

gt_schema *sc_schema_new(const gt_schema_opts *opts) {
  gt_schema *s = gt_xcalloc(1, sizeof *s);
  s->strict_formats = opts->strict_formats;
  s->openapi = opts->openapi;
  s->max_depth = opts->max_depth ? opts->max_depth : GT_SCHEMA_MAX_DEPTH;
  s->mctx = pcre2_match_context_create(NULL);
  pcre2_set_match_limit(s->mctx, 2000000);
  pcre2_set_depth_limit(s->mctx, 5000);
  s->spare_md = gt_xmalloc(sizeof *s->spare_md);
  atomic_init(s->spare_md, NULL);
  return s;
}

gt_schema *gt_schema_compile(const gt_node *root, const gt_schema_opts *opts, gt_err *err) {
  static const gt_schema_opts defaults;
  gt_err local;
  if (!opts) opts = &defaults;
  if (!err) err = &local;
  memset(err, 0, sizeof *err);
  gt_schema *s = sc_schema_new(opts);
  sc_cc c = {.s = s, .opts = opts, .err = err};
  char *base = opts->base_uri ? gt_xstrdup(opts->base_uri)
               : (root->file && *root->file && strcmp(root->file, "-"))
                   ? sc_file_uri(root->file)
                   : gt_xstrdup("urn:gauntlet:schema");
  sc_doc *d = new_doc(&c, NULL, NULL, "");
  set_sibling_map(&c, root);
  gt_schema_dialect fallback = opts->dialect ? opts->dialect : GT_DIALECT_2020_12;
  s->root = sc_compile_document(&c, d, root, base, fallback, &s->dialect);
  free(base);
  bool ok = s->root && sc_resolve_all(&c);
  free(c.sibling.prefix);
  free(c.sibling.dir);
  sc_cc_free(&c);
  if (!ok) {
    if (err->kind == GT_OK) gt_err_set(err, GT_ERR_INPUT, NULL, 0, 0, "invalid schema");
    gt_schema_free(s);
    return NULL;
  }
  return s;
}

gt_schema *gt_schema_compile_json(const cJSON *root, const char *name, const gt_schema_opts *opts,
                                  gt_err *err) {
  gt_node *n = gt_node_from_json(root, name, 0, 0);
  gt_schema *s = gt_schema_compile(n, opts, err);
  gt_node_free(n);
  return s;
}

gt_schema *gt_schema_load_file(const char *path, const gt_schema_opts *opts, gt_err *err) {
  gt_err local;
  if (!err) err = &local;
  memset(err, 0, sizeof *err);
  gt_node *tree = sc_load_tree(path, err);
  if (!tree) return NULL;
  gt_schema *s = gt_schema_compile(tree, opts, err);
  gt_node_free(tree);
  return s;
}
