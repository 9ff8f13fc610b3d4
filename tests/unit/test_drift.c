/*
 * test_drift.c — the drift statistics of src/stats/drift.c against
 * tests/fixtures/stats/drift.json (written by make_drift_fixtures.py there,
 * SciPy 1.10.1 and NumPy 1.24.2): the two-sample Kolmogorov–Smirnov test
 * against scipy.stats.ks_2samp(method="asymp") and the distribution of D_n
 * against scipy.stats.kstwo.sf; the PSI against NumPy (numpy.quantile,
 * numpy.searchsorted), computed there independently of the C code. Also the
 * tiny cases by hand, the detection of a shifted feature, and the errors.
 *
 * Tolerances: PSI and D to 1e-9 relative (D is a difference of two counts'
 * shares, computed as SciPy does, so it agrees exactly), p-values to 1e-8
 * relative, shares to 1e-15 (count / n, exactly as NumPy), cut points to
 * 1e-12 (the same interpolation as numpy.quantile).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "stats/drift.h"

static json_t *fixtures;

static int setup(void **state) {
    (void)state;
    fixtures = fixture_load("stats/drift.json");
    return fixtures != NULL ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    json_decref(fixtures);
    return 0;
}

/* |actual − expected| ≤ tolerance · |expected| (so 0 expects exactly 0). */
#define assert_relative(actual, expected, tolerance, what, name)                                   \
    do {                                                                                           \
        double actual_ = (actual), expected_ = (expected);                                         \
        if (!(fabs(actual_ - expected_) <= (tolerance)*fabs(expected_)))                           \
            fail_msg("%s %s: %.17g, expected %.17g", (name), (what), actual_, expected_);          \
    } while (0)

/* A named sample of the fixture's "samples" (null → NAN); *n its length. */
static double *sample(const char *name, size_t *n) {
    const json_t *values = json_object_get(json_object_get(fixtures, "samples"), name);
    assert_non_null(values);
    return fixture_numbers(values, n);
}

static size_t missing_in(const double *values, size_t n) {
    size_t missing = 0;
    for (size_t i = 0; i < n; i++)
        missing += isnan(values[i]) != 0;
    return missing;
}

static void assert_shares(const tn_psi_result *result, const json_t *item, const char *name) {
    size_t bins;
    double *reference = fixture_numbers(json_object_get(item, "reference_share"), &bins);
    double *current = fixture_numbers(json_object_get(item, "current_share"), NULL);
    assert_int_equal(result->bins, bins);
    assert_int_equal(result->missing_bin, json_is_true(json_object_get(item, "missing_bin")));
    for (size_t i = 0; i < bins; i++) {
        assert_relative(result->reference_share[i], reference[i], 1e-15, "reference share", name);
        assert_relative(result->current_share[i], current[i], 1e-15, "current share", name);
    }
    free(reference), free(current);
}

static void test_psi_numeric_matches_numpy(void **state) {
    (void)state;
    const json_t *cases = json_object_get(fixtures, "psi_numeric");
    assert_true(json_array_size(cases) > 0);
    for (size_t c = 0; c < json_array_size(cases); c++) {
        const json_t *item = json_array_get(cases, c);
        const char *name = json_string_value(json_object_get(item, "name"));
        size_t n_reference, n_current, cuts;
        double *reference =
            sample(json_string_value(json_object_get(item, "reference")), &n_reference);
        double *current = sample(json_string_value(json_object_get(item, "current")), &n_current);
        double *cut = fixture_numbers(json_object_get(item, "cuts"), &cuts);
        int bins = (int)json_integer_value(json_object_get(item, "bins"));
        tn_psi_result result;
        tn_error err = {0};
        if (!tn_psi_numeric(reference, n_reference, current, n_current, bins, &result, &err))
            fail_msg("%s: %s", name, err.message);
        assert_relative(result.psi, fixture_number(item, "psi"), 1e-9, "PSI", name);
        assert_int_equal(result.cuts, cuts);
        for (size_t i = 0; i < cuts; i++)
            assert_relative(result.cut[i], cut[i], 1e-12, "cut point", name);
        assert_shares(&result, item, name);
        assert_int_equal(result.reference_n, n_reference);
        assert_int_equal(result.current_n, n_current);
        assert_int_equal(result.reference_missing, missing_in(reference, n_reference));
        assert_int_equal(result.current_missing, missing_in(current, n_current));
        assert_null(result.category);
        tn_psi_free(&result);
        free(reference), free(current), free(cut);
    }
}

/* A JSON array of strings and nulls as C strings pointing into the document. */
static const char **strings(const json_t *array, size_t *n) {
    *n = json_array_size(array);
    const char **values = malloc((*n ? *n : 1) * sizeof *values);
    for (size_t i = 0; i < *n; i++)
        values[i] = json_string_value(json_array_get(array, i)); /* null → NULL */
    return values;
}

static void test_psi_categorical_matches_numpy(void **state) {
    (void)state;
    const json_t *cases = json_object_get(fixtures, "psi_categorical");
    assert_true(json_array_size(cases) > 0);
    for (size_t c = 0; c < json_array_size(cases); c++) {
        const json_t *item = json_array_get(cases, c);
        const char *name = json_string_value(json_object_get(item, "name"));
        size_t n_reference, n_current, categories;
        const char **reference = strings(json_object_get(item, "reference"), &n_reference);
        const char **current = strings(json_object_get(item, "current"), &n_current);
        const char **category = strings(json_object_get(item, "categories"), &categories);
        tn_psi_result result;
        tn_error err = {0};
        if (!tn_psi_categorical(reference, n_reference, current, n_current, &result, &err))
            fail_msg("%s: %s", name, err.message);
        assert_relative(result.psi, fixture_number(item, "psi"), 1e-9, "PSI", name);
        assert_int_equal(result.bins - result.missing_bin, categories);
        for (size_t i = 0; i < categories; i++)
            assert_string_equal(result.category[i], category[i]);
        assert_shares(&result, item, name);
        assert_int_equal(result.cuts, 0);
        tn_psi_free(&result);
        free(reference), free(current), free(category);
    }
}

static void test_ks_matches_scipy(void **state) {
    (void)state;
    const json_t *cases = json_object_get(fixtures, "ks");
    assert_true(json_array_size(cases) > 0);
    for (size_t c = 0; c < json_array_size(cases); c++) {
        const json_t *item = json_array_get(cases, c);
        const char *name = json_string_value(json_object_get(item, "name"));
        size_t n_a, n_b;
        double *a = sample(json_string_value(json_object_get(item, "a")), &n_a);
        double *b = sample(json_string_value(json_object_get(item, "b")), &n_b);
        tn_ks_result result;
        tn_error err = {0};
        if (!tn_ks_two_sample(a, n_a, b, n_b, &result, &err))
            fail_msg("%s: %s", name, err.message);
        assert_relative(result.statistic, fixture_number(item, "statistic"), 1e-9, "D", name);
        assert_relative(result.p_value, fixture_number(item, "p_value"), 1e-8, "p", name);
        assert_int_equal(result.n1, json_integer_value(json_object_get(item, "n1")));
        assert_int_equal(result.n2, json_integer_value(json_object_get(item, "n2")));
        assert_int_equal(result.missing1, missing_in(a, n_a));
        assert_int_equal(result.missing2, missing_in(b, n_b));
        free(a), free(b);
    }
}

static void test_kstwo_sf_matches_scipy(void **state) {
    (void)state;
    const json_t *cases = json_object_get(fixtures, "kstwo_sf");
    assert_true(json_array_size(cases) > 0);
    for (size_t c = 0; c < json_array_size(cases); c++) {
        const json_t *item = json_array_get(cases, c);
        size_t n = (size_t)json_integer_value(json_object_get(item, "n"));
        double d = fixture_number(item, "d"), sf;
        char name[64];
        snprintf(name, sizeof name, "n = %zu, d = %g", n, d);
        assert_true(tn_kstwo_sf(n, d, &sf, NULL));
        assert_relative(sf, fixture_number(item, "sf"), 1e-8, "Pr(D_n >= d)", name);
    }
}

/*
 * Reference N(0, 1), 2000 draws; current N(0.5, 1) is flagged by both
 * measures, another N(0, 1) sample by neither (the samples and their
 * figures come from the fixture, seed fixed there).
 */
static void test_shifted_feature_is_detected(void **state) {
    (void)state;
    const json_t *cases = json_object_get(fixtures, "detection");
    assert_int_equal(json_array_size(cases), 2);
    for (size_t c = 0; c < 2; c++) {
        const json_t *item = json_array_get(cases, c);
        const char *name = json_string_value(json_object_get(item, "name"));
        size_t n_reference, n_current;
        double *reference =
            sample(json_string_value(json_object_get(item, "reference")), &n_reference);
        double *current = sample(json_string_value(json_object_get(item, "current")), &n_current);
        assert_int_equal(n_reference, 2000);
        assert_int_equal(n_current, 2000);
        tn_psi_result psi;
        tn_ks_result ks;
        assert_true(tn_psi_numeric(reference, n_reference, current, n_current, TN_PSI_DEFAULT_BINS,
                                   &psi, NULL));
        assert_true(tn_ks_two_sample(reference, n_reference, current, n_current, &ks, NULL));
        assert_relative(psi.psi, fixture_number(item, "psi"), 1e-9, "PSI", name);
        assert_relative(ks.statistic, fixture_number(item, "statistic"), 1e-9, "D", name);
        assert_relative(ks.p_value, fixture_number(item, "p_value"), 1e-8, "p", name);
        if (strcmp(name, "shifted") == 0) {
            assert_true(psi.psi > 0.2);
            assert_true(ks.p_value < 0.05);
        } else {
            assert_string_equal(name, "unshifted");
            assert_true(psi.psi < 0.1);
            assert_true(ks.p_value > 0.05);
        }
        tn_psi_free(&psi);
        free(reference), free(current);
    }
}

static void test_by_hand(void **state) {
    (void)state;
    /*
     * PSI, 2 bins: the reference 1..5 has its median, 3, as the one cut
     * point; 3 goes to the upper bin. Shares (bins < 3, ≥ 3, missing):
     * reference 0.4, 0.6, 0; current {4, 5, 6, 7, NaN} 0, 0.8, 0.2.
     */
    const double reference[] = {1, 2, 3, 4, 5}, current[] = {4, 5, 6, 7, NAN};
    const double e = 1e-4;
    double expected =
        (e - 0.4) * log(e / 0.4) + (0.8 - 0.6) * log(0.8 / 0.6) + (0.2 - e) * log(0.2 / e);
    tn_psi_result psi;
    assert_true(tn_psi_numeric(reference, 5, current, 5, 2, &psi, NULL));
    assert_int_equal(psi.cuts, 1);
    assert_true(psi.cut[0] == 3);
    assert_int_equal(psi.bins, 3);
    assert_true(psi.missing_bin);
    assert_relative(psi.psi, expected, 1e-12, "PSI", "by hand");
    tn_psi_free(&psi);
    tn_psi_free(&psi); /* twice is safe */

    /* identical samples: PSI 0 */
    assert_true(tn_psi_numeric(reference, 5, reference, 5, TN_PSI_DEFAULT_BINS, &psi, NULL));
    assert_true(psi.psi == 0);
    assert_int_equal(psi.cuts, 9); /* 1.4, 1.8, …, 4.6: all distinct */
    assert_false(psi.missing_bin);
    tn_psi_free(&psi);

    /* categorical: a a b NULL against a b b c; bins a, b, c, missing */
    const char *before[] = {"a", "a", "b", NULL}, *after[] = {"a", "b", "b", "c"};
    expected = (0.25 - 0.5) * log(0.25 / 0.5) + (0.5 - 0.25) * log(0.5 / 0.25) +
               (0.25 - e) * log(0.25 / e) + (e - 0.25) * log(e / 0.25);
    assert_true(tn_psi_categorical(before, 4, after, 4, &psi, NULL));
    assert_int_equal(psi.bins, 4);
    assert_string_equal(psi.category[2], "c");
    assert_relative(psi.psi, expected, 1e-12, "categorical PSI", "by hand");
    tn_psi_free(&psi);

    /*
     * KS: {1, 2, 3, 4} against {3, 4, 5, 6}: D = 1/2 (at 2); n = 4·4/8 = 2,
     * n·D = 1, so Pr(D_2 < 1/2) = 2!/2² (2·1 − 1)² = 1/2 and p = 1/2.
     */
    const double a[] = {1, 2, 3, 4}, b[] = {3, 4, 5, 6, NAN};
    tn_ks_result ks;
    assert_true(tn_ks_two_sample(a, 4, b, 5, &ks, NULL));
    assert_true(ks.statistic == 0.5);
    assert_relative(ks.p_value, 0.5, 1e-15, "p", "by hand");
    assert_int_equal(ks.n2, 4);
    assert_int_equal(ks.missing2, 1);
    /* identical: D = 0, p = 1 */
    assert_true(tn_ks_two_sample(a, 4, a, 4, &ks, NULL));
    assert_true(ks.statistic == 0 && ks.p_value == 1);
}

static void test_answers_that_do_not_exist(void **state) {
    (void)state;
    const double one[] = {1}, two[] = {2}, missing[] = {NAN, NAN}, values[] = {1, 2, 3};
    tn_ks_result ks;
    /* no non-missing value in a sample: D and p NAN, not an error */
    assert_true(tn_ks_two_sample(values, 3, missing, 2, &ks, NULL));
    assert_true(isnan(ks.statistic) && isnan(ks.p_value));
    assert_int_equal(ks.n2, 0);
    assert_int_equal(ks.missing2, 2);
    /* one value each: n = round(1/2) = 0, p NAN as in SciPy; D = 1 */
    assert_true(tn_ks_two_sample(one, 1, two, 1, &ks, NULL));
    assert_true(ks.statistic == 1);
    assert_true(isnan(ks.p_value));
    double sf = 0;
    assert_true(tn_kstwo_sf(0, 0.5, &sf, NULL));
    assert_true(isnan(sf));
    assert_true(tn_kstwo_sf(10, NAN, &sf, NULL));
    assert_true(isnan(sf));

    /* a reference with only missing values: no cut points, one numeric bin */
    tn_psi_result psi;
    assert_true(tn_psi_numeric(missing, 2, values, 3, TN_PSI_DEFAULT_BINS, &psi, NULL));
    assert_int_equal(psi.cuts, 0);
    assert_int_equal(psi.bins, 2);
    tn_psi_free(&psi);
}

static void test_input_errors(void **state) {
    (void)state;
    const double values[] = {1, 2, 3}, infinite[] = {1, INFINITY};
    const char *names[] = {"a"};
    tn_psi_result psi;
    tn_error err = {0};
    assert_false(tn_psi_numeric(values, 0, values, 3, TN_PSI_DEFAULT_BINS, &psi, &err));
    assert_int_equal(err.code, TN_ERR_INPUT);
    assert_non_null(strstr(err.message, "reference sample is empty"));
    assert_true(isnan(psi.psi));
    assert_null(psi.reference_share);
    err.code = TN_OK;
    assert_false(tn_psi_numeric(values, 3, values, 0, TN_PSI_DEFAULT_BINS, &psi, &err));
    assert_int_equal(err.code, TN_ERR_INPUT);
    assert_non_null(strstr(err.message, "current sample is empty"));
    err.code = TN_OK;
    assert_false(tn_psi_numeric(values, 3, values, 3, 0, &psi, &err));
    assert_int_equal(err.code, TN_ERR_INPUT);
    err.code = TN_OK;
    assert_false(tn_psi_numeric(values, 3, values, 3, TN_PSI_MAX_BINS + 1, &psi, &err));
    assert_int_equal(err.code, TN_ERR_INPUT);
    err.code = TN_OK;
    assert_false(tn_psi_numeric(values, 3, infinite, 2, TN_PSI_DEFAULT_BINS, &psi, &err));
    assert_int_equal(err.code, TN_ERR_INPUT);
    assert_non_null(strstr(err.message, "current value 2 is infinite"));
    assert_null(psi.cut);
    err.code = TN_OK;
    assert_false(tn_psi_categorical(names, 0, names, 1, &psi, &err));
    assert_int_equal(err.code, TN_ERR_INPUT);
}

/* Memory that runs out is a failure, never a figure (sizes no array can have). */
static void test_drift_fails_when_memory_runs_out(void **state) {
    (void)state;
    const size_t huge = SIZE_MAX / 4;
    const double values[1] = {0.5};
    const char *names[1] = {"a"};
    tn_psi_result psi;
    tn_ks_result ks;
    tn_error err = {0};
    assert_false(tn_psi_numeric(values, huge, values, 1, TN_PSI_DEFAULT_BINS, &psi, &err));
    assert_int_equal(err.code, TN_ERR_NOMEM);
    assert_true(isnan(psi.psi));
    err.code = TN_OK;
    assert_false(tn_psi_categorical(names, huge, names, huge, &psi, &err));
    assert_int_equal(err.code, TN_ERR_NOMEM);
    assert_true(isnan(psi.psi));
    err.code = TN_OK;
    assert_false(tn_ks_two_sample(values, 1, values, huge, &ks, &err));
    assert_int_equal(err.code, TN_ERR_NOMEM);
    assert_true(isnan(ks.statistic) && isnan(ks.p_value));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_psi_numeric_matches_numpy),
        cmocka_unit_test(test_psi_categorical_matches_numpy),
        cmocka_unit_test(test_ks_matches_scipy),
        cmocka_unit_test(test_kstwo_sf_matches_scipy),
        cmocka_unit_test(test_shifted_feature_is_detected),
        cmocka_unit_test(test_by_hand),
        cmocka_unit_test(test_answers_that_do_not_exist),
        cmocka_unit_test(test_input_errors),
        cmocka_unit_test(test_drift_fails_when_memory_runs_out),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
