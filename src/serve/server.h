/*
 * server.h — `tenure serve`: the HTTP server's state and its life.
 *
 * Life: bind the listening socket; start libmicrohttpd with a pool of
 * worker threads, each on its own epoll loop, answering from a not-ready
 * snapshot (/ready: 503, "loading"); load the snapshot (a server without
 * marts or models still starts, not ready) and swap it in; then wait for
 * signals on the main thread. SIGHUP loads a new snapshot beside the old one
 * and swaps it in (snapshot.h says why no request fails); /ready counts the
 * reloads done, so a caller can tell when one has finished. SIGINT or
 * SIGTERM makes /ready answer 503 ("stopping") and every answer carry
 * "Connection: close", keeps accepting for the drain grace (--drain-grace,
 * default 0 s) so that a load balancer's health check sees it, then closes
 * the listening socket, lets the requests in flight finish (up to 10 s),
 * stops the workers and returns. Nothing a client sees depends on which
 * process answered (docs/scale-out.md): N of them can serve one warehouse.
 *
 * Connections come in through the gate (gate.h), which enforces the
 * connection limits and the request deadline; errors libmicrohttpd answers
 * itself are JSON like every other (mhd_errors.h).
 *
 * The struct is shared by server.c (life), http.c (libmicrohttpd's
 * callbacks) and handlers.c (the routes).
 */
#ifndef TN_SERVE_SERVER_H
#define TN_SERVE_SERVER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "insight/interventions.h"
#include "ml/drift_check.h"
#include "serve/access_log.h"
#include "serve/gate.h"
#include "serve/metrics.h"
#include "serve/policy.h"
#include "serve/snapshot.h"

/* Request bodies larger than this are refused with 413. */
#define TN_BODY_MAX (64 * 1024)
/* A connection's memory for the request line and headers (431 or 414 past it). */
#define TN_REQUEST_HEAD_MAX (32 * 1024)

typedef struct {
    const char *db_path, *models_dir, *reports_dir;
    const char *parquet_dir; /* NULL, or the Parquet inputs (warehouse/parquet_inputs.h) */
    const char *host;
    long port; /* 0: any free port (logged) */
    long threads;
    const char *const *cors_origins; /* origins allowed by CORS (borrowed) */
    size_t cors_origin_count;
    const char *api_key_file; /* NULL: no key needed */
    const char *access_log;   /* NULL: no access log; "-": stderr */
    tn_gate_limits limits;    /* connections and the request deadline (gate.h) */
    double movers_rise;       /* GET /movers: the rise of a churn probability that counts (0–1) */
    size_t history_scorings;  /* the recorded as-of dates of the score history kept (≥ 2) */
    tn_drift_thresholds drift; /* GET /health/model: when a feature has drifted */
    tn_intervention_plan plan; /* GET /analytics/interventions: save rates, CSM hours per tier */
    long drain_grace; /* seconds to keep accepting after SIGINT/SIGTERM, /ready answering 503 */
} tn_serve_options;

typedef struct {
    const tn_serve_options *options;
    bool require_key;
    char api_key[TN_API_KEY_MAX + 1];
    tn_access_log *access_log; /* NULL when off */
    tn_gate *gate;             /* owned */
    tn_metrics metrics;
    char *health_body; /* GET /health, built once */

    pthread_mutex_t snapshot_lock; /* guards `snapshot` (the pointer, not what it points to) */
    tn_snapshot *snapshot;         /* the current one; the server holds one reference */

    atomic_uint_fast64_t in_flight;
    atomic_uint_fast64_t reloads_ok, reloads_failed;
    atomic_bool loading;  /* until the first snapshot is loaded: /ready says "loading" */
    atomic_bool stopping; /* after SIGINT/SIGTERM: answers say "Connection: close", /ready 503 */
} tn_server;

/* The current snapshot, with a reference the caller releases (tn_snapshot_release). */
tn_snapshot *tn_server_acquire(tn_server *server);

/* Runs the server until SIGINT or SIGTERM. False (with `err`) when it cannot start. */
bool tn_serve(const tn_serve_options *options, tn_error *err);

/*
 * Whether `tenure serve` could listen on host:port now: the port is bound and
 * released at once (port 0 always can). `tenure run` asks before its stages,
 * so a busy port is found before the pipeline, not after it.
 */
bool tn_serve_port_free(const char *host, long port, tn_error *err);

#endif
