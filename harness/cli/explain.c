/* explain.c — `gauntlet list --explain`: for each case, what it expects and
 * where each part of that expectation came from, in merge order: the fault
 * catalogue < the API description's rejection (schema-driven faults) < the
 * profile's faults.expect < the profile's faults.default entry
 * < the scenario's faults entry (a valid case: the scenario's expect); and the
 * universal checks switched off for it (profile `checks:`, scenario `checks:`).
 * A first suite against a server that does not validate bodies gets many
 * "expected 400" failures that are the profile's doing: this shows why. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "../check/check.h"
#include "../schema/schema.h"
#include "cli.h"

typedef struct layer {
  const char *source;
  const gt_expect *e;
} layer;

static const gt_fault_ref *find_ref(const gt_fault_ref *refs, size_t n, gt_fault_id f) {
  for (size_t i = 0; i < n; i++)
    if (refs[i].id == f) return &refs[i];
  return NULL;
}

static size_t layers_of(const gt_suite *s, const gt_case *c, layer *out) {
  const gt_scenario *sc = &s->scenarios[c->scenario];
  const gt_profile *p = &s->profile;
  size_t n = 0;
  if (c->fault == GT_FAULT_VALID) {
    out[n++] = (layer){"scenario expect", &sc->expect};
    return n;
  }
  out[n++] = (layer){"catalogue", gt_fault_default_expect(c->fault)};
  if (gt_fault_info_of(c->fault)->expect_from_contract && sc->contract && sc->contract->reject)
    out[n++] = (layer){"openapi: the operation's documented rejection", sc->contract->reject};
  if (p->has_fault_expect[c->fault])
    out[n++] = (layer){"profile faults.expect", &p->fault_expect[c->fault]};
  const gt_fault_ref *r = find_ref(p->default_faults, p->n_default_faults, c->fault);
  if (r && r->has_expect) out[n++] = (layer){"profile faults.default", &r->expect};
  r = sc->faults_given ? find_ref(sc->faults, sc->n_faults, c->fault) : NULL;
  if (r && r->has_expect) out[n++] = (layer){"scenario faults", &r->expect};
  return n;
}

static void at(char *buf, size_t cap, const gt_node *n) {
  if (n && n->file && n->line > 0)
    snprintf(buf, cap, "as written at %s:%d:%d", n->file, n->line, n->col);
  else
    snprintf(buf, cap, "(built in)");
}

static void row(const char *what, const char *value, const char *source) {
  printf("    %-12s %s  [%s]\n", what, value, source);
}

/* The last layer that sets a field is where the field comes from. */
static void explain_expect(const layer *l, size_t n) {
  const char *src;
  char v[600];
  src = NULL;
  for (size_t i = 0; i < n; i++)
    if (l[i].e->has_status) src = l[i].source, snprintf(v, sizeof v, "%s", l[i].e->status_text);
  if (src) row("status", v, src);
  src = NULL;
  for (size_t i = 0; i < n; i++)
    if (l[i].e->refused >= 0)
      src = l[i].source,
      snprintf(v, sizeof v, "%s", l[i].e->refused ? "refused/reset accepted" : "a response is due");
  if (src) row("refused", v, src);
  src = NULL;
  for (size_t i = 0; i < n; i++)
    if (l[i].e->error_shape >= 0)
      src = l[i].source,
      snprintf(v, sizeof v, "%s",
               l[i].e->error_shape ? "4xx/5xx body has errors.shape" : "not required");
  if (src) row("error_shape", v, src);
  const struct {
    const char *name;
    size_t off;
  } nodes[] = {{"headers", offsetof(gt_expect, headers)},
               {"json", offsetof(gt_expect, json)},
               {"body", offsetof(gt_expect, body)}};
  for (size_t k = 0; k < sizeof nodes / sizeof *nodes; k++) {
    src = NULL;
    for (size_t i = 0; i < n; i++) {
      const gt_node *node = *(const gt_node *const *)((const char *)l[i].e + nodes[k].off);
      if (node) src = l[i].source, at(v, sizeof v, node);
    }
    if (src) row(nodes[k].name, v, src);
  }
  src = NULL;
  for (size_t i = 0; i < n; i++)
    if (l[i].e->n_jsonpath)
      src = l[i].source,
      snprintf(v, sizeof v, "%zu path(s), first %s", l[i].e->n_jsonpath, l[i].e->jsonpath[0].src);
  if (src) row("jsonpath", v, src);
  src = NULL;
  for (size_t i = 0; i < n; i++)
    if (l[i].e->schema)
      src = l[i].source, snprintf(v, sizeof v, "a JSON Schema (%s)",
                                  gt_schema_dialect_name(gt_schema_dialect_of(l[i].e->schema)));
  if (src) row("schema", v, src);
  src = NULL;
  for (size_t i = 0; i < n; i++)
    if (l[i].e->max_time_ms >= 0)
      src = l[i].source, snprintf(v, sizeof v, "%ld ms", l[i].e->max_time_ms);
  if (src) row("max_time", v, src);
}

static void explain_checks(const gt_suite *s, const gt_case *c) {
  const gt_scenario *sc = &s->scenarios[c->scenario];
  if (c->transport_only) {
    row("checks", "none but the fault's own (transport fault)", "catalogue");
    return;
  }
  for (int id = 0; id < GT_CHECK_UNIVERSAL_COUNT; id++) {
    int sw = sc->checks.on[id];
    const char *name = gt_check_name((gt_check_id)id);
    if (sw == GT_SWITCH_OFF)
      row(name, "off", "scenario checks");
    else if (sw == GT_SWITCH_ON && s->profile.check_disabled[id])
      row(name, "on", "scenario checks (profile: off)");
    else if (sw == GT_SWITCH_PROFILE && s->profile.check_disabled[id])
      row(name, "off", "profile checks");
  }
  if (sc->checks.content_type_match || sc->checks.content_type) {
    char v[600];
    if (sc->checks.content_type_match)
      at(v, sizeof v, sc->checks.content_type_match);
    else
      snprintf(v, sizeof v, "%s", sc->checks.content_type);
    row("content_type", v, "scenario checks");
  } else if (s->profile.transport.content_type_match || s->profile.transport.content_type) {
    char v[600];
    if (s->profile.transport.content_type_match)
      at(v, sizeof v, s->profile.transport.content_type_match);
    else
      snprintf(v, sizeof v, "%s", s->profile.transport.content_type);
    row("content_type", v, "profile transport");
  }
}

void cli_explain_case(const gt_suite *s, const gt_case *c) {
  if (c->skip_reason) return;
  layer l[8];
  size_t n = layers_of(s, c, l);
  explain_expect(l, n);
  explain_checks(s, c);
}
