/*
 * contract.c — reading the data contract (see contract.h).
 */
#include "warehouse/contract.h"

#include <stdio.h>
#include <string.h>

#include "common/embedded.h"
#include "common/strbuf.h"
#include "warehouse/db.h"
#include "warehouse/template.h"
#include "warehouse/value_text.h"

const char *const tn_raw_tables[TN_RAW_TABLE_COUNT] = {
    "customers", "usage_events", "gtm_opportunities", "support_tickets", "risk_signals",
};

static const char *const kind_names[] = {
    [TN_KIND_ID] = "id",       [TN_KIND_REFERENCE] = "reference",
    [TN_KIND_TEXT] = "text",   [TN_KIND_CATEGORY] = "category",
    [TN_KIND_DATE] = "date",   [TN_KIND_TIMESTAMP] = "timestamp",
    [TN_KIND_MONEY] = "money", [TN_KIND_HOURS] = "hours",
    [TN_KIND_COUNT] = "count", [TN_KIND_SCORE] = "score",
};

bool tn_column_kind_is_number(tn_column_kind kind) {
    return kind == TN_KIND_MONEY || kind == TN_KIND_HOURS || kind == TN_KIND_COUNT ||
           kind == TN_KIND_SCORE;
}

bool tn_column_kind_is_time(tn_column_kind kind) {
    return kind == TN_KIND_DATE || kind == TN_KIND_TIMESTAMP;
}

int tn_contract_table_index(const char *name) {
    for (int t = 0; t < TN_RAW_TABLE_COUNT; t++) {
        if (strcmp(tn_raw_tables[t], name) == 0)
            return t;
    }
    return -1;
}

int tn_contract_column_index(const tn_contract_table *table, const char *name) {
    for (int c = 0; c < table->column_count; c++) {
        if (strcmp(table->columns[c].name, name) == 0)
            return c;
    }
    return -1;
}

bool tn_contract_accepts(const tn_contract_column *column, const char *value) {
    for (int i = 0; i < column->accepted_count; i++) {
        if (strcmp(column->accepted[i], value) == 0)
            return true;
    }
    return false;
}

/* One cell of the current chunk as text into `out` (size bytes); false for NULL. */
static bool cell(duckdb_data_chunk chunk, idx_t column, idx_t row, char *out, size_t size) {
    tn_strbuf text = TN_STRBUF_INIT;
    bool present = tn_value_text(duckdb_data_chunk_get_vector(chunk, column), row, &text);
    snprintf(out, size, "%s", tn_strbuf_cstr(&text));
    tn_strbuf_free(&text);
    return present;
}

static bool parse_kind(const char *name, tn_column_kind *kind) {
    for (size_t k = 0; k < sizeof kind_names / sizeof kind_names[0]; k++) {
        if (strcmp(kind_names[k], name) == 0) {
            *kind = (tn_column_kind)k;
            return true;
        }
    }
    return false;
}

/* The accepted values, one per list element. */
static void read_accepted(duckdb_data_chunk chunk, idx_t row, tn_contract_column *column) {
    duckdb_vector list = duckdb_data_chunk_get_vector(chunk, 6);
    uint64_t *validity = duckdb_vector_get_validity(list);
    column->accepted_count = 0;
    if (validity != NULL && !duckdb_validity_row_is_valid(validity, row))
        return;
    duckdb_list_entry *entries = duckdb_vector_get_data(list);
    duckdb_vector child = duckdb_list_vector_get_child(list);
    for (uint64_t i = 0; i < entries[row].length && i < TN_CONTRACT_MAX_ACCEPTED; i++) {
        tn_strbuf text = TN_STRBUF_INIT;
        tn_value_text(child, entries[row].offset + i, &text);
        snprintf(column->accepted[column->accepted_count++], sizeof column->accepted[0], "%s",
                 tn_strbuf_cstr(&text));
        tn_strbuf_free(&text);
    }
}

static bool read_columns(tn_db *db, tn_contract *out, tn_error *err) {
    duckdb_result result;
    bool ok = tn_db_query(db, tn_embedded_text("sql/load/contract_columns.sql"), &result, err);
    duckdb_data_chunk chunk;
    size_t rows = 0;
    while (ok && (chunk = duckdb_fetch_chunk(result)) != NULL) {
        for (idx_t r = 0; ok && r < duckdb_data_chunk_get_size(chunk); r++, rows++) {
            char table_name[32], column_name[32], kind[16], flag[8];
            cell(chunk, 0, r, table_name, sizeof table_name);
            cell(chunk, 1, r, column_name, sizeof column_name);
            int t = tn_contract_table_index(table_name);
            tn_contract_table *table = t >= 0 ? &out->tables[t] : NULL;
            if (table == NULL || table->column_count == TN_CONTRACT_MAX_COLUMNS) {
                ok = tn_error_set(err, TN_ERR_INTERNAL, "contract.sql: cannot place %s.%s",
                                  table_name, column_name);
                break;
            }
            tn_contract_column *column = &table->columns[table->column_count++];
            snprintf(column->name, sizeof column->name, "%s", column_name);
            cell(chunk, 2, r, column->sql_type, sizeof column->sql_type);
            cell(chunk, 3, r, kind, sizeof kind);
            cell(chunk, 4, r, flag, sizeof flag);
            column->required = strcmp(flag, "true") == 0;
            cell(chunk, 5, r, flag, sizeof flag);
            column->optional = strcmp(flag, "true") == 0;
            read_accepted(chunk, r, column);
            cell(chunk, 7, r, column->description, sizeof column->description);
            if (!parse_kind(kind, &column->kind))
                ok = tn_error_set(err, TN_ERR_INTERNAL, "contract.sql: %s.%s: unknown kind '%s'",
                                  table_name, column_name, kind);
        }
        duckdb_destroy_data_chunk(&chunk);
    }
    duckdb_destroy_result(&result);
    return ok;
}

/* Every raw column has a contract row (the join above would drop it silently otherwise). */
static bool check_complete(tn_db *db, tn_error *err) {
    duckdb_result result;
    bool ok = tn_db_query(db, tn_embedded_text("sql/load/contract_missing.sql"), &result, err);
    if (ok) {
        char *missing = duckdb_value_varchar(&result, 0, 0);
        if (missing != NULL)
            ok = tn_error_set(err, TN_ERR_INTERNAL, "contract.sql lacks %s", missing);
        duckdb_free(missing);
    }
    duckdb_destroy_result(&result);
    return ok;
}

static bool read_tables(tn_db *db, tn_contract *out, tn_error *err) {
    duckdb_result result;
    bool ok = tn_db_query(db, tn_embedded_text("sql/load/contract_tables.sql"), &result, err);
    duckdb_data_chunk chunk;
    while (ok && (chunk = duckdb_fetch_chunk(result)) != NULL) {
        for (idx_t r = 0; r < duckdb_data_chunk_get_size(chunk); r++) {
            char name[32], flag[8];
            cell(chunk, 0, r, name, sizeof name);
            int t = tn_contract_table_index(name);
            if (t < 0)
                continue;
            cell(chunk, 1, r, flag, sizeof flag);
            out->tables[t].optional = strcmp(flag, "true") == 0;
            cell(chunk, 2, r, out->tables[t].grain, sizeof out->tables[t].grain);
            cell(chunk, 3, r, out->tables[t].key, sizeof out->tables[t].key);
        }
        duckdb_destroy_data_chunk(&chunk);
    }
    duckdb_destroy_result(&result);
    return ok;
}

bool tn_raw_schema_create(tn_db *db, tn_events_order order, tn_error *err) {
    const tn_template_var vars[] = {
        {"events_customer_id_storage",
         order == TN_EVENTS_CUSTOMER_BY_CUSTOMER ? "USING COMPRESSION dictionary" : ""},
        {NULL, NULL}};
    tn_strbuf sql = TN_STRBUF_INIT;
    bool ok = tn_template_render_file("sql/raw/schema.sql", vars, &sql, err) &&
              tn_db_exec(db, tn_strbuf_cstr(&sql), err);
    tn_strbuf_free(&sql);
    return ok;
}

bool tn_contract_load(tn_contract *out, tn_error *err) {
    memset(out, 0, sizeof *out);
    for (int t = 0; t < TN_RAW_TABLE_COUNT; t++)
        snprintf(out->tables[t].name, sizeof out->tables[t].name, "%s", tn_raw_tables[t]);
    tn_db *scratch = NULL;
    if (!tn_db_open(":memory:", TN_DB_READ_WRITE, &scratch, err))
        return false;
    bool ok = tn_raw_schema_create(scratch, TN_EVENTS_ANY_ORDER, err) &&
              tn_db_exec(scratch, tn_embedded_text("sql/load/contract.sql"), err) &&
              check_complete(scratch, err) && read_columns(scratch, out, err) &&
              read_tables(scratch, out, err);
    tn_db_close(scratch);
    return ok;
}
