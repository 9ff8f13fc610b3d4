/*
 * test_calibration.c — the choice of a calibration map (calibration.h):
 * the candidates' log losses on a slice and out of fold, and the choice,
 * against an independent NumPy/SciPy/scikit-learn implementation
 * (tests/fixtures/stats/calibration.json, "choice": 1,207 rows of 600
 * customers, held out by customer; written by
 * make_calibration_fixtures.py there: `/usr/bin/python3
 * tests/fixtures/stats/make_calibration_fixtures.py >
 * tests/fixtures/stats/calibration.json`), to 1e-6; by hand, Platt scaling
 * below 50 of a class, the fallback when the trees rank the slice
 * backwards, every fitted map strictly increasing, and the metadata's
 * JSON: a round trip for each method, older metadata (no "method": plain
 * isotonic, bounded) still read, and bad maps refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>

#include "fixture.h"
#include "ml/calibration.h"

enum { ROWS = 600 };

static double margin[ROWS], label[ROWS];
static json_t *fixtures;

static int setup(void **state) {
    (void)state;
    gsl_set_error_handler_off(); /* as main() does */
    fixtures = fixture_load("stats/calibration.json");
    return fixtures != NULL ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    json_decref(fixtures);
    return 0;
}

/*
 * ROWS rows with margins from −6 to 6, the first `positives` of them (from the
 * top) positive, but for every third of those, which goes to the bottom
 * instead — so the classes overlap. `backwards` flips the margins.
 */
static void slice(size_t positives, bool backwards) {
    for (size_t i = 0; i < ROWS; i++) {
        margin[i] = (backwards ? -1.0 : 1.0) * (-6.0 + 12.0 * (double)i / (ROWS - 1));
        label[i] = 0;
    }
    for (size_t k = 0; k < positives; k++)
        label[k % 3 == 2 ? k : ROWS - 1 - k] = 1;
}

static const tn_calibration_candidate *candidate(const tn_calibration *calibration,
                                                 tn_calibration_method method) {
    for (size_t c = 0; c < calibration->candidate_count; c++)
        if (calibration->candidates[c].method == method)
            return &calibration->candidates[c];
    return NULL;
}

static void test_choice_matches_python(void **state) {
    (void)state;
    const json_t *item = json_object_get(fixtures, "choice");
    size_t n;
    double *m = fixture_numbers(json_object_get(item, "m"), &n);
    double *y = fixture_numbers(json_object_get(item, "y"), NULL);
    int *customer = fixture_ints(json_object_get(item, "group"), NULL);
    size_t *group = malloc(n * sizeof *group);
    for (size_t i = 0; i < n; i++)
        group[i] = (size_t)customer[i];
    tn_calibration calibration;
    assert_true(tn_calibration_fit(m, y, group, n, &calibration, NULL));
    const json_t *expected = json_object_get(item, "candidates");
    assert_int_equal(calibration.candidate_count, json_array_size(expected));
    for (size_t c = 0; c < calibration.candidate_count; c++) {
        const json_t *want = json_array_get(expected, c);
        const tn_calibration_candidate *got = &calibration.candidates[c];
        const char *name = json_string_value(json_object_get(want, "method"));
        assert_string_equal(tn_calibration_method_name(got->method), name);
        assert_true(got->eligible);
        assert_close(got->slice_log_loss, fixture_number(want, "log_loss_on_slice"), name);
        assert_close(got->cv_log_loss, fixture_number(want, "log_loss_cross_validated"), name);
    }
    assert_string_equal(tn_calibration_method_name(calibration.method),
                        json_string_value(json_object_get(item, "chosen")));
    char reason[200];
    snprintf(reason, sizeof reason, "at least 50 of each: %s, of the lowest log loss out of fold",
             tn_calibration_method_title(calibration.method));
    assert_non_null(strstr(calibration.reason, reason));
    assert_non_null(
        strstr(calibration.reason, "each customer's rows in one fold (Platt scaling 0."));
    tn_calibration_free(&calibration);
    free(m), free(y), free(customer), free(group);
}

static void test_three_candidates_from_fifty_of_each(void **state) {
    (void)state;
    tn_calibration calibration;
    slice(TN_CALIBRATION_MIN_CLASS, false);
    assert_true(tn_calibration_fit(margin, label, NULL, ROWS, &calibration, NULL));
    assert_int_equal(calibration.positives, 50);
    assert_int_equal(calibration.negatives, 550);
    assert_int_equal(calibration.candidate_count, 3);
    double lowest = INFINITY;
    for (size_t c = 0; c < 3; c++) {
        assert_true(calibration.candidates[c].eligible);
        lowest = fmin(lowest, calibration.candidates[c].cv_log_loss);
    }
    assert_true(candidate(&calibration, calibration.method)->cv_log_loss == lowest);
    assert_true(tn_calibration_increasing(&calibration));
    assert_non_null(strstr(calibration.reason, "the calibration slice has 50 positives and 550 "
                                               "negatives, at least 50 of each: "));
    tn_calibration_free(&calibration);
}

static void test_platt_below_fifty(void **state) {
    (void)state;
    tn_calibration calibration;
    slice(TN_CALIBRATION_MIN_CLASS - 1, false);
    assert_true(tn_calibration_fit(margin, label, NULL, ROWS, &calibration, NULL));
    assert_int_equal(calibration.method, TN_CALIBRATION_PLATT);
    assert_int_equal(calibration.candidate_count, 1);
    assert_true(calibration.candidates[0].eligible);
    assert_true(calibration.map.platt.a > 0);
    assert_non_null(strstr(calibration.reason, "49 positives and 551 negatives, fewer than 50 of "
                                               "one class: Platt scaling"));
    /* the probability is the Platt map of the margin, not bounded, and keeps the ranking */
    assert_close(tn_calibrated_probability(&calibration, 0.5, 2.0),
                 tn_platt_apply(&calibration.map.platt, 2.0), "margin 2");
    assert_true(tn_calibrated_probability(&calibration, 0.5, -30.0) < TN_PROBABILITY_FLOOR);
    assert_true(tn_calibrated_probability(&calibration, 0.5, -29.0) >
                tn_calibrated_probability(&calibration, 0.5, -30.0));
    tn_calibration_free(&calibration);
}

static void test_backwards_scores_fall_back_to_interpolated_isotonic(void **state) {
    (void)state;
    for (size_t positives = 20; positives <= 100; positives += 80) {
        tn_calibration calibration;
        slice(0, true); /* the positives among the lowest margins only: ranked backwards */
        for (size_t k = 0; k < positives; k++)
            label[ROWS - 1 - k - k / 3] = 1;
        assert_true(tn_calibration_fit(margin, label, NULL, ROWS, &calibration, NULL));
        assert_int_equal(calibration.method, TN_CALIBRATION_INTERPOLATED_ISOTONIC);
        assert_true(tn_calibration_increasing(&calibration));
        for (size_t c = 0; c + 1 < calibration.candidate_count; c++) {
            assert_false(calibration.candidates[c].eligible); /* Platt (and beta) */
            assert_non_null(strstr(calibration.candidates[c].note, "not increasing in the margin"));
        }
        assert_non_null(candidate(&calibration, TN_CALIBRATION_INTERPOLATED_ISOTONIC));
        if (positives < TN_CALIBRATION_MIN_CLASS)
            assert_non_null(strstr(calibration.reason,
                                   "fewer than 50 of one class, but no candidate was eligible "
                                   "(Platt scaling: not increasing in the margin"));
        else
            assert_non_null(strstr(calibration.reason, "at least 50 of each: interpolated "
                                                       "isotonic regression, of the lowest"));
        tn_calibration_free(&calibration);
    }
}

static void test_every_map_strictly_increasing(void **state) {
    (void)state;
    for (size_t positives = 30; positives <= 150; positives += 60) {
        slice(positives, false);
        for (int method = TN_CALIBRATION_PLATT; method <= TN_CALIBRATION_INTERPOLATED_ISOTONIC;
             method++) {
            /* each method on its own, through the same apply as scoring */
            tn_calibration calibration = {.method = (tn_calibration_method)method};
            bool ok =
                method == TN_CALIBRATION_PLATT
                    ? tn_platt_fit(margin, label, ROWS, &calibration.map.platt, NULL)
                : method == TN_CALIBRATION_BETA
                    ? tn_beta_calibration_fit(margin, label, ROWS, &calibration.map.beta, NULL)
                    : tn_interpolated_isotonic_fit(margin, label, ROWS,
                                                   &calibration.map.interpolated, NULL);
            assert_true(ok);
            assert_true(tn_calibration_increasing(&calibration));
            double previous = tn_calibrated_probability(&calibration, NAN, -10.0);
            for (double m = -9.995; m < 10; m += 0.005) {
                double p = tn_calibrated_probability(&calibration, NAN, m);
                if (!(p > previous))
                    fail_msg("%s: p(%g) = %.17g is not above p(%g) = %.17g",
                             tn_calibration_method_name(calibration.method), m, p, m - 0.005,
                             previous);
                previous = p;
            }
            tn_calibration_free(&calibration);
        }
    }
}

static void test_older_isotonic_is_bounded(void **state) {
    (void)state;
    json_t *json = json_pack("{s:s, s:[f, f, f], s:[f, f, f]}", "method", "isotonic", "x", 0.1, 0.5,
                             0.9, "y", 0.0, 0.2, 1.0);
    tn_calibration read;
    assert_true(tn_calibration_from_json(json, &read, NULL));
    assert_false(tn_calibration_increasing(&read));
    assert_close(tn_calibrated_probability(&read, 0.05, 99.0), TN_PROBABILITY_FLOOR, "low");
    assert_close(tn_calibrated_probability(&read, 0.95, -99.0), 1 - TN_PROBABILITY_FLOOR, "high");
    assert_close(tn_calibrated_probability(&read, 0.3, 0.0), 0.1, "interpolated");
    tn_calibration_free(&read);
    json_decref(json);
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
    const size_t cases[][2] = {{30, false}, {60, false}, {100, false}, {20, true}};
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        tn_calibration calibration;
        slice(cases[c][0], cases[c][1]);
        assert_true(tn_calibration_fit(margin, label, NULL, ROWS, &calibration, NULL));
        tn_calibration read = round_trip(&calibration);
        const char *name = tn_calibration_method_name(read.method);
        assert_int_equal(read.method, calibration.method);
        assert_int_equal(read.positives, cases[c][0]);
        assert_int_equal(read.negatives, ROWS - cases[c][0]);
        assert_string_equal(read.reason, calibration.reason);
        assert_int_equal(read.candidate_count, calibration.candidate_count);
        for (size_t k = 0; k < read.candidate_count; k++) {
            assert_int_equal(read.candidates[k].method, calibration.candidates[k].method);
            assert_int_equal(read.candidates[k].eligible, calibration.candidates[k].eligible);
            assert_string_equal(read.candidates[k].note, calibration.candidates[k].note);
            if (read.candidates[k].eligible)
                assert_close(read.candidates[k].cv_log_loss, calibration.candidates[k].cv_log_loss,
                             name);
        }
        for (size_t i = 0; i < ROWS; i += 7)
            assert_close(tn_calibrated_probability(&read, NAN, margin[i]),
                         tn_calibrated_probability(&calibration, NAN, margin[i]), name);
        tn_calibration_free(&read);
        tn_calibration_free(&calibration);
    }
}

static void test_beta_round_trip(void **state) {
    (void)state;
    tn_calibration calibration = {.method = TN_CALIBRATION_BETA, .map.beta = {0.7, 1.3, -2.25}};
    tn_calibration read = round_trip(&calibration);
    assert_int_equal(read.method, TN_CALIBRATION_BETA);
    assert_close(read.map.beta.a, 0.7, "a");
    assert_close(read.map.beta.b, 1.3, "b");
    assert_close(read.map.beta.c, -2.25, "c");
    assert_int_equal(read.candidate_count, 0);
    tn_calibration_free(&read);
}

static void test_older_metadata_is_isotonic(void **state) {
    (void)state;
    json_t *json = json_pack("{s:s, s:f, s:[f, f], s:[f, f]}", "interpolation", "linear", "bounds",
                             0.001, "x", 0.2, 0.6, "y", 0.1, 0.5);
    tn_calibration read;
    assert_true(tn_calibration_from_json(json, &read, NULL));
    assert_int_equal(read.method, TN_CALIBRATION_ISOTONIC);
    assert_string_equal(read.reason, "");
    assert_int_equal(read.candidate_count, 0);
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
        {"{\"method\": \"beta\", \"a\": 1, \"b\": 1}",
         "calibration: beta calibration needs numbers a, b and c"},
        {"{\"method\": \"beta\", \"a\": -0.5, \"b\": 1, \"c\": 0}",
         "calibration: beta calibration's a and b must be at least 0, not both 0, and a, b and c "
         "finite"},
        {"{\"method\": \"interpolated_isotonic\", \"x\": [0, 1], \"log_odds\": [-2, -1]}",
         "calibration: interpolated isotonic regression needs arrays x and log_odds of numbers "
         "of one length and a number tail_slope"},
        {"{\"method\": \"interpolated_isotonic\", \"x\": [0, 1], \"log_odds\": [-2, -2], "
         "\"tail_slope\": 1}",
         "calibration: the knots do not strictly increase at 1"},
        {"{\"method\": \"spline\"}",
         "calibration: unknown method 'spline' (isotonic, platt, beta or interpolated_isotonic)"},
        {"{\"x\": [0.5, 0.4], \"y\": [0, 1]}", "calibration: the map is not increasing at point 1"},
        {"{\"x\": [0.5, \"0.6\"], \"y\": [0, 1]}",
         "calibration: x and y must be arrays of numbers of one length"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        json_t *json = json_loads(cases[c][0], 0, NULL);
        tn_calibration read;
        tn_error err;
        assert_non_null(json);
        assert_false(tn_calibration_from_json(json, &read, &err));
        assert_int_equal(err.code, TN_ERR_MODEL);
        assert_string_equal(err.message, cases[c][1]);
        tn_calibration_free(&read);
        json_decref(json);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_choice_matches_python),
        cmocka_unit_test(test_three_candidates_from_fifty_of_each),
        cmocka_unit_test(test_platt_below_fifty),
        cmocka_unit_test(test_backwards_scores_fall_back_to_interpolated_isotonic),
        cmocka_unit_test(test_every_map_strictly_increasing),
        cmocka_unit_test(test_older_isotonic_is_bounded),
        cmocka_unit_test(test_json_round_trip),
        cmocka_unit_test(test_beta_round_trip),
        cmocka_unit_test(test_older_metadata_is_isotonic),
        cmocka_unit_test(test_bad_maps_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
