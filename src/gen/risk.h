/*
 * risk.h — one customer's risk_signals row.
 *
 * compliance_gap_score ~ Beta with mean logistic(−1.1 − 0.55·health + 0.9·near)
 * and concentration 12; vendor_risk_flags ~ Poisson(e^(−0.2 − 0.45·health + 0.7·near)),
 * where near = 1 for customers who churn before, or within 90 days after,
 * the as-of date: customers who churn carry more compliance gaps and
 * vendor alerts.
 */
#ifndef TN_GEN_RISK_H
#define TN_GEN_RISK_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "gen/company.h"
#include "gen/customer.h"

typedef struct {
    uint16_t compliance_gap; /* compliance_gap_score × 10,000 (four decimals, exactly) */
    int32_t vendor_risk_flags;
} tn_gen_risk;

void tn_gen_customer_risk(const tn_gen_company *company, const tn_gen_customer *c, gsl_rng *rng,
                          tn_gen_risk *out);

#endif
