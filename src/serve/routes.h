/*
 * routes.h — the routes `tenure serve` answers, in one table: the path
 * template, the methods, whether it is public (answered without an API
 * key: health checks and the dashboard's static files, which hold no
 * data). The server dispatches with it, /metrics labels requests with its
 * templates, and a unit test checks that api/openapi.json describes exactly
 * these routes and methods.
 */
#ifndef TN_SERVE_ROUTES_H
#define TN_SERVE_ROUTES_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    TN_ROUTE_HEALTH,
    TN_ROUTE_READY,
    TN_ROUTE_PREDICT_CHURN,
    TN_ROUTE_PREDICT_UPGRADE,
    TN_ROUTE_PREDICT_BATCH,
    TN_ROUTE_CUSTOMERS,
    TN_ROUTE_CUSTOMER,
    TN_ROUTE_CUSTOMER_HISTORY,
    TN_ROUTE_SUMMARY_CUSTOMER,
    TN_ROUTE_MOVERS,
    TN_ROUTE_METRICS,
    TN_ROUTE_OPENAPI,
    TN_ROUTE_PORTFOLIO,
    TN_ROUTE_SURVIVAL,
    TN_ROUTE_MODELS,
    TN_ROUTE_MODEL_HEALTH,
    TN_ROUTE_INTERVENTIONS,
    TN_ROUTE_PAGE,
    TN_ROUTE_ASSET,
    TN_ROUTE_COUNT,
    TN_ROUTE_NONE = TN_ROUTE_COUNT, /* no route has this path */
} tn_route_id;

typedef struct {
    const char *path;    /* "/customers/{id}": OpenAPI's template, and the /metrics label */
    const char *method;  /* "GET" (HEAD too) or "POST" */
    bool public;         /* answered without an API key */
    bool needs_snapshot; /* answers from marts and models: 503 until they are loaded */
    const char *allow;   /* the Allow header: the methods, OPTIONS included */
} tn_route;

/* The route `id` (TN_ROUTE_NONE is not one). */
const tn_route *tn_route_get(tn_route_id id);

/*
 * The route a request path matches, or TN_ROUTE_NONE. For a template with
 * a parameter (/customers/{id}, /customers/{id}/history, /assets/{file})
 * *parameter points at it inside `path` and *parameter_length says how long
 * it is (else they are NULL and 0); it is not empty and holds no '/'.
 */
tn_route_id tn_route_match(const char *path, const char **parameter, size_t *parameter_length);

/* True when `method` is one the route answers (HEAD with GET; OPTIONS is handled before). */
bool tn_route_allows(tn_route_id id, const char *method);

/* The /metrics label of a route: its template, or "unmatched". */
const char *tn_route_label(tn_route_id id);

#endif
