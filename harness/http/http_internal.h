/* http_internal.h — shared between http/'s own files (and its unit tests)
 * only: libcurl code mapping, the TLS options, header-line and raw-response
 * parsing, the raw-mode exchange. Everything else uses http.h. */
#ifndef GT_HTTP_INTERNAL_H
#define GT_HTTP_INTERNAL_H

#include <curl/curl.h>

#include "http.h"

/* The one place TLS options reach libcurl (executor and raw mode alike):
 * verification stays on unless opts->insecure; CA file, client cert, key. */
void gt_http_set_tls(CURL *easy, const gt_http_opts *opts);

/* Maps a CURLcode (passed as int to keep curl out of this header). */
gt_http_outcome gt_http_outcome_from_curl(int curlcode);
/* "curl_easy_strerror: detail" cut to fit out[cap]. */
void gt_http_error_text(char *out, size_t cap, int curlcode, const char *detail);
/* Appends a header (copies name_len/value_len bytes). */
void gt_http_response_add_header(gt_http_response *r, const char *name, size_t name_len,
                                 const char *value, size_t value_len);
void gt_http_response_clear_headers(gt_http_response *r);
/* Appends body bytes: keeps up to cap in r->body, counts all in body_total. */
void gt_http_response_add_body(gt_http_response *r, size_t cap, const char *data, size_t n);
/* Folds one header-block line (CRLF optional) into r: a status line resets the
 * headers and sets status/http_version; "Name: value" appends; a line starting
 * with SP/HTAB continues the previous value. False when the line is neither. */
bool gt_http_response_header_line(gt_http_response *r, const char *line, size_t len);

/* Raw mode, blocking: one exchange of req->raw bytes on a fresh connection
 * (see gt_http_request). `cancel` (may be NULL) is polled every ~50 ms and
 * ends the exchange early with outcome OTHER. extra_responses counts status
 * lines of further responses after the first one ended (smuggling). */
void gt_http_raw_exchange(const gt_http_opts *opts, const gt_http_request *req,
                          gt_http_response *resp, const _Atomic bool *cancel);

/* Incremental HTTP/1.x response parser for raw mode. */
typedef struct gt_http_raw_parser gt_http_raw_parser;
/* head_request: the request was HEAD (the response has no body). */
gt_http_raw_parser *gt_http_raw_parser_new(gt_http_response *resp, size_t body_cap,
                                           bool head_request);
/* Feeds received bytes. */
void gt_http_raw_parser_feed(gt_http_raw_parser *p, const char *data, size_t n);
/* The peer closed: a body delimited by the close is complete now. */
void gt_http_raw_parser_eof(gt_http_raw_parser *p);
/* True once a status line of the first final response was parsed. */
bool gt_http_raw_parser_has_status(const gt_http_raw_parser *p);
/* True once the first final response is complete. */
bool gt_http_raw_parser_first_done(const gt_http_raw_parser *p);
/* True when the bytes could not be parsed as HTTP/1.x. */
bool gt_http_raw_parser_malformed(const gt_http_raw_parser *p);
void gt_http_raw_parser_free(gt_http_raw_parser *p);

#endif
