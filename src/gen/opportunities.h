/*
 * opportunities.h — one customer's gtm_opportunities rows, as a sales team
 * would recognise them:
 *   - the new_business deal won at signup, worth about the first year's ARR;
 *   - for an upgrade, an expansion deal closed_won a few days before it,
 *     worth the added ARR of the next tier;
 *   - for an upgrade still to come whose premium-trial ramp has started,
 *     usually an open expansion deal (prospecting, qualification or proposal
 *     as the upgrade nears) expected to close around the upgrade;
 *   - a few open expansion deals on other accounts, and some closed_lost ones.
 * Each is owned by the account's rep (sometimes another rep on the roster).
 * Rows are in close_date order.
 */
#ifndef TN_GEN_OPPORTUNITIES_H
#define TN_GEN_OPPORTUNITIES_H

#include <stdbool.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "gen/company.h"
#include "gen/customer.h"

#define TN_GEN_MAX_OPPORTUNITIES 4

typedef struct {
    uint64_t id_high, id_low; /* opp_id */
    tn_day close;
    int64_t amount_cents;
    uint8_t stage;     /* tn_opportunity_stage */
    uint8_t type;      /* tn_opportunity_type */
    uint8_t sales_rep; /* index into tn_sales_reps */
} tn_gen_opportunity;

/* Writes customer `c`'s opportunities into `out` and returns how many (≤ TN_GEN_MAX_OPPORTUNITIES).
 */
int tn_gen_customer_opportunities(const tn_gen_company *company, const tn_gen_customer *c,
                                  gsl_rng *rng, tn_gen_opportunity out[TN_GEN_MAX_OPPORTUNITIES]);

/* Price multiple of the next tier: 3.0 from starter, 5.0 from growth, 1.2 from
 * enterprise. */
double tn_gen_next_tier_multiplier(tn_tier tier);

#endif
