/* fault.h — the fault catalogue (docs/faults.md): expanding scenarios into cases, and
 * turning one case into the exact request bytes to send.
 *
 * Expansion is pure (no I/O, no randomness beyond the seed). A case that cannot
 * apply (no body, no credential, no JWT, no secret, no version prefix...) is
 * kept with skip_reason set: never silently dropped. */
#ifndef GT_FAULT_FAULT_H
#define GT_FAULT_FAULT_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/err.h"
#include "../core/model.h"
#include "../core/secrets.h"
#include "../core/vars.h"
#include "../http/http.h"

/* How the runner must execute a case. */
typedef enum gt_case_mode {
  GT_MODE_NORMAL = 0, /* one request through the executor */
  GT_MODE_RAW,        /* raw bytes (wire_*, truncated_body, slow_body); then a liveness probe */
  GT_MODE_RATE_LIMIT, /* repeat until 429 or 2 x limit; after every other case of the suite */
} gt_case_mode;

typedef struct gt_case {
  size_t scenario; /* index into suite->scenarios */
  gt_fault_id fault;
  int index;   /* 1-based when the fault yields several cases, else 0 */
  char *label; /* variant detail: "$.user.id", "DELETE", "empty bearer"; may be NULL */
  char *name;  /* JUnit testcase name: "list apps [valid]",
                  "create [missing_field #2 $.user.id]" (owned) */
  gt_case_mode mode;
  bool transport_only; /* http_only, wire_*: judged by their own expectation only */
  bool needs_alive;    /* send the valid request afterwards; it must pass */
  gt_expect expect;    /* merged: catalogue default < profile faults.expect < scenario */
  char *skip_reason;   /* non-NULL: not applicable, reported as skipped */
  int param;           /* fault-specific variant selector */
  char *param_text;    /* fault-specific (field path, method, claim name) */
} gt_case;

typedef struct gt_case_list {
  gt_case *items;
  size_t count;
} gt_case_list;

typedef struct gt_expand_opts {
  /* --faults: NULL = each scenario's own set (or the profile's default);
   * "all" = the whole catalogue (rate_limit only when limits.rate_limit is set);
   * "none" = valid cases only; "a,b,c" = each scenario's set kept to those;
   * "-x" items drop x ("all,-wire_bare_lf"; "-x" alone: the own set minus x). */
  const char *faults;
  const char *skip_faults; /* --skip-faults "a,b": never these (NULL: none) */
  /* When set, profile values that gate a fault are expanded through it: a
   * jwt_secret that expands to "" (e.g. ${JWT_SECRET:-} unset) counts as no
   * secret, so minted-token faults are skipped rather than signed with "". */
  const gt_scope *scope;
} gt_expand_opts;

/* ---- the fault table (fault/catalogue.c) ----
 *
 * One row per fault, in gt_fault_id order: everything the rest of the program
 * knows about a fault is read from its row. Adding a fault is one enum value
 * in core/model.h, one row, and its mutation (a case in the family's
 * gt_mutate_* switch, or in gt_build_raw for raw-mode faults). docs/faults.md
 * is checked against the rows by tests/unit/test_docs_tables.c. */

/* What a fault needs before it can apply; a case whose need is unmet is
 * skipped with that need's reason (expand.c), never dropped. Checked in bit
 * order, so the first unmet need names the skip. */
enum {
  GT_NEED_CREDENTIAL = 1u << 0,         /* the profile's credential, on a request with auth */
  GT_NEED_JWT = 1u << 1,                /* auth.format: jwt */
  GT_NEED_JWT_SECRET = 1u << 2,         /* auth.jwt_secret, not empty once expanded */
  GT_NEED_JWT_CLAIMS = 1u << 3,         /* auth.jwt_claims with at least one key */
  GT_NEED_JSON_BODY = 1u << 4,          /* a JSON request body */
  GT_NEED_FIELDS_BODY = 1u << 5,        /* a JSON or form request body */
  GT_NEED_BODY = 1u << 6,               /* any request body */
  GT_NEED_HTTPS_API = 1u << 7,          /* the profile does not say https_only: false */
  GT_NEED_VERSION_PREFIX = 1u << 8,     /* versioning.prefix */
  GT_NEED_RATE_LIMIT = 1u << 9,         /* limits.rate_limit */
  GT_NEED_HEADER_CREDENTIAL = 1u << 10, /* the credential travels in a header */
  GT_NEED_OPENAPI = 1u << 11,           /* the scenario is tied to an OpenAPI operation */
  GT_NEED_COUNT = 12
};

struct gt_draft;
struct gt_variant_vec;
struct gt_build_ctx;
/* Draft-stage mutation of one case (fault_internal.h describes the draft). */
typedef bool (*gt_fault_mutate_fn)(const struct gt_build_ctx *ctx, const gt_case *c,
                                   struct gt_draft *d, gt_err *err);
/* Fills the variants of a multi-case fault (one case each). */
typedef void (*gt_fault_variants_fn)(const gt_suite *s, const gt_scenario *sc,
                                     struct gt_variant_vec *v);

typedef struct gt_fault_status_range {
  short lo, hi; /* inclusive; {0, 0} ends the list */
} gt_fault_status_range;

typedef struct gt_fault_info {
  gt_fault_id id; /* equals the row's index (a unit test checks it) */
  const char *name;
  const char *family; /* heading in docs/faults.md */
  gt_case_mode mode;
  unsigned needs;      /* GT_NEED_* bits */
  bool transport_only; /* judged by its own expectation only, no universal checks */
  bool needs_alive;    /* the valid request is sent afterwards and must get a non-5xx answer */
  /* One rule for refused-or-answered faults: an answer whose status is in the
   * refusal set (400 408 413 414 431 501; gt_status_in_refusal_set) is judged
   * by its status alone; any other answer gets every universal check. */
  bool refusal_rule;
  bool accepts_no_answer;    /* no answer within the timeout passes (wire_bare_lf, §2.2) */
  bool all_only_when_needed; /* --faults all: only when its needs are met and a variant
                                applies */
  /* The status expectation comes from the scenario's API description: its
   * contract's `reject` (the documented 4xx, else 400 or 422), over the
   * catalogue default and under the profile's and the scenario's. */
  bool expect_from_contract;
  gt_fault_mutate_fn mutate;     /* NULL: nothing to mutate in the draft */
  gt_fault_variants_fn variants; /* NULL: one case per scenario */
  struct {
    const char *status_text; /* NULL: no status expectation */
    gt_fault_status_range status[6];
    bool refused;     /* a refused or reset connection is acceptable */
    bool error_shape; /* a 4xx/5xx body must match errors.shape */
    bool cors_origin; /* headers: { Access-Control-Allow-Origin: !any } */
  } expect;
  const char *sends;      /* docs: what is sent */
  const char *expect_doc; /* docs: the default expectation in words */
  const char *skip_doc;   /* docs: a skip beyond the needs (no variant applies), or NULL */
} gt_fault_info;

/* 400, 408, 413, 414, 431, 501: how an HTTP layer refuses a message it cannot read. */
bool gt_status_in_refusal_set(int status);

/* The row of id; NULL when id is out of range. */
const gt_fault_info *gt_fault_info_of(gt_fault_id id);
/* "unauthenticated" -> id; -1 if unknown. */
int gt_fault_from_name(const char *name);
/* true when the fault's request is not the scenario's operation (another
 * path or method: family "paths and methods") or only the transport judges
 * it: an API description's answers for the operation do not govern it
 * (the `schema` check and coverage leave it out). */
bool gt_fault_leaves_operation(gt_fault_id id);
const char *gt_fault_name(gt_fault_id id); /* "?" when out of range */
/* Docs text of one GT_NEED_* bit: when a case is skipped for it. */
const char *gt_fault_need_doc(unsigned need);

/* ---- default expectations (docs/faults.md) ----
 *
 * gt_fault_default_expect returns the catalogue's default for a fault: a
 * static gt_expect owned by the catalogue (built once, thread-safe; released
 * only by gt_fault_catalogue_free, at exit or in leak-checked tests). The
 * default for GT_FAULT_VALID is all-unset (the scenario's expect applies).
 *
 * How `refused` is judged (the rule gt_check_response implements):
 *   - response outcome REFUSED or RESET (no complete response):
 *       pass  when expect.refused == 1,
 *       fail  (GT_CHECK_TRANSPORT) otherwise;
 *     TIMEOUT, TLS, DNS and OTHER outcomes always fail (GT_CHECK_TRANSPORT).
 *   - a response arrived (outcome OK): judged like any other, i.e. its status
 *     must be in expect.status when has_status; refused == 1 does NOT make a
 *     response acceptable by itself. So refused = 1 reads "a refusal/reset is
 *     acceptable, and if a response comes it must be in the status set".
 * Defaults using it: http_only (refused or 300-499: never 2xx, never 5xx),
 * wire_* (refused or 400/408/413/414/431/501), truncated_body (refused or any
 * non-2xx status).
 *
 * error_shape = 1 ("+ error shape" in docs/faults.md): a 4xx/5xx body must match the
 * profile's errors.shape. cors_preflight's default carries headers =
 * MAP { Access-Control-Allow-Origin: !any } and status 200-299.
 * rate_limit's default is status 429 + error shape (the runner applies it to
 * the first 429 it gets, or fails GT_CHECK_RATE_LIMIT when none came). */
const gt_expect *gt_fault_default_expect(gt_fault_id id);
void gt_fault_catalogue_free(void);

/* Validates a --faults value. */
bool gt_faults_option_valid(const char *faults, gt_err *err);
/* Validates a --skip-faults value (fault names only). */
bool gt_skip_faults_option_valid(const char *skip, gt_err *err);
/* Expands a suite into cases, in suite order: for each scenario its valid case
 * then its faults in catalogue order; rate_limit cases are placed last. */
bool gt_cases_expand(const gt_suite *s, const gt_expand_opts *o, gt_case_list *out, gt_err *err);
void gt_case_list_free(gt_case_list *l);

/* The state behind ${gen.*} while one case is built (gen.c). */
typedef struct gt_gen_state {
  uint64_t rng;    /* the case's generated-value stream */
  int64_t now_ms;  /* the case's clock */
  bool clock_used; /* a time went into the request (minted token, ${gen.now_*}) */
} gt_gen_state;

void gt_gen_init(gt_gen_state *g, uint64_t seed, const char *case_name, int64_t now_ms);
/* gt_gen_fn for a gt_gen_state (ud). */
cJSON *gt_gen_value(void *ud, const char *name, size_t len);

typedef struct gt_build_ctx {
  const gt_suite *suite;
  const gt_scope *scope; /* captures, --var, suite variables, env */
  const char *base_url;  /* --base-url override, or NULL for the suite's */
  gt_secrets *secrets;   /* derived secrets (forged tokens...) are added here */
  uint64_t seed;         /* --seed: the same seed and case give the same bytes */
  long timeout_ms;       /* per request; 0: suite default, else 10 s */
  int64_t now;           /* Unix time for minted JWTs (exp/iat); 0 = time(NULL).
                            Tests pin it to get byte-exact tokens. */
  int64_t now_ms;        /* the clock in ms (--now-ms); wins over `now`; 0 = read it */
  gt_gen_state *gen;     /* set by gt_case_build for the case being built */
} gt_build_ctx;

/* Builds the request for case c (its valid request mutated by its fault).
 * out->clock_ms is the clock the case used, when it used one.
 * Fails with GT_ERR_INPUT when a variable is undefined (a missing capture is
 * reported by the runner as a skip before calling this). */
bool gt_case_build(const gt_build_ctx *ctx, const gt_case *c, gt_http_request *out, gt_err *err);
/* The valid request of c's scenario. */
bool gt_case_build_valid(const gt_build_ctx *ctx, const gt_case *c, gt_http_request *out,
                         gt_err *err);

/* The liveness probe after a raw-connection fault must not repeat a side
 * effect: it is the scenario's valid request when its method is safe (GET,
 * HEAD, OPTIONS), else the profile's `liveness:` request, else a GET of the
 * base URL (docs/faults.md). */
typedef enum { GT_LIVENESS_VALID, GT_LIVENESS_PROFILE, GT_LIVENESS_BASE_URL } gt_liveness_kind;
gt_liveness_kind gt_liveness_kind_of(const gt_suite *s, const gt_scenario *sc);
bool gt_case_build_liveness(const gt_build_ctx *ctx, const gt_case *c, gt_http_request *out,
                            gt_err *err);
/* GET, HEAD or OPTIONS (upper case). */
bool gt_method_is_safe(const char *method);

/* JWT helpers (HS256 with libcrypto), exposed for tests and serve. */
/* Returns a newly allocated token "h.p.s" for the claims object; caller frees. */
char *gt_jwt_mint(const cJSON *header, const cJSON *claims, const char *secret);
/* Decodes a JWT's header and payload (no verification); false if not a JWT. */
bool gt_jwt_decode(const char *jwt, cJSON **header, cJSON **payload);
/* Verifies an HS256 signature. */
bool gt_jwt_verify(const char *jwt, const char *secret);

/* True when the URL's host is a loopback address (127.0.0.0/8, ::1, localhost). */
bool gt_url_is_loopback(const char *url);

/* The first occurrence in text of seg ("/v2") that ends a segment (followed
 * by the end, '/', '?' or '#': "/v2" in "/api/v2/x", not in "/v20"), or NULL. */
const char *gt_url_find_segment(const char *text, const char *seg);

#endif
