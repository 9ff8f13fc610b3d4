/*
 * gate.h — the server's door: it accepts connections itself, refuses those
 * past the limits, and closes those whose request does not arrive in time.
 * libmicrohttpd only gets the connections the gate lets in
 * (MHD_add_connection) and tells it when each one closes.
 *
 * The limits, each an option of `tenure serve`:
 *   - connections open at once, in all (--max-connections): past it a new
 *     connection is answered 503 server_busy and closed at once, instead of
 *     waiting in the listen queue behind the ones that hold the server;
 *   - connections open at once from one address (--max-connections-per-ip;
 *     an IPv6 address counts by its /64): past it 429
 *     too_many_connections, so one client cannot take the server's
 *     connections from everyone else;
 *   - the request deadline (--request-timeout): a request's line, headers
 *     and body must all have arrived within that many seconds of the
 *     connection opening, or of the previous answer on a kept-alive
 *     connection. Sending slowly does not extend it, unlike libmicrohttpd's
 *     own timeout, which any byte restarts. A request partly received is
 *     answered 408 request_timeout; a connection with no request begun is
 *     closed without a word (its client may be sending the next request at
 *     that very moment, and would take a 408 for its answer).
 * Refusals and the 408 are written straight to the socket (wire.h).
 *
 * One thread does it all: it waits on the listening socket, accepts, and
 * every 100 ms sweeps the open connections for passed deadlines. Each
 * connection's state is an atomic the worker threads move along (request
 * begun, answering, answered) and the sweep moves to "expired" by
 * compare-and-swap, so a connection is answered by libmicrohttpd or closed
 * by the gate, never both. A socket is only touched under the gate's lock,
 * which libmicrohttpd's close notification also takes before the socket is
 * closed, so its descriptor cannot have been reused meanwhile.
 */
#ifndef TN_SERVE_GATE_H
#define TN_SERVE_GATE_H

#include <stdbool.h>
#include <stdint.h>

#include <microhttpd.h>

#include "common/error.h"

typedef struct {
    long max_connections;        /* open at once, in all */
    long max_connections_per_ip; /* open at once from one address */
    long request_timeout;        /* seconds to receive a whole request */
} tn_gate_limits;

/* What the gate has done, for /metrics. */
typedef struct {
    uint64_t open;                   /* connections open now */
    uint64_t refused_per_ip;         /* 429s */
    uint64_t refused_busy;           /* 503s */
    uint64_t closed_request_timeout; /* 408s: a request begun but not received in time */
    uint64_t closed_idle;            /* closed with no request begun in time */
} tn_gate_stats;

typedef struct tn_gate tn_gate;

/*
 * A gate for `limits`, not yet accepting. Checks that the process may open
 * enough descriptors for the connections (raising its soft limit when the
 * hard one allows). The caller frees it with tn_gate_free.
 */
tn_gate *tn_gate_new(const tn_gate_limits *limits, tn_error *err);

/*
 * Starts accepting on `listen_fd` (non-blocking) and hands connections to
 * `daemon`, which must have been started with tn_gate_on_connection and
 * tn_gate_on_request_line. The gate owns `listen_fd` from this call on,
 * even when it fails, and closes it.
 */
bool tn_gate_start(tn_gate *gate, int listen_fd, struct MHD_Daemon *daemon, tn_error *err);

/* Stops accepting and closes the listening socket; the sweep goes on. Returns once it is closed. */
void tn_gate_stop_accepting(tn_gate *gate);

/* Stops the gate's thread and frees it; call after MHD_stop_daemon. NULL is allowed. */
void tn_gate_free(tn_gate *gate);

void tn_gate_read_stats(tn_gate *gate, tn_gate_stats *stats);

/* MHD_OPTION_NOTIFY_CONNECTION (`cls` is the gate): forgets a connection when it closes. */
void tn_gate_on_connection(void *cls, struct MHD_Connection *connection, void **socket_context,
                           enum MHD_ConnectionNotificationCode what);

/* MHD_OPTION_URI_LOG_CALLBACK (`cls` is the gate): a request's first line is in. Returns NULL. */
void *tn_gate_on_request_line(void *cls, const char *uri, struct MHD_Connection *connection);

/*
 * Called before a connection's request is answered (once it is received,
 * or refused early). False when the deadline passed and the gate has
 * closed it: then nothing may be written to it.
 */
bool tn_gate_begin_answer(tn_gate *gate, struct MHD_Connection *connection);

/* Called when an answer is done: the deadline of the connection's next request starts. */
void tn_gate_end_answer(tn_gate *gate, struct MHD_Connection *connection);

/* True when the gate closed this connection at its deadline. */
bool tn_gate_expired(tn_gate *gate, struct MHD_Connection *connection);

#endif
