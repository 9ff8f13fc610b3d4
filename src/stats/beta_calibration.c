/*
 * beta_calibration.c — beta calibration by Newton's method (see
 * beta_calibration.h).
 *
 * A logistic regression on k ≤ 3 of the columns (ln p, −ln(1 − p), 1), with
 * ln p = −log(1 + e^(−m)) and −ln(1 − p) = log(1 + e^m) computed from the
 * margin m without rounding p first. The objective is the negative
 * log-likelihood F(w) = Σ log(1 + e^z) − y·z, z = Σ w_j·x_j, whose gradient is
 * Σ (σ(z) − y)·x and Hessian Σ σ(z)(1 − σ(z))·x·xᵀ (McCullagh & Nelder 1989,
 * §4.4: Newton's method on it is iteratively reweighted least squares).
 * Each step is halved until F decreases enough (Armijo), as in platt.c.
 */
#include "stats/beta_calibration.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_linalg.h>

#define MAX_ITERATIONS 100
#define STEP_DONE 1e-10 /* a Newton step this small (relative) ends the fit */
#define MIN_STEP 1e-10  /* line-search steps shorter than this give up */
#define FLAT 1e-10      /* a promised decrease below FLAT·(1 + |F|) is lost in F's rounding */

enum { LOG_P, LOG_NOT_P, INTERCEPT, COLUMNS };

typedef struct {
    const double *y;
    double *x[COLUMNS]; /* [n] each: ln p, −ln(1 − p), 1 */
    size_t n;
    int used[COLUMNS]; /* the columns fitted, in order */
    size_t k;
} design;

/* log(1 + e^z) without overflow. */
static double softplus(double z) {
    return z > 0 ? z + log1p(exp(-z)) : log1p(exp(z));
}

static double sigmoid(double z) {
    if (z >= 0)
        return 1.0 / (1.0 + exp(-z));
    double e = exp(z);
    return e / (1.0 + e);
}

static double linear(const design *d, const double *w, size_t i) {
    double z = 0;
    for (size_t j = 0; j < d->k; j++)
        z += w[j] * d->x[d->used[j]][i];
    return z;
}

static double objective(const design *d, const double *w) {
    double f = 0;
    for (size_t i = 0; i < d->n; i++) {
        double z = linear(d, w, i);
        f += softplus(z) - (d->y[i] > 0.5 ? z : 0);
    }
    return f;
}

/*
 * The Newton direction at w into `step`; returns the slope gradient · step,
 * or NAN when the Hessian is not positive definite (columns that do not vary).
 */
static double newton_step(const design *d, const double *w, double *step) {
    double g[COLUMNS] = {0}, h[COLUMNS * COLUMNS] = {0};
    size_t k = d->k;
    for (size_t i = 0; i < d->n; i++) {
        double p = sigmoid(linear(d, w, i)), r = p - (d->y[i] > 0.5), v = p * (1.0 - p);
        for (size_t a = 0; a < k; a++) {
            double xa = d->x[d->used[a]][i];
            g[a] += r * xa;
            for (size_t b = 0; b <= a; b++)
                h[a * k + b] += v * xa * d->x[d->used[b]][i];
        }
    }
    gsl_matrix_view hessian = gsl_matrix_view_array(h, k, k); /* lower triangle filled */
    gsl_vector_view gradient = gsl_vector_view_array(g, k),
                    direction = gsl_vector_view_array(step, k);
    if (gsl_linalg_cholesky_decomp1(&hessian.matrix) != GSL_SUCCESS ||
        gsl_linalg_cholesky_solve(&hessian.matrix, &gradient.vector, &direction.vector) !=
            GSL_SUCCESS)
        return NAN;
    double slope = 0;
    for (size_t a = 0; a < k; a++) {
        step[a] = -step[a];
        slope += g[a] * step[a];
    }
    return slope;
}

static bool done(const double *step, const double *w, size_t k) {
    for (size_t j = 0; j < k; j++)
        if (fabs(step[j]) > STEP_DONE * (1.0 + fabs(w[j])))
            return false;
    return true;
}

/* Newton's method from w = (0, …, log-odds of the base rate) into w; false if it fails. */
static bool newton(const design *d, double positives, double *w) {
    for (size_t j = 0; j < d->k; j++)
        w[j] = d->used[j] == INTERCEPT ? log(positives / ((double)d->n - positives)) : 0;
    double f = objective(d, w);
    for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
        double step[COLUMNS], trial[COLUMNS], length = 1.0;
        double slope = newton_step(d, w, step);
        if (isnan(slope))
            return false;
        if (done(step, w, d->k)) {
            for (size_t j = 0; j < d->k; j++)
                w[j] += step[j];
            return true;
        }
        for (;;) { /* Armijo, unless F can no longer show the promised decrease */
            for (size_t j = 0; j < d->k; j++)
                trial[j] = w[j] + length * step[j];
            if (-slope <= FLAT * (1.0 + fabs(f)) ||
                objective(d, trial) <= f + 1e-4 * length * slope)
                break;
            if ((length /= 2) < MIN_STEP)
                return false;
        }
        for (size_t j = 0; j < d->k; j++)
            w[j] = trial[j];
        f = objective(d, w);
    }
    return false;
}

/* Fits the columns `used` (k of them) and writes a, b and c (0 for a column left out). */
static bool fit_columns(design *d, const int *used, size_t k, double positives,
                        tn_beta_calibration *out) {
    double w[COLUMNS];
    d->k = k;
    for (size_t j = 0; j < k; j++)
        d->used[j] = used[j];
    if (!newton(d, positives, w))
        return false;
    *out = (tn_beta_calibration){0, 0, 0};
    double *coefficient[COLUMNS] = {&out->a, &out->b, &out->c}; /* by column */
    for (size_t j = 0; j < k; j++)
        *coefficient[d->used[j]] = w[j];
    return true;
}

/* The full fit, then the authors' refit when a or b comes out negative. */
static bool fit(design *d, double positives, tn_beta_calibration *out) {
    static const int all[] = {LOG_P, LOG_NOT_P, INTERCEPT}, without_a[] = {LOG_NOT_P, INTERCEPT},
                     without_b[] = {LOG_P, INTERCEPT};
    if (!fit_columns(d, all, 3, positives, out))
        return false;
    if (out->a < 0)
        return fit_columns(d, without_a, 2, positives, out);
    if (out->b < 0)
        return fit_columns(d, without_b, 2, positives, out);
    return true;
}

bool tn_beta_calibration_fit(const double *m, const double *y, size_t n, tn_beta_calibration *out,
                             tn_error *err) {
    *out = (tn_beta_calibration){0, 0, 0};
    double positives = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(m[i]))
            return tn_error_set(err, TN_ERR_INPUT, "margin %zu is not a finite number", i);
        positives += y[i] > 0.5;
    }
    if (positives == 0 || positives == (double)n)
        return tn_error_set(err, TN_ERR_INPUT, "beta calibration needs labels of both classes");
    design d = {.y = y, .n = n};
    for (int j = 0; j < COLUMNS; j++)
        d.x[j] = malloc(n * sizeof *d.x[j]);
    bool ok = d.x[LOG_P] != NULL && d.x[LOG_NOT_P] != NULL && d.x[INTERCEPT] != NULL;
    if (!ok)
        tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    for (size_t i = 0; ok && i < n; i++) {
        d.x[LOG_P][i] = -softplus(-m[i]);
        d.x[LOG_NOT_P][i] = softplus(m[i]);
        d.x[INTERCEPT][i] = 1.0;
    }
    if (ok && !fit(&d, positives, out))
        ok = tn_error_set(err, TN_ERR_INPUT,
                          "beta calibration: Newton's method did not converge (the margins may "
                          "separate the classes, or not vary)");
    for (int j = 0; j < COLUMNS; j++)
        free(d.x[j]);
    return ok;
}

double tn_beta_calibration_apply(const tn_beta_calibration *model, double m) {
    return sigmoid(-model->a * softplus(-m) + model->b * softplus(m) + model->c);
}

bool tn_beta_calibration_increasing(const tn_beta_calibration *model) {
    return isfinite(model->a) && isfinite(model->b) && isfinite(model->c) && model->a >= 0 &&
           model->b >= 0 && model->a + model->b > 0;
}
