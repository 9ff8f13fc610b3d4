/*
 * documents.h — the JSON documents that tell one customer's answers
 * (answer.h), the one encoding every surface uses:
 *
 *   prediction — the customer's scores: churn probability and tier, its
 *                SHAP drivers and recommended action, the composite risk
 *                score and its inputs, the upgrade document (or why there
 *                is none), the conflict-matrix quadrant and its action, the
 *                tier cut-offs and the model versions. POST
 *                /predictions/churn answers it, and `tenure score --format
 *                json` prints it: the same bytes (tn_document_text);
 *   upgrade    — the upgrade prediction of an expansion candidate (POST
 *                /predictions/upgrade, and the prediction's "upgrade");
 *   customer   — the Customer 360 (GET /customers/{id}): the account, its
 *                profile, both predictions, usage, support and pipeline;
 *   item       — the customer's line in a work-queue page (GET /customers).
 *
 * api/openapi.json describes each shape; the integration tests validate
 * real answers against it. A SHAP driver's value has its feature's type: a
 * number (exact), a boolean, a category, or null when missing. Numbers that
 * are NaN become null (common/json.h).
 */
#ifndef TN_INSIGHT_DOCUMENTS_H
#define TN_INSIGHT_DOCUMENTS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "insight/answer.h"
#include "warehouse/table.h"

/* The Customer 360's facts beyond the scores. */
typedef struct {
    const tn_table *facts; /* rows of sql/serve/customer_360.sql */
    size_t row;            /* this customer's row in `facts` */
    json_t *opportunities; /* JSON array of the open opportunities (borrowed; NULL: none) */
    json_t *tickets;       /* JSON array of the latest tickets (borrowed; NULL: none) */
    json_t *daily_events;  /* JSON array: events per day, the 90 days before the as-of date
                              (borrowed; NULL: none) */
} tn_customer_facts;

/*
 * The cut-offs each tier was read with (new reference):
 * {"churn_probability": {"medium", "high", "critical"}, "upgrade_propensity": …,
 * "risk_score": …}. Every prediction and the portfolio carry it.
 */
json_t *tn_document_tiers(const tn_answer_context *context);

/* The prediction document (new reference; NULL when memory runs out). */
json_t *tn_document_prediction(const tn_answer_context *context, const tn_answer *answer);

/* The upgrade document of an expansion candidate (new reference); NULL for anyone else. */
json_t *tn_document_upgrade(const tn_answer_context *context, const tn_answer *answer);

/*
 * Why a customer has no upgrade document, into out[size]; `upgraded_on` is
 * the day it upgraded, or NULL when not known.
 */
void tn_document_no_upgrade(const tn_answer *answer, const char *upgraded_on, char *out,
                            size_t size);

/*
 * The Customer 360 (new reference), holding `prediction` and `upgrade`
 * (borrowed; `upgrade` NULL for a customer who is no expansion candidate).
 */
json_t *tn_document_customer(const tn_answer_context *context, const tn_answer *answer,
                             const tn_customer_facts *facts, json_t *prediction, json_t *upgrade);

/* The customer's line in a work-queue page (new reference). */
json_t *tn_document_item(const tn_answer *answer, const tn_customer_facts *facts);

/* An opportunity of sql/serve/open_opportunities.sql as JSON (new reference). */
json_t *tn_document_opportunity(const tn_table *rows, size_t row);

/* A ticket of sql/serve/recent_tickets.sql as JSON (new reference). */
json_t *tn_document_ticket(const tn_table *rows, size_t row);

/*
 * The one way a document becomes text: compact, keys in order, reals to
 * `digits` significant digits (8 for the customer documents; 15 keeps
 * portfolio sums such as an ARR of $121,994,844.50 whole). Drops the
 * reference to `value`. Returns a malloc'd string the caller frees, or
 * NULL when `value` is NULL or memory runs out.
 */
char *tn_document_text(json_t *value, int digits);

/* The customer documents' precision. */
#define TN_DOCUMENT_DIGITS 8

#endif
