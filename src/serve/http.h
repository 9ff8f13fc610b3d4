/*
 * http.h — libmicrohttpd's callbacks: where a request comes in and where it
 * ends.
 *
 * On a request's first callback (its headers are in) the server takes a
 * reference to the current snapshot, notes the time and checks what can be
 * checked before the body: the route (404), the API key (401), the method
 * (405, with Allow), CORS preflights (OPTIONS), the content type (415) and
 * the declared size (413); a path that is not UTF-8 is refused first (400).
 * Body bytes are collected up to 64 KiB. On the last callback handlers.c
 * answers, unless the gate has closed the connection at the request's
 * deadline (gate.h). When the request is done, its latency and status go to
 * /metrics and the access log, the snapshot reference is released, and the
 * deadline of the connection's next request starts.
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

/*
 * MHD_OPTION_UNESCAPE_CALLBACK: decodes %XX in the path and the query as
 * libmicrohttpd does, except %00, which stays as it is: a NUL byte would cut
 * the text short (/customers/ID%00junk would answer for ID).
 */
size_t tn_http_unescape(void *cls, struct MHD_Connection *connection, char *text);

#endif
