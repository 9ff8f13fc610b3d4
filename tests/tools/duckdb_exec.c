/*
 * duckdb_exec.c — a test tool: runs SQL against a DuckDB file, read-write.
 *
 *     duckdb_exec DB "SQL"      or      duckdb_exec DB < file.sql
 *
 * `tenure sql` opens the warehouse read-only, so tests that must put rows
 * into a warehouse which `tenure build` would never load (a ticket after
 * its customer churned, for `tenure check` to find) use this. It prints the
 * last statement's result as CSV (no quoting) and exits 1 with DuckDB's
 * message on failure. Not installed, not part of tenure.
 *
 *     duckdb_exec --hold DB
 *
 * opens DB read-only, prints "holding", and keeps it open (and its lock
 * held) until stdin ends: the lock tests' stand-in for another reader.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <duckdb.h>

static char *read_all(FILE *in) {
    size_t capacity = 1 << 16, length = 0;
    char *text = malloc(capacity);
    size_t n;
    while (text != NULL && (n = fread(text + length, 1, capacity - length - 1, in)) > 0) {
        length += n;
        if (capacity - length < 2) {
            char *grown = realloc(text, capacity *= 2);
            if (grown == NULL)
                free(text);
            text = grown;
        }
    }
    if (text != NULL)
        text[length] = '\0';
    return text;
}

static void print_result(duckdb_result *result) {
    idx_t columns = duckdb_column_count(result), rows = duckdb_row_count(result);
    for (idx_t r = 0; r < rows; r++) {
        for (idx_t c = 0; c < columns; c++) {
            char *value = duckdb_value_varchar(result, c, r);
            printf("%s%s", c ? "," : "", value != NULL ? value : "");
            duckdb_free(value);
        }
        putchar('\n');
    }
}

static int hold(const char *path) {
    duckdb_config config;
    duckdb_database database;
    char *message = NULL;
    duckdb_create_config(&config);
    duckdb_set_config(config, "access_mode", "READ_ONLY");
    bool opened = duckdb_open_ext(path, &database, config, &message) == DuckDBSuccess;
    duckdb_destroy_config(&config);
    if (!opened) {
        fprintf(stderr, "%s: %s\n", path, message != NULL ? message : "cannot open");
        duckdb_free(message);
        return 1;
    }
    printf("holding\n");
    fflush(stdout);
    while (getchar() != EOF)
        continue;
    duckdb_close(&database);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "--hold") == 0)
        return hold(argv[2]);
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s DB [SQL]   (SQL from stdin when not given)\n", argv[0]);
        return 2;
    }
    char *sql = argc == 3 ? strdup(argv[2]) : read_all(stdin);
    duckdb_database database;
    duckdb_connection connection;
    if (sql == NULL || duckdb_open(argv[1], &database) != DuckDBSuccess) {
        fprintf(stderr, "%s: cannot open\n", argv[1]);
        free(sql);
        return 1;
    }
    int status = 1;
    if (duckdb_connect(database, &connection) == DuckDBSuccess) {
        duckdb_result result;
        if (duckdb_query(connection, sql, &result) == DuckDBSuccess) {
            print_result(&result);
            status = 0;
        } else {
            fprintf(stderr, "%s\n", duckdb_result_error(&result));
        }
        duckdb_destroy_result(&result);
        duckdb_disconnect(&connection);
    }
    duckdb_close(&database);
    free(sql);
    return status;
}
