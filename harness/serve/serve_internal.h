/* serve_internal.h — shared between the serve/ files; not a public contract. */
#ifndef GT_SERVE_INTERNAL_H
#define GT_SERVE_INTERNAL_H

#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "serve.h"

/* ---- one loaded suite, prepared for answering ---- */
typedef struct serve_suite {
  const gt_suite *suite;
  char *base_path;   /* "/v1", "" when the base_url has no path (owned) */
  char *credential;  /* expanded auth.token ("user:password" for basic); NULL if none (owned) */
  char *jwt_secret;  /* owned, or NULL */
  cJSON *jwt_claims; /* expanded claims object, or NULL (owned) */
  long rate_limit;   /* 0: none */
  gt_scope scope;    /* suite variables, --var, env */
  /* The client policy its requests are judged by: the profile's `client:`,
   * with --expect-retry's list instead of `client.retry` when given
   * (idempotency_header borrowed from the profile). */
  gt_client_policy policy;
} serve_suite;

typedef struct serve_route {
  size_t suite, scenario;
  char *method;     /* owned */
  char *tmpl;       /* scenario path template, without query (owned) */
  int literals;     /* literal segments: the more, the more specific */
  gt_node *respond; /* clone of the scenario's respond: with templates compiled (owned), or NULL */
} serve_route;

/* ---- in-memory collections (docs/serve.md "State"; serve_store.c) ---- */
typedef struct store_rec store_rec;
typedef struct store_index store_index;

/* Records of one collection: by id (hash table), in insertion order (a
 * list), by the value of each field a `where` asked about (indexes), and
 * the pending `store.later` changes by due time (a heap). All owned. */
typedef struct serve_collection {
  char *name;
  size_t count;
  store_rec *oldest, *newest;
  store_rec **by_id; /* n_buckets chains, a power of two */
  size_t n_buckets;
  store_index *indexes;
  size_t n_indexes;
  store_rec **heap; /* records with a pending change, earliest due first */
  size_t n_heap, heap_cap;
  uint64_t ages;  /* records ever stored: the next one's age */
  size_t evicted; /* records dropped to stay within the limit */
} serve_collection;

/* Records a collection keeps (--store-limit): storing one more drops the
 * oldest. Bounds serve's memory under a client that creates forever. */
#define SERVE_STORE_LIMIT_DEFAULT 10000

typedef struct serve_store {
  serve_collection **items;
  size_t count;
  size_t limit;   /* records per collection; 0: SERVE_STORE_LIMIT_DEFAULT */
  cJSON *dropped; /* records evicted since the last serve_store_take_dropped, or NULL */
} serve_store;

cJSON *serve_store_get(serve_store *st, const char *coll, const char *id); /* borrowed */
void serve_store_put(serve_store *st, const char *coll, const char *id, cJSON *record); /* takes */
bool serve_store_delete(serve_store *st, const char *coll, const char *id);
/* Also applies every `later` change that is due (so readers see the record as
 * it is now). */
serve_collection *serve_store_find(serve_store *st, const char *coll);
/* After serve_store_put: in after_ms, merge patch's fields into the record
 * (takes patch). */
void serve_store_later(serve_store *st, const char *coll, const char *id, cJSON *patch,
                       long after_ms);
size_t serve_store_limit(const serve_store *st);
/* The records evicted by the limit, as an array the caller frees (after
 * unlocking: freeing is not the store's business), or NULL. */
cJSON *serve_store_take_dropped(serve_store *st);
void serve_store_free(serve_store *st);

/* One `where` condition: the record's field (a name or a dotted path) has
 * the text want; an empty want is no condition. */
typedef struct serve_where {
  const char *field, *want;
} serve_where;
/* Called per selected record (borrowed); false stops. */
typedef bool (*serve_store_visit)(const cJSON *record, void *ud);
/* Visits c's records that meet every condition, oldest or newest first;
 * returns how many were visited. Walks only the records that have the
 * wanted value of one condition's field (an index, built on first use). */
size_t serve_store_select(serve_collection *c, const serve_where *w, size_t n_where, bool newest,
                          serve_store_visit visit, void *ud);
/* The field a `where` key names: a top-level name, or a dotted path into
 * nested objects (`commit_info.branch`). NULL when absent. */
const cJSON *serve_store_field(const cJSON *rec, const char *key);
/* A value as `where` compares it: a string's text, else its JSON (caller
 * frees); NULL for NULL. */
char *serve_store_value_text(const cJSON *v);

/* ---- injection ---- */
typedef enum {
  INJ_NONE = 0,
  INJ_STATUS,
  INJ_MALFORMED_JSON,
  INJ_TRUNCATED,
  INJ_RESET,       /* close without answering, before the request is acted on */
  INJ_RESET_AFTER, /* act on the request, then close without answering */
  INJ_SLOW,
  INJ_EMPTY
} serve_inject_kind;

typedef struct serve_inject {
  serve_inject_kind kind; /* INJ_NONE: answer as a conformant server (a sequence's "200") */
  int status;             /* INJ_STATUS */
  long delay_ms;          /* INJ_SLOW */
  char *text;             /* as written, for reports (owned) */
  /* Targeting (docs/serve.md "Targeted injection"): a targeted item applies
   * to every request it matches, whatever --inject-rate. */
  bool targeted;
  char *method;             /* "@METHOD PATH": NULL or "*" any method (owned) */
  char *path;               /* a glob on the decoded path, `*` any text; NULL any (owned) */
  long nth;                 /* "#N": only the Nth matching request; 0 every one */
  struct serve_inject *seq; /* "[503,503,200]": element k answers the k-th match (owned) */
  size_t n_seq;
} serve_inject;

bool serve_inject_parse(const char *list, serve_inject **out, size_t *n, gt_err *err);
void serve_inject_free(serve_inject *v, size_t n);

/* ---- audit: the client-side rules (serve_rules.c), one record per request ---- */
typedef enum serve_rule_id {
  RULE_PERCENT_ENCODING,
  RULE_HTTPS_REQUIRED,
  RULE_DOCUMENTED_ROUTE,
  RULE_CREDENTIAL_IN_HEADER,
  RULE_CREDENTIAL_PRESENT,
  RULE_CREDENTIAL_VALID,
  RULE_UTF8,
  RULE_JSON_CONTENT_TYPE,
  RULE_JSON_PARSES,
  RULE_BODY_SIZE,
  RULE_REQUEST_BODY,
  RULE_REQUEST_VALID,
  RULE_HTTP_FRAMING,
  RULE_RETRY_AFTER,
  RULE_RETRY_MISSING,
  RULE_RETRY_TOO_SOON,
  RULE_RETRY_STORM,
  RULE_DUPLICATE_SIDE_EFFECT,
  RULE_UNDOCUMENTED_ROUTE,
  SERVE_RULE_COUNT,
  SERVE_RULE_NONE = SERVE_RULE_COUNT, /* "no rule" where a function returns one */
} serve_rule_id;

typedef enum serve_rule_severity {
  SERVE_RULE_FAILURE, /* fails the request's testcase (and serve's exit code) */
  SERVE_RULE_NOTE,    /* reported with the request; the client still conformed */
} serve_rule_severity;

typedef struct serve_rule_info {
  serve_rule_id id; /* equal to its index (a test checks) */
  const char *name; /* in the report: the failure's type and the line's prefix */
  serve_rule_severity severity;
  const char *doc; /* what a conforming client does; docs/serve.md lists it verbatim */
} serve_rule_info;

extern const serve_rule_info serve_rules[SERVE_RULE_COUNT];

typedef struct serve_audit {
  char *method, *path;        /* path without query, redacted */
  char *suite;                /* classname: routed suite name or "serve" */
  gt_buf failed;              /* "rule: detail\n" lines */
  const char *first_rule;     /* the first failed rule's name (static), NULL when conformed */
  uint64_t rules;             /* bit (1 << serve_rule_id) per rule broken, notes included */
  int status;                 /* answered status (0: reset) */
  const serve_inject *inject; /* borrowed from gt_serve, or NULL */
  int retry_after;            /* seconds announced, 0 if none */
  double t_in, t_out;         /* monotonic seconds: arrival, answer decided */
  uint64_t body_hash;
  uint64_t cred_hash;             /* of the credential presented (header or access_token), 0 none */
  char peer[48];                  /* the client's IP address, "" unknown */
  char idem_key[128];             /* Idempotency-Key (or the policy's header), "" none */
  const gt_client_policy *policy; /* of the suite that answered (borrowed) */
  gt_buf out;                     /* system-out text */
  /* Filled by serve_audit_record (serve_audit.c) when the record is handed over: */
  size_t seq;         /* the request's number, "#N" in the report (1-based, arrival order) */
  long route;         /* index in gt_serve.routes; -1: not routed */
  unsigned attempt;   /* 1; a retry of an injected answer: 1 + that answer's attempt */
  size_t retry_of;    /* the seq of the injected answer this request retries, 0: none */
  size_t retry_seq;   /* injected: the seq of the request that retried it, 0: none (yet) */
  double retry_delay; /* injected and retried: seconds from this answer to the retry */
} serve_audit;

/* Records that the request broke rule id: "name: detail" in a->failed (a
 * note: in a->out), and the first failed rule. */
void serve_rule(serve_audit *a, serve_rule_id id, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The same for any row (serve_rule passes serve_rules[id]; tests pass their own). */
void serve_rule_vrecord(serve_audit *a, const serve_rule_info *r, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

struct gt_serve {
  gt_serve_opts opts;
  char *listen, *tls_listen, *cert, *key; /* owned copies */
  serve_suite *suites;
  size_t n_suites;
  serve_route *routes;
  size_t n_routes;
  serve_inject *injects;
  size_t n_injects;
  long *inject_seen;  /* per injection: matching requests so far (s->lock) */
  bool unknown_note;  /* --unknown-routes note: undocumented_route notes, not failures */
  int unknown_status; /* with note:STATUS, the status undeclared routes are answered; 0: as ever */
  /* Everything above is read-only once gt_serve_new returns: requests read
   * it without a lock. Each lock below guards one short step of a request. */
  pthread_mutex_t lock; /* the state the answers change: store, rates, prng, next_int */
  serve_store store;
  struct {
    char *key;
    time_t window;
    long count;
  } * rates;
  size_t n_rates;
  uint64_t prng;
  long long next_int;
  pthread_mutex_t audit_lock;  /* the audit stream and the counts of answers */
  struct serve_stream *stream; /* serve_audit.c: report, --har, pending records, summary */
  size_t answered;
  size_t completed; /* answers fully sent (or their connection closed) */
  bool done;
  /* the listeners: set by gt_serve_start, cleared by gt_serve_stop */
  void *http_daemon, *https_daemon; /* struct MHD_Daemon* */
  struct serve_acceptor *acceptor;  /* the plain listener's accept loop (owned) */
  void *listener_ctx[2];            /* per-daemon callback context (owned) */
  char *cert_pem, *key_pem;         /* kept alive while the TLS daemon runs (owned) */
  size_t body_cap;                  /* bytes of a request body kept: max max_body + 1 */
  int http_port, https_port;
};

/* ---- per-request context for ${..} inside respond: ---- */
typedef struct serve_ctx {
  gt_serve *s;
  const serve_suite *ss;
  const gt_serve_request *req;
  char *path;       /* decoded path with the base path stripped (owned) */
  cJSON *path_vars; /* object (owned) */
  cJSON *query;     /* object name -> decoded string (owned) */
  cJSON *body;      /* parsed JSON / form object, or NULL (owned) */
  cJSON *parts;     /* multipart/form-data: its parts' filename and type (owned by the
                       exchange that asked serve_body_check), or NULL */
  char new_id[25], new_uuid[37];
  long long new_int;
  time_t now;
  cJSON *record;               /* a copy of the record found, or NULL (owned) */
  cJSON *records;              /* owned array, or NULL */
  const cJSON *item;           /* store.each: the element being stored (borrowed), or NULL */
  cJSON *stored;               /* store.each: the entries stored, one object (owned), or NULL */
  const char *message;         /* text for synthesized !string in error bodies */
  int error_status;            /* an error body's HTTP status: synthesized !integer */
  int injected_status;         /* non-zero: the status an error answer is given (--inject) */
  long rl_limit, rl_remaining; /* rate-limit headers of this answer */
  time_t rl_reset;
  bool answered_error;  /* an error answer (for the audit) */
  bool invalid;         /* a respond.validate item failed */
  char *invalid_detail; /* then: which parameter and why (owned) */
} serve_ctx;

/* Expression expansion (docs/serve.md "Expressions"). */
void serve_expand_text(const serve_ctx *c, const char *text, size_t len, gt_buf *out);
/* Node -> JSON: ${..} expanded with type fidelity, matcher tags synthesized.
 * Returns NULL for !absent. Caller owns. */
cJSON *serve_value(const serve_ctx *c, const gt_node *n);
/* Text form of a node's value (header values, ids). Caller frees. */
char *serve_value_text(const serve_ctx *c, const gt_node *n);
/* Looks a name up (request names first, then the suite scope). Caller owns. */
cJSON *serve_lookup(const serve_ctx *c, const char *name);

/* The plain-HTTP listener (serve_accept.c): accepts on its own socket, peeks
 * at each head, refuses bad framing itself, hands the rest to daemon (an MHD
 * daemon without a listen socket). *port gets the bound port. */
typedef struct serve_acceptor serve_acceptor;
struct sockaddr;
serve_acceptor *serve_acceptor_start(gt_serve *s, void *daemon, const struct sockaddr *sa,
                                     unsigned sa_len, int *port, gt_err *err);
/* Stops accepting, waits for the connections being peeked at, frees. */
void serve_acceptor_stop(serve_acceptor *a);

/* ---- the audit stream (serve_audit.c) ----
 * Records are written to the report (and --har) as soon as nothing can
 * change them any more, so memory stays flat however long serve runs; only
 * records with an injected answer wait (at most the retry window) for the
 * request that retries them. */
bool serve_audit_open(gt_serve *s, gt_err *err);
/* Takes a's owned fields (a is zeroed). Thread-safe (locks s->audit_lock). */
void serve_audit_record(gt_serve *s, serve_audit *a, const serve_route *rt,
                        const gt_serve_request *req, const gt_serve_response *resp);
void serve_audit_free(gt_serve *s);
/* The rule lines ("rule: detail\n") the last recorded request broke when it
 * was recorded, "" when none: for tests that send one request at a time
 * (records are not kept). Caller frees. */
char *serve_audit_last_failed(gt_serve *s);

/* ---- what a record says (serve_record.c) ----
 * One redaction for the report and the HAR: the configured secrets, and
 * whatever a client sends in the credential's place (its header, the
 * `access_token` query parameter) whole, whether or not it is the
 * configured credential. */
/* The request as text (request line, headers, first KiB of the body), redacted. */
void serve_record_request(const gt_serve *s, const gt_serve_request *r, gt_buf *out);
/* The answer: status line, headers, first 4 KiB of the body, redacted; or "reset". */
void serve_record_answer(const gt_serve *s, const gt_serve_response *resp, gt_buf *out);
/* A header value as the report shows it (caller frees). */
char *serve_redact_header(const gt_serve *s, const char *name, const char *value);
/* A request-target / URL as the report shows it (caller frees). */
char *serve_redact_target(const gt_serve *s, const char *target);
/* Body text redacted (appends to out). */
void serve_redact_text(const gt_serve *s, const char *text, size_t len, gt_buf *out);
/* The reason phrase of an HTTP status ("Created"), "" when unknown. */
const char *serve_reason_phrase(int status);

/* ---- --har FILE (serve_har.c): HAR 1.2, streamed, renamed into place at the end ---- */
typedef struct serve_har serve_har;
serve_har *serve_har_open(const char *path, gt_err *err);
/* One entry as JSON text (caller frees); built without a lock. */
char *serve_har_entry(const gt_serve *s, const serve_audit *a, const gt_serve_request *req,
                      const gt_serve_response *resp);
bool serve_har_write(serve_har *h, const char *entry); /* the caller serialises */
bool serve_har_close(serve_har *h, gt_err *err);       /* frees h */
void serve_har_abort(serve_har *h);                    /* frees h, removes the file */

/* ---- retries of injected answers (serve_retry.c) ---- */
/* later (just recorded) may be a retry of injected (an earlier record whose
 * answer was injected and that no request retried yet). */
bool serve_retry_matches(const gt_serve *s, const serve_audit *injected, const serve_audit *later);
/* injected is settled: retried (retry_seq, retry_delay) or not (retry_seq 0:
 * its window passed, or serve stopped). Adds the verdict to its out and rules. */
void serve_retry_judge(const gt_serve *s, serve_audit *injected);
/* later was just found to retry injected (its attempt set): the rules judged
 * on the resend itself (retry_storm, duplicate_side_effect). */
void serve_retry_linked(const gt_serve *s, const serve_audit *injected, serve_audit *later);
/* The policy as one line ("retry 429,503,reset; at most 4 attempts; ..."),
 * NULL when it expects nothing (caller frees). */
char *serve_retry_policy_text(const gt_client_policy *p);
/* Seconds an injected answer waits for its retry. */
double serve_retry_window(const gt_serve *s);

/* The MHD glue reports an answer sent or abandoned (for --max-requests). */
void serve_note_completed(gt_serve *s);

/* Small helpers. */
/* Random ids from s->prng (gt_splitmix64); the caller holds the lock. */
void serve_random_hex(gt_serve *s, char *out, size_t n); /* n hex chars + NUL */
void serve_random_uuid(gt_serve *s, char out[37]);
double serve_now_mono(void);
const char *serve_req_header(const gt_serve_request *r, const char *name);
void serve_resp_add_header(gt_serve_response *r, const char *name, const char *value);
/* A multipart/form-data body (ct: its Content-Type, with the boundary) as
 * an object of its fields' string values (a part's NUL bytes read as '?');
 * with parts non-NULL, also *parts: per part name an object with its
 * "filename" and "content_type" when it has them. false when it is not well
 * formed (*out and *parts NULL). Caller frees both. serve_multipart.c. */
bool serve_parse_multipart(const char *ct, const char *body, size_t len, cJSON **out,
                           cJSON **parts);

/* Auth (serve_auth.c): returns GT_FAULT_VALID or the fault the request shows. */
gt_fault_id serve_auth_check(const serve_suite *ss, const gt_serve_request *req, const cJSON *query,
                             char **presented);

/* Routing (serve_route.c). */
bool serve_routes_build(gt_serve *s, gt_err *err);
/* Finds the route for a decoded full path. Returns the route index or -1, and
 * sets *why to VALID, UNKNOWN_PATH, WRONG_METHOD or UNVERSIONED; *suite to the
 * suite that answers (routed, or best guess for errors). */
long serve_route_find(gt_serve *s, const char *method, const char *path, gt_fault_id *why,
                      size_t *suite, cJSON *path_vars);

/* Answers (serve_answer.c). */
void serve_error_answer(serve_ctx *c, const serve_route *rt, gt_fault_id f,
                        gt_serve_response *resp);
void serve_common_headers(serve_ctx *c, const char *credential_key, gt_serve_response *resp);
/* The profile's `errors.answers` body for status (error shape and envelope
 * merged in unless `!exact`); false when the profile has none for it. */
bool serve_status_answer(serve_ctx *c, int status, gt_serve_response *resp);
/* The route's respond: block. Locks c->s->lock for its state steps only
 * (lookup, conflict, delete, store, list). */
bool serve_respond(serve_ctx *c, const serve_route *rt, gt_serve_response *resp);
/* The first respond.validate item of rt the request fails, as "invalid
 * body.x: expected ..., got ..." (caller frees), or NULL; answers nothing
 * (for a request another finding already answered). An item whose value
 * names element 0 of an array (`${body.messages.0.x}`) checks every element. */
char *serve_validate_probe(const serve_ctx *c, const serve_route *rt);

/* Body checks (serve_body.c): GT_FAULT_VALID or the fault; fills c->body. */
gt_fault_id serve_body_check(serve_ctx *c, const serve_route *rt, gt_buf *detail);

#endif
