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
  gt_oa_suite_opts so = {.base_url = o->run.base_url ? o->run.base_url
                                     : d->server_url ? d->server_url
                                                     : "http://127.0.0.1",
                         .seed = o->seed_given ? o->run.seed : 0,
                         .var_defaults = o->command != CLI_RUN && o->command != CLI_SERVE,
                         .serve = o->command == CLI_SERVE};
  char *yaml = gt_openapi_suite_yaml(d, &so);
  if (getenv("GAUNTLET_OPENAPI_DUMP")) fputs(yaml, stderr);
  gt_suite *s = gt_suite_load_string(path, yaml, strlen(yaml), lo, e);
  free(yaml);
  if (!s) {
    gt_openapi_free(d);
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

bool cli_attach_openapi(const cli_opts *o, gt_suite *s, gt_err *e) {
  if (!s->openapi.file) return true;
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
