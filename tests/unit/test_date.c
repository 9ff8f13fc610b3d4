/*
 * test_date.c — civil day numbers, calendar arithmetic and strict ISO text.
 *
 * Expected day numbers and timestamps were computed independently with GNU
 * date (`date -u -d 2026-03-14 +%s` / 86400) and Python's datetime
 * (`(date(2026,3,14) - date(1970,1,1)).days`), not with the code under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/date.h"

static void test_leap_years(void **state) {
    (void)state;
    assert_true(tn_is_leap_year(2024));
    assert_false(tn_is_leap_year(2026));
    assert_false(tn_is_leap_year(1900)); /* century not divisible by 400 */
    assert_true(tn_is_leap_year(2000));  /* century divisible by 400 */
    assert_false(tn_is_leap_year(2100));
}

static void test_days_in_month(void **state) {
    (void)state;
    assert_int_equal(tn_days_in_month(2024, 2), 29);
    assert_int_equal(tn_days_in_month(2026, 2), 28);
    assert_int_equal(tn_days_in_month(2000, 2), 29);
    assert_int_equal(tn_days_in_month(1900, 2), 28);
    assert_int_equal(tn_days_in_month(2026, 4), 30);
    assert_int_equal(tn_days_in_month(2026, 12), 31);
    assert_int_equal(tn_days_in_month(2026, 0), 0);
    assert_int_equal(tn_days_in_month(2026, 13), 0);
}

static void test_civil_is_valid(void **state) {
    (void)state;
    assert_true(tn_civil_is_valid(2024, 2, 29));
    assert_false(tn_civil_is_valid(2023, 2, 29));
    assert_false(tn_civil_is_valid(2026, 4, 31));
    assert_false(tn_civil_is_valid(0, 1, 1));
    assert_false(tn_civil_is_valid(10000, 1, 1));
    assert_false(tn_civil_is_valid(2026, 1, 0));
}

static void test_day_from_civil_known_values(void **state) {
    (void)state;
    assert_int_equal(tn_day_from_civil(1970, 1, 1), 0);
    assert_int_equal(tn_day_from_civil(1969, 12, 31), -1);
    assert_int_equal(tn_day_from_civil(2026, 3, 14), 20526);   /* 1773446400 s */
    assert_int_equal(tn_day_from_civil(2024, 2, 29), 19782);   /* 1709164800 s */
    assert_int_equal(tn_day_from_civil(1900, 3, 1), -25508);   /* -2203891200 s */
    assert_int_equal(tn_day_from_civil(1600, 2, 29), -135081); /* Python datetime */
    assert_int_equal(tn_day_from_civil(1, 1, 1), -719162);
    assert_int_equal(tn_day_from_civil(9999, 12, 31), 2932896);
}

/* Every day from 0001-01-01 to 9999-12-31 converts to a valid date and back. */
static void test_civil_round_trip_every_day(void **state) {
    (void)state;
    int prev_year = 0, prev_month = 12, prev_day = 31;
    for (tn_day day = -719162; day <= 2932896; day++) {
        int year, month, dom;
        tn_day_to_civil(day, &year, &month, &dom);
        assert_true(tn_civil_is_valid(year, month, dom));
        assert_int_equal(tn_day_from_civil(year, month, dom), day);
        /* consecutive: the next day of the previous date */
        if (prev_day == tn_days_in_month(prev_year < 1 ? 1 : prev_year, prev_month)) {
            assert_int_equal(dom, 1);
        } else {
            assert_int_equal(dom, prev_day + 1);
        }
        prev_year = year;
        prev_month = month;
        prev_day = dom;
    }
}

static void test_day_arithmetic_across_month_and_leap_days(void **state) {
    (void)state;
    assert_int_equal(tn_day_from_civil(2024, 3, 1) - tn_day_from_civil(2024, 2, 28), 2);
    assert_int_equal(tn_day_from_civil(2023, 3, 1) - tn_day_from_civil(2023, 2, 28), 1);
    assert_int_equal(tn_day_from_civil(2024, 1, 1) - tn_day_from_civil(2023, 12, 31), 1);
    assert_int_equal(tn_day_from_civil(2025, 1, 1) - tn_day_from_civil(2024, 1, 1), 366);
    assert_int_equal(tn_day_from_civil(2026, 1, 1) - tn_day_from_civil(2025, 1, 1), 365);
    /* the two years before the default as-of date span one leap day (2024-02-29) */
    assert_int_equal(tn_day_from_civil(2026, 3, 14) - tn_day_from_civil(2024, 3, 14), 730);
}

static void test_weekday(void **state) {
    (void)state;
    assert_int_equal(tn_day_weekday(0), 3);                               /* Thursday */
    assert_int_equal(tn_day_weekday(tn_day_from_civil(1969, 12, 29)), 0); /* Monday */
    assert_int_equal(tn_day_weekday(tn_day_from_civil(2026, 3, 14)), 5);  /* Saturday */
    assert_int_equal(tn_day_weekday(tn_day_from_civil(2024, 2, 29)), 3);  /* Thursday */
}

static void assert_civil(tn_day day, int year, int month, int dom) {
    int y, m, d;
    tn_day_to_civil(day, &y, &m, &d);
    assert_int_equal(y, year);
    assert_int_equal(m, month);
    assert_int_equal(d, dom);
}

static void test_add_months_clamps_to_month_end(void **state) {
    (void)state;
    assert_civil(tn_day_add_months(tn_day_from_civil(2024, 1, 31), 1), 2024, 2, 29);
    assert_civil(tn_day_add_months(tn_day_from_civil(2023, 1, 31), 1), 2023, 2, 28);
    assert_civil(tn_day_add_months(tn_day_from_civil(2024, 2, 29), 12), 2025, 2, 28);
    assert_civil(tn_day_add_months(tn_day_from_civil(2026, 3, 14), -24), 2024, 3, 14);
    assert_civil(tn_day_add_months(tn_day_from_civil(2026, 1, 15), -1), 2025, 12, 15);
    assert_civil(tn_day_add_months(tn_day_from_civil(2025, 11, 30), 13), 2026, 12, 30);
    assert_civil(tn_day_add_months(tn_day_from_civil(2026, 3, 31), 0), 2026, 3, 31);
}

static void test_month_start(void **state) {
    (void)state;
    assert_civil(tn_day_month_start(tn_day_from_civil(2024, 2, 29)), 2024, 2, 1);
    assert_civil(tn_day_month_start(tn_day_from_civil(2026, 3, 1)), 2026, 3, 1);
    assert_civil(tn_day_month_start(-1), 1969, 12, 1);
}

static void test_timestamp_day_floors_before_1970(void **state) {
    (void)state;
    assert_int_equal(tn_timestamp_day(0), 0);
    assert_int_equal(tn_timestamp_day(-1), -1);
    assert_int_equal(tn_timestamp_day(86399), 0);
    assert_int_equal(tn_timestamp_day(86400), 1);
    assert_int_equal(tn_timestamp_day(-86400), -1);
    assert_int_equal(tn_timestamp_day(-86401), -2);
    assert_int_equal(tn_day_start(20526), 1773446400);
}

static void test_date_parse_accepts_real_dates(void **state) {
    (void)state;
    tn_day day = 0;
    tn_error err;
    assert_true(tn_date_parse("2026-03-14", &day, &err));
    assert_int_equal(day, 20526);
    assert_true(tn_date_parse("2024-02-29", &day, &err));
    assert_int_equal(day, 19782);
    assert_true(tn_date_parse("0001-01-01", &day, &err));
    assert_int_equal(day, -719162);
}

/* Parses `text`, expects failure and every `needle` in the message. */
static void assert_date_rejected(const char *text, const char *needle1, const char *needle2) {
    tn_day day = 12345;
    tn_error err;
    tn_error_clear(&err);
    assert_false(tn_date_parse(text, &day, &err));
    assert_int_equal(err.code, TN_ERR_INPUT);
    assert_int_equal(day, 12345); /* untouched on failure */
    if (strstr(err.message, needle1) == NULL || strstr(err.message, needle2) == NULL)
        fail_msg("message for '%s' was \"%s\", wanted \"%s\" and \"%s\"", text, err.message,
                 needle1, needle2);
}

static void test_date_parse_rejects_bad_values(void **state) {
    (void)state;
    assert_date_rejected("2026-02-30", "'2026-02-30'", "2026-02 has 28 days");
    assert_date_rejected("2023-02-29", "'2023-02-29'", "28 days");
    assert_date_rejected("2026-04-31", "'2026-04-31'", "30 days");
    assert_date_rejected("2026-3-1", "'2026-3-1'", "YYYY-MM-DD");
    assert_date_rejected("", "empty", "YYYY-MM-DD");
    assert_date_rejected(NULL, "empty", "YYYY-MM-DD");
    assert_date_rejected("2026-03-14T00:00:00", "'2026-03-14T00:00:00'", "10 characters");
    assert_date_rejected("2026-13-01", "'2026-13-01'", "month");
    assert_date_rejected("2026-00-10", "'2026-00-10'", "month");
    assert_date_rejected("2026-01-00", "'2026-01-00'", "31 days");
    assert_date_rejected("0000-01-01", "'0000-01-01'", "year");
    assert_date_rejected("2026/03/14", "'2026/03/14'", "YYYY-MM-DD");
    assert_date_rejected("2026-03-1a", "'2026-03-1a'", "YYYY-MM-DD");
    assert_date_rejected(" 2026-03-14", "' 2026-03-14'", "YYYY-MM-DD");
    assert_date_rejected("+2026-03-1", "'+2026-03-1'", "YYYY-MM-DD");
}

static void test_date_parse_overlong_value_is_quoted_shortened(void **state) {
    (void)state;
    char overlong[300];
    memset(overlong, '7', sizeof overlong - 1);
    overlong[sizeof overlong - 1] = '\0';
    tn_day day;
    tn_error err;
    assert_false(tn_date_parse(overlong, &day, &err));
    assert_non_null(strstr(err.message, "'7777777777"));
    assert_non_null(strstr(err.message, "...'"));
    assert_true(strlen(err.message) < 120);
}

static void test_date_format(void **state) {
    (void)state;
    char text[TN_DATE_BUF];
    assert_string_equal(tn_date_format(0, text), "1970-01-01");
    assert_string_equal(tn_date_format(20526, text), "2026-03-14");
    assert_string_equal(tn_date_format(-1, text), "1969-12-31");
    assert_string_equal(tn_date_format(19782, text), "2024-02-29");
    /* format ∘ parse is the identity over a leap-year span */
    for (tn_day day = 19000; day < 21000; day++) {
        tn_day back;
        tn_error err;
        assert_true(tn_date_parse(tn_date_format(day, text), &back, &err));
        assert_int_equal(back, day);
    }
}

static void test_timestamp_parse(void **state) {
    (void)state;
    tn_timestamp ts = 0;
    tn_error err;
    assert_true(tn_timestamp_parse("2026-03-14 12:34:56", &ts, &err));
    assert_int_equal(ts, 1773491696); /* date -u -d '2026-03-14 12:34:56' +%s */
    assert_true(tn_timestamp_parse("2026-03-14T12:34:56", &ts, &err));
    assert_int_equal(ts, 1773491696);
    assert_true(tn_timestamp_parse("2026-03-14T12:34:56Z", &ts, &err));
    assert_int_equal(ts, 1773491696);
    assert_true(tn_timestamp_parse("1969-12-31 23:59:59", &ts, &err));
    assert_int_equal(ts, -1);
}

static void test_timestamp_parse_rejects_bad_values(void **state) {
    (void)state;
    static const char *const bad[] = {
        "2026-03-14 24:00:00", "2026-03-14 12:60:00", "2026-03-14 12:00:60",    "2026-03-14",
        "2026-03-14 12:34",    "2026-02-30 00:00:00", "2026-03-14 12:34:56+01", "",
        "2026-03-14_12:34:56",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tn_timestamp ts = 42;
        tn_error err;
        assert_false(tn_timestamp_parse(bad[i], &ts, &err));
        assert_int_equal(ts, 42);
        assert_int_equal(err.code, TN_ERR_INPUT);
        if (bad[i][0] != '\0' && strstr(err.message, bad[i]) == NULL)
            fail_msg("message \"%s\" does not quote '%s'", err.message, bad[i]);
    }
}

static void test_timestamp_format(void **state) {
    (void)state;
    char text[TN_TIMESTAMP_BUF];
    assert_string_equal(tn_timestamp_format(1773491696, text), "2026-03-14 12:34:56");
    assert_string_equal(tn_timestamp_format(-1, text), "1969-12-31 23:59:59");
    assert_string_equal(tn_timestamp_format(0, text), "1970-01-01 00:00:00");
}

/* Expected values from Python: datetime.fromtimestamp(t, timezone.utc).strftime(...). */
static void test_time_format_utc(void **state) {
    (void)state;
    char out[TN_TIME_BUF];
    assert_string_equal(tn_time_format_utc(0, out), "1970-01-01T00:00:00Z");
    assert_string_equal(tn_time_format_utc(1796209199, out), "2026-12-02T10:59:59Z");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_leap_years),
        cmocka_unit_test(test_days_in_month),
        cmocka_unit_test(test_civil_is_valid),
        cmocka_unit_test(test_day_from_civil_known_values),
        cmocka_unit_test(test_civil_round_trip_every_day),
        cmocka_unit_test(test_day_arithmetic_across_month_and_leap_days),
        cmocka_unit_test(test_weekday),
        cmocka_unit_test(test_add_months_clamps_to_month_end),
        cmocka_unit_test(test_month_start),
        cmocka_unit_test(test_timestamp_day_floors_before_1970),
        cmocka_unit_test(test_date_parse_accepts_real_dates),
        cmocka_unit_test(test_date_parse_rejects_bad_values),
        cmocka_unit_test(test_date_parse_overlong_value_is_quoted_shortened),
        cmocka_unit_test(test_date_format),
        cmocka_unit_test(test_timestamp_parse),
        cmocka_unit_test(test_timestamp_parse_rejects_bad_values),
        cmocka_unit_test(test_timestamp_format),
        cmocka_unit_test(test_time_format_utc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
