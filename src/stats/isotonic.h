/*
 * isotonic.h — isotonic regression, to calibrate a model's probabilities.
 *
 * Fits the non-decreasing step function minimising the weighted squared
 * error to (x, y) by the pool-adjacent-violators algorithm (Ayer et al.
 * 1955; Barlow et al. 1972). Prediction interpolates linearly between the
 * fitted points and clips outside their range, as scikit-learn's
 * IsotonicRegression(out_of_bounds = "clip"), against which it is tested.
 *
 * tn_isotonic_blocks gives the same fit as its blocks — each block's centre
 * (the weighted mean x of its points), value and weight — for a map that
 * interpolates between the centres (interpolated_isotonic.h).
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

/* One block of the fit: the points it pools. */
typedef struct {
    double x;      /* the weighted mean x of its points: its centre */
    double y;      /* the weighted mean y: the fitted value */
    double weight; /* Σ weight */
} tn_isotonic_block;

/*
 * The blocks of the fit to n points (weights may be NULL for all 1), in
 * order of x, neighbours of equal value pooled too, so that both x and y
 * strictly increase from block to block. Two means are compared as cross
 * products (Σ w·y of one times Σ w of the other), which is exact when the y
 * and weights are integers: 0/1 labels pool as they would in exact
 * arithmetic, so another implementation finds the same blocks. *blocks
 * receives a malloc'd array of *count, the caller's to free(). TN_ERR_INPUT
 * when n is 0.
 */
bool tn_isotonic_blocks(const double *x, const double *y, const double *weight, size_t n,
                        tn_isotonic_block **blocks, size_t *count, tn_error *err);

void tn_isotonic_free(tn_isotonic *model);

#endif
