/* prng.h — the one seedable random stream (splitmix64) and string hash
 * (FNV-1a) used everywhere: the fault engine's per-case streams, ${gen.*}
 * values, and serve's ids and injection draws. Not for secrets. */
#ifndef GT_CORE_PRNG_H
#define GT_CORE_PRNG_H

#include <stddef.h>
#include <stdint.h>

/* FNV-1a of a NUL-terminated string (NULL hashes like ""). */
uint64_t gt_fnv1a(const char *s);
/* FNV-1a of len bytes. */
uint64_t gt_fnv1a_bytes(const void *data, size_t len);
/* Advances *state and returns the next value of the splitmix64 stream. */
uint64_t gt_splitmix64(uint64_t *state);
/* Uniform in [0, n). n > 0. */
uint64_t gt_rand_below(uint64_t *state, uint64_t n);

#endif
