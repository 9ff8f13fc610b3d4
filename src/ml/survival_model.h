/*
 * survival_model.h — each account's time to churn: the survival model as
 * served, read from survival.json in a model set (survival_train.h writes
 * it, beside the churn and expansion models).
 *
 * A row's risk score is, for kind "cox", the linear predictor Σ β_j·x_j over
 * the model's columns of the churn features' encoding (features.h; a
 * missing value takes its column's training mean), and for kind "xgboost",
 * the margin of XGBoost trees trained with the survival:cox objective
 * (survival.trees.json). Either way
 *   S(t | x) = exp(−Λ0(t)) ^ exp(score − centre),
 * Λ0 the Breslow baseline with Efron's ties fitted on the training rows'
 * scores (stats/cox_curve.h), so the curve is a step function of whole days.
 *
 * Time counts days from the as-of date, the as-of day being day 1: an
 * account that churns on day T of what follows has time T, so 1 − S(90) is
 * the probability of churning in [as-of, as-of + 90), the churn model's
 * label.
 */
#ifndef TN_ML_SURVIVAL_MODEL_H
#define TN_ML_SURVIVAL_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "common/error.h"
#include "ml/features.h"
#include "ml/xgb.h"
#include "stats/cox_curve.h"
#include "warehouse/table.h"

typedef enum { TN_SURVIVAL_COX, TN_SURVIVAL_XGBOOST } tn_survival_kind;

/* The horizon served and evaluated, and the points S is reported at. */
#define TN_SURVIVAL_HORIZON 365
#define TN_SURVIVAL_POINTS 4
extern const int tn_survival_points[TN_SURVIVAL_POINTS]; /* 30, 90, 180, 365 */

/* The curve drawn on the Customer 360: S every TN_SURVIVAL_CURVE_STEP days, and at 365. */
#define TN_SURVIVAL_CURVE_STEP 15

typedef struct {
    char version[96], set[64], as_of[16];
    tn_survival_kind kind;
    tn_encoder encoder;
    size_t cox_count;         /* kind cox: the columns used */
    size_t *cox_column;       /* [cox_count] encoder columns; owned */
    double *fill;             /* [cox_count] a missing value's stand-in; owned */
    double *coef;             /* [cox_count]; owned */
    tn_xgb trees;             /* kind xgboost */
    tn_cox_baseline baseline; /* on the one-dimensional score (coef 1) */
    json_t *meta;             /* the whole document; owned */
} tn_survival_model;

/*
 * Loads <dir>/survival.json (and survival.trees.json for kind xgboost). A
 * missing, unreadable or inconsistent file is TN_ERR_MODEL naming it. Free
 * with tn_survival_model_free (harmless after a failure).
 */
bool tn_survival_model_load(const char *dir, tn_survival_model *out, tn_error *err);
void tn_survival_model_free(tn_survival_model *model);

/* The risk score of every row of an encoded matrix (rows × encoder columns) into score[rows]. */
bool tn_survival_model_score_encoded(const tn_survival_model *model, const float *x, size_t rows,
                                     double *score, tn_error *err);

/* The risk score of every row of `rows` (holding the churn features by name). */
bool tn_survival_model_score(const tn_survival_model *model, const tn_table *rows, double *score,
                             tn_error *err);

/* What is served of one account's curve. */
typedef struct {
    double survival[TN_SURVIVAL_POINTS]; /* S(30), S(90), S(180), S(365) */
    double median_days;                  /* INFINITY: beyond the horizon */
    double renewal_days;                 /* days to the renewal; NAN: none within the horizon */
    double churn_before_renewal;         /* 1 − S(renewal_days); NAN with it */
} tn_survival_summary;

/*
 * One account's summary for its score; `days_to_renewal` (renewal date −
 * as-of date; NAN when unknown) gives the probability of churning before the
 * renewal when it lies in (0, horizon].
 */
void tn_survival_summarize(const tn_survival_model *model, double score, double days_to_renewal,
                           tn_survival_summary *out);

/* The summary as JSON (a new reference; NULL when memory runs out). */
json_t *tn_survival_summary_json(const tn_survival_model *model,
                                 const tn_survival_summary *summary);

/*
 * The curve of an account with this score as JSON points [[day, S], ...],
 * every TN_SURVIVAL_CURVE_STEP days and at the horizon (a new reference;
 * NULL when memory runs out).
 */
json_t *tn_survival_curve_json(const tn_survival_model *model, double score);

#endif
