/* client_bad.c — a misbehaving libcurl client of the items fixture API, for
 * serve's client audit: it puts the token in the query, labels JSON as
 * text/plain, and retries a 429/503 at once, ignoring Retry-After.
 * usage: client_bad BASE_URL TOKEN [crud|retry]   (BASE_URL without /v1) */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

static size_t discard(char *buf, size_t size, size_t n, void *ud) {
  (void)buf;
  (void)ud;
  return size * n;
}

static long request(const char *method, const char *url, const char *auth, const char *body,
                    const char *ctype) {
  CURL *c = curl_easy_init();
  struct curl_slist *h = NULL;
  char line[512];
  if (auth) {
    snprintf(line, sizeof line, "Authorization: Bearer %s", auth);
    h = curl_slist_append(h, line);
  }
  if (ctype) {
    snprintf(line, sizeof line, "Content-Type: %s", ctype);
    h = curl_slist_append(h, line);
  }
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
  if (body) curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
  long status = 0;
  if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(h);
  curl_easy_cleanup(c);
  return status;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: client_bad BASE_URL TOKEN [crud|retry]\n");
    return 2;
  }
  const char *mode = argc > 3 ? argv[3] : "crud";
  char url[1024];
  curl_global_init(CURL_GLOBAL_DEFAULT);
  if (!strcmp(mode, "retry")) {
    snprintf(url, sizeof url, "%s/v1/items", argv[1]);
    for (int attempt = 0; attempt < 2; attempt++) { /* retries at once, bounded */
      long st = request("GET", url, argv[2], NULL, NULL);
      if (st != 429 && st != 503) break;
    }
  } else {
    snprintf(url, sizeof url, "%s/v1/items?access_token=%s", argv[1], argv[2]);
    printf("GET %ld\n", request("GET", url, NULL, NULL, NULL));
    snprintf(url, sizeof url, "%s/v1/items", argv[1]);
    printf("POST %ld\n", request("POST", url, argv[2],
                                 "{\"name\":\"widget\",\"size\":3,\"tags\":[]}", "text/plain"));
  }
  curl_global_cleanup();
  return 0;
}
