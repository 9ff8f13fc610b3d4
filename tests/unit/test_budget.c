/*
 * test_budget.c — the memory budget's SIZE syntax (--memory-limit,
 * TENURE_MEMORY_LIMIT): units of 1,000 and of 1,024, fractions, a share of
 * RAM, and every refusal (no unit, an unknown unit, signs and exponents, a
 * percentage out of range or of an unknown RAM, too small, too large), each
 * naming the value; the default of 40 % of RAM; the format for messages.
 *
 * Expected byte counts are worked out by hand (1.5 GiB = 1.5 × 2^30 =
 * 1,610,612,736), not with the code under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>
#include <string.h>

#include <cmocka.h>

#include "common/budget.h"

static const uint64_t RAM = 16000000000ULL; /* a 16 GB machine */

static uint64_t parsed(const char *text) {
    uint64_t bytes = 0;
    tn_error err;
    tn_error_clear(&err);
    if (!tn_budget_parse(text, RAM, &bytes, &err))
        fail_msg("'%s' refused: %s", text, err.message);
    return bytes;
}

/* `text` is refused as input, the message quoting it and holding `needle`. */
static void assert_refused(const char *text, uint64_t ram, const char *needle) {
    uint64_t bytes = 12345;
    tn_error err;
    tn_error_clear(&err);
    assert_false(tn_budget_parse(text, ram, &bytes, &err));
    assert_int_equal(err.code, TN_ERR_INPUT);
    assert_true(bytes == 12345); /* untouched */
    char quoted[128];
    snprintf(quoted, sizeof quoted, "'%s'", text);
    if (strstr(err.message, quoted) == NULL || strstr(err.message, needle) == NULL)
        fail_msg("message \"%s\" lacks %s or \"%s\"", err.message, quoted, needle);
}

static void test_decimal_units(void **state) {
    (void)state;
    assert_true(parsed("1GB") == 1000000000ULL);
    assert_true(parsed("512MB") == 512000000ULL);
    assert_true(parsed("64000KB") == 64000000ULL);
    assert_true(parsed("2TB") == 2000000000000ULL);
    assert_true(parsed("100000000B") == 100000000ULL);
    assert_true(parsed("0.25GB") == 250000000ULL);
}

static void test_binary_units(void **state) {
    (void)state;
    assert_true(parsed("1.5GiB") == 1610612736ULL);
    assert_true(parsed("64MiB") == 67108864ULL);
    assert_true(parsed("65536KiB") == 67108864ULL);
    assert_true(parsed("1TiB") == 1099511627776ULL);
}

static void test_spelling(void **state) {
    (void)state;
    assert_true(parsed("1gb") == 1000000000ULL); /* case does not matter */
    assert_true(parsed("1Gb") == 1000000000ULL);
    assert_true(parsed("1 GB") == 1000000000ULL); /* as DuckDB prints it */
    assert_true(parsed("1.0 GiB") == 1073741824ULL);
    assert_true(parsed(".5GB") == 500000000ULL);
}

static void test_share_of_ram(void **state) {
    (void)state;
    assert_true(parsed("40%") == 6400000000ULL);
    assert_true(parsed("100%") == RAM);
    assert_true(parsed("12.5%") == 2000000000ULL);
    assert_true(parsed("1 %") == 160000000ULL);
}

static void test_refusals(void **state) {
    (void)state;
    const char *expected = "expected a size such as 1GB, 512MB, 1.5GiB or 40%";
    assert_refused("", RAM, expected);
    assert_refused("1024", RAM, expected); /* bytes or megabytes? */
    assert_refused("GB", RAM, expected);
    assert_refused("1XB", RAM, expected);
    assert_refused("1GBs", RAM, expected);
    assert_refused("-1GB", RAM, expected);
    assert_refused("+1GB", RAM, expected);
    assert_refused("1e9B", RAM, expected);
    assert_refused("0x10GB", RAM, expected);
    assert_refused("1,5GB", RAM, expected);
    assert_refused(" 1GB", RAM, expected);
    assert_refused("1GB ", RAM, expected);
    assert_refused("inf GB", RAM, expected);
    assert_refused("40%%", RAM, expected);
    assert_refused("0%", RAM, "above 0% and at most 100%");
    assert_refused("101%", RAM, "above 0% and at most 100%");
    assert_refused("40%", 0, "physical RAM of this machine cannot be told");
}

static void test_least_and_most(void **state) {
    (void)state;
    assert_true(parsed("64MB") == TN_BUDGET_MIN_BYTES); /* the least accepted */
    assert_refused("63.9MB", RAM, "DuckDB needs at least 64 MB");
    assert_refused("10MB", RAM, "'10MB' is too small");
    assert_refused("0GB", RAM, "too small");
    assert_refused("0.1%", RAM, "'0.1%' (16 MB of RAM) is too small"); /* of 16 GB */
    assert_refused("5000000TB", RAM, "more memory than any machine has");
}

static void test_default_and_set(void **state) {
    (void)state;
    uint64_t ram = tn_budget_physical_ram();
    assert_true(ram > 0); /* Linux tells */
    tn_budget_set(0);
    uint64_t expected = (uint64_t)((double)ram * 0.40);
    uint64_t got = tn_budget_bytes();
    assert_true(got + 1 >= expected && got <= expected + 1);
    tn_budget_set(300000000ULL);
    assert_true(tn_budget_bytes() == 300000000ULL);
    tn_budget_set(0);
}

/* Writes `text` to a new file under /tmp and returns its path (static). */
static const char *limit_file(const char *name, const char *text) {
    static char paths[2][96];
    char *path = paths[name[1] == '2'];
    snprintf(path, sizeof paths[0], "/tmp/tenure-test-budget-%d-%s", (int)getpid(), name);
    FILE *file = fopen(path, "w");
    assert_non_null(file);
    fputs(text, file);
    fclose(file);
    return path;
}

static void test_cgroup_limit(void **state) {
    (void)state;
    const char *none = "/tmp/tenure-test-budget-no-such-file";
    /* v2: a number, or "max" for none */
    assert_true(tn_budget_cgroup_limit(limit_file("v2", "2147483648\n"), none) == 2147483648ULL);
    assert_true(tn_budget_cgroup_limit(limit_file("v2", "max\n"), none) == 0);
    /* v1, when v2 says nothing: its "no limit" is 2^63 - 1 rounded down to a page */
    assert_true(tn_budget_cgroup_limit(none, limit_file("v1", "1073741824\n")) == 1073741824ULL);
    assert_true(tn_budget_cgroup_limit(limit_file("v2", "max\n"),
                                       limit_file("v1", "1073741824\n")) == 1073741824ULL);
    assert_true(tn_budget_cgroup_limit(none, limit_file("v1", "9223372036854771712\n")) == 0);
    assert_true(tn_budget_cgroup_limit(none, none) == 0);
    /* the RAM the default takes its share of is never more than a limit that is set */
    uint64_t limit = tn_budget_cgroup_limit(TN_BUDGET_CGROUP_V2, TN_BUDGET_CGROUP_V1);
    assert_true(limit == 0 || tn_budget_physical_ram() <= limit);
    char path[96];
    snprintf(path, sizeof path, "/tmp/tenure-test-budget-%d-v1", (int)getpid());
    remove(path);
    snprintf(path, sizeof path, "/tmp/tenure-test-budget-%d-v2", (int)getpid());
    remove(path);
}

static void test_format(void **state) {
    (void)state;
    char text[TN_BUDGET_TEXT];
    tn_budget_format(1000000000ULL, text);
    assert_string_equal(text, "1.0 GB");
    tn_budget_format(1610612736ULL, text);
    assert_string_equal(text, "1.6 GB");
    tn_budget_format(300000000ULL, text);
    assert_string_equal(text, "300 MB");
    tn_budget_format(64000000ULL, text);
    assert_string_equal(text, "64 MB");
    tn_budget_format(2500000000000ULL, text);
    assert_string_equal(text, "2.5 TB");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decimal_units),   cmocka_unit_test(test_binary_units),
        cmocka_unit_test(test_spelling),        cmocka_unit_test(test_share_of_ram),
        cmocka_unit_test(test_refusals),        cmocka_unit_test(test_least_and_most),
        cmocka_unit_test(test_default_and_set), cmocka_unit_test(test_format),
        cmocka_unit_test(test_cgroup_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
