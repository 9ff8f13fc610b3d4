/*
 * test_interventions.c — where a CSM's hour is worth most
 * (src/insight/interventions.h): the ranking by expected ARR saved per hour,
 * per tier and with one save rate for all, the totals of reaching the first
 * N accounts, and the per-tier option syntax. The expected values are worked
 * out by hand in the comments.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "insight/interventions.h"

/*
 * account  ARR at risk  tier        hours  per hour at 10 %   per hour, one rate (÷ rate)
 *   0        1,000      starter       1     100                1,000
 *   1        9,000      enterprise    8     112.5              1,125
 *   2        3,000      growth        3     100                1,000
 *   3            0      starter       1       0                    0
 *   4          600      growth        3      20                  200
 */
static const double at_risk[5] = {1000, 9000, 3000, 0, 600};
static const int tier[5] = {0, 2, 1, 0, 1};

static void test_ranking(void **state) {
    (void)state;
    tn_intervention_plan plan;
    tn_intervention_plan_default(&plan);
    uint32_t order[5];
    tn_error err;
    assert_true(tn_interventions_rank(at_risk, tier, 5, &plan, false, order, &err));
    uint32_t expected[5] = {1, 0, 2, 4, 3}; /* 0 and 2 tie at 100: the earlier first */
    assert_memory_equal(order, expected, sizeof expected);
    /* enterprise saves less: 9,000 × 0.05 / 8 = 56.25 an hour, behind 0 and 2 */
    plan.save_rate[2] = 0.05;
    assert_true(tn_interventions_rank(at_risk, tier, 5, &plan, false, order, &err));
    uint32_t per_tier[5] = {0, 2, 1, 4, 3};
    assert_memory_equal(order, per_tier, sizeof per_tier);
    /* one rate for all: ARR at risk per hour, whatever the tiers' own rates */
    assert_true(tn_interventions_rank(at_risk, tier, 5, &plan, true, order, &err));
    assert_memory_equal(order, expected, sizeof expected);
}

static void test_reach(void **state) {
    (void)state;
    tn_intervention_plan plan;
    tn_intervention_plan_default(&plan);
    uint32_t order[5] = {1, 0, 2, 4, 3};
    tn_intervention_row rows[5];
    tn_intervention_totals totals;
    /* the first three at 10 %: 900 + 100 + 300 saved, 8 + 1 + 3 hours, 13,000 of 13,600 at risk */
    tn_interventions_reach(at_risk, tier, 5, order, &plan, NAN, 3, rows, 2, &totals);
    assert_int_equal(totals.accounts, 3);
    assert_true(fabs(totals.expected_arr_saved - 1300) < 1e-9);
    assert_true(fabs(totals.hours - 12) < 1e-9);
    assert_true(fabs(totals.arr_at_risk - 13000) < 1e-9);
    assert_true(fabs(totals.share_of_arr_at_risk - 13000.0 / 13600.0) < 1e-12);
    assert_int_equal(rows[1].index, 0);
    assert_true(fabs(rows[1].expected_arr_saved - 100) < 1e-9);
    assert_true(fabs(rows[1].per_hour - 100) < 1e-9);
    assert_true(fabs(rows[1].cumulative_arr_saved - 1000) < 1e-9);
    assert_true(fabs(rows[1].cumulative_hours - 9) < 1e-9);
    /* one rate of 25 % for all: a quarter of the ARR at risk reached */
    tn_interventions_reach(at_risk, tier, 5, order, &plan, 0.25, 3, NULL, 0, &totals);
    assert_true(fabs(totals.expected_arr_saved - 3250) < 1e-9);
    /* more accounts than there are: every one, once */
    tn_interventions_reach(at_risk, tier, 5, order, &plan, NAN, 99, rows, 5, &totals);
    assert_int_equal(totals.accounts, 5);
    assert_true(fabs(totals.expected_arr_saved - 1360) < 1e-9);
    assert_true(fabs(totals.share_of_arr_at_risk - 1) < 1e-12);
    /* nothing at risk: no share */
    double none[2] = {0, 0};
    int tiers[2] = {0, 1};
    uint32_t two[2] = {0, 1};
    tn_interventions_reach(none, tiers, 2, two, &plan, NAN, 2, NULL, 0, &totals);
    assert_true(isnan(totals.share_of_arr_at_risk));
}

static void test_tiers_option(void **state) {
    (void)state;
    double values[TN_PLAN_TIERS] = {1, 3, 8};
    tn_error err;
    assert_true(tn_intervention_parse_tiers("enterprise=6,starter=0.5", "--csm-hours", 0, 1000,
                                            values, &err));
    assert_true(values[0] == 0.5 && values[1] == 3 && values[2] == 6);
    assert_true(tn_intervention_parse_tiers("2", "--csm-hours", 0, 1000, values, &err));
    assert_true(values[0] == 2 && values[1] == 2 && values[2] == 2);
    assert_int_equal(tn_intervention_tier("enterprise"), 2);
    assert_int_equal(tn_intervention_tier("platinum"), 1); /* unknown: as growth */
    static const char *const bad[] = {
        "",    "gold=0.1", "starter=",   "starter=abc",          "0",
        "1.5", "0.1,",     "=0.2",       "starter=0.1;growth=1", "nan",
        "inf", "1e999",    "growth=-0.1"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        double rates[TN_PLAN_TIERS] = {0.1, 0.1, 0.1};
        if (tn_intervention_parse_tiers(bad[i], "--save-rate", 0, 1, rates, &err))
            fail_msg("'%s' was accepted", bad[i]);
        assert_int_equal(err.code, TN_ERR_USAGE);
        assert_non_null(strstr(err.message, "--save-rate: "));
        assert_true(rates[0] == 0.1 && rates[1] == 0.1 && rates[2] == 0.1); /* unchanged */
    }
    assert_false(tn_intervention_parse_tiers("gold=0.1", "--save-rate", 0, 1, values, &err));
    assert_non_null(strstr(err.message, "'gold' is not a plan tier"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ranking),
        cmocka_unit_test(test_reach),
        cmocka_unit_test(test_tiers_option),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
