/*
 * calibration.h — how a model's scores become probabilities, which method
 * training chose and why, and the map as <name>.meta.json stores it.
 *
 * Two methods, one of them per model (a tagged union):
 *   isotonic — isotonic regression of the trees' probability
 *              (stats/isotonic.h), the default;
 *   platt    — Platt scaling of the trees' margin, their log-odds
 *              (stats/platt.h), for a calibration slice too small for it.
 *
 * The rule (tn_calibration_fit): isotonic regression when the calibration
 * slice has at least TN_ISOTONIC_MIN_CLASS positives and as many negatives,
 * Platt scaling otherwise. Why 50: pool-adjacent-violators fits a step
 * function with at most min(N₊, N₋) + 1 levels (every level above 0 holds a
 * positive, every level below 1 a negative), and each level's rate rests on
 * the few events inside it. With a few dozen events the map turns the test
 * set's scores into a few dozen ties. Measured on generated companies of
 * 300 to 1,200 customers with isotonic regression alone, slices of 20–47
 * positives cut the test AUC by up to 0.029 (8 positives, issue 13's case:
 * by 0.140), slices of 51–77 by 0.001–0.007 (one of 114 by 0.013: the rule
 * is a floor, not a guarantee), and the default company's 270 and 401 by
 * under 0.001, so it keeps isotonic regression for both models. Platt
 * scaling has two parameters, which ~10 events each estimate well (the
 * events-per-variable rule of Peduzzi et al. 1996), and is strictly
 * increasing, so it keeps the trees' ranking: the test AUC is the trees'
 * own. Should Platt's slope come out ≤ 0 (the trees rank the slice
 * backwards), isotonic regression is kept, since it never reverses a
 * ranking.
 *
 * Older metadata without "method" is isotonic. An isotonic probability is
 * kept within [TN_PROBABILITY_FLOOR, 1 − TN_PROBABILITY_FLOOR]: its map
 * reaches 0 or 1 wherever a block holds one class only, and a calibration
 * slice of a few thousand rows cannot show that anything is certain. A Platt
 * probability is not bounded: the sigmoid reaches 0 or 1 (in doubles) only
 * beyond |a·margin + b| ≈ 37, far outside what the trees give, Platt's
 * targets already keep it from the extremes, and a floor would tie the
 * customers below it and undo the point of the method (72 of the 173
 * expansion candidates of the 300-customer company, seed 42, were below
 * 0.001).
 */
#ifndef TN_ML_CALIBRATION_H
#define TN_ML_CALIBRATION_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "common/error.h"
#include "stats/isotonic.h"
#include "stats/platt.h"

#define TN_ISOTONIC_MIN_CLASS 50
#define TN_PROBABILITY_FLOOR 0.001

typedef enum { TN_CALIBRATION_ISOTONIC, TN_CALIBRATION_PLATT } tn_calibration_method;

typedef struct {
    tn_calibration_method method;
    union {
        tn_isotonic isotonic; /* of the trees' probability; owned */
        tn_platt platt;       /* of the trees' margin */
    } map;
    size_t positives, negatives; /* in the calibration slice (0 when older metadata lacks them) */
    char reason[320];            /* why this method ("" when older metadata lacks it) */
} tn_calibration;

/*
 * Chooses the method by the rule above and fits it to the calibration slice's
 * n rows: the trees' probability and margin of each, and its label (0/1).
 * Free with tn_calibration_free().
 */
bool tn_calibration_fit(const double *probability, const double *margin, const double *label,
                        size_t n, tn_calibration *out, tn_error *err);

/* The calibrated probability of a row the trees give `probability` and `margin`. */
double tn_calibrated_probability(const tn_calibration *calibration, double probability,
                                 double margin);

/* "isotonic" or "platt". */
const char *tn_calibration_method_name(tn_calibration_method method);

/* The metadata's "calibration" object (new reference), and back. */
json_t *tn_calibration_to_json(const tn_calibration *calibration);
bool tn_calibration_from_json(const json_t *json, tn_calibration *out, tn_error *err);

void tn_calibration_free(tn_calibration *calibration);

#endif
