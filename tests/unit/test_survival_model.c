/*
 * test_survival_model.c — src/ml/survival_model.c on a small hand-written
 * survival.json of kind "cox": two numeric columns with β = (0.5, −0.1),
 * stand-ins (0, 1) for missing values, a baseline centred at 0.3 with
 * Λ0 = 0.01, 0.05, 0.2, 0.5 at days 10, 30, 90, 200.
 *
 * The expected figures are the definitions evaluated by hand (python3's
 * math module printed the decimals): S(t | x) = exp(−Λ0(t))^r with
 * r = exp(x'β − 0.3), Λ0 a right-continuous step function, flat after 200.
 *   x = (1, 2):   score 0.3, r = 1: S(30) = e^−0.05 = 0.951229424500714,
 *                 S(90) = S(180) = e^−0.2 = 0.8187307530779818,
 *                 S(365) = e^−0.5 = 0.6065306597126334; median beyond 365.
 *   x = (NaN, 2): the first value stands in as 0: score −0.2, r = e^−0.5,
 *                 S(90) = e^(−0.2·e^−0.5) = 0.8857627578095632.
 *   x = (5, 0):   score 2.5, r = e^2.2 = 9.025013499434122:
 *                 S(30) = 0.6368311845285669 > 0.5 and S(90) =
 *                 0.16447401251533608 ≤ 0.5, so the median is day 90.
 * Churn before a renewal in 100 days is 1 − S(99) = 1 − e^−0.2 =
 * 0.18126924692201818 for r = 1; renewals at day 0 or beyond 365 give none.
 * Broken files are refused naming what is wrong.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ml/survival_model.h"

static const char *const model_text =
    "{\"name\": \"survival\", \"version\": \"survival-test\", \"model_set\": \"set-1\","
    " \"as_of\": \"2026-03-14\", \"kind\": \"%s\","
    " \"encoding\": {\"features\": [{\"name\": \"a\", \"kind\": \"number\"},"
    "                               {\"name\": \"b\", \"kind\": \"number\"}],"
    "                \"columns\": [\"a\", \"b\"]},"
    " \"cox\": {\"columns\": [{\"column\": \"a\", \"index\": 0, \"fill\": 0, \"coef\": 0.5},"
    "                         {\"column\": \"b\", \"index\": %d, \"fill\": 1, \"coef\": -0.1}]},"
    " \"baseline\": {\"centre\": 0.3, \"time\": [10, 30, %s, 200],"
    "                \"cumulative_hazard\": [0.01, 0.05, 0.2, 0.5]}}";

static char dir[64];

/* |actual − expected| ≤ tolerance, in double precision (cmocka's float check is single). */
#define assert_double_equal(actual, expected, tolerance)                                           \
    do {                                                                                           \
        double a_ = (actual), e_ = (expected);                                                     \
        if (!(fabs(a_ - e_) <= (tolerance)))                                                       \
            fail_msg("%s = %.17g, expected %.17g", #actual, a_, e_);                               \
    } while (0)

/* Writes survival.json with the kind, b's column index and the third time given. */
static void write_model(const char *kind, int index_b, const char *third_time) {
    char path[128];
    snprintf(path, sizeof path, "%s/survival.json", dir);
    FILE *file = fopen(path, "w");
    assert_non_null(file);
    fprintf(file, model_text, kind, index_b, third_time);
    fclose(file);
}

static int setup(void **state) {
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/tenure-test-survival-XXXXXX");
    return mkdtemp(dir) != NULL ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/survival.json", dir);
    unlink(path);
    rmdir(dir);
    return 0;
}

static void load_good(tn_survival_model *model) {
    write_model("cox", 1, "90");
    tn_error err = {0};
    assert_true(tn_survival_model_load(dir, model, &err));
    assert_int_equal(model->kind, TN_SURVIVAL_COX);
    assert_string_equal(model->set, "set-1");
}

static void test_curve_points_and_median(void **state) {
    (void)state;
    tn_survival_model model;
    load_good(&model);
    const float x[] = {1, 2, NAN, 2, 5, 0};
    double score[3];
    tn_error err = {0};
    assert_true(tn_survival_model_score_encoded(&model, x, 3, score, &err));
    assert_double_equal(score[0], 0.3, 1e-12);
    assert_double_equal(score[1], -0.2, 1e-12);
    assert_double_equal(score[2], 2.5, 1e-12);

    tn_survival_summary s;
    tn_survival_summarize(&model, score[0], 100, &s);
    assert_double_equal(s.survival[0], 0.951229424500714, 1e-12);
    assert_double_equal(s.survival[1], 0.8187307530779818, 1e-12);
    assert_double_equal(s.survival[2], 0.8187307530779818, 1e-12);
    assert_double_equal(s.survival[3], 0.6065306597126334, 1e-12);
    assert_true(isinf(s.median_days));
    assert_double_equal(s.renewal_days, 100, 0);
    assert_double_equal(s.churn_before_renewal, 0.18126924692201818, 1e-12);

    tn_survival_summarize(&model, score[1], NAN, &s);
    assert_double_equal(s.survival[1], 0.8857627578095632, 1e-12);
    assert_true(isnan(s.churn_before_renewal));

    tn_survival_summarize(&model, score[2], 400, &s);
    assert_double_equal(s.survival[0], 0.6368311845285669, 1e-12);
    assert_double_equal(s.survival[1], 0.16447401251533608, 1e-12);
    assert_double_equal(s.median_days, 90, 0);
    assert_true(isnan(s.churn_before_renewal)); /* the renewal is beyond 365 days */
    tn_survival_summarize(&model, score[2], 0, &s);
    assert_true(isnan(s.churn_before_renewal)); /* due on the as-of day: nothing before it */
    tn_survival_model_free(&model);
}

static void test_json_and_the_curve(void **state) {
    (void)state;
    tn_survival_model model;
    load_good(&model);
    tn_survival_summary s;
    tn_survival_summarize(&model, 0.3, 100, &s);
    json_t *json = tn_survival_summary_json(&model, &s);
    json_t *curve = tn_survival_curve_json(&model, 0.3);
    assert_non_null(json);
    assert_int_equal(json_array_size(curve), 26);
    const json_t *last = json_array_get(curve, 25);
    assert_int_equal(json_integer_value(json_array_get(last, 0)), 365);
    assert_double_equal(json_real_value(json_array_get(last, 1)), 0.6065306597126334, 1e-12);
    assert_double_equal(json_real_value(json_array_get(json_array_get(curve, 0), 1)), 1, 0);
    assert_string_equal(json_string_value(json_object_get(json, "median")), "beyond 365 days");
    assert_true(json_is_null(json_object_get(json, "median_days_to_churn")));
    assert_int_equal(json_integer_value(json_object_get(json, "renewal_in_days")), 100);
    json_decref(json);
    json_decref(curve);
    tn_survival_model_free(&model);
}

/* A broken file is refused with `expected` in the message. */
static void refused(const char *kind, int index_b, const char *third_time, const char *expected) {
    write_model(kind, index_b, third_time);
    tn_survival_model model;
    tn_error err = {0};
    assert_false(tn_survival_model_load(dir, &model, &err));
    assert_int_equal(err.code, TN_ERR_MODEL);
    if (strstr(err.message, expected) == NULL)
        fail_msg("'%s' lacks '%s'", err.message, expected);
    tn_survival_model_free(&model); /* harmless after a failure */
}

static void test_broken_files_are_refused(void **state) {
    (void)state;
    refused("forest", 1, "90", "\"kind\" is neither");
    refused("cox", 1, "20", "ascending times");     /* 10, 30, 20, 200 */
    refused("cox", 7, "90", "a column of \"cox\""); /* index beyond the two columns */
    char path[128];
    snprintf(path, sizeof path, "%s/survival.json", dir);
    FILE *file = fopen(path, "w");
    fputs("{\"version\": ", file);
    fclose(file);
    tn_survival_model model;
    tn_error err = {0};
    assert_false(tn_survival_model_load(dir, &model, &err));
    assert_non_null(strstr(err.message, "survival.json"));
    tn_survival_model_free(&model);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_curve_points_and_median),
        cmocka_unit_test(test_json_and_the_curve),
        cmocka_unit_test(test_broken_files_are_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
