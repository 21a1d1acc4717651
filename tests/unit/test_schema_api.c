/* test_schema_api.c — the schema module's interface beyond the conformance
 * suites: error fields (JSON Pointer escaping, $-paths, schema locations in
 * other documents), OpenAPI 3.0 extras, the loader callback, max_depth, the
 * error cap, dialect names, and positions for schemas given as YAML trees. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "schema/schema.h"
#include "suite/suite.h"

static gt_schema *compile_text(const char *yaml, const gt_schema_opts *o, gt_err *err) {
  gt_err perr = {0};
  gt_node *n = gt_yaml_parse("s.yaml", yaml, strlen(yaml), &perr);
  cr_assert(n, "%s", perr.msg);
  gt_schema *s = gt_schema_compile(n, o, err);
  gt_node_free(n);
  return s;
}

static bool valid_json(const gt_schema *s, const char *json) {
  cJSON *j = cJSON_Parse(json);
  cr_assert(j, "bad test JSON %s", json);
  bool ok = gt_schema_valid(s, j);
  cJSON_Delete(j);
  return ok;
}

Test(schema_api, error_locations_are_escaped_pointers_and_paths) {
  gt_err err;
  gt_schema *s = compile_text("properties:\n  a/b:\n    items: {type: string}\n  'x y':\n"
                              "    properties:\n      'q''t~': {const: 1}\n",
                              NULL, &err);
  cr_assert(s, "%s", err.msg);
  cJSON *j = cJSON_Parse("{\"a/b\": [\"ok\", 5], \"x y\": {\"q't~\": 2}}");
  gt_schema_result r = {0};
  cr_assert_not(gt_schema_validate(s, j, &r));
  cr_assert_eq(r.count, 2);
  cr_expect_str_eq(r.errors[0].instance_ptr, "/a~1b/1");
  cr_expect_str_eq(r.errors[0].instance_path, "$['a/b'][1]");
  cr_expect_str_eq(r.errors[0].schema_loc, "#/properties/a~1b/items/type");
  cr_expect_str_eq(r.errors[0].message, "5 is not of type \"string\"");
  cr_expect_str_eq(r.errors[1].instance_ptr, "/x y/q't~0");
  cr_expect_str_eq(r.errors[1].instance_path, "$['x y']['q\\'t~']");
  char line[512];
  gt_schema_error_format(&r.errors[1], line, sizeof line);
  cr_expect_str_eq(line, "schema $['x y']['q\\'t~']: 2 is not the constant 1 "
                         "(#/properties/x y/properties/q't~0/const)");
  gt_schema_result_free(&r);
  cJSON_Delete(j);
  gt_schema_free(s);
}

Test(schema_api, openapi30_nullable_and_boolean_exclusive_bounds) {
  gt_schema_opts o = {.dialect = GT_DIALECT_OPENAPI30};
  gt_err err;
  gt_schema *s =
      compile_text("type: object\n"
                   "discriminator: {propertyName: kind}\n"
                   "properties:\n"
                   "  n: {type: integer, nullable: true, minimum: 0, exclusiveMinimum: true}\n"
                   "  s: {type: string}\n",
                   &o, &err);
  cr_assert(s, "%s", err.msg);
  cr_expect(valid_json(s, "{\"n\": null}"));
  cr_expect(valid_json(s, "{\"n\": 1, \"kind\": \"whatever\"}"));
  cr_expect_not(valid_json(s, "{\"n\": 0}"), "exclusiveMinimum: true excludes the minimum");
  cr_expect_not(valid_json(s, "{\"s\": null}"), "not nullable");
  cr_expect_eq(gt_schema_dialect_of(s), GT_DIALECT_OPENAPI30);
  gt_schema_free(s);

  /* nullable is not a keyword outside OpenAPI 3.0 */
  s = compile_text("type: integer\nnullable: true\n", NULL, &err);
  cr_assert(s, "%s", err.msg);
  cr_expect_not(valid_json(s, "null"));
  gt_schema_free(s);
}

static gt_node *loader(void *ctx, const char *uri, gt_err *err) {
  int *calls = ctx;
  (*calls)++;
  if (!strcmp(uri, "urn:test:id")) {
    static const char *T = "type: integer\nminimum: 10\n";
    return gt_yaml_parse("loaded.yaml", T, strlen(T), err);
  }
  if (!strcmp(uri, "urn:test:broken")) {
    gt_err_set(err, GT_ERR_INPUT, "store", 3, 4, "the store is down");
    return NULL;
  }
  return NULL; /* not mine */
}

Test(schema_api, loader_callback) {
  int calls = 0;
  gt_schema_opts o = {.loader = loader, .loader_ctx = &calls};
  gt_err err;
  gt_schema *s = compile_text("items: {$ref: 'urn:test:id'}\n", &o, &err);
  cr_assert(s, "%s", err.msg);
  cr_expect_eq(calls, 1);
  cr_expect(valid_json(s, "[10, 11]"));
  cJSON *j = cJSON_Parse("[3]");
  gt_schema_result r = {0};
  cr_expect_not(gt_schema_validate(s, j, &r));
  cr_assert_eq(r.count, 1);
  cr_expect_str_eq(r.errors[0].schema_loc, "urn:test:id#/minimum");
  gt_schema_result_free(&r);
  cJSON_Delete(j);
  gt_schema_free(s);

  cr_expect_null(compile_text("$ref: 'urn:test:broken'\n", &o, &err));
  cr_expect_str_eq(err.msg, "the store is down");
  cr_expect_eq(err.line, 3);
  cr_expect_null(compile_text("\n$ref: 'urn:test:other'\n", &o, &err));
  cr_expect_eq(err.kind, GT_ERR_INPUT);
  cr_expect_eq(err.line, 2);
  cr_expect(strstr(err.msg, "no schema is known as urn:test:other"), "%s", err.msg);
}

Test(schema_api, max_depth_bounds_deep_instances_and_cycles) {
  gt_schema_opts o = {.max_depth = 16}; /* two evaluations per level: items, then $ref */
  gt_err err;
  gt_schema *s = compile_text("items: {$ref: '#'}\n", &o, &err);
  cr_assert(s, "%s", err.msg);
  cr_expect(valid_json(s, "[[[[1]]]]"));
  cr_expect_not(valid_json(s, "[[[[[[[[[[1]]]]]]]]]]"), "deeper than max_depth");
  gt_schema_free(s);
}

Test(schema_api, error_list_is_capped) {
  gt_err err;
  gt_schema *s = compile_text("items: {type: string}\n", NULL, &err);
  cr_assert(s, "%s", err.msg);
  cJSON *a = cJSON_CreateArray();
  for (int i = 0; i < 1500; i++)
    cJSON_AddItemToArray(a, cJSON_CreateNumber(i));
  gt_schema_result r = {0};
  cr_expect_not(gt_schema_validate(s, a, &r));
  cr_expect_eq(r.count, GT_SCHEMA_MAX_ERRORS);
  cr_expect_eq(r.dropped, 1500 - GT_SCHEMA_MAX_ERRORS);
  gt_schema_result_free(&r);
  cJSON_Delete(a);
  gt_schema_free(s);
}

Test(schema_api, dialect_names) {
  gt_schema_dialect d;
  cr_expect(gt_schema_dialect_parse("draft-07", &d) && d == GT_DIALECT_DRAFT7);
  cr_expect(gt_schema_dialect_parse("http://json-schema.org/draft-04/schema#", &d) &&
            d == GT_DIALECT_DRAFT4);
  cr_expect(gt_schema_dialect_parse("openapi-3.0", &d) && d == GT_DIALECT_OPENAPI30);
  cr_expect_not(gt_schema_dialect_parse("https://json-schema.org/draft/2019-09/schema", &d));
  cr_expect_str_eq(gt_schema_dialect_name(GT_DIALECT_DEFAULT), "2020-12");
}

Test(schema_api, compile_from_cjson_without_file_access) {
  cJSON *j = cJSON_Parse("{\"$ref\": \"other.json\"}");
  gt_schema_opts o = {.no_files = true};
  gt_err err;
  cr_expect_null(gt_schema_compile_json(j, "mem", &o, &err));
  cr_expect_eq(err.kind, GT_ERR_INPUT);
  cJSON_Delete(j);
}

Test(schema_api, unique_items_on_a_big_array) {
  gt_err err;
  gt_schema *s = compile_text("uniqueItems: true\n", NULL, &err);
  cr_assert(s, "%s", err.msg);
  cJSON *a = cJSON_CreateArray();
  for (int i = 0; i < 5000; i++) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "id", i);
    cJSON_AddStringToObject(o, "tag", i % 2 ? "odd" : "even");
    cJSON_AddItemToArray(a, o);
  }
  cr_expect(gt_schema_valid(s, a));
  cJSON *dup = cJSON_CreateObject(); /* equal to item 7, keys in the other order */
  cJSON_AddStringToObject(dup, "tag", "odd");
  cJSON_AddNumberToObject(dup, "id", 7.0);
  cJSON_AddItemToArray(a, dup);
  gt_schema_result r = {0};
  cr_expect_not(gt_schema_validate(s, a, &r));
  cr_assert_eq(r.count, 1);
  cr_expect_str_eq(r.errors[0].message, "array items 7 and 5000 are equal (uniqueItems)");
  gt_schema_result_free(&r);
  cJSON_Delete(a);
  gt_schema_free(s);
}
