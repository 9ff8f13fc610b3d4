/*
 * interpolated_isotonic.h — isotonic regression made strictly increasing, to
 * calibrate a score (XGBoost's margin, a log-odds) without tying it.
 *
 * Plain isotonic regression is a step function: every score inside one of
 * its blocks gets the block's rate, so a few dozen blocks turn thousands of
 * scores into a few dozen ties. This map keeps the blocks' rates but draws a
 * strictly increasing line through them:
 *
 *   1. Pool adjacent violators on (score, label) gives blocks of rows, each
 *      with a rate k/m (stats/isotonic.h, tn_isotonic_blocks; neighbours of
 *      equal rate are pooled, so the rates strictly increase).
 *   2. Each rate is moved off 0 and 1 the way Platt's targets move a label
 *      (platt.h, Platt 1999): r' = t₋ + r·(t₊ − t₋), with t₊ = (N₊ + 1) /
 *      (N₊ + 2) and t₋ = 1 / (N₋ + 2) for the N₊ positives and N₋ negatives
 *      of all rows. The map is increasing and affine, so it is the isotonic
 *      fit to Platt's targets, and a block of negatives only is no longer
 *      "certainly 0".
 *   3. A knot sits at each block's centre (its mean score) with the log-odds
 *      of r'. Between knots the log-odds are linear in the score; beyond the
 *      end knots they go on with slope `tail_slope` (1: a unit of the trees'
 *      margin is a unit of log-odds there, since the slice holds no rows to
 *      say otherwise). p = 1 / (1 + exp(−log-odds)).
 *
 * Knots strictly increasing in both coordinates make the map strictly
 * increasing everywhere: distinct scores keep distinct probabilities and the
 * ranking (AUC) is the score's own. Centres as knots are the idea of
 * centred isotonic regression (Oron & Flournoy 2017, "Centered isotonic
 * regression: point and interval estimation for dose-response studies");
 * the log-odds scale and the tails are ours. Tested against an independent
 * NumPy/scikit-learn implementation (tests/unit/test_interpolated_isotonic.c).
 */
#ifndef TN_STATS_INTERPOLATED_ISOTONIC_H
#define TN_STATS_INTERPOLATED_ISOTONIC_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

#define TN_INTERPOLATED_ISOTONIC_TAIL_SLOPE 1.0

typedef struct {
    size_t count;
    double *x;         /* [count] the blocks' centres (scores), strictly increasing; owned */
    double *log_odds;  /* [count] their smoothed rates as log-odds, strictly increasing; owned */
    double tail_slope; /* d log-odds / d score beyond the end knots, > 0 */
} tn_interpolated_isotonic;

/*
 * Fits to n scores `s` with labels `y` (0 or 1). Free with
 * tn_interpolated_isotonic_free(). TN_ERR_INPUT when n is 0 or a score is not
 * finite.
 */
bool tn_interpolated_isotonic_fit(const double *s, const double *y, size_t n,
                                  tn_interpolated_isotonic *out, tn_error *err);

/* The calibrated probability of score s. */
double tn_interpolated_isotonic_apply(const tn_interpolated_isotonic *model, double s);

/*
 * Checks a map read from a file: at least one knot, all finite, both
 * coordinates strictly increasing, tail_slope positive. TN_ERR_INPUT naming
 * the first fault.
 */
bool tn_interpolated_isotonic_check(const tn_interpolated_isotonic *model, tn_error *err);

void tn_interpolated_isotonic_free(tn_interpolated_isotonic *model);

#endif
