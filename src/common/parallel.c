/*
 * parallel.c — a loop split across threads (see parallel.h).
 */
#include "common/parallel.h"

#include <pthread.h>
#include <unistd.h>

enum { MAX_THREADS = 8 };

typedef struct {
    tn_parallel_fn fn;
    void *context;
    size_t from, to;
    bool ok;
} range;

static void *run_range(void *arg) {
    range *r = arg;
    r->ok = r->fn(r->context, r->from, r->to);
    return NULL;
}

static size_t thread_count(size_t count, size_t threads) {
    if (threads == 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        threads = cores > 0 ? (size_t)cores : 1;
    }
    if (threads > MAX_THREADS)
        threads = MAX_THREADS;
    return threads > count ? (count > 0 ? count : 1) : threads;
}

bool tn_parallel_for(size_t count, size_t threads, tn_parallel_fn fn, void *context) {
    size_t n = thread_count(count, threads);
    range ranges[MAX_THREADS];
    pthread_t ids[MAX_THREADS];
    bool started[MAX_THREADS] = {false};
    for (size_t t = 0; t < n; t++)
        ranges[t] = (range){fn, context, count * t / n, count * (t + 1) / n, false};
    for (size_t t = 1; t < n; t++)
        started[t] = pthread_create(&ids[t], NULL, run_range, &ranges[t]) == 0;
    run_range(&ranges[0]);
    bool ok = ranges[0].ok;
    for (size_t t = 1; t < n; t++) {
        if (started[t])
            pthread_join(ids[t], NULL);
        else
            run_range(&ranges[t]);
        ok = ok && ranges[t].ok;
    }
    return ok;
}
