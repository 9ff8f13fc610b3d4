/*
 * cmd_build.c — `tenure build`: the warehouse's staging views and feature
 * marts, optionally after loading a company's CSV exports (--raw DIR).
 * See src/warehouse/build.h for what happens and src/warehouse/raw_load.h
 * for how exports are checked.
 */
#include "cli/cli.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "warehouse/build.h"

static struct {
    const char *db_path;
    const char *raw_dir;
    tn_day as_of;
    bool lenient;
} options;

static void set_defaults(void) {
    options.db_path = "data/warehouse.duckdb";
    options.raw_dir = NULL;
    options.as_of = TN_DAY_UNSET;
    options.lenient = false;
}

static const tn_arg build_args[] = {
    {"db", TN_ARG_STRING, "FILE", "DuckDB warehouse (default data/warehouse.duckdb)",
     &options.db_path, 0, 0},
    {"raw", TN_ARG_STRING, "DIR", "load DIR/<table>.csv into the raw tables first",
     &options.raw_dir, 0, 0},
    {"as-of", TN_ARG_DATE, "D", "as-of date of every window (default: the data's own)",
     &options.as_of, 0, 0},
    {"lenient", TN_ARG_FLAG, NULL, "with --raw: load the good rows, keep bad ones in raw.rejects",
     &options.lenient, 0, 0},
    {NULL, TN_ARG_FLAG, NULL, NULL, NULL, 0, 0},
};

static volatile sig_atomic_t interrupted;

static void on_interrupt(int signal_number) {
    (void)signal_number;
    interrupted = 1;
}

/* One progress line, relabelled at every step of the build. */
typedef struct {
    tn_progress progress;
    char step[160];
    bool started;
} build_watch_state;

static void on_step(void *context, const char *what, double percent) {
    build_watch_state *state = context;
    if (!state->started || strcmp(state->step, what) != 0) {
        if (state->started)
            tn_progress_end(&state->progress);
        snprintf(state->step, sizeof state->step, "%s", what);
        char label[200];
        snprintf(label, sizeof label, "build: %s (%%)", what);
        tn_progress_begin(&state->progress, label, 100);
        state->started = true;
    }
    tn_progress_update(&state->progress, percent > 0 ? (uint64_t)percent : 0);
}

static bool on_should_stop(void *context) {
    (void)context;
    return interrupted != 0;
}

static void report_success(const tn_build_result *result, double seconds) {
    char as_of[TN_DATE_BUF], events[16], customers[16];
    tn_date_format(result->as_of, as_of);
    tn_log_info("build: %s customers, %s usage events -> %zu models as of %s in %s in %.1f s",
                tn_format_count(result->raw_rows[0], customers),
                tn_format_count(result->raw_rows[1], events), result->models, as_of,
                options.db_path, seconds);
    if (result->loaded && result->load.problems > 0)
        tn_log_info("build: --lenient: %llu row%s rejected, kept with the reason in raw.rejects",
                    (unsigned long long)result->load.rejected_rows,
                    result->load.rejected_rows == 1 ? "" : "s");
}

static int run_build(int positional_count, char **positional) {
    (void)positional_count;
    (void)positional;
    if (options.lenient && options.raw_dir == NULL) {
        tn_log_error("build: --lenient applies to --raw DIR, which was not given");
        return 2;
    }
    tn_build_options build = {options.db_path, options.raw_dir, options.as_of, options.lenient};
    build_watch_state state = {.started = false};
    tn_build_watch watch = {&state, on_step, on_should_stop};
    tn_build_result result;
    tn_error err;
    tn_error_clear(&err);

    interrupted = 0;
    struct sigaction action = {.sa_handler = on_interrupt}, previous_int, previous_term;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &previous_int);
    sigaction(SIGTERM, &action, &previous_term);
    double started = tn_log_now();
    bool ok = tn_build(&build, &watch, &result, &err);
    if (state.started)
        tn_progress_end(&state.progress);
    sigaction(SIGINT, &previous_int, NULL);
    sigaction(SIGTERM, &previous_term, NULL);

    if (ok) {
        report_success(&result, tn_log_now() - started);
    } else {
        tn_log_error("build: %s", err.message);
        if (result.problem_report != NULL)
            fputs(result.problem_report, stderr);
    }
    tn_build_result_free(&result);
    return ok ? 0 : tn_error_exit_status(&err);
}

const tn_command tn_cmd_build = {
    .summary = "build the warehouse's staging views and feature marts",
    .description =
        "Rebuilds sql/staging (views) and sql/marts (tables) from the raw tables, in one\n"
        "transaction. With --raw DIR, first loads DIR/customers.csv, usage_events.csv,\n"
        "gtm_opportunities.csv, support_tickets.csv and risk_signals.csv: any bad row stops\n"
        "the build with its file, line, column and value, unless --lenient.",
    .spec = {.command = "build", .args = build_args},
    .set_defaults = set_defaults,
    .run = run_build,
};
