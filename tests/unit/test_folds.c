/*
 * test_folds.c — cross-validation folds dealt by group (folds.h) against an
 * independent Python implementation of the rule
 * (tests/fixtures/stats/calibration.json, "folds", written by
 * make_calibration_fixtures.py there: `/usr/bin/python3
 * tests/fixtures/stats/make_calibration_fixtures.py >
 * tests/fixtures/stats/calibration.json`), whose groups tie on mean score
 * once; and by hand: without groups each row is its own, every fold gets its
 * share of each class, bad fold counts are refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fixture.h"
#include "stats/folds.h"

static void test_deal_matches_python(void **state) {
    (void)state;
    json_t *fixtures = fixture_load("stats/calibration.json");
    assert_non_null(fixtures);
    const json_t *item = json_object_get(fixtures, "folds");
    size_t n;
    double *m = fixture_numbers(json_object_get(item, "m"), &n);
    double *y = fixture_numbers(json_object_get(item, "y"), NULL);
    int *groups = fixture_ints(json_object_get(item, "group"), NULL);
    int *expected = fixture_ints(json_object_get(item, "fold"), NULL);
    size_t *group = malloc(n * sizeof *group);
    unsigned char *fold = malloc(n);
    for (size_t i = 0; i < n; i++)
        group[i] = (size_t)groups[i];
    assert_true(tn_folds_deal(m, y, group, n, (int)fixture_number(item, "k"), fold, NULL));
    for (size_t i = 0; i < n; i++)
        assert_int_equal(fold[i], expected[i]);
    free(m), free(y), free(groups), free(expected), free(group), free(fold);
    json_decref(fixtures);
}

static void test_rows_alone_without_groups(void **state) {
    (void)state;
    /* negatives by score: rows 3, 0, 5, 1 → folds 0, 1, 0, 1; positives: rows 4, 2 → 0, 1 */
    const double score[] = {0.2, 0.9, 0.5, -1.0, 0.1, 0.4}, label[] = {0, 0, 1, 0, 1, 0};
    unsigned char fold[6];
    assert_true(tn_folds_deal(score, label, NULL, 6, 2, fold, NULL));
    const unsigned char expected[] = {1, 1, 1, 0, 0, 0};
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(fold[i], expected[i]);
}

static void test_refuses_bad_fold_counts(void **state) {
    (void)state;
    const double score[] = {0.1}, label[] = {0};
    unsigned char fold[1];
    tn_error err;
    assert_false(tn_folds_deal(score, label, NULL, 1, 1, fold, &err));
    assert_string_equal(err.message, "1 folds: between 2 and 255, please");
    assert_false(tn_folds_deal(score, label, NULL, 1, 256, fold, &err));
    assert_int_equal(err.code, TN_ERR_INPUT);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deal_matches_python),
        cmocka_unit_test(test_rows_alone_without_groups),
        cmocka_unit_test(test_refuses_bad_fold_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
