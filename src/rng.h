/* Seeds and random numbers: output depends only on the bank, the course
 * secret and the ids, never on rand() or the clock.
 *
 * The generator is xoshiro256** (Blackman and Vigna, 2018) seeded through
 * SplitMix64; a seed is a BLAKE2b keyed hash (libsodium crypto_generichash)
 * of the worksheet name, the student id and the problem position under the
 * course secret, so a student who knows the program and their own id cannot
 * derive anybody's values without the secret. The state is a plain value
 * struct so that the hot path can keep it on the stack. */
#ifndef ION_RNG_H
#define ION_RNG_H

#include <stdint.h>

#define ION_SECRET_BYTES 32

typedef struct {
    uint64_t s[4];
} ion_rng;

void ion_rng_seed(ion_rng *r, uint64_t seed);
uint64_t ion_rng_next(ion_rng *r);
/* Uniform in [0, n) without modulo bias; n > 0. */
uint64_t ion_rng_below(ion_rng *r, uint64_t n);

/* The seed of one problem of one student's worksheet. */
uint64_t ion_seed_derive(const unsigned char secret[ION_SECRET_BYTES],
                         const char *worksheet, const char *student,
                         int position);

#endif
