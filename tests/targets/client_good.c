/* client_good.c — a well-behaved libcurl client of the items fixture API, for
 * serve's client audit: credential in the header, JSON labelled JSON, and on
 * 429/503 it waits Retry-After seconds before one retry.
 * usage: client_good BASE_URL TOKEN [crud|retry]   (BASE_URL without /v1) */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: client_good BASE_URL TOKEN [crud|retry]\n");
    return 2;
  }
  const char *mode = argc > 3 ? argv[3] : "crud";
  char url[1024];
  snprintf(url, sizeof url, "%s/v1/items", argv[1]);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  ts_http_reply r;
  if (!strcmp(mode, "retry")) {
    for (int attempt = 0; attempt < 2; attempt++) { /* bounded: one retry */
      ts_curl(&(ts_http_call){.method = "GET", .url = url, .bearer = argv[2]}, &r);
      if (r.status != 429 && r.status != 503) break;
      long wait = strtol(r.retry_after, NULL, 10);
      if (attempt == 0) sleep((unsigned)(wait > 0 ? wait : 1));
    }
  } else {
    ts_curl(&(ts_http_call){.method = "POST",
                            .url = url,
                            .bearer = argv[2],
                            .content_type = "application/json",
                            .body = "{\"name\":\"widget\",\"size\":3,\"tags\":[\"a\"]}"},
            &r);
    printf("POST %ld\n", r.status);
    ts_curl(&(ts_http_call){.method = "GET", .url = url, .bearer = argv[2]}, &r);
    printf("GET %ld\n", r.status);
  }
  curl_global_cleanup();
  return 0;
}
