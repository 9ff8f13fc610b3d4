/*
 * metrics.c — request counters, latency histograms and their Prometheus
 * text (see metrics.h).
 */
#include "serve/metrics.h"

#include <string.h>

static const int statuses[TN_METRIC_STATUSES] = {200, 204, 400, 401, 403, 404, 405, 408, 413,
                                                 414, 415, 422, 431, 500, 503, 505, 0,   -1};
static const char *const status_labels[TN_METRIC_STATUSES] = {
    "200", "204", "400", "401", "403", "404", "405", "408",     "413",
    "414", "415", "422", "431", "500", "503", "505", "aborted", "other"};
static const double bucket_bounds[TN_METRIC_BUCKETS] = {
    0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5, 2.5};

static int status_index(int status) {
    for (int i = 0; i < TN_METRIC_STATUSES - 1; i++)
        if (statuses[i] == status)
            return i;
    return TN_METRIC_STATUSES - 1;
}

void tn_metrics_init(tn_metrics *metrics) {
    for (int r = 0; r <= TN_ROUTE_COUNT; r++)
        for (int s = 0; s < TN_METRIC_STATUSES; s++) {
            atomic_init(&metrics->count[r][s], 0);
            atomic_init(&metrics->micros[r][s], 0);
            for (int b = 0; b < TN_METRIC_BUCKETS; b++)
                atomic_init(&metrics->bucket[r][s][b], 0);
        }
}

void tn_metrics_record(tn_metrics *metrics, tn_route_id route, int status, double seconds) {
    int r = route <= TN_ROUTE_COUNT ? (int)route : TN_ROUTE_COUNT, s = status_index(status);
    atomic_fetch_add_explicit(&metrics->count[r][s], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&metrics->micros[r][s], (uint_fast64_t)(seconds * 1e6 + 0.5),
                              memory_order_relaxed);
    for (int b = 0; b < TN_METRIC_BUCKETS; b++)
        if (seconds <= bucket_bounds[b]) {
            atomic_fetch_add_explicit(&metrics->bucket[r][s][b], 1, memory_order_relaxed);
            break;
        }
}

static uint64_t load(const atomic_uint_fast64_t *counter) {
    return atomic_load_explicit(counter, memory_order_relaxed);
}

static void render_requests(const tn_metrics *metrics, tn_strbuf *out) {
    tn_strbuf_puts(out,
                   "# HELP tenure_http_requests_total Requests answered, by route and status.\n"
                   "# TYPE tenure_http_requests_total counter\n");
    for (int r = 0; r <= TN_ROUTE_COUNT; r++)
        for (int s = 0; s < TN_METRIC_STATUSES; s++)
            if (load(&metrics->count[r][s]) > 0)
                tn_strbuf_printf(out,
                                 "tenure_http_requests_total{route=\"%s\",status=\"%s\"} %llu\n",
                                 tn_route_label((tn_route_id)r), status_labels[s],
                                 (unsigned long long)load(&metrics->count[r][s]));
}

static void render_histogram(const tn_metrics *metrics, int r, int s, tn_strbuf *out) {
    const char *route = tn_route_label((tn_route_id)r);
    uint64_t cumulative = 0, count = load(&metrics->count[r][s]);
    for (int b = 0; b < TN_METRIC_BUCKETS; b++) {
        cumulative += load(&metrics->bucket[r][s][b]);
        tn_strbuf_printf(out,
                         "tenure_http_request_duration_seconds_bucket{route=\"%s\",status=\"%s\","
                         "le=\"%g\"} %llu\n",
                         route, status_labels[s], bucket_bounds[b], (unsigned long long)cumulative);
    }
    /* Counters are read one by one while requests land: +Inf is never below a bucket. */
    if (count < cumulative)
        count = cumulative;
    tn_strbuf_printf(
        out,
        "tenure_http_request_duration_seconds_bucket{route=\"%s\",status=\"%s\",le=\"+Inf\"} %llu\n"
        "tenure_http_request_duration_seconds_sum{route=\"%s\",status=\"%s\"} %.6f\n"
        "tenure_http_request_duration_seconds_count{route=\"%s\",status=\"%s\"} %llu\n",
        route, status_labels[s], (unsigned long long)count, route, status_labels[s],
        (double)load(&metrics->micros[r][s]) / 1e6, route, status_labels[s],
        (unsigned long long)count);
}

static void gauge(tn_strbuf *out, const char *name, const char *help, const char *type,
                  double value) {
    tn_strbuf_printf(out, "# HELP %s %s\n# TYPE %s %s\n%s %.17g\n", name, help, name, type, name,
                     value);
}

static void render_connections(const tn_metrics_gauges *gauges, tn_strbuf *out) {
    gauge(out, "tenure_connections_open", "Client connections open.", "gauge",
          (double)gauges->connections_open);
    tn_strbuf_printf(
        out,
        "# HELP tenure_connections_refused_total Connections refused at once, by the limit "
        "reached.\n"
        "# TYPE tenure_connections_refused_total counter\n"
        "tenure_connections_refused_total{limit=\"per_ip\"} %llu\n"
        "tenure_connections_refused_total{limit=\"total\"} %llu\n"
        "# HELP tenure_connections_timed_out_total Connections closed at the request deadline: "
        "with a request begun (408) or none.\n"
        "# TYPE tenure_connections_timed_out_total counter\n"
        "tenure_connections_timed_out_total{request=\"begun\"} %llu\n"
        "tenure_connections_timed_out_total{request=\"none\"} %llu\n",
        (unsigned long long)gauges->refused_per_ip, (unsigned long long)gauges->refused_busy,
        (unsigned long long)gauges->closed_request_timeout,
        (unsigned long long)gauges->closed_idle);
}

void tn_metrics_render(const tn_metrics *metrics, const tn_metrics_gauges *gauges, tn_strbuf *out) {
    render_requests(metrics, out);
    tn_strbuf_puts(out,
                   "# HELP tenure_http_request_duration_seconds Time from the request's headers "
                   "to its last byte sent.\n"
                   "# TYPE tenure_http_request_duration_seconds histogram\n");
    for (int r = 0; r <= TN_ROUTE_COUNT; r++)
        for (int s = 0; s < TN_METRIC_STATUSES; s++)
            if (load(&metrics->count[r][s]) > 0)
                render_histogram(metrics, r, s, out);
    gauge(out, "tenure_snapshot_ready", "1 when the snapshot holds marts and models.", "gauge",
          gauges->ready);
    gauge(out, "tenure_snapshot_age_seconds", "Seconds since the snapshot was loaded.", "gauge",
          gauges->snapshot_age_seconds);
    gauge(out, "tenure_snapshot_load_seconds", "How long loading the snapshot took.", "gauge",
          gauges->snapshot_load_seconds);
    gauge(out, "tenure_customers_loaded", "Active customers in the snapshot.", "gauge",
          (double)gauges->customers_loaded);
    gauge(out, "tenure_customers_answered",
          "Active customers whose answers are all made (the rest are made in the background, or "
          "by their first request).",
          "gauge", (double)gauges->customers_answered);
    tn_strbuf_printf(out,
                     "# HELP tenure_snapshot_reloads_total Reloads (SIGHUP), by result.\n"
                     "# TYPE tenure_snapshot_reloads_total counter\n"
                     "tenure_snapshot_reloads_total{result=\"ok\"} %llu\n"
                     "tenure_snapshot_reloads_total{result=\"failed\"} %llu\n",
                     (unsigned long long)gauges->reloads_ok,
                     (unsigned long long)gauges->reloads_failed);
    gauge(out, "tenure_http_requests_in_flight", "Requests being answered.", "gauge",
          (double)gauges->in_flight);
    render_connections(gauges, out);
    gauge(out, "tenure_access_log_dropped_total",
          "Access-log lines dropped because the log writer fell behind.", "counter",
          (double)gauges->access_log_dropped);
    tn_strbuf_printf(out,
                     "# HELP tenure_build_info The running version, the snapshot's as-of date and "
                     "model versions.\n# TYPE tenure_build_info gauge\n"
                     "tenure_build_info{version=\"%s\",as_of=\"%s\",churn_model=\"%s\",expansion_"
                     "model=\"%s\"} 1\n",
                     gauges->version, gauges->as_of, gauges->churn_version,
                     gauges->expansion_version);
}
