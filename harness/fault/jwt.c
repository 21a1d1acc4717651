/* jwt.c — HS256 JSON Web Tokens (RFC 7519) with libcrypto: enough to forge
 * the jwt_* faults and for serve to verify what clients send. */
#include "fault_internal.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

static void add_segment(gt_buf *out, const cJSON *obj) {
  char *text = cJSON_PrintUnformatted(obj);
  if (!text) gt_oom();
  gt_base64url_encode(out, (const unsigned char *)text, strlen(text));
  free(text);
}

static bool hs256(const char *secret, const char *data, size_t len, unsigned char mac[32]) {
  unsigned int mac_len = 0;
  return HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)data, len, mac,
              &mac_len) != NULL &&
         mac_len == 32;
}

static bool alg_is(const cJSON *header, const char *alg) {
  const cJSON *a = cJSON_GetObjectItemCaseSensitive(header, "alg");
  return cJSON_IsString(a) && strcmp(a->valuestring, alg) == 0;
}

char *gt_jwt_mint(const cJSON *header, const cJSON *claims, const char *secret) {
  cJSON *own_header = NULL;
  if (!header) {
    own_header = cJSON_CreateObject();
    cJSON_AddStringToObject(own_header, "alg", "HS256");
    cJSON_AddStringToObject(own_header, "typ", "JWT");
    header = own_header;
  }
  gt_buf b;
  gt_buf_init(&b);
  add_segment(&b, header);
  gt_buf_addc(&b, '.');
  add_segment(&b, claims);
  bool unsigned_token = alg_is(header, "none");
  size_t signing_len = b.len;
  gt_buf_addc(&b, '.');
  if (!unsigned_token) {
    unsigned char mac[32];
    if (!secret || !hs256(secret, b.data, signing_len, mac)) {
      cJSON_Delete(own_header);
      gt_buf_free(&b);
      return NULL;
    }
    gt_base64url_encode(&b, mac, sizeof mac);
  }
  cJSON_Delete(own_header);
  return gt_buf_steal(&b);
}

static cJSON *decode_segment(const char *s, size_t len) {
  size_t n = 0;
  unsigned char *raw = gt_base64url_decode(s, len, &n);
  if (!raw) return NULL;
  cJSON *j = cJSON_ParseWithLength((const char *)raw, n);
  free(raw);
  if (j && !cJSON_IsObject(j)) {
    cJSON_Delete(j);
    return NULL;
  }
  return j;
}

bool gt_jwt_decode(const char *jwt, cJSON **header, cJSON **payload) {
  if (header) *header = NULL;
  if (payload) *payload = NULL;
  if (!jwt) return false;
  const char *dot1 = strchr(jwt, '.');
  if (!dot1) return false;
  const char *dot2 = strchr(dot1 + 1, '.');
  if (!dot2 || strchr(dot2 + 1, '.')) return false;
  cJSON *h = decode_segment(jwt, (size_t)(dot1 - jwt));
  cJSON *p = h ? decode_segment(dot1 + 1, (size_t)(dot2 - dot1 - 1)) : NULL;
  if (!h || !p) {
    cJSON_Delete(h);
    cJSON_Delete(p);
    return false;
  }
  if (header)
    *header = h;
  else
    cJSON_Delete(h);
  if (payload)
    *payload = p;
  else
    cJSON_Delete(p);
  return true;
}

bool gt_jwt_verify(const char *jwt, const char *secret) {
  cJSON *h = NULL;
  if (!secret || !gt_jwt_decode(jwt, &h, NULL)) return false;
  /* Only HS256 is accepted: "alg: none" and algorithm confusion are exactly
   * what the jwt_* faults probe for. */
  bool hs = alg_is(h, "HS256");
  cJSON_Delete(h);
  if (!hs) return false;
  const char *dot2 = strrchr(jwt, '.');
  unsigned char mac[32];
  if (!hs256(secret, jwt, (size_t)(dot2 - jwt), mac)) return false;
  gt_buf expect;
  gt_buf_init(&expect);
  gt_base64url_encode(&expect, mac, sizeof mac);
  const char *sig = dot2 + 1;
  bool ok = strlen(sig) == expect.len && CRYPTO_memcmp(sig, expect.data, expect.len) == 0;
  gt_buf_free(&expect);
  return ok;
}
