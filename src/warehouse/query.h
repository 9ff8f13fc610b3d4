/*
 * query.h — small queries of the loader and the build whose results are
 * read as text or numbers: a count, every cell as text, every cell as an
 * integer. Errors are DuckDB's (TN_ERR_DB) or running out of memory.
 */
#ifndef TN_WAREHOUSE_QUERY_H
#define TN_WAREHOUSE_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "common/strbuf.h"
#include "warehouse/db.h"

/*
 * Appends the first `columns` cells of every row of `sql` to `cells`, each
 * as text followed by a NUL (SQL NULL → ""); *rows receives how many rows.
 */
bool tn_query_cells(tn_db *db, const char *sql, tn_strbuf *cells, size_t *rows, size_t columns,
                    tn_error *err);

/*
 * The _params variants run one statement whose values are parameters
 * $1 .. $count, bound to params[] as text (NULL: SQL NULL) by
 * tn_db_query_params: nothing is pasted into the SQL.
 */
bool tn_query_cells_params(tn_db *db, const char *sql, const char *const *params, size_t count,
                           tn_strbuf *cells, size_t *rows, size_t columns, tn_error *err);

/* The first cell of `sql` as text in `out` ("" for NULL or no row). */
bool tn_query_text(tn_db *db, const char *sql, char *out, size_t size, tn_error *err);

/* The first cell of `sql` as a number (0 when there is no row). */
bool tn_query_count(tn_db *db, const char *sql, uint64_t *value, tn_error *err);
bool tn_query_count_params(tn_db *db, const char *sql, const char *const *params, size_t count,
                           uint64_t *value, tn_error *err);

/*
 * The first `columns` cells of every row of `sql` as integers (NULL → -1),
 * row by row; *rows receives how many rows. The caller frees; NULL on failure.
 */
int64_t *tn_query_numbers(tn_db *db, const char *sql, size_t columns, size_t *rows, tn_error *err);
int64_t *tn_query_numbers_params(tn_db *db, const char *sql, const char *const *params,
                                 size_t count, size_t columns, size_t *rows, tn_error *err);

/* Whether the warehouse has table schema.table (a warehouse built by an earlier version may not).
 */
bool tn_query_table_exists(tn_db *db, const char *schema, const char *table, bool *exists,
                           tn_error *err);

#endif
