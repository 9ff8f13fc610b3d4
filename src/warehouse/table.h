/*
 * table.h — a query result held as columns: numbers (DOUBLE, NULL as NAN)
 * or text (VARCHAR, NULL as NULL). The analysis reads its data this way and
 * leaves SQL to the .sql files under sql/analysis.
 */
#ifndef TN_WAREHOUSE_TABLE_H
#define TN_WAREHOUSE_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "warehouse/db.h"

/* The blocks a query's texts are copied into (table.c); owned by the table. */
typedef struct tn_text_block tn_text_block;

typedef struct {
    size_t rows, columns;
    char **names;     /* [columns] */
    bool *is_text;    /* [columns] */
    double **numbers; /* [columns][rows], for number columns */
    char ***texts;    /* [columns][rows], for text columns; NULL cells for SQL NULL */
    /* Where a query's texts live: a cell equal to the one above it in its column points to
       the same text. NULL in a table built by hand, whose cells tn_table_free frees one by
       one. */
    tn_text_block *blocks;
} tn_table;

/*
 * Runs `sql` and keeps every row. Columns must be DOUBLE or VARCHAR (cast in
 * the SQL); anything else is TN_ERR_INTERNAL naming the column. The caller
 * frees with tn_table_free() whether or not this succeeds.
 */
bool tn_table_query(tn_db *db, const char *sql, tn_table *out, tn_error *err);

/*
 * tn_table_query for one statement with parameters: $1 .. $count are bound
 * to params[] as text (NULL: SQL NULL), as tn_db_query_params does, so a
 * value (a customer id) is never pasted into the SQL. Same ownership.
 */
bool tn_table_query_params(tn_db *db, const char *sql, const char *const *params, size_t count,
                           tn_table *out, tn_error *err);

/* A column by name: the numbers or the texts, or NULL when there is no such column of that kind. */
const double *tn_table_numbers(const tn_table *table, const char *name);
char *const *tn_table_texts(const tn_table *table, const char *name);

/* One cell of column `name` at `row` (< table->rows): NULL or NAN when the column is not of that
 * kind or the value is NULL. */
const char *tn_table_text_at(const tn_table *table, const char *name, size_t row);
double tn_table_number_at(const tn_table *table, const char *name, size_t row);

void tn_table_free(tn_table *table);

#endif
