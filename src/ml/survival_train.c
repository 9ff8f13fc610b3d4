/*
 * survival_train.c — the survival model's data, candidates, out-of-time
 * evaluation and refit (see survival_train.h; the card is in
 * survival_card.c).
 */
#include "ml/survival_train.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/fnv.h"
#include "common/alloc.h"
#include "common/json.h"
#include "ml/survival_model.h"
#include "stats/cox.h"
#include "stats/km.h"
#include "stats/survival_metrics.h"

/* Rows of the churn snapshots with their time to churn under one cut-off. */
typedef struct {
    size_t n, events;
    size_t *row; /* into snapshots->churn */
    double *time;
    int *event;
} survival_rows;

static void rows_free(survival_rows *rows) {
    free(rows->row), free(rows->time), free(rows->event);
    memset(rows, 0, sizeof *rows);
}

/* What every step shares: the inputs, each row's churn day and the encoded matrix. */
typedef struct {
    const tn_survival_inputs *in;
    double *churn_day; /* [churn rows] NAN: not churned */
    tn_encoder encoder;
    float *x; /* [churn rows × encoder columns] */
    size_t columns;
} survival_context;

typedef struct {
    const char *id;
    double day;
} churn_entry;

static int by_id(const void *a, const void *b) {
    return strcmp(((const churn_entry *)a)->id, ((const churn_entry *)b)->id);
}

/* Each churn row's churn day, looked up by customer id in snapshots->churn_dates. */
static bool churn_days(survival_context *c, tn_error *err) {
    const tn_snapshots *s = c->in->snapshots;
    size_t n = s->churn.rows, known = s->churn_dates.rows;
    char *const *ids = tn_table_texts(&s->churn_dates, "customer_id");
    const double *days = tn_table_numbers(&s->churn_dates, "churn_day");
    char *const *customer = tn_table_texts(&s->churn, "customer_id");
    if (ids == NULL || days == NULL || customer == NULL)
        return tn_error_set(err, TN_ERR_INTERNAL, "the snapshots lack the customers' churn dates");
    churn_entry *sorted = tn_alloc_array(known + 1, sizeof *sorted, "the churn dates", err);
    c->churn_day =
        sorted ? tn_alloc_array(n + 1, sizeof *c->churn_day, "the churn days", err) : NULL;
    if (c->churn_day == NULL) {
        free(sorted);
        return false;
    }
    size_t m = 0;
    for (size_t i = 0; i < known; i++)
        if (ids[i] != NULL)
            sorted[m++] = (churn_entry){ids[i], days[i]};
    qsort(sorted, m, sizeof *sorted, by_id);
    for (size_t r = 0; r < n; r++) {
        churn_entry key = {customer[r] != NULL ? customer[r] : "", NAN};
        const churn_entry *hit = m ? bsearch(&key, sorted, m, sizeof *sorted, by_id) : NULL;
        c->churn_day[r] = hit != NULL ? hit->day : NAN;
    }
    free(sorted);
    return true;
}

/*
 * The rows whose snapshot day passes `keep` (from ≤ day < to), each with
 * T = churn − t + 1, censored at `cutoff`.
 */
static bool make_rows(const survival_context *c, double from, double to, double cutoff,
                      survival_rows *out, tn_error *err) {
    memset(out, 0, sizeof *out);
    const tn_table *churn = &c->in->snapshots->churn;
    const double *day = tn_table_numbers(churn, "snapshot_day");
    size_t n = churn->rows;
    out->row = tn_alloc_array(n + 1, sizeof *out->row, "the survival rows", err);
    out->time = out->row ? tn_alloc_array(n + 1, sizeof *out->time, "survival times", err) : NULL;
    out->event =
        out->time ? tn_alloc_array(n + 1, sizeof *out->event, "survival events", err) : NULL;
    if (out->event == NULL) {
        rows_free(out);
        return false;
    }
    for (size_t r = 0; r < n; r++) {
        if (day[r] < from || day[r] >= to || day[r] >= cutoff)
            continue;
        double churned = c->churn_day[r];
        bool event = !isnan(churned) && churned < cutoff && churned >= day[r];
        if (!isnan(churned) && churned < day[r])
            continue; /* not active at t: never in a churn snapshot, but be safe */
        out->row[out->n] = r;
        out->time[out->n] = event ? churned - day[r] + 1 : cutoff - day[r];
        out->event[out->n] = event;
        out->events += event;
        out->n++;
    }
    return true;
}

/* A trained candidate: the model (scores and baseline) and what it took. */
typedef struct {
    tn_survival_model model;
    int rounds;  /* xgboost: the rounds kept */
    json_t *fit; /* what the fit reports (cox: the coefficients; xgboost: the rounds) */
} candidate;

static void candidate_free(candidate *c) {
    tn_survival_model_free(&c->model);
    json_decref(c->fit);
    memset(c, 0, sizeof *c);
}

/* The scores of `rows` (a new array) under a model whose scoring part is ready. */
static double *score_rows(const survival_context *c, const tn_survival_model *model,
                          const size_t *rows, size_t n, tn_error *err) {
    float *x = tn_alloc_array(n * c->columns + 1, sizeof *x, "the survival inputs", err);
    double *score = x ? tn_alloc_array(n + 1, sizeof *score, "the survival scores", err) : NULL;
    for (size_t i = 0; score != NULL && i < n; i++)
        memcpy(x + i * c->columns, c->x + rows[i] * c->columns, c->columns * sizeof *x);
    if (score != NULL && !tn_survival_model_score_encoded(model, x, n, score, err)) {
        free(score);
        score = NULL;
    }
    free(x);
    return score;
}

/* The Breslow baseline on the training rows' scores, centred at their mean. */
static bool fit_baseline(const survival_context *c, const survival_rows *fit, candidate *out,
                         tn_error *err) {
    double *score = score_rows(c, &out->model, fit->row, fit->n, err);
    if (score == NULL)
        return false;
    double mean = 0, one = 1;
    for (size_t i = 0; i < fit->n; i++)
        mean += score[i] / (double)fit->n;
    bool ok = tn_cox_baseline_fit(score, 1, fit->time, fit->event, fit->n, &one, &mean,
                                  &out->model.baseline, err);
    free(score);
    return ok;
}

/* An owned copy of the training encoder, for a candidate's model. */
static bool copy_encoder(const tn_encoder *from, tn_encoder *to, tn_error *err) {
    json_t *json = tn_encoder_to_json(from);
    bool ok = json != NULL && tn_encoder_from_json(json, to, err);
    json_decref(json);
    return ok || tn_error_set(err, TN_ERR_NOMEM, "out of memory");
}

/* ---- the Cox candidate --------------------------------------------------------------- */

/*
 * The columns a Cox fit can take on `fit`: every encoded column but each
 * category's first level and the columns that never vary (or are never
 * known); their means stand in for missing values. Fills model->cox_*.
 */
static bool cox_columns(const survival_context *c, const survival_rows *fit,
                        tn_survival_model *model, tn_error *err) {
    model->cox_column = tn_alloc_array(c->columns + 1, sizeof *model->cox_column, "columns", err);
    model->fill = tn_alloc_array(c->columns + 1, sizeof *model->fill, "columns", err);
    model->coef = tn_alloc_array(c->columns + 1, sizeof *model->coef, "columns", err);
    if (model->cox_column == NULL || model->fill == NULL || model->coef == NULL)
        return false;
    model->cox_count = 0;
    for (size_t f = 0; f < c->encoder.feature_count; f++) {
        const tn_encoded_feature *feature = &c->encoder.features[f];
        size_t width = feature->kind == TN_FEATURE_CATEGORY ? feature->category_count : 1;
        for (size_t k = feature->kind == TN_FEATURE_CATEGORY ? 1 : 0; k < width; k++) {
            size_t column = feature->first_column + k;
            double sum = 0, lowest = INFINITY, highest = -INFINITY;
            size_t known = 0;
            for (size_t i = 0; i < fit->n; i++) {
                float value = c->x[fit->row[i] * c->columns + column];
                if (isnan(value))
                    continue;
                sum += value, known++;
                lowest = fmin(lowest, value), highest = fmax(highest, value);
            }
            if (known == 0 || lowest == highest)
                continue;
            model->cox_column[model->cox_count] = column;
            model->fill[model->cox_count++] = sum / (double)known;
        }
    }
    return true;
}

static bool fit_cox(const survival_context *c, const survival_rows *fit, candidate *out,
                    tn_error *err) {
    tn_survival_model *model = &out->model;
    model->kind = TN_SURVIVAL_COX;
    if (!copy_encoder(&c->encoder, &model->encoder, err) || !cox_columns(c, fit, model, err))
        return false;
    size_t p = model->cox_count, n = fit->n;
    double *x = tn_alloc_array(n * p + 1, sizeof *x, "the Cox design", err);
    const char **names = x ? tn_alloc_array(p + 1, sizeof *names, "the Cox design", err) : NULL;
    if (names == NULL) {
        free(x);
        return false;
    }
    for (size_t j = 0; j < p; j++)
        names[j] = c->encoder.column_names[model->cox_column[j]];
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < p; j++) {
            float value = c->x[fit->row[i] * c->columns + model->cox_column[j]];
            x[i * p + j] = isnan(value) ? model->fill[j] : value;
        }
    tn_cox_result result = {0};
    bool ok = tn_cox_fit(x, p, fit->time, fit->event, n, names, &result, err);
    json_t *columns = json_array();
    for (size_t j = 0; ok && j < p; j++) {
        model->coef[j] = result.coef[j];
        json_array_append_new(columns, json_pack("{s:s, s:i, s:o, s:o, s:o, s:o}", "column",
                                                 names[j], "index", (int)model->cox_column[j],
                                                 "fill", tn_json_real(model->fill[j]), "coef",
                                                 tn_json_real(result.coef[j]), "hazard_ratio",
                                                 tn_json_real(result.hazard_ratio[j]), "p_value",
                                                 tn_json_real(result.p_value[j])));
    }
    if (ok)
        out->fit = json_pack("{s:o, s:b, s:i, s:o}", "columns", columns, "converged",
                             result.converged, "iterations", result.iterations, "concordance",
                             tn_json_real(result.concordance));
    else
        json_decref(columns);
    tn_cox_free(&result);
    free(x), free(names);
    return ok && fit_baseline(c, fit, out, err);
}

/* ---- the XGBoost candidate ----------------------------------------------------------- */

/* One customer in five, by a hash of the id: the early-stopping rows. */
static bool held_out(const char *customer) {
    return tn_fnv1a_text(TN_FNV1A_SEED, customer) % 5 == 0;
}

enum { ALL_ROWS = -1, FITTING_ROWS = 0, HELD_OUT_ROWS = 1 };

/* The rows of `fit` that `which` selects as an XGBoost matrix, labels T (event) or −T. */
static bool xgb_slice(const survival_context *c, const survival_rows *fit, int which, float **x,
                      float **label, size_t *count, tn_error *err) {
    char *const *customer = tn_table_texts(&c->in->snapshots->churn, "customer_id");
    *x = tn_alloc_array(fit->n * c->columns + 1, sizeof **x, "the survival trees' data", err);
    *label = *x ? tn_alloc_array(fit->n + 1, sizeof **label, "survival labels", err) : NULL;
    if (*label == NULL)
        return false;
    *count = 0;
    for (size_t i = 0; i < fit->n; i++) {
        if (which != ALL_ROWS && (int)held_out(customer[fit->row[i]]) != which)
            continue;
        memcpy(*x + *count * c->columns, c->x + fit->row[i] * c->columns, c->columns * sizeof **x);
        (*label)[(*count)++] = (float)(fit->event[i] ? fit->time[i] : -fit->time[i]);
    }
    return true;
}

/*
 * XGBoost's survival:cox trees on `fit`: early stopping on the held-out
 * customers when `rounds` < 0, else exactly `rounds` rounds on every row.
 */
static bool fit_xgboost(const survival_context *c, const survival_rows *fit, int rounds,
                        candidate *out, tn_error *err) {
    tn_survival_model *model = &out->model;
    model->kind = TN_SURVIVAL_XGBOOST;
    float *train_x = NULL, *train_label = NULL, *valid_x = NULL, *valid_label = NULL;
    size_t train_rows = 0, valid_rows = 0;
    bool early = rounds < 0;
    bool ok =
        copy_encoder(&c->encoder, &model->encoder, err) &&
        xgb_slice(c, fit, early ? FITTING_ROWS : ALL_ROWS, &train_x, &train_label, &train_rows,
                  err) &&
        (!early || xgb_slice(c, fit, HELD_OUT_ROWS, &valid_x, &valid_label, &valid_rows, err));
    tn_xgb_params params = tn_xgb_default_params();
    params.objective = "survival:cox";
    params.eval_metric = "cox-nloglik";
    params.maximize = false;
    params.exact_rounds = early ? 0 : rounds;
    int best = 0;
    double best_value = NAN;
    tn_xgb_data train = {train_x, train_label, train_rows};
    tn_xgb_data valid = early ? (tn_xgb_data){valid_x, valid_label, valid_rows} : train;
    ok = ok &&
         tn_xgb_train(&train, &valid, c->columns, &params, &model->trees, &best, &best_value, err);
    free(train_x), free(train_label), free(valid_x), free(valid_label);
    if (!ok)
        return false;
    out->rounds = best + 1;
    out->fit = json_pack(
        "{s:s, s:s, s:i, s:f, s:f, s:i, s:i, s:o}", "objective", "survival:cox", "tree_method",
        "hist", "max_depth", params.max_depth, "eta", params.eta, "subsample", params.subsample,
        "rounds_kept", out->rounds, "seed", params.seed, "early_stopping_metric",
        early ? json_pack("{s:s, s:o}", "metric", "cox-nloglik of the held-out customers", "best",
                          tn_json_real(best_value))
              : json_string("none: the rounds the evaluation kept"));
    return fit_baseline(c, fit, out, err);
}

/* ---- the out-of-time evaluation ------------------------------------------------------ */

typedef struct {
    double ibs, concordance, concordance_90;
} test_metrics;

/* The integrated Brier score up to `horizon` of a predictor on the daily grid 0 .. horizon − 1. */
static bool integrated_brier(const survival_rows *test, double horizon,
                             tn_survival_predictor predict, const void *context, double *ibs,
                             tn_error *err) {
    size_t m = (size_t)horizon;
    double *grid = tn_alloc_array(m + 1, sizeof *grid, "the Brier grid", err);
    tn_brier_result result = {0};
    for (size_t k = 0; grid != NULL && k < m; k++)
        grid[k] = (double)k;
    bool ok = grid != NULL && tn_integrated_brier_score(test->time, test->event, test->n, grid, m,
                                                        horizon, predict, context, &result, err);
    *ibs = result.integrated;
    tn_brier_free(&result);
    free(grid);
    return ok;
}

static bool evaluate(const survival_context *c, const candidate *model, const survival_rows *test,
                     double horizon, test_metrics *out, tn_error *err) {
    double *score = score_rows(c, &model->model, test->row, test->n, err);
    tn_cox_rows rows = {&model->model.baseline, score};
    bool ok = score != NULL &&
              integrated_brier(test, horizon, tn_predict_cox, &rows, &out->ibs, err) &&
              tn_concordance_truncated(score, test->time, test->event, test->n, horizon,
                                       &out->concordance, err) &&
              tn_concordance_truncated(score, test->time, test->event, test->n, 90,
                                       &out->concordance_90, err);
    free(score);
    return ok;
}

static json_t *metrics_json(const test_metrics *m) {
    return json_pack("{s:o, s:o, s:o}", "integrated_brier", tn_json_real(m->ibs), "concordance",
                     tn_json_real(m->concordance), "concordance_90d",
                     tn_json_real(m->concordance_90));
}

/* The landmark L's index in the snapshot dates and the horizon it allows. */
static bool landmark(const tn_snapshots *s, tn_day as_of, size_t *index, double *horizon,
                     tn_error *err) {
    if (s->count < 5)
        return tn_error_set(err, TN_ERR_INPUT,
                            "too little history for the survival model: %zu monthly snapshots "
                            "(it needs at least 5)",
                            s->count);
    size_t chosen = 3;
    for (size_t i = 3; i < s->count; i++)
        if (s->dates[i] + TN_SURVIVAL_HORIZON <= as_of)
            chosen = i;
    *index = chosen;
    *horizon = fmin(TN_SURVIVAL_HORIZON, (double)(as_of - s->dates[chosen]));
    return true;
}

/* ---- agreement with the churn model at 90 days ---------------------------------------- */

typedef struct {
    size_t row;
    double churn;
} ranked_row;

static int by_churn(const void *a, const void *b) {
    double x = ((const ranked_row *)a)->churn, y = ((const ranked_row *)b)->churn;
    return (x > y) - (x < y);
}

/* Per decile of the churn model's probability: its mean, the survival model's 1 − S(90), and
   the observed rate, on the churn model's test set. */
static bool agreement_json(const survival_context *c, const candidate *model, json_t **out,
                           double *worst, tn_error *err) {
    const tn_survival_inputs *in = c->in;
    size_t n = in->test_count;
    double *score = score_rows(c, &model->model, in->test_rows, n, err);
    ranked_row *ranked = score ? tn_alloc_array(n + 1, sizeof *ranked, "the deciles", err) : NULL;
    if (ranked == NULL) {
        free(score);
        return false;
    }
    for (size_t i = 0; i < n; i++)
        ranked[i] = (ranked_row){i, in->test_probability[i]};
    qsort(ranked, n, sizeof *ranked, by_churn);
    const double *label = tn_table_numbers(&in->snapshots->churn, "label");
    json_t *deciles = json_array();
    *worst = 0;
    for (size_t d = 0; d < 10 && n >= 10; d++) {
        double churn = 0, survival = 0, observed = 0;
        size_t from = d * n / 10, to = (d + 1) * n / 10;
        for (size_t k = from; k < to; k++) {
            size_t i = ranked[k].row;
            double r = exp(score[i] - model->model.baseline.center_lp);
            churn += in->test_probability[i];
            survival += 1 - tn_cox_survival(&model->model.baseline, r, 90);
            observed += label[in->test_rows[i]];
        }
        double rows = (double)(to - from);
        *worst = fmax(*worst, fabs(survival - churn) / rows);
        json_array_append_new(deciles, json_pack("{s:i, s:o, s:o, s:o}", "rows", (int)(to - from),
                                                 "churn_model", tn_json_real(churn / rows),
                                                 "survival_model", tn_json_real(survival / rows),
                                                 "observed", tn_json_real(observed / rows)));
    }
    *out = json_pack("{s:s, s:i, s:f, s:o, s:b, s:o}", "on",
                     "the churn model's out-of-time test set", "rows", (int)n, "tolerance",
                     TN_SURVIVAL_AGREEMENT, "worst_decile_difference", tn_json_real(*worst),
                     "agrees", n >= 10 && *worst <= TN_SURVIVAL_AGREEMENT, "deciles", deciles);
    free(score), free(ranked);
    return true;
}

/* ---- training, choosing and refitting ------------------------------------------------ */

enum { COX, XGBOOST, CANDIDATES };
static const char *const kind_names[CANDIDATES] = {"cox", "xgboost"};

static bool fit_kind(const survival_context *c, int kind, const survival_rows *fit, int rounds,
                     candidate *out, tn_error *err) {
    memset(out, 0, sizeof *out);
    return kind == COX ? fit_cox(c, fit, out, err) : fit_xgboost(c, fit, rounds, out, err);
}

static json_t *date_json(tn_day day) {
    char text[TN_DATE_BUF];
    return json_string(tn_date_format(day, text));
}

static json_t *rows_json(const survival_rows *rows, tn_day cutoff) {
    return json_pack("{s:i, s:i, s:o}", "rows", (int)rows->n, "events", (int)rows->events,
                     "censored_at", date_json(cutoff));
}

/* The baseline on the score as JSON: the centre, each distinct time and Λ0 there. */
static json_t *baseline_json(const tn_cox_baseline *b) {
    json_t *time = json_array(), *hazard = json_array();
    for (size_t k = 0; k < b->count; k++) {
        json_array_append_new(time, json_real(b->time[k]));
        json_array_append_new(hazard, json_real(b->cumhaz[k]));
    }
    return json_pack("{s:s, s:f, s:o, s:o}", "of",
                     "the risk score (coef 1), Breslow with Efron ties", "centre", b->center_lp,
                     "time", time, "cumulative_hazard", hazard);
}

/* What the evaluation found, candidate by candidate, with the Kaplan-Meier baseline. */
typedef struct {
    size_t landmark;
    double horizon;
    survival_rows fit, test;
    test_metrics km, metrics[CANDIDATES];
    bool fitted[CANDIDATES];
    char failure[CANDIDATES][TN_ERROR_MESSAGE_MAX];
    candidate models[CANDIDATES];
    int chosen;
} evaluation;

static void evaluation_free(evaluation *e) {
    rows_free(&e->fit), rows_free(&e->test);
    for (int k = 0; k < CANDIDATES; k++)
        candidate_free(&e->models[k]);
}

static bool evaluate_kaplan_meier(const evaluation *e, test_metrics *out, tn_error *err) {
    tn_km_curve km = {0};
    bool ok = tn_km_fit(e->fit.time, e->fit.event, e->fit.n, 0.95, &km, err) &&
              integrated_brier(&e->test, e->horizon, tn_predict_km, &km, &out->ibs, err);
    tn_km_free(&km);
    out->concordance = out->concordance_90 = 0.5; /* one score for everyone: every pair tied */
    return ok;
}

/* Fits each candidate before the landmark and tests it on the landmark's customers. */
static bool run_evaluation(const survival_context *c, evaluation *e, tn_error *err) {
    const tn_snapshots *s = c->in->snapshots;
    if (!landmark(s, c->in->as_of, &e->landmark, &e->horizon, err))
        return false;
    double at = s->dates[e->landmark];
    bool ok = make_rows(c, -INFINITY, at, at, &e->fit, err) &&
              make_rows(c, at, at + 1, c->in->as_of, &e->test, err);
    if (ok && (e->fit.events == 0 || e->test.n == 0))
        return tn_error_set(err, TN_ERR_INPUT,
                            "the survival model has nothing to learn from: %zu churns before "
                            "%s and %zu customers active then",
                            e->fit.events, tn_date_format((tn_day)at, (char[TN_DATE_BUF]){""}),
                            e->test.n);
    ok = ok && evaluate_kaplan_meier(e, &e->km, err);
    e->chosen = -1;
    for (int k = 0; ok && k < CANDIDATES; k++) {
        tn_error why = {0};
        e->fitted[k] = fit_kind(c, k, &e->fit, -1, &e->models[k], &why) &&
                       evaluate(c, &e->models[k], &e->test, e->horizon, &e->metrics[k], &why);
        if (!e->fitted[k] && why.code == TN_ERR_NOMEM)
            ok = err != NULL ? (*err = why, false) : false;
        snprintf(e->failure[k], sizeof e->failure[k], "%s", e->fitted[k] ? "" : why.message);
        if (e->fitted[k] && (e->chosen < 0 || e->metrics[k].ibs < e->metrics[e->chosen].ibs))
            e->chosen = k;
    }
    if (ok && e->chosen < 0)
        ok = tn_error_set(err, TN_ERR_INPUT,
                          "no survival model could be fitted: cox: %s; xgboost: %s",
                          e->failure[COX], e->failure[XGBOOST]);
    return ok;
}

static json_t *evaluation_json(const survival_context *c, const evaluation *e) {
    const tn_snapshots *s = c->in->snapshots;
    json_t *candidates = json_array();
    for (int k = 0; k < CANDIDATES; k++) {
        json_t *entry = e->fitted[k] ? metrics_json(&e->metrics[k])
                                     : json_pack("{s:s}", "error", e->failure[k]);
        json_object_set_new(entry, "kind", json_string(kind_names[k]));
        if (e->fitted[k])
            json_object_set(entry, "fit", e->models[k].fit);
        json_array_append_new(candidates, entry);
    }
    const test_metrics *best = &e->metrics[e->chosen];
    return json_pack(
        "{s:o, s:f, s:o, s:o, s:o, s:o, s:s, s:b, s:f}", "landmark",
        date_json(s->dates[e->landmark]), "horizon_days", e->horizon, "fit",
        rows_json(&e->fit, s->dates[e->landmark]), "test", rows_json(&e->test, c->in->as_of),
        "kaplan_meier", metrics_json(&e->km), "candidates", candidates, "chosen",
        kind_names[e->chosen], "beats_kaplan_meier",
        best->ibs<e->km.ibs, "ibs_improvement", e->km.ibs> 0 ? 1 - best->ibs / e->km.ibs : 0.0);
}

/* "survival-<as-of>-<hash of the fitted model>". */
static void version_of(const json_t *meta, tn_day as_of, char *out, size_t size) {
    char *text = json_dumps(meta, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
    uint64_t hash = tn_fnv1a_text(TN_FNV1A_SEED, text);
    free(text);
    char day[TN_DATE_BUF];
    snprintf(out, size, "survival-%s-%012llx", tn_date_format(as_of, day),
             (unsigned long long)(hash & 0xffffffffffffULL));
}

/* The served model's document: the refitted model, the evaluation and the agreement. */
static json_t *document(const survival_context *c, const evaluation *e, const candidate *served,
                        const survival_rows *all, json_t *agreement) {
    const tn_snapshots *s = c->in->snapshots;
    json_t *snapshots = json_array();
    for (size_t i = 0; i < s->count; i++)
        json_array_append_new(snapshots, date_json(s->dates[i]));
    json_t *meta = json_pack(
        "{s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:o, s:O, s:o}", "name", "survival", "version",
        "", "model_set", "", "as_of", date_json(c->in->as_of), "kind", kind_names[e->chosen],
        "population", "customers active at each monthly snapshot date t (the churn model's rows)",
        "time",
        "days from t to the churn, t being day 1: churn_date - t + 1; censored at the as-of date",
        "features_as_of", "each snapshot's t, as the churn model's", "encoding",
        tn_encoder_to_json(&served->model.encoder), "fit", served->fit, "baseline",
        baseline_json(&served->model.baseline));
    json_object_set_new(
        meta, "training",
        json_pack("{s:o, s:o}", "snapshots", snapshots, "rows", rows_json(all, c->in->as_of)));
    if (served->model.kind == TN_SURVIVAL_COX)
        json_object_set(meta, "cox", served->fit);
    json_object_set_new(meta, "evaluation", evaluation_json(c, e));
    json_object_set_new(meta, "agreement_90d", agreement);
    char version[96];
    version_of(meta, c->in->as_of, version, sizeof version);
    json_object_set_new(meta, "version", json_string(version));
    return meta;
}

static bool prepare(survival_context *c, tn_error *err) {
    const tn_table *churn = &c->in->snapshots->churn;
    if (!churn_days(c, err) ||
        !tn_encoder_fit(c->in->specs, c->in->feature_count, churn, &c->encoder, err))
        return false;
    c->columns = c->encoder.column_count;
    c->x = tn_alloc_array(churn->rows * c->columns + 1, sizeof *c->x, "the survival inputs", err);
    return c->x != NULL && tn_encoder_encode(&c->encoder, churn, c->x, err);
}

bool tn_survival_train(const tn_survival_inputs *inputs, const char *staging, json_t **meta,
                       tn_trained_survival *summary, tn_error *err) {
    *meta = NULL;
    memset(summary, 0, sizeof *summary);
    survival_context c = {.in = inputs};
    evaluation e = {0};
    survival_rows all = {0};
    candidate served = {0};
    json_t *agreement = NULL;
    double worst = NAN;
    bool ok = prepare(&c, err) && run_evaluation(&c, &e, err) &&
              agreement_json(&c, &e.models[e.chosen], &agreement, &worst, err) &&
              make_rows(&c, -INFINITY, INFINITY, inputs->as_of, &all, err) &&
              fit_kind(&c, e.chosen, &all, e.models[e.chosen].rounds, &served, err);
    char path[4300];
    snprintf(path, sizeof path, "%s/survival.trees.json", staging);
    ok = ok && (e.chosen != XGBOOST || tn_xgb_save(&served.model.trees, path, err));
    if (ok) {
        *meta = document(&c, &e, &served, &all, agreement);
        agreement = NULL;
        snprintf(summary->kind, sizeof summary->kind, "%s", kind_names[e.chosen]);
        summary->fit_rows = e.fit.n, summary->test_rows = e.test.n;
        summary->landmark = inputs->snapshots->dates[e.landmark];
        summary->horizon = e.horizon;
        summary->ibs = e.metrics[e.chosen].ibs, summary->ibs_km = e.km.ibs;
        summary->concordance = e.metrics[e.chosen].concordance;
        summary->beats_km = summary->ibs < summary->ibs_km;
        summary->agreement_worst = worst;
        summary->agrees = worst <= TN_SURVIVAL_AGREEMENT;
    }
    json_decref(agreement);
    candidate_free(&served);
    rows_free(&all);
    evaluation_free(&e);
    tn_encoder_free(&c.encoder);
    free(c.churn_day), free(c.x);
    return ok && *meta != NULL;
}
