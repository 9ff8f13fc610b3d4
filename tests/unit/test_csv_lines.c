/*
 * test_csv_lines.c — mapping DuckDB's record numbering to the physical
 * lines of a CSV file: quoted line breaks, CRLF, a byte order mark, blank
 * lines, rejected records skipped when counting accepted rows; and the
 * file sets of load_files.h (header names, an increment's missing files).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <zlib.h>

#include "warehouse/csv_lines.h"
#include "warehouse/load_files.h"

static const tn_csv_dialect dialect = {.delimiter = ',', .quote = '"', .header = true};

static char path[64];

static void write_file(const char *contents, size_t length) {
    snprintf(path, sizeof path, "/tmp/tenure-csv-lines-%d.csv", (int)getpid());
    FILE *file = fopen(path, "wb");
    assert_non_null(file);
    assert_int_equal(fwrite(contents, 1, length, file), length);
    fclose(file);
}

static int teardown(void **state) {
    (void)state;
    unlink(path);
    return 0;
}

static void test_plain_file(void **state) {
    (void)state;
    const char text[] = "a,b\n1,x\n2,y\n3,z\n";
    write_file(text, sizeof text - 1);
    tn_csv_lookup lookups[] = {{-1, 0, 0, NULL}, {-1, 2, 0, NULL}, {-1, 3, 0, NULL}};
    int64_t records = 0;
    assert_true(tn_csv_locate(path, &dialect, NULL, 0, lookups, 3, &records, NULL));
    assert_int_equal(records, 3);
    assert_int_equal(lookups[0].line, 2);
    assert_string_equal(lookups[0].text, "1,x");
    assert_int_equal(lookups[1].line, 4);
    assert_string_equal(lookups[1].text, "3,z");
    assert_int_equal(lookups[2].line, -1); /* there is no fourth row */
    assert_null(lookups[2].text);
    free(lookups[0].text);
    free(lookups[1].text);
}

/* BOM, CRLF, a quoted field spanning two lines with a comma and an escaped quote, a blank line. */
static void test_quotes_crlf_bom_and_blank_lines(void **state) {
    (void)state;
    const char text[] = "\xEF\xBB\xBF"
                        "id,note\r\n"                            /* line 1, DuckDB line 1 */
                        "1,\"two\r\nlines, \"\"quoted\"\"\"\r\n" /* lines 2-3, DuckDB line 2 */
                        "2,plain\r\n"                            /* line 4, DuckDB line 3 */
                        "\r\n"                                   /* line 5: blank, DuckDB line 4 */
                        "bad\r\n" /* line 6, DuckDB line 5 (rejected) */
                        "3,last"; /* line 7, DuckDB line 6, no newline */
    write_file(text, sizeof text - 1);
    const int64_t rejected[] = {5};
    tn_csv_lookup lookups[] = {
        {-1, 0, 0, NULL}, /* first accepted row */
        {-1, 1, 0, NULL}, /* second accepted row */
        {-1, 2, 0, NULL}, /* third accepted row: after the rejected one */
        {5, -1, 0, NULL}, /* the rejected record */
    };
    int64_t records = 0;
    assert_true(tn_csv_locate(path, &dialect, rejected, 1, lookups, 4, &records, NULL));
    assert_int_equal(records, 4); /* 3 accepted + 1 rejected */
    assert_int_equal(lookups[0].line, 2);
    assert_string_equal(lookups[0].text, "1,\"two\nlines, \"\"quoted\"\"\"");
    assert_int_equal(lookups[1].line, 4);
    assert_int_equal(lookups[2].line, 7);
    assert_string_equal(lookups[2].text, "3,last");
    assert_int_equal(lookups[3].line, 6);
    assert_string_equal(lookups[3].text, "bad");
    for (int i = 0; i < 4; i++)
        free(lookups[i].text);
}

static void test_long_records_are_cut_and_lookups_in_any_order(void **state) {
    (void)state;
    char text[4000];
    int n = snprintf(text, sizeof text, "a\n");
    for (int i = 0; i < 2000; i++)
        text[n++] = 'x';
    n += snprintf(text + n, sizeof text - (size_t)n, "\nshort\n");
    write_file(text, (size_t)n);
    tn_csv_lookup lookups[] = {{-1, 1, 0, NULL}, {-1, 0, 0, NULL}};
    int64_t records = 0;
    assert_true(tn_csv_locate(path, &dialect, NULL, 0, lookups, 2, &records, NULL));
    assert_int_equal(lookups[0].line, 3);
    assert_string_equal(lookups[0].text, "short");
    assert_int_equal(lookups[1].line, 2);
    assert_int_equal(strlen(lookups[1].text), 1000);
    free(lookups[0].text);
    free(lookups[1].text);
}

/* A gzip'd TSV: zlib reads it; tabs separate fields, a quoted tab is not a separator. */
static void test_gzip_tsv(void **state) {
    (void)state;
    snprintf(path, sizeof path, "/tmp/tenure-csv-lines-%d.tsv.gz", (int)getpid());
    gzFile file = gzopen(path, "wb");
    assert_non_null(file);
    const char text[] = "a\tb\n1\t\"x\ty\"\n2\t\"two\nlines\"\n3\tz\n";
    assert_int_equal(gzwrite(file, text, sizeof text - 1), (int)(sizeof text - 1));
    gzclose(file);
    const tn_csv_dialect tsv = {.delimiter = '\t', .quote = '"', .header = true};
    tn_csv_lookup lookups[] = {{-1, 2, 0, NULL}, {-1, 1, 0, NULL}};
    int64_t records = 0;
    assert_true(tn_csv_locate(path, &tsv, NULL, 0, lookups, 2, &records, NULL));
    assert_int_equal(records, 3);
    assert_int_equal(lookups[0].line, 5); /* row 3 starts after the quoted line break */
    assert_string_equal(lookups[0].text, "3\tz");
    assert_int_equal(lookups[1].line, 3);
    free(lookups[0].text);
    free(lookups[1].text);
}

/* JSON lines: no header, no quoting (a " inside JSON is not CSV quoting), blank lines skipped. */
static void test_json_lines(void **state) {
    (void)state;
    const char text[] = "{\"a\":\"x,\\\"y\"}\n\n{\"a\":2}\n{not json\n";
    write_file(text, sizeof text - 1);
    const tn_csv_dialect lines = {.delimiter = '\x01', .quote = 0, .header = false};
    tn_csv_lookup lookups[] = {{-1, 0, 0, NULL}, {-1, 2, 0, NULL}};
    int64_t records = 0;
    assert_true(tn_csv_locate(path, &lines, NULL, 0, lookups, 2, &records, NULL));
    assert_int_equal(records, 3);
    assert_int_equal(lookups[0].line, 1);
    assert_int_equal(lookups[1].line, 4);
    assert_string_equal(lookups[1].text, "{not json");
    free(lookups[0].text);
    free(lookups[1].text);
}

/* The record text kept for raw.rejects is valid UTF-8 whatever the file holds. */
static void test_bad_bytes_are_shown(void **state) {
    (void)state;
    const char text[] = "a,b\n1,x\xff\n2,y\0z\n";
    write_file(text, sizeof text - 1);
    tn_csv_lookup lookups[] = {{-1, 0, 0, NULL}, {-1, 1, 0, NULL}};
    int64_t records = 0;
    assert_true(tn_csv_locate(path, &dialect, NULL, 0, lookups, 2, &records, NULL));
    assert_string_equal(lookups[0].text, "1,x\\xff");
    assert_string_equal(lookups[1].text, "2,y\\0z");
    free(lookups[0].text);
    free(lookups[1].text);
}

/*
 * Bytes shaped like UTF-8 that are not well formed (a surrogate, an
 * overlong form, a lead byte past U+10FFFF) are escaped too: DuckDB refuses
 * them in a VARCHAR, and `tenure validate` failed with "Invalid unicode
 * detected" instead of reporting the record (found by fuzz_csv_lines).
 */
static void test_ill_formed_sequences_are_shown(void **state) {
    (void)state;
    const char text[] =
        "a,b\n1,x\xed\xa0\x80\n2,\xe0\x80\x80\xf5\x80\x80\x80\n3,\xf4\x90\x80\x80\xc3\xa9\n";
    write_file(text, sizeof text - 1);
    tn_csv_lookup lookups[] = {{-1, 0, 0, NULL}, {-1, 1, 0, NULL}, {-1, 2, 0, NULL}};
    int64_t records = 0;
    assert_true(tn_csv_locate(path, &dialect, NULL, 0, lookups, 3, &records, NULL));
    assert_string_equal(lookups[0].text, "1,x\\xed\\xa0\\x80");
    assert_string_equal(lookups[1].text, "2,\\xe0\\x80\\x80\\xf5\\x80\\x80\\x80");
    assert_string_equal(lookups[2].text, "3,\\xf4\\x90\\x80\\x80\xc3\xa9"); /* é is kept */
    for (int i = 0; i < 3; i++)
        free(lookups[i].text);
}

/* Header lines split on the delimiter, quotes removed ("" is a quote), names trimmed. */
static void test_split_header(void **state) {
    (void)state;
    char *names[8];
    int count =
        tn_load_split_header(" Id ;\"Account: \"\"Name\"\"\";MRR (€);\r", ';', '"', names, 8);
    assert_int_equal(count, 4);
    assert_string_equal(names[0], "Id");
    assert_string_equal(names[1], "Account: \"Name\"");
    assert_string_equal(names[2], "MRR (€)");
    assert_string_equal(names[3], "");
    for (int i = 0; i < count; i++)
        free(names[i]);
    count = tn_load_split_header("a\tb c\t", '\t', 0, names, 8);
    assert_int_equal(count, 3);
    assert_string_equal(names[1], "b c");
    for (int i = 0; i < count; i++)
        free(names[i]);
}

/* An increment's table keeps the files that exist: missing paths and unmatched globs are forgotten.
 */
static void test_forget_missing_files(void **state) {
    (void)state;
    tn_load_file_set set = {.files = calloc(3, sizeof(tn_load_file)), .count = 3};
    assert_non_null(set.files);
    const char *paths[] = {"inc/a.csv", "inc/b.csv", "inc/c.csv"};
    for (size_t f = 0; f < 3; f++) {
        set.files[f].path = strdup(paths[f]);
        set.files[f].display = strdup(paths[f] + 4);
    }
    set.files[0].problem = strdup("no such file: inc/a.csv");
    set.files[0].problem_kind = "missing file";
    set.files[2].problem = strdup("the file is empty: a header line was expected");
    set.files[2].problem_kind = "empty file";
    set.problem = strdup("events-*.csv");
    tn_load_files_forget_missing(&set);
    assert_int_equal(set.count, 2);
    assert_null(set.problem);
    assert_string_equal(set.files[0].display, "b.csv");
    assert_null(set.files[0].problem);
    assert_string_equal(set.files[1].display, "c.csv");
    assert_string_equal(set.files[1].problem_kind, "empty file");
    tn_load_files_free(&set);
    assert_int_equal(set.count, 0);
}

static void test_missing_file(void **state) {
    (void)state;
    int64_t records;
    tn_error err;
    assert_false(tn_csv_locate("/nonexistent/x.csv", &dialect, NULL, 0, NULL, 0, &records, &err));
    assert_int_equal(err.code, TN_ERR_IO);
    assert_non_null(strstr(err.message, "/nonexistent/x.csv"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_plain_file, teardown),
        cmocka_unit_test_teardown(test_quotes_crlf_bom_and_blank_lines, teardown),
        cmocka_unit_test_teardown(test_long_records_are_cut_and_lookups_in_any_order, teardown),
        cmocka_unit_test_teardown(test_gzip_tsv, teardown),
        cmocka_unit_test_teardown(test_json_lines, teardown),
        cmocka_unit_test_teardown(test_bad_bytes_are_shown, teardown),
        cmocka_unit_test_teardown(test_ill_formed_sequences_are_shown, teardown),
        cmocka_unit_test(test_split_header),
        cmocka_unit_test(test_forget_missing_files),
        cmocka_unit_test(test_missing_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
