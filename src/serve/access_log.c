/*
 * access_log.c — the access log's ring buffer and writer thread (see
 * access_log.h).
 */
#include "serve/access_log.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { RING_SIZE = 8192, PATH_MAX_LOGGED = 240 };

typedef struct {
    struct timespec at;
    char method[12];
    char path[PATH_MAX_LOGGED];
    int status;
    uint64_t micros;
} entry;

struct tn_access_log {
    FILE *file;
    bool owns_file;
    pthread_t writer;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stopping;
    entry *ring; /* [RING_SIZE] */
    size_t head, count;
    uint64_t dropped;
};

/* Writes one line; bytes a terminal or a log parser would misread are escaped. */
static void write_entry(FILE *file, const entry *e) {
    struct tm utc;
    gmtime_r(&e->at.tv_sec, &utc);
    char when[32];
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &utc);
    fprintf(file, "%s.%06ldZ %s ", when, e->at.tv_nsec / 1000, e->method);
    for (const unsigned char *p = (const unsigned char *)e->path; *p; p++) {
        if (*p <= 0x20 || *p >= 0x7f || *p == '\\')
            fprintf(file, "\\x%02x", *p);
        else
            fputc(*p, file);
    }
    fprintf(file, " %d %lluus\n", e->status, (unsigned long long)e->micros);
}

static void *writer_main(void *argument) {
    tn_access_log *log = argument;
    entry *batch = malloc(RING_SIZE * sizeof *batch);
    pthread_mutex_lock(&log->lock);
    for (;;) {
        while (log->count == 0 && !log->stopping) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_nsec += 50 * 1000000L;
            if (until.tv_nsec >= 1000000000L) {
                until.tv_sec++;
                until.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&log->wake, &log->lock, &until);
        }
        if (log->count == 0 && log->stopping)
            break;
        size_t taken = 0;
        while (log->count > 0 && batch != NULL) {
            batch[taken++] = log->ring[log->head];
            log->head = (log->head + 1) % RING_SIZE;
            log->count--;
        }
        if (batch == NULL) { /* no memory for a batch: drop what is queued, but keep counting */
            log->dropped += log->count;
            log->count = 0;
        }
        pthread_mutex_unlock(&log->lock);
        for (size_t i = 0; i < taken; i++)
            write_entry(log->file, &batch[i]);
        fflush(log->file);
        pthread_mutex_lock(&log->lock);
    }
    pthread_mutex_unlock(&log->lock);
    free(batch);
    return NULL;
}

bool tn_access_log_open(const char *path, tn_access_log **out, tn_error *err) {
    *out = NULL;
    tn_access_log *log = calloc(1, sizeof *log);
    if (log == NULL || (log->ring = malloc(RING_SIZE * sizeof *log->ring)) == NULL) {
        free(log);
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    }
    log->owns_file = strcmp(path, "-") != 0;
    log->file = log->owns_file ? fopen(path, "a") : stderr;
    if (log->file == NULL) {
        int error = errno;
        free(log->ring);
        free(log);
        return tn_error_set(err, TN_ERR_IO, "--access-log %s: %s", path, strerror(error));
    }
    pthread_mutex_init(&log->lock, NULL);
    pthread_cond_init(&log->wake, NULL);
    if (pthread_create(&log->writer, NULL, writer_main, log) != 0) {
        if (log->owns_file)
            fclose(log->file);
        pthread_mutex_destroy(&log->lock);
        pthread_cond_destroy(&log->wake);
        free(log->ring);
        free(log);
        return tn_error_set(err, TN_ERR_INTERNAL, "--access-log: cannot start the writer thread");
    }
    *out = log;
    return true;
}

void tn_access_log_record(tn_access_log *log, const char *method, const char *path, int status,
                          uint64_t micros) {
    entry e;
    clock_gettime(CLOCK_REALTIME, &e.at);
    snprintf(e.method, sizeof e.method, "%s", method);
    snprintf(e.path, sizeof e.path, "%s", path);
    e.status = status;
    e.micros = micros;
    pthread_mutex_lock(&log->lock);
    if (log->count == RING_SIZE) {
        log->dropped++;
    } else {
        log->ring[(log->head + log->count) % RING_SIZE] = e;
        log->count++;
        if (log->count == RING_SIZE / 2)
            pthread_cond_signal(&log->wake);
    }
    pthread_mutex_unlock(&log->lock);
}

uint64_t tn_access_log_dropped(tn_access_log *log) {
    pthread_mutex_lock(&log->lock);
    uint64_t dropped = log->dropped;
    pthread_mutex_unlock(&log->lock);
    return dropped;
}

void tn_access_log_close(tn_access_log *log) {
    if (log == NULL)
        return;
    pthread_mutex_lock(&log->lock);
    log->stopping = true;
    pthread_cond_signal(&log->wake);
    pthread_mutex_unlock(&log->lock);
    pthread_join(log->writer, NULL);
    if (log->owns_file)
        fclose(log->file);
    else
        fflush(log->file);
    pthread_mutex_destroy(&log->lock);
    pthread_cond_destroy(&log->wake);
    free(log->ring);
    free(log);
}
