/*
 * km.c — Kaplan-Meier with Greenwood variance and log-log intervals (see km.h).
 */
#include "stats/km.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

typedef struct {
    double time;
    int event;
} observation;

static int by_time(const void *a, const void *b) {
    const observation *x = a, *y = b;
    return (x->time > y->time) - (x->time < y->time);
}

/* log-log interval around S with cumulative-hazard standard error `se` */
static void log_log_interval(tn_km_step *step, double z) {
    double s = step->survival;
    step->ci_defined = s > 0.0 && s < 1.0;
    if (!step->ci_defined) { /* as R: no interval while S = 1 nor once S = 0 */
        step->lower = step->upper = NAN;
        return;
    }
    double log_s = log(s);
    /* log S < 0, so −z·σ/log S widens −log S: the lower bound of S */
    step->lower = exp(-exp(log(-log_s) - z * step->std_err / log_s));
    step->upper = exp(-exp(log(-log_s) + z * step->std_err / log_s));
}

/* R's rule: first time the curve is at or below one half; midpoint over an exact 0.5 plateau. */
static bool curve_median(const tn_km_step *steps, size_t count, int which, double *median) {
    const double tolerance = 1.4901161193847656e-08; /* sqrt of double epsilon, as R */
    for (size_t i = 0; i < count; i++) {
        double y = which == 0 ? steps[i].survival : which < 0 ? steps[i].lower : steps[i].upper;
        if (isnan(y) || y >= 0.5 + tolerance)
            continue;
        if (fabs(y - 0.5) < tolerance) {
            for (size_t j = i + 1; j < count; j++) {
                double next = which == 0  ? steps[j].survival
                              : which < 0 ? steps[j].lower
                                          : steps[j].upper;
                if (next < y) {
                    *median = (steps[i].time + steps[j].time) / 2.0;
                    return true;
                }
            }
        }
        *median = steps[i].time;
        return true;
    }
    return false;
}

bool tn_km_fit(const double *time, const int *event, size_t n, double conf_level, tn_km_curve *out,
               tn_error *err) {
    memset(out, 0, sizeof *out);
    if (n == 0)
        return tn_error_set(err, TN_ERR_INPUT, "no subjects");
    observation *obs = malloc(n * sizeof *obs);
    out->steps = malloc(n * sizeof *out->steps);
    if (obs == NULL || out->steps == NULL) {
        free(obs);
        tn_km_free(out);
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        if (!(time[i] >= 0.0)) {
            free(obs);
            tn_km_free(out);
            return tn_error_set(err, TN_ERR_INPUT, "time %g of subject %zu is not a time >= 0",
                                time[i], i + 1);
        }
        obs[i].time = time[i];
        obs[i].event = event[i] != 0;
        out->events += obs[i].event;
    }
    qsort(obs, n, sizeof *obs, by_time);
    out->n = (int)n;
    out->conf_level = conf_level;
    double z = gsl_cdf_ugaussian_Qinv((1.0 - conf_level) / 2.0);
    double survival = 1.0, variance = 0.0;
    size_t i = 0;
    while (i < n) {
        tn_km_step *step = &out->steps[out->count++];
        step->time = obs[i].time;
        step->at_risk = (int)(n - i);
        step->events = step->censored = 0;
        while (i < n && obs[i].time == step->time) {
            step->events += obs[i].event;
            step->censored += !obs[i].event;
            i++;
        }
        if (step->events > 0) {
            survival *= 1.0 - (double)step->events / step->at_risk;
            if (step->at_risk > step->events)
                variance +=
                    (double)step->events / ((double)step->at_risk * (step->at_risk - step->events));
            else
                variance = INFINITY; /* everyone left has the event: S = 0 */
        }
        step->survival = survival;
        step->std_err = sqrt(variance);
        log_log_interval(step, z);
    }
    free(obs);
    out->median_reached = curve_median(out->steps, out->count, 0, &out->median);
    out->median_lower_reached = curve_median(out->steps, out->count, -1, &out->median_lower);
    out->median_upper_reached = curve_median(out->steps, out->count, 1, &out->median_upper);
    return true;
}

void tn_km_free(tn_km_curve *curve) {
    free(curve->steps);
    curve->steps = NULL;
    curve->count = 0;
}

bool tn_km_at(const tn_km_curve *curve, double t, double *survival, double *lower, double *upper,
              int *at_risk) {
    if (curve->count == 0 || t > curve->steps[curve->count - 1].time)
        return false;
    double s = 1.0, lo = 1.0, hi = 1.0;
    int risk = 0;
    for (size_t i = 0; i < curve->count; i++) {
        if (curve->steps[i].time <= t) {
            s = curve->steps[i].survival;
            lo = curve->steps[i].lower;
            hi = curve->steps[i].upper;
        }
        if (risk == 0 && curve->steps[i].time >= t)
            risk = curve->steps[i].at_risk; /* subjects with time >= t, as R's summary() */
    }
    if (survival != NULL)
        *survival = s;
    if (lower != NULL)
        *lower = lo;
    if (upper != NULL)
        *upper = hi;
    if (at_risk != NULL)
        *at_risk = risk;
    return true;
}
