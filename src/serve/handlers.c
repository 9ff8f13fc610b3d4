/*
 * handlers.c — the routes' answers (see handlers.h).
 *
 * Predictions, the Customer 360 and the briefs send bodies the snapshot
 * made (at load, or on the customer's first request: snapshot.h); the batch
 * and the work-queue page splice those bodies together;
 * errors and /metrics are made per request.
 */
#include "serve/handlers.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "common/assets.h"
#include "common/embedded.h"
#include "common/gzip.h"
#include "common/strbuf.h"
#include "common/utf8.h"
#include "serve/search.h"
#include "serve/what_if.h"
#include "insight/documents.h"
#include "tn_version.h"

static const char out_of_memory[] =
    "{\"error\":{\"code\":\"out_of_memory\",\"message\":\"out of memory\"}}";

static void borrow(tn_response *response, int status, const char *body, size_t length) {
    response->status = status;
    response->body = body;
    response->length = length;
}

/* Borrows `text`, or its gzip copy when there is one and the client takes gzip. */
static void borrow_variant(const tn_request *request, tn_response *response, int status,
                           const char *text, size_t length, const char *gzip, size_t gzip_length) {
    borrow(response, status, text, length);
    if (gzip == NULL)
        return;
    response->vary_encoding = true;
    if (request->accepts_gzip) {
        borrow(response, status, gzip, gzip_length);
        response->content_encoding = "gzip";
    }
}

static void borrow_body(const tn_request *request, tn_response *response, int status,
                        const tn_body *body) {
    borrow_variant(request, response, status, body->text, body->length, body->gzip,
                   body->gzip_length);
}

static void own(tn_response *response, int status, tn_strbuf *text) {
    response->status = status;
    response->length = text->length;
    response->owned = tn_strbuf_detach(text);
    response->body = response->owned;
    if (response->owned == NULL)
        borrow(response, 500, out_of_memory, sizeof out_of_memory - 1);
}

/*
 * Messages quote what the client sent (an id, a query value, a header), and
 * "%.128s" may cut a character in two: the message is repaired into UTF-8
 * first, so only a lack of memory can make the body fail.
 */
void tn_response_error(tn_response *response, int status, const char *code, const char *fmt, ...) {
    char raw[768], message[768];
    va_list args;
    va_start(args, fmt);
    vsnprintf(raw, sizeof raw, fmt, args);
    va_end(args);
    tn_utf8_repair(raw, message, sizeof message);
    tn_body body;
    if (tn_body_error(code, message, &body)) {
        response->status = status;
        response->owned = body.text;
        response->body = body.text;
        response->length = body.length;
    } else {
        borrow(response, 500, out_of_memory, sizeof out_of_memory - 1);
    }
}

void tn_response_free(tn_response *response) {
    free(response->owned);
    response->owned = NULL;
}

/* Appends `text` as a JSON string. */
static void put_json_string(tn_strbuf *out, const char *text) {
    tn_strbuf_putc(out, '"');
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p == '"' || *p == '\\')
            tn_strbuf_printf(out, "\\%c", *p);
        else if (*p < 0x20)
            tn_strbuf_printf(out, "\\u%04x", *p);
        else
            tn_strbuf_putc(out, (char)*p);
    }
    tn_strbuf_putc(out, '"');
}

static void put_body(tn_strbuf *out, const tn_body *body) {
    tn_strbuf_append(out, body->text, body->length);
}

/* The error of an id that is not an active customer: 404 (unknown) or 422 (churned, not yet signed
 * up). */
static int missing_customer(const tn_snapshot *snapshot, const char *id, tn_lookup found,
                            const char **code, char *message, size_t size) {
    if (found.inactive == NULL) {
        *code = "customer_not_found";
        snprintf(message, size, "no customer '%.128s' in the warehouse (as of %s)", id,
                 snapshot->as_of);
        return 404;
    }
    *code = found.inactive->churned[0] ? "customer_churned" : "customer_not_active";
    if (found.inactive->churned[0])
        snprintf(message, size,
                 "customer '%.128s' churned on %s, before the as-of date %s: the API answers for "
                 "customers active at that date",
                 id, found.inactive->churned, snapshot->as_of);
    else
        snprintf(message, size, "customer '%.128s' signed up on or after the as-of date %s", id,
                 snapshot->as_of);
    return 422;
}

/* The active customer `id`, or NULL after answering why not. */
static const tn_serve_customer *active_customer(const tn_snapshot *snapshot, const char *id,
                                                tn_response *response) {
    tn_lookup found = tn_snapshot_find(snapshot, id);
    if (found.active != NULL)
        return found.active;
    const char *code;
    char message[512];
    int status = missing_customer(snapshot, id, found, &code, message, sizeof message);
    tn_response_error(response, status, code, "%s", message);
    return NULL;
}

/*
 * The active customer `id` with its bodies made (snapshot.h: made on first
 * use), or NULL after answering why not. When another thread was making
 * them at that moment, the answer is `scratch`, a copy: send_body frees it.
 */
static const tn_serve_customer *customer_with_bodies(const tn_snapshot *snapshot, const char *id,
                                                     tn_serve_customer *scratch,
                                                     tn_response *response) {
    const tn_serve_customer *c = active_customer(snapshot, id, response);
    if (c == NULL)
        return NULL;
    const tn_serve_customer *made = tn_snapshot_bodies(snapshot, c, scratch);
    if (made == NULL)
        borrow(response, 500, out_of_memory, sizeof out_of_memory - 1);
    return made;
}

/*
 * Sends `body` of `made` (from customer_with_bodies) as borrow_body chooses
 * it: borrowed, or copied out of `scratch`, which is then freed. A packed
 * body (tn_body_pack) goes as its gzip to a client that takes gzip and is
 * inflated for the others.
 */
static void send_body(const tn_request *request, tn_response *response, int status,
                      const tn_serve_customer *made, tn_serve_customer *scratch,
                      const tn_body *body) {
    borrow_body(request, response, status, body);
    bool inflate = response->body == NULL; /* packed, and the client does not take gzip */
    tn_strbuf out = TN_STRBUF_INIT;
    if (inflate)
        response->owned = tn_gunzip(body->gzip, body->gzip_length, body->length);
    else if (made == scratch && tn_strbuf_append(&out, response->body, response->length))
        response->owned = tn_strbuf_detach(&out);
    if (inflate || made == scratch)
        response->body = response->owned; /* NULL when out of memory */
    if (made == scratch)
        tn_serve_customer_free_bodies(scratch);
    if (response->body == NULL) {
        borrow(response, 500, out_of_memory, sizeof out_of_memory - 1);
        response->content_encoding = NULL;
    }
}

static void refuse(tn_response *response, const tn_request_problem *problem) {
    tn_response_error(response, problem->status, problem->code, "%s", problem->message);
}

static void predict_one(const tn_request *request, tn_response *response, bool churn) {
    char id[TN_CUSTOMER_ID_MAX + 1];
    tn_request_problem problem;
    if (!tn_request_customer_id(request->body, request->body_length, id, &problem)) {
        refuse(response, &problem);
        return;
    }
    tn_serve_customer scratch;
    const tn_serve_customer *c = customer_with_bodies(request->snapshot, id, &scratch, response);
    if (c == NULL)
        return;
    if (churn)
        send_body(request, response, 200, c, &scratch, &c->churn);
    else
        send_body(request, response, c->upgrade_status, c, &scratch, &c->upgrade);
}

/* POST /summaries/customer: the customer's brief for the audience, made at load (insight/brief.h).
 */
static void summarize(const tn_request *request, tn_response *response) {
    char id[TN_CUSTOMER_ID_MAX + 1];
    tn_audience audience;
    tn_request_problem problem;
    if (!tn_request_brief(request->body, request->body_length, id, &audience, &problem)) {
        refuse(response, &problem);
        return;
    }
    tn_serve_customer scratch;
    const tn_serve_customer *c = customer_with_bodies(request->snapshot, id, &scratch, response);
    if (c != NULL)
        send_body(request, response, 200, c, &scratch, &c->brief[audience]);
}

/* One id's result in a batch; false when memory ran out making the customer's bodies. */
static bool batch_item(const tn_snapshot *snapshot, const char *id, tn_strbuf *out) {
    tn_lookup found = tn_snapshot_find(snapshot, id);
    tn_strbuf_puts(out, "{\"customer_id\":");
    put_json_string(out, id);
    if (found.active != NULL) {
        tn_serve_customer scratch;
        const tn_serve_customer *c = tn_snapshot_bodies(snapshot, found.active, &scratch);
        if (c == NULL)
            return false;
        tn_strbuf_puts(out, ",\"churn\":");
        put_body(out, &c->churn);
        tn_strbuf_puts(out, ",\"upgrade\":");
        put_body(out, &c->upgrade);
        if (c == &scratch)
            tn_serve_customer_free_bodies(&scratch);
    } else {
        const char *code;
        char message[512];
        missing_customer(snapshot, id, found, &code, message, sizeof message);
        tn_strbuf_printf(out, ",\"error\":{\"code\":\"%s\",\"message\":", code);
        put_json_string(out, message);
        tn_strbuf_putc(out, '}');
    }
    tn_strbuf_putc(out, '}');
    return true;
}

static void predict_batch(const tn_request *request, tn_response *response) {
    json_t *ids;
    tn_request_problem problem;
    if (!tn_request_customer_ids(request->body, request->body_length, &ids, &problem)) {
        refuse(response, &problem);
        return;
    }
    const tn_snapshot *snapshot = request->snapshot;
    tn_strbuf out = TN_STRBUF_INIT;
    tn_strbuf_printf(&out, "{\"as_of\":\"%s\",\"count\":%zu,\"results\":[", snapshot->as_of,
                     json_array_size(ids));
    bool ok = true;
    for (size_t i = 0; ok && i < json_array_size(ids); i++) {
        if (i > 0)
            tn_strbuf_putc(&out, ',');
        ok = batch_item(snapshot, json_string_value(json_array_get(ids, i)), &out);
    }
    tn_strbuf_puts(&out, "]}");
    json_decref(ids);
    if (ok) {
        own(response, 200, &out);
    } else {
        tn_strbuf_free(&out);
        borrow(response, 500, out_of_memory, sizeof out_of_memory - 1);
    }
}

/* Whether a customer passes the filters and, when there is one (`search` not NULL), the search. */
static bool matches(const tn_serve_customer *c, const tn_list_query *query,
                    const tn_search *search) {
    return (query->plan_tier == NULL || strcmp(c->plan_tier, query->plan_tier) == 0) &&
           (query->risk_tier == NULL || strcmp(c->risk_tier, query->risk_tier) == 0) &&
           (search == NULL || tn_search_matches(search, c->id, c->folded_name, c->crm_id));
}

static void put_optional(tn_strbuf *out, const char *text) {
    if (text != NULL)
        tn_strbuf_printf(out, "\"%s\"", text);
    else
        tn_strbuf_puts(out, "null");
}

static void list_customers(const tn_request *request, tn_response *response) {
    const tn_snapshot *snapshot = request->snapshot;
    const tn_list_query *query = request->query;
    tn_strbuf out = TN_STRBUF_INIT;
    tn_strbuf_printf(&out, "{\"as_of\":\"%s\",\"risk_score_formula\":", snapshot->as_of);
    put_json_string(&out, snapshot->risk_formula);
    tn_strbuf_printf(&out, ",\"sort\":\"%s\",\"plan_tier\":", tn_sort_key_name(query->sort));
    put_optional(&out, query->plan_tier);
    tn_strbuf_puts(&out, ",\"risk_tier\":");
    put_optional(&out, query->risk_tier);
    tn_strbuf_puts(&out, ",\"q\":");
    tn_search search;
    if (query->q[0] != '\0') {
        tn_search_init(&search, query->q);
        put_json_string(&out, query->q);
    } else {
        tn_strbuf_puts(&out, "null");
    }
    tn_strbuf_puts(&out, ",\"customers\":[");
    size_t total = 0, shown = 0;
    const uint32_t *order = snapshot->order[query->sort];
    for (size_t i = 0; i < snapshot->customer_count; i++) {
        const tn_serve_customer *c = &snapshot->customers[order[i]];
        if (!matches(c, query, query->q[0] != '\0' ? &search : NULL))
            continue;
        if (total >= (size_t)query->offset && shown < (size_t)query->limit) {
            if (shown++ > 0)
                tn_strbuf_putc(&out, ',');
            put_body(&out, &c->item);
        }
        total++;
    }
    size_t next = (size_t)query->offset + shown;
    tn_strbuf_printf(&out, "],\"total\":%zu,\"limit\":%ld,\"offset\":%ld,\"next_offset\":", total,
                     query->limit, query->offset);
    if (next < total)
        tn_strbuf_printf(&out, "%zu}", next);
    else
        tn_strbuf_puts(&out, "null}");
    own(response, 200, &out);
}

static void customer_view(const tn_request *request, tn_response *response) {
    tn_serve_customer scratch;
    const tn_serve_customer *c =
        customer_with_bodies(request->snapshot, request->parameter, &scratch, response);
    if (c != NULL)
        send_body(request, response, 200, c, &scratch, &c->view);
}

static void customer_history(const tn_request *request, tn_response *response) {
    tn_serve_customer scratch;
    const tn_serve_customer *c =
        customer_with_bodies(request->snapshot, request->parameter, &scratch, response);
    if (c != NULL)
        send_body(request, response, 200, c, &scratch, &c->history);
}

/* GET /movers: who moved since an earlier scoring (insight/movers.h). */
static void movers(const tn_request *request, tn_response *response) {
    const char *since = request->movers_query->since;
    char why[256];
    bool no_memory;
    const tn_movers_since *found = tn_movers_find(
        &request->snapshot->movers, since[0] ? since : NULL, why, sizeof why, &no_memory);
    long limit = request->movers_query->limit;
    if (no_memory) {
        borrow(response, 500, out_of_memory, sizeof out_of_memory - 1);
    } else if (found == NULL) {
        tn_response_error(response, 422, "movers_unavailable", "%s", why);
    } else if (limit == 0 || limit == TN_MOVERS_LIMIT_DEFAULT) {
        borrow_variant(request, response, 200, found->text, found->length, found->gzip,
                       found->gzip_length);
    } else { /* another page length: put together from the kept texts */
        response->owned = tn_movers_page(found, (size_t)limit, &response->length);
        if (response->owned != NULL)
            borrow(response, 200, response->owned, response->length);
        else
            borrow(response, 500, out_of_memory, sizeof out_of_memory - 1);
    }
}

/*
 * GET /ready: 200 with the snapshot's description while it answers; 503
 * while the first snapshot loads ("loading"), after SIGINT/SIGTERM
 * ("stopping", so a load balancer stops sending) and when none could be
 * loaded ("not_ready", with the reason). Every answer ends with the reloads
 * done so far: a caller that sent SIGHUP knows the reload has finished when
 * their sum grows.
 */
static void ready(tn_server *server, const tn_snapshot *snapshot, tn_response *response) {
    bool stopping = atomic_load(&server->stopping), loading = atomic_load(&server->loading);
    tn_strbuf out = TN_STRBUF_INIT;
    if (snapshot->ready && !stopping) { /* the snapshot's object without its closing brace */
        tn_strbuf_append(&out, snapshot->ready_body.text, snapshot->ready_body.length - 1);
    } else {
        tn_strbuf_printf(&out, "{\"status\":\"%s\",\"error\":{\"code\":\"not_ready\",\"message\":",
                         stopping  ? "stopping"
                         : loading ? "loading"
                                   : "not_ready");
        put_json_string(&out, stopping ? "stopping: the server finishes the requests in flight, "
                                         "then exits"
                                       : snapshot->reason);
        tn_strbuf_putc(&out, '}');
    }
    tn_strbuf_printf(&out, ",\"reloads\":{\"ok\":%llu,\"failed\":%llu}}",
                     (unsigned long long)atomic_load(&server->reloads_ok),
                     (unsigned long long)atomic_load(&server->reloads_failed));
    own(response, snapshot->ready && !stopping ? 200 : 503, &out);
}

/* The customers whose bodies are made (snapshot_bodies.h). */
static uint64_t customers_answered(const tn_snapshot *snapshot) {
    uint64_t made = 0;
    for (size_t i = 0; i < snapshot->customer_count; i++)
        made += atomic_load_explicit(&snapshot->customers[i].bodies, memory_order_relaxed) ==
                TN_BODIES_MADE;
    return made;
}

static void metrics(tn_server *server, const tn_snapshot *snapshot, tn_response *response) {
    tn_gate_stats gate = {0};
    if (server->gate != NULL)
        tn_gate_read_stats(server->gate, &gate);
    tn_metrics_gauges gauges = {
        .snapshot_age_seconds =
            snapshot->ready ? difftime(time(NULL), (time_t)snapshot->loaded_at) : 0,
        .snapshot_load_seconds = snapshot->load_seconds,
        .customers_loaded = snapshot->customer_count,
        .customers_answered = customers_answered(snapshot),
        .ready = snapshot->ready,
        .reloads_ok = atomic_load(&server->reloads_ok),
        .reloads_failed = atomic_load(&server->reloads_failed),
        .in_flight = atomic_load(&server->in_flight),
        .access_log_dropped = server->access_log ? tn_access_log_dropped(server->access_log) : 0,
        .connections_open = gate.open,
        .refused_per_ip = gate.refused_per_ip,
        .refused_busy = gate.refused_busy,
        .closed_request_timeout = gate.closed_request_timeout,
        .closed_idle = gate.closed_idle,
        .as_of = snapshot->as_of,
        .churn_version = snapshot->churn_version,
        .expansion_version = snapshot->expansion_version,
        .version = TN_VERSION,
    };
    tn_strbuf out = TN_STRBUF_INIT;
    tn_metrics_render(&server->metrics, &gauges, &out);
    own(response, 200, &out);
    if (response->status == 200)
        response->content_type = "text/plain; version=0.0.4; charset=utf-8";
}

static void asset(const tn_asset *file, tn_response *response) {
    size_t length;
    const char *contents = file ? tn_asset_contents(file, &length) : NULL;
    if (contents == NULL) {
        tn_response_error(response, 404, "not_found",
                          "no such dashboard file (there are app.js, style.css and chart.umd.js)");
        return;
    }
    borrow(response, 200, contents, length);
    response->content_type = file->content_type;
}

static void analytics(const tn_request *request, tn_response *response) {
    const tn_snapshot *snapshot = request->snapshot;
    if (request->route == TN_ROUTE_PORTFOLIO)
        borrow_body(request, response, 200, &snapshot->portfolio);
    else if (request->route == TN_ROUTE_MODELS)
        borrow_body(request, response, 200, &snapshot->models);
    else if (request->route == TN_ROUTE_MODEL_HEALTH)
        borrow_body(request, response, 200, &snapshot->model_health);
    else
        borrow_body(request, response, snapshot->survival_status, &snapshot->survival);
}

/* GET /analytics/interventions: the default answer is ready; the others are made here. */
static void interventions(const tn_request *request, tn_response *response) {
    const tn_body *ready = tn_what_if_ready(request->snapshot, request->interventions_query);
    if (ready != NULL) {
        borrow_body(request, response, 200, ready);
        return;
    }
    tn_strbuf out = TN_STRBUF_INIT;
    if (tn_what_if_write(request->snapshot, request->interventions_query, &out)) {
        own(response, 200, &out);
    } else {
        tn_strbuf_free(&out);
        borrow(response, 500, out_of_memory, sizeof out_of_memory - 1);
    }
}

void tn_handle(tn_server *server, const tn_request *request, tn_response *response) {
    const tn_snapshot *snapshot = request->snapshot;
    if (tn_route_get(request->route)->needs_snapshot && !snapshot->ready) {
        tn_response_error(response, 503, "not_ready", "%s", snapshot->reason);
        return;
    }
    switch (request->route) {
    case TN_ROUTE_HEALTH:
        borrow(response, 200, server->health_body, strlen(server->health_body));
        break;
    case TN_ROUTE_READY:
        ready(server, snapshot, response);
        break;
    case TN_ROUTE_PREDICT_CHURN:
        predict_one(request, response, true);
        break;
    case TN_ROUTE_PREDICT_UPGRADE:
        predict_one(request, response, false);
        break;
    case TN_ROUTE_PREDICT_BATCH:
        predict_batch(request, response);
        break;
    case TN_ROUTE_CUSTOMERS:
        list_customers(request, response);
        break;
    case TN_ROUTE_CUSTOMER:
        customer_view(request, response);
        break;
    case TN_ROUTE_CUSTOMER_HISTORY:
        customer_history(request, response);
        break;
    case TN_ROUTE_SUMMARY_CUSTOMER:
        summarize(request, response);
        break;
    case TN_ROUTE_MOVERS:
        movers(request, response);
        break;
    case TN_ROUTE_INTERVENTIONS:
        interventions(request, response);
        break;
    case TN_ROUTE_METRICS:
        metrics(server, snapshot, response);
        break;
    case TN_ROUTE_OPENAPI: {
        const char *document = tn_embedded_text("api/openapi.json");
        borrow(response, 200, document, strlen(document));
        break;
    }
    case TN_ROUTE_PORTFOLIO:
    case TN_ROUTE_SURVIVAL:
    case TN_ROUTE_MODELS:
    case TN_ROUTE_MODEL_HEALTH:
        analytics(request, response);
        break;
    case TN_ROUTE_PAGE:
        asset(&tn_asset_page, response);
        break;
    case TN_ROUTE_ASSET:
        asset(tn_asset_find(request->parameter), response);
        break;
    default:
        tn_response_error(response, 404, "not_found", "no such route");
    }
}
