/*
 * shared_hashes.h — the 64-bit hashes of one column that more than one row
 * has: the first, cheap step of a key-uniqueness contract on a table too
 * big to group by its key.
 *
 * Grouping a hundred million distinct 36-character ids is a hash table of a
 * hundred million entries for DuckDB (27 s and 8 GB of a 24 GB machine at
 * 50,000 customers). Here DuckDB only hashes the column (its hash(), as
 * the contract's own SQL does) and streams the hashes out; they are spread
 * over a few thousand buckets by their top bits, and each bucket's repeats
 * are found with a small set that stays in cache. The repeats go into a
 * temporary table, and the contract then groups only the rows whose hash is
 * in it by the key itself: a shared hash makes a row a candidate, never a
 * failure, so a collision costs time and no wrong answer.
 *
 * Memory: the hashes take 8 bytes a row and a little slack. They may use
 * half the database's memory limit; DuckDB's limit is lowered by that much
 * while they are held, so the two together stay within the budget. When
 * the rows do not fit, the one scan parks the hashes in files in the
 * database's spill directory, one per range of hash values, and the ranges
 * are then taken one at a time (8 bytes of disk a row, given back at the
 * end).
 */
#ifndef TN_WAREHOUSE_SHARED_HASHES_H
#define TN_WAREHOUSE_SHARED_HASHES_H

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"
#include "warehouse/db.h"

/* What one search did. */
typedef struct {
    uint64_t rows;   /* rows with a value in the column */
    uint64_t shared; /* distinct hashes more than one of them has */
    unsigned passes; /* ranges the hashes were taken in (1: all at once, in memory) */
} tn_shared_hashes_stats;

/*
 * Creates (or replaces) the temporary table `into` with one column, id_hash
 * UBIGINT, holding each hash(`column`) that more than one non-NULL row of
 * `relation` has, once. `relation`, `column` and `into` are identifiers the
 * caller wrote (raw.usage_events, event_id), never data. `stats` may be
 * NULL. TN_ERR_DB when DuckDB fails, TN_ERR_NOMEM when the hashes do not fit.
 */
bool tn_shared_hashes_find(tn_db *db, const char *relation, const char *column, const char *into,
                           tn_shared_hashes_stats *stats, tn_error *err);

#endif
