/*
 * load_lines.c — the line of every problem of a load (see load_lines.h).
 */
#include "warehouse/load_lines.h"

#include <stdio.h>
#include <stdlib.h>

#include "common/alloc.h"
#include "common/embedded.h"
#include "warehouse/csv_lines.h"
#include "warehouse/query.h"
#include "warehouse/template.h"

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
    char index[24];
    snprintf(index, sizeof index, "%zu", k);
    const char *params[] = {tn_raw_tables[t], index};
    size_t rejected_count = 0, lookup_count = 0;
    int64_t *rejected =
        tn_query_numbers_params(db, tn_embedded_text("sql/load/rejected_line_numbers.sql"), params,
                                2, 1, &rejected_count, err);
    int64_t *pairs =
        rejected != NULL
            ? tn_query_numbers_params(db, tn_embedded_text("sql/load/problem_rows.sql"), params, 2,
                                      2, &lookup_count, err)
            : NULL;
    tn_csv_lookup *lookups =
        pairs != NULL ? tn_alloc_array(lookup_count, sizeof *lookups, "problem lookups", err)
                      : NULL;
    bool ok = lookups != NULL;
    for (size_t i = 0; ok && i < lookup_count; i++) {
        lookups[i].accepted_row = pairs[2 * i];
        lookups[i].rejected_line = pairs[2 * i + 1];
    }
    int64_t records = 0;
    uint64_t accepted = 0;
    tn_csv_dialect dialect = file_dialect(&load->mapping->tables[t]);
    char table[64];
    snprintf(table, sizeof table, TN_LOAD_FILE_TABLE, t, k);
    const tn_template_var vars[] = {{"table", table}, {NULL, NULL}};
    tn_strbuf count_sql = TN_STRBUF_INIT;
    ok = ok &&
         tn_csv_locate(file->path, &dialect, rejected, rejected_count, lookups, lookup_count,
                       &records, err) &&
         tn_template_render_file("sql/load/file_rows.sql", vars, &count_sql, err) &&
         tn_query_count(db, tn_strbuf_cstr(&count_sql), &accepted, err);
    tn_strbuf_free(&count_sql);
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
    bool ok = tn_db_exec(db, tn_embedded_text("sql/load/problem_lines.sql"), err);
    for (int t = 0; ok && t < TN_RAW_TABLE_COUNT; t++) {
        for (size_t k = 0; ok && k < load->sets[t].count; k++) {
            if (!load->sets[t].files[k].loaded)
                continue;
            char index[24];
            snprintf(index, sizeof index, "%zu", k);
            const char *params[] = {tn_raw_tables[t], index};
            uint64_t count = 0;
            ok = tn_query_count_params(db, tn_embedded_text("sql/load/problem_row_count.sql"),
                                       params, 2, &count, err);
            if (!ok || count == 0)
                continue;
            if (load->mapping->tables[t].format == TN_FILE_PARQUET) {
                ok = tn_db_exec_params(db, tn_embedded_text("sql/load/parquet_lines.sql"), params,
                                       2, err);
            } else {
                ok = locate_file(load, db, t, k, err);
            }
        }
    }
    return ok && tn_db_exec(db, tn_embedded_text("sql/load/locate.sql"), err);
}
