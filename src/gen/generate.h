/*
 * generate.h — writing a synthetic company's five raw tables, into a DuckDB
 * warehouse or as CSV files.
 *
 * Both writers stream: no table is ever held whole in memory (a customer's
 * rows are generated, written and dropped), so 50,000 customers and 100M
 * events fit in a few hundred MB. Both are all-or-nothing: the warehouse's
 * raw tables are replaced in one transaction, and CSV files appear under
 * their final names only once all five are complete. Interrupting (the
 * observer's should_stop) leaves the previous state untouched.
 */
#ifndef TN_GEN_GENERATE_H
#define TN_GEN_GENERATE_H

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"
#include "gen/company.h"
#include "gen/rows.h"

/* How the caller follows a long generation. Both callbacks run on the calling thread. */
typedef struct {
    void *context;
    /* `done` of `total` customers through the table named `what` */
    void (*progress)(void *context, const char *what, uint64_t done, uint64_t total);
    /* polled several times a second; true aborts the run with TN_ERR_INTERRUPTED */
    bool (*should_stop)(void *context);
} tn_gen_observer;

/* Rows written per table, in tn_gen_tables order. */
typedef struct {
    uint64_t rows[TN_GEN_TABLE_COUNT];
} tn_gen_counts;

/*
 * Replaces the raw tables of the warehouse at `db_path` (created if missing;
 * its directory must exist) with `company`'s, in one transaction, and records
 * the generation's parameters in meta.generation. `threads` > 0 caps DuckDB's
 * worker threads.
 */
bool tn_generate_duckdb(const tn_gen_company *company, const char *db_path, int threads,
                        const tn_gen_observer *observer, tn_gen_counts *counts, tn_error *err);

/*
 * Writes `dir`/<table>.csv for the five tables (header row, ISO dates and
 * timestamps, empty field for NULL). `dir` is created if its parent exists.
 * The same company always gives the same bytes, whatever `threads` is.
 * The files are written into `dir`/.tenure-generate-<pid>-XXXXXX and renamed
 * into place; an existing <table>.csv that is not a regular file is refused
 * (TN_ERR_INPUT) before anything is written.
 */
/*
 * Removes the temporary directories that runs of tn_generate_csv killed
 * before they finished left in `dir` (see tn_file_remove_stale): only ours,
 * only when their process is gone. Returns how many were removed.
 */
size_t tn_generate_csv_remove_stale(const char *dir);

bool tn_generate_csv(const tn_gen_company *company, const char *dir, int threads,
                     const tn_gen_observer *observer, tn_gen_counts *counts, tn_error *err);

#endif
