/*
 * views.c — building each customer's answers as JSON (see views.h).
 *
 * Numbers that are NaN (a customer without resolved tickets has no mean
 * resolution time) become null (common/json.h). A SHAP driver's value has its
 * feature's type: a number (exact), a boolean, a category, or null when
 * missing.
 */
#include "serve/views.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "ml/model.h"
#include "serve/actions.h"
#include "serve/search.h"

enum { ACTION_MAX = 320 };

bool tn_body_from_json_digits(json_t *value, int digits, tn_body *body) {
    body->text =
        value ? json_dumps(value, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(digits))
              : NULL;
    body->length = body->text ? strlen(body->text) : 0;
    json_decref(value);
    return body->text != NULL;
}

bool tn_body_from_json(json_t *value, tn_body *body) {
    return tn_body_from_json_digits(value, 8, body);
}

bool tn_body_error(const char *code, const char *message, tn_body *body) {
    return tn_body_from_json(json_pack("{s:{s:s, s:s}}", "error", "code", code, "message", message),
                             body);
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

static json_t *drivers_json(const tn_driver *drivers) {
    json_t *list = json_array();
    for (int d = 0; d < TN_MAX_DRIVERS && drivers[d].feature != NULL; d++)
        json_array_append_new(list, json_pack("{s:s, s:o, s:o}", "feature", drivers[d].feature,
                                              "value", driver_value(&drivers[d]), "shap_impact",
                                              tn_json_real(drivers[d].impact)));
    return list;
}

static json_t *churn_json(const tn_view_context *context, const tn_customer_score *c) {
    char action[ACTION_MAX];
    tn_churn_action(c, action, sizeof action);
    json_t *flags = c->vendor_risk_flags >= 0 ? json_integer(c->vendor_risk_flags) : json_null();
    return json_pack("{s:s, s:s?, s:o, s:s, s:o, s:s, s:s, s:{s:o, s:o, s:o}, s:o, s:s, s:s, s:s}",
                     "customer_id", c->customer_id, "name", c->name, "churn_probability",
                     tn_json_real(c->churn_probability), "risk_tier",
                     tn_risk_tier(c->churn_probability), "risk_score", tn_json_real(c->risk_score),
                     "risk_score_tier", tn_risk_tier(c->risk_score), "risk_score_formula",
                     context->risk_formula, "risk_score_inputs", "compliance_gap_score",
                     tn_json_real(c->compliance_gap_score), "vendor_risk_flags", flags,
                     "usage_decay_score", tn_json_real(c->usage_decay_score), "top_shap_features",
                     drivers_json(c->churn_drivers), "recommended_action", action, "model_version",
                     context->churn_version, "as_of", context->as_of);
}

static json_t *upgrade_json(const tn_view_context *context, const tn_customer_score *c) {
    char action[ACTION_MAX];
    tn_upgrade_action(c, action, sizeof action);
    return json_pack(
        "{s:s, s:s?, s:o, s:s, s:s, s:s, s:o, s:b, s:o, s:s, s:s, s:s}", "customer_id",
        c->customer_id, "name", c->name, "upgrade_propensity", tn_json_real(c->upgrade_propensity),
        "propensity_tier", tn_risk_tier(c->upgrade_propensity), "current_tier", c->plan_tier,
        "target_tier", c->target_tier, "expected_arr_uplift", tn_json_real(c->expected_arr_uplift),
        "is_high_value_target", tn_is_high_value_target(c), "top_shap_features",
        drivers_json(c->upgrade_drivers), "recommended_action", action, "model_version",
        context->expansion_version, "as_of", context->as_of);
}

/* Why a customer has no upgrade prediction. */
static void not_candidate_message(const tn_view_input *input, char *out, size_t size) {
    char *const *upgraded = tn_table_texts(input->facts, "upgraded_on");
    const char *on = upgraded != NULL ? upgraded[input->row] : NULL;
    snprintf(out, size,
             "customer %s already upgraded%s%s: the upgrade model scores customers who have not "
             "upgraded yet",
             input->score->customer_id, on ? " on " : "", on ? on : "");
}

static double fact(const tn_view_input *input, const char *column) {
    const double *values = tn_table_numbers(input->facts, column);
    return values != NULL ? values[input->row] : NAN;
}

static json_t *fact_text(const tn_view_input *input, const char *column) {
    char *const *values = tn_table_texts(input->facts, column);
    return values != NULL && values[input->row] != NULL ? json_string(values[input->row])
                                                        : json_null();
}

static json_t *fact_count(const tn_view_input *input, const char *column) {
    double value = fact(input, column);
    return isfinite(value) ? json_integer((json_int_t)value) : json_null();
}

static json_t *profile_json(const tn_view_input *input) {
    const tn_customer_score *c = input->score;
    return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:b, s:o}", "plan_tier", c->plan_tier,
                     "industry", c->industry, "industry_name", fact_text(input, "industry_name"),
                     "mrr", tn_json_real(c->mrr), "arr", tn_json_real(c->mrr * 12.0), "signup_date",
                     fact_text(input, "signup_date"), "tenure_days",
                     fact_count(input, "tenure_days"), "is_early_stage",
                     fact(input, "is_early_stage") != 0, "upgraded_on",
                     fact_text(input, "upgraded_on"));
}

/* A new reference to a borrowed array, or an empty array for NULL. */
static json_t *borrowed_or_empty(json_t *array) {
    return array != NULL ? json_incref(array) : json_array();
}

static json_t *usage_json(const tn_view_input *input) {
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "events_last_7d",
                     fact_count(input, "events_last_7d"), "events_last_30d",
                     fact_count(input, "events_last_30d"), "events_prev_30d",
                     fact_count(input, "events_prev_30d"), "usage_decay_score",
                     tn_json_real(input->score->usage_decay_score), "days_since_last_event",
                     fact_count(input, "days_since_last_event"), "total_events",
                     fact_count(input, "total_events"), "avg_adoption_score",
                     tn_json_real(fact(input, "avg_adoption_score")), "daily_events_last_90d",
                     borrowed_or_empty(input->daily_events));
}

static json_t *support_json(const tn_view_input *input) {
    return json_pack("{s:o, s:o, s:o, s:o, s:o}", "tickets_last_30d",
                     fact_count(input, "tickets_last_30d"), "high_priority_tickets",
                     fact_count(input, "high_priority_tickets"), "high_priority_last_30d",
                     fact_count(input, "high_priority_last_30d"), "mean_resolution_hours",
                     tn_json_real(fact(input, "avg_resolution_hours")), "recent_tickets",
                     borrowed_or_empty(input->tickets));
}

static json_t *gtm_json(const tn_view_input *input) {
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

json_t *tn_view_opportunity(const tn_table *rows, size_t row) {
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

json_t *tn_view_ticket(const tn_table *rows, size_t row) {
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

static json_t *view_json(const tn_view_context *context, const tn_view_input *input, json_t *churn,
                         json_t *upgrade) {
    const tn_customer_score *c = input->score;
    char action[ACTION_MAX];
    tn_quadrant_action(c, action, sizeof action);
    return json_pack("{s:s, s:s, s:o, s:o, s:O, s:O, s:b, s:{s:s, s:s}, s:o, s:o, s:o}",
                     "customer_id", c->customer_id, "as_of", context->as_of, "account",
                     account_json(c), "profile", profile_json(input), "churn", churn, "upgrade",
                     upgrade ? upgrade : json_null(), "expansion_candidate", c->expansion_candidate,
                     "conflict_matrix", "quadrant", tn_quadrant_name(tn_quadrant_of(c)), "action",
                     action, "usage", usage_json(input), "support", support_json(input), "gtm",
                     gtm_json(input));
}

static json_t *item_json(const tn_view_input *input, double arr_at_risk) {
    const tn_customer_score *c = input->score;
    bool candidate = c->expansion_candidate;
    return json_pack(
        "{s:s, s:s?, s:s?, s:s, s:s, s:o, s:o, s:o, s:o, s:s, s:o, s:o, s:o, s:s?, s:s?, s:o, s:s}",
        "customer_id", c->customer_id, "name", c->name, "owner", c->owner, "plan_tier",
        c->plan_tier, "industry", c->industry, "industry_name", fact_text(input, "industry_name"),
        "mrr", tn_json_real(c->mrr), "arr", tn_json_real(c->mrr * 12.0), "churn_probability",
        tn_json_real(c->churn_probability), "risk_tier", tn_risk_tier(c->churn_probability),
        "arr_at_risk", tn_json_real(arr_at_risk), "risk_score", tn_json_real(c->risk_score),
        "upgrade_propensity", candidate ? tn_json_real(c->upgrade_propensity) : json_null(),
        "propensity_tier", candidate ? tn_risk_tier(c->upgrade_propensity) : NULL, "target_tier",
        candidate ? c->target_tier : NULL, "expected_arr_uplift",
        candidate ? tn_json_real(c->expected_arr_uplift) : json_null(), "quadrant",
        tn_quadrant_name(tn_quadrant_of(c)));
}

bool tn_views_build(const tn_view_context *context, const tn_view_input *input,
                    tn_serve_customer *out) {
    const tn_customer_score *c = input->score;
    out->id = strdup(c->customer_id);
    snprintf(out->plan_tier, sizeof out->plan_tier, "%s", c->plan_tier);
    snprintf(out->risk_tier, sizeof out->risk_tier, "%s", tn_risk_tier(c->churn_probability));
    out->churn_probability = c->churn_probability;
    out->arr_at_risk = c->churn_probability * c->mrr * 12.0;
    out->upgrade_propensity = c->expansion_candidate ? c->upgrade_propensity : NAN;
    out->folded_name = tn_search_fold(c->name);
    out->crm_id = c->crm_id != NULL ? strdup(c->crm_id) : NULL;

    json_t *churn = churn_json(context, c);
    json_t *upgrade = c->expansion_candidate ? upgrade_json(context, c) : NULL;
    bool ok = out->id != NULL && (out->folded_name != NULL || c->name == NULL) &&
              (out->crm_id != NULL || c->crm_id == NULL) && churn != NULL &&
              (upgrade != NULL || !c->expansion_candidate) &&
              tn_body_from_json(view_json(context, input, churn, upgrade), &out->view) &&
              tn_body_from_json(item_json(input, out->arr_at_risk), &out->item);
    if (ok && upgrade != NULL) {
        out->upgrade_status = 200;
        ok = tn_body_from_json(json_incref(upgrade), &out->upgrade);
    } else if (ok) {
        char message[256];
        not_candidate_message(input, message, sizeof message);
        out->upgrade_status = 422;
        ok = tn_body_error("not_expansion_candidate", message, &out->upgrade);
    }
    ok = ok && tn_body_from_json(json_incref(churn), &out->churn);
    json_decref(churn);
    json_decref(upgrade);
    return ok;
}
