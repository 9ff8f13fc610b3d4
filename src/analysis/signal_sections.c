/*
 * signal_sections.c — who churns and what announces it: the population, the
 * data dictionary's correlation table, the integration activation gate,
 * 90-day dropout by tier, monthly signup-cohort retention and the upgrade
 * signal (see sections.h).
 */
#include "analysis/sections.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "stats/association.h"
#include "stats/logrank.h"

static const char *const tiers[] = {"starter", "growth", "enterprise"};
enum { TIERS = 3, DROPOUT_DAYS = 90 };

json_t *tn_section_population(const tn_analysis_data *data, tn_error *err) {
    (void)err; /* allocates nothing of its own */
    int churned = 0, by_tier[TIERS] = {0}, churned_by_tier[TIERS] = {0};
    for (size_t i = 0; i < data->n; i++) {
        bool event = data->event[i] > 0.5;
        churned += event;
        for (int t = 0; t < TIERS; t++)
            if (data->plan_tier[i] != NULL && strcmp(data->plan_tier[i], tiers[t]) == 0) {
                by_tier[t]++;
                churned_by_tier[t] += event;
            }
    }
    json_t *tier_rows = json_array();
    for (int t = 0; t < TIERS; t++)
        json_array_append_new(tier_rows,
                              json_pack("{s:s, s:i, s:i, s:o}", "plan_tier", tiers[t], "customers",
                                        by_tier[t], "churned", churned_by_tier[t], "churn_rate",
                                        tn_json_real((double)churned_by_tier[t] / by_tier[t])));
    return json_pack("{s:i, s:i, s:i, s:o, s:o}", "customers", (int)data->n, "churned", churned,
                     "censored", (int)data->n - churned, "churn_rate",
                     tn_json_real(data->n ? (double)churned / (double)data->n : NAN),
                     "by_plan_tier", tier_rows);
}

/* The dictionary's table: feature, its published r, and the direction it states. */
static const struct {
    const char *feature;
    double published_r;
} published[] = {
    {"events_last_30d", -0.38},
    {"avg_adoption_score", -0.34},
    {"retention_signal_count", -0.32},
    {"high_priority_tickets", 0.27},
    {"integration_connects_first_30d", -0.24},
};

static const double *feature_values(const tn_analysis_data *data, const char *feature) {
    if (strcmp(feature, "events_last_30d") == 0)
        return data->events_last_30d;
    if (strcmp(feature, "avg_adoption_score") == 0)
        return data->avg_adoption_score;
    if (strcmp(feature, "retention_signal_count") == 0)
        return data->retention_signal_count;
    if (strcmp(feature, "high_priority_tickets") == 0)
        return data->high_priority_tickets;
    return data->integration_connects_first_30d;
}

json_t *tn_section_correlations(const tn_analysis_data *data, tn_error *err) {
    double *x = tn_alloc_array(data->n, sizeof *x, "feature values", err);
    int *group = x != NULL ? tn_alloc_array(data->n, sizeof *group, "churn events", err) : NULL;
    if (group == NULL) {
        free(x);
        return NULL;
    }
    json_t *rows = json_array();
    for (size_t f = 0; f < sizeof published / sizeof published[0]; f++) {
        const double *values = feature_values(data, published[f].feature);
        size_t m = 0;
        for (size_t i = 0; i < data->n; i++)
            if (!isnan(values[i])) { /* avg_adoption_score is NULL without events */
                x[m] = values[i];
                group[m++] = data->event[i] > 0.5;
            }
        tn_point_biserial_result result;
        tn_error reason;
        json_t *row = json_pack("{s:s, s:f}", "feature", published[f].feature, "published_r",
                                published[f].published_r);
        if (!tn_point_biserial(x, group, m, &result, &reason)) {
            json_object_set_new(row, "computable", json_false());
            json_object_set_new(row, "reason", json_string(reason.message));
        } else {
            json_object_set_new(row, "n", json_integer((json_int_t)result.n));
            json_object_set_new(row, "r", tn_json_real(result.r));
            json_object_set_new(row, "t", tn_json_real(result.t));
            json_object_set_new(row, "p", tn_json_real(result.p));
            json_object_set_new(row, "difference_from_published",
                                tn_json_real(result.r - published[f].published_r));
            json_object_set_new(row, "same_direction_as_published",
                                json_boolean((result.r < 0) == (published[f].published_r < 0)));
        }
        json_array_append_new(rows, row);
    }
    free(x), free(group);
    return json_pack("{s:s, s:s, s:o}", "method",
                     "point-biserial r (Pearson) of each feature with the churn event over all "
                     "customers; t-test p, two-sided",
                     "source", "marts.customer_survival", "features", rows);
}

/* Churn rates of the integration buckets, below 3 vs at least 3 connects, and their tests. */
json_t *tn_section_integration_gate(const tn_analysis_data *data, tn_error *err) {
    static const char *const buckets[] = {"0", "1–2", "3–5", "6+"};
    double table[4 * 2] = {0};
    double *time = tn_alloc_array(data->n, sizeof *time, "survival times", err);
    int *event = time != NULL ? tn_alloc_array(data->n, sizeof *event, "churn events", err) : NULL;
    int *gate = event != NULL ? tn_alloc_array(data->n, sizeof *gate, "gate groups", err) : NULL;
    if (gate == NULL) {
        free(time), free(event);
        return NULL;
    }
    int below[2] = {0}, above[2] = {0}; /* customers, churned */
    for (size_t i = 0; i < data->n; i++) {
        bool churned = data->event[i] > 0.5;
        for (int b = 0; b < 4; b++)
            if (data->integration_bucket[i] != NULL &&
                strcmp(data->integration_bucket[i], buckets[b]) == 0)
                table[b * 2 + (churned ? 1 : 0)]++;
        bool activated = data->integration_connects_first_30d[i] >= 3;
        (activated ? above : below)[0]++;
        (activated ? above : below)[1] += churned;
        time[i] = data->duration[i];
        event[i] = churned;
        gate[i] = activated;
    }
    json_t *rows = json_array();
    for (int b = 0; b < 4; b++) {
        double customers = table[b * 2] + table[b * 2 + 1];
        json_array_append_new(rows,
                              json_pack("{s:s, s:i, s:i, s:o}", "bucket", buckets[b], "customers",
                                        (int)customers, "churned", (int)table[b * 2 + 1],
                                        "churn_rate", tn_json_real(table[b * 2 + 1] / customers)));
    }
    double below_rate = (double)below[1] / below[0], above_rate = (double)above[1] / above[0];
    tn_logrank_result logrank;
    tn_chi_square_result chi;
    tn_error reason;
    json_t *logrank_json =
        tn_logrank(time, event, gate, data->n, 2, &logrank, &reason)
            ? json_pack("{s:b, s:f, s:i, s:o}", "computable", 1, "chisq", logrank.chisq, "df",
                        logrank.df, "p", tn_json_real(logrank.p))
            : tn_json_not_computable(reason.message);
    json_t *chi_json =
        tn_chi_square(table, 4, 2, &chi, &reason)
            ? json_pack("{s:b, s:f, s:i, s:o, s:f}", "computable", 1, "chisq", chi.chisq, "df",
                        chi.df, "p", tn_json_real(chi.p), "min_expected", chi.min_expected)
            : tn_json_not_computable(reason.message);
    free(time), free(event), free(gate);
    return json_pack(
        "{s:s, s:o, s:{s:i, s:i, s:o}, s:{s:i, s:i, s:o}, s:o, s:o, s:o}", "definition",
        "integration_connect events in the first 30 days after signup; gate at 3", "buckets", rows,
        "below_3", "customers", below[0], "churned", below[1], "churn_rate",
        tn_json_real(below_rate), "at_least_3", "customers", above[0], "churned", above[1],
        "churn_rate", tn_json_real(above_rate), "churn_rate_ratio",
        tn_json_real(below_rate / above_rate), "logrank_below_3_vs_at_least_3", logrank_json,
        "chi_square_buckets_by_churn", chi_json);
}

json_t *tn_section_early_dropout(const tn_analysis_data *data, tn_error *err) {
    (void)err; /* allocates nothing of its own */
    json_t *rows = json_array();
    for (int t = 0; t < TIERS; t++) {
        int eligible = 0, dropped = 0;
        for (size_t i = 0; i < data->n; i++) {
            if (data->plan_tier[i] == NULL || strcmp(data->plan_tier[i], tiers[t]) != 0 ||
                data->signup_day[i] > data->as_of - DROPOUT_DAYS)
                continue; /* not observed for 90 days yet */
            eligible++;
            dropped += data->event[i] > 0.5 && data->duration[i] <= DROPOUT_DAYS;
        }
        json_array_append_new(rows, json_pack("{s:s, s:i, s:i, s:o}", "plan_tier", tiers[t],
                                              "customers_observed_90_days", eligible,
                                              "churned_within_90_days", dropped, "rate",
                                              tn_json_real((double)dropped / eligible)));
    }
    return json_pack("{s:i, s:s, s:o}", "window_days", DROPOUT_DAYS, "population",
                     "customers who signed up at least 90 days before the as-of date",
                     "by_plan_tier", rows);
}

/* ---- monthly signup cohorts ------------------------------------------------------ */

static int month_index(tn_day day) {
    int year, month;
    tn_day_to_civil(day, &year, &month, NULL);
    return year * 12 + month - 1;
}

json_t *tn_section_cohort_retention(const tn_analysis_data *data, tn_error *err) {
    (void)err; /* allocates nothing of its own */
    if (data->n == 0)
        return tn_json_not_computable("no customers");
    int first = month_index(data->as_of), last = 0;
    for (size_t i = 0; i < data->n; i++) {
        int m = month_index((tn_day)data->signup_day[i]);
        first = m < first ? m : first;
        last = m > last ? m : last;
    }
    json_t *cohorts = json_array();
    for (int cohort = first; cohort <= last; cohort++) {
        int members = 0, horizon = month_index(data->as_of) - cohort;
        json_t *retention = json_array();
        for (int age = 0; age <= horizon; age++) {
            int eligible = 0, retained = 0;
            for (size_t i = 0; i < data->n; i++) {
                tn_day signup = (tn_day)data->signup_day[i];
                if (month_index(signup) != cohort)
                    continue;
                tn_day checkpoint = tn_day_add_months(signup, age);
                if (checkpoint > data->as_of)
                    continue; /* not observed that long yet */
                eligible++;
                retained += isnan(data->churn_day[i]) || data->churn_day[i] > checkpoint;
            }
            if (age == 0)
                members = eligible;
            json_array_append_new(retention,
                                  tn_json_real(eligible ? (double)retained / eligible : NAN));
        }
        char label[16];
        snprintf(label, sizeof label, "%04d-%02d", cohort / 12, cohort % 12 + 1);
        json_array_append_new(cohorts, json_pack("{s:s, s:i, s:o}", "cohort", label, "customers",
                                                 members, "retention", retention));
    }
    return json_pack("{s:b, s:s, s:o}", "computable", 1, "definition",
                     "share of a signup month's customers still active k months after their own "
                     "signup date (k = 0, 1, ...), among those observed that long; null: none yet",
                     "cohorts", cohorts);
}

json_t *tn_section_upgrade_signal(const tn_analysis_data *data, tn_error *err) {
    size_t n = data->upgrade_rows, n1 = 0, n2 = 0;
    double *up = tn_alloc_array(n, sizeof *up, "trials of upgraded customers", err);
    double *rest = up != NULL ? tn_alloc_array(n, sizeof *rest, "trials of the others", err) : NULL;
    if (rest == NULL) {
        free(up);
        return NULL;
    }
    double sum1 = 0, sum2 = 0;
    for (size_t i = 0; i < n; i++) {
        if (data->upgraded[i] > 0.5)
            sum1 += up[n1++] = data->premium_feature_trials_30d[i];
        else
            sum2 += rest[n2++] = data->premium_feature_trials_30d[i];
    }
    tn_mann_whitney_result result;
    tn_error reason;
    json_t *test = tn_mann_whitney(up, n1, rest, n2, &result, &reason)
                       ? json_pack("{s:b, s:f, s:f, s:o, s:o}", "computable", 1, "u", result.u1,
                                   "z", result.z, "p_two_sided", tn_json_real(result.p_two_sided),
                                   "p_greater", tn_json_real(result.p_greater))
                       : tn_json_not_computable(reason.message);
    free(up), free(rest);
    return json_pack("{s:s, s:s, s:{s:i, s:o}, s:{s:i, s:o}, s:o}", "feature",
                     "premium_feature_trials_30d", "definition",
                     "premium_feature_trial events in the 30 days before the upgrade date "
                     "(upgraded) or the as-of date (the others); Mann-Whitney U, upgraded vs not",
                     "upgraded", "customers", (int)n1, "mean",
                     tn_json_real(n1 ? sum1 / (double)n1 : NAN), "not_upgraded", "customers",
                     (int)n2, "mean", tn_json_real(n2 ? sum2 / (double)n2 : NAN), "mann_whitney",
                     test);
}
