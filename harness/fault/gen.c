/* gen.c — ${gen.NAME}, the built-in generated values of a request.
 *
 * Random values come from the case's own stream (seed ^ fnv1a(case name),
 * salted so they do not repeat the fault's own random choices): the same
 * --seed and case give the same values, so a replay sends the same bytes.
 * Every reference draws a new value. Time values read the case's clock, one
 * instant per case (pinned by --now-ms for replays); using one marks the
 * clock as used, so the repro line carries it. */
#include "fault_internal.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define GEN_SALT 0x67656e2e76616cULL /* "gen.val" */

void gt_gen_init(gt_gen_state *g, uint64_t seed, const char *case_name, int64_t now_ms) {
  memset(g, 0, sizeof *g);
  g->rng = seed ^ gt_fnv1a(case_name) ^ GEN_SALT;
  g->now_ms = now_ms;
}

static cJSON *hex(gt_gen_state *g, size_t n) {
  static const char digits[] = "0123456789abcdef";
  char out[33];
  for (size_t i = 0; i < n; i++)
    out[i] = digits[gt_rand_below(&g->rng, 16)];
  out[n] = 0;
  return cJSON_CreateString(out);
}

static cJSON *uuid_v4(gt_gen_state *g) {
  unsigned char b[16];
  uint64_t a = gt_splitmix64(&g->rng), c = gt_splitmix64(&g->rng);
  memcpy(b, &a, 8);
  memcpy(b + 8, &c, 8);
  b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
  b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 9562 variant */
  char out[37];
  snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
           b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
           b[14], b[15]);
  return cJSON_CreateString(out);
}

static cJSON *iso(int64_t ms) {
  time_t secs = (time_t)(ms / 1000);
  struct tm tm;
  gmtime_r(&secs, &tm);
  char out[64];
  snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
           tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
  return cJSON_CreateString(out);
}

cJSON *gt_gen_value(void *ud, const char *name, size_t len) {
  gt_gen_state *g = ud;
#define IS(lit) (len == sizeof lit - 1 && memcmp(name, lit, len) == 0)
  if (IS("uuid")) return uuid_v4(g);
  if (IS("hex8")) return hex(g, 8);
  if (IS("hex16")) return hex(g, 16);
  if (IS("hex32")) return hex(g, 32);
  if (IS("int")) return cJSON_CreateNumber((double)gt_rand_below(&g->rng, 2147483648ULL));
  if (IS("now_ms") || IS("now_s") || IS("now_iso")) {
    g->clock_used = true;
    if (IS("now_ms")) return cJSON_CreateNumber((double)g->now_ms);
    if (IS("now_s")) return cJSON_CreateNumber((double)(g->now_ms / 1000));
    return iso(g->now_ms);
  }
#undef IS
  return NULL;
}
