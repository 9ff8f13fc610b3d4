/*
 * test_parquet_contract.c — the Parquet column contract: which file column
 * types are read into which contract types (the lossless widenings), the
 * check of a file's columns with its messages, and the contract derived
 * from the SQL models holding the files and columns the stages read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "warehouse/parquet_contract.h"

static void test_same_type_and_lossless_widenings_are_accepted(void **state) {
    (void)state;
    const char *accepted[][2] = {
        {"INTEGER", "INTEGER"},
        {"INTEGER", "integer"},
        {"INTEGER", "SMALLINT"},
        {"INTEGER", "BIGINT"},
        {"BIGINT", "INTEGER"},
        {"INTEGER", "DECIMAL(38,0)"},
        {"DOUBLE", "FLOAT"},
        {"DOUBLE", "INTEGER"},
        {"DECIMAL(12,2)", "DECIMAL(38,2)"},
        {"DECIMAL(12,2)", "DECIMAL(10,0)"},
        {"DECIMAL(12,2)", "BIGINT"},
        {"TIMESTAMP", "TIMESTAMP_MS"},
        {"MAP(VARCHAR, BIGINT)", "MAP(VARCHAR, BIGINT)"},
    };
    for (size_t i = 0; i < sizeof accepted / sizeof accepted[0]; i++)
        if (!tn_parquet_type_accepts(accepted[i][0], accepted[i][1]))
            fail_msg("%s should accept %s", accepted[i][0], accepted[i][1]);
}

static void test_rounding_or_reinterpreting_types_are_refused(void **state) {
    (void)state;
    const char *refused[][2] = {
        {"INTEGER", "DOUBLE"},
        {"INTEGER", "VARCHAR"},
        {"INTEGER", "DECIMAL(10,2)"},
        {"DECIMAL(12,2)", "DECIMAL(12,4)"},
        {"DECIMAL(12,2)", "DOUBLE"},
        {"DOUBLE", "BIGINT"},
        {"DOUBLE", "VARCHAR"},
        {"DATE", "TIMESTAMP"},
        {"TIMESTAMP", "TIMESTAMP_NS"},
        {"TIMESTAMP", "TIMESTAMP WITH TIME ZONE"},
        {"VARCHAR", "BLOB"},
        {"BOOLEAN", "INTEGER"},
        {"MAP(VARCHAR, BIGINT)", "MAP(VARCHAR, INTEGER)"},
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        if (tn_parquet_type_accepts(refused[i][0], refused[i][1]))
            fail_msg("%s should refuse %s", refused[i][0], refused[i][1]);
}

/* A two-column contract file for the checks below. */
static tn_parquet_column expected_columns[] = {{"customer_id", "VARCHAR"},
                                               {"duration_days", "INTEGER"}};
static const tn_parquet_file expected = {"marts/customer_survival.parquet",
                                         "marts.customer_survival", false, expected_columns, 2};

static void test_columns_are_found_in_any_case_and_order_and_cast(void **state) {
    (void)state;
    tn_parquet_column found[] = {
        {"EXTRA", "DOUBLE"}, {"DURATION_DAYS", "BIGINT"}, {"Customer_Id", "VARCHAR"}};
    tn_strbuf select = TN_STRBUF_INIT;
    tn_error err;
    assert_true(tn_parquet_columns_check(&expected, "d/x.parquet", found, 3, &select, &err));
    assert_string_equal(tn_strbuf_cstr(&select),
                        "CAST(\"Customer_Id\" AS VARCHAR) AS \"customer_id\",\n"
                        "       CAST(\"DURATION_DAYS\" AS INTEGER) AS \"duration_days\"");
    tn_strbuf_free(&select);
}

static void test_a_missing_column_names_file_column_and_type(void **state) {
    (void)state;
    tn_parquet_column found[] = {{"customer_id", "VARCHAR"}};
    tn_strbuf select = TN_STRBUF_INIT;
    tn_error err;
    assert_false(tn_parquet_columns_check(&expected, "d/x.parquet", found, 1, &select, &err));
    assert_int_equal(err.code, TN_ERR_INPUT);
    assert_non_null(strstr(err.message, "d/x.parquet: no column duration_days (INTEGER)"));
    tn_strbuf_free(&select);
}

static void test_a_refused_type_names_file_column_found_and_expected(void **state) {
    (void)state;
    tn_parquet_column found[] = {{"customer_id", "VARCHAR"}, {"Duration_Days", "DOUBLE"}};
    tn_strbuf select = TN_STRBUF_INIT;
    tn_error err;
    assert_false(tn_parquet_columns_check(&expected, "d/x.parquet", found, 2, &select, &err));
    assert_int_equal(err.code, TN_ERR_INPUT);
    assert_non_null(
        strstr(err.message, "d/x.parquet: column Duration_Days is DOUBLE, expected INTEGER"));
    tn_strbuf_free(&select);
}

/* The file of `contract` named `file`, or NULL. */
static const tn_parquet_file *file_named(const tn_parquet_contract *contract, const char *file) {
    for (size_t f = 0; f < contract->count; f++)
        if (strcmp(contract->files[f].file, file) == 0)
            return &contract->files[f];
    return NULL;
}

/* The type of column `name` of `file`, or NULL. */
static const char *type_of(const tn_parquet_file *file, const char *name) {
    for (size_t c = 0; file != NULL && c < file->column_count; c++)
        if (strcmp(file->columns[c].name, name) == 0)
            return file->columns[c].type;
    return NULL;
}

static void test_the_contract_comes_from_the_models(void **state) {
    (void)state;
    tn_parquet_contract contract;
    tn_error err;
    assert_true(tn_parquet_contract_load(&contract, &err));
    assert_string_equal(contract.files[0].file, "build_info.parquet");
    assert_string_equal(type_of(&contract.files[0], "as_of"), "DATE");
    const tn_parquet_file *survival = file_named(&contract, "marts/customer_survival.parquet");
    assert_non_null(survival);
    assert_false(survival->training);
    assert_string_equal(survival->relation, "marts.customer_survival");
    assert_string_equal(type_of(survival, "duration_days"), "INTEGER");
    const tn_parquet_file *churn = file_named(&contract, "training/churn_snapshots.parquet");
    assert_non_null(churn);
    assert_true(churn->training);
    assert_string_equal(churn->relation, "training.churn_snapshots");
    assert_string_equal(churn->columns[0].name, "snapshot"); /* the snapshot date leads */
    assert_string_equal(type_of(churn, "label"), "INTEGER");
    assert_non_null(file_named(&contract, "staging/stg_customers.parquet"));
    /* staging models the stages never read are not exported */
    assert_null(file_named(&contract, "staging/stg_usage_events.parquet"));
    tn_parquet_contract_free(&contract);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_type_and_lossless_widenings_are_accepted),
        cmocka_unit_test(test_rounding_or_reinterpreting_types_are_refused),
        cmocka_unit_test(test_columns_are_found_in_any_case_and_order_and_cast),
        cmocka_unit_test(test_a_missing_column_names_file_column_and_type),
        cmocka_unit_test(test_a_refused_type_names_file_column_found_and_expected),
        cmocka_unit_test(test_the_contract_comes_from_the_models),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
