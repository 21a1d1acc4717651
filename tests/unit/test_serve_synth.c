/* test_serve_synth.c — serve without respond: blocks: the answer is built
 * from the scenario's expect (json template and singular jsonpath entries). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "serve/serve.h"
#include "suite/suite.h"

static const char yaml[] = "suite: synth\n"
                           "base_url: http://127.0.0.1:9/v1\n"
                           "profile:\n"
                           "  profile: p\n"
                           "  auth: {scheme: none}\n"
                           "  errors: {shape: {error: {code: !integer, message: !string}}}\n"
                           "scenarios:\n"
                           "  - name: read\n"
                           "    request: {method: GET, path: /things/1}\n"
                           "    expect:\n"
                           "      status: 200\n"
                           "      json: {id: !integer, kind: !one_of [a, b]}\n"
                           "      jsonpath:\n"
                           "        $.qty: 3\n"
                           "        $.owner.name: !string\n"
                           "        \"$['meta']['v']\": 2\n"
                           "        $.gone: !absent\n"
                           "        $.list[0]: 9\n";

Test(serve_synth, expect_json_and_jsonpath_shape_the_answer) {
  char path[] = "/tmp/gt-synth-XXXXXX.yaml";
  int fd = mkstemps(path, 5);
  cr_assert(fd >= 0);
  cr_assert_eq(write(fd, yaml, sizeof yaml - 1), (ssize_t)(sizeof yaml - 1));
  close(fd);
  gt_err err = {0};
  gt_load_opts lo = {.use_env = false};
  gt_suite *suite = gt_suite_load(path, &lo, &err);
  unlink(path);
  cr_assert(suite, "load: %s", err.msg);
  gt_serve_opts o = {.seed = 1};
  gt_serve *srv = gt_serve_new(&suite, 1, &o, &err);
  cr_assert(srv, "serve: %s", err.msg);

  gt_serve_request r = {.method = "GET", .target = "/v1/things/1"};
  gt_serve_response resp;
  gt_serve_response_init(&resp);
  gt_serve_handle(srv, &r, &resp);
  cr_assert_eq(resp.status, 200);
  cJSON *j = cJSON_Parse(resp.body.data ? resp.body.data : "");
  cr_assert(j, "body: %s", resp.body.data);
  cr_assert(cJSON_IsNumber(cJSON_GetObjectItem(j, "id")));
  cr_assert_str_eq(cJSON_GetObjectItem(j, "kind")->valuestring, "a");
  cr_assert_eq(cJSON_GetObjectItem(j, "qty")->valueint, 3);
  cr_assert(cJSON_IsString(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "owner"), "name")));
  cr_assert_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "meta"), "v")->valueint, 2);
  cr_assert_null(cJSON_GetObjectItem(j, "gone"));
  cr_assert_null(cJSON_GetObjectItem(j, "list")); /* indices are not invented */
  cJSON_Delete(j);
  gt_serve_response_free(&resp);

  /* An error body's integer code is synthesized as the HTTP status. */
  gt_serve_request nope = {.method = "GET", .target = "/v1/nope"};
  gt_serve_response_init(&resp);
  gt_serve_handle(srv, &nope, &resp);
  cr_assert_eq(resp.status, 404);
  j = cJSON_Parse(resp.body.data ? resp.body.data : "");
  cr_assert(j, "body: %s", resp.body.data);
  cr_assert_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "error"), "code")->valueint, 404);
  cr_assert(cJSON_IsString(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "error"), "message")));
  cJSON_Delete(j);
  gt_serve_response_free(&resp);
  gt_serve_free(srv);
  gt_suite_free(suite);
}
