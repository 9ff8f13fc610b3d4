/*
 * load_commit.c — writing a checked load into the raw tables (see load_commit.h).
 */
#include "warehouse/load_commit.h"

#include <stdio.h>
#include <stdlib.h>

#include "common/embedded.h"
#include "common/strbuf.h"
#include "warehouse/event_keys.h"
#include "warehouse/load_sql.h"
#include "warehouse/query.h"
#include "warehouse/template.h"

/* Whether a categorical column's value map changes nothing (the source holds contract values). */
static bool identity_map(tn_db *db, const char *table, const char *column, bool *identity,
                         tn_error *err) {
    const char *params[] = {table, column};
    uint64_t changed = 0;
    bool ok = tn_query_count_params(db, tn_embedded_text("sql/load/value_map_changes.sql"), params,
                                    2, &changed, err);
    *identity = ok && changed == 0;
    return ok;
}

/* The SELECT of the table's columns, each through its value map where it has one. */
static void select_columns(const tn_contract_table *table, const bool mapped[], tn_strbuf *sql) {
    tn_strbuf_puts(sql, " SELECT ");
    for (int c = 0; c < table->column_count; c++) {
        if (c > 0)
            tn_strbuf_puts(sql, ", ");
        if (mapped[c])
            tn_strbuf_printf(sql, "m_%d.value", c);
        else
            tn_strbuf_printf(sql, "l.\"%s\"", table->columns[c].name);
    }
    tn_strbuf_printf(sql, " FROM tn_load_%s AS l", table->name);
    for (int c = 0; c < table->column_count; c++) {
        if (mapped[c])
            tn_strbuf_printf(sql,
                             " LEFT JOIN (SELECT source, value FROM tn_value_map WHERE table_name "
                             "= '%s' AND column_name = '%s') AS m_%d ON m_%d.source = l.\"%s\"",
                             table->name, table->columns[c].name, c, c, table->columns[c].name);
    }
}

/*
 * INSERT INTO `target` of the table's rows without problems, categorical
 * values through their value maps. The common case of clean canonical
 * files skips both the problem check and the maps, so loading them costs
 * no more than copying.
 */
static bool insert_rows(tn_db *db, const tn_contract_table *table, const char *target,
                        tn_strbuf *sql, tn_error *err) {
    const char *params[] = {table->name};
    uint64_t problems = 0;
    bool mapped[TN_CONTRACT_MAX_COLUMNS] = {false};
    bool ok = tn_query_count_params(db, tn_embedded_text("sql/load/table_problem_rows.sql"), params,
                                    1, &problems, err);
    for (int c = 0; ok && c < table->column_count; c++) {
        bool identity = true;
        if (table->columns[c].kind == TN_KIND_CATEGORY)
            ok = identity_map(db, table->name, table->columns[c].name, &identity, err);
        mapped[c] = !identity;
    }
    tn_strbuf_printf(sql, "INSERT INTO %s (", target);
    for (int c = 0; c < table->column_count; c++) {
        if (c > 0)
            tn_strbuf_puts(sql, ", ");
        tn_load_sql_ident(sql, table->columns[c].name);
    }
    tn_strbuf_puts(sql, ")");
    select_columns(table, mapped, sql);
    if (problems > 0)
        tn_strbuf_printf(sql,
                         " WHERE NOT EXISTS (SELECT 1 FROM tn_problems AS p WHERE p.table_name = "
                         "'%s' AND p.file_index = l._file AND p.row_index = l._row)",
                         table->name);
    tn_strbuf_puts(sql, ";\n");
    return ok;
}

bool tn_load_commit_replace(const tn_load_state *load, tn_db *db, tn_error *err) {
    tn_strbuf sql = TN_STRBUF_INIT;
    bool ok = true;
    for (int t = 0; ok && t < TN_RAW_TABLE_COUNT; t++) {
        char target[64];
        snprintf(target, sizeof target, "raw.%s", tn_raw_tables[t]);
        ok = insert_rows(db, &load->contract->tables[t], target, &sql, err);
    }
    ok = ok && tn_db_exec(db, tn_strbuf_cstr(&sql), err) &&
         tn_db_exec(db, tn_embedded_text("sql/load/commit.sql"), err) &&
         tn_event_keys_write(db, err);
    tn_strbuf_free(&sql);
    return ok;
}

/* ---- an increment ---------------------------------------------------------------------------- */

/* One table's increment: its rows in tn_increment_<table> (the raw table's shape), then merged. */
static bool merge_table(const tn_contract_table *table, tn_db *db, tn_merge_count *count,
                        tn_error *err) {
    tn_strbuf sql = TN_STRBUF_INIT;
    char target[64];
    snprintf(target, sizeof target, "tn_increment_%s", table->name);
    const tn_template_var vars[] = {{"table", table->name}, {"key", table->key}, {NULL, NULL}};
    bool ok = tn_template_render_file("sql/load/increment_table.sql", vars, &sql, err) &&
              insert_rows(db, table, target, &sql, err) &&
              tn_db_exec(db, tn_strbuf_cstr(&sql), err);
    tn_strbuf_reset(&sql);
    ok = ok && tn_template_render_file("sql/load/merge.sql", vars, &sql, err);
    size_t rows = 0;
    int64_t *numbers = ok ? tn_query_numbers(db, tn_strbuf_cstr(&sql), 3, &rows, err) : NULL;
    ok = numbers != NULL && rows == 1;
    if (ok)
        *count = (tn_merge_count){(uint64_t)numbers[0], (uint64_t)numbers[1], (uint64_t)numbers[2]};
    free(numbers);
    tn_strbuf_free(&sql);
    return ok;
}

bool tn_load_commit_merge(const tn_load_state *load, tn_db *db,
                          tn_merge_count counts[TN_RAW_TABLE_COUNT], tn_error *err) {
    bool ok = true;
    for (int t = 0; ok && t < TN_RAW_TABLE_COUNT; t++) {
        counts[t] = (tn_merge_count){0, 0, 0};
        if (load->sets[t].count > 0)
            ok = merge_table(&load->contract->tables[t], db, &counts[t], err);
    }
    int events = tn_contract_table_index("usage_events");
    ok = ok && tn_db_exec(db, tn_embedded_text("sql/load/commit.sql"), err);
    /* without events in the increment the keys stay as they are, current or not */
    if (ok && load->sets[events].count > 0)
        ok = tn_event_keys_merge(db, load->event_keys_current, err);
    return ok;
}

bool tn_load_commit_rejects(tn_db *db, tn_day as_of, tn_error *err) {
    char day[TN_DATE_BUF];
    const char *params[] = {tn_date_format(as_of, day)};
    return tn_db_exec_params(db, tn_embedded_text("sql/load/keep_rejects_as_of.sql"), params, 1,
                             err) &&
           tn_db_exec(db, tn_embedded_text("sql/load/rejects.sql"), err);
}
