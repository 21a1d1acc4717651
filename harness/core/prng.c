/* prng.c — splitmix64 and FNV-1a (see prng.h). */
#include "prng.h"

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

uint64_t gt_fnv1a(const char *s) {
  uint64_t h = FNV_OFFSET;
  for (; s && *s; s++) {
    h ^= (unsigned char)*s;
    h *= FNV_PRIME;
  }
  return h;
}

uint64_t gt_fnv1a_bytes(const void *data, size_t len) {
  const unsigned char *p = data;
  uint64_t h = FNV_OFFSET;
  for (size_t i = 0; i < len; i++) {
    h ^= p[i];
    h *= FNV_PRIME;
  }
  return h;
}

uint64_t gt_splitmix64(uint64_t *state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t gt_rand_below(uint64_t *state, uint64_t n) {
  /* Modulo bias is irrelevant for test data; n is tiny next to 2^64. */
  return gt_splitmix64(state) % n;
}
