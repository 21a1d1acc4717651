/* test_result_texts.c — the texts a finished case becomes (run/result.c):
 * bodies with NUL bytes must stay whole in the system-out dump. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "run/result.h"

static gt_http_response response_with_body(const char *body, size_t len) {
  gt_http_response resp;
  memset(&resp, 0, sizeof resp);
  resp.outcome = GT_HTTP_OK;
  resp.status = 200;
  gt_buf_init(&resp.body);
  gt_buf_add(&resp.body, body, len);
  resp.body_total = len;
  return resp;
}

Test(result_texts, nul_in_response_body_does_not_cut_the_dump) {
  static const char body[] = "{\"s\": \"a\0b ]]> \xff end\"}";
  gt_http_response resp = response_with_body(body, sizeof body - 1);
  gt_failures f = {0};
  gt_failures_add(&f, GT_CHECK_JSON_PARSES, "$", "valid JSON", "invalid");
  gt_case_result r;
  gt_result_texts t;
  gt_result_build(&r, &t, NULL, NULL, &resp, &f, NULL);
  cr_assert(r.system_out);
  cr_expect(strstr(r.system_out, "{\"s\": \"a#x00b ]]> \xff end\"}") != NULL,
            "body cut or NUL not shown:\n%s", r.system_out);
  cr_expect(r.kind == GT_RESULT_FAIL);
  gt_result_texts_free(&t);
  gt_failures_free(&f);
  gt_http_response_free(&resp);
}

Test(result_texts, nul_in_request_body_does_not_cut_the_dump) {
  static char body[] = "\0\0tail";
  gt_http_request req;
  memset(&req, 0, sizeof req);
  req.method = "POST";
  req.url = "http://127.0.0.1:1/x";
  req.body = body;
  req.body_len = sizeof body - 1;
  gt_failures f = {0};
  gt_case_result r;
  gt_result_texts t;
  gt_result_build(&r, &t, NULL, &req, NULL, &f, NULL);
  cr_assert(r.system_out);
  cr_expect(strstr(r.system_out, "#x00#x00tail\n") != NULL, "%s", r.system_out);
  cr_expect(r.kind == GT_RESULT_PASS);
  gt_result_texts_free(&t);
}
