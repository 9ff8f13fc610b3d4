/*
 * risk.c — one customer's risk signals (see risk.h).
 */
#include "gen/risk.h"

#include <math.h>

#include <gsl/gsl_randist.h>

#include "gen/rng.h"

enum { NEAR_CHURN_DAYS = 90 };

void tn_gen_customer_risk(const tn_gen_company *company, const tn_gen_customer *c, gsl_rng *rng,
                          tn_gen_risk *out) {
    tn_rng_seed_stream(rng, company->seed, c->index, TN_STREAM_RISK);
    double near =
        c->churn_latent != TN_DAY_NEVER && c->churn_latent < company->as_of + NEAR_CHURN_DAYS ? 1.0
                                                                                              : 0.0;
    double mean = 1.0 / (1.0 + exp(1.1 + 0.55 * c->health - 0.9 * near));
    const double concentration = 12.0;
    double gap = gsl_ran_beta(rng, mean * concentration, (1.0 - mean) * concentration);
    out->compliance_gap = (uint16_t)lround(gap * 10000.0);
    out->vendor_risk_flags =
        (int32_t)gsl_ran_poisson(rng, exp(-0.2 - 0.45 * c->health + 0.7 * near));
}
