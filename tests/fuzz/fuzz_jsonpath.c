/* fuzz_jsonpath.c — arbitrary bytes as a JSONPath expression: compile either
 * succeeds or fails with a position inside the expression; evaluation, delete
 * and set on a fixed document never crash, leak or disagree on counts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"

static const char *DOC =
    "{\"store\":{\"book\":[{\"title\":\"A\",\"price\":8,\"tags\":[\"x\",\"y\"]},"
    "{\"title\":\"B\",\"price\":12.5},{\"title\":\"C\",\"isbn\":null}],"
    "\"bicycle\":{\"color\":\"red\",\"price\":19}},\"a b\":[[1,[2,[3]]]],\"\":0,"
    "\"\xc3\xa9\":true,\"dup\":1,\"dup\":2}";

/* libFuzzer's entry point (libFuzzer ships no header declaring it). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 4096) return 0;
  char *src = malloc(size + 1);
  if (!src) return 0;
  memcpy(src, data, size);
  src[size] = 0;
  size_t len = strlen(src); /* an embedded NUL ends the expression */
  gt_err err = {0};
  gt_jsonpath *p = gt_jsonpath_compile(src, &err);
  if (!p) {
    if (err.kind != GT_ERR_INPUT || err.col < 1 || (size_t)err.col > len + 1) abort();
    free(src);
    return 0;
  }
  cJSON *doc = cJSON_Parse(DOC);
  const cJSON *out[16];
  size_t n = gt_jsonpath_eval(p, doc, out, 16);
  if (n != gt_jsonpath_count(p, doc)) abort();
  for (size_t i = 0; i < n && i < 16; i++)
    if (!out[i]) abort();
  if (gt_jsonpath_is_singular(p) && n > 1) abort();

  cJSON *copy = cJSON_Duplicate(doc, 1);
  gt_jsonpath_delete(p, copy);
  cJSON_Delete(copy);
  copy = cJSON_Duplicate(doc, 1);
  cJSON *v = cJSON_CreateString("replaced");
  size_t set = gt_jsonpath_set(p, copy, v);
  if (set > n) abort();
  cJSON_Delete(v);
  cJSON_Delete(copy);

  cJSON_Delete(doc);
  gt_jsonpath_free(p);
  free(src);
  return 0;
}
