/*
 * parquet_contract.h — the column contract of the Parquet inputs: which
 * files `tenure export` writes and `--parquet DIR` reads, and the columns
 * (names and types) each must have.
 *
 * The contract is not written down twice: tn_parquet_contract_load() builds
 * the staging, mart and training models on empty raw tables in a scratch
 * in-memory DuckDB and reads their columns back, so it is always the one
 * the SQL of this version produces (docs/export.md lists it).
 *
 * The files, relative to DIR:
 *   build_info.parquet                   marts.build_info (one row)
 *   marts/<mart>.parquet                 every mart (customer_survival among them)
 *   staging/<model>.parquet              the staging models the stages read
 *   training/churn_snapshots.parquet     every training snapshot row `tenure train`
 *   training/expansion_snapshots.parquet   computes, with its snapshot date
 *
 * A file may hold more columns than the contract (they are ignored) and name
 * them in another case (Snowflake's upper case). A column's type must be the
 * contract's or one that DuckDB casts into it without changing a value that
 * fits (tn_parquet_type_accepts); a value that does not fit fails the read.
 */
#ifndef TN_WAREHOUSE_PARQUET_CONTRACT_H
#define TN_WAREHOUSE_PARQUET_CONTRACT_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "common/strbuf.h"

typedef struct {
    char *name; /* "duration_days" */
    char *type; /* as DuckDB spells it: "INTEGER", "DECIMAL(12,2)", "MAP(VARCHAR, BIGINT)" */
} tn_parquet_column;

typedef struct {
    char file[128];             /* "marts/customer_survival.parquet", relative to the directory */
    char relation[128];         /* "marts.customer_survival": what the stages' SQL reads */
    bool training;              /* a training snapshot file, which only `tenure train` reads */
    tn_parquet_column *columns; /* [column_count], owned */
    size_t column_count;
} tn_parquet_file;

/* Every file of the contract, build_info first, then by relation name. Owns everything. */
typedef struct {
    tn_parquet_file *files;
    size_t count;
} tn_parquet_contract;

/* The staging models the stages read, exported beside the marts (NULL-terminated). */
extern const char *const tn_parquet_staging_models[];

/*
 * Derives the contract from this version's SQL (a scratch in-memory DuckDB,
 * closed before returning). On failure nothing is left allocated in `out`.
 */
bool tn_parquet_contract_load(tn_parquet_contract *out, tn_error *err);

void tn_parquet_contract_free(tn_parquet_contract *contract);

/*
 * Whether a column the contract types `expected` may be read from a file
 * column of type `found` (both as DuckDB spells types). Accepted: the same
 * type; any integer or DECIMAL(p,0) into an integer; any integer, or a
 * DECIMAL of no larger scale, into a DECIMAL; FLOAT and integers of up to 32
 * bits into DOUBLE; TIMESTAMP_S and TIMESTAMP_MS into TIMESTAMP. Those casts
 * keep every value that fits and fail the read on one that does not. Refused:
 * anything that could round or reinterpret a value (DOUBLE into an integer or
 * DECIMAL, a larger scale, BIGINT into DOUBLE, TIMESTAMP_NS or a time zone
 * into TIMESTAMP, a timestamp into a DATE, text into anything else).
 */
bool tn_parquet_type_accepts(const char *expected, const char *found);

/*
 * Checks the columns `found` (`found_count` of them, as the file at `path`
 * has them) against the contract's file `expected`, and on success appends
 * to `select` the select list that reads the contract's columns from it:
 * `CAST("FOUND" AS type) AS "name", ...` in the contract's order. A missing
 * column or a refused type is TN_ERR_INPUT naming `path`, the column, what
 * the contract expects and what the file has.
 */
bool tn_parquet_columns_check(const tn_parquet_file *expected, const char *path,
                              const tn_parquet_column *found, size_t found_count, tn_strbuf *select,
                              tn_error *err);

#endif
