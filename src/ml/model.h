/*
 * model.h — a trained model as served: the XGBoost trees, the feature
 * encoding, the calibration map and the metadata, loaded from <dir>/<name>.json
 * and <dir>/<name>.meta.json (a model set's directory: model_set.h loads both
 * models of the current set together).
 *
 * Scoring a set of rows (the current marts, or a training snapshot) encodes
 * them, predicts, applies the calibration fitted at training time (the map
 * the metadata holds, older isotonic maps included: calibration.h), and
 * splits the SHAP values of one-hot columns back onto their feature, so an
 * explanation reads "plan_tier = starter: +0.42", not a column name.
 */
#ifndef TN_ML_MODEL_H
#define TN_ML_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "common/error.h"
#include "ml/calibration.h"
#include "ml/features.h"
#include "ml/xgb.h"
#include "warehouse/table.h"

typedef struct {
    char name[32];    /* "churn", "expansion" */
    char version[96]; /* "churn-2026-03-14-1a2b3c4d5e6f" */
    char as_of[16];
    char set[64]; /* the model set it was trained in (model_set.h); "" when written before sets */
    tn_xgb xgb;
    tn_encoder encoder;
    tn_calibration calibration;
    json_t *meta; /* the whole metadata document; owned */
} tn_ml_model;

/* Scores of rows: calibrated probabilities and per-feature SHAP (log-odds). */
typedef struct {
    size_t rows, features;
    double *probability; /* [rows], calibrated */
    double *raw;         /* [rows], the trees' own probability */
    double *margin;      /* [rows], the trees' log-odds */
    double *shap;        /* [rows × features] */
    double *bias;        /* [rows]: SHAP's base value; bias + Σ shap = the margin */
} tn_ml_scores;

/*
 * Loads <name>.json and <name>.meta.json from `dir`. A missing, unreadable or
 * inconsistent file is TN_ERR_MODEL naming it. Free with tn_ml_model_free().
 */
bool tn_ml_model_load(const char *dir, const char *name, tn_ml_model *out, tn_error *err);

void tn_ml_model_free(tn_ml_model *model);

/* Scores every row of `rows` (which must hold the model's features by name). */
bool tn_ml_model_score(const tn_ml_model *model, const tn_table *rows, tn_ml_scores *out,
                       tn_error *err);

/* The same without the SHAP values (TreeSHAP is most of scoring's time): shap and bias are NAN. */
bool tn_ml_model_predict(const tn_ml_model *model, const tn_table *rows, tn_ml_scores *out,
                         tn_error *err);

void tn_ml_scores_free(tn_ml_scores *scores);

#endif
