/*
 * load_sql.h — the SQL the loader writes for one mapping: how each source
 * file is read, and how each contract column's value is taken from it and
 * parsed.
 *
 * Each file becomes one temporary table, tn_load_<table>_<n>, with the
 * table's contract columns (parsed to the contract's types; categorical
 * columns still hold the source's own values, translated later through the
 * value map), a "<column>__bad" text column beside every parsed column that
 * keeps the source text where parsing failed, and "_invalid" (a JSON line
 * that is not JSON). Its rowid is the record's position among the records
 * DuckDB read from the file, which csv_lines.h turns into a line number.
 *
 * The query is layered so every expression is computed once per row:
 *   L0 the source values (a column, a JSON path, or the mapping's SQL);
 *   L1 trimmed text (sql/load/parse.sql's tn_text);
 *   L2 numbers in plain form;
 *   L3 parsed values;
 *   L4 the table's columns.
 */
#ifndef TN_WAREHOUSE_LOAD_SQL_H
#define TN_WAREHOUSE_LOAD_SQL_H

#include <stdbool.h>
#include <stddef.h>

#include "common/strbuf.h"
#include "warehouse/contract.h"
#include "warehouse/load_files.h"
#include "warehouse/mapping.h"

/* `text` as a SQL string literal (quotes doubled). */
void tn_load_sql_string(tn_strbuf *out, const char *text);

/* `name` as a quoted SQL identifier. */
void tn_load_sql_ident(tn_strbuf *out, const char *name);

/* True when the column is parsed (dates, numbers), so it has a __bad column. */
bool tn_load_sql_is_parsed(tn_column_kind kind);

/*
 * CREATE TEMP TABLE tn_load_<table>_<index> reading `file` through
 * `source`. With file == NULL: an empty table of the same columns (a table
 * with no readable file). Every column the mapping names must be in the
 * file's header (the loader checks that first).
 *
 * JSON lines are read either `structured`, by DuckDB's JSON reader with the
 * mapped paths as typed columns (fast, but one malformed line fails the
 * whole statement), or as text lines whose JSON is parsed row by row, so a
 * malformed line is a problem of its own (the caller falls back to this).
 */
void tn_load_sql_create(const tn_contract_table *table, const tn_table_source *source,
                        int table_index, size_t file_index, const tn_load_file *file,
                        bool structured, tn_strbuf *out);

/* Whether a JSON-lines table can be read structured (no SQL columns, paths fit a STRUCT). */
bool tn_load_sql_json_structured(const tn_contract_table *table, const tn_table_source *source);

/* A SELECT of the column's expression over the file, to check the mapping's SQL. */
void tn_load_sql_probe(const tn_table_source *source, const tn_column_source *column,
                       const tn_load_file *file, tn_strbuf *out);

/* How to write a value of `column` that parses: "a date, MM/DD/YYYY". */
void tn_load_sql_expected(const tn_contract_column *column, const tn_column_source *source,
                          const tn_table_source *table_source, tn_strbuf *out);

/* The time zone a timestamp column's naive values are in. */
const char *tn_load_sql_timezone(const tn_column_source *column, const tn_table_source *source);

/* The decimal separator of a number column. */
char tn_load_sql_decimal(const tn_column_source *column, const tn_table_source *source);

#endif
