/* jwt.c — minting HS256 test tokens with libcrypto, independently of the
 * product's own JWT code (a shared bug must not hide itself). */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "support.h"

static char *b64url(const unsigned char *in, size_t len) {
  char *out = malloc(4 * ((len + 2) / 3) + 1);
  if (!out) return NULL;
  int n = EVP_EncodeBlock((unsigned char *)out, in, (int)len);
  int k = 0;
  for (int i = 0; i < n && out[i] != '='; i++)
    out[k++] = out[i] == '+' ? '-' : out[i] == '/' ? '_' : out[i];
  out[k] = '\0';
  return out;
}

char *ts_jwt_mint(const char *header_json, const char *payload_json, const char *secret) {
  char *h = b64url((const unsigned char *)header_json, strlen(header_json));
  char *p = b64url((const unsigned char *)payload_json, strlen(payload_json));
  char *signing = h && p ? ts_fmt("%s.%s", h, p) : NULL;
  free(h);
  free(p);
  if (!signing) return NULL;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned mac_len = 0;
  HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)signing, strlen(signing),
       mac, &mac_len);
  char *s = b64url(mac, mac_len);
  char *jwt = s ? ts_fmt("%s.%s", signing, s) : NULL;
  free(s);
  free(signing);
  return jwt;
}

bool ts_jwt_signed_with(const char *jwt, const char *secret) {
  const char *d1 = strchr(jwt, '.');
  const char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
  if (!d2) return false;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned mac_len = 0;
  HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)jwt, (size_t)(d2 - jwt),
       mac, &mac_len);
  char *s = b64url(mac, mac_len);
  bool ok = s && !strcmp(s, d2 + 1);
  free(s);
  return ok;
}
