/*
 * survival_model.c — loading the survival model and reading each account's
 * curve off it (see survival_model.h).
 */
#include "ml/survival_model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/json.h"

const int tn_survival_points[TN_SURVIVAL_POINTS] = {30, 90, 180, 365};

static bool bad(tn_error *err, const char *path, const char *what) {
    return tn_error_set(err, TN_ERR_MODEL, "%s: %s (train again with 'tenure train')", path, what);
}

/* The baseline on the score: coef 1, the stored centre, times and cumulative hazards. */
static bool read_baseline(const json_t *json, const char *path, tn_cox_baseline *out,
                          tn_error *err) {
    memset(out, 0, sizeof *out);
    size_t times = 0, hazards = 0;
    out->p = 1;
    out->coef = malloc(sizeof *out->coef);
    out->center = malloc(sizeof *out->center);
    bool ok = out->coef != NULL && out->center != NULL &&
              json_is_number(json_object_get(json, "centre")) &&
              tn_json_numbers(json_object_get(json, "time"), &out->time, &times) &&
              tn_json_numbers(json_object_get(json, "cumulative_hazard"), &out->cumhaz, &hazards) &&
              times == hazards && times > 0;
    for (size_t k = 1; ok && k < times; k++)
        ok = out->time[k] > out->time[k - 1] && out->cumhaz[k] >= out->cumhaz[k - 1];
    if (!ok)
        return bad(err, path, "\"baseline\" is not a centre with ascending times and hazards");
    out->coef[0] = 1;
    out->center[0] = out->center_lp = json_number_value(json_object_get(json, "centre"));
    out->count = times;
    return true;
}

/* Kind cox: the columns, their stand-ins and coefficients. */
static bool read_cox(const json_t *columns, const char *path, tn_survival_model *out,
                     tn_error *err) {
    size_t n = json_array_size(columns);
    out->cox_count = n;
    out->cox_column = calloc(n + 1, sizeof *out->cox_column);
    out->fill = calloc(n + 1, sizeof *out->fill);
    out->coef = calloc(n + 1, sizeof *out->coef);
    if (out->cox_column == NULL || out->fill == NULL || out->coef == NULL)
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    for (size_t j = 0; j < n; j++) {
        const json_t *column = json_array_get(columns, j);
        const json_t *index = json_object_get(column, "index");
        if (!json_is_integer(index) || json_integer_value(index) < 0 ||
            (size_t)json_integer_value(index) >= out->encoder.column_count ||
            !json_is_number(json_object_get(column, "fill")) ||
            !json_is_number(json_object_get(column, "coef")))
            return bad(err, path, "a column of \"cox\" lacks its index, fill or coef");
        out->cox_column[j] = (size_t)json_integer_value(index);
        out->fill[j] = json_number_value(json_object_get(column, "fill"));
        out->coef[j] = json_number_value(json_object_get(column, "coef"));
    }
    return true;
}

static bool read_document(const char *path, tn_survival_model *out, tn_error *err) {
    json_error_t problem;
    out->meta = json_load_file(path, 0, &problem);
    if (out->meta == NULL)
        return tn_error_set(err, TN_ERR_MODEL, "%s: %s (line %d)", path, problem.text,
                            problem.line);
    const char *version = json_string_value(json_object_get(out->meta, "version"));
    const char *as_of = json_string_value(json_object_get(out->meta, "as_of"));
    const char *kind = json_string_value(json_object_get(out->meta, "kind"));
    const char *set = json_string_value(json_object_get(out->meta, "model_set"));
    if (version == NULL || as_of == NULL || kind == NULL)
        return bad(err, path, "lacks \"version\", \"as_of\" or \"kind\"");
    if (strcmp(kind, "cox") != 0 && strcmp(kind, "xgboost") != 0)
        return bad(err, path, "\"kind\" is neither \"cox\" nor \"xgboost\"");
    out->kind = strcmp(kind, "cox") == 0 ? TN_SURVIVAL_COX : TN_SURVIVAL_XGBOOST;
    snprintf(out->version, sizeof out->version, "%s", version);
    snprintf(out->as_of, sizeof out->as_of, "%s", as_of);
    snprintf(out->set, sizeof out->set, "%s", set != NULL ? set : "");
    if (!tn_encoder_from_json(json_object_get(out->meta, "encoding"), &out->encoder, err)) {
        tn_error_prefix(err, "%s", path);
        return false;
    }
    return read_baseline(json_object_get(out->meta, "baseline"), path, &out->baseline, err) &&
           (out->kind != TN_SURVIVAL_COX ||
            read_cox(json_object_get(json_object_get(out->meta, "cox"), "columns"), path, out,
                     err));
}

bool tn_survival_model_load(const char *dir, tn_survival_model *out, tn_error *err) {
    memset(out, 0, sizeof *out);
    char path[4200];
    snprintf(path, sizeof path, "%s/survival.json", dir);
    bool ok = read_document(path, out, err);
    if (ok && out->kind == TN_SURVIVAL_XGBOOST) {
        snprintf(path, sizeof path, "%s/survival.trees.json", dir);
        ok = tn_xgb_load(path, &out->trees, err);
        if (ok && out->trees.columns != out->encoder.column_count)
            ok = tn_error_set(err, TN_ERR_MODEL,
                              "%s has %zu columns but survival.json describes %zu", path,
                              out->trees.columns, out->encoder.column_count);
    }
    if (!ok)
        tn_survival_model_free(out);
    return ok;
}

void tn_survival_model_free(tn_survival_model *model) {
    tn_encoder_free(&model->encoder);
    free(model->cox_column), free(model->fill), free(model->coef);
    tn_xgb_free(&model->trees);
    tn_cox_baseline_free(&model->baseline);
    json_decref(model->meta);
    memset(model, 0, sizeof *model);
}

bool tn_survival_model_score_encoded(const tn_survival_model *model, const float *x, size_t rows,
                                     double *score, tn_error *err) {
    if (model->kind == TN_SURVIVAL_XGBOOST)
        return tn_xgb_margin(&model->trees, x, rows, score, err);
    size_t columns = model->encoder.column_count;
    for (size_t r = 0; r < rows; r++) {
        double sum = 0;
        for (size_t j = 0; j < model->cox_count; j++) {
            double value = x[r * columns + model->cox_column[j]];
            sum += model->coef[j] * (isnan(value) ? model->fill[j] : value);
        }
        score[r] = sum;
    }
    return true;
}

bool tn_survival_model_score(const tn_survival_model *model, const tn_table *rows, double *score,
                             tn_error *err) {
    size_t n = rows->rows, columns = model->encoder.column_count;
    float *x = tn_alloc_array(n * columns + 1, sizeof *x, "the survival model's inputs", err);
    bool ok = x != NULL && tn_encoder_encode(&model->encoder, rows, x, err) &&
              tn_survival_model_score_encoded(model, x, n, score, err);
    free(x);
    return ok;
}

/* r = exp(score − centre): how many times the baseline's hazard the account's is. */
static double relative_risk(const tn_survival_model *model, double score) {
    return exp(score - model->baseline.center_lp);
}

void tn_survival_summarize(const tn_survival_model *model, double score, double days_to_renewal,
                           tn_survival_summary *out) {
    double r = relative_risk(model, score);
    for (int k = 0; k < TN_SURVIVAL_POINTS; k++)
        out->survival[k] = tn_cox_survival(&model->baseline, r, tn_survival_points[k]);
    if (!tn_cox_median(&model->baseline, r, TN_SURVIVAL_HORIZON, &out->median_days))
        out->median_days = INFINITY;
    bool renews =
        isfinite(days_to_renewal) && days_to_renewal > 0 && days_to_renewal <= TN_SURVIVAL_HORIZON;
    out->renewal_days = renews ? days_to_renewal : NAN;
    /* churning before the renewal day: on days 1 .. renewal − 1 of what follows */
    out->churn_before_renewal =
        renews ? 1 - tn_cox_survival(&model->baseline, r, days_to_renewal - 1) : NAN;
}

json_t *tn_survival_curve_json(const tn_survival_model *model, double score) {
    double r = relative_risk(model, score);
    json_t *points = json_array();
    for (int day = 0; points != NULL; day += TN_SURVIVAL_CURVE_STEP) {
        if (day > TN_SURVIVAL_HORIZON)
            day = TN_SURVIVAL_HORIZON;
        double s = tn_cox_survival(&model->baseline, r, day);
        if (json_array_append_new(points, json_pack("[i, o]", day, tn_json_real(s))) != 0) {
            json_decref(points);
            return NULL;
        }
        if (day == TN_SURVIVAL_HORIZON)
            break;
    }
    return points;
}

json_t *tn_survival_summary_json(const tn_survival_model *model,
                                 const tn_survival_summary *summary) {
    const double *s = summary->survival;
    bool reached = isfinite(summary->median_days);
    bool renews = isfinite(summary->renewal_days);
    return json_pack(
        "{s:s, s:{s:o, s:o, s:o, s:o}, s:o, s:s, s:o, s:o, s:o}", "model", model->version,
        "survival", "30d", tn_json_real(s[0]), "90d", tn_json_real(s[1]), "180d",
        tn_json_real(s[2]), "365d", tn_json_real(s[3]), "median_days_to_churn",
        reached ? tn_json_real(summary->median_days) : json_null(), "median",
        reached ? "within 365 days" : "beyond 365 days", "churn_within_90d", tn_json_real(1 - s[1]),
        "churn_before_renewal", renews ? tn_json_real(summary->churn_before_renewal) : json_null(),
        "renewal_in_days", renews ? json_integer((json_int_t)summary->renewal_days) : json_null());
}
