/*
 * metrics.h — how good a probability model is, on labelled rows.
 *
 *   AUC: the probability that a random positive scores above a random
 *     negative, ties counting one half (the Mann-Whitney form; Hanley &
 *     McNeil 1982; as sklearn.metrics.roc_auc_score).
 *   Brier score: mean (p − y)² (Brier 1950).
 *   Log loss: −mean(y log p + (1 − y) log(1 − p)), p clipped to
 *     [ε, 1 − ε] with ε the double epsilon (as sklearn.metrics.log_loss).
 *   Top decile: the ⌈n/10⌉ highest scores (ties broken by row order):
 *     precision = their positive rate, lift = precision / overall rate.
 *   Top-decile share: of the positives' total `weight` (e.g. the ARR of the
 *     customers who churned), the part held by the top decile's positives.
 *   Calibration table: rows sorted by prediction and cut into `bins` groups
 *     of (nearly) equal size; per group the mean prediction and the observed
 *     rate; calibration error = the largest |mean prediction − observed rate|.
 *   ROC curve: (false positive rate, true positive rate) at every distinct score.
 *   Distinct values: how many different numbers a score takes (how far
 *     a ranking by it is from being all ties).
 * Checked against scikit-learn and by hand (tests/unit/test_metrics.c).
 */
#ifndef TN_STATS_METRICS_H
#define TN_STATS_METRICS_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

/*
 * Each function below that sorts or counts returns false, with TN_ERR_NOMEM
 * in `err`, when memory runs out, so that a failure is never mistaken for a
 * figure; NAN in a result means the figure does not exist for these rows.
 */

/* AUC of `score` for labels `y` (0/1) into *auc: NAN when a class is missing. */
bool tn_auc(const double *score, const int *y, size_t n, double *auc, tn_error *err);

double tn_brier(const double *p, const int *y, size_t n);

double tn_log_loss(const double *p, const int *y, size_t n);

typedef struct {
    size_t rows;
    double precision, base_rate, lift;
} tn_top_decile;

/* The top decile of n rows into *out (rows 0 and NAN figures when n is 0). */
bool tn_top_decile_of(const double *score, const int *y, size_t n, tn_top_decile *out,
                      tn_error *err);

/* The top decile's share of the positives' weight into *share; NAN without positive weight. */
bool tn_top_decile_share(const double *score, const int *y, const double *weight, size_t n,
                         double *share, tn_error *err);

#define TN_CALIBRATION_MAX_BINS 20

typedef struct {
    int bins;
    size_t count[TN_CALIBRATION_MAX_BINS];
    double mean_predicted[TN_CALIBRATION_MAX_BINS];
    double observed_rate[TN_CALIBRATION_MAX_BINS];
    double max_error; /* largest |mean_predicted − observed_rate| */
} tn_calibration_table;

/*
 * Equal-count bins by prediction. TN_ERR_INPUT for bins outside 1..20 or fewer rows than bins,
 * TN_ERR_NOMEM when memory runs out.
 */
bool tn_calibration_of(const double *p, const int *y, size_t n, int bins, tn_calibration_table *out,
                       tn_error *err);

/*
 * The ROC curve at each distinct score, highest first, starting at (0, 0):
 * writes at most n + 1 points into fpr/tpr (each sized n + 1) and how many into *count.
 */
bool tn_roc_curve(const double *score, const int *y, size_t n, double *fpr, double *tpr,
                  size_t *count, tn_error *err);

/* How many different values the n numbers take into *count (== on doubles; NANs not counted). */
bool tn_distinct_count(const double *values, size_t n, size_t *count, tn_error *err);

#endif
