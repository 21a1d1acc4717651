/* serve.c — starting and stopping `gauntlet serve` from tests: the one way
 * every test runs serve (port 0 by default, waits for its "listening" lines). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

/* Port of "listening SCHEME://HOST:PORT" in text, or 0. */
static int listed_port(const char *text, const char *scheme) {
  char key[32];
  snprintf(key, sizeof key, "listening %s://", scheme);
  const char *at = text ? strstr(text, key) : NULL;
  if (!at) return 0;
  const char *eol = strchr(at, '\n');
  if (!eol) return 0; /* the line is not complete yet */
  const char *last = NULL;
  for (const char *p = at + strlen(key); p < eol; p++)
    if (*p == ':') last = p;
  return last ? atoi(last + 1) : 0;
}

bool ts_serve_start(ts_serve *s, const ts_serve_opts *o) {
  memset(s, 0, sizeof *s);
  s->own_dir = o->dir == NULL;
  s->dir = s->own_dir ? ts_tempdir() : strdup(o->dir);
  if (!s->dir) return false;
  const char *name = o->name ? o->name : "serve";
  s->out = ts_fmt("%s/%s.out", s->dir, name);
  s->err = ts_fmt("%s/%s.err", s->dir, name);
  s->junit = ts_fmt("%s/%s.xml", s->dir, name);
  const char *argv[64] = {GAUNTLET_BIN, "serve", "--listen", o->listen ? o->listen : "127.0.0.1:0",
                          "--junit",    s->junit};
  size_t n = 6;
  char *cert = NULL, *key = NULL;
  if (o->tls) {
    if (!o->cert && !ts_make_cert(s->dir, &cert, &key)) return false;
    s->cacert = strdup(o->cert ? o->cert : cert);
    argv[n++] = "--tls-listen";
    argv[n++] = o->tls_listen ? o->tls_listen : "127.0.0.1:0";
    argv[n++] = "--cert";
    argv[n++] = o->cert ? o->cert : cert;
    argv[n++] = "--key";
    argv[n++] = o->key ? o->key : key;
  }
  for (size_t i = 0; o->args && o->args[i] && n < 48; i++)
    argv[n++] = o->args[i];
  for (size_t i = 0; o->suites && o->suites[i] && n < 63; i++)
    argv[n++] = o->suites[i];
  argv[n] = NULL;
  bool ok = ts_spawn(argv, o->env, s->out, s->err, &s->proc);
  free(cert);
  free(key);
  for (int i = 0; ok && i < 200 && (!s->port || (o->tls && !s->tls_port)); i++) { /* <= 10 s */
    usleep(50 * 1000);
    char *text = ts_read_file(s->out, NULL);
    s->port = listed_port(text, "http");
    s->tls_port = listed_port(text, "https");
    free(text);
    if (kill(s->proc.pid, 0) != 0) break; /* it exited (bad suite, port in use...) */
  }
  return ok && s->port > 0 && (!o->tls || s->tls_port > 0);
}

int ts_serve_stop(ts_serve *s, bool term, long timeout_ms) {
  if (!s->proc.pid || s->proc.exited) return s->proc.exited ? s->proc.exit_code : -1;
  if (term) kill(s->proc.pid, SIGTERM);
  ts_wait(&s->proc, timeout_ms);
  return s->proc.exited ? s->proc.exit_code : -1;
}

char *ts_serve_stderr(const ts_serve *s) {
  char *text = s->err ? ts_read_file(s->err, NULL) : NULL;
  return text ? text : strdup("");
}

void ts_serve_free(ts_serve *s) {
  if (s->proc.pid && !s->proc.exited) {
    kill(s->proc.pid, SIGKILL);
    ts_wait(&s->proc, 5000);
  }
  if (s->own_dir && s->dir) ts_rmtree(s->dir);
  free(s->dir);
  free(s->out);
  free(s->err);
  free(s->junit);
  free(s->cacert);
  memset(s, 0, sizeof *s);
}
