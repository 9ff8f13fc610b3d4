/*
 * test_template.c — rendering dbt-style {{ ref() }}, {{ source() }},
 * {{ var() }} and {# comments #}, and rejecting every other template form
 * with the file and line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "warehouse/template.h"

/* Renders ref(x) as <x>, source(a, b) as [a.b], var(x) as $x. */
static bool resolve(void *context, const tn_template_expression *e, tn_strbuf *out, tn_error *err) {
    (void)err;
    int *calls = context;
    (*calls)++;
    if (out == NULL) /* scanning: nothing to write */
        return true;
    switch (e->kind) {
    case TN_TEMPLATE_REF:
        return tn_strbuf_printf(out, "<%s>", e->first);
    case TN_TEMPLATE_SOURCE:
        return tn_strbuf_printf(out, "[%s.%s]", e->first, e->second);
    case TN_TEMPLATE_VAR:
        return tn_strbuf_printf(out, "$%s@%d", e->first, e->line);
    }
    return false;
}

static void assert_renders(const char *text, const char *expected) {
    tn_strbuf out = TN_STRBUF_INIT;
    tn_error err;
    tn_error_clear(&err);
    int calls = 0;
    if (!tn_template_render("m.sql", text, resolve, &calls, &out, &err))
        fail_msg("render failed: %s", err.message);
    assert_string_equal(tn_strbuf_cstr(&out), expected);
    tn_strbuf_free(&out);
}

static void assert_rejected(const char *text, const char *needle) {
    tn_strbuf out = TN_STRBUF_INIT;
    tn_error err;
    tn_error_clear(&err);
    int calls = 0;
    assert_false(tn_template_render("sql/marts/m.sql", text, resolve, &calls, &out, &err));
    assert_int_equal(err.code, TN_ERR_INPUT);
    if (strstr(err.message, needle) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", err.message, needle);
    tn_strbuf_free(&out);
}

static void test_expressions_are_replaced(void **state) {
    (void)state;
    assert_renders("SELECT * FROM {{ ref('stg_customers') }}", "SELECT * FROM <stg_customers>");
    assert_renders("FROM {{source('raw','usage_events')}} x", "FROM [raw.usage_events] x");
    assert_renders("FROM {{  source( \"raw\" ,  \"customers\" )  }}", "FROM [raw.customers]");
    assert_renders("DATE '{{ var('as_of') }}'", "DATE '$as_of@1'");
    assert_renders("a\nb\n{{ var(\"as_of\") }}", "a\nb\n$as_of@3"); /* the line is counted */
}

static void test_plain_sql_and_comments_pass_through(void **state) {
    (void)state;
    assert_renders("SELECT {'a': 1} AS s, '{' AS brace", "SELECT {'a': 1} AS s, '{' AS brace");
    assert_renders("SELECT 1 {# a dbt comment {{ ref('x') }} #} + 2", "SELECT 1  + 2");
    assert_renders("", "");
}

static void test_unsupported_forms_name_file_and_line(void **state) {
    (void)state;
    assert_rejected("SELECT\n{{ config(materialized='table') }}",
                    "sql/marts/m.sql:2: unsupported template expression");
    assert_rejected("{% if true %}x{% endif %}", "sql/marts/m.sql:1: unsupported template tag");
    assert_rejected("SELECT {{ ref('x')", "sql/marts/m.sql:1: '{{' is never closed");
    assert_rejected("{{ ref(x) }}", "expected a quoted name");
    assert_rejected("{{ ref('') }}", "unterminated or empty name");
    assert_rejected("{{ source('raw') }}", "source() takes two names");
    assert_rejected("{{ ref('a') | upper }}", "expected ')' to close ref");
    assert_rejected("{{ ref 'a' }}", "expected '(' after ref");
}

static void test_scan_visits_every_expression(void **state) {
    (void)state;
    tn_error err;
    int calls = 0;
    assert_true(tn_template_scan("m.sql", "{{ ref('a') }} {{ source('raw','b') }} {{ var('c') }}",
                                 resolve, &calls, &err));
    assert_int_equal(calls, 3);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expressions_are_replaced),
        cmocka_unit_test(test_plain_sql_and_comments_pass_through),
        cmocka_unit_test(test_unsupported_forms_name_file_and_line),
        cmocka_unit_test(test_scan_visits_every_expression),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
