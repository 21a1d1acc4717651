/* schema_bench.c — gauntlet's JSON Schema validator on one task of the
 * benchmark (bench/schema/run.sh), the same tasks as js_bench.mjs. Prints one
 * JSON line; times are CPU time (CLOCK_PROCESS_CPUTIME_ID) of the timed part
 * only, as the machine may be shared.
 *   schema_bench suite|big|compile WORK_DIR REPEAT
 *   suite:   compile every official-suite schema once (draft-07), then
 *            validate all its instances REPEAT times (gt_schema_valid)
 *   big:     compile big-schema.json, validate big.json REPEAT times
 *   compile: read, parse and compile schema-10k.json REPEAT times
 *            (gt_schema_load_file), median */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/file.h"
#include "schema/schema.h"

static double cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static cJSON *read_json(const char *dir, const char *name) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  size_t len = 0;
  int errnum = 0;
  char *text = gt_read_file(path, &len, &errnum);
  if (!text) {
    fprintf(stderr, "schema_bench: cannot read %s\n", path);
    exit(1);
  }
  cJSON *j = cJSON_ParseWithLength(text, len);
  free(text);
  if (!j) {
    fprintf(stderr, "schema_bench: %s is not JSON\n", path);
    exit(1);
  }
  return j;
}

static gt_schema *compile(const cJSON *schema, const char *name, gt_schema_dialect d) {
  gt_schema_opts o = {.dialect = d, .no_files = true};
  gt_err err = {0};
  gt_schema *s = gt_schema_compile_json(schema, name, &o, &err);
  if (!s) {
    fprintf(stderr, "schema_bench: %s: %s\n", name, err.msg);
    exit(1);
  }
  return s;
}

static int by_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void suite(const char *dir, long repeat) {
  cJSON *groups = read_json(dir, "suite.json");
  int n = cJSON_GetArraySize(groups);
  gt_schema **s = calloc((size_t)n, sizeof *s);
  const cJSON *g;
  int i = 0, valid = 0, agree = 0, instances = 0;
  cJSON_ArrayForEach(g, groups) {
    s[i] = compile(cJSON_GetObjectItemCaseSensitive(g, "schema"), "suite", GT_DIALECT_DRAFT7);
    const cJSON *x, *want = cJSON_GetObjectItemCaseSensitive(g, "valid")->child;
    cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(g, "instances")) {
      bool v = gt_schema_valid(s[i], x);
      valid += v;
      agree += v == cJSON_IsTrue(want);
      instances++;
      want = want->next;
    }
    i++;
  }
  double t0 = cpu_now();
  long count = 0, valid_total = 0; /* the verdicts are summed so no call can be dropped */
  for (long r = 0; r < repeat; r++) {
    i = 0;
    cJSON_ArrayForEach(g, groups) {
      const cJSON *x;
      cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(g, "instances")) {
        valid_total += gt_schema_valid(s[i], x);
        count++;
      }
      i++;
    }
  }
  double secs = cpu_now() - t0;
  printf("{\"validator\":\"gauntlet\",\"task\":\"suite\",\"validations\":%ld,\"cpu_s\":%.6f,"
         "\"per_s\":%.1f,\"valid\":%d,\"agree_with_suite\":%d,\"instances\":%d,"
         "\"valid_total\":%ld}\n",
         count, secs, (double)count / secs, valid, agree, instances, valid_total);
  for (i = 0; i < n; i++)
    gt_schema_free(s[i]);
  free(s);
  cJSON_Delete(groups);
}

static void big(const char *dir, long repeat) {
  cJSON *schema = read_json(dir, "big-schema.json");
  cJSON *doc = read_json(dir, "big.json");
  gt_schema *s = compile(schema, "big-schema.json", GT_DIALECT_2020_12);
  bool valid = gt_schema_valid(s, doc);
  double t0 = cpu_now();
  long ok = 0;
  for (long r = 0; r < repeat; r++)
    ok += gt_schema_valid(s, doc);
  double secs = cpu_now() - t0;
  printf("{\"validator\":\"gauntlet\",\"task\":\"big\",\"validations\":%ld,\"cpu_s\":%.6f,"
         "\"per_s\":%.2f,\"ms_each\":%.3f,\"valid\":%s,\"valid_runs\":%ld}\n",
         repeat, secs, (double)repeat / secs, secs / (double)repeat * 1000,
         valid ? "true" : "false", ok);
  gt_schema_free(s);
  cJSON_Delete(schema);
  cJSON_Delete(doc);
}

static void compile_10k(const char *dir, long repeat) {
  char path[4096];
  snprintf(path, sizeof path, "%s/schema-10k.json", dir);
  double *t = calloc((size_t)repeat, sizeof *t);
  for (long r = 0; r < repeat; r++) {
    double t0 = cpu_now();
    gt_err err = {0};
    gt_schema *s = gt_schema_load_file(path, NULL, &err);
    if (!s) {
      fprintf(stderr, "schema_bench: %s: %s\n", path, err.msg);
      exit(1);
    }
    t[r] = cpu_now() - t0;
    gt_schema_free(s);
  }
  qsort(t, (size_t)repeat, sizeof *t, by_double);
  printf("{\"validator\":\"gauntlet\",\"task\":\"compile\",\"compiles\":%ld,\"median_ms\":%.3f,"
         "\"min_ms\":%.3f}\n",
         repeat, t[repeat / 2] * 1000, t[0] * 1000);
  free(t);
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: schema_bench suite|big|compile WORK_DIR REPEAT\n");
    return 2;
  }
  long repeat = strtol(argv[3], NULL, 10);
  if (repeat <= 0) return 2;
  if (!strcmp(argv[1], "suite"))
    suite(argv[2], repeat);
  else if (!strcmp(argv[1], "big"))
    big(argv[2], repeat);
  else if (!strcmp(argv[1], "compile"))
    compile_10k(argv[2], repeat);
  else
    return 2;
  return 0;
}
