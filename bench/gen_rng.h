/* gen_rng.h — the generator's random numbers: splitmix64, so a seed gives the same capture everywhere.
 *
 * The C library's rand() differs between systems; a capture named by its seed and size
 * must be byte-identical wherever it is generated, or a benchmark result cannot be
 * compared with another.
 */
#ifndef WC_GEN_RNG_H
#define WC_GEN_RNG_H

#include <stdbool.h>
#include <stdint.h>

struct gen_rng {
	uint64_t state;
};

static inline uint64_t gen_next(struct gen_rng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [lo, hi]. Multiply-shift instead of % keeps it unbiased enough and fast. */
static inline uint32_t gen_range(struct gen_rng *r, uint32_t lo, uint32_t hi)
{
	uint64_t span = (uint64_t)hi - lo + 1;
	return lo + (uint32_t)(((gen_next(r) >> 32) * span) >> 32);
}

/* True with probability per_mille / 1000. */
static inline bool gen_chance(struct gen_rng *r, uint32_t per_mille)
{
	return gen_range(r, 0, 999) < per_mille;
}

#endif
