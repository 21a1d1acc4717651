/* test_shared_parts.c — the parts every module shares instead of keeping a
 * private copy: header list, duration parser, JSON deep merge, PRNG and
 * hash, hex digits and percent-decoding, "is this media type JSON", outcome
 * names. Includes the two behaviours where the old copies disagreed: a bare
 * number is no duration anywhere (serve's --inject slow:2 included), and a
 * JSON media type is application/json or +json with parameters ignored
 * (serve's audit used to find "application/json" anywhere in the value). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "core/base64.h"
#include "core/headers.h"
#include "core/hex.h"
#include "core/prng.h"
#include "core/units.h"
#include "http/http.h"
#include "serve/serve.h"
#include "serve/serve_internal.h"
#include "suite/suite.h"
#include "support.h"

/* ---- header list ---- */

Test(headers, get_set_remove_free) {
  gt_header *h = NULL;
  size_t n = 0;
  gt_headers_add(&h, &n, "Accept", "a/b");
  gt_headers_add(&h, &n, "X-Twice", "1");
  gt_headers_add(&h, &n, "x-twice", "2");
  gt_headers_addn(&h, &n, "Content-TypeXX", 12, "text/plainYY", 10);
  gt_headers_add(&h, &n, "Empty", NULL);
  cr_assert_eq(n, 5);
  cr_expect_str_eq(gt_headers_get(h, n, "content-type"), "text/plain");
  cr_expect_str_eq(gt_headers_get(h, n, "X-TWICE"), "1", "the first of that name");
  cr_expect_str_eq(gt_headers_get(h, n, "Empty"), "");
  cr_expect_null(gt_headers_get(h, n, "Missing"));

  gt_headers_set(&h, &n, "X-Twice", "3"); /* replaces the first, keeps its place */
  cr_expect_eq(n, 5);
  cr_expect_str_eq(h[1].name, "X-Twice");
  cr_expect_str_eq(h[1].value, "3");
  cr_expect_str_eq(h[2].value, "2");
  gt_headers_set(&h, &n, "New", "v"); /* appends */
  cr_expect_eq(n, 6);
  cr_expect_str_eq(h[5].name, "New");

  cr_expect_eq(gt_headers_remove(&h, &n, "x-TWICE"), 2u);
  cr_expect_eq(n, 4);
  cr_expect_str_eq(h[0].name, "Accept");
  cr_expect_str_eq(h[1].name, "Content-Type");
  cr_expect_eq(gt_headers_remove(&h, &n, "nothing"), 0u);

  gt_headers_free(&h, &n);
  cr_expect_null(h);
  cr_expect_eq(n, 0);
  gt_headers_free(&h, &n); /* twice is harmless */
}

/* The lists built on it: a request, a response, serve's response. */
Test(headers, request_response_and_serve_lists_share_the_rules) {
  gt_http_request rq = {0};
  gt_http_request_add_header(&rq, "Authorization", "Bearer x");
  cr_expect_str_eq(gt_http_request_header(&rq, "authorization"), "Bearer x");
  cr_expect_eq(gt_http_request_remove_header(&rq, "AUTHORIZATION"), 1u);
  cr_expect_null(gt_http_request_header(&rq, "Authorization"));
  gt_http_request_free(&rq);

  gt_serve_response sr;
  gt_serve_response_init(&sr);
  serve_resp_add_header(&sr, "Retry-After", "1");
  serve_resp_add_header(&sr, "retry-after", "2"); /* one value per name: last wins */
  cr_expect_eq(sr.n_headers, 1u);
  cr_expect_str_eq(gt_serve_response_header(&sr, "RETRY-AFTER"), "2");
  gt_serve_response_free(&sr);
}

/* ---- durations: one parser, a unit required everywhere ---- */

Test(duration, a_unit_is_required_and_the_error_suggests_one) {
  long ms = -1;
  cr_expect(gt_parse_duration("1.5s", &ms) && ms == 1500);
  cr_expect(gt_parse_duration("150ms", &ms) && ms == 150);
  cr_expect(gt_parse_duration("2m", &ms) && ms == 120000);
  cr_expect(gt_parse_duration("1h", &ms) && ms == 3600000);
  cr_expect_not(gt_parse_duration("2", &ms));
  cr_expect_not(gt_parse_duration("", &ms));
  cr_expect_not(gt_parse_duration(NULL, &ms));
  char *why = gt_duration_error("2");
  cr_expect_str_eq(why, "bad duration '2': a unit is required (write 2s or 2ms)");
  free(why);
  why = gt_duration_error("soon");
  cr_expect_str_eq(why, "bad duration 'soon' (write e.g. 150ms, 10s, 2m)");
  free(why);
}

/* Before: serve's own parser read a bare "2" as two seconds. */
Test(duration, serve_inject_slow_needs_a_unit_too) {
  gt_err e = {0};
  cr_expect(gt_serve_inject_valid("slow:2s", &e), "%s", e.msg);
  cr_expect(gt_serve_inject_valid("slow:1.5s", &e), "%s", e.msg);
  cr_assert_not(gt_serve_inject_valid("slow:2", &e));
  cr_expect(strstr(e.msg, "write 2s or 2ms"), "%s", e.msg);
  cr_expect_not(gt_serve_inject_valid("slow:2h", &e), "more than an hour is refused");
}

/* ---- JSON deep merge: one function, dst consumed, src only read ---- */

Test(json_merge, objects_merge_in_place_and_src_is_untouched) {
  cJSON *dst = cJSON_Parse("{\"a\":1,\"o\":{\"x\":1,\"y\":2},\"z\":[1]}");
  cJSON *src = cJSON_Parse("{\"o\":{\"y\":3},\"a\":\"s\",\"n\":null}");
  char *before = cJSON_PrintUnformatted(src);
  dst = gt_json_merge_deep(dst, src);
  char *got = cJSON_PrintUnformatted(dst);
  cr_expect_str_eq(got, "{\"a\":\"s\",\"o\":{\"x\":1,\"y\":3},\"z\":[1],\"n\":null}",
                   "keys keep their place; new ones come last");
  char *after = cJSON_PrintUnformatted(src);
  cr_expect_str_eq(after, before);
  free(got);
  free(before);
  free(after);
  cJSON_Delete(dst);
  cJSON_Delete(src);
}

/* ---- PRNG and hash ---- */

Test(prng, splitmix64_and_fnv1a_reference_values) {
  uint64_t st = 0;
  cr_expect_eq(gt_splitmix64(&st), 0xe220a8397b1dcdafULL);
  cr_expect_eq(gt_splitmix64(&st), 0x6e789e6aa1b965f4ULL);
  cr_expect_eq(gt_fnv1a(""), 0xcbf29ce484222325ULL);
  cr_expect_eq(gt_fnv1a(NULL), 0xcbf29ce484222325ULL);
  cr_expect_eq(gt_fnv1a("a"), 0xaf63dc4c8601ec8cULL);
  cr_expect_eq(gt_fnv1a_bytes("a\0b", 3), gt_fnv1a_bytes("a\0b", 3));
  cr_expect_neq(gt_fnv1a_bytes("a\0b", 3), gt_fnv1a("a"), "bytes after a NUL count");
  cr_expect_eq(gt_fnv1a_bytes("foobar", 6), gt_fnv1a("foobar"));
  uint64_t s = 42;
  for (int i = 0; i < 1000; i++)
    cr_assert_lt(gt_rand_below(&s, 7), 7u);
}

/* ---- hex ---- */

Test(hex, digits_and_percent_decoding) {
  const char *digits = "0123456789abcdefABCDEF";
  for (int i = 0; digits[i]; i++)
    cr_expect_eq(gt_hex_digit(digits[i]), i < 16 ? i : i - 6, "%c", digits[i]);
  cr_expect_eq(gt_hex_digit('g'), -1);
  cr_expect_eq(gt_hex_digit('/'), -1);
  cr_expect_eq(gt_hex_digit(0), -1);

  gt_buf b;
  gt_buf_init(&b);
  cr_expect(gt_percent_decode("a%20b%2F%c3%a9", 14, &b));
  cr_expect_str_eq(b.data, "a b/\xc3\xa9");
  gt_buf_reset(&b);
  cr_expect_not(gt_percent_decode("%41%zz%4", 8, &b), "a bad escape is reported");
  cr_expect_str_eq(b.data, "A%zz%4", "and kept as written");
  gt_buf_reset(&b);
  cr_expect(gt_percent_decode("", 0, &b));
  cr_expect_str_eq(b.data, "");
  gt_buf_free(&b);
}

/* ---- media types ---- */

Test(media, json_is_application_json_or_a_json_suffix_parameters_ignored) {
  cr_expect(gt_media_is_json("application/json"));
  cr_expect(gt_media_is_json("Application/JSON; charset=utf-8"));
  cr_expect(gt_media_is_json("  application/problem+json ;x=1"));
  cr_expect(gt_media_is_json("application/vnd.api+JSON"));
  cr_expect_not(gt_media_is_json("text/plain; profile=application/json"));
  cr_expect_not(gt_media_is_json("text/plain; x=a+json"));
  cr_expect_not(gt_media_is_json("application/jsonp"));
  cr_expect_not(gt_media_is_json("application/json-seq"));
  cr_expect_not(gt_media_is_json(""));
  cr_expect_not(gt_media_is_json(NULL));
  char *m = gt_media_type(" Text/HTML ; charset=UTF-8");
  cr_expect_str_eq(m, "text/html");
  free(m);
}

/* Before: serve's audit found "application/json" anywhere in the value, so
 * a JSON body labelled text/plain with that text in a parameter passed. */
Test(media, serve_audit_flags_json_labelled_as_text_with_a_json_parameter) {
  gt_err err = {0};
  gt_load_opts lo = {.use_env = true};
  gt_suite *suite = gt_suite_load(SOURCE_DIR "/tests/fixtures/serve/items.yaml", &lo, &err);
  cr_assert(suite, "load: %s", err.msg);
  gt_serve_opts o = {.use_env = true, .seed = 7};
  gt_serve *srv = gt_serve_new(&suite, 1, &o, &err);
  cr_assert(srv, "serve: %s", err.msg);
  char plain[] = "text/plain; profile=application/json", merge[] = "application/merge-patch+json";
  char *labels[] = {plain, merge};
  for (size_t i = 0; i < 2; i++) {
    gt_header h[] = {{"Authorization", "Bearer tok-0123456789abcdef"}, {"Content-Type", NULL}};
    h[1].value = labels[i];
    const char *body = "{\"name\":\"w\",\"size\":1,\"tags\":[]}";
    gt_serve_request r = {.method = "POST",
                          .target = "/v1/items",
                          .headers = h,
                          .n_headers = 2,
                          .body = body,
                          .body_len = strlen(body),
                          .body_total = strlen(body)};
    gt_serve_response resp;
    gt_serve_response_init(&resp);
    gt_serve_handle(srv, &r, &resp);
    gt_serve_response_free(&resp);
  }
  /* the records are in the report */
  char *dir = ts_tempdir();
  char *path = ts_fmt("%s/serve.xml", dir);
  bool conformed = true;
  cr_assert(gt_serve_write_junit(srv, path, &conformed, &err), "%s", err.msg);
  ts_junit j;
  cr_assert(ts_junit_load(path, &j));
  for (size_t i = 0; i < 2; i++) {
    char name[64];
    snprintf(name, sizeof name, "POST /v1/items #%zu", i + 1);
    const ts_case *c = ts_junit_find(&j, name);
    cr_assert(c, "%s is in the report", name);
    bool flagged = c->body && strstr(c->body, "json_content_type");
    cr_expect_eq(flagged, i == 0, "%s: %s", labels[i], c->body ? c->body : "");
  }
  ts_junit_free(&j);
  free(path);
  free(dir);
  gt_serve_free(srv);
  gt_suite_free(suite);
}

/* ---- outcome names ---- */

Test(outcome, one_name_and_kind_per_outcome) {
  cr_expect_str_eq(gt_http_outcome_name(GT_HTTP_OK), "response");
  cr_expect_str_eq(gt_http_outcome_name(GT_HTTP_REFUSED), "connection refused");
  cr_expect_str_eq(gt_http_outcome_name(GT_HTTP_RESET), "connection reset");
  cr_expect_str_eq(gt_http_outcome_name(GT_HTTP_TIMEOUT), "timed out");
  cr_expect_str_eq(gt_http_outcome_name(GT_HTTP_TLS), "TLS failure");
  cr_expect_str_eq(gt_http_outcome_name(GT_HTTP_DNS), "DNS failure");
  cr_expect_str_eq(gt_http_outcome_name(GT_HTTP_OTHER), "transport error");
  cr_expect_str_eq(gt_http_outcome_kind(GT_HTTP_REFUSED), "connection");
  cr_expect_str_eq(gt_http_outcome_kind(GT_HTTP_RESET), "connection");
  cr_expect_str_eq(gt_http_outcome_kind(GT_HTTP_TIMEOUT), "timeout");
  cr_expect_str_eq(gt_http_outcome_kind(GT_HTTP_TLS), "tls");
  cr_expect_str_eq(gt_http_outcome_kind(GT_HTTP_DNS), "dns");
  cr_expect_str_eq(gt_http_outcome_kind(GT_HTTP_OTHER), "transport");
  cr_expect_str_eq(gt_http_outcome_kind((gt_http_outcome)99), "transport");
}

/* One base64 codec: the padding rule is the caller's choice (contentEncoding
 * requires it, Basic and JWT tolerate its absence), not a property of a copy. */
Test(base64, one_codec_two_padding_rules) {
  size_t n = 0;
  unsigned char *d = gt_base64_decode("YWI=", 4, GT_B64_STD, GT_B64_PAD_REQUIRED, &n);
  cr_assert_not_null(d);
  cr_assert_eq(n, 2);
  cr_assert_str_eq((char *)d, "ab");
  free(d);
  cr_assert_null(gt_base64_decode("YWI", 3, GT_B64_STD, GT_B64_PAD_REQUIRED, &n));
  cr_assert_null(gt_base64_decode("YW=I", 4, GT_B64_STD, GT_B64_PAD_REQUIRED, &n));
  cr_assert_null(gt_base64_decode("Y===", 4, GT_B64_STD, GT_B64_PAD_REQUIRED, &n));
  d = gt_base64_decode("YWI", 3, GT_B64_STD, GT_B64_PAD_OPTIONAL, &n);
  cr_assert_not_null(d);
  cr_assert_str_eq((char *)d, "ab");
  free(d);
  /* '+' and '/' belong to the standard alphabet only. */
  d = gt_base64_decode("+/8=", 4, GT_B64_STD, GT_B64_PAD_REQUIRED, &n);
  cr_assert_not_null(d);
  cr_assert_eq(n, 2);
  cr_assert_eq(d[0], 0xfb);
  cr_assert_eq(d[1], 0xff);
  free(d);
  cr_assert_null(gt_base64_decode("+/8", 3, GT_B64_URL, GT_B64_PAD_OPTIONAL, &n));
  gt_buf b;
  gt_buf_init(&b);
  gt_base64_encode_as(&b, "ab", 2, GT_B64_STD, false);
  cr_assert_str_eq(b.data, "YWI");
  gt_buf_reset(&b);
  gt_base64_encode(&b, "ab", 2);
  cr_assert_str_eq(b.data, "YWI=");
  gt_buf_free(&b);
}
