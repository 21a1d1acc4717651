/* test_openapi_read.c — reading OpenAPI 3.1 / 3.0 and Swagger 2.0 documents
 * into one model (harness/openapi/): references inside the document, to
 * relative files and circular schemas; parameters, bodies, responses,
 * security and servers; errors at FILE:LINE:COL; the derived suite text. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "openapi/openapi.h"

#define FIX SOURCE_DIR "/tests/fixtures/openapi/"

static const gt_oa_op *find_op(const gt_openapi *d, const char *method, const char *path) {
  for (size_t i = 0; i < d->n_ops; i++)
    if (!strcmp(d->ops[i].method, method) && !strcmp(d->ops[i].path, path)) return &d->ops[i];
  return NULL;
}

static bool ends_with(const char *s, const char *tail) {
  size_t n = strlen(s), m = strlen(tail);
  return n >= m && !strcmp(s + n - m, tail);
}

Test(openapi_read, split_document_with_relative_and_circular_refs) {
  gt_err e;
  gt_openapi *d = gt_openapi_load(FIX "split/api.yaml", &e);
  cr_assert_not_null(d, "%s:%d:%d: %s", e.file, e.line, e.col, e.msg);
  cr_expect_eq(d->version, 31);
  cr_expect_eq(d->n_ops, 3);
  /* a path item from another file, its body schema from a third */
  const gt_oa_op *post = find_op(d, "POST", "/nodes");
  cr_assert_not_null(post);
  cr_expect(post->body_required);
  cr_assert_eq(post->n_body, 1);
  cr_expect_str_eq(post->body[0].type, "application/json");
  cr_assert_not_null(post->body[0].schema.node);
  cr_expect(ends_with(post->body[0].schema.node->file, "split/paths/../schemas.yaml"), "%s",
            post->body[0].schema.node->file);
  cr_expect(strstr(post->body[0].schema.uri, "schemas.yaml#/Node"), "%s", post->body[0].schema.uri);
  cr_expect_eq(post->n_security, 1);
  cr_expect_str_eq(d->schemes[post->security[0]].name, "api-key.v2");
  /* security: [] */
  const gt_oa_op *list = find_op(d, "GET", "/nodes");
  cr_assert_not_null(list);
  cr_expect(list->is_public);
  /* path-level parameter through a $ref, per-operation security, default response */
  const gt_oa_op *get = find_op(d, "GET", "/nodes/{nodeId}");
  cr_assert_not_null(get);
  cr_assert_eq(get->n_params, 1);
  cr_expect_str_eq(get->params[0].name, "nodeId");
  cr_expect(get->params[0].required);
  cr_expect_str_eq(d->schemes[get->security[0]].name, "2fa");
  cr_assert_eq(get->n_responses, 2);
  cr_expect_str_eq(get->responses[1].status, "default");
  cr_expect_str_eq(get->responses[1].media[0].type, "application/problem+json");
  /* variable names: the scheme's name when valid, else with `_` */
  cr_expect_str_eq(d->schemes[0].var, "api_key_v2");
  cr_expect_str_eq(d->schemes[1].var, "_2fa");
  cr_expect_eq(d->schemes[0].kind, GT_OA_SEC_APIKEY_HEADER);
  cr_expect_eq(d->schemes[1].kind, GT_OA_SEC_APIKEY_QUERY);
  const char *vars[4];
  cr_expect_eq(gt_openapi_credential_vars(d, vars, 4), 2);
  /* every response schema compiles, the circular Node included */
  cr_expect(gt_openapi_attach(d, NULL, &e), "%s", e.msg); /* frees d */
}

static const char *oa_text_of(const gt_node *map, const char *key) {
  const gt_node *v = map ? gt_node_get(map, key) : NULL;
  return v && v->kind == GT_NODE_SCALAR ? v->text : "";
}

Test(openapi_read, swagger_2_reads_into_the_same_model) {
  gt_err e;
  gt_openapi *d = gt_openapi_load(FIX "swagger2.json", &e);
  cr_assert_not_null(d, "%s:%d:%d: %s", e.file, e.line, e.col, e.msg);
  cr_expect_eq(d->version, 20);
  cr_expect_str_eq(d->server_url, "https://api.example.com/v2");
  cr_expect_str_eq(d->title, "legacy");
  const gt_oa_op *op = find_op(d, "POST", "/orders");
  cr_assert_not_null(op);
  cr_assert_eq(op->n_body, 1); /* the `body` parameter under `consumes` */
  cr_expect_str_eq(op->body[0].type, "application/json");
  cr_expect(op->body_required);
  cr_expect_eq(d->schemes[0].kind, GT_OA_SEC_BASIC);
  cr_assert_eq(op->n_responses, 2);
  cr_assert_eq(op->responses[0].n_media, 1);
  cr_assert_eq(op->responses[0].n_headers, 1);
  cr_expect_str_eq(op->responses[0].headers[0].name, "X-Rate");
  cr_expect_eq(op->responses[1].n_media, 0);
  /* formData parameters: one object schema, sent as multipart/form-data (a
   * `type: file` among them; the document's `consumes` lists JSON only) */
  op = find_op(d, "POST", "/scans");
  cr_assert_not_null(op);
  cr_assert_eq(op->n_body, 1);
  cr_expect_str_eq(op->body[0].type, "multipart/form-data");
  cr_expect(op->body_required);
  const gt_node *props = gt_node_get(op->body[0].schema.node, "properties");
  cr_assert_not_null(props);
  cr_expect_eq(props->count, 3);
  cr_expect_str_eq(oa_text_of(gt_node_get(props, "scan"), "format"), "binary");
  cr_expect_str_eq(oa_text_of(gt_node_get(props, "note"), "maxLength"), "10");
  const gt_node *req = gt_node_get(op->body[0].schema.node, "required");
  cr_assert_not_null(req);
  cr_expect_eq(req->count, 2);
  gt_openapi_free(d);
}

Test(openapi_read, server_variables_take_their_defaults) {
  gt_err e;
  gt_openapi *d = gt_openapi_load(FIX "pets.yaml", &e);
  cr_assert_not_null(d, "%s", e.msg);
  cr_expect_str_eq(d->server_url, "https://api.example.com/v1");
  gt_openapi_free(d);
}

/* Constructs of real-world documents (tests/openapi/wild.sh): a relative
 * server URL, Example Objects without a value listed first (Directus) and
 * examples behind $refs, form bodies with nested objects and arrays
 * (Stripe's deepObject encodings). */
Test(openapi_read, real_world_examples_servers_and_nested_forms) {
  gt_err e;
  gt_openapi *d = gt_openapi_load(FIX "realworld.yaml", &e);
  cr_assert_not_null(d, "%s:%d:%d: %s", e.file, e.line, e.col, e.msg);
  cr_expect_str_eq(d->server_url, "https://api.example.com/v2");
  const gt_oa_op *get = find_op(d, "GET", "/items");
  cr_assert_not_null(get);
  cr_assert_eq(get->n_params, 2);
  cr_assert_not_null(get->params[0].example, "the first Example Object with a value");
  cr_expect_str_eq(get->params[0].example->text, "widget");
  cr_assert_not_null(get->params[1].example, "an example behind a $ref");
  cr_expect_str_eq(get->params[1].example->text, "name");
  const gt_oa_op *post = find_op(d, "POST", "/charges");
  cr_assert_not_null(post);
  cr_assert_eq(post->n_body, 1);
  cr_expect_not_null(post->body[0].encoding);
  gt_oa_suite_opts o = {.seed = 1};
  char *y = gt_openapi_suite_yaml(d, &o);
  cr_expect(strstr(y, "query: {\"search\": \"widget\", \"sort\": \"name\"}"), "%s", y);
  cr_expect(strstr(y, "form: {\"amount\":5,\"card[number]\":\"4242\",\"card[exp_month]\":12,"
                      "\"expand[0]\":\"customer\",\"tags\":\"a,b\"}"),
            "%s", y);
  free(y);
  gt_openapi_free(d);
  /* relative servers: a path only (the loopback host), 2.0 without host */
  static const struct {
    const char *doc, *url;
  } rel[] = {
      {"openapi: 3.0.3\ninfo: {title: t, version: '1'}\nservers: [{url: /api/v3}]\npaths: {}\n",
       "http://127.0.0.1/api/v3"},
      {"openapi: 3.1.0\ninfo: {title: t, version: '1'}\nservers: [{url: 'v1'}]\npaths: {}\n",
       "http://127.0.0.1/v1"},
      {"swagger: '2.0'\ninfo: {title: t, version: '1'}\nbasePath: /base\npaths: {}\n",
       "http://127.0.0.1/base"},
      {"openapi: 3.0.3\ninfo: {title: t, version: '1'}\nservers: [{url: 'ws://x/y'}]\npaths: {}\n",
       NULL},
  };
  for (size_t i = 0; i < sizeof rel / sizeof *rel; i++) {
    char path[] = "/tmp/gauntlet-rel-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs(rel[i].doc, f);
    fclose(f);
    d = gt_openapi_load(path, &e);
    cr_assert_not_null(d, "%s", e.msg);
    if (rel[i].url)
      cr_expect_str_eq(d->server_url, rel[i].url);
    else
      cr_expect_null(d->server_url, "%s", d->server_url);
    gt_openapi_free(d);
    unlink(path);
  }
}

static void expect_error(const char *file, const char *where, const char *msg) {
  gt_err e;
  gt_openapi *d = gt_openapi_load(file, &e);
  if (d) {
    bool ok = gt_openapi_attach(d, NULL, &e);
    cr_assert(!ok, "%s loaded", file);
    gt_openapi_free(d);
  }
  char got[2048];
  gt_err_format(&e, got, sizeof got);
  cr_expect(strstr(got, where) && strstr(got, msg), "%s", got);
}

Test(openapi_read, malformed_documents_are_errors_at_file_line_col) {
  expect_error(FIX "bad/status-key.json", "status-key.json:5:34: ",
               "response key '20x' is not a status (100-599, 1XX-5XX or default)");
  expect_error(FIX "bad/missing-ref.yaml",
               "missing-ref.yaml:7:24: ", "$ref \"#/components/responses/Missing\": nothing at");
  expect_error(FIX "bad/ref-cycle.yaml", "ref-cycle.yaml:", "a cycle of references");
  expect_error(FIX "bad/version.yaml", "version.yaml:1:10: ",
               "unsupported version '4.0.0' (supported: OpenAPI 3.1.x, 3.0.x, Swagger 2.0)");
  expect_error(FIX "bad/remote-ref.yaml",
               "remote-ref.yaml:7:24: ", "gauntlet never fetches from the network");
  expect_error(FIX "bad/bad-schema.yaml", "bad-schema.yaml:11:82: ", "minimum must be a number");
  expect_error(FIX "bad/nothing.yaml", "nothing.yaml", "cannot read");
  expect_error(FIX "bad/style.yaml", "style.yaml:7:40: ",
               "parameter style 'commaDelimited' is not one of form, simple, label, matrix, "
               "deepObject, pipeDelimited, spaceDelimited");
  expect_error(FIX "bad/param-in.yaml", "param-in.yaml:7:25: ",
               "parameter 'q': `in: body` is not a parameter location of OpenAPI 3 (query, "
               "header, path or cookie; a body is `requestBody`)");
}

Test(openapi_read, derived_suite_is_deterministic_under_a_seed) {
  gt_err e;
  gt_openapi *d = gt_openapi_load(FIX "pets.yaml", &e);
  cr_assert_not_null(d, "%s", e.msg);
  gt_oa_suite_opts o = {.base_url = "http://127.0.0.1:1/v1", .seed = 5};
  char *a = gt_openapi_suite_yaml(d, &o);
  char *b = gt_openapi_suite_yaml(d, &o);
  cr_expect_str_eq(a, b);
  /* examples first: the body's example, the parameter's example */
  cr_expect(strstr(a, "json: {\"name\":\"Rex\",\"kind\":\"dog\",\"age\":3}"), "%s", a);
  cr_expect(strstr(a, "query: {\"limit\": \"10\"}"), "%s", a);
  /* the identifier flows from the create to the item routes */
  cr_expect(strstr(a, "capture: { petId: \"$.id\" }"), "%s", a);
  cr_expect(strstr(a, "path: \"/pets/${petId}\""), "%s", a);
  /* create before read before delete */
  const char *post = strstr(a, "name: \"POST /pets\"");
  const char *get = strstr(a, "name: \"GET /pets/{petId}\"");
  const char *del = strstr(a, "name: \"DELETE /pets/{petId}\"");
  cr_assert(post && get && del);
  cr_expect(post < get && get < del);
  /* a public operation is sent without a credential and gets no auth faults */
  cr_expect(strstr(a, "path: \"/health\"\n      auth: false\n"), "%s", a);
  free(a);
  free(b);
  gt_openapi_free(d);
}

Test(openapi_read, synthesized_values_respect_the_schema) {
  gt_err e;
  gt_openapi *d = gt_openapi_load(FIX "split/api.yaml", &e);
  cr_assert_not_null(d, "%s", e.msg);
  gt_oa_suite_opts o = {.seed = 1};
  char *a = gt_openapi_suite_yaml(d, &o);
  /* readOnly `id` is not sent; `name` within minLength 3..maxLength 8 */
  cr_expect(strstr(a, "json: {\"name\":\"gauntlet\"}"), "%s", a);
  /* the apiKey in the query is a ${NAME} reference, the request carries no other credential */
  cr_expect(strstr(a, "query: {\"otp\": \"${_2fa}\"}\n      auth: false"), "%s", a);
  free(a);
  gt_openapi_free(d);
}

Test(openapi_read, no_missing_field_without_required_properties_and_json_is_asked_for) {
  gt_err e;
  gt_openapi *d = gt_openapi_load(FIX "orders.yaml", &e);
  cr_assert_not_null(d, "%s", e.msg);
  char *a = gt_openapi_suite_yaml(d, NULL);
  /* a body without a required property stays valid without any: no missing_field */
  cr_expect(!strstr(a, "missing_field"), "%s", a);
  cr_expect(strstr(a, "faults: [{ wrong_type: { status: [400, 422] } }, unknown_path, "
                      "wrong_method]"),
            "%s", a);
  /* XML is documented first: the request asks for the JSON the checks read */
  cr_expect(strstr(a, "headers: {\"Accept\": \"application/json\"}"), "%s", a);
  free(a);
  gt_openapi_free(d);
}

Test(openapi_read, only_some_operations_as_a_fragment_with_their_producers) {
  gt_err e;
  gt_openapi *d = gt_openapi_load(FIX "pets.yaml", &e);
  cr_assert_not_null(d, "%s", e.msg);
  bool only[16] = {false};
  cr_assert(d->n_ops <= 16);
  for (size_t i = 0; i < d->n_ops; i++)
    only[i] = !strcmp(d->ops[i].method, "GET") && !strcmp(d->ops[i].path, "/pets/{petId}");
  gt_oa_suite_opts o = {.only = only, .fragment = true};
  char *a = gt_openapi_suite_yaml(d, &o);
  /* no suite head, the operation and the POST its identifier comes from */
  cr_expect(!strstr(a, "suite:") && !strstr(a, "profile:") && !strstr(a, "base_url:"), "%s", a);
  cr_expect(strstr(a, "\nscenarios:\n  - name: \"POST /pets\"\n"), "%s", a);
  cr_expect(strstr(a, "name: \"GET /pets/{petId}\""), "%s", a);
  cr_expect(!strstr(a, "/health") && !strstr(a, "name: \"GET /pets\"") && !strstr(a, "DELETE"),
            "%s", a);
  /* wrong paths and methods still once per path among those derived */
  cr_expect(strstr(a, "faults: [unauthenticated, invalid_token, unknown_path, wrong_method]"), "%s",
            a);
  free(a);
  gt_openapi_free(d);
}
