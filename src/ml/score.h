/*
 * score.h — scores for the customers active at the warehouse's as-of date:
 * churn probability, upgrade propensity (for customers not yet upgraded)
 * with the next plan tier and its ARR multiplier, the composite risk score
 * with its inputs, and the SHAP drivers of each prediction. What they mean
 * for the business (tiers, uplift, actions) is insight/answer.h's.
 *
 * Rows come from the marts built as of the as-of date, through the same
 * encoding as training (features.h), so serving and training cannot drift.
 */
#ifndef TN_ML_SCORE_H
#define TN_ML_SCORE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "ml/model.h"
#include "ml/survival_model.h"
#include "warehouse/db.h"
#include "warehouse/table.h"

#define TN_MAX_DRIVERS 5

/* One SHAP driver: the feature, its value for this customer, its push on the log-odds. */
typedef struct {
    const char *feature; /* owned by the model's encoder */
    tn_feature_kind kind;
    char value[40]; /* as text: "starter", "12", "0.4127", "true", "" when missing */
    double number;  /* numbers and booleans (0/1): the exact value; NAN when missing */
    double impact;
} tn_driver;

typedef struct {
    char *customer_id; /* owned */
    char plan_tier[16];
    char industry[32];
    double mrr;
    double tenure_days, total_events; /* at the as-of date (NAN when the mart lacks them) */
    double churn_probability;
    tn_driver churn_drivers[TN_MAX_DRIVERS];
    bool expansion_candidate; /* false: already upgraded, no propensity */
    double upgrade_propensity;
    tn_driver upgrade_drivers[TN_MAX_DRIVERS];
    char target_tier[16];
    double
        upgrade_multiplier; /* ARR multiplier of moving to target_tier (staging.stg_plan_tiers) */
    double risk_score, compliance_gap_score, usage_decay_score; /* each NAN when unknown */
    int vendor_risk_flags;                                      /* -1 when unknown */
    char *usage_decay_unknown; /* why the decay is unknown (owned); NULL when it is known */
    char *risk_formula;        /* this customer's risk score formula (owned); NULL: the set's */
    /* The account as people know it; each NULL (or "", NAN) when the data does not say. */
    char *name, *owner, *crm_id; /* owned */
    char renewal_date[16];       /* "YYYY-MM-DD" */
    double days_to_renewal;      /* renewal_date - as-of date */
    double survival_score;       /* the survival model's risk score; NAN without one */
} tn_customer_score;

typedef struct {
    tn_customer_score *customers; /* sorted by customer_id; owned */
    size_t count;
    /* The composite risk score's formula over the inputs the data has
       (marts.risk_score_weights); without risk signals their inputs are unknown. */
    char risk_formula[256];
    bool risk_signals;
    /* Every SHAP value, for the score history (insight/history.h): churn_shap[i ×
       churn_shap_count + f] is customers[i]'s push from the churn model's feature f
       (its encoder's features[f]); upgrade_shap likewise for the expansion model,
       NAN for a customer who is no expansion candidate. Owned. */
    double *churn_shap, *upgrade_shap;
    size_t churn_shap_count, upgrade_shap_count;
} tn_score_set;

/* Scores every active customer; with the survival model's risk score when `survival` is not NULL.
 */
bool tn_score_all(tn_db *db, const tn_ml_model *churn, const tn_ml_model *expansion,
                  const tn_survival_model *survival, tn_score_set *out, tn_error *err);

/*
 * The current mart's rows of `model` ("churn" or "expansion"): the features
 * it reads, by name, for every customer it scores, in customer_id order,
 * into `out` (the caller frees it with tn_table_free either way).
 */
bool tn_score_read_features(tn_db *db, const tn_ml_model *model, tn_table *out, tn_error *err);

/* The customer with this id, or NULL. */
const tn_customer_score *tn_score_find(const tn_score_set *set, const char *customer_id);

void tn_score_set_free(tn_score_set *set);

#endif
