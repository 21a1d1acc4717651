/* model.h — the loaded form of suites and profiles (docs/suite-format.md), shared by
 * every stage: load -> expand -> execute -> check -> report.
 *
 * Built by suite/ (gt_suite_load), read-only afterwards. Templates, bodies and
 * variable values stay gt_node trees (see node.h) and are expanded at run time,
 * because captures are only known then. Everything hangs off gt_suite, which
 * owns it all; gt_suite_free releases it. */
/* Ownership: `char *` fields are owned (freed by the *_free of their struct)
 * unless marked borrowed; `const gt_node *` fields are borrowed from the
 * suite's parsed trees (suite->trees), and suite/borrowed.h is the one list
 * of them the loader's compaction and its test follow. */
#ifndef GT_CORE_MODEL_H
#define GT_CORE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "node.h"

/* ---- fault ids (docs/faults.md): one row each in fault/catalogue.c's table, in
 * this order; names and everything else about a fault are read from there
 * (fault/fault.h). ---- */
typedef enum gt_fault_id {
  GT_FAULT_VALID = 0,
  GT_FAULT_UNAUTHENTICATED,
  GT_FAULT_INVALID_TOKEN,
  GT_FAULT_MALFORMED_AUTH,
  GT_FAULT_TOKEN_IN_QUERY,
  GT_FAULT_JWT_ALG_NONE,
  GT_FAULT_JWT_BAD_SIGNATURE,
  GT_FAULT_JWT_EXPIRED,
  GT_FAULT_JWT_MISSING_CLAIM,
  GT_FAULT_HTTP_ONLY,
  GT_FAULT_MALFORMED_JSON,
  GT_FAULT_WRONG_CONTENT_TYPE,
  GT_FAULT_INVALID_UTF8,
  GT_FAULT_EMPTY_BODY,
  GT_FAULT_MISSING_FIELD,
  GT_FAULT_WRONG_TYPE,
  GT_FAULT_NOT_IN_ENUM,
  GT_FAULT_OUT_OF_RANGE,
  GT_FAULT_BAD_LENGTH,
  GT_FAULT_PATTERN_MISMATCH,
  GT_FAULT_DUPLICATE_ITEMS,
  GT_FAULT_MISSING_PARAM,
  GT_FAULT_UNKNOWN_PATH,
  GT_FAULT_WRONG_METHOD,
  GT_FAULT_BAD_PERCENT_ENCODING,
  GT_FAULT_UNVERSIONED,
  GT_FAULT_OVERSIZED_BODY,
  GT_FAULT_TRUNCATED_BODY,
  GT_FAULT_SLOW_BODY,
  GT_FAULT_WIRE_DUP_CONTENT_LENGTH,
  GT_FAULT_WIRE_CL_TE,
  GT_FAULT_WIRE_BARE_LF,
  GT_FAULT_WIRE_OBS_FOLD,
  GT_FAULT_WIRE_NUL_HEADER,
  GT_FAULT_WIRE_BAD_CHUNK,
  GT_FAULT_WIRE_HUGE_HEADER,
  GT_FAULT_WIRE_LONG_URI,
  GT_FAULT_CORS_PREFLIGHT,
  GT_FAULT_RATE_LIMIT,
  GT_FAULT_COUNT
} gt_fault_id;

/* ---- checks: universal (docs/checks.md, can be disabled under profile `checks:`),
 * scenario-level (from `expect`) and the runner's. One row each in
 * check/names.c's table (check/check.h). ---- */
typedef enum gt_check_id {
  GT_CHECK_NO_SERVER_ERROR = 0,
  GT_CHECK_CONTENT_TYPE,
  GT_CHECK_JSON_PARSES,
  GT_CHECK_ERROR_SHAPE,
  GT_CHECK_DOCUMENTED_STATUS,
  GT_CHECK_REQUIRED_HEADERS,
  GT_CHECK_UTF8,
  GT_CHECK_ENVELOPE,
  GT_CHECK_SCHEMA,          /* expect.schema / errors.schema and an OpenAPI document's responses */
  GT_CHECK_SECURITY_PUBLIC, /* a `security: []` operation demanded a credential */
  GT_CHECK_UNIVERSAL_COUNT, /* the ones above can be disabled in a profile */
  GT_CHECK_STATUS = GT_CHECK_UNIVERSAL_COUNT,
  GT_CHECK_HEADERS,
  GT_CHECK_JSON,
  GT_CHECK_JSONPATH,
  GT_CHECK_BODY,
  GT_CHECK_MAX_TIME,
  GT_CHECK_REFUSED,    /* expected the connection refused/reset or a non-2xx */
  GT_CHECK_CAPTURE,    /* a capture's JSONPath selected nothing */
  GT_CHECK_ALIVE,      /* liveness probe after a transport/wire fault */
  GT_CHECK_SMUGGLING,  /* wire faults: a second response on the connection */
  GT_CHECK_TRANSPORT,  /* connection failed / timed out when a response was due */
  GT_CHECK_RATE_LIMIT, /* no 429 before the bound */
  GT_CHECK_CORS,       /* missing Access-Control-Allow-Origin */
  GT_CHECK_POLL,       /* poll.until not met before poll.timeout */
  GT_CHECK_COUNT
} gt_check_id;

/* ---- status sets: 100..599 ---- */
typedef struct gt_status_set {
  uint64_t bits[8]; /* bit (code - 100) */
} gt_status_set;

static inline void gt_status_add(gt_status_set *s, int code) {
  if (code >= 100 && code <= 599) s->bits[(code - 100) / 64] |= (uint64_t)1 << ((code - 100) % 64);
}
static inline bool gt_status_has(const gt_status_set *s, int code) {
  return code >= 100 && code <= 599 && (s->bits[(code - 100) / 64] >> ((code - 100) % 64) & 1);
}

/* ---- JSONPath (compiled by check/jsonpath.c; opaque here) ---- */
typedef struct gt_jsonpath gt_jsonpath;

/* ---- JSON Schema (compiled by schema/, see schema/schema.h; opaque here) ---- */
typedef struct gt_schema gt_schema;

typedef struct gt_path_template {
  const char *src;     /* "$.build_id" as written (borrowed: its key node's text) */
  gt_jsonpath *path;   /* compiled (owned by that key node's aux) */
  const gt_node *tmpl; /* borrowed from the suite's tree */
} gt_path_template;

/* ---- expectations. Every field has an "unset" state so that the catalogue
 * default, profile `faults.expect`, and scenario overrides merge field-wise
 * (later wins). ---- */
typedef struct gt_expect {
  bool has_status;
  gt_status_set status;
  char *status_text;      /* "200", "[200, 201]", "2xx", "401 or 400": for messages */
  const gt_node *headers; /* MAP name -> template (names case-insensitive); NULL = unset */
  const gt_node *json;    /* template; NULL = unset */
  gt_path_template *jsonpath;
  size_t n_jsonpath;
  const gt_node *body; /* scalar (exact text) or tagged matcher; NULL = unset */
  long max_time_ms;    /* -1 = unset */
  int refused;         /* -1 unset, 0 false, 1 true: connection refused/reset is the pass */
  int error_shape;     /* -1 unset, 0 do not require, 1 require error shape on 4xx/5xx */
  /* expect.schema, compiled at load time; owned by the suite (gt_suite.schemas),
   * so merged copies share it. NULL = unset. */
  const gt_schema *schema;
  /* `if_status`: MAP status -> expectation judged only on answers with that
   * status; each key node's aux is its gt_expect_when. NULL = unset. */
  const gt_node *if_status;
} gt_expect;

/* One entry of `expect.if_status` (owned by its key node, freed with the tree). */
typedef struct gt_expect_when {
  gt_status_set status;
  gt_expect expect; /* no status, no if_status of its own */
} gt_expect_when;

void gt_expect_init(gt_expect *e); /* all unset */
/* dst := dst overridden by every set field of src (node pointers borrowed). */
void gt_expect_merge(gt_expect *dst, const gt_expect *src);
void gt_expect_free(gt_expect *e); /* frees status_text and jsonpath array (not nodes) */

/* ---- requests ---- */
typedef enum { GT_BODY_NONE, GT_BODY_JSON, GT_BODY_FORM, GT_BODY_RAW } gt_body_kind;

/* A credential other than the profile's for one scenario: `request.auth:`
 * as a mapping (docs/suite-format.md "Per-scenario auth"). */
typedef struct gt_auth_with {
  bool given;
  int scheme; /* gt_auth_scheme; the profile's when not written */
  bool scheme_given;
  const gt_node *token; /* scalar (a secret) or NULL: the profile's (borrowed) */
  char *header;         /* scheme header's name (owned) or NULL: the profile's */
  const gt_node *mint;  /* MAP of claims: a JWT minted with jwt_secret, or NULL (borrowed) */
} gt_auth_with;

/* What a JSON `null` (or an empty string) sent as a request parameter means to
 * the API (profile `request.nulls`, `request.empty_strings`; a scenario's
 * `request:` may override them). UNSET: the default, VALUE. */
typedef enum gt_null_reading {
  GT_NULLS_UNSET = 0,
  GT_NULLS_VALUE,   /* a value of its own type, checked like any other */
  GT_NULLS_ABSENT,  /* the same as a parameter not sent */
  GT_NULLS_INVALID, /* always refused (wrong_type) */
} gt_null_reading;

/* Body encodings an API reads parameters from (profile `request.encodings`). */
enum {
  GT_ENC_JSON = 1,        /* application/json (or +json) body */
  GT_ENC_FORM = 2,        /* application/x-www-form-urlencoded fields, as strings */
  GT_ENC_FORM_FIELD = 4,  /* a form field holding the parameters as JSON (`form:params`) */
  GT_ENC_QUERY_FIELD = 8, /* a query parameter holding them as JSON (`query:params`) */
};

/* How the API reads request parameters: profile `request:` (docs/suite-format.md
 * "Profile keys"). Everything owned. */
typedef struct gt_param_reading {
  gt_null_reading nulls, empty_strings;
  unsigned encodings;             /* GT_ENC_* bits; 0: not written (json and form) */
  char *form_field, *query_field; /* the field names of FORM_FIELD / QUERY_FIELD, or NULL */
  bool ignore_other;              /* `other_content_type: ignore`: such a body is not read */
  char **any_method;              /* `methods:` every route also runs for (upper-case) */
  size_t n_any_method;
} gt_param_reading;

/* What serve expects of a client after a failure (profile `client:`,
 * `--expect-retry`; docs/serve.md "Client policy"). Everything owned. */
#define GT_POLICY_STATUSES_MAX 16
typedef struct gt_client_policy {
  bool retry_given;                           /* `retry:` written (or --expect-retry) */
  int retry_statuses[GT_POLICY_STATUSES_MAX]; /* injected statuses that must be retried */
  size_t n_retry_statuses;
  bool retry_reset;         /* `reset`: a dropped connection (reset, reset_after) must be */
  unsigned max_attempts;    /* attempts of one request in all; 0: not written */
  bool ignore_retry_after;  /* `retry_after: ignore`: an early retry is not judged */
  long backoff_min_ms;      /* the shortest wait before a retry; 0: none */
  char *idempotency_header; /* the header that makes a resend safe; NULL: Idempotency-Key */
} gt_client_policy;

/* Adds one `retry:` item ("429", "503", "reset") to p; false when it is not
 * one (a status 400..599 or `reset`). */
bool gt_client_policy_add_retry(gt_client_policy *p, const char *item);
/* Does p expect a retry of an injected status (0: a dropped connection)? */
bool gt_client_policy_expects(const gt_client_policy *p, int status);
void gt_client_policy_free(gt_client_policy *p);

typedef struct gt_request {
  const gt_node *method;  /* scalar; upper-cased at load */
  const gt_node *path;    /* scalar, may hold ${..} */
  const gt_node *query;   /* MAP or NULL */
  const gt_node *headers; /* MAP or NULL: scenario headers (defaults merged at run time) */
  gt_body_kind body_kind;
  const gt_node *body; /* JSON: any node; FORM: MAP; RAW: scalar */
  bool auth;           /* false when `auth: false` */
  gt_auth_with auth_with;
  char **required; /* JSONPath sources of required body fields */
  gt_jsonpath **required_paths;
  size_t n_required;
  gt_null_reading nulls, empty_strings; /* UNSET: the profile's */
} gt_request;

typedef struct gt_capture {
  char *name;        /* owned */
  char *src;         /* owned: the JSONPath or header name as written */
  gt_jsonpath *path; /* owned */
  bool from_header;  /* `header: Name` form: capture a response header */
  int line, col;
} gt_capture;

/* A fault listed in a scenario's or profile's `faults:` */
typedef struct gt_fault_ref {
  gt_fault_id id;
  bool has_expect;
  gt_expect expect; /* override when has_expect */
  int line, col;
} gt_fault_ref;

/* `poll:` of a scenario: re-send until the answer matches `until`, spaced by
 * every_ms (doubling with exponential backoff), for at most timeout_ms
 * (run/poll.c). */
typedef struct gt_poll {
  gt_expect until;
  long every_ms;    /* default 1s */
  long timeout_ms;  /* default 1m */
  bool exponential; /* backoff: exponential (each wait doubles, up to the time left) */
  int line, col;    /* of the `poll:` mapping */
} gt_poll;

/* `checks:` of a scenario: each universal check as the profile says, off or
 * on, and the content type its responses must have (docs/checks.md, per
 * scenario). Zero-initialised = no change. */
enum { GT_SWITCH_PROFILE = 0, GT_SWITCH_OFF, GT_SWITCH_ON };
typedef struct gt_check_switches {
  unsigned char on[GT_CHECK_UNIVERSAL_COUNT]; /* GT_SWITCH_* */
  char *content_type;                         /* a media type (owned), or NULL */
  const gt_node *content_type_match;          /* or a matcher (borrowed), or NULL */
} gt_check_switches;

/* A response contract from an API description (openapi/): the `schema` and
 * `security_public` checks call judge on every response of the scenario's
 * cases. parsed: the JSON body or NULL; expect: the case's expectation (a
 * status it names passes even when the description does not document it);
 * out: a gt_failures (check/check.h). Owned by the suite (contract_owner). */
struct gt_http_response;
struct gt_failures;

/* One value of a request made invalid against the API description (the
 * schema-driven faults not_in_enum ... missing_param, docs/faults.md): where
 * it goes and what it is. Owned by the contract's owner. */
typedef enum gt_negative_place {
  GT_NEG_QUERY,  /* a query parameter */
  GT_NEG_HEADER, /* a request header */
  GT_NEG_JSON,   /* a property of a JSON object body, at any depth, or an array item */
  GT_NEG_FORM,   /* a field of a form body */
  GT_NEG_PATH,   /* a path parameter (the segment `segment` of the path) */
  GT_NEG_COOKIE, /* a cookie of the Cookie header */
} gt_negative_place;

typedef struct gt_negative {
  gt_fault_id fault;
  gt_negative_place in;
  char *name;   /* the parameter, header, cookie or form field; GT_NEG_JSON: the
                   property's path ("$.owner.name", "$.tags[0]", "$['a b']") */
  cJSON *value; /* the invalid value; NULL: the parameter is left out (missing_param) */
  char *label;  /* "query limit above maximum 100", "$.kind" */
  /* GT_NEG_PATH: the segment of the operation's path (0: the first after
   * the base) and what surrounds the parameter in it ("{id}.json": "" and
   * ".json"); the value is written in the parameter's style (`text`). */
  int segment;
  char *prefix, *suffix, *text;
  /* GT_NEG_JSON: the path of the object or array holding it ("$" at the
   * top), and its member name there (NULL: item `index` of an array). */
  char *parent, *key;
  int index;
} gt_negative;

/* A request as serve received it, for gt_contract.check_request. */
typedef struct gt_contract_request {
  /* the request-target as sent (a query ignored): its last segments are the
   * operation's path, those before them the base path; NULL: path
   * parameters are not checked */
  const char *path;
  const cJSON *query;    /* object of text values */
  const char *raw_query; /* as sent, after '?' (NULL: read `query`); each
                            parameter is read from it as its style says */
  const cJSON *headers;  /* object of text values (names lower-case) */
  /* the parsed body or NULL (a form or multipart/form-data body: an object
   * of its fields' text) */
  const cJSON *body;
  const char *content_type; /* the request's, or NULL */
  /* multipart/form-data: per part name {"filename": ..., "content_type": ...}
   * (members absent when the part has none), or NULL */
  const cJSON *parts;
} gt_contract_request;

typedef struct gt_contract gt_contract;
struct gt_contract {
  void (*judge)(const gt_contract *c, const struct gt_http_response *resp, const cJSON *parsed,
                const struct gt_expect *expect, bool is_head, struct gt_failures *out);
  /* serve: is a request valid for the operation? false with why filled
   * (one line) when it is not. */
  bool (*check_request)(const gt_contract *c, const struct gt_contract_request *rq, char *why,
                        size_t cap);
  /* serve: the credential of an operation whose scheme is not the profile's:
   * GT_FAULT_VALID, GT_FAULT_UNAUTHENTICATED (none presented) or
   * GT_FAULT_INVALID_TOKEN (another value). */
  int (*check_credential)(const gt_contract *c, const cJSON *query, const cJSON *headers);
  /* serve: the documented answer of an error with this status (the
   * response documenting it: the exact status, its class, else `default`):
   * its JSON media type and a body from its example, else synthesized from
   * its schema. false when the operation documents no JSON content for it.
   * *media and *body: caller frees. Thread-safe. */
  bool (*error_answer)(const gt_contract *c, int status, char **media, char **body);
  /* The operation's invalid values, for the schema-driven faults. */
  const gt_negative *negatives;
  size_t n_negatives;
  /* What a rejected request must get (those faults' status expectation):
   * the documented 4xx statuses (other than 401, 403, 404, 405 and 429),
   * else 400 or 422. */
  const struct gt_expect *reject;
  /* The same for an invalid path parameter: those statuses and 404 (a
   * server may answer that no resource has such an identifier). */
  const struct gt_expect *reject_path;
  /* non-NULL: the scenario's valid case is skipped with this reason (an
   * operation documenting only 1xx statuses: HTTP has no final 1xx answer,
   * so no response can be the documented one). */
  const char *valid_skip;
  /* Does the document constrain the type of the request body's field at
   * path (tokens from the top: a member name, or NULL for an array item)?
   * false: any value is valid there, so wrong_type has no case for it (an
   * array without `items`, a property no schema describes). NULL hook:
   * every field is. */
  bool (*typed_field)(const gt_contract *c, const char *const *path, size_t n);
};

typedef struct gt_scenario {
  char *name;
  const char *file;
  int line, col;
  char **tags;
  size_t n_tags;
  gt_request request;
  gt_expect expect;
  gt_capture *captures;
  size_t n_captures;
  bool faults_given; /* false: use the profile's default set */
  gt_fault_ref *faults;
  size_t n_faults;
  gt_check_switches checks;
  const gt_node *respond; /* serve: explicit response (MAP), or NULL */
  long timeout_ms;        /* 0: suite default */
  bool json_stream;       /* `json: stream`: answers are JSON documents one after another */
  size_t *deps;           /* indices of scenarios whose captures this one uses */
  size_t n_deps;
  gt_poll *poll;               /* owned; NULL when the scenario does not poll */
  const gt_contract *contract; /* borrowed from the suite's contract_owner; NULL: none */
} gt_scenario;

/* GT_AUTH_QUERY: the credential travels in query parameters with names the
 * API chooses (InfluxDB 1.x: ?u=USER&p=PASSWORD): profile auth.params. */
typedef enum {
  GT_AUTH_NONE,
  GT_AUTH_BEARER,
  GT_AUTH_HEADER,
  GT_AUTH_BASIC,
  GT_AUTH_QUERY
} gt_auth_scheme;

typedef struct gt_profile {
  char *name;
  const char *file; /* where it was defined (suite file when inline) */
  struct {
    gt_auth_scheme scheme;
    const gt_node *token;      /* scalar, may hold ${..}; basic: "user:password" */
    const gt_node *params;     /* scheme query: MAP parameter name -> value (secrets) */
    char *header;              /* scheme header: the header name */
    bool jwt;                  /* format: jwt */
    const gt_node *jwt_secret; /* scalar or NULL */
    const gt_node *jwt_claims; /* MAP or NULL */
    /* scheme bearer: other scheme words the API accepts for the same token
     * (Botanalytics' `Token <JWT>`); owned, NULL-terminated, or NULL */
    char **also_accept;
  } auth;
  struct {
    bool https_only;
    bool https_only_given; /* written in the profile (false given: http_only is skipped) */
    int http_port;         /* default 80 */
    bool http_probe_real;  /* http_probe: real */
    char *content_type;    /* NULL = not required; with a matcher: its first option */
    const gt_node *content_type_match; /* `content_type: !one_of [..]` / !regex, or NULL */
    char *charset;                     /* NULL = not required */
    const gt_node *headers;            /* MAP name -> template, required on every response */
  } transport;
  char *version_prefix; /* "/v2" or NULL */
  struct {
    bool has_statuses;
    gt_status_set statuses;
    const gt_node *shape;   /* template every 4xx/5xx body must match, or NULL */
    const gt_node *answers; /* MAP status -> body template a server answers with it, or NULL */
    /* errors.schema: JSON Schema every 4xx/5xx body must be valid against, or
     * NULL (owned by the suite: gt_suite.schemas) */
    const gt_schema *schema;
  } errors;
  const gt_node *envelope; /* template every response must match, or NULL */
  bool has_envelope_statuses;
  gt_status_set envelope_statuses; /* `envelope_statuses`: only these answers (default all) */
  gt_param_reading request;        /* how request parameters are read */
  gt_client_policy client;         /* `client:` what serve expects of a client */
  struct {
    size_t max_body;           /* default 8 MiB */
    const gt_node *rate_limit; /* scalar (may be ${VAR}) or NULL */
  } limits;
  /* `liveness:` the safe request (GET, HEAD or OPTIONS) sent after a
   * raw-connection fault to see that the target still answers, when the
   * scenario's own request is not safe (run/runner.c). Nodes borrowed. */
  struct {
    bool given;
    const gt_node *method;  /* scalar, upper-cased at load; NULL: GET */
    const gt_node *path;    /* scalar, may hold ${..} */
    const gt_node *query;   /* MAP or NULL */
    const gt_node *headers; /* MAP or NULL */
    bool auth;              /* with the profile's credential (default true) */
  } liveness;
  gt_fault_ref *default_faults;
  size_t n_default_faults;
  bool has_fault_expect[GT_FAULT_COUNT];
  gt_expect fault_expect[GT_FAULT_COUNT];
  bool check_disabled[GT_CHECK_UNIVERSAL_COUNT];
} gt_profile;

/* `wait_for:` of a suite (run/wait.c): before the first case, wait until the
 * base URL accepts TCP (and, with a path, answers with a status in status). */
typedef struct gt_wait_for {
  long timeout_ms; /* 0: the suite has no wait_for */
  char *path;      /* owned, variables expanded; NULL: a TCP connection is enough */
  bool has_status;
  gt_status_set status; /* default with a path: 2xx */
  char *status_text;    /* owned, for messages */
} gt_wait_for;

/* The profile as scenario sc's cases are judged: its `checks:` applied to a
 * copy in *tmp (returned), or p itself when sc changes nothing. The copy
 * borrows everything from p and sc: never freed. */
const gt_profile *gt_profile_for_scenario(const gt_profile *p, const gt_scenario *sc,
                                          gt_profile *tmp);

typedef struct gt_suite {
  char *name;
  char *file;              /* path as given */
  const gt_node *base_url; /* scalar, may hold ${..}; NULL if absent */
  gt_profile profile;      /* a default (scheme none, no checks beyond universal) if absent */
  cJSON *variables;        /* name -> expanded value (env/--var expanded at load) */
  char **secret_vars;      /* names declared secret: true */
  size_t n_secret_vars;
  const gt_node *default_headers; /* MAP or NULL */
  long default_timeout_ms;        /* 0: CLI default */
  gt_scenario *scenarios;         /* in execution order (captures before dependants) */
  size_t n_scenarios;
  gt_wait_for wait_for;
  bool shard_replay_writes; /* shard: { replay_writes: true } (run/select.c) */
  /* schema_dialect: (a gt_schema_dialect; 0 = 2020-12) and strict_formats:
   * how the suite's JSON Schemas are compiled (docs/schema.md). */
  int schema_dialect;
  bool strict_formats;
  /* Every compiled schema expect.schema / errors.schema point at (owned;
   * gt_schema_free each). */
  gt_schema **schemas;
  size_t n_schemas;
  /* What the scenarios' contracts live in (an OpenAPI document), freed with
   * the suite by contract_owner_free; NULL when none. */
  void *contract_owner;
  void (*contract_owner_free)(void *owner);
  /* `openapi:` (docs/openapi.md): the document every response is checked
   * against; file is resolved against the suite's folder (owned), NULL when
   * the suite names none. */
  struct {
    char *file;
    int line, col;       /* of the value, for errors in the document's loading */
    bool derive_missing; /* `derive: missing`: operations no scenario covers are derived */
  } openapi;
  /* Owned storage: the parsed trees and file names the borrowed pointers point into. */
  gt_node **trees;
  size_t n_trees;
  char **files;
  size_t n_files;
} gt_suite;

#endif
