/*
 * test_survival_curve.c — each subject's survival curve under a Cox fit
 * (stats/cox_curve) and the out-of-sample metrics of predicted curves
 * (stats/survival_metrics) against R's survival package: the reference values
 * come from tests/fixtures/stats/survival_curve.json, written by
 * make_survival_curve_fixtures.R there (R 4.2.2, survival 3.5-3), and are
 * matched to 1e-6 relative; plus small cases worked by hand.
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
#include "stats/cox_curve.h"
#include "stats/km.h"
#include "stats/survival_metrics.h"

static json_t *fixtures;

static int setup(void **state) {
    (void)state;
    gsl_set_error_handler_off();
    fixtures = fixture_load("stats/survival_curve.json");
    return fixtures != NULL ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    json_decref(fixtures);
    return 0;
}

/* One half of a split: n subjects with p covariates. */
typedef struct {
    size_t n;
    double *time, *x;
    int *status;
} sample;

static sample load_sample(const json_t *item) {
    sample s;
    s.time = fixture_numbers(json_object_get(item, "time"), &s.n);
    s.status = fixture_ints(json_object_get(item, "status"), NULL);
    s.x = fixture_numbers(json_object_get(item, "x"), NULL);
    return s;
}

static void free_sample(sample *s) {
    free(s->time), free(s->status), free(s->x);
}

/* A case: the split, R's fit, and the baseline built from R's coefficients. */
typedef struct {
    const json_t *item;
    const char *name;
    size_t p;
    sample train, test;
    double *coef, horizon;
    tn_cox_baseline baseline;
} split_case;

static split_case load_case(size_t index) {
    split_case c;
    c.item = json_array_get(json_object_get(fixtures, "cases"), index);
    assert_non_null(c.item);
    c.name = json_string_value(json_object_get(c.item, "name"));
    c.p = (size_t)fixture_number(c.item, "p");
    c.train = load_sample(json_object_get(c.item, "train"));
    c.test = load_sample(json_object_get(c.item, "test"));
    c.coef = fixture_numbers(json_object_get(c.item, "coef"), NULL);
    c.horizon = fixture_number(c.item, "horizon");
    tn_error err;
    if (!tn_cox_baseline_fit(c.train.x, c.p, c.train.time, c.train.status, c.train.n, c.coef, NULL,
                             &c.baseline, &err))
        fail_msg("%s: %s", c.name, err.message);
    return c;
}

static void free_case(split_case *c) {
    free_sample(&c->train), free_sample(&c->test);
    free(c->coef);
    tn_cox_baseline_free(&c->baseline);
}

static size_t case_count(void) {
    return json_array_size(json_object_get(fixtures, "cases"));
}

static void test_center_matches_coxph_means(void **state) {
    (void)state;
    for (size_t i = 0; i < case_count(); i++) {
        split_case c = load_case(i);
        double *means = fixture_numbers(json_object_get(c.item, "means"), NULL);
        for (size_t a = 0; a < c.p; a++)
            assert_close(c.baseline.center[a], means[a], c.name); /* 0/1 columns: 0 */
        free(means);
        free_case(&c);
    }
}

static void test_baseline_matches_survfit(void **state) {
    (void)state;
    for (size_t i = 0; i < case_count(); i++) {
        split_case c = load_case(i);
        const json_t *base = json_object_get(c.item, "baseline");
        size_t count;
        double *time = fixture_numbers(json_object_get(base, "time"), &count);
        double *n_risk = fixture_numbers(json_object_get(base, "n_risk"), NULL);
        double *n_event = fixture_numbers(json_object_get(base, "n_event"), NULL);
        double *cumhaz = fixture_numbers(json_object_get(base, "cumhaz"), NULL);
        if (c.baseline.count != count)
            fail_msg("%s: %zu times, R has %zu", c.name, c.baseline.count, count);
        char what[128];
        for (size_t k = 0; k < count; k++) {
            snprintf(what, sizeof what, "%s baseline at %g", c.name, time[k]);
            assert_close(c.baseline.time[k], time[k], what);
            assert_int_equal(c.baseline.at_risk[k], (int)n_risk[k]);
            assert_int_equal(c.baseline.events[k], (int)n_event[k]);
            assert_close(c.baseline.cumhaz[k], cumhaz[k], what);
        }
        free(time), free(n_risk), free(n_event), free(cumhaz);
        free_case(&c);
    }
}

/* survfit(fit, newdata = rows) at the case's times, and the medians, for `baseline`. */
static void check_curves(const split_case *c, const tn_cox_baseline *baseline) {
    const json_t *curves = json_object_get(c->item, "curves");
    size_t cells, count, rows;
    double *x = fixture_numbers(json_object_get(curves, "x"), NULL);
    double *times = fixture_numbers(json_object_get(curves, "times"), &count);
    double *surv = fixture_numbers(json_object_get(curves, "surv"), &cells); /* [row][time] */
    double *median = fixture_numbers(json_object_get(curves, "median"), &rows);
    assert_int_equal(cells, rows * count);
    double *ours = malloc(count * sizeof *ours);
    char what[128];
    for (size_t r = 0; r < rows; r++) {
        const double *row = x + r * c->p;
        tn_cox_survival_at(baseline, row, times, count, ours);
        for (size_t k = 0; k < count; k++) {
            snprintf(what, sizeof what, "%s row %zu S(%g)", c->name, r, times[k]);
            assert_close(ours[k], surv[r * count + k], what);
        }
        double relative_risk = exp(tn_cox_linear_predictor(baseline, row)), m;
        snprintf(what, sizeof what, "%s row %zu median", c->name, r);
        bool reached = tn_cox_median(baseline, relative_risk, INFINITY, &m);
        if (reached != !isnan(median[r]))
            fail_msg("%s: reached %d, R's median %g", what, reached, median[r]);
        if (reached)
            assert_close(m, median[r], what);
        else
            assert_true(isinf(m));
        /* within the horizon: reached only when R's median is at or before it */
        bool within = tn_cox_median(baseline, relative_risk, c->horizon, &m);
        assert_int_equal(within, reached && median[r] <= c->horizon);
    }
    free(x), free(times), free(surv), free(median), free(ours);
}

static void test_curves_match_survfit(void **state) {
    (void)state;
    for (size_t i = 0; i < case_count(); i++) {
        split_case c = load_case(i);
        check_curves(&c, &c.baseline);
        free_case(&c);
    }
}

/* The same curves from Tenure's own Cox fit of the training half. */
static void test_curves_from_our_cox_fit(void **state) {
    (void)state;
    for (size_t i = 0; i < case_count(); i++) {
        split_case c = load_case(i);
        tn_cox_result fit;
        tn_error err;
        if (!tn_cox_fit(c.train.x, c.p, c.train.time, c.train.status, c.train.n, NULL, &fit, &err))
            fail_msg("%s: %s", c.name, err.message);
        tn_cox_baseline ours;
        assert_true(tn_cox_baseline_fit(c.train.x, c.p, c.train.time, c.train.status, c.train.n,
                                        fit.coef, NULL, &ours, &err));
        check_curves(&c, &ours);
        tn_cox_baseline_free(&ours);
        tn_cox_free(&fit);
        free_case(&c);
    }
}

static void test_linear_predictor_matches_predict(void **state) {
    (void)state;
    for (size_t i = 0; i < case_count(); i++) {
        split_case c = load_case(i);
        double *lp = fixture_numbers(json_object_get(c.item, "linear_predictor"), NULL);
        for (size_t s = 0; s < c.test.n; s++)
            assert_close(tn_cox_linear_predictor(&c.baseline, c.test.x + s * c.p), lp[s], c.name);
        free(lp);
        free_case(&c);
    }
}

static void test_censoring_curve_matches_r(void **state) {
    (void)state;
    for (size_t i = 0; i < case_count(); i++) {
        split_case c = load_case(i);
        const json_t *reference = json_object_get(c.item, "censoring");
        size_t count;
        double *time = fixture_numbers(json_object_get(reference, "time"), &count);
        double *surv = fixture_numbers(json_object_get(reference, "surv"), NULL);
        tn_censoring_curve g;
        assert_true(tn_censoring_fit(c.test.time, c.test.status, c.test.n, &g, NULL));
        assert_int_equal(g.count, count);
        for (size_t k = 0; k < count; k++) {
            assert_close(g.time[k], time[k], c.name);
            assert_close(g.survival[k], surv[k], c.name);
            assert_close(tn_censoring_at(&g, time[k]), surv[k], "G(t)");
            assert_close(tn_censoring_before(&g, time[k]), k ? surv[k - 1] : 1.0, "G(t-)");
        }
        tn_censoring_free(&g);
        free(time), free(surv);
        free_case(&c);
    }
}

/* IBS over the exact grid from tn_brier_grid, and over the regular grid R used (step `step`). */
static void check_ibs(const split_case *c, const double *model_times, size_t model_count,
                      tn_survival_predictor predict, const void *context, double expected,
                      const char *what) {
    double *grid;
    size_t m;
    tn_error err;
    assert_true(tn_brier_grid(c->test.time, c->test.n, model_times, model_count, c->horizon, &grid,
                              &m, &err));
    tn_brier_result result;
    if (!tn_integrated_brier_score(c->test.time, c->test.status, c->test.n, grid, m, c->horizon,
                                   predict, context, &result, &err))
        fail_msg("%s %s: %s", c->name, what, err.message);
    assert_close(result.integrated, expected, what);
    tn_brier_free(&result);
    free(grid);
    /* R's grid: every whole day (lung) or every 0.05 (crossing), k·step as R's seq() */
    double step = strcmp(c->name, "lung") == 0 ? 1.0 : 0.05;
    m = (size_t)llround(c->horizon / step);
    grid = malloc(m * sizeof *grid);
    for (size_t k = 0; k < m; k++)
        grid[k] = (double)k * step;
    assert_true(tn_integrated_brier_score(c->test.time, c->test.status, c->test.n, grid, m,
                                          c->horizon, predict, context, &result, &err));
    assert_close(result.integrated, expected, what);
    tn_brier_free(&result);
    free(grid);
}

/* BS at the case's brier_times (a grid of 0 and those times). */
static void check_brier_at_times(const split_case *c, tn_survival_predictor predict,
                                 const void *context, const char *key) {
    size_t count;
    double *times = fixture_numbers(json_object_get(c->item, "brier_times"), &count);
    double *expected = fixture_numbers(json_object_get(c->item, key), NULL);
    double *grid = malloc((count + 1) * sizeof *grid);
    grid[0] = 0;
    memcpy(grid + 1, times, count * sizeof *times);
    tn_brier_result result;
    tn_error err;
    assert_true(tn_integrated_brier_score(c->test.time, c->test.status, c->test.n, grid, count + 1,
                                          c->horizon, predict, context, &result, &err));
    assert_close(result.brier[0], 0.0, "BS(0)"); /* S(0) = 1 and everyone is alive */
    for (size_t k = 0; k < count; k++)
        assert_close(result.brier[k + 1], expected[k], key);
    tn_brier_free(&result);
    free(times), free(expected), free(grid);
}

static void test_brier_of_the_model_matches_r(void **state) {
    (void)state;
    for (size_t i = 0; i < case_count(); i++) {
        split_case c = load_case(i);
        tn_cox_rows rows = {&c.baseline, c.test.x};
        check_brier_at_times(&c, tn_predict_cox, &rows, "brier_model");
        check_ibs(&c, c.baseline.time, c.baseline.count, tn_predict_cox, &rows,
                  fixture_number(c.item, "ibs_model"), "model IBS");
        free_case(&c);
    }
}

static void test_brier_of_the_km_baseline_matches_r(void **state) {
    (void)state;
    for (size_t i = 0; i < case_count(); i++) {
        split_case c = load_case(i);
        tn_km_curve km;
        assert_true(tn_km_fit(c.train.time, c.train.status, c.train.n, 0.95, &km, NULL));
        check_brier_at_times(&c, tn_predict_km, &km, "brier_km");
        double *step_times = malloc(km.count * sizeof *step_times);
        for (size_t k = 0; k < km.count; k++)
            step_times[k] = km.steps[k].time;
        check_ibs(&c, step_times, km.count, tn_predict_km, &km, fixture_number(c.item, "ibs_km"),
                  "Kaplan-Meier IBS");
        /* the model beats the baseline on these data */
        assert_true(fixture_number(c.item, "ibs_model") < fixture_number(c.item, "ibs_km"));
        free(step_times);
        tn_km_free(&km);
        free_case(&c);
    }
}

static void test_truncated_concordance_matches_r(void **state) {
    (void)state;
    for (size_t i = 0; i < case_count(); i++) {
        split_case c = load_case(i);
        size_t n = c.test.n;
        double *lp = malloc(n * sizeof *lp), *risk = malloc(n * sizeof *risk);
        double *flat = malloc(n * sizeof *flat);
        for (size_t s = 0; s < n; s++) {
            lp[s] = tn_cox_linear_predictor(&c.baseline, c.test.x + s * c.p);
            risk[s] = 1.0 - tn_cox_survival(&c.baseline, exp(lp[s]), c.horizon);
            flat[s] = 0.25; /* the Kaplan-Meier baseline: one curve for all */
        }
        double concordance;
        assert_true(tn_concordance_truncated(lp, c.test.time, c.test.status, n, c.horizon,
                                             &concordance, NULL));
        assert_close(concordance, fixture_number(c.item, "concordance_lp"), "C(lp, tau)");
        assert_true(tn_concordance_truncated(risk, c.test.time, c.test.status, n, c.horizon,
                                             &concordance, NULL));
        assert_close(concordance, fixture_number(c.item, "concordance_survival"), "C(1 - S(tau))");
        assert_true(tn_concordance_truncated(flat, c.test.time, c.test.status, n, c.horizon,
                                             &concordance, NULL));
        assert_close(concordance, fixture_number(c.item, "concordance_km"), "C of the KM");
        assert_true(tn_concordance_truncated(lp, c.test.time, c.test.status, n, INFINITY,
                                             &concordance, NULL));
        assert_close(concordance, fixture_number(c.item, "concordance_untruncated"), "C(lp)");
        free(lp), free(risk), free(flat);
        free_case(&c);
    }
}

/* ---- by hand ------------------------------------------------------------------------ */

/*
 * Times 1, 2, 3, 4 with events at 1 and 3 (2 and 4 censored). G: the censoring at 2 faces
 * {2, 3, 4}: G = 2/3 on [2, 4); at 4 it faces {4}: G(4) = 0. Each subject's curve is flat
 * at s = 0.2, 0.6, 0.5, 0.9 on the grid 0, 1, 2, 3; horizon 4.
 *   BS(0) = (0.8² + 0.4² + 0.5² + 0.1²) / 4                      = 1.06 / 4 = 0.265
 *   BS(1) = (0.2²/1 + (0.4² + 0.5² + 0.1²)/1) / 4                = 0.46 / 4 = 0.115
 *   BS(2) = (0.2²/1 + 0 [censored at 2] + (0.5² + 0.1²)/(2/3)) / 4 = 0.43 / 4 = 0.1075
 *   BS(3) = (0.2²/1 + 0.5²/G(3−) + 0.1²/G(3)) / 4 = (0.04 + 0.375 + 0.015) / 4 = 0.1075
 *   IBS(4) = (0.265 + 0.115 + 0.1075 + 0.1075) / 4 = 0.14875
 */
static void test_brier_by_hand(void **state) {
    (void)state;
    const double time[] = {1, 2, 3, 4}, grid[] = {0, 1, 2, 3};
    const int event[] = {1, 0, 1, 0};
    const double flat[] = {0.2, 0.6, 0.5, 0.9};
    double survival[16];
    for (size_t i = 0; i < 4; i++)
        for (size_t k = 0; k < 4; k++)
            survival[i * 4 + k] = flat[i];
    tn_survival_matrix matrix = {survival};
    tn_brier_result result;
    tn_error err;
    assert_true(tn_integrated_brier_score(time, event, 4, grid, 4, 4.0, tn_predict_from_matrix,
                                          &matrix, &result, &err));
    const double expected[] = {0.265, 0.115, 0.1075, 0.1075};
    for (size_t k = 0; k < 4; k++)
        assert_close(result.brier[k], expected[k], "BS by hand");
    assert_close(result.integrated, 0.14875, "IBS by hand");
    tn_brier_free(&result);
    tn_censoring_curve g;
    assert_true(tn_censoring_fit(time, event, 4, &g, NULL));
    assert_int_equal(g.count, 2);
    assert_close(tn_censoring_at(&g, 1.5), 1.0, "G(1.5)");
    assert_close(tn_censoring_at(&g, 2), 2.0 / 3, "G(2)");
    assert_close(tn_censoring_before(&g, 2), 1.0, "G(2-)");
    assert_close(tn_censoring_at(&g, 4), 0.0, "G(4)");
    tn_censoring_free(&g);
    /* the exact grid: 0 and the test and model times below the horizon */
    const double model_times[] = {0.5, 2, 7};
    double *exact;
    size_t m;
    assert_true(tn_brier_grid(time, 4, model_times, 3, 3.0, &exact, &m, &err));
    assert_int_equal(m, 4);
    const double expected_grid[] = {0, 0.5, 1, 2};
    for (size_t k = 0; k < m; k++)
        assert_close(exact[k], expected_grid[k], "grid");
    free(exact);
}

static bool failing_predictor(const void *context, size_t subject, const double *grid, size_t m,
                              double *survival, tn_error *err) {
    (void)context, (void)grid, (void)m, (void)survival;
    return tn_error_set(err, TN_ERR_MODEL, "no curve for subject %zu", subject + 1);
}

static void test_brier_rejects_bad_input(void **state) {
    (void)state;
    const double time[] = {1, 2, 3, 4}, grid[] = {0, 1, 2, 3};
    const int event[] = {1, 0, 1, 0};
    double survival[16];
    for (size_t i = 0; i < 16; i++)
        survival[i] = 0.5;
    tn_survival_matrix matrix = {survival};
    tn_brier_result result;
    tn_error err;
    /* a horizon beyond the follow-up, a grid that does not start at 0 or reaches the horizon */
    assert_false(tn_integrated_brier_score(time, event, 4, grid, 4, 5.0, tn_predict_from_matrix,
                                           &matrix, &result, &err));
    assert_int_equal(err.code, TN_ERR_INPUT);
    assert_non_null(strstr(err.message, "horizon"));
    assert_false(tn_integrated_brier_score(time, event, 4, grid + 1, 3, 4.0, tn_predict_from_matrix,
                                           &matrix, &result, &err));
    assert_false(tn_integrated_brier_score(time, event, 4, grid, 4, 3.0, tn_predict_from_matrix,
                                           &matrix, &result, &err));
    assert_null(result.brier);
    /* a prediction outside [0, 1], and a predictor's own failure, come back as errors */
    survival[6] = 1.5;
    assert_false(tn_integrated_brier_score(time, event, 4, grid, 4, 4.0, tn_predict_from_matrix,
                                           &matrix, &result, &err));
    assert_non_null(strstr(err.message, "subject 2"));
    assert_false(tn_integrated_brier_score(time, event, 4, grid, 4, 4.0, failing_predictor, NULL,
                                           &result, &err));
    assert_int_equal(err.code, TN_ERR_MODEL);
    const double negative[] = {1, -2, 3, 4};
    assert_false(tn_censoring_fit(negative, event, 4, &(tn_censoring_curve){0}, &err));
    assert_non_null(strstr(err.message, "subject 2"));
}

/*
 * Times 1, 2, 3, 4, events at 1 and 3; scores 4, 3, 1, 2. Untruncated the pairs are (1,2),
 * (1,3), (1,4) — concordant — and (3,4), discordant: C = 3/4. At τ = 2 only the event at 1
 * counts: C = 1; at τ = 3 the event at 3 is kept (T ≤ τ): 3/4 again.
 */
static void test_truncated_concordance_by_hand(void **state) {
    (void)state;
    const double time[] = {1, 2, 3, 4}, score[] = {4, 3, 1, 2};
    const int event[] = {1, 0, 1, 0};
    double c;
    assert_true(tn_concordance_truncated(score, time, event, 4, INFINITY, &c, NULL));
    assert_close(c, 0.75, "untruncated");
    assert_true(tn_concordance_truncated(score, time, event, 4, 2.0, &c, NULL));
    assert_close(c, 1.0, "tau = 2");
    assert_true(tn_concordance_truncated(score, time, event, 4, 3.0, &c, NULL));
    assert_close(c, 0.75, "tau = 3");
    assert_true(tn_concordance_truncated(score, time, event, 4, 0.5, &c, NULL));
    assert_true(isnan(c)); /* no event by τ: no pair */
}

/*
 * Training times 1, 2, 3 with events at 1 and 3, one covariate at 0 (β = 0.7): r = 1,
 * Λ0(1) = 1/3, Λ0(2) = 1/3, Λ0(3) = 1/3 + 1. A row with r = 3 log 2 has S(1) = 2^−1 = 0.5
 * exactly on [1, 3): survfit's median is the midpoint (1 + 3)/2 = 2.
 */
static void test_median_on_a_plateau(void **state) {
    (void)state;
    const double x[] = {0, 0, 0}, time[] = {1, 2, 3}, coef[] = {0.7};
    const int event[] = {1, 0, 1};
    tn_cox_baseline baseline;
    assert_true(tn_cox_baseline_fit(x, 1, time, event, 3, coef, NULL, &baseline, NULL));
    assert_close(baseline.cumhaz[0], 1.0 / 3, "Lambda0(1)");
    assert_close(baseline.cumhaz[1], 1.0 / 3, "Lambda0(2)");
    assert_close(baseline.cumhaz[2], 4.0 / 3, "Lambda0(3)");
    double r = 3 * log(2.0), median;
    assert_close(tn_cox_survival(&baseline, r, 0.5), 1.0, "S before the first time");
    assert_close(tn_cox_survival(&baseline, r, 1.0), 0.5, "S(1)");
    assert_close(tn_cox_survival(&baseline, r, 2.999), 0.5, "S(3-)");
    assert_true(tn_cox_median(&baseline, r, INFINITY, &median));
    assert_close(median, 2.0, "median on a plateau");
    assert_false(tn_cox_median(&baseline, r, 1.5, &median)); /* beyond the horizon */
    assert_true(isinf(median));
    assert_true(tn_cox_median(&baseline, 3.0, 1.0, &median)); /* S(1) = e^−1 < 0.5 */
    assert_close(median, 1.0, "median at the first event");
    tn_cox_baseline_free(&baseline);
}

/*
 * Efron's tie correction by hand: times 1, 1, 2 all events, x = 0, 1, 0, β = log 2 and the
 * centre c = 0 given explicitly, so r = 1, 2, 1: S0(1) = 4, D0(1) = 3 and
 * dΛ0(1) = 1/4 + 1/(4 − 3/2) = 0.65; S0(2) = 1: dΛ0(2) = 1.
 */
static void test_efron_ties_by_hand(void **state) {
    (void)state;
    const double x[] = {0, 1, 0}, time[] = {1, 1, 2}, coef[] = {log(2.0)}, center[] = {0};
    const int event[] = {1, 1, 1};
    tn_cox_baseline baseline;
    assert_true(tn_cox_baseline_fit(x, 1, time, event, 3, coef, center, &baseline, NULL));
    assert_int_equal(baseline.count, 2);
    assert_int_equal(baseline.at_risk[0], 3);
    assert_int_equal(baseline.events[0], 2);
    assert_close(baseline.cumhaz[0], 0.65, "Lambda0(1)");
    assert_close(baseline.cumhaz[1], 1.65, "Lambda0(2)");
    const double row[] = {1}, at[] = {0.5, 1, 5};
    double s[3];
    tn_cox_survival_at(&baseline, row, at, 3, s); /* r = 2 */
    assert_close(s[0], 1.0, "S(0.5)");
    assert_close(s[1], exp(-2 * 0.65), "S(1)");
    assert_close(s[2], exp(-2 * 1.65), "S beyond the last time: flat");
    tn_cox_baseline_free(&baseline);
}

static void test_baseline_rejects_bad_input(void **state) {
    (void)state;
    const double x[] = {0, 1, 0}, time[] = {1, -1, 2}, coef[] = {NAN};
    const int event[] = {1, 1, 1};
    tn_cox_baseline baseline;
    tn_error err;
    assert_false(tn_cox_baseline_fit(x, 1, time, event, 0, coef, NULL, &baseline, &err));
    assert_int_equal(err.code, TN_ERR_INPUT);
    assert_false(tn_cox_baseline_fit(x, 1, time, event, 3, coef, NULL, &baseline, &err));
    assert_non_null(strstr(err.message, "coefficient 1"));
    const double beta[] = {0.5};
    assert_false(tn_cox_baseline_fit(x, 1, time, event, 3, beta, NULL, &baseline, &err));
    assert_non_null(strstr(err.message, "subject 2"));
    assert_null(baseline.time);
    tn_cox_baseline_free(&baseline); /* harmless after a failure */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_center_matches_coxph_means),
        cmocka_unit_test(test_baseline_matches_survfit),
        cmocka_unit_test(test_curves_match_survfit),
        cmocka_unit_test(test_curves_from_our_cox_fit),
        cmocka_unit_test(test_linear_predictor_matches_predict),
        cmocka_unit_test(test_censoring_curve_matches_r),
        cmocka_unit_test(test_brier_of_the_model_matches_r),
        cmocka_unit_test(test_brier_of_the_km_baseline_matches_r),
        cmocka_unit_test(test_truncated_concordance_matches_r),
        cmocka_unit_test(test_brier_by_hand),
        cmocka_unit_test(test_brier_rejects_bad_input),
        cmocka_unit_test(test_truncated_concordance_by_hand),
        cmocka_unit_test(test_median_on_a_plateau),
        cmocka_unit_test(test_efron_ties_by_hand),
        cmocka_unit_test(test_baseline_rejects_bad_input),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
