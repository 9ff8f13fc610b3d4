/*
 * cmd_report.c — `tenure report`: the offline report, reports/index.html
 * (src/insight/report.h): the dashboard's portfolio, survival and models
 * views with their data inlined, for opening from file:// or mailing.
 */
#include "cli/cli.h"

#include <stdio.h>

#include "common/file.h"
#include "common/log.h"
#include "insight/report.h"

static struct { const char *db_path, *models_dir, *reports_dir, *out_path; } options;

static void set_defaults(void) {
    options.db_path = "data/warehouse.duckdb";
    options.models_dir = "models";
    options.reports_dir = "reports";
    options.out_path = NULL;
}

static const tn_arg report_args[] = {
    {"db", TN_ARG_STRING, "FILE", "DuckDB warehouse (default data/warehouse.duckdb)",
     &options.db_path, 0, 0},
    {"models", TN_ARG_STRING, "DIR", "model directory (default models)", &options.models_dir, 0, 0},
    {"reports", TN_ARG_STRING, "DIR",
     "where 'tenure analyze' wrote analysis.json (default reports)", &options.reports_dir, 0, 0},
    {"out", TN_ARG_STRING, "FILE", "the report, a regular file (default <reports>/index.html)",
     &options.out_path, 0, 0},
    {NULL, TN_ARG_FLAG, NULL, NULL, NULL, 0, 0},
};

static int run_report(int positional_count, char **positional) {
    (void)positional_count;
    (void)positional;
    char default_out[4200];
    snprintf(default_out, sizeof default_out, "%s/index.html", options.reports_dir);
    const char *out = options.out_path != NULL ? options.out_path : default_out;
    tn_error err;
    tn_error_clear(&err);
    if (!tn_file_check_target(out, &err)) { /* before the work, not after */
        tn_log_error("report: %s%s", options.out_path != NULL ? "--out " : "", err.message);
        return 1;
    }
    double started = tn_log_now();
    tn_report_source source = {options.db_path, options.models_dir, options.reports_dir};
    size_t bytes = 0;
    char as_of[16] = "";
    bool ok = tn_report_write(&source, out, &bytes, as_of, &err);
    if (ok)
        tn_log_info("report: portfolio, survival and models as of %s -> %s (%.0f KB) in %.1f s",
                    as_of, out, (double)bytes / 1024.0, tn_log_now() - started);
    else
        tn_log_error("report: %s", err.message);
    return ok ? 0 : tn_error_exit_status(&err);
}

const tn_command tn_cmd_report = {
    .summary = "the offline report: reports/index.html",
    .description =
        "Writes the dashboard's portfolio, survival and models views, with their data, into one\n"
        "HTML file that opens from file:// with no server. Needs the warehouse's marts\n"
        "('tenure build'), both models ('tenure train') and analysis.json ('tenure analyze').",
    .spec = {.command = "report", .args = report_args},
    .set_defaults = set_defaults,
    .run = run_report,
};
