/* load_suite.c — gt_suite_load: a suite file (docs/suite-format.md) and its profile into
 * the model, validated completely before anything is sent. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "load.h"
#include "../schema/schema.h"

#define DEFAULT_MAX_BODY ((size_t)8 * 1024 * 1024)

static void profile_defaults(gt_profile *p) {
  memset(p, 0, sizeof *p);
  p->auth.scheme = GT_AUTH_NONE;
  p->transport.http_port = 80;
  p->limits.max_body = DEFAULT_MAX_BODY;
  for (int i = 0; i < GT_FAULT_COUNT; i++)
    gt_expect_init(&p->fault_expect[i]);
}

/* Every name captured anywhere in the suite, known before any scenario is
 * loaded so that references to later captures are not "undefined". */
static cJSON *capture_names(const gt_node *scenarios) {
  cJSON *names = cJSON_CreateArray();
  for (size_t i = 0; scenarios && scenarios->kind == GT_NODE_SEQ && i < scenarios->count; i++) {
    const gt_node *cap = gt_node_get(scenarios->items[i], "capture");
    for (size_t j = 0; cap && cap->kind == GT_NODE_MAP && j < cap->count; j++)
      cJSON_AddItemToArray(names, cJSON_CreateString(cap->keys[j]->text));
  }
  return names;
}

/* gt_load_opts.base_url_placeholders: every undefined ${NAME} of base_url
 * becomes a suite variable, so that it expands (here and in serve). */
static void add_base_url_placeholders(loader *L, const gt_node *n) {
  cJSON *names = cJSON_CreateArray();
  gt_collect_var_refs(n->text, n->text_len, names, false);
  for (const cJSON *c = names->child; c; c = c->next) {
    cJSON *v = gt_scope_lookup(&L->scope, c->valuestring);
    if (v) {
      cJSON_Delete(v);
      continue;
    }
    char *ref = gt_xasprintf("${%s}", c->valuestring);
    bool at_start = !strncmp(n->text, ref, strlen(ref));
    free(ref);
    cJSON_AddStringToObject(L->suite->variables, c->valuestring,
                            at_start ? "http://placeholder" : "placeholder");
    if (L->opts->on_placeholder)
      L->opts->on_placeholder(L->opts->placeholder_ud, n->file, c->valuestring);
  }
  cJSON_Delete(names);
}

static bool load_base_url(loader *L, const gt_node *n) {
  if (!ld_want_scalar(L, n, "base_url") || !ld_plain_data(L, n, "base_url")) return false;
  if (L->opts->base_url_placeholders &&
      !gt_check_var_syntax(n->text, n->text_len, n->file, n->line, n->col, L->err))
    return false;
  if (L->opts->base_url_placeholders) add_base_url_placeholders(L, n);
  if (!ld_vars_defined(L, n)) return false;
  gt_buf url;
  gt_buf_init(&url);
  gt_err e;
  bool ok = gt_expand_text(&L->scope, n->text, n->text_len, &url, n->file, n->line, n->col, &e);
  if (!ok)
    ld_fail(L, n, "base_url: %s", e.msg);
  else if (strncasecmp(url.data, "http://", 7) != 0 && strncasecmp(url.data, "https://", 8) != 0)
    ok = ld_fail(L, n, "base_url must start with http:// or https:// (got '%s')", url.data);
  gt_buf_free(&url);
  if (ok) L->suite->base_url = n;
  return ok;
}

static bool load_defaults(loader *L, const gt_node *n) {
  static const char *const keys[] = {"headers", "timeout", NULL};
  if (!ld_want_map(L, n, "defaults") || !ld_check_keys(L, n, keys, "defaults")) return false;
  const gt_node *headers = gt_node_get(n, "headers");
  if (headers) {
    if (!ld_want_map(L, headers, "defaults.headers") ||
        !ld_plain_data(L, headers, "defaults.headers") || !ld_vars_defined(L, headers))
      return false;
    for (size_t i = 0; i < headers->count; i++)
      if (headers->items[i]->kind != GT_NODE_SCALAR)
        return ld_fail(L, headers->items[i], "defaults.headers.%s: expected a value, got %s",
                       headers->keys[i]->text, ld_kind(headers->items[i]));
    L->suite->default_headers = headers;
  }
  const gt_node *timeout = gt_node_get(n, "timeout");
  if (timeout) {
    if (!ld_duration(L, timeout, "defaults.timeout", &L->suite->default_timeout_ms)) return false;
    if (L->suite->default_timeout_ms <= 0)
      return ld_fail(L, timeout, "defaults.timeout: must be more than 0");
  }
  return true;
}

static int by_name_then_index(const void *a, const void *b) {
  const gt_scenario *const *x = a, *const *y = b;
  int c = strcmp((*x)->name, (*y)->name);
  return c ? c : (*x < *y ? -1 : *x > *y);
}

/* Duplicate scenario names, reported at the earliest second occurrence.
 * Sorting keeps this O(n log n): suites of 100,000 scenarios are expected. */
static bool check_unique_names(loader *L) {
  gt_suite *s = L->suite;
  size_t n = s->n_scenarios;
  const gt_scenario **v = gt_xcalloc(n, sizeof *v);
  for (size_t i = 0; i < n; i++)
    v[i] = &s->scenarios[i];
  qsort(v, n, sizeof *v, by_name_then_index);
  const gt_scenario *first = NULL, *dup = NULL;
  for (size_t i = 1; i < n; i++)
    if (!strcmp(v[i - 1]->name, v[i]->name) && (!dup || v[i] < dup)) {
      /* v[i-1] may itself be a repeat: find the first of the run */
      size_t k = i - 1;
      while (k > 0 && !strcmp(v[k - 1]->name, v[i]->name))
        k--;
      first = v[k];
      dup = v[k + 1];
    }
  free(v);
  if (!dup) return true;
  size_t at = (size_t)(dup - s->scenarios);
  /* The `name:` value's position, noted while loading (the subtree may be
   * gone: compaction). */
  gt_node name = {.file = dup->file, .line = L->name_pos[2 * at], .col = L->name_pos[2 * at + 1]};
  size_t at_first = (size_t)(first - s->scenarios);
  return ld_fail(L, &name, "duplicate scenario name '%s' (first at %s:%d:%d)", dup->name,
                 first->file, L->name_pos[2 * at_first], L->name_pos[2 * at_first + 1]);
}

/* Does some scenario capture the variable ref uses (NAME or NAME.path)?
 * The same rule as capture ordering (load_vars.c). */
static bool is_captured(const cJSON *capture_names, const char *ref) {
  for (const cJSON *c = capture_names ? capture_names->child : NULL; c; c = c->next) {
    size_t n = strlen(c->valuestring);
    if (!strncmp(ref, c->valuestring, n) && (ref[n] == 0 || ref[n] == '.')) return true;
  }
  return false;
}

/* What ld_order_scenarios needs from scenario i's subtree: the captured
 * ${NAME}s it uses. NULL when none. */
static cJSON *captured_refs(loader *L, const gt_node *n) {
  cJSON *refs = cJSON_CreateArray();
  gt_collect_node_var_refs(gt_node_get(n, "request"), refs, true);
  gt_collect_node_var_refs(gt_node_get(n, "expect"), refs, true);
  gt_collect_node_var_refs(gt_node_get(n, "faults"), refs, true);
  gt_collect_node_var_refs(gt_node_get(n, "poll"), refs, true);
  cJSON *kept = NULL;
  for (cJSON *r = refs->child; r; r = r->next) {
    if (!cJSON_IsString(r) || !is_captured(L->capture_names, r->valuestring)) continue;
    if (!kept) kept = cJSON_CreateArray();
    cJSON_AddItemToArray(kept, cJSON_CreateString(r->valuestring));
  }
  cJSON_Delete(refs);
  return kept;
}

static bool load_scenarios(loader *L, gt_node *list) {
  gt_suite *s = L->suite;
  if (!ld_want_seq(L, list, "scenarios")) return false;
  /* with `openapi: {derive: missing}` the document gives the scenarios */
  if (list->count == 0 && !s->openapi.derive_missing)
    return ld_fail(L, list, "scenarios: the list is empty (a suite needs at least one scenario)");
  if (list->count == 0) return true;
  s->scenarios = gt_xcalloc(list->count, sizeof *s->scenarios);
  L->name_pos = gt_xcalloc(2 * list->count, sizeof *L->name_pos);
  if (cJSON_GetArraySize(L->capture_names) > 0)
    L->dep_refs = gt_xcalloc(list->count, sizeof *L->dep_refs);
  ld_compact_begin(L, list); /* unless keep_trees */
  for (size_t i = 0; i < list->count; i++) {
    s->n_scenarios = i + 1; /* counted first: a half-built scenario is still freed */
    const gt_node *n = list->items[i];
    if (!ld_scenario(L, list->items[i], &s->scenarios[i])) return false;
    const gt_node *name = gt_node_get(n, "name");
    L->name_pos[2 * i] = name->line;
    L->name_pos[2 * i + 1] = name->col;
    if (L->dep_refs) L->dep_refs[i] = captured_refs(L, n);
    ld_compact_scenario(L, i); /* n is freed from here on */
  }
  if (!check_unique_names(L)) return false;
  return ld_order_scenarios(L);
}

/* The profile: the suite's own, else the one an included file gives (at
 * most one of them may). */
static bool load_profile_part(loader *L, gt_node *root, gt_node *const *parts, size_t n_parts) {
  gt_node *own = gt_node_get_mut(root, "profile");
  if (own) return ld_profile(L, own, L->suite->file);
  gt_node *found = NULL;
  for (size_t p = 0; p + 1 < n_parts; p++) {
    gt_node *v = gt_node_get_mut(parts[p], "profile");
    if (!v) continue;
    if (found) return ld_defined_twice(L, v, found, "the profile");
    found = v;
  }
  return !found || ld_profile(L, found, found->file);
}

/* defaults: of every part; a header or the timeout set in two parts is an
 * error. Headers from several parts are merged into one new mapping (copies
 * keep their positions). */
static bool load_defaults_parts(loader *L, gt_node *const *parts, size_t n_parts) {
  gt_suite *s = L->suite;
  if (!ld_unique_keys(L, parts, n_parts, "defaults", "headers", "default header", true))
    return false;
  const gt_node *timeout_at = NULL;
  size_t with_headers = 0;
  for (size_t p = 0; p < n_parts; p++) {
    const gt_node *d = gt_node_get(parts[p], "defaults");
    if (!d || ld_is_null(d)) continue;
    const gt_node *timeout = gt_node_get(d, "timeout");
    if (timeout && timeout_at) return ld_defined_twice(L, timeout, timeout_at, "defaults.timeout");
    if (timeout) timeout_at = timeout;
    const gt_node *before = s->default_headers;
    s->default_headers = NULL;
    if (!load_defaults(L, d)) return false;
    if (s->default_headers) with_headers++;
    if (!s->default_headers) s->default_headers = before;
  }
  if (with_headers < 2) return true;
  gt_node *merged = gt_node_new(GT_NODE_MAP, s->file, 1, 1);
  ld_keep_tree(L, merged); /* after the suite's tree (load_compact.c moves what it needs) */
  for (size_t p = 0; p < n_parts; p++) {
    const gt_node *h = gt_node_get(gt_node_get(parts[p], "defaults"), "headers");
    for (size_t i = 0; h && i < h->count; i++)
      gt_node_append(merged, gt_node_clone(h->keys[i]), gt_node_clone(h->items[i]));
  }
  s->default_headers = merged;
  return true;
}

static bool load_root(loader *L, gt_node *root) {
  static const char *const keys[] = {
      "suite", "include",   "base_url",       "profile",        "variables", "defaults", "wait_for",
      "shard", "scenarios", "schema_dialect", "strict_formats", "openapi",   "x-*",      NULL};
  gt_suite *s = L->suite;
  if (ld_is_null(root))
    return ld_fail(L, root, "empty suite: expected a mapping with suite:, scenarios:, ...");
  if (root->kind != GT_NODE_MAP)
    return ld_fail(L, root,
                   "a suite must be a mapping (suite:, base_url:, profile:, scenarios:), "
                   "got %s",
                   ld_kind(root));
  if (!ld_check_keys(L, root, keys, "suite")) return false;
  const gt_node *name = gt_node_get(root, "suite");
  if (!name) return ld_fail(L, root, "missing required key 'suite' (the suite's name)");
  if (!ld_want_scalar(L, name, "suite")) return false;
  s->name = ld_strdup_scalar(name);

  /* Included files first (their parts come before the suite's own). */
  gt_node **parts = NULL;
  size_t n_parts = 0;
  bool ok = ld_includes(L, root, &parts, &n_parts);
  gt_node *scenarios = ok ? ld_join_scenarios(L, root, parts, n_parts) : NULL;
  ok = scenarios != NULL;
  if (ok) L->capture_names = capture_names(scenarios);

  /* Variables first: everything else may reference them. */
  ok = ok && ld_unique_keys(L, parts, n_parts, "variables", NULL, "variable", false);
  for (size_t p = 0; ok && p < n_parts; p++) {
    gt_node *vars = gt_node_get_mut(parts[p], "variables");
    if (vars) ok = ld_variables(L, vars);
  }
  const gt_node *base = gt_node_get(root, "base_url");
  if (ok && base && !ld_is_null(base)) ok = load_base_url(L, base);
  /* How schemas compile: known before the profile's errors.schema. */
  ok = ok && ld_schema_options(L, root);
  ok = ok && load_profile_part(L, root, parts, n_parts);
  ok = ok && load_defaults_parts(L, parts, n_parts);
  ok = ok && ld_wait_for(L, gt_node_get(root, "wait_for")) &&
       ld_shard(L, gt_node_get(root, "shard")) && ld_openapi(L, gt_node_get(root, "openapi"));
  free(parts);
  return ok && load_scenarios(L, scenarios);
}

/* Parses and loads; `owned`, when set, is `yaml`'s buffer and is freed as
 * soon as the tree is built (the tree copies what it keeps): at 100,000
 * scenarios that is 13 MB less at the peak. */
static gt_suite *load_text(const char *name, char *owned, const char *yaml, size_t len,
                           const gt_load_opts *opts, gt_err *err) {
  static const gt_load_opts no_opts = {0};
  if (!opts) opts = &no_opts;
  gt_suite *s = gt_xcalloc(1, sizeof *s); /* caller frees with gt_suite_free */
  s->file = gt_xstrdup(name);
  s->variables = cJSON_CreateObject();
  profile_defaults(&s->profile);
  loader L = {.suite = s, .opts = opts, .err = err};
  L.scope.cli_vars = opts->cli_vars;
  L.scope.n_cli_vars = opts->n_cli_vars;
  L.scope.suite_vars = s->variables;
  L.scope.use_env = opts->use_env;

  bool ok = false;
  gt_node *root = gt_yaml_parse(s->file, yaml, len, err);
  free(owned);
  if (root) {
    ld_keep_tree(&L, root);
    ok = load_root(&L, root);
  }
  cJSON_Delete(L.capture_names);
  if (ok && !s->profile.name) s->profile.name = gt_xstrdup("default");
  if (ok && !s->profile.file) s->profile.file = s->file;
  /* Compaction stopping early only means trees stay (see load_compact.c). */
  ld_compact_finish(&L, ok);
  free(L.jsonpath_keys);
  ld_schema_cache_free(&L);
  for (size_t i = 0; L.dep_refs && i < s->n_scenarios; i++)
    cJSON_Delete(L.dep_refs[i]);
  free(L.dep_refs);
  free(L.name_pos);
  if (!ok) {
    gt_suite_free(s);
    return NULL;
  }
  return s;
}

gt_suite *gt_suite_load_string(const char *name, const char *yaml, size_t len,
                               const gt_load_opts *opts, gt_err *err) {
  return load_text(name, NULL, yaml, len, opts, err);
}

gt_suite *gt_suite_load(const char *path, const gt_load_opts *opts, gt_err *err) {
  size_t len = 0;
  int errnum = 0;
  char *data = gt_read_file(path, &len, &errnum);
  if (!data) {
    gt_err_set(err, GT_ERR_INPUT, path, 0, 0, "cannot read suite: %s", strerror(errnum));
    return NULL;
  }
  return load_text(path, data, data, len, opts, err); /* frees data */
}

/* ---- freeing (also of a half-built suite) ---- */

static void free_request(gt_request *r) {
  for (size_t i = 0; i < r->n_required; i++) {
    free(r->required[i]);
    gt_jsonpath_free(r->required_paths[i]);
  }
  free(r->required);
  free(r->required_paths);
  free(r->auth_with.header);
}

static void free_fault_refs(gt_fault_ref *refs, size_t n) {
  for (size_t i = 0; i < n; i++)
    gt_expect_free(&refs[i].expect);
  free(refs);
}

static void free_scenario(gt_scenario *sc) {
  free(sc->name);
  for (size_t i = 0; i < sc->n_tags; i++)
    free(sc->tags[i]);
  free(sc->tags);
  free_request(&sc->request);
  gt_expect_free(&sc->expect);
  for (size_t i = 0; i < sc->n_captures; i++) {
    free(sc->captures[i].name);
    free(sc->captures[i].src);
    if (sc->captures[i].path) gt_jsonpath_free(sc->captures[i].path);
  }
  free(sc->captures);
  free_fault_refs(sc->faults, sc->n_faults);
  free(sc->deps);
  if (sc->poll) gt_expect_free(&sc->poll->until);
  free(sc->poll);
  free(sc->checks.content_type);
}

static void free_profile(gt_profile *p) {
  free(p->name);
  free(p->auth.header);
  for (size_t i = 0; p->auth.also_accept && p->auth.also_accept[i]; i++)
    free(p->auth.also_accept[i]);
  free(p->auth.also_accept);
  free(p->transport.content_type);
  free(p->transport.charset);
  free(p->version_prefix);
  ld_param_reading_free(&p->request);
  gt_client_policy_free(&p->client);
  free_fault_refs(p->default_faults, p->n_default_faults);
  for (int i = 0; i < GT_FAULT_COUNT; i++)
    gt_expect_free(&p->fault_expect[i]);
}

void gt_suite_free(gt_suite *s) {
  if (!s) return;
  for (size_t i = 0; i < s->n_scenarios; i++)
    free_scenario(&s->scenarios[i]);
  free(s->scenarios);
  free_profile(&s->profile);
  cJSON_Delete(s->variables);
  free(s->wait_for.path);
  free(s->wait_for.status_text);
  for (size_t i = 0; i < s->n_secret_vars; i++)
    free(s->secret_vars[i]);
  free(s->secret_vars);
  for (size_t i = 0; i < s->n_schemas; i++)
    gt_schema_free(s->schemas[i]);
  free(s->schemas);
  if (s->contract_owner_free) s->contract_owner_free(s->contract_owner);
  free(s->openapi.file);
  /* Trees last: the model borrowed from them (and compiled paths hang off
   * them). After compaction, trees[0] is the arena of the kept copies. */
  for (size_t i = 0; i < s->n_trees; i++)
    gt_node_free(s->trees[i]);
  free(s->trees);
  for (size_t i = 0; i < s->n_files; i++)
    free(s->files[i]);
  free(s->files);
  free(s->name);
  free(s->file);
  free(s);
}
