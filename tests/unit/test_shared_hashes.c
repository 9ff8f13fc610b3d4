/*
 * test_shared_hashes.c — warehouse/shared_hashes.h: the hashes more than one
 * row's value has, checked against a plain GROUP BY on DuckDB's hash() (the
 * independent way to the same set), in one pass and, under a small memory
 * limit, in several; NULLs are no value, and the limit is given back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "warehouse/db.h"
#include "warehouse/query.h"
#include "warehouse/shared_hashes.h"

static int setup(void **state) {
    tn_db *db = NULL;
    if (!tn_db_open(":memory:", TN_DB_READ_WRITE, &db, NULL) ||
        !tn_db_exec(db,
                    "CREATE TABLE ids AS SELECT * FROM (VALUES ('a'), ('b'), ('a'), ('c'), (NULL), "
                    "(NULL), ('b'), ('b'), ('d')) AS t(id)",
                    NULL)) {
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

/* Rows in one of the found set and the GROUP BY's set but not the other. */
static uint64_t difference(tn_db *db, const char *relation, const char *column) {
    char sql[1024];
    snprintf(
        sql, sizeof sql,
        "WITH expected AS (SELECT hash(%s) AS h FROM %s WHERE %s IS NOT NULL GROUP BY 1 "
        "HAVING count(*) > 1), found AS (SELECT id_hash AS h FROM tn_found) "
        "SELECT (SELECT count(*) FROM (SELECT h FROM expected EXCEPT ALL SELECT h FROM found)) "
        "+ (SELECT count(*) FROM (SELECT h FROM found EXCEPT ALL SELECT h FROM expected))",
        column, relation, column);
    uint64_t count = UINT64_MAX;
    tn_error err;
    assert_true(tn_query_count(db, sql, &count, &err));
    return count;
}

static void test_small_table_in_one_pass(void **state) {
    tn_db *db = *state;
    tn_error err;
    tn_shared_hashes_stats stats;
    assert_true(tn_shared_hashes_find(db, "ids", "id", "tn_found", &stats, &err));
    assert_int_equal(stats.rows, 7);   /* the two NULLs are no value */
    assert_int_equal(stats.shared, 2); /* a and b, each once */
    assert_int_equal(stats.passes, 1);
    assert_int_equal(difference(db, "ids", "id"), 0);

    /* run again: the table is replaced, not added to */
    assert_true(tn_shared_hashes_find(db, "ids", "id", "tn_found", &stats, &err));
    uint64_t rows = 0;
    assert_true(tn_query_count(db, "SELECT count(*) FROM tn_found", &rows, &err));
    assert_int_equal(rows, 2);
}

static void test_no_repeats_is_an_empty_table(void **state) {
    tn_db *db = *state;
    tn_error err;
    tn_shared_hashes_stats stats;
    assert_true(
        tn_shared_hashes_find(db, "(SELECT DISTINCT id FROM ids)", "id", "tn_found", &stats, &err));
    assert_int_equal(stats.rows, 4);
    assert_int_equal(stats.shared, 0);
    uint64_t rows = 1;
    assert_true(tn_query_count(db, "SELECT count(*) FROM tn_found", &rows, &err));
    assert_int_equal(rows, 0);
}

/* 3M values, 2.5M of them distinct: 33 MB of hashes, more than half of a 64 MB limit. */
static void test_small_limit_takes_passes(void **state) {
    tn_db *db = *state;
    tn_error err;
    const char *relation = "(SELECT 'id-' || (i % 2500000) AS id FROM range(3000000) AS t(i))";
    assert_true(tn_db_set_memory_limit(db, 64000000, &err));
    tn_shared_hashes_stats stats;
    assert_true(tn_shared_hashes_find(db, relation, "id", "tn_found", &stats, &err));
    assert_int_equal(tn_db_memory_limit(db), 64000000); /* given back */
    assert_true(stats.passes > 1);
    assert_int_equal(stats.rows, 3000000);
    assert_int_equal(stats.shared, 500000);
    assert_true(tn_db_set_memory_limit(db, 1000000000, &err));
    assert_int_equal(difference(db, relation, "id"), 0);
}

static void test_unknown_table_is_an_error(void **state) {
    tn_db *db = *state;
    tn_error err;
    assert_false(tn_shared_hashes_find(db, "no_such_table", "id", "tn_found", NULL, &err));
    assert_int_equal(err.code, TN_ERR_DB);
    assert_non_null(strstr(err.message, "no_such_table"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_small_table_in_one_pass, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_repeats_is_an_empty_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_small_limit_takes_passes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_table_is_an_error, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
