/*
 * access_log.h — one line per request (time, method, path, status,
 * microseconds), written by a thread of its own.
 *
 * A worker thread only copies its line into a ring buffer under a short
 * lock; the writer thread wakes every 50 ms (or sooner when the ring is
 * half full), takes the lines out and writes them. Nothing on a request's
 * path waits for the disk; when the writer cannot keep up, lines are
 * dropped and counted (tenure_access_log_dropped_total in /metrics).
 *
 *     2026-11-25T10:15:02.123456Z POST /predictions/churn 200 87us
 */
#ifndef TN_SERVE_ACCESS_LOG_H
#define TN_SERVE_ACCESS_LOG_H

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"

typedef struct tn_access_log tn_access_log;

/* Opens `path` for appending ("-": stderr) and starts the writer thread. */
bool tn_access_log_open(const char *path, tn_access_log **out, tn_error *err);

/* Queues one line. Safe from any thread. */
void tn_access_log_record(tn_access_log *log, const char *method, const char *path, int status,
                          uint64_t micros);

/* Lines dropped so far. */
uint64_t tn_access_log_dropped(tn_access_log *log);

/* Writes what is queued, stops the writer and closes the file. NULL is allowed. */
void tn_access_log_close(tn_access_log *log);

#endif
