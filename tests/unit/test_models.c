/*
 * test_models.c — finding models in a directory (TENURE_SQL_DIR), ordering
 * them by their refs, and the errors for a missing ref, a cycle and two
 * models of one name; rendering refs, sources and vars.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "warehouse/models.h"

static char root[64];

static void write_model(const char *layer, const char *name, const char *sql) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", root, layer);
    mkdir(path, 0777);
    snprintf(path, sizeof path, "%s/%s/%s.sql", root, layer, name);
    FILE *file = fopen(path, "w");
    assert_non_null(file);
    fputs(sql, file);
    fclose(file);
}

static int make_root(void **state) {
    (void)state;
    snprintf(root, sizeof root, "/tmp/tenure-models-XXXXXX");
    if (mkdtemp(root) == NULL)
        return -1;
    setenv("TENURE_SQL_DIR", root, 1);
    return 0;
}

static int remove_root(void **state) {
    (void)state;
    char command[128];
    snprintf(command, sizeof command, "rm -rf '%s'", root);
    unsetenv("TENURE_SQL_DIR");
    return system(command);
}

static const bool model_layers[TN_LAYER_COUNT] = {true, true, false};

static void test_models_come_after_what_they_ref(void **state) {
    (void)state;
    write_model("marts", "a_top", "SELECT * FROM {{ ref('b_middle') }}, {{ ref('stg_x') }}");
    write_model("marts", "b_middle", "SELECT * FROM {{ ref('stg_x') }}");
    write_model("staging", "stg_x", "SELECT * FROM {{ source('raw', 'customers') }}");
    char notes[256]; /* not a .sql file: ignored */
    snprintf(notes, sizeof notes, "%s/staging/notes.txt", root);
    FILE *file = fopen(notes, "w");
    assert_non_null(file);
    fclose(file);
    tn_model_set set;
    tn_error err;
    assert_true(tn_models_load(model_layers, &set, &err));
    assert_int_equal(set.count, 3);
    assert_string_equal(set.models[0].name, "stg_x");
    assert_string_equal(set.models[1].name, "b_middle");
    assert_string_equal(set.models[2].name, "a_top");
    assert_int_equal(set.models[0].layer, TN_LAYER_STAGING);
    assert_int_equal(set.models[2].dep_count, 2);

    const tn_template_var vars[] = {{"as_of", "2026-03-14"}, {NULL, NULL}};
    tn_strbuf sql = TN_STRBUF_INIT;
    assert_true(tn_model_render(&set, 2, vars, &sql, &err));
    assert_string_equal(tn_strbuf_cstr(&sql), "SELECT * FROM marts.b_middle, staging.stg_x");
    tn_strbuf_reset(&sql);
    assert_true(tn_model_render(&set, 0, vars, &sql, &err));
    assert_string_equal(tn_strbuf_cstr(&sql), "SELECT * FROM raw.customers");
    tn_strbuf_free(&sql);
    tn_models_free(&set);
}

static void assert_load_fails(const char *needle1, const char *needle2) {
    tn_model_set set;
    tn_error err;
    tn_error_clear(&err);
    assert_false(tn_models_load(model_layers, &set, &err));
    assert_int_equal(err.code, TN_ERR_INPUT);
    if (strstr(err.message, needle1) == NULL || strstr(err.message, needle2) == NULL)
        fail_msg("message \"%s\" lacks \"%s\" or \"%s\"", err.message, needle1, needle2);
    assert_null(set.models);
}

static void test_missing_ref_names_file_and_line(void **state) {
    (void)state;
    write_model("marts", "m", "SELECT 1\nFROM {{ ref('nowhere') }}");
    assert_load_fails("marts/m.sql:2: ref('nowhere') names no model", root);
}

static void test_cycle_names_the_files(void **state) {
    (void)state;
    write_model("marts", "a", "SELECT * FROM {{ ref('b') }}");
    write_model("marts", "b", "SELECT * FROM {{ ref('c') }}");
    write_model("marts", "c", "SELECT * FROM {{ ref('a') }}");
    write_model("marts", "d", "SELECT 1");
    assert_load_fails("dependency cycle: ", "marts/a.sql -> ");
    tn_model_set set;
    tn_error err;
    assert_false(tn_models_load(model_layers, &set, &err));
    assert_non_null(strstr(err.message, "marts/b.sql"));
    assert_non_null(strstr(err.message, "marts/c.sql"));
    assert_null(strstr(err.message, "marts/d.sql")); /* not part of the cycle */
}

static void test_two_models_of_one_name(void **state) {
    (void)state;
    write_model("staging", "same", "SELECT 1");
    write_model("marts", "same", "SELECT 2");
    assert_load_fails("two models named 'same'", "staging/same.sql");
}

static void test_unknown_var_and_source(void **state) {
    (void)state;
    write_model("marts", "v", "SELECT DATE '{{ var('as_of') }}', {{ var('missing') }}");
    write_model("marts", "s", "SELECT * FROM {{ source('crm', 'x') }}");
    tn_model_set set;
    tn_error err;
    assert_true(tn_models_load(model_layers, &set, &err));
    const tn_template_var vars[] = {{"as_of", "2026-03-14"}, {NULL, NULL}};
    tn_strbuf sql = TN_STRBUF_INIT;
    size_t v = strcmp(set.models[0].name, "v") == 0 ? 0 : 1;
    assert_false(tn_model_render(&set, v, vars, &sql, &err));
    assert_non_null(strstr(err.message, "marts/v.sql:1: var('missing') has no value"));
    tn_strbuf_reset(&sql);
    assert_false(tn_model_render(&set, 1 - v, vars, &sql, &err));
    assert_non_null(strstr(err.message, "unknown source 'crm'"));
    tn_strbuf_free(&sql);
    tn_models_free(&set);
}

static void test_embedded_models_load_in_order(void **state) {
    (void)state;
    unsetenv("TENURE_SQL_DIR");
    tn_model_set set;
    tn_error err;
    const bool all[TN_LAYER_COUNT] = {true, true, true};
    assert_true(tn_models_load(all, &set, &err));
    /* every model comes after the models it refs */
    for (size_t i = 0; i < set.count; i++)
        for (size_t d = 0; d < set.models[i].dep_count; d++)
            assert_true(set.models[i].deps[d] < i);
    bool survival = false;
    for (size_t i = 0; i < set.count; i++)
        survival |= strcmp(set.models[i].name, "customer_survival") == 0;
    assert_true(survival);
    tn_models_free(&set);
    setenv("TENURE_SQL_DIR", root, 1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_models_come_after_what_they_ref, make_root,
                                        remove_root),
        cmocka_unit_test_setup_teardown(test_missing_ref_names_file_and_line, make_root,
                                        remove_root),
        cmocka_unit_test_setup_teardown(test_cycle_names_the_files, make_root, remove_root),
        cmocka_unit_test_setup_teardown(test_two_models_of_one_name, make_root, remove_root),
        cmocka_unit_test_setup_teardown(test_unknown_var_and_source, make_root, remove_root),
        cmocka_unit_test_setup_teardown(test_embedded_models_load_in_order, make_root, remove_root),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
