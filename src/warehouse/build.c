/*
 * build.c — the warehouse build (see build.h).
 */
#include "warehouse/build.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/embedded.h"
#include "common/strbuf.h"
#include "tn_version.h"
#include "warehouse/models.h"
#include "warehouse/value_text.h"

/* The state shared by the build thread and the watcher. */
typedef struct {
    const tn_build_options *options;
    tn_build_result *result;
    tn_model_set models;
    _Atomic(const char *) step; /* what the build thread is doing (static or owned below) */
    char step_text[2][160];     /* two buffers so the watcher never reads one being written */
    atomic_int step_buffer;
} build_job;

static void set_step(build_job *job, const char *fmt, const char *name) {
    int next = 1 - atomic_load(&job->step_buffer);
    snprintf(job->step_text[next], sizeof job->step_text[next], fmt, name);
    atomic_store(&job->step, job->step_text[next]);
    atomic_store(&job->step_buffer, next);
}

/* The first cell of a query as text; false (with err) on failure, "" for NULL or no row. */
static bool query_cell(tn_db *db, const char *sql, char *out, size_t size, tn_error *err) {
    duckdb_result result;
    bool ok = tn_db_query(db, sql, &result, err);
    tn_strbuf text = TN_STRBUF_INIT;
    duckdb_data_chunk chunk = ok ? duckdb_fetch_chunk(result) : NULL;
    if (chunk != NULL && duckdb_data_chunk_get_size(chunk) > 0)
        tn_value_text(duckdb_data_chunk_get_vector(chunk, 0), 0, &text);
    if (chunk != NULL)
        duckdb_destroy_data_chunk(&chunk);
    snprintf(out, size, "%s", tn_strbuf_cstr(&text));
    tn_strbuf_free(&text);
    duckdb_destroy_result(&result);
    return ok;
}

static bool table_exists(tn_db *db, const char *schema, const char *table, bool *exists,
                         tn_error *err) {
    char sql[256], cell[32];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM information_schema.tables WHERE table_schema = '%s' AND "
             "table_name = '%s'",
             schema, table);
    bool ok = query_cell(db, sql, cell, sizeof cell, err);
    *exists = ok && strcmp(cell, "1") == 0;
    return ok;
}

/* The data's own as-of date: generate's record, else the day after the latest event. */
static bool data_as_of(tn_db *db, bool loaded, tn_day *out, tn_error *err) {
    char cell[32] = "";
    bool generated = false;
    if (!loaded && !table_exists(db, "meta", "generation", &generated, err))
        return false;
    const char *sql = generated
                          ? "SELECT as_of FROM meta.generation"
                          : "SELECT CAST(max(\"timestamp\") AS DATE) + 1 FROM raw.usage_events";
    if (!query_cell(db, sql, cell, sizeof cell, err))
        return false;
    if (cell[0] == '\0')
        return tn_error_set(
            err, TN_ERR_INPUT,
            "raw.usage_events is empty, so the data has no as-of date: give --as-of");
    return tn_date_parse(cell, out, err);
}

static bool check_raw_tables(tn_db *db, tn_error *err) {
    for (int t = 0; t < TN_RAW_TABLE_COUNT; t++) {
        bool exists = false;
        if (!table_exists(db, "raw", tn_raw_tables[t], &exists, err))
            return false;
        if (!exists)
            return tn_error_set(err, TN_ERR_INPUT,
                                "%s has no raw.%s: create the raw tables with 'tenure generate' "
                                "or 'tenure build --raw DIR'",
                                "the warehouse", tn_raw_tables[t]);
    }
    return true;
}

static bool run_models(build_job *job, tn_db *db, const tn_template_var *vars, tn_error *err) {
    tn_strbuf sql = TN_STRBUF_INIT;
    bool ok = tn_db_exec(db,
                         "DROP SCHEMA IF EXISTS marts CASCADE; DROP SCHEMA IF EXISTS staging "
                         "CASCADE; CREATE SCHEMA staging; CREATE SCHEMA marts",
                         err);
    for (size_t i = 0; ok && i < job->models.count; i++) {
        const tn_model *model = &job->models.models[i];
        set_step(job, "building %s", model->name);
        tn_strbuf_reset(&sql);
        tn_strbuf_printf(&sql, "CREATE %s %s.%s AS\n",
                         model->layer == TN_LAYER_STAGING ? "VIEW" : "TABLE",
                         tn_layer_schema(model->layer), model->name);
        ok = tn_model_render(&job->models, i, vars, &sql, err) &&
             tn_db_exec(db, tn_strbuf_cstr(&sql), err);
        if (!ok && err != NULL && err->code == TN_ERR_DB)
            tn_error_prefix(err, "%s", model->path);
    }
    tn_strbuf_free(&sql);
    return ok;
}

/* marts.build_info, with the row count of every raw table and model. */
static bool record_build(build_job *job, tn_db *db, const char *as_of, const char *data_as_of,
                         tn_error *err) {
    tn_strbuf sql = TN_STRBUF_INIT;
    tn_strbuf_printf(
        &sql,
        "INSERT INTO marts.build_info SELECT DATE '%s', DATE '%s', '%s', "
        "timezone('UTC', current_timestamp), '%s', (SELECT map_from_entries(list((t, n))) "
        "FROM (",
        as_of, data_as_of, job->result->loaded ? "loaded" : "generated", TN_VERSION);
    for (int t = 0; t < TN_RAW_TABLE_COUNT; t++)
        tn_strbuf_printf(&sql, "%sSELECT 'raw.%s' AS t, count(*) AS n FROM raw.%s",
                         t ? " UNION ALL " : "", tn_raw_tables[t], tn_raw_tables[t]);
    for (size_t i = 0; i < job->models.count; i++) {
        const tn_model *model = &job->models.models[i];
        tn_strbuf_printf(&sql, " UNION ALL SELECT '%s.%s', count(*) FROM %s.%s",
                         tn_layer_schema(model->layer), model->name, tn_layer_schema(model->layer),
                         model->name);
    }
    tn_strbuf_puts(&sql, "))");
    bool ok = tn_db_exec(db, tn_embedded_text("sql/build/build_info.sql"), err) &&
              tn_db_exec(db, tn_strbuf_cstr(&sql), err);
    tn_strbuf_free(&sql);
    return ok;
}

static bool count_raw_rows(tn_db *db, uint64_t rows[TN_RAW_TABLE_COUNT], tn_error *err) {
    for (int t = 0; t < TN_RAW_TABLE_COUNT; t++) {
        char sql[128], cell[32];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM raw.%s", tn_raw_tables[t]);
        if (!query_cell(db, sql, cell, sizeof cell, err))
            return false;
        rows[t] = strtoull(cell, NULL, 10);
    }
    return true;
}

/* Everything inside the transaction. */
static bool build_in_transaction(build_job *job, tn_db *db, tn_error *err) {
    tn_build_result *result = job->result;
    bool ok = true;
    if (result->loaded) {
        set_step(job, "%s", "replacing the raw tables");
        ok = tn_db_exec(db, tn_embedded_text("sql/raw/schema.sql"), err) &&
             tn_raw_load_commit(db, err);
    }
    ok =
        ok && check_raw_tables(db, err) && data_as_of(db, result->loaded, &result->data_as_of, err);
    if (!ok)
        return false;
    result->as_of = job->options->as_of != TN_DAY_UNSET ? job->options->as_of : result->data_as_of;
    char as_of[TN_DATE_BUF], data_day[TN_DATE_BUF];
    tn_date_format(result->as_of, as_of);
    tn_date_format(result->data_as_of, data_day);
    const tn_template_var vars[] = {{"as_of", as_of}, {"data_as_of", data_day}, {NULL, NULL}};
    ok = run_models(job, db, vars, err) && record_build(job, db, as_of, data_day, err) &&
         count_raw_rows(db, result->raw_rows, err);
    result->models = job->models.count;
    return ok;
}

static void report_load_step(void *context, const char *what) {
    set_step(context, "%s", what);
}

/* The whole build, on the helper thread. */
static bool build_work(tn_db *db, void *context, tn_error *err) {
    build_job *job = context;
    tn_build_result *result = job->result;
    if (job->options->raw_dir != NULL) {
        if (!tn_raw_load_stage(db, job->options->raw_dir, report_load_step, job, &result->load,
                               err))
            return false;
        if (result->load.problems > 0 && !job->options->lenient) {
            char *report = NULL;
            size_t length = 0;
            FILE *stream = open_memstream(&report, &length);
            bool reported = stream != NULL && tn_raw_load_report(db, 20, stream, err);
            if (stream != NULL)
                fclose(stream);
            result->problem_report = report;
            if (!reported)
                return false;
            return tn_error_set(err, TN_ERR_INPUT,
                                "%llu problem%s in %s; the warehouse is unchanged (--lenient "
                                "loads the good rows and keeps the others in raw.rejects)",
                                (unsigned long long)result->load.problems,
                                result->load.problems == 1 ? "" : "s", job->options->raw_dir);
        }
    }
    if (!tn_db_exec(db, "BEGIN TRANSACTION", err))
        return false;
    if (!build_in_transaction(job, db, err)) {
        tn_error ignored;
        tn_db_exec(db, "ROLLBACK", &ignored);
        return false;
    }
    set_step(job, "%s", "committing");
    return tn_db_exec(db, "COMMIT", err);
}

typedef struct {
    build_job *job;
    const tn_build_watch *watch;
} watch_bridge;

static void bridge_tick(void *context, double percent) {
    watch_bridge *bridge = context;
    const char *step = atomic_load(&bridge->job->step);
    if (bridge->watch != NULL && bridge->watch->step != NULL && step != NULL)
        bridge->watch->step(bridge->watch->context, step, percent);
}

static bool bridge_stop(void *context) {
    watch_bridge *bridge = context;
    return bridge->watch != NULL && bridge->watch->should_stop != NULL &&
           bridge->watch->should_stop(bridge->watch->context);
}

bool tn_build(const tn_build_options *options, const tn_build_watch *watch, tn_build_result *result,
              tn_error *err) {
    memset(result, 0, sizeof *result);
    result->loaded = options->raw_dir != NULL;
    struct stat info;
    if (!result->loaded && stat(options->db_path, &info) != 0)
        return tn_error_set(err, TN_ERR_INPUT,
                            "--db %s: no such warehouse (create it with 'tenure generate' or "
                            "'tenure build --raw DIR')",
                            options->db_path);
    build_job *job = calloc(1, sizeof *job);
    if (job == NULL)
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    job->options = options;
    job->result = result;
    const bool layers[TN_LAYER_COUNT] = {true, true, false};
    tn_db *db = NULL;
    bool ok = tn_models_load(layers, &job->models, err);
    if (ok && !tn_db_open(options->db_path, TN_DB_READ_WRITE, &db, err)) {
        tn_error_prefix(err, "--db");
        ok = false;
    }
    if (ok) {
        watch_bridge bridge = {job, watch};
        tn_db_watch db_watch = {&bridge, bridge_tick, bridge_stop};
        ok = tn_db_run_watched(db, build_work, job, &db_watch, err);
        if (!ok && err != NULL && err->code == TN_ERR_INTERRUPTED)
            tn_error_set(err, TN_ERR_INTERRUPTED, "interrupted; %s is unchanged", options->db_path);
    }
    tn_db_close(db);
    tn_models_free(&job->models);
    free(job);
    return ok;
}

void tn_build_result_free(tn_build_result *result) {
    free(result->problem_report);
    result->problem_report = NULL;
}

bool tn_build_info_dates(tn_db *db, tn_day *as_of, tn_day *data_as_of, tn_error *err) {
    bool exists = false;
    if (!table_exists(db, "marts", "build_info", &exists, err))
        return false;
    if (!exists)
        return tn_error_set(err, TN_ERR_INPUT, "%s has no marts yet: run 'tenure build' first",
                            tn_db_path(db));
    char first[32], second[32];
    return query_cell(db, "SELECT as_of FROM marts.build_info", first, sizeof first, err) &&
           query_cell(db, "SELECT data_as_of FROM marts.build_info", second, sizeof second, err) &&
           tn_date_parse(first, as_of, err) && tn_date_parse(second, data_as_of, err);
}
