/*
 * load_checks.c — each value's own problems, found in SQL over the load
 * tables (see load_checks.h). Each kind of problem is one statement,
 * sql/load/problem_*.sql, run for every column of the contract it applies
 * to (the column's names filled in as identifiers, the texts people read
 * bound), so the checks follow the contract and a change of the contract
 * needs no change here.
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

/*
 * Runs sql/load/<name> for one column: var('table') and var('column') are
 * its names as identifiers, and `params` (the table and column first, then
 * what the file takes) are bound.
 */
static bool run_problem(tn_db *db, const char *path, const char *table, const char *column,
                        const char *const *params, size_t count, tn_error *err) {
    const tn_template_var vars[] = {{"table", table}, {"column", column}, {NULL, NULL}};
    tn_strbuf sql = TN_STRBUF_INIT;
    bool ok = tn_template_render_file(path, vars, &sql, err) &&
              tn_db_exec_params(db, tn_strbuf_cstr(&sql), params, count, err);
    tn_strbuf_free(&sql);
    return ok;
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

static bool parse_problems(tn_db *db, const tn_contract_table *table, const tn_table_source *source,
                           int c, tn_error *err) {
    const tn_contract_column *column = &table->columns[c];
    tn_strbuf expected = TN_STRBUF_INIT;
    tn_load_sql_expected(column, &source->columns[c], source, &expected);
    bool ok;
    if (column->kind == TN_KIND_MONEY || column->kind == TN_KIND_HOURS ||
        column->kind == TN_KIND_COUNT) {
        char decimal[2] = {tn_load_sql_decimal(&source->columns[c], source), '\0'};
        const char *params[] = {table->name, column->name, tn_strbuf_cstr(&expected), decimal,
                                rounded_text(column->kind)};
        ok = run_problem(db, "sql/load/problem_unparseable_number.sql", table->name, column->name,
                         params, 5, err);
    } else {
        const char *params[] = {table->name, column->name, tn_strbuf_cstr(&expected)};
        ok = run_problem(db, "sql/load/problem_unparseable.sql", table->name, column->name, params,
                         3, err);
    }
    tn_strbuf_free(&expected);
    return ok;
}

static bool domain_problems(tn_db *db, const tn_contract_table *table,
                            const tn_table_source *source, int c, tn_error *err) {
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
    const char *params[] = {table->name, column->name, tn_strbuf_cstr(&expected)};
    bool ok =
        run_problem(db, "sql/load/problem_domain.sql", table->name, column->name, params, 3, err);
    tn_strbuf_free(&expected);
    return ok;
}

static bool missing_problems(tn_db *db, const tn_contract_table *table, int c, tn_error *err) {
    const tn_contract_column *column = &table->columns[c];
    tn_strbuf expected = TN_STRBUF_INIT;
    tn_strbuf_printf(&expected, "a %s: %s", column->name, column->description);
    const char *params[] = {table->name, column->name, tn_strbuf_cstr(&expected)};
    bool ok =
        run_problem(db,
                    tn_load_sql_is_parsed(column->kind) ? "sql/load/problem_missing_parsed.sql"
                                                        : "sql/load/problem_missing.sql",
                    table->name, column->name, params, 3, err);
    tn_strbuf_free(&expected);
    return ok;
}

static bool range_problems(tn_db *db, const tn_contract_table *table, int c, tn_error *err) {
    const tn_contract_column *column = &table->columns[c];
    if (column->kind == TN_KIND_SCORE) {
        const char *params[] = {table->name, column->name};
        return run_problem(db, "sql/load/problem_score_range.sql", table->name, column->name,
                           params, 2, err);
    }
    char expected[96];
    snprintf(expected, sizeof expected, "%s of 0 or more", column->name);
    const char *params[] = {table->name, column->name, expected};
    return run_problem(db, "sql/load/problem_negative.sql", table->name, column->name, params, 3,
                       err);
}

static bool control_problems(tn_db *db, const tn_contract_table *table, int c, tn_error *err) {
    const char *params[] = {table->name, table->columns[c].name};
    return run_problem(db, "sql/load/problem_control.sql", table->name, table->columns[c].name,
                       params, 2, err);
}

/* Each problem a value of column c can have on its own, in the order they are recorded. */
static bool value_problems(tn_db *db, const tn_contract_table *table, const tn_table_source *source,
                           int c, tn_error *err) {
    const tn_contract_column *column = &table->columns[c];
    bool ok = tn_load_sql_is_parsed(column->kind) ? parse_problems(db, table, source, c, err)
                                                  : control_problems(db, table, c, err);
    if (ok && column->required)
        ok = missing_problems(db, table, c, err);
    if (ok && column->kind == TN_KIND_CATEGORY)
        ok = domain_problems(db, table, source, c, err);
    if (ok && tn_column_kind_is_number(column->kind))
        ok = range_problems(db, table, c, err);
    return ok;
}

/* Each line of file k of table t (JSON lines) that is not a JSON object. */
static bool invalid_json_problems(tn_db *db, int t, size_t k, tn_error *err) {
    char load[64], index[24];
    snprintf(load, sizeof load, TN_LOAD_FILE_TABLE, t, k);
    snprintf(index, sizeof index, "%zu", k);
    const tn_template_var vars[] = {{"load", load}, {NULL, NULL}};
    const char *params[] = {tn_raw_tables[t], index};
    tn_strbuf sql = TN_STRBUF_INIT;
    bool ok = tn_template_render_file("sql/load/problem_invalid_json.sql", vars, &sql, err) &&
              tn_db_exec_params(db, tn_strbuf_cstr(&sql), params, 2, err);
    tn_strbuf_free(&sql);
    return ok;
}

static bool find_value_problems(const tn_load_state *load, tn_db *db, tn_error *err) {
    bool ok = true;
    for (int t = 0; ok && t < TN_RAW_TABLE_COUNT; t++) {
        const tn_contract_table *table = &load->contract->tables[t];
        for (int c = 0; ok && c < table->column_count; c++)
            ok = value_problems(db, table, &load->mapping->tables[t], c, err);
        for (size_t k = 0; ok && k < load->sets[t].count; k++) {
            if (load->sets[t].files[k].loaded && load->mapping->tables[t].format == TN_FILE_JSONL)
                ok = invalid_json_problems(db, t, k, err);
        }
    }
    return ok;
}

bool tn_load_check_values(const tn_load_state *load, tn_db *db, tn_error *err) {
    return build_value_map(load, db, err) && find_value_problems(load, db, err);
}
