/*
 * customer.c — drawing a customer's profile (see customer.h).
 *
 * Churn is a continuous-time hazard on tenure t (days since signup):
 *
 *   h(t) = base[tier] · e^(−a·health − a²/2) · (1 + bump[tier] · e^(−b·health − b²/2) · φ(t)),
 *
 * for t ≥ min_tenure,
 * where φ is a Gaussian bump around the peak day (onboarding failure: the
 * intervention window the analysis looks for) and a, b make healthy customers
 * churn less, early failures most of all. The churn day is found by inverting
 * the cumulative hazard at an Exp(1) draw.
 *
 * Upgrades: a customer is an upgrader with probability logistic(base[tier] +
 * c·health + noise); the upgrade comes min_tenure + Gamma(k, θ) days after
 * signup, and only if the customer has not churned by then. Upgraders sit in
 * the upper part of their tier's MRR band (they are outgrowing it).
 */
#include "gen/customer.h"

#include <math.h>

#include <gsl/gsl_randist.h>

#include "gen/rng.h"

static double logistic(double x) {
    return 1.0 / (1.0 + exp(-x));
}

double tn_gen_churn_decay(const tn_gen_model *model, double days_before_churn) {
    double rise =
        logistic((days_before_churn - model->decay_midpoint_days) / model->decay_width_days);
    return model->decay_floor + (1.0 - model->decay_floor) * rise;
}

/* Signup day: density rising linearly by signup_growth across the window (a growing business). */
static tn_day draw_signup(const tn_gen_company *company, gsl_rng *rng) {
    double g = company->model->signup_growth;
    double u = gsl_rng_uniform(rng);
    /* inverse CDF of f(x) ∝ 1 + g·x on [0, 1) */
    double x = g > 1e-9 ? (sqrt(1.0 + g * (2.0 + g) * u) - 1.0) / g : u;
    int offset = (int)(x * company->model->window_days);
    if (offset >= company->model->window_days)
        offset = company->model->window_days - 1;
    return company->window_start + offset;
}

/* Tenure day of churn, or TN_DAY_NEVER when it falls beyond the simulated horizon. */
static int draw_churn_tenure(const tn_gen_company *company, const tn_gen_customer *c,
                             gsl_rng *rng) {
    const tn_gen_model *m = company->model;
    /* e^(−a·h − a²/2) has mean 1 over customers: the health effects spread the tier's
     * hazard without changing its average */
    double a = m->churn_health_effect, b = m->churn_early_health_effect;
    double base = m->churn_base_hazard[c->tier] * exp(-a * c->health - 0.5 * a * a);
    double bump = m->churn_early_bump[c->tier] * exp(-b * c->health - 0.5 * b * b);
    double target = gsl_ran_exponential(rng, 1.0);
    int first = m->churn_min_tenure_days;
    const double *cb = company->cumulative_bump;
    /* cumulative hazard from `first` to day d (exclusive), increasing in d */
#define CUMULATIVE(d) (base * ((d)-first) + base * bump * (cb[(d)] - cb[first]))
    int low = first, high = company->horizon_days;
    if (CUMULATIVE(high) < target)
        return TN_DAY_NEVER;
    while (high - low > 1) { /* invariant: CUMULATIVE(low) < target <= CUMULATIVE(high) */
        int mid = low + (high - low) / 2;
        if (CUMULATIVE(mid) < target)
            low = mid;
        else
            high = mid;
    }
#undef CUMULATIVE
    return low;
}

static void draw_hidden_traits(const tn_gen_model *m, tn_gen_customer *c, gsl_rng *rng) {
    c->health = gsl_ran_gaussian_ziggurat(rng, 1.0);
    double s = m->activity_sigma;
    c->activity = exp(s * gsl_ran_gaussian_ziggurat(rng, 1.0) - 0.5 * s * s +
                      m->activity_health_effect * c->health);
    c->adoption_logit = m->adoption_logit_base[c->tier] + m->adoption_health_effect * c->health +
                        m->adoption_sigma * gsl_ran_gaussian_ziggurat(rng, 1.0);
    s = m->integration_sigma;
    c->integration_burst = m->integration_burst_mean[c->tier] *
                           exp(m->integration_health_effect * c->health +
                               s * gsl_ran_gaussian_ziggurat(rng, 1.0) - 0.5 * s * s);
    s = m->ticket_sigma;
    c->tickets_per_day = m->tickets_per_month[c->tier] / 30.0 *
                         exp(-m->ticket_health_effect * c->health +
                             s * gsl_ran_gaussian_ziggurat(rng, 1.0) - 0.5 * s * s);
    c->premium_share =
        m->premium_base_share * exp(0.4 * gsl_ran_gaussian_ziggurat(rng, 1.0) - 0.08);
}

/* MRR in whole dollars within the tier band; upgraders sit near the ceiling. */
static int64_t draw_mrr_cents(tn_tier tier, bool upgrader, gsl_rng *rng) {
    double position = upgrader ? gsl_ran_beta(rng, 2.5, 1.3) : gsl_ran_beta(rng, 1.3, 2.0);
    double floor = tn_tier_mrr_floor[tier], ceiling = tn_tier_mrr_ceiling[tier];
    double dollars = round(floor + (ceiling - floor) * position);
    return (int64_t)dollars * 100;
}

void tn_gen_customer_draw(const tn_gen_company *company, uint64_t index, gsl_rng *rng,
                          tn_gen_customer *out) {
    const tn_gen_model *m = company->model;
    tn_gen_customer *c = out;
    tn_rng_seed_stream(rng, company->seed, index, TN_STREAM_PROFILE);
    c->index = index;
    c->id_high = tn_rng_next64(rng);
    c->id_low = tn_rng_next64(rng);
    c->tier = (tn_tier)gsl_ran_discrete(rng, company->tier_table);
    c->industry = (tn_industry)gsl_ran_discrete(rng, company->industry_table);
    c->signup = draw_signup(company, rng);
    c->sales_rep = (int)gsl_rng_uniform_int(rng, TN_SALES_REP_COUNT);
    draw_hidden_traits(m, c, rng);

    int churn_tenure = draw_churn_tenure(company, c, rng);
    c->churn_latent = churn_tenure == TN_DAY_NEVER ? TN_DAY_NEVER : c->signup + churn_tenure;

    double upgrade_logit = m->upgrade_logit_base[c->tier] + m->upgrade_health_effect * c->health +
                           0.5 * gsl_ran_gaussian_ziggurat(rng, 1.0);
    bool upgrader = gsl_rng_uniform(rng) < logistic(upgrade_logit);
    double upgrade_tenure = m->upgrade_min_tenure_days +
                            gsl_ran_gamma(rng, m->upgrade_gamma_shape, m->upgrade_gamma_scale);
    c->upgrade_latent = TN_DAY_NEVER;
    if (upgrader && c->signup + upgrade_tenure < (double)c->churn_latent)
        c->upgrade_latent = c->signup + (tn_day)upgrade_tenure;
    c->mrr_cents = draw_mrr_cents(c->tier, upgrader, rng);

    c->churn = c->churn_latent < company->as_of ? c->churn_latent : TN_DAY_NEVER;
    c->end = c->churn != TN_DAY_NEVER ? c->churn : company->as_of;
    c->upgrade = c->upgrade_latent < c->end ? c->upgrade_latent : TN_DAY_NEVER;
}
