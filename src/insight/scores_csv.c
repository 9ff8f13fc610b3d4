/*
 * scores_csv.c — the answers as CSV (see scores_csv.h).
 */
#include "insight/scores_csv.h"

#include <math.h>
#include <string.h>

#include "insight/actions.h"

enum { CSV_DRIVERS = 3 };

static void csv_number(FILE *out, double value, const char *format) {
    if (isfinite(value))
        fprintf(out, format, value);
}

/* `text` in double quotes, its quotes doubled (RFC 4180). */
static void csv_quoted(FILE *out, const char *text) {
    fputc('"', out);
    for (const char *c = text; *c; c++) {
        if (*c == '"')
            fputc('"', out);
        fputc(*c, out);
    }
    fputc('"', out);
}

/* A field, quoted when it holds a comma, a quote or a line break; NULL → empty. */
static void csv_field(FILE *out, const char *text) {
    if (text != NULL && strpbrk(text, ",\"\r\n") != NULL)
        csv_quoted(out, text);
    else if (text != NULL)
        fputs(text, out);
}

/* ",field": the field after the one before it. */
static void csv_text(FILE *out, const char *text) {
    fputc(',', out);
    csv_field(out, text);
}

/* The drivers' values are always quoted ("12", "starter"). */
static void csv_drivers(FILE *out, const tn_driver *drivers) {
    for (int d = 0; d < CSV_DRIVERS; d++) {
        csv_text(out, drivers[d].feature);
        fputc(',', out);
        csv_quoted(out, drivers[d].value);
        fputc(',', out);
        if (drivers[d].feature)
            fprintf(out, "%.4f", drivers[d].impact);
    }
}

void tn_scores_csv_header(FILE *out) {
    fputs("customer_id,name,owner,renewal_date,crm_id,plan_tier,churn_probability,churn_risk_tier,"
          "upgrade_propensity,propensity_tier,target_tier,expected_arr_uplift,risk_score,"
          "compliance_gap_score,vendor_risk_flags,usage_decay_score,risk_score_formula",
          out);
    for (int kind = 0; kind < 2; kind++)
        for (int d = 1; d <= CSV_DRIVERS; d++)
            fprintf(out, ",%s_driver_%d,%s_driver_%d_value,%s_driver_%d_impact",
                    kind ? "upgrade" : "churn", d, kind ? "upgrade" : "churn", d,
                    kind ? "upgrade" : "churn", d);
    fputs(",arr,arr_at_risk,risk_score_tier,is_high_value_target,quadrant,recommended_action,"
          "upgrade_recommended_action,quadrant_action,as_of,churn_model_version,"
          "expansion_model_version,scored_at\n",
          out);
}

/* The columns of the first version, in their order. */
static void scores_columns(FILE *out, const tn_answer_context *context, const tn_answer *answer) {
    const tn_customer_score *c = answer->score;
    csv_text(out, c->name);
    csv_text(out, c->owner);
    csv_text(out, c->renewal_date);
    csv_text(out, c->crm_id);
    csv_text(out, c->plan_tier);
    fprintf(out, ",%.10f,%s,", c->churn_probability, answer->churn_tier);
    if (c->expansion_candidate)
        fprintf(out, "%.10f,%s,%s,%.2f", c->upgrade_propensity, answer->propensity_tier,
                c->target_tier, answer->expected_arr_uplift);
    else
        fputs(",,,", out);
    fputc(',', out);
    csv_number(out, c->risk_score, "%.6f");
    fputc(',', out);
    csv_number(out, c->compliance_gap_score, "%.4f");
    fputc(',', out);
    if (c->vendor_risk_flags >= 0)
        fprintf(out, "%d", c->vendor_risk_flags);
    fputc(',', out);
    csv_number(out, c->usage_decay_score, "%.4f");
    csv_text(out, tn_answer_risk_formula(context, answer));
    csv_drivers(out, c->churn_drivers);
    if (c->expansion_candidate)
        csv_drivers(out, c->upgrade_drivers);
    else
        for (int field = 0; field < 3 * CSV_DRIVERS; field++) /* driver, value, impact: empty */
            fputc(',', out);
}

void tn_scores_csv_row(FILE *out, const tn_answer_context *context, const tn_answer *answer,
                       const char *scored_at) {
    const tn_customer_score *c = answer->score;
    csv_field(out, c->customer_id);
    scores_columns(out, context, answer);
    fputc(',', out);
    csv_number(out, answer->arr, "%.2f");
    fputc(',', out);
    csv_number(out, answer->arr_at_risk, "%.2f");
    csv_text(out, answer->risk_score_tier);
    csv_text(out, answer->high_value_target ? "true" : "false");
    csv_text(out, tn_quadrant_name(answer->quadrant));
    csv_text(out, answer->churn_action);
    csv_text(out, answer->upgrade_action);
    csv_text(out, answer->quadrant_action);
    csv_text(out, context->as_of);
    csv_text(out, context->churn_version);
    csv_text(out, context->expansion_version);
    csv_text(out, scored_at);
    fputc('\n', out);
}
