/*
 * survival_train.h — learning each account's survival curve point in time,
 * choosing between a Cox model and XGBoost's survival:cox by an out-of-time
 * evaluation, and writing the chosen one into the model set
 * (survival_model.h reads it).
 *
 * Data. The churn model's snapshots (snapshots.h): every customer active at
 * a month start t, with the churn features as of t. A row's time to churn is
 * T = churn_date − t + 1 days (the day of t is day 1), censored at a cut-off
 * c: an event when churn_date < c, otherwise censored at c − t. Every time
 * is censored at the as-of date at the latest, so nothing on or after it is
 * read; repeated rows of one customer are landmarks, each with the features
 * it had at its t.
 *
 * Candidates, on the churn features' encoding (features.h):
 *   cox      Cox regression with Efron's ties (stats/cox.h) on the encoded
 *            columns, less each category's first level (the reference) and
 *            the columns that never vary; a missing value takes its column's
 *            mean;
 *   xgboost  XGBoost trees with the survival:cox objective, stopped early
 *            on the negative partial log-likelihood of one customer in five,
 *            held out by a hash of the customer id.
 * Each turns a row into a risk score, and the Breslow baseline with Efron's
 * ties fitted on the training rows' scores (stats/cox_curve.h) turns the
 * score into a curve.
 *
 * Out-of-time evaluation. The landmark L is the last snapshot date with
 * L + 365 days ≤ as-of and at least three snapshots before it (with less
 * history: the fourth snapshot, and the horizon shortens to as-of − L).
 * Each candidate is fitted on the snapshots before L, censored at L, and
 * tested on the customers active at L, followed to the as-of date: the
 * integrated Brier score up to the horizon (IPCW, stats/survival_metrics.h)
 * and Harrell's C truncated at the horizon and at 90 days, against the
 * Kaplan-Meier curve of the fitting rows (one curve for everyone, C = 0.5).
 * The candidate with the lower integrated Brier score is chosen; the card
 * says whether it beats Kaplan-Meier.
 *
 * Served. The chosen kind is fitted again on every snapshot censored at the
 * as-of date (xgboost with the rounds the evaluation's early stopping kept):
 * the evaluation used data a year old, and the served curve needs the
 * latest year's churn. The card says so.
 *
 * Agreement at 90 days. On the churn model's own out-of-time test set, the
 * evaluated (landmark) model's 1 − S(90 | x) is compared with the churn
 * model's calibrated probability per decile of the latter. They agree when
 * no decile differs by more than TN_SURVIVAL_AGREEMENT; the card gives the
 * observed rate beside both, which says which of them is off when they do
 * not.
 */
#ifndef TN_ML_SURVIVAL_TRAIN_H
#define TN_ML_SURVIVAL_TRAIN_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "common/date.h"
#include "common/error.h"
#include "common/strbuf.h"
#include "ml/features.h"
#include "ml/snapshots.h"

#define TN_SURVIVAL_AGREEMENT 0.05 /* the largest per-decile difference that agrees */

typedef struct {
    const tn_snapshots *snapshots;
    const tn_feature_spec *specs; /* the churn model's features (those available) */
    size_t feature_count;
    tn_day as_of;
    /* The churn model's test set: rows of snapshots->churn, their calibrated probabilities. */
    const size_t *test_rows;
    const double *test_probability;
    size_t test_count;
} tn_survival_inputs;

typedef struct {
    char kind[16]; /* "cox" or "xgboost" */
    size_t fit_rows, test_rows;
    tn_day landmark;
    double horizon, ibs, ibs_km, concordance;
    bool beats_km, agrees;
    double agreement_worst; /* the largest per-decile difference at 90 days */
    double seconds;         /* the wall time it all took (set by the caller) */
} tn_trained_survival;

/*
 * Fits, evaluates and refits as above. Writes survival.trees.json into
 * `staging` when xgboost is chosen and returns the model's document in
 * *meta (a new reference, without "model_set": the caller adds it and
 * writes survival.json and, with tn_survival_card, survival.card.md). TN_ERR_INPUT
 * when the history is too short or has no churn to learn from.
 */
bool tn_survival_train(const tn_survival_inputs *inputs, const char *staging, json_t **meta,
                       tn_trained_survival *summary, tn_error *err);

/* The survival model's card (markdown) from its document. */
void tn_survival_card(const json_t *meta, tn_strbuf *out);

#endif
