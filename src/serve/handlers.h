/*
 * handlers.h — the answer of every route (routes.h), given a request that
 * has passed the checks of http.c (route, method, API key, content type,
 * size). Handlers read the snapshot the request holds and never block.
 *
 * A response borrows its body from the snapshot or from static data when
 * it can (the hot path copies nothing), or owns a body built for it.
 */
#ifndef TN_SERVE_HANDLERS_H
#define TN_SERVE_HANDLERS_H

#include <stdbool.h>
#include <stddef.h>

#include "serve/request.h"
#include "serve/routes.h"
#include "serve/server.h"
#include "serve/snapshot.h"

typedef struct {
    int status;
    const char *body; /* borrowed, or == owned */
    size_t length;
    char *owned;                  /* a body made for this response (free()), or NULL */
    const char *content_type;     /* NULL: application/json */
    const char *allow;            /* the Allow header, or NULL */
    bool authenticate;            /* send WWW-Authenticate (a 401) */
    const char *content_encoding; /* "gzip" when the body is gzip'd, else NULL */
    bool vary_encoding;           /* the body depends on Accept-Encoding (send Vary) */
} tn_response;

typedef struct {
    tn_route_id route;
    const char *parameter; /* the {id} of /customers/{id} */
    const char *body;
    size_t body_length;
    const tn_list_query *query;                        /* GET /customers, checked */
    const tn_movers_query *movers_query;               /* GET /movers, checked */
    const tn_interventions_query *interventions_query; /* GET /analytics/interventions, checked */
    tn_snapshot *snapshot;                             /* held by the request */
    bool accepts_gzip;                                 /* Accept-Encoding takes gzip (policy.h) */
} tn_request;

/* Answers a request. */
void tn_handle(tn_server *server, const tn_request *request, tn_response *response);

/* An error answer: `{"error":{"code":…,"message":…}}` with `status`. */
void tn_response_error(tn_response *response, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Releases what a response owns. */
void tn_response_free(tn_response *response);

#endif
