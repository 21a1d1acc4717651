/* url.c — just enough URL parsing to rewrite a request's scheme, port and path,
 * and to decide whether a host is loopback (decoy credentials for http_only). */
#include "fault_internal.h"

#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

bool gt_url_split(const char *url, gt_url_parts *p) {
  memset(p, 0, sizeof *p);
  const char *sep = strstr(url, "://");
  if (!sep || sep == url) return false;
  p->scheme_len = (size_t)(sep - url);
  size_t auth = p->scheme_len + 3;
  size_t end = auth + strcspn(url + auth, "/?#");
  p->path_start = end;
  /* userinfo ends at the last '@' inside the authority */
  size_t host = auth;
  for (size_t i = auth; i < end; i++)
    if (url[i] == '@') host = i + 1;
  p->host_start = host;
  size_t host_end;
  if (url[host] == '[') {
    const char *close = memchr(url + host, ']', end - host);
    if (!close) return false;
    host_end = (size_t)(close - url) + 1;
  } else {
    const char *colon = memchr(url + host, ':', end - host);
    host_end = colon ? (size_t)(colon - url) : end;
  }
  p->host_len = host_end - host;
  if (host_end < end && url[host_end] == ':') {
    p->port_start = host_end + 1;
    p->port_len = end - p->port_start;
  }
  return p->host_len > 0;
}

bool gt_url_is_loopback(const char *url) {
  gt_url_parts p;
  if (!url || !gt_url_split(url, &p)) return false;
  char host[256];
  size_t n = p.host_len;
  const char *h = url + p.host_start;
  if (n >= 2 && h[0] == '[') { /* IPv6 literal */
    h++;
    n -= 2;
  }
  if (n == 0 || n >= sizeof host) return false;
  memcpy(host, h, n);
  host[n] = '\0';
  if (strcasecmp(host, "localhost") == 0 || strcasecmp(host, "localhost.") == 0) return true;
  unsigned char addr[16];
  if (inet_pton(AF_INET, host, addr) == 1) return addr[0] == 127;
  if (inet_pton(AF_INET6, host, addr) == 1) {
    static const unsigned char v6_loopback[16] = {[15] = 1};
    static const unsigned char v4_mapped[12] = {[10] = 0xff, [11] = 0xff};
    if (memcmp(addr, v6_loopback, 16) == 0) return true;
    return memcmp(addr, v4_mapped, 12) == 0 && addr[12] == 127;
  }
  return false;
}

const char *gt_url_find_segment(const char *text, const char *seg) {
  size_t n = strlen(seg);
  for (const char *at = strstr(text, seg); at; at = strstr(at + 1, seg))
    if (!at[n] || at[n] == '/' || at[n] == '?' || at[n] == '#') return at;
  return NULL;
}
