/* test_serve_store.c — serve's in-memory collections (serve_store.c): ids,
 * insertion order, `where` selection through the field indexes (kept up to
 * date by replacements, deletions, `later` changes and evictions), and the
 * per-collection limit that bounds memory. The store is driven directly: the
 * suite-level behaviour is in test_serve_core.c. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "serve/serve_internal.h"

static cJSON *rec(const char *id, const char *app, const char *status, const char *branch) {
  cJSON *r = cJSON_CreateObject();
  cJSON_AddStringToObject(r, "_id", id);
  cJSON_AddStringToObject(r, "app_id", app);
  cJSON_AddStringToObject(r, "build_status", status);
  cJSON *ci = cJSON_AddObjectToObject(r, "commit_info");
  cJSON_AddStringToObject(ci, "branch", branch);
  return r;
}

/* The ids a selection visits, space-separated (all of them: no limit). */
typedef struct ids_acc {
  char text[1024];
  size_t stop_after; /* 0: never stop */
  size_t n;
} ids_acc;

static bool add_id(const cJSON *r, void *ud) {
  ids_acc *a = ud;
  const cJSON *id = cJSON_GetObjectItemCaseSensitive(r, "_id");
  size_t len = strlen(a->text);
  snprintf(a->text + len, sizeof a->text - len, "%s%s", len ? " " : "", id->valuestring);
  a->n++;
  return !a->stop_after || a->n < a->stop_after;
}

static const char *select_ids(serve_store *st, const char *coll, const serve_where *w, size_t n,
                              bool newest) {
  static ids_acc acc;
  memset(&acc, 0, sizeof acc);
  serve_collection *c = serve_store_find(st, coll);
  if (c) serve_store_select(c, w, n, newest, add_id, &acc);
  return acc.text;
}

Test(store, ids_order_and_replacement_keep_age) {
  serve_store st = {0};
  serve_store_put(&st, "builds", "a", rec("a", "app1", "queued", "main"));
  serve_store_put(&st, "builds", "b", rec("b", "app1", "queued", "dev"));
  serve_store_put(&st, "builds", "c", rec("c", "app2", "queued", "main"));
  cr_assert_str_eq(select_ids(&st, "builds", NULL, 0, false), "a b c");
  cr_assert_str_eq(select_ids(&st, "builds", NULL, 0, true), "c b a");
  /* replacing keeps the record's place in the order */
  serve_store_put(&st, "builds", "a", rec("a", "app2", "success", "main"));
  cr_assert_str_eq(select_ids(&st, "builds", NULL, 0, true), "c b a");
  const cJSON *a = serve_store_get(&st, "builds", "a");
  cr_assert_str_eq(cJSON_GetObjectItem(a, "build_status")->valuestring, "success");
  cr_assert_null(serve_store_get(&st, "builds", "zz"));
  cr_assert_null(serve_store_get(&st, "apps", "a"));
  cr_assert(serve_store_delete(&st, "builds", "b"));
  cr_assert_not(serve_store_delete(&st, "builds", "b"));
  cr_assert_null(serve_store_get(&st, "builds", "b"));
  cr_assert_str_eq(select_ids(&st, "builds", NULL, 0, false), "a c");
  serve_store_free(&st);
}

Test(store, where_selects_through_indexes_that_follow_every_change) {
  serve_store st = {0};
  char id[16];
  for (int i = 0; i < 300; i++) { /* enough for the hash tables to grow */
    snprintf(id, sizeof id, "r%03d", i);
    serve_store_put(&st, "builds", id,
                    rec(id, i % 3 ? "app1" : "app2", "queued", i % 2 ? "dev" : "main"));
  }
  serve_where app2_main[] = {{"app_id", "app2"}, {"commit_info.branch", "main"}, {"x", ""}};
  /* i % 3 == 0 and i even: i % 6 == 0 */
  ids_acc want = {0};
  for (int i = 294; i >= 0; i -= 6) {
    snprintf(id, sizeof id, "r%03d", i);
    add_id(serve_store_get(&st, "builds", id), &want);
  }
  cr_assert_eq(want.n, 50);
  cr_assert_str_eq(select_ids(&st, "builds", app2_main, 3, true), want.text);

  /* a replacement moves a record between values; its age stays */
  serve_store_put(&st, "builds", "r001", rec("r001", "app2", "queued", "main"));
  const char *got = select_ids(&st, "builds", app2_main, 3, false);
  cr_assert(!strncmp(got, "r000 r001 r006", 14), "oldest first, r001 in its place: %s", got);
  /* a deletion leaves the index */
  cr_assert(serve_store_delete(&st, "builds", "r000"));
  got = select_ids(&st, "builds", app2_main, 3, false);
  cr_assert(!strncmp(got, "r001 r006", 9), "%s", got);
  /* a value no record has */
  serve_where none[] = {{"app_id", "app9"}};
  cr_assert_str_eq(select_ids(&st, "builds", none, 1, false), "");
  /* a non-string field compares as its JSON text */
  cJSON *n = rec("num", "app3", "queued", "main");
  cJSON_AddNumberToObject(n, "build_number", 42);
  serve_store_put(&st, "builds", "num", n);
  serve_where by_number[] = {{"build_number", "42"}};
  cr_assert_str_eq(select_ids(&st, "builds", by_number, 1, false), "num");
  serve_store_free(&st);
}

Test(store, later_changes_apply_in_due_order_and_reindex) {
  serve_store st = {0};
  serve_store_put(&st, "builds", "a", rec("a", "app1", "queued", "main"));
  serve_store_put(&st, "builds", "b", rec("b", "app1", "queued", "main"));
  serve_store_put(&st, "builds", "c", rec("c", "app1", "queued", "main"));
  serve_where queued[] = {{"build_status", "queued"}}, done[] = {{"build_status", "success"}};
  cr_assert_str_eq(select_ids(&st, "builds", queued, 1, false), "a b c"); /* index built */
  cJSON *p = cJSON_CreateObject();
  cJSON_AddStringToObject(p, "build_status", "success");
  serve_store_later(&st, "builds", "c", cJSON_Duplicate(p, true), 0); /* at once */
  serve_store_later(&st, "builds", "b", cJSON_Duplicate(p, true), 3600 * 1000);
  serve_store_later(&st, "builds", "a", p, 0);
  cr_assert_str_eq(select_ids(&st, "builds", queued, 1, false), "b");
  /* a, finished after c, still comes first: the group keeps insertion order */
  cr_assert_str_eq(select_ids(&st, "builds", done, 1, false), "a c");
  cr_assert_str_eq(select_ids(&st, "builds", done, 1, true), "c a");
  /* replacing b voids its pending change */
  serve_store_put(&st, "builds", "b", rec("b", "app1", "failed", "main"));
  serve_collection *c = serve_store_find(&st, "builds");
  cr_assert_eq(c->n_heap, 0);
  serve_store_free(&st);
}

Test(store, a_collection_keeps_at_most_its_limit_dropping_the_oldest) {
  serve_store st = {.limit = 5};
  char id[16];
  serve_where app1[] = {{"app_id", "app1"}};
  cr_assert_str_eq(select_ids(&st, "builds", app1, 1, false), "");
  for (int i = 0; i < 8; i++) {
    snprintf(id, sizeof id, "r%d", i);
    serve_store_put(&st, "builds", id, rec(id, "app1", "queued", "main"));
    if (i == 1) select_ids(&st, "builds", app1, 1, false); /* the index exists early */
    if (i == 2) serve_store_later(&st, "builds", "r0", cJSON_CreateObject(), 3600 * 1000);
  }
  serve_collection *c = serve_store_find(&st, "builds");
  cr_assert_eq(c->count, 5);
  cr_assert_eq(c->evicted, 3);
  cr_assert_eq(c->n_heap, 0, "the evicted record's pending change went with it");
  cr_assert_null(serve_store_get(&st, "builds", "r0"));
  cr_assert_null(serve_store_get(&st, "builds", "r2"));
  cr_assert_not_null(serve_store_get(&st, "builds", "r3"));
  cr_assert_str_eq(select_ids(&st, "builds", app1, 1, false), "r3 r4 r5 r6 r7");
  cr_assert_str_eq(select_ids(&st, "builds", NULL, 0, true), "r7 r6 r5 r4 r3");
  /* a replacement is not one more record */
  serve_store_put(&st, "builds", "r3", rec("r3", "app1", "queued", "main"));
  cr_assert_eq(c->count, 5);
  cr_assert_not_null(serve_store_get(&st, "builds", "r3"));
  /* other collections have their own limit */
  serve_store_put(&st, "apps", "x", cJSON_CreateObject());
  cr_assert_not_null(serve_store_get(&st, "apps", "x"));
  cr_assert_eq(serve_store_limit(&st), 5);
  serve_store_free(&st);
  serve_store none = {0};
  cr_assert_eq(serve_store_limit(&none), SERVE_STORE_LIMIT_DEFAULT);
}

Test(store, a_visit_can_stop_early) {
  serve_store st = {0};
  serve_store_put(&st, "b", "1", rec("1", "app1", "q", "m"));
  serve_store_put(&st, "b", "2", rec("2", "app1", "q", "m"));
  serve_store_put(&st, "b", "3", rec("3", "app1", "q", "m"));
  ids_acc acc = {.stop_after = 2};
  serve_where w[] = {{"app_id", "app1"}};
  cr_assert_eq(serve_store_select(serve_store_find(&st, "b"), w, 1, true, add_id, &acc), 2);
  cr_assert_str_eq(acc.text, "3 2");
  serve_store_free(&st);
}
