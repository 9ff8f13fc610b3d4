/*
 * test_error.c — the tn_error type: setting, context prefixes, truncation,
 * NULL tolerance and the exit-status mapping (0, 1 input, 2 usage).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/error.h"

static void test_set_formats_and_returns_false(void **state) {
    (void)state;
    tn_error err;
    tn_error_clear(&err);
    assert_int_equal(err.code, TN_OK);
    assert_string_equal(err.message, "");
    assert_false(tn_error_set(&err, TN_ERR_INPUT, "line %d: '%s' is not a tier", 4, "gold"));
    assert_int_equal(err.code, TN_ERR_INPUT);
    assert_string_equal(err.message, "line 4: 'gold' is not a tier");
}

static void test_prefix_adds_context_and_keeps_code(void **state) {
    (void)state;
    tn_error err;
    tn_error_set(&err, TN_ERR_IO, "permission denied");
    tn_error_prefix(&err, "writing %s", "data/x.csv");
    tn_error_prefix(&err, "tenure generate");
    assert_string_equal(err.message, "tenure generate: writing data/x.csv: permission denied");
    assert_int_equal(err.code, TN_ERR_IO);
}

static void test_prefix_on_cleared_error_does_nothing(void **state) {
    (void)state;
    tn_error err;
    tn_error_clear(&err);
    tn_error_prefix(&err, "context");
    assert_int_equal(err.code, TN_OK);
    assert_string_equal(err.message, "");
}

static void test_long_messages_are_truncated_not_overflowed(void **state) {
    (void)state;
    char long_text[3 * TN_ERROR_MESSAGE_MAX];
    memset(long_text, 'x', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    tn_error err;
    tn_error_set(&err, TN_ERR_INPUT, "%s", long_text);
    assert_int_equal(strlen(err.message), TN_ERROR_MESSAGE_MAX - 1);
    tn_error_prefix(&err, "%s", long_text);
    assert_int_equal(strlen(err.message), TN_ERROR_MESSAGE_MAX - 1);
}

static void test_null_error_is_allowed(void **state) {
    (void)state;
    tn_error_clear(NULL);
    assert_false(tn_error_set(NULL, TN_ERR_IO, "ignored %d", 1));
    tn_error_prefix(NULL, "ignored");
    assert_int_equal(tn_error_exit_status(NULL), 0);
}

static void test_exit_status(void **state) {
    (void)state;
    tn_error err;
    tn_error_clear(&err);
    assert_int_equal(tn_error_exit_status(&err), 0);
    tn_error_set(&err, TN_ERR_USAGE, "unknown option");
    assert_int_equal(tn_error_exit_status(&err), 2);
    tn_error_set(&err, TN_ERR_INTERRUPTED, "interrupted");
    assert_int_equal(tn_error_exit_status(&err), 130);
    const tn_error_code one[] = {TN_ERR_INPUT, TN_ERR_IO,    TN_ERR_DB,
                                 TN_ERR_MODEL, TN_ERR_NOMEM, TN_ERR_INTERNAL};
    for (size_t i = 0; i < sizeof one / sizeof one[0]; i++) {
        tn_error_set(&err, one[i], "x");
        assert_int_equal(tn_error_exit_status(&err), 1);
    }
}

static void test_code_names(void **state) {
    (void)state;
    assert_string_equal(tn_error_code_name(TN_OK), "ok");
    assert_string_equal(tn_error_code_name(TN_ERR_USAGE), "usage");
    assert_string_equal(tn_error_code_name(TN_ERR_INPUT), "input");
    assert_string_equal(tn_error_code_name(TN_ERR_DB), "database");
    assert_string_equal(tn_error_code_name(TN_ERR_INTERRUPTED), "interrupted");
    assert_string_equal(tn_error_code_name((tn_error_code)99), "unknown");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_set_formats_and_returns_false),
        cmocka_unit_test(test_prefix_adds_context_and_keeps_code),
        cmocka_unit_test(test_prefix_on_cleared_error_does_nothing),
        cmocka_unit_test(test_long_messages_are_truncated_not_overflowed),
        cmocka_unit_test(test_null_error_is_allowed),
        cmocka_unit_test(test_exit_status),
        cmocka_unit_test(test_code_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
