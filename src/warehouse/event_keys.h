/*
 * event_keys.h — meta.usage_event_keys: a 64-bit hash of every stored
 * event_id, so an increment (`tenure build --raw DIR --append`) learns
 * which of its events the warehouse may already hold without reading the
 * ten million stored ids (a join on integers costs a fraction of a join on
 * 36-character strings). A matching hash only makes an event a candidate:
 * the stored row is then looked up by its id (sql/load/stored.sql), so a
 * collision costs time, never a wrong merge.
 *
 * Loads keep the table current: a full load writes it, an increment adds
 * the ids it inserts (a replaced event keeps its id). A warehouse without
 * it (made by `tenure generate` or an earlier version), with another row
 * count than raw.usage_events (rows put there by other means), or made by
 * another DuckDB version (whose hash() may differ) gets it rebuilt by its
 * next increment, which then costs a second more.
 */
#ifndef TN_WAREHOUSE_EVENT_KEYS_H
#define TN_WAREHOUSE_EVENT_KEYS_H

#include <stdbool.h>

#include "common/error.h"
#include "warehouse/db.h"

/*
 * Before an increment's checks: the temporary view tn_stored_event_keys,
 * over the warehouse's table when it is current (*current), else hashing
 * raw.usage_events as it is read. Needs sql/load/setup.sql to have run.
 */
bool tn_event_keys_stage(tn_db *db, bool *current, tn_error *err);

/*
 * Inside the build transaction, after an increment's usage events are
 * merged (tn_merge_usage_events): adds the new ids to a current table, or
 * writes the whole table from the merged raw.usage_events.
 */
bool tn_event_keys_merge(tn_db *db, bool current, tn_error *err);

/* Inside the build transaction, after a full load: the table from raw.usage_events. */
bool tn_event_keys_write(tn_db *db, tn_error *err);

#endif
