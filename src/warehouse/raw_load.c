/*
 * raw_load.c — loading and checking a company's exports (see raw_load.h).
 *
 * Names used in SQL: tn_load_<t>_<k> is file k of table t (t indexes
 * tn_raw_tables), tn_load_<table> the view over all files of a table (with
 * _file and _row), tn_rejects the view over DuckDB's rejects of every file.
 * File index -1 stands for the project file itself, where the problems of
 * the mapping are reported.
 */
#include "warehouse/raw_load.h"

#include <stdlib.h>
#include <string.h>

#include "common/embedded.h"
#include "common/strbuf.h"
#include "warehouse/csv_lines.h"
#include "warehouse/load_files.h"
#include "warehouse/load_sql.h"
#include "warehouse/value_text.h"

struct tn_raw_load {
    const tn_contract *contract;
    const tn_mapping *mapping;
    tn_load_file_set sets[TN_RAW_TABLE_COUNT];
    tn_load_summary summary;
};

enum { MAPPING_FILE = -1 };

tn_raw_load *tn_raw_load_create(const tn_contract *contract, const tn_mapping *mapping) {
    tn_raw_load *load = calloc(1, sizeof *load);
    if (load != NULL) {
        load->contract = contract;
        load->mapping = mapping;
    }
    return load;
}

void tn_raw_load_destroy(tn_raw_load *load) {
    if (load == NULL)
        return;
    for (int t = 0; t < TN_RAW_TABLE_COUNT; t++)
        tn_load_files_free(&load->sets[t]);
    free(load);
}

const tn_load_summary *tn_raw_load_summary(const tn_raw_load *load) {
    return &load->summary;
}

/* ---- small query helpers --------------------------------------------------------------------- */

/* A query's rows, one NUL-terminated string per cell (NULL → ""). */
static bool query_text(tn_db *db, const char *sql, tn_strbuf *cells, size_t *rows, size_t columns,
                       tn_error *err) {
    duckdb_result result;
    bool ok = tn_db_query(db, sql, &result, err);
    *rows = 0;
    duckdb_data_chunk chunk;
    while (ok && (chunk = duckdb_fetch_chunk(result)) != NULL) {
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
    duckdb_destroy_result(&result);
    return ok;
}

static bool query_count(tn_db *db, const char *sql, uint64_t *value, tn_error *err) {
    tn_strbuf cells = TN_STRBUF_INIT;
    size_t rows = 0;
    bool ok = query_text(db, sql, &cells, &rows, 1, err);
    *value = ok && rows > 0 ? strtoull(cells.data, NULL, 10) : 0;
    tn_strbuf_free(&cells);
    return ok;
}

/* The int64 cells of a query, row by row (NULL → -1; caller frees). */
static int64_t *query_numbers(tn_db *db, const char *sql, size_t columns, size_t *rows,
                              tn_error *err) {
    tn_strbuf cells = TN_STRBUF_INIT;
    int64_t *values = NULL;
    if (query_text(db, sql, &cells, rows, columns, err)) {
        values = malloc((*rows * columns + 1) * sizeof *values);
        const char *cell = cells.data;
        for (size_t i = 0; values != NULL && i < *rows * columns; i++) {
            values[i] = *cell ? strtoll(cell, NULL, 10) : -1;
            cell += strlen(cell) + 1;
        }
        if (values == NULL)
            tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    }
    tn_strbuf_free(&cells);
    return values;
}

static const char *table_name(int t) {
    return tn_raw_tables[t];
}

/* ---- recording problems and files ------------------------------------------------------------- */

/* One problem found outside SQL (a file, a header, the mapping); line < 0 when none. */
static bool add_problem(tn_db *db, int t, int file_index, long line, const char *column,
                        const char *value, const char *kind, const char *expected, tn_error *err) {
    tn_strbuf sql = TN_STRBUF_INIT;
    tn_strbuf_puts(&sql, "INSERT INTO tn_problems (table_name, file_index, line, column_name, "
                         "value, kind, expected) VALUES (");
    tn_load_sql_string(&sql, table_name(t));
    tn_strbuf_printf(&sql, ", %d, ", file_index);
    if (line >= 0)
        tn_strbuf_printf(&sql, "%ld, ", line);
    else
        tn_strbuf_puts(&sql, "NULL, ");
    /* DuckDB's messages end with an echo of the statement ("\n\nLINE 1: ..."): not for people */
    tn_strbuf reason = TN_STRBUF_INIT;
    const char *echo = strstr(expected, "\n\nLINE ");
    tn_strbuf_append(&reason, expected, echo != NULL ? (size_t)(echo - expected) : strlen(expected));
    const char *texts[] = {column, value, kind, tn_strbuf_cstr(&reason)};
    for (int i = 0; i < 4; i++) {
        tn_load_sql_string(&sql, texts[i]);
        tn_strbuf_puts(&sql, i < 3 ? ", " : ")");
    }
    tn_strbuf_free(&reason);
    bool ok = tn_db_exec(db, tn_strbuf_cstr(&sql), err);
    tn_strbuf_free(&sql);
    return ok;
}

static bool add_file_row(tn_db *db, int t, int file_index, const char *display,
                         const char *format, size_t columns, tn_error *err) {
    tn_strbuf sql = TN_STRBUF_INIT;
    tn_strbuf_puts(&sql, "INSERT INTO tn_files VALUES (");
    tn_load_sql_string(&sql, table_name(t));
    tn_strbuf_printf(&sql, ", %d, ", file_index);
    tn_load_sql_string(&sql, display);
    tn_strbuf_puts(&sql, ", ");
    tn_load_sql_string(&sql, format);
    tn_strbuf_printf(&sql, ", %zu)", columns);
    bool ok = tn_db_exec(db, tn_strbuf_cstr(&sql), err);
    tn_strbuf_free(&sql);
    return ok;
}

/* ---- setting up -------------------------------------------------------------------------------- */

static bool record_column_sources(tn_raw_load *load, tn_db *db, tn_error *err) {
    tn_strbuf sql = TN_STRBUF_INIT;
    tn_strbuf_puts(&sql, "INSERT INTO tn_column_sources VALUES ('', '', NULL)");
    for (int t = 0; t < TN_RAW_TABLE_COUNT; t++) {
        const tn_contract_table *table = &load->contract->tables[t];
        for (int c = 0; c < table->column_count; c++) {
            const tn_column_source *column = &load->mapping->tables[t].columns[c];
            if (!column->mapped)
                continue;
            tn_strbuf_puts(&sql, ", (");
            tn_load_sql_string(&sql, table->name);
            tn_strbuf_puts(&sql, ", ");
            tn_load_sql_string(&sql, table->columns[c].name);
            tn_strbuf_puts(&sql, ", ");
            tn_load_sql_string(&sql, column->sql != NULL ? "sql" : column->column);
            tn_strbuf_puts(&sql, ")");
        }
    }
    bool ok = tn_db_exec(db, tn_strbuf_cstr(&sql), err);
    tn_strbuf_free(&sql);
    return ok;
}

static bool set_up(tn_raw_load *load, tn_db *db, const tn_load_limits *limits, tn_error *err) {
    char today[TN_DATE_BUF], as_of[TN_DATE_BUF], sql[256];
    tn_date_format(limits->today, today);
    tn_date_format(limits->as_of, as_of);
    snprintf(sql, sizeof sql, "INSERT INTO tn_load_params VALUES (DATE '%s', %s%s%s)", today,
             limits->as_of_given ? "DATE '" : "NULL", limits->as_of_given ? as_of : "",
             limits->as_of_given ? "'" : "");
    if (!tn_db_exec(db, tn_embedded_text("sql/load/setup.sql"), err) ||
        !tn_db_exec(db, tn_embedded_text("sql/load/parse.sql"), err) ||
        !tn_db_exec(db, sql, err) || !record_column_sources(load, db, err))
        return false;
    const char *mapping_name = load->mapping->path != NULL ? load->mapping->path : "(built in)";
    for (int t = 0; t < TN_RAW_TABLE_COUNT; t++) {
        if (!add_file_row(db, t, MAPPING_FILE, mapping_name, "yaml", 0, err))
            return false;
    }
    return true;
}

/* ---- the mapping against the files --------------------------------------------------------------- */

/* Unknown time zones; false (with problems recorded) when the table cannot be read. */
static bool check_zones(tn_raw_load *load, tn_db *db, int t, bool *usable, tn_error *err) {
    const tn_contract_table *table = &load->contract->tables[t];
    const tn_table_source *source = &load->mapping->tables[t];
    *usable = true;
    for (int c = 0; c < table->column_count; c++) {
        if (table->columns[c].kind != TN_KIND_TIMESTAMP || !source->columns[c].mapped)
            continue;
        const char *zone = tn_load_sql_timezone(&source->columns[c], source);
        tn_strbuf sql = TN_STRBUF_INIT;
        tn_strbuf_puts(&sql, "SELECT timezone(");
        tn_load_sql_string(&sql, zone);
        tn_strbuf_puts(&sql, ", TIMESTAMP '2020-01-01 00:00:00')");
        tn_error ignored;
        bool known = tn_db_exec(db, tn_strbuf_cstr(&sql), &ignored);
        tn_strbuf_free(&sql);
        if (!known) {
            *usable = false;
            char where[96];
            snprintf(where, sizeof where, "%s.timezone", table->columns[c].name);
            if (!add_problem(db, t, MAPPING_FILE, source->columns[c].line, where, zone,
                             "unknown time zone",
                             "a time zone name such as UTC, Europe/Berlin or America/New_York",
                             err))
                return false;
        }
    }
    return true;
}

/* Each SQL expression of the mapping, bound against the file's columns. */
static bool check_expressions(tn_raw_load *load, tn_db *db, int t, const tn_load_file *file,
                              bool *usable, tn_error *err) {
    const tn_contract_table *table = &load->contract->tables[t];
    const tn_table_source *source = &load->mapping->tables[t];
    bool ok = true;
    for (int c = 0; ok && c < table->column_count; c++) {
        const tn_column_source *column = &source->columns[c];
        if (!column->mapped || column->sql == NULL)
            continue;
        tn_strbuf sql = TN_STRBUF_INIT;
        tn_load_sql_probe(source, column, file, &sql);
        duckdb_prepared_statement statement = NULL;
        if (duckdb_prepare(tn_db_connection(db), tn_strbuf_cstr(&sql), &statement) !=
            DuckDBSuccess) {
            *usable = false;
            tn_strbuf expected = TN_STRBUF_INIT;
            /* DuckDB's message, without the echo of the statement it adds */
            const char *message = duckdb_prepare_error(statement);
            const char *echo = message != NULL ? strstr(message, "\n\nLINE ") : NULL;
            tn_strbuf_printf(&expected, "a SQL expression over the columns of %s: %.*s",
                             file->display,
                             echo != NULL ? (int)(echo - message) : (int)strlen(message),
                             message);
            ok = add_problem(db, t, MAPPING_FILE, column->line, table->columns[c].name,
                             column->sql, "bad SQL expression", tn_strbuf_cstr(&expected), err);
            tn_strbuf_free(&expected);
        }
        duckdb_destroy_prepare(&statement);
        tn_strbuf_free(&sql);
    }
    return ok;
}

/* The built-in layout's header: the contract's columns, each once, nothing else. */
static bool check_strict_header(tn_db *db, int t, const tn_contract_table *table,
                                const tn_table_source *source, const tn_load_file *file,
                                int k, bool *usable, tn_error *err) {
    tn_strbuf missing = TN_STRBUF_INIT, unknown = TN_STRBUF_INIT, expected = TN_STRBUF_INIT;
    for (int c = 0; c < table->column_count; c++) {
        if (!source->columns[c].if_present && tn_load_file_column(file, table->columns[c].name) < 0)
            tn_strbuf_printf(&missing, "%s%s", missing.length ? ", " : "", table->columns[c].name);
        if (!table->columns[c].optional || strcmp(table->name, "customers") != 0)
            tn_strbuf_printf(&expected, "%s%s", expected.length ? "," : "", table->columns[c].name);
    }
    for (size_t h = 0; h < file->column_count; h++) {
        const char *name = file->columns[h];
        bool renamed = strchr(name, '_') != NULL && tn_contract_column_index(table, name) < 0 &&
                       h > 0 && strrchr(name, '_')[1] >= '2' && strrchr(name, '_')[1] <= '9';
        if (tn_contract_column_index(table, name) < 0)
            tn_strbuf_printf(&unknown, "%s%s%s", unknown.length ? ", " : "",
                             name[0] ? name : "(empty)", renamed ? " (twice)" : "");
    }
    bool ok = true;
    if (missing.length > 0 || unknown.length > 0) {
        *usable = false;
        tn_strbuf value = TN_STRBUF_INIT, text = TN_STRBUF_INIT;
        tn_strbuf_printf(&value, "%s%s%s%s%s", missing.length ? "lacks " : "",
                         tn_strbuf_cstr(&missing), missing.length && unknown.length ? "; " : "",
                         unknown.length ? "has unknown column " : "", tn_strbuf_cstr(&unknown));
        tn_strbuf_printf(&text, "the columns %s", tn_strbuf_cstr(&expected));
        ok = add_problem(db, t, k, 1, "header", tn_strbuf_cstr(&value), "header",
                         tn_strbuf_cstr(&text), err);
        tn_strbuf_free(&value);
        tn_strbuf_free(&text);
    }
    tn_strbuf_free(&missing);
    tn_strbuf_free(&unknown);
    tn_strbuf_free(&expected);
    return ok;
}

/* Every column the mapping names must be in the file's header. */
static bool check_mapped_columns(tn_db *db, int t, const tn_contract_table *table,
                                 const tn_table_source *source, const tn_load_file *file, int k,
                                 bool *usable, tn_error *err) {
    bool ok = true;
    for (int c = 0; ok && c < table->column_count; c++) {
        const tn_column_source *column = &source->columns[c];
        if (!column->mapped || column->if_present || column->sql != NULL ||
            source->format == TN_FILE_JSONL || tn_load_file_column(file, column->column) >= 0)
            continue;
        *usable = false;
        tn_strbuf expected = TN_STRBUF_INIT;
        tn_strbuf_printf(&expected, "a column named \"%s\" (the mapping's %s.columns.%s); the header has ",
                         column->column, table->name, table->columns[c].name);
        for (size_t h = 0; h < file->column_count && h < 40; h++)
            tn_strbuf_printf(&expected, "%s\"%s\"", h ? ", " : "", file->columns[h]);
        if (file->column_count > 40)
            tn_strbuf_printf(&expected, " and %zu more", file->column_count - 40);
        ok = add_problem(db, t, k, source->format == TN_FILE_PARQUET ? -1 : 1, "header",
                         column->column, "missing column", tn_strbuf_cstr(&expected), err);
        tn_strbuf_free(&expected);
    }
    return ok;
}

/* ---- reading the files ---------------------------------------------------------------------- */

static bool record_file_problem(tn_db *db, int t, int k, const tn_load_file *file, tn_error *err) {
    const char *kind = strncmp(file->problem, "no such file", 12) == 0 ? "missing file"
                       : file->header_problem                    ? "empty file"
                                                                 : "unreadable file";
    return add_problem(db, t, k, file->header_problem ? 1 : -1, "(file)", "", kind, file->problem,
                       err);
}

static bool create_load_table(tn_raw_load *load, tn_db *db, int t, size_t k,
                              const tn_load_file *file, bool structured, tn_error *err) {
    tn_strbuf sql = TN_STRBUF_INIT;
    tn_load_sql_create(&load->contract->tables[t], &load->mapping->tables[t], t, k, file,
                       structured, &sql);
    bool ok = tn_db_exec(db, tn_strbuf_cstr(&sql), err);
    tn_strbuf_free(&sql);
    return ok;
}

/*
 * A file's load table. JSON lines are first read structured (fast); if any
 * line is not what that reader wants, the file is read again line by line,
 * so each bad line is found and reported with its number.
 */
static bool read_into_table(tn_raw_load *load, tn_db *db, int t, size_t k,
                            const tn_load_file *file, tn_error *err) {
    const tn_table_source *source = &load->mapping->tables[t];
    if (source->format == TN_FILE_JSONL &&
        tn_load_sql_json_structured(&load->contract->tables[t], source)) {
        tn_error ignored;
        if (create_load_table(load, db, t, k, file, true, &ignored))
            return true;
    }
    return create_load_table(load, db, t, k, file, false, err);
}

/* One file: its checks, then its load table; a DuckDB failure to read it is its problem. */
static bool read_file(tn_raw_load *load, tn_db *db, int t, size_t k, bool table_usable,
                      tn_error *err) {
    const tn_contract_table *table = &load->contract->tables[t];
    const tn_table_source *source = &load->mapping->tables[t];
    tn_load_file *file = &load->sets[t].files[k];
    if (!add_file_row(db, t, (int)k, file->display, tn_file_format_name(source->format),
                      file->column_count, err))
        return false;
    if (file->problem != NULL)
        return record_file_problem(db, t, (int)k, file, err);
    bool usable = table_usable;
    bool ok = (source->strict_header
                   ? check_strict_header(db, t, table, source, file, (int)k, &usable, err)
                   : check_mapped_columns(db, t, table, source, file, (int)k, &usable, err)) &&
              check_expressions(load, db, t, file, &usable, err);
    if (!ok || !usable)
        return ok;
    tn_error read_error;
    tn_error_clear(&read_error);
    if (read_into_table(load, db, t, k, file, &read_error)) {
        file->loaded = true;
        load->summary.files++;
        return true;
    }
    if (read_error.code != TN_ERR_DB)
        return tn_error_set(err, read_error.code, "%s", read_error.message);
    return add_problem(db, t, (int)k, -1, "(file)", "", "unreadable file", read_error.message, err);
}

/* A JSON path the mapping names that no record of the file has. */
static bool check_json_paths(tn_raw_load *load, tn_db *db, int t, size_t k, tn_error *err) {
    const tn_contract_table *table = &load->contract->tables[t];
    const tn_table_source *source = &load->mapping->tables[t];
    bool ok = true;
    for (int c = 0; ok && c < table->column_count; c++) {
        const tn_column_source *column = &source->columns[c];
        if (!column->mapped || column->sql != NULL)
            continue;
        char sql[512];
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM tn_load_%d_%zu WHERE \"%s\" IS NOT NULL%s%s%s", t, k,
                 table->columns[c].name, tn_load_sql_is_parsed(table->columns[c].kind) ? " OR \"" : "",
                 tn_load_sql_is_parsed(table->columns[c].kind) ? table->columns[c].name : "",
                 tn_load_sql_is_parsed(table->columns[c].kind) ? "__bad\" IS NOT NULL" : "");
        uint64_t values = 0, rows = 0;
        char count_sql[128];
        snprintf(count_sql, sizeof count_sql,
                 "SELECT count(*) FROM tn_load_%d_%zu WHERE NOT _invalid", t, k);
        ok = query_count(db, sql, &values, err) && query_count(db, count_sql, &rows, err);
        if (ok && rows > 0 && values == 0) {
            tn_strbuf expected = TN_STRBUF_INIT;
            tn_strbuf_printf(&expected,
                             "a value at %s in some record (the mapping's %s.columns.%s): no "
                             "record of the file has one",
                             column->column, table->name, table->columns[c].name);
            ok = add_problem(db, t, (int)k, -1, table->columns[c].name, column->column,
                             "missing column", tn_strbuf_cstr(&expected), err);
            tn_strbuf_free(&expected);
        }
    }
    return ok;
}

/* tn_load_<table>: every loaded file of the table, or the empty table when none loaded. */
static bool create_table_view(tn_raw_load *load, tn_db *db, int t, tn_error *err) {
    const tn_load_file_set *set = &load->sets[t];
    tn_strbuf sql = TN_STRBUF_INIT;
    bool any = false;
    tn_strbuf_printf(&sql, "CREATE OR REPLACE TEMP VIEW tn_load_%s AS ", table_name(t));
    for (size_t k = 0; k < set->count; k++) {
        if (!set->files[k].loaded)
            continue;
        tn_strbuf_printf(&sql, "%sSELECT %zu AS _file, rowid AS _row, * FROM tn_load_%d_%zu "
                               "WHERE NOT _invalid",
                         any ? " UNION ALL " : "", k, t, k);
        any = true;
    }
    if (!any)
        tn_strbuf_printf(&sql, "SELECT %zu AS _file, rowid AS _row, * FROM tn_load_%d_%zu",
                         set->count, t, set->count);
    bool ok = tn_db_exec(db, tn_strbuf_cstr(&sql), err);
    tn_strbuf_free(&sql);
    return ok;
}

/* A table none of whose files could be read gets one empty load table, index = file count. */
static bool create_empty_if_none(tn_raw_load *load, tn_db *db, int t, tn_error *err) {
    const tn_load_file_set *set = &load->sets[t];
    for (size_t k = 0; k < set->count; k++) {
        if (set->files[k].loaded)
            return true;
    }
    return create_load_table(load, db, t, set->count, NULL, false, err);
}

static bool read_table(tn_raw_load *load, tn_db *db, int t, tn_error *err) {
    const tn_table_source *source = &load->mapping->tables[t];
    tn_load_file_set *set = &load->sets[t];
    bool usable = true;
    bool ok = !source->present ||
              (tn_load_files_find(db, load->mapping->base_dir, source, set, err) &&
               check_zones(load, db, t, &usable, err));
    if (ok && set->problem != NULL) {
        char expected[4200];
        snprintf(expected, sizeof expected, "a file that matches it, in %s",
                 load->mapping->base_dir);
        ok = add_problem(db, t, MAPPING_FILE, source->line, "files", set->problem,
                         "missing file", expected, err);
    }
    for (size_t k = 0; ok && k < set->count; k++) {
        ok = read_file(load, db, t, k, usable, err);
        if (ok && set->files[k].loaded && source->format == TN_FILE_JSONL)
            ok = check_json_paths(load, db, t, k, err);
    }
    return ok && create_empty_if_none(load, db, t, err) && create_table_view(load, db, t, err);
}

/* tn_rejects: DuckDB's rejected records of every file it read as CSV. */
static bool create_rejects_view(tn_raw_load *load, tn_db *db, tn_error *err) {
    tn_strbuf sql = TN_STRBUF_INIT;
    tn_strbuf_puts(&sql, "CREATE OR REPLACE TEMP VIEW tn_rejects AS SELECT NULL::VARCHAR AS "
                         "table_name, NULL::INTEGER AS file_index, NULL::BIGINT AS line, "
                         "NULL::VARCHAR AS column_name, NULL::VARCHAR AS error_type, "
                         "NULL::VARCHAR AS csv_line, NULL::VARCHAR AS error_message WHERE false");
    bool ok = true;
    for (int t = 0; ok && t < TN_RAW_TABLE_COUNT; t++) {
        for (size_t k = 0; ok && k < load->sets[t].count; k++) {
            if (!load->sets[t].files[k].loaded ||
                load->mapping->tables[t].format == TN_FILE_PARQUET)
                continue;
            char exists_sql[256];
            uint64_t exists = 0;
            snprintf(exists_sql, sizeof exists_sql,
                     "SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = "
                     "'tn_rejects_%d_%zu'",
                     t, k);
            ok = query_count(db, exists_sql, &exists, err);
            if (ok && exists)
                tn_strbuf_printf(&sql,
                                 " UNION ALL SELECT '%s', %zu, line, column_name, "
                                 "CAST(error_type AS VARCHAR), csv_line, error_message FROM "
                                 "tn_rejects_%d_%zu",
                                 table_name(t), k, t, k);
        }
    }
    ok = ok && tn_db_exec(db, tn_strbuf_cstr(&sql), err);
    tn_strbuf_free(&sql);
    return ok;
}

/* ---- value maps ------------------------------------------------------------------------------ */

static void add_rule_row(tn_strbuf *sql, const char *table, const char *column, int priority,
                         const char *pattern, bool glob, const char *value) {
    tn_strbuf_puts(sql, ", (");
    tn_load_sql_string(sql, table);
    tn_strbuf_puts(sql, ", ");
    tn_load_sql_string(sql, column);
    tn_strbuf_printf(sql, ", %d, ", priority);
    tn_load_sql_string(sql, pattern);
    tn_strbuf_printf(sql, ", %s, ", glob ? "true" : "false");
    tn_load_sql_string(sql, value);
    tn_strbuf_puts(sql, ")");
}

/* The rules of one table: the mapping's, the contract's own values, the catch-all. */
static void table_rules(const tn_contract_table *table, const tn_table_source *source,
                        tn_strbuf *sql) {
    for (size_t r = 0; r < source->rule_count; r++) {
        const tn_value_rule *rule = &source->rules[r];
        add_rule_row(sql, table->name, table->columns[rule->column].name,
                     rule->glob ? 1000 + (int)r : 1, rule->pattern, rule->glob, rule->value);
    }
    for (int c = 0; c < table->column_count; c++) {
        const tn_contract_column *column = &table->columns[c];
        if (column->kind != TN_KIND_CATEGORY)
            continue;
        for (int a = 0; a < column->accepted_count; a++)
            add_rule_row(sql, table->name, column->name, 2, column->accepted[a], false,
                         column->accepted[a]);
        if (strcmp(column->name, "event_type") == 0 && source->unmapped_usage)
            add_rule_row(sql, table->name, column->name, 1000000, "*", true, "other");
    }
}

static bool build_value_map(tn_raw_load *load, tn_db *db, tn_error *err) {
    tn_strbuf rules = TN_STRBUF_INIT, sources = TN_STRBUF_INIT;
    tn_strbuf_puts(&rules, "INSERT INTO tn_value_rules VALUES ('', '', 0, '', false, '')");
    for (int t = 0; t < TN_RAW_TABLE_COUNT; t++) {
        const tn_contract_table *table = &load->contract->tables[t];
        table_rules(table, &load->mapping->tables[t], &rules);
        for (int c = 0; c < table->column_count; c++) {
            if (table->columns[c].kind != TN_KIND_CATEGORY)
                continue;
            tn_strbuf_printf(&sources,
                             "INSERT INTO tn_value_sources SELECT '%s', '%s', \"%s\", count(*) "
                             "FROM tn_load_%s WHERE \"%s\" IS NOT NULL GROUP BY 3;\n",
                             table->name, table->columns[c].name, table->columns[c].name,
                             table->name, table->columns[c].name);
        }
    }
    bool ok = tn_db_exec(db, tn_strbuf_cstr(&rules), err) &&
              tn_db_exec(db, tn_strbuf_cstr(&sources), err) &&
              tn_db_exec(db, tn_embedded_text("sql/load/value_map.sql"), err);
    tn_strbuf_free(&rules);
    tn_strbuf_free(&sources);
    return ok;
}

/* ---- each value's problems ----------------------------------------------------------------- */

/* INSERT INTO tn_problems ... SELECT (the caller appends FROM and WHERE); SQL expressions. */
static void select_problem(tn_strbuf *sql, const char *table, const char *column,
                           const char *value_sql, const char *kind_sql, const char *expected_sql) {
    tn_strbuf_printf(sql,
                     "INSERT INTO tn_problems (table_name, file_index, row_index, column_name, "
                     "value, kind, expected) SELECT '%s', _file, _row, '%s', %s, %s, %s",
                     table, column, value_sql, kind_sql, expected_sql);
}

static void sql_literal(char *out, size_t size, const char *text) {
    tn_strbuf quoted = TN_STRBUF_INIT;
    tn_load_sql_string(&quoted, text);
    snprintf(out, size, "%s", tn_strbuf_cstr(&quoted));
    tn_strbuf_free(&quoted);
}

/* Source text that parses as a number, but would have to be rounded to fit. */
static const char *rounded_text(tn_column_kind kind) {
    switch (kind) {
    case TN_KIND_MONEY:
        return "an amount with at most 2 decimals: Tenure keeps amounts exact and does not round";
    case TN_KIND_HOURS:
        return "a whole number of hours: Tenure does not round";
    default:
        return "a whole number: Tenure does not round";
    }
}

static void parse_problems(const tn_contract_table *table, const tn_table_source *source, int c,
                           tn_strbuf *sql) {
    const tn_contract_column *column = &table->columns[c];
    char bad[64], kind[256], expected_sql[1024], expected_literal[512], rounded_literal[256];
    snprintf(bad, sizeof bad, "\"%s__bad\"", column->name);
    tn_strbuf expected = TN_STRBUF_INIT;
    tn_load_sql_expected(column, &source->columns[c], source, &expected);
    sql_literal(expected_literal, sizeof expected_literal, tn_strbuf_cstr(&expected));
    tn_strbuf_free(&expected);
    if (column->kind == TN_KIND_MONEY || column->kind == TN_KIND_HOURS ||
        column->kind == TN_KIND_COUNT) {
        char number[128];
        snprintf(number, sizeof number, "tn_number_text(%s, '%c') IS NOT NULL", bad,
                 tn_load_sql_decimal(&source->columns[c], source));
        sql_literal(rounded_literal, sizeof rounded_literal, rounded_text(column->kind));
        snprintf(kind, sizeof kind,
                 "CASE WHEN %s THEN 'would be rounded' ELSE 'unparseable value' END", number);
        snprintf(expected_sql, sizeof expected_sql, "CASE WHEN %s THEN %s ELSE %s END", number,
                 rounded_literal, expected_literal);
    } else {
        snprintf(kind, sizeof kind, "'unparseable value'");
        snprintf(expected_sql, sizeof expected_sql, "%s", expected_literal);
    }
    select_problem(sql, table->name, column->name, bad, kind, expected_sql);
    tn_strbuf_printf(sql, " FROM tn_load_%s WHERE %s IS NOT NULL;\n", table->name, bad);
}

static void domain_problems(const tn_contract_table *table, const tn_table_source *source, int c,
                            tn_strbuf *sql) {
    const tn_contract_column *column = &table->columns[c];
    tn_strbuf expected = TN_STRBUF_INIT;
    bool mapped = false;
    for (size_t r = 0; r < source->rule_count; r++)
        mapped = mapped || source->rules[r].column == c;
    if (strcmp(column->name, "event_type") == 0 && mapped) {
        tn_strbuf_puts(&expected, "an event name the mapping gives a role (usage_events.events; "
                                  "unmapped_events is refuse)");
    } else {
        tn_strbuf_puts(&expected, "one of ");
        for (int a = 0; a < column->accepted_count; a++)
            tn_strbuf_printf(&expected, "%s%s", a ? ", " : "", column->accepted[a]);
        if (mapped)
            tn_strbuf_printf(&expected, ", or a value the mapping's %s.values.%s names",
                             table->name, column->name);
    }
    char value[64], literal[1024];
    snprintf(value, sizeof value, "l.\"%s\"", column->name);
    sql_literal(literal, sizeof literal, tn_strbuf_cstr(&expected));
    select_problem(sql, table->name, column->name, value, "'value outside the domain'", literal);
    tn_strbuf_printf(sql,
                     " FROM tn_load_%s AS l JOIN (SELECT source FROM tn_value_map WHERE "
                     "table_name = '%s' AND column_name = '%s' AND value IS NULL) AS u ON "
                     "u.source = l.\"%s\";\n",
                     table->name, table->name, column->name, column->name);
    tn_strbuf_free(&expected);
}

static void missing_problems(const tn_contract_table *table, int c, tn_strbuf *sql) {
    const tn_contract_column *column = &table->columns[c];
    tn_strbuf expected = TN_STRBUF_INIT;
    char literal[512];
    tn_strbuf_printf(&expected, "a %s: %s", column->name, column->description);
    sql_literal(literal, sizeof literal, tn_strbuf_cstr(&expected));
    tn_strbuf_free(&expected);
    select_problem(sql, table->name, column->name, "''", "'missing value'", literal);
    tn_strbuf_printf(sql, " FROM tn_load_%s WHERE \"%s\" IS NULL", table->name, column->name);
    if (tn_load_sql_is_parsed(column->kind))
        tn_strbuf_printf(sql, " AND \"%s__bad\" IS NULL", column->name);
    tn_strbuf_puts(sql, ";\n");
}

static void range_problems(const tn_contract_table *table, int c, tn_strbuf *sql) {
    const tn_contract_column *column = &table->columns[c];
    bool score = column->kind == TN_KIND_SCORE;
    char value[96], expected[96];
    snprintf(value, sizeof value, "CAST(\"%s\" AS VARCHAR)", column->name);
    if (score)
        snprintf(expected, sizeof expected, "'a score from 0 to 1'");
    else
        snprintf(expected, sizeof expected, "'%s of 0 or more'", column->name);
    select_problem(sql, table->name, column->name, value, "'value out of range'", expected);
    if (score)
        tn_strbuf_printf(sql, " FROM tn_load_%s WHERE NOT (\"%s\" BETWEEN 0 AND 1);\n",
                         table->name, column->name);
    else
        tn_strbuf_printf(sql, " FROM tn_load_%s WHERE \"%s\" < 0;\n", table->name, column->name);
}

static void control_problems(const tn_contract_table *table, int c, tn_strbuf *sql) {
    const char *name = table->columns[c].name;
    char value[96];
    snprintf(value, sizeof value, "replace(\"%s\", chr(0), '\\0')", name);
    select_problem(sql, table->name, name, value, "'control character'",
                   "'text without NUL bytes'");
    tn_strbuf_printf(sql, " FROM tn_load_%s WHERE contains(\"%s\", chr(0));\n", table->name, name);
}

static void value_problems(const tn_contract_table *table, const tn_table_source *source, int c,
                           tn_strbuf *sql) {
    const tn_contract_column *column = &table->columns[c];
    if (tn_load_sql_is_parsed(column->kind))
        parse_problems(table, source, c, sql);
    else
        control_problems(table, c, sql);
    if (column->required)
        missing_problems(table, c, sql);
    if (column->kind == TN_KIND_CATEGORY)
        domain_problems(table, source, c, sql);
    if (tn_column_kind_is_number(column->kind))
        range_problems(table, c, sql);
}

static bool find_value_problems(tn_raw_load *load, tn_db *db, tn_error *err) {
    tn_strbuf sql = TN_STRBUF_INIT;
    for (int t = 0; t < TN_RAW_TABLE_COUNT; t++) {
        const tn_contract_table *table = &load->contract->tables[t];
        for (int c = 0; c < table->column_count; c++)
            value_problems(table, &load->mapping->tables[t], c, &sql);
        for (size_t k = 0; k < load->sets[t].count; k++) {
            if (load->sets[t].files[k].loaded && load->mapping->tables[t].format == TN_FILE_JSONL)
                tn_strbuf_printf(&sql,
                                 "INSERT INTO tn_problems (table_name, file_index, row_index, "
                                 "column_name, value, kind, expected) SELECT '%s', %zu, rowid, "
                                 "'(whole record)', '', 'not valid JSON', 'a JSON object on one "
                                 "line' FROM tn_load_%d_%zu WHERE _invalid;\n",
                                 table->name, k, t, k);
        }
    }
    bool ok = tn_db_exec(db, tn_strbuf_cstr(&sql), err);
    tn_strbuf_free(&sql);
    return ok;
}

/*
 * The __bad text columns have served once each value's problems are
 * found; dropping them before the other checks and the commit keeps the
 * load's memory down (they hold an entry for every row).
 */
static bool drop_bad_columns(tn_raw_load *load, tn_db *db, tn_error *err) {
    tn_strbuf sql = TN_STRBUF_INIT;
    for (int t = 0; t < TN_RAW_TABLE_COUNT; t++) {
        const tn_contract_table *table = &load->contract->tables[t];
        size_t files = load->sets[t].count;
        bool any_loaded = false;
        for (size_t k = 0; k <= files; k++) {
            bool loaded = k < files ? load->sets[t].files[k].loaded : !any_loaded;
            any_loaded = any_loaded || loaded;
            for (int c = 0; loaded && c < table->column_count; c++) {
                if (tn_load_sql_is_parsed(table->columns[c].kind))
                    tn_strbuf_printf(&sql, "ALTER TABLE tn_load_%d_%zu DROP COLUMN \"%s__bad\";\n",
                                     t, k, table->columns[c].name);
            }
        }
    }
    bool ok = sql.length == 0 || tn_db_exec(db, tn_strbuf_cstr(&sql), err);
    for (int t = 0; ok && t < TN_RAW_TABLE_COUNT; t++)
        ok = create_table_view(load, db, t, err); /* the views name the columns they were made with */
    tn_strbuf_free(&sql);
    return ok;
}

/* ---- lines ----------------------------------------------------------------------------------- */

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
        ok = duckdb_append_varchar(appender, table_name(t)) == DuckDBSuccess &&
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
static bool locate_file(tn_raw_load *load, tn_db *db, int t, size_t k, tn_error *err) {
    const tn_load_file *file = &load->sets[t].files[k];
    char sql[512];
    size_t rejected_count = 0, lookup_count = 0;
    snprintf(sql, sizeof sql,
             "SELECT DISTINCT line FROM tn_rejects WHERE table_name = '%s' AND file_index = %zu "
             "ORDER BY 1",
             table_name(t), k);
    int64_t *rejected = query_numbers(db, sql, 1, &rejected_count, err);
    snprintf(sql, sizeof sql,
             "SELECT DISTINCT row_index, duckdb_line FROM tn_problems WHERE table_name = '%s' "
             "AND file_index = %zu AND (row_index IS NOT NULL OR duckdb_line IS NOT NULL)",
             table_name(t), k);
    int64_t *pairs = rejected != NULL ? query_numbers(db, sql, 2, &lookup_count, err) : NULL;
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
         query_count(db, sql, &accepted, err);
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

static bool locate_problems(tn_raw_load *load, tn_db *db, tn_error *err) {
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
                     table_name(t), k);
            ok = query_count(db, sql, &count, err);
            if (!ok || count == 0)
                continue;
            if (load->mapping->tables[t].format == TN_FILE_PARQUET) {
                snprintf(sql, sizeof sql,
                         "UPDATE tn_problems SET line = row_index + 1 WHERE table_name = '%s' AND "
                         "file_index = %zu",
                         table_name(t), k);
                ok = tn_db_exec(db, sql, err);
            } else {
                ok = locate_file(load, db, t, k, err);
            }
        }
    }
    return ok && tn_db_exec(db, tn_embedded_text("sql/load/locate.sql"), err);
}

/* ---- the whole stage ------------------------------------------------------------------------- */

static bool count_summary(tn_raw_load *load, tn_db *db, tn_error *err) {
    tn_load_summary *s = &load->summary;
    bool ok = query_count(db, "SELECT count(*) FROM tn_problems WHERE NOT consequence",
                          &s->problems, err) &&
              query_count(db, "SELECT count(*) FROM tn_problems WHERE consequence",
                          &s->consequences, err) &&
              query_count(db,
                          "SELECT count(DISTINCT (table_name, file_index, coalesce(row_index, -1), "
                          "coalesce(duckdb_line, -1))) FROM tn_problems WHERE row_index IS NOT "
                          "NULL OR duckdb_line IS NOT NULL",
                          &s->rejected_rows, err);
    for (int t = 0; ok && t < TN_RAW_TABLE_COUNT; t++) {
        char sql[256];
        uint64_t rejected = 0, rows = 0;
        snprintf(sql, sizeof sql,
                 "SELECT count(DISTINCT (file_index, line)) FROM tn_rejects WHERE table_name = "
                 "'%s'",
                 table_name(t));
        ok = query_count(db, sql, &rejected, err);
        for (size_t k = 0; ok && k < load->sets[t].count; k++) {
            if (!load->sets[t].files[k].loaded)
                continue;
            uint64_t file_rows = 0;
            snprintf(sql, sizeof sql, "SELECT count(*) FROM tn_load_%d_%zu", t, k);
            ok = query_count(db, sql, &file_rows, err);
            rows += file_rows;
        }
        s->rows_read[t] = rows + rejected;
    }
    return ok;
}

bool tn_raw_load_stage(tn_raw_load *load, tn_db *db, const tn_load_limits *limits,
                       tn_load_step step, void *context, tn_error *err) {
    memset(&load->summary, 0, sizeof load->summary);
    bool ok = set_up(load, db, limits, err);
    for (int t = 0; ok && t < TN_RAW_TABLE_COUNT; t++) {
        char what[96];
        snprintf(what, sizeof what, "reading %s", table_name(t));
        if (step != NULL)
            step(context, what);
        ok = read_table(load, db, t, err);
    }
    if (ok && step != NULL)
        step(context, "checking the rows");
    ok = ok && create_rejects_view(load, db, err) && build_value_map(load, db, err) &&
         find_value_problems(load, db, err) && drop_bad_columns(load, db, err) &&
         tn_db_exec(db, tn_embedded_text("sql/load/problems.sql"), err) &&
         count_summary(load, db, err);
    if (ok && load->summary.problems + load->summary.consequences > 0) {
        if (step != NULL)
            step(context, "finding the lines of the problems");
        ok = locate_problems(load, db, err);
    }
    return ok;
}

/* ---- the report ------------------------------------------------------------------------------ */

/* A value as one short line: control characters shown, at most 80 bytes. */
static void put_value(FILE *out, const char *value) {
    size_t shown = 0;
    for (const char *c = value; *c != '\0'; c++) {
        if (shown >= 80) {
            fputs("...", out);
            break;
        }
        if (*c == '\n')
            fputs("\\n", out);
        else if (*c == '\r')
            fputs("\\r", out);
        else if ((unsigned char)*c < 0x20)
            fprintf(out, "\\x%02x", (unsigned char)*c);
        else
            fputc(*c, out);
        shown++;
    }
}

/* The kinds of one file (or, with file_index < -1, of all files) as "2 a, 1 b". */
static void put_kinds(FILE *out, const char *cells, size_t rows, const char *table_order,
                      const char *file_index) {
    const char *cell = cells;
    bool first = true;
    for (size_t r = 0; r < rows; r++) {
        const char *fields[4];
        for (int f = 0; f < 4; f++) {
            fields[f] = cell;
            cell += strlen(cell) + 1;
        }
        if (strcmp(fields[0], table_order) != 0 || strcmp(fields[1], file_index) != 0)
            continue;
        fprintf(out, "%s%s %s", first ? "" : ", ", fields[3], fields[2]);
        first = false;
    }
}

/* One file's header line: "crm/opps.csv: 3 problems; 12 rows of rejected customers". */
static void put_file_header(FILE *out, const char *display, const char *own,
                            const char *consequences) {
    long problems = strtol(own, NULL, 10), refused = strtol(consequences, NULL, 10);
    fprintf(out, "%s: ", display);
    if (problems > 0)
        fprintf(out, "%ld problem%s", problems, problems == 1 ? "" : "s");
    if (refused > 0)
        fprintf(out, "%s%ld row%s of rejected customers", problems > 0 ? "; " : "", refused,
                refused == 1 ? "" : "s");
    fputc('\n', out);
}

bool tn_raw_load_report(tn_raw_load *load, tn_db *db, int per_file, FILE *out, tn_error *err) {
    (void)load;
    char sql[128];
    snprintf(sql, sizeof sql, "CREATE OR REPLACE TEMP TABLE tn_report_params AS SELECT %d AS per_file",
             per_file);
    tn_strbuf problems = TN_STRBUF_INIT, kinds = TN_STRBUF_INIT;
    size_t problem_rows = 0, kind_rows = 0;
    bool ok = tn_db_exec(db, sql, err) &&
              query_text(db, tn_embedded_text("sql/load/report.sql"), &problems, &problem_rows, 9,
                         err) &&
              query_text(db, tn_embedded_text("sql/load/report_kinds.sql"), &kinds, &kind_rows, 4,
                         err);
    const char *cell = problems.data;
    char current[64] = "";
    for (size_t r = 0; ok && r < problem_rows; r++) {
        const char *f[9];
        for (int i = 0; i < 9; i++) {
            f[i] = cell;
            cell += strlen(cell) + 1;
        }
        char key[64];
        snprintf(key, sizeof key, "%s/%s", f[0], f[1]);
        if (strcmp(key, current) != 0) {
            if (current[0] != '\0') {
                const char *slash = strchr(current, '/');
                char order[16];
                snprintf(order, sizeof order, "%.*s", (int)(slash - current), current);
                fputs("  by kind: ", out);
                put_kinds(out, kinds.data, kind_rows, order, slash + 1);
                fputc('\n', out);
            }
            snprintf(current, sizeof current, "%s", key);
            put_file_header(out, f[2], f[7], f[8]);
        }
        if (strcmp(f[4], "(file)") == 0) { /* the file as a whole */
            fprintf(out, "  %s%s%s: %s\n", f[2], f[3][0] ? ":" : "", f[3], f[6]);
            continue;
        }
        if (f[3][0] == '\0') /* a problem of the file, not of a row */
            fprintf(out, "  %s: %s: '", f[2], f[4]);
        else
            fprintf(out, "  %s:%s: %s: '", f[2], f[3], f[4]);
        put_value(out, f[5]);
        fprintf(out, "' — expected %s\n", f[6]);
    }
    if (ok && current[0] != '\0') {
        const char *slash = strchr(current, '/');
        char order[16];
        snprintf(order, sizeof order, "%.*s", (int)(slash - current), current);
        fputs("  by kind: ", out);
        put_kinds(out, kinds.data, kind_rows, order, slash + 1);
        fputc('\n', out);
        fputs("problems by kind: ", out);
        put_kinds(out, kinds.data, kind_rows, "", "");
        fputc('\n', out);
    }
    tn_strbuf_free(&problems);
    tn_strbuf_free(&kinds);
    return ok;
}

/* ---- commit ---------------------------------------------------------------------------------- */

/* Whether a categorical column's value map changes nothing (the source holds contract values). */
static bool identity_map(tn_db *db, const char *table, const char *column, bool *identity,
                         tn_error *err) {
    char sql[320];
    uint64_t changed = 0;
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM tn_value_map WHERE table_name = '%s' AND column_name = '%s' "
             "AND value IS DISTINCT FROM source",
             table, column);
    bool ok = query_count(db, sql, &changed, err);
    *identity = ok && changed == 0;
    return ok;
}

/*
 * INSERT INTO raw.<table> of the rows without problems, categorical values
 * through their value maps. The common case of clean canonical files skips
 * both the problem check and the maps, so loading them costs no more than
 * copying.
 */
static bool insert_statement(tn_db *db, const tn_contract_table *table, tn_strbuf *sql,
                             tn_error *err) {
    char count_sql[160];
    uint64_t problems = 0;
    snprintf(count_sql, sizeof count_sql,
             "SELECT count(*) FROM tn_problems WHERE table_name = '%s' AND row_index IS NOT NULL",
             table->name);
    bool mapped[TN_CONTRACT_MAX_COLUMNS] = {false};
    bool ok = query_count(db, count_sql, &problems, err);
    for (int c = 0; ok && c < table->column_count; c++) {
        bool identity = true;
        if (table->columns[c].kind == TN_KIND_CATEGORY)
            ok = identity_map(db, table->name, table->columns[c].name, &identity, err);
        mapped[c] = !identity;
    }
    tn_strbuf_printf(sql, "INSERT INTO raw.%s (", table->name);
    for (int c = 0; c < table->column_count; c++) {
        if (c > 0)
            tn_strbuf_puts(sql, ", ");
        tn_load_sql_ident(sql, table->columns[c].name);
    }
    tn_strbuf_puts(sql, ") SELECT ");
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
    if (problems > 0)
        tn_strbuf_printf(sql,
                         " WHERE NOT EXISTS (SELECT 1 FROM tn_problems AS p WHERE p.table_name = "
                         "'%s' AND p.file_index = l._file AND p.row_index = l._row)",
                         table->name);
    tn_strbuf_puts(sql, ";\n");
    return ok;
}

bool tn_raw_load_commit(tn_raw_load *load, tn_db *db, tn_error *err) {
    tn_strbuf sql = TN_STRBUF_INIT;
    bool ok = true;
    for (int t = 0; ok && t < TN_RAW_TABLE_COUNT; t++)
        ok = insert_statement(db, &load->contract->tables[t], &sql, err);
    ok = ok && tn_db_exec(db, tn_strbuf_cstr(&sql), err) &&
              tn_db_exec(db, tn_embedded_text("sql/load/commit.sql"), err);
    tn_strbuf_free(&sql);
    return ok;
}
