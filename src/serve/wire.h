/*
 * wire.h — error answers written straight to a client's socket, outside
 * libmicrohttpd: the gate's refusals (429, 503) and its 408 (gate.h), and
 * the answers that replace libmicrohttpd's own HTML error pages
 * (mhd_errors.h). Each is a whole HTTP/1.1 response with the JSON body
 * every error of the API has, `{"error":{"code":…,"message":…}}`, and
 * "Connection: close": the caller closes the connection after it.
 */
#ifndef TN_SERVE_WIRE_H
#define TN_SERVE_WIRE_H

#include <stdbool.h>

/*
 * Writes the answer to `fd` without blocking (a few hundred bytes: a
 * socket's buffer takes them whole unless the client has stopped reading).
 * `message` is UTF-8. With `retry_after`, a "Retry-After: 1" header asks the
 * client to try again in a second. True when every byte was written.
 */
bool tn_wire_error(int fd, int status, const char *code, const char *message, bool retry_after);

/* The reason phrase of the statuses written here ("Request Timeout"); "Error" for others. */
const char *tn_wire_reason(int status);

#endif
