/*
 * rng.c — xoshiro256** as a GSL generator type, and stream seeding (see rng.h).
 */
#include "gen/rng.h"

typedef struct {
    uint64_t s[4];
} xoshiro_state;

static inline uint64_t rotate_left(uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
}

/* SplitMix64 (Steele, Lea & Flood 2014): turns any 64-bit value into a well-mixed one. */
static uint64_t splitmix64(uint64_t *x) {
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static inline uint64_t xoshiro_next(xoshiro_state *state) {
    uint64_t *s = state->s;
    uint64_t result = rotate_left(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotate_left(s[3], 45);
    return result;
}

static void xoshiro_seed_key(xoshiro_state *state, uint64_t key) {
    for (int i = 0; i < 4; i++)
        state->s[i] = splitmix64(&key);
}

static void gsl_set(void *state, unsigned long seed) {
    xoshiro_seed_key(state, (uint64_t)seed);
}

static unsigned long gsl_get(void *state) {
    return (unsigned long)(xoshiro_next(state) >> 32);
}

static double gsl_get_double(void *state) {
    return (double)(xoshiro_next(state) >> 11) * 0x1.0p-53;
}

static const gsl_rng_type xoshiro_type = {
    "xoshiro256**", 0xffffffffUL, 0, sizeof(xoshiro_state), gsl_set, gsl_get, gsl_get_double,
};

const gsl_rng_type *tn_rng_type(void) {
    return &xoshiro_type;
}

gsl_rng *tn_rng_create(void) {
    return gsl_rng_alloc(&xoshiro_type);
}

void tn_rng_seed_stream(gsl_rng *rng, uint64_t seed, uint64_t customer, tn_stream_purpose purpose) {
    /* Mix the three parts one after another so nearby keys give unrelated states. */
    uint64_t key = seed;
    uint64_t mixed = splitmix64(&key);
    key = mixed ^ (customer * 0xd1342543de82ef95ULL);
    mixed = splitmix64(&key);
    key = mixed ^ ((uint64_t)purpose * 0xaf251af3b0f025b5ULL);
    xoshiro_seed_key(rng->state, splitmix64(&key));
}

uint64_t tn_rng_next64(gsl_rng *rng) {
    return xoshiro_next(rng->state);
}

uint64_t tn_rng_hash(uint64_t seed, uint64_t customer, uint64_t salt) {
    uint64_t key = seed ^ 0x6a09e667f3bcc909ULL; /* apart from the stream keys of the same seed */
    uint64_t mixed = splitmix64(&key);
    key = mixed ^ (customer * 0xd1342543de82ef95ULL);
    mixed = splitmix64(&key);
    key = mixed ^ (salt * 0xaf251af3b0f025b5ULL);
    return splitmix64(&key);
}
