/* fixture.c — the hand-built suite of fixture.h. */
#include "fixture.h"

#include <stdlib.h>
#include <string.h>

#include "check/check.h"

void ts_fixture_init(ts_fixture *f, const char *base_url) {
  memset(f, 0, sizeof *f);
  f->suite.name = "t";
  f->suite.file = "test.yaml";
  f->suite.base_url = ts_fixture_yaml(f, base_url);
  for (int i = 0; i < GT_FAULT_COUNT; i++)
    gt_expect_init(&f->suite.profile.fault_expect[i]);
  f->suite.profile.auth.scheme = GT_AUTH_BEARER;
  f->suite.profile.auth.token = ts_fixture_yaml(f, "${TOKEN}");
}

const gt_node *ts_fixture_yaml(ts_fixture *f, const char *yaml) {
  if (f->n_trees >= TS_FIXTURE_MAX_TREES) {
    gt_err_set(&f->err, GT_ERR_RUNTIME, NULL, 0, 0, "more than %d fixture trees",
               TS_FIXTURE_MAX_TREES);
    return NULL;
  }
  gt_node *n = gt_yaml_parse("test.yaml", yaml, strlen(yaml), &f->err);
  if (n) f->trees[f->n_trees++] = n;
  return n;
}

gt_scenario *ts_fixture_scenario(ts_fixture *f, const char *name, const gt_node *method,
                                 const gt_node *path) {
  gt_suite *s = &f->suite;
  gt_scenario *grown = realloc(s->scenarios, (s->n_scenarios + 1) * sizeof *s->scenarios);
  if (!grown) abort(); /* a test fixture: no recovery from OOM */
  s->scenarios = grown;
  gt_scenario *sc = &s->scenarios[s->n_scenarios++];
  memset(sc, 0, sizeof *sc);
  sc->name = strdup(name);
  sc->request.method = method;
  sc->request.path = path;
  sc->request.auth = true;
  gt_expect_init(&sc->expect);
  return sc;
}

void ts_fixture_free(ts_fixture *f) {
  gt_suite *s = &f->suite;
  for (size_t i = 0; i < s->n_scenarios; i++) {
    gt_scenario *sc = &s->scenarios[i];
    free(sc->name);
    for (size_t k = 0; k < sc->n_faults; k++)
      gt_expect_free(&sc->faults[k].expect);
    free(sc->faults);
    gt_expect_free(&sc->expect);
    for (size_t r = 0; r < sc->request.n_required; r++) {
      free(sc->request.required[r]);
      gt_jsonpath_free(sc->request.required_paths[r]);
    }
    free(sc->request.required);
    free(sc->request.required_paths);
  }
  free(s->scenarios);
  for (int i = 0; i < GT_FAULT_COUNT; i++)
    gt_expect_free(&s->profile.fault_expect[i]);
  free(s->profile.default_faults);
  for (int i = 0; i < f->n_trees; i++)
    gt_node_free(f->trees[i]);
  memset(f, 0, sizeof *f);
}
