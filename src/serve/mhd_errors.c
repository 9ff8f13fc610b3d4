/*
 * mhd_errors.c — JSON in place of libmicrohttpd's HTML error pages (see
 * mhd_errors.h).
 */
#define _GNU_SOURCE /* RTLD_NEXT */
#include "serve/mhd_errors.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "serve/server.h"
#include "serve/wire.h"

typedef enum MHD_Result (*queue_function)(struct MHD_Connection *, unsigned int,
                                          struct MHD_Response *);

/* Set once, before the daemon starts (tn_mhd_errors_init); read by its threads. */
static queue_function libmicrohttpd_queue;
static pthread_once_t resolved = PTHREAD_ONCE_INIT;
static tn_gate *errors_gate;
static tn_metrics *errors_metrics;

static void resolve(void) {
    libmicrohttpd_queue = (queue_function)dlsym(RTLD_NEXT, "MHD_queue_response");
}

bool tn_mhd_errors_init(tn_gate *gate, tn_metrics *metrics, tn_error *err) {
    pthread_once(&resolved, resolve);
    if (libmicrohttpd_queue == NULL)
        return tn_error_set(err, TN_ERR_INTERNAL,
                            "libmicrohttpd's MHD_queue_response cannot be found: %s", dlerror());
    errors_gate = gate;
    errors_metrics = metrics;
    return true;
}

/* The code and message of a status libmicrohttpd answers itself. */
static const char *describe(unsigned status, char *message, size_t size) {
    switch (status) {
    case 400:
        snprintf(message, size,
                 "the request is not well-formed HTTP/1.1: its request line, a "
                 "header line, its Content-Length or the chunked encoding of its "
                 "body is malformed");
        return "bad_request";
    case 413:
        snprintf(message, size, "the body is over the %d-byte limit", TN_BODY_MAX);
        return "payload_too_large";
    case 414:
        snprintf(message, size, "the request line is too long: it must fit in %d KiB",
                 TN_REQUEST_HEAD_MAX / 1024);
        return "uri_too_long";
    case 431:
        snprintf(message, size,
                 "the request's headers are too large: with the request line they must fit in "
                 "%d KiB",
                 TN_REQUEST_HEAD_MAX / 1024);
        return "headers_too_large";
    case 505:
        snprintf(message, size, "the server speaks HTTP/1.0 and HTTP/1.1");
        return "http_version_not_supported";
    default:
        snprintf(message, size, "the server could not read the request");
        return status == 500 ? "internal_error" : "bad_request";
    }
}

/*
 * Writes libmicrohttpd's error as JSON and shuts the socket, unless the gate
 * has closed the connection already (it shut the socket then).
 */
static void answer_in_json(struct MHD_Connection *connection, unsigned status) {
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (info == NULL || (errors_gate != NULL && !tn_gate_begin_answer(errors_gate, connection)))
        return;
    char message[256];
    const char *code = describe(status, message, sizeof message);
    tn_wire_error(info->connect_fd, (int)status, code, message, false);
    shutdown(info->connect_fd, SHUT_RDWR);
    if (errors_metrics != NULL)
        tn_metrics_record(errors_metrics, TN_ROUTE_NONE, (int)status, 0.0);
}

enum MHD_Result MHD_queue_response(struct MHD_Connection *connection, unsigned int status_code,
                                   struct MHD_Response *response) {
    pthread_once(&resolved, resolve);
    if (status_code >= 400 &&
        MHD_get_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE) == NULL)
        answer_in_json(connection, status_code);
    return libmicrohttpd_queue != NULL ? libmicrohttpd_queue(connection, status_code, response)
                                       : MHD_NO;
}
