/* serve_rules.c — the client-side rules serve audits, as one table: adding a
 * rule is one row here (and its line in docs/serve.md, which a test checks
 * against this table), plus the code that detects it. */
#include <stdarg.h>

#include "serve_internal.h"

const serve_rule_info serve_rules[SERVE_RULE_COUNT] = {
    {RULE_PERCENT_ENCODING, "percent_encoding", SERVE_RULE_FAILURE,
     "the path and query are valid percent-encoding"},
    {RULE_HTTPS_REQUIRED, "https_required", SERVE_RULE_FAILURE,
     "a profile with `transport.https_only` is reached over HTTPS"},
    {RULE_DOCUMENTED_ROUTE, "documented_route", SERVE_RULE_FAILURE,
     "the method and path are a scenario of the suite"},
    {RULE_CREDENTIAL_IN_HEADER, "credential_in_header", SERVE_RULE_FAILURE,
     "the credential travels in its header, never in the query (`access_token`)"},
    {RULE_CREDENTIAL_PRESENT, "credential_present", SERVE_RULE_FAILURE,
     "a route that needs auth gets a credential"},
    {RULE_CREDENTIAL_VALID, "credential_valid", SERVE_RULE_FAILURE,
     "the credential is the profile's (a JWT: signed, unexpired, with its claims)"},
    {RULE_UTF8, "utf8", SERVE_RULE_FAILURE, "a textual body is valid UTF-8"},
    {RULE_JSON_CONTENT_TYPE, "json_content_type", SERVE_RULE_FAILURE,
     "a JSON body is labelled as JSON"},
    {RULE_JSON_PARSES, "json_parses", SERVE_RULE_FAILURE, "a body labelled JSON parses"},
    {RULE_BODY_SIZE, "body_size", SERVE_RULE_FAILURE,
     "the body is within the profile's `limits.max_body`"},
    {RULE_REQUEST_BODY, "request_body", SERVE_RULE_FAILURE,
     "the body has the scenario's required fields, with their types"},
    {RULE_REQUEST_VALID, "request_valid", SERVE_RULE_FAILURE,
     "every `respond.validate` item of the route accepts the request"},
    {RULE_HTTP_FRAMING, "http_framing", SERVE_RULE_FAILURE,
     "the request head is strictly framed (RFC 9112)"},
    {RULE_RETRY_AFTER, "retry_after", SERVE_RULE_FAILURE,
     "a retry after an injected answer waits the `Retry-After` it announced"},
    {RULE_RETRY_MISSING, "retry_missing", SERVE_RULE_FAILURE,
     "an injected failure the client policy lists is retried within the retry window"},
    {RULE_RETRY_TOO_SOON, "retry_too_soon", SERVE_RULE_FAILURE,
     "a retry waits at least the client policy's `backoff_min`"},
    {RULE_RETRY_STORM, "retry_storm", SERVE_RULE_FAILURE,
     "a request is not attempted more often than the client policy's `max_attempts`"},
    {RULE_DUPLICATE_SIDE_EFFECT, "duplicate_side_effect", SERVE_RULE_FAILURE,
     "a non-idempotent request acted on before its connection dropped (`reset_after`) is "
     "not resent without an idempotency key"},
    {RULE_UNDOCUMENTED_ROUTE, "undocumented_route", SERVE_RULE_NOTE,
     "with `--unknown-routes note`: the method and path are a scenario of the suite"},
};

void serve_rule_vrecord(serve_audit *a, const serve_rule_info *r, const char *fmt, va_list ap) {
  /* a note is reported with the request but does not fail it */
  gt_buf *to = r->severity == SERVE_RULE_NOTE ? &a->out : &a->failed;
  if ((unsigned)r->id < 64) a->rules |= UINT64_C(1) << r->id; /* for the summary's counts */
  if (r->severity == SERVE_RULE_NOTE)
    gt_buf_adds(to, "note: ");
  else if (a->first_rule == NULL)
    a->first_rule = r->name;
  gt_buf_printf(to, "%s: ", r->name);
  gt_buf_vprintf(to, fmt, ap);
  gt_buf_addc(to, '\n');
}

void serve_rule(serve_audit *a, serve_rule_id id, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  serve_rule_vrecord(a, &serve_rules[id], fmt, ap);
  va_end(ap);
}
