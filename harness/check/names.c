/* names.c — check ids <-> the names used in profiles (`checks:`) and failures. */
#include <string.h>

#include "check.h"

static const char *const check_names[GT_CHECK_COUNT] = {
    [GT_CHECK_NO_SERVER_ERROR] = "no_server_error",
    [GT_CHECK_CONTENT_TYPE] = "content_type",
    [GT_CHECK_JSON_PARSES] = "json_parses",
    [GT_CHECK_ERROR_SHAPE] = "error_shape",
    [GT_CHECK_DOCUMENTED_STATUS] = "documented_status",
    [GT_CHECK_REQUIRED_HEADERS] = "required_headers",
    [GT_CHECK_UTF8] = "utf8",
    [GT_CHECK_ENVELOPE] = "envelope",
    [GT_CHECK_STATUS] = "status",
    [GT_CHECK_HEADERS] = "headers",
    [GT_CHECK_JSON] = "json",
    [GT_CHECK_JSONPATH] = "jsonpath",
    [GT_CHECK_BODY] = "body",
    [GT_CHECK_MAX_TIME] = "max_time",
    [GT_CHECK_REFUSED] = "refused",
    [GT_CHECK_CAPTURE] = "capture",
    [GT_CHECK_ALIVE] = "alive",
    [GT_CHECK_SMUGGLING] = "smuggling",
    [GT_CHECK_TRANSPORT] = "transport",
    [GT_CHECK_RATE_LIMIT] = "rate_limit",
    [GT_CHECK_CORS] = "cors",
    [GT_CHECK_POLL] = "poll",
};

int gt_check_from_name(const char *name) {
  if (!name) return -1;
  for (int i = 0; i < GT_CHECK_COUNT; i++)
    if (check_names[i] && strcmp(check_names[i], name) == 0) return i;
  return -1;
}

const char *gt_check_name(gt_check_id id) {
  if ((int)id < 0 || id >= GT_CHECK_COUNT || !check_names[id]) return "unknown";
  return check_names[id];
}
