/*
 * km.h — the Kaplan-Meier estimator of a survival curve.
 *
 * For distinct times t_1 < t_2 < ... with n_i at risk and d_i events:
 *   S(t) = Π_{t_i ≤ t} (1 − d_i / n_i)                (Kaplan & Meier 1958)
 *   σ²(t) = Σ_{t_i ≤ t} d_i / (n_i (n_i − d_i))        (Greenwood 1926; the
 *           variance of the cumulative hazard −log S, as R's survfit reports it)
 * and, where 0 < S < 1, the pointwise confidence interval on the log(−log S)
 * scale ("log-log", Kalbfleisch & Prentice 2002, §1.3; R survfit's
 * conf.type = "log-log"):  S^exp(∓z·σ / log S), lower bound with −.
 * The median is the first time S ≤ 0.5; where S is exactly 0.5 over an
 * interval it is the midpoint of that interval, as in R's survival package;
 * its interval comes the same way from the bounds. Checked against R's
 * survival::survfit (tests/fixtures/stats).
 */
#ifndef TN_STATS_KM_H
#define TN_STATS_KM_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

/* The curve at one distinct time (every time with an event or a censoring). */
typedef struct {
    double time;
    int at_risk;  /* n_i: subjects with time ≥ t_i */
    int events;   /* d_i */
    int censored; /* censored exactly at t_i */
    double survival;
    double std_err; /* σ(t): standard error of the cumulative hazard, Greenwood */
    double lower, upper;
    bool ci_defined; /* false where S is 1 or 0: lower = upper = NAN, as R */
} tn_km_step;

typedef struct {
    tn_km_step *steps; /* owned; free with tn_km_free() */
    size_t count;
    int n, events;
    double conf_level;
    bool median_reached;
    double median; /* when reached */
    bool median_lower_reached, median_upper_reached;
    double median_lower, median_upper; /* CI of the median, from the CI curves */
} tn_km_curve;

/*
 * Fits the curve to `n` subjects (time ≥ 0; event 1 = event, 0 = censored).
 * `conf_level` is e.g. 0.95. TN_ERR_INPUT for no subjects or a negative time.
 */
bool tn_km_fit(const double *time, const int *event, size_t n, double conf_level, tn_km_curve *out,
               tn_error *err);

void tn_km_free(tn_km_curve *curve);

/*
 * The curve at time t: the last step at or before t (S = 1 before the
 * first), and the number at risk at t (subjects with time ≥ t), as R's
 * summary(survfit, times = t). Returns false when t is beyond the last time
 * observed, where the estimate is undefined.
 */
bool tn_km_at(const tn_km_curve *curve, double t, double *survival, double *lower, double *upper,
              int *at_risk);

#endif
