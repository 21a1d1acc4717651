/* simple_path.c — the restricted JSONPath this module writes for wrong_type
 * labels ("$.user.id", "$['a b']", "$.items[0]") and reads back at build
 * time. Kept separate from check/'s JSONPath so the label round-trips exactly. */
#include "fault_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static bool plain_name(const char *k) {
  if (!*k || !(isalpha((unsigned char)*k) || *k == '_')) return false;
  for (; *k; k++)
    if (!(isalnum((unsigned char)*k) || *k == '_')) return false;
  return true;
}

void gt_simple_path_add_key(gt_buf *out, const char *key) {
  if (plain_name(key)) {
    gt_buf_printf(out, ".%s", key);
    return;
  }
  gt_buf_adds(out, "['");
  for (const char *k = key; *k; k++) {
    if (*k == '\'' || *k == '\\') gt_buf_addc(out, '\\');
    gt_buf_addc(out, *k);
  }
  gt_buf_adds(out, "']");
}

cJSON *gt_simple_path_get(cJSON *doc, const char *path) {
  if (!path || path[0] != '$') return NULL;
  const char *p = path + 1;
  cJSON *cur = doc;
  gt_buf key;
  gt_buf_init(&key);
  while (*p && cur) {
    gt_buf_reset(&key);
    if (*p == '.') {
      p++;
      while (*p && *p != '.' && *p != '[')
        gt_buf_addc(&key, *p++);
      cur = cJSON_IsObject(cur) ? cJSON_GetObjectItemCaseSensitive(cur, key.data ? key.data : "")
                                : NULL;
    } else if (p[0] == '[' && p[1] == '\'') {
      p += 2;
      while (*p && *p != '\'') {
        if (*p == '\\' && p[1]) p++;
        gt_buf_addc(&key, *p++);
      }
      if (p[0] != '\'' || p[1] != ']')
        cur = NULL;
      else
        p += 2;
      if (cur) {
        gt_buf_addc(&key, '\0');
        cur = cJSON_IsObject(cur) ? cJSON_GetObjectItemCaseSensitive(cur, key.data) : NULL;
      }
    } else if (*p == '[') {
      char *end = NULL;
      long idx = strtol(p + 1, &end, 10);
      if (!end || *end != ']' || idx < 0)
        cur = NULL;
      else {
        p = end + 1;
        cur = cJSON_IsArray(cur) ? cJSON_GetArrayItem(cur, (int)idx) : NULL;
      }
    } else {
      cur = NULL;
    }
  }
  gt_buf_free(&key);
  return cur;
}
