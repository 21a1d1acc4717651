/* load_vars.c — suite `variables:` (expanded at load, secrets registered),
 * the undefined-variable check, and capture ordering: a scenario that uses a
 * captured variable runs after every scenario capturing it (stable
 * topological order; cycles and self-dependencies are load errors). */
#include <stdlib.h>
#include <string.h>

#include "load.h"

static bool var_name_ok(const char *s) {
  if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_')) return false;
  for (; *s; s++)
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
          *s == '_' || *s == '-'))
      return false;
  return true;
}

static char *json_text(const cJSON *v) {
  if (cJSON_IsString(v)) return gt_xstrdup(v->valuestring);
  char *p = cJSON_PrintUnformatted(v);
  char *r = gt_xstrdup(p ? p : "");
  free(p);
  return r;
}

/* tmpl (may be NULL): the scalar the value was written as, for the shell word
 * a repro command references the secret with. */
static void add_secret(loader *L, const char *name, const cJSON *value, const gt_node *tmpl) {
  if (!L->opts->secrets || !value) return;
  char *text = json_text(value);
  char *word = tmpl && tmpl->kind == GT_NODE_SCALAR
                   ? gt_template_shell_word(tmpl->text, tmpl->text_len, text)
                   : NULL;
  gt_secrets_add_shell(L->opts->secrets, name, text, word);
  free(word);
  free(text);
}

/* `NAME: { value: ..., secret: true }` — a mapping made only of those keys. */
static bool secret_form(const gt_node *v) {
  if (v->kind != GT_NODE_MAP || v->tag || !gt_node_get(v, "value")) return false;
  for (size_t i = 0; i < v->count; i++)
    if (strcmp(v->keys[i]->text, "value") && strcmp(v->keys[i]->text, "secret")) return false;
  return true;
}

bool ld_variables(loader *L, gt_node *vars) {
  gt_suite *s = L->suite;
  if (ld_is_null(vars)) return true;
  if (!ld_want_map(L, vars, "variables")) return false;
  for (size_t i = 0; i < vars->count; i++) {
    const gt_node *k = vars->keys[i];
    const gt_node *v = vars->items[i];
    if (!var_name_ok(k->text))
      return ld_fail(L, k, "variables: '%s' is not a valid variable name", k->text);
    if (!strcmp(k->text, "gen"))
      return ld_fail(L, k, "variables: 'gen' is reserved for generated values (${gen.uuid}, ...)");
    bool secret = false;
    if (secret_form(v)) {
      const gt_node *flag = gt_node_get(v, "secret");
      if (flag && !ld_bool(L, flag, "variables.secret", &secret)) return false;
      v = gt_node_get(v, "value");
    }
    if (!ld_plain_data(L, v, "variables")) return false;
    /* Expanded now with --var, the variables above, and the environment. */
    cJSON *value = gt_expand_node(&L->scope, v, L->err);
    if (!value) return false;
    cJSON_AddItemToObject(s->variables, k->text, value);
    if (!secret) continue;
    s->secret_vars = gt_xrealloc(s->secret_vars, (s->n_secret_vars + 1) * sizeof *s->secret_vars);
    s->secret_vars[s->n_secret_vars++] = gt_xstrdup(k->text);
    add_secret(L, k->text, value, v);
    /* --var wins over the suite's value at run time: hide that one too. */
    cJSON *effective = gt_scope_lookup(&L->scope, k->text);
    add_secret(L, k->text, effective, NULL);
    cJSON_Delete(effective);
  }
  return true;
}

/* ${build.id} is a capture reference when `build` (or `build.id`) is captured. */
static bool is_capture(const loader *L, const char *name) {
  for (const cJSON *c = L->capture_names ? L->capture_names->child : NULL; c; c = c->next) {
    size_t n = strlen(c->valuestring);
    if (!strncmp(name, c->valuestring, n) && (name[n] == 0 || name[n] == '.')) return true;
  }
  return false;
}

static bool scalar_vars_defined(loader *L, const gt_node *n) {
  cJSON *names = cJSON_CreateArray();
  gt_collect_var_refs(n->text, n->text_len, names, false);
  bool ok = true;
  for (const cJSON *c = names->child; c && ok; c = c->next) {
    if (!strncmp(c->valuestring, "gen.", 4)) {
      const char *g = c->valuestring + 4;
      if (!gt_gen_known(g, strlen(g))) {
        gt_buf known;
        gt_buf_init(&known);
        for (size_t i = 0; gt_gen_names[i]; i++)
          gt_buf_printf(&known, "%s${gen.%s}", i ? ", " : "", gt_gen_names[i]);
        ok = ld_fail(L, n, "unknown generated value '${%s}' (known: %s)", c->valuestring,
                     known.data);
        gt_buf_free(&known);
      } else if (!L->in_request) {
        ok = ld_fail(L, n,
                     "${%s}: generated values exist only in a scenario's request (each case "
                     "draws its own)",
                     c->valuestring);
      }
      continue;
    }
    if (is_capture(L, c->valuestring)) continue;
    cJSON *v = gt_scope_lookup(&L->scope, c->valuestring);
    if (v) {
      cJSON_Delete(v);
      continue;
    }
    ok = ld_fail(L, n,
                 "undefined variable '%s' (not captured by any scenario; define it under "
                 "variables:, pass --var %s=..., set it in the environment, or write "
                 "${%s:-default})",
                 c->valuestring, c->valuestring, c->valuestring);
  }
  cJSON_Delete(names);
  return ok;
}

bool ld_vars_defined(loader *L, const gt_node *n) {
  if (!n) return true;
  if (n->kind == GT_NODE_SCALAR) {
    if (!gt_check_var_syntax(n->text, n->text_len, n->file, n->line, n->col, L->err)) return false;
    return scalar_vars_defined(L, n);
  }
  for (size_t i = 0; i < n->count; i++) {
    if (n->keys && !ld_vars_defined(L, n->keys[i])) return false;
    if (!ld_vars_defined(L, n->items[i])) return false;
  }
  return true;
}

/* "${NAME}" exactly -> NAME (caller frees); NULL otherwise. */
static char *sole_reference(const gt_node *n) {
  const char *t = n->text;
  size_t len = n->text_len;
  if (len < 4 || t[0] != '$' || t[1] != '{' || t[len - 1] != '}') return NULL;
  if (memchr(t + 2, '}', len - 3) || memchr(t + 2, '$', len - 3)) return NULL;
  const char *dflt = strstr(t + 2, ":-");
  size_t end = dflt && dflt < t + len ? (size_t)(dflt - t) : len - 1;
  return gt_xstrndup(t + 2, end - 2);
}

void ld_register_secret(loader *L, const gt_node *n, const char *fallback_name) {
  if (!L->opts->secrets || !n || n->kind != GT_NODE_SCALAR) return;
  gt_buf b;
  gt_buf_init(&b);
  gt_err ignored;
  if (gt_expand_text(&L->scope, n->text, n->text_len, &b, n->file, n->line, n->col, &ignored)) {
    char *name = sole_reference(n);
    char *word = gt_template_shell_word(n->text, n->text_len, b.data);
    gt_secrets_add_shell(L->opts->secrets, name ? name : fallback_name, b.data, word);
    free(word);
    free(name);
  }
  gt_buf_free(&b);
}

/* ---- capture ordering ---- */

static bool captures(const gt_scenario *sc, const char *ref) {
  for (size_t i = 0; i < sc->n_captures; i++) {
    size_t n = strlen(sc->captures[i].name);
    if (!strncmp(ref, sc->captures[i].name, n) && (ref[n] == 0 || ref[n] == '.')) return true;
  }
  return false;
}

static void add_dep(gt_scenario *sc, size_t j) {
  for (size_t k = 0; k < sc->n_deps; k++)
    if (sc->deps[k] == j) return;
  sc->deps = gt_xrealloc(sc->deps, (sc->n_deps + 1) * sizeof *sc->deps);
  sc->deps[sc->n_deps++] = j;
}

/* Where scenario sc's mapping starts, for ld_fail: its subtree may be gone
 * already (compaction), but the model keeps the position. */
static gt_node at_scenario(const gt_scenario *sc) {
  return (gt_node){.file = sc->file, .line = sc->line, .col = sc->col};
}

/* Scenario i runs after every scenario that captures var. Capturing var itself
 * is an error: a capture is only available to the scenarios after it, and a
 * scenario capturing the profile's credential cannot send it. */
static bool depend_on_captors(loader *L, size_t i, const char *var, bool for_credential) {
  gt_suite *s = L->suite;
  gt_scenario *sc = &s->scenarios[i];
  for (size_t j = 0; j < s->n_scenarios; j++) {
    if (!captures(&s->scenarios[j], var)) continue;
    if (j != i) {
      add_dep(sc, j);
      continue;
    }
    gt_node at = at_scenario(sc);
    return ld_fail(L, &at,
                   for_credential
                       ? "scenario '%s' captures ${%s}, which the profile's credential uses, but "
                         "also sends that credential: give it `auth: false`"
                       : "scenario '%s' uses ${%s}, which it captures itself (a capture is only "
                         "available to the scenarios that run after it)",
                   sc->name, var);
  }
  return true;
}

/* A profile credential may come from a capture (a login scenario captures
 * the access token): every scenario that sends the credential then runs
 * after the scenario that captures it. */
static bool credential_deps(loader *L) {
  gt_suite *s = L->suite;
  const gt_profile *p = &s->profile;
  if (p->auth.scheme == GT_AUTH_NONE) return true;
  cJSON *refs = cJSON_CreateArray();
  if (p->auth.token) gt_collect_node_var_refs(p->auth.token, refs, true);
  if (p->auth.jwt_secret) gt_collect_node_var_refs(p->auth.jwt_secret, refs, true);
  if (p->auth.jwt_claims) gt_collect_node_var_refs(p->auth.jwt_claims, refs, true);
  bool ok = true;
  for (const cJSON *r = refs->child; r && ok; r = r->next)
    for (size_t i = 0; i < s->n_scenarios && ok; i++)
      if (s->scenarios[i].request.auth) ok = depend_on_captors(L, i, r->valuestring, true);
  cJSON_Delete(refs);
  return ok;
}

static bool compute_deps(loader *L) {
  gt_suite *s = L->suite;
  for (size_t i = 0; L->dep_refs && i < s->n_scenarios; i++) {
    const cJSON *refs = L->dep_refs[i];
    for (const cJSON *r = refs ? refs->child : NULL; r; r = r->next)
      if (!depend_on_captors(L, i, r->valuestring, false)) return false;
  }
  return credential_deps(L);
}

static bool deps_done(const gt_scenario *sc, const bool *done) {
  for (size_t k = 0; k < sc->n_deps; k++)
    if (!done[sc->deps[k]]) return false;
  return true;
}

static bool report_cycle(loader *L, const bool *done) {
  gt_suite *s = L->suite;
  size_t start = 0;
  while (done[start])
    start++;
  /* Walk undone deps from the first stuck scenario until one repeats: that
   * repeated scenario is on a cycle. */
  size_t *seen_at = gt_xcalloc(s->n_scenarios, sizeof *seen_at);
  size_t *path = gt_xcalloc(s->n_scenarios + 1, sizeof *path);
  size_t len = 0, cur = start;
  while (!seen_at[cur]) {
    seen_at[cur] = ++len;
    path[len - 1] = cur;
    const gt_scenario *sc = &s->scenarios[cur];
    size_t next = cur;
    for (size_t k = 0; k < sc->n_deps; k++)
      if (!done[sc->deps[k]]) {
        next = sc->deps[k];
        break;
      }
    cur = next;
  }
  size_t first = seen_at[cur] - 1;
  gt_buf msg;
  gt_buf_init(&msg);
  gt_buf_printf(&msg, "'%s'", s->scenarios[path[first]].name);
  for (size_t i = first; i < len; i++) {
    size_t next = i + 1 < len ? path[i + 1] : path[first];
    gt_buf_printf(&msg, "%s needs a capture of '%s'", i == first ? "" : ", which",
                  s->scenarios[next].name);
  }
  gt_node at = at_scenario(&s->scenarios[path[first]]);
  ld_fail(L, &at, "capture cycle: %s", msg.data);
  gt_buf_free(&msg);
  free(seen_at);
  free(path);
  return false;
}

bool ld_order_scenarios(loader *L) {
  gt_suite *s = L->suite;
  size_t n = s->n_scenarios;
  if (!compute_deps(L)) return false;
  bool *done = gt_xcalloc(n, sizeof *done);
  size_t *order = gt_xcalloc(n, sizeof *order);
  size_t first_open = 0; /* every scenario before it is placed: keeps the common case linear */
  for (size_t placed = 0; placed < n; placed++) {
    size_t pick = n;
    while (first_open < n && done[first_open])
      first_open++;
    for (size_t i = first_open; i < n && pick == n; i++) /* lowest file index that is ready */
      if (!done[i] && deps_done(&s->scenarios[i], done)) pick = i;
    if (pick == n) {
      report_cycle(L, done);
      free(done);
      free(order);
      return false;
    }
    done[pick] = true;
    order[placed] = pick;
  }
  /* Reorder in place, cycle by cycle: a second array of n scenarios would
   * be 33 MB at 100,000. Most suites have no captures: nothing moves. */
  bool moved = false;
  for (size_t i = 0; i < n && !moved; i++)
    moved = order[i] != i;
  size_t *new_index = moved ? gt_xcalloc(n, sizeof *new_index) : NULL;
  if (moved) {
    for (size_t i = 0; i < n; i++) {
      new_index[order[i]] = i;
      done[i] = false; /* reused: "already in its final place" */
    }
    for (size_t i = 0; i < n; i++) {
      if (done[i]) continue;
      gt_scenario first = s->scenarios[i];
      size_t j = i;
      while (order[j] != i) { /* scenarios[j] := old scenarios[order[j]] */
        s->scenarios[j] = s->scenarios[order[j]];
        done[j] = true;
        j = order[j];
      }
      s->scenarios[j] = first;
      done[j] = true;
    }
    for (size_t i = 0; i < n; i++)
      for (size_t k = 0; k < s->scenarios[i].n_deps; k++)
        s->scenarios[i].deps[k] = new_index[s->scenarios[i].deps[k]];
  }
  free(new_index);
  free(done);
  free(order);
  return true;
}
