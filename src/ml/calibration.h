/*
 * calibration.h — how a model's scores become probabilities, which method
 * training chose and why, and the map as <name>.meta.json stores it.
 *
 * Every map training fits is strictly increasing in the trees' margin (their
 * log-odds), so the calibrated probabilities rank the customers exactly as
 * the trees do: no two margins share a probability, and the AUC is the
 * trees' own. Three candidates (a tagged union holds the one chosen):
 *   platt                 — Platt scaling of the margin, 2 parameters
 *                           (stats/platt.h);
 *   beta                  — beta calibration, 3 parameters, Platt scaling
 *                           when a = b (stats/beta_calibration.h);
 *   interpolated_isotonic — isotonic regression's blocks joined by straight
 *                           lines in log-odds (stats/interpolated_isotonic.h).
 * Metadata written before these also has
 *   isotonic              — plain isotonic regression of the trees'
 *                           probability, a step function that tied the
 *                           scores (issue 15: 46 distinct churn
 *                           probabilities for 3,565 customers). It is still
 *                           read and applied, never fitted.
 *
 * The choice (tn_calibration_fit, calibration_fit.c), on the calibration
 * slice:
 *   - with at least TN_CALIBRATION_MIN_CLASS positives and as many
 *     negatives, each candidate is scored by its log loss out of fold in
 *     TN_CALIBRATION_FOLDS-fold cross-validation on the slice, and the
 *     lowest wins; it is then fitted to the whole slice. Cross-validated, not
 *     in-sample: a map fitted and scored on the same rows looks better the
 *     more it can bend, and isotonic regression would win on the slice by
 *     memorising it. And each customer's rows are held out together
 *     (stats/folds.h): a customer's monthly snapshots are near copies, and
 *     with rows dealt to folds one by one each held-out row's twin was
 *     fitted on, which favoured the local map again. On 5 generated
 *     companies (1,200 to 5,000 customers, both models), rows dealt singly
 *     chose interpolated isotonic regression 9 times in 10, which the
 *     out-of-time test set then ranked last or second; customers dealt
 *     whole chose the map of lowest test log loss 9 times in 10 (beta
 *     calibration 8 times).
 *   - with fewer of a class, Platt scaling. Two parameters, which ~10 events
 *     each estimate well (the events-per-variable rule of Peduzzi et al.
 *     1996); five folds of a few dozen events are too noisy to rank maps by.
 *     The threshold dates from plain isotonic regression, which on slices
 *     of 20–47 positives (companies of 300 to 1,200 customers) cut the test
 *     AUC by up to 0.029 (issue 13's 8 positives: by 0.140). It is kept,
 *     not measured again for the maps that replaced it: below it there is
 *     too little to fit beta calibration's third parameter or to compare
 *     maps by cross-validation.
 *   - a candidate whose map is not strictly increasing (Platt's slope or
 *     beta's a and b not positive: the trees rank the slice backwards) is
 *     refused; when none is left, interpolated isotonic regression, which is
 *     increasing by construction and never reverses a ranking.
 * The metadata keeps every candidate's log losses (on the slice and cross-
 * validated) beside the choice, so the model card can say why.
 *
 * Probabilities are not bounded away from 0 and 1 (but for older isotonic
 * maps, kept within [TN_PROBABILITY_FLOOR, 1 − TN_PROBABILITY_FLOOR]): a
 * floor would tie every customer below it. The maps keep clear of the
 * extremes by their own means: Platt's targets, the smoothed isotonic
 * rates, and sigmoids that reach 0 or 1 (in doubles) only far beyond any
 * margin the trees give.
 */
#ifndef TN_ML_CALIBRATION_H
#define TN_ML_CALIBRATION_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "common/error.h"
#include "stats/beta_calibration.h"
#include "stats/interpolated_isotonic.h"
#include "stats/isotonic.h"
#include "stats/platt.h"

#define TN_CALIBRATION_MIN_CLASS 50
#define TN_CALIBRATION_FOLDS 5
#define TN_CALIBRATION_CANDIDATES 3
#define TN_PROBABILITY_FLOOR 0.001

typedef enum {
    TN_CALIBRATION_ISOTONIC, /* older metadata only */
    TN_CALIBRATION_PLATT,
    TN_CALIBRATION_BETA,
    TN_CALIBRATION_INTERPOLATED_ISOTONIC,
} tn_calibration_method;

/* One method tried on the calibration slice. */
typedef struct {
    tn_calibration_method method;
    bool eligible;         /* fitted, on the slice and on every fold, and strictly increasing */
    double slice_log_loss; /* of the map fitted to the whole slice, on the slice (NAN if none) */
    double cv_log_loss;    /* out of fold (NAN if not every fold could be fitted) */
    char note[200];        /* why it is not eligible ("" when it is) */
} tn_calibration_candidate;

typedef struct {
    tn_calibration_method method;
    union {
        tn_isotonic isotonic; /* of the trees' probability; owned */
        tn_platt platt;       /* of the trees' margin */
        tn_beta_calibration beta;
        tn_interpolated_isotonic interpolated; /* owned */
    } map;
    size_t positives, negatives; /* in the calibration slice (0 when older metadata lacks them) */
    size_t candidate_count;      /* 0 when older metadata lacks them */
    tn_calibration_candidate candidates[TN_CALIBRATION_CANDIDATES + 1];
    char reason[1024]; /* why this method ("" when older metadata lacks it) */
} tn_calibration;

/*
 * Chooses the method by the rule above and fits it to the calibration slice's
 * n rows: the trees' margin of each, its label (0/1) and its group (the
 * customer: rows of one group are held out together; NULL: every row its
 * own). Free with tn_calibration_free().
 */
bool tn_calibration_fit(const double *margin, const double *label, const size_t *group, size_t n,
                        tn_calibration *out, tn_error *err);

/*
 * The calibrated probability of a row the trees give `probability` and
 * `margin` (only older isotonic maps read the probability).
 */
double tn_calibrated_probability(const tn_calibration *calibration, double probability,
                                 double margin);

/* Whether a fitted map is strictly increasing in the margin (older isotonic maps: false). */
bool tn_calibration_increasing(const tn_calibration *calibration);

/* "isotonic", "platt", "beta" or "interpolated_isotonic", as the metadata names it. */
const char *tn_calibration_method_name(tn_calibration_method method);

/* "Platt scaling", "beta calibration", …: the method in words. */
const char *tn_calibration_method_title(tn_calibration_method method);

/* The method a metadata name stands for; false for an unknown name. */
bool tn_calibration_method_of(const char *name, tn_calibration_method *out);

/*
 * The metadata's "calibration" object (new reference), and back: the map,
 * the slice, the candidates and the reason. Older metadata without "method"
 * is isotonic.
 */
json_t *tn_calibration_to_json(const tn_calibration *calibration);
bool tn_calibration_from_json(const json_t *json, tn_calibration *out, tn_error *err);

void tn_calibration_free(tn_calibration *calibration);

#endif
