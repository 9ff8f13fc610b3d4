/*
 * events.c — one customer's usage events (see events.h for the model).
 */
#include "gen/events.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>

#include "gen/rng.h"

enum { INTEGRATION_BURST_DAYS = 30, ONBOARDING_RAMP_DAYS = 30, MAX_BURST_EVENTS = 64 };
enum { FAILED_ONBOARDING_DAYS = 90 }; /* churning this soon after signup: onboarding failed */

/* What stays the same across one customer's days. */
typedef struct {
    const tn_gen_company *company;
    const tn_gen_customer *customer;
    gsl_ran_discrete_t *type_table; /* the six non-premium types */
    double base_rate;               /* events a day before day-specific factors */
    double adoption;                /* adoption level at signup, 0..1 */
} event_plan;

static bool grow(tn_gen_event_list *list, size_t needed) {
    if (needed <= list->capacity)
        return true;
    size_t capacity = list->capacity < 256 ? 256 : list->capacity;
    while (capacity < needed)
        capacity *= 2;
    tn_gen_event *items = realloc(list->items, capacity * sizeof *items);
    if (items == NULL)
        return false;
    list->items = items;
    list->capacity = capacity;
    return true;
}

void tn_gen_event_list_free(tn_gen_event_list *list) {
    free(list->items);
    list->items = NULL;
    list->count = list->capacity = 0;
}

/* Mix of the six non-premium event types for this customer. */
static gsl_ran_discrete_t *make_type_table(const tn_gen_model *m, const tn_gen_customer *c) {
    double retention = m->retention_share + m->retention_health_effect * c->health;
    retention = retention < 0.2 ? 0.2 : retention > 0.8 ? 0.8 : retention;
    double weights[6];
    weights[TN_EVENT_EVIDENCE_UPLOAD] = retention * m->retention_split[0];
    weights[TN_EVENT_MONITORING_RUN] = retention * m->retention_split[1];
    weights[TN_EVENT_REPORT_VIEW] = retention * m->retention_split[2];
    weights[TN_EVENT_USER_INVITE] = m->invite_share;
    weights[TN_EVENT_INTEGRATION_CONNECT] = m->integration_share;
    weights[TN_EVENT_API_CALL] = 1.0 - retention - m->invite_share - m->integration_share;
    return gsl_ran_discrete_preproc(6, weights);
}

/* Share of premium_feature_trial events on `day`: rising over the ramp before an upgrade. */
static double premium_share(const tn_gen_model *m, const tn_gen_customer *c, tn_day day) {
    if (c->upgrade_latent == TN_DAY_NEVER)
        return c->premium_share;
    if (day >= c->upgrade_latent)
        return m->premium_post_share;
    double progress = 1.0 - (double)(c->upgrade_latent - day) / m->premium_ramp_days;
    if (progress <= 0)
        return c->premium_share;
    return c->premium_share + (m->premium_peak_share - c->premium_share) * progress * progress;
}

/* Decay factor on `day` (1 when no churn is coming). */
static double decay_on(const tn_gen_model *m, const tn_gen_customer *c, tn_day day) {
    if (c->churn_latent == TN_DAY_NEVER)
        return 1.0;
    return tn_gen_churn_decay(m, (double)(c->churn_latent - day));
}

static uint16_t draw_score(const event_plan *plan, double level, gsl_rng *rng) {
    double score =
        level + plan->company->model->adoption_event_sigma * gsl_ran_gaussian_ziggurat(rng, 1.0);
    score = score < 0 ? 0 : score > 1 ? 1 : score;
    return (uint16_t)lround(score * 10000.0);
}

static void sort_by_time(tn_gen_event *events, size_t count) {
    for (size_t i = 1; i < count; i++) { /* a day holds few events: insertion sort */
        tn_gen_event moving = events[i];
        size_t j = i;
        while (j > 0 && events[j - 1].timestamp > moving.timestamp) {
            events[j] = events[j - 1];
            j--;
        }
        events[j] = moving;
    }
}

/* Appends one day's events: `count` drawn from the mix, `burst` integration connects. */
static bool add_day(const event_plan *plan, tn_day day, unsigned count, unsigned burst,
                    gsl_rng *rng, tn_gen_event_list *out) {
    const tn_gen_model *m = plan->company->model;
    const tn_gen_customer *c = plan->customer;
    if (!grow(out, out->count + count + burst))
        return false;
    double decay = decay_on(m, c, day);
    double years = (day - c->signup) / 365.0;
    double level = plan->adoption + m->adoption_trend_per_year * c->health * years -
                   m->adoption_churn_drop * (1.0 - decay) / (1.0 - m->decay_floor);
    double premium = premium_share(m, c, day);
    tn_gen_event *first = out->items + out->count;
    for (unsigned i = 0; i < count + burst; i++) {
        tn_gen_event *e = &out->items[out->count++];
        int hour = (int)gsl_ran_discrete(rng, plan->company->hour_table);
        e->timestamp =
            tn_day_start(day) + hour * 3600 + (tn_timestamp)gsl_rng_uniform_int(rng, 3600);
        if (i >= count)
            e->type = TN_EVENT_INTEGRATION_CONNECT;
        else if (gsl_rng_uniform(rng) < premium)
            e->type = TN_EVENT_PREMIUM_FEATURE_TRIAL;
        else
            e->type = (uint8_t)gsl_ran_discrete(rng, plan->type_table);
        e->score = draw_score(plan, level, rng);
        e->id_high = tn_rng_next64(rng);
        e->id_low = tn_rng_next64(rng);
    }
    sort_by_time(first, count + burst);
    return true;
}

/* Expected events on `day`, before the Poisson draw. */
static double rate_on(const event_plan *plan, tn_day day) {
    const tn_gen_model *m = plan->company->model;
    const tn_gen_customer *c = plan->customer;
    int tenure = day - c->signup;
    double ramp = tenure >= ONBOARDING_RAMP_DAYS ? 1.0 : 0.4 + 0.6 * tenure / ONBOARDING_RAMP_DAYS;
    double trend = exp(m->activity_trend_per_year * c->health * tenure / 365.0);
    return plan->base_rate * ramp * trend * m->weekday_factor[tn_day_weekday(day)] *
           decay_on(m, c, day);
}

bool tn_gen_customer_events(const tn_gen_company *company, const tn_gen_customer *c, gsl_rng *rng,
                            tn_gen_event_list *out) {
    const tn_gen_model *m = company->model;
    out->count = 0;
    tn_rng_seed_stream(rng, company->seed, c->index, TN_STREAM_EVENTS);
    event_plan plan = {
        .company = company,
        .customer = c,
        .type_table = make_type_table(m, c),
        .base_rate = m->events_per_day[c->tier] * c->activity,
        .adoption = 1.0 / (1.0 + exp(-c->adoption_logit)),
    };
    if (c->churn_latent != TN_DAY_NEVER && c->churn_latent - c->signup <= FAILED_ONBOARDING_DAYS)
        plan.adoption -= m->adoption_failed_onboarding; /* never got going */
    if (plan.type_table == NULL)
        return false;

    /* the integration burst: which of the first 30 days each connect falls on */
    unsigned burst_by_day[INTEGRATION_BURST_DAYS] = {0};
    unsigned burst = gsl_ran_poisson(rng, c->integration_burst);
    for (unsigned i = 0; i < burst && i < MAX_BURST_EVENTS; i++)
        burst_by_day[gsl_rng_uniform_int(rng, INTEGRATION_BURST_DAYS)]++;

    /* busy and quiet spells: a stationary Ornstein-Uhlenbeck process on log-activity */
    double sigma = m->burst_sigma;
    double keep = exp(-1.0 / m->burst_days);
    double innovation = sigma * sqrt(1.0 - keep * keep);
    double spell = gsl_ran_gaussian_ziggurat(rng, sigma);

    bool ok = true;
    for (tn_day day = c->signup; ok && day < c->end; day++) {
        int tenure = day - c->signup;
        unsigned extra = tenure < INTEGRATION_BURST_DAYS ? burst_by_day[tenure] : 0;
        double spell_factor = exp(spell - 0.5 * sigma * sigma);
        spell = keep * spell + gsl_ran_gaussian_ziggurat(rng, innovation);
        unsigned count = gsl_ran_poisson(rng, rate_on(&plan, day) * spell_factor);
        if (count + extra > 0)
            ok = add_day(&plan, day, count, extra, rng, out);
    }
    gsl_ran_discrete_free(plan.type_table);
    return ok;
}
