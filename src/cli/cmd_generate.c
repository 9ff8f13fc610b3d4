/*
 * cmd_generate.c — `tenure generate`: a synthetic SaaS company's raw tables.
 *
 * Writes the five raw tables of the data dictionary for --customers
 * customers whose signups fall in the two years before --as-of, into the
 * warehouse (--db) or as CSV files (--csv DIR), or both when both are given.
 * Same options, same seed → the same rows (and byte-identical CSVs).
 * Ctrl-C stops cleanly: nothing is left half-written. A run killed outright
 * (kill -9, a crash) leaves a hidden temporary folder in the --csv
 * directory; the next run there removes it.
 */
#include "cli/cli.h"

#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "gen/generate.h"

#define DEFAULT_DB_PATH "data/warehouse.duckdb"
#define DEFAULT_DB_DIRECTORY "data"

static struct {
    long customers;
    long seed;
    tn_day as_of;
    const char *db_path; /* NULL: not given */
    const char *csv_dir; /* NULL: not given */
    long threads;        /* 0: one per core */
} options;

static void set_defaults(void) {
    options.customers = 5000;
    options.seed = 42;
    options.as_of = tn_day_from_civil(2026, 3, 14);
    options.db_path = NULL;
    options.csv_dir = NULL;
    options.threads = 0;
}

static const tn_arg generate_args[] = {
    {"customers", TN_ARG_INT, "N", "number of customers (default 5000)", &options.customers, 1,
     1000000},
    {"seed", TN_ARG_INT, "S", "random seed; same seed, same data (default 42)", &options.seed, 0,
     2147483647},
    {"as-of", TN_ARG_DATE, "D", "day after the data ends, YYYY-MM-DD (default 2026-03-14)",
     &options.as_of, 0, 0},
    {"db", TN_ARG_STRING, "FILE", "DuckDB warehouse (default " DEFAULT_DB_PATH ")",
     &options.db_path, 0, 0},
    {"csv", TN_ARG_STRING, "DIR", "write DIR/<table>.csv (and the warehouse only if --db is given)",
     &options.csv_dir, 0, 0},
    {"threads", TN_ARG_INT, "N", "worker threads (default: one per core)", &options.threads, 1,
     256},
    {NULL, TN_ARG_FLAG, NULL, NULL, NULL, 0, 0},
};

static volatile sig_atomic_t interrupted;

static void on_interrupt(int signal_number) {
    (void)signal_number;
    interrupted = 1;
}

/* The observer's state: one progress line per table. */
typedef struct {
    tn_progress progress;
    const char *table;
} generation_watch;

static void on_progress(void *context, const char *what, uint64_t done, uint64_t total) {
    generation_watch *watch = context;
    if (watch->table == NULL || strcmp(watch->table, what) != 0) {
        if (watch->table != NULL)
            tn_progress_end(&watch->progress);
        char label[64];
        snprintf(label, sizeof label, "generate: %s (customers)", what);
        tn_progress_begin(&watch->progress, label, total);
        watch->table = what;
    }
    tn_progress_update(&watch->progress, done);
}

static bool on_should_stop(void *context) {
    (void)context;
    return interrupted != 0;
}

static void report(const char *where, const tn_gen_counts *counts, double seconds) {
    char customers[16], events[16], opportunities[16], tickets[16], rate[16];
    tn_log_info("generate: %s customers, %s usage events, %s opportunities, %s tickets -> %s "
                "in %.1f s (%s events/s)",
                tn_format_count(counts->rows[0], customers),
                tn_format_count(counts->rows[1], events),
                tn_format_count(counts->rows[2], opportunities),
                tn_format_count(counts->rows[3], tickets), where, seconds,
                tn_format_count((uint64_t)(counts->rows[1] / (seconds > 0 ? seconds : 1)), rate));
}

/* The default warehouse lives in data/, which a fresh checkout does not have yet. */
static void make_default_directory(void) {
    struct stat info;
    if (stat(DEFAULT_DB_DIRECTORY, &info) != 0)
        mkdir(DEFAULT_DB_DIRECTORY, 0777);
}

static bool generate_into(const tn_gen_company *company, int threads, bool csv, tn_error *err) {
    generation_watch watch = {.table = NULL};
    tn_gen_observer observer = {&watch, on_progress, on_should_stop};
    tn_gen_counts counts;
    double started = tn_log_now();
    const char *where = csv ? options.csv_dir : options.db_path;
    size_t stale = csv ? tn_generate_csv_remove_stale(where) : 0;
    if (stale > 0)
        tn_log_info("generate: removed %zu temporary folder%s that a stopped run left in %s", stale,
                    stale == 1 ? "" : "s", where);
    bool ok = csv ? tn_generate_csv(company, where, threads, &observer, &counts, err)
                  : tn_generate_duckdb(company, where, threads, &observer, &counts, err);
    if (watch.table != NULL)
        tn_progress_end(&watch.progress);
    if (!ok && err->code != TN_ERR_INTERRUPTED && !csv)
        tn_error_prefix(err, "--db");
    if (ok)
        report(where, &counts, tn_log_now() - started);
    return ok;
}

static int run_generate(int positional_count, char **positional) {
    (void)positional_count;
    (void)positional;
    bool want_db = options.db_path != NULL || options.csv_dir == NULL;
    if (options.db_path == NULL && want_db)
        options.db_path = DEFAULT_DB_PATH;
    if (want_db && strcmp(options.db_path, DEFAULT_DB_PATH) == 0)
        make_default_directory();
    int threads = options.threads > 0 ? (int)options.threads : (int)sysconf(_SC_NPROCESSORS_ONLN);

    tn_error err;
    tn_error_clear(&err);
    tn_gen_company company;
    if (!tn_gen_company_init(&company, tn_gen_default_model(), (uint64_t)options.customers,
                             (uint64_t)options.seed, options.as_of, &err)) {
        tn_log_error("generate: %s", err.message);
        return tn_error_exit_status(&err);
    }
    interrupted = 0;
    struct sigaction action = {.sa_handler = on_interrupt}, previous_int, previous_term;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &previous_int);
    sigaction(SIGTERM, &action, &previous_term);

    bool ok = (!want_db || generate_into(&company, threads, false, &err)) &&
              (options.csv_dir == NULL || generate_into(&company, threads, true, &err));

    sigaction(SIGINT, &previous_int, NULL);
    sigaction(SIGTERM, &previous_term, NULL);
    tn_gen_company_free(&company);
    if (!ok) {
        tn_log_error("generate: %s", err.message);
        return tn_error_exit_status(&err);
    }
    return 0;
}

const tn_command tn_cmd_generate = {
    .summary = "write a synthetic SaaS company's raw tables",
    .description = "Customers sign up over the two years before --as-of; their usage events, CRM\n"
                   "opportunities, support tickets and risk signals carry the correlations of the\n"
                   "data dictionary. Each account also gets a company name, a customer success\n"
                   "manager, its next renewal and a CRM id. The raw tables of the warehouse are\n"
                   "replaced in one transaction.",
    .spec = {.command = "generate", .args = generate_args},
    .set_defaults = set_defaults,
    .run = run_generate,
};
