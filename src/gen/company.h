/*
 * company.h — one synthetic company: its size, seed, as-of date and model,
 * plus the read-only tables precomputed from them, shared by every thread.
 *
 * Each customer is a pure function of (company, customer index): its
 * profile (customer.h) and its rows in every table (events.h, tickets.h,
 * opportunities.h, risk.h) are drawn from streams keyed by the seed and the
 * index, so any customer can be generated alone, in any order, on any thread.
 */
#ifndef TN_GEN_COMPANY_H
#define TN_GEN_COMPANY_H

#include <stdbool.h>
#include <stdint.h>

#include <gsl/gsl_randist.h>

#include "common/date.h"
#include "common/error.h"
#include "gen/model.h"

typedef struct {
    const tn_gen_model *model; /* not owned */
    uint64_t customers;        /* how many customers */
    uint64_t seed;
    tn_day as_of;                   /* first day not covered by the data */
    tn_day window_start;            /* first possible signup day */
    int horizon_days;               /* longest tenure simulated (beyond as_of, for latent churn) */
    double *cumulative_bump;        /* [horizon_days + 1]: integral of the early-churn bump */
    gsl_ran_discrete_t *hour_table; /* UTC hour of an event */
    gsl_ran_discrete_t *tier_table;
    gsl_ran_discrete_t *industry_table;
} tn_gen_company;

/*
 * Prepares a company. On success the caller owns `company`'s tables and
 * releases them with tn_gen_company_free(). TN_ERR_NOMEM on failure.
 */
bool tn_gen_company_init(tn_gen_company *company, const tn_gen_model *model, uint64_t customers,
                         uint64_t seed, tn_day as_of, tn_error *err);

void tn_gen_company_free(tn_gen_company *company);

#endif
