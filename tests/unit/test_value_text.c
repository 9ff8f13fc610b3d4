/*
 * test_value_text.c — DuckDB values as text, for every type `tenure sql` may
 * meet. Expected texts are DuckDB's own casts to VARCHAR (run in the same
 * query), except floats, which are the shortest text that reads back equal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "warehouse/db.h"
#include "warehouse/value_text.h"

static tn_db *db;

static int setup(void **state) {
    (void)state;
    return tn_db_open(":memory:", TN_DB_READ_WRITE, &db, NULL) ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    tn_db_close(db);
    return 0;
}

/* The text of the first value of `expression`, and DuckDB's own ::VARCHAR of it. */
static void texts(const char *expression, tn_strbuf *ours, tn_strbuf *duckdbs, bool *present) {
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT %s, CAST(%s AS VARCHAR)", expression, expression);
    duckdb_result result;
    tn_error err;
    if (!tn_db_query(db, sql, &result, &err))
        fail_msg("%s: %s", sql, err.message);
    duckdb_data_chunk chunk = duckdb_fetch_chunk(result);
    assert_non_null(chunk);
    *present = tn_value_text(duckdb_data_chunk_get_vector(chunk, 0), 0, ours);
    tn_value_text(duckdb_data_chunk_get_vector(chunk, 1), 0, duckdbs);
    duckdb_destroy_data_chunk(&chunk);
    duckdb_destroy_result(&result);
}

/* Our text equals DuckDB's VARCHAR cast of the same value. */
static void assert_like_duckdb(const char *expression) {
    tn_strbuf ours = TN_STRBUF_INIT, theirs = TN_STRBUF_INIT;
    bool present;
    texts(expression, &ours, &theirs, &present);
    assert_true(present);
    if (strcmp(tn_strbuf_cstr(&ours), tn_strbuf_cstr(&theirs)) != 0)
        fail_msg("%s: ours '%s', DuckDB's '%s'", expression, tn_strbuf_cstr(&ours),
                 tn_strbuf_cstr(&theirs));
    tn_strbuf_free(&ours);
    tn_strbuf_free(&theirs);
}

static void assert_text(const char *expression, const char *expected) {
    tn_strbuf ours = TN_STRBUF_INIT, theirs = TN_STRBUF_INIT;
    bool present;
    texts(expression, &ours, &theirs, &present);
    assert_true(present);
    assert_string_equal(tn_strbuf_cstr(&ours), expected);
    tn_strbuf_free(&ours);
    tn_strbuf_free(&theirs);
}

static void test_scalars_match_duckdb(void **state) {
    (void)state;
    static const char *const expressions[] = {
        "true",
        "42::TINYINT",
        "-7::SMALLINT",
        "123456::INTEGER",
        "-9007199254740993::BIGINT",
        "200::UTINYINT",
        "65535::USMALLINT",
        "4000000000::UINTEGER",
        "18446744073709551615::UBIGINT",
        "170141183460469231731687303715884105727::HUGEINT",
        "-5::HUGEINT",
        "12.50::DECIMAL(12,2)",
        "-0.05::DECIMAL(4,2)",
        "123456789012345678901234.5::DECIMAL(38,1)",
        "1234.5678::DECIMAL(8,4)",
        "'text with, comma'",
        "DATE '2024-02-29'",
        "DATE '0001-01-01'",
        "TIME '01:02:03'",
        "TIME '23:59:59.5'",
        "TIMESTAMP '2026-03-14 12:34:56'",
        "TIMESTAMP '1969-12-31 23:59:59.25'",
        "'4b2716f2-3c22-4987-9e79-804e9c437786'::UUID",
        "'ffffffff-ffff-ffff-ffff-ffffffffffff'::UUID",
        "INTERVAL 3 DAY",
        "'b'::ENUM('a', 'b', 'c')",
        "[1, 2, 3]",
        "[[1, 2], [3]]",
        "{'x': 1, 'y': 'z'}",
        "[{'a': 'x'}]",
        "[1, NULL]::INTEGER[2]",
    };
    for (size_t i = 0; i < sizeof expressions / sizeof expressions[0]; i++)
        assert_like_duckdb(expressions[i]);
}

static void test_forms_of_our_own(void **state) {
    (void)state;
    assert_text("0.7188::FLOAT", "0.7188"); /* shortest round trip, not 0.718800008 */
    assert_text("0.1::DOUBLE", "0.1");
    assert_text("1e300::DOUBLE", "1e+300");
    assert_text("INTERVAL '1 year 2 months 3 days 04:05:06'", "1 year 2 months 3 days 04:05:06");
    assert_text("TIMESTAMPTZ '2024-01-01 00:00:00+00'", "2024-01-01 00:00:00+00");
    assert_text("DATE 'infinity'", "infinity");
    assert_text("'a\\x00b'::BLOB", "a\\x00b");
    assert_text("MAP {'a': 1}", "{a=1}");
}

static void test_null_is_reported_not_written(void **state) {
    (void)state;
    tn_strbuf ours = TN_STRBUF_INIT, theirs = TN_STRBUF_INIT;
    bool present = true;
    texts("NULL::INTEGER", &ours, &theirs, &present);
    assert_false(present);
    assert_int_equal(ours.length, 0);
    tn_strbuf_free(&ours);
    tn_strbuf_free(&theirs);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scalars_match_duckdb),
        cmocka_unit_test(test_forms_of_our_own),
        cmocka_unit_test(test_null_is_reported_not_written),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
