/*
 * test_metrics.c — AUC, Brier score, log loss and isotonic regression
 * against scikit-learn (tests/fixtures/stats/metrics.json, written by
 * make_metrics_fixtures.py there, scikit-learn 1.2.1), the count of
 * distinct values against NumPy (tests/fixtures/stats/calibration.json,
 * "distinct", make_calibration_fixtures.py there: len(numpy.unique(...))),
 * and the top decile, calibration table and ROC curve on examples worked
 * out by hand.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "stats/isotonic.h"
#include "stats/metrics.h"

static json_t *fixtures;

static int setup(void **state) {
    (void)state;
    fixtures = fixture_load("stats/metrics.json");
    return fixtures != NULL ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    json_decref(fixtures);
    return 0;
}

static void test_scores_match_sklearn(void **state) {
    (void)state;
    const json_t *cases = json_object_get(fixtures, "scores");
    for (size_t c = 0; c < json_array_size(cases); c++) {
        const json_t *item = json_array_get(cases, c);
        const char *name = json_string_value(json_object_get(item, "name"));
        size_t n;
        double *p = fixture_numbers(json_object_get(item, "p"), &n);
        int *y = fixture_ints(json_object_get(item, "y"), NULL);
        double auc;
        assert_true(tn_auc(p, y, n, &auc, NULL));
        assert_close(auc, fixture_number(item, "auc"), name);
        assert_close(tn_brier(p, y, n), fixture_number(item, "brier"), name);
        assert_close(tn_log_loss(p, y, n), fixture_number(item, "log_loss"), name);
        free(p), free(y);
    }
}

static void test_auc_needs_both_classes(void **state) {
    (void)state;
    const double p[] = {0.1, 0.9};
    const int y[] = {1, 1};
    double auc = 0;
    assert_true(tn_auc(p, y, 2, &auc, NULL));
    assert_true(isnan(auc));
}

/*
 * Memory that runs out is a failure, never a figure: a row count whose
 * arrays cannot be sized makes each sorting metric fail with TN_ERR_NOMEM
 * (before it reads a row), where they once returned NAN or 0 as if the
 * rows had no answer.
 */
static void test_metrics_fail_when_memory_runs_out(void **state) {
    (void)state;
    const size_t huge = SIZE_MAX / 4;
    const double p[1] = {0.5};
    const int y[1] = {1};
    double fpr[1], tpr[1], figure = 0;
    size_t count = 7;
    tn_top_decile top;
    tn_error err = {0};
    assert_false(tn_auc(p, y, huge, &figure, &err));
    assert_int_equal(err.code, TN_ERR_NOMEM);
    assert_true(isnan(figure));
    err.code = TN_OK;
    assert_false(tn_top_decile_of(p, y, huge, &top, &err));
    assert_int_equal(err.code, TN_ERR_NOMEM);
    err.code = TN_OK;
    assert_false(tn_top_decile_share(p, y, p, huge, &figure, &err));
    assert_int_equal(err.code, TN_ERR_NOMEM);
    err.code = TN_OK;
    assert_false(tn_roc_curve(p, y, huge, fpr, tpr, &count, &err));
    assert_int_equal(err.code, TN_ERR_NOMEM);
    assert_int_equal(count, 0);
    err.code = TN_OK;
    assert_false(tn_distinct_count(p, huge, &count, &err));
    assert_int_equal(err.code, TN_ERR_NOMEM);
    tn_calibration_table table;
    err.code = TN_OK;
    assert_false(tn_calibration_of(p, y, huge, 10, &table, &err));
    assert_int_equal(err.code, TN_ERR_NOMEM);
}

static void test_isotonic_matches_sklearn(void **state) {
    (void)state;
    const json_t *cases = json_object_get(fixtures, "isotonic");
    for (size_t c = 0; c < json_array_size(cases); c++) {
        const json_t *item = json_array_get(cases, c);
        const char *name = json_string_value(json_object_get(item, "name"));
        size_t n, g;
        double *x = fixture_numbers(json_object_get(item, "x"), &n);
        double *y = fixture_numbers(json_object_get(item, "y"), NULL);
        const json_t *w = json_object_get(item, "weight");
        double *weight = json_is_array(w) ? fixture_numbers(w, NULL) : NULL;
        double *grid = fixture_numbers(json_object_get(item, "grid"), &g);
        double *expected = fixture_numbers(json_object_get(item, "predicted"), NULL);
        tn_isotonic model;
        assert_true(tn_isotonic_fit(x, y, weight, n, &model, NULL));
        for (size_t i = 0; i < g; i++)
            assert_close(tn_isotonic_apply(&model, grid[i]), expected[i], name);
        for (size_t i = 1; i < model.count; i++) { /* monotone */
            assert_true(model.x[i] > model.x[i - 1]);
            assert_true(model.y[i] >= model.y[i - 1]);
        }
        tn_isotonic_free(&model);
        free(x), free(y), free(weight), free(grid), free(expected);
    }
}

static void test_isotonic_pools_violators_by_hand(void **state) {
    (void)state;
    /* y = 1, 3, 2, 4 at x = 1..4: 3 and 2 pool to 2.5 */
    const double x[] = {1, 2, 3, 4}, y[] = {1, 3, 2, 4};
    tn_isotonic model;
    assert_true(tn_isotonic_fit(x, y, NULL, 4, &model, NULL));
    assert_close(tn_isotonic_apply(&model, 2), 2.5, "pooled");
    assert_close(tn_isotonic_apply(&model, 3), 2.5, "pooled");
    assert_close(tn_isotonic_apply(&model, 3.5), 3.25, "interpolated");
    assert_close(tn_isotonic_apply(&model, 0), 1, "clipped below");
    assert_close(tn_isotonic_apply(&model, 9), 4, "clipped above");
    tn_isotonic_free(&model);
    assert_false(tn_isotonic_fit(x, y, NULL, 0, &model, NULL));
}

static void test_top_decile_by_hand(void **state) {
    (void)state;
    /* 20 rows, 4 positives; the top 2 scores are one positive and one negative:
     * precision 0.5, base rate 0.2, lift 2.5 */
    double p[20];
    int y[20] = {0};
    for (int i = 0; i < 20; i++)
        p[i] = i / 20.0;
    y[19] = 1, y[0] = 1, y[1] = 1, y[2] = 1;
    tn_top_decile top;
    assert_true(tn_top_decile_of(p, y, 20, &top, NULL));
    assert_int_equal(top.rows, 2);
    assert_close(top.precision, 0.5, "precision");
    assert_close(top.base_rate, 0.2, "base rate");
    assert_close(top.lift, 2.5, "lift");
}

static void test_top_decile_share_by_hand(void **state) {
    (void)state;
    /* 20 rows, positives at rows 19 (weight 30), 18 (weight 10), 0 (weight 60):
     * the top 2 scores are rows 19 and 18, holding 40 of the 100 → 0.4. With
     * rows 18 and 19 tied, the earlier row (18) comes first; still both in. */
    double p[20], w[20];
    int y[20] = {0};
    for (int i = 0; i < 20; i++)
        p[i] = i / 20.0, w[i] = 1000; /* negatives' weights must not count */
    y[19] = 1, y[18] = 1, y[0] = 1;
    w[19] = 30, w[18] = 10, w[0] = 60;
    double share;
    assert_true(tn_top_decile_share(p, y, w, 20, &share, NULL));
    assert_close(share, 0.4, "share");
    /* a tie at the cut: rows 17, 18, 19 share the top score; only 17 and 18 are in */
    p[17] = p[18] = p[19] = 0.99;
    y[17] = 1, w[17] = 100; /* total 200: rows 17 + 18 hold 110 */
    assert_true(tn_top_decile_share(p, y, w, 20, &share, NULL));
    assert_close(share, 110.0 / 200.0, "ties by row order");
    y[0] = y[17] = y[18] = y[19] = 0;
    assert_true(tn_top_decile_share(p, y, w, 20, &share, NULL));
    assert_true(isnan(share));
}

static void test_calibration_table_by_hand(void **state) {
    (void)state;
    const double p[] = {0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9};
    const int y[] = {0, 0, 1, 0, 1, 1, 0, 1};
    tn_calibration_table table;
    assert_true(tn_calibration_of(p, y, 8, 2, &table, NULL));
    assert_int_equal(table.count[0], 4);
    assert_close(table.mean_predicted[0], 0.25, "bin 1 prediction");
    assert_close(table.observed_rate[0], 0.25, "bin 1 rate");
    assert_close(table.mean_predicted[1], 0.75, "bin 2 prediction");
    assert_close(table.observed_rate[1], 0.75, "bin 2 rate");
    assert_close(table.max_error, 0.0, "error");
    tn_error err;
    assert_false(tn_calibration_of(p, y, 8, 10, &table, &err));
    assert_int_equal(err.code, TN_ERR_INPUT);
}

static void test_roc_curve_by_hand(void **state) {
    (void)state;
    const double p[] = {0.9, 0.8, 0.8, 0.1};
    const int y[] = {1, 1, 0, 0};
    double fpr[5], tpr[5];
    size_t points = 0;
    assert_true(tn_roc_curve(p, y, 4, fpr, tpr, &points, NULL));
    assert_int_equal(points, 4); /* (0,0), after 0.9, after both 0.8s, after 0.1 */
    assert_close(tpr[1], 0.5, "tpr at 0.9");
    assert_close(fpr[1], 0.0, "fpr at 0.9");
    assert_close(tpr[2], 1.0, "tpr at 0.8");
    assert_close(fpr[2], 0.5, "fpr at 0.8");
    assert_close(fpr[3], 1.0, "fpr at 0.1");
}

static void test_distinct_count_matches_numpy(void **state) {
    (void)state;
    json_t *calibration = fixture_load("stats/calibration.json");
    assert_non_null(calibration);
    const json_t *item = json_object_get(calibration, "distinct");
    size_t n;
    double *values = fixture_numbers(json_object_get(item, "values"), &n); /* null → NAN */
    size_t count = 0;
    assert_true(tn_distinct_count(values, n, &count, NULL));
    assert_int_equal(count, (size_t)fixture_number(item, "count"));
    /* by hand: 0.0 and -0.0 are one value; NANs are not counted; none at all is 0 */
    assert_true(tn_distinct_count((const double[]){0.0, -0.0, NAN, NAN}, 4, &count, NULL));
    assert_int_equal(count, 1);
    assert_true(tn_distinct_count(values, 0, &count, NULL));
    assert_int_equal(count, 0);
    free(values);
    json_decref(calibration);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scores_match_sklearn),
        cmocka_unit_test(test_auc_needs_both_classes),
        cmocka_unit_test(test_metrics_fail_when_memory_runs_out),
        cmocka_unit_test(test_isotonic_matches_sklearn),
        cmocka_unit_test(test_isotonic_pools_violators_by_hand),
        cmocka_unit_test(test_top_decile_by_hand),
        cmocka_unit_test(test_top_decile_share_by_hand),
        cmocka_unit_test(test_calibration_table_by_hand),
        cmocka_unit_test(test_roc_curve_by_hand),
        cmocka_unit_test(test_distinct_count_matches_numpy),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
