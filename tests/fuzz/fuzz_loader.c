/* fuzz_loader.c — arbitrary bytes as a suite: the loader must either load it or
 * return a positioned error; never crash, leak or hang. */
#include <stddef.h>
#include <stdint.h>

#include "suite/suite.h"

/* libFuzzer's entry point (libFuzzer ships no header declaring it). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  gt_load_opts opts = {.use_env = false};
  gt_err err = {0};
  gt_suite *s = gt_suite_load_string("fuzz.yaml", (const char *)data, size, &opts, &err);
  if (s) gt_suite_free(s);
  return 0;
}
