/*
 * cmd_analyze.c — `tenure analyze`: survival analysis and churn-signal
 * statistics of the warehouse into DIR/analysis.json and DIR/analysis.md
 * (see src/analysis/analyze.h). Sections that cannot be computed are listed
 * as warnings and marked in the report; the rest is still written.
 */
#include "cli/cli.h"

#include <string.h>

#include "analysis/analyze.h"
#include "common/log.h"

static struct {
    const char *db_path;
    const char *out_dir;
    const char *parquet_dir; /* NULL: the warehouse's own marts */
} options;

static void set_defaults(void) {
    options.db_path = "data/warehouse.duckdb";
    options.out_dir = "reports";
    options.parquet_dir = NULL;
}

static const tn_arg analyze_args[] = {
    {"db", TN_ARG_STRING, "FILE", "DuckDB warehouse (default data/warehouse.duckdb)",
     &options.db_path, 0, 0},
    {"out", TN_ARG_STRING, "DIR", "where analysis.json and analysis.md go (default reports)",
     &options.out_dir, 0, 0},
    {"parquet", TN_ARG_STRING, "DIR",
     "read the marts from the Parquet files of DIR ('tenure export', docs/export.md)\n"
     "instead of --db, which is then not read",
     &options.parquet_dir, 0, 0},
    {NULL, TN_ARG_FLAG, NULL, NULL, NULL, 0, 0},
};

static int run_analyze(int positional_count, char **positional) {
    (void)positional_count;
    (void)positional;
    tn_analyze_options analysis = {options.db_path, options.out_dir, options.parquet_dir};
    tn_analyze_result result;
    tn_error err;
    tn_error_clear(&err);
    double started = tn_log_now();
    bool ok = tn_analyze(&analysis, &result, &err);
    if (!ok) {
        tn_log_error("analyze: %s", err.message);
    } else {
        const char *line = tn_strbuf_cstr(&result.warnings);
        while (*line != '\0') {
            const char *end = strchr(line, '\n');
            tn_log_warn("analyze: %.*s", (int)(end - line), line);
            line = end + 1;
        }
        tn_log_info("analyze: %d customers, %d sections -> %s/analysis.json and analysis.md in "
                    "%.1f s",
                    result.customers, result.sections, options.out_dir, tn_log_now() - started);
    }
    tn_strbuf_free(&result.warnings);
    return ok ? 0 : tn_error_exit_status(&err);
}

const tn_command tn_cmd_analyze = {
    .summary = "survival analysis and churn-signal statistics",
    .description = "Reads marts.customer_survival and writes DIR/analysis.json (every number) and\n"
                   "DIR/analysis.md (the same as tables).",
    .spec = {.command = "analyze", .args = analyze_args},
    .set_defaults = set_defaults,
    .run = run_analyze,
};
