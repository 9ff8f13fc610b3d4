/*
 * fuzz_request.c — libFuzzer target: one request through the layers the
 * server runs after libmicrohttpd has parsed it, without a network.
 *
 * The input is a request in lines: a first byte of flags (bit 0: the API
 * key is required; bit 1: the snapshot is not ready), then the method, the
 * request target (path and query, percent-encoded as sent), the
 * Content-Type, the Authorization and the Origin header (an empty line: no
 * such header), and the rest is the body. The target is split and decoded
 * as libmicrohttpd does it with the server's tn_http_unescape; then come
 * the UTF-8 check of the path, route matching, the API key, CORS and
 * content-type rules, the query of GET /customers, and the route's handler
 * over the in-memory snapshot of serve_fixture.h (JSON body validation of
 * the prediction routes included).
 *
 * It fails when an answer that says it is JSON does not parse, when an
 * error answer lacks error.code or error.message, when a client's bytes
 * make a 500, or when a route parameter is empty or holds a '/'.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"
#include "serve/handlers.h"
#include "serve/http.h"
#include "serve/policy.h"
#include "serve/request.h"
#include "serve/routes.h"
#include "serve_fixture.h"

enum { FIELDS = 5 }; /* method, target, Content-Type, Authorization, Origin */

typedef struct {
    char *field[FIELDS]; /* owned; NULL when the line is empty or missing */
    const char *body;
    size_t body_length;
} fuzz_request;

static void fail(const char *what, int status, const char *body, size_t length) {
    fprintf(stderr, "fuzz_request: %s (status %d): %.*s\n", what, status, (int)length, body);
    abort();
}

/* Splits the input into the header lines and the body. */
static void split_input(const uint8_t *data, size_t size, fuzz_request *request) {
    const char *at = (const char *)data, *end = at + size;
    for (int f = 0; f < FIELDS; f++) {
        const char *newline = memchr(at, '\n', (size_t)(end - at));
        const char *stop = newline != NULL ? newline : end;
        request->field[f] = stop > at ? strndup(at, (size_t)(stop - at)) : NULL;
        at = newline != NULL ? newline + 1 : end;
    }
    request->body = at;
    request->body_length = (size_t)(end - at);
}

/* An answer must be what it says it is; a client's bytes never make a 500. */
static void check_answer(const tn_response *response) {
    if (response->status == 500)
        fail("a 500 for a client's request", response->status, response->body, response->length);
    if (response->content_type == NULL &&
        !tn_fuzz_json_answer_ok(response->status, response->body, response->length))
        fail("not the JSON answer it should be", response->status, response->body,
             response->length);
}

/* The refusal texts of the server quote the client's method and content type. */
static void check_refusals(const char *method, const char *content_type) {
    tn_response response = {0};
    tn_response_error(&response, 405, "method_not_allowed", "/customers takes GET, not %s", method);
    check_answer(&response);
    tn_response_free(&response);
    tn_response_error(&response, 415, "unsupported_media_type",
                      "expected Content-Type: application/json, got '%.64s'", content_type);
    check_answer(&response);
    tn_response_free(&response);
}

/* libmicrohttpd's reading of a query: '&' between arguments, '+' for a space, then unescaping. */
typedef struct {
    tn_list_query list;
    tn_movers_query movers;
    tn_interventions_query interventions;
} queries;

static bool read_query(char *query, tn_route_id route, queries *q, tn_request_problem *problem) {
    char *save = NULL;
    for (char *argument = strtok_r(query, "&", &save); argument != NULL;
         argument = strtok_r(NULL, "&", &save)) {
        for (char *p = argument; *p != '\0'; p++)
            *p = *p == '+' ? ' ' : *p;
        char *value = strchr(argument, '=');
        if (value != NULL) {
            *value++ = '\0';
            tn_http_unescape(NULL, NULL, value);
        }
        tn_http_unescape(NULL, NULL, argument);
        bool ok = route == TN_ROUTE_MOVERS
                      ? tn_movers_query_set(&q->movers, argument, value, problem)
                  : route == TN_ROUTE_INTERVENTIONS
                      ? tn_interventions_query_set(&q->interventions, argument, value, problem)
                      : tn_list_query_set(&q->list, argument, value, problem);
        if (!ok)
            return false;
    }
    return true;
}

static void answer(tn_server *server, tn_route_id route, const char *parameter, char *query,
                   const fuzz_request *request) {
    tn_snapshot *snapshot = tn_server_acquire(server);
    queries q = {.movers = {{0}}};
    tn_request_problem problem;
    tn_response response = {0};
    tn_list_query_init(&q.list);
    tn_interventions_query_init(&q.interventions);
    if ((route == TN_ROUTE_CUSTOMERS || route == TN_ROUTE_MOVERS ||
         route == TN_ROUTE_INTERVENTIONS) &&
        snapshot->ready && query != NULL && !read_query(query, route, &q, &problem)) {
        tn_response_error(&response, problem.status, problem.code, "%s", problem.message);
    } else {
        char *owned = parameter != NULL ? strndup(parameter, 4 * TN_CUSTOMER_ID_MAX) : NULL;
        tn_request handled = {route,   owned,     request->body,    request->body_length,
                              &q.list, &q.movers, &q.interventions, snapshot};
        tn_handle(server, &handled, &response);
        free(owned);
    }
    check_answer(&response);
    tn_metrics_record(&server->metrics, route, response.status, 0.001);
    tn_response_free(&response);
    tn_snapshot_release(snapshot);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1)
        return 0;
    tn_fuzz_server_mode mode = {.require_key = data[0] & 1, .not_ready = data[0] & 2};
    tn_server *server = tn_fuzz_server(mode);
    fuzz_request request;
    split_input(data + 1, size - 1, &request);
    const char *method = request.field[0] ? request.field[0] : "GET";
    char *path = strdup(request.field[1] ? request.field[1] : "/");
    char *query = strchr(path, '?');
    if (query != NULL)
        *query++ = '\0';
    tn_http_unescape(NULL, NULL, path);
    const char *parameter = NULL;
    size_t length = 0;
    tn_route_id route = tn_utf8_valid(path, strlen(path))
                            ? tn_route_match(path, &parameter, &length)
                            : TN_ROUTE_NONE;
    if (parameter != NULL && (length == 0 || memchr(parameter, '/', length) != NULL))
        fail("a route parameter that is empty or holds a '/'", 0, parameter, length);
    char *owned = parameter != NULL ? strndup(parameter, length) : NULL;
    parameter = owned;
    tn_route_allows(route, method);
    tn_api_key_accepts(server->api_key, request.field[3]);
    tn_cors_allows(server->options->cors_origins, server->options->cors_origin_count,
                   request.field[4]);
    tn_is_json_content_type(request.field[2]);
    check_refusals(method, request.field[2] ? request.field[2] : "none");
    if (route != TN_ROUTE_NONE)
        answer(server, route, parameter, query, &request);
    free(owned);
    free(path);
    for (int f = 0; f < FIELDS; f++)
        free(request.field[f]);
    return 0;
}
