/*
 * test_insight.c — the business answers' pure parts: the tier of a value
 * against its cut-offs (the design's fixed ones for the composite risk
 * score), and the cut-offs as every answer carries them.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>

#include "insight/tiers.h"

/* design §4: ≥ 0.75 critical, ≥ 0.50 high, ≥ 0.25 medium, else low; each cut-off belongs above */
static void test_risk_score_tiers(void **state) {
    (void)state;
    assert_string_equal(tn_tier_name(&tn_risk_score_cuts, 0.75), "critical");
    assert_string_equal(tn_tier_name(&tn_risk_score_cuts, 0.7499), "high");
    assert_string_equal(tn_tier_name(&tn_risk_score_cuts, 0.50), "high");
    assert_string_equal(tn_tier_name(&tn_risk_score_cuts, 0.25), "medium");
    assert_string_equal(tn_tier_name(&tn_risk_score_cuts, 0.2499), "low");
    assert_string_equal(tn_tier_name(&tn_risk_score_cuts, 0), "low");
    assert_string_equal(tn_tier_name(&tn_risk_score_cuts, NAN), "unknown");
}

static void test_cuts_as_json(void **state) {
    (void)state;
    tn_tier_cuts cuts = {0.058, 0.116, 0.232};
    json_t *json = tn_tier_cuts_json(&cuts);
    json_t *expected =
        json_pack("{s:f, s:f, s:f}", "medium", 0.058, "high", 0.116, "critical", 0.232);
    assert_true(json_equal(json, expected));
    json_decref(json);
    json_decref(expected);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_risk_score_tiers),
        cmocka_unit_test(test_cuts_as_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
