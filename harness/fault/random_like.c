/* random_like.c — random text shaped like a given one. Every random choice of a
 * case (forged tokens, path segments) comes from the case's splitmix64 stream
 * (core/prng.h) seeded with seed ^ fnv1a(case name), so a run replays byte
 * for byte from --seed. */
#include "fault_internal.h"

#include <ctype.h>
#include <string.h>

static char random_in_class(uint64_t *state, char c) {
  if (c >= '0' && c <= '9') return (char)('0' + gt_rand_below(state, 10));
  if (c >= 'a' && c <= 'z') return (char)('a' + gt_rand_below(state, 26));
  return (char)('A' + gt_rand_below(state, 26));
}

char *gt_random_like(uint64_t *state, const char *src) {
  size_t n = strlen(src);
  char *out = gt_xstrdup(src);
  size_t first_alnum = n;
  for (size_t i = 0; i < n; i++) {
    if (!isalnum((unsigned char)src[i])) continue;
    if (first_alnum == n) first_alnum = i;
    out[i] = random_in_class(state, src[i]);
  }
  if (first_alnum < n && strcmp(out, src) == 0) {
    /* A one-in-a-million collision on short tokens: nudge one character
     * within its class so the forged credential always differs. */
    char c = src[first_alnum];
    char base = (c >= '0' && c <= '9') ? '0' : (c >= 'a' && c <= 'z') ? 'a' : 'A';
    int span = base == '0' ? 10 : 26;
    out[first_alnum] = (char)(base + (c - base + 1) % span);
  }
  return out;
}
