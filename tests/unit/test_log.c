/*
 * test_log.c — stderr messages and the progress line, with a fake clock and a
 * temporary file standing in for the terminal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common/log.h"

static double fake_now;

static double fake_clock(void) {
    return fake_now;
}

/* Everything written to `stream` so far, as a string (static storage). */
static const char *contents(FILE *stream) {
    static char text[4096];
    fflush(stream);
    long end = ftell(stream);
    rewind(stream);
    size_t n = fread(text, 1, sizeof text - 1, stream);
    text[n] = '\0';
    fseek(stream, end, SEEK_SET);
    return text;
}

static int setup(void **state) {
    FILE *stream = tmpfile();
    if (stream == NULL)
        return -1;
    fake_now = 100.0;
    *state = stream;
    return 0;
}

static int teardown(void **state) {
    fclose(*state);
    tn_log_configure(NULL, false, false, NULL);
    return 0;
}

static void test_info_warn_error(void **state) {
    FILE *stream = *state;
    tn_log_configure(stream, false, false, fake_clock);
    tn_log_info("built %d marts", 3);
    tn_log_warn("as-of date is in the future");
    tn_log_error("'%s' is not available yet", "train");
    assert_string_equal(contents(stream), "built 3 marts\n"
                                          "tenure: warning: as-of date is in the future\n"
                                          "tenure: 'train' is not available yet\n");
}

static void test_quiet_silences_info_only(void **state) {
    FILE *stream = *state;
    tn_log_configure(stream, true, true, fake_clock);
    assert_true(tn_log_is_quiet());
    tn_log_info("hidden");
    tn_log_error("shown");
    assert_string_equal(contents(stream), "tenure: shown\n");
}

static void test_progress_waits_one_second_then_draws(void **state) {
    FILE *stream = *state;
    tn_log_configure(stream, false, true, fake_clock);
    tn_progress progress;
    tn_progress_begin(&progress, "usage events", 1000);
    fake_now += 0.5;
    tn_progress_update(&progress, 100);
    assert_string_equal(contents(stream), ""); /* under a second: nothing */
    fake_now += 1.0;
    tn_progress_update(&progress, 500);
    /* 1.5 s for half the work: as long again to go (%.0f rounds 1.5 to even, 2) */
    assert_string_equal(contents(stream),
                        "\rusage events: 500 / 1.00k (50%)  1.5 s, about 2 s left\033[K");
    fake_now += 0.0625;
    tn_progress_update(&progress, 550); /* within 100 ms of the last draw: not redrawn */
    assert_null(strstr(contents(stream), "550"));
    fake_now += 0.125;
    tn_progress_update(&progress, 600);
    /* 1.6875 s for 600: 400 more at that pace take 1.125 s */
    assert_non_null(
        strstr(contents(stream), "\rusage events: 600 / 1.00k (60%)  1.7 s, about 1 s left\033[K"));
    double elapsed = tn_progress_end(&progress);
    assert_true(elapsed == 1.6875);
    const char *text = contents(stream);
    assert_string_equal(text + strlen(text) - 4, "\r\033[K"); /* the line is erased */
}

static void test_progress_unknown_total(void **state) {
    FILE *stream = *state;
    tn_log_configure(stream, false, true, fake_clock);
    tn_progress progress;
    tn_progress_begin(&progress, "rows", 0);
    fake_now += 2.0;
    tn_progress_update(&progress, 12345);
    assert_string_equal(contents(stream), "\rrows: 12.3k  2.0 s\033[K");
    tn_progress_end(&progress);
}

static void test_progress_off_a_terminal_one_line_per_phase(void **state) {
    FILE *stream = *state;
    tn_progress progress;
    tn_log_configure(stream, false, false, fake_clock); /* not a TTY */
    tn_progress_begin(&progress, "events", 10);
    fake_now += 5.0;
    tn_progress_update(&progress, 5);
    assert_string_equal(contents(stream), ""); /* nothing redrawn while it runs */
    tn_progress_end(&progress);
    assert_string_equal(contents(stream), "events in 5.0 s\n"); /* half of it: no count */
    tn_progress_begin(&progress, "quick", 10);                  /* under a second: no line */
    fake_now += 0.5;
    tn_progress_update(&progress, 10);
    tn_progress_end(&progress);
    tn_progress_begin(&progress, "rows", 0); /* no total known */
    fake_now += 90.0;
    tn_progress_update(&progress, 2500);
    tn_progress_end(&progress);
    tn_progress_begin(&progress, "all", 10); /* all of it done: the count */
    fake_now += 2.0;
    tn_progress_update(&progress, 10);
    tn_progress_end(&progress);
    assert_string_equal(contents(stream),
                        "events in 5.0 s\nrows: 2.50k in 90.0 s\nall: 10 / 10 (100%) in 2.0 s\n");
}

static void test_progress_silent_when_quiet(void **state) {
    FILE *stream = *state;
    tn_progress progress;
    tn_log_configure(stream, true, true, fake_clock); /* a TTY, but --quiet */
    tn_progress_begin(&progress, "events", 10);
    fake_now += 5.0;
    tn_progress_update(&progress, 5);
    tn_progress_end(&progress);
    tn_log_configure(stream, true, false, fake_clock); /* --quiet in a log */
    tn_progress_begin(&progress, "events", 10);
    fake_now += 5.0;
    tn_progress_update(&progress, 5);
    tn_progress_end(&progress);
    assert_string_equal(contents(stream), "");
}

static void test_progress_time_left_in_minutes_and_hours(void **state) {
    FILE *stream = *state;
    tn_log_configure(stream, false, true, fake_clock);
    tn_progress progress;
    tn_progress_begin(&progress, "events", 100);
    fake_now += 10.0;
    tn_progress_update(&progress, 10); /* 10 s for 10: 90 more take 90 s */
    assert_non_null(strstr(contents(stream), "(10%)  10.0 s, about 1 min 30 s left\033[K"));
    fake_now += 110.0;
    tn_progress_update(&progress, 3); /* 120 s for 3: 97 more take 3880 s */
    assert_non_null(strstr(contents(stream), "(3%)  120.0 s, about 1 h 04 min left\033[K"));
    fake_now += 1.0;
    tn_progress_update(&progress, 100); /* done: no time left is shown */
    assert_non_null(strstr(contents(stream), "(100%)  121.0 s\033[K"));
    tn_progress_end(&progress);
}

static void test_message_erases_progress_line_first(void **state) {
    FILE *stream = *state;
    tn_log_configure(stream, false, true, fake_clock);
    tn_progress progress;
    tn_progress_begin(&progress, "events", 10);
    fake_now += 2.0;
    tn_progress_update(&progress, 5);
    tn_log_warn("slow disk");
    assert_string_equal(
        contents(stream),
        "\revents: 5 / 10 (50%)  2.0 s, about 2 s left\033[K\r\033[Ktenure: warning: slow "
        "disk\n");
    tn_progress_end(&progress); /* nothing left to erase */
    assert_string_equal(contents(stream) + strlen(contents(stream)) - 5, "disk\n");
}

static void test_init_and_now(void **state) {
    (void)state;
    tn_log_init(true);
    assert_true(tn_log_is_quiet());
    tn_log_init(false);
    assert_false(tn_log_is_quiet());
    /* the real clock is monotonic and in seconds */
    double before = tn_log_now();
    double after = tn_log_now();
    assert_true(after >= before && after - before < 1.0);
    tn_log_configure(stderr, false, false, fake_clock);
    fake_now = 1234.5;
    assert_true(tn_log_now() == 1234.5);
}

static void test_format_count(void **state) {
    (void)state;
    char text[16];
    assert_string_equal(tn_format_count(0, text), "0");
    assert_string_equal(tn_format_count(950, text), "950");
    assert_string_equal(tn_format_count(999, text), "999");
    assert_string_equal(tn_format_count(1000, text), "1.00k");
    assert_string_equal(tn_format_count(12345, text), "12.3k");
    assert_string_equal(tn_format_count(123456, text), "123k");
    assert_string_equal(tn_format_count(999999, text), "1.00M");
    assert_string_equal(tn_format_count(4210000, text), "4.21M");
    assert_string_equal(tn_format_count(10100000, text), "10.1M");
    assert_string_equal(tn_format_count(1050000000, text), "1.05B");
    assert_string_equal(tn_format_count(UINT64_MAX, text), "18446744074B");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_info_warn_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quiet_silences_info_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_progress_waits_one_second_then_draws, setup, teardown),
        cmocka_unit_test_setup_teardown(test_progress_unknown_total, setup, teardown),
        cmocka_unit_test_setup_teardown(test_progress_off_a_terminal_one_line_per_phase, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_progress_time_left_in_minutes_and_hours, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_progress_silent_when_quiet, setup, teardown),
        cmocka_unit_test_setup_teardown(test_message_erases_progress_line_first, setup, teardown),
        cmocka_unit_test(test_init_and_now),
        cmocka_unit_test(test_format_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
