/*
 * cmd_serve.c — `tenure serve`: the prediction API (src/serve/server.h).
 */
#include "cli/cli.h"

#include <math.h>
#include <unistd.h>

#include "common/log.h"
#include "insight/movers.h"
#include "ml/drift_check.h"
#include "serve/server.h"

static struct {
    const char *db_path, *models_dir, *reports_dir, *host, *api_key_file, *access_log;
    const char *parquet_dir; /* NULL: the warehouse's own marts */
    long port, threads;
    long max_connections, max_connections_per_ip, request_timeout;
    long movers_rise, history_scorings, drain_grace;
    double drift_psi, drift_ks_p;
    const char *save_rate, *csm_hours;
    tn_arg_list cors_origins;
} options;

static void set_defaults(void) {
    options.db_path = "data/warehouse.duckdb";
    options.models_dir = "models";
    options.reports_dir = "reports";
    options.parquet_dir = NULL;
    options.host = "127.0.0.1";
    options.api_key_file = NULL;
    options.access_log = NULL;
    options.port = 8000;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    options.threads = cores > 0 ? cores : 2;
    options.cors_origins.count = 0;
    options.max_connections = 1000;
    options.max_connections_per_ip = 64;
    options.request_timeout = 10;
    options.movers_rise = lround(TN_MOVERS_DEFAULT_RISE * 100);
    options.history_scorings = TN_SERVE_HISTORY_SCORINGS;
    options.drift_psi = TN_DRIFT_DEFAULT_PSI;
    options.drift_ks_p = TN_DRIFT_DEFAULT_KS_P;
    options.save_rate = NULL;
    options.csm_hours = NULL;
    options.drain_grace = 0;
}

static const tn_arg serve_args[] = {
    {"db", TN_ARG_STRING, "FILE", "DuckDB warehouse (default data/warehouse.duckdb)",
     &options.db_path, 0, 0},
    {"models", TN_ARG_STRING, "DIR", "model directory (default models)", &options.models_dir, 0, 0},
    {"parquet", TN_ARG_STRING, "DIR",
     "read the marts from the Parquet files of DIR ('tenure export', docs/export.md); --db\n"
     "then only holds the score history, and may be missing",
     &options.parquet_dir, 0, 0},
    {"reports", TN_ARG_STRING, "DIR",
     "where 'tenure analyze' wrote analysis.json (default reports)", &options.reports_dir, 0, 0},
    {"host", TN_ARG_STRING, "ADDR", "address to listen on (default 127.0.0.1)", &options.host, 0,
     0},
    {"port", TN_ARG_INT, "PORT", "port to listen on (default 8000; 0: any free port)",
     &options.port, 0, 65535},
    {"threads", TN_ARG_INT, "N", "worker threads (default: number of cores)", &options.threads, 1,
     256},
    {"cors-origin", TN_ARG_LIST, "ORIGIN", "allow browser requests from ORIGIN (repeatable)",
     &options.cors_origins, 0, 0},
    {"api-key-file", TN_ARG_STRING, "FILE",
     "require 'Authorization: Bearer <key>' (key: the file's first line)", &options.api_key_file, 0,
     0},
    {"access-log", TN_ARG_STRING, "FILE", "log every request to FILE ('-' for stderr)",
     &options.access_log, 0, 0},
    {"max-connections", TN_ARG_INT, "N", "connections open at once; more get 503 (default 1000)",
     &options.max_connections, 1, 1000000},
    {"max-connections-per-ip", TN_ARG_INT, "N",
     "the same from one address (IPv6: a /64); more get 429 (default 64)",
     &options.max_connections_per_ip, 1, 1000000},
    {"request-timeout", TN_ARG_INT, "SECONDS",
     "time to send a whole request, however slowly; then 408 (default 10)",
     &options.request_timeout, 1, 3600},
    {"movers-rise", TN_ARG_INT, "POINTS",
     "GET /movers lists a customer whose churn probability rose by more than POINTS "
     "percentage points (default 5)",
     &options.movers_rise, 1, 100},
    {"history-scorings", TN_ARG_INT, "N",
     "keep the score history's last N recorded as-of dates (GET /customers/{id}/history, "
     "GET /movers) and judge the last N whose 90 days have passed (GET /health/model); "
     "default 13",
     &options.history_scorings, 2, 100000},
    {"drift-psi", TN_ARG_NUMBER, "X",
     "GET /health/model: a feature whose PSI is at least X has drifted (default 0.2)",
     &options.drift_psi, 0, 100},
    {"drift-ks-p", TN_ARG_NUMBER, "P",
     "GET /health/model: a numeric feature whose KS p-value is below P has drifted "
     "(default 0.05)",
     &options.drift_ks_p, 0, 1},
    {"save-rate", TN_ARG_STRING, "RATES",
     "GET /analytics/interventions: the share of churning accounts a CSM's effort saves, for "
     "every tier (0.2) or per tier (starter=0.1,enterprise=0.2); default 0.1",
     &options.save_rate, 0, 0},
    {"csm-hours", TN_ARG_STRING, "HOURS",
     "GET /analytics/interventions: the CSM hours one account takes, per tier "
     "(default starter=1,growth=3,enterprise=8)",
     &options.csm_hours, 0, 0},
    {"drain-grace", TN_ARG_INT, "SECONDS",
     "after SIGTERM, keep accepting for SECONDS while /ready answers 503, so a load balancer "
     "sees it before the listening socket closes (default 0)",
     &options.drain_grace, 0, 300},
    {NULL, TN_ARG_FLAG, NULL, NULL, NULL, 0, 0},
};

static int run_serve(int positional_count, char **positional) {
    (void)positional_count;
    (void)positional;
    tn_serve_options serve = {
        .db_path = options.db_path,
        .parquet_dir = options.parquet_dir,
        .models_dir = options.models_dir,
        .reports_dir = options.reports_dir,
        .host = options.host,
        .port = options.port,
        .threads = options.threads,
        .cors_origins = options.cors_origins.items,
        .cors_origin_count = options.cors_origins.count,
        .api_key_file = options.api_key_file,
        .access_log = options.access_log,
        .limits = {options.max_connections, options.max_connections_per_ip,
                   options.request_timeout},
        .movers_rise = (double)options.movers_rise / 100,
        .history_scorings = (size_t)options.history_scorings,
        .drift = {options.drift_psi, options.drift_ks_p},
        .drain_grace = options.drain_grace,
    };
    tn_error err;
    tn_error_clear(&err);
    tn_intervention_plan_default(&serve.plan);
    bool ok =
        (options.save_rate == NULL ||
         tn_intervention_parse_tiers(options.save_rate, "--save-rate", 0, 1, serve.plan.save_rate,
                                     &err)) &&
        (options.csm_hours == NULL || tn_intervention_parse_tiers(options.csm_hours, "--csm-hours",
                                                                  0, 1000, serve.plan.hours, &err));
    if (!ok) {
        tn_log_error("serve: %s", err.message);
        return tn_error_exit_status(&err);
    }
    if (!tn_serve(&serve, &err)) {
        tn_log_error("serve: %s", err.message);
        return tn_error_exit_status(&err);
    }
    return 0;
}

const tn_command tn_cmd_serve = {
    .summary = "serve the prediction API and the dashboard",
    .description =
        "Loads the warehouse's marts and both models into memory and answers the HTTP API:\n"
        "predictions with their SHAP drivers, Customer 360, work queues, /metrics and\n"
        "/openapi.json, and the dashboard at /. Starts even without marts or models (then\n"
        "/ready answers 503).\n"
        "SIGHUP reloads after 'tenure build' or 'tenure train' (GET /ready counts the\n"
        "reloads done); Ctrl-C or SIGTERM makes /ready answer 503, then stops after the\n"
        "requests in flight. Several servers can serve one warehouse behind a load\n"
        "balancer (docs/scale-out.md).\n"
        "Under a flood of connections from one address, others are still answered: each\n"
        "address may hold --max-connections-per-ip connections, all of them\n"
        "--max-connections, and a request that has not arrived within --request-timeout\n"
        "seconds of its connection (or of the previous answer) is closed, however slowly\n"
        "its bytes keep coming.",
    .spec = {.command = "serve", .args = serve_args},
    .set_defaults = set_defaults,
    .run = run_serve,
};
