/* test_expect_if_status.c — `expect.if_status` (an expectation judged only on
 * answers with that status) and the profile's `envelope_statuses` (the
 * envelope only on those answers), loaded from a real suite file (so the
 * loader's compaction moves them) and judged by gt_check_response. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check/check.h"
#include "suite/suite.h"

static char path[64];
static gt_suite *S;
static gt_http_response R;
static gt_failures F;

static void teardown(void) {
  gt_suite_free(S);
  S = NULL;
  gt_buf_free(&R.body);
  for (size_t i = 0; i < R.n_headers; i++) {
    free(R.headers[i].name);
    free(R.headers[i].value);
  }
  free(R.headers);
  memset(&R, 0, sizeof R);
  gt_failures_free(&F);
  if (path[0]) unlink(path);
  path[0] = '\0';
}

TestSuite(if_status, .fini = teardown);

/* Loads yaml as a suite file; NULL with the error text in msg on failure. */
static gt_suite *load(const char *yaml, char *msg, size_t cap) {
  snprintf(path, sizeof path, "/tmp/gt-if-status-XXXXXX");
  int fd = mkstemp(path);
  cr_assert(fd >= 0);
  cr_assert_eq(write(fd, yaml, strlen(yaml)), (ssize_t)strlen(yaml));
  close(fd);
  gt_load_opts o = {.use_env = false};
  gt_err err = {0};
  gt_suite *s = gt_suite_load(path, &o, &err);
  if (!s) gt_err_format(&err, msg, cap);
  return s;
}

static void answer(int status, const char *body) {
  gt_buf_free(&R.body);
  for (size_t i = 0; i < R.n_headers; i++) {
    free(R.headers[i].name);
    free(R.headers[i].value);
  }
  free(R.headers);
  memset(&R, 0, sizeof R);
  R.outcome = GT_HTTP_OK;
  R.status = status;
  gt_buf_adds(&R.body, body);
  R.body_total = strlen(body);
  R.headers = gt_xcalloc(1, sizeof *R.headers);
  R.headers[0].name = gt_xstrdup("Content-Type");
  R.headers[0].value = gt_xstrdup("application/json");
  R.n_headers = 1;
}

/* The verdict of scenario i on the current answer; failures in F. */
static bool judge(size_t i) {
  gt_failures_free(&F);
  gt_check_ctx ctx = {&S->profile, &S->scenarios[i].expect, NULL, false, false, false, NULL};
  return gt_check_response(&ctx, &R, &F, NULL);
}

static bool has_failure(gt_check_id id) {
  for (size_t i = 0; i < F.count; i++)
    if (F.items[i].check == id) return true;
  return false;
}

static const char *SUITE = "suite: t\n"
                           "base_url: http://127.0.0.1:1/api\n"
                           "profile:\n"
                           "  transport: { content_type: application/json }\n"
                           "  envelope: { status: !string, data: !any }\n"
                           "  envelope_statuses: [200]\n"
                           "scenarios:\n"
                           "  - name: a body that may be refused or read as no parameters\n"
                           "    request: { method: POST, path: /x, json: [1, 2] }\n"
                           "    expect:\n"
                           "      status: [200, 400]\n"
                           "      if_status:\n"
                           "        200:\n"
                           "          json: { status: !one_of [parameter-error, error] }\n"
                           "          jsonpath: { $.data.message: !string }\n"
                           "        4xx: { body: !regex '^(|\\{.*)$' }\n";

Test(if_status, applies_only_to_answers_with_its_status) {
  char msg[512] = "";
  S = load(SUITE, msg, sizeof msg);
  cr_assert_not_null(S, "%s", msg);
  answer(200, "{\"status\":\"parameter-error\",\"data\":{\"message\":\"`id` is required\"}}");
  cr_expect(judge(0), "200 with a parameter-error passes");
  answer(200, "{\"status\":\"success\",\"data\":{}}");
  cr_expect_not(judge(0), "200 success fails the 200 entry");
  cr_expect_eq(F.items[0].check, GT_CHECK_JSON);
  answer(200, "{\"status\":\"error\",\"data\":{}}");
  cr_expect_not(judge(0), "the entry's jsonpath is checked too");
  cr_expect_eq(F.items[0].check, GT_CHECK_JSONPATH);
  /* A 400 is judged by the 4xx entry only: no envelope, no 200 template. */
  answer(400, "");
  cr_expect(judge(0), "an empty 400 passes");
  answer(400, "{\"status\":\"invalid-json\",\"details\":\"x\"}");
  cr_expect(judge(0), "a bare 400 body without the envelope passes");
  answer(400, "<html>");
  cr_expect_not(judge(0), "the 4xx entry's body matcher applies");
  cr_expect(has_failure(GT_CHECK_BODY));
  answer(404, "{}");
  cr_expect_not(judge(0), "404 is outside expect.status");
}

Test(if_status, envelope_only_on_listed_statuses) {
  char msg[512] = "";
  S = load(SUITE, msg, sizeof msg);
  cr_assert_not_null(S, "%s", msg);
  answer(200, "{\"data\":{\"message\":\"m\"}}");
  cr_expect_not(judge(0));
  cr_expect(has_failure(GT_CHECK_ENVELOPE), "a 200 without the envelope's status fails");
}

Test(if_status, entries_may_not_set_status) {
  char msg[512] = "";
  S = load("suite: t\n"
           "base_url: http://127.0.0.1:1\n"
           "scenarios:\n"
           "  - name: s\n"
           "    request: { method: GET, path: /x }\n"
           "    expect:\n"
           "      status: [200, 404]\n"
           "      if_status:\n"
           "        200: { status: 201 }\n",
           msg, sizeof msg);
  cr_assert_null(S);
  cr_expect(strstr(msg, ":9:14: expect.if_status entry: status, refused and if_status are not "
                        "allowed here"),
            "%s", msg);
}

Test(if_status, keys_are_statuses) {
  char msg[512] = "";
  S = load("suite: t\n"
           "base_url: http://127.0.0.1:1\n"
           "scenarios:\n"
           "  - name: s\n"
           "    request: { method: GET, path: /x }\n"
           "    expect:\n"
           "      if_status:\n"
           "        ok: { json: {} }\n",
           msg, sizeof msg);
  cr_assert_null(S);
  cr_expect(strstr(msg, ":8:9:"), "%s", msg);
}
