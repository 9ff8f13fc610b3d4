/*
 * value_text.h — any DuckDB value as text, read straight from a result's
 * data chunks.
 *
 * DuckDB's own duckdb_value_varchar() gives up on many types (ENUM, UUID,
 * LIST, STRUCT, TIMESTAMPTZ, ...), so `tenure sql` reads vectors itself and
 * writes values the way DuckDB's shell shows them: 2026-03-14, 12.50,
 * [1, 2], {'x': 1}, shortest round-trip floats.
 */
#ifndef TN_WAREHOUSE_VALUE_TEXT_H
#define TN_WAREHOUSE_VALUE_TEXT_H

#include <stdbool.h>

#include <duckdb.h>

#include "common/strbuf.h"

/*
 * Appends the text of row `row` of `vector` to `out`. Returns false, appending
 * nothing, when the value is NULL. Types with no text form here are written
 * as "<TYPE n>".
 */
bool tn_value_text(duckdb_vector vector, idx_t row, tn_strbuf *out);

#endif
