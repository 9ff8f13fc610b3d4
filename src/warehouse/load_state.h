/*
 * load_state.h — what one load of exports knows, shared by its steps: the
 * contract, the mapping, whether it is an increment, and the files found
 * for each table (which of them were read into a load table). Owned by the
 * tn_raw_load (raw_load.h).
 */
#ifndef TN_WAREHOUSE_LOAD_STATE_H
#define TN_WAREHOUSE_LOAD_STATE_H

#include "warehouse/contract.h"
#include "warehouse/load_files.h"
#include "warehouse/mapping.h"

/*
 * The load table of file k of table t: tn_scratch.tn_load_<t>_<k>, in the
 * load's scratch database (sql/load/scratch.sql), a DuckDB file of its own
 * in the warehouse's spill directory. Its tables are stored compressed, as
 * a warehouse's are, and read back through DuckDB's buffer pool, where a
 * temporary table would be held uncompressed in memory and spilled as it
 * is: about 190 bytes per event row against 30, 19 GB for 100M events.
 */
#define TN_LOAD_FILE_TABLE "tn_scratch.tn_load_%d_%zu"

typedef struct {
    const tn_contract *contract;
    const tn_mapping *mapping;
    bool increment;          /* merged into the stored rows (--append), not replacing them */
    bool event_keys_current; /* increment: meta.usage_event_keys could be used (event_keys.h) */
    tn_load_file_set sets[TN_RAW_TABLE_COUNT];
} tn_load_state;

#endif
