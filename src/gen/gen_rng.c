/* The generator's own PRNG: xoshiro256** seeded through splitmix64, so that
 * a seed gives the same stream on every platform and C library. */
#include "config.h"

#include "collab/gen.h"

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void gen_rng_seed(struct gen_rng *r, uint64_t seed, uint64_t stream)
{
    /* Mixing the stream number through splitmix64 first keeps neighbouring
     * streams (school 1, school 2) from sharing any state. */
    uint64_t x = seed;
    uint64_t s = splitmix64(&x) ^ (stream * 0xd1342543de82ef95ULL);
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&s);
}

uint64_t gen_rng_next(struct gen_rng *r)
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

double gen_rng_uniform(struct gen_rng *r)
{
    return (double)(gen_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

long gen_rng_range(struct gen_rng *r, long lo, long hi)
{
    uint64_t span = (uint64_t)(hi - lo) + 1;
    /* Multiply-shift keeps the bias below 2^-32 for any span we use without
     * a rejection loop. */
    uint64_t x = gen_rng_next(r) >> 32;
    return lo + (long)((x * span) >> 32);
}

double gen_rng_normal(struct gen_rng *r)
{
    /* Eight 16-bit uniforms (Irwin-Hall): mean 4, variance 8/12. Using no
     * log() or cos() keeps the stream independent of the maths library. */
    uint64_t a = gen_rng_next(r), b = gen_rng_next(r);
    uint64_t sum = 0;
    for (int i = 0; i < 4; i++) {
        sum += (a >> (16 * i)) & 0xffff;
        sum += (b >> (16 * i)) & 0xffff;
    }
    double u = ((double)sum + 4.0) / 65536.0;   /* centre each cell */
    return (u - 4.0) * 1.2247448713915890;       /* sqrt(12 / 8) */
}

int gen_rng_chance(struct gen_rng *r, double p)
{
    return gen_rng_uniform(r) < p;
}
