/*
 * documents.c — the JSON documents of a customer's answers (see documents.h).
 */
#include "insight/documents.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "insight/actions.h"
#include "insight/wording.h"

char *tn_document_text(json_t *value, int digits) {
    char *text =
        value != NULL
            ? json_dumps(value, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(digits))
            : NULL;
    json_decref(value);
    return text;
}

/* A driver's value as JSON, of the feature's type; null when missing. */
static json_t *driver_value(const tn_driver *driver) {
    switch (driver->kind) {
    case TN_FEATURE_CATEGORY:
        return driver->value[0] ? json_string(driver->value) : json_null();
    case TN_FEATURE_BOOL:
        return isnan(driver->number) ? json_null() : json_boolean(driver->number != 0);
    case TN_FEATURE_NUMBER:
        break;
    }
    double number = driver->number;
    if (!isfinite(number))
        return json_null();
    return number == floor(number) && fabs(number) < 1e15 ? json_integer((json_int_t)number)
                                                          : json_real(number);
}

/* The drivers, each with its label in business words (wording.h). */
static json_t *drivers_json(const tn_driver *drivers) {
    json_t *list = json_array();
    char label[128];
    for (int d = 0; d < TN_MAX_DRIVERS && drivers[d].feature != NULL; d++)
        json_array_append_new(
            list,
            json_pack("{s:s, s:s, s:o, s:o}", "feature", drivers[d].feature, "label",
                      tn_feature_label(drivers[d].feature, label, sizeof label), "value",
                      driver_value(&drivers[d]), "shap_impact", tn_json_real(drivers[d].impact)));
    return list;
}

json_t *tn_document_tiers(const tn_answer_context *context) {
    return json_pack("{s:o, s:o, s:o}", "churn_probability",
                     tn_tier_cuts_json(&context->churn_cuts), "upgrade_propensity",
                     tn_tier_cuts_json(&context->upgrade_cuts), "risk_score",
                     tn_tier_cuts_json(&tn_risk_score_cuts));
}

static json_t *risk_inputs_json(const tn_customer_score *c) {
    json_t *flags = c->vendor_risk_flags >= 0 ? json_integer(c->vendor_risk_flags) : json_null();
    return json_pack("{s:o, s:o, s:o, s:s?}", "compliance_gap_score",
                     tn_json_real(c->compliance_gap_score), "vendor_risk_flags", flags,
                     "usage_decay_score", tn_json_real(c->usage_decay_score), "usage_decay_unknown",
                     c->usage_decay_unknown);
}

json_t *tn_document_upgrade(const tn_answer_context *context, const tn_answer *answer) {
    const tn_customer_score *c = answer->score;
    if (!c->expansion_candidate)
        return NULL;
    return json_pack(
        "{s:s, s:s?, s:o, s:s, s:s, s:s, s:o, s:b, s:o, s:s, s:s, s:s}", "customer_id",
        c->customer_id, "name", c->name, "upgrade_propensity", tn_json_real(c->upgrade_propensity),
        "propensity_tier", answer->propensity_tier, "current_tier", c->plan_tier, "target_tier",
        c->target_tier, "expected_arr_uplift", tn_json_real(answer->expected_arr_uplift),
        "is_high_value_target", answer->high_value_target, "top_shap_features",
        drivers_json(c->upgrade_drivers), "recommended_action", answer->upgrade_action,
        "model_version", context->expansion_version, "as_of", context->as_of);
}

void tn_document_no_upgrade(const tn_answer *answer, const char *upgraded_on, char *out,
                            size_t size) {
    snprintf(out, size,
             "customer %s already upgraded%s%s: the upgrade model scores customers who have not "
             "upgraded yet",
             answer->score->customer_id, upgraded_on ? " on " : "", upgraded_on ? upgraded_on : "");
}

/* The upgrade document, or null; and why not. */
static json_t *upgrade_part(const tn_answer_context *context, const tn_answer *answer,
                            json_t **why_not) {
    json_t *upgrade = tn_document_upgrade(context, answer);
    if (upgrade != NULL) {
        *why_not = json_null();
        return upgrade;
    }
    char reason[256];
    tn_document_no_upgrade(answer, NULL, reason, sizeof reason);
    *why_not = json_string(reason);
    return json_null();
}

static bool has_survival(const tn_answer_context *context, const tn_customer_score *c) {
    return context->survival != NULL && isfinite(c->survival_score);
}

/* The customer's survival figures (ml/survival_model.h), or null without a survival model. */
static json_t *survival_json(const tn_answer_context *context, const tn_customer_score *c) {
    if (!has_survival(context, c))
        return json_null();
    tn_survival_summary summary;
    tn_survival_summarize(context->survival, c->survival_score, c->days_to_renewal, &summary);
    return tn_survival_summary_json(context->survival, &summary);
}

/* The customer's survival curve, or null without a survival model. */
static json_t *survival_curve_json(const tn_answer_context *context, const tn_customer_score *c) {
    return has_survival(context, c) ? tn_survival_curve_json(context->survival, c->survival_score)
                                    : json_null();
}

/* The prediction's fields, with the survival curve's figures and the models' versions. */
static json_t *with_survival(const tn_answer_context *context, const tn_customer_score *c,
                             json_t *prediction) {
    json_t *versions = json_object_get(prediction, "model_versions");
    if (prediction == NULL || versions == NULL ||
        json_object_set_new(prediction, "survival", survival_json(context, c)) != 0 ||
        json_object_set_new(versions, "survival",
                            context->survival != NULL ? json_string(context->survival->version)
                                                      : json_null()) != 0) {
        json_decref(prediction);
        return NULL;
    }
    return prediction;
}

json_t *tn_document_prediction(const tn_answer_context *context, const tn_answer *answer) {
    const tn_customer_score *c = answer->score;
    json_t *why_not;
    json_t *upgrade = upgrade_part(context, answer, &why_not);
    bool renews = c->renewal_date[0] != '\0';
    return with_survival(
        context, c,
        json_pack("{s:s, s:s?, s:s?, s:s?, s:s?, s:s, s:o, s:s,"
                  " s:o, s:s, s:o, s:o, s:s,"
                  " s:o, s:s, s:s, s:o,"
                  " s:o, s:o, s:s, s:s, s:o, s:s, s:{s:s, s:s}}",
                  "customer_id", c->customer_id, "name", c->name, "owner", c->owner, "crm_id",
                  c->crm_id, "renewal_date", renews ? c->renewal_date : NULL, "plan_tier",
                  c->plan_tier, "arr", tn_json_real(answer->arr), "as_of", context->as_of,
                  /* churn */
                  "churn_probability", tn_json_real(c->churn_probability), "risk_tier",
                  answer->churn_tier, "arr_at_risk", tn_json_real(answer->arr_at_risk),
                  "top_shap_features", drivers_json(c->churn_drivers), "recommended_action",
                  answer->churn_action,
                  /* the composite risk score */
                  "risk_score", tn_json_real(c->risk_score), "risk_score_tier",
                  answer->risk_score_tier, "risk_score_formula",
                  tn_answer_risk_formula(context, answer), "risk_score_inputs", risk_inputs_json(c),
                  /* upgrade, the conflict matrix, how to read it all */
                  "upgrade", upgrade, "upgrade_unavailable", why_not, "quadrant",
                  tn_quadrant_name(answer->quadrant), "quadrant_action", answer->quadrant_action,
                  "tiers", tn_document_tiers(context), "model_version", context->churn_version,
                  "model_versions", "churn", context->churn_version, "expansion",
                  context->expansion_version));
}

/* A new reference to a borrowed array, or an empty array for NULL. */
static json_t *borrowed_or_empty(json_t *array) {
    return array != NULL ? json_incref(array) : json_array();
}

static double fact(const tn_customer_facts *input, const char *column) {
    const double *values = tn_table_numbers(input->facts, column);
    return values != NULL ? values[input->row] : NAN;
}

static json_t *fact_text(const tn_customer_facts *input, const char *column) {
    char *const *values = tn_table_texts(input->facts, column);
    return values != NULL && values[input->row] != NULL ? json_string(values[input->row])
                                                        : json_null();
}

static json_t *fact_count(const tn_customer_facts *input, const char *column) {
    double value = fact(input, column);
    return isfinite(value) ? json_integer((json_int_t)value) : json_null();
}

static json_t *profile_json(const tn_answer *answer, const tn_customer_facts *input) {
    const tn_customer_score *c = answer->score;
    return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:b, s:o}", "plan_tier", c->plan_tier,
                     "industry", c->industry, "industry_name", fact_text(input, "industry_name"),
                     "mrr", tn_json_real(c->mrr), "arr", tn_json_real(answer->arr), "signup_date",
                     fact_text(input, "signup_date"), "tenure_days",
                     fact_count(input, "tenure_days"), "is_early_stage",
                     fact(input, "is_early_stage") != 0, "upgraded_on",
                     fact_text(input, "upgraded_on"));
}

/*
 * The usage section. Without any event there is no last event: its days are
 * null (the model's feature counts them from signup, design §4).
 */
static json_t *usage_json(const tn_answer *answer, const tn_customer_facts *input) {
    bool none = fact(input, "total_events") == 0;
    return json_pack("{s:o, s:o, s:o, s:o, s:s?, s:o, s:o, s:o, s:o}", "events_last_7d",
                     fact_count(input, "events_last_7d"), "events_last_30d",
                     fact_count(input, "events_last_30d"), "events_prev_30d",
                     fact_count(input, "events_prev_30d"), "usage_decay_score",
                     tn_json_real(answer->score->usage_decay_score), "usage_decay_unknown",
                     answer->score->usage_decay_unknown, "days_since_last_event",
                     none ? json_null() : fact_count(input, "days_since_last_event"),
                     "total_events", fact_count(input, "total_events"), "avg_adoption_score",
                     tn_json_real(fact(input, "avg_adoption_score")), "daily_events_last_90d",
                     borrowed_or_empty(input->daily_events));
}

static json_t *support_json(const tn_customer_facts *input) {
    return json_pack("{s:o, s:o, s:o, s:o, s:o}", "tickets_last_30d",
                     fact_count(input, "tickets_last_30d"), "high_priority_tickets",
                     fact_count(input, "high_priority_tickets"), "high_priority_last_30d",
                     fact_count(input, "high_priority_last_30d"), "mean_resolution_hours",
                     tn_json_real(fact(input, "avg_resolution_hours")), "recent_tickets",
                     borrowed_or_empty(input->tickets));
}

static json_t *gtm_json(const tn_customer_facts *input) {
    double pipeline = 0;
    size_t index;
    json_t *opportunity;
    json_array_foreach(input->opportunities, index, opportunity) {
        pipeline += json_number_value(json_object_get(opportunity, "amount"));
    }
    return json_pack("{s:I, s:o, s:o}", "open_opportunities",
                     (json_int_t)json_array_size(input->opportunities), "open_pipeline_amount",
                     tn_json_real(pipeline), "opportunities",
                     borrowed_or_empty(input->opportunities));
}

json_t *tn_document_opportunity(const tn_table *rows, size_t row) {
    char *const *ids = tn_table_texts(rows, "opp_id");
    char *const *stages = tn_table_texts(rows, "stage");
    char *const *types = tn_table_texts(rows, "opportunity_type");
    char *const *closes = tn_table_texts(rows, "close_date");
    char *const *owners = tn_table_texts(rows, "sales_owner");
    return json_pack("{s:s?, s:s?, s:s?, s:o, s:s?, s:s?}", "opp_id", ids[row], "stage",
                     stages[row], "opportunity_type", types[row], "amount",
                     tn_json_real(tn_table_numbers(rows, "amount")[row]), "close_date", closes[row],
                     "sales_owner", owners[row]);
}

json_t *tn_document_ticket(const tn_table *rows, size_t row) {
    char *const *ids = tn_table_texts(rows, "ticket_id");
    char *const *created = tn_table_texts(rows, "created_date");
    char *const *priorities = tn_table_texts(rows, "priority");
    char *const *topics = tn_table_texts(rows, "topic");
    return json_pack("{s:s?, s:s?, s:s?, s:s?, s:o}", "ticket_id", ids[row], "created_date",
                     created[row], "priority", priorities[row], "topic", topics[row],
                     "resolution_hours",
                     tn_json_real(tn_table_numbers(rows, "resolution_hours")[row]));
}

/* How people know the account; null where the data does not say. */
static json_t *account_json(const tn_customer_score *c) {
    bool renews = c->renewal_date[0] != '\0' && isfinite(c->days_to_renewal);
    return json_pack("{s:s?, s:s?, s:s?, s:o, s:s?}", "name", c->name, "owner", c->owner,
                     "renewal_date", renews ? c->renewal_date : NULL, "days_to_renewal",
                     renews ? json_integer((json_int_t)c->days_to_renewal) : json_null(), "crm_id",
                     c->crm_id);
}

json_t *tn_document_customer(const tn_answer_context *context, const tn_answer *answer,
                             const tn_customer_facts *facts, json_t *prediction, json_t *upgrade) {
    const tn_customer_score *c = answer->score;
    return json_pack("{s:s, s:s, s:o, s:o, s:O, s:O, s:b, s:{s:s, s:s}, s:o, s:o, s:o, s:o}",
                     "customer_id", c->customer_id, "as_of", context->as_of, "account",
                     account_json(c), "profile", profile_json(answer, facts), "churn", prediction,
                     "upgrade", upgrade ? upgrade : json_null(), "expansion_candidate",
                     c->expansion_candidate, "conflict_matrix", "quadrant",
                     tn_quadrant_name(answer->quadrant), "action", answer->quadrant_action, "usage",
                     usage_json(answer, facts), "support", support_json(facts), "gtm",
                     gtm_json(facts), "survival_curve", survival_curve_json(context, c));
}

json_t *tn_document_item(const tn_answer *answer, const tn_customer_facts *facts) {
    const tn_customer_score *c = answer->score;
    bool candidate = c->expansion_candidate;
    return json_pack(
        "{s:s, s:s?, s:s?, s:s, s:s, s:o, s:o, s:o, s:o, s:s, s:o, s:o, s:o, s:s?, s:s?, s:o, s:s}",
        "customer_id", c->customer_id, "name", c->name, "owner", c->owner, "plan_tier",
        c->plan_tier, "industry", c->industry, "industry_name", fact_text(facts, "industry_name"),
        "mrr", tn_json_real(c->mrr), "arr", tn_json_real(answer->arr), "churn_probability",
        tn_json_real(c->churn_probability), "risk_tier", answer->churn_tier, "arr_at_risk",
        tn_json_real(answer->arr_at_risk), "risk_score", tn_json_real(c->risk_score),
        "upgrade_propensity", candidate ? tn_json_real(c->upgrade_propensity) : json_null(),
        "propensity_tier", answer->propensity_tier, "target_tier",
        candidate ? c->target_tier : NULL, "expected_arr_uplift",
        tn_json_real(answer->expected_arr_uplift), "quadrant", tn_quadrant_name(answer->quadrant));
}
