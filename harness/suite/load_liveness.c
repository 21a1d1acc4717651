/* load_liveness.c — the profile's `liveness:` request (docs/suite-format.md):
 * what gauntlet sends after a raw-connection fault to see that the target
 * still answers, when a scenario's own request is not safe to repeat. It must
 * be safe (GET, HEAD or OPTIONS): the probe runs after every raw fault, and a
 * probe that wrote would change the state the scenario's valid case finds. */
#include <ctype.h>
#include <string.h>

#include "load.h"

static bool values_only(loader *L, const gt_node *map, const char *what) {
  for (size_t i = 0; i < map->count; i++)
    if (map->items[i]->kind != GT_NODE_SCALAR)
      return ld_fail(L, map->items[i], "%s.%s: expected a value, got %s", what, map->keys[i]->text,
                     ld_kind(map->items[i]));
  return true;
}

static bool load_safe_method(loader *L, gt_profile *p, gt_node *m) {
  if (!ld_want_scalar(L, m, "liveness.method")) return false;
  for (size_t i = 0; i < m->text_len; i++)
    m->text[i] = (char)toupper((unsigned char)m->text[i]); /* the model promises upper case */
  if (strcmp(m->text, "GET") && strcmp(m->text, "HEAD") && strcmp(m->text, "OPTIONS"))
    return ld_fail(L, m,
                   "liveness.method: '%s' is not safe to repeat; use GET, HEAD or OPTIONS (the "
                   "probe is sent after every raw-connection fault)",
                   m->text);
  p->liveness.method = m;
  return true;
}

bool ld_liveness(loader *L, gt_profile *p, gt_node *n) {
  static const char *const keys[] = {"method", "path", "query", "headers", "auth", NULL};
  if (!ld_want_map(L, n, "liveness") || !ld_check_keys(L, n, keys, "liveness")) return false;
  p->liveness.given = true;
  p->liveness.auth = true;
  for (size_t i = 0; i < n->count; i++) {
    const char *k = n->keys[i]->text;
    gt_node *v = n->items[i];
    if (!strcmp(k, "method")) {
      if (!load_safe_method(L, p, v)) return false;
    } else if (!strcmp(k, "path")) {
      if (!ld_want_scalar(L, v, "liveness.path") || !ld_plain_data(L, v, "liveness.path"))
        return false;
      p->liveness.path = v;
    } else if (!strcmp(k, "query") || !strcmp(k, "headers")) {
      const char *what = k[0] == 'q' ? "liveness.query" : "liveness.headers";
      if (!ld_want_map(L, v, what) || !values_only(L, v, what) || !ld_plain_data(L, v, what))
        return false;
      if (k[0] == 'q')
        p->liveness.query = v;
      else
        p->liveness.headers = v;
    } else if (!strcmp(k, "auth")) {
      if (!ld_bool(L, v, "liveness.auth", &p->liveness.auth)) return false;
    }
  }
  if (!p->liveness.path) return ld_fail(L, n, "liveness: missing required key 'path'");
  return true;
}
