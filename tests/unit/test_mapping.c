/*
 * test_mapping.c — the project file (src/warehouse/mapping.h): what a valid
 * file turns into (inherited settings, value rules in order, patterns, event
 * roles; an alerts: section is left to insight/alert_rules.h), YAML syntax
 * errors with their position, the built-in canonical layout, and the date
 * formats' strptime patterns.
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

#include "project_file.h"
#include "warehouse/mapping.h"

static const char valid[] =
    "timezone: Europe/Berlin\n"
    "decimal: \",\"\n"
    "customers:\n"
    "  files: [a.csv, \"b-*.csv\"]\n"
    "  delimiter: \";\"\n"
    "  columns:\n"
    "    customer_id: Id\n"
    "    industry: Sector\n"
    "    plan_tier: Plan\n"
    "    signup_date: {column: Created, format: DD.MM.YYYY}\n"
    "    mrr: {column: MRR, decimal: \".\"}\n"
    "    churn_date: Ended\n"
    "    upgrade_date: {sql: \"NULL\"}\n"
    "    name: ~\n"
    "  values:\n"
    "    plan_tier: {Basic: starter, \"Pro*\": growth}\n"
    "usage_events:\n"
    "  files: e.jsonl.gz\n"
    "  timezone: UTC\n"
    "  columns: {event_id: id, customer_id: p.acct, timestamp: {column: t, format: epoch_ms},"
    " event_type: name}\n"
    "  events: {api_call: [\"API *\", Webhook Sent], report_view: Report Viewed}\n"
    "  unmapped_events: usage\n"
    "gtm_opportunities: {files: o.csv, columns: {opp_id: a, customer_id: b, stage: c,"
    " close_date: d, amount: e, opportunity_type: f}}\n"
    "support_tickets: {files: t.tsv, columns: {ticket_id: a, customer_id: b,"
    " created_date: c, priority: d, resolution_time: e, topic: f}}\n"
    /* insight/alert_rules.h reads and checks this section; the mapping leaves it alone */
    "alerts:\n"
    "  rules: [{name: not-checked-here}]\n";

static void test_valid_file(void **state) {
    (void)state;
    write_yaml(valid);
    tn_mapping mapping;
    tn_strbuf problems = TN_STRBUF_INIT;
    tn_error err;
    tn_error_clear(&err);
    bool ok = tn_mapping_load(&contract, path, &mapping, &problems, &err);
    if (!ok)
        fprintf(stderr, "%s\n%s", err.message, tn_strbuf_cstr(&problems));
    assert_true(ok);
    assert_string_equal(mapping.base_dir, "/tmp");

    const tn_table_source *customers = &mapping.tables[0];
    assert_true(customers->present);
    assert_int_equal(customers->file_count, 2);
    assert_string_equal(customers->files[1], "b-*.csv");
    assert_int_equal(customers->format, TN_FILE_CSV); /* from the first file's name */
    assert_int_equal(customers->delimiter, ';');
    assert_string_equal(customers->timezone, "Europe/Berlin"); /* inherited */
    assert_int_equal(customers->decimal, ',');                 /* inherited */
    int mrr = tn_contract_column_index(&contract.tables[0], "mrr");
    assert_int_equal(customers->columns[mrr].decimal, '.'); /* the column's own */
    int signup = tn_contract_column_index(&contract.tables[0], "signup_date");
    assert_string_equal(customers->columns[signup].format, "DD.MM.YYYY");
    int upgrade = tn_contract_column_index(&contract.tables[0], "upgrade_date");
    assert_string_equal(customers->columns[upgrade].sql, "NULL");
    int name = tn_contract_column_index(&contract.tables[0], "name");
    assert_false(customers->columns[name].mapped); /* ~: left out */
    assert_int_equal(customers->rule_count, 2);
    assert_string_equal(customers->rules[0].pattern, "basic"); /* lower case */
    assert_false(customers->rules[0].glob);
    assert_string_equal(customers->rules[1].pattern, "pro*");
    assert_true(customers->rules[1].glob);
    assert_string_equal(customers->rules[1].value, "growth");

    const tn_table_source *events = &mapping.tables[1];
    assert_int_equal(events->format, TN_FILE_JSONL); /* .jsonl.gz */
    assert_string_equal(events->timezone, "UTC");    /* the table's own */
    assert_true(events->unmapped_usage);
    assert_int_equal(events->rule_count, 3);
    assert_string_equal(events->rules[1].pattern, "webhook sent");
    assert_string_equal(events->rules[1].value, "api_call");
    assert_int_equal(mapping.tables[3].format, TN_FILE_TSV);
    assert_int_equal(mapping.tables[3].delimiter, '\t');
    assert_false(mapping.tables[4].present); /* risk signals: optional, left out */
    tn_mapping_free(&mapping);
    tn_strbuf_free(&problems);
}

static void test_syntax_error_has_its_position(void **state) {
    (void)state;
    write_yaml("customers:\n  files: [a.csv\n  columns: {}\n");
    tn_mapping mapping;
    tn_strbuf problems = TN_STRBUF_INIT;
    tn_error err;
    assert_false(tn_mapping_load(&contract, path, &mapping, &problems, &err));
    assert_int_equal(err.code, TN_ERR_INPUT);
    assert_non_null(strstr(tn_strbuf_cstr(&problems), ".yml:3:"));
    assert_non_null(strstr(tn_strbuf_cstr(&problems), "not valid YAML"));
    assert_null(mapping.path); /* nothing left allocated */
    tn_strbuf_free(&problems);
}

static void test_every_problem_is_reported(void **state) {
    (void)state;
    write_yaml("customers: {files: a.csv, columns: {customer_id: TODO, colour: x}}\n"
               "usage_events: {files: e.parquet, columns: {}, events: {api_call: x}}\n");
    tn_mapping mapping;
    tn_strbuf problems = TN_STRBUF_INIT;
    tn_error err;
    assert_false(tn_mapping_load(&contract, path, &mapping, &problems, &err));
    const char *text = tn_strbuf_cstr(&problems);
    assert_non_null(strstr(text, "customers.columns.customer_id: still says 'TODO'"));
    assert_non_null(strstr(text, "'colour' is not a column of customers"));
    assert_non_null(strstr(text, "customers.columns: lacks plan_tier"));
    assert_non_null(strstr(text, "usage_events: lacks unmapped_events"));
    assert_non_null(strstr(text, "lacks gtm_opportunities"));
    assert_non_null(strstr(text, "lacks support_tickets"));
    assert_null(strstr(text, "lacks risk_signals")); /* optional */
    tn_strbuf_free(&problems);
}

/*
 * An empty source column name ('' or a `|` with nothing under it) is a
 * problem with its line, not a column named "" that DuckDB cannot parse
 * (found by fuzz_mapping: `CAST("" AS VARCHAR)`).
 */
static void test_empty_names_are_problems(void **state) {
    (void)state;
    char text[sizeof valid + 64];
    snprintf(text, sizeof text, "%s", valid);
    char *name = strstr(text, "    name: ~\n");
    assert_non_null(name);
    memcpy(name, "    name: |\n", strlen("    name: |\n")); /* same length, so the lines stay */
    char *sector = strstr(text, "industry: Sector");
    memcpy(sector, "industry: \"    \"", strlen("industry: \"    \""));
    write_yaml(text);
    tn_mapping mapping;
    tn_strbuf problems = TN_STRBUF_INIT;
    tn_error err;
    assert_false(tn_mapping_load(&contract, path, &mapping, &problems, &err));
    const char *found = tn_strbuf_cstr(&problems);
    assert_non_null(strstr(
        found, ":14:11: customers.columns.name: is empty: expected the name of a source column"));
    assert_non_null(strstr(found,
                           ":8:15: customers.columns.industry: is empty: expected the name of a "
                           "source column"));
    tn_strbuf_free(&problems);
}

static void test_canonical_layout(void **state) {
    (void)state;
    tn_mapping mapping;
    tn_error err;
    assert_true(tn_mapping_canonical(&contract, "exports", &mapping, &err));
    for (int t = 0; t < TN_RAW_TABLE_COUNT; t++) {
        assert_true(mapping.tables[t].present);
        assert_true(mapping.tables[t].strict_header);
        char file[64];
        snprintf(file, sizeof file, "%s.csv", tn_raw_tables[t]);
        assert_string_equal(mapping.tables[t].files[0], file);
    }
    int crm = tn_contract_column_index(&contract.tables[0], "crm_id");
    assert_true(mapping.tables[0].columns[crm].if_present); /* older exports lack it */
    assert_false(mapping.tables[1].columns[4].if_present);  /* feature_adoption_score */
    tn_mapping_free(&mapping);
}

static void test_time_formats(void **state) {
    (void)state;
    tn_strbuf patterns = TN_STRBUF_INIT;
    assert_false(tn_mapping_time_patterns(NULL, &patterns));
    assert_false(tn_mapping_time_patterns("iso", &patterns));
    assert_false(tn_mapping_time_patterns("epoch_ms", &patterns));
    assert_int_equal(patterns.length, 0);
    assert_true(tn_mapping_time_patterns("MM/DD/YYYY", &patterns));
    assert_non_null(strstr(tn_strbuf_cstr(&patterns), "['%m/%d/%Y', '%m/%d/%Y %H:%M'"));
    assert_non_null(strstr(tn_strbuf_cstr(&patterns), "'%m/%d/%Y %I:%M %p'"));
    tn_strbuf_reset(&patterns);
    assert_true(tn_mapping_time_patterns("%d %b %Y's", &patterns));
    assert_string_equal(tn_strbuf_cstr(&patterns), "['%d %b %Y''s']");
    assert_true(tn_mapping_time_format_known("DD.MM.YYYY"));
    assert_false(tn_mapping_time_format_known("DD/MM"));
    tn_file_format format;
    assert_true(tn_mapping_format_from_name("x/events.NDJSON.gz", &format));
    assert_int_equal(format, TN_FILE_JSONL);
    assert_false(tn_mapping_format_from_name("report.xlsx", &format));
    tn_strbuf_free(&patterns);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_valid_file, remove_yaml),
        cmocka_unit_test_teardown(test_syntax_error_has_its_position, remove_yaml),
        cmocka_unit_test_teardown(test_every_problem_is_reported, remove_yaml),
        cmocka_unit_test_teardown(test_empty_names_are_problems, remove_yaml),
        cmocka_unit_test(test_canonical_layout),
        cmocka_unit_test(test_time_formats),
    };
    return cmocka_run_group_tests(tests, load_contract, NULL);
}
