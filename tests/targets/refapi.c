/* refapi.c — an independent, conformant implementation of the four reference
 * APIs of suites/README.md (Botanalytics v2, buddybuild v1, BitPaket v2,
 * the Moonrope-style RPC API), written without gauntlet's code, so that the
 * shipped suites (suites/NAME.yaml) can be tested against a second opinion; each
 * --defect NAME breaks exactly one rule so the tests can show that the suites
 * catch it.
 *
 *   refapi --api botanalytics|buddybuild|bitpaket|rpc --http-port P
 *          [--https-port P --cert F --key F] --token T [--jwt-secret S]
 *          [--client-secret S] [--rate-limit N] [--rate-window SECONDS]
 *          [--default-limit N] [--unknown-delete 404|200] [--rpc moonrope|rails]
 *          [--defect NAME]... [--mint-jwt] [--list-defects]
 *
 * --mint-jwt prints a valid Botanalytics token (HS256, channel universal, no
 * exp, like a channel API key) for --jwt-secret and exits. For botanalytics, --token is ignored: a
 * token is valid when it verifies with --jwt-secret. It prints "ready" once listening and runs
 * until SIGTERM/SIGINT.
 *
 * Defects (one rule each; --list-defects prints those of an api):
 *
 *   botanalytics http_serves_api                 plain HTTP never succeeds
 *   botanalytics accept_alg_none                 alg none is 401
 *   botanalytics accept_bad_signature            a bad signature is 401
 *   botanalytics accept_expired                  expired is 401 (needs the JWT secret)
 *   botanalytics accept_no_channel               no channel claim is 401 (needs the secret)
 *   botanalytics accept_query_token              no credentials from the query string
 *   botanalytics wrong_error_shape               {"errors": [..]}
 *   botanalytics no_cors_header                  Allow-Origin on every response
 *   botanalytics preflight_needs_auth            a preflight needs no credential
 *   botanalytics preflight_missing_allow_headers Allow-Headers names Authorization
 *   botanalytics preflight_not_2xx               a preflight is answered 2xx
 *   botanalytics accept_any_sender_type          sender.type is one of three
 *   botanalytics accept_bad_timestamp            timestamp is a number (or a string)
 *   botanalytics accept_empty_messages           messages is non-empty
 *   botanalytics require_thread                  thread is optional
 *   botanalytics require_sender                  sender is optional
 *   botanalytics reject_human_agent              human-agent is a sender type
 *   botanalytics error_not_naming_field          a 400 names the offending field
 *   botanalytics 500_on_bad_json                 no 5xx for a client mistake
 *   botanalytics accept_invalid_utf8             a non-UTF-8 body is 400
 *   botanalytics text_content_type_on_error      application/json on errors too
 *   botanalytics created_201                     success is 200 {request_id}
 *   botanalytics ms_timestamps_refused           timestamp is milliseconds, a JSON number
 *   botanalytics accept_wrong_types              optional fields are typed when present
 *   botanalytics require_exp                     exp is optional
 *   botanalytics channel_payloads_refused        the channel claim picks the payload format
 *   botanalytics token_scheme_500                Token <JWT> is accepted or 401, never 5xx
 *   botanalytics alexa_payload_refused           an Alexa request envelope is accepted
 *   botanalytics bot_framework_payload_refused   a Bot Framework activity is accepted
 *   botanalytics rasa_payload_refused            a Rasa event is accepted
 *   botanalytics send_api_refused                a Messenger Send API body is accepted
 *   botanalytics accept_string_exp               exp, when present, is a number
 *   botanalytics accept_non_string_channel       the channel claim is a string
 *   buddybuild   wrong_no_token_message          "No authorization token was found"
 *   buddybuild   wrong_invalid_token_message     "Invalid authorization token"
 *   buddybuild   accept_query_token              no credentials from the query string
 *   buddybuild   double_percent_decode           query values decoded exactly once
 *   buddybuild   decode_before_split             query decoded once, after splitting
 *   buddybuild   ignore_limit                    limit bounds the list
 *   buddybuild   accept_bad_limit                limit 0, 101, non-numeric: 400
 *   buddybuild   accept_bad_status               a bad status filter is 400
 *   buddybuild   ignore_status_filter            the status filter filters
 *   buddybuild   oldest_first                    builds are listed newest first
 *   buddybuild   form_not_supported              form bodies are accepted
 *   buddybuild   form_double_decode              form values decoded exactly once
 *   buddybuild   body_required                   the body (and branch) is optional
 *   buddybuild   unknown_app_200                 an unknown app is 404
 *   buddybuild   unknown_build_500               an unknown build is 404, never 5xx
 *   buddybuild   wrong_method_200                an unserved method is 404
 *   buddybuild   wrong_method_405                an unserved method is 404, not 405
 *   buddybuild   serve_unversioned               unversioned paths are 404
 *   buddybuild   error_key_message               error shape {"error": str}
 *   buddybuild   latest_ignores_branch           latest honours branch
 *   buddybuild   bad_platform                    platform is ios or android
 *   buddybuild   accept_invalid_utf8             bodies are UTF-8 only
 *   buddybuild   commit_info_missing             the branch is commit_info.branch
 *   buddybuild   ignore_scheme_filter            the scheme filter filters
 *   buddybuild   latest_ignores_status           latest honours status
 *   buddybuild   latest_ignores_scheme           latest honours scheme
 *   bitpaket     accept_query_token              access_token in the query is 401
 *   bitpaket     accept_v1                       /v1 is 404
 *   bitpaket     accept_unversioned              unversioned paths are 404
 *   bitpaket     accept_header_version           a header-only version is 404
 *   bitpaket     missing_ratelimit_on_errors     rate-limit headers on errors too
 *   bitpaket     relative_ratelimit_reset        X-RateLimit-Reset in Unix seconds
 *   bitpaket     no_request_id                   X-Request-Id on every response
 *   bitpaket     no_429                          429 past the limit (needs the limit)
 *   bitpaket     wrong_401_code                  error.code 10401
 *   bitpaket     wrong_401_message               "The access token is invalid"
 *   bitpaket     upload_wrong_error_shape        upload errors carry ns
 *   bitpaket     overwrite_ignored               X-Bit-Overwrite: 1 replaces
 *   bitpaket     overwrite_without_header        an existing name without overwrite is 400
 *   bitpaket     timestamps_without_z            timestamps end in Z
 *   bitpaket     no_etag                         ETag on metadata
 *   bitpaket     client_secret_optional          a missing client_secret is 400
 *   bitpaket     wrong_client_secret_ok          a wrong client_secret is 401
 *   bitpaket     client_secret_body_ignored      client_secret in a JSON body
 *   bitpaket     require_user_agent              no User-Agent is required
 *   bitpaket     wrong_size                      size is the body size
 *   bitpaket     overwrite_needs_true            X-Bit-Overwrite: 1 replaces
 *   bitpaket     overwrite_any_value             X-Bit-Overwrite other than 1 does not replace
 *   bitpaket     exists_ns_shape                 an existing name: 10209, general shape
 *   bitpaket     upload_summary_only             upload answers the metadata document
 *   bitpaket     no_sha256_header                upload answers X-SHA256
 *   bitpaket     no_unix_timestamps              created_on_ts/updated_on_ts integers
 *   bitpaket     old_delete_shape                DELETE answers data.objects.valid.object_ids
 *   bitpaket     ignore_verify_sha256            a bad X-Verify-SHA256 is 400
 *   rpc          http_400_on_error               HTTP 200 for every action outcome
 *   rpc          missing_time                    the envelope has time
 *   rpc          access_denied_for_wrong_key     a wrong key: InvalidServerAPIKey
 *   rpc          invalid_key_for_missing_key     no key: AccessDenied
 *   rpc          accept_query_key                no credentials from the query string
 *   rpc          invalid_json_200                malformed JSON is HTTP 400
 *   rpc          array_body_500                  a non-object body: 400 or no parameters
 *   rpc          unknown_action_200              unknown controller/action: 400 or 404
 *   rpc          parameter_error_as_error        missing parameter: parameter-error
 *   rpc          not_found_code                  unknown message: MessageNotFound
 *   rpc          form_params_refused             params=<json> in a form body is read
 *   rpc          send_raw_missing                send/raw is an action
 *   rpc          nulls_refused                   null is the same as absent
 *   rpc          deliveries_wrapped              messages/deliveries data is an array
 *   rpc          to_required                     no recipients: error NoRecipients
 *   rpc          error_order                     NoRecipients before NoContent
 *   rpc          from_not_checked                an unverified from: UnauthenticatedFromAddress
 *   rpc          raw_from_not_checked            send/raw checks the From: header's domain
 *   rpc          expansions_ignored              _expansions adds the expansions
 *   rpc          display_name_kept               messages are keyed by the bare address
 *   rpc          query_params_refused            params=<json> in the query is read
 *   rpc          other_content_type_400          a body of another type is not read
 *   rpc          get_not_routed                  GET runs the action too
 *   rpc          type_error_500                  a mistyped id: parameter-error or not found
 *   rpc          no_address_limit                at most 50 to/cc/bcc addresses
 *   rpc          attachments_unchecked           an attachment needs a name and data
 *   rpc          expansions_always               no expansion unless asked for
 *   rpc          only_to_recipients              one message per to, cc and bcc address
 *   rpc          raw_empty_rcpt_refused          an empty rcpt_to sends nothing, successfully
 *   rpc          deliveries_unknown_empty        deliveries of an unknown message: MessageNotFound
 *   rpc          unknown_param_refused           unknown parameters are ignored
 *   rpc          params_before_auth              the key is checked before the parameters
 *   rpc          put_not_routed                  PUT runs the action too
 *
 * --rpc moonrope (default) answers like Postal <= 3.3.0 (Moonrope), --rpc rails
 * like Postal >= 3.3.1: both are conformant, and differ where the contract
 * allows it (unknown action 400 bare / 404, malformed JSON body, auth errors'
 * time, empty key, string to/id, a non-object body, OPTIONS, extra segments).
 */
#include <stdint.h>
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <microhttpd.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <pthread.h>

#define MAX_BODY ((size_t)9 << 20)
#define MAX_DEFECTS 16
#define MAX_BUILDS 4096
#define MAX_OBJECTS 1024
#define MAX_MESSAGES 4096
#define MAX_QUERY 32
#define MAX_SEGS 16
#define MAX_HDRS 16

typedef enum { API_BOT, API_BUDDY, API_BIT, API_RPC } api_kind;

static const char *const DEFECTS[4][40] = {
    [API_BOT] = {"http_serves_api",
                 "accept_alg_none",
                 "accept_bad_signature",
                 "accept_expired",
                 "accept_no_channel",
                 "accept_query_token",
                 "wrong_error_shape",
                 "no_cors_header",
                 "preflight_needs_auth",
                 "preflight_missing_allow_headers",
                 "preflight_not_2xx",
                 "accept_any_sender_type",
                 "accept_bad_timestamp",
                 "accept_empty_messages",
                 "require_thread",
                 "require_sender",
                 "reject_human_agent",
                 "error_not_naming_field",
                 "500_on_bad_json",
                 "accept_invalid_utf8",
                 "text_content_type_on_error",
                 "created_201",
                 "ms_timestamps_refused",
                 "accept_wrong_types",
                 "require_exp",
                 "channel_payloads_refused",
                 "token_scheme_500",
                 "alexa_payload_refused",
                 "bot_framework_payload_refused",
                 "rasa_payload_refused",
                 "send_api_refused",
                 "accept_string_exp",
                 "accept_non_string_channel",
                 NULL},
    [API_BUDDY] = {"wrong_no_token_message",
                   "wrong_invalid_token_message",
                   "accept_query_token",
                   "double_percent_decode",
                   "decode_before_split",
                   "ignore_limit",
                   "accept_bad_limit",
                   "accept_bad_status",
                   "ignore_status_filter",
                   "oldest_first",
                   "form_not_supported",
                   "form_double_decode",
                   "body_required",
                   "unknown_app_200",
                   "unknown_build_500",
                   "wrong_method_200",
                   "wrong_method_405",
                   "serve_unversioned",
                   "error_key_message",
                   "latest_ignores_branch",
                   "bad_platform",
                   "accept_invalid_utf8",
                   "commit_info_missing",
                   "ignore_scheme_filter",
                   "latest_ignores_status",
                   "latest_ignores_scheme",
                   NULL},
    [API_BIT] = {"accept_query_token",
                 "accept_v1",
                 "accept_unversioned",
                 "accept_header_version",
                 "missing_ratelimit_on_errors",
                 "relative_ratelimit_reset",
                 "no_request_id",
                 "no_429",
                 "wrong_401_code",
                 "wrong_401_message",
                 "upload_wrong_error_shape",
                 "overwrite_ignored",
                 "overwrite_without_header",
                 "timestamps_without_z",
                 "no_etag",
                 "client_secret_optional",
                 "wrong_client_secret_ok",
                 "client_secret_body_ignored",
                 "require_user_agent",
                 "wrong_size",
                 "overwrite_needs_true",
                 "overwrite_any_value",
                 "exists_ns_shape",
                 "upload_summary_only",
                 "no_sha256_header",
                 "no_unix_timestamps",
                 "old_delete_shape",
                 "ignore_verify_sha256",
                 NULL},
    [API_RPC] = {"http_400_on_error",
                 "missing_time",
                 "access_denied_for_wrong_key",
                 "invalid_key_for_missing_key",
                 "accept_query_key",
                 "invalid_json_200",
                 "array_body_500",
                 "unknown_action_200",
                 "parameter_error_as_error",
                 "not_found_code",
                 "form_params_refused",
                 "send_raw_missing",
                 "nulls_refused",
                 "deliveries_wrapped",
                 "to_required",
                 "error_order",
                 "from_not_checked",
                 "raw_from_not_checked",
                 "expansions_ignored",
                 "display_name_kept",
                 "query_params_refused",
                 "other_content_type_400",
                 "get_not_routed",
                 "type_error_500",
                 "no_address_limit",
                 "attachments_unchecked",
                 "expansions_always",
                 "only_to_recipients",
                 "raw_empty_rcpt_refused",
                 "deliveries_unknown_empty",
                 "unknown_param_refused",
                 "params_before_auth",
                 "put_not_routed",
                 NULL},
};

static struct {
  api_kind api;
  int http_port, https_port;
  const char *cert_file, *key_file;
  const char *token, *jwt_secret, *client_secret;
  long rate_limit, rate_window;
  bool rpc_rails;          /* rpc: Postal >= 3.3.1 (Rails) instead of Moonrope (<= 3.3.0) */
  bool unknown_delete_200; /* bitpaket: unknown DELETE answered 200 (the docs allow both) */
  long default_limit;      /* buddybuild: builds listed without `limit` (the docs say 5 and 10) */
  const char *defects[MAX_DEFECTS];
  int n_defects;
} cfg = {.rate_limit = 5000, .rate_window = 3600, .default_limit = 5};

static bool defect(const char *name) {
  for (int i = 0; i < cfg.n_defects; i++)
    if (strcmp(cfg.defects[i], name) == 0) return true;
  return false;
}

/* One lock for all state: the HTTP and HTTPS daemons run on their own threads. */
static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;

/* ---------- small helpers ---------- */

static void iso_time(time_t t, int ms, char *out, size_t n) {
  struct tm tm;
  gmtime_r(&t, &tm);
  size_t k = strftime(out, n, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(out + k, n - k, ".%03d%s", (ms % 1000 + 1000) % 1000,
           defect("timestamps_without_z") ? "+00:00" : "Z");
}

static void iso_now(char *out, size_t n) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  iso_time(ts.tv_sec, (int)(ts.tv_nsec / 1000000), out, n);
}

static void random_hex(char *out, size_t nbytes) {
  unsigned char b[64];
  if (nbytes > sizeof b) nbytes = sizeof b;
  RAND_bytes(b, (int)nbytes);
  for (size_t i = 0; i < nbytes; i++)
    sprintf(out + 2 * i, "%02x", b[i]);
  out[2 * nbytes] = '\0';
}

static void random_uuid(char *out) {
  unsigned char b[16];
  RAND_bytes(b, sizeof b);
  b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
  b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
  sprintf(out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
          b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

static bool utf8_valid(const unsigned char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    unsigned char c = s[i];
    size_t len;
    unsigned cp;
    if (c < 0x80) {
      i++;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      len = 2, cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3, cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (size_t k = 1; k < len; k++) {
      if ((s[i + k] & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    i += len;
  }
  return true;
}

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Percent-decodes [s, s+n) into a new string (caller frees); plus_space turns
 * '+' into ' ' (query strings and form bodies). NULL on a bad escape. */
static char *pct_decode(const char *s, size_t n, bool plus_space) {
  char *out = malloc(n + 1);
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '%') {
      int a = i + 2 < n ? hexval((unsigned char)s[i + 1]) : -1;
      int b = i + 2 < n ? hexval((unsigned char)s[i + 2]) : -1;
      if (a < 0 || b < 0) {
        free(out);
        return NULL;
      }
      out[o++] = (char)(a * 16 + b);
      i += 2;
    } else if (plus_space && s[i] == '+') {
      out[o++] = ' ';
    } else {
      out[o++] = s[i];
    }
  }
  out[o] = '\0';
  return out;
}

/* ---------- the request ---------- */

typedef struct kv {
  char *name, *value;
} kv;

typedef struct req {
  char *raw_uri; /* owned: the request target exactly as sent */
  char *body;    /* owned */
  size_t len, cap;
  bool too_big;
  bool started;
  bool tls; /* which daemon */
  /* parsed when the request is complete: */
  char *segs[MAX_SEGS]; /* owned, decoded path segments */
  int nsegs;
  bool bad_path;
  bool trailing_slash;
  kv query[MAX_QUERY]; /* owned */
  int nquery;
  bool bad_query;
  struct MHD_Connection *conn;
  const char *method;
} req;

typedef struct reply {
  int status;
  char *body; /* owned (cJSON_PrintUnformatted or strdup) */
  const char *content_type;
  struct {
    char name[64];
    char value[512];
  } h[MAX_HDRS];
  int nh;
} reply;

__attribute__((format(printf, 3, 4))) static void reply_header(reply *rp, const char *name,
                                                               const char *fmt, ...) {
  if (rp->nh >= MAX_HDRS) return;
  snprintf(rp->h[rp->nh].name, sizeof rp->h[rp->nh].name, "%s", name);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(rp->h[rp->nh].value, sizeof rp->h[rp->nh].value, fmt, ap);
  va_end(ap);
  rp->nh++;
}

/* Takes ownership of j. */
static void reply_json(reply *rp, int status, cJSON *j) {
  rp->status = status;
  free(rp->body);
  rp->body = cJSON_PrintUnformatted(j);
  cJSON_Delete(j);
  rp->content_type = "application/json; charset=utf-8";
}

static const char *header(req *r, const char *name) {
  return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

static const char *query(req *r, const char *name) {
  for (int i = 0; i < r->nquery; i++)
    if (strcmp(r->query[i].name, name) == 0) return r->query[i].value;
  return NULL;
}

static void parse_query(req *r, const char *q) {
  /* decode_before_split: the classic bug of decoding the whole query string
   * and then splitting it, so an encoded '&' or '=' breaks the value. */
  char *owned = NULL;
  if (defect("decode_before_split")) {
    owned = pct_decode(q, strlen(q), true);
    if (!owned) {
      r->bad_query = true;
      return;
    }
    q = owned;
  }
  const char *p = q;
  while (*p && r->nquery < MAX_QUERY) {
    const char *amp = strchr(p, '&');
    size_t n = amp ? (size_t)(amp - p) : strlen(p);
    if (n > 0) {
      const char *eq = memchr(p, '=', n);
      size_t nn = eq ? (size_t)(eq - p) : n;
      char *name = owned ? strndup(p, nn) : pct_decode(p, nn, true);
      char *value =
          eq ? (owned ? strndup(eq + 1, n - nn - 1) : pct_decode(eq + 1, n - nn - 1, true))
             : strdup("");
      if (value && defect("double_percent_decode")) {
        char *again = pct_decode(value, strlen(value), true);
        if (again) free(value), value = again;
      }
      if (!name || !value) {
        free(name), free(value);
        r->bad_query = true;
      } else {
        r->query[r->nquery].name = name;
        r->query[r->nquery].value = value;
        r->nquery++;
      }
    }
    if (!amp) break;
    p = amp + 1;
  }
  free(owned);
}

static void parse_target(req *r) {
  const char *uri = r->raw_uri ? r->raw_uri : "/";
  const char *qm = strchr(uri, '?');
  size_t plen = qm ? (size_t)(qm - uri) : strlen(uri);
  size_t i = 0;
  if (plen > 1 && uri[plen - 1] == '/') r->trailing_slash = true;
  while (i < plen) {
    while (i < plen && uri[i] == '/')
      i++;
    if (i >= plen) break;
    size_t j = i;
    while (j < plen && uri[j] != '/')
      j++;
    if (r->nsegs >= MAX_SEGS) {
      r->bad_path = true;
      break;
    }
    char *seg = pct_decode(uri + i, j - i, false);
    if (!seg) {
      r->bad_path = true;
      break;
    }
    r->segs[r->nsegs++] = seg;
    i = j;
  }
  if (qm) parse_query(r, qm + 1);
}

/* segs match a pattern like "v1/apps/ * /build" ('*' matches one segment). */
static bool route(req *r, const char *pattern) {
  char buf[128];
  snprintf(buf, sizeof buf, "%s", pattern);
  int n = 0;
  char *save = NULL;
  for (char *tok = strtok_r(buf, "/", &save); tok; tok = strtok_r(NULL, "/", &save), n++) {
    if (n >= r->nsegs) return false;
    if (strcmp(tok, "*") != 0 && strcmp(tok, r->segs[n]) != 0) return false;
  }
  return n == r->nsegs && !r->trailing_slash;
}

static bool is_method(req *r, const char *m) {
  return strcmp(r->method, m) == 0;
}

static bool content_type_is(req *r, const char *type) {
  const char *ct = header(r, "Content-Type");
  if (!ct) return false;
  size_t n = strlen(type);
  return strncasecmp(ct, type, n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* ---------- JWT (Botanalytics) ---------- */

static unsigned char *b64url_decode(const char *s, size_t n, size_t *outlen) {
  static const char *alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  unsigned char *out = malloc(n * 3 / 4 + 4);
  unsigned acc = 0;
  int bits = 0;
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    const char *p = s[i] ? strchr(alphabet, s[i]) : NULL;
    if (!p) {
      free(out);
      return NULL;
    }
    acc = (acc << 6) | (unsigned)(p - alphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (unsigned char)(acc >> bits);
    }
  }
  out[o] = '\0';
  *outlen = o;
  return out;
}

static char *b64url_encode(const unsigned char *in, size_t n) {
  static const char *alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  char *out = malloc(n * 4 / 3 + 4);
  size_t o = 0;
  unsigned acc = 0;
  int bits = 0;
  for (size_t i = 0; i < n; i++) {
    acc = (acc << 8) | in[i];
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out[o++] = alphabet[(acc >> bits) & 63];
    }
  }
  if (bits > 0) out[o++] = alphabet[(acc << (6 - bits)) & 63];
  out[o] = '\0';
  return out;
}

static char *hs256(const char *data, size_t n) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int maclen = 0;
  const char *secret = cfg.jwt_secret ? cfg.jwt_secret : "";
  HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)data, n, mac, &maclen);
  return b64url_encode(mac, maclen);
}

static char *mint_jwt(void) {
  const char *hdr = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
  /* Like the channel API keys the SDKs' tests use: a channel, no exp. */
  char payload[128];
  snprintf(payload, sizeof payload, "{\"channel\":\"universal\",\"iat\":%ld}", (long)time(NULL));
  char *h = b64url_encode((const unsigned char *)hdr, strlen(hdr));
  char *p = b64url_encode((const unsigned char *)payload, strlen(payload));
  size_t n = strlen(h) + strlen(p) + 2;
  char *hp = malloc(n + 64);
  snprintf(hp, n, "%s.%s", h, p);
  char *sig = hs256(hp, strlen(hp));
  strcat(hp, ".");
  strcat(hp, sig);
  free(h), free(p), free(sig);
  return hp;
}

/* The channel claim of a token already judged valid (copied into out). */
static void jwt_channel(const char *tok, char *out, size_t n) {
  out[0] = '\0';
  const char *d1 = strchr(tok, '.');
  const char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
  size_t pl;
  unsigned char *p = d2 ? b64url_decode(d1 + 1, (size_t)(d2 - d1 - 1), &pl) : NULL;
  cJSON *pj = p ? cJSON_Parse((char *)p) : NULL;
  const cJSON *ch = cJSON_GetObjectItemCaseSensitive(pj, "channel");
  if (cJSON_IsString(ch)) snprintf(out, n, "%s", ch->valuestring);
  cJSON_Delete(pj);
  free(p);
}

/* NULL when the token is valid, else why not. */
static const char *jwt_problem(const char *tok) {
  const char *d1 = strchr(tok, '.');
  const char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
  if (!d1 || !d2 || strchr(d2 + 1, '.')) return "The token is not a JWT";
  size_t hl, pl;
  unsigned char *h = b64url_decode(tok, (size_t)(d1 - tok), &hl);
  unsigned char *p = b64url_decode(d1 + 1, (size_t)(d2 - d1 - 1), &pl);
  cJSON *hj = h ? cJSON_Parse((char *)h) : NULL;
  cJSON *pj = p ? cJSON_Parse((char *)p) : NULL;
  free(h), free(p);
  const char *why = NULL;
  const cJSON *alg = cJSON_GetObjectItemCaseSensitive(hj, "alg");
  if (!hj || !pj || !cJSON_IsObject(pj)) {
    why = "The token is not a JWT";
  } else if (cJSON_IsString(alg) && strcasecmp(alg->valuestring, "none") == 0 &&
             defect("accept_alg_none")) {
    why = NULL; /* defect: unsigned tokens accepted */
  } else if (!cJSON_IsString(alg) || strcmp(alg->valuestring, "HS256") != 0) {
    why = "The token must be signed with HS256";
  } else {
    char *sig = hs256(tok, (size_t)(d2 - tok));
    bool ok = strlen(sig) == strlen(d2 + 1) && CRYPTO_memcmp(sig, d2 + 1, strlen(sig)) == 0;
    free(sig);
    if (!ok && !defect("accept_bad_signature")) why = "The token signature is invalid";
  }
  if (!why && pj) {
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(pj, "exp");
    const cJSON *ch = cJSON_GetObjectItemCaseSensitive(pj, "channel");
    if (!exp && defect("require_exp"))
      why = "The token has no exp claim";
    else if (exp && !cJSON_IsNumber(exp) && !defect("accept_string_exp"))
      why = "The token's exp claim is not a number";
    else if (cJSON_IsNumber(exp) && exp->valuedouble <= (double)time(NULL) &&
             !defect("accept_expired"))
      why = "The token has expired";
    else if (!ch && !defect("accept_no_channel"))
      why = "The token has no channel claim";
    else if (ch && (!cJSON_IsString(ch) || !ch->valuestring[0]) &&
             !defect("accept_non_string_channel"))
      why = "The token's channel claim is not a string";
  }
  cJSON_Delete(hj), cJSON_Delete(pj);
  return why;
}

/* ---------- Botanalytics ---------- */

static void bot_error(reply *rp, int status, const char *msg) {
  cJSON *j = cJSON_CreateObject();
  if (defect("wrong_error_shape")) {
    cJSON_AddStringToObject(j, "error", msg);
  } else {
    /* warnings is optional (the SDKs read it when present): refapi omits it */
    cJSON *errs = cJSON_AddArrayToObject(j, "errors");
    cJSON_AddItemToArray(errs, cJSON_CreateString(msg));
  }
  reply_json(rp, status, j);
}

static bool iso_utc(const char *s) {
  /* YYYY-MM-DDTHH:MM:SS(.f+)?Z */
  const char *fmt = "dddd-dd-ddTdd:dd:dd";
  size_t i = 0;
  for (; fmt[i]; i++) {
    if (fmt[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != fmt[i]) return false;
  }
  if (s[i] == '.') {
    i++;
    if (!isdigit((unsigned char)s[i])) return false;
    while (isdigit((unsigned char)s[i]))
      i++;
  }
  return s[i] == 'Z' && s[i + 1] == '\0';
}

static bool is_native_channel(const char *ch) {
  static const char *const native[] = {"facebook-messenger", "amazon-alexa",
                                       "microsoft-bot-framework", "rasa", "samsung-bixby"};
  for (size_t i = 0; i < sizeof native / sizeof native[0]; i++)
    if (strcmp(ch, native[i]) == 0) return true;
  return false;
}

/* The single-channel defects: one platform's payloads refused. */
static bool native_refused(const char *ch, const cJSON *m) {
  if (!strcmp(ch, "amazon-alexa")) return defect("alexa_payload_refused");
  if (!strcmp(ch, "microsoft-bot-framework")) return defect("bot_framework_payload_refused");
  if (!strcmp(ch, "rasa")) return defect("rasa_payload_refused");
  if (!strcmp(ch, "facebook-messenger"))
    return cJSON_GetObjectItemCaseSensitive(m, "recipient") && defect("send_api_refused");
  return false;
}

/* An optional field of the universal format: absent, or of its type. */
static bool opt_string(const cJSON *o, const char *name) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
  return !v || cJSON_IsString(v) || defect("accept_wrong_types");
}

static bool opt_object(const cJSON *o, const char *name) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
  return !v || cJSON_IsObject(v) || defect("accept_wrong_types");
}

/* Returns NULL when valid, else a message naming the field (written to buf).
 * channel: the token's channel claim (its payload format). */
static const char *bot_validate(const cJSON *body, const char *channel, char *buf, size_t n) {
  bool naming = !defect("error_not_naming_field");
#define BAD(...)                                                                                   \
  do {                                                                                             \
    if (naming)                                                                                    \
      snprintf(buf, n, __VA_ARGS__);                                                               \
    else                                                                                           \
      snprintf(buf, n, "Invalid request");                                                         \
    return buf;                                                                                    \
  } while (0)
  if (!cJSON_IsObject(body)) BAD("The body must be a JSON object with a messages field");
  const cJSON *msgs = cJSON_GetObjectItemCaseSensitive(body, "messages");
  if (!msgs) BAD("messages is required");
  if (!cJSON_IsArray(msgs)) BAD("messages must be an array");
  int count = cJSON_GetArraySize(msgs);
  if (count == 0 && !defect("accept_empty_messages")) BAD("messages must not be empty");
  bool universal = !is_native_channel(channel) || defect("channel_payloads_refused");
  for (int i = 0; i < count; i++) {
    const cJSON *item = cJSON_GetArrayItem(msgs, i);
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(item, "message");
    if (!cJSON_IsObject(m)) BAD("messages[%d].message is required and must be an object", i);
    if (!universal && native_refused(channel, m))
      BAD("messages[%d].message: this %s payload is not supported", i, channel);
    if (!universal) continue; /* a platform payload: taken as the platform sent it */
    const cJSON *ts = cJSON_GetObjectItemCaseSensitive(m, "timestamp");
    if (!ts) BAD("messages[%d].message.timestamp is required", i);
    if (defect("ms_timestamps_refused")) {
      if (!cJSON_IsString(ts) || !iso_utc(ts->valuestring))
        BAD("messages[%d].message.timestamp must be ISO 8601 UTC", i);
    } else if (!cJSON_IsNumber(ts) && !defect("accept_bad_timestamp")) {
      /* a string timestamp may be accepted or refused: refapi refuses it */
      BAD("messages[%d].message.timestamp must be a number of milliseconds", i);
    }
    if (!opt_string(m, "id")) BAD("messages[%d].message.id must be a string", i);
    if (!opt_string(m, "locale")) BAD("messages[%d].message.locale must be a string", i);
    if (!opt_object(m, "thread")) BAD("messages[%d].message.thread must be an object", i);
    if (!opt_object(m, "conversation"))
      BAD("messages[%d].message.conversation must be an object", i);
    if (!opt_object(m, "recipient")) BAD("messages[%d].message.recipient must be an object", i);
    if (!opt_object(m, "content")) BAD("messages[%d].message.content must be an object", i);
    if (!opt_object(m, "event")) BAD("messages[%d].message.event must be an object", i);
    if (!opt_object(m, "reply_to")) BAD("messages[%d].message.reply_to must be an object", i);
    if (!opt_object(m, "context")) BAD("messages[%d].message.context must be an object", i);
    if (!opt_object(m, "nlu")) BAD("messages[%d].message.nlu must be an object", i);
    const cJSON *sender = cJSON_GetObjectItemCaseSensitive(m, "sender");
    if (!opt_object(m, "sender")) BAD("messages[%d].message.sender must be an object", i);
    if (!sender && defect("require_sender")) BAD("messages[%d].message.sender is required", i);
    if (sender && !opt_string(sender, "id"))
      BAD("messages[%d].message.sender.id must be a string", i);
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(sender, "type");
    if (type && !cJSON_IsString(type)) {
      BAD("messages[%d].message.sender.type must be a string", i);
    } else if (type && !defect("accept_any_sender_type")) {
      const char *t = type->valuestring;
      bool ok = strcmp(t, "user") == 0 || strcmp(t, "virtual-agent") == 0 ||
                (strcmp(t, "human-agent") == 0 && !defect("reject_human_agent"));
      if (!ok)
        BAD("messages[%d].message.sender.type must be user, virtual-agent or human-agent", i);
    }
    const cJSON *content = cJSON_GetObjectItemCaseSensitive(m, "content");
    const cJSON *texts = cJSON_GetObjectItemCaseSensitive(content, "texts");
    const cJSON *t;
    cJSON_ArrayForEach(t, texts) {
      if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(t, "text")) &&
          !defect("accept_wrong_types"))
        BAD("messages[%d].message.content.texts[].text must be a string", i);
    }
    if (defect("require_thread") && !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(m, "thread")))
      BAD("messages[%d].message.thread is required", i);
  }
  return NULL;
#undef BAD
}

static long bot_logged; /* messages logged, under state_lock */

static void bot_handle(req *r, reply *rp) {
  /* Plain HTTP never serves the API: a redirect with an error body. */
  if (!r->tls && !defect("http_serves_api")) {
    bot_error(rp, 301, "The API is served over HTTPS only");
    reply_header(rp, "Location", "https://127.0.0.1:%d%s", cfg.https_port,
                 r->raw_uri ? r->raw_uri : "/");
    return;
  }
  bool messages_path = route(r, "v2/messages");
  if (is_method(r, "OPTIONS") && r->nsegs > 0 && strcmp(r->segs[0], "v2") == 0) {
    if (defect("preflight_needs_auth") && !header(r, "Authorization")) {
      bot_error(rp, 401, "No authorization token was found");
      return;
    }
    if (defect("preflight_not_2xx")) {
      bot_error(rp, 405, "Method not allowed");
      return;
    }
    rp->status = 204;
    reply_header(rp, "Access-Control-Allow-Methods", "POST, OPTIONS");
    reply_header(rp, "Access-Control-Allow-Headers", "%s",
                 defect("preflight_missing_allow_headers") ? "Content-Type"
                                                           : "Authorization, Content-Type");
    reply_header(rp, "Access-Control-Max-Age", "600");
    return;
  }
  /* Authentication first: nothing about the API is revealed without a token. */
  const char *auth = header(r, "Authorization");
  const char *tok = NULL;
  /* Bearer, and the `Token` scheme of the channel pages' curl examples */
  if (auth && strncmp(auth, "Bearer ", 7) == 0) tok = auth + 7;
  if (auth && strncmp(auth, "Token ", 6) == 0) {
    if (defect("token_scheme_500")) {
      bot_error(rp, 500, "Failed to process the request.");
      return;
    }
    tok = auth + 6;
  }
  if (!auth && defect("accept_query_token")) tok = query(r, "access_token");
  if (!auth && !tok) {
    bot_error(rp, 401, "No authorization token was found");
    return;
  }
  if (!tok || !*tok || strchr(tok, ' ')) {
    bot_error(rp, 401, "The Authorization header must be: Bearer <JWT>");
    return;
  }
  const char *why = jwt_problem(tok);
  if (why) {
    bot_error(rp, 401, why);
    return;
  }
  if (!messages_path) {
    bot_error(rp, 404, "Not found");
    return;
  }
  if (!is_method(r, "POST")) {
    bot_error(rp, 404, "Not found");
    return;
  }
  if (r->too_big) {
    bot_error(rp, 400, "The body is too large");
    return;
  }
  if (!utf8_valid((unsigned char *)r->body, r->len) && !defect("accept_invalid_utf8")) {
    bot_error(rp, 400, "The body is not valid UTF-8");
    return;
  }
  cJSON *body = r->len ? cJSON_ParseWithLength(r->body, r->len) : NULL;
  if (!body) {
    if (defect("500_on_bad_json"))
      bot_error(rp, 500, "Internal server error");
    else
      bot_error(rp, 400, r->len ? "The body is not valid JSON" : "messages is required");
    return;
  }
  char msg[256], channel[64];
  jwt_channel(tok, channel, sizeof channel);
  const char *bad = bot_validate(body, channel, msg, sizeof msg);
  cJSON_Delete(body);
  if (bad) {
    bot_error(rp, 400, bad);
    return;
  }
  pthread_mutex_lock(&state_lock);
  bot_logged++;
  pthread_mutex_unlock(&state_lock);
  char id[40];
  random_hex(id, 12);
  cJSON *j = cJSON_CreateObject();
  cJSON_AddStringToObject(j, "request_id", id);
  reply_json(rp, defect("created_201") ? 201 : 200, j);
}

/* ---------- buddybuild ---------- */

typedef struct app {
  const char *id, *name, *platform;
  int builds; /* build_number of the last build */
} app;

static app apps[] = {
    {"64f1a2b3c4d5e6f708192a3b", "Refapi Weather (iOS)", "ios", 0},
    {"64f1a2b3c4d5e6f708192a3c", "Refapi Weather (Android)", "android", 0},
};

typedef struct build {
  char id[25];
  const app *app;
  char *branch;       /* owned */
  const char *scheme; /* the iOS scheme built ("" on Android) */
  const char *status;
  int number;
  long seq; /* creation order: newest = highest */
  char created_at[40];
  double done_at; /* a triggered build: monotonic second it succeeds; 0 = not running */
} build;

/* A triggered build runs this long, then succeeds (the shipped suite polls
 * GET /v1/builds/{id} until finished: true). */
#define BUILD_SECONDS 0.5

static double mono_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Caller holds state_lock: builds whose time has come are finished. */
static void settle_builds(void);

static build builds[MAX_BUILDS];
static int n_builds;
static long build_seq;

static const char *const STATUSES[] = {"cancelled", "failed", "queued", "running", "success"};

static app *find_app(const char *id) {
  for (size_t i = 0; i < sizeof apps / sizeof apps[0]; i++)
    if (strcmp(apps[i].id, id) == 0) return &apps[i];
  return NULL;
}

/* Caller holds state_lock. */
static build *add_build(app *a, const char *branch, const char *status, time_t when) {
  if (n_builds >= MAX_BUILDS) return NULL;
  build *b = &builds[n_builds++];
  random_hex(b->id, 12);
  b->app = a;
  b->branch = strdup(branch);
  b->status = status;
  b->scheme = strcmp(a->platform, "ios") == 0 ? "Weather" : "";
  b->number = ++a->builds;
  b->seq = ++build_seq;
  b->done_at = 0;
  if (when) {
    iso_time(when, 0, b->created_at, sizeof b->created_at);
  } else {
    iso_now(b->created_at, sizeof b->created_at);
    b->done_at = mono_now() + BUILD_SECONDS;
  }
  return b;
}

static void settle_builds(void) {
  double now = mono_now();
  for (int i = 0; i < n_builds; i++)
    if (builds[i].done_at && now >= builds[i].done_at) {
      builds[i].status = "success";
      builds[i].done_at = 0;
    }
}

static void seed_builds(void) {
  time_t t0 = time(NULL) - 86400;
  add_build(&apps[0], "master", "success", t0);
  add_build(&apps[0], "master", "failed", t0 + 60);
  add_build(&apps[0], "develop", "cancelled", t0 + 120);
  add_build(&apps[0], "develop", "running", t0 + 180);
  add_build(&apps[1], "master", "success", t0 + 240);
}

static void bb_error(reply *rp, int status, const char *msg) {
  cJSON *j = cJSON_CreateObject();
  cJSON_AddStringToObject(j, defect("error_key_message") ? "message" : "error", msg);
  reply_json(rp, status, j);
}

static cJSON *app_json(const app *a) {
  cJSON *j = cJSON_CreateObject();
  cJSON_AddStringToObject(j, "_id", a->id);
  cJSON_AddStringToObject(j, "app_name", a->name);
  cJSON_AddStringToObject(j, "platform",
                          defect("bad_platform") && strcmp(a->platform, "ios") == 0 ? "iphone"
                                                                                    : a->platform);
  return j;
}

static cJSON *build_json(const build *b) {
  bool finished = !strcmp(b->status, "success") || !strcmp(b->status, "failed") ||
                  !strcmp(b->status, "cancelled");
  cJSON *j = cJSON_CreateObject();
  cJSON_AddStringToObject(j, "_id", b->id);
  cJSON_AddStringToObject(j, "app_id", b->app->id);
  cJSON_AddStringToObject(j, "build_status", b->status);
  cJSON_AddNumberToObject(j, "build_number", b->number);
  cJSON_AddStringToObject(j, "created_at", b->created_at);
  cJSON_AddBoolToObject(j, "finished", finished);
  if (defect("commit_info_missing")) {
    cJSON_AddStringToObject(j, "branch", b->branch); /* the old reading: a top-level branch */
  } else {
    cJSON *ci = cJSON_AddObjectToObject(j, "commit_info");
    cJSON_AddStringToObject(ci, "branch", b->branch);
    cJSON_AddStringToObject(ci, "commit_sha", "9f2c1e0b7a6d5c4b3a29180f7e6d5c4b3a291807");
    cJSON_AddStringToObject(ci, "author", "Refapi Bot");
    cJSON_AddStringToObject(ci, "message", "Build it");
    cJSON_AddStringToObject(ci, "html_url", "https://git.example.com/refapi/commit/9f2c1e0");
    cJSON_AddArrayToObject(ci, "tags");
  }
  cJSON_AddStringToObject(j, "repo_url", "https://git.example.com/refapi/weather");
  if (!strcmp(b->status, "queued"))
    cJSON_AddNullToObject(j, "started_at");
  else
    cJSON_AddStringToObject(j, "started_at", b->created_at);
  if (finished)
    cJSON_AddStringToObject(j, "finished_at", b->created_at);
  else
    cJSON_AddNullToObject(j, "finished_at");
  cJSON *ts = cJSON_AddObjectToObject(j, "test_summary");
  cJSON_AddNumberToObject(ts, "tests_count", 0);
  cJSON *links = cJSON_AddObjectToObject(j, "links");
  cJSON_AddArrayToObject(links, "download");
  cJSON_AddArrayToObject(links, "install");
  return j;
}

/* Reads `branch` from a JSON or form body. Returns false (and fills rp) on a
 * client error; *branch is owned by the caller. */
static bool bb_body_branch(req *r, reply *rp, char **branch) {
  *branch = NULL;
  if (r->too_big) return bb_error(rp, 400, "The body is too large"), false;
  if (r->len == 0) return true;
  if (!utf8_valid((unsigned char *)r->body, r->len) && !defect("accept_invalid_utf8"))
    return bb_error(rp, 400, "The body must be UTF-8"), false;
  if (content_type_is(r, "application/x-www-form-urlencoded")) {
    if (defect("form_not_supported")) return bb_error(rp, 400, "Unsupported content type"), false;
    char *copy = strndup(r->body, r->len);
    char *save = NULL;
    bool ok = true;
    for (char *pair = strtok_r(copy, "&", &save); pair && ok; pair = strtok_r(NULL, "&", &save)) {
      char *eq = strchr(pair, '=');
      if (!eq) continue;
      *eq = '\0';
      char *name = pct_decode(pair, strlen(pair), true);
      char *value = pct_decode(eq + 1, strlen(eq + 1), true);
      if (value && defect("form_double_decode")) {
        char *again = pct_decode(value, strlen(value), true);
        if (again) free(value), value = again;
      }
      if (!name || !value) {
        ok = false;
      } else if (strcmp(name, "branch") == 0) {
        free(*branch);
        *branch = value;
        value = NULL;
      }
      free(name), free(value);
    }
    free(copy);
    if (!ok) return bb_error(rp, 400, "The form body is not valid"), false;
    return true;
  }
  if (!content_type_is(r, "application/json"))
    return bb_error(rp, 400, "Request bodies must be JSON or form-encoded"), false;
  cJSON *j = cJSON_ParseWithLength(r->body, r->len);
  if (!j || !cJSON_IsObject(j)) {
    cJSON_Delete(j);
    return bb_error(rp, 400, "The body is not a valid JSON object"), false;
  }
  const cJSON *b = cJSON_GetObjectItemCaseSensitive(j, "branch");
  if (b && !cJSON_IsString(b)) {
    cJSON_Delete(j);
    return bb_error(rp, 400, "branch must be a string"), false;
  }
  if (b) *branch = strdup(b->valuestring);
  cJSON_Delete(j);
  return true;
}

static bool valid_status(const char *s) {
  for (size_t i = 0; i < 5; i++)
    if (strcmp(STATUSES[i], s) == 0) return true;
  return false;
}

static int cmp_builds_newest(const void *a, const void *b) {
  const build *x = *(build *const *)a, *y = *(build *const *)b;
  long d = defect("oldest_first") ? x->seq - y->seq : y->seq - x->seq;
  return d < 0 ? -1 : d > 0;
}

static void bb_list_builds(req *r, reply *rp, app *a, bool latest) {
  const char *branch = query(r, "branch");
  const char *status = query(r, "status");
  const char *scheme = query(r, "scheme");
  const char *limit_s = latest ? NULL : query(r, "limit");
  long limit = cfg.default_limit;
  if (limit_s && !defect("ignore_limit")) {
    char *end = NULL;
    errno = 0;
    long v = strtol(limit_s, &end, 10);
    bool digits = limit_s[0] && strspn(limit_s, "0123456789") == strlen(limit_s);
    if (!digits || errno || v < 1 || v > 100) {
      if (!defect("accept_bad_limit")) return bb_error(rp, 400, "limit must be between 1 and 100");
      if (digits && v > 0) limit = v > 100 ? 100 : v;
    } else {
      limit = v;
    }
  } else if (defect("ignore_limit")) {
    limit = MAX_BUILDS;
  }
  if (status && !valid_status(status)) {
    if (!defect("accept_bad_status"))
      return bb_error(rp, 400, "status must be one of cancelled, failed, queued, running, success");
    status = NULL;
  }
  if (!latest && defect("ignore_status_filter")) status = NULL;
  if (latest && defect("latest_ignores_status")) status = NULL;
  if (latest && defect("latest_ignores_branch")) branch = NULL;
  if ((latest ? defect("latest_ignores_scheme") : defect("ignore_scheme_filter"))) scheme = NULL;
  build **sel = malloc(sizeof *sel * (size_t)(n_builds + 1));
  int n = 0;
  for (int i = 0; i < n_builds; i++) {
    build *b = &builds[i];
    if (b->app != a) continue;
    if (branch && strcmp(b->branch, branch) != 0) continue;
    if (status && strcmp(b->status, status) != 0) continue;
    if (scheme && strcmp(b->scheme, scheme) != 0) continue;
    sel[n++] = b;
  }
  qsort(sel, (size_t)n, sizeof *sel, cmp_builds_newest);
  if (latest) {
    if (n == 0)
      bb_error(rp, 404, "No build found");
    else
      reply_json(rp, 200, build_json(sel[0]));
  } else {
    cJSON *arr = cJSON_CreateArray();
    for (int i = 0; i < n && i < limit; i++)
      cJSON_AddItemToArray(arr, build_json(sel[i]));
    reply_json(rp, 200, arr);
  }
  free(sel);
}

static void bb_handle(req *r, reply *rp) {
  const char *auth = header(r, "Authorization");
  const char *tok = NULL;
  if (auth) {
    tok = strncmp(auth, "Bearer ", 7) == 0 ? auth + 7 : "";
  } else if (defect("accept_query_token")) {
    tok = query(r, "access_token");
  }
  if (!tok)
    return bb_error(rp, 401,
                    defect("wrong_no_token_message") ? "Unauthorized"
                                                     : "No authorization token was found");
  if (strcmp(tok, cfg.token) != 0)
    return bb_error(rp, 401,
                    defect("wrong_invalid_token_message") ? "Unauthorized"
                                                          : "Invalid authorization token");
  /* serve_unversioned: a server that routes /apps as if it were /v1/apps. */
  if (defect("serve_unversioned") && r->nsegs > 0 && strcmp(r->segs[0], "v1") != 0 &&
      r->nsegs < MAX_SEGS) {
    memmove(r->segs + 1, r->segs, sizeof r->segs[0] * (size_t)r->nsegs);
    r->segs[0] = strdup("v1");
    r->nsegs++;
  }
  if (r->bad_path || r->bad_query) return bb_error(rp, 400, "Malformed percent-encoding");

  /* Which route, then whether the method is served there. */
  enum { R_NONE, R_APPS, R_APP, R_BUILD, R_BUILDS, R_LATEST, R_ONE_BUILD } rt = R_NONE;
  const char *want = "GET";
  if (route(r, "v1/apps"))
    rt = R_APPS;
  else if (route(r, "v1/apps/*"))
    rt = R_APP;
  else if (route(r, "v1/apps/*/build"))
    rt = R_BUILD, want = "POST";
  else if (route(r, "v1/apps/*/builds"))
    rt = R_BUILDS;
  else if (route(r, "v1/apps/*/build/latest"))
    rt = R_LATEST;
  else if (route(r, "v1/builds/*"))
    rt = R_ONE_BUILD;
  if (rt == R_NONE) return bb_error(rp, 404, "Not found");
  if (!is_method(r, want) && !(is_method(r, "HEAD") && strcmp(want, "GET") == 0)) {
    if (defect("wrong_method_405")) return bb_error(rp, 405, "Method not allowed");
    if (!defect("wrong_method_200")) return bb_error(rp, 404, "Not found");
  }

  pthread_mutex_lock(&state_lock);
  settle_builds();
  app *a = (rt != R_APPS && rt != R_ONE_BUILD) ? find_app(r->segs[2]) : NULL;
  if (rt != R_APPS && rt != R_ONE_BUILD && !a) {
    if (rt == R_APP && defect("unknown_app_200")) {
      cJSON *j = cJSON_CreateObject();
      cJSON_AddStringToObject(j, "_id", r->segs[2]);
      reply_json(rp, 200, j);
    } else {
      bb_error(rp, 404, "App not found");
    }
  } else if (rt == R_APPS) {
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < sizeof apps / sizeof apps[0]; i++)
      cJSON_AddItemToArray(arr, app_json(&apps[i]));
    reply_json(rp, 200, arr);
  } else if (rt == R_APP) {
    reply_json(rp, 200, app_json(a));
  } else if (rt == R_BUILD) {
    char *branch = NULL;
    if (r->len == 0 && defect("body_required")) {
      bb_error(rp, 400, "branch is required");
    } else if (bb_body_branch(r, rp, &branch)) {
      build *b = add_build(a, branch ? branch : "master", "queued", 0);
      if (!b) {
        bb_error(rp, 503, "Too many builds");
      } else {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "build_id", b->id);
        reply_json(rp, 201, j);
      }
    }
    free(branch);
  } else if (rt == R_BUILDS || rt == R_LATEST) {
    bb_list_builds(r, rp, a, rt == R_LATEST);
  } else {
    build *found = NULL;
    for (int i = 0; i < n_builds; i++)
      if (strcmp(builds[i].id, r->segs[2]) == 0) found = &builds[i];
    if (found)
      reply_json(rp, 200, build_json(found));
    else
      bb_error(rp, defect("unknown_build_500") ? 500 : 404, "Build not found");
  }
  pthread_mutex_unlock(&state_lock);
}

/* ---------- BitPaket ---------- */

typedef struct object {
  char id[37];
  char *name; /* owned */
  size_t size;
  char sha256[65];
  char mime[96];
  char created_on[40], updated_on[40];
  time_t created_ts, updated_ts;
  int version;
  bool live;
} object;

static object objects[MAX_OBJECTS];
static int n_objects;
static time_t window_start;
static long window_count;
static long last_remaining;

static void bp_error(reply *rp, int status, int code, const char *msg, bool domain_data) {
  cJSON *j = cJSON_CreateObject();
  cJSON_AddFalseToObject(j, "success");
  cJSON *e = cJSON_AddObjectToObject(j, "error");
  cJSON_AddNumberToObject(e, "code", code);
  cJSON_AddStringToObject(e, "message", msg);
  if (domain_data) {
    cJSON *d = cJSON_AddObjectToObject(e, "data");
    cJSON_AddNullToObject(d, "domain");
  } else {
    cJSON_AddNullToObject(e, "data");
  }
  reply_json(rp, status, j);
}

static void bp_auth_error(reply *rp) {
  bp_error(rp, 401, defect("wrong_401_code") ? 401 : 10401,
           defect("wrong_401_message") ? "Unauthorized" : "The access token is invalid", true);
}

static void bp_upload_error(reply *rp, int status, const char *ns, const char *msg) {
  if (defect("upload_wrong_error_shape")) {
    bp_error(rp, status, status, msg, false);
    return;
  }
  cJSON *j = cJSON_CreateObject();
  cJSON_AddFalseToObject(j, "success");
  cJSON *e = cJSON_AddObjectToObject(j, "error");
  cJSON_AddStringToObject(e, "ns", ns);
  cJSON_AddNumberToObject(e, "code", status);
  cJSON_AddStringToObject(e, "message", msg);
  reply_json(rp, status, j);
}

static cJSON *bp_success(cJSON *data) {
  cJSON *j = cJSON_CreateObject();
  cJSON_AddTrueToObject(j, "success");
  cJSON_AddItemToObject(j, "data", data);
  return j;
}

static bool bp_authorized(req *r) {
  const char *auth = header(r, "Authorization");
  const char *tok = NULL;
  if (auth && strncmp(auth, "Bearer ", 7) == 0) tok = auth + 7;
  if (!auth && defect("accept_query_token")) tok = query(r, "access_token");
  return tok && strcmp(tok, cfg.token) == 0;
}

/* Counts the request against the window; true when over the limit. */
static bool bp_rate_limited(void) {
  pthread_mutex_lock(&state_lock);
  time_t now = time(NULL);
  if (now >= window_start + cfg.rate_window) window_start = now, window_count = 0;
  window_count++;
  long remaining = cfg.rate_limit - window_count;
  last_remaining = remaining < 0 ? 0 : remaining;
  bool over = window_count > cfg.rate_limit;
  pthread_mutex_unlock(&state_lock);
  return over && !defect("no_429");
}

static object *find_object(const char *field, const char *value) {
  for (int i = 0; i < n_objects; i++) {
    if (!objects[i].live) continue;
    const char *v = strcmp(field, "id") == 0 ? objects[i].id : objects[i].name;
    if (strcmp(v, value) == 0) return &objects[i];
  }
  return NULL;
}

static void sha256_hex(const char *data, size_t n, char out[65]) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data, n, md, &len, EVP_sha256(), NULL);
  for (unsigned int i = 0; i < len && i < 32; i++)
    sprintf(out + 2 * i, "%02x", md[i]);
  out[64] = '\0';
}

/* The metadata document (M) of docs/api/getting-metadata.md. */
static cJSON *object_metadata(const object *o) {
  cJSON *d = cJSON_CreateObject();
  cJSON_AddStringToObject(d, "object_id", o->id);
  cJSON *p = cJSON_AddObjectToObject(d, "properties");
  size_t size = o->size + (defect("wrong_size") ? 1 : 0);
  char pretty[32];
  snprintf(pretty, sizeof pretty, "%zu B", size);
  cJSON_AddStringToObject(p, "name", o->name);
  cJSON_AddNumberToObject(p, "size", (double)size);
  cJSON_AddStringToObject(p, "size_pretty", pretty);
  cJSON_AddStringToObject(p, "hash", o->sha256);
  cJSON_AddStringToObject(p, "hash_type", "SHA256");
  cJSON_AddNullToObject(p, "description");
  cJSON_AddStringToObject(p, "mime_type", o->mime);
  cJSON_AddFalseToObject(p, "is_sealed");
  cJSON_AddFalseToObject(p, "is_secure");
  cJSON_AddFalseToObject(p, "is_streamable");
  cJSON_AddFalseToObject(p, "is_block");
  cJSON_AddFalseToObject(p, "is_versioned");
  cJSON_AddNumberToObject(p, "version", o->version);
  char rev[17];
  snprintf(rev, sizeof rev, "%.16s", o->sha256);
  cJSON_AddStringToObject(p, "revision", rev);
  cJSON_AddStringToObject(p, "created_on", o->created_on);
  cJSON_AddStringToObject(p, "updated_on", o->updated_on);
  if (!defect("no_unix_timestamps")) {
    cJSON_AddNumberToObject(p, "created_on_ts", (double)o->created_ts);
    cJSON_AddNumberToObject(p, "updated_on_ts", (double)o->updated_ts);
  }
  cJSON_AddObjectToObject(d, "deploy");
  cJSON_AddNullToObject(d, "tags");
  cJSON *urls = cJSON_AddObjectToObject(d, "urls");
  char url[256];
  snprintf(url, sizeof url, "https://cdn.refapi.example/%s", o->name);
  cJSON_AddStringToObject(urls, "url", url);
  cJSON_AddArrayToObject(urls, "domains");
  cJSON_AddNullToObject(d, "media");
  cJSON_AddArrayToObject(d, "blocks");
  return d;
}

/* The first reading of the docs: a flat summary instead of M. */
static cJSON *object_summary(const object *o) {
  cJSON *d = cJSON_CreateObject();
  cJSON_AddStringToObject(d, "object_id", o->id);
  cJSON_AddStringToObject(d, "name", o->name);
  cJSON_AddNumberToObject(d, "size", (double)o->size);
  cJSON_AddStringToObject(d, "created_at", o->created_on);
  return d;
}

static void bp_route(req *r, reply *rp) {
  /* Only /v2 routes; the defects re-route other prefixes. */
  bool versioned = r->nsegs > 0 && strcmp(r->segs[0], "v2") == 0;
  if (!versioned && r->nsegs > 0) {
    bool reroute = (strcmp(r->segs[0], "v1") == 0 && defect("accept_v1"));
    if (reroute) {
      free(r->segs[0]);
      r->segs[0] = strdup("v2");
      versioned = true;
    } else if (r->nsegs < MAX_SEGS &&
               (defect("accept_unversioned") ||
                (defect("accept_header_version") &&
                 ((header(r, "Accept-Version") && strcmp(header(r, "Accept-Version"), "2") == 0) ||
                  (header(r, "X-API-Version") && strcmp(header(r, "X-API-Version"), "2") == 0))))) {
      memmove(r->segs + 1, r->segs, sizeof r->segs[0] * (size_t)r->nsegs);
      r->segs[0] = strdup("v2");
      r->nsegs++;
      versioned = true;
    }
  }
  if (!versioned || r->bad_path) return bp_error(rp, 404, 404, "Not found", false);
  if (defect("require_user_agent")) {
    const char *ua = header(r, "User-Agent");
    if (!ua || !*ua) return bp_error(rp, 400, 400, "User-Agent is required", false);
  }

  if (route(r, "v2/metadata") && is_method(r, "GET")) {
    /* Public: the documentation's own example calls it without a token. */
    char now[40];
    iso_now(now, sizeof now);
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "version", "2");
    cJSON_AddStringToObject(d, "server_time", now);
    reply_json(rp, 200, bp_success(d));
    if (!defect("no_etag")) reply_header(rp, "ETag", "W/\"refapi-v2-%ld\"", (long)time(NULL) / 60);
    return;
  }
  if (route(r, "v2/object/*") && is_method(r, "PUT")) {
    if (!bp_authorized(r))
      return bp_upload_error(rp, 401, "ERR_INVALID_AUTH_TOKEN_OR_PAKET_NOT_FOUND",
                             "Invalid Auth Token or Paket is not active");
    if (r->too_big)
      return bp_upload_error(rp, 400, "ERR_OBJECT_TOO_LARGE", "The object is too large");
    const char *name = r->segs[2];
    /* X-Bit-Overwrite is an integer flag: 1 replaces, anything else does not. */
    const char *ow = header(r, "X-Bit-Overwrite");
    bool overwrite = ow && strcmp(ow, defect("overwrite_needs_true") ? "true" : "1") == 0;
    if (defect("overwrite_ignored")) overwrite = false;
    if (defect("overwrite_any_value") && ow && *ow) overwrite = true;
    if (defect("overwrite_without_header")) overwrite = true;
    const char *verify = header(r, "X-Verify-SHA256");
    char sum[65];
    sha256_hex(r->body, r->len, sum);
    if (verify && strcasecmp(verify, sum) != 0 && !defect("ignore_verify_sha256"))
      return bp_upload_error(rp, 400, "ERR_WRONG_DATA_MANIPULATION",
                             "The data does not match X-Verify-SHA256");
    pthread_mutex_lock(&state_lock);
    object *o = find_object("name", name);
    if (o && !overwrite) {
      pthread_mutex_unlock(&state_lock);
      if (defect("exists_ns_shape"))
        return bp_upload_error(rp, 400, "ERR_OBJECT_EXISTS", "Object already exists");
      cJSON *j = cJSON_CreateObject();
      cJSON_AddFalseToObject(j, "success");
      cJSON *e = cJSON_AddObjectToObject(j, "error");
      cJSON_AddNumberToObject(e, "code", 10209);
      cJSON_AddStringToObject(e, "message", "Object already exists");
      cJSON_AddObjectToObject(e, "data");
      return reply_json(rp, 400, j);
    }
    if (!o && n_objects >= MAX_OBJECTS) {
      pthread_mutex_unlock(&state_lock);
      return bp_upload_error(rp, 503, "ERR_STORAGE_FULL", "Storage is full");
    }
    time_t now = time(NULL);
    if (!o) {
      o = &objects[n_objects++];
      random_uuid(o->id);
      o->name = strdup(name);
      o->live = true;
      o->version = 0;
      o->created_ts = now;
      iso_now(o->created_on, sizeof o->created_on);
    }
    o->size = r->len;
    o->version++;
    memcpy(o->sha256, sum, sizeof sum);
    const char *mime = header(r, "X-Bit-Content-Type");
    if (!mime) mime = header(r, "Content-Type");
    snprintf(o->mime, sizeof o->mime, "%s", mime ? mime : "application/octet-stream");
    o->updated_ts = now;
    iso_now(o->updated_on, sizeof o->updated_on);
    reply_json(rp, 201,
               bp_success(defect("upload_summary_only") ? object_summary(o) : object_metadata(o)));
    if (!defect("no_sha256_header")) reply_header(rp, "X-SHA256", "%s", o->sha256);
    reply_header(rp, "X-Object-ID", "%s", o->id);
    pthread_mutex_unlock(&state_lock);
    return;
  }
  bool meta = route(r, "v2/metadata/*") && is_method(r, "GET");
  bool del = route(r, "v2/delete/*") && is_method(r, "DELETE");
  if (!meta && !del) {
    if (!bp_authorized(r)) return bp_auth_error(rp);
    return bp_error(rp, 404, 404, "Not found", false);
  }
  if (!bp_authorized(r)) return bp_auth_error(rp);
  if (del) {
    const char *secret = query(r, "client_secret");
    if (!secret && r->len > 0) {
      cJSON *j = cJSON_ParseWithLength(r->body, r->len);
      if (!j || !cJSON_IsObject(j) || !utf8_valid((unsigned char *)r->body, r->len)) {
        cJSON_Delete(j);
        return bp_error(rp, 400, 400, "The body is not a valid JSON object", false);
      }
      const cJSON *s = cJSON_GetObjectItemCaseSensitive(j, "client_secret");
      static __thread char buf[256];
      if (cJSON_IsString(s) && !defect("client_secret_body_ignored")) {
        snprintf(buf, sizeof buf, "%s", s->valuestring);
        secret = buf;
      }
      cJSON_Delete(j);
    }
    if (!secret && !defect("client_secret_optional"))
      return bp_error(rp, 400, 400, "client_secret is required", false);
    if (secret && strcmp(secret, cfg.client_secret) != 0 && !defect("wrong_client_secret_ok"))
      return bp_error(rp, 401, 10402, "The client secret is invalid", false);
  }
  pthread_mutex_lock(&state_lock);
  object *o = find_object("id", r->segs[2]);
  if (!o && del && cfg.unknown_delete_200) {
    /* A conformant alternative: 200 with the id under data.objects.invalid. */
    cJSON *d = cJSON_CreateObject();
    cJSON *objs = cJSON_AddObjectToObject(d, "objects");
    cJSON *valid = cJSON_AddObjectToObject(objs, "valid");
    cJSON_AddArrayToObject(valid, "object_ids");
    cJSON *invalid = cJSON_AddArrayToObject(objs, "invalid");
    cJSON_AddItemToArray(invalid, cJSON_CreateString(r->segs[2]));
    reply_json(rp, 200, bp_success(d));
  } else if (!o) {
    bp_error(rp, 404, 404, "Object not found", false);
  } else if (meta) {
    reply_json(rp, 200, bp_success(object_metadata(o)));
  } else {
    o->live = false;
    cJSON *d = cJSON_CreateObject();
    if (defect("old_delete_shape")) {
      cJSON_AddStringToObject(d, "object_id", o->id);
    } else {
      cJSON *objs = cJSON_AddObjectToObject(d, "objects");
      cJSON *valid = cJSON_AddObjectToObject(objs, "valid");
      cJSON *ids = cJSON_AddArrayToObject(valid, "object_ids");
      cJSON_AddItemToArray(ids, cJSON_CreateString(o->id));
      cJSON_AddArrayToObject(objs, "invalid");
    }
    reply_json(rp, 200, bp_success(d));
  }
  pthread_mutex_unlock(&state_lock);
}

static void bp_handle(req *r, reply *rp) {
  if (bp_rate_limited())
    bp_error(rp, 429, 429, "Too many requests", false);
  else
    bp_route(r, rp);
  if (rp->status >= 400 && defect("missing_ratelimit_on_errors")) return;
  long remaining;
  time_t reset;
  pthread_mutex_lock(&state_lock);
  remaining = last_remaining;
  reset = window_start + cfg.rate_window;
  pthread_mutex_unlock(&state_lock);
  reply_header(rp, "X-RateLimit-Limit", "%ld", cfg.rate_limit);
  reply_header(rp, "X-RateLimit-Remaining", "%ld", remaining);
  reply_header(rp, "X-RateLimit-Reset", "%ld",
               defect("relative_ratelimit_reset") ? (long)(reset - time(NULL)) : (long)reset);
  if (!defect("no_request_id")) {
    char id[65];
    random_hex(id, 24);
    reply_header(rp, "X-Request-Id", "%s", id);
  }
  reply_header(rp, "Vary", "Origin");
}

/* ---------- RPC (Postal's legacy API: Moonrope <= 3.3.0, Rails >= 3.3.1) ---------- */

typedef struct message {
  int id;
  char token[17];
  char rcpt[160], mail_from[160], subject[160], message_id[96];
  char plain[256];
  double created;
} message;

static message messages[MAX_MESSAGES];
static int n_messages;
/* A message is Pending this long, then Sent (the suite polls for Sent). */
#define SEND_SECONDS 0.3

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The envelope; takes data and flags. auth_error: Moonrope built those
 * answers without a start time, so its `time` is null. */
static void rpc_reply(reply *rp, const char *status, cJSON *data, cJSON *flags, double started,
                      bool auth_error) {
  int http = 200;
  if (strcmp(status, "success") != 0 && defect("http_400_on_error")) http = 400;
  cJSON *j = cJSON_CreateObject();
  cJSON_AddStringToObject(j, "status", status);
  if (auth_error && !cfg.rpc_rails)
    cJSON_AddNullToObject(j, "time");
  else if (!defect("missing_time"))
    cJSON_AddNumberToObject(j, "time", now_seconds() - started);
  cJSON_AddItemToObject(j, "flags", flags ? flags : cJSON_CreateObject());
  cJSON_AddItemToObject(j, "data", data ? data : cJSON_CreateObject());
  reply_json(rp, http, j);
}

/* status error; extra (owned, may be NULL) holds the error's attributes. */
static void rpc_error(reply *rp, const char *code, const char *msg, cJSON *extra, double started) {
  cJSON *d = extra ? extra : cJSON_CreateObject();
  cJSON_AddStringToObject(d, "code", code);
  if (msg) cJSON_AddStringToObject(d, "message", msg);
  rpc_reply(rp, "error", d, NULL, started, false);
}

static void rpc_param_error(reply *rp, const char *msg, double started) {
  if (defect("parameter_error_as_error"))
    return rpc_error(rp, "ParameterError", msg, NULL, started);
  cJSON *d = cJSON_CreateObject();
  cJSON_AddStringToObject(d, "message", msg);
  rpc_reply(rp, "parameter-error", d, NULL, started, false);
}

static const char *json_type_name(const cJSON *v) {
  if (cJSON_IsString(v)) return "String";
  if (cJSON_IsNumber(v))
    return v->valuedouble == (double)(long)v->valuedouble ? "Integer" : "Float";
  if (cJSON_IsBool(v)) return "Boolean";
  if (cJSON_IsArray(v)) return "Array";
  if (cJSON_IsObject(v)) return "Hash";
  return "NilClass";
}

/* Transport-level answers (not the envelope). */
static void rpc_bad_json(reply *rp, const char *details) {
  if (defect("invalid_json_200")) {
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "details", details);
    return rpc_reply(rp, "invalid-json", d, NULL, now_seconds(), false);
  }
  if (cfg.rpc_rails) { /* a Rails 400 */
    cJSON *j = cJSON_CreateObject();
    cJSON_AddNumberToObject(j, "status", 400);
    cJSON_AddStringToObject(j, "error", "Bad Request");
    return reply_json(rp, 400, j);
  }
  cJSON *j = cJSON_CreateObject();
  cJSON_AddStringToObject(j, "status", "invalid-json");
  cJSON_AddStringToObject(j, "details", details);
  reply_json(rp, 400, j);
}

static void rpc_no_route(req *r, reply *rp) {
  if (defect("unknown_action_200"))
    return rpc_error(rp, "InvalidControllerOrAction", "No such action", NULL, now_seconds());
  if (!cfg.rpc_rails) {
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "status", "invalid-controller-or-action");
    return reply_json(rp, 400, j);
  }
  const char *accept = header(r, "Accept");
  if (accept && strstr(accept, "json")) {
    cJSON *j = cJSON_CreateObject();
    cJSON_AddNumberToObject(j, "status", 404);
    cJSON_AddStringToObject(j, "error", "Not Found");
    return reply_json(rp, 404, j);
  }
  rp->status = 404;
  rp->body = strdup("<!DOCTYPE html><html><body><h1>The page you were looking for doesn't "
                    "exist.</h1></body></html>");
  rp->content_type = "text/html; charset=utf-8";
}

/* Parses JSON parameters text: an object (owned), or NULL after answering. */
static cJSON *rpc_parse_params(const char *text, size_t n, reply *rp) {
  cJSON *j = cJSON_ParseWithLength(text, n);
  if (!j) {
    rpc_bad_json(rp, "JSON::ParserError: unexpected token");
    return NULL;
  }
  if (!cJSON_IsObject(j)) {
    cJSON_Delete(j);
    if (defect("array_body_500")) {
      cJSON *e = cJSON_CreateObject();
      cJSON_AddStringToObject(e, "status", "internal-server-error");
      reply_json(rp, 500, e);
      return NULL;
    }
    /* Moonrope (here) refuses it like malformed JSON; Rails reads no parameters. */
    if (!cfg.rpc_rails) {
      rpc_bad_json(rp, "The parameters must be a JSON object");
      return NULL;
    }
    return cJSON_CreateObject();
  }
  return j;
}

/* The `params` field of a form body (owned, decoded), or NULL. */
static char *form_field(const char *body, size_t len, const char *name) {
  char *copy = strndup(body, len), *save = NULL, *found = NULL;
  for (char *pair = strtok_r(copy, "&", &save); pair && !found; pair = strtok_r(NULL, "&", &save)) {
    char *eq = strchr(pair, '=');
    if (!eq) continue;
    *eq = '\0';
    char *k = pct_decode(pair, strlen(pair), true);
    if (k && strcmp(k, name) == 0) found = pct_decode(eq + 1, strlen(eq + 1), true);
    free(k);
  }
  free(copy);
  return found;
}

/* The action's parameters (owned object), or NULL after answering: a JSON
 * body, a form body's `params` field, or a `params` query field; a body of
 * any other type is not read. null (and, under Moonrope, "") is absent. */
static cJSON *rpc_params(req *r, reply *rp) {
  cJSON *p = NULL;
  if (r->len > 0 && !utf8_valid((unsigned char *)r->body, r->len)) {
    rpc_bad_json(rp, "The body is not UTF-8");
    return NULL;
  }
  if (content_type_is(r, "application/json")) {
    if (r->len == 0) {
      if (cfg.rpc_rails) return rpc_bad_json(rp, "empty body"), NULL;
      p = cJSON_CreateObject();
    } else if (!(p = rpc_parse_params(r->body, r->len, rp))) {
      return NULL;
    }
  } else if (content_type_is(r, "application/x-www-form-urlencoded") &&
             !defect("form_params_refused")) {
    char *f = form_field(r->body, r->len, "params");
    if (f && !(p = rpc_parse_params(f, strlen(f), rp))) {
      free(f);
      return NULL;
    }
    free(f);
  } else if (r->len > 0 && defect("other_content_type_400")) {
    return rpc_bad_json(rp, "Unsupported content type"), NULL;
  }
  if (!p && query(r, "params") && !defect("query_params_refused")) {
    const char *q = query(r, "params");
    if (!(p = rpc_parse_params(q, strlen(q), rp))) return NULL;
  }
  if (!p) p = cJSON_CreateObject();
  if (!defect("nulls_refused")) {
    cJSON *it = p->child;
    while (it) {
      cJSON *next = it->next;
      if (cJSON_IsNull(it) || (!cfg.rpc_rails && cJSON_IsString(it) && !it->valuestring[0]))
        cJSON_Delete(cJSON_DetachItemViaPointer(p, it));
      it = next;
    }
  }
  return p;
}

/* A string parameter: false (after answering) when present but not a string. */
static bool rpc_str(const cJSON *p, const char *name, const char **out, reply *rp, double t0) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, name);
  *out = NULL;
  if (!v) return true;
  if (!cJSON_IsString(v)) {
    char msg[160];
    snprintf(msg, sizeof msg, "`%s` should be a `String` but is a `%s`", name, json_type_name(v));
    rpc_param_error(rp, msg, t0);
    return false;
  }
  *out = v->valuestring;
  return true;
}

/* Addresses of to/cc/bcc into out (owned array of strings): an array of
 * strings; Rails also splits a string at commas. false after answering. */
static bool rpc_addresses(const cJSON *p, const char *name, cJSON *out, reply *rp, double t0) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, name);
  if (!v) return true;
  if (cJSON_IsString(v) && cfg.rpc_rails) {
    char *copy = strdup(v->valuestring), *save = NULL;
    for (char *a = strtok_r(copy, ",", &save); a; a = strtok_r(NULL, ",", &save)) {
      while (*a == ' ')
        a++;
      if (*a) cJSON_AddItemToArray(out, cJSON_CreateString(a));
    }
    free(copy);
    return true;
  }
  bool ok = cJSON_IsArray(v);
  const cJSON *it;
  cJSON_ArrayForEach(it, v) {
    if (!cJSON_IsString(it)) ok = false;
  }
  if (!ok) {
    char msg[160];
    snprintf(msg, sizeof msg, "`%s` should be a `Array` but is a `%s`", name, json_type_name(v));
    rpc_param_error(rp, msg, t0);
    return false;
  }
  cJSON_ArrayForEach(it, v) {
    cJSON_AddItemToArray(out, cJSON_CreateString(it->valuestring));
  }
  return true;
}

/* "Ann <ann@x.example>" -> "ann@x.example" (the display name stripped). */
static void bare_address(const char *a, char *out, size_t n) {
  const char *lt = strchr(a, '<'), *gt = lt ? strchr(lt, '>') : NULL;
  if (lt && gt && !defect("display_name_kept"))
    snprintf(out, n, "%.*s", (int)(gt - lt - 1), lt + 1);
  else
    snprintf(out, n, "%s", a);
}

/* The server's verified domains: every domain but .invalid ones and
 * unauthorised.example. */
static bool domain_authenticated(const char *address) {
  char bare[256];
  bare_address(address, bare, sizeof bare);
  const char *at = strrchr(bare, '@');
  if (!at) return false;
  const char *dom = at + 1;
  size_t n = strlen(dom);
  if (n >= 8 && strcasecmp(dom + n - 8, ".invalid") == 0) return false;
  if (strcasecmp(dom, "invalid") == 0) return false;
  return strcasecmp(dom, "unauthorised.example") != 0;
}

/* Stores one message per distinct recipient; fills data.messages. Caller
 * holds no lock. */
static void rpc_queue(cJSON *data, const cJSON *rcpts, const char *from, const char *subject,
                      const char *plain) {
  char uuid[37], mid[64];
  random_uuid(uuid);
  snprintf(mid, sizeof mid, "%s@refapi.example", uuid);
  cJSON_AddStringToObject(data, "message_id", mid);
  cJSON *map = cJSON_AddObjectToObject(data, "messages");
  const cJSON *it;
  pthread_mutex_lock(&state_lock);
  cJSON_ArrayForEach(it, rcpts) {
    char bare[160];
    bare_address(it->valuestring, bare, sizeof bare);
    if (cJSON_GetObjectItemCaseSensitive(map, bare) || n_messages >= MAX_MESSAGES) continue;
    message *m = &messages[n_messages++];
    memset(m, 0, sizeof *m);
    m->id = 1000 + n_messages;
    random_hex(m->token, 8);
    snprintf(m->rcpt, sizeof m->rcpt, "%s", bare);
    snprintf(m->mail_from, sizeof m->mail_from, "%s", from ? from : "");
    snprintf(m->subject, sizeof m->subject, "%s", subject ? subject : "");
    snprintf(m->plain, sizeof m->plain, "%s", plain ? plain : "");
    snprintf(m->message_id, sizeof m->message_id, "%s", mid);
    m->created = now_seconds();
    cJSON *e = cJSON_CreateObject();
    cJSON_AddNumberToObject(e, "id", m->id);
    cJSON_AddStringToObject(e, "token", m->token);
    cJSON_AddItemToObject(map, bare, e);
  }
  pthread_mutex_unlock(&state_lock);
}

static void rpc_send_message(const cJSON *p, reply *rp, double t0) {
  if (defect("unknown_param_refused")) {
    static const char *const known[] = {
        "to",       "cc",         "bcc",       "from",        "sender",  "subject", "tag",
        "reply_to", "plain_body", "html_body", "attachments", "headers", "bounce",  NULL};
    for (const cJSON *it = p->child; it; it = it->next) {
      bool ok = false;
      for (int i = 0; known[i] && !ok; i++)
        ok = !strcmp(known[i], it->string);
      if (!ok) {
        char msg[160];
        snprintf(msg, sizeof msg, "`%s` is not a parameter of this action", it->string);
        return rpc_param_error(rp, msg, t0);
      }
    }
  }
  const char *from = NULL, *sender = NULL, *subject = NULL, *plain = NULL, *html = NULL,
             *tag = NULL, *reply_to = NULL;
  if (!rpc_str(p, "from", &from, rp, t0) || !rpc_str(p, "sender", &sender, rp, t0) ||
      !rpc_str(p, "subject", &subject, rp, t0) || !rpc_str(p, "tag", &tag, rp, t0) ||
      !rpc_str(p, "reply_to", &reply_to, rp, t0) || !rpc_str(p, "plain_body", &plain, rp, t0) ||
      !rpc_str(p, "html_body", &html, rp, t0))
    return;
  cJSON *to = cJSON_CreateArray(), *cc = cJSON_CreateArray(), *bcc = cJSON_CreateArray();
  cJSON *all = NULL;
  if (!rpc_addresses(p, "to", to, rp, t0) || !rpc_addresses(p, "cc", cc, rp, t0) ||
      !rpc_addresses(p, "bcc", bcc, rp, t0))
    goto done;
  if (defect("to_required") && cJSON_GetArraySize(to) == 0) {
    rpc_param_error(rp, "`to` parameter is required but is missing", t0);
    goto done;
  }
  int n_to = cJSON_GetArraySize(to), n_cc = cJSON_GetArraySize(cc), n_bcc = cJSON_GetArraySize(bcc);
  bool content = (plain && *plain) || (html && *html);
  if (defect("error_order") && !content) {
    rpc_error(rp, "NoContent", "There is no content defined for this e-mail", NULL, t0);
    goto done;
  }
  if (n_to + n_cc + n_bcc == 0) {
    rpc_error(rp, "NoRecipients", "There are no recipients defined to receive this message", NULL,
              t0);
    goto done;
  }
  if ((n_to > 50 || n_cc > 50 || n_bcc > 50) && !defect("no_address_limit")) {
    const char *code = n_to > 50   ? "TooManyToAddresses"
                       : n_cc > 50 ? "TooManyCCAddresses"
                                   : "TooManyBCCAddresses";
    rpc_error(rp, code, "The maximum number of addresses has been exceeded (maximum 50)", NULL, t0);
    goto done;
  }
  if (!content) {
    rpc_error(rp, "NoContent", "There is no content defined for this e-mail", NULL, t0);
    goto done;
  }
  if (!from || !*from) {
    rpc_error(rp, "FromAddressMissing", "The From address is missing and is required", NULL, t0);
    goto done;
  }
  if (!domain_authenticated(from) && !defect("from_not_checked")) {
    cJSON *x = cJSON_CreateObject();
    rpc_error(rp, "UnauthenticatedFromAddress",
              "The From address is not authorised to send mail from this server", x, t0);
    goto done;
  }
  const cJSON *atts = cJSON_GetObjectItemCaseSensitive(p, "attachments"), *a;
  cJSON_ArrayForEach(a, atts) {
    if (!cJSON_IsObject(a) || defect("attachments_unchecked"))
      continue; /* entries that are not objects are ignored */
    if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(a, "name"))) {
      rpc_error(rp, "AttachmentMissingName", "An attachment is missing a name", NULL, t0);
      goto done;
    }
    if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(a, "data"))) {
      rpc_error(rp, "AttachmentMissingData", "An attachment is missing data", NULL, t0);
      goto done;
    }
  }
  all = cJSON_CreateArray();
  const cJSON *lists[] = {to, cc, bcc}, *it;
  for (int i = 0; i < (defect("only_to_recipients") ? 1 : 3); i++)
    cJSON_ArrayForEach(it, lists[i]) {
      cJSON_AddItemToArray(all, cJSON_CreateString(it->valuestring));
    }
  cJSON *data = cJSON_CreateObject();
  rpc_queue(data, all, from, subject, plain);
  rpc_reply(rp, "success", data, NULL, t0, false);
done:
  cJSON_Delete(to), cJSON_Delete(cc), cJSON_Delete(bcc), cJSON_Delete(all);
}

/* The From: header of an RFC 2822 message's head (copied), or "" */
static void raw_from(const char *msg, size_t n, char *out, size_t cap) {
  out[0] = '\0';
  const char *p = msg, *end = msg + n;
  while (p < end) {
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    size_t len = eol ? (size_t)(eol - p) : (size_t)(end - p);
    if (len && p[len - 1] == '\r') len--;
    if (len == 0) break; /* end of the head */
    if (len > 5 && strncasecmp(p, "From:", 5) == 0) {
      const char *v = p + 5;
      while (*v == ' ' && v < p + len)
        v++;
      snprintf(out, cap, "%.*s", (int)(p + len - v), v);
      return;
    }
    if (!eol) break;
    p = eol + 1;
  }
}

static void rpc_send_raw(const cJSON *p, reply *rp, double t0) {
  static const char *const req_names[] = {"mail_from", "rcpt_to", "data"};
  for (int i = 0; i < 3; i++)
    if (!cJSON_GetObjectItemCaseSensitive(p, req_names[i])) {
      char msg[96];
      snprintf(msg, sizeof msg, "`%s` parameter is required but is missing", req_names[i]);
      return rpc_param_error(rp, msg, t0);
    }
  const char *mail_from = NULL, *data64 = NULL;
  if (!rpc_str(p, "mail_from", &mail_from, rp, t0) || !rpc_str(p, "data", &data64, rp, t0)) return;
  cJSON *rcpts = cJSON_CreateArray();
  if (!rpc_addresses(p, "rcpt_to", rcpts, rp, t0)) {
    cJSON_Delete(rcpts);
    return;
  }
  size_t n64 = strlen(data64);
  unsigned char *raw = malloc(n64 / 4 * 3 + 4);
  int n = EVP_DecodeBlock(raw, (const unsigned char *)data64, (int)n64);
  if (n < 0) n = 0;
  while (n > 0 && n64 > 0 && data64[n64 - 1] == '=')
    n--, n64--;
  char from[256];
  raw_from((const char *)raw, (size_t)n, from, sizeof from);
  free(raw);
  /* No From: header is not authenticated either (Postal checks every From:
   * value, and an absent one is blank). */
  if (!domain_authenticated(from) && !defect("raw_from_not_checked")) {
    cJSON_Delete(rcpts);
    /* Postal >= 3.3.1 omits the message for this one */
    return rpc_error(rp, "UnauthenticatedFromAddress",
                     cfg.rpc_rails ? NULL
                                   : "The From address is not authorised to send mail from "
                                     "this server",
                     NULL, t0);
  }
  if (cJSON_GetArraySize(rcpts) == 0 && defect("raw_empty_rcpt_refused")) {
    cJSON_Delete(rcpts);
    return rpc_param_error(rp, "`rcpt_to` parameter is required but is missing", t0);
  }
  cJSON *data = cJSON_CreateObject();
  if (cJSON_GetArraySize(rcpts) == 0) {
    cJSON_AddNullToObject(data, "message_id");
    cJSON_AddObjectToObject(data, "messages");
  } else {
    rpc_queue(data, rcpts, mail_from, "", "");
  }
  cJSON_Delete(rcpts);
  rpc_reply(rp, "success", data, NULL, t0, false);
}

/* The `id` parameter. Moonrope: an Integer; Rails looks a string up as given
 * (a numeric string finds the message). Returns false after answering. */
static bool rpc_id(const cJSON *p, long *id, bool *found_by_string, reply *rp, double t0) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, "id");
  *found_by_string = false;
  if (!v) return rpc_param_error(rp, "`id` parameter is required but is missing", t0), false;
  if (cJSON_IsNumber(v) && v->valuedouble == (double)(long)v->valuedouble) {
    *id = (long)v->valuedouble;
    return true;
  }
  if (defect("type_error_500")) {
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "status", "internal-server-error");
    reply_json(rp, 500, e);
    return false;
  }
  if (cfg.rpc_rails && cJSON_IsString(v)) {
    char *end = NULL;
    long x = strtol(v->valuestring, &end, 10);
    *id = v->valuestring[0] && end && !*end ? x : -1; /* -1: never found */
    *found_by_string = true;
    return true;
  }
  char msg[96];
  snprintf(msg, sizeof msg, "`id` should be a `Integer` but is a `%s`", json_type_name(v));
  return rpc_param_error(rp, msg, t0), false;
}

static bool wants(const cJSON *exp, const char *name) {
  if (defect("expansions_ignored")) return false;
  if (cJSON_IsTrue(exp)) return true;
  const cJSON *it;
  cJSON_ArrayForEach(it, exp) {
    if (cJSON_IsString(it) && strcmp(it->valuestring, name) == 0) return true;
  }
  return false;
}

static cJSON *message_json(const message *m, const cJSON *exp) {
  bool sent = now_seconds() >= m->created + SEND_SECONDS;
  cJSON *d = cJSON_CreateObject();
  cJSON_AddNumberToObject(d, "id", m->id);
  cJSON_AddStringToObject(d, "token", m->token);
  if (wants(exp, "status")) {
    cJSON *s = cJSON_AddObjectToObject(d, "status");
    /* Delivery is not part of the contract: like a real server, a message
     * to a domain that takes no mail (example.com publishes a null MX,
     * RFC 7505) fails for good; others are Sent. */
    const char *at = strrchr(m->rcpt, '@');
    bool no_mail = at && strcasecmp(at + 1, "example.com") == 0;
    cJSON_AddStringToObject(s, "status", !sent ? "Pending" : no_mail ? "HardFail" : "Sent");
    if (sent)
      cJSON_AddNumberToObject(s, "last_delivery_attempt", m->created + SEND_SECONDS);
    else
      cJSON_AddNullToObject(s, "last_delivery_attempt");
    cJSON_AddFalseToObject(s, "held");
    cJSON_AddNullToObject(s, "hold_expiry");
  }
  if (wants(exp, "details")) {
    cJSON *x = cJSON_AddObjectToObject(d, "details");
    cJSON_AddStringToObject(x, "rcpt_to", m->rcpt);
    cJSON_AddStringToObject(x, "mail_from", m->mail_from);
    cJSON_AddStringToObject(x, "subject", m->subject);
    cJSON_AddStringToObject(x, "message_id", m->message_id);
    cJSON_AddNumberToObject(x, "timestamp", m->created);
    cJSON_AddStringToObject(x, "direction", "outgoing");
    cJSON_AddStringToObject(x, "size", "512");
    cJSON_AddFalseToObject(x, "bounce");
    cJSON_AddNullToObject(x, "bounce_for_id");
    cJSON_AddNullToObject(x, "tag");
    cJSON_AddNullToObject(x, "received_with_ssl");
  }
  if (wants(exp, "inspection")) {
    cJSON *x = cJSON_AddObjectToObject(d, "inspection");
    cJSON_AddFalseToObject(x, "inspected");
    cJSON_AddFalseToObject(x, "spam");
    cJSON_AddNumberToObject(x, "spam_score", 0);
    cJSON_AddFalseToObject(x, "threat");
    cJSON_AddNullToObject(x, "threat_details");
  }
  if (wants(exp, "plain_body")) cJSON_AddStringToObject(d, "plain_body", m->plain);
  if (wants(exp, "html_body")) cJSON_AddNullToObject(d, "html_body");
  if (wants(exp, "attachments")) cJSON_AddArrayToObject(d, "attachments");
  if (wants(exp, "headers")) cJSON_AddObjectToObject(d, "headers");
  if (wants(exp, "raw_message"))
    cJSON_AddStringToObject(d, "raw_message", "U3ViamVjdDogcmVmYXBpDQoNCg==");
  if (wants(exp, "activity_entries")) {
    cJSON *x = cJSON_AddObjectToObject(d, "activity_entries");
    cJSON_AddArrayToObject(x, "loads");
    cJSON_AddArrayToObject(x, "clicks");
  }
  return d;
}

static cJSON *deliveries_json(const message *m) {
  cJSON *arr = cJSON_CreateArray();
  static const char *const states[] = {"SoftFail", "Sent"};
  for (int i = 0; i < 2; i++) {
    cJSON *d = cJSON_CreateObject();
    cJSON_AddNumberToObject(d, "id", m->id * 10 + i);
    cJSON_AddStringToObject(d, "status", states[i]);
    cJSON_AddStringToObject(d, "details", i ? "Message accepted by mx.example.com" : "Timed out");
    if (i)
      cJSON_AddStringToObject(d, "output", "250 2.0.0 OK");
    else
      cJSON_AddNullToObject(d, "output");
    cJSON_AddBoolToObject(d, "sent_with_ssl", i == 1);
    cJSON_AddStringToObject(d, "log_id", i ? "RFAPI-1" : "RFAPI-0");
    cJSON_AddNumberToObject(d, "time", 0.25);
    cJSON_AddNumberToObject(d, "timestamp", m->created + i * 60.5);
    cJSON_AddItemToArray(arr, d);
  }
  return arr;
}

static void rpc_message(const cJSON *p, reply *rp, double t0, bool deliveries) {
  long id = 0;
  bool by_string = false;
  if (!rpc_id(p, &id, &by_string, rp, t0)) return;
  pthread_mutex_lock(&state_lock);
  message copy, *m = NULL;
  for (int i = 0; i < n_messages; i++)
    if (messages[i].id == id) m = &messages[i];
  if (m) copy = *m;
  pthread_mutex_unlock(&state_lock);
  if (!m && deliveries && defect("deliveries_unknown_empty"))
    return rpc_reply(rp, "success", cJSON_CreateArray(), NULL, t0, false);
  if (!m) {
    cJSON *x = cJSON_CreateObject();
    const cJSON *given = cJSON_GetObjectItemCaseSensitive(p, "id");
    cJSON_AddItemToObject(x, "id", cJSON_Duplicate(given, true));
    return rpc_error(rp, defect("not_found_code") ? "NotFound" : "MessageNotFound",
                     "No message found matching provided ID", x, t0);
  }
  if (!deliveries) {
    cJSON *all = cJSON_CreateTrue();
    const cJSON *exp =
        defect("expansions_always") ? all : cJSON_GetObjectItemCaseSensitive(p, "_expansions");
    rpc_reply(rp, "success", message_json(&copy, exp), NULL, t0, false);
    cJSON_Delete(all);
    return;
  }
  cJSON *list = deliveries_json(&copy);
  if (defect("deliveries_wrapped")) { /* the generic Moonrope list convention */
    cJSON *data = cJSON_CreateObject();
    cJSON_AddItemToObject(data, "deliveries", list);
    cJSON *flags = cJSON_CreateObject();
    cJSON *pg = cJSON_AddObjectToObject(flags, "paginated");
    cJSON_AddNumberToObject(pg, "page", 1);
    cJSON_AddNumberToObject(pg, "per_page", 30);
    cJSON_AddNumberToObject(pg, "total_pages", 1);
    cJSON_AddNumberToObject(pg, "total_records", cJSON_GetArraySize(list));
    return rpc_reply(rp, "success", data, flags, t0, false);
  }
  rpc_reply(rp, "success", list, NULL, t0, false);
}

static void rpc_handle(req *r, reply *rp) {
  double t0 = now_seconds();
  /* /api/v1/{controller}/{action}: Moonrope ignores segments after the
   * action, Rails routes exactly four. */
  bool shape = r->nsegs >= 4 && !strcmp(r->segs[0], "api") && !strcmp(r->segs[1], "v1") &&
               (r->nsegs == 4 || !cfg.rpc_rails);
  enum { A_NONE, A_SEND, A_RAW, A_MESSAGE, A_DELIVERIES } action = A_NONE;
  if (shape && !strcmp(r->segs[2], "send") && !strcmp(r->segs[3], "message"))
    action = A_SEND;
  else if (shape && !strcmp(r->segs[2], "send") && !strcmp(r->segs[3], "raw") &&
           !defect("send_raw_missing"))
    action = A_RAW;
  else if (shape && !strcmp(r->segs[2], "messages") && !strcmp(r->segs[3], "message"))
    action = A_MESSAGE;
  else if (shape && !strcmp(r->segs[2], "messages") && !strcmp(r->segs[3], "deliveries"))
    action = A_DELIVERIES;
  if (is_method(r, "OPTIONS") && !cfg.rpc_rails) { /* Moonrope's CORS reply */
    rp->status = 200;
    rp->body = strdup("OK");
    rp->content_type = "text/plain";
    reply_header(rp, "Access-Control-Allow-Origin", "*");
    reply_header(rp, "Access-Control-Allow-Methods", "POST, OPTIONS");
    return;
  }
  /* Rails routes GET, POST, PUT and PATCH; Moonrope runs any method. */
  bool method_ok = !cfg.rpc_rails || is_method(r, "GET") || is_method(r, "POST") ||
                   is_method(r, "PUT") || is_method(r, "PATCH") || is_method(r, "HEAD");
  if (defect("get_not_routed") && !is_method(r, "POST")) method_ok = false;
  if (defect("put_not_routed") && is_method(r, "PUT")) method_ok = false;
  if (action == A_NONE || !method_ok) return rpc_no_route(r, rp);
  if (r->too_big) return rpc_bad_json(rp, "The body is too large");
  if (defect("params_before_auth") && (action == A_MESSAGE || action == A_DELIVERIES)) {
    cJSON *early = rpc_params(r, rp);
    if (!early) return;
    bool has_id = cJSON_GetObjectItemCaseSensitive(early, "id") != NULL;
    cJSON_Delete(early);
    if (!has_id) return rpc_param_error(rp, "`id` parameter is required but is missing", t0);
  }
  const char *key = header(r, "X-Server-API-Key");
  if (!key && defect("accept_query_key")) key = query(r, "access_token");
  bool empty = key && !*key;
  if (!key || (empty && cfg.rpc_rails)) {
    /* no key (and, in Rails, an empty one): AccessDenied */
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(
        d, "code", defect("invalid_key_for_missing_key") ? "InvalidServerAPIKey" : "AccessDenied");
    cJSON_AddStringToObject(d, "message", "Must be authenticated as a server.");
    return rpc_reply(rp, "error", d, NULL, t0, true);
  }
  if (strcmp(key, cfg.token) != 0) {
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(
        d, "code", defect("access_denied_for_wrong_key") ? "AccessDenied" : "InvalidServerAPIKey");
    cJSON_AddStringToObject(d, "message",
                            "The API token provided in X-Server-API-Key was not valid.");
    cJSON_AddStringToObject(d, "token", key);
    return rpc_reply(rp, "error", d, NULL, t0, true);
  }
  cJSON *params = rpc_params(r, rp);
  if (!params) return;
  if (action == A_SEND)
    rpc_send_message(params, rp, t0);
  else if (action == A_RAW)
    rpc_send_raw(params, rp, t0);
  else
    rpc_message(params, rp, t0, action == A_DELIVERIES);
  cJSON_Delete(params);
}

/* ---------- daemon glue ---------- */

static void *uri_logger(void *cls, const char *uri, struct MHD_Connection *conn) {
  (void)conn;
  req *r = calloc(1, sizeof *r);
  r->raw_uri = strdup(uri ? uri : "/");
  r->tls = cls != NULL;
  return r;
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                      enum MHD_RequestTerminationCode toe) {
  (void)cls, (void)conn, (void)toe;
  req *r = *con_cls;
  if (!r) return;
  free(r->raw_uri);
  free(r->body);
  for (int i = 0; i < r->nsegs; i++)
    free(r->segs[i]);
  for (int i = 0; i < r->nquery; i++)
    free(r->query[i].name), free(r->query[i].value);
  free(r);
  *con_cls = NULL;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *conn, const char *url,
                               const char *method, const char *version, const char *upload,
                               size_t *upload_size, void **con_cls) {
  (void)cls, (void)url, (void)version;
  req *r = *con_cls;
  if (!r) return MHD_NO;
  if (!r->started) {
    r->started = true;
    return MHD_YES;
  }
  if (*upload_size > 0) {
    if (r->len + *upload_size > MAX_BODY) {
      r->too_big = true;
    } else {
      if (r->len + *upload_size + 1 > r->cap) {
        r->cap = (r->len + *upload_size + 1) * 2;
        r->body = realloc(r->body, r->cap);
      }
      memcpy(r->body + r->len, upload, *upload_size);
      r->len += *upload_size;
      r->body[r->len] = '\0';
    }
    *upload_size = 0;
    return MHD_YES;
  }
  if (!r->body) r->body = calloc(1, 1);
  r->conn = conn;
  r->method = method;
  parse_target(r);

  reply rp = {.status = 500};
  switch (cfg.api) {
  case API_BOT:
    bot_handle(r, &rp);
    break;
  case API_BUDDY:
    bb_handle(r, &rp);
    break;
  case API_BIT:
    bp_handle(r, &rp);
    break;
  case API_RPC:
    rpc_handle(r, &rp);
    break;
  }
  const char *origin = header(r, "Origin");
  if (cfg.api == API_BOT && origin && !defect("no_cors_header"))
    reply_header(&rp, "Access-Control-Allow-Origin", "%s", origin);

  size_t blen = rp.body ? strlen(rp.body) : 0;
  struct MHD_Response *resp =
      MHD_create_response_from_buffer(blen, rp.body ? rp.body : (char *)"", MHD_RESPMEM_MUST_COPY);
  for (int i = 0; i < rp.nh; i++)
    MHD_add_response_header(resp, rp.h[i].name, rp.h[i].value);
  if (rp.body) {
    const char *ct = rp.content_type;
    if (rp.status >= 400 && defect("text_content_type_on_error")) ct = "text/plain";
    MHD_add_response_header(resp, "Content-Type", ct);
  }
  enum MHD_Result ret = MHD_queue_response(conn, (unsigned)rp.status, resp);
  MHD_destroy_response(resp);
  free(rp.body);
  return ret;
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  char *buf = NULL;
  size_t len = 0, cap = 0;
  for (int guard = 0; guard < 4096; guard++) {
    if (len + 4097 > cap) {
      char *grown = realloc(buf, cap = (cap + 4097) * 2);
      if (!grown) {
        free(buf);
        fclose(f);
        return NULL;
      }
      buf = grown;
    }
    size_t n = fread(buf + len, 1, 4096, f);
    len += n;
    if (n == 0) break;
  }
  fclose(f);
  buf[len] = '\0';
  return buf;
}

static struct MHD_Daemon *start(int port, bool tls, const char *cert, const char *key) {
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
  if (tls) flags |= MHD_USE_TLS;
  struct MHD_OptionItem opts[] = {
      {MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)uri_logger, tls ? (void *)1 : NULL},
      {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)completed, NULL},
      {MHD_OPTION_CONNECTION_TIMEOUT, 30, NULL},
      {tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, (void *)(uintptr_t)cert},
      {tls ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, (void *)(uintptr_t)key},
      {MHD_OPTION_END, 0, NULL},
  };
  return MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, handler, NULL, MHD_OPTION_ARRAY, opts,
                          MHD_OPTION_END);
}

static volatile sig_atomic_t stop;
static void on_signal(int sig) {
  (void)sig;
  stop = 1;
}

static int usage(void) {
  fprintf(stderr, "usage: refapi --api botanalytics|buddybuild|bitpaket|rpc --http-port P\n"
                  "              [--https-port P --cert F --key F] --token T [--jwt-secret S]\n"
                  "              [--client-secret S] [--rate-limit N] [--rate-window S]\n"
                  "              [--default-limit N] [--unknown-delete 404|200]\n"
                  "              [--rpc moonrope|rails]\n"
                  "              [--defect NAME]... [--mint-jwt] [--list-defects]\n");
  return 2;
}

int main(int argc, char **argv) {
  bool mint = false, list = false, api_given = false;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--mint-jwt") == 0) {
      mint = true;
      continue;
    }
    if (strcmp(a, "--list-defects") == 0) {
      list = true;
      continue;
    }
    if (!v) return usage();
    i++;
    if (strcmp(a, "--api") == 0) {
      api_given = true;
      if (strcmp(v, "botanalytics") == 0)
        cfg.api = API_BOT;
      else if (strcmp(v, "buddybuild") == 0)
        cfg.api = API_BUDDY;
      else if (strcmp(v, "bitpaket") == 0)
        cfg.api = API_BIT;
      else if (strcmp(v, "rpc") == 0)
        cfg.api = API_RPC;
      else
        return usage();
    } else if (strcmp(a, "--http-port") == 0)
      cfg.http_port = atoi(v);
    else if (strcmp(a, "--https-port") == 0)
      cfg.https_port = atoi(v);
    else if (strcmp(a, "--cert") == 0)
      cfg.cert_file = v;
    else if (strcmp(a, "--key") == 0)
      cfg.key_file = v;
    else if (strcmp(a, "--token") == 0)
      cfg.token = v;
    else if (strcmp(a, "--jwt-secret") == 0)
      cfg.jwt_secret = v;
    else if (strcmp(a, "--client-secret") == 0)
      cfg.client_secret = v;
    else if (strcmp(a, "--rate-limit") == 0)
      cfg.rate_limit = atol(v);
    else if (strcmp(a, "--rate-window") == 0)
      cfg.rate_window = atol(v);
    else if (strcmp(a, "--default-limit") == 0)
      cfg.default_limit = atol(v);
    else if (strcmp(a, "--rpc") == 0) {
      if (strcmp(v, "rails") && strcmp(v, "moonrope")) return usage();
      cfg.rpc_rails = strcmp(v, "rails") == 0;
    } else if (strcmp(a, "--unknown-delete") == 0)
      cfg.unknown_delete_200 = strcmp(v, "200") == 0;
    else if (strcmp(a, "--defect") == 0) {
      if (cfg.n_defects >= MAX_DEFECTS) return usage();
      cfg.defects[cfg.n_defects++] = v;
    } else
      return usage();
  }
  if (!api_given) return usage();
  if (list) {
    for (int i = 0; DEFECTS[cfg.api][i]; i++)
      printf("%s\n", DEFECTS[cfg.api][i]);
    return 0;
  }
  if (mint) {
    if (!cfg.jwt_secret) return usage();
    char *t = mint_jwt();
    printf("%s\n", t);
    free(t);
    return 0;
  }
  for (int i = 0; i < cfg.n_defects; i++) {
    bool known = false;
    for (int k = 0; DEFECTS[cfg.api][k]; k++)
      known |= strcmp(DEFECTS[cfg.api][k], cfg.defects[i]) == 0;
    if (!known) {
      fprintf(stderr, "refapi: unknown defect %s for this api\n", cfg.defects[i]);
      return 2;
    }
  }
  if (!cfg.token && cfg.api != API_BOT) return usage();
  if (cfg.api == API_BOT && !cfg.jwt_secret) return usage();
  if (cfg.api == API_BIT && !cfg.client_secret) return usage();
  if (cfg.rate_limit < 1 || cfg.rate_window < 1) return usage();
  if (!cfg.token) cfg.token = "";
  window_start = time(NULL);
  if (cfg.api == API_BUDDY) seed_builds();

  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);
  signal(SIGPIPE, SIG_IGN);
  struct MHD_Daemon *plain = NULL, *tls = NULL;
  if (cfg.http_port > 0 && !(plain = start(cfg.http_port, false, NULL, NULL))) {
    fprintf(stderr, "refapi: cannot listen on http port %d\n", cfg.http_port);
    return 1;
  }
  char *cert = NULL, *key = NULL;
  if (cfg.https_port > 0) {
    cert = cfg.cert_file ? slurp(cfg.cert_file) : NULL;
    key = cfg.key_file ? slurp(cfg.key_file) : NULL;
    if (!cert || !key || !(tls = start(cfg.https_port, true, cert, key))) {
      fprintf(stderr, "refapi: cannot listen on https port %d\n", cfg.https_port);
      if (plain) MHD_stop_daemon(plain);
      free(cert), free(key);
      return 1;
    }
  }
  printf("ready\n");
  fflush(stdout);
  while (!stop)
    pause();
  if (plain) MHD_stop_daemon(plain);
  if (tls) MHD_stop_daemon(tls);
  free(cert), free(key);
  return 0;
}
