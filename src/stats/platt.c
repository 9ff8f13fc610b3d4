/*
 * platt.c — Platt scaling by Newton's method (see platt.h).
 *
 * The objective is the cross-entropy of the smoothed targets t:
 * F(a, b) = Σ (1 − t)·z + log(1 + exp(−z)), z = a·s + b, whose gradient is
 * Σ (p − t)·(s, 1) and Hessian Σ p(1 − p)·(s, 1)(s, 1)ᵀ. Each Newton step is
 * halved until it decreases F enough (Armijo); a tiny ridge on the Hessian's
 * diagonal keeps it invertible when p(1 − p) underflows, as in Lin et al.
 */
#include "stats/platt.h"

#include <math.h>

#define MAX_ITERATIONS 100
#define RIDGE 1e-12     /* added to the Hessian's diagonal (Lin et al. 2007) */
#define STEP_DONE 1e-10 /* a Newton step this small (relative) ends the fit */
#define MIN_STEP 1e-10  /* line-search steps shorter than this give up */
#define FLAT 1e-10      /* a promised decrease below FLAT·(1 + |F|) is lost in F's rounding */

typedef struct {
    const double *s, *y;
    size_t n;
    double positive, negative; /* the smoothed targets */
} data;

/* log(1 + exp(−z)) without overflow. */
static double log1p_exp_neg(double z) {
    return z >= 0 ? log1p(exp(-z)) : -z + log1p(exp(z));
}

static double target(const data *d, size_t i) {
    return d->y[i] > 0.5 ? d->positive : d->negative;
}

static double objective(const data *d, double a, double b) {
    double f = 0;
    for (size_t i = 0; i < d->n; i++) {
        double z = a * d->s[i] + b;
        f += (1.0 - target(d, i)) * z + log1p_exp_neg(z);
    }
    return f;
}

/* The Newton direction at (a, b), into step[2]; returns the slope gradient · step (< 0). */
static double newton_step(const data *d, double a, double b, double step[2]) {
    double g[2] = {0, 0}, h[3] = {RIDGE, 0, RIDGE}; /* h: aa, ab, bb */
    tn_platt at = {a, b};
    for (size_t i = 0; i < d->n; i++) {
        double s = d->s[i], p = tn_platt_apply(&at, s);
        double r = p - target(d, i), w = p * (1.0 - p);
        g[0] += s * r, g[1] += r;
        h[0] += s * s * w, h[1] += s * w, h[2] += w;
    }
    double det = h[0] * h[2] - h[1] * h[1];
    step[0] = -(h[2] * g[0] - h[1] * g[1]) / det;
    step[1] = -(h[0] * g[1] - h[1] * g[0]) / det;
    return g[0] * step[0] + g[1] * step[1];
}

static bool small(double step, double value) {
    return fabs(step) <= STEP_DONE * (1.0 + fabs(value));
}

/*
 * Newton's method from Platt's start (a = 0, b = the prior log-odds). While F
 * can still show the decrease a step promises, the step is halved until it
 * gives enough of it (Armijo); once the promise is below F's rounding, F is
 * flat to the eye of a double and the full step converges quadratically.
 */
static bool newton(const data *d, double positives, double negatives, tn_platt *out) {
    double a = 0, b = log((positives + 1.0) / (negatives + 1.0));
    double f = objective(d, a, b);
    for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
        double step[2], slope = newton_step(d, a, b, step), length = 1.0;
        if (small(step[0], a) && small(step[1], b)) {
            *out = (tn_platt){a + step[0], b + step[1]};
            return true;
        }
        if (-slope > FLAT * (1.0 + fabs(f))) {
            while (objective(d, a + length * step[0], b + length * step[1]) >
                   f + 1e-4 * length * slope)
                if ((length /= 2) < MIN_STEP)
                    return false;
        }
        a += length * step[0], b += length * step[1];
        f = objective(d, a, b);
    }
    return false;
}

bool tn_platt_fit(const double *s, const double *y, size_t n, tn_platt *out, tn_error *err) {
    *out = (tn_platt){0, 0};
    if (n == 0)
        return tn_error_set(err, TN_ERR_INPUT, "no scores to calibrate");
    double positives = 0;
    bool constant = true;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(s[i]))
            return tn_error_set(err, TN_ERR_INPUT, "score %zu is not a finite number", i);
        positives += y[i] > 0.5;
        constant = constant && s[i] == s[0];
    }
    double negatives = (double)n - positives;
    data d = {s, y, n, (positives + 1.0) / (positives + 2.0), 1.0 / (negatives + 2.0)};
    if (constant) { /* only b is identified: the log-odds of the mean target */
        double mean = (positives * d.positive + negatives * d.negative) / (double)n;
        *out = (tn_platt){0, log(mean / (1.0 - mean))};
        return true;
    }
    if (!newton(&d, positives, negatives, out))
        return tn_error_set(err, TN_ERR_INPUT, "Platt scaling: Newton's method did not converge");
    return true;
}

double tn_platt_apply(const tn_platt *model, double s) {
    double z = model->a * s + model->b;
    if (z >= 0)
        return 1.0 / (1.0 + exp(-z));
    double e = exp(z);
    return e / (1.0 + e);
}
