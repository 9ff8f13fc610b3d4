/*
 * serve_flood.c — a bounded connection flood against `tenure serve`, for
 * tests/integration/test_serve_limits.sh and bench/serve_flood.sh.
 *
 *   serve_flood HOST PORT [--from ADDR] [--slow N] [--idle N] [--interval MS]
 *               [--seconds S] [--reopen MS] [--rate N]
 *
 * From ADDR (default 127.0.0.2: all of 127.0.0.0/8 is this machine on
 * Linux, so the server sees another client than the tests' 127.0.0.1), it
 * holds N slow connections, each sending a request's headers one line every
 * --interval ms and never ending them (the "slowloris" attack), and N idle
 * connections that send nothing. A connection the server closes is opened
 * again --reopen ms later (default 1000), for --seconds seconds (default
 * 10); at most --rate connections are opened per second (default 2000).
 * Then it prints one line:
 *
 *   flood: opened=… refused_429=… refused_503=… timeout_408=… closed_silently=…
 *          connect_failed=… longest_open_ms=…
 *
 * refused_*: closed at once with that status; timeout_408 and
 * closed_silently: closed later, with a 408 or without a word;
 * longest_open_ms: the longest time the server kept one connection open
 * (those still open at the end count, with their age then).
 * Exits 1 on a usage error. Linux only (epoll, IP_BIND_ADDRESS_NO_PORT).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { WAITING, CONNECTING, OPEN };

typedef struct {
    int fd, state;
    bool slow;
    long long at_ms;        /* WAITING: when to open; OPEN: when to send the next line */
    long long connected_ms; /* when the connection was established */
    int lines;              /* header lines sent */
    int status;             /* the status of what the server sent, 0 when nothing yet */
} flood_connection;

typedef struct {
    struct sockaddr_in server, from;
    int slow, idle, interval_ms, seconds, reopen_ms, rate;
} flood_options;

typedef struct {
    long opened, refused_429, refused_503, timeout_408, closed_silently, connect_failed;
    long long longest_open_ms;
} flood_counts;

static long long now_ms(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static bool parse_options(int argc, char **argv, flood_options *o) {
    *o = (flood_options){.interval_ms = 5000, .seconds = 10, .reopen_ms = 1000, .rate = 2000};
    const char *from = "127.0.0.2";
    if (argc < 3)
        return false;
    o->server.sin_family = o->from.sin_family = AF_INET;
    o->server.sin_port = htons((unsigned short)atoi(argv[2]));
    for (int i = 3; i + 1 < argc; i += 2) {
        int value = atoi(argv[i + 1]);
        if (strcmp(argv[i], "--from") == 0)
            from = argv[i + 1];
        else if (strcmp(argv[i], "--slow") == 0)
            o->slow = value;
        else if (strcmp(argv[i], "--idle") == 0)
            o->idle = value;
        else if (strcmp(argv[i], "--interval") == 0)
            o->interval_ms = value;
        else if (strcmp(argv[i], "--seconds") == 0)
            o->seconds = value;
        else if (strcmp(argv[i], "--reopen") == 0)
            o->reopen_ms = value;
        else if (strcmp(argv[i], "--rate") == 0)
            o->rate = value;
        else
            return false;
    }
    return (argc % 2) == 1 && inet_pton(AF_INET, argv[1], &o->server.sin_addr) == 1 &&
           inet_pton(AF_INET, from, &o->from.sin_addr) == 1 && o->rate > 0 && o->interval_ms > 0;
}

/* Starts connecting `c`; false when the socket cannot even be made. */
static bool start(flood_connection *c, const flood_options *o, int epoll_fd) {
    int one = 1;
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0)
        return false;
    setsockopt(c->fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    if (bind(c->fd, (const struct sockaddr *)&o->from, sizeof o->from) != 0 ||
        (connect(c->fd, (const struct sockaddr *)&o->server, sizeof o->server) != 0 &&
         errno != EINPROGRESS)) {
        close(c->fd);
        c->fd = -1;
        return false;
    }
    struct epoll_event event = {.events = EPOLLOUT | EPOLLIN, .data.ptr = c};
    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, c->fd, &event);
    c->state = CONNECTING;
    c->lines = c->status = 0;
    return true;
}

/* Closes `c`, counts how it ended, and schedules it to be opened again. */
static void finish(flood_connection *c, const flood_options *o, flood_counts *counts, bool failed) {
    long long now = now_ms(), open_ms = c->state == OPEN ? now - c->connected_ms : 0;
    if (failed)
        counts->connect_failed++;
    else if (c->status == 429 || c->status == 503)
        (*(c->status == 429 ? &counts->refused_429 : &counts->refused_503))++;
    else if (c->status == 408)
        counts->timeout_408++;
    else
        counts->closed_silently++;
    if (!failed && c->status != 429 && c->status != 503 && open_ms > counts->longest_open_ms)
        counts->longest_open_ms = open_ms;
    close(c->fd);
    c->fd = -1;
    c->state = WAITING;
    c->at_ms = now + o->reopen_ms;
}

/* Reads what the server sent; the connection ends at end of stream or on an error. */
static void on_readable(flood_connection *c, const flood_options *o, flood_counts *counts) {
    char buffer[4096];
    ssize_t n;
    while ((n = recv(c->fd, buffer, sizeof buffer - 1, 0)) > 0) {
        buffer[n] = '\0';
        if (c->status == 0 && strncmp(buffer, "HTTP/1.", 7) == 0)
            c->status = atoi(buffer + 9);
    }
    if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
        finish(c, o, counts, false);
}

static void on_event(flood_connection *c, unsigned events, const flood_options *o,
                     flood_counts *counts, int epoll_fd) {
    if (c->state == CONNECTING) {
        int error = 0;
        socklen_t length = sizeof error;
        getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &error, &length);
        if (error != 0) {
            finish(c, o, counts, true);
            return;
        }
        c->state = OPEN;
        c->connected_ms = c->at_ms = now_ms();
        counts->opened++;
        struct epoll_event event = {.events = EPOLLIN, .data.ptr = c};
        epoll_ctl(epoll_fd, EPOLL_CTL_MOD, c->fd, &event);
    }
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
        on_readable(c, o, counts);
}

/* Sends the next header line of a slow connection when it is due. */
static void trickle(flood_connection *c, const flood_options *o, long long now) {
    if (c->state != OPEN || !c->slow || now < c->at_ms)
        return;
    char line[64];
    int length = c->lines == 0 ? snprintf(line, sizeof line, "GET /health HTTP/1.1\r\nHost: x\r\n")
                               : snprintf(line, sizeof line, "X-Slow-%d: y\r\n", c->lines);
    if (send(c->fd, line, (size_t)length, MSG_NOSIGNAL) == length)
        c->lines++;
    c->at_ms = now + o->interval_ms;
}

static void run(flood_connection *all, int total, const flood_options *o, flood_counts *counts) {
    int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    long long started = now_ms(), end = started + o->seconds * 1000LL, budget_at = started;
    double budget = 0;
    for (long long now = started; now < end; now = now_ms()) {
        budget += (double)(now - budget_at) * o->rate / 1000.0;
        budget_at = now;
        if (budget > o->rate / 10.0)
            budget = o->rate / 10.0;
        for (int i = 0; i < total; i++) {
            flood_connection *c = &all[i];
            if (c->state == WAITING && now >= c->at_ms && budget >= 1) {
                budget -= 1;
                if (!start(c, o, epoll_fd)) {
                    counts->connect_failed++;
                    c->at_ms = now + o->reopen_ms;
                }
            }
            trickle(c, o, now);
        }
        struct epoll_event events[256];
        int ready = epoll_wait(epoll_fd, events, 256, 5);
        for (int e = 0; e < ready; e++)
            on_event(events[e].data.ptr, events[e].events, o, counts, epoll_fd);
    }
    long long now = now_ms();
    for (int i = 0; i < total; i++) {
        if (all[i].state == OPEN && now - all[i].connected_ms > counts->longest_open_ms)
            counts->longest_open_ms = now - all[i].connected_ms; /* still held by the server */
        if (all[i].fd >= 0)
            close(all[i].fd);
    }
    close(epoll_fd);
}

int main(int argc, char **argv) {
    flood_options o;
    if (!parse_options(argc, argv, &o)) {
        fprintf(stderr, "usage: serve_flood HOST PORT [--from ADDR] [--slow N] [--idle N] "
                        "[--interval MS] [--seconds S] [--reopen MS] [--rate N]\n");
        return 1;
    }
    int total = o.slow + o.idle;
    struct rlimit files = {(rlim_t)total + 64, (rlim_t)total + 64};
    getrlimit(RLIMIT_NOFILE, &files);
    if (files.rlim_cur < (rlim_t)total + 64 && files.rlim_max >= (rlim_t)total + 64) {
        files.rlim_cur = (rlim_t)total + 64;
        setrlimit(RLIMIT_NOFILE, &files);
    }
    flood_connection *all = calloc((size_t)(total > 0 ? total : 1), sizeof *all);
    for (int i = 0; i < total; i++)
        all[i] = (flood_connection){.fd = -1, .state = WAITING, .slow = i < o.slow};
    flood_counts counts = {0};
    run(all, total, &o, &counts);
    printf("flood: opened=%ld refused_429=%ld refused_503=%ld timeout_408=%ld "
           "closed_silently=%ld connect_failed=%ld longest_open_ms=%lld\n",
           counts.opened, counts.refused_429, counts.refused_503, counts.timeout_408,
           counts.closed_silently, counts.connect_failed, counts.longest_open_ms);
    free(all);
    return 0;
}
