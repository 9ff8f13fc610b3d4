/*
 * cmd_export.c — `tenure export`: a built warehouse's marts, the staging
 * models the stages read, its build info and every training snapshot row as
 * Parquet files, which `train`, `score`, `analyze` and `serve` read with
 * --parquet DIR (src/ml/parquet_export.h, docs/export.md).
 */
#include "cli/cli.h"

#include <stdio.h>

#include "common/log.h"
#include "ml/parquet_export.h"

static struct {
    const char *db_path;
    const char *out_dir;
    bool force;
} options;

static void set_defaults(void) {
    options.db_path = "data/warehouse.duckdb";
    options.out_dir = NULL;
    options.force = false;
}

static const tn_arg export_args[] = {
    {"db", TN_ARG_STRING, "FILE", "DuckDB warehouse (default data/warehouse.duckdb)",
     &options.db_path, 0, 0},
    {"out", TN_ARG_STRING, "DIR", "the directory to create for the Parquet files (required)",
     &options.out_dir, 0, 0},
    {"force", TN_ARG_FLAG, NULL, "replace DIR when it holds an earlier export", &options.force, 0,
     0},
    {NULL, TN_ARG_FLAG, NULL, NULL, NULL, 0, 0},
};

typedef struct {
    tn_progress progress;
    const char *step; /* the step the progress line shows, NULL before the first */
} export_watch_state;

static void on_step(void *context, const char *what, size_t done, size_t total) {
    export_watch_state *state = context;
    if (state->step != what) {
        if (state->step != NULL)
            tn_progress_end(&state->progress);
        char label[64];
        snprintf(label, sizeof label, "export: %s", what);
        tn_progress_begin(&state->progress, label, total);
        state->step = what;
    }
    tn_progress_update(&state->progress, done);
}

static int run_export(int positional_count, char **positional) {
    (void)positional_count;
    (void)positional;
    if (options.out_dir == NULL) {
        tn_log_error("export: give --out DIR, the directory to write the Parquet files into");
        return 2;
    }
    tn_export_options export = {options.db_path, options.out_dir, options.force};
    export_watch_state state = {.step = NULL};
    tn_export_watch watch = {&state, on_step};
    tn_export_result result;
    tn_error err;
    tn_error_clear(&err);
    double started = tn_log_now();
    bool ok = tn_export(&export, &watch, &result, &err);
    if (state.step != NULL)
        tn_progress_end(&state.progress);
    if (!ok) {
        tn_log_error("export: %s", err.message);
        return tn_error_exit_status(&err);
    }
    tn_log_info("export: as of %s, %zu Parquet files (%llu rows, %zu training snapshots) and "
                "manifest.json -> %s in %.1f s",
                result.as_of, result.files, (unsigned long long)result.rows, result.snapshots,
                options.out_dir, tn_log_now() - started);
    return 0;
}

const tn_command tn_cmd_export = {
    .summary = "the marts and training snapshots as Parquet files",
    .description = "Writes what 'tenure train', 'score', 'analyze' and 'serve' read from a built\n"
                   "warehouse as Parquet files, which they read instead with --parquet DIR:\n"
                   "DIR/build_info.parquet, DIR/marts/<mart>.parquet for every mart,\n"
                   "DIR/staging/<model>.parquet for the staging models they read,\n"
                   "DIR/training/churn_snapshots.parquet and expansion_snapshots.parquet (every\n"
                   "training snapshot row 'tenure train' computes, with its snapshot date), and\n"
                   "DIR/manifest.json (version, as-of dates, each file's rows and columns).\n"
                   "Another warehouse may write the same files with the same columns (the column\n"
                   "contract: docs/export.md). DIR is written beside itself and renamed into\n"
                   "place when complete; an existing DIR is replaced only with --force, and only\n"
                   "when it is an earlier export.",
    .spec = {.command = "export", .args = export_args},
    .set_defaults = set_defaults,
    .run = run_export,
};
