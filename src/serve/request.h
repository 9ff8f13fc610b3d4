/*
 * request.h — checking what a client sent, before anything is looked up:
 * the JSON bodies of the prediction and summary routes and the query of GET
 * /customers.
 *
 * Malformed JSON is a 400 saying where it broke (line, column); a body that
 * is JSON but not what the route takes is a 422 naming the JSON path
 * ("$.customer_ids[3]: expected a string, got 42"), and so is an unknown
 * field or query parameter. Pure functions: no I/O, no snapshot.
 */
#ifndef TN_SERVE_REQUEST_H
#define TN_SERVE_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "insight/brief.h"
#include "serve/search.h"
#include "serve/snapshot.h"

/* The longest customer id accepted in a request. */
#define TN_CUSTOMER_ID_MAX 128
/* The most ids one POST /predictions/batch takes. */
#define TN_BATCH_MAX 1000
/* The largest page of GET /customers. */
#define TN_PAGE_MAX 100
#define TN_PAGE_DEFAULT 20

/* Why a request was refused: the HTTP status, an error code and a message. */
typedef struct {
    int status;    /* 400 or 422 */
    char code[32]; /* "malformed_json", "invalid_request", "invalid_query" */
    char message[512];
} tn_request_problem;

/* `{"customer_id": "…"}` → the id, copied into id[TN_CUSTOMER_ID_MAX + 1]. */
bool tn_request_customer_id(const char *body, size_t length, char *id, tn_request_problem *problem);

/*
 * `{"customer_id": "…", "audience": "csm" | "executive" | "account_executive"}`
 * (POST /summaries/customer) → the id, copied into id[TN_CUSTOMER_ID_MAX + 1],
 * and the audience. Both fields are required.
 */
bool tn_request_brief(const char *body, size_t length, char *id, tn_audience *audience,
                      tn_request_problem *problem);

/*
 * `{"customer_ids": ["…", …]}` (1 to TN_BATCH_MAX strings) → the array, a new
 * reference the caller drops with json_decref().
 */
bool tn_request_customer_ids(const char *body, size_t length, json_t **ids,
                             tn_request_problem *problem);

/* The query of GET /customers. */
typedef struct {
    long limit, offset;
    const char *plan_tier; /* NULL: any; else a static string */
    const char *risk_tier; /* NULL: any; else a static string */
    tn_sort_key sort;
    char q[TN_SEARCH_MAX + 1]; /* the search text (search.h) without surrounding spaces; "": none */
    unsigned seen;             /* parameters given so far, to refuse one given twice */
} tn_list_query;

/* The defaults: limit TN_PAGE_DEFAULT, offset 0, no filters, no search, sort by churn probability.
 */
void tn_list_query_init(tn_list_query *query);

/*
 * Applies one query parameter (`value` NULL for a bare `?key`); false with a
 * 422 problem, a name or value that is not UTF-8 included.
 */
bool tn_list_query_set(tn_list_query *query, const char *key, const char *value,
                       tn_request_problem *problem);

/* The query of GET /movers. */
typedef struct {
    char since[16]; /* "YYYY-MM-DD"; "": not given (the scoring before the latest) */
    long limit;     /* movers per list; 0: not given (TN_MOVERS_LIMIT_DEFAULT) */
} tn_movers_query;

/*
 * Applies one query parameter of GET /movers (`since`, a date, and `limit`,
 * 1 to TN_MOVERS_LIMIT_MAX, each once); false with a 422 problem.
 */
bool tn_movers_query_set(tn_movers_query *query, const char *key, const char *value,
                         tn_request_problem *problem);

/* GET /analytics/interventions: how many accounts are reached, and at what save rate. */
#define TN_INTERVENTIONS_DEFAULT_ACCOUNTS 20
#define TN_INTERVENTIONS_ACCOUNTS_MAX 1000000
typedef struct {
    double save_rate; /* NAN: not given (the plan's rate per tier) */
    long accounts;    /* 0: not given (TN_INTERVENTIONS_DEFAULT_ACCOUNTS) */
} tn_interventions_query;

void tn_interventions_query_init(tn_interventions_query *query);

/*
 * Applies one query parameter of GET /analytics/interventions (`save_rate`,
 * greater than 0 and at most 1, and `accounts`, 1 to
 * TN_INTERVENTIONS_ACCOUNTS_MAX, each once); false with a 422 problem.
 */
bool tn_interventions_query_set(tn_interventions_query *query, const char *key, const char *value,
                                tn_request_problem *problem);

/* The name of a sort key as the query spells it ("churn_probability", …). */
const char *tn_sort_key_name(tn_sort_key key);

#endif
