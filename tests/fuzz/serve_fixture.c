/*
 * serve_fixture.c — a server and an in-memory snapshot for the request
 * targets (see serve_fixture.h).
 */
#include "serve_fixture.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "serve/mhd_errors.h"
#include "serve/search.h"
#include "insight/documents.h"
#include "tn_version.h"

/* The active customers: id, account name, CRM id, plan, risk tier, churn, ARR at risk, upgrade. */
static const struct {
    const char *id, *name, *crm_id, *plan, *risk;
    double churn, arr_at_risk, upgrade;
} customers[] = {
    {"c-0001", "Acme Ledger Inc", "0015g00000AcmeA", "starter", "low", 0.04, 120.0, 0.31},
    {"c-0002", "Brightpath Health", "0015g00000BrPtH", "growth", "medium", 0.18, 2400.5, NAN},
    {"c-0003", "Café Überall GmbH", NULL, "enterprise", "high", 0.41, 18000.0, 0.07},
    {"c-0004", "Delta Freight", "0015g00000DltFr", "growth", "critical", 0.77, 9100.0, 0.55},
    {"c-0005", NULL, NULL, "starter", "low", 0.02, 0.0, NAN},
    {"c-0006", "Evergreen Bank", "0015g00000EvBnk", "enterprise", "medium", 0.22, 30500.0, 0.12},
    {"c-0007", "Fjord & Fell AS", "0015g00000FjFel", "growth", "high", 0.52, 4100.0, 0.66},
    {"c-0008", "Ledger Labs", NULL, "starter", "critical", 0.91, 700.0, 0.01},
    {"8f14e45f-ceea-467f-a8e9-b2f1c5d2b3a4", "Gamma Cloud", "0015g00000GmCld", "enterprise", "low",
     0.08, 5200.0, 0.44},
    {"acct_9", "日本ソフト株式会社", "0015g00000JpSft", "growth", "medium", 0.30, 3300.0, NAN},
};

/* Customers the warehouse knows who are not active at the as-of date. */
static const struct {
    const char *id, *churned;
} inactive[] = {{"c-0900", "2025-11-03"}, {"c-0901", ""}};

static const char as_of[] = "2026-03-01";

static bool body(json_t *value, tn_body *out) {
    return value != NULL && tn_body_from_json(value, out);
}

static bool fill_customer(size_t i, tn_serve_customer *c) {
    c->id = strdup(customers[i].id);
    snprintf(c->plan_tier, sizeof c->plan_tier, "%s", customers[i].plan);
    snprintf(c->risk_tier, sizeof c->risk_tier, "%s", customers[i].risk);
    c->churn_probability = customers[i].churn;
    c->arr_at_risk = customers[i].arr_at_risk;
    c->upgrade_propensity = customers[i].upgrade;
    c->folded_name = customers[i].name ? tn_search_fold(customers[i].name) : NULL;
    c->crm_id = customers[i].crm_id ? strdup(customers[i].crm_id) : NULL;
    bool candidate = !isnan(customers[i].upgrade);
    c->upgrade_status = candidate ? 200 : 422;
    return c->id != NULL &&
           body(json_pack("{ss,ss,sf,ss}", "customer_id", c->id, "as_of", as_of,
                          "churn_probability", c->churn_probability, "risk_tier", c->risk_tier),
                &c->churn) &&
           (candidate ? body(json_pack("{ss,sf}", "customer_id", c->id, "upgrade_propensity",
                                       c->upgrade_propensity),
                             &c->upgrade)
                      : tn_body_error("not_expansion_candidate", "not an expansion candidate",
                                      &c->upgrade)) &&
           body(json_pack("{ss,s{ss?,ss?},ss}", "customer_id", c->id, "account", "name",
                          customers[i].name, "crm_id", c->crm_id, "plan_tier", c->plan_tier),
                &c->view) &&
           body(json_pack("{ss,sf,sf}", "customer_id", c->id, "churn_probability",
                          c->churn_probability, "arr_at_risk", c->arr_at_risk),
                &c->item);
}

static tn_snapshot *ready_snapshot(void) {
    tn_snapshot *s = tn_snapshot_not_ready("");
    size_t n = sizeof customers / sizeof *customers, m = sizeof inactive / sizeof *inactive;
    bool ok = s != NULL && (s->customers = calloc(n, sizeof *s->customers)) != NULL &&
              (s->inactive = calloc(m, sizeof *s->inactive)) != NULL;
    for (; ok && s->customer_count < n; s->customer_count++)
        ok = fill_customer(s->customer_count, &s->customers[s->customer_count]);
    for (; ok && s->inactive_count < m; s->inactive_count++) {
        tn_inactive_customer *c = &s->inactive[s->inactive_count];
        snprintf(c->churned, sizeof c->churned, "%s", inactive[s->inactive_count].churned);
        ok = (c->id = strdup(inactive[s->inactive_count].id)) != NULL;
    }
    tn_intervention_plan_default(&s->plan);
    if (!ok || !tn_snapshot_index(s) ||
        !body(json_pack("{ss,ss}", "status", "ready", "as_of", as_of), &s->ready_body) ||
        !body(json_pack("{ss,si}", "as_of", as_of, "customers", (int)n), &s->portfolio) ||
        !body(json_pack("{ss}", "churn", "churn-20260301"), &s->models) ||
        !body(json_pack("{s[]}", "curves"), &s->survival)) {
        fprintf(stderr, "serve_fixture: cannot build the snapshot\n");
        abort();
    }
    s->ready = true;
    s->survival_status = 200;
    snprintf(s->as_of, sizeof s->as_of, "%s", as_of);
    snprintf(s->data_as_of, sizeof s->data_as_of, "%s", as_of);
    snprintf(s->churn_version, sizeof s->churn_version, "churn-20260301T020000");
    snprintf(s->expansion_version, sizeof s->expansion_version, "expansion-20260301T020000");
    snprintf(s->risk_formula, sizeof s->risk_formula, "0.6 * churn + 0.4 * compliance_gap");
    return s;
}

static tn_server server;
static tn_serve_options options;
static const char *const origins[] = {TN_FUZZ_ORIGIN};
static tn_snapshot *snapshots[2]; /* ready, not ready */

static void build_server(void) {
    options = (tn_serve_options){
        .host = "127.0.0.1",
        .threads = 1,
        .cors_origins = origins,
        .cors_origin_count = 1,
        .limits = {.max_connections = 64, .max_connections_per_ip = 64, .request_timeout = 10}};
    server.options = &options;
    tn_metrics_init(&server.metrics);
    pthread_mutex_init(&server.snapshot_lock, NULL);
    snprintf(server.api_key, sizeof server.api_key, "%s", TN_FUZZ_API_KEY);
    server.health_body = strdup("{\"status\":\"ok\",\"version\":\"" TN_VERSION "\"}");
    snapshots[0] = ready_snapshot();
    snapshots[1] = tn_snapshot_not_ready("no warehouse at data/warehouse.duckdb: run tenure build");
    tn_error err;
    if (server.health_body == NULL || snapshots[1] == NULL ||
        (server.gate = tn_gate_new(&options.limits, &err)) == NULL ||
        !tn_mhd_errors_init(server.gate, &server.metrics, &err)) {
        fprintf(stderr, "serve_fixture: cannot set up the server\n");
        abort();
    }
}

tn_server *tn_fuzz_server(tn_fuzz_server_mode mode) {
    if (server.options == NULL)
        build_server();
    server.require_key = mode.require_key;
    server.snapshot = snapshots[mode.not_ready ? 1 : 0];
    return &server;
}

bool tn_fuzz_json_answer_ok(int status, const char *text, size_t length) {
    json_t *root = json_loadb(text, length, JSON_DECODE_ANY, NULL);
    bool ok = root != NULL;
    if (ok && status >= 400) {
        json_t *error = json_object_get(root, "error");
        ok = json_is_string(json_object_get(error, "code")) &&
             json_is_string(json_object_get(error, "message"));
    }
    json_decref(root);
    return ok;
}
