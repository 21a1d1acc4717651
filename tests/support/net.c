/* net.c — loopback ports and a tiny raw HTTP GET for probing targets. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

int ts_free_port(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t al = sizeof a;
  int port = -1;
  if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
      getsockname(fd, (struct sockaddr *)&a, &al) == 0)
    port = ntohs(a.sin_port);
  close(fd);
  return port;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int connect_loopback(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

bool ts_port_open(int port, long timeout_ms) {
  double deadline = now_s() + timeout_ms / 1000.0;
  do {
    int fd = connect_loopback(port);
    if (fd >= 0) {
      close(fd);
      return true;
    }
    struct timespec ts = {0, 20 * 1000 * 1000};
    nanosleep(&ts, NULL);
  } while (now_s() < deadline);
  return false;
}

char *ts_http_get(int port, const char *path, const char *extra_headers, int *status) {
  if (status) *status = 0;
  int fd = connect_loopback(port);
  if (fd < 0) return NULL;
  char *req = ts_fmt("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s\r\n", path,
                     extra_headers ? extra_headers : "");
  if (!req || write(fd, req, strlen(req)) != (ssize_t)strlen(req)) {
    free(req);
    close(fd);
    return NULL;
  }
  free(req);
  size_t cap = 65536, n = 0;
  char *buf = malloc(cap + 1);
  double deadline = now_s() + 5.0; /* bounded: a probe never hangs a test */
  while (buf && n < cap && now_s() < deadline) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, 200) <= 0) continue;
    ssize_t got = read(fd, buf + n, cap - n);
    if (got <= 0) break;
    n += (size_t)got;
  }
  close(fd);
  if (!buf) return NULL;
  buf[n] = '\0';
  int code = 0;
  if (sscanf(buf, "HTTP/1.%*d %d", &code) != 1) {
    free(buf);
    return NULL;
  }
  if (status) *status = code;
  char *body = strstr(buf, "\r\n\r\n");
  char *out = strdup(body ? body + 4 : "");
  free(buf);
  return out;
}
