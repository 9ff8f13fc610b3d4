/*
 * cmd_sql.c — `tenure sql "SELECT …"`: a read-only query on the warehouse.
 *
 * The query runs in a sandbox (src/warehouse/sandbox.h): the warehouse is
 * opened read-only, DuckDB may touch no other file, install or load no
 * extension, and statements that write (COPY, EXPORT, ATTACH, INSTALL …)
 * are refused, so nothing a query does can change the warehouse or write
 * anywhere. --allow-files PATH lets it read the files of PATH. The result
 * prints as an aligned table (numbers right-aligned, NULL shown as
 * NULL, long values cut at 60 characters) or, with --csv, as RFC 4180 CSV
 * with a header row and empty fields for NULL. A SQL error prints DuckDB's
 * message and exits 1. The SQL "-" means: read the statements from stdin.
 */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/strbuf.h"
#include "warehouse/db.h"
#include "warehouse/sandbox.h"
#include "warehouse/value_text.h"

enum { MAX_CELL_WIDTH = 60 };

static struct {
    const char *db_path;
    bool csv;
    tn_arg_list allow_files;
} options;

static void set_defaults(void) {
    options.db_path = "data/warehouse.duckdb";
    options.csv = false;
    options.allow_files.count = 0;
}

static const tn_arg sql_args[] = {
    {"db", TN_ARG_STRING, "FILE", "DuckDB warehouse (default data/warehouse.duckdb)",
     &options.db_path, 0, 0},
    {"csv", TN_ARG_FLAG, NULL, "print CSV instead of an aligned table", &options.csv, 0, 0},
    {"allow-files", TN_ARG_LIST, "PATH",
     "let the query read the file PATH, or the files under directory PATH (repeatable)",
     &options.allow_files, 0, 0},
    {NULL, TN_ARG_FLAG, NULL, NULL, NULL, 0, 0},
};

static bool is_numeric(duckdb_type type) {
    switch (type) {
    case DUCKDB_TYPE_TINYINT:
    case DUCKDB_TYPE_SMALLINT:
    case DUCKDB_TYPE_INTEGER:
    case DUCKDB_TYPE_BIGINT:
    case DUCKDB_TYPE_UTINYINT:
    case DUCKDB_TYPE_USMALLINT:
    case DUCKDB_TYPE_UINTEGER:
    case DUCKDB_TYPE_UBIGINT:
    case DUCKDB_TYPE_HUGEINT:
    case DUCKDB_TYPE_UHUGEINT:
    case DUCKDB_TYPE_FLOAT:
    case DUCKDB_TYPE_DOUBLE:
    case DUCKDB_TYPE_DECIMAL:
        return true;
    default:
        return false;
    }
}

static void csv_field(const char *text, size_t length, FILE *out) {
    if (memchr(text, ',', length) == NULL && memchr(text, '"', length) == NULL &&
        memchr(text, '\n', length) == NULL && memchr(text, '\r', length) == NULL) {
        fwrite(text, 1, length, out);
        return;
    }
    fputc('"', out);
    for (size_t i = 0; i < length; i++) {
        if (text[i] == '"')
            fputc('"', out);
        fputc(text[i], out);
    }
    fputc('"', out);
}

/* Streams the result chunk by chunk: nothing is held but one chunk. */
static void print_csv(duckdb_result *result, FILE *out) {
    idx_t columns = duckdb_column_count(result);
    for (idx_t c = 0; c < columns; c++) {
        const char *name = duckdb_column_name(result, c);
        if (c > 0)
            fputc(',', out);
        csv_field(name, strlen(name), out);
    }
    fputc('\n', out);
    tn_strbuf cell = TN_STRBUF_INIT;
    duckdb_data_chunk chunk;
    while ((chunk = duckdb_fetch_chunk(*result)) != NULL) {
        idx_t rows = duckdb_data_chunk_get_size(chunk);
        for (idx_t r = 0; r < rows; r++) {
            for (idx_t c = 0; c < columns; c++) {
                if (c > 0)
                    fputc(',', out);
                tn_strbuf_reset(&cell);
                if (tn_value_text(duckdb_data_chunk_get_vector(chunk, c), r, &cell))
                    csv_field(tn_strbuf_cstr(&cell), cell.length, out);
            }
            fputc('\n', out);
        }
        duckdb_destroy_data_chunk(&chunk);
    }
    tn_strbuf_free(&cell);
}

/* A cell as shown in the aligned table: NULL spelled out, controls escaped, long text cut. */
static void display_text(const char *text, tn_strbuf *shown) {
    tn_strbuf_reset(shown);
    if (text == NULL) {
        tn_strbuf_puts(shown, "NULL");
        return;
    }
    size_t characters = 0;
    for (const unsigned char *c = (const unsigned char *)text; *c != '\0'; c++) {
        if ((*c & 0xC0) != 0x80 && ++characters > MAX_CELL_WIDTH) {
            tn_strbuf_puts(shown, "...");
            return;
        }
        if (*c == '\n')
            tn_strbuf_puts(shown, "\\n");
        else if (*c == '\r')
            tn_strbuf_puts(shown, "\\r");
        else if (*c == '\t')
            tn_strbuf_puts(shown, "\\t");
        else
            tn_strbuf_putc(shown, (char)*c);
    }
}

/* Display width in characters (UTF-8 continuation bytes do not count). */
static size_t display_width(const char *text) {
    size_t width = 0;
    for (const unsigned char *c = (const unsigned char *)text; *c != '\0'; c++)
        width += (*c & 0xC0) != 0x80;
    return width;
}

static void print_padded(const char *text, size_t width, bool right, FILE *out) {
    size_t pad = width - display_width(text);
    if (right)
        fprintf(out, "%*s%s", (int)pad, "", text);
    else
        fprintf(out, "%s%*s", text, (int)pad, "");
}

static void print_row(char **cells, const size_t *widths, const bool *numeric, idx_t columns,
                      FILE *out) {
    for (idx_t c = 0; c < columns; c++) {
        if (c > 0)
            fputs("  ", out);
        bool last = c + 1 == columns;
        if (last && !numeric[c])
            fputs(cells[c], out);
        else
            print_padded(cells[c], widths[c], numeric[c], out);
    }
    fputc('\n', out);
}

/* A growable array of owned cell strings, row-major. */
typedef struct {
    char **items;
    size_t count, capacity;
} cell_list;

static bool add_cell(cell_list *cells, const char *text) {
    if (cells->count == cells->capacity) {
        size_t capacity = cells->capacity < 64 ? 64 : cells->capacity * 2;
        char **items = realloc(cells->items, capacity * sizeof *items);
        if (items == NULL)
            return false;
        cells->items = items;
        cells->capacity = capacity;
    }
    char *copy = strdup(text);
    if (copy == NULL)
        return false;
    cells->items[cells->count++] = copy;
    return true;
}

/* The header and every cell of the result as display text; false when out of memory. */
static bool collect_cells(duckdb_result *result, idx_t columns, cell_list *cells, idx_t *rows) {
    tn_strbuf shown = TN_STRBUF_INIT, raw = TN_STRBUF_INIT;
    bool ok = true;
    for (idx_t c = 0; ok && c < columns; c++) {
        display_text(duckdb_column_name(result, c), &shown);
        ok = add_cell(cells, tn_strbuf_cstr(&shown));
    }
    *rows = 0;
    duckdb_data_chunk chunk;
    while (ok && (chunk = duckdb_fetch_chunk(*result)) != NULL) {
        idx_t size = duckdb_data_chunk_get_size(chunk);
        for (idx_t r = 0; ok && r < size; r++) {
            for (idx_t c = 0; ok && c < columns; c++) {
                tn_strbuf_reset(&raw);
                bool present = tn_value_text(duckdb_data_chunk_get_vector(chunk, c), r, &raw);
                display_text(present ? tn_strbuf_cstr(&raw) : NULL, &shown);
                ok = add_cell(cells, tn_strbuf_cstr(&shown));
            }
        }
        *rows += size;
        duckdb_destroy_data_chunk(&chunk);
    }
    tn_strbuf_free(&shown);
    tn_strbuf_free(&raw);
    return ok;
}

static bool print_table(duckdb_result *result, FILE *out) {
    idx_t columns = duckdb_column_count(result);
    idx_t rows = 0;
    cell_list cells = {NULL, 0, 0};
    size_t *widths = calloc(columns, sizeof *widths);
    bool *numeric = calloc(columns, sizeof *numeric);
    bool ok = widths != NULL && numeric != NULL && collect_cells(result, columns, &cells, &rows);
    if (ok) {
        for (idx_t c = 0; c < columns; c++) {
            numeric[c] = is_numeric(duckdb_column_type(result, c));
            for (idx_t r = 0; r <= rows; r++) {
                size_t width = display_width(cells.items[r * columns + c]);
                widths[c] = width > widths[c] ? width : widths[c];
            }
        }
        print_row(cells.items, widths, numeric, columns, out);
        for (idx_t c = 0; c < columns; c++)
            fprintf(out, "%s%.*s", c > 0 ? "  " : "", (int)widths[c],
                    "------------------------------------------------------------");
        fputc('\n', out);
        for (idx_t r = 1; r <= rows; r++)
            print_row(cells.items + r * columns, widths, numeric, columns, out);
        fprintf(out, "(%llu row%s)\n", (unsigned long long)rows, rows == 1 ? "" : "s");
    }
    for (size_t i = 0; i < cells.count; i++)
        free(cells.items[i]);
    free(cells.items);
    free(widths);
    free(numeric);
    return ok;
}

/* All of stdin as a string (caller frees); NULL when out of memory. */
static char *read_stdin(void) {
    tn_strbuf text = TN_STRBUF_INIT;
    char block[4096];
    size_t n;
    while ((n = fread(block, 1, sizeof block, stdin)) > 0) {
        if (!tn_strbuf_append(&text, block, n)) {
            tn_strbuf_free(&text);
            return NULL;
        }
    }
    return tn_strbuf_detach(&text);
}

static int run_sql(int positional_count, char **positional) {
    (void)positional_count;
    tn_error err;
    tn_error_clear(&err);
    char *from_stdin = NULL;
    const char *sql = positional[0];
    if (strcmp(sql, "-") == 0) {
        sql = from_stdin = read_stdin();
        if (sql == NULL) {
            tn_log_error("sql: out of memory reading stdin");
            return 1;
        }
    }
    tn_db *db = NULL;
    if (!tn_sandbox_open(options.db_path, options.allow_files.items, options.allow_files.count, &db,
                         &err)) {
        tn_log_error("sql: %s %s", err.code == TN_ERR_INPUT ? "--allow-files" : "--db",
                     err.message);
        free(from_stdin);
        return 1;
    }
    duckdb_result result;
    bool ok = tn_sandbox_query(db, sql, &result, &err);
    if (!ok)
        tn_log_error("sql: %s", err.message);
    else if (options.csv)
        print_csv(&result, stdout);
    else if (!print_table(&result, stdout)) {
        tn_log_error("sql: out of memory while formatting the result");
        ok = false;
    }
    duckdb_destroy_result(&result);
    tn_db_close(db);
    free(from_stdin);
    return ok ? 0 : 1;
}

const tn_command tn_cmd_sql = {
    .summary = "run a read-only SQL query on the warehouse",
    .description =
        "Opens the warehouse read-only and prints the result of the last statement.\n"
        "Give - as the SQL to read the statements from stdin. A query reads the warehouse\n"
        "and nothing else: no other file (unless --allow-files), no extension, and COPY,\n"
        "EXPORT, ATTACH, INSTALL and LOAD are refused.",
    .spec = {.command = "sql",
             .args = sql_args,
             .positional = "\"SELECT ...\"",
             .min_positional = 1,
             .max_positional = 1},
    .set_defaults = set_defaults,
    .run = run_sql,
};
