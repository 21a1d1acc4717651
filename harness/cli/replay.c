/* replay.c — the options part of a repro line that re-runs one case:
 * `gauntlet run --seed N --verbose --junit DIR/replay.xml [what changes the
 * bytes or the verdict]`; the runner appends `[--now-ms T] --case ID SUITE`.
 * Only options that change what is sent or how it is judged are repeated;
 * a secret given with --var is written as "${NAME}" (the environment must
 * provide it, as it provides every other secret of a repro line). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char *cli_program = "gauntlet";

static void opt(gt_buf *b, const char *flag, const char *value) {
  gt_buf_printf(b, " %s ", flag);
  gt_shell_quote(b, value, strlen(value));
}

char *cli_repro_dir(const char *junit_path) {
  const char *slash = strrchr(junit_path, '/');
  if (!slash) return gt_xstrdup("repro");
  return gt_xasprintf("%.*s/repro", (int)(slash - junit_path), junit_path);
}

char *cli_replay_prefix(const cli_opts *o, const gt_secrets *secrets, const char *repro_dir) {
  gt_buf b;
  gt_buf_init(&b);
  gt_shell_quote(&b, cli_program, strlen(cli_program));
  gt_buf_printf(&b, " run --seed %llu --verbose", (unsigned long long)o->run.seed);
  char *junit = gt_xasprintf("%s/replay.xml", repro_dir);
  opt(&b, "--junit", junit);
  free(junit);
  if (o->run.base_url) opt(&b, "-u", o->run.base_url);
  for (int i = 0; i < o->run.n_vars; i++) {
    const gt_cli_var *v = &o->run.vars[i];
    char *nv = gt_xasprintf("%s=%s", v->name, v->value);
    gt_buf_adds(&b, " -v ");
    if (!gt_shell_quote_secrets(&b, secrets, nv, strlen(nv))) {
      gt_shell_quote(&b, v->name, strlen(v->name));
      gt_buf_printf(&b, "=\"${%s}\"", v->name);
    }
    free(nv);
  }
  if (o->run.faults) opt(&b, "--faults", o->run.faults);
  if (o->run.skip_faults) opt(&b, "--skip-faults", o->run.skip_faults);
  if (o->run.timeout_ms != CLI_DEFAULT_TIMEOUT_MS)
    gt_buf_printf(&b, " --timeout %ldms", o->run.timeout_ms);
  if (o->run.follow_redirects) gt_buf_adds(&b, " --follow-redirects");
  if (o->run.http.cacert) opt(&b, "--cacert", o->run.http.cacert);
  if (o->run.http.cert) opt(&b, "--cert", o->run.http.cert);
  if (o->run.http.key) opt(&b, "--key", o->run.http.key);
  if (o->run.http.insecure) gt_buf_adds(&b, " --insecure");
  if (o->body_cap_given) gt_buf_printf(&b, " --body-cap %zu", o->run.http.body_cap);
  return gt_buf_steal(&b);
}
