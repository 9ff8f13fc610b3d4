/*
 * test_template.c — rendering dbt-style {{ ref() }}, {{ source() }},
 * {{ var() }}, the dialect macros (dialect.h) for DuckDB and PostgreSQL, and
 * {# comments #}, and rejecting every other template form with the file and
 * line. The expected SQL is written out by hand from dialect.h's definitions.
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
    if (!tn_template_render("m.sql", text, TN_DIALECT_DUCKDB, resolve, &calls, &out, &err))
        fail_msg("render failed: %s", err.message);
    assert_string_equal(tn_strbuf_cstr(&out), expected);
    tn_strbuf_free(&out);
}

/* Renders for `dialect`, each var(x) as the value "2026-03-14" of every variable. */
static bool resolve_date(void *context, const tn_template_expression *e, tn_strbuf *out,
                         tn_error *err) {
    (void)context, (void)err;
    if (out == NULL)
        return true;
    return e->kind == TN_TEMPLATE_VAR ? tn_strbuf_puts(out, "2026-03-14")
                                      : tn_strbuf_printf(out, "<%s>", e->first);
}

static void assert_renders_for(tn_dialect dialect, const char *text, const char *expected) {
    tn_strbuf out = TN_STRBUF_INIT;
    tn_error err;
    tn_error_clear(&err);
    if (!tn_template_render("m.sql", text, dialect, resolve_date, NULL, &out, &err))
        fail_msg("render failed: %s", err.message);
    assert_string_equal(tn_strbuf_cstr(&out), expected);
    tn_strbuf_free(&out);
}

static void assert_macro_rejected(const char *text, const char *needle) {
    tn_strbuf out = TN_STRBUF_INIT;
    tn_error err;
    tn_error_clear(&err);
    assert_false(tn_template_render("sql/marts/m.sql", text, TN_DIALECT_POSTGRES, resolve_date,
                                    NULL, &out, &err));
    assert_int_equal(err.code, TN_ERR_INPUT);
    if (strstr(err.message, needle) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", err.message, needle);
    tn_strbuf_free(&out);
}

static void assert_rejected(const char *text, const char *needle) {
    tn_strbuf out = TN_STRBUF_INIT;
    tn_error err;
    tn_error_clear(&err);
    int calls = 0;
    assert_false(tn_template_render("sql/marts/m.sql", text, TN_DIALECT_DUCKDB, resolve, &calls,
                                    &out, &err));
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
    assert_rejected("{{ ref('a') | upper }}", "expected '}}' after ref(...), not '| upper'");
    assert_rejected("{{ ref 'a' }}", "expected '(' after ref");
}

static void test_scan_visits_every_expression(void **state) {
    (void)state;
    tn_error err;
    int calls = 0;
    assert_true(tn_template_scan("m.sql", "{{ ref('a') }} {{ source('raw','b') }} {{ var('c') }}",
                                 resolve, &calls, &err));
    assert_int_equal(calls, 3);
    /* a var() inside a macro's arguments is visited too */
    calls = 0;
    assert_true(tn_template_scan("m.sql", "{{ dateadd('day', 90, date_literal(var('as_of'))) }}",
                                 resolve, &calls, &err));
    assert_int_equal(calls, 1);
}

/* The macros, written out by hand for each engine from dialect.h's definitions. */
static void test_macros_for_each_dialect(void **state) {
    (void)state;
    const tn_dialect both[] = {TN_DIALECT_DUCKDB, TN_DIALECT_POSTGRES};
    for (int d = 0; d < 2; d++) {
        assert_renders_for(both[d], "{{ dateadd('day', -30, 'p.as_of') }}", "(p.as_of - 30)");
        assert_renders_for(both[d], "{{ dateadd('day', 90, date_literal(var('as_of'))) }}",
                           "(DATE '2026-03-14' + 90)");
        assert_renders_for(both[d], "{{dateadd(\"day\",'n + 1','d')}}", "(d + (n + 1))");
        assert_renders_for(both[d], "{{ dateadd('hour', 'resolution_time', 'created_date') }}",
                           "(created_date + (resolution_time) * INTERVAL '1 hour')");
        assert_renders_for(both[d], "{{ datediff('c.signup_date', 'p.as_of', 'day') }}",
                           "(CAST(p.as_of AS DATE) - CAST(c.signup_date AS DATE))");
        assert_renders_for(both[d], "x < {{ date_literal(var('as_of')) }};",
                           "x < DATE '2026-03-14';");
        assert_renders_for(both[d], "{{ date_literal('1999-12-31') }}", "DATE '1999-12-31'");
    }
    assert_renders_for(TN_DIALECT_DUCKDB, "{{ hash64('event_id') }}", "hash(event_id)");
    assert_renders_for(TN_DIALECT_POSTGRES, "{{ hash64('event_id') }}",
                       "hashtextextended(event_id, 0)");
}

static void test_macro_misuse_names_file_and_line(void **state) {
    (void)state;
    assert_macro_rejected("\n{{ dateadd('week', 1, 'd') }}",
                          "sql/marts/m.sql:2: dateadd() takes the date part 'day'");
    assert_macro_rejected("{{ datediff('a', 'b', 'month') }}",
                          "datediff() takes the date part 'day' only");
    assert_macro_rejected("{{ date_literal('14/03/2026') }}", "YYYY-MM-DD, not '14/03/2026'");
    assert_macro_rejected("{{ dateadd('day', 1) }}", "dateadd() takes 3 arguments");
    assert_macro_rejected("{{ hash64('a', 'b') }}", "hash64() takes 1 argument");
    assert_macro_rejected("{{ dbt_utils.star('x') }}", "expected '(' after dbt_utils");
    assert_macro_rejected("{{ dateadd(day, 1, 'd') }}",
                          "expected a quoted name, a number or a call, not 'day'");
    assert_macro_rejected("{{ current_timestamp() }}",
                          "unsupported template expression 'current_timestamp()'");
    assert_macro_rejected("{{ ref(var('x')) }}", "expected a quoted name");
    assert_macro_rejected("{{ 'x' }}", "a call is expected");
    assert_macro_rejected("{{ dateadd('day', 1, 'd' }}", "expected ')' to close dateadd");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expressions_are_replaced),
        cmocka_unit_test(test_plain_sql_and_comments_pass_through),
        cmocka_unit_test(test_unsupported_forms_name_file_and_line),
        cmocka_unit_test(test_scan_visits_every_expression),
        cmocka_unit_test(test_macros_for_each_dialect),
        cmocka_unit_test(test_macro_misuse_names_file_and_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
