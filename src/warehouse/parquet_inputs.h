/*
 * parquet_inputs.h — `--parquet DIR`: the marts, the staging models the
 * stages read, marts.build_info and the training snapshots, read from the
 * Parquet files `tenure export` writes (or another warehouse exports with
 * the same columns) instead of the warehouse's own tables.
 *
 * After the database is opened, every file the stage needs is checked
 * against the column contract (warehouse/parquet_contract.h) and, only when
 * all pass, the relations the stages' SQL names resolve to views over the
 * files: in-memory catalogs named marts, staging and training are attached
 * to the database (DuckDB resolves marts.x to the catalog marts when the
 * database has no schema of that name), one view per file, each column
 * cast to its contract type. The database itself is not changed, so it may
 * be opened read-only; its other schemas (the score history) are read and
 * written as usual. Attached catalogs belong to the database, so every
 * connection to it (tn_db_connect_again) sees the views.
 */
#ifndef TN_WAREHOUSE_PARQUET_INPUTS_H
#define TN_WAREHOUSE_PARQUET_INPUTS_H

#include <stdbool.h>

#include "common/error.h"
#include "warehouse/db.h"

/* Which files a stage reads. */
typedef enum {
    TN_PARQUET_MARTS,   /* build_info, the marts and the staging models: analyze, score, serve */
    TN_PARQUET_TRAINING /* those and the training snapshots: train */
} tn_parquet_needs;

/*
 * Checks the files of `dir` that `needs` names and makes the relations
 * resolve to them in `db`. A database that has a marts, staging or training
 * schema of its own, a missing file, a file DuckDB cannot read as Parquet,
 * a missing column or a refused type are TN_ERR_INPUT errors naming the
 * file (and the column); then nothing is attached.
 */
bool tn_parquet_inputs_attach(tn_db *db, const char *dir, tn_parquet_needs needs, tn_error *err);

/*
 * Opens `db_path` in `mode` (read-only: an in-memory database when the
 * file does not exist, since only the inputs are read) and attaches the
 * inputs of `dir`. On success *out is owned by the caller (tn_db_close).
 */
bool tn_parquet_inputs_open(const char *db_path, tn_db_mode mode, const char *dir,
                            tn_parquet_needs needs, tn_db **out, tn_error *err);

#endif
