/* openapi_load.c — an OpenAPI document given where a suite is expected
 * (docs/openapi.md): derive the suite, load it like any other, hang the
 * document's response contracts on it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../openapi/openapi.h"
#include "cli.h"

/* The value of --var NAME (the last one given) or of the environment; NULL
 * when neither sets it. */
static const char *var_value(const cli_opts *o, const char *name) {
  for (int i = o->run.n_vars - 1; i >= 0; i--)
    if (!strcmp(o->run.vars[i].name, name)) return o->run.vars[i].value;
  return getenv(name);
}

static const char *kind_text(gt_oa_sec_kind k) {
  switch (k) {
  case GT_OA_SEC_BEARER:
    return "bearer token";
  case GT_OA_SEC_BASIC:
    return "basic, user:password";
  case GT_OA_SEC_APIKEY_HEADER:
    return "API key in a header";
  case GT_OA_SEC_APIKEY_QUERY:
    return "API key in the query";
  case GT_OA_SEC_APIKEY_COOKIE:
    return "API key in a cookie";
  }
  return "";
}

void cli_print_credentials(const gt_openapi *d, FILE *out) {
  const char *vars[64];
  size_t n = gt_openapi_credential_vars(d, vars, 64);
  if (!n) {
    fprintf(out, "%s: no credential needed (no operation requires security)\n", d->file);
    return;
  }
  fprintf(out, "%s: credentials (--var NAME=VALUE or the environment; secret):\n", d->file);
  for (size_t i = 0; i < n; i++)
    for (size_t s = 0; s < d->n_schemes; s++)
      if (d->schemes[s].var == vars[i])
        fprintf(out, "  %s  (security scheme '%s': %s)\n", vars[i], d->schemes[s].name,
                kind_text(d->schemes[s].kind));
}

/* The derived suite did not load: its line and column are in text
 * gauntlet wrote, not in the document, so the error says so instead of
 * pointing into the document (a gauntlet defect: the derivation must only
 * write suites that load). */
static void derived_error(const char *path, gt_err *e) {
  if (e->kind != GT_ERR_INPUT || !e->line) return;
  gt_err was = *e;
  gt_err_set(e, GT_ERR_INPUT, path, 1, 1,
             "the suite derived from this document does not load (a gauntlet defect, please "
             "report it; GAUNTLET_OPENAPI_DUMP=1 prints the derived suite): line %d, column %d "
             "of the derived suite: %.700s",
             was.line, was.col, was.msg);
}

gt_suite *cli_load_openapi(const cli_opts *o, const char *path, const gt_load_opts *lo, gt_err *e) {
  if (o->command == CLI_RUN && !o->run.base_url) {
    gt_err_set(e, GT_ERR_USAGE, NULL, 0, 0,
               "%s is an OpenAPI document: --base-url URL is required (faults are never sent "
               "to the document's servers)",
               path);
    return NULL;
  }
  gt_openapi *d = gt_openapi_load(path, e);
  if (!d) return NULL;
  /* Every credential is a secret, also those the derived suite sends as a
   * query parameter or cookie rather than as the profile's token. */
  const char *cred[64];
  size_t n_cred = gt_openapi_credential_vars(d, cred, 64);
  for (size_t i = 0; i < n_cred && lo->secrets; i++) {
    const char *v = var_value(o, cred[i]);
    if (v && *v) gt_secrets_add(lo->secrets, cred[i], v);
    if (v) gt_openapi_set_credential(d, cred[i], v);
  }
  if (!d->n_ops) {
    gt_err_set(e, GT_ERR_INPUT, path, 1, 1,
               "the document describes no operation under `paths` (webhooks and components "
               "alone are not supported): nothing to derive");
    gt_openapi_free(d);
    return NULL;
  }
  if (o->command == CLI_RUN || o->command == CLI_SERVE) {
    const char *vars[64];
    size_t n = gt_openapi_credential_vars(d, vars, 64);
    for (size_t i = 0; i < n; i++)
      if (!var_value(o, vars[i])) {
        gt_err_set(e, GT_ERR_USAGE, NULL, 0, 0,
                   "%s: the credential variable %s is not set (--var %s=VALUE or the "
                   "environment; `gauntlet check %s` lists every one needed)",
                   path, vars[i], vars[i], path);
        gt_openapi_free(d);
        return NULL;
      }
  }
  /* a relative server URL (3.x `url: /v1`, a 2.0 basePath without host) is
   * relative to where the document is served: a placeholder host keeps its
   * path (serve mounts the API there; run needs --base-url anyway) */
  char *relative = d->server_url && d->server_url[0] == '/'
                       ? gt_xasprintf("http://127.0.0.1%s", d->server_url)
                       : NULL;
  gt_oa_suite_opts so = {.base_url = o->run.base_url ? o->run.base_url
                                     : relative      ? relative
                                     : d->server_url ? d->server_url
                                                     : "http://127.0.0.1",
                         .seed = o->seed_given ? o->run.seed : 0,
                         .var_defaults = o->command != CLI_RUN && o->command != CLI_SERVE,
                         .serve = o->command == CLI_SERVE};
  char *yaml = gt_openapi_suite_yaml(d, &so);
  free(relative);
  if (getenv("GAUNTLET_OPENAPI_DUMP")) fputs(yaml, stderr);
  gt_suite *s = gt_suite_load_string(path, yaml, strlen(yaml), lo, e);
  free(yaml);
  if (!s) {
    gt_openapi_free(d);
    derived_error(path, e);
    return NULL;
  }
  if (o->command == CLI_LIST || o->command == CLI_CHECK)
    cli_print_credentials(d, o->command == CLI_CHECK ? stdout : stderr);
  if (!gt_openapi_attach(d, s, e)) {
    gt_openapi_free(d);
    gt_suite_free(s);
    return NULL;
  }
  return s;
}

/* Reads the suite's document and ties every scenario to its operation. */
static bool attach(gt_suite *s, gt_err *e) {
  FILE *f = fopen(s->openapi.file, "rb");
  if (!f) {
    gt_err_set(e, GT_ERR_INPUT, s->file, s->openapi.line, s->openapi.col, "openapi: cannot read %s",
               s->openapi.file);
    return false;
  }
  fclose(f);
  gt_openapi *d = gt_openapi_load(s->openapi.file, e);
  if (!d) return false;
  if (!gt_openapi_attach(d, s, e)) {
    gt_openapi_free(d);
    return false;
  }
  return true;
}

/* `derive: missing`: the suite loaded again with the derived scenarios of
 * the operations it does not cover as a fragment it includes; *s is
 * replaced (and attached) on success. */
static bool derive_missing(const cli_opts *o, const gt_load_opts *lo, gt_suite **s, gt_err *e) {
  const gt_openapi *d = gt_openapi_of(*s);
  bool *only = gt_xcalloc(d->n_ops ? d->n_ops : 1, sizeof *only);
  size_t n = 0;
  for (size_t i = 0; i < d->n_ops; i++)
    only[i] = true;
  for (size_t k = 0; k < (*s)->n_scenarios; k++) {
    long op = gt_openapi_op_of(*s, k);
    if (op >= 0) only[op] = false;
  }
  for (size_t i = 0; i < d->n_ops; i++)
    n += only[i];
  if (!n) {
    free(only);
    return true;
  }
  /* the document again: the derivation reads files into it, the suite's
   * copy is attached */
  gt_openapi *doc = gt_openapi_load((*s)->openapi.file, e);
  if (!doc) {
    free(only);
    return false;
  }
  gt_oa_suite_opts so = {.seed = o->seed_given ? o->run.seed : 0,
                         .var_defaults = o->command != CLI_RUN,
                         .only = only,
                         .fragment = true};
  char *yaml = gt_openapi_suite_yaml(doc, &so);
  gt_openapi_free(doc);
  free(only);
  if (getenv("GAUNTLET_OPENAPI_DUMP")) fputs(yaml, stderr);
  char *name = gt_xasprintf("%s (derived: openapi.derive missing)", (*s)->openapi.file);
  gt_load_opts with = *lo;
  with.extra_fragment = yaml;
  with.extra_fragment_len = strlen(yaml);
  with.extra_name = name;
  char *file = gt_xstrdup((*s)->file);
  gt_suite *again = gt_suite_load(file, &with, e);
  free(file);
  free(yaml);
  free(name);
  if (!again) return false;
  if (!attach(again, e)) {
    gt_suite_free(again);
    return false;
  }
  if (!o->quiet && o->command != CLI_SERVE)
    fprintf(stderr,
            "%s: %zu operation%s of %s not covered by a scenario: derived "
            "(openapi.derive: missing)\n",
            again->file, n, n == 1 ? "" : "s", again->openapi.file);
  gt_suite_free(*s);
  *s = again;
  return true;
}

bool cli_attach_openapi(const cli_opts *o, const gt_load_opts *lo, gt_suite **sp, gt_err *e) {
  gt_suite *s = *sp;
  if (!s->openapi.file) return true;
  if (!attach(s, e)) return false;
  /* serve answers the suite's own scenarios: nothing is derived for it */
  if (s->openapi.derive_missing && o->command != CLI_SERVE) return derive_missing(o, lo, sp, e);
  const char *missing[16];
  size_t n = gt_openapi_uncovered(s, missing, 16);
  if (n && !o->quiet && o->command != CLI_SERVE) {
    fprintf(stderr, "%s: %zu operation%s of %s not covered by a scenario:", s->file, n,
            n == 1 ? "" : "s", s->openapi.file);
    for (size_t i = 0; i < n && i < 16; i++)
      fprintf(stderr, "%s %s", i ? "," : "", missing[i]);
    fprintf(stderr, "%s\n", n > 16 ? ", ..." : "");
  }
  return true;
}
