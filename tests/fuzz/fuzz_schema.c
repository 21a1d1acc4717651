/* fuzz_schema.c — arbitrary bytes as "SCHEMA\0INSTANCE" (both JSON; without a
 * NUL the document is its own instance): compiling either succeeds or fails
 * with an input error; validation never crashes, leaks or recurses without
 * bound, and the verdict-only path agrees with the error-collecting one (an
 * invalid verdict comes with an error). The schema is also validated as an
 * instance against the built-in 2020-12 meta-schema. The dialect and strict
 * formats come from the input length. No file or network is ever read. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "schema/schema.h"

static gt_schema *meta;

static void check(const gt_schema *s, const cJSON *inst) {
  bool fast = gt_schema_valid(s, inst);
  gt_schema_result r = {0};
  bool full = gt_schema_validate(s, inst, &r);
  if (fast != full || (!full && r.count == 0)) abort();
  for (size_t i = 0; i < r.count; i++) {
    char line[512];
    gt_schema_error_format(&r.errors[i], line, sizeof line);
  }
  gt_schema_result_free(&r);
}

/* libFuzzer's entry point, declared here: no header of libFuzzer's declares it. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 8192) return 0;
  static const gt_schema_dialect DIALECTS[] = {GT_DIALECT_2020_12, GT_DIALECT_DRAFT7,
                                               GT_DIALECT_DRAFT6, GT_DIALECT_DRAFT4,
                                               GT_DIALECT_OPENAPI30};
  gt_schema_opts o = {.dialect = DIALECTS[size % 5],
                      .base_uri = "urn:fuzz:root",
                      .strict_formats = (size / 5) % 2,
                      .no_files = true};
  if (!meta) {
    cJSON *m = cJSON_Parse("{\"$ref\": \"https://json-schema.org/draft/2020-12/schema\"}");
    meta = gt_schema_compile_json(m, "meta", &o, NULL);
    cJSON_Delete(m);
    if (!meta) abort();
  }
  const char *text = (const char *)data;
  const char *nul = memchr(text, 0, size);
  size_t schema_len = nul ? (size_t)(nul - text) : size;
  cJSON *schema = cJSON_ParseWithLength(text, schema_len);
  if (!schema) return 0;
  cJSON *inst = nul ? cJSON_ParseWithLength(nul + 1, size - schema_len - 1) : NULL;
  check(meta, schema);
  gt_err err = {0};
  gt_schema *s = gt_schema_compile_json(schema, "fuzz.json", &o, &err);
  if (!s) {
    if (err.kind != GT_ERR_INPUT || !err.msg[0]) abort();
  } else {
    check(s, inst ? inst : schema);
    gt_schema_free(s);
  }
  cJSON_Delete(inst);
  cJSON_Delete(schema);
  return 0;
}
