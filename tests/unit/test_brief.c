/*
 * test_brief.c — the account briefs' pure parts (insight/brief.h,
 * insight/urgency.h): the urgency filter word by word, and the text each
 * audience gets from a Customer 360 document written here — its sentences,
 * the forms of its numbers, the watermark, no column name or id, and the
 * filter applied to the account executive's brief of an unlikely upgrader
 * only, never to the account's own data.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>

#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "insight/brief.h"
#include "insight/urgency.h"

/* ---- the urgency filter ----------------------------------------------------------------- */

/* `input` through the filter: the text it leaves, and how many words it removed. */
static void expect_filtered(const char *input, const char *expected, size_t removed) {
    char text[512];
    snprintf(text, sizeof text, "%s", input);
    size_t count = tn_urgency_remove(text);
    assert_string_equal(text, expected);
    assert_int_equal(count, removed);
}

static void test_urgency_words(void **state) {
    (void)state;
    assert_true(tn_urgency_word("immediately", 11));
    assert_true(tn_urgency_word("URGENT", 6));
    assert_true(tn_urgency_word("Urgently", 8));
    assert_true(tn_urgency_word("Critical", 8));
    assert_true(tn_urgency_word("ASAP", 4));
    assert_false(tn_urgency_word("critically", 10));
    assert_false(tn_urgency_word("urgency", 7));
    assert_false(tn_urgency_word("asa", 3));
    assert_false(tn_urgency_word("", 0));
}

/* Each word goes with one space; what is left reads as a sentence. */
static void test_urgency_removal(void **state) {
    (void)state;
    expect_filtered("Reach out immediately.", "Reach out.", 1);
    expect_filtered("It carries a critical churn risk: 31.2 % likely.",
                    "It carries a churn risk: 31.2 % likely.", 1);
    expect_filtered("Call them ASAP, urgently, and today.", "Call them, and today.", 2);
    expect_filtered("Neither is urgent: keep the cadence.", "Neither is: keep the cadence.", 1);
    /* at the start of the text, of a sentence, of a line: the next word is capitalised */
    expect_filtered("Immediately book a session.", "Book a session.", 1);
    expect_filtered("Done. Urgently call them.", "Done. Call them.", 1);
    expect_filtered("Done.\nCritical accounts first.", "Done.\nAccounts first.", 1);
    expect_filtered("Urgently, call them.", "Call them.", 1);
    /* an article agrees with the word that now follows it */
    expect_filtered("It has a critical upgrade path.", "It has an upgrade path.", 1);
    expect_filtered("An urgent call is due.", "A call is due.", 1);
    expect_filtered("Urgent, then critical; then done.", "Then; then done.", 2);
    /* brackets left empty go with the space before them */
    expect_filtered("Call them (urgently) today.", "Call them today.", 1);
    /* other words, and words inside words, stay */
    expect_filtered("critically important urgency, non-asapish",
                    "critically important urgency, "
                    "non-asapish",
                    0);
    expect_filtered("", "", 0);
    expect_filtered("CRITICAL", "", 1);
}

/* ---- the briefs ------------------------------------------------------------------------- */

/* A Customer 360 document as GET /customers/{id} answers it (documents.h), cut to what briefs read.
 */
static const char customer_360[] =
    "{\"customer_id\": \"0deae832-c0a9-4ccb-995f-9d1782ddcc4c\", \"as_of\": \"2026-03-14\","
    " \"account\": {\"name\": \"Northwind Ledger Labs\", \"owner\": \"Maya Patel\","
    "   \"renewal_date\": \"2026-04-12\", \"days_to_renewal\": 29, \"crm_id\": "
    "\"0015g00000AbCdE\"},"
    " \"profile\": {\"plan_tier\": \"growth\", \"industry\": \"fintech\", \"industry_name\": "
    "\"FinTech\","
    "   \"mrr\": 5100.25, \"arr\": 61203, \"signup_date\": \"2024-09-12\", \"tenure_days\": 548,"
    "   \"is_early_stage\": false, \"upgraded_on\": null},"
    " \"churn\": {\"churn_probability\": 0.312449, \"risk_tier\": \"critical\","
    "   \"arr_at_risk\": 19123.4,"
    "   \"top_shap_features\": ["
    "     {\"feature\": \"events_last_30d\", \"label\": \"Events, last 30 days\", \"value\": 3,"
    "      \"shap_impact\": 1.2},"
    "     {\"feature\": \"avg_adoption_score\", \"label\": \"Feature adoption score since signup "
    "(0–1)\","
    "      \"value\": 0.63085605, \"shap_impact\": -0.9},"
    "     {\"feature\": \"high_priority_tickets\", \"label\": \"High-priority tickets since "
    "signup\","
    "      \"value\": 4, \"shap_impact\": 0.4}],"
    "   \"recommended_action\": \"Escalate now: usage is low or falling (events, last 30 days: 3); "
    "book a re-engagement session and find out which workflows stopped within 48 hours.\","
    "   \"model_version\": \"churn-2026-03-14-59a7df0feefb\"},"
    " \"upgrade\": {\"upgrade_propensity\": 0.00040765, \"propensity_tier\": \"critical\","
    "   \"current_tier\": \"growth\", \"target_tier\": \"enterprise\", \"expected_arr_uplift\": "
    "99.8,"
    "   \"is_high_value_target\": false,"
    "   \"top_shap_features\": [{\"feature\": \"industry\", \"label\": \"Industry\", \"value\": "
    "\"fintech\","
    "      \"shap_impact\": -1.05}],"
    "   \"recommended_action\": \"No expansion motion now: revisit next quarter.\"},"
    " \"expansion_candidate\": true,"
    " \"conflict_matrix\": {\"quadrant\": \"Retention Priority\","
    "   \"action\": \"Retention only: no expansion motion until the risk is down.\"},"
    " \"usage\": {\"events_last_7d\": 0, \"events_last_30d\": 3, \"events_prev_30d\": 40,"
    "   \"days_since_last_event\": 21, \"total_events\": 2614},"
    " \"support\": {\"tickets_last_30d\": 2, \"high_priority_tickets\": 4,"
    "   \"high_priority_last_30d\": 1, \"mean_resolution_hours\": 37.533333},"
    " \"gtm\": {\"open_opportunities\": 2, \"open_pipeline_amount\": 61000,"
    "   \"opportunities\": [{\"opp_id\": \"48f7c32f\", \"stage\": \"proposal\","
    "     \"opportunity_type\": \"new_business\", \"amount\": 21000, \"close_date\": "
    "\"2026-05-01\"},"
    "    {\"opp_id\": \"9a1\", \"stage\": \"prospecting\", \"opportunity_type\": \"expansion\","
    "     \"amount\": 40000, \"close_date\": \"2026-07-05\"}]}}";

static json_t *load_customer(void) {
    json_error_t error;
    json_t *customer = json_loads(customer_360, 0, &error);
    if (customer == NULL)
        fail_msg("the fixture is not JSON: %s (line %d, column %d)", error.text, error.line,
                 error.column);
    return customer;
}

/* The brief of `customer` for `audience` (the caller frees its text). */
static tn_brief write_brief(const json_t *customer, tn_audience audience) {
    tn_brief brief;
    assert_true(tn_brief_write(customer, audience, &brief, NULL));
    return brief;
}

static const char watermark[] =
    "Generated by Tenure from the data as of 2026-03-14; review before sending.";

/* The sentences, then the watermark as the last line; nothing a reader should not see. */
static void expect_clean(const tn_brief *brief) {
    const char *newline = strrchr(brief->text, '\n');
    assert_non_null(newline);
    assert_string_equal(newline + 1, watermark);
    assert_string_equal(brief->watermark, watermark);
    assert_ptr_equal(strchr(brief->text, '\n'), newline); /* one line of sentences */
    regex_t column;
    assert_int_equal(regcomp(&column, "[a-z0-9]+_[a-z0-9_]+", REG_EXTENDED | REG_NOSUB), 0);
    assert_int_not_equal(regexec(&column, brief->text, 0, NULL, 0), 0);
    regfree(&column);
    static const char *const hidden[] = {"0deae832", "0015g00000AbCdE", "churn-2026",
                                         "xgboost",  "XGBoost",         "SHAP",
                                         "shap",     "model version"};
    for (size_t i = 0; i < sizeof hidden / sizeof hidden[0]; i++)
        if (strstr(brief->text, hidden[i]) != NULL)
            fail_msg("the brief says '%s': %s", hidden[i], brief->text);
}

/* The customer success manager's brief, whole: account, risk and drivers, usage, tickets, deals,
 * action. */
static void test_csm_brief(void **state) {
    (void)state;
    json_t *customer = load_customer();
    tn_brief brief = write_brief(customer, TN_AUDIENCE_CSM);
    assert_string_equal(
        brief.text,
        "Northwind Ledger Labs is on the growth plan in FinTech, a customer since 2024-09-12 (548 "
        "days), with $61,203 ARR; it renews on 2026-04-12, in 29 days. It carries a critical churn "
        "risk: 31.2 % likely to churn within ninety days, driven up most by events, last 30 days: "
        "3 "
        "and by high-priority tickets since signup: 4. Usage is falling: 3 events in the last "
        "thirty "
        "days against 40 in the thirty days before; the last event was 21 days ago. Support: 2 "
        "tickets in the last thirty days, 1 of them high priority; since signup, 4 high-priority "
        "tickets and a mean time to resolve of 37.5 hours. 2 open opportunities worth $61,000. "
        "Escalate now: usage is low or falling (events, last 30 days: 3); book a re-engagement "
        "session and find out which workflows stopped within 48 hours.\n"
        "Generated by Tenure from the data as of 2026-03-14; review before sending.");
    assert_false(brief.urgency_filter);
    expect_clean(&brief);
    tn_brief_free(&brief);
    json_decref(customer);
}

/* The executive's: ARR at risk, the upside in a sentence, the quadrant and the action. */
static void test_executive_brief(void **state) {
    (void)state;
    json_t *customer = load_customer();
    tn_brief brief = write_brief(customer, TN_AUDIENCE_EXECUTIVE);
    assert_non_null(strstr(brief.text, "$19,123 of that ARR is at risk: a critical churn risk, "
                                       "31.2 % likely to churn within ninety days, driven up most "
                                       "by events, last 30 days: 3."));
    assert_non_null(strstr(brief.text, "The upside: $100 ARR expected from an upgrade to "
                                       "enterprise, 0.041 % likely within ninety days (a critical "
                                       "propensity)."));
    assert_non_null(strstr(brief.text, "Usage is falling (3 events in the last thirty days against "
                                       "40 in the thirty days before), with 2 support tickets in "
                                       "the last thirty days."));
    assert_non_null(strstr(brief.text, "It sits in the Retention Priority quadrant. Retention "
                                       "only: no expansion motion until the risk is down. "
                                       "Escalate now:"));
    assert_false(brief.urgency_filter);
    expect_clean(&brief);
    tn_brief_free(&brief);
    json_decref(customer);
}

/*
 * The account executive's brief of an account unlikely to upgrade (0.04 %):
 * the filter takes "critical" out of the brief's words, never out of the
 * account's name.
 */
static void test_account_executive_brief_is_calm(void **state) {
    (void)state;
    json_t *customer = load_customer();
    json_object_set_new(json_object_get(customer, "account"), "name",
                        json_string("Critical Path Labs"));
    tn_brief brief = write_brief(customer, TN_AUDIENCE_ACCOUNT_EXECUTIVE);
    assert_true(brief.urgency_filter);
    assert_int_equal(brief.urgency_removed, 2); /* the propensity tier and the churn tier */
    assert_true(strncmp(brief.text, "Critical Path Labs is on the growth plan", 40) == 0);
    assert_non_null(strstr(brief.text, "; its customer success manager is Maya Patel."));
    assert_non_null(strstr(brief.text, "It has a propensity to upgrade to enterprise: 0.041 % "
                                       "likely within ninety days, an expected uplift of $100 "
                                       "ARR, held down most by industry: fintech."));
    assert_non_null(strstr(brief.text, "2 open opportunities worth $61,000; the next to close, on "
                                       "2026-05-01, is a new business deal at the proposal stage "
                                       "of $21,000."));
    assert_non_null(strstr(brief.text, "; it carries a churn risk (31.2 % likely to churn within "
                                       "ninety days). No expansion motion now: revisit next "
                                       "quarter. Retention only:"));
    const char *after_name = brief.text + strlen("Critical Path Labs");
    assert_null(strstr(after_name, "ritical"));
    expect_clean(&brief);
    tn_brief_free(&brief);
    json_decref(customer);
}

/* At a propensity of 0.50 and above, or for another audience, nothing is filtered. */
static void test_filter_only_below_the_cut(void **state) {
    (void)state;
    json_t *customer = load_customer();
    json_t *upgrade = json_object_get(customer, "upgrade");
    json_object_set_new(upgrade, "upgrade_propensity", json_real(TN_BRIEF_URGENT_PROPENSITY));
    tn_brief brief = write_brief(customer, TN_AUDIENCE_ACCOUNT_EXECUTIVE);
    assert_false(brief.urgency_filter);
    assert_int_equal(brief.urgency_removed, 0);
    assert_non_null(strstr(brief.text, "It has a critical propensity to upgrade to enterprise: "
                                       "50.0 % likely"));
    tn_brief_free(&brief);
    json_object_set_new(upgrade, "upgrade_propensity", json_real(0.4999));
    brief = write_brief(customer, TN_AUDIENCE_ACCOUNT_EXECUTIVE);
    assert_true(brief.urgency_filter);
    assert_null(strstr(brief.text, "critical"));
    tn_brief_free(&brief);
    /* already upgraded: no propensity, so the filter applies */
    json_object_set_new(customer, "upgrade", json_null());
    json_object_set_new(json_object_get(customer, "profile"), "upgraded_on",
                        json_string("2025-02-25"));
    brief = write_brief(customer, TN_AUDIENCE_ACCOUNT_EXECUTIVE);
    assert_true(brief.urgency_filter);
    assert_non_null(strstr(brief.text, "It already upgraded on 2025-02-25: there is no further "
                                       "upgrade propensity to act on."));
    assert_non_null(strstr(brief.text, "Escalate now:")); /* the retention action instead */
    tn_brief_free(&brief);
    brief = write_brief(customer, TN_AUDIENCE_CSM);
    assert_false(brief.urgency_filter);
    assert_non_null(strstr(brief.text, "a critical churn risk"));
    tn_brief_free(&brief);
    json_decref(customer);
}

/* An account with no name, no events, no tickets and no deals still reads, and says so. */
static void test_quiet_account(void **state) {
    (void)state;
    json_t *customer = load_customer();
    json_object_set_new(json_object_get(customer, "account"), "name", json_null());
    json_object_set_new(json_object_get(customer, "account"), "renewal_date", json_null());
    json_t *usage = json_object_get(customer, "usage");
    json_object_set_new(usage, "total_events", json_integer(0));
    json_object_set_new(usage, "days_since_last_event", json_null());
    json_t *support = json_object_get(customer, "support");
    json_object_set_new(support, "tickets_last_30d", json_integer(0));
    json_object_set_new(support, "high_priority_tickets", json_integer(0));
    json_t *gtm = json_object_get(customer, "gtm");
    json_object_set_new(gtm, "open_opportunities", json_integer(0));
    json_object_set_new(gtm, "opportunities", json_array());
    tn_brief brief = write_brief(customer, TN_AUDIENCE_CSM);
    assert_true(strncmp(brief.text,
                        "This account is on the growth plan in FinTech, a customer "
                        "since 2024-09-12 (548 days), with $61,203 ARR. It carries",
                        100) == 0);
    assert_non_null(strstr(brief.text, " No product use yet: not one event since signup. "
                                       "Support: no tickets in the last thirty days; since "
                                       "signup, 0 high-priority tickets and a mean time"));
    assert_null(strstr(brief.text, "opportunit"));
    tn_brief_free(&brief);
    brief = write_brief(customer, TN_AUDIENCE_ACCOUNT_EXECUTIVE);
    assert_non_null(strstr(brief.text, "No opportunity is open in the CRM."));
    expect_clean(&brief);
    tn_brief_free(&brief);
    json_decref(customer);
}

/* Probabilities near 0 % and 100 % keep two significant digits; usage counts get separators. */
static void test_number_forms(void **state) {
    (void)state;
    json_t *customer = load_customer();
    json_t *churn = json_object_get(customer, "churn");
    json_object_set_new(churn, "churn_probability", json_real(0.99996));
    json_object_set_new(json_object_get(customer, "usage"), "events_last_30d", json_integer(12345));
    tn_brief brief = write_brief(customer, TN_AUDIENCE_CSM);
    assert_non_null(strstr(brief.text, ": 99.9960 % likely to churn"));
    assert_non_null(strstr(brief.text, "Usage is rising: 12,345 events in the last thirty days"));
    tn_brief_free(&brief);
    json_object_set_new(churn, "churn_probability", json_real(0.0));
    brief = write_brief(customer, TN_AUDIENCE_CSM);
    assert_non_null(strstr(brief.text, ": practically 0 % likely to churn"));
    tn_brief_free(&brief);
    json_decref(customer);
}

/* The answer of POST /summaries/customer: the brief with what it is of and about. */
static void test_brief_document(void **state) {
    (void)state;
    json_t *customer = load_customer();
    json_t *document = tn_document_brief(customer, TN_AUDIENCE_ACCOUNT_EXECUTIVE);
    assert_non_null(document);
    tn_brief brief = write_brief(customer, TN_AUDIENCE_ACCOUNT_EXECUTIVE);
    json_t *expected =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:{s:b, s:i}}", "customer_id",
                  "0deae832-c0a9-4ccb-995f-9d1782ddcc4c", "name", "Northwind Ledger Labs",
                  "audience", "account_executive", "as_of", "2026-03-14", "text", brief.text,
                  "watermark", watermark, "urgency_filter", "applied", 1, "words_removed", 2);
    assert_true(json_equal(document, expected));
    json_decref(expected);
    json_decref(document);
    tn_brief_free(&brief);
    json_decref(customer);
}

static void test_audiences(void **state) {
    (void)state;
    tn_audience audience;
    for (int a = 0; a < TN_AUDIENCE_COUNT; a++) {
        assert_true(tn_audience_parse(tn_audience_name((tn_audience)a), &audience));
        assert_int_equal(audience, a);
        assert_non_null(strstr(tn_audience_names(), tn_audience_name((tn_audience)a)));
    }
    assert_false(tn_audience_parse("CSM", &audience));
    assert_false(tn_audience_parse("", &audience));
    assert_false(tn_audience_parse(NULL, &audience));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_urgency_words),
        cmocka_unit_test(test_urgency_removal),
        cmocka_unit_test(test_csm_brief),
        cmocka_unit_test(test_executive_brief),
        cmocka_unit_test(test_account_executive_brief_is_calm),
        cmocka_unit_test(test_filter_only_below_the_cut),
        cmocka_unit_test(test_quiet_account),
        cmocka_unit_test(test_number_forms),
        cmocka_unit_test(test_brief_document),
        cmocka_unit_test(test_audiences),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
