/* test_openapi_synth.c — the valid request a derived suite sends is valid
 * against the document (harness/openapi/synth.c, verify.c): when the first
 * value synthesized is not (an example outside its enum, a null default, a
 * required property `properties` does not describe, an allOf part that
 * forbids its sibling's property), another variant is sent; a discriminator
 * names the branch it was built from; a header parameter named Authorization
 * is not a parameter (OpenAPI: ignored). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "openapi/openapi.h"

#define FIX SOURCE_DIR "/tests/fixtures/openapi/"

static const gt_oa_op *find_op(const gt_openapi *d, const char *method, const char *path) {
  for (size_t i = 0; i < d->n_ops; i++)
    if (!strcmp(d->ops[i].method, method) && !strcmp(d->ops[i].path, path)) return &d->ops[i];
  return NULL;
}

Test(openapi_synth, a_value_the_schema_rejects_is_replaced_by_a_valid_one) {
  gt_err e;
  gt_openapi *d = gt_openapi_load(FIX "synth-valid.yaml", &e);
  cr_assert_not_null(d, "%s", e.msg);
  gt_oa_suite_opts o = {.base_url = "http://127.0.0.1:1", .seed = 1};
  char *a = gt_openapi_suite_yaml(d, &o);
  /* the enum's first value, not the example outside it; no null array;
   * the undescribed required `note`; only the required ones (the allOf part
   * forbids `b`) */
  cr_expect(strstr(a, "json: {\"size\":\"s\",\"note\":\"gauntlet\"}"), "%s", a);
  /* the Cat branch, named by the discriminator's mapping */
  cr_expect(strstr(a, "json: {\"lives\":1,\"petType\":\"kitty\"}"), "%s", a);
  free(a);
  gt_openapi_free(d);
}

Test(openapi_synth, an_authorization_header_parameter_is_ignored) {
  gt_err e;
  gt_openapi *d = gt_openapi_load(FIX "synth-valid.yaml", &e);
  cr_assert_not_null(d, "%s", e.msg);
  const gt_oa_op *op = find_op(d, "POST", "/orders");
  cr_assert_not_null(op);
  cr_expect_eq(op->n_params, 0);
  gt_openapi_free(d);
}

/* go-swagger's shapes (Alertmanager's document has each): `required` in one
 * allOf part binds the properties of another (no optional `id`, and one
 * missing_field per required property); a map gets an entry (Alertmanager
 * refuses an alert without a label); a range ends after it starts, in the
 * future; {silenceID} of /silence/{silenceID} comes from POST /silences. */
Test(openapi_synth, swagger2_allof_required_maps_ranges_and_singular_item_routes) {
  gt_err e;
  gt_openapi *d = gt_openapi_load(FIX "synth-swagger2.yaml", &e);
  cr_assert_not_null(d, "%s", e.msg);
  gt_oa_suite_opts o = {.base_url = "http://127.0.0.1:1", .seed = 1};
  char *a = gt_openapi_suite_yaml(d, &o);
  cr_expect(strstr(a, "\"labels\":{\"gauntlet\":\"gauntlet"), "%s", a);
  cr_expect(strstr(a, "\"startsAt\":\"2024-01-02T03:04:05Z\""), "%s", a);
  cr_expect(strstr(a, "\"endsAt\":\"2099-12-31T23:59:59Z\""), "%s", a);
  cr_expect_null(strstr(a, "\"id\":"), "the optional id of the first allOf part is sent\n%s", a);
  cr_expect(strstr(a, "required: [\"$.labels\", \"$.startsAt\", \"$.endsAt\", \"$.createdBy\"]"),
            "%s", a);
  cr_expect(strstr(a, "capture: { silenceID: \"$.silenceID\" }"), "no capture of the id\n%s", a);
  cr_expect(strstr(a, "path: \"/silence/${silenceID}\""), "%s", a);
  free(a);
  gt_openapi_free(d);
}
