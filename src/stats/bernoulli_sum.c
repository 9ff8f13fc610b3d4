/*
 * bernoulli_sum.c — the count and the weighted sum of independent Bernoulli
 * outcomes (see bernoulli_sum.h).
 */
#include "stats/bernoulli_sum.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "common/alloc.h"

/* Cumulative probabilities this close below a level count as reaching it (rounding only). */
#define LEVEL_SLACK 1e-12

static bool check_probabilities(const double *p, size_t n, tn_error *err) {
    for (size_t i = 0; i < n; i++)
        if (!(p[i] >= 0 && p[i] <= 1))
            return tn_error_set(err, TN_ERR_INPUT,
                                "probability %zu is %g: expected a number in [0, 1]", i, p[i]);
    return true;
}

bool tn_poisson_binomial_pmf(const double *p, size_t n, double **pmf, size_t *support,
                             tn_error *err) {
    *pmf = NULL;
    *support = 0;
    if (!check_probabilities(p, n, err))
        return false;
    double mean = 0, variance = 0;
    for (size_t i = 0; i < n; i++)
        mean += p[i], variance += p[i] * (1 - p[i]);
    double cap = ceil(mean + 12 * sqrt(variance) + 32);
    size_t top = cap < (double)n ? (size_t)cap : n; /* the largest count followed */
    double *mass = tn_alloc_array(top + 1, sizeof *mass, "the count's distribution", err);
    if (mass == NULL)
        return false;
    mass[0] = 1;
    for (size_t i = 0; i < n; i++) { /* after trial i, counts 0..min(i + 1, top) are possible */
        size_t highest = i + 1 < top ? i + 1 : top;
        for (size_t k = highest; k >= 1; k--)
            mass[k] = mass[k] * (1 - p[i]) + mass[k - 1] * p[i];
        mass[0] *= 1 - p[i];
    }
    *pmf = mass;
    *support = top + 1;
    return true;
}

size_t tn_pmf_quantile(const double *pmf, size_t support, double level) {
    double cumulative = 0;
    for (size_t k = 0; k < support; k++) {
        cumulative += pmf[k];
        if (cumulative >= level - LEVEL_SLACK)
            return k;
    }
    return support - 1;
}

bool tn_bernoulli_count(const double *p, size_t n, tn_sum_interval *out, tn_error *err) {
    double *pmf;
    size_t support;
    if (!tn_poisson_binomial_pmf(p, n, &pmf, &support, err))
        return false;
    out->expected = 0;
    for (size_t i = 0; i < n; i++)
        out->expected += p[i];
    out->low80 = (double)tn_pmf_quantile(pmf, support, 0.10);
    out->high80 = (double)tn_pmf_quantile(pmf, support, 0.90);
    out->low95 = (double)tn_pmf_quantile(pmf, support, 0.025);
    out->high95 = (double)tn_pmf_quantile(pmf, support, 0.975);
    free(pmf);
    return true;
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* q(level) of `count` sorted draws: the smallest draw whose empirical CDF reaches `level`. */
static double draw_quantile(const double *sorted, size_t count, double level) {
    double rank = ceil(level * (double)count - LEVEL_SLACK * (double)count);
    size_t index = rank < 1 ? 0 : (size_t)rank - 1;
    return sorted[index < count ? index : count - 1];
}

/*
 * Adds `weight` to totals[j] for every draw j in which a trial of probability
 * p succeeds: the failures before each success are geometric, found from one
 * uniform each (floor(log u / log(1 − p))), in doubles so that a tiny p
 * skips past the end rather than overflowing.
 */
static void add_successes(gsl_rng *rng, double p, double weight, double *totals,
                          size_t simulations) {
    if (p <= 0)
        return;
    if (p >= 1) {
        for (size_t j = 0; j < simulations; j++)
            totals[j] += weight;
        return;
    }
    double log_failure = log1p(-p), position = -1;
    for (;;) {
        position += 1 + floor(log(gsl_rng_uniform_pos(rng)) / log_failure);
        if (position >= (double)simulations)
            return;
        totals[(size_t)position] += weight;
    }
}

bool tn_bernoulli_weighted_sum(const double *p, const double *weight, size_t n, size_t simulations,
                               uint32_t seed, tn_sum_interval *out, tn_error *err) {
    if (!check_probabilities(p, n, err))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(weight[i]))
            return tn_error_set(err, TN_ERR_INPUT, "weight %zu is %g: expected a finite number", i,
                                weight[i]);
    if (simulations == 0)
        return tn_error_set(err, TN_ERR_INPUT, "expected at least one simulation");
    double *totals = tn_alloc_array(simulations, sizeof *totals, "the simulated sums", err);
    if (totals == NULL)
        return false;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (rng == NULL) {
        free(totals);
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory for a random number generator");
    }
    memset(totals, 0, simulations * sizeof *totals);
    gsl_rng_set(rng, seed);
    out->expected = 0;
    for (size_t i = 0; i < n; i++) {
        out->expected += p[i] * weight[i];
        add_successes(rng, p[i], weight[i], totals, simulations);
    }
    gsl_rng_free(rng);
    qsort(totals, simulations, sizeof *totals, compare_doubles);
    out->low80 = draw_quantile(totals, simulations, 0.10);
    out->high80 = draw_quantile(totals, simulations, 0.90);
    out->low95 = draw_quantile(totals, simulations, 0.025);
    out->high95 = draw_quantile(totals, simulations, 0.975);
    free(totals);
    return true;
}
