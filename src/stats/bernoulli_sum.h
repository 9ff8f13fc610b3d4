/*
 * bernoulli_sum.h — the distribution of a sum of independent Bernoulli
 * outcomes with different probabilities: how many of n accounts churn (the
 * Poisson-binomial distribution, exactly), and how much their weights add up
 * to (ARR lost: by Monte Carlo, since the sum of unequal weights has no
 * lattice to compute it on).
 *
 * Quantiles follow one rule for both: q(level) is the smallest value whose
 * cumulative probability is at least `level`. An equal-tailed interval of
 * coverage c is [q((1 − c)/2), q((1 + c)/2)].
 */
#ifndef TN_STATS_BERNOULLI_SUM_H
#define TN_STATS_BERNOULLI_SUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

/* A sum's mean and its equal-tailed 80 % and 95 % intervals. */
typedef struct {
    double expected;
    double low80, high80; /* q(0.10), q(0.90) */
    double low95, high95; /* q(0.025), q(0.975) */
} tn_sum_interval;

/*
 * The probability mass function of the number of successes among n
 * independent trials with success probabilities p[0..n) (each in [0, 1]),
 * by the exact recurrence over trials. Counts more than 12 sd + 32 from the
 * mean (of the trials so far, while it runs) are not followed: their mass
 * is below 1e-30, and the cost is n × (24 sd + 64), not n². *pmf (malloc'd;
 * the caller frees it) holds P(X = k) for k in [0, *support). TN_ERR_INPUT when a p is
 * outside [0, 1] or not a number.
 */
bool tn_poisson_binomial_pmf(const double *p, size_t n, double **pmf, size_t *support,
                             tn_error *err);

/* q(level) of a probability mass function over 0, 1, …, support − 1. */
size_t tn_pmf_quantile(const double *pmf, size_t support, double level);

/* The number of successes: its mean Σp and its exact intervals. */
bool tn_bernoulli_count(const double *p, size_t n, tn_sum_interval *out, tn_error *err);

/*
 * The sum of weight[i] over the trials that succeed: its exact mean
 * Σ p·weight, and intervals from `simulations` draws of all n trials with a
 * Mersenne Twister seeded with `seed`, so the same input always gives the
 * same answer. Each trial is visited once: the number of draws it succeeds
 * in is binomial, and which draws a uniform choice of that many, so the
 * cost is about n + simulations × Σp, not simulations × n.
 */
bool tn_bernoulli_weighted_sum(const double *p, const double *weight, size_t n, size_t simulations,
                               uint32_t seed, tn_sum_interval *out, tn_error *err);

#endif
