/*
 * write_csv.c — the raw tables as CSV files (see generate.h).
 *
 * Customers are cut into batches. Worker threads format whole batches (all
 * five tables' lines) into memory; the calling thread writes the batches to
 * the files strictly in batch order, so the bytes never depend on thread
 * timing. A small ring of batch slots bounds memory. Files are written into
 * a hidden temporary directory inside the target (.tenure-generate-<pid>-XXXXXX)
 * and renamed into place only when all five are complete; on failure or
 * interrupt the temporary directory is removed and the target is as it
 * was. A run killed outright leaves its temporary directory behind; the
 * next run removes it (tn_generate_csv_remove_stale).
 */
#include "gen/generate.h"

#include "common/file.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { BATCH_CUSTOMERS = 16, SLOT_COUNT = 8, PATH_MAX_LENGTH = 4096 };
enum { FILE_PATH_LENGTH = PATH_MAX_LENGTH + 64 }; /* a directory plus "/<table>.csv" */

#define TEMPORARY_PREFIX ".tenure-generate-"

typedef enum { SLOT_EMPTY, SLOT_FILLING, SLOT_READY } slot_state;

typedef struct {
    uint64_t batch; /* the batch this slot holds or will hold next */
    slot_state state;
    tn_strbuf text[TN_GEN_TABLE_COUNT];
    uint64_t rows[TN_GEN_TABLE_COUNT];
} batch_slot;

typedef struct {
    const tn_gen_company *company;
    uint64_t batch_count;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    uint64_t next_batch; /* next batch a worker will claim */
    bool stop;           /* set by the writer: workers leave */
    bool failed;         /* set by a worker that ran out of memory */
    batch_slot slots[SLOT_COUNT];
} csv_job;

/* Formats every table's lines for the customers of `batch` into `slot`. */
static bool fill_slot(csv_job *job, tn_gen_worker *worker, uint64_t batch, batch_slot *slot) {
    uint64_t first = batch * BATCH_CUSTOMERS;
    uint64_t last = first + BATCH_CUSTOMERS;
    if (last > job->company->customers)
        last = job->company->customers;
    for (int t = 0; t < TN_GEN_TABLE_COUNT; t++) {
        tn_strbuf_reset(&slot->text[t]);
        slot->rows[t] = 0;
    }
    for (uint64_t index = first; index < last; index++) {
        tn_gen_worker_customer(worker, index);
        for (int t = 0; t < TN_GEN_TABLE_COUNT; t++) {
            const tn_gen_table *table = tn_gen_tables[t];
            long rows = table->produce(worker);
            if (rows < 0)
                return false;
            for (long r = 0; r < rows; r++) {
                if (!table->format_csv(worker, (size_t)r, &slot->text[t]))
                    return false;
            }
            slot->rows[t] += (uint64_t)rows;
        }
    }
    return true;
}

static void *csv_worker(void *argument) {
    csv_job *job = argument;
    tn_gen_worker worker;
    bool ready = tn_gen_worker_init(&worker, job->company);
    pthread_mutex_lock(&job->lock);
    if (!ready)
        job->failed = true;
    while (!job->stop && !job->failed && job->next_batch < job->batch_count) {
        uint64_t batch = job->next_batch++;
        batch_slot *slot = &job->slots[batch % SLOT_COUNT];
        while (!job->stop && !job->failed && (slot->state != SLOT_EMPTY || slot->batch != batch))
            pthread_cond_wait(&job->changed, &job->lock);
        if (job->stop || job->failed)
            break;
        slot->state = SLOT_FILLING;
        pthread_mutex_unlock(&job->lock);
        bool ok = fill_slot(job, &worker, batch, slot);
        pthread_mutex_lock(&job->lock);
        if (ok)
            slot->state = SLOT_READY;
        else
            job->failed = true;
        pthread_cond_broadcast(&job->changed);
    }
    pthread_mutex_unlock(&job->lock);
    if (ready)
        tn_gen_worker_free(&worker);
    return NULL;
}

/* The output files, open in the temporary directory. */
typedef struct {
    char directory[PATH_MAX_LENGTH]; /* the target */
    char temporary[PATH_MAX_LENGTH]; /* DIR/.tenure-generate-<pid>-XXXXXX */
    bool created_directory;          /* we made the target: remove it on failure */
    FILE *files[TN_GEN_TABLE_COUNT];
} csv_output;

static void temporary_path(const csv_output *out, int table, char *path) {
    snprintf(path, FILE_PATH_LENGTH, "%s/%s.csv", out->temporary, tn_gen_tables[table]->name);
}

/* Creates the target if needed, the temporary directory, and the five files with headers. */
static bool open_output(csv_output *out, const char *dir, tn_error *err) {
    memset(out, 0, sizeof *out);
    if (strlen(dir) > PATH_MAX_LENGTH - 64)
        return tn_error_set(err, TN_ERR_INPUT, "--csv %s: path too long", dir);
    snprintf(out->directory, sizeof out->directory, "%s", dir);
    struct stat info;
    if (stat(dir, &info) != 0) {
        if (mkdir(dir, 0777) != 0)
            return tn_error_set(err, TN_ERR_IO, "--csv %s: cannot create the directory: %s", dir,
                                strerror(errno));
        out->created_directory = true;
    } else if (!S_ISDIR(info.st_mode)) {
        return tn_error_set(err, TN_ERR_IO, "--csv %s: not a directory", dir);
    }
    for (int t = 0; t < TN_GEN_TABLE_COUNT; t++) {
        char target[FILE_PATH_LENGTH];
        snprintf(target, sizeof target, "%s/%s.csv", dir, tn_gen_tables[t]->name);
        if (!tn_file_check_target(target, err))
            return false;
    }
    if (!tn_file_make_temporary_dir(dir, TEMPORARY_PREFIX, out->temporary, sizeof out->temporary,
                                    err)) {
        tn_error_prefix(err, "--csv");
        return false;
    }
    for (int t = 0; t < TN_GEN_TABLE_COUNT; t++) {
        char path[FILE_PATH_LENGTH];
        temporary_path(out, t, path);
        out->files[t] = fopen(path, "wb");
        tn_strbuf header = TN_STRBUF_INIT;
        bool ok = out->files[t] != NULL && tn_gen_csv_header(tn_gen_tables[t], &header) &&
                  fwrite(header.data, 1, header.length, out->files[t]) == header.length;
        tn_strbuf_free(&header);
        if (!ok)
            return tn_error_set(err, TN_ERR_IO, "%s: %s", path, strerror(errno));
    }
    return true;
}

/* Closes the files; on success renames them into place, else removes everything we made. */
static bool close_output(csv_output *out, bool success, tn_error *err) {
    for (int t = 0; t < TN_GEN_TABLE_COUNT; t++) {
        if (out->files[t] != NULL && fclose(out->files[t]) != 0 && success)
            success = tn_error_set(err, TN_ERR_IO, "%s: %s", out->directory, strerror(errno));
        out->files[t] = NULL;
    }
    for (int t = 0; out->temporary[0] != '\0' && t < TN_GEN_TABLE_COUNT; t++) {
        char from[FILE_PATH_LENGTH], to[FILE_PATH_LENGTH];
        temporary_path(out, t, from);
        snprintf(to, sizeof to, "%s/%s.csv", out->directory, tn_gen_tables[t]->name);
        if (success && rename(from, to) != 0)
            success = tn_error_set(err, TN_ERR_IO, "%s: %s", to, strerror(errno));
        if (!success)
            unlink(from);
    }
    if (out->temporary[0] != '\0')
        rmdir(out->temporary);
    if (!success && out->created_directory)
        rmdir(out->directory);
    return success;
}

size_t tn_generate_csv_remove_stale(const char *dir) {
    const char *names[TN_GEN_TABLE_COUNT + 1];
    char files[TN_GEN_TABLE_COUNT][64];
    for (int t = 0; t < TN_GEN_TABLE_COUNT; t++) {
        snprintf(files[t], sizeof files[t], "%s.csv", tn_gen_tables[t]->name);
        names[t] = files[t];
    }
    names[TN_GEN_TABLE_COUNT] = NULL;
    return tn_file_remove_stale(dir, TEMPORARY_PREFIX, tn_file_remove_named, names);
}

static bool write_slot(csv_output *out, const batch_slot *slot, tn_gen_counts *counts,
                       tn_error *err) {
    for (int t = 0; t < TN_GEN_TABLE_COUNT; t++) {
        const tn_strbuf *text = &slot->text[t];
        if (text->length > 0 && fwrite(text->data, 1, text->length, out->files[t]) != text->length)
            return tn_error_set(err, TN_ERR_IO, "%s/%s.csv: %s", out->directory,
                                tn_gen_tables[t]->name, strerror(errno));
        counts->rows[t] += slot->rows[t];
    }
    return true;
}

/* Waits until `slot` holds `batch` ready, polling the observer. False when stopped or failed. */
static bool await_slot(csv_job *job, batch_slot *slot, uint64_t batch,
                       const tn_gen_observer *observer, bool *interrupted) {
    pthread_mutex_lock(&job->lock);
    while (!job->failed && !(slot->state == SLOT_READY && slot->batch == batch)) {
        struct timespec deadline;
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_nsec += 100 * 1000 * 1000;
        if (deadline.tv_nsec >= 1000000000L) {
            deadline.tv_sec++;
            deadline.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&job->changed, &job->lock, &deadline);
        if (observer != NULL && observer->should_stop != NULL &&
            observer->should_stop(observer->context)) {
            *interrupted = true;
            break;
        }
    }
    bool ready = !job->failed && !*interrupted;
    pthread_mutex_unlock(&job->lock);
    return ready;
}

static void release_slot(csv_job *job, batch_slot *slot, uint64_t batch) {
    pthread_mutex_lock(&job->lock);
    slot->state = SLOT_EMPTY;
    slot->batch = batch + SLOT_COUNT;
    pthread_cond_broadcast(&job->changed);
    pthread_mutex_unlock(&job->lock);
}

/* The writer loop on the calling thread. */
static bool write_batches(csv_job *job, csv_output *out, const tn_gen_observer *observer,
                          tn_gen_counts *counts, tn_error *err) {
    bool interrupted = false;
    for (uint64_t batch = 0; batch < job->batch_count; batch++) {
        batch_slot *slot = &job->slots[batch % SLOT_COUNT];
        if (!await_slot(job, slot, batch, observer, &interrupted)) {
            if (interrupted)
                return tn_error_set(err, TN_ERR_INTERRUPTED, "interrupted; %s is unchanged",
                                    out->directory);
            return tn_error_set(err, TN_ERR_NOMEM, "out of memory generating rows");
        }
        if (!write_slot(out, slot, counts, err))
            return false;
        release_slot(job, slot, batch);
        if (observer != NULL && observer->progress != NULL) {
            uint64_t done = (batch + 1) * BATCH_CUSTOMERS;
            observer->progress(observer->context, "csv",
                               done < job->company->customers ? done : job->company->customers,
                               job->company->customers);
        }
    }
    return true;
}

static void stop_workers(csv_job *job, pthread_t *threads, int started) {
    pthread_mutex_lock(&job->lock);
    job->stop = true;
    pthread_cond_broadcast(&job->changed);
    pthread_mutex_unlock(&job->lock);
    for (int i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
}

bool tn_generate_csv(const tn_gen_company *company, const char *dir, int threads,
                     const tn_gen_observer *observer, tn_gen_counts *counts, tn_error *err) {
    tn_gen_counts written = {{0}};
    csv_job *job = calloc(1, sizeof *job);
    pthread_t *workers = calloc((size_t)(threads > 0 ? threads : 1), sizeof *workers);
    csv_output *out = calloc(1, sizeof *out);
    if (job == NULL || workers == NULL || out == NULL) {
        free(job);
        free(workers);
        free(out);
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    }
    job->company = company;
    job->batch_count = (company->customers + BATCH_CUSTOMERS - 1) / BATCH_CUSTOMERS;
    pthread_mutex_init(&job->lock, NULL);
    pthread_cond_init(&job->changed, NULL);
    for (int s = 0; s < SLOT_COUNT; s++)
        job->slots[s].batch = (uint64_t)s;

    bool ok = open_output(out, dir, err);
    int started = 0;
    for (int i = 0; ok && i < (threads > 0 ? threads : 1); i++) {
        if (pthread_create(&workers[i], NULL, csv_worker, job) != 0)
            ok = tn_error_set(err, TN_ERR_INTERNAL, "could not start a thread");
        else
            started++;
    }
    ok = ok && write_batches(job, out, observer, &written, err);
    stop_workers(job, workers, started);
    ok = close_output(out, ok, err);
    if (ok && counts != NULL)
        *counts = written;

    for (int s = 0; s < SLOT_COUNT; s++)
        for (int t = 0; t < TN_GEN_TABLE_COUNT; t++)
            tn_strbuf_free(&job->slots[s].text[t]);
    pthread_cond_destroy(&job->changed);
    pthread_mutex_destroy(&job->lock);
    free(job);
    free(workers);
    free(out);
    return ok;
}
