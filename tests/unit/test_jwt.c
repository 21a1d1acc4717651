/* test_jwt.c — HS256 mint / decode / verify, known answers, base64url and
 * loopback detection. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fault/fault.h"
#include "fault/fault_internal.h"

/* The jwt.io example: secret "your-256-bit-secret". */
static const char jwtio_token[] =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ."
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

Test(jwt, mint_known_answer) {
  cJSON *claims = cJSON_Parse("{\"sub\":\"1234567890\",\"name\":\"John Doe\",\"iat\":1516239022}");
  char *t = gt_jwt_mint(NULL, claims, "your-256-bit-secret");
  cr_assert_str_eq(t, jwtio_token);
  free(t);
  cJSON_Delete(claims);
}

Test(jwt, verify_rfc7515_a1) {
  /* RFC 7515 appendix A.1: the key is binary (no NUL byte), header with CRLFs. */
  static const char token[] =
      "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
      "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0"
      "cnVlfQ."
      "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  static const char key_b64[] =
      "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";
  size_t n = 0;
  unsigned char *key = gt_base64url_decode(key_b64, strlen(key_b64), &n);
  cr_assert_not_null(key);
  cr_assert_eq(n, 64);
  char *secret = calloc(1, n + 1);
  memcpy(secret, key, n);
  cr_assert(gt_jwt_verify(token, secret));
  secret[0] ^= 1;
  cr_assert_not(gt_jwt_verify(token, secret));
  cJSON *h = NULL, *p = NULL;
  cr_assert(gt_jwt_decode(token, &h, &p));
  cr_assert_str_eq(cJSON_GetObjectItem(h, "alg")->valuestring, "HS256");
  cr_assert_str_eq(cJSON_GetObjectItem(p, "iss")->valuestring, "joe");
  cr_assert_eq(cJSON_GetObjectItem(p, "exp")->valuedouble, 1300819380);
  cJSON_Delete(h);
  cJSON_Delete(p);
  free(secret);
  free(key);
}

Test(jwt, verify_matches_openssl_cli) {
  /* An independent HMAC: openssl dgst over the signing input. */
  cJSON *claims = cJSON_Parse("{\"channel\":\"web\",\"exp\":4102444800}");
  char *t = gt_jwt_mint(NULL, claims, "s3cret-key");
  cJSON_Delete(claims);
  char *dot = strrchr(t, '.');
  char cmd[1024];
  snprintf(cmd, sizeof cmd,
           "printf '%%s' '%.*s' | openssl dgst -sha256 -hmac 's3cret-key' -binary | "
           "openssl base64 -A | tr '+/' '-_' | tr -d '='",
           (int)(dot - t), t);
  FILE *f = popen(cmd, "r");
  cr_assert_not_null(f);
  char sig[128] = {0};
  cr_assert_not_null(fgets(sig, sizeof sig, f));
  pclose(f);
  cr_assert_str_eq(dot + 1, sig);
  cr_assert(gt_jwt_verify(t, "s3cret-key"));
  free(t);
}

Test(jwt, round_trip_and_rejections) {
  cJSON *claims = cJSON_Parse("{\"a\":[1,2],\"b\":\"\\u00e9\"}");
  char *t = gt_jwt_mint(NULL, claims, "k");
  cJSON *h = NULL, *p = NULL;
  cr_assert(gt_jwt_decode(t, &h, &p));
  cr_assert(cJSON_Compare(p, claims, true));
  cr_assert(gt_jwt_verify(t, "k"));
  cr_assert_not(gt_jwt_verify(t, "K"));
  cr_assert_not(gt_jwt_verify(t, NULL));
  cJSON_Delete(h);
  cJSON_Delete(p);

  /* alg none is never accepted, even with the right key */
  cJSON *none = cJSON_Parse("{\"alg\":\"none\",\"typ\":\"JWT\"}");
  char *u = gt_jwt_mint(none, claims, NULL);
  cr_assert_eq(u[strlen(u) - 1], '.');
  cr_assert(gt_jwt_decode(u, NULL, NULL));
  cr_assert_not(gt_jwt_verify(u, "k"));
  free(u);
  cJSON_Delete(none);

  cr_assert_not(gt_jwt_decode("abc", NULL, NULL));
  cr_assert_not(gt_jwt_decode("a.b.c.d", NULL, NULL));
  cr_assert_not(gt_jwt_decode("!!.e30.x", NULL, NULL));
  cr_assert_not(gt_jwt_decode("e30.bm90IGpzb24.x", NULL, NULL)); /* payload "not json" */
  cr_assert(gt_jwt_decode("e30.e30.", NULL, NULL));              /* {} . {} . */
  /* a truncated signature fails */
  t[strlen(t) - 1] = '\0';
  cr_assert_not(gt_jwt_verify(t, "k"));
  free(t);
  cJSON_Delete(claims);
}

Test(jwt, base64_variants) {
  gt_buf b;
  gt_buf_init(&b);
  gt_base64_encode(&b, (const unsigned char *)"Aladdin:open sesame", 19);
  cr_assert_str_eq(b.data, "QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  gt_buf_reset(&b);
  gt_base64url_encode(&b, (const unsigned char *)"\xfb\xff\xbf", 3);
  cr_assert_str_eq(b.data, "-_-_");
  gt_buf_reset(&b);
  gt_base64url_encode(&b, (const unsigned char *)"ab", 2);
  cr_assert_str_eq(b.data, "YWI");
  size_t n = 0;
  unsigned char *d = gt_base64url_decode("YWI", 3, &n);
  cr_assert_eq(n, 2);
  cr_assert_eq(memcmp(d, "ab", 2), 0);
  free(d);
  cr_assert_null(gt_base64url_decode("Y", 1, &n));
  cr_assert_null(gt_base64url_decode("Y+==", 4, &n));
  gt_buf_free(&b);
}

Test(jwt, loopback_hosts) {
  cr_assert(gt_url_is_loopback("http://127.0.0.1:8080/x"));
  cr_assert(gt_url_is_loopback("https://127.255.3.4/"));
  cr_assert(gt_url_is_loopback("http://localhost"));
  cr_assert(gt_url_is_loopback("http://LOCALHOST:1/"));
  cr_assert(gt_url_is_loopback("http://[::1]:8443/v1"));
  cr_assert(gt_url_is_loopback("http://user:pw@127.0.0.1/"));
  cr_assert_not(gt_url_is_loopback("http://128.0.0.1/"));
  cr_assert_not(gt_url_is_loopback("http://localhost.example.com/"));
  cr_assert_not(gt_url_is_loopback("http://127.0.0.1.evil.com/"));
  cr_assert_not(gt_url_is_loopback("http://127.0.0.1@evil.com/"));
  cr_assert_not(gt_url_is_loopback("https://api.example.com/"));
  cr_assert_not(gt_url_is_loopback("http://[::2]/"));
  cr_assert_not(gt_url_is_loopback("not a url"));
  cr_assert_not(gt_url_is_loopback(NULL));
}
