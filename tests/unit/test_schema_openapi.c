/* test_schema_openapi.c — the validator's OpenAPI keywords (schema.h
 * opts.openapi, parts.h gt_schema_use): a discriminator picks the one
 * oneOf/anyOf branch its value names (mapping, schema name, or a
 * discriminator every branch inherits through allOf); a value naming no
 * branch is invalid; without the property plain JSON Schema decides. A
 * required readOnly property may be missing from a request, a required
 * writeOnly one from a response (also declared in a sibling allOf part or
 * behind a $ref). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema/parts.h"
#include "suite/suite.h"

static const char DOC[] =
    "components:\n"
    "  schemas:\n"
    "    One: {type: object, required: [kind], properties: {kind: {type: string}, one: {type: "
    "number}}}\n"
    "    Two: {type: object, required: [kind], properties: {kind: {type: string}, two: {type: "
    "string}}}\n"
    "    Mapped:\n"
    "      oneOf: [{$ref: '#/components/schemas/One'}, {$ref: '#/components/schemas/Two'}]\n"
    "      discriminator: {propertyName: kind, mapping: {first: '#/components/schemas/One', "
    "second: Two}}\n"
    "    Named:\n"
    "      anyOf: [{$ref: '#/components/schemas/One'}, {$ref: '#/components/schemas/Two'}]\n"
    "      discriminator: {propertyName: kind}\n"
    "    Plain:\n"
    "      oneOf: [{$ref: '#/components/schemas/One'}, {$ref: '#/components/schemas/Two'}]\n"
    "    Pet: {type: object, required: [pet_type], properties: {pet_type: {type: string}},\n"
    "          discriminator: {propertyName: pet_type}}\n"
    "    Cat: {allOf: [{$ref: '#/components/schemas/Pet'}, {properties: {hunts: {type: "
    "boolean}}}]}\n"
    "    Dog: {allOf: [{$ref: '#/components/schemas/Pet'}, {properties: {barks: {type: "
    "boolean}}}]}\n"
    "    Embedded:\n"
    "      oneOf: [{$ref: '#/components/schemas/Cat'}, {$ref: '#/components/schemas/Dog'}]\n"
    "    Inline:\n"
    "      oneOf:\n"
    "        - allOf: [{$ref: '#/components/schemas/Pet'}, {required: [hunts]}]\n"
    "        - allOf: [{$ref: '#/components/schemas/Pet'}, {required: [barks]}]\n"
    "    Id: {type: integer, readOnly: true}\n"
    "    User:\n"
    "      type: object\n"
    "      required: [id, name, password, created]\n"
    "      properties:\n"
    "        id: {$ref: '#/components/schemas/Id'}\n"
    "        name: {type: string}\n"
    "        password: {type: string, writeOnly: true}\n"
    "        created: {type: string, readOnly: true}\n"
    "    Base: {type: object, properties: {id: {type: integer, readOnly: true}, name: {type: "
    "string}}}\n"
    "    Split: {allOf: [{$ref: '#/components/schemas/Base'}, {required: [id, name]}]}\n";

static const char *const PARTS[] = {
    "file:///t/doc.yaml#/components/schemas/Mapped",
    "file:///t/doc.yaml#/components/schemas/Named",
    "file:///t/doc.yaml#/components/schemas/Plain",
    "file:///t/doc.yaml#/components/schemas/Embedded",
    "file:///t/doc.yaml#/components/schemas/User",
    "file:///t/doc.yaml#/components/schemas/Split",
    "file:///t/doc.yaml#/components/schemas/Inline",
};
enum { MAPPED, NAMED, PLAIN, EMBEDDED, USER, SPLIT, INLINE };

static gt_node *g_doc;

static gt_schema *compile(bool openapi) {
  gt_err err = {0};
  g_doc = gt_yaml_parse("doc.yaml", DOC, strlen(DOC), &err);
  cr_assert(g_doc, "%s", err.msg);
  gt_schema_opts o = {.dialect = GT_DIALECT_OPENAPI30, .openapi = openapi};
  gt_schema *s = gt_schema_compile_parts(g_doc, "file:///t/doc.yaml", PARTS,
                                         sizeof PARTS / sizeof *PARTS, &o, &err);
  cr_assert(s, "%s", err.msg);
  return s;
}

static void done(gt_schema *s) {
  gt_schema_free(s);
  gt_node_free(g_doc);
}

static bool valid(const gt_schema *s, size_t part, gt_schema_use use, const char *json) {
  cJSON *j = cJSON_Parse(json);
  cr_assert(j, "bad test JSON %s", json);
  bool ok = gt_schema_valid_part_as(s, part, use, j);
  cJSON_Delete(j);
  return ok;
}

/* The first error's path and message ("" when valid). */
static void first_error(const gt_schema *s, size_t part, const char *json, char *out, size_t cap) {
  cJSON *j = cJSON_Parse(json);
  gt_schema_result r = {0};
  out[0] = 0;
  if (!gt_schema_validate_part(s, part, j, &r) && r.count)
    snprintf(out, cap, "%s: %s", r.errors[0].instance_path, r.errors[0].message);
  gt_schema_result_free(&r);
  cJSON_Delete(j);
}

Test(schema_openapi, the_discriminator_value_picks_the_branch) {
  gt_schema *s = compile(true);
  /* both branches accept these objects: plain oneOf rejects them */
  cr_expect(valid(s, MAPPED, GT_SCHEMA_USE_ANY, "{\"kind\": \"first\", \"one\": 1}"));
  cr_expect(valid(s, MAPPED, GT_SCHEMA_USE_ANY, "{\"kind\": \"second\", \"two\": \"x\"}"));
  cr_expect_not(valid(s, PLAIN, GT_SCHEMA_USE_ANY, "{\"kind\": \"first\", \"one\": 1}"));
  /* judged by the named branch only: its errors are the ones reported */
  char why[256];
  first_error(s, MAPPED, "{\"kind\": \"first\", \"one\": \"x\"}", why, sizeof why);
  cr_expect_str_eq(why, "$.one: \"x\" is not of type \"number\"");
  first_error(s, MAPPED, "{\"kind\": \"third\"}", why, sizeof why);
  cr_expect_str_eq(why, "$.kind: the discriminator \"third\" names none of the 2 oneOf schemas");
  /* no mapping: the schema names */
  cr_expect(valid(s, NAMED, GT_SCHEMA_USE_ANY, "{\"kind\": \"Two\", \"two\": \"x\"}"));
  cr_expect_not(valid(s, NAMED, GT_SCHEMA_USE_ANY, "{\"kind\": \"Two\", \"two\": 1}"));
  cr_expect_not(valid(s, NAMED, GT_SCHEMA_USE_ANY, "{\"kind\": \"first\"}"));
  /* without the property: JSON Schema's oneOf (both match: invalid) */
  cr_expect_not(valid(s, MAPPED, GT_SCHEMA_USE_ANY, "{\"one\": 1}"));
  done(s);
}

Test(schema_openapi, a_discriminator_every_branch_inherits_through_allof_picks_too) {
  gt_schema *s = compile(true);
  cr_expect(valid(s, EMBEDDED, GT_SCHEMA_USE_ANY, "{\"pet_type\": \"Cat\", \"hunts\": true}"));
  cr_expect_not(valid(s, EMBEDDED, GT_SCHEMA_USE_ANY, "{\"pet_type\": \"Cat\", \"hunts\": 1}"));
  cr_expect_not(valid(s, EMBEDDED, GT_SCHEMA_USE_ANY, "{\"pet_type\": \"Cow\"}"));
  /* inline branches have no schema name: plain JSON Schema decides */
  cr_expect(valid(s, INLINE, GT_SCHEMA_USE_ANY, "{\"pet_type\": \"x\", \"hunts\": true}"));
  cr_expect_not(valid(s, INLINE, GT_SCHEMA_USE_ANY, "{\"pet_type\": \"x\"}"));
  done(s);
}

Test(schema_openapi, without_opts_openapi_the_discriminator_is_an_annotation) {
  gt_schema *s = compile(false);
  cr_expect_not(valid(s, MAPPED, GT_SCHEMA_USE_ANY, "{\"kind\": \"first\", \"one\": 1}"));
  cr_expect_not(valid(s, EMBEDDED, GT_SCHEMA_USE_ANY, "{\"pet_type\": \"Cat\"}"));
  /* and readOnly does not relax required */
  cr_expect_not(valid(s, USER, GT_SCHEMA_USE_REQUEST, "{\"name\": \"a\", \"password\": \"p\"}"));
  done(s);
}

Test(schema_openapi, read_only_is_required_in_responses_write_only_in_requests) {
  gt_schema *s = compile(true);
  const char *request = "{\"name\": \"a\", \"password\": \"p\"}";
  const char *response = "{\"id\": 1, \"name\": \"a\", \"created\": \"today\"}";
  cr_expect(valid(s, USER, GT_SCHEMA_USE_REQUEST, request)); /* id ($ref'd) and created */
  cr_expect_not(valid(s, USER, GT_SCHEMA_USE_RESPONSE, request));
  cr_expect_not(valid(s, USER, GT_SCHEMA_USE_ANY, request));
  cr_expect(valid(s, USER, GT_SCHEMA_USE_RESPONSE, response));
  cr_expect_not(valid(s, USER, GT_SCHEMA_USE_REQUEST, response));
  /* a required name is still required */
  cr_expect_not(valid(s, USER, GT_SCHEMA_USE_REQUEST, "{\"password\": \"p\"}"));
  /* required in one allOf part, declared readOnly in another */
  cr_expect(valid(s, SPLIT, GT_SCHEMA_USE_REQUEST, "{\"name\": \"a\"}"));
  cr_expect_not(valid(s, SPLIT, GT_SCHEMA_USE_RESPONSE, "{\"name\": \"a\"}"));
  done(s);
}
