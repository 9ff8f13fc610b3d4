/*
 * test_interpolated_isotonic.c — the isotonic blocks (tn_isotonic_blocks) and
 * the map drawn through them (interpolated_isotonic.h), against an
 * independent NumPy/scikit-learn implementation of their definitions
 * (tests/fixtures/stats/calibration.json, "blocks" and
 * "interpolated_isotonic", written by make_calibration_fixtures.py there:
 * `/usr/bin/python3 tests/fixtures/stats/make_calibration_fixtures.py >
 * tests/fixtures/stats/calibration.json`, scikit-learn 1.2.1
 * IsotonicRegression), to 1e-6. By hand: strictly increasing everywhere,
 * tied labels pooled exactly, the stored map checked, bad input refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fixture.h"
#include "stats/interpolated_isotonic.h"
#include "stats/isotonic.h"

static json_t *fixtures;

static int setup(void **state) {
    (void)state;
    fixtures = fixture_load("stats/calibration.json");
    return fixtures != NULL ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    json_decref(fixtures);
    return 0;
}

static void test_blocks_match_sklearn(void **state) {
    (void)state;
    const json_t *item = json_object_get(fixtures, "blocks");
    size_t n;
    double *x = fixture_numbers(json_object_get(item, "x"), &n);
    double *y = fixture_numbers(json_object_get(item, "y"), NULL);
    double *weight = fixture_numbers(json_object_get(item, "weight"), NULL);
    const json_t *expected = json_object_get(item, "blocks");
    tn_isotonic_block *blocks;
    size_t count;
    assert_true(tn_isotonic_blocks(x, y, weight, n, &blocks, &count, NULL));
    assert_int_equal(count, json_array_size(expected));
    for (size_t b = 0; b < count; b++) {
        double *want = fixture_numbers(json_array_get(expected, b), NULL);
        assert_close(blocks[b].x, want[0], "centre");
        assert_close(blocks[b].y, want[1], "value");
        assert_close(blocks[b].weight, want[2], "weight");
        free(want);
    }
    free(blocks), free(x), free(y), free(weight);
}

static void test_equal_rates_pool(void **state) {
    (void)state;
    /* pooling gives {1, 0, 0} and then {1, 0, 0} again: rates 1/3 and 1/3 side by side are
       one block, not two knots at one level (tn_isotonic_fit keeps them apart) */
    const double x[] = {1, 2, 3, 4, 5, 6}, y[] = {1, 0, 0, 1, 0, 0};
    tn_isotonic_block *blocks;
    size_t count;
    assert_true(tn_isotonic_blocks(x, y, NULL, 6, &blocks, &count, NULL));
    assert_int_equal(count, 1);
    assert_close(blocks[0].x, 3.5, "the mean x");
    assert_close(blocks[0].y, 1.0 / 3.0, "the rate");
    assert_close(blocks[0].weight, 6.0, "all rows");
    free(blocks);
}

static void test_fit_matches_sklearn(void **state) {
    (void)state;
    const json_t *cases = json_object_get(fixtures, "interpolated_isotonic");
    assert_int_equal(json_array_size(cases), 2);
    for (size_t c = 0; c < json_array_size(cases); c++) {
        const json_t *item = json_array_get(cases, c);
        const char *name = json_string_value(json_object_get(item, "name"));
        size_t n, k, g;
        double *s = fixture_numbers(json_object_get(item, "s"), &n);
        double *y = fixture_numbers(json_object_get(item, "y"), NULL);
        double *x = fixture_numbers(json_object_get(item, "x"), &k);
        double *z = fixture_numbers(json_object_get(item, "log_odds"), NULL);
        double *grid = fixture_numbers(json_object_get(item, "grid"), &g);
        double *expected = fixture_numbers(json_object_get(item, "predicted"), NULL);
        tn_interpolated_isotonic model;
        assert_true(tn_interpolated_isotonic_fit(s, y, n, &model, NULL));
        assert_int_equal(model.count, k);
        for (size_t i = 0; i < k; i++) {
            assert_close(model.x[i], x[i], name);
            assert_close(model.log_odds[i], z[i], name);
        }
        assert_close(model.tail_slope, 1.0, name);
        for (size_t i = 0; i < g; i++)
            assert_close(tn_interpolated_isotonic_apply(&model, grid[i]), expected[i], name);
        tn_interpolated_isotonic_free(&model);
        free(s), free(y), free(x), free(z), free(grid), free(expected);
    }
}

static void test_strictly_increasing_everywhere(void **state) {
    (void)state;
    const json_t *item = json_array_get(json_object_get(fixtures, "interpolated_isotonic"), 0);
    size_t n;
    double *s = fixture_numbers(json_object_get(item, "s"), &n);
    double *y = fixture_numbers(json_object_get(item, "y"), NULL);
    tn_interpolated_isotonic model;
    assert_true(tn_interpolated_isotonic_fit(s, y, n, &model, NULL));
    assert_true(tn_interpolated_isotonic_check(&model, NULL));
    double previous = tn_interpolated_isotonic_apply(&model, -20.0);
    for (double x = -19.99; x < 20; x += 0.01) { /* across the tails and every knot */
        double p = tn_interpolated_isotonic_apply(&model, x);
        assert_true(p > previous);
        assert_true(p > 0 && p < 1);
        previous = p;
    }
    tn_interpolated_isotonic_free(&model);
    free(s), free(y);
}

static void test_check_refuses_bad_maps(void **state) {
    (void)state;
    double x[] = {-1, 0, 1}, z[] = {-3, -2, -2};
    tn_interpolated_isotonic model = {3, x, z, 1.0};
    tn_error err;
    assert_false(tn_interpolated_isotonic_check(&model, &err));
    assert_string_equal(err.message, "the knots do not strictly increase at 2");
    z[2] = -1, x[1] = -1;
    assert_false(tn_interpolated_isotonic_check(&model, &err));
    assert_string_equal(err.message, "the knots do not strictly increase at 1");
    x[1] = 0, model.tail_slope = 0;
    assert_false(tn_interpolated_isotonic_check(&model, &err));
    assert_string_equal(err.message, "the tail slope must be a positive number");
    model.tail_slope = 1, z[0] = INFINITY;
    assert_false(tn_interpolated_isotonic_check(&model, &err));
    assert_string_equal(err.message, "knot 0 is not finite");
    z[0] = -3;
    assert_true(tn_interpolated_isotonic_check(&model, &err));
}

static void test_refuses_what_it_cannot_fit(void **state) {
    (void)state;
    tn_error err;
    tn_interpolated_isotonic model;
    assert_false(tn_interpolated_isotonic_fit(NULL, NULL, 0, &model, &err));
    assert_int_equal(err.code, TN_ERR_INPUT);
    const double s[] = {0.5, NAN}, y[] = {0, 1};
    assert_false(tn_interpolated_isotonic_fit(s, y, 2, &model, &err));
    assert_string_equal(err.message, "score 1 is not a finite number");
    tn_isotonic_block *blocks;
    size_t count;
    assert_false(tn_isotonic_blocks(NULL, NULL, NULL, 0, &blocks, &count, &err));
    assert_int_equal(err.code, TN_ERR_INPUT);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blocks_match_sklearn),
        cmocka_unit_test(test_equal_rates_pool),
        cmocka_unit_test(test_fit_matches_sklearn),
        cmocka_unit_test(test_strictly_increasing_everywhere),
        cmocka_unit_test(test_check_refuses_bad_maps),
        cmocka_unit_test(test_refuses_what_it_cannot_fit),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
