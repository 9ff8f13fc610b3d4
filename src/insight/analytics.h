/*
 * analytics.h — the portfolio-wide views of the dashboard and the offline
 * report, as JSON built once per snapshot:
 *
 *   portfolio — customers, churn rate, ARR, ARR at risk (Σ ARR × churn
 *               probability), expansion pipeline (Σ expected uplift), the
 *               risk-tier distribution, a plan tier × industry heatmap of
 *               mean churn probability, the conflict-matrix quadrants and
 *               the points of the churn × propensity scatter, and the
 *               next 90 days' forecast (ml/forecast.h): churned accounts
 *               and ARR with 80 % and 95 % intervals, expected expansion
 *               ARR, gross and net revenue retention;
 *   survival  — what `tenure analyze` wrote (analysis.json), cut to what
 *               the charts draw: Kaplan-Meier curves thinned to at most
 *               TN_CURVE_POINTS steps, the smoothed hazard and its peak,
 *               the correlation table, the integration gate;
 *   models    — each model's out-of-time metrics, ROC and calibration
 *               curves and mean |SHAP| per feature, from its metadata;
 *               and, when `tenure backtest` has run, each date's AUC,
 *               Brier, lift and calibration (backtest.json), for the
 *               charts of quality over time.
 *
 * GET /analytics/{portfolio,survival,models} send them and `tenure report`
 * embeds them in reports/index.html, so page and report draw the same data.
 */
#ifndef TN_INSIGHT_ANALYTICS_H
#define TN_INSIGHT_ANALYTICS_H

#include <jansson.h>

#include "insight/answer.h"
#include "ml/model.h"
#include "warehouse/table.h"

/* The most points a Kaplan-Meier curve keeps (every step up to here, else evenly spaced ones). */
#define TN_CURVE_POINTS 240

/* Who the portfolio counts besides the active customers. */
typedef struct {
    const tn_table *inactive;   /* sql/serve/inactive_customers.sql: the churned ones count */
    const tn_table *industries; /* sql/insight/industries.sql: their display names */
    const json_t *backtest;     /* backtest.json as of the same date, or NULL */
} tn_portfolio_extra;

/* The portfolio of the answers' (active) customers (new reference; NULL when memory runs out). */
json_t *tn_analytics_portfolio(const tn_answer_set *answers, const tn_portfolio_extra *extra);

/* The survival view of an analysis.json document (new reference). */
json_t *tn_analytics_survival(const json_t *analysis);

/* The models view (new reference); `backtest` is a backtest.json document or NULL. */
json_t *tn_analytics_models(const tn_ml_model *churn, const tn_ml_model *expansion,
                            const json_t *backtest);

#endif
