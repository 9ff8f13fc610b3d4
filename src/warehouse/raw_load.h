/*
 * raw_load.h — a company's own exports into the raw tables, checked.
 *
 * `tenure build --raw DIR` and `tenure validate` read the files a mapping
 * names (mapping.h; without a project file, DIR/<table>.csv) in two steps:
 *
 *   1. tn_raw_load_stage(), before the build transaction: every file is
 *      read as text by DuckDB (read_csv or read_parquet; nothing is sniffed)
 *      and each contract column is taken from it and parsed in SQL
 *      (load_sql.h, sql/load/parse.sql) into a temporary table; what
 *      DuckDB cannot read at all goes to its rejects tables. Then every
 *      problem is found in one pass over all files: the mapping's and the
 *      files' own (missing files and columns), each value's (unparseable,
 *      would be rounded, missing, outside the domain or the value map, out
 *      of range, control characters), and those between rows and tables
 *      (sql/load/problems.sql). Each gets the file's physical line
 *      (csv_lines.h). Nothing in the warehouse changes.
 *   2. inside the build transaction, the rows without problems,
 *      categorical values translated through the value maps (load_commit.h):
 *      tn_raw_load_commit() fills the emptied raw tables with them, and
 *      once the build knows its as-of date, tn_raw_load_keep_rejects()
 *      keeps every problem in raw.rejects.
 *
 * An increment (`tenure build --raw DIR --append`) is read and checked the
 * same way, with the same messages, but every table is optional (a table
 * none of whose files exist is left as it is), and the checks between rows
 * and tables are made against the merged state: the stored rows it does not
 * replace and its own (sql/load/stored.sql, sql/load/problems.sql). Step 2
 * is then tn_raw_load_merge(): each row replaces the stored row with its
 * primary key, or is added.
 *
 * A tn_raw_load lives from create to destroy around one connection.
 */
#ifndef TN_WAREHOUSE_RAW_LOAD_H
#define TN_WAREHOUSE_RAW_LOAD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "common/date.h"
#include "common/error.h"
#include "warehouse/contract.h"
#include "warehouse/db.h"
#include "warehouse/load_commit.h"
#include "warehouse/mapping.h"

typedef struct {
    uint64_t rows_read[TN_RAW_TABLE_COUNT]; /* records read, per table */
    uint64_t
        table_files[TN_RAW_TABLE_COUNT]; /* files found, per table (an increment may have none) */
    uint64_t files;                      /* files read */
    uint64_t problems;                   /* problems of their own (0: the files are clean) */
    uint64_t consequences;               /* rows refused only because their customer was */
    uint64_t rejected_rows;              /* distinct rows with at least one problem */
} tn_load_summary;

/*
 * What dates rows may have: none after the as-of date (as_of when given,
 * else the day after the latest usage event), and, when the as-of date
 * comes from the data, none after today.
 */
typedef struct {
    tn_day today;
    bool as_of_given;
    tn_day as_of; /* when given */
} tn_load_limits;

/* Progress of a load, called between steps on the calling thread. */
typedef void (*tn_load_step)(void *context, const char *what);

typedef struct tn_raw_load tn_raw_load;

/*
 * A load of `mapping`, replacing the raw tables or, as an `increment`,
 * merged into them; contract and mapping must outlive it. NULL when out of
 * memory.
 */
tn_raw_load *tn_raw_load_create(const tn_contract *contract, const tn_mapping *mapping,
                                bool increment);

void tn_raw_load_destroy(tn_raw_load *load);

/* Step 1 (see above). Fails only when DuckDB or memory does; problems are counted. */
bool tn_raw_load_stage(tn_raw_load *load, tn_db *db, const tn_load_limits *limits,
                       tn_load_step step, void *context, tn_error *err);

const tn_load_summary *tn_raw_load_summary(const tn_raw_load *load);

/*
 * Writes the problems to `out`, file by file: up to `per_file` of them as
 * "file:line: column: 'value' — expected ...", the problems of rows refused
 * with their customer after the others, then the file's count per kind;
 * and last one line with the count of each kind over all files.
 */
bool tn_raw_load_report(tn_raw_load *load, tn_db *db, int per_file, FILE *out, tn_error *err);

/* Step 2 of a full load (see above); inside the build transaction, after sql/raw/schema.sql. */
bool tn_raw_load_commit(tn_raw_load *load, tn_db *db, tn_error *err);

/* Step 2 of an increment: what it did to each table in counts[] (zero for a table it has not). */
bool tn_raw_load_merge(tn_raw_load *load, tn_db *db, tn_merge_count counts[TN_RAW_TABLE_COUNT],
                       tn_error *err);

/*
 * Every problem of the load into raw.rejects with the build's as-of date: a
 * full load's replace the earlier ones, an increment's are added to them.
 */
bool tn_raw_load_keep_rejects(tn_raw_load *load, tn_db *db, tn_day as_of, tn_error *err);

#endif
