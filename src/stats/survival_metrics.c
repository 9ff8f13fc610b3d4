/*
 * survival_metrics.c — the censoring curve G, the IPCW Brier score and its
 * integral, the truncated concordance, and the predictors that give the
 * metrics a Cox model's or a Kaplan-Meier curve's predictions (see
 * survival_metrics.h).
 */
#include "stats/survival_metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "stats/cox.h"

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct {
    double time;
    int event;
} observation;

static int by_time(const void *a, const void *b) {
    return by_value(&((const observation *)a)->time, &((const observation *)b)->time);
}

static bool check_times(const double *time, size_t n, tn_error *err) {
    if (n == 0)
        return tn_error_set(err, TN_ERR_INPUT, "no test subjects");
    for (size_t i = 0; i < n; i++)
        if (!(time[i] >= 0.0) || !isfinite(time[i]))
            return tn_error_set(err, TN_ERR_INPUT, "time %g of subject %zu is not a time >= 0",
                                time[i], i + 1);
    return true;
}

/* Number of values in sorted[0, count) that are <= t (strictly < t when `before`). */
static size_t count_up_to(const double *sorted, size_t count, double t, bool before) {
    size_t low = 0, high = count;
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        if (before ? sorted[mid] < t : sorted[mid] <= t)
            low = mid + 1;
        else
            high = mid;
    }
    return low;
}

/* ---- the censoring curve G ------------------------------------------------------- */

/* Product-limit over the sorted observations: at a censoring time s the risk set is n(T ≥ s)
 * less the events at s (they come first). */
static void censoring_steps(const observation *obs, size_t n, tn_censoring_curve *out) {
    double g = 1.0;
    size_t i = 0;
    while (i < n) {
        double s = obs[i].time;
        size_t at_risk = n - i, events = 0, censored = 0;
        for (; i < n && obs[i].time == s; i++) {
            events += obs[i].event != 0;
            censored += obs[i].event == 0;
        }
        if (censored == 0)
            continue;
        g *= 1.0 - (double)censored / (double)(at_risk - events);
        out->time[out->count] = s;
        out->survival[out->count++] = g;
    }
}

bool tn_censoring_fit(const double *time, const int *event, size_t n, tn_censoring_curve *out,
                      tn_error *err) {
    memset(out, 0, sizeof *out);
    if (!check_times(time, n, err))
        return false;
    observation *obs = tn_alloc_array(n, sizeof *obs, "test observations", err);
    out->time = obs ? tn_alloc_array(n, sizeof *out->time, "censoring times", err) : NULL;
    out->survival =
        out->time ? tn_alloc_array(n, sizeof *out->survival, "censoring curve", err) : NULL;
    if (out->survival == NULL) {
        free(obs);
        tn_censoring_free(out);
        return false;
    }
    for (size_t i = 0; i < n; i++)
        obs[i] = (observation){time[i], event[i] != 0};
    qsort(obs, n, sizeof *obs, by_time);
    censoring_steps(obs, n, out);
    free(obs);
    return true;
}

void tn_censoring_free(tn_censoring_curve *curve) {
    free(curve->time), free(curve->survival);
    memset(curve, 0, sizeof *curve);
}

double tn_censoring_at(const tn_censoring_curve *curve, double t) {
    size_t k = count_up_to(curve->time, curve->count, t, false);
    return k == 0 ? 1.0 : curve->survival[k - 1];
}

double tn_censoring_before(const tn_censoring_curve *curve, double t) {
    size_t k = count_up_to(curve->time, curve->count, t, true);
    return k == 0 ? 1.0 : curve->survival[k - 1];
}

/* ---- predictors -------------------------------------------------------------------- */

bool tn_predict_from_matrix(const void *context, size_t subject, const double *grid, size_t m,
                            double *survival, tn_error *err) {
    (void)grid, (void)err;
    const tn_survival_matrix *matrix = context;
    memcpy(survival, matrix->survival + subject * m, m * sizeof *survival);
    return true;
}

bool tn_predict_cox(const void *context, size_t subject, const double *grid, size_t m,
                    double *survival, tn_error *err) {
    (void)err;
    const tn_cox_rows *rows = context;
    tn_cox_survival_at(rows->baseline, rows->x + subject * rows->baseline->p, grid, m, survival);
    return true;
}

/* S of a Kaplan-Meier curve at t: its last step at or before t, 1 before the first. */
static double km_survival(const tn_km_curve *curve, double t) {
    size_t low = 0, high = curve->count; /* first step after t */
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        if (curve->steps[mid].time <= t)
            low = mid + 1;
        else
            high = mid;
    }
    return low == 0 ? 1.0 : curve->steps[low - 1].survival;
}

bool tn_predict_km(const void *context, size_t subject, const double *grid, size_t m,
                   double *survival, tn_error *err) {
    (void)subject, (void)err;
    for (size_t k = 0; k < m; k++)
        survival[k] = km_survival(context, grid[k]);
    return true;
}

/* ---- the Brier score ----------------------------------------------------------------- */

bool tn_brier_grid(const double *test_time, size_t n, const double *model_times, size_t model_count,
                   double horizon, double **grid, size_t *m, tn_error *err) {
    *grid = NULL;
    *m = 0;
    if (!(horizon > 0.0))
        return tn_error_set(err, TN_ERR_INPUT, "horizon %g is not a time > 0", horizon);
    double *all = tn_alloc_array(1 + n + model_count, sizeof *all, "the Brier grid", err);
    if (all == NULL)
        return false;
    size_t count = 0;
    all[count++] = 0.0;
    for (size_t i = 0; i < n; i++)
        if (test_time[i] > 0.0 && test_time[i] < horizon)
            all[count++] = test_time[i];
    for (size_t i = 0; i < model_count; i++)
        if (model_times[i] > 0.0 && model_times[i] < horizon)
            all[count++] = model_times[i];
    qsort(all, count, sizeof *all, by_value);
    size_t distinct = 0;
    for (size_t i = 0; i < count; i++)
        if (distinct == 0 || all[i] != all[distinct - 1])
            all[distinct++] = all[i];
    *grid = all;
    *m = distinct;
    return true;
}

static bool check_grid(const double *time, size_t n, const double *grid, size_t m, double horizon,
                       tn_error *err) {
    if (!check_times(time, n, err))
        return false;
    double last = 0;
    for (size_t i = 0; i < n; i++)
        last = time[i] > last ? time[i] : last;
    if (!(horizon > 0.0) || horizon > last)
        return tn_error_set(err, TN_ERR_INPUT,
                            "horizon %g is not in (0, %g], the test set's follow-up", horizon,
                            last);
    if (m == 0 || grid[0] != 0.0)
        return tn_error_set(err, TN_ERR_INPUT, "the Brier grid does not start at 0");
    for (size_t k = 1; k < m; k++)
        if (!(grid[k] > grid[k - 1]))
            return tn_error_set(err, TN_ERR_INPUT, "the Brier grid does not increase at %zu",
                                k + 1);
    if (!(grid[m - 1] < horizon))
        return tn_error_set(err, TN_ERR_INPUT, "the Brier grid reaches the horizon %g", horizon);
    return true;
}

/* Adds subject i's terms, S² / G(T−) once failed and (1 − S)² / G(t) while alive, to brier[]. */
static bool add_subject(double t_i, int event, const double *survival, const double *grid,
                        const double *inverse_g, size_t m, double inverse_g_before, double *brier,
                        size_t subject, tn_error *err) {
    for (size_t k = 0; k < m; k++) {
        double s = survival[k];
        if (!(s >= 0.0 && s <= 1.0))
            return tn_error_set(err, TN_ERR_INPUT,
                                "predicted survival %g of subject %zu at %g is not in [0, 1]", s,
                                subject + 1, grid[k]);
        if (t_i > grid[k])
            brier[k] += (1.0 - s) * (1.0 - s) * inverse_g[k];
        else if (event)
            brier[k] += s * s * inverse_g_before;
    }
    return true;
}

/* BS on the grid (into out->brier, zeroed) from every subject's predicted row. */
static bool brier_on_grid(const double *time, const int *event, size_t n, const double *grid,
                          size_t m, const tn_censoring_curve *g, tn_survival_predictor predict,
                          const void *context, double *brier, tn_error *err) {
    double *row = tn_alloc_array(m, sizeof *row, "a predicted curve", err);
    double *inverse_g = row ? tn_alloc_array(m, sizeof *inverse_g, "censoring weights", err) : NULL;
    bool ok = inverse_g != NULL;
    for (size_t k = 0; ok && k < m; k++)
        inverse_g[k] = 1.0 / tn_censoring_at(g, grid[k]);
    for (size_t i = 0; ok && i < n; i++) {
        /* G(T_i−) > 0: subject i is still at risk of censoring just before T_i */
        double inverse_g_before = event[i] ? 1.0 / tn_censoring_before(g, time[i]) : 0.0;
        ok = predict(context, i, grid, m, row, err) &&
             add_subject(time[i], event[i] != 0, row, grid, inverse_g, m, inverse_g_before, brier,
                         i, err);
    }
    for (size_t k = 0; ok && k < m; k++)
        brier[k] /= (double)n;
    free(row), free(inverse_g);
    return ok;
}

bool tn_integrated_brier_score(const double *time, const int *event, size_t n, const double *grid,
                               size_t m, double horizon, tn_survival_predictor predict,
                               const void *context, tn_brier_result *out, tn_error *err) {
    memset(out, 0, sizeof *out);
    if (!check_grid(time, n, grid, m, horizon, err))
        return false;
    tn_censoring_curve g;
    if (!tn_censoring_fit(time, event, n, &g, err))
        return false;
    out->m = m;
    out->brier = tn_alloc_array(m, sizeof *out->brier, "Brier scores", err);
    bool ok = out->brier != NULL &&
              brier_on_grid(time, event, n, grid, m, &g, predict, context, out->brier, err);
    tn_censoring_free(&g);
    if (!ok) {
        tn_brier_free(out);
        return false;
    }
    for (size_t k = 0; k < m; k++) /* a step function: BS(g_k) holds until g_{k+1} (g_m = τ) */
        out->integrated += out->brier[k] * ((k + 1 < m ? grid[k + 1] : horizon) - grid[k]);
    out->integrated /= horizon;
    return true;
}

void tn_brier_free(tn_brier_result *result) {
    free(result->brier);
    memset(result, 0, sizeof *result);
}

/* ---- concordance ------------------------------------------------------------------- */

bool tn_concordance_truncated(const double *risk_score, const double *time, const int *event,
                              size_t n, double horizon, double *concordance, tn_error *err) {
    *concordance = NAN;
    /* A pair counts when its earlier time is an event at or before τ: censoring the events
     * after τ (keeping their times, so they still count as the longer time) leaves exactly
     * those pairs, as R's ymax. */
    int *truncated = tn_alloc_array(n ? n : 1, sizeof *truncated, "truncated events", err);
    if (truncated == NULL)
        return false;
    for (size_t i = 0; i < n; i++)
        truncated[i] = event[i] != 0 && time[i] <= horizon;
    bool ok = tn_concordance(risk_score, time, truncated, n, concordance, err);
    free(truncated);
    return ok;
}
