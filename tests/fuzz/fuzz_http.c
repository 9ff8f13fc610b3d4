/*
 * fuzz_http.c — libFuzzer target: raw bytes on a connection to the server's
 * own request path, libmicrohttpd's parsing included, without a network.
 *
 * libmicrohttpd runs in this thread with the callbacks `tenure serve`
 * gives it (http.h: the request and completion handlers and the unescape
 * callback; gate.h: the request-line and connection hooks; mhd_errors.h
 * turning its own error pages into JSON), over the server and in-memory
 * snapshot of serve_fixture.h. Each input is a first byte of flags (bit 0:
 * the API key is required; bit 1: the snapshot is not ready) and the bytes
 * a client sends on one connection (a socketpair handed to
 * MHD_add_connection), after which the client shuts its side for writing
 * and reads the answers until the server closes.
 *
 * It fails when the first answer is an error (4xx, 5xx) whose body is not
 * `{"error":{"code":…,"message":…}}`, when a client's bytes make a 500, or
 * when the server never closes the connection.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "common/strbuf.h"
#include "serve/gate.h"
#include "serve/http.h"
#include "serve_fixture.h"

/* Rounds of MHD_run after which a connection that is still open counts as hung. */
enum { MAX_ROUNDS = 100000 };

static struct MHD_Daemon *daemon_;

static void ignore_log(void *context, const char *format, va_list args) {
    (void)context, (void)format, (void)args;
}

static void fail(const char *what, const tn_strbuf *received) {
    fprintf(stderr, "fuzz_http: %s; the server sent:\n%s\n", what, tn_strbuf_cstr(received));
    abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    signal(SIGPIPE, SIG_IGN);
    tn_server *server = tn_fuzz_server((tn_fuzz_server_mode){0});
    daemon_ = MHD_start_daemon(
        MHD_USE_ERROR_LOG | MHD_USE_NO_LISTEN_SOCKET | MHD_USE_TURBO, 0, NULL, NULL,
        tn_http_on_request, server, MHD_OPTION_EXTERNAL_LOGGER, ignore_log, NULL,
        MHD_OPTION_NOTIFY_COMPLETED, tn_http_on_completed, server, MHD_OPTION_NOTIFY_CONNECTION,
        tn_gate_on_connection, server->gate, MHD_OPTION_URI_LOG_CALLBACK, tn_gate_on_request_line,
        server->gate, MHD_OPTION_UNESCAPE_CALLBACK, tn_http_unescape, NULL,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)TN_REQUEST_HEAD_MAX, MHD_OPTION_END);
    if (daemon_ == NULL) {
        fprintf(stderr, "fuzz_http: libmicrohttpd did not start\n");
        abort();
    }
    return 0;
}

/* Sends `data` and collects the answers until the server closes; false when it never does. */
static bool converse(int client, const uint8_t *data, size_t size, tn_strbuf *received) {
    size_t sent = 0;
    if (size == 0)
        shutdown(client, SHUT_WR);
    for (int round = 0; round < MAX_ROUNDS; round++) {
        if (sent < size) {
            ssize_t n = write(client, data + sent, size - sent);
            sent += n > 0 ? (size_t)n : 0;
            if (sent == size)
                shutdown(client, SHUT_WR);
        }
        MHD_run(daemon_);
        char buffer[4096];
        ssize_t n;
        while ((n = read(client, buffer, sizeof buffer)) > 0)
            tn_strbuf_append(received, buffer, (size_t)n);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
            return true;
    }
    return false;
}

/* The status of the answer at `text` and where its body starts, or 0. */
static int parse_head(const char *text, const char **body, long *length) {
    int status = 0;
    const char *end = strstr(text, "\r\n\r\n");
    if (sscanf(text, "HTTP/1.%*1[01] %3d", &status) != 1 || end == NULL)
        return 0;
    const char *field = strstr(text, "\r\nContent-Length:"); /* as both writers spell it */
    *length = field != NULL && field < end ? strtol(field + 17, NULL, 10) : -1;
    *body = end + 4;
    return status;
}

/*
 * The first answer after any interim 1xx: an error is JSON, and never a 500.
 * An answer whose body is not there (nothing follows it, or the next answer
 * does) answered a HEAD request, whichever bytes before it the server
 * skipped.
 */
static void check_answers(const tn_strbuf *received) {
    const char *start = tn_strbuf_cstr(received), *at = start, *body = NULL;
    long length = -1;
    int status;
    while ((status = parse_head(at, &body, &length)) >= 100 && status < 200)
        at = body;
    if (status == 500)
        fail("a 500 for a client's request", received);
    size_t available = status > 0 ? received->length - (size_t)(body - start) : 0;
    if (status < 400 || length <= 0 || available == 0 || strncmp(body, "HTTP/", 5) == 0 ||
        (size_t)length > available)
        return;
    if (!tn_fuzz_json_answer_ok(status, body, (size_t)length))
        fail("an error answer that is not the JSON error body", received);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1)
        return 0;
    tn_fuzz_server((tn_fuzz_server_mode){.require_key = data[0] & 1, .not_ready = data[0] & 2});
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, pair) != 0)
        abort();
    struct sockaddr_in peer = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (MHD_add_connection(daemon_, pair[1], (const struct sockaddr *)&peer, sizeof peer) !=
        MHD_YES)
        abort();
    tn_strbuf received = TN_STRBUF_INIT;
    if (!converse(pair[0], data + 1, size - 1, &received))
        fail("the server never closed the connection", &received);
    check_answers(&received);
    close(pair[0]);
    tn_strbuf_free(&received);
    return 0;
}
