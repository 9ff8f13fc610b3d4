/*
 * rng.h — seeded random streams for the synthetic company.
 *
 * Every customer's rows for every table come from their own stream, keyed by
 * (seed, customer index, purpose). A customer's usage events are therefore
 * the same whichever thread generates them and whatever else is generated,
 * so output is reproducible byte for byte and tables can be produced in
 * parallel and independently.
 *
 * The generator behind the streams is xoshiro256** (Blackman & Vigna,
 * "Scrambled linear pseudorandom number generators", 2021), seeded through
 * SplitMix64, wrapped as a gsl_rng_type so that GSL's distributions
 * (gsl_ran_poisson, gsl_ran_beta, gsl_ran_gamma, ...) draw from it. GSL's own
 * generators take 32-bit seeds, too few to key 50,000+ customer streams
 * without collisions; xoshiro256** has 256 bits of state and 64-bit output.
 */
#ifndef TN_GEN_RNG_H
#define TN_GEN_RNG_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

/* What a stream is used for; part of its key. */
typedef enum {
    TN_STREAM_PROFILE = 1,
    TN_STREAM_EVENTS,
    TN_STREAM_TICKETS,
    TN_STREAM_OPPORTUNITIES,
    TN_STREAM_RISK,
} tn_stream_purpose;

/* The xoshiro256** generator type (32-bit get(), 53-bit get_double()). */
const gsl_rng_type *tn_rng_type(void);

/* A new generator of tn_rng_type(); NULL when out of memory. Free with gsl_rng_free(). */
gsl_rng *tn_rng_create(void);

/* Puts `rng` at the start of the stream for (seed, customer, purpose). */
void tn_rng_seed_stream(gsl_rng *rng, uint64_t seed, uint64_t customer, tn_stream_purpose purpose);

/* The next raw 64 bits of a tn_rng_type() generator (for UUIDs). */
uint64_t tn_rng_next64(gsl_rng *rng);

/*
 * A well-mixed 64-bit hash of (seed, customer, salt), by SplitMix64 like the
 * stream keys, for values derived without drawing from any stream (see
 * account.h): computing it changes no generator's state.
 */
uint64_t tn_rng_hash(uint64_t seed, uint64_t customer, uint64_t salt);

#endif
