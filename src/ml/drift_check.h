/*
 * drift_check.h — does today's population still look like the one a model
 * learnt from?
 *
 * At training, each model keeps a reference sample of its fitting
 * population (the rows its trees and its calibration were fitted on): at
 * most TN_DRIFT_REFERENCE_ROWS of them, drawn without replacement with a
 * fixed seed, the same rows for every feature, stored in its metadata as
 * "reference" (the features' raw values: numbers, 0/1 for booleans, the
 * category's text; null where missing).
 *
 * The check compares that sample with the current mart (the active
 * customers at the warehouse's as-of date), one feature at a time, with
 * stats/drift.h:
 *   - PSI for every feature: numbers and booleans over the reference's
 *     decile bins, categories one bin per category, missing values a bin
 *     of their own;
 *   - the two-sample Kolmogorov–Smirnov test for numbers (not booleans or
 *     categories, whose few values make its p-value meaningless).
 * A feature has drifted when its PSI is at least the PSI threshold (default
 * 0.2) or its KS p-value is below the KS threshold (default 0.05). With
 * thousands of rows, KS finds even a small shift significant; PSI says how
 * large it is. The answer gives both.
 */
#ifndef TN_ML_DRIFT_CHECK_H
#define TN_ML_DRIFT_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "common/error.h"
#include "ml/features.h"
#include "ml/model.h"
#include "warehouse/db.h"
#include "warehouse/table.h"

#define TN_DRIFT_REFERENCE_ROWS 2000
#define TN_DRIFT_REFERENCE_SEED 20161u
#define TN_DRIFT_DEFAULT_PSI 0.2
#define TN_DRIFT_DEFAULT_KS_P 0.05

typedef struct {
    double psi;  /* a feature with PSI ≥ this has drifted */
    double ks_p; /* a number whose KS p-value is < this has drifted */
} tn_drift_thresholds;

#define TN_DRIFT_THRESHOLDS_DEFAULT                                                                \
    ((tn_drift_thresholds){TN_DRIFT_DEFAULT_PSI, TN_DRIFT_DEFAULT_KS_P})

/*
 * The metadata's "reference" (new reference): `rows`' values of `encoder`'s
 * features at the `count` row indexes `population` (the fitting rows), or
 * a sample of TN_DRIFT_REFERENCE_ROWS of them. NULL with `err` set when
 * memory runs out or a feature's column is missing from `rows`.
 */
json_t *tn_drift_reference_json(const tn_encoder *encoder, const tn_table *rows,
                                const size_t *population, size_t count, tn_error *err);

typedef struct {
    char feature[64];
    tn_feature_kind kind;
    double psi;
    double ks_statistic, ks_p; /* NAN for booleans and categories, and without values */
    /* Numbers: each sample's median of its non-missing values (NAN: none; and for the
       others). Categories: the category whose share moved most, with both shares;
       booleans: "true" and both shares of true among the non-missing values. */
    double reference_median, current_median;
    char moved_category[64];
    double reference_share, current_share;
    size_t reference_missing, current_missing;
    bool drifted;
} tn_feature_drift;

typedef struct {
    char model[32], version[96];
    bool has_reference;     /* false: the model was trained before references were kept */
    size_t reference_rows;  /* the sample's rows */
    size_t population_rows; /* the fitting population it was drawn from */
    size_t current_rows;
    tn_feature_drift *features; /* largest PSI first; owned */
    size_t count, drifted;
} tn_model_drift;

/*
 * Compares `model`'s reference with `current` (rows holding the model's
 * features by name: score.h's tn_score_read_features) into *out; free it
 * with tn_model_drift_free either way. A model without a reference is no
 * error: out->has_reference is false. TN_ERR_MODEL when the reference is
 * malformed; TN_ERR_INPUT when `current` has no row.
 */
bool tn_drift_check(const tn_ml_model *model, const tn_table *current,
                    const tn_drift_thresholds *thresholds, tn_model_drift *out, tn_error *err);

void tn_model_drift_free(tn_model_drift *drift);

/* One model's drift as the models view shows it (new reference; NULL when memory runs out). */
json_t *tn_drift_model_json(const tn_model_drift *drift);

/*
 * GET /health/model (new reference): status ("ok", "drift", or "unknown"
 * when a model has no reference), the largest PSI and the smallest KS
 * p-value with their model and feature, the drifted features, the
 * thresholds and each model's table.
 */
json_t *tn_drift_health_json(const tn_model_drift *drifts, size_t count,
                             const tn_drift_thresholds *thresholds, const char *as_of);

/*
 * Checks both models of a set against the current marts of `db` (open):
 * GET /health/model's document (new reference), or NULL with `err` set.
 */
json_t *tn_drift_check_set(tn_db *db, const tn_ml_model *churn, const tn_ml_model *expansion,
                           const tn_drift_thresholds *thresholds, const char *as_of, tn_error *err);

#endif
