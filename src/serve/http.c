/*
 * http.c — a request's way through the server (see http.h).
 */
#include "serve/http.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/strbuf.h"
#include "common/utf8.h"
#include "serve/handlers.h"
#include "serve/request.h"
#include "serve/routes.h"
#include "serve/server.h"

typedef struct {
    struct timespec started;
    tn_route_id route;
    char *parameter; /* the {id}, owned */
    tn_snapshot *snapshot;
    tn_strbuf body;
    bool too_large;
    bool bad_path;       /* the path is not UTF-8 */
    bool preflight;      /* OPTIONS on a known route */
    bool refused;        /* `refusal` is the answer, sent once the body is read */
    tn_response refusal; /* decided from the headers alone */
    bool answered;
    int status;
    char method[12];
    char *path; /* for the access log, owned; NULL when it is off */
} request_state;

static double seconds_since(const struct timespec *start) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static const char *header(struct MHD_Connection *connection, const char *name) {
    return MHD_lookup_connection_value(connection, MHD_HEADER_KIND, name);
}

static void add_cors_headers(tn_server *server, struct MHD_Connection *connection,
                             struct MHD_Response *response) {
    const tn_serve_options *options = server->options;
    const char *origin = header(connection, MHD_HTTP_HEADER_ORIGIN);
    if (!tn_cors_allows(options->cors_origins, options->cors_origin_count, origin))
        return;
    MHD_add_response_header(response, MHD_HTTP_HEADER_ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    MHD_add_response_header(response, MHD_HTTP_HEADER_VARY, MHD_HTTP_HEADER_ORIGIN);
}

/* Queues `response`, unless the gate closed the connection at its deadline meanwhile. */
static enum MHD_Result queue(tn_server *server, struct MHD_Connection *connection, int status,
                             struct MHD_Response *response) {
    enum MHD_Result queued = tn_gate_begin_answer(server->gate, connection)
                                 ? MHD_queue_response(connection, (unsigned)status, response)
                                 : MHD_NO;
    MHD_destroy_response(response);
    return queued;
}

/* Hands `answer` to libmicrohttpd; the body is sent without a copy. */
static enum MHD_Result send_response(tn_server *server, struct MHD_Connection *connection,
                                     request_state *state, tn_response *answer) {
    state->answered = true;
    state->status = answer->status;
    enum MHD_ResponseMemoryMode mode =
        answer->owned ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT;
    struct MHD_Response *response =
        MHD_create_response_from_buffer(answer->length, (void *)answer->body, mode);
    if (response == NULL) {
        tn_response_free(answer);
        return MHD_NO;
    }
    answer->owned = NULL; /* libmicrohttpd frees it now */
    if (answer->status != MHD_HTTP_NO_CONTENT)
        MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE,
                                answer->content_type ? answer->content_type : "application/json");
    if (answer->allow != NULL)
        MHD_add_response_header(response, MHD_HTTP_HEADER_ALLOW, answer->allow);
    if (answer->content_encoding != NULL)
        MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_ENCODING,
                                answer->content_encoding);
    if (answer->vary_encoding)
        MHD_add_response_header(response, MHD_HTTP_HEADER_VARY, MHD_HTTP_HEADER_ACCEPT_ENCODING);
    if (answer->authenticate)
        MHD_add_response_header(response, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                                "Bearer realm=\"tenure\"");
    add_cors_headers(server, connection, response);
    if (atomic_load_explicit(&server->stopping, memory_order_relaxed))
        MHD_add_response_header(response, MHD_HTTP_HEADER_CONNECTION, "close");
    return queue(server, connection, answer->status, response);
}

/* OPTIONS: the route's methods, and for an allowed origin the CORS preflight answer. */
static enum MHD_Result answer_options(tn_server *server, struct MHD_Connection *connection,
                                      request_state *state) {
    const tn_route *route = tn_route_get(state->route);
    state->answered = true;
    state->status = MHD_HTTP_NO_CONTENT;
    struct MHD_Response *response =
        MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    if (response == NULL)
        return MHD_NO;
    MHD_add_response_header(response, MHD_HTTP_HEADER_ALLOW, route->allow);
    const tn_serve_options *options = server->options;
    if (tn_cors_allows(options->cors_origins, options->cors_origin_count,
                       header(connection, MHD_HTTP_HEADER_ORIGIN))) {
        MHD_add_response_header(response, MHD_HTTP_HEADER_ACCESS_CONTROL_ALLOW_METHODS,
                                strcmp(route->method, "GET") == 0 ? "GET, HEAD" : route->method);
        MHD_add_response_header(response, "Access-Control-Allow-Headers",
                                "Content-Type, Authorization");
        MHD_add_response_header(response, "Access-Control-Max-Age", "600");
        add_cors_headers(server, connection, response);
    }
    return queue(server, connection, MHD_HTTP_NO_CONTENT, response);
}

/* What can be refused from the headers alone; false when the request goes on. */
static bool refuse_early(tn_server *server, struct MHD_Connection *connection, request_state *state,
                         const char *method, tn_response *answer) {
    const tn_route *route = tn_route_get(state->route);
    if (state->bad_path) {
        tn_response_error(answer, 400, "invalid_path",
                          "the path is not valid UTF-8 (percent-encode the bytes of UTF-8 text)");
        return true;
    }
    if (server->require_key && (route == NULL || !route->public) &&
        !tn_api_key_accepts(server->api_key, header(connection, MHD_HTTP_HEADER_AUTHORIZATION))) {
        tn_response_error(answer, 401, "unauthorized",
                          "this route needs 'Authorization: Bearer <key>'");
        answer->authenticate = true;
        return true;
    }
    if (route == NULL) {
        tn_response_error(answer, 404, "not_found", "no such route; GET /openapi.json lists them");
        return true;
    }
    if (!tn_route_allows(state->route, method)) {
        tn_response_error(answer, 405, "method_not_allowed", "%s takes %s, not %s", route->path,
                          route->method, method);
        answer->allow = route->allow;
        return true;
    }
    const char *length = header(connection, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (length != NULL && strtoull(length, NULL, 10) > TN_BODY_MAX) {
        tn_response_error(answer, 413, "payload_too_large", "the body is %s bytes; the limit is %d",
                          length, TN_BODY_MAX);
        return true;
    }
    if (strcmp(route->method, "POST") != 0)
        return false;
    if (!tn_is_json_content_type(header(connection, MHD_HTTP_HEADER_CONTENT_TYPE))) {
        const char *given = header(connection, MHD_HTTP_HEADER_CONTENT_TYPE);
        tn_response_error(answer, 415, "unsupported_media_type",
                          "expected Content-Type: application/json, got %s%.64s%s",
                          given ? "'" : "", given ? given : "none", given ? "'" : "");
        return true;
    }
    return false;
}

static request_state *begin(tn_server *server, const char *url, const char *method) {
    request_state *state = calloc(1, sizeof *state);
    if (state == NULL)
        return NULL;
    clock_gettime(CLOCK_MONOTONIC, &state->started);
    const char *parameter = NULL;
    size_t length = 0;
    state->bad_path = !tn_utf8_valid(url, strlen(url));
    state->route = state->bad_path ? TN_ROUTE_NONE : tn_route_match(url, &parameter, &length);
    if (parameter != NULL &&
        (state->parameter =
             strndup(parameter,
                     length < 4 * TN_CUSTOMER_ID_MAX ? length : 4 * TN_CUSTOMER_ID_MAX)) == NULL) {
        free(state); /* the handlers read the parameter: no request without it */
        return NULL;
    }
    atomic_fetch_add_explicit(&server->in_flight, 1, memory_order_relaxed);
    state->snapshot = tn_server_acquire(server);
    snprintf(state->method, sizeof state->method, "%s", method);
    if (server->access_log != NULL)
        state->path = strndup(url, 512);
    return state;
}

/* Collects the query of GET /customers, /movers or /analytics/interventions. */
typedef struct {
    tn_route_id route;
    tn_list_query query;
    tn_movers_query movers;
    tn_interventions_query interventions;
    tn_request_problem problem;
    bool failed;
} query_reader;

static enum MHD_Result read_query_parameter(void *cls, enum MHD_ValueKind kind, const char *key,
                                            const char *value) {
    (void)kind;
    query_reader *reader = cls;
    bool ok = reader->route == TN_ROUTE_MOVERS
                  ? tn_movers_query_set(&reader->movers, key, value, &reader->problem)
              : reader->route == TN_ROUTE_INTERVENTIONS
                  ? tn_interventions_query_set(&reader->interventions, key, value, &reader->problem)
                  : tn_list_query_set(&reader->query, key, value, &reader->problem);
    if (!ok) {
        reader->failed = true;
        return MHD_NO;
    }
    return MHD_YES;
}

static void answer_request(tn_server *server, struct MHD_Connection *connection,
                           request_state *state, tn_response *answer) {
    if (state->too_large) {
        tn_response_error(answer, 413, "payload_too_large", "the body is over the %d-byte limit",
                          TN_BODY_MAX);
        return;
    }
    query_reader reader = {.route = state->route, .failed = false};
    tn_list_query_init(&reader.query);
    tn_interventions_query_init(&reader.interventions);
    /* Not ready: 503 whatever the query (handlers.c), as for the POST routes whatever the body. */
    if ((state->route == TN_ROUTE_CUSTOMERS || state->route == TN_ROUTE_MOVERS ||
         state->route == TN_ROUTE_INTERVENTIONS) &&
        state->snapshot->ready)
        MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, read_query_parameter, &reader);
    if (reader.failed) {
        tn_response_error(answer, reader.problem.status, reader.problem.code, "%s",
                          reader.problem.message);
        return;
    }
    tn_request request = {state->route,
                          state->parameter,
                          state->body.data ? state->body.data : "",
                          state->body.length,
                          &reader.query,
                          &reader.movers,
                          &reader.interventions,
                          state->snapshot,
                          tn_accepts_gzip(header(connection, MHD_HTTP_HEADER_ACCEPT_ENCODING))};
    tn_handle(server, &request, answer);
}

/*
 * Answers are sent on the request's last callback, once its body is read,
 * so the connection stays open for the next request. The exception is a
 * body declared too large: refused at once, and libmicrohttpd then closes
 * the connection rather than read it.
 */
enum MHD_Result tn_http_on_request(void *cls, struct MHD_Connection *connection, const char *url,
                                   const char *method, const char *version, const char *upload_data,
                                   size_t *upload_data_size, void **request_state_pointer) {
    (void)version;
    tn_server *server = cls;
    request_state *state = *request_state_pointer;
    if (state == NULL) {
        if ((state = begin(server, url, method)) == NULL)
            return MHD_NO;
        *request_state_pointer = state;
        state->preflight = strcmp(method, MHD_HTTP_METHOD_OPTIONS) == 0 &&
                           state->route != TN_ROUTE_NONE && !state->bad_path;
        if (!state->preflight)
            state->refused = refuse_early(server, connection, state, method, &state->refusal);
        if (state->refused && state->refusal.status == MHD_HTTP_CONTENT_TOO_LARGE)
            return send_response(server, connection, state, &state->refusal);
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        bool keep = !state->answered && !state->refused && !state->preflight && !state->too_large;
        if (keep && state->body.length + *upload_data_size > TN_BODY_MAX)
            state->too_large = true;
        else if (keep && !tn_strbuf_append(&state->body, upload_data, *upload_data_size))
            return MHD_NO;
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (state->answered)
        return MHD_YES;
    if (state->preflight)
        return answer_options(server, connection, state);
    if (state->refused)
        return send_response(server, connection, state, &state->refusal);
    tn_response answer = {0};
    answer_request(server, connection, state, &answer);
    return send_response(server, connection, state, &answer);
}

void tn_http_on_completed(void *cls, struct MHD_Connection *connection,
                          void **request_state_pointer, enum MHD_RequestTerminationCode why) {
    tn_server *server = cls;
    request_state *state = *request_state_pointer;
    bool timed_out = tn_gate_expired(server->gate, connection);
    tn_gate_end_answer(server->gate, connection);
    if (state == NULL)
        return;
    double seconds = seconds_since(&state->started);
    int status = why == MHD_REQUEST_TERMINATED_COMPLETED_OK ? state->status : timed_out ? 408 : 0;
    tn_metrics_record(&server->metrics, state->route, status, seconds);
    if (server->access_log != NULL)
        tn_access_log_record(server->access_log, state->method, state->path ? state->path : "?",
                             status, (uint64_t)(seconds * 1e6 + 0.5));
    tn_snapshot_release(state->snapshot);
    tn_response_free(&state->refusal);
    tn_strbuf_free(&state->body);
    free(state->parameter);
    free(state->path);
    free(state);
    *request_state_pointer = NULL;
    atomic_fetch_sub_explicit(&server->in_flight, 1, memory_order_relaxed);
}

static int hex_digit(char c) {
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

size_t tn_http_unescape(void *cls, struct MHD_Connection *connection, char *text) {
    (void)cls;
    (void)connection;
    char *from = text, *to = text;
    while (*from != '\0') {
        int high = from[0] == '%' ? hex_digit(from[1]) : -1;
        int low = high >= 0 ? hex_digit(from[2]) : -1;
        if (low >= 0 && (high | low) != 0) {
            *to++ = (char)(high * 16 + low);
            from += 3;
        } else {
            *to++ = *from++;
        }
    }
    *to = '\0';
    return (size_t)(to - text);
}
