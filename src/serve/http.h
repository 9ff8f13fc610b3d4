/*
 * http.h — libmicrohttpd's callbacks: where a request comes in and where it
 * ends.
 *
 * On a request's first callback (its headers are in) the server takes a
 * reference to the current snapshot, notes the time and checks what can be
 * checked before the body: the route (404), the API key (401), the method
 * (405, with Allow), CORS preflights (OPTIONS), the content type (415) and
 * the declared size (413). Body bytes are collected up to 64 KiB. On the
 * last callback handlers.c answers. When the request is done, its latency
 * and status go to /metrics and the access log, and the snapshot reference
 * is released.
 */
#ifndef TN_SERVE_HTTP_H
#define TN_SERVE_HTTP_H

#include <microhttpd.h>

/* The access handler; `cls` is the tn_server. */
enum MHD_Result tn_http_on_request(void *cls, struct MHD_Connection *connection, const char *url,
                                   const char *method, const char *version, const char *upload_data,
                                   size_t *upload_data_size, void **request_state);

/* The request-completed callback; `cls` is the tn_server. */
void tn_http_on_completed(void *cls, struct MHD_Connection *connection, void **request_state,
                          enum MHD_RequestTerminationCode why);

#endif
