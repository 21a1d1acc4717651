/* target_api.c — one configurable test target for gauntlet's integration tests.
 *
 * A small, strictly conformant JSON API (libmicrohttpd; plain HTTP and HTTPS
 * listeners on 127.0.0.1) whose conventions match
 * tests/fixtures/integration/profile_api.yaml, plus switches that break
 * exactly one rule each (--defect) and hostile answers for hardening tests
 * (--hostile). It never uses the gauntlet library: it must stay an independent
 * judge of what the runner sends.
 *
 * Usage:
 *   target_api --http-port P [--https-port P --cert F --key F] [--https-only refuse|403]
 *              [--token T] [--jwt-secret S] [--max-body N] [--rate-limit N]
 *              [--rate-window-ms N] [--envelope] [--validate-ids] [--defect NAME]...
 *              [--hostile NAME]
 *              [--raw-http-port P] [--raw-style NAME]... [--log-auth]
 *
 * Conventions (conformant):
 *   - base path /v1; anything else 404 ("unversioned")
 *   - Authorization: Bearer <token> on every request except OPTIONS, /__count
 *     and /v1/hostile; --jwt-secret: the token must be an HS256 JWT with a
 *     string claim "channel" and a numeric "exp" in the future
 *   - access_token in the query string -> 401 (credentials never in URLs)
 *   - errors: {"error": {"code": <status>, "message": <text>}}, statuses
 *     400 401 403 404 405 413 415 429
 *   - Content-Type: application/json; charset=utf-8 and X-RateLimit-Limit,
 *     -Remaining, -Reset (integers) on every response
 *   - CORS: Access-Control-Allow-Origin echoed when the request has Origin;
 *     OPTIONS preflight -> 204 with Allow-Origin/-Methods/-Headers
 *   - --envelope: every JSON object answered carries "api_version": "1"
 *
 * Endpoints:
 *   GET    /__count            {"count": N} requests seen so far (not counted)
 *   GET    /v1/items           array of items
 *   POST   /v1/items           {"name": str, "qty": int, "tags"?: [str], "owner": {"id": str}}
 *                              -> 201 item with "id" (24 hex)
 *   GET    /v1/items/{id}      item, 404 unknown
 *   DELETE /v1/items/{id}      204, 404 unknown (other methods: 405, or 404 if unknown)
 *   GET    /v1/echo            {"method","path","raw_query","query":{k:v},"headers":{k:v}}
 *   POST   /v1/echo            {"json": <body>} (any JSON body)
 *   GET    /v1/types           fixed document with every JSON type
 *   GET    /v1/slow?ms=N       sleeps N ms (<= 60000) then {"slept_ms": N}
 *   GET    /v1/status/{code}   answers that status (error shape for >= 400)
 *   GET    /v1/hostile         see --hostile
 *   GET    /v1/coded/{coding}  {"coding": coding, "ok": true} compressed with gzip, deflate
 *                              (zlib format), br or zstd, Content-Encoding set, whatever
 *                              the request accepts (as httpbin's /gzip does);
 *                              X-Seen-Accept-Encoding tells what it accepted
 *
 * Defects (--defect NAME, repeatable; each breaks one rule):
 *   accept_no_token          missing credential accepted         -> unauthenticated
 *   accept_any_token         any well-formed bearer accepted      -> invalid_token
 *   accept_malformed_auth    malformed Authorization accepted     -> malformed_auth
 *   accept_query_token       ?access_token= accepted as credential-> token_in_query
 *   accept_alg_none          JWT alg none accepted                -> jwt_alg_none
 *   accept_bad_signature     JWT signature not verified           -> jwt_bad_signature
 *   accept_expired           JWT exp not checked                  -> jwt_expired
 *   accept_missing_claim     JWT channel claim not required       -> jwt_missing_claim
 *   serve_plain_http         plain listener serves normally       -> http_only
 *   malformed_json_500       unparsable body -> 500               -> malformed_json
 *   accept_wrong_content_type non-JSON content type accepted      -> wrong_content_type
 *   accept_invalid_utf8      invalid UTF-8 accepted               -> invalid_utf8
 *   accept_empty_body        empty body accepted (201)            -> empty_body
 *   accept_missing_field     missing required field accepted      -> missing_field
 *   accept_wrong_type        wrongly typed field accepted         -> wrong_type
 *   unknown_path_200         unknown paths answered 200           -> unknown_path
 *   wrong_method_200         unsupported methods answered 200     -> wrong_method
 *   bad_percent_500          bad %-escape -> 500                  -> bad_percent_encoding
 *   unversioned_200          /items served like /v1/items         -> unversioned
 *   accept_oversized         body over --max-body accepted (201)  -> oversized_body
 *   slow_body_500            a body that took > 500 ms -> 500     -> slow_body
 *   no_cors                  no CORS headers at all               -> cors_preflight
 *   no_rate_limit            never 429                            -> rate_limit
 *   server_error_on_create   POST /v1/items -> 500                -> no_server_error
 *   wrong_content_type       responses labelled text/html         -> content_type
 *   invalid_json_body        2xx JSON bodies get a stray "}"      -> json_parses
 *   error_shape_wrong        errors as {"message": ...}           -> error_shape
 *   undocumented_status      wrong-type errors answered 422       -> documented_status
 *   missing_rate_headers     no X-RateLimit-* headers             -> required_headers
 *   invalid_utf8_response    2xx objects get a field with \xff    -> utf8
 *   envelope_missing         --envelope but api_version dropped   -> envelope
 *   wire_accept_all          (raw listener, --raw-http-port) 200 to anything, two
 *                            responses to Content-Length + Transfer-Encoding -> wire_*
 *   raw_503                  (raw listener) well-framed requests answered 503 -> the
 *                            liveness probe after a transport fault
 *
 * Conformant variants of the raw listener (--raw-style NAME, repeatable), as
 * real HTTP front ends behave:
 *   bare_400        every framing rejection (and a body cut short) is a bare
 *                   "400 Bad Request" with no body and no Content-Type
 *   unfold          obs-fold is replaced by SP and the request answered 200
 *                   (RFC 9112 §5.2 allows it; gunicorn does it)
 *   wait_bare_lf    a bare LF is not a line end: a head without CRLF CRLF is
 *                   still incomplete, so the listener waits (gunicorn does)
 * and one that is not conformant:
 *   hang            reads the request, never answers (until its 20 s deadline)
 *
 * Hostile answers (--hostile NAME) on GET /v1/hostile (or the raw listener):
 *   huge_body         200 MiB of JSON-ish bytes, chunked (no Content-Length: a
 *                     client can only know the size by counting)
 *   binary_json       4 KiB of random bytes labelled application/json
 *   control_chars     body with NUL, ]]>, \xff\xfe, \x01, \x1b (plus X-Weird below)
 *   header_chars      valid body {"ok": true}; header X-Weird: a\x01b\xffc]]> <&" \x1b
 *   trickle_body      a JSON body one byte per second
 *   reset_mid_body    Content-Length 10000, 100 bytes, then the connection closes
 *   redirect_loop     302 Location: /v1/hostile (itself)
 *   gzip_bomb         200 MiB of zeros gzip -9'd (about 200 KB), Content-Encoding:
 *                     gzip whatever the request asked; X-Seen-Accept-Encoding tells
 *                     what Accept-Encoding the request carried ("(none)" if none)
 *   trailing_garbage  {"ok": true}garbage
 *   Raw listener (--raw-http-port), any request:
 *   slow_headers      the status line and headers one byte per second
 *   header_nul        a complete 200 {"ok": true} whose X-Weird value holds a NUL
 *   rst_mid_body      Content-Length 10000, 100 bytes, then a TCP RST (SO_LINGER 0)
 *
 * Raw listener (--raw-http-port P): a strict RFC 9112 framing judge that answers
 * 200 {"ok": true} (with the profile's headers) to any well-framed request and
 * 400/413/414/431 to bare LF, obs-fold, NUL in the head, duplicate
 * Content-Length, Content-Length with Transfer-Encoding, bad chunk sizes, huge
 * heads and long URIs; it is the conformant side of the wire_* faults.
 *
 * Why not MHD for wire_*: MHD 0.9.75 (probed with raw sockets) answers 2xx to
 * a duplicate Content-Length (even with different values), to Content-Length +
 * Transfer-Encoding (it uses chunked and keeps the connection, answering a
 * pipelined second request), to bare-LF line endings, to obs-fold and to a NUL
 * inside a header value. It rejects a bad chunk size (400), a 70 kB header
 * (431) and a 70 kB URI (414). So MHD itself would fail wire_dup_content_length,
 * wire_cl_te, wire_bare_lf, wire_obs_fold and wire_nul_header. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <brotli/encode.h>
#include <cjson/cJSON.h>
#include <microhttpd.h>
#include <zlib.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "support.h"

/* ---------------------------------------------------------------- options */

#define MAX_DEFECTS 32
static struct {
  int http_port, https_port, raw_port;
  const char *cert, *key;
  const char *https_only; /* NULL, "refuse" or "403" */
  const char *token;
  const char *jwt_secret;
  size_t max_body;
  long rate_limit, rate_window_ms;
  bool envelope;
  bool validate_ids; /* /v1/items/{id}: an id that is not 24 hex digits -> 400 */
  bool log_auth;     /* print every credential received to stderr (secrets test) */
  const char *defects[MAX_DEFECTS];
  int n_defects;
  const char *raw_styles[MAX_DEFECTS];
  int n_raw_styles;
  const char *hostile;
} opt = {.token = "t0k3n-secret-value", .max_body = 1024 * 1024, .rate_window_ms = 60000};

static bool defect(const char *name) {
  for (int i = 0; i < opt.n_defects; i++)
    if (!strcmp(opt.defects[i], name)) return true;
  return false;
}

static bool raw_style(const char *name) {
  for (int i = 0; i < opt.n_raw_styles; i++)
    if (!strcmp(opt.raw_styles[i], name)) return true;
  return false;
}

/* ------------------------------------------------------------------ state */

static atomic_long request_count;
static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static cJSON *items; /* array, guarded by state_lock */
static long rate_used;
static double rate_window_start;
static volatile sig_atomic_t stop_requested;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/* --------------------------------------------------------------- response */

typedef struct answer {
  int status;
  char *body; /* owned; NULL = empty */
  size_t len;
  const char *content_type; /* NULL = the JSON default */
  const char *location;
  const char *content_encoding; /* static; NULL = none */
  bool no_body;                 /* 204 */
  bool preflight;
} answer;

typedef struct req_ctx {
  char *body; /* owned */
  size_t len;
  bool overflow;
  double first_byte, last_byte;
} req_ctx;

static void set_json(answer *a, int status, cJSON *doc) {
  if (opt.envelope && cJSON_IsObject(doc) && !defect("envelope_missing"))
    cJSON_AddStringToObject(doc, "api_version", "1");
  if (status < 300 && cJSON_IsObject(doc) && defect("invalid_utf8_response"))
    cJSON_AddStringToObject(doc, "bad", "caf\xff\xfe");
  a->status = status;
  a->body = cJSON_PrintUnformatted(doc);
  a->len = a->body ? strlen(a->body) : 0;
  cJSON_Delete(doc);
  if (status < 300 && a->body && defect("invalid_json_body")) {
    char *b = realloc(a->body, a->len + 2);
    if (b) {
      b[a->len++] = '}';
      b[a->len] = '\0';
      a->body = b;
    }
  }
}

static void set_error(answer *a, int status, const char *message) {
  if (status == 400 && defect("undocumented_status_all")) status = 422;
  cJSON *doc = cJSON_CreateObject();
  if (defect("error_shape_wrong")) {
    cJSON_AddStringToObject(doc, "message", message);
  } else {
    cJSON *e = cJSON_AddObjectToObject(doc, "error");
    cJSON_AddNumberToObject(e, "code", status);
    cJSON_AddStringToObject(e, "message", message);
  }
  set_json(a, status, doc);
}

static void set_raw(answer *a, int status, const char *body, size_t len) {
  a->status = status;
  a->body = malloc(len + 1);
  if (a->body) {
    memcpy(a->body, body, len);
    a->body[len] = '\0';
    a->len = len;
  }
}

/* ------------------------------------------------------------- utilities */

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* True if every '%' in s starts a valid %XX escape. */
static bool percent_ok(const char *s) {
  for (; *s; s++)
    if (*s == '%' && (hexval(s[1]) < 0 || hexval(s[2]) < 0)) return false;
  return true;
}

/* Percent-decodes (and '+' -> ' ' when plus) into a new string; caller frees. */
static char *pct_decode(const char *s, size_t len, bool plus) {
  char *out = malloc(len + 1);
  size_t k = 0;
  for (size_t i = 0; out && i < len; i++) {
    if (s[i] == '%' && i + 2 < len + 0 + 1 && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
      out[k++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
      i += 2;
    } else if (plus && s[i] == '+') {
      out[k++] = ' ';
    } else {
      out[k++] = s[i];
    }
  }
  if (out) out[k] = '\0';
  return out;
}

static bool utf8_valid(const unsigned char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    unsigned c = s[i];
    size_t len;
    uint32_t cp;
    if (c < 0x80) {
      i++;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (size_t k = 1; k < len; k++) {
      if ((s[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += len;
  }
  return true;
}

static void new_id(char out[25]) {
  unsigned char r[12];
  if (RAND_bytes(r, sizeof r) != 1)
    for (size_t i = 0; i < sizeof r; i++)
      r[i] = (unsigned char)rand();
  for (int i = 0; i < 12; i++)
    sprintf(out + 2 * i, "%02x", r[i]);
}

/* ------------------------------------------------------------------- JWT */

static unsigned char *b64url_decode(const char *s, size_t len, size_t *out_len) {
  size_t padded = (len + 3) / 4 * 4;
  char *tmp = malloc(padded + 1);
  unsigned char *out = malloc(padded + 1);
  if (!tmp || !out) {
    free(tmp);
    free(out);
    return NULL;
  }
  for (size_t i = 0; i < len; i++) {
    char c = s[i];
    if (c == '-')
      c = '+';
    else if (c == '_')
      c = '/';
    else if (c == '+' || c == '/' || c == '=') { /* not base64url */
      free(tmp);
      free(out);
      return NULL;
    }
    tmp[i] = c;
  }
  for (size_t i = len; i < padded; i++)
    tmp[i] = '=';
  int n = EVP_DecodeBlock(out, (unsigned char *)tmp, (int)padded);
  free(tmp);
  if (n < 0) {
    free(out);
    return NULL;
  }
  size_t pad = padded - len;
  *out_len = (size_t)n - (pad > 2 ? 0 : pad);
  out[*out_len] = '\0';
  return out;
}

static void b64url_encode(const unsigned char *in, size_t len, char *out) {
  int n = EVP_EncodeBlock((unsigned char *)out, in, (int)len);
  int k = 0;
  for (int i = 0; i < n; i++) {
    if (out[i] == '=') break;
    out[k++] = out[i] == '+' ? '-' : out[i] == '/' ? '_' : out[i];
  }
  out[k] = '\0';
}

/* NULL when the JWT is acceptable, else the reason (a static string). */
static const char *jwt_reject(const char *tok) {
  const char *d1 = strchr(tok, '.');
  const char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
  if (!d1 || !d2 || strchr(d2 + 1, '.')) return "not a JWT";
  size_t hl, pl;
  unsigned char *h = b64url_decode(tok, (size_t)(d1 - tok), &hl);
  unsigned char *p = b64url_decode(d1 + 1, (size_t)(d2 - d1 - 1), &pl);
  cJSON *hdr = h ? cJSON_ParseWithLength((char *)h, hl) : NULL;
  cJSON *pay = p ? cJSON_ParseWithLength((char *)p, pl) : NULL;
  free(h);
  free(p);
  const char *why = NULL;
  const cJSON *alg = cJSON_GetObjectItemCaseSensitive(hdr, "alg");
  if (!cJSON_IsObject(hdr) || !cJSON_IsObject(pay) || !cJSON_IsString(alg)) {
    why = "undecodable JWT";
  } else if (strcmp(alg->valuestring, "HS256")) {
    if (!(defect("accept_alg_none") && !strcasecmp(alg->valuestring, "none")))
      why = "algorithm not allowed";
  } else if (!defect("accept_bad_signature")) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned mac_len = 0;
    HMAC(EVP_sha256(), opt.jwt_secret, (int)strlen(opt.jwt_secret), (const unsigned char *)tok,
         (size_t)(d2 - tok), mac, &mac_len);
    char sig[128];
    b64url_encode(mac, mac_len, sig);
    if (strcmp(sig, d2 + 1)) why = "bad signature";
  }
  if (!why) {
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(pay, "exp");
    const cJSON *chan = cJSON_GetObjectItemCaseSensitive(pay, "channel");
    if (!defect("accept_expired") &&
        (!cJSON_IsNumber(exp) || exp->valuedouble <= (double)time(NULL)))
      why = "expired or no exp";
    else if (!defect("accept_missing_claim") && !cJSON_IsString(chan))
      why = "missing claim channel";
  }
  cJSON_Delete(hdr);
  cJSON_Delete(pay);
  return why;
}

/* ------------------------------------------------------------------ auth */

/* NULL if the request is authorised, else the 401 message. */
static const char *auth_reject(struct MHD_Connection *c) {
  const char *q = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "access_token");
  const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
  if (opt.log_auth) fprintf(stderr, "auth: [%s] query: [%s]\n", h ? h : "", q ? q : "");
  if (q && !defect("accept_query_token")) return "credentials are not accepted in the URL";
  const char *tok = NULL;
  char *decoded = NULL;
  if (!h && q) {
    decoded = pct_decode(q, strlen(q), true);
    tok = decoded;
  } else if (!h) {
    return defect("accept_no_token") ? NULL : "missing credential";
  } else {
    bool well_formed = !strncmp(h, "Bearer ", 7) && h[7] && !strchr(h + 7, ' ');
    if (!well_formed) return defect("accept_malformed_auth") ? NULL : "malformed Authorization";
    tok = h + 7;
  }
  const char *why = NULL;
  if (defect("accept_any_token")) {
    why = NULL;
  } else if (opt.jwt_secret) {
    why = jwt_reject(tok);
  } else if (strcmp(tok, opt.token)) {
    why = "invalid credential";
  }
  free(decoded);
  return why;
}

/* --------------------------------------------------------------- bodies */

static bool is_json_type(struct MHD_Connection *c) {
  const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
  if (!ct) return false;
  size_t n = strcspn(ct, ";");
  while (n && ct[n - 1] == ' ')
    n--;
  return n == 16 && !strncasecmp(ct, "application/json", 16);
}

/* Parses a JSON request body, answering the error itself. NULL = answered. */
static cJSON *parse_body(struct MHD_Connection *c, req_ctx *rc, answer *a) {
  if (rc->overflow) {
    if (!defect("accept_oversized")) {
      set_error(a, 413, "request body too large");
      return NULL;
    }
    return cJSON_Parse("{\"name\":\"oversized\",\"qty\":1,\"owner\":{\"id\":\"x\"}}");
  }
  if (defect("slow_body_500") && rc->last_byte - rc->first_byte > 0.5) {
    set_error(a, 500, "internal error");
    return NULL;
  }
  if (rc->len == 0) {
    if (!defect("accept_empty_body")) {
      set_error(a, 400, "request body required");
      return NULL;
    }
    return cJSON_Parse("{\"name\":\"empty\",\"qty\":0,\"owner\":{\"id\":\"x\"}}");
  }
  if (!is_json_type(c) && !defect("accept_wrong_content_type")) {
    set_error(a, 415, "Content-Type must be application/json");
    return NULL;
  }
  if (!utf8_valid((unsigned char *)rc->body, rc->len)) {
    if (!defect("accept_invalid_utf8")) {
      set_error(a, 400, "body is not valid UTF-8");
      return NULL;
    }
    return cJSON_Parse("{\"name\":\"bytes\",\"qty\":1,\"owner\":{\"id\":\"x\"}}");
  }
  cJSON *doc = cJSON_ParseWithLength(rc->body, rc->len);
  if (!doc) {
    if (defect("malformed_json_500"))
      set_error(a, 500, "internal error");
    else
      set_error(a, 400, "malformed JSON");
  }
  return doc;
}

static bool is_integer(const cJSON *n) {
  return cJSON_IsNumber(n) && n->valuedouble == (double)(long long)n->valuedouble;
}

/* NULL if valid, else why; *wrong_type tells 400 for missing vs a type error. */
static const char *item_invalid(const cJSON *b, bool *type_error) {
  *type_error = false;
  if (!cJSON_IsObject(b)) return *type_error = true, "body must be an object";
  const cJSON *name = cJSON_GetObjectItemCaseSensitive(b, "name");
  const cJSON *qty = cJSON_GetObjectItemCaseSensitive(b, "qty");
  const cJSON *tags = cJSON_GetObjectItemCaseSensitive(b, "tags");
  const cJSON *owner = cJSON_GetObjectItemCaseSensitive(b, "owner");
  const cJSON *oid = cJSON_GetObjectItemCaseSensitive(owner, "id");
  if (!name) return "name is required";
  if (!qty) return "qty is required";
  if (!owner) return "owner is required";
  *type_error = true;
  if (!cJSON_IsString(name)) return "name must be a string";
  if (!is_integer(qty)) return "qty must be an integer";
  if (!cJSON_IsObject(owner)) return "owner must be an object";
  if (tags) {
    if (!cJSON_IsArray(tags)) return "tags must be an array";
    const cJSON *t;
    cJSON_ArrayForEach(t, tags) if (!cJSON_IsString(t)) return "tags must be strings";
  }
  *type_error = false;
  if (!oid) return "owner.id is required";
  *type_error = true;
  if (!cJSON_IsString(oid)) return "owner.id must be a string";
  *type_error = false;
  return NULL;
}

/* ------------------------------------------------------ content codings */

/* gzip (windowBits 31) or zlib-wrapped deflate (15) of data; malloc'd. */
static char *zlib_pack(const char *data, size_t len, int window_bits, size_t *out_len) {
  z_stream z = {0};
  if (deflateInit2(&z, 9, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) != Z_OK) return NULL;
  size_t cap = deflateBound(&z, (uLong)len) + 32;
  char *out = malloc(cap);
  z.next_in = (Bytef *)(uintptr_t)data; /* zlib reads next_in only */
  z.avail_in = (uInt)len;
  z.next_out = (Bytef *)out;
  z.avail_out = (uInt)cap;
  int rc = out ? deflate(&z, Z_FINISH) : Z_MEM_ERROR;
  *out_len = z.total_out;
  deflateEnd(&z);
  if (rc != Z_STREAM_END) {
    free(out);
    return NULL;
  }
  return out;
}

/* Output of a filter command fed with data (used for zstd: no library
 * headers are needed for one test endpoint). malloc'd; NULL on failure. */
static char *pipe_through(const char *cmd, const char *data, size_t len, size_t *out_len) {
  char in_path[] = "/tmp/target_api_coding_XXXXXX";
  int fd = mkstemp(in_path);
  if (fd < 0) return NULL;
  bool wrote = write(fd, data, len) == (ssize_t)len;
  close(fd);
  char *full = NULL;
  char *out = NULL;
  *out_len = 0;
  if (wrote && asprintf(&full, "%s < %s", cmd, in_path) > 0) {
    FILE *p = popen(full, "r");
    size_t cap = 64 * 1024;
    out = p ? malloc(cap) : NULL;
    if (out) *out_len = fread(out, 1, cap, p);
    if (p && pclose(p) != 0) {
      free(out);
      out = NULL;
    }
  }
  free(full);
  unlink(in_path);
  return out;
}

static void route_coded(struct MHD_Connection *c, const char *coding, answer *a) {
  (void)c;
  char plain[128];
  int n = snprintf(plain, sizeof plain, "{\"coding\": \"%s\", \"ok\": true}", coding);
  size_t len = 0;
  char *packed = NULL;
  if (!strcmp(coding, "gzip")) {
    packed = zlib_pack(plain, (size_t)n, 31, &len);
    a->content_encoding = "gzip";
  } else if (!strcmp(coding, "deflate")) {
    packed = zlib_pack(plain, (size_t)n, 15, &len);
    a->content_encoding = "deflate";
  } else if (!strcmp(coding, "br")) {
    len = BrotliEncoderMaxCompressedSize((size_t)n);
    packed = malloc(len);
    if (packed &&
        !BrotliEncoderCompress(BROTLI_DEFAULT_QUALITY, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT,
                               (size_t)n, (const uint8_t *)plain, &len, (uint8_t *)packed)) {
      free(packed);
      packed = NULL;
    }
    a->content_encoding = "br";
  } else if (!strcmp(coding, "zstd")) {
    packed = pipe_through("zstd -q -c", plain, (size_t)n, &len);
    a->content_encoding = "zstd";
  } else {
    set_error(a, 404, "no such coding");
    return;
  }
  if (!packed) {
    a->content_encoding = NULL;
    set_error(a, 501, "could not encode");
    return;
  }
  set_raw(a, 200, packed, len);
  free(packed);
}

/* --------------------------------------------------------------- routes */

static void route_items_create(struct MHD_Connection *c, req_ctx *rc, answer *a) {
  cJSON *b = parse_body(c, rc, a);
  if (!b) return;
  bool type_error;
  const char *why = item_invalid(b, &type_error);
  bool accept = why && ((type_error && defect("accept_wrong_type")) ||
                        (!type_error && defect("accept_missing_field")));
  if (why && !accept) {
    set_error(a, type_error && defect("undocumented_status") ? 422 : 400, why);
    cJSON_Delete(b);
    return;
  }
  if (defect("server_error_on_create")) {
    cJSON_Delete(b);
    set_error(a, 500, "internal error");
    return;
  }
  char id[25];
  new_id(id);
  cJSON *item = cJSON_IsObject(b) ? b : cJSON_CreateObject();
  if (item != b) cJSON_Delete(b);
  cJSON_DeleteItemFromObjectCaseSensitive(item, "id");
  cJSON_AddStringToObject(item, "id", id);
  pthread_mutex_lock(&state_lock);
  if (cJSON_GetArraySize(items) < 1000) cJSON_AddItemToArray(items, cJSON_Duplicate(item, true));
  pthread_mutex_unlock(&state_lock);
  set_json(a, 201, item);
}

static cJSON *find_item(const char *id, int *index) {
  cJSON *it;
  int i = 0;
  cJSON_ArrayForEach(it, items) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(it, "id");
    if (cJSON_IsString(v) && !strcmp(v->valuestring, id)) {
      *index = i;
      return it;
    }
    i++;
  }
  return NULL;
}

static bool is_item_id(const char *id) {
  size_t n = strlen(id);
  return n == 24 && strspn(id, "0123456789abcdef") == 24;
}

static void route_item(const char *method, const char *id, answer *a) {
  /* As an OpenAPI mock validates path parameters (Prism answers 422). */
  if (opt.validate_ids && !is_item_id(id)) {
    set_error(a, 400, "id must be 24 hex digits");
    return;
  }
  pthread_mutex_lock(&state_lock);
  int idx = -1;
  cJSON *it = find_item(id, &idx);
  if (!it) {
    pthread_mutex_unlock(&state_lock);
    /* An unknown id is an unknown path too: the defect answers it 200. */
    if (defect("unknown_path_200"))
      set_json(a, 200, cJSON_CreateObject());
    else
      set_error(a, 404, "no such item");
  } else if (!strcmp(method, "GET")) {
    cJSON *copy = cJSON_Duplicate(it, true);
    pthread_mutex_unlock(&state_lock);
    set_json(a, 200, copy);
  } else if (!strcmp(method, "DELETE")) {
    cJSON_DeleteItemFromArray(items, idx);
    pthread_mutex_unlock(&state_lock);
    a->status = 204;
    a->no_body = true;
  } else {
    pthread_mutex_unlock(&state_lock);
    if (defect("wrong_method_200"))
      set_json(a, 200, cJSON_CreateObject());
    else
      set_error(a, 405, "method not allowed");
  }
}

static enum MHD_Result add_pair(void *cls, enum MHD_ValueKind kind, const char *k, const char *v) {
  (void)kind;
  cJSON *obj = cls;
  if (!k) return MHD_YES;
  char *lk = kind == MHD_HEADER_KIND ? strdup(k) : pct_decode(k, strlen(k), true);
  if (!lk) return MHD_YES;
  if (kind == MHD_HEADER_KIND)
    for (char *p = lk; *p; p++)
      *p = (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
  char *dv = v ? (kind == MHD_HEADER_KIND ? strdup(v) : pct_decode(v, strlen(v), true)) : NULL;
  /* Invalid UTF-8 in a decoded value is shown as \u00XX escapes of each byte. */
  if (dv && !utf8_valid((unsigned char *)dv, strlen(dv))) {
    free(dv);
    dv = strdup("(invalid utf-8)");
  }
  cJSON_DeleteItemFromObjectCaseSensitive(obj, lk);
  if (dv)
    cJSON_AddStringToObject(obj, lk, dv);
  else
    cJSON_AddNullToObject(obj, lk);
  free(lk);
  free(dv);
  return MHD_YES;
}

static enum MHD_Result add_raw_pair(void *cls, enum MHD_ValueKind kind, const char *k,
                                    const char *v) {
  (void)kind;
  char *raw = cls;
  size_t n = strlen(raw);
  snprintf(raw + n, 4096 - n, "%s%s%s%s", n ? "&" : "", k ? k : "", v ? "=" : "", v ? v : "");
  return MHD_YES;
}

static void route_echo(struct MHD_Connection *c, const char *method, const char *url,
                       const char *raw_query, req_ctx *rc, answer *a) {
  if (!strcmp(method, "POST")) {
    cJSON *b = parse_body(c, rc, a);
    if (!b) return;
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddItemToObject(doc, "json", b);
    set_json(a, 200, doc);
    return;
  }
  if (strcmp(method, "GET")) {
    set_error(a, 405, "method not allowed");
    return;
  }
  cJSON *doc = cJSON_CreateObject();
  cJSON_AddStringToObject(doc, "method", method);
  cJSON_AddStringToObject(doc, "path", url);
  /* MHD strips the query from the URL; rebuilt from the (undecoded) args. */
  (void)raw_query;
  char raw[4096] = "";
  MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_raw_pair, raw);
  cJSON_AddStringToObject(doc, "raw_query", raw);
  MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_pair,
                            cJSON_AddObjectToObject(doc, "query"));
  MHD_get_connection_values(c, MHD_HEADER_KIND, add_pair, cJSON_AddObjectToObject(doc, "headers"));
  set_json(a, 200, doc);
}

static void route_types(answer *a) {
  set_json(a, 200,
           cJSON_Parse("{\"s\":\"123\",\"i\":123,\"f\":1.5,\"neg\":-7,\"b\":true,\"n\":null,"
                       "\"o\":{\"k\":\"v\",\"deep\":{\"x\":1}},\"a\":[1,2,3],\"e\":[],"
                       "\"text\":\"caf\xc3\xa9 \\\"quoted\\\" & <tag>\","
                       "\"list\":[{\"id\":1,\"name\":\"alpha\",\"owner\":{\"id\":\"u1\"}},"
                       "{\"id\":2,\"name\":\"beta\",\"owner\":{\"id\":\"u2\"}},"
                       "{\"id\":3,\"name\":\"gamma\",\"owner\":{\"id\":\"u3\"}}]}"));
}

static void route_slow(struct MHD_Connection *c, answer *a) {
  const char *ms_s = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "ms");
  long ms = ms_s ? strtol(ms_s, NULL, 10) : 1000;
  if (ms < 0) ms = 0;
  if (ms > 60000) ms = 60000;
  for (long left = ms; left > 0 && !stop_requested; left -= 50)
    sleep_ms(left < 50 ? left : 50);
  cJSON *doc = cJSON_CreateObject();
  cJSON_AddNumberToObject(doc, "slept_ms", (double)ms);
  set_json(a, 200, doc);
}

/* ------------------------------------------------------------- hostile */

#define HUGE_BODY_BYTES (200ull * 1024 * 1024)

/* Sent chunked, so the only way to know the size is to count the bytes. */
static ssize_t huge_reader(void *cls, uint64_t pos, char *buf, size_t max) {
  (void)cls;
  if (pos >= HUGE_BODY_BYTES) return MHD_CONTENT_READER_END_OF_STREAM;
  size_t n = HUGE_BODY_BYTES - pos < max ? (size_t)(HUGE_BODY_BYTES - pos) : max;
  memset(buf, ' ', n);
  if (pos == 0 && n > 0) buf[0] = '[';
  return (ssize_t)n;
}

static ssize_t trickle_reader(void *cls, uint64_t pos, char *buf, size_t max) {
  (void)cls;
  static const char body[] = "{\"ok\": true, \"padding\": \"................................\"}";
  if (pos >= sizeof body - 1) return MHD_CONTENT_READER_END_OF_STREAM;
  if (max == 0) return 0;
  if (pos > 0) sleep_ms(1000);
  if (stop_requested) return MHD_CONTENT_READER_END_WITH_ERROR;
  buf[0] = body[pos];
  return 1;
}

static ssize_t reset_reader(void *cls, uint64_t pos, char *buf, size_t max) {
  (void)cls;
  if (pos >= 100) return MHD_CONTENT_READER_END_WITH_ERROR;
  size_t n = max < 100 - pos ? max : (size_t)(100 - pos);
  memset(buf, pos == 0 ? '{' : ' ', n);
  buf[0] = pos == 0 ? '{' : ' ';
  return (ssize_t)n;
}

static char *gzip_bomb;
static size_t gzip_bomb_len;

static void prepare_gzip_bomb(void) {
  FILE *p = popen("head -c 209715200 /dev/zero | gzip -9 -c", "r");
  if (!p) return;
  size_t cap = 1 << 20;
  gzip_bomb = malloc(cap);
  while (gzip_bomb && gzip_bomb_len < cap) {
    size_t got = fread(gzip_bomb + gzip_bomb_len, 1, cap - gzip_bomb_len, p);
    if (got == 0) break;
    gzip_bomb_len += got;
  }
  pclose(p);
}

/* Returns a streaming response, or NULL when `a` was filled instead. */
static struct MHD_Response *hostile_response(answer *a) {
  const char *h = opt.hostile ? opt.hostile : "";
  if (!strcmp(h, "huge_body"))
    return MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, huge_reader, NULL, NULL);
  if (!strcmp(h, "trickle_body"))
    return MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16, trickle_reader, NULL, NULL);
  if (!strcmp(h, "reset_mid_body"))
    return MHD_create_response_from_callback(10000, 1024, reset_reader, NULL, NULL);
  if (!strcmp(h, "binary_json")) {
    unsigned char r[4096];
    RAND_bytes(r, sizeof r);
    r[0] = 0xff;
    set_raw(a, 200, (char *)r, sizeof r);
  } else if (!strcmp(h, "control_chars")) {
    static const char body[] = "{\"s\": \"a\0b ]]> \xff\xfe \x01\x1b end\"}";
    set_raw(a, 200, body, sizeof body - 1);
  } else if (!strcmp(h, "redirect_loop")) {
    set_error(a, 302, "moved");
    a->location = "/v1/hostile";
  } else if (!strcmp(h, "gzip_bomb") && gzip_bomb) {
    set_raw(a, 200, gzip_bomb, gzip_bomb_len);
  } else if (!strcmp(h, "trailing_garbage")) {
    set_raw(a, 200, "{\"ok\": true}garbage", 19);
  } else {
    set_json(a, 200, cJSON_Parse("{\"ok\": true}"));
  }
  return NULL;
}

/* -------------------------------------------------------------- dispatch */

static bool rate_limited(void) {
  if (opt.rate_limit <= 0 || defect("no_rate_limit")) return false;
  pthread_mutex_lock(&state_lock);
  double t = now_s();
  if (t - rate_window_start >= opt.rate_window_ms / 1000.0) {
    rate_window_start = t;
    rate_used = 0;
  }
  bool over = ++rate_used > opt.rate_limit;
  pthread_mutex_unlock(&state_lock);
  return over;
}

static void rate_headers(long *limit, long *remaining, long *reset) {
  pthread_mutex_lock(&state_lock);
  *limit = opt.rate_limit > 0 ? opt.rate_limit : 1000;
  *remaining = opt.rate_limit > 0 ? (rate_used >= *limit ? 0 : *limit - rate_used) : 999;
  double left = opt.rate_window_ms / 1000.0 - (now_s() - rate_window_start);
  *reset = left > 0 ? (long)left + 1 : 0;
  pthread_mutex_unlock(&state_lock);
}

/* Fills a for the request; returns a streaming response for hostile modes. */
static struct MHD_Response *dispatch(struct MHD_Connection *c, const char *method,
                                     const char *raw_url, req_ctx *rc, answer *a) {
  char *path = strdup(raw_url);
  if (!path) return NULL;
  char *query = strchr(path, '?');
  if (query) *query++ = '\0';
  struct MHD_Response *stream = NULL;

  if (rate_limited()) {
    set_error(a, 429, "too many requests");
    goto done;
  }
  if (!percent_ok(path)) {
    set_error(a, defect("bad_percent_500") ? 500 : 400, "bad percent-encoding");
    goto done;
  }
  if (!strcmp(method, "OPTIONS")) {
    a->status = 204;
    a->no_body = true;
    a->preflight = true;
    goto done;
  }
  char *dpath = pct_decode(path, strlen(path), false);
  if (!dpath) goto done;
  const char *p = dpath;
  if (!strncmp(p, "/v1/", 4)) {
    p += 3;
  } else if (defect("unversioned_200") && p[0] == '/' && strncmp(p, "/v1", 3)) {
    /* served as if versioned */
  } else {
    set_error(a, 404, "not found (unversioned path)");
    free(dpath);
    goto done;
  }
  if (!strcmp(p, "/hostile")) {
    stream = hostile_response(a);
    free(dpath);
    goto done;
  }
  const char *why = auth_reject(c);
  if (why) {
    set_error(a, 401, why);
    free(dpath);
    goto done;
  }
  if (!strcmp(p, "/items")) {
    if (!strcmp(method, "GET")) {
      pthread_mutex_lock(&state_lock);
      cJSON *copy = cJSON_Duplicate(items, true);
      pthread_mutex_unlock(&state_lock);
      set_json(a, 200, copy);
    } else if (!strcmp(method, "POST")) {
      route_items_create(c, rc, a);
    } else if (defect("wrong_method_200")) {
      set_json(a, 200, cJSON_CreateObject());
    } else {
      set_error(a, 405, "method not allowed");
    }
  } else if (!strncmp(p, "/items/", 7) && p[7] && !strchr(p + 7, '/')) {
    route_item(method, p + 7, a);
  } else if (!strcmp(p, "/echo")) {
    route_echo(c, method, raw_url, query, rc, a);
  } else if (!strcmp(p, "/types") && !strcmp(method, "GET")) {
    route_types(a);
  } else if (!strcmp(p, "/slow") && !strcmp(method, "GET")) {
    route_slow(c, a);
  } else if (!strncmp(p, "/coded/", 7) && !strcmp(method, "GET")) {
    route_coded(c, p + 7, a);
  } else if (!strncmp(p, "/status/", 8)) {
    int code = atoi(p + 8);
    if (code < 200 || code > 599) code = 400;
    if (code >= 400)
      set_error(a, code, "as requested");
    else
      set_json(a, code, cJSON_Parse("{\"ok\": true}"));
  } else if (defect("unknown_path_200")) {
    set_json(a, 200, cJSON_CreateObject());
  } else {
    set_error(a, 404, "not found");
  }
  free(dpath);
done:
  free(path);
  return stream;
}

static void add_common_headers(struct MHD_Connection *c, struct MHD_Response *r, const answer *a) {
  const char *ct = a->content_type                ? a->content_type
                   : defect("wrong_content_type") ? "text/html; charset=utf-8"
                                                  : "application/json; charset=utf-8";
  if (!a->no_body) MHD_add_response_header(r, "Content-Type", ct);
  if (!defect("missing_rate_headers")) {
    long limit, remaining, reset;
    rate_headers(&limit, &remaining, &reset);
    char v[32];
    snprintf(v, sizeof v, "%ld", limit);
    MHD_add_response_header(r, "X-RateLimit-Limit", v);
    snprintf(v, sizeof v, "%ld", remaining);
    MHD_add_response_header(r, "X-RateLimit-Remaining", v);
    snprintf(v, sizeof v, "%ld", reset);
    MHD_add_response_header(r, "X-RateLimit-Reset", v);
  }
  const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
  if (origin && !defect("no_cors")) {
    MHD_add_response_header(r, "Access-Control-Allow-Origin", origin);
    MHD_add_response_header(r, "Vary", "Origin");
    if (a->preflight) {
      MHD_add_response_header(r, "Access-Control-Allow-Methods",
                              "GET, POST, PUT, PATCH, DELETE, OPTIONS");
      MHD_add_response_header(r, "Access-Control-Allow-Headers",
                              "Authorization, Content-Type, Accept");
      MHD_add_response_header(r, "Access-Control-Max-Age", "600");
    }
  }
  if (a->location) MHD_add_response_header(r, "Location", a->location);
  if (a->content_encoding) {
    MHD_add_response_header(r, "Content-Encoding", a->content_encoding);
    const char *ae = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Encoding");
    MHD_add_response_header(r, "X-Seen-Accept-Encoding", ae ? ae : "(none)");
  }
  if (opt.hostile &&
      (!strcmp(opt.hostile, "control_chars") || !strcmp(opt.hostile, "header_chars")))
    MHD_add_response_header(r, "X-Weird",
                            "a\x01"
                            "b\xff"
                            "c]]> <&\" \x1b"
                            "end");
  if (opt.hostile && !strcmp(opt.hostile, "gzip_bomb") && gzip_bomb) {
    MHD_add_response_header(r, "Content-Encoding", "gzip");
    const char *ae = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Encoding");
    MHD_add_response_header(r, "X-Seen-Accept-Encoding", ae ? ae : "(none)");
  }
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
                               const char *method, const char *version, const char *upload,
                               size_t *upload_size, void **con_cls) {
  (void)version;
  bool plain = cls == NULL;
  req_ctx *rc = *con_cls;
  if (!rc) {
    rc = calloc(1, sizeof *rc);
    if (!rc) return MHD_NO;
    *con_cls = rc;
    if (strcmp(url, "/__count")) atomic_fetch_add(&request_count, 1);
    if (plain && opt.https_only && !defect("serve_plain_http") && !strcmp(opt.https_only, "refuse"))
      return MHD_NO; /* close without an answer */
    return MHD_YES;
  }
  if (*upload_size) {
    double t = now_s();
    if (!rc->first_byte) rc->first_byte = t;
    rc->last_byte = t;
    size_t n = *upload_size;
    if (rc->len + n > opt.max_body) {
      rc->overflow = true;
    } else {
      char *nb = realloc(rc->body, rc->len + n + 1);
      if (!nb) return MHD_NO;
      memcpy(nb + rc->len, upload, n);
      rc->len += n;
      nb[rc->len] = '\0';
      rc->body = nb;
    }
    *upload_size = 0;
    return MHD_YES;
  }
  answer a = {0};
  struct MHD_Response *r = NULL;
  if (!strcmp(url, "/__count")) {
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddNumberToObject(doc, "count", (double)atomic_load(&request_count));
    a.status = 200;
    a.body = cJSON_PrintUnformatted(doc);
    a.len = strlen(a.body);
    cJSON_Delete(doc);
  } else if (plain && opt.https_only && !defect("serve_plain_http")) {
    set_error(&a, 403, "HTTPS required");
  } else {
    r = dispatch(c, method, url, rc, &a);
  }
  if (!r) {
    if (a.no_body)
      r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    else
      r = MHD_create_response_from_buffer(a.len, a.body ? a.body : (void *)"",
                                          a.body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    if (a.no_body || !r) free(a.body);
  } else {
    a.status = 200;
  }
  if (!r) return MHD_NO;
  add_common_headers(c, r, &a);
  enum MHD_Result ret = MHD_queue_response(c, (unsigned)(a.status ? a.status : 500), r);
  MHD_destroy_response(r);
  return ret;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe) {
  (void)cls;
  (void)c;
  (void)toe;
  req_ctx *rc = *con_cls;
  if (rc) {
    free(rc->body);
    free(rc);
  }
  *con_cls = NULL;
}

/* MHD would decode %XX itself; the raw URL is needed to judge bad escapes. */
static size_t no_unescape(void *cls, struct MHD_Connection *c, char *s) {
  (void)cls;
  (void)c;
  return strlen(s);
}

/* ------------------------------------------------------- raw listener */

static int raw_listen_fd = -1;

static void write_all(int fd, const char *s, size_t n) {
  while (n) {
    ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
    if (w <= 0) return;
    s += w;
    n -= (size_t)w;
  }
}

static const char canned[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"
                             "X-RateLimit-Limit: 1000\r\nX-RateLimit-Remaining: 999\r\n"
                             "X-RateLimit-Reset: 60\r\nContent-Length: 12\r\n\r\n{\"ok\": true}";

static void answer_status(int fd, int code, const char *reason) {
  char body[256], msg[768];
  int bl =
      snprintf(body, sizeof body, "{\"error\": {\"code\": %d, \"message\": \"%s\"}}", code, reason);
  int n = snprintf(msg, sizeof msg,
                   "HTTP/1.1 %d %s\r\nContent-Type: application/json; charset=utf-8\r\n"
                   "X-RateLimit-Limit: 1000\r\nX-RateLimit-Remaining: 999\r\n"
                   "X-RateLimit-Reset: 60\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s",
                   code, reason, bl, body);
  write_all(fd, msg, (size_t)n);
}

/* Reads more bytes into buf (bounded by cap and the deadline). */
static bool raw_read_more(int fd, char *buf, size_t *n, size_t cap, double deadline) {
  while (*n < cap && now_s() < deadline && !stop_requested) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, 100) <= 0) continue;
    ssize_t got = recv(fd, buf + *n, cap - *n, 0);
    if (got <= 0) return false;
    *n += (size_t)got;
    buf[*n] = '\0';
    return true;
  }
  return false;
}

/* Strict RFC 9112 framing judge: 0 = acceptable request fully read, else the
 * status to answer (-1: connection ended early, answer nothing). */
static int strict_judge(int fd, char *buf, size_t *n, size_t cap, double deadline) {
  char *end;
  while (!(end = memmem(buf, *n, "\r\n\r\n", 4))) {
    if (memmem(buf, *n, "\n\n", 2) && !raw_style("wait_bare_lf"))
      return 400; /* bare LF line endings */
    if (*n >= 65536) break;
    if (!raw_read_more(fd, buf, n, cap, deadline)) return -1;
  }
  char *eol = memmem(buf, *n, "\r\n", 2);
  if (!eol || eol - buf > 8192) return 414;
  if (!end || end - buf > 16384) return 431;
  size_t head_len = (size_t)(end - buf) + 4;
  if (memchr(buf, '\0', head_len)) return 400;
  long cl = -1;
  int n_cl = 0;
  bool chunked = false;
  for (size_t i = 0; i + 1 < head_len; i++) {
    if (buf[i] == '\n' && (i == 0 || buf[i - 1] != '\r')) return 400; /* bare LF */
    if (buf[i] == '\n' && i + 1 < head_len - 2 && (buf[i + 1] == ' ' || buf[i + 1] == '\t') &&
        !raw_style("unfold"))
      return 400; /* obs-fold */
    if (buf[i] == '\n' && !strncasecmp(buf + i + 1, "content-length:", 15)) {
      n_cl++;
      cl = strtol(buf + i + 16, NULL, 10);
    }
    if (buf[i] == '\n' && !strncasecmp(buf + i + 1, "transfer-encoding:", 18)) chunked = true;
  }
  if (n_cl > 1 || (n_cl && chunked)) return 400;
  size_t have = *n - head_len;
  if (cl > 1024 * 1024) return 413;
  if (cl > 0) {
    while (have < (size_t)cl) {
      if (!raw_read_more(fd, buf, n, cap, deadline)) return -1;
      have = *n - head_len;
    }
  } else if (chunked) {
    size_t pos = head_len;
    for (int guard = 0; guard < 10000; guard++) {
      char *line_end;
      while (!(line_end = memmem(buf + pos, *n - pos, "\r\n", 2)))
        if (!raw_read_more(fd, buf, n, cap, deadline)) return -1;
      char *stop;
      if (!isxdigit((unsigned char)buf[pos])) return 400;
      long size = strtol(buf + pos, &stop, 16);
      if (stop != line_end && *stop != ';') return 400;
      pos = (size_t)(line_end - buf) + 2;
      while (*n < pos + (size_t)size + 2)
        if (!raw_read_more(fd, buf, n, cap, deadline)) return -1;
      if (memcmp(buf + pos + size, "\r\n", 2)) return 400;
      pos += (size_t)size + 2;
      if (size == 0) break;
    }
  }
  return 0;
}

/* One connection on the raw listener: strict judge by default; accepts
 * anything under wire_accept_all; slow_headers trickles its status line. */
static void *raw_conn(void *arg) {
  int fd = (int)(intptr_t)arg;
  size_t cap = 4 * 1024 * 1024;
  char *buf = malloc(cap + 1);
  size_t n = 0;
  double deadline = now_s() + 20.0;
  if (!buf) {
    close(fd);
    return NULL;
  }
  buf[0] = '\0';
  if (opt.hostile && !strcmp(opt.hostile, "slow_headers")) {
    while (!strstr(buf, "\r\n\r\n") && raw_read_more(fd, buf, &n, cap, deadline)) {
    }
    for (size_t i = 0; i < sizeof canned - 1 && !stop_requested; i++) {
      write_all(fd, canned + i, 1);
      sleep_ms(1000);
    }
  } else if (opt.hostile && !strcmp(opt.hostile, "header_nul")) {
    while (!strstr(buf, "\r\n\r\n") && raw_read_more(fd, buf, &n, cap, deadline)) {
    }
    static const char nul_head[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json; "
                                   "charset=utf-8\r\nX-Weird: a\0b\r\nContent-Length: 12\r\n"
                                   "\r\n{\"ok\": true}";
    write_all(fd, nul_head, sizeof nul_head - 1);
  } else if (opt.hostile && !strcmp(opt.hostile, "rst_mid_body")) {
    while (!strstr(buf, "\r\n\r\n") && raw_read_more(fd, buf, &n, cap, deadline)) {
    }
    static const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json; "
                               "charset=utf-8\r\nContent-Length: 10000\r\n\r\n";
    char part[100];
    memset(part, ' ', sizeof part);
    part[0] = '{';
    write_all(fd, head, sizeof head - 1);
    write_all(fd, part, sizeof part);
    sleep_ms(100); /* let the peer read the partial body before the reset */
    /* Linger 0: close() sends RST instead of FIN. */
    struct linger lg = {.l_onoff = 1, .l_linger = 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(fd);
    free(buf);
    return NULL;
  } else if (defect("wire_accept_all")) {
    while (!strstr(buf, "\r\n\r\n") && !strstr(buf, "\n\n") &&
           raw_read_more(fd, buf, &n, 65536, now_s() + 3.0)) {
    }
    write_all(fd, canned, sizeof canned - 1);
    /* A smuggling-prone front end: both framings honoured, two answers. */
    if (strcasestr(buf, "transfer-encoding") && strcasestr(buf, "content-length"))
      write_all(fd, canned, sizeof canned - 1);
  } else if (raw_style("hang")) {
    while (!stop_requested && now_s() < deadline)
      sleep_ms(50);
  } else {
    int code = strict_judge(fd, buf, &n, cap, deadline);
    if (code < 0 && raw_style("bare_400")) code = 400; /* a body cut short */
    if (code == 0 && defect("raw_503"))
      answer_status(fd, 503, "unavailable");
    else if (code == 0)
      write_all(fd, canned, sizeof canned - 1);
    else if (code > 0 && raw_style("bare_400")) {
      static const char bare[] = "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n"
                                 "Content-Length: 0\r\n\r\n";
      write_all(fd, bare, sizeof bare - 1);
    } else if (code > 0)
      answer_status(fd, code,
                    code == 431   ? "headers too large"
                    : code == 414 ? "URI too long"
                    : code == 413 ? "body too large"
                                  : "bad request framing");
  }
  shutdown(fd, SHUT_WR);
  /* Drain briefly so the peer sees our answer rather than a reset. */
  char sink[4096];
  for (int i = 0; i < 10; i++) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, 50) <= 0 || recv(fd, sink, sizeof sink, 0) <= 0) break;
  }
  close(fd);
  free(buf);
  return NULL;
}

static void *raw_accept_loop(void *arg) {
  (void)arg;
  while (!stop_requested) {
    struct pollfd p = {.fd = raw_listen_fd, .events = POLLIN};
    if (poll(&p, 1, 100) <= 0) continue;
    int fd = accept(raw_listen_fd, NULL, NULL);
    if (fd < 0) continue;
    atomic_fetch_add(&request_count, 1);
    pthread_t t;
    if (pthread_create(&t, NULL, raw_conn, (void *)(intptr_t)fd) == 0)
      pthread_detach(t);
    else
      close(fd);
  }
  return NULL;
}

static bool start_raw_listener(int port) {
  raw_listen_fd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(raw_listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(raw_listen_fd, (struct sockaddr *)&a, sizeof a) || listen(raw_listen_fd, 64))
    return false;
  pthread_t t;
  return pthread_create(&t, NULL, raw_accept_loop, NULL) == 0 && pthread_detach(t) == 0;
}

/* ----------------------------------------------------------------- main */

static void on_signal(int sig) {
  (void)sig;
  stop_requested = 1;
}

static int usage(const char *why) {
  fprintf(stderr, "target_api: %s\n", why);
  return 2;
}

static struct MHD_Daemon *start_mhd(int port, bool tls, const char *cert, const char *key) {
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                   MHD_USE_ERROR_LOG | (tls ? MHD_USE_TLS : 0);
  if (tls)
    return MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, handler, (void *)1,
                            MHD_OPTION_SOCK_ADDR, &a, MHD_OPTION_HTTPS_MEM_CERT, cert,
                            MHD_OPTION_HTTPS_MEM_KEY, key, MHD_OPTION_NOTIFY_COMPLETED, completed,
                            NULL, MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, NULL,
                            MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_END);
  return MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, handler, NULL, MHD_OPTION_SOCK_ADDR,
                          &a, MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
                          MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, NULL,
                          MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_END);
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    const char *k = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(k, "--envelope")) {
      opt.envelope = true;
      continue;
    }
    if (!strcmp(k, "--validate-ids")) {
      opt.validate_ids = true;
      continue;
    }
    if (!strcmp(k, "--log-auth")) {
      opt.log_auth = true;
      continue;
    }
    if (!v) return usage("option needs a value");
    i++;
    if (!strcmp(k, "--http-port"))
      opt.http_port = atoi(v);
    else if (!strcmp(k, "--https-port"))
      opt.https_port = atoi(v);
    else if (!strcmp(k, "--raw-http-port"))
      opt.raw_port = atoi(v);
    else if (!strcmp(k, "--cert"))
      opt.cert = v;
    else if (!strcmp(k, "--key"))
      opt.key = v;
    else if (!strcmp(k, "--https-only"))
      opt.https_only = v;
    else if (!strcmp(k, "--token"))
      opt.token = v;
    else if (!strcmp(k, "--jwt-secret"))
      opt.jwt_secret = v;
    else if (!strcmp(k, "--max-body"))
      opt.max_body = strtoul(v, NULL, 10);
    else if (!strcmp(k, "--rate-limit"))
      opt.rate_limit = atol(v);
    else if (!strcmp(k, "--rate-window-ms"))
      opt.rate_window_ms = atol(v);
    else if (!strcmp(k, "--hostile"))
      opt.hostile = v;
    else if (!strcmp(k, "--defect") && opt.n_defects < MAX_DEFECTS)
      opt.defects[opt.n_defects++] = v;
    else if (!strcmp(k, "--raw-style") && opt.n_raw_styles < MAX_DEFECTS)
      opt.raw_styles[opt.n_raw_styles++] = v;
    else
      return usage("unknown option");
  }
  if (!opt.http_port && !opt.https_port && !opt.raw_port) return usage("no port given");
  signal(SIGPIPE, SIG_IGN);
  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);
  items = cJSON_Parse("[{\"id\":\"5730b3c9e5a5ad0100fd6a9f\",\"name\":\"seed\",\"qty\":1,"
                      "\"tags\":[\"a\",\"b\"],\"owner\":{\"id\":\"u1\"}}]");
  rate_window_start = now_s();
  if (opt.hostile && !strcmp(opt.hostile, "gzip_bomb")) prepare_gzip_bomb();

  struct MHD_Daemon *http = NULL, *https = NULL;
  char *cert = NULL, *key = NULL;
  if (opt.http_port && !(http = start_mhd(opt.http_port, false, NULL, NULL)))
    return usage("cannot listen on --http-port");
  if (opt.https_port) {
    cert = opt.cert ? ts_read_file(opt.cert, NULL) : NULL;
    key = opt.key ? ts_read_file(opt.key, NULL) : NULL;
    if (!cert || !key) return usage("--https-port needs readable --cert and --key");
    if (!(https = start_mhd(opt.https_port, true, cert, key)))
      return usage("cannot listen on --https-port");
  }
  if (opt.raw_port && !start_raw_listener(opt.raw_port))
    return usage("cannot listen on --raw-http-port");
  fprintf(stderr, "target_api: ready (http %d, https %d, raw %d)\n", opt.http_port, opt.https_port,
          opt.raw_port);
  while (!stop_requested)
    sleep_ms(50);
  if (http) MHD_stop_daemon(http);
  if (https) MHD_stop_daemon(https);
  if (raw_listen_fd >= 0) close(raw_listen_fd);
  cJSON_Delete(items);
  free(cert);
  free(key);
  free(gzip_bomb);
  fprintf(stderr, "target_api: stopped after %ld requests\n", atomic_load(&request_count));
  return 0;
}
