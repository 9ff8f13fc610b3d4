/*
 * raw_load.h — a company's own CSV exports into the raw tables, checked.
 *
 * `tenure build --raw DIR` loads DIR/{customers, usage_events,
 * gtm_opportunities, support_tickets, risk_signals}.csv in two steps:
 *
 *   1. tn_raw_load_stage(), before the build transaction: DuckDB's read_csv
 *      reads each file with the raw table's explicit types (no sniffing;
 *      categorical columns as ENUMs of the dictionary's values) into a
 *      temporary table, keeping what it cannot read in its rejects tables.
 *      sql/load/problems.sql then finds everything else wrong (missing
 *      values, scores outside [0, 1], duplicate keys, unknown customer_ids,
 *      churn before signup), and every problem gets the file's physical
 *      line (csv_lines.h). Nothing in the warehouse changes.
 *   2. tn_raw_load_commit(), inside the build transaction: the raw tables
 *      are replaced by the rows without problems, and every problem is kept
 *      in raw.rejects (sql/load/commit.sql).
 *
 * Files may have their columns in any order (matched by header name), CRLF
 * line ends, a UTF-8 byte order mark, quoted fields with commas and line
 * breaks, and timestamps with 'T' or ' ' and a trailing 'Z'.
 */
#ifndef TN_WAREHOUSE_RAW_LOAD_H
#define TN_WAREHOUSE_RAW_LOAD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "common/error.h"
#include "warehouse/db.h"

#define TN_RAW_TABLE_COUNT 5

/* The raw tables in the data dictionary's order. */
extern const char *const tn_raw_tables[TN_RAW_TABLE_COUNT];

typedef struct {
    uint64_t rows_read[TN_RAW_TABLE_COUNT]; /* rows DuckDB could read, per table */
    uint64_t problems;                      /* problems found (0: the files are clean) */
    uint64_t rejected_rows;                 /* distinct rows with at least one problem */
} tn_load_summary;

/* Progress of a load, called between steps on the calling thread. */
typedef void (*tn_load_step)(void *context, const char *what);

/* Step 1 (see above). A missing file or a bad header is an error (TN_ERR_INPUT). */
bool tn_raw_load_stage(tn_db *db, const char *dir, tn_load_step step, void *context,
                       tn_load_summary *summary, tn_error *err);

/*
 * Writes the first `limit` problems as "file:line: column: 'value' — expected
 * ..." lines, then the count of each kind of problem, to `out`.
 */
bool tn_raw_load_report(tn_db *db, int limit, FILE *out, tn_error *err);

/* The counts per kind as one line, "2 unknown customer_id, 1 wrong column count". */
bool tn_raw_load_kinds(tn_db *db, char *out, size_t size, tn_error *err);

/* Step 2 (see above); run inside the build transaction. */
bool tn_raw_load_commit(tn_db *db, tn_error *err);

#endif
