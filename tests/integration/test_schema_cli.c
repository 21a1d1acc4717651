/* test_schema_cli.c — `gauntlet schema`: exit 0 (all valid) / 1 (one
 * invalid) / 2 (bad schema, instance or usage, with FILE:LINE:COL), the exact
 * error line, $ref across files on disk, --map, stdin, YAML, dialects and
 * strict formats. Files are written to a scratch directory per test. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "support.h"

static char *dir;

static void setup(void) {
  dir = ts_tempdir();
  cr_assert(dir);
}

static void teardown(void) {
  ts_rmtree(dir);
  free(dir);
}

TestSuite(schema_cli, .init = setup, .fini = teardown, .timeout = 60);

/* Writes a file of the test folder; the caller frees the returned path. */
static char *put(const char *name, const char *text) {
  char *p = ts_fmt("%s/%s", dir, name);
  cr_assert(ts_write_file(p, text, strlen(text)), "cannot write %s", p);
  return p;
}

static int run(ts_gauntlet *g, const char *const args[]) {
  return ts_gauntlet_run(g, dir, args, NULL, 30000);
}

static const char *ORDER_SCHEMA =
    "{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\",\n"
    " \"type\": \"object\",\n"
    " \"properties\": {\"items\": {\"type\": \"array\", \"items\": {\"type\": \"object\",\n"
    "   \"properties\": {\"qty\": {\"type\": \"integer\"}}, \"required\": [\"qty\"]}}},\n"
    " \"required\": [\"items\"]}\n";

Test(schema_cli, valid_and_invalid_instances) {
  char *s = put("order.json", ORDER_SCHEMA);
  char *good = put("good.json", "{\"items\": [{\"qty\": 1}]}");
  char *bad = put("bad.json", "{\"items\": [{\"qty\": 1}, {\"qty\": 2}, {}, {\"qty\": 7.5}]}");
  ts_gauntlet g;
  const char *a1[] = {"schema", s, good, NULL};
  cr_expect_eq(run(&g, a1), 0, "exit %d\n%s%s", g.exit_code, g.out, g.err);
  cr_expect(strstr(g.out, "good.json: valid"), "%s", g.out);
  ts_gauntlet_free(&g);

  const char *a2[] = {"schema", s, good, bad, NULL};
  cr_expect_eq(run(&g, a2), 1, "exit %d\n%s%s", g.exit_code, g.out, g.err);
  cr_expect(strstr(g.out, "schema $.items[3].qty: 7.5 is not of type \"integer\" "
                          "(#/properties/items/items/properties/qty/type)"),
            "%s", g.out);
  cr_expect(strstr(g.out, "schema $.items[2]: required property \"qty\" is missing "
                          "(#/properties/items/items/required)"),
            "%s", g.out);
  ts_gauntlet_free(&g);
  free(s);
  free(good);
  free(bad);
}

static void expect_bad_schema(const char *name, const char *text, const char *want) {
  char *s = put(name, text);
  ts_gauntlet g;
  const char *args[] = {"schema", s, NULL};
  cr_expect_eq(run(&g, args), 2, "[%s] exit %d\n%s", name, g.exit_code, g.err);
  cr_expect(strstr(g.err, want), "[%s] stderr lacks \"%s\": %s", name, want, g.err);
  ts_gauntlet_free(&g);
  free(s);
}

Test(schema_cli, bad_schemas_are_load_errors_with_positions) {
  expect_bad_schema("dialect.json", "{\n  \"$schema\": \"http://example.com/my-dialect\"\n}",
                    "dialect.json:2:14: unknown dialect \"http://example.com/my-dialect\"");
  expect_bad_schema("noref.json", "{\"properties\": {\n  \"a\": {\"$ref\": \"#/$defs/missing\"}}}",
                    "noref.json:2:17: $ref \"#/$defs/missing\": nothing at");
  expect_bad_schema("anchor.json", "{\"$ref\": \"#nowhere\"}",
                    "anchor.json:1:10: $ref \"#nowhere\": no anchor \"nowhere\"");
  expect_bad_schema("regex.json", "{\"type\": \"string\",\n \"pattern\": \"([a-z\"}",
                    "regex.json:2:13: invalid regex \"([a-z\"");
  expect_bad_schema("ecma.json", "{\"pattern\": \"\\\\Aabc\"}",
                    "ecma.json:1:13: invalid regex \"\\Aabc\": \\A is not an ECMA-262 escape");
  expect_bad_schema("type.json", "{\"type\": \"text\"}", "type.json:1:10: unknown type \"text\"");
  expect_bad_schema("minlen.json", "{\"minLength\": \"3\"}",
                    "minlen.json:1:15: minLength must be a non-negative integer");
  expect_bad_schema("required.json", "{\"required\": \"id\"}",
                    "required.json:1:14: required must be an array of strings");
  expect_bad_schema("props.yaml", "type: object\nproperties:\n  id:\n    type: [integer, 5]\n",
                    "props.yaml:4:21: type must be a string");
  expect_bad_schema("syntax.json", "{\n  \"type\": \"object\",\n  \"x\": [1, 2,]\n}",
                    "syntax.json:3:14: invalid JSON");
  expect_bad_schema("remote.json", "{\"$ref\": \"https://example.com/schemas/item.json\"}",
                    "remote.json:1:10: $ref \"https://example.com/schemas/item.json\" is remote "
                    "and never fetched (no network)");
  expect_bad_schema("items.json", "{\"items\": [{\"type\": \"string\"}]}",
                    "items.json:1:11: items must be a schema in 2020-12");
  expect_bad_schema("bool4.json",
                    "{\"$schema\": \"http://json-schema.org/draft-04/schema#\",\n"
                    " \"properties\": {\"a\": true}}",
                    "bool4.json:2:22: boolean schemas need draft-06 or later");
}

Test(schema_cli, refs_across_files_and_map) {
  char *defs = ts_fmt("%s/defs", dir);
  mkdir(defs, 0700);
  free(defs);
  free(put("defs/item.json", "{\"type\": \"object\", \"properties\": {\"id\": {\"$ref\": "
                             "\"types.json#/$defs/id\"}}, \"required\": [\"id\"]}"));
  free(put("defs/types.json", "{\"$defs\": {\"id\": {\"type\": \"integer\", \"minimum\": 1}}}"));
  char *s = put("list.json", "{\"type\": \"array\", \"items\": {\"$ref\": \"defs/item.json\"}}");
  char *inst = put("list-inst.json", "[{\"id\": 3}, {\"id\": 0}]");
  ts_gauntlet g;
  const char *a1[] = {"schema", s, inst, NULL};
  cr_expect_eq(run(&g, a1), 1, "exit %d\n%s%s", g.exit_code, g.out, g.err);
  cr_expect(strstr(g.out, "schema $[1].id: 0 is less than the minimum 1"), "%s", g.out);
  ts_gauntlet_free(&g);

  char *r = put("remote.json", "{\"$ref\": \"https://example.com/schemas/item.json\"}");
  char *m = ts_fmt("https://example.com/schemas/=%s/defs", dir);
  char *one = put("one.json", "{\"id\": \"x\"}");
  const char *a2[] = {"schema", "--map", m, r, one, NULL};
  cr_expect_eq(run(&g, a2), 1, "exit %d\n%s%s", g.exit_code, g.out, g.err);
  cr_expect(strstr(g.out, "schema $.id: \"x\" is not of type \"integer\""), "%s", g.out);
  ts_gauntlet_free(&g);
  free(s);
  free(inst);
  free(r);
  free(m);
  free(one);
}

Test(schema_cli, absolute_id_refs_read_sibling_files) {
  char *s = put("order.json", "{\"$id\": \"https://example.com/schemas/order.json\",\n"
                              " \"properties\": {\"item\": {\"$ref\": \"item.json\"},\n"
                              "                \"gone\": {\"$ref\": \"missing.json\"}}}");
  free(put("item.json", "{\"type\": \"object\", \"required\": [\"sku\"]}"));
  ts_gauntlet g;
  const char *a[] = {"schema", s, NULL};
  cr_expect_eq(run(&g, a), 2, "exit %d\n%s%s", g.exit_code, g.out, g.err);
  cr_expect(strstr(g.err, "order.json:3:34: $ref \"https://example.com/schemas/missing.json\" is "
                          "remote and never fetched"),
            "%s", g.err);
  ts_gauntlet_free(&g);
  free(s);
  s = put("order2.json", "{\"$id\": \"https://example.com/schemas/order.json\",\n"
                         " \"properties\": {\"item\": {\"$ref\": \"item.json\"}}}");
  char *x = put("x.json", "{\"item\": {\"id\": 1}}");
  const char *b[] = {"schema", s, x, NULL};
  cr_expect_eq(run(&g, b), 1, "exit %d\n%s%s", g.exit_code, g.out, g.err);
  cr_expect(strstr(g.out, "schema $.item: required property \"sku\" is missing"), "%s", g.out);
  ts_gauntlet_free(&g);
  free(s);
  free(x);
}

Test(schema_cli, stdin_yaml_and_usage) {
  char *s = put("s.yaml", "type: object\nrequired: [name]\nproperties:\n  name: {type: string}\n");
  char *y = put("i.yaml", "name: 12\n");
  ts_gauntlet g;
  const char *a1[] = {"schema", s, y, NULL};
  cr_expect_eq(run(&g, a1), 1, "exit %d\n%s%s", g.exit_code, g.out, g.err);
  cr_expect(strstr(g.out, "schema $.name: 12 is not of type \"string\" (#/properties/name/type)"),
            "%s", g.out);
  ts_gauntlet_free(&g);

  char *broken = put("broken.json", "{\"name\": }");
  const char *a2[] = {"schema", s, broken, NULL};
  cr_expect_eq(run(&g, a2), 2, "exit %d\n%s%s", g.exit_code, g.out, g.err);
  cr_expect(strstr(g.err, "broken.json:1:10: invalid JSON"), "%s", g.err);
  ts_gauntlet_free(&g);

  const char *usage[][4] = {{"schema", NULL},
                            {"schema", "--dialect", "draft-99", NULL},
                            {"schema", "--map", "nodir", NULL},
                            {"schema", "--bogus", NULL}};
  for (size_t i = 0; i < 4; i++) {
    cr_expect_eq(run(&g, usage[i]), 2, "usage %zu: exit %d\n%s", i, g.exit_code, g.err);
    ts_gauntlet_free(&g);
  }
  free(s);
  free(y);
  free(broken);
}

Test(schema_cli, dialect_option_and_strict_formats) {
  char *s = put("old.json", "{\"minimum\": 5, \"exclusiveMinimum\": true}");
  char *five = put("five.json", "5");
  ts_gauntlet g;
  const char *a1[] = {"schema", "--dialect", "draft-04", s, five, NULL};
  cr_expect_eq(run(&g, a1), 1, "exit %d\n%s%s", g.exit_code, g.out, g.err);
  ts_gauntlet_free(&g);
  const char *a2[] = {"schema", s, five, NULL}; /* 2020-12: exclusiveMinimum is a number */
  cr_expect_eq(run(&g, a2), 2, "exit %d\n%s%s", g.exit_code, g.out, g.err);
  cr_expect(strstr(g.err, "old.json:1:36: exclusiveMinimum must be a number"), "%s", g.err);
  ts_gauntlet_free(&g);

  char *f = put("date.json", "{\"type\": \"string\", \"format\": \"date\"}");
  char *d = put("d.json", "\"2024-02-30\"");
  const char *a3[] = {"schema", f, d, NULL};
  cr_expect_eq(run(&g, a3), 0, "format is an annotation by default: exit %d\n%s", g.exit_code,
               g.out);
  ts_gauntlet_free(&g);
  const char *a4[] = {"schema", "--strict-formats", f, d, NULL};
  cr_expect_eq(run(&g, a4), 1, "exit %d\n%s%s", g.exit_code, g.out, g.err);
  cr_expect(strstr(g.out, "\"2024-02-30\" is not a valid \"date\""), "%s", g.out);
  ts_gauntlet_free(&g);
  free(s);
  free(five);
  free(f);
  free(d);
}

Test(schema_cli, cyclic_schema_is_bounded) {
  char *s = put("loop.json", "{\"$ref\": \"#\"}");
  char *x = put("x.json", "{\"a\": 1}");
  ts_gauntlet g;
  const char *a[] = {"schema", s, x, NULL};
  cr_expect_eq(run(&g, a), 1, "exit %d\n%s%s", g.exit_code, g.out, g.err);
  cr_expect(strstr(g.out, "validation nested deeper than"), "%s", g.out);
  ts_gauntlet_free(&g);
  free(s);
  free(x);
}
