/*
 * tickets.c — one customer's support tickets (see tickets.h).
 */
#include "gen/tickets.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>

#include "gen/rng.h"

enum { ONBOARDING_DAYS = 60, SPIKE_DAYS = 60 };

typedef enum { TICKET_ROUTINE, TICKET_PRE_CHURN, TICKET_FEATURE_REQUEST } ticket_kind;

static bool grow(tn_gen_ticket_list *list, size_t needed) {
    if (needed <= list->capacity)
        return true;
    size_t capacity = list->capacity < 32 ? 32 : list->capacity;
    while (capacity < needed)
        capacity *= 2;
    tn_gen_ticket *items = realloc(list->items, capacity * sizeof *items);
    if (items == NULL)
        return false;
    list->items = items;
    list->capacity = capacity;
    return true;
}

void tn_gen_ticket_list_free(tn_gen_ticket_list *list) {
    free(list->items);
    list->items = NULL;
    list->count = list->capacity = 0;
}

/* Draws an index from unnormalised `weights` (few categories: a linear scan). */
static int draw_weighted(const double *weights, int count, gsl_rng *rng) {
    double total = 0;
    for (int i = 0; i < count; i++)
        total += weights[i];
    double u = gsl_rng_uniform(rng) * total;
    for (int i = 0; i < count - 1; i++) {
        if (u < weights[i])
            return i;
        u -= weights[i];
    }
    return count - 1;
}

static void draw_priority_and_topic(const tn_gen_model *m, const tn_gen_customer *c,
                                    ticket_kind kind, int tenure, gsl_rng *rng, tn_gen_ticket *t) {
    double priority[TN_PRIORITY_COUNT], topic[TN_TOPIC_COUNT];
    double struggle = c->health < 0 ? -c->health : 0;
    for (int i = 0; i < TN_PRIORITY_COUNT; i++)
        priority[i] = kind == TICKET_PRE_CHURN ? m->spike_priority_mix[i] : m->priority_mix[i];
    for (int i = 0; i < TN_TOPIC_COUNT; i++)
        topic[i] = kind == TICKET_PRE_CHURN ? m->spike_topic_mix[i] : m->topic_mix[i];
    if (kind == TICKET_ROUTINE) {
        priority[TN_PRIORITY_HIGH] *= 1.0 + 0.3 * struggle;
        priority[TN_PRIORITY_CRITICAL] *= 1.0 + 0.3 * struggle;
        topic[TN_TOPIC_INTEGRATION] *= 1.0 + 0.35 * struggle;
        topic[TN_TOPIC_ONBOARDING] *=
            (1.0 + 0.35 * struggle) * (tenure < ONBOARDING_DAYS ? 2.5 : 1.0);
    }
    if (kind == TICKET_FEATURE_REQUEST) {
        t->priority = gsl_rng_uniform(rng) < 0.6 ? TN_PRIORITY_LOW : TN_PRIORITY_MEDIUM;
        t->topic = TN_TOPIC_FEATURE_REQUEST;
        return;
    }
    t->priority = (uint8_t)draw_weighted(priority, TN_PRIORITY_COUNT, rng);
    t->topic = (uint8_t)draw_weighted(topic, TN_TOPIC_COUNT, rng);
}

/* Adds `count` tickets of `kind` on uniform days of [from, to). */
static bool add_tickets(const tn_gen_company *company, const tn_gen_customer *c, ticket_kind kind,
                        tn_day from, tn_day to, unsigned count, gsl_rng *rng,
                        tn_gen_ticket_list *out) {
    const tn_gen_model *m = company->model;
    if (to <= from || count == 0)
        return true;
    if (!grow(out, out->count + count))
        return false;
    for (unsigned i = 0; i < count; i++) {
        tn_gen_ticket *t = &out->items[out->count++];
        t->created = from + (tn_day)gsl_rng_uniform_int(rng, (unsigned long)(to - from));
        draw_priority_and_topic(m, c, kind, t->created - c->signup, rng, t);
        double hours = m->resolution_median_hours[t->priority] *
                       exp(-m->resolution_health_effect * c->health +
                           m->resolution_sigma * gsl_ran_gaussian_ziggurat(rng, 1.0));
        t->resolution_hours = hours < 1 ? 1 : hours > 2000 ? 2000 : (int32_t)lround(hours);
        t->id_high = tn_rng_next64(rng);
        t->id_low = tn_rng_next64(rng);
    }
    return true;
}

static int by_created_day(const void *a, const void *b) {
    const tn_gen_ticket *x = a, *y = b;
    if (x->created != y->created)
        return (x->created > y->created) - (x->created < y->created);
    return (x->id_high > y->id_high) - (x->id_high < y->id_high); /* same order on every libc */
}

static tn_day min_day(tn_day a, tn_day b) {
    return a < b ? a : b;
}

static tn_day max_day(tn_day a, tn_day b) {
    return a > b ? a : b;
}

bool tn_gen_customer_tickets(const tn_gen_company *company, const tn_gen_customer *c, gsl_rng *rng,
                             tn_gen_ticket_list *out) {
    const tn_gen_model *m = company->model;
    out->count = 0;
    tn_rng_seed_stream(rng, company->seed, c->index, TN_STREAM_TICKETS);

    tn_day onboarding_end = min_day(c->signup + ONBOARDING_DAYS, c->end);
    double boosted = c->tickets_per_day * m->ticket_onboarding_boost * (onboarding_end - c->signup);
    double routine = c->tickets_per_day * (c->end - onboarding_end);
    bool ok = add_tickets(company, c, TICKET_ROUTINE, c->signup, onboarding_end,
                          gsl_ran_poisson(rng, boosted), rng, out) &&
              add_tickets(company, c, TICKET_ROUTINE, onboarding_end, c->end,
                          gsl_ran_poisson(rng, routine), rng, out);

    if (ok && c->churn_latent != TN_DAY_NEVER) {
        tn_day from = max_day(c->churn_latent - SPIKE_DAYS, c->signup);
        tn_day to = min_day(c->churn_latent, c->end);
        if (to > from) {
            double mean = m->ticket_spike_mean * (to - from) / SPIKE_DAYS;
            ok = add_tickets(company, c, TICKET_PRE_CHURN, from, to, gsl_ran_poisson(rng, mean),
                             rng, out);
        }
    }
    if (ok && c->upgrade_latent != TN_DAY_NEVER) {
        tn_day from = max_day(c->upgrade_latent - m->premium_ramp_days, c->signup);
        tn_day to = min_day(c->upgrade_latent, c->end);
        if (to > from) {
            double mean = m->feature_request_before_upgrade * (to - from) / m->premium_ramp_days;
            ok = add_tickets(company, c, TICKET_FEATURE_REQUEST, from, to,
                             gsl_ran_poisson(rng, mean), rng, out);
        }
    }
    if (ok && out->count > 1) /* items is NULL while there are none */
        qsort(out->items, out->count, sizeof *out->items, by_created_day);
    return ok;
}
