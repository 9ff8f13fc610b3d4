/*
 * xgb.h — the few things Tenure asks of XGBoost's C API (libxgboost).
 *
 * Gradient-boosted trees with objective binary:logistic and the hist tree
 * method, grown round by round with early stopping on a validation set's
 * AUC, then cut back to the best round. Predictions are probabilities;
 * contributions are exact TreeSHAP values in log-odds (XGBoost's
 * pred_contribs, or the same from ml/tree_shap.h's tables), one per column
 * plus the bias in the last place, summing to the margin. A fixed seed and thread count make the
 * same data give the same model file.
 */
#ifndef TN_ML_XGB_H
#define TN_ML_XGB_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

struct tn_tree_shap;

/* How a margin becomes the objective's value (XGBoost's prediction of type 0). */
typedef enum {
    TN_XGB_OWN_NONE,     /* predictions are XGBoost's */
    TN_XGB_OWN_IDENTITY, /* the value is the margin */
    TN_XGB_OWN_LOGISTIC, /* 1 / (1 + e^-margin), in float (binary:logistic) */
    TN_XGB_OWN_EXP,      /* e^margin, in float (survival:cox) */
} tn_xgb_own;

typedef struct {
    void *booster; /* BoosterHandle, owned */
    size_t columns;
    struct tn_tree_shap *tables; /* TreeSHAP tables (ml/tree_shap.h), owned; NULL: XGBoost's */
    /*
     * Predictions from the tables' trees instead of a DMatrix: only when, on
     * probe rows, they equal XGBoost's bit for bit (make_own_predictions).
     */
    tn_xgb_own own;
    float own_start; /* the base margin the float sums start from */
} tn_xgb;

typedef struct {
    int max_rounds, early_stopping_rounds, max_depth, seed, threads;
    double eta, subsample, colsample, min_child_weight, lambda, scale_pos_weight;
    /* "binary:logistic" with "auc" (higher is better) by default; the survival
       model (survival_train.h) uses "survival:cox" with "cox-nloglik" (lower is
       better), its labels the times, negative for a censored one. */
    const char *objective, *eval_metric;
    bool maximize;
    int exact_rounds; /* > 0: grow exactly this many rounds, no early stopping (a refit) */
} tn_xgb_params;

/* The defaults Tenure trains with (see xgb.c). */
tn_xgb_params tn_xgb_default_params(void);

/* A labelled matrix: rows × columns floats (NAN = missing), labels 0/1 (or as the objective wants).
 */
typedef struct {
    const float *x;
    const float *label;
    size_t rows;
} tn_xgb_data;

/*
 * Trains on `train`, stopping when `valid`'s evaluation metric (AUC by
 * default) has not improved for early_stopping_rounds rounds; keeps the best
 * round; with exact_rounds, grows that many rounds and keeps them all
 * (`valid` is then unused). `best_round` and `best_auc` (the metric's best
 * value) may be NULL.
 */
bool tn_xgb_train(const tn_xgb_data *train, const tn_xgb_data *valid, size_t columns,
                  const tn_xgb_params *params, tn_xgb *out, int *best_round, double *best_auc,
                  tn_error *err);

/* Probabilities (before calibration) of `rows` rows into `out`. */
bool tn_xgb_predict(const tn_xgb *model, const float *x, size_t rows, double *out, tn_error *err);

/* Margins (log-odds) of `rows` rows. */
bool tn_xgb_margin(const tn_xgb *model, const float *x, size_t rows, double *out, tn_error *err);

/*
 * SHAP contributions: rows × (columns + 1) values, the bias last. From the
 * model's TreeSHAP tables when it has them (ml/tree_shap.h: the same values,
 * many times faster), else from XGBoost.
 */
bool tn_xgb_contributions(const tn_xgb *model, const float *x, size_t rows, double *out,
                          tn_error *err);

/* tn_xgb_predict and tn_xgb_margin in one pass over the trees. */
bool tn_xgb_predict_with_margin(const tn_xgb *model, const float *x, size_t rows, double *value,
                                double *margin, tn_error *err);

/*
 * tn_xgb_predict_with_margin and tn_xgb_contributions together: from one
 * walk over the trees when the tables make both.
 */
bool tn_xgb_predict_explained(const tn_xgb *model, const float *x, size_t rows, double *value,
                              double *margin, double *contributions, tn_error *err);

/*
 * XGBoost's own predictions through a DMatrix (the values, or the margins
 * when `margin`), whatever tn_xgb_predict and tn_xgb_margin use: the
 * reference the tables' predictions are checked against.
 */
bool tn_xgb_predict_by_xgboost(const tn_xgb *model, const float *x, size_t rows, bool margin,
                               double *out, tn_error *err);

/* The same values from XGBoost's own TreeSHAP (pred_contribs), whatever the model has. */
bool tn_xgb_contributions_by_xgboost(const tn_xgb *model, const float *x, size_t rows, double *out,
                                     tn_error *err);

/* Whether tn_xgb_contributions uses the tables (made on load and after training) or XGBoost. */
bool tn_xgb_has_shap_tables(const tn_xgb *model);

/* Saves XGBoost's JSON model format (path ending ".json"). */
bool tn_xgb_save(const tn_xgb *model, const char *path, tn_error *err);

/* Loads a model file; TN_ERR_MODEL naming the file when it is missing or corrupt. */
bool tn_xgb_load(const char *path, tn_xgb *out, tn_error *err);

void tn_xgb_free(tn_xgb *model);

/* "1.7.4" */
void tn_xgb_version(char *out, size_t size);

#endif
