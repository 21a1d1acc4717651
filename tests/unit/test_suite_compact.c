/* test_suite_compact.c — after loading, the suite keeps only the YAML its
 * model references (suite/load_compact.c). Every borrowed pointer of the
 * model must point at an equal copy (same text, tags, FILE:LINE:COL) in the
 * compact arena, compiled !regex and JSONPath must have moved along, and
 * nothing may dangle (this test is meant to run under ASan too). */
#include <criterion/criterion.h>
#include <string.h>

#include "check/check.h"
#include "core/buf.h"
#include "suite/borrowed.h"
#include "suite/suite.h"

/* One of each borrowed pointer (suite/borrowed.h): a field of the table this
 * suite leaves NULL fails `every_borrowed_pointer_is_set_by_the_fixture`. */
static const char suite_yaml[] =
    "suite: compact\n"
    "base_url: http://127.0.0.1:9/v1\n"
    "profile:\n"
    "  profile: p\n"
    "  auth:\n"
    "    scheme: bearer\n"
    "    token: tok-value\n"
    "    format: jwt\n"
    "    jwt_secret: sec\n"
    "    jwt_claims: {sub: me}\n"
    "  transport:\n"
    "    content_type: !one_of [application/json, application/problem+json]\n"
    "    headers:\n"
    "      X-Req: !regex '^a+$'\n"
    "  errors:\n"
    "    shape:\n"
    "      error: !string\n"
    "    answers:\n"
    "      503: !exact {status: maintenance}\n"
    "  envelope:\n"
    "    ok: !boolean\n"
    "  limits: {rate_limit: 5}\n"
    "  liveness: {method: head, path: /health, query: {q: '1'}, headers: {X-Probe: yes}}\n"
    "  faults:\n"
    "    default:\n"
    "      - unauthenticated:\n"
    "          status: 401\n"
    "          jsonpath:\n"
    "            $.err: !regex '^e'\n"
    "    expect:\n"
    "      invalid_token:\n"
    "        status: 403\n"
    "        headers:\n"
    "          WWW-Authenticate: !any\n"
    "        body: !regex 'x+'\n"
    "defaults:\n"
    "  headers: {Accept: application/json}\n"
    "scenarios:\n"
    "  - name: one\n"
    "    request:\n"
    "      method: post\n"
    "      path: /items\n"
    "      query: {a: '1'}\n"
    "      headers: {X-H: v}\n"
    "      json: {k: [1, 2], n: !!int '3'}\n"
    "      auth: {mint: {sub: '${item_id_x:-u}'}}\n"
    "    checks: {content_type: !regex '^text/'}\n"
    "    expect:\n"
    "      status: 201\n"
    "      headers:\n"
    "        Location: !regex '^/items/'\n"
    "      json:\n"
    "        id: !integer\n"
    "      jsonpath:\n"
    "        $.id: !integer\n"
    "        $.name: !regex '^n'\n"
    "      if_status:\n"
    "        201:\n"
    "          json: {kind: !regex '^k'}\n"
    "          jsonpath:\n"
    "            $.kind: !string\n"
    "    faults:\n"
    "      - missing_field:\n"
    "          status: 422\n"
    "          jsonpath:\n"
    "            $.error: !string\n"
    "    respond:\n"
    "      status: 201\n"
    "      json: {id: 1}\n"
    "    capture: {item_id: $.id}\n"
    "  - name: two\n"
    "    request: {method: get, path: '/items/${item_id}', body: raw text,\n"
    "              auth: {scheme: basic, token: 'u:pw'}}\n"
    "    expect:\n"
    "      body: !regex 'ok'\n"
    "    poll:\n"
    "      until:\n"
    "        headers: {X-State: !regex '^done$'}\n"
    "        jsonpath: {$.state: done}\n";

static gt_suite *load(bool keep_trees) {
  gt_load_opts o = {.use_env = false, .keep_trees = keep_trees};
  gt_err err = {0};
  gt_suite *s = gt_suite_load_string("compact.yaml", suite_yaml, strlen(suite_yaml), &o, &err);
  cr_assert_not_null(s, "load failed: %s:%d:%d: %s", err.file, err.line, err.col, err.msg);
  return s;
}

/* a and b are equal trees, positions and tags included. */
static void same_tree(const gt_node *a, const gt_node *b, const char *what) {
  if (!a || !b) {
    cr_assert(!a && !b, "%s: one is NULL", what);
    return;
  }
  cr_assert_neq(a, b, "%s: the same node, not a copy", what);
  cr_assert_eq(a->kind, b->kind, "%s: kind", what);
  cr_assert_eq(a->line, b->line, "%s: line", what);
  cr_assert_eq(a->col, b->col, "%s: col", what);
  cr_assert_str_eq(a->file, b->file, "%s: file", what);
  cr_assert_eq(a->quoted, b->quoted, "%s: quoted", what);
  cr_assert_eq(a->typed, b->typed, "%s: typed", what);
  cr_assert_eq(!a->tag, !b->tag, "%s: tag", what);
  if (a->tag) cr_assert_str_eq(a->tag, b->tag, "%s: tag", what);
  cr_assert_eq(!a->aux, !b->aux, "%s: compiled data (aux) moved along", what);
  cr_assert_eq(a->text_len, b->text_len, "%s: text_len", what);
  if (a->text) cr_assert_eq(memcmp(a->text, b->text, a->text_len), 0, "%s: text", what);
  cr_assert_eq(a->count, b->count, "%s: count", what);
  for (size_t i = 0; i < a->count; i++) {
    if (a->keys) same_tree(a->keys[i], b->keys[i], what);
    same_tree(a->items[i], b->items[i], what);
  }
}

static void same_expect(const gt_expect *a, const gt_expect *b, const char *what) {
#define SAME(field) same_tree(a->field, b->field, what);
  GT_EXPECT_BORROWED(SAME)
#undef SAME
  cr_assert_eq(a->n_jsonpath, b->n_jsonpath, "%s: jsonpath count", what);
  for (size_t i = 0; i < a->n_jsonpath; i++) {
    cr_assert_str_eq(a->jsonpath[i].src, b->jsonpath[i].src, "%s: jsonpath src", what);
    cr_assert_not_null(a->jsonpath[i].path);
    cr_assert_str_eq(gt_jsonpath_source(a->jsonpath[i].path), a->jsonpath[i].src);
    same_tree(a->jsonpath[i].tmpl, b->jsonpath[i].tmpl, what);
  }
}

Test(compact, every_borrowed_pointer_is_an_equal_copy) {
  gt_suite *c = load(false), *k = load(true);
  cr_assert_eq(c->n_trees, 1, "one compact arena");
  cr_assert_geq(k->n_trees, 1);
#define SAME(field) same_tree(c->field, k->field, #field);
  GT_SUITE_BORROWED(SAME)
#undef SAME
  const gt_profile *pc = &c->profile, *pk = &k->profile;
#define SAME(field) same_tree(pc->field, pk->field, "profile." #field);
  GT_PROFILE_BORROWED(SAME)
#undef SAME
  cr_assert_not_null(pc->liveness.path);
  cr_assert_str_eq(pc->liveness.method->text, "HEAD");
  cr_assert_eq(pc->n_default_faults, 1);
  same_expect(&pc->default_faults[0].expect, &pk->default_faults[0].expect, "default_faults");
  for (int f = 0; f < GT_FAULT_COUNT; f++)
    same_expect(&pc->fault_expect[f], &pk->fault_expect[f], "fault_expect");
  cr_assert_not_null(pc->fault_expect[GT_FAULT_INVALID_TOKEN].body);
  cr_assert_eq(c->n_scenarios, 2);
  for (size_t i = 0; i < c->n_scenarios; i++) {
    const gt_scenario *a = &c->scenarios[i], *b = &k->scenarios[i];
    cr_assert_str_eq(a->name, b->name);
#define SAME(field) same_tree(a->field, b->field, "scenario." #field);
    GT_SCENARIO_BORROWED(SAME)
#undef SAME
    same_expect(&a->expect, &b->expect, "expect");
    cr_assert_eq(a->n_faults, b->n_faults);
    for (size_t f = 0; f < a->n_faults; f++)
      same_expect(&a->faults[f].expect, &b->faults[f].expect, "faults[].expect");
    cr_assert_eq(!a->poll, !b->poll);
    if (a->poll) same_expect(&a->poll->until, &b->poll->until, "poll.until");
  }
  cr_assert_not_null(c->scenarios[1].poll, "the second scenario polls");
  cr_assert_str_eq(c->scenarios[0].request.method->text, "POST", "upper-cased at load, kept");
  cr_assert_not_null(c->scenarios[0].request.auth_with.mint);
  cr_assert_not_null(c->scenarios[0].checks.content_type_match);
  cr_assert_not_null(c->scenarios[1].request.auth_with.token);
  const gt_node *n = gt_node_get(c->scenarios[0].request.body, "n");
  cr_assert_eq(n->typed, GT_TYPED_INT, "the !!int mark moved along");
  gt_suite_free(c);
  gt_suite_free(k);
}

/* The fixture sets every field of the table (in some scenario), so each one
 * is really moved and compared above: a row added to suite/borrowed.h
 * without a line in suite_yaml fails here. */
Test(compact, every_borrowed_pointer_is_set_by_the_fixture) {
  gt_suite *s = load(true);
#define SET(field) cr_assert_not_null(s->field, "the fixture sets " #field);
  GT_SUITE_BORROWED(SET)
#undef SET
  const gt_profile *p = &s->profile;
#define SET(field) cr_assert_not_null(p->field, "the fixture sets profile." #field);
  GT_PROFILE_BORROWED(SET)
#undef SET
#define SET(field)                                                                                 \
  {                                                                                                \
    bool any = false;                                                                              \
    for (size_t i = 0; i < s->n_scenarios; i++)                                                    \
      any = any || s->scenarios[i].field;                                                          \
    cr_assert(any, "the fixture sets scenario." #field " somewhere");                              \
  }
  GT_SCENARIO_BORROWED(SET)
#undef SET
  const gt_expect *e = &s->scenarios[0].expect, *inv = &p->fault_expect[GT_FAULT_INVALID_TOKEN];
#define SET(field) cr_assert(e->field || inv->field, "the fixture sets expect." #field);
  GT_EXPECT_BORROWED(SET)
#undef SET
  gt_suite_free(s);
}

/* The moved !regex and JSONPath still work (and are freed once: ASan). */
Test(compact, compiled_matchers_moved_along) {
  gt_suite *s = load(false);
  const gt_scenario *sc = &s->scenarios[0];
  const gt_node *loc = gt_node_get(sc->expect.headers, "Location");
  cr_assert_not_null(loc);
  cr_assert_not_null(loc->aux, "compiled regex on the copy");
  gt_failures f = {0};
  cr_assert(gt_template_match_text(loc, "/items/7", NULL, GT_CHECK_HEADERS, "Location", &f));
  cr_assert_not(gt_template_match_text(loc, "/other", NULL, GT_CHECK_HEADERS, "Location", &f));
  gt_failures_free(&f);
  cJSON *doc = cJSON_Parse("{\"id\": 3, \"name\": \"nick\"}");
  const cJSON *out[2];
  cr_assert_eq(gt_jsonpath_eval(sc->expect.jsonpath[1].path, doc, out, 2), 1);
  gt_failures f2 = {0};
  cr_assert(gt_template_match(sc->expect.jsonpath[1].tmpl, out[0], NULL, GT_CHECK_JSONPATH,
                              sc->expect.jsonpath[1].src, &f2));
  gt_failures_free(&f2);
  cJSON_Delete(doc);
  gt_suite_free(s);
}

/* The point of it: far less tree memory per scenario. */
Test(compact, keeps_less_than_the_parsed_trees) {
  enum { N = 2000 };
  gt_buf y;
  gt_buf_init(&y);
  gt_buf_printf(&y, "suite: big\nbase_url: http://127.0.0.1:9/v1\nscenarios:\n");
  for (int i = 0; i < N; i++)
    gt_buf_printf(&y,
                  "  - name: item %d\n    request: {method: GET, path: /items/%d}\n"
                  "    expect:\n      status: 200\n      jsonpath: {$.id: %d}\n",
                  i, i, i);
  gt_err err = {0};
  gt_load_opts keep = {.keep_trees = true}, compact = {0};
  gt_suite *k = gt_suite_load_string("big.yaml", y.data, y.len, &keep, &err);
  gt_suite *c = gt_suite_load_string("big.yaml", y.data, y.len, &compact, &err);
  gt_buf_free(&y);
  cr_assert(k && c);
  size_t kept = 0;
  for (size_t i = 0; i < k->n_trees; i++)
    kept += gt_node_arena_bytes(gt_node_arena_of(k->trees[i]));
  size_t compacted = gt_node_arena_bytes(gt_node_arena_of(c->trees[0]));
  cr_assert_lt(compacted * 2, kept, "compacted %zu bytes vs %zu parsed", compacted, kept);
  cr_assert_str_eq(c->scenarios[N - 1].request.path->text, "/items/1999");
  cr_assert_str_eq(c->scenarios[N - 1].expect.jsonpath[0].src, "$.id");
  gt_suite_free(k);
  gt_suite_free(c);
}

/* gt_node_arena_move: shared references stay shared, aux has one owner. */
Test(compact, move_forwards_and_shares) {
  gt_node *root = gt_node_arena_root(GT_NODE_MAP, "f.yaml", 1, 1);
  gt_node_arena *a = gt_node_arena_of(root);
  gt_node *k = gt_node_arena_new(a, GT_NODE_SCALAR, "f.yaml", 2, 3);
  k->text = gt_node_arena_strndup(a, "a\0b", 3);
  k->text_len = 3;
  gt_node *v = gt_node_arena_new(a, GT_NODE_SEQ, "f.yaml", 2, 6);
  gt_node *item = gt_node_new_scalar("x", true, "f.yaml", 3, 5); /* a heap child */
  gt_node *items[] = {item};
  gt_node_arena_set_children(a, v, NULL, items, 1);
  gt_node *keys[] = {k}, *vals[] = {v};
  gt_node_arena_set_children(a, root, keys, vals, 1);
  item->aux = gt_xstrdup("owned");
  item->aux_free = free;

  gt_node *holder = gt_node_arena_root(GT_NODE_SEQ, "f.yaml", 1, 1);
  gt_node_arena *b = gt_node_arena_of(holder);
  gt_node *item_copy = gt_node_arena_move(b, item); /* the descendant first */
  gt_node *v_copy = gt_node_arena_move(b, v);
  cr_assert(gt_node_is_forwarded(item) && gt_node_is_forwarded(v));
  cr_assert_eq(v_copy->items[0], item_copy, "the ancestor reuses the descendant's copy");
  cr_assert_eq(gt_node_arena_move(b, v), v_copy);
  cr_assert_str_eq(item_copy->aux, "owned");
  cr_assert_eq(item_copy->line, 3);
  cr_assert(item_copy->quoted);
  gt_node *k_copy = gt_node_arena_move(b, k);
  cr_assert_eq(k_copy->text_len, 3);
  cr_assert_eq(memcmp(k_copy->text, "a\0b", 4), 0);
  gt_node_free(root);   /* the original: aux no longer its own */
  gt_node_free(holder); /* frees "owned" once (ASan/LSan) */
}

/* auth.params (scheme query) is borrowed outside the table (borrowed.h): a
 * suite of its own, compacted and kept, compares equal. */
Test(compact, query_auth_params_are_moved) {
  static const char yaml[] = "suite: q\n"
                             "base_url: http://127.0.0.1:9/v1\n"
                             "profile:\n"
                             "  auth: {scheme: query, params: {u: me, p: pw}}\n"
                             "scenarios:\n"
                             "  - name: a\n"
                             "    request: {method: GET, path: /x}\n";
  gt_suite *q[2];
  for (int i = 0; i < 2; i++) {
    gt_load_opts o = {.use_env = false, .keep_trees = i == 1};
    gt_err err = {0};
    q[i] = gt_suite_load_string("q.yaml", yaml, strlen(yaml), &o, &err);
    cr_assert_not_null(q[i], "load failed: %s", err.msg);
  }
  cr_assert_not_null(q[0]->profile.auth.params);
  same_tree(q[0]->profile.auth.params, q[1]->profile.auth.params, "profile.auth.params");
  gt_suite_free(q[0]);
  gt_suite_free(q[1]);
}
