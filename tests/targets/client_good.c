/* client_good.c — a well-behaved libcurl client of the items fixture API, for
 * serve's client audit: credential in the header, JSON labelled JSON, and on
 * 429/503 it waits Retry-After seconds before one retry.
 * usage: client_good BASE_URL TOKEN [crud|retry]   (BASE_URL without /v1) */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static long retry_after;

static size_t on_header(char *buf, size_t size, size_t n, void *ud) {
  (void)ud;
  size_t len = size * n;
  if (len > 12 && !strncasecmp(buf, "Retry-After:", 12)) retry_after = strtol(buf + 12, NULL, 10);
  return len;
}

static size_t discard(char *buf, size_t size, size_t n, void *ud) {
  (void)buf;
  (void)ud;
  return size * n;
}

static long request(const char *method, const char *url, const char *token, const char *json) {
  CURL *c = curl_easy_init();
  struct curl_slist *h = NULL;
  char auth[512];
  snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
  h = curl_slist_append(h, auth);
  if (json) h = curl_slist_append(h, "Content-Type: application/json");
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
  if (json) curl_easy_setopt(c, CURLOPT_POSTFIELDS, json);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
  retry_after = 0;
  long status = 0;
  if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(h);
  curl_easy_cleanup(c);
  return status;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: client_good BASE_URL TOKEN [crud|retry]\n");
    return 2;
  }
  const char *mode = argc > 3 ? argv[3] : "crud";
  char url[1024];
  curl_global_init(CURL_GLOBAL_DEFAULT);
  if (!strcmp(mode, "retry")) {
    snprintf(url, sizeof url, "%s/v1/items", argv[1]);
    for (int attempt = 0; attempt < 2; attempt++) { /* bounded: one retry */
      long st = request("GET", url, argv[2], NULL);
      if (st != 429 && st != 503) break;
      if (attempt == 0) sleep((unsigned)(retry_after > 0 ? retry_after : 1));
    }
  } else {
    snprintf(url, sizeof url, "%s/v1/items", argv[1]);
    long st = request("POST", url, argv[2], "{\"name\":\"widget\",\"size\":3,\"tags\":[\"a\"]}");
    printf("POST %ld\n", st);
    st = request("GET", url, argv[2], NULL);
    printf("GET %ld\n", st);
  }
  curl_global_cleanup();
  return 0;
}
