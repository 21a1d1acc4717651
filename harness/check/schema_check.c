/* schema_check.c — a parsed body against a compiled JSON Schema (expect.schema,
 * errors.schema): one failure per schema error, told in one piece as
 * `schema $.items[3].qty: 7.5 is not of type "integer" (#/properties/...)`. */
#include <stdlib.h>

#include "check.h"
#include "../schema/schema.h"

/* A report lists this many schema errors of one response; the rest are
 * counted (a wrong list of 5000 items would otherwise give 1000 lines). */
#define SHOWN_ERRORS 20

bool gt_check_schema(const gt_schema *s, const cJSON *doc, gt_check_id check, gt_failures *out) {
  if (gt_schema_valid(s, doc)) return true; /* the fast path: no messages built */
  gt_schema_result res = {0};
  gt_schema_validate(s, doc, &res);
  size_t shown = res.count < SHOWN_ERRORS ? res.count : SHOWN_ERRORS;
  for (size_t i = 0; i < shown; i++) {
    const gt_schema_error *e = &res.errors[i];
    char *msg = gt_xasprintf("%s (%s)", e->message, e->schema_loc);
    gt_failures_add_message(out, check, e->instance_path, e->schema_loc, e->message, msg);
    free(msg);
  }
  size_t more = res.count - shown + res.dropped;
  if (more > 0) {
    char *msg = gt_xasprintf("%zu more schema error%s not listed", more, more == 1 ? "" : "s");
    gt_failures_add_message(out, check, "$", "no further schema errors", msg, msg);
    free(msg);
  }
  if (res.count == 0 && res.dropped == 0) /* cannot happen: valid() said no */
    gt_failures_add(out, check, "$", "valid against the schema", "invalid");
  gt_schema_result_free(&res);
  return false;
}
