/*
 * bernoulli_sum.c — the count and the weighted sum of independent Bernoulli
 * outcomes (see bernoulli_sum.h).
 */
#include "stats/bernoulli_sum.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
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

/* Counts further than this from a running mean are not followed (their mass is below 1e-30). */
static double reach(double variance) {
    return 12 * sqrt(variance) + 32;
}

/*
 * One trial with success probability `p` over the counts [low, high]: `next`
 * gets cur's distribution convolved with the trial (what passes `high` is
 * dropped: it lies beyond the counts followed). Separate arrays let the
 * compiler vectorise the loop; each element is computed as in place.
 */
static void add_trial(const double *restrict cur, double *restrict next, size_t low, size_t high,
                      double p) {
    double q = 1 - p;
    for (size_t k = low + 1; k <= high; k++)
        next[k] = cur[k] * q + cur[k - 1] * p;
    next[low] = cur[low] * q;
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
    double cap = ceil(mean + reach(variance));
    size_t top = cap < (double)n ? (size_t)cap : n; /* the largest count followed */
    double *mass = tn_alloc_array(2 * (top + 1), sizeof *mass, "the count's distribution", err);
    if (mass == NULL)
        return false;
    memset(mass, 0, 2 * (top + 1) * sizeof *mass);
    double *cur = mass, *next = mass + top + 1; /* counts above `high` stay 0 in both */
    cur[0] = 1;
    /* After trial i the count lies in [low, high]: low follows the running mean up */
    size_t low = 0, high = 0;
    double running_mean = 0, running_variance = 0;
    for (size_t i = 0; i < n; i++) {
        high = high + 1 < top ? high + 1 : top;
        add_trial(cur, next, low, high, p[i]);
        double *swap = cur;
        cur = next, next = swap;
        running_mean += p[i], running_variance += p[i] * (1 - p[i]);
        double floor_now = floor(running_mean - reach(running_variance));
        while (floor_now > (double)low && low < high)
            low++;
    }
    memset(mass, 0, low * sizeof *mass); /* below `low`: not followed, 0 */
    if (cur != mass)
        memcpy(mass + low, cur + low, (top + 1 - low) * sizeof *mass);
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
 * Adds `weight` to totals[j] for every draw j in which trial number `trial`
 * (probability p) succeeds: how many draws it succeeds in is binomial (GSL),
 * and which they are a uniform choice of that many distinct draws (Floyd's
 * algorithm). stamp[j] == trial + 1 marks draw j as chosen for this trial.
 */
static void add_successes(gsl_rng *rng, size_t trial, double p, double weight, double *totals,
                          size_t simulations, size_t *stamp) {
    if (p <= 0)
        return;
    size_t count = p >= 1 ? simulations : gsl_ran_binomial(rng, p, (unsigned)simulations);
    for (size_t j = simulations - count; j < simulations; j++) {
        size_t t = gsl_rng_uniform_int(rng, j + 1);
        size_t draw = stamp[t] == trial + 1 ? j : t;
        stamp[draw] = trial + 1;
        totals[draw] += weight;
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
    if (simulations > UINT_MAX)
        return tn_error_set(err, TN_ERR_INPUT, "at most %u simulations", UINT_MAX);
    double *totals = tn_alloc_array(simulations, sizeof *totals, "the simulated sums", err);
    size_t *stamp =
        totals != NULL ? tn_alloc_array(simulations, sizeof *stamp, "the draws chosen", err) : NULL;
    gsl_rng *rng = stamp != NULL ? gsl_rng_alloc(gsl_rng_mt19937) : NULL;
    if (rng == NULL) {
        bool memory_reported = stamp == NULL;
        free(totals);
        free(stamp);
        return memory_reported
                   ? false
                   : tn_error_set(err, TN_ERR_NOMEM, "out of memory for a random number generator");
    }
    memset(totals, 0, simulations * sizeof *totals);
    memset(stamp, 0, simulations * sizeof *stamp);
    gsl_rng_set(rng, seed);
    out->expected = 0;
    for (size_t i = 0; i < n; i++) {
        out->expected += p[i] * weight[i];
        add_successes(rng, i, p[i], weight[i], totals, simulations, stamp);
    }
    gsl_rng_free(rng);
    free(stamp);
    qsort(totals, simulations, sizeof *totals, compare_doubles);
    out->low80 = draw_quantile(totals, simulations, 0.10);
    out->high80 = draw_quantile(totals, simulations, 0.90);
    out->low95 = draw_quantile(totals, simulations, 0.025);
    out->high95 = draw_quantile(totals, simulations, 0.975);
    free(totals);
    return true;
}
