/*
 * parquet_inputs.c — the relations the stages read, made views over the
 * Parquet files of `--parquet DIR` once they pass the column contract (see
 * parquet_inputs.h).
 */
#include "warehouse/parquet_inputs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/embedded.h"
#include "common/strbuf.h"
#include "warehouse/load_sql.h"
#include "warehouse/parquet_contract.h"
#include "warehouse/query.h"
#include "warehouse/template.h"

static const char *const catalogs[] = {"marts", "staging", "training"};
enum { CATALOGS = sizeof catalogs / sizeof catalogs[0] };

/* An error when the database has a schema that would hide one of the catalogs. */
static bool no_own_schemas(tn_db *db, tn_error *err) {
    tn_strbuf names = TN_STRBUF_INIT;
    size_t rows = 0;
    bool ok =
        tn_query_cells(db, tn_embedded_text("sql/export/own_schemas.sql"), &names, &rows, 1, err);
    if (ok && rows > 0)
        ok = tn_error_set(err, TN_ERR_INPUT,
                          "%s has a %s schema of its own (a warehouse 'tenure build' made?): with "
                          "--parquet the marts come from the Parquet files, so give --db a "
                          "database without one (a new file is fine)",
                          tn_db_path(db), names.data);
    tn_strbuf_free(&names);
    return ok;
}

/* The columns of the Parquet file `path`, checked, into `select` (parquet_contract.h). */
static bool check_file(tn_db *db, const tn_parquet_file *file, const char *path, tn_strbuf *select,
                       tn_error *err) {
    if (access(path, R_OK) != 0)
        return tn_error_set(err, TN_ERR_INPUT,
                            "%s is missing: --parquet reads %s from it ('tenure export' writes "
                            "every file the column contract lists: docs/export.md)",
                            path, file->relation);
    tn_strbuf cells = TN_STRBUF_INIT;
    size_t rows = 0;
    const char *params[] = {path};
    bool ok = tn_query_cells_params(db, tn_embedded_text("sql/export/file_columns.sql"), params, 1,
                                    &cells, &rows, 2, err);
    if (!ok)
        tn_error_prefix(err, "%s: not a Parquet file DuckDB can read", path);
    tn_parquet_column *found = ok ? calloc(rows + 1, sizeof *found) : NULL;
    if (ok && found == NULL)
        ok = tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    char *at = cells.data;
    for (size_t r = 0; ok && r < rows; r++) {
        found[r].name = at;
        found[r].type = at + strlen(at) + 1;
        at = found[r].type + strlen(found[r].type) + 1;
    }
    ok = ok && tn_parquet_columns_check(file, path, found, rows, select, err);
    free(found);
    tn_strbuf_free(&cells);
    return ok;
}

/* Runs a template of sql/export with `vars`. */
static bool run_template(tn_db *db, const char *path, const tn_template_var *vars, tn_error *err) {
    tn_strbuf sql = TN_STRBUF_INIT;
    bool ok =
        tn_template_render_file(path, vars, &sql, err) && tn_db_exec(db, tn_strbuf_cstr(&sql), err);
    tn_strbuf_free(&sql);
    return ok;
}

/* The catalogs, then one view per checked file (selects[f] empty: a file not needed). */
static bool attach_views(tn_db *db, const tn_parquet_contract *contract, const char *dir,
                         const tn_strbuf *selects, tn_error *err) {
    bool ok = true;
    for (size_t c = 0; ok && c < CATALOGS; c++) {
        const tn_template_var vars[] = {{"catalog", catalogs[c]}, {NULL, NULL}};
        ok = run_template(db, "sql/export/attach.sql", vars, err);
    }
    tn_strbuf path = TN_STRBUF_INIT, literal = TN_STRBUF_INIT;
    for (size_t f = 0; ok && f < contract->count; f++) {
        if (selects[f].length == 0)
            continue;
        tn_strbuf_reset(&path);
        tn_strbuf_reset(&literal);
        tn_strbuf_printf(&path, "%s/%s", dir, contract->files[f].file);
        tn_load_sql_string(&literal, tn_strbuf_cstr(&path));
        const tn_template_var vars[] = {{"relation", contract->files[f].relation},
                                        {"columns", tn_strbuf_cstr(&selects[f])},
                                        {"path", tn_strbuf_cstr(&literal)},
                                        {NULL, NULL}};
        ok = run_template(db, "sql/export/view.sql", vars, err);
    }
    tn_strbuf_free(&path);
    tn_strbuf_free(&literal);
    return ok;
}

bool tn_parquet_inputs_attach(tn_db *db, const char *dir, tn_parquet_needs needs, tn_error *err) {
    tn_parquet_contract contract = {NULL, 0};
    if (!no_own_schemas(db, err) || !tn_parquet_contract_load(&contract, err))
        return false;
    tn_strbuf *selects = calloc(contract.count, sizeof *selects);
    bool ok = selects != NULL || tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    tn_strbuf path = TN_STRBUF_INIT;
    for (size_t f = 0; ok && f < contract.count; f++) {
        if (contract.files[f].training && needs != TN_PARQUET_TRAINING)
            continue;
        tn_strbuf_reset(&path);
        tn_strbuf_printf(&path, "%s/%s", dir, contract.files[f].file);
        ok = check_file(db, &contract.files[f], tn_strbuf_cstr(&path), &selects[f], err);
    }
    ok = ok && attach_views(db, &contract, dir, selects, err);
    for (size_t f = 0; selects != NULL && f < contract.count; f++)
        tn_strbuf_free(&selects[f]);
    free(selects);
    tn_strbuf_free(&path);
    tn_parquet_contract_free(&contract);
    return ok;
}

bool tn_parquet_inputs_open(const char *db_path, tn_db_mode mode, const char *dir,
                            tn_parquet_needs needs, tn_db **out, tn_error *err) {
    bool missing = mode == TN_DB_READ_ONLY && access(db_path, F_OK) != 0;
    *out = NULL;
    bool ok =
        tn_db_open(missing ? ":memory:" : db_path, missing ? TN_DB_READ_WRITE : mode, out, err) &&
        tn_parquet_inputs_attach(*out, dir, needs, err);
    if (!ok) {
        tn_db_close(*out);
        *out = NULL;
    }
    return ok;
}
