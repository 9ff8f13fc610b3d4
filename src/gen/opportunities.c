/*
 * opportunities.c — one customer's CRM opportunities (see opportunities.h).
 */
#include "gen/opportunities.h"

#include <math.h>

#include <gsl/gsl_randist.h>

#include "gen/rng.h"

enum { LOST_MIN_TENURE_DAYS = 150 };

static const double open_opportunity_noise = 0.04; /* accounts with a speculative open deal */
static const double lost_opportunity_share = 0.10; /* accounts with an expansion deal lost */
static const double ramp_open_share = 0.80;        /* coming upgrades with an open deal */

double tn_gen_next_tier_multiplier(tn_tier tier) {
    static const double multiplier[TN_TIER_COUNT] = {3.0, 5.0, 1.2};
    return multiplier[tier];
}

static int64_t dollars_to_cents(double dollars) {
    return (int64_t)llround(dollars) * 100;
}

/* Added ARR of moving to the next tier, with a negotiation spread. */
static int64_t expansion_amount(const tn_gen_customer *c, double low, double high, gsl_rng *rng) {
    double arr = (double)c->mrr_cents / 100.0 * 12.0;
    return dollars_to_cents(arr * (tn_gen_next_tier_multiplier(c->tier) - 1.0) *
                            gsl_ran_flat(rng, low, high));
}

static uint8_t pick_rep(const tn_gen_customer *c, gsl_rng *rng) {
    if (gsl_rng_uniform(rng) < 0.85)
        return (uint8_t)c->sales_rep;
    return (uint8_t)gsl_rng_uniform_int(rng, TN_SALES_REP_COUNT);
}

static tn_gen_opportunity *add(tn_gen_opportunity *out, int *count, tn_opportunity_type type,
                               tn_opportunity_stage stage, tn_day close, int64_t amount,
                               uint8_t rep, gsl_rng *rng) {
    tn_gen_opportunity *o = &out[(*count)++];
    o->type = (uint8_t)type;
    o->stage = (uint8_t)stage;
    o->close = close;
    o->amount_cents = amount;
    o->sales_rep = rep;
    o->id_high = tn_rng_next64(rng);
    o->id_low = tn_rng_next64(rng);
    return o;
}

/* The open expansion deal for an upgrade after the as-of date whose ramp is visible. */
static void add_coming_upgrade(const tn_gen_company *company, const tn_gen_customer *c,
                               gsl_rng *rng, tn_gen_opportunity *out, int *count) {
    int days_to_upgrade = c->upgrade_latent - company->as_of;
    if (gsl_rng_uniform(rng) >= ramp_open_share)
        return;
    tn_opportunity_stage stage = days_to_upgrade > 80   ? TN_STAGE_PROSPECTING
                                 : days_to_upgrade > 40 ? TN_STAGE_QUALIFICATION
                                                        : TN_STAGE_PROPOSAL;
    add(out, count, TN_OPP_EXPANSION, stage,
        c->upgrade_latent + (tn_day)gsl_rng_uniform_int(rng, 15),
        expansion_amount(c, 0.8, 1.2, rng), pick_rep(c, rng), rng);
}

static int by_close_day(const tn_gen_opportunity *x, const tn_gen_opportunity *y) {
    if (x->close != y->close)
        return (x->close > y->close) - (x->close < y->close);
    return (x->id_high > y->id_high) - (x->id_high < y->id_high);
}

static void sort_by_close(tn_gen_opportunity *items, int count) {
    for (int i = 1; i < count; i++) {
        tn_gen_opportunity moving = items[i];
        int j = i;
        while (j > 0 && by_close_day(&items[j - 1], &moving) > 0) {
            items[j] = items[j - 1];
            j--;
        }
        items[j] = moving;
    }
}

int tn_gen_customer_opportunities(const tn_gen_company *company, const tn_gen_customer *c,
                                  gsl_rng *rng, tn_gen_opportunity out[TN_GEN_MAX_OPPORTUNITIES]) {
    tn_rng_seed_stream(rng, company->seed, c->index, TN_STREAM_OPPORTUNITIES);
    int count = 0;
    double first_year_arr = (double)c->mrr_cents / 100.0 * 12.0;
    add(out, &count, TN_OPP_NEW_BUSINESS, TN_STAGE_CLOSED_WON, c->signup,
        dollars_to_cents(first_year_arr * gsl_ran_flat(rng, 0.90, 1.0)), (uint8_t)c->sales_rep,
        rng);

    bool active = c->churn == TN_DAY_NEVER;
    if (c->upgrade != TN_DAY_NEVER) {
        tn_day close = c->upgrade - (tn_day)gsl_rng_uniform_int(rng, 11);
        add(out, &count, TN_OPP_EXPANSION, TN_STAGE_CLOSED_WON,
            close > c->signup ? close : c->signup, expansion_amount(c, 0.85, 1.10, rng),
            pick_rep(c, rng), rng);
    } else if (active && c->upgrade_latent != TN_DAY_NEVER &&
               c->upgrade_latent - company->as_of <= company->model->premium_ramp_days) {
        add_coming_upgrade(company, c, rng, out, &count);
    } else if (active && company->as_of - c->signup > 90 &&
               gsl_rng_uniform(rng) < open_opportunity_noise) {
        add(out, &count, TN_OPP_EXPANSION, (tn_opportunity_stage)gsl_rng_uniform_int(rng, 3),
            company->as_of + 14 + (tn_day)gsl_rng_uniform_int(rng, 107),
            expansion_amount(c, 0.6, 1.0, rng), pick_rep(c, rng), rng);
    }

    int observed_days = c->end - c->signup;
    if (observed_days > LOST_MIN_TENURE_DAYS && gsl_rng_uniform(rng) < lost_opportunity_share) {
        tn_day close =
            c->signup + 90 + (tn_day)gsl_rng_uniform_int(rng, (unsigned long)(observed_days - 90));
        add(out, &count, TN_OPP_EXPANSION, TN_STAGE_CLOSED_LOST, close,
            expansion_amount(c, 0.5, 1.0, rng), pick_rep(c, rng), rng);
    }
    sort_by_close(out, count);
    return count;
}
