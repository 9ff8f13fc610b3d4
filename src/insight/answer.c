/*
 * answer.c — one customer's business answers from its scores (see answer.h).
 */
#include "insight/answer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "insight/actions.h"

void tn_answer_context_init(tn_answer_context *out, const char *as_of, const tn_ml_model *churn,
                            const tn_ml_model *expansion, const tn_score_set *scores) {
    *out = (tn_answer_context){.as_of = as_of,
                               .churn_version = churn->version,
                               .expansion_version = expansion->version,
                               .risk_formula = scores->risk_formula,
                               .churn_cuts = tn_risk_score_cuts,
                               .upgrade_cuts = tn_risk_score_cuts};
    /* models trained before relative tiers (or with a "tiers" not as train writes it): fixed */
    tn_tier_cuts_of_meta(churn->meta, &out->churn_cuts);
    tn_tier_cuts_of_meta(expansion->meta, &out->upgrade_cuts);
}

void tn_answer_of(const tn_answer_context *context, const tn_customer_score *score,
                  tn_answer *out) {
    bool candidate = score->expansion_candidate;
    *out = (tn_answer){.score = score};
    out->churn_tier = tn_tier_name(&context->churn_cuts, score->churn_probability);
    out->risk_score_tier = tn_tier_name(&tn_risk_score_cuts, score->risk_score);
    out->propensity_tier =
        candidate ? tn_tier_name(&context->upgrade_cuts, score->upgrade_propensity) : NULL;
    out->arr = score->mrr * 12.0;
    out->arr_at_risk = out->arr * score->churn_probability;
    out->expected_arr_uplift =
        candidate ? out->arr * (score->upgrade_multiplier - 1.0) * score->upgrade_propensity : NAN;
    out->high_value_target =
        tn_is_high_value_target(candidate, score->upgrade_propensity, out->expected_arr_uplift);
    out->quadrant = tn_quadrant_of(score);
    tn_churn_action(out, out->churn_action, sizeof out->churn_action);
    if (candidate)
        tn_upgrade_action(out, out->upgrade_action, sizeof out->upgrade_action);
    tn_quadrant_action(out, out->quadrant_action, sizeof out->quadrant_action);
}

bool tn_answers_build(const tn_answer_context *context, const tn_score_set *scores,
                      tn_answer_set *out, tn_error *err) {
    *out = (tn_answer_set){.context = *context};
    out->answers = calloc(scores->count + 1, sizeof *out->answers);
    if (out->answers == NULL)
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory for %zu answers", scores->count);
    out->count = scores->count;
    for (size_t i = 0; i < scores->count; i++)
        tn_answer_of(&out->context, &scores->customers[i], &out->answers[i]);
    return true;
}

static int compare_id(const void *key, const void *element) {
    return strcmp((const char *)key, ((const tn_answer *)element)->score->customer_id);
}

const tn_answer *tn_answers_find(const tn_answer_set *set, const char *customer_id) {
    return bsearch(customer_id, set->answers, set->count, sizeof *set->answers, compare_id);
}

void tn_answers_free(tn_answer_set *set) {
    free(set->answers);
    *set = (tn_answer_set){0};
}
