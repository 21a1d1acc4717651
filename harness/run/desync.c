/* desync.c — what a framing fault's connection may carry back.
 *
 * A wire_* request is sent keep-alive with a well-formed request (the
 * liveness request, `Connection: close`) pipelined behind it, and for the
 * ambiguous framings (two Content-Length, Content-Length with
 * Transfer-Encoding) with a request hidden in the body that only a reader of
 * the other framing sees. What the RFCs allow:
 *   - ambiguous framing (RFC 9112 §6.1, §6.3): one answer, then the
 *     connection closed. A second answer means the server read the framing
 *     one way and kept the connection (a front end reading it the other way
 *     is smuggled past); a third is the hidden request answered.
 *   - any other framing fault: the server refuses (and may close) or reads
 *     the request its own lenient way; then the pipelined request is
 *     answered as on a connection of its own. More answers than the two
 *     requests, a second answer unlike the pipelined request's own, or an
 *     accepted request followed by silence on an open connection (it is
 *     still reading the faulted message) are a desync.
 * Pure: no I/O. */
#include "desync.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"

static bool ambiguous(gt_fault_id f) {
  return f == GT_FAULT_WIRE_DUP_CONTENT_LENGTH || f == GT_FAULT_WIRE_CL_TE;
}

/* "sent: NOTE; received: 1) HTTP/1.1 200 OK, 2) ...; then the connection
 * stayed open" */
static char *received(const gt_http_request *req, const gt_http_response *resp, const char *why) {
  gt_buf b;
  gt_buf_init(&b);
  gt_buf_printf(&b, "%s; sent: %s; received: ", why,
                req->raw_note ? req->raw_note : "the faulted request");
  int shown = resp->n_answers < GT_HTTP_MAX_ANSWERS ? resp->n_answers : GT_HTTP_MAX_ANSWERS;
  for (int i = 0; i < shown; i++)
    gt_buf_printf(&b, "%s%d) %s", i ? ", " : "", i + 1, resp->answers[i].line);
  if (resp->n_answers > shown) gt_buf_printf(&b, " and %d more", resp->n_answers - shown);
  if (!resp->n_answers) gt_buf_adds(&b, "no answer");
  gt_buf_adds(&b, resp->conn_open ? "; then the connection stayed open"
                                  : "; then the connection was closed");
  return gt_buf_steal(&b);
}

static void finding(gt_failures *f, const char *expected, const gt_http_request *req,
                    const gt_http_response *resp, const char *why) {
  char *act = received(req, resp, why);
  gt_failures_add(f, GT_CHECK_SMUGGLING, "", expected, act);
  free(act);
}

void gt_judge_desync(const gt_case *c, const gt_http_request *req, const gt_http_response *resp,
                     int probe_status, gt_failures *f) {
  int n = resp->n_answers;
  if (!req->raw_pipelined_at) { /* one request on the connection: one answer */
    if (n > 1)
      finding(f, "one response on the connection", req, resp,
              "a second response followed (request smuggling)");
    return;
  }
  if (ambiguous(c->fault)) {
    static const char expected[] =
        "one answer, then the connection closed (RFC 9112 §6.1/§6.3: after an ambiguous framing "
        "the server must close; the hidden and the pipelined requests get no answer)";
    if (n >= 3)
      finding(f, expected, req, resp,
              "the hidden request was answered: the server read the framing so that the bytes of "
              "the body became a request (request smuggling)");
    else if (n == 2)
      finding(f, expected, req, resp,
              "a second request was answered on the same connection: the server read one framing "
              "and kept the connection, so a front end reading the other one smuggles the hidden "
              "request past it");
    else if (n == 1 && resp->conn_open)
      finding(f, expected, req, resp,
              "the connection stayed open after the answer: a request hidden in the body would "
              "be read next");
    return;
  }
  if (n >= 3) {
    finding(f, "at most two answers (the faulted request's and the pipelined one's)", req, resp,
            "more answers than requests sent: the server read part of the faulted request as "
            "further requests (desync)");
    return;
  }
  if (n == 2 && probe_status > 0 && resp->answers[1].status != probe_status) {
    char *why = gt_xasprintf("the second answer (%d) is not what the pipelined request gets on a "
                             "connection of its own (%d): the server read part of the faulted "
                             "request as a request (desync)",
                             resp->answers[1].status, probe_status);
    finding(f, "the pipelined request answered as on its own connection", req, resp, why);
    free(why);
    return;
  }
  if (n == 1 && resp->conn_open && !gt_status_in_refusal_set(resp->answers[0].status))
    finding(f, "after an accepted request, the pipelined request answered or the connection closed",
            req, resp,
            "the server answered the faulted request, kept the connection open and did not "
            "answer the complete request pipelined behind it: it is still reading the faulted "
            "message (desync)");
}
