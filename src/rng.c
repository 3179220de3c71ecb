#include "rng.h"

#include <sodium.h>
#include <string.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void ion_rng_seed(ion_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t ion_rng_next(ion_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint64_t ion_rng_below(ion_rng *r, uint64_t n)
{
    /* Reject the top partial copy of [0, n) so every value is equally likely. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do
        x = ion_rng_next(r);
    while (x >= limit);
    return x % n;
}

/* Each field is length-prefixed so that ("ab","c") and ("a","bc") differ. */
static void absorb(crypto_generichash_state *st, const char *s)
{
    unsigned char len[4];
    size_t n = strlen(s);
    for (int i = 0; i < 4; i++)
        len[i] = (unsigned char)(n >> (8 * i));
    crypto_generichash_update(st, len, sizeof len);
    crypto_generichash_update(st, (const unsigned char *)s, n);
}

uint64_t ion_seed_derive(const unsigned char secret[ION_SECRET_BYTES],
                         const char *worksheet, const char *student,
                         int position)
{
    static int ready;
    if (!ready)
        ready = sodium_init() >= 0;
    crypto_generichash_state st;
    unsigned char out[8], pos[4];
    crypto_generichash_init(&st, secret, ION_SECRET_BYTES, sizeof out);
    absorb(&st, "ionsheet-seed-v1");
    absorb(&st, worksheet);
    absorb(&st, student);
    for (int i = 0; i < 4; i++)
        pos[i] = (unsigned char)((unsigned)position >> (8 * i));
    crypto_generichash_update(&st, pos, sizeof pos);
    crypto_generichash_final(&st, out, sizeof out);
    uint64_t seed = 0;
    for (int i = 0; i < 8; i++)
        seed |= (uint64_t)out[i] << (8 * i);
    return seed;
}
