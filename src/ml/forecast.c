/*
 * forecast.c — the portfolio's next 90 days from calibrated probabilities
 * (see forecast.h).
 */
#include "ml/forecast.h"

#include <math.h>

#include "common/json.h"
#include "ml/snapshots.h"

/* 1 − x / arr for each bound (the interval turns over); NAN throughout when arr is 0. */
static tn_sum_interval retention_of(const tn_sum_interval *lost, double arr) {
    if (!(arr > 0))
        return (tn_sum_interval){NAN, NAN, NAN, NAN, NAN};
    return (tn_sum_interval){1 - lost->expected / arr, 1 - lost->high80 / arr,
                             1 - lost->low80 / arr, 1 - lost->high95 / arr, 1 - lost->low95 / arr};
}

static tn_sum_interval shifted(tn_sum_interval interval, double by) {
    interval.expected += by;
    interval.low80 += by, interval.high80 += by;
    interval.low95 += by, interval.high95 += by;
    return interval;
}

bool tn_forecast_compute(const double *churn_probability, const double *arr,
                         const double *expected_uplift, size_t n, tn_forecast *out, tn_error *err) {
    *out = (tn_forecast){.accounts = n};
    for (size_t i = 0; i < n; i++) {
        out->arr += arr[i];
        if (expected_uplift != NULL && isfinite(expected_uplift[i]))
            out->expansion_arr += expected_uplift[i];
    }
    if (!tn_bernoulli_count(churn_probability, n, &out->churned_logos, err) ||
        !tn_bernoulli_weighted_sum(churn_probability, arr, n, TN_FORECAST_DRAWS, TN_FORECAST_SEED,
                                   &out->churned_arr, err))
        return false;
    out->gross_retention = retention_of(&out->churned_arr, out->arr);
    out->net_retention =
        shifted(out->gross_retention, out->arr > 0 ? out->expansion_arr / out->arr : NAN);
    return true;
}

static json_t *interval_json(const tn_sum_interval *interval) {
    return json_pack("{s:o, s:[o, o], s:[o, o]}", "expected", tn_json_real(interval->expected),
                     "p80", tn_json_real(interval->low80), tn_json_real(interval->high80), "p95",
                     tn_json_real(interval->low95), tn_json_real(interval->high95));
}

json_t *tn_forecast_json(const tn_forecast *forecast) {
    return json_pack("{s:i, s:I, s:o, s:o, s:o, s:{s:o}, s:o, s:o, s:{s:s, s:s, s:i}}",
                     "horizon_days", TN_LABEL_DAYS, "accounts", (json_int_t)forecast->accounts,
                     "arr", tn_json_real(forecast->arr), "churned_logos",
                     interval_json(&forecast->churned_logos), "churned_arr",
                     interval_json(&forecast->churned_arr), "expansion_arr", "expected",
                     tn_json_real(forecast->expansion_arr), "gross_revenue_retention",
                     interval_json(&forecast->gross_retention), "net_revenue_retention",
                     interval_json(&forecast->net_retention), "method", "churned_logos",
                     "exact Poisson-binomial distribution of independent accounts", "churned_arr",
                     "simulation of independent accounts, fixed seed", "draws", TN_FORECAST_DRAWS);
}
