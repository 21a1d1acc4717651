/* client_bad.c — a misbehaving libcurl client of the items fixture API, for
 * serve's client audit: it puts the token in the query, labels JSON as
 * text/plain, and retries a 429/503 at once, ignoring Retry-After.
 * usage: client_bad BASE_URL TOKEN [crud|retry]   (BASE_URL without /v1) */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#include "support.h"

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: client_bad BASE_URL TOKEN [crud|retry]\n");
    return 2;
  }
  const char *mode = argc > 3 ? argv[3] : "crud";
  char url[1024];
  curl_global_init(CURL_GLOBAL_DEFAULT);
  ts_http_reply r;
  if (!strcmp(mode, "retry")) {
    snprintf(url, sizeof url, "%s/v1/items", argv[1]);
    for (int attempt = 0; attempt < 2; attempt++) { /* retries at once, bounded */
      ts_curl(&(ts_http_call){.method = "GET", .url = url, .bearer = argv[2]}, &r);
      if (r.status != 429 && r.status != 503) break;
    }
  } else {
    snprintf(url, sizeof url, "%s/v1/items?access_token=%s", argv[1], argv[2]);
    ts_curl(&(ts_http_call){.method = "GET", .url = url}, &r);
    printf("GET %ld\n", r.status);
    snprintf(url, sizeof url, "%s/v1/items", argv[1]);
    ts_curl(&(ts_http_call){.method = "POST",
                            .url = url,
                            .bearer = argv[2],
                            .content_type = "text/plain",
                            .body = "{\"name\":\"widget\",\"size\":3,\"tags\":[]}"},
            &r);
    printf("POST %ld\n", r.status);
  }
  curl_global_cleanup();
  return 0;
}
