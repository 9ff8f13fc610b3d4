/*
 * gate.c — accepting, limiting and timing out connections (see gate.h).
 */
#define _GNU_SOURCE /* accept4 */
#include "serve/gate.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/fnv.h"
#include "common/log.h"
#include "serve/wire.h"

enum {
    SWEEP_MS = 100,
    REPORT_MS = 10000,      /* refusals and timeouts are logged at most this often */
    SPARE_DESCRIPTORS = 64, /* beyond the connections: the listener, epoll, logs, DuckDB's files */
    FD_TABLE_SPARE = 1024,  /* descriptors above --max-connections a connection may still get */
    ACCEPT_BATCH = 64,      /* accepts in a row before the loop looks at the clock again */
    BACKLOG_ROUNDS = 17,    /* ACCEPT_BATCHes that take a whole listen backlog (1,024) */
};

/* A connection's state; see gate.h. */
enum { FREE, IDLE, STARTED, ANSWERING, EXPIRED };

typedef unsigned char address_key[16];

typedef struct {
    atomic_int state;
    atomic_llong since_ms; /* when the running deadline started */
    address_key address;
} connection_entry;

typedef struct {
    address_key key;
    uint32_t count; /* 0: an empty slot */
} address_entry;

struct tn_gate {
    tn_gate_limits limits;
    struct MHD_Daemon *daemon;
    int listen_fd, wake_fd;
    pthread_t thread;
    bool thread_started;
    atomic_bool accepting, listen_closed, stop;

    pthread_mutex_t lock;          /* guards the tables, `open` and any use of a connection's fd */
    connection_entry *connections; /* indexed by socket descriptor */
    int capacity, highest_fd;
    address_entry *addresses; /* open addressing, linear probing; a power of two long */
    size_t address_mask;
    long open;

    atomic_uint_fast64_t refused_per_ip, refused_busy, closed_request_timeout, closed_idle;
    uint64_t reported[3]; /* per-IP and busy refusals, request timeouts: at the last report */
    long long reported_ms;
};

static long long now_ms(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* ---- addresses ------------------------------------------------------------------------ */

/* IPv4 as ::ffff:a.b.c.d; IPv6 by its /64, which one client usually holds whole. */
static void key_of(const struct sockaddr *address, address_key key) {
    memset(key, 0, sizeof(address_key));
    if (address->sa_family == AF_INET) {
        key[10] = key[11] = 0xff;
        memcpy(key + 12, &((const struct sockaddr_in *)address)->sin_addr, 4);
    } else if (address->sa_family == AF_INET6) {
        const unsigned char *bytes = ((const struct sockaddr_in6 *)address)->sin6_addr.s6_addr;
        bool mapped = memcmp(bytes, key, 10) == 0 && bytes[10] == 0xff && bytes[11] == 0xff;
        memcpy(key, bytes, mapped ? 16 : 8);
    }
}

static void key_text(const address_key key, char *out, size_t size) {
    bool v4 = memcmp(key, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0;
    if (inet_ntop(v4 ? AF_INET : AF_INET6, v4 ? key + 12 : key, out, (socklen_t)size) == NULL)
        snprintf(out, size, "?");
    else if (!v4)
        snprintf(out + strlen(out), size - strlen(out), "/64");
}

static size_t key_hash(const address_key key) {
    return (size_t)tn_fnv1a(TN_FNV1A_SEED, key, 16);
}

/* The slot holding `key`, or the empty slot where it would go. */
static size_t address_slot(const tn_gate *gate, const address_key key) {
    size_t slot = key_hash(key) & gate->address_mask;
    while (gate->addresses[slot].count > 0 &&
           memcmp(gate->addresses[slot].key, key, sizeof(address_key)) != 0)
        slot = (slot + 1) & gate->address_mask;
    return slot;
}

/* One connection fewer from `key`; an address without connections leaves the table. */
static void address_release(tn_gate *gate, const address_key key) {
    size_t hole = address_slot(gate, key), mask = gate->address_mask;
    if (gate->addresses[hole].count == 0 || --gate->addresses[hole].count > 0)
        return;
    /* Backward-shift deletion: move up every later entry of the run that may fill the hole. */
    for (size_t next = (hole + 1) & mask; gate->addresses[next].count > 0;
         next = (next + 1) & mask) {
        size_t home = key_hash(gate->addresses[next].key) & mask;
        if (((next - home) & mask) >= ((next - hole) & mask)) {
            gate->addresses[hole] = gate->addresses[next];
            gate->addresses[next].count = 0;
            hole = next;
        }
    }
}

/* ---- connections ---------------------------------------------------------------------- */

static connection_entry *entry_of(tn_gate *gate, struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (info == NULL || info->connect_fd < 0 || info->connect_fd >= gate->capacity)
        return NULL;
    return &gate->connections[info->connect_fd];
}

/* Forgets the connection on `fd` (under the lock). */
static void release(tn_gate *gate, int fd) {
    connection_entry *entry = &gate->connections[fd];
    if (atomic_load(&entry->state) == FREE)
        return;
    address_release(gate, entry->address);
    atomic_store(&entry->state, FREE);
    gate->open--;
}

/* Answers 429 or 503 and closes `fd`. */
static void refuse(tn_gate *gate, int fd, const address_key key, bool busy) {
    char message[256], who[INET6_ADDRSTRLEN + 4];
    if (busy) {
        snprintf(message, sizeof message,
                 "the server has %ld connections open, its limit (--max-connections); try again "
                 "shortly",
                 gate->limits.max_connections);
    } else {
        key_text(key, who, sizeof who);
        snprintf(message, sizeof message,
                 "%s has %ld connections open, the limit for one address "
                 "(--max-connections-per-ip); close some or try again shortly",
                 who, gate->limits.max_connections_per_ip);
    }
    tn_wire_error(fd, busy ? 503 : 429, busy ? "server_busy" : "too_many_connections", message,
                  true);
    char unread[4096]; /* closing with unread bytes would reset the connection, answer and all */
    for (int i = 0; i < 4 && recv(fd, unread, sizeof unread, MSG_DONTWAIT) > 0; i++)
        ;
    close(fd);
    atomic_fetch_add(busy ? &gate->refused_busy : &gate->refused_per_ip, 1);
}

/* Records a new connection; false (and it is refused) when a limit is reached. */
static bool admit(tn_gate *gate, int fd, const address_key key) {
    pthread_mutex_lock(&gate->lock);
    if (fd < gate->capacity)
        release(gate, fd); /* libmicrohttpd dropped the previous one on this fd unannounced */
    bool busy = fd >= gate->capacity || gate->open >= gate->limits.max_connections;
    size_t slot = busy ? 0 : address_slot(gate, key);
    bool over =
        !busy && gate->addresses[slot].count >= (uint32_t)gate->limits.max_connections_per_ip;
    if (!busy && !over) {
        memcpy(gate->addresses[slot].key, key, sizeof(address_key));
        gate->addresses[slot].count++;
        connection_entry *entry = &gate->connections[fd];
        memcpy(entry->address, key, sizeof(address_key));
        atomic_store(&entry->since_ms, now_ms());
        atomic_store(&entry->state, IDLE);
        gate->open++;
        if (fd > gate->highest_fd)
            gate->highest_fd = fd;
    }
    pthread_mutex_unlock(&gate->lock);
    if (busy || over)
        refuse(gate, fd, key, busy);
    return !busy && !over;
}

/*
 * Accepts what is waiting, up to ACCEPT_BATCH; false when out of descriptors
 * or memory. `*emptied` (may be NULL) says whether nothing was left waiting.
 */
static bool accept_waiting(tn_gate *gate, bool *emptied) {
    if (emptied != NULL)
        *emptied = false;
    for (int i = 0; i < ACCEPT_BATCH; i++) {
        struct sockaddr_storage address;
        socklen_t length = sizeof address;
        int fd = accept4(gate->listen_fd, (struct sockaddr *)&address, &length,
                         SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0 && emptied != NULL)
            *emptied = errno == EAGAIN || errno == EWOULDBLOCK;
        if (fd < 0)
            return errno != EMFILE && errno != ENFILE && errno != ENOBUFS && errno != ENOMEM;
        address_key key;
        key_of((struct sockaddr *)&address, key);
        if (!admit(gate, fd, key))
            continue;
        if (MHD_add_connection(gate->daemon, fd, (struct sockaddr *)&address, length) != MHD_YES) {
            pthread_mutex_lock(&gate->lock); /* libmicrohttpd has closed it */
            release(gate, fd);
            pthread_mutex_unlock(&gate->lock);
        }
    }
    return true;
}

/* Closes the connections whose request has not arrived in time. */
static void sweep(tn_gate *gate, long long now) {
    long long limit = gate->limits.request_timeout * 1000;
    pthread_mutex_lock(&gate->lock);
    for (int fd = 0; fd <= gate->highest_fd; fd++) {
        connection_entry *entry = &gate->connections[fd];
        int state = atomic_load(&entry->state);
        if ((state != IDLE && state != STARTED) || now - atomic_load(&entry->since_ms) < limit)
            continue;
        if (!atomic_compare_exchange_strong(&entry->state, &state, EXPIRED))
            continue; /* a worker began to answer it just now */
        if (state == STARTED) {
            char message[128];
            snprintf(message, sizeof message,
                     "the request did not arrive within %ld s (--request-timeout)",
                     gate->limits.request_timeout);
            tn_wire_error(fd, 408, "request_timeout", message, false);
        }
        /* libmicrohttpd reads the end of the stream, closes and tells on_connection. */
        if (shutdown(fd, SHUT_RDWR) != 0 && (errno == EBADF || errno == ENOTSOCK))
            release(gate, fd); /* gone unannounced */
        else
            atomic_fetch_add(state == STARTED ? &gate->closed_request_timeout : &gate->closed_idle,
                             1);
    }
    pthread_mutex_unlock(&gate->lock);
}

/* Logs refusals and request timeouts, at most every REPORT_MS. */
static void report(tn_gate *gate, long long now) {
    if (now - gate->reported_ms < REPORT_MS)
        return;
    uint64_t counts[3] = {atomic_load(&gate->refused_per_ip), atomic_load(&gate->refused_busy),
                          atomic_load(&gate->closed_request_timeout)};
    uint64_t new[3];
    for (int i = 0; i < 3; i++)
        new[i] = counts[i] - gate->reported[i];
    if (new[0] + new[1] + new[2] > 0)
        tn_log_warn("serve: in the last %lld s: %llu connections refused over the per-address "
                    "limit (%ld), %llu over the total (%ld); %llu requests not received within %ld "
                    "s",
                    (now - gate->reported_ms) / 1000, (unsigned long long)new[0],
                    gate->limits.max_connections_per_ip, (unsigned long long)new[1],
                    gate->limits.max_connections, (unsigned long long)new[2],
                    gate->limits.request_timeout);
    memcpy(gate->reported, counts, sizeof counts);
    gate->reported_ms = now;
}

/*
 * Closes the listening socket once tn_gate_stop_accepting asked. The
 * connections the kernel has already completed are taken first: closed with
 * the socket, they would be reset, and a client (a load balancer) may have
 * sent its request on one already. A connection completed in the moment
 * between the last accept and the close is still reset.
 */
static void close_listener(tn_gate *gate) {
    uint64_t value;
    if (read(gate->wake_fd, &value, sizeof value) < 0 && errno != EAGAIN)
        return;
    if (!atomic_load(&gate->accepting) && gate->listen_fd >= 0) {
        bool emptied = false;
        for (int round = 0; round < BACKLOG_ROUNDS && !emptied; round++)
            if (!accept_waiting(gate, &emptied))
                break;
        close(gate->listen_fd);
        gate->listen_fd = -1;
        atomic_store(&gate->listen_closed, true);
    }
}

static void *gate_main(void *argument) {
    tn_gate *gate = argument;
    long long swept = now_ms(), backoff_until = 0;
    while (!atomic_load(&gate->stop)) {
        long long now = now_ms();
        bool listen = gate->listen_fd >= 0 && now >= backoff_until;
        struct pollfd fds[2] = {{gate->wake_fd, POLLIN, 0}, {gate->listen_fd, POLLIN, 0}};
        int timeout = (int)(swept + SWEEP_MS - now);
        if (poll(fds, listen ? 2 : 1, timeout > 0 ? timeout : 0) < 0 && errno != EINTR)
            break;
        if (fds[0].revents & POLLIN)
            close_listener(gate);
        if (listen && gate->listen_fd >= 0 && (fds[1].revents & POLLIN) &&
            !accept_waiting(gate, NULL))
            backoff_until = now_ms() + SWEEP_MS; /* out of descriptors: let some close first */
        if ((now = now_ms()) - swept >= SWEEP_MS) {
            sweep(gate, now);
            report(gate, now);
            swept = now;
        }
    }
    return NULL;
}

/* ---- life ------------------------------------------------------------------------------ */

/* Makes sure the process may open the descriptors the connections need; sets *capacity. */
static bool reserve_descriptors(const tn_gate_limits *limits, int *capacity, tn_error *err) {
    struct rlimit files;
    if (getrlimit(RLIMIT_NOFILE, &files) != 0)
        return tn_error_set(err, TN_ERR_IO, "cannot read the open-file limit: %s", strerror(errno));
    rlim_t needed = (rlim_t)limits->max_connections + SPARE_DESCRIPTORS;
    if (files.rlim_cur < needed) {
        if (files.rlim_max != RLIM_INFINITY && files.rlim_max < needed)
            return tn_error_set(err, TN_ERR_INPUT,
                                "--max-connections %ld needs %llu open files, and the limit is "
                                "%llu (ulimit -Hn): lower --max-connections or raise the limit",
                                limits->max_connections, (unsigned long long)needed,
                                (unsigned long long)files.rlim_max);
        files.rlim_cur = needed;
        if (setrlimit(RLIMIT_NOFILE, &files) != 0)
            return tn_error_set(err, TN_ERR_IO, "cannot raise the open-file limit to %llu: %s",
                                (unsigned long long)needed, strerror(errno));
    }
    rlim_t table = (rlim_t)limits->max_connections + FD_TABLE_SPARE;
    *capacity = (int)(files.rlim_cur < table ? files.rlim_cur : table);
    return true;
}

tn_gate *tn_gate_new(const tn_gate_limits *limits, tn_error *err) {
    int capacity = 0;
    if (!reserve_descriptors(limits, &capacity, err))
        return NULL;
    tn_gate *gate = calloc(1, sizeof *gate);
    if (gate == NULL) {
        tn_error_set(err, TN_ERR_NOMEM, "out of memory");
        return NULL;
    }
    size_t slots = 2; /* at most half full */
    while (slots < 2 * (size_t)limits->max_connections + 2)
        slots *= 2;
    gate->limits = *limits;
    gate->capacity = capacity;
    gate->highest_fd = -1;
    gate->address_mask = slots - 1;
    gate->listen_fd = gate->wake_fd = -1;
    gate->reported_ms = now_ms();
    pthread_mutex_init(&gate->lock, NULL);
    gate->connections = calloc((size_t)capacity, sizeof *gate->connections);
    gate->addresses = calloc(slots, sizeof *gate->addresses);
    if (gate->connections == NULL || gate->addresses == NULL) {
        tn_gate_free(gate);
        tn_error_set(err, TN_ERR_NOMEM, "out of memory");
        return NULL;
    }
    return gate;
}

bool tn_gate_start(tn_gate *gate, int listen_fd, struct MHD_Daemon *daemon, tn_error *err) {
    gate->listen_fd = listen_fd;
    gate->daemon = daemon;
    atomic_store(&gate->accepting, true);
    gate->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    int error = gate->wake_fd < 0 ? errno : pthread_create(&gate->thread, NULL, gate_main, gate);
    if (error != 0)
        return tn_error_set(err, TN_ERR_INTERNAL, "cannot start the connection gate: %s",
                            strerror(error));
    gate->thread_started = true;
    return true;
}

void tn_gate_stop_accepting(tn_gate *gate) {
    if (gate == NULL || !gate->thread_started)
        return;
    atomic_store(&gate->accepting, false);
    uint64_t one = 1;
    struct timespec pause = {0, 1000000L};
    while (!atomic_load(&gate->listen_closed)) {
        if (write(gate->wake_fd, &one, sizeof one) < 0 && errno != EAGAIN)
            break;
        nanosleep(&pause, NULL);
    }
}

void tn_gate_free(tn_gate *gate) {
    if (gate == NULL)
        return;
    if (gate->thread_started) {
        atomic_store(&gate->stop, true);
        pthread_join(gate->thread, NULL);
    }
    if (gate->listen_fd >= 0)
        close(gate->listen_fd);
    if (gate->wake_fd >= 0)
        close(gate->wake_fd);
    pthread_mutex_destroy(&gate->lock);
    free(gate->connections);
    free(gate->addresses);
    free(gate);
}

void tn_gate_read_stats(tn_gate *gate, tn_gate_stats *stats) {
    pthread_mutex_lock(&gate->lock);
    stats->open = (uint64_t)gate->open;
    pthread_mutex_unlock(&gate->lock);
    stats->refused_per_ip = atomic_load(&gate->refused_per_ip);
    stats->refused_busy = atomic_load(&gate->refused_busy);
    stats->closed_request_timeout = atomic_load(&gate->closed_request_timeout);
    stats->closed_idle = atomic_load(&gate->closed_idle);
}

/* ---- libmicrohttpd's side ---------------------------------------------------------------- */

void tn_gate_on_connection(void *cls, struct MHD_Connection *connection, void **socket_context,
                           enum MHD_ConnectionNotificationCode what) {
    (void)socket_context;
    tn_gate *gate = cls;
    if (what != MHD_CONNECTION_NOTIFY_CLOSED)
        return;
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (info == NULL || info->connect_fd < 0 || info->connect_fd >= gate->capacity)
        return;
    pthread_mutex_lock(&gate->lock);
    release(gate, info->connect_fd);
    pthread_mutex_unlock(&gate->lock);
}

void *tn_gate_on_request_line(void *cls, const char *uri, struct MHD_Connection *connection) {
    (void)uri;
    connection_entry *entry = entry_of(cls, connection);
    int idle = IDLE;
    if (entry != NULL)
        atomic_compare_exchange_strong(&entry->state, &idle, STARTED);
    return NULL;
}

bool tn_gate_begin_answer(tn_gate *gate, struct MHD_Connection *connection) {
    connection_entry *entry = entry_of(gate, connection);
    if (entry == NULL)
        return true;
    int state = atomic_load(&entry->state);
    while (state == IDLE || state == STARTED)
        if (atomic_compare_exchange_weak(&entry->state, &state, ANSWERING))
            return true;
    return state != EXPIRED;
}

void tn_gate_end_answer(tn_gate *gate, struct MHD_Connection *connection) {
    connection_entry *entry = entry_of(gate, connection);
    if (entry == NULL)
        return;
    atomic_store(&entry->since_ms, now_ms());
    int answering = ANSWERING;
    atomic_compare_exchange_strong(&entry->state, &answering, IDLE);
}

bool tn_gate_expired(tn_gate *gate, struct MHD_Connection *connection) {
    connection_entry *entry = entry_of(gate, connection);
    return entry != NULL && atomic_load(&entry->state) == EXPIRED;
}
