/*
 * fuzz_values.c — libFuzzer target: the loader's parsing of one value, as
 * `tenure build --raw` and `tenure validate` do it. Values are parsed in
 * SQL (sql/load/parse.sql) by the statement the loader writes for a file
 * (warehouse/load_sql.h); this runs that statement's query in an in-memory
 * DuckDB with the fuzzed text in every column of its one row.
 *
 * The query's reader (read_csv of the file) is replaced by a one-row
 * SELECT of a bound parameter: reading the CSV is DuckDB's (and the line
 * scan is fuzz_csv_lines'), and planning the reader anew on each run would
 * make this target a hundred times slower. Every layer after it — text,
 * number text, parsed values, the table's columns — is the loader's own.
 * Text DuckDB would refuse to read (not UTF-8, a NUL byte) is skipped.
 *
 * The input is two bytes of parameters and the value. The first byte
 * picks the table (bits 6-7: customers, usage_events, support_tickets,
 * risk_signals: every kind of value between them), the time zone of naive
 * timestamps (bits 4-5) and the format of dates and timestamps (bits 0-3:
 * ISO, epoch seconds or milliseconds, the named formats, two strptime
 * patterns); the second byte's bit 0 makes ',' the decimal separator.
 *
 * It fails when the query fails (one bad value would stop a whole load),
 * when a date or timestamp parses to infinity, or when a money or
 * whole-number value differs from the number its text spells (rounded,
 * truncated, or a digit lost or invented).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <duckdb.h>

#include "common/embedded.h"
#include "common/strbuf.h"
#include "warehouse/contract.h"
#include "warehouse/load_sql.h"
#include "warehouse/mapping.h"

static const char *const table_names[] = {"customers", "usage_events", "support_tickets",
                                          "risk_signals"};
static const char *const zones[] = {"UTC", "America/New_York", "Asia/Kolkata", "Pacific/Chatham"};
static const char *const formats[] = {NULL,
                                      "epoch_s",
                                      "epoch_ms",
                                      "YYYY-MM-DD",
                                      "MM/DD/YYYY",
                                      "DD/MM/YYYY",
                                      "DD.MM.YYYY",
                                      "DD-MM-YYYY",
                                      "YYYY/MM/DD",
                                      "MM/DD/YY",
                                      "DD/MM/YY",
                                      "DD.MM.YY",
                                      "iso",
                                      "%Y%m%d%H%M%S",
                                      "%d %b %Y %H:%M:%S %z",
                                      "%A, %B %-d, %Y %-I:%M %p"};

static tn_contract contract;
static tn_mapping mapping;
static duckdb_database database;
static duckdb_connection connection;

static void fail(const char *what, const char *detail, const char *sql) {
    fprintf(stderr, "fuzz_values: %s: %s\n%s\n", what, detail ? detail : "", sql);
    abort();
}

static void run(const char *sql) {
    duckdb_result result;
    if (duckdb_query(connection, sql, &result) != DuckDBSuccess)
        fail("cannot set up", duckdb_result_error(&result), sql);
    duckdb_destroy_result(&result);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    tn_error err;
    if (!tn_contract_load(&contract, &err) ||
        !tn_mapping_canonical(&contract, "exports", &mapping, &err) ||
        duckdb_open(NULL, &database) != DuckDBSuccess ||
        duckdb_connect(database, &connection) != DuckDBSuccess)
        fail("cannot load the contract or open DuckDB", NULL, "");
    run("SET threads = 1");
    /* The checks are prepared once over a table whose one row changes: planning must not fold
     * them with the statistics of the row that was there when they were prepared. */
    run("SET disabled_optimizers = 'statistics_propagation'");
    run("CREATE TEMP TABLE tn_fuzz_value AS SELECT ''::VARCHAR AS v");
    run(tn_embedded_text("sql/load/setup.sql"));
    run(tn_embedded_text("sql/load/parse.sql"));
    return 0;
}

/* Sets the table's formats, time zone and decimal separator as the input asks. */
static void configure(tn_table_source *source, const tn_contract_table *table, uint8_t a,
                      uint8_t b) {
    free(source->timezone);
    source->timezone = strdup(zones[(a >> 4) & 3]);
    source->decimal = (b & 1) ? ',' : '.';
    for (int c = 0; c < table->column_count; c++) {
        free(source->columns[c].format);
        const char *format = formats[a & 15];
        source->columns[c].format =
            tn_column_kind_is_time(table->columns[c].kind) && format ? strdup(format) : NULL;
    }
}

/*
 * The loader's query for a file of the table, reading one row of $1 in
 * every column instead of the file: the statement's "CREATE ... AS" and
 * its reader are cut, the rest is kept as written.
 */
static void write_query(const tn_contract_table *table, const tn_table_source *source, int t,
                        tn_strbuf *out) {
    const char *names[TN_CONTRACT_MAX_COLUMNS];
    for (int c = 0; c < table->column_count; c++)
        names[c] = table->columns[c].name;
    tn_load_file file = {.path = "export.csv",
                         .columns = (char **)names,
                         .column_count = (size_t)table->column_count};
    tn_strbuf sql = TN_STRBUF_INIT;
    tn_load_sql_create(table, source, t, 0, &file, false, &sql);
    const char *text = tn_strbuf_cstr(&sql), *select = strstr(text, " AS\nSELECT ");
    const char *reader = strstr(text, "\nFROM read_csv(");
    if (select == NULL || reader == NULL || strcmp(text + sql.length - 4, "))))") != 0)
        fail("the load statement has changed shape: update write_query", NULL, text);
    tn_strbuf_append(out, select + 4, (size_t)(reader - select - 4));
    tn_strbuf_puts(out, "\nFROM (SELECT ");
    for (int c = 0; c < table->column_count; c++) {
        tn_strbuf_puts(out, c ? ", v AS " : "v AS ");
        tn_load_sql_ident(out, names[c]);
    }
    tn_strbuf_puts(out, " FROM tn_fuzz_value) AS source))))");
    tn_strbuf_free(&sql);
}

/*
 * The query wrapped to count the values that break the rules; the
 * customer_id column holds the value's trimmed text, unparsed.
 */
static void write_check(const tn_contract_table *table, char decimal, const tn_strbuf *query,
                        tn_strbuf *out) {
    tn_strbuf_printf(out,
                     "SELECT count(*) FROM (SELECT *, tn_number_text(customer_id, '%c') AS n "
                     "FROM (%s)) WHERE false",
                     decimal, tn_strbuf_cstr(query));
    for (int c = 0; c < table->column_count; c++) {
        const char *name = table->columns[c].name;
        tn_column_kind kind = table->columns[c].kind;
        if (tn_column_kind_is_time(kind))
            tn_strbuf_printf(out, " OR NOT isfinite(\"%s\")", name);
        else if (kind == TN_KIND_MONEY || kind == TN_KIND_HOURS || kind == TN_KIND_COUNT)
            tn_strbuf_printf(out,
                             " OR (\"%s\" IS NOT NULL AND (n IS NULL OR CAST(\"%s\" AS "
                             "DECIMAL(38, 10)) <> TRY_CAST(n AS DECIMAL(38, 10)) OR "
                             "regexp_replace(customer_id, '[^0-9]', '', 'g') <> "
                             "regexp_replace(n, '[^0-9]', '', 'g')))",
                             name, name);
    }
}

/* The checked query of one table, format, zone and separator, prepared on first use. */
typedef struct {
    duckdb_prepared_statement statement;
    char *sql;
} checked_query;

static checked_query cache[4][16][4][2];

static checked_query *query_for(const uint8_t *data) {
    uint8_t a = data[0], b = data[1];
    checked_query *q = &cache[a >> 6][a & 15][(a >> 4) & 3][b & 1];
    if (q->statement != NULL)
        return q;
    int t = tn_contract_table_index(table_names[a >> 6]);
    const tn_contract_table *table = &contract.tables[t];
    tn_table_source *source = &mapping.tables[t];
    configure(source, table, a, b);
    tn_strbuf query = TN_STRBUF_INIT, check = TN_STRBUF_INIT;
    write_query(table, source, t, &query);
    write_check(table, source->decimal, &query, &check);
    q->sql = tn_strbuf_detach(&check);
    if (duckdb_prepare(connection, q->sql, &q->statement) != DuckDBSuccess)
        fail("cannot prepare", duckdb_prepare_error(q->statement), q->sql);
    tn_strbuf_free(&query);
    return q;
}

/*
 * Makes `text` the one value of tn_fuzz_value; false when DuckDB refuses it
 * (not UTF-8). The row is updated in place: rows deleted and appended anew
 * would pile up in the table and slow every query down.
 */
static bool set_value(const char *text, size_t length) {
    static duckdb_prepared_statement update;
    if (update == NULL &&
        duckdb_prepare(connection, "UPDATE tn_fuzz_value SET v = $1", &update) != DuckDBSuccess)
        fail("cannot prepare", duckdb_prepare_error(update), "UPDATE tn_fuzz_value");
    if (duckdb_bind_varchar_length(update, 1, text, length) != DuckDBSuccess)
        return false;
    duckdb_result result;
    if (duckdb_execute_prepared(update, &result) != DuckDBSuccess)
        fail("cannot set the value", duckdb_result_error(&result), "UPDATE tn_fuzz_value");
    duckdb_destroy_result(&result);
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 2)
        return 0;
    checked_query *q = query_for(data);
    if (memchr(data + 2, '\0', size - 2) != NULL || !set_value((const char *)data + 2, size - 2))
        return 0; /* not UTF-8: DuckDB refuses the record before any parsing */
    duckdb_result result;
    if (duckdb_execute_prepared(q->statement, &result) != DuckDBSuccess)
        fail("the load query failed", duckdb_result_error(&result), q->sql);
    if (duckdb_value_int64(&result, 0, 0) != 0)
        fail("a value parsed to something its text does not say", NULL, q->sql);
    duckdb_destroy_result(&result);
    return 0;
}
