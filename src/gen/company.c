/*
 * company.c — precomputed tables of a synthetic company (see company.h).
 */
#include "gen/company.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Gaussian bump of the early-churn hazard at tenure `day`. */
static double early_bump(const tn_gen_model *model, double day) {
    double z = (day - model->churn_early_peak_day) / model->churn_early_width_days;
    return exp(-0.5 * z * z);
}

bool tn_gen_company_init(tn_gen_company *company, const tn_gen_model *model, uint64_t customers,
                         uint64_t seed, tn_day as_of, tn_error *err) {
    memset(company, 0, sizeof *company);
    company->model = model;
    company->customers = customers;
    company->seed = seed;
    company->as_of = as_of;
    company->window_start = as_of - model->window_days;
    /* Latent churn is simulated a year past the as-of date: customers about to churn show it. */
    company->horizon_days = model->window_days + 365;

    company->cumulative_bump = calloc((size_t)company->horizon_days + 1, sizeof(double));
    company->hour_table = gsl_ran_discrete_preproc(24, model->hour_weight);
    company->tier_table = gsl_ran_discrete_preproc(TN_TIER_COUNT, model->tier_share);
    company->industry_table = gsl_ran_discrete_preproc(TN_INDUSTRY_COUNT, model->industry_share);
    if (company->cumulative_bump == NULL || company->hour_table == NULL ||
        company->tier_table == NULL || company->industry_table == NULL) {
        tn_gen_company_free(company);
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory preparing the company");
    }
    /* cumulative_bump[d] = sum of bump(t) for t in [0, d) */
    for (int day = 0; day < company->horizon_days; day++)
        company->cumulative_bump[day + 1] = company->cumulative_bump[day] + early_bump(model, day);
    return true;
}

void tn_gen_company_free(tn_gen_company *company) {
    free(company->cumulative_bump);
    if (company->hour_table != NULL)
        gsl_ran_discrete_free(company->hour_table);
    if (company->tier_table != NULL)
        gsl_ran_discrete_free(company->tier_table);
    if (company->industry_table != NULL)
        gsl_ran_discrete_free(company->industry_table);
    memset(company, 0, sizeof *company);
}
