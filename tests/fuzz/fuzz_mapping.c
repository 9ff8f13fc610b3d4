/*
 * fuzz_mapping.c — libFuzzer target: the project file (tenure.yml), read
 * and checked against the data contract (warehouse/mapping.h), and for a
 * file that passes, the SQL the loader writes from it for each table
 * (warehouse/load_sql.h): how each file is read, and how each column's
 * text is taken (a column, a JSON path) and parsed (date formats and their
 * strptime patterns, time zones, decimal separators).
 *
 * The input is the file's bytes. For each table of a file that passes,
 * the CREATE statement is written over a file whose header holds every
 * mapped column (read as text lines and, for JSON lines, structured), and
 * DuckDB's parser reads it. It fails when a statement is not exactly one
 * statement of valid SQL (a name or format the quoting lets out), unless
 * the table maps a column with `sql:` (the user's own SQL, used as
 * written); when a refused file reports no problem; or when a mapped
 * column has both or neither of a source column and an expression.
 *
 * The same bytes are read as the file's alerts: section too
 * (insight/alert_rules.h). It fails when a refused section reports no
 * problem, or a loaded one holds a rule with no target, a target index out
 * of range, a value out of its condition's range, or a target whose URL is
 * not http(s) or whose header lines hold a line break.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <duckdb.h>

#include "insight/alert_rules.h"
#include "memfile.h"
#include "warehouse/contract.h"
#include "warehouse/load_sql.h"
#include "warehouse/mapping.h"

static tn_contract contract;
static duckdb_database database;
static duckdb_connection connection;

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    tn_error err;
    if (!tn_contract_load(&contract, &err) || duckdb_open(NULL, &database) != DuckDBSuccess ||
        duckdb_connect(database, &connection) != DuckDBSuccess) {
        fprintf(stderr, "fuzz_mapping: cannot load the contract or open DuckDB\n");
        abort();
    }
    return 0;
}

static void fail(const char *what, const char *detail) {
    fprintf(stderr, "fuzz_mapping: %s\n%s\n", what, detail);
    abort();
}

static void expect_one_statement(const tn_strbuf *sql) {
    duckdb_extracted_statements statements = NULL;
    idx_t count = duckdb_extract_statements(connection, tn_strbuf_cstr(sql), &statements);
    if (count != 1) {
        const char *error = count == 0 ? duckdb_extract_statements_error(statements) : NULL;
        fprintf(stderr, "fuzz_mapping: %llu statements: %s\n", (unsigned long long)count,
                error ? error : "");
        fail("the load SQL is not one statement", tn_strbuf_cstr(sql));
    }
    duckdb_destroy_extracted(&statements);
}

/* A file whose header has every column the table maps (JSON lines have no header). */
static tn_load_file file_of(const tn_contract_table *table, const tn_table_source *source,
                            char **columns) {
    tn_load_file file = {.path = "exports/it's here.csv", .display = "it's here.csv"};
    for (int c = 0; c < table->column_count; c++) {
        const tn_column_source *column = &source->columns[c];
        if (column->mapped != (column->column != NULL || column->sql != NULL) ||
            (column->column != NULL && column->sql != NULL))
            fail("a mapped column without exactly one source", table->columns[c].name);
        if (column->column != NULL && source->format != TN_FILE_JSONL)
            columns[file.column_count++] = column->column;
    }
    file.columns = columns;
    return file;
}

static void check_table(int t, const tn_table_source *source) {
    const tn_contract_table *table = &contract.tables[t];
    char *columns[TN_CONTRACT_MAX_COLUMNS];
    tn_load_file file = file_of(table, source, columns);
    bool own_sql = false;
    tn_strbuf text = TN_STRBUF_INIT;
    for (int c = 0; c < table->column_count; c++) {
        own_sql = own_sql || source->columns[c].sql != NULL;
        tn_load_sql_expected(&table->columns[c], &source->columns[c], source, &text);
        tn_mapping_time_patterns(source->columns[c].format, &text);
    }
    for (int structured = 0; structured < 2; structured++) {
        if (structured &&
            (source->format != TN_FILE_JSONL || !tn_load_sql_json_structured(table, source)))
            continue;
        tn_strbuf sql = TN_STRBUF_INIT;
        tn_load_sql_create(table, source, t, 0, &file, structured, &sql);
        if (!own_sql)
            expect_one_statement(&sql);
        tn_strbuf_free(&sql);
    }
    tn_strbuf_free(&text);
}

/* What a loaded alerts: section promises (alert_rules.h). */
static void check_alerts(const tn_alert_config *config) {
    for (size_t t = 0; t < config->target_count; t++) {
        const tn_alert_target *target = &config->targets[t];
        /* a scheme is case-insensitive (RFC 3986 §3.1): HTTPS:// is https:// */
        if (strncasecmp(target->url, "http://", 7) != 0 &&
            strncasecmp(target->url, "https://", 8) != 0)
            fail("a target's URL is not http(s)", target->name);
        for (size_t h = 0; h < target->header_count; h++)
            if (strpbrk(target->headers[h], "\r\n") != NULL)
                fail("a header line holds a line break", target->headers[h]);
    }
    for (size_t r = 0; r < config->rule_count; r++) {
        const tn_alert_rule *rule = &config->rules[r];
        if (rule->target_count == 0)
            fail("a rule without a target", rule->name);
        for (size_t t = 0; t < rule->target_count; t++)
            if (rule->targets[t] >= config->target_count)
                fail("a rule's target is out of range", rule->name);
        for (int c = TN_ALERT_CHURN_PROBABILITY_CROSSES; c <= TN_ALERT_CHURN_PROBABILITY_RISES_BY;
             c++)
            if (rule->when.set[c] && !(rule->when.value[c] > 0 && rule->when.value[c] <= 1))
                fail("a threshold outside (0, 1]", rule->name);
    }
}

static void read_alerts(const char *path) {
    tn_alert_config config;
    tn_strbuf problems = TN_STRBUF_INIT;
    tn_error err;
    if (tn_alert_config_load(&contract, path, &config, &problems, &err)) {
        check_alerts(&config);
        tn_alert_config_free(&config);
    } else if (err.code == TN_ERR_INPUT && problems.length == 0) {
        fail("a refused alerts: section with no problem reported", err.message);
    }
    tn_strbuf_free(&problems);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *path = tn_fuzz_memfile(data, size);
    tn_mapping mapping;
    tn_strbuf problems = TN_STRBUF_INIT;
    tn_error err;
    if (tn_mapping_load(&contract, path, &mapping, &problems, &err)) {
        for (int t = 0; t < TN_RAW_TABLE_COUNT; t++)
            if (mapping.tables[t].present)
                check_table(t, &mapping.tables[t]);
        tn_mapping_free(&mapping);
    } else if (err.code == TN_ERR_INPUT && problems.length == 0) {
        fail("a refused project file with no problem reported", err.message);
    }
    tn_strbuf_free(&problems);
    read_alerts(path);
    return 0;
}
