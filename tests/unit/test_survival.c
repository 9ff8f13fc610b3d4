/*
 * test_survival.c — Kaplan-Meier, log-rank, Cox PH and its proportional-
 * hazards test (cox.zph) against R's survival package: every reference value
 * comes from tests/fixtures/stats/survival.json,
 * written by make_survival_fixtures.R there (R 4.2.2, survival 3.5-3), and is
 * matched to 1e-6 relative.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>

#include "fixture.h"
#include "stats/cox.h"
#include "stats/cox_zph.h"
#include "stats/km.h"
#include "stats/logrank.h"

static json_t *survival;

static int setup(void **state) {
    (void)state;
    gsl_set_error_handler_off();
    survival = fixture_load("stats/survival.json");
    return survival != NULL ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    json_decref(survival);
    return 0;
}

static void check_km_case(const json_t *c) {
    const char *name = json_string_value(json_object_get(c, "name"));
    size_t n;
    double *time = fixture_numbers(json_object_get(c, "time"), &n);
    int *status = fixture_ints(json_object_get(c, "status"), NULL);
    tn_km_curve curve;
    tn_error err;
    assert_true(tn_km_fit(time, status, n, 0.95, &curve, &err));
    size_t steps;
    double *step_time = fixture_numbers(json_object_get(c, "step_time"), &steps);
    double *n_risk = fixture_numbers(json_object_get(c, "n_risk"), NULL);
    double *n_event = fixture_numbers(json_object_get(c, "n_event"), NULL);
    double *surv = fixture_numbers(json_object_get(c, "surv"), NULL);
    double *std_err = fixture_numbers(json_object_get(c, "std_err"), NULL);
    double *lower = fixture_numbers(json_object_get(c, "lower"), NULL);
    double *upper = fixture_numbers(json_object_get(c, "upper"), NULL);
    if (curve.count != steps)
        fail_msg("%s: %zu steps, R has %zu", name, curve.count, steps);
    char what[128];
    for (size_t i = 0; i < steps; i++) {
        const tn_km_step *s = &curve.steps[i];
        snprintf(what, sizeof what, "%s step %zu", name, i);
        assert_close(s->time, step_time[i], what);
        assert_int_equal(s->at_risk, (int)n_risk[i]);
        assert_int_equal(s->events, (int)n_event[i]);
        assert_close(s->survival, surv[i], what);
        assert_close(s->std_err, std_err[i], what);
        if (isnan(lower[i])) { /* R has no interval where S is 0 or 1 */
            assert_true(isnan(s->lower) && isnan(s->upper));
            assert_true(s->survival == 0 || s->survival == 1);
        } else {
            assert_close(s->lower, lower[i], what);
            assert_close(s->upper, upper[i], what);
        }
    }
    double median = fixture_number(c, "median");
    assert_int_equal(curve.median_reached, !isnan(median));
    if (!isnan(median))
        assert_close(curve.median, median, "median");
    double median_lower = fixture_number(c, "median_lower"),
           median_upper = fixture_number(c, "median_upper");
    assert_int_equal(curve.median_lower_reached, !isnan(median_lower));
    if (!isnan(median_lower))
        assert_close(curve.median_lower, median_lower, "median lower bound");
    assert_int_equal(curve.median_upper_reached, !isnan(median_upper));
    if (!isnan(median_upper))
        assert_close(curve.median_upper, median_upper, "median upper bound");
    tn_km_free(&curve);
    free(time), free(status), free(step_time), free(n_risk), free(n_event), free(surv);
    free(std_err), free(lower), free(upper);
}

static void test_kaplan_meier_matches_survfit(void **state) {
    (void)state;
    const json_t *cases = json_object_get(survival, "kaplan_meier");
    assert_true(json_array_size(cases) >= 7);
    for (size_t i = 0; i < json_array_size(cases); i++)
        check_km_case(json_array_get(cases, i));
}

static void test_kaplan_meier_at_a_time(void **state) {
    (void)state;
    /* aml, Maintained arm (Miller 1981): S(13) = 10/11 · 9/10 = 0.8181..., 8 at risk at 18 */
    const double time[] = {9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161};
    const int event[] = {1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0};
    tn_km_curve curve;
    assert_true(tn_km_fit(time, event, 11, 0.95, &curve, NULL));
    double s;
    int at_risk;
    assert_true(tn_km_at(&curve, 13, &s, NULL, NULL, &at_risk));
    assert_close(s, 10.0 / 11 * 9 / 10, "S(13)");
    assert_int_equal(at_risk, 10); /* time >= 13 */
    assert_true(tn_km_at(&curve, 5, &s, NULL, NULL, &at_risk));
    assert_close(s, 1.0, "S before the first event");
    assert_int_equal(at_risk, 11);
    assert_false(tn_km_at(&curve, 200, &s, NULL, NULL, &at_risk)); /* beyond follow-up */
    tn_km_free(&curve);
}

static void test_kaplan_meier_rejects_bad_input(void **state) {
    (void)state;
    tn_km_curve curve;
    tn_error err;
    const double bad[] = {3, -1};
    const int event[] = {1, 1};
    assert_false(tn_km_fit(bad, event, 2, 0.95, &curve, &err));
    assert_non_null(strstr(err.message, "subject 2"));
    assert_false(tn_km_fit(bad, event, 0, 0.95, &curve, &err));
}

static void test_logrank_matches_survdiff(void **state) {
    (void)state;
    const json_t *cases = json_object_get(survival, "logrank");
    for (size_t c = 0; c < json_array_size(cases); c++) {
        const json_t *item = json_array_get(cases, c);
        const char *name = json_string_value(json_object_get(item, "name"));
        size_t n;
        double *time = fixture_numbers(json_object_get(item, "time"), &n);
        int *status = fixture_ints(json_object_get(item, "status"), NULL);
        int *group = fixture_ints(json_object_get(item, "group"), NULL);
        int groups = 0;
        for (size_t i = 0; i < n; i++)
            groups = group[i] + 1 > groups ? group[i] + 1 : groups;
        tn_logrank_result result;
        tn_error err;
        if (!tn_logrank(time, status, group, n, groups, &result, &err))
            fail_msg("%s: %s", name, err.message);
        assert_close(result.chisq, fixture_number(item, "chisq"), name);
        assert_int_equal(result.df, (int)fixture_number(item, "df"));
        assert_close(result.p, fixture_number(item, "p"), name);
        double *observed = fixture_numbers(json_object_get(item, "observed"), NULL);
        double *expected = fixture_numbers(json_object_get(item, "expected"), NULL);
        for (int g = 0; g < groups; g++) {
            assert_close(result.observed[g], observed[g], "observed");
            assert_close(result.expected[g], expected[g], "expected");
        }
        free(time), free(status), free(group), free(observed), free(expected);
    }
}

static void test_logrank_degenerate_cases(void **state) {
    (void)state;
    const double time[] = {1, 2, 3, 4};
    const int event[] = {0, 0, 0, 0}, one_group[] = {0, 0, 0, 0}, two[] = {0, 1, 0, 1};
    tn_logrank_result result;
    tn_error err;
    assert_false(tn_logrank(time, event, two, 4, 2, &result, &err));
    assert_non_null(strstr(err.message, "no events"));
    const int events[] = {1, 1, 1, 1};
    assert_false(tn_logrank(time, events, one_group, 4, 2, &result, &err));
    assert_non_null(strstr(err.message, "only 1 group"));
}

static void test_cox_matches_coxph(void **state) {
    (void)state;
    const json_t *cases = json_object_get(survival, "cox");
    for (size_t c = 0; c < json_array_size(cases); c++) {
        const json_t *item = json_array_get(cases, c);
        const char *name = json_string_value(json_object_get(item, "name"));
        size_t n, p = (size_t)fixture_number(item, "ncol");
        double *time = fixture_numbers(json_object_get(item, "time"), &n);
        int *status = fixture_ints(json_object_get(item, "status"), NULL);
        double *x = fixture_numbers(json_object_get(item, "x"), NULL);
        tn_cox_result fit;
        tn_error err;
        if (!tn_cox_fit(x, p, time, status, n, NULL, &fit, &err))
            fail_msg("%s: %s", name, err.message);
        assert_true(fit.converged);
        double *coef = fixture_numbers(json_object_get(item, "coef"), NULL);
        double *se = fixture_numbers(json_object_get(item, "se"), NULL);
        double *z = fixture_numbers(json_object_get(item, "z"), NULL);
        double *pv = fixture_numbers(json_object_get(item, "p"), NULL);
        double *lower = fixture_numbers(json_object_get(item, "hr_lower"), NULL);
        double *upper = fixture_numbers(json_object_get(item, "hr_upper"), NULL);
        for (size_t a = 0; a < p; a++) {
            assert_close(fit.coef[a], coef[a], name);
            assert_close(fit.se[a], se[a], name);
            assert_close(fit.z[a], z[a], name);
            assert_close(fit.p_value[a], pv[a], name);
            assert_close(fit.hr_lower[a], lower[a], name);
            assert_close(fit.hr_upper[a], upper[a], name);
            assert_close(fit.hazard_ratio[a], exp(coef[a]), name);
        }
        assert_close(fit.loglik_null, fixture_number(item, "loglik_null"), "null log-likelihood");
        assert_close(fit.loglik, fixture_number(item, "loglik"), "log-likelihood");
        assert_close(fit.lr_chisq, fixture_number(item, "lr_chisq"), "likelihood-ratio chi-square");
        assert_int_equal(fit.lr_df, (int)fixture_number(item, "lr_df"));
        assert_close(fit.lr_p, fixture_number(item, "lr_p"), "likelihood-ratio p");
        assert_close(fit.concordance, fixture_number(item, "concordance"), "concordance");
        tn_cox_free(&fit);
        free(time), free(status), free(x), free(coef), free(se), free(z), free(pv), free(lower),
            free(upper);
    }
}

static void test_cox_singular_design(void **state) {
    (void)state;
    const double time[] = {1, 2, 3, 4, 5, 6};
    const int event[] = {1, 0, 1, 1, 0, 1};
    const double x[] = {1, 0.5, 1, 0.1, 1, 0.9, 1, 0.3, 1, 0.7, 1, 0.2}; /* first column constant */
    const char *const names[] = {"always_one", "score"};
    tn_cox_result fit;
    tn_error err;
    assert_false(tn_cox_fit(x, 2, time, event, 6, names, &fit, &err));
    assert_int_equal(err.code, TN_ERR_INPUT);
    assert_non_null(strstr(err.message, "'always_one' is constant"));
    const int none[] = {0, 0, 0, 0, 0, 0};
    assert_false(tn_cox_fit(x, 2, time, none, 6, names, &fit, &err));
    assert_non_null(strstr(err.message, "no events"));
}

/* Fits the case's design with tn_cox_fit and tests it, as `tenure analyze` does; R fitted its own.
 */
static void check_zph_case(const json_t *item) {
    const char *name = json_string_value(json_object_get(item, "name"));
    size_t n, p = (size_t)fixture_number(item, "ncol"), terms;
    double *time = fixture_numbers(json_object_get(item, "time"), &n);
    int *status = fixture_ints(json_object_get(item, "status"), NULL);
    double *x = fixture_numbers(json_object_get(item, "x"), NULL);
    double *coef = fixture_numbers(json_object_get(item, "coef"), NULL);
    double *chisq = fixture_numbers(json_object_get(item, "chisq"), &terms);
    double *pv = fixture_numbers(json_object_get(item, "p"), NULL);
    int *df = fixture_ints(json_object_get(item, "df"), NULL);
    int *term_ints = fixture_ints(json_object_get(item, "term_of_column"), NULL);
    size_t term_of_column[16];
    assert_true(p <= 16);
    for (size_t j = 0; j < p; j++)
        term_of_column[j] = (size_t)term_ints[j];
    tn_cox_result fit;
    tn_cox_zph_result zph;
    tn_error err;
    if (!tn_cox_fit(x, p, time, status, n, NULL, &fit, &err))
        fail_msg("%s: %s", name, err.message);
    for (size_t a = 0; a < p; a++)
        assert_close(fit.coef[a], coef[a], name);
    if (!tn_cox_zph(x, p, time, status, n, fit.coef, term_of_column, &zph, &err))
        fail_msg("%s: %s", name, err.message);
    assert_int_equal(zph.terms, terms);
    for (size_t t = 0; t < terms; t++) {
        assert_close(zph.chisq[t], chisq[t], name);
        assert_int_equal(zph.df[t], df[t]);
        assert_close(zph.p[t], pv[t], name);
    }
    assert_close(zph.global_chisq, fixture_number(item, "global_chisq"), name);
    assert_int_equal(zph.global_df, (int)fixture_number(item, "global_df"));
    assert_close(zph.global_p, fixture_number(item, "global_p"), name);
    tn_cox_zph_free(&zph);
    tn_cox_free(&fit);
    free(time), free(status), free(x), free(coef), free(chisq), free(pv), free(df), free(term_ints);
}

static void test_cox_zph_matches_r(void **state) {
    (void)state;
    const json_t *cases = json_object_get(survival, "cox_zph");
    assert_true(json_array_size(cases) >= 5);
    for (size_t c = 0; c < json_array_size(cases); c++) {
        const json_t *item = json_array_get(cases, c);
        assert_string_equal(json_string_value(json_object_get(item, "transform")), "km");
        check_zph_case(item);
    }
}

/* Without terms each column is tested alone: veteran's celltype becomes three 1-df tests. */
static void test_cox_zph_columns_as_terms(void **state) {
    (void)state;
    const json_t *cases = json_object_get(survival, "cox_zph");
    const json_t *item = NULL;
    for (size_t c = 0; c < json_array_size(cases); c++)
        if (strcmp(json_string_value(json_object_get(json_array_get(cases, c), "name")),
                   "veteran_karno_age_trt_celltype") == 0)
            item = json_array_get(cases, c);
    assert_non_null(item);
    size_t n, p = (size_t)fixture_number(item, "ncol");
    double *time = fixture_numbers(json_object_get(item, "time"), &n);
    int *status = fixture_ints(json_object_get(item, "status"), NULL);
    double *x = fixture_numbers(json_object_get(item, "x"), NULL);
    double *coef = fixture_numbers(json_object_get(item, "coef"), NULL);
    tn_cox_zph_result zph;
    assert_true(tn_cox_zph(x, p, time, status, n, coef, NULL, &zph, NULL));
    assert_int_equal(zph.terms, p);
    for (size_t t = 0; t < p; t++)
        assert_int_equal(zph.df[t], 1);
    /* the first three columns are their own terms either way; the global test is the same */
    double *chisq = fixture_numbers(json_object_get(item, "chisq"), NULL);
    for (size_t t = 0; t < 3; t++)
        assert_close(zph.chisq[t], chisq[t], "a one-column term");
    assert_close(zph.global_chisq, fixture_number(item, "global_chisq"), "global");
    tn_cox_zph_free(&zph);
    free(time), free(status), free(x), free(coef), free(chisq);
}

static void test_cox_zph_rejects_what_it_cannot_test(void **state) {
    (void)state;
    const double time[] = {1, 2, 3, 4, 5, 6}, coef[] = {0.3, -0.2};
    const double x[] = {1, 0.5, 0, 0.1, 1, 0.9, 0, 0.3, 1, 0.7, 0, 0.2};
    const int event[] = {1, 0, 1, 1, 0, 1}, none[] = {0, 0, 0, 0, 0, 0};
    tn_cox_zph_result zph;
    tn_error err;
    assert_false(tn_cox_zph(x, 2, time, none, 6, coef, NULL, &zph, &err));
    assert_int_equal(err.code, TN_ERR_INPUT);
    assert_non_null(strstr(err.message, "no events"));
    const size_t gap[] = {0, 2}, too_big[] = {0, 7};
    assert_false(tn_cox_zph(x, 2, time, event, 6, coef, gap, &zph, &err));
    assert_non_null(strstr(err.message, "without gaps"));
    assert_false(tn_cox_zph(x, 2, time, event, 6, coef, too_big, &zph, &err));
    const double infinite[] = {INFINITY, 0};
    assert_false(tn_cox_zph(x, 2, time, event, 6, infinite, NULL, &zph, &err));
    assert_non_null(strstr(err.message, "not finite"));
    /* every event at one time: g(t) is one number, θ is not identifiable */
    const double same_time[] = {2, 2, 2, 5, 5, 5};
    const int early_events[] = {1, 1, 1, 0, 0, 0};
    assert_false(tn_cox_zph(x, 2, same_time, early_events, 6, coef, NULL, &zph, &err));
    assert_int_equal(err.code, TN_ERR_INPUT);
    assert_non_null(strstr(err.message, "singular"));
    assert_null(zph.chisq);
}

static void test_concordance_by_hand(void **state) {
    (void)state;
    /* times 1,2,3,4 (events at 1, 3; 2 and 4 censored); comparable pairs: (1,2) (1,3) (1,4) (3,4).
     * scores 4,3,2,1: all concordant → 1; reversed → 0; equal scores → 0.5. */
    const double time[] = {1, 2, 3, 4};
    const int event[] = {1, 0, 1, 0};
    const double concordant[] = {4, 3, 2, 1}, reversed[] = {1, 2, 3, 4}, flat[] = {1, 1, 1, 1};
    double c;
    assert_true(tn_concordance(concordant, time, event, 4, &c, NULL));
    assert_close(c, 1.0, "all concordant");
    assert_true(tn_concordance(reversed, time, event, 4, &c, NULL));
    assert_close(c, 0.0, "all discordant");
    assert_true(tn_concordance(flat, time, event, 4, &c, NULL));
    assert_close(c, 0.5, "all tied");
    const int no_events[] = {0, 0, 0, 0};
    assert_true(tn_concordance(concordant, time, no_events, 4, &c, NULL));
    assert_true(isnan(c)); /* no comparable pair: no index */
    /* memory that runs out is a failure, not a missing index */
    tn_error err = {0};
    assert_false(tn_concordance(concordant, time, event, SIZE_MAX / 4, &c, &err));
    assert_int_equal(err.code, TN_ERR_NOMEM);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kaplan_meier_matches_survfit),
        cmocka_unit_test(test_kaplan_meier_at_a_time),
        cmocka_unit_test(test_kaplan_meier_rejects_bad_input),
        cmocka_unit_test(test_logrank_matches_survdiff),
        cmocka_unit_test(test_logrank_degenerate_cases),
        cmocka_unit_test(test_cox_matches_coxph),
        cmocka_unit_test(test_cox_singular_design),
        cmocka_unit_test(test_cox_zph_matches_r),
        cmocka_unit_test(test_cox_zph_columns_as_terms),
        cmocka_unit_test(test_cox_zph_rejects_what_it_cannot_test),
        cmocka_unit_test(test_concordance_by_hand),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
