/* outcome.c — classifying libcurl errors into the outcomes checks and reports
 * speak, their names, and the TLS options every libcurl handle gets. */
#include "http_internal.h"

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

/* One row per outcome: how a message names it, and its kind in dumps. */
static const struct {
  const char *name;
  const char *kind;
} outcomes[] = {
    [GT_HTTP_OK] = {"response", "ok"},
    [GT_HTTP_REFUSED] = {"connection refused", "connection"},
    [GT_HTTP_RESET] = {"connection reset", "connection"},
    [GT_HTTP_TIMEOUT] = {"timed out", "timeout"},
    [GT_HTTP_TLS] = {"TLS failure", "tls"},
    [GT_HTTP_DNS] = {"DNS failure", "dns"},
    [GT_HTTP_OTHER] = {"transport error", "transport"},
};

const char *gt_http_outcome_name(gt_http_outcome o) {
  if ((int)o < 0 || (size_t)o >= sizeof outcomes / sizeof *outcomes) o = GT_HTTP_OTHER;
  return outcomes[o].name;
}

const char *gt_http_outcome_kind(gt_http_outcome o) {
  if ((int)o < 0 || (size_t)o >= sizeof outcomes / sizeof *outcomes) o = GT_HTTP_OTHER;
  return outcomes[o].kind;
}

void gt_http_set_tls(CURL *easy, const gt_http_opts *o) {
  if (o->insecure) {
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (o->cacert) curl_easy_setopt(easy, CURLOPT_CAINFO, o->cacert);
  if (o->cert) curl_easy_setopt(easy, CURLOPT_SSLCERT, o->cert);
  if (o->key) curl_easy_setopt(easy, CURLOPT_SSLKEY, o->key);
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
