/*
 * date.h — calendar dates and UTC timestamps as plain integers.
 *
 * A date is a civil day number: days since 1970-01-01 in the proleptic
 * Gregorian calendar (negative before 1970). A timestamp is seconds since
 * 1970-01-01 00:00:00 UTC. Differences of day numbers are day counts, so
 * "30 days before the as-of date" is `as_of - 30` and a half-open window
 * [end - n, end) is `d >= end - n && d < end`. Tenure never reads the wall
 * clock for data windows: every window ends at an as-of date.
 *
 * Text forms are strict ISO 8601: dates `YYYY-MM-DD`, timestamps
 * `YYYY-MM-DD HH:MM:SS` (a `T` in place of the space and a trailing `Z` are
 * accepted on input; output always uses the space and no zone). Parsing
 * rejects anything else with a message that quotes the bad value.
 */
#ifndef TN_COMMON_DATE_H
#define TN_COMMON_DATE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "common/error.h"

typedef int32_t tn_day;       /* days since 1970-01-01 */
typedef int64_t tn_timestamp; /* seconds since 1970-01-01 00:00:00 UTC */

#define TN_SECONDS_PER_DAY 86400

/* No date given. */
#define TN_DAY_UNSET INT32_MIN

/* Buffer sizes for the formatters (room for the terminating NUL and odd years). */
#define TN_DATE_BUF 16
#define TN_TIMESTAMP_BUF 32

/* True for Gregorian leap years (divisible by 4, except centuries not divisible by 400). */
bool tn_is_leap_year(int year);

/* Days in `month` (1–12) of `year`; 0 when month is out of range. */
int tn_days_in_month(int year, int month);

/* True when year/month/day names a real date with a four-digit year (1–9999). */
bool tn_civil_is_valid(int year, int month, int day);

/* The day number of a civil date. The date must be valid (see tn_civil_is_valid). */
tn_day tn_day_from_civil(int year, int month, int day);

/* The civil date of a day number. Any output pointer may be NULL. */
void tn_day_to_civil(tn_day day, int *year, int *month, int *day_of_month);

/* Day of the week, ISO numbering from 0: 0 = Monday … 6 = Sunday. */
int tn_day_weekday(tn_day day);

/* The first day of the month `day` lies in. */
tn_day tn_day_month_start(tn_day day);

/*
 * `day` moved by `months` calendar months (negative goes back). The day of the
 * month is kept, or clamped to the last day of a shorter month:
 * 2024-01-31 + 1 month = 2024-02-29.
 */
tn_day tn_day_add_months(tn_day day, int months);

/* The day a timestamp falls on (floor division, also before 1970). */
tn_day tn_timestamp_day(tn_timestamp ts);

/* The timestamp of 00:00:00 UTC on `day`. */
tn_timestamp tn_day_start(tn_day day);

/*
 * Parses a strict `YYYY-MM-DD` date into `*out`. Returns false with a
 * TN_ERR_INPUT error quoting the text when it is empty, of the wrong shape
 * (`2026-3-1`), too long, or not a real date (`2026-02-30`).
 */
bool tn_date_parse(const char *text, tn_day *out, tn_error *err);

/* A moment in UTC as ISO 8601, "YYYY-MM-DDTHH:MM:SSZ", needs this many bytes. */
#define TN_TIME_BUF 32

/* Writes the moment `seconds` (since the epoch) as "YYYY-MM-DDTHH:MM:SSZ" into out[TN_TIME_BUF]. */
char *tn_time_format_utc(time_t seconds, char *out);

/* Writes `day` as `YYYY-MM-DD` into `out` (at least TN_DATE_BUF bytes). Returns `out`. */
char *tn_date_format(tn_day day, char *out);

/*
 * Parses `YYYY-MM-DD HH:MM:SS` (or with `T`, optionally ending in `Z`) as UTC.
 * Errors as tn_date_parse, plus times outside 00:00:00–23:59:59.
 */
bool tn_timestamp_parse(const char *text, tn_timestamp *out, tn_error *err);

/* Writes `ts` as `YYYY-MM-DD HH:MM:SS` into `out` (at least TN_TIMESTAMP_BUF bytes). */
char *tn_timestamp_format(tn_timestamp ts, char *out);

#endif
