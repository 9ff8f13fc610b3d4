/*
 * bench_stats.c — times the statistics of src/stats on data of the default
 * company's size: Cox PH on 5,000 rows × 8 covariates (Efron ties), and
 * Kaplan-Meier and the log-rank test on 5,000 customers. Prints the median of
 * `runs` timings of each, in milliseconds. Used by bench/analyze.sh.
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
    gsl_rng_free(rng);
    return 0;
}
