/*
 * db.c — opening, querying and closing the DuckDB warehouse (see db.h).
 *
 * Every database is opened with the process's memory budget as DuckDB's
 * memory_limit (common/budget.h) and a spill directory of its own as
 * temp_directory (warehouse/spill.h). DuckDB's "Out of Memory Error" (the
 * budget and the disk to spill to both exhausted) becomes a message that
 * says so, names the budget and the spill directory, and what to do.
 */
#include "warehouse/db.h"

#include <errno.h>
#include <libgen.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/budget.h"
#include "warehouse/spill.h"

struct tn_db {
    duckdb_database database;
    duckdb_connection connection;
    char *path;
    uint64_t memory_limit;   /* DuckDB's memory_limit in bytes; 0: DuckDB's default */
    tn_spill spill;          /* DuckDB's temp_directory */
    atomic_bool interrupted; /* set by tn_db_run_watched: statements fail from now on */
    bool borrowed;           /* another tn_db owns `database` (tn_db_connect_again) */
};

/* The directory part of `path` must exist for DuckDB to create the file. */
static bool check_parent_directory(const char *path, tn_error *err) {
    char *copy = strdup(path);
    if (copy == NULL)
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    const char *parent = dirname(copy);
    struct stat info;
    bool ok = stat(parent, &info) == 0 && S_ISDIR(info.st_mode);
    if (!ok)
        tn_error_set(err, TN_ERR_IO, "%s: directory '%s' does not exist", path, parent);
    free(copy);
    return ok;
}

/* Whether DuckDB failed for another process's lock; its holder ("Conflicting lock is held in
 * /usr/bin/tenure (PID 123)", or "another process") goes to `holder`. */
static bool lock_holder(const char *message, char *holder, size_t size) {
    if (message == NULL || strstr(message, "Could not set lock on file") == NULL)
        return false;
    const char *start = strstr(message, "Conflicting lock is held in ");
    const char *end = start != NULL ? strchr(start, ')') : NULL;
    if (end != NULL)
        snprintf(holder, size, "%.*s", (int)(end + 1 - start), start);
    else
        snprintf(holder, size, "another process");
    return true;
}

static double seconds_now(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec * 1e-9;
}

/* The configuration of every open: the access mode, the memory budget, the spill directory. */
static bool make_config(const tn_db *db, tn_db_mode mode, duckdb_config *config, tn_error *err) {
    if (duckdb_create_config(config) != DuckDBSuccess)
        return tn_error_set(err, TN_ERR_DB, "%s: could not create a DuckDB configuration",
                            db->path);
    char limit[32];
    snprintf(limit, sizeof limit, "%lluB", (unsigned long long)db->memory_limit);
    bool ok =
        duckdb_set_config(*config, "access_mode",
                          mode == TN_DB_READ_ONLY ? "READ_ONLY" : "READ_WRITE") == DuckDBSuccess &&
        (db->memory_limit == 0 ||
         duckdb_set_config(*config, "memory_limit", limit) == DuckDBSuccess) &&
        duckdb_set_config(*config, "temp_directory", db->spill.dir) == DuckDBSuccess;
    if (!ok) {
        duckdb_destroy_config(config);
        return tn_error_set(err, TN_ERR_INTERNAL, "%s: DuckDB refused the configuration", db->path);
    }
    return true;
}

static bool open_database(tn_db *db, tn_db_mode mode, const tn_db_wait *wait, tn_error *err) {
    const char *path = db->path;
    duckdb_database *database = &db->database;
    duckdb_config config = NULL;
    if (!make_config(db, mode, &config, err))
        return false;
    char *message = NULL, holder[512];
    double started = seconds_now();
    duckdb_state state;
    bool told = false;
    while ((state = duckdb_open_ext(path, database, config, &message)) != DuckDBSuccess &&
           wait != NULL && lock_holder(message, holder, sizeof holder) &&
           seconds_now() - started < wait->seconds) {
        if (!told && wait->waiting != NULL)
            wait->waiting(wait->context, holder);
        told = true;
        duckdb_free(message);
        message = NULL;
        nanosleep(&(struct timespec){0, 250 * 1000 * 1000}, NULL);
    }
    duckdb_destroy_config(&config);
    if (state == DuckDBSuccess)
        return true;
    if (told && lock_holder(message, holder, sizeof holder))
        tn_error_set(err, TN_ERR_IO, "%s: still locked by another process after %.0f s: %s", path,
                     wait->seconds, holder);
    else
        tn_error_set(err, TN_ERR_IO, "%s: cannot open the warehouse: %s", path,
                     message != NULL ? message : "unknown DuckDB error");
    duckdb_free(message);
    return false;
}

bool tn_db_open(const char *path, tn_db_mode mode, tn_db **out, tn_error *err) {
    return tn_db_open_waiting(path, mode, NULL, out, err);
}

bool tn_db_open_waiting(const char *path, tn_db_mode mode, const tn_db_wait *wait, tn_db **out,
                        tn_error *err) {
    *out = NULL;
    struct stat info;
    if (mode == TN_DB_READ_ONLY && stat(path, &info) != 0)
        return tn_error_set(err, TN_ERR_IO,
                            "%s: no such warehouse (create it with 'tenure generate' or "
                            "'tenure build --raw DIR')",
                            path);
    if (mode == TN_DB_READ_WRITE && !check_parent_directory(path, err))
        return false;

    tn_db *db = calloc(1, sizeof *db);
    if (db == NULL || (db->path = strdup(path)) == NULL) {
        free(db);
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    }
    db->memory_limit = tn_budget_bytes();
    if (!tn_spill_open(&db->spill, path, err) || !open_database(db, mode, wait, err)) {
        tn_spill_close(&db->spill);
        free(db->path);
        free(db);
        return false;
    }
    if (duckdb_connect(db->database, &db->connection) != DuckDBSuccess) {
        tn_db_close(db);
        return tn_error_set(err, TN_ERR_DB, "%s: cannot connect to the warehouse", path);
    }
    *out = db;
    return true;
}

bool tn_db_connect_again(tn_db *db, tn_db **out, tn_error *err) {
    tn_db *again = *out = calloc(1, sizeof *again);
    if (again == NULL || (again->path = strdup(db->path)) == NULL) {
        free(again);
        *out = NULL;
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    }
    again->database = db->database;
    again->memory_limit = db->memory_limit;
    again->spill = db->spill; /* for messages: the owner removes it */
    again->borrowed = true;
    if (duckdb_connect(db->database, &again->connection) != DuckDBSuccess) {
        tn_db_close(again);
        *out = NULL;
        return tn_error_set(err, TN_ERR_DB, "%s: cannot connect to the warehouse again", db->path);
    }
    return true;
}

void tn_db_close(tn_db *db) {
    if (db == NULL)
        return;
    if (db->connection != NULL)
        duckdb_disconnect(&db->connection);
    if (db->borrowed) {
        free(db->path);
        free(db);
        return;
    }
    if (db->database != NULL)
        duckdb_close(&db->database);
    tn_spill_close(&db->spill); /* after DuckDB has deleted its temporary files */
    free(db->path);
    free(db);
}

duckdb_connection tn_db_connection(tn_db *db) {
    return db->connection;
}

const char *tn_db_path(const tn_db *db) {
    return db->path;
}

/* Whether statements are refused: the watched work was interrupted (ROLLBACK still runs). */
static bool refused(tn_db *db, const char *sql, duckdb_result *result, tn_error *err) {
    if (!atomic_load(&db->interrupted) || strcmp(sql, "ROLLBACK") == 0)
        return false;
    memset(result, 0, sizeof *result);
    return !tn_error_set(err, TN_ERR_INTERRUPTED, "interrupted");
}

/* TENURE_TRACE=1: each statement's time on stderr; 2: and the whole statement. */
static int trace_level(void) {
    static int trace = -1;
    if (trace < 0)
        trace = getenv("TENURE_TRACE") != NULL ? atoi(getenv("TENURE_TRACE")) : 0;
    return trace;
}

static void trace_statement(int trace, const struct timespec *start, const char *sql) {
    struct timespec end;
    clock_gettime(CLOCK_MONOTONIC, &end);
    fprintf(stderr, "[trace] %7.3f s  %.*s\n",
            (double)(end.tv_sec - start->tv_sec) + (double)(end.tv_nsec - start->tv_nsec) * 1e-9,
            trace > 1 ? (int)strlen(sql) : 100, sql);
}

/* DuckDB's exception type for a budget exhausted, memory and spill disk alike. */
#define OUT_OF_MEMORY "Out of Memory Error"

bool tn_db_is_out_of_memory(const char *message) {
    return message != NULL && strstr(message, OUT_OF_MEMORY) != NULL;
}

/* Where DuckDB starts the stack trace it appends to an internal error. */
#define STACK_TRACE "\n\nStack Trace:"

bool tn_db_error(const tn_db *db, const char *message, tn_error *err) {
    if (message == NULL)
        return tn_error_set(err, TN_ERR_DB, "unknown DuckDB error");
    if (!tn_db_is_out_of_memory(message)) {
        /* an internal error carries a C++ stack trace that says nothing to a user */
        const char *trace = strstr(message, STACK_TRACE);
        int length = trace != NULL ? (int)(trace - message) : (int)strlen(message);
        while (length > 0 && (message[length - 1] == '\n' || message[length - 1] == ' '))
            length--;
        return tn_error_set(err, TN_ERR_DB, "%.*s", length, message);
    }
    /* DuckDB's first line says what it could not allocate; the rest suggests SET commands */
    const char *first = strstr(message, OUT_OF_MEMORY);
    int first_length = (int)strcspn(first, "\n");
    char budget[TN_BUDGET_TEXT];
    if (db->memory_limit > 0)
        tn_budget_format(db->memory_limit, budget);
    else
        snprintf(budget, sizeof budget, "DuckDB's default");
    bool in_memory = strcmp(db->path, ":memory:") == 0;
    return tn_error_set(err, TN_ERR_NOMEM,
                        "%s: DuckDB ran out of its memory budget (--memory-limit %s): %.*s; raise "
                        "--memory-limit or free disk for %s",
                        in_memory ? "the working database" : db->path, budget, first_length, first,
                        db->spill.parent);
}

static bool result_error(tn_db *db, duckdb_result *result, tn_error *err) {
    return tn_db_error(db, duckdb_result_error(result), err);
}

bool tn_db_query(tn_db *db, const char *sql, duckdb_result *result, tn_error *err) {
    if (refused(db, sql, result, err))
        return false;
    int trace = trace_level();
    struct timespec start;
    if (trace)
        clock_gettime(CLOCK_MONOTONIC, &start);
    duckdb_state state = duckdb_query(db->connection, sql, result);
    if (trace)
        trace_statement(trace, &start, sql);
    return state == DuckDBSuccess || result_error(db, result, err);
}

bool tn_db_exec(tn_db *db, const char *sql, tn_error *err) {
    duckdb_result result;
    bool ok = tn_db_query(db, sql, &result, err);
    duckdb_destroy_result(&result);
    return ok;
}

/* Binds params[i] to $i+1 as VARCHAR (NULL: SQL NULL); the count must be the statement's. */
static bool bind_params(duckdb_prepared_statement statement, const char *const *params,
                        size_t count, tn_error *err) {
    idx_t wanted = duckdb_nparams(statement);
    if (wanted != count)
        return tn_error_set(err, TN_ERR_INTERNAL, "the statement takes %llu parameter%s, given %zu",
                            (unsigned long long)wanted, wanted == 1 ? "" : "s", count);
    for (size_t i = 0; i < count; i++) {
        duckdb_state state = params[i] != NULL
                                 ? duckdb_bind_varchar(statement, (idx_t)i + 1, params[i])
                                 : duckdb_bind_null(statement, (idx_t)i + 1);
        if (state != DuckDBSuccess)
            return tn_error_set(err, TN_ERR_DB, "binding parameter $%zu: %s", i + 1,
                                duckdb_prepare_error(statement) != NULL
                                    ? duckdb_prepare_error(statement)
                                    : "refused");
    }
    return true;
}

bool tn_db_query_params(tn_db *db, const char *sql, const char *const *params, size_t count,
                        duckdb_result *result, tn_error *err) {
    memset(result, 0, sizeof *result);
    if (refused(db, sql, result, err))
        return false;
    int trace = trace_level();
    struct timespec start;
    if (trace)
        clock_gettime(CLOCK_MONOTONIC, &start);
    duckdb_prepared_statement statement = NULL;
    bool ok = true;
    if (duckdb_prepare(db->connection, sql, &statement) != DuckDBSuccess)
        ok = tn_db_error(db, duckdb_prepare_error(statement), err);
    ok = ok && bind_params(statement, params, count, err);
    if (ok && duckdb_execute_prepared(statement, result) != DuckDBSuccess)
        ok = result_error(db, result, err);
    duckdb_destroy_prepare(&statement);
    if (trace)
        trace_statement(trace, &start, sql);
    return ok;
}

bool tn_db_exec_params(tn_db *db, const char *sql, const char *const *params, size_t count,
                       tn_error *err) {
    duckdb_result result;
    bool ok = tn_db_query_params(db, sql, params, count, &result, err);
    duckdb_destroy_result(&result);
    return ok;
}

bool tn_db_begin(tn_db *db, tn_error *err) {
    return tn_db_exec(db, "BEGIN TRANSACTION", err);
}

bool tn_db_commit(tn_db *db, tn_error *err) {
    return tn_db_exec(db, "COMMIT", err);
}

void tn_db_rollback(tn_db *db) {
    tn_error ignored;
    tn_db_exec(db, "ROLLBACK", &ignored); /* tn_db_query lets exactly this through an interrupt */
}

bool tn_db_set_memory_limit(tn_db *db, uint64_t bytes, tn_error *err) {
    char limit[32];
    snprintf(limit, sizeof limit, "%lluB", (unsigned long long)bytes);
    if (!tn_db_set(db, "memory_limit", limit, err))
        return false;
    db->memory_limit = bytes;
    return true;
}

uint64_t tn_db_memory_limit(const tn_db *db) {
    return db->memory_limit;
}

const char *tn_db_spill_dir(const tn_db *db) {
    return db->spill.dir;
}

bool tn_db_set(tn_db *db, const char *name, const char *value, tn_error *err) {
    /* the name is a setting's (a keyword, not data); the value is bound */
    char statement[256];
    snprintf(statement, sizeof statement, "SET %s = $1", name);
    const char *params[] = {value};
    return tn_db_exec_params(db, statement, params, 1, err);
}

typedef struct {
    tn_db *db;
    tn_db_work work;
    void *context;
    tn_error error;
    bool ok;
    atomic_bool finished;
} watched_job;

static void *run_job(void *argument) {
    watched_job *job = argument;
    job->ok = job->work(job->db, job->context, &job->error);
    atomic_store(&job->finished, true);
    return NULL;
}

bool tn_db_run_watched(tn_db *db, tn_db_work work, void *context, const tn_db_watch *watch,
                       tn_error *err) {
    watched_job job = {.db = db, .work = work, .context = context};
    tn_error_clear(&job.error);
    atomic_store(&job.finished, false);
    atomic_store(&db->interrupted, false);
    pthread_t thread;
    if (pthread_create(&thread, NULL, run_job, &job) != 0)
        return tn_error_set(err, TN_ERR_INTERNAL, "could not start a thread");
    while (!atomic_load(&job.finished)) {
        struct timespec pause = {0, 50 * 1000 * 1000};
        nanosleep(&pause, NULL);
        if (watch == NULL)
            continue;
        if (watch->tick != NULL)
            watch->tick(watch->context, duckdb_query_progress(db->connection).percentage);
        if (!atomic_load(&db->interrupted) && watch->should_stop != NULL &&
            watch->should_stop(watch->context)) {
            atomic_store(&db->interrupted, true);
            duckdb_interrupt(db->connection);
        }
    }
    pthread_join(thread, NULL);
    bool interrupted = atomic_load(&db->interrupted);
    atomic_store(&db->interrupted, false);
    if (job.ok)
        return true;
    if (interrupted)
        return tn_error_set(err, TN_ERR_INTERRUPTED, "interrupted");
    if (err != NULL)
        *err = job.error;
    return false;
}
