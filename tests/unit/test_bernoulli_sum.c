/*
 * test_bernoulli_sum.c — the sums of independent Bernoulli outcomes of
 * src/stats/bernoulli_sum.c against tests/fixtures/stats/forecast.json
 * (written by make_forecast_fixtures.py there: exact rational arithmetic and
 * SciPy 1.10.1's binomial distribution, independently of the C code).
 *
 *   - the Poisson-binomial pmf to 1e-10 relative (plus 1e-16 absolute), and
 *     the mass it leaves out (above its support) below 1e-30 in the exact pmf;
 *   - the count's quantiles exactly;
 *   - the simulated quantiles of a weighted sum between the exact quantiles
 *     at level − 0.01 and level + 0.01 (10,000 draws put the empirical CDF
 *     within about 0.003 of the true one), its mean exactly;
 *   - the same input and seed give the same answer; bad probabilities and
 *     weights are refused by index.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "stats/bernoulli_sum.h"

#define SIMULATIONS 10000
#define SEED 12345u

static json_t *fixtures;

static int setup(void **state) {
    (void)state;
    fixtures = fixture_load("stats/forecast.json");
    return fixtures != NULL ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    json_decref(fixtures);
    return 0;
}

static const double levels[4] = {0.025, 0.10, 0.90, 0.975};
static const char *const level_keys[4] = {"0.025", "0.1", "0.9", "0.975"};

static void check_pmf(const double *p, size_t n, const json_t *expected_pmf, const char *name) {
    double *pmf;
    size_t support;
    tn_error err;
    assert_true(tn_poisson_binomial_pmf(p, n, &pmf, &support, &err));
    size_t exact_size;
    double *exact = fixture_numbers(expected_pmf, &exact_size);
    assert_true(support <= exact_size);
    for (size_t k = 0; k < support; k++)
        if (fabs(pmf[k] - exact[k]) > 1e-10 * exact[k] + 1e-16)
            fail_msg("%s: P(X = %zu) = %.17g, expected %.17g", name, k, pmf[k], exact[k]);
    double left_out = 0;
    for (size_t k = support; k < exact_size; k++)
        left_out += exact[k];
    if (left_out > 1e-30)
        fail_msg("%s: the support stops at %zu, leaving out %g", name, support, left_out);
    free(exact);
    free(pmf);
}

static void test_count_against_exact_fractions(void **state) {
    (void)state;
    size_t i;
    const json_t *c;
    json_array_foreach(json_object_get(fixtures, "count"), i, c) {
        const char *name = json_string_value(json_object_get(c, "name"));
        size_t n;
        double *p = fixture_numbers(json_object_get(c, "p"), &n);
        check_pmf(p, n, json_object_get(c, "pmf"), name);
        tn_sum_interval interval;
        tn_error err;
        assert_true(tn_bernoulli_count(p, n, &interval, &err));
        assert_close(interval.expected, fixture_number(c, "mean"), name);
        const json_t *q = json_object_get(c, "quantiles");
        double got[4] = {interval.low95, interval.low80, interval.high80, interval.high95};
        for (int l = 0; l < 4; l++)
            if (got[l] != fixture_number(q, level_keys[l]))
                fail_msg("%s: q(%s) = %g, expected %g", name, level_keys[l], got[l],
                         fixture_number(q, level_keys[l]));
        free(p);
    }
}

static void test_count_against_scipy_binomial(void **state) {
    (void)state;
    size_t i;
    const json_t *c;
    json_array_foreach(json_object_get(fixtures, "binomial"), i, c) {
        size_t n = (size_t)fixture_number(c, "n");
        double *p = malloc(n * sizeof *p);
        for (size_t k = 0; k < n; k++)
            p[k] = fixture_number(c, "p");
        check_pmf(p, n, json_object_get(c, "pmf"), "binomial");
        double *pmf;
        size_t support;
        tn_error err;
        assert_true(tn_poisson_binomial_pmf(p, n, &pmf, &support, &err));
        for (int l = 0; l < 4; l++)
            assert_int_equal(
                tn_pmf_quantile(pmf, support, levels[l]),
                (size_t)fixture_number(json_object_get(c, "quantiles"), level_keys[l]));
        free(pmf);
        free(p);
    }
}

/* The exact quantile of a distribution given as its sorted support and CDF. */
static double exact_quantile(const double *support, const double *cdf, size_t count, double level) {
    for (size_t k = 0; k < count; k++)
        if (cdf[k] >= level)
            return support[k];
    return support[count - 1];
}

static void check_between(double got, double low, double high, const char *name,
                          const char *level) {
    if (!(got >= low && got <= high))
        fail_msg("%s: simulated q(%s) = %.2f, expected within [%.2f, %.2f]", name, level, got, low,
                 high);
}

static void test_weighted_sum_against_enumeration(void **state) {
    (void)state;
    size_t i;
    const json_t *c;
    json_array_foreach(json_object_get(fixtures, "weighted"), i, c) {
        const char *name = json_string_value(json_object_get(c, "name"));
        size_t n, count;
        double *p = fixture_numbers(json_object_get(c, "p"), &n);
        double *weight = fixture_numbers(json_object_get(c, "weight"), NULL);
        double *support = fixture_numbers(json_object_get(c, "support"), &count);
        double *cdf = fixture_numbers(json_object_get(c, "cdf"), NULL);
        tn_sum_interval interval;
        tn_error err;
        assert_true(tn_bernoulli_weighted_sum(p, weight, n, SIMULATIONS, SEED, &interval, &err));
        assert_close(interval.expected, fixture_number(c, "mean"), name);
        double got[4] = {interval.low95, interval.low80, interval.high80, interval.high95};
        for (int l = 0; l < 4; l++)
            check_between(got[l], exact_quantile(support, cdf, count, levels[l] - 0.01),
                          exact_quantile(support, cdf, count, levels[l] + 0.01), name,
                          level_keys[l]);
        free(p), free(weight), free(support), free(cdf);
    }
}

static void test_weighted_sum_against_scipy_binomial(void **state) {
    (void)state;
    size_t i;
    const json_t *c;
    json_array_foreach(json_object_get(fixtures, "weighted_binomial"), i, c) {
        size_t n = (size_t)fixture_number(c, "n");
        double *p = malloc(n * sizeof *p), *weight = malloc(n * sizeof *weight);
        for (size_t k = 0; k < n; k++)
            p[k] = fixture_number(c, "p"), weight[k] = fixture_number(c, "weight");
        tn_sum_interval interval;
        tn_error err;
        assert_true(tn_bernoulli_weighted_sum(p, weight, n, SIMULATIONS, SEED, &interval, &err));
        assert_close(interval.expected, (double)n * p[0] * weight[0], "weighted binomial mean");
        double got[4] = {interval.low95, interval.low80, interval.high80, interval.high95};
        const json_t *bounds = json_object_get(c, "bounds");
        for (int l = 0; l < 4; l++) {
            const json_t *pair = json_object_get(bounds, level_keys[l]);
            check_between(got[l], json_number_value(json_array_get(pair, 0)),
                          json_number_value(json_array_get(pair, 1)), "weighted binomial",
                          level_keys[l]);
        }
        free(p), free(weight);
    }
}

static void test_same_seed_same_answer_and_edges(void **state) {
    (void)state;
    double p[5] = {0, 1, 0.25, 1e-300, 0.5}, weight[5] = {100, 200, 300, 1e9, 400};
    tn_sum_interval a, b;
    tn_error err;
    assert_true(tn_bernoulli_weighted_sum(p, weight, 5, 5000, 7, &a, &err));
    assert_true(tn_bernoulli_weighted_sum(p, weight, 5, 5000, 7, &b, &err));
    assert_memory_equal(&a, &b, sizeof a);
    /* the certain account is always lost, the impossible one never, the 1e-300 one practically
       never: every draw lies in [200, 900] */
    assert_true(a.low95 >= 200 && a.high95 <= 900);
    assert_true(tn_bernoulli_weighted_sum(p, weight, 0, 10, 7, &a, &err));
    assert_true(a.expected == 0 && a.low95 == 0 && a.high95 == 0);
}

static void test_bad_input_is_refused(void **state) {
    (void)state;
    double p[3] = {0.2, 1.5, 0.1}, weight[3] = {1, 2, 3};
    tn_sum_interval interval;
    tn_error err;
    assert_false(tn_bernoulli_count(p, 3, &interval, &err));
    assert_int_equal(err.code, TN_ERR_INPUT);
    assert_non_null(strstr(err.message, "probability 1 is 1.5"));
    p[1] = NAN;
    assert_false(tn_bernoulli_weighted_sum(p, weight, 3, 100, 1, &interval, &err));
    assert_non_null(strstr(err.message, "probability 1 is nan"));
    p[1] = 0.5;
    weight[2] = INFINITY;
    assert_false(tn_bernoulli_weighted_sum(p, weight, 3, 100, 1, &interval, &err));
    assert_non_null(strstr(err.message, "weight 2 is inf"));
    weight[2] = 3;
    assert_false(tn_bernoulli_weighted_sum(p, weight, 3, 0, 1, &interval, &err));
    assert_int_equal(err.code, TN_ERR_INPUT);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_count_against_exact_fractions),
        cmocka_unit_test(test_count_against_scipy_binomial),
        cmocka_unit_test(test_weighted_sum_against_enumeration),
        cmocka_unit_test(test_weighted_sum_against_scipy_binomial),
        cmocka_unit_test(test_same_seed_same_answer_and_edges),
        cmocka_unit_test(test_bad_input_is_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
