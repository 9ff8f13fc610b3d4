/*
 * test_cli_args.c — option tables: parsing each kind of value, the errors
 * (usage errors exit 2, bad values exit 1, each naming option and value),
 * positional arguments and the help screen.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cli/cli_args.h"

static struct {
    long customers;
    const char *db;
    tn_day as_of;
    bool lenient;
    tn_arg_list origins;
    double share;
} opts;

static const tn_arg args[] = {
    {"customers", TN_ARG_INT, "N", "number of customers (default 5000)", &opts.customers, 1,
     1000000},
    {"db", TN_ARG_STRING, "FILE", "warehouse file", &opts.db, 0, 0},
    {"as-of", TN_ARG_DATE, "D", "as-of date", &opts.as_of, 0, 0},
    {"lenient", TN_ARG_FLAG, NULL, "keep going", &opts.lenient, 0, 0},
    {"cors-origin", TN_ARG_LIST, "ORIGIN", "allowed origin", &opts.origins, 0, 0},
    {"share", TN_ARG_NUMBER, "X", "a share", &opts.share, 0, 1},
    {NULL, TN_ARG_FLAG, NULL, NULL, NULL, 0, 0},
};

static const tn_arg_spec spec = {"demo", args, "SQL", 0, 1};

static int reset(void **state) {
    (void)state;
    memset(&opts, 0, sizeof opts);
    opts.customers = 5000;
    return 0;
}

/* Parses a NULL-terminated list of words (the command name first). */
static tn_args_result parse(char **words, int *positional_count, tn_args_common *common,
                            tn_error *err) {
    int argc = 0;
    while (words[argc] != NULL)
        argc++;
    tn_error_clear(err);
    return tn_args_parse(&spec, argc, words, positional_count, common, err);
}

static void test_every_kind_of_value(void **state) {
    (void)state;
    char *words[] = {
        "demo",      "--customers",   "250",      "--db=data/w.duckdb",     "--as-of", "2024-02-29",
        "--lenient", "--cors-origin", "http://a", "--cors-origin=http://b", "--share", "0.05",
        NULL};
    int count = -1;
    tn_args_common common = {false, 0};
    tn_error err;
    assert_int_equal(parse(words, &count, &common, &err), TN_ARGS_OK);
    assert_int_equal(opts.customers, 250);
    assert_string_equal(opts.db, "data/w.duckdb");
    assert_int_equal(opts.as_of, 19782);
    assert_true(opts.lenient);
    assert_int_equal(opts.origins.count, 2);
    assert_string_equal(opts.origins.items[0], "http://a");
    assert_string_equal(opts.origins.items[1], "http://b");
    assert_true(opts.share == 0.05);
    assert_int_equal(count, 0);
    assert_false(common.quiet);
}

static void test_defaults_survive_when_not_given(void **state) {
    (void)state;
    char *words[] = {"demo", NULL};
    int count;
    tn_args_common common = {false, 0};
    tn_error err;
    assert_int_equal(parse(words, &count, &common, &err), TN_ARGS_OK);
    assert_int_equal(opts.customers, 5000);
    assert_null(opts.db);
}

static void test_positionals_are_collected_in_order(void **state) {
    (void)state;
    char *words[] = {"demo", "--lenient", "SELECT 1", "--", NULL};
    int count = 0;
    tn_args_common common = {false, 0};
    tn_error err;
    assert_int_equal(parse(words, &count, &common, &err), TN_ARGS_OK);
    assert_int_equal(count, 1);
    assert_string_equal(words[1], "SELECT 1");
}

static void test_double_dash_ends_options(void **state) {
    (void)state;
    char *words[] = {"demo", "--", "--lenient", NULL};
    int count = 0;
    tn_args_common common = {false, 0};
    tn_error err;
    assert_int_equal(parse(words, &count, &common, &err), TN_ARGS_OK);
    assert_int_equal(count, 1);
    assert_string_equal(words[1], "--lenient");
    assert_false(opts.lenient);
}

static void test_quiet_and_help(void **state) {
    (void)state;
    char *quiet_words[] = {"demo", "-q", NULL};
    char *help_words[] = {"demo", "--customers", "3", "--help", NULL};
    int count;
    tn_args_common common = {false, 0};
    tn_error err;
    assert_int_equal(parse(quiet_words, &count, &common, &err), TN_ARGS_OK);
    assert_true(common.quiet);
    assert_int_equal(parse(help_words, &count, &common, &err), TN_ARGS_HELP);
    assert_true(tn_args_wants_help(4, help_words));
    char *not_help[] = {"demo", "--", "--help", NULL};
    assert_false(tn_args_wants_help(3, not_help));
}

/* Expects `words` to fail with `code` and a message holding both needles. */
static void assert_rejected(char **words, tn_error_code code, const char *needle1,
                            const char *needle2) {
    int count;
    tn_args_common common = {false, 0};
    tn_error err;
    assert_int_equal(parse(words, &count, &common, &err), TN_ARGS_ERROR);
    assert_int_equal(err.code, code);
    if (strstr(err.message, needle1) == NULL || strstr(err.message, needle2) == NULL)
        fail_msg("message \"%s\" lacks \"%s\" or \"%s\"", err.message, needle1, needle2);
}

static void test_usage_errors(void **state) {
    (void)state;
    char *unknown[] = {"demo", "--frobnicate=1", NULL};
    assert_rejected(unknown, TN_ERR_USAGE, "unknown option '--frobnicate'", "tenure demo --help");
    char *short_unknown[] = {"demo", "-x", NULL};
    assert_rejected(short_unknown, TN_ERR_USAGE, "'-x'", "tenure demo");
    char *missing[] = {"demo", "--customers", NULL};
    assert_rejected(missing, TN_ERR_USAGE, "--customers needs a value", "(N)");
    char *flag_value[] = {"demo", "--lenient=yes", NULL};
    assert_rejected(flag_value, TN_ERR_USAGE, "--lenient", "takes no value");
    char *too_many[] = {"demo", "SELECT 1", "SELECT 2", NULL};
    assert_rejected(too_many, TN_ERR_USAGE, "too many arguments", "'SELECT 2'");
}

static void test_bad_values_name_option_and_value(void **state) {
    (void)state;
    char *zero[] = {"demo", "--customers", "0", NULL};
    assert_rejected(zero, TN_ERR_INPUT, "--customers", "got '0'");
    char *negative[] = {"demo", "--customers", "-5", NULL};
    assert_rejected(negative, TN_ERR_INPUT, "--customers", "got '-5'");
    char *word[] = {"demo", "--customers=abc", NULL};
    assert_rejected(word, TN_ERR_INPUT, "from 1 to 1000000", "got 'abc'");
    char *trailing[] = {"demo", "--customers", "12x", NULL};
    assert_rejected(trailing, TN_ERR_INPUT, "--customers", "got '12x'");
    char *huge[] = {"demo", "--customers", "99999999999999999999999", NULL};
    assert_rejected(huge, TN_ERR_INPUT, "--customers", "99999999999999999999999");
    char *date[] = {"demo", "--as-of", "2026-02-30", NULL};
    assert_rejected(date, TN_ERR_INPUT, "tenure demo: --as-of: '2026-02-30'", "28 days");
    char *empty[] = {"demo", "--db", "", NULL};
    assert_rejected(empty, TN_ERR_INPUT, "--db", "empty value");
    char *above[] = {"demo", "--share", "1.5", NULL};
    assert_rejected(above, TN_ERR_INPUT, "--share: expected a number from 0 to 1", "got '1.5'");
    char *not_a_number[] = {"demo", "--share=nan", NULL};
    assert_rejected(not_a_number, TN_ERR_INPUT, "--share", "got 'nan'");
    char *half[] = {"demo", "--share", "0.5x", NULL};
    assert_rejected(half, TN_ERR_INPUT, "--share", "got '0.5x'");
}

/* --memory-limit is every command's: parsed to bytes, refused with the option and the value. */
static void test_memory_limit(void **state) {
    (void)state;
    char *words[] = {"demo", "--memory-limit", "1.5GiB", "--customers", "7", NULL};
    int count;
    tn_args_common common = {false, 0};
    tn_error err;
    assert_int_equal(parse(words, &count, &common, &err), TN_ARGS_OK);
    assert_true(common.memory_limit == 1610612736ULL);
    assert_int_equal(opts.customers, 7);
    char *equals[] = {"demo", "--memory-limit=512MB", NULL};
    assert_int_equal(parse(equals, &count, &common, &err), TN_ARGS_OK);
    assert_true(common.memory_limit == 512000000ULL);
    char *unit_missing[] = {"demo", "--memory-limit", "1024", NULL};
    assert_rejected(unit_missing, TN_ERR_INPUT, "tenure demo: --memory-limit: expected a size",
                    "got '1024'");
    char *tiny[] = {"demo", "--memory-limit", "10MB", NULL};
    assert_rejected(tiny, TN_ERR_INPUT, "tenure demo: --memory-limit: '10MB'", "at least 64 MB");
    char *missing[] = {"demo", "--memory-limit", NULL};
    assert_rejected(missing, TN_ERR_USAGE, "--memory-limit needs a value", "(SIZE)");
}

static void test_list_limit(void **state) {
    (void)state;
    char *words[2 + 2 * (TN_ARG_LIST_MAX + 1) + 1];
    int n = 0;
    words[n++] = "demo";
    for (int i = 0; i <= TN_ARG_LIST_MAX; i++) {
        words[n++] = "--cors-origin";
        words[n++] = "http://x";
    }
    words[n] = NULL;
    assert_rejected(words, TN_ERR_USAGE, "--cors-origin", "at most 16");
}

static void test_required_positional(void **state) {
    (void)state;
    static const tn_arg_spec needs_sql = {"sql", NULL, "\"SELECT ...\"", 1, 1};
    char *words[] = {"sql", NULL};
    int count;
    tn_args_common common = {false, 0};
    tn_error err;
    tn_error_clear(&err);
    assert_int_equal(tn_args_parse(&needs_sql, 1, words, &count, &common, &err), TN_ARGS_ERROR);
    assert_int_equal(err.code, TN_ERR_USAGE);
    assert_non_null(strstr(err.message, "missing \"SELECT ...\""));
}

static void test_help_lists_every_option(void **state) {
    (void)state;
    FILE *out = tmpfile();
    assert_non_null(out);
    tn_args_print_synopsis(&spec, out);
    fputc('\n', out);
    tn_args_print_options(&spec, out);
    rewind(out);
    char text[4096];
    size_t n = fread(text, 1, sizeof text - 1, out);
    text[n] = '\0';
    fclose(out);
    assert_non_null(strstr(text, "tenure demo [options] [SQL]\n"));
    for (const tn_arg *arg = args; arg->name != NULL; arg++) {
        char line[128];
        snprintf(line, sizeof line, "--%s%s%s", arg->name, arg->metavar ? " " : "",
                 arg->metavar ? arg->metavar : "");
        if (strstr(text, line) == NULL || strstr(text, arg->help) == NULL)
            fail_msg("help lacks \"%s\": %s", line, text);
    }
    assert_non_null(strstr(text, "-q, --quiet"));
    assert_non_null(strstr(text, "-h, --help"));
    assert_non_null(strstr(text, "--memory-limit SIZE"));
    assert_non_null(strstr(text, "TENURE_MEMORY_LIMIT"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_every_kind_of_value, reset),
        cmocka_unit_test_setup(test_defaults_survive_when_not_given, reset),
        cmocka_unit_test_setup(test_positionals_are_collected_in_order, reset),
        cmocka_unit_test_setup(test_double_dash_ends_options, reset),
        cmocka_unit_test_setup(test_quiet_and_help, reset),
        cmocka_unit_test_setup(test_usage_errors, reset),
        cmocka_unit_test_setup(test_bad_values_name_option_and_value, reset),
        cmocka_unit_test_setup(test_memory_limit, reset),
        cmocka_unit_test_setup(test_list_limit, reset),
        cmocka_unit_test_setup(test_required_positional, reset),
        cmocka_unit_test_setup(test_help_lists_every_option, reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
