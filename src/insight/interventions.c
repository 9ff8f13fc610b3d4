/*
 * interventions.c — accounts ranked by the ARR a CSM hour is expected to save,
 * and the what-if of reaching the first N (see interventions.h).
 */
#include "insight/interventions.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"

const char *const tn_plan_tier_names[TN_PLAN_TIERS] = {"starter", "growth", "enterprise"};

void tn_intervention_plan_default(tn_intervention_plan *plan) {
    for (int t = 0; t < TN_PLAN_TIERS; t++)
        plan->save_rate[t] = TN_INTERVENTION_DEFAULT_SAVE_RATE;
    plan->hours[0] = TN_INTERVENTION_DEFAULT_HOURS_STARTER;
    plan->hours[1] = TN_INTERVENTION_DEFAULT_HOURS_GROWTH;
    plan->hours[2] = TN_INTERVENTION_DEFAULT_HOURS_ENTERPRISE;
}

int tn_intervention_tier(const char *plan_tier) {
    for (int t = 0; t < TN_PLAN_TIERS; t++)
        if (plan_tier != NULL && strcmp(plan_tier, tn_plan_tier_names[t]) == 0)
            return t;
    return 1;
}

/* A number within (min, max] spelled in full by `text` (of `length` bytes). */
static bool parse_value(const char *text, size_t length, double min, double max, double *out) {
    char buffer[64];
    if (length == 0 || length >= sizeof buffer)
        return false;
    memcpy(buffer, text, length);
    buffer[length] = '\0';
    char *end;
    errno = 0;
    double value = strtod(buffer, &end);
    if (end == buffer || *end != '\0' || errno != 0 || !(value > min && value <= max))
        return false;
    *out = value;
    return true;
}

/* One "tier=value" part (or a bare value for every tier). */
static bool parse_part(const char *part, size_t length, const char *what, double min, double max,
                       double values[TN_PLAN_TIERS], tn_error *err) {
    const char *equals = memchr(part, '=', length);
    double value;
    size_t value_start = equals != NULL ? (size_t)(equals - part) + 1 : 0;
    int tier = -1;
    if (equals != NULL) {
        for (int t = 0; t < TN_PLAN_TIERS; t++)
            if (strlen(tn_plan_tier_names[t]) == (size_t)(equals - part) &&
                strncmp(part, tn_plan_tier_names[t], (size_t)(equals - part)) == 0)
                tier = t;
        if (tier < 0)
            return tn_error_set(err, TN_ERR_USAGE,
                                "%s: '%.*s' is not a plan tier — expected starter, growth or "
                                "enterprise",
                                what, (int)(equals - part), part);
    }
    if (!parse_value(part + value_start, length - value_start, min, max, &value))
        return tn_error_set(err, TN_ERR_USAGE,
                            "%s: '%.*s' — expected a number greater than %g and at most %g, for "
                            "every tier or as TIER=VALUE (starter=0.1,enterprise=0.2)",
                            what, (int)length, part, min, max);
    for (int t = 0; t < TN_PLAN_TIERS; t++)
        if (tier < 0 || t == tier)
            values[t] = value;
    return true;
}

bool tn_intervention_parse_tiers(const char *text, const char *what, double min, double max,
                                 double values[TN_PLAN_TIERS], tn_error *err) {
    double parsed[TN_PLAN_TIERS];
    memcpy(parsed, values, sizeof parsed);
    const char *part = text;
    for (;;) {
        const char *comma = strchr(part, ',');
        size_t length = comma != NULL ? (size_t)(comma - part) : strlen(part);
        if (!parse_part(part, length, what, min, max, parsed, err))
            return false;
        if (comma == NULL)
            break;
        part = comma + 1;
    }
    memcpy(values, parsed, sizeof parsed);
    return true;
}

typedef struct {
    double value;
    uint32_t index;
} ranked;

static int best_first(const void *a, const void *b) {
    const ranked *x = a, *y = b;
    if (x->value != y->value)
        return x->value > y->value ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

bool tn_interventions_rank(const double *arr_at_risk, const int *tier, size_t n,
                           const tn_intervention_plan *plan, bool uniform, uint32_t *order,
                           tn_error *err) {
    ranked *items = tn_alloc_array(n + 1, sizeof *items, "the intervention ranking", err);
    if (items == NULL)
        return false;
    for (size_t i = 0; i < n; i++) {
        double rate = uniform ? 1 : plan->save_rate[tier[i]];
        double value = arr_at_risk[i] * rate / plan->hours[tier[i]];
        items[i] = (ranked){isfinite(value) ? value : -INFINITY, (uint32_t)i};
    }
    qsort(items, n, sizeof *items, best_first);
    for (size_t i = 0; i < n; i++)
        order[i] = items[i].index;
    free(items);
    return true;
}

double tn_interventions_at_risk_total(const double *arr_at_risk, size_t n) {
    double total = 0;
    for (size_t i = 0; i < n; i++)
        total += isfinite(arr_at_risk[i]) ? arr_at_risk[i] : 0;
    return total;
}

void tn_interventions_reach(const double *arr_at_risk, const int *tier, size_t n,
                            const uint32_t *order, const tn_intervention_plan *plan,
                            double save_rate, size_t accounts, tn_intervention_row *rows,
                            size_t listed, tn_intervention_totals *out) {
    tn_interventions_reach_summed(tn_interventions_at_risk_total(arr_at_risk, n), arr_at_risk, tier,
                                  n, order, plan, save_rate, accounts, rows, listed, out);
}

void tn_interventions_reach_summed(double total_at_risk, const double *arr_at_risk, const int *tier,
                                   size_t n, const uint32_t *order,
                                   const tn_intervention_plan *plan, double save_rate,
                                   size_t accounts, tn_intervention_row *rows, size_t listed,
                                   tn_intervention_totals *out) {
    *out = (tn_intervention_totals){.accounts = accounts < n ? accounts : n};
    for (size_t r = 0; r < out->accounts; r++) {
        uint32_t i = order[r];
        double at_risk = isfinite(arr_at_risk[i]) ? arr_at_risk[i] : 0;
        double rate = isnan(save_rate) ? plan->save_rate[tier[i]] : save_rate;
        double hours = plan->hours[tier[i]], saved = at_risk * rate;
        out->hours += hours;
        out->arr_at_risk += at_risk;
        out->expected_arr_saved += saved;
        if (rows != NULL && r < listed)
            rows[r] = (tn_intervention_row){
                i, rate, hours, saved, saved / hours, out->expected_arr_saved, out->hours};
    }
    out->share_of_arr_at_risk = total_at_risk > 0 ? out->arr_at_risk / total_at_risk : NAN;
}
