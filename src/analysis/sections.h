/*
 * sections.h — the sections of `tenure analyze`, each a JSON object built
 * from the customers of marts.customer_survival with the functions of
 * src/stats. A section that cannot be computed (no customers, no events, a
 * singular design) is {"computable": false, "reason": "..."} and the others
 * are still written. No number in the output is NaN or infinite: such a value
 * is null, with a "reason" beside it where it is not obvious.
 */
#ifndef TN_ANALYSIS_SECTIONS_H
#define TN_ANALYSIS_SECTIONS_H

#include <jansson.h>

#include "common/error.h"
#include "common/json.h"
#include "warehouse/table.h"
#include "common/date.h"

/* The customers, as read by sql/analysis/survival_data.sql and upgrade_signal.sql. */
typedef struct {
    size_t n;
    tn_day as_of;
    char *const *plan_tier, *const *industry, *const *integration_bucket;
    const double *duration, *event;
    const double *events_last_30d, *avg_adoption_score, *retention_signal_count,
        *high_priority_tickets, *integration_connects_first_30d;
    const double *signup_day, *churn_day;
    size_t upgrade_rows;
    const double *upgraded, *premium_feature_trials_30d;
} tn_analysis_data;

/*
 * Each section is a new reference, or NULL with `err` set when it could not
 * be built at all (out of memory); "not computable" is not a failure.
 */
json_t *tn_section_population(const tn_analysis_data *data, tn_error *err);
json_t *tn_section_correlations(const tn_analysis_data *data, tn_error *err);
json_t *tn_section_kaplan_meier(const tn_analysis_data *data, tn_error *err);
json_t *tn_section_cox(const tn_analysis_data *data, tn_error *err);
json_t *tn_section_integration_gate(const tn_analysis_data *data, tn_error *err);
json_t *tn_section_early_dropout(const tn_analysis_data *data, tn_error *err);
json_t *tn_section_cohort_retention(const tn_analysis_data *data, tn_error *err);
json_t *tn_section_hazard(const tn_analysis_data *data, tn_error *err);
json_t *tn_section_upgrade_signal(const tn_analysis_data *data, tn_error *err);

/* ---- JSON helpers shared by the sections ---------------------------------------- */

/* {"computable": false, "reason": ...} */
json_t *tn_json_not_computable(const char *reason);

#endif
