/*
 * platt.h — Platt scaling, to calibrate a model's scores when there are too
 * few labelled rows for isotonic regression.
 *
 * A logistic regression of the label on one score s (for XGBoost, the
 * trees' margin, their log-odds):
 *
 *     p = 1 / (1 + exp(−(a·s + b)))
 *
 * fitted by maximum likelihood. The targets are Platt's (Platt 1999, §2.2):
 * a positive counts as (N₊ + 1) / (N₊ + 2), a negative as 1 / (N₋ + 2),
 * with N₊ and N₋ the numbers of positives and negatives, not 1 and 0. We
 * use them because Platt scaling is for small samples: the smoothing is
 * the Bayesian answer to "how sure can N₊ positives make us", and it keeps
 * a and b finite when the scores separate the classes perfectly, where the
 * plain 0/1 maximum likelihood runs off to infinity. scikit-learn's
 * CalibratedClassifierCV(method="sigmoid") uses the same targets.
 *
 * The fit is Newton's method with a backtracking line search, as in Lin,
 * Lin and Weng (2007), "A note on Platt's probabilistic outputs for support
 * vector machines", tested against SciPy and scikit-learn
 * (tests/unit/test_platt.c). The map is strictly increasing in s when
 * a > 0, so it keeps the scores' ranking; a ≤ 0 means the scores rank the
 * rows the wrong way (or not at all) and is the caller's to refuse.
 */
#ifndef TN_STATS_PLATT_H
#define TN_STATS_PLATT_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

typedef struct {
    double a, b;
} tn_platt;

/*
 * Fits to n scores `s` with labels `y` (0 or 1). When every score is the
 * same, a is 0 and b the log-odds of the mean target. TN_ERR_INPUT when n is
 * 0, a score is not finite, or Newton's method does not converge.
 */
bool tn_platt_fit(const double *s, const double *y, size_t n, tn_platt *out, tn_error *err);

/* 1 / (1 + exp(−(a·s + b))), computed without overflow. */
double tn_platt_apply(const tn_platt *model, double s);

#endif
