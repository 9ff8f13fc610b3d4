/*
 * beta_calibration.h — beta calibration of a score that is a log-odds
 * (XGBoost's margin m, whose probability is p = 1 / (1 + exp(−m))).
 *
 * Kull, Silva Filho and Flach (2017), "Beta calibration: a well-founded and
 * easily implemented improvement on logistic calibration for binary
 * classifiers", AISTATS, PMLR 54:623–631, §3.3: a logistic regression of the
 * label on the two features ln p and −ln(1 − p),
 *
 *     p' = 1 / (1 + exp(−(a·ln p − b·ln(1 − p) + c)))
 *
 * fitted by maximum likelihood on the 0/1 labels (as the authors' package
 * betacal does). With a = b it is Platt scaling of the margin
 * (a·ln p − a·ln(1 − p) = a·m), so it can only fit better; the third
 * parameter lets the map bend differently towards 0 and towards 1.
 *
 * The map is strictly increasing in m when a ≥ 0, b ≥ 0 and a + b > 0: its
 * log-odds have derivative a·(1 − p) + b·p. The authors' rule keeps a and b
 * from going negative: when the fit gives a < 0, fit again without ln p
 * (a = 0); else when it gives b < 0, fit again without −ln(1 − p) (b = 0).
 * A coefficient still negative after that means the scores do not rank the
 * labels: tn_beta_calibration_increasing() is then false, and refusing the
 * map is the caller's.
 *
 * The fit is Newton's method (the Hessian solved by GSL's Cholesky
 * decomposition) with halving steps, as for Platt scaling (platt.h). Tested
 * against scikit-learn and SciPy (tests/unit/test_beta_calibration.c).
 */
#ifndef TN_STATS_BETA_CALIBRATION_H
#define TN_STATS_BETA_CALIBRATION_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

typedef struct {
    double a, b, c;
} tn_beta_calibration;

/*
 * Fits to n margins `m` with labels `y` (0 or 1). TN_ERR_INPUT when n is 0, a
 * margin is not finite, the labels are all of one class, or Newton's method
 * does not converge (the classes are separated: no finite maximum).
 */
bool tn_beta_calibration_fit(const double *m, const double *y, size_t n, tn_beta_calibration *out,
                             tn_error *err);

/* The calibrated probability of margin m, computed without overflow. */
double tn_beta_calibration_apply(const tn_beta_calibration *model, double m);

/* a ≥ 0, b ≥ 0, a + b > 0 and all finite: strictly increasing in the margin. */
bool tn_beta_calibration_increasing(const tn_beta_calibration *model);

#endif
