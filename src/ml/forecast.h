/*
 * forecast.h — the next 90 days of a portfolio as a distribution: how many
 * accounts churn and how much ARR leaves with them, from the calibrated
 * 90-day churn probabilities, taking the accounts as independent; the
 * expansion ARR expected from the upgrade propensities; and the gross and
 * net revenue retention they imply.
 *
 *   churned logos   the Poisson-binomial distribution of the count, exactly;
 *   churned ARR     Σ ARR of the accounts that churn, by TN_FORECAST_DRAWS
 *                   simulations with a fixed seed (the same scores always
 *                   give the same interval);
 *   expansion ARR   Σ expected ARR uplift (design: mrr·12·(multiplier − 1)·
 *                   propensity), its expectation only;
 *   GRR             1 − churned ARR / ARR, its interval from churned ARR's;
 *   NRR             GRR + expansion ARR / ARR: expansion at its expectation,
 *                   so its interval is GRR's shifted.
 *
 * Intervals are equal-tailed (80 %: the 10th to the 90th percentile; 95 %:
 * 2.5th to 97.5th), by the quantile rule of stats/bernoulli_sum.h. Used by
 * the portfolio (insight/analytics.h) and judged on past dates by
 * `tenure backtest` (backtest.h).
 */
#ifndef TN_ML_FORECAST_H
#define TN_ML_FORECAST_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "common/error.h"
#include "stats/bernoulli_sum.h"

#define TN_FORECAST_DRAWS 5000
#define TN_FORECAST_SEED 20260314u

typedef struct {
    size_t accounts;
    double arr; /* Σ ARR of the accounts */
    tn_sum_interval churned_logos, churned_arr;
    double expansion_arr;
    tn_sum_interval gross_retention, net_retention; /* shares of ARR; NAN when ARR is 0 */
} tn_forecast;

/*
 * The forecast of n accounts: churn_probability[i] and arr[i] for each;
 * expected_uplift[i] its expected expansion ARR (NAN or 0 when it is no
 * candidate), or expected_uplift NULL for none. TN_ERR_INPUT when a
 * probability is outside [0, 1] or an ARR is not finite.
 */
bool tn_forecast_compute(const double *churn_probability, const double *arr,
                         const double *expected_uplift, size_t n, tn_forecast *out, tn_error *err);

/*
 * As JSON (new reference): {horizon_days, accounts, arr, churned_logos,
 * churned_arr, gross_revenue_retention, net_revenue_retention: {expected,
 * p80: [low, high], p95: [low, high]}, expansion_arr: {expected}, method}.
 */
json_t *tn_forecast_json(const tn_forecast *forecast);

#endif
