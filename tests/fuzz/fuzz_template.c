/* fuzz_template.c — arbitrary bytes as a response body: the strict JSON
 * parser, template matching against a few fixed templates, header-text
 * matching and the whole gt_check_response must never crash, leak or hang. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "suite/suite.h"

/* Block style: flow collections cannot hold ${..} unquoted (docs/suite-format.md). */
static const char *TEMPLATES[] = {
    "success: false\nerror:\n  code: !integer\n  message: !string\n",
    "!one_of\n- !null\n- items: !contains\n  - id: !integer\n- !len 3\n",
    ("!exact\na: !regex '^[0-9a-f]{24}$'\nb:\n- 1\n- !any\n- !absent\nc: !one_of\n- !absent\n- "
     "!number\n"),
    "- !boolean\n- x\n- ${n}\n",
};
#define N_TEMPLATES (sizeof TEMPLATES / sizeof *TEMPLATES)

static gt_node *tmpl[N_TEMPLATES];
static gt_scope scope;

static void init(void) {
  static int done;
  if (done) return;
  done = 1;
  scope.suite_vars = cJSON_Parse("{\"n\":5}");
  for (size_t i = 0; i < N_TEMPLATES; i++) {
    gt_err err = {0};
    tmpl[i] = gt_yaml_parse("fuzz.yaml", TEMPLATES[i], strlen(TEMPLATES[i]), &err);
    if (!tmpl[i] || !gt_template_compile(tmpl[i], &err)) abort();
  }
}

/* libFuzzer's entry point (libFuzzer ships no header declaring it). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  init();
  const char *body = (const char *)data;

  /* The strict parser must never accept what cJSON rejects. */
  cJSON *j = gt_json_parse_strict(body, size, NULL, NULL);
  gt_failures f = {0};
  for (size_t i = 0; i < N_TEMPLATES; i++) {
    size_t before = f.count;
    bool ok = gt_template_match(tmpl[i], j, &scope, GT_CHECK_JSON, "$", &f);
    if (ok != (f.count == before)) abort();
  }
  cJSON *lenient = cJSON_ParseWithLength(body, size);
  for (size_t i = 0; lenient && i < N_TEMPLATES; i++)
    gt_template_match(tmpl[i], lenient, &scope, GT_CHECK_JSON, "$", &f);
  cJSON_Delete(lenient);

  /* Header form: the bytes up to the first NUL as a header value. */
  char *text = malloc(size + 1);
  if (!text) abort();
  memcpy(text, data, size);
  text[size] = 0;
  for (size_t i = 0; i < N_TEMPLATES; i++)
    gt_template_match_text(tmpl[i], text, &scope, GT_CHECK_HEADERS, "header X", &f);
  gt_utf8_valid(body, size);

  /* The whole verdict, with a demanding profile. */
  gt_profile p;
  memset(&p, 0, sizeof p);
  p.transport.content_type = "application/json";
  p.transport.charset = "utf-8";
  p.errors.shape = tmpl[0];
  p.envelope = tmpl[1];
  gt_expect e;
  memset(&e, 0, sizeof e);
  e.max_time_ms = e.refused = e.error_shape = -1;
  e.json = tmpl[2];
  gt_header h = {"Content-Type", text};
  gt_http_response r;
  memset(&r, 0, sizeof r);
  r.status = size ? 200 + data[0] % 400 : 500;
  r.headers = &h;
  r.n_headers = 1;
  /* The response owns a mutable body; a copy keeps the fuzzer's input const. */
  char *body_copy = malloc(size + 1);
  if (!body_copy) return 0;
  memcpy(body_copy, body, size);
  body_copy[size] = '\0';
  r.body.data = body_copy; /* freed below */
  r.body.len = size;
  r.body_total = size;
  r.body_truncated = size > 0 && data[size - 1] == 'T';
  gt_check_ctx ctx = {&p, &e, &scope, false, false, false, NULL};
  cJSON *parsed = NULL;
  gt_check_response(&ctx, &r, &f, &parsed);
  if (parsed && !j) abort(); /* parsed only when the strict parse succeeded */
  cJSON_Delete(parsed);

  gt_failures_free(&f);
  free(text);
  cJSON_Delete(j);
  free(body_copy);
  return 0;
}
