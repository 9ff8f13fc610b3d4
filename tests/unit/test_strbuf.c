/*
 * test_strbuf.c — growable strings: appends, growth, embedded NULs,
 * reset, detach and free.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/strbuf.h"

static void test_empty_buffer_reads_as_empty_string(void **state) {
    (void)state;
    tn_strbuf sb = TN_STRBUF_INIT;
    assert_string_equal(tn_strbuf_cstr(&sb), "");
    assert_int_equal(sb.length, 0);
    tn_strbuf_free(&sb);
}

static void test_puts_putc_printf(void **state) {
    (void)state;
    tn_strbuf sb = TN_STRBUF_INIT;
    assert_true(tn_strbuf_puts(&sb, "churn"));
    assert_true(tn_strbuf_putc(&sb, ' '));
    assert_true(tn_strbuf_printf(&sb, "%d%% of %s", 35, "starter"));
    assert_string_equal(tn_strbuf_cstr(&sb), "churn 35% of starter");
    assert_int_equal(sb.length, strlen("churn 35% of starter"));
    tn_strbuf_free(&sb);
}

static void test_printf_longer_than_initial_capacity(void **state) {
    (void)state;
    tn_strbuf sb = TN_STRBUF_INIT;
    char expected[1001];
    memset(expected, 'a', 1000);
    expected[1000] = '\0';
    assert_true(tn_strbuf_printf(&sb, "%s", expected));
    assert_string_equal(tn_strbuf_cstr(&sb), expected);
    assert_true(sb.capacity > 1000);
    tn_strbuf_free(&sb);
}

static void test_many_appends_keep_every_byte(void **state) {
    (void)state;
    tn_strbuf sb = TN_STRBUF_INIT;
    for (int i = 0; i < 10000; i++)
        assert_true(tn_strbuf_putc(&sb, (char)('a' + i % 26)));
    assert_int_equal(sb.length, 10000);
    for (int i = 0; i < 10000; i++)
        assert_int_equal(sb.data[i], 'a' + i % 26);
    assert_int_equal(sb.data[10000], '\0');
    tn_strbuf_free(&sb);
}

static void test_append_with_embedded_nul(void **state) {
    (void)state;
    tn_strbuf sb = TN_STRBUF_INIT;
    assert_true(tn_strbuf_append(&sb, "a\0b", 3));
    assert_int_equal(sb.length, 3);
    assert_memory_equal(sb.data, "a\0b\0", 4);
    assert_true(tn_strbuf_append(&sb, NULL, 0));
    assert_int_equal(sb.length, 3);
    tn_strbuf_free(&sb);
}

static void test_reset_keeps_capacity(void **state) {
    (void)state;
    tn_strbuf sb = TN_STRBUF_INIT;
    tn_strbuf_puts(&sb, "some text");
    size_t capacity = sb.capacity;
    tn_strbuf_reset(&sb);
    assert_string_equal(tn_strbuf_cstr(&sb), "");
    assert_int_equal(sb.capacity, capacity);
    tn_strbuf_puts(&sb, "new");
    assert_string_equal(tn_strbuf_cstr(&sb), "new");
    tn_strbuf_free(&sb);
}

static void test_detach_transfers_ownership(void **state) {
    (void)state;
    tn_strbuf sb = TN_STRBUF_INIT;
    tn_strbuf_puts(&sb, "owned");
    char *text = tn_strbuf_detach(&sb);
    assert_string_equal(text, "owned");
    assert_null(sb.data);
    assert_int_equal(sb.length, 0);
    free(text);
    char *empty = tn_strbuf_detach(&sb);
    assert_non_null(empty);
    assert_string_equal(empty, "");
    free(empty);
}

static void test_reserve_rejects_impossible_sizes(void **state) {
    (void)state;
    tn_strbuf sb = TN_STRBUF_INIT;
    tn_strbuf_puts(&sb, "kept");
    assert_false(tn_strbuf_reserve(&sb, SIZE_MAX));
    assert_string_equal(tn_strbuf_cstr(&sb), "kept");
    tn_strbuf_free(&sb);
    assert_null(sb.data);
    tn_strbuf_free(&sb); /* freeing twice is harmless */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_buffer_reads_as_empty_string),
        cmocka_unit_test(test_puts_putc_printf),
        cmocka_unit_test(test_printf_longer_than_initial_capacity),
        cmocka_unit_test(test_many_appends_keep_every_byte),
        cmocka_unit_test(test_append_with_embedded_nul),
        cmocka_unit_test(test_reset_keeps_capacity),
        cmocka_unit_test(test_detach_transfers_ownership),
        cmocka_unit_test(test_reserve_rejects_impossible_sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
