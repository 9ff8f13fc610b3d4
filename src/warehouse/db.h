/*
 * db.h — one open DuckDB warehouse file and its connection.
 *
 * Every command that touches the warehouse goes through a tn_db: it opens the
 * file (read-only for commands that only read, so an analyst's session and
 * `tenure sql` can never change it), turns DuckDB's failures into tn_error
 * messages that name the file, and closes everything in one call. A writer
 * can wait, for a bounded time, while another process holds the file
 * (tn_db_open_waiting).
 *
 * Each database gets the process's memory budget (common/budget.h) as
 * DuckDB's memory_limit, and a spill directory of its own beside the
 * warehouse as its temp_directory (warehouse/spill.h), so a query larger
 * than the budget spills to disk; one that cannot is an error saying so.
 */
#ifndef TN_WAREHOUSE_DB_H
#define TN_WAREHOUSE_DB_H

#include <stdbool.h>
#include <stdint.h>

#include <duckdb.h>

#include "common/error.h"

typedef struct tn_db tn_db;

typedef enum {
    TN_DB_READ_ONLY,  /* the file must exist; nothing can be written */
    TN_DB_READ_WRITE, /* the file is created when missing; its directory must exist */
} tn_db_mode;

/*
 * Opens the warehouse at `path`. On success *out owns the database and its
 * connection; release with tn_db_close(). A missing file in read-only mode,
 * a missing directory, or a file DuckDB cannot open is a TN_ERR_IO error
 * naming the path.
 */
bool tn_db_open(const char *path, tn_db_mode mode, tn_db **out, tn_error *err);

/* How tn_db_open_waiting waits while another process holds the file's lock. */
typedef struct {
    double seconds; /* give up after this long */
    void *context;
    /* called once, when the wait begins; `holder` is DuckDB's account of who holds the lock */
    void (*waiting)(void *context, const char *holder);
} tn_db_wait;

/*
 * tn_db_open, but while another process holds a conflicting lock on the
 * file (a reader while we write, a writer while we read), tries again every
 * quarter second for up to wait->seconds. Giving up is TN_ERR_IO naming the
 * file, the wait and the holder. A NULL `wait` does not wait.
 */
bool tn_db_open_waiting(const char *path, tn_db_mode mode, const tn_db_wait *wait, tn_db **out,
                        tn_error *err);

/*
 * Another connection to `db`'s open database, for queries on another thread
 * (a DuckDB connection serves one thread at a time). *out borrows the
 * database and its budget: close it with tn_db_close() before `db`.
 */
bool tn_db_connect_again(tn_db *db, tn_db **out, tn_error *err);

/* Closes the connection and, unless borrowed (tn_db_connect_again), the database. NULL is allowed.
 */
void tn_db_close(tn_db *db);

/* The connection, for the DuckDB C API (owned by `db`). */
duckdb_connection tn_db_connection(tn_db *db);

/* The path the warehouse was opened from (owned by `db`). */
const char *tn_db_path(const tn_db *db);

/*
 * Sets `err` from DuckDB's error `message` (NULL: unknown) on `db`:
 * TN_ERR_DB with the message, or, when DuckDB ran out of its memory budget
 * (and of disk to spill to), TN_ERR_NOMEM with a message that says so, the
 * budget, DuckDB's own account and where it spills: "W: DuckDB ran out of
 * its memory budget (--memory-limit 1.0 GB): Out of Memory Error: …; raise
 * --memory-limit or free disk for W.tmp". So a caller that takes DuckDB's
 * refusals for a problem of the data (a file it cannot read) does not take
 * this for one. Returns false.
 */
bool tn_db_error(const tn_db *db, const char *message, tn_error *err);

/* Whether DuckDB's error `message` (NULL allowed) says it ran out of its memory budget. */
bool tn_db_is_out_of_memory(const char *message);

/* Runs one or more statements and discards their results. TN_ERR_DB with DuckDB's message on
 * failure (TN_ERR_NOMEM when it ran out of memory: tn_db_error). */
bool tn_db_exec(tn_db *db, const char *sql, tn_error *err);

/*
 * Runs `sql` (the result of the last statement is kept) into *result, which
 * the caller must release with duckdb_destroy_result() whether or not this
 * succeeds. TN_ERR_DB with DuckDB's message on failure.
 */
bool tn_db_query(tn_db *db, const char *sql, duckdb_result *result, tn_error *err);

/*
 * Runs the one statement `sql` with its parameters $1 .. $count bound to
 * params[0 .. count-1] as VARCHAR (a NULL entry binds SQL NULL), so values
 * never need quoting; DuckDB casts them where the statement says so
 * (CAST($2 AS INTEGER)). Only values can be parameters: identifiers
 * (tables, columns) cannot. *result is as for tn_db_query: the caller
 * destroys it in every case. A statement that does not prepare or does not
 * run is TN_ERR_DB with DuckDB's message; a count that is not the
 * statement's is TN_ERR_INTERNAL.
 */
bool tn_db_query_params(tn_db *db, const char *sql, const char *const *params, size_t count,
                        duckdb_result *result, tn_error *err);

/* tn_db_query_params, discarding the result. */
bool tn_db_exec_params(tn_db *db, const char *sql, const char *const *params, size_t count,
                       tn_error *err);

/*
 * A transaction on the connection: BEGIN, COMMIT, and ROLLBACK (which runs
 * even after an interrupt, and whose own failure is ignored: it is only
 * called on the way out of a failure that is being reported).
 */
bool tn_db_begin(tn_db *db, tn_error *err);
bool tn_db_commit(tn_db *db, tn_error *err);
void tn_db_rollback(tn_db *db);

/*
 * Sets DuckDB's memory_limit to `bytes` for this database (what error
 * messages then name). tn_db_open gives it the process's budget.
 */
bool tn_db_set_memory_limit(tn_db *db, uint64_t bytes, tn_error *err);

/* DuckDB's memory_limit for this database, in bytes (0: DuckDB's default). */
uint64_t tn_db_memory_limit(const tn_db *db);

/* The directory this database spills into (owned by `db`; removed by tn_db_close). */
const char *tn_db_spill_dir(const tn_db *db);

/* Sets a DuckDB option (`SET name = value`, the value bound) for this connection's database. */
bool tn_db_set(tn_db *db, const char *name, const char *value, tn_error *err);

/* Long work on the database, run by tn_db_run_watched() on a helper thread. */
typedef bool (*tn_db_work)(tn_db *db, void *context, tn_error *err);

/* What the calling thread does while the work runs. */
typedef struct {
    void *context;
    /* called about ten times a second; `percent` is DuckDB's progress on the running
     * statement, or a negative number when it has none */
    void (*tick)(void *context, double percent);
    /* true asks the work to stop: the running statement is interrupted */
    bool (*should_stop)(void *context);
} tn_db_watch;

/*
 * Runs `work` on a helper thread while the calling thread calls `watch`.
 * When should_stop() says so, DuckDB's running statement is interrupted and
 * every later statement of the work fails at once (but ROLLBACK), so the
 * work unwinds; the result is then TN_ERR_INTERRUPTED.
 */
bool tn_db_run_watched(tn_db *db, tn_db_work work, void *context, const tn_db_watch *watch,
                       tn_error *err);

#endif
