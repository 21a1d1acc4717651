/* media.c — media types of Content-Type values: the one rule for "is this
 * JSON", shared by the checker and serve. */
#include "http.h"

#include <stdlib.h>
#include <string.h>

char *gt_media_type(const char *content_type) {
  const char *ct = content_type ? content_type : "";
  while (*ct == ' ' || *ct == '\t')
    ct++;
  size_t n = strcspn(ct, ";");
  while (n && (ct[n - 1] == ' ' || ct[n - 1] == '\t'))
    n--;
  char *m = gt_xstrndup(ct, n);
  for (char *p = m; *p; p++)
    if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
  return m;
}

bool gt_media_is_json(const char *content_type) {
  if (!content_type) return false;
  char *m = gt_media_type(content_type);
  size_t n = strlen(m);
  /* RFC 6839: a structured syntax suffix names the syntax, so any type/x+json is JSON. */
  bool json = strcmp(m, "application/json") == 0 || (n > 5 && strcmp(m + n - 5, "+json") == 0);
  free(m);
  return json;
}
