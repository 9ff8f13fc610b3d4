/*
 * tickets.h — one customer's support_tickets rows.
 *
 * Tickets arrive at the customer's base rate (higher for less healthy
 * customers, boosted in the first 60 days), plus a spike of mostly high and
 * critical tickets, mostly about integration and onboarding, in the 60 days
 * before a (latent) churn, plus feature requests in the months before an
 * upgrade. Resolution takes longer for lower priorities and for struggling
 * accounts. Rows are in date order.
 */
#ifndef TN_GEN_TICKETS_H
#define TN_GEN_TICKETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "gen/company.h"
#include "gen/customer.h"

typedef struct {
    uint64_t id_high, id_low; /* ticket_id */
    tn_day created;
    int32_t resolution_hours;
    uint8_t priority; /* tn_ticket_priority */
    uint8_t topic;    /* tn_ticket_topic */
} tn_gen_ticket;

typedef struct {
    tn_gen_ticket *items;
    size_t count, capacity;
} tn_gen_ticket_list;

/* Replaces `out`'s contents with customer `c`'s tickets. False when out of memory. */
bool tn_gen_customer_tickets(const tn_gen_company *company, const tn_gen_customer *c, gsl_rng *rng,
                             tn_gen_ticket_list *out);

void tn_gen_ticket_list_free(tn_gen_ticket_list *list);

#endif
