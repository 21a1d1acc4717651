/* outcome.c — classifying libcurl errors into the outcomes checks and reports speak. */
#include "http.h"

#include <curl/curl.h>
#include <string.h>

gt_http_outcome gt_http_outcome_from_curl(int code) {
  switch ((CURLcode)code) {
  case CURLE_OK:
    return GT_HTTP_OK;
  case CURLE_COULDNT_CONNECT:
    return GT_HTTP_REFUSED;
  case CURLE_RECV_ERROR:
  case CURLE_SEND_ERROR:
  case CURLE_GOT_NOTHING:
  case CURLE_PARTIAL_FILE:
  case CURLE_HTTP2:        /* the h2 session broke (GOAWAY, bad frame) */
  case CURLE_HTTP2_STREAM: /* RST_STREAM: h2's reset */
    return GT_HTTP_RESET;
  case CURLE_OPERATION_TIMEDOUT:
    return GT_HTTP_TIMEOUT;
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_SSL_ENGINE_NOTFOUND:
  case CURLE_SSL_ENGINE_SETFAILED:
  case CURLE_SSL_CERTPROBLEM:
  case CURLE_SSL_CIPHER:
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_ENGINE_INITFAILED:
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_SHUTDOWN_FAILED:
  case CURLE_SSL_CRL_BADFILE:
  case CURLE_SSL_ISSUER_ERROR:
  case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
  case CURLE_SSL_INVALIDCERTSTATUS:
  case CURLE_SSL_CLIENTCERT:
    return GT_HTTP_TLS;
  case CURLE_COULDNT_RESOLVE_HOST:
    return GT_HTTP_DNS;
  default:
    return GT_HTTP_OTHER;
  }
}

const char *gt_http_outcome_name(gt_http_outcome o) {
  switch (o) {
  case GT_HTTP_OK:
    return "ok";
  case GT_HTTP_REFUSED:
    return "connection refused";
  case GT_HTTP_RESET:
    return "connection reset";
  case GT_HTTP_TIMEOUT:
    return "timeout";
  case GT_HTTP_TLS:
    return "TLS failure";
  case GT_HTTP_DNS:
    return "DNS failure";
  case GT_HTTP_OTHER:
    break;
  }
  return "transport error";
}

void gt_http_error_text(char *out, size_t cap, int curlcode, const char *detail) {
  gt_buf b; /* built whole, then cut to fit: the detail is the most useful part */
  gt_buf_init(&b);
  gt_buf_adds(&b, curl_easy_strerror((CURLcode)curlcode));
  if (detail && detail[0]) gt_buf_printf(&b, ": %s", detail);
  size_t n = b.len < cap - 1 ? b.len : cap - 1;
  memcpy(out, b.data, n);
  out[n] = 0;
  gt_buf_free(&b);
}
