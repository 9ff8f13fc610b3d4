/*
 * routes.c — the route table and path matching (see routes.h).
 */
#include "serve/routes.h"

#include <string.h>

static const tn_route routes[TN_ROUTE_COUNT] = {
    [TN_ROUTE_HEALTH] = {"/health", "GET", true, false, "GET, HEAD, OPTIONS"},
    [TN_ROUTE_READY] = {"/ready", "GET", true, false, "GET, HEAD, OPTIONS"},
    [TN_ROUTE_PREDICT_CHURN] = {"/predictions/churn", "POST", false, true, "POST, OPTIONS"},
    [TN_ROUTE_PREDICT_UPGRADE] = {"/predictions/upgrade", "POST", false, true, "POST, OPTIONS"},
    [TN_ROUTE_PREDICT_BATCH] = {"/predictions/batch", "POST", false, true, "POST, OPTIONS"},
    [TN_ROUTE_CUSTOMERS] = {"/customers", "GET", false, true, "GET, HEAD, OPTIONS"},
    [TN_ROUTE_CUSTOMER] = {"/customers/{id}", "GET", false, true, "GET, HEAD, OPTIONS"},
    [TN_ROUTE_METRICS] = {"/metrics", "GET", false, false, "GET, HEAD, OPTIONS"},
    [TN_ROUTE_OPENAPI] = {"/openapi.json", "GET", false, false, "GET, HEAD, OPTIONS"},
};

static const char customer_prefix[] = "/customers/";

const tn_route *tn_route_get(tn_route_id id) {
    return id < TN_ROUTE_COUNT ? &routes[id] : NULL;
}

tn_route_id tn_route_match(const char *path, const char **parameter) {
    *parameter = NULL;
    size_t prefix = sizeof customer_prefix - 1;
    if (strncmp(path, customer_prefix, prefix) == 0) {
        const char *id = path + prefix;
        if (id[0] == '\0' || strchr(id, '/') != NULL)
            return TN_ROUTE_NONE;
        *parameter = id;
        return TN_ROUTE_CUSTOMER;
    }
    for (int r = 0; r < TN_ROUTE_COUNT; r++)
        if (r != TN_ROUTE_CUSTOMER && strcmp(path, routes[r].path) == 0)
            return (tn_route_id)r;
    return TN_ROUTE_NONE;
}

bool tn_route_allows(tn_route_id id, const char *method) {
    if (id >= TN_ROUTE_COUNT)
        return false;
    if (strcmp(method, routes[id].method) == 0)
        return true;
    return strcmp(method, "HEAD") == 0 && strcmp(routes[id].method, "GET") == 0;
}

const char *tn_route_label(tn_route_id id) {
    return id < TN_ROUTE_COUNT ? routes[id].path : "unmatched";
}
