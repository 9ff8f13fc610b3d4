/*
 * test_beta_calibration.c — beta calibration against SciPy and scikit-learn
 * (tests/fixtures/stats/calibration.json, "beta", written by
 * make_calibration_fixtures.py there: `/usr/bin/python3
 * tests/fixtures/stats/make_calibration_fixtures.py >
 * tests/fixtures/stats/calibration.json`, SciPy 1.10.1 checked against
 * scikit-learn 1.2.1), to 1e-6: a full fit, and the authors' refits when a
 * or b comes out negative. By hand: a = b is Platt scaling of the margin,
 * the map increases, extremes do not overflow, and what cannot be fitted is
 * refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>

#include "fixture.h"
#include "stats/beta_calibration.h"

static json_t *fixtures;

static int setup(void **state) {
    (void)state;
    gsl_set_error_handler_off(); /* as main() does: a singular Hessian is an error, not an abort */
    fixtures = fixture_load("stats/calibration.json");
    return fixtures != NULL ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    json_decref(fixtures);
    return 0;
}

static void test_fit_matches_scipy(void **state) {
    (void)state;
    const json_t *cases = json_object_get(fixtures, "beta");
    assert_int_equal(json_array_size(cases), 3);
    for (size_t c = 0; c < json_array_size(cases); c++) {
        const json_t *item = json_array_get(cases, c);
        const char *name = json_string_value(json_object_get(item, "name"));
        size_t n, g;
        double *m = fixture_numbers(json_object_get(item, "m"), &n);
        double *y = fixture_numbers(json_object_get(item, "y"), NULL);
        double *grid = fixture_numbers(json_object_get(item, "grid"), &g);
        double *expected = fixture_numbers(json_object_get(item, "predicted"), NULL);
        tn_beta_calibration model;
        assert_true(tn_beta_calibration_fit(m, y, n, &model, NULL));
        assert_close(model.a, fixture_number(item, "a"), name);
        assert_close(model.b, fixture_number(item, "b"), name);
        assert_close(model.c, fixture_number(item, "c"), name);
        assert_true(tn_beta_calibration_increasing(&model));
        for (size_t i = 0; i < g; i++)
            assert_close(tn_beta_calibration_apply(&model, grid[i]), expected[i], name);
        free(m), free(y), free(grid), free(expected);
    }
}

static void test_refits_keep_a_and_b_at_zero(void **state) {
    (void)state;
    const json_t *cases = json_object_get(fixtures, "beta");
    /* the fixtures' second and third cases are made so that a, then b, comes out negative */
    assert_true(fixture_number(json_array_get(cases, 1), "a") == 0.0);
    assert_true(fixture_number(json_array_get(cases, 2), "b") == 0.0);
    for (size_t c = 1; c < 3; c++) {
        const json_t *item = json_array_get(cases, c);
        size_t n;
        double *m = fixture_numbers(json_object_get(item, "m"), &n);
        double *y = fixture_numbers(json_object_get(item, "y"), NULL);
        tn_beta_calibration model;
        assert_true(tn_beta_calibration_fit(m, y, n, &model, NULL));
        assert_true(c == 1 ? model.a == 0.0 : model.b == 0.0);
        for (double x = -12; x < 12; x += 0.5)
            assert_true(tn_beta_calibration_apply(&model, x + 0.5) >
                        tn_beta_calibration_apply(&model, x));
        free(m), free(y);
    }
}

static void test_equal_a_and_b_is_platt(void **state) {
    (void)state;
    /* a·ln q − a·ln(1 − q) = a·logit(q) = a·m */
    tn_beta_calibration model = {1.75, 1.75, -0.5};
    for (double m = -8; m <= 8; m += 0.75)
        assert_close(tn_beta_calibration_apply(&model, m), 1.0 / (1.0 + exp(-(1.75 * m - 0.5))),
                     "a = b");
}

static void test_increasing_needs_a_and_b_at_least_zero(void **state) {
    (void)state;
    assert_true(tn_beta_calibration_increasing(&(tn_beta_calibration){0, 0.5, 1}));
    assert_true(tn_beta_calibration_increasing(&(tn_beta_calibration){0.5, 0, -1}));
    assert_false(tn_beta_calibration_increasing(&(tn_beta_calibration){0, 0, 1}));
    assert_false(tn_beta_calibration_increasing(&(tn_beta_calibration){-0.1, 2, 0}));
    assert_false(tn_beta_calibration_increasing(&(tn_beta_calibration){2, -0.1, 0}));
    assert_false(tn_beta_calibration_increasing(&(tn_beta_calibration){NAN, 1, 0}));
}

static void test_extremes_do_not_overflow(void **state) {
    (void)state;
    tn_beta_calibration model = {0.7, 1.2, -2.5};
    assert_close(tn_beta_calibration_apply(&model, 1e6), 1.0, "far right");
    assert_close(tn_beta_calibration_apply(&model, -1e6), 0.0, "far left");
    /* at m = 0: ln q = −ln 2 = ln(1 − q), z = −0.7 ln 2 + 1.2 ln 2 − 2.5 */
    assert_close(tn_beta_calibration_apply(&model, 0.0), 1.0 / (1.0 + exp(2.5 - 0.5 * log(2.0))),
                 "centre");
}

static void test_refuses_what_it_cannot_fit(void **state) {
    (void)state;
    tn_error err;
    tn_beta_calibration model;
    assert_false(tn_beta_calibration_fit(NULL, NULL, 0, &model, &err));
    assert_int_equal(err.code, TN_ERR_INPUT);
    const double m[] = {-1, 0.5, NAN, 2}, y[] = {0, 1, 0, 1};
    assert_false(tn_beta_calibration_fit(m, y, 4, &model, &err));
    assert_string_equal(err.message, "margin 2 is not a finite number");
    const double zeros[] = {0, 0, 0, 0};
    assert_false(tn_beta_calibration_fit(y, zeros, 4, &model, &err));
    assert_string_equal(err.message, "beta calibration needs labels of both classes");
    const double separated[] = {-3, -2, -1, 1, 2, 3}, labels[] = {0, 0, 0, 1, 1, 1};
    assert_false(tn_beta_calibration_fit(separated, labels, 6, &model, &err));
    assert_int_equal(err.code, TN_ERR_INPUT);
    assert_non_null(strstr(err.message, "did not converge"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fit_matches_scipy),
        cmocka_unit_test(test_refits_keep_a_and_b_at_zero),
        cmocka_unit_test(test_equal_a_and_b_is_platt),
        cmocka_unit_test(test_increasing_needs_a_and_b_at_least_zero),
        cmocka_unit_test(test_extremes_do_not_overflow),
        cmocka_unit_test(test_refuses_what_it_cannot_fit),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
