/*
 * load_checks.c — each value's own problems, found in SQL over the load
 * tables (see load_checks.h). The statements are written from the contract:
 * one per column and kind of problem, so the checks follow the contract
 * and a change of the contract needs no change here.
 */
#include "warehouse/load_checks.h"

#include <stdio.h>
#include <string.h>

#include "common/embedded.h"
#include "common/strbuf.h"
#include "warehouse/load_sql.h"
#include "warehouse/query.h"
#include "warehouse/template.h"

/* ---- value maps ------------------------------------------------------------------------------ */

/* One rule of a value map into tn_value_rules, every value bound. */
static bool add_rule(tn_db *db, const char *table, const char *column, int priority,
                     const char *pattern, bool glob, const char *value, tn_error *err) {
    char priority_text[16];
    snprintf(priority_text, sizeof priority_text, "%d", priority);
    const char *params[] = {table, column, priority_text, pattern, glob ? "true" : "false", value};
    return tn_db_exec_params(db, tn_embedded_text("sql/load/add_value_rule.sql"), params, 6, err);
}

/* The rules of one table: the mapping's, the contract's own values, the catch-all. */
static bool table_rules(tn_db *db, const tn_contract_table *table, const tn_table_source *source,
                        tn_error *err) {
    bool ok = true;
    for (size_t r = 0; ok && r < source->rule_count; r++) {
        const tn_value_rule *rule = &source->rules[r];
        ok = add_rule(db, table->name, table->columns[rule->column].name,
                      rule->glob ? 1000 + (int)r : 1, rule->pattern, rule->glob, rule->value, err);
    }
    for (int c = 0; ok && c < table->column_count; c++) {
        const tn_contract_column *column = &table->columns[c];
        if (column->kind != TN_KIND_CATEGORY)
            continue;
        for (int a = 0; ok && a < column->accepted_count; a++)
            ok = add_rule(db, table->name, column->name, 2, column->accepted[a], false,
                          column->accepted[a], err);
        if (ok && strcmp(column->name, "event_type") == 0 && source->unmapped_usage)
            ok = add_rule(db, table->name, column->name, 1000000, "*", true, "other", err);
    }
    return ok;
}

/* The distinct values of one categorical column into tn_value_sources. */
static bool add_value_sources(tn_db *db, const char *table, const char *column, tn_error *err) {
    const tn_template_var vars[] = {{"table", table}, {"column", column}, {NULL, NULL}};
    const char *params[] = {table, column};
    tn_strbuf sql = TN_STRBUF_INIT;
    bool ok = tn_template_render_file("sql/load/value_sources.sql", vars, &sql, err) &&
              tn_db_exec_params(db, tn_strbuf_cstr(&sql), params, 2, err);
    tn_strbuf_free(&sql);
    return ok;
}

static bool build_value_map(const tn_load_state *load, tn_db *db, tn_error *err) {
    /* a first row that matches nothing, so the table is never empty */
    bool ok = add_rule(db, "", "", 0, "", false, "", err);
    for (int t = 0; ok && t < TN_RAW_TABLE_COUNT; t++) {
        const tn_contract_table *table = &load->contract->tables[t];
        ok = table_rules(db, table, &load->mapping->tables[t], err);
        for (int c = 0; ok && c < table->column_count; c++) {
            if (table->columns[c].kind == TN_KIND_CATEGORY)
                ok = add_value_sources(db, table->name, table->columns[c].name, err);
        }
    }
    return ok && tn_db_exec(db, tn_embedded_text("sql/load/value_map.sql"), err);
}

/* ---- each value's problems ------------------------------------------------------------------- */

/* INSERT INTO tn_problems ... SELECT (the caller appends FROM and WHERE); SQL expressions. */
static void select_problem(tn_strbuf *sql, const char *table, const char *column,
                           const char *value_sql, const char *kind_sql, const char *expected_sql) {
    tn_strbuf_printf(sql,
                     "INSERT INTO tn_problems (table_name, file_index, row_index, column_name, "
                     "value, kind, expected) SELECT '%s', _file, _row, '%s', %s, %s, %s",
                     table, column, value_sql, kind_sql, expected_sql);
}

static void sql_literal(char *out, size_t size, const char *text) {
    tn_strbuf quoted = TN_STRBUF_INIT;
    tn_load_sql_string(&quoted, text);
    snprintf(out, size, "%s", tn_strbuf_cstr(&quoted));
    tn_strbuf_free(&quoted);
}

/* Source text that parses as a number, but would have to be rounded to fit. */
static const char *rounded_text(tn_column_kind kind) {
    switch (kind) {
    case TN_KIND_MONEY:
        return "an amount with at most 2 decimals: Tenure keeps amounts exact and does not round";
    case TN_KIND_HOURS:
        return "a whole number of hours: Tenure does not round";
    default:
        return "a whole number: Tenure does not round";
    }
}

static void parse_problems(const tn_contract_table *table, const tn_table_source *source, int c,
                           tn_strbuf *sql) {
    const tn_contract_column *column = &table->columns[c];
    char bad[64], kind[256], expected_sql[1024], expected_literal[512], rounded_literal[256];
    snprintf(bad, sizeof bad, "\"%s__bad\"", column->name);
    tn_strbuf expected = TN_STRBUF_INIT;
    tn_load_sql_expected(column, &source->columns[c], source, &expected);
    sql_literal(expected_literal, sizeof expected_literal, tn_strbuf_cstr(&expected));
    tn_strbuf_free(&expected);
    if (column->kind == TN_KIND_MONEY || column->kind == TN_KIND_HOURS ||
        column->kind == TN_KIND_COUNT) {
        char number[128];
        snprintf(number, sizeof number, "tn_number_text(%s, '%c') IS NOT NULL", bad,
                 tn_load_sql_decimal(&source->columns[c], source));
        sql_literal(rounded_literal, sizeof rounded_literal, rounded_text(column->kind));
        snprintf(kind, sizeof kind,
                 "CASE WHEN %s THEN 'would be rounded' ELSE 'unparseable value' END", number);
        snprintf(expected_sql, sizeof expected_sql, "CASE WHEN %s THEN %s ELSE %s END", number,
                 rounded_literal, expected_literal);
    } else {
        snprintf(kind, sizeof kind, "'unparseable value'");
        snprintf(expected_sql, sizeof expected_sql, "%s", expected_literal);
    }
    select_problem(sql, table->name, column->name, bad, kind, expected_sql);
    tn_strbuf_printf(sql, " FROM tn_load_%s WHERE %s IS NOT NULL;\n", table->name, bad);
}

static void domain_problems(const tn_contract_table *table, const tn_table_source *source, int c,
                            tn_strbuf *sql) {
    const tn_contract_column *column = &table->columns[c];
    tn_strbuf expected = TN_STRBUF_INIT;
    bool mapped = false;
    for (size_t r = 0; r < source->rule_count; r++)
        mapped = mapped || source->rules[r].column == c;
    if (strcmp(column->name, "event_type") == 0 && mapped) {
        tn_strbuf_puts(&expected, "an event name the mapping gives a role (usage_events.events; "
                                  "unmapped_events is refuse)");
    } else {
        tn_strbuf_puts(&expected, "one of ");
        for (int a = 0; a < column->accepted_count; a++)
            tn_strbuf_printf(&expected, "%s%s", a ? ", " : "", column->accepted[a]);
        if (mapped)
            tn_strbuf_printf(&expected, ", or a value the mapping's %s.values.%s names",
                             table->name, column->name);
    }
    char value[64], literal[1024];
    snprintf(value, sizeof value, "l.\"%s\"", column->name);
    sql_literal(literal, sizeof literal, tn_strbuf_cstr(&expected));
    select_problem(sql, table->name, column->name, value, "'value outside the domain'", literal);
    tn_strbuf_printf(sql,
                     " FROM tn_load_%s AS l JOIN (SELECT source FROM tn_value_map WHERE "
                     "table_name = '%s' AND column_name = '%s' AND value IS NULL) AS u ON "
                     "u.source = l.\"%s\";\n",
                     table->name, table->name, column->name, column->name);
    tn_strbuf_free(&expected);
}

static void missing_problems(const tn_contract_table *table, int c, tn_strbuf *sql) {
    const tn_contract_column *column = &table->columns[c];
    tn_strbuf expected = TN_STRBUF_INIT;
    char literal[512];
    tn_strbuf_printf(&expected, "a %s: %s", column->name, column->description);
    sql_literal(literal, sizeof literal, tn_strbuf_cstr(&expected));
    tn_strbuf_free(&expected);
    select_problem(sql, table->name, column->name, "''", "'missing value'", literal);
    tn_strbuf_printf(sql, " FROM tn_load_%s WHERE \"%s\" IS NULL", table->name, column->name);
    if (tn_load_sql_is_parsed(column->kind))
        tn_strbuf_printf(sql, " AND \"%s__bad\" IS NULL", column->name);
    tn_strbuf_puts(sql, ";\n");
}

static void range_problems(const tn_contract_table *table, int c, tn_strbuf *sql) {
    const tn_contract_column *column = &table->columns[c];
    bool score = column->kind == TN_KIND_SCORE;
    char value[96], expected[96];
    snprintf(value, sizeof value, "CAST(\"%s\" AS VARCHAR)", column->name);
    if (score)
        snprintf(expected, sizeof expected, "'a score from 0 to 1'");
    else
        snprintf(expected, sizeof expected, "'%s of 0 or more'", column->name);
    select_problem(sql, table->name, column->name, value, "'value out of range'", expected);
    if (score)
        tn_strbuf_printf(sql, " FROM tn_load_%s WHERE NOT (\"%s\" BETWEEN 0 AND 1);\n", table->name,
                         column->name);
    else
        tn_strbuf_printf(sql, " FROM tn_load_%s WHERE \"%s\" < 0;\n", table->name, column->name);
}

static void control_problems(const tn_contract_table *table, int c, tn_strbuf *sql) {
    const char *name = table->columns[c].name;
    char value[96];
    snprintf(value, sizeof value, "replace(\"%s\", chr(0), '\\0')", name);
    select_problem(sql, table->name, name, value, "'control character'",
                   "'text without NUL bytes'");
    tn_strbuf_printf(sql, " FROM tn_load_%s WHERE contains(\"%s\", chr(0));\n", table->name, name);
}

static void value_problems(const tn_contract_table *table, const tn_table_source *source, int c,
                           tn_strbuf *sql) {
    const tn_contract_column *column = &table->columns[c];
    if (tn_load_sql_is_parsed(column->kind))
        parse_problems(table, source, c, sql);
    else
        control_problems(table, c, sql);
    if (column->required)
        missing_problems(table, c, sql);
    if (column->kind == TN_KIND_CATEGORY)
        domain_problems(table, source, c, sql);
    if (tn_column_kind_is_number(column->kind))
        range_problems(table, c, sql);
}

static bool find_value_problems(const tn_load_state *load, tn_db *db, tn_error *err) {
    tn_strbuf sql = TN_STRBUF_INIT;
    for (int t = 0; t < TN_RAW_TABLE_COUNT; t++) {
        const tn_contract_table *table = &load->contract->tables[t];
        for (int c = 0; c < table->column_count; c++)
            value_problems(table, &load->mapping->tables[t], c, &sql);
        for (size_t k = 0; k < load->sets[t].count; k++) {
            if (load->sets[t].files[k].loaded && load->mapping->tables[t].format == TN_FILE_JSONL)
                tn_strbuf_printf(&sql,
                                 "INSERT INTO tn_problems (table_name, file_index, row_index, "
                                 "column_name, value, kind, expected) SELECT '%s', %zu, rowid, "
                                 "'(whole record)', '', 'not valid JSON', 'a JSON object on one "
                                 "line' FROM tn_load_%d_%zu WHERE _invalid;\n",
                                 table->name, k, t, k);
        }
    }
    bool ok = tn_db_exec(db, tn_strbuf_cstr(&sql), err);
    tn_strbuf_free(&sql);
    return ok;
}

bool tn_load_check_values(const tn_load_state *load, tn_db *db, tn_error *err) {
    return build_value_map(load, db, err) && find_value_problems(load, db, err);
}
