/*
 * cmd_sql.c — `tenure sql "SELECT …"`: a read-only query on the warehouse.
 *
 * The file is opened read-only, so nothing a query does can change it. The
 * result prints as an aligned table (numbers right-aligned, NULL shown as
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

enum { MAX_CELL_WIDTH = 60 };

static struct {
    const char *db_path;
    bool csv;
} options;

static void set_defaults(void) {
    options.db_path = "data/warehouse.duckdb";
    options.csv = false;
}

static const tn_arg sql_args[] = {
    {"db", TN_ARG_STRING, "FILE", "DuckDB warehouse (default data/warehouse.duckdb)",
     &options.db_path, 0, 0},
    {"csv", TN_ARG_FLAG, NULL, "print CSV instead of an aligned table", &options.csv, 0, 0},
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

/* The text of one cell (caller frees with duckdb_free), or NULL for SQL NULL. */
static char *cell_text(duckdb_result *result, idx_t column, idx_t row) {
    if (duckdb_value_is_null(result, column, row))
        return NULL;
    return duckdb_value_varchar(result, column, row);
}

static void csv_field(const char *text, FILE *out) {
    if (text == NULL)
        return;
    if (strpbrk(text, ",\"\r\n") == NULL) {
        fputs(text, out);
        return;
    }
    fputc('"', out);
    for (const char *c = text; *c != '\0'; c++) {
        if (*c == '"')
            fputc('"', out);
        fputc(*c, out);
    }
    fputc('"', out);
}

static void print_csv(duckdb_result *result, FILE *out) {
    idx_t columns = duckdb_column_count(result);
    idx_t rows = duckdb_row_count(result);
    for (idx_t c = 0; c < columns; c++) {
        if (c > 0)
            fputc(',', out);
        csv_field(duckdb_column_name(result, c), out);
    }
    fputc('\n', out);
    for (idx_t r = 0; r < rows; r++) {
        for (idx_t c = 0; c < columns; c++) {
            if (c > 0)
                fputc(',', out);
            char *text = cell_text(result, c, r);
            csv_field(text, out);
            duckdb_free(text);
        }
        fputc('\n', out);
    }
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

/* Every cell of the result as display text, row-major; NULL on allocation failure. */
static char **collect_cells(duckdb_result *result, idx_t rows, idx_t columns) {
    char **cells = calloc((rows + 1) * columns, sizeof *cells);
    if (cells == NULL)
        return NULL;
    tn_strbuf shown = TN_STRBUF_INIT;
    for (idx_t c = 0; c < columns; c++) {
        display_text(duckdb_column_name(result, c), &shown);
        cells[c] = strdup(tn_strbuf_cstr(&shown));
    }
    for (idx_t r = 0; r < rows; r++) {
        for (idx_t c = 0; c < columns; c++) {
            char *text = cell_text(result, c, r);
            display_text(text, &shown);
            duckdb_free(text);
            cells[(r + 1) * columns + c] = strdup(tn_strbuf_cstr(&shown));
        }
    }
    tn_strbuf_free(&shown);
    return cells;
}

static bool print_table(duckdb_result *result, FILE *out) {
    idx_t columns = duckdb_column_count(result);
    idx_t rows = duckdb_row_count(result);
    char **cells = collect_cells(result, rows, columns);
    size_t *widths = calloc(columns, sizeof *widths);
    bool *numeric = calloc(columns, sizeof *numeric);
    bool ok = cells != NULL && widths != NULL && numeric != NULL;
    for (idx_t i = 0; ok && i < (rows + 1) * columns; i++)
        ok = cells[i] != NULL;
    if (ok) {
        for (idx_t c = 0; c < columns; c++) {
            numeric[c] = is_numeric(duckdb_column_type(result, c));
            for (idx_t r = 0; r <= rows; r++) {
                size_t width = display_width(cells[r * columns + c]);
                widths[c] = width > widths[c] ? width : widths[c];
            }
        }
        print_row(cells, widths, numeric, columns, out);
        for (idx_t c = 0; c < columns; c++)
            fprintf(out, "%s%.*s", c > 0 ? "  " : "", (int)widths[c],
                    "------------------------------------------------------------");
        fputc('\n', out);
        for (idx_t r = 1; r <= rows; r++)
            print_row(cells + r * columns, widths, numeric, columns, out);
        fprintf(out, "(%llu row%s)\n", (unsigned long long)rows, rows == 1 ? "" : "s");
    }
    for (idx_t i = 0; cells != NULL && i < (rows + 1) * columns; i++)
        free(cells[i]);
    free(cells);
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
    if (!tn_db_open(options.db_path, TN_DB_READ_ONLY, &db, &err)) {
        tn_log_error("sql: --db %s", err.message);
        free(from_stdin);
        return 1;
    }
    duckdb_result result;
    bool ok = tn_db_query(db, sql, &result, &err);
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
    .description = "Opens the warehouse read-only and prints the result of the last statement.\n"
                   "Give - as the SQL to read the statements from stdin.",
    .spec = {.command = "sql", .args = sql_args, .positional = "\"SELECT ...\"",
             .min_positional = 1, .max_positional = 1},
    .set_defaults = set_defaults,
    .run = run_sql,
};
