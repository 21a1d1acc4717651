/* fixture.h — a hand-built suite for the unit tests of fault/ (expansion and
 * request building). The loader is tested elsewhere; these tests set model
 * fields directly and need the same scaffolding: YAML snippets kept alive,
 * scenarios appended, everything freed at the end. */
#ifndef TS_FIXTURE_H
#define TS_FIXTURE_H

#include "suite/suite.h"

#define TS_FIXTURE_MAX_TREES 64

typedef struct ts_fixture {
  gt_suite suite; /* name "t", file "test.yaml", bearer auth with token ${TOKEN} */
  gt_node *trees[TS_FIXTURE_MAX_TREES]; /* parsed by ts_fixture_yaml (owned) */
  int n_trees;
  gt_err err; /* why ts_fixture_yaml returned NULL */
} ts_fixture;

/* base_url is YAML text (e.g. "https://api.example.com/v2"). */
void ts_fixture_init(ts_fixture *f, const char *base_url);
/* Parses yaml into a tree kept until ts_fixture_free; NULL (see f->err) on
 * bad YAML or when TS_FIXTURE_MAX_TREES trees are held. */
const gt_node *ts_fixture_yaml(ts_fixture *f, const char *yaml);
/* Appends a scenario (auth: true, default expect). method and path are
 * fixture trees. The pointer is valid until the next scenario is added. */
gt_scenario *ts_fixture_scenario(ts_fixture *f, const char *name, const gt_node *method,
                                 const gt_node *path);
/* Frees the scenarios (names, fault refs, expectations, required lists), the
 * profile's expectations and default faults, and the trees. */
void ts_fixture_free(ts_fixture *f);

#endif
