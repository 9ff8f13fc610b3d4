/*
 * raw_load.c — loading and checking a company's exports (see raw_load.h).
 *
 * Names used in SQL: tn_scratch.tn_load_<t>_<k> is file k of table t (t
 * indexes tn_raw_tables; load_state.h), in the load's scratch database;
 * tn_load_<table> the view over all files of a table (with
 * _file and _row), tn_rejects the view over DuckDB's rejects of every file.
 * File index -1 stands for the project file itself, where the problems of
 * the mapping are reported.
 */
#include "warehouse/raw_load.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/embedded.h"
#include "common/file.h"
#include "common/strbuf.h"
#include "warehouse/event_keys.h"
#include "warehouse/load_checks.h"
#include "warehouse/load_commit.h"
#include "warehouse/load_files.h"
#include "warehouse/load_lines.h"
#include "warehouse/load_report.h"
#include "warehouse/load_sql.h"
#include "warehouse/load_state.h"
#include "warehouse/query.h"
#include "warehouse/shared_hashes.h"
#include "warehouse/template.h"

struct tn_raw_load {
    tn_load_state state;
    tn_load_summary summary;
};

enum { MAPPING_FILE = -1 };

tn_raw_load *tn_raw_load_create(const tn_contract *contract, const tn_mapping *mapping,
                                bool increment) {
    tn_raw_load *load = calloc(1, sizeof *load);
    if (load != NULL) {
        load->state.contract = contract;
        load->state.mapping = mapping;
        load->state.increment = increment;
    }
    return load;
}

void tn_raw_load_destroy(tn_raw_load *load) {
    if (load == NULL)
        return;
    for (int t = 0; t < TN_RAW_TABLE_COUNT; t++)
        tn_load_files_free(&load->state.sets[t]);
    free(load);
}

const tn_load_summary *tn_raw_load_summary(const tn_raw_load *load) {
    return &load->summary;
}

static const char *table_name(int t) {
    return tn_raw_tables[t];
}

/* ---- recording problems and files ------------------------------------------------------------ */

/* One problem found outside SQL (a file, a header, the mapping); line < 0 when none. */
static bool add_problem(tn_db *db, int t, int file_index, long line, const char *column,
                        const char *value, const char *kind, const char *expected, tn_error *err) {
    char index_text[16], line_text[24];
    snprintf(index_text, sizeof index_text, "%d", file_index);
    snprintf(line_text, sizeof line_text, "%ld", line);
    /* DuckDB's messages end with an echo of the statement ("\n\nLINE 1: ..."): not for people */
    tn_strbuf reason = TN_STRBUF_INIT;
    const char *echo = strstr(expected, "\n\nLINE ");
    bool ok = tn_strbuf_append(&reason, expected,
                               echo != NULL ? (size_t)(echo - expected) : strlen(expected)) ||
              tn_error_set(err, TN_ERR_NOMEM, "out of memory recording a problem");
    const char *params[] = {table_name(t), index_text, line >= 0 ? line_text : NULL, column,
                            value,         kind,       tn_strbuf_cstr(&reason)};
    ok = ok && tn_db_exec_params(db, tn_embedded_text("sql/load/add_problem.sql"), params, 7, err);
    tn_strbuf_free(&reason);
    return ok;
}

static bool add_file_row(tn_db *db, int t, int file_index, const char *display, const char *format,
                         size_t columns, tn_error *err) {
    char index_text[16], columns_text[24];
    snprintf(index_text, sizeof index_text, "%d", file_index);
    snprintf(columns_text, sizeof columns_text, "%zu", columns);
    const char *params[] = {table_name(t), index_text, display, format, columns_text};
    return tn_db_exec_params(db, tn_embedded_text("sql/load/add_file.sql"), params, 5, err);
}

/* ---- setting up ------------------------------------------------------------------------------ */

static bool record_column_sources(tn_raw_load *load, tn_db *db, tn_error *err) {
    const char *sql = tn_embedded_text("sql/load/add_column_source.sql");
    const char *none[] = {"", "", NULL}; /* the table is never empty */
    bool ok = tn_db_exec_params(db, sql, none, 3, err);
    for (int t = 0; ok && t < TN_RAW_TABLE_COUNT; t++) {
        const tn_contract_table *table = &load->state.contract->tables[t];
        for (int c = 0; ok && c < table->column_count; c++) {
            const tn_column_source *column = &load->state.mapping->tables[t].columns[c];
            if (!column->mapped)
                continue;
            const char *params[] = {table->name, table->columns[c].name,
                                    column->sql != NULL ? "sql" : column->column};
            ok = tn_db_exec_params(db, sql, params, 3, err);
        }
    }
    return ok;
}

/*
 * The load's scratch database (sql/load/scratch.sql), a new file each time:
 * named with DuckDB's prefix for its temporary files, so that it is removed
 * with the spill directory even after a killed run (warehouse/spill.h).
 */
static bool attach_scratch(tn_db *db, tn_error *err) {
    char path[TN_FILE_PATH_MAX + 64], wal[sizeof path + 8];
    snprintf(path, sizeof path, "%s/duckdb_temp_tenure_load.duckdb", tn_db_spill_dir(db));
    snprintf(wal, sizeof wal, "%s.wal", path);
    if (!tn_db_exec(db, tn_embedded_text("sql/load/scratch_detach.sql"), err))
        return false;
    if ((unlink(path) != 0 && errno != ENOENT) || (unlink(wal) != 0 && errno != ENOENT))
        return tn_error_set(err, TN_ERR_IO, "%s: %s", path, strerror(errno));
    tn_strbuf quoted = TN_STRBUF_INIT, sql = TN_STRBUF_INIT;
    tn_load_sql_string(&quoted, path);
    const tn_template_var vars[] = {{"path", tn_strbuf_cstr(&quoted)}, {NULL, NULL}};
    bool ok = tn_template_render_file("sql/load/scratch.sql", vars, &sql, err) &&
              tn_db_exec(db, tn_strbuf_cstr(&sql), err);
    tn_strbuf_free(&quoted);
    tn_strbuf_free(&sql);
    return ok;
}

static bool set_up(tn_raw_load *load, tn_db *db, const tn_load_limits *limits, tn_error *err) {
    char today[TN_DATE_BUF], as_of[TN_DATE_BUF];
    const char *params[] = {tn_date_format(limits->today, today),
                            limits->as_of_given ? tn_date_format(limits->as_of, as_of) : NULL};
    if (!attach_scratch(db, err) || !tn_db_exec(db, tn_embedded_text("sql/load/setup.sql"), err) ||
        !tn_db_exec(db, tn_embedded_text("sql/load/parse.sql"), err) ||
        !tn_db_exec_params(db, tn_embedded_text("sql/load/params.sql"), params, 2, err) ||
        !record_column_sources(load, db, err))
        return false;
    const char *mapping_name =
        load->state.mapping->path != NULL ? load->state.mapping->path : "(built in)";
    for (int t = 0; t < TN_RAW_TABLE_COUNT; t++) {
        if (!add_file_row(db, t, MAPPING_FILE, mapping_name, "yaml", 0, err))
            return false;
    }
    return true;
}

/* ---- the mapping against the files ----------------------------------------------------------- */

/* Unknown time zones; false (with problems recorded) when the table cannot be read. */
static bool check_zones(tn_raw_load *load, tn_db *db, int t, bool *usable, tn_error *err) {
    const tn_contract_table *table = &load->state.contract->tables[t];
    const tn_table_source *source = &load->state.mapping->tables[t];
    *usable = true;
    for (int c = 0; c < table->column_count; c++) {
        if (table->columns[c].kind != TN_KIND_TIMESTAMP || !source->columns[c].mapped)
            continue;
        const char *zone = tn_load_sql_timezone(&source->columns[c], source);
        const char *params[] = {zone};
        tn_error ignored;
        if (!tn_db_exec_params(db, tn_embedded_text("sql/load/check_timezone.sql"), params, 1,
                               &ignored)) {
            *usable = false;
            char where[96];
            snprintf(where, sizeof where, "%s.timezone", table->columns[c].name);
            if (!add_problem(
                    db, t, MAPPING_FILE, source->columns[c].line, where, zone, "unknown time zone",
                    "a time zone name such as UTC, Europe/Berlin or America/New_York", err))
                return false;
        }
    }
    return true;
}

/*
 * Strptime patterns DuckDB cannot read ("%Q"): the load statement would
 * fail whole, so each is a problem at its column's line and the table is
 * not read.
 */
static bool check_formats(tn_raw_load *load, tn_db *db, int t, bool *usable, tn_error *err) {
    const tn_contract_table *table = &load->state.contract->tables[t];
    const tn_table_source *source = &load->state.mapping->tables[t];
    bool ok = true;
    for (int c = 0; ok && c < table->column_count; c++) {
        const tn_column_source *column = &source->columns[c];
        tn_strbuf patterns = TN_STRBUF_INIT, sql = TN_STRBUF_INIT;
        bool parsed = column->mapped && tn_mapping_time_patterns(column->format, &patterns);
        const tn_template_var vars[] = {{"patterns", tn_strbuf_cstr(&patterns)}, {NULL, NULL}};
        ok = !parsed || tn_template_render_file("sql/load/check_format.sql", vars, &sql, err);
        tn_error reason;
        tn_error_clear(&reason);
        if (ok && parsed && !tn_db_exec(db, tn_strbuf_cstr(&sql), &reason)) {
            *usable = false;
            char where[96], expected[TN_ERROR_MESSAGE_MAX + 64];
            snprintf(where, sizeof where, "%s.format", table->columns[c].name);
            snprintf(expected, sizeof expected, "a strptime pattern DuckDB reads: %s",
                     reason.message);
            ok = add_problem(db, t, MAPPING_FILE, column->line, where, column->format,
                             "unknown date format", expected, err);
        }
        tn_strbuf_free(&patterns);
        tn_strbuf_free(&sql);
    }
    return ok;
}

/* Each SQL expression of the mapping, bound against the file's columns. */
static bool check_expressions(tn_raw_load *load, tn_db *db, int t, const tn_load_file *file,
                              bool *usable, tn_error *err) {
    const tn_contract_table *table = &load->state.contract->tables[t];
    const tn_table_source *source = &load->state.mapping->tables[t];
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
            tn_strbuf_printf(&expected, "a SQL expression over the columns of %s: %s",
                             file->display, duckdb_prepare_error(statement));
            ok = add_problem(db, t, MAPPING_FILE, column->line, table->columns[c].name, column->sql,
                             "bad SQL expression", tn_strbuf_cstr(&expected), err);
            tn_strbuf_free(&expected);
        }
        duckdb_destroy_prepare(&statement);
        tn_strbuf_free(&sql);
    }
    return ok;
}

/* The built-in layout's header: the contract's columns, each once, nothing else. */
static bool check_strict_header(tn_db *db, int t, const tn_contract_table *table,
                                const tn_table_source *source, const tn_load_file *file, int k,
                                bool *usable, tn_error *err) {
    tn_strbuf missing = TN_STRBUF_INIT, unknown = TN_STRBUF_INIT, expected = TN_STRBUF_INIT;
    for (int c = 0; c < table->column_count; c++) {
        if (!source->columns[c].if_present && tn_load_file_column(file, table->columns[c].name) < 0)
            tn_strbuf_printf(&missing, "%s%s", missing.length ? ", " : "", table->columns[c].name);
        if (!table->columns[c].optional || strcmp(table->name, "customers") != 0)
            tn_strbuf_printf(&expected, "%s%s", expected.length ? "," : "", table->columns[c].name);
    }
    for (size_t h = 0; h < file->column_count; h++) {
        const char *name = file->columns[h];
        if (tn_contract_column_index(table, name) >= 0)
            continue;
        /* load_files.h renames a repeated column "name_2": say it was there twice */
        const char *suffix = strrchr(name, '_');
        bool repeated = h > 0 && suffix != NULL && suffix[1] >= '2' && suffix[1] <= '9';
        tn_strbuf_printf(&unknown, "%s%s%s", unknown.length ? ", " : "", name[0] ? name : "(empty)",
                         repeated ? " (twice)" : "");
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
        tn_strbuf_printf(&expected,
                         "a column named \"%s\" (the mapping's %s.columns.%s); the header has ",
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

/* ---- reading the files ----------------------------------------------------------------------- */

static bool record_file_problem(tn_db *db, int t, int k, const tn_load_file *file, tn_error *err) {
    return add_problem(db, t, k, file->header_problem ? 1 : -1, "(file)", "", file->problem_kind,
                       file->problem, err);
}

static bool create_load_table(tn_raw_load *load, tn_db *db, int t, size_t k,
                              const tn_load_file *file, bool structured, tn_error *err) {
    tn_strbuf sql = TN_STRBUF_INIT;
    tn_load_sql_create(&load->state.contract->tables[t], &load->state.mapping->tables[t], t, k,
                       file, structured, &sql);
    bool ok = tn_db_exec(db, tn_strbuf_cstr(&sql), err);
    tn_strbuf_free(&sql);
    return ok;
}

/*
 * A file's load table. JSON lines are first read structured (fast); if any
 * line is not what that reader wants, the file is read again line by line,
 * so each bad line is found and reported with its number.
 */
static bool read_into_table(tn_raw_load *load, tn_db *db, int t, size_t k, const tn_load_file *file,
                            tn_error *err) {
    const tn_table_source *source = &load->state.mapping->tables[t];
    if (source->format == TN_FILE_JSONL &&
        tn_load_sql_json_structured(&load->state.contract->tables[t], source)) {
        tn_error ignored;
        if (create_load_table(load, db, t, k, file, true, &ignored))
            return true;
    }
    return create_load_table(load, db, t, k, file, false, err);
}

/* One file: its checks, then its load table; a DuckDB failure to read it is its problem. */
static bool read_file(tn_raw_load *load, tn_db *db, int t, size_t k, bool table_usable,
                      tn_error *err) {
    const tn_contract_table *table = &load->state.contract->tables[t];
    const tn_table_source *source = &load->state.mapping->tables[t];
    tn_load_file *file = &load->state.sets[t].files[k];
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
    if (read_error.code != TN_ERR_DB) /* not the file's fault: out of memory, interrupted */
        return tn_error_set(err, read_error.code, "%s: %s", file->display, read_error.message);
    return add_problem(db, t, (int)k, -1, "(file)", "", "unreadable file", read_error.message, err);
}

/* A JSON path the mapping names that no record of the file has (one scan counts them all). */
static bool check_json_paths(tn_raw_load *load, tn_db *db, int t, size_t k, tn_error *err) {
    const tn_contract_table *table = &load->state.contract->tables[t];
    const tn_table_source *source = &load->state.mapping->tables[t];
    int paths[TN_CONTRACT_MAX_COLUMNS], path_count = 0;
    tn_strbuf sql = TN_STRBUF_INIT;
    tn_strbuf_puts(&sql, "SELECT count(*) FILTER (NOT _invalid)");
    for (int c = 0; c < table->column_count; c++) {
        if (!source->columns[c].mapped || source->columns[c].sql != NULL)
            continue;
        paths[path_count++] = c;
        const char *name = table->columns[c].name;
        /* a value that did not parse is still a value at the path */
        if (tn_load_sql_is_parsed(table->columns[c].kind))
            tn_strbuf_printf(&sql,
                             ", count(*) FILTER (\"%s\" IS NOT NULL OR \"%s__bad\" IS NOT NULL)",
                             name, name);
        else
            tn_strbuf_printf(&sql, ", count(\"%s\")", name);
    }
    tn_strbuf_printf(&sql, " FROM " TN_LOAD_FILE_TABLE, t, k);
    size_t rows = 0;
    int64_t *counts =
        tn_query_numbers(db, tn_strbuf_cstr(&sql), (size_t)path_count + 1, &rows, err);
    tn_strbuf_free(&sql);
    bool ok = counts != NULL;
    for (int p = 0; ok && rows == 1 && counts[0] > 0 && p < path_count; p++) {
        if (counts[p + 1] > 0)
            continue;
        const tn_column_source *column = &source->columns[paths[p]];
        const char *name = table->columns[paths[p]].name;
        tn_strbuf expected = TN_STRBUF_INIT;
        tn_strbuf_printf(&expected,
                         "a value at %s in some record (the mapping's %s.columns.%s): no "
                         "record of the file has one",
                         column->column, table->name, name);
        ok = add_problem(db, t, (int)k, -1, name, column->column, "missing column",
                         tn_strbuf_cstr(&expected), err);
        tn_strbuf_free(&expected);
    }
    free(counts);
    return ok;
}

/* tn_load_<table>: every loaded file of the table, or the empty table when none loaded. */
static bool create_table_view(tn_raw_load *load, tn_db *db, int t, tn_error *err) {
    const tn_load_file_set *set = &load->state.sets[t];
    tn_strbuf sql = TN_STRBUF_INIT;
    bool any = false;
    tn_strbuf_printf(&sql, "CREATE OR REPLACE TEMP VIEW tn_load_%s AS ", table_name(t));
    for (size_t k = 0; k < set->count; k++) {
        if (!set->files[k].loaded)
            continue;
        tn_strbuf_printf(&sql,
                         "%sSELECT %zu AS _file, rowid AS _row, * FROM " TN_LOAD_FILE_TABLE " "
                         "WHERE NOT _invalid",
                         any ? " UNION ALL " : "", k, t, k);
        any = true;
    }
    if (!any)
        tn_strbuf_printf(&sql, "SELECT %zu AS _file, rowid AS _row, * FROM " TN_LOAD_FILE_TABLE,
                         set->count, t, set->count);
    bool ok = tn_db_exec(db, tn_strbuf_cstr(&sql), err);
    tn_strbuf_free(&sql);
    return ok;
}

/* A table none of whose files could be read gets one empty load table, index = file count. */
static bool create_empty_if_none(tn_raw_load *load, tn_db *db, int t, tn_error *err) {
    const tn_load_file_set *set = &load->state.sets[t];
    for (size_t k = 0; k < set->count; k++) {
        if (set->files[k].loaded)
            return true;
    }
    return create_load_table(load, db, t, set->count, NULL, false, err);
}

static bool read_table(tn_raw_load *load, tn_db *db, int t, tn_error *err) {
    const tn_table_source *source = &load->state.mapping->tables[t];
    tn_load_file_set *set = &load->state.sets[t];
    bool usable = true;
    bool ok = !source->present ||
              (tn_load_files_find(db, load->state.mapping->base_dir, source, set, err) &&
               check_zones(load, db, t, &usable, err) && check_formats(load, db, t, &usable, err));
    if (ok && load->state.increment)
        tn_load_files_forget_missing(set); /* an increment may leave any table out */
    load->summary.table_files[t] = set->count;
    if (ok && set->problem != NULL) {
        char expected[4200];
        snprintf(expected, sizeof expected, "a file that matches it, in %s",
                 load->state.mapping->base_dir);
        ok = add_problem(db, t, MAPPING_FILE, source->line, "files", set->problem, "missing file",
                         expected, err);
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
    tn_strbuf files = TN_STRBUF_INIT, sql = TN_STRBUF_INIT;
    bool ok = true;
    for (int t = 0; ok && t < TN_RAW_TABLE_COUNT; t++) {
        for (size_t k = 0; ok && k < load->state.sets[t].count; k++) {
            if (!load->state.sets[t].files[k].loaded ||
                load->state.mapping->tables[t].format == TN_FILE_PARQUET)
                continue;
            char rejects[64];
            uint64_t exists = 0;
            snprintf(rejects, sizeof rejects, "tn_rejects_%d_%zu", t, k);
            const char *params[] = {rejects};
            ok = tn_query_count_params(db, tn_embedded_text("sql/load/temp_table_exists.sql"),
                                       params, 1, &exists, err);
            if (ok && exists)
                tn_strbuf_printf(&files,
                                 " UNION ALL SELECT '%s', %zu, line, column_name, "
                                 "CAST(error_type AS VARCHAR), csv_line, error_message FROM %s",
                                 table_name(t), k, rejects);
        }
    }
    const tn_template_var vars[] = {{"files", tn_strbuf_cstr(&files)}, {NULL, NULL}};
    ok = ok && tn_template_render_file("sql/load/rejects_view.sql", vars, &sql, err) &&
         tn_db_exec(db, tn_strbuf_cstr(&sql), err);
    tn_strbuf_free(&files);
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
        const tn_contract_table *table = &load->state.contract->tables[t];
        size_t files = load->state.sets[t].count;
        bool any_loaded = false;
        for (size_t k = 0; k <= files; k++) {
            bool loaded = k < files ? load->state.sets[t].files[k].loaded : !any_loaded;
            any_loaded = any_loaded || loaded;
            for (int c = 0; loaded && c < table->column_count; c++) {
                if (tn_load_sql_is_parsed(table->columns[c].kind))
                    tn_strbuf_printf(
                        &sql, "ALTER TABLE " TN_LOAD_FILE_TABLE " DROP COLUMN \"%s__bad\";\n", t, k,
                        table->columns[c].name);
            }
        }
    }
    bool ok = sql.length == 0 || tn_db_exec(db, tn_strbuf_cstr(&sql), err);
    for (int t = 0; ok && t < TN_RAW_TABLE_COUNT; t++)
        ok = create_table_view(load, db, t,
                               err); /* the views name the columns they were made with */
    tn_strbuf_free(&sql);
    return ok;
}

/* ---- the whole stage ------------------------------------------------------------------------- */

/* The hashes more than one loaded event id has, for sql/load/problems.sql's duplicate keys. */
static bool find_shared_event_ids(tn_db *db, tn_error *err) {
    bool ok = tn_shared_hashes_find(db, "tn_load_usage_events", "event_id",
                                    "tn_load_shared_event_hashes", NULL, err);
    if (!ok)
        tn_error_prefix(err, "usage event ids");
    return ok;
}

/* The rows DuckDB read from file k of table t (its load table). */
static bool count_file_rows(tn_db *db, int t, size_t k, uint64_t *rows, tn_error *err) {
    char table[64];
    snprintf(table, sizeof table, TN_LOAD_FILE_TABLE, t, k);
    const tn_template_var vars[] = {{"table", table}, {NULL, NULL}};
    tn_strbuf sql = TN_STRBUF_INIT;
    bool ok = tn_template_render_file("sql/load/file_rows.sql", vars, &sql, err) &&
              tn_query_count(db, tn_strbuf_cstr(&sql), rows, err);
    tn_strbuf_free(&sql);
    return ok;
}

static bool count_summary(tn_raw_load *load, tn_db *db, tn_error *err) {
    tn_load_summary *s = &load->summary;
    size_t rows = 0;
    int64_t *totals =
        tn_query_numbers(db, tn_embedded_text("sql/load/summary_counts.sql"), 3, &rows, err);
    bool ok = totals != NULL &&
              (rows == 1 || tn_error_set(err, TN_ERR_INTERNAL,
                                         "sql/load/summary_counts.sql: %zu rows, not one", rows));
    if (ok) {
        s->problems = (uint64_t)totals[0];
        s->consequences = (uint64_t)totals[1];
        s->rejected_rows = (uint64_t)totals[2];
    }
    free(totals);
    for (int t = 0; ok && t < TN_RAW_TABLE_COUNT; t++) {
        uint64_t rejected = 0, rows_read = 0;
        const char *params[] = {table_name(t)};
        ok = tn_query_count_params(db, tn_embedded_text("sql/load/rejected_lines.sql"), params, 1,
                                   &rejected, err);
        for (size_t k = 0; ok && k < load->state.sets[t].count; k++) {
            if (!load->state.sets[t].files[k].loaded)
                continue;
            uint64_t file_rows = 0;
            ok = count_file_rows(db, t, k, &file_rows, err);
            rows_read += file_rows;
        }
        s->rows_read[t] = rows_read + rejected;
    }
    return ok;
}

/*
 * What the checks between rows and tables see of the warehouse: for an
 * increment, the stored rows and those its keys name (sql/load/stored.sql);
 * for a full load, nothing.
 */
static bool read_stored(tn_raw_load *load, tn_db *db, tn_load_step step, void *context,
                        tn_error *err) {
    if (!load->state.increment)
        return tn_db_exec(db, tn_embedded_text("sql/load/stored_none.sql"), err);
    if (step != NULL)
        step(context, "reading the stored rows the increment names");
    return tn_event_keys_stage(db, &load->state.event_keys_current, err) &&
           tn_db_exec(db, tn_embedded_text("sql/load/stored.sql"), err);
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
    ok = ok && create_rejects_view(load, db, err) && tn_load_check_values(&load->state, db, err) &&
         drop_bad_columns(load, db, err) && read_stored(load, db, step, context, err) &&
         find_shared_event_ids(db, err) &&
         tn_db_exec(db, tn_embedded_text("sql/load/problems.sql"), err) &&
         count_summary(load, db, err);
    if (ok && load->summary.problems + load->summary.consequences > 0) {
        if (step != NULL)
            step(context, "finding the lines of the problems");
        ok = tn_load_locate_lines(&load->state, db, err);
    }
    return ok;
}

bool tn_raw_load_report(tn_raw_load *load, tn_db *db, int per_file, FILE *out, tn_error *err) {
    (void)load;
    return tn_load_report_write(db, per_file, out, err);
}

/* ---- commit ---------------------------------------------------------------------------------- */

bool tn_raw_load_commit(tn_raw_load *load, tn_db *db, tn_error *err) {
    return tn_load_commit_replace(&load->state, db, err);
}

bool tn_raw_load_merge(tn_raw_load *load, tn_db *db, tn_merge_count counts[TN_RAW_TABLE_COUNT],
                       tn_error *err) {
    return tn_load_commit_merge(&load->state, db, counts, err);
}

bool tn_raw_load_keep_rejects(tn_raw_load *load, tn_db *db, tn_day as_of, tn_error *err) {
    (void)load;
    return tn_load_commit_rejects(db, as_of, err);
}
