/*
 * date.c — civil day numbers and strict ISO 8601 text (see date.h).
 *
 * Day-number conversion uses the era-of-400-years method described by Howard
 * Hinnant ("chrono-Compatible Low-Level Date Algorithms", 2013): shift the
 * year to start on 1 March so the leap day is the last day of the year, then
 * count whole 400-year eras (146,097 days each) and the days inside the era.
 */
#include "common/date.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Days from 0000-03-01 to 1970-01-01 in the shifted calendar. */
enum { DAYS_0000_03_01_TO_EPOCH = 719468, DAYS_PER_ERA = 146097 };

bool tn_is_leap_year(int year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int tn_days_in_month(int year, int month) {
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12)
        return 0;
    if (month == 2 && tn_is_leap_year(year))
        return 29;
    return days[month - 1];
}

bool tn_civil_is_valid(int year, int month, int day) {
    if (year < 1 || year > 9999)
        return false;
    if (month < 1 || month > 12)
        return false;
    return day >= 1 && day <= tn_days_in_month(year, month);
}

/* Floor division for a possibly negative numerator and a positive divisor. */
static int64_t floor_div(int64_t numerator, int64_t divisor) {
    int64_t quotient = numerator / divisor;
    if ((numerator % divisor != 0) && (numerator < 0))
        quotient--;
    return quotient;
}

tn_day tn_day_from_civil(int year, int month, int day) {
    int64_t y = year - (month <= 2);
    int64_t era = floor_div(y, 400);
    int64_t year_of_era = y - era * 400;                           /* [0, 399] */
    int64_t shifted_month = month > 2 ? month - 3 : month + 9;     /* March = 0 */
    int64_t day_of_year = (153 * shifted_month + 2) / 5 + day - 1; /* [0, 365] */
    int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return (tn_day)(era * DAYS_PER_ERA + day_of_era - DAYS_0000_03_01_TO_EPOCH);
}

void tn_day_to_civil(tn_day day, int *year, int *month, int *day_of_month) {
    int64_t z = (int64_t)day + DAYS_0000_03_01_TO_EPOCH;
    int64_t era = floor_div(z, DAYS_PER_ERA);
    int64_t day_of_era = z - era * DAYS_PER_ERA; /* [0, 146096] */
    int64_t year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    int64_t shifted_month = (5 * day_of_year + 2) / 153;
    int64_t d = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    int64_t m = shifted_month < 10 ? shifted_month + 3 : shifted_month - 9;
    int64_t y = year_of_era + era * 400 + (m <= 2);
    if (year != NULL)
        *year = (int)y;
    if (month != NULL)
        *month = (int)m;
    if (day_of_month != NULL)
        *day_of_month = (int)d;
}

int tn_day_weekday(tn_day day) {
    /* 1970-01-01 was a Thursday, ISO index 3. */
    int64_t index = ((int64_t)day + 3) % 7;
    return (int)(index < 0 ? index + 7 : index);
}

tn_day tn_day_month_start(tn_day day) {
    int year, month;
    tn_day_to_civil(day, &year, &month, NULL);
    return tn_day_from_civil(year, month, 1);
}

tn_day tn_day_add_months(tn_day day, int months) {
    int year, month, dom;
    tn_day_to_civil(day, &year, &month, &dom);
    int64_t month_index = (int64_t)year * 12 + (month - 1) + months;
    int new_year = (int)floor_div(month_index, 12);
    int new_month = (int)(month_index - (int64_t)new_year * 12) + 1;
    int last = tn_days_in_month(new_year, new_month);
    return tn_day_from_civil(new_year, new_month, dom > last ? last : dom);
}

tn_day tn_timestamp_day(tn_timestamp ts) {
    return (tn_day)floor_div(ts, TN_SECONDS_PER_DAY);
}

tn_timestamp tn_day_start(tn_day day) {
    return (tn_timestamp)day * TN_SECONDS_PER_DAY;
}

/* Copies `text` for an error message: at most 40 characters, "..." when cut, '?' for controls. */
static void quote_for_message(const char *text, char *out, size_t out_size) {
    enum { SHOWN = 40 };
    size_t n = 0;
    for (; text[n] != '\0' && n < SHOWN && n + 4 < out_size; n++) {
        unsigned char c = (unsigned char)text[n];
        out[n] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    if (text[n] != '\0' && n + 4 <= out_size) {
        memcpy(out + n, "...", 3);
        n += 3;
    }
    out[n] = '\0';
}

/* Reads `count` ASCII digits at `text` into `*value`; false if any is not a digit. */
static bool read_digits(const char *text, int count, int *value) {
    int v = 0;
    for (int i = 0; i < count; i++) {
        if (text[i] < '0' || text[i] > '9')
            return false;
        v = v * 10 + (text[i] - '0');
    }
    *value = v;
    return true;
}

/*
 * Parses the `YYYY-MM-DD` at the start of `text` (which has at least 10
 * characters). On failure fills `err` quoting the whole text and saying it is
 * not a `what` ("date", "timestamp") of the `expected` form.
 */
static bool parse_date_part(const char *text, const char *what, const char *expected, tn_day *out,
                            tn_error *err) {
    char shown[64];
    int year, month, day;
    if (!read_digits(text, 4, &year) || text[4] != '-' || !read_digits(text + 5, 2, &month) ||
        text[7] != '-' || !read_digits(text + 8, 2, &day)) {
        quote_for_message(text, shown, sizeof shown);
        return tn_error_set(err, TN_ERR_INPUT, "'%s' is not a %s: expected %s", shown, what,
                            expected);
    }
    if (year < 1 || month < 1 || month > 12) {
        quote_for_message(text, shown, sizeof shown);
        return tn_error_set(err, TN_ERR_INPUT, "'%s' is not a %s: %s", shown, what,
                            year < 1 ? "year 0000 does not exist" : "the month must be 01 to 12");
    }
    if (day < 1 || day > tn_days_in_month(year, month)) {
        quote_for_message(text, shown, sizeof shown);
        return tn_error_set(err, TN_ERR_INPUT, "'%s' is not a %s: %04d-%02d has %d days", shown,
                            what, year, month, tn_days_in_month(year, month));
    }
    *out = tn_day_from_civil(year, month, day);
    return true;
}

bool tn_date_parse(const char *text, tn_day *out, tn_error *err) {
    static const char expected[] = "YYYY-MM-DD";
    if (text == NULL || text[0] == '\0')
        return tn_error_set(err, TN_ERR_INPUT, "empty value where a date (%s) was expected",
                            expected);
    size_t length = strnlen(text, 64);
    if (length != 10) {
        char shown[64];
        quote_for_message(text, shown, sizeof shown);
        return tn_error_set(err, TN_ERR_INPUT, "'%s' is not a date: expected %s (10 characters)",
                            shown, expected);
    }
    return parse_date_part(text, "date", expected, out, err);
}

bool tn_timestamp_parse(const char *text, tn_timestamp *out, tn_error *err) {
    static const char expected[] = "YYYY-MM-DD HH:MM:SS";
    char shown[64];
    if (text == NULL || text[0] == '\0')
        return tn_error_set(err, TN_ERR_INPUT, "empty value where a timestamp (%s) was expected",
                            expected);
    size_t length = strnlen(text, 64);
    bool zulu = length == 20 && text[19] == 'Z';
    if (length != 19 && !zulu) {
        quote_for_message(text, shown, sizeof shown);
        return tn_error_set(err, TN_ERR_INPUT, "'%s' is not a timestamp: expected %s", shown,
                            expected);
    }
    tn_day day;
    if (!parse_date_part(text, "timestamp", expected, &day, err))
        return false;
    int hour, minute, second;
    if ((text[10] != ' ' && text[10] != 'T') || !read_digits(text + 11, 2, &hour) ||
        text[13] != ':' || !read_digits(text + 14, 2, &minute) || text[16] != ':' ||
        !read_digits(text + 17, 2, &second)) {
        quote_for_message(text, shown, sizeof shown);
        return tn_error_set(err, TN_ERR_INPUT, "'%s' is not a timestamp: expected %s", shown,
                            expected);
    }
    if (hour > 23 || minute > 59 || second > 59) {
        quote_for_message(text, shown, sizeof shown);
        return tn_error_set(err, TN_ERR_INPUT,
                            "'%s' is not a timestamp: the time must be 00:00:00 to 23:59:59",
                            shown);
    }
    *out = tn_day_start(day) + hour * 3600 + minute * 60 + second;
    return true;
}

char *tn_date_format(tn_day day, char *out) {
    int year, month, dom;
    tn_day_to_civil(day, &year, &month, &dom);
    snprintf(out, TN_DATE_BUF, "%04d-%02d-%02d", year, month, dom);
    return out;
}

char *tn_timestamp_format(tn_timestamp ts, char *out) {
    tn_day day = tn_timestamp_day(ts);
    int64_t seconds = ts - tn_day_start(day);
    int year, month, dom;
    tn_day_to_civil(day, &year, &month, &dom);
    snprintf(out, TN_TIMESTAMP_BUF, "%04d-%02d-%02d %02d:%02d:%02d", year, month, dom,
             (int)(seconds / 3600), (int)(seconds / 60 % 60), (int)(seconds % 60));
    return out;
}

char *tn_time_format_utc(time_t seconds, char *out) {
    struct tm utc;
    if (gmtime_r(&seconds, &utc) == NULL ||
        strftime(out, TN_TIME_BUF, "%Y-%m-%dT%H:%M:%SZ", &utc) == 0)
        out[0] = '\0';
    return out;
}
