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
    [TN_ROUTE_CUSTOMER_HISTORY] = {"/customers/{id}/history", "GET", false, true,
                                   "GET, HEAD, OPTIONS"},
    [TN_ROUTE_SUMMARY_CUSTOMER] = {"/summaries/customer", "POST", false, true, "POST, OPTIONS"},
    [TN_ROUTE_MOVERS] = {"/movers", "GET", false, true, "GET, HEAD, OPTIONS"},
    [TN_ROUTE_METRICS] = {"/metrics", "GET", false, false, "GET, HEAD, OPTIONS"},
    [TN_ROUTE_OPENAPI] = {"/openapi.json", "GET", false, false, "GET, HEAD, OPTIONS"},
    [TN_ROUTE_PORTFOLIO] = {"/analytics/portfolio", "GET", false, true, "GET, HEAD, OPTIONS"},
    [TN_ROUTE_SURVIVAL] = {"/analytics/survival", "GET", false, true, "GET, HEAD, OPTIONS"},
    [TN_ROUTE_MODELS] = {"/analytics/models", "GET", false, true, "GET, HEAD, OPTIONS"},
    [TN_ROUTE_MODEL_HEALTH] = {"/health/model", "GET", false, true, "GET, HEAD, OPTIONS"},
    [TN_ROUTE_INTERVENTIONS] = {"/analytics/interventions", "GET", false, true,
                                "GET, HEAD, OPTIONS"},
    [TN_ROUTE_PAGE] = {"/", "GET", true, false, "GET, HEAD, OPTIONS"},
    [TN_ROUTE_ASSET] = {"/assets/{file}", "GET", true, false, "GET, HEAD, OPTIONS"},
};

/*
 * Whether `path` matches a template with one parameter ("/customers/{id}/history"):
 * the fixed part before the brace, then a non-empty parameter without '/', then
 * the fixed part after the closing brace.
 */
static bool match_parameter(const char *path, const char *template, const char **parameter,
                            size_t *length) {
    const char *open = strchr(template, '{'), *close = strchr(template, '}');
    size_t prefix = (size_t)(open - template);
    const char *suffix = close + 1;
    if (strncmp(path, template, prefix) != 0)
        return false;
    const char *value = path + prefix, *end = strchr(value, '/');
    size_t value_length = end != NULL ? (size_t)(end - value) : strlen(value);
    if (value_length == 0 || strcmp(value + value_length, suffix) != 0)
        return false;
    *parameter = value;
    *length = value_length;
    return true;
}

const tn_route *tn_route_get(tn_route_id id) {
    return id < TN_ROUTE_COUNT ? &routes[id] : NULL;
}

tn_route_id tn_route_match(const char *path, const char **parameter, size_t *parameter_length) {
    *parameter = NULL;
    *parameter_length = 0;
    for (int r = 0; r < TN_ROUTE_COUNT; r++) {
        if (strchr(routes[r].path, '{') == NULL) {
            if (strcmp(path, routes[r].path) == 0)
                return (tn_route_id)r;
        } else if (match_parameter(path, routes[r].path, parameter, parameter_length)) {
            return (tn_route_id)r;
        }
    }
    *parameter = NULL;
    *parameter_length = 0;
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
