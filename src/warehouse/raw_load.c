/*
 * raw_load.c — loading and checking a company's CSV exports (see raw_load.h).
 */
#include "warehouse/raw_load.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/embedded.h"
#include "common/strbuf.h"
#include "warehouse/csv_lines.h"
#include "warehouse/value_text.h"

const char *const tn_raw_tables[TN_RAW_TABLE_COUNT] = {
    "customers", "usage_events", "gtm_opportunities", "support_tickets", "risk_signals",
};

enum { MAX_COLUMNS = 16, MAX_NAME = 64, MAX_PATH_LENGTH = 4096 };

/* The raw tables as sql/raw/schema.sql defines them. */
typedef struct {
    char names[MAX_COLUMNS][MAX_NAME];
    char types[MAX_COLUMNS][MAX_NAME];
    int count;
} table_layout;

/* A query's rows, one string per cell (text of each value; NULL → ""). */
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

/* Runs sql/raw/schema.sql in a scratch in-memory database and reads back the columns. */
static bool read_layout(table_layout layout[TN_RAW_TABLE_COUNT], tn_error *err) {
    tn_db *scratch = NULL;
    if (!tn_db_open(":memory:", TN_DB_READ_WRITE, &scratch, err))
        return false;
    tn_strbuf cells = TN_STRBUF_INIT;
    size_t rows = 0;
    bool ok =
        tn_db_exec(scratch, tn_embedded_text("sql/raw/schema.sql"), err) &&
        query_text(scratch,
                   "SELECT table_name, column_name, data_type FROM information_schema.columns "
                   "WHERE table_schema = 'raw' ORDER BY table_name, ordinal_position",
                   &cells, &rows, 3, err);
    memset(layout, 0, TN_RAW_TABLE_COUNT * sizeof *layout);
    const char *cell = cells.data;
    for (size_t r = 0; ok && r < rows; r++) {
        const char *table = cell, *name = table + strlen(table) + 1;
        const char *type = name + strlen(name) + 1;
        cell = type + strlen(type) + 1;
        for (int t = 0; t < TN_RAW_TABLE_COUNT; t++) {
            if (strcmp(table, tn_raw_tables[t]) == 0 && layout[t].count < MAX_COLUMNS) {
                snprintf(layout[t].names[layout[t].count], MAX_NAME, "%s", name);
                snprintf(layout[t].types[layout[t].count], MAX_NAME, "%s", type);
                layout[t].count++;
            }
        }
    }
    tn_strbuf_free(&cells);
    tn_db_close(scratch);
    return ok;
}

/* tn_load_columns: each raw column's type and, for categorical ones, its accepted values. */
static bool write_layout(tn_db *db, const table_layout layout[TN_RAW_TABLE_COUNT], tn_error *err) {
    if (!tn_db_exec(db, tn_embedded_text("sql/load/contract.sql"), err) ||
        !tn_db_exec(db,
                    "CREATE OR REPLACE TEMP TABLE tn_layout (table_name VARCHAR, column_name "
                    "VARCHAR, ordinal INTEGER, column_type VARCHAR)",
                    err))
        return false;
    duckdb_appender appender;
    if (duckdb_appender_create_ext(tn_db_connection(db), "temp", "main", "tn_layout", &appender) !=
        DuckDBSuccess)
        return tn_error_set(err, TN_ERR_DB, "tn_layout: %s", duckdb_appender_error(appender));
    bool ok = true;
    for (int t = 0; ok && t < TN_RAW_TABLE_COUNT; t++) {
        for (int c = 0; ok && c < layout[t].count; c++) {
            ok = duckdb_append_varchar(appender, tn_raw_tables[t]) == DuckDBSuccess &&
                 duckdb_append_varchar(appender, layout[t].names[c]) == DuckDBSuccess &&
                 duckdb_append_int32(appender, c + 1) == DuckDBSuccess &&
                 duckdb_append_varchar(appender, layout[t].types[c]) == DuckDBSuccess &&
                 duckdb_appender_end_row(appender) == DuckDBSuccess;
        }
    }
    ok = ok && duckdb_appender_close(appender) == DuckDBSuccess;
    if (!ok)
        tn_error_set(err, TN_ERR_DB, "tn_layout: %s", duckdb_appender_error(appender));
    duckdb_appender_destroy(&appender);
    return ok &&
           tn_db_exec(db,
                      "CREATE OR REPLACE TEMP TABLE tn_load_columns AS SELECT l.*, c.accepted "
                      "FROM tn_layout l LEFT JOIN tn_load_contract c USING (table_name, "
                      "column_name)",
                      err);
}

/* `text` as a SQL string literal body: quotes doubled. */
static void put_quoted(tn_strbuf *out, const char *text) {
    tn_strbuf_putc(out, '\'');
    for (const char *c = text; *c != '\0'; c++) {
        if (*c == '\'')
            tn_strbuf_putc(out, '\'');
        tn_strbuf_putc(out, *c);
    }
    tn_strbuf_putc(out, '\'');
}

/* The header line of `path` (DuckDB strips a byte order mark), split into trimmed lower-case names.
 */
static bool read_header(tn_db *db, const char *path, char names[MAX_COLUMNS + 1][MAX_NAME],
                        int *count, tn_error *err) {
    tn_strbuf sql = TN_STRBUF_INIT, cells = TN_STRBUF_INIT;
    tn_strbuf_puts(&sql, "SELECT h FROM read_csv(");
    put_quoted(&sql, path);
    tn_strbuf_puts(&sql, ", header = false, auto_detect = false, columns = {'h': 'VARCHAR'}, "
                         "delim = E'\\x1f', quote = '', escape = '') LIMIT 1");
    size_t rows = 0;
    bool ok = query_text(db, tn_strbuf_cstr(&sql), &cells, &rows, 1, err);
    *count = 0;
    const char *line = ok && rows == 1 ? cells.data : "";
    while (ok && *line != '\0' && *count <= MAX_COLUMNS) {
        const char *end = strchr(line, ',');
        size_t length = end != NULL ? (size_t)(end - line) : strlen(line);
        const char *from = line, *to = line + length;
        while (from < to && (isspace((unsigned char)*from) || *from == '"'))
            from++;
        while (to > from && (isspace((unsigned char)to[-1]) || to[-1] == '"'))
            to--;
        size_t n = (size_t)(to - from) < MAX_NAME - 1 ? (size_t)(to - from) : MAX_NAME - 1;
        for (size_t i = 0; i < n; i++)
            names[*count][i] = (char)tolower((unsigned char)from[i]);
        names[(*count)++][n] = '\0';
        line = end != NULL ? end + 1 : line + length;
    }
    if (ok && rows == 0)
        ok = tn_error_set(err, TN_ERR_INPUT, "%s:1: the file is empty: expected a header line",
                          path);
    tn_strbuf_free(&sql);
    tn_strbuf_free(&cells);
    return ok;
}

static int find_name(char names[][MAX_NAME], int count, const char *name) {
    for (int i = 0; i < count; i++) {
        if (strcmp(names[i], name) == 0)
            return i;
    }
    return -1;
}

/* The header must name every column once, in any order; says which are missing or unknown. */
static bool check_header(const char *path, const table_layout *layout,
                         char header[MAX_COLUMNS + 1][MAX_NAME], int count, tn_error *err) {
    tn_strbuf missing = TN_STRBUF_INIT, unknown = TN_STRBUF_INIT;
    for (int c = 0; c < layout->count; c++) {
        if (find_name(header, count, layout->names[c]) < 0)
            tn_strbuf_printf(&missing, "%s%s", missing.length ? ", " : "", layout->names[c]);
    }
    for (int h = 0; h < count; h++) {
        bool repeated = find_name(header, h, header[h]) >= 0;
        if (repeated || find_name((char(*)[MAX_NAME])layout->names, layout->count, header[h]) < 0)
            tn_strbuf_printf(&unknown, "%s%s%s", unknown.length ? ", " : "",
                             header[h][0] ? header[h] : "(empty)", repeated ? " (twice)" : "");
    }
    bool ok = missing.length == 0 && unknown.length == 0;
    if (!ok) {
        tn_strbuf expected = TN_STRBUF_INIT;
        for (int c = 0; c < layout->count; c++)
            tn_strbuf_printf(&expected, "%s%s", c ? "," : "", layout->names[c]);
        tn_error_set(err, TN_ERR_INPUT, "%s:1: header: %s%s%s%s%s — expected the columns %s", path,
                     missing.length ? "lacks " : "", tn_strbuf_cstr(&missing),
                     missing.length && unknown.length ? "; " : "",
                     unknown.length ? "has unknown column " : "", tn_strbuf_cstr(&unknown),
                     tn_strbuf_cstr(&expected));
        tn_strbuf_free(&expected);
    }
    tn_strbuf_free(&missing);
    tn_strbuf_free(&unknown);
    return ok;
}

/* read_csv's columns = {...}, in the file's header order, categorical columns as ENUMs. */
static bool column_spec(tn_db *db, int table, char header[MAX_COLUMNS + 1][MAX_NAME], int count,
                        tn_strbuf *spec, tn_error *err) {
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT column_name, coalesce('ENUM(' || array_to_string(list_transform(accepted, "
             "v -> '''' || replace(v, '''', '''''') || ''''), ', ') || ')', column_type) "
             "FROM tn_load_columns WHERE table_name = '%s'",
             tn_raw_tables[table]);
    tn_strbuf cells = TN_STRBUF_INIT;
    size_t rows = 0;
    bool ok = query_text(db, sql, &cells, &rows, 2, err);
    tn_strbuf_putc(spec, '{');
    for (int h = 0; ok && h < count; h++) {
        const char *cell = cells.data;
        for (size_t r = 0; r < rows; r++) {
            const char *name = cell, *type = name + strlen(name) + 1;
            cell = type + strlen(type) + 1;
            if (strcmp(name, header[h]) != 0)
                continue;
            tn_strbuf_printf(spec, "%s'%s': ", h ? ", " : "", name);
            put_quoted(spec, type);
        }
    }
    tn_strbuf_putc(spec, '}');
    tn_strbuf_free(&cells);
    return ok;
}

static void file_path(const char *dir, int table, char *path) {
    snprintf(path, MAX_PATH_LENGTH, "%s/%s.csv", dir, tn_raw_tables[table]);
}

/* load_<table>: the rows DuckDB can read, in file order; tn_rejects_<table>: the rest. */
static bool load_table(tn_db *db, const char *dir, int table, const table_layout *layout,
                       tn_error *err) {
    char path[MAX_PATH_LENGTH];
    file_path(dir, table, path);
    struct stat info;
    if (stat(path, &info) != 0 || !S_ISREG(info.st_mode))
        return tn_error_set(err, TN_ERR_INPUT,
                            "%s: %s (--raw DIR must hold customers.csv, "
                            "usage_events.csv, gtm_opportunities.csv, support_tickets.csv and "
                            "risk_signals.csv)",
                            path, errno == ENOENT ? "no such file" : "not a readable file");
    char header[MAX_COLUMNS + 1][MAX_NAME];
    int count = 0;
    if (!read_header(db, path, header, &count, err) ||
        !check_header(path, layout, header, count, err))
        return false;
    tn_strbuf sql = TN_STRBUF_INIT;
    const char *name = tn_raw_tables[table];
    tn_strbuf_printf(&sql,
                     "DROP TABLE IF EXISTS tn_rejects_%s; DROP TABLE IF EXISTS tn_scans_%s; "
                     "CREATE OR REPLACE TEMP TABLE load_%s AS SELECT ",
                     name, name, name);
    for (int c = 0; c < layout->count; c++)
        tn_strbuf_printf(&sql, "%s\"%s\"", c ? ", " : "", layout->names[c]);
    tn_strbuf_puts(&sql, " FROM read_csv(");
    put_quoted(&sql, path);
    tn_strbuf_puts(&sql, ", header = true, auto_detect = false, delim = ',', quote = '\"', "
                         "escape = '\"', columns = ");
    bool ok = column_spec(db, table, header, count, &sql, err);
    tn_strbuf_printf(&sql,
                     ", store_rejects = true, rejects_table = 'tn_rejects_%s', "
                     "rejects_scan = 'tn_scans_%s', rejects_limit = 0)",
                     name, name);
    ok = ok && tn_db_exec(db, tn_strbuf_cstr(&sql), err);
    if (!ok)
        tn_error_prefix(err, "%s", path);
    tn_strbuf_free(&sql);
    return ok;
}

/* A count from a one-value query. */
static bool query_count(tn_db *db, const char *sql, uint64_t *value, tn_error *err) {
    tn_strbuf cells = TN_STRBUF_INIT;
    size_t rows = 0;
    bool ok = query_text(db, sql, &cells, &rows, 1, err);
    *value = ok && rows == 1 ? strtoull(cells.data, NULL, 10) : 0;
    tn_strbuf_free(&cells);
    return ok;
}

/* The int64 values of a one-column query (caller frees). */
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
    }
    tn_strbuf_free(&cells);
    return values;
}

/* Writes the located lines and texts back into tn_problems. */
static bool store_lines(tn_db *db, int table, const tn_csv_lookup *lookups, size_t count,
                        tn_error *err) {
    duckdb_appender appender;
    if (duckdb_appender_create_ext(tn_db_connection(db), "temp", "main", "tn_problem_lines",
                                   &appender) != DuckDBSuccess)
        return tn_error_set(err, TN_ERR_DB, "tn_problem_lines: %s",
                            duckdb_appender_error(appender));
    bool ok = true;
    for (size_t i = 0; ok && i < count; i++) {
        const tn_csv_lookup *l = &lookups[i];
        ok = duckdb_append_varchar(appender, tn_raw_tables[table]) == DuckDBSuccess &&
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

/* Finds the physical line of every problem of `table` by one scan of its file. */
static bool locate_table(tn_db *db, const char *dir, int table, tn_error *err) {
    const char *name = tn_raw_tables[table];
    char sql[512], path[MAX_PATH_LENGTH];
    file_path(dir, table, path);
    size_t rejected_count = 0, lookup_count = 0;
    snprintf(sql, sizeof sql, "SELECT DISTINCT line FROM tn_rejects_%s ORDER BY 1", name);
    int64_t *rejected = query_numbers(db, sql, 1, &rejected_count, err);
    snprintf(sql, sizeof sql,
             "SELECT DISTINCT row_index, duckdb_line FROM tn_problems WHERE table_name = '%s'",
             name);
    int64_t *pairs = rejected != NULL ? query_numbers(db, sql, 2, &lookup_count, err) : NULL;
    tn_csv_lookup *lookups = calloc(lookup_count + 1, sizeof *lookups);
    bool ok = rejected != NULL && pairs != NULL && lookups != NULL;
    for (size_t i = 0; ok && i < lookup_count; i++) {
        lookups[i].accepted_row = pairs[2 * i];
        lookups[i].rejected_line = pairs[2 * i + 1];
    }
    int64_t records = 0;
    uint64_t accepted = 0;
    snprintf(sql, sizeof sql, "SELECT count(*) FROM load_%s", name);
    ok = ok &&
         tn_csv_locate(path, rejected, rejected_count, lookups, lookup_count, &records, err) &&
         query_count(db, sql, &accepted, err);
    /* If our record count disagrees with DuckDB's, the lines would be wrong: keep none. */
    if (ok && (uint64_t)records != accepted + rejected_count) {
        for (size_t i = 0; i < lookup_count; i++)
            lookups[i].line = -1;
    }
    ok = ok && store_lines(db, table, lookups, lookup_count, err);
    for (size_t i = 0; lookups != NULL && i < lookup_count; i++)
        free(lookups[i].text);
    free(lookups);
    free(pairs);
    free(rejected);
    return ok;
}

static bool locate_problems(tn_db *db, const char *dir, tn_error *err) {
    bool ok = tn_db_exec(db,
                         "CREATE OR REPLACE TEMP TABLE tn_problem_lines (table_name VARCHAR, "
                         "row_index BIGINT, duckdb_line BIGINT, line BIGINT, record VARCHAR)",
                         err);
    for (int t = 0; ok && t < TN_RAW_TABLE_COUNT; t++) {
        char sql[256];
        uint64_t count = 0;
        snprintf(sql, sizeof sql, "SELECT count(*) FROM tn_problems WHERE table_name = '%s'",
                 tn_raw_tables[t]);
        ok = query_count(db, sql, &count, err) && (count == 0 || locate_table(db, dir, t, err));
    }
    return ok && tn_db_exec(db, tn_embedded_text("sql/load/locate.sql"), err);
}

bool tn_raw_load_stage(tn_db *db, const char *dir, tn_load_step step, void *context,
                       tn_load_summary *summary, tn_error *err) {
    memset(summary, 0, sizeof *summary);
    struct stat info;
    if (stat(dir, &info) != 0 || !S_ISDIR(info.st_mode))
        return tn_error_set(err, TN_ERR_INPUT, "--raw %s: no such directory", dir);
    table_layout layout[TN_RAW_TABLE_COUNT];
    bool ok = read_layout(layout, err) && write_layout(db, layout, err);
    for (int t = 0; ok && t < TN_RAW_TABLE_COUNT; t++) {
        char what[96], sql[128];
        snprintf(what, sizeof what, "reading %s.csv", tn_raw_tables[t]);
        if (step != NULL)
            step(context, what);
        snprintf(sql, sizeof sql, "SELECT count(*) FROM load_%s", tn_raw_tables[t]);
        ok = load_table(db, dir, t, &layout[t], err) &&
             query_count(db, sql, &summary->rows_read[t], err);
    }
    if (ok && step != NULL)
        step(context, "checking the rows");
    ok = ok && tn_db_exec(db, tn_embedded_text("sql/load/problems.sql"), err) &&
         query_count(db, "SELECT count(*) FROM tn_problems", &summary->problems, err) &&
         query_count(db,
                     "SELECT count(DISTINCT (table_name, coalesce(row_index, -1), "
                     "coalesce(duckdb_line, -1))) FROM tn_problems",
                     &summary->rejected_rows, err);
    if (ok && summary->problems > 0) {
        if (step != NULL)
            step(context, "finding the lines of the problems");
        ok = locate_problems(db, dir, err);
    }
    return ok;
}

bool tn_raw_load_kinds(tn_db *db, char *out, size_t size, tn_error *err) {
    tn_strbuf cells = TN_STRBUF_INIT, text = TN_STRBUF_INIT;
    size_t rows = 0;
    bool ok = query_text(db,
                         "SELECT count(*), kind FROM tn_problems GROUP BY kind "
                         "ORDER BY count(*) DESC, kind",
                         &cells, &rows, 2, err);
    const char *cell = cells.data;
    for (size_t r = 0; ok && r < rows; r++) {
        const char *count = cell, *kind = count + strlen(count) + 1;
        cell = kind + strlen(kind) + 1;
        tn_strbuf_printf(&text, "%s%s %s", r ? ", " : "", count, kind);
    }
    snprintf(out, size, "%s", tn_strbuf_cstr(&text));
    tn_strbuf_free(&cells);
    tn_strbuf_free(&text);
    return ok;
}

bool tn_raw_load_report(tn_db *db, int limit, FILE *out, tn_error *err) {
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT file, coalesce(line::VARCHAR, ''), column_name, value, expected, "
             "(SELECT count(*) FROM tn_problems) FROM ("
             "SELECT table_name || '.csv' AS file, line, column_name, value, expected, "
             "list_position(['customers', 'usage_events', 'gtm_opportunities', "
             "'support_tickets', 'risk_signals'], table_name) AS table_order, row_index, "
             "duckdb_line, kind = 'row of a rejected customer' AS consequence FROM tn_problems) "
             "ORDER BY consequence, table_order, line, row_index, duckdb_line, column_name "
             "LIMIT %d",
             limit);
    tn_strbuf cells = TN_STRBUF_INIT;
    size_t rows = 0;
    bool ok = query_text(db, sql, &cells, &rows, 6, err);
    const char *cell = cells.data;
    unsigned long long total = 0;
    for (size_t r = 0; ok && r < rows; r++) {
        const char *fields[6];
        for (int f = 0; f < 6; f++) {
            fields[f] = cell;
            cell += strlen(cell) + 1;
        }
        total = strtoull(fields[5], NULL, 10);
        fprintf(out, "  %s:%s: %s: '%s' — expected %s\n", fields[0], fields[1][0] ? fields[1] : "?",
                fields[2], fields[3], fields[4]);
    }
    if (ok && total > rows)
        fprintf(out, "  ... and %llu more\n", total - rows);
    char kinds[1024];
    ok = ok && tn_raw_load_kinds(db, kinds, sizeof kinds, err);
    if (ok)
        fprintf(out, "problems by kind: %s\n", kinds);
    tn_strbuf_free(&cells);
    return ok;
}

bool tn_raw_load_commit(tn_db *db, tn_error *err) {
    return tn_db_exec(db, tn_embedded_text("sql/load/commit.sql"), err);
}
