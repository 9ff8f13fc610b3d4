/*
 * train.h — `tenure train`: the churn and expansion models, honest by
 * construction.
 *
 * Training rows are point-in-time snapshots (snapshots.h). The last six
 * monthly snapshots are the out-of-time test set. Only snapshots whose
 * 90-day label window closes before the first test snapshot are used for
 * fitting, so no label the model learns from lies in the test period: the
 * last three of them are the calibration slice (early stopping and the
 * calibration map, chosen among Platt scaling, beta calibration and
 * interpolated isotonic regression by cross-validated log loss, all strictly
 * increasing so the trees' ranking is kept: calibration.h), the rest train
 * the trees. The test set is touched
 * once, to report. Each model is written as <name>.json (XGBoost's JSON
 * format), <name>.meta.json (encoding, calibration, split, metrics, SHAP,
 * versions, the model set) and <name>.card.md (the same for people), and
 * the six files of both models are published together as one model set
 * (model_set.h): models/sets/<id>/, made current by models/current, and
 * readable as models/<name>.json and so on.
 */
#ifndef TN_ML_TRAIN_H
#define TN_ML_TRAIN_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "common/date.h"
#include "common/error.h"
#include "ml/calibration.h"
#include "ml/snapshots.h"
#include "ml/survival_train.h"
#include "warehouse/db.h"

#define TN_TEST_SNAPSHOTS 6
#define TN_CALIBRATION_SNAPSHOTS 3

/*
 * How the models' probabilities are read in tiers: a tier begins at a
 * multiple of the model's base rate, the rate of its label over the test
 * period (the most recent six months whose outcome is known), capped at 1.
 * The metadata's "tiers" holds the rate, the multiples and the cut-offs
 * (insight/answer.h reads them); nothing above the base rate is "low".
 */
typedef struct {
    double medium, high, critical; /* 0 < medium ≤ 1, medium < high < critical */
} tn_tier_multiples;

#define TN_TIER_MULTIPLES_DEFAULT ((tn_tier_multiples){1.0, 2.0, 4.0})

typedef struct {
    const char *db_path;
    const char *models_dir; /* created when missing; its parent must exist */
    const char *export_dir; /* NULL, or where to write the snapshot tables as CSV */
    tn_tier_multiples tiers;
    /* NULL, or the Parquet inputs (warehouse/parquet_inputs.h): db_path is then not read */
    const char *parquet_dir;
} tn_train_options;

/* What the caller shows while training runs (on the calling thread). */
typedef struct {
    void *context;
    void (*step)(void *context, const char *what, size_t done, size_t total);
} tn_train_watch;

typedef struct {
    char name[16];
    size_t train_rows, calibration_rows, test_rows;
    double test_auc, top_decile_lift, brier, max_calibration_error;
    double auc_before_calibration; /* the test AUC of the trees' margin */
    tn_calibration_method calibration;
    size_t calibration_positives, calibration_negatives;
    char top_feature[64];
    char version[96];
} tn_trained_model;

typedef struct {
    size_t snapshots;
    tn_trained_model models[2];   /* churn, expansion */
    bool has_survival;            /* false: published without one, survival_skipped says why */
    tn_trained_survival survival; /* survival_train.h */
    char survival_skipped[1024];
    char model_set[64]; /* the id of the set they were published as */
} tn_train_result;

/*
 * Trains both models as of the warehouse's as-of date (marts.build_info):
 * every snapshot, label, calibration row and test row lies before it.
 */
bool tn_train(const tn_train_options *options, const tn_train_watch *watch, tn_train_result *result,
              tn_error *err);

/*
 * Trains both models on `snapshots` (for `as_of`) and publishes them as one
 * set in `models_dir`, which must exist, leaving out the features in `missing` (an array of
 * {feature, because}, as tn_train_missing_features gives), their tiers at `tiers`; and the
 * survival model (survival_train.h) with them.
 */
bool tn_train_on(const tn_snapshots *snapshots, const json_t *missing, tn_day as_of,
                 const tn_tier_multiples *tiers, const char *models_dir,
                 const tn_train_watch *watch, tn_train_result *result, tn_error *err);

/*
 * The features the data lacks, from `relation` (marts.feature_availability,
 * or that model rendered at another as-of date): a new array of
 * {feature, because} in *out. A warehouse built before the table existed
 * lacks none.
 */
bool tn_train_missing_features(tn_db *db, const char *relation, json_t **out, tn_error *err);

#endif
