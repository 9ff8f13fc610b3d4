/*
 * cmd_check.c — `tenure check`: the warehouse's data contracts.
 *
 * Each file of sql/checks selects the rows that break one contract (dbt's
 * singular tests): unique keys, accepted values, foreign keys, ranges, date
 * order, the marts' populations, the marts agreeing with raw. One line per
 * contract, PASS or FAIL with the number of offending rows and up to three
 * of their keys (the first column); exit 1 if any contract fails. The
 * warehouse is opened read-only.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "warehouse/build.h"
#include "warehouse/models.h"
#include "warehouse/shared_hashes.h"
#include "warehouse/template.h"
#include "warehouse/value_text.h"

enum { SAMPLE_KEYS = 3 };

static struct { const char *db_path; } options;

static void set_defaults(void) {
    options.db_path = "data/warehouse.duckdb";
}

static const tn_arg check_args[] = {
    {"db", TN_ARG_STRING, "FILE", "DuckDB warehouse (default data/warehouse.duckdb)",
     &options.db_path, 0, 0},
    {NULL, TN_ARG_FLAG, NULL, NULL, NULL, 0, 0},
};

/* Counts the offending rows of one rendered check and collects up to three keys. */
static bool run_check(tn_db *db, const char *check_sql, uint64_t *count, tn_strbuf *keys,
                      tn_error *err) {
    char limit[16];
    snprintf(limit, sizeof limit, "%d", SAMPLE_KEYS);
    const tn_template_var vars[] = {{"check", check_sql}, {"limit", limit}, {NULL, NULL}};
    tn_strbuf sql = TN_STRBUF_INIT;
    duckdb_result result;
    bool ok = tn_template_render_file("sql/cli/check.sql", vars, &sql, err);
    if (ok)
        ok = tn_db_query(db, tn_strbuf_cstr(&sql), &result, err);
    else
        memset(&result, 0, sizeof result);
    *count = 0;
    duckdb_data_chunk chunk = ok ? duckdb_fetch_chunk(result) : NULL;
    idx_t rows = chunk != NULL ? duckdb_data_chunk_get_size(chunk) : 0;
    for (idx_t r = 0; r < rows; r++) {
        tn_strbuf cell = TN_STRBUF_INIT;
        tn_value_text(duckdb_data_chunk_get_vector(chunk, 0), r, &cell);
        *count = strtoull(tn_strbuf_cstr(&cell), NULL, 10);
        tn_strbuf_reset(&cell);
        if (!tn_value_text(duckdb_data_chunk_get_vector(chunk, 1), r, &cell))
            tn_strbuf_puts(&cell, "NULL");
        tn_strbuf_printf(keys, "%s%s", r ? ", " : "", tn_strbuf_cstr(&cell));
        tn_strbuf_free(&cell);
    }
    if (chunk != NULL)
        duckdb_destroy_data_chunk(&chunk);
    duckdb_destroy_result(&result);
    tn_strbuf_free(&sql);
    return ok;
}

/* Runs every check and prints its line; returns how many failed (or could not run). */
static int run_checks(tn_db *db, const tn_model_set *models, const tn_template_var *vars) {
    int failed = 0, checks = 0;
    for (size_t i = 0; i < models->count; i++) {
        const tn_model *model = &models->models[i];
        if (model->layer != TN_LAYER_CHECKS)
            continue;
        checks++;
        tn_strbuf sql = TN_STRBUF_INIT, keys = TN_STRBUF_INIT;
        tn_error err;
        tn_error_clear(&err);
        uint64_t count = 0;
        tn_progress progress;
        tn_progress_begin(&progress, model->name, 0);
        bool ran = tn_model_render(models, i, vars, &sql, &err) &&
                   run_check(db, tn_strbuf_cstr(&sql), &count, &keys, &err);
        tn_progress_end(&progress);
        if (!ran) {
            printf("ERROR %s: %s\n", model->name, err.message);
            failed++;
        } else if (count == 0) {
            printf("PASS  %s\n", model->name);
        } else {
            printf("FAIL  %s: %llu row%s, e.g. %s\n", model->name, (unsigned long long)count,
                   count == 1 ? "" : "s", tn_strbuf_cstr(&keys));
            failed++;
        }
        tn_strbuf_free(&sql);
        tn_strbuf_free(&keys);
    }
    fflush(stdout);
    tn_log_info("check: %d contract%s, %d failed", checks, checks == 1 ? "" : "s", failed);
    return failed;
}

/* The table of the hashes more than one usage event's id has: var('shared_event_id_hashes'). */
#define SHARED_EVENT_ID_HASHES "tn_shared_event_id_hashes"

/* Whether a contract of `models` reads var('shared_event_id_hashes'). */
static bool hashes_wanted(const tn_model_set *models) {
    for (size_t m = 0; m < models->count; m++)
        if (models->models[m].layer == TN_LAYER_CHECKS &&
            strstr(models->models[m].sql, "shared_event_id_hashes") != NULL)
            return true;
    return false;
}

/*
 * Finds them (warehouse/shared_hashes.h), before the contracts run: one pass
 * over every event, so only when a contract asks for them.
 */
static bool find_shared_event_ids(tn_db *db, const tn_model_set *models, tn_error *err) {
    if (!hashes_wanted(models))
        return true;
    tn_progress progress;
    tn_progress_begin(&progress, "usage event ids hashed", 0);
    bool ok = tn_shared_hashes_find(db, "raw.usage_events", "event_id", SHARED_EVENT_ID_HASHES,
                                    NULL, err);
    tn_progress_end(&progress);
    if (!ok)
        tn_error_prefix(err, "usage event ids");
    return ok;
}

static int run_check_command(int positional_count, char **positional) {
    (void)positional_count;
    (void)positional;
    tn_error err;
    tn_error_clear(&err);
    tn_db *db = NULL;
    tn_model_set models = {NULL, 0};
    const bool layers[TN_LAYER_COUNT] = {true, true, true};
    tn_day as_of, data_as_of;
    bool ok = tn_db_open(options.db_path, TN_DB_READ_ONLY, &db, &err) &&
              tn_build_info_dates(db, &as_of, &data_as_of, &err) &&
              tn_models_load(layers, &models, &err) && find_shared_event_ids(db, &models, &err);
    if (!ok) {
        tn_log_error("check: %s", err.message);
        tn_db_close(db);
        return 1;
    }
    char as_of_text[TN_DATE_BUF], data_text[TN_DATE_BUF];
    const tn_template_var vars[] = {{"as_of", tn_date_format(as_of, as_of_text)},
                                    {"data_as_of", tn_date_format(data_as_of, data_text)},
                                    {"shared_event_id_hashes", SHARED_EVENT_ID_HASHES},
                                    {NULL, NULL}};
    int failed = run_checks(db, &models, vars);
    tn_models_free(&models);
    tn_db_close(db);
    return failed > 0 ? 1 : 0;
}

const tn_command tn_cmd_check = {
    .summary = "run the data contracts; exit 1 on any failure",
    .description = "Runs every contract of sql/checks on the warehouse (opened read-only).",
    .spec = {.command = "check", .args = check_args},
    .set_defaults = set_defaults,
    .run = run_check_command,
};
