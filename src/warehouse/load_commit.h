/*
 * load_commit.h — a checked load written into the raw tables, inside the
 * build transaction: the rows without problems, categorical values
 * translated through the value maps, either
 *   - replacing the raw tables (a full load, after sql/raw/schema.sql has
 *     emptied them), or
 *   - merged into them by primary key (an increment, `--append`,
 *     sql/load/merge.sql): a row whose key is stored replaces the stored
 *     row whole, a new key is added, a repeat changes nothing; a table the
 *     increment has no file of is left alone;
 * and then every problem kept in raw.rejects with the load's as-of date.
 */
#ifndef TN_WAREHOUSE_LOAD_COMMIT_H
#define TN_WAREHOUSE_LOAD_COMMIT_H

#include <stdbool.h>
#include <stdint.h>

#include "common/date.h"
#include "common/error.h"
#include "warehouse/db.h"
#include "warehouse/load_state.h"

/* What an increment did to one raw table. */
typedef struct {
    uint64_t added;     /* rows with a new key */
    uint64_t replaced;  /* rows that replaced a different stored row */
    uint64_t unchanged; /* rows identical to the stored row with their key */
} tn_merge_count;

/* A full load: INSERT of every table's rows, then sql/load/commit.sql and the event keys. */
bool tn_load_commit_replace(const tn_load_state *load, tn_db *db, tn_error *err);

/*
 * An increment: each table it has merged (counts[t]; zero for a table it
 * has not), then sql/load/commit.sql and the event keys. Needs the stored
 * matches of sql/load/stored.sql, made while staging.
 */
bool tn_load_commit_merge(const tn_load_state *load, tn_db *db,
                          tn_merge_count counts[TN_RAW_TABLE_COUNT], tn_error *err);

/* Every problem of the load into raw.rejects, as of `as_of` (sql/load/rejects.sql). */
bool tn_load_commit_rejects(tn_db *db, tn_day as_of, tn_error *err);

#endif
