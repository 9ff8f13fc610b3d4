/*
 * test_query_params.c — statements with bound parameters (db.h, table.h,
 * query.h): values arrive as data whatever quotes they hold, NULL binds SQL
 * NULL, DuckDB casts them where the SQL says, and a wrong parameter count,
 * a statement that does not prepare or more than one statement is an error.
 * A table's texts (table.h) are copied whole, whatever their length, and a
 * cell equal to the one above it shares its copy. DuckDB's stack trace is left
 * out of an error's message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "warehouse/db.h"
#include "warehouse/query.h"
#include "warehouse/table.h"

static int setup(void **state) {
    tn_db *db = NULL;
    if (!tn_db_open(":memory:", TN_DB_READ_WRITE, &db, NULL) ||
        !tn_db_exec(db, "CREATE TABLE people (id VARCHAR, age INTEGER, note VARCHAR)", NULL)) {
        tn_db_close(db);
        return -1;
    }
    *state = db;
    return 0;
}

static int teardown(void **state) {
    tn_db_close(*state);
    return 0;
}

static const char *const insert_sql = "INSERT INTO people VALUES ($1, CAST($2 AS INTEGER), $3)";

static void test_values_with_quotes_are_data(void **state) {
    tn_db *db = *state;
    tn_error err;
    const char *obrien[] = {"O'Brien", "41", "it's \"quoted\"; DROP TABLE people; --"};
    const char *plain[] = {"ada", "36", NULL};
    assert_true(tn_db_exec_params(db, insert_sql, obrien, 3, &err));
    assert_true(tn_db_exec_params(db, insert_sql, plain, 3, &err));

    tn_table row = {0};
    const char *id[] = {"O'Brien"};
    assert_true(tn_table_query_params(db,
                                      "SELECT note, CAST(age AS DOUBLE) AS age FROM people "
                                      "WHERE id = $1",
                                      id, 1, &row, &err));
    assert_int_equal(row.rows, 1);
    assert_string_equal(tn_table_texts(&row, "note")[0], obrien[2]);
    assert_true(tn_table_numbers(&row, "age")[0] == 41.0);
    tn_table_free(&row);

    /* the classic injection finds nothing: it is one odd id, not SQL */
    const char *injection[] = {"x' OR '1'='1"};
    assert_true(
        tn_table_query_params(db, "SELECT id FROM people WHERE id = $1", injection, 1, &row, &err));
    assert_int_equal(row.rows, 0);
    tn_table_free(&row);

    uint64_t count = 0;
    assert_true(tn_query_count_params(db, "SELECT count(*) FROM people", NULL, 0, &count, &err));
    assert_int_equal(count, 2);
    assert_true(tn_db_exec(db, "DELETE FROM people", &err));
}

static void test_null_binds_sql_null(void **state) {
    tn_db *db = *state;
    tn_error err;
    const char *row[] = {"grace", NULL, NULL};
    assert_true(tn_db_exec_params(db, insert_sql, row, 3, &err));
    uint64_t nulls = 0;
    const char *id[] = {"grace"};
    assert_true(tn_query_count_params(
        db, "SELECT count(*) FROM people WHERE id = $1 AND age IS NULL AND note IS NULL", id, 1,
        &nulls, &err));
    assert_int_equal(nulls, 1);
    assert_true(tn_db_exec(db, "DELETE FROM people", &err));
}

static void test_numbers_are_cast_where_the_sql_says(void **state) {
    tn_db *db = *state;
    tn_error err;
    const char *params[] = {"7", "35"};
    size_t rows = 0;
    int64_t *numbers = tn_query_numbers_params(
        db, "SELECT CAST($1 AS INTEGER) * 6, CAST($2 AS BIGINT) + 7", params, 2, 2, &rows, &err);
    assert_non_null(numbers);
    assert_int_equal(rows, 1);
    assert_int_equal(numbers[0], 42);
    assert_int_equal(numbers[1], 42);
    free(numbers);

    const char *not_a_number[] = {"seven"};
    assert_false(tn_db_exec_params(db, "SELECT CAST($1 AS INTEGER)", not_a_number, 1, &err));
    assert_int_equal(err.code, TN_ERR_DB);
}

static void test_wrong_parameter_count_is_internal(void **state) {
    tn_db *db = *state;
    tn_error err;
    const char *one[] = {"a"};
    assert_false(tn_db_exec_params(db, "SELECT $1, $2", one, 1, &err));
    assert_int_equal(err.code, TN_ERR_INTERNAL);
    assert_non_null(strstr(err.message, "takes 2 parameters, given 1"));
    assert_false(tn_db_exec_params(db, "SELECT 1", one, 1, &err));
    assert_int_equal(err.code, TN_ERR_INTERNAL);
}

/* Texts kept in the table's blocks: whole, NULLs kept, a repeat of the cell above shared. */
static void test_table_texts(void **state) {
    tn_db *db = *state;
    tn_error err;
    tn_table t = {0};
    /* rows 0-4 as written here; 5000 rows of 'same' then; a text longer than a block */
    bool ok = tn_table_query(db,
                             "SELECT CAST(i AS DOUBLE) AS i, t FROM ("
                             "SELECT * FROM (VALUES (0, 'tier'), (1, 'tier'), (2, NULL), "
                             "(3, 'tier'), (4, ''), (5, 'tie')) AS v(i, t) "
                             "UNION ALL SELECT 10 + i, 'same' FROM range(5000) AS r(i) "
                             "UNION ALL SELECT 9000, repeat('x', 300000)) ORDER BY i",
                             &t, &err);
    if (!ok)
        tn_table_free(&t);
    assert_true(ok);
    assert_int_equal(t.rows, 5007);
    char *const *texts = tn_table_texts(&t, "t");
    assert_non_null(texts);
    assert_string_equal(texts[0], "tier");
    assert_ptr_equal(texts[1], texts[0]); /* equal to the cell above: shared */
    assert_null(texts[2]);
    assert_string_equal(texts[3], "tier"); /* above it is NULL: a copy of its own */
    assert_ptr_not_equal(texts[3], texts[0]);
    assert_string_equal(texts[4], "");
    assert_string_equal(texts[5], "tie"); /* a prefix of the cell two above is not equal */
    for (size_t r = 6; r < 5006; r++)
        assert_string_equal(texts[r], "same");
    assert_ptr_equal(texts[5005], texts[6]);
    assert_int_equal(strlen(texts[5006]), 300000);
    assert_int_equal(strspn(texts[5006], "x"), 300000);
    tn_table_free(&t);
}

static void test_bad_statement_is_a_database_error(void **state) {
    tn_db *db = *state;
    tn_error err;
    tn_table table = {0};
    assert_false(tn_table_query_params(db, "SELECT id FROM nowhere WHERE id = $1",
                                       (const char *[]){"x"}, 1, &table, &err));
    assert_int_equal(err.code, TN_ERR_DB);
    assert_non_null(strstr(err.message, "nowhere"));
    tn_table_free(&table);
    /* one statement only: a second cannot ride along with the parameters */
    assert_false(
        tn_db_exec_params(db, "SELECT $1; DROP TABLE people", (const char *[]){"x"}, 1, &err));
    assert_int_equal(err.code, TN_ERR_DB);
    uint64_t tables = 0;
    assert_true(tn_query_count(db,
                               "SELECT count(*) FROM duckdb_tables() WHERE table_name = "
                               "'people'",
                               &tables, &err));
    assert_int_equal(tables, 1);
}

/* DuckDB appends a C++ stack trace to an internal error; the user is given the message alone. */
static void test_stack_trace_left_out(void **state) {
    tn_db *db = *state;
    tn_error err;
    tn_error_clear(&err);
    assert_false(
        tn_db_error(db,
                    "INTERNAL Error: Attempted to access index 0 within vector of size 0"
                    "\n\nStack Trace:\n\n/lib/libduckdb.so(duckdb::Exception::ToJSON)+0x241",
                    &err));
    assert_int_equal(err.code, TN_ERR_DB);
    assert_string_equal(err.message,
                        "INTERNAL Error: Attempted to access index 0 within vector of size 0");
    /* a message without one is kept whole, its lines included */
    assert_false(tn_db_error(db, "Binder Error: no column x\n\nLINE 1: SELECT x", &err));
    assert_string_equal(err.message, "Binder Error: no column x\n\nLINE 1: SELECT x");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values_with_quotes_are_data),
        cmocka_unit_test(test_null_binds_sql_null),
        cmocka_unit_test(test_numbers_are_cast_where_the_sql_says),
        cmocka_unit_test(test_wrong_parameter_count_is_internal),
        cmocka_unit_test(test_bad_statement_is_a_database_error),
        cmocka_unit_test(test_table_texts),
        cmocka_unit_test(test_stack_trace_left_out),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
