/*
 * model_health.h — is the model still right for today's customers?
 * GET /health/model's document, which the dashboard's Models view and the
 * offline report show too:
 *
 *   drift     — today's population against the training one, per feature
 *               (ml/drift_check.h);
 *   realized  — the live backtest: for every recorded scoring (the score
 *               history, insight/history.h) whose 90 days have passed, the
 *               churn and upgrade rates the models predicted against those
 *               that happened, and the AUC on those outcomes, by the
 *               models' own labels (sql/history/realized.sql); and the
 *               scorings still waiting, with the day their outcomes are
 *               known.
 */
#ifndef TN_INSIGHT_MODEL_HEALTH_H
#define TN_INSIGHT_MODEL_HEALTH_H

#include <jansson.h>

#include "common/error.h"
#include "ml/drift_check.h"
#include "ml/model.h"
#include "warehouse/db.h"
#include "warehouse/table.h"

/* Days after an as-of date over which an outcome is judged: the models' label window. */
#define TN_REALIZED_HORIZON_DAYS 90

/*
 * The "realized" part from the rows of sql/history/realized.sql and
 * sql/history/pending.sql (new reference): {horizon_days, as_ofs: [{as_of,
 * known_on, churn_model_version, expansion_model_version,
 * models_trained_before (false: the models were trained after that date, so
 * the outcomes were in their training data and the figures flatter them),
 * churn: {customers, predicted_rate, observed_rate, auc, brier}, expansion:
 * {candidates, …}}], pending: [{as_of, known_on}]}. NULL with `err` set when memory runs out.
 */
json_t *tn_realized_json(const tn_table *realized, const tn_table *pending, tn_error *err);

/*
 * GET /health/model for both models of a set against `db` (open): the drift
 * document (tn_drift_check_set) with "realized" added (empty without a
 * score history): the last `scorings` as-of dates whose outcomes are known
 * (0: all of them), with "as_ofs_left_out" the earlier ones not judged
 * here. New reference, or NULL with `err` set.
 */
json_t *tn_model_health(tn_db *db, const tn_ml_model *churn, const tn_ml_model *expansion,
                        const tn_drift_thresholds *thresholds, const char *as_of, size_t scorings,
                        tn_error *err);

#endif
