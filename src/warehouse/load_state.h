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

typedef struct {
    const tn_contract *contract;
    const tn_mapping *mapping;
    bool increment;          /* merged into the stored rows (--append), not replacing them */
    bool event_keys_current; /* increment: meta.usage_event_keys could be used (event_keys.h) */
    tn_load_file_set sets[TN_RAW_TABLE_COUNT];
} tn_load_state;

#endif
