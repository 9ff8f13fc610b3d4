/*
 * server.c — the server's life: listen, serve, reload, stop (see server.h).
 */
#include "serve/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "common/log.h"
#include "serve/http.h"
#include "serve/mhd_errors.h"
#include "tn_version.h"

/* SETTLE_MS: how long the drain waits at least after the listening socket closes, so that a
 * request on a connection accepted just before has arrived and counts as in flight. */
enum {
    LISTEN_BACKLOG = 1024,
    CONNECTION_TIMEOUT_SECONDS = 30,
    DRAIN_SECONDS = 10,
    SETTLE_MS = 200
};

tn_snapshot *tn_server_acquire(tn_server *server) {
    pthread_mutex_lock(&server->snapshot_lock);
    tn_snapshot *snapshot = server->snapshot;
    tn_snapshot_retain(snapshot);
    pthread_mutex_unlock(&server->snapshot_lock);
    return snapshot;
}

/* Makes `next` current (taking over its reference) and drops the server's reference to the old one.
 */
static void swap_snapshot(tn_server *server, tn_snapshot *next) {
    pthread_mutex_lock(&server->snapshot_lock);
    tn_snapshot *previous = server->snapshot;
    server->snapshot = next;
    pthread_mutex_unlock(&server->snapshot_lock);
    tn_snapshot_release(previous);
}

/*
 * Loads a snapshot. DuckDB's scans leave tens of megabytes of freed heap
 * behind; malloc_trim hands them back to the system, so the server's
 * resident size is what the snapshot holds.
 */
static tn_snapshot *load_snapshot(const tn_serve_options *options) {
    tn_snapshot_source source = {.db_path = options->db_path,
                                 .parquet_dir = options->parquet_dir,
                                 .models_dir = options->models_dir,
                                 .reports_dir = options->reports_dir,
                                 .movers_rise = options->movers_rise,
                                 .history_scorings = options->history_scorings,
                                 .drift = options->drift,
                                 .plan = options->plan};
    tn_snapshot *snapshot = tn_snapshot_load(&source);
    malloc_trim(0);
    if (snapshot != NULL)
        tn_snapshot_warm(snapshot); /* the customers' bodies, on idle cores */
    return snapshot;
}

static void describe(const tn_snapshot *snapshot, const char *what) {
    if (snapshot->ready)
        tn_log_info("serve: %s %zu active customers as of %s in %.2f s (models %s, %s; reading "
                    "and scoring %.2f s, with the drift check and the live backtest (%.2f s) "
                    "beside the scoring; documents %.2f s)",
                    what, snapshot->customer_count, snapshot->as_of, snapshot->load_seconds,
                    snapshot->churn_version, snapshot->expansion_version, snapshot->read_seconds,
                    snapshot->health_seconds, snapshot->build_seconds);
    else
        tn_log_warn("serve: not ready: %s; /ready answers 503 until a reload (SIGHUP) finds the "
                    "marts and models",
                    snapshot->reason);
}

/* SIGHUP: a new snapshot replaces the old one, unless it fails where the old one works. */
static void reload(tn_server *server) {
    tn_log_info("serve: SIGHUP: reloading the warehouse and the models");
    tn_snapshot *next = load_snapshot(server->options);
    if (next == NULL) {
        atomic_fetch_add(&server->reloads_failed, 1);
        tn_log_error("serve: reload failed: out of memory; still serving the previous snapshot");
        return;
    }
    tn_snapshot *current = tn_server_acquire(server);
    bool keep_current = !next->ready && current->ready;
    if (keep_current) {
        atomic_fetch_add(&server->reloads_failed, 1);
        tn_log_error("serve: reload failed: %s; still serving the snapshot as of %s", next->reason,
                     current->as_of);
        tn_snapshot_release(next);
    } else {
        atomic_fetch_add(next->ready ? &server->reloads_ok : &server->reloads_failed, 1);
        describe(next, "reloaded:");
        swap_snapshot(server, next);
    }
    tn_snapshot_release(current);
}

/* Binds and listens on host:port; *address receives "http://host:port" with the real port. */
static bool open_listener(const tn_serve_options *options, int *fd, bool *ipv6, char *address,
                          size_t size, tn_error *err) {
    char port[16];
    snprintf(port, sizeof port, "%ld", options->port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV},
                    *found = NULL;
    int status = getaddrinfo(options->host, port, &hints, &found);
    if (status != 0)
        return tn_error_set(err, TN_ERR_INPUT, "--host %s: %s", options->host,
                            gai_strerror(status));
    *fd = socket(found->ai_family, found->ai_socktype | SOCK_CLOEXEC, found->ai_protocol);
    int yes = 1;
    bool ok = *fd >= 0 && setsockopt(*fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes) == 0 &&
              bind(*fd, found->ai_addr, found->ai_addrlen) == 0 &&
              listen(*fd, LISTEN_BACKLOG) == 0 &&
              fcntl(*fd, F_SETFL, fcntl(*fd, F_GETFL) | O_NONBLOCK) == 0;
    *ipv6 = found->ai_family == AF_INET6;
    freeaddrinfo(found);
    if (!ok) {
        int error = errno;
        if (*fd >= 0)
            close(*fd);
        return tn_error_set(err, TN_ERR_IO, "cannot listen on %s port %s: %s%s", options->host,
                            port, strerror(error),
                            error == EADDRINUSE ? " (another program listens there: choose "
                                                  "another port with --port N)"
                                                : "");
    }
    struct sockaddr_storage bound;
    socklen_t length = sizeof bound;
    char host[INET6_ADDRSTRLEN] = "?";
    unsigned actual = 0;
    if (getsockname(*fd, (struct sockaddr *)&bound, &length) == 0) {
        const void *in = *ipv6 ? (const void *)&((struct sockaddr_in6 *)&bound)->sin6_addr
                               : (const void *)&((struct sockaddr_in *)&bound)->sin_addr;
        inet_ntop(bound.ss_family, in, host, sizeof host);
        actual = ntohs(*ipv6 ? ((struct sockaddr_in6 *)&bound)->sin6_port
                             : ((struct sockaddr_in *)&bound)->sin_port);
    }
    snprintf(address, size, *ipv6 ? "http://[%s]:%u" : "http://%s:%u", host, actual);
    return true;
}

bool tn_serve_port_free(const char *host, long port, tn_error *err) {
    tn_serve_options probe = {.host = host, .port = port};
    int fd = -1;
    bool ipv6 = false;
    char address[96];
    if (port == 0)
        return true; /* any free port will do */
    if (!open_listener(&probe, &fd, &ipv6, address, sizeof address, err))
        return false;
    close(fd);
    return true;
}

/*
 * libmicrohttpd's lines about a client's malformed request are not logged:
 * each is answered in JSON and counted in /metrics (mhd_errors.h), and
 * logging them would let any client fill the log.
 */
static bool about_a_client_error(const char *message) {
    static const char *const prefixes[] = {
        "Error processing request (HTTP response code is",
        "Closing connection (failed to queue error response)",
        "Failed to parse `Content-Length' header",
        "Too large value of 'Content-Length' header",
        "Received HTTP/1.1 request without `Host' header",
        "Not enough memory in pool to",
        "Connection was closed by remote side",
        "Connection socket is closed when reading request",
        /* a client that went away mid-request or mid-answer (a reset, a flood tool's close) */
        "Socket has been disconnected when reading request",
        "Failed to send the response body for the request for",
        "Failed to send data in request for",
        /* its own error page, after mhd_errors.c answered in JSON and shut the socket */
        "Failed to send the response headers for the request for",
    };
    for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++)
        if (strncmp(message, prefixes[i], strlen(prefixes[i])) == 0)
            return true;
    return false;
}

static void log_from_microhttpd(void *context, const char *format, va_list args) {
    (void)context;
    char message[512];
    vsnprintf(message, sizeof message, format, args);
    message[strcspn(message, "\n")] = '\0';
    if (!about_a_client_error(message))
        tn_log_warn("serve: libmicrohttpd: %s", message);
}

/*
 * libmicrohttpd gets its connections from the gate (no listening socket of
 * its own); its connection limit is set so that it never refuses one the
 * gate let in, whichever worker thread takes it.
 */
static struct MHD_Daemon *start_daemon(tn_server *server) {
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_TURBO |
                     MHD_USE_ERROR_LOG | MHD_USE_NO_LISTEN_SOCKET;
    unsigned threads = (unsigned)server->options->threads;
    unsigned limit = (unsigned)(server->options->limits.max_connections + 1) * threads;
    return MHD_start_daemon(
        flags, 0, NULL, NULL, tn_http_on_request, server, MHD_OPTION_EXTERNAL_LOGGER,
        log_from_microhttpd, NULL, MHD_OPTION_THREAD_POOL_SIZE, threads > 1 ? threads : 0,
        MHD_OPTION_NOTIFY_COMPLETED, tn_http_on_completed, server, MHD_OPTION_NOTIFY_CONNECTION,
        tn_gate_on_connection, server->gate, MHD_OPTION_URI_LOG_CALLBACK, tn_gate_on_request_line,
        server->gate, MHD_OPTION_UNESCAPE_CALLBACK, tn_http_unescape, NULL,
        MHD_OPTION_CONNECTION_LIMIT, limit, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)TN_REQUEST_HEAD_MAX, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)CONNECTION_TIMEOUT_SECONDS, MHD_OPTION_END);
}

/*
 * SIGINT/SIGTERM: /ready answers 503 and every answer says "Connection:
 * close" from here on; after the drain grace (a load balancer's health check
 * sees the 503 meanwhile), stop accepting, let requests in flight finish,
 * stop the workers.
 */
static void drain_and_stop(tn_server *server, struct MHD_Daemon *daemon) {
    atomic_store(&server->stopping, true);
    if (server->options->drain_grace > 0) {
        tn_log_info("serve: /ready answers 503; still accepting for %ld s (--drain-grace)",
                    server->options->drain_grace);
        nanosleep(&(struct timespec){server->options->drain_grace, 0}, NULL);
    }
    tn_gate_stop_accepting(server->gate);
    struct timespec pause = {0, 10 * 1000000L};
    for (int waited = 0; waited < DRAIN_SECONDS * 100; waited++) {
        if (atomic_load(&server->in_flight) == 0 && waited * 10 >= SETTLE_MS)
            break;
        nanosleep(&pause, NULL);
    }
    uint64_t left = atomic_load(&server->in_flight);
    if (left > 0)
        tn_log_warn("serve: %llu requests still open after %d s; closing them",
                    (unsigned long long)left, DRAIN_SECONDS);
    MHD_stop_daemon(daemon);
}

static bool server_init(tn_server *server, const tn_serve_options *options, tn_error *err) {
    memset(server, 0, sizeof *server);
    server->options = options;
    tn_metrics_init(&server->metrics);
    pthread_mutex_init(&server->snapshot_lock, NULL);
    atomic_init(&server->in_flight, 0);
    atomic_init(&server->reloads_ok, 0);
    atomic_init(&server->reloads_failed, 0);
    atomic_init(&server->loading, true);
    atomic_init(&server->stopping, false);
    server->require_key = options->api_key_file != NULL;
    if (server->require_key && !tn_api_key_read(options->api_key_file, server->api_key, err))
        return false;
    char health[96];
    snprintf(health, sizeof health, "{\"status\":\"ok\",\"version\":\"%s\"}", TN_VERSION);
    if ((server->health_body = strdup(health)) == NULL)
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    if ((server->gate = tn_gate_new(&options->limits, err)) == NULL ||
        !tn_mhd_errors_init(server->gate, &server->metrics, err))
        return false;
    return options->access_log == NULL ||
           tn_access_log_open(options->access_log, &server->access_log, err);
}

static void server_free(tn_server *server) {
    tn_snapshot_release(server->snapshot);
    tn_access_log_close(server->access_log);
    tn_gate_free(server->gate);
    free(server->health_body);
    pthread_mutex_destroy(&server->snapshot_lock);
}

/* Waits for signals: SIGHUP reloads, SIGINT/SIGTERM return. */
static void wait_for_signals(tn_server *server, const sigset_t *signals) {
    for (;;) {
        int received = 0;
        if (sigwait(signals, &received) != 0)
            continue;
        if (received == SIGHUP) {
            reload(server);
            continue;
        }
        tn_log_info("serve: %s: finishing the requests in flight, then stopping",
                    received == SIGINT ? "SIGINT" : "SIGTERM");
        return;
    }
}

/* Starts libmicrohttpd and the gate on `fd`, which is the gate's from here on, whatever happens. */
static struct MHD_Daemon *start_serving(tn_server *server, int fd, const char *address,
                                        tn_error *err) {
    struct MHD_Daemon *daemon = start_daemon(server);
    if (daemon == NULL) {
        close(fd);
        tn_error_set(err, TN_ERR_INTERNAL, "libmicrohttpd could not start on %s", address);
        return NULL;
    }
    if (!tn_gate_start(server->gate, fd, daemon, err)) {
        MHD_stop_daemon(daemon);
        return NULL;
    }
    return daemon;
}

static void announce(const tn_server *server, const char *address) {
    const tn_serve_options *options = server->options;
    describe(server->snapshot, "loaded");
    tn_log_info(
        "serve: listening on %s (%ld worker threads, pid %ld); SIGHUP reloads, Ctrl-C stops",
        address, options->threads, (long)getpid());
    tn_log_info("serve: at most %ld connections, %ld from one address; a request must arrive "
                "within %ld s",
                options->limits.max_connections, options->limits.max_connections_per_ip,
                options->limits.request_timeout);
    tn_log_info("serve: the dashboard is %s/, the API is described at %s/openapi.json", address,
                address);
}

/*
 * Answers from a not-ready snapshot while the first one loads, so a load
 * balancer's health check gets 503 rather than a connection that hangs.
 * False (with `err`) when memory runs out.
 */
static bool load_first_snapshot(tn_server *server, const char *address, tn_error *err) {
    tn_log_info("serve: answering on %s while the snapshot loads (/ready: 503, \"loading\")",
                address);
    tn_snapshot *first = load_snapshot(server->options);
    if (first == NULL)
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    swap_snapshot(server, first);
    atomic_store(&server->loading, false);
    return true;
}

bool tn_serve(const tn_serve_options *options, tn_error *err) {
    /* Blocked in every thread started from here on (DuckDB's, libmicrohttpd's, the log writer):
     * only sigwait() on this thread sees them. */
    sigset_t signals, previous;
    sigemptyset(&signals);
    sigaddset(&signals, SIGHUP);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, &previous);
    signal(SIGPIPE, SIG_IGN);

    tn_server server;
    int fd = -1;
    bool ipv6 = false;
    char address[96];
    bool ok = server_init(&server, options, err) &&
              open_listener(options, &fd, &ipv6, address, sizeof address, err);
    if (ok) {
        server.snapshot = tn_snapshot_not_ready("loading: the server is loading its snapshot of "
                                                "the warehouse and the models");
        ok = server.snapshot != NULL || tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    }
    struct MHD_Daemon *daemon = NULL;
    if (ok) {
        daemon = start_serving(&server, fd, address, err);
        fd = -1; /* the gate's now */
        ok = daemon != NULL;
    }
    bool serving = ok;
    if (ok && (ok = load_first_snapshot(&server, address, err))) {
        announce(&server, address);
        wait_for_signals(&server, &signals);
    }
    if (serving) {
        drain_and_stop(&server, daemon);
        tn_log_info("serve: stopped");
    } else if (fd >= 0) {
        close(fd);
    }
    server_free(&server);
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    return ok;
}
