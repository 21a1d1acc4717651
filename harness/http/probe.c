/* probe.c — does a URL's host:port accept a TCP connection? (--wait-for)
 *
 * A plain non-blocking connect with a deadline on every address the host
 * resolves to: nothing is sent, no TLS handshake is made, so a target that
 * listens but is not ready for TLS yet still counts as accepting. */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http.h"

/* Host and port of url (default port by scheme). false if url cannot be parsed. */
static bool host_port(const char *url, char **host, char **port) {
  CURLU *u = curl_url();
  if (!u) return false;
  bool ok = curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
            curl_url_get(u, CURLUPART_HOST, host, 0) == CURLUE_OK &&
            curl_url_get(u, CURLUPART_PORT, port, CURLU_DEFAULT_PORT) == CURLUE_OK;
  curl_url_cleanup(u);
  return ok;
}

/* One address: connect with a deadline. 0 on success, else an errno value. */
static int connect_one(const struct addrinfo *ai, long timeout_ms) {
  int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
  if (fd < 0) return errno;
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  int rc = connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 ? 0 : errno;
  if (rc == EINPROGRESS) {
    struct pollfd p = {.fd = fd, .events = POLLOUT};
    int n = poll(&p, 1, (int)timeout_ms);
    if (n == 0) {
      rc = ETIMEDOUT;
    } else if (n < 0) {
      rc = errno;
    } else {
      socklen_t len = sizeof rc;
      if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &rc, &len) != 0) rc = errno;
    }
  }
  close(fd);
  return rc;
}

gt_http_outcome gt_http_tcp_probe(const char *url, long timeout_ms, char *detail, size_t cap) {
  char *host = NULL, *port = NULL;
  if (!host_port(url, &host, &port)) {
    snprintf(detail, cap, "cannot parse the URL '%s'", url);
    curl_free(host);
    curl_free(port);
    return GT_HTTP_OTHER;
  }
  /* curl keeps IPv6 literals bracketed */
  char *h = host;
  size_t hl = strlen(h);
  if (hl > 2 && h[0] == '[' && h[hl - 1] == ']') {
    h[hl - 1] = 0;
    h++;
  }
  struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_family = AF_UNSPEC};
  struct addrinfo *res = NULL;
  int g = getaddrinfo(h, port, &hints, &res);
  gt_http_outcome out;
  if (g != 0) {
    snprintf(detail, cap, "cannot resolve host '%s': %s", h, gai_strerror(g));
    out = GT_HTTP_DNS;
  } else {
    int rc = ETIMEDOUT;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next)
      if ((rc = connect_one(ai, timeout_ms)) == 0) break;
    if (rc == 0) {
      detail[0] = 0;
      out = GT_HTTP_OK;
    } else {
      snprintf(detail, cap, "%s:%s: %s", h, port, strerror(rc));
      out = rc == ECONNREFUSED ? GT_HTTP_REFUSED
            : rc == ETIMEDOUT  ? GT_HTTP_TIMEOUT
                               : GT_HTTP_OTHER;
    }
    freeaddrinfo(res);
  }
  curl_free(host);
  curl_free(port);
  return out;
}
