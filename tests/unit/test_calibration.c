/*
 * test_calibration.c — the choice between isotonic regression and Platt
 * scaling (calibration.h) at its threshold, the fallback when Platt's slope
 * is not positive, the bounds of each, and the metadata's JSON: a round trip
 * for both methods, older metadata without "method" read as isotonic, and
 * bad maps refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "ml/calibration.h"

enum { ROWS = 600 };

static double probability[ROWS], margin[ROWS], label[ROWS];

/*
 * ROWS rows with margins from −6 to 6, the first `positives` of them (from the
 * top) positive, but for every third of those, which goes to the bottom
 * instead — so the classes overlap. `backwards` flips the margins.
 */
static void slice(size_t positives, bool backwards) {
    for (size_t i = 0; i < ROWS; i++) {
        margin[i] = (backwards ? -1.0 : 1.0) * (-6.0 + 12.0 * (double)i / (ROWS - 1));
        probability[i] = 1.0 / (1.0 + exp(-margin[i]));
        label[i] = 0;
    }
    for (size_t k = 0; k < positives; k++)
        label[k % 3 == 2 ? k : ROWS - 1 - k] = 1;
}

static void test_isotonic_from_fifty_of_each(void **state) {
    (void)state;
    tn_calibration calibration;
    slice(TN_ISOTONIC_MIN_CLASS, false);
    assert_true(tn_calibration_fit(probability, margin, label, ROWS, &calibration, NULL));
    assert_int_equal(calibration.method, TN_CALIBRATION_ISOTONIC);
    assert_int_equal(calibration.positives, 50);
    assert_int_equal(calibration.negatives, 550);
    assert_string_equal(calibration.reason, "the calibration slice has 50 positives and 550 "
                                            "negatives, at least 50 of each: isotonic regression");
    tn_calibration_free(&calibration);
}

static void test_platt_below_fifty(void **state) {
    (void)state;
    tn_calibration calibration;
    slice(TN_ISOTONIC_MIN_CLASS - 1, false);
    assert_true(tn_calibration_fit(probability, margin, label, ROWS, &calibration, NULL));
    assert_int_equal(calibration.method, TN_CALIBRATION_PLATT);
    assert_true(calibration.map.platt.a > 0);
    assert_non_null(strstr(calibration.reason, "49 positives and 551 negatives, fewer than 50 of "
                                               "one class: isotonic regression would rest on at "
                                               "most 50 levels"));
    /* the probability is the Platt map of the margin, not bounded, and keeps the ranking */
    assert_close(tn_calibrated_probability(&calibration, 0.5, 2.0),
                 tn_platt_apply(&calibration.map.platt, 2.0), "margin 2");
    assert_true(tn_calibrated_probability(&calibration, 0.5, -30.0) < TN_PROBABILITY_FLOOR);
    assert_true(tn_calibrated_probability(&calibration, 0.5, -29.0) >
                tn_calibrated_probability(&calibration, 0.5, -30.0));
    tn_calibration_free(&calibration);
}

static void test_backwards_scores_keep_isotonic(void **state) {
    (void)state;
    tn_calibration calibration;
    slice(20, true);
    assert_true(tn_calibration_fit(probability, margin, label, ROWS, &calibration, NULL));
    assert_int_equal(calibration.method, TN_CALIBRATION_ISOTONIC);
    assert_non_null(strstr(calibration.reason, "but Platt scaling's slope was -"));
    tn_calibration_free(&calibration);
}

static void test_isotonic_is_bounded(void **state) {
    (void)state;
    tn_calibration calibration;
    slice(TN_ISOTONIC_MIN_CLASS, false);
    assert_true(tn_calibration_fit(probability, margin, label, ROWS, &calibration, NULL));
    assert_close(tn_calibrated_probability(&calibration, 0.0, -6.0), TN_PROBABILITY_FLOOR, "low");
    assert_close(tn_calibrated_probability(&calibration, 1.0, 6.0), 1 - TN_PROBABILITY_FLOOR,
                 "high");
    tn_calibration_free(&calibration);
}

/* The calibration as JSON text and read back. */
static tn_calibration round_trip(const tn_calibration *calibration) {
    json_t *json = tn_calibration_to_json(calibration);
    char *text = json_dumps(json, JSON_REAL_PRECISION(17));
    json_t *back = json_loads(text, 0, NULL);
    tn_calibration read;
    assert_true(tn_calibration_from_json(back, &read, NULL));
    json_decref(json), json_decref(back), free(text);
    return read;
}

static void test_json_round_trip(void **state) {
    (void)state;
    for (size_t positives = 30; positives <= 60; positives += 30) {
        tn_calibration calibration;
        slice(positives, false);
        assert_true(tn_calibration_fit(probability, margin, label, ROWS, &calibration, NULL));
        tn_calibration read = round_trip(&calibration);
        assert_int_equal(read.method, calibration.method);
        assert_int_equal(read.positives, positives);
        assert_int_equal(read.negatives, ROWS - positives);
        assert_string_equal(read.reason, calibration.reason);
        for (size_t i = 0; i < ROWS; i += 7)
            assert_close(tn_calibrated_probability(&read, probability[i], margin[i]),
                         tn_calibrated_probability(&calibration, probability[i], margin[i]),
                         tn_calibration_method_name(read.method));
        tn_calibration_free(&read);
        tn_calibration_free(&calibration);
    }
}

static void test_older_metadata_is_isotonic(void **state) {
    (void)state;
    json_t *json = json_pack("{s:s, s:f, s:[f, f], s:[f, f]}", "interpolation", "linear", "bounds",
                             0.001, "x", 0.2, 0.6, "y", 0.1, 0.5);
    tn_calibration read;
    assert_true(tn_calibration_from_json(json, &read, NULL));
    assert_int_equal(read.method, TN_CALIBRATION_ISOTONIC);
    assert_string_equal(read.reason, "");
    assert_close(tn_calibrated_probability(&read, 0.4, 99.0), 0.3, "interpolated");
    tn_calibration_free(&read);
    json_decref(json);
}

static void test_bad_maps_refused(void **state) {
    (void)state;
    const char *const cases[][2] = {
        {"{\"method\": \"platt\", \"a\": 1.5}", "calibration: Platt scaling needs numbers a and b"},
        {"{\"method\": \"platt\", \"a\": -1, \"b\": 0}",
         "calibration: Platt scaling's a must be positive and b finite"},
        {"{\"method\": \"beta\"}", "calibration: unknown method 'beta' (isotonic or platt)"},
        {"{\"x\": [0.5, 0.4], \"y\": [0, 1]}", "calibration: the map is not increasing at point 1"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        json_t *json = json_loads(cases[c][0], 0, NULL);
        tn_calibration read;
        tn_error err;
        assert_false(tn_calibration_from_json(json, &read, &err));
        assert_int_equal(err.code, TN_ERR_MODEL);
        assert_string_equal(err.message, cases[c][1]);
        tn_calibration_free(&read);
        json_decref(json);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_isotonic_from_fifty_of_each),
        cmocka_unit_test(test_platt_below_fifty),
        cmocka_unit_test(test_backwards_scores_keep_isotonic),
        cmocka_unit_test(test_isotonic_is_bounded),
        cmocka_unit_test(test_json_round_trip),
        cmocka_unit_test(test_older_metadata_is_isotonic),
        cmocka_unit_test(test_bad_maps_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
