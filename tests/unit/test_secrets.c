/* test_secrets.c — the secret set and redaction. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/secrets.h"

static gt_secrets *s;

static void setup(void) {
  s = gt_secrets_new();
}
static void teardown(void) {
  gt_secrets_free(s);
}

TestSuite(secrets, .init = setup, .fini = teardown);

static void expect(const char *in, const char *want) {
  char *got = gt_secrets_redact_dup(s, in, strlen(in));
  cr_assert_str_eq(got, want);
  free(got);
}

Test(secrets, named_and_unnamed) {
  gt_secrets_add(s, "TOKEN", "tok-abc-123");
  gt_secrets_add(s, NULL, "hunter22");
  expect("Authorization: Bearer tok-abc-123", "Authorization: Bearer ${TOKEN}");
  expect("pw=hunter22&again=hunter22", "pw=***&again=***");
  expect("nothing secret here", "nothing secret here");
}

Test(secrets, short_values_are_ignored) {
  gt_secrets_add(s, "PIN", "123");
  gt_secrets_add(s, "EMPTY", "");
  expect("pin 123 and 1234", "pin 123 and 1234");
}

Test(secrets, a_later_name_replaces_stars) {
  gt_secrets_add(s, NULL, "abcdefgh");
  gt_secrets_add(s, "KEY", "abcdefgh");
  expect("k=abcdefgh", "k=${KEY}");
  gt_secrets_add(s, NULL, "abcdefgh"); /* an unnamed re-registration does not undo it */
  expect("k=abcdefgh", "k=${KEY}");
}

Test(secrets, longest_first) {
  gt_secrets_add(s, "SHORT", "abcdef");
  gt_secrets_add(s, "LONG", "abcdefghij");
  expect("x abcdefghij x", "x ${LONG} x");
  expect("x abcdef x", "x ${SHORT} x");
  gt_secrets_free(s);
  s = gt_secrets_new(); /* same result whatever the order of registration */
  gt_secrets_add(s, "LONG", "abcdefghij");
  gt_secrets_add(s, "SHORT", "abcdef");
  expect("x abcdefghij x", "x ${LONG} x");
}

Test(secrets, overlapping_secrets_leave_no_fragment) {
  gt_secrets_add(s, "A", "abcdefgh");
  gt_secrets_add(s, "B", "efghijkl");
  expect("[abcdefghijkl]", "[${A}${B}]");
  expect("[aaaa-efghijkl]", "[aaaa-${B}]");
  gt_secrets_add(s, "R", "zzzz");
  expect("zzzzzzz", "${R}"); /* overlapping occurrences of one value */
}

Test(secrets, placeholders_are_not_redacted_again) {
  gt_secrets_add(s, "TOKEN", "secret-value");
  gt_secrets_add(s, NULL, "${TOKEN}"); /* pathological, but must not cascade */
  expect("a secret-value b", "a ${TOKEN} b");
}

Test(secrets, base64_forms) {
  gt_secrets_add(s, "CRED", "user:pass1234");
  expect("Authorization: Basic dXNlcjpwYXNzMTIzNA==", "Authorization: Basic ${CRED}==");
  gt_secrets_add(s, "BIN", "\xfb\xef\xbe sec>?");
  expect("std ++++IHNlYz4/ url ----IHNlYz4_", "std ${BIN} url ${BIN}");
}

Test(secrets, percent_encoded_forms) {
  gt_secrets_add(s, "PASS", "p@ss w/rd");
  expect("https://u:p%40ss%20w%2Frd@host/", "https://u:${PASS}@host/");
  expect("?pw=p%40ss%20w%2frd", "?pw=${PASS}");
}

Test(secrets, jwt_parts) {
  const char *jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLWJ5dGVz";
  gt_secrets_add_jwt(s, "JWT", jwt);
  char text[512];
  snprintf(text, sizeof text, "Bearer %s", jwt);
  expect(text, "Bearer ${JWT}");
  /* signature altered: header.payload still hidden as one */
  expect("Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.AAAA", "Bearer ${JWT}.AAAA");
  /* re-encoded with alg none: the payload is still hidden */
  expect("Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxMjM0NTY3ODkwIn0.",
         "Bearer eyJhbGciOiJub25lIn0.${JWT}.");
  /* the signature alone */
  expect("sig=c2lnbmF0dXJlLWJ5dGVz", "sig=${JWT}");
}

Test(secrets, jwt_short_parts_are_not_registered) {
  gt_secrets_add_jwt(s, "JWT", "abc.defghijk.xy");
  expect("abc xy defghijk", "abc xy ${JWT}");
}

Test(secrets, binary_text_with_nul_bytes) {
  gt_secrets_add(s, "K", "key!key!");
  const char in[] = "a\0key!key!\0b";
  char *got = gt_secrets_redact_dup(s, in, sizeof in - 1);
  cr_assert_eq(memcmp(got, "a\0${K}\0b", 9), 0);
  free(got);
}

Test(secrets, null_set_copies) {
  char *got = gt_secrets_redact_dup(NULL, "plain", 5);
  cr_assert_str_eq(got, "plain");
  free(got);
}

Test(secrets, appends_to_existing_buffer) {
  gt_secrets_add(s, "T", "tttttt");
  gt_buf b;
  gt_buf_init(&b);
  gt_buf_adds(&b, "pre:");
  gt_secrets_redact(s, "tttttt!", 7, &b);
  cr_assert_str_eq(b.data, "pre:${T}!");
  gt_buf_free(&b);
}

Test(secrets, fast_for_typical_sizes) {
  char name[16], value[64];
  for (int i = 0; i < 50; i++) {
    snprintf(name, sizeof name, "S%d", i);
    snprintf(value, sizeof value, "secret-%d-%08x", i, (unsigned)(i * 2654435761u));
    gt_secrets_add(s, name, value);
  }
  size_t len = 64 * 1024;
  char *text = malloc(len);
  for (size_t i = 0; i < len; i++)
    text[i] = (char)('a' + i % 26);
  memcpy(text + 1000, "secret-7-", 9); /* a near miss */
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (int k = 0; k < 20; k++)
    free(gt_secrets_redact_dup(s, text, len));
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
  cr_assert_lt(secs, 2.0, "20 redactions of 64 KiB with 50 secrets took %.3fs", secs);
  free(text);
}

/* A secret sent in a JSON body or reflected in one is JSON-escaped; one sent
 * in a form is '+'-encoded: both forms are hidden too. */
Test(secrets, json_and_form_forms) {
  gt_secrets *own = gt_secrets_new();
  gt_secrets_add(own, "cs", "a b/\"c\\d");
  const char *in = "j=\"a b/\\\"c\\\\d\" s=a b\\/\\\"c\\\\d f=a+b%2F%22c%5Cd";
  char *out = gt_secrets_redact_dup(own, in, strlen(in));
  cr_expect_str_eq(out, "j=\"${cs}\" s=${cs} f=${cs}");
  free(out);
  gt_secrets_free(own);
}
