/*
 * analytics.c — the portfolio, survival and models views (see analytics.h).
 */
#include "insight/analytics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "insight/actions.h"
#include "insight/documents.h"
#include "ml/forecast.h"

enum { MAX_GROUPS = 64, RISK_TIERS = 4, QUADRANTS = 4 };

static const char *const risk_tiers[RISK_TIERS] = {"low", "medium", "high", "critical"};
static const char *const known_plan_tiers[] = {"starter", "growth", "enterprise", NULL};

/* Decimals the views keep: dollars to the cent; chart values to 4 decimals (plenty for a
 * chart, and a quarter of the bytes); rates to 6. */
#define CENTS 1e2
#define CHART 1e4
#define RATE 1e6

/* `value` rounded to 1/`scale` (NaN: null). */
static json_t *rounded(double value, double scale) {
    return tn_json_real(round(value * scale) / scale);
}

/* A JSON number rounded to 1/`scale`; anything else becomes null. */
static json_t *rounded_json(const json_t *value, double scale) {
    return json_is_number(value) ? rounded(json_number_value(value), scale) : json_null();
}

/* A list of distinct names, in first-seen order. */
typedef struct {
    const char *names[MAX_GROUPS];
    const char *labels[MAX_GROUPS];
    size_t count;
} name_list;

/* The index of `name`, added when new; -1 when the list is full. */
static int index_of(name_list *list, const char *name, const char *label) {
    for (size_t i = 0; i < list->count; i++)
        if (strcmp(list->names[i], name) == 0)
            return (int)i;
    if (list->count == MAX_GROUPS)
        return -1;
    list->names[list->count] = name;
    list->labels[list->count] = label ? label : name;
    return (int)list->count++;
}

/* Industries sorted by display name, plan tiers in their ladder's order. */
static void sort_by_label(name_list *list) {
    for (size_t i = 1; i < list->count; i++)
        for (size_t j = i; j > 0 && strcmp(list->labels[j - 1], list->labels[j]) > 0; j--) {
            const char *name = list->names[j], *label = list->labels[j];
            list->names[j] = list->names[j - 1];
            list->labels[j] = list->labels[j - 1];
            list->names[j - 1] = name;
            list->labels[j - 1] = label;
        }
}

static const char *industry_label(const tn_table *industries, const char *industry) {
    char *const *keys = tn_table_texts(industries, "industry");
    char *const *names = tn_table_texts(industries, "industry_name");
    for (size_t r = 0; keys != NULL && names != NULL && r < industries->rows; r++)
        if (keys[r] != NULL && strcmp(keys[r], industry) == 0 && names[r] != NULL)
            return names[r];
    return industry;
}

static json_t *heatmap_json(const tn_answer_set *answers, const tn_portfolio_extra *extra) {
    name_list tiers = {.count = 0}, industries = {.count = 0};
    for (int t = 0; known_plan_tiers[t] != NULL; t++)
        index_of(&tiers, known_plan_tiers[t], NULL);
    for (size_t i = 0; i < answers->count; i++) {
        index_of(&tiers, answers->answers[i].score->plan_tier, NULL);
        index_of(&industries, answers->answers[i].score->industry, NULL);
    }
    for (size_t i = 0; i < industries.count; i++)
        industries.labels[i] = industry_label(extra->industries, industries.names[i]);
    sort_by_label(&industries);
    double sum[MAX_GROUPS][MAX_GROUPS] = {{0}};
    size_t count[MAX_GROUPS][MAX_GROUPS] = {{0}};
    for (size_t i = 0; i < answers->count; i++) {
        const tn_customer_score *c = answers->answers[i].score;
        int t = index_of(&tiers, c->plan_tier, NULL), k = index_of(&industries, c->industry, NULL);
        if (t >= 0 && k >= 0) {
            sum[t][k] += c->churn_probability;
            count[t][k]++;
        }
    }
    json_t *tier_names = json_array(), *industry_list = json_array(), *means = json_array(),
           *counts = json_array();
    for (size_t k = 0; k < industries.count; k++)
        json_array_append_new(
            industry_list,
            json_pack("{s:s, s:s}", "industry", industries.names[k], "name", industries.labels[k]));
    for (size_t t = 0; t < tiers.count; t++) {
        json_array_append_new(tier_names, json_string(tiers.names[t]));
        json_t *row = json_array(), *row_counts = json_array();
        for (size_t k = 0; k < industries.count; k++) {
            json_array_append_new(row, count[t][k] ? rounded(sum[t][k] / (double)count[t][k], CHART)
                                                   : json_null());
            json_array_append_new(row_counts, json_integer((json_int_t)count[t][k]));
        }
        json_array_append_new(means, row);
        json_array_append_new(counts, row_counts);
    }
    return json_pack("{s:o, s:o, s:o, s:o}", "plan_tiers", tier_names, "industries", industry_list,
                     "mean_churn_probability", means, "customers", counts);
}

static int tier_index(const char *tier) {
    for (int t = 0; t < RISK_TIERS; t++)
        if (strcmp(tier, risk_tiers[t]) == 0)
            return t;
    return 0;
}

/* Per risk tier and per quadrant: customers, ARR, ARR at risk; and the scatter's points. */
typedef struct {
    size_t tier_customers[RISK_TIERS], quadrant_customers[QUADRANTS];
    double tier_arr[RISK_TIERS], tier_at_risk[RISK_TIERS], quadrant_arr[QUADRANTS];
    double mrr, at_risk, pipeline;
    size_t candidates;
} totals;

static json_t *scatter_json(const tn_answer_set *answers, totals *sums) {
    json_t *churn = json_array(), *propensity = json_array(), *quadrant = json_array();
    for (size_t i = 0; i < answers->count; i++) {
        const tn_answer *a = &answers->answers[i];
        const tn_customer_score *c = a->score;
        double arr = a->arr;
        int t = tier_index(a->churn_tier), q = (int)a->quadrant;
        sums->mrr += c->mrr;
        sums->at_risk += a->arr_at_risk;
        sums->tier_customers[t]++;
        sums->tier_arr[t] += arr;
        sums->tier_at_risk[t] += a->arr_at_risk;
        sums->quadrant_customers[q]++;
        sums->quadrant_arr[q] += arr;
        if (!c->expansion_candidate)
            continue;
        sums->candidates++;
        sums->pipeline += isfinite(a->expected_arr_uplift) ? a->expected_arr_uplift : 0;
        json_array_append_new(churn, rounded(c->churn_probability, CHART));
        json_array_append_new(propensity, rounded(c->upgrade_propensity, CHART));
        json_array_append_new(quadrant, json_integer(q));
    }
    return json_pack("{s:o, s:o, s:o}", "churn_probability", churn, "upgrade_propensity",
                     propensity, "quadrant", quadrant);
}

/* The customers who churned before the as-of date (the other inactive ones signed up later). */
static size_t churned_count(const tn_table *inactive) {
    char *const *churned = tn_table_texts(inactive, "churned");
    size_t count = 0;
    for (size_t r = 0; churned != NULL && r < inactive->rows; r++)
        count += churned[r] != NULL && churned[r][0] != '\0';
    return count;
}

/* How often the forecast's intervals held on the backtest's dates; null without a backtest. */
static json_t *coverage_json(const json_t *backtest) {
    const json_t *coverage = json_object_get(backtest, "forecast_coverage");
    if (coverage == NULL)
        return json_null();
    json_t *out = json_deep_copy(coverage);
    json_object_set(out, "from", json_object_get(backtest, "from"));
    json_object_set(out, "to", json_object_get(backtest, "to"));
    return out;
}

/* The next 90 days (ml/forecast.h) of the answers' customers; null when it cannot be computed. */
static json_t *forecast_json(const tn_answer_set *answers, const json_t *backtest) {
    size_t n = answers->count;
    double *columns = malloc((3 * n + 1) * sizeof *columns);
    if (columns == NULL)
        return json_null();
    double *churn = columns, *arr = columns + n, *uplift = columns + 2 * n;
    for (size_t i = 0; i < n; i++) {
        churn[i] = answers->answers[i].score->churn_probability;
        arr[i] = answers->answers[i].arr;
        uplift[i] = answers->answers[i].expected_arr_uplift;
    }
    tn_forecast forecast;
    tn_error err;
    json_t *out = tn_forecast_compute(churn, arr, uplift, n, &forecast, &err)
                      ? tn_forecast_json(&forecast)
                      : json_null();
    free(columns);
    if (json_is_object(out))
        json_object_set_new(out, "backtest", coverage_json(backtest));
    return out;
}

json_t *tn_analytics_portfolio(const tn_answer_set *answers, const tn_portfolio_extra *extra) {
    totals sums;
    memset(&sums, 0, sizeof sums);
    json_t *scatter = scatter_json(answers, &sums);
    json_t *tiers = json_array(), *quadrants = json_array();
    for (int t = 0; t < RISK_TIERS; t++)
        json_array_append_new(tiers,
                              json_pack("{s:s, s:I, s:o, s:o}", "tier", risk_tiers[t], "customers",
                                        (json_int_t)sums.tier_customers[t], "arr",
                                        rounded(sums.tier_arr[t], CENTS), "arr_at_risk",
                                        rounded(sums.tier_at_risk[t], CENTS)));
    for (int q = 0; q < QUADRANTS; q++)
        json_array_append_new(quadrants, json_pack("{s:s, s:I, s:o}", "quadrant",
                                                   tn_quadrant_name((tn_quadrant)q), "customers",
                                                   (json_int_t)sums.quadrant_customers[q], "arr",
                                                   rounded(sums.quadrant_arr[q], CENTS)));
    size_t active = answers->count, churned = churned_count(extra->inactive);
    size_t ever = active + churned;
    json_t *portfolio = json_pack(
        "{s:s, s:I, s:I, s:I, s:o, s:o, s:o, s:o, s:o, s:I, s:o, s:o, s:o, s:o}", "as_of",
        answers->context.as_of, "customers", (json_int_t)ever, "active", (json_int_t)active,
        "churned", (json_int_t)churned, "churn_rate",
        ever ? rounded((double)churned / (double)ever, RATE) : json_null(), "mrr",
        rounded(sums.mrr, CENTS), "arr", rounded(sums.mrr * 12.0, CENTS), "arr_at_risk",
        rounded(sums.at_risk, CENTS), "expansion_pipeline", rounded(sums.pipeline, CENTS),
        "expansion_candidates", (json_int_t)sums.candidates, "risk_tiers", tiers, "heatmap",
        heatmap_json(answers, extra), "quadrants", quadrants, "scatter", scatter);
    json_object_set_new(portfolio, "tiers", tn_document_tiers(&answers->context));
    json_object_set_new(portfolio, "forecast", forecast_json(answers, extra->backtest));
    return portfolio;
}

/* ---- survival -------------------------------------------------------------------- */

/* The curve's columns with at most TN_CURVE_POINTS points: evenly spaced steps and the last. */
static json_t *thin_curve(const json_t *curve) {
    static const char *const columns[] = {"day", "survival", "lower", "upper"};
    size_t n = json_array_size(json_object_get(curve, "day"));
    double stride = n > TN_CURVE_POINTS ? (double)(n - 1) / (TN_CURVE_POINTS - 1) : 1.0;
    json_t *out = json_object();
    for (int c = 0; c < 4; c++) {
        const json_t *values = json_object_get(curve, columns[c]);
        json_t *kept = json_array();
        size_t previous = (size_t)-1;
        for (size_t k = 0; n > 0 && k < TN_CURVE_POINTS && k < n; k++) {
            size_t i = k + 1 == TN_CURVE_POINTS || k + 1 == n ? n - 1
                                                              : (size_t)llround((double)k * stride);
            if (i == previous)
                continue;
            previous = i;
            json_array_append_new(kept, rounded_json(json_array_get(values, i), CHART));
        }
        json_object_set_new(out, columns[c], kept);
    }
    return out;
}

static json_t *km_groups(const json_t *family) {
    json_t *groups = json_array();
    size_t index;
    const json_t *group;
    json_array_foreach(json_object_get(family, "groups"), index, group) {
        json_array_append_new(groups, json_pack("{s:O?, s:O?, s:O?, s:O?, s:O?, s:o}", "group",
                                                json_object_get(group, "group"), "customers",
                                                json_object_get(group, "customers"), "events",
                                                json_object_get(group, "events"), "median",
                                                json_object_get(group, "median"), "survival_at",
                                                json_object_get(group, "survival_at"), "curve",
                                                thin_curve(json_object_get(group, "curve"))));
    }
    json_t *out = json_pack("{s:o}", "groups", groups);
    static const char *const tests[] = {"logrank", "logrank_starter_vs_enterprise"};
    for (int t = 0; out != NULL && t < 2; t++) {
        json_t *test = json_object_get(family, tests[t]);
        if (test != NULL)
            json_object_set(out, tests[t], test);
    }
    return out;
}

static json_t *hazard_json(const json_t *hazard) {
    json_t *smoothed = json_array();
    size_t index;
    const json_t *value;
    json_array_foreach(json_object_get(hazard, "smoothed"), index, value) {
        json_array_append_new(smoothed, rounded_json(value, RATE));
    }
    return json_pack("{s:O?, s:o, s:O?, s:O?, s:O?, s:O?, s:O?}", "day",
                     json_object_get(hazard, "day"), "smoothed", smoothed, "at_risk",
                     json_object_get(hazard, "at_risk"), "peak", json_object_get(hazard, "peak"),
                     "half_window_days", json_object_get(hazard, "half_window_days"),
                     "min_exposure_for_peak", json_object_get(hazard, "min_exposure_for_peak"),
                     "method", json_object_get(hazard, "method"));
}

json_t *tn_analytics_survival(const json_t *analysis) {
    const json_t *km = json_object_get(analysis, "kaplan_meier");
    return json_pack("{s:O?, s:O?, s:{s:O?, s:o, s:o}, s:o, s:O?, s:O?, s:O?}", "as_of",
                     json_object_get(analysis, "as_of"), "population",
                     json_object_get(analysis, "population"), "kaplan_meier", "report_days",
                     json_object_get(km, "report_days"), "by_plan_tier",
                     km_groups(json_object_get(km, "by_plan_tier")), "by_integration_bucket",
                     km_groups(json_object_get(km, "by_integration_bucket")), "hazard",
                     hazard_json(json_object_get(analysis, "hazard")), "correlations",
                     json_object_get(json_object_get(analysis, "correlations"), "features"),
                     "integration_gate", json_object_get(analysis, "integration_gate"),
                     "early_dropout", json_object_get(analysis, "early_dropout"));
}

/* ---- models ---------------------------------------------------------------------- */

static json_t *model_json(const tn_ml_model *model) {
    const json_t *test = json_object_get(json_object_get(model->meta, "metrics"), "test");
    return json_pack("{s:s, s:s, s:s, s:O?, s:O?, s:O?}", "name", model->name, "version",
                     model->version, "as_of", model->as_of, "label",
                     json_object_get(model->meta, "label"), "test", test, "mean_abs_shap",
                     json_object_get(json_object_get(model->meta, "shap"), "mean_abs"));
}

/* One model's figures at one backtest date: what the charts over time draw. */
static json_t *backtest_point(const json_t *model) {
    const json_t *bins = json_object_get(model, "calibration");
    const json_t *top = json_array_get(bins, json_array_size(bins) - 1);
    return json_pack("{s:O?, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?}", "customers",
                     json_object_get(model, "customers"), "outcomes",
                     json_object_get(model, "outcomes"), "auc", json_object_get(model, "auc"),
                     "brier", json_object_get(model, "brier"), "observed_rate",
                     json_object_get(model, "observed_rate"), "mean_predicted",
                     json_object_get(model, "mean_predicted"), "max_calibration_error",
                     json_object_get(model, "max_calibration_error"), "top_decile_lift",
                     json_object_get(json_object_get(model, "top_decile"), "lift"),
                     "top_decile_predicted", json_object_get(top, "mean_predicted"),
                     "top_decile_observed", json_object_get(top, "observed_rate"));
}

static json_t *backtest_json(const json_t *backtest) {
    json_t *dates = json_array();
    size_t i;
    const json_t *date;
    json_array_foreach(json_object_get(backtest, "dates"), i, date) {
        json_array_append_new(
            dates,
            json_pack("{s:O?, s:o, s:o, s:O?}", "as_of", json_object_get(date, "as_of"), "churn",
                      backtest_point(json_object_get(date, "churn")), "expansion",
                      backtest_point(json_object_get(date, "expansion")), "churned_arr_share",
                      json_object_get(json_object_get(json_object_get(date, "churn"), "arr"),
                                      "top_decile_share")));
    }
    return json_pack("{s:O?, s:O?, s:O?, s:O?, s:o}", "warehouse_as_of",
                     json_object_get(backtest, "as_of"), "from", json_object_get(backtest, "from"),
                     "to", json_object_get(backtest, "to"), "horizon_days",
                     json_object_get(backtest, "horizon_days"), "dates", dates);
}

json_t *tn_analytics_models(const tn_ml_model *churn, const tn_ml_model *expansion,
                            const json_t *backtest) {
    return json_pack("{s:[o, o], s:o}", "models", model_json(churn), model_json(expansion),
                     "backtest", backtest != NULL ? backtest_json(backtest) : json_null());
}
