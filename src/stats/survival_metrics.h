/*
 * survival_metrics.h — how well predicted survival curves S_i(t) fit a test
 * set with right-censored times: the integrated Brier score with inverse-
 * probability-of-censoring weights, Harrell's concordance truncated at a
 * horizon, and the same for the Kaplan-Meier baseline that predicts one curve
 * (the training population's) for everyone.
 *
 * Test subjects i = 1..n with time T_i and event δ_i (1 event, 0 censored).
 *
 * Censoring distribution. G(t) = P(C > t) is the Kaplan-Meier curve of the
 * censoring times, where at a time with both an event and a censoring the
 * event comes first (so the censorings at s face the risk set of subjects
 * with T > s or censored at s); as R's survival::brier(ties = TRUE) and
 * rttright. G(t−) is its value just before t.
 *
 * Brier score (Graf, Schmoor, Sauerbrei & Schumacher 1999), at time t:
 *   BS(t) = (1/n) Σ_i [ S_i(t)² · 1{T_i ≤ t, δ_i = 1} / G(T_i−)
 *                      + (1 − S_i(t))² · 1{T_i > t} / G(t) ].
 * A subject censored at or before t contributes nothing (its weight goes to
 * the others through G; the weights sum to n). Integrated up to the horizon
 * τ over a caller's grid 0 = g_0 < g_1 < ... < g_{m−1} < τ, with g_m = τ:
 *   IBS(τ) = (1/τ) Σ_k BS(g_k) · (g_{k+1} − g_k),
 * which is the exact (1/τ) ∫_0^τ BS(t) dt when every time in [0, τ) where a
 * predicted curve or the test data jump is on the grid: tn_brier_grid builds
 * that grid (0, every distinct test time and every model jump time before τ);
 * for data in whole days and a whole τ the daily grid 0, 1, ..., τ−1 is exact
 * too.
 * The reference in tests/fixtures/stats/make_survival_curve_fixtures.R computes
 * this in R from the definition and checks it against survival:::brier.
 *
 * Concordance truncated at τ: Harrell's C over the pairs (i, j) where
 * δ_i = 1, T_i ≤ τ and T_j > T_i, or T_j = T_i with δ_j = 0 (a censoring at
 * the time of an event counts as the longer time); pairs with both events at
 * the same time are not comparable. A pair is concordant when the earlier
 * failure has the higher risk score, and a tie in the scores counts one half:
 *   C = (concordant + tied/2) / (concordant + discordant + tied).
 * This is R's survival::concordance(fit, newdata, ymax = τ) with its default
 * timewt = "n" (unweighted), for a risk score such as the Cox linear
 * predictor, or concordance(Surv(time, status) ~ S_tau, ymax = τ) with the
 * score 1 − S_i(τ) (equivalently −S_i(τ)). The Kaplan-Meier baseline gives
 * every subject the same score, so every comparable pair is tied: C = 0.5.
 *
 * Pure functions, no I/O. Memory is the caller's unless a function says it
 * allocates.
 */
#ifndef TN_STATS_SURVIVAL_METRICS_H
#define TN_STATS_SURVIVAL_METRICS_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "stats/cox_curve.h"
#include "stats/km.h"

typedef struct {
    size_t count;
    double *time;     /* [count] the distinct censoring times, ascending; owned */
    double *survival; /* [count] G(time[k]); owned */
} tn_censoring_curve;

/*
 * G of the test set (time ≥ 0, event 1/0) into *out, which owns its arrays
 * (tn_censoring_free; after a failure it owns nothing). TN_ERR_INPUT for no
 * subjects or a bad time, TN_ERR_NOMEM.
 */
bool tn_censoring_fit(const double *time, const int *event, size_t n, tn_censoring_curve *out,
                      tn_error *err);
void tn_censoring_free(tn_censoring_curve *curve);
double tn_censoring_at(const tn_censoring_curve *curve, double t);     /* G(t) */
double tn_censoring_before(const tn_censoring_curve *curve, double t); /* G(t−) */

/*
 * A model's predicted curve for test subject `subject` (0-based): fills
 * survival[k] = S_subject(grid[k]) for k < m. Returns false with `err` set
 * when it cannot.
 */
typedef bool (*tn_survival_predictor)(const void *context, size_t subject, const double *grid,
                                      size_t m, double *survival, tn_error *err);

/* Context of tn_predict_from_matrix: survival[i·m + k] = S_i(grid[k]), n × m row-major. */
typedef struct {
    const double *survival;
} tn_survival_matrix;
bool tn_predict_from_matrix(const void *context, size_t subject, const double *grid, size_t m,
                            double *survival, tn_error *err);

/* Context of tn_predict_cox: the test rows x (n × p row-major) under a Cox baseline. */
typedef struct {
    const tn_cox_baseline *baseline;
    const double *x;
} tn_cox_rows;
bool tn_predict_cox(const void *context, size_t subject, const double *grid, size_t m,
                    double *survival, tn_error *err);

/*
 * Context of tn_predict_km: a Kaplan-Meier curve (the training population's)
 * predicted for every subject; S = 1 before its first time, flat after its last.
 */
bool tn_predict_km(const void *context, size_t subject, const double *grid, size_t m,
                   double *survival, tn_error *err);

/*
 * The exact grid for the IBS up to `horizon`: 0, every distinct test time and
 * every model jump time (`model_times`, e.g. tn_cox_baseline.time or the
 * Kaplan-Meier step times; may be NULL when model_count is 0) below the
 * horizon, ascending. Allocates *grid (the caller frees it) of *m values.
 */
bool tn_brier_grid(const double *test_time, size_t n, const double *model_times, size_t model_count,
                   double horizon, double **grid, size_t *m, tn_error *err);

typedef struct {
    size_t m;
    double *brier;     /* [m] BS(grid[k]); owned, free with tn_brier_free */
    double integrated; /* IBS(τ) */
} tn_brier_result;

/*
 * The Brier score on the grid and the IBS up to `horizon` of the curves
 * `predict` gives the n test subjects. The grid must start at 0, increase
 * strictly and end below the horizon; the horizon must be positive and no
 * later than the last test time (beyond it G has no one left to weight).
 * TN_ERR_INPUT for those, a bad time or a prediction outside [0, 1];
 * TN_ERR_NOMEM; or the predictor's error.
 */
bool tn_integrated_brier_score(const double *time, const int *event, size_t n, const double *grid,
                               size_t m, double horizon, tn_survival_predictor predict,
                               const void *context, tn_brier_result *out, tn_error *err);
void tn_brier_free(tn_brier_result *result);

/*
 * Harrell's C truncated at `horizon` (INFINITY: not truncated) of risk scores
 * (higher = earlier failure expected) into *concordance: NAN when no pair is
 * comparable. TN_ERR_NOMEM when memory runs out.
 */
bool tn_concordance_truncated(const double *risk_score, const double *time, const int *event,
                              size_t n, double horizon, double *concordance, tn_error *err);

#endif
