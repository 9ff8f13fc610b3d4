/*
 * dashboard.h — the portfolio, survival and models views (analytics.h) from the
 * files they come from, with the warnings a reader needs: analysis.json
 * and backtest.json in the reports directory, each checked against the
 * warehouse's as-of date. The server's snapshot and the offline report
 * both build them here.
 */
#ifndef TN_INSIGHT_DASHBOARD_H
#define TN_INSIGHT_DASHBOARD_H

#include <stddef.h>

#include <jansson.h>

#include "insight/answer.h"
#include "ml/model.h"
#include "warehouse/table.h"

/*
 * The survival view of <reports_dir>/analysis.json (new reference), with a
 * "warning" when it is not as of `as_of`. NULL when there is no readable
 * analysis: problem[size] then says why and what to run.
 */
json_t *tn_dashboard_survival(const char *reports_dir, const char *as_of, char *problem,
                              size_t size);

/*
 * The portfolio view (analytics.h; new reference) of `answers`, the churned
 * customers among `inactive` and the industries' names, with how often the
 * forecast's intervals held in <reports_dir>/backtest.json when that exists
 * and is as of the answers' date. All borrowed.
 */
json_t *tn_dashboard_portfolio(const tn_answer_set *answers, const tn_table *inactive,
                               const tn_table *industries, const char *reports_dir);

/*
 * The models view (new reference), with <reports_dir>/backtest.json when
 * `tenure backtest` has written one ("backtest" null without it); a
 * "backtest_warning" when it cannot be read or is not as of `as_of`; and
 * "drift", the drift check's document (ml/drift_check.h: GET /health/model;
 * borrowed, null when NULL).
 */
json_t *tn_dashboard_models(const tn_ml_model *churn, const tn_ml_model *expansion,
                            const char *reports_dir, const char *as_of, const json_t *drift);

#endif
