/*
 * parquet_contract.c — the column contract of the Parquet inputs, derived
 * from the SQL models, and the check of a file's columns against it (see
 * parquet_contract.h).
 */
#include "warehouse/parquet_contract.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/embedded.h"
#include "warehouse/contract.h"
#include "warehouse/db.h"
#include "warehouse/load_sql.h"
#include "warehouse/models.h"
#include "warehouse/query.h"

const char *const tn_parquet_staging_models[] = {"stg_customers", "stg_gtm_opportunities",
                                                 "stg_plan_tiers", "stg_support_tickets", NULL};

/* Any date will do: the models are built on empty tables for their columns only. */
#define CONTRACT_DAY "2000-01-01"

/* The staging, mart and training models and marts.build_info, built on empty raw tables. */
static bool build_empty(tn_db *db, tn_error *err) {
    const bool layers[TN_LAYER_COUNT] = {
        [TN_LAYER_STAGING] = true, [TN_LAYER_MARTS] = true, [TN_LAYER_TRAINING] = true};
    const tn_template_var vars[] = {
        {"as_of", CONTRACT_DAY}, {"data_as_of", CONTRACT_DAY}, {NULL, NULL}};
    tn_model_set models = {NULL, 0};
    tn_strbuf sql = TN_STRBUF_INIT;
    bool ok = tn_raw_schema_create(db, TN_EVENTS_ANY_ORDER, err) &&
              tn_db_exec(db, tn_embedded_text("sql/export/contract_schemas.sql"), err) &&
              tn_models_load(layers, &models, err);
    for (size_t i = 0; ok && i < models.count; i++) {
        const tn_model *model = &models.models[i];
        char training[160]; /* churn_snapshot → training.churn_snapshots */
        snprintf(training, sizeof training, "training.%ss", model->name);
        tn_strbuf_reset(&sql);
        ok = tn_model_create(&models, i, TN_DIALECT_DUCKDB, vars, NULL,
                             model->layer == TN_LAYER_TRAINING ? training : NULL, &sql, err) &&
             tn_db_exec(db, tn_strbuf_cstr(&sql), err);
        if (!ok)
            tn_error_prefix(err, "%s", models.models[i].path);
    }
    ok = ok && tn_db_exec(db, tn_embedded_text("sql/build/build_info.sql"), err);
    tn_strbuf_free(&sql);
    tn_models_free(&models);
    return ok;
}

/* Whether schema.name is a relation the stages read, and the file it is read from. */
static bool exported(const char *schema, const char *name, char *file, size_t size) {
    if (strcmp(schema, "marts") == 0 && strcmp(name, "build_info") == 0)
        return snprintf(file, size, "build_info.parquet") > 0;
    if (strcmp(schema, "staging") == 0) {
        bool listed = false;
        for (size_t i = 0; tn_parquet_staging_models[i] != NULL; i++)
            listed = listed || strcmp(tn_parquet_staging_models[i], name) == 0;
        if (!listed)
            return false;
    }
    return snprintf(file, size, "%s/%s.parquet", schema, name) > 0;
}

/* A new file entry for schema.name at the end of `contract`, or NULL when out of memory. */
static tn_parquet_file *add_file(tn_parquet_contract *contract, const char *schema,
                                 const char *name, const char *file) {
    tn_parquet_file *grown = realloc(contract->files, (contract->count + 1) * sizeof *grown);
    if (grown == NULL)
        return NULL;
    contract->files = grown;
    tn_parquet_file *entry = &grown[contract->count++];
    memset(entry, 0, sizeof *entry);
    snprintf(entry->file, sizeof entry->file, "%s", file);
    snprintf(entry->relation, sizeof entry->relation, "%s.%s", schema, name);
    entry->training = strcmp(schema, "training") == 0;
    return entry;
}

static bool add_column(tn_parquet_file *file, const char *name, const char *type) {
    tn_parquet_column *grown = realloc(file->columns, (file->column_count + 1) * sizeof *grown);
    if (grown == NULL)
        return false;
    file->columns = grown;
    tn_parquet_column *column = &grown[file->column_count];
    column->name = strdup(name);
    column->type = strdup(type);
    if (column->name == NULL || column->type == NULL) {
        free(column->name), free(column->type);
        return false;
    }
    file->column_count++;
    return true;
}

/* The contract from the rows of sql/export/contract_columns.sql (4 NUL-separated cells a row). */
static bool collect(const tn_strbuf *cells, size_t rows, tn_parquet_contract *out, tn_error *err) {
    const char *at = cells->data;
    tn_parquet_file *file = NULL;
    for (size_t r = 0; r < rows; r++) {
        const char *schema = at, *name = schema + strlen(schema) + 1;
        const char *column = name + strlen(name) + 1, *type = column + strlen(column) + 1;
        at = type + strlen(type) + 1;
        char path[128];
        if (!exported(schema, name, path, sizeof path))
            continue;
        if (file == NULL || strcmp(file->file, path) != 0)
            file = add_file(out, schema, name, path);
        if (file == NULL || !add_column(file, column, type))
            return tn_error_set(err, TN_ERR_NOMEM, "out of memory reading the column contract");
    }
    return true;
}

/* build_info first (the stages read it before anything else), then by relation. */
static int file_order(const void *a, const void *b) {
    const tn_parquet_file *x = a, *y = b;
    bool x_info = strcmp(x->file, "build_info.parquet") == 0;
    bool y_info = strcmp(y->file, "build_info.parquet") == 0;
    if (x_info != y_info)
        return x_info ? -1 : 1;
    return strcmp(x->relation, y->relation);
}

bool tn_parquet_contract_load(tn_parquet_contract *out, tn_error *err) {
    memset(out, 0, sizeof *out);
    tn_db *db = NULL;
    tn_strbuf cells = TN_STRBUF_INIT;
    size_t rows = 0;
    bool ok = tn_db_open(":memory:", TN_DB_READ_WRITE, &db, err) && build_empty(db, err) &&
              tn_query_cells(db, tn_embedded_text("sql/export/contract_columns.sql"), &cells, &rows,
                             4, err) &&
              collect(&cells, rows, out, err);
    tn_strbuf_free(&cells);
    tn_db_close(db);
    if (!ok) {
        tn_error_prefix(err, "deriving the Parquet column contract");
        tn_parquet_contract_free(out);
        return false;
    }
    qsort(out->files, out->count, sizeof *out->files, file_order);
    return true;
}

void tn_parquet_contract_free(tn_parquet_contract *contract) {
    for (size_t f = 0; f < contract->count; f++) {
        for (size_t c = 0; c < contract->files[f].column_count; c++) {
            free(contract->files[f].columns[c].name);
            free(contract->files[f].columns[c].type);
        }
        free(contract->files[f].columns);
    }
    free(contract->files);
    memset(contract, 0, sizeof *contract);
}

/* Whether `type` is one of the NULL-terminated `names`. */
static bool one_of(const char *type, const char *const *names) {
    for (size_t i = 0; names[i] != NULL; i++)
        if (strcasecmp(type, names[i]) == 0)
            return true;
    return false;
}

static const char *const integers[] = {"TINYINT", "SMALLINT", "INTEGER",   "BIGINT",
                                       "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
                                       "UBIGINT", "UHUGEINT", NULL};

/* DECIMAL(p,s) into *scale; false for any other type. */
static bool decimal_scale(const char *type, int *scale) {
    int precision;
    char end;
    return sscanf(type, "DECIMAL(%d,%d%c", &precision, scale, &end) == 3 && end == ')';
}

bool tn_parquet_type_accepts(const char *expected, const char *found) {
    static const char *const into_double[] = {"FLOAT",    "TINYINT",   "SMALLINT", "INTEGER",
                                              "UTINYINT", "USMALLINT", "UINTEGER", NULL};
    static const char *const into_float[] = {"TINYINT", "SMALLINT", "UTINYINT", "USMALLINT", NULL};
    static const char *const into_timestamp[] = {"TIMESTAMP_S", "TIMESTAMP_MS", NULL};
    int expected_scale, found_scale;
    if (strcasecmp(expected, found) == 0)
        return true;
    if (one_of(expected, integers))
        return one_of(found, integers) || (decimal_scale(found, &found_scale) && found_scale == 0);
    if (decimal_scale(expected, &expected_scale))
        return one_of(found, integers) ||
               (decimal_scale(found, &found_scale) && found_scale <= expected_scale);
    if (strcasecmp(expected, "DOUBLE") == 0)
        return one_of(found, into_double);
    if (strcasecmp(expected, "FLOAT") == 0)
        return one_of(found, into_float);
    if (strcasecmp(expected, "TIMESTAMP") == 0)
        return one_of(found, into_timestamp);
    return false;
}

/* The index in `found` of the column `name` (any case), or -1. */
static long find_column(const tn_parquet_column *found, size_t count, const char *name) {
    for (size_t i = 0; i < count; i++)
        if (strcasecmp(found[i].name, name) == 0)
            return (long)i;
    return -1;
}

bool tn_parquet_columns_check(const tn_parquet_file *expected, const char *path,
                              const tn_parquet_column *found, size_t found_count, tn_strbuf *select,
                              tn_error *err) {
    for (size_t c = 0; c < expected->column_count; c++) {
        const tn_parquet_column *want = &expected->columns[c];
        long at = find_column(found, found_count, want->name);
        if (at < 0)
            return tn_error_set(err, TN_ERR_INPUT,
                                "%s: no column %s (%s), which the column contract of %s requires "
                                "(docs/export.md)",
                                path, want->name, want->type, expected->relation);
        if (!tn_parquet_type_accepts(want->type, found[at].type))
            return tn_error_set(err, TN_ERR_INPUT,
                                "%s: column %s is %s, expected %s (or a type that casts to it "
                                "without changing a value: docs/export.md)",
                                path, found[at].name, found[at].type, want->type);
        tn_strbuf_puts(select, c == 0 ? "CAST(" : ",\n       CAST(");
        tn_load_sql_ident(select, found[at].name);
        tn_strbuf_printf(select, " AS %s) AS ", want->type);
        tn_load_sql_ident(select, want->name);
    }
    return true;
}
