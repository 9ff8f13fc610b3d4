/*
 * bench_stats.c — times the statistics of src/stats on data of the default
 * company's size: Cox PH on 5,000 rows × 8 covariates (Efron ties), and
 * Kaplan-Meier and the log-rank test on 5,000 customers; and the quarter's
 * forecast (stats/bernoulli_sum.h) of 5,000 and 50,000 accounts: the exact
 * count of churned accounts and 5,000 simulated quarters of churned ARR (as the
 * portfolio computes them, ml/forecast.h).
 * Prints the median of `runs` timings of each, in milliseconds. Used by
 * bench/analyze.sh and bench/serve_interventions.sh.
 *
 *   build/bench_stats [runs]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "stats/bernoulli_sum.h"
#include "stats/cox.h"
#include "stats/km.h"
#include "stats/logrank.h"

enum { N = 5000, P = 8, MAX_RUNS = 101 };

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *values, int count) {
    qsort(values, (size_t)count, sizeof *values, by_value);
    return count % 2 ? values[count / 2] : (values[count / 2 - 1] + values[count / 2]) / 2;
}

/* Churn probabilities around 6 % and lognormal ARR, as a portfolio's; times both sums. */
static void time_forecast(gsl_rng *rng, size_t n, int runs, double *count_ms, double *arr_ms) {
    double *p = malloc(n * sizeof *p), *arr = malloc(n * sizeof *arr);
    double count_runs[MAX_RUNS], arr_runs[MAX_RUNS];
    for (size_t i = 0; i < n; i++) {
        p[i] = gsl_ran_beta(rng, 0.6, 9.0);
        arr[i] = 12 * exp(gsl_ran_gaussian(rng, 1.0) + 8.0);
    }
    for (int r = 0; r < runs; r++) {
        tn_sum_interval interval;
        double start = now();
        tn_bernoulli_count(p, n, &interval, NULL);
        count_runs[r] = (now() - start) * 1000.0;
        start = now();
        tn_bernoulli_weighted_sum(p, arr, n, 5000, 1, &interval, NULL);
        arr_runs[r] = (now() - start) * 1000.0;
    }
    *count_ms = median(count_runs, runs);
    *arr_ms = median(arr_runs, runs);
    free(p);
    free(arr);
}

int main(int argc, char **argv) {
    int runs = argc > 1 ? atoi(argv[1]) : 11;
    if (runs < 1 || runs > MAX_RUNS)
        runs = 11;
    gsl_set_error_handler_off();
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    static double x[N * P], time_days[N];
    static int event[N], group[N];
    for (int i = 0; i < N; i++) { /* proportional hazards in 8 covariates, integer days (ties) */
        double eta = 0;
        for (int a = 0; a < P; a++) {
            x[i * P + a] = gsl_ran_gaussian(rng, 1.0);
            eta += 0.2 * (a % 3 - 1) * x[i * P + a];
        }
        double t = ceil(gsl_ran_exponential(rng, 300.0 * exp(-eta)));
        double censor = ceil(gsl_rng_uniform(rng) * 730.0);
        time_days[i] = t < censor ? t : censor;
        event[i] = t < censor;
        group[i] = i % 3;
    }
    double cox_ms[MAX_RUNS], km_ms[MAX_RUNS], logrank_ms[MAX_RUNS];
    int iterations = 0;
    for (int r = 0; r < runs; r++) {
        tn_cox_result fit;
        double start = now();
        if (!tn_cox_fit(x, P, time_days, event, N, NULL, &fit, NULL))
            return 1;
        cox_ms[r] = (now() - start) * 1000.0;
        iterations = fit.iterations;
        tn_cox_free(&fit);
        tn_km_curve curve;
        start = now();
        tn_km_fit(time_days, event, N, 0.95, &curve, NULL);
        km_ms[r] = (now() - start) * 1000.0;
        tn_km_free(&curve);
        tn_logrank_result test;
        start = now();
        tn_logrank(time_days, event, group, N, 3, &test, NULL);
        logrank_ms[r] = (now() - start) * 1000.0;
    }
    printf("cox_ms %.3f\ncox_iterations %d\nkaplan_meier_ms %.3f\nlogrank_ms %.3f\n",
           median(cox_ms, runs), iterations, median(km_ms, runs), median(logrank_ms, runs));
    double count_ms, arr_ms;
    time_forecast(rng, 5000, runs, &count_ms, &arr_ms);
    printf("forecast_count_5k_ms %.3f\nforecast_arr_5k_ms %.3f\n", count_ms, arr_ms);
    time_forecast(rng, 50000, runs, &count_ms, &arr_ms);
    printf("forecast_count_50k_ms %.3f\nforecast_arr_50k_ms %.3f\n", count_ms, arr_ms);
    gsl_rng_free(rng);
    return 0;
}
