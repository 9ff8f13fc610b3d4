/*
 * cox_curve.c — the Efron-corrected baseline of a Cox fit and the survival
 * curves and medians it gives each covariate row (see cox_curve.h).
 *
 * One ascending sort of the training subjects; per distinct time the sums of
 * r over everyone and over the events there; S0 by a cumulative sum from the
 * last time backwards (R's rcumsum), then the Efron increments.
 */
#include "stats/cox_curve.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"

typedef struct {
    double time;
    size_t index;
} timed_index;

static int by_time(const void *a, const void *b) {
    double x = ((const timed_index *)a)->time, y = ((const timed_index *)b)->time;
    return (x > y) - (x < y);
}

void tn_cox_center_like_r(const double *x, size_t p, size_t n, double *center) {
    for (size_t a = 0; a < p; a++) {
        double sum = 0;
        bool in_minus_one_to_one = true;
        for (size_t i = 0; i < n; i++) {
            double v = x[i * p + a];
            sum += v;
            in_minus_one_to_one = in_minus_one_to_one && (v == -1.0 || v == 0.0 || v == 1.0);
        }
        center[a] = in_minus_one_to_one || n == 0 ? 0.0 : sum / (double)n;
    }
}

static double dot(const double *a, const double *b, size_t p) {
    double sum = 0;
    for (size_t k = 0; k < p; k++)
        sum += a[k] * b[k];
    return sum;
}

/* TN_ERR_INPUT naming the first subject or coefficient that cannot be used. */
static bool check_input(const double *x, size_t p, const double *time, size_t n, const double *coef,
                        tn_error *err) {
    if (n == 0 || p == 0)
        return tn_error_set(err, TN_ERR_INPUT, "no %s for the baseline hazard",
                            n == 0 ? "subjects" : "covariates");
    for (size_t a = 0; a < p; a++)
        if (!isfinite(coef[a]))
            return tn_error_set(err, TN_ERR_INPUT, "coefficient %zu is %g", a + 1, coef[a]);
    for (size_t i = 0; i < n; i++) {
        if (!(time[i] >= 0.0) || !isfinite(time[i]))
            return tn_error_set(err, TN_ERR_INPUT, "time %g of subject %zu is not a time >= 0",
                                time[i], i + 1);
        for (size_t a = 0; a < p; a++)
            if (!isfinite(x[i * p + a]))
                return tn_error_set(err, TN_ERR_INPUT, "covariate %zu of subject %zu is %g", a + 1,
                                    i + 1, x[i * p + a]);
    }
    return true;
}

static bool allocate(tn_cox_baseline *out, size_t p, size_t n, tn_error *err) {
    out->coef = tn_alloc_array(p, sizeof *out->coef, "Cox coefficients", err);
    out->center = out->coef ? tn_alloc_array(p, sizeof *out->center, "Cox centre", err) : NULL;
    out->time = out->center ? tn_alloc_array(n, sizeof *out->time, "baseline times", err) : NULL;
    out->cumhaz = out->time
                      ? tn_alloc_array(n, sizeof *out->cumhaz, "baseline cumulative hazard", err)
                      : NULL;
    out->at_risk =
        out->cumhaz ? tn_alloc_array(n, sizeof *out->at_risk, "numbers at risk", err) : NULL;
    out->events =
        out->at_risk ? tn_alloc_array(n, sizeof *out->events, "numbers of events", err) : NULL;
    return out->events != NULL;
}

/* Efron's increment: Σ_{k<d} 1 / (S0 − (k/d)·D0). */
static double efron_increment(int deaths, double s0, double d0) {
    if (deaths == 1)
        return 1.0 / s0;
    double increment = 0;
    for (int k = 0; k < deaths; k++)
        increment += 1.0 / (s0 - (double)k / deaths * d0);
    return increment;
}

/*
 * Groups the subjects (in time order) by distinct time: per time the sum of r
 * over everyone there (r_sum) and over its events (d0), its events, and its
 * subjects (into at_risk, cumulated later). Sets out->count.
 */
static void group_by_time(tn_cox_baseline *out, const timed_index *order, const double *risk,
                          const int *event, size_t n, double *r_sum, double *d0) {
    size_t k = 0;
    for (size_t s = 0; s < n; k++) {
        out->time[k] = order[s].time;
        r_sum[k] = d0[k] = 0;
        out->at_risk[k] = out->events[k] = 0;
        for (; s < n && order[s].time == out->time[k]; s++) {
            size_t i = order[s].index;
            r_sum[k] += risk[i];
            out->at_risk[k]++;
            if (event[i]) {
                d0[k] += risk[i];
                out->events[k]++;
            }
        }
    }
    out->count = k;
}

/* Turns the per-time sums into numbers at risk and the cumulative hazard. */
static void accumulate(tn_cox_baseline *out, const double *r_sum, const double *d0) {
    double s0 = 0;
    int at_risk = 0;
    for (size_t k = out->count; k-- > 0;) { /* S0(t) = Σ_{T ≥ t} r: from the end */
        s0 += r_sum[k];
        at_risk += out->at_risk[k];
        out->at_risk[k] = at_risk;
        out->cumhaz[k] = out->events[k] > 0 ? efron_increment(out->events[k], s0, d0[k]) : 0.0;
    }
    for (size_t k = 1; k < out->count; k++)
        out->cumhaz[k] += out->cumhaz[k - 1];
}

bool tn_cox_baseline_fit(const double *x, size_t p, const double *time, const int *event, size_t n,
                         const double *coef, const double *center, tn_cox_baseline *out,
                         tn_error *err) {
    memset(out, 0, sizeof *out);
    if (!check_input(x, p, time, n, coef, err))
        return false;
    if (!allocate(out, p, n, err)) {
        tn_cox_baseline_free(out);
        return false;
    }
    out->p = p;
    memcpy(out->coef, coef, p * sizeof *coef);
    if (center != NULL)
        memcpy(out->center, center, p * sizeof *center);
    else
        tn_cox_center_like_r(x, p, n, out->center);
    out->center_lp = dot(out->center, coef, p);
    timed_index *order = tn_alloc_array(n, sizeof *order, "subjects by time", err);
    double *risk = order ? tn_alloc_array(n, sizeof *risk, "relative risks", err) : NULL;
    double *r_sum = risk ? tn_alloc_array(n, sizeof *r_sum, "risk sums", err) : NULL;
    double *d0 = r_sum ? tn_alloc_array(n, sizeof *d0, "event risk sums", err) : NULL;
    if (d0 != NULL) {
        for (size_t i = 0; i < n; i++) {
            order[i] = (timed_index){time[i], i};
            risk[i] = exp(dot(x + i * p, coef, p) - out->center_lp);
        }
        qsort(order, n, sizeof *order, by_time);
        group_by_time(out, order, risk, event, n, r_sum, d0);
        accumulate(out, r_sum, d0);
    }
    free(order), free(risk), free(r_sum), free(d0);
    if (d0 == NULL)
        tn_cox_baseline_free(out);
    return d0 != NULL;
}

void tn_cox_baseline_free(tn_cox_baseline *baseline) {
    free(baseline->coef), free(baseline->center), free(baseline->time);
    free(baseline->cumhaz), free(baseline->at_risk), free(baseline->events);
    memset(baseline, 0, sizeof *baseline);
}

double tn_cox_linear_predictor(const tn_cox_baseline *baseline, const double *row) {
    return dot(row, baseline->coef, baseline->p) - baseline->center_lp;
}

/* S at the k-th distinct time, as R: exp(−Λ0)^r. */
static double step_survival(const tn_cox_baseline *baseline, size_t k, double relative_risk) {
    return pow(exp(-baseline->cumhaz[k]), relative_risk);
}

double tn_cox_survival(const tn_cox_baseline *baseline, double relative_risk, double t) {
    if (isnan(t))
        return NAN;
    size_t low = 0, high = baseline->count; /* first index with time > t */
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        if (baseline->time[mid] <= t)
            low = mid + 1;
        else
            high = mid;
    }
    return low == 0 ? 1.0 : step_survival(baseline, low - 1, relative_risk);
}

void tn_cox_survival_at(const tn_cox_baseline *baseline, const double *row, const double *times,
                        size_t count, double *survival) {
    double relative_risk = exp(tn_cox_linear_predictor(baseline, row));
    for (size_t k = 0; k < count; k++)
        survival[k] = tn_cox_survival(baseline, relative_risk, times[k]);
}

bool tn_cox_median(const tn_cox_baseline *baseline, double relative_risk, double horizon,
                   double *median) {
    const double tolerance = 1.4901161193847656e-08; /* √ε, as R's survmean */
    *median = INFINITY;
    for (size_t k = 0; k < baseline->count; k++) {
        double y = step_survival(baseline, k, relative_risk);
        if (y >= 0.5 + tolerance)
            continue;
        double time = baseline->time[k];
        if (fabs(y - 0.5) < tolerance) /* on 0.5: midpoint to where the curve next drops */
            for (size_t j = k + 1; j < baseline->count; j++)
                if (step_survival(baseline, j, relative_risk) < y) {
                    time = (baseline->time[k] + baseline->time[j]) / 2.0;
                    break;
                }
        if (!(time <= horizon))
            return false;
        *median = time;
        return true;
    }
    return false;
}
