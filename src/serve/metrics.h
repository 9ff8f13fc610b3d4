/*
 * metrics.h — what GET /metrics reports, in Prometheus' text format:
 * requests counted per route and status, with a latency histogram each,
 * and the server's gauges (snapshot age, customers loaded, reloads,
 * connections open, refused and timed out, …).
 *
 * Recording is a few relaxed atomic additions, safe from every worker
 * thread and lock-free; rendering reads the counters as they are.
 */
#ifndef TN_SERVE_METRICS_H
#define TN_SERVE_METRICS_H

#include <stdatomic.h>
#include <stdint.h>

#include "common/strbuf.h"
#include "serve/routes.h"

/* The statuses the server answers with; anything else is counted as "other". */
#define TN_METRIC_STATUSES 18
/* Upper bounds of the latency buckets, in seconds (+Inf is implied). */
#define TN_METRIC_BUCKETS 12

typedef struct {
    /* [route][status]; route TN_ROUTE_NONE counts unmatched paths */
    atomic_uint_fast64_t count[TN_ROUTE_COUNT + 1][TN_METRIC_STATUSES];
    atomic_uint_fast64_t micros[TN_ROUTE_COUNT + 1][TN_METRIC_STATUSES];
    atomic_uint_fast64_t bucket[TN_ROUTE_COUNT + 1][TN_METRIC_STATUSES][TN_METRIC_BUCKETS];
} tn_metrics;

/* The server's state at the moment of rendering. */
typedef struct {
    double snapshot_age_seconds;
    double snapshot_load_seconds;
    uint64_t customers_loaded;
    uint64_t customers_answered; /* of them, those whose every answer is made (warmed) */
    int ready;
    uint64_t reloads_ok, reloads_failed;
    uint64_t in_flight;
    uint64_t access_log_dropped;
    uint64_t connections_open;                    /* the gate's (gate.h) */
    uint64_t refused_per_ip, refused_busy;        /* connections refused with 429, 503 */
    uint64_t closed_request_timeout, closed_idle; /* closed at the request deadline */
    const char *as_of, *churn_version, *expansion_version, *version;
} tn_metrics_gauges;

/* Zeroes every counter. */
void tn_metrics_init(tn_metrics *metrics);

/* Counts one answered request and its latency. */
void tn_metrics_record(tn_metrics *metrics, tn_route_id route, int status, double seconds);

/* Appends the exposition text (only the route/status pairs seen so far). */
void tn_metrics_render(const tn_metrics *metrics, const tn_metrics_gauges *gauges, tn_strbuf *out);

#endif
