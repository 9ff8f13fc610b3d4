/*
 * test_association.c — point-biserial r, Mann-Whitney U and the chi-square
 * test of independence against SciPy: reference values from
 * tests/fixtures/stats/tests.json, written by make_tests_fixtures.py there
 * (SciPy 1.10.1), matched to 1e-6 relative.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>

#include "fixture.h"
#include "stats/association.h"

static json_t *fixtures;

static int setup(void **state) {
    (void)state;
    gsl_set_error_handler_off();
    fixtures = fixture_load("stats/tests.json");
    return fixtures != NULL ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    json_decref(fixtures);
    return 0;
}

static void test_point_biserial_matches_scipy(void **state) {
    (void)state;
    const json_t *cases = json_object_get(fixtures, "point_biserial");
    for (size_t c = 0; c < json_array_size(cases); c++) {
        const json_t *item = json_array_get(cases, c);
        const char *name = json_string_value(json_object_get(item, "name"));
        size_t n;
        double *x = fixture_numbers(json_object_get(item, "x"), &n);
        int *group = fixture_ints(json_object_get(item, "group"), NULL);
        tn_point_biserial_result result;
        assert_true(tn_point_biserial(x, group, n, &result, NULL));
        assert_close(result.r, fixture_number(item, "r"), name);
        assert_close(result.p, fixture_number(item, "p"), name);
        free(x), free(group);
    }
}

static void test_point_biserial_degenerate(void **state) {
    (void)state;
    const double x[] = {1, 2, 3, 4}, flat[] = {2, 2, 2, 2};
    const int one_group[] = {1, 1, 1, 1}, groups[] = {0, 1, 0, 1};
    tn_point_biserial_result result;
    tn_error err;
    assert_false(tn_point_biserial(x, one_group, 4, &result, &err));
    assert_non_null(strstr(err.message, "one group is empty"));
    assert_false(tn_point_biserial(flat, groups, 4, &result, &err));
    assert_non_null(strstr(err.message, "constant"));
    assert_false(tn_point_biserial(x, groups, 2, &result, &err));
}

static void test_mann_whitney_matches_scipy(void **state) {
    (void)state;
    const json_t *cases = json_object_get(fixtures, "mann_whitney");
    for (size_t c = 0; c < json_array_size(cases); c++) {
        const json_t *item = json_array_get(cases, c);
        const char *name = json_string_value(json_object_get(item, "name"));
        size_t n1, n2;
        double *a = fixture_numbers(json_object_get(item, "a"), &n1);
        double *b = fixture_numbers(json_object_get(item, "b"), &n2);
        tn_mann_whitney_result result;
        tn_error err;
        if (!tn_mann_whitney(a, n1, b, n2, &result, &err))
            fail_msg("%s: %s", name, err.message);
        const json_t *two = json_object_get(item, "two_sided");
        assert_close(result.u1, fixture_number(two, "u"),
                     name); /* scipy reports U of the first sample */
        assert_close(result.p_two_sided, fixture_number(two, "p"), name);
        assert_close(result.p_greater, fixture_number(json_object_get(item, "greater"), "p"), name);
        assert_close(result.p_less, fixture_number(json_object_get(item, "less"), "p"), name);
        free(a), free(b);
    }
}

static void test_mann_whitney_degenerate(void **state) {
    (void)state;
    const double same[] = {3, 3, 3};
    tn_mann_whitney_result result;
    tn_error err;
    assert_false(tn_mann_whitney(same, 3, same, 3, &result, &err));
    assert_non_null(strstr(err.message, "tied"));
    assert_false(tn_mann_whitney(same, 3, same, 0, &result, &err));
    assert_non_null(strstr(err.message, "empty"));
}

static void test_chi_square_matches_scipy(void **state) {
    (void)state;
    const json_t *cases = json_object_get(fixtures, "chi_square");
    for (size_t c = 0; c < json_array_size(cases); c++) {
        const json_t *item = json_array_get(cases, c);
        const char *name = json_string_value(json_object_get(item, "name"));
        const json_t *table = json_object_get(item, "table");
        size_t rows = json_array_size(table), cols = json_array_size(json_array_get(table, 0));
        double *cells = malloc(rows * cols * sizeof *cells);
        for (size_t r = 0; r < rows; r++)
            for (size_t k = 0; k < cols; k++)
                cells[r * cols + k] =
                    json_number_value(json_array_get(json_array_get(table, r), k));
        tn_chi_square_result result;
        assert_true(tn_chi_square(cells, rows, cols, &result, NULL));
        assert_close(result.chisq, fixture_number(item, "chisq"), name);
        assert_close(result.p, fixture_number(item, "p"), name);
        assert_int_equal(result.df, (int)fixture_number(item, "df"));
        free(cells);
    }
}

static void test_chi_square_degenerate(void **state) {
    (void)state;
    const double empty_row[] = {0, 0, 3, 4};
    tn_chi_square_result result;
    tn_error err;
    assert_false(tn_chi_square(empty_row, 2, 2, &result, &err));
    assert_non_null(strstr(err.message, "row 1"));
    assert_false(tn_chi_square(empty_row, 1, 4, &result, &err));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_point_biserial_matches_scipy),
        cmocka_unit_test(test_point_biserial_degenerate),
        cmocka_unit_test(test_mann_whitney_matches_scipy),
        cmocka_unit_test(test_mann_whitney_degenerate),
        cmocka_unit_test(test_chi_square_matches_scipy),
        cmocka_unit_test(test_chi_square_degenerate),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
