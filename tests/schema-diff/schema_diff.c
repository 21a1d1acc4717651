/* schema_diff.c — differential test of gauntlet's JSON Schema validator against
 * ajv, the reference JavaScript validator.
 *
 *   schema_diff [--seed N] [--schemas N] [--instances N]
 *
 * Runs tests/schema-diff/ajv_verdicts.mjs (node), which generates schema /
 * instance pairs deterministically for 2020-12, draft-07 and draft-04 and
 * prints ajv's verdict on each; validates every pair with the library and
 * compares. Every disagreement is printed (schema, instance, both verdicts,
 * gauntlet's first error). Disagreements that were studied are listed in
 * tests/fixtures/schema/diff-regressions.json with the side the
 * specification supports, and replayed without ajv by
 * tests/unit/test_schema_diff_regressions.c.
 *
 * Exit: 0 every pair agrees; 1 a disagreement (or node failed); 77 node or
 * the npm packages are not installed (scripts/install-schema-diff.sh) — but 1
 * when CI=true, where they are installed first. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "schema/schema.h"
#include "support.h"

#define DIFF_DIR SOURCE_DIR "/tests/schema-diff"
#define SHOWN 25

typedef struct counts {
  size_t schemas, rejected, pairs, valid, invalid;
} counts;

static int not_installed(const char *what) {
  char *missing = ts_fmt("%s is missing", what);
  int rc =
      ts_not_installed("schema-diff/ajv", missing,
                       "Install it with scripts/install-schema-diff.sh (node, npm and the npm\n"
                       "registry: ajv, ajv-draft-04 from tests/schema-diff/package-lock.json).");
  free(missing);
  return rc;
}

static int dialect_index(gt_schema_dialect d) {
  return d == GT_DIALECT_2020_12 ? 0 : d == GT_DIALECT_DRAFT7 ? 1 : 2;
}

static void show(const char *why, long n, const char *dialect, const cJSON *schema,
                 const cJSON *instance, bool ajv, bool ours, const char *detail) {
  char *s = cJSON_PrintUnformatted(schema);
  char *i = instance ? cJSON_PrintUnformatted(instance) : NULL;
  printf("DISAGREE (%s) #%ld %s\n  schema:   %s\n", why, n, dialect, s);
  if (i) printf("  instance: %s\n", i);
  printf("  ajv: %s, gauntlet: %s%s%s\n", ajv ? "valid" : "invalid", ours ? "valid" : "invalid",
         detail ? " — " : "", detail ? detail : "");
  free(s);
  free(i);
}

int main(int argc, char **argv) {
  long seed = 1, n_schemas = 6000, n_instances = 8;
  for (int a = 1; a + 1 < argc; a += 2) {
    long v = strtol(argv[a + 1], NULL, 10);
    if (!strcmp(argv[a], "--seed"))
      seed = v;
    else if (!strcmp(argv[a], "--schemas"))
      n_schemas = v;
    else if (!strcmp(argv[a], "--instances"))
      n_instances = v;
    else {
      fprintf(stderr, "usage: schema_diff [--seed N] [--schemas N] [--instances N]\n");
      return 2;
    }
  }
  if (system("node --version >/dev/null 2>&1") != 0) return not_installed("node");
  if (access(DIFF_DIR "/node_modules/ajv/package.json", R_OK) != 0)
    return not_installed(DIFF_DIR "/node_modules/ajv");
  if (access(DIFF_DIR "/node_modules/ajv-draft-04/package.json", R_OK) != 0)
    return not_installed(DIFF_DIR "/node_modules/ajv-draft-04");

  char cmd[1024];
  snprintf(cmd, sizeof cmd,
           "cd '%s' && node ajv_verdicts.mjs --seed %ld --schemas %ld --instances %ld", DIFF_DIR,
           seed, n_schemas, n_instances);
  FILE *p = popen(cmd, "r");
  if (!p) {
    perror("popen");
    return 1;
  }
  counts per[3] = {{0}};
  size_t disagreements = 0, lines = 0;
  char *line = NULL;
  size_t cap = 0;
  while (getline(&line, &cap, p) > 0) {
    lines++;
    cJSON *rec = cJSON_Parse(line);
    const cJSON *dl = cJSON_GetObjectItemCaseSensitive(rec, "dialect");
    const cJSON *schema = cJSON_GetObjectItemCaseSensitive(rec, "schema");
    const cJSON *num = cJSON_GetObjectItemCaseSensitive(rec, "n");
    gt_schema_dialect d;
    if (!rec || !cJSON_IsString(dl) || !schema || !gt_schema_dialect_parse(dl->valuestring, &d)) {
      fprintf(stderr, "schema_diff: unreadable line %zu from ajv_verdicts.mjs: %.200s\n", lines,
              line);
      cJSON_Delete(rec);
      pclose(p);
      free(line);
      return 1;
    }
    long n = cJSON_IsNumber(num) ? (long)num->valuedouble : -1;
    counts *c = &per[dialect_index(d)];
    c->schemas++;
    if (cJSON_GetObjectItemCaseSensitive(rec, "rejected")) {
      /* ajv could not compile or run it: nothing to compare. */
      c->rejected++;
      cJSON_Delete(rec);
      continue;
    }
    char name[64];
    snprintf(name, sizeof name, "generated-%ld.json", n);
    gt_schema_opts o = {.dialect = d, .no_files = true};
    gt_err err = {0};
    gt_schema *s = gt_schema_compile_json(schema, name, &o, &err);
    const cJSON *instances = cJSON_GetObjectItemCaseSensitive(rec, "instances");
    const cJSON *valid = cJSON_GetObjectItemCaseSensitive(rec, "valid");
    if (!s) {
      if (++disagreements <= SHOWN)
        show("gauntlet rejects the schema", n, dl->valuestring, schema, NULL, true, false, err.msg);
      cJSON_Delete(rec);
      continue;
    }
    const cJSON *inst = instances ? instances->child : NULL;
    const cJSON *v = valid ? valid->child : NULL;
    for (; inst && v; inst = inst->next, v = v->next) {
      bool ajv = cJSON_IsTrue(v);
      bool ours = gt_schema_valid(s, inst);
      gt_schema_result res = {0};
      bool full = gt_schema_validate(s, inst, &res);
      c->pairs++;
      if (ajv)
        c->valid++;
      else
        c->invalid++;
      if (full != ours || (!full && res.count == 0)) {
        if (++disagreements <= SHOWN)
          show("gauntlet's two entry points differ", n, dl->valuestring, schema, inst, ajv, ours,
               "gt_schema_valid and gt_schema_validate disagree");
      } else if (ajv != ours) {
        char first[1024] = "";
        if (res.count) gt_schema_error_format(&res.errors[0], first, sizeof first);
        if (++disagreements <= SHOWN)
          show("verdict", n, dl->valuestring, schema, inst, ajv, ours, first[0] ? first : NULL);
      }
      gt_schema_result_free(&res);
    }
    gt_schema_free(s);
    cJSON_Delete(rec);
  }
  free(line);
  int node_status = pclose(p);
  static const char *const names[3] = {"2020-12", "draft-07", "draft-04"};
  size_t total = 0;
  for (int i = 0; i < 3; i++) {
    printf("schema-diff %s: %zu schemas (%zu rejected by ajv), %zu pairs: ajv says %zu valid, %zu "
           "invalid\n",
           names[i], per[i].schemas, per[i].rejected, per[i].pairs, per[i].valid, per[i].invalid);
    total += per[i].pairs;
  }
  printf("schema-diff: seed %ld, %zu pairs, %zu disagreement%s%s\n", seed, total, disagreements,
         disagreements == 1 ? "" : "s", disagreements > SHOWN ? " (the first shown)" : "");
  if (node_status != 0) {
    fprintf(stderr, "schema_diff: ajv_verdicts.mjs failed (status %d)\n", node_status);
    return 1;
  }
  if ((long)lines != n_schemas) {
    fprintf(stderr, "schema_diff: %zu lines from ajv_verdicts.mjs, expected %ld\n", lines,
            n_schemas);
    return 1;
  }
  for (int i = 0; i < 3; i++)
    if (per[i].valid == 0 || per[i].invalid == 0) {
      fprintf(stderr, "schema_diff: %s has no %s pair: the generator is broken\n", names[i],
              per[i].valid == 0 ? "valid" : "invalid");
      return 1;
    }
  return disagreements ? 1 : 0;
}
