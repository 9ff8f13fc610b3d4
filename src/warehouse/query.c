/*
 * query.c — small queries whose results are read as text or numbers (see query.h).
 */
#include "warehouse/query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/embedded.h"
#include "warehouse/value_text.h"

/* The cells of `result` (when `ok`: the query ran) into `cells`; destroys the result. */
static bool read_cells(duckdb_result *result, bool ok, tn_strbuf *cells, size_t *rows,
                       size_t columns) {
    *rows = 0;
    duckdb_data_chunk chunk;
    while (ok && (chunk = duckdb_fetch_chunk(*result)) != NULL) {
        idx_t size = duckdb_data_chunk_get_size(chunk);
        for (idx_t r = 0; r < size; r++) {
            for (size_t c = 0; c < columns; c++) {
                tn_value_text(duckdb_data_chunk_get_vector(chunk, c), r, cells);
                tn_strbuf_putc(cells, '\0');
            }
        }
        *rows += size;
        duckdb_destroy_data_chunk(&chunk);
    }
    duckdb_destroy_result(result);
    return ok;
}

bool tn_query_cells(tn_db *db, const char *sql, tn_strbuf *cells, size_t *rows, size_t columns,
                    tn_error *err) {
    duckdb_result result;
    bool ok = tn_db_query(db, sql, &result, err);
    return read_cells(&result, ok, cells, rows, columns);
}

bool tn_query_cells_params(tn_db *db, const char *sql, const char *const *params, size_t count,
                           tn_strbuf *cells, size_t *rows, size_t columns, tn_error *err) {
    duckdb_result result;
    bool ok = tn_db_query_params(db, sql, params, count, &result, err);
    return read_cells(&result, ok, cells, rows, columns);
}

bool tn_query_text(tn_db *db, const char *sql, char *out, size_t size, tn_error *err) {
    duckdb_result result;
    bool ok = tn_db_query(db, sql, &result, err);
    tn_strbuf text = TN_STRBUF_INIT;
    duckdb_data_chunk chunk = ok ? duckdb_fetch_chunk(result) : NULL;
    if (chunk != NULL && duckdb_data_chunk_get_size(chunk) > 0)
        tn_value_text(duckdb_data_chunk_get_vector(chunk, 0), 0, &text);
    if (chunk != NULL)
        duckdb_destroy_data_chunk(&chunk);
    snprintf(out, size, "%s", tn_strbuf_cstr(&text));
    tn_strbuf_free(&text);
    duckdb_destroy_result(&result);
    return ok;
}

bool tn_query_count(tn_db *db, const char *sql, uint64_t *value, tn_error *err) {
    char cell[32];
    bool ok = tn_query_text(db, sql, cell, sizeof cell, err);
    *value = ok ? strtoull(cell, NULL, 10) : 0;
    return ok;
}

bool tn_query_count_params(tn_db *db, const char *sql, const char *const *params, size_t count,
                           uint64_t *value, tn_error *err) {
    tn_strbuf cells = TN_STRBUF_INIT;
    size_t rows = 0;
    bool ok = tn_query_cells_params(db, sql, params, count, &cells, &rows, 1, err);
    *value = ok && rows > 0 ? strtoull(cells.data, NULL, 10) : 0;
    tn_strbuf_free(&cells);
    return ok;
}

/* The `rows` × `columns` cells of tn_query_cells as integers (NULL → -1); NULL when out of memory.
 */
static int64_t *cells_to_numbers(const tn_strbuf *cells, size_t rows, size_t columns,
                                 tn_error *err) {
    int64_t *values = tn_alloc_array(rows * columns, sizeof *values, "query results", err);
    const char *cell = cells->data;
    for (size_t i = 0; values != NULL && i < rows * columns; i++) {
        values[i] = *cell ? strtoll(cell, NULL, 10) : -1;
        cell += strlen(cell) + 1;
    }
    return values;
}

int64_t *tn_query_numbers(tn_db *db, const char *sql, size_t columns, size_t *rows, tn_error *err) {
    tn_strbuf cells = TN_STRBUF_INIT;
    int64_t *values = tn_query_cells(db, sql, &cells, rows, columns, err)
                          ? cells_to_numbers(&cells, *rows, columns, err)
                          : NULL;
    tn_strbuf_free(&cells);
    return values;
}

int64_t *tn_query_numbers_params(tn_db *db, const char *sql, const char *const *params,
                                 size_t count, size_t columns, size_t *rows, tn_error *err) {
    tn_strbuf cells = TN_STRBUF_INIT;
    int64_t *values = tn_query_cells_params(db, sql, params, count, &cells, rows, columns, err)
                          ? cells_to_numbers(&cells, *rows, columns, err)
                          : NULL;
    tn_strbuf_free(&cells);
    return values;
}

bool tn_query_table_exists(tn_db *db, const char *schema, const char *table, bool *exists,
                           tn_error *err) {
    const char *params[] = {schema, table};
    uint64_t count = 0;
    bool ok = tn_query_count_params(db, tn_embedded_text("sql/build/table_exists.sql"), params, 2,
                                    &count, err);
    *exists = count == 1;
    return ok;
}
