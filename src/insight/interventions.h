/*
 * interventions.h — where a CSM's hour is worth most: the active accounts
 * ranked by the ARR a retention effort is expected to save per hour of it,
 * and the what-if "reach the top N accounts, save X % of those who would
 * churn: we keep $Y ARR".
 *
 * An account's expected ARR saved = churn probability × ARR × save rate
 * (= ARR at risk × save rate); its cost is the hours of CSM effort its plan
 * tier takes. Both the save rate and the hours are set per plan tier (the
 * plan); the what-if may instead take one save rate for every tier, which
 * ranks by ARR at risk per hour. The ranking breaks ties by the order the
 * accounts were given in (the snapshot's: by customer id), so it is stable.
 */
#ifndef TN_INSIGHT_INTERVENTIONS_H
#define TN_INSIGHT_INTERVENTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

#define TN_PLAN_TIERS 3 /* starter, growth, enterprise */

/* The defaults (docs/answers.md says why). */
#define TN_INTERVENTION_DEFAULT_SAVE_RATE 0.10
#define TN_INTERVENTION_DEFAULT_HOURS_STARTER 1.0
#define TN_INTERVENTION_DEFAULT_HOURS_GROWTH 3.0
#define TN_INTERVENTION_DEFAULT_HOURS_ENTERPRISE 8.0

extern const char *const tn_plan_tier_names[TN_PLAN_TIERS];

/* The save rate (0 < rate ≤ 1) and the CSM hours (> 0) of each plan tier. */
typedef struct {
    double save_rate[TN_PLAN_TIERS];
    double hours[TN_PLAN_TIERS];
} tn_intervention_plan;

void tn_intervention_plan_default(tn_intervention_plan *plan);

/* The index of a plan tier; a tier the plan does not know is taken as growth. */
int tn_intervention_tier(const char *plan_tier);

/*
 * Reads "0.15" (every tier) or "starter=0.1,enterprise=0.2" (the tiers
 * named; the others keep their value in `values`) into `values`, each within
 * (min, max]. TN_ERR_USAGE naming the part, the tier and what was expected,
 * with `what` ("--save-rate") leading the message.
 */
bool tn_intervention_parse_tiers(const char *text, const char *what, double min, double max,
                                 double values[TN_PLAN_TIERS], tn_error *err);

/*
 * The n accounts' indices into order[n], best first: by ARR at risk × the
 * tier's save rate ÷ the tier's hours, or with `uniform` by ARR at risk ÷
 * hours (the order of any one save rate for all). `tier[i]` is
 * tn_intervention_tier of account i. TN_ERR_NOMEM when memory runs out.
 */
bool tn_interventions_rank(const double *arr_at_risk, const int *tier, size_t n,
                           const tn_intervention_plan *plan, bool uniform, uint32_t *order,
                           tn_error *err);

/* One account of a what-if, and its running totals. */
typedef struct {
    uint32_t index; /* into the accounts given to tn_interventions_rank */
    double save_rate, hours;
    double expected_arr_saved, per_hour;
    double cumulative_arr_saved, cumulative_hours;
} tn_intervention_row;

/* The totals of reaching the first `accounts` of a ranking. */
typedef struct {
    size_t accounts;
    double hours, arr_at_risk, expected_arr_saved;
    double share_of_arr_at_risk; /* of the whole portfolio's ARR at risk; NAN when it is 0 */
} tn_intervention_totals;

/*
 * Walks the first `accounts` of `order` (at most n) with `save_rate` for
 * every tier, or the plan's own when save_rate is NAN; rows[0..listed) (when
 * rows is not NULL) receives the first `listed` of them.
 */
void tn_interventions_reach(const double *arr_at_risk, const int *tier, size_t n,
                            const uint32_t *order, const tn_intervention_plan *plan,
                            double save_rate, size_t accounts, tn_intervention_row *rows,
                            size_t listed, tn_intervention_totals *out);

/* The portfolio's ARR at risk: the sum of arr_at_risk[0..n), the non-finite taken as 0. */
double tn_interventions_at_risk_total(const double *arr_at_risk, size_t n);

/*
 * tn_interventions_reach with the portfolio's ARR at risk already summed
 * (tn_interventions_at_risk_total of the same n accounts), in time
 * proportional to `accounts` rather than to n; the same results, bit for bit.
 */
void tn_interventions_reach_summed(double total_at_risk, const double *arr_at_risk, const int *tier,
                                   size_t n, const uint32_t *order,
                                   const tn_intervention_plan *plan, double save_rate,
                                   size_t accounts, tn_intervention_row *rows, size_t listed,
                                   tn_intervention_totals *out);

#endif
