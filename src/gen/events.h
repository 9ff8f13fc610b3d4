/*
 * events.h — one customer's usage_events rows.
 *
 * Day by day over the customer's observed life [signup, end), the number of
 * events is Poisson with mean
 *
 *   events_per_day[tier] · activity · onboarding ramp · weekday factor
 *     · e^(trend·health·years) · spell · decay(days until churn)
 *
 * where `spell` = e^(x − σ²/2) and x follows a stationary Ornstein-Uhlenbeck
 * process (sd σ = burst_sigma, correlation time burst_days): busy and quiet
 * spells of a few weeks (audits, projects, holidays) that make any single
 * month's usage a noisy view of a customer, while a lifetime evens them out.
 * plus, in the first 30 days, a burst of integration_connect events
 * (Poisson, mean integration_burst). decay() falls along a logistic curve
 * from 1 to decay_floor over the weeks before the (latent) churn day, so
 * churners' usage declines before they leave. Each event gets a UTC time of
 * day from the hour weights, a type (retention-signal share rising with
 * health, premium_feature_trial rising over the months before an upgrade)
 * and a feature_adoption_score around the customer's adoption level, which
 * drifts with health, drops before churn, and is lower all along for
 * customers whose onboarding fails (they churn within 90 days). Rows are in
 * time order.
 */
#ifndef TN_GEN_EVENTS_H
#define TN_GEN_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "gen/company.h"
#include "gen/customer.h"

/* One usage_events row (customer_id is the customer's). */
typedef struct {
    tn_timestamp timestamp;
    uint64_t id_high, id_low; /* event_id */
    uint16_t score;           /* feature_adoption_score × 10,000 (four decimals, exactly) */
    uint8_t type;             /* tn_event_type */
} tn_gen_event;

/* A growable list of events; owns `items`. Start zeroed; free with tn_gen_event_list_free(). */
typedef struct {
    tn_gen_event *items;
    size_t count, capacity;
} tn_gen_event_list;

/* Replaces `out`'s contents with customer `c`'s events. False when out of memory. */
bool tn_gen_customer_events(const tn_gen_company *company, const tn_gen_customer *c, gsl_rng *rng,
                            tn_gen_event_list *out);

void tn_gen_event_list_free(tn_gen_event_list *list);

#endif
