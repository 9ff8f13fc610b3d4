/*
 * test_platt.c — Platt scaling against SciPy and scikit-learn
 * (tests/fixtures/stats/platt.json, written by make_platt_fixtures.py there:
 * `/usr/bin/python3 tests/fixtures/stats/make_platt_fixtures.py >
 * tests/fixtures/stats/platt.json`, SciPy 1.10.1 checked against
 * scikit-learn 1.2.1), to 1e-6, and its edge cases by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fixture.h"
#include "stats/platt.h"

static json_t *fixtures;

static int setup(void **state) {
    (void)state;
    fixtures = fixture_load("stats/platt.json");
    return fixtures != NULL ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    json_decref(fixtures);
    return 0;
}

static void test_fit_matches_scipy(void **state) {
    (void)state;
    const json_t *cases = json_object_get(fixtures, "platt");
    assert_int_equal(json_array_size(cases), 3);
    for (size_t c = 0; c < json_array_size(cases); c++) {
        const json_t *item = json_array_get(cases, c);
        const char *name = json_string_value(json_object_get(item, "name"));
        size_t n, g;
        double *s = fixture_numbers(json_object_get(item, "s"), &n);
        double *y = fixture_numbers(json_object_get(item, "y"), NULL);
        double *grid = fixture_numbers(json_object_get(item, "grid"), &g);
        double *expected = fixture_numbers(json_object_get(item, "predicted"), NULL);
        tn_platt model;
        assert_true(tn_platt_fit(s, y, n, &model, NULL));
        assert_close(model.a, fixture_number(item, "a"), name);
        assert_close(model.b, fixture_number(item, "b"), name);
        for (size_t i = 0; i < g; i++)
            assert_close(tn_platt_apply(&model, grid[i]), expected[i], name);
        free(s), free(y), free(grid), free(expected);
    }
}

static void test_keeps_the_ranking(void **state) {
    (void)state;
    const double s[] = {-4, -3, -2.5, -1, 0, 0.5, 2, 3}, y[] = {0, 0, 1, 0, 0, 1, 1, 1};
    tn_platt model;
    assert_true(tn_platt_fit(s, y, 8, &model, NULL));
    assert_true(model.a > 0);
    for (double x = -10; x < 10; x += 0.25)
        assert_true(tn_platt_apply(&model, x + 0.25) > tn_platt_apply(&model, x));
}

static void test_equal_scores_give_the_smoothed_rate(void **state) {
    (void)state;
    const double s[] = {1.5, 1.5, 1.5, 1.5}, y[] = {1, 0, 0, 0};
    tn_platt model;
    assert_true(tn_platt_fit(s, y, 4, &model, NULL));
    /* targets: 1 positive → 2/3, 3 negatives → 1/5; mean (2/3 + 3/5) / 4 = 19/60 */
    assert_close(model.a, 0.0, "a");
    assert_close(tn_platt_apply(&model, 7.0), 19.0 / 60.0, "p");
}

static void test_extremes_do_not_overflow(void **state) {
    (void)state;
    tn_platt model = {2.0, 0.5};
    assert_close(tn_platt_apply(&model, 1e6), 1.0, "far right");
    assert_close(tn_platt_apply(&model, -1e6), 0.0, "far left");
    assert_close(tn_platt_apply(&model, -0.25), 0.5, "centre");
}

static void test_refuses_what_it_cannot_fit(void **state) {
    (void)state;
    tn_error err;
    tn_platt model;
    assert_false(tn_platt_fit(NULL, NULL, 0, &model, &err));
    assert_int_equal(err.code, TN_ERR_INPUT);
    const double s[] = {0.5, NAN}, y[] = {0, 1};
    assert_false(tn_platt_fit(s, y, 2, &model, &err));
    assert_string_equal(err.message, "score 1 is not a finite number");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fit_matches_scipy),
        cmocka_unit_test(test_keeps_the_ranking),
        cmocka_unit_test(test_equal_scores_give_the_smoothed_rate),
        cmocka_unit_test(test_extremes_do_not_overflow),
        cmocka_unit_test(test_refuses_what_it_cannot_fit),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
