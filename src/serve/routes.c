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
    [TN_ROUTE_PORTFOLIO] = {"/analytics/portfolio", "GET", false, true, "GET, HEAD, OPTIONS"},
    [TN_ROUTE_SURVIVAL] = {"/analytics/survival", "GET", false, true, "GET, HEAD, OPTIONS"},
    [TN_ROUTE_MODELS] = {"/analytics/models", "GET", false, true, "GET, HEAD, OPTIONS"},
    [TN_ROUTE_PAGE] = {"/", "GET", true, false, "GET, HEAD, OPTIONS"},
    [TN_ROUTE_ASSET] = {"/assets/{file}", "GET", true, false, "GET, HEAD, OPTIONS"},
};

/* The length of a template's fixed part when it ends in a parameter ("/customers/"), else 0. */
static size_t parameter_prefix(const char *template) {
    const char *brace = strchr(template, '{');
    return brace != NULL ? (size_t)(brace - template) : 0;
}

const tn_route *tn_route_get(tn_route_id id) {
    return id < TN_ROUTE_COUNT ? &routes[id] : NULL;
}

tn_route_id tn_route_match(const char *path, const char **parameter) {
    *parameter = NULL;
    for (int r = 0; r < TN_ROUTE_COUNT; r++) {
        size_t prefix = parameter_prefix(routes[r].path);
        if (prefix == 0) {
            if (strcmp(path, routes[r].path) == 0)
                return (tn_route_id)r;
        } else if (strncmp(path, routes[r].path, prefix) == 0) {
            const char *value = path + prefix;
            if (value[0] == '\0' || strchr(value, '/') != NULL)
                return TN_ROUTE_NONE;
            *parameter = value;
            return (tn_route_id)r;
        }
    }
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
