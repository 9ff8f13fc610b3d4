/*
 * customer.h — one synthetic customer's profile: what the customers table
 * shows, and the hidden traits every other table is drawn from.
 *
 * The hidden traits carry the dictionary's correlations. `health` (standard
 * normal) is the customer's underlying fit with the product: healthier
 * customers adopt more features, connect more integrations, raise fewer
 * tickets, churn less and upgrade more. Churn and upgrade days are drawn as
 * if time went on past the as-of date (`*_latent`), so a customer who will
 * churn a month after the as-of date already shows the decline in the data;
 * only those before the as-of date are recorded in the customers table.
 *
 * plan_tier and mrr are the contract signed at signup; an upgrade is recorded
 * by upgrade_date alone. The raw tables keep no history of prices, so this
 * way a feature computed as of a past date never sees a tier or an MRR the
 * customer did not have yet (no leakage into point-in-time training).
 */
#ifndef TN_GEN_CUSTOMER_H
#define TN_GEN_CUSTOMER_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "common/date.h"
#include "gen/company.h"

/* A day that never comes: no churn, no upgrade. */
#define TN_DAY_NEVER INT32_MAX

typedef struct {
    uint64_t index;
    uint64_t id_high, id_low; /* customer_id, a UUID v4 */
    tn_tier tier;
    tn_industry industry;
    tn_day signup;
    int64_t mrr_cents;
    tn_day churn;          /* churn_date, or TN_DAY_NEVER when active at the as-of date */
    tn_day upgrade;        /* upgrade_date, or TN_DAY_NEVER */
    tn_day churn_latent;   /* when the customer churns, even after the as-of date */
    tn_day upgrade_latent; /* when the customer upgrades, even after the as-of date */
    tn_day end;            /* first day without data: churn or the as-of date */
    int sales_rep;         /* index into tn_sales_reps: the account owner */

    /* hidden traits */
    double health;            /* standard normal */
    double activity;          /* multiplier of the tier's events per day, mean 1 */
    double adoption_logit;    /* feature adoption on the logit scale */
    double integration_burst; /* expected integration_connect events in the first 30 days */
    double tickets_per_day;   /* support tickets a day, before onboarding and pre-churn spikes */
    double premium_share;     /* share of premium_feature_trial events outside an upgrade ramp */
} tn_gen_customer;

/* Draws customer `index` of `company`, using `rng` (any tn_rng_type() generator). */
void tn_gen_customer_draw(const tn_gen_company *company, uint64_t index, gsl_rng *rng,
                          tn_gen_customer *out);

/* Activity left `days_before_churn` days before churning (1 far from churn; decay_floor at churn).
 */
double tn_gen_churn_decay(const tn_gen_model *model, double days_before_churn);

#endif
