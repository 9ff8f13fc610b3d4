/*
 * views.h — the JSON a customer's answers are made of, built once per
 * customer when a snapshot loads (see snapshot.h): the churn prediction,
 * the upgrade prediction (or why there is none), the Customer 360 and the
 * customer's line in a work-queue page. api/openapi.json describes each
 * shape; the integration tests validate real answers against it.
 */
#ifndef TN_SERVE_VIEWS_H
#define TN_SERVE_VIEWS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "ml/score.h"
#include "serve/snapshot.h"
#include "warehouse/table.h"

/* What every answer of one snapshot carries. */
typedef struct {
    const char *as_of;
    const char *churn_version, *expansion_version;
    const char *risk_formula; /* the composite risk score's formula over the inputs present */
} tn_view_context;

/* One customer's inputs: scores, Customer 360 facts, tickets, usage, open opportunities. */
typedef struct {
    const tn_customer_score *score;
    const tn_table *facts; /* rows of sql/serve/customer_360.sql */
    size_t row;            /* this customer's row in `facts` */
    json_t *opportunities; /* JSON array of the open opportunities (borrowed) */
    json_t *tickets;       /* JSON array of the latest tickets (borrowed) */
    json_t *daily_events;  /* JSON array: events per day, the 90 days before the as-of date
                              (borrowed; NULL: none) */
} tn_view_input;

/* Fills every body of `out` (its id and search fields included). False when memory runs out. */
bool tn_views_build(const tn_view_context *context, const tn_view_input *input,
                    tn_serve_customer *out);

/* An opportunity of sql/serve/open_opportunities.sql as JSON (new reference). */
json_t *tn_view_opportunity(const tn_table *rows, size_t row);

/* A ticket of sql/serve/recent_tickets.sql as JSON (new reference). */
json_t *tn_view_ticket(const tn_table *rows, size_t row);

/*
 * Serialises `value` compactly into `body`, with reals to 8 significant
 * digits, and drops the reference. False when memory runs out.
 */
bool tn_body_from_json(json_t *value, tn_body *body);

/*
 * The same with reals to `digits` significant digits: 15 keeps portfolio
 * sums such as an ARR of $121,994,844.50 whole, and prints a value rounded
 * to a few decimals as just those decimals.
 */
bool tn_body_from_json_digits(json_t *value, int digits, tn_body *body);

/* `{"error":{"code":code,"message":message}}` as a body. False when memory runs out. */
bool tn_body_error(const char *code, const char *message, tn_body *body);

#endif
