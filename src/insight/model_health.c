/*
 * model_health.c — GET /health/model: drift and the live backtest (see
 * model_health.h).
 */
#include "insight/model_health.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/date.h"
#include "common/json.h"
#include "insight/history.h"
#include "stats/metrics.h"

/* A text cell, "" when it is missing. */
static const char *text_at(const tn_table *rows, const char *column, size_t row) {
    const char *text = tn_table_text_at(rows, column, row);
    return text != NULL ? text : "";
}

/*
 * Predicted against realized over rows [first, end) of `rows`, for the
 * prediction column `predicted` and outcome column `outcome` (NAN: not
 * predicted for that customer): {count_name, predicted_rate, observed_rate,
 * auc, brier}. `p` and `y` are scratch of at least end − first.
 */
static json_t *outcome_json(const tn_table *rows, size_t first, size_t end, const char *predicted,
                            const char *outcome, const char *count_name, double *p, int *y,
                            tn_error *err) {
    const double *scores = tn_table_numbers(rows, predicted);
    const double *outcomes = tn_table_numbers(rows, outcome);
    size_t n = 0;
    double predicted_sum = 0, observed_sum = 0;
    for (size_t r = first; scores != NULL && outcomes != NULL && r < end; r++)
        if (!isnan(outcomes[r]) && !isnan(scores[r])) {
            p[n] = scores[r];
            y[n] = outcomes[r] != 0;
            predicted_sum += p[n];
            observed_sum += y[n];
            n++;
        }
    double auc = NAN;
    if (n > 0 && !tn_auc(p, y, n, &auc, err))
        return NULL;
    return json_pack("{s:I, s:o, s:o, s:o, s:o}", count_name, (json_int_t)n, "predicted_rate",
                     tn_json_real(n > 0 ? predicted_sum / (double)n : NAN), "observed_rate",
                     tn_json_real(n > 0 ? observed_sum / (double)n : NAN), "auc", tn_json_real(auc),
                     "brier", tn_json_real(n > 0 ? tn_brier(p, y, n) : NAN));
}

/* The as-of date `as_of` plus the horizon, as text. */
static void known_on(const char *as_of, char text[TN_DATE_BUF]) {
    tn_day day;
    text[0] = '\0';
    if (tn_date_parse(as_of, &day, NULL))
        tn_date_format(day + TN_REALIZED_HORIZON_DAYS, text);
}

/*
 * Whether the models that scored `as_of` were trained as of that date or
 * before (their set's id begins with their training as-of date), so that
 * the outcomes they are judged on were not in their training data; NULL
 * when the set's id says no date.
 */
static json_t *trained_before(const char *model_set, const char *as_of) {
    char date[TN_DATE_BUF];
    tn_day trained, scored;
    snprintf(date, sizeof date, "%.10s", model_set);
    if (!tn_date_parse(date, &trained, NULL) || !tn_date_parse(as_of, &scored, NULL))
        return json_null();
    return json_boolean(trained <= scored);
}

/* One as-of date's entry: rows [first, end) of `realized`. */
static json_t *as_of_json(const tn_table *realized, size_t first, size_t end, double *p, int *y,
                          tn_error *err) {
    const char *as_of = text_at(realized, "as_of", first);
    char known[TN_DATE_BUF];
    known_on(as_of, known);
    json_t *churn =
        outcome_json(realized, first, end, "churn_probability", "churned", "customers", p, y, err);
    json_t *expansion = churn ? outcome_json(realized, first, end, "upgrade_propensity", "upgraded",
                                             "candidates", p, y, err)
                              : NULL;
    if (expansion == NULL) {
        json_decref(churn);
        return NULL;
    }
    return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o}", "as_of", as_of, "known_on", known,
                     "churn_model_version", text_at(realized, "churn_model_version", first),
                     "expansion_model_version", text_at(realized, "expansion_model_version", first),
                     "models_trained_before",
                     trained_before(text_at(realized, "model_set", first), as_of), "churn", churn,
                     "expansion", expansion);
}

json_t *tn_realized_json(const tn_table *realized, const tn_table *pending, tn_error *err) {
    double *p = tn_alloc_array(realized->rows + 1, sizeof *p, "the live backtest", err);
    int *y = p ? tn_alloc_array(realized->rows + 1, sizeof *y, "the live backtest", err) : NULL;
    json_t *as_ofs = json_array(), *waiting = json_array();
    bool ok = y != NULL && as_ofs != NULL && waiting != NULL;
    for (size_t first = 0; ok && first < realized->rows;) {
        size_t end = first;
        while (end < realized->rows &&
               strcmp(text_at(realized, "as_of", end), text_at(realized, "as_of", first)) == 0)
            end++;
        json_t *entry = as_of_json(realized, first, end, p, y, err);
        ok = entry != NULL && json_array_append_new(as_ofs, entry) == 0;
        first = end;
    }
    for (size_t r = 0; ok && pending != NULL && r < pending->rows; r++)
        ok = json_array_append_new(waiting,
                                   json_pack("{s:s, s:s}", "as_of", text_at(pending, "as_of", r),
                                             "known_on", text_at(pending, "known_on", r))) == 0;
    free(p);
    free(y);
    json_t *out = ok ? json_pack("{s:i, s:O, s:O}", "horizon_days", TN_REALIZED_HORIZON_DAYS,
                                 "as_ofs", as_ofs, "pending", waiting)
                     : NULL;
    json_decref(as_ofs);
    json_decref(waiting);
    if (out == NULL && (err == NULL || err->code == TN_OK))
        tn_error_set(err, TN_ERR_NOMEM, "out of memory for the live backtest");
    return out;
}

/*
 * The live backtest of `db`'s score history (empty without one), over its
 * last `scorings` judged as-of dates (0: all of them) and every pending one.
 */
static json_t *realized_of(tn_db *db, size_t scorings, tn_error *err) {
    bool recording = false;
    tn_table realized = {0}, pending = {0};
    tn_history_window window = {0};
    bool ok = tn_history_exists(db, &recording, err);
    if (ok && recording && scorings > 0)
        ok = tn_history_window_find(db, scorings, TN_REALIZED_HORIZON_DAYS, &window, err);
    /* The pending dates all follow the judged ones, so the window holds them too. With none
       judged yet, the whole history is read: it is then at most 90 days of scorings. */
    const tn_history_window *kept = window.from[0] != '\0' ? &window : NULL;
    ok = ok &&
         (!recording ||
          (tn_history_query_window(db, "sql/history/realized.sql", kept, NULL, 0, &realized, err) &&
           tn_history_query_window(db, "sql/history/pending.sql", kept, NULL, 0, &pending, err)));
    json_t *out = ok ? tn_realized_json(&realized, &pending, err) : NULL;
    if (out != NULL &&
        json_object_set_new(out, "as_ofs_left_out", json_integer((json_int_t)window.older)) != 0) {
        json_decref(out);
        out = NULL;
        tn_error_set(err, TN_ERR_NOMEM, "out of memory for the live backtest");
    }
    if (!ok)
        tn_error_prefix(err, "the live backtest");
    tn_table_free(&realized);
    tn_table_free(&pending);
    return out;
}

json_t *tn_model_health(tn_db *db, const tn_ml_model *churn, const tn_ml_model *expansion,
                        const tn_drift_thresholds *thresholds, const char *as_of, size_t scorings,
                        tn_error *err) {
    json_t *health = tn_drift_check_set(db, churn, expansion, thresholds, as_of, err);
    json_t *realized = health != NULL ? realized_of(db, scorings, err) : NULL;
    if (realized == NULL || json_object_set_new(health, "realized", realized) != 0) {
        json_decref(health);
        return NULL;
    }
    return health;
}
