/*
 * cmd_build.c — `tenure build`: the warehouse's staging views and feature
 * marts, optionally after loading a company's exports (--raw DIR), or an
 * increment of them (--append). See src/warehouse/build.h for what happens
 * and src/warehouse/raw_load.h for how exports are checked.
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
    const char *mapping_path;
    tn_day as_of;
    bool lenient;
    bool dry_run;
    bool append;
    long lock_wait;
} options;

static void set_defaults(void) {
    options.db_path = "data/warehouse.duckdb";
    options.raw_dir = NULL;
    options.mapping_path = NULL;
    options.as_of = TN_DAY_UNSET;
    options.lenient = false;
    options.dry_run = false;
    options.append = false;
    options.lock_wait = 30;
}

static const tn_arg build_args[] = {
    {"db", TN_ARG_STRING, "FILE", "DuckDB warehouse (default data/warehouse.duckdb)",
     &options.db_path, 0, 0},
    {"raw", TN_ARG_STRING, "DIR",
     "load the exports in DIR first: through DIR/tenure.yml if it exists, else DIR/<table>.csv",
     &options.raw_dir, 0, 0},
    {"mapping", TN_ARG_STRING, "FILE",
     "load the exports the project file FILE maps (paths relative to it, or to --raw DIR)",
     &options.mapping_path, 0, 0},
    {"as-of", TN_ARG_DATE, "D", "as-of date of every window (default: the data's own)",
     &options.as_of, 0, 0},
    {"lenient", TN_ARG_FLAG, NULL, "when loading: load the good rows, keep bad ones in raw.rejects",
     &options.lenient, 0, 0},
    {"dry-run", TN_ARG_FLAG, NULL,
     "when loading: check every file and report every problem; change nothing (tenure validate)",
     &options.dry_run, 0, 0},
    {"append", TN_ARG_FLAG, NULL,
     "when loading: the exports are an increment, merged into the warehouse by primary key",
     &options.append, 0, 0},
    {"lock-wait", TN_ARG_INT, "SECONDS",
     "wait up to SECONDS while another process (tenure serve loading) holds the warehouse "
     "(default 30)",
     &options.lock_wait, 0, 3600},
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
        snprintf(label, sizeof label, "build: %s", what); /* counted in percent */
        tn_progress_begin(&state->progress, label, 100);
        state->started = true;
    }
    tn_progress_update(&state->progress, percent > 0 ? (uint64_t)percent : 0);
}

static bool on_should_stop(void *context) {
    (void)context;
    return interrupted != 0;
}

static void on_waiting(void *context, const char *holder) {
    (void)context;
    tn_log_warn("build: %s is in use (%s); waiting up to %ld s for it (--lock-wait)",
                options.db_path, holder, options.lock_wait);
}

/* What an increment did: each table's new, replaced and unchanged rows, or that it had none. */
static void report_merge(const tn_build_result *result) {
    for (int t = 0; t < TN_RAW_TABLE_COUNT; t++) {
        const tn_merge_count *count = &result->merged[t];
        char added[16], replaced[16], unchanged[16];
        if (result->load.table_files[t] == 0)
            tn_log_info("build: --append: %s: not in the increment, left as it was",
                        tn_raw_tables[t]);
        else
            tn_log_info("build: --append: %s: %s added, %s replaced, %s unchanged",
                        tn_raw_tables[t], tn_format_count(count->added, added),
                        tn_format_count(count->replaced, replaced),
                        tn_format_count(count->unchanged, unchanged));
    }
}

static void report_success(const tn_build_result *result, double seconds) {
    char as_of[TN_DATE_BUF], events[16], customers[16];
    tn_date_format(result->as_of, as_of);
    if (result->mapping_used[0] != '\0')
        tn_log_info("build: read the exports through %s", result->mapping_used);
    if (options.append)
        report_merge(result);
    tn_log_info("build: as of %s (%s)", as_of, result->as_of_reason);
    tn_log_info("build: %s customers, %s usage events -> %zu models as of %s in %s in %.1f s",
                tn_format_count(result->raw_rows[0], customers),
                tn_format_count(result->raw_rows[1], events), result->models, as_of,
                options.db_path, seconds);
    if (result->loaded && result->load.rejected_rows > 0)
        tn_log_info("build: --lenient: %llu row%s rejected, kept with the reason in raw.rejects",
                    (unsigned long long)result->load.rejected_rows,
                    result->load.rejected_rows == 1 ? "" : "s");
}

typedef bool (*build_function)(const tn_build_options *, const tn_build_watch *, tn_build_result *,
                               tn_error *);

/* Runs a build or a validation with a progress line, stopping cleanly on Ctrl-C. */
static bool run_watched(build_function function, const tn_build_options *build,
                        tn_build_result *result, tn_error *err) {
    build_watch_state state = {.started = false};
    tn_build_watch watch = {&state, on_step, on_should_stop, on_waiting};
    tn_error_clear(err);
    interrupted = 0;
    struct sigaction action = {.sa_handler = on_interrupt}, previous_int, previous_term;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &previous_int);
    sigaction(SIGTERM, &action, &previous_term);
    bool ok = function(build, &watch, result, err);
    if (state.started)
        tn_progress_end(&state.progress);
    sigaction(SIGINT, &previous_int, NULL);
    sigaction(SIGTERM, &previous_term, NULL);
    return ok;
}

static int run_build(int positional_count, char **positional) {
    (void)positional_count;
    (void)positional;
    bool loading = options.raw_dir != NULL || options.mapping_path != NULL;
    if ((options.lenient || options.dry_run || options.append) && !loading) {
        tn_log_error("build: --%s applies to loading exports (--raw DIR or --mapping FILE), "
                     "and neither was given",
                     options.lenient   ? "lenient"
                     : options.dry_run ? "dry-run"
                                       : "append");
        return 2;
    }
    tn_build_options build = {.db_path = options.db_path,
                              .raw_dir = options.raw_dir,
                              .mapping_path = options.mapping_path,
                              .as_of = options.as_of,
                              .lenient = options.lenient,
                              .append = options.append,
                              .lock_wait_seconds = (int)options.lock_wait};
    if (options.dry_run)
        return tn_validate_exports(&build, "build");
    tn_build_result result;
    tn_error err;
    double started = tn_log_now();
    bool ok = run_watched(tn_build, &build, &result, &err);
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

int tn_validate_exports(const tn_build_options *build, const char *command) {
    tn_build_result result;
    tn_error err;
    bool ok = run_watched(tn_build_validate, build, &result, &err);
    char day[TN_DATE_BUF] = "none";
    if (result.as_of != TN_DAY_UNSET && result.as_of_reason[0] != '\0')
        tn_date_format(result.as_of, day);
    if (result.problem_report != NULL)
        fputs(result.problem_report, stdout);
    if (ok || (err.code == TN_ERR_INPUT && result.load.files > 0)) {
        const tn_load_summary *load = &result.load;
        if (result.mapping_used[0] != '\0')
            printf("mapping: %s\n", result.mapping_used);
        printf("read %llu files: %llu customers, %llu usage events, %llu opportunities, "
               "%llu tickets, %llu risk signals\n",
               (unsigned long long)load->files, (unsigned long long)load->rows_read[0],
               (unsigned long long)load->rows_read[1], (unsigned long long)load->rows_read[2],
               (unsigned long long)load->rows_read[3], (unsigned long long)load->rows_read[4]);
        if (result.as_of_reason[0] != '\0')
            printf("as of: %s (%s)\n", day, result.as_of_reason);
    }
    const char *raw_dir = build->raw_dir, *mapping_path = build->mapping_path;
    if (ok)
        printf("no problems: `tenure build%s%s%s%s%s` will load these exports\n",
               raw_dir ? " --raw " : "", raw_dir ? raw_dir : "", mapping_path ? " --mapping " : "",
               mapping_path ? mapping_path : "", build->append ? " --append" : "");
    else
        tn_log_error("%s: %s", command, err.message);
    tn_build_result_free(&result);
    return ok ? 0 : tn_error_exit_status(&err);
}

const tn_command tn_cmd_build = {
    .summary = "build the warehouse's staging views and feature marts",
    .description =
        "Rebuilds sql/staging (views) and sql/marts (tables) from the raw tables, in one\n"
        "transaction. With --raw DIR or --mapping FILE it first loads a company's exports:\n"
        "through the project file (FILE, or DIR/tenure.yml; see docs/your-data.md), or,\n"
        "without one, DIR/customers.csv, usage_events.csv, gtm_opportunities.csv,\n"
        "support_tickets.csv and risk_signals.csv with the contract's own columns\n"
        "(docs/data-contract.md). Every problem of every file is reported, each with its\n"
        "file, line, column and value, and stops the build unless --lenient. The build\n"
        "prints the as-of date it used and where it came from.\n"
        "\n"
        "With --append the exports are an increment of a warehouse already loaded (or\n"
        "generated): each row replaces the stored row with its primary key (customer_id,\n"
        "event_id, opp_id, ticket_id; risk_signals by customer_id) whole, or is added; a\n"
        "table with no file in the increment is left as it was, but an increment needs at\n"
        "least one. Its rows are checked as in a full load, against the stored rows they\n"
        "do not replace. The as-of date only moves forward: one earlier than the last\n"
        "build's is refused. Loading the same increment again changes nothing; the\n"
        "merge, the marts and marts.build_info are one transaction. With --lenient its\n"
        "rejects are added to raw.rejects, each with the load's as-of date. See\n"
        "docs/your-data.md (daily increments).",
    .spec = {.command = "build", .args = build_args},
    .set_defaults = set_defaults,
    .run = run_build,
};
