/*
 * isotonic.h — isotonic regression, to calibrate a model's probabilities.
 *
 * Fits the non-decreasing step function minimising the weighted squared
 * error to (x, y) by the pool-adjacent-violators algorithm (Ayer et al.
 * 1955; Barlow et al. 1972). Prediction interpolates linearly between the
 * fitted points and clips outside their range, as scikit-learn's
 * IsotonicRegression(out_of_bounds = "clip"), against which it is tested.
 */
#ifndef TN_STATS_ISOTONIC_H
#define TN_STATS_ISOTONIC_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

typedef struct {
    size_t count;
    double *x, *y; /* [count], x strictly increasing, y non-decreasing; owned */
} tn_isotonic;

/* Fits to n points (weights may be NULL for all 1). TN_ERR_INPUT when n is 0. */
bool tn_isotonic_fit(const double *x, const double *y, const double *weight, size_t n,
                     tn_isotonic *out, tn_error *err);

double tn_isotonic_apply(const tn_isotonic *model, double x);

void tn_isotonic_free(tn_isotonic *model);

#endif
