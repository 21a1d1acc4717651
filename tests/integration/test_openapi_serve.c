/* test_openapi_serve.c — `gauntlet serve api.yaml` mocks the documented API
 * (answers from examples or synthesized, every request validated against the
 * document), and the suite derived from the same document passes against it,
 * the schema-driven faults (not_in_enum, out_of_range, bad_length,
 * pattern_mismatch, missing_param) included. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

static void run_against_serve(const char *doc, const char *const env[], const char *prefix,
                              size_t want_cases) {
  ts_serve s;
  const char *suites[] = {doc, NULL};
  ts_serve_opts so = {.suites = suites, .env = env};
  cr_assert(ts_serve_start(&s, &so), "serve did not start: %s", ts_serve_stderr(&s));
  char *dir = ts_tempdir();
  char *junit = ts_fmt("%s/junit.xml", dir);
  char *base = ts_fmt("http://127.0.0.1:%d%s", s.port, prefix);
  const char *args[] = {"run", "-q",         "--seed", "3", "--junit",
                        junit, "--base-url", base,     doc, NULL};
  ts_gauntlet g;
  ts_gauntlet_run(&g, dir, args, env, 120000);
  ts_junit j;
  cr_assert(ts_junit_load(junit, &j), "no report: %s", g.err);
  char *bad = ts_unexpected_failures(&j, NULL);
  cr_expect_null(bad, "failed against serve:\n%s", bad);
  free(bad);
  cr_expect_eq(g.exit_code, 0, "%s", g.err);
  cr_expect_eq(j.n, want_cases, "%zu cases", j.n);
  cr_expect_eq(ts_junit_count(&j, TS_CASE_SKIPPED), 0);
  ts_junit_free(&j);
  ts_gauntlet_free(&g);
  cr_expect_eq(ts_serve_stop(&s, true, 5000), 1, "serve: the client (gauntlet run) broke rules");
  ts_serve_free(&s);
  ts_rmtree(dir);
  free(dir);
  free(junit);
  free(base);
}

Test(openapi_serve, derived_run_against_serve_of_the_same_document_passes) {
  char *doc = ts_fmt("%s/tests/fixtures/openapi/pets.yaml", SOURCE_DIR);
  const char *env[] = {"bearerAuth=t0ken", NULL};
  run_against_serve(doc, env, "/v1", 43);
  free(doc);
}

static void curl_status(const ts_http_call *call, long want, const char *what) {
  ts_http_reply r;
  ts_curl(call, &r);
  cr_expect_eq(r.status, want, "%s: %ld %s", what, r.status, r.body);
}

Test(openapi_serve, swagger_2_document_too) {
  char *doc = ts_fmt("%s/tests/fixtures/openapi/swagger2.json", SOURCE_DIR);
  const char *env[] = {"basicAuth=user:pass", NULL};
  run_against_serve(doc, env, "/v2", 27); /* invalid_token on Basic: wrong password, wrong user */
  /* formData parameters: a multipart body, judged against them */
  ts_serve s;
  const char *suites[] = {doc, NULL};
  ts_serve_opts so = {.suites = suites, .env = env};
  cr_assert(ts_serve_start(&s, &so), "serve did not start: %s", ts_serve_stderr(&s));
  char *url = ts_fmt("http://127.0.0.1:%d/v2/scans", s.port);
  const char *basic[] = {"Authorization: Basic dXNlcjpwYXNz", NULL}; /* user:pass */
#define NOTE(V) "--b2\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\n" V "\r\n"
#define PAGES(V) "--b2\r\nContent-Disposition: form-data; name=\"pages\"\r\n\r\n" V "\r\n"
#define SCAN                                                                                       \
  "--b2\r\nContent-Disposition: form-data; name=\"scan\"; filename=\"a.pdf\"\r\n"                  \
  "Content-Type: application/pdf\r\n\r\n%PDF\r\n"
  static const struct {
    const char *body;
    long status;
  } scans[] = {
      {NOTE("tax") PAGES("2") SCAN "--b2--\r\n", 201},
      {NOTE("tax") SCAN "--b2--\r\n", 201},
      {NOTE("a note too long") SCAN "--b2--\r\n", 400}, /* maxLength: 10 */
      {NOTE("tax") PAGES("0") SCAN "--b2--\r\n", 400},  /* minimum: 1 */
      {NOTE("tax") "--b2--\r\n", 400},                  /* the required file */
  };
  for (size_t i = 0; i < sizeof scans / sizeof *scans; i++) {
    ts_http_call post = {.method = "POST",
                         .url = url,
                         .content_type = "multipart/form-data; boundary=b2",
                         .body = scans[i].body,
                         .headers = basic};
    curl_status(&post, scans[i].status, scans[i].body);
  }
  free(url);
  ts_serve_stop(&s, false, 5000);
  ts_serve_free(&s);
  free(doc);
}

/* A Swagger 2.0 document without `host` (go-swagger servers: Alertmanager):
 * its basePath still mounts the API, as a relative 3.x server URL does. */
Test(openapi_serve, a_base_path_without_host_mounts_the_api) {
  char *doc = ts_fmt("%s/tests/fixtures/openapi/synth-swagger2.yaml", SOURCE_DIR);
  run_against_serve(doc, NULL, "/api", 21);
  free(doc);
}

/* Errors documented as application/problem+json: serve answers each one as
 * the operation documents it (media type, body of its schema), an invalid
 * request with the operation's documented rejection (422 here, not 400). */
Test(openapi_serve, errors_are_answered_as_the_operation_documents_them) {
  char *doc = ts_fmt("%s/tests/fixtures/openapi/problems.yaml", SOURCE_DIR);
  const char *env[] = {"apiKey=k3y", NULL};
  run_against_serve(doc, env, "/api", 32);
  /* one answer seen from outside */
  ts_serve s;
  const char *suites[] = {doc, NULL};
  ts_serve_opts so = {.suites = suites, .env = env};
  cr_assert(ts_serve_start(&s, &so), "serve did not start: %s", ts_serve_stderr(&s));
  char *url = ts_fmt("http://127.0.0.1:%d/api/orders", s.port);
  const char *hdrs[] = {"X-Api-Key: k3y", NULL};
  ts_http_call call = {.method = "POST",
                       .url = url,
                       .content_type = "application/json",
                       .body = "{\"item\": \"plum\", \"qty\": 2}",
                       .headers = hdrs};
  ts_http_reply r;
  ts_curl(&call, &r);
  cr_expect_eq(r.status, 422);
  cr_expect(strstr(r.head, "Content-Type: application/problem+json\r\n"), "%s", r.head);
  cr_expect(strstr(r.body, "\"status\":422") && strstr(r.body, "\"title\""), "%s", r.body);
  /* a path under /orders/{orderId}: that operation's documented 404 */
  char *deep = ts_fmt("http://127.0.0.1:%d/api/orders/1/nothing", s.port);
  ts_http_call get = {.url = deep, .headers = hdrs};
  ts_curl(&get, &r);
  cr_expect_eq(r.status, 404);
  cr_expect(strstr(r.head, "Content-Type: application/problem+json\r\n"), "%s", r.head);
  cr_expect(strstr(r.body, "\"status\":404"), "%s", r.body);
  free(deep);
  ts_serve_stop(&s, false, 5000);
  ts_serve_free(&s);
  free(url);
  free(doc);
}

/* Every parameter style a derived request writes is read back by serve
 * (the derived run passes), and serve rejects what breaks the schema in
 * each of them, in a form body and in a multipart/form-data body. */
Test(openapi_serve, parameter_styles_and_form_bodies_are_read_as_documented) {
  char *doc = ts_fmt("%s/tests/fixtures/openapi/styles.yaml", SOURCE_DIR);
  run_against_serve(doc, NULL, "", 38);
  ts_serve s;
  const char *suites[] = {doc, NULL};
  ts_serve_opts so = {.suites = suites};
  cr_assert(ts_serve_start(&s, &so), "serve did not start: %s", ts_serve_stderr(&s));
  static const struct {
    const char *query;
    long status;
  } searches[] = {
      {"tags=red&tags=blue&ids=1,2&sizes=3%204&codes=x|y&filter[color]=red&filter[size]=2", 200},
      /* one broken value in each style */
      {"tags=red&tags=toolong&ids=1,2&sizes=3%204&codes=x|y&filter[color]=red", 400},
      {"tags=red&ids=1,100&sizes=3%204&codes=x|y&filter[color]=red", 400},
      {"tags=red&ids=1&sizes=3%20four&codes=x|y&filter[color]=red", 400},
      {"tags=red&ids=1&sizes=3&codes=x|w&filter[color]=red", 400},
      {"tags=red&ids=1&sizes=3&codes=x&filter[color]=blue", 400},
      {"tags=red&ids=1&sizes=3&codes=x&filter[size]=2", 400},
      {"tags=red&ids=1&sizes=3&codes=x&filter[color]=red&filter[size]=10", 400},
  };
  const char *ids[] = {"X-Ids: 7,8", NULL};
  for (size_t i = 0; i < sizeof searches / sizeof *searches; i++) {
    char *url = ts_fmt("http://127.0.0.1:%d/search?%s", s.port, searches[i].query);
    ts_http_call call = {.url = url, .headers = ids};
    curl_status(&call, searches[i].status, searches[i].query);
    free(url);
  }
  char *url =
      ts_fmt("http://127.0.0.1:%d/search?tags=a&ids=1&sizes=3&codes=x&filter[color]=red", s.port);
  const char *bad_ids[] = {"X-Ids: 7,eight", NULL};
  ts_http_call call = {.url = url, .headers = bad_ids};
  curl_status(&call, 400, "X-Ids: 7,eight");
  free(url);
  /* path parameters in the label and matrix styles */
  static const struct {
    const char *path;
    long status;
  } paths[] = {{"/items/.5,6", 200},
               {"/items/.5,six", 400},
               {"/points/;x=1;y=2", 200},
               {"/points/;x=1;y=two", 400}};
  for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
    url = ts_fmt("http://127.0.0.1:%d%s", s.port, paths[i].path);
    ts_http_call get = {.url = url};
    curl_status(&get, paths[i].status, paths[i].path);
    free(url);
  }
  url = ts_fmt("http://127.0.0.1:%d/orders", s.port);
  ts_http_call form = {.method = "POST",
                       .url = url,
                       .content_type = "application/x-www-form-urlencoded",
                       .body = "qty=3&kind=bag"};
  curl_status(&form, 201, "form qty=3");
  form.body = "qty=30&kind=bag";
  curl_status(&form, 400, "form qty=30");
  form.body = "qty=3&kind=crate";
  curl_status(&form, 400, "form kind=crate");
  free(url);
  url = ts_fmt("http://127.0.0.1:%d/uploads", s.port);
#define UPLOAD(COUNT)                                                                              \
  "--b0\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\npic\r\n"                           \
  "--b0\r\nContent-Disposition: form-data; name=\"count\"\r\n\r\n" COUNT "\r\n"                    \
  "--b0\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n"                  \
  "Content-Type: application/octet-stream\r\n\r\nbytes\r\n--b0--\r\n"
  const char *ok_body = UPLOAD("4"), *bad_body = UPLOAD("6");
  ts_http_call multi = {.method = "POST",
                        .url = url,
                        .content_type = "multipart/form-data; boundary=b0",
                        .body = ok_body};
  curl_status(&multi, 201, "multipart count=4");
  multi.body = bad_body;
  curl_status(&multi, 400, "multipart count=6");
  multi.body = "--b0\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\npic";
  curl_status(&multi, 400, "multipart without its close delimiter");
  free(url);
  ts_serve_stop(&s, false, 5000);
  ts_serve_free(&s);
  free(doc);
}

/* Path and cookie parameters are validated like query ones, and a
 * multipart part's Content-Type against the document's `encoding`: the
 * derived run (out_of_range / pattern_mismatch / bad_length in a path
 * segment, not_in_enum / missing_param of a cookie, nested body properties
 * and arrays, a file part) passes, and serve answers each broken value 400. */
Test(openapi_serve, path_cookie_and_multipart_parts_are_validated) {
  char *doc = ts_fmt("%s/tests/fixtures/openapi/params.yaml", SOURCE_DIR);
  run_against_serve(doc, NULL, "/v1", 65);
  ts_serve s;
  const char *suites[] = {doc, NULL};
  ts_serve_opts so = {.suites = suites};
  cr_assert(ts_serve_start(&s, &so), "serve did not start: %s", ts_serve_stderr(&s));
  static const struct {
    const char *path, *cookie;
    long status;
  } calls[] = {
      {"/v1/items/7", "Cookie: region=eu", 200},
      {"/v1/items/999", "Cookie: theme=dark; region=us", 200},
      {"/v1/items/1000", "Cookie: region=eu", 400}, /* maximum: 999 */
      {"/v1/items/0", "Cookie: region=eu", 400},    /* minimum: 1 */
      {"/v1/items/seven", "Cookie: region=eu", 400},
      {"/v1/items/7", NULL, 400}, /* the required cookie */
      {"/v1/items/7", "Cookie: theme=dark", 400},
      {"/v1/items/7", "Cookie: region=mars", 400}, /* enum: [eu, us] */
      {"/v1/tags/books", NULL, 200},
      {"/v1/tags/Books", NULL, 400},     /* pattern: ^[a-z]+$ */
      {"/v1/tags/booksbook", NULL, 400}, /* maxLength: 8 */
      {"/v1/tags/b%21", NULL, 400},      /* decoded before it is judged */
      {"/v1/orders/0", NULL, 400},
  };
  for (size_t i = 0; i < sizeof calls / sizeof *calls; i++) {
    char *url = ts_fmt("http://127.0.0.1:%d%s", s.port, calls[i].path);
    const char *hdrs[] = {calls[i].cookie, NULL};
    ts_http_call call = {.url = url, .headers = hdrs};
    char *what = ts_fmt("%s %s", calls[i].path, calls[i].cookie ? calls[i].cookie : "");
    curl_status(&call, calls[i].status, what);
    free(what);
    free(url);
  }
  /* the photo part: a file whose type `encoding` documents as image/png or image/jpeg */
#define PHOTO(TYPE_LINE)                                                                           \
  "--b1\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nsea\r\n"                          \
  "--b1\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"sea.png\"\r\n" TYPE_LINE     \
  "\r\n\x89PNG\r\n--b1--\r\n"
  static const struct {
    const char *body;
    long status;
  } photos[] = {
      {PHOTO("Content-Type: image/png\r\n"), 201},
      {PHOTO("Content-Type: image/jpeg; q=1\r\n"), 201},
      {PHOTO("Content-Type: text/plain\r\n"), 400},
      {PHOTO(""), 400}, /* no Content-Type: text/plain */
  };
  char *url = ts_fmt("http://127.0.0.1:%d/v1/photos", s.port);
  for (size_t i = 0; i < sizeof photos / sizeof *photos; i++) {
    ts_http_call post = {.method = "POST",
                         .url = url,
                         .content_type = "multipart/form-data; boundary=b1",
                         .body = photos[i].body};
    curl_status(&post, photos[i].status, photos[i].body);
  }
  free(url);
  ts_serve_stop(&s, false, 5000);
  ts_serve_free(&s);
  free(doc);
}

Test(openapi_serve, serve_needs_the_credentials_it_checks) {
  char *dir = ts_tempdir();
  char *doc = ts_fmt("%s/tests/fixtures/openapi/pets.yaml", SOURCE_DIR);
  const char *args[] = {"serve", "--listen", "127.0.0.1:0", doc, NULL};
  ts_gauntlet g;
  ts_gauntlet_run(&g, dir, args, NULL, 30000);
  cr_expect_eq(g.exit_code, 2);
  cr_expect(strstr(g.err, "the credential variable bearerAuth is not set"), "%s", g.err);
  ts_gauntlet_free(&g);
  ts_rmtree(dir);
  free(dir);
  free(doc);
}

/* What gauntlet used to get wrong against serve of the same document
 * (tests/fixtures/openapi/self-mock.yaml lists them): discriminators over
 * overlapping branches (mapped, by schema name, inherited through allOf),
 * readOnly/writeOnly required properties, an overlapping oneOf without
 * discriminator, a oneOf of required lists, a response string with a
 * real-world pattern, #fragment path keys, an array without items (no
 * wrong_type case), a link selecting nothing, examples their schema rejects,
 * a multipart object field: every case passes. */
Test(openapi_serve, a_document_with_discriminators_patterns_and_read_only_passes) {
  char *doc = ts_fmt("%s/tests/fixtures/openapi/self-mock.yaml", SOURCE_DIR);
  run_against_serve(doc, NULL, "/v1", 61);
  free(doc);
}

/* A document asking for what no server can give: `gauntlet check` warns
 * about each defect; the derived run against serve fails exactly the cases
 * they cause, and each failure names the defect; an operation documenting
 * only 1xx statuses has its valid case skipped with that reason. */
Test(openapi_serve, document_defects_are_warned_and_named_in_the_failures) {
  char *dir = ts_tempdir();
  char *doc = ts_fmt("%s/tests/fixtures/openapi/defects.yaml", SOURCE_DIR);
  const char *check[] = {"check", doc, NULL};
  ts_gauntlet g;
  ts_gauntlet_run(&g, dir, check, NULL, 30000);
  cr_expect_eq(g.exit_code, 0, "%s", g.err);
  char *want = ts_fmt(
      "%s: no credential needed (no operation requires security)\n"
      "%s:62:7: warning: no finite value is valid against the request body schema of POST /tree "
      "(application/json): #/components/schemas/TreeNode requires `parent`, "
      "#/components/schemas/TreeNode again\n"
      "%s:27:15: warning: no finite value is valid against the request body schema of PUT /mixed "
      "(application/json): #/paths/~1mixed/put/requestBody/content/application~1json/schema: its "
      "allOf parts have no type in common\n"
      "%s:51:19: warning: #/paths/~1errors/get/responses/400/content/application~1json/schema/"
      "oneOf: branches 0 (#/components/schemas/EmptyKey) and 1 (#/components/schemas/UnknownKey) "
      "accept the same values (they differ in annotations only) and no discriminator picks one: "
      "no value matches exactly one branch\n"
      "ok: %s: suite 'defects', 4 scenarios, 69 cases\n",
      doc, doc, doc, doc, doc);
  cr_expect_str_eq(g.out, want);
  free(want);
  ts_gauntlet_free(&g);

  ts_serve s;
  const char *suites[] = {doc, NULL};
  ts_serve_opts so = {.suites = suites};
  cr_assert(ts_serve_start(&s, &so), "serve did not start: %s", ts_serve_stderr(&s));
  char *junit = ts_fmt("%s/junit.xml", dir);
  char *base = ts_fmt("http://127.0.0.1:%d", s.port);
  const char *args[] = {"run", "-q",         "--seed", "3", "--junit",
                        junit, "--base-url", base,     doc, NULL};
  ts_gauntlet_run(&g, dir, args, NULL, 120000);
  cr_expect_eq(g.exit_code, 1, "%s", g.err);
  ts_junit j;
  cr_assert(ts_junit_load(junit, &j), "no report: %s", g.err);
  const char *failing[] = {"POST /tree [valid]", "PUT /mixed [valid]",
                           "GET /errors [not_in_enum #1 query kind]"};
  for (size_t i = 0; i < 3; i++) {
    const ts_case *c = ts_junit_find(&j, failing[i]);
    cr_assert_not_null(c, "%s", failing[i]);
    cr_expect_eq(c->outcome, TS_CASE_FAILURE, "%s", failing[i]);
    cr_expect(c->body && strstr(c->body, "a defect of the document (`gauntlet check` warns)"),
              "%s: %s", failing[i], c->body ? c->body : "(no text)");
  }
  cr_expect_eq(ts_junit_count(&j, TS_CASE_FAILURE) + ts_junit_count(&j, TS_CASE_ERROR), 3);
  const ts_case *one = ts_junit_find(&j, "GET /status/100 [valid]");
  cr_assert_not_null(one);
  cr_expect_eq(one->outcome, TS_CASE_SKIPPED);
  cr_expect(one->message && strstr(one->message, "documents only 1xx statuses"), "%s",
            one->message ? one->message : "(none)");
  cr_expect_eq(ts_junit_count(&j, TS_CASE_SKIPPED), 1);
  cr_expect_eq(j.n, 69);
  ts_junit_free(&j);
  ts_gauntlet_free(&g);
  ts_serve_stop(&s, true, 5000);
  ts_serve_free(&s);
  ts_rmtree(dir);
  free(dir);
  free(junit);
  free(base);
  free(doc);
}

/* Real-world constructs (tests/fixtures/openapi/realworld.yaml): the API
 * mounted under the relative server's path, nested form fields sent and read
 * back as deepObject keys (typed through anyOf branches), an optional body
 * that may be absent, a required binary body, answers in their documented
 * media types, an identifier captured from a scalar property only. */
Test(openapi_serve, nested_form_bodies_and_relative_servers) {
  char *doc = ts_fmt("%s/tests/fixtures/openapi/realworld.yaml", SOURCE_DIR);
  run_against_serve(doc, NULL, "/v2", 40);
  ts_serve s;
  const char *suites[] = {doc, NULL};
  ts_serve_opts so = {.suites = suites};
  cr_assert(ts_serve_start(&s, &so), "serve did not start: %s", ts_serve_stderr(&s));
  char *url = ts_fmt("http://127.0.0.1:%d/v2/charges", s.port);
  ts_http_call form = {.method = "POST",
                       .url = url,
                       .content_type = "application/x-www-form-urlencoded",
                       .body =
                           "amount=5&card[number]=4242&card[exp_month]=12&expand[0]=c&tags=a,b"};
  curl_status(&form, 200, "nested card");
  form.body = "amount=5&card=tok_visa";
  curl_status(&form, 200, "card as a token (the anyOf string branch)");
  form.body = "amount=5&card[number]=4242&card[exp_month]=twelve";
  curl_status(&form, 400, "card[exp_month] not an integer");
  form.body = "amount=5&card[number]=4242";
  curl_status(&form, 400, "card without exp_month");
  form.body = "amount=0&card=tok_visa";
  curl_status(&form, 400, "amount below its minimum");
  ts_http_call none = {.method = "POST", .url = url};
  curl_status(&none, 200, "no body (the body is optional)");
  free(url);
  /* a required binary body: sent bytes are a body; the answer in its
   * documented media type, as is a +json one */
  url = ts_fmt("http://127.0.0.1:%d/v2/uploads/a.bin", s.port);
  ts_http_call upload = {
      .method = "PUT", .url = url, .content_type = "application/octet-stream", .body = "bytes"};
  ts_http_reply r;
  ts_curl(&upload, &r);
  cr_expect_eq(r.status, 200, "upload: %ld %s", r.status, r.body);
  cr_expect(strstr(r.head, "Content-Type: application/octet-stream"), "%s", r.head);
  cr_expect_str_eq(r.body, "stored");
  upload.body = NULL;
  upload.content_type = NULL;
  curl_status(&upload, 400, "upload without its required body");
  free(url);
  url = ts_fmt("http://127.0.0.1:%d/v2/keys", s.port);
  ts_http_call keys = {.url = url};
  ts_curl(&keys, &r);
  cr_expect_eq(r.status, 200, "keys: %ld %s", r.status, r.body);
  cr_expect(strstr(r.head, "Content-Type: application/jwk-set+json"), "%s", r.head);
  free(url);
  ts_serve_stop(&s, false, 5000);
  ts_serve_free(&s);
  free(doc);
}
