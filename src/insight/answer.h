/*
 * answer.h — the business answers about one customer, computed once from
 * the models' scores (ml/score.h) and read by every way Tenure tells them:
 * the API's documents, `tenure score` (JSON and CSV), the work queue, the
 * dashboard and the offline report (documents.h, scores_csv.h,
 * analytics.h).
 *
 * An answer holds, beside the scores: the tier of the churn probability, of
 * the upgrade propensity and of the composite risk score (tiers.h); ARR and
 * ARR at risk (ARR × churn probability); for an expansion candidate the
 * expected ARR uplift (mrr · 12 · (multiplier − 1) · propensity, the
 * multiplier of its next plan tier: growth-from-starter 3.0,
 * enterprise-from-growth 5.0, custom-from-enterprise 1.2) and whether it is
 * a high-value target; its conflict-matrix quadrant; and the recommended
 * actions (actions.h).
 *
 * The context is what every answer of one scoring shares: the as-of date,
 * the model versions, the risk score's formula and the tier cut-offs.
 */
#ifndef TN_INSIGHT_ANSWER_H
#define TN_INSIGHT_ANSWER_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "insight/tiers.h"
#include "ml/model.h"
#include "ml/score.h"

enum { TN_ACTION_MAX = 320 };

/* The conflict matrix: churn probability × upgrade propensity (actions.h). */
typedef enum {
    TN_QUADRANT_GROWTH_ENGINE,      /* low churn, high propensity */
    TN_QUADRANT_FLIGHT_RISK,        /* both high */
    TN_QUADRANT_RETENTION_PRIORITY, /* high churn, low propensity */
    TN_QUADRANT_STABLE_BASE,        /* both low */
} tn_quadrant;

typedef struct {
    const char *as_of; /* "YYYY-MM-DD" */
    const char *churn_version, *expansion_version;
    const char *risk_formula;              /* over the inputs the data has */
    tn_tier_cuts churn_cuts, upgrade_cuts; /* of the probabilities */
    const tn_survival_model *survival;     /* NULL: no survival curves (a set without one) */
} tn_answer_context;

typedef struct {
    const tn_customer_score *score; /* borrowed */
    const char *churn_tier, *risk_score_tier;
    const char *propensity_tier; /* NULL for a customer who is no expansion candidate */
    double arr, arr_at_risk;
    double expected_arr_uplift; /* NAN for a customer who is no expansion candidate */
    bool high_value_target;
    tn_quadrant quadrant;
    char churn_action[TN_ACTION_MAX];
    char upgrade_action[TN_ACTION_MAX]; /* "" for a customer who is no expansion candidate */
    char quadrant_action[TN_ACTION_MAX];
} tn_answer;

/* The answers of one scoring, in the order of the scores (by customer_id). */
typedef struct {
    tn_answer_context context; /* its strings borrowed */
    tn_answer *answers;        /* owned */
    size_t count;
} tn_answer_set;

/*
 * The context of answers from `churn` and `expansion` as of `as_of`, with
 * the risk score's formula of `scores` (all borrowed: they must outlive it).
 */
void tn_answer_context_init(tn_answer_context *out, const char *as_of, const tn_ml_model *churn,
                            const tn_ml_model *expansion, const tn_score_set *scores);

/* The answer for one customer's scores. */
void tn_answer_of(const tn_answer_context *context, const tn_customer_score *score, tn_answer *out);

/* The customer's risk score formula: its own (inputs it lacks), or the scoring's. */
const char *tn_answer_risk_formula(const tn_answer_context *context, const tn_answer *answer);

/* The answers for every score of `scores` (borrowed, must outlive the set). */
bool tn_answers_build(const tn_answer_context *context, const tn_score_set *scores,
                      tn_answer_set *out, tn_error *err);

/* The answer for `customer_id`, or NULL. */
const tn_answer *tn_answers_find(const tn_answer_set *set, const char *customer_id);

void tn_answers_free(tn_answer_set *set);

#endif
