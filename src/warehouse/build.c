/*
 * build.c — the warehouse build (see build.h).
 */
#include "warehouse/build.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/embedded.h"
#include "common/strbuf.h"
#include "tn_version.h"
#include "warehouse/models.h"
#include "warehouse/query.h"
#include "warehouse/template.h"

/* The state shared by the build thread and the watcher. */
typedef struct {
    const tn_build_options *options;
    tn_build_result *result;
    tn_model_set models;
    tn_contract contract;
    tn_mapping mapping;         /* when loading */
    tn_raw_load *load;          /* when loading */
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

/*
 * The day after the latest usage event `events` holds (a relation, or a
 * query in parentheses), with the reason for people; *found is false when
 * it holds none.
 */
static bool day_after_latest_event(tn_db *db, const char *events, tn_build_result *result,
                                   tn_day *day, bool *found, tn_error *err) {
    const tn_template_var vars[] = {{"events", events}, {NULL, NULL}};
    tn_strbuf sql = TN_STRBUF_INIT, cells = TN_STRBUF_INIT;
    size_t rows = 0;
    bool ok = tn_template_render_file("sql/build/latest_event.sql", vars, &sql, err) &&
              tn_query_cells(db, tn_strbuf_cstr(&sql), &cells, &rows, 2, err);
    tn_strbuf_free(&sql);
    const char *next_day = ok && rows == 1 ? cells.data : "";
    *found = next_day[0] != '\0';
    if (*found) {
        snprintf(result->as_of_reason, sizeof result->as_of_reason,
                 "the day after the latest usage event, %s UTC", next_day + strlen(next_day) + 1);
        ok = tn_date_parse(next_day, day, err);
    }
    tn_strbuf_free(&cells);
    return ok;
}

/* The data's own as-of date: generate's record, else the day after the latest event. */
static bool data_as_of(tn_db *db, bool loaded, tn_build_result *result, tn_error *err) {
    bool generated = false;
    if (!loaded && !tn_query_table_exists(db, "meta", "generation", &generated, err))
        return false;
    if (generated) {
        char cell[32] = "";
        snprintf(result->as_of_reason, sizeof result->as_of_reason,
                 "the date tenure generate recorded");
        return tn_query_text(db, tn_embedded_text("sql/build/generation_as_of.sql"), cell,
                             sizeof cell, err) &&
               tn_date_parse(cell, &result->data_as_of, err);
    }
    bool found = false;
    if (!day_after_latest_event(db, "raw.usage_events", result, &result->data_as_of, &found, err))
        return false;
    return found || tn_error_set(err, TN_ERR_INPUT,
                                 "raw.usage_events is empty, so the data has no as-of date: "
                                 "give --as-of");
}

/* Whether `columns` (tn_query_cells' "table", "column" pairs) has table.column (NULL: any). */
static bool has_column(const tn_strbuf *columns, size_t rows, const char *table,
                       const char *column) {
    const char *cell = columns->data;
    for (size_t r = 0; r < rows; r++) {
        const char *name = cell + strlen(cell) + 1;
        if (strcmp(cell, table) == 0 && (column == NULL || strcmp(name, column) == 0))
            return true;
        cell = name + strlen(name) + 1;
    }
    return false;
}

/* A missing raw table or column: what to do about it. */
static bool missing_raw(build_job *job, const char *table, const tn_contract_column *column,
                        tn_error *err) {
    if (column == NULL && job->options->append)
        return tn_error_set(err, TN_ERR_INPUT,
                            "--db %s has no raw.%s to add to: --append adds an increment to a "
                            "loaded warehouse; load a full export first with 'tenure build --raw "
                            "DIR'",
                            job->options->db_path, table);
    if (column == NULL)
        return tn_error_set(err, TN_ERR_INPUT,
                            "the warehouse has no raw.%s: create the raw tables with 'tenure "
                            "generate' or 'tenure build --raw DIR'",
                            table);
    if (!column->optional)
        return tn_error_set(err, TN_ERR_INPUT,
                            "raw.%s has no column %s: rebuild the raw tables with 'tenure "
                            "generate' or 'tenure build --raw DIR'",
                            table, column->name);
    return tn_error_set(err, TN_ERR_INPUT,
                        "raw.%s has no column %s (an earlier version made the warehouse): run "
                        "'tenure build' once, which adds it, then append",
                        table, column->name);
}

/*
 * Every raw table with every column of the contract (one query for all). A
 * warehouse made by an earlier version lacks the optional columns added
 * since (the account's name, owner, renewal and CRM id): with `upgrade`
 * they are added, empty, so it can still be rebuilt; without (before an
 * increment is read, outside the transaction) that is an error saying so.
 * A missing required column is an error.
 */
static bool check_raw_tables(build_job *job, tn_db *db, bool upgrade, tn_error *err) {
    tn_strbuf columns = TN_STRBUF_INIT;
    size_t rows = 0;
    bool ok =
        tn_query_cells(db, tn_embedded_text("sql/build/raw_columns.sql"), &columns, &rows, 2, err);
    for (int t = 0; ok && t < TN_RAW_TABLE_COUNT; t++) {
        const tn_contract_table *table = &job->contract.tables[t];
        if (!has_column(&columns, rows, table->name, NULL)) {
            ok = missing_raw(job, table->name, NULL, err);
            break;
        }
        for (int c = 0; ok && c < table->column_count; c++) {
            const tn_contract_column *column = &table->columns[c];
            if (has_column(&columns, rows, table->name, column->name))
                continue;
            if (!column->optional || !upgrade) {
                ok = missing_raw(job, table->name, column, err);
                break;
            }
            const tn_template_var vars[] = {{"table", table->name},
                                            {"column", column->name},
                                            {"type", column->sql_type},
                                            {NULL, NULL}};
            tn_strbuf sql = TN_STRBUF_INIT;
            ok = tn_template_render_file("sql/build/add_raw_column.sql", vars, &sql, err) &&
                 tn_db_exec(db, tn_strbuf_cstr(&sql), err);
            tn_strbuf_free(&sql);
        }
    }
    tn_strbuf_free(&columns);
    return ok;
}

static bool run_models(build_job *job, tn_db *db, const tn_template_var *vars, tn_error *err) {
    tn_strbuf sql = TN_STRBUF_INIT;
    bool ok = tn_db_exec(db, tn_embedded_text("sql/build/reset_schemas.sql"), err);
    for (size_t i = 0; ok && i < job->models.count; i++) {
        const tn_model *model = &job->models.models[i];
        set_step(job, "building %s", model->name);
        tn_strbuf_reset(&sql);
        ok = tn_model_create(&job->models, i, TN_DIALECT_DUCKDB, vars, NULL, NULL, &sql, err) &&
             tn_db_exec(db, tn_strbuf_cstr(&sql), err);
        if (!ok && err != NULL && (err->code == TN_ERR_DB || err->code == TN_ERR_NOMEM))
            tn_error_prefix(err, "%s", model->path);
    }
    tn_strbuf_free(&sql);
    return ok;
}

/* marts.build_info, with the row count of every raw table and model. */
static bool record_build(build_job *job, tn_db *db, const char *as_of, const char *data_as_of,
                         tn_error *err) {
    /* the raw tables came from `tenure generate` as long as its record is there */
    bool generated = false;
    if (!tn_query_table_exists(db, "meta", "generation", &generated, err))
        return false;
    tn_strbuf counts = TN_STRBUF_INIT, sql = TN_STRBUF_INIT;
    /* i keeps the entries in this order, whatever order the threads finish in */
    for (int t = 0; t < TN_RAW_TABLE_COUNT; t++)
        tn_strbuf_printf(&counts, "%sSELECT %d AS i, 'raw.%s' AS t, count(*) AS n FROM raw.%s",
                         t ? " UNION ALL " : "", t, tn_raw_tables[t], tn_raw_tables[t]);
    for (size_t i = 0; i < job->models.count; i++) {
        const tn_model *model = &job->models.models[i];
        tn_strbuf_printf(&counts, " UNION ALL SELECT %zu, '%s.%s', count(*) FROM %s.%s",
                         TN_RAW_TABLE_COUNT + i, tn_layer_schema(model->layer), model->name,
                         tn_layer_schema(model->layer), model->name);
    }
    const tn_template_var vars[] = {{"counts", tn_strbuf_cstr(&counts)}, {NULL, NULL}};
    const char *params[] = {as_of, data_as_of, generated ? "generated" : "loaded", TN_VERSION};
    bool ok = tn_db_exec(db, tn_embedded_text("sql/build/build_info.sql"), err) &&
              tn_template_render_file("sql/build/record_build.sql", vars, &sql, err) &&
              tn_db_exec_params(db, tn_strbuf_cstr(&sql), params, 4, err);
    tn_strbuf_free(&counts);
    tn_strbuf_free(&sql);
    return ok;
}

static bool count_raw_rows(tn_db *db, uint64_t rows[TN_RAW_TABLE_COUNT], tn_error *err) {
    bool ok = true;
    for (int t = 0; ok && t < TN_RAW_TABLE_COUNT; t++) {
        const tn_template_var vars[] = {{"table", tn_raw_tables[t]}, {NULL, NULL}};
        tn_strbuf sql = TN_STRBUF_INIT;
        ok = tn_template_render_file("sql/build/raw_rows.sql", vars, &sql, err) &&
             tn_query_count(db, tn_strbuf_cstr(&sql), &rows[t], err);
        tn_strbuf_free(&sql);
    }
    return ok;
}

/* An increment may not move the as-of date back from the last build's. */
static bool check_forward(const tn_build_result *result, tn_day as_of, const char *why,
                          tn_error *err) {
    if (result->previous_as_of == TN_DAY_UNSET || as_of >= result->previous_as_of)
        return true;
    char day[TN_DATE_BUF], previous[TN_DATE_BUF];
    tn_date_format(as_of, day);
    tn_date_format(result->previous_as_of, previous);
    return tn_error_set(err, TN_ERR_INPUT,
                        "the increment's as-of date %s (%s) is earlier than the warehouse's, %s: "
                        "an increment moves the as-of date forward, so give --as-of %s or later "
                        "(a plain 'tenure build --as-of D' rebuilds the marts as of an earlier "
                        "date); the warehouse is unchanged",
                        day, why, previous, previous);
}

/*
 * Before an increment is read: raw tables to add to, and the as-of date of
 * the last build (marts.build_info, when there is one), which an --as-of
 * may not precede.
 */
static bool check_append_target(build_job *job, tn_db *db, tn_error *err) {
    tn_build_result *result = job->result;
    bool built = false;
    tn_day data_day;
    if (!check_raw_tables(job, db, false, err) ||
        !tn_query_table_exists(db, "marts", "build_info", &built, err) ||
        (built && !tn_build_info_dates(db, &result->previous_as_of, &data_day, err)))
        return false;
    return job->options->as_of == TN_DAY_UNSET ||
           check_forward(result, job->options->as_of, "--as-of", err);
}

/* The exports into the raw tables: replacing them, or an increment merged by primary key. */
static bool write_raw(build_job *job, tn_db *db, tn_error *err) {
    if (job->options->append) {
        set_step(job, "%s", "merging the increment into the raw tables");
        return tn_raw_load_merge(job->load, db, job->result->merged, err);
    }
    set_step(job, "%s", "replacing the raw tables");
    return tn_raw_schema_create(db, TN_EVENTS_ANY_ORDER, err) &&
           tn_raw_load_commit(job->load, db, err);
}

/* The build's as-of date: --as-of, or the data's own; an increment may not move it back. */
static bool choose_as_of(build_job *job, tn_db *db, tn_error *err) {
    tn_build_result *result = job->result;
    if (!data_as_of(db, result->loaded, result, err))
        return false;
    result->as_of = job->options->as_of != TN_DAY_UNSET ? job->options->as_of : result->data_as_of;
    if (job->options->as_of != TN_DAY_UNSET)
        snprintf(result->as_of_reason, sizeof result->as_of_reason, "given by --as-of");
    return !job->options->append || check_forward(result, result->as_of, result->as_of_reason, err);
}

/*
 * DuckDB's buffer pool when a build loads exports: the smaller of 2 GB and
 * the budget. Reading, checking and storing them stream (the load tables
 * are in a scratch database on disk, and the duplicate event ids are found
 * by hash in bounded memory), so a larger pool only fills with cached
 * blocks. At 50,000 customers (12 GB of CSV) `build --raw` took 145 s and
 * held 9.7 GB with the default budget (9.6 GB), 142 s and 5.0 GB with 2 GB
 * for the load and the whole budget for the models, and 143 s and 2.5 GB
 * with 2 GB throughout (the models about 5 s slower).
 */
#define LOAD_MEMORY_LIMIT 2000000000ULL

static bool lower_memory_for_load(tn_db *db, tn_error *err) {
    uint64_t budget = tn_db_memory_limit(db);
    if (budget != 0 && budget <= LOAD_MEMORY_LIMIT) /* 0: DuckDB's own default, no budget known */
        return true;
    return tn_db_set_memory_limit(db, LOAD_MEMORY_LIMIT, err);
}

/* Everything inside the transaction. */
static bool build_in_transaction(build_job *job, tn_db *db, tn_error *err) {
    tn_build_result *result = job->result;
    bool ok = (!result->loaded || write_raw(job, db, err)) &&
              check_raw_tables(job, db, true, err) && choose_as_of(job, db, err) &&
              (!result->loaded || tn_raw_load_keep_rejects(job->load, db, result->as_of, err));
    if (!ok)
        return false;
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

/* No loaded row may be dated after the as-of date, nor after today when it comes from the data. */
static tn_load_limits load_limits(const tn_build_options *options) {
    tn_load_limits limits = {.as_of_given = options->as_of != TN_DAY_UNSET,
                             .as_of = options->as_of,
                             .today = tn_timestamp_day((tn_timestamp)time(NULL))};
    return limits;
}

/* Reads and checks the exports; with problems, the report goes to the result. */
static bool stage_load(build_job *job, tn_db *db, bool *clean, tn_error *err) {
    tn_build_result *result = job->result;
    tn_load_limits limits = load_limits(job->options);
    if (!tn_raw_load_stage(job->load, db, &limits, report_load_step, job, err))
        return false;
    result->load = *tn_raw_load_summary(job->load);
    *clean = result->load.problems + result->load.consequences == 0;
    if (*clean)
        return true;
    char *report = NULL;
    size_t length = 0;
    FILE *stream = open_memstream(&report, &length);
    bool reported = stream != NULL && tn_raw_load_report(job->load, db, 20, stream, err);
    if (stream != NULL)
        fclose(stream);
    result->problem_report = report;
    return reported || (stream == NULL && tn_error_set(err, TN_ERR_NOMEM, "out of memory"));
}

static const char *exports_name(const tn_build_options *options) {
    return options->raw_dir != NULL ? options->raw_dir : options->mapping_path;
}

/* An increment may leave any table out, but not all of them. */
static bool check_some_file(build_job *job, tn_error *err) {
    for (int t = 0; t < TN_RAW_TABLE_COUNT; t++) {
        if (job->result->load.table_files[t] > 0)
            return true;
    }
    return tn_error_set(err, TN_ERR_INPUT,
                        "%s holds no file of any table (%s): an increment needs at least one; "
                        "the warehouse is unchanged",
                        exports_name(job->options),
                        job->mapping.path != NULL
                            ? "none of the files its project file names exists"
                            : "customers.csv, usage_events.csv, gtm_opportunities.csv, "
                              "support_tickets.csv or risk_signals.csv");
}

/* An increment's checks of the warehouse, then the exports read and checked. */
static bool stage_work(build_job *job, tn_db *db, bool *clean, tn_error *err) {
    if (job->options->append && !check_append_target(job, db, err))
        return false;
    return stage_load(job, db, clean, err) && (!job->options->append || check_some_file(job, err));
}

/* The whole build, on the helper thread. */
static bool build_work(tn_db *db, void *context, tn_error *err) {
    build_job *job = context;
    tn_build_result *result = job->result;
    if (result->loaded) {
        bool clean = false;
        if (!lower_memory_for_load(db, err) || !stage_work(job, db, &clean, err))
            return false;
        if (!clean && !job->options->lenient)
            return tn_error_set(err, TN_ERR_INPUT,
                                "%llu problem%s in %s; the warehouse is unchanged (--lenient "
                                "loads the good rows and keeps the others in raw.rejects)",
                                (unsigned long long)result->load.problems,
                                result->load.problems == 1 ? "" : "s", exports_name(job->options));
    }
    if (!tn_db_begin(db, err))
        return false;
    if (!build_in_transaction(job, db, err)) {
        tn_db_rollback(db);
        return false;
    }
    set_step(job, "%s", "committing");
    return tn_db_commit(db, err);
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

/* Which project file to read: --mapping, else DIR/tenure.yml (or .yaml) when it exists, else none.
 */
static const char *choose_mapping(const tn_build_options *options, char *found, size_t size) {
    if (options->mapping_path != NULL)
        return options->mapping_path;
    const char *names[] = {"tenure.yml", "tenure.yaml"};
    for (size_t i = 0; i < 2; i++) {
        snprintf(found, size, "%s/%s", options->raw_dir, names[i]);
        struct stat info;
        if (stat(found, &info) == 0 && S_ISREG(info.st_mode))
            return found;
    }
    return NULL;
}

/* The contract and the mapping of a load; a mapping with problems puts them in the result. */
static bool prepare_load(build_job *job, tn_error *err) {
    const tn_build_options *options = job->options;
    tn_build_result *result = job->result;
    struct stat info;
    if (options->raw_dir != NULL && (stat(options->raw_dir, &info) != 0 || !S_ISDIR(info.st_mode)))
        return tn_error_set(err, TN_ERR_INPUT, "--raw %s: no such directory", options->raw_dir);
    char found[4096];
    const char *mapping_path = choose_mapping(options, found, sizeof found);
    if (!tn_contract_load(&job->contract, err))
        return false;
    bool ok;
    if (mapping_path == NULL) {
        ok = tn_mapping_canonical(&job->contract, options->raw_dir, &job->mapping, err);
    } else {
        tn_strbuf problems = TN_STRBUF_INIT;
        snprintf(result->mapping_used, sizeof result->mapping_used, "%s", mapping_path);
        ok = tn_mapping_load(&job->contract, mapping_path, &job->mapping, &problems, err);
        if (!ok && problems.length > 0)
            result->problem_report = tn_strbuf_detach(&problems);
        tn_strbuf_free(&problems);
        if (ok && options->raw_dir != NULL) {
            /* --raw DIR with --mapping: the files are in DIR */
            free(job->mapping.base_dir);
            job->mapping.base_dir = strdup(options->raw_dir);
            ok = job->mapping.base_dir != NULL || tn_error_set(err, TN_ERR_NOMEM, "out of memory");
        }
    }
    if (ok &&
        (job->load = tn_raw_load_create(&job->contract, &job->mapping, options->append)) == NULL)
        ok = tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    return ok;
}

static build_job *job_create(const tn_build_options *options, tn_build_result *result) {
    memset(result, 0, sizeof *result);
    result->loaded = options->raw_dir != NULL || options->mapping_path != NULL;
    result->previous_as_of = TN_DAY_UNSET;
    build_job *job = calloc(1, sizeof *job);
    if (job != NULL) {
        job->options = options;
        job->result = result;
    }
    return job;
}

static void job_destroy(build_job *job) {
    tn_raw_load_destroy(job->load);
    tn_mapping_free(&job->mapping);
    tn_models_free(&job->models);
    free(job);
}

static bool run_job(build_job *job, tn_db *db, tn_db_work work, const tn_build_watch *watch,
                    const char *unchanged, tn_error *err) {
    watch_bridge bridge = {job, watch};
    tn_db_watch db_watch = {&bridge, bridge_tick, bridge_stop};
    bool ok = tn_db_run_watched(db, work, job, &db_watch, err);
    if (!ok && err != NULL && err->code == TN_ERR_INTERRUPTED)
        tn_error_set(err, TN_ERR_INTERRUPTED, "interrupted; %s is unchanged", unchanged);
    return ok;
}

/*
 * After a build that failed into a warehouse it created: the files DuckDB
 * made (the database, its write-ahead log), so that nothing half-made is
 * left where the next command would take it for a warehouse.
 */
static void remove_new_warehouse(const char *path) {
    char wal[4096];
    snprintf(wal, sizeof wal, "%s.wal", path);
    unlink(path);
    unlink(wal);
}

bool tn_build(const tn_build_options *options, const tn_build_watch *watch, tn_build_result *result,
              tn_error *err) {
    build_job *job = job_create(options, result);
    if (job == NULL)
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    struct stat info;
    const bool existed = stat(options->db_path, &info) == 0;
    bool ok = true;
    if (!result->loaded && stat(options->db_path, &info) != 0)
        ok = tn_error_set(err, TN_ERR_INPUT,
                          "--db %s: no such warehouse (create it with 'tenure generate' or "
                          "'tenure build --raw DIR')",
                          options->db_path);
    else if (options->append && stat(options->db_path, &info) != 0)
        ok = tn_error_set(err, TN_ERR_INPUT,
                          "--db %s: no such warehouse; --append adds an increment to one: load a "
                          "full export first with 'tenure build --raw DIR'",
                          options->db_path);
    const bool layers[TN_LAYER_COUNT] = {true, true, false};
    tn_db *db = NULL;
    ok = ok && (result->loaded ? prepare_load(job, err) : tn_contract_load(&job->contract, err)) &&
         tn_models_load(layers, &job->models, err);
    tn_db_wait wait = {options->lock_wait_seconds, watch != NULL ? watch->context : NULL,
                       watch != NULL ? watch->waiting : NULL};
    if (ok && !tn_db_open_waiting(options->db_path, TN_DB_READ_WRITE, &wait, &db, err)) {
        tn_error_prefix(err, "--db");
        ok = false;
    }
    const bool created = db != NULL && !existed;
    ok = ok && run_job(job, db, build_work, watch, options->db_path, err);
    tn_db_close(db);
    if (!ok && created)
        remove_new_warehouse(options->db_path);
    job_destroy(job);
    return ok;
}

/* What the as-of date would be: --as-of, or the day after the latest event that loads. */
static bool validated_as_of(build_job *job, tn_db *db, tn_error *err) {
    tn_build_result *result = job->result;
    if (job->options->as_of != TN_DAY_UNSET) {
        result->as_of = job->options->as_of;
        snprintf(result->as_of_reason, sizeof result->as_of_reason, "given by --as-of");
        return true;
    }
    uint64_t problems = 0;
    bool ok =
        tn_query_count(db, tn_embedded_text("sql/build/usage_event_problems.sql"), &problems, err);
    /* the latest event that loads (rows with a problem do not count), or an increment's stored */
    tn_strbuf events = TN_STRBUF_INIT;
    tn_strbuf_printf(&events, "(%s)",
                     tn_embedded_text(problems == 0 ? "sql/build/loaded_events.sql"
                                                    : "sql/build/loaded_events_clean.sql"));
    bool found = false;
    ok = ok &&
         day_after_latest_event(db, tn_strbuf_cstr(&events), result, &result->as_of, &found, err);
    tn_strbuf_free(&events);
    if (ok && !found) {
        result->as_of = TN_DAY_UNSET;
        snprintf(result->as_of_reason, sizeof result->as_of_reason,
                 "no usage event loads, so --as-of would be needed");
    }
    return ok;
}

static bool validate_work(tn_db *db, void *context, tn_error *err) {
    build_job *job = context;
    bool clean = false;
    if (!stage_work(job, db, &clean, err) || !validated_as_of(job, db, err))
        return false;
    if (job->options->append && job->result->as_of != TN_DAY_UNSET &&
        !check_forward(job->result, job->result->as_of, job->result->as_of_reason, err))
        return false;
    if (clean)
        return true;
    tn_load_summary *load = &job->result->load;
    return tn_error_set(err, TN_ERR_INPUT, "%llu problem%s in %s",
                        (unsigned long long)load->problems, load->problems == 1 ? "" : "s",
                        exports_name(job->options));
}

bool tn_build_validate(const tn_build_options *options, const tn_build_watch *watch,
                       tn_build_result *result, tn_error *err) {
    build_job *job = job_create(options, result);
    if (job == NULL)
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    tn_db *db = NULL;
    bool ok = result->loaded ||
              tn_error_set(err, TN_ERR_USAGE, "give the exports: --raw DIR or --mapping FILE");
    /* an increment is checked against the warehouse it would be added to, which stays unchanged */
    if (ok && options->append && !tn_db_open(options->db_path, TN_DB_READ_ONLY, &db, err)) {
        tn_error_prefix(err, "--db");
        ok = false;
    }
    ok = ok && prepare_load(job, err) &&
         (db != NULL || tn_db_open(":memory:", TN_DB_READ_WRITE, &db, err)) &&
         run_job(job, db, validate_work, watch, "nothing", err);
    tn_db_close(db);
    job_destroy(job);
    return ok;
}

void tn_build_result_free(tn_build_result *result) {
    free(result->problem_report);
    result->problem_report = NULL;
}

/* The error of a warehouse without marts.build_info: never built. */
static bool never_built(tn_db *db, tn_error *err) {
    return tn_error_set(err, TN_ERR_INPUT, "%s has no marts yet: run 'tenure build' first",
                        tn_db_path(db));
}

bool tn_build_info_dates(tn_db *db, tn_day *as_of, tn_day *data_as_of, tn_error *err) {
    bool exists = false;
    if (!tn_query_table_exists(db, "marts", "build_info", &exists, err))
        return false;
    if (!exists)
        return never_built(db, err);
    tn_strbuf cells = TN_STRBUF_INIT;
    size_t rows = 0;
    bool ok = tn_query_cells(db, tn_embedded_text("sql/build/build_info_dates.sql"), &cells, &rows,
                             2, err);
    /* no row reads as two empty dates, which do not parse */
    const char *first = ok && rows > 0 ? cells.data : "";
    const char *second = ok && rows > 0 ? first + strlen(first) + 1 : "";
    ok = ok && tn_date_parse(first, as_of, err) && tn_date_parse(second, data_as_of, err);
    tn_strbuf_free(&cells);
    return ok;
}

/* Whether `name` is one of the `rows` NUL-separated names in `names`. */
static bool listed(const tn_strbuf *names, size_t rows, const char *name) {
    const char *at = names->data;
    for (size_t r = 0; at != NULL && r < rows; r++, at += strlen(at) + 1)
        if (strcmp(at, name) == 0)
            return true;
    return false;
}

bool tn_build_marts_complete(tn_db *db, tn_error *err) {
    tn_strbuf names = TN_STRBUF_INIT;
    size_t rows = 0;
    if (!tn_query_cells(db, tn_embedded_text("sql/build/mart_tables.sql"), &names, &rows, 1, err))
        return false;
    bool ok = listed(&names, rows, "build_info") || never_built(db, err);
    /* the marts ref() the staging models: both are read, only the marts looked for */
    bool layers[TN_LAYER_COUNT] = {[TN_LAYER_STAGING] = true, [TN_LAYER_MARTS] = true};
    tn_model_set marts = {0};
    ok = ok && tn_models_load(layers, &marts, err);
    for (size_t m = 0; ok && m < marts.count; m++)
        if (marts.models[m].layer == TN_LAYER_MARTS && !listed(&names, rows, marts.models[m].name))
            ok = tn_error_set(err, TN_ERR_INPUT,
                              "%s has no marts.%s: it was built by an earlier version of Tenure; "
                              "run 'tenure build' again",
                              tn_db_path(db), marts.models[m].name);
    tn_models_free(&marts);
    tn_strbuf_free(&names);
    return ok;
}
