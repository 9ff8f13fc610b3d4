/*
 * load_lines.h — where in its file each problem of a load is.
 *
 * A problem knows its row (the rowid of the file's load table) or DuckDB's
 * line number of a record it could not read; one scan of each file with
 * problems (csv_lines.h) turns both into the line an editor shows and keeps
 * the record's text, and sql/load/locate.sql writes them into tn_problems.
 * For Parquet the line is the row number.
 */
#ifndef TN_WAREHOUSE_LOAD_LINES_H
#define TN_WAREHOUSE_LOAD_LINES_H

#include <stdbool.h>

#include "common/error.h"
#include "warehouse/db.h"
#include "warehouse/load_state.h"

bool tn_load_locate_lines(const tn_load_state *load, tn_db *db, tn_error *err);

#endif
