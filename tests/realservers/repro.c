/* repro.c — every failed case prints a command that reproduces it; paste it
 * into bash with the suite's environment exported and the server answers
 * with the same status gauntlet saw. Checked here for real: each command from
 * the JUnit report is run with bash against the same server.
 *
 * A `curl ...` command is run with `-o /dev/null -w '%{http_code}'` appended;
 * a `gauntlet run ...` replay is run in the scratch dir (it writes its own
 * report, whose case must show the same status). "No answer" (a reset, a
 * timeout) counts as a status of its own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "realserver.h"

/* The status of the answer in a case's dump ("< HTTP/1.1 404"), "none"
 * when there was no answer. Writes into buf. */
static const char *dumped_status(const char *out, char *buf, size_t len) {
  snprintf(buf, len, "none");
  for (const char *p = out; p && (p = strstr(p, "< HTTP/")); p++) {
    if (p != out && p[-1] != '\n') continue;
    const char *sp = strchr(p + 2, ' '); /* after "HTTP/x.y" */
    if (sp && sp[1] >= '1' && sp[1] <= '5') {
      snprintf(buf, len, "%.3s", sp + 1);
      break;
    }
  }
  return buf;
}

/* The line after "Reproduce with:" in a case's output (caller frees), or NULL. */
static char *repro_line(const char *out) {
  const char *p = out ? strstr(out, "Reproduce with:\n") : NULL;
  if (!p) return NULL;
  p += strlen("Reproduce with:\n");
  size_t n = strcspn(p, "\n");
  return n ? ts_fmt("%.*s", (int)n, p) : NULL;
}

/* The first shell word of s, its single quotes removed (caller frees). */
static char *first_word(const char *s) {
  char *w = malloc(strlen(s) + 1);
  size_t k = 0;
  bool quoted = false;
  for (; w && *s && (quoted || *s != ' '); s++) {
    if (*s == '\'')
      quoted = !quoted;
    else
      w[k++] = *s;
  }
  if (w) w[k] = '\0';
  return w;
}

/* Runs `bash -c script` in dir with env; its stdout (caller frees) or NULL. */
static char *bash(const char *dir, const char *script, const char *const env[]) {
  char *out = ts_fmt("%s/repro.stdout", dir);
  char *err = ts_fmt("%s/repro.stderr", dir);
  char *full = ts_fmt("cd '%s' && %s", dir, script);
  const char *argv[] = {"/bin/bash", "-c", full, NULL};
  int rc = ts_run(argv, env, out, err, 120000, NULL);
  char *text = rc >= 0 ? ts_read_file(out, NULL) : NULL;
  free(out), free(err), free(full);
  return text;
}

/* The status the command gets now, into buf ("none" when no answer); false
 * when it could not be run or understood (a message is printed). */
static bool rerun(const char *cmd, const char *name, const char *dir, const char *const env[],
                  char *buf, size_t len) {
  if (!strncmp(cmd, "curl ", 5)) {
    /* Options appended through a function: the line may end in a comment. */
    char *script = ts_fmt("curl() { command curl \"$@\" -o /dev/null -w '%%{http_code}' "
                          "--max-time 30; }\n%s\n",
                          cmd);
    char *got = bash(dir, script, env);
    free(script);
    size_t n = got ? strlen(got) : 0;
    bool ok = n >= 3;
    if (ok) snprintf(buf, len, "%s", strcmp(got + n - 3, "000") ? got + n - 3 : "none");
    free(got);
    return ok;
  }
  char *bin = first_word(cmd);
  const char *base = bin ? strrchr(bin, '/') : NULL;
  bool replay = bin && !strcmp(base ? base + 1 : bin, "gauntlet");
  free(bin);
  if (replay) {
    /* The replay writes the report its --junit names: the case must be in
     * it with the same status. A bare `gauntlet` is found on the user's
     * PATH: here, the project's binary. */
    const char *jo = strstr(cmd, " --junit ");
    char *path = jo ? first_word(jo + 9) : NULL;
    char *report = !path ? NULL : path[0] == '/' ? strdup(path) : ts_fmt("%s/%s", dir, path);
    free(path);
    if (!report) {
      fprintf(stderr, "REPRO     %s: the replay names no --junit report: %s\n", name, cmd);
      return false;
    }
    remove(report);
    char *script = !strncmp(cmd, "gauntlet ", 9) ? ts_fmt("'%s' %s\n", GAUNTLET_BIN, cmd + 9)
                                                 : ts_fmt("%s\n", cmd);
    free(bash(dir, script, env));
    free(script);
    ts_junit j;
    bool ok = ts_junit_load(report, &j);
    const ts_case *c = ok ? ts_junit_find(&j, name) : NULL;
    if (c) dumped_status(c->out, buf, len);
    if (ok) ts_junit_free(&j);
    if (!c)
      fprintf(stderr, "REPRO     %s: the replay wrote no case of that name to %s\n", name, report);
    free(report);
    return c != NULL;
  }
  fprintf(stderr, "REPRO     %s: not a command: %s\n", name, cmd);
  return false;
}

static bool listed(const char *const *names, const char *name) {
  for (size_t i = 0; names && names[i]; i++)
    if (!strcmp(names[i], name)) return true;
  return false;
}

int rs_check_repros(const ts_junit *j, const char *dir, const char *const env[],
                    bool unanswered_last, const char *const *pending) {
  int bad = 0;
  /* With unanswered_last, two passes: the cases that got an answer, then
   * those that did not (on Prism, the one that kills the server). */
  for (int pass = 0; pass < 2; pass++) {
    for (size_t i = 0; i < j->n; i++) {
      const ts_case *c = &j->cases[i];
      if (c->outcome != TS_CASE_FAILURE && c->outcome != TS_CASE_ERROR) continue;
      char want[8], got[8] = "";
      dumped_status(c->out, want, sizeof want);
      bool last = unanswered_last && !strcmp(want, "none");
      if (last != (pass == 1)) continue;
      char *cmd = repro_line(c->out);
      if (!cmd) {
        fprintf(stderr, "REPRO     %s: no command printed\n", c->name);
        bad++;
        continue;
      }
      bool known = listed(pending, c->name);
      if (!rerun(cmd, c->name, dir, env, got, sizeof got)) {
        bad++;
      } else if (strcmp(want, got) && !known) {
        fprintf(stderr, "REPRO     %s: gauntlet saw %s, the command gets %s:\n          %s\n",
                c->name, want, got, cmd);
        bad++;
      } else if (!strcmp(want, got) && known) {
        fprintf(stderr, "REPRO     %s: reproduces now: take it off the pending list\n", c->name);
        bad++;
      } else if (known) {
        fprintf(stderr, "REPRO     %s: known not to reproduce yet (gauntlet %s, command %s)\n",
                c->name, want, got);
      }
      free(cmd);
    }
  }
  return bad;
}
