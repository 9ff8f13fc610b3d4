/*
 * load_checks.h — the problems of each value of a load, and the value maps.
 *
 * Builds tn_value_map (each distinct source value of a categorical column
 * and the contract value the mapping's rules make of it, sql/load/
 * value_map.sql) and appends to tn_problems every value that does not
 * parse (or would have to be rounded), is missing where required, is
 * outside its column's domain or value map, is out of range, or holds a
 * NUL byte; and every JSON line that is not JSON. The problems between rows
 * and tables are sql/load/problems.sql's.
 */
#ifndef TN_WAREHOUSE_LOAD_CHECKS_H
#define TN_WAREHOUSE_LOAD_CHECKS_H

#include <stdbool.h>

#include "common/error.h"
#include "warehouse/db.h"
#include "warehouse/load_state.h"

bool tn_load_check_values(const tn_load_state *load, tn_db *db, tn_error *err);

#endif
