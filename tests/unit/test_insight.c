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

#include <stdlib.h>
#include <string.h>

#include "insight/movers.h"
#include "insight/tiers.h"
#include "insight/wording.h"

/* design §4: ≥ 0.75 critical, ≥ 0.50 high, ≥ 0.25 medium, else low; each cut-off belongs above */
/*
 * GET /movers?since=D picks the latest recorded scoring on or before D that
 * is before the latest one; without D, the one before the latest; and says
 * why when there is none.
 */
static void test_movers_since(void **state) {
    (void)state;
    tn_movers_since dates[3] = {{.since = "2026-02-21", .made = true},
                                {.since = "2026-02-28", .made = true},
                                {.since = "2026-03-07", .made = true}};
    tn_movers movers = {.dates = dates, .count = 3, .latest = "2026-03-14"};
    char why[256] = "";
    bool no_memory = true;
    assert_ptr_equal(tn_movers_find(&movers, NULL, why, sizeof why, &no_memory), &dates[2]);
    assert_false(no_memory);
    assert_ptr_equal(tn_movers_find(&movers, "2026-02-21", why, sizeof why, &no_memory), &dates[0]);
    assert_ptr_equal(tn_movers_find(&movers, "2026-02-27", why, sizeof why, &no_memory), &dates[0]);
    assert_ptr_equal(tn_movers_find(&movers, "2026-03-13", why, sizeof why, &no_memory), &dates[2]);
    assert_null(tn_movers_find(&movers, "2026-03-14", why, sizeof why, &no_memory));
    assert_non_null(strstr(why, "not before the latest recorded scoring, of 2026-03-14"));
    assert_null(tn_movers_find(&movers, "2026-01-01", why, sizeof why, &no_memory));
    assert_non_null(strstr(why, "the first is of 2026-02-21"));
    assert_false(no_memory);
    /* a reader's window that left earlier scorings out says so, and how to keep more */
    movers.older = 3;
    assert_null(tn_movers_find(&movers, "2026-01-01", why, sizeof why, &no_memory));
    assert_string_equal(why, "the server keeps the scorings from 2026-02-21 on, and 3 earlier "
                             "recorded ones are left out of its window: none on or before "
                             "2026-01-01 is kept (tenure serve --history-scorings keeps more)");
    tn_movers one = {.latest = "2026-03-14"}, none = {.latest = ""};
    assert_null(tn_movers_find(&one, NULL, why, sizeof why, &no_memory));
    assert_non_null(strstr(why, "two recorded scorings and the history has one"));
    assert_null(tn_movers_find(&none, NULL, why, sizeof why, &no_memory));
    assert_non_null(strstr(why, "the history has none"));
}

/* A page keeps the head, says its limit, and cuts each list to it; counts stay the totals. */
static void test_movers_page(void **state) {
    (void)state;
    char head[] = "{\"since\":\"2026-03-07\",\"counts\":{\"entered_high_risk\":3,"
                  "\"probability_rose\":0,\"expansion_ready\":1,\"left_tier\":0}";
    char *entered[] = {"{\"customer_id\":\"a\"}", "{\"customer_id\":\"b\"}",
                       "{\"customer_id\":\"c\"}"};
    char *ready[] = {"{\"customer_id\":\"d\"}"};
    tn_movers_since since = {.since = "2026-03-07",
                             .made = true,
                             .head = head,
                             .items = {entered, NULL, ready, NULL},
                             .counts = {3, 0, 1, 0}};
    size_t length = 0;
    char *page = tn_movers_page(&since, 2, &length);
    assert_non_null(page);
    assert_int_equal(length, strlen(page));
    json_error_t error;
    json_t *document = json_loads(page, 0, &error);
    assert_non_null(document);
    json_t *expected = json_pack(
        "{s:s, s:{s:i, s:i, s:i, s:i}, s:i, s:[{s:s}, {s:s}], s:[], s:[{s:s}], s:[]}", "since",
        "2026-03-07", "counts", "entered_high_risk", 3, "probability_rose", 0, "expansion_ready", 1,
        "left_tier", 0, "limit", 2, "entered_high_risk", "customer_id", "a", "customer_id", "b",
        "probability_rose", "expansion_ready", "customer_id", "d", "left_tier");
    assert_true(json_equal(document, expected));
    json_decref(document);
    json_decref(expected);
    free(page);
}

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
    tn_tier_cuts cuts = {0.058, 0.116, 0.232, 0.058, {1, 2, 4}};
    json_t *json = tn_tier_cuts_json(&cuts);
    json_t *expected =
        json_pack("{s:f, s:f, s:f, s:s, s:f, s:{s:f, s:f, s:f}}", "medium", 0.058, "high", 0.116,
                  "critical", 0.232, "basis", "base_rate", "base_rate", 0.058, "multiples",
                  "medium", 1.0, "high", 2.0, "critical", 4.0);
    assert_true(json_equal(json, expected));
    json_decref(json);
    json_decref(expected);
    json = tn_tier_cuts_json(&tn_risk_score_cuts);
    expected = json_pack("{s:f, s:f, s:f, s:s}", "medium", 0.25, "high", 0.5, "critical", 0.75,
                         "basis", "fixed");
    assert_true(json_equal(json, expected));
    json_decref(json);
    json_decref(expected);
}

/* A model's metadata as tenure train writes it; older metadata reads as the fixed cut-offs. */
static void test_cuts_of_meta(void **state) {
    (void)state;
    json_t *meta = json_loads("{\"tiers\": {\"base_rate\": 0.05, \"multiples\": {\"medium\": 1, "
                              "\"high\": 2, \"critical\": 4}, \"cuts\": {\"medium\": 0.05, "
                              "\"high\": 0.1, \"critical\": 0.2}}}",
                              0, NULL);
    tn_tier_cuts cuts;
    assert_true(tn_tier_cuts_of_meta(meta, &cuts));
    assert_float_equal(cuts.medium, 0.05, 0);
    assert_float_equal(cuts.critical, 0.2, 0);
    assert_float_equal(cuts.base_rate, 0.05, 0);
    assert_float_equal(cuts.multiples[1], 2, 0);
    assert_string_equal(tn_tier_name(&cuts, 0.05), "medium"); /* the base rate itself */
    assert_string_equal(tn_tier_name(&cuts, 0.0499), "low");
    assert_string_equal(tn_tier_name(&cuts, 0.19), "high");
    json_decref(meta);

    meta = json_loads("{\"name\": \"churn\"}", 0, NULL);
    assert_true(tn_tier_cuts_of_meta(meta, &cuts));
    assert_float_equal(cuts.high, 0.5, 0);
    assert_true(isnan(cuts.base_rate));
    json_decref(meta);

    meta = json_loads("{\"tiers\": {\"base_rate\": 0.05, \"cuts\": {\"medium\": 0.3}}}", 0, NULL);
    assert_false(tn_tier_cuts_of_meta(meta, &cuts));
    assert_float_equal(cuts.medium, 0.25, 0); /* the fixed ones */
    json_decref(meta);
}

/* Drivers in business words: a label with its window, booleans as phrases, acronyms kept. */
static void test_driver_words(void **state) {
    (void)state;
    char out[200], label[128];
    tn_driver d = {.feature = "mrr", .kind = TN_FEATURE_NUMBER, .value = "900", .number = 900};
    tn_driver_words(&d, out, sizeof out);
    assert_string_equal(out, "MRR (USD): 900");
    d = (tn_driver){.feature = "high_priority_tickets", .kind = TN_FEATURE_NUMBER, .value = "4"};
    tn_driver_words(&d, out, sizeof out);
    assert_string_equal(out, "high-priority tickets since signup: 4");
    d = (tn_driver){.feature = "has_open_expansion_opp", .kind = TN_FEATURE_BOOL, .value = "false"};
    tn_driver_words(&d, out, sizeof out);
    assert_string_equal(out, "no open expansion deal");
    d = (tn_driver){.feature = "avg_resolution_hours", .kind = TN_FEATURE_NUMBER, .value = ""};
    tn_driver_words(&d, out, sizeof out);
    assert_string_equal(out, "mean hours to resolve a ticket, since signup unknown");
    assert_string_equal(tn_feature_label("seats_in_use", label, sizeof label), "Seats in use");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_risk_score_tiers), cmocka_unit_test(test_cuts_as_json),
        cmocka_unit_test(test_cuts_of_meta),     cmocka_unit_test(test_driver_words),
        cmocka_unit_test(test_movers_since),     cmocka_unit_test(test_movers_page),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
