/*
 * load_lines.c — the line of every problem of a load (see load_lines.h).
 */
#include "warehouse/load_lines.h"

#include <stdio.h>
#include <stdlib.h>

#include "common/embedded.h"
#include "warehouse/csv_lines.h"
#include "warehouse/query.h"

static bool store_lines(tn_db *db, int t, size_t k, const tn_csv_lookup *lookups, size_t count,
                        tn_error *err) {
    duckdb_appender appender;
    if (duckdb_appender_create_ext(tn_db_connection(db), "temp", "main", "tn_problem_lines",
                                   &appender) != DuckDBSuccess)
        return tn_error_set(err, TN_ERR_DB, "tn_problem_lines: %s",
                            duckdb_appender_error(appender));
    bool ok = true;
    for (size_t i = 0; ok && i < count; i++) {
        const tn_csv_lookup *l = &lookups[i];
        ok = duckdb_append_varchar(appender, tn_raw_tables[t]) == DuckDBSuccess &&
             duckdb_append_int32(appender, (int32_t)k) == DuckDBSuccess &&
             (l->accepted_row >= 0 ? duckdb_append_int64(appender, l->accepted_row)
                                   : duckdb_append_null(appender)) == DuckDBSuccess &&
             (l->rejected_line >= 0 ? duckdb_append_int64(appender, l->rejected_line)
                                    : duckdb_append_null(appender)) == DuckDBSuccess &&
             (l->line >= 0 ? duckdb_append_int64(appender, l->line)
                           : duckdb_append_null(appender)) == DuckDBSuccess &&
             (l->text != NULL ? duckdb_append_varchar(appender, l->text)
                              : duckdb_append_null(appender)) == DuckDBSuccess &&
             duckdb_appender_end_row(appender) == DuckDBSuccess;
    }
    ok = ok && duckdb_appender_close(appender) == DuckDBSuccess;
    if (!ok)
        tn_error_set(err, TN_ERR_DB, "tn_problem_lines: %s", duckdb_appender_error(appender));
    duckdb_appender_destroy(&appender);
    return ok;
}

static tn_csv_dialect file_dialect(const tn_table_source *source) {
    if (source->format == TN_FILE_JSONL)
        return (tn_csv_dialect){
            .delimiter = '\x01', .quote = 0, .header = false, .skip_space_lines = true};
    return (tn_csv_dialect){.delimiter = source->delimiter, .quote = source->quote, .header = true};
}

/* Finds the physical line of every problem of file k of table t by one scan of the file. */
static bool locate_file(const tn_load_state *load, tn_db *db, int t, size_t k, tn_error *err) {
    const tn_load_file *file = &load->sets[t].files[k];
    char sql[512];
    size_t rejected_count = 0, lookup_count = 0;
    snprintf(sql, sizeof sql,
             "SELECT DISTINCT line FROM tn_rejects WHERE table_name = '%s' AND file_index = %zu "
             "ORDER BY 1",
             tn_raw_tables[t], k);
    int64_t *rejected = tn_query_numbers(db, sql, 1, &rejected_count, err);
    snprintf(sql, sizeof sql,
             "SELECT DISTINCT row_index, duckdb_line FROM tn_problems WHERE table_name = '%s' "
             "AND file_index = %zu AND (row_index IS NOT NULL OR duckdb_line IS NOT NULL)",
             tn_raw_tables[t], k);
    int64_t *pairs = rejected != NULL ? tn_query_numbers(db, sql, 2, &lookup_count, err) : NULL;
    tn_csv_lookup *lookups = calloc(lookup_count + 1, sizeof *lookups);
    bool ok = rejected != NULL && pairs != NULL &&
              (lookups != NULL || tn_error_set(err, TN_ERR_NOMEM, "out of memory"));
    for (size_t i = 0; ok && i < lookup_count; i++) {
        lookups[i].accepted_row = pairs[2 * i];
        lookups[i].rejected_line = pairs[2 * i + 1];
    }
    int64_t records = 0;
    uint64_t accepted = 0;
    tn_csv_dialect dialect = file_dialect(&load->mapping->tables[t]);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM tn_load_%d_%zu", t, k);
    ok = ok &&
         tn_csv_locate(file->path, &dialect, rejected, rejected_count, lookups, lookup_count,
                       &records, err) &&
         tn_query_count(db, sql, &accepted, err);
    /* If our record count disagrees with DuckDB's, the lines would be wrong: keep none. */
    if (ok && (uint64_t)records != accepted + rejected_count) {
        for (size_t i = 0; i < lookup_count; i++)
            lookups[i].line = -1;
    }
    ok = ok && store_lines(db, t, k, lookups, lookup_count, err);
    for (size_t i = 0; lookups != NULL && i < lookup_count; i++)
        free(lookups[i].text);
    free(lookups);
    free(pairs);
    free(rejected);
    return ok;
}

bool tn_load_locate_lines(const tn_load_state *load, tn_db *db, tn_error *err) {
    bool ok = tn_db_exec(db,
                         "CREATE OR REPLACE TEMP TABLE tn_problem_lines (table_name VARCHAR, "
                         "file_index INTEGER, row_index BIGINT, duckdb_line BIGINT, line BIGINT, "
                         "record VARCHAR)",
                         err);
    for (int t = 0; ok && t < TN_RAW_TABLE_COUNT; t++) {
        for (size_t k = 0; ok && k < load->sets[t].count; k++) {
            if (!load->sets[t].files[k].loaded)
                continue;
            char sql[256];
            uint64_t count = 0;
            snprintf(sql, sizeof sql,
                     "SELECT count(*) FROM tn_problems WHERE table_name = '%s' AND file_index = "
                     "%zu AND (row_index IS NOT NULL OR duckdb_line IS NOT NULL)",
                     tn_raw_tables[t], k);
            ok = tn_query_count(db, sql, &count, err);
            if (!ok || count == 0)
                continue;
            if (load->mapping->tables[t].format == TN_FILE_PARQUET) {
                snprintf(sql, sizeof sql,
                         "UPDATE tn_problems SET line = row_index + 1 WHERE table_name = '%s' AND "
                         "file_index = %zu",
                         tn_raw_tables[t], k);
                ok = tn_db_exec(db, sql, err);
            } else {
                ok = locate_file(load, db, t, k, err);
            }
        }
    }
    return ok && tn_db_exec(db, tn_embedded_text("sql/load/locate.sql"), err);
}
