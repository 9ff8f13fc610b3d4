/*
 * test_alloc.c — tn_alloc_array: a normal array is zeroed and usable, a
 * count of zero still gives memory to free, and a count × size that
 * overflows is TN_ERR_NOMEM naming what was being allocated.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/alloc.h"

static void test_normal_array_is_zeroed(void **state) {
    (void)state;
    tn_error err;
    tn_error_clear(&err);
    double *values = tn_alloc_array(1000, sizeof *values, "values", &err);
    assert_non_null(values);
    for (size_t i = 0; i < 1000; i++)
        assert_true(values[i] == 0.0);
    values[999] = 1.5; /* the whole array is writable (ASan would catch an overrun) */
    assert_int_equal(err.code, TN_OK);
    free(values);
}

static void test_zero_count_gives_memory_to_free(void **state) {
    (void)state;
    tn_error err;
    tn_error_clear(&err);
    int *none = tn_alloc_array(0, sizeof *none, "nothing", &err);
    assert_non_null(none);
    assert_int_equal(err.code, TN_OK);
    free(none);
    char *sizeless = tn_alloc_array(4, 0, "empty elements", &err);
    assert_non_null(sizeless);
    assert_int_equal(err.code, TN_OK);
    free(sizeless);
}

static void test_overflow_is_out_of_memory_naming_what(void **state) {
    (void)state;
    tn_error err;
    tn_error_clear(&err);
    void *huge = tn_alloc_array(SIZE_MAX / 8 + 1, 8, "survival times", &err);
    assert_null(huge);
    assert_int_equal(err.code, TN_ERR_NOMEM);
    assert_non_null(strstr(err.message, "survival times"));
    assert_non_null(strstr(err.message, "overflow"));

    tn_error_clear(&err);
    assert_null(tn_alloc_array(SIZE_MAX, SIZE_MAX, "cells", &err));
    assert_int_equal(err.code, TN_ERR_NOMEM);
    assert_non_null(strstr(err.message, "cells"));

    /* one past the largest count that fits: (SIZE_MAX / 2 + 1) * 2 wraps to 0 */
    tn_error_clear(&err);
    assert_null(tn_alloc_array(SIZE_MAX / 2 + 1, 2, "pairs", &err));
    assert_int_equal(err.code, TN_ERR_NOMEM);
}

static void test_null_error_is_allowed(void **state) {
    (void)state;
    assert_null(tn_alloc_array(SIZE_MAX, 2, "ignored", NULL));
    int *one = tn_alloc_array(1, sizeof *one, "one", NULL);
    assert_non_null(one);
    free(one);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normal_array_is_zeroed),
        cmocka_unit_test(test_zero_count_gives_memory_to_free),
        cmocka_unit_test(test_overflow_is_out_of_memory_naming_what),
        cmocka_unit_test(test_null_error_is_allowed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
