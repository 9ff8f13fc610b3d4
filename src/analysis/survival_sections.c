/*
 * survival_sections.c — Kaplan-Meier curves with log-rank tests, the Cox
 * model with the test of its proportional-hazards assumption, and the
 * smoothed hazard (see sections.h). Times are days since signup
 * (marts.customer_survival.duration_days).
 */
#include "analysis/sections.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/strbuf.h"
#include "stats/cox.h"
#include "stats/cox_zph.h"
#include "stats/km.h"
#include "stats/logrank.h"

static const double report_days[] = {30, 90, 180, 365, 730};
enum { REPORT_DAYS = sizeof report_days / sizeof report_days[0], MAX_GROUPS = 32 };

json_t *tn_json_not_computable(const char *reason) {
    return json_pack("{s:b, s:s}", "computable", 0, "reason", reason);
}

/* The distinct labels in `order`, or sorted when `order` is NULL. Returns how many. */
static int group_labels(char *const *labels, size_t n, const char *const *order,
                        const char *out[MAX_GROUPS]) {
    int count = 0;
    if (order != NULL) {
        for (; order[count] != NULL && count < MAX_GROUPS; count++)
            out[count] = order[count];
        return count;
    }
    for (size_t i = 0; i < n; i++) {
        const char *label = labels[i] != NULL ? labels[i] : "(unknown)";
        int position = 0;
        while (position < count && strcmp(out[position], label) < 0)
            position++;
        if (position < count && strcmp(out[position], label) == 0)
            continue;
        if (count == MAX_GROUPS)
            break;
        memmove(&out[position + 1], &out[position], (size_t)(count - position) * sizeof *out);
        out[position] = label;
        count++;
    }
    return count;
}

static int label_index(const char *const labels[], int count, const char *label) {
    for (int g = 0; g < count; g++)
        if (strcmp(labels[g], label != NULL ? label : "(unknown)") == 0)
            return g;
    return -1;
}

static json_t *median_json(const tn_km_curve *curve) {
    json_t *median = json_object();
    json_object_set_new(median, "days",
                        curve->median_reached ? json_real(curve->median) : json_null());
    json_object_set_new(median, "lower",
                        curve->median_lower_reached ? json_real(curve->median_lower) : json_null());
    json_object_set_new(median, "upper",
                        curve->median_upper_reached ? json_real(curve->median_upper) : json_null());
    if (!curve->median_reached)
        json_object_set_new(median, "reason",
                            json_string("not reached: survival stays above 50% during follow-up"));
    return median;
}

/* S(t) with its interval at the report days. */
static json_t *survival_at_json(const tn_km_curve *curve) {
    json_t *rows = json_array();
    for (int d = 0; d < REPORT_DAYS; d++) {
        double s, lower, upper;
        int at_risk;
        json_t *row = json_pack("{s:f}", "day", report_days[d]);
        if (!tn_km_at(curve, report_days[d], &s, &lower, &upper, &at_risk)) {
            json_object_set_new(row, "survival", json_null());
            json_object_set_new(row, "lower", json_null());
            json_object_set_new(row, "upper", json_null());
            json_object_set_new(row, "at_risk", json_integer(0));
            json_object_set_new(row, "reason",
                                json_string("beyond follow-up: no one observed this long"));
        } else {
            json_object_set_new(row, "survival", tn_json_real(s));
            json_object_set_new(row, "lower", tn_json_real(lower));
            json_object_set_new(row, "upper", tn_json_real(upper));
            json_object_set_new(row, "at_risk", json_integer(at_risk));
            if (!isfinite(lower))
                json_object_set_new(row, "reason",
                                    json_string(s >= 1 ? "no events yet: no interval"
                                                       : "survival is 0: no interval"));
        }
        json_array_append_new(rows, row);
    }
    return rows;
}

/* The step points, as columns (day, survival, lower, upper, at_risk), for plotting. */
static json_t *curve_json(const tn_km_curve *curve) {
    json_t *day = json_array(), *survival = json_array(), *lower = json_array(),
           *upper = json_array(), *at_risk = json_array();
    for (size_t i = 0; i < curve->count; i++) {
        const tn_km_step *step = &curve->steps[i];
        json_array_append_new(day, json_real(step->time));
        json_array_append_new(survival, tn_json_real(step->survival));
        json_array_append_new(lower, tn_json_real(step->lower));
        json_array_append_new(upper, tn_json_real(step->upper));
        json_array_append_new(at_risk, json_integer(step->at_risk));
    }
    return json_pack("{s:o, s:o, s:o, s:o, s:o}", "day", day, "survival", survival, "lower", lower,
                     "upper", upper, "at_risk", at_risk);
}

static json_t *logrank_json(const double *time, const int *event, const int *group, size_t n,
                            int groups, const char *const labels[]) {
    tn_logrank_result result;
    tn_error reason;
    if (!tn_logrank(time, event, group, n, groups, &result, &reason))
        return tn_json_not_computable(reason.message);
    json_t *observed = json_object(), *expected = json_object();
    for (int g = 0; g < groups; g++) {
        json_object_set_new(observed, labels[g], json_real(result.observed[g]));
        json_object_set_new(expected, labels[g], json_real(result.expected[g]));
    }
    return json_pack("{s:b, s:f, s:i, s:o, s:o, s:o}", "computable", 1, "chisq", result.chisq, "df",
                     result.df, "p", tn_json_real(result.p), "observed", observed, "expected",
                     expected);
}

/* Curves per group and the log-rank test across all groups; NULL (with err) when out of memory. */
static json_t *km_grouping(const tn_analysis_data *data, char *const *labels,
                           const char *const *order, int *group_out, const char *names[MAX_GROUPS],
                           int *group_count, tn_error *err) {
    int groups = group_labels(labels, data->n, order, names);
    *group_count = groups;
    double *time = tn_alloc_array(data->n, sizeof *time, "survival times", err);
    int *event = time != NULL ? tn_alloc_array(data->n, sizeof *event, "churn events", err) : NULL;
    int *group =
        event != NULL ? tn_alloc_array(data->n, sizeof *group, "group indexes", err) : NULL;
    if (group == NULL) {
        free(time), free(event);
        return NULL;
    }
    json_t *list = json_array();
    for (size_t i = 0; i < data->n; i++)
        group_out[i] = label_index(names, groups, labels[i]);
    for (int g = 0; g < groups; g++) {
        size_t m = 0;
        for (size_t i = 0; i < data->n; i++)
            if (group_out[i] == g) {
                time[m] = data->duration[i];
                event[m++] = data->event[i] > 0.5;
            }
        tn_km_curve curve;
        tn_error reason;
        json_t *entry = json_pack("{s:s, s:i}", "group", names[g], "customers", (int)m);
        if (m == 0 || !tn_km_fit(time, event, m, 0.95, &curve, &reason)) {
            json_object_set_new(entry, "computable", json_false());
            json_object_set_new(
                entry, "reason",
                json_string(m == 0 ? "no customers in this group" : reason.message));
        } else {
            json_object_set_new(entry, "events", json_integer(curve.events));
            json_object_set_new(entry, "median", median_json(&curve));
            json_object_set_new(entry, "survival_at", survival_at_json(&curve));
            json_object_set_new(entry, "curve", curve_json(&curve));
            tn_km_free(&curve);
        }
        json_array_append_new(list, entry);
    }
    size_t m = 0;
    for (size_t i = 0; i < data->n; i++)
        if (group_out[i] >= 0) {
            time[m] = data->duration[i];
            event[m] = data->event[i] > 0.5;
            group[m++] = group_out[i];
        }
    json_t *result = json_pack("{s:o, s:o}", "groups", list, "logrank",
                               logrank_json(time, event, group, m, groups, names));
    free(time), free(event), free(group);
    return result;
}

/* The log-rank test between two of a grouping's groups; NULL (with err) when out of memory. */
static json_t *logrank_pair(const tn_analysis_data *data, const int *group, int a, int b,
                            const char *label_a, const char *label_b, tn_error *err) {
    double *time = tn_alloc_array(data->n, sizeof *time, "survival times", err);
    int *event = time != NULL ? tn_alloc_array(data->n, sizeof *event, "churn events", err) : NULL;
    int *pair = event != NULL ? tn_alloc_array(data->n, sizeof *pair, "group indexes", err) : NULL;
    if (pair == NULL) {
        free(time), free(event);
        return NULL;
    }
    size_t m = 0;
    for (size_t i = 0; i < data->n; i++)
        if (group[i] == a || group[i] == b) {
            time[m] = data->duration[i];
            event[m] = data->event[i] > 0.5;
            pair[m++] = group[i] == a ? 0 : 1;
        }
    const char *labels[2] = {label_a, label_b};
    json_t *result = logrank_json(time, event, pair, m, 2, labels);
    free(time), free(event), free(pair);
    return result;
}

json_t *tn_section_kaplan_meier(const tn_analysis_data *data, tn_error *err) {
    if (data->n == 0)
        return tn_json_not_computable("no customers");
    static const char *const tiers[] = {"starter", "growth", "enterprise", NULL};
    static const char *const buckets[] = {"0", "1–2", "3–5", "6+", NULL};
    int *group = tn_alloc_array(data->n, sizeof *group, "group indexes", err), count;
    if (group == NULL)
        return NULL;
    const char *names[MAX_GROUPS];
    json_t *tier = km_grouping(data, data->plan_tier, tiers, group, names, &count, err);
    json_t *pair =
        tier != NULL ? logrank_pair(data, group, 0, 2, "starter", "enterprise", err) : NULL;
    json_t *industry =
        pair != NULL ? km_grouping(data, data->industry, NULL, group, names, &count, err) : NULL;
    json_t *bucket = industry != NULL ? km_grouping(data, data->integration_bucket, buckets, group,
                                                    names, &count, err)
                                      : NULL;
    free(group);
    if (bucket == NULL) {
        json_decref(tier), json_decref(pair), json_decref(industry);
        return NULL;
    }
    json_object_set_new(tier, "logrank_starter_vs_enterprise", pair);
    return json_pack("{s:b, s:s, s:[f,f,f,f,f], s:o, s:o, s:o}", "computable", 1, "time_unit",
                     "days since signup", "report_days", report_days[0], report_days[1],
                     report_days[2], report_days[3], report_days[4], "by_plan_tier", tier,
                     "by_industry", industry, "by_integration_bucket", bucket);
}

/* ---- Cox PH ---------------------------------------------------------------------- */

static const char *const cox_features[] = {"events_last_30d", "avg_adoption_score",
                                           "retention_signal_count", "high_priority_tickets",
                                           "integration_connects_first_30d"};
enum { COX_FEATURES = 5, COX_COVARIATES = 7 };

static const double *feature_column(const tn_analysis_data *data, int f) {
    const double *columns[COX_FEATURES] = {
        data->events_last_30d, data->avg_adoption_score, data->retention_signal_count,
        data->high_priority_tickets, data->integration_connects_first_30d};
    return columns[f];
}

/* Rows with every feature present; their design matrix with features as z-scores. */
static size_t cox_design(const tn_analysis_data *data, double *x, double *time, int *event,
                         double mean[COX_FEATURES], double sd[COX_FEATURES]) {
    size_t m = 0;
    for (size_t i = 0; i < data->n; i++) {
        bool complete = data->plan_tier[i] != NULL;
        for (int f = 0; f < COX_FEATURES; f++)
            complete = complete && !isnan(feature_column(data, f)[i]);
        if (!complete)
            continue;
        double *row = x + m * COX_COVARIATES;
        row[0] = strcmp(data->plan_tier[i], "growth") == 0;
        row[1] = strcmp(data->plan_tier[i], "enterprise") == 0;
        for (int f = 0; f < COX_FEATURES; f++)
            row[2 + f] = feature_column(data, f)[i];
        time[m] = data->duration[i];
        event[m++] = data->event[i] > 0.5;
    }
    for (int f = 0; f < COX_FEATURES;
         f++) { /* standardise: a hazard ratio per standard deviation */
        double sum = 0, squares = 0;
        for (size_t i = 0; i < m; i++)
            sum += x[i * COX_COVARIATES + 2 + f];
        mean[f] = m ? sum / (double)m : 0;
        for (size_t i = 0; i < m; i++) {
            double d = x[i * COX_COVARIATES + 2 + f] - mean[f];
            squares += d * d;
        }
        sd[f] = m > 1 ? sqrt(squares / (double)(m - 1)) : 0;
        for (size_t i = 0; i < m && sd[f] > 0; i++)
            x[i * COX_COVARIATES + 2 + f] = (x[i * COX_COVARIATES + 2 + f] - mean[f]) / sd[f];
    }
    return m;
}

static json_t *cox_covariates_json(const tn_cox_result *fit, const char *const names[],
                                   const double mean[COX_FEATURES], const double sd[COX_FEATURES]) {
    json_t *rows = json_array();
    for (size_t a = 0; a < fit->p; a++) {
        json_t *row = json_pack("{s:s}", "name", names[a]);
        if (a < 2)
            json_object_set_new(row, "scaling", json_string("indicator; reference: starter"));
        else
            json_object_set_new(row, "scaling",
                                json_pack("{s:s, s:o, s:o}", "per", "standard deviation", "mean",
                                          tn_json_real(mean[a - 2]), "sd",
                                          tn_json_real(sd[a - 2])));
        json_object_set_new(row, "coef", tn_json_real(fit->coef[a]));
        json_object_set_new(row, "se", tn_json_real(fit->se[a]));
        json_object_set_new(row, "hazard_ratio", tn_json_real(fit->hazard_ratio[a]));
        json_object_set_new(row, "lower", tn_json_real(fit->hr_lower[a]));
        json_object_set_new(row, "upper", tn_json_real(fit->hr_upper[a]));
        json_object_set_new(row, "z", tn_json_real(fit->z[a]));
        json_object_set_new(row, "p", tn_json_real(fit->p_value[a]));
        json_array_append_new(rows, row);
    }
    return rows;
}

/*
 * The test of proportional hazards, one term per row of R's cox.zph table:
 * the plan tier's two indicators are one term (2 df), each feature its own.
 */
enum { COX_TERMS = 1 + COX_FEATURES };
static const double PH_ALPHA = 0.05;
static const size_t cox_term_of_column[COX_COVARIATES] = {0, 0, 1, 2, 3, 4, 5};

static const char *cox_term_name(size_t term) {
    return term == 0 ? "plan_tier" : cox_features[term - 1];
}

/* The terms whose test fails, most violated first; returns how many. */
static size_t failing_terms(const tn_cox_zph_result *zph, size_t failing[COX_TERMS]) {
    size_t count = 0;
    for (size_t t = 0; t < zph->terms; t++) {
        if (!(zph->p[t] < PH_ALPHA))
            continue;
        size_t position = count++;
        while (position > 0 && zph->chisq[failing[position - 1]] < zph->chisq[t]) {
            failing[position] = failing[position - 1];
            position--;
        }
        failing[position] = t;
    }
    return count;
}

/* One plain sentence on what the test says about reading the hazard ratios; NULL when out of
 * memory. */
static json_t *ph_verdict(const tn_cox_zph_result *zph, const size_t *failing, size_t count) {
    tn_strbuf text = TN_STRBUF_INIT;
    if (!(zph->global_p < PH_ALPHA)) {
        tn_strbuf_printf(&text,
                         "No evidence against proportional hazards (global p = %.2g): nothing "
                         "shows the hazard ratios changing over follow-up.",
                         zph->global_p);
    } else {
        tn_strbuf_printf(&text, "Proportional hazards fails (global p = %.2g): the %s ",
                         zph->global_p, count > 1 ? "effects of" : "effect of");
        for (size_t i = 0; i < count; i++)
            tn_strbuf_printf(&text, "%s%s", i == 0 ? "" : (i + 1 == count ? " and " : ", "),
                             cox_term_name(failing[i]));
        tn_strbuf_printf(&text,
                         "%s %s over follow-up time, so each hazard ratio is an average over "
                         "follow-up, not a constant multiplier.",
                         count == 0 ? "the covariates taken together" : "",
                         count > 1 ? "change" : "changes");
    }
    json_t *verdict = text.data != NULL ? json_string(text.data) : NULL;
    tn_strbuf_free(&text);
    return verdict;
}

static json_t *ph_terms_json(const tn_cox_zph_result *zph, const char *const names[]) {
    json_t *rows = json_array();
    for (size_t t = 0; t < zph->terms; t++) {
        json_t *covariates = json_array();
        for (size_t j = 0; j < COX_COVARIATES; j++)
            if (cox_term_of_column[j] == t)
                json_array_append_new(covariates, json_string(names[j]));
        json_array_append_new(rows,
                              json_pack("{s:s, s:o, s:o, s:i, s:o, s:b}", "term", cox_term_name(t),
                                        "covariates", covariates, "chisq",
                                        tn_json_real(zph->chisq[t]), "df", zph->df[t], "p",
                                        tn_json_real(zph->p[t]), "violated", zph->p[t] < PH_ALPHA));
    }
    return rows;
}

/* The "proportional_hazards" object of the Cox section; NULL (with err) when out of memory. */
static json_t *proportional_hazards_json(const double *x, const double *time, const int *event,
                                         size_t m, const tn_cox_result *fit,
                                         const char *const names[], tn_error *err) {
    tn_cox_zph_result zph;
    tn_error reason;
    if (!tn_cox_zph(x, COX_COVARIATES, time, event, m, fit->coef, cox_term_of_column, &zph,
                    &reason)) {
        if (reason.code != TN_ERR_NOMEM)
            return tn_json_not_computable(reason.message);
        *err = reason;
        return NULL;
    }
    size_t failing[COX_TERMS];
    size_t count = failing_terms(&zph, failing);
    json_t *failing_names = json_array();
    for (size_t i = 0; i < count; i++)
        json_array_append_new(failing_names, json_string(cox_term_name(failing[i])));
    json_t *section = json_pack(
        "{s:b, s:s, s:s, s:f, s:o, s:{s:o, s:i, s:o}, s:b, s:o, s:o}", "computable", 1, "method",
        "score test of time-varying coefficients (R survival's cox.zph, >= 3.0)", "transform", "km",
        "alpha", PH_ALPHA, "terms", ph_terms_json(&zph, names), "global", "chisq",
        tn_json_real(zph.global_chisq), "df", zph.global_df, "p", tn_json_real(zph.global_p),
        "violated", zph.global_p < PH_ALPHA, "failing_terms", failing_names, "verdict",
        ph_verdict(&zph, failing, count));
    tn_cox_zph_free(&zph);
    return section;
}

json_t *tn_section_cox(const tn_analysis_data *data, tn_error *err) {
    if (data->n > SIZE_MAX / COX_COVARIATES) { /* the design's rows × columns would overflow */
        tn_error_set(err, TN_ERR_NOMEM, "out of memory: %zu customers overflow the Cox design",
                     data->n);
        return NULL;
    }
    double *x = tn_alloc_array(data->n * COX_COVARIATES, sizeof *x, "Cox design matrix", err);
    double *time = x != NULL ? tn_alloc_array(data->n, sizeof *time, "survival times", err) : NULL;
    int *event = time != NULL ? tn_alloc_array(data->n, sizeof *event, "churn events", err) : NULL;
    if (event == NULL) {
        free(x), free(time);
        return NULL;
    }
    double mean[COX_FEATURES], sd[COX_FEATURES];
    size_t m = cox_design(data, x, time, event, mean, sd);
    const char *const names[COX_COVARIATES] = {
        "plan_tier: growth", "plan_tier: enterprise", cox_features[0], cox_features[1],
        cox_features[2],     cox_features[3],         cox_features[4]};
    tn_cox_result fit;
    tn_error reason;
    json_t *section;
    if (m == 0) {
        section = tn_json_not_computable("no customer has every covariate");
    } else if (!tn_cox_fit(x, COX_COVARIATES, time, event, m, names, &fit, &reason)) {
        section = tn_json_not_computable(reason.message);
    } else {
        section =
            json_pack("{s:b, s:i, s:i, s:o, s:o, s:o, s:{s:o, s:i, s:o}, s:o, s:i, s:b, s:s}",
                      "computable", 1, "customers", fit.n, "events", fit.events, "covariates",
                      cox_covariates_json(&fit, names, mean, sd), "loglik_null",
                      tn_json_real(fit.loglik_null), "loglik", tn_json_real(fit.loglik),
                      "likelihood_ratio_test", "chisq", tn_json_real(fit.lr_chisq), "df", fit.lr_df,
                      "p", tn_json_real(fit.lr_p), "concordance", tn_json_real(fit.concordance),
                      "iterations", fit.iterations, "converged", fit.converged, "ties", "efron");
        json_object_set_new(
            section, "note",
            json_string("Features are measured at the end of each customer's window "
                        "(the churn date for churners): associations, not forecasts"));
        json_t *ph = proportional_hazards_json(x, time, event, m, &fit, names, err);
        tn_cox_free(&fit);
        if (ph == NULL) {
            json_decref(section);
            section = NULL;
        } else {
            json_object_set_new(section, "proportional_hazards", ph);
        }
    }
    free(x), free(time), free(event);
    return section;
}

/* ---- the smoothed hazard ------------------------------------------------------------ */

/*
 * The peak is looked for only where the 15-day window holds at least 3,000
 * customer-days (about 200 customers at risk): in the thin tail of follow-up
 * two or three churns among a few dozen customers make a spike that is noise,
 * not the intervention window.
 */
enum { HAZARD_HALF_WINDOW = 7, HAZARD_MIN_EXPOSURE = 3000 };

json_t *tn_section_hazard(const tn_analysis_data *data, tn_error *err) {
    if (data->n == 0)
        return tn_json_not_computable("no customers");
    int last = 0;
    for (size_t i = 0; i < data->n; i++)
        last = data->duration[i] > last ? (int)data->duration[i] : last;
    double *events = tn_alloc_array((size_t)last + 1, sizeof *events, "daily churn counts", err);
    double *at_risk = events != NULL ? tn_alloc_array((size_t)last + 2, sizeof *at_risk,
                                                      "daily at-risk counts", err)
                                     : NULL;
    if (at_risk == NULL) {
        free(events);
        return NULL;
    }
    for (size_t i = 0; i < data->n; i++) {
        int d = (int)data->duration[i];
        if (data->event[i] > 0.5)
            events[d]++;
        at_risk[d]++; /* counted below as at risk on days 0..d */
    }
    for (int d = last - 1; d >= 0; d--)
        at_risk[d] += at_risk[d + 1];
    json_t *days = json_array(), *raw = json_array(), *smooth = json_array(), *risk = json_array();
    int peak_day = -1;
    double peak = -1;
    for (int d = 0; d <= last; d++) {
        double window_events = 0, window_exposure = 0;
        for (int s = d - HAZARD_HALF_WINDOW; s <= d + HAZARD_HALF_WINDOW; s++)
            if (s >= 0 && s <= last) {
                window_events += events[s];
                window_exposure += at_risk[s];
            }
        double smoothed = window_exposure > 0 ? window_events / window_exposure : NAN;
        json_array_append_new(days, json_integer(d));
        json_array_append_new(risk, json_integer((json_int_t)at_risk[d]));
        json_array_append_new(raw, tn_json_real(at_risk[d] > 0 ? events[d] / at_risk[d] : NAN));
        json_array_append_new(smooth, tn_json_real(smoothed));
        bool reliable = window_exposure >= HAZARD_MIN_EXPOSURE && d >= HAZARD_HALF_WINDOW;
        if (reliable && smoothed > peak) {
            peak = smoothed;
            peak_day = d;
        }
    }
    free(events), free(at_risk);
    json_t *section = json_pack(
        "{s:b, s:s, s:i, s:i, s:o, s:o, s:o, s:o}", "computable", 1, "method",
        "daily churn hazard (churned that day / at risk that day); smoothed as the pooled rate "
        "over "
        "a centred 15-day window",
        "half_window_days", HAZARD_HALF_WINDOW, "min_exposure_for_peak", HAZARD_MIN_EXPOSURE, "day",
        days, "at_risk", risk, "hazard", raw, "smoothed", smooth);
    if (peak_day < 0)
        json_object_set_new(section, "peak",
                            json_pack("{s:n, s:n, s:s}", "day", "hazard", "reason",
                                      "no window has enough exposure for a reliable peak"));
    else
        json_object_set_new(section, "peak",
                            json_pack("{s:i, s:f, s:f}", "day", peak_day, "hazard", peak,
                                      "churn_per_100_customers_per_30_days", 100.0 * 30.0 * peak));
    return section;
}
